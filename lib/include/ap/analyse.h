/* One call that analyses one torch_npu dump end to end: open, decode, analyse, write its
 * output directory (CONVENTIONS §6: tools compose; this is the composition for analyse). */
#ifndef AP_ANALYSE_H
#define AP_ANALYSE_H

#include "ap/cann_exported.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/strlist.h"

/* A service dump's outputs go to <dump>/output/ (CONVENTIONS §8); --format selects them. */
#define AP_SVC_OUTPUT_DIR "output"
enum ap_svc_format {
	AP_SVC_FORMAT_CSV = 1,
	AP_SVC_FORMAT_JSON = 2,
	AP_SVC_FORMAT_DB = 4,
	AP_SVC_FORMAT_ALL = 7,
};

struct ap_analyse_opts {
	const char *out_root; /* -o DIR, or NULL to write inside the dump */
	int force;            /* replace an output directory another tool wrote */
	int threads;          /* threads one dump may use for its independent parts (FRAMEWORK,
			       * CANN host, each device; trace_view.json beside the other
			       * outputs); 0 or 1: one, or, called inside a team of threads
			       * (dumps side by side), the parts are tasks of that team */
	unsigned svc_formats; /* enum ap_svc_format bits for service dumps; 0: all */
};

struct ap_analyse_result {
	struct ap_diag diag;  /* trouble found in the data, by kind */
	struct ap_err err;    /* set (code < 0) when the dump could not be analysed */
	char *out_dir;        /* the output directory written, or NULL (owned) */
	int rank_id;          /* -1 when unknown */
	int cann_skipped;     /* the dump holds PROF_* data this version does not analyse */
	int db_skipped;       /* export type "db" asked for database outputs, not written yet */
	int gen;              /* FRAMEWORK writer generation found (enum ap_fwk_gen) */
	size_t n_ops, n_marks, n_mems, n_pyrecs, n_gcs; /* records decoded */
	int bare_prof;        /* the input was a bare PROF_* dir (msprof --application) */
	int cann_exported;    /* CANN outputs came from msprof's mindstudio_profiler_output/ */
	int cann_raw;         /* CANN outputs decoded from the raw PROF_* slices */
	int service;          /* the input was a service-profiler dump (ms_service_*.db) */
	size_t svc_files, svc_rows; /* its databases found, and the records analysed */
	struct {
		size_t host_files, apis, tracks;  /* host slices read, API intervals, task tracks */
		size_t devices, logs, dev_tasks;  /* device dirs placed, task logs, paired tasks */
		size_t host_tasks;                /* tasks the host side launched */
	} cann_raw_counts;
	/* per enum ap_cann_csv: exported files read, and their data rows */
	size_t cann_files[AP_CANN_CSV_KINDS], cann_rows[AP_CANN_CSV_KINDS];
	size_t cann_tl_files, cann_tl_events; /* exported msprof_*.json read, and their events */
};

void ap_analyse_result_init(struct ap_analyse_result *r);
void ap_analyse_result_release(struct ap_analyse_result *r);
/* Analyses the dump at dir: a torch_npu `*_ascend_pt` dump, or a bare PROF_* dir (then its
 * CANN-side outputs, as at Level1, and the timeline outputs without steps, into <dir>/ASCEND_PROFILER_OUTPUT/ or
 * DIR/<PROF name>/ASCEND_PROFILER_OUTPUT/), or else a service-profiler dump: every
 * ms_service_*.db below dir, into <dir>/output/ or DIR/<name>/output/. Never prints. Returns 0 when outputs were written
 * (r->diag may still hold data loss), or a negative status with r->err set and nothing written. */
int ap_analyse_pt(const char *dir, const struct ap_analyse_opts *o, struct ap_analyse_result *r);
/* Adds the inputs under path: path itself when it is a torch_npu dump (ap_pt_probe) or a bare
 * PROF_* dir (ap_cann_probe_prof) that is not part of a torch_npu dump, else path itself when
 * an ms_service_*.db lies below it (a service dump) and then each immediate subdirectory that
 * is a torch_npu dump or bare PROF_* dir (sorted by name; output directories never taken). Returns 0
 * (possibly adding nothing), or AP_ENOTFOUND / AP_EINVAL / AP_EIO / AP_ENOMEM with err set;
 * AP_EINVAL also when path is a PROF_* dir inside a torch_npu dump (analyse the dump). */
int ap_analyse_discover(const char *path, struct ap_strlist *out, struct ap_err *err);

#endif
