/* Unit tests of lib/analysis host passes on in-memory tables: task-queue pairing (§7.2),
 * op tree (§7.3), fwd/bwd pairs (§8.1 item 5), Python tracer replay (§8.1 item 6), op names of
 * the memory lifecycles (§8.6). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/host.h"
#include "ap/hostan.h"
#include "ap/npukernel.h"
#include "ap/memview.h"

static struct ap_host h;
static struct ap_u64map thread_idx; /* numbers the markers' threads, as the loader does */
static struct ap_u64map pythread_idx; /* and the tracer records' */
static struct ap_u64map memthread_idx; /* and the memory records' */

static void setup(void)
{
	ck_assert_int_eq(ap_host_init(&h), 0);
	ck_assert_int_eq(ap_u64map_init(&thread_idx, 16), 0);
}

static void teardown(void)
{
	ap_host_release(&h);
	ap_u64map_release(&thread_idx);
	ap_u64map_release(&pythread_idx);
	ap_u64map_release(&memthread_idx);
}

static uint32_t S(const char *s)
{
	return ap_strtab_intern(&h.strs, s, strlen(s), NULL);
}

static void add_op(const char *name, int64_t ts, int64_t end, uint64_t tid, int64_t seq,
		   uint64_t fwd)
{
	struct ap_op *op = ap_vec_push(&h.ops);

	op->name = S(name);
	op->ts = ts;
	op->end = end;
	op->tid = tid;
	op->pid = 100;
	op->seq = seq;
	op->fwd_tid = fwd;
}

static void add_mark(int cat, int64_t ts, uint64_t tid, uint64_t corr, const char *name)
{
	struct ap_mark *m = ap_vec_push(&h.marks);
	uint32_t thread;

	ck_assert_int_eq(ap_thread_number(&h.threads, &thread_idx, 100, tid, &thread), 0);
	m->cat = (uint32_t)cat;
	m->ts = ts;
	m->thread = thread;
	m->corr = corr;
	m->name = S(name);
}

/* More open keys than the start table first holds: it grows, and every start is still
 * found by its end, the last start of a key winning after the growth too. A queue built again
 * is emptied first. */
START_TEST(queue_many_open_keys)
{
	enum { NAMES = 300 };
	struct ap_queue q;
	struct ap_err err = AP_ERR_INIT;
	char name[16];
	int i, t;

	ap_queue_init(&q);
	for (t = 1; t <= 2; t++)
		for (i = 0; i < NAMES; i++) {
			snprintf(name, sizeof(name), "op%d", i);
			add_mark(AP_ENQUEUE_START, 1000 + i, (uint64_t)t, 0, name);
			add_mark(AP_DEQUEUE_START, 2000 + i, (uint64_t)t, 0, name);
		}
	add_mark(AP_ENQUEUE_START, 2999, 1, 0, "op0"); /* a later start of a key */
	for (t = 1; t <= 2; t++)
		for (i = NAMES - 1; i >= 0; i--) {
			uint64_t corr = (uint64_t)(t * 1000 + i);

			snprintf(name, sizeof(name), "op%d", i);
			add_mark(AP_ENQUEUE_END, 3000 + 2 * i + t, (uint64_t)t, corr, name);
			add_mark(AP_DEQUEUE_END, 5000 + 2 * i + t, (uint64_t)t, corr, name);
		}
	add_mark(AP_ENQUEUE_END, 9000, 3, 1, "op0"); /* a thread that started nothing */
	ck_assert_int_eq(ap_queue_build(&h, &q, &err), 0);
	/* built again over what it holds: the same pairs, not twice */
	ck_assert_int_eq(ap_queue_build(&h, &q, &err), 0);
	ck_assert_uint_eq(q.enq.n, 2 * NAMES);
	ck_assert_uint_eq(q.deq.n, 2 * NAMES);
	ck_assert_uint_eq(q.unmatched, 1);
	for (i = 0; i < 2 * NAMES; i++) { /* in end-time order: thread 1 op0 first */
		int op = i / 2, thr = i % 2 + 1;

		ck_assert_uint_eq(q.enq.v[i].corr, (uint64_t)(thr * 1000 + op));
		ck_assert_int_eq(q.enq.v[i].ts, op == 0 && thr == 1 ? 2999 : 1000 + op);
		ck_assert_int_eq(q.enq.v[i].ts + q.enq.v[i].dur, 3000 + 2 * op + thr);
		ck_assert_int_eq(q.deq.v[i].ts, 2000 + op);
		ck_assert_int_eq(q.deq.v[i].dur, 5000 + 2 * op + thr - (2000 + op));
	}
	ap_queue_release(&q);
}
END_TEST

/* §7.2 as written, for the differential test below: a stable sort of the markers by time
 * (insertion sort), then one walk with the last start of each (tid, name, side). */
struct ref_pairs {
	struct ap_qev ev[2][600];
	size_t n[2];
	unsigned long unmatched;
	uint64_t first_unmatched_off;
};

static void ref_queue(const struct ap_mark *marks, size_t n, struct ref_pairs *out)
{
	static size_t order[1200];
	struct {
		uint64_t tid;
		uint32_t name;
		int deq;
		const struct ap_mark *start; /* the last start, NULL once an end took it */
	} key[64];
	size_t i, j, nkeys = 0;

	memset(out, 0, sizeof(*out));
	ck_assert_uint_le(n, 1200);
	for (i = 0; i < n; i++) {
		for (j = i; j > 0 && marks[order[j - 1]].ts > marks[i].ts; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < n; i++) {
		const struct ap_mark *m = &marks[order[i]];
		uint64_t tid = h.threads.v[m->thread].tid;
		int deq = m->cat >= AP_DEQUEUE_START;

		for (j = 0; j < nkeys; j++)
			if (key[j].tid == tid && key[j].name == m->name && key[j].deq == deq)
				break;
		if (j == nkeys) {
			ck_assert_uint_lt(nkeys, 64);
			key[nkeys].tid = tid;
			key[nkeys].name = m->name;
			key[nkeys].deq = deq;
			key[nkeys++].start = NULL;
		}
		if (m->cat == AP_ENQUEUE_START || m->cat == AP_DEQUEUE_START) {
			key[j].start = m;
		} else if (!key[j].start) {
			if (!out->unmatched++ || m->off < out->first_unmatched_off)
				out->first_unmatched_off = m->off;
		} else {
			out->ev[deq][out->n[deq]++] = (struct ap_qev){ key[j].start->ts,
								     m->ts - key[j].start->ts,
								     m->corr, m->thread, m->name };
			key[j].start = NULL;
		}
	}
}

/* Pairing walks the markers in file order when each key's are in time order there, and sorts
 * them first otherwise: both give §7.2's pairs, in end-time order with ties in file order.
 * Random files: threads write their markers in time order (equal times across threads) and
 * are interleaved; then a few markers are moved out of order (the sorted walk), at the start,
 * the middle or the end of the file. */
START_TEST(queue_file_order_as_sorted)
{
	static const char *const names[] = { "add", "mul", "matmul" };
	enum { THREADS = 3, PER_THREAD = 300 };
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 40; round++) {
		struct ap_queue q;
		struct ap_err err = AP_ERR_INIT;
		struct ref_pairs want;
		int64_t clock[THREADS] = { 0, 0, 0 };
		int left[THREADS], t, side;
		size_t i;

		h.marks.n = 0;
		for (t = 0; t < THREADS; t++)
			left[t] = PER_THREAD;
		while (left[0] + left[1] + left[2]) {
			struct ap_mark *m;

			seed = seed * 1103515245u + 12345u;
			t = (int)(seed >> 16) % THREADS;
			if (!left[t])
				continue;
			left[t]--;
			clock[t] += (seed >> 8) % 3; /* often equal times */
			add_mark((int)((seed >> 4) % 4), 1000 + clock[t], (uint64_t)t + 1,
				 (seed >> 12) % 50, names[(seed >> 20) % 3]);
			m = &h.marks.v[h.marks.n - 1];
			m->off = 16 * (uint64_t)(h.marks.n - 1);
		}
		if (round % 2) { /* some markers earlier than their key's before them */
			for (i = 0; i < 3; i++) {
				size_t a = (size_t)(round * 131 + i * 977) % h.marks.n;
				size_t b = round % 4 == 1 ? h.marks.n - 1 - i : (a + 400) % h.marks.n;
				struct ap_mark x = h.marks.v[a];

				h.marks.v[a] = h.marks.v[b];
				h.marks.v[b] = x;
			}
		}
		ref_queue(h.marks.v, h.marks.n, &want);
		ap_queue_init(&q);
		ck_assert_int_eq(ap_queue_build(&h, &q, &err), 0);
		ck_assert_uint_eq(q.unmatched, want.unmatched);
		ck_assert_uint_eq(q.first_unmatched_off, want.first_unmatched_off);
		ck_assert_uint_gt(want.n[0], 100);
		ck_assert_uint_gt(want.n[1], 100);
		for (side = 0; side < 2; side++) {
			const struct ap_qev *got = side ? q.deq.v : q.enq.v;

			ck_assert_uint_eq(side ? q.deq.n : q.enq.n, want.n[side]);
			for (i = 0; i < want.n[side]; i++) {
				ck_assert_int_eq(got[i].ts, want.ev[side][i].ts);
				ck_assert_int_eq(got[i].dur, want.ev[side][i].dur);
				ck_assert_uint_eq(got[i].corr, want.ev[side][i].corr);
				ck_assert_uint_eq(got[i].thread, want.ev[side][i].thread);
				ck_assert_uint_eq(got[i].name, want.ev[side][i].name);
			}
		}
		ap_queue_release(&q);
	}
}
END_TEST

/* Markers hold a thread number: one per (pid, tid), the same pair always the same number. */
START_TEST(threads_numbered_once)
{
	uint32_t a, b, c, d, e;

	ck_assert_int_eq(ap_thread_number(&h.threads, &thread_idx, 7, 1, &a), 0);
	ck_assert_int_eq(ap_thread_number(&h.threads, &thread_idx, 8, 1, &b), 0); /* same tid, other pid */
	ck_assert_int_eq(ap_thread_number(&h.threads, &thread_idx, 7, 2, &c), 0);
	ck_assert_int_eq(ap_thread_number(&h.threads, &thread_idx, 7, 1, &d), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(b, 1);
	ck_assert_uint_eq(c, 2);
	ck_assert_uint_eq(d, a);
	ck_assert_uint_eq(h.threads.n, 3);
	ck_assert_uint_eq(h.threads.v[b].pid, 8);
	ck_assert_uint_eq(h.threads.v[c].tid, 2);
	ck_assert_int_eq(ap_thread_number(&h.threads, &thread_idx, 8, 1, &e), 0);
	ck_assert_uint_eq(e, b);
}
END_TEST

START_TEST(queue_pairs_last_start)
{
	struct ap_queue q;
	struct ap_err err = AP_ERR_INIT;

	ap_queue_init(&q);
	/* Out of time order on purpose: pairing sorts by time first. */
	add_mark(AP_ENQUEUE_END, 120, 1, 7, "aclnnAdd");
	add_mark(AP_ENQUEUE_START, 100, 1, 0, "aclnnAdd");
	add_mark(AP_ENQUEUE_START, 110, 1, 0, "aclnnAdd"); /* the last start wins */
	add_mark(AP_DEQUEUE_START, 130, 2, 7, "aclnnAdd");
	add_mark(AP_DEQUEUE_END, 150, 2, 7, "aclnnAdd");
	add_mark(AP_DEQUEUE_END, 160, 2, 8, "aclnnAdd");   /* no start left: dropped */
	add_mark(AP_ENQUEUE_END, 170, 1, 9, "aclnnMul");   /* no start at all */
	ck_assert_int_eq(ap_queue_build(&h, &q, &err), 0);
	ck_assert_uint_eq(q.enq.n, 1);
	ck_assert_int_eq(q.enq.v[0].ts, 110);
	ck_assert_int_eq(q.enq.v[0].dur, 10);
	ck_assert_uint_eq(q.enq.v[0].corr, 7);
	ck_assert_uint_eq(q.deq.n, 1);
	ck_assert_int_eq(q.deq.v[0].ts, 130);
	ck_assert_int_eq(q.deq.v[0].dur, 20);
	ck_assert_uint_eq(h.threads.v[q.deq.v[0].thread].tid, 2);
	ck_assert_uint_eq(q.unmatched, 2);
	ap_queue_release(&q);
}
END_TEST

START_TEST(tree_nesting_and_enqueue)
{
	struct ap_queue q;
	struct ap_tree t;
	struct ap_err err = AP_ERR_INIT;

	ap_queue_init(&q);
	ap_tree_init(&t);
	/* file order is end order; the tree is built in start order */
	add_op("aten::mm", 20, 40, 1, -1, 0);
	add_op("aten::matmul", 10, 50, 1, -1, 0);
	add_op("ProfilerStep#1", 0, 100, 1, -1, 0);
	add_op("aten::add", 60, 70, 1, -1, 0);
	add_op("other_thread", 65, 68, 2, -1, 0); /* nested by time only (quirk §7.3) */
	add_mark(AP_ENQUEUE_START, 25, 1, 0, "MatMul");
	add_mark(AP_ENQUEUE_END, 30, 1, 5, "MatMul");
	add_mark(AP_ENQUEUE_START, 66, 1, 0, "Add");   /* under other_thread's op: lost */
	add_mark(AP_ENQUEUE_END, 67, 1, 6, "Add");
	ck_assert_int_eq(ap_queue_build(&h, &q, &err), 0);
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	ck_assert_uint_eq(t.n, 5);
	/* nodes in start order: Step, matmul, mm, add, other_thread */
	ck_assert_uint_eq(t.op[0], 2);
	ck_assert_uint_eq(t.op[1], 1);
	ck_assert_uint_eq(t.op[2], 0);
	ck_assert_uint_eq(t.op[3], 3);
	ck_assert_uint_eq(t.op[4], 4);
	ck_assert_int_eq(t.parent[0], -1);
	ck_assert_int_eq(t.parent[1], 0);
	ck_assert_int_eq(t.parent[2], 1);
	ck_assert_int_eq(t.parent[3], 0);
	ck_assert_int_eq(t.parent[4], 3);
	ck_assert_int_eq(t.child_dur[0], 40 + 10);
	ck_assert_int_eq(t.child_dur[1], 20);
	ck_assert_int_eq(t.child_dur[3], 3);
	ck_assert_int_eq(t.enq_node[0], 2);  /* MatMul enqueued inside aten::mm */
	ck_assert_int_eq(t.enq_node[1], -1); /* current op is on another thread */
	ap_tree_release(&t);
	ap_queue_release(&q);
}
END_TEST

START_TEST(tree_equal_end_boundary)
{
	struct ap_tree t;
	struct ap_err err = AP_ERR_INIT;

	ap_tree_init(&t);
	add_op("a", 0, 10, 1, -1, 0);
	add_op("b", 10, 20, 1, -1, 0); /* starts at a's end: ts > end is false, so a child */
	add_op("c", 21, 30, 1, -1, 0);
	ck_assert_int_eq(ap_tree_build(&h, NULL, &t, &err), 0);
	ck_assert_int_eq(t.parent[1], 0);
	ck_assert_int_eq(t.parent[2], -1);
	ap_tree_release(&t);
}
END_TEST

START_TEST(fwdbwd_latest_and_threads)
{
	struct ap_fwdbwd_vec fb = { NULL, 0, 0 };
	struct ap_err err = AP_ERR_INIT;

	add_op("aten::mul", 10, 20, 1, 8, 0);
	add_op("aten::add", 5, 9, 1, 3, 0);
	add_op("MulBackward0", 50, 60, 2, 8, 1);
	add_op("aten::mul", 30, 40, 1, 8, 0);   /* later forward op with seq 8 wins */
	add_op("AddBackward0", 70, 80, 1, 3, 1); /* same thread as its forward: no flow */
	add_op("x", 1, 2, 1, -1, 0);
	ck_assert_int_eq(ap_fwdbwd_build(&h, &fb, &err), 0);
	ck_assert_uint_eq(fb.n, 1);
	ck_assert_int_eq(fb.v[0].seq, 8);
	ck_assert_uint_eq(fb.v[0].start_op, 3);
	ck_assert_uint_eq(fb.v[0].end_op, 2);
	free(fb.v);
}
END_TEST

/* Ties: an op starting at the same time as the kept one does not replace it (upstream
 * filter_fwd_bwd_event keeps the earlier op unless `kept ts < op ts`, §8.1 item 5). */
START_TEST(fwdbwd_equal_start_keeps_first)
{
	struct ap_fwdbwd_vec fb = { NULL, 0, 0 };
	struct ap_err err = AP_ERR_INIT;

	/* seq 4: two forward ops start at 100, on threads 1 and 2; the backward op is on 2.
	 * The first forward op (thread 1) stays the start: a flow 0 -> 2. Taking the second
	 * would put start and end on thread 2: no flow. */
	add_op("aten::mul", 100, 150, 1, 4, 0);     /* op 0 */
	add_op("aten::mul", 100, 140, 2, 4, 0);     /* op 1: tie */
	add_op("MulBackward0", 300, 350, 2, 4, 9);  /* op 2 */
	/* seq 6: one forward op on thread 1; two backward ops start at 500, on threads 3 and 1.
	 * The first (thread 3) stays the end: a flow 3 -> 4. */
	add_op("aten::add", 400, 420, 1, 6, 0);     /* op 3 */
	add_op("AddBackward0", 500, 510, 3, 6, 9);  /* op 4 */
	add_op("AddBackward0", 500, 505, 1, 6, 9);  /* op 5: tie */
	/* seq 7: a tie on both sides, all on different threads: the first of each is kept */
	add_op("aten::div", 600, 610, 5, 7, 0);     /* op 6 */
	add_op("aten::div", 600, 605, 6, 7, 0);     /* op 7 */
	add_op("DivBackward0", 700, 710, 7, 7, 9);  /* op 8 */
	add_op("DivBackward0", 700, 705, 8, 7, 9);  /* op 9 */
	ck_assert_int_eq(ap_fwdbwd_build(&h, &fb, &err), 0);
	ck_assert_uint_eq(fb.n, 3);
	ck_assert_int_eq(fb.v[0].seq, 4);
	ck_assert_uint_eq(fb.v[0].start_op, 0);
	ck_assert_uint_eq(fb.v[0].end_op, 2);
	ck_assert_int_eq(fb.v[1].seq, 6);
	ck_assert_uint_eq(fb.v[1].start_op, 3);
	ck_assert_uint_eq(fb.v[1].end_op, 4);
	ck_assert_int_eq(fb.v[2].seq, 7);
	ck_assert_uint_eq(fb.v[2].start_op, 6);
	ck_assert_uint_eq(fb.v[2].end_op, 8);
	free(fb.v);
}
END_TEST

/* Sequence number 0 is a sequence number: only negative ones mean "none" (§8.1 item 5,
 * "for each sequence number >= 0"); autograd numbers its first op 0. */
START_TEST(fwdbwd_sequence_zero)
{
	struct ap_fwdbwd_vec fb = { NULL, 0, 0 };
	struct ap_err err = AP_ERR_INIT;

	add_op("aten::mul", 10, 20, 1, 0, 0);
	add_op("MulBackward0", 50, 60, 2, 0, 1);
	add_op("aten::add", 70, 80, 1, -1, 0);
	add_op("AddBackward0", 90, 95, 2, -1, 1);
	ck_assert_int_eq(ap_fwdbwd_build(&h, &fb, &err), 0);
	ck_assert_uint_eq(fb.n, 1);
	ck_assert_int_eq(fb.v[0].seq, 0);
	ck_assert_uint_eq(fb.v[0].start_op, 0);
	ck_assert_uint_eq(fb.v[0].end_op, 1);
	free(fb.v);
}
END_TEST

static void add_py_of(uint64_t pid, int64_t ts, uint64_t tid, uint64_t key, int tag)
{
	struct ap_pyrec *r = ap_vec_push(&h.pyrecs);
	uint32_t thread;

	if (!pythread_idx.v)
		ck_assert_int_eq(ap_u64map_init(&pythread_idx, 16), 0);
	ck_assert_int_eq(ap_thread_number(&h.pythreads, &pythread_idx, pid, tid, &thread), 0);
	r->ts = ts;
	r->thread = thread;
	r->key = key;
	r->tag = (uint8_t)tag;
}

static void add_py(int64_t ts, uint64_t tid, uint64_t key, int tag)
{
	add_py_of(100, ts, tid, key, tag);
}

static void add_hash(uint64_t key, const char *value)
{
	struct ap_pyhash *p = ap_vec_push(&h.pyhash);

	p->key = key;
	p->value = S(value);
}

START_TEST(pytrace_replay)
{
	struct ap_pyframe_vec out = { NULL, 0, 0 };
	struct ap_err err = AP_ERR_INIT;
	struct ap_pymissing missing = { 0, 0 };

	add_hash(1, "train.py(30): <module>");
	add_hash(2, "Linear######0x10");
	add_hash(3, "Linear######0x20");
	add_hash(9, "__torch_npu_profiler_python_tracer_exit");
	/* thread 7: module call, two Linear instances, one never-closed frame */
	add_py(100, 7, 1, 0);  /* id 0 */
	add_py(110, 7, 2, 0);  /* id 1: nn.Module: Linear_0 */
	add_py(120, 7, 9, 1);  /* return */
	add_py(130, 7, 3, 0);  /* id 3: Linear_1 */
	add_py(140, 7, 9, 1);
	add_py(150, 7, 2, 0);  /* id 5: Linear_0 again */
	add_py(160, 7, 9, 1);
	add_py(105, 8, 42, 2); /* thread 8: C call with a key missing from the table */
	add_py(106, 8, 9, 3);
	ck_assert_int_eq(ap_pytrace_build(&h, &out, &missing, &err), 0);
	ck_assert_uint_eq(missing.count, 1);
	ck_assert_uint_eq(missing.first_rec, 7); /* the 8th record in file order */
	ck_assert_uint_eq(out.n, 5);
	/* thread 7 first, in pop order */
	ck_assert_str_eq(ap_strtab_get(&h.strs, out.v[0].name), "nn.Module: Linear_0");
	ck_assert_uint_eq(out.v[0].id, 1);
	ck_assert_uint_eq(out.v[0].parent_id, 0);
	ck_assert_int_eq(out.v[0].module_id, 0);
	ck_assert_int_eq(out.v[0].end, 120);
	ck_assert_str_eq(ap_strtab_get(&h.strs, out.v[1].name), "nn.Module: Linear_1");
	ck_assert_uint_eq(out.v[1].id, 3);
	ck_assert_int_eq(out.v[1].module_id, 1);
	ck_assert_str_eq(ap_strtab_get(&h.strs, out.v[2].name), "nn.Module: Linear_0");
	ck_assert_uint_eq(out.v[2].id, 5);
	/* never closed: ends at the thread's latest timestamp */
	ck_assert_str_eq(ap_strtab_get(&h.strs, out.v[3].name), "train.py(30): <module>");
	ck_assert_int_eq(out.v[3].end, 160);
	ck_assert_int_eq(out.v[3].module_id, -1);
	ck_assert_str_eq(ap_strtab_get(&h.strs, out.v[4].name), "42");
	ck_assert_uint_eq(h.pythreads.v[out.v[4].thread].tid, 8);
	ck_assert_int_eq(out.v[4].missing, 1);
	free(out.v);
}
END_TEST

/* The warning names the missing key met first in the file, though threads are replayed one
 * after the other: here thread 7 (first seen) holds the later of the two missing records. */
START_TEST(pytrace_missing_first_in_file_order)
{
	struct ap_pyframe_vec out = { NULL, 0, 0 };
	struct ap_err err = AP_ERR_INIT;
	struct ap_pymissing missing = { 0, 0 };

	add_hash(1, "train.py(30): <module>");
	add_py(100, 7, 1, 0);  /* rec 0 */
	add_py(105, 8, 43, 2); /* rec 1: missing, thread 8 */
	add_py(110, 7, 44, 2); /* rec 2: missing, thread 7 */
	ck_assert_int_eq(ap_pytrace_build(&h, &out, &missing, &err), 0);
	ck_assert_uint_eq(missing.count, 2);
	ck_assert_uint_eq(missing.first_rec, 1);
	free(out.v);
}
END_TEST

/* Records are replayed by thread id, whatever their pid (upstream groups them by tid): a call
 * of pid 100 is returned from by a record of pid 200 with the same tid; a frame keeps the pid
 * of its call. Threads come in first-appearance order. */
START_TEST(pytrace_threads_by_tid)
{
	struct ap_pyframe_vec out = { NULL, 0, 0 };
	struct ap_err err = AP_ERR_INIT;
	struct ap_pymissing missing = { 0, 0 };

	add_hash(1, "train.py(30): <module>");
	add_hash(2, "model.py(7): forward");
	add_py_of(100, 10, 7, 1, 0);
	add_py_of(100, 20, 8, 2, 0);
	add_py_of(200, 30, 7, 9, 1);
	add_py_of(100, 40, 8, 9, 1);
	ck_assert_int_eq(ap_pytrace_build(&h, &out, &missing, &err), 0);
	ck_assert_uint_eq(h.pythreads.n, 3);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_uint_eq(h.pythreads.v[out.v[0].thread].tid, 7);
	ck_assert_uint_eq(h.pythreads.v[out.v[0].thread].pid, 100);
	ck_assert_int_eq(out.v[0].ts, 10);
	ck_assert_int_eq(out.v[0].end, 30);
	ck_assert_uint_eq(h.pythreads.v[out.v[1].thread].tid, 8);
	ck_assert_int_eq(out.v[1].end, 40);
	free(out.v);
}
END_TEST

/* Module ordinals count per thread: the first Linear instance met on each thread is
 * Linear_0, whatever instances other threads met before. */
START_TEST(pytrace_module_ordinals_per_thread)
{
	struct ap_pyframe_vec out = { NULL, 0, 0 };
	struct ap_err err = AP_ERR_INIT;
	struct ap_pymissing missing = { 0, 0 };

	add_hash(2, "Linear######0x10");
	add_hash(3, "Linear######0x20");
	add_hash(4, "Linear######0x30");
	add_hash(9, "__torch_npu_profiler_python_tracer_exit");
	add_py(100, 7, 2, 0); /* thread 7: 0x10 -> Linear_0 */
	add_py(110, 7, 9, 1);
	add_py(120, 7, 3, 0); /* 0x20 -> Linear_1 */
	add_py(130, 7, 9, 1);
	add_py(140, 8, 4, 0); /* thread 8: 0x30 -> Linear_0 */
	add_py(150, 8, 9, 1);
	ck_assert_int_eq(ap_pytrace_build(&h, &out, &missing, &err), 0);
	ck_assert_uint_eq(out.n, 3);
	ck_assert_str_eq(ap_strtab_get(&h.strs, out.v[1].name), "nn.Module: Linear_1");
	ck_assert_uint_eq(h.pythreads.v[out.v[2].thread].tid, 8);
	ck_assert_str_eq(ap_strtab_get(&h.strs, out.v[2].name), "nn.Module: Linear_0");
	ck_assert_int_eq(out.v[2].module_id, 0);
	free(out.v);
}
END_TEST

static uint32_t thread_no(uint64_t tid)
{
	uint32_t n;

	ck_assert_int_eq(ap_thread_number(&h.threads, &thread_idx, 100, tid, &n), 0);
	return n;
}

/* The number of (pid, tid) among the memory records' threads. */
static uint32_t mem_thread_no(uint64_t pid, uint64_t tid)
{
	uint32_t n;

	if (!memthread_idx.v)
		ck_assert_int_eq(ap_u64map_init(&memthread_idx, 16), 0);
	ck_assert_int_eq(ap_thread_number(&h.memthreads, &memthread_idx, pid, tid, &n), 0);
	return n;
}

static void add_malloc(int64_t ptr, int64_t ts, uint64_t tid)
{
	uint32_t thread = mem_thread_no(100, tid);
	struct ap_mem *m = ap_vec_push(&h.mems);

	*m = (struct ap_mem){ .ts = ts, .ptr = ptr, .alloc_size = 512, .thread = thread,
			      .device_type = 20, .data_type = AP_MEM_MALLOC };
}

static void add_qev(struct ap_qev *e, int64_t ts, int64_t dur, uint64_t tid, uint64_t corr)
{
	*e = (struct ap_qev){ .ts = ts, .dur = dur, .corr = corr, .thread = thread_no(tid),
			      .name = S("Op") };
}

/* Ops named empty_tensor and malloc_workspace are left out of the lookup of both attribution
 * paths (§8.6; upstream _complete_record_entry filters them from torch_ops_tid_dict). Each
 * record below would be named after one of them if they were not. */
/* Lifecycles that start at the same time come in the order their pointers were first seen,
 * as upstream's stable sort of the per-pointer lists leaves them (§8.6), not in record order. */
START_TEST(memview_ties_by_pointer_first_seen)
{
	struct ap_queue q;
	struct ap_tree t;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;

	ap_queue_init(&q);
	ap_tree_init(&t);
	ap_memview_init(&mv);
	add_op("aten::empty", 0, 10000, 1, -1, 0);
	add_malloc(0xb000, 100, 1);  /* r0: pointer B first seen */
	h.mems.v[0].data_type = AP_MEM_FREE;
	add_malloc(0xa000, 200, 1);  /* r1: pointer A first seen */
	h.mems.v[1].data_type = AP_MEM_FREE;
	add_malloc(0xc000, 300, 1);  /* r2: C, alone at its time */
	add_malloc(0xa000, 500, 1);  /* r3: A and B start lifecycles at the same time, */
	add_malloc(0xb000, 500, 1);  /* r4: A's record first */
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	ck_assert_int_eq(ap_memview_build(&h, &q, &t, &mv, &err), 0);
	ck_assert_uint_eq(mv.groups.n, 3);
	ck_assert_uint_eq(mv.groups.v[0].rec[0], 2);
	ck_assert_uint_eq(mv.groups.v[1].rec[0], 4); /* B, seen first */
	ck_assert_uint_eq(mv.groups.v[2].rec[0], 3);
	ap_memview_release(&mv);
	ap_tree_release(&t);
	ap_queue_release(&q);
}
END_TEST

START_TEST(memview_skips_empty_tensor_and_malloc_workspace)
{
	static const char *const want[] = { "aten::zeros", "aten::zeros", "aten::add", "aten::sub" };
	struct ap_queue q;
	struct ap_tree t;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;
	size_t i;

	ap_queue_init(&q);
	ap_tree_init(&t);
	ap_memview_init(&mv);
	/* no dequeue on thread 1: the last op started at or before the record, still running */
	add_op("aten::zeros", 1000, 2000, 1, -1, 0);
	add_op("empty_tensor", 1100, 1300, 1, -1, 0);     /* running at 1200 */
	add_op("malloc_workspace", 1500, 1600, 1, -1, 0); /* running at 1550 */
	add_malloc(0x1000, 1200, 1);
	add_malloc(0x2000, 1550, 1);
	/* dequeue on thread 2 -> enqueue on thread 3 -> last op started before the enqueue, or
	 * its aten/npu ancestor; the excluded ops have none, so they would give "" */
	add_op("aten::add", 3000, 3100, 3, -1, 0);
	add_op("malloc_workspace", 3200, 3300, 3, -1, 0);
	add_op("aten::sub", 4000, 4100, 3, -1, 0);
	add_op("empty_tensor", 4200, 4300, 3, -1, 0);
	add_qev(ap_vec_push(&q.enq), 3400, 10, 3, 5);
	add_qev(ap_vec_push(&q.enq), 4400, 10, 3, 6);
	add_qev(ap_vec_push(&q.deq), 3500, 100, 2, 5);
	add_qev(ap_vec_push(&q.deq), 4500, 100, 2, 6);
	add_malloc(0x3000, 3550, 2);
	add_malloc(0x4000, 4550, 2);
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	ck_assert_int_eq(ap_memview_build(&h, &q, &t, &mv, &err), 0);
	ck_assert(mv.has_pid);
	ck_assert_uint_eq(mv.groups.n, 4);
	for (i = 0; i < 4; i++) {
		const char *name = ap_strtab_get(&h.strs, mv.groups.v[i].name);

		ck_assert_uint_eq(mv.groups.v[i].rec[0], i);
		ck_assert_msg(!strcmp(name ? name : "", want[i]), "group %zu named \"%s\", want \"%s\"",
			      i, name ? name : "", want[i]);
	}
	ck_assert_uint_eq(mv.unnamed, 0);
	ap_memview_release(&mv);
	ap_tree_release(&t);
	ap_queue_release(&q);
}
END_TEST

/* The time boundaries of the attribution (§8.6): a dequeue holds a record from its start up
 * to, not including, its end; without one, an op that starts at the record's time is the
 * last op started at or before it, and an op that ends at the record's time still runs. */
START_TEST(memview_attribution_time_boundaries)
{
	static const char *const want[] = { "aten::add", "aten::copy_", "aten::empty",
					    "aten::empty" };
	struct ap_queue q;
	struct ap_tree t;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;
	size_t i;

	ap_queue_init(&q);
	ap_tree_init(&t);
	ap_memview_init(&mv);
	add_op("aten::add", 3000, 3100, 3, -1, 0);   /* enqueue thread 3 */
	add_op("aten::copy_", 3550, 3700, 2, -1, 0); /* dequeue thread 2 */
	add_op("aten::zeros", 4900, 6000, 1, -1, 0);
	add_op("aten::empty", 5000, 5100, 1, -1, 0);
	add_qev(ap_vec_push(&q.enq), 3400, 10, 3, 5);
	add_qev(ap_vec_push(&q.deq), 3500, 100, 2, 5); /* holds [3500, 3600) */
	add_malloc(0x1000, 3550, 2); /* in the dequeue: its enqueue's op */
	add_malloc(0x2000, 3600, 2); /* at the dequeue's end: by thread */
	add_malloc(0x3000, 5000, 1); /* aten::empty starts at 5000 */
	add_malloc(0x4000, 5100, 1); /* aten::empty ends at 5100 */
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	ck_assert_int_eq(ap_memview_build(&h, &q, &t, &mv, &err), 0);
	ck_assert_uint_eq(mv.groups.n, 4);
	for (i = 0; i < 4; i++) {
		const char *name = ap_strtab_get(&h.strs, mv.groups.v[i].name);

		ck_assert_uint_eq(mv.groups.v[i].rec[0], i);
		ck_assert_msg(!strcmp(name ? name : "", want[i]), "group %zu named \"%s\", want \"%s\"",
			      i, name ? name : "", want[i]);
	}
	ap_memview_release(&mv);
	ap_tree_release(&t);
	ap_queue_release(&q);
}
END_TEST

/* Through the dequeue that holds a record, its enqueue is looked up by correlation id: ids that
 * go back and forth from one dequeue to the next, an id enqueued twice (the later enqueue
 * wins) and an id never enqueued (no name). The enqueues' ops are in time order. */
START_TEST(memview_enqueue_by_corr)
{
	enum { N = 40 };
	struct ap_queue q;
	struct ap_tree t;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;
	char name[32];
	int k;

	ap_queue_init(&q);
	ap_tree_init(&t);
	ap_memview_init(&mv);
	add_op("aten::decoy", 500, 600, 1, -1, 0);
	add_qev(ap_vec_push(&q.enq), 510, 5, 1, 1000 + (5 * 17) % 41); /* the id of enqueue 5 */
	for (k = 0; k < N; k++) {
		int64_t at = 1000 + 100 * k;

		snprintf(name, sizeof(name), "aten::op%d", k);
		add_op(name, at, at + 50, 1, -1, 0);
		add_qev(ap_vec_push(&q.enq), at + 10, 5, 1, 1000 + (uint64_t)(k * 17) % 41);
		add_qev(ap_vec_push(&q.deq), 100000 + at, 50, 2, 1000 + (uint64_t)(k * 17) % 41);
		add_malloc(0x1000 + k, 100000 + at + 10, 2);
	}
	add_qev(ap_vec_push(&q.deq), 200000, 50, 2, 5); /* never enqueued */
	add_malloc(0x9000, 200010, 2);
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	ck_assert_int_eq(ap_memview_build(&h, &q, &t, &mv, &err), 0);
	ck_assert_uint_eq(mv.groups.n, N + 1);
	for (k = 0; k < N; k++) {
		snprintf(name, sizeof(name), "aten::op%d", k);
		ck_assert_str_eq(ap_strtab_get(&h.strs, mv.groups.v[k].name), name);
	}
	ck_assert_uint_eq(mv.groups.v[N].name, AP_STR_NONE);
	ck_assert_uint_eq(mv.unnamed, 1);
	ap_memview_release(&mv);
	ap_tree_release(&t);
	ap_queue_release(&q);
}
END_TEST

/* A lifecycle holds three records at most, whatever their types: a fourth record of a type
 * not seen in it (an unknown one, decoded as it is) is not taken, and starts nothing. */
START_TEST(memview_lifecycle_at_most_three)
{
	struct ap_queue q;
	struct ap_tree t;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;
	uint32_t i;

	ap_queue_init(&q);
	ap_tree_init(&t);
	ap_memview_init(&mv);
	add_op("aten::empty", 0, 10000, 1, -1, 0);
	add_malloc(0x2000, 50, 1); /* r0: another pointer */
	for (i = 0; i < 4; i++) {
		add_malloc(0x1000, 100 * (int64_t)(i + 1), 1);
		h.mems.v[i + 1].data_type = (uint8_t)i; /* malloc, free, block free, unknown 3 */
	}
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	ck_assert_int_eq(ap_memview_build(&h, &q, &t, &mv, &err), 0);
	ck_assert_uint_eq(mv.groups.n, 2);
	ck_assert_uint_eq(mv.groups.v[0].n, 1);
	ck_assert_uint_eq(mv.groups.v[1].n, 3);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(mv.groups.v[1].rec[i], i + 1);
	ap_memview_release(&mv);
	ap_tree_release(&t);
	ap_queue_release(&q);
}
END_TEST

/* A record whose data type its pointer's open lifecycle already holds closes it: a second
 * free is then skipped (it starts nothing), a second malloc starts the next lifecycle. */
START_TEST(memview_repeated_type_closes)
{
	static const uint8_t type[] = { AP_MEM_MALLOC, AP_MEM_FREE, AP_MEM_FREE, AP_MEM_BLOCK_FREE,
					AP_MEM_MALLOC, AP_MEM_MALLOC, AP_MEM_BLOCK_FREE };
	struct ap_queue q;
	struct ap_tree t;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;
	uint32_t i;

	ap_queue_init(&q);
	ap_tree_init(&t);
	ap_memview_init(&mv);
	add_op("aten::empty", 0, 10000, 1, -1, 0);
	for (i = 0; i < sizeof(type); i++) {
		add_malloc(0x1000, 100 * (int64_t)(i + 1), 1);
		h.mems.v[i].data_type = type[i];
	}
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	ck_assert_int_eq(ap_memview_build(&h, &q, &t, &mv, &err), 0);
	ck_assert_uint_eq(mv.groups.n, 3);
	ck_assert_uint_eq(mv.groups.v[0].n, 2);
	ck_assert_uint_eq(mv.groups.v[0].rec[0], 0);
	ck_assert_uint_eq(mv.groups.v[0].rec[1], 1);
	ck_assert_uint_eq(mv.groups.v[1].n, 1);
	ck_assert_uint_eq(mv.groups.v[1].rec[0], 4);
	ck_assert_uint_eq(mv.groups.v[2].n, 2);
	ck_assert_uint_eq(mv.groups.v[2].rec[0], 5);
	ck_assert_uint_eq(mv.groups.v[2].rec[1], 6);
	ap_memview_release(&mv);
	ap_tree_release(&t);
	ap_queue_release(&q);
}
END_TEST

/* The process of operator_memory is the first with torch ops among the inner-allocator
 * records; an earlier record of another allocator does not choose it. */
START_TEST(memview_process_by_inner_allocator)
{
	struct ap_queue q;
	struct ap_tree t;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;
	uint32_t thread;
	struct ap_mem *m;

	ap_queue_init(&q);
	ap_tree_init(&t);
	ap_memview_init(&mv);
	add_op("aten::empty", 0, 10000, 1, -1, 0);
	add_op("aten::zeros", 0, 10000, 2, -1, 0);
	h.ops.v[1].pid = 200;
	thread = mem_thread_no(200, 2);
	m = ap_vec_push(&h.mems);
	*m = (struct ap_mem){ .ts = 50, .ptr = 0x2000, .alloc_size = 512, .thread = thread,
			      .device_type = 20, .data_type = AP_MEM_MALLOC, .allocator = 1 };
	add_malloc(0x1000, 100, 1); /* pid 100, inner allocator */
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	ck_assert_int_eq(ap_memview_build(&h, &q, &t, &mv, &err), 0);
	ck_assert(mv.has_pid);
	ck_assert_uint_eq(mv.pid, 100);
	ck_assert_uint_eq(mv.groups.n, 1);
	ck_assert_uint_eq(mv.groups.v[0].rec[0], 1);
	ap_memview_release(&mv);
	ap_tree_release(&t);
	ap_queue_release(&q);
}
END_TEST

static void add_kernel(struct ap_npu_links *l, int64_t acl, int64_t ts, double dur_us, int aic)
{
	struct ap_npu_kernel *k = ap_vec_push(&l->v);

	ck_assert_ptr_nonnull(k);
	k->acl_ts = acl;
	k->ts = ts;
	k->dur_us = dur_us;
	k->end = ts + (int64_t)(dur_us * 1000);
	k->ai_core = (uint8_t)aic;
	k->flow = (uint32_t)(l->v.n - 1); /* its index: the flows below name kernels by it */
}

/* Flow i of r is (kernel start ts, start op, kernel index). */
static void assert_flow(const struct ap_kernel_rel *r, size_t i, int64_t ts, uint32_t op,
			uint32_t kernel)
{
	ck_assert_uint_gt(r->flows.n, i);
	ck_assert_int_eq(r->flows.v[i].ts, ts);
	ck_assert_uint_eq(r->flows.v[i].op, op);
	ck_assert_uint_eq(r->flows.v[i].flow, kernel);
}

/* §7.5/§7.6 with a task queue: launches go to the dequeue that contains them, kernels count
 * for the op that enqueued that corr id (self) and its ancestors (total); a launch outside
 * every dequeue is dropped; §7.7: the step spans its first and last corr id's kernels. */
START_TEST(kernel_rel_queue)
{
	struct ap_queue q;
	struct ap_tree t;
	struct ap_npu_links l;
	struct ap_kernel_rel r;
	struct ap_err err;
	uint32_t n_add = 1, n_mul = 2, n_x = 3;

	ap_queue_init(&q);
	ap_tree_init(&t);
	ap_kernel_rel_init(&r);
	ap_err_init(&err);
	memset(&l, 0, sizeof(l));
	add_op("ProfilerStep#12", 0, 1000, 1, -1, 0);
	add_op("aten::add", 100, 400, 1, -1, 0);
	add_op("aten::mul", 500, 900, 1, -1, 0);
	add_op("aten::x", 550, 600, 1, -1, 0);
	add_mark(AP_ENQUEUE_START, 150, 1, 1, "add");
	add_mark(AP_ENQUEUE_END, 160, 1, 1, "add");
	add_mark(AP_DEQUEUE_START, 200, 2, 1, "add");
	add_mark(AP_DEQUEUE_END, 300, 2, 1, "add");
	add_mark(AP_ENQUEUE_START, 560, 1, 2, "x");
	add_mark(AP_ENQUEUE_END, 570, 1, 2, "x");
	add_mark(AP_DEQUEUE_START, 600, 2, 2, "x");
	add_mark(AP_DEQUEUE_END, 650, 2, 2, "x");
	add_mark(AP_ENQUEUE_START, 700, 1, 3, "mul");
	add_mark(AP_ENQUEUE_END, 710, 1, 3, "mul");
	add_mark(AP_DEQUEUE_START, 720, 2, 3, "mul");
	add_mark(AP_DEQUEUE_END, 800, 2, 3, "mul");
	h.has_op_mark = 1;
	ck_assert_int_eq(ap_queue_build(&h, &q, &err), 0);
	ck_assert_int_eq(ap_tree_build(&h, &q, &t, &err), 0);
	add_kernel(&l, 760, 770, 0.5, 0);   /* mul's own, not AI_CORE */
	add_kernel(&l, 250, 260, 1.5, 1);
	add_kernel(&l, 620, 630, 2.0, 1);   /* x's */
	add_kernel(&l, 900, 910, 9.0, 1);   /* outside every dequeue */
	add_kernel(&l, 250, 270, 0.25, 0);
	ck_assert_int_eq(ap_kernel_rel_build(&h, &q, &t, &l, &r, &err), 0);
	ck_assert_uint_eq(r.acl_dropped, 1);
	ck_assert(r.dev[n_add][0] == 1.75 && r.dev[n_add][1] == 1.75);
	ck_assert(r.dev[n_add][2] == 1.5 && r.dev[n_add][3] == 1.5);
	ck_assert(r.dev[n_x][0] == 2.0);
	ck_assert(r.dev[n_mul][0] == 0.5 && r.dev[n_mul][1] == 2.5);
	ck_assert(r.dev[n_mul][3] == 2.0);
	/* mul's own kernel is no AI_CORE one: its self sum with AICore stays the integer 0 */
	ck_assert_uint_eq(r.isfloat[n_mul], AP_KREL_SELF | AP_KREL_TOTAL | AP_KREL_TOTAL_AIC);
	ck_assert(r.dev[0][1] == 1.75 + 2.0 + 0.5);
	ck_assert_uint_eq(r.steps.n, 1);
	ck_assert_str_eq(ap_krel_step_id(&h, &r.steps.v[0]), "12");
	ck_assert_int_eq(r.steps.v[0].start, 260);  /* min ts of corr 1's kernels */
	ck_assert_int_eq(r.steps.v[0].end, 1270);   /* corr 3's kernel ends after the step */
	ck_assert_int_eq(r.steps.v[0].fwk_start, 0);
	/* torch_to_npu (§8.1): op nodes in node order (mul before x, although x enqueued
	 * first), a corr id's kernels in kernel_dict order; the dropped launch has none */
	ck_assert_uint_eq(r.flows.n, 4);
	assert_flow(&r, 0, 260, n_add, 1);
	assert_flow(&r, 1, 270, n_add, 4);
	assert_flow(&r, 2, 770, n_mul, 0);
	assert_flow(&r, 3, 630, n_x, 2);
	free(l.v.v);
	ap_kernel_rel_release(&r);
	ap_tree_release(&t);
	ap_queue_release(&q);
	ap_err_release(&err);
}
END_TEST

/* Without a task queue: kernel_dict is keyed by launch time in dict (first-seen) order, each
 * launch counts for the deepest op containing it (end exclusive), and the sums follow that
 * order: 2.3 + 0.1 + 0.2 gives 2.6, the launch-time order 2.5999999999999996. A step takes
 * launches up to its end inclusive; a step with no launch is no range. */
START_TEST(kernel_rel_no_queue)
{
	struct ap_tree t;
	struct ap_npu_links l;
	struct ap_kernel_rel r;
	struct ap_err err;
	double in_order = (2.3 + 0.1) + 0.2, by_time = (0.1 + 0.2) + 2.3;

	ck_assert(in_order != by_time);
	ap_tree_init(&t);
	ap_kernel_rel_init(&r);
	ap_err_init(&err);
	memset(&l, 0, sizeof(l));
	add_op("ProfilerStep#7", 0, 1000, 1, -1, 0);
	add_op("A", 100, 500, 1, -1, 0);
	add_op("B", 200, 300, 1, -1, 0);
	add_op("ProfilerStep#8", 2000, 3000, 1, -1, 0);
	ck_assert_int_eq(ap_tree_build(&h, NULL, &t, &err), 0);
	add_kernel(&l, 450, 460, 2.3, 0);
	add_kernel(&l, 250, 255, 0.1, 1);
	add_kernel(&l, 1000, 1005, 0.2, 1); /* at the step's end: no op, but in the step */
	add_kernel(&l, 250, 265, 0.2, 0);
	ck_assert_int_eq(ap_kernel_rel_build(&h, NULL, &t, &l, &r, &err), 0);
	ck_assert(r.dev[1][1] == in_order);
	ck_assert(r.dev[2][0] == 0.1 + 0.2 && r.dev[2][2] == 0.1);
	ck_assert(r.dev[1][0] == 2.3 && (r.isfloat[1] & AP_KREL_SELF_AIC) == 0);
	ck_assert_uint_eq(r.steps.n, 1);
	ck_assert_str_eq(ap_krel_step_id(&h, &r.steps.v[0]), "7");
	ck_assert_int_eq(r.steps.v[0].start, 255);
	ck_assert_int_eq(r.steps.v[0].end, 1205);
	/* torch_to_npu: launches in dict order, each to its deepest op; the launch at the step's
	 * end lies in no op and has none */
	ck_assert_uint_eq(r.flows.n, 3);
	assert_flow(&r, 0, 460, 1, 0);
	assert_flow(&r, 1, 255, 2, 1);
	assert_flow(&r, 2, 265, 2, 3);
	free(l.v.v);
	ap_kernel_rel_release(&r);
	ap_tree_release(&t);
	ap_err_release(&err);
}
END_TEST

static Suite *hostan_suite(void)
{
	Suite *s = suite_create("hostan");
	TCase *tc;

	tc = tcase_create("queue");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, threads_numbered_once);
	tcase_add_test(tc, queue_pairs_last_start);
	tcase_add_test(tc, queue_many_open_keys);
	tcase_add_test(tc, queue_file_order_as_sorted);
	suite_add_tcase(s, tc);
	tc = tcase_create("tree");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tree_nesting_and_enqueue);
	tcase_add_test(tc, tree_equal_end_boundary);
	suite_add_tcase(s, tc);
	tc = tcase_create("fwdbwd");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fwdbwd_latest_and_threads);
	tcase_add_test(tc, fwdbwd_equal_start_keeps_first);
	tcase_add_test(tc, fwdbwd_sequence_zero);
	suite_add_tcase(s, tc);
	tc = tcase_create("pytrace");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pytrace_replay);
	tcase_add_test(tc, pytrace_missing_first_in_file_order);
	tcase_add_test(tc, pytrace_module_ordinals_per_thread);
	tcase_add_test(tc, pytrace_threads_by_tid);
	suite_add_tcase(s, tc);
	tc = tcase_create("kernel_rel");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, kernel_rel_queue);
	tcase_add_test(tc, kernel_rel_no_queue);
	suite_add_tcase(s, tc);
	tc = tcase_create("memview");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, memview_skips_empty_tensor_and_malloc_workspace);
	tcase_add_test(tc, memview_ties_by_pointer_first_seen);
	tcase_add_test(tc, memview_attribution_time_boundaries);
	tcase_add_test(tc, memview_lifecycle_at_most_three);
	tcase_add_test(tc, memview_enqueue_by_corr);
	tcase_add_test(tc, memview_repeated_type_closes);
	tcase_add_test(tc, memview_process_by_inner_allocator);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hostan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
