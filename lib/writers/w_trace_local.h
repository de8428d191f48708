/* Shared by the two halves of the trace_view.json writer: the framework part
 * (w_trace_view.c) and the CANN part (w_trace_cann.c), one streamed array. */
#ifndef AP_W_TRACE_LOCAL_H
#define AP_W_TRACE_LOCAL_H

#include "ap/cann_view.h"
#include "ap/out.h"

/* Where the HostToDevice flow of one index of v->flows ends: the 'f' written with the
 * earliest ts (torch_npu links a kernel to the X event under its flow's 'f', §7.4). */
struct ap_tv_fend {
	int64_t ts;
	uint64_t pid, tid;
	uint8_t set;   /* an 'f' was written */
};

/* Appends the CANN part of v to the array open in o (*first: no element written yet; the
 * function keeps it up to date). level0: torch_npu's Level0 pruning (§8.1, §10). ends: NULL,
 * or v->flows.n slots, zeroed by the caller, filled with each flow's end. Returns 0 or
 * AP_ENOMEM. */
struct ap_overlap;
int ap_tv__cann(struct ap_out *o, int *first, const struct ap_cann_view *v,
		const struct ap_overlap *ov, int level0, struct ap_tv_fend *ends);

/* The thread layout of one device's Communication lane (hccl_assembler.cpp,
 * get_hccl_export_data.py): the groups of its small tasks (in their order) and then of its ops
 * without tasks, ranked by first appearance; each a thread at tid start[rank] followed by its
 * planes at start + plane + 1 (AP_CANN_NO_PLANE as plane 0), the next group after its highest
 * plane. */
struct ap_tv_comm_layout {
	uint64_t *grp;   /* [ng]: group << 32 | rank, sorted by group */
	uint64_t *order; /* [ng]: by rank, first sequence number << 32 | group */
	uint64_t *start; /* [ng]: by rank, the tid of the group's thread */
	uint64_t *pl;    /* [np]: rank << 32 | plane, sorted */
	size_t ng, np;
};

/* Fills l for device dev of v; one allocation, l->grp, the caller frees. Returns 0 or
 * AP_ENOMEM. */
int ap_tv__comm_layout(const struct ap_cann_view *v, uint32_t dev, struct ap_tv_comm_layout *l);

/* The rank of group g (a strs id) in l; g must be one of its groups. */
uint64_t ap_tv__comm_group_rank(const struct ap_tv_comm_layout *l, uint32_t g);

#endif
