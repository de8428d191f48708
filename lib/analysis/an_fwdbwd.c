/* Forward/backward flow pairs (spec torch_npu_ascend_pt.md §8.1 item 5). */
#include <stdlib.h>
#include <string.h>

#include "ap/hostan.h"
#include "ap/u64map.h"
#include "../base/banned.h"

#define NO_OP UINT32_MAX

/* Per sequence number >= 0, in first-appearance order over the ops (file order): the
 * latest-starting forward op ("start", fwd thread id 0) and backward op ("end"), ties
 * keeping the earlier op; a pair is a flow when both exist on different threads. */
int ap_fwdbwd_build(const struct ap_host *h, struct ap_fwdbwd_vec *out, struct ap_err *err)
{
	struct ap_u64map tab = { NULL, 0, 0 }; /* sequence number -> index into all */
	struct ap_fwdbwd *all = NULL;
	size_t n = h->ops.n, nall = 0, i;
	int ret = 0;

	all = malloc((n ? n : 1) * sizeof(*all));
	if (!all)
		goto nomem;
	for (i = 0; i < n; i++) {
		const struct ap_op *op = &h->ops.v[i];
		struct ap_u64map_slot *slot;
		struct ap_fwdbwd *p;
		uint32_t *side;
		int added;

		if (op->seq < 0)
			continue;
		slot = ap_u64map_get(&tab, (uint64_t)op->seq, &added);
		if (!slot)
			goto nomem;
		if (added) {
			slot->val = (uint32_t)nall;
			all[nall].seq = op->seq;
			all[nall].start_op = all[nall].end_op = NO_OP;
			nall++;
		}
		p = &all[slot->val];
		side = op->fwd_tid == 0 ? &p->start_op : &p->end_op;
		if (*side == NO_OP || h->ops.v[*side].ts < op->ts)
			*side = (uint32_t)i;
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
	ap_u64map_release(&tab);
	free(all);
	return ret;
}
