/*
 * gen_directives.c — the dump-level scenario directives (dump, gen, memsize, rank, profiler_info contents,
 * start_info / end_info, default pid and tid), see gen_main.c. The last one of a kind wins.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_local.h"

static int set_str(struct ap_gen *g, char *dst, size_t cap, const struct ap_gen_tok *t)
{
	if (t->len >= cap || strlen(t->val) != t->len) {
		ap_gen__err_at(g, "value too long or holds NUL");
		return -1;
	}
	memcpy(dst, t->val, t->len + 1);
	return 0;
}

/* *out = the token as a heap JSON string literal (replacing an earlier one). */
static int json_quoted(const struct ap_gen_tok *t, char **out)
{
	struct ap_gen_buf b = {0};
	ap_gen__json_str(&b, (const unsigned char *)t->val, t->len);
	put(&b, "", 1);
	free(*out);
	*out = (char *)b.p;
	return 0;
}

static int do_flags(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	static const char *const common[] = {"record_shapes", "profile_memory", "with_stack", "with_flops",
					     "with_modules"};
	static const char *const exps[][2] = {{"l2_cache", "_l2_cache"}, {"msprof_tx", "_msprof_tx"},
					     {"data_simplification", "_data_simplification"},
					     {"record_op_args", "record_op_args"}, {"op_attr", "_op_attr"}};
	for (int i = 1; i < n; i++) {
		const char *name = t[i].key ? t[i].key : t[i].val;
		int on = 1;
		if (t[i].key) {
			if (strcmp(t[i].val, "0") && strcmp(t[i].val, "1")) {
				ap_gen__err_at(g, "flags: %s= takes 0 or 1", name);
				return -1;
			}
			on = t[i].val[0] == '1';
		}
		int found = 0;
		for (int j = 0; j < 5; j++)
			if (strcmp(name, common[j]) == 0)
				g->common[j] = on, found = 1;
		for (int j = 0; j < 5; j++)
			if (strcmp(name, exps[j][0]) == 0)
				ap_gen__cfg_set(g, exps[j][1], on ? "true" : "false"), found = 1;
		if (!found) {
			ap_gen__err_at(g, "flags: unknown flag '%s'", name);
			return -1;
		}
	}
	return 0;
}

/* One `KEY VALUE` or `KEY=VALUE` pair of a syscnt line. */
static int syscnt_pair(struct ap_gen *g, const char *key, const struct ap_gen_tok *v)
{
	uint64_t x;
	if (strcmp(key, "freq") == 0) {
		char *end;
		errno = 0;
		g->freq = strtod(v->val, &end);
		if (errno || *end || !(g->freq > 0) || set_str(g, g->freq_text, sizeof(g->freq_text), v)) {
			ap_gen__err_at(g, "syscnt: bad freq '%s'", v->val);
			return -1;
		}
	} else if (strcmp(key, "start_cnt") == 0 || strcmp(key, "start_monotonic") == 0) {
		if (ap_gen__tok_num(g, v, &x))
			return -1;
		*(key[6] == 'c' ? &g->start_cnt : &g->start_mono) = (int64_t)x;
	} else {
		ap_gen__err_at(g, "syscnt: unknown key '%s'", key);
		return -1;
	}
	return 0;
}

static int do_syscnt(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	if (n == 2 && !t[1].key && strcmp(t[1].val, "omit") == 0) {
		g->start_omit = 1;
		g->syscnt = 0;
		return 0;
	}
	if (n < 2 || t[1].key || (strcmp(t[1].val, "0") && strcmp(t[1].val, "1"))) {
		ap_gen__err_at(g, "usage: syscnt 0|1 [freq F] [start_cnt N] [start_monotonic N] | syscnt omit");
		return -1;
	}
	g->start_omit = 0;
	g->syscnt = t[1].val[0] == '1';
	for (int i = 2; i < n; i++) {
		const char *key = t[i].key;
		const struct ap_gen_tok *v = &t[i];
		if (!key) {
			if (i + 1 >= n || t[i + 1].key) {
				ap_gen__err_at(g, "syscnt: '%s' needs a value", t[i].val);
				return -1;
			}
			key = t[i].val;
			v = &t[++i];
		}
		if (syscnt_pair(g, key, v))
			return -1;
	}
	return 0;
}

/* `activities A...` (blank-separated into g->activities) or `export T...` (a JSON list for _export_type). */
static int do_list(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n)
{
	struct ap_gen_buf b = {0};
	for (int i = 1; i < n; i++) {
		if (t[i].key) {
			ap_gen__err_at(g, "%s: unexpected key", kw);
			free(b.p);
			return -1;
		}
		if (kw[0] == 'a') {
			put(&b, t[i].val, t[i].len);
			put(&b, " ", 1);
		} else {
			puts_(&b, i > 1 ? ",\n                " : "[\n                ");
			ap_gen__json_str(&b, (const unsigned char *)t[i].val, t[i].len);
		}
	}
	if (kw[0] == 'a') {
		put(&b, "", 1);
		int rc = b.len <= sizeof(g->activities) ? 0 : -1;
		if (!rc)
			memcpy(g->activities, b.p, b.len);
		free(b.p);
		return rc;
	}
	puts_(&b, n > 1 ? "\n            ]" : "[]");
	put(&b, "", 1);
	ap_gen__cfg_set(g, "_export_type", (char *)b.p);
	free(b.p);
	return 0;
}

static int do_expcfg(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	if (ap_gen__need_pos(g, t, n, 3, "expcfg KEY JSON|-"))
		return -1;
	if (strcmp(t[2].val, "-") == 0)
		ap_gen__cfg_set(g, t[1].val, NULL);
	else
		ap_gen__cfg_set(g, t[1].val, t[2].val);
	return 0;
}

static int do_end_info(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	if (n == 2 && strcmp(t[1].val, "omit") == 0) {
		g->end_present = 0;
		return 0;
	}
	uint64_t a, b;
	if (ap_gen__need_pos(g, t, n, 3, "end_info COLLECTION_END MONOTONIC_END | end_info omit") ||
	    ap_gen__tok_num(g, &t[1], &a) || ap_gen__tok_num(g, &t[2], &b))
		return -1;
	g->end_present = 1;
	g->coll_end = (int64_t)a;
	g->mono_end = (int64_t)b;
	return 0;
}

static int do_info(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	if (ap_gen__need_pos(g, t, n, 2, "info omit"))
		return -1;
	if (strcmp(t[1].val, "omit")) {
		ap_gen__err_at(g, "usage: info omit");
		return -1;
	}
	g->info_omit = 1;
	return 0;
}

/* dump, gen, memsize, rank: the directives that check their value. */
static int set_checked(struct ap_gen *g, const char *kw, const struct ap_gen_tok *a)
{
	uint64_t v;
	if (strcmp(kw, "dump") == 0) {
		if (strchr(a->val, '/') || !strcmp(a->val, ".") || !strcmp(a->val, "..")) {
			ap_gen__err_at(g, "dump: a plain directory name is expected");
			return -1;
		}
		return set_str(g, g->dump, sizeof(g->dump), a);
	}
	if (strcmp(kw, "gen") == 0) {
		if (ap_gen__tok_num(g, a, &v) || v < 1 || v > 3) {
			ap_gen__err_at(g, "gen: 1, 2 or 3");
			return -1;
		}
		g->gen = (int)v;
		return 0;
	}
	if (strcmp(kw, "memsize") == 0) {
		if (ap_gen__tok_num(g, a, &v) || (v != 58 && v != 75 && v != 76 && v != 77)) {
			ap_gen__err_at(g, "memsize: 58, 75, 76 or 77");
			return -1;
		}
		g->memsize = (int)v;
		return 0;
	}
	/* rank */
	if (ap_gen__tok_num(g, a, &v) || set_str(g, g->rank, sizeof(g->rank), a))
		return -1;
	g->rank_kind = a->quoted ? 2 : 1;
	return 0;
}

/* The single-argument directives other than those of set_checked. */
static int set_value(struct ap_gen *g, const char *kw, const struct ap_gen_tok *a)
{
	if (strcmp(kw, "info_name") == 0)
		return ap_gen__safe_rel_path(g, a->val) || set_str(g, g->info_name, sizeof(g->info_name), a);
	if (strcmp(kw, "level") == 0 || strcmp(kw, "aic_metrics") == 0 || strcmp(kw, "export_str") == 0) {
		char *json = NULL;
		json_quoted(a, &json);
		ap_gen__cfg_set(g, kw[0] == 'l' ? "_profiler_level" : kw[0] == 'a' ? "_aic_metrics" : "_export_type",
				json);
		free(json);
		return 0;
	}
	if (strcmp(kw, "gc_threshold") == 0) {
		ap_gen__cfg_set(g, "_gc_detect_threshold", a->val);
		return 0;
	}
	if (strcmp(kw, "schedule") == 0 || strcmp(kw, "metadata") == 0) {
		char **dst = kw[0] == 's' ? &g->schedule : &g->metadata;
		free(*dst);
		*dst = ap_gen__xstrdup(a->val, a->len);
		return 0;
	}
	if (strcmp(kw, "torch_npu_version") == 0)
		return json_quoted(a, &g->npu_version);
	if (strcmp(kw, "cann_version") == 0)
		return json_quoted(a, &g->cann_version);
	if (strcmp(kw, "pid") == 0)
		return ap_gen__tok_num(g, a, &g->pid);
	if (strcmp(kw, "tid") == 0)
		return ap_gen__tok_num(g, a, &g->tid);
	return 0;
}

/* `KEYWORD VALUE` directives; *handled = 0 when kw is none of them. */
static int do_single(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled)
{
	static const char *const single[] = {"dump", "gen", "memsize", "rank", "info_name", "level", "aic_metrics",
					     "export_str", "gc_threshold", "schedule", "metadata",
					     "torch_npu_version", "cann_version", "pid", "tid"};
	int known = 0;
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		known |= strcmp(kw, single[i]) == 0;
	if (!known) {
		*handled = 0;
		return 0;
	}
	if (ap_gen__need_pos(g, t, n, 2, "KEYWORD VALUE"))
		return -1;
	if (strcmp(kw, "dump") == 0 || strcmp(kw, "gen") == 0 || strcmp(kw, "memsize") == 0 ||
	    strcmp(kw, "rank") == 0)
		return set_checked(g, kw, &t[1]);
	return set_value(g, kw, &t[1]);
}

int ap_gen__header_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled)
{
	*handled = 1;
	if (strcmp(kw, "flags") == 0)
		return do_flags(g, t, n);
	if (strcmp(kw, "syscnt") == 0)
		return do_syscnt(g, t, n);
	if (strcmp(kw, "activities") == 0 || strcmp(kw, "export") == 0)
		return do_list(g, kw, t, n);
	if (strcmp(kw, "expcfg") == 0)
		return do_expcfg(g, t, n);
	if (strcmp(kw, "end_info") == 0)
		return do_end_info(g, t, n);
	if (strcmp(kw, "info") == 0)
		return do_info(g, t, n);
	return do_single(g, kw, t, n, handled);
}
