/* Times issue 12's passes on one torch_npu dump with raw CANN data (e.g. `ap-gen --synth-prof`),
 * loaded once as ap_analyse_pt loads it (FRAMEWORK passes, the CANN join, the kernel relation):
 *  - trace: ap_write_trace_view into OUTDIR alone (the file written as ap_analyse_pt writes it;
 *    removed afterwards), REPS times;
 *  - the step / overlap computation: ap_overlap_build, ap_step_time_build, ap_comm_analyse and
 *    ap_comm_by_step on the loaded tables, REPS times each (fresh outputs every time).
 * Times are CPU seconds of the process (user + sys: one core), medians over REPS. Prints one line
 * "trace: BYTES bytes in S s CPU (W s wall): R MB/s per core" and one line
 * "steps: T tasks O ops H hccl K steps: overlap S s, step_time S s, comm S s, by_step S s, total S s = N ns/task".
 * Not a test.
 * usage: bench-trace-view DUMP [REPS [OUTDIR]]   (REPS default 3; OUTDIR default DUMP/..) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ap/analyse.h"
#include "ap/cann_exported.h"
#include "ap/cann_view.h"
#include "ap/comm.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/fwk_load.h"
#include "ap/host.h"
#include "ap/hostan.h"
#include "ap/memview.h"
#include "ap/npukernel.h"
#include "ap/overlap_an.h"
#include "ap/ptdump.h"
#include "ap/views.h"
#include "../../lib/pipeline/pipeline_local.h" /* ap_pipeline__cann_load: the join as analyse does it */

#define MAX_REPS 64

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double wall_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const struct ap_err *err)
{
	fprintf(stderr, "bench-trace-view: %s: %s\n", what, ap_err_text(err));
	exit(1);
}

struct state {
	struct ap_host host;
	struct ap_queue q;
	struct ap_tree tree;
	struct ap_fwdbwd_vec fb;
	struct ap_pyframe_vec py;
	struct ap_memview mv;
	struct ap_npu_links links;
	struct ap_kernel_rel krel;
	struct ap_cann_exported cann;
};

/* The FRAMEWORK passes of ap_analyse_pt (pt_analyse.c analyse_host), then the CANN part and the
 * kernel relation. */
static void load(const struct ap_pt_dump *d, struct state *s, struct ap_analyse_result *r)
{
	struct ap_pymissing missing = { 0, 0 };

	if (ap_host_init(&s->host) < 0)
		die("init", &r->err);
	if (d->fwk_dir && ap_fwk_load(d->fwk_dir, &d->tc, &s->host, &r->diag, &r->err) < 0)
		die("FRAMEWORK", &r->err);
	if (ap_queue_build(&s->host, &s->q, &r->err) < 0)
		die("queue", &r->err);
	ap_vec_free(&s->host.marks);
	if (ap_tree_build(&s->host, &s->q, &s->tree, &r->err) < 0 ||
	    ap_fwdbwd_build(&s->host, &s->fb, &r->err) < 0)
		die("tree", &r->err);
	if (s->host.has_tracer) {
		if (ap_pytrace_build(&s->host, &s->py, &missing, &r->err) < 0)
			die("python tracer", &r->err);
		ap_vec_free(&s->host.pyrecs);
	}
	if (s->host.mems.n && ap_memview_build(&s->host, &s->q, &s->tree, &s->mv, &r->err) < 0)
		die("memory", &r->err);
	if (!d->prof_dir || ap_pipeline__cann_load(d->prof_dir, &s->cann, &s->links, r) < 0 ||
	    !s->cann.view)
		die("CANN (the dump needs raw PROF_* data)", &r->err);
	if (ap_kernel_rel_build(&s->host, &s->q, &s->tree, &s->links, &s->krel, &r->err) < 0)
		die("kernel relation", &r->err);
}

static void bench_trace(const struct ap_pt_dump *d, struct state *s, const char *outdir, int reps)
{
	struct ap_err err = AP_ERR_INIT;
	struct ap_fwk_view v;
	double cpu[MAX_REPS], wall[MAX_REPS], mcpu, mwall;
	char path[4096 + 32]; /* outdir (< 4096) + the name */
	struct stat st;
	long long bytes = 0;
	int i;

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
	v.cann = s->cann.view;
	v.overlap = &s->cann.overlap;
	v.level0 = ap_prof_level_of(d->cfg.level) == AP_PROF_LEVEL0;
	snprintf(path, sizeof(path), "%s/trace_view.json", outdir);
	for (i = 0; i < reps; i++) {
		double c0 = cpu_now(), w0 = wall_now();

		if (ap_write_trace_view(outdir, &v, &err) < 0)
			die("trace_view.json", &err);
		cpu[i] = cpu_now() - c0;
		wall[i] = wall_now() - w0;
		if (stat(path, &st) == 0)
			bytes = (long long)st.st_size;
		remove(path);
	}
	mcpu = median(cpu, reps);
	mwall = median(wall, reps);
	printf("trace: %lld bytes in %.3f s CPU (%.3f s wall): %.1f MB/s per core\n", bytes, mcpu, mwall,
	       mcpu > 0 ? (double)bytes / 1e6 / mcpu : 0);
	ap_err_release(&err);
}

static void bench_steps(const struct state *s, int reps)
{
	const struct ap_cann_view *cv = s->cann.view;
	size_t n = s->krel.steps.n, i;
	struct ap_step_span *sp = calloc(n ? n : 1, sizeof(*sp));
	struct ap_comm_range *cr = calloc(n ? n : 1, sizeof(*cr));
	double t[4][MAX_REPS], m[4], total;
	int64_t first_op = AP_STEP_NO_OP, start = INT64_MIN;
	struct ap_err err = AP_ERR_INIT;
	int r;

	if (!sp || !cr)
		exit(1);
	for (i = 0; i < n; i++) {
		const struct ap_krel_step *k = &s->krel.steps.v[i];

		sp[i].id = cr[i].id = ap_krel_step_id(&s->host, k);
		sp[i].start = cr[i].start_ns = k->start;
		sp[i].end = cr[i].end_ns = k->end;
		sp[i].fwk_start = k->fwk_start;
	}
	for (i = 0; i < s->host.ops.n; i++)
		if (first_op == AP_STEP_NO_OP || s->host.ops.v[i].ts < first_op)
			first_op = s->host.ops.v[i].ts;
	for (r = 0; r < reps; r++) {
		struct ap_overlap ov;
		struct ap_step_time st;
		struct ap_comm c;
		double t0;

		ap_overlap_init(&ov);
		ap_step_time_init(&st);
		if (ap_comm_init(&c) < 0)
			exit(1);
		t0 = cpu_now();
		if (ap_overlap_build(cv, &ov, &err) < 0)
			die("overlap", &err);
		t[0][r] = cpu_now() - t0;
		t0 = cpu_now();
		if (ap_step_time_build(&ov, sp, n, first_op, &st, &err) < 0)
			die("step time", &err);
		t[1][r] = cpu_now() - t0;
		t0 = cpu_now();
		if (ap_comm_analyse(cv, start, &c, &err) < 0)
			die("communication", &err);
		t[2][r] = cpu_now() - t0;
		t0 = cpu_now();
		if (ap_comm_by_step(&c, cr, n, &err) < 0)
			die("communication by step", &err);
		t[3][r] = cpu_now() - t0;
		ap_comm_release(&c);
		ap_step_time_release(&st);
		ap_overlap_release(&ov);
	}
	for (i = 0, total = 0; i < 4; i++)
		total += m[i] = median(t[i], reps);
	printf("steps: %zu tasks %zu ops %zu hccl %zu steps: overlap %.4f s, step_time %.4f s, comm %.4f s, by_step %.4f s, total %.4f s = %.1f ns/task\n",
	       cv->tasks.n, cv->ops.n, cv->hccl.n, n, m[0], m[1], m[2], m[3], total,
	       cv->tasks.n ? total * 1e9 / (double)cv->tasks.n : 0);
	free(sp);
	free(cr);
	ap_err_release(&err);
}

int main(int argc, char **argv)
{
	struct ap_analyse_result r;
	struct ap_pt_dump d;
	struct state s;
	char outdir[4096];
	int reps = argc > 2 ? atoi(argv[2]) : 3;

	if (argc < 2 || argc > 4 || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "usage: bench-trace-view DUMP [REPS [OUTDIR]]\n");
		return 2;
	}
	snprintf(outdir, sizeof(outdir), "%s", argc > 3 ? argv[3] : argv[1]);
	if (argc <= 3) {
		char *slash = strrchr(outdir, '/');

		if (slash)
			*slash = '\0';
		else
			snprintf(outdir, sizeof(outdir), ".");
	}
	ap_analyse_result_init(&r);
	memset(&s, 0, sizeof(s));
	ap_memview_init(&s.mv);
	ap_kernel_rel_init(&s.krel);
	ap_cann_exported_init(&s.cann);
	if (ap_pt_open(&d, argv[1], &r.diag, &r.err) < 0)
		die(argv[1], &r.err);
	load(&d, &s, &r);
	bench_trace(&d, &s, outdir, reps);
	bench_steps(&s, reps);
	ap_cann_exported_release(&s.cann);
	ap_kernel_rel_release(&s.krel);
	ap_memview_release(&s.mv);
	free(s.links.v.v);
	free(s.py.v);
	free(s.fb.v);
	ap_tree_release(&s.tree);
	ap_queue_release(&s.q);
	ap_host_release(&s.host);
	ap_pt_release(&d);
	ap_analyse_result_release(&r);
	return 0;
}
