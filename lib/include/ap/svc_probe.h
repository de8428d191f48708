/* Finding the databases of a service-profiler dump (specs/ms_service_profiler.md §1.1): every
 * file below the input directory whose name matches the parser's ms_service_*.db rule. */
#ifndef AP_SVC_PROBE_H
#define AP_SVC_PROBE_H

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/strlist.h"

/* 1 when name is one the parser takes: it ends in ".db" and Python's
 * re.match(r'^ms_service_[\w.-]+.db', name) holds; else 0. */
int ap_svc_name_matches(const char *name);
/* Adds to out the path of every such file below dir (dir/... joined as given), sorted by path;
 * dot entries and symbolic links to directories are not entered. A subdirectory that cannot
 * be read is data loss reported in diag (when not NULL), naming it; the walk goes on. Returns
 * 0, or AP_ENOTFOUND / AP_EIO when dir itself cannot be read, or AP_ENOMEM, with err set. */
int ap_svc_find(const char *dir, struct ap_strlist *out, struct ap_diag *diag,
		struct ap_err *err);
/* 1 when dir holds at least one such file below it (unreadable parts ignored), else 0. */
int ap_svc_probe(const char *dir);

#endif
