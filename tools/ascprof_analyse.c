#define _DEFAULT_SOURCE /* realpath */
/* ascprof-analyse: raw torch_npu dumps -> ASCEND_PROFILER_OUTPUT/. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/analyse.h"
#include "ap/log.h"
#include "ap/cann_exported.h"
#include "ap/ptdump.h"
#include "common/driver.h"
#include "common/opt.h"

#define PROG "ascprof-analyse"

struct config {
	const char *output, *format;
	int jobs, quiet, verbose, force, strict;
};

static struct config cfg;

static const struct ap_opt opts[] = {
	{ 'o', "output", AP_OPT_STRING, &cfg.output, "DIR",
	  "write DIR/<dump>/ASCEND_PROFILER_OUTPUT instead of inside each dump" },
	{ 'j', "jobs", AP_OPT_INT, &cfg.jobs, "N", "analyse N dumps at a time (default: $OMP_NUM_THREADS, else all cores)" },
	{ 0, "format", AP_OPT_STRING, &cfg.format, "LIST",
	  "service dumps: the outputs to write, a comma-separated subset of csv, json, db (default: all)" },
	{ 0, "force", AP_OPT_FLAG, &cfg.force, NULL,
	  "replace an ASCEND_PROFILER_OUTPUT/ that another tool wrote" },
	{ 0, "strict", AP_OPT_FLAG, &cfg.strict, NULL, "treat warnings as failures of their dump" },
	{ 'q', "quiet", AP_OPT_FLAG, &cfg.quiet, NULL, "print errors only" },
	{ 'v', "verbose", AP_OPT_COUNT, &cfg.verbose, NULL, "print more detail (repeat for debug)" },
};

static const struct ap_tool tool = {
	PROG,
	"DIR...",
	"Analyse raw torch_npu profiling dumps (*_ascend_pt directories), bare msprof PROF_*\n"
	"directories, or directories holding them, offline and write ASCEND_PROFILER_OUTPUT/ for\n"
	"each: trace_view.json, operator_details.csv, memory_record.csv, operator_memory.csv, and\n"
	"from the CANN data (raw PROF_* slices, decoded without msprof, or an msprof export)\n"
	"kernel_details.csv, op_statistic.csv, api_statistic.csv and task_time.csv; then\n"
	"analyse.done. A directory with MS Service Profiler databases (ms_service_*.db) below it\n"
	"is one service dump: its output/ gets request.csv, request_summary.csv, batch.csv,\n"
	"batch_summary.csv, kvcache.csv, service_summary.csv, request_status.csv, forward.csv,\n"
	"chrome_tracing.json and profiler.db.",
	opts,
	sizeof(opts) / sizeof(opts[0]),
	"Exit status: 0 every dump analysed cleanly, 1 a dump failed or lost data (named on\n"
	"stderr; the other dumps are still written), 2 usage error. See ascprof-analyse(1).\n",
};

/* realpath of path, or of its longest existing ancestor with the rest appended. */
static char *resolve(const char *path)
{
	char *copy = strdup(path), *slash, *r;
	size_t n;

	if (!copy)
		return NULL;
	r = realpath(copy, NULL);
	if (r) {
		free(copy);
		return r;
	}
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	if (!slash) {
		char *base = realpath(".", NULL), *out;

		if (!base) {
			free(copy);
			return NULL;
		}
		out = malloc(strlen(base) + strlen(copy) + 2);
		if (out) {
			memcpy(out, base, strlen(base));
			out[strlen(base)] = '/';
			memcpy(out + strlen(base) + 1, copy, strlen(copy) + 1);
		}
		free(base);
		free(copy);
		return out;
	}
	*slash = '\0';
	{
		char *parent = resolve(*copy ? copy : "/"), *out;
		const char *leaf = slash + 1;

		if (!parent) {
			free(copy);
			return NULL;
		}
		out = malloc(strlen(parent) + strlen(leaf) + 2);
		if (out) {
			size_t pl = strlen(parent);

			if (pl == 1)
				pl = 0; /* "/" */
			memcpy(out, parent, pl);
			out[pl] = '/';
			memcpy(out + pl + 1, leaf, strlen(leaf) + 1);
		}
		free(parent);
		free(copy);
		return out;
	}
}

static int is_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* The -o rules of CONVENTIONS §8, on canonical paths (real[i] of dumps->v[i]). Returns 0
 * or -1 (message printed). */
static int check_output_paths(const struct ap_strlist *dumps, char *const *real, const char *out)
{
	size_t i, j;

	for (i = 0; i < dumps->n; i++) {
		char *target, *target_real;
		const char *name;

		if (!real[i])
			continue; /* unreadable: that dump fails on its own */
		name = base_name(real[i]);
		if (is_within(out, real[i])) {
			fprintf(stderr, PROG ": output directory '%s' lies inside the input dump '%s'\n",
				cfg.output, dumps->v[i]);
			return -1;
		}
		if (!strncmp(out, real[i], strlen(out)) && real[i][strlen(out)] == '/' &&
		    !strchr(real[i] + strlen(out) + 1, '/')) {
			fprintf(stderr,
				PROG ": output directory '%s' is the parent of the input dump '%s': its copy would overwrite the input\n",
				cfg.output, dumps->v[i]);
			return -1;
		}
		/* DIR/<name> may already exist as a link into an input */
		target = malloc(strlen(out) + strlen(name) + 2);
		if (!target)
			return -1;
		memcpy(target, out, strlen(out));
		target[strlen(out)] = '/';
		memcpy(target + strlen(out) + 1, name, strlen(name) + 1);
		target_real = realpath(target, NULL);
		for (j = 0; target_real && j < dumps->n; j++) {
			if (real[j] && (is_within(target_real, real[j]) || is_within(real[j], target_real))) {
				fprintf(stderr,
					PROG ": output directory '%s' leads into the input dump '%s'\n",
					target, dumps->v[j]);
				free(target);
				free(target_real);
				return -1;
			}
		}
		free(target);
		free(target_real);
		for (j = 0; j < i; j++) {
			if (real[j] && !strcmp(name, base_name(real[j]))) {
				fprintf(stderr,
					PROG ": inputs '%s' and '%s' share the name '%s': their outputs would collide in '%s'\n",
					dumps->v[j], dumps->v[i], name, cfg.output);
				return -1;
			}
		}
	}
	return 0;
}

static int check_output(const struct ap_strlist *dumps, char *const *real)
{
	struct stat st;
	char *out;
	int ret;

	if (!*cfg.output) {
		fprintf(stderr, PROG ": the output directory of -o is empty\n");
		return -1;
	}
	if (stat(cfg.output, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, PROG ": output directory '%s' is not a directory\n", cfg.output);
		return -1;
	}
	out = resolve(cfg.output);
	if (!out) {
		fprintf(stderr, PROG ": cannot resolve output directory '%s': %s\n", cfg.output,
			strerror(errno));
		return -1;
	}
	ret = check_output_paths(dumps, real, out);
	free(out);
	return ret;
}

/* Canonical paths of the dumps (NULL where one cannot be resolved), with dumps named twice
 * (the same directory reached by two operands or paths) dropped: analysing one directory
 * twice at once would race on its output. Returns the array (dumps->n entries, free with
 * free_paths) or NULL when out of memory. */
static char **resolve_dumps(struct ap_strlist *dumps)
{
	char **real = calloc(dumps->n ? dumps->n : 1, sizeof(*real));
	size_t i, j, n = 0;

	if (!real)
		return NULL;
	for (i = 0; i < dumps->n; i++) {
		int dup = 0;

		real[n] = realpath(dumps->v[i], NULL);
		for (j = 0; j < n && real[n] && !dup; j++)
			dup = real[j] && !strcmp(real[j], real[n]);
		if (dup) {
			free(real[n]);
			real[n] = NULL;
			free(dumps->v[i]);
			continue;
		}
		dumps->v[n++] = dumps->v[i];
	}
	dumps->n = n;
	return real;
}

static void free_paths(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* -v: the CANN data msprof exported that a dump's outputs were made from. */
static void report_cann(const struct ap_job *job)
{
	const struct ap_analyse_result *r = &job->res;
	int k;

	if (r->cann_raw) {
		fprintf(stderr,
			PROG ": '%s': %sCANN raw data: host: %zu slice%s, %zu API interval%s, %zu task track%s; %zu device%s: %zu task log%s, %zu device task%s; %zu host task%s; %zu kernel row%s (op_summary), %zu task_time row%s\n",
			job->dir, r->bare_prof ? "bare PROF_* capture, " : "",
			r->cann_raw_counts.host_files, r->cann_raw_counts.host_files == 1 ? "" : "s",
			r->cann_raw_counts.apis, r->cann_raw_counts.apis == 1 ? "" : "s",
			r->cann_raw_counts.tracks, r->cann_raw_counts.tracks == 1 ? "" : "s",
			r->cann_raw_counts.devices, r->cann_raw_counts.devices == 1 ? "" : "s",
			r->cann_raw_counts.logs, r->cann_raw_counts.logs == 1 ? "" : "s",
			r->cann_raw_counts.dev_tasks, r->cann_raw_counts.dev_tasks == 1 ? "" : "s",
			r->cann_raw_counts.host_tasks, r->cann_raw_counts.host_tasks == 1 ? "" : "s",
			r->cann_rows[AP_CANN_OP_SUMMARY], r->cann_rows[AP_CANN_OP_SUMMARY] == 1 ? "" : "s",
			r->cann_rows[AP_CANN_TASK_TIME], r->cann_rows[AP_CANN_TASK_TIME] == 1 ? "" : "s");
		return;
	}
	fprintf(stderr, PROG ": '%s': %sCANN data exported by msprof (%s/):", job->dir,
		r->bare_prof ? "bare PROF_* capture, " : "", AP_CANN_EXPORT_DIR);
	for (k = 0; k < AP_CANN_CSV_KINDS; k++)
		fprintf(stderr, "%s %s %zu file%s, %zu row%s", k ? ";" : "",
			ap_cann_csv_name((enum ap_cann_csv)k), r->cann_files[k],
			r->cann_files[k] == 1 ? "" : "s", r->cann_rows[k],
			r->cann_rows[k] == 1 ? "" : "s");
	fprintf(stderr, "; msprof timeline %zu file%s, %zu event%s\n", r->cann_tl_files,
		r->cann_tl_files == 1 ? "" : "s", r->cann_tl_events,
		r->cann_tl_events == 1 ? "" : "s");
}

/* --format: a comma-separated subset of csv, json, db. Returns the bits, or 0 (printed). */
static unsigned parse_format(const char *list)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "csv", AP_SVC_FORMAT_CSV }, { "json", AP_SVC_FORMAT_JSON }, { "db", AP_SVC_FORMAT_DB },
	};
	unsigned bits = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ", "), k;

		for (k = 0; n && k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == n && !strncmp(p, names[k].name, n))
				break;
		if (n && k == sizeof(names) / sizeof(names[0])) {
			fprintf(stderr, PROG ": --format: unknown format '%.*s' (csv, json, db)\n",
				(int)n, p);
			return 0;
		}
		if (n)
			bits |= names[k].bit;
		p += n;
		p += strspn(p, ", ");
	}
	if (!bits)
		fprintf(stderr, PROG ": --format: no format given (csv, json, db)\n");
	return bits;
}

/* Reports one dump's trouble in a stable order; returns 1 when the dump failed. */
static int report(const struct ap_job *job)
{
	const struct ap_analyse_result *r = &job->res;
	int failed = job->ret < 0;
	size_t i;

	if (failed)
		fprintf(stderr, PROG ": %s\n", ap_err_text(&r->err));
	for (i = 0; i < r->diag.n; i++) {
		const struct ap_diag_entry *e = &r->diag.v[i];

		if (e->kind == AP_DIAG_WARN) {
			if (cfg.strict)
				failed = 1;
			if (cfg.quiet && !cfg.strict)
				continue;
			fprintf(stderr, PROG ": %s'%s': %s", cfg.strict ? "" : "warning: ", job->dir,
				e->first.buf);
		} else {
			failed = 1;
			fprintf(stderr, PROG ": '%s': %s", job->dir, e->first.buf);
		}
		if (e->count > 1)
			fprintf(stderr, " (and %lu more like it)", e->count - 1);
		fputc('\n', stderr);
	}
	if (r->diag.lost && (r->diag.lost_worst > AP_DIAG_WARN || cfg.strict || !cfg.quiet)) {
		if (r->diag.lost_worst > AP_DIAG_WARN || cfg.strict)
			failed = 1;
		fprintf(stderr, PROG ": '%s': %lu more problem report%s lost: out of memory\n",
			job->dir, r->diag.lost, r->diag.lost == 1 ? "" : "s");
	}
	if (!failed && r->db_skipped && !cfg.quiet)
		fprintf(stderr,
			PROG ": note: '%s': database outputs (export type db) are not written yet; text outputs written\n",
			job->dir);
	if (!failed && r->cann_skipped && !cfg.quiet)
		fprintf(stderr,
			PROG ": note: '%s': its PROF_* dir holds neither raw slices nor msprof's export (mindstudio_profiler_output/); framework outputs only\n",
			job->dir);
	if (cfg.verbose && job->ret == 0 && r->service)
		fprintf(stderr, PROG ": '%s': service dump: %zu database%s, %zu record%s\n", job->dir,
			r->svc_files, r->svc_files == 1 ? "" : "s", r->svc_rows,
			r->svc_rows == 1 ? "" : "s");
	if (cfg.verbose && job->ret == 0 && !r->bare_prof && !r->service)
		fprintf(stderr,
			PROG ": '%s': rank %d, FRAMEWORK generation G%d: %zu ops, %zu task-queue marks, %zu memory, %zu python tracer, %zu GC records\n",
			job->dir, r->rank_id, r->gen, r->n_ops, r->n_marks, r->n_mems, r->n_pyrecs, r->n_gcs);
	if (cfg.verbose && job->ret == 0 && (r->cann_exported || r->cann_raw))
		report_cann(job);
	if (r->out_dir && !cfg.quiet)
		printf("%s\n", r->out_dir);
	return failed;
}

int main(int argc, char **argv)
{
	struct ap_strlist dumps = { 0 };
	struct ap_analyse_opts o = { NULL, 0, 0, 0 };
	struct ap_job *jobs = NULL;
	char **operands, **real = NULL;
	int noperands, i, code = AP_EXIT_OK, r;
	size_t k;

	r = ap_opt_parse(&tool, argc, argv, &operands, &noperands);
	if (r != 0)
		return ap_tool_finish(PROG, r < 0 ? AP_EXIT_USAGE : AP_EXIT_OK);
	if (noperands == 0) {
		fprintf(stderr, PROG ": no dump directory given\n");
		ap_opt_usage(&tool, stderr);
		return ap_tool_finish(PROG, AP_EXIT_USAGE);
	}
	if (cfg.format && !(o.svc_formats = parse_format(cfg.format))) {
		ap_opt_usage(&tool, stderr);
		return ap_tool_finish(PROG, AP_EXIT_USAGE);
	}
	ap_log_setup(cfg.quiet ? AP_LOG_ERROR : cfg.verbose > 1 ? AP_LOG_DEBUG
					   : cfg.verbose ? AP_LOG_INFO : AP_LOG_WARN,
		     stderr, PROG);
	for (i = 0; i < noperands; i++) {
		struct ap_err err = AP_ERR_INIT;
		size_t before = dumps.n;

		if (ap_analyse_discover(operands[i], &dumps, &err) < 0) {
			fprintf(stderr, PROG ": %s\n", ap_err_text(&err));
			code = AP_EXIT_FAIL;
		} else if (dumps.n == before) {
			fprintf(stderr,
				PROG ": '%s': no dump found (a *_ascend_pt directory holds FRAMEWORK/ or PROF_*; a bare PROF_* directory holds host/, device_N/ or mindstudio_profiler_output/; a service dump holds ms_service_*.db files)\n",
				operands[i]);
			code = AP_EXIT_FAIL;
		}
		ap_err_release(&err);
	}
	real = resolve_dumps(&dumps);
	if (!real) {
		fprintf(stderr, PROG ": out of memory\n");
		code = AP_EXIT_FAIL;
		goto out;
	}
	if (cfg.output && check_output(&dumps, real) < 0) {
		code = AP_EXIT_USAGE;
		goto out;
	}
	o.out_root = cfg.output;
	o.force = cfg.force;
	jobs = calloc(dumps.n ? dumps.n : 1, sizeof(*jobs));
	if (!jobs) {
		fprintf(stderr, PROG ": out of memory\n");
		code = AP_EXIT_FAIL;
		goto out;
	}
	for (k = 0; k < dumps.n; k++) {
		jobs[k].dir = dumps.v[k];
		ap_analyse_result_init(&jobs[k].res);
	}
	ap_driver_run(jobs, dumps.n, cfg.jobs, !cfg.quiet && isatty(2) && dumps.n > 1, &o);
	for (k = 0; k < dumps.n; k++)
		if (report(&jobs[k]))
			code = AP_EXIT_FAIL;
out:
	for (k = 0; jobs && k < dumps.n; k++)
		ap_analyse_result_release(&jobs[k].res);
	free(jobs);
	free_paths(real, dumps.n);
	ap_strlist_release(&dumps);
	return ap_tool_finish(PROG, code);
}
