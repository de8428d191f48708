/* Number formatting: the only formatter of integers and floats in outputs (CONVENTIONS §5).
 * Every function writes a NUL-terminated string into buf (at least AP_FMT_MAX bytes) and
 * returns its length. */
#ifndef AP_FMT_H
#define AP_FMT_H

#include <stddef.h>
#include <stdint.h>

#define AP_FMT_MAX 40

size_t ap_fmt_i64(char *buf, int64_t v);
size_t ap_fmt_u64(char *buf, uint64_t v);
/* ns as a microsecond string with exactly 3 decimals: 1234 -> "1.234", 5 -> "0.005",
 * -5 -> "-0.005" (spec torch_npu §4; see docs/compatibility.md for negatives). */
size_t ap_fmt_ns_us3(char *buf, int64_t ns);
/* msprof's DivideByPowersOfTenWithPrecision(ns) (utils.cpp): the unsigned value's digits with
 * a '.' before the last 3: 1234 -> "1.234", 5 -> "0.005". (A negative int64 cast to uint64
 * prints as upstream's wrapped value.) */
size_t ap_fmt_u64_us3(char *buf, uint64_t ns);
/* msprof's DoubleToStr(round(ns / 1000.0, 3)) computed exactly: ns as µs with 3 decimals,
 * trailing zeros and then a trailing '.' dropped: 1500 -> "1.5", 2000 -> "2", 0 -> "0". */
size_t ap_fmt_ns_us_trim(char *buf, int64_t ns);
/* msprof's DoubleToStr(x, prec) (utils.cpp; prec <= 9): C++ fixed notation with prec
 * decimals (printf "%.*f": the exact binary value rounded, ties to even), then trailing zeros
 * and a trailing '.' dropped: 14095899.0625 -> "14095899.062", 2.5 -> "2.5", 3.0 -> "3".
 * |x| >= 1e30, inf and nan fall back to ap_fmt_double. */
size_t ap_fmt_fixed_trim(char *buf, double x, unsigned prec);
/* SQLite's round(x, 3) printed by DoubleToStr(…, 3): like ap_fmt_fixed_trim(buf, x, 3) except
 * that an exact tie (x an odd multiple of 1/16, e.g. 0.0625) rounds away from zero
 * ("0.063") as SQLite does, where printf rounds to even. */
size_t ap_fmt_round3_trim(char *buf, double x);
/* Python's round(x, ndigits) for 0 <= ndigits <= 17: the double nearest to the exact value of
 * x rounded to ndigits decimals, ties to even (|x| >= 1e30, inf, nan: x). Not a formatter,
 * but the rounding step of numbers that msprof formats after Python rounded them. */
double ap_fmt_py_round(double x, int ndigits);
/* Python repr() of the double ns / 1000.0, computed with integer arithmetic when exact
 * (|ns| < 10^15): 145570 -> "145.57", 1000 -> "1.0", 0 -> "0.0". */
size_t ap_fmt_ns_us_float(char *buf, int64_t ns);
/* Python repr() of a double: shortest round-trip digits, fixed notation when
 * 1e-4 <= |x| < 1e16, else exponent form ("1e-05", "1.5e+16"); "inf", "-inf", "nan". */
size_t ap_fmt_double(char *buf, double x);
/* Python repr() of the double v / 2^shift (shift <= 20: bytes -> KB or MB) without the digit
 * search of ap_fmt_double when the exact quotient has at most 15 significant digits. */
size_t ap_fmt_div_pow2(char *buf, int64_t v, unsigned shift);

#endif
