/* profiler.db tables without a CSV twin (specs/ms_service_profiler.md §3.2, §3.8): batch_exec
 * and batch_req from batch_event_df (exporters/exporter_batch.py parse_batch_exec_req), and
 * request_status (exporters/exporter_req_status.py, its db branch). Row orders that upstream
 * leaves to an unstable sort are made stable (ties keep the input order). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/arena.h"
#include "ap/svc_fmt.h"
#include "w_svc_local.h"
#include "../base/banned.h"

static int name_is(const char *name, const char *want)
{
	return name && !strcmp(name, want);
}

static int cmp_dbl(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/* ---- batch_exec --------------------------------------------------------------------------- */

struct bx {
	const struct ap_svc_batch_event *e;
	size_t seq;
	int64_t batch_id;
	double start, end;
};

static int bx_by_start(const void *pa, const void *pb)
{
	const struct bx *a = pa, *b = pb;
	int c = cmp_dbl(a->e->start_us, b->e->start_us);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* groupby(batch_id, event, pid) key order */
static int bx_by_key(const void *pa, const void *pb)
{
	const struct bx *a = pa, *b = pb;
	int c;

	if (a->batch_id != b->batch_id)
		return a->batch_id < b->batch_id ? -1 : 1;
	c = strcmp(a->e->event, b->e->event);
	if (c)
		return c;
	if (a->e->pid != b->e->pid)
		return a->e->pid < b->e->pid ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static int bx_by_batch_start(const void *pa, const void *pb)
{
	const struct bx *a = pa, *b = pb;
	int c;

	if (a->batch_id != b->batch_id)
		return a->batch_id < b->batch_id ? -1 : 1;
	c = cmp_dbl(a->start, b->start);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static int write_batch_exec(struct ap_svc_db *db, const struct ap_svc_derived *d,
			    struct ap_err *err)
{
	static const struct ap_svc_db_col cols[] = {
		{ "batch_id", AP_SVC_DB_INTEGER }, { "event", AP_SVC_DB_TEXT },
		{ "pid", AP_SVC_DB_INTEGER }, { "start", AP_SVC_DB_REAL }, { "end", AP_SVC_DB_REAL },
	};
	struct bx *v = NULL;
	size_t i, n = 0, ng = 0;
	int64_t logical = 0;
	int ret;

	v = malloc((d->n_batch_event ? d->n_batch_event : 1) * sizeof(*v));
	AP_RETURN_ERROR_IF(!v, err, AP_ENOMEM, "batch_exec: out of memory");
	for (i = 0; i < d->n_batch_event; i++) {
		if (!d->batch_event[i].event)
			continue; /* groupby drops a None key */
		v[n].e = &d->batch_event[i];
		v[n].seq = n;
		n++;
	}
	qsort(v, n, sizeof(*v), bx_by_start);
	/* logical batch = running count of BatchSchedule rows; ids are its distinct values
	 * ranked from 1 (dense: consecutive, so value - first + 1) */
	for (i = 0; i < n; i++) {
		logical += name_is(v[i].e->event, "BatchSchedule");
		v[i].batch_id = logical;
		v[i].seq = i;
	}
	for (i = 0, logical = n ? v[0].batch_id : 0; i < n; i++)
		v[i].batch_id = v[i].batch_id - logical + 1;
	qsort(v, n, sizeof(*v), bx_by_key);
	for (i = 0; i < n; i++) {
		if (ng && v[ng - 1].batch_id == v[i].batch_id && v[ng - 1].e->pid == v[i].e->pid &&
		    !strcmp(v[ng - 1].e->event, v[i].e->event)) {
			if (v[i].e->start_us < v[ng - 1].start || isnan(v[ng - 1].start))
				v[ng - 1].start = v[i].e->start_us;
			if (v[i].e->end_us > v[ng - 1].end || isnan(v[ng - 1].end))
				v[ng - 1].end = v[i].e->end_us;
			continue;
		}
		v[ng] = v[i];
		v[ng].start = v[i].e->start_us;
		v[ng].end = v[i].e->end_us;
		v[ng].seq = ng;
		ng++;
	}
	qsort(v, ng, sizeof(*v), bx_by_batch_start);
	ret = ng ? ap_svc_db_table_begin(db, "batch_exec", cols, 5, err) : 0;
	for (i = 0; i < ng && !ret; i++) {
		ap_svc_db_i64(db, 0, v[i].batch_id);
		ap_svc_db_text(db, 1, v[i].e->event, SIZE_MAX);
		ap_svc_db_i64(db, 2, v[i].e->pid);
		ap_svc_db_real(db, 3, v[i].start);
		ap_svc_db_real(db, 4, v[i].end);
		ret = ap_svc_db_row(db, err);
	}
	if (ng && !ret)
		ret = ap_svc_db_table_end(db, err);
	free(v);
	return ret;
}

/* ---- batch_req ---------------------------------------------------------------------------- */

struct breq {
	const char *req_id, *rid;   /* str() of the values */
	const struct ap_sv *iter;   /* NULL: absent (0) */
	double iter_d;
	double sched;
	size_t seq;
	const struct ap_sv *block;
};

struct fwd_rec {
	const char *rid;
	double time;
	const struct ap_sv *blocks; /* a non-empty list, or NULL */
	size_t seq;
};

static int breq_cmp(const void *pa, const void *pb)
{
	const struct breq *a = pa, *b = pb;
	int c = strcmp(a->req_id, b->req_id);

	if (!c)
		c = cmp_dbl(a->iter_d, b->iter_d);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static int fwd_cmp(const void *pa, const void *pb)
{
	const struct fwd_rec *a = pa, *b = pb;
	int c = strcmp(a->rid, b->rid);

	if (!c)
		c = cmp_dbl(a->time, b->time);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static const char *sv_str(struct ap_arena *a, struct ap_strbuf *sb, const struct ap_sv *v)
{
	ap_strbuf_reset(sb);
	ap_sv_pystr(sb, v);
	return sb->failed ? NULL : ap_arena_strndup(a, sb->buf, sb->len);
}

/* Python truthiness of a JSON value */
static int sv_truthy(const struct ap_sv *v)
{
	switch (v->type) {
	case AP_SV_INT: return v->u.i != 0;
	case AP_SV_REAL: return v->u.d != 0.0;
	case AP_SV_TRUE: return 1;
	case AP_SV_STR: case AP_SV_LIST: case AP_SV_OBJ: return v->n != 0;
	default: return 0;
	}
}

static double sv_num(const struct ap_sv *v)
{
	if (!v)
		return 0.0;
	if (v->type == AP_SV_INT)
		return (double)v->u.i;
	if (v->type == AP_SV_REAL)
		return v->u.d;
	if (v->type == AP_SV_TRUE)
		return 1.0;
	if (v->type == AP_SV_FALSE)
		return 0.0;
	return NAN;
}

/* blocks[min(iter, len - 1)] with Python's negative indexes; NULL when out of range */
static const struct ap_sv *pick_block(const struct ap_sv *blocks, double iter)
{
	int64_t n = blocks->n, i = (int64_t)iter;

	if (i > n - 1)
		i = n - 1;
	if (i < 0)
		i += n;
	return i >= 0 && i < n ? &blocks->u.items[i] : NULL;
}

/* assign_blocks_vectorized: the first forward of the rid at or after the schedule time with
 * blocks, else the latest before it, else the rid's last forward */
static const struct ap_sv *find_block(const struct fwd_rec *f, size_t nf, const struct breq *q)
{
	size_t lo = 0, hi = nf, a, b, i;

	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (strcmp(f[m].rid, q->rid) < 0)
			lo = m + 1;
		else
			hi = m;
	}
	a = lo;
	for (b = a; b < nf && !strcmp(f[b].rid, q->rid); b++)
		;
	if (a == b)
		return NULL;
	for (i = a; i < b; i++)
		if (!(f[i].time < q->sched) && f[i].blocks)
			return pick_block(f[i].blocks, q->iter_d);
	for (i = b; i > a; i--)
		if (f[i - 1].time < q->sched && f[i - 1].blocks)
			return pick_block(f[i - 1].blocks, q->iter_d);
	return f[b - 1].blocks ? pick_block(f[b - 1].blocks, q->iter_d) : NULL;
}

static int write_batch_req(struct ap_svc_db *db, const struct ap_svc_derived *d,
			   struct ap_err *err)
{
	static const struct ap_svc_db_col cols[] = {
		{ "batch_id", AP_SVC_DB_INTEGER }, { "req_id", AP_SVC_DB_TEXT },
		{ "rid", AP_SVC_DB_TEXT }, { "iter", AP_SVC_DB_INTEGER }, { "block", AP_SVC_DB_TEXT },
	};
	struct ap_arena a;
	struct ap_strbuf sb = AP_STRBUF_INIT;
	struct breq *q = NULL;
	struct fwd_rec *f = NULL;
	size_t i, k, n = 0, nf = 0, cap = 0, fcap = 0;
	int ret = 0;

	ap_arena_init(&a, 1 << 14);
	for (i = 0; i < d->n_batch_event; i++) {
		const struct ap_svc_batch_event *e = &d->batch_event[i];
		int sched = name_is(e->event, "BatchSchedule") ||
			    name_is(e->event, "batchFrameworkProcessing");
		int fwd = d->has_blocks && name_is(e->event, "forward");

		if ((!sched && !fwd) || !e->batch || e->batch->type != AP_SV_LIST)
			continue;
		for (k = 0; k < e->batch->n; k++) {
			const struct ap_sv *it = &e->batch->u.items[k], *rid, *rq;

			if (it->type != AP_SV_OBJ)
				continue;
			rid = ap_sv_get(it, "rid");
			if (fwd && rid) {
				if (nf == fcap) {
					struct fwd_rec *nv = realloc(f, (2 * fcap + 16) * sizeof(*nv));

					if (!nv)
						goto nomem;
					f = nv;
					fcap = 2 * fcap + 16;
				}
				f[nf].rid = sv_str(&a, &sb, rid);
				f[nf].time = e->start_us;
				f[nf].blocks = e->blocks && e->blocks->type == AP_SV_LIST &&
					       e->blocks->n ? e->blocks : NULL;
				f[nf].seq = nf;
				if (!f[nf].rid)
					goto nomem;
				nf++;
			}
			if (!sched || !rid || rid->type == AP_SV_NULL)
				continue;
			if (n == cap) {
				struct breq *nv = realloc(q, (2 * cap + 16) * sizeof(*nv));

				if (!nv)
					goto nomem;
				q = nv;
				cap = 2 * cap + 16;
			}
			rq = ap_sv_get(it, "req_id");
			q[n].rid = sv_str(&a, &sb, rid);
			q[n].req_id = rq && sv_truthy(rq) ? sv_str(&a, &sb, rq) : q[n].rid;
			q[n].iter = ap_sv_get(it, "iter");
			q[n].iter_d = sv_num(q[n].iter);
			q[n].sched = e->start_us;
			q[n].seq = n;
			q[n].block = NULL;
			if (!q[n].rid || !q[n].req_id)
				goto nomem;
			n++;
		}
	}
	if (!n)
		goto out;
	qsort(q, n, sizeof(*q), breq_cmp);
	if (nf) {
		qsort(f, nf, sizeof(*f), fwd_cmp);
		for (i = 0; i < n; i++)
			q[i].block = find_block(f, nf, &q[i]);
	}
	ret = ap_svc_db_table_begin(db, "batch_req", cols, 5, err);
	for (i = 0; i < n && !ret; i++) {
		ap_svc_db_i64(db, 0, (int64_t)i + 1);
		ap_svc_db_text(db, 1, q[i].req_id, SIZE_MAX);
		ap_svc_db_text(db, 2, q[i].rid, SIZE_MAX);
		if (!q[i].iter)
			ap_svc_db_i64(db, 3, 0);
		else if (q[i].iter->type == AP_SV_INT)
			ap_svc_db_i64(db, 3, q[i].iter->u.i);
		else if (q[i].iter->type == AP_SV_REAL)
			ap_svc_db_real(db, 3, q[i].iter->u.d);
		else if (q[i].iter->type != AP_SV_NULL)
			ap_svc_db_text(db, 3, sv_str(&a, &sb, q[i].iter), SIZE_MAX);
		if (q[i].block)
			ap_svc_db_text(db, 4, sv_str(&a, &sb, q[i].block), SIZE_MAX);
		ret = ap_svc_db_row(db, err);
	}
	if (!ret)
		ret = ap_svc_db_table_end(db, err);
	goto out;
nomem:
	ret = ap_err_set(err, AP_ENOMEM, "batch_req: out of memory");
out:
	free(q);
	free(f);
	ap_strbuf_release(&sb);
	ap_arena_release(&a);
	return ret;
}

int ap_svc__db_batch_exec(struct ap_svc_db *db, const struct ap_svc *s,
			  const struct ap_svc_derived *d, struct ap_err *err)
{
	size_t i;
	int any = 0;

	/* the exporter runs only when batch rows exist (the batch table's condition) */
	for (i = 0; i < s->n_rows && !any; i++) {
		const char *n = s->rows[i].name;

		any = name_is(n, "BatchSchedule") || name_is(n, "batchFrameworkProcessing") ||
		      name_is(n, "Schedule") || name_is(n, "modelExec") ||
		      name_is(n, "modelRunnerExec") || name_is(n, "Execute") ||
		      name_is(n, "specDecoding");
	}
	if (!d || !d->n_batch_event || !any)
		return 0;
	AP_FORWARD_IF_ERROR(write_batch_exec(db, d, err));
	return write_batch_req(db, d, err);
}

/* ---- request_status ----------------------------------------------------------------------- */

struct qcell {
	char dt[32];
	int q;          /* 0 WAITING, 1 RUNNING, 2 PENDING, 3 another queue */
	double v;
	const struct ap_sv *raw;
	size_t seq;
};

static int qcell_cmp(const void *pa, const void *pb)
{
	const struct qcell *a = pa, *b = pb;
	int c = strcmp(a->dt, b->dt);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* pd.to_numeric(errors='coerce') of a cell */
static double to_numeric(const struct ap_sv *v)
{
	char tmp[64], *end;

	if (v->type == AP_SV_STR && v->n && v->n < sizeof(tmp)) {
		memcpy(tmp, v->u.s, v->n);
		tmp[v->n] = '\0';
		{
			double x = strtod(tmp, &end);

			return *end ? NAN : x;
		}
	}
	return sv_num(v);
}

static int sv_is(const struct ap_sv *v, const char *s)
{
	return v && v->type == AP_SV_STR && strlen(s) == v->n && !memcmp(v->u.s, s, v->n);
}

/* MindIE: Schedule rows named Queue -> (timestamp, QueueSize=, status upper-cased) */
static int rs_queue_status(struct ap_svc_db *db, const struct ap_svc *s, int *done,
			   struct ap_err *err)
{
	static const struct ap_svc_db_col cols[] = {
		{ "timestamp", AP_SVC_DB_TEXT }, { "QueueSize=", AP_SVC_DB_REAL },
		{ "status", AP_SVC_DB_TEXT },
	};
	static const char *const from[] = { "waiting", "running", "swapped" };
	static const char *const to[] = { "WAITING", "RUNNING", "SWAPPED" };
	struct ap_svc_sink k;
	size_t i;
	int ret = 0, n = 0, j;
	struct ap_svc_sink_col sc[3];

	*done = 0;
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		if (name_is(r->domain, "Schedule") && name_is(r->name, "Queue"))
			n++;
	}
	if (!n)
		return 0;
	for (j = 0; j < 3; j++) {
		sc[j].csv = cols[j].name;
		sc[j].db = cols[j];
	}
	*done = 1;
	ap_svc__sink_init(&k, db, NULL, "request_status");
	ret = ap_svc__sink_begin(&k, sc, 3, err);
	for (i = 0; i < s->n_rows && !ret; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		const struct ap_sv *st;
		const char *up = NULL;

		if (!name_is(r->domain, "Schedule") || !name_is(r->name, "Queue"))
			continue;
		st = ap_sv_get(&r->attrs, "status");
		for (j = 0; j < 3; j++)
			if (sv_is(st, from[j]))
				up = to[j];
		ap_svc__sink_datetime(&k, r->start_us);
		ap_svc__sink_sv(&k, ap_sv_get(&r->attrs, "QueueSize="), 0);
		ap_svc__sink_str(&k, up, SIZE_MAX);
		ret = ap_svc__sink_row(&k, err);
	}
	if (!ret)
		ret = ap_svc__sink_commit(&k, err);
	ap_svc__sink_release(&k);
	return ret;
}

/* vLLM: pivot of the queue rows: one row per start_datetime (sorted), the first non-null
 * QueueSize= per queue; a queue column without any value is 0 */
static int rs_pivot(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err)
{
	static const char *const qn[] = { "WAITING", "RUNNING", "PENDING", "SWAPPED" };
	struct ap_svc_db_col cols[4] = {
		{ "timestamp", AP_SVC_DB_TEXT }, { "WAITING", AP_SVC_DB_REAL },
		{ "RUNNING", AP_SVC_DB_REAL }, { "PENDING", AP_SVC_DB_REAL },
	};
	struct qcell *c = NULL;
	size_t i, n = 0, j;
	int present[3] = { 0 }, ret = 0, q;

	for (i = 0; i < s->n_rows; i++)
		n += name_is(s->rows[i].domain, "Schedule");
	c = malloc((n ? n : 1) * sizeof(*c));
	AP_RETURN_ERROR_IF(!c, err, AP_ENOMEM, "request_status: out of memory");
	n = 0;
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		const struct ap_sv *name = ap_sv_get(&r->attrs, "scope#QueueName");
		const struct ap_sv *v = ap_sv_get(&r->attrs, "QueueSize=");

		if (!name_is(r->domain, "Schedule"))
			continue;
		for (q = 0; q < 4 && !sv_is(name, qn[q]); q++)
			;
		if (q == 4 && !name_is(r->name, "Queue"))
			continue;
		/* pivot keys: a None queue name is dropped, a None value does not count */
		if (!name || name->type == AP_SV_NULL || !v || v->type == AP_SV_NULL)
			continue;
		if (q == 4 || q == 3)
			q = 3;
		c[n].q = q;
		c[n].raw = v;
		c[n].v = to_numeric(v);
		c[n].seq = n;
		ap_svc_fmt_datetime(c[n].dt, r->start_us);
		if (q < 3)
			present[q] = 1;
		n++;
	}
	qsort(c, n, sizeof(*c), qcell_cmp);
	for (q = 0; q < 3; q++)
		if (!present[q])
			cols[q + 1].type = AP_SVC_DB_INTEGER;
	ret = n ? ap_svc_db_table_begin(db, "request_status", cols, 4, err) : 0;
	for (i = 0; i < n && !ret; i = j) {
		int set[3] = { 0 };

		ap_svc_db_text(db, 0, c[i].dt, SIZE_MAX);
		for (j = i; j < n && !strcmp(c[j].dt, c[i].dt); j++) {
			if (c[j].q == 3 || set[c[j].q])
				continue;
			set[c[j].q] = 1;
			ap_svc_db_real(db, (size_t)c[j].q + 1, c[j].v);
		}
		for (q = 0; q < 3; q++)
			if (!present[q])
				ap_svc_db_i64(db, (size_t)q + 1, 0);
		ret = ap_svc_db_row(db, err);
	}
	if (n && !ret)
		ret = ap_svc_db_table_end(db, err);
	free(c);
	return ret;
}

int ap_svc__db_request_status(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err)
{
	int has_q = 0, has_status = 0, has_scope = 0, done;
	size_t i;

	for (i = 0; i < s->n_rows; i++) {
		const struct ap_sv *a = &s->rows[i].attrs;

		has_q |= ap_sv_get(a, "QueueSize=") != NULL;
		has_status |= ap_sv_get(a, "status") != NULL;
		has_scope |= ap_sv_get(a, "scope#QueueName") != NULL;
	}
	if (has_q && has_status) {
		AP_FORWARD_IF_ERROR(rs_queue_status(db, s, &done, err));
		if (done)
			return 0;
	}
	/* the status-column and metric schemas (old MindIE) are not written: see
	 * docs/compatibility.md */
	if (has_status || !has_scope || !has_q)
		return 0;
	return rs_pivot(db, s, err);
}
