/* Times the FRAMEWORK decode alone (ap_fwk_load: framing, record decoding, time conversion,
 * string interning) on one dump and prints bytes, seconds and GB/s. Not a test. */
#include <stdio.h>
#include <stdlib.h>
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

static long long file_size(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

int main(int argc, char **argv)
{
	struct ap_timeconv tc = { 0, 1.0, 0, 0, 0 };
	struct ap_err err = AP_ERR_INIT;
	struct ap_diag diag;
	struct ap_host h;
	long long bytes;
	double t0, t1;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-decode FRAMEWORK_DIR\n");
		return 2;
	}
	bytes = file_size(argv[1], "torch.op_range") + file_size(argv[1], "torch.op_mark");
	ap_diag_init(&diag);
	if (ap_host_init(&h) < 0)
		return 1;
	t0 = now();
	if (ap_fwk_load(argv[1], &tc, &h, &diag, &err) < 0) {
		fprintf(stderr, "bench-decode: %s\n", ap_err_text(&err));
		return 1;
	}
	t1 = now();
	printf("decode: %lld bytes, %zu ops, %zu marks in %.3f s: %.2f GB/s\n", bytes, h.ops.n,
	       h.marks.n, t1 - t0, (double)bytes / (t1 - t0) / 1e9);
	ap_host_release(&h);
	ap_diag_release(&diag);
	return 0;
}
