/* The latency tables of profiler.db (specs/ms_service_profiler.md §3.8; upstream
 * exporters/exporter_latency.py): prefill_gen_speed, first_token_latency, req_latency and
 * decode_gen_speed, from the derived req_ttft_df and req_event_df.
 *
 * ascprof deviations (issue 11): first_token_latency in ms (upstream parse; analyze has
 * seconds); timestamps in UTC+8 like every other datetime (upstream: the host's zone); ties of
 * upstream's unstable sorts keep the input order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/pystat.h"
#include "ap/sort.h"
#include "w_svc_local.h"
#include "../base/banned.h"

#define WINDOW_US 100000.0

struct tv {
	double t, v;
	size_t seq;
};

static int name_is(const char *name, const char *want)
{
	return name && !strcmp(name, want);
}

static int cmp_dbl(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b ? 1 : 0;
}

/* datetime.fromtimestamp(us / 1e6).strftime('%Y-%m-%d %H:%M:%S:%f') in UTC+8: as CPython
 * splits the float seconds (_PyTime_DoubleToDenominator): the fraction of us / 1e6 times 1e6,
 * rounded half-even, so that a µs value ending in .5 may go either way */
static size_t fmt_ts(char *buf, double us)
{
	double ip, frac = modf(us / 1e6, &ip), r = rint(frac * 1e6);

	if (r >= 1e6) {
		r -= 1e6;
		ip += 1.0;
	} else if (r < 0) {
		r += 1e6;
		ip -= 1.0;
	}
	return ap_svc_fmt_datetime(buf, ip * 1e6 + r);
}

/* np.percentile / mean / min of v[0..n) (sorted in place) */
struct stats {
	double p50, p90, p99, avg, min;
};

static void calc(double *v, size_t n, struct stats *st)
{
	st->avg = ap_np_mean(v, n);
	qsort(v, n, sizeof(*v), cmp_dbl);
	st->p50 = ap_np_percentile(v, n, 50);
	st->p90 = ap_np_percentile(v, n, 90);
	st->p99 = ap_np_percentile(v, n, 99);
	st->min = v[0];
}

enum layout { L_TTFT, L_SPEED };

/* _group_by_time_intervals: 100 ms windows [base + i*w, base + (i+1)*w) from the smallest
 * time, one row per non-empty window (its left edge), plus the p50 of all values. The
 * values x[0..n) keep their input order inside a window. */
static int windows(struct ap_svc_db *db, const char *table, enum layout lay, struct tv *x,
		   size_t n, struct ap_err *err)
{
	static const struct ap_svc_db_col ttft_cols[] = {
		{ "timestamp", AP_SVC_DB_TEXT }, { "p50", AP_SVC_DB_REAL }, { "p90", AP_SVC_DB_REAL },
		{ "p99", AP_SVC_DB_REAL }, { "min_value", AP_SVC_DB_REAL },
		{ "p50_alltime", AP_SVC_DB_REAL },
	};
	static const struct ap_svc_db_col speed_cols[] = {
		{ "timestamp", AP_SVC_DB_TEXT }, { "p50", AP_SVC_DB_REAL }, { "p90", AP_SVC_DB_REAL },
		{ "p99", AP_SVC_DB_REAL }, { "avg", AP_SVC_DB_REAL },
		{ "p50_alltime", AP_SVC_DB_REAL },
	};
	double base = INFINITY, all_p50, *buf;
	size_t i, j;
	struct ap_sortkey *ord;
	int ret;

	if (!n)
		return 0;
	if (n > UINT32_MAX)
		return ap_err_set(err, AP_ENOMEM, "%s: too many values", table);
	buf = malloc(n * sizeof(*buf));
	ord = malloc(n * sizeof(*ord));
	if (!buf || !ord) {
		free(buf);
		free(ord);
		return ap_err_set(err, AP_ENOMEM, "%s: out of memory", table);
	}
	for (i = 0; i < n; i++) {
		base = x[i].t < base ? x[i].t : base;
		buf[i] = x[i].v;
	}
	qsort(buf, n, sizeof(*buf), cmp_dbl);
	all_p50 = ap_np_percentile(buf, n, 50);
	/* pd.cut with right=False on the float bin edges base + i * w */
	for (i = 0; i < n; i++) {
		size_t b = (size_t)floor((x[i].t - base) / WINDOW_US);

		while (b && x[i].t < base + (double)b * WINDOW_US)
			b--;
		while (x[i].t >= base + (double)(b + 1) * WINDOW_US)
			b++;
		ord[i].key = ap_sortkey_u64(b);
		ord[i].idx = (uint32_t)i;
	}
	/* windows in order, the values of each in input order (a stable sort) */
	if (ap_sort_keys(ord, n) < 0)
		ret = ap_err_set(err, AP_ENOMEM, "%s: out of memory", table);
	else
		ret = ap_svc_db_table_begin(db, table, lay == L_TTFT ? ttft_cols : speed_cols, 6,
					    err);
	for (j = 0; j < n && !ret;) {
		int64_t key = ord[j].key;
		uint64_t bin = ap_sortkey_to_u64(key);
		size_t m = 0;
		struct stats st;
		char ts[48];
		size_t tn;

		for (; j < n && ord[j].key == key; j++)
			buf[m++] = x[ord[j].idx].v;
		calc(buf, m, &st);
		tn = fmt_ts(ts, base + (double)bin * WINDOW_US);
		ap_svc_db_text(db, 0, ts, tn);
		ap_svc_db_real(db, 1, st.p50);
		ap_svc_db_real(db, 2, st.p90);
		ap_svc_db_real(db, 3, st.p99);
		ap_svc_db_real(db, 4, lay == L_TTFT ? st.min : st.avg);
		ap_svc_db_real(db, 5, all_p50);
		ret = ap_svc_db_row(db, err);
	}
	if (!ret)
		ret = ap_svc_db_table_end(db, err);
	free(buf);
	free(ord);
	return ret;
}

/* ---- first_token_latency ----------------------------------------------------------------- */

static int ttft(struct ap_svc_db *db, const struct ap_svc_derived *d, struct ap_err *err)
{
	struct tv *x = malloc((d->n_req_ttft ? d->n_req_ttft : 1) * sizeof(*x));
	size_t i, n = 0;
	int ret;

	AP_RETURN_ERROR_IF(!x, err, AP_ENOMEM, "first_token_latency: out of memory");
	for (i = 0; i < d->n_req_ttft; i++) {
		const struct ap_svc_req_ttft *t = &d->req_ttft[i];

		if (isnan(t->ttft_us) || isnan(t->start_us))
			continue;
		x[n].t = t->start_us;
		x[n].v = t->ttft_us / 1000.0; /* ms, as `parse` writes it */
		x[n].seq = n;
		n++;
	}
	ret = windows(db, "first_token_latency", L_TTFT, x, n, err);
	free(x);
	return ret;
}

/* ---- req_latency ------------------------------------------------------------------------- */

struct rl {
	const char *rid;
	double start, end;       /* min start, max end */
	const char *first;       /* the first non-null event */
	size_t count, seq;
};

static int rl_by_rid(const void *pa, const void *pb)
{
	const struct rl *a = pa, *b = pb;
	int c = strcmp(a->rid, b->rid);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static int rl_by_end(const void *pa, const void *pb)
{
	const struct rl *a = pa, *b = pb;

	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* gen_exporter_percentile_of_df: cumulative statistics at each distinct end time (at most
 * 100 rows: every len // 100-th end time and the last), NumPy-rounded to 2 digits */
static int req_latency(struct ap_svc_db *db, const struct ap_svc_derived *d, struct ap_err *err)
{
	static const struct ap_svc_db_col cols[] = {
		{ "timestamp", AP_SVC_DB_TEXT }, { "avg", AP_SVC_DB_REAL }, { "p99", AP_SVC_DB_REAL },
		{ "p90", AP_SVC_DB_REAL }, { "p50", AP_SVC_DB_REAL }, { "p50_alltime", AP_SVC_DB_REAL },
	};
	struct rl *g = malloc((d->n_req_event ? d->n_req_event : 1) * sizeof(*g));
	double *all = NULL, *tmp = NULL, all_p50;
	size_t i, n = 0, ng = 0, ngrp, step, idx, cnt;
	int ret = 0;

	AP_RETURN_ERROR_IF(!g, err, AP_ENOMEM, "req_latency: out of memory");
	for (i = 0; i < d->n_req_event; i++) {
		const struct ap_svc_req_event *e = &d->req_event[i];

		if (!e->rid || !(name_is(e->event, "httpReq") || name_is(e->event, "httpRes") ||
				 name_is(e->event, "DecodeEnd") || name_is(e->event, "FINISHED")))
			continue;
		g[n].rid = e->rid;
		g[n].start = e->start_us;
		g[n].end = e->end_us;
		g[n].first = e->event;
		g[n].count = 1;
		g[n].seq = n;
		n++;
	}
	qsort(g, n, sizeof(*g), rl_by_rid);
	for (i = 0; i < n; i++) {
		struct rl *p = ng ? &g[ng - 1] : NULL;

		if (p && !strcmp(p->rid, g[i].rid)) {
			/* pandas min/max skip NaN */
			if (isnan(p->start) || g[i].start < p->start)
				p->start = g[i].start;
			if (isnan(p->end) || g[i].end > p->end)
				p->end = g[i].end;
			p->count++;
			continue;
		}
		g[ng++] = g[i];
	}
	n = 0;
	for (i = 0; i < ng; i++) {
		if (g[i].count > 1 && !strcmp(g[i].first, "httpReq") && !isnan(g[i].end)) {
			g[n] = g[i];
			g[n].start = g[i].end - g[i].start; /* the latency */
			g[n].seq = n;
			n++;
		}
	}
	if (!n)
		goto out;
	qsort(g, n, sizeof(*g), rl_by_end);
	all = malloc(n * sizeof(*all));
	tmp = malloc(n * sizeof(*tmp));
	if (!all || !tmp) {
		ret = ap_err_set(err, AP_ENOMEM, "req_latency: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		all[i] = g[i].start;
	memcpy(tmp, all, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), cmp_dbl);
	all_p50 = ap_np_percentile(tmp, n, 50);
	for (ngrp = 0, i = 0; i < n; i++)
		ngrp += !i || g[i].end != g[i - 1].end;
	step = ngrp / 100 > 1 ? ngrp / 100 : 1;
	ret = ap_svc_db_table_begin(db, "req_latency", cols, 6, err);
	for (i = 0, idx = 0, cnt = 0; i < n && !ret; idx++) {
		char ts[48];
		size_t j = i, len;
		double avg;

		while (j < n && g[j].end == g[i].end)
			j++;
		cnt = j;
		if ((idx + 1) % step == 0 || idx == ngrp - 1) {
			avg = ap_np_mean(all, cnt);
			memcpy(tmp, all, cnt * sizeof(*tmp));
			qsort(tmp, cnt, sizeof(*tmp), cmp_dbl);
			len = fmt_ts(ts, g[i].end);
			ap_svc_db_text(db, 0, ts, len);
			ap_svc_db_real(db, 1, ap_np_round(avg, 2));
			ap_svc_db_real(db, 2, ap_np_round(ap_np_percentile(tmp, cnt, 99), 2));
			ap_svc_db_real(db, 3, ap_np_round(ap_np_percentile(tmp, cnt, 90), 2));
			ap_svc_db_real(db, 4, ap_np_round(ap_np_percentile(tmp, cnt, 50), 2));
			ap_svc_db_real(db, 5, all_p50);
			ret = ap_svc_db_row(db, err);
		}
		i = j;
	}
	if (!ret)
		ret = ap_svc_db_table_end(db, err);
out:
	free(g);
	free(all);
	free(tmp);
	return ret;
}

/* ---- prefill / decode generation speed ---------------------------------------------------- */

struct ev {
	const struct ap_svc_req_event *e;
	double iter;   /* NaN when not a number */
	size_t seq;
};

static int ev_cmp(const void *pa, const void *pb)
{
	const struct ev *a = pa, *b = pb;
	int c = strcmp(a->e->rid, b->e->rid);

	if (c)
		return c;
	if (a->e->start_us != b->e->start_us)
		return a->e->start_us < b->e->start_us ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static double iter_num(const struct ap_sv *v)
{
	if (!v)
		return NAN;
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

static int is_sched(const char *ev)
{
	return name_is(ev, "BatchSchedule") || name_is(ev, "batchFrameworkProcessing");
}

static int is_exec(const char *ev)
{
	return name_is(ev, "modelExec") || name_is(ev, "Execute") || name_is(ev, "modelRunnerExec");
}

/* _calculate_speed_from_events: per rid (sorted), its events of the filter sorted by start;
 * prefill: batch_size / (end of the first iter-0 exec - start of the first iter-0 schedule);
 * decode: batch_size / (end - previous end) of consecutive events whose iter grows by 1 */
static int speeds(struct ap_svc_db *db, const struct ap_svc_derived *d, int decode,
		  struct ap_err *err)
{
	struct ev *v = malloc((d->n_req_event ? d->n_req_event : 1) * sizeof(*v));
	struct tv *x = malloc((d->n_req_event ? d->n_req_event : 1) * sizeof(*x));
	size_t i, j, n = 0, nx = 0;
	int ret;

	if (!v || !x) {
		free(v);
		free(x);
		return ap_err_set(err, AP_ENOMEM, "gen_speed: out of memory");
	}
	for (i = 0; i < d->n_req_event; i++) {
		const struct ap_svc_req_event *e = &d->req_event[i];
		int keep = decode ? is_exec(e->event) || name_is(e->event, "batchFrameworkProcessing")
				  : is_exec(e->event) || is_sched(e->event);

		if (!keep || !e->rid)
			continue;
		v[n].e = e;
		v[n].iter = iter_num(e->iter);
		v[n].seq = n;
		n++;
	}
	qsort(v, n, sizeof(*v), ev_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && !strcmp(v[j].e->rid, v[i].e->rid); j++)
			;
		if (!decode) {
			const struct ev *sc = NULL, *ex = NULL;
			size_t k;
			double tok, dt;

			for (k = i; k < j && !sc; k++)
				if (is_sched(v[k].e->event) && v[k].iter == 0)
					sc = &v[k];
			if (!sc)
				continue;
			tok = sc->e->batch_size;
			if (isnan(tok) || tok <= 0)
				continue;
			for (k = i; k < j && !ex; k++)
				if (is_exec(v[k].e->event) && v[k].iter == 0)
					ex = &v[k];
			if (!ex)
				continue;
			dt = ex->e->end_us - sc->e->start_us;
			if (dt > 0) {
				x[nx].t = sc->e->start_us;
				x[nx].v = tok / (dt / 1000000.0);
				x[nx].seq = nx;
				nx++;
			}
			continue;
		}
		for (size_t k = i + 1; k < j; k++) {
			double tok = v[k].e->batch_size, dt;

			if (!(v[k].iter == v[k - 1].iter + 1))
				continue;
			if (isnan(tok) || tok <= 0)
				continue;
			dt = v[k].e->end_us - v[k - 1].e->end_us;
			if (dt > 0) {
				x[nx].t = v[k].e->start_us;
				x[nx].v = tok / (dt / 1000000.0);
				x[nx].seq = nx;
				nx++;
			}
		}
	}
	ret = windows(db, decode ? "decode_gen_speed" : "prefill_gen_speed", L_SPEED, x, nx, err);
	free(v);
	free(x);
	return ret;
}

int ap_svc__db_latency(struct ap_svc_db *db, const struct ap_svc_derived *d,
		       struct ap_err *err)
{
	if (!d)
		return 0;
	/* upstream's order: prefill_gen_speed, first_token_latency, req_latency, decode */
	AP_FORWARD_IF_ERROR(speeds(db, d, 0, err));
	AP_FORWARD_IF_ERROR(ttft(db, d, err));
	AP_FORWARD_IF_ERROR(req_latency(db, d, err));
	return speeds(db, d, 1, err);
}
