/* Runs the per-dump analysis over many dumps in parallel (CONVENTIONS §6): each dump owns
 * its result; nothing shared is written inside the parallel region except the count of
 * finished dumps (under a lock), and no stream at all; results are reported afterwards in
 * input order. */
#ifndef AP_TOOLS_DRIVER_H
#define AP_TOOLS_DRIVER_H

#include "ap/analyse.h"

struct ap_job {
	const char *dir;
	struct ap_analyse_result res;
	int ret;
};

/* Runs ap_analyse_pt on every job with at most threads threads (0: OMP_NUM_THREADS when
 * set, else one per core). When progress is set, the calling thread redraws a progress line
 * on stderr, outside the parallel region (which then runs in a thread of its own): each count
 * from 0 to n once, in order, then a newline, whatever the timing. */
void ap_driver_run(struct ap_job *jobs, size_t n, int threads, int progress,
		   const struct ap_analyse_opts *o);

#endif
