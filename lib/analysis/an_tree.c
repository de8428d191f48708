/* The torch op tree (spec torch_npu_ascend_pt.md §7.3). */
#include <stdlib.h>
#include <string.h>

#include "ap/checked.h"
#include "ap/hostan.h"
#include "ap/sort.h"
#include "ap/vec.h"
#include "../base/banned.h"

int ap_tree_build(const struct ap_host *h, const struct ap_queue *q, struct ap_tree *t,
		  struct ap_err *err)
{
	size_t nops = h->ops.n, nenq = q ? q->enq.n : 0, n = nops + nenq, i;
	struct ap_sortkey *order = NULL;
	int32_t cur = -1;
	uint32_t node = 0;

	if (n > UINT32_MAX / 2)
		return ap_err_set(err, AP_EINVAL, "too many torch ops (%zu) for one tree", n);
	order = malloc((n ? n : 1) * sizeof(*order));
	t->op = malloc((nops ? nops : 1) * sizeof(*t->op));
	t->parent = malloc((nops ? nops : 1) * sizeof(*t->parent));
	t->child_dur = ap_zalloc(nops ? nops : 1, sizeof(*t->child_dur));
	t->enq_node = malloc((nenq ? nenq : 1) * sizeof(*t->enq_node));
	if (!order || !t->op || !t->parent || !t->child_dur || !t->enq_node)
		goto nomem;
	/* Ops first, then enqueues, stably sorted by start time. */
	for (i = 0; i < nops; i++) {
		order[i].key = h->ops.v[i].ts;
		order[i].idx = (uint32_t)i;
	}
	for (i = 0; i < nenq; i++) {
		order[nops + i].key = q->enq.v[i].ts;
		order[nops + i].idx = (uint32_t)(nops + i);
	}
	if (ap_sort_keys(order, n) < 0)
		goto nomem;
	for (i = 0; i < n; i++) {
		uint32_t idx = order[i].idx;
		int64_t ts = order[i].key;

		while (cur >= 0 && ts > h->ops.v[t->op[cur]].end)
			cur = t->parent[cur];
		if (idx < nops) {
			const struct ap_op *op = &h->ops.v[idx];

			t->op[node] = idx;
			t->parent[node] = cur;
			if (cur >= 0)
				t->child_dur[cur] =
					ap_sat_add_i64(t->child_dur[cur], op->end - op->ts);
			cur = (int32_t)node++;
		} else {
			const struct ap_qev *e = &q->enq.v[idx - nops];

			t->enq_node[idx - nops] =
				cur >= 0 && h->ops.v[t->op[cur]].tid == h->threads.v[e->thread].tid
					? cur
					: -1;
		}
	}
	t->n = node;
	free(order);
	return 0;
nomem:
	free(order);
	ap_tree_release(t);
	return ap_err_set(err, AP_ENOMEM, "out of memory building the op tree");
}
