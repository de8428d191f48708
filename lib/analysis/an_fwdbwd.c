/* Forward/backward flow pairs (spec torch_npu_ascend_pt.md §8.1 item 5). */
#include <stdlib.h>
#include <string.h>

#include "ap/hostan.h"
#include "../base/banned.h"

#define NO_OP UINT32_MAX

struct seq_slot {
	int64_t seq;   /* -1: empty */
	uint32_t pair; /* index into the pairs in first-appearance order */
};

/* Per sequence number >= 0, in first-appearance order over the ops (file order): the
 * latest-starting forward op ("start", fwd thread id 0) and backward op ("end"), ties
 * keeping the earlier op; a pair is a flow when both exist on different threads. */
int ap_fwdbwd_build(const struct ap_host *h, struct ap_fwdbwd_vec *out, struct ap_err *err)
{
	struct seq_slot *tab = NULL;
	struct ap_fwdbwd *all = NULL;
	size_t n = h->ops.n, cap = 64, mask, nall = 0, i;
	int ret = 0;

	while (cap < n * 2)
		cap *= 2;
	mask = cap - 1;
	tab = malloc(cap * sizeof(*tab));
	all = malloc((n ? n : 1) * sizeof(*all));
	if (!tab || !all)
		goto nomem;
	for (i = 0; i < cap; i++)
		tab[i].seq = -1;
	for (i = 0; i < n; i++) {
		const struct ap_op *op = &h->ops.v[i];
		uint64_t hh = (uint64_t)op->seq * 0x9e3779b97f4a7c15ull;
		struct ap_fwdbwd *p;
		uint32_t *slot;
		size_t j;

		if (op->seq < 0)
			continue;
		for (j = (size_t)(hh >> 20) & mask; tab[j].seq >= 0 && tab[j].seq != op->seq;
		     j = (j + 1) & mask)
			;
		if (tab[j].seq < 0) {
			tab[j].seq = op->seq;
			tab[j].pair = (uint32_t)nall;
			all[nall].seq = op->seq;
			all[nall].start_op = all[nall].end_op = NO_OP;
			nall++;
		}
		p = &all[tab[j].pair];
		slot = op->fwd_tid == 0 ? &p->start_op : &p->end_op;
		if (*slot == NO_OP || h->ops.v[*slot].ts < op->ts)
			*slot = (uint32_t)i;
	}
	for (i = 0; i < nall; i++) {
		const struct ap_fwdbwd *p = &all[i];

		if (p->start_op == NO_OP || p->end_op == NO_OP ||
		    h->ops.v[p->start_op].tid == h->ops.v[p->end_op].tid)
			continue;
		if (ap_vec_reserve(out, 1) < 0)
			goto nomem;
		out->v[out->n++] = *p;
	}
	goto out;
nomem:
	ret = ap_err_set(err, AP_ENOMEM, "out of memory pairing forward/backward ops");
out:
	free(tab);
	free(all);
	return ret;
}
