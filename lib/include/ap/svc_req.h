/* The request-level CSV files of a service dump (specs/ms_service_profiler.md §3.1, §3.4-§3.6):
 * request.csv and the summary files request_summary.csv, batch_summary.csv and
 * service_summary.csv, as upstream writes them (pandas to_csv: LF line ends, minimal quoting,
 * NaN empty), with the ascprof deviations of issue 11: request.csv's queue_wait_time(ms) and
 * first_token_latency(ms) in real milliseconds (the values `ms_service_profiler.parse` writes,
 * not `analyze`'s seconds), and its start_time(ms) in ms also for a request with an httpReq but
 * no end event (such rows keep upstream's place: sorted by their µs value, after the others).
 *
 * Both functions read s (merged, sorted, derived fields filled: ap_svc_build) and d (its §2.6
 * tables: ap_svc_derive), stream dir/NAME.csv through a temp file and rename it into place.
 * s, d and dir are borrowed. Each returns 0 or a negative status with err set (AP_EIO,
 * AP_ENOMEM); no partial file is left behind. */
#ifndef AP_SVC_REQ_H
#define AP_SVC_REQ_H

#include "ap/err.h"
#include "ap/svc.h"
#include "ap/svc_derived.h"

/* request.csv (§3.1): one row per rid of the rows outside the KVCache/PullKVCache domains
 * and not named forward. Not written (returns 0) when no rid qualifies or when the
 * recv_token_size, reply_token_size and execution_time(ms) cells are all 0 or all empty. */
int ap_svc_write_request(const struct ap_svc *s, const struct ap_svc_derived *d,
			 const char *dir, struct ap_err *err);

/* request_summary.csv (§3.4), batch_summary.csv (§3.5) and service_summary.csv (§3.6), always
 * all three (analyze writes them whatever --format says). */
int ap_svc_write_summaries(const struct ap_svc *s, const struct ap_svc_derived *d,
			   const char *dir, struct ap_err *err);

#endif
