/*
 * gen_synth_py.c — the smaller FRAMEWORK files of ap-gen --synth:
 *   torch.python_tracer_func (§3.6, flat 33-byte records): each Python thread's records are collected in
 *     batches of 1024, in time order, appended to the file as a batch fills (as the tracer reports them);
 *   torch.python_tracer_hash (§3.7, G3: type 4, value field 1): every frame name and the exit name, at the end;
 *   torch.gc_record (§3.9, flat 24-byte records): written in time order, as Python writes them at stop;
 *   torch.param_tensor_info (§3.8, G3: type 5, module params field 1): a few records first.
 * Keys are 64-bit FNV-1a hashes of the names (only the key ↔ name pairing matters).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_local.h"

enum {
	PY_REC = 33,        /* §3.6 */
	PY_BATCH = 1024 * PY_REC,
	GC_REC = 24,        /* §3.9 */
	HASH_TYPE = 4,      /* §3.2 record types (G3) */
	PARAM_TYPE = 5,
};

static void st(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void py_batch(struct ap_gen_synth *s, int th)
{
	put(&s->out[SK_PYFUNC], s->py_stage[th].p, s->py_stage[th].len);
	s->py_stage[th].len = 0;
	ap_gen__synth_flush(s, SK_PYFUNC, 0);
}

uint64_t ap_gen__synth_py(struct ap_gen_synth *s, int th, uint64_t ts, int name, int tag)
{
	struct ap_gen_buf *b = &s->py_stage[th];
	if (ts <= s->py_last[th]) /* strictly increasing per thread: no ties in the replay's sort */
		ts = s->py_last[th] + 1;
	s->py_last[th] = ts;
	ap_gen__buf_reserve(b, PY_REC);
	unsigned char *q = b->p + b->len;
	int ret = tag == PY_RETURN || tag == PY_C_RETURN;
	st(q, ts, 8);
	st(q + 8, th ? s->py2_tid : s->tid, 8);
	st(q + 16, s->pid, 8);
	st(q + 24, ret ? s->py_exit_key : s->py_key[name], 8);
	q[32] = (unsigned char)tag;
	b->len += PY_REC;
	s->bytes[SK_PYFUNC] += PY_REC;
	if (b->len >= PY_BATCH)
		py_batch(s, th);
	return ts;
}

int ap_gen__synth_py_name(struct ap_gen_synth *s, const char *name)
{
	for (int i = 0; i < s->npy; i++)
		if (strcmp(s->py_name[i], name) == 0)
			return i;
	if (s->npy == AP_GEN_PY_NAMES) {
		fputs("ap-gen: --synth: too many python names\n", stderr);
		exit(1);
	}
	s->py_name[s->npy] = ap_gen__xstrdup(name, strlen(name));
	s->py_key[s->npy] = ap_gen__fnv1a((const unsigned char *)name, strlen(name));
	return s->npy++;
}

void ap_gen__synth_gc(struct ap_gen_synth *s, uint64_t ts, uint64_t end)
{
	struct ap_gen_buf *b = &s->out[SK_GC];
	put_u64(b, s->pid);
	put_u64(b, ts);
	put_u64(b, end);
	s->bytes[SK_GC] += GC_REC;
	ap_gen__synth_flush(s, SK_GC, 0);
}

/* One parameter: name) tensor ) — tensor = impl;ptr;dtype;dtype_size;sizes;strides;device_type;device_index */
static void param(struct ap_gen_buf *b, const char *name, uint64_t ptr, const char *sizes, const char *strides)
{
	if (b->len)
		put_u8(b, '}');
	ap_gen__printf(b, "%s)%llu;%llu;c10::BFloat16;2;%s;%s;20;0)", name,
		       (unsigned long long)(ptr + 0x5a0000000000ULL), (unsigned long long)ptr, sizes, strides);
}

void ap_gen__synth_params(struct ap_gen_synth *s)
{
	static const struct {
		const char *cls, *name, *sizes, *strides;
	} P[] = {
		{"Qwen2DecoderLayer", "input_layernorm.weight", "4096", "1"},
		{"Qwen2DecoderLayer", "post_attention_layernorm.weight", "4096", "1"},
		{"Qwen2Attention", "qkv_proj.weight", "6144,4096", "4096,1"},
		{"Qwen2Attention", "qkv_proj.bias", "6144", "1"},
		{"Qwen2Attention", "o_proj.weight", "4096,4096", "4096,1"},
		{"Qwen2MLP", "gate_up_proj.weight", "22016,4096", "4096,1"},
		{"Qwen2MLP", "down_proj.weight", "4096,11008", "11008,1"},
	};
	struct ap_gen_buf v = {0};
	uint64_t ptr = 0x12c000000000ULL;
	for (size_t i = 0; i < sizeof(P) / sizeof(P[0]); i++) {
		param(&v, P[i].name, ptr, P[i].sizes, P[i].strides);
		ptr += 0x4000000;
		if (i + 1 < sizeof(P) / sizeof(P[0]) && strcmp(P[i + 1].cls, P[i].cls) == 0)
			continue;
		struct ap_gen_buf *b = &s->out[SK_PARAM];
		size_t at = rec_begin(b, PARAM_TYPE);
		put_u64(b, ap_gen__fnv1a((const unsigned char *)P[i].cls, strlen(P[i].cls)));
		tlv(b, 1, v.p, v.len);
		rec_end(b, at);
		v.len = 0;
	}
	free(v.p);
	s->bytes[SK_PARAM] = s->out[SK_PARAM].len;
}

void ap_gen__synth_py_finish(struct ap_gen_synth *s)
{
	for (int th = 0; th < AP_GEN_PY_THREADS; th++)
		py_batch(s, th);
	struct ap_gen_buf *b = &s->out[SK_PYHASH];
	for (int i = 0; i <= s->npy; i++) {
		const char *name = i < s->npy ? s->py_name[i] : AP_GEN_EXIT_NAME;
		size_t at = rec_begin(b, HASH_TYPE);
		put_u64(b, i < s->npy ? s->py_key[i] : s->py_exit_key);
		tlv(b, 1, name, strlen(name));
		rec_end(b, at);
	}
	s->bytes[SK_PYHASH] = b->len;
}

void ap_gen__synth_py_release(struct ap_gen_synth *s)
{
	for (int th = 0; th < AP_GEN_PY_THREADS; th++)
		free(s->py_stage[th].p);
	for (int i = 0; i < s->npy; i++)
		free(s->py_name[i]);
}
