/* Task-queue pairing (spec torch_npu_ascend_pt.md §7.2). */
#include <stdlib.h>
#include <string.h>

#include "ap/hostan.h"
#include "ap/sort.h"
#include "../base/banned.h"

/* Open starts per (thread, name, queue side). Upstream keeps a list per key, pops the last
 * start at an end and clears the list, so only the last start of a key matters. */
struct open_start {
	uint64_t tid;
	uint32_t name;
	uint8_t deq, used, live;
	int64_t ts;
};

struct start_table {
	struct open_start *v;
	size_t mask;
};

static size_t slot_of(const struct start_table *t, uint64_t tid, uint32_t name, uint8_t deq)
{
	uint64_t h = (tid * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)name << 1 | deq);
	size_t j;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	for (j = (size_t)(h >> 17) & t->mask;; j = (j + 1) & t->mask) {
		const struct open_start *s = &t->v[j];

		if (!s->used || (s->tid == tid && s->name == name && s->deq == deq))
			return j;
	}
}

int ap_queue_build(const struct ap_host *h, struct ap_queue *q, struct ap_err *err)
{
	struct start_table t = { NULL, 0 };
	struct ap_sortkey *order;
	size_t n = h->marks.n, i, cap = 64, n_enq = 0, n_deq = 0;
	int ret = 0;

	if (n == 0)
		return 0;
	/* At most one event per end marker: the lists are sized once. */
	for (i = 0; i < n; i++) {
		n_enq += h->marks.v[i].cat == AP_ENQUEUE_END;
		n_deq += h->marks.v[i].cat == AP_DEQUEUE_END;
	}
	if (ap_vec_reserve(&q->enq, n_enq) < 0 || ap_vec_reserve(&q->deq, n_deq) < 0)
		return ap_err_set(err, AP_ENOMEM, "out of memory pairing task-queue markers");
	order = malloc(n * sizeof(*order));
	while (cap < n * 2)
		cap *= 2;
	t.v = calloc(cap, sizeof(*t.v));
	t.mask = cap - 1;
	if (!order || !t.v)
		goto nomem;
	for (i = 0; i < n; i++) {
		order[i].key = h->marks.v[i].ts;
		order[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(order, n) < 0)
		goto nomem;
	for (i = 0; i < n; i++) {
		const struct ap_mark *m = &h->marks.v[order[i].idx];
		const struct ap_thread *th = &h->threads.v[m->thread];
		uint8_t deq = m->cat >= AP_DEQUEUE_START;
		struct open_start *s = &t.v[slot_of(&t, th->tid, m->name, deq)];
		struct ap_qev *ev;

		if (m->cat == AP_ENQUEUE_START || m->cat == AP_DEQUEUE_START) {
			s->tid = th->tid;
			s->name = m->name;
			s->deq = deq;
			s->used = s->live = 1;
			s->ts = m->ts;
			continue;
		}
		if (!s->used || !s->live) {
			if (!q->unmatched++ || m->off < q->first_unmatched_off)
				q->first_unmatched_off = m->off;
			continue;
		}
		s->live = 0;
		ev = deq ? &q->deq.v[q->deq.n++] : &q->enq.v[q->enq.n++];
		ev->ts = s->ts;
		ev->dur = m->ts - s->ts;
		ev->thread = m->thread;
		ev->corr = m->corr;
		ev->name = m->name;
	}
	goto out;
nomem:
	ret = ap_err_set(err, AP_ENOMEM, "out of memory pairing task-queue markers");
out:
	free(order);
	free(t.v);
	return ret;
}
