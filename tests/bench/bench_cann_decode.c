/* Times the decoding of a PROF_* dir's raw data (cann_prof_raw §1-§3): host/data through
 * ap_cann_host_load, then each device_N/data through ap_cann_dev_load, one after the other on
 * one core; no join, no output. Prints the bytes of the data slices, the records decoded and the
 * CPU seconds. Not a test.
 * usage: bench-cann-decode PROF_DIR */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ap/cann_dev_load.h"
#include "ap/cann_host_load.h"
#include "ap/cann_meta.h"
#include "ap/diag.h"
#include "ap/err.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Bytes of the regular files of dir whose name holds "slice_" (not their .done files). */
static long long slice_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long long n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (!strstr(e->d_name, "slice_") || strstr(e->d_name, ".done"))
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
	struct ap_err err = AP_ERR_INIT;
	struct ap_diag diag;
	struct ap_cann_host h;
	char path[4096];
	long long bytes = 0;
	size_t devices = 0, logs = 0;
	double t0, t;
	DIR *d;
	struct dirent *e;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-cann-decode PROF_DIR\n");
		return 2;
	}
	ap_diag_init(&diag);
	if (ap_cann_host_init(&h) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/host/data", argv[1]);
	bytes += slice_bytes(path);
	snprintf(path, sizeof(path), "%s/host", argv[1]);
	t0 = now();
	if (ap_cann_host_load(path, &h, &diag, &err) < 0) {
		fprintf(stderr, "bench-cann-decode: %s\n", ap_err_text(&err));
		return 1;
	}
	t = now() - t0;
	d = opendir(argv[1]);
	while (d && (e = readdir(d))) {
		struct ap_cann_meta m;
		struct ap_cann_dev dev;
		struct ap_cann_dev_opts opts;
		int id;
		double t1;

		if (strncmp(e->d_name, "device_", 7) || sscanf(e->d_name + 7, "%d", &id) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
		ap_cann_meta_init(&m, id);
		if (ap_cann_meta_load(&m, path, e->d_name, id, &err) < 0)
			return 1;
		snprintf(path, sizeof(path), "%s/%s/data", argv[1], e->d_name);
		bytes += slice_bytes(path);
		ap_cann_dev_init(&dev, id);
		memset(&opts, 0, sizeof(opts));
		opts.shown = e->d_name;
		t1 = now();
		if (ap_cann_dev_load(&dev, path, ap_cann_chip_logs(m.info.platform_version), &opts,
				     &diag, &err) < 0) {
			fprintf(stderr, "bench-cann-decode: %s\n", ap_err_text(&err));
			return 1;
		}
		t += now() - t1;
		devices++;
		logs += dev.logs.n;
		ap_cann_dev_release(&dev);
		ap_cann_meta_release(&m);
	}
	if (d)
		closedir(d);
	printf("decode: %lld bytes, %zu API intervals, %zu task tracks, %zu devices, %zu task logs in %.3f s: %.2f GB/s\n",
	       bytes, h.apis.n, h.tracks.n, devices, logs, t, t > 0 ? (double)bytes / t / 1e9 : 0);
	ap_cann_host_release(&h);
	ap_diag_release(&diag);
	return 0;
}
