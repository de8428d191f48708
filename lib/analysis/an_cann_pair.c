/* Device task pairing (spec cann_prof_raw.md §3.5.2), mirroring upstream msprof
 * analysis/csrc/domain/services/modeling/log_modeling.cpp (SplitLogGroups, AddToDeviceTask,
 * MergeStartAndEnd, MergeStartAndEndByQueue) and modeling/batch_id/batch_id.cpp
 * (ModelingComputeBatchIdBinary and its helpers). ACSQ (and HWTS) logs and FFTS+ logs are
 * paired separately, as upstream does. Sorting is stable where upstream's std::sort is not,
 * so that logs with equal times keep their file order and the result does not depend on the
 * sort implementation. */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_pair.h"
#include "ap/sort.h"
#include "../base/banned.h"

/* Upstream's merge key is (ctx << 32) | ((uint16_t)task << 16) | stream, where the u16 task is
 * promoted to int before the shift: a task id >= 0x8000 sign-extends and sets every context
 * bit, so the contexts of such a task are matched as one group. Reproduced: the context part
 * of the key is then "none". */
#define CTX_KEY_NONE 0x10000u

static unsigned cls_of(const struct ap_cann_log *l)
{
	return l->src == AP_CANN_SRC_FFTS;
}

static uint32_t ctx_key(const struct ap_cann_log *l)
{
	if (l->src != AP_CANN_SRC_FFTS || (l->task & 0x8000u))
		return CTX_KEY_NONE;
	return l->ctx;
}

/* ModelingComputeBatchIdBinaryAlgo: the last j in [lo, lo + n) with time <= ts, relative to
 * lo, or -1. */
static long last_at_or_before(const struct ap_cann_log *logs, const uint32_t *t, size_t lo,
			      size_t n, uint64_t ts)
{
	size_t a = 0, b = n; /* first index with time > ts in [a, b) */

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (logs[t[lo + mid]].syscnt <= ts)
			a = mid + 1;
		else
			b = mid;
	}
	return (long)a - 1;
}

/* ModelingCalibrateBatchId: walks back from cursor over starts whose task id is not above
 * the flip's (tasks of the new batch reported before the flip); flip task 0 or 0xFFFF (the
 * stream was destroyed) skips it. The walk is not bounded by the previous batch, as
 * upstream. */
static long calibrate(const struct ap_cann_log *logs, const uint32_t *t, long cursor,
		      uint16_t flip_task)
{
	if (flip_task == 0 || flip_task == 0xFFFF)
		return cursor;
	while (cursor > 0) {
		if (logs[t[cursor]].task > flip_task)
			return cursor;
		cursor--;
	}
	return cursor;
}

/* ModelingComputeBatchIdBinary over the starts t[0..m) of one stream (time order) and its
 * flips f[0..k) (time order); batch[] is indexed like logs. cur: scratch of k + 1 longs. */
static void batch_ids(const struct ap_cann_log *logs, const uint32_t *t, size_t m,
		      const struct ap_cann_flip *const *f, size_t k, uint32_t *batch, long *cur)
{
	size_t off = 0, rem = m, ncur = 0, b, i;
	long j = 0;

	if (!m || !k)
		return;
	for (b = 0; b < k && rem; b++) {
		long c = last_at_or_before(logs, t, off, rem, f[b]->syscnt);

		if (c >= 0)
			cur[ncur++] = calibrate(logs, t, c + (long)off, f[b]->task);
		else
			cur[ncur++] = -1;
		off += (size_t)(c + 1);
		rem -= (size_t)(c + 1);
	}
	if (rem)
		cur[ncur++] = (long)m - 1;
	for (i = 0; i < ncur; i++)
		for (; j <= cur[i]; j++)
			batch[t[j]] = (uint32_t)i;
}

static void emit(struct ap_cann_dev_task *o, const struct ap_cann_log *s,
		 const struct ap_cann_log *e, uint32_t batch)
{
	o->start = s->syscnt;
	o->end = e->syscnt;
	o->stream = s->stream;
	o->task = s->task;
	o->ctx = s->src == AP_CANN_SRC_FFTS ? s->ctx : AP_CANN_CTX_NONE;
	o->batch = batch;
	o->type = s->src == AP_CANN_SRC_FFTS ? s->sub_type : s->sqe_type;
	o->src = s->src;
	o->pad[0] = o->pad[1] = 0;
}

/* MergeStartAndEnd for one key: starts s[0..ns), ends e[0..ne), each in time order. Returns
 * the number of pairs written to out. */
static size_t match(const struct ap_cann_log *logs, const uint32_t *s, size_t ns,
		    const uint32_t *e, size_t ne, const uint32_t *batch,
		    struct ap_cann_dev_task *out)
{
	size_t i = 0, j = 0, n = 0;

	if (ns == ne) {
		for (i = 0; i < ns; i++)
			emit(&out[n++], &logs[s[i]], &logs[e[i]], batch[s[i]]);
		return n;
	}
	/* MergeStartAndEndByQueue: start i takes end j when the end is not before it and
	 * before the next start; otherwise the side that is behind advances */
	while (i < ns && j < ne) {
		uint64_t st = logs[s[i]].syscnt, et = logs[e[j]].syscnt;

		if (et >= st && (i + 1 == ns || et < logs[s[i + 1]].syscnt)) {
			emit(&out[n++], &logs[s[i]], &logs[e[j]], batch[s[i]]);
			i++;
			j++;
		} else if (et >= st) {
			i++;
		} else {
			j++;
		}
	}
	return n;
}

static int cmp_flip(const void *a, const void *b)
{
	const struct ap_cann_flip *x = *(const struct ap_cann_flip *const *)a;
	const struct ap_cann_flip *y = *(const struct ap_cann_flip *const *)b;

	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	if (x->syscnt != y->syscnt)
		return x->syscnt < y->syscnt ? -1 : 1;
	return x < y ? -1 : x > y; /* stable: file order */
}

/* Stable sort of the logs by syscnt, in place. */
static int sort_logs(struct ap_cann_dev *d, struct ap_sortkey *k)
{
	struct ap_cann_log *tmp;
	size_t i, n = d->logs.n;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		k[i].key = ap_sortkey_u64(d->logs.v[i].syscnt);
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, n) < 0)
		return AP_ENOMEM;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return AP_ENOMEM;
	for (i = 0; i < n; i++)
		tmp[i] = d->logs.v[k[i].idx];
	memcpy(d->logs.v, tmp, n * sizeof(*tmp));
	free(tmp);
	return 0;
}

/* The grouping key: class, stream (15 bits), task (16 bits), context key (17 bits), end. */
static int64_t group_key(const struct ap_cann_log *l)
{
	uint64_t k = cls_of(l);

	k = (k << 15) | (l->stream & 0x7FFFu);
	k = (k << 16) | (l->task & 0xFFFFu);
	k = (k << 17) | ctx_key(l);
	k = (k << 1) | l->end;
	return (int64_t)k;
}

int ap_cann_pair(struct ap_cann_dev *d, struct ap_cann_tasks *out, struct ap_cann_pair_stats *st,
		 struct ap_err *err)
{
	size_t n = d->logs.n, i, j, nf = d->flips.n, ntask = 0, first_task = out->v.n;
	const struct ap_cann_flip **fl = NULL;
	const struct ap_cann_log *logs;
	struct ap_sortkey *k = NULL;
	uint32_t *pos = NULL, *batch = NULL;
	long *cur = NULL;
	uint64_t starts = 0, ends = 0;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (n > UINT32_MAX)
		return ap_err_set(err, AP_EINVAL, "%zu device logs: more than pairing can index", n);
	k = malloc((n ? n : 1) * sizeof(*k));
	pos = malloc((n ? n : 1) * sizeof(*pos));
	batch = calloc(n ? n : 1, sizeof(*batch));
	fl = malloc((nf ? nf : 1) * sizeof(*fl));
	cur = malloc((nf + 1) * sizeof(*cur));
	if (!k || !pos || !batch || !fl || !cur || sort_logs(d, k) < 0) {
		ret = ap_err_set(err, AP_ENOMEM, "out of memory pairing %zu device logs", n);
		goto out;
	}
	logs = d->logs.v;

	/* Flips by (stream, time). */
	for (i = 0; i < nf; i++)
		fl[i] = &d->flips.v[i];
	qsort(fl, nf, sizeof(*fl), cmp_flip);

	/* Starts by (class, stream), in time order: batch ids. */
	for (i = j = 0; i < n; i++) {
		if (logs[i].end)
			continue;
		k[j].key = (int64_t)(((uint64_t)cls_of(&logs[i]) << 32) | logs[i].stream);
		k[j].idx = (uint32_t)i;
		j++;
	}
	starts = j;
	ends = n - j;
	if (ap_sort_keys(k, j) < 0) {
		ret = ap_err_set(err, AP_ENOMEM, "out of memory pairing %zu device logs", n);
		goto out;
	}
	for (i = 0; i < j; i++)
		pos[i] = k[i].idx;
	for (i = 0; i < j;) {
		size_t b = i, fa = 0, fb = nf;
		uint32_t stream = logs[pos[i]].stream;

		while (b < j && k[b].key == k[i].key)
			b++;
		/* this stream's flips (a flip's stream is 11 bits: a wider stream has none) */
		while (fa < fb) {
			size_t mid = fa + (fb - fa) / 2;

			if (fl[mid]->stream < stream)
				fa = mid + 1;
			else
				fb = mid;
		}
		for (fb = fa; fb < nf && fl[fb]->stream == stream; fb++)
			;
		if (fb > fa)
			batch_ids(logs, pos + i, b - i, fl + fa, fb - fa, batch, cur);
		i = b;
	}

	/* Starts and ends by key, each in time order: matching. */
	for (i = 0; i < n; i++) {
		k[i].key = group_key(&logs[i]);
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, n) < 0 || ap_vec_reserve(&out->v, starts < ends ? starts : ends) < 0) {
		ret = ap_err_set(err, AP_ENOMEM, "out of memory pairing %zu device logs", n);
		goto out;
	}
	for (i = 0; i < n; i++)
		pos[i] = k[i].idx;
	for (i = 0; i < n;) {
		int64_t key = k[i].key & ~(int64_t)1;
		size_t s0 = i, e0, e1;

		while (i < n && k[i].key == key)
			i++;
		e0 = i;
		while (i < n && k[i].key == (key | 1))
			i++;
		e1 = i;
		if (e0 > s0 && e1 > e0)
			ntask += match(logs, pos + s0, e0 - s0, pos + e0, e1 - e0, batch,
				       out->v.v + out->v.n + ntask);
	}
	out->v.n += ntask;
	st->tasks = ntask;
	st->unmatched_start = starts - ntask;
	st->unmatched_end = ends - ntask;

	/* Tasks by start time; equal starts keep the key order (class, stream, task, ctx). */
	if (ntask) {
		struct ap_cann_dev_task *t = out->v.v + first_task, *tmp;

		for (i = 0; i < ntask; i++) {
			k[i].key = ap_sortkey_u64(t[i].start);
			k[i].idx = (uint32_t)i;
		}
		tmp = malloc(ntask * sizeof(*tmp));
		if (!tmp || ap_sort_keys(k, ntask) < 0) {
			free(tmp);
			ret = ap_err_set(err, AP_ENOMEM, "out of memory pairing %zu device logs", n);
			goto out;
		}
		for (i = 0; i < ntask; i++)
			tmp[i] = t[k[i].idx];
		memcpy(t, tmp, ntask * sizeof(*tmp));
		free(tmp);
	}
out:
	free(k);
	free(pos);
	free(batch);
	free(fl);
	free(cur);
	return ret;
}

void ap_cann_tasks_release(struct ap_cann_tasks *t)
{
	if (!t)
		return;
	ap_vec_free(&t->v);
}
