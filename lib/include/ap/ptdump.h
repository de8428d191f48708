/* torch_npu `*_ascend_pt` dump directories: discovery, profiler_info, CANN timing side files
 * and the time converter (spec torch_npu_ascend_pt.md §1.1, §2, §4). */
#ifndef AP_PTDUMP_H
#define AP_PTDUMP_H

#include <stdint.h>

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/strlist.h"
#include "ap/timeconv.h"

#define AP_PT_OUTPUT_DIR "ASCEND_PROFILER_OUTPUT"
#define AP_PT_MAX_DEVICES 64

struct ap_pt_config {
	int rank_id;             /* -1 when unknown */
	char level[16];          /* "Level0" (default), "Level1", "Level2", "Level_none" */
	int cpu, npu;            /* activities, after the sanity checks of §2.1 */
	int record_shapes, profile_memory, with_stack, with_modules;
	int export_text, export_db;
	int syscnt_enable;
	double freq;             /* MHz */
	int64_t start_cnt, start_monotonic;
	int has_start_ref;       /* start_info holds both start_cnt and start_monotonic */
	int has_end_info;        /* end_info holds both times */
	int64_t time_end, mono_end;
	char torch_npu_version[64];
};

struct ap_pt_dump {
	char *dir;          /* as found (owned) */
	char *real;         /* canonical path, NULL if it could not be resolved (owned) */
	const char *name;   /* last component of the canonical path */
	char *info_file;    /* "profiler_info[_N].json" inside dir, or NULL (owned) */
	int has_metadata;   /* profiler_metadata.json exists */
	char *fwk_dir;      /* dir/FRAMEWORK or NULL (owned) */
	char *prof_dir;     /* first PROF_* dir (sorted) or NULL (owned) */
	int device_ids[AP_PT_MAX_DEVICES];
	int n_devices;
	struct ap_pt_config cfg;
	struct ap_timeconv tc;
};

/* How sure it is that dir is a torch_npu dump (§1.1), 0..100: 100 for FRAMEWORK/ or a
 * PROF_<digits>_<digits>_<alnum> dir beside a profiler_info file, 60 without that file, 30
 * for a dump an old analyser emptied (profiler_info and another tool's output only), 0
 * otherwise. *rank is the rank of its profiler_info_<rank>.json name, or -1. */
int ap_pt_probe(const char *dir, int *rank);
/* 1 when name is a side file that analyse -o copies beside a dump's output
 * (profiler_info.json, profiler_info_<rank>.json, profiler_metadata.json), else 0. */
int ap_pt_is_side_file(const char *name);
/* Adds the dumps under path (probe > 0): path itself when it is a dump, else each immediate
 * subdirectory that is one (sorted by name). Output directories are never taken.
 * Returns 0 (possibly adding nothing), or AP_ENOTFOUND / AP_EIO with err set. */
int ap_pt_discover(const char *path, struct ap_strlist *out, struct ap_err *err);
/* Reads the dump's layout, profiler_info and timing files and builds the time converter.
 * Returns 0, or a negative status with err set when the dump cannot be analysed (no
 * profiler_info, malformed JSON, no time reference, nothing to analyse). Warnings go to
 * diag. The caller releases d with ap_pt_release in every case. */
int ap_pt_open(struct ap_pt_dump *d, const char *dir, struct ap_diag *diag, struct ap_err *err);
void ap_pt_release(struct ap_pt_dump *d);

#endif
