/* Host tasks + device tasks -> the rows msprof exports (spec cann_prof_raw.md §3.5.3, §3.7;
 * upstream ascend_task_association.cpp, cann_trace_db_dumper.cpp, task_processor.cpp,
 * communication_info_processor.cpp, read for facts) and the HostToDevice links of §2.8. */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_names.h"
#include "ap/fmt.h"
#include "ap/strbuf.h"
#include "ap/sort.h"
#include "an_cann_join_local.h"
#include "../base/banned.h"




uint32_t ap_cann__join_intern(struct ap_cann__join *j, const char *s)
{
	uint32_t id = ap_strtab_intern(&j->v->strs, s, strlen(s), NULL);

	if (id == AP_STR_NONE)
		j->oom = 1;
	return id;
}

static const char *hash_str(struct ap_cann__join *j, uint64_t id, char num[AP_CANN_NUMBUF])
{
	return ap_cann_hash_or_number(j->h, id, num, &j->st->missing);
}

/* The view's string id of hash id (its dictionary string, else the number), interned once. */
uint32_t ap_cann__join_hash_id(struct ap_cann__join *j, uint64_t id)
{
	int added;
	struct ap_u64map_slot *sl = ap_u64map_get(&j->hash_ids, id, &added);
	char num[AP_CANN_NUMBUF];
	const char *s;

	if (!sl) {
		j->oom = 1;
		return AP_STR_NONE;
	}
	if (!added) {
		if (sl->val >> 31 && !j->st->missing.hash_ids++)
			j->st->missing.first_hash = id;
		return sl->val & 0x7FFFFFFFu;
	}
	s = ap_cann_hash_str(j->h, id);
	if (s) {
		sl->val = ap_cann__join_intern(j, s);
	} else {
		s = hash_str(j, id, num); /* counts it */
		sl = ap_u64map_find(&j->hash_ids, id);
		sl->val = ap_cann__join_intern(j, s) | 0x80000000u;
	}
	return sl->val & 0x7FFFFFFFu;
}

static const char *runtime_name(struct ap_cann__join *j, uint32_t type, char num[AP_CANN_NUMBUF])
{
	return ap_cann_type_or_number(j->h, LV_RUNTIME, type, num, &j->st->missing);
}

/* TransTaskTypeFromRtsToGe: the GE name of a runtime kernel type, else the runtime name. */
static const char *rts_to_ge(const char *rt)
{
	static const struct {
		const char *rt, *ge;
	} map[] = {
		{ "KERNEL_AICORE", "AI_CORE" },     { "KERNEL_AICPU", "AI_CPU" },
		{ "KERNEL_AIVEC", "AI_VECTOR_CORE" }, { "KERNEL_MIX_AIC", "MIX_AIC" },
		{ "KERNEL_MIX_AIV", "MIX_AIV" },    { "KERNEL_SIMT", "AI_VECTOR_CORE" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(rt, map[i].rt))
			return map[i].ge;
	return rt;
}

static const char *ge_name(uint32_t ge, char num[AP_CANN_NUMBUF])
{
	const char *s = ap_cann_ge_task_type_name(ge);
	size_t n;

	if (s)
		return s;
	n = (size_t)ap_fmt_u64(num, ge);
	num[n] = '\0';
	return num;
}

/* The tensors of one tensor_info group as the six op_summary strings (AddTensorShapeInfo):
 * formats, data types and shapes of the inputs then the outputs, ';' between tensors. */
static void tensor_strings(struct ap_cann__join *j, const struct ap_cann_tensor_op *g, struct ap_cann_op_row *r)
{
	static const int which[6][2] = { { 0, 2 }, { 0, 1 }, { 0, 0 }, { 1, 2 }, { 1, 1 }, { 1, 0 } };
	uint32_t *dst[6];
	int k;

	dst[0] = &r->in_shapes;
	dst[1] = &r->in_dtypes;
	dst[2] = &r->in_formats;
	dst[3] = &r->out_shapes;
	dst[4] = &r->out_dtypes;
	dst[5] = &r->out_formats;
	for (k = 0; k < 6; k++) {
		uint32_t i;
		int any = 0;

		ap_strbuf_reset(&j->buf);
		for (i = 0; i < g->count; i++) {
			const struct ap_cann_tensor *t = &j->h->tensors.v[g->first + i];
			char b[40];

			if ((int)t->type != which[k][0])
				continue;
			if (any)
				ap_strbuf_addch(&j->buf, ';');
			else if (which[k][1] == 2)
				/* shapes are quoted in the value itself (AddQuotation; the Python
				 * engine's tensor_add_info_parser likewise) */
				ap_strbuf_addch(&j->buf, '"');
			any = 1;
			if (which[k][1] == 0) {
				ap_cann_ge_format_fmt(t->format, b, sizeof(b));
				ap_strbuf_addstr(&j->buf, b);
			} else if (which[k][1] == 1) {
				const char *d = ap_cann_ge_dtype_name(t->dtype);

				if (!d) {
					b[ap_fmt_u64(b, t->dtype)] = '\0';
					d = b;
				}
				ap_strbuf_addstr(&j->buf, d);
			} else {
				int d;

				for (d = 0; d < 8 && t->shape[d]; d++) {
					if (d)
						ap_strbuf_addch(&j->buf, ',');
					b[ap_fmt_u64(b, t->shape[d])] = '\0';
					ap_strbuf_addstr(&j->buf, b);
				}
			}
		}
		if (any && which[k][1] == 2)
			ap_strbuf_addch(&j->buf, '"');
		*dst[k] = any ? ap_cann__join_intern(j, j->buf.buf) : AP_STR_NONE;
	}
}

/* tensor_strings through a cache keyed by the group's content: the same shapes come back at
 * every step, and their strings are made once. */
static void tensor_cached(struct ap_cann__join *j, int32_t gi, struct ap_cann_op_row *r)
{
	const struct ap_cann_tensor_op *g = &j->h->tensor_ops.v[gi];
	const unsigned char *p = (const unsigned char *)(j->h->tensors.v + g->first);
	size_t len = (size_t)g->count * sizeof(*j->h->tensors.v), i;
	uint64_t h = 14695981039346656037ull;
	struct ap_u64map_slot *sl;
	uint32_t *e;
	int added;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	sl = ap_u64map_get(&j->tensor_ids, h, &added);
	if (sl && !added) {
		const struct ap_cann_tensor_op *o = &j->h->tensor_ops.v[j->tensor_strs.v[sl->val]];

		if (o->count == g->count &&
		    !memcmp(j->h->tensors.v + o->first, j->h->tensors.v + g->first, len)) {
			e = j->tensor_strs.v + sl->val + 1;
			r->in_shapes = e[0], r->in_dtypes = e[1], r->in_formats = e[2];
			r->out_shapes = e[3], r->out_dtypes = e[4], r->out_formats = e[5];
			return;
		}
		tensor_strings(j, g, r); /* another content of the same hash: not cached */
		return;
	}
	tensor_strings(j, g, r);
	if (!sl || ap_vec_reserve(&j->tensor_strs, 7) < 0) {
		j->oom = 1;
		return;
	}
	sl->val = (uint32_t)j->tensor_strs.n;
	e = j->tensor_strs.v + j->tensor_strs.n;
	e[0] = (uint32_t)gi;
	e[1] = r->in_shapes, e[2] = r->in_dtypes, e[3] = r->in_formats;
	e[4] = r->out_shapes, e[5] = r->out_dtypes, e[6] = r->out_formats;
	j->tensor_strs.n += 7;
}

/* The op_summary row of a compute task's execution (AddTaskInfo / AddTaskInfoForOnlyTaskTrack),
 * or 0 when upstream gives the task no op info or op_summary skips its type. */
static int op_row(struct ap_cann__join *j, const struct ap_cann__htask *t, struct ap_cann_op_row *r)
{
	const struct ap_cann_track *tr = &j->h->tracks.v[t->track];
	const struct ap_cann__op *o = &j->ht.ops.v[t->op];
	char num[AP_CANN_NUMBUF], num2[AP_CANN_NUMBUF];
	int level0 = j->in->level0;

	r->op_state = AP_CANN_STATE_NA;
	r->hf32 = AP_CANN_HF32_NA;
	r->in_shapes = r->in_dtypes = r->in_formats = AP_STR_NONE;
	r->out_shapes = r->out_dtypes = r->out_formats = AP_STR_NONE;
	r->op_type = AP_STR_NONE;
	r->task_type = AP_STR_NONE;
	r->block_num = r->mix_block_num = 0;
	if (o->reserved) {
		if (!tr->kernel_name)
			return 0;
		r->name = ap_cann__join_hash_id(j, tr->kernel_name);
		if (!level0) {
			r->op_type = r->name;
			r->task_type = ap_cann__join_intern(j, rts_to_ge(runtime_name(j, tr->task_type, num2)));
		}
	} else if (level0) {
		r->name = ap_cann__join_hash_id(j, o->name);
	} else {
		const struct ap_cann_node *n = o->node >= 0 ? &j->h->nodes.v[o->node] : NULL;

		if (!n && !o->synth_node) {
			j->st->no_node_desc++;
			return 0;
		}
		r->name = ap_cann__join_hash_id(j, o->hccl ? o->hccl_name : n->op_name);
		r->op_type = ap_cann__join_hash_id(j, n ? n->op_type : 0);
		r->task_type = ap_cann__join_intern(j, ge_name(o->ge_type, num));
		r->block_num = n ? n->block_dim : 0;
		r->mix_block_num = n ? (uint32_t)n->block_dim * n->mix_ratio : 0;
		r->op_state = n && n->op_state ? AP_CANN_DYNAMIC : AP_CANN_STATIC;
		r->hf32 = n && n->op_flag ? AP_CANN_HF32_YES : AP_CANN_HF32_NO;
		if (o->tensor >= 0)
			tensor_cached(j, o->tensor, r);
		/* WRITE_BACK, INVALID, HCCL_AI_CPU and COMMUNICATION rows stay: the tables decide
		 * (op_statistic's ratios count some that op_summary drops) */
	}
	if (tr->has_ext) { /* ProcessRuntimeTrackInfo: the 40-byte task track's block counts */
		r->block_num = tr->num_blocks;
		r->mix_block_num = (uint32_t)tr->num_blocks * tr->mix_ratio;
	}
	r->model_id = t->model_id;
	r->task_id = tr->task_id;
	r->stream_id = tr->stream_id;
	r->context_id = t->ctx;
	r->device_id = tr->device_id;
	return !j->oom;
}

/* The view string id of a device task type name (upstream's tables), or AP_STR_NONE when no
 * table names it (UNKNOWN: not exported). */
static uint32_t dev_type_id(struct ap_cann__join *j, const struct ap_cann_dev_task *dt)
{
	/* cached as id + 1; 0 not looked up yet, AP_STR_NONE unknown */
	uint32_t *c = dt->src < 3 ? &j->dev_ids[dt->src][dt->type] : NULL;
	const char *s;

	if (c && *c)
		return *c == AP_STR_NONE ? AP_STR_NONE : *c - 1;
	s = ap_cann_task_type_name((enum ap_cann_src)dt->src, dt->type);
	if (!strcmp(s, "UNKNOWN")) {
		if (c)
			*c = AP_STR_NONE;
		return AP_STR_NONE;
	}
	if (!c)
		return ap_cann__join_intern(j, s);
	*c = ap_cann__join_intern(j, s) + 1;
	return *c - 1;
}

/* The TASK type of a host task's runtime type (task_processor.cpp): its name, or AP_STR_NONE
 * when the device's type stands instead (FFTS_PLUS, UNKNOWN). */
static uint32_t rt_type_id(struct ap_cann__join *j, uint32_t type)
{
	int added;
	struct ap_u64map_slot *sl = ap_u64map_get(&j->rt_ids, type, &added);
	char num[AP_CANN_NUMBUF];
	const char *rt;

	if (!sl) {
		j->oom = 1;
		return AP_STR_NONE;
	}
	if (!added)
		return sl->val;
	rt = runtime_name(j, type, num);
	sl->val = !strcmp(rt, "FFTS_PLUS") || !strcmp(rt, "UNKNOWN") ? AP_STR_NONE : ap_cann__join_intern(j, rt);
	return sl->val;
}

/* The host task's runtime type name, FFTS_PLUS and UNKNOWN included (host_task_type). */
static uint32_t rt_name_id(struct ap_cann__join *j, uint32_t type)
{
	uint32_t id = rt_type_id(j, type);
	int added;
	struct ap_u64map_slot *sl;
	char num[AP_CANN_NUMBUF];

	if (id != AP_STR_NONE || j->oom)
		return id;
	/* FFTS_PLUS or UNKNOWN: a name rt_type_id found, so looking it up again counts nothing */
	sl = ap_u64map_get(&j->rt_ids, (uint64_t)type | 1ull << 32, &added);
	if (!sl) {
		j->oom = 1;
		return AP_STR_NONE;
	}
	if (added)
		sl->val = ap_cann__join_intern(j, runtime_name(j, type, num));
	return sl->val;
}

/* One execution: a device task and the host task it ran for (NULL: device only). hidden: an SQ-level
 * task whose (stream, batch, task) also ran as context subtasks; the timeline hides it with its flow
 * (ascend_hardware_assembler.cpp), so torch_npu links no kernel through it. */
static void execution(struct ap_cann__join *j, const struct ap_cann_join_dev *d, const struct ap_cann__htask *t,
		      const struct ap_cann_dev_task *dt, int hidden)
{
	uint32_t dev_type = dev_type_id(j, dt), ttype, ktype;
	struct ap_cann_task_row *tr;
	struct ap_cann_op_row row;
	uint32_t kname_id = AP_STR_NONE;
	int64_t start = ap_cann_clock_local(&d->clock, dt->start);
	int64_t end = ap_cann_clock_local(&d->clock, dt->end);
	int has_row = 0;

	if (dev_type == AP_STR_NONE) {
		j->st->unknown_type++;
		return; /* not exported as a TASK */
	}
	memset(&row, 0, sizeof(row));
	if (t && t->compute && t->op != AP_CANN__NONE)
		has_row = op_row(j, t, &row);
	ttype = t ? rt_type_id(j, j->h->tracks.v[t->track].task_type) : AP_STR_NONE;
	if (ttype == AP_STR_NONE)
		ttype = dev_type;
	/* task_time: the host task's kernel name (N/A without one: task_time_assembler.cpp
	 * prefers the host task's name to the op's whenever a host task exists); type the GE
	 * one, else the TASK type */
	if (t && j->h->tracks.v[t->track].kernel_name)
		kname_id = ap_cann__join_hash_id(j, j->h->tracks.v[t->track].kernel_name);
	tr = ap_vec_push(&j->v->tasks);
	if (!tr) {
		j->oom = 1;
		return;
	}
	tr->start = start;
	tr->end = end;
	tr->dur = ap_cann_clock_dur(&d->clock, dt->end - dt->start);
	tr->batch = dt->batch;
	tr->context_id = dt->ctx;
	tr->device_id = (uint32_t)d->device_id;
	tr->stream_id = dt->stream;
	tr->task_id = dt->task;
	tr->kernel_type = ktype = has_row && row.task_type != AP_STR_NONE ? row.task_type : ttype;
	tr->host_type = t ? rt_name_id(j, j->h->tracks.v[t->track].task_type) : AP_STR_NONE;
	tr->kernel_name = kname_id;
	tr->name = has_row ? row.name : tr->kernel_type;
	tr->model_id = t ? t->model_id : AP_CANN_NO_MODEL;
	tr->conn = t && t->conn_api != AP_CANN__NONE ? j->api_conn[t->conn_api] : AP_CANN_NO_CONN;
	tr->flow = t && t->flow != AP_CANN__NONE ? t->flow : AP_CANN_NO_CONN;
	if (t && t->flow != AP_CANN__NONE)
		ap_cann__tl_flow(j, t);
	if (t && t->kind == AP_CANN__HCCL)
		ap_cann__tl_hccl_task(j, d, t, dt, start, end);
	if (has_row) {
		struct ap_cann_op_row *r = ap_vec_push(&j->v->ops);

		if (!r) {
			j->oom = 1;
			return;
		}
		row.start = start;
		row.end = end;
		row.device_id = (uint32_t)d->device_id;
		*r = row;
	}
	if (!t)
		return;
	if (t->kind == AP_CANN__HCCL && t->bigop != AP_CANN__NONE) {
		struct hexec *x = ap_vec_push(&j->hx);

		if (!x) {
			j->oom = 1;
			return;
		}
		x->host_ts = j->h->tracks.v[t->track].ts;
		x->start = start;
		x->end = end;
		x->device = (uint32_t)d->device_id;
		x->master = t->master;
		x->bigop = t->bigop;
		x->stream = dt->stream;
		x->task = dt->task;
		x->ctx = dt->ctx;
		x->batch = dt->batch;
		x->hinfo = t->hinfo;
	}
	/* the op's extent: its master tasks that ran after the collection start
	 * (_get_hccl_op_report_data) */
	if (t->kind == AP_CANN__HCCL && t->master && t->bigop != AP_CANN__NONE &&
	    start >= j->in->session_start) {
		uint32_t b = t->bigop;

		if (!j->big_have[b] || start < j->big_start[b])
			j->big_start[b] = start;
		if (!j->big_have[b] || end > j->big_end[b])
			j->big_end[b] = end;
		j->big_have[b] = 1;
	}
	if (t->flow != AP_CANN__NONE && !hidden) {
		uint32_t f = t->flow;
		/* torch_npu counts a kernel "With AICore" when the trace's Task Type is AI_CORE
		 * (_event_bean.is_ai_core): the GE type, else the host's runtime type (Level0:
		 * KERNEL_AICORE, not counted), else the device's */
		const char *kt = ap_strtab_get(&j->v->strs, ktype);

		/* the first 'f' of an id: the earliest execution */
		if (!j->flow_have[f] || start < j->flow_kts[f]) {
			j->flow_ts[f] = ap_cann_clock_local(&j->in->host_clock, t->flow_ts);
			j->flow_kts[f] = start;
			j->flow_kend[f] = end;
			j->flow_aic[f] = kt && !strcmp(kt, "AI_CORE");
		}
		j->flow_have[f] = 1;
	}
}

/* Host tasks and device tasks sorted by (stream, batch, task, context). */
struct key {
	uint32_t stream, batch, task, ctx;
	uint32_t idx;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	if (x->batch != y->batch)
		return x->batch < y->batch ? -1 : 1;
	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	if (x->ctx != y->ctx)
		return x->ctx < y->ctx ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int same_key(const struct key *x, const struct key *y)
{
	return x->stream == y->stream && x->batch == y->batch && x->task == y->task &&
	       x->ctx == y->ctx;
}

/* Sorts k[0..n) by (stream, batch, task, context), stably: two radix passes over 64-bit keys
 * when batch and task ids fit 16 bits (they do on every chip but v6), else qsort. */
static int sort_keys(struct key *k, size_t n)
{
	struct ap_sortkey *s;
	struct key *tmp;
	size_t i;

	for (i = 0; i < n; i++)
		if (k[i].batch > 0xFFFF || k[i].task > 0xFFFF) {
			qsort(k, n, sizeof(*k), cmp_key);
			return 0;
		}
	s = malloc((n ? n : 1) * sizeof(*s));
	tmp = malloc((n ? n : 1) * sizeof(*tmp));
	if (!s || !tmp)
		goto nomem;
	for (i = 0; i < n; i++) {
		s[i].key = ap_sortkey_u64(k[i].ctx);
		s[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(s, n) < 0)
		goto nomem;
	for (i = 0; i < n; i++)
		s[i].key = ap_sortkey_u64((uint64_t)k[s[i].idx].stream << 32 |
					  (uint64_t)k[s[i].idx].batch << 16 | k[s[i].idx].task);
	if (ap_sort_keys(s, n) < 0)
		goto nomem;
	for (i = 0; i < n; i++)
		tmp[i] = k[s[i].idx];
	memcpy(k, tmp, n * sizeof(*k));
	free(s);
	free(tmp);
	return 0;
nomem:
	free(s);
	free(tmp);
	return AP_ENOMEM;
}

#define PLANE_RAN 0x80000000u

/* Notes HCCL small task t, with an hccl_info and no device execution, on its (op, plane): the
 * least hccl_info index of such tasks is kept. */
static void plane_note(struct ap_cann__join *j, const struct ap_cann__htask *t)
{
	struct ap_u64map_slot *s;
	uint32_t first;

	if (t->kind != AP_CANN__HCCL || t->bigop == AP_CANN__NONE || t->hinfo < 0)
		return;
	s = ap_u64map_get(&j->planes,
			  (uint64_t)t->bigop << 32 | j->h->hccl_infos.v[t->hinfo].plane_id, NULL);
	if (!s) {
		j->oom = 1;
		return;
	}
	first = s->val & ~PLANE_RAN;
	if (!first || (uint32_t)t->hinfo < first - 1)
		s->val = (s->val & PLANE_RAN) | ((uint32_t)t->hinfo + 1);
}

/* GenerateTopDownTask for one device. */
static int associate(struct ap_cann__join *j, const struct ap_cann_join_dev *d)
{
	struct key *hk = malloc((j->ht.tasks.n ? j->ht.tasks.n : 1) * sizeof(*hk));
	struct key *dk = malloc((d->n ? d->n : 1) * sizeof(*dk));
	size_t nh = 0, i, a = 0, b = 0;
	struct key sub = { 0, 0, 0, AP_CANN__CTX_DEFAULT, 0 }; /* the last device key with a context */

	if (!hk || !dk) {
		free(hk);
		free(dk);
		return AP_ENOMEM;
	}
	for (i = 0; i < j->ht.tasks.n; i++) {
		const struct ap_cann__htask *t = &j->ht.tasks.v[i];
		const struct ap_cann_track *tr = &j->h->tracks.v[t->track];

		if (tr->device_id != (uint16_t)d->device_id || tr->dev_type != 0)
			continue;
		hk[nh].stream = tr->stream_id;
		hk[nh].batch = tr->batch;
		hk[nh].task = tr->task_id;
		hk[nh].ctx = t->ctx;
		hk[nh].idx = (uint32_t)i;
		nh++;
	}
	for (i = 0; i < d->n; i++) {
		dk[i].stream = d->tasks[i].stream;
		dk[i].batch = d->tasks[i].batch;
		dk[i].task = d->tasks[i].task;
		dk[i].ctx = d->tasks[i].ctx;
		dk[i].idx = (uint32_t)i;
	}
	if (sort_keys(hk, nh) < 0 || sort_keys(dk, d->n) < 0) {
		free(hk);
		free(dk);
		return AP_ENOMEM;
	}
	j->st->device_tasks += d->n;
	while ((a < nh || b < d->n) && !j->oom) {
		size_t ha = a, hb = a, da = b, db = b;
		int c, hidden = 0;

		if (a >= nh)
			c = 1;
		else if (b >= d->n)
			c = -1;
		else {
			struct key x = hk[a], y = dk[b];

			x.idx = y.idx = 0;
			c = cmp_key(&x, &y);
		}
		if (c <= 0)
			while (hb < nh && same_key(&hk[hb], &hk[a]))
				hb++;
		if (c >= 0)
			while (db < d->n && same_key(&dk[db], &dk[b]))
				db++;
		/* keys sort by (stream, batch, task), then context: a group's subtasks come before its
		 * SQ-level task (context 0xFFFFFFFF) */
		if (db > da && dk[da].ctx != AP_CANN__CTX_DEFAULT)
			sub = dk[da];
		else if (db > da)
			hidden = sub.ctx != AP_CANN__CTX_DEFAULT && sub.stream == dk[da].stream &&
				 sub.batch == dk[da].batch && sub.task == dk[da].task;
		if (hb - ha > 1 && db > da) {
			j->st->ambiguous++; /* several host tasks for one key: dropped, as upstream */
		} else if (hb > ha && db > da) {
			for (i = da; i < db; i++)
				execution(j, d, &j->ht.tasks.v[hk[ha].idx], &d->tasks[dk[i].idx], hidden);
		} else if (db > da) {
			j->st->device_only += db - da;
			for (i = da; i < db; i++)
				execution(j, d, NULL, &d->tasks[dk[i].idx], hidden);
		} else {
			j->st->host_only += hb - ha;
			for (i = ha; i < hb; i++)
				plane_note(j, &j->ht.tasks.v[hk[i].idx]);
		}
		a = hb;
		b = db;
	}
	free(hk);
	free(dk);
	return j->oom ? AP_ENOMEM : 0;
}

/* The group of an HCCL small task as the suffix takes it: its hccl_info's group, else its
 * op's hccl_op_info group, as the decimal hash id (msprof reads it unresolved), else "N/A". */
static void group_of(const struct ap_cann__join *j, const struct hexec *x, char *buf, size_t cap)
{
	const struct ap_cann__bigop *b = &j->ht.bigops.v[x->bigop];
	uint64_t g;

	(void)cap; /* AP_FMT_MAX at least */
	if (x->hinfo >= 0)
		g = j->h->hccl_infos.v[x->hinfo].group_name;
	else if (b->hccl_op >= 0)
		g = j->h->hccl_ops.v[b->hccl_op].group_name;
	else {
		memcpy(buf, "N/A", 4);
		return;
	}
	buf[ap_fmt_u64(buf, g)] = '\0';
}

static int cmp_hexec(const void *pa, const void *pb)
{
	const struct hexec *a = pa, *b = pb;

	if (a->host_ts != b->host_ts)
		return a->host_ts < b->host_ts ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* HcclCalculator::UpdateHcclOpNameByGroupName over the HCCL small tasks in (host time, start)
 * order: per (group, AICPU-kernel or not) an index that grows with each new op (a later
 * launch) after the collection start, and per task id its iteration (its occurrences so far);
 * an op is named by its first task. */
static int name_bigops(struct ap_cann__join *j)
{
	struct groupstate {
		char group[AP_FMT_MAX];
		uint8_t aicpu;
		uint64_t first;
		int64_t count;
	} *gs = NULL;
	struct ap_u64map occ;
	size_t ng = 0, i;
	int ret = AP_ENOMEM;

	if (ap_u64map_init(&occ, j->hx.n ? j->hx.n : 1) < 0)
		return AP_ENOMEM;
	gs = malloc((j->hx.n ? j->hx.n : 1) * sizeof(*gs));
	if (!gs)
		goto out;
	if (j->hx.n > 1)
		qsort(j->hx.v, j->hx.n, sizeof(*j->hx.v), cmp_hexec);
	for (i = 0; i < j->hx.n; i++) {
		const struct hexec *x = &j->hx.v[i];
		const struct ap_cann__bigop *b = &j->ht.bigops.v[x->bigop];
		struct bigname *bn = &j->big_name[x->bigop];
		char group[AP_FMT_MAX], num[AP_CANN_NUMBUF];
		const char *name = hash_str(j, b->name, num);
		uint8_t aicpu = strstr(name, "AicpuKernel") != NULL;
		struct ap_u64map_slot *o;
		uint64_t key = (uint64_t)x->stream << 48 ^ (uint64_t)x->task << 32 ^
			       (uint64_t)x->batch << 16 ^ x->ctx;
		size_t g;
		size_t len;

		group_of(j, x, group, sizeof(group));
		for (g = 0; g < ng && (gs[g].aicpu != aicpu || strcmp(gs[g].group, group)); g++)
			;
		if (g == ng) {
			memcpy(gs[ng].group, group, sizeof(group));
			gs[ng].aicpu = aicpu;
			gs[ng].first = 0;
			gs[ng].count = -1;
			ng++;
		}
		if (x->start > j->in->session_start && b->begin > gs[g].first) {
			gs[g].first = b->begin;
			gs[g].count++;
		}
		o = ap_u64map_get(&occ, key, NULL);
		if (!o)
			goto out;
		o->val++;
		if (bn->set)
			continue;
		bn->set = 1;
		bn->index = gs[g].count;
		bn->iter = o->val;
		len = strlen(group);
		memcpy(bn->group, group + (len > 3 ? len - 3 : 0), (len > 3 ? 3 : len) + 1);
	}
	ret = 0;
out:
	free(gs);
	ap_u64map_release(&occ);
	return ret;
}

/* The view string of HCCL op b's name: its launch's name with the suffix of name_bigops. */
static uint32_t bigop_name(struct ap_cann__join *j, size_t b)
{
	char num[AP_CANN_NUMBUF];

	ap_strbuf_reset(&j->buf);
	ap_strbuf_addstr(&j->buf, hash_str(j, j->ht.bigops.v[b].name, num));
	if (j->big_name[b].set) {
		char n[AP_FMT_MAX];

		ap_strbuf_addch(&j->buf, '_');
		ap_strbuf_addstr(&j->buf, j->big_name[b].group);
		ap_strbuf_addch(&j->buf, '_');
		ap_strbuf_add(&j->buf, n, ap_fmt_i64(n, j->big_name[b].index));
		ap_strbuf_addch(&j->buf, '_');
		ap_strbuf_add(&j->buf, n, ap_fmt_u64(n, j->big_name[b].iter));
	}
	return ap_cann__join_intern(j, j->buf.buf);
}

/* The ops missing on a plane: hccl_info records of the plane, no execution there, but some on
 * another plane (an op that never ran is a host launch without device task, nothing more). */
static void missing_planes(struct ap_cann__join *j)
{
	uint8_t *ran = calloc(j->ht.bigops.n ? j->ht.bigops.n : 1, 1);
	size_t i;
	uint32_t best = 0;

	if (!ran) {
		j->oom = 1;
		return;
	}
	for (i = 0; i < j->hx.n; i++) {
		const struct hexec *x = &j->hx.v[i];
		struct ap_u64map_slot *s;

		ran[x->bigop] = 1;
		if (x->hinfo < 0)
			continue;
		s = ap_u64map_find(&j->planes, (uint64_t)x->bigop << 32 |
						       j->h->hccl_infos.v[x->hinfo].plane_id);
		if (s)
			s->val |= PLANE_RAN;
	}
	for (i = 0; j->planes.v && i <= j->planes.mask; i++) {
		const struct ap_u64map_slot *s = &j->planes.v[i];
		uint32_t first = s->val & ~PLANE_RAN;

		if (!s->used || (s->val & PLANE_RAN) || !first || !ran[s->key >> 32])
			continue;
		j->st->hccl_missing_planes++;
		if (!best || first < best) {
			best = first;
			j->st->hccl_missing_info = (int32_t)(first - 1);
			j->st->hccl_missing_plane = (uint32_t)s->key;
			j->st->hccl_missing_op = (uint32_t)(s->key >> 32); /* a big op until named */
		}
	}
	free(ran);
	if (best)
		j->st->hccl_missing_op = bigop_name(j, j->st->hccl_missing_op);
}

/* The view string of an hccl_info enum value: its name, else its number (trans_enum_name). */
static uint32_t enum_id(struct ap_cann__join *j, const char *name, uint32_t v)
{
	char n[AP_FMT_MAX];

	if (name)
		return ap_cann__join_intern(j, name);
	n[ap_fmt_u64(n, v)] = '\0';
	return ap_cann__join_intern(j, n);
}

/* The HCCLTaskSingleDevice rows: every HCCL small task execution of an op, in the order
 * name_bigops sorted them. Each op's name is interned once, at its first task. */
static void hccl_rows(struct ap_cann__join *j, uint32_t *names)
{
	size_t i;
	uint32_t na = ap_cann__join_intern(j, "N/A");

	if (ap_vec_reserve(&j->v->hccl, j->hx.n) < 0) {
		j->oom = 1;
		return;
	}
	for (i = 0; i < j->hx.n && !j->oom; i++) {
		const struct hexec *x = &j->hx.v[i];
		struct ap_cann_hccl_row *r = &j->v->hccl.v[j->v->hccl.n++];
		char group[AP_FMT_MAX], num[AP_CANN_NUMBUF];

		if (names[x->bigop] == AP_STR_NONE)
			names[x->bigop] = bigop_name(j, x->bigop);
		memset(r, 0, sizeof(*r));
		r->start = x->start;
		r->end = x->end;
		r->device_id = x->device;
		r->master = x->master;
		r->info = x->hinfo;
		r->op_info = j->ht.bigops.v[x->bigop].hccl_op;
		r->op_name = names[x->bigop];
		group_of(j, x, group, sizeof(group));
		r->group = ap_cann__join_intern(j, group);
		if (x->hinfo < 0) {
			r->plane_id = r->local_rank = r->remote_rank = r->size = -1;
			r->name = r->transport = r->link = r->rdma = na;
			continue;
		}
		{
			const struct ap_cann_hccl_info *h = &j->h->hccl_infos.v[x->hinfo];

			r->plane_id = h->plane_id;
			r->local_rank = h->local_rank;
			r->remote_rank = h->remote_rank;
			r->size = (int64_t)h->data_size;
			r->name = ap_cann__join_intern(j, hash_str(j, h->item_id, num));
			r->transport = enum_id(j, ap_cann_hccl_transport_name(h->transport_type),
					       h->transport_type);
			r->link = enum_id(j, ap_cann_hccl_link_name(h->link_type), h->link_type);
			if (!ap_cann_hccl_transport_name(h->transport_type) &&
			    !j->st->hccl_bad_transport++) {
				j->st->hccl_first_transport = h->transport_type;
				j->st->hccl_first_transport_info = x->hinfo;
			}
			if (!ap_cann_hccl_link_name(h->link_type) && !j->st->hccl_bad_link++) {
				j->st->hccl_first_link = h->link_type;
				j->st->hccl_first_link_info = x->hinfo;
			}
			r->rdma = enum_id(j, ap_cann_hccl_rdma_name(h->rdma_type), h->rdma_type);
		}
	}
}

/* One op_summary row per HCCL op with master executions (CommunicationInfoProcessor). */
static void bigop_rows(struct ap_cann__join *j)
{
	size_t b;

	for (b = 0; b < j->ht.bigops.n && !j->oom; b++) {
		const struct ap_cann__bigop *o = &j->ht.bigops.v[b];
		struct ap_cann_op_row *r;
		char num[AP_CANN_NUMBUF];

		if (!j->big_have[b])
			continue;
		r = ap_vec_push(&j->v->ops);
		if (!r) {
			j->oom = 1;
			return;
		}
		memset(r, 0, sizeof(*r));
		r->start = j->big_start[b];
		r->end = j->big_end[b];
		r->device_id = o->device;
		r->model_id = o->model_id;
		r->task_id = r->stream_id = AP_CANN_NA;
		r->context_id = AP_CANN_NO_CTX;
		r->name = bigop_name(j, b);
		r->op_type = o->node >= 0 ? ap_cann__join_intern(j, hash_str(j, j->h->nodes.v[o->node].op_type, num))
					  : AP_STR_NONE;
		r->task_type = ap_cann__join_intern(j, "COMMUNICATION");
		r->in_shapes = r->in_dtypes = r->in_formats = AP_STR_NONE;
		r->out_shapes = r->out_dtypes = r->out_formats = AP_STR_NONE;
		r->op_state = AP_CANN_STATE_NA;
		r->hf32 = AP_CANN_HF32_NA;
		ap_cann__tl_comm_op(j, b, r);
		if (o->flow != AP_CANN__NONE) {
			/* the op's own flow: from its launch to the Communication lane's op */
			uint32_t f = o->flow;

			j->flow_have[f] = 1;
			j->flow_ts[f] = ap_cann_clock_local(&j->in->host_clock, o->begin);
			j->flow_kts[f] = r->start;
			j->flow_kend[f] = r->end;
			j->flow_aic[f] = 0;
		}
	}
}

/* The HostToDevice links in flow order: by launch time, then kernel start. */
static int make_links(struct ap_cann__join *j)
{
	uint32_t f, n = 0;
	struct ap_sortkey *k = malloc((j->ht.nflows ? j->ht.nflows : 1) * sizeof(*k));

	if (!k)
		return AP_ENOMEM;
	for (f = 0; f < j->ht.nflows; f++)
		if (j->flow_have[f]) {
			k[n].key = j->flow_kts[f];
			k[n++].idx = f;
		}
	if (ap_sort_keys(k, n) < 0)
		goto nomem;
	for (f = 0; f < n; f++)
		k[f].key = j->flow_ts[k[f].idx];
	if (ap_sort_keys(k, n) < 0 || ap_vec_reserve(&j->links->v, n) < 0)
		goto nomem;
	for (f = 0; f < n; f++) {
		uint32_t i = k[f].idx;
		struct ap_npu_kernel *kn = &j->links->v.v[j->links->v.n++];

		kn->acl_ts = j->flow_ts[i];
		kn->ts = j->flow_kts[i];
		kn->dur_us = (double)(j->flow_kend[i] - j->flow_kts[i]) / 1000.0;
		kn->end = kn->ts + (int64_t)(kn->dur_us * 1000.0);
		kn->ai_core = j->flow_aic[i];
		kn->flow = i;
	}
	free(k);
	return 0;
nomem:
	free(k);
	return AP_ENOMEM;
}

/* The API intervals, named as CANN_API names them (api_event_db_dumper.cpp). */
static void api_rows(struct ap_cann__join *j)
{
	size_t i;

	for (i = 0; i < j->h->apis.n && !j->oom; i++) {
		const struct ap_cann_api *a = &j->h->apis.v[i];
		struct ap_cann_api_row *r;
		const char *lv, *name;
		char num[AP_CANN_NUMBUF];

		switch (a->level) {
		case LV_ACL: lv = "acl"; break;
		case LV_MODEL: lv = "model"; break;
		case LV_NODE: lv = "node"; break;
		case LV_HCCL: lv = "communication"; break;
		case LV_RUNTIME: lv = "runtime"; break;
		default: continue;
		}
		if (a->level == LV_HCCL)
			name = hash_str(j, a->item_id, num);
		else
			name = ap_cann_type_or_number(j->h, a->level, a->type, num, &j->st->missing);
		if (j->in->session_start != INT64_MIN &&
		    ap_cann_clock_local(&j->in->host_clock, a->end) < j->in->session_start)
			continue; /* ended before the collection (api_processor.cpp) */
		r = ap_vec_push(&j->v->apis);
		if (!r) {
			j->oom = 1;
			return;
		}
		r->start = ap_cann_clock_local(&j->in->host_clock, a->begin);
		r->end = ap_cann_clock_local(&j->in->host_clock, a->end);
		r->level = ap_cann__join_intern(j, lv);
		r->name = ap_cann__join_intern(j, name);
		ap_cann__tl_api(j, a, j->api_conn[i], r);
	}
}

int ap_cann_join(const struct ap_cann_join_in *in, struct ap_cann_view *v,
		 struct ap_npu_links *links, struct ap_cann_join_stats *st, struct ap_err *err)
{
	struct ap_cann__join j;
	size_t d, nb, nf;
	int ret = AP_ENOMEM;

	memset(&j, 0, sizeof(j));
	j.in = in;
	j.h = in->h;
	j.v = v;
	j.links = links;
	j.st = st;
	ap_strbuf_init(&j.buf);
	v->stars = in->stars;
	if (ap_u64map_init(&j.hash_ids, 1024) < 0 || ap_u64map_init(&j.rt_ids, 64) < 0 ||
	    ap_u64map_init(&j.tensor_ids, 1024) < 0 || ap_u64map_init(&j.planes, 16) < 0)
		goto out;
	if (ap_cann__host_tasks(in, &j.ht, st) < 0)
		goto out;
	st->host_tasks = j.ht.tasks.n;
	nb = j.ht.bigops.n ? j.ht.bigops.n : 1;
	nf = j.ht.nflows ? j.ht.nflows : 1;
	j.big_start = malloc(nb * sizeof(*j.big_start));
	j.big_end = malloc(nb * sizeof(*j.big_end));
	j.big_have = calloc(nb, 1);
	j.big_name = calloc(nb, sizeof(*j.big_name));
	j.flow_ts = malloc(nf * sizeof(*j.flow_ts));
	j.flow_kts = malloc(nf * sizeof(*j.flow_kts));
	j.flow_kend = malloc(nf * sizeof(*j.flow_kend));
	j.flow_have = calloc(nf, 1);
	j.flow_aic = calloc(nf, 1);
	if (!j.big_start || !j.big_end || !j.big_have || !j.big_name || !j.flow_ts || !j.flow_kts ||
	    !j.flow_kend || !j.flow_have || !j.flow_aic || ap_cann__tl_init(&j) < 0)
		goto out;
	for (d = 0; d < in->ndev; d++)
		if (associate(&j, &in->devs[d]) < 0)
			goto out;
	if (name_bigops(&j) < 0)
		goto out;
	missing_planes(&j);
	{
		uint32_t *names = calloc(nb, sizeof(*names)); /* AP_STR_NONE is 0 */

		if (!names)
			goto out;
		hccl_rows(&j, names);
		free(names);
	}
	bigop_rows(&j);
	ap_cann__tl_hccl_ops(&j);
	api_rows(&j);
	if (j.oom || make_links(&j) < 0)
		goto out;
	ret = 0;
out:
	ap_cann__host_tasks_release(&j.ht);
	ap_strbuf_release(&j.buf);
	ap_u64map_release(&j.hash_ids);
	ap_u64map_release(&j.rt_ids);
	ap_u64map_release(&j.tensor_ids);
	ap_u64map_release(&j.planes);
	free(j.tensor_strs.v);
	free(j.big_start);
	free(j.big_end);
	free(j.big_have);
	free(j.big_name);
	free(j.hx.v);
	free(j.flow_ts);
	free(j.flow_kts);
	free(j.flow_kend);
	free(j.flow_have);
	free(j.flow_aic);
	free(j.big_comm);
	free(j.api_conn);
	if (ret < 0)
		ret = ap_err_set(err, AP_ENOMEM, "out of memory joining host and device tasks");
	return ret;
}
