/* Loading a FRAMEWORK directory into the host model (spec torch_npu_ascend_pt.md §3). */
#ifndef AP_FWK_LOAD_H
#define AP_FWK_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/host.h"
#include "ap/timeconv.h"

/* Decodes every FRAMEWORK file of fwk_dir into h (fresh from ap_host_init), converting
 * times with tc. Trouble inside files (cut-off or corrupt records, unknown fields, invalid
 * UTF-8, unsupported layouts) is counted in diag with the file name (relative to the dump,
 * "FRAMEWORK/<file>") and byte offset, and everything that decodes is kept. Returns 0, or a
 * negative status (out of memory, unreadable directory) with err set. */
int ap_fwk_load(const char *fwk_dir, const struct ap_timeconv *tc, struct ap_host *h,
		struct ap_diag *diag, struct ap_err *err);

/* The same in steps, for decoding the files in parallel: ap_fwk_plan_open lists and checks
 * the files (reporting into diag, setting h->gen and the file flags); ap_fwk_plan_load decodes
 * each step exactly once, in any order or at the same time; ap_fwk_plan_close combines the
 * steps into h and diag exactly as ap_fwk_load would have left them, renumbers the string ids
 * given to ap_fwk_plan_rename, frees the plan and returns its status. */
enum ap_fwk_step {
	AP_FWK_STEP_OPS,    /* torch.op_range */
	AP_FWK_STEP_MARKS,  /* torch.op_mark */
	AP_FWK_STEP_MEMORY, /* torch.memory_usage */
	AP_FWK_STEP_PYTHON, /* the Python tracer, param and GC files */
	AP_FWK_STEPS
};
struct ap_fwk_plan;
int ap_fwk_plan_open(const char *fwk_dir, const struct ap_timeconv *tc, struct ap_host *h,
		     struct ap_diag *diag, struct ap_fwk_plan **plan, struct ap_err *err);
void ap_fwk_plan_load(struct ap_fwk_plan *plan, enum ap_fwk_step step);
/* After AP_FWK_STEP_MARKS: the task-queue markers as decoded, to be paired while the other
 * steps run. *marks is a host holding only gen, marks and their threads, valid until close;
 * the string ids of the markers are the step's own, and what is built from them is renumbered
 * by naming it to ap_fwk_plan_rename. Returns 0; 1 when the step failed (close reports it),
 * *marks NULL; or 2 when the markers went to a sink that took them all, *marks NULL. */
int ap_fwk_plan_marks(struct ap_fwk_plan *plan, const struct ap_host **marks);
/* Where the task-queue markers go instead of h->marks, each as decoded: begin is called before
 * the first (at most max will come), then add with each in file order and its thread id. Both
 * return 0, or AP_ENOMEM (the step fails); add returns 1 when it can take no more (ap_queue_feed
 * out of order): the file is then decoded again into the markers of ap_fwk_plan_marks, its
 * reports made once. h->n_marks counts the markers either way. */
struct ap_fwk_mark_sink {
	int (*begin)(void *ctx, size_t max);
	int (*add)(void *ctx, uint64_t tid, const struct ap_mark *m);
	void *ctx;
};
/* Sends the markers to sink (borrowed until close); called before AP_FWK_STEP_MARKS. */
void ap_fwk_plan_mark_sink(struct ap_fwk_plan *plan, const struct ap_fwk_mark_sink *sink);
/* Has close renumber n string ids taken from the markers of ap_fwk_plan_marks: the uint32_t
 * at first, then one every stride bytes. At most AP_FWK_RENAMES calls per plan; returns 0, or
 * AP_EINVAL past them. */
#define AP_FWK_RENAMES 2
int ap_fwk_plan_rename(struct ap_fwk_plan *plan, uint32_t *first, size_t n, size_t stride);
int ap_fwk_plan_close(struct ap_fwk_plan *plan, struct ap_err *err);

#endif
