/*
 * gen_prof_low.c — the low-level PROF_* record directives: each writes one raw record (or one tensor_info
 * group) with explicit fields, for bad-input and id-decoding tests, plus the name tables (task types, GE task
 * types, SQE types, formats, data types) the chain directives share. Host kinds: api node_info node_attr
 * task_track task_track_v2 hccl_op_info memcpy_info expand_spec tensor_info ctx_info hccl_info graph_id_map
 * fusion_op_info (device kinds: gen_prof_dev.c). See gen_main.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_prof.h"

struct named {
	const char *name;
	unsigned v;
};

/* §2.6.3 runtime task types (the names type_info_dic registers). */
static const struct named ts_types[] = {
	{"KERNEL_AICORE", 0}, {"KERNEL_AICPU", 1}, {"EVENT_RECORD", 2}, {"EVENT_WAIT", 3}, {"KERNEL_FUSION", 4},
	{"MEMCPY_ASYNC", 5}, {"MAINTENANCE", 6}, {"CREATE_STREAM", 7}, {"MODEL_EXECUTE", 13},
	{"NOTIFY_WAIT", 14}, {"NOTIFY_RECORD", 15}, {"RDMA_SEND", 16}, {"STARS_COMMON", 50}, {"FFTS", 51}, {"FFTS_PLUS", 52},
	{"KERNEL_AIVEC", 66}, {"FLIP_TASK", 98}, {"KERNEL_MIX_AIC", 108}, {"KERNEL_MIX_AIV", 109},
};
/* §2.7 GE task types. */
static const struct named ge_types[] = {
	{"AI_CORE", 0}, {"AI_CPU", 1}, {"AI_VECTOR_CORE", 2}, {"WRITE_BACK", 3}, {"MIX_AIC", 4}, {"MIX_AIV", 5},
	{"FFTS_PLUS", 6}, {"DSA_SQE", 7}, {"DVPP", 8}, {"COMMUNICATION", 9}, {"FUSION", 10}, {"INVALID", 11},
};
/* §3.1.2 STARS SQE types. */
static const struct named sqe_types[] = {
	{"AI_CORE", 0}, {"AI_CPU", 1}, {"AIV", 2}, {"PLACE_HOLDER", 3}, {"EVENT_RECORD", 4}, {"EVENT_WAIT", 5},
	{"NOTIFY_RECORD", 6}, {"NOTIFY_WAIT", 7}, {"WRITE_VALUE", 8}, {"SDMA", 11}, {"PCIE_DMA", 17},
};
/* §2.7 GE formats and data types (a subset; any number is accepted). */
static const struct named formats[] = {
	{"NCHW", 0}, {"NHWC", 1}, {"ND", 2}, {"NC1HWC0", 3}, {"FRACTAL_Z", 4}, {"NCDHW", 30}, {"FRACTAL_NZ", 29},
	{"UNDEFINED", 0xFFFFFFFFu},
};
static const struct named dtypes[] = {
	{"FLOAT", 0}, {"FLOAT16", 1}, {"INT8", 2}, {"INT32", 3}, {"UINT8", 4}, {"INT16", 6}, {"INT64", 9},
	{"DOUBLE", 11}, {"BOOL", 12}, {"DT_BF16", 27}, {"UNDEFINED", 0xFFFFFFFFu},
};

#define NAMED(t) t, sizeof(t) / sizeof(t[0])

const char *const ap_gen__prof_id_modes[ID_NMODES] = {"plain", "s1000", "s2000", "expand", "expand8000"};

static int lookup(const struct named *tab, size_t n, const char *s, size_t len, uint64_t *out)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(tab[i].name) == len && memcmp(tab[i].name, s, len) == 0) {
			*out = tab[i].v;
			return 0;
		}
	char *end;
	char tmp[32];
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*out = strtoull(tmp, &end, 0);
	return *end ? -1 : 0;
}

static int opt_named(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, const struct named *tab,
		     size_t nt, int required, uint64_t def, uint64_t *out)
{
	struct ap_gen_tok *k = ap_gen__opt(t, n, key);
	*out = def;
	if (!k) {
		if (required)
			ap_gen__err_at(g, "missing %s=", key);
		return required ? -1 : 0;
	}
	if (lookup(tab, nt, k->val, k->len, out)) {
		ap_gen__err_at(g, "bad %s '%s'", key, k->val);
		return -1;
	}
	return 0;
}

int ap_gen__prof_opt_ts_type(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t def,
			     uint64_t *out)
{
	return opt_named(g, t, n, key, NAMED(ts_types), def == UINT64_MAX, def, out);
}

int ap_gen__prof_opt_ge_type(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t def,
			     uint64_t *out)
{
	return opt_named(g, t, n, key, NAMED(ge_types), 0, def, out);
}

int ap_gen__prof_opt_sqe(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t def,
			 uint64_t *out)
{
	return opt_named(g, t, n, key, NAMED(sqe_types), 0, def, out);
}

void ap_gen__prof_reg_ts(struct ap_gen_prof *p, uint64_t type)
{
	for (size_t i = 0; i < sizeof(ts_types) / sizeof(ts_types[0]); i++)
		if (ts_types[i].v == type)
			ap_gen__prof_type(p, LV_RUNTIME, (uint32_t)type, ts_types[i].name);
}

/* A host compact/additional kind: the buffer of its file, its type registered in type_info_dic. */
struct ap_gen_buf *ap_gen__prof_kind(struct ap_gen_prof *p, const char *kind, const char *name, unsigned level,
				     uint32_t type)
{
	ap_gen__prof_type(p, level, type, name);
	return ap_gen__prof_host_buf(p, kind, name, kind[0] == 'c' ? AP_GEN_COMPACT_SIZE : AP_GEN_ADD_SIZE);
}

/* `S` → its hash_dic id; `#N` → N verbatim (an id the dictionary lacks). */
static int opt_hash(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, int required, uint64_t *out)
{
	struct ap_gen_tok *k = ap_gen__opt(t, n, key);
	*out = 0;
	if (!k) {
		if (required)
			ap_gen__err_at(g, "missing %s=", key);
		return required ? -1 : 0;
	}
	if (!k->quoted && k->val[0] == '#')
		return ap_gen__parse_num(g, key, k->val + 1, k->len - 1, out);
	*out = ap_gen__prof_hash(g->prof, k->val);
	return 0;
}

/* tensors=SPEC: `in|out:FORMAT:DTYPE:d1,d2,...` joined by ';' (FORMAT/DTYPE a §2.7 name or number). Fills
 * 44-byte tensor descriptors into out (room for max); returns the count or -1. */
int ap_gen__prof_tensors(struct ap_gen *g, const char *spec, unsigned char *out, int max)
{
	int nt = 0;
	const char *s = spec;
	while (*s) {
		const char *e = strchr(s, ';');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		const char *f[4];
		size_t fl[4];
		int nf = 0;
		const char *c = s;
		while (nf < 4) {
			const char *colon = memchr(c, ':', len - (size_t)(c - s));
			f[nf] = c;
			fl[nf] = colon && nf < 3 ? (size_t)(colon - c) : len - (size_t)(c - s);
			nf++;
			if (!colon || nf == 4)
				break;
			c = colon + 1;
		}
		uint64_t fmt, dt;
		if (nf < 3 || nt == max || (fl[0] != 2 && fl[0] != 3) || lookup(NAMED(formats), f[1], fl[1], &fmt) ||
		    lookup(NAMED(dtypes), f[2], fl[2], &dt)) {
			ap_gen__err_at(g, "bad tensor '%.*s' (in|out:FORMAT:DTYPE:DIMS) or more than %d", (int)len, s,
				       max);
			return -1;
		}
		unsigned char *r = out + 44 * nt++;
		memset(r, 0, 44);
		st_le(r, f[0][0] == 'o', 4);
		st_le(r + 4, fmt, 4);
		st_le(r + 8, dt, 4);
		if (nf == 4) {
			const char *d = f[3], *de = f[3] + fl[3];
			for (int k = 0; d < de; k++) {
				char *end;
				unsigned long v = strtoul(d, &end, 10);
				if (k == 8 || end == d || (end < de && *end != ',')) {
					ap_gen__err_at(g, "bad dims in '%.*s' (at most 8)", (int)len, s);
					return -1;
				}
				st_le(r + 12 + 4 * k, v, 4);
				d = end < de ? end + 1 : de;
			}
		}
		s = e ? e + 1 : s + len;
	}
	return nt;
}

/* §2.5.1: groups of at most 5 tensors per record, same (opName, timeStamp, threadId). */
void ap_gen__prof_tensor_records(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, uint64_t op,
				 const unsigned char *tensors, int nt)
{
	struct ap_gen_buf *b = ap_gen__prof_kind(p, "additional", "tensor_info", LV_NODE, 1);
	for (int i = 0; i < nt || i == 0; i += 5) {
		int k = nt - i < 5 ? nt - i : 5;
		unsigned char *q = ap_gen__enc_additional(b, LV_NODE, 1, tid, 232, ts);
		st_le(q, op, 8);
		st_le(q + 8, (uint64_t)k, 4);
		if (k > 0)
			memcpy(q + 12, tensors + 44 * i, 44 * (size_t)k);
	}
}

/* §2.5.2: opName, ctxIdNum, ctxIds[55]. */
void ap_gen__prof_ctx_record(struct ap_gen_prof *p, unsigned level, uint32_t tid, uint64_t ts, uint64_t op,
			     const uint32_t *ids, int nids)
{
	struct ap_gen_buf *b = ap_gen__prof_kind(p, "additional", "context_id_info", level, 4);
	unsigned char *q = ap_gen__enc_additional(b, level, 4, tid, 232, ts);
	st_le(q, op, 8);
	st_le(q + 8, (uint64_t)nids, 4);
	for (int i = 0; i < nids && i < 55; i++)
		st_le(q + 12 + 4 * i, ids[i], 4);
}

/* ids=0,1,2 → at most 55 u32 */
int ap_gen__prof_ids(struct ap_gen *g, const char *s, uint32_t *ids, int max)
{
	int n = 0;
	while (*s) {
		char *end;
		unsigned long long v = strtoull(s, &end, 0);
		if (end == s || n == max || v > 0xFFFFFFFFull || (*end && *end != ',')) {
			ap_gen__err_at(g, "bad id list (at most %d numbers joined by ',')", max);
			return -1;
		}
		ids[n++] = (uint32_t)v;
		s = *end ? end + 1 : end;
	}
	return n;
}

/* §2.4.1 node_basic_info: opName u64 @0, taskType u32 @8, opType u64 @12, blockDim u32 @20 (low 16 block num,
 * high 16 mix ratio), opFlag u32 @24; dataLen 28 (opState @28 is not written by the collector). */
void ap_gen__prof_node_basic(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, uint64_t op, unsigned task,
			     uint64_t optype, uint32_t block_dim, uint32_t flag, uint32_t len)
{
	struct ap_gen_buf *b = ap_gen__prof_kind(p, "compact", "node_basic_info", LV_NODE, 0);
	unsigned char *q = ap_gen__enc_compact(b, LV_NODE, 0, tid, len, ts);
	st_le(q, op, 8);
	st_le(q + 8, task, 4);
	st_le(q + 12, optype, 8);
	st_le(q + 20, block_dim, 4);
	st_le(q + 24, flag, 4);
}

/* §2.4.4 hccl_op_info: byte @0 bit0 relay bit1 retry, dataType u8 @1, algType u64 @2, count u64 @10, groupName
 * u64 @18; dataLen 26. */
void ap_gen__prof_hccl_op(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, unsigned flags, unsigned dtype,
			  uint64_t alg, uint64_t count, uint64_t group)
{
	struct ap_gen_buf *b = ap_gen__prof_kind(p, "compact", "hccl_op_info", LV_NODE, 10);
	unsigned char *q = ap_gen__enc_compact(b, LV_NODE, 10, tid, 26, ts);
	q[0] = (unsigned char)flags;
	q[1] = (unsigned char)dtype;
	st_le(q + 2, alg, 8);
	st_le(q + 10, count, 8);
	st_le(q + 18, group, 8);
}

/* §2.4.5 memcpy_info (analysis C++ layout): dataSize u64 @0, maxSize u64 @8, direction u16 @16; dataLen 18. */
void ap_gen__prof_memcpy(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, uint64_t size, uint64_t max,
			 unsigned dir)
{
	struct ap_gen_buf *b = ap_gen__prof_kind(p, "compact", "memcpy_info", LV_RUNTIME, 801);
	unsigned char *q = ap_gen__enc_compact(b, LV_RUNTIME, 801, tid, 18, ts);
	st_le(q, size, 8);
	st_le(q + 8, max, 8);
	st_le(q + 16, dir, 2);
}

/* §2.5.3 hccl_info (4-byte packing): itemId @0, cclTag @8, groupName @16, localRank @24, remoteRank @28,
 * rankSize @32, workFlowMode @36, planeID @40, ctxID @44, notifyID u64 @48, stage @56, role @60,
 * durationEstimated f64 @64, srcAddr @72, dstAddr @80, dataSize @88, opType @96, dataType @100, linkType @104,
 * transportType @108, rdmaType @112. Level 5500; the type number is not in the spec (readers go by file name):
 * ap-gen uses 10. */
void ap_gen__prof_hccl_info(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, const struct ap_gen_hccl_info *h)
{
	struct ap_gen_buf *b = ap_gen__prof_kind(p, "additional", "hccl_info", LV_HCCL, 10);
	unsigned char *q = ap_gen__enc_additional(b, LV_HCCL, 10, tid, 120, ts);
	st_le(q, h->item, 8);
	st_le(q + 8, h->tag, 8);
	st_le(q + 16, h->group, 8);
	st_le(q + 24, h->local, 4);
	st_le(q + 28, h->remote, 4);
	st_le(q + 32, h->ranks, 4);
	st_le(q + 36, 0, 4);
	st_le(q + 40, h->plane, 4);
	st_le(q + 44, h->ctx, 4);
	st_le(q + 48, h->notify, 8);
	st_le(q + 56, h->stage, 4);
	st_le(q + 60, h->role, 4);
	double est = (double)h->size / 20.0;
	uint64_t bits;
	memcpy(&bits, &est, 8);
	st_le(q + 64, bits, 8);
	st_le(q + 72, 0x12c0c0000000ull + h->size, 8);
	st_le(q + 80, 0x12c0d0000000ull + h->size, 8);
	st_le(q + 88, h->size, 8);
	st_le(q + 96, h->op, 4);
	st_le(q + 100, h->dtype, 4);
	st_le(q + 104, h->link, 4);
	st_le(q + 108, h->transport, 4);
	st_le(q + 112, h->rdma, 4);
}

/* ---------------------------------------------------------------- host records */

static int common(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *usage, uint64_t *ts, uint64_t *tid)
{
	if (ap_gen__need_pos(g, t, n, 2, usage) || ap_gen__prof_host_tok(g, &t[1], ts) ||
	    ap_gen__opt_num(g, t, n, "tid", g->prof->tid ? g->prof->tid : g->tid, tid))
		return -1;
	return 0;
}

static int api_type(struct ap_gen *g, struct ap_gen_tok *t, int n, uint64_t level, uint64_t *type)
{
	static const struct named node_t[] = {{"launch", 5}};
	static const struct named hccl_t[] = {{"master", 0x10001}, {"slave", 0x10002}};
	static const struct named model_t[] = {{"execute", 1}, {"load", 2}};
	struct ap_gen_tok *k = ap_gen__opt(t, n, "type");
	if (!k) {
		ap_gen__err_at(g, "api: missing type=");
		return -1;
	}
	const struct named *tab = level == LV_NODE ? node_t : level == LV_HCCL ? hccl_t : model_t;
	size_t nt = level == LV_NODE ? 1 : 2;
	if (level == LV_ACL && !lookup(NULL, 0, k->val, k->len, type))
		return 0;
	if (level == LV_ACL) {
		*type = ap_gen__prof_acl_type(g->prof, k->val);
		return 0;
	}
	if ((level == LV_NODE || level == LV_HCCL || level == LV_MODEL) && !lookup(tab, nt, k->val, k->len, type)) {
		for (size_t i = 0; i < nt; i++)
			if (tab[i].v == *type)
				ap_gen__prof_type(g->prof, (uint32_t)level, (uint32_t)*type, tab[i].name);
		return 0;
	}
	if (!lookup(NULL, 0, k->val, k->len, type))
		return 0;
	if (level == LV_RUNTIME) { /* a runtime API by name: numbered apart from the task types (§2.6.3) */
		struct ap_gen_prof *p = g->prof;
		uint32_t next = 0x10000;
		for (size_t i = 0; i < p->ntype; i++) {
			if (p->types[i].level != LV_RUNTIME || p->types[i].type < 0x10000)
				continue;
			if (strcmp(p->types[i].name, k->val) == 0) {
				*type = p->types[i].type;
				return 0;
			}
			next = p->types[i].type >= next ? p->types[i].type + 1 : next;
		}
		*type = next;
		ap_gen__prof_type(p, LV_RUNTIME, next, k->val);
		return 0;
	}
	ap_gen__err_at(g, "api: bad type '%s'", k->val);
	return -1;
}

static int do_api(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	static const struct named levels[] = {{"acl", LV_ACL}, {"model", LV_MODEL}, {"node", LV_NODE},
					      {"hccl", LV_HCCL}, {"runtime", LV_RUNTIME}};
	uint64_t s, e, level, type, item, tid, req, ev;
	if (ap_gen__need_pos(g, t, n, 3, "api START END level=L type=T [item=S|#N] [tid=N] [req=N] [event=1]") ||
	    ap_gen__prof_host_tok(g, &t[1], &s) || ap_gen__prof_host_end_tok(g, &t[1], &t[2], &e) ||
	    opt_named(g, t, n, "level", NAMED(levels), 1, 0, &level) || api_type(g, t, n, level, &type) ||
	    opt_hash(g, t, n, "item", 0, &item) ||
	    ap_gen__opt_num(g, t, n, "tid", g->prof->tid ? g->prof->tid : g->tid, &tid) ||
	    ap_gen__opt_num(g, t, n, "req", 0, &req) || ap_gen__opt_num(g, t, n, "event", 0, &ev))
		return -1;
	struct ap_gen_buf *b = ap_gen__prof_host_buf(g->prof, "api_event", "data", AP_GEN_API_SIZE);
	if (ev) {
		ap_gen__enc_api(b, (unsigned)level, (uint32_t)type, (uint32_t)tid, (uint32_t)req, s, UINT64_MAX, item);
		ap_gen__enc_api(b, (unsigned)level, (uint32_t)type, (uint32_t)tid, (uint32_t)req, e, UINT64_MAX, item);
	} else {
		ap_gen__enc_api(b, (unsigned)level, (uint32_t)type, (uint32_t)tid, (uint32_t)req, s, e, item);
	}
	return ap_gen__check_used(g, t, n);
}

static int do_node_info(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid, op, optype, task, block, mix, flag, len;
	if (common(g, t, n, "node_info TIME op=S optype=S [task=T] [block=N] [mix=N] [flag=N] [tid=N]", &ts,
		   &tid) ||
	    opt_hash(g, t, n, "op", 1, &op) || opt_hash(g, t, n, "optype", 0, &optype) ||
	    ap_gen__prof_opt_ge_type(g, t, n, "task", 0, &task) || ap_gen__opt_num(g, t, n, "block", 1, &block) ||
	    ap_gen__opt_num(g, t, n, "mix", 0, &mix) || ap_gen__opt_num(g, t, n, "flag", 0, &flag) ||
	    ap_gen__opt_num(g, t, n, "len", 28, &len))
		return -1;
	ap_gen__prof_node_basic(g->prof, (uint32_t)tid, ts, op, (unsigned)task, optype,
				(uint32_t)((block & 0xFFFF) | mix << 16), (uint32_t)flag, (uint32_t)len);
	return ap_gen__check_used(g, t, n);
}

static int do_node_attr(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid, op, attr;
	if (common(g, t, n, "node_attr TIME op=S attr=S [tid=N]", &ts, &tid) || opt_hash(g, t, n, "op", 1, &op) ||
	    opt_hash(g, t, n, "attr", 1, &attr))
		return -1;
	struct ap_gen_buf *b = ap_gen__prof_kind(g->prof, "compact", "node_attr_info", LV_NODE, 9);
	unsigned char *q = ap_gen__enc_compact(b, LV_NODE, 9, (uint32_t)tid, 20, ts);
	st_le(q, op, 8);
	st_le(q + 12, attr, 8);
	return ap_gen__check_used(g, t, n);
}

static int do_task_track(struct ap_gen *g, struct ap_gen_tok *t, int n, int v2)
{
	uint64_t ts, tid, stream, task, flip, type, kernel, len, blocks, ratio;
	int dev;
	if (common(g, t, n, "task_track TIME stream=N task=N type=T [flip=N] [kernel=S] [len=16|24|40] ...", &ts,
		   &tid) ||
	    ap_gen__req_num(g, t, n, "stream", &stream) || ap_gen__req_num(g, t, n, "task", &task) ||
	    ap_gen__opt_num(g, t, n, "flip", 0, &flip) || ap_gen__prof_opt_ts_type(g, t, n, "type", UINT64_MAX, &type) ||
	    opt_hash(g, t, n, "kernel", 0, &kernel) || ap_gen__opt_num(g, t, n, "len", 40, &len) ||
	    ap_gen__opt_num(g, t, n, "blocks", 0, &blocks) || ap_gen__opt_num(g, t, n, "ratio", 0, &ratio) ||
	    ap_gen__prof_opt_dev(g, t, n, &dev))
		return -1;
	struct ap_gen_prof *p = g->prof;
	ap_gen__prof_reg_ts(p, type);
	unsigned id = (unsigned)p->devs[dev].id;
	if (!v2) {
		if (len != 16 && len != 24 && len != 40)
			ap_gen__warn_at(g, "task_track: dataLen %llu is none of 16, 24, 40", (unsigned long long)len);
		struct ap_gen_buf *b = ap_gen__prof_kind(p, "compact", "task_track", LV_RUNTIME, 802);
		ap_gen__enc_task_track(b, (uint32_t)tid, ts, id, (uint32_t)stream, (uint32_t)(task | flip << 16), type,
				       kernel, (unsigned)len, (unsigned)blocks, (unsigned)ratio);
	} else {
		/* §2.4.3 task_track_v2: deviceId u16 @0, streamId u32 @4, taskId u32 @8, taskType u32 @12, kernelName
		 * u64 @16, extInfo @24 */
		struct ap_gen_buf *b = ap_gen__prof_kind(p, "compact", "task_track_v2", LV_RUNTIME, 808);
		unsigned char *q = ap_gen__enc_compact(b, LV_RUNTIME, 808, (uint32_t)tid, 40, ts);
		st_le(q, id, 2);
		st_le(q + 4, stream, 4);
		st_le(q + 8, task | flip << 16, 4);
		st_le(q + 12, type, 4);
		st_le(q + 16, kernel, 8);
		st_le(q + 24, blocks, 2);
	}
	return ap_gen__check_used(g, t, n);
}

static int do_hccl_op_info(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid, relay, retry, dt, alg, count, group;
	if (common(g, t, n, "hccl_op_info TIME [relay=0|1] [retry=0|1] [dtype=N] [alg=S] [count=N] [group=S]", &ts,
		   &tid) ||
	    ap_gen__opt_num(g, t, n, "relay", 0, &relay) || ap_gen__opt_num(g, t, n, "retry", 0, &retry) ||
	    ap_gen__opt_num(g, t, n, "dtype", 11, &dt) || opt_hash(g, t, n, "alg", 0, &alg) ||
	    ap_gen__opt_num(g, t, n, "count", 0, &count) || opt_hash(g, t, n, "group", 0, &group))
		return -1;
	ap_gen__prof_hccl_op(g->prof, (uint32_t)tid, ts, (unsigned)((relay & 1) | (retry & 1) << 1), (unsigned)dt,
			     alg, count, group);
	return ap_gen__check_used(g, t, n);
}

static int do_memcpy_info(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid, size, max, dir;
	if (common(g, t, n, "memcpy_info TIME size=N [max=N] [dir=N]", &ts, &tid) ||
	    ap_gen__req_num(g, t, n, "size", &size) || ap_gen__opt_num(g, t, n, "max", size, &max) ||
	    ap_gen__opt_num(g, t, n, "dir", 1, &dir))
		return -1;
	ap_gen__prof_memcpy(g->prof, (uint32_t)tid, ts, size, max, (unsigned)dir);
	return ap_gen__check_used(g, t, n);
}

/* §2.4.5 expand_stream_spec (5000, 804): expandStatus u8 @0; dataLen 1. */
void ap_gen__prof_expand(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, unsigned status)
{
	struct ap_gen_buf *b = ap_gen__prof_kind(p, "compact", "expand_stream_spec", LV_RUNTIME, 804);
	unsigned char *q = ap_gen__enc_compact(b, LV_RUNTIME, 804, tid, 1, ts);
	q[0] = (unsigned char)status;
}

static int do_expand(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid, status;
	if (common(g, t, n, "expand_spec TIME [status=N]", &ts, &tid) ||
	    ap_gen__opt_num(g, t, n, "status", 1, &status))
		return -1;
	ap_gen__prof_expand(g->prof, (uint32_t)tid, ts, (unsigned)status);
	return ap_gen__check_used(g, t, n);
}

static int do_tensor_info(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid, op;
	unsigned char tens[44 * 64];
	struct ap_gen_tok *k;
	int nt = 0;
	if (common(g, t, n, "tensor_info TIME op=S tensors=SPEC [tid=N]", &ts, &tid) ||
	    opt_hash(g, t, n, "op", 1, &op))
		return -1;
	if ((k = ap_gen__opt(t, n, "tensors")) && (nt = ap_gen__prof_tensors(g, k->val, tens, 64)) < 0)
		return -1;
	ap_gen__prof_tensor_records(g->prof, (uint32_t)tid, ts, op, tens, nt);
	return ap_gen__check_used(g, t, n);
}

static int do_ctx_info(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	static const struct named lv[] = {{"node", LV_NODE}, {"hccl", LV_HCCL}};
	uint64_t ts, tid, op, level;
	uint32_t ids[55];
	struct ap_gen_tok *k;
	int nid = 0;
	if (common(g, t, n, "ctx_info TIME op=S ids=N,N... [level=node|hccl] [tid=N]", &ts, &tid) ||
	    opt_hash(g, t, n, "op", 1, &op) || opt_named(g, t, n, "level", NAMED(lv), 0, LV_NODE, &level))
		return -1;
	if ((k = ap_gen__opt(t, n, "ids")) && (nid = ap_gen__prof_ids(g, k->val, ids, 55)) < 0)
		return -1;
	ap_gen__prof_ctx_record(g->prof, (unsigned)level, (uint32_t)tid, ts, op, ids, nid);
	return ap_gen__check_used(g, t, n);
}

int ap_gen__prof_opt_hccl_info(struct ap_gen *g, struct ap_gen_tok *t, int n, struct ap_gen_hccl_info *h)
{
	uint64_t v[14];
	static const char *const keys[14] = {"local", "remote", "ranks", "plane", "ctx", "notify", "stage",
					     "role", "size", "op", "dtype", "link", "transport", "rdma"};
	const uint64_t defs[14] = {h->local, h->remote, h->ranks, h->plane, h->ctx, h->notify, h->stage,
				   h->role, h->size, h->op, h->dtype, h->link, h->transport, h->rdma};
	for (int i = 0; i < 14; i++)
		if (ap_gen__opt_num(g, t, n, keys[i], defs[i], &v[i]))
			return -1;
	h->local = (uint32_t)v[0];
	h->remote = (uint32_t)v[1];
	h->ranks = (uint32_t)v[2];
	h->plane = (uint32_t)v[3];
	h->ctx = (uint32_t)v[4];
	h->notify = v[5];
	h->stage = (uint32_t)v[6];
	h->role = (uint32_t)v[7];
	h->size = v[8];
	h->op = (uint32_t)v[9];
	h->dtype = (uint32_t)v[10];
	h->link = (uint32_t)v[11];
	h->transport = (uint32_t)v[12];
	h->rdma = (uint32_t)v[13];
	return 0;
}

void ap_gen__prof_hccl_defaults(struct ap_gen_hccl_info *h)
{
	memset(h, 0, sizeof(*h));
	h->remote = 1;
	h->ranks = 2;
	h->ctx = 0xFFFFFFFFu;
	h->dtype = 4; /* FP32 (ENUM_HCCL_DATA_TYPE) */
	h->link = 1;  /* HCCS */
	h->rdma = 65534;
}

static int do_hccl_info(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid;
	struct ap_gen_hccl_info h;
	ap_gen__prof_hccl_defaults(&h);
	if (common(g, t, n, "hccl_info TIME name=S [group=S] [tag=S] [local=N] [remote=N] ... [ctx=N]", &ts, &tid) ||
	    opt_hash(g, t, n, "name", 1, &h.item) || opt_hash(g, t, n, "group", 0, &h.group) ||
	    opt_hash(g, t, n, "tag", 0, &h.tag) || ap_gen__prof_opt_hccl_info(g, t, n, &h))
		return -1;
	ap_gen__prof_hccl_info(g->prof, (uint32_t)tid, ts, &h);
	return ap_gen__check_used(g, t, n);
}

/* §2.5.3 graph_id_map (15000, 0): modelName hash @0, graphId u32 @8, modelId u32 @12. */
static int do_graph_id_map(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid, model, graph, mid;
	if (common(g, t, n, "graph_id_map TIME model=S graph=N model_id=N", &ts, &tid) ||
	    opt_hash(g, t, n, "model", 1, &model) || ap_gen__req_num(g, t, n, "graph", &graph) ||
	    ap_gen__req_num(g, t, n, "model_id", &mid))
		return -1;
	struct ap_gen_buf *b = ap_gen__prof_kind(g->prof, "additional", "graph_id_map", LV_MODEL, 0);
	unsigned char *q = ap_gen__enc_additional(b, LV_MODEL, 0, (uint32_t)tid, 16, ts);
	st_le(q, model, 8);
	st_le(q + 8, graph, 4);
	st_le(q + 12, mid, 4);
	return ap_gen__check_used(g, t, n);
}

/* §2.5.3 fusion_op_info (10000, 2): opName @0, fusionOpNum u32 @8, input/output/weight/workspace/total memsize
 * u64 @12..@44, fusionOpId u64[8] @52. */
static int do_fusion(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, tid, op, mem[5];
	static const char *const keys[5] = {"in", "out", "weight", "ws", "total"};
	struct ap_gen_tok *k;
	if (common(g, t, n, "fusion_op_info TIME op=S ops=S,S... [in=N] [out=N] [weight=N] [ws=N] [total=N]", &ts,
		   &tid) ||
	    opt_hash(g, t, n, "op", 1, &op))
		return -1;
	for (int i = 0; i < 5; i++)
		if (ap_gen__opt_num(g, t, n, keys[i], 0, &mem[i]))
			return -1;
	struct ap_gen_buf *b = ap_gen__prof_kind(g->prof, "additional", "fusion_op_info", LV_NODE, 2);
	unsigned char *q = ap_gen__enc_additional(b, LV_NODE, 2, (uint32_t)tid, 116, ts);
	st_le(q, op, 8);
	for (int i = 0; i < 5; i++)
		st_le(q + 12 + 8 * i, mem[i], 8);
	int nf = 0;
	if ((k = ap_gen__opt(t, n, "ops"))) {
		char *s = k->val;
		while (*s && nf < 8) {
			char *e = strchr(s, ',');
			if (e)
				*e = '\0';
			st_le(q + 52 + 8 * nf++, ap_gen__prof_hash(g->prof, s), 8);
			s = e ? e + 1 : s + strlen(s);
		}
	}
	st_le(q + 8, (uint64_t)nf, 4);
	return ap_gen__check_used(g, t, n);
}

int ap_gen__prof_rec_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled)
{
	static const char *const kws[] = {"api", "node_info", "node_attr", "task_track", "task_track_v2",
					  "hccl_op_info", "memcpy_info", "expand_spec", "tensor_info", "ctx_info",
					  "hccl_info", "graph_id_map", "fusion_op_info"};
	int k = -1;
	for (int i = 0; i < (int)(sizeof(kws) / sizeof(kws[0])); i++)
		if (strcmp(kw, kws[i]) == 0)
			k = i;
	*handled = k >= 0;
	if (k < 0)
		return ap_gen__prof_dev_directive(g, kw, t, n, handled);
	if (!g->prof) {
		ap_gen__err_at(g, "%s: needs a 'prof NAME' line first", kw);
		return -1;
	}
	switch (k) {
	case 0: return do_api(g, t, n);
	case 1: return do_node_info(g, t, n);
	case 2: return do_node_attr(g, t, n);
	case 3: return do_task_track(g, t, n, 0);
	case 4: return do_task_track(g, t, n, 1);
	case 5: return do_hccl_op_info(g, t, n);
	case 6: return do_memcpy_info(g, t, n);
	case 7: return do_expand(g, t, n);
	case 8: return do_tensor_info(g, t, n);
	case 9: return do_ctx_info(g, t, n);
	case 10: return do_hccl_info(g, t, n);
	case 11: return do_graph_id_map(g, t, n);
	default: return do_fusion(g, t, n);
	}
}
