/*
 * gen_prof_chain.c — the launch-chain directives: each writes, from local times, what CANN records for one
 * host launch and its device execution, nested as the analysis expects (cann_prof_raw §2.8): kernel, memcpy,
 * event_record, event_wait, hccl (an HCCL big op) and hccl_task (its small tasks). Task ids are allocated per
 * (device, stream), wrap at 65536 and then write a FLIP_TASK task_track on the host and a ts_track flip on the
 * device (§3.5). See gen_main.c for the syntax.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_prof.h"

struct chain {
	int dev;
	uint64_t stream, tid, len;
	uint64_t hs, he, track; /* raw host */
	uint64_t ds, de;        /* raw device */
};

/* HS HE [DS DE] positional times and the common keys. */
static int chain_common(struct ap_gen *g, struct ap_gen_tok *t, int n, int devtimes, uint64_t def_stream,
			const char *usage, struct chain *c)
{
	struct ap_gen_prof *p = g->prof;
	struct ap_gen_tok *k;
	memset(c, 0, sizeof(*c));
	if (ap_gen__need_pos(g, t, n, devtimes ? 5 : 3, usage) || ap_gen__prof_opt_dev(g, t, n, &c->dev) ||
	    ap_gen__opt_num(g, t, n, "stream", def_stream, &c->stream) ||
	    ap_gen__opt_num(g, t, n, "tid", p->tid ? p->tid : g->tid, &c->tid) ||
	    ap_gen__opt_num(g, t, n, "len", 40, &c->len) ||
	    ap_gen__prof_host_tok(g, &t[1], &c->hs) || ap_gen__prof_host_end_tok(g, &t[1], &t[2], &c->he))
		return -1;
	if (devtimes && (ap_gen__prof_dev_tok(g, c->dev, &t[3], &c->ds) ||
			 ap_gen__prof_dev_end_tok(g, c->dev, &t[3], &t[4], &c->de)))
		return -1;
	c->track = c->hs + 1; /* the runtime reports at the enclosing API's entry + 1 tick (§2.4.3) */
	if ((k = ap_gen__opt(t, n, "track"))) { /* the value as a positional time token */
		struct ap_gen_tok v = {.val = k->val, .len = k->len};
		if (ap_gen__prof_host_tok(g, &v, &c->track))
			return -1;
	}
	if (!(c->hs < c->track && c->track <= c->he)) {
		ap_gen__err_at(g, "the task_track time must lie in (START, END] of the launch (§2.8)");
		return -1;
	}
	if (devtimes && c->de < c->ds) {
		ap_gen__err_at(g, "device end before device start");
		return -1;
	}
	if (c->len != 16 && c->len != 24 && c->len != 40) {
		ap_gen__err_at(g, "len: 16, 24 or 40");
		return -1;
	}
	return 0;
}

/* The next task id of the chain's stream (| flip << 16); at a wrap, the flip records of §3.5 first. */
static int alloc_task(struct ap_gen *g, const struct chain *c, uint32_t *task_flip)
{
	struct ap_gen_prof *p = g->prof;
	struct ap_gen_prof_stream *s = ap_gen__prof_stream(p, c->dev, (uint32_t)c->stream);
	if (!s) {
		ap_gen__err_at(g, "too many streams");
		return -1;
	}
	if (s->next_task > 0xFFFF) {
		s->next_task = 0;
		s->flip = (s->flip + 1) & 0xFFFF;
		if (c->track - 1 <= s->last_host || c->ds - 1 <= s->last_dev)
			ap_gen__warn_at(g, "stream %llu: no room for the flip between this task and the previous one",
					(unsigned long long)c->stream);
		ap_gen__prof_reg_ts(p, TT_FLIP);
		ap_gen__enc_task_track(ap_gen__prof_kind(p, "compact", "task_track", LV_RUNTIME, 802),
				       (uint32_t)c->tid, c->track - 1, (unsigned)p->devs[c->dev].id,
				       (uint32_t)c->stream, s->flip << 16, TT_FLIP, 0, (unsigned)c->len, 0, 0);
		ap_gen__enc_ts_flip(ap_gen__prof_dev_buf(p, c->dev, "ts_track.data", AP_GEN_TS_SIZE), c->ds - 1,
				    (unsigned)c->stream, s->flip, 0);
	}
	*task_flip = s->next_task++ | s->flip << 16;
	s->last_host = c->track;
	s->last_dev = c->ds;
	return 0;
}

/* The task_track of the chain (kernel: its name hash, blocks and mix ratio). */
static void track(struct ap_gen_prof *p, const struct chain *c, uint32_t task_flip, unsigned type, uint64_t kernel,
		  unsigned blocks, unsigned ratio)
{
	ap_gen__prof_reg_ts(p, type);
	ap_gen__enc_task_track(ap_gen__prof_kind(p, "compact", "task_track", LV_RUNTIME, 802), (uint32_t)c->tid,
			       c->track, (unsigned)p->devs[c->dev].id, (uint32_t)c->stream, task_flip, type, kernel,
			       (unsigned)c->len, blocks, ratio);
}

/* Device start/end: 910B ACSQ pair (+ one FFTS+ subtask pair per context id, inside it), 910A HWTS pair. */
static int dev_task(struct ap_gen *g, const struct chain *c, uint32_t task_flip, unsigned sqe, unsigned hwts_sqe,
		    unsigned subtype, const uint32_t *ctx, int nctx)
{
	struct ap_gen_prof *p = g->prof;
	struct ap_gen_prof_dev *d = &p->devs[c->dev];
	unsigned task = task_flip & 0xFFFF;
	if (p->chip == 1) {
		struct ap_gen_buf *b = ap_gen__prof_dev_buf(p, c->dev, "hwts.data", AP_GEN_HWTS_SIZE);
		ap_gen__enc_hwts(b, 0, d->seq++, hwts_sqe, (uint32_t)c->stream, task, c->ds);
		ap_gen__enc_hwts(b, 1, d->seq++, hwts_sqe, (uint32_t)c->stream, task, c->de);
		if (nctx)
			ap_gen__warn_at(g, "910A (HWTS) has no FFTS+ subtasks; context ids written on the host only");
		return 0;
	}
	uint16_t s, t;
	if (ap_gen__enc_ids(p->idmode, sqe, (uint32_t)c->stream, task, &s, &t)) {
		ap_gen__err_at(g, "stream %llu cannot be written in id mode %s", (unsigned long long)c->stream,
			       ap_gen__prof_id_modes[p->idmode]);
		return -1;
	}
	struct ap_gen_buf *b = ap_gen__prof_dev_buf(p, c->dev, "stars_soc.data", AP_GEN_STARS_SIZE);
	uint64_t in_s = c->de - c->ds >= 2 ? c->ds + 1 : c->ds, in_e = c->de - c->ds >= 2 ? c->de - 1 : c->de;
	ap_gen__enc_acsq(b, 0, d->seq++, sqe, s, t, c->ds);
	for (int i = 0; i < nctx; i++)
		ap_gen__enc_ffts(b, 34, d->seq++, sqe, s, t, in_s, subtype, ctx[i], 0);
	for (int i = 0; i < nctx; i++)
		ap_gen__enc_ffts(b, 35, d->seq++, sqe, s, t, in_e, subtype, ctx[i], 0);
	ap_gen__enc_acsq(b, 1, d->seq++, sqe, s, t, c->de);
	return 0;
}

/* KEY=S hashed into hash_dic, or KEY=#N written as id N (as the record directives do); def when absent.
 * A #N that is no number is hashed as text, with a warning. */
static uint64_t hash_opt(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, const char *def)
{
	struct ap_gen_tok *k = ap_gen__opt(t, n, key);
	if (k && !k->quoted && k->val[0] == '#') {
		char *end;
		unsigned long long id = strtoull(k->val + 1, &end, 0);
		if (k->len > 1 && *end == '\0')
			return id;
		ap_gen__warn_at(g, "%s=%s: no id after '#'; hashed as text", key, k->val);
	}
	return k ? ap_gen__prof_hash(g->prof, k->val) : def ? ap_gen__prof_hash(g->prof, def) : 0;
}

static void launch(struct ap_gen_prof *p, const struct chain *c, uint64_t op)
{
	ap_gen__prof_type(p, LV_NODE, 5, "launch");
	ap_gen__enc_api(ap_gen__prof_host_buf(p, "api_event", "data", AP_GEN_API_SIZE), LV_NODE, 5,
			(uint32_t)c->tid, 0, c->hs, c->he, op);
}

static int do_kernel(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	/* GE task type → runtime task type, SQE type, FFTS+ subtask type (§2.6.3, §2.7, §3.1.2, §3.1.4) */
	static const unsigned map[6][3] = {
		{TT_KERNEL_AICORE, SQE_AI_CORE, 0}, {TT_KERNEL_AICPU, SQE_AI_CPU, 12}, {TT_KERNEL_AIVEC, SQE_AIV, 1},
		{0, 0, 0}, {TT_KERNEL_MIX_AIC, SQE_AI_CORE, 6}, {TT_KERNEL_MIX_AIV, SQE_AIV, 7},
	};
	struct ap_gen_prof *p = g->prof;
	struct chain c;
	uint64_t task, block, mix, flag, info;
	uint32_t ctx[55], tf;
	unsigned char tens[44 * 64];
	int nctx = 0, nt = 0;
	struct ap_gen_tok *name = ap_gen__opt(t, n, "name"), *k;
	if (chain_common(g, t, n, 1, 2, "kernel HS HE DS DE name=S [type=S] [task=GE_TYPE] [key=value...]", &c) ||
	    ap_gen__prof_opt_ge_type(g, t, n, "task", 0, &task) || ap_gen__opt_num(g, t, n, "block", 1, &block) ||
	    ap_gen__opt_num(g, t, n, "mix", task == 4 || task == 5 ? 2 : 0, &mix) ||
	    ap_gen__opt_num(g, t, n, "flag", 0, &flag) ||
	    ap_gen__opt_num(g, t, n, "info", strcmp(p->level, "l0") != 0, &info))
		return -1;
	if (!name || task > 5 || task == 3) {
		ap_gen__err_at(g, "kernel: name= and task=AI_CORE|AI_CPU|AI_VECTOR_CORE|MIX_AIC|MIX_AIV needed");
		return -1;
	}
	if ((k = ap_gen__opt(t, n, "ctx")) && (nctx = ap_gen__prof_ids(g, k->val, ctx, 55)) < 0)
		return -1;
	if ((k = ap_gen__opt(t, n, "tensors")) && (nt = ap_gen__prof_tensors(g, k->val, tens, 64)) < 0)
		return -1;
	uint64_t op = ap_gen__prof_hash(p, name->val);
	uint64_t optype = hash_opt(g, t, n, "type", name->val);
	uint64_t kname = hash_opt(g, t, n, "kernel", name->val);
	if (alloc_task(g, &c, &tf))
		return -1;
	launch(p, &c, op);
	if (info) { /* GE reports the op's description before its launch returns: at END, inside (START, END] */
		ap_gen__prof_node_basic(p, (uint32_t)c.tid, c.he, op, (unsigned)task, optype,
					(uint32_t)((block & 0xFFFF) | mix << 16), (uint32_t)flag, 28);
		if (nt)
			ap_gen__prof_tensor_records(p, (uint32_t)c.tid, c.he, op, tens, nt);
		if (nctx)
			ap_gen__prof_ctx_record(p, LV_NODE, (uint32_t)c.tid, c.he, op, ctx, nctx);
	}
	track(p, &c, tf, map[task][0], kname, (unsigned)block, (unsigned)mix);
	/* a MIX kernel without context_id_info still runs as FFTS+ context 0 on 910B (§3.1.4) */
	if (!nctx && (task == 4 || task == 5))
		ctx[nctx++] = 0;
	if (dev_task(g, &c, tf, map[task][1], map[task][1], map[task][2], ctx, nctx))
		return -1;
	return ap_gen__check_used(g, t, n);
}

/* memcpy / event_record / event_wait: an AscendCL API around a runtime task. */
static int do_rts(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n)
{
	struct ap_gen_prof *p = g->prof;
	struct chain c;
	uint64_t size = 0, dir = 0;
	uint32_t tf;
	int mc = kw[0] == 'm', rec = strcmp(kw, "event_record") == 0;
	const char *def_api = mc ? "aclrtMemcpyAsync" : rec ? "aclrtRecordEvent" : "aclrtStreamWaitEvent";
	struct ap_gen_tok *api = ap_gen__opt(t, n, "api");
	if (chain_common(g, t, n, 1, 2, "memcpy|event_record|event_wait HS HE DS DE [api=NAME] [key=value...]", &c) ||
	    (mc && (ap_gen__opt_num(g, t, n, "size", 65536, &size) || ap_gen__opt_num(g, t, n, "dir", 2, &dir))) ||
	    alloc_task(g, &c, &tf))
		return -1;
	uint32_t type = ap_gen__prof_acl_type(p, api ? api->val : def_api);
	ap_gen__enc_api(ap_gen__prof_host_buf(p, "api_event", "data", AP_GEN_API_SIZE), LV_ACL, type,
			(uint32_t)c.tid, 0, c.hs, c.he, 0);
	unsigned tt = mc ? TT_MEMCPY_ASYNC : rec ? TT_EVENT_RECORD : TT_EVENT_WAIT;
	track(p, &c, tf, tt, 0, 0, 0);
	if (mc)
		ap_gen__prof_memcpy(p, (uint32_t)c.tid, c.track, size, size, (unsigned)dir);
	unsigned sqe = mc ? SQE_SDMA : rec ? SQE_EVENT_RECORD : SQE_EVENT_WAIT;
	if (dev_task(g, &c, tf, sqe, mc ? HWTS_SQE_SDMA : sqe, 0, NULL, 0))
		return -1;
	return ap_gen__check_used(g, t, n);
}

static int do_hccl(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	struct ap_gen_prof *p = g->prof;
	struct chain c;
	uint64_t count, dt, relay, retry, info;
	struct ap_gen_tok *name = ap_gen__opt(t, n, "name");
	if (chain_common(g, t, n, 0, 5, "hccl HS HE name=S [type=S] [stream=N] [group=S] [count=N] ...", &c) ||
	    ap_gen__opt_num(g, t, n, "count", 32768, &count) || ap_gen__opt_num(g, t, n, "dtype", 11, &dt) ||
	    ap_gen__opt_num(g, t, n, "relay", 0, &relay) || ap_gen__opt_num(g, t, n, "retry", 0, &retry) ||
	    ap_gen__opt_num(g, t, n, "info", strcmp(p->level, "l0") != 0, &info))
		return -1;
	if (!name) {
		ap_gen__err_at(g, "hccl: missing name=");
		return -1;
	}
	uint64_t op = ap_gen__prof_hash(p, name->val);
	uint64_t optype = hash_opt(g, t, n, "type", "hcom_allReduce_");
	uint64_t group = hash_opt(g, t, n, "group", "10.0.0.11%enp189s0f0_60000_0_1764151199870123");
	uint64_t alg = hash_opt(g, t, n, "alg", "MESH-RING-NA-NA");
	launch(p, &c, op);
	if (info) /* HCCL reports node_basic_info only with task-time L1 (Level1/2), hccl_op_info at every level */
		ap_gen__prof_node_basic(p, (uint32_t)c.tid, c.he, op, 9 /* COMMUNICATION */, optype, 0, 0, 28);
	ap_gen__prof_hccl_op(p, (uint32_t)c.tid, c.he, (unsigned)((relay & 1) | (retry & 1) << 1), (unsigned)dt, alg,
			     count, group);
	p->hccl_open = 1;
	p->hccl_start = c.hs;
	p->hccl_end = c.he;
	p->hccl_tid = c.tid;
	p->hccl_dev = c.dev;
	p->hccl_stream = (uint32_t)c.stream;
	p->hccl_op = group;
	return ap_gen__check_used(g, t, n);
}

static int do_hccl_task(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	/* rdma_send: the RDMA doorbell, a runtime RDMA_SEND task written to the device as a write-value SQE */
	static const char *const kinds[] = {"memcpy", "notify_wait", "notify_record", "rdma_send"};
	static const char *const names[] = {"Memcpy", "Notify_Wait", "Notify_Record", "RDMASend"};
	static const unsigned tts[] = {TT_MEMCPY_ASYNC, TT_NOTIFY_WAIT, TT_NOTIFY_RECORD, TT_RDMA_SEND};
	static const unsigned sqes[] = {SQE_SDMA, SQE_NOTIFY_WAIT, SQE_NOTIFY_RECORD, SQE_WRITE_VALUE};
	static const unsigned subs[] = {8, 3, 4, 5};
	struct ap_gen_prof *p = g->prof;
	struct chain c;
	uint64_t kind, slave, ctx, nodev;
	uint32_t tf;
	struct ap_gen_hccl_info h;
	if (!p->hccl_open) {
		ap_gen__err_at(g, "hccl_task: needs an hccl line first");
		return -1;
	}
	ap_gen__prof_hccl_defaults(&h);
	h.size = 32768;
	h.transport = 0; /* SDMA, unless transport= says otherwise */
	if (chain_common(g, t, n, 1, p->hccl_stream,
			 "hccl_task HS HE DS DE kind=K [name=S] [slave=1] [ctx=N] [nodev=1] ...", &c) ||
	    ap_gen__opt_enum(g, t, n, "kind", kinds, 4, 1, 0, &kind) || ap_gen__opt_num(g, t, n, "slave", 0, &slave) ||
	    ap_gen__opt_num(g, t, n, "ctx", UINT32_MAX, &ctx) || ap_gen__opt_num(g, t, n, "nodev", 0, &nodev) ||
	    ap_gen__prof_opt_hccl_info(g, t, n, &h))
		return -1;
	if (kind > 3) {
		ap_gen__err_at(g, "hccl_task: kind=memcpy|notify_wait|notify_record|rdma_send");
		return -1;
	}
	if (c.hs < p->hccl_start || c.he > p->hccl_end || c.tid != p->hccl_tid)
		ap_gen__warn_at(g, "hccl_task: not inside its hccl op's launch on the same thread (§2.8)");
	if (kind == 1 || kind == 2)
		h.size = 0;
	h.item = hash_opt(g, t, n, "name", names[kind]);
	h.group = p->hccl_op;
	h.ctx = (uint32_t)ctx;
	if (alloc_task(g, &c, &tf))
		return -1;
	uint32_t type = slave ? 0x10002 : 0x10001;
	ap_gen__prof_type(p, LV_HCCL, type, slave ? "slave" : "master");
	ap_gen__enc_api(ap_gen__prof_host_buf(p, "api_event", "data", AP_GEN_API_SIZE), LV_HCCL, type,
			(uint32_t)c.tid, 0, c.hs, c.he, h.item);
	ap_gen__prof_hccl_info(p, (uint32_t)c.tid, c.track, &h);
	uint32_t ids[2] = {(uint32_t)ctx, (uint32_t)ctx};
	if (ctx != UINT32_MAX) /* §2.5.2: at HCCL level two ids = an inclusive range */
		ap_gen__prof_ctx_record(p, LV_HCCL, (uint32_t)c.tid, c.track, h.item, ids, 2);
	track(p, &c, tf, tts[kind], 0, 0, 0);
	if (!nodev && dev_task(g, &c, tf, sqes[kind], kind == 0 ? HWTS_SQE_SDMA : sqes[kind], subs[kind], ids,
			       ctx != UINT32_MAX))
		return -1;
	return ap_gen__check_used(g, t, n);
}

int ap_gen__prof_chain_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled)
{
	static const char *const kws[] = {"kernel", "memcpy", "event_record", "event_wait", "hccl", "hccl_task"};
	int k = -1;
	for (int i = 0; i < 6; i++)
		if (strcmp(kw, kws[i]) == 0)
			k = i;
	*handled = k >= 0;
	if (k < 0)
		return 0;
	if (!g->prof) {
		ap_gen__err_at(g, "%s: needs a 'prof NAME' line first", kw);
		return -1;
	}
	if (k == 0)
		return do_kernel(g, t, n);
	if (k == 4)
		return do_hccl(g, t, n);
	if (k == 5)
		return do_hccl_task(g, t, n);
	return do_rts(g, kw, t, n);
}
