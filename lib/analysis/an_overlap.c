/* msprof's Overlap Analysis per device (ap/overlap_an.h; spec torch_npu_ascend_pt.md §6.4;
 * upstream msprof analysis/viewer/pipeline_overlap_viewer.py, common_func/section_calculator.py
 * and domain/data_process/ai_task/overlap_analysis_processor.cpp, read for facts): one radix
 * sort of the op rows by start, then single passes over sorted, disjoint interval lists. */
#include <stdlib.h>
#include <string.h>

#include "ap/overlap_an.h"
#include "ap/sort.h"
#include "../base/banned.h"

typedef struct ap_interval_vec ivec;

/* Per device while building. */
struct devb {
	uint32_t id;
	int64_t begin, end; /* extent of the tasks that bound Free; begin > end: none */
};

struct build {
	const struct ap_cann_view *v;
	struct ap_overlap *ov;
	AP_VEC(struct devb) devs;
	size_t last;            /* index of the last device looked up */
	/* string id -> class caches: the few distinct task types of a dump */
	struct {
		uint32_t id;
		uint8_t yes;
	} cache[2][32];
	size_t ncache[2];
};

/* msprof's FILTER_TYPE (COMP_TASK_TYPE + PROFILING_ENABLE / _DISABLE): host task types whose
 * tasks do not bound Free. */
static const char *const compute_host_types[] = {
	"KERNEL_AICORE", "KERNEL_AIVEC", "FFTS_PLUS", "KERNEL_MIX_AIC", "KERNEL_MIX_AIV",
	"PROFILING_ENABLE", "PROFILING_DISABLE",
};

static int is_compute_host_type(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(compute_host_types) / sizeof(compute_host_types[0]); i++)
		if (!strcmp(s, compute_host_types[i]))
			return 1;
	return 0;
}

/* Whether string id is of class c (0: a communication op's task type, 1: a compute host
 * task type), cached per id. */
static int classify(struct build *b, int c, uint32_t id)
{
	const char *s;
	size_t i;
	int yes;

	if (id == AP_STR_NONE)
		return 0;
	for (i = 0; i < b->ncache[c]; i++)
		if (b->cache[c][i].id == id)
			return b->cache[c][i].yes;
	s = ap_strtab_get(&b->v->strs, id);
	yes = s && (c == 0 ? !strcmp(s, "COMMUNICATION") : is_compute_host_type(s));
	if (b->ncache[c] < sizeof(b->cache[c]) / sizeof(b->cache[c][0])) {
		b->cache[c][b->ncache[c]].id = id;
		b->cache[c][b->ncache[c]].yes = (uint8_t)yes;
		b->ncache[c]++;
	}
	return yes;
}

static int has_suffix(const struct ap_strtab *st, uint32_t id, const char *suf)
{
	size_t n = strlen(suf), len;
	const char *s;

	if (id == AP_STR_NONE)
		return 0;
	s = ap_strtab_get(st, id);
	len = ap_strtab_len(st, id);
	return s && len >= n && !memcmp(s + len - n, suf, n);
}

static int has_prefix(const struct ap_strtab *st, uint32_t id, const char *pre)
{
	const char *s = id == AP_STR_NONE ? NULL : ap_strtab_get(st, id);

	return s && !strncmp(s, pre, strlen(pre));
}

/* The builder's index of device id, added when new; SIZE_MAX when out of memory. */
static size_t dev_index(struct build *b, uint32_t id)
{
	struct devb *d;
	size_t i;

	if (b->last < b->devs.n && b->devs.v[b->last].id == id)
		return b->last;
	for (i = 0; i < b->devs.n; i++)
		if (b->devs.v[i].id == id)
			return b->last = i;
	d = ap_vec_push(&b->devs);
	if (!d)
		return SIZE_MAX;
	d->id = id;
	d->begin = INT64_MAX;
	d->end = INT64_MIN;
	return b->last = b->devs.n - 1;
}

/* Appends [s, e) to a list sorted by start, merging it into the last interval when they
 * overlap or touch (merge_continuous_intervals). */
static int add_merged(ivec *l, int64_t s, int64_t e)
{
	struct ap_interval *p;

	if (l->n && s <= l->v[l->n - 1].end) {
		if (e > l->v[l->n - 1].end)
			l->v[l->n - 1].end = e;
		return 0;
	}
	p = ap_vec_push(l);
	if (!p)
		return AP_ENOMEM;
	p->start = s;
	p->end = e;
	return 0;
}

static int add_piece(ivec *l, int64_t s, int64_t e)
{
	struct ap_interval *p;

	if (e <= s)
		return 0;
	p = ap_vec_push(l);
	if (!p)
		return AP_ENOMEM;
	p->start = s;
	p->end = e;
	return 0;
}

/* out = a minus b; a and b sorted and disjoint. */
static int difference(const ivec *a, const ivec *b, ivec *out)
{
	size_t i, j = 0;

	for (i = 0; i < a->n; i++) {
		int64_t s = a->v[i].start, e = a->v[i].end;

		while (j < b->n && b->v[j].end <= s)
			j++;
		while (j < b->n && b->v[j].start < e) {
			if (add_piece(out, s, b->v[j].start) < 0)
				return AP_ENOMEM;
			if (b->v[j].end >= e) {
				s = e;
				break;
			}
			s = b->v[j].end;
			j++;
		}
		if (add_piece(out, s, e) < 0)
			return AP_ENOMEM;
	}
	return 0;
}

/* out = the union of a and b (sorted, each disjoint), merged. */
static int union2(const ivec *a, const ivec *b, ivec *out)
{
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		const struct ap_interval *x =
			j >= b->n || (i < a->n && a->v[i].start <= b->v[j].start) ? &a->v[i++] : &b->v[j++];

		if (add_merged(out, x->start, x->end) < 0)
			return AP_ENOMEM;
	}
	return 0;
}

/* The op rows sorted by start into the Computing and Communication lanes (and receive). */
static int lanes_from_ops(struct build *b)
{
	const struct ap_cann_view *v = b->v;
	struct ap_sortkey *k = malloc((v->ops.n ? v->ops.n : 1) * sizeof(*k));
	size_t i, n = 0;
	int ret = AP_ENOMEM;

	if (!k)
		return AP_ENOMEM;
	for (i = 0; i < v->ops.n; i++)
		if (v->ops.v[i].end > v->ops.v[i].start) {
			k[n].key = v->ops.v[i].start;
			k[n++].idx = (uint32_t)i;
		}
	if (ap_sort_keys(k, n) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		const struct ap_cann_op_row *r = &v->ops.v[k[i].idx];
		size_t d = dev_index(b, r->device_id);
		struct ap_overlap_dev *od;

		if (d >= b->ov->n)
			goto out; /* every op's device was listed before */
		od = &b->ov->dev[d];
		if (classify(b, 0, r->task_type)) {
			if (add_merged(&od->lane[AP_OVERLAP_COMMUNICATION], r->start, r->end) < 0)
				goto out;
			if (has_prefix(&v->strs, r->name, "hcom_receive") &&
			    add_piece(&od->receive, r->start, r->end) < 0)
				goto out;
		} else if (!has_suffix(&v->strs, r->name, "AivKernel")) {
			if (add_merged(&od->lane[AP_OVERLAP_COMPUTING], r->start, r->end) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	free(k);
	return ret;
}

/* Not Overlapped and Free of one device, from its two unions and the task extent. */
static int derive(struct ap_overlap_dev *od, const struct devb *db)
{
	ivec *comp = &od->lane[AP_OVERLAP_COMPUTING];
	ivec *comm = &od->lane[AP_OVERLAP_COMMUNICATION];
	ivec all = { 0 }, span = { 0 };
	int64_t begin = db->begin, end = db->end;
	int ret = AP_ENOMEM;

	if (difference(comm, comp, &od->lane[AP_OVERLAP_NOT_OVERLAPPED]) < 0 ||
	    union2(comp, comm, &all) < 0)
		goto out;
	if (all.n) {
		if (all.v[0].start < begin)
			begin = all.v[0].start;
		if (all.v[all.n - 1].end > end)
			end = all.v[all.n - 1].end;
	}
	if (end > begin && (add_piece(&span, begin, end) < 0 ||
			    difference(&span, &all, &od->lane[AP_OVERLAP_FREE]) < 0))
		goto out;
	ret = 0;
out:
	ap_vec_free(&all);
	ap_vec_free(&span);
	return ret;
}

int ap_overlap_build(const struct ap_cann_view *v, struct ap_overlap *ov, struct ap_err *err)
{
	struct build b;
	size_t i, nout = 0;
	int ret = AP_ENOMEM;

	memset(&b, 0, sizeof(b));
	b.v = v;
	b.ov = ov;
	/* the devices, and the extent of the tasks that bound Free */
	for (i = 0; i < v->tasks.n; i++) {
		const struct ap_cann_task_row *t = &v->tasks.v[i];
		size_t d = dev_index(&b, t->device_id);

		if (d == SIZE_MAX)
			goto out;
		if (classify(&b, 1, t->host_type))
			continue;
		if (t->start < b.devs.v[d].begin)
			b.devs.v[d].begin = t->start;
		if (t->end > b.devs.v[d].end)
			b.devs.v[d].end = t->end;
	}
	for (i = 0; i < v->ops.n; i++)
		if (dev_index(&b, v->ops.v[i].device_id) == SIZE_MAX)
			goto out;
	/* one entry per device, by id (few devices: insertion sort) */
	for (i = 1; i < b.devs.n; i++) {
		size_t j = i;
		struct devb t = b.devs.v[i];

		while (j > 0 && b.devs.v[j - 1].id > t.id) {
			b.devs.v[j] = b.devs.v[j - 1];
			j--;
		}
		b.devs.v[j] = t;
	}
	ov->dev = calloc(b.devs.n ? b.devs.n : 1, sizeof(*ov->dev));
	if (!ov->dev)
		goto out;
	for (i = 0; i < b.devs.n; i++)
		ov->dev[i].device_id = b.devs.v[i].id;
	ov->n = b.devs.n;
	b.last = 0;
	ret = lanes_from_ops(&b);
	for (i = 0; i < ov->n && ret == 0; i++)
		if (ov->dev[i].lane[AP_OVERLAP_COMPUTING].n || ov->dev[i].lane[AP_OVERLAP_COMMUNICATION].n)
			ret = derive(&ov->dev[i], &b.devs.v[i]);
	if (ret < 0)
		goto out;
	/* a device without compute and communication has no Overlap Analysis process */
	for (i = 0; i < ov->n; i++) {
		struct ap_overlap_dev *od = &ov->dev[i];

		if (!od->lane[AP_OVERLAP_COMPUTING].n && !od->lane[AP_OVERLAP_COMMUNICATION].n) {
			ap_vec_free(&od->receive); /* (empty: receive ops are communication) */
			continue;
		}
		if (nout != i) {
			ov->dev[nout] = *od;
			memset(od, 0, sizeof(*od));
		}
		nout++;
	}
	ov->n = nout;
	ret = 0;
out:
	if (ret < 0)
		ap_err_set(err, AP_ENOMEM, "overlap analysis: out of memory");
	ap_vec_free(&b.devs);
	return ret;
}
