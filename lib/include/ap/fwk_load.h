/* Loading a FRAMEWORK directory into the host model (spec torch_npu_ascend_pt.md §3). */
#ifndef AP_FWK_LOAD_H
#define AP_FWK_LOAD_H

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
 * part 0 .. AP_FWK_PARTS-1, each exactly once, in any order or at the same time (a part
 * touches nothing another part does); ap_fwk_plan_close combines the parts into h and diag
 * exactly as ap_fwk_load would have left them, frees the plan and returns its status. */
#define AP_FWK_PARTS 3
struct ap_fwk_plan;
int ap_fwk_plan_open(const char *fwk_dir, const struct ap_timeconv *tc, struct ap_host *h,
		     struct ap_diag *diag, struct ap_fwk_plan **plan, struct ap_err *err);
void ap_fwk_plan_load(struct ap_fwk_plan *plan, int part);
int ap_fwk_plan_close(struct ap_fwk_plan *plan, struct ap_err *err);

#endif
