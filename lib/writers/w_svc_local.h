/* Shared by the service-profiler writers (lib/writers/w_svc_*.c); not public. */
#ifndef AP_WRITERS_W_SVC_LOCAL_H
#define AP_WRITERS_W_SVC_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "ap/out.h"
#include "ap/strbuf.h"
#include "ap/svc.h"
#include "ap/svc_db.h"
#include "ap/svc_derived.h"
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

/* ---- one row builder, two outputs (w_svc_sink.c) ------------------------------------------
 * The row-level writers (batch, kvcache, forward) build each row once through a sink that
 * writes either a CSV file (pandas to_csv: minimal quoting, None/NaN empty) or a profiler.db
 * table (pandas to_sql: the column's declared type; None/NaN NULL). A column has its CSV header
 * name and its DB name and type. */
struct ap_svc_sink_col {
	const char *csv;            /* header name in the CSV file */
	struct ap_svc_db_col db;    /* name and declared type in the DB table */
};

struct ap_svc_sink {
	struct ap_svc_db *db;       /* DB mode when non-NULL, else CSV mode */
	const char *dir, *name;     /* CSV mode: dir/name */
	struct ap_out o;            /* CSV mode: the open file */
	struct ap_svc_db_col *cols; /* the current table's columns (owned) */
	size_t ncols, col;          /* columns, next column of the row */
	struct ap_strbuf sb;        /* scratch for the cells */
	int open;
};

/* A CSV sink writing dir/name, or (db non-NULL) a DB sink writing table name of db. */
void ap_svc__sink_init(struct ap_svc_sink *k, struct ap_svc_db *db, const char *dir,
		       const char *name);
/* Starts the file or table with the n columns cols (copied): CSV header, or CREATE TABLE.
 * Returns 0 or a negative status with err set. */
int ap_svc__sink_begin(struct ap_svc_sink *k, const struct ap_svc_sink_col *cols, size_t n,
		       struct ap_err *err);
/* Cells of the current row, in column order. A string NULL is None (empty / NULL); len
 * SIZE_MAX = up to the NUL. A double NaN is empty / NULL; in the DB a number bound to a TEXT
 * column is stored as its CSV text (str() of the pandas object cell). */
void ap_svc__sink_str(struct ap_svc_sink *k, const char *s, size_t len);
void ap_svc__sink_f(struct ap_svc_sink *k, double x);
void ap_svc__sink_i(struct ap_svc_sink *k, int64_t v);
/* The parser's datetime of us (ap_svc_fmt_datetime). */
void ap_svc__sink_datetime(struct ap_svc_sink *k, double us);
/* Python str() of an object cell: None/ABSENT empty, numbers as float64, strings verbatim,
 * the rest repr; when as_int, ints stay ints. */
void ap_svc__sink_sv(struct ap_svc_sink *k, const struct ap_sv *v, int as_int);
/* Ends the row. Returns 0 or a negative status with err set. */
int ap_svc__sink_row(struct ap_svc_sink *k, struct ap_err *err);
/* Commits the file (rename) or ends the table (views, Insight rows). Returns 0 or a negative
 * status with err set. */
int ap_svc__sink_commit(struct ap_svc_sink *k, struct ap_err *err);
/* Releases k; an uncommitted CSV file is removed. Accepts a released sink. */
void ap_svc__sink_release(struct ap_svc_sink *k);

/* ---- profiler.db exporter tables (each: 0, or a negative status with err set; a table
 * without rows is left out as upstream) ------------------------------------------------------ */

/* request (§3.1): the rows of request.csv (queue_wait_time, first_token_latency in ms). */
int ap_svc__db_request(struct ap_svc_db *db, const struct ap_svc *s,
		       const struct ap_svc_derived *d, struct ap_err *err);
/* batch (§3.2): the rows of batch.csv. */
int ap_svc__db_batch(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err);
/* batch_exec and batch_req (§3.2) from d's batch_event_df. */
int ap_svc__db_batch_exec(struct ap_svc_db *db, const struct ap_svc *s,
			  const struct ap_svc_derived *d, struct ap_err *err);
/* kvcache (§3.3): the rows of kvcache.csv. */
int ap_svc__db_kvcache(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err);
/* request_status (§3.8): the vLLM pivot (timestamp, WAITING, RUNNING, PENDING) or the MindIE
 * Queue schema (timestamp, QueueSize=, status). */
int ap_svc__db_request_status(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err);
/* forward and data_link (§3.9): the rows of forward.csv. */
int ap_svc__db_forward(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err);
/* prefill_gen_speed, first_token_latency (ms), req_latency, decode_gen_speed (§3.8) from d. */
int ap_svc__db_latency(struct ap_svc_db *db, const struct ap_svc_derived *d,
		       struct ap_err *err);

#endif
