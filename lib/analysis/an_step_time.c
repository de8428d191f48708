/* step_trace_time's rows (ap/overlap_an.h; spec torch_npu_ascend_pt.md §8.4; upstream
 * torch_npu prof_view/_trace_step_time_parser.py, read for facts). torch_npu reads msprof's
 * timeline events: ts as the float of a µs string with 3 decimals, dur as a float; Python's
 * int 0 accumulators become floats when a float is added, which the output shows ("0" vs
 * "0.0"). */
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/overlap_an.h"
#include "ap/sort.h"
#include "../base/banned.h"

/* The accumulated kinds, as torch_npu's timeflag names them. */
enum { K_COMPUTE, K_NOTOV, K_COMM, K_FREE, K_BUBBLE, K_N };

/* One step of one device while counting. */
struct acc {
	double sum[K_N];
	unsigned isfloat;           /* bit k: sum[k] had a float added */
	int seen;                   /* a counted event fell in this step */
	double e2e_start, e2e_end;  /* -1: none yet (upstream's sentinel) */
	double first_task;          /* -1: no Computing / Communication event yet */
};

/* Python's float(ns / 1000) for an int ns, = float() of the 3-decimal µs string. */
static double us_of(int64_t ns)
{
	char b[AP_FMT_MAX];

	ap_fmt_ns_us3(b, ns);
	return strtod(b, NULL);
}

/* Python int(s) of a step id: decimal digits with an optional sign and surrounding
 * whitespace. Returns 0 and sets *v, or -1 when int() would raise. */
static int py_int(const char *s, long long *v)
{
	char *end;

	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	if (!*s)
		return -1;
	*v = strtoll(s, &end, 10);
	if (end == s || end[-1] < '0' || end[-1] > '9')
		return -1;
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r' || *end == '\f' ||
	       *end == '\v')
		end++;
	return *end ? -1 : 0;
}

struct steps {
	const struct ap_step_span *v;
	size_t n;
	double *start, *end, *fwk; /* µs floats */
	int ordered;                /* sorted by start and disjoint: binary search */
};

/* The first step (in the given order) whose [start, end) holds ts, or -1. */
static long find_step(const struct steps *s, double ts)
{
	size_t i, lo = 0, hi;

	if (!s->ordered) {
		for (i = 0; i < s->n; i++)
			if (s->start[i] <= ts && ts < s->end[i])
				return (long)i;
		return -1;
	}
	hi = s->n;
	while (lo < hi) { /* the last step with start <= ts */
		size_t mid = lo + (hi - lo) / 2;

		if (s->start[mid] <= ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && ts < s->end[lo - 1] ? (long)(lo - 1) : -1;
}

/* count_time for one event of kind k. */
static void count(struct acc *a, const struct steps *s, int k, const struct ap_interval *e)
{
	double ts = us_of(e->start), dur = (double)(e->end - e->start) / 1000.0;
	long i = s->n ? find_step(s, ts) : 0;
	struct acc *x;

	if (i < 0)
		return; /* under the None step, which is not printed when steps exist */
	x = &a[i];
	if (ts < x->e2e_start || x->e2e_start == -1)
		x->e2e_start = ts;
	if (ts + dur > x->e2e_end || x->e2e_end == -1)
		x->e2e_end = ts + dur;
	if ((k == K_COMPUTE || k == K_COMM) && (ts < x->first_task || x->first_task == -1))
		x->first_task = ts;
	x->sum[k] += dur;
	x->isfloat |= 1u << k;
	x->seen = 1;
}

static void put(struct ap_step_row *r, int col, double v, int isfloat)
{
	r->value[col] = isfloat ? v : 0.0;
	if (isfloat)
		r->isfloat |= (uint16_t)(1u << col);
}

/* The row of one counted step. */
static void make_row(struct ap_step_row *r, const struct acc *a, const struct steps *s, long i,
		     double first_op_us, int have_op)
{
	unsigned f = a->isfloat;
	int fc = !!(f & 1u << K_COMPUTE), fn = !!(f & 1u << K_NOTOV), fm = !!(f & 1u << K_COMM);
	int ff = !!(f & 1u << K_FREE), fb = !!(f & 1u << K_BUBBLE);
	double x = a->sum[K_NOTOV] - a->sum[K_BUBBLE];

	put(r, AP_STEP_COMPUTING, a->sum[K_COMPUTE], fc);
	put(r, AP_STEP_NOT_OVERLAPPED, a->sum[K_NOTOV], fn);
	put(r, AP_STEP_OVERLAPPED, a->sum[K_COMM] - a->sum[K_NOTOV], fm || fn);
	put(r, AP_STEP_COMMUNICATION, a->sum[K_COMM], fm);
	put(r, AP_STEP_FREE, a->sum[K_FREE], ff);
	put(r, AP_STEP_STAGE, (a->e2e_end - a->e2e_start) - a->sum[K_BUBBLE], 1);
	put(r, AP_STEP_BUBBLE, a->sum[K_BUBBLE], fb);
	/* max(x, 0) keeps x unless 0 > x; x's type is float when either operand is */
	if (x < 0)
		put(r, AP_STEP_EXCLUDE_RECEIVE, 0.0, 0);
	else
		put(r, AP_STEP_EXCLUDE_RECEIVE, x, fn || fb);
	if (s->n)
		put(r, AP_STEP_PREPARING, a->first_task - s->fwk[i], 1);
	else if (have_op)
		put(r, AP_STEP_PREPARING, a->first_task - first_op_us, 1);
	else
		put(r, AP_STEP_PREPARING, 0.0, 0);
}

/* Sorts rows [from, to) of one device by the integer step id, stably. */
static int sort_rows(struct ap_step_time *out, size_t from, size_t to, const long long *ids)
{
	size_t n = to - from, i;
	struct ap_sortkey *k;
	struct ap_step_row *tmp;

	if (n < 2)
		return 0;
	k = malloc(n * sizeof(*k));
	tmp = malloc(n * sizeof(*tmp));
	if (!k || !tmp) {
		free(k);
		free(tmp);
		return AP_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		k[i].key = ids[i];
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, n) == 0) {
		for (i = 0; i < n; i++)
			tmp[i] = out->rows.v[from + k[i].idx];
		memcpy(out->rows.v + from, tmp, n * sizeof(*tmp));
	}
	free(tmp);
	free(k);
	return 0;
}

int ap_step_time_build(const struct ap_overlap *ov, const struct ap_step_span *steps,
		       size_t nsteps, int64_t first_op, struct ap_step_time *out,
		       struct ap_err *err)
{
	struct steps s;
	struct acc *a = NULL;
	long long *ids = NULL, *rid = NULL;
	size_t d, i, nacc = nsteps ? nsteps : 1;
	double first_op_us = first_op == AP_STEP_NO_OP ? 0 : us_of(first_op);
	int ret = AP_ENOMEM, any = 0;

	memset(&s, 0, sizeof(s));
	s.v = steps;
	s.n = nsteps;
	for (d = 0; d < ov->n; d++)
		any |= ov->dev[d].lane[AP_OVERLAP_COMPUTING].n || ov->dev[d].lane[AP_OVERLAP_COMMUNICATION].n ||
		       ov->dev[d].lane[AP_OVERLAP_NOT_OVERLAPPED].n || ov->dev[d].lane[AP_OVERLAP_FREE].n;
	if (!any)
		return 0; /* no Overlap Analysis event: no file */
	s.start = malloc(nacc * sizeof(double));
	s.end = malloc(nacc * sizeof(double));
	s.fwk = malloc(nacc * sizeof(double));
	a = malloc(nacc * sizeof(*a));
	ids = malloc(nacc * sizeof(*ids));
	rid = malloc(nacc * sizeof(*rid));
	if (!s.start || !s.end || !s.fwk || !a || !ids || !rid)
		goto out;
	s.ordered = 1;
	for (i = 0; i < nsteps; i++) {
		if (py_int(steps[i].id, &ids[i]) < 0) {
			ret = 0; /* upstream's sort raises: no file */
			goto out;
		}
		s.start[i] = us_of(steps[i].start);
		s.end[i] = us_of(steps[i].end);
		s.fwk[i] = us_of(steps[i].fwk_start);
		if (i && !(s.start[i - 1] <= s.start[i] && s.end[i - 1] <= s.start[i]))
			s.ordered = 0;
	}
	for (d = 0; d < ov->n; d++) {
		const struct ap_overlap_dev *od = &ov->dev[d];
		static const int kind_of[AP_OVERLAP_KINDS] = { K_COMPUTE, K_COMM, K_NOTOV, K_FREE };
		size_t first = out->rows.n, j;
		int k;

		for (i = 0; i < nacc; i++) {
			memset(&a[i], 0, sizeof(a[i]));
			a[i].e2e_start = a[i].e2e_end = a[i].first_task = -1;
		}
		for (k = 0; k < AP_OVERLAP_KINDS; k++)
			for (j = 0; j < od->lane[k].n; j++)
				count(a, &s, kind_of[k], &od->lane[k].v[j]);
		for (j = 0; j < od->receive.n; j++)
			count(a, &s, K_BUBBLE, &od->receive.v[j]);
		for (i = 0; i < nacc; i++) {
			struct ap_step_row *r;

			if (!a[i].seen)
				continue;
			r = ap_vec_push(&out->rows);
			if (!r)
				goto out;
			r->device_id = od->device_id;
			r->step = nsteps ? steps[i].id : NULL;
			make_row(r, &a[i], &s, (long)i, first_op_us, first_op != AP_STEP_NO_OP);
			if (nsteps)
				rid[out->rows.n - 1 - first] = ids[i];
		}
		if (nsteps && sort_rows(out, first, out->rows.n, rid) < 0)
			goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		ap_vec_free(&out->rows);
		ap_err_set(err, AP_ENOMEM, "step_trace_time: out of memory");
	}
	free(s.start);
	free(s.end);
	free(s.fwk);
	free(a);
	free(ids);
	free(rid);
	return ret;
}

int64_t ap_step_first_op(const struct ap_op *ops, size_t n)
{
	int64_t first = AP_STEP_NO_OP;
	size_t i;

	for (i = 0; i < n; i++)
		if (first == AP_STEP_NO_OP || ops[i].ts < first)
			first = ops[i].ts;
	return first;
}
