/* batch.csv of a service dump (specs/ms_service_profiler.md §3.2; upstream
 * exporters/exporter_batch.py: filter_batch_df, add_precomputed_kv_cache_fields,
 * add_columns_for_batch_size_and_tokens, add_dp_rank_column). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/strtab.h"
#include "ap/svc_csv.h"
#include "ap/svc_fmt.h"
#include "ap/u64map.h"
#include "w_svc_local.h"
#include "../base/banned.h"

/* A Python number as pandas infers the column: ints stay int64 unless a float joins them. */
struct pynum {
	double d;
	int64_t i;
	uint8_t is_f;
};

static void pynum_add(struct pynum *a, const struct pynum *b)
{
	if (a->is_f || b->is_f) {
		a->d = (a->is_f ? a->d : (double)a->i) + (b->is_f ? b->d : (double)b->i);
		a->is_f = 1;
	} else {
		a->i += b->i;
	}
}

struct brow {
	const struct ap_svc_row *r;
	const struct ap_svc_row *kv; /* the KVCacheStatus row copied onto a schedule row */
	int64_t npre, ndec;
	struct pynum pre, dec, tot;
	uint32_t dp;                 /* index + 1 into the dp values, 0 = unknown */
};

enum { KV_TOTAL, KV_USED, KV_FREE, KV_ALLOC, KV_FREED, KV_RATE, KV_N };

static const char *const kv_names[KV_N] = {
	"total_blocks", "used_blocks", "free_blocks", "blocks_allocated", "blocks_freed",
	"kvcache_usage_rate",
};

static int name_is(const char *name, const char *want)
{
	return name && !strcmp(name, want);
}

/* ---- res_list: batch sizes and scheduled tokens ------------------------------------------ */

/* Python float(str): surrounding blanks allowed, decimal or inf/nan words only. */
static int py_float(const char *s, size_t n, double *out)
{
	char tmp[64], *end;
	size_t i = 0;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	s += i;
	n -= i;
	if (!n || n >= sizeof tmp || memchr(s, 'x', n) || memchr(s, 'X', n) || memchr(s, '(', n))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod(tmp, &end);
	return end == tmp + n;
}

/* Python's `v == k` for a JSON value and a small int (bools are ints). */
static int sv_eq_int(const struct ap_sv *v, int k)
{
	switch (v->type) {
	case AP_SV_INT: return v->u.i == k;
	case AP_SV_REAL: return v->u.d == (double)k;
	case AP_SV_FALSE: return k == 0;
	case AP_SV_TRUE: return k == 1;
	default: return 0;
	}
}

/* One element's num_scheduled_tokens (or num_scheduled_tokens=). Returns 0 when adding it
 * would raise in Python (None, list, dict): the whole row then counts 0. */
static int req_tokens(const struct ap_sv *obj, struct pynum *t)
{
	const struct ap_sv *v = ap_sv_get(obj, "num_scheduled_tokens");

	memset(t, 0, sizeof *t);
	if (!v)
		v = ap_sv_get(obj, "num_scheduled_tokens=");
	if (!v)
		return 1;
	switch (v->type) {
	case AP_SV_INT: t->i = v->u.i; return 1;
	case AP_SV_REAL: t->d = v->u.d; t->is_f = 1; return 1;
	case AP_SV_TRUE: t->i = 1; return 1;
	case AP_SV_FALSE: return 1;
	case AP_SV_STR:
		if (py_float(v->u.s, v->n, &t->d))
			t->is_f = 1;
		return 1;
	default: return 0;
	}
}

static void batch_tokens(struct brow *b)
{
	const struct ap_sv *res = &b->r->res;
	uint32_t k;

	b->npre = b->ndec = 0;
	memset(&b->pre, 0, sizeof b->pre);
	memset(&b->dec, 0, sizeof b->dec);
	if (res->type == AP_SV_LIST) {
		for (k = 0; k < res->n; k++) {
			const struct ap_sv *e = &res->u.items[k], *ty, *it;
			struct pynum t;
			int type;

			if (e->type != AP_SV_OBJ)
				continue;
			ty = ap_sv_get(e, "type");
			if (ty)
				type = sv_eq_int(ty, 0) ? 0 : sv_eq_int(ty, 1) ? 1 : -1;
			else
				type = ((it = ap_sv_get(e, "iter")) && sv_eq_int(it, 0)) ? 0 : 1;
			if (type < 0) {
				continue;
			}
			if (!req_tokens(e, &t)) {
				b->npre = b->ndec = 0;
				memset(&b->pre, 0, sizeof b->pre);
				memset(&b->dec, 0, sizeof b->dec);
				break;
			}
			if (type == 0) {
				b->npre++;
				pynum_add(&b->pre, &t);
			} else {
				b->ndec++;
				pynum_add(&b->dec, &t);
			}
		}
	}
	b->tot = b->pre;
	pynum_add(&b->tot, &b->dec);
}

/* ---- KV columns --------------------------------------------------------------------------- */

static double kv_get(const struct ap_svc_row *r, int c)
{
	switch (c) {
	case KV_TOTAL: return (double)r->total_blocks;
	case KV_USED: return (double)r->used_blocks;
	case KV_FREE: return (double)r->free_blocks;
	case KV_ALLOC: return (double)r->blocks_allocated;
	case KV_FREED: return (double)r->blocks_freed;
	default: return r->kvcache_usage_rate;
	}
}

/* The value before fillna(0): the matched KVCacheStatus row's, else the row's own (NaN when
 * its process had no KV rows). */
static double kv_value(const struct brow *b, int c)
{
	const struct ap_svc_row *src = b->kv ? b->kv : b->r->has_kv ? b->r : NULL;

	return src ? kv_get(src, c) : NAN;
}

/* Per prof_id, the KVCacheStatus rows with values in merged (= start) order; each
 * BatchSchedule / batchFrameworkProcessing row takes the first at or after its start, else
 * the last before it. grp[file] is the file's prof_id group. */
static int match_kv(const struct ap_svc *s, struct brow *rows, size_t n, const uint32_t *grp,
		    uint32_t ngrp)
{
	size_t *off = calloc((size_t)ngrp + 1, sizeof *off), *fill = NULL, i, total = 0;
	const struct ap_svc_row **kv = NULL;
	int ret = AP_ENOMEM;

	if (!off)
		return ret;
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		if (r->has_kv && name_is(r->name, "KVCacheStatus")) {
			off[grp[r->file] + 1]++;
			total++;
		}
	}
	if (!total) {
		ret = 0;
		goto out;
	}
	for (i = 0; i < ngrp; i++)
		off[i + 1] += off[i];
	kv = malloc(total * sizeof *kv);
	fill = malloc((size_t)ngrp * sizeof *fill);
	if (!kv || !fill)
		goto out;
	memcpy(fill, off, (size_t)ngrp * sizeof *fill);
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		if (r->has_kv && name_is(r->name, "KVCacheStatus"))
			kv[fill[grp[r->file]]++] = r;
	}
	for (i = 0; i < n; i++) {
		const struct ap_svc_row *r = rows[i].r;
		size_t lo, hi, g;

		if (!name_is(r->name, "BatchSchedule") && !name_is(r->name, "batchFrameworkProcessing"))
			continue;
		g = grp[r->file];
		lo = off[g];
		hi = off[g + 1];
		if (lo == hi)
			continue;
		{
			size_t a = lo, b = hi;

			while (a < b) {
				size_t m = a + (b - a) / 2;

				if (kv[m]->start_us >= r->start_us)
					b = m;
				else
					a = m + 1;
			}
			rows[i].kv = a < hi ? kv[a] : kv[hi - 1];
		}
	}
	ret = 0;
out:
	free(off);
	free(fill);
	free(kv);
	return ret;
}

/* ---- dp_rank ------------------------------------------------------------------------------ */

/* The row's dpRankId cell: the file's Meta value, else a non-null attribute. */
static int row_dp(const struct ap_svc_row *r, const char *const *meta_dp, struct ap_sv *out)
{
	const struct ap_sv *v;

	if (meta_dp[r->file]) {
		out->type = AP_SV_STR;
		out->u.s = meta_dp[r->file];
		out->n = (uint32_t)strlen(meta_dp[r->file]);
		return 1;
	}
	v = ap_sv_get(&r->attrs, "dpRankId");
	if (!v || v->type == AP_SV_NULL || v->type == AP_SV_ABSENT)
		return 0;
	if (v->type == AP_SV_REAL && isnan(v->u.d))
		return 0;
	*out = *v;
	return 1;
}

/* pandas astype(str).str.strip().str.lower(): == "meta" (exact) or contains "meta". */
static int meta_like(const char *s, int exact)
{
	size_t n, i = 0, j = 0;

	if (!s)
		return 0;  /* 'None' */
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (exact) {
		if (n - i != 4)
			return 0;
		for (j = 0; j < 4; j++)
			if (tolower((unsigned char)s[i + j]) != "meta"[j])
				return 0;
		return 1;
	}
	for (; i + 4 <= n; i++) {
		for (j = 0; j < 4 && tolower((unsigned char)s[i + j]) == "meta"[j]; j++)
			;
		if (j == 4)
			return 1;
	}
	return 0;
}

/* add_dp_rank_column: rows with domain and name "Meta", else domain or name containing
 * "meta", else any row; the first dpRankId per pid. */
static int build_dp(const struct ap_svc *s, const char *const *meta_dp, struct ap_u64map *map,
		    struct ap_sv **vals, size_t *nvals)
{
	size_t i, n = 0, cap = 0;
	int tier;

	*vals = NULL;
	*nvals = 0;
	for (tier = 0; tier < 3 && !n; tier++) {
		for (i = 0; i < s->n_rows; i++) {
			const struct ap_svc_row *r = &s->rows[i];
			struct ap_sv v;
			struct ap_u64map_slot *sl;
			int added;

			if (tier == 0 && !(meta_like(r->domain, 1) && meta_like(r->name, 1)))
				continue;
			if (tier == 1 && !meta_like(r->domain, 0) && !meta_like(r->name, 0))
				continue;
			if (!row_dp(r, meta_dp, &v))
				continue;
			sl = ap_u64map_get(map, (uint64_t)r->pid, &added);
			if (!sl)
				return AP_ENOMEM;
			if (!added)
				continue;
			if (n == cap) {
				struct ap_sv *nv = realloc(*vals, (2 * cap + 4) * sizeof *nv);

				if (!nv)
					return AP_ENOMEM;
				*vals = nv;
				cap = 2 * cap + 4;
			}
			(*vals)[n++] = v;
			sl->val = (uint32_t)n;
		}
	}
	*nvals = n;
	return 0;
}

/* ---- the file ----------------------------------------------------------------------------- */

static const char *batch_name_of(const struct ap_svc *s)
{
	size_t i;
	int bfp = 0;

	for (i = 0; i < s->n_rows; i++) {
		if (name_is(s->rows[i].name, "BatchSchedule"))
			return "BatchSchedule";
		bfp |= name_is(s->rows[i].name, "batchFrameworkProcessing");
	}
	return bfp ? "batchFrameworkProcessing" : "Schedule";
}

static int is_batch_row(const struct ap_svc_row *r, const char *batch_name)
{
	const char *n = r->name;

	return n && (!strcmp(n, batch_name) || !strcmp(n, "modelExec") ||
		     !strcmp(n, "modelRunnerExec") || !strcmp(n, "Execute") ||
		     !strcmp(n, "specDecoding"));
}

/* batch_size as float: len(rid_list), else the hook's own attribute (the plugin did not run
 * for that process). */
static double row_batch_size(const struct ap_svc_row *r)
{
	const struct ap_sv *v;
	double d;

	if (r->batch_size >= 0)
		return (double)r->batch_size;
	v = ap_sv_get(&r->attrs, "batch_size");
	if (!v)
		return NAN;
	if (v->type == AP_SV_INT)
		return (double)v->u.i;
	if (v->type == AP_SV_REAL)
		return v->u.d;
	if (v->type == AP_SV_STR && py_float(v->u.s, v->n, &d))
		return d;
	return NAN;
}

/* A batch column: its CSV name, DB name and type. */
static void col(struct ap_svc_sink_col *c, size_t *n, const char *csv, const char *db,
		enum ap_svc_db_type t)
{
	c[*n].csv = csv;
	c[*n].db.name = db;
	c[*n].db.type = t;
	(*n)++;
}

static int write_row(struct ap_svc_sink *k, const struct ap_svc *s, const struct brow *b,
		     const int *kv_on, int kv_int, const int *tok_f, const struct ap_sv *dpv,
		     struct ap_err *err)
{
	const struct ap_svc_row *r = b->r;
	int c;

	ap_svc__sink_str(k, r->name, SIZE_MAX);
	ap_svc__sink_sv(k, &r->res, 1); /* str(): ints stay ints */
	ap_svc__sink_datetime(k, r->start_us);
	ap_svc__sink_datetime(k, r->end_us);
	ap_svc__sink_f(k, r->during_us / 1000.0);
	ap_svc__sink_str(k, r->batch_type, SIZE_MAX);
	ap_svc__sink_str(k, s->files[r->file].prof_id, SIZE_MAX);
	ap_svc__sink_f(k, row_batch_size(r));
	for (c = 0; c < KV_N; c++) {
		double v;

		if (!kv_on[c])
			continue;
		v = kv_value(b, c);
		if (isnan(v))
			v = 0.0;
		if (kv_int && c != KV_RATE)
			ap_svc__sink_i(k, (int64_t)v);
		else
			ap_svc__sink_f(k, v);
	}
	ap_svc__sink_i(k, b->npre);
	ap_svc__sink_i(k, b->ndec);
	if (tok_f[0])
		ap_svc__sink_f(k, b->pre.is_f ? b->pre.d : (double)b->pre.i);
	else
		ap_svc__sink_i(k, b->pre.i);
	if (tok_f[1])
		ap_svc__sink_f(k, b->dec.is_f ? b->dec.d : (double)b->dec.i);
	else
		ap_svc__sink_i(k, b->dec.i);
	if (tok_f[2])
		ap_svc__sink_f(k, b->tot.is_f ? b->tot.d : (double)b->tot.i);
	else
		ap_svc__sink_i(k, b->tot.i);
	ap_svc__sink_sv(k, b->dp ? &dpv[b->dp - 1] : NULL, 0);
	ap_svc__sink_f(k, r->start_us / 1000.0);
	ap_svc__sink_f(k, r->end_us / 1000.0);
	return ap_svc__sink_row(k, err);
}

/* The rows of batch.csv / table batch into k. Nothing is written when no row qualifies or
 * no row of the dump has a rid. */
static int batch_emit(const struct ap_svc *s, struct ap_svc_sink *k, struct ap_err *err)
{
	static const char *const kv_dbnames[KV_N] = {
		"total_blocks", "used_blocks", "free_blocks", "blocks_allocated", "blocks_freed",
		"kvcache_usage_rate",
	};
	struct ap_svc_sink_col cols[32];
	struct ap_strtab ids;
	struct ap_u64map dpmap = { 0 };
	struct ap_sv *dpv = NULL;
	struct brow *rows = NULL;
	const char **meta_dp = NULL;
	uint32_t *grp = NULL, ngrp = 0;
	const char *batch_name;
	size_t i, n = 0, ndp = 0, nc = 0;
	int kv_on[KV_N] = { 0 }, tok_f[3] = { 0 }, kv_int = 1, any_res = 0, any_kv = 0, c, ret;
	int dp_text = 0;

	if (ap_strtab_init(&ids))
		return ap_err_set(err, AP_ENOMEM, "batch: out of memory");
	batch_name = batch_name_of(s);
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		n += is_batch_row(r, batch_name);
		any_res |= r->res.type != AP_SV_ABSENT;
		kv_int &= r->has_kv;
		any_kv |= r->has_kv;
	}
	if (!n || !any_res) {
		ret = 0;
		goto out;
	}
	ret = AP_ENOMEM;
	rows = calloc(n, sizeof *rows);
	grp = calloc(s->n_files ? s->n_files : 1, sizeof *grp);
	meta_dp = calloc(s->n_files ? s->n_files : 1, sizeof *meta_dp);
	if (!rows || !grp || !meta_dp || ap_u64map_init(&dpmap, s->n_files + 8))
		goto fail;
	for (i = 0; i < s->n_files; i++) {
		const char *p = s->files[i].prof_id ? s->files[i].prof_id : "";
		uint32_t id = ap_strtab_intern(&ids, p, strlen(p), NULL);

		if (!id)
			goto fail;
		grp[i] = id;
		ngrp = id > ngrp ? id : ngrp;
		meta_dp[i] = ap_svc_file_meta(&s->files[i], "dpRankId");
	}
	n = 0;
	for (i = 0; i < s->n_rows; i++)
		if (is_batch_row(&s->rows[i], batch_name))
			rows[n++].r = &s->rows[i];
	if (any_kv && match_kv(s, rows, n, grp, ngrp + 1))
		goto fail;
	if (build_dp(s, meta_dp, &dpmap, &dpv, &ndp))
		goto fail;
	for (i = 0; i < ndp; i++)
		dp_text |= dpv[i].type != AP_SV_INT && dpv[i].type != AP_SV_REAL;
	for (i = 0; i < n; i++) {
		struct brow *b = &rows[i];
		struct ap_u64map_slot *sl = ap_u64map_find(&dpmap, (uint64_t)b->r->pid);

		batch_tokens(b);
		tok_f[0] |= b->pre.is_f;
		tok_f[1] |= b->dec.is_f;
		tok_f[2] |= b->tot.is_f;
		b->dp = sl ? sl->val : 0;
		for (c = 0; any_kv && c < KV_N; c++) {
			double v = kv_value(b, c);

			kv_on[c] |= !isnan(v) && v != 0.0;
		}
	}

	/* the DB table: object columns TEXT, float64 REAL, int64 INTEGER (pandas to_sql) */
	col(cols, &nc, "name", "name", AP_SVC_DB_TEXT);
	col(cols, &nc, "res_list", "res_list", AP_SVC_DB_TEXT);
	col(cols, &nc, "start_datetime", "start_datetime", AP_SVC_DB_TEXT);
	col(cols, &nc, "end_datetime", "end_datetime", AP_SVC_DB_TEXT);
	col(cols, &nc, "during_time(ms)", "during_time", AP_SVC_DB_REAL);
	col(cols, &nc, "batch_type", "batch_type", AP_SVC_DB_TEXT);
	col(cols, &nc, "prof_id", "prof_id", AP_SVC_DB_TEXT);
	col(cols, &nc, "batch_size", "batch_size", AP_SVC_DB_REAL);
	for (c = 0; c < KV_N; c++)
		if (kv_on[c])
			col(cols, &nc, kv_names[c], kv_dbnames[c],
			    kv_int && c != KV_RATE ? AP_SVC_DB_INTEGER : AP_SVC_DB_REAL);
	col(cols, &nc, "prefill_batch_size", "prefill_batch_size", AP_SVC_DB_INTEGER);
	col(cols, &nc, "decode_batch_size", "decode_batch_size", AP_SVC_DB_INTEGER);
	col(cols, &nc, "prefill_scheduled_tokens", "prefill_scheduled_tokens",
	    tok_f[0] ? AP_SVC_DB_REAL : AP_SVC_DB_INTEGER);
	col(cols, &nc, "decode_scheduled_tokens", "decode_scheduled_tokens",
	    tok_f[1] ? AP_SVC_DB_REAL : AP_SVC_DB_INTEGER);
	col(cols, &nc, "total_scheduled_tokens", "total_scheduled_tokens",
	    tok_f[2] ? AP_SVC_DB_REAL : AP_SVC_DB_INTEGER);
	col(cols, &nc, "dp_rank", "dp_rank", dp_text ? AP_SVC_DB_TEXT : AP_SVC_DB_REAL);
	/* upstream's header says ms over µs values; ascprof writes ms (issue 11) */
	col(cols, &nc, "start_time(ms)", "start_time(ms)", AP_SVC_DB_REAL);
	col(cols, &nc, "end_time(ms)", "end_time(ms)", AP_SVC_DB_REAL);
	ret = ap_svc__sink_begin(k, cols, nc, err);
	for (i = 0; i < n && !ret; i++)
		ret = write_row(k, s, &rows[i], kv_on, kv_int, tok_f, dpv, err);
	if (!ret)
		ret = ap_svc__sink_commit(k, err);
	goto out;
fail:
	ret = ap_err_set(err, AP_ENOMEM, "batch: out of memory");
out:
	ap_strtab_release(&ids);
	ap_u64map_release(&dpmap);
	free(dpv);
	free(rows);
	free(grp);
	free(meta_dp);
	return ret;
}

int ap_svc_write_batch(const struct ap_svc *s, const char *dir, struct ap_err *err)
{
	struct ap_svc_sink k;
	int ret;

	ap_svc__sink_init(&k, NULL, dir, "batch.csv");
	ret = batch_emit(s, &k, err);
	ap_svc__sink_release(&k);
	return ret;
}

int ap_svc__db_batch(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err)
{
	struct ap_svc_sink k;
	int ret;

	ap_svc__sink_init(&k, db, NULL, "batch");
	ret = batch_emit(s, &k, err);
	ap_svc__sink_release(&k);
	return ret;
}
