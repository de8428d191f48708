/* The clocks of a PROF_* dir: host counter ticks and device syscnt -> CLOCK_MONOTONIC_RAW ns
 * -> local wall-clock ns (spec cann_prof_raw.md §3.6). A clock is built from the side files
 * of one host or device_N dir by ap_cann_clock_host / ap_cann_clock_device (ap/cann_meta.h);
 * the conversions here are pure and cheap enough for every record.
 *
 * Upstream (Ascend/msprof analysis/csrc, infrastructure/utils/time_utils.cpp) computes
 * GetTimeFromCnt(cnt) = HPFloat(double(|cnt - C|) / freq) << 3, added to or subtracted from
 * the reference monotonic time, then adds GetLocalTime's (startTimeNs - baseTimeNs) and
 * truncates to an integer (HPFloat::Uint64). The division is a double division; HPFloat
 * takes the quotient through std::to_string, i.e. rounded to 6 decimals of a µs; shifting by
 * 3 decimal places and the additions are exact. These functions reproduce that bit for bit
 * with integer and 128-bit arithmetic: the only inexact step is the same double division. */
#ifndef AP_CANN_CLOCK_H
#define AP_CANN_CLOCK_H

#include <stdint.h>
#include <string.h>

#include "ap/checked.h"
#include "ap/timeconv.h"

struct ap_cann_clock {
	double freq_mhz;     /* counter frequency in MHz (> 0): hwts_frequency or CPU Frequency */
	uint64_t ref_cnt;    /* counter value at the reference instant (cntvct) */
	uint64_t ref_mono;   /* CLOCK_MONOTONIC_RAW ns at that instant (cntvct_diff applied) */
	int64_t local_diff;  /* start_info collectionTimeBegin * 1000 - clockMonotonicRaw */
	int identity;        /* host clock with Frequency 1000 or empty: values are already
	                      * monotonic ns (GetTimeFromHostCnt) */
};

/* Rounds the double q (>= 0, finite) to 6 decimals as the "%f" conversion does (round half to
 * even on the exact binary value) and returns it in millionths: std::to_string inside
 * HPFloat. 128 bits: a counter difference of 2^64 ticks at a frequency as low as 1 Hz fits;
 * values of 2^100 and more (no frequency gets there) saturate. */
static inline unsigned __int128 ap_cann__round6(double q)
{
	uint64_t bits, m;
	int e;
	unsigned __int128 n, r, half, rem;

	if (!(q > 0))
		return 0;
	if (q >= 1267650600228229401496703205376.0) /* 2^100 */
		return ~(unsigned __int128)0;
	memcpy(&bits, &q, sizeof(bits));
	e = (int)((bits >> 52) & 0x7FF);
	m = bits & (((uint64_t)1 << 52) - 1);
	if (e == 0)
		e = 1;  /* subnormal */
	else
		m |= (uint64_t)1 << 52;
	e -= 1075;  /* q = m * 2^e exactly */
	n = (unsigned __int128)m * 1000000u;  /* < 2^73 */
	if (e >= 0)
		return n << e;  /* e < 48 here: q < 2^100 */
	if (e <= -75)
		return 0;  /* n / 2^-e < 0.5 */
	r = n >> -e;
	rem = n - (r << -e);
	half = (unsigned __int128)1 << (-e - 1);
	if (rem > half || (rem == half && (r & 1)))
		r++;
	return r;
}

/* |cnt - ref| converted as upstream, in thousandths of a ns (picoseconds), and its sign. */
static inline unsigned __int128 ap_cann__ps(const struct ap_cann_clock *c, uint64_t cnt, int *neg)
{
	uint64_t d;

	*neg = cnt < c->ref_cnt;
	d = *neg ? c->ref_cnt - cnt : cnt - c->ref_cnt;
	return ap_cann__round6((double)d / c->freq_mhz);
}

/* cnt -> CLOCK_MONOTONIC_RAW ns (GetTimeFromSyscnt / GetTimeFromHostCnt, truncated by
 * Uint64). A time before the reference rounds down (mono - 0.5 ns -> mono - 1), as the
 * truncation of the positive HPFloat result does. Saturates at the int64 range. */
static inline int64_t ap_cann_clock_mono(const struct ap_cann_clock *c, uint64_t cnt)
{
	unsigned __int128 ps, ns;
	int neg;

	if (c->identity)
		return cnt > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)cnt;
	ps = ap_cann__ps(c, cnt, &neg);
	ns = ps / 1000;
	if (neg) {
		ns += ps % 1000 != 0;
		if (ns > (uint64_t)INT64_MAX)
			return INT64_MIN;
		return ap_sat_sub_i64((int64_t)(c->ref_mono > (uint64_t)INT64_MAX ? INT64_MAX
									 : c->ref_mono),
				      (int64_t)ns);
	}
	if (ns > (uint64_t)INT64_MAX)
		return INT64_MAX;
	return ap_sat_add_i64((int64_t)(c->ref_mono > (uint64_t)INT64_MAX ? INT64_MAX : c->ref_mono),
			      (int64_t)ns);
}

/* cnt -> local wall-clock ns (GetLocalTime(GetTimeFromSyscnt(cnt)), then Uint64): the
 * monotonic time plus local_diff; the fraction of a ns is dropped after the addition, which
 * is the same as dropping it before because local_diff is whole. Clamped to
 * [AP_TIME_MIN, AP_TIME_MAX]. */
static inline int64_t ap_cann_clock_local(const struct ap_cann_clock *c, uint64_t cnt)
{
	int64_t t = ap_sat_add_i64(ap_cann_clock_mono(c, cnt), c->local_diff);

	return t > AP_TIME_MAX ? AP_TIME_MAX : t < AP_TIME_MIN ? AP_TIME_MIN : t;
}

/* A tick count -> ns, truncated (GetDurTimeFromSyscnt: HPFloat(ticks / freq) << 3). For an
 * identity clock the ticks are ns already. */
static inline uint64_t ap_cann_clock_dur(const struct ap_cann_clock *c, uint64_t ticks)
{
	unsigned __int128 ns;

	if (c->identity)
		return ticks;
	ns = ap_cann__round6((double)ticks / c->freq_mhz) / 1000;
	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

#endif
