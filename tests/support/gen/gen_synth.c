/*
 * gen_synth.c — ap-gen --synth BYTES OUTDIR [RANK]: a G3 dump of about BYTES holding every FRAMEWORK record
 * kind in the proportions of a real Level1 capture with memory and stacks (see --synth in gen_main.c), for
 * benchmarks. This file: the command, the forward / backward / dequeue threads' ops and task-queue markers,
 * the step loop and profiler_info; gen_synth_layer.c describes a decoder layer, gen_synth_mem.c and
 * gen_synth_py.c write the other kinds. Deterministic: a
 * fixed-seed LCG.
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

const char *const ap_gen__synth_files[SK_N] = {
	"torch.op_range", "torch.op_mark", "torch.memory_usage", "torch.python_tracer_func",
	"torch.python_tracer_hash", "torch.gc_record", "torch.param_tensor_info",
};

/* MB of each kind in a real 160 MB Level1 dump with profile_memory, with_stack and GC detection, ×10; the
 * hash and param files are small and not steered. */
static const uint64_t MIX[SK_N] = {520, 500, 420, 140, 0, 17, 0};

const int64_t ap_gen__synth_start_cnt = 17238197612056, ap_gen__synth_start_mono = 172163581670080;
#define synth_start_cnt ap_gen__synth_start_cnt
#define synth_start_mono ap_gen__synth_start_mono

enum { NLAYER_OPS = AP_GEN_LAYER_OPS, NLAYERS = AP_GEN_LAYERS };
#define LAYER ap_gen__synth_layer

struct synth {
	struct ap_gen_synth g;
	struct ap_gen_synth_blobs b;
	unsigned rank;
	char name[96];
};

uint64_t ap_gen__synth_rnd(struct ap_gen_synth *s, uint64_t range)
{
	s->rng = s->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (s->rng >> 33) % range;
}

static uint64_t rnd(struct synth *s, uint64_t range) { return ap_gen__synth_rnd(&s->g, range); }

int ap_gen__synth_behind(const struct ap_gen_synth *s, int k)
{
	return s->bytes[k] * MIX[SK_RANGE] < s->bytes[SK_RANGE] * MIX[k];
}

static int behind(const struct synth *s, int k) { return ap_gen__synth_behind(&s->g, k); }

void ap_gen__synth_flush(struct ap_gen_synth *s, int k, int force)
{
	struct ap_gen_buf *b = &s->out[k];
	if (!force && b->len < (8u << 20))
		return;
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(s->fd[k], b->p + off, b->len - off);
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

/* Bytes of the dump so far, buffered ones included. */
static uint64_t synth_size(const struct synth *s)
{
	uint64_t n = s->g.written;
	for (int k = 0; k < SK_N; k++)
		n += s->g.out[k].len;
	for (int t = 0; t < 2; t++)
		n += s->g.mem_stage[t].len + s->g.py_stage[t].len;
	if (s->g.hook && s->g.hook->extra)
		n += *s->g.hook->extra;
	return n;
}

static void synth_range(struct synth *s, uint64_t start, uint64_t end, int64_t seq, uint64_t tid, uint64_t fwd,
			int scope, const struct ap_gen_buf *tlvs)
{
	struct ap_gen_buf *b = &s->g.out[SK_RANGE];
	size_t len0 = b->len;
	ap_gen__buf_reserve(b, 64 + tlvs->len);
	size_t at = rec_begin(b, 1);
	put_u64(b, start);
	put_u64(b, end);
	put_u64(b, (uint64_t)seq);
	put_u64(b, s->g.pid);
	put_u64(b, tid);
	put_u64(b, tid);
	put_u64(b, fwd);
	put_u8(b, (uint64_t)scope); /* at::RecordScope: 0 FUNCTION, 1 BACKWARD_FUNCTION, 7 USER_SCOPE */
	put_u8(b, 0);
	put(b, tlvs->p, tlvs->len);
	rec_end(b, at);
	s->g.bytes[SK_RANGE] += b->len - len0;
	ap_gen__synth_flush(&s->g, SK_RANGE, 0);
}

static void synth_mark(struct synth *s, uint64_t ts, int cat, uint64_t corr, uint64_t tid,
		       const struct ap_gen_buf *name)
{
	struct ap_gen_buf *b = &s->g.out[SK_MARK];
	size_t len0 = b->len;
	size_t at = rec_begin(b, 2);
	put_u64(b, ts);
	put_u64(b, (uint64_t)cat);
	put_u64(b, corr);
	put_u64(b, tid);
	put_u64(b, s->g.pid);
	put(b, name->p, name->len);
	rec_end(b, at);
	s->g.bytes[SK_MARK] += b->len - len0;
	ap_gen__synth_flush(&s->g, SK_MARK, 0);
}

/* A python tracer record on the forward thread at the current time. */
static void py(struct synth *s, int name, int tag)
{
	s->g.now = ap_gen__synth_py(&s->g, 0, s->g.now, name, tag) + 1;
}

/* Bytes of op i's output tensor: the product of its first input's sizes, BFloat16. */
static int64_t out_size(const struct ap_gen_synth_op *op)
{
	int64_t n = 2, v = 0;
	for (const char *p = op->dims;; p++) {
		if (*p >= '0' && *p <= '9')
			v = v * 10 + (*p - '0');
		else {
			n *= v ? v : 1;
			v = 0;
			if (*p != ',')
				break;
		}
	}
	return n;
}

/* One task of op i queued at s->now: enqueue start / end on the forward thread, dequeue start / end on the
 * dequeue thread (which runs one task at a time, a little after its enqueue), sharing a correlation id; a
 * workspace block ws (live[] index or -1) is released at the end of the dequeue. Some dequeues allocate a
 * block of their own (attributed through dequeue → enqueue → op). */
static void synth_task(struct synth *s, int i, int ws)
{
	uint64_t corr = ++s->g.corr, t = s->g.now, enq_end = t + 2 + rnd(s, 3);
	uint64_t deq = enq_end + 5 + rnd(s, 25);
	if (deq < s->g.deq_free + 2)
		deq = s->g.deq_free + 2;
	s->g.deq_free = deq + 16 + rnd(s, 40);
	synth_mark(s, t, 0, 0, s->g.tid, &s->b.mark[i]);
	synth_mark(s, enq_end, 1, corr, s->g.tid, &s->b.mark[i]);
	synth_mark(s, deq, 2, corr, s->g.deq_tid, &s->b.mark[i]);
	synth_mark(s, s->g.deq_free, 3, corr, s->g.deq_tid, &s->b.mark[i]);
	if (s->g.hook && s->g.hook->on_task)
		s->g.hook->on_task(s->g.hook->ctx, i, deq, s->g.deq_free);
	if (behind(s, SK_MEM) && rnd(s, 2))
		ap_gen__synth_deq_block(&s->g, rnd(s, 8) ? 0 : 2, 4096 + (int64_t)rnd(s, 64) * 512, deq + 2,
					s->g.deq_free - 6);
	ap_gen__synth_deq_free(&s->g, ws, s->g.deq_free - 3);
	s->g.now = enq_end + 2;
}

/* Emits op i (and its children) starting at s->g.now; returns the index after its subtree. */
static int synth_op(struct synth *s, int i, int64_t seq_base)
{
	const struct ap_gen_synth_op *op = &LAYER[i];
	uint64_t start = s->g.now;
	s->g.now += 3 + rnd(s, 5);
	int j = i + 1;
	for (int c = 0; c < op->depth_children; c++)
		j = synth_op(s, j, seq_base);
	s->g.now += (uint64_t)op->dur / 2 + rnd(s, (uint64_t)op->dur);
	if (op->kernel) {
		/* tensors that died since: free + block free, inside this op */
		s->g.now = ap_gen__synth_free_due(&s->g, s->g.now) + 1;
		if (behind(s, SK_MEM)) { /* the output, through an empty_tensor op (left out of attribution) */
			uint64_t e0 = s->g.now++;
			ap_gen__synth_malloc(&s->g, rnd(s, 16) ? 0 : 2, out_size(op), s->g.now,
					     s->g.ops + 1 + rnd(s, 6));
			s->g.now += 2 + rnd(s, 3);
			synth_range(s, e0, s->g.now, -1, s->g.tid, 0, 0, &s->b.empty);
			s->g.now += 2;
		}
		if (behind(s, SK_MEM) && rnd(s, 2)) { /* a temporary of the op itself, freed by the next op */
			ap_gen__synth_malloc(&s->g, 0, out_size(op) / 4, s->g.now, s->g.ops + 1);
			s->g.now += 2;
		}
		int ws = -1;
		if (behind(s, SK_MEM) && !rnd(s, 3)) { /* an aclnn workspace, released by the dequeue */
			uint64_t m0 = s->g.now++;
			ws = ap_gen__synth_malloc(&s->g, 1, 65536 + (int64_t)rnd(s, 32) * 4096, s->g.now, UINT64_MAX);
			s->g.now += 2;
			synth_range(s, m0, s->g.now, -1, s->g.tid, 0, 0, &s->b.ws);
			s->g.now += 2;
		}
		synth_task(s, i, ws);
		for (int n = 1; n < 6 && behind(s, SK_MARK); n++)
			synth_task(s, i, -1);
		s->g.now += 6;
	}
	s->g.ops++;
	s->g.now += 2;
	synth_range(s, start, s->g.now, seq_base + i, s->g.tid, 0, 0, &s->b.op[i]);
	return j;
}

/* One decoder layer on the forward thread, inside its module's Python frames: each top-level op under a
 * Python frame and a C call, short helper calls and GC pauses between ops while those kinds lag the mix. */
static void synth_layer(struct synth *s, int layer, int64_t seq)
{
	py(s, s->b.py_call_impl, PY_CALL);
	py(s, s->b.py_layer[layer], PY_CALL);
	py(s, s->b.py_layer_fwd, PY_CALL);
	for (int i = 0; i < NLAYER_OPS;) {
		int fn = behind(s, SK_PYFUNC); /* the op's Python frame and the C call into torch */
		if (fn) {
			py(s, s->b.py_fn[i], PY_CALL);
			py(s, s->b.py_c[i], PY_C_CALL);
		}
		int next = synth_op(s, i, seq);
		if (fn) {
			py(s, 0, PY_C_RETURN);
			py(s, 0, PY_RETURN);
		}
		for (int k = 0; k < 2 && behind(s, SK_PYFUNC); k++) {
			s->g.now += 2;
			py(s, s->b.py_helper[rnd(s, 4)], PY_CALL);
			s->g.now += 3 + rnd(s, 8);
			py(s, 0, PY_RETURN);
		}
		for (int k = 0; k < 3 && behind(s, SK_GC); k++) {
			uint64_t g0 = s->g.now + 1;
			s->g.now = g0 + 50 + rnd(s, 400);
			ap_gen__synth_gc(&s->g, g0, s->g.now);
			s->g.now += 1;
		}
		i = next;
	}
	py(s, 0, PY_RETURN);
	py(s, 0, PY_RETURN);
	py(s, 0, PY_RETURN);
}

/* One ProfilerStep#step: 28 forward layers under vllm.model_runner.execute_model, the backward thread's
 * MmBackward0 + aten::mm per layer, then the step's root range; another Python thread waits on a lock. */
static void synth_step(struct synth *s, unsigned step, int64_t *seq)
{
	uint64_t step_start = s->g.now, exec_start = s->g.now + 20;
	ap_gen__synth_py(&s->g, 1, step_start + 1, s->b.py_wait, PY_CALL);
	ap_gen__synth_py(&s->g, 1, step_start + 2, s->b.py_acquire, PY_C_CALL);
	s->g.now += 4;
	py(s, s->b.py_exec, PY_CALL);
	ap_gen__synth_cpu_mem(&s->g, s->g.now, s->g.now + 3); /* a pinned host buffer for the inputs */
	s->g.now = exec_start + 10;
	py(s, s->b.py_model, PY_CALL);
	int64_t step_seq = *seq;
	for (int layer = 0; layer < NLAYERS; layer++) {
		synth_layer(s, layer, *seq);
		*seq += NLAYER_OPS;
	}
	py(s, 0, PY_RETURN);
	s->g.now += 10;
	synth_range(s, exec_start, s->g.now, -1, s->g.tid, 0, 7, &s->b.exec);
	/* backward thread: one MmBackward0 + aten::mm per layer, fwd = forward tid, same seq as the mm */
	for (int layer = 0; layer < NLAYERS; layer++) {
		uint64_t b0 = s->g.now;
		s->g.now += 30 + rnd(s, 20);
		synth_range(s, b0 + 5, s->g.now - 5, -1, s->g.bwd_tid, 0, 0, &s->b.op[4]);
		synth_range(s, b0, s->g.now, step_seq + (int64_t)layer * NLAYER_OPS + 4, s->g.bwd_tid, s->g.tid, 1,
			    &s->b.bwd);
	}
	s->g.now += 40;
	py(s, 0, PY_RETURN);
	struct ap_gen_buf root = {0};
	char nm[32];
	int nl = snprintf(nm, sizeof(nm), "ProfilerStep#%u", step);
	tlv(&root, 2, nm, (size_t)nl);
	synth_range(s, step_start, s->g.now, -1, s->g.tid, 0, 7, &root);
	free(root.p);
	ap_gen__synth_py(&s->g, 1, s->g.now - 2, 0, PY_C_RETURN);
	ap_gen__synth_py(&s->g, 1, s->g.now - 1, 0, PY_RETURN);
	s->g.now += 100 + rnd(s, 50);
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

/* profiler_info_RANK.json through the scenario writer; end_info a little after the last record. */
static int synth_info(const struct synth *s, const char *outdir)
{
	const int64_t diff = 1764151200000000000 - synth_start_mono; /* local start = 2025-11-26 10:00:00 UTC */
	struct ap_gen g;
	ap_gen__init(&g, "--synth");
	snprintf(g.dump, sizeof(g.dump), "%s", s->name);
	g.rank_kind = 1;
	snprintf(g.rank, sizeof(g.rank), "%u", s->rank);
	g.syscnt = 1;
	g.start_cnt = synth_start_cnt;
	g.start_mono = synth_start_mono;
	g.end_present = 1;
	g.mono_end = synth_start_mono + (int64_t)(s->g.now - (uint64_t)synth_start_cnt) * 10 + 1000;
	g.coll_end = g.mono_end + diff;
	/* record_shapes, profile_memory, with_stack, with_modules */
	g.common[0] = g.common[1] = g.common[2] = g.common[4] = 1;
	ap_gen__cfg_set(&g, "_profiler_level", "\"Level1\"");
	ap_gen__cfg_set(&g, "_aic_metrics", "\"ACL_AICORE_PIPE_UTILIZATION\"");
	ap_gen__cfg_set(&g, "_gc_detect_threshold", "0.001");
	int rc = ap_gen__write_dump(&g, outdir) ? 1 : 0;
	ap_gen__release(&g);
	return rc;
}

static void synth_release(struct synth *s)
{
	ap_gen__synth_blobs_release(&s->b);
	for (int k = 0; k < SK_N; k++)
		free(s->g.out[k].p);
	ap_gen__synth_mem_release(&s->g);
	ap_gen__synth_py_release(&s->g);
}

static int parse_u64(const char *opt, const char *what, const char *arg, unsigned long long max,
		     unsigned long long *out)
{
	char *end;
	errno = 0;
	*out = strtoull(arg, &end, 10);
	if (errno || *end || !arg[0] || arg[0] == '-' || *out > max) {
		fprintf(stderr, "ap-gen: %s: bad %s '%s'\n", opt, what, arg);
		return -1;
	}
	return 0;
}

/* Writes every file; returns 0 or 1 after a message. */
static int synth_write(struct synth *s, const char *fwdir, uint64_t target)
{
	int rc = 0;
	for (int k = 0; k < SK_N; k++)
		if ((s->g.fd[k] = synth_open(fwdir, ap_gen__synth_files[k])) < 0)
			rc = 1;
	if (rc)
		return 1;
	ap_gen__synth_blobs(&s->g, &s->b);
	ap_gen__synth_mem_init(&s->g);
	ap_gen__synth_params(&s->g);
	int64_t seq = 0;
	for (unsigned step = 1; !s->g.err && (step == 1 || synth_size(s) < target); step++)
		synth_step(s, step, &seq);
	ap_gen__synth_mem_finish(&s->g);
	ap_gen__synth_py_finish(&s->g);
	for (int k = 0; k < SK_N; k++) {
		ap_gen__synth_flush(&s->g, k, 1);
		rc |= close(s->g.fd[k]) != 0;
	}
	if (rc || s->g.err) {
		fprintf(stderr, "ap-gen: write error in '%s'\n", fwdir);
		return 1;
	}
	return 0;
}

int ap_gen__synth_write(uint64_t target, const char *outdir, unsigned rank, struct ap_gen_synth_hook *hook,
			char *dir, size_t cap)
{
	char fwdir[4096];
	struct synth *s = calloc(1, sizeof(*s));
	if (!s)
		ap_gen__oom();
	s->rank = rank;
	s->g.hook = hook;
	s->g.pid = 10000 + 100 * rank;
	s->g.tid = s->g.pid;
	s->g.bwd_tid = s->g.pid + 7;
	s->g.deq_tid = s->g.pid + 12;
	s->g.py2_tid = s->g.pid + 15;
	s->g.rng = 42 + rank;
	s->g.now = (uint64_t)synth_start_cnt + 1000;
	snprintf(s->name, sizeof(s->name), "localhost_%llu_20251126100000000_ascend_pt", (unsigned long long)s->g.pid);
	int rc = 1;
	if (!ap_gen__join(dir, cap, outdir, s->name, NULL) &&
	    !ap_gen__join(fwdir, sizeof(fwdir), dir, "FRAMEWORK", NULL) && !ap_gen__mkdirs(fwdir))
		rc = synth_write(s, fwdir, target);
	if (!rc)
		rc = synth_info(s, outdir);
	if (hook)
		hook->end = s->g.now;
	synth_release(s);
	free(s);
	return rc;
}

int ap_gen__synth_args(const char *opt, const char *bytes_arg, const char *rank_arg, uint64_t *target,
		       unsigned *rank)
{
	unsigned long long t, r = 0;
	if (parse_u64(opt, "byte count", bytes_arg, ~0ULL, &t) ||
	    (rank_arg && parse_u64(opt, "rank", rank_arg, 9999, &r)))
		return -1;
	if (t == 0) {
		fprintf(stderr, "ap-gen: %s: bad byte count '%s'\n", opt, bytes_arg);
		return -1;
	}
	*target = t;
	*rank = (unsigned)r;
	return 0;
}

int ap_gen__run_synth(const char *bytes_arg, const char *outdir, const char *rank_arg)
{
	uint64_t target;
	unsigned rank;
	char dir[4096];
	if (ap_gen__synth_args("--synth", bytes_arg, rank_arg, &target, &rank))
		return 2;
	int rc = ap_gen__synth_write(target, outdir, rank, NULL, dir, sizeof(dir));
	if (!rc)
		printf("%s\n", dir);
	return rc ? 1 : 0;
}
