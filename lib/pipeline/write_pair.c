/* Two groups of a dump's outputs that read the same finished analysis and write files of their
 * own, side by side when threads are left over (CONVENTIONS §6). */
#include "pipeline_local.h"
#include "../base/banned.h"

int ap_pipeline__write_pair(ap_pipeline__write_fn first, ap_pipeline__write_fn second,
			    void *arg, int threads, struct ap_err *err)
{
	struct ap_err ferr = AP_ERR_INIT;
	int fret = 0, sret = 0;
#ifdef _OPENMP
	int par = threads > 1 && first;
#else
	int par = 0;

	(void)threads;
#endif

#ifdef _OPENMP
#pragma omp parallel num_threads(2) if (par)
#pragma omp single
#endif
	{
		if (first) {
#ifdef _OPENMP
#pragma omp task if (par) shared(fret, ferr)
#endif
			fret = first(arg, &ferr);
		}
		/* serial: first is done, and a failure there ends it (fret is read only then: a
		 * deferred task may still be writing it) */
		if (par || fret == 0)
			sret = second(arg, err);
#ifdef _OPENMP
#pragma omp taskwait
#endif
	}
	if (fret < 0) {
		ap_err_move(err, &ferr);
		return fret;
	}
	return sret;
}
