/* request_summary.csv, batch_summary.csv and service_summary.csv of a service dump
 * (specs/ms_service_profiler.md §3.4-§3.6; upstream exporters/exporter_summary.py: the row walk
 * of process_req_record / process_batch_record, calculate_request_metrics, the replacement
 * lists of get_new_total_time / get_new_ttft_wait_time, drop_all_zero_rows and
 * save_dataframe_to_csv). Upstream's quirks are kept: the replaced lists, batch exec times that
 * stay 0 (a float duration is never "all digits"), batch keys that collapse repeated steps. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/strtab.h"
#include "ap/svc_fmt.h"
#include "ap/svc_req.h"
#include "../base/banned.h"

enum { ST_AVG, ST_MAX, ST_MIN, ST_P50, ST_P90, ST_P99, ST_N };

/* one req_map entry */
struct ent {
	double req_start, res_end;
	double waiting, pending, exec, ftl;
	double input, generated;
	uint8_t has_req, has_res;
};

/* token_id[str(iter)] = end_time of an entry, in walk order (seq) */
struct tok {
	uint32_t ent, seq;
	int64_t iter;
	double end;
};

struct bent {
	int prefill;
	double num;
};

struct walk {
	struct ap_strtab rids, keys;
	uint32_t *ent_of;  /* rid id -> entry index + 1 */
	size_t ent_of_cap;
	struct ent *ents;
	size_t n_ents, cap_ents;
	struct tok *toks;
	size_t n_toks, cap_toks;
	uint32_t *bent_of; /* key id -> batch entry index + 1 */
	size_t bent_of_cap;
	struct bent *bents;
	size_t n_bents, cap_bents;
	struct ap_strbuf sb;
	int oom;
};

struct ridx {
	const char *rid;
	uint32_t i;
};

static int name_is(const char *name, const char *want)
{
	return name && !strcmp(name, want);
}

/* Grows *p (of *cap elements of size) to hold need elements; 0 or -1. */
static int grow(void *p, size_t *cap, size_t need, size_t size)
{
	void *np;
	size_t nc;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 16;
	while (nc < need)
		nc *= 2;
	np = realloc(*(void **)p, nc * size);
	if (!np)
		return -1;
	memset((char *)np + *cap * size, 0, (nc - *cap) * size);
	*(void **)p = np;
	*cap = nc;
	return 0;
}

/* Python `v == 1` */
static int sv_is_one(const struct ap_sv *v)
{
	return v && ((v->type == AP_SV_INT && v->u.i == 1) ||
		     (v->type == AP_SV_REAL && v->u.d == 1.0) || v->type == AP_SV_TRUE);
}

/* is_valid_number: a number that is not NaN (bools are ints) */
static int sv_number(const struct ap_sv *v, double *out)
{
	if (!v)
		return 0;
	switch (v->type) {
	case AP_SV_INT: *out = (double)v->u.i; return 1;
	case AP_SV_REAL: *out = v->u.d; return !isnan(v->u.d);
	case AP_SV_TRUE: *out = 1.0; return 1;
	case AP_SV_FALSE: *out = 0.0; return 1;
	default: return 0; /* strings would make the statistics NaN upstream: ignored here */
	}
}

/* The entry of rid: NULL when it does not exist and create is 0. */
static struct ent *entry(struct walk *w, const char *rid, int create)
{
	uint32_t id = ap_strtab_intern(&w->rids, rid, strlen(rid), NULL);

	if (!id || grow(&w->ent_of, &w->ent_of_cap, (size_t)id + 1, sizeof *w->ent_of)) {
		w->oom = 1;
		return NULL;
	}
	if (!w->ent_of[id]) {
		if (!create)
			return NULL;
		if (grow(&w->ents, &w->cap_ents, w->n_ents + 1, sizeof *w->ents)) {
			w->oom = 1;
			return NULL;
		}
		memset(&w->ents[w->n_ents], 0, sizeof *w->ents);
		w->ent_of[id] = (uint32_t)++w->n_ents;
	}
	return &w->ents[w->ent_of[id] - 1];
}

static void req_row(struct walk *w, const struct ap_svc_row *r)
{
	struct ent *e;
	double v;
	uint32_t k;

	if (!r->rid || !r->name)
		return;
	e = entry(w, r->rid, 1);
	if (!e)
		return;
	if (!strcmp(r->name, "httpReq")) {
		e->req_start = r->start_us;
		e->has_req = 1;
	} else if (!strcmp(r->name, "httpRes")) {
		e->res_end = r->end_us;
		e->has_res = 1;
	}
	if (sv_is_one(ap_sv_get(&r->attrs, "WAITING+")))
		e->waiting = r->during_us;
	if (sv_is_one(ap_sv_get(&r->attrs, "PENDING+")))
		e->pending = r->during_us;
	if (sv_number(ap_sv_get(&r->attrs, "recvTokenSize="), &v))
		e->input = v;
	if (sv_number(ap_sv_get(&r->attrs, "replyTokenSize="), &v))
		e->generated = v;
	if (!r->rid_is_list || r->n_rid_list != r->n_token_ids)
		return;
	for (k = 0; k < r->n_rid_list; k++) {
		const char *rid = r->rid_list[k] ? r->rid_list[k] : "None";
		uint32_t idx;

		e = entry(w, rid, 0);
		if (!e)
			continue;
		idx = (uint32_t)(e - w->ents);
		if (!strcmp(r->name, "modelExec"))
			e->exec += r->during_us;
		if (r->token_ids[k] == AP_SVC_NO_TOKEN)
			continue;
		if (grow(&w->toks, &w->cap_toks, w->n_toks + 1, sizeof *w->toks)) {
			w->oom = 1;
			return;
		}
		w->toks[w->n_toks] = (struct tok){ idx, (uint32_t)w->n_toks, r->token_ids[k],
						   r->end_us };
		w->n_toks++;
		if (r->token_ids[k] == 0)
			w->ents[idx].ftl += r->during_us;
	}
}

/* batch_size of process_batch_record: int(value) when str(value) is all digits. The plugin's
 * value is str(len(rid_list)); a process it did not run for keeps its own attribute. */
static double batch_num(const struct ap_svc_row *r)
{
	const struct ap_sv *v;
	size_t i;
	double n = 0;

	if (r->batch_size >= 0)
		return (double)r->batch_size;
	v = ap_sv_get(&r->attrs, "batch_size");
	if (v && v->type == AP_SV_INT && v->u.i > 0)
		return (double)v->u.i;
	if (!v || v->type != AP_SV_STR || !v->n)
		return 0;
	for (i = 0; i < v->n; i++) {
		if (v->u.s[i] < '0' || v->u.s[i] > '9')
			return 0;
		n = n * 10 + (v->u.s[i] - '0');
	}
	return n;
}

static void batch_row(struct walk *w, const struct ap_svc_row *r)
{
	struct ap_strbuf *sb = &w->sb;
	int prefill;
	uint32_t id, k;

	if (name_is(r->batch_type, "Prefill"))
		prefill = 1;
	else if (name_is(r->batch_type, "Decode"))
		prefill = 0;
	else
		return;
	ap_strbuf_reset(sb);
	ap_strbuf_addstr(sb, prefill ? "prefill_" : "decode_");
	if (r->batch_size < 0) {
		ap_strbuf_addstr(sb, "nan"); /* no rid_list in this process: NaN after the merge */
	} else {
		ap_strbuf_addch(sb, '[');
		for (k = 0; r->rid_is_list && k < r->n_rid_list; k++) {
			struct ap_sv v = { .type = AP_SV_NULL };

			if (r->rid_list[k]) {
				v.type = AP_SV_STR;
				v.n = (uint32_t)strlen(r->rid_list[k]);
				v.u.s = r->rid_list[k];
			}
			if (k)
				ap_strbuf_addstr(sb, ", ");
			ap_sv_repr(sb, &v);
		}
		ap_strbuf_addch(sb, ']');
	}
	if (sb->failed) {
		w->oom = 1;
		return;
	}
	id = ap_strtab_intern(&w->keys, sb->buf, sb->len, NULL);
	if (!id || grow(&w->bent_of, &w->bent_of_cap, (size_t)id + 1, sizeof *w->bent_of)) {
		w->oom = 1;
		return;
	}
	if (!w->bent_of[id]) {
		if (grow(&w->bents, &w->cap_bents, w->n_bents + 1, sizeof *w->bents)) {
			w->oom = 1;
			return;
		}
		w->bents[w->n_bents].prefill = prefill;
		w->bent_of[id] = (uint32_t)++w->n_bents;
	}
	w->bents[w->bent_of[id] - 1].num = batch_num(r);
	/* exec_time += during/1000 only when str(during_time) is all digits: never for a float */
}

static int cmp_tok(const void *a, const void *b)
{
	const struct tok *x = a, *y = b;

	if (x->ent != y->ent)
		return x->ent < y->ent ? -1 : 1;
	if (x->iter != y->iter)
		return x->iter < y->iter ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_ridx(const void *a, const void *b)
{
	const struct ridx *x = a, *y = b;
	int c = strcmp(x->rid, y->rid);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* calculate_statistics: NaN for an empty list. scratch holds n doubles. */
static void stats(const double *v, size_t n, double *scratch, double *out)
{
	int k;

	if (!n) {
		for (k = 0; k < ST_N; k++)
			out[k] = NAN;
		return;
	}
	memcpy(scratch, v, n * sizeof *v);
	qsort(scratch, n, sizeof *scratch, cmp_double);
	out[ST_AVG] = ap_np_mean(v, n);
	out[ST_MAX] = scratch[n - 1];
	out[ST_MIN] = scratch[0];
	out[ST_P50] = ap_np_percentile(scratch, n, 50);
	out[ST_P90] = ap_np_percentile(scratch, n, 90);
	out[ST_P99] = ap_np_percentile(scratch, n, 99);
	for (k = 0; k < ST_N; k++)
		out[k] = ap_np_round(out[k], 4);
}

/* A float64 cell after fillna(0). */
static void cell_f(struct ap_out *o, double x)
{
	char buf[AP_FMT_MAX];

	ap_out_putc(o, ',');
	ap_out_write(o, buf, ap_fmt_double(buf, isnan(x) ? 0.0 : x));
}

/* One Metric row, or nothing when droppable and all six values are exactly 0. */
static void stat_row(struct ap_out *o, const char *metric, const double *v, size_t n,
		     double *scratch, int droppable)
{
	double st[ST_N];
	int k, zero = 1;

	stats(v, n, scratch, st);
	for (k = 0; k < ST_N; k++)
		zero &= st[k] == 0.0;
	if (droppable && zero)
		return;
	ap_csv_field(o, 1, metric, strlen(metric));
	for (k = 0; k < ST_N; k++)
		cell_f(o, st[k]);
	ap_out_putc(o, '\n');
}

/* get_new_total_time: per rid group (sorted) of the walked rows, (end - start) / 1000 with
 * start the first httpReq, end the last httpRes/DecodeEnd/sendResponse, when end > start. */
static size_t new_total_times(const struct ap_svc *s, struct ridx *ix, size_t n, double *out)
{
	size_t i, j, m = 0;

	qsort(ix, n, sizeof *ix, cmp_ridx);
	for (i = 0; i < n; i = j) {
		double start = -1, end = -1;
		int has_start = 0;

		for (j = i; j < n && !strcmp(ix[j].rid, ix[i].rid); j++) {
			const struct ap_svc_row *r = &s->rows[ix[j].i];

			if (!has_start && name_is(r->name, "httpReq")) {
				start = r->start_us;
				has_start = 1;
			}
			if (name_is(r->name, "httpRes") || name_is(r->name, "DecodeEnd") ||
			    name_is(r->name, "sendResponse"))
				end = r->end_us;
		}
		if (!*ix[i].rid || strpbrk(ix[i].rid, ",{:"))
			continue;
		if (start != -1 && end != -1 && end > start)
			out[m++] = (end - start) / 1000.0;
	}
	return m;
}

static void walk_release(struct walk *w)
{
	ap_strtab_release(&w->rids);
	ap_strtab_release(&w->keys);
	ap_strbuf_release(&w->sb);
	free(w->ent_of);
	free(w->ents);
	free(w->toks);
	free(w->bent_of);
	free(w->bents);
}

static const char *const req_metrics[] = {
	"first_token_latency (ms)", "subsequent_token_latency (ms)", "total_time (ms)",
	"exec_time (ms)", "waiting_time (ms)", "input_token_num", "generated_token_num",
};

enum { M_FTL, M_SUB, M_TOTAL, M_EXEC, M_WAIT, M_IN, M_GEN, M_N };

static int write_request_summary(const struct ap_svc *s, const struct ap_svc_derived *d,
				 struct walk *w, struct ridx *ix, size_t nix, const char *dir,
				 double *tot, struct ap_err *err)
{
	struct ap_out o = { 0 };
	double *lists[M_N] = { 0 }, *scratch = NULL;
	size_t nl[M_N] = { 0 }, cap = w->n_ents + w->n_toks + d->n_req_ttft + d->n_req_wait + nix + 1;
	size_t i, t = 0;
	double first = NAN, last = NAN;
	int m, ret = AP_ENOMEM;

	for (m = 0; m < M_N; m++)
		if (!(lists[m] = malloc(cap * sizeof(double))))
			goto fail;
	if (!(scratch = malloc(cap * sizeof(double))))
		goto fail;
	if (w->n_toks)
		qsort(w->toks, w->n_toks, sizeof *w->toks, cmp_tok);
	tot[0] = tot[1] = 0;
	for (i = 0; i < w->n_ents; i++) {
		const struct ent *e = &w->ents[i];
		double prev = NAN;
		int have_prev = 0;

		while (t < w->n_toks && w->toks[t].ent < i)
			t++;
		if (!e->has_req || !e->has_res)
			continue;
		lists[M_FTL][nl[M_FTL]++] = ap_fmt_py_round(e->ftl / 1000.0, 4);
		lists[M_EXEC][nl[M_EXEC]++] = ap_fmt_py_round(e->exec / 1000.0, 4);
		lists[M_TOTAL][nl[M_TOTAL]++] = ap_fmt_py_round((e->res_end - e->req_start) / 1000.0,
								 4);
		/* token_id sorted by iter, the last end time of each iter */
		for (; t < w->n_toks && w->toks[t].ent == i; t++) {
			const struct tok *k = &w->toks[t];

			if (t + 1 < w->n_toks && w->toks[t + 1].ent == i &&
			    w->toks[t + 1].iter == k->iter)
				continue;
			if (have_prev)
				lists[M_SUB][nl[M_SUB]++] = ap_fmt_py_round((k->end - prev) / 1000.0,
									    4);
			prev = k->end;
			have_prev = 1;
		}
		lists[M_WAIT][nl[M_WAIT]++] = e->pending + e->waiting;
		lists[M_IN][nl[M_IN]++] = e->input;
		lists[M_GEN][nl[M_GEN]++] = e->generated;
		tot[0] += e->input;
		tot[1] += e->generated;
		if (isnan(first) || e->req_start < first)
			first = e->req_start;
		if (isnan(last) || e->res_end > last)
			last = e->res_end;
	}
	tot[2] = isnan(first) || isnan(last) ? 0.0
					     : ap_fmt_py_round((last - first) / 1000000.0, 4);
	i = new_total_times(s, ix, nix, scratch);
	if (i) {
		memcpy(lists[M_TOTAL], scratch, i * sizeof *scratch);
		nl[M_TOTAL] = i;
	}
	if (d->n_req_ttft && d->n_req_wait) {
		for (i = 0; i < d->n_req_ttft; i++) {
			double v = d->req_ttft[i].ttft_us / 1000.0;

			lists[M_FTL][i] = isnan(v) ? 0.0 : v;
		}
		nl[M_FTL] = d->n_req_ttft;
		for (i = 0; i < d->n_req_wait; i++) {
			double v = d->req_wait[i].wait_us / 1000.0;

			lists[M_WAIT][i] = isnan(v) ? 0.0 : v;
		}
		nl[M_WAIT] = d->n_req_wait;
	}

	ret = ap_out_open(&o, dir, "request_summary.csv", err);
	if (ret)
		goto out;
	ap_out_puts(&o, "Metric,Average,Max,Min,P50,P90,P99\n");
	for (m = 0; m < M_N; m++)
		stat_row(&o, req_metrics[m], lists[m], nl[m], scratch, m == M_EXEC);
	ret = ap_out_commit(&o, err);
	goto out;
fail:
	ret = ap_err_set(err, AP_ENOMEM, "request_summary.csv: out of memory");
out:
	for (m = 0; m < M_N; m++)
		free(lists[m]);
	free(scratch);
	return ret;
}

static int write_batch_summary(const struct walk *w, const char *dir, struct ap_err *err)
{
	struct ap_out o = { 0 };
	double *pre = malloc((w->n_bents + 1) * sizeof(double));
	double *dec = malloc((w->n_bents + 1) * sizeof(double));
	double *zeros = calloc(w->n_bents + 1, sizeof(double));
	double *scratch = malloc((w->n_bents + 1) * sizeof(double));
	size_t i, np = 0, nd = 0;
	int ret;

	if (!pre || !dec || !zeros || !scratch) {
		ret = ap_err_set(err, AP_ENOMEM, "batch_summary.csv: out of memory");
		goto out;
	}
	for (i = 0; i < w->n_bents; i++) {
		if (w->bents[i].prefill)
			pre[np++] = w->bents[i].num;
		else
			dec[nd++] = w->bents[i].num;
	}
	ret = ap_out_open(&o, dir, "batch_summary.csv", err);
	if (ret)
		goto out;
	ap_out_puts(&o, "Metric,Average,Max,Min,P50,P90,P99\n");
	stat_row(&o, "prefill_batch_num", pre, np, scratch, 0);
	stat_row(&o, "decode_batch_num", dec, nd, scratch, 0);
	stat_row(&o, "prefill_exec_time (ms)", zeros, np, scratch, 1);
	stat_row(&o, "decode_exec_time (ms)", zeros, nd, scratch, 1);
	ret = ap_out_commit(&o, err);
out:
	free(pre);
	free(dec);
	free(zeros);
	free(scratch);
	return ret;
}

/* tot: total input, total generated, T in seconds (pyround 4) */
static int write_service_summary(const double *tot, const char *dir, struct ap_err *err)
{
	struct ap_out o = { 0 };
	double speed = 0, all = 0;
	char buf[AP_FMT_MAX], fixed[400];
	int ret;

	if (tot[2] > 0) {
		speed = ap_fmt_py_round(tot[1] / tot[2], 4);
		all = ap_fmt_py_round((tot[0] + tot[1]) / tot[2], 4);
	}
	/* format(speed, ".8f") parsed back by pd.to_numeric */
	snprintf(fixed, sizeof fixed, "%.8f", speed);
	speed = strtod(fixed, NULL);
	ret = ap_out_open(&o, dir, "service_summary.csv", err);
	if (ret)
		return ret;
	ap_out_puts(&o, "Metric,Value\ntotal_input_token_num,");
	ap_out_write(&o, buf, ap_fmt_double(buf, tot[0]));
	ap_out_puts(&o, "\ntotal_generated_token_num,");
	ap_out_write(&o, buf, ap_fmt_double(buf, tot[1]));
	ap_out_puts(&o, "\ngenerate_token_speed (token/s),");
	ap_out_write(&o, buf, ap_fmt_double(buf, speed));
	ap_out_puts(&o, "\ngenerate_all_token_speed (token/s),");
	ap_out_write(&o, buf, ap_fmt_double(buf, all));
	ap_out_putc(&o, '\n');
	return ap_out_commit(&o, err);
}

int ap_svc_write_summaries(const struct ap_svc *s, const struct ap_svc_derived *d,
			   const char *dir, struct ap_err *err)
{
	struct walk w;
	struct ridx *ix = NULL;
	double tot[3] = { 0, 0, 0 };
	size_t i, nix = 0;
	int has_rid_list = 0, ret;

	memset(&w, 0, sizeof w);
	ap_strbuf_init(&w.sb);
	if (ap_strtab_init(&w.rids) || ap_strtab_init(&w.keys))
		w.oom = 1;
	ix = malloc((s->n_rows ? s->n_rows : 1) * sizeof *ix);
	if (!ix)
		w.oom = 1;
	/* the rid_list column exists when some process had rids (PluginTrace ran there) */
	for (i = 0; i < s->n_rows; i++)
		has_rid_list |= s->rows[i].batch_size >= 0;
	for (i = 0; i < s->n_rows && !w.oom; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		if (name_is(r->domain, "KVCache"))
			continue;
		req_row(&w, r);
		if (has_rid_list)
			batch_row(&w, r);
		if (r->rid)
			ix[nix++] = (struct ridx){ r->rid, (uint32_t)i };
	}
	if (w.oom) {
		ret = ap_err_set(err, AP_ENOMEM, "request_summary.csv: out of memory");
		goto out;
	}
	ret = write_request_summary(s, d, &w, ix, nix, dir, tot, err);
	if (!ret)
		ret = write_batch_summary(&w, dir, err);
	if (!ret)
		ret = write_service_summary(tot, dir, err);
out:
	walk_release(&w);
	free(ix);
	return ret;
}
