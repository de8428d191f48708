/* Shared between the files of lib/pipeline/, not public. */
#ifndef AP_PIPELINE_LOCAL_H
#define AP_PIPELINE_LOCAL_H

#include <stddef.h>

#include "ap/analyse.h"
#include "ap/cann_exported.h"
#include "ap/cann_write.h"
#include "ap/npukernel.h"
#include "ap/out.h"
#include "ap/outdir.h"
#include "ap/ptdump.h"
#include "ap/strbuf.h"

/* Writes the empty dir/analyse.done (§8.8). Returns 0 or AP_EIO. */
int ap_pipeline__write_done(const char *dir, struct ap_err *err);
/* Starts the output of the input in_dir named name: in place, <in_dir>/<sub>/ (sub:
 * ASCEND_PROFILER_OUTPUT, or output for a service dump); with -o, the whole DIR/<name>/ (<sub>/
 * and, when d is not NULL, the dump's side files), so that it appears complete or not at all
 * (CONVENTIONS §8). *write_dir is where the outputs go. Returns 0 or a negative status with err
 * set (od then to be aborted). */
int ap_pipeline__begin_output(const char *in_dir, const char *name, const char *sub,
			      const struct ap_pt_dump *d, const struct ap_analyse_opts *o,
			      struct ap_outdir *od, struct ap_strbuf *write_dir, struct ap_err *err);

/* Runs fn(arg) in a team of its own when threads > 1, else on the calling thread, where the
 * tasks fn creates go to the enclosing team, if any: the driver's when dumps are analysed side
 * by side, whose threads take them up once done with their own dumps. Returns when fn and
 * every task it created are done. */
void ap_pipeline__in_team(void (*fn)(void *), void *arg, int threads);

/* Writes one group of outputs from arg; returns 0 or a negative status with err set. */
typedef int (*ap_pipeline__write_fn)(void *arg, struct ap_err *err);
/* first(arg) then second(arg), each writing files of its own and, in arg, only what the other
 * does not read. With threads > 1, or inside a team (dumps side by side), first is a task
 * beside second and both run to the end whatever the other's outcome; otherwise (one thread
 * outside any team, or no OpenMP) first runs first and its failure skips second. The failure
 * reported is first's when both fail. first may be NULL (second alone). Returns 0 or the
 * failure's status with err set. */
int ap_pipeline__write_pair(ap_pipeline__write_fn first, ap_pipeline__write_fn second,
			    void *arg, int threads, struct ap_err *err);

/* An ap_pieces_run_fn: in a team of several threads (a dump's own, or the driver's when dumps
 * are side by side), the calling task and tasks deferred to the team format the pieces, at
 * most two buffers of them per worker held at a time, and they are written in order; the bytes
 * are those of ap_pieces_serial, which it runs outside a team. Returns 0 or AP_ENOMEM. */
int ap_pipeline__pieces(struct ap_out *o, const struct ap_pieces *p, int *first);

/* 1 when an ms_service_*.db lies below dir (a service dump, when dir is no other kind). */
int ap_pipeline__is_svc(const char *dir);
/* The service dump at dir (svc_analyse.c): outputs into <dir>/output/ (ap_analyse_pt). */
int ap_pipeline__analyse_svc(const char *dir, const struct ap_analyse_opts *o,
			     struct ap_analyse_result *r);
/* 1 when dir is a torch_npu dump (ap_pt_probe, with prof_analyse.c's rule for PROF_*-only
 * directories). */
int ap_pipeline__is_pt(const char *dir);

/* 1 when dir is a bare PROF_* dir (ap_cann_probe_prof) that is no torch_npu dump itself. */
int ap_pipeline__is_bare_prof(const char *dir);
/* The bare PROF_* dir path analysed like Level1: CANN-side outputs only (ap_analyse_pt). */
int ap_pipeline__analyse_prof(const char *dir, const struct ap_analyse_opts *o,
			      struct ap_analyse_result *r);
/* The CANN data of PROF dir prof as msprof's tables in x: decoded from its raw slices when it
 * has them (r->cann_raw = 1; the kernels linked to host launches appended to links), else
 * the exported CSVs when mindstudio_profiler_output/ exists (r->cann_exported = 1, counts in
 * r->cann_files/_rows), else nothing (r->cann_skipped = 1). Trouble with the files is data
 * loss or a warning in r->diag. Returns 0, or AP_ENOMEM with r->err set. */
int ap_pipeline__cann_load(const char *prof, struct ap_cann_exported *x,
			   struct ap_npu_links *links, struct ap_analyse_result *r);
/* The raw path of ap_pipeline__cann_load (cann_raw.c). */
int ap_pipeline__cann_raw(const char *prof, struct ap_cann_exported *x, struct ap_npu_links *links,
			  struct ap_analyse_result *r);
/* Writes the CANN text outputs of x into dir for the level (§10): kernel_details.csv
 * (Level0-2), task_time.csv (Level0-2), op_statistic.csv and api_statistic.csv (Level1-2).
 * steps (nsteps of them, may be 0) give kernel_details its Step Id column. Returns 0, or
 * AP_EIO / AP_ENOMEM with err set. */
int ap_pipeline__write_cann(const char *dir, const struct ap_cann_exported *x,
			    enum ap_prof_level level, const struct ap_step_range *steps,
			    size_t nsteps, struct ap_err *err);

#endif
