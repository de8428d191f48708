/* The memory views of the framework data (spec torch_npu_ascend_pt.md §8.6): the PTA record
 * list and the allocation lifecycles of operator_memory.csv with their op names. Pure pass
 * over the host model, the task queue and the op tree; no I/O. */
#ifndef AP_MEMVIEW_H
#define AP_MEMVIEW_H

#include <stdint.h>

#include "ap/err.h"
#include "ap/host.h"
#include "ap/hostan.h"
#include "ap/vec.h"

#define AP_MEM_MALLOC 0      /* ap_mem.data_type values, §3.5 */
#define AP_MEM_FREE 1
#define AP_MEM_BLOCK_FREE 2
#define AP_MEM_CACHING 0     /* ap_mem.component values */
#define AP_MEM_WORKSPACE 1

/* One allocation lifecycle: a malloc record then at most two records of other, distinct
 * data types (§8.6), in time order. */
struct ap_memgroup {
	uint32_t rec[3];  /* indices into h->mems; rec[0] is the malloc */
	uint32_t n;       /* 1..3 */
	uint32_t name;    /* strtab id (h->strs) of the attributed op name; AP_STR_NONE: "" */
};

struct ap_memview {
	/* PTA record list: indices into h->mems of the NPU records (device_type 20), stably
	 * sorted by time. Feeds memory_record.csv. */
	AP_VEC(uint32_t) pta;
	/* Lifecycles of the inner-allocator NPU records of one process, sorted by the malloc's
	 * time (ties: the pointer first seen earlier, then record order). Feeds the PTA rows of
	 * operator_memory.csv. Upstream keeps only the first process (in time order) that has
	 * torch ops; so does this pass. */
	AP_VEC(struct ap_memgroup) groups;
	uint64_t pid;              /* that process; valid when has_pid */
	int has_pid;
	unsigned long incomplete;  /* upstream's "N memory record(s) are incomplete" count */
	unsigned long unnamed;     /* groups whose op could not be found (name "") */
	unsigned long no_ops_pids; /* processes with memory records but no torch ops (skipped) */
};

void ap_memview_init(struct ap_memview *mv);
/* Frees the arrays and re-initialises; accepts NULL. */
void ap_memview_release(struct ap_memview *mv);
/* Builds mv (initialised by the caller, filled from scratch) from h->mems, attributing
 * each lifecycle to a torch op through the dequeue/enqueue pairs of q and the parents of t
 * (§8.6). q and t may be NULL or empty. Names are the ops' ids in h->strs, which is not
 * changed. Returns 0, or AP_ENOMEM / AP_EINVAL (more than 2^32-1 records) with err set. */
int ap_memview_build(const struct ap_host *h, const struct ap_queue *q, const struct ap_tree *t,
		     struct ap_memview *mv, struct ap_err *err);

#endif
