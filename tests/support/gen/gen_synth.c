/*
 * gen_synth.c — ap-gen --synth BYTES OUTDIR: a G3 dump of about BYTES of torch.op_range + torch.op_mark from a
 * vLLM-style decode loop (see --synth in gen_main.c), for benchmarks. Deterministic: a fixed-seed LCG.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "gen_local.h"

static const char synth_name[] = "localhost_10000_20251126100000000_ascend_pt";
static const int64_t synth_start_cnt = 17238197612056, synth_start_mono = 172163581670080;

struct synth_op {
	const char *name, *type, *dims, *stack_tail, *module;
	const char *kernel; /* NULL: launches no task */
	int depth_children; /* number of following entries that are its children (pre-order) */
	int dur;            /* ticks of own time */
};

/* One decoder layer as launched by a vLLM-style forward: pre-order with child counts. */
static const struct synth_op LAYER[] = {
	{"npu::npu_rms_norm", "c10::BFloat16;c10::BFloat16", "8,4096;4096",
	 "vllm/model_executor/layers/layernorm.py(120): forward_oot", "Qwen2DecoderLayer.input_layernorm",
	 "aclnnRmsNorm", 0, 90},
	{"aten::linear", "c10::BFloat16;c10::BFloat16;", "8,4096;6144,4096;",
	 "vllm/model_executor/layers/linear.py(540): forward", "Qwen2Attention.qkv_proj", NULL, 2, 40},
	{"aten::t", "c10::BFloat16", "6144,4096", "vllm/model_executor/layers/linear.py(540): forward",
	 "Qwen2Attention.qkv_proj", NULL, 0, 12},
	{"aten::matmul", "c10::BFloat16;c10::BFloat16", "8,4096;4096,6144",
	 "vllm/model_executor/layers/linear.py(540): forward", "Qwen2Attention.qkv_proj", NULL, 1, 25},
	{"aten::mm", "c10::BFloat16;c10::BFloat16", "8,4096;4096,6144",
	 "vllm/model_executor/layers/linear.py(540): forward", "Qwen2Attention.qkv_proj", "aclnnMm", 0, 110},
	{"npu::npu_fused_infer_attention_score", "c10::BFloat16;c10::BFloat16;c10::BFloat16;;;long int",
	 "8,1,4096;1024,128,512;1024,128,512;;;8", "vllm_ascend/attention/attention_v1.py(402): forward",
	 "Qwen2Attention.attn", "aclnnFusedInferAttentionScore", 0, 160},
	{"aten::empty", "ScalarList;Scalar;Scalar;Scalar;Scalar;None", ";;;;;",
	 "vllm_ascend/attention/attention_v1.py(388): forward", "Qwen2Attention.attn", NULL, 0, 9},
	{"aten::add_", "c10::BFloat16;c10::BFloat16;Scalar", "8,4096;8,4096;",
	 "vllm/model_executor/models/qwen2.py(231): forward", "Qwen2DecoderLayer", "aclnnInplaceAdd", 0, 60},
	{"aten::copy_", "c10::BFloat16;c10::BFloat16;Scalar", "8,4096;8,4096;",
	 "vllm/model_executor/models/qwen2.py(233): forward", "Qwen2DecoderLayer", "aclnnInplaceCopy", 0, 55},
	{"aten::silu", "c10::BFloat16", "8,11008", "vllm/model_executor/layers/activation.py(84): forward_oot",
	 "Qwen2MLP.act_fn", "aclnnSilu", 0, 50},
	{"aten::mul", "c10::BFloat16;c10::BFloat16", "8,11008;8,11008",
	 "vllm/model_executor/layers/activation.py(85): forward_oot", "Qwen2MLP.act_fn", "aclnnMul", 0, 45},
};
enum { NLAYER_OPS = sizeof(LAYER) / sizeof(LAYER[0]) };

struct synth {
	struct ap_gen_buf range, mark;
	int fd_range, fd_mark;
	uint64_t now, pid, tid, bwd_tid, deq_tid, deq_free, corr, rng;
	size_t written;
	struct ap_gen_buf blobs[NLAYER_OPS], mark_names[NLAYER_OPS], bwd_blob, exec_blob;
	int err;
};

static uint64_t rnd(struct synth *s, uint64_t range)
{
	s->rng = s->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (s->rng >> 33) % range;
}

static void synth_flush(struct synth *s, struct ap_gen_buf *b, int fd, int force)
{
	if (!force && b->len < (8u << 20))
		return;
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->p + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->err = 1;
			break;
		}
		off += (size_t)w;
	}
	s->written += b->len;
	b->len = 0;
}

static void synth_range(struct synth *s, uint64_t start, uint64_t end, int64_t seq, uint64_t tid, uint64_t fwd,
			int scope, const struct ap_gen_buf *tlvs)
{
	struct ap_gen_buf *b = &s->range;
	ap_gen__buf_reserve(b, 64 + tlvs->len);
	size_t at = rec_begin(b, 1);
	put_u64(b, start);
	put_u64(b, end);
	put_u64(b, (uint64_t)seq);
	put_u64(b, s->pid);
	put_u64(b, tid);
	put_u64(b, tid);
	put_u64(b, fwd);
	put_u8(b, (uint64_t)scope); /* at::RecordScope: 0 FUNCTION, 1 BACKWARD_FUNCTION, 7 USER_SCOPE */
	put_u8(b, 0);
	put(b, tlvs->p, tlvs->len);
	rec_end(b, at);
	synth_flush(s, b, s->fd_range, 0);
}

static void synth_mark(struct synth *s, uint64_t ts, int cat, uint64_t corr, uint64_t tid,
		       const struct ap_gen_buf *name)
{
	struct ap_gen_buf *b = &s->mark;
	size_t at = rec_begin(b, 2);
	put_u64(b, ts);
	put_u64(b, (uint64_t)cat);
	put_u64(b, corr);
	put_u64(b, tid);
	put_u64(b, s->pid);
	put(b, name->p, name->len);
	rec_end(b, at);
	synth_flush(s, b, s->fd_mark, 0);
}

/* Emits op i (and its children) starting at s->now; returns the index after its subtree. */
static int synth_op(struct synth *s, int i, int64_t seq_base)
{
	const struct synth_op *op = &LAYER[i];
	uint64_t start = s->now;
	s->now += 3 + rnd(s, 5);
	int j = i + 1;
	for (int c = 0; c < op->depth_children; c++)
		j = synth_op(s, j, seq_base);
	s->now += (uint64_t)op->dur / 2 + rnd(s, (uint64_t)op->dur);
	if (op->kernel) {
		/* the dequeue thread runs one task at a time, a little after its enqueue */
		uint64_t corr = ++s->corr, t = s->now, enq_end = t + 2 + rnd(s, 3);
		uint64_t deq = enq_end + 5 + rnd(s, 25);
		if (deq < s->deq_free + 2)
			deq = s->deq_free + 2;
		s->deq_free = deq + 20 + rnd(s, 60);
		synth_mark(s, t, 0, 0, s->tid, &s->mark_names[i]);
		synth_mark(s, enq_end, 1, corr, s->tid, &s->mark_names[i]);
		synth_mark(s, deq, 2, corr, s->deq_tid, &s->mark_names[i]);
		synth_mark(s, s->deq_free, 3, corr, s->deq_tid, &s->mark_names[i]);
		s->now += 6;
	}
	s->now += 2;
	synth_range(s, start, s->now, seq_base + i, s->tid, 0, 0, &s->blobs[i]);
	return j;
}

static void synth_blobs(struct synth *s)
{
	for (int i = 0; i < NLAYER_OPS; i++) {
		const struct synth_op *op = &LAYER[i];
		struct ap_gen_buf *b = &s->blobs[i], stack = {0};
		tlv(b, 2, op->name, strlen(op->name));
		tlv(b, 3, op->type, strlen(op->type));
		tlv(b, 4, op->dims, strlen(op->dims));
		puts_(&stack, op->stack_tail);
		puts_(&stack, ";vllm/model_executor/models/qwen2.py(360): forward;torch/nn/modules/module.py(1750): "
			      "_call_impl;vllm_ascend/worker/model_runner_v1.py(1422): execute_model;"
			      "vllm/v1/worker/worker_base.py(210): execute_model");
		tlv(b, 8, stack.p, stack.len);
		free(stack.p);
		tlv(b, 9, op->module, strlen(op->module));
		if (op->kernel)
			tlv(&s->mark_names[i], 1, op->kernel, strlen(op->kernel));
	}
	const char *bn = "autograd::engine::evaluate_function: MmBackward0";
	tlv(&s->bwd_blob, 2, bn, strlen(bn));
	const char *en = "vllm.model_runner.execute_model";
	tlv(&s->exec_blob, 2, en, strlen(en));
}

static int synth_open(const char *dir, const char *name)
{
	char path[4096];
	if (ap_gen__join(path, sizeof(path), dir, name, NULL))
		return -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fprintf(stderr, "ap-gen: cannot create '%s': %s\n", path, strerror(errno));
	return fd;
}

/* One ProfilerStep#step: 28 forward layers under vllm.model_runner.execute_model, the backward thread's
 * MmBackward0 + aten::mm per layer, then the step's root range. */
static void synth_step(struct synth *s, unsigned step, int64_t *seq)
{
	uint64_t step_start = s->now, exec_start = s->now + 20;
	s->now += 50;
	int64_t step_seq = *seq;
	for (int layer = 0; layer < 28; layer++) {
		for (int i = 0; i < NLAYER_OPS;)
			i = synth_op(s, i, *seq);
		*seq += NLAYER_OPS;
	}
	s->now += 10;
	synth_range(s, exec_start, s->now, -1, s->tid, 0, 7, &s->exec_blob);
	/* backward thread: one MmBackward0 + aten::mm per layer, fwd = forward tid, same seq as the mm */
	for (int layer = 0; layer < 28; layer++) {
		uint64_t b0 = s->now;
		s->now += 30 + rnd(s, 20);
		synth_range(s, b0 + 5, s->now - 5, -1, s->bwd_tid, 0, 0, &s->blobs[4]);
		synth_range(s, b0, s->now, step_seq + (int64_t)layer * NLAYER_OPS + 4, s->bwd_tid, s->tid, 1,
			    &s->bwd_blob);
	}
	s->now += 40;
	struct ap_gen_buf root = {0};
	char nm[32];
	int nl = snprintf(nm, sizeof(nm), "ProfilerStep#%u", step);
	tlv(&root, 2, nm, (size_t)nl);
	synth_range(s, step_start, s->now, -1, s->tid, 0, 7, &root);
	free(root.p);
	s->now += 100 + rnd(s, 50);
}

/* profiler_info_0.json through the scenario writer; end_info a little after the last record. */
static int synth_info(const struct synth *s, const char *outdir)
{
	const int64_t diff = 1764151200000000000 - synth_start_mono; /* local start = 2025-11-26 10:00:00 UTC */
	struct ap_gen g;
	ap_gen__init(&g, "--synth");
	snprintf(g.dump, sizeof(g.dump), "%s", synth_name);
	g.rank_kind = 1;
	snprintf(g.rank, sizeof(g.rank), "0");
	g.syscnt = 1;
	g.start_cnt = synth_start_cnt;
	g.start_mono = synth_start_mono;
	g.end_present = 1;
	g.mono_end = synth_start_mono + (int64_t)(s->now - (uint64_t)synth_start_cnt) * 10 + 1000;
	g.coll_end = g.mono_end + diff;
	g.common[0] = g.common[1] = g.common[2] = g.common[4] = 1;
	ap_gen__cfg_set(&g, "_profiler_level", "\"Level1\"");
	ap_gen__cfg_set(&g, "_aic_metrics", "\"ACL_AICORE_PIPE_UTILIZATION\"");
	int rc = ap_gen__write_dump(&g, outdir) ? 1 : 0;
	ap_gen__release(&g);
	return rc;
}

static void synth_release(struct synth *s)
{
	for (int i = 0; i < NLAYER_OPS; i++) {
		free(s->blobs[i].p);
		free(s->mark_names[i].p);
	}
	free(s->bwd_blob.p);
	free(s->exec_blob.p);
	free(s->range.p);
	free(s->mark.p);
}

int ap_gen__run_synth(const char *bytes_arg, const char *outdir)
{
	char *end;
	errno = 0;
	unsigned long long target = strtoull(bytes_arg, &end, 10);
	if (errno || *end || bytes_arg[0] == '-' || target == 0) {
		fprintf(stderr, "ap-gen: --synth: bad byte count '%s'\n", bytes_arg);
		return 2;
	}
	char dir[4096], fwdir[4096];
	struct synth s;
	memset(&s, 0, sizeof(s));
	s.pid = 10000;
	s.tid = 10000;
	s.bwd_tid = 10007;
	s.deq_tid = 10012;
	s.rng = 42;
	s.now = (uint64_t)synth_start_cnt + 1000;
	if (ap_gen__join(dir, sizeof(dir), outdir, synth_name, NULL) ||
	    ap_gen__join(fwdir, sizeof(fwdir), dir, "FRAMEWORK", NULL) || ap_gen__mkdirs(fwdir))
		return 1;
	s.fd_range = synth_open(fwdir, "torch.op_range");
	s.fd_mark = synth_open(fwdir, "torch.op_mark");
	if (s.fd_range < 0 || s.fd_mark < 0)
		return 1;
	synth_blobs(&s);
	ap_gen__buf_reserve(&s.range, 9u << 20);
	ap_gen__buf_reserve(&s.mark, 9u << 20);
	int64_t seq = 0;
	for (unsigned step = 1; !s.err && s.written + s.range.len + s.mark.len < target; step++)
		synth_step(&s, step, &seq);
	synth_flush(&s, &s.range, s.fd_range, 1);
	synth_flush(&s, &s.mark, s.fd_mark, 1);
	int rc = s.err;
	rc |= close(s.fd_range) != 0;
	rc |= close(s.fd_mark) != 0;
	if (rc)
		fprintf(stderr, "ap-gen: write error in '%s'\n", fwdir);
	if (!rc)
		rc = synth_info(&s, outdir);
	synth_release(&s);
	if (!rc)
		printf("%s\n", dir);
	return rc ? 1 : 0;
}
