/* Where a dump's tasks run (CONVENTIONS §6); two groups of its outputs that read the same
 * finished analysis and write files of their own, side by side when threads are left over; and
 * one file's pieces formatted side by side. */
#include <sched.h>
#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "pipeline_local.h"
#include "../base/banned.h"

/* Whether a dump's tasks are deferred for other threads to take up: in a team of their own, or
 * in the driver's (ap_pipeline__in_team). */
static int defer(int threads)
{
#ifdef _OPENMP
	return threads > 1 || omp_in_parallel();
#else
	(void)threads;
	return 0;
#endif
}

void ap_pipeline__in_team(void (*fn)(void *), void *arg, int threads)
{
#ifdef _OPENMP
	if (threads > 1) {
		/* the barrier closing the single runs fn's tasks, on threads it wakes for each */
#pragma omp parallel num_threads(threads)
#pragma omp single
		fn(arg);
		return;
	}
#pragma omp taskgroup
	fn(arg);
#else
	(void)threads;
	fn(arg);
#endif
}

struct pair {
	ap_pipeline__write_fn first, second;
	void *arg;
	int par, fret, sret;
	struct ap_err ferr, *err;
};

/* Each half is a task (run at once when not deferred), so that the pieces its files defer
 * (ap_pipeline__pieces) are waited for as its own children; ap_pipeline__in_team waits for
 * both, where a thread done with its half takes up the other's pieces. */
static void pair_body(void *v)
{
	struct pair *p = v;

	if (p->first) {
#ifdef _OPENMP
#pragma omp task if (p->par)
#endif
		p->fret = p->first(p->arg, &p->ferr);
	}
	/* serial: first is done, and a failure there ends it (fret is read only then: a deferred
	 * task may still be writing it) */
	if (p->par || p->fret == 0) {
#ifdef _OPENMP
#pragma omp task if (p->par)
#endif
		p->sret = p->second(p->arg, p->err);
	}
}

int ap_pipeline__write_pair(ap_pipeline__write_fn first, ap_pipeline__write_fn second,
			    void *arg, int threads, struct ap_err *err)
{
	struct pair p = { first, second, arg, first && defer(threads), 0, 0,
			  AP_ERR_INIT, err };

	/* every thread of the dump's own: those the halves leave free take up their pieces */
	ap_pipeline__in_team(pair_body, &p, defer(threads) ? threads : 1);
	if (p.fret < 0) {
		ap_err_move(err, &p.ferr);
		return p.fret;
	}
	return p.sret;
}

#ifdef _OPENMP
/* A piece's output, from its formatting until its turn to be written. */
struct pbuf {
	struct ap_out m;
	struct pbuf *next;
};

/* One file's pieces being formatted by several workers. Pieces are taken in order; whichever
 * worker finds the next piece in order formatted writes it, and every later one that is ready,
 * while the others go on formatting. The lock guards everything but o, which only the worker
 * that set writing touches. */
struct prun {
	struct ap_out *o;
	const struct ap_pieces *p;
	omp_lock_t lock;
	size_t taken;        /* pieces handed out */
	size_t next;         /* the next piece to write */
	struct pbuf **ready; /* by piece: formatted, waiting for its turn */
	struct pbuf *spare;  /* buffers free for the next piece */
	size_t nbufs, maxbufs;
	int writing, first, any;
	int nomem; /* a piece ran out of memory: the file is to be given up */
};

/* Writes the pieces that are ready, in order, unless another worker is at it. Called and
 * returns with the lock held. */
static void drain(struct prun *r)
{
	if (r->writing)
		return;
	r->writing = 1;
	while (r->next < r->p->n && r->ready[r->next]) {
		struct pbuf *b = r->ready[r->next];
		size_t len = ap_out_mem_len(&b->m), skip = 0;

		r->ready[r->next] = NULL;
		omp_unset_lock(&r->lock);
		/* Pieces after the first put the separator before their first element; the file's
		 * first element has none. */
		if (len && r->first && !r->any && r->next > 0)
			skip = r->p->sep_len < len ? r->p->sep_len : len;
		if (len)
			r->any = 1;
		ap_out_append(r->o, &b->m, skip);
		ap_out_mem_reset(&b->m);
		omp_set_lock(&r->lock);
		b->next = r->spare;
		r->spare = b;
		r->next++;
	}
	r->writing = 0;
}

/* A buffer for the next piece, with the lock held: a spare one, a new one while under the
 * bound, else one given back by the worker writing (it is writing pieces taken before ours,
 * which are being formatted, so one comes back). NULL when out of memory. */
static struct pbuf *take_buf(struct prun *r)
{
	struct pbuf *b;

	while (!r->spare && r->nbufs == r->maxbufs) {
		omp_unset_lock(&r->lock);
		sched_yield();
		omp_set_lock(&r->lock);
	}
	if (r->spare) {
		b = r->spare;
		r->spare = b->next;
		return b;
	}
	b = malloc(sizeof(*b));
	if (!b)
		return NULL;
	if (ap_out_mem_init(&b->m) < 0) {
		free(b);
		return NULL;
	}
	r->nbufs++;
	return b;
}

/* Takes pieces until none is left. A worker that cannot set up or get a buffer leaves the rest
 * to the others. */
static void worker(struct prun *r)
{
	const struct ap_pieces *p = r->p;
	void *w;
	int ok;

	omp_set_lock(&r->lock);
	ok = r->taken < p->n;
	omp_unset_lock(&r->lock);
	if (!ok)
		return; /* a helper that came too late */
	w = calloc(1, p->worker_size ? p->worker_size : 1);
	ok = w && (!p->init || p->init(w, p->ctx) == 0);
	while (ok) {
		struct pbuf *b;
		size_t i;
		int first, ret;

		omp_set_lock(&r->lock);
		b = r->taken < p->n ? take_buf(r) : NULL;
		if (b && r->taken == p->n) { /* the last were taken while waiting */
			b->next = r->spare;
			r->spare = b;
			b = NULL;
		}
		i = r->taken;
		if (b)
			r->taken++;
		omp_unset_lock(&r->lock);
		if (!b)
			break;
		first = r->first && i == 0;
		ret = p->piece(&b->m, w, i, &first, p->ctx);
		omp_set_lock(&r->lock);
		if (ret < 0 || b->m.failed)
			r->nomem = 1;
		r->ready[i] = b;
		drain(r);
		omp_unset_lock(&r->lock);
	}
	if (w && p->release)
		p->release(w);
	free(w);
}

/* p into o by workers workers: this task and workers - 1 deferred to its team. */
static int side_by_side(struct ap_out *o, const struct ap_pieces *p, int *first, int workers)
{
	struct prun r = { 0 };
	int k;

	r.ready = calloc(p->n, sizeof(*r.ready));
	if (!r.ready)
		return ap_pieces_serial(o, p, first);
	r.o = o;
	r.p = p;
	r.first = *first;
	r.maxbufs = 2 * (size_t)workers;
	omp_init_lock(&r.lock);
	/* A taskwait, not a group: the helpers stay members of the enclosing group, whose
	 * waiting threads take them up. It waits for every child of the calling task, which is
	 * one of write_pair's halves: the helpers are its only children. */
	for (k = 1; k < workers; k++) {
#pragma omp task shared(r)
		worker(&r);
	}
	worker(&r);
#pragma omp taskwait
	omp_destroy_lock(&r.lock);
	while (r.spare) {
		struct pbuf *b = r.spare;

		r.spare = b->next;
		ap_out_mem_release(&b->m);
		free(b);
	}
	free(r.ready);
	*first = r.first && !r.any;
	return r.next == p->n && !r.nomem ? 0 : AP_ENOMEM;
}
#endif

int ap_pipeline__pieces(struct ap_out *o, const struct ap_pieces *p, int *first)
{
#ifdef _OPENMP
	int team = omp_in_parallel() ? omp_get_num_threads() : 1;

	if (team > 1 && p->n > 1)
		return side_by_side(o, p, first, (size_t)team < p->n ? team : (int)p->n);
#endif
	return ap_pieces_serial(o, p, first);
}
