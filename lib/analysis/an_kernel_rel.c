/* Kernel dict, op -> kernel attribution and step ranges (spec torch_npu_ascend_pt.md
 * §7.4-§7.7; upstream FwkCANNRelationParser, TreeBuilder, OperatorViewParser). */
#include <stdlib.h>
#include <string.h>

#include "ap/hostan.h"
#include "ap/sort.h"
#include "../base/banned.h"

#define STEP_MARK "ProfilerStep#"

/* The launches of the map: kernels grouped by launch time. */
struct group {
	int64_t acl_ts;
	uint32_t begin, end; /* range of kidx[] */
	uint32_t first;      /* index of its first kernel in links (its place in the dict) */
};

/* kernel_dict entry: corr id (or launch time) -> one launch's kernels, in append order. */
struct kd_entry {
	int64_t key;
	uint32_t group;
};

struct state {
	const struct ap_host *h;
	const struct ap_queue *q;
	const struct ap_tree *t;
	const struct ap_npu_links *links;
	struct ap_kernel_rel *r;
	uint32_t *kidx;        /* kernel indices, stably sorted by launch time */
	struct group *groups;  /* ascending launch time */
	uint32_t ngroups;
	uint32_t *dict_order;  /* group indices in dict (first-appearance) order */
	struct kd_entry *kd;   /* stably sorted by key */
	size_t nkd;
	/* per top-level node: the extreme keys with kernels in its corr_id_total (§7.7) */
	uint8_t *top_any;
	int64_t *top_min, *top_max;
	uint8_t *top_has;
	uint32_t *flow_node;   /* per r->flows entry: its node (task queue: sorted by it) */
};

static int is_step(const struct ap_host *h, const struct ap_tree *t, uint32_t node)
{
	const char *name = ap_strtab_get(&h->strs, h->ops.v[t->op[node]].name);

	return name && strstr(name, STEP_MARK) != NULL;
}

static int build_groups(struct state *s)
{
	size_t n = s->links->v.n, i;
	struct ap_sortkey *k = malloc((n ? n : 1) * sizeof(*k));
	struct ap_sortkey *g;
	int ret = AP_ENOMEM;

	s->kidx = malloc((n ? n : 1) * sizeof(*s->kidx));
	s->groups = malloc((n ? n : 1) * sizeof(*s->groups));
	s->dict_order = malloc((n ? n : 1) * sizeof(*s->dict_order));
	if (!k || !s->kidx || !s->groups || !s->dict_order)
		goto out;
	for (i = 0; i < n; i++) {
		k[i].key = s->links->v.v[i].acl_ts;
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, n) < 0)
		goto out;
	s->ngroups = 0;
	for (i = 0; i < n; i++) {
		s->kidx[i] = k[i].idx;
		if (i == 0 || k[i].key != k[i - 1].key) {
			struct group *gr = &s->groups[s->ngroups++];

			gr->acl_ts = k[i].key;
			gr->begin = (uint32_t)i;
			gr->first = k[i].idx; /* stable: the smallest index of the launch */
		}
		s->groups[s->ngroups - 1].end = (uint32_t)i + 1;
	}
	/* dict order: launches by their first kernel's place in the map */
	g = k;
	for (i = 0; i < s->ngroups; i++) {
		g[i].key = s->groups[i].first;
		g[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(g, s->ngroups) < 0)
		goto out;
	for (i = 0; i < s->ngroups; i++)
		s->dict_order[i] = g[i].idx;
	ret = 0;
out:
	free(k);
	return ret;
}

/* §7.5 with a task queue: each launch, in ascending time, goes to the dequeue that contains
 * it (a moving index over the dequeues in pairing order); launches outside are dropped. */
static int build_kd_queue(struct state *s)
{
	const struct ap_queue *q = s->q;
	struct ap_sortkey *k = NULL;
	size_t index = 0, i, n = 0;
	int ret = AP_ENOMEM;

	s->kd = malloc((s->ngroups ? s->ngroups : 1) * sizeof(*s->kd));
	k = malloc((s->ngroups ? s->ngroups : 1) * sizeof(*k));
	if (!s->kd || !k)
		goto out;
	for (i = 0; i < s->ngroups; i++) {
		int64_t acl = s->groups[i].acl_ts;
		int placed = 0;

		while (index < q->deq.n) {
			const struct ap_qev *d = &q->deq.v[index];

			if (d->ts > acl)
				break;
			if (acl <= d->ts + d->dur) {
				k[n].key = ap_sortkey_u64(d->corr);
				k[n].idx = (uint32_t)i;
				n++;
				placed = 1;
				break;
			}
			index++;
		}
		s->r->acl_dropped += !placed;
	}
	if (ap_sort_keys(k, n) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		s->kd[i].key = k[i].key;
		s->kd[i].group = k[i].idx;
	}
	s->nkd = n;
	ret = 0;
out:
	free(k);
	return ret;
}

/* The first kernel_dict entry of key, or nkd when the key has no kernels. */
static size_t kd_find(const struct state *s, int64_t key)
{
	size_t lo = 0, hi = s->nkd;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->kd[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nkd && s->kd[lo].key == key ? lo : s->nkd;
}

/* Adds the kernels of group g to the sums of node (self when deepest) and its ancestors up
 * to top, in order: each node's accumulation follows its own corr id list (§8.3). */
static void add_group(struct state *s, uint32_t g, int32_t node, int self)
{
	const struct group *gr = &s->groups[g];
	uint32_t j;

	for (j = gr->begin; j < gr->end; j++) {
		const struct ap_npu_kernel *k = &s->links->v.v[s->kidx[j]];
		int32_t n;

		if (self) {
			s->r->dev[node][0] += k->dur_us;
			s->r->isfloat[node] |= AP_KREL_SELF;
			if (k->ai_core) {
				s->r->dev[node][2] += k->dur_us;
				s->r->isfloat[node] |= AP_KREL_SELF_AIC;
			}
		}
		for (n = node; n >= 0; n = s->t->parent[n]) {
			s->r->dev[n][1] += k->dur_us;
			s->r->isfloat[n] |= AP_KREL_TOTAL;
			if (k->ai_core) {
				s->r->dev[n][3] += k->dur_us;
				s->r->isfloat[n] |= AP_KREL_TOTAL_AIC;
			}
		}
	}
}

/* Appends the torch_to_npu flows from node's op to the kernels of group g, in their order
 * (room reserved by the caller). */
static void add_flows(struct state *s, uint32_t g, int32_t node)
{
	const struct group *gr = &s->groups[g];
	uint32_t j;

	for (j = gr->begin; j < gr->end; j++) {
		const struct ap_npu_kernel *k = &s->links->v.v[s->kidx[j]];
		struct ap_krel_flow *f = &s->r->flows.v[s->r->flows.n++];

		f->ts = k->ts;
		f->op = s->t->op[node];
		f->flow = k->flow;
		s->flow_node[s->r->flows.n - 1] = (uint32_t)node;
	}
}

static uint32_t top_of(const struct ap_tree *t, uint32_t node)
{
	while (t->parent[node] >= 0)
		node = (uint32_t)t->parent[node];
	return node;
}

/* Notes key (with or without kernels) in the corr_id_total of top-level node top. */
static void note_top(struct state *s, uint32_t top, int64_t key, int has_kernels)
{
	s->top_any[top] = 1;
	if (!has_kernels)
		return;
	if (!s->top_has[top] || key < s->top_min[top])
		s->top_min[top] = key;
	if (!s->top_has[top] || key > s->top_max[top])
		s->top_max[top] = key;
	s->top_has[top] = 1;
}

/* Room for n more flows (and their nodes). Returns 0 or AP_ENOMEM. */
static int reserve_flows(struct state *s, size_t n)
{
	size_t cap = s->r->flows.cap;
	uint32_t *fn;

	if (ap_vec_reserve(&s->r->flows, n) < 0)
		return AP_ENOMEM;
	if (s->r->flows.cap != cap || !s->flow_node) {
		fn = realloc(s->flow_node, (s->r->flows.cap ? s->r->flows.cap : 1) * sizeof(*fn));
		if (!fn)
			return AP_ENOMEM;
		s->flow_node = fn;
	}
	return 0;
}

/* The task-queue flows, made in enqueue order, put in node order (stable: within a node its
 * corr_id_self order), as TraceViewParser._get_flow_event walks them. */
static int flows_by_node(struct state *s)
{
	size_t n = s->r->flows.n, i;
	struct ap_sortkey *k;
	struct ap_krel_flow *sorted;

	if (n < 2)
		return 0;
	k = malloc(n * sizeof(*k));
	sorted = malloc(n * sizeof(*sorted));
	if (!k || !sorted) {
		free(k);
		free(sorted);
		return AP_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		k[i].key = s->flow_node[i];
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, n) < 0) {
		free(k);
		free(sorted);
		return AP_ENOMEM;
	}
	for (i = 0; i < n; i++)
		sorted[i] = s->r->flows.v[k[i].idx];
	memcpy(s->r->flows.v, sorted, n * sizeof(*sorted));
	free(k);
	free(sorted);
	return 0;
}

/* §7.6 with a task queue: enqueues in tree order; each corr id counts for the node it was
 * attached to (self) and that node's ancestors (total). */
static int attribute_queue(struct state *s)
{
	const struct ap_queue *q = s->q;
	struct ap_sortkey *k = malloc((q->enq.n ? q->enq.n : 1) * sizeof(*k));
	size_t i;

	if (!k)
		return AP_ENOMEM;
	for (i = 0; i < q->enq.n; i++) {
		k[i].key = q->enq.v[i].ts;
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, q->enq.n) < 0) {
		free(k);
		return AP_ENOMEM;
	}
	for (i = 0; i < q->enq.n; i++) {
		int32_t node = s->t->enq_node[k[i].idx];
		int64_t key = ap_sortkey_u64(q->enq.v[k[i].idx].corr);
		size_t e;

		if (node < 0)
			continue;
		e = kd_find(s, key);
		note_top(s, top_of(s->t, (uint32_t)node), key, e < s->nkd);
		for (; e < s->nkd && s->kd[e].key == key; e++) {
			uint32_t g = s->kd[e].group;

			add_group(s, g, node, 1);
			if (reserve_flows(s, s->groups[g].end - s->groups[g].begin) < 0) {
				free(k);
				return AP_ENOMEM;
			}
			add_flows(s, g, node);
		}
	}
	free(k);
	return flows_by_node(s);
}

/* §7.6 without a task queue: each launch (dict order) counts for the deepest node containing
 * it (TreeBuilder.update_tree_node_info: children searched by start, end exclusive). */
static int attribute_times(struct state *s)
{
	const struct ap_tree *t = s->t;
	uint32_t n = t->n, i;
	uint32_t *off = calloc((size_t)n + 2, sizeof(*off));
	uint32_t *kids = malloc((n ? n : 1) * sizeof(*kids));
	uint32_t *fill = NULL;

	if (!off || !kids || reserve_flows(s, s->links->v.n) < 0)
		goto nomem;
	/* children lists in node (start) order; slot n is the root's */
	for (i = 0; i < n; i++)
		off[(t->parent[i] >= 0 ? (uint32_t)t->parent[i] : n) + 1]++;
	for (i = 0; i <= n; i++)
		off[i + 1] += off[i];
	fill = malloc(((size_t)n + 1) * sizeof(*fill));
	if (!fill)
		goto nomem;
	memcpy(fill, off, ((size_t)n + 1) * sizeof(*fill));
	for (i = 0; i < n; i++)
		kids[fill[t->parent[i] >= 0 ? (uint32_t)t->parent[i] : n]++] = i;
	for (i = 0; i < s->ngroups; i++) {
		uint32_t g = s->dict_order[i], p = n;
		int64_t ts = s->groups[g].acl_ts;
		int32_t deepest = -1;

		for (;;) {
			uint32_t lo = off[p], hi = off[p + 1], c;

			if (lo == hi)
				break;
			hi--; /* last child starting at or before ts */
			while (hi > lo) {
				uint32_t mid = lo + (hi - lo + 1) / 2;

				if (ts >= s->h->ops.v[t->op[kids[mid]]].ts)
					lo = mid;
				else
					hi = mid - 1;
			}
			c = kids[lo];
			if (!(s->h->ops.v[t->op[c]].end > ts))
				break;
			deepest = (int32_t)c;
			p = c;
		}
		if (deepest >= 0) {
			add_group(s, g, deepest, 1);
			add_flows(s, g, deepest);
		}
	}
	free(off);
	free(kids);
	free(fill);
	return 0;
nomem:
	free(off);
	free(kids);
	free(fill);
	return AP_ENOMEM;
}

/* §7.7 without a task queue: launches in ascending time go to the step (by start) that
 * contains them, both ends inclusive. */
static void steps_by_time(struct state *s)
{
	const struct ap_tree *t = s->t;
	uint32_t node = 0, g;

	for (g = 0; g < s->ngroups; g++) {
		int64_t acl = s->groups[g].acl_ts;

		for (; node < t->n; node++) {
			const struct ap_op *op;

			if (t->parent[node] >= 0 || !is_step(s->h, t, node))
				continue;
			op = &s->h->ops.v[t->op[node]];
			if (op->ts <= acl && acl <= op->end) {
				note_top(s, node, s->groups[g].acl_ts, 1);
				break;
			}
			if (acl < op->ts)
				break;
		}
	}
}

/* The launch (group) at time key, or ngroups. */
static uint32_t group_at(const struct state *s, int64_t key)
{
	uint32_t lo = 0, hi = s->ngroups;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->groups[mid].acl_ts < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->ngroups && s->groups[lo].acl_ts == key ? lo : s->ngroups;
}

static void extreme_of(const struct state *s, uint32_t g, int want_max, int64_t *best, int *have)
{
	uint32_t j;

	for (j = s->groups[g].begin; j < s->groups[g].end; j++) {
		const struct ap_npu_kernel *k = &s->links->v.v[s->kidx[j]];
		int64_t v = want_max ? k->end : k->ts;

		if (!*have || (want_max ? v > *best : v < *best))
			*best = v;
		*have = 1;
	}
}

/* min(kernel.ts) or max(kernel.end_ns) over the kernels of kernel_dict[key]. */
static int64_t key_extreme(const struct state *s, int64_t key, int queue, int want_max)
{
	int64_t best = 0;
	int have = 0;

	if (queue) {
		size_t e;

		for (e = kd_find(s, key); e < s->nkd && s->kd[e].key == key; e++)
			extreme_of(s, s->kd[e].group, want_max, &best, &have);
	} else {
		uint32_t g = group_at(s, key);

		if (g < s->ngroups)
			extreme_of(s, g, want_max, &best, &have);
	}
	return best;
}

static int make_steps(struct state *s, int queue)
{
	const struct ap_tree *t = s->t;
	uint32_t node;

	for (node = 0; node < t->n; node++) {
		const struct ap_op *op = &s->h->ops.v[t->op[node]];
		struct ap_krel_step *sr;
		int64_t end;

		if (t->parent[node] >= 0 || !is_step(s->h, t, node) || !s->top_any[node])
			continue; /* no flows in the step: skipped, as upstream */
		sr = ap_vec_push(&s->r->steps);
		if (!sr)
			return AP_ENOMEM;
		sr->op = t->op[node];
		sr->fwk_start = op->ts;
		sr->start = s->top_has[node] ? key_extreme(s, s->top_min[node], queue, 0) : op->ts;
		end = s->top_has[node] ? key_extreme(s, s->top_max[node], queue, 1) : -1;
		sr->end = end > op->end ? end : op->end;
	}
	return 0;
}

int ap_kernel_rel_build(const struct ap_host *h, const struct ap_queue *q, const struct ap_tree *t,
			const struct ap_npu_links *links, struct ap_kernel_rel *r, struct ap_err *err)
{
	struct state s;
	int queue = h->has_op_mark && q != NULL;
	int ret = AP_ENOMEM;

	memset(&s, 0, sizeof(s));
	s.h = h;
	s.q = q;
	s.t = t;
	s.links = links;
	s.r = r;
	if (!links || !links->v.n || !t || !t->n)
		return 0;
	if (links->v.n > UINT32_MAX / 2)
		return ap_err_set(err, AP_EINVAL, "too many linked kernels (%zu)", links->v.n);
	r->dev = calloc(t->n, sizeof(*r->dev));
	r->isfloat = calloc(t->n, 1);
	s.top_any = calloc(t->n, 1);
	s.top_has = calloc(t->n, 1);
	s.top_min = calloc(t->n, sizeof(*s.top_min));
	s.top_max = calloc(t->n, sizeof(*s.top_max));
	if (!r->dev || !r->isfloat || !s.top_any || !s.top_has || !s.top_min || !s.top_max)
		goto out;
	if (build_groups(&s) < 0)
		goto out;
	if (queue) {
		if (build_kd_queue(&s) < 0 || attribute_queue(&s) < 0)
			goto out;
		if (!s.nkd) /* empty kernel dict: no steps (§7.7) */
			memset(s.top_any, 0, t->n);
	} else {
		if (attribute_times(&s) < 0)
			goto out;
		steps_by_time(&s);
	}
	if (make_steps(&s, queue) < 0)
		goto out;
	ret = 0;
out:
	free(s.kidx);
	free(s.groups);
	free(s.dict_order);
	free(s.kd);
	free(s.top_any);
	free(s.top_has);
	free(s.top_min);
	free(s.top_max);
	free(s.flow_node);
	if (ret < 0)
		ret = ap_err_set(err, AP_ENOMEM, "out of memory relating kernels to torch ops");
	return ret;
}
