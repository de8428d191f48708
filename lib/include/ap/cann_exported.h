/* PROF_* directories (spec cann_prof_raw.md; torch_npu_ascend_pt.md §1.1, §6): recognising a
 * bare PROF dir, and the CSVs msprof already exported into its mindstudio_profiler_output/
 * (§6.2 names, §6.5 headers), loaded as tables of strings. */
#ifndef AP_CANN_EXPORTED_H
#define AP_CANN_EXPORTED_H

#include <stddef.h>

#include "ap/commview.h"
#include "ap/csv_in.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/overlap.h"
#include "ap/strlist.h"

struct ap_cann_view;
struct ap_cann_tl;

#define AP_CANN_EXPORT_DIR "mindstudio_profiler_output"

/* The exported msprof CSVs ascprof reads, in this order everywhere. */
enum ap_cann_csv {
	AP_CANN_OP_SUMMARY,
	AP_CANN_OP_STATISTIC,
	AP_CANN_API_STATISTIC,
	AP_CANN_TASK_TIME,
	AP_CANN_CSV_KINDS
};

/* "op_summary", "op_statistic", "api_statistic", "task_time": the msprof name stem. */
const char *ap_cann_csv_name(enum ap_cann_csv kind);

/* 1 when name is a PROF dir name, ^PROF_\d+_\d+_[0-9a-zA-Z] (torch_npu §1.1), else 0. */
int ap_cann_is_prof_name(const char *name);
/* How sure it is that dir is a bare PROF_* directory (an msprof --application capture), 0..100:
 * 100 when its last path component is a PROF dir name and it holds host/, a device_<N>/ or
 * mindstudio_profiler_output/; 0 otherwise. Whether it lies inside a torch_npu dump is the
 * caller's question (such a PROF dir is part of that dump). */
int ap_cann_probe_prof(const char *dir);
/* 1 when prof holds raw msprof slices (host/data/ or device_<N>/data/ files whose name holds
 * "slice"), else 0. */
int ap_cann_has_raw(const char *prof);
/* 1 when prof holds the directory mindstudio_profiler_output/, else 0. */
int ap_cann_has_exported(const char *prof);

/* The exported CSVs of one PROF dir. */
struct ap_cann_exported {
	struct ap_csv_table t[AP_CANN_CSV_KINDS]; /* each kind's files concatenated (§8.5) */
	struct ap_strlist files[AP_CANN_CSV_KINDS]; /* their names, in reading order */
	struct ap_cann_view *view; /* the raw path's join (timeline), owned; NULL otherwise */
	struct ap_overlap overlap; /* Overlap Analysis per device (raw data only; empty otherwise) */
	struct ap_comm *comm; /* raw path: the HCCL ops' communication analysis; exported path:
			       * msprof's analyze/ files (ap/cann_timeline.h); or NULL (owned) */
	struct ap_cann_tl *tl; /* exported path: the msprof_*.json timeline (ap/cann_timeline.h),
				* owned; NULL on the raw path or without mindstudio_profiler_output/ */
};

void ap_cann_exported_init(struct ap_cann_exported *x);
/* Frees everything; accepts NULL. */
void ap_cann_exported_release(struct ap_cann_exported *x);
/* The files of mindstudio_profiler_output/ whose names match kind (§6.2: {name}_<digits>...csv
 * and {name}_slice_<digits>...csv; task_time_slice...csv), in reading order: unsliced files
 * by name, then slices by slice index (then name). Upstream keeps them in a Python set, in no
 * fixed order (§12 item 2): the order here is the documented deviation. names is the sorted
 * listing of the directory; the matches are added to out. Returns 0 or AP_ENOMEM. */
int ap_cann_exported_select(const struct ap_strlist *names, enum ap_cann_csv kind,
			    struct ap_strlist *out);
/* Lists prof/mindstudio_profiler_output/ and reads the files of every kind into x (x freshly
 * initialised). Messages name files relative to prof's parent ("PROF_.../mindstudio_profiler_output/
 * op_summary_....csv"). Malformed rows and unreadable files are data loss in diag (the other
 * files are still read). Returns 0, or AP_ENOMEM / AP_EIO (the directory cannot be listed)
 * with err set. */
int ap_cann_exported_load(struct ap_cann_exported *x, const char *prof, struct ap_diag *diag,
			  struct ap_err *err);

#endif
