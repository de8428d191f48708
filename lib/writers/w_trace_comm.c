/* The thread layout of trace_view.json's Communication process (w_trace_local.h). */
#include <stdlib.h>

#include "ap/err.h"
#include "w_trace_local.h"
#include "../base/banned.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v and keeps the first of each run of equal high halves. */
static size_t uniq_hi(uint64_t *v, size_t n, int whole)
{
	size_t i, k = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		if (!k || (whole ? v[k - 1] != v[i] : v[k - 1] >> 32 != v[i] >> 32))
			v[k++] = v[i];
	return k;
}

/* The index of group g in l->grp (sorted by group). */
static size_t slot(const struct ap_tv_comm_layout *l, uint32_t g)
{
	size_t lo = 0, hi = l->ng;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->grp[mid] >> 32 <= g)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint64_t ap_tv__comm_group_rank(const struct ap_tv_comm_layout *l, uint32_t g)
{
	return l->grp[slot(l, g)] & 0xFFFFFFFFu;
}

int ap_tv__comm_layout(const struct ap_cann_view *v, uint32_t dev, struct ap_tv_comm_layout *l)
{
	size_t i, r, m = 0, n = v->hccl_tasks.n + v->comm_ops.n;
	uint64_t next = 0;

	l->grp = malloc((4 * n + 1) * sizeof(*l->grp));
	if (!l->grp)
		return AP_ENOMEM;
	/* group << 32 | sequence number (tasks, then ops; only their order matters) */
	for (i = 0; i < n; i++) {
		const struct ap_cann_hccl_task *t = i < v->hccl_tasks.n ? &v->hccl_tasks.v[i] : NULL;
		const struct ap_cann_comm_op *o = t ? NULL : &v->comm_ops.v[i - v->hccl_tasks.n];

		if ((t ? t->device_id : o->device_id) == dev)
			l->grp[m++] = (uint64_t)(t ? t->group : o->group) << 32 | (uint32_t)i;
	}
	l->ng = uniq_hi(l->grp, m, 0);
	l->order = l->grp + l->ng;
	for (i = 0; i < l->ng; i++)
		l->order[i] = (l->grp[i] & 0xFFFFFFFFu) << 32 | l->grp[i] >> 32;
	if (l->ng > 1)
		qsort(l->order, l->ng, sizeof(*l->order), cmp_u64);
	for (r = 0; r < l->ng; r++) {
		uint32_t g = (uint32_t)l->order[r];

		l->grp[slot(l, g)] = (uint64_t)g << 32 | r;
	}
	l->start = l->order + l->ng;
	l->pl = l->start + l->ng;
	l->np = 0;
	for (i = 0; i < v->hccl_tasks.n; i++) {
		const struct ap_cann_hccl_task *t = &v->hccl_tasks.v[i];

		if (t->device_id == dev) /* the invalid plane as 0 (HcclAssembler::InitHcclGroup) */
			l->pl[l->np++] = ap_tv__comm_group_rank(l, t->group) << 32 |
					 (t->plane_id == AP_CANN_NO_PLANE ? 0 : t->plane_id);
	}
	l->np = uniq_hi(l->pl, l->np, 1);
	for (r = 0, i = 0; r < l->ng; r++) {
		l->start[r] = next;
		for (; i < l->np && l->pl[i] >> 32 == r; i++)
			next = l->start[r] + (l->pl[i] & 0xFFFFFFFFu) + 1;
		next++;
	}
	return 0;
}
