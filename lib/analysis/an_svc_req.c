/* Request and batch tables of a built service dump (specs/ms_service_profiler.md §2.6,
 * processor/processor_req.py), with the pandas semantics that decide their rows and order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "an_svc_local.h"
#include "ap/status.h"
#include "ap/svc_an.h"
#include "ap/vec.h"
#include "../base/banned.h"

/* Items grouped by (name, value) with Python == on the value (the repr equality that upstream's
 * str(res_list) join keys give). Chains list the items of a bucket in index order. */
struct grp {
	uint32_t *bucket, *next;
	const char **name;
	const struct ap_sv **key;
	size_t mask;
};

static int grp_init(struct grp *g, size_t n)
{
	size_t nb = 16;

	while (nb < 2 * n)
		nb *= 2;
	g->mask = nb - 1;
	g->bucket = calloc(nb, sizeof(*g->bucket));
	g->next = calloc(n ? n : 1, sizeof(*g->next));
	g->name = calloc(n ? n : 1, sizeof(*g->name));
	g->key = calloc(n ? n : 1, sizeof(*g->key));
	return g->bucket && g->next && g->name && g->key ? 0 : AP_ENOMEM;
}

static void grp_release(struct grp *g)
{
	free(g->bucket);
	free(g->next);
	free(g->name);
	free(g->key);
}

static size_t grp_hash(const struct grp *g, const char *name, const struct ap_sv *v)
{
	uint64_t h = ap_svc__sv_hash(v);

	for (const char *p = name; p && *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29)) & g->mask;
}

/* Items must be added in decreasing index order so that chains run in increasing order. */
static void grp_add(struct grp *g, uint32_t i, const char *name, const struct ap_sv *v)
{
	size_t b = grp_hash(g, name, v);

	g->name[i] = name;
	g->key[i] = v;
	g->next[i] = g->bucket[b];
	g->bucket[b] = i + 1;
}

static int grp_eq(const struct grp *g, uint32_t i, const char *name, const struct ap_sv *v)
{
	if ((g->name[i] == NULL) != (name == NULL) || (name && strcmp(name, g->name[i])))
		return 0;
	return ap_svc__sv_same(g->key[i], v);
}

/* first item of the group of (name, v) after item `after` (UINT32_MAX: from the start) */
static uint32_t grp_next(const struct grp *g, const char *name, const struct ap_sv *v,
			 uint32_t after)
{
	uint32_t i = after == UINT32_MAX ? g->bucket[grp_hash(g, name, v)] : g->next[after];

	for (; i; i = g->next[i - 1])
		if (grp_eq(g, i - 1, name, v))
			return i - 1;
	return UINT32_MAX;
}

static int in_set(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return 1;
	return 0;
}

static const char *const batch_names[] = { "BatchSchedule", "modelExec", "batchFrameworkProcessing",
					   "Execute", "preprocess", "forward", "modelRunnerExec",
					   NULL };
static const char *const sched_names[] = { "BatchSchedule", "batchFrameworkProcessing", NULL };
static const char *const exec_names[] = { "modelExec", "Execute", "modelRunnerExec", NULL };
static const char *const http_names[] = { "httpReq", "httpRes", "decode", "detokenize",
					  "DecodeEnd", "sendResponse", "FINISHED", NULL };

/* batch_token_iter_to_batch_type: invalid/empty/None-containing -> 1, all > 0 -> 2, some
 * non-zero -> 0, all zero -> 1 */
static int iter_class(const struct ap_svc_row *row)
{
	int all = 1, any = 0;

	if (!row->rid_is_list || !row->n_token_ids)
		return 1;
	for (uint32_t i = 0; i < row->n_token_ids; i++) {
		if (row->token_ids[i] == AP_SVC_NO_TOKEN)
			return 1;
		all &= row->token_ids[i] != 0;
		any |= row->token_ids[i] != 0;
	}
	return all ? 2 : any ? 0 : 1;
}

/* Python `x == 0` for an attribute value */
static int eq0(const struct ap_sv *v)
{
	if (!v)
		return 0;
	return (v->type == AP_SV_INT && v->u.i == 0) || (v->type == AP_SV_REAL && v->u.d == 0) ||
	       v->type == AP_SV_FALSE;
}

static int gt0(const struct ap_sv *v)
{
	if (!v)
		return 0;
	return (v->type == AP_SV_INT && v->u.i > 0) || (v->type == AP_SV_REAL && v->u.d > 0) ||
	       v->type == AP_SV_TRUE;
}

struct dctx {
	const struct ap_svc *s;
	struct ap_svc_derived *d;
	int oom;
	AP_VEC(struct ap_svc_req_event) ev;
};

/* x.get("rid") of a request object, as a string (NULL = None) */
static const char *obj_rid(struct dctx *c, const struct ap_sv *e)
{
	const struct ap_sv *r = e && e->type == AP_SV_OBJ ? ap_svc__get(e, "rid") : NULL;

	if (!r || r->type == AP_SV_NULL)
		return NULL;
	return ap_svc__scalar_str(&c->d->arena, r, &c->oom);
}

static struct ap_svc_req_event *push_ev(struct dctx *c)
{
	struct ap_svc_req_event *e = ap_vec_push(&c->ev);

	if (!e) {
		c->oom = 1;
		return NULL;
	}
	e->start_us = e->end_us = e->batch_size = NAN;
	return e;
}

static const struct ap_sv nan_item = { .type = AP_SV_ABSENT };

/* the elements of a batch_attr's req_list after explode(): a NaN list explodes to one NaN */
static void attr_items(const struct ap_svc *s, const struct ap_svc_batch_attr *a,
		       const struct ap_sv **items, uint32_t *n)
{
	if (a->has_list) {
		*items = s->rows[a->row].res.u.items;
		*n = s->rows[a->row].res.n;
	} else {
		*items = &nan_item;
		*n = 1;
	}
}

static int has_num_key(const struct ap_sv *e)
{
	return e->type == AP_SV_OBJ && ap_svc__get(e, "num_scheduled_tokens=");
}

/* parse_batch: batch_event_df (PD filter applied) and batch_attr_df */
static int parse_batch(struct dctx *c, int64_t *role_pid, int *role, size_t n_role)
{
	const struct ap_svc *s = c->s;
	struct ap_svc_derived *d = c->d;
	struct grp g = { 0 };
	uint32_t *cand = NULL, nc = 0;
	uint8_t *keep = NULL;
	int *rl = NULL, *cl = NULL, rc = 0;

	cand = malloc((s->n_rows ? s->n_rows : 1) * sizeof(*cand));
	if (!cand)
		return AP_ENOMEM;
	for (size_t r = 0; r < s->n_rows; r++)
		if (in_set(s->rows[r].name, batch_names))
			cand[nc++] = (uint32_t)r;
	keep = calloc(nc ? nc : 1, 1);
	rl = calloc(nc ? nc : 1, sizeof(*rl));
	cl = calloc(nc ? nc : 1, sizeof(*cl));
	d->batch_event = calloc(nc ? nc : 1, sizeof(*d->batch_event));
	d->batch_attr = calloc(nc ? nc : 1, sizeof(*d->batch_attr));
	if (!keep || !rl || !cl || !d->batch_event || !d->batch_attr || grp_init(&g, nc) < 0) {
		rc = AP_ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < nc; i++) {
		const struct ap_svc_row *row = &s->rows[cand[i]];

		rl[i] = 0;
		for (size_t k = 0; k < n_role; k++)
			if (role_pid[k] == row->pid)
				rl[i] = role[k];
		cl[i] = iter_class(row);
	}
	/* decode nodes keep the last row classed 1 per (name, batch_id) */
	for (uint32_t i = nc; i-- > 0;)
		if (rl[i] == 2 && cl[i] == 1)
			grp_add(&g, i, s->rows[cand[i]].name, &s->rows[cand[i]].res);
	for (uint32_t i = 0; i < nc; i++) {
		const struct ap_svc_row *row = &s->rows[cand[i]];
		int last = 0;

		if (rl[i] == 2 && cl[i] == 1) {
			uint32_t j = grp_next(&g, row->name, &row->res, i);

			last = j == UINT32_MAX;
		}
		keep[i] = !rl[i] || cl[i] == rl[i] || last;
	}
	for (uint32_t i = 0; i < nc; i++) {
		const struct ap_svc_row *row = &s->rows[cand[i]];
		struct ap_svc_batch_event *e;

		if (!keep[i])
			continue;
		e = &d->batch_event[d->n_batch_event++];
		e->batch = &row->res;
		e->event = row->name;
		e->pid = row->pid;
		e->start_us = row->start_us;
		e->end_us = row->end_us;
		e->blocks = ap_svc__get(&row->attrs, "blocks");
		e->row = cand[i];
		d->has_blocks |= e->blocks != NULL;
		if (in_set(row->name, sched_names)) {
			struct ap_svc_batch_attr *a = &d->batch_attr[d->n_batch_attr++];

			a->batch = &row->res;
			a->row = cand[i];
			a->has_list = row->res.type == AP_SV_LIST && row->res.n && row->n_rid_list &&
				      row->n_token_ids;
			a->batch_size = a->has_list ? row->n_rid_list : 0;
			a->batch_type = rl[i] ? rl[i] : cl[i];
		}
	}
out:
	grp_release(&g);
	free(cand);
	free(keep);
	free(rl);
	free(cl);
	return rc;
}

/* (b): every scheduled request joined with the exec events of the same res_list */
static int exec_events(struct dctx *c)
{
	const struct ap_svc_derived *d = c->d;
	struct grp g = { 0 };
	int any_num = 0;

	if (grp_init(&g, d->n_batch_event) < 0)
		return AP_ENOMEM;
	for (size_t i = d->n_batch_event; i-- > 0;)
		if (in_set(d->batch_event[i].event, exec_names))
			grp_add(&g, (uint32_t)i, NULL, d->batch_event[i].batch);
	for (size_t a = 0; a < d->n_batch_attr; a++) {
		const struct ap_sv *items;
		uint32_t n;

		attr_items(c->s, &d->batch_attr[a], &items, &n);
		for (uint32_t k = 0; k < n; k++)
			any_num |= has_num_key(&items[k]);
	}
	for (size_t a = 0; a < d->n_batch_attr && !c->oom; a++) {
		const struct ap_svc_batch_attr *at = &d->batch_attr[a];
		const struct ap_sv *items;
		uint32_t n;

		attr_items(c->s, at, &items, &n);
		for (uint32_t k = 0; k < n && !c->oom; k++) {
			uint32_t j = grp_next(&g, NULL, at->batch, UINT32_MAX);

			do {
				struct ap_svc_req_event *e = push_ev(c);

				if (!e)
					break;
				e->rid = obj_rid(c, &items[k]);
				e->iter = ap_svc__get(&items[k], "iter");
				e->batch = at->batch;
				e->batch_size = at->has_list ? at->batch_size : NAN;
				e->num_sched = any_num ? ap_svc__get(&items[k], "num_scheduled_tokens=")
						       : NULL;
				e->row = at->row;
				if (j != UINT32_MAX) {
					e->event = d->batch_event[j].event;
					e->start_us = d->batch_event[j].start_us;
					e->end_us = d->batch_event[j].end_us;
					e->row = d->batch_event[j].row;
					j = grp_next(&g, NULL, at->batch, j);
				}
			} while (j != UINT32_MAX);
		}
	}
	c->d->has_num_sched |= any_num;
	grp_release(&g);
	return c->oom ? AP_ENOMEM : 0;
}

/* (c): schedule events x batch_attr rows of the same res_list, exploded, iter == 0 */
static int sched_events(struct dctx *c)
{
	const struct ap_svc_derived *d = c->d;
	struct grp g = { 0 };
	int any_num = 0;

	if (grp_init(&g, d->n_batch_attr) < 0)
		return AP_ENOMEM;
	for (size_t i = d->n_batch_attr; i-- > 0;)
		grp_add(&g, (uint32_t)i, NULL, d->batch_attr[i].batch);
	for (int pass = 0; pass < 2 && !c->oom; pass++) {
		for (size_t b = 0; b < d->n_batch_event && !c->oom; b++) {
			const struct ap_svc_batch_event *be = &d->batch_event[b];
			uint32_t j;

			if (!in_set(be->event, sched_names))
				continue;
			for (j = grp_next(&g, NULL, be->batch, UINT32_MAX); j != UINT32_MAX;
			     j = grp_next(&g, NULL, be->batch, j)) {
				const struct ap_svc_batch_attr *at = &d->batch_attr[j];
				const struct ap_sv *items;
				uint32_t n;

				attr_items(c->s, at, &items, &n);
				for (uint32_t k = 0; k < n && !c->oom; k++) {
					const struct ap_sv *it = ap_svc__get(&items[k], "iter");
					const struct ap_sv *ns;
					struct ap_svc_req_event *e;
					const char *rid;

					if (pass == 0) {
						any_num |= has_num_key(&items[k]);
						continue;
					}
					ns = any_num ? ap_svc__get(&items[k], "num_scheduled_tokens=")
						     : NULL;
					if (!eq0(it) || (any_num && !gt0(ns)))
						continue;
					if (!(rid = obj_rid(c, &items[k])) || !(e = push_ev(c)))
						continue; /* dropna(subset=['rid']) */
					e->rid = rid;
					e->event = be->event;
					e->iter = it;
					e->start_us = be->start_us;
					e->end_us = be->end_us;
					e->batch = be->batch;
					e->batch_size = at->has_list ? at->batch_size : NAN;
					e->num_sched = ns;
					e->row = be->row;
				}
			}
		}
	}
	c->d->has_num_sched |= any_num;
	grp_release(&g);
	return c->oom ? AP_ENOMEM : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct agg {
	const char *rid;
	double lo, hi;      /* min start, max end (NaN skipped) */
	const char *first;  /* first non-null event */
	size_t count;       /* non-null events */
	int a_set, b_set;   /* queue: Enqueue / Dequeue seen */
};

struct aggs {
	struct ap_svc__smap map; /* rid -> index + 1 */
	AP_VEC(struct agg) v;
};

static struct agg *agg_get(struct aggs *g, const char *rid, size_t len)
{
	int added;
	struct ap_svc__smap_slot *sl = ap_svc__smap_put(&g->map, rid, len, &added);
	struct agg *a;

	if (!sl)
		return NULL;
	if (!added)
		return &g->v.v[sl->val - 1];
	if (!(a = ap_vec_push(&g->v)))
		return NULL;
	sl->val = g->v.n;
	a->rid = rid;
	a->lo = a->hi = NAN;
	return a;
}

static void agg_row(struct agg *a, const char *event, double start, double end)
{
	if (!isnan(start) && (isnan(a->lo) || start < a->lo))
		a->lo = start;
	if (!isnan(end) && (isnan(a->hi) || end > a->hi))
		a->hi = end;
	if (event) {
		if (!a->count)
			a->first = event;
		a->count++;
	}
}

/* indexes of g's entries in rid order (pandas groupby sorts its keys) */
static size_t *sorted_aggs(const struct aggs *g)
{
	const char **keys = malloc((g->v.n ? g->v.n : 1) * sizeof(*keys));
	size_t *idx = malloc((g->v.n ? g->v.n : 1) * sizeof(*idx));

	if (!keys || !idx) {
		free(keys);
		free(idx);
		return NULL;
	}
	for (size_t i = 0; i < g->v.n; i++)
		keys[i] = g->v.v[i].rid;
	qsort(keys, g->v.n, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < g->v.n; i++)
		idx[i] = ap_svc__smap_find(&g->map, keys[i], strlen(keys[i]))->val - 1;
	free(keys);
	return idx;
}

/* calc_ttft: httpReq and iter == 0 rows, then per rid the first detokenize/decode and the
 * first sendResponse; groups with > 1 events whose first is httpReq */
static int calc_ttft(struct dctx *c)
{
	static const char *const dec[] = { "detokenize", "decode", NULL };
	static const char *const send[] = { "sendResponse", NULL };
	const char *const *firsts[2] = { dec, send };
	struct aggs g = { 0 };
	struct ap_svc__smap seen[2];
	size_t *idx = NULL;
	int rc = 0, added;

	ap_svc__smap_init(&g.map);
	ap_svc__smap_init(&seen[0]);
	ap_svc__smap_init(&seen[1]);
	for (size_t i = 0; i < c->ev.n && !rc; i++) {
		const struct ap_svc_req_event *e = &c->ev.v[i];
		struct agg *a;

		if (!e->rid || !((e->event && !strcmp(e->event, "httpReq")) || eq0(e->iter)))
			continue;
		if (!(a = agg_get(&g, e->rid, strlen(e->rid))))
			rc = AP_ENOMEM;
		else
			agg_row(a, e->event, e->start_us, e->end_us);
	}
	/* the first rows per rid of groupby().first(): each column's first non-null (the times
	 * of the http rows are never null) */
	for (int k = 0; k < 2 && !rc; k++) {
		for (size_t i = 0; i < c->ev.n && !rc; i++) {
			const struct ap_svc_req_event *e = &c->ev.v[i];
			struct ap_svc__smap_slot *sl;
			struct agg *a;

			if (!e->rid || !in_set(e->event, firsts[k]))
				continue;
			if (!(sl = ap_svc__smap_put(&seen[k], e->rid, strlen(e->rid), &added)) ||
			    (added && !(a = agg_get(&g, e->rid, strlen(e->rid))))) {
				rc = AP_ENOMEM;
				break;
			}
			if (added)
				agg_row(a, e->event, e->start_us, e->end_us);
		}
	}
	if (!rc && !(idx = sorted_aggs(&g)))
		rc = AP_ENOMEM;
	if (!rc && !(c->d->req_ttft = calloc(g.v.n ? g.v.n : 1, sizeof(*c->d->req_ttft))))
		rc = AP_ENOMEM;
	for (size_t k = 0; !rc && k < g.v.n; k++) {
		const struct agg *a = &g.v.v[idx[k]];
		struct ap_svc_req_ttft *t;

		if (a->count <= 1 || strcmp(a->first, "httpReq"))
			continue;
		t = &c->d->req_ttft[c->d->n_req_ttft++];
		t->rid = a->rid;
		t->start_us = a->lo;
		t->end_us = a->hi;
		t->ttft_us = a->hi - a->lo;
	}
	free(idx);
	ap_vec_free(&g.v);
	ap_svc__smap_release(&g.map);
	ap_svc__smap_release(&seen[0]);
	ap_svc__smap_release(&seen[1]);
	return rc;
}

/* _process_request_queue + calc_que_wait: Enqueue/Dequeue rows (status == 'waiting' when a
 * status column exists), rid as str() split on commas; wait = max Dequeue end - min Enqueue
 * start; rows: Enqueue rids sorted, then Dequeue-only rids sorted (concat axis=1, no sort) */
static int calc_wait(struct dctx *c)
{
	const struct ap_svc *s = c->s;
	struct aggs g[2] = { 0 };
	size_t *idx[2] = { NULL, NULL };
	int rc = 0, has_status = 0;

	for (size_t r = 0; r < s->n_rows && !has_status; r++)
		has_status = ap_svc__get(&s->rows[r].attrs, "status") != NULL;
	for (int k = 0; k < 2; k++)
		ap_svc__smap_init(&g[k].map);
	for (size_t r = 0; r < s->n_rows && !rc; r++) {
		const struct ap_svc_row *row = &s->rows[r];
		const struct ap_sv *st = ap_svc__get(&row->attrs, "status");
		const char *rid = row->rid ? row->rid : row->res.type == AP_SV_ABSENT ? "nan" : "None";
		int k = row->name && !strcmp(row->name, "Enqueue") ? 0
			: row->name && !strcmp(row->name, "Dequeue") ? 1 : -1;
		size_t len = strlen(rid), b = 0;

		if (k < 0 || (has_status && !(st && st->type == AP_SV_STR && st->n == 7 &&
					      !memcmp(st->u.s, "waiting", 7))))
			continue;
		for (size_t i = 0; i <= len && !rc; i++) {
			size_t e = i, bb = b;
			struct agg *a;

			if (i < len && rid[i] != ',')
				continue;
			b = i + 1;
			while (bb < e && strchr(" \t\n\r\f\v", rid[bb]))
				bb++;
			while (e > bb && strchr(" \t\n\r\f\v", rid[e - 1]))
				e--;
			if (e == bb)
				continue;
			if (!(a = agg_get(&g[k], rid + bb, e - bb))) {
				rc = AP_ENOMEM;
				break;
			}
			/* the key must be NUL-terminated for the sort */
			if (a->rid == rid + bb && (rid[e] != '\0') &&
			    !(a->rid = ap_arena_strndup(&c->d->arena, rid + bb, e - bb)))
				rc = AP_ENOMEM;
			if (k == 0 && (!a->a_set || row->start_us < a->lo))
				a->lo = row->start_us, a->a_set = 1;
			if (k == 1 && (!a->b_set || row->end_us > a->hi))
				a->hi = row->end_us, a->b_set = 1;
		}
	}
	for (int k = 0; k < 2 && !rc; k++)
		if (!(idx[k] = sorted_aggs(&g[k])))
			rc = AP_ENOMEM;
	if (!rc && !(c->d->req_wait = calloc(g[0].v.n + g[1].v.n + 1, sizeof(*c->d->req_wait))))
		rc = AP_ENOMEM;
	for (int k = 0; k < 2 && !rc; k++) {
		for (size_t i = 0; i < g[k].v.n; i++) {
			const struct agg *a = &g[k].v.v[idx[k][i]], *o;
			const struct ap_svc__smap_slot *sl;
			struct ap_svc_req_wait *w;

			sl = ap_svc__smap_find(&g[!k].map, a->rid, strlen(a->rid));
			if (k == 1 && sl)
				continue; /* already with its Enqueue */
			o = sl ? &g[!k].v.v[sl->val - 1] : NULL;
			w = &c->d->req_wait[c->d->n_req_wait++];
			w->rid = a->rid;
			w->wait_us = k == 0 && o ? o->hi - a->lo : NAN;
		}
	}
	for (int k = 0; k < 2; k++) {
		free(idx[k]);
		ap_vec_free(&g[k].v);
		ap_svc__smap_release(&g[k].map);
	}
	return rc;
}

/* _process_request_attributes: per rid the last non-null recvTokenSize= / replyTokenSize=;
 * rows: recv rids in first-seen order, then reply-only rids (pandas union without sort) */
static int req_attrs(struct dctx *c)
{
	const struct ap_svc *s = c->s;
	struct ap_svc_derived *d = c->d;
	static const char *const keys[2] = { "recvTokenSize=", "replyTokenSize=" };
	size_t cap = 0;

	for (int k = 0; k < 2; k++) {
		for (size_t r = 0; r < s->n_rows; r++) {
			const struct ap_sv *v = ap_svc__get(&s->rows[r].attrs, keys[k]);
			const char *rid = s->rows[r].rid;
			size_t j;

			if (!ap_svc__valid(v))
				continue;
			for (j = 0; j < d->n_req_attr; j++)
				if (rid ? d->req_attr[j].rid && !strcmp(rid, d->req_attr[j].rid)
					: !d->req_attr[j].rid)
					break;
			if (j == d->n_req_attr) {
				if (j == cap) {
					size_t nc = cap ? cap * 2 : 16;
					struct ap_svc_req_attr *na = realloc(d->req_attr, nc * sizeof(*na));

					if (!na)
						return AP_ENOMEM;
					d->req_attr = na;
					cap = nc;
				}
				memset(&d->req_attr[j], 0, sizeof(d->req_attr[j]));
				d->req_attr[j].rid = rid;
				d->req_attr[j].ttft = NAN;
				d->n_req_attr++;
			}
			if (k == 0)
				d->req_attr[j].recv_token = v;
			else
				d->req_attr[j].reply_token = v;
		}
	}
	return 0;
}

void ap_svc_derived_release(struct ap_svc_derived *d)
{
	if (!d)
		return;
	free(d->req_event);
	free(d->req_ttft);
	free(d->req_wait);
	free(d->batch_event);
	free(d->batch_attr);
	free(d->req_attr);
	ap_arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}

int ap_svc_derive(const struct ap_svc *s, struct ap_svc_derived *d, struct ap_err *err)
{
	struct dctx c = { .s = s, .d = d };
	AP_VEC(int64_t) role_pid = { 0 };
	AP_VEC(int) role = { 0 };
	int any_rid = 0, rc = 0;

	memset(d, 0, sizeof(*d));
	ap_arena_init_grow(&d->arena, 1u << 14, 1u << 20);
	/* the name / res_list / token_id_list / rid_list columns exist when a process had rids */
	for (size_t r = 0; r < s->n_rows && !any_rid; r++)
		any_rid = s->rows[r].res.type != AP_SV_ABSENT;
	if (!any_rid)
		return 0;
	/* parse_node_role: pid -> 1 prefill / 2 decode, later rows win */
	for (size_t r = 0; r < s->n_rows; r++) {
		const char *n = s->rows[r].name;
		int v = n && !strcmp(n, "prefillRes") ? 1 : n && !strcmp(n, "decodeRes") ? 2 : 0;
		size_t k;

		if (!v)
			continue;
		for (k = 0; k < role_pid.n && role_pid.v[k] != s->rows[r].pid; k++)
			;
		if (k == role_pid.n) {
			int64_t *p = ap_vec_push(&role_pid);
			int *q = ap_vec_push(&role);

			if (!p || !q) {
				rc = AP_ENOMEM;
				goto out;
			}
			*p = s->rows[r].pid;
		}
		role.v[k] = v;
	}
	if ((rc = parse_batch(&c, role_pid.v, role.v, role_pid.n)) < 0)
		goto out;
	/* (a) the http events */
	for (size_t r = 0; r < s->n_rows; r++) {
		const struct ap_svc_row *row = &s->rows[r];
		struct ap_svc_req_event *e;

		if (!in_set(row->name, http_names))
			continue;
		if (!(e = push_ev(&c))) {
			rc = AP_ENOMEM;
			goto out;
		}
		e->rid = row->rid;
		e->event = row->name;
		e->start_us = row->start_us;
		e->end_us = row->end_us;
		e->end_flag = ap_svc__get(&row->attrs, "endFlag");
		e->row = (uint32_t)r;
	}
	if ((rc = exec_events(&c)) < 0 || (rc = sched_events(&c)) < 0 ||
	    (rc = calc_ttft(&c)) < 0 || (rc = calc_wait(&c)) < 0 || (rc = req_attrs(&c)) < 0)
		goto out;
	/* QUIRK: req_attr_df["ttft"] = req_ttft_df["ttft"] aligns a rid index with a positional
	 * one: all NaN, except that an empty req_attr_df takes the ttft rows (rid NaN) */
	if (!d->n_req_attr && d->n_req_ttft) {
		d->req_attr = calloc(d->n_req_ttft, sizeof(*d->req_attr));
		if (!d->req_attr) {
			rc = AP_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < d->n_req_ttft; i++)
			d->req_attr[i].ttft = d->req_ttft[i].ttft_us;
		d->n_req_attr = d->n_req_ttft;
	}
	d->req_event = c.ev.v;
	d->n_req_event = c.ev.n;
	c.ev.v = NULL;
out:
	ap_vec_free(&c.ev);
	ap_vec_free(&role_pid);
	ap_vec_free(&role);
	if (rc < 0) {
		ap_svc_derived_release(d);
		return ap_err_set(err, rc, "service request analysis: out of memory");
	}
	return 0;
}
