/* Times the FRAMEWORK decode alone (ap_fwk_load on every file of the directory: framing, record decoding of
 * every kind, time conversion with syscnt on, string interning) on one dump and prints one line: the bytes of
 * all FRAMEWORK files, the records of each kind, seconds and GB/s. Not a test.
 * usage: bench-decode FRAMEWORK_DIR */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ap/diag.h"
#include "ap/fwk_load.h"
#include "ap/host.h"
#include "ap/timeconv.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Bytes of the regular files directly in dir. */
static long long dir_bytes(const char *dir)
{
	char path[4096];
	struct dirent *e;
	struct stat st;
	long long n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			n += (long long)st.st_size;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	/* 100 MHz system counter, as the synthetic dumps: every timestamp takes the double conversion of §4 */
	struct ap_timeconv tc = { 1, 10.0, 0, 0, 0 };
	struct ap_err err = AP_ERR_INIT;
	struct ap_diag diag;
	struct ap_host h;
	long long bytes;
	double t0, t1;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-decode FRAMEWORK_DIR\n");
		return 2;
	}
	bytes = dir_bytes(argv[1]);
	if (bytes < 0) {
		fprintf(stderr, "bench-decode: cannot read '%s'\n", argv[1]);
		return 1;
	}
	ap_diag_init(&diag);
	if (ap_host_init(&h) < 0)
		return 1;
	t0 = now();
	if (ap_fwk_load(argv[1], &tc, &h, &diag, &err) < 0) {
		fprintf(stderr, "bench-decode: %s\n", ap_err_text(&err));
		return 1;
	}
	t1 = now();
	printf("decode: %lld bytes, %zu ops, %zu marks, %zu mems, %zu python, %zu hashes, %zu gc in %.3f s: "
	       "%.2f GB/s\n",
	       bytes, h.ops.n, h.marks.n, h.mems.n, h.pyrecs.n, h.pyhash.n, h.gcs.n, t1 - t0,
	       (double)bytes / (t1 - t0) / 1e9);
	ap_host_release(&h);
	ap_diag_release(&diag);
	return 0;
}
