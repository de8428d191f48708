/* NumPy float64 statistics and rounding, and the service parser's datetimes (ap/pystat.h;
 * specs/ms_service_profiler.md §3.0, §1.5). Each function follows the order of NumPy's or
 * pandas' own operations, so that every intermediate double, and so the last bit, is theirs. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ap/pystat.h"
#include "banned.h"

/* numpy's power_of_ten(): exact for the exponents used */
static double pow10_small(int n)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
	double r;

	if (n < 9)
		return p10[n];
	r = 1e8;
	while (n-- > 8)
		r *= 10.0;
	return r;
}

double ap_np_round(double x, int nd)
{
	double f;

	if (!isfinite(x))
		return x;
	if (nd >= 0) {
		f = pow10_small(nd);
		return rint(x * f) / f;
	}
	f = pow10_small(-nd);
	return rint(x / f) * f;
}

double ap_np_percentile(const double *sorted, size_t n, double q)
{
	double h, t, a, b, d;
	size_t lo, hi;

	if (n == 0 || isnan(sorted[n - 1]) || isnan(q))
		return NAN;
	/* numpy: q = true_divide(q, 100); virtual index (n - 1) * q */
	h = (double)(n - 1) * (q / 100.0);
	if (h >= (double)(n - 1)) {
		/* above bounds: both neighbours are a[-1], and gamma = h - (-1) */
		lo = hi = n - 1;
		t = h + 1.0;
	} else if (h < 0.0) {
		lo = hi = 0;
		t = h;
	} else {
		double fl = floor(h);

		lo = (size_t)fl;
		hi = lo + 1;
		t = h - fl;
	}
	a = sorted[lo];
	b = sorted[hi];
	d = b - a;
	/* numpy's _lerp: a + d*t, replaced by b - d*(1-t) where t >= 0.5 */
	if (t >= 0.5)
		return b - d * (1.0 - t);
	return a + d * t;
}

/* numpy/core/src/umath/loops_utils.h.src pairwise_sum, for a contiguous float64 array */
static double pairwise_sum(const double *a, size_t n)
{
	if (n < 8) {
		double res = 0.0;

		for (size_t i = 0; i < n; i++)
			res += a[i];
		return res;
	}
	if (n <= 128) {
		double r[8], res;
		size_t i;

		for (int j = 0; j < 8; j++)
			r[j] = a[j];
		for (i = 8; i < n - (n % 8); i += 8)
			for (int j = 0; j < 8; j++)
				r[j] += a[i + j];
		res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += a[i];
		return res;
	}
	size_t n2 = n / 2;

	n2 -= n2 % 8;
	return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

double ap_np_mean(const double *v, size_t n)
{
	double s;

	if (n == 0)
		return NAN;
	/* the add reduction starts from the identity 0.0, then adds the pairwise sum */
	s = 0.0;
	s += pairwise_sum(v, n);
	return s / (double)n;
}

/* Days since 1970-01-01 -> proleptic Gregorian y/m/d (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

#define UTC8_US ((int64_t)8 * 3600 * 1000000)
#define DAY_US ((int64_t)86400 * 1000000)

size_t ap_svc_fmt_datetime(char *buf, double us)
{
	int64_t base, ns_frac, t, days, tod, y;
	unsigned mo, d;
	double frac;
	int n;

	buf[0] = '\0';
	/* beyond ±2^62 µs no year fits the format (pandas already fails at 2262) */
	if (!isfinite(us) || fabs(us) >= 4611686018427387904.0)
		return 0;
	/* pandas' cast_from_unit: base = astype(i8), frac = round(x - base, 3),
	 * ns = base * 1000 + astype(i8)(frac * 1000), never formed: only its µs are printed */
	base = (int64_t)us;
	frac = ap_np_round(us - (double)base, 3);
	ns_frac = (int64_t)(frac * 1000.0);
	/* µs of the ns value, truncated towards the past: floor((base*1000 + ns_frac) / 1000) */
	t = base + floor_div(ns_frac, 1000);
	t += UTC8_US;
	days = floor_div(t, DAY_US);
	tod = t - days * DAY_US;
	civil_from_days(days, &y, &mo, &d);
	if (y >= 0 && y <= 9999) {
		/* the common case without printf: "YYYY-MM-DD HH:MM:SS:ffffff", 26 bytes */
		unsigned v[6] = { (unsigned)y, mo, d, (unsigned)(tod / 3600000000),
				  (unsigned)(tod / 60000000 % 60), (unsigned)(tod / 1000000 % 60) };
		unsigned f = (unsigned)(tod % 1000000);

		memcpy(buf, "0000-00-00 00:00:00:000000", 27);
		for (int k = 3; k >= 0; k--, v[0] /= 10)
			buf[k] = (char)('0' + v[0] % 10);
		for (int k = 1; k < 6; k++) {
			buf[2 + 3 * k] = (char)('0' + v[k] / 10);
			buf[3 + 3 * k] = (char)('0' + v[k] % 10);
		}
		for (int k = 25; k >= 20; k--, f /= 10)
			buf[k] = (char)('0' + f % 10);
		return 26;
	}
	n = snprintf(buf, 32, "%04lld-%02u-%02u %02u:%02u:%02u:%06u", (long long)y, mo, d,
		     (unsigned)(tod / 3600000000), (unsigned)(tod / 60000000 % 60),
		     (unsigned)(tod / 1000000 % 60), (unsigned)(tod % 1000000));
	if (n < 0 || n >= 32) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n;
}
