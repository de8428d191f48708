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

/* a + b, saturated at the int64 range. */
static inline int64_t ap__sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* Step A then step B: trunc((raw - start_cnt) * factor) + offset + local_diff. The
 * difference is exact before its conversion to double, as in Python; values of corrupt
 * records that leave the int64 range saturate instead of overflowing. */
static inline int64_t ap_time_local(const struct ap_timeconv *tc, int64_t raw)
{
	int64_t mono = raw;

	if (tc->syscnt) {
		double x = (double)((__int128)raw - (__int128)tc->start_cnt) * tc->factor;

		if (x >= 9223372036854775808.0)
			mono = INT64_MAX;
		else if (x < -9223372036854775808.0)
			mono = INT64_MIN;
		else
			mono = (int64_t)x;
		mono = ap__sat_add(mono, tc->offset);
	}
	return ap__sat_add(mono, tc->local_diff);
}

#endif
