/* One service-profiler dump end to end (specs/ms_service_profiler.md §2.1): its databases
 * loaded in parallel, one task per file (CONVENTIONS §6), the per-process pipeline and the
 * merge, the request/batch derivations, then the outputs of §3 into <dir>/output/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include "ap/file.h"
#include "ap/svc.h"
#include "ap/svc_an.h"
#include "ap/svc_csv.h"
#include "ap/svc_load.h"
#include "ap/svc_probe.h"
#include "ap/svc_req.h"
#include "ap/svc_db.h"
#include "ap/svc_trace.h"
#include "pipeline_local.h"
#include "../base/banned.h"

int ap_pipeline__is_svc(const char *dir)
{
	return ap_svc_probe(dir);
}

/* Loads every file; one that cannot be read at all is data loss named in r->diag and left
 * out (CONVENTIONS §4: the other files are still analysed). Returns the number loaded in
 * *n_ok, the good files first in path order. */
static int load_all(const struct ap_strlist *paths, struct ap_svc_file *files, size_t *n_ok,
		    int threads, struct ap_analyse_result *r)
{
	long i, n = (long)paths->n;
	size_t k, ok = 0;
	int oom = 0;

	for (i = 0; i < n; i++)
		ap_svc_file_init(&files[i]);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 1 ? threads : 1) if (threads > 1 && n > 1)
#else
	(void)threads;
#endif
	for (i = 0; i < n; i++)
		ap_svc_load_file(&files[i], paths->v[i], &files[i].err);
	/* reports in path order, whatever the thread count */
	for (k = 0; k < paths->n; k++) {
		struct ap_svc_file *f = &files[k];

		ap_diag_merge(&r->diag, &f->diag);
		ap_diag_init(&f->diag);
		if (f->err.code < 0) {
			char key[48];

			if (f->err.code == AP_ENOMEM)
				oom = 1;
			/* one report per database: each is named on stderr */
			snprintf(key, sizeof(key), "svc-db-failed-%zu", k);
			ap_diag_report(&r->diag, AP_DIAG_DATA_LOSS, key, "%s", ap_err_text(&f->err));
			ap_svc_file_release(f);
			continue;
		}
		if (ok != k) {
			files[ok] = *f;
			ap_svc_file_init(f);
		}
		ok++;
	}
	*n_ok = ok;
	return oom ? ap_err_set(&r->err, AP_ENOMEM, "out of memory") : 0;
}

/* What the writers read (ap_pipeline__write_pair). */
struct svc_out {
	const struct ap_svc *s;
	const struct ap_svc_derived *d;
	const char *dir;
	unsigned formats;
};

/* The CSV files: the summaries always (§2.1: analyze writes them whatever --format says), the
 * rest with csv. First, as analyze writes them. */
static int write_csvs(void *arg, struct ap_err *err)
{
	const struct svc_out *o = arg;

	AP_FORWARD_IF_ERROR(ap_svc_write_summaries(o->s, o->d, o->dir, err));
	if (o->formats & AP_SVC_FORMAT_CSV) {
		AP_FORWARD_IF_ERROR(ap_svc_write_request(o->s, o->d, o->dir, err));
		AP_FORWARD_IF_ERROR(ap_svc_write_batch(o->s, o->dir, err));
		AP_FORWARD_IF_ERROR(ap_svc_write_kvcache(o->s, o->dir, err));
		AP_FORWARD_IF_ERROR(ap_svc_write_request_status(o->s, o->dir, err));
		AP_FORWARD_IF_ERROR(ap_svc_write_forward(o->s, o->dir, err));
	}
	return 0;
}

/* chrome_tracing.json and profiler.db, from one event list. */
static int write_trace_db(void *arg, struct ap_err *err)
{
	const struct svc_out *o = arg;
	struct ap_svc_trace t;
	int ret;

	if (!(o->formats & (AP_SVC_FORMAT_JSON | AP_SVC_FORMAT_DB)))
		return 0;
	ret = ap_svc_trace_build(o->s, &t, err);
	if (ret == 0 && (o->formats & AP_SVC_FORMAT_JSON))
		ret = ap_svc_write_trace(&t, o->dir, err);
	if (ret == 0 && (o->formats & AP_SVC_FORMAT_DB))
		ret = ap_svc_write_db(o->s, o->d, &t, o->dir, err);
	ap_svc_trace_release(&t);
	return ret;
}

int ap_pipeline__analyse_svc(const char *dir, const struct ap_analyse_opts *o,
			     struct ap_analyse_result *r)
{
	struct ap_strlist paths = { 0 };
	struct ap_svc_file *files = NULL;
	struct ap_svc s;
	struct ap_svc_derived d;
	struct ap_outdir od = { NULL, NULL, -1 };
	struct ap_strbuf wdir = AP_STRBUF_INIT;
	char *real = NULL;
	const char *name, *slash;
	size_t n_ok = 0;
	int ret;

	ap_svc_init(&s);
	memset(&d, 0, sizeof(d));
	r->service = 1;
	if (access(dir, R_OK | X_OK) != 0) {
		ret = ap_err_set(&r->err, AP_EIO, "cannot read directory '%s': %s", dir,
				 strerror(errno));
		goto out;
	}
	ret = ap_svc_find(dir, &paths, &r->diag, &r->err);
	if (ret < 0)
		goto out;
	r->svc_files = paths.n;
	if (!paths.n) {
		ret = ap_err_set(&r->err, AP_ENOTFOUND, "nothing to analyse: no ms_service_*.db below it");
		goto out;
	}
	files = calloc(paths.n, sizeof(*files));
	if (!files) {
		ret = ap_err_set(&r->err, AP_ENOMEM, "out of memory");
		goto out;
	}
	ret = load_all(&paths, files, &n_ok, o->threads, r);
	if (ret < 0)
		goto out;
	if (!n_ok) {
		ret = ap_err_set(&r->err, AP_ENOTFOUND,
				 "nothing to analyse: none of its %zu ms_service_*.db file%s could be read",
				 paths.n, paths.n == 1 ? "" : "s");
		goto out;
	}
	/* the files move into s, whatever happens */
	ret = ap_svc_build(&s, files, n_ok, &r->diag, &r->err);
	files = NULL;
	if (ret < 0)
		goto out;
	r->svc_rows = s.n_rows;
	ret = ap_svc_derive(&s, &d, &r->err);
	if (ret < 0)
		goto out;
	real = ap_path_real(dir);
	slash = strrchr(real ? real : dir, '/');
	name = slash && slash[1] ? slash + 1 : real ? real : dir;
	ret = ap_pipeline__begin_output(dir, name, AP_SVC_OUTPUT_DIR, NULL, o, &od, &wdir, &r->err);
	if (ret == 0) {
		struct svc_out so = { &s, &d, wdir.buf,
				      o->svc_formats ? o->svc_formats : AP_SVC_FORMAT_ALL };

		ret = ap_pipeline__write_pair(write_csvs, write_trace_db, &so, o->threads, &r->err);
	}
	if (ret < 0) {
		ap_outdir_err_final(&od, &r->err);
		ap_outdir_abort(&od);
		goto out;
	}
	r->out_dir = o->out_root ? ap_path_join(od.final, AP_SVC_OUTPUT_DIR) : strdup(od.final);
	ret = ap_outdir_commit(&od, &r->err);
out:
	if (ret < 0 && r->err.code == AP_OK)
		r->err.code = (enum ap_status)ret;
	if (ret < 0) {
		ap_err_prefix(&r->err, "'%s'", dir);
		free(r->out_dir);
		r->out_dir = NULL;
	}
	if (files) {
		size_t k;

		for (k = 0; k < paths.n; k++)
			ap_svc_file_release(&files[k]);
		free(files);
	}
	ap_svc_derived_release(&d);
	ap_svc_release(&s);
	ap_strlist_release(&paths);
	ap_strbuf_release(&wdir);
	free(real);
	return ret;
}
