/* Memory views of the framework data (spec torch_npu_ascend_pt.md §8.6): the PTA record list,
 * the allocation lifecycles of operator_memory.csv and the op each one is charged to.
 * Upstream: MemoryPrepareParser (_memory_prepare_parser.py). Pure pass, no I/O. */
#include <stdlib.h>
#include <string.h>

#include "ap/memview.h"
#include "ap/sort.h"
#include "ap/strtab.h"
#include "ap/u64map.h"
#include "../base/banned.h"

#define MEM_DEVICE_NPU 20   /* ap_mem.device_type of NPU records (PrivateUse1), §3.5 */
#define MEM_INNER_ALLOC 0   /* ap_mem.allocator of the records that feed operator_memory */
#define LIFECYCLE_MAX 3     /* malloc + free + block free */


/* ---- small sorted tables ---- */

/* A set of 64-bit values (pids, thread ids): the keys of a map. Returns 0 or AP_ENOMEM. */
static int set_add(struct ap_u64map *set, uint64_t v)
{
	return ap_u64map_get(set, v, NULL) ? 0 : AP_ENOMEM;
}

static int set_has(const struct ap_u64map *set, uint64_t v)
{
	return ap_u64map_find(set, v) != NULL;
}

/* An entry of a per-thread list: (key1, key2, index), sorted on all three. */
struct tent {
	uint64_t k1, k2;
	uint32_t idx;
};

/* One stable radix pass over e[0..n) by k1 (which = 1) or k2, through keys and tmp. */
static int sort_pass(struct tent *e, size_t n, int which, struct ap_sortkey *keys, struct tent *tmp)
{
	size_t i;

	for (i = 0; i < n; i++) {
		keys[i].key = ap_sortkey_u64(which == 1 ? e[i].k1 : e[i].k2);
		keys[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(keys, n) < 0)
		return AP_ENOMEM;
	for (i = 0; i < n; i++)
		tmp[i] = e[keys[i].idx];
	memcpy(e, tmp, n * sizeof(*e));
	return 0;
}

/* Sorts e[0..n), whose idx are increasing, on (k1, k2, idx): stable passes by k2, then k1. */
static int sort_tents(struct tent *e, size_t n)
{
	struct ap_sortkey *keys = malloc((n ? n : 1) * sizeof(*keys));
	struct tent *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	int ret = AP_ENOMEM;
	size_t i;

	if (!keys || !tmp)
		goto out;
	for (i = 0; i < n && !e[i].k2; i++)
		;
	if (i < n && sort_pass(e, n, 2, keys, tmp) < 0)
		goto out;
	ret = sort_pass(e, n, 1, keys, tmp);
out:
	free(keys);
	free(tmp);
	return ret;
}


/* A run of equal (k1, k2) in a sorted tent array, with upstream's monotone cursors. */
struct run {
	uint64_t k1, k2;
	uint32_t begin, end;
	uint32_t cur[2];
};

static int cmp_run_key(const void *key, const void *elem)
{
	const struct tent *k = key;
	const struct run *r = elem;

	if (k->k1 != r->k1)
		return k->k1 < r->k1 ? -1 : 1;
	return (k->k2 > r->k2) - (k->k2 < r->k2);
}

struct runtab {
	struct tent *e;
	struct run *r;
	size_t ne, nr;
};

static void runtab_release(struct runtab *rt)
{
	free(rt->e);
	free(rt->r);
	memset(rt, 0, sizeof(*rt));
}

/* Sorts rt->e[0..ne) and builds its runs. Returns 0 or AP_ENOMEM. */
static int runtab_index(struct runtab *rt)
{
	size_t i;

	if (!rt->ne)
		return 0;
	if (sort_tents(rt->e, rt->ne) < 0)
		return AP_ENOMEM;
	rt->r = malloc(rt->ne * sizeof(*rt->r));
	if (!rt->r)
		return AP_ENOMEM;
	for (i = 0; i < rt->ne; i++) {
		struct run *r = rt->nr ? &rt->r[rt->nr - 1] : NULL;

		if (!r || r->k1 != rt->e[i].k1 || r->k2 != rt->e[i].k2) {
			r = &rt->r[rt->nr++];
			r->k1 = rt->e[i].k1;
			r->k2 = rt->e[i].k2;
			r->begin = (uint32_t)i;
			r->cur[0] = r->cur[1] = 0;
		}
		r->end = (uint32_t)i + 1;
	}
	return 0;
}

static struct run *runtab_find(const struct runtab *rt, uint64_t k1, uint64_t k2)
{
	struct tent key = { k1, k2, 0 };

	if (!rt->nr)
		return NULL;
	return bsearch(&key, rt->r, rt->nr, sizeof(*rt->r), cmp_run_key);
}

/* ---- op-name attribution (MemoryPrepareParser._get_op_name_of_record) ---- */

struct attrib {
	const struct ap_host *h;
	const struct ap_queue *q;
	const struct ap_tree *t;
	struct runtab ops;      /* (tid, 0, node): torch ops of the process, minus two names */
	struct runtab deqs;     /* (pid, tid, index into q->deq) */
	struct tent *enq;       /* (corr, 0, index into q->enq) sorted */
	size_t n_enq;
	struct ap_u64map deq_pids, deq_tids; /* sets */
	/* node -> an ancestor such that every node strictly between has ended before the time
	 * of the queries so far; the parent at first. The queries of name_by_thread come in time
	 * order, so a node that ended before one has ended before all later ones: walks skip it
	 * (path compression keeps the whole pass near-linear, however deep the tree). */
	int32_t *jump;
	/* node -> the node itself or its nearest ancestor named aten* or npu*, -1 if none */
	int32_t *named;
};

static const char *op_name(const struct ap_host *h, uint32_t op)
{
	const char *s = ap_strtab_get(&h->strs, h->ops.v[op].name);

	return s ? s : "";
}

static int64_t node_ts(const struct attrib *a, uint32_t node)
{
	return a->h->ops.v[a->t->op[node]].ts;
}

/* Last entry of the run that started at or before ts, advancing cursor `which` (never moves
 * back: upstream assumes the queries come in time order). -1 if none. */
static int64_t last_op_before(const struct attrib *a, struct run *r, int64_t ts, int which)
{
	if (!r)
		return -1;
	while (r->begin + r->cur[which] < r->end &&
	       node_ts(a, a->ops.e[r->begin + r->cur[which]].idx) <= ts)
		r->cur[which]++;
	return r->cur[which] ? (int64_t)(r->begin + r->cur[which] - 1) : -1;
}

/* Without a dequeue: the last op of the thread started at or before ts, or the first of its
 * ancestors still running at ts. */
static uint32_t name_by_thread(struct attrib *a, uint64_t tid, int64_t ts)
{
	int64_t i = last_op_before(a, runtab_find(&a->ops, tid, 0), ts, 0);
	int32_t node, live, next;

	if (i < 0)
		return AP_STR_NONE;
	node = (int32_t)a->ops.e[i].idx;
	for (live = node; live >= 0 && a->h->ops.v[a->t->op[live]].end < ts;)
		live = a->jump[live];
	for (; node != live; node = next) { /* every node passed ended before ts */
		next = a->jump[node];
		a->jump[node] = live;
	}
	return live < 0 ? AP_STR_NONE : a->h->ops.v[a->t->op[live]].name;
}

/* Through an enqueue: the last op of the enqueuing thread started at or before the enqueue's
 * end marker, or its first ancestor named aten* or npu*. */
static uint32_t name_by_enqueue(struct attrib *a, const struct ap_qev *enq)
{
	int64_t i = last_op_before(a, runtab_find(&a->ops, a->h->threads.v[enq->thread].tid, 0),
				   enq->ts + enq->dur, 1);
	int32_t node;

	if (i < 0)
		return AP_STR_NONE;
	node = a->named[a->ops.e[i].idx];
	return node < 0 ? AP_STR_NONE : a->h->ops.v[a->t->op[node]].name;
}

static const struct ap_qev *enqueue_of(const struct attrib *a, uint64_t corr)
{
	size_t lo = 0, hi = a->n_enq;

	while (lo < hi) { /* first entry with corr > key */
		size_t mid = lo + (hi - lo) / 2;

		if (a->enq[mid].k1 <= corr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || a->enq[lo - 1].k1 != corr)
		return NULL;
	return &a->q->enq.v[a->enq[lo - 1].idx]; /* the last enqueue with that id wins */
}

static uint32_t attribute(struct attrib *a, const struct ap_mem *m)
{
	const struct ap_thread *th = &a->h->threads.v[m->thread];
	const struct ap_qev *deq = NULL, *enq;

	if (set_has(&a->deq_pids, th->pid) && set_has(&a->deq_tids, th->tid)) {
		struct run *r = runtab_find(&a->deqs, th->pid, th->tid);

		if (r) {
			while (r->begin + r->cur[0] < r->end &&
			       a->q->deq.v[a->deqs.e[r->begin + r->cur[0]].idx].ts <= m->ts)
				r->cur[0]++;
			if (r->cur[0]) {
				const struct ap_qev *d =
					&a->q->deq.v[a->deqs.e[r->begin + r->cur[0] - 1].idx];

				if (d->ts <= m->ts && m->ts < d->ts + d->dur)
					deq = d;
			}
		}
	}
	if (!deq)
		return name_by_thread(a, th->tid, m->ts);
	enq = enqueue_of(a, deq->corr);
	return enq ? name_by_enqueue(a, enq) : AP_STR_NONE;
}

static void attrib_release(struct attrib *a)
{
	runtab_release(&a->ops);
	runtab_release(&a->deqs);
	free(a->enq);
	ap_u64map_release(&a->deq_pids);
	ap_u64map_release(&a->deq_tids);
	free(a->jump);
	free(a->named);
}

static int attrib_init(struct attrib *a, const struct ap_host *h, const struct ap_queue *q,
		       const struct ap_tree *t, uint64_t pid)
{
	size_t i, n_deq = q ? q->deq.n : 0, n_enq = q ? q->enq.n : 0;

	memset(a, 0, sizeof(*a));
	a->h = h;
	a->q = q;
	a->t = t;
	a->ops.e = malloc((t->n ? t->n : 1) * sizeof(*a->ops.e));
	a->deqs.e = malloc((n_deq ? n_deq : 1) * sizeof(*a->deqs.e));
	a->enq = malloc((n_enq ? n_enq : 1) * sizeof(*a->enq));
	a->jump = malloc((t->n ? t->n : 1) * sizeof(*a->jump));
	a->named = malloc((t->n ? t->n : 1) * sizeof(*a->named));
	if (!a->ops.e || !a->deqs.e || !a->enq || !a->jump || !a->named ||
	    ap_u64map_init(&a->deq_pids, 16) < 0 || ap_u64map_init(&a->deq_tids, 16) < 0)
		return AP_ENOMEM;
	/* A parent comes before its children in node order. */
	for (i = 0; i < t->n; i++) {
		const char *s = op_name(h, t->op[i]);
		int32_t up = t->parent[i];

		a->jump[i] = up;
		a->named[i] = !strncmp(s, "aten", 4) || !strncmp(s, "npu", 3) ? (int32_t)i
			      : up >= 0					       ? a->named[up]
									       : -1;
	}
	for (i = 0; i < t->n; i++) {
		const struct ap_op *op = &h->ops.v[t->op[i]];
		const char *s = op_name(h, t->op[i]);

		if (op->pid != pid || !strcmp(s, "empty_tensor") || !strcmp(s, "malloc_workspace"))
			continue;
		a->ops.e[a->ops.ne++] = (struct tent){ op->tid, 0, (uint32_t)i };
	}
	for (i = 0; i < n_deq; i++) {
		const struct ap_qev *d = &q->deq.v[i];
		const struct ap_thread *th = &h->threads.v[d->thread];

		a->deqs.e[a->deqs.ne++] = (struct tent){ th->pid, th->tid, (uint32_t)i };
		if (set_add(&a->deq_pids, th->pid) < 0 || set_add(&a->deq_tids, th->tid) < 0)
			return AP_ENOMEM;
	}
	for (i = 0; i < n_enq; i++)
		a->enq[i] = (struct tent){ q->enq.v[i].corr, 0, (uint32_t)i };
	a->n_enq = n_enq;
	if (sort_tents(a->enq, n_enq) < 0 || runtab_index(&a->ops) < 0 || runtab_index(&a->deqs) < 0)
		return AP_ENOMEM;
	return 0;
}

/* ---- lifecycles (MemoryPrepareParser._get_valid_record_entry) ---- */

static int seen_type(const struct ap_host *h, const struct ap_memgroup *g, uint8_t type)
{
	uint32_t i;

	for (i = 0; i < g->n; i++)
		if (h->mems.v[g->rec[i]].data_type == type)
			return 1;
	return 0;
}

#define NO_GROUP UINT32_MAX

/* A pointer while its records are cut: where it was first seen, and its open lifecycle. */
struct ptr_state {
	uint32_t first;   /* position (time order) of its first record */
	uint32_t open;    /* index in mv->groups of its open lifecycle, or NO_GROUP */
};

/* Cuts the records of each pointer, in time order, into lifecycles: each starts at a malloc
 * and takes following records of the pointer while fewer than three are taken and their data
 * type is new in it; a record that does not fit closes it and is looked at again as a start,
 * and a non-malloc record with no lifecycle open is skipped. One pass over the records,
 * pointers tracked in a hash map. Lifecycles are appended when they start, so mv->groups is
 * in start-time order; ties are then put in upstream's order. first_of[i] receives the first
 * position of the pointer of group i. */
static int cut_lifecycles(const struct ap_host *h, struct ap_memview *mv, uint32_t *first_of)
{
	struct ap_u64map ptrs = { NULL, 0, 0 };
	struct ptr_state *st = NULL;
	size_t i, nst = 0, pos = 0;
	int ret = AP_ENOMEM;

	if (ap_u64map_init(&ptrs, 1024) < 0)
		goto out;
	st = malloc((mv->pta.n ? mv->pta.n : 1) * sizeof(*st));
	if (!st)
		goto out;
	for (i = 0; i < mv->pta.n; i++) {
		uint32_t idx = mv->pta.v[i];
		const struct ap_mem *m = &h->mems.v[idx];
		struct ap_u64map_slot *slot;
		struct ptr_state *ps;
		int added;

		if (m->allocator != MEM_INNER_ALLOC || h->threads.v[m->thread].pid != mv->pid)
			continue;
		slot = ap_u64map_get(&ptrs, (uint64_t)m->ptr, &added);
		if (!slot)
			goto out;
		if (added) {
			slot->val = (uint32_t)nst;
			st[nst].first = (uint32_t)pos;
			st[nst].open = NO_GROUP;
			nst++;
		}
		ps = &st[slot->val];
		if (ps->open != NO_GROUP) {
			struct ap_memgroup *g = &mv->groups.v[ps->open];

			if (g->n < LIFECYCLE_MAX && !seen_type(h, g, m->data_type)) {
				g->rec[g->n++] = idx;
				pos++;
				continue;
			}
			ps->open = NO_GROUP;
		}
		if (m->data_type == AP_MEM_MALLOC) {
			struct ap_memgroup *g = &mv->groups.v[mv->groups.n];

			g->rec[0] = idx;
			g->n = 1;
			g->name = AP_STR_NONE;
			first_of[mv->groups.n] = ps->first;
			ps->open = (uint32_t)mv->groups.n++;
		}
		pos++;
	}
	ret = 0;
out:
	ap_u64map_release(&ptrs);
	free(st);
	return ret;
}

/* Orders each run of lifecycles that start at the same time by (first position of the
 * pointer, start): upstream sorts the lifecycles of all pointers by malloc time, stably,
 * after building them pointer by pointer in first-seen order. Runs are already in start
 * order, so a stable sort by first position is enough. Returns 0 or AP_ENOMEM. */
static int order_ties(const struct ap_host *h, struct ap_memview *mv, const uint32_t *first_of)
{
	struct ap_memgroup *g = mv->groups.v;
	AP_VEC(struct ap_sortkey) keys = { NULL, 0, 0 };
	AP_VEC(struct ap_memgroup) copy = { NULL, 0, 0 };
	size_t i, j, k;
	int ret = 0;

	for (i = 0; i < mv->groups.n && ret == 0; i = j) {
		int64_t ts = h->mems.v[g[i].rec[0]].ts;
		int sorted = 1;

		for (j = i + 1; j < mv->groups.n && h->mems.v[g[j].rec[0]].ts == ts; j++)
			sorted &= first_of[j - 1] <= first_of[j];
		if (sorted)
			continue;
		/* scratch grown to the longest run met, never per run */
		if (ap_vec_reserve(&keys, j - i) < 0 || ap_vec_reserve(&copy, j - i) < 0) {
			ret = AP_ENOMEM;
			break;
		}
		for (k = i; k < j; k++) {
			keys.v[k - i].key = first_of[k];
			keys.v[k - i].idx = (uint32_t)(k - i);
		}
		ret = ap_sort_keys(keys.v, j - i);
		for (k = i; ret == 0 && k < j; k++)
			copy.v[k - i] = g[i + keys.v[k - i].idx];
		if (ret == 0)
			memcpy(g + i, copy.v, (j - i) * sizeof(*copy.v));
	}
	ap_vec_free(&keys);
	ap_vec_free(&copy);
	return ret;
}

/* ---- the pass ---- */

/* The first process, in time order of its inner-allocator NPU records, that has torch ops. */
static int pick_process(const struct ap_host *h, const struct ap_tree *t,
			const struct ap_memview *mv, uint64_t *pid)
{
	struct ap_u64map pids = { NULL, 0, 0 };
	size_t i;
	int found = 0;

	if (!t || !t->n)
		return 0;
	if (ap_u64map_init(&pids, 16) < 0)
		return AP_ENOMEM;
	for (i = 0; i < t->n; i++)
		if (set_add(&pids, h->ops.v[t->op[i]].pid) < 0) {
			ap_u64map_release(&pids);
			return AP_ENOMEM;
		}
	for (i = 0; i < mv->pta.n && !found; i++) {
		const struct ap_mem *m = &h->mems.v[mv->pta.v[i]];

		if (m->allocator == MEM_INNER_ALLOC && set_has(&pids, h->threads.v[m->thread].pid)) {
			*pid = h->threads.v[m->thread].pid;
			found = 1;
		}
	}
	ap_u64map_release(&pids);
	return found;
}

static int build_pta(const struct ap_host *h, struct ap_memview *mv)
{
	size_t i, n = h->mems.n, npu = 0;
	struct ap_sortkey *k = malloc((n ? n : 1) * sizeof(*k));

	if (!k)
		return AP_ENOMEM;
	/* the NPU records, picked in one sequential read instead of after the sort */
	for (i = 0; i < n; i++) {
		if (h->mems.v[i].device_type != MEM_DEVICE_NPU)
			continue;
		k[npu].key = h->mems.v[i].ts;
		k[npu++].idx = (uint32_t)i;
	}
	/* stable: records of equal time keep their file order */
	if (ap_sort_keys(k, npu) < 0 || ap_vec_reserve(&mv->pta, npu) < 0) {
		free(k);
		return AP_ENOMEM;
	}
	for (i = 0; i < npu; i++)
		mv->pta.v[i] = k[i].idx;
	mv->pta.n = npu;
	free(k);
	return 0;
}

static int build_groups(const struct ap_host *h, const struct ap_queue *q, const struct ap_tree *t,
			struct ap_memview *mv)
{
	struct attrib a;
	uint32_t *first_of = NULL;
	size_t i;
	int ret = AP_ENOMEM;

	memset(&a, 0, sizeof(a));
	/* every lifecycle starts at its own record */
	first_of = malloc((mv->pta.n ? mv->pta.n : 1) * sizeof(*first_of));
	if (!first_of || ap_vec_reserve(&mv->groups, mv->pta.n) < 0)
		goto out;
	if (cut_lifecycles(h, mv, first_of) < 0 || order_ties(h, mv, first_of) < 0)
		goto out;
	free(first_of);
	first_of = NULL;
	if (attrib_init(&a, h, q, t, mv->pid) < 0)
		goto out;
	for (i = 0; i < mv->groups.n; i++) {
		struct ap_memgroup *g = &mv->groups.v[i];
		const struct ap_mem *m0 = &h->mems.v[g->rec[0]];

		g->name = attribute(&a, m0);
		if (!ap_strtab_len(&h->strs, g->name))
			mv->unnamed++;
		if (m0->component == AP_MEM_CACHING && g->n < LIFECYCLE_MAX)
			mv->incomplete += LIFECYCLE_MAX - g->n;
	}
	ret = 0;
out:
	attrib_release(&a);
	free(first_of);
	return ret;
}

int ap_memview_build(const struct ap_host *h, const struct ap_queue *q, const struct ap_tree *t,
		     struct ap_memview *mv, struct ap_err *err)
{
	int r;

	AP_RETURN_ERROR_IF(h->mems.n > UINT32_MAX || (t && t->n > INT32_MAX) ||
				   (q && (q->deq.n > UINT32_MAX || q->enq.n > UINT32_MAX)),
			   err, AP_EINVAL, "memory view: too many records");
	if (build_pta(h, mv) < 0)
		return ap_err_set(err, AP_ENOMEM, "memory view: out of memory");
	r = pick_process(h, t, mv, &mv->pid);
	if (r < 0)
		return ap_err_set(err, AP_ENOMEM, "memory view: out of memory");
	mv->has_pid = r;
	if (r && build_groups(h, q, t, mv) < 0)
		return ap_err_set(err, AP_ENOMEM, "memory view: out of memory");
	return 0;
}
