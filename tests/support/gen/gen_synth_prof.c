/*
 * gen_synth_prof.c — ap-gen --synth-prof BYTES OUTDIR [RANK]: the --synth dump (FRAMEWORK, see gen_synth.c) plus
 * a PROF_* directory of about the rest of BYTES, on the same clock: every task the synthetic task queue dequeues
 * launches what CANN records for it (see --synth-prof in gen_main.c). Records are encoded straight into 8 MiB
 * buffers per stream (cached once, no lookups per record) and written as 64 MiB slices. Deterministic per rank.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_prof.h"

/* GE task types (§2.7) used below, and their runtime (§2.6.3) / SQE (§3.1.2) / FFTS+ subtask (§3.1.4) types */
enum { GE_AIC = 0, GE_AICPU = 1, GE_AIV = 2, GE_MIX_AIC = 4 };

struct kdesc {
	const char *op, *type;
	int ge, block, ntens;
	const char *tensors;
};

/* Kernels of each launching op of ap_gen__synth_layer (by torch op name): aclnn op, then its kernels. */
struct odesc {
	const char *torch, *api;
	struct kdesc k[3];
	int nk, memcpy;
};

static const struct odesc OPS[] = {
	{"npu::npu_rms_norm", "aclnnRmsNorm",
	 {{"aclnnRmsNorm_RmsNorm_RmsNorm", "RmsNorm", GE_AIV, 8, 4,
	   "in:ND:DT_BF16:8,4096;in:ND:DT_BF16:4096;out:ND:DT_BF16:8,4096;out:ND:FLOAT:8,1"},
	  {"aclnnRmsNorm_Cast_Cast", "Cast", GE_AIV, 4, 2, "in:ND:FLOAT:8,1;out:ND:DT_BF16:8,1"}},
	 2, 0},
	{"aten::mm", "aclnnMm",
	 {{"aclnnMm_TransData_TransData", "TransData", GE_AIC, 20, 2,
	   "in:ND:DT_BF16:4096,6144;out:FRACTAL_NZ:DT_BF16:384,256,16,16"},
	  {"aclnnMm_MatMulCommon_MatMulV2", "MatMulV2", GE_AIC, 20, 3,
	   "in:ND:DT_BF16:8,4096;in:FRACTAL_NZ:DT_BF16:384,256,16,16;out:ND:DT_BF16:8,6144"}},
	 2, 0},
	{"npu::npu_fused_infer_attention_score", "aclnnFusedInferAttentionScore",
	 {{"aclnnFusedInferAttentionScore_FusedInferAttentionScore_FusedInferAttentionScore",
	   "FusedInferAttentionScore", GE_MIX_AIC, 24, 7,
	   "in:ND:DT_BF16:8,1,4096;in:ND:DT_BF16:1024,128,512;in:ND:DT_BF16:1024,128,512;in:ND:INT64:8;"
	   "in:ND:INT32:8,64;in:ND:INT64:8;out:ND:DT_BF16:8,1,4096"},
	  {"aclnnScatterPaKvCache_ScatterPaKvCache_ScatterPaKvCache", "ScatterPaKvCache", GE_AIV, 8, 3,
	   "in:ND:DT_BF16:8,512;in:ND:INT32:8;out:ND:DT_BF16:1024,128,512"}},
	 2, 0},
	{"aten::add_", "aclnnInplaceAdd",
	 {{"aclnnInplaceAdd_AddAiCore_Add", "Add", GE_AIV, 8, 3,
	   "in:ND:DT_BF16:8,4096;in:ND:DT_BF16:8,4096;out:ND:DT_BF16:8,4096"}},
	 1, 0},
	{"aten::copy_", "aclnnInplaceCopy",
	 {{"aclnnInplaceCopy_ViewCopy_ViewCopy", "ViewCopy", GE_AICPU, 1, 3, "in:ND:INT64:8;in:ND:INT64:8;out:ND:INT64:8"}},
	 1, 1},
	{"aten::silu", "aclnnSilu",
	 {{"aclnnSilu_Swish_Swish", "Swish", GE_AIV, 8, 2, "in:ND:DT_BF16:8,11008;out:ND:DT_BF16:8,11008"}},
	 1, 0},
	{"aten::mul", "aclnnMul",
	 {{"aclnnMul_Mul_Mul", "Mul", GE_AIV, 8, 3, "in:ND:DT_BF16:8,11008;in:ND:DT_BF16:8,11008;out:ND:DT_BF16:8,11008"},
	  {"aclnnMul_Cast_Cast", "Cast", GE_AIV, 4, 2, "in:ND:DT_BF16:8,11008;out:ND:FLOAT:8,11008"}},
	 2, 0},
};
enum { NOPS = sizeof(OPS) / sizeof(OPS[0]) };

struct kprep {
	uint64_t op, type, kname;
	unsigned char tens[44 * 8];
};

enum { B_API, B_NODE, B_TRACK, B_MEMCPY, B_HCCLOP, B_TENS, B_CTX, B_HCCLINFO, B_STARS, B_TS, B_N };

struct sp {
	struct ap_gen_prof *p;
	char dumpdir[4096];
	struct ap_gen_buf *b[B_N];
	uint64_t bytes, flushed, rng;
	int map[AP_GEN_LAYER_OPS]; /* layer op → OPS index, -1 */
	struct kprep k[NOPS][3];
	uint32_t api_ws[NOPS], api_exec[NOPS], memcpy_api, hccl_api;
	uint64_t hcom_name[8], hcom_type, group, alg, small[3];
	int64_t host_local0, dev_local0; /* local ns of the host / device counter references */
	int64_t dev_free[2];             /* device local ns when streams 2 and 5 are free */
	uint32_t tid;
	uint64_t nadd, nhccl;
	int err;
};

static uint64_t rnd(struct sp *s, uint64_t range)
{
	s->rng = s->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (s->rng >> 33) % range;
}

/* host counter ticks → local ns (100 MHz counter from the host reference) */
static int64_t local_of(const struct sp *s, uint64_t ticks)
{
	return s->host_local0 + ((int64_t)ticks - s->p->host_cnt) * 10;
}

/* a device start at or after local ns t on a free stream: syscnt (50 MHz) and its local ns */
static uint64_t dev_at(struct sp *s, int st, int64_t t, int64_t *local)
{
	if (t < s->dev_free[st])
		t = s->dev_free[st];
	int64_t k = (t - s->dev_local0 + 19) / 20;
	*local = s->dev_local0 + 20 * k;
	return (uint64_t)(s->p->devs[0].dev_cnt + k);
}

static void flush_maybe(struct sp *s)
{
	if (s->bytes - s->flushed < (32u << 20))
		return;
	if (!s->err && ap_gen__prof_flush(s->p, s->dumpdir, 0))
		s->err = 1;
	s->flushed = s->bytes;
}

/* The next task id of (device 0, stream), writing the §3.5 flip records at a wrap (host at ts - 1, device at
 * sys - 1). */
static uint32_t task_of(struct sp *s, uint32_t stream, uint64_t ts, uint64_t sys)
{
	struct ap_gen_prof_stream *st = ap_gen__prof_stream(s->p, 0, stream);
	if (st->next_task > 0xFFFF) {
		st->next_task = 0;
		st->flip = (st->flip + 1) & 0xFFFF;
		ap_gen__enc_task_track(s->b[B_TRACK], s->tid, ts - 1, (unsigned)s->p->devs[0].id, stream, st->flip << 16,
				       TT_FLIP, 0, 40, 0, 0);
		ap_gen__enc_ts_flip(s->b[B_TS], sys - 1, stream, st->flip, 0);
		s->bytes += AP_GEN_COMPACT_SIZE + AP_GEN_TS_SIZE;
	}
	return st->next_task++ | st->flip << 16;
}

static void acsq_pair(struct sp *s, unsigned sqe, uint32_t stream, uint32_t tf, uint64_t s0, uint64_t s1)
{
	struct ap_gen_prof_dev *d = &s->p->devs[0];
	ap_gen__enc_acsq(s->b[B_STARS], 0, d->seq++, sqe, (uint16_t)stream, (uint16_t)tf, s0);
	ap_gen__enc_acsq(s->b[B_STARS], 1, d->seq++, sqe, (uint16_t)stream, (uint16_t)tf, s1);
	s->bytes += 2 * AP_GEN_STARS_SIZE;
}

/* One kernel launched over host ticks [a, b] (b >= a + 2). */
static void kernel(struct sp *s, const struct kdesc *kd, const struct kprep *kp, uint64_t a, uint64_t b)
{
	static const unsigned tt[5] = {TT_KERNEL_AICORE, TT_KERNEL_AICPU, TT_KERNEL_AIVEC, 0, TT_KERNEL_MIX_AIC};
	static const unsigned sqe[5] = {SQE_AI_CORE, SQE_AI_CPU, SQE_AIV, 0, SQE_AI_CORE};
	int64_t ls, le;
	/* the synthetic host runs a task every few hundred ns: short kernels keep the device in step with it */
	uint64_t s0 = dev_at(s, 0, local_of(s, b) + 400 + (int64_t)rnd(s, 400), &ls);
	uint64_t dur = 3 + rnd(s, kd->ge == GE_MIX_AIC ? 20 : 8); /* syscnt ticks of 20 ns */
	uint64_t s1 = s0 + dur;
	le = ls + 20 * (int64_t)dur;
	s->dev_free[0] = le + 40;
	uint32_t tf = task_of(s, 2, a + 1, s0);
	ap_gen__enc_api(s->b[B_API], LV_NODE, 5, s->tid, 0, a, b, kp->op);
	unsigned char *q = ap_gen__enc_compact(s->b[B_NODE], LV_NODE, 0, s->tid, 28, b);
	st_le(q, kp->op, 8);
	st_le(q + 8, (uint64_t)kd->ge, 4);
	st_le(q + 12, kp->type, 8);
	st_le(q + 20, (uint64_t)kd->block | (kd->ge == GE_MIX_AIC ? 2u << 16 : 0), 4);
	for (int i = 0; i < kd->ntens; i += 5) {
		int n = kd->ntens - i < 5 ? kd->ntens - i : 5;
		q = ap_gen__enc_additional(s->b[B_TENS], LV_NODE, 1, s->tid, 232, b);
		st_le(q, kp->op, 8);
		st_le(q + 8, (uint64_t)n, 4);
		memcpy(q + 12, kp->tens + 44 * i, 44 * (size_t)n);
		s->bytes += AP_GEN_ADD_SIZE;
	}
	ap_gen__enc_task_track(s->b[B_TRACK], s->tid, a + 1, (unsigned)s->p->devs[0].id, 2, tf, tt[kd->ge], kp->kname,
			       40, (unsigned)kd->block, kd->ge == GE_MIX_AIC ? 2 : 0);
	s->bytes += AP_GEN_API_SIZE + 2 * AP_GEN_COMPACT_SIZE;
	struct ap_gen_prof_dev *d = &s->p->devs[0];
	ap_gen__enc_acsq(s->b[B_STARS], 0, d->seq++, sqe[kd->ge], 2, (uint16_t)tf, s0);
	if (kd->ge == GE_MIX_AIC) { /* context_id_info [0] and the FFTS+ subtask pair of context 0 (§3.1.4) */
		q = ap_gen__enc_additional(s->b[B_CTX], LV_NODE, 4, s->tid, 232, b);
		st_le(q, kp->op, 8);
		st_le(q + 8, 1, 4);
		ap_gen__enc_ffts(s->b[B_STARS], 34, d->seq++, SQE_AI_CORE, 2, (uint16_t)tf, s0 + 1, 6, 0, 0);
		ap_gen__enc_ffts(s->b[B_STARS], 35, d->seq++, SQE_AI_CORE, 2, (uint16_t)tf, s1 - 1, 6, 0, 0);
		s->bytes += AP_GEN_ADD_SIZE + 2 * AP_GEN_STARS_SIZE;
	}
	ap_gen__enc_acsq(s->b[B_STARS], 1, d->seq++, sqe[kd->ge], 2, (uint16_t)tf, s1);
	s->bytes += 2 * AP_GEN_STARS_SIZE;
	if (rnd(s, 512) == 0) { /* now and then a record of another func type (QoS, ACC PMU, low power) */
		static const unsigned other[3] = {24, 26, 29};
		ap_gen__enc_stars_other(s->b[B_STARS], other[rnd(s, 3)], d->seq++, s1);
		s->bytes += AP_GEN_STARS_SIZE;
	}
}

/* An allreduce over [a, b]: Node launch + node_basic_info + hccl_op_info, 6 HCCL master events with hccl_info
 * and their tasks on stream 5. */
static void hcom(struct sp *s, uint64_t a, uint64_t b)
{
	static const unsigned kinds[6] = {0, 2, 1, 0, 2, 1}; /* Memcpy, Notify_Record, Notify_Wait */
	static const unsigned tts[3] = {TT_MEMCPY_ASYNC, TT_NOTIFY_WAIT, TT_NOTIFY_RECORD};
	static const unsigned sqes[3] = {SQE_SDMA, SQE_NOTIFY_WAIT, SQE_NOTIFY_RECORD};
	uint64_t op = s->hcom_name[s->nhccl++ % 8];
	ap_gen__enc_api(s->b[B_API], LV_NODE, 5, s->tid, 0, a, b, op);
	unsigned char *q = ap_gen__enc_compact(s->b[B_NODE], LV_NODE, 0, s->tid, 28, b);
	st_le(q, op, 8);
	st_le(q + 8, 9, 4);
	st_le(q + 12, s->hcom_type, 8);
	q = ap_gen__enc_compact(s->b[B_HCCLOP], LV_NODE, 10, s->tid, 26, b);
	q[1] = 11;
	st_le(q + 2, s->alg, 8);
	st_le(q + 10, 32768, 8);
	st_le(q + 18, s->group, 8);
	s->bytes += AP_GEN_API_SIZE + 2 * AP_GEN_COMPACT_SIZE;
	int64_t t = s->dev_free[0] > s->dev_free[1] ? s->dev_free[0] : s->dev_free[1];
	for (int i = 0; i < 6; i++) {
		uint64_t e0 = a + 1 + 2 * (uint64_t)i, e1 = e0 + 1;
		unsigned k = kinds[i];
		int64_t ls;
		uint64_t s0 = dev_at(s, 1, t, &ls), dur = k == 0 ? 10 + rnd(s, 10) : k == 1 ? 3 + rnd(s, 10) : 2;
		s->dev_free[1] = ls + 20 * (int64_t)dur + 40;
		t = s->dev_free[1];
		uint32_t tf = task_of(s, 5, e1, s0);
		ap_gen__enc_api(s->b[B_API], LV_HCCL, 0x10001, s->tid, 0, e0, e1, s->small[k]);
		struct ap_gen_hccl_info h;
		ap_gen__prof_hccl_defaults(&h);
		h.item = s->small[k];
		h.group = s->group;
		h.size = k == 0 ? 32768 : 0;
		h.notify = k ? 200 + (uint64_t)i : 0;
		ap_gen__prof_hccl_info(s->p, s->tid, e1, &h);
		ap_gen__enc_task_track(s->b[B_TRACK], s->tid, e1, (unsigned)s->p->devs[0].id, 5, tf, tts[k], 0, 40, 0, 0);
		acsq_pair(s, sqes[k], 5, tf, s0, s0 + dur);
		s->bytes += AP_GEN_API_SIZE + AP_GEN_ADD_SIZE + AP_GEN_COMPACT_SIZE;
	}
	s->dev_free[0] = s->dev_free[1]; /* the compute stream waits for the allreduce */
}

/* The hook: a task of layer op `op` dequeued over host ticks [deq, end]. */
static void on_task(void *ctx, int op, uint64_t deq, uint64_t end)
{
	struct sp *s = ctx;
	int o = s->map[op];
	if (o < 0 || end < deq + 16)
		return;
	const struct odesc *od = &OPS[o];
	if (o == 3 && end >= deq + 18 && ++s->nadd % 4 == 0) { /* every 4th residual add: an allreduce instead */
		ap_gen__enc_api(s->b[B_API], LV_ACL, s->hccl_api, s->tid, 0, deq + 1, end - 1, 0);
		s->bytes += AP_GEN_API_SIZE;
		hcom(s, deq + 3, end - 2);
		flush_maybe(s);
		return;
	}
	uint64_t slot = (end - deq - 5) / (uint64_t)(od->nk + od->memcpy);
	/* aclnnXxxGetWorkspaceSize, then aclnnXxx around the kernels (AscendCL level; an aclrtMemcpyAsync follows
	 * it, not inside: §2.8 drops an AscendCL event overlapping the previous one of its thread) */
	ap_gen__enc_api(s->b[B_API], LV_ACL, s->api_ws[o], s->tid, 0, deq + 1, deq + 2, 0);
	ap_gen__enc_api(s->b[B_API], LV_ACL, s->api_exec[o], s->tid, 0, deq + 3,
			od->memcpy ? deq + 3 + slot * (uint64_t)od->nk : end - 1, 0);
	s->bytes += 2 * AP_GEN_API_SIZE;
	for (int i = 0; i < od->nk; i++) {
		uint64_t a = deq + 4 + slot * (uint64_t)i;
		kernel(s, &od->k[i], &s->k[o][i], a, a + (slot > 3 ? slot - 1 : 2));
	}
	if (od->memcpy) { /* aclrtMemcpyAsync device to host after the copy kernel: MEMCPY_ASYNC + memcpy_info */
		uint64_t a = deq + 4 + slot * (uint64_t)od->nk, b = end - 1;
		int64_t ls;
		uint64_t s0 = dev_at(s, 0, local_of(s, b) + 400, &ls), dur = 5 + rnd(s, 5);
		s->dev_free[0] = ls + 20 * (int64_t)dur + 40;
		uint32_t tf = task_of(s, 2, a + 1, s0);
		ap_gen__enc_api(s->b[B_API], LV_ACL, s->memcpy_api, s->tid, 0, a, b, 0);
		ap_gen__enc_task_track(s->b[B_TRACK], s->tid, a + 1, (unsigned)s->p->devs[0].id, 2, tf, TT_MEMCPY_ASYNC,
				       0, 40, 0, 0);
		unsigned char *q = ap_gen__enc_compact(s->b[B_MEMCPY], LV_RUNTIME, 801, s->tid, 18, a + 1);
		st_le(q, 64, 8);
		st_le(q + 8, 64, 8);
		st_le(q + 16, 2, 2);
		acsq_pair(s, SQE_SDMA, 2, tf, s0, s0 + dur);
		s->bytes += AP_GEN_API_SIZE + 2 * AP_GEN_COMPACT_SIZE;
	}
	flush_maybe(s);
}

static void setup(struct sp *s, unsigned rank)
{
	struct ap_gen_prof *p = s->p;
	const int64_t diff = 1764151200000000000 - ap_gen__synth_start_mono;
	char name[128];
	snprintf(name, sizeof(name), "PROF_000001_20251126100000001_%06uKQRBDAMC", 10000 + 100 * rank);
	ap_gen__prof_defaults(p, name, 10000 + 100 * rank);
	p->host_cnt = ap_gen__synth_start_cnt;
	p->host_mono = ap_gen__synth_start_mono;
	p->begin_us = (p->host_mono + diff) / 1000;
	p->begin_mono = p->begin_us * 1000 - diff;
	p->slice = 64u << 20;
	ap_gen__prof_dev(p, (int)(rank % 8));
	s->host_local0 = p->host_mono + diff;
	s->dev_local0 = p->devs[0].host_mono + (p->devs[0].begin_us * 1000 - p->devs[0].begin_mono);
	s->tid = 10000 + 100 * rank + 12; /* the synthetic task-queue thread */
	s->rng = 1000 + rank;
	s->b[B_API] = ap_gen__prof_host_buf(p, "api_event", "data", AP_GEN_API_SIZE);
	s->b[B_NODE] = ap_gen__prof_kind(p, "compact", "node_basic_info", LV_NODE, 0);
	s->b[B_TRACK] = ap_gen__prof_kind(p, "compact", "task_track", LV_RUNTIME, 802);
	s->b[B_MEMCPY] = ap_gen__prof_kind(p, "compact", "memcpy_info", LV_RUNTIME, 801);
	s->b[B_HCCLOP] = ap_gen__prof_kind(p, "compact", "hccl_op_info", LV_NODE, 10);
	s->b[B_TENS] = ap_gen__prof_kind(p, "additional", "tensor_info", LV_NODE, 1);
	s->b[B_CTX] = ap_gen__prof_kind(p, "additional", "context_id_info", LV_NODE, 4);
	s->b[B_HCCLINFO] = ap_gen__prof_kind(p, "additional", "hccl_info", LV_HCCL, 10);
	s->b[B_STARS] = ap_gen__prof_dev_buf(p, 0, "stars_soc.data", AP_GEN_STARS_SIZE);
	s->b[B_TS] = ap_gen__prof_dev_buf(p, 0, "ts_track.data", AP_GEN_TS_SIZE);
	ap_gen__prof_type(p, LV_NODE, 5, "launch");
	ap_gen__prof_type(p, LV_HCCL, 0x10001, "master");
	static const unsigned tts[] = {TT_KERNEL_AICORE, TT_KERNEL_AICPU, TT_KERNEL_AIVEC, TT_KERNEL_MIX_AIC,
				       TT_MEMCPY_ASYNC, TT_NOTIFY_WAIT, TT_NOTIFY_RECORD, TT_FLIP};
	for (size_t i = 0; i < sizeof(tts) / sizeof(tts[0]); i++)
		ap_gen__prof_reg_ts(p, tts[i]);
	for (int i = 0; i < AP_GEN_LAYER_OPS; i++) {
		s->map[i] = -1;
		for (int o = 0; o < NOPS; o++)
			if (ap_gen__synth_layer[i].kernel && strcmp(ap_gen__synth_layer[i].name, OPS[o].torch) == 0)
				s->map[i] = o;
	}
	for (int o = 0; o < NOPS; o++) {
		char ws[96];
		snprintf(ws, sizeof(ws), "%sGetWorkspaceSize", OPS[o].api);
		s->api_ws[o] = ap_gen__prof_acl_type(p, ws);
		s->api_exec[o] = ap_gen__prof_acl_type(p, OPS[o].api);
		for (int i = 0; i < OPS[o].nk; i++) {
			const struct kdesc *kd = &OPS[o].k[i];
			struct kprep *kp = &s->k[o][i];
			kp->op = kp->kname = ap_gen__prof_hash(p, kd->op);
			kp->type = ap_gen__prof_hash(p, kd->type);
			struct ap_gen g; /* only for ap_gen__prof_tensors' messages; the specs above are valid */
			memset(&g, 0, sizeof(g));
			g.src = "--synth-prof";
			ap_gen__prof_tensors(&g, kd->tensors, kp->tens, 8);
		}
	}
	s->memcpy_api = ap_gen__prof_acl_type(p, "aclrtMemcpyAsync");
	s->hccl_api = ap_gen__prof_acl_type(p, "HcclAllreduce");
	for (int i = 0; i < 8; i++) {
		char n[64];
		snprintf(n, sizeof(n), "hcom_allReduce__%u_%d_1", 428 + rank % 2, i);
		s->hcom_name[i] = ap_gen__prof_hash(p, n);
	}
	s->hcom_type = ap_gen__prof_hash(p, "hcom_allReduce_");
	s->group = ap_gen__prof_hash(p, "10.0.0.11%enp189s0f0_60000_0_1764151199870123");
	s->alg = ap_gen__prof_hash(p, "MESH-RING-NA-NA");
	s->small[0] = ap_gen__prof_hash(p, "Memcpy");
	s->small[1] = ap_gen__prof_hash(p, "Notify_Wait");
	s->small[2] = ap_gen__prof_hash(p, "Notify_Record");
	/* streams start part-way so that their 16-bit task ids wrap early (§3.5) */
	ap_gen__prof_stream(p, 0, 2)->next_task = 65000;
	ap_gen__prof_stream(p, 0, 5)->next_task = 65500;
}

int ap_gen__run_synth_prof(const char *bytes_arg, const char *outdir, const char *rank_arg)
{
	uint64_t target;
	unsigned rank;
	char dir[4096];
	if (ap_gen__synth_args("--synth-prof", bytes_arg, rank_arg, &target, &rank))
		return 2;
	struct sp *s = calloc(1, sizeof(*s));
	if (!s)
		ap_gen__oom();
	s->p = ap_gen__prof_new();
	setup(s, rank);
	struct ap_gen_synth_hook hook = {on_task, s, &s->bytes, 0};
	/* the dump directory's name is fixed by rank: make PROF_*'s parent before the framework part runs */
	snprintf(s->dumpdir, sizeof(s->dumpdir), "%s/localhost_%u_20251126100000000_ascend_pt", outdir,
		 10000 + 100 * rank);
	int rc = ap_gen__mkdirs(s->dumpdir) || ap_gen__prof_write_side(s->p, s->dumpdir);
	if (!rc)
		rc = ap_gen__synth_write(target, outdir, rank, &hook, dir, sizeof(dir));
	if (!rc) {
		int64_t last = local_of(s, hook.end);
		last = last > s->dev_free[0] ? last : s->dev_free[0];
		last = last > s->dev_free[1] ? last : s->dev_free[1];
		s->p->end_us = (last + 1000000) / 1000; /* the session ends 1 ms after the last host or device time */
		s->p->end_mono = s->p->end_us * 1000 - (s->host_local0 - s->p->host_mono);
		rc = s->err || ap_gen__prof_write_side(s->p, s->dumpdir) || ap_gen__prof_flush(s->p, s->dumpdir, 1);
	}
	ap_gen__prof_free(s->p);
	free(s);
	if (!rc)
		printf("%s\n", dir);
	return rc ? 1 : 0;
}
