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


/* ---- per-thread lists ---- */

/* The entries of one key in a struct lists, with upstream's monotone cursors. */
struct run {
	uint32_t begin, end;
	uint32_t cur[2];
};

/* Entries grouped by a small key, each group in entry order (a stable counting sort). */
struct lists {
	uint32_t *e;
	struct run *r; /* by key */
};

/* Groups the entries i < n whose key[i] is below nkeys (others are left out) into l.
 * Returns 0 or AP_ENOMEM. */
static int lists_build(struct lists *l, const uint32_t *key, size_t n, size_t nkeys)
{
	size_t i, k, sum = 0;

	l->e = malloc((n ? n : 1) * sizeof(*l->e));
	l->r = calloc(nkeys ? nkeys : 1, sizeof(*l->r));
	if (!l->e || !l->r)
		return AP_ENOMEM;
	for (i = 0; i < n; i++)
		if (key[i] < nkeys)
			l->r[key[i]].end++;
	for (k = 0; k < nkeys; k++) {
		uint32_t count = l->r[k].end;

		l->r[k].begin = l->r[k].end = (uint32_t)sum;
		sum += count;
	}
	for (i = 0; i < n; i++)
		if (key[i] < nkeys)
			l->e[l->r[key[i]].end++] = (uint32_t)i;
	return 0;
}

static void lists_release(struct lists *l)
{
	free(l->e);
	free(l->r);
}

/* ---- op-name attribution (MemoryPrepareParser._get_op_name_of_record) ---- */

#define NO_RUN UINT32_MAX

/* What attribution asks of an op's name, per string id (0: not looked at yet). */
#define NAME_SEEN 1
#define NAME_ATEN_NPU 2 /* starts with aten or npu */
#define NAME_SKIPPED 4  /* empty_tensor or malloc_workspace: not in the thread lists */

struct attrib {
	const struct ap_host *h;
	const struct ap_queue *q;
	const struct ap_tree *t;
	struct lists ops;        /* tree nodes of the process's torch ops, by thread id */
	uint32_t *ops_of_thread; /* marker thread (h->threads) -> its thread id's run in ops */
	uint32_t *ops_of_mem;    /* memory record thread (h->memthreads) -> the same */
	uint32_t *mem_as_marker; /* memory record thread -> that marker thread, or NO_RUN */
	struct lists deqs;       /* dequeue events (q->deq) by marker thread */
	struct ap_sortkey *enq;  /* (corr, index into q->enq), sorted */
	size_t n_enq, enq_at;    /* enq_at: where the last search ended */
	/* node -> an ancestor such that every node strictly between has ended before the time
	 * of the queries so far; the parent at first. The queries of name_by_thread come in time
	 * order, so a node that ended before one has ended before all later ones: walks skip it
	 * (path compression keeps the whole pass near-linear, however deep the tree). */
	int32_t *jump;
	/* node -> the node itself or its nearest ancestor named aten* or npu*, -1 if none */
	int32_t *named;
};

static int64_t node_ts(const struct attrib *a, uint32_t node)
{
	return a->h->ops.v[a->t->op[node]].ts;
}

/* Last entry of the run that started at or before ts, advancing cursor `which` (never moves
 * back: upstream assumes the queries come in time order). -1 if none. */
static int64_t last_op_before(const struct attrib *a, uint32_t run, int64_t ts, int which)
{
	struct run *r;

	if (run == NO_RUN)
		return -1;
	r = &a->ops.r[run];
	while (r->begin + r->cur[which] < r->end &&
	       node_ts(a, a->ops.e[r->begin + r->cur[which]]) <= ts)
		r->cur[which]++;
	return r->cur[which] ? (int64_t)(r->begin + r->cur[which] - 1) : -1;
}

/* Without a dequeue: the last op of the thread started at or before ts, or the first of its
 * ancestors still running at ts. */
static uint32_t name_by_thread(struct attrib *a, uint32_t thread, int64_t ts)
{
	int64_t i = last_op_before(a, a->ops_of_mem[thread], ts, 0);
	int32_t node, live, next;

	if (i < 0)
		return AP_STR_NONE;
	node = (int32_t)a->ops.e[i];
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
	int64_t i = last_op_before(a, a->ops_of_thread[enq->thread], enq->ts + enq->dur, 1);
	int32_t node;

	if (i < 0)
		return AP_STR_NONE;
	node = a->named[a->ops.e[i]];
	return node < 0 ? AP_STR_NONE : a->h->ops.v[a->t->op[node]].name;
}

/* The last enqueue with that correlation id. Ids come mostly in increasing order: the search
 * gallops on from where the last one ended. */
static const struct ap_qev *enqueue_of(struct attrib *a, uint64_t corr)
{
	const struct ap_sortkey *e = a->enq;
	int64_t key = ap_sortkey_u64(corr);
	size_t lo = a->enq_at, hi, step;

	/* [lo, hi) holds the first entry above key; every entry before lo is not above it */
	if (lo > 0 && e[lo - 1].key > key) {
		hi = lo - 1;
		lo = 0;
	} else {
		for (hi = lo, step = 1; hi < a->n_enq && e[hi].key <= key; step *= 2) {
			lo = hi + 1;
			hi = lo + step > a->n_enq ? a->n_enq : lo + step;
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].key <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	a->enq_at = lo;
	if (!lo || e[lo - 1].key != key)
		return NULL;
	return &a->q->enq.v[e[lo - 1].idx]; /* the last enqueue with that id wins */
}

/* The name of a lifecycle whose malloc was at ts on that thread (h->memthreads). */
static uint32_t attribute(struct attrib *a, uint32_t thread, int64_t ts)
{
	const struct ap_qev *deq = NULL, *enq;
	uint32_t marker = a->mem_as_marker[thread];
	struct run none = { 0, 0, { 0, 0 } };
	struct run *r = marker == NO_RUN ? &none : &a->deqs.r[marker];

	/* upstream looks the record's pid and tid up among the dequeues' pids and tids, then
	 * its (pid, tid) pair: the thread numbers are those pairs */
	while (r->begin + r->cur[0] < r->end &&
	       a->q->deq.v[a->deqs.e[r->begin + r->cur[0]]].ts <= ts)
		r->cur[0]++;
	if (r->cur[0]) {
		const struct ap_qev *d = &a->q->deq.v[a->deqs.e[r->begin + r->cur[0] - 1]];

		if (d->ts <= ts && ts < d->ts + d->dur)
			deq = d;
	}
	if (!deq)
		return name_by_thread(a, thread, ts);
	enq = enqueue_of(a, deq->corr);
	return enq ? name_by_enqueue(a, enq) : AP_STR_NONE;
}

static void attrib_release(struct attrib *a)
{
	lists_release(&a->ops);
	lists_release(&a->deqs);
	free(a->ops_of_thread);
	free(a->ops_of_mem);
	free(a->mem_as_marker);
	free(a->enq);
	free(a->jump);
	free(a->named);
}

/* NAME_* of the string id, looked at once per id. */
static unsigned name_flags(const struct ap_host *h, uint8_t *flags, uint32_t id)
{
	const char *s;

	if (flags[id])
		return flags[id];
	s = ap_strtab_get(&h->strs, id);
	if (!s)
		s = "";
	flags[id] = NAME_SEEN;
	if (!strncmp(s, "aten", 4) || !strncmp(s, "npu", 3))
		flags[id] |= NAME_ATEN_NPU;
	if (!strcmp(s, "empty_tensor") || !strcmp(s, "malloc_workspace"))
		flags[id] |= NAME_SKIPPED;
	return flags[id];
}

/* out[i]: the run in tids (thread id -> run) of thread i of t, or NO_RUN. */
static void runs_by_tid(const struct ap_u64map *tids, const struct ap_thread_vec *t, uint32_t *out)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct ap_u64map_slot *s = ap_u64map_find(tids, t->v[i].tid);

		out[i] = s ? s->val : NO_RUN;
	}
}

/* The tree's ops of process pid by thread id (numbered in first-seen order), and each
 * thread number's run among them. key receives node -> thread id number (or NO_RUN). */
static int thread_ops(struct attrib *a, uint64_t pid, uint8_t *flags, uint32_t *key)
{
	const struct ap_host *h = a->h;
	struct ap_u64map tids = { NULL, 0, 0 };
	uint64_t last_tid = 0;
	uint32_t last = NO_RUN, ntids = 0;
	size_t i;
	int ret = AP_ENOMEM;

	if (ap_u64map_init(&tids, 16) < 0)
		goto out;
	for (i = 0; i < a->t->n; i++) {
		const struct ap_op *op = &h->ops.v[a->t->op[i]];
		struct ap_u64map_slot *s;
		int added;

		key[i] = NO_RUN;
		if (op->pid != pid || (name_flags(h, flags, op->name) & NAME_SKIPPED))
			continue;
		if (last == NO_RUN || op->tid != last_tid) {
			if (!(s = ap_u64map_get(&tids, op->tid, &added)))
				goto out;
			if (added)
				s->val = ntids++;
			last = s->val;
			last_tid = op->tid;
		}
		key[i] = last;
	}
	if (lists_build(&a->ops, key, a->t->n, ntids) < 0)
		goto out;
	runs_by_tid(&tids, &h->threads, a->ops_of_thread);
	runs_by_tid(&tids, &h->memthreads, a->ops_of_mem);
	ret = 0;
out:
	ap_u64map_release(&tids);
	return ret;
}

/* Each memory record thread's number among the markers' threads (the same (pid, tid)), or
 * NO_RUN. Returns 0 or AP_ENOMEM. */
static int marker_threads(struct attrib *a)
{
	const struct ap_host *h = a->h;
	struct ap_thread_vec all = { NULL, 0, 0 };
	struct ap_u64map idx = { NULL, 0, 0 };
	size_t i;
	uint32_t t;
	int ret = AP_ENOMEM;

	a->mem_as_marker = malloc((h->memthreads.n ? h->memthreads.n : 1) *
				  sizeof(*a->mem_as_marker));
	if (!a->mem_as_marker || ap_u64map_init(&idx, h->threads.n + h->memthreads.n) < 0)
		goto out;
	/* the markers' threads numbered again, as they are; then each memory record thread
	 * found among them, or numbered after them */
	for (i = 0; i < h->threads.n; i++)
		if (ap_thread_number(&all, &idx, h->threads.v[i].pid, h->threads.v[i].tid, &t) < 0)
			goto out;
	for (i = 0; i < h->memthreads.n; i++) {
		int r = ap_thread_number(&all, &idx, h->memthreads.v[i].pid, h->memthreads.v[i].tid,
					 &t);

		if (r == AP_ENOMEM)
			goto out;
		a->mem_as_marker[i] = r == 0 && t < h->threads.n ? t : NO_RUN;
	}
	ret = 0;
out:
	ap_vec_free(&all);
	ap_u64map_release(&idx);
	return ret;
}

static int attrib_init(struct attrib *a, const struct ap_host *h, const struct ap_queue *q,
		       const struct ap_tree *t, uint64_t pid)
{
	size_t i, n_deq = q ? q->deq.n : 0, n_enq = q ? q->enq.n : 0;
	size_t nkey = t->n > n_deq ? t->n : n_deq;
	uint8_t *flags = calloc(h->strs.n ? h->strs.n : 1, 1);
	uint32_t *key = malloc((nkey ? nkey : 1) * sizeof(*key));
	int ret = AP_ENOMEM;

	memset(a, 0, sizeof(*a));
	a->h = h;
	a->q = q;
	a->t = t;
	a->ops_of_thread = malloc((h->threads.n ? h->threads.n : 1) * sizeof(*a->ops_of_thread));
	a->ops_of_mem = malloc((h->memthreads.n ? h->memthreads.n : 1) * sizeof(*a->ops_of_mem));
	a->enq = malloc((n_enq ? n_enq : 1) * sizeof(*a->enq));
	a->jump = malloc((t->n ? t->n : 1) * sizeof(*a->jump));
	a->named = malloc((t->n ? t->n : 1) * sizeof(*a->named));
	if (!flags || !key || !a->ops_of_thread || !a->ops_of_mem || !a->enq || !a->jump ||
	    !a->named || marker_threads(a) < 0)
		goto out;
	/* A parent comes before its children in node order. */
	for (i = 0; i < t->n; i++) {
		int32_t up = t->parent[i];

		a->jump[i] = up;
		a->named[i] = name_flags(h, flags, h->ops.v[t->op[i]].name) & NAME_ATEN_NPU
				      ? (int32_t)i
			      : up >= 0 ? a->named[up]
					: -1;
	}
	if (thread_ops(a, pid, flags, key) < 0)
		goto out;
	for (i = 0; i < n_deq; i++)
		key[i] = q->deq.v[i].thread;
	if (lists_build(&a->deqs, key, n_deq, h->threads.n) < 0)
		goto out;
	for (i = 0; i < n_enq; i++) {
		a->enq[i].key = ap_sortkey_u64(q->enq.v[i].corr);
		a->enq[i].idx = (uint32_t)i;
	}
	a->n_enq = n_enq;
	ret = ap_sort_keys(a->enq, n_enq);
out:
	free(flags);
	free(key);
	return ret;
}

/* ---- lifecycles (MemoryPrepareParser._get_valid_record_entry) ---- */

#define NO_GROUP UINT32_MAX

/* A pointer while its records are cut: where it was first seen, and its open lifecycle with
 * the data types of its records. */
struct ptr_state {
	uint32_t first;   /* position (time order) of its first record */
	uint32_t open;    /* index in mv->groups of its open lifecycle, or NO_GROUP */
	uint8_t type[LIFECYCLE_MAX];
};

/* What the passes after the cut read of a lifecycle's malloc, kept beside mv->groups so that
 * they need not look the record up again. */
struct group_start {
	int64_t ts;
	uint32_t thread;
	uint32_t caching; /* component is AP_MEM_CACHING */
};

/* Cuts the records of each pointer, in time order, into lifecycles: each starts at a malloc
 * and takes following records of the pointer while fewer than three are taken and their data
 * type is new in it; a record that does not fit closes it and is looked at again as a start,
 * and a non-malloc record with no lifecycle open is skipped. One pass over the records,
 * pointers tracked in a hash map. Lifecycles are appended when they start, so mv->groups is
 * in start-time order; ties are then put in upstream's order. first_of[i] receives the first
 * position of the pointer of group i, gs[i] its malloc's fields. */
static int cut_lifecycles(const struct ap_host *h, struct ap_memview *mv, uint32_t *first_of,
			  struct group_start *gs)
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

		if (m->allocator != MEM_INNER_ALLOC || h->memthreads.v[m->thread].pid != mv->pid)
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
			uint32_t k;

			for (k = 0; k < g->n && ps->type[k] != m->data_type; k++)
				;
			if (k == g->n && g->n < LIFECYCLE_MAX) {
				ps->type[g->n] = (uint8_t)m->data_type;
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
			ps->type[0] = AP_MEM_MALLOC;
			first_of[mv->groups.n] = ps->first;
			gs[mv->groups.n].ts = m->ts;
			gs[mv->groups.n].thread = m->thread;
			gs[mv->groups.n].caching = m->component == AP_MEM_CACHING;
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
 * order, so a stable sort by first position is enough; gs is reordered with the groups.
 * Returns 0 or AP_ENOMEM. */
static int order_ties(struct ap_memview *mv, const uint32_t *first_of, struct group_start *gs)
{
	struct ap_memgroup *g = mv->groups.v;
	AP_VEC(struct ap_sortkey) keys = { NULL, 0, 0 };
	AP_VEC(struct ap_memgroup) copy = { NULL, 0, 0 };
	AP_VEC(struct group_start) gcopy = { NULL, 0, 0 };
	size_t i, j, k;
	int ret = 0;

	for (i = 0; i < mv->groups.n && ret == 0; i = j) {
		int sorted = 1;

		for (j = i + 1; j < mv->groups.n && gs[j].ts == gs[i].ts; j++)
			sorted &= first_of[j - 1] <= first_of[j];
		if (sorted)
			continue;
		/* scratch grown to the longest run met, never per run */
		if (ap_vec_reserve(&keys, j - i) < 0 || ap_vec_reserve(&copy, j - i) < 0 ||
		    ap_vec_reserve(&gcopy, j - i) < 0) {
			ret = AP_ENOMEM;
			break;
		}
		for (k = i; k < j; k++) {
			keys.v[k - i].key = first_of[k];
			keys.v[k - i].idx = (uint32_t)(k - i);
		}
		ret = ap_sort_keys(keys.v, j - i);
		for (k = i; ret == 0 && k < j; k++) {
			copy.v[k - i] = g[i + keys.v[k - i].idx];
			gcopy.v[k - i] = gs[i + keys.v[k - i].idx];
		}
		if (ret == 0) {
			memcpy(g + i, copy.v, (j - i) * sizeof(*copy.v));
			memcpy(gs + i, gcopy.v, (j - i) * sizeof(*gcopy.v));
		}
	}
	ap_vec_free(&keys);
	ap_vec_free(&copy);
	ap_vec_free(&gcopy);
	return ret;
}

/* ---- the pass ---- */

/* The first process, in time order of its inner-allocator NPU records, that has torch ops. */
static int pick_process(const struct ap_host *h, const struct ap_tree *t,
			const struct ap_memview *mv, uint64_t *pid)
{
	struct ap_u64map pids = { NULL, 0, 0 };
	uint64_t last = 0;
	size_t i;
	int found = 0;

	if (!t || !t->n)
		return 0;
	if (ap_u64map_init(&pids, 16) < 0)
		return AP_ENOMEM;
	for (i = 0; i < t->n; i++) {
		uint64_t p = h->ops.v[t->op[i]].pid;

		if ((i == 0 || p != last) && !ap_u64map_get(&pids, p, NULL)) {
			ap_u64map_release(&pids);
			return AP_ENOMEM;
		}
		last = p;
	}
	for (i = 0; i < mv->pta.n && !found; i++) {
		const struct ap_mem *m = &h->mems.v[mv->pta.v[i]];

		if (m->allocator == MEM_INNER_ALLOC &&
		    ap_u64map_find(&pids, h->memthreads.v[m->thread].pid)) {
			*pid = h->memthreads.v[m->thread].pid;
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
	struct group_start *gs = NULL;
	size_t i;
	int ret = AP_ENOMEM;

	memset(&a, 0, sizeof(a));
	/* every lifecycle starts at its own record */
	first_of = malloc((mv->pta.n ? mv->pta.n : 1) * sizeof(*first_of));
	gs = malloc((mv->pta.n ? mv->pta.n : 1) * sizeof(*gs));
	if (!first_of || !gs || ap_vec_reserve(&mv->groups, mv->pta.n) < 0)
		goto out;
	if (cut_lifecycles(h, mv, first_of, gs) < 0 || order_ties(mv, first_of, gs) < 0)
		goto out;
	free(first_of);
	first_of = NULL;
	if (attrib_init(&a, h, q, t, mv->pid) < 0)
		goto out;
	for (i = 0; i < mv->groups.n; i++) {
		struct ap_memgroup *g = &mv->groups.v[i];

		g->name = attribute(&a, gs[i].thread, gs[i].ts);
		if (!ap_strtab_len(&h->strs, g->name))
			mv->unnamed++;
		if (gs[i].caching && g->n < LIFECYCLE_MAX)
			mv->incomplete += LIFECYCLE_MAX - g->n;
	}
	ret = 0;
out:
	attrib_release(&a);
	free(first_of);
	free(gs);
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
