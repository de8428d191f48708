/* Device task pairing (spec cann_prof_raw.md §3.5.2; upstream log_modeling.cpp and
 * batch_id.cpp): start/end logs -> device tasks with batch ids. Pure, on model tables. */
#ifndef AP_CANN_PAIR_H
#define AP_CANN_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cann_dev.h"
#include "ap/err.h"
#include "ap/vec.h"

struct ap_cann_pair_stats {
	uint64_t unmatched_start, unmatched_end; /* logs left without a partner (§4: warn) */
	uint64_t tasks;
};

struct ap_cann_tasks {
	AP_VEC(struct ap_cann_dev_task) v;
};

/* Pairs the logs of d: sorts d->logs and d->flips by syscnt in place (stable), gives each
 * start the batch id of its stream's flips with the backward calibration, then matches
 * starts and ends per (ctx, task, stream) by the equal-count or the greedy rule; ACSQ/HWTS
 * and FFTS+ logs are paired apart, as upstream. Appends the tasks to out (initialised by the
 * caller, zeroed struct), ordered by start syscnt; equal starts by ACSQ/HWTS before FFTS+,
 * then stream, task, context. st->unmatched_start / unmatched_end count the logs left without
 * a partner (a key with starts but no ends, or ends but no starts, included). Returns 0, or
 * AP_ENOMEM / AP_EINVAL (more than 2^32 logs) with err set. */
int ap_cann_pair(struct ap_cann_dev *d, struct ap_cann_tasks *out, struct ap_cann_pair_stats *st,
		 struct ap_err *err);
void ap_cann_tasks_release(struct ap_cann_tasks *t);

#endif
