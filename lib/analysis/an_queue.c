/* Task-queue pairing (spec torch_npu_ascend_pt.md §7.2). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/hostan.h"
#include "ap/sort.h"
#include "ap/vec.h"
#include "../base/banned.h"

/* Open starts per (thread, name, queue side). Upstream keeps a list per key, pops the last
 * start at an end and clears the list, so only the last start of a key matters. */
struct open_start {
	uint64_t tid;
	uint32_t name;
	uint8_t deq, used, live;
	int64_t ts;
};

/* Open addressing, at most half full: keys are (thread, name) pairs, far fewer than
 * markers, so the table starts small and doubles as keys arrive. */
struct start_table {
	struct open_start *v;
	size_t mask, used;
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

/* The slot of the key, claimed for it when new (the table doubled first when that would
 * fill it past half), or SIZE_MAX when out of memory. */
static size_t slot_claim(struct start_table *t, uint64_t tid, uint32_t name, uint8_t deq)
{
	size_t j = slot_of(t, tid, name, deq);

	if (t->v[j].used)
		return j;
	if (2 * (t->used + 1) > t->mask + 1) {
		size_t i, cap = 2 * (t->mask + 1);
		struct start_table g = { ap_zalloc(cap, sizeof(*g.v)), cap - 1, t->used };

		if (!g.v)
			return SIZE_MAX;
		for (i = 0; i <= t->mask; i++)
			if (t->v[i].used)
				g.v[slot_of(&g, t->v[i].tid, t->v[i].name, t->v[i].deq)] = t->v[i];
		free(t->v);
		*t = g;
		j = slot_of(t, tid, name, deq);
	}
	t->used++;
	t->v[j].used = 1;
	t->v[j].tid = tid;
	t->v[j].name = name;
	t->v[j].deq = deq;
	return j;
}

int ap_queue_build(const struct ap_host *h, struct ap_queue *q, struct ap_err *err)
{
	struct start_table t = { NULL, 63, 0 };
	struct ap_sortkey *order;
	size_t n = h->marks.n, i, n_enq = 0, n_deq = 0;
	int ret = 0;

	if (n == 0)
		return 0;
	order = malloc(n * sizeof(*order));
	t.v = ap_zalloc(t.mask + 1, sizeof(*t.v));
	if (!order || !t.v)
		goto nomem;
	/* One read of the markers: their sort keys, and the end markers counted (at most one
	 * event each: the lists are sized once). */
	for (i = 0; i < n; i++) {
		const struct ap_mark *m = &h->marks.v[i];

		order[i].key = m->ts;
		order[i].idx = (uint32_t)i;
		n_enq += m->cat == AP_ENQUEUE_END;
		n_deq += m->cat == AP_DEQUEUE_END;
	}
	if (ap_vec_reserve(&q->enq, n_enq) < 0 || ap_vec_reserve(&q->deq, n_deq) < 0 ||
	    ap_sort_keys(order, n) < 0)
		goto nomem;
	for (i = 0; i < n; i++) {
		const struct ap_mark *m = &h->marks.v[order[i].idx];
		const struct ap_thread *th = &h->threads.v[m->thread];
		uint8_t deq = m->cat >= AP_DEQUEUE_START;
		struct open_start *s;
		struct ap_qev *ev;

		if (m->cat == AP_ENQUEUE_START || m->cat == AP_DEQUEUE_START) {
			size_t j = slot_claim(&t, th->tid, m->name, deq);

			if (j == SIZE_MAX)
				goto nomem;
			t.v[j].live = 1;
			t.v[j].ts = m->ts;
			continue;
		}
		s = &t.v[slot_of(&t, th->tid, m->name, deq)];
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
