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
	uint32_t conn_api;  /* index into h->apis of the API whose connection id the task
			     * carries (timeline): launch, HCCL op launch, enclosing API; NONE */
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
	uint32_t launch;     /* index into h->apis of its Node launch */
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

/* ---- shared by the tree (an_cann_tree.c) and the analysis of its leaves (an_cann_leaf.c) ---- */

#define LV_ACL 20000
#define LV_MODEL 15000
#define LV_NODE 10000
#define LV_HCCL 5500
#define LV_RUNTIME 5000

#define MAX_DEPTH 20        /* TreeBuilder::BuildTree: deeper API events are dropped */
#define MAX_BINDING_DEPTH 5 /* TreeBuilder::AddTaskTrackEvents */

#define GE_AI_CPU 1
#define GE_FFTS_PLUS 6
#define GE_COMMUNICATION 9
#define GE_HCCL_AI_CPU 256

enum { SLOT_ACL, SLOT_MODEL, SLOT_NODE, SLOT_HCCL, SLOT_RUNTIME, SLOT_ROOT, NSLOT };

static inline int slot_of(uint16_t level)
{
	switch (level) {
	case LV_ACL: return SLOT_ACL;
	case LV_MODEL: return SLOT_MODEL;
	case LV_NODE: return SLOT_NODE;
	case LV_HCCL: return SLOT_HCCL;
	case LV_RUNTIME: return SLOT_RUNTIME;
	default: return SLOT_ROOT;
	}
}

struct tnode {
	uint64_t start, end;
	uint32_t ref;      /* index into h->apis (API nodes) or h->tracks (runtime leaves) */
	uint16_t level;    /* API level; LV_RUNTIME for leaves; 0 for the root */
	int32_t parent, first, last, next;
	/* records attached (positions in the thread's record segments, -1 none) */
	int32_t basic_first, basic_last, attr_first, attr_last, tensor_first, tensor_last;
	int32_t ctx_first, ctx_last, hop_first;  /* node-level context ids, hccl_op_info */
	int32_t hctx_first, hctx_last, hinfo_first, hinfo_last; /* HCCL level */
};

/* A thread's records of one kind: indices into a host table, in time order. */
struct seg {
	const uint32_t *idx;
	const uint64_t *ts; /* the records' times */
	size_t n;
	int32_t *node; /* per record: the tree node it was attached to, -1 */
};

struct walk {
	const struct ap_cann_join_in *in;
	const struct ap_cann_host *h;
	struct ap_cann__host_tasks *out;
	struct ap_cann_join_stats *st;
	AP_VEC(struct tnode) t;       /* the tree of the current thread; node 0 is the root */
	AP_VEC(int32_t) lv_model, lv_node, lv_hccl; /* level nodes, in creation order */
	struct seg basic, attr, tensor, ctx, hctx, hop, hinfo, track;
	uint32_t next_track;          /* tracks of this thread consumed so far */
	int32_t path[NSLOT];          /* TreeAnalyzer path_: the current node per level */
	int oom;
	int32_t last_bigop;           /* index of this thread's last HCCL op, -1 */
};

/* TreeAnalyzer::Analyze: the depth-first walk of the current thread's tree from its root,
 * classifying each runtime leaf into host tasks (an_cann_leaf.c). */
void ap_cann__analyze(struct walk *w);
/* A new node of the current thread's tree under parent (-1: none), or -1 when out of memory
 * (w->oom set). */
int32_t ap_cann__new_node(struct walk *w, uint64_t start, uint64_t end, uint32_t ref,
			  uint16_t level, int32_t parent);

#endif
