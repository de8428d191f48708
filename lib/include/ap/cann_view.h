/* What the CANN join (lib/analysis/an_cann_*.c) makes of one PROF_* dir's raw data, before it
 * is formatted as msprof's exported tables (cann_prof_raw.md §3.5.3, §3.7, §4.2-§4.3): one row
 * per device execution of a compute task plus one per HCCL communication op (op_summary), every
 * device task (task_time), and the host API intervals (api_statistic). Times are local ns.
 * Strings are ids into strs; AP_STR_NONE where a string column has no value ("N/A"). */
#ifndef AP_CANN_VIEW_H
#define AP_CANN_VIEW_H

#include <stdint.h>

#include "ap/strtab.h"
#include "ap/vec.h"

#define AP_CANN_NA UINT32_MAX      /* a numeric column printed "N/A" */
#define AP_CANN_NO_MODEL UINT32_MAX /* Model ID 4294967295 */
#define AP_CANN_NO_CTX UINT32_MAX  /* Context ID "N/A" */

enum ap_cann_op_state { AP_CANN_STATIC = 0, AP_CANN_DYNAMIC = 1, AP_CANN_STATE_NA = 2 };
enum ap_cann_hf32 { AP_CANN_HF32_NO = 0, AP_CANN_HF32_YES = 1, AP_CANN_HF32_NA = 2 };

/* One op_summary row (§4.2): a compute task's device execution, or an HCCL big op
 * (task_type "COMMUNICATION", task/stream id and op state N/A, block num 0). */
struct ap_cann_op_row {
	int64_t start, end;        /* local ns */
	uint32_t device_id;
	uint32_t model_id;         /* AP_CANN_NO_MODEL when none */
	uint32_t task_id, stream_id; /* AP_CANN_NA for communication ops */
	uint32_t context_id;       /* AP_CANN_NO_CTX: N/A */
	uint32_t block_num, mix_block_num;
	uint32_t name, op_type;    /* strs ids; op_type AP_STR_NONE: N/A */
	uint32_t task_type;        /* strs id of the GE task type name: AI_CORE, MIX_AIC, ... */
	uint32_t in_shapes, in_dtypes, in_formats;   /* strs ids, AP_STR_NONE: N/A */
	uint32_t out_shapes, out_dtypes, out_formats;
	uint8_t op_state;          /* enum ap_cann_op_state */
	uint8_t hf32;              /* enum ap_cann_hf32 */
};

/* One task_time row (§3.7): every device task. */
struct ap_cann_task_row {
	int64_t start, end;        /* local ns */
	uint64_t dur;              /* its duration from the counter ticks, truncated to ns */
	uint32_t device_id, stream_id, task_id;
	uint32_t batch, context_id; /* the rest of its task id (AP_CANN_NO_CTX: none) */
	uint32_t kernel_name;      /* strs id; AP_STR_NONE: N/A */
	uint32_t kernel_type;      /* strs id: GE task type, else the runtime task type name */
	/* timeline (Ascend Hardware lane, torch_npu §6.4) */
	uint32_t name;             /* strs id: the op row's name, else kernel_type */
	uint32_t model_id;         /* AP_CANN_NO_MODEL when none */
	uint32_t conn;             /* connection id of the launching API, AP_CANN_NO_CONN none
				    * (drawn as msprof's C++ engine prints it, see w_trace_cann.c) */
	uint32_t flow;             /* index into flows of its HostToDevice flow, AP_CANN_NO_CONN */
	uint32_t host_type;        /* strs id: the host task's runtime task type name as msprof's
				    * host_task_type (FFTS_PLUS included); AP_STR_NONE: no host task */
};

/* One host API interval for api_statistic (§4.3): level as upstream names it. */
struct ap_cann_api_row {
	int64_t start, end;        /* local ns */
	uint32_t level;            /* strs id of the level name (acl, model, node, ...) */
	uint32_t name;             /* strs id of the API name */
	/* timeline (CANN lane, torch_npu §6.4) */
	uint32_t tid;              /* host thread */
	uint32_t conn;             /* connection id: the API's index in the host's API table */
	uint16_t raw_level;        /* AP_CANN_LEVEL_* of ap/cann_host.h */
	uint32_t mode;             /* strs id: ACL family tag (ACL_NN, ...), else the type name */
	uint32_t id;               /* strs id: ACL type name, else "0" */
	uint32_t item;             /* strs id: the item id's string (or its decimal value) */
};

#define AP_CANN_NO_CONN UINT32_MAX /* no connection id / no flow */

/* One HostToDevice flow (cann_prof_raw §2.8 linking rule): its 's' on the CANN lane of the
 * launching thread; its 'f' ends are the tasks, HCCL ops that name it. */
struct ap_cann_flow {
	int64_t ts;                /* local ns of the 's' */
	uint64_t id;               /* connection id << 32 | context id */
	uint32_t tid;              /* host thread of the launch */
	uint8_t used;              /* some execution names it */
};

/* One HCCL communication op of the Communication lane (hccl_assembler.cpp). */
struct ap_cann_comm_op {
	int64_t start, end;        /* local ns */
	uint32_t device_id;
	uint32_t name;             /* strs id: the op_summary row's name */
	uint32_t group;            /* strs id of its group name, AP_STR_NONE: N/A */
	uint32_t alg_type;         /* strs id, AP_STR_NONE: N/A */
	uint32_t conn, flow;       /* its launch's connection id, its own flow (AP_CANN_NO_CONN) */
	uint32_t model_id, rank_size, data_type; /* data_type: HCCL enum, UINT32_MAX N/A */
	uint64_t count;
	uint8_t relay, retry;
};

/* Plane of an HCCL small task without hccl_info, or whose planeID is ~0 (msprof's plane -1). */
#define AP_CANN_NO_PLANE UINT32_MAX

/* One HCCL small task of a "Plane N" thread, with its hccl_info (when has_info). */
struct ap_cann_hccl_task {
	int64_t start, end;        /* local ns */
	uint32_t device_id, comm_op;  /* comm_op: index into comm_ops, AP_CANN_NO_CONN none */
	uint32_t name;             /* strs id: the hccl_info item name, else the task type */
	uint32_t group;            /* strs id: the hccl_info group name, else its op's, AP_STR_NONE */
	uint32_t stream_id, task_id, context_id, model_id;
	uint32_t plane_id, src_rank, dst_rank, transport, data_type, link_type; /* hccl_info */
	uint64_t notify_id, size;
	double dur_estimated;
	double bandwidth;          /* GB/s (bytes per ns): a closed RDMA payload run's, else size / duration */
	uint8_t has_info, payload; /* payload: rdmaType RDMA_SEND_PAYLOAD */
	uint8_t hidden;            /* not drawn (Level0, or plane AP_CANN_NO_PLANE); its plane (0 for
				    * AP_CANN_NO_PLANE) still names a thread */
};

/* One HCCL small task's device execution as msprof's HCCLTaskSingleDevice row holds it
 * (hccl_calculator.py, cann_analysis_gear.py add_hccl_task), for communication.json and
 * communication_matrix.json. Rows are in that table's order: by the task track's host time,
 * then by start. Fields from the task's hccl_info; without one, msprof's defaults: -1 for the
 * numbers, "N/A" for the strings. */
struct ap_cann_hccl_row {
	int64_t start, end;        /* local ns */
	int64_t plane_id;          /* planeID */
	int64_t local_rank, remote_rank;
	int64_t size;              /* bytes */
	uint32_t op_name;          /* strs id: its op's name with the suffix (op_summary's) */
	uint32_t group;            /* strs id: group name as msprof reads it (decimal hash id) */
	uint32_t name;             /* strs id: small task name (Memcpy, Notify_Wait, ...) */
	uint32_t transport, link, rdma; /* strs ids: enum names (SDMA, HCCS, RDMA_SEND_PAYLOAD) */
	uint32_t device_id;
	int32_t info;              /* its hccl_info: index into the host's hccl_infos, -1 none */
	int32_t op_info;           /* its op's hccl_op_info: index into the host's hccl_ops, -1 */
	uint8_t master;            /* under a "master" HCCL event */
};

struct ap_cann_view {
	struct ap_strtab strs;
	AP_VEC(struct ap_cann_op_row) ops;     /* in no particular order: the formatter sorts */
	AP_VEC(struct ap_cann_task_row) tasks; /* likewise */
	AP_VEC(struct ap_cann_api_row) apis;   /* likewise */
	AP_VEC(struct ap_cann_flow) flows;     /* indexed by the rows' flow fields */
	AP_VEC(struct ap_cann_comm_op) comm_ops;
	AP_VEC(struct ap_cann_hccl_task) hccl_tasks;
	int64_t pid;   /* the profiled process (info.json), -1 unknown: the timeline's pid base */
	AP_VEC(struct ap_cann_hccl_row) hccl;  /* HCCL small tasks, in msprof's order */
	int stars;   /* a STARS chip: Context ID and Mix Block Num columns are shown (§4.2) */
};

/* Initialises v empty. Returns 0 or AP_ENOMEM. */
int ap_cann_view_init(struct ap_cann_view *v);
/* Frees the tables and re-initialises to zero; accepts NULL. */
void ap_cann_view_release(struct ap_cann_view *v);

#endif
