/* msprof's communication analysis of one PROF dir's HCCL small tasks (upstream
 * msparser/cluster/communication_parser.py, communication_matrix_parser.py, meta_parser.py; read
 * for facts): per op, its time info from the tasks of its master plane, its bandwidth per
 * transport from all its tasks, its matrix links. Formulas: man ascprof-formats(5),
 * "Communication analysis". The split by step is an_comm_step.c. */
#include <stdlib.h>
#include <string.h>

#include "ap/comm.h"
#include "ap/fmt.h"
#include "ap/strbuf.h"
#include "ap/u64map.h"
#include "an_comm_local.h"
#include "../base/banned.h"

#define NS_TO_MS 1000000.0
#define B_TO_MB 1000000.0
#define RDMA_NO_BARRIER 3   /* RDMA_NO_BARRIER_TASK_NUM: send / receive ops */
#define RDMA_WITH_BARRIER 5 /* RDMA_WITH_BARRIER_TASK_NUM */
#define INVALID_RANK 0xFFFFFFFFll

enum { T_ELAPSE, T_TRANSIT, T_WAIT, T_SYNC, T_IDLE, T_WAIT_RATIO, T_SYNC_RATIO };

/* ---- the tasks of one op ---- */

typedef const struct ap_cann_hccl_row *row_t;

/* The lookups below (bins by size, links by key, planes by id) hash into maps that are never
 * cleared: a slot holds where its key was last put, which is its place now if the entry there
 * still has that key and lies in the current op's range (no later key of the op takes the
 * same slot), and else the key is new to the op. Linear in the tasks. */
struct an {
	const struct ap_cann_view *v;
	struct ap_comm *c;
	row_t *plane;         /* scratch: the tasks of one plane */
	AP_VEC(struct ap_comm_bin) tb[AP_COMM_NTRANSPORT]; /* scratch: bins per transport */
	struct ap_u64map bin_of[AP_COMM_NTRANSPORT]; /* size bits -> index into tb[k] */
	struct ap_u64map link_of;  /* "src-dst" strs id -> index into c->links */
	struct ap_u64map plane_of; /* plane id -> index into by_plane's ids */
	int oom;
};

/* The map key of a size: its bits, 0.0 for -0.0 (Python's dict has them equal). */
static uint64_t size_key(double x)
{
	uint64_t k = 0;

	if (x != 0)
		memcpy(&k, &x, sizeof(k));
	return k;
}

static int str_is(const struct ap_cann_view *v, uint32_t id, const char *s)
{
	const char *x = ap_strtab_get(&v->strs, id);

	return x && !strcmp(x, s);
}

static double dur_ns(row_t r)
{
	return (double)(r->end - r->start);
}

static int is_transit_sdma(const struct ap_cann_view *v, row_t r)
{
	return (str_is(v, r->name, "Memcpy") || str_is(v, r->name, "Reduce_Inline")) &&
	       str_is(v, r->transport, "SDMA") && !str_is(v, r->link, "ON_CHIP");
}

static int is_payload(const struct ap_cann_view *v, row_t r)
{
	return str_is(v, r->rdma, "RDMA_SEND_PAYLOAD");
}

/* is_send_or_recv_op of the first task: how many tasks close an RDMA payload run. */
static int rdma_jump(const struct ap_cann_view *v, row_t first)
{
	return ap_comm__has_ci(ap_strtab_get(&v->strs, first->op_name), "send") ||
			       ap_comm__has_ci(ap_strtab_get(&v->strs, first->op_name), "receive")
		       ? RDMA_NO_BARRIER
		       : RDMA_WITH_BARRIER;
}

static size_t payload_count(const struct ap_cann_view *v, row_t *e, size_t n, size_t i)
{
	size_t k = 0;

	while (i + k < n && is_payload(v, e[i + k]))
		k++;
	return k;
}

/* calculate_consecutive_payload_tasks_info: 0 when the closing tasks are missing. */
static int payload_info(row_t *e, size_t n, size_t i, size_t cnt, int jump, double *time_ms,
			double *size_mb)
{
	size_t k = i + cnt + (size_t)jump - 2, m;
	int64_t size = 0;

	if (k >= n)
		return 0;
	for (m = i; m < i + cnt; m++)
		size += e[m]->size;
	*size_mb = (double)size / B_TO_MB;
	*time_ms = (dur_ns(e[k]) + (double)(e[k]->start - e[i]->start)) / NS_TO_MS;
	return 1;
}

/* op_time_parser over the tasks of the master plane. */
static void op_time(struct an *a, row_t *e, size_t n, struct ap_comm_op *op)
{
	const struct ap_cann_view *v = a->v;
	struct ap_pynum *t = op->time;
	int wait_flag = 1, jump;
	size_t i = 0, m = 0, latest = 0, earliest = 0;
	int64_t plane = 0, first = 0;
	double elapse;

	for (i = 0; i < n && !e[i]->master; i++)
		;
	if (i == n)
		return; /* no master task: msprof gives up on communication.json */
	plane = e[i]->plane_id;
	for (i = 0; i < n; i++)
		if (e[i]->master && (m == 0 || e[i]->start < first)) {
			first = e[i]->start;
			m = 1;
		}
	op->timed = 1;
	op->start_us = ap_comm__ns_to_us(first);
	for (i = 0, m = 0; i < n; i++)
		if (e[i]->plane_id == plane)
			a->plane[m++] = e[i];
	e = a->plane;
	n = m;
	jump = rdma_jump(v, e[0]);
	for (i = 0; i < n;) {
		row_t r = e[i];

		if (is_transit_sdma(v, r)) {
			wait_flag = 0;
			ap_comm__add(&t[T_TRANSIT], dur_ns(r) / NS_TO_MS, 1);
		}
		if (is_payload(v, r)) {
			size_t cnt = payload_count(v, e, n, i);
			double tm, sz;

			if (!payload_info(e, n, i, cnt, jump, &tm, &sz)) {
				i += cnt;
				continue;
			}
			ap_comm__add(&t[T_TRANSIT], tm, 1);
			i += (size_t)jump + cnt - 1;
			wait_flag = 0;
			continue;
		}
		if (str_is(v, r->name, "Notify_Wait")) {
			double w = dur_ns(r) / NS_TO_MS;

			if (wait_flag)
				ap_comm__add(&t[T_SYNC], w, 1);
			ap_comm__add(&t[T_WAIT], w, 1);
		}
		i++;
	}
	for (i = 1; i < n; i++) {
		/* max by end and min by start: the first of equals, as Python's max / min */
		if ((double)(e[i]->start - e[latest]->start) + dur_ns(e[i]) > dur_ns(e[latest]))
			latest = i;
		if (e[i]->start < e[earliest]->start)
			earliest = i;
	}
	elapse = ((double)(e[latest]->start - e[earliest]->start) + dur_ns(e[latest])) / NS_TO_MS;
	t[T_ELAPSE].v = elapse;
	t[T_ELAPSE].isf = 1;
	t[T_IDLE].v = elapse - t[T_TRANSIT].v - t[T_WAIT].v;
	t[T_IDLE].isf = 1;
	ap_comm__ratios(t, 0);
}

/* update_bandwidth_record into the scratch bins of transport k. */
static void bw_record(struct an *a, struct ap_comm_bw *bw, int k, double size_mb, double time_ms)
{
	size_t i;

	struct ap_u64map_slot *s = ap_u64map_get(&a->bin_of[k], size_key(size_mb), NULL);

	ap_comm__add(&bw[k].size_mb, size_mb, 1);
	ap_comm__add(&bw[k].time_ms, time_ms, 1);
	if (!s) {
		a->oom = 1;
		return;
	}
	i = s->val;
	if (i >= a->tb[k].n || a->tb[k].v[i].size_mb != size_mb) {
		struct ap_comm_bin *b = ap_vec_push(&a->tb[k]);

		if (!b) {
			a->oom = 1;
			return;
		}
		memset(b, 0, sizeof(*b));
		b->size_mb = size_mb;
		i = a->tb[k].n - 1;
		s->val = (uint32_t)i;
	}
	ap_comm__add(&a->tb[k].v[i].count, 1, 0);
	ap_comm__add(&a->tb[k].v[i].time_ms, time_ms, 1);
}

/* get_communication_bandwidth_info_type of an SDMA transit task. */
static int sdma_kind(const struct ap_cann_view *v, row_t r)
{
	if (str_is(v, r->link, "HCCS_SW") || str_is(v, r->link, "HCCS"))
		return AP_COMM_HCCS;
	if (str_is(v, r->link, "PCIE"))
		return AP_COMM_PCIE;
	if (str_is(v, r->link, "SIO"))
		return AP_COMM_SIO;
	return AP_COMM_SDMA;
}

static int transport_slot(const struct ap_cann_view *v, uint32_t id)
{
	int k;

	for (k = 0; k < AP_COMM_NTRANSPORT; k++)
		if (str_is(v, id, ap_comm_transport_name(k)))
			return k;
	return -1;
}

/* analyze_bandwidth_info / combine_sdma_info for every transport, in msprof's order. */
static void bw_finish(struct ap_comm_bw *bw, const struct ap_comm_bin *const bins[])
{
	static const double thr[AP_COMM_NTRANSPORT] = { 0.5, 32, 32, 0, 32 };
	int k;
	uint32_t i;

	for (k = 0; k < AP_COMM_NTRANSPORT; k++) {
		double large = 0, packets = 0;

		if (k == AP_COMM_SDMA) {
			struct ap_pynum s = bw[AP_COMM_HCCS].size_mb, t = bw[AP_COMM_HCCS].time_ms;

			ap_comm__add(&s, bw[AP_COMM_PCIE].size_mb.v, bw[AP_COMM_PCIE].size_mb.isf);
			ap_comm__add(&s, bw[AP_COMM_SIO].size_mb.v, bw[AP_COMM_SIO].size_mb.isf);
			ap_comm__add(&t, bw[AP_COMM_PCIE].time_ms.v, bw[AP_COMM_PCIE].time_ms.isf);
			ap_comm__add(&t, bw[AP_COMM_SIO].time_ms.v, bw[AP_COMM_SIO].time_ms.isf);
			ap_comm__add(&bw[k].size_mb, s.v, s.isf);
			ap_comm__add(&bw[k].time_ms, t.v, t.isf);
		}
		if (bw[k].time_ms.v != 0) {
			bw[k].bw.v = ap_fmt_py_round((bw[k].size_mb.v / 1000.0) /
							     (bw[k].time_ms.v / 1000.0), 4);
			bw[k].bw.isf = 1;
		}
		if (k == AP_COMM_SDMA)
			continue;
		for (i = 0; i < bw[k].nbins; i++) {
			if (bins[k][i].size_mb > thr[k])
				large += bins[k][i].count.v;
			packets += bins[k][i].count.v;
		}
		if (packets > 0) {
			bw[k].large_ratio.v = ap_fmt_py_round(large / packets, 4);
			bw[k].large_ratio.isf = 1;
		}
	}
}

/* Splits the tasks e[0..n) by plane, first seen first, into a->plane (a counting sort, each
 * plane's tasks in order); returns the number of planes and their ends in ends (ends[p] = one
 * past the last task of plane p). pidx: scratch of n entries. */
static size_t by_plane(struct an *a, row_t *e, size_t n, size_t *ends, int64_t *ids,
		       uint32_t *pidx)
{
	size_t np = 0, i, p;

	for (i = 0; i < n; i++) {
		struct ap_u64map_slot *s = ap_u64map_get(&a->plane_of, (uint64_t)e[i]->plane_id,
							 NULL);

		if (!s) {
			a->oom = 1;
			return 0;
		}
		if (s->val >= np || ids[s->val] != e[i]->plane_id) {
			s->val = (uint32_t)np;
			ends[np] = 0;
			ids[np++] = e[i]->plane_id;
		}
		pidx[i] = s->val;
		ends[s->val]++;
	}
	for (p = 1; p < np; p++)
		ends[p] += ends[p - 1];
	for (i = n; i-- > 0;) /* from the back: ends[p] ends at the start of plane p */
		a->plane[--ends[pidx[i]]] = e[i];
	for (p = 0; p + 1 < np; p++)
		ends[p] = ends[p + 1];
	if (np)
		ends[np - 1] = n;
	return np;
}

/* op_bandwidth_parser over all the op's tasks e[..], plane by plane as by_plane left them. */
static void op_bandwidth(struct an *a, row_t *e, size_t np, const size_t *ends,
			 struct ap_comm_op *op)
{
	const struct ap_cann_view *v = a->v;
	const struct ap_comm_bin *bins[AP_COMM_NTRANSPORT];
	size_t p, from = 0, i;
	int jump = rdma_jump(v, e[0]), k;

	for (k = 0; k < AP_COMM_NTRANSPORT; k++)
		a->tb[k].n = 0;
	for (p = 0; p < np; from = ends[p++]) {
		row_t *q = a->plane + from;
		size_t m = ends[p] - from;

		for (i = 0; i < m;) {
			if (is_transit_sdma(v, q[i]))
				bw_record(a, op->bw, sdma_kind(v, q[i]), (double)q[i]->size / B_TO_MB,
					  dur_ns(q[i]) / NS_TO_MS);
			if (is_payload(v, q[i])) {
				size_t cnt = payload_count(v, q, m, i);
				double tm, sz;
				int slot;

				if (!payload_info(q, m, i, cnt, jump, &tm, &sz)) {
					i += cnt;
					continue;
				}
				slot = transport_slot(v, q[i]->transport);
				if (slot < 0) { /* msprof fails on it (KeyError) */
					if (!a->c->bad_transport++)
						a->c->first_bad_transport = (uint32_t)(q[i] - a->v->hccl.v);
				} else {
					bw_record(a, op->bw, slot, sz, tm);
				}
				i += (size_t)jump + cnt - 1;
				continue;
			}
			i++;
		}
	}
	for (k = 0; k < AP_COMM_NTRANSPORT; k++) {
		op->bw[k].bin = (uint32_t)a->c->bins.n;
		op->bw[k].nbins = (uint32_t)a->tb[k].n;
		if (ap_vec_reserve(&a->c->bins, a->tb[k].n) < 0) {
			a->oom = 1;
			return;
		}
		if (a->tb[k].n)
			memcpy(a->c->bins.v + a->c->bins.n, a->tb[k].v,
			       a->tb[k].n * sizeof(*a->tb[k].v));
		a->c->bins.n += a->tb[k].n;
	}
	for (k = 0; k < AP_COMM_NTRANSPORT; k++)
		bins[k] = a->c->bins.v + op->bw[k].bin;
	bw_finish(op->bw, bins);
}

/* get_communication_matrix_transport_type + convert_to_enum of an SDMA transit task. */
static int8_t matrix_sdma_code(const struct ap_cann_view *v, row_t r)
{
	if (str_is(v, r->link, "ON_CHIP"))
		return 3;
	if (str_is(v, r->link, "HCCS_SW") || str_is(v, r->link, "HCCS"))
		return 0;
	if (str_is(v, r->link, "PCIE"))
		return 1;
	if (str_is(v, r->link, "RDMA"))
		return 2;
	if (str_is(v, r->link, "LOCAL"))
		return 3;
	if (str_is(v, r->link, "SIO"))
		return 4;
	return -1;
}

/* The link of "src-dst" in the op's links from first, created when new. */
static struct ap_comm_link *link_of(struct an *a, size_t first, row_t r)
{
	char buf[2 * AP_FMT_MAX + 2];
	size_t len = ap_fmt_i64(buf, r->local_rank), i;
	uint32_t id;
	struct ap_comm_link *l;
	struct ap_u64map_slot *s;

	buf[len++] = '-';
	len += ap_fmt_i64(buf + len, r->remote_rank == INVALID_RANK ? r->local_rank
								    : r->remote_rank);
	id = ap_strtab_intern(&a->c->strs, buf, len, NULL);
	if (id == AP_STR_NONE) {
		a->oom = 1;
		return NULL;
	}
	s = ap_u64map_get(&a->link_of, id, NULL);
	if (!s) {
		a->oom = 1;
		return NULL;
	}
	i = s->val;
	if (i >= first && i < a->c->links.n && a->c->links.v[i].key == id)
		return &a->c->links.v[i];
	l = ap_vec_push(&a->c->links);
	if (!l) {
		a->oom = 1;
		return NULL;
	}
	s->val = (uint32_t)(a->c->links.n - 1);
	memset(l, 0, sizeof(*l));
	l->key = id;
	l->transport = -1;
	return l;
}

/* CommunicationMatrixParser.parse_ops, over the planes by_plane left in a->plane. */
static void op_matrix(struct an *a, size_t np, const size_t *ends, struct ap_comm_op *op)
{
	const struct ap_cann_view *v = a->v;
	size_t first = a->c->links.n, p, from = 0, i;
	int jump = rdma_jump(v, a->plane[0]);

	for (p = 0; p < np && !a->oom; from = ends[p++]) {
		row_t *q = a->plane + from;
		size_t m = ends[p] - from;

		for (i = 0; i < m && !a->oom;) {
			struct ap_comm_link *l;

			if (q[i]->local_rank == INVALID_RANK) {
				i++;
				continue;
			}
			if (str_is(v, q[i]->transport, "SDMA") &&
			    (str_is(v, q[i]->name, "Memcpy") || str_is(v, q[i]->name, "Reduce_Inline"))) {
				l = link_of(a, first, q[i]);
				if (!l)
					return;
				l->transport = matrix_sdma_code(v, q[i]);
				ap_comm__add(&l->size_mb, (double)q[i]->size / B_TO_MB, 1);
				ap_comm__add(&l->time_ms, dur_ns(q[i]) / NS_TO_MS, 1);
			}
			if (is_payload(v, q[i])) {
				size_t cnt = payload_count(v, q, m, i);
				double tm, sz;
				int slot;

				if (!payload_info(q, m, i, cnt, jump, &tm, &sz)) {
					i += cnt;
					continue;
				}
				l = link_of(a, first, q[i]);
				if (!l)
					return;
				slot = transport_slot(v, q[i]->transport);
				l->transport = slot == AP_COMM_RDMA ? 2 : slot == AP_COMM_HCCS ? 0
					     : slot == AP_COMM_PCIE ? 1 : slot == AP_COMM_SIO ? 4 : -1;
				ap_comm__add(&l->time_ms, tm, 1);
				ap_comm__add(&l->size_mb, sz, 1);
				i += (size_t)jump + cnt - 1;
				continue;
			}
			i++;
		}
	}
	op->link = (uint32_t)first;
	op->nlinks = (uint32_t)(a->c->links.n - first);
	for (i = first; i < a->c->links.n; i++) {
		struct ap_comm_link *l = &a->c->links.v[i];

		/* HcclAnalysisTool.divide: ZeroDivisionError gives the int 0 */
		if (l->time_ms.v != 0) {
			l->bw.v = ap_fmt_py_round(l->size_mb.v / l->time_ms.v, 4);
			l->bw.isf = 1;
		}
	}
}

int ap_comm_analyse(const struct ap_cann_view *v, int64_t min_start, struct ap_comm *c,
		    struct ap_err *err)
{
	struct an a;
	struct ap_u64map keys;
	struct ap_strbuf kb = AP_STRBUF_INIT;
	uint32_t *rop = NULL, *cnt = NULL, *pidx = NULL;
	row_t *sorted = NULL;
	size_t *ends = NULL, i, n = v->hccl.n;
	int64_t *ids = NULL;
	int k, ret = AP_ENOMEM;

	memset(&a, 0, sizeof(a));
	a.v = v;
	a.c = c;
	if (ap_u64map_init(&keys, 64) < 0)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	rop = malloc((n ? n : 1) * sizeof(*rop));
	if (!rop)
		goto out;
	/* ops keyed "op_name@group", first seen first (the rows' order) */
	for (i = 0; i < n; i++) {
		const struct ap_cann_hccl_row *r = &v->hccl.v[i];
		struct ap_u64map_slot *s;
		uint32_t id;
		int added;

		rop[i] = UINT32_MAX;
		if (r->start < min_start)
			continue;
		ap_strbuf_reset(&kb);
		ap_strbuf_addstr(&kb, ap_strtab_get(&v->strs, r->op_name));
		ap_strbuf_addch(&kb, '@');
		ap_strbuf_addstr(&kb, ap_strtab_get(&v->strs, r->group));
		id = ap_strtab_intern(&c->strs, kb.buf, kb.len, NULL);
		if (id == AP_STR_NONE || !(s = ap_u64map_get(&keys, id, &added)))
			goto out;
		if (added) {
			struct ap_comm_op *op = ap_vec_push(&c->ops);

			if (!op)
				goto out;
			memset(op, 0, sizeof(*op));
			op->key = id;
			s->val = (uint32_t)(c->ops.n - 1);
		}
		rop[i] = (uint32_t)s->val;
	}
	/* the rows of each op, in order (a counting sort) */
	cnt = calloc(c->ops.n + 1, sizeof(*cnt));
	sorted = malloc((n ? n : 1) * sizeof(*sorted));
	a.plane = malloc((n ? n : 1) * sizeof(*a.plane));
	ends = malloc((n ? n : 1) * sizeof(*ends));
	ids = malloc((n ? n : 1) * sizeof(*ids));
	pidx = malloc((n ? n : 1) * sizeof(*pidx));
	if (!cnt || !sorted || !a.plane || !ends || !ids || !pidx)
		goto out;
	for (i = 0; i < n; i++)
		if (rop[i] != UINT32_MAX)
			cnt[rop[i] + 1]++;
	for (i = 0; i < c->ops.n; i++)
		cnt[i + 1] += cnt[i];
	for (i = 0; i < n; i++)
		if (rop[i] != UINT32_MAX)
			sorted[cnt[rop[i]]++] = &v->hccl.v[i];
	for (i = 0; i < c->ops.n && !a.oom; i++) {
		size_t lo = i ? cnt[i - 1] : 0, m = cnt[i] - lo, np;
		struct ap_comm_op *op = &c->ops.v[i];

		op_time(&a, sorted + lo, m, op);
		if (!op->timed && !c->untimed_ops++)
			c->first_untimed = (uint32_t)(sorted[lo] - v->hccl.v);
		np = by_plane(&a, sorted + lo, m, ends, ids, pidx);
		if (a.oom)
			break;
		op_bandwidth(&a, sorted + lo, np, ends, op);
		if (a.oom)
			break;
		op_matrix(&a, np, ends, op);
	}
	ret = a.oom ? AP_ENOMEM : 0;
out:
	for (k = 0; k < AP_COMM_NTRANSPORT; k++) {
		ap_vec_free(&a.tb[k]);
		ap_u64map_release(&a.bin_of[k]);
	}
	ap_u64map_release(&a.link_of);
	ap_u64map_release(&a.plane_of);
	ap_u64map_release(&keys);
	ap_strbuf_release(&kb);
	free(rop);
	free(cnt);
	free(sorted);
	free(a.plane);
	free(ends);
	free(ids);
	free(pidx);
	if (ret < 0)
		return ap_err_set(err, AP_ENOMEM, "out of memory analysing communication");
	return 0;
}
