/* Shared by the service-profiler writers (lib/writers/w_svc_*.c); not public. */
#ifndef AP_WRITERS_W_SVC_LOCAL_H
#define AP_WRITERS_W_SVC_LOCAL_H

#include "ap/svc.h"

/* The lanes that sort first in chrome_tracing.json, and thread_sort_index's names (§3.7). */
#define AP_SVC_N_LANE_ORDER 8

/* The i-th of those lane names (i < AP_SVC_N_LANE_ORDER), else NULL. */
const char *ap_svc__lane_order(unsigned i);

/* The member named key of obj (AP_SV_OBJ), or NULL. */
const struct ap_sv *ap_svc__member(const struct ap_sv *obj, const char *key);

#endif
