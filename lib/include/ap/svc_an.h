/* Analysis of a service dump (specs/ms_service_profiler.md §2.4-§2.6): the per-process
 * pipeline, the merge of all processes and the request/batch tables derived from it. No I/O. */
#ifndef AP_SVC_AN_H
#define AP_SVC_AN_H

#include <stddef.h>
#include <stdint.h>

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/svc.h"
#include "ap/svc_derived.h"

/* Initialises an empty dump. */
void ap_svc_init(struct ap_svc *s);
/* Releases the merged rows, labels, the dump's arena and every file (their arenas included).
 * Accepts NULL; s is left initialised. */
void ap_svc_release(struct ap_svc *s);

/* Runs §2.4 (steps 2-5, 7-9; step 1 is gen A only, step 6 PluginMetric is not done) on each
 * file, then §2.5: rows concatenated in file order (non-forward processes lose their Link
 * rows), times of §1.5, a stable sort by start_us, the vLLM hash-suffix rid mapping and the pid
 * labels. Takes ownership of files (a malloc'ed array of n_files; each file's rows a malloc'ed
 * array, moved into s->rows and freed) even on failure. Returns 0, AP_ENOMEM, or AP_ENOTFOUND
 * when no row is left ("Profiling data is invalid"). */
int ap_svc_build(struct ap_svc *s, struct ap_svc_file *files, size_t n_files,
		 struct ap_diag *diag, struct ap_err *err);

/* Derives the §2.6 tables from a built dump; d borrows from s (keep s alive). d is
 * initialised here. Returns 0 or AP_ENOMEM (d released). */
int ap_svc_derive(const struct ap_svc *s, struct ap_svc_derived *d, struct ap_err *err);
/* Releases d (accepts NULL). */
void ap_svc_derived_release(struct ap_svc_derived *d);

/* Python str(int(v)) where int() succeeds ("007" -> "7", 5 -> "5", 1.5 -> "1", True -> "1"),
 * else v unchanged: the rid normalisation of §2.4 steps 2-3. Strings are made in a. Returns 0
 * or AP_ENOMEM. */
int ap_svc_rid_norm(struct ap_arena *a, const struct ap_sv *v, struct ap_sv *out);

#endif
