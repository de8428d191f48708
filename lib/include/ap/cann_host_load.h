/* Loading the raw host data of a PROF_* directory into the host model (spec cann_prof_raw.md
 * §1.4-§2). */
#ifndef AP_CANN_HOST_LOAD_H
#define AP_CANN_HOST_LOAD_H

#include "ap/cann_host.h"
#include "ap/diag.h"
#include "ap/err.h"

/* Decodes every slice of host_dir/data/ (host_dir = "PROF_x/host") into h, initialised by the
 * caller (ap_cann_host_init): dictionaries, api_event, compact and additional slices, unaging
 * before aging, each by slice number (§1.4). Trouble inside files (cut-off tail, bad magic,
 * corrupt payloads, unknown record types, invalid UTF-8 or duplicates in dictionaries,
 * unreadable files) is counted in diag with the file name ("host/data/<file>") and byte
 * offset, and everything that decodes is kept; a data/ that exists but cannot be listed is
 * data loss too. A missing data/ directory or one without host slices loads nothing and
 * returns 0 (the caller decides whether that is data loss). Messages name files
 * "<PROF dir>/<host dir>/data/<file>" from the last two components of host_dir. host_dir is
 * borrowed for the call. Returns 0, or AP_ENOMEM (h then holds what was loaded; release it)
 * or AP_EINVAL (host_dir too long) with err set. */
int ap_cann_host_load(const char *host_dir, struct ap_cann_host *h, struct ap_diag *diag,
		      struct ap_err *err);

#endif
