/* Times the loading of a service dump's databases (specs/ms_service_profiler.md §1, §2.2):
 * every ms_service_*.db below DIR through ap_svc_load_file, one after the other on one core
 * (each file released before the next); no merge, no analysis, no output. Prints the files,
 * their bytes, the records loaded, the CPU seconds and the records per second. Not a test.
 * usage: bench-svc-load DIR */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/strlist.h"
#include "ap/svc.h"
#include "ap/svc_load.h"
#include "ap/svc_probe.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct ap_err err = AP_ERR_INIT;
	struct ap_diag diag;
	struct ap_strlist paths = { 0 };
	long long bytes = 0, records = 0;
	double t = 0, t0;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-svc-load DIR\n");
		return 2;
	}
	ap_diag_init(&diag);
	if (ap_svc_find(argv[1], &paths, &diag, &err) < 0 || !paths.n) {
		fprintf(stderr, "bench-svc-load: %s\n", paths.n ? ap_err_text(&err) : "no ms_service_*.db");
		return 1;
	}
	for (i = 0; i < paths.n; i++) {
		struct ap_svc_file f;
		struct stat st;

		if (stat(paths.v[i], &st) == 0)
			bytes += (long long)st.st_size;
		ap_svc_file_init(&f);
		t0 = now();
		if (ap_svc_load_file(&f, paths.v[i], &err) < 0) {
			fprintf(stderr, "bench-svc-load: %s\n", ap_err_text(&err));
			return 1;
		}
		t += now() - t0;
		records += (long long)f.n_rows;
		ap_svc_file_release(&f);
	}
	printf("%zu files %lld bytes %lld records %.6f s: %.0f records/s\n", paths.n, bytes, records, t,
	       t > 0 ? (double)records / t : 0.0);
	ap_strlist_release(&paths);
	ap_diag_release(&diag);
	return 0;
}
