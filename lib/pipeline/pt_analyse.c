/* analyse for one torch_npu dump: probe -> load -> analyse -> write (spec
 * torch_npu_ascend_pt.md §5, FWK-only configuration). */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/analyse.h"
#include "ap/cann_timeline.h"
#include "ap/comm.h"
#include "ap/comm_write.h"
#include "ap/file.h"
#include "ap/fwk.h"
#include "ap/fwk_load.h"
#include "ap/host.h"
#include "ap/hostan.h"
#include "ap/npukernel.h"
#include "ap/log.h"
#include "ap/memview.h"
#include "ap/outdir.h"
#include "ap/overlap_an.h"
#include "ap/ptdump.h"
#include "ap/step_trace.h"
#include "ap/views.h"
#include "pipeline_local.h"
#include "../base/banned.h"

void ap_analyse_result_init(struct ap_analyse_result *r)
{
	memset(r, 0, sizeof(*r));
	ap_diag_init(&r->diag);
	ap_err_init(&r->err);
	r->rank_id = -1;
}

void ap_analyse_result_release(struct ap_analyse_result *r)
{
	if (!r)
		return;
	ap_diag_release(&r->diag);
	ap_err_release(&r->err);
	free(r->out_dir);
	memset(r, 0, sizeof(*r));
}

int ap_pipeline__write_done(const char *dir, struct ap_err *err)
{
	struct ap_strbuf p = AP_STRBUF_INIT;
	int fd;

	ap_strbuf_addf(&p, "%s/analyse.done", dir);
	fd = open(p.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || close(fd) < 0) {
		ap_err_set(err, AP_EIO, "cannot write '%s': %s", p.buf, strerror(errno));
		ap_strbuf_release(&p);
		return AP_EIO;
	}
	ap_strbuf_release(&p);
	return 0;
}

/* With -o, the side files cluster tools read are copied beside the output (§8), into the
 * directory that becomes DIR/<dump>/. */
static int copy_side_files(const struct ap_pt_dump *d, const char *parent, struct ap_err *err)
{
	static const char *const meta = "profiler_metadata.json";
	struct ap_strbuf src = AP_STRBUF_INIT, dst = AP_STRBUF_INIT;
	int ret = 0;

	ap_strbuf_addf(&src, "%s/%s", d->dir, d->info_file);
	ap_strbuf_addf(&dst, "%s/%s", parent, d->info_file);
	ret = ap_file_copy(src.buf, dst.buf, err);
	if (ret == 0 && d->has_metadata) {
		ap_strbuf_reset(&src);
		ap_strbuf_reset(&dst);
		ap_strbuf_addf(&src, "%s/%s", d->dir, meta);
		ap_strbuf_addf(&dst, "%s/%s", parent, meta);
		ret = ap_file_copy(src.buf, dst.buf, err);
	}
	ap_strbuf_release(&src);
	ap_strbuf_release(&dst);
	return ret;
}

/* DIR/<dump>/ as ascprof wrote it before it marked that directory itself: only its
 * (marked) ASCEND_PROFILER_OUTPUT/ and the copied side files, or nothing at all. */
static int is_earlier_output(const char *path, const char *sub)
{
	DIR *dd = opendir(path);
	struct dirent *e;
	int ok = dd != NULL;

	while (ok && (e = readdir(dd))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, sub)) {
			char *p = ap_path_join(path, e->d_name);

			ok = p && ap_outdir_is_ours(p);
			free(p);
		} else {
			ok = ap_pt_is_side_file(e->d_name);
		}
	}
	if (dd)
		closedir(dd);
	return ok;
}

int ap_pipeline__begin_output(const char *in_dir, const char *name, const char *sub,
			      const struct ap_pt_dump *d, const struct ap_analyse_opts *o, struct ap_outdir *od,
			      struct ap_strbuf *write_dir, struct ap_err *err)
{
	struct ap_strbuf final = AP_STRBUF_INIT;
	int ret;

	if (!o->out_root) {
		AP_FORWARD_IF_ERROR(ap_outdir_begin(od, in_dir, sub, o->force, err));
		ap_strbuf_addstr(write_dir, od->tmp);
		return 0;
	}
	/* DIR/<dump>/ is replaced whole, so only when ascprof wrote it; --force does not
	 * extend to it: whatever else it holds is not an output of another analyser. */
	ap_strbuf_addf(&final, "%s/%s", o->out_root, name);
	if (ap_path_exists(final.buf) && !ap_outdir_is_ours(final.buf) &&
	    !is_earlier_output(final.buf, sub)) {
		ret = ap_err_set(err, AP_EINVAL,
				 "'%s' was not written by ascprof and is left alone; write elsewhere with -o DIR",
				 final.buf);
		ap_strbuf_release(&final);
		return ret;
	}
	ap_strbuf_release(&final);
	AP_FORWARD_IF_ERROR(ap_outdir_begin(od, o->out_root, name, 1, err));
	ap_strbuf_addf(write_dir, "%s/%s", od->tmp, sub);
	if (mkdir(write_dir->buf, 0777) < 0)
		ret = ap_err_set(err, AP_EIO, "cannot create directory '%s': %s", write_dir->buf,
				 strerror(errno));
	else
		ret = ap_outdir_mark(write_dir->buf, err);
	if (ret == 0 && d)
		ret = copy_side_files(d, od->tmp, err);
	return ret;
}

struct fwk_state {
	struct ap_host host;
	struct ap_queue q;
	struct ap_tree tree;
	struct ap_fwdbwd_vec fb;
	struct ap_pyframe_vec py;
	struct ap_memview mv;
	struct ap_npu_links links;  /* device kernels linked to host launches (§7.4) */
	struct ap_kernel_rel krel;  /* op -> kernel sums and step ranges (§7.5-§7.7) */
};

static void fwk_release(struct fwk_state *s)
{
	ap_host_release(&s->host);
	ap_queue_release(&s->q);
	ap_tree_release(&s->tree);
	free(s->fb.v);
	free(s->py.v);
	ap_memview_release(&s->mv);
	free(s->links.v.v);
	ap_kernel_rel_release(&s->krel);
}

/* The task-queue markers paired as they are decoded (struct ap_fwk_mark_sink), into q. */
struct mark_feed {
	struct ap_queue_feed f;
	struct ap_queue *q;
	int begun;
};

static int feed_begin(void *ctx, size_t max)
{
	struct mark_feed *m = ctx;

	/* room for every end marker on either side: only the pages used are touched */
	m->begun = 1;
	return ap_queue_feed_init(&m->f, m->q, max / 2, max / 2);
}

static int feed_add(void *ctx, uint64_t tid, const struct ap_mark *mk)
{
	struct mark_feed *m = ctx;

	if (ap_queue_feed_add(&m->f, tid, mk) < 0)
		return AP_ENOMEM;
	return m->f.out_of_order ? 1 : 0;
}

/* The queue from the markers step (ret ap_fwk_plan_marks's status): the fed pairs put in
 * order, or, when the markers were kept instead (a key out of time order in the file), the
 * pairs of those. */
static int pair_queue(struct mark_feed *m, const struct ap_host *marks, int ret, struct ap_err *err)
{
	if (ret == 2 && m->begun)
		ret = ap_queue_feed_end(&m->f) < 0 ? AP_ENOMEM : 2;
	ap_queue_feed_release(&m->f);
	if (ret == 1 || ret == 2)
		return 0; /* 1: the markers' step failed, the close reports it */
	if (ret < 0)
		return ap_err_set(err, AP_ENOMEM, "out of memory pairing task-queue markers");
	return ap_queue_build(marks, m->q, err); /* over what the sink was fed, if any */
}

/* The FRAMEWORK files into s->host, and the task queue paired (§7.2) as the markers are
 * decoded: the steps (ap_fwk_plan_load) as tasks of the team load_both runs in, combined in a
 * fixed order whatever ran first. Every task is created here: a task created inside another
 * would not wake a thread already waiting at the end of the group. */
static int load_fwk(const struct ap_pt_dump *d, struct fwk_state *s, struct ap_analyse_result *r)
{
	struct ap_fwk_plan *plan;
	struct ap_err qerr = AP_ERR_INIT;
	struct mark_feed feed = { .q = &s->q };
	const struct ap_fwk_mark_sink sink = { feed_begin, feed_add, &feed };
	int qret = 0, rn = 0, ret;

	AP_FORWARD_IF_ERROR(ap_fwk_plan_open(d->fwk_dir, &d->tc, &s->host, &r->diag, &plan,
					     &r->err));
	/* the markers paired as they are decoded, not kept */
	ap_fwk_plan_mark_sink(plan, &sink);
#ifdef _OPENMP
#pragma omp taskgroup
#endif
	{
#ifdef _OPENMP
#pragma omp task shared(plan, feed, qret, qerr)
#endif
		{
			const struct ap_host *marks;
			int mret;

			ap_fwk_plan_load(plan, AP_FWK_STEP_MARKS);
			mret = ap_fwk_plan_marks(plan, &marks);
			qret = pair_queue(&feed, marks, mret, &qerr);
		}
		/* The longest step first, then the shortest: libgomp runs a group's tasks from
		 * the front on the threads that wait at the team's barrier, and from the back on
		 * the one that made them, so two threads pair op_mark with the Python files and
		 * op_range with memory_usage, the two halves closest in size (160 MB dump:
		 * 93 and 80 ms against 68 and 105 in file order). */
#ifdef _OPENMP
#pragma omp task shared(plan)
#endif
		ap_fwk_plan_load(plan, AP_FWK_STEP_PYTHON);
#ifdef _OPENMP
#pragma omp task shared(plan)
#endif
		ap_fwk_plan_load(plan, AP_FWK_STEP_MEMORY);
#ifdef _OPENMP
#pragma omp task shared(plan)
#endif
		ap_fwk_plan_load(plan, AP_FWK_STEP_OPS);
	}
	/* the queued operations' names, renumbered with the markers' (two of AP_FWK_RENAMES) */
	if (s->q.enq.n)
		rn |= ap_fwk_plan_rename(plan, &s->q.enq.v[0].name, s->q.enq.n, sizeof(*s->q.enq.v));
	if (s->q.deq.n)
		rn |= ap_fwk_plan_rename(plan, &s->q.deq.v[0].name, s->q.deq.n, sizeof(*s->q.deq.v));
	assert(rn == 0);
	(void)rn;
	ret = ap_fwk_plan_close(plan, &r->err);
	if (ret == 0 && qret < 0) {
		ap_err_move(&r->err, &qerr);
		ret = qret;
	}
	ap_err_release(&qerr);
	return ret;
}

static int analyse_host(const struct ap_pt_dump *d, struct fwk_state *s,
			struct ap_analyse_result *r)
{
	struct ap_pymissing missing = { 0, 0 };
	struct ap_err perr = AP_ERR_INIT;
	int tret, pret = 0;

	if (d->fwk_dir)
		AP_FORWARD_IF_ERROR(load_fwk(d, s, r));
	r->gen = s->host.gen;
	r->n_ops = s->host.ops.n;
	r->n_marks = s->host.n_marks;
	r->n_mems = s->host.mems.n;
	r->n_pyrecs = s->host.pyrecs.n;
	r->n_gcs = s->host.gcs.n;
	if (!d->prof_dir && !s->host.ops.n && !s->host.n_marks && !s->host.mems.n &&
	    !s->host.pyrecs.n && !s->host.gcs.n && ap_diag_worst(&r->diag) < AP_DIAG_DATA_LOSS)
		return ap_err_set(&r->err, AP_ENOTFOUND,
				  "nothing to analyse: FRAMEWORK/ holds no records and there is no PROF_* data");
	/* Passes and writers read the paired events from here on: the markers can go, so that
	 * peak memory holds one of the two forms, not both. */
	ap_vec_free(&s->host.marks);
	if (s->q.unmatched)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "queue-unmatched",
			       "'FRAMEWORK/%s': %lu task-queue end marker%s without a start marker dropped (first: the record at offset %llu)",
			       s->host.op_mark_file, s->q.unmatched, s->q.unmatched == 1 ? "" : "s",
			       (unsigned long long)s->q.first_unmatched_off);
	/* The Python frames (which intern names into the host's strings) beside the op tree and
	 * the flows (which read the ops); failures reported in that order. */
#ifdef _OPENMP
#pragma omp taskgroup
#endif
	{
		if (s->host.has_tracer) {
#ifdef _OPENMP
#pragma omp task shared(s, missing, pret, perr)
#endif
			pret = ap_pytrace_build(&s->host, &s->py, &missing, &perr);
		}
		tret = ap_tree_build(&s->host, &s->q, &s->tree, &r->err);
		if (tret == 0)
			tret = ap_fwdbwd_build(&s->host, &s->fb, &r->err);
	}
	if (tret < 0 || pret < 0) {
		if (tret == 0)
			ap_err_move(&r->err, &perr);
		ap_err_release(&perr);
		return tret < 0 ? tret : pret;
	}
	if (s->host.has_tracer) {
		ap_vec_free(&s->host.pyrecs); /* the frames replace the call/return records */
		if (missing.count)
			ap_diag_report(&r->diag, AP_DIAG_WARN, "pyhash-missing",
				       "'FRAMEWORK/%s': %lu call%s with a key missing from torch.python_tracer_hash (first: the record at offset %zu), named by the key",
				       s->host.tracer_func_file, missing.count,
				       missing.count == 1 ? "" : "s",
				       missing.first_rec * (size_t)AP_FWK_TRACER_FUNC_SIZE);
	}
	return 0;
}

/* The step ranges (§7.7) as kernel_details takes them, or NULL with *n 0 when there are none
 * (then no Step Id column). */
static struct ap_step_range *step_ranges(const struct fwk_state *s, size_t *n)
{
	struct ap_step_range *v;
	size_t i;

	*n = 0;
	if (!s->krel.steps.n)
		return NULL;
	v = malloc(s->krel.steps.n * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < s->krel.steps.n; i++) {
		v[i].id = ap_krel_step_id(&s->host, &s->krel.steps.v[i]);
		v[i].start_ns = s->krel.steps.v[i].start;
		v[i].end_ns = s->krel.steps.v[i].end;
	}
	*n = s->krel.steps.n;
	return v;
}

/* step_trace_time.csv (§8.4) from the CANN data's Overlap Analysis and the step ranges. */
static int write_step_trace(const struct fwk_state *s, const struct ap_cann_exported *cann,
			    const char *dir, struct ap_err *err)
{
	struct ap_step_span *sp = NULL;
	struct ap_step_time t;
	size_t i, n = s->krel.steps.n;
	int ret;

	if (!cann->overlap.n)
		return 0;
	if (n && !(sp = malloc(n * sizeof(*sp))))
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const struct ap_krel_step *k = &s->krel.steps.v[i];

		sp[i].id = ap_krel_step_id(&s->host, k);
		sp[i].start = k->start;
		sp[i].end = k->end;
		sp[i].fwk_start = k->fwk_start;
	}
	ap_step_time_init(&t);
	ret = ap_step_time_build(&cann->overlap, sp, n, ap_step_first_op(s->host.ops.v, s->host.ops.n),
				 &t, err);
	if (ret == 0)
		ret = ap_write_step_trace(dir, &t, err);
	ap_step_time_release(&t);
	free(sp);
	return ret;
}

/* communication.json and communication_matrix.json (§8.7): c split by the step ranges. */
static int write_comm(const char *dir, struct ap_comm *c, const struct ap_step_range *steps,
		      size_t n, struct ap_err *err)
{
	struct ap_comm_range *r = malloc((n ? n : 1) * sizeof(*r));
	size_t i;
	int ret;

	if (!r)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		r[i].id = steps[i].id;
		r[i].start_ns = steps[i].start_ns;
		r[i].end_ns = steps[i].end_ns;
	}
	ret = ap_comm_by_step(c, r, n, err);
	free(r);
	return ret < 0 ? ret : ap_write_communication(dir, c, err);
}

/* A dump's host outputs in two groups of about equal work, side by side when threads are left
 * over (ap_pipeline__write_pair): trace_view.json and operator_details.csv; then the memory
 * lifecycles (§8.6), which nothing else reads, and the memory CSVs. Serially that is the order
 * they had one after the other. */
struct host_out {
	const struct ap_pt_dump *d;
	const char *dir;
	const struct ap_fwk_view *v;
	struct fwk_state *s;
	int trace;
};

static int write_trace_ops(void *arg, struct ap_err *err)
{
	const struct host_out *h = arg;

	if (h->trace)
		AP_FORWARD_IF_ERROR(ap_write_trace_view(h->dir, h->v, err));
	return h->d->cfg.cpu ? ap_write_operator_details(h->dir, h->v, err) : 0;
}

static int write_mem(void *arg, struct ap_err *err)
{
	const struct host_out *h = arg;
	struct fwk_state *s = h->s;

	if (s->host.mems.n)
		AP_FORWARD_IF_ERROR(ap_memview_build(&s->host, &s->q, &s->tree, &s->mv, err));
	return ap_write_memory(h->dir, h->v, err);
}

static int write_outputs(const struct ap_pt_dump *d, struct fwk_state *s,
			 const struct ap_cann_exported *cann, const char *dir, int threads,
			 struct ap_err *err)
{
	struct ap_fwk_view v;
	struct host_out h = { d, dir, &v, s, 0 };

	memset(&v, 0, sizeof(v));
	v.h = &s->host;
	v.q = &s->q;
	v.t = &s->tree;
	v.fb = &s->fb;
	v.py = &s->py;
	v.mv = &s->mv;
	v.device_id = d->n_devices ? d->device_ids[0] : -1;
	v.n_devices = d->n_devices;
	v.krel = &s->krel;
	v.cann = cann ? cann->view : NULL;
	v.overlap = cann && cann->view ? &cann->overlap : NULL;
	v.tl = cann && cann->tl && !cann->tl->failed ? cann->tl : NULL;
	v.level0 = ap_prof_level_of(d->cfg.level) == AP_PROF_LEVEL0;
	v.pieces = ap_pipeline__pieces;
	/* The text outputs also for export type "db": its database outputs are not written
	 * yet, and a dump should not come back empty. */
	/* trace_view.json also for an NPU-only capture: torch_npu's TraceViewParser writes the
	 * CANN lanes whatever the activities; a timeline msprof exported but that cannot be
	 * read gives no trace_view.json rather than one without its CANN part (data loss,
	 * reported) */
	h.trace = (d->cfg.cpu || (cann && (cann->view || cann->tl))) &&
		  !(cann && cann->tl && cann->tl->failed);
	AP_FORWARD_IF_ERROR(ap_pipeline__write_pair(h.trace || d->cfg.cpu ? write_trace_ops : NULL,
						    write_mem, &h, threads, err));
	if (s->mv.incomplete)
		ap_log(AP_LOG_DEBUG, d->name,
		       "%lu memory allocations were never freed in the capture", s->mv.incomplete);
	if (cann) {
		size_t n;
		struct ap_step_range *steps = step_ranges(s, &n);
		int ret;

		if (!steps && s->krel.steps.n)
			return ap_err_set(err, AP_ENOMEM, "out of memory");
		ret = ap_pipeline__write_cann(dir, cann, ap_prof_level_of(d->cfg.level), steps, n,
					      err);
		/* none at Level0 either: msprof's analyze "will do nothing in prof level 0"
		 * (msinterface/msprof_analyze.py), so torch_npu finds no communication files */
		if (ret == 0 && cann->comm && ap_prof_level_of(d->cfg.level) != AP_PROF_LEVEL_NONE &&
		    ap_prof_level_of(d->cfg.level) != AP_PROF_LEVEL0)
			ret = write_comm(dir, cann->comm, steps, n, err);
		free(steps);
		AP_FORWARD_IF_ERROR(ret);
		if (ap_prof_level_of(d->cfg.level) != AP_PROF_LEVEL_NONE)
			AP_FORWARD_IF_ERROR(write_step_trace(s, cann, dir, err));
	}
	return ap_pipeline__write_done(dir, err);
}

/* The PROF_* dir whose CANN data the dump's outputs come from: the first (by name) that holds
 * raw slices or msprof's export, else the first at all (newly allocated; NULL when out of
 * memory). A dump of several processes may hold several; an empty one is skipped. */
static char *cann_dir(const struct ap_pt_dump *d)
{
	struct ap_strlist l = { 0 };
	struct ap_err e = AP_ERR_INIT;
	char *found = NULL;
	size_t i;

	if (ap_dir_list(d->dir, &l, &e) == 0)
		for (i = 0; i < l.n && !found; i++) {
			char *p;

			if (!ap_cann_is_prof_name(l.v[i]))
				continue;
			p = ap_path_join(d->dir, l.v[i]);
			if (p && (ap_cann_has_raw(p) || ap_cann_has_exported(p)))
				found = p;
			else
				free(p);
		}
	ap_strlist_release(&l);
	ap_err_release(&e);
	return found ? found : strdup(d->prof_dir);
}

/* The CANN data of dump d, loaded into c->x and c->links, with its own reports. */
struct cann_part {
	struct ap_analyse_result rc; /* the CANN fields and reports, moved into r afterwards */
	int ret;
};

static int load_cann(const struct ap_pt_dump *d, struct ap_cann_exported *x,
		     struct ap_npu_links *links, struct ap_analyse_result *rc)
{
	char *prof = cann_dir(d);
	int ret = prof ? ap_pipeline__cann_load(prof, x, links, rc)
		       : ap_err_set(&rc->err, AP_ENOMEM, "out of memory");

	free(prof);
	return ret;
}

/* What load_both's tasks read and write. */
struct both {
	const struct ap_pt_dump *d;
	struct fwk_state *s;
	struct ap_cann_exported *x;
	struct ap_analyse_result *r;
	struct cann_part c;
	int fret;
};

static void both_body(void *v)
{
	struct both *b = v;

	if (b->d->prof_dir) {
#ifdef _OPENMP
#pragma omp task
#endif
		b->c.ret = load_cann(b->d, b->x, &b->s->links, &b->c.rc);
	}
	b->fret = analyse_host(b->d, b->s, b->r);
#ifdef _OPENMP
#pragma omp taskwait
#endif
}

/* The FRAMEWORK part and the CANN part of the dump are independent until their kernels are
 * related: they are decoded as tasks (ap_pipeline__in_team), and so are the FRAMEWORK files'
 * steps and the CANN part's host and devices. Reports are combined in a fixed order,
 * FRAMEWORK first, whatever ran first. Returns 0 or the first failure's status with r->err
 * set. */
static int load_both(const struct ap_pt_dump *d, struct fwk_state *s, struct ap_cann_exported *x,
		     int threads, struct ap_analyse_result *r)
{
	struct both b;
	struct cann_part *c = &b.c;
	int k;

	b.d = d;
	b.s = s;
	b.x = x;
	b.r = r;
	ap_analyse_result_init(&c->rc);
	c->ret = 0;
	b.fret = 0;
	ap_pipeline__in_team(both_body, &b, threads);
	ap_diag_merge(&r->diag, &c->rc.diag);
	r->cann_skipped = c->rc.cann_skipped;
	r->cann_exported = c->rc.cann_exported;
	r->cann_raw = c->rc.cann_raw;
	r->cann_raw_counts = c->rc.cann_raw_counts;
	r->cann_tl_files = c->rc.cann_tl_files;
	r->cann_tl_events = c->rc.cann_tl_events;
	for (k = 0; k < AP_CANN_CSV_KINDS; k++) {
		r->cann_files[k] = c->rc.cann_files[k];
		r->cann_rows[k] = c->rc.cann_rows[k];
	}
	if (b.fret == 0 && c->ret < 0)
		ap_err_move(&r->err, &c->rc.err);
	ap_analyse_result_release(&c->rc);
	return b.fret < 0 ? b.fret : c->ret;
}

int ap_analyse_pt(const char *dir, const struct ap_analyse_opts *o, struct ap_analyse_result *r)
{
	struct ap_pt_dump d;
	struct fwk_state s;
	struct ap_cann_exported cann;
	struct ap_outdir od = { NULL, NULL, -1 };
	struct ap_strbuf wdir = AP_STRBUF_INIT;
	int ret, have_cann = 0;

	if (ap_pipeline__is_bare_prof(dir))
		return ap_pipeline__analyse_prof(dir, o, r);
	if (!ap_pipeline__is_pt(dir) && ap_pipeline__is_svc(dir))
		return ap_pipeline__analyse_svc(dir, o, r);
	ap_cann_exported_init(&cann);
	memset(&s, 0, sizeof(s));
	ap_memview_init(&s.mv);
	ap_kernel_rel_init(&s.krel);
	ret = ap_pt_open(&d, dir, &r->diag, &r->err);
	if (ret < 0)
		goto out;
	r->rank_id = d.cfg.rank_id;
	if (ap_host_init(&s.host) < 0) {
		ret = ap_err_set(&r->err, AP_ENOMEM, "out of memory");
		goto out;
	}
	ret = load_both(&d, &s, &cann, o->threads, r);
	if (ret < 0)
		goto out;
	if (d.prof_dir) {
		ret = ap_kernel_rel_build(&s.host, &s.q, &s.tree, &s.links, &s.krel, &r->err);
		if (ret < 0)
			goto out;
		if (s.krel.acl_dropped)
			ap_log(AP_LOG_DEBUG, d.name,
			       "%lu kernel launches lie in no dequeue and are credited to no torch op",
			       s.krel.acl_dropped);
	}
	have_cann = r->cann_exported || r->cann_raw;
	r->db_skipped = d.cfg.export_db;
	ret = ap_pipeline__begin_output(d.dir, d.name, AP_PT_OUTPUT_DIR, &d, o, &od, &wdir, &r->err);
	if (ret == 0)
		ret = write_outputs(&d, &s, have_cann ? &cann : NULL, wdir.buf, o->threads, &r->err);
	if (ret < 0) {
		/* name the files where they would have been, not in the temporary directory */
		ap_outdir_err_final(&od, &r->err);
		ap_outdir_abort(&od);
		goto out;
	}
	if (o->out_root)
		r->out_dir = ap_path_join(od.final, AP_PT_OUTPUT_DIR);
	else
		r->out_dir = strdup(od.final);
	ret = ap_outdir_commit(&od, &r->err);
out:
	if (ret < 0 && r->err.code == AP_OK)
		r->err.code = (enum ap_status)ret;
	if (ret < 0)
		ap_err_prefix(&r->err, "'%s'", dir);
	if (ret < 0) {
		free(r->out_dir);
		r->out_dir = NULL;
	}
	fwk_release(&s);
	ap_cann_exported_release(&cann);
	ap_pt_release(&d);
	ap_strbuf_release(&wdir);
	return ret;
}
