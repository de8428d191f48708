/* Additional records (spec cann_prof_raw.md §2.2, §2.5): 256 bytes = 24-byte header + 232-byte
 * payload. Pure decoders, the loader's take of each kind, and tensor_info grouping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cursor.h"
#include "cann_local.h"
#include "../../base/banned.h"

/* Checks an additional record's size, magic and dataLen; leaves c on its payload. */
static int open_additional(const uint8_t *p, size_t len, struct ap_cann_hdr *hd,
			   struct ap_cursor *c, struct ap_err *err)
{
	ap_cursor_init(c, p, 0);
	if (len != AP_CANN_ADDITIONAL_SIZE)
		return ap_err_set(err, AP_EFORMAT, "additional record of %zu bytes, not %u", len,
				  AP_CANN_ADDITIONAL_SIZE);
	ap_cann_decode_hdr(p, hd);
	if (hd->magic != AP_CANN_MAGIC)
		return ap_err_set(err, AP_EFORMAT, "magic 0x%04x, not 0x%04X", hd->magic,
				  AP_CANN_MAGIC);
	if (hd->data_len > AP_CANN_ADDITIONAL_PAYLOAD)
		return ap_err_set(err, AP_EFORMAT, "dataLen %u (record offset 12) past the %u-byte payload",
				  hd->data_len, AP_CANN_ADDITIONAL_PAYLOAD);
	ap_cursor_init(c, p + AP_CANN_HDR_SIZE, AP_CANN_ADDITIONAL_PAYLOAD);
	return 0;
}

#define CURSOR_BUG(err) ap_err_set((err), AP_EINTERNAL, "additional record: cursor past its end")

int ap_cann_decode_tensor_info(const uint8_t *p, size_t len, struct ap_cann_tensor_rec *out,
			       struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	uint32_t i, j;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_additional(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u64(&c, &out->op_name);     /* @0 */
	r |= ap_cursor_u32(&c, &out->num);         /* @8 tensorNum */
	if (r)
		return CURSOR_BUG(err);
	if (out->num > AP_CANN_TENSOR_MAX)
		return ap_err_set(err, AP_EFORMAT,
				  "tensor_info tensorNum %u (payload offset 8) > %u tensors of a record",
				  out->num, AP_CANN_TENSOR_MAX);
	for (i = 0; i < out->num; i++) {           /* @12 + 44 i */
		struct ap_cann_tensor *t = &out->t[i];

		r |= ap_cursor_u32(&c, &t->type);
		r |= ap_cursor_u32(&c, &t->format);
		r |= ap_cursor_u32(&c, &t->dtype);
		for (j = 0; j < AP_CANN_SHAPE_LEN; j++)
			r |= ap_cursor_u32(&c, &t->shape[j]);
	}
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	return 0;
}

int ap_cann_decode_ctx(const uint8_t *p, size_t len, struct ap_cann_ctx_rec *out,
		       struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	uint32_t i;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_additional(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u64(&c, &out->op_name);     /* @0 */
	r |= ap_cursor_u32(&c, &out->num);         /* @8 ctxIdNum */
	if (r)
		return CURSOR_BUG(err);
	if (out->num > AP_CANN_CTX_MAX)
		return ap_err_set(err, AP_EFORMAT,
				  "context_id_info ctxIdNum %u (payload offset 8) > %u ids of a record",
				  out->num, AP_CANN_CTX_MAX);
	for (i = 0; i < out->num; i++)             /* @12 + 4 i */
		r |= ap_cursor_u32(&c, &out->ids[i]);
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	out->level = hd.level;
	return 0;
}

int ap_cann_decode_hccl_info(const uint8_t *p, size_t len, struct ap_cann_hccl_info *out,
			     struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	uint64_t dur = 0;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_additional(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u64(&c, &out->item_id);        /* @0 */
	r |= ap_cursor_u64(&c, &out->ccl_tag);        /* @8 */
	r |= ap_cursor_u64(&c, &out->group_name);     /* @16 */
	r |= ap_cursor_u32(&c, &out->local_rank);     /* @24 */
	r |= ap_cursor_u32(&c, &out->remote_rank);    /* @28 */
	r |= ap_cursor_u32(&c, &out->rank_size);      /* @32 */
	r |= ap_cursor_u32(&c, &out->work_flow_mode); /* @36 */
	r |= ap_cursor_u32(&c, &out->plane_id);       /* @40 */
	r |= ap_cursor_u32(&c, &out->ctx_id);         /* @44 */
	r |= ap_cursor_u64(&c, &out->notify_id);      /* @48 */
	r |= ap_cursor_u32(&c, &out->stage);          /* @56 */
	r |= ap_cursor_u32(&c, &out->role);           /* @60 */
	r |= ap_cursor_u64(&c, &dur);                 /* @64 durationEstimated f64 */
	r |= ap_cursor_u64(&c, &out->src_addr);       /* @72 */
	r |= ap_cursor_u64(&c, &out->dst_addr);       /* @80 */
	r |= ap_cursor_u64(&c, &out->data_size);      /* @88 */
	r |= ap_cursor_u32(&c, &out->op_type);        /* @96 */
	r |= ap_cursor_u32(&c, &out->data_type);      /* @100 */
	r |= ap_cursor_u32(&c, &out->link_type);      /* @104 */
	r |= ap_cursor_u32(&c, &out->transport_type); /* @108 */
	r |= ap_cursor_u32(&c, &out->rdma_type);      /* @112 */
	if (r)
		return CURSOR_BUG(err);
	memcpy(&out->duration_estimated, &dur, sizeof(dur));
	out->ts = hd.ts;
	out->tid = hd.tid;
	return 0;
}

int ap_cann_decode_graph(const uint8_t *p, size_t len, struct ap_cann_graph *out,
			 struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_additional(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u64(&c, &out->model_name);  /* @0 */
	r |= ap_cursor_u32(&c, &out->graph_id);    /* @8 */
	r |= ap_cursor_u32(&c, &out->model_id);    /* @12 */
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	return 0;
}

int ap_cann_decode_fusion(const uint8_t *p, size_t len, struct ap_cann_fusion *out,
			  struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	uint32_t i;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_additional(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u64(&c, &out->op_name);       /* @0 */
	r |= ap_cursor_u32(&c, &out->fusion_op_num); /* @8 */
	r |= ap_cursor_u64(&c, &out->input_mem);     /* @12 */
	r |= ap_cursor_u64(&c, &out->output_mem);    /* @20 */
	r |= ap_cursor_u64(&c, &out->weight_mem);    /* @28 */
	r |= ap_cursor_u64(&c, &out->workspace_mem); /* @36 */
	r |= ap_cursor_u64(&c, &out->total_mem);     /* @44 */
	if (r)
		return CURSOR_BUG(err);
	if (out->fusion_op_num > AP_CANN_FUSION_MAX)
		return ap_err_set(err, AP_EFORMAT,
				  "fusion_op_info fusionOpNum %u (payload offset 8) > %u ids of a record",
				  out->fusion_op_num, AP_CANN_FUSION_MAX);
	for (i = 0; i < AP_CANN_FUSION_MAX; i++)     /* @52 + 8 i */
		r |= ap_cursor_u64(&c, &out->fusion_op_id[i]);
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	return 0;
}

/* ------------------------------------------------------------- tensor_info grouping */

static uint64_t tensor_key(uint64_t op, uint64_t ts, uint32_t tid)
{
	uint64_t x = op * 0x9e3779b97f4a7c15ull;

	x ^= ts * 0xbf58476d1ce4e5b9ull;
	x ^= (uint64_t)tid * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The op group of (op, ts, tid), added when new; NULL when out of memory. */
static struct ap_cann_tensor_op *group_of(struct ap_cann__loader *l,
					  const struct ap_cann_tensor_rec *t, uint32_t *gi)
{
	struct ap_cann_host *h = l->h;
	uint64_t k = tensor_key(t->op_name, t->ts, t->tid);
	struct ap_u64map_slot *s;
	struct ap_cann_tensor_op *g;

	for (;; k++) {
		s = ap_u64map_find(&l->tensor_idx, k);
		if (!s)
			break;
		g = &h->tensor_ops.v[s->val];
		if (g->op_name == t->op_name && g->ts == t->ts && g->tid == t->tid) {
			*gi = s->val;
			return g;
		}
	}
	if (h->tensor_ops.n >= UINT32_MAX || ap_vec_reserve(&h->tensor_ops, 1) < 0 ||
	    ap_vec__reserve((void **)&l->grp_end, &l->grp_cap, h->tensor_ops.n, 1,
			    sizeof(*l->grp_end)) < 0)
		return NULL;
	s = ap_u64map_get(&l->tensor_idx, k, NULL);
	if (!s)
		return NULL;
	*gi = s->val = (uint32_t)h->tensor_ops.n;
	g = &h->tensor_ops.v[h->tensor_ops.n++];
	memset(g, 0, sizeof(*g));
	g->ts = t->ts;
	g->op_name = t->op_name;
	g->tid = t->tid;
	g->first = (uint32_t)h->tensors.n;
	l->grp_end[*gi] = (uint32_t)h->tensors.n;
	return g;
}

/* Adds one record's tensors to its op (§2.5.1: records of one op concatenated in order). */
static int take_tensors(struct ap_cann__loader *l, const struct ap_cann_tensor_rec *t)
{
	struct ap_cann_host *h = l->h;
	struct ap_cann_tensor_op *g;
	uint32_t gi, i;

	g = group_of(l, t, &gi);
	if (!g)
		return ap_cann__oom(l, "tensor_info table of %zu ops", h->tensor_ops.n);
	if (t->num == 0)
		return 0;
	if (h->tensors.n + t->num > UINT32_MAX ||
	    ap_vec_reserve(&h->tensors, t->num) < 0 || ap_vec_reserve(&l->tensor_grp, t->num) < 0)
		return ap_cann__oom(l, "tensor table of %zu tensors", h->tensors.n);
	if (g->count == 0)
		g->first = (uint32_t)h->tensors.n;
	else if (l->grp_end[gi] != h->tensors.n)
		l->tensor_scattered = 1; /* another op's tensors came between: regroup at the end */
	for (i = 0; i < t->num; i++) {
		h->tensors.v[h->tensors.n++] = t->t[i];
		l->tensor_grp.v[l->tensor_grp.n++] = gi;
	}
	g->count += t->num;
	l->grp_end[gi] = (uint32_t)h->tensors.n;
	return 0;
}

int ap_cann__finish_tensors(struct ap_cann__loader *l)
{
	struct ap_cann_host *h = l->h;
	struct ap_cann_tensor *nt;
	uint32_t *pos;
	size_t i, at = 0;

	if (!l->tensor_scattered)
		return 0;
	/* A stable counting sort by op: each op's tensors keep their reading order. */
	nt = malloc((h->tensors.n ? h->tensors.n : 1) * sizeof(*nt));
	pos = malloc((h->tensor_ops.n ? h->tensor_ops.n : 1) * sizeof(*pos));
	if (!nt || !pos) {
		free(nt);
		free(pos);
		return ap_cann__oom(l, "regrouping %zu tensors", h->tensors.n);
	}
	for (i = 0; i < h->tensor_ops.n; i++) {
		pos[i] = (uint32_t)at;
		h->tensor_ops.v[i].first = (uint32_t)at;
		at += h->tensor_ops.v[i].count;
	}
	for (i = 0; i < h->tensors.n; i++)
		nt[pos[l->tensor_grp.v[i]]++] = h->tensors.v[i];
	free(pos);
	free(h->tensors.v);
	h->tensors.v = nt;
	h->tensors.cap = h->tensors.n;
	l->tensor_scattered = 0;
	return 0;
}

/* ------------------------------------------------------------- take */

#define PUSH(vec) (ap_vec_reserve(&(vec), 1) < 0 ? (void *)0 : (void *)&(vec).v[(vec).n++])

static int take_ctx(struct ap_cann__loader *l, const struct ap_cann_ctx_rec *t)
{
	struct ap_cann_host *h = l->h;
	struct ap_cann_ctx *d;

	if (h->ctx_ids.n + t->num > UINT32_MAX || ap_vec_reserve(&h->ctx_ids, t->num) < 0 ||
	    !(d = PUSH(h->ctxs)))
		return ap_cann__oom(l, "context_id_info table of %zu records", h->ctxs.n);
	d->ts = t->ts;
	d->op_name = t->op_name;
	d->tid = t->tid;
	d->first = (uint32_t)h->ctx_ids.n;
	d->count = t->num;
	d->level = t->level;
	memcpy(h->ctx_ids.v + h->ctx_ids.n, t->ids, t->num * sizeof(*t->ids));
	h->ctx_ids.n += t->num;
	return 0;
}

/* Decodes the record at p with dec into a T and appends it to the table vec. */
#define TAKE(dec, T, vec, what)                                                                 \
	do {                                                                                    \
		T t_, *d_;                                                                      \
		r = dec(p, AP_CANN_ADDITIONAL_SIZE, &t_, e);                                    \
		if (r == 0) {                                                                   \
			if (!(d_ = PUSH(vec)))                                                  \
				return ap_cann__oom(l, what " table of %zu records", (vec).n); \
			*d_ = t_;                                                               \
		}                                                                               \
	} while (0)

int ap_cann__take_additional(struct ap_cann__loader *l, enum ap_cann__kind k, const uint8_t *p)
{
	struct ap_cann_host *h = l->h;
	struct ap_err *e = ap_cann__rec_err(l);
	int r;

	switch (k) {
	case AP_CANN_K_TENSOR: {
		struct ap_cann_tensor_rec t;

		r = ap_cann_decode_tensor_info(p, AP_CANN_ADDITIONAL_SIZE, &t, e);
		if (r == 0 && take_tensors(l, &t) < 0)
			return AP_ENOMEM;
		break;
	}
	case AP_CANN_K_CTX: {
		struct ap_cann_ctx_rec t;

		r = ap_cann_decode_ctx(p, AP_CANN_ADDITIONAL_SIZE, &t, e);
		if (r == 0 && take_ctx(l, &t) < 0)
			return AP_ENOMEM;
		break;
	}
	case AP_CANN_K_HCCL_INFO:
		TAKE(ap_cann_decode_hccl_info, struct ap_cann_hccl_info, h->hccl_infos, "hccl_info");
		if (r == 0) { /* for the HCCL diagnostics */
			h->hccl_infos.v[h->hccl_infos.n - 1].off = l->rec_off;
			h->hccl_infos.v[h->hccl_infos.n - 1].file = l->fidx;
		}
		break;
	case AP_CANN_K_GRAPH:
		TAKE(ap_cann_decode_graph, struct ap_cann_graph, h->graphs, "graph_id_map");
		break;
	case AP_CANN_K_FUSION:
		TAKE(ap_cann_decode_fusion, struct ap_cann_fusion, h->fusions, "fusion_op_info");
		break;
	default:
		return ap_err_set(NULL, AP_EINTERNAL, "not an additional kind");
	}
	if (r < 0)
		ap_cann__bad_record(l, &l->rec_err);
	else
		h->files.v[l->fidx].records++;
	return 0;
}
