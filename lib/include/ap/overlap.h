/* msprof's "Overlap Analysis" of one PROF_* dir, per device (spec torch_npu_ascend_pt.md §6.4;
 * upstream msprof analysis/viewer/pipeline_overlap_viewer.py and
 * domain/data_process/ai_task/overlap_analysis_processor.cpp), and the step_trace_time.csv rows
 * torch_npu derives from it (§8.4). Model layer: the tables with their lifecycle; the passes
 * that fill them are in ap/overlap_an.h, the writers read them.
 *
 * For the trace_view.json "Overlap Analysis" process of a device (layer sortIndex 31, label
 * "NPU <device_id>"): lane k (enum ap_overlap_kind) is thread tid = k, named
 * ap_overlap_kind_name(k), thread_sort_index k; every interval of lane k is one X event of
 * that name on that thread, ts = start as µs with 3 decimals (ap_fmt_ns_us3), dur = (end -
 * start) / 1000 as a Python float (ap_fmt_ns_us_float). msprof writes the process_name
 * "Overlap Analysis" and the four thread_name events; the intervals are in time order. */
#ifndef AP_OVERLAP_H
#define AP_OVERLAP_H

#include <stddef.h>
#include <stdint.h>

#include "ap/vec.h"

/* The four lanes, numbered as their tids. */
enum ap_overlap_kind {
	AP_OVERLAP_COMPUTING = 0,     /* union of the compute tasks' executions */
	AP_OVERLAP_COMMUNICATION = 1, /* union of the HCCL communication ops */
	AP_OVERLAP_NOT_OVERLAPPED = 2, /* communication minus computing */
	AP_OVERLAP_FREE = 3,          /* neither, between the device's first and last task */
	AP_OVERLAP_KINDS = 4
};

/* A half-open interval [start, end) of local ns; start < end. */
struct ap_interval {
	int64_t start, end;
};

/* A grow-array of intervals (the ap_vec_* macros apply). */
struct ap_interval_vec {
	struct ap_interval *v;
	size_t n, cap;
};


/* One device's lanes: each sorted by start, disjoint (touching intervals are merged), none
 * empty. receive: the HCCL ops whose name starts with "hcom_receive" (the Communication lane's
 * op events step_trace_time counts as Bubble), by start, not merged. */
struct ap_overlap_dev {
	uint32_t device_id;
	struct ap_interval_vec lane[AP_OVERLAP_KINDS];
	struct ap_interval_vec receive;
};

/* The devices that have an Overlap Analysis process (some compute or communication), by
 * device id. */
struct ap_overlap {
	struct ap_overlap_dev *dev;
	size_t n;
};

/* "Computing", "Communication", "Communication(Not Overlapped)", "Free": the event and
 * thread name of lane k; NULL for an out-of-range k. */
const char *ap_overlap_kind_name(enum ap_overlap_kind k);

/* Empty. */
void ap_overlap_init(struct ap_overlap *o);
/* Frees every device's lanes and re-initialises; accepts NULL. */
void ap_overlap_release(struct ap_overlap *o);

/* step_trace_time.csv (§8.4) -------------------------------------------------------------- */

/* The value columns after Step, in file order. */
enum ap_step_col {
	AP_STEP_COMPUTING,
	AP_STEP_NOT_OVERLAPPED,
	AP_STEP_OVERLAPPED,
	AP_STEP_COMMUNICATION,
	AP_STEP_FREE,
	AP_STEP_STAGE,
	AP_STEP_BUBBLE,
	AP_STEP_EXCLUDE_RECEIVE,
	AP_STEP_PREPARING,
	AP_STEP_COLS
};

/* One row: values in µs. Upstream's accumulators start as the Python int 0 and become floats
 * when a float is added: bit c of isfloat set = value[c] is a float (printed by repr), clear =
 * the int 0 (printed "0"). */
struct ap_step_row {
	uint32_t device_id;
	const char *step;   /* the step id (borrowed from the caller's step table), NULL: no step
			     * ranges (an empty field) */
	double value[AP_STEP_COLS];
	uint16_t isfloat;
};

/* The rows in file order. */
struct ap_step_time {
	AP_VEC(struct ap_step_row) rows;
};

void ap_step_time_init(struct ap_step_time *t);
/* Frees the rows and re-initialises; accepts NULL. */
void ap_step_time_release(struct ap_step_time *t);

#endif
