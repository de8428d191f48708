/* Python and NumPy semantics the service outputs are written in (specs/ms_service_profiler.md
 * §3.0, §1.5): str()/repr() and json.dumps of attribute values, NumPy statistics and rounding,
 * and the parser's UTC+8 datetimes. Values: lib/model/svc_value.c; numbers: lib/base/pystat.c. */
#ifndef AP_SVC_FMT_H
#define AP_SVC_FMT_H

#include <stddef.h>

#include "ap/strbuf.h"
#include "ap/svc.h"

/* Appends Python repr(v): strings single-quoted with Python's escaping and quote choice
 * ('a', "it's"), None/True/False, ints in decimal, floats as repr(float), lists "[a, b]",
 * dicts "{'k': v}". An ABSENT value appends "nan" (a NaN cell). */
void ap_sv_repr(struct ap_strbuf *sb, const struct ap_sv *v);
/* Appends Python str(v): a string verbatim, everything else as ap_sv_repr. */
void ap_sv_pystr(struct ap_strbuf *sb, const struct ap_sv *v);
/* Appends json.dumps(v, ensure_ascii=ascii) with the default ", " / ": " separators; floats as
 * repr(float) ("NaN", "Infinity" for non-finite ones); ABSENT as "NaN". */
void ap_sv_json(struct ap_strbuf *sb, const struct ap_sv *v, int ascii);
/* Appends a JSON string literal of s (len bytes) as json.dumps writes it. */
void ap_sv_json_str(struct ap_strbuf *sb, const char *s, size_t len, int ascii);

/* NumPy round(x, nd) on a float64: rint(x * 10^nd) / 10^nd (nd 0..9). */
double ap_np_round(double x, int nd);
/* numpy.percentile(a, q, method='linear') of the n >= 1 values of sorted (ascending). */
double ap_np_percentile(const double *sorted, size_t n, double q);
/* numpy.mean of n >= 1 values, with NumPy's pairwise summation (blocks of 8, unrolled by 8,
 * below 128 elements a plain loop), so that the last bit matches. */
double ap_np_mean(const double *v, size_t n);

/* The parser's datetime of a float µs since the epoch (§1.5): UTC+8, "YYYY-MM-DD HH:MM:SS:ffffff"
 * from the integer ns pandas keeps (fraction rounded to 3 decimals), µs truncated. buf holds
 * at least 32 bytes; returns the length written. */
size_t ap_svc_fmt_datetime(char *buf, double us);

#endif
