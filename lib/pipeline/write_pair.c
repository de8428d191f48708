/* Where a dump's tasks run (CONVENTIONS §6), and two groups of its outputs that read the same
 * finished analysis and write files of their own, side by side when threads are left over. */
#ifdef _OPENMP
#include <omp.h>
#endif

#include "pipeline_local.h"
#include "../base/banned.h"

/* Whether a dump's tasks are deferred for other threads to take up: in a team of their own, or
 * in the driver's (ap_pipeline__in_team). */
static int defer(int threads)
{
#ifdef _OPENMP
	return threads > 1 || omp_in_parallel();
#else
	(void)threads;
	return 0;
#endif
}

void ap_pipeline__in_team(void (*fn)(void *), void *arg, int threads)
{
#ifdef _OPENMP
	if (threads > 1) {
#pragma omp parallel num_threads(threads)
#pragma omp single
		fn(arg);
		return;
	}
#else
	(void)threads;
#endif
	fn(arg);
}

struct pair {
	ap_pipeline__write_fn first, second;
	void *arg;
	int par, fret, sret;
	struct ap_err ferr, *err;
};

static void pair_body(void *v)
{
	struct pair *p = v;

	if (p->first) {
#ifdef _OPENMP
#pragma omp task if (p->par)
#endif
		p->fret = p->first(p->arg, &p->ferr);
	}
	/* serial: first is done, and a failure there ends it (fret is read only then: a deferred
	 * task may still be writing it) */
	if (p->par || p->fret == 0)
		p->sret = p->second(p->arg, p->err);
#ifdef _OPENMP
#pragma omp taskwait
#endif
}

int ap_pipeline__write_pair(ap_pipeline__write_fn first, ap_pipeline__write_fn second,
			    void *arg, int threads, struct ap_err *err)
{
	struct pair p = { first, second, arg, first && defer(threads), 0, 0,
			  AP_ERR_INIT, err };

	ap_pipeline__in_team(pair_body, &p, p.par && threads > 1 ? 2 : 1);
	if (p.fret < 0) {
		ap_err_move(err, &p.ferr);
		return p.fret;
	}
	return p.sret;
}
