/* Shared between the two halves of the CANN join: the host tasks the per-thread trees give
 * (an_cann_tree.c) and their association with device tasks (an_cann_join.c). */
#ifndef AP_AN_CANN_LOCAL_H
#define AP_AN_CANN_LOCAL_H

#include <stdint.h>

#include "ap/cann_host.h"
#include "ap/cann_join.h"
#include "ap/vec.h"

#define AP_CANN__NONE UINT32_MAX
#define AP_CANN__CTX_DEFAULT UINT32_MAX /* DEFAULT_CONTEXT_ID */

/* Host task kinds of TreeAnalyzer. */
enum ap_cann__kind {
	AP_CANN__COMPUTE = 0,  /* a compute task under a Node launch (op info in ops) */
	AP_CANN__PLACEHOLDER,  /* the FFTS+ parent of a node with context ids (OPTYPE_INVALID) */
	AP_CANN__HCCL,         /* an HCCL small task */
	AP_CANN__OTHER,        /* a task without Node ancestor (OPTYPE_RESERVED) */
};

/* One host task: what the device task of the same (stream, batch, task, context) ran for. */
struct ap_cann__htask {
	uint64_t flow_ts;   /* raw host time of its HostToDevice 's' (linking rule, §2.8) */
	uint32_t track;     /* index into h->tracks */
	uint32_t ctx;       /* context id, AP_CANN__CTX_DEFAULT for none */
	uint32_t op;        /* index into the op descriptions, AP_CANN__NONE without op info */
	uint32_t bigop;     /* HCCL small task: its big op, else AP_CANN__NONE */
	uint32_t flow;      /* flow id (tasks sharing one are credited once), AP_CANN__NONE: none */
	uint32_t model_id;  /* Model ID, AP_CANN_NO_MODEL when none */
	uint32_t launch;    /* compute tasks: index into h->apis of the Node launch */
	int32_t hinfo;      /* HCCL small task: its hccl_info (index into h->hccl_infos), -1 */
	uint8_t kind;       /* enum ap_cann__kind */
	uint8_t compute;    /* in TreeAnalyzer's computeTasks_: gets an op_summary row */
	uint8_t master;     /* HCCL small task of a "master" HCCL event */
};

/* The op description behind a compute task (cann_trace_db_dumper.cpp AddTaskInfo). */
struct ap_cann__op {
	uint64_t name;      /* hash id of the Operator name (first record's opName, or item id) */
	uint64_t hccl_name; /* HCCL situation: the name nodeDesc.opName was set to */
	int32_t node;       /* last node_basic_info of the launch (nodeDesc), -1 none */
	int32_t tensor;     /* last tensor_info group, -1 none */
	uint32_t ge_type;   /* effective GE task type (rewritten for HCCL / helper tasks) */
	uint8_t reserved;   /* only-task-track op (OPTYPE_RESERVED): name = kernel name */
	uint8_t hccl;       /* the HCCL situation rewrote the name (and made a nodeDesc if none) */
	uint8_t synth_node; /* nodeDesc made up by the HCCL situation (zeroed node_basic_info) */
};

/* One HCCL communication op (HcclBigOpDesc). */
struct ap_cann__bigop {
	uint64_t begin, end; /* raw host times of its Node launch */
	uint64_t name;       /* hash id: the launch's item id */
	int32_t node;        /* its first node_basic_info, -1 none */
	int32_t hccl_op;     /* its first hccl_op_info, -1 none */
	uint32_t model_id;
	uint32_t flow;       /* the op's own flow id */
	uint32_t memcpy_flow; /* the flow its MEMCPY_ASYNC small tasks share, or AP_CANN__NONE */
	uint16_t device;
};

struct ap_cann__host_tasks {
	AP_VEC(struct ap_cann__htask) tasks;
	AP_VEC(struct ap_cann__op) ops;
	AP_VEC(struct ap_cann__bigop) bigops;
	uint32_t nflows;
};

/* Builds every thread's tree and derives the host tasks, op descriptions and HCCL ops.
 * Returns 0 or AP_ENOMEM. */
int ap_cann__host_tasks(const struct ap_cann_join_in *in, struct ap_cann__host_tasks *out,
			struct ap_cann_join_stats *st);
void ap_cann__host_tasks_release(struct ap_cann__host_tasks *t);

#endif
