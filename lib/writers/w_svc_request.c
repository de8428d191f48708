/* request.csv of a service dump (specs/ms_service_profiler.md §3.1; upstream
 * exporters/exporter_req_data.py: get_req_base_info, safe_merge_ttft_que, the all-empty check
 * and the stable sort on start_time), with the issue-11 deviations of ap/svc_req.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/svc_fmt.h"
#include "ap/svc_req.h"
#include "w_svc_local.h"
#include "../base/banned.h"

/* A cell after pd.to_numeric: empty (NaN), a Python int or a float. */
enum { NUM_NAN, NUM_INT, NUM_FLOAT };

struct num {
	double d;
	int64_t i;
	int kind;
};

struct req {
	const char *rid;
	const struct ap_svc_row *http_req;   /* first httpReq */
	double start, end;                   /* µs; NaN when missing */
	struct num recv, reply;
	double exec_ms, start_ms, sort_key;  /* NaN when missing */
	double ttft, wait;                   /* NaN: no such rid in the derived table */
	const struct ap_sv *hit;             /* hitCache of the first CacheHitRate row */
	int has_hit_row;
	uint32_t order;
};

struct ridx {
	const char *rid;
	uint32_t i;
};

static int name_is(const char *name, const char *want)
{
	return name && !strcmp(name, want);
}

static int cmp_ridx(const void *a, const void *b)
{
	const struct ridx *x = a, *y = b;
	int c = strcmp(x->rid, y->rid);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int is_null(const struct ap_sv *v)
{
	return !v || v->type == AP_SV_ABSENT || v->type == AP_SV_NULL ||
	       (v->type == AP_SV_REAL && isnan(v->u.d));
}

/* The whole merged table's column of key is float64: every non-null value is a number. */
static int col_numeric(const struct ap_svc *s, const char *key, int *exists)
{
	size_t i;
	int num = 1;

	*exists = 0;
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_sv *v = ap_sv_get(&s->rows[i].attrs, key);

		if (!v)
			continue;
		*exists = 1;
		if (!is_null(v) && v->type != AP_SV_INT && v->type != AP_SV_REAL)
			num = 0;
	}
	return num;
}

/* Python float() of a numeric string, as pd.to_numeric(errors='coerce') reads it. */
static int str_num(const char *s, size_t n, double *out)
{
	char tmp[64], *end;

	if (!n || n >= sizeof tmp)
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod(tmp, &end);
	return end == tmp + n && tmp[0] != ' ';
}

/* pd.to_numeric of a cell that held v (not null); numeric: the column was float64. */
static struct num to_num(const struct ap_sv *v, int numeric)
{
	struct num n = { NAN, 0, NUM_NAN };

	if (v->type == AP_SV_INT) {
		n.i = v->u.i;
		n.d = (double)v->u.i;
		n.kind = numeric ? NUM_FLOAT : NUM_INT;
	} else if (v->type == AP_SV_REAL) {
		n.d = v->u.d;
		n.kind = NUM_FLOAT;
	} else if (v->type == AP_SV_STR && str_num(v->u.s, v->n, &n.d)) {
		n.kind = NUM_FLOAT;
	}
	return n;
}

/* Python's float // float (float_floor_div). */
static double py_floordiv(double x, double y)
{
	double mod = fmod(x, y), div = (x - mod) / y, fl;

	if (mod != 0.0 && ((y < 0) != (mod < 0)))
		div -= 1.0;
	if (div == 0.0)
		return copysign(0.0, x / y);
	fl = floor(div);
	if (div - fl > 0.5)
		fl += 1.0;
	return fl;
}

/* ---- the derived tables, looked up by rid --------------------------------------------------- */

/* (rid, index) of req_ttft or req_wait (each struct's first member is its rid), sorted, so a
 * rid is found by binary search; the first of duplicates wins as in drop_duplicates. */
static struct ridx *sorted_rids(const void *base, size_t n, size_t size, size_t *nout)
{
	struct ridx *v = malloc((n ? n : 1) * sizeof *v);
	size_t i, k = 0;

	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *r = *(const char *const *)((const char *)base + i * size);

		if (r)
			v[k++] = (struct ridx){ r, (uint32_t)i };
	}
	qsort(v, k, sizeof *v, cmp_ridx);
	*nout = k;
	return v;
}

/* The index of the first entry (in table order) whose rid is rid, or -1. */
static int64_t find_rid(const struct ridx *v, size_t n, const char *rid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (strcmp(v[m].rid, rid) < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return lo < n && !strcmp(v[lo].rid, rid) ? (int64_t)v[lo].i : -1;
}

/* ---- one rid group -------------------------------------------------------------------------- */

static int rid_valid(const char *rid)
{
	return *rid && !strpbrk(rid, ",{:");
}

static void group(const struct ap_svc *s, const struct ridx *g, size_t n, struct req *q,
		  const int *num_col)
{
	const struct ap_svc_row *end_row = NULL;
	const struct ap_sv *recv = NULL, *reply = NULL;
	size_t k, n_sync = 0;

	memset(q, 0, sizeof *q);
	q->rid = g[0].rid;
	q->start = q->end = NAN;
	for (k = 0; k < n; k++) {
		const struct ap_svc_row *r = &s->rows[g[k].i];
		const struct ap_sv *v;
		const char *nm = r->name;

		if (!q->http_req && name_is(nm, "httpReq"))
			q->http_req = r;
		if (name_is(nm, "httpRes") || name_is(nm, "DecodeEnd") ||
		    name_is(nm, "sendResponse") || name_is(nm, "outputSync")) {
			end_row = r;
			n_sync += name_is(nm, "outputSync");
		}
		if (!recv && !is_null(v = ap_sv_get(&r->attrs, "recvTokenSize=")))
			recv = v;
		if (!reply && !is_null(v = ap_sv_get(&r->attrs, "replyTokenSize=")))
			reply = v;
		if (!q->has_hit_row && name_is(nm, "CacheHitRate")) {
			q->has_hit_row = 1;
			q->hit = ap_sv_get(&r->attrs, "hitCache");
		}
	}
	q->recv = recv ? to_num(recv, num_col[0]) : (struct num){ NAN, 0, NUM_NAN };
	q->reply = reply ? to_num(reply, num_col[1]) : (struct num){ NAN, 0, NUM_NAN };
	if (n_sync) {
		q->reply.kind = NUM_INT;
		q->reply.i = (int64_t)n_sync;
		q->reply.d = (double)n_sync;
	}
	q->exec_ms = q->start_ms = q->sort_key = NAN;
	if (q->http_req) {
		q->start = q->http_req->start_us;
		q->sort_key = q->start;
		/* deviation (issue 11): in ms also without an end event; the sort key stays µs */
		q->start_ms = py_floordiv(q->start, 1000.0);
	}
	if (end_row) {
		q->end = end_row->end_us;
		if (q->http_req) {
			q->exec_ms = py_floordiv(q->end, 1000.0) - q->start_ms;
			q->sort_key = q->start_ms;
		}
	}
}

static int cmp_req(const void *a, const void *b)
{
	const struct req *x = a, *y = b;
	int nx = isnan(x->sort_key), ny = isnan(y->sort_key);

	if (nx != ny)
		return nx - ny;
	if (!nx && x->sort_key != y->sort_key)
		return x->sort_key < y->sort_key ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* ---- cells ---------------------------------------------------------------------------------- */

/* A to_numeric column: int64 when every cell is an int, else float64 with NaN empty. */
static void cell_num(struct ap_svc_sink *k, const struct num *n, int col_int)
{
	if (col_int)
		ap_svc__sink_i(k, n->i);
	else
		ap_svc__sink_f(k, n->kind == NUM_NAN ? NAN : n->kind == NUM_INT ? (double)n->i : n->d);
}

/* ttft / que_wait_time after the merge and fillna(0): "0" when the derived table was empty
 * (an object column of ints), else a float. */
static void cell_metric(struct ap_svc_sink *k, double v, size_t table_n)
{
	if (!table_n)
		ap_svc__sink_i(k, 0);
	else
		ap_svc__sink_f(k, isnan(v) ? 0.0 : v);
}

/* 'N/A' in the CSV, NULL in the DB */
static void cell_na(struct ap_svc_sink *k)
{
	ap_svc__sink_str(k, k->db ? NULL : "N/A", 3);
}

static void cell_hit(struct ap_svc_sink *k, const struct req *q, int exists, int numeric)
{
	const struct ap_sv *v = q->hit;

	if (!q->has_hit_row) {
		cell_na(k);
	} else if (!v) {  /* Series.get: None without the column (-> 0), NaN with it (-> N/A) */
		if (exists)
			cell_na(k);
		else
			ap_svc__sink_i(k, 0);
	} else if (v->type == AP_SV_NULL) {
		if (numeric)
			cell_na(k);
		else
			ap_svc__sink_i(k, 0);
	} else if ((v->type == AP_SV_REAL && isnan(v->u.d)) || (v->type == AP_SV_STR && !v->n)) {
		cell_na(k);
	} else if (v->type == AP_SV_INT && numeric) {
		ap_svc__sink_f(k, (double)v->u.i);
	} else {
		ap_strbuf_reset(&k->sb);
		ap_sv_pystr(&k->sb, v);
		ap_svc__sink_str(k, k->sb.buf, k->sb.len);
	}
}

/* ---- the file ------------------------------------------------------------------------------- */

static int all_empty(const struct req *q, size_t n)
{
	size_t k;
	int zero = 1, nan = 1;

	for (k = 0; k < n; k++) {
		const struct num *c[2] = { &q[k].recv, &q[k].reply };
		int j;

		for (j = 0; j < 2; j++) {
			double d = c[j]->kind == NUM_INT ? (double)c[j]->i : c[j]->d;

			zero &= c[j]->kind != NUM_NAN && d == 0.0;
			nan &= c[j]->kind == NUM_NAN;
		}
		zero &= q[k].exec_ms == 0.0;
		nan &= isnan(q[k].exec_ms);
	}
	return zero || nan;
}

/* The rows of request.csv / table request into k. */
static int request_emit(const struct ap_svc *s, const struct ap_svc_derived *d,
			struct ap_svc_sink *k, struct ap_err *err)
{
	struct ap_svc_sink_col cols[] = {
		{ "http_rid", { "http_rid", AP_SVC_DB_TEXT } },
		{ "start_datetime", { "start_datetime", AP_SVC_DB_TEXT } },
		{ "recv_token_size", { "recv_token_size", AP_SVC_DB_REAL } },
		{ "reply_token_size", { "reply_token_size", AP_SVC_DB_REAL } },
		{ "execution_time(ms)", { "execution_time", AP_SVC_DB_REAL } },
		{ "queue_wait_time(ms)", { "queue_wait_time", AP_SVC_DB_REAL } },
		{ "first_token_latency(ms)", { "first_token_latency", AP_SVC_DB_REAL } },
		{ "cache_hit_rate", { "cache_hit_rate", AP_SVC_DB_REAL } },
		{ "start_time(ms)", { "start_time(ms)", AP_SVC_DB_REAL } },
	};
	struct ridx *ix = NULL;
	struct req *q = NULL;
	struct ridx *ttft_ids = NULL, *wait_ids = NULL;
	size_t i, j, n = 0, nq = 0, n_ttft = 0, n_wait = 0;
	int num_col[2], hit_exists, hit_num, ex, int_col[2] = { 1, 1 }, ret;

	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		n += r->rid && !name_is(r->domain, "KVCache") && !name_is(r->domain, "PullKVCache") &&
		     !name_is(r->name, "forward");
	}
	if (!n)
		return 0;
	ret = AP_ENOMEM;
	ix = malloc(n * sizeof *ix);
	q = malloc(n * sizeof *q);
	ttft_ids = sorted_rids(d->req_ttft, d->n_req_ttft, sizeof *d->req_ttft, &n_ttft);
	wait_ids = sorted_rids(d->req_wait, d->n_req_wait, sizeof *d->req_wait, &n_wait);
	if (!ix || !q || !ttft_ids || !wait_ids)
		goto fail;
	n = 0;
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		if (r->rid && !name_is(r->domain, "KVCache") && !name_is(r->domain, "PullKVCache") &&
		    !name_is(r->name, "forward"))
			ix[n++] = (struct ridx){ r->rid, (uint32_t)i };
	}
	qsort(ix, n, sizeof *ix, cmp_ridx);
	num_col[0] = col_numeric(s, "recvTokenSize=", &ex);
	num_col[1] = col_numeric(s, "replyTokenSize=", &ex);
	hit_num = col_numeric(s, "hitCache", &hit_exists);
	for (i = 0; i < n; i = j) {
		int64_t t, w;

		for (j = i + 1; j < n && !strcmp(ix[j].rid, ix[i].rid); j++)
			;
		if (!rid_valid(ix[i].rid))
			continue;
		group(s, ix + i, j - i, &q[nq], num_col);
		t = find_rid(ttft_ids, n_ttft, ix[i].rid);
		w = find_rid(wait_ids, n_wait, ix[i].rid);
		q[nq].ttft = t >= 0 ? d->req_ttft[t].ttft_us / 1000.0 : NAN;
		q[nq].wait = w >= 0 ? d->req_wait[w].wait_us / 1000.0 : NAN;
		q[nq].order = (uint32_t)nq;
		int_col[0] &= q[nq].recv.kind == NUM_INT;
		int_col[1] &= q[nq].reply.kind == NUM_INT;
		nq++;
	}
	if (!nq || all_empty(q, nq)) {
		ret = 0;
		goto out;
	}
	qsort(q, nq, sizeof *q, cmp_req);

	if (int_col[0])
		cols[2].db.type = AP_SVC_DB_INTEGER;
	if (int_col[1])
		cols[3].db.type = AP_SVC_DB_INTEGER;
	ret = ap_svc__sink_begin(k, cols, sizeof(cols) / sizeof(cols[0]), err);
	for (i = 0; i < nq && !ret; i++) {
		ap_svc__sink_str(k, q[i].rid, SIZE_MAX);
		if (q[i].http_req)
			ap_svc__sink_datetime(k, q[i].http_req->start_us);
		else
			ap_svc__sink_str(k, NULL, 0);
		cell_num(k, &q[i].recv, int_col[0]);
		cell_num(k, &q[i].reply, int_col[1]);
		ap_svc__sink_f(k, q[i].exec_ms);
		cell_metric(k, q[i].wait, d->n_req_wait);
		cell_metric(k, q[i].ttft, d->n_req_ttft);
		cell_hit(k, &q[i], hit_exists, hit_num);
		ap_svc__sink_f(k, q[i].start_ms);
		ret = ap_svc__sink_row(k, err);
	}
	if (!ret)
		ret = ap_svc__sink_commit(k, err);
	goto out;
fail:
	ret = ap_err_set(err, AP_ENOMEM, "request: out of memory");
out:
	free(ix);
	free(q);
	free(ttft_ids);
	free(wait_ids);
	return ret;
}

int ap_svc_write_request(const struct ap_svc *s, const struct ap_svc_derived *d,
			 const char *dir, struct ap_err *err)
{
	struct ap_svc_sink k;
	int ret;

	ap_svc__sink_init(&k, NULL, dir, "request.csv");
	ret = request_emit(s, d, &k, err);
	ap_svc__sink_release(&k);
	return ret;
}

/* queue_wait_time and first_token_latency in ms (upstream parse; analyze has seconds). */
int ap_svc__db_request(struct ap_svc_db *db, const struct ap_svc *s,
		       const struct ap_svc_derived *d, struct ap_err *err)
{
	struct ap_svc_sink k;
	int ret;

	if (!d)
		return 0;
	ap_svc__sink_init(&k, db, NULL, "request");
	ret = request_emit(s, d, &k, err);
	ap_svc__sink_release(&k);
	return ret;
}
