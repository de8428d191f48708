/* trace_view.json, framework-only form (spec torch_npu_ascend_pt.md §8.1 framework part;
 * upstream FwkFileParser.get_fwk_trace_data + TraceEventManager), streamed as one JSON array in
 * Python json.dumps spelling (§8.0). Deviations from upstream: docs/compatibility.md. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_tl.h"
#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/sort.h"
#include "ap/strbuf.h"
#include "ap/u64map.h"
#include "ap/views.h"
#include "w_trace_local.h"
#include "../base/banned.h"

#define LIT(o, s) ap_out_write((o), (s), sizeof(s) - 1)

/* The fixed-size parts of one event (the pid/tid text, numbers, a timestamp, the literals and a
 * category) are written through a cursor (ap_out_room) with this much room. */
#define EV_ROOM 512

/* A name or category of the events: a literal padded to a whole block, so that it is copied
 * at a fixed size. */
struct lit {
	char s[32];
	size_t n;
};
#define TV_LIT(str) { str, sizeof(str) - 1 }

static const struct lit CAT_CPU_OP = TV_LIT("cpu_op"), CAT_DEQUEUE = TV_LIT("dequeue"),
			CAT_ENQUEUE = TV_LIT("enqueue"), CAT_QUEUE = TV_LIT("async_task_queue"),
			CAT_FWDBWD = TV_LIT("fwdbwd"), CAT_PYTHON = TV_LIT("python_function"),
			CAT_GC = TV_LIT("GC"), CAT_NPU = TV_LIT("async_npu"),
			FLOW_QUEUE = TV_LIT("enqueue_to_dequeue"), FLOW_NPU = TV_LIT("torch_to_npu");

static char *put_lit(char *p, const struct lit *l)
{
	return ap_cur_text(p, l->s, l->n, sizeof(l->s));
}

#define GC_PID_SHIFT 10   /* TraceEventManager.PID_OFFSET */
#define GC_SORT_SHIFT 5   /* TraceEventManager.INDEX_OFFSET */
#define GC_SORT_INDEX 1   /* TraceEventManager.GC_SORT_INDEX */

/* ---- insertion-ordered tid -> "is a dequeue thread" map (upstream's tid_dict) ---- */

struct tidmap {
	uint64_t *tid;          /* insertion order */
	uint8_t *deq;
	uint32_t n, cap;
	struct ap_u64map index; /* tid -> position */
	uint32_t last;          /* position + 1 of the last tid set (runs of one thread are common) */
};

static void tidmap_release(struct tidmap *m)
{
	free(m->tid);
	free(m->deq);
	ap_u64map_release(&m->index);
	memset(m, 0, sizeof(*m));
}

/* Sets the flag of tid (inserting it at the end if new); with only_new, a known tid is left
 * as it is. Returns 0 or AP_ENOMEM. */
static int tidmap_set(struct tidmap *m, uint64_t tid, int deq, int only_new)
{
	struct ap_u64map_slot *s;
	int added;

	if (!(m->last && m->tid[m->last - 1] == tid)) {
		s = ap_u64map_get(&m->index, tid, &added);
		if (!s)
			return AP_ENOMEM;
		if (added) {
			if (m->n == m->cap) {
				uint32_t ncap = m->cap ? m->cap * 2 : 64;
				uint64_t *t = realloc(m->tid, ncap * sizeof(*t));
				uint8_t *d;

				if (!t)
					return AP_ENOMEM;
				m->tid = t;
				d = realloc(m->deq, ncap);
				if (!d)
					return AP_ENOMEM;
				m->deq = d;
				m->cap = ncap;
			}
			s->val = m->n;
			m->tid[m->n] = tid;
			m->deq[m->n++] = (uint8_t)deq;
			m->last = m->n;
			return 0;
		}
		m->last = s->val + 1;
	}
	if (!only_new)
		m->deq[m->last - 1] = (uint8_t)deq;
	return 0;
}

/* ---- dequeue name by correlation id (the last dequeue with the id wins) ---- */

/* Dequeues sorted by correlation id, ties in list order. */
static const struct ap_qev *dequeue_by_corr(const struct ap_queue *q, const struct ap_sortkey *e,
					    size_t n, uint64_t corr)
{
	int64_t key = ap_sortkey_u64(corr);
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].key <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && e[lo - 1].key == key ? &q->deq.v[e[lo - 1].idx] : NULL;
}

/* ---- event writers ---- */

struct tv {
	struct ap_out *o;
	const struct ap_strtab *st;
	const struct ap_thread *threads; /* of the queue events */
	const struct ap_thread *pythreads; /* of the Python frames */
	struct ap_strbuf name;  /* reused for "Dequeue@x" / "Enqueue@x" */
	struct ap_esc_cache str;  /* interned strings as JSON strings */
	struct ap_esc_cache semi; /* the same with ';' -> ";\r\n" */
	int first;
	/* ", \"pid\": P, \"tid\": T" of the last pair written: most events follow one of
	 * the same thread */
	uint64_t last_pid, last_tid;
	size_t pt_len;
	char pt[2 * AP_FMT_MAX + 24];
	/* the last correlation id written: a queue event's flow repeats it */
	uint64_t corr;
	size_t corr_len;
	char corr_text[24];
};

/* ", " before every element but the first, at cursor p. */
static char *cur_elem(struct tv *w, char *p)
{
	if (w->first)
		w->first = 0;
	else
		AP_CUR_LIT(p, ", ");
	return p;
}

static void elem(struct tv *w)
{
	ap_out_advance(w->o, cur_elem(w, ap_out_room(w->o, 2)));
}

static void put_sid(struct tv *w, uint32_t id)
{
	ap_out_str_id(w->o, &w->str, id);
}

/* , "pid": P, "tid": T at cursor p (room for sizeof(w->pt) bytes) */
static char *put_pid_tid(struct tv *w, char *p, uint64_t pid, uint64_t tid)
{
	if (!w->pt_len || pid != w->last_pid || tid != w->last_tid) {
		size_t n = 0;

		memcpy(w->pt, ", \"pid\": ", 9);
		n = 9 + ap_fmt_u64(w->pt + 9, pid);
		memcpy(w->pt + n, ", \"tid\": ", 9);
		n += 9;
		n += ap_fmt_u64(w->pt + n, tid);
		w->pt_len = n;
		w->last_pid = pid;
		w->last_tid = tid;
	}
	return ap_cur_text(p, w->pt, w->pt_len, sizeof(w->pt));
}

/* correlation id v at cursor p (room for 24 bytes) */
static char *put_corr(struct tv *w, char *p, uint64_t v)
{
	if (!w->corr_len || v != w->corr) {
		w->corr_len = ap_fmt_u64(w->corr_text, v);
		w->corr = v;
	}
	return ap_cur_text(p, w->corr_text, w->corr_len, sizeof(w->corr_text));
}

static void pid_tid(struct tv *w, uint64_t pid, uint64_t tid)
{
	ap_out_advance(w->o, put_pid_tid(w, ap_out_room(w->o, sizeof(w->pt)), pid, tid));
}

/* {"ph": "X", "name": — the caller writes the name next. */
static void x_open(struct tv *w)
{
	char *p = cur_elem(w, ap_out_room(w->o, 32));

	AP_CUR_LIT(p, "{\"ph\": \"X\", \"name\": ");
	ap_out_advance(w->o, p);
}

/* , "pid": P, "tid": T, "ts": "S", "dur": D, "cat": "<cat>", "args": at cursor p (from
 * ap_out_room(w->o, EV_ROOM)) — the caller writes the args next. */
static char *x_rest(struct tv *w, char *p, uint64_t pid, uint64_t tid, int64_t ts, int64_t dur,
		    const struct lit *cat)
{
	p = put_pid_tid(w, p, pid, tid);
	AP_CUR_LIT(p, ", \"ts\": \"");
	p += ap_fmt_ns_us3(p, ts);
	AP_CUR_LIT(p, "\", \"dur\": ");
	p += ap_fmt_ns_us_float(p, dur);
	AP_CUR_LIT(p, ", \"cat\": \"");
	p = put_lit(p, cat);
	AP_CUR_LIT(p, "\", \"args\": ");
	return p;
}

/* A flow event {"ph": ph, "bp": "e", "name": name, "id": id, "pid", "tid", "ts", "cat"}. */
static void flow(struct tv *w, char ph, const struct lit *name, int64_t id, int id_signed,
		 uint64_t pid, uint64_t tid, int64_t ts, const struct lit *cat)
{
	char *p = cur_elem(w, ap_out_room(w->o, EV_ROOM));

	AP_CUR_LIT(p, "{\"ph\": \"");
	*p++ = ph;
	AP_CUR_LIT(p, "\", \"bp\": \"e\", \"name\": \"");
	p = put_lit(p, name);
	AP_CUR_LIT(p, "\", \"id\": ");
	p = id_signed ? p + ap_fmt_i64(p, id) : put_corr(w, p, (uint64_t)id);
	p = put_pid_tid(w, p, pid, tid);
	AP_CUR_LIT(p, ", \"ts\": \"");
	p += ap_fmt_ns_us3(p, ts);
	AP_CUR_LIT(p, "\", \"cat\": \"");
	p = put_lit(p, cat);
	AP_CUR_LIT(p, "\"}");
	ap_out_advance(w->o, p);
}

/* {"ph": "M", "name": what, "pid": P, "tid": T, "args": {"key": — the caller writes the value. */
static void m_open(struct tv *w, const char *what, uint64_t pid, uint64_t tid, const char *key)
{
	elem(w);
	LIT(w->o, "{\"ph\": \"M\", \"name\": \"");
	ap_out_puts(w->o, what);
	ap_out_putc(w->o, '"');
	pid_tid(w, pid, tid);
	LIT(w->o, ", \"args\": {\"");
	ap_out_puts(w->o, key);
	LIT(w->o, "\": ");
}

static void m_str(struct tv *w, const char *what, uint64_t pid, uint64_t tid, const char *key,
		  const char *val)
{
	m_open(w, what, pid, tid, key);
	ap_json_str(w->o, val, strlen(val));
	LIT(w->o, "}}");
}

static void m_num(struct tv *w, const char *what, uint64_t pid, uint64_t tid, const char *key,
		  uint64_t val)
{
	m_open(w, what, pid, tid, key);
	ap_json_u64(w->o, val);
	LIT(w->o, "}}");
}

/* The three process metadata events of a framework or GC process. */
static void m_process(struct tv *w, uint64_t pid, const char *name, uint64_t sort_index)
{
	m_str(w, "process_name", pid, 0, "name", name);
	m_str(w, "process_labels", pid, 0, "labels", "CPU");
	m_num(w, "process_sort_index", pid, 0, "sort_index", sort_index);
}

/* §8.1 item 1: one cpu_op per torch op, in file order: ops [from, to). */
static void cpu_ops(struct tv *w, const struct ap_host *h, size_t from, size_t to)
{
	static const struct {
		struct lit key;
		size_t off;
		int semi;
	} opt[] = {
		{ TV_LIT(", \"Input Dims\": "), offsetof(struct ap_op, input_dims), 1 },
		{ TV_LIT(", \"Input type\": "), offsetof(struct ap_op, input_type), 1 },
		{ TV_LIT(", \"Call stack\": "), offsetof(struct ap_op, call_stack), 1 },
		{ TV_LIT(", \"Module Hierarchy\": "), offsetof(struct ap_op, module), 0 },
		{ TV_LIT(", \"flops\": "), offsetof(struct ap_op, flops), 0 },
	};
	size_t i, k;

	for (i = from; i < to; i++) {
		const struct ap_op *op = &h->ops.v[i];
		char *p;

		x_open(w);
		put_sid(w, op->name);
		p = x_rest(w, ap_out_room(w->o, EV_ROOM), op->pid, op->tid, op->ts, op->end - op->ts,
			   &CAT_CPU_OP);
		AP_CUR_LIT(p, "{\"Sequence number\": ");
		p += ap_fmt_i64(p, op->seq);
		AP_CUR_LIT(p, ", \"Fwd thread id\": ");
		p += ap_fmt_u64(p, op->fwd_tid);
		ap_out_advance(w->o, p);
		for (k = 0; k < sizeof(opt) / sizeof(opt[0]); k++) {
			uint32_t id;

			memcpy(&id, (const char *)op + opt[k].off, sizeof(id));
			if (id == AP_STR_NONE)
				continue;
			ap_out_advance(w->o, put_lit(ap_out_room(w->o, sizeof(opt[k].key.s)),
						     &opt[k].key));
			ap_out_str_id(w->o, opt[k].semi ? &w->semi : &w->str, id);
		}
		LIT(w->o, "}}");
	}
}

static void queue_event(struct tv *w, const struct ap_qev *e, const char *prefix,
			const struct ap_qev *named_by, const struct lit *cat)
{
	const char *enc = NULL;
	size_t len = 0;
	char *p;

	x_open(w);
	if (named_by && named_by->name != AP_STR_NONE)
		enc = ap_esc_cache_get(&w->str, named_by->name, &len);
	if (enc) {
		/* "Prefix@ then the name's own JSON string without its opening quote */
		ap_out_putc(w->o, '"');
		ap_out_puts(w->o, prefix);
		ap_out_putc(w->o, '@');
		ap_out_write(w->o, enc + 1, len - 1);
	} else {
		ap_strbuf_reset(&w->name);
		ap_strbuf_addstr(&w->name, prefix);
		if (named_by) {
			const char *s = ap_strtab_get(w->st, named_by->name);

			ap_strbuf_addch(&w->name, '@');
			ap_strbuf_add(&w->name, s ? s : "", ap_strtab_len(w->st, named_by->name));
		}
		ap_json_str(w->o, w->name.buf, w->name.len);
	}
	p = x_rest(w, ap_out_room(w->o, EV_ROOM), w->threads[e->thread].pid,
		   w->threads[e->thread].tid, e->ts, e->dur, cat);
	AP_CUR_LIT(p, "{\"correlation_id\": ");
	p = put_corr(w, p, e->corr);
	AP_CUR_LIT(p, "}}");
	ap_out_advance(w->o, p);
}

/* The dequeues sorted by correlation id, ties in list order (dequeue_by_corr), into *out
 * (malloc'd). Returns 0 or AP_ENOMEM. */
static int dequeues_by_corr(const struct ap_queue *q, struct ap_sortkey **out)
{
	struct ap_sortkey *e = malloc((q->deq.n ? q->deq.n : 1) * sizeof(*e));
	size_t i;

	*out = e;
	if (!e)
		return AP_ENOMEM;
	for (i = 0; i < q->deq.n; i++) {
		e[i].key = ap_sortkey_u64(q->deq.v[i].corr);
		e[i].idx = (uint32_t)i;
	}
	return ap_sort_keys(e, q->deq.n) < 0 ? AP_ENOMEM : 0;
}

/* §8.1 item 2: dequeues [from, to) with their flow ends. */
static void dequeues(struct tv *w, const struct ap_queue *q, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct ap_qev *d = &q->deq.v[i];

		queue_event(w, d, "Dequeue", d, &CAT_DEQUEUE);
		flow(w, 'f', &FLOW_QUEUE, (int64_t)d->corr, 0, w->threads[d->thread].pid,
		     w->threads[d->thread].tid, d->ts, &CAT_QUEUE);
	}
}

/* §8.1 item 3: enqueues [from, to) with their flow starts, each named by the last dequeue of
 * its correlation id (by_corr: dequeues_by_corr). */
static void enqueues(struct tv *w, const struct ap_queue *q, const struct ap_sortkey *by_corr,
		     size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct ap_qev *n = &q->enq.v[i];

		queue_event(w, n, "Enqueue", dequeue_by_corr(q, by_corr, q->deq.n, n->corr),
			    &CAT_ENQUEUE);
		flow(w, 's', &FLOW_QUEUE, (int64_t)n->corr, 0, w->threads[n->thread].pid,
		     w->threads[n->thread].tid, n->ts, &CAT_QUEUE);
	}
}

/* §8.1 item 4: the framework process and one name/sort index pair per thread. */
static void thread_meta(struct tv *w, uint64_t pid, const struct tidmap *tids)
{
	uint64_t max = 0;
	uint32_t i;
	char name[AP_FMT_MAX + 8];

	for (i = 0; i < tids->n; i++)
		if (tids->tid[i] > max)
			max = tids->tid[i];
	m_process(w, pid, "Python", 0);
	for (i = 0; i < tids->n; i++) {
		memcpy(name, "Thread ", 7);
		name[7 + ap_fmt_u64(name + 7, tids->tid[i])] = '\0';
		m_str(w, "thread_name", pid, tids->tid[i], "name", name);
		m_num(w, "thread_sort_index", pid, tids->tid[i], "sort_index",
		      tids->deq[i] ? max + 1 : tids->tid[i]);
	}
}

/* §8.1 item 5: fwdbwd flows of pairs [from, to) whose ops run on different threads. */
static void fwdbwd_flows(struct tv *w, const struct ap_host *h, const struct ap_fwdbwd_vec *fb,
			 size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct ap_op *s = &h->ops.v[fb->v[i].start_op];
		const struct ap_op *e = &h->ops.v[fb->v[i].end_op];

		if (s->tid == e->tid)
			continue;
		flow(w, 's', &CAT_FWDBWD, fb->v[i].seq, 1, s->pid, s->tid, s->ts, &CAT_FWDBWD);
		flow(w, 'f', &CAT_FWDBWD, fb->v[i].seq, 1, e->pid, e->tid, e->ts, &CAT_FWDBWD);
	}
}

/* §8.1 item 6: python_function events [from, to). A key missing from the hash table is its own
 * name. */
static void python_frames(struct tv *w, const struct ap_pyframe_vec *py, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct ap_pyframe *f = &py->v[i];
		char *p;

		x_open(w);
		if (f->missing || f->name == AP_STR_NONE) {
			ap_out_putc(w->o, '"');
			ap_json_u64(w->o, f->key);
			ap_out_putc(w->o, '"');
		} else {
			put_sid(w, f->name);
		}
		p = x_rest(w, ap_out_room(w->o, EV_ROOM), w->pythreads[f->thread].pid,
			   w->pythreads[f->thread].tid, f->ts, f->end - f->ts, &CAT_PYTHON);
		AP_CUR_LIT(p, "{\"Python id\": ");
		p += ap_fmt_u64(p, f->id);
		AP_CUR_LIT(p, ", \"Python parent id\": ");
		p += ap_fmt_u64(p, f->parent_id);
		if (f->module_id >= 0) {
			AP_CUR_LIT(p, ", \"Python module id\": ");
			p += ap_fmt_i64(p, f->module_id);
		}
		AP_CUR_LIT(p, "}}");
		ap_out_advance(w->o, p);
	}
}

/* GC lane pid: (os_pid << 10) | (1 << 5) | device_id. Upstream ORs in -1 when the dump has
 * no device dir, which makes every GC pid -1; ascprof uses device bits 0 then
 * (docs/compatibility.md). */
static uint64_t gc_pid(uint64_t os_pid, int device_id)
{
	return (os_pid << GC_PID_SHIFT) | ((uint64_t)GC_SORT_INDEX << GC_SORT_SHIFT) |
	       (uint64_t)(device_id < 0 ? 0 : device_id);
}

/* §8.1 item 7: GC pauses [from, to). */
static void gc_events(struct tv *w, const struct ap_host *h, int device_id, size_t from,
		      size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct ap_gc *g = &h->gcs.v[i];

		char *p = cur_elem(w, ap_out_room(w->o, EV_ROOM));

		AP_CUR_LIT(p, "{\"ph\": \"X\", \"name\": \"GC\"");
		p = x_rest(w, p, gc_pid(g->pid, device_id), g->pid, g->ts, g->end - g->ts, &CAT_GC);
		AP_CUR_LIT(p, "{}}");
		ap_out_advance(w->o, p);
	}
}

/* §8.1 item 7, after the pauses: their process and thread metadata. */
static void gc_meta(struct tv *w, const struct ap_host *h, int device_id)
{
	uint64_t pid, tid;

	if (!h->gcs.n)
		return;
	pid = gc_pid(h->gcs.v[0].pid, device_id);
	tid = h->gcs.v[0].pid;
	m_process(w, pid, "Python GC", GC_SORT_INDEX);
	m_str(w, "thread_name", pid, tid, "name", "Python GC");
	m_num(w, "thread_sort_index", pid, tid, "sort_index", tid);
}

/* §8.1 CANN part, step 2: the torch_to_npu flows, from each torch op to the timeline event
 * of each kernel credited to it (krel->flows, in torch_npu's order). The end takes the pid,
 * tid and ts of the kernel's HostToDevice 'f' (ends), as torch_npu reads the kernel from the
 * event under it; a kernel whose flow was not drawn gets none (upstream finds no event). */
static void torch_to_npu_flows(struct tv *w, const struct ap_host *h,
			       const struct ap_kernel_rel *krel, const struct ap_tv_fend *ends,
			       size_t nends)
{
	size_t i;

	for (i = 0; i < krel->flows.n; i++) {
		const struct ap_krel_flow *f = &krel->flows.v[i];
		const struct ap_op *op = &h->ops.v[f->op];
		const struct ap_tv_fend *e;

		if (f->flow >= nends || !ends[f->flow].set)
			continue;
		e = &ends[f->flow];
		flow(w, 's', &FLOW_NPU, e->ts, 1, op->pid, op->tid, op->ts, &CAT_NPU);
		flow(w, 'f', &FLOW_NPU, e->ts, 1, e->pid, e->tid, e->ts, &CAT_NPU);
	}
}

/* §8.1 CANN part from msprof's exported timeline: its events as torch_npu re-serialises them
 * (pruned at Level0), then the torch_to_npu flows, which end at the device event under each
 * HostToDevice flow's 'f' (tl->ends). One array with ", " throughout, as the raw path writes
 * it (upstream's "},{" junction and ",]": docs/compatibility.md). Returns 0 or AP_ENOMEM. */
static int timeline_part(struct tv *w, const struct ap_fwk_view *v)
{
	const struct ap_cann_tl *tl = v->tl;
	struct ap_tv_fend *ends = NULL;
	size_t i;

	for (i = 0; i < tl->ev.n; i++) {
		if (v->level0 && tl->ev.v[i].prune0)
			continue;
		elem(w);
		ap_out_write(w->o, tl->text.buf + tl->ev.v[i].off, tl->ev.v[i].len);
	}
	if (!v->krel || !v->krel->flows.n || !tl->ends.n)
		return 0;
	ends = calloc(tl->ends.n, sizeof(*ends));
	if (!ends)
		return AP_ENOMEM;
	for (i = 0; i < tl->ends.n; i++) {
		ends[i].ts = tl->ends.v[i].ts;
		ends[i].pid = (uint64_t)tl->ends.v[i].pid;
		ends[i].tid = (uint64_t)tl->ends.v[i].tid;
		ends[i].set = 1;
	}
	torch_to_npu_flows(w, v->h, v->krel, ends, tl->ends.n);
	free(ends);
	return 0;
}

/* upstream's tid_dict: op tids (not dequeue), dequeue tids (dequeue), enqueue tids (not
 * dequeue), then python tracer tids only when new; insertion order is first appearance. */
static int collect_tids(const struct ap_fwk_view *v, struct tidmap *m)
{
	const struct ap_queue *q = v->q;
	size_t i;

	for (i = 0; i < v->h->ops.n; i++)
		AP_FORWARD_IF_ERROR(tidmap_set(m, v->h->ops.v[i].tid, 0, 0));
	for (i = 0; q && i < q->deq.n; i++)
		AP_FORWARD_IF_ERROR(tidmap_set(m, v->h->threads.v[q->deq.v[i].thread].tid, 1, 0));
	for (i = 0; q && i < q->enq.n; i++)
		AP_FORWARD_IF_ERROR(tidmap_set(m, v->h->threads.v[q->enq.v[i].thread].tid, 0, 0));
	for (i = 0; v->py && i < v->py->n; i++)
		AP_FORWARD_IF_ERROR(tidmap_set(m, v->h->pythreads.v[v->py->v[i].thread].tid, 0, 1));
	return 0;
}

/* ---- the file in pieces (struct ap_pieces): the framework events, in §8.1's order ---- */

enum section { S_OPS, S_DEQ, S_ENQ, S_META, S_FWDBWD, S_PY, S_GC, S_GC_META, S_COUNT };

/* Events (fwdbwd: pairs) per piece: about 200 KB of text each, within one output buffer; the
 * two metadata sections are one piece each. */
static const size_t per_piece[S_COUNT] = {
	[S_OPS] = 448, [S_DEQ] = 600, [S_ENQ] = 600, [S_FWDBWD] = 768, [S_PY] = 832,
	[S_GC] = 1536,
};

struct plan {
	const struct ap_fwk_view *v;
	const struct ap_queue *q;
	const struct ap_sortkey *by_corr;
	const struct tidmap *tids;
	uint64_t pid;
	size_t n[S_COUNT];         /* events of each section */
	size_t start[S_COUNT + 1]; /* its first piece */
};

static void plan_pieces(struct plan *p)
{
	const struct ap_host *h = p->v->h;
	size_t s;

	p->n[S_OPS] = h->ops.n;
	p->n[S_DEQ] = p->q->deq.n;
	p->n[S_ENQ] = p->q->enq.n;
	p->n[S_FWDBWD] = p->v->fb ? p->v->fb->n : 0;
	p->n[S_PY] = p->v->py ? p->v->py->n : 0;
	p->n[S_GC] = h->gcs.n;
	p->start[0] = 0;
	for (s = 0; s < S_COUNT; s++)
		p->start[s + 1] = p->start[s] + (per_piece[s] ? ap_pieces_of(p->n[s], per_piece[s]) : 1);
}

static int tv_init(void *wv, const void *ctx)
{
	struct tv *w = wv;
	const struct plan *p = ctx;

	ap_strbuf_init(&w->name);
	w->st = &p->v->h->strs;
	w->threads = p->v->h->threads.v;
	w->pythreads = p->v->h->pythreads.v;
	if (ap_esc_cache_init(&w->str, AP_ESC_JSON, w->st) < 0)
		return AP_ENOMEM;
	return ap_esc_cache_init(&w->semi, AP_ESC_JSON_SEMI, w->st);
}

static void tv_release(void *wv)
{
	struct tv *w = wv;

	ap_strbuf_release(&w->name);
	ap_esc_cache_release(&w->str);
	ap_esc_cache_release(&w->semi);
}

static int tv_piece(struct ap_out *o, void *wv, size_t i, int *first, const void *ctx)
{
	struct tv *w = wv;
	const struct plan *p = ctx;
	const struct ap_fwk_view *v = p->v;
	enum section s = S_OPS;
	size_t from, to;

	while (i >= p->start[s + 1])
		s++;
	from = (i - p->start[s]) * per_piece[s];
	to = ap_piece_end(i - p->start[s], per_piece[s], p->n[s]);
	w->o = o;
	w->first = *first;
	switch (s) {
	case S_OPS: cpu_ops(w, v->h, from, to); break;
	case S_DEQ: dequeues(w, p->q, from, to); break;
	case S_ENQ: enqueues(w, p->q, p->by_corr, from, to); break;
	case S_META:
		if (v->h->ops.n || p->q->enq.n || p->q->deq.n)
			thread_meta(w, p->pid, p->tids);
		break;
	case S_FWDBWD: fwdbwd_flows(w, v->h, v->fb, from, to); break;
	case S_PY: python_frames(w, v->py, from, to); break;
	case S_GC: gc_events(w, v->h, v->device_id, from, to); break;
	case S_GC_META: gc_meta(w, v->h, v->device_id); break;
	case S_COUNT: break;
	}
	*first = w->first;
	return w->name.failed ? AP_ENOMEM : 0;
}

/* The CANN part after the framework events. Its flows need only w's output, first flag and
 * pid/tid text, none of a piece worker's caches. Returns 0 or AP_ENOMEM. */
static int cann_part(struct tv *w, const struct ap_fwk_view *v)
{
	if (v->cann) {
		size_t nends = v->krel && v->krel->flows.n ? v->cann->flows.n : 0;
		struct ap_tv_fend *ends = nends ? calloc(nends, sizeof(*ends)) : NULL;
		int ret = nends && !ends ? AP_ENOMEM
					 : ap_tv__cann(w->o, &w->first, v->cann, v->overlap,
						       v->level0, ends);

		if (ret == 0 && nends)
			torch_to_npu_flows(w, v->h, v->krel, ends, nends);
		free(ends);
		AP_FORWARD_IF_ERROR(ret);
	}
	return v->tl ? timeline_part(w, v) : 0;
}

int ap_write_trace_view(const char *dir, const struct ap_fwk_view *v, struct ap_err *err)
{
	static const struct ap_queue no_queue;
	const struct ap_host *h = v->h;
	const struct ap_queue *q = v->q ? v->q : &no_queue;
	struct ap_sortkey *by_corr = NULL;
	struct tidmap tids;
	struct plan p;
	struct ap_pieces pieces;
	struct ap_out o;
	struct tv tail; /* the CANN part's writer */
	int ret, first = 1;

	memset(&p, 0, sizeof(p));
	/* The process of the first torch op, else of the first enqueue, else of the first
	 * dequeue; with none of them upstream writes no framework events at all. */
	if (h->ops.n)
		p.pid = h->ops.v[0].pid;
	else if (q->enq.n)
		p.pid = h->threads.v[q->enq.v[0].thread].pid;
	else if (q->deq.n)
		p.pid = h->threads.v[q->deq.v[0].thread].pid;
	else if (!v->cann && !v->tl)
		return 0;
	/* else no framework events: the CANN part alone */
	memset(&tids, 0, sizeof(tids));
	memset(&o, 0, sizeof(o));
	memset(&tail, 0, sizeof(tail));
	p.v = v;
	p.q = q;
	p.tids = &tids;
	ret = collect_tids(v, &tids);
	if (ret == 0)
		ret = dequeues_by_corr(q, &by_corr);
	if (ret < 0) {
		ap_err_set(err, AP_ENOMEM, "trace_view.json: out of memory");
		goto out;
	}
	p.by_corr = by_corr;
	plan_pieces(&p);
	memset(&pieces, 0, sizeof(pieces));
	pieces.n = p.start[S_COUNT];
	pieces.piece = tv_piece;
	pieces.init = tv_init;
	pieces.release = tv_release;
	pieces.worker_size = sizeof(struct tv);
	pieces.ctx = &p;
	pieces.sep_len = 2; /* ", " (elem) */
	ret = ap_out_open(&o, dir, "trace_view.json", err);
	if (ret < 0)
		goto out;
	ap_out_putc(&o, '[');
	ret = ap_pieces_run(v->pieces, &o, &pieces, &first);
	tail.o = &o;
	tail.first = first;
	if (ret == 0)
		ret = cann_part(&tail, v);
	if (ret < 0) {
		ap_err_set(err, AP_ENOMEM, "trace_view.json: out of memory");
		goto out;
	}
	ap_out_putc(&o, ']');
	ret = ap_out_commit(&o, err);
out:
	ap_out_abort(&o);
	tidmap_release(&tids);
	free(by_corr);
	return ret;
}
