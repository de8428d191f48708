/* The row-level CSV files of a service dump (specs/ms_service_profiler.md §3.2, §3.3, §3.9):
 * batch.csv, kvcache.csv, request_status.csv and forward.csv, as `msserviceprofiler analyze
 * --format csv` writes them (pandas to_csv: LF line ends, minimal quoting, NaN/None empty),
 * with the ascprof deviations of issue 11: no literal None/nan cells, kvcache start_time keeps
 * its microseconds, batch.csv start_time(ms)/end_time(ms) really in ms (µs / 1000.0).
 *
 * Each function reads s (after the analysis: rows merged and sorted, derived fields filled),
 * streams dir/NAME.csv through a temp file and renames it into place. s and dir are borrowed.
 * Each returns 0 (also when, as upstream, the file is not written: see each function) or a
 * negative status with err set (AP_EIO, AP_ENOMEM); no partial file is left behind. */
#ifndef AP_SVC_CSV_H
#define AP_SVC_CSV_H

#include "ap/err.h"
#include "ap/svc.h"

/* batch.csv (§3.2): rows named the batch name (BatchSchedule, else batchFrameworkProcessing,
 * else Schedule), modelExec, modelRunnerExec, Execute, specDecoding. Not written when no row
 * qualifies or no row of the dump has a rid (upstream fails on the missing res_list column). */
int ap_svc_write_batch(const struct ap_svc *s, const char *dir, struct ap_err *err);

/* kvcache.csv (§3.3), new or legacy MindIE layout. Not written when no row has domain KVCache
 * or Schedule.KVCache, or when every such row is named CacheHitRate. */
int ap_svc_write_kvcache(const struct ap_svc *s, const char *dir, struct ap_err *err);

/* request_status.csv (§3.9): Schedule-domain queue rows. Not written when no row has a
 * QueueSize= attribute, none has status or scope#QueueName, or no row qualifies. */
int ap_svc_write_request_status(const struct ap_svc *s, const char *dir, struct ap_err *err);

/* forward.csv (§3.9): rows named forward, with the batch type of the latest earlier schedule
 * row of the same rid. Not written when the dump lacks forward or schedule rows, or when no
 * forward row remains after that matching. */
int ap_svc_write_forward(const struct ap_svc *s, const char *dir, struct ap_err *err);

#endif
