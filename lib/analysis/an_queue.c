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
struct ap_queue_slot {
	uint64_t tid;
	uint32_t name;
	uint8_t deq, used, live;
	int64_t ts;
	int64_t last; /* the time of the key's last marker (file-order pairing) */
};

/* The slot of a key in the table (open addressing, at most half full: keys are far fewer than
 * markers, so the table starts small and doubles as keys arrive), or the free one where it
 * goes. */
static size_t slot_of(const struct ap_queue_table *t, uint64_t tid, uint32_t name, uint8_t deq)
{
	uint64_t h = (tid * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)name << 1 | deq);
	size_t j;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	for (j = (size_t)(h >> 17) & t->mask;; j = (j + 1) & t->mask) {
		const struct ap_queue_slot *s = &t->v[j];

		if (!s->used || (s->tid == tid && s->name == name && s->deq == deq))
			return j;
	}
}

/* The slot of the key, claimed for it when new (the table doubled first when that would
 * fill it past half), or SIZE_MAX when out of memory. */
static size_t slot_claim(struct ap_queue_table *t, uint64_t tid, uint32_t name, uint8_t deq)
{
	size_t j = slot_of(t, tid, name, deq);

	if (t->v[j].used)
		return j;
	if (2 * (t->used + 1) > t->mask + 1) {
		size_t i, cap = 2 * (t->mask + 1);
		struct ap_queue_table g = { ap_zalloc(cap, sizeof(*g.v)), cap - 1, t->used };

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

/* Pairs an end marker with the open start of its key (s, its slot), or counts it unmatched.
 * Returns the event, or NULL when unmatched. */
static struct ap_qev *pair_end(struct ap_queue *q, struct ap_queue_slot *s, const struct ap_mark *m)
{
	struct ap_qev *ev;

	if (!s->live) {
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

/* An empty table of 64 slots. Returns 0 or AP_ENOMEM. */
static int table_init(struct ap_queue_table *t)
{
	t->mask = 63;
	t->used = 0;
	t->v = ap_zalloc(t->mask + 1, sizeof(*t->v));
	return t->v ? 0 : AP_ENOMEM;
}

/* Pairing in file order. A key's markers meet only each other, so walking them in file order
 * pairs them as the time-sorted walk does when each key's markers are in time order in the
 * file: each thread writes its own in order, so they are, where the file as a whole is not
 * (the enqueue and dequeue threads interleave). Equal times keep file order either way, as
 * the sort is stable. The events of a side come in file order of their ends, and are put in
 * end-time order at the end when they are not in it already. */
int ap_queue_feed_init(struct ap_queue_feed *f, struct ap_queue *q, size_t n_enq, size_t n_deq)
{
	memset(f, 0, sizeof(*f));
	f->q = q;
	f->last_end[0] = f->last_end[1] = INT64_MIN;
	f->sorted[0] = f->sorted[1] = 1;
	f->last[0] = f->last[1] = SIZE_MAX;
	if (table_init(&f->t) < 0 || ap_vec_reserve(&q->enq, n_enq) < 0 ||
	    ap_vec_reserve(&q->deq, n_deq) < 0)
		return AP_ENOMEM;
	return 0;
}

int ap_queue_feed_add(struct ap_queue_feed *f, uint64_t tid, const struct ap_mark *m)
{
	uint8_t deq = m->cat >= AP_DEQUEUE_START;
	struct ap_queue_slot *s;
	size_t j;

	if (f->out_of_order)
		return 0;
	/* a slot holds one key, wherever the table's growth moved it: the last slot is this
	 * marker's when it holds this key */
	j = f->last[deq];
	if (j > f->t.mask || !f->t.v[j].used || f->t.v[j].tid != tid ||
	    f->t.v[j].name != m->name || f->t.v[j].deq != deq) {
		j = slot_claim(&f->t, tid, m->name, deq);
		if (j == SIZE_MAX)
			return AP_ENOMEM;
		f->last[deq] = j;
	}
	s = &f->t.v[j];
	if (m->ts < s->last) {
		f->out_of_order = 1;
		return 0;
	}
	s->last = m->ts;
	if (m->cat == AP_ENQUEUE_START || m->cat == AP_DEQUEUE_START) {
		s->live = 1;
		s->ts = m->ts;
		return 0;
	}
	if (s->live && (deq ? ap_vec_reserve(&f->q->deq, 1) : ap_vec_reserve(&f->q->enq, 1)) < 0)
		return AP_ENOMEM;
	if (pair_end(f->q, s, m)) {
		f->sorted[deq] &= m->ts >= f->last_end[deq];
		f->last_end[deq] = m->ts;
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

int ap_queue_feed_end(struct ap_queue_feed *f)
{
	struct ap_queue *q = f->q;

	ap_queue_feed_release(f);
	if (f->out_of_order)
		return 0;
	if ((!f->sorted[0] && sort_by_end(q->enq.v, q->enq.n) < 0) ||
	    (!f->sorted[1] && sort_by_end(q->deq.v, q->deq.n) < 0))
		return AP_ENOMEM;
	return 0;
}

void ap_queue_feed_release(struct ap_queue_feed *f)
{
	free(f->t.v);
	f->t.v = NULL;
}

/* Empties q's lists and counts, keeping their room. */
static void queue_forget(struct ap_queue *q)
{
	q->enq.n = q->deq.n = 0;
	q->unmatched = 0;
}

/* Feeds the markers of h in the order of order[0..n) (NULL: file order) into q, sized for
 * n_enq and n_deq events. Returns 0, AP_ENOMEM, or 1 when out of order. */
static int feed_all(const struct ap_host *h, const struct ap_sortkey *order, struct ap_queue *q,
		    size_t n_enq, size_t n_deq)
{
	struct ap_queue_feed f;
	size_t i, n = h->marks.n;
	int r = ap_queue_feed_init(&f, q, n_enq, n_deq);

	for (i = 0; r == 0 && i < n && !f.out_of_order; i++) {
		const struct ap_mark *m = &h->marks.v[order ? order[i].idx : i];

		r = ap_queue_feed_add(&f, h->threads.v[m->thread].tid, m);
	}
	if (r == 0)
		r = ap_queue_feed_end(&f);
	ap_queue_feed_release(&f);
	return r == 0 && f.out_of_order ? 1 : r;
}

int ap_queue_build(const struct ap_host *h, struct ap_queue *q, struct ap_err *err)
{
	struct ap_sortkey *order;
	size_t n = h->marks.n, i, n_enq = 0, n_deq = 0;
	int r;

	queue_forget(q);
	if (n == 0)
		return 0;
	/* the end markers counted: at most one event each, the lists are sized once (the
	 * sorted walk too) */
	for (i = 0; i < n; i++) {
		n_enq += h->marks.v[i].cat == AP_ENQUEUE_END;
		n_deq += h->marks.v[i].cat == AP_DEQUEUE_END;
	}
	r = feed_all(h, NULL, q, n_enq, n_deq);
	if (r == 1) {
		/* A key out of time order: §7.2 as written, the markers stably sorted by time
		 * first (in that order every key's are in time order, so the feed takes them
		 * all, and the events come in end-time order). */
		queue_forget(q);
		order = malloc(n * sizeof(*order));
		r = order ? 0 : AP_ENOMEM;
		for (i = 0; r == 0 && i < n; i++) {
			order[i].key = h->marks.v[i].ts;
			order[i].idx = (uint32_t)i;
		}
		if (r == 0)
			r = ap_sort_keys(order, n);
		if (r == 0)
			r = feed_all(h, order, q, n_enq, n_deq);
		free(order);
	}
	return r == 0 ? 0 : ap_err_set(err, AP_ENOMEM, "out of memory pairing task-queue markers");
}
