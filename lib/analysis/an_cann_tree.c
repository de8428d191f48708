/* The per-thread CANN trees and the host tasks they give (spec cann_prof_raw.md §2.8; upstream
 * event_grouper.cpp, tree_builder.cpp, tree_analyzer.cpp, read for facts). Every thread's API
 * events (AscendCL, Model, Node, HCCL levels) nest into a tree by time; node and HCCL records
 * attach to the level nodes that contain them; each task track becomes a runtime leaf of the
 * deepest API around it; a depth-first walk classifies each leaf as a compute task, an HCCL
 * small task or another task, with the op description torch_npu prints for it. */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_names.h"
#include "ap/sort.h"
#include "an_cann_local.h"
#include "../base/banned.h"

#define LV_ACL 20000
#define LV_MODEL 15000
#define LV_NODE 10000
#define LV_HCCL 5500
#define LV_RUNTIME 5000

#define MAX_DEPTH 20        /* TreeBuilder::BuildTree: deeper API events are dropped */
#define MAX_BINDING_DEPTH 5 /* TreeBuilder::AddTaskTrackEvents */

#define GE_AI_CPU 1
#define GE_FFTS_PLUS 6
#define GE_COMMUNICATION 9
#define GE_HCCL_AI_CPU 256

enum { SLOT_ACL, SLOT_MODEL, SLOT_NODE, SLOT_HCCL, SLOT_RUNTIME, SLOT_ROOT, NSLOT };

static int slot_of(uint16_t level)
{
	switch (level) {
	case LV_ACL: return SLOT_ACL;
	case LV_MODEL: return SLOT_MODEL;
	case LV_NODE: return SLOT_NODE;
	case LV_HCCL: return SLOT_HCCL;
	case LV_RUNTIME: return SLOT_RUNTIME;
	default: return SLOT_ROOT;
	}
}

struct tnode {
	uint64_t start, end;
	uint32_t ref;      /* index into h->apis (API nodes) or h->tracks (runtime leaves) */
	uint16_t level;    /* API level; LV_RUNTIME for leaves; 0 for the root */
	int32_t parent, first, last, next;
	/* records attached (positions in the thread's record segments, -1 none) */
	int32_t basic_first, basic_last, attr_first, attr_last, tensor_first, tensor_last;
	int32_t ctx_first, ctx_last, hop_first;  /* node-level context ids, hccl_op_info */
	int32_t hctx_first, hctx_last, hinfo_first, hinfo_last; /* HCCL level */
};

/* A thread's records of one kind: indices into a host table, in time order. */
struct seg {
	const uint32_t *idx;
	const uint64_t *ts; /* the records' times */
	size_t n;
	int32_t *node; /* per record: the tree node it was attached to, -1 */
};

struct walk {
	const struct ap_cann_join_in *in;
	const struct ap_cann_host *h;
	struct ap_cann__host_tasks *out;
	struct ap_cann_join_stats *st;
	AP_VEC(struct tnode) t;       /* the tree of the current thread; node 0 is the root */
	AP_VEC(int32_t) lv_model, lv_node, lv_hccl; /* level nodes, in creation order */
	struct seg basic, attr, tensor, ctx, hctx, hop, hinfo, track;
	uint32_t next_track;          /* tracks of this thread consumed so far */
	int32_t path[NSLOT];          /* TreeAnalyzer path_: the current node per level */
	int oom;
	int32_t last_bigop;           /* index of this thread's last HCCL op, -1 */
};

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

/* ---- names ---------------------------------------------------------------------------- */

static const char *type_name(struct walk *w, uint16_t level, uint32_t type)
{
	const char *s = ap_cann_type_name(w->h, level, type);

	if (!s) {
		if (!w->st->missing.type_ids++) {
			w->st->missing.first_level = level;
			w->st->missing.first_type = type;
		}
		return "";
	}
	return s;
}

static const char *track_type(struct walk *w, const struct ap_cann_track *tr)
{
	return type_name(w, LV_RUNTIME, tr->task_type);
}

static int starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* CONTEXT_ID_WHITE_LIST: runtime types whose node context ids make tasks. */
static int uses_ctx(const char *t)
{
	return !strcmp(t, "KERNEL_AICORE") || !strcmp(t, "KERNEL_AIVEC") || !strcmp(t, "FFTS_PLUS") ||
	       !strcmp(t, "KERNEL_SIMT") || !strcmp(t, "KERNEL_MIX_AIC") || !strcmp(t, "KERNEL_MIX_AIV");
}

/* KERNEL_COMPUTE_WHITE_LIST: runtime types of a task without Node ancestor that are kernels. */
static int is_kernel_type(const char *t)
{
	return !strcmp(t, "KERNEL_AICORE") || !strcmp(t, "KERNEL_AIVEC") ||
	       !strcmp(t, "KERNEL_AICPU") || !strcmp(t, "KERNEL_SIMT") ||
	       !strcmp(t, "KERNEL_MIX_AIC") || !strcmp(t, "KERNEL_MIX_AIV");
}

/* ---- the tree ------------------------------------------------------------------------- */

static int32_t new_node(struct walk *w, uint64_t start, uint64_t end, uint32_t ref,
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
		id = new_node(w, a->begin, a->end, apis->idx[i], a->level, stack[depth]);
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
			if (new_node(w, ts, ts, g->idx[w->next_track++], LV_RUNTIME, node) < 0)
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
		if (new_node(w, ts, ts, g->idx[w->next_track++], LV_RUNTIME, node) < 0)
			return -1;
	}
	return w->oom ? -1 : 0;
}

/* ---- the analysis of the runtime leaves (TreeAnalyzer) ---------------------------------- */

static const struct ap_cann_api *api_of(const struct walk *w, int32_t node)
{
	return &w->h->apis.v[w->t.v[node].ref];
}

static uint32_t model_id(const struct walk *w)
{
	if (w->path[SLOT_MODEL] < 0)
		return AP_CANN_NO_MODEL;
	return (uint32_t)api_of(w, w->path[SLOT_MODEL])->item_id;
}

static struct ap_cann__htask *new_task(struct walk *w, uint32_t track, uint32_t ctx,
				       enum ap_cann__kind kind)
{
	struct ap_cann__htask *t = ap_vec_push(&w->out->tasks);

	if (!t) {
		w->oom = 1;
		return NULL;
	}
	t->track = track;
	t->ctx = ctx;
	t->op = AP_CANN__NONE;
	t->bigop = AP_CANN__NONE;
	t->flow = AP_CANN__NONE;
	t->launch = AP_CANN__NONE;
	t->hinfo = -1;
	t->model_id = model_id(w);
	t->kind = (uint8_t)kind;
	return t;
}

static uint32_t new_op(struct walk *w, uint64_t name)
{
	struct ap_cann__op *o = ap_vec_push(&w->out->ops);

	if (!o) {
		w->oom = 1;
		return AP_CANN__NONE;
	}
	o->name = name;
	o->node = o->tensor = -1;
	o->ge_type = AP_CANN__NONE;
	return (uint32_t)(w->out->ops.n - 1);
}

/* TreeAnalyzer::IsComputeTask. */
static int is_compute(struct walk *w, const struct ap_cann_track *tr)
{
	const struct ap_cann_api *na;
	const char *item, *t;
	char num[AP_CANN_NUMBUF];

	if (w->path[SLOT_NODE] < 0)
		return 0;
	na = api_of(w, w->path[SLOT_NODE]);
	if (!strcmp(type_name(w, na->level, na->type), "step_info"))
		return 0;
	item = ap_cann_hash_or_number(w->h, na->item_id, num, &w->st->missing);
	if (starts_with(item, "Lccl"))
		return 0;
	t = track_type(w, tr);
	if (starts_with(t, "KERNEL") || !strcmp(t, "STARS_COMMON"))
		return 1;
	if (!strcmp(t, "FFTS_PLUS"))
		return w->path[SLOT_HCCL] < 0;
	return 0;
}

/* The flow of a compute task (linking rule, §2.8): one id per (launch, context id), shared by
 * the tasks of one launch with the same context. */
static uint32_t launch_flow(struct walk *w, uint32_t launch, uint32_t ctx)
{
	size_t i;

	for (i = w->out->tasks.n; i-- > 0;) {
		const struct ap_cann__htask *t = &w->out->tasks.v[i];

		if (t->launch != launch)
			break;
		if (t->kind == AP_CANN__COMPUTE && t->ctx == ctx && t->flow != AP_CANN__NONE)
			return t->flow;
	}
	return w->out->nflows++;
}

/* TreeAnalyzer::GetComputeTaskDescs + GenComputeHostTasks for the leaf of track tr. */
static void compute_tasks(struct walk *w, uint32_t track)
{
	const struct ap_cann_track *tr = &w->h->tracks.v[track];
	int32_t nn = w->path[SLOT_NODE];
	const struct tnode *n = &w->t.v[nn];
	const char *type = track_type(w, tr);
	int use_ctx = uses_ctx(type);
	int has_op, has_placeholder = n->ctx_first >= 0;
	int32_t ctx_rec = use_ctx ? n->ctx_last : -1;
	uint64_t name = 0;
	uint32_t op = AP_CANN__NONE;
	int hccl = w->path[SLOT_HCCL] >= 0;
	int ge_set = 0;
	uint32_t ge = 0;

	/* the op description: every record of the launch, keyed by the launch (last one wins),
	 * named by the first record's op name */
	has_op = n->basic_first >= 0 || n->attr_first >= 0 || n->tensor_first >= 0 ||
		 ctx_rec >= 0;
	if (n->basic_first >= 0)
		name = w->h->nodes.v[w->basic.idx[n->basic_first]].op_name;
	else if (n->attr_first >= 0)
		name = w->h->attrs.v[w->attr.idx[n->attr_first]].op_name;
	else if (n->tensor_first >= 0)
		name = w->h->tensor_ops.v[w->tensor.idx[n->tensor_first]].op_name;
	else if (ctx_rec >= 0)
		name = w->h->ctxs.v[w->ctx.idx[n->ctx_first]].op_name;
	if (has_op && n->basic_last >= 0) {
		ge = w->h->nodes.v[w->basic.idx[n->basic_last]].task_type;
		ge_set = 1;
		if (ge == GE_FFTS_PLUS)
			has_op = 0; /* the FFTS+ graph marker is no op (UpdateComputeDescForFftsSituation) */
	}
	if (hccl && !has_op && !has_placeholder) {
		has_op = 1; /* a made-up description (L0 HCCL case) */
		name = api_of(w, nn)->item_id;
	}
	if (has_op) {
		op = new_op(w, name);
		if (op == AP_CANN__NONE)
			return;
		w->out->ops.v[op].node = n->basic_last >= 0 && ge_set ? (int32_t)w->basic.idx[n->basic_last] : -1;
		w->out->ops.v[op].tensor = n->tensor_last >= 0 ? (int32_t)w->tensor.idx[n->tensor_last] : -1;
		w->out->ops.v[op].ge_type = ge_set ? ge : AP_CANN__NONE;
		if (hccl) {
			/* UpdateComputeDescForHcclSituation: named by the HCCL event, typed by the kernel */
			struct ap_cann__op *o = &w->out->ops.v[op];

			o->hccl = 1;
			o->hccl_name = api_of(w, w->path[SLOT_HCCL])->item_id;
			if (o->node < 0) {
				o->synth_node = 1;
				o->ge_type = 0;
			}
			if (!strcmp(type, "KERNEL_AICPU"))
				o->ge_type = GE_HCCL_AI_CPU;
			else if (!strcmp(type, "KERNEL_AICORE"))
				o->ge_type = GE_COMMUNICATION;
		} else if (!strcmp(type, "KERNEL_AICPU") && ge_set && ge == GE_COMMUNICATION) {
			w->out->ops.v[op].ge_type = GE_AI_CPU; /* helper: HCCL op on AI_CPU */
		}
	}
	if (!has_op && !has_placeholder) {
		/* L0: no node records at all: the launch's item id names the op */
		op = new_op(w, api_of(w, nn)->item_id);
		if (op == AP_CANN__NONE)
			return;
		has_op = 1;
	}
	if (has_op) {
		uint32_t nctx = 1, i, launch = w->t.v[nn].ref;
		const uint32_t *ids = NULL;

		if (ctx_rec >= 0) {
			const struct ap_cann_ctx *c = &w->h->ctxs.v[w->ctx.idx[ctx_rec]];

			nctx = c->count;
			ids = w->h->ctx_ids.v + c->first;
		}
		for (i = 0; i < nctx; i++) {
			uint32_t ctx = ids ? ids[i] : AP_CANN__CTX_DEFAULT;
			uint32_t flow = launch_flow(w, launch, ctx);
			struct ap_cann__htask *t = new_task(w, track, ctx, AP_CANN__COMPUTE);

			if (!t)
				return;
			t->op = op;
			t->compute = 1;
			t->launch = launch;
			t->flow = flow;
			t->flow_ts = tr->ts;
		}
	}
	if (has_placeholder && new_task(w, track, AP_CANN__CTX_DEFAULT, AP_CANN__PLACEHOLDER))
		w->out->tasks.v[w->out->tasks.n - 1].launch = w->t.v[nn].ref;
	/* a MIX kernel without context ids runs as its SQ task and a context-0 subtask: the
	 * host task stands for both (cann_analysis_gear.get_context_ids adds context 0 to
	 * KERNEL_MIX_AIC/AIV tasks), the op row staying with the SQ task */
	if (has_op && ctx_rec < 0 && (!strcmp(type, "KERNEL_MIX_AIC") || !strcmp(type, "KERNEL_MIX_AIV")) &&
	    new_task(w, track, 0, AP_CANN__PLACEHOLDER))
		w->out->tasks.v[w->out->tasks.n - 1].launch = w->t.v[nn].ref;
}

/* The HCCL op of the current Node launch (TreeAnalyzer::UpdateHcclBigOpDescs): one per launch,
 * recognised by its end time. Returns its index, or AP_CANN__NONE. */
static uint32_t update_bigop(struct walk *w, const struct ap_cann_track *tr)
{
	int32_t nn = w->path[SLOT_NODE];
	const struct ap_cann_api *na;
	struct ap_cann__bigop *b;

	if (nn < 0)
		return AP_CANN__NONE;
	na = api_of(w, nn);
	if (w->last_bigop >= 0 && w->out->bigops.v[w->last_bigop].end == w->t.v[nn].end)
		return (uint32_t)w->last_bigop;
	b = ap_vec_push(&w->out->bigops);
	if (!b) {
		w->oom = 1;
		return AP_CANN__NONE;
	}
	b->begin = na->begin;
	b->end = na->end;
	b->name = na->item_id;
	b->node = w->t.v[nn].basic_first >= 0 ? (int32_t)w->basic.idx[w->t.v[nn].basic_first] : -1;
	b->hccl_op = w->t.v[nn].hop_first >= 0 ? (int32_t)w->hop.idx[w->t.v[nn].hop_first] : -1;
	b->model_id = model_id(w);
	b->device = tr->device_id;
	b->flow = w->out->nflows++;
	b->memcpy_flow = AP_CANN__NONE;
	w->last_bigop = (int32_t)(w->out->bigops.n - 1);
	return (uint32_t)w->last_bigop;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Context id ranges of an HCCL event (inclusive), for the ids' union in ascending order. */
struct range {
	uint32_t lo, hi;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

#define MAX_HCCL_IDS 65536u

/* The hccl_info of HCCL event hn whose ctxID is key: the last one (a later record replaces an
 * earlier one of the same key, UpdateHcclSmallOpDescs), or -1. */
static int32_t info_for(const struct walk *w, int32_t hn, uint32_t key)
{
	const struct tnode *n = &w->t.v[hn];
	int32_t e, found = -1;

	if (n->hinfo_first < 0)
		return -1;
	for (e = n->hinfo_first; e <= n->hinfo_last; e++)
		if (w->hinfo.node[e] == hn && w->h->hccl_infos.v[w->hinfo.idx[e]].ctx_id == key)
			found = (int32_t)w->hinfo.idx[e];
	return found;
} /* context ids of one HCCL event beyond this are not made tasks */

/* TreeAnalyzer::GetHcclTaskDescs: one task per context id of the HCCL event's context records
 * (each an inclusive range; a record that is no pair ends the list and drops the FFTS+
 * placeholder), else one per distinct hccl_info ctxID (all with the default context, as
 * upstream), else one. Tasks are made in the ascending order of the descriptions' keys. */
static void hccl_tasks(struct walk *w, uint32_t track, int also_invalid, uint32_t *first,
		       uint32_t *count)
{
	int32_t hn = w->path[SLOT_HCCL];
	const struct tnode *n = &w->t.v[hn];
	const struct ap_cann_api *ha = api_of(w, hn);
	uint8_t master = !strcmp(type_name(w, ha->level, ha->type), "master");
	struct range r[64];
	uint32_t keys[64];
	size_t nr = 0, i;
	uint32_t made = 0;
	int placeholder = 0, bad = 0;
	int32_t e;

	*first = (uint32_t)w->out->tasks.n;
	*count = 0;
	if (w->path[SLOT_NODE] < 0)
		return;
	if (n->hctx_first >= 0) {
		for (e = n->hctx_first; e <= n->hctx_last && !bad; e++) {
			const struct ap_cann_ctx *c;

			if (w->hctx.node[e] != hn)
				continue;
			c = &w->h->ctxs.v[w->hctx.idx[e]];
			if (c->count != 2) {
				bad = 1;
				break;
			}
			if (nr == sizeof(r) / sizeof(r[0])) {
				w->st->records_unplaced++;
				continue;
			}
			r[nr].lo = w->h->ctx_ids.v[c->first];
			r[nr].hi = w->h->ctx_ids.v[c->first + 1];
			if (r[nr].lo <= r[nr].hi)
				nr++;
		}
		placeholder = !bad;
		qsort(r, nr, sizeof(r[0]), cmp_range);
	} else if (n->hinfo_first >= 0) {
		size_t nk = 0;

		for (e = n->hinfo_first; e <= n->hinfo_last; e++) {
			uint32_t k = w->h->hccl_infos.v[w->hinfo.idx[e]].ctx_id;
			size_t j;

			if (w->hinfo.node[e] != hn)
				continue;
			for (j = 0; j < nk && keys[j] != k; j++)
				;
			if (j == nk && nk < sizeof(keys) / sizeof(keys[0]))
				keys[nk++] = k;
		}
		/* one task per distinct ctxID, in the map's ascending order */
		qsort(keys, nk, sizeof(keys[0]), cmp_u32);
		for (i = 0; i < nk; i++) {
			r[nr].lo = r[nr].hi = AP_CANN__CTX_DEFAULT;
			nr++;
		}
	} else {
		r[nr].lo = r[nr].hi = AP_CANN__CTX_DEFAULT;
		nr++;
	}
	{
		/* the union of the ranges, ascending; the placeholder's default id last (it is
		 * the largest key) unless a range already holds it */
		uint64_t next = 0;
		int dflt_seen = 0;

		for (i = 0; i < nr && !w->oom; i++) {
			uint64_t id = r[i].lo;

			if (n->hctx_first >= 0 && id < next)
				id = next;
			for (; id <= r[i].hi && made < MAX_HCCL_IDS; id++) {
				struct ap_cann__htask *t =
					new_task(w, track, (uint32_t)id, AP_CANN__HCCL);

				if (!t)
					return;
				t->master = master;
				/* its hccl_info: by context id, or the i-th ctxID key */
				t->hinfo = n->hctx_first >= 0 ? info_for(w, hn, (uint32_t)id)
					   : n->hinfo_first >= 0 ? info_for(w, hn, keys[i]) : -1;
				made++;
				dflt_seen |= id == AP_CANN__CTX_DEFAULT;
			}
			next = (uint64_t)r[i].hi + 1;
		}
		if (placeholder && !dflt_seen && also_invalid) {
			struct ap_cann__htask *t =
				new_task(w, track, AP_CANN__CTX_DEFAULT, AP_CANN__PLACEHOLDER);

			if (!t)
				return;
			t->master = master;
			made++;
		}
	}
	*count = made;
}

/* TreeAnalyzer::GetOtherTaskDesc: a task of no Node launch; its flow starts at the API it lies
 * in (the linking rule), none when it lies in none. */
static void other_task(struct walk *w, int32_t leaf)
{
	const struct tnode *n = &w->t.v[leaf];
	const struct ap_cann_track *tr = &w->h->tracks.v[n->ref];
	const char *type = track_type(w, tr);
	uint32_t ctx = !strcmp(type, "KERNEL_MIX_AIC") || !strcmp(type, "KERNEL_MIX_AIV")
			       ? 0
			       : AP_CANN__CTX_DEFAULT;
	struct ap_cann__htask *t = new_task(w, n->ref, ctx, AP_CANN__OTHER);
	int32_t p = n->parent;

	if (!t)
		return;
	t->compute = (uint8_t)is_kernel_type(type);
	if (t->compute) {
		uint32_t op = new_op(w, tr->kernel_name);

		if (op == AP_CANN__NONE)
			return;
		w->out->ops.v[op].reserved = 1;
		w->out->tasks.v[w->out->tasks.n - 1].op = op;
	}
	if (p > 0) {
		t = &w->out->tasks.v[w->out->tasks.n - 1];
		t->flow = w->out->nflows++;
		t->flow_ts = w->t.v[p].start;
	}
}

static void analyze_leaf(struct walk *w, int32_t leaf)
{
	uint32_t track = w->t.v[leaf].ref;
	const struct ap_cann_track *tr = &w->h->tracks.v[track];
	int hccl = w->path[SLOT_HCCL] >= 0;
	int compute = is_compute(w, tr);

	if (compute)
		compute_tasks(w, track);
	if (hccl && !w->oom) {
		uint32_t first, count, b, i;
		int memcpy = !strcmp(track_type(w, tr), "MEMCPY_ASYNC");

		hccl_tasks(w, track, !compute, &first, &count);
		b = update_bigop(w, tr);
		for (i = 0; i < count && !w->oom; i++) {
			struct ap_cann__htask *t = &w->out->tasks.v[first + i];

			t->bigop = b;
			if (compute)
				continue; /* ffts+ communication: already a compute task */
			if (memcpy && b != AP_CANN__NONE && t->kind == AP_CANN__HCCL) {
				/* all memcpy tasks of an HCCL op share one flow from its launch */
				struct ap_cann__bigop *bo = &w->out->bigops.v[b];

				if (bo->memcpy_flow == AP_CANN__NONE)
					bo->memcpy_flow = w->out->nflows++;
				t->flow = bo->memcpy_flow;
				t->flow_ts = bo->begin;
			}
		}
	}
	if (!compute && !hccl)
		other_task(w, leaf);
}

/* TreeAnalyzer::DeepFirstSearch. */
static void dfs(struct walk *w, int32_t node, int depth)
{
	const struct tnode *n = &w->t.v[node];
	int s = slot_of(n->level);
	int32_t c;

	if (n->level == LV_RUNTIME && node != 0) {
		analyze_leaf(w, node);
		if (w->oom)
			return;
	}
	w->path[s] = node;
	for (c = w->t.v[node].first; c >= 0 && !w->oom; c = w->t.v[c].next) {
		if (depth < MAX_DEPTH + 2)
			dfs(w, c, depth + 1);
		if (w->t.v[c].level == w->t.v[node].level)
			w->path[s] = node;
	}
	w->path[s] = -1;
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
	if (new_node(w, 0, bound == UINT64_MAX ? bound : bound + 1, AP_CANN__NONE, 0, -1) < 0)
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
		dfs(w, 0, 0);
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
