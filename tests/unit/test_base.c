/* Unit tests of lib/base: strbuf, err, arena, vec, fmt, strtab/utf8, u64map, sort, diag. */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/arena.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/fmt.h"
#include "ap/sort.h"
#include "ap/strbuf.h"
#include "ap/strtab.h"
#include "ap/u64map.h"
#include "ap/vec.h"

START_TEST(strbuf_basics)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;

	ck_assert_str_eq(sb.buf, "");
	ap_strbuf_addstr(&sb, "world");
	ap_strbuf_prepend(&sb, "hello ");
	ap_strbuf_addf(&sb, " %d", 42);
	ap_strbuf_addch(&sb, '!');
	ck_assert_str_eq(sb.buf, "hello world 42!");
	ck_assert_uint_eq(sb.len, 15);
	ap_strbuf_reset(&sb);
	ck_assert_str_eq(sb.buf, "");
	ap_strbuf_release(&sb);
	ap_strbuf_release(NULL);
}
END_TEST

START_TEST(strbuf_long_format)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ap_strbuf_addf(&sb, "<%s>", big);
	ck_assert_uint_eq(sb.len, 1001);
	ck_assert_int_eq(sb.buf[0], '<');
	ck_assert_int_eq(sb.buf[1000], '>');
	ap_strbuf_release(&sb);
}
END_TEST

START_TEST(err_prefix_chain)
{
	struct ap_err err = AP_ERR_INIT;

	ck_assert_int_eq(ap_err_set(&err, AP_EFORMAT, "length %u > %u", 912u, 40u), AP_EFORMAT);
	ap_err_prefix(&err, "record %d (offset %d)", 1287, 51480);
	ap_err_prefix(&err, "'%s'", "host/data/api_event.data.slice_0");
	ck_assert_str_eq(ap_err_text(&err),
			 "'host/data/api_event.data.slice_0': record 1287 (offset 51480): length 912 > 40");
	ck_assert_int_eq(err.code, AP_EFORMAT);
	ap_err_release(&err);
	ck_assert_str_eq(ap_err_text(&err), "success");
	ck_assert_str_eq(ap_status_str(AP_EUNSUPPORTED), "unsupported layout or version");
}
END_TEST

START_TEST(arena_grow)
{
	struct ap_arena a;
	size_t i;

	ap_arena_init_grow(&a, 64, 1024);
	ck_assert_uint_eq(a.block_size, 64);
	ck_assert_ptr_nonnull(ap_arena_alloc(&a, 16));
#ifndef AP_ARENA_DEBUG /* there every allocation is a block of its own: no growth to see */
	ck_assert_uint_eq(a.block_size, 128); /* doubled for the next block */
#endif
	for (i = 0; i < 200; i++)
		ck_assert_ptr_nonnull(ap_arena_alloc(&a, 16));
#ifndef AP_ARENA_DEBUG
	ck_assert_uint_eq(a.block_size, 1024); /* capped */
#endif
	ck_assert_uint_eq(a.total, 201 * 16);
	ap_arena_release(&a);
	ap_arena_init(&a, 256); /* fixed size */
	ap_arena_alloc(&a, 16);
	ap_arena_alloc(&a, 250);
	ck_assert_uint_eq(a.block_size, 256);
	ap_arena_release(&a);
}
END_TEST

START_TEST(arena_alignment_and_large)
{
	struct ap_arena a;
	char *p, *q, *big;

	ap_arena_init(&a, 256);
	p = ap_arena_alloc(&a, 3);
	q = ap_arena_alloc(&a, 5);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)q % 16, 0);
	big = ap_arena_alloc(&a, 10000);
	ck_assert_ptr_nonnull(big);
	memset(big, 1, 10000);
	ck_assert_str_eq(ap_arena_strdup(&a, "abc"), "abc");
	ck_assert_str_eq(ap_arena_strndup(&a, "abcdef", 2), "ab");
	ap_arena_release(&a);
	ap_arena_release(NULL);
}
END_TEST

START_TEST(vec_push_zeroes)
{
	AP_VEC(int) v = { NULL, 0, 0 };
	int i;

	for (i = 0; i < 1000; i++) {
		int *slot = ap_vec_push(&v);

		ck_assert_ptr_nonnull(slot);
		ck_assert_int_eq(*slot, 0);
		*slot = i;
	}
	ck_assert_uint_eq(v.n, 1000);
	ck_assert_int_eq(v.v[999], 999);
	ck_assert_int_eq(ap_vec_reserve(&v, (size_t)-1), AP_ENOMEM);
	ap_vec_free(&v);
	ck_assert_ptr_null(v.v);
}
END_TEST

START_TEST(zalloc_zeroes_recycled_memory)
{
	unsigned char *dirty = malloc(4096), *z;
	size_t i, nonzero = 0;

	ck_assert_ptr_nonnull(dirty);
	memset(dirty, 0xa5, 4096);
	free(dirty); /* the allocator hands this block out again: it must come back zeroed */
	z = ap_zalloc(512, 8);
	ck_assert_ptr_nonnull(z);
	for (i = 0; i < 4096; i++)
		nonzero += z[i] != 0;
	ck_assert_uint_eq(nonzero, 0);
	free(z);
	ck_assert_ptr_null(ap_zalloc(SIZE_MAX / 2, 4)); /* n * elem overflows */
	z = ap_zalloc(0, 8);
	ck_assert_ptr_nonnull(z);
	free(z);
}
END_TEST

static const char *us3(int64_t ns)
{
	static char buf[AP_FMT_MAX];

	ap_fmt_ns_us3(buf, ns);
	return buf;
}

static const char *usf(int64_t ns)
{
	static char buf[AP_FMT_MAX];

	ap_fmt_ns_us_float(buf, ns);
	return buf;
}

static const char *dbl(double x)
{
	static char buf[AP_FMT_MAX];

	ap_fmt_double(buf, x);
	return buf;
}

/* The msprof exporter's number texts (utils.cpp DivideByPowersOfTenWithPrecision and
 * DoubleToStr, SQLite's round(), Python's round()); 14095899.0625 -> "14095899.062" is
 * op_statistic_assembler_utest.cpp's expected Avg. */
START_TEST(fmt_msprof_numbers)
{
	char b[AP_FMT_MAX];

	ap_fmt_u64_us3(b, 5);
	ck_assert_str_eq(b, "0.005");
	ap_fmt_u64_us3(b, 1717575960208020758ull);
	ck_assert_str_eq(b, "1717575960208020.758");
	ap_fmt_u64_us3(b, (uint64_t)-1000);
	ck_assert_str_eq(b, "18446744073709550.616");
	ap_fmt_ns_us_trim(b, 1500);
	ck_assert_str_eq(b, "1.5");
	ap_fmt_ns_us_trim(b, 2000);
	ck_assert_str_eq(b, "2");
	ap_fmt_ns_us_trim(b, 0);
	ck_assert_str_eq(b, "0");
	ap_fmt_ns_us_trim(b, 5412825240000);
	ck_assert_str_eq(b, "5412825240");
	ap_fmt_fixed_trim(b, 14095899.0625, 3);
	ck_assert_str_eq(b, "14095899.062");
	ap_fmt_fixed_trim(b, 240914.1474, 3);
	ck_assert_str_eq(b, "240914.147");
	ap_fmt_fixed_trim(b, 45.69861, 3);
	ck_assert_str_eq(b, "45.699");
	ap_fmt_fixed_trim(b, 100.0, 3);
	ck_assert_str_eq(b, "100");
	ap_fmt_fixed_trim(b, -0.0001, 3);
	ck_assert_str_eq(b, "-0");
	ap_fmt_fixed_trim(b, 7.0, 0);
	ck_assert_str_eq(b, "7");
	/* no decimal point, no fraction: the zeros of the integer part stay */
	ap_fmt_fixed_trim(b, 2500.0, 0);
	ck_assert_str_eq(b, "2500");
	/* SQLite rounds an exact tie away from zero, printf to even */
	ap_fmt_round3_trim(b, 6.0625);
	ck_assert_str_eq(b, "6.063");
	ap_fmt_round3_trim(b, -6.0625);
	ck_assert_str_eq(b, "-6.063");
	ap_fmt_round3_trim(b, 0.0625);
	ck_assert_str_eq(b, "0.063");
	ap_fmt_round3_trim(b, 62.6875);
	ck_assert_str_eq(b, "62.688");
	ap_fmt_round3_trim(b, 12.3455); /* not a tie in binary: 12.34549999... */
	ck_assert_str_eq(b, "12.345");
	ap_fmt_round3_trim(b, 0.125);
	ck_assert_str_eq(b, "0.125");
	/* Python round(x, 6) */
	ck_assert(ap_fmt_py_round(10000.0 / 16000001.0 * 100.0, 6) == 0.0625);
	ck_assert(ap_fmt_py_round(2.5e-7, 6) == 0.0);
	ck_assert(ap_fmt_py_round(3.5e-6, 6) == 3e-6); /* 3.4999...e-06 in binary */
}
END_TEST

START_TEST(fmt_integers)
{
	char buf[AP_FMT_MAX];

	ck_assert_uint_eq(ap_fmt_i64(buf, 0), 1);
	ck_assert_str_eq(buf, "0");
	ap_fmt_i64(buf, INT64_MIN);
	ck_assert_str_eq(buf, "-9223372036854775808");
	ap_fmt_u64(buf, UINT64_MAX);
	ck_assert_str_eq(buf, "18446744073709551615");
}
END_TEST

/* Every digit count and every group boundary of the integer formatter, against printf:
 * 10^k - 1, 10^k, 10^k + 1 and 2^k - 1, 2^k, 2^k + 1, as integers and as microseconds. */
START_TEST(fmt_integer_boundaries)
{
	char got[AP_FMT_MAX], want[64];
	uint64_t p10 = 1;
	int k, d;

	for (k = 0; k < 64; k++) {
		for (d = -1; d <= 1; d++) {
			uint64_t v[2] = { p10 + (uint64_t)d, ((uint64_t)1 << k) + (uint64_t)d };
			int i;

			for (i = 0; i < 2; i++) {
				if (k >= 20 && i == 0)
					continue; /* 10^20 is past uint64 */
				snprintf(want, sizeof(want), "%" PRIu64, v[i]);
				ck_assert_uint_eq(ap_fmt_u64(got, v[i]), strlen(want));
				ck_assert_str_eq(got, want);
				snprintf(want, sizeof(want), "%" PRIu64 ".%03u", v[i] / 1000,
					 (unsigned)(v[i] % 1000));
				ck_assert_uint_eq(ap_fmt_u64_us3(got, v[i]), strlen(want));
				ck_assert_str_eq(got, want);
			}
		}
		if (k < 19)
			p10 *= 10;
	}
}
END_TEST

START_TEST(fmt_ns_us3)
{
	/* torch_npu §4: "." before the last 3 digits, "0." and zero padding below 1000 */
	ck_assert_str_eq(us3(1736408883688177930), "1736408883688177.930");
	ck_assert_str_eq(us3(5), "0.005");
	ck_assert_str_eq(us3(0), "0.000");
	ck_assert_str_eq(us3(1234), "1.234");
	ck_assert_str_eq(us3(-1234), "-1.234");
	ck_assert_str_eq(us3(-5), "-0.005");
	/* around the split of long values into two halves of digits */
	ck_assert_str_eq(us3(99999999999), "99999999.999");
	ck_assert_str_eq(us3(100000000000), "100000000.000");
	ck_assert_str_eq(us3(100000001000), "100000001.000");
	ck_assert_str_eq(us3(-100000000007), "-100000000.007");
	ck_assert_str_eq(us3(1764151200000000010), "1764151200000000.010");
	ck_assert_str_eq(us3(INT64_MIN), "-9223372036854775.808");
	ck_assert_str_eq(us3(INT64_MAX), "9223372036854775.807");
}
END_TEST

/* us3 keeps the leading digits of the last value it wrote per thread: values that share them,
 * cross them (both ways), change sign, or change their length must each come out whole. */
START_TEST(fmt_us3_leading_digits)
{
	static const int64_t base[] = { 1764151200000000000, 100000000000, 999999999999999999,
					INT64_MAX - 5, 10000000, 1764151200009999999 };
	static const int64_t step[] = { 0, 1, -1, 999, -1000, 10000000, -10000000, 100000000000,
					-100000000000, 7 };
	char got[AP_FMT_MAX], want[64];
	size_t b, k;

	for (b = 0; b < sizeof(base) / sizeof(base[0]); b++)
		for (k = 0; k < sizeof(step) / sizeof(step[0]) * 3; k++) {
			int64_t s = step[k % (sizeof(step) / sizeof(step[0]))];
			int64_t v = s > 0 && base[b] > INT64_MAX - s ? base[b] : base[b] + s;
			uint64_t a;

			if (k % 3 == 2)
				v = -v;
			a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			snprintf(want, sizeof(want), "%s%" PRIu64 ".%03u", v < 0 ? "-" : "", a / 1000,
				 (unsigned)(a % 1000));
			ck_assert_uint_eq(ap_fmt_ns_us3(got, v), strlen(want));
			ck_assert_str_eq(got, want);
		}
}
END_TEST

START_TEST(fmt_ns_us_float)
{
	/* Python repr(ns / 1000) */
	ck_assert_str_eq(usf(145570), "145.57");
	ck_assert_str_eq(usf(1000), "1.0");
	ck_assert_str_eq(usf(0), "0.0");
	ck_assert_str_eq(usf(30123), "30.123");
	ck_assert_str_eq(usf(1), "0.001");
	ck_assert_str_eq(usf(-2500), "-2.5");
	ck_assert_str_eq(usf(999999999999999), "999999999999.999");
	/* beyond 15 digits the general algorithm takes over: repr(1234567890123456789/1000) */
	ck_assert_str_eq(usf(1234567890123456789), "1234567890123456.8");
}
END_TEST

/* Values up to 10.1 ms and their negatives (the short path below 10 ms and the one above):
 * every one around the digit counts' boundaries (10, 100, 1000 and 10000 µs), every 97th
 * elsewhere, against the decimal with trailing zeros dropped but one (Python's repr of
 * ns / 1000). */
START_TEST(fmt_ns_us_float_short)
{
	char got[AP_FMT_MAX], want[64];
	int64_t ns;

	for (ns = 0; ns <= 10100000; ns += ns <= 12000 || (ns >= 98000 && ns <= 102000) ||
					      (ns >= 998000 && ns <= 1002000) ||
					      (ns >= 9998000 && ns <= 10002000) ? 1 : 97) {
		int sign;

		for (sign = 1; sign >= -1; sign -= 2) {
			int64_t v = sign * ns;
			size_t n = (size_t)snprintf(want, sizeof(want), "%s%" PRId64 ".%03d",
						    v < 0 ? "-" : "", ns / 1000, (int)(ns % 1000));

			while (want[n - 1] == '0' && want[n - 2] != '.')
				want[--n] = '\0';
			if (ap_fmt_ns_us_float(got, v) != n || strcmp(got, want))
				ck_abort_msg("ns %" PRId64 ": got '%s', want '%s'", v, got, want);
		}
	}
}
END_TEST

START_TEST(fmt_python_repr)
{
	ck_assert_str_eq(dbl(4.0), "4.0");
	ck_assert_str_eq(dbl(0.1 + 0.2), "0.30000000000000004");
	ck_assert_str_eq(dbl(1e-05), "1e-05");
	ck_assert_str_eq(dbl(0.0001), "0.0001");
	ck_assert_str_eq(dbl(1.5e16), "1.5e+16");
	ck_assert_str_eq(dbl(1e16), "1e+16");
	ck_assert_str_eq(dbl(9999999999999998.0), "9999999999999998.0");
	ck_assert_str_eq(dbl(-0.0), "-0.0");
	ck_assert_str_eq(dbl(0.0), "0.0");
	ck_assert_str_eq(dbl(18816.5), "18816.5");
	ck_assert_str_eq(dbl(954.3701171875), "954.3701171875");
	ck_assert_str_eq(dbl(0.00048828125), "0.00048828125");
	ck_assert_str_eq(dbl(1.0 / 3.0), "0.3333333333333333");
	ck_assert_str_eq(dbl(123456789012345678.0), "1.2345678901234568e+17");
	ck_assert_str_eq(dbl(INFINITY), "inf");
	ck_assert_str_eq(dbl(-INFINITY), "-inf");
	ck_assert_str_eq(dbl(NAN), "nan");
	/* a / 2^shift in integer arithmetic (exact_double_digits): µs timestamps of 2026 hold
	 * 0.25 µs steps, a tie at .25 goes to the even digit; ms values hold up to 12 fraction
	 * bits; a power of two has a narrower gap below */
	ck_assert_str_eq(dbl(1767225600002000.25), "1767225600002000.2");
	ck_assert_str_eq(dbl(1767225600002000.75), "1767225600002000.8");
	ck_assert_str_eq(dbl(1767225600002000.5), "1767225600002000.5");
	ck_assert_str_eq(dbl(1767225600002000.25 / 1000), "1767225600002.0002");
	ck_assert_str_eq(dbl(299.75), "299.75");
	ck_assert_str_eq(dbl(4503599627370496.0), "4503599627370496.0");
	ck_assert_str_eq(dbl(0x1p-27), "7.450580596923828e-09");
	ck_assert_str_eq(dbl(0x1.fffffffffffffp+52), "9007199254740991.0");
	ck_assert_str_eq(dbl(0x1.8p-20), "1.430511474609375e-06");
}
END_TEST

START_TEST(fmt_div_pow2_matches_repr)
{
	char a[AP_FMT_MAX], b[AP_FMT_MAX];
	uint64_t x = 88172645463325252ull;
	int i;

	ap_fmt_div_pow2(a, 19267584, 10);
	ck_assert_str_eq(a, "18816.0");
	ap_fmt_div_pow2(a, 512, 20);
	ck_assert_str_eq(a, "0.00048828125");
	/* Python 3 repr(v / 2**shift): 16 and 17 digits, exponents, ties near powers of two */
	ap_fmt_div_pow2(a, 123456789, 20);
	ck_assert_str_eq(a, "117.73756885528564");
	ap_fmt_div_pow2(a, 1, 20);
	ck_assert_str_eq(a, "9.5367431640625e-07");
	ap_fmt_div_pow2(a, 3, 20);
	ck_assert_str_eq(a, "2.86102294921875e-06");
	ap_fmt_div_pow2(a, 4503599627370497, 20);
	ck_assert_str_eq(a, "4294967296.000001");
	ap_fmt_div_pow2(a, 9007199254740991, 10);
	ck_assert_str_eq(a, "8796093022207.999");
	ap_fmt_div_pow2(a, 9007199254740991, 20);
	ck_assert_str_eq(a, "8589934591.999999");
	ap_fmt_div_pow2(a, 999999999999, 20);
	ck_assert_str_eq(a, "953674.3164052963");
	ap_fmt_div_pow2(a, 1048575, 20);
	ck_assert_str_eq(a, "0.9999990463256836");
	ap_fmt_div_pow2(a, -7777777777, 10);
	ck_assert_str_eq(a, "-7595486.1103515625");
	for (i = 0; i < 2000; i++) { /* around powers of two, every shift */
		unsigned shift = (unsigned)i % 21;
		int64_t v = ((int64_t)1 << (i / 21 % 53)) + i % 5 - 2;

		ap_fmt_div_pow2(a, v, shift);
		ap_fmt_double(b, (double)v / (double)(1u << shift));
		ck_assert_str_eq(a, b);
	}
	for (i = 0; i < 20000; i++) {
		int64_t v;
		unsigned shift = i % 2 ? 10 : 20;

		x ^= x << 13; /* xorshift: a fixed pseudo-random sequence */
		x ^= x >> 7;
		x ^= x << 17;
		v = (int64_t)(x >> (i % 60)) * (i % 3 ? 1 : -1);
		ap_fmt_div_pow2(a, v, shift);
		ap_fmt_double(b, (double)v / (double)(1u << shift));
		ck_assert_str_eq(a, b);
	}
}
END_TEST

START_TEST(strtab_interning)
{
	struct ap_strtab t;
	uint32_t a, b, c;
	char name[32];
	int bad = 0, i;

	ck_assert_int_eq(ap_strtab_init(&t), 0);
	a = ap_strtab_intern(&t, "aten::add", 9, &bad);
	b = ap_strtab_intern(&t, "aten::add_", 9, &bad); /* same 9 bytes */
	c = ap_strtab_intern(&t, "aten::mul", 9, &bad);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_ne(a, c);
	ck_assert_str_eq(ap_strtab_get(&t, a), "aten::add");
	ck_assert_uint_eq(ap_strtab_intern(&t, "", 0, &bad), AP_STR_EMPTY);
	ck_assert_ptr_null(ap_strtab_get(&t, AP_STR_NONE));
	ck_assert_int_eq(bad, 0);
	for (i = 0; i < 5000; i++) { /* forces rehashing */
		int n = snprintf(name, sizeof(name), "op%d", i);

		ck_assert_uint_ne(ap_strtab_intern(&t, name, (size_t)n, NULL), 0);
	}
	ck_assert_uint_eq(ap_strtab_intern(&t, "aten::mul", 9, NULL), c);
	ck_assert_uint_eq(ap_strtab_intern(&t, "op4999", 6, NULL),
			  ap_strtab_intern(&t, "op4999", 6, NULL));
	ap_strtab_release(&t);
}
END_TEST

/* Keys of every length from 1 to 40 that differ from a base key in one byte each (the first,
 * the middle, the last): all distinct, each found again, none equal to the base. Words are read
 * whole and overlapping, so every byte position of every length must count. */
START_TEST(strtab_every_byte_counts)
{
	struct ap_strtab t;
	char key[41];
	uint32_t base, ids[3];
	size_t len, k;

	ck_assert_int_eq(ap_strtab_init(&t), 0);
	for (len = 1; len <= 40; len++) {
		memset(key, 'a', len);
		base = ap_strtab_intern(&t, key, len, NULL);
		for (k = 0; k < 3; k++) {
			size_t at = k == 0 ? 0 : k == 1 ? len / 2 : len - 1;

			memset(key, 'a', len);
			key[at] = 'b';
			ids[k] = ap_strtab_intern(&t, key, len, NULL);
			ck_assert_uint_ne(ids[k], base);
			ck_assert_uint_eq(ap_strtab_len(&t, ids[k]), len);
			ck_assert_int_eq(memcmp(ap_strtab_get(&t, ids[k]), key, len), 0);
		}
		if (len > 2) {
			ck_assert_uint_ne(ids[0], ids[2]);
			ck_assert_uint_ne(ids[1], ids[len > 3 ? 2 : 0]);
		}
		memset(key, 'a', len);
		ck_assert_uint_eq(ap_strtab_intern(&t, key, len, NULL), base);
	}
	ap_strtab_release(&t);
}
END_TEST

START_TEST(strtab_bad_utf8)
{
	struct ap_strtab t;
	int bad = 0;
	uint32_t id;

	ck_assert_int_eq(ap_strtab_init(&t), 0);
	id = ap_strtab_intern(&t, "a\xff", 2, &bad);
	ck_assert_int_eq(bad, 1);
	ck_assert_str_eq(ap_strtab_get(&t, id), "N/A");
	bad = 0; /* a second occurrence is reported too */
	ck_assert_uint_eq(ap_strtab_intern(&t, "a\xff", 2, &bad), id);
	ck_assert_int_eq(bad, 1);
	bad = 0;
	id = ap_strtab_intern(&t, "\xe4\xb8\xad\xe6\x96\x87", 6, &bad);
	ck_assert_int_eq(bad, 0);
	ck_assert_str_eq(ap_strtab_get(&t, id), "\xe4\xb8\xad\xe6\x96\x87");
	ap_strtab_release(&t);
}
END_TEST

START_TEST(utf8_validation)
{
	ck_assert_int_eq(ap_utf8_valid("plain", 5), 1);
	ck_assert_int_eq(ap_utf8_valid("\xc3\xa9", 2), 1);          /* é */
	ck_assert_int_eq(ap_utf8_valid("\xf0\x9f\x98\x80", 4), 1);  /* U+1F600 */
	ck_assert_int_eq(ap_utf8_valid("\xc0\xaf", 2), 0);          /* overlong */
	ck_assert_int_eq(ap_utf8_valid("\xe0\x80\xaf", 3), 0);      /* overlong */
	ck_assert_int_eq(ap_utf8_valid("\xed\xa0\x80", 3), 0);      /* surrogate */
	ck_assert_int_eq(ap_utf8_valid("\xf4\x90\x80\x80", 4), 0);  /* > U+10FFFF */
	ck_assert_int_eq(ap_utf8_valid("\xc3", 1), 0);              /* cut off */
	/* cut off by len although the bytes after it continue the sequence */
	ck_assert_int_eq(ap_utf8_valid("\xc3\xa9", 1), 0);
	ck_assert_int_eq(ap_utf8_valid("a\xe4\xb8\xad", 3), 0);
	ck_assert_int_eq(ap_utf8_valid("\xf0\x9f\x98\x80", 3), 0);
	ck_assert_int_eq(ap_utf8_valid("\x80", 1), 0);              /* lone continuation */
}
END_TEST

START_TEST(sort_stable_radix)
{
	struct ap_sortkey v[2000];
	int i;

	for (i = 0; i < 2000; i++) {
		v[i].key = (int64_t)((i * 7919) % 97) - 40 + (i % 3 ? 1700000000000000000 : 0);
		v[i].idx = (uint32_t)i;
	}
	ck_assert_int_eq(ap_sort_keys(v, 2000), 0);
	for (i = 1; i < 2000; i++) {
		ck_assert(v[i - 1].key <= v[i].key);
		if (v[i - 1].key == v[i].key)
			ck_assert_uint_lt(v[i - 1].idx, v[i].idx);
	}
	ck_assert_int_eq(ap_sort_keys(v, 0), 0);
}
END_TEST

/* A stable order by key, the index breaking ties: what ap_sort_keys must give */
static int by_key_idx(const void *a, const void *b)
{
	const struct ap_sortkey *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Case c of sort_radix_digits at length len (at most SORT_N), x its random state. */
#define SORT_N 5000
static void sort_case(int c, size_t len, uint64_t *x)
{
	static struct ap_sortkey v[SORT_N], want[SORT_N];
	size_t i;

	for (i = 0; i < len; i++) {
		*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
		if (c == 0)
			v[i].key = (int64_t)((*x & 0x3ff) | ((*x >> 40) & 0x7f) << 33) - 5;
		else if (c == 1)
			v[i].key = *x % 7 == 0 ? (i % 2 ? INT64_MIN : INT64_MAX) : (int64_t)*x;
		else if (c == 2)
			v[i].key = (int64_t)(((*x & 1) << 63) | 12345);
		else if (c == 3)
			v[i].key = (int64_t)(*x & 0x3fffff) - 1000000; /* 22 bits: 2 passes */
		else if (c == 4)
			v[i].key = (int64_t)(*x & 0x1ffffffff) + INT64_MIN; /* 33 bits: 3 */
		else /* 62 bits, too wide to pack: constant digits between moving ones */
			v[i].key = (int64_t)((*x & 0x3ff) | ((*x >> 40) & 0x7f) << 55);
		/* indexes of 31 bits for c == 3 and 4, still increasing */
		v[i].idx = c == 3 || c == 4 ? (uint32_t)i * 400000u + 7 : (uint32_t)i;
	}
	if (c == 0)
		v[0].key = -5; /* the minimum: key - min is exactly a | b << 33 */
	if (c == 4) {
		v[1].key = INT64_MIN; /* a range of exactly 33 bits: 33 + 31 = 64 */
		v[2].key = INT64_MIN + 0x1ffffffff;
	}
	memcpy(want, v, len * sizeof(*v));
	qsort(want, len, sizeof(*want), by_key_idx);
	ck_assert_int_eq(ap_sort_keys(v, len), 0);
	for (i = 0; i < len; i++) {
		ck_assert_msg(v[i].key == want[i].key, "case %d, length %zu, key %zu", c, len, i);
		ck_assert_uint_eq(v[i].idx, want[i].idx);
	}
}

/* Keys whose middle digits are equal in every key (a pass skipped between passes that
 * move), keys over the whole 64-bit range (every digit), keys equal but for the top bit, and
 * keys packed with their indexes into 64-bit words (sorted in v's own memory) after an even
 * and an odd number of passes, the second with key and index bits filling all 64, and keys too
 * wide to pack with constant digits between moving ones; at even, odd and tiny lengths: each
 * against qsort's order. */
START_TEST(sort_radix_digits)
{
	/* odd lengths leave the second half of the packed words unaligned */
	static const size_t lens[] = { SORT_N, SORT_N - 1, 3 };
	uint64_t x = 88172645463325252ull;
	size_t l;
	int c;

	for (l = 0; l < sizeof(lens) / sizeof(*lens); l++)
		for (c = 0; c < 6; c++)
			sort_case(c, lens[l], &x);
}
END_TEST

/* Keys through several growths (0 and UINT64_MAX among them): each found once with its value,
 * absent keys not found, the count exact and the table never more than half full. */
START_TEST(u64map_grow)
{
	struct ap_u64map m;
	struct ap_u64map_slot *s;
	size_t i, used = 0;
	uint64_t k;
	int added = -1;

	ck_assert_int_eq(ap_u64map_init(&m, 4), 0);
	for (k = 0; k < 5000; k++) {
		s = ap_u64map_get(&m, k == 4999 ? UINT64_MAX : k * 0x10001, &added);
		ck_assert_ptr_nonnull(s);
		ck_assert_int_eq(added, 1);
		s->val = (uint32_t)k + 1;
	}
	ck_assert_uint_eq(m.count, 5000);
	for (i = 0; i <= m.mask; i++)
		used += m.v[i].used != 0;
	ck_assert_uint_eq(used, 5000);
	ck_assert_uint_le(used * 2, m.mask);
	for (k = 0; k < 5000; k++) {
		uint64_t key = k == 4999 ? UINT64_MAX : k * 0x10001;

		s = ap_u64map_find(&m, key);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(s->val, k + 1);
		s = ap_u64map_get(&m, key, &added);
		ck_assert_int_eq(added, 0);
		ck_assert_uint_eq(s->val, k + 1);
		ck_assert_ptr_null(ap_u64map_find(&m, k * 0x10001 + 1));
	}
	ck_assert_uint_eq(m.count, 5000);
	ap_u64map_release(&m);
	ck_assert_ptr_null(ap_u64map_find(&m, 0)); /* a released map is empty */
	ap_u64map_release(NULL);
}
END_TEST

START_TEST(diag_counts)
{
	struct ap_diag d;

	ap_diag_init(&d);
	ck_assert_int_eq(ap_diag_worst(&d), -1);
	ap_diag_report(&d, AP_DIAG_WARN, "utf8", "first %d", 1);
	ap_diag_report(&d, AP_DIAG_WARN, "utf8", "second %d", 2);
	ap_diag_report(&d, AP_DIAG_DATA_LOSS, "cut", "cut at %d", 10);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_uint_eq(d.v[0].count, 2);
	ck_assert_str_eq(d.v[0].first.buf, "first 1");
	ck_assert_int_eq(ap_diag_worst(&d), AP_DIAG_DATA_LOSS);
	/* repeats counted without formatting */
	ap_diag_add(&d, AP_DIAG_DATA_LOSS, "cut", 5);
	ck_assert_uint_eq(d.v[1].count, 6);
	ck_assert_str_eq(d.v[1].first.buf, "cut at 10");
	ck_assert_uint_eq(d.lost, 0);
	ap_diag_release(&d);
	ap_diag_release(NULL);
}
END_TEST

/* A report that cannot be stored is still counted: data loss never reads as a clean run. */
START_TEST(diag_lost_reports_count)
{
	struct ap_diag d;

	ap_diag_init(&d);
	ap_diag_add(&d, AP_DIAG_WARN, "nothing", 0);
	ck_assert_int_eq(ap_diag_worst(&d), -1);
	ap_diag_add(&d, AP_DIAG_WARN, "no-entry", 2);
	ck_assert_uint_eq(d.lost, 2);
	ck_assert_int_eq(ap_diag_worst(&d), AP_DIAG_WARN);
	ap_diag_add(&d, AP_DIAG_DATA_LOSS, "no-entry-either", 1);
	ck_assert_uint_eq(d.lost, 3);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(ap_diag_worst(&d), AP_DIAG_DATA_LOSS);
	ap_diag_release(&d);
	ck_assert_uint_eq(d.lost, 0);
	ck_assert_int_eq(ap_diag_worst(&d), -1);
}
END_TEST

static Suite *base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc;

	tc = tcase_create("strbuf");
	tcase_add_test(tc, strbuf_basics);
	tcase_add_test(tc, strbuf_long_format);
	suite_add_tcase(s, tc);
	tc = tcase_create("err");
	tcase_add_test(tc, err_prefix_chain);
	suite_add_tcase(s, tc);
	tc = tcase_create("arena_vec");
	tcase_add_test(tc, arena_alignment_and_large);
	tcase_add_test(tc, arena_grow);
	tcase_add_test(tc, vec_push_zeroes);
	tcase_add_test(tc, zalloc_zeroes_recycled_memory);
	suite_add_tcase(s, tc);
	tc = tcase_create("fmt");
	tcase_add_test(tc, fmt_integers);
	tcase_add_test(tc, fmt_msprof_numbers);
	tcase_add_test(tc, fmt_ns_us3);
	tcase_add_test(tc, fmt_integer_boundaries);
	tcase_add_test(tc, fmt_us3_leading_digits);
	tcase_add_test(tc, fmt_ns_us_float);
	tcase_add_test(tc, fmt_ns_us_float_short);
	tcase_add_test(tc, fmt_python_repr);
	tcase_add_test(tc, fmt_div_pow2_matches_repr);
	suite_add_tcase(s, tc);
	tc = tcase_create("strtab");
	tcase_add_test(tc, strtab_interning);
	tcase_add_test(tc, strtab_every_byte_counts);
	tcase_add_test(tc, strtab_bad_utf8);
	tcase_add_test(tc, utf8_validation);
	suite_add_tcase(s, tc);
	tc = tcase_create("u64map");
	tcase_add_test(tc, u64map_grow);
	suite_add_tcase(s, tc);
	tc = tcase_create("sort_diag");
	tcase_add_test(tc, sort_stable_radix);
	tcase_add_test(tc, sort_radix_digits);
	tcase_add_test(tc, diag_counts);
	tcase_add_test(tc, diag_lost_reports_count);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(base_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
