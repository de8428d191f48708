/* The memory views of the framework data (spec torch_npu_ascend_pt.md §8.6): the PTA record
 * list and the allocation lifecycles of operator_memory.csv with their op names. Pure pass
 * over the host model, the task queue and the op tree; no I/O. */
#ifndef AP_MEMVIEW_H
#define AP_MEMVIEW_H

#include <stdint.h>

#include "ap/err.h"
#include "ap/host.h"
#include "ap/hostview.h"
#include "ap/vec.h"

/* Builds mv (initialised by the caller, filled from scratch) from h->mems, attributing
 * each lifecycle to a torch op through the dequeue/enqueue pairs of q and the parents of t
 * (§8.6). q and t may be NULL or empty. Names are the ops' ids in h->strs, which is not
 * changed. Returns 0, or AP_ENOMEM / AP_EINVAL (more than 2^32-1 records) with err set. */
int ap_memview_build(const struct ap_host *h, const struct ap_queue *q, const struct ap_tree *t,
		     struct ap_memview *mv, struct ap_err *err);

#endif
