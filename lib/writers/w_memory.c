/* memory_record.csv and operator_memory.csv, framework part (spec torch_npu_ascend_pt.md §8.6;
 * upstream MemoryViewParser + MemoryPrepareParser._complete_record_entry). No CANN GE/APP rows
 * yet: with no GE record the PTA+GE totals are the PTA record's own. */
#include <stdint.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/log.h"
#include "ap/hostview.h"
#include "ap/out.h"
#include "ap/views.h"
#include "../base/banned.h"

#define KB_SHIFT 10 /* Size(KB) = bytes / 1024.0 */
#define MB_SHIFT 20 /* totals(MB) = bytes / 1048576.0 */

/* Rows are written through a cursor into the output buffer (ap_out_room): each text is copied
 * in a fixed-size block that may reach past its end (ap_cur_text), which the room allows for. */

/* The texts of recent values of one unit (KB or MB), by value. Totals go up and down through
 * the same levels as blocks are allocated and freed, and block sizes recur: in the benchmark's
 * 160 MB dump nine in ten MB values not equal to the row before's are found here. Direct-mapped
 * on a multiplicative hash of the value; a memo only, what is written does not depend on it. */
#define DIV_CACHE_BITS 10

struct divtext {
	int64_t v;
	uint8_t len;  /* 0: empty (no text is empty) */
	char s[55];   /* >= AP_FMT_MAX: one cache line in all */
};

struct divcache {
	struct divtext e[1u << DIV_CACHE_BITS];
};

/* v / 2^shift as ap_fmt_div_pow2 writes it, from c or formatted into it; *len its length. */
static const char *div_text(struct divcache *c, int64_t v, unsigned shift, size_t *len)
{
	struct divtext *e = &c->e[((uint64_t)v * 0x9e3779b97f4a7c15ull) >> (64 - DIV_CACHE_BITS)];

	if (!e->len || e->v != v) {
		e->v = v;
		e->len = (uint8_t)ap_fmt_div_pow2(e->s, v, shift);
	}
	*len = e->len;
	return e->s;
}

/* ,{v / 2^shift} at p (room for AP_FMT_MAX + 1 bytes) */
static char *put_div(char *p, struct divcache *c, int64_t v, unsigned shift)
{
	size_t len;
	const char *s = div_text(c, v, shift, &len);

	*p++ = ',';
	return ap_cur_text(p, s, len, AP_FMT_MAX);
}

static char *put_comma(char *p)
{
	*p = ',';
	return p + 1;
}

/* ,{µs with 3 decimals}TAB, the TAB upstream appends to CSV timestamps (§4), at p (room for
 * AP_FMT_MAX + 2 bytes) */
static char *put_us_tab(char *p, int64_t ns)
{
	*p++ = ',';
	p += ap_fmt_ns_us3(p, ns);
	*p++ = '\t';
	return p;
}

/* The end both files' rows share, ",Stream Ptr,Device Type" and CRLF, for the last stream and
 * device formatted: the same over long runs of records. Device Type is NPU:{id} when the dump
 * has exactly one device_* dir, else the record's index. */
struct endcache {
	int64_t stream, device;
	size_t len; /* 0: empty */
	char s[2 * AP_FMT_MAX + 8];
};

static const char *row_end(struct endcache *c, const struct ap_fwk_view *v, const struct ap_mem *m)
{
	int64_t dev = v->n_devices == 1 ? v->device_id : m->device_index;

	if (!c->len || c->stream != m->stream || c->device != dev) {
		size_t n = 0;

		c->s[n++] = ',';
		n += ap_fmt_i64(c->s + n, m->stream);
		memcpy(c->s + n, ",NPU:", 5);
		n += 5;
		n += ap_fmt_i64(c->s + n, dev);
		memcpy(c->s + n, "\r\n", 2);
		c->len = n + 2;
		c->stream = m->stream;
		c->device = dev;
	}
	return c->s;
}

static const char *const memory_record_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/memory_record.def"
#undef AP_COL
};

static const char *const operator_memory_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/operator_memory.def"
#undef AP_COL
};

/* The state of a worker formatting memory_record.csv. */
struct record_worker {
	struct divcache mb;
	struct endcache end;
};

/* What follows Component in a row: ,Timestamp(us),Total Allocated/Reserved/Active(MB),Stream
 * Ptr,Device Type and the line end, at cursor p (room for ROW_MAX bytes: the texts are copied
 * in whole blocks, which may reach past their ends). Returns the cursor after it. */
#define ROW_MAX (4 * (AP_FMT_MAX + 2) + sizeof(((struct endcache *)0)->s))

static char *row_tail(char *p, const struct ap_fwk_view *v, const struct ap_mem *m,
		      struct record_worker *rw)
{
	const char *e;

	p = put_us_tab(p, m->ts);
	p = put_div(p, &rw->mb, m->total_alloc, MB_SHIFT);
	p = put_div(p, &rw->mb, m->total_reserved, MB_SHIFT);
	p = put_div(p, &rw->mb, m->total_active, MB_SHIFT);
	e = row_end(&rw->end, v, m);
	memcpy(p, e, sizeof(rw->end.s));
	return p + rw->end.len;
}

/* Rows of records per piece of a file (struct ap_pieces): about 200 KB of text. */
#define RECORDS_PER_PIECE 832
#define GROUPS_PER_PIECE 1024

static int record_piece(struct ap_out *o, void *w, size_t piece, int *first, const void *ctx)
{
	const struct ap_fwk_view *v = ctx;
	const struct ap_memview *mv = v->mv;
	struct record_worker *rw = w;
	size_t i = piece * RECORDS_PER_PIECE, end = ap_piece_end(piece, RECORDS_PER_PIECE, mv->pta.n);

	(void)first;
	for (; i < end; i++) {
		const struct ap_mem *m = &v->h->mems.v[mv->pta.v[i]];
		char *p = ap_out_room(o, 2 * ROW_MAX + 16), *tail;
		size_t n;

		if (m->component == AP_MEM_WORKSPACE) {
			AP_CUR_LIT(p, "WORKSPACE");
			ap_out_advance(o, row_tail(p, v, m, rw));
			continue;
		}
		AP_CUR_LIT(p, "PTA");
		tail = p;
		p = row_tail(tail, v, m, rw);
		n = (size_t)(p - tail);
		/* No GE record precedes it: the sum is the record's own totals and stream. */
		AP_CUR_LIT(p, "PTA+GE");
		if (n <= 64)
			ap_copy_short(p, tail, n);
		else
			memcpy(p, tail, n);
		ap_out_advance(o, p + n);
	}
	return 0;
}

static int write_memory_record(const char *dir, const struct ap_fwk_view *v, struct ap_err *err)
{
	struct ap_pieces p = { 0 };

	if (!v->mv->pta.n)
		return 0;
	p.n = ap_pieces_of(v->mv->pta.n, RECORDS_PER_PIECE);
	p.piece = record_piece;
	p.worker_size = sizeof(struct record_worker);
	p.ctx = v;
	return ap_csv_write_pieces(dir, "memory_record.csv", memory_record_cols,
				   sizeof(memory_record_cols) / sizeof(memory_record_cols[0]), &p,
				   v->pieces, err);
}

/* A row of operator_memory.csv after its name: 1 + 6 MB values and 5 timestamps, each with
 * its ',' (and TAB), then the row end. */
#define OPMEM_ROOM (7 * (AP_FMT_MAX + 1) + 5 * (AP_FMT_MAX + 2) + sizeof(((struct endcache *)0)->s))

/* Release columns of a lifecycle: which record freed it and which returned it to the pool. */
static void operator_row(struct ap_out *o, const struct ap_fwk_view *v, const struct ap_memgroup *g,
			 struct ap_esc_cache *names, struct divcache *kb, struct divcache *mb,
			 struct endcache *end)
{
	const struct ap_host *h = v->h;
	const struct ap_mem *m0 = &h->mems.v[g->rec[0]], *rel = NULL, *fr = NULL, *act = NULL;
	const char *e;
	char *p;

	if (g->name != AP_STR_NONE)
		ap_out_str_id(o, names, g->name);
	p = ap_out_room(o, OPMEM_ROOM);
	p = put_div(p, kb, m0->alloc_size, KB_SHIFT);
	p = put_us_tab(p, m0->ts);
	if (g->n == 2) {
		rel = &h->mems.v[g->rec[1]];
		fr = rel->data_type == AP_MEM_FREE ? rel : NULL;
		act = rel->data_type == AP_MEM_BLOCK_FREE ? rel : NULL;
	} else if (g->n == 3) {
		int free_idx = h->mems.v[g->rec[1]].data_type == AP_MEM_FREE ? 1 : 2;

		fr = rel = &h->mems.v[g->rec[free_idx]];
		act = &h->mems.v[g->rec[3 - free_idx]];
	}
	/* an empty field where the lifecycle has no such record */
	p = fr ? put_us_tab(p, fr->ts) : put_comma(p);
	p = act ? put_us_tab(p, act->ts) : put_comma(p);
	p = fr ? put_us_tab(p, fr->ts - m0->ts) : put_comma(p);
	p = act ? put_us_tab(p, act->ts - m0->ts) : put_comma(p);
	p = put_div(p, mb, m0->total_alloc, MB_SHIFT);
	p = put_div(p, mb, m0->total_reserved, MB_SHIFT);
	p = put_div(p, mb, m0->total_active, MB_SHIFT);
	if (rel) {
		p = put_div(p, mb, rel->total_alloc, MB_SHIFT);
		p = put_div(p, mb, rel->total_reserved, MB_SHIFT);
		p = put_div(p, mb, rel->total_active, MB_SHIFT);
	} else {
		AP_CUR_LIT(p, ",,,");
	}
	e = row_end(end, v, m0);
	memcpy(p, e, sizeof(end->s));
	ap_out_advance(o, p + end->len);
}

/* The state of a worker formatting operator_memory.csv. */
struct opmem_worker {
	struct ap_esc_cache names;
	struct divcache kb, mb;
	struct endcache end;
};

static int opmem_init(void *w, const void *ctx)
{
	const struct ap_fwk_view *v = ctx;
	struct opmem_worker *ow = w;

	return ap_esc_cache_init(&ow->names, AP_ESC_CSV, &v->h->strs);
}

static void opmem_release(void *w)
{
	struct opmem_worker *ow = w;

	ap_esc_cache_release(&ow->names);
}

static int opmem_piece(struct ap_out *o, void *w, size_t piece, int *first, const void *ctx)
{
	const struct ap_fwk_view *v = ctx;
	const struct ap_memview *mv = v->mv;
	struct opmem_worker *ow = w;
	size_t i = piece * GROUPS_PER_PIECE, end = ap_piece_end(piece, GROUPS_PER_PIECE, mv->groups.n);

	(void)first;
	for (; i < end; i++)
		operator_row(o, v, &mv->groups.v[i], &ow->names, &ow->kb, &ow->mb, &ow->end);
	return 0;
}

static int write_operator_memory(const char *dir, const struct ap_fwk_view *v, struct ap_err *err)
{
	struct ap_pieces p = { 0 };

	if (!v->mv->groups.n)
		return 0;
	p.n = ap_pieces_of(v->mv->groups.n, GROUPS_PER_PIECE);
	p.piece = opmem_piece;
	p.init = opmem_init;
	p.release = opmem_release;
	p.worker_size = sizeof(struct opmem_worker);
	p.ctx = v;
	return ap_csv_write_pieces(dir, "operator_memory.csv", operator_memory_cols,
				   sizeof(operator_memory_cols) / sizeof(operator_memory_cols[0]), &p,
				   v->pieces, err);
}

int ap_write_memory(const char *dir, const struct ap_fwk_view *v, struct ap_err *err)
{
	if (!v->mv || !v->h->mems.n)
		return 0;
	AP_FORWARD_IF_ERROR(write_memory_record(dir, v, err));
	return write_operator_memory(dir, v, err);
}
