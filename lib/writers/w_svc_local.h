/* Shared by the service-profiler writers (lib/writers/w_svc_*.c); not public. */
#ifndef AP_WRITERS_W_SVC_LOCAL_H
#define AP_WRITERS_W_SVC_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "ap/svc.h"
#include "ap/svc_trace.h"

/* The lanes that sort first in chrome_tracing.json, and thread_sort_index's names (§3.7). */
#define AP_SVC_N_LANE_ORDER 8

/* The i-th of those lane names (i < AP_SVC_N_LANE_ORDER), else NULL. */
const char *ap_svc__lane_order(unsigned i);

/* The member named key of obj (AP_SV_OBJ), or NULL. */
const struct ap_sv *ap_svc__member(const struct ap_sv *obj, const char *key);

/* Interns len bytes of s in t's string table; NULL when out of memory. */
const char *ap_svc__intern(struct ap_svc_trace *t, const char *s, size_t len);

/* The label of pid (the last one when several), or NULL. */
const struct ap_svc_label *ap_svc__label_of(const struct ap_svc *s, int64_t pid);

/* int() of a dp rank: v when it is a number or a string, else the text str; returns 1 and
 * sets *out when it has an integer value, else 0. */
int ap_svc__dp_int(const struct ap_sv *v, const char *str, int64_t *out);

/* Appends the process metadata events to t (built up to thread_sort_index); coord: the pid
 * of the first Coordinator lane, or NULL. Returns 0 or AP_ENOMEM. */
int ap_svc__trace_procs(struct ap_svc_trace *t, const int64_t *coord);

#endif
