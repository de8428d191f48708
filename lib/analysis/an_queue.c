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
	int64_t last; /* the time of the key's last marker (file-order pairing) */
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
	t->v[j].last = INT64_MIN;
	return j;
}

/* Pairs an end marker with the open start of its key (s), or counts it unmatched. Returns the
 * event, or NULL when unmatched. */
static struct ap_qev *pair_end(struct ap_queue *q, struct open_start *s, const struct ap_mark *m)
{
	struct ap_qev *ev;

	if (!s->used || !s->live) {
		if (!q->unmatched++ || m->off < q->first_unmatched_off)
			q->first_unmatched_off = m->off;
		return NULL;
	}
	s->live = 0;
	ev = m->cat >= AP_DEQUEUE_START ? &q->deq.v[q->deq.n++] : &q->enq.v[q->enq.n++];
	ev->ts = s->ts;
	ev->dur = (int64_t)((uint64_t)m->ts - (uint64_t)s->ts); /* wraps, never overflows */
	ev->thread = m->thread;
	ev->corr = m->corr;
	ev->name = m->name;
	return ev;
}

/* Pairing after a stable sort of the markers by time: §7.2 as written. Returns 0 or
 * AP_ENOMEM. */
static int pair_sorted(const struct ap_host *h, struct ap_queue *q, struct start_table *t)
{
	size_t n = h->marks.n, i;
	struct ap_sortkey *order = malloc(n * sizeof(*order));

	if (!order)
		return AP_ENOMEM;
	for (i = 0; i < n; i++) {
		order[i].key = h->marks.v[i].ts;
		order[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(order, n) < 0) {
		free(order);
		return AP_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const struct ap_mark *m = &h->marks.v[order[i].idx];
		uint8_t deq = m->cat >= AP_DEQUEUE_START;
		uint64_t tid = h->threads.v[m->thread].tid;

		if (m->cat == AP_ENQUEUE_START || m->cat == AP_DEQUEUE_START) {
			size_t j = slot_claim(t, tid, m->name, deq);

			if (j == SIZE_MAX) {
				free(order);
				return AP_ENOMEM;
			}
			t->v[j].live = 1;
			t->v[j].ts = m->ts;
		} else {
			pair_end(q, &t->v[slot_of(t, tid, m->name, deq)], m);
		}
	}
	free(order);
	return 0;
}

/* Pairing in file order. A key's markers meet only each other, so walking them in file order
 * pairs them as the time-sorted walk does when each key's markers are in time order in the
 * file: each thread writes its own in order, so they are, where the file as a whole is not
 * (the enqueue and dequeue threads interleave). Equal times keep file order either way, as
 * the sort is stable. Returns 0, AP_ENOMEM, or 1 at the first marker earlier than the one
 * before it of its key (q and t are then half done). sorted[side] is cleared when that
 * side's events, which come in file order of their ends, are not in end-time order. */
static int pair_in_file_order(const struct ap_host *h, struct ap_queue *q, struct start_table *t,
			      int sorted[2])
{
	int64_t last_end[2] = { INT64_MIN, INT64_MIN };
	size_t n = h->marks.n, i;

	for (i = 0; i < n; i++) {
		const struct ap_mark *m = &h->marks.v[i];
		uint8_t deq = m->cat >= AP_DEQUEUE_START;
		size_t j = slot_claim(t, h->threads.v[m->thread].tid, m->name, deq);
		struct open_start *s;

		if (j == SIZE_MAX)
			return AP_ENOMEM;
		s = &t->v[j];
		if (m->ts < s->last)
			return 1;
		s->last = m->ts;
		if (m->cat == AP_ENQUEUE_START || m->cat == AP_DEQUEUE_START) {
			s->live = 1;
			s->ts = m->ts;
		} else if (pair_end(q, s, m)) {
			sorted[deq] &= m->ts >= last_end[deq];
			last_end[deq] = m->ts;
		}
	}
	return 0;
}

/* Puts v[0..n) in end-time order, stably. Returns 0 or AP_ENOMEM. */
static int sort_by_end(struct ap_qev *v, size_t n)
{
	struct ap_sortkey *k = malloc((n ? n : 1) * sizeof(*k));
	struct ap_qev *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	size_t i;
	int ret = AP_ENOMEM;

	if (!k || !tmp)
		goto out;
	for (i = 0; i < n; i++) {
		k[i].key = (int64_t)((uint64_t)v[i].ts + (uint64_t)v[i].dur); /* the end's time */
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, n) < 0)
		goto out;
	for (i = 0; i < n; i++)
		tmp[i] = v[k[i].idx];
	memcpy(v, tmp, n * sizeof(*v));
	ret = 0;
out:
	free(k);
	free(tmp);
	return ret;
}

/* An empty table of 64 slots. Returns 0 or AP_ENOMEM. */
static int table_init(struct start_table *t)
{
	t->mask = 63;
	t->used = 0;
	t->v = ap_zalloc(t->mask + 1, sizeof(*t->v));
	return t->v ? 0 : AP_ENOMEM;
}

int ap_queue_build(const struct ap_host *h, struct ap_queue *q, struct ap_err *err)
{
	struct start_table t = { NULL, 0, 0 };
	size_t n = h->marks.n, i, n_enq = 0, n_deq = 0;
	int sorted[2] = { 1, 1 };
	int r = AP_ENOMEM;

	if (n == 0)
		return 0;
	/* the end markers counted: at most one event each, the lists are sized once */
	for (i = 0; i < n; i++) {
		n_enq += h->marks.v[i].cat == AP_ENQUEUE_END;
		n_deq += h->marks.v[i].cat == AP_DEQUEUE_END;
	}
	if (table_init(&t) < 0 || ap_vec_reserve(&q->enq, n_enq) < 0 ||
	    ap_vec_reserve(&q->deq, n_deq) < 0)
		goto out;
	r = pair_in_file_order(h, q, &t, sorted);
	if (r == 1) { /* a key out of time order: start again from the sorted markers */
		free(t.v);
		q->enq.n = q->deq.n = 0;
		q->unmatched = 0;
		r = table_init(&t);
		if (r == 0)
			r = pair_sorted(h, q, &t);
	} else if (r == 0 && ((!sorted[0] && sort_by_end(q->enq.v, q->enq.n) < 0) ||
			      (!sorted[1] && sort_by_end(q->deq.v, q->deq.n) < 0))) {
		r = AP_ENOMEM;
	}
out:
	free(t.v);
	return r == 0 ? 0 : ap_err_set(err, AP_ENOMEM, "out of memory pairing task-queue markers");
}
