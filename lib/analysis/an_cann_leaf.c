/* The analysis of a thread's CANN tree (spec cann_prof_raw.md §2.8; upstream
 * tree_analyzer.cpp, read for facts): a depth-first walk keeping the current node of each
 * level, where each runtime leaf becomes host tasks: compute tasks with the op description of
 * their Node launch, HCCL small tasks of their HCCL event, or other tasks, each with the
 * HostToDevice flow of the linking rule. */
#include <stdlib.h>
#include <string.h>

#include "an_cann_local.h"
#include "../base/banned.h"

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
	t->conn_api = AP_CANN__NONE;
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
	int has_op, item_op = 0, has_placeholder = n->ctx_first >= 0;
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
		item_op = 1;
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
			t->conn_api = launch;
			t->flow = flow;
			t->flow_ts = tr->ts;
		}
	}
	if (has_placeholder && new_task(w, track, AP_CANN__CTX_DEFAULT, AP_CANN__PLACEHOLDER))
		w->out->tasks.v[w->out->tasks.n - 1].launch = w->t.v[nn].ref;
	/* a MIX kernel without context ids runs as its SQ task and a context-0 subtask: the
	 * host task stands for both (cann_analysis_gear.get_context_ids adds context 0 to
	 * KERNEL_MIX_AIC/AIV tasks), the op row staying with the SQ task. Not for the op of a
	 * launch with no node records (Level0): the C++ engine gives that one host task at
	 * context 0xFFFFFFFF only (TreeAnalyzer::GenComputeHostTasks), so the context-0 subtask
	 * has no host task */
	if (has_op && !item_op && ctx_rec < 0 &&
	    (!strcmp(type, "KERNEL_MIX_AIC") || !strcmp(type, "KERNEL_MIX_AIV")) &&
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
	b->launch = w->t.v[nn].ref;
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
		if (w->t.v[p].level != LV_RUNTIME)
			t->conn_api = w->t.v[p].ref;
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
			if (b != AP_CANN__NONE && t->conn_api == AP_CANN__NONE)
				t->conn_api = w->out->bigops.v[b].launch;
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

void ap_cann__analyze(struct walk *w)
{
	dfs(w, 0, 0);
}
