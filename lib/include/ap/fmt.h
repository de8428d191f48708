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
