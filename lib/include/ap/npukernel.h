/* Device kernels linked to host launches, and the tables torch_npu derives from them: the op ->
 * kernel sums and the step ranges (spec torch_npu_ascend_pt.md §7.4-§7.7). Both CANN paths
 * feed the links: the raw join (cann_prof_raw.md §2.8, linking rule) and msprof's exported
 * timeline (HostToDevice flows); ap_kernel_rel_build (hostan.h) derives the rest. Model layer:
 * no behaviour beyond init/release and a getter. */
#ifndef AP_NPUKERNEL_H
#define AP_NPUKERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "ap/host.h"
#include "ap/vec.h"

/* One device kernel of the acl -> npu map (§7.4): the first 'f' of a HostToDevice flow id,
 * credited to the launch at that id's first 's'. */
struct ap_npu_kernel {
	int64_t acl_ts;  /* local ns of the launch (the flow's 's' event) */
	int64_t ts, end; /* local ns; end = ts + trunc(dur_us * 1000) */
	double dur_us;   /* the timeline's dur, as Python's float() reads it */
	uint8_t ai_core; /* Task Type is exactly "AI_CORE" */
	uint32_t flow;   /* the raw join's HostToDevice flow index (ap_cann_view flows), whose
			  * 'f' end is this kernel's timeline event; UINT32_MAX: none */
};

/* The map in torch_npu's dict order: kernels in flow order. Kernels of one launch need not
 * be adjacent; a launch's place in the dict is that of its first kernel. */
struct ap_npu_links {
	AP_VEC(struct ap_npu_kernel) v;
};

/* A step range (§7.7): a ProfilerStep#N child of the root with flows in it. */
struct ap_krel_step {
	uint32_t op;        /* index into h->ops of the step op; its id is the text after the last '#' */
	int64_t start, end; /* START_TS, END_TS (local ns) */
	int64_t fwk_start;  /* the step op's host start */
};

/* Which of the four device sums of a node hold a float term: Python's sum of no float
 * prints the integer 0 (§8.3). */
/* One torch_to_npu flow of trace_view.json (§8.1 CANN part, step 2): from a torch op to a
 * linked kernel. */
struct ap_krel_flow {
	int64_t ts;    /* the kernel's start (local ns): the flow id */
	uint32_t op;   /* index into h->ops of the start op */
	uint32_t flow; /* the kernel's ap_npu_kernel.flow */
};

#define AP_KREL_SELF 1u
#define AP_KREL_TOTAL 2u
#define AP_KREL_SELF_AIC 4u
#define AP_KREL_TOTAL_AIC 8u

struct ap_kernel_rel {
	/* per tree node (t->n): Device Self, Total, Self With AICore, Total With AICore (µs),
	 * summed in torch_npu's order; NULL when no kernel was attributed anywhere */
	double (*dev)[4];
	uint8_t *isfloat;   /* per node: AP_KREL_* bits */
	AP_VEC(struct ap_krel_step) steps;
	/* torch_to_npu flows in torch_npu's order: with a task queue, op nodes in node order, each
	 * node's corr_id_self in order, kernel_dict[corr id] in order; without, the launches in
	 * dict order, each to its deepest op */
	AP_VEC(struct ap_krel_flow) flows;
	unsigned long acl_dropped; /* launches outside every dequeue (task queue only) */
};

void ap_kernel_rel_init(struct ap_kernel_rel *r);
/* Frees the arrays and re-initialises; accepts NULL. */
void ap_kernel_rel_release(struct ap_kernel_rel *r);

/* The step id of range s: the text of the step op's name after its last '#'. */
const char *ap_krel_step_id(const struct ap_host *h, const struct ap_krel_step *s);

#endif
