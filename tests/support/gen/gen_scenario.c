/*
 * gen_scenario.c — the scenario state (defaults, FRAMEWORK file buffers, experimental_config entries, python
 * tracer hash entries) and the loop that reads a scenario line by line and dispatches each directive.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_local.h"
#include "gen_prof.h"

struct ap_gen_fw_file *ap_gen__fw(struct ap_gen *g, const char *name)
{
	for (int i = 0; i < g->nfiles; i++)
		if (strcmp(g->files[i].name, name) == 0)
			return &g->files[i];
	size_t n = strlen(name);
	if (g->nfiles == AP_GEN_MAX_FILES || n == 0 || n >= sizeof(g->files[0].name) || strchr(name, '/') ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		ap_gen__err_at(g, "bad or too many FRAMEWORK file names: '%s'", name);
		return NULL;
	}
	struct ap_gen_fw_file *f = &g->files[g->nfiles++];
	memcpy(f->name, name, n + 1);
	memcpy(f->out_name, name, n + 1);
	return f;
}

static int cfg_rank(const char *key)
{
	static const char *const order[] = {"_profiler_level", "_aic_metrics", "_l2_cache", "_msprof_tx", "_mstx",
					    "_data_simplification", "record_op_args", "_export_type", "_host_sys",
					    "_op_attr", "_gc_detect_threshold", "_mstx_domain_include",
					    "_mstx_domain_exclude", "_sys_io", "_sys_interconnection"};
	int n = (int)(sizeof(order) / sizeof(order[0]));
	for (int i = 0; i < n; i++)
		if (strcmp(key, order[i]) == 0)
			return i;
	return n;
}

void ap_gen__cfg_set(struct ap_gen *g, const char *key, const char *json)
{
	for (int i = 0; i < g->ncfg; i++) {
		if (strcmp(g->cfg[i].key, key) != 0)
			continue;
		free(g->cfg[i].json);
		if (json) {
			g->cfg[i].json = ap_gen__xstrdup(json, strlen(json));
		} else {
			memmove(&g->cfg[i], &g->cfg[i + 1], sizeof(g->cfg[0]) * (size_t)(g->ncfg - i - 1));
			g->ncfg--;
		}
		return;
	}
	if (!json || g->ncfg == AP_GEN_MAX_CFG || strlen(key) >= sizeof(g->cfg[0].key))
		return;
	/* a new key goes where _ExperimentalConfig.__init__ (master) assigns it; unknown keys go last */
	int at = g->ncfg, rank = cfg_rank(key);
	for (int i = 0; i < g->ncfg; i++)
		if (cfg_rank(g->cfg[i].key) > rank) {
			at = i;
			break;
		}
	memmove(&g->cfg[at + 1], &g->cfg[at], sizeof(g->cfg[0]) * (size_t)(g->ncfg - at));
	g->ncfg++;
	snprintf(g->cfg[at].key, sizeof(g->cfg[0].key), "%s", key);
	g->cfg[at].json = ap_gen__xstrdup(json, strlen(json));
}

void ap_gen__init(struct ap_gen *g, const char *src)
{
	memset(g, 0, sizeof(*g));
	g->src = src;
	g->gen = 3;
	snprintf(g->activities, sizeof(g->activities), "CPU NPU");
	snprintf(g->freq_text, sizeof(g->freq_text), "100");
	g->freq = 100.0;
	g->pid = g->tid = 1000;
	static const char *const defaults[][2] = {
		{"_profiler_level", "\"Level0\""}, {"_aic_metrics", "\"ACL_AICORE_NONE\""},
		{"_l2_cache", "false"}, {"_msprof_tx", "false"}, {"_data_simplification", "true"},
		{"record_op_args", "false"}, {"_export_type", "[\n                \"text\"\n            ]"},
		{"_op_attr", "false"}, {"_gc_detect_threshold", "null"},
	};
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		ap_gen__cfg_set(g, defaults[i][0], defaults[i][1]);
}

void ap_gen__release(struct ap_gen *g)
{
	for (int i = 0; i < g->ncfg; i++)
		free(g->cfg[i].json);
	for (int i = 0; i < g->nfiles; i++)
		free(g->files[i].b.p);
	for (size_t i = 0; i < g->nhash; i++)
		free(g->hashes[i].name);
	free(g->hashes);
	free(g->schedule);
	free(g->npu_version);
	free(g->cann_version);
	free(g->metadata);
	free(g->extra.p);
	ap_gen__prof_free(g->prof);
}

void ap_gen__hash_add(struct ap_gen *g, uint64_t key, const void *name, size_t len)
{
	for (size_t i = 0; i < g->nhash; i++)
		if (g->hashes[i].key == key && g->hashes[i].len == len && memcmp(g->hashes[i].name, name, len) == 0)
			return;
	if (g->nhash == g->caphash) {
		g->caphash = g->caphash ? 2 * g->caphash : 64;
		g->hashes = realloc(g->hashes, g->caphash * sizeof(*g->hashes));
		if (!g->hashes)
			ap_gen__oom();
	}
	g->hashes[g->nhash].key = key;
	g->hashes[g->nhash].name = (unsigned char *)ap_gen__xstrdup(name, len);
	g->hashes[g->nhash++].len = len;
}

/* After a gen or memsize line: warn about a generation/layout pair no release wrote (§3.10). */
static void check_memsize(struct ap_gen *g)
{
	int ms = g->memsize, gn = g->gen;
	if (ms && !((gn == 1 && (ms == 58 || ms == 75 || ms == 76)) || (gn == 2 && ms == 76) ||
		    (gn == 3 && (ms == 76 || ms == 77))))
		ap_gen__warn_at(g, "no released gen %d writer used %d-byte memory records (§3.10)", gn, ms);
}

/* One tokenized, non-empty line. */
static int run_line(struct ap_gen *g, struct ap_gen_tok *t, int nt)
{
	if (t[0].key || t[0].quoted) {
		ap_gen__err_at(g, "a line starts with a directive keyword");
		return -1;
	}
	const char *kw = t[0].val;
	int handled = 0;
	int r = ap_gen__header_directive(g, kw, t, nt, &handled);
	if (r == 0 && !handled)
		r = ap_gen__prof_directive(g, kw, t, nt, &handled);
	if (r == 0 && !handled)
		r = ap_gen__record_directive(g, kw, t, nt);
	if (strcmp(kw, "gen") == 0 || strcmp(kw, "memsize") == 0)
		check_memsize(g);
	return r;
}

/* Every line of in through g; 1 at the first failing line or on a read error, else 0. */
static int run_lines(struct ap_gen *g, FILE *in)
{
	struct ap_gen_tok t[AP_GEN_MAX_TOK];
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, nt;
	while (rc == 0 && getline(&line, &cap, in) != -1) {
		g->line++;
		if (ap_gen__tokenize(g, line, t, &nt)) {
			rc = 1;
			break;
		}
		if (nt > 0 && run_line(g, t, nt))
			rc = 1;
	}
	if (rc == 0 && ferror(in)) {
		fprintf(stderr, "ap-gen: cannot read '%s'\n", g->src);
		rc = 1;
	}
	free(line);
	return rc;
}

int ap_gen__run_scenario(const char *src, const char *outdir)
{
	struct ap_gen g;
	FILE *in = strcmp(src, "-") == 0 ? stdin : fopen(src, "r");
	if (!in) {
		fprintf(stderr, "ap-gen: cannot open '%s': %s\n", src, strerror(errno));
		return 1;
	}
	ap_gen__init(&g, src);
	int rc = run_lines(&g, in);
	if (rc == 0 && !g.dump[0]) {
		fprintf(stderr, "ap-gen: %s: no 'dump NAME' line\n", src);
		rc = 1;
	}
	if (rc == 0 && ap_gen__write_dump(&g, outdir))
		rc = 1;
	if (in != stdin)
		fclose(in);
	ap_gen__release(&g);
	return rc;
}
