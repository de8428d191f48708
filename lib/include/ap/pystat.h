/* NumPy statistics and rounding on float64, and the service parser's UTC+8 datetimes
 * (specs/ms_service_profiler.md §3.0, §1.5): pure number work, so in lib/base; the value
 * formatting that needs the service model is in ap/svc_fmt.h. */
#ifndef AP_PYSTAT_H
#define AP_PYSTAT_H

#include <stddef.h>

/* NumPy round(x, nd) on a float64 (numpy.round, also round() of a numpy scalar): for nd >= 0
 * rint(x * 10^nd) / 10^nd, for nd < 0 rint(x / 10^-nd) * 10^-nd, each step rounded to double,
 * ties of rint to even (nd -9..9). Non-finite x is returned as is. */
double ap_np_round(double x, int nd);
/* numpy.percentile(a, q, method='linear') of the n >= 1 values of sorted (ascending, NaNs
 * last as numpy.sort leaves them; any NaN gives NaN): h = (n - 1) * (q / 100), i = floor(h),
 * t = h - i; a[i] + (a[i+1] - a[i]) * t when t < 0.5, else a[i+1] - (a[i+1] - a[i]) * (1 - t);
 * h >= n - 1 takes a[n-1]. q in [0, 100]. */
double ap_np_percentile(const double *sorted, size_t n, double q);
/* numpy.mean of n >= 1 values: NumPy's pairwise sum (below 8 values a plain loop, up to 128
 * eight interleaved accumulators, above that halves split at a multiple of 8), added to 0.0,
 * divided by n; so the last bit matches. n == 0 gives NaN, as numpy (with a warning). */
double ap_np_mean(const double *v, size_t n);

/* The parser's datetime of a float µs since the epoch (§1.5): pandas' float-to-ns conversion
 * (ns = trunc(us) * 1000 + int(numpy.round(us - trunc(us), 3) * 1000)), µs truncated, shifted to
 * the fixed zone UTC+8 (Asia/Shanghai has had no DST since 1991), written as
 * "YYYY-MM-DD HH:MM:SS:ffffff". buf holds at least 32 bytes; returns the length written.
 * Non-finite us (pandas NaT, an empty cell) writes "" and returns 0. Years 1970..9999. */
size_t ap_svc_fmt_datetime(char *buf, double us);

#endif
