/* Input discovery over every format's probe, the CANN data of a PROF_* dir as msprof exported
 * it, and the bare PROF_* dir as an input of its own (spec torch_npu_ascend_pt.md §1.1, §6,
 * §8.2, §8.5, §10; CONVENTIONS §6, §8). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/cann_timeline.h"
#include "ap/comm.h"
#include "ap/comm_write.h"
#include "ap/file.h"
#include "ap/log.h"
#include "ap/overlap_an.h"
#include "ap/step_trace.h"
#include "ap/views.h"
#include "pipeline_local.h"
#include "../base/banned.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* A copy of path without trailing slashes (NULL when out of memory). */
static char *trimmed(const char *path)
{
	size_t n = strlen(path);
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, path, n + 1);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* A torch_npu dump (ap_pt_probe). A directory whose only data are PROF_* dirs, with neither
 * FRAMEWORK/ nor a profiler_info file nor the *_ascend_pt name, is where msprof --application
 * put its captures (--output): a directory of bare PROF dirs, not a dump. */
static int is_pt_dump(const char *dir)
{
	char *fwk, *t;
	int rank, conf = ap_pt_probe(dir, &rank), r;

	if (conf != 60)
		return conf > 0;
	fwk = ap_path_join(dir, "FRAMEWORK");
	t = trimmed(dir);
	r = (fwk && ap_path_exists(fwk)) || (t && ends_with(t, "_ascend_pt"));
	free(fwk);
	free(t);
	return r;
}

/* The directory holding dir (newly allocated), or NULL. */
static char *parent_of(const char *dir)
{
	char *real = ap_path_real(dir), *slash;

	if (!real)
		return NULL;
	slash = strrchr(real, '/');
	if (!slash || slash == real) {
		free(real);
		return NULL;
	}
	*slash = '\0';
	return real;
}

/* 1 when the PROF dir prof lies directly in a torch_npu dump (it is part of that dump). */
static int in_dump(const char *prof, char **dump)
{
	char *parent = parent_of(prof);

	*dump = NULL;
	if (parent && is_pt_dump(parent)) {
		*dump = parent;
		return 1;
	}
	free(parent);
	return 0;
}

int ap_pipeline__is_pt(const char *dir)
{
	return is_pt_dump(dir);
}

int ap_pipeline__is_bare_prof(const char *dir)
{
	return ap_cann_probe_prof(dir) > 0 && !is_pt_dump(dir);
}

static int is_output_name(const char *name)
{
	return !strcmp(name, AP_PT_OUTPUT_DIR) || !strncmp(name, AP_OUTDIR_TMP_PREFIX,
							   strlen(AP_OUTDIR_TMP_PREFIX));
}

static int add(struct ap_strlist *out, const char *p, struct ap_err *err)
{
	return ap_strlist_add(out, p) < 0 ? ap_err_set(err, AP_ENOMEM, "out of memory") : 0;
}

int ap_analyse_discover(const char *path, struct ap_strlist *out, struct ap_err *err)
{
	struct ap_strlist l = { 0 };
	char *dump;
	int ret = 0;
	size_t i;

	if (ap_path_is_dir(path) != 1)
		return ap_err_set(err, ap_path_exists(path) ? AP_EINVAL : AP_ENOTFOUND,
				  "'%s': %s", path,
				  ap_path_exists(path) ? "not a directory" : "no such directory");
	if (is_pt_dump(path))
		return add(out, path, err);
	if (ap_cann_probe_prof(path) > 0) {
		if (in_dump(path, &dump)) {
			ret = ap_err_set(err, AP_EINVAL,
					 "'%s': a PROF_* directory inside the torch_npu dump '%s' is part of that dump; analyse the dump",
					 path, dump);
			free(dump);
			return ret;
		}
		return add(out, path, err);
	}
	/* a service dump: every ms_service_*.db below path (its torch_npu dumps come next) */
	if (ap_pipeline__is_svc(path))
		AP_FORWARD_IF_ERROR(add(out, path, err));
	AP_FORWARD_IF_ERROR(ap_dir_list(path, &l, err));
	for (i = 0; i < l.n && ret == 0; i++) {
		char *p;

		if (is_output_name(l.v[i]))
			continue;
		p = ap_path_join(path, l.v[i]);
		if (!p)
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
		else if (ap_path_is_dir(p) == 1 &&
			 (is_pt_dump(p) || ap_cann_probe_prof(p) > 0 ||
			  /* unreadable, so it cannot be probed: analysing it reports why */
			  (ends_with(l.v[i], "_ascend_pt") && access(p, R_OK | X_OK) != 0)))
			ret = add(out, p, err);
		free(p);
	}
	ap_strlist_release(&l);
	return ret;
}

int ap_pipeline__cann_load(const char *prof, struct ap_cann_exported *x,
			   struct ap_npu_links *links, struct ap_analyse_result *r)
{
	struct ap_err e = AP_ERR_INIT;
	int k, ret;

	/* Raw slices are the data itself: an export beside them may be stale or partial. */
	if (ap_cann_has_raw(prof))
		return ap_pipeline__cann_raw(prof, x, links, r);
	if (!ap_cann_has_exported(prof)) {
		r->cann_skipped = 1;
		return 0;
	}
	ret = ap_cann_exported_load(x, prof, &r->diag, &e);
	if (ret == AP_ENOMEM) {
		ap_err_set(&r->err, AP_ENOMEM, "%s", ap_err_text(&e));
		ap_err_release(&e);
		return ret;
	}
	/* an unreadable mindstudio_profiler_output/ is data loss: the rest is still written */
	if (ret < 0)
		ap_diag_report(&r->diag, AP_DIAG_DATA_LOSS, "cann-unreadable", "%s", ap_err_text(&e));
	ap_err_release(&e);
	/* the timeline and msprof's analyze/ files beside the CSVs (§6.3) */
	x->tl = malloc(sizeof(*x->tl));
	if (!x->tl)
		return ap_err_set(&r->err, AP_ENOMEM, "out of memory");
	ap_cann_tl_init(x->tl);
	ret = ap_cann_tl_load(x->tl, prof, links, &x->overlap, &r->diag, &r->err);
	if (ret == 0)
		ret = ap_cann_analyze_load(prof, &x->comm, &r->diag, &r->err);
	if (ret < 0)
		return ret;
	r->cann_exported = 1;
	r->cann_tl_files = x->tl->files.n;
	r->cann_tl_events = x->tl->ev.n;
	for (k = 0; k < AP_CANN_CSV_KINDS; k++) {
		r->cann_files[k] = x->files[k].n;
		r->cann_rows[k] = x->t[k].nrows;
	}
	return 0;
}

int ap_pipeline__write_cann(const char *dir, const struct ap_cann_exported *x,
			    enum ap_prof_level level, const struct ap_step_range *steps,
			    size_t nsteps, struct ap_err *err)
{
	/* §10: task_time at Level0-2; op_statistic and api_statistic at Level1-2 */
	int l12 = level == AP_PROF_LEVEL1 || level == AP_PROF_LEVEL2;

	if (level == AP_PROF_LEVEL_NONE)
		return 0;
	AP_FORWARD_IF_ERROR(ap_write_kernel_details(dir, &x->t[AP_CANN_OP_SUMMARY], level, steps,
						    nsteps, err));
	if (l12) {
		AP_FORWARD_IF_ERROR(ap_write_csv_table(dir, "op_statistic.csv",
						       &x->t[AP_CANN_OP_STATISTIC], err));
		AP_FORWARD_IF_ERROR(ap_write_csv_table(dir, "api_statistic.csv",
						       &x->t[AP_CANN_API_STATISTIC], err));
	}
	return ap_write_csv_table(dir, "task_time.csv", &x->t[AP_CANN_TASK_TIME], err);
}

/* The timeline outputs of a bare PROF dir, which no torch_npu analyses (docs/compatibility.md):
 * trace_view.json with the CANN lanes alone (msprof's exported events, or the raw join's),
 * step_trace_time.csv from the Overlap Analysis lanes with one row per device and no step,
 * and the communication files under the single key "step" (§8.7 without step ranges). */
static int write_bare_timeline(const char *dir, struct ap_cann_exported *x, struct ap_err *err)
{
	struct ap_host h;
	struct ap_fwk_view v;
	struct ap_step_time t;
	int ret;

	memset(&v, 0, sizeof(v));
	v.cann = x->view;
	v.overlap = x->view ? &x->overlap : NULL;
	v.tl = x->tl && !x->tl->failed && x->tl->ev.n ? x->tl : NULL;
	v.device_id = -1;
	if (v.cann || v.tl) {
		if (ap_host_init(&h) < 0)
			return ap_err_set(err, AP_ENOMEM, "out of memory");
		v.h = &h;
		ret = ap_write_trace_view(dir, &v, err);
		ap_host_release(&h);
		AP_FORWARD_IF_ERROR(ret);
	}
	ap_step_time_init(&t);
	ret = ap_step_time_build(&x->overlap, NULL, 0, AP_STEP_NO_OP, &t, err);
	if (ret == 0)
		ret = ap_write_step_trace(dir, &t, err);
	ap_step_time_release(&t);
	AP_FORWARD_IF_ERROR(ret);
	if (!x->comm)
		return 0;
	AP_FORWARD_IF_ERROR(ap_comm_by_step(x->comm, NULL, 0, err));
	return ap_write_communication(dir, x->comm, err);
}

/* "nothing to analyse" for a bare PROF dir without usable CANN data. */
static int nothing(const char *dir, struct ap_analyse_result *r)
{
	if (ap_cann_has_raw(dir))
		return ap_err_set(&r->err, AP_ENOTFOUND,
				  "nothing to analyse: its raw slices hold no task that could be placed on the clock");
	if (ap_cann_has_exported(dir))
		return ap_err_set(&r->err, AP_ENOTFOUND,
				  "nothing to analyse: %s/ holds no op_summary, op_statistic, api_statistic or task_time CSV",
				  AP_CANN_EXPORT_DIR);
	return ap_err_set(&r->err, AP_ENOTFOUND,
			  "nothing to analyse: no raw slices and no %s/ export", AP_CANN_EXPORT_DIR);
}

int ap_pipeline__analyse_prof(const char *dir, const struct ap_analyse_opts *o,
			      struct ap_analyse_result *r)
{
	struct ap_cann_exported x;
	struct ap_npu_links links;
	struct ap_outdir od = { NULL, NULL, -1 };
	struct ap_strbuf wdir = AP_STRBUF_INIT;
	char *path = trimmed(dir), *real = NULL, *dump = NULL;
	const char *name, *slash;
	size_t files = 0;
	int ret, k;

	ap_cann_exported_init(&x);
	memset(&links, 0, sizeof(links));
	r->bare_prof = 1;
	if (!path) {
		ret = ap_err_set(&r->err, AP_ENOMEM, "out of memory");
		goto out;
	}
	real = ap_path_real(path);
	slash = strrchr(real ? real : path, '/');
	name = slash && slash[1] ? slash + 1 : real ? real : path;
	if (access(path, R_OK | X_OK) != 0) {
		ret = ap_err_set(&r->err, AP_EIO, "cannot read directory '%s': %s", path,
				 strerror(errno));
		goto out;
	}
	if (in_dump(path, &dump)) {
		ret = ap_err_set(&r->err, AP_EINVAL,
				 "a PROF_* directory inside the torch_npu dump '%s' is part of that dump; analyse the dump",
				 dump);
		goto out;
	}
	ret = ap_pipeline__cann_load(path, &x, &links, r);
	if (ret < 0)
		goto out;
	for (k = 0; k < AP_CANN_CSV_KINDS; k++)
		files += r->cann_raw ? x.t[k].nrows : r->cann_files[k];
	if (x.tl && !x.tl->failed)
		files += x.tl->ev.n;
	if ((!r->cann_exported && !r->cann_raw) || !files) {
		r->cann_skipped = 0;
		ret = nothing(path, r);
		goto out;
	}
	ret = ap_pipeline__begin_output(path, name, AP_PT_OUTPUT_DIR, NULL, o, &od, &wdir, &r->err);
	/* a bare capture is analysed like Level1 (no pruning), with no steps */
	if (ret == 0)
		ret = ap_pipeline__write_cann(wdir.buf, &x, AP_PROF_LEVEL1, NULL, 0, &r->err);
	if (ret == 0)
		ret = write_bare_timeline(wdir.buf, &x, &r->err);
	if (ret == 0)
		ret = ap_pipeline__write_done(wdir.buf, &r->err);
	if (ret < 0) {
		ap_outdir_err_final(&od, &r->err);
		ap_outdir_abort(&od);
		goto out;
	}
	r->out_dir = o->out_root ? ap_path_join(od.final, AP_PT_OUTPUT_DIR) : strdup(od.final);
	ret = ap_outdir_commit(&od, &r->err);
out:
	if (ret < 0 && r->err.code == AP_OK)
		r->err.code = (enum ap_status)ret;
	if (ret < 0) {
		ap_err_prefix(&r->err, "'%s'", dir);
		free(r->out_dir);
		r->out_dir = NULL;
	}
	ap_cann_exported_release(&x);
	free(links.v.v);
	ap_strbuf_release(&wdir);
	free(path);
	free(real);
	free(dump);
	return ret;
}
