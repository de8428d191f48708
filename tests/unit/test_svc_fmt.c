/* Unit tests of the Python/NumPy formatting contract (ap/svc_fmt.h, ap/pystat.h): repr/str and
 * json.dumps of attribute values, NumPy round/percentile/mean, the parser's UTC+8 datetimes.
 * Every expected value was produced by CPython 3.11.2 with NumPy 1.24.2 (repr(), json.dumps,
 * numpy.round, numpy.percentile, numpy.mean) and, for datetimes, by the oracle's pandas path
 * (float µs -> integer ns -> tz_convert('Asia/Shanghai').strftime). */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/arena.h"
#include "ap/svc_fmt.h"
#include "../../lib/base/banned.h"

static struct ap_arena arena;
static struct ap_strbuf sb;

static void setup(void)
{
	ap_arena_init(&arena, 4096);
	ap_strbuf_init(&sb);
}

static void teardown(void)
{
	ap_strbuf_release(&sb);
	ap_arena_release(&arena);
}

/* ---- value builders ---------------------------------------------------------------------- */

static struct ap_sv K(enum ap_sv_type t)
{
	struct ap_sv v = { 0 };

	v.type = (uint8_t)t;
	return v;
}

static struct ap_sv I(int64_t i)
{
	struct ap_sv v = K(AP_SV_INT);

	v.u.i = i;
	return v;
}

static struct ap_sv R(double d)
{
	struct ap_sv v = K(AP_SV_REAL);

	v.u.d = d;
	return v;
}

/* a string of n bytes (NULs allowed) */
static struct ap_sv S(const char *s, size_t n)
{
	struct ap_sv v = K(AP_SV_STR);

	v.u.s = ap_arena_strndup(&arena, s, n);
	v.n = (uint32_t)n;
	return v;
}

#define SZ(lit) S(lit, sizeof(lit) - 1)

/* a list of n values */
static struct ap_sv L(uint32_t n, ...)
{
	struct ap_sv v = K(AP_SV_LIST), *items = ap_arena_alloc(&arena, (n ? n : 1) * sizeof(*items));
	va_list ap;

	va_start(ap, n);
	for (uint32_t k = 0; k < n; k++)
		items[k] = va_arg(ap, struct ap_sv);
	va_end(ap);
	v.u.items = items;
	v.n = n;
	return v;
}

/* an object of n (const char *key, struct ap_sv value) pairs */
static struct ap_sv O(uint32_t n, ...)
{
	struct ap_sv v = K(AP_SV_OBJ);
	struct ap_sv_member *m = ap_arena_alloc(&arena, (n ? n : 1) * sizeof(*m));
	va_list ap;

	va_start(ap, n);
	for (uint32_t k = 0; k < n; k++) {
		m[k].key = va_arg(ap, const char *);
		m[k].v = va_arg(ap, struct ap_sv);
	}
	va_end(ap);
	v.u.members = m;
	v.n = n;
	return v;
}

static const char *repr(struct ap_sv v)
{
	ap_strbuf_reset(&sb);
	ap_sv_repr(&sb, &v);
	ck_assert(!sb.failed);
	return sb.buf;
}

static const char *pystr(struct ap_sv v)
{
	ap_strbuf_reset(&sb);
	ap_sv_pystr(&sb, &v);
	return sb.buf;
}

static const char *json(struct ap_sv v, int ascii)
{
	ap_strbuf_reset(&sb);
	ap_sv_json(&sb, &v, ascii);
	return sb.buf;
}

/* ---- repr / str / json -------------------------------------------------------------------- */

/* {"rid": "a'b", "q": 'say "hi"', "both": "'\"", "esc": "\\\t\n\r\x01\x7f\b\f\x1f",
 *  "uni": "é中\xa0\xad\u2028\u200b\ufeff\U0001F600\U000E0001\u3000\ue000",
 *  "f": [5.0, 0.0009599999999999999, 1e-05, 1e16, nan, -inf, inf, -0.0, 1767225600002000.2],
 *  "i": [0, -42, 2**63-1, -2**63], "c": [None, True, False], "e": [], "d": {},
 *  "n": [{"rid": "x", "iter": 0}], "nul": "a\x00b", "k'ey": 1} */
static struct ap_sv nested(void)
{
	return O(13,
		"rid", SZ("a'b"),
		"q", SZ("say \"hi\""),
		"both", SZ("'\""),
		"esc", SZ("\\\011\012\015\001\177\010\014\037"),
		"uni", SZ("\303\251\344\270\255\302\240\302\255\342\200\250\342\200\213\357\273\277"
			  "\360\237\230\200\363\240\200\201\343\200\200\356\200\200"),
		"f", L(9, R(5.0), R(0.0009599999999999999), R(1e-05), R(1e16), R(NAN), R(-INFINITY),
		       R(INFINITY), R(-0.0), R(1767225600002000.2)),
		"i", L(4, I(0), I(-42), I(INT64_MAX), I(INT64_MIN)),
		"c", L(3, K(AP_SV_NULL), K(AP_SV_TRUE), K(AP_SV_FALSE)),
		"e", L(0),
		"d", O(0),
		"n", L(1, O(2, "rid", SZ("x"), "iter", I(0))),
		"nul", SZ("a\000b"),
		"k'ey", I(1));
}

static const char nested_repr[] =
	"{'rid': \"a'b\", 'q': 'say \"hi\"', 'both': '\\'\"', 'esc': '\\\\\\t\\n\\r\\x01\\x7f\\x08"
	"\\x0c\\x1f', 'uni': '\303\251\344\270\255\\xa0\\xad\\u2028\\u200b\\ufeff\360\237\230\200"
	"\\U000e0001\\u3000\\ue000', 'f': [5.0, 0.0009599999999999999, 1e-05, 1e+16, nan, -inf, inf, "
	"-0.0, 1767225600002000.2], 'i': [0, -42, 9223372036854775807, -9223372036854775808], "
	"'c': [None, True, False], 'e': [], 'd': {}, 'n': [{'rid': 'x', 'iter': 0}], "
	"'nul': 'a\\x00b', \"k'ey\": 1}";

START_TEST(repr_nested)
{
	ck_assert_str_eq(repr(nested()), nested_repr);
	/* str() of a container is its repr */
	ck_assert_str_eq(pystr(nested()), nested_repr);
}
END_TEST

START_TEST(json_nested_ascii)
{
	ck_assert_str_eq(json(nested(), 1),
		"{\"rid\": \"a'b\", \"q\": \"say \\\"hi\\\"\", \"both\": \"'\\\"\", \"esc\": \"\\\\\\t\\n"
		"\\r\\u0001\\u007f\\b\\f\\u001f\", \"uni\": \"\\u00e9\\u4e2d\\u00a0\\u00ad\\u2028\\u200b"
		"\\ufeff\\ud83d\\ude00\\udb40\\udc01\\u3000\\ue000\", \"f\": [5.0, 0.0009599999999999999, "
		"1e-05, 1e+16, NaN, -Infinity, Infinity, -0.0, 1767225600002000.2], \"i\": [0, -42, "
		"9223372036854775807, -9223372036854775808], \"c\": [null, true, false], \"e\": [], "
		"\"d\": {}, \"n\": [{\"rid\": \"x\", \"iter\": 0}], \"nul\": \"a\\u0000b\", \"k'ey\": 1}");
}
END_TEST

START_TEST(json_nested_utf8)
{
	ck_assert_str_eq(json(nested(), 0),
		"{\"rid\": \"a'b\", \"q\": \"say \\\"hi\\\"\", \"both\": \"'\\\"\", \"esc\": \"\\\\\\t\\n"
		"\\r\\u0001\177\\b\\f\\u001f\", \"uni\": \"\303\251\344\270\255\302\240\302\255\342\200"
		"\250\342\200\213\357\273\277\360\237\230\200\363\240\200\201\343\200\200\356\200\200\", "
		"\"f\": [5.0, 0.0009599999999999999, 1e-05, 1e+16, NaN, -Infinity, Infinity, -0.0, "
		"1767225600002000.2], \"i\": [0, -42, 9223372036854775807, -9223372036854775808], "
		"\"c\": [null, true, false], \"e\": [], \"d\": {}, \"n\": [{\"rid\": \"x\", \"iter\": 0}], "
		"\"nul\": \"a\\u0000b\", \"k'ey\": 1}");
}
END_TEST

START_TEST(scalars)
{
	ck_assert_str_eq(repr(K(AP_SV_ABSENT)), "nan");
	ck_assert_str_eq(json(K(AP_SV_ABSENT), 1), "NaN");
	ck_assert_str_eq(repr(K(AP_SV_NULL)), "None");
	ck_assert_str_eq(json(K(AP_SV_NULL), 0), "null");
	ck_assert_str_eq(pystr(K(AP_SV_TRUE)), "True");
	ck_assert_str_eq(pystr(R(0.1 + 0.2)), "0.30000000000000004");
	ck_assert_str_eq(pystr(R(1e22)), "1e+22");
	ck_assert_str_eq(pystr(R(123456789012345678.0)), "1.2345678901234568e+17");
	ck_assert_str_eq(pystr(R(0.0001)), "0.0001");
	ck_assert_str_eq(pystr(I(-7)), "-7");
	/* str() of a string is the string itself, NULs and all */
	ap_strbuf_reset(&sb);
	struct ap_sv s = SZ("it's\000\n");

	ap_sv_pystr(&sb, &s);
	ck_assert_uint_eq(sb.len, 6);
	ck_assert_int_eq(memcmp(sb.buf, "it's\000\n", 6), 0);
	ck_assert_str_eq(repr(SZ("")), "''");
	ck_assert_str_eq(json(SZ(""), 1), "\"\"");
}
END_TEST

START_TEST(repr_quote_choice)
{
	ck_assert_str_eq(repr(SZ("it's")), "\"it's\"");
	ck_assert_str_eq(repr(SZ("say \"x\"")), "'say \"x\"'");
	ck_assert_str_eq(repr(SZ("'\"'")), "'\\'\"\\''");
	ck_assert_str_eq(repr(SZ("\"")), "'\"'");
	ck_assert_str_eq(repr(SZ("'")), "\"'\"");
	/* a backslash before a quote: both escaped, in the chosen quotes */
	ck_assert_str_eq(repr(SZ("\\'")), "\"\\\\'\"");
}
END_TEST

START_TEST(repr_nonprintable)
{
	/* C1 controls, NBSP and soft hyphen as \x, NEL U+0085 too; LINE/PARAGRAPH SEPARATOR,
	 * the BOM and bidi marks as \u; a private-use plane-15 code point and a tag as \U */
	ck_assert_str_eq(repr(SZ("\302\200\302\205\302\237\302\240\302\241")), "'\\x80\\x85\\x9f\\xa0\302\241'");
	ck_assert_str_eq(repr(SZ("\342\200\251\342\200\216\342\200\252\342\201\240\342\201\244")),
			 "'\\u2029\\u200e\\u202a\\u2060\\u2064'");
	ck_assert_str_eq(repr(SZ("\363\260\200\200\363\240\201\201")), "'\\U000f0000\\U000e0041'");
	/* unassigned U+0378 is escaped, the Greek letter next to it is not; U+1680 OGHAM SPACE */
	ck_assert_str_eq(repr(SZ("\315\270\315\273\341\232\200")), "'\\u0378\315\273\\u1680'");
	/* a byte that is no UTF-8 (the loader never keeps one): surrogateescape's repr */
	ck_assert_str_eq(repr(SZ("a\377")), "'a\\udcff'");
	ck_assert_str_eq(json(SZ("a\377"), 1), "\"a\\udcff\"");
	ck_assert_str_eq(json(SZ("a\377"), 0), "\"a\377\"");
}
END_TEST

START_TEST(json_str_direct)
{
	ap_strbuf_reset(&sb);
	ap_sv_json_str(&sb, "\"\\/\001\302\200\177", 7, 1);
	ck_assert_str_eq(sb.buf, "\"\\\"\\\\/\\u0001\\u0080\\u007f\"");
	ap_strbuf_reset(&sb);
	ap_sv_json_str(&sb, "\"\\/\001\302\200\177", 7, 0);
	ck_assert_str_eq(sb.buf, "\"\\\"\\\\/\\u0001\302\200\177\"");
	/* a key with non-ASCII is escaped like a value */
	ck_assert_str_eq(json(O(1, "\303\251", I(1)), 1), "{\"\\u00e9\": 1}");
	ck_assert_str_eq(repr(O(1, "\303\251", I(1))), "{'\303\251': 1}");
}
END_TEST

START_TEST(nested_keys_and_absent)
{
	/* {'a"\\'b': [[1, [None]], nan], '😀': -inf}: a key with both quotes and a backslash, an
	 * ABSENT inside a list, an astral key */
	struct ap_sv v = O(2, "a\"\\'b", L(2, L(2, I(1), L(1, K(AP_SV_NULL))), K(AP_SV_ABSENT)),
			   "\360\237\230\200", R(-INFINITY));

	ck_assert_str_eq(repr(v), "{'a\"\\\\\\'b': [[1, [None]], nan], '\360\237\230\200': -inf}");
	ck_assert_str_eq(json(v, 1), "{\"a\\\"\\\\'b\": [[1, [null]], NaN], \"\\ud83d\\ude00\": -Infinity}");
}
END_TEST

START_TEST(appends_to_buffer)
{
	struct ap_sv v = L(1, SZ("x"));

	/* every function appends; nothing resets the caller's buffer */
	ap_strbuf_reset(&sb);
	ap_strbuf_addstr(&sb, "row,");
	ap_sv_repr(&sb, &v);
	ap_sv_pystr(&sb, &v.u.items[0]);
	ap_sv_json(&sb, &v, 1);
	ap_sv_json_str(&sb, "", 0, 0);
	ck_assert_str_eq(sb.buf, "row,['x']x[\"x\"]\"\"");
}
END_TEST

START_TEST(long_string_grows)
{
	/* 5000 x "é\n": the buffer grows many times, each é kept (repr, json utf8) or escaped */
	size_t n = 5000 * 3;
	char *s = ap_arena_alloc(&arena, n);
	struct ap_sv v;

	for (size_t k = 0; k < 5000; k++)
		memcpy(s + 3 * k, "\303\251\n", 3);
	v = S(s, n);
	ck_assert_uint_eq(strlen(repr(v)), 2 + 5000 * 4);
	ck_assert_str_eq(sb.buf + sb.len - 5, "\303\251\\n'");
	ck_assert_uint_eq(strlen(json(v, 1)), 2 + 5000 * 8);
	ck_assert_str_eq(sb.buf + sb.len - 9, "\\u00e9\\n\"");
	ck_assert_uint_eq(strlen(json(v, 0)), 2 + 5000 * 4);
}
END_TEST

START_TEST(str_of_nonfinite)
{
	ck_assert_str_eq(pystr(R(NAN)), "nan");
	ck_assert_str_eq(pystr(R(-INFINITY)), "-inf");
	ck_assert_str_eq(pystr(K(AP_SV_ABSENT)), "nan");
	ck_assert_str_eq(pystr(K(AP_SV_NULL)), "None");
	ck_assert_str_eq(pystr(K(AP_SV_FALSE)), "False");
	/* a float that is an integer stays a float; an int stays an int */
	ck_assert_str_eq(json(L(2, R(1e16), I(10000000000000000)), 1), "[1e+16, 10000000000000000]");
	ck_assert_str_eq(repr(L(2, R(-0.0), R(100.0))), "[-0.0, 100.0]");
}
END_TEST

/* ---- NumPy -------------------------------------------------------------------------------- */

START_TEST(np_round)
{
	/* numpy: rint(x * 1e4) / 1e4; Python's round() differs on the first three */
	ck_assert(ap_np_round(0.12345, 4) == 0.1234);   /* round(): 0.1235 */
	ck_assert(ap_np_round(0.00205, 4) == 0.002);    /* round(): 0.0021 */
	ck_assert(ap_np_round(0.0025, 3) == 0.002);     /* round(): 0.003 */
	ck_assert(ap_np_round(1.00005, 4) == 1.0001);
	ck_assert(ap_np_round(1234.56785, 4) == 1234.5678);
	ck_assert(ap_np_round(123456789.12345, 4) == 123456789.1234);
	ck_assert(ap_np_round(2.5, 0) == 2.0);
	ck_assert(ap_np_round(1.5, 0) == 2.0);
	ck_assert(ap_np_round(-2.5, 0) == -2.0);
	ck_assert(signbit(ap_np_round(-0.5, 0)) && ap_np_round(-0.5, 0) == 0.0);
	ck_assert(signbit(ap_np_round(-1e-9, 4)));
	ck_assert(ap_np_round(0.1 + 0.2, 4) == 0.3);
	ck_assert(ap_np_round(1e300, 4) == 1e300);
	ck_assert(ap_np_round(1234.5, -1) == 1230.0);
	ck_assert(ap_np_round(1250.0, -2) == 1200.0);
	ck_assert(isnan(ap_np_round(NAN, 4)));
	ck_assert(ap_np_round(INFINITY, 4) == INFINITY);
}
END_TEST

struct pcase {
	double q, want;
};

static void check_pct(const double *a, size_t n, const struct pcase *c, size_t nc)
{
	for (size_t k = 0; k < nc; k++) {
		double got = ap_np_percentile(a, n, c[k].q);

		ck_assert_msg(got == c[k].want, "n=%zu q=%g: got %.17g want %.17g", n, c[k].q, got,
			      c[k].want);
	}
}

/* the values i*i % 97 / 7 + 0.1 i, sorted */
static size_t ramp(double *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		a[i] = (double)((i * i) % 97) / 7.0 + 0.1 * (double)i;
	return n;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

START_TEST(np_percentile)
{
	static const double a[] = { 0.1, 0.2, 0.7 }, b[] = { 1.0, 2.0, 3.0, 4.0 },
		c[] = { 0.0009599999999999999, 0.00196, 0.0123, 5.0, 7.0 },
		e[] = { 1e16, 1e16 + 2, 3e16 }, f[] = { 5.0 };
	static const struct pcase pa[] = { { 0, 0.1 }, { 25, 0.15000000000000002 }, { 50, 0.2 },
		{ 75, 0.44999999999999996 }, { 90, 0.6 }, { 99, 0.69 }, { 100, 0.7 } };
	/* 99: h = 3 * (99/100) = 2.9699999999999998, not 3 * 99 / 100 = 2.97 */
	static const struct pcase pb[] = { { 0, 1.0 }, { 25, 1.75 }, { 50, 2.5 }, { 75, 3.25 },
		{ 90, 3.7 }, { 99, 3.9699999999999998 }, { 100, 4.0 } };
	static const struct pcase pc[] = { { 0, 0.0009599999999999999 }, { 25, 0.00196 },
		{ 50, 0.0123 }, { 75, 5.0 }, { 90, 6.2 }, { 99, 6.92 }, { 100, 7.0 } };
	static const struct pcase pe[] = { { 0, 1e16 }, { 25, 1e16 }, { 50, 1.0000000000000002e+16 },
		{ 75, 2e16 }, { 90, 2.6e16 }, { 99, 2.96e16 }, { 100, 3e16 } };
	static const struct pcase pf[] = { { 0, 5.0 }, { 50, 5.0 }, { 99, 5.0 }, { 100, 5.0 } };
	static const struct pcase pd[] = { { 0, 0.0 }, { 25, 4.071428571428571 },
		{ 50, 8.585714285714285 }, { 75, 11.9 }, { 90, 15.508571428571429 },
		{ 99, 16.08342857142857 }, { 100, 16.114285714285714 } };
	/* t >= 0.5: numpy's b - (b - a)(1 - t), where a + (b - a)t ends 2 ulps away */
	static const struct pcase p4[] = { { 95, 1.4635714285714283 } };
	static const struct pcase p23[] = { { 99, 15.772857142857143 } };
	double d[40];

	check_pct(a, 3, pa, 7);
	check_pct(b, 4, pb, 7);
	check_pct(c, 5, pc, 7);
	check_pct(e, 3, pe, 7);
	check_pct(f, 1, pf, 4);
	qsort(d, ramp(d, 37), sizeof(double), cmp_double);
	check_pct(d, 37, pd, 7);
	qsort(d, ramp(d, 4), sizeof(double), cmp_double);
	check_pct(d, 4, p4, 1);
	qsort(d, ramp(d, 23), sizeof(double), cmp_double);
	check_pct(d, 23, p23, 1);
	/* a NaN (sorted last) makes every percentile NaN */
	d[0] = 1.0, d[1] = NAN;
	ck_assert(isnan(ap_np_percentile(d, 2, 0)));
}
END_TEST

START_TEST(np_mean_pairwise)
{
	static const struct {
		double div, off, want, naive;
	} m[] = {
		/* numpy.mean vs a left-to-right sum / 200 over i*i % 97 / div + off */
		{ 7.0, 1e10, 10000000006.690714, 10000000006.690716 },
		{ 7.0, 1.0, 7.690714285714286, 7.690714285714284 },
		{ 7.0, 1e6, 1000006.6907142857, 1000006.6907142862 },
		{ 3.0, 0.0, 15.611666666666665, 15.61166666666667 },
		{ 3.0, 1e10, 10000000015.611668, 10000000015.611666 },
		{ 11.0, 1.0, 5.257727272727273, 5.25772727272727 },
	};
	double v[200];

	for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		double naive = 0.0;

		for (size_t i = 0; i < 200; i++) {
			v[i] = (double)((i * i) % 97) / m[k].div + m[k].off;
			naive += v[i];
		}
		ck_assert(naive / 200 == m[k].naive); /* the data really tells the sums apart */
		ck_assert_msg(ap_np_mean(v, 200) == m[k].want, "case %zu: %.17g", k,
			      ap_np_mean(v, 200));
	}
}
END_TEST

START_TEST(np_mean_sizes)
{
	/* every branch of pairwise_sum: < 8, 8..128 with and without a remainder, the split */
	static const struct {
		size_t n;
		double want;
	} m[] = { { 1, 0.0 }, { 5, 1.0571428571428572 }, { 8, 2.85 }, { 9, 3.6380952380952385 },
		  { 15, 4.823809523809524 }, { 16, 4.892857142857143 }, { 17, 5.220168067226891 },
		  { 127, 12.97716535433071 }, { 128, 13.005133928571428 }, { 129, 13.100996677740865 },
		  { 136, 13.482142857142856 }, { 300, 21.698571428571427 },
		  { 2000, 106.81492857142858 } };
	static double v[2000];

	for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		ramp(v, m[k].n);
		ck_assert_msg(ap_np_mean(v, m[k].n) == m[k].want, "n=%zu: %.17g", m[k].n,
			      ap_np_mean(v, m[k].n));
	}
	ck_assert(isnan(ap_np_mean(v, 0)));
}
END_TEST

START_TEST(np_percentile_edges)
{
	static const double two[] = { 1.0, 2.0 }, sev[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7 },
		t23[] = { 2.0, 3.0 }, pinf[] = { 1.0, INFINITY }, ninf[] = { -INFINITY, 1.0 };

	ck_assert(ap_np_percentile(two, 2, 50) == 1.5);
	ck_assert(ap_np_percentile(two, 2, 33.3) == 1.333);
	ck_assert(ap_np_percentile(sev, 7, 33.3) == 0.29979999999999996);
	ck_assert(ap_np_percentile(t23, 2, 0.1) == 2.001);
	/* infinities go through numpy's lerp: inf - inf * 0.5 is NaN, 1 - inf * 0.5 is -inf */
	ck_assert(ap_np_percentile(pinf, 2, 25) == INFINITY);
	ck_assert(isnan(ap_np_percentile(pinf, 2, 50)));
	ck_assert(ap_np_percentile(ninf, 2, 50) == -INFINITY);
	ck_assert(ap_np_percentile(ninf, 2, 100) == 1.0);
}
END_TEST

START_TEST(np_mean_edges)
{
	static const double z[] = { -0.0, -0.0 }, big[] = { 1e308, 1e308 },
		infs[] = { 1.0, INFINITY, -INFINITY };

	/* the reduction starts from +0.0, so the mean of negative zeros is +0.0 */
	ck_assert(ap_np_mean(z, 2) == 0.0 && !signbit(ap_np_mean(z, 2)));
	ck_assert(ap_np_mean(big, 2) == INFINITY); /* the sum overflows first */
	ck_assert(isnan(ap_np_mean(infs, 3)));
}
END_TEST

START_TEST(np_round_edges)
{
	ck_assert(ap_np_round(0.1234567895, 9) == 0.12345679);
	ck_assert(ap_np_round(2.5e15 + 0.5, 0) == 2500000000000000.0);
	ck_assert(ap_np_round(1234567.0, -3) == 1235000.0);
}
END_TEST

/* ---- datetimes ----------------------------------------------------------------------------- */

static const char *dt(double us)
{
	static char buf[32];
	size_t n = ap_svc_fmt_datetime(buf, us);

	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

START_TEST(datetime_goldens)
{
	/* request.csv / batch.csv of the synthetic golden run */
	ck_assert_str_eq(dt(1767225600002000.2), "2026-01-01 08:00:00:002000");
	ck_assert_str_eq(dt(1767225600000100.0), "2026-01-01 08:00:00:000100");
	ck_assert_str_eq(dt(1767225599999999.75), "2026-01-01 07:59:59:999999");
	ck_assert_str_eq(dt(1704067199999999.9), "2024-01-01 08:00:00:000000");
	ck_assert_str_eq(dt(1735660799999999.5), "2024-12-31 23:59:59:999999");
}
END_TEST

START_TEST(datetime_fractions)
{
	/* the fraction rounded to 3 decimals first, then the µs truncated */
	ck_assert_str_eq(dt(0.0), "1970-01-01 08:00:00:000000");
	ck_assert_str_eq(dt(0.4), "1970-01-01 08:00:00:000000");
	ck_assert_str_eq(dt(100.5), "1970-01-01 08:00:00:000100");
	ck_assert_str_eq(dt(100.9994), "1970-01-01 08:00:00:000100");
	ck_assert_str_eq(dt(100.9995), "1970-01-01 08:00:00:000100"); /* 0.99949999… */
	ck_assert_str_eq(dt(100.9999), "1970-01-01 08:00:00:000101");
}
END_TEST

START_TEST(datetime_calendar)
{
	ck_assert_str_eq(dt(951753599999999.0), "2000-02-28 23:59:59:999999");
	ck_assert_str_eq(dt(951753600000000.0), "2000-02-29 00:00:00:000000");
	ck_assert_str_eq(dt(1709193599999999.5), "2024-02-29 15:59:59:999999");
	ck_assert_str_eq(dt(1709193600000000.0), "2024-02-29 16:00:00:000000");
	ck_assert_str_eq(dt(68256000000000.0), "1972-03-01 08:00:00:000000");
	ck_assert_str_eq(dt(4102416000000000.0), "2100-01-01 00:00:00:000000");
	ck_assert_str_eq(dt(4107542400000000.0), "2100-03-01 08:00:00:000000");
	ck_assert_str_eq(dt(7258118400000000.0), "2200-01-01 08:00:00:000000");
	ck_assert_str_eq(dt(9000000000000000.0), "2255-03-15 00:00:00:000000");
	ck_assert_str_eq(dt(253402271999000000.0), "9999-12-31 23:59:59:000000");
	/* NaT: an empty cell */
	ck_assert_str_eq(dt(NAN), "");
	ck_assert_str_eq(dt(INFINITY), "");
}
END_TEST

START_TEST(datetime_edges)
{
	char buf[32];

	/* 0.9996 µs: the fraction rounds to 1.000, so the next µs */
	ck_assert_str_eq(dt(0.9996), "1970-01-01 08:00:00:000001");
	/* the UTC+8 shift crosses the year */
	ck_assert_str_eq(dt(1767196799999999.0), "2025-12-31 23:59:59:999999");
	ck_assert_str_eq(dt(1767196800000000.0), "2026-01-01 00:00:00:000000");
	ck_assert_uint_eq(ap_svc_fmt_datetime(buf, 1767196800000000.0), 26);
	ck_assert_uint_eq(ap_svc_fmt_datetime(buf, NAN), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

static Suite *svc_fmt_suite(void)
{
	Suite *s = suite_create("svc_fmt");
	TCase *tc = tcase_create("values");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, repr_nested);
	tcase_add_test(tc, json_nested_ascii);
	tcase_add_test(tc, json_nested_utf8);
	tcase_add_test(tc, scalars);
	tcase_add_test(tc, repr_quote_choice);
	tcase_add_test(tc, repr_nonprintable);
	tcase_add_test(tc, json_str_direct);
	tcase_add_test(tc, nested_keys_and_absent);
	tcase_add_test(tc, appends_to_buffer);
	tcase_add_test(tc, long_string_grows);
	tcase_add_test(tc, str_of_nonfinite);
	suite_add_tcase(s, tc);
	tc = tcase_create("numpy");
	tcase_add_test(tc, np_round);
	tcase_add_test(tc, np_percentile);
	tcase_add_test(tc, np_mean_pairwise);
	tcase_add_test(tc, np_mean_sizes);
	tcase_add_test(tc, np_percentile_edges);
	tcase_add_test(tc, np_mean_edges);
	tcase_add_test(tc, np_round_edges);
	suite_add_tcase(s, tc);
	tc = tcase_create("datetime");
	tcase_add_test(tc, datetime_goldens);
	tcase_add_test(tc, datetime_fractions);
	tcase_add_test(tc, datetime_calendar);
	tcase_add_test(tc, datetime_edges);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(svc_fmt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
