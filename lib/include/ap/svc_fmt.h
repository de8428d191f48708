/* Python and NumPy semantics the service outputs are written in (specs/ms_service_profiler.md
 * §3.0, §1.5, §3.7): str()/repr() and json.dumps of attribute values (lib/model/svc_value.c);
 * NumPy statistics and rounding and the parser's UTC+8 datetimes are in ap/pystat.h
 * (lib/base/pystat.c), included here. */
#ifndef AP_SVC_FMT_H
#define AP_SVC_FMT_H

#include <stddef.h>

#include "ap/pystat.h"
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

#endif
