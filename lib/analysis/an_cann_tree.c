/* The per-thread CANN trees and the host tasks they give (spec cann_prof_raw.md §2.8; upstream
 * event_grouper.cpp, tree_builder.cpp, tree_analyzer.cpp, read for facts). Every thread's API
 * events (AscendCL, Model, Node, HCCL levels) nest into a tree by time; node and HCCL records
 * attach to the level nodes that contain them; each task track becomes a runtime leaf of the
 * deepest API around it; a depth-first walk classifies each leaf as a compute task, an HCCL
 * small task or another task, with the op description torch_npu prints for it. */
#include <stdlib.h>
#include <string.h>

#include "ap/sort.h"
#include "an_cann_local.h"
#include "../base/banned.h"

/* ---- sorting the host tables by (thread, time) ---------------------------------------- */

/* idx[0..n) = 0..n-1 stably ordered by (tid[i], ts[i]) ascending. */
static int order_by_thread(uint32_t *idx, size_t n, const uint32_t *tid, const uint64_t *ts)
{
	struct ap_sortkey *k = malloc((n ? n : 1) * sizeof(*k));
	size_t i;

	if (!k)
		return AP_ENOMEM;
	for (i = 0; i < n; i++) {
		k[i].key = ap_sortkey_u64(ts[i]);
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, n) < 0)
		goto nomem;
	for (i = 0; i < n; i++)
		k[i].key = tid[k[i].idx];
	if (ap_sort_keys(k, n) < 0)
		goto nomem;
	for (i = 0; i < n; i++)
		idx[i] = k[i].idx;
	free(k);
	return 0;
nomem:
	free(k);
	return AP_ENOMEM;
}

/* A thread-ordered view of one table: indices plus the tids and times they were sorted by. */
struct sorted {
	uint32_t *idx;
	uint32_t *tid;  /* tid[k] of the k-th record in order */
	uint64_t *ts;   /* its time */
	size_t n;
	size_t pos;     /* first record of the threads not yet visited */
	int32_t *node;
};

static void sorted_release(struct sorted *s)
{
	free(s->idx);
	free(s->tid);
	free(s->ts);
	free(s->node);
	memset(s, 0, sizeof(*s));
}

/* Builds s from n records whose thread and time the caller gives in tids/ts (freed here). */
static int sorted_build(struct sorted *s, size_t n, uint32_t *tids, uint64_t *ts)
{
	size_t i;
	int ret = AP_ENOMEM;

	memset(s, 0, sizeof(*s));
	s->idx = malloc((n ? n : 1) * sizeof(*s->idx));
	s->tid = malloc((n ? n : 1) * sizeof(*s->tid));
	s->node = malloc((n ? n : 1) * sizeof(*s->node));
	s->ts = malloc((n ? n : 1) * sizeof(*s->ts));
	if (!tids || !ts || !s->idx || !s->tid || !s->node || !s->ts)
		goto out;
	if (order_by_thread(s->idx, n, tids, ts) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		s->tid[i] = tids[s->idx[i]];
		s->ts[i] = ts[s->idx[i]];
		s->node[i] = -1;
	}
	s->n = n;
	ret = 0;
out:
	free(tids);
	free(ts);
	return ret;
}

/* The segment of thread tid, advancing s past it (threads are visited in ascending order). */
static struct seg take(struct sorted *s, uint32_t tid)
{
	struct seg g;

	while (s->pos < s->n && s->tid[s->pos] < tid)
		s->pos++;
	g.idx = s->idx + s->pos;
	g.ts = s->ts + s->pos;
	g.node = s->node + s->pos;
	g.n = 0;
	while (s->pos < s->n && s->tid[s->pos] == tid) {
		s->pos++;
		g.n++;
	}
	return g;
}

/* ---- the tree ------------------------------------------------------------------------- */

int32_t ap_cann__new_node(struct walk *w, uint64_t start, uint64_t end, uint32_t ref,
			  uint16_t level, int32_t parent)
{
	struct tnode *n = ap_vec_push(&w->t);
	int32_t id;

	if (!n) {
		w->oom = 1;
		return -1;
	}
	id = (int32_t)(w->t.n - 1);
	n->start = start;
	n->end = end;
	n->ref = ref;
	n->level = level;
	n->parent = parent;
	n->first = n->last = n->next = -1;
	n->basic_first = n->basic_last = n->attr_first = n->attr_last = -1;
	n->tensor_first = n->tensor_last = n->ctx_first = n->ctx_last = n->hop_first = -1;
	n->hctx_first = n->hctx_last = n->hinfo_first = n->hinfo_last = -1;
	if (parent >= 0) {
		struct tnode *p = &w->t.v[parent];

		if (p->last >= 0)
			w->t.v[p->last].next = id;
		else
			p->first = id;
		p->last = id;
	}
	return id;
}

/* EventGrouper::isKernelApiEvent over the thread's API events (sorted by begin, then level
 * descending), then TreeBuilder::BuildTree: an event is the child of the innermost open one
 * whose end is not before its own. */
static void build_skeleton(struct walk *w, const struct seg *apis)
{
	uint64_t last[NSLOT][2];
	int32_t stack[MAX_DEPTH + 1];
	int depth = 0;
	size_t i;

	memset(last, 0, sizeof(last));
	stack[0] = 0;
	for (i = 0; i < apis->n && !w->oom; i++) {
		const struct ap_cann_api *a = &w->h->apis.v[apis->idx[i]];
		int s = slot_of(a->level);
		int32_t id;

		if (a->begin == a->end) {
			w->st->apis_dropped++;
			continue;
		}
		if (a->level != LV_NODE) {
			/* redundant reports: an event overlapping the last kept one of its level */
			if (!(last[s][1] < a->begin || a->end < last[s][0])) {
				w->st->apis_dropped++;
				continue;
			}
			last[s][0] = a->begin;
			last[s][1] = a->end;
		}
		while (depth > 0 && w->t.v[stack[depth]].end < a->end)
			depth--;
		if (depth + 1 >= MAX_DEPTH) {
			w->st->apis_dropped++;
			continue;
		}
		id = ap_cann__new_node(w, a->begin, a->end, apis->idx[i], a->level, stack[depth]);
		if (id < 0)
			return;
		stack[++depth] = id;
		if (a->level == LV_MODEL && !ap_vec_push(&w->lv_model))
			w->oom = 1;
		else if (a->level == LV_MODEL)
			w->lv_model.v[w->lv_model.n - 1] = id;
		if (a->level == LV_NODE && !ap_vec_push(&w->lv_node))
			w->oom = 1;
		else if (a->level == LV_NODE)
			w->lv_node.v[w->lv_node.n - 1] = id;
		if (a->level == LV_HCCL && !ap_vec_push(&w->lv_hccl))
			w->oom = 1;
		else if (a->level == LV_HCCL)
			w->lv_hccl.v[w->lv_hccl.n - 1] = id;
	}
}

enum rec_kind { R_BASIC, R_ATTR, R_TENSOR, R_CTX, R_HOP, R_HCTX, R_HINFO };

static void note_record(struct tnode *n, enum rec_kind k, int32_t pos)
{
	int32_t *first, *last = NULL;

	switch (k) {
	case R_BASIC: first = &n->basic_first; last = &n->basic_last; break;
	case R_ATTR: first = &n->attr_first; last = &n->attr_last; break;
	case R_TENSOR: first = &n->tensor_first; last = &n->tensor_last; break;
	case R_CTX: first = &n->ctx_first; last = &n->ctx_last; break;
	case R_HOP: first = &n->hop_first; break;
	case R_HCTX: first = &n->hctx_first; last = &n->hctx_last; break;
	default: first = &n->hinfo_first; last = &n->hinfo_last; break;
	}
	if (*first < 0)
		*first = pos;
	if (last)
		*last = pos;
}

/* TreeBuilder::AddLevelEvents: a two-pointer sweep; a record at t belongs to the level node
 * with start < t <= end; node_basic_info goes to a later node of the level that also holds t
 * (GetEventOffset, the nested HCCL AICPU launch). Records before a node or between two are
 * dropped. */
static void attach(struct walk *w, const struct seg *g, const int32_t *lv, size_t nlv,
		   enum rec_kind k)
{
	const uint64_t *ts = g->ts;

	size_t e = 0, it = 0;

	while (e < g->n && it < nlv) {
		const struct tnode *nd = &w->t.v[lv[it]];
		uint64_t t = ts[e];

		if (t > nd->start && t <= nd->end) {
			size_t off = 0;

			if (k == R_BASIC) {
				size_t o;

				for (o = 1; it + o < nlv && w->t.v[lv[it + o]].start <= t; o++)
					if (t <= w->t.v[lv[it + o]].end) {
						off = o;
						break;
					}
			}
			g->node[e] = lv[it + off];
			note_record(&w->t.v[lv[it + off]], k, (int32_t)e);
			e++;
		} else if (t > nd->end) {
			if (it + 1 < nlv && t < w->t.v[lv[it + 1]].start) {
				w->st->records_unplaced++;
				e++;
			}
			it++;
		} else {
			w->st->records_unplaced++;
			e++;
		}
	}
	w->st->records_unplaced += g->n - e;
}

/* TreeBuilder::AddTaskTrackEvents: tracks (in time order) become runtime leaves of the deepest
 * API node around them; those between or outside its children hang from the node itself. */
static int add_tracks(struct walk *w, int32_t node, int depth)
{
	const struct seg *g = &w->track;
	int32_t c, stop;
	uint64_t prev_end;

	if (depth > MAX_BINDING_DEPTH)
		return -1;
	prev_end = w->t.v[node].start;
	stop = w->t.v[node].last; /* only the children it had on entry */
	for (c = w->t.v[node].first; c >= 0 && !w->oom; c = w->t.v[c].next) {
		uint64_t cs = w->t.v[c].start, ce = w->t.v[c].end;

		while (w->next_track < g->n) {
			uint64_t ts = w->h->tracks.v[g->idx[w->next_track]].ts;

			if (!(ts > prev_end && ts <= cs))
				break;
			if (ap_cann__new_node(w, ts, ts, g->idx[w->next_track++], LV_RUNTIME, node) < 0)
				return -1;
		}
		while (w->next_track < g->n) {
			uint64_t ts = w->h->tracks.v[g->idx[w->next_track]].ts;

			if (!(ts > cs && ts <= ce))
				break;
			if (add_tracks(w, c, depth + 1) < 0)
				return -1;
		}
		prev_end = ce;
		if (c == stop)
			break;
	}
	while (w->next_track < g->n && !w->oom) {
		uint64_t ts = w->h->tracks.v[g->idx[w->next_track]].ts;

		if (!(ts > w->t.v[node].start && ts <= w->t.v[node].end))
			break;
		if (ap_cann__new_node(w, ts, ts, g->idx[w->next_track++], LV_RUNTIME, node) < 0)
			return -1;
	}
	return w->oom ? -1 : 0;
}

/* ---- the threads ---------------------------------------------------------------------- */

/* The order of the API events: by begin time, then level descending (SortByTimeAndLevel),
 * grouped by thread. std::sort is not stable; ties keep reading order here. */
static int order_apis(struct sorted *s, const struct ap_cann_host *h, uint32_t *sel, size_t n)
{
	struct ap_sortkey *k = malloc((n ? n : 1) * sizeof(*k));
	size_t i;
	int ret = AP_ENOMEM;

	memset(s, 0, sizeof(*s));
	s->idx = malloc((n ? n : 1) * sizeof(*s->idx));
	s->tid = malloc((n ? n : 1) * sizeof(*s->tid));
	s->ts = malloc((n ? n : 1) * sizeof(*s->ts));
	s->node = malloc((n ? n : 1) * sizeof(*s->node));
	if (!k || !s->idx || !s->tid || !s->ts || !s->node)
		goto out;
	for (i = 0; i < n; i++) {
		k[i].key = -(int64_t)h->apis.v[sel[i]].level;
		k[i].idx = sel[i];
	}
	if (ap_sort_keys(k, n) < 0)
		goto out;
	for (i = 0; i < n; i++)
		k[i].key = ap_sortkey_u64(h->apis.v[k[i].idx].begin);
	if (ap_sort_keys(k, n) < 0)
		goto out;
	for (i = 0; i < n; i++)
		k[i].key = h->apis.v[k[i].idx].tid;
	if (ap_sort_keys(k, n) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		s->idx[i] = k[i].idx;
		s->tid[i] = h->apis.v[k[i].idx].tid;
		s->ts[i] = h->apis.v[k[i].idx].begin;
		s->node[i] = -1;
	}
	s->n = n;
	ret = 0;
out:
	free(k);
	return ret;
}

/* The records of one table, selected by keep (NULL: all), as (thread, time) order. */
#define SORT_TABLE(s, vec, keep_expr)                                                     \
	do {                                                                              \
		size_t n_ = 0, i_;                                                        \
		uint32_t *tid_ = malloc(((vec).n ? (vec).n : 1) * sizeof(uint32_t));      \
		uint64_t *ts_ = malloc(((vec).n ? (vec).n : 1) * sizeof(uint64_t));       \
		uint32_t *map_ = malloc(((vec).n ? (vec).n : 1) * sizeof(uint32_t));      \
		if (!tid_ || !ts_ || !map_) {                                             \
			free(tid_);                                                       \
			free(ts_);                                                        \
			free(map_);                                                       \
			goto nomem;                                                       \
		}                                                                         \
		for (i_ = 0; i_ < (vec).n; i_++) {                                        \
			const __typeof__(*(vec).v) *r = &(vec).v[i_];                     \
			if (!(keep_expr))                                                 \
				continue;                                                 \
			tid_[n_] = r->tid;                                                \
			ts_[n_] = r->ts;                                                  \
			map_[n_++] = (uint32_t)i_;                                        \
		}                                                                         \
		if (sorted_build(&(s), n_, tid_, ts_) < 0) {                              \
			free(map_);                                                       \
			goto nomem;                                                       \
		}                                                                         \
		for (i_ = 0; i_ < n_; i_++)                                               \
			(s).idx[i_] = map_[(s).idx[i_]];                                  \
		free(map_);                                                               \
	} while (0)

enum { T_API, T_TRACK, T_BASIC, T_ATTR, T_TENSOR, T_CTX, T_HCTX, T_HOP, T_HINFO, NTAB };

static void thread_tree(struct walk *w, struct sorted *tab, uint32_t tid)
{
	struct seg apis = take(&tab[T_API], tid);
	uint64_t bound = 0;
	size_t i;
	int s;

	w->t.n = 0;
	w->lv_model.n = w->lv_node.n = w->lv_hccl.n = 0;
	w->track = take(&tab[T_TRACK], tid);
	w->basic = take(&tab[T_BASIC], tid);
	w->attr = take(&tab[T_ATTR], tid);
	w->tensor = take(&tab[T_TENSOR], tid);
	w->ctx = take(&tab[T_CTX], tid);
	w->hctx = take(&tab[T_HCTX], tid);
	w->hop = take(&tab[T_HOP], tid);
	w->hinfo = take(&tab[T_HINFO], tid);
	w->next_track = 0;
	w->last_bigop = -1;
	for (s = 0; s < NSLOT; s++)
		w->path[s] = -1;
	for (i = 0; i < apis.n; i++)
		if (w->h->apis.v[apis.idx[i]].end > bound)
			bound = w->h->apis.v[apis.idx[i]].end;
	if (w->track.n && w->track.ts[w->track.n - 1] > bound)
		bound = w->track.ts[w->track.n - 1];
	if (ap_cann__new_node(w, 0, bound == UINT64_MAX ? bound : bound + 1, AP_CANN__NONE, 0, -1) < 0)
		return;
	build_skeleton(w, &apis);
	attach(w, &w->basic, w->lv_node.v, w->lv_node.n, R_BASIC);
	attach(w, &w->attr, w->lv_node.v, w->lv_node.n, R_ATTR);
	attach(w, &w->tensor, w->lv_node.v, w->lv_node.n, R_TENSOR);
	attach(w, &w->ctx, w->lv_node.v, w->lv_node.n, R_CTX);
	attach(w, &w->hop, w->lv_node.v, w->lv_node.n, R_HOP);
	attach(w, &w->hctx, w->lv_hccl.v, w->lv_hccl.n, R_HCTX);
	attach(w, &w->hinfo, w->lv_hccl.v, w->lv_hccl.n, R_HINFO);
	if (w->oom)
		return;
	(void)add_tracks(w, 0, 0);
	w->st->records_unplaced += w->track.n - w->next_track;
	if (!w->oom)
		ap_cann__analyze(w);
}

void ap_cann__host_tasks_release(struct ap_cann__host_tasks *t)
{
	if (!t)
		return;
	ap_vec_free(&t->tasks);
	ap_vec_free(&t->ops);
	ap_vec_free(&t->bigops);
	t->nflows = 0;
}

int ap_cann__host_tasks(const struct ap_cann_join_in *in, struct ap_cann__host_tasks *out,
			struct ap_cann_join_stats *st)
{
	const struct ap_cann_host *h = in->h;
	struct sorted tab[NTAB];
	struct walk w;
	uint32_t *sel = NULL;
	size_t i, n = 0, a, b;
	int ret = AP_ENOMEM;

	memset(tab, 0, sizeof(tab));
	memset(&w, 0, sizeof(w));
	w.in = in;
	w.h = h;
	w.out = out;
	w.st = st;
	sel = malloc((h->apis.n ? h->apis.n : 1) * sizeof(*sel));
	if (!sel)
		goto nomem;
	for (i = 0; i < h->apis.n; i++) {
		uint16_t l = h->apis.v[i].level;

		if (l == LV_ACL || l == LV_MODEL || l == LV_NODE || l == LV_HCCL)
			sel[n++] = (uint32_t)i;
	}
	if (order_apis(&tab[T_API], h, sel, n) < 0)
		goto nomem;
	/* flips and maintenance tasks are not tasks (compact_info_parser.cpp) */
	SORT_TABLE(tab[T_TRACK], h->tracks,
		   r->task_type != AP_CANN_TASK_FLIP && r->task_type != 6);
	SORT_TABLE(tab[T_BASIC], h->nodes, 1);
	SORT_TABLE(tab[T_ATTR], h->attrs, 1);
	SORT_TABLE(tab[T_TENSOR], h->tensor_ops, 1);
	SORT_TABLE(tab[T_CTX], h->ctxs, r->level == LV_NODE);
	SORT_TABLE(tab[T_HCTX], h->ctxs, r->level == LV_HCCL);
	SORT_TABLE(tab[T_HOP], h->hccl_ops, 1);
	SORT_TABLE(tab[T_HINFO], h->hccl_infos, 1);
	/* threads in ascending order (a std::set), those with API events or task tracks */
	a = b = 0;
	while (!w.oom && (a < tab[T_API].n || b < tab[T_TRACK].n)) {
		uint32_t tid;

		if (b >= tab[T_TRACK].n || (a < tab[T_API].n && tab[T_API].tid[a] <= tab[T_TRACK].tid[b]))
			tid = tab[T_API].tid[a];
		else
			tid = tab[T_TRACK].tid[b];
		thread_tree(&w, tab, tid);
		while (a < tab[T_API].n && tab[T_API].tid[a] == tid)
			a++;
		while (b < tab[T_TRACK].n && tab[T_TRACK].tid[b] == tid)
			b++;
	}
	if (!w.oom)
		ret = 0;
nomem:
	for (i = 0; i < NTAB; i++)
		sorted_release(&tab[i]);
	free(sel);
	free(w.t.v);
	free(w.lv_model.v);
	free(w.lv_node.v);
	free(w.lv_hccl.v);
	return ret;
}
