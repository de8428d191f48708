/* The Chrome-trace event list of a service dump (specs/ms_service_profiler.md §3.7), built once
 * from the analysed struct ap_svc and shared by chrome_tracing.json (here) and the trace tables
 * of profiler.db (§3.8). Events are small records pointing into the dump's rows; what they add
 * (lanes, flow names) lives in the list's own arena and string table. */
#ifndef AP_SVC_TRACE_H
#define AP_SVC_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "ap/arena.h"
#include "ap/err.h"
#include "ap/strbuf.h"
#include "ap/strtab.h"
#include "ap/svc.h"

enum ap_svc_ev_kind {
	AP_SVC_EV_SLICE,       /* ph 'X' or 'I' of a row; args from the row (§3.7 "Slices") */
	AP_SVC_EV_NPU,         /* ph 'C' "NPU Usage": args {"Usage": v} */
	AP_SVC_EV_KV,          /* ph 'C' KV counter: args {"Device Block": v} */
	AP_SVC_EV_QUEUE,       /* ph 'C' queue counter: args {"Queue Size": v} */
	AP_SVC_EV_FLOW,        /* ph 's' 't' 'f' 'i' 'X': id and cat = the rid, no args */
	AP_SVC_EV_THREAD_SORT, /* ph 'M' thread_sort_index: args {"sort_index": ival} */
	AP_SVC_EV_PROC_SORT,   /* ph 'M' process_sort_index: args {"sort_index": ival}, no tid */
	AP_SVC_EV_PROC_NAME,   /* ph 'M' process_name: args {"name": sval}, no tid */
	AP_SVC_EV_PROC_LABELS, /* ph 'M' process_labels: args {"labels": sval}, no tid */
};

/* How a counter's value prints (pandas column dtypes, §3.7 counters). */
enum ap_svc_ev_val {
	AP_SVC_VAL_INT,   /* ival as an integer */
	AP_SVC_VAL_FLOAT, /* ival or a numeric *val as a float (repr: 98.0) */
	AP_SVC_VAL_SV,    /* *val as json.dumps writes it */
	AP_SVC_VAL_NULL,  /* null (None) */
	AP_SVC_VAL_NAN,   /* NaN (a cell of a column the row's process lacks) */
};

struct ap_svc_trace_ev {
	const struct ap_svc_row *row; /* source row of slices, counters and flows; else NULL */
	const char *name;   /* "name"; NULL writes null */
	const char *lane;   /* "tid" (lane): NULL writes null (a NULL domain under the
			     * outputSync quirk); process metadata events have no "tid" */
	const char *id;     /* flows: "id" and "cat" (one rid) */
	const char *sval;   /* process_name / process_labels text */
	const char *pid_str;/* non-NULL: "pid" is this string, else the number pid */
	const struct ap_sv *val; /* counters with AP_SVC_VAL_SV or _FLOAT of a REAL */
	double ts, dur;     /* µs as the parser's float64; dur only in slices */
	int64_t pid;
	int64_t ival;       /* sort_index; KV counters: the free_blocks value */
	uint8_t kind;       /* enum ap_svc_ev_kind */
	uint8_t val_fmt;    /* enum ap_svc_ev_val (counters) */
	char ph;
};

struct ap_svc_trace {
	const struct ap_svc *svc;     /* borrowed: must outlive the list */
	struct ap_svc_trace_ev *ev;   /* in output order; owned */
	size_t n_ev;
	/* slices' "batch_size": 1 = the column exists (rows with batch_size -1 have none),
	 * 0 = no process had a rid, so every slice gets the default integer 0 */
	uint8_t bs_column;
	uint8_t output_sync;          /* the §3.7 outputSync QUIRK was in effect */
	struct ap_strtab strs;        /* lanes, counter and flow names */
	struct ap_arena arena;
};

/* Builds the ordered event list of s (§3.7: slices, NPU, KV and queue counters, flows, the
 * stable lane-rank sort, thread_sort_index, then the process metadata). s must be analysed
 * (rows merged and sorted, derived fields and labels filled) and outlive t. Not produced:
 * PullKVCache slices, msprof/MSPTI/torch events. t is initialised here; release it with
 * ap_svc_trace_release even on failure. Returns 0 or AP_ENOMEM with err set. */
int ap_svc_trace_build(const struct ap_svc *s, struct ap_svc_trace *t, struct ap_err *err);

/* Frees what the list owns; accepts NULL and a zeroed struct. */
void ap_svc_trace_release(struct ap_svc_trace *t);

/* Appends e's "args" object as json.dumps(args, ensure_ascii=ascii) writes it (", "/": "
 * separators; floats in repr, NaN as NaN). The DB trace tables use ascii = 1. Flow events
 * have no args: nothing is appended. */
void ap_svc_trace_args_json(struct ap_strbuf *sb, const struct ap_svc_trace *t,
			    const struct ap_svc_trace_ev *e, int ascii);

/* Appends the whole event as json.dumps(event, ensure_ascii=ascii) writes it. */
void ap_svc_trace_ev_json(struct ap_strbuf *sb, const struct ap_svc_trace *t,
			  const struct ap_svc_trace_ev *e, int ascii);

/* Writes dir/chrome_tracing.json: the events as one bare JSON array on one line
 * (ensure_ascii=False), through a temporary name renamed into place. Returns 0 or
 * AP_EIO/AP_ENOMEM with err set (the temporary file removed). */
int ap_svc_write_trace(const struct ap_svc_trace *t, const char *dir, struct ap_err *err);

#endif
