/*
 * gen_synth_mem.c — torch.memory_usage for ap-gen --synth (77-byte G3 layout, §3.5), written as torch_npu's
 * caching allocators report it: each block is a malloc, then a free and a block free (both with a negative
 * size), and every record carries its allocator's running totals after the change. Three pools: the inner
 * caching allocator (allocator 0), the workspace allocator (component 1) and a second caching allocator
 * (allocator 1). Freed pointers are handed out again last-in first-out, so lifecycles of one pointer follow
 * each other and nest in time with others. Records of the forward and of the dequeue thread are collected
 * in two batches appended to the file in turn, so the file is not globally time sorted (§3.1).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gen_local.h"

enum {
	MEM_FIXED = 77,           /* §3.5, G3 from v2.6.0-7.1.0 */
	MEM_TYPE = 3,             /* §3.2 record type of memory records */
	MEM_NPU = 20,             /* c10::DeviceType::PrivateUse1 */
	MEM_CPU = 0,
	MEM_BATCH = 64 * (6 + MEM_FIXED), /* a thread's records go to the file 64 at a time */
	MEM_STREAM = 2,           /* stream id of the compute stream */
};

static const int64_t SLOT = 2 << 20, SEGMENT = 20 << 20;

static void st(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void mem_rec(struct ap_gen_synth *s, int deq, uint64_t ptr, uint64_t ts, int64_t size,
		    const struct ap_gen_pool *p, int devtype, int dtype)
{
	struct ap_gen_buf *b = &s->mem_stage[deq];
	ap_gen__buf_reserve(b, 6 + MEM_FIXED);
	unsigned char *q = b->p + b->len;
	int cpu = devtype == MEM_CPU;
	st(q, MEM_TYPE, 2);
	st(q + 2, MEM_FIXED, 4);
	q += 6;
	st(q, ptr, 8);
	st(q + 8, ts, 8);
	st(q + 16, (uint64_t)size, 8);
	st(q + 24, (uint64_t)(cpu ? s->cpu_alloc : p->alloc), 8);
	st(q + 32, (uint64_t)(cpu ? s->cpu_alloc : p->reserved), 8);
	st(q + 40, (uint64_t)(cpu ? 0 : p->active), 8);
	st(q + 48, cpu ? 0 : MEM_STREAM, 8);
	q[56] = (unsigned char)devtype;
	q[57] = 0; /* device index */
	q[58] = cpu ? 0 : p->comp;
	q[59] = cpu ? 0 : (unsigned char)dtype;
	q[60] = cpu ? 0 : p->allocator;
	st(q + 61, deq ? s->deq_tid : s->tid, 8);
	st(q + 69, s->pid, 8);
	b->len += 6 + MEM_FIXED;
	if (b->len >= MEM_BATCH) {
		put(&s->out[SK_MEM], b->p, b->len);
		b->len = 0;
		ap_gen__synth_flush(s, SK_MEM, 0);
	}
}

void ap_gen__synth_mem_init(struct ap_gen_synth *s)
{
	static const struct {
		uint64_t base;
		int64_t alloc, reserved;
		uint8_t comp, allocator;
	} init[AP_GEN_POOLS] = {
		/* model weights and the KV cache are allocated before the capture starts */
		{0x12c000000000ULL, 12LL << 30, (12LL << 30) + (40 << 20), 0, 0},
		{0x12c800000000ULL, 0, 0, 1, 0},
		{0x12d000000000ULL, 256 << 20, 300 << 20, 0, 1},
	};
	for (int i = 0; i < AP_GEN_POOLS; i++) {
		struct ap_gen_pool *p = &s->pools[i];
		memset(p, 0, sizeof(*p));
		p->base = init[i].base;
		p->next_ptr = init[i].base + (uint64_t)init[i].reserved;
		p->alloc = p->active = init[i].alloc;
		p->reserved = init[i].reserved;
		p->comp = init[i].comp;
		p->allocator = init[i].allocator;
	}
	s->cpu_alloc = 64 << 20;
}

/* A live[] slot and a pointer for a block of pool; its records are written later. -1 when live[] is full. */
static int reserve(struct ap_gen_synth *s, int pool, int64_t size, uint64_t due)
{
	int i;
	for (i = 0; i < s->nlive && s->live[i].size; i++)
		;
	if (i == AP_GEN_LIVE)
		return -1;
	if (i == s->nlive)
		s->nlive++;
	struct ap_gen_pool *p = &s->pools[pool];
	size = size > SLOT ? SLOT : (size + 511) / 512 * 512;
	uint64_t ptr;
	if (p->nfree)
		ptr = p->free_ptr[--p->nfree];
	else {
		ptr = p->next_ptr;
		p->next_ptr += (uint64_t)SLOT;
	}
	s->live[i] = (struct ap_gen_live){ptr, due, size, pool};
	s->bytes[SK_MEM] += 3 * (6 + MEM_FIXED); /* the whole lifecycle counts towards the mix at once */
	return i;
}

static void emit_malloc(struct ap_gen_synth *s, int deq, int i, uint64_t ts)
{
	struct ap_gen_live *l = &s->live[i];
	struct ap_gen_pool *p = &s->pools[l->pool];
	p->alloc += l->size;
	p->active += l->size;
	/* a new segment each time the blocks in use outgrow what is reserved */
	while (p->active > p->reserved)
		p->reserved += SEGMENT;
	mem_rec(s, deq, l->ptr, ts, l->size, p, MEM_NPU, 0);
}

static void emit_free(struct ap_gen_synth *s, int deq, int i, uint64_t ts)
{
	struct ap_gen_live *l = &s->live[i];
	struct ap_gen_pool *p = &s->pools[l->pool];
	p->alloc -= l->size;
	mem_rec(s, deq, l->ptr, ts, -l->size, p, MEM_NPU, 1);
	p->active -= l->size;
	mem_rec(s, deq, l->ptr, ts + 1, -l->size, p, MEM_NPU, 2);
	if (p->nfree < (int)(sizeof(p->free_ptr) / sizeof(p->free_ptr[0])))
		p->free_ptr[p->nfree++] = l->ptr;
	l->size = 0;
	while (s->nlive && !s->live[s->nlive - 1].size)
		s->nlive--;
}

/* Writes the dequeue thread's scheduled records up to ts, so that every record's totals follow from the
 * records before it in time. */
static void drain(struct ap_gen_synth *s, uint64_t ts)
{
	while (s->deq_n && s->deq_ev[s->deq_head].ts <= ts) {
		const struct ap_gen_deq_ev *e = &s->deq_ev[s->deq_head];
		if (e->free)
			emit_free(s, 1, e->live, e->ts);
		else
			emit_malloc(s, 1, e->live, e->ts);
		s->deq_head = (s->deq_head + 1) % AP_GEN_DEQ_EVS;
		s->deq_n--;
	}
}

static void schedule(struct ap_gen_synth *s, uint64_t ts, int i, int is_free)
{
	if (s->deq_n == AP_GEN_DEQ_EVS)
		drain(s, s->deq_ev[s->deq_head].ts);
	s->deq_ev[(s->deq_head + s->deq_n++) % AP_GEN_DEQ_EVS] = (struct ap_gen_deq_ev){ts, i, is_free};
}

int ap_gen__synth_malloc(struct ap_gen_synth *s, int pool, int64_t size, uint64_t ts, uint64_t due)
{
	int i = reserve(s, pool, size, due);
	if (i >= 0) {
		drain(s, ts);
		emit_malloc(s, 0, i, ts);
	}
	return i;
}

void ap_gen__synth_deq_block(struct ap_gen_synth *s, int pool, int64_t size, uint64_t ts, uint64_t end)
{
	int i = reserve(s, pool, size, UINT64_MAX);
	if (i >= 0) {
		schedule(s, ts, i, 0);
		schedule(s, end, i, 1);
	}
}

void ap_gen__synth_deq_free(struct ap_gen_synth *s, int i, uint64_t ts)
{
	if (i >= 0)
		schedule(s, ts, i, 1);
}

uint64_t ap_gen__synth_free_due(struct ap_gen_synth *s, uint64_t ts)
{
	/* newest first: the blocks of an op's temporaries go before those of older outputs */
	for (int i = s->nlive - 1; i >= 0; i--)
		if (s->live[i].size && s->live[i].due <= s->ops) {
			drain(s, ts + 1);
			emit_free(s, 0, i, ts);
			ts += 2;
		}
	return ts;
}

void ap_gen__synth_cpu_mem(struct ap_gen_synth *s, uint64_t ts, uint64_t end)
{
	const int64_t size = 1 << 20;
	const uint64_t ptr = 0x7f3a40000000ULL;
	drain(s, end);
	s->cpu_alloc += size;
	mem_rec(s, 0, ptr, ts, size, NULL, MEM_CPU, 0);
	s->cpu_alloc -= size;
	mem_rec(s, 0, ptr, end, -size, NULL, MEM_CPU, 0);
	s->bytes[SK_MEM] += 2 * (6 + MEM_FIXED);
}

void ap_gen__synth_mem_finish(struct ap_gen_synth *s)
{
	drain(s, UINT64_MAX);
	for (int t = 0; t < 2; t++) {
		put(&s->out[SK_MEM], s->mem_stage[t].p, s->mem_stage[t].len);
		s->mem_stage[t].len = 0;
	}
}

void ap_gen__synth_mem_release(struct ap_gen_synth *s)
{
	for (int t = 0; t < 2; t++)
		free(s->mem_stage[t].p);
}
