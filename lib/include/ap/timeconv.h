/* Raw framework clock -> local wall-clock ns (spec torch_npu_ascend_pt.md §4). */
#ifndef AP_TIMECONV_H
#define AP_TIMECONV_H

#include <stdint.h>

#include "ap/checked.h"

/* Local times are kept within +-(2^62 - 1) ns (+-146 years around 1970), so that the
 * difference of any two fits an int64; only corrupt records reach the bounds. */
#define AP_TIME_MAX (((int64_t)1 << 62) - 1)
#define AP_TIME_MIN (-AP_TIME_MAX)

struct ap_timeconv {
	int syscnt;          /* step A applies */
	double factor;       /* 1000.0 / freq (MHz) */
	int64_t start_cnt;   /* syscnt at the reference point */
	int64_t offset;      /* CLOCK_MONOTONIC_RAW ns at the reference point */
	int64_t local_diff;  /* step B: local = mono + local_diff */
};

/* Step A then step B: trunc((raw - start_cnt) * factor) + offset + local_diff. The
 * difference is exact before its conversion to double, as in Python; the result is clamped
 * to [AP_TIME_MIN, AP_TIME_MAX]. */
static inline int64_t ap_time_local(const struct ap_timeconv *tc, int64_t raw)
{
	int64_t mono = raw;

	if (tc->syscnt) {
		int64_t d;
		/* the same double either way; the 128-bit conversion only when needed */
		double x = __builtin_sub_overflow(raw, tc->start_cnt, &d)
				   ? (double)((__int128)raw - (__int128)tc->start_cnt)
				   : (double)d;

		x *= tc->factor;

		if (x >= 9223372036854775808.0)
			mono = INT64_MAX;
		else if (x < -9223372036854775808.0)
			mono = INT64_MIN;
		else
			mono = (int64_t)x;
		mono = ap_sat_add_i64(mono, tc->offset);
	}
	mono = ap_sat_add_i64(mono, tc->local_diff);
	return mono > AP_TIME_MAX ? AP_TIME_MAX : mono < AP_TIME_MIN ? AP_TIME_MIN : mono;
}

#endif
