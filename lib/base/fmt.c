#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "banned.h"

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t pow10_u64[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

/* Decimal digits of v, without a chain of divisions: the bit length times log10(2)
 * (1233 / 4096) is the digit count or one less, and one comparison tells which. */
static unsigned count_digits(uint64_t v)
{
	uint64_t w = v | 1; /* 0 has one digit, as 1 has */
	unsigned t = (unsigned)(64 - __builtin_clzll(w)) * 1233 >> 12;

	return t + (w >= pow10_u64[t]);
}

/* Exactly 4 digits of v < 10^4, zero-padded, at b. */
static void digits4(char *b, uint32_t v)
{
	memcpy(b, digit_pairs + 2 * (v / 100), 2);
	memcpy(b + 2, digit_pairs + 2 * (v % 100), 2);
}

/* Exactly 8 digits of v < 10^8, zero-padded, at b. */
static void digits8(char *b, uint32_t v)
{
	digits4(b, v / 10000);
	digits4(b + 4, v % 10000);
}

/* The digits of u < 10^4, without padding, ending at end. */
static inline void digits_rev_short(char *end, uint32_t u)
{
	if (u >= 100) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10)
		memcpy(end - 2, digit_pairs + 2 * u, 2);
	else
		end[-1] = (char)('0' + u);
}

/* Writes the decimal digits of v backwards ending at end, in independent groups of 8 and 4
 * digits: the divisions of one group do not wait on another's. Integer formatting is on the
 * hot path: tens of millions of ids and timestamps. */
static void digits_rev(char *end, uint64_t v)
{
	uint32_t u;

	if (v >= 100000000) {
		uint64_t hi = v / 100000000;

		digits8(end - 8, (uint32_t)(v - hi * 100000000));
		end -= 8;
		if (hi >= 100000000) {
			uint64_t top = hi / 100000000;

			digits8(end - 8, (uint32_t)(hi - top * 100000000));
			end -= 8;
			hi = top;
		}
		v = hi;
	}
	u = (uint32_t)v; /* < 10^8 */
	if (u >= 10000) {
		digits4(end - 4, u % 10000);
		end -= 4;
		u /= 10000;
	}
	digits_rev_short(end, u);
}

size_t ap_fmt_u64(char *buf, uint64_t v)
{
	size_t n = count_digits(v);

	/* digits written in place, backwards from the end: no copy */
	digits_rev(buf + n, v);
	buf[n] = '\0';
	return n;
}

size_t ap_fmt_i64(char *buf, int64_t v)
{
	if (v < 0) {
		buf[0] = '-';
		return 1 + ap_fmt_u64(buf + 1, (uint64_t)0 - (uint64_t)v);
	}
	return ap_fmt_u64(buf, (uint64_t)v);
}

static uint64_t abs_u64(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* The last leading digits us3 wrote on this thread: timestamps come in time order, so
 * consecutive ones mostly share all but their last 7 digits (10 ms of ns). A memo of the
 * output only: what is written does not depend on it. */
#define US3_LOW 10000000ull /* 10^7: 4 digits of µs and 3 decimals */
static _Thread_local struct {
	uint64_t hi;     /* a / US3_LOW of the text in s; 0: none (such values are not memoised) */
	unsigned len;
	char s[16];      /* its digits (at most 13: a < 2^64) */
} us3_memo __attribute__((tls_model("initial-exec"))); /* no call to reach it: the library is
							  * linked into the programs */

/* The '.' and 3 decimals of a (its last 3 digits) at buf + n; returns the length. */
static inline size_t us3_decimals(char *buf, size_t n, uint64_t a)
{
	unsigned fp = (unsigned)(a % 1000);

	buf[n] = '.';
	memcpy(buf + n + 1, digit_pairs + 2 * (fp / 10), 2);
	buf[n + 3] = (char)('0' + fp % 10);
	buf[n + 4] = '\0';
	return n + 4;
}

/* us3 for a whose leading digits (a / US3_LOW, not 0) are the memo's: those copied, then
 * exactly 4 digits of µs and the decimals. */
static inline size_t us3_memoised(char *buf, int neg, uint64_t a, uint64_t hi)
{
	uint32_t lo = (uint32_t)(a - hi * US3_LOW), us = lo / 1000;
	size_t n = neg != 0;

	buf[0] = '-';
	memcpy(buf + n, us3_memo.s, sizeof(us3_memo.s));
	n += us3_memo.len;
	digits4(buf + n, us);
	return us3_decimals(buf, n + 4, lo);
}

/* us3 for the rest: short values, and new leading digits (which become the memo). Out of
 * line, so that the usual path keeps nothing across a call. */
__attribute__((noinline)) static size_t us3_other(char *buf, int neg, uint64_t a)
{
	uint64_t hi = a / US3_LOW;
	size_t n = neg != 0;

	if (hi) {
		us3_memo.len = (unsigned)ap_fmt_u64(us3_memo.s, hi);
		us3_memo.hi = hi;
		return us3_memoised(buf, neg, a, hi);
	}
	buf[0] = '-';
	n += ap_fmt_u64(buf + n, a / 1000);
	return us3_decimals(buf, n, a);
}

/* a / 1000 with exactly 3 decimals, '-' first when neg. */
static inline size_t us3(char *buf, int neg, uint64_t a)
{
	uint64_t hi = a / US3_LOW;

	if (!hi || hi != us3_memo.hi)
		return us3_other(buf, neg, a);
	return us3_memoised(buf, neg, a, hi);
}

size_t ap_fmt_ns_us3(char *buf, int64_t ns)
{
	return us3(buf, ns < 0, abs_u64(ns));
}

size_t ap_fmt_u64_us3(char *buf, uint64_t ns)
{
	return us3(buf, 0, ns);
}

/* DoubleToStr's trimming: trailing zeros of a number with a '.', then a trailing '.'. */
static size_t trim_zeros(char *buf, size_t n)
{
	if (!memchr(buf, '.', n))
		return n;
	while (n > 0 && buf[n - 1] == '0')
		n--;
	if (n > 0 && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	return n;
}

size_t ap_fmt_ns_us_trim(char *buf, int64_t ns)
{
	return trim_zeros(buf, ap_fmt_ns_us3(buf, ns));
}

size_t ap_fmt_fixed_trim(char *buf, double x, unsigned prec)
{
	char tmp[400];
	int n;

	if (prec > 9 || !isfinite(x) || fabs(x) >= 1e30)
		return ap_fmt_double(buf, x);
	n = snprintf(tmp, sizeof(tmp), "%.*f", (int)prec, x);
	if (n <= 0 || n >= AP_FMT_MAX)
		return ap_fmt_double(buf, x);
	memcpy(buf, tmp, (size_t)n + 1);
	return trim_zeros(buf, (size_t)n);
}

size_t ap_fmt_round3_trim(char *buf, double x)
{
	double q = x * 16.0; /* exact: a power of two */

	/* Only a double that is an odd multiple of 1/16 lies exactly halfway between two
	 * thousandths (k + 1/2) / 1000 = (2k + 1) / 2000 is a dyadic rational only when
	 * 125 divides 2k + 1. printf rounds those to even; SQLite's round() away from zero. */
	if (isfinite(q) && fabs(q) < 9007199254740992.0 && q == floor(q) &&
	    fmod(fabs(q), 2.0) == 1.0) {
		int64_t t = (int64_t)fabs(q) * 125; /* thousandths times two, odd */
		int64_t k = (t + 1) / 2;

		return ap_fmt_ns_us_trim(buf, x < 0 ? -k : k);
	}
	return ap_fmt_fixed_trim(buf, x, 3);
}

double ap_fmt_py_round(double x, int ndigits)
{
	char tmp[400];
	int n;

	if (ndigits < 0 || ndigits > 17 || !isfinite(x) || fabs(x) >= 1e30)
		return x;
	/* printf rounds the exact binary value correctly, ties to even: Python's round(). */
	n = snprintf(tmp, sizeof(tmp), "%.*f", ndigits, x);
	if (n <= 0 || (size_t)n >= sizeof(tmp))
		return x;
	return strtod(tmp, NULL);
}

size_t ap_fmt_ns_us_float(char *buf, int64_t ns)
{
	uint64_t a = abs_u64(ns), fp;
	size_t n = 0;

	/* Below 10^15 the decimal n/1000 has at most 15 significant digits, so it is the
	 * shortest string that round-trips to the double ns/1000.0 (Python repr). */
	if (a >= 1000000000000000ull)
		return ap_fmt_double(buf, (double)ns / 1000.0);
	if (ns < 0)
		buf[n++] = '-';
	if (a < 10000000) { /* below 10 ms, as most durations: at most 4 digits before the '.' */
		uint32_t us = (uint32_t)(a / 1000);

		n += 1 + (us >= 10) + (us >= 100) + (us >= 1000);
		digits_rev_short(buf + n, us);
	} else {
		n += ap_fmt_u64(buf + n, a / 1000);
	}
	buf[n++] = '.';
	fp = a % 1000;
	buf[n++] = (char)('0' + fp / 100);
	if (fp % 100) {
		buf[n++] = (char)('0' + fp / 10 % 10);
		if (fp % 10)
			buf[n++] = (char)('0' + fp % 10);
	}
	buf[n] = '\0';
	return n;
}

/* The p significant digits of x in tmp ("%.*e"), and whether they read back as x. */
static int str_round_trips(double x, int p, char *tmp, size_t cap)
{
	snprintf(tmp, cap, "%.*e", p - 1, x);
	return strtod(tmp, NULL) == x;
}

/* Shortest decimal digits that round-trip: fills digits (no dot) and the decimal exponent
 * of the first digit; returns the number of digits. */
static int shortest_digits(double x, char *digits, int *exp10)
{
	char tmp[40];
	int p = 1, nd = 0;
	char *e;
	uint64_t bits;

	memcpy(&bits, &x, sizeof(bits));
	/* Sums of durations are rarely short decimals: most need 16 or 17 digits. Where the
	 * double's rounding interval is symmetric (a mantissa that is no power of two) and
	 * spans no short decimal tie (1e-4 <= x < 1e15), the correctly rounded p-digit decimal
	 * is never farther from x than a shorter one that round-trips: 16 digits failing means
	 * 17, 15 failing means 16, and only a 15-digit success needs the search from 1. */
	if ((bits & ((1ull << 52) - 1)) && x >= 1e-4 && x < 1e15) {
		if (!str_round_trips(x, 16, tmp, sizeof(tmp)))
			p = 17;
		else if (!str_round_trips(x, 15, tmp, sizeof(tmp)))
			p = 16;
	}
	if (p > 1)
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, x);
	else
		for (p = 1; p <= 17; p++)
			if (str_round_trips(x, p, tmp, sizeof(tmp)))
				break;
	for (e = tmp; *e && *e != 'e'; e++)
		if (*e >= '0' && *e <= '9')
			digits[nd++] = *e;
	*exp10 = (int)strtol(e + 1, NULL, 10);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	return nd;
}

/* Python's repr layout of the digits d[0..nd) (no trailing zeros) whose first digit has the
 * decimal exponent e, after n bytes already in buf (the sign). */
static size_t layout(char *buf, size_t n, const char *d, int nd, int e)
{
	int i;

	if (e < -4 || e >= 16) {
		buf[n++] = d[0];
		if (nd > 1) {
			buf[n++] = '.';
			memcpy(buf + n, d + 1, (size_t)nd - 1);
			n += (size_t)nd - 1;
		}
		n += (size_t)snprintf(buf + n, AP_FMT_MAX - n, "e%c%02d", e < 0 ? '-' : '+',
				      e < 0 ? -e : e);
		return n;
	}
	if (e < 0) {
		buf[n++] = '0';
		buf[n++] = '.';
		for (i = -1; i > e; i--)
			buf[n++] = '0';
		memcpy(buf + n, d, (size_t)nd);
		n += (size_t)nd;
	} else {
		for (i = 0; i <= e; i++)
			buf[n++] = i < nd ? d[i] : '0';
		buf[n++] = '.';
		if (nd > e + 1) {
			memcpy(buf + n, d + e + 1, (size_t)(nd - e - 1));
			n += (size_t)(nd - e - 1);
		} else {
			buf[n++] = '0';
		}
	}
	buf[n] = '\0';
	return n;
}

static int exact_double_digits(double x, char *digits, int *exp10);

size_t ap_fmt_double(char *buf, double x)
{
	char digits[24];
	int nd, e;
	size_t n = 0;

	if (isnan(x))
		return (size_t)snprintf(buf, AP_FMT_MAX, "nan");
	if (isinf(x))
		return (size_t)snprintf(buf, AP_FMT_MAX, "%s", x < 0 ? "-inf" : "inf");
	if (signbit(x)) {
		buf[n++] = '-';
		x = -x;
	}
	if (x == 0) {
		memcpy(buf + n, "0.0", 4);
		return n + 3;
	}
	if (x < 1e12) {
		/* A double that is the nearest to a decimal of at most 3 places (durations in µs
		 * and their sums): below 10^12 doubles are closer than 0.001, so that decimal is
		 * the only one of at most 3 places that round-trips, hence the shortest. */
		uint64_t c = (uint64_t)(x * 1000.0 + 0.5);

		if ((double)c / 1000.0 == x)
			return n + ap_fmt_ns_us_float(buf + n, (int64_t)c);
	}
	nd = exact_double_digits(x, digits, &e);
	if (nd == 0)
		nd = shortest_digits(x, digits, &e);
	return layout(buf, n, digits, nd, e);
}

typedef unsigned __int128 u128;

#define P19 10000000000000000000ull

static const uint64_t pow5[28] = {
	1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull, 78125ull, 390625ull,
	1953125ull, 9765625ull, 48828125ull, 244140625ull, 1220703125ull, 6103515625ull,
	30517578125ull, 152587890625ull, 762939453125ull, 3814697265625ull,
	19073486328125ull, 95367431640625ull, 476837158203125ull, 2384185791015625ull,
	11920928955078125ull, 59604644775390625ull, 298023223876953125ull,
	1490116119384765625ull, 7450580596923828125ull,
};
#define EXACT_MAX_SHIFT 27 /* 5^27 < 2^64; a * 5^27 * 2^54 / a's bit length < 2^117 */

/* The exact decimal M = a * 5^shift of a / 2^shift = M / 10^shift (M < 2^100), split as
 * hi * 10^19 + lo, with what deciding a round trip of a / 2^shift needs. */
struct exact {
	uint64_t hi, lo;
	char d[40];   /* the n digits of M, most significant first */
	int n;
	int b;        /* bit length of a */
	uint64_t a, five;
};

static u128 pow10_k(int k)
{
	return k < 20 ? pow10_u64[k] : (u128)pow10_u64[k - 19] * P19;
}

static u128 tail_k(const struct exact *x, int k) /* M mod 10^k */
{
	if (k <= 19)
		return k == 19 ? x->lo : x->lo % pow10_u64[k];
	return (u128)(x->hi % pow10_u64[k - 19]) * P19 + x->lo;
}

/* Rounds M to its first p digits (ties to even, as printf rounds): *up says whether upwards.
 * Returns whether that decimal reads back as a / 2^shift: within half a unit in the last
 * place, 2^(b-54-shift), ties to an even mantissa as strtod rounds; below a power of two
 * the gap is half as wide. */
static int round_trips(const struct exact *x, int p, int *up)
{
	int k = x->n - p, lower;
	u128 err = tail_k(x, k);

	*up = 0;
	if (k > 0) {
		u128 half = pow10_k(k - 1) * 5;

		*up = err > half || (err == half && (x->d[p - 1] - '0') % 2);
		if (*up)
			err = pow10_k(k) - err;
	}
	lower = !*up && err && x->a == (uint64_t)1 << (x->b - 1);
	err <<= 54 - x->b + lower;
	return err < x->five || (err == x->five && (x->b < 53 || !(x->a & 1)));
}

/* Shortest round-trip digits of the double a / 2^shift (0 < a < 2^53, shift <= 27: exactly
 * representable), the same digits as shortest_digits() finds with printf and strtod, in
 * exact integer arithmetic. Rounding to more digits never moves further away, so the
 * shortest p that round-trips is found by counting down from 17. */
static int exact_digits(uint64_t a, unsigned shift, char *digits, int *exp10)
{
	struct exact x;
	int p, up, i;
	uint64_t mhi, mlo;
	u128 m;

	x.a = a;
	x.five = pow5[shift];
	m = (u128)a * x.five;
	mhi = (uint64_t)(m / P19);
	mlo = (uint64_t)(m - (u128)mhi * P19);
	if (mhi) {
		/* mhi's digits, then mlo's as exactly 19, zero-padded */
		x.n = (int)count_digits(mhi) + 19;
		digits_rev(x.d + x.n - 19, mhi);
		memset(x.d + x.n - 19, '0', 19);
		digits_rev(x.d + x.n, mlo);
	} else {
		x.n = (int)count_digits(mlo);
		digits_rev(x.d + x.n, mlo);
	}
	x.hi = mhi;
	x.lo = mlo;
	x.b = 64 - __builtin_clzll(a);
	/* 17 significant digits always read back; most values here need 16 or 17 */
	for (p = x.n < 17 ? x.n : 17; p > 1 && round_trips(&x, p - 1, &up); p--)
		;
	round_trips(&x, p, &up);
	*exp10 = x.n - 1 - (int)shift;
	memcpy(digits, x.d, (size_t)p);
	if (up) {
		for (i = p - 1; i >= 0 && digits[i] == '9'; i--)
			digits[i] = '0';
		if (i < 0) { /* 99.. rounded up to 100.. */
			digits[0] = '1';
			(*exp10)++;
		} else {
			digits[i]++;
		}
	}
	while (p > 1 && digits[p - 1] == '0')
		p--;
	digits[p] = '\0';
	return p;
}

/* The digits of ap_fmt_double for a positive finite x that is a / 2^shift with a < 2^53 and
 * shift <= EXACT_MAX_SHIFT (timestamps in µs and ms, durations at µs resolution: most values
 * written), in integer arithmetic instead of printf and strtod; 0 for other values. */
static int exact_double_digits(double x, char *digits, int *exp10)
{
	uint64_t bits, a;
	int e2, sh;

	memcpy(&bits, &x, sizeof(bits));
	e2 = (int)((bits >> 52) & 0x7ff);
	a = bits & (((uint64_t)1 << 52) - 1);
	if (e2)
		a |= (uint64_t)1 << 52;
	else
		e2 = 1; /* subnormal */
	if (!a)
		return 0;
	sh = 1075 - e2; /* x = a / 2^sh */
	while (sh > 0 && !(a & 1)) {
		a >>= 1;
		sh--;
	}
	if (sh < 0 || sh > EXACT_MAX_SHIFT)
		return 0;
	return exact_digits(a, (unsigned)sh, digits, exp10);
}

/* ap_fmt_div_pow2 through exact_digits, for 0 < |v| = a < 2^53. */
static size_t exact(char *buf, int64_t v, uint64_t a, unsigned shift)
{
	char digits[AP_FMT_MAX];
	int nd, e;

	buf[0] = '-';
	nd = exact_digits(a, shift, digits, &e);
	return layout(buf, v < 0, digits, nd, e);
}

/* Python repr of the double v / 2^shift (shift <= 20), like ap_fmt_double((double)v / 2^shift)
 * without its printf/strtod digit search: the quotient is exact. An exact decimal of at most
 * 15 significant digits is the shortest string that round-trips (DBL_DIG), hence Python's
 * repr, and is written directly; longer ones go through exact_digits, and values beyond 2^53
 * (not exact) through ap_fmt_double. */
size_t ap_fmt_div_pow2(char *buf, int64_t v, unsigned shift)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t q = a >> shift, r = a & (((uint64_t)1 << shift) - 1), f;
	unsigned d = shift, nq, nf, i;
	char digits[AP_FMT_MAX];
	size_t n = 0;

	if (a >= ((uint64_t)1 << 53) || shift > 20)
		return ap_fmt_double(buf, (double)v / (double)((uint64_t)1 << shift));
	if (!r) {
		if (v < 0)
			buf[n++] = '-';
		n += ap_fmt_u64(buf + n, q);
		memcpy(buf + n, ".0", 3);
		return n + 2;
	}
	i = (unsigned)__builtin_ctzll(r); /* r / 2^d in lowest terms */
	r >>= i;
	d -= i;
	if (d > 15)
		return exact(buf, v, a, shift);
	f = pow5[d] * r; /* r / 2^d == f / 10^d, f < 10^d */
	nf = (unsigned)ap_fmt_u64(digits, f);
	nq = q ? count_digits(q) : 0;
	if ((q && nq + d > 15) || (!q && d - nf >= 4)) /* too long, or repr uses an exponent */
		return exact(buf, v, a, shift);
	if (v < 0)
		buf[n++] = '-';
	n += ap_fmt_u64(buf + n, q);
	buf[n++] = '.';
	for (i = nf; i < d; i++)
		buf[n++] = '0';
	memcpy(buf + n, digits, nf);
	n += nf;
	buf[n] = '\0';
	return n;
}
