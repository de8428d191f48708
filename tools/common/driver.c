#include <stdio.h>

#include "driver.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Without -j: OMP_NUM_THREADS when set, else one thread per core. */
static int default_threads(void)
{
#ifdef _OPENMP
	return omp_get_max_threads();
#else
	return 1;
#endif
}

static void show_progress(size_t done, size_t n)
{
	fprintf(stderr, "\ranalysing: %zu/%zu dumps", done, n);
	fflush(stderr);
}

void ap_driver_run(struct ap_job *jobs, size_t n, int threads, int progress,
		   const struct ap_analyse_opts *o)
{
	size_t done = 0;
	long i;

	if (threads <= 0)
		threads = default_threads();
	if ((size_t)threads > n)
		threads = n ? (int)n : 1;
	if (progress)
		show_progress(0, n);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
	for (i = 0; i < (long)n; i++) {
		size_t now;

		jobs[i].ret = ap_analyse_pt(jobs[i].dir, o, &jobs[i].res);
#ifdef _OPENMP
#pragma omp atomic capture
#endif
		now = ++done;
		/* Only the first thread redraws, so the line never interleaves. */
#ifdef _OPENMP
		if (progress && omp_get_thread_num() == 0)
#else
		if (progress)
#endif
			show_progress(now, n);
	}
	if (progress) {
		show_progress(n, n);
		fputc('\n', stderr);
	}
}
