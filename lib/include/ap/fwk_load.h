/* Loading a FRAMEWORK directory into the host model (spec torch_npu_ascend_pt.md §3). */
#ifndef AP_FWK_LOAD_H
#define AP_FWK_LOAD_H

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/host.h"
#include "ap/timeconv.h"

/* Decodes every FRAMEWORK file of fwk_dir into h (initialised by the caller), converting
 * times with tc. Trouble inside files (cut-off or corrupt records, unknown fields, invalid
 * UTF-8, unsupported layouts) is counted in diag with the file name (relative to the dump,
 * "FRAMEWORK/<file>") and byte offset, and everything that decodes is kept. Returns 0, or a
 * negative status (out of memory, unreadable directory) with err set. */
int ap_fwk_load(const char *fwk_dir, const struct ap_timeconv *tc, struct ap_host *h,
		struct ap_diag *diag, struct ap_err *err);

#endif
