/* Raw framework clock -> local wall-clock ns (spec torch_npu_ascend_pt.md §4). */
#ifndef AP_TIMECONV_H
#define AP_TIMECONV_H

#include <stdint.h>

struct ap_timeconv {
	int syscnt;          /* step A applies */
	double factor;       /* 1000.0 / freq (MHz) */
	int64_t start_cnt;   /* syscnt at the reference point */
	int64_t offset;      /* CLOCK_MONOTONIC_RAW ns at the reference point */
	int64_t local_diff;  /* step B: local = mono + local_diff */
};

/* Step A then step B: trunc((raw - start_cnt) * factor) + offset + local_diff. */
static inline int64_t ap_time_local(const struct ap_timeconv *tc, int64_t raw)
{
	int64_t mono = raw;

	if (tc->syscnt)
		mono = (int64_t)((double)(raw - tc->start_cnt) * tc->factor) + tc->offset;
	return mono + tc->local_diff;
}

#endif
