/* The CANN join of one PROF_* dir (spec cann_prof_raw.md §2.8, §3.5.3, §3.7; upstream
 * event_grouper.cpp, tree_builder.cpp, tree_analyzer.cpp, ascend_task_association.cpp,
 * cann_trace_db_dumper.cpp, communication_info_processor.cpp): host records -> per-thread
 * trees -> host tasks; host tasks + device tasks -> op_summary / task_time rows, HCCL
 * communication ops, API intervals, and the HostToDevice links torch_npu credits to torch ops
 * (the linking rule of §2.8). Pure: model tables in, model tables out. */
#ifndef AP_CANN_JOIN_H
#define AP_CANN_JOIN_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cann_clock.h"
#include "ap/cann_dev.h"
#include "ap/cann_host.h"
#include "ap/cann_view.h"
#include "ap/err.h"
#include "ap/npukernel.h"

/* The paired device tasks of one device_N dir, and its clock. */
struct ap_cann_join_dev {
	int device_id;
	const struct ap_cann_dev_task *tasks;
	size_t n;
	struct ap_cann_clock clock;
};

struct ap_cann_join_in {
	const struct ap_cann_host *h;    /* task tracks with their batch ids assigned */
	struct ap_cann_clock host_clock; /* host raw time -> local ns */
	const struct ap_cann_join_dev *devs;
	size_t ndev;
	int level0;                      /* profLevel l0: no node info is expected (§2.8 Level-0) */
	int stars;                       /* a STARS chip (context ids, mix block num) */
	int64_t session_start;           /* collection start (local ns), INT64_MIN unknown:
					  * API intervals ending before it are not counted */
};

/* What the join could not place, for the §4 "warn with counts" rows. */
struct ap_cann_join_stats {
	unsigned long host_tasks, device_tasks;  /* built / read */
	unsigned long device_only;   /* device executions without a host task (labelled UNKNOWN) */
	unsigned long host_only;     /* host tasks without a device execution */
	unsigned long ambiguous;     /* keys with several host tasks (dropped, as upstream) */
	unsigned long unknown_type;  /* device tasks of a type no table names (not exported) */
	unsigned long apis_dropped;  /* API events dropped as redundant or too deep */
	unsigned long records_unplaced; /* node/HCCL records outside every API of their thread */
	unsigned long no_node_desc;  /* compute tasks without node_basic_info (no op_summary row) */
	struct ap_cann_missing missing; /* ids absent from hash_dic / type_info_dic */
	/* hccl_info records of HCCL task executions whose transport / link type no table names
	 * (kept as the number, as upstream's trans_enum_name) */
	unsigned long hccl_bad_transport, hccl_bad_link;
	uint32_t hccl_first_transport, hccl_first_link; /* the first such values */
	int32_t hccl_first_transport_info, hccl_first_link_info; /* their hccl_info records */
	/* HCCL ops missing on a plane: ops with device executions whose hccl_info records of
	 * some plane have none (msprof drops such small tasks, HcclCalculator::MergeHcclTaskData);
	 * the first is the one of the earliest hccl_info record (index into h->hccl_infos), its
	 * op name a strs id of the view */
	unsigned long hccl_missing_planes;
	int32_t hccl_missing_info;
	uint32_t hccl_missing_op, hccl_missing_plane;
};

/* Runs the join: fills v (initialised by the caller) with op rows, task rows and API rows,
 * and appends to links the kernels torch_npu links to host launches (times local ns, flow
 * order). Returns 0, or AP_ENOMEM / AP_EINVAL with err set. */
int ap_cann_join(const struct ap_cann_join_in *in, struct ap_cann_view *v,
		 struct ap_npu_links *links, struct ap_cann_join_stats *st, struct ap_err *err);

#endif
