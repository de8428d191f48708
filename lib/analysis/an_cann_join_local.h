/* The join's working state, shared by an_cann_join.c and the timeline part an_cann_tl.c
 * (spec cann_prof_raw.md §2.8; torch_npu §6.4): module-private. */
#ifndef AP_AN_CANN_JOIN_LOCAL_H
#define AP_AN_CANN_JOIN_LOCAL_H

#include <stdint.h>

#include "ap/strbuf.h"
#include "ap/u64map.h"
#include "an_cann_local.h"

/* API levels (§2.8) */
#define LV_ACL 20000
#define LV_MODEL 15000
#define LV_NODE 10000
#define LV_HCCL 5500
#define LV_RUNTIME 5000

/* An HCCL small task's execution, for the op names (update_op_name_by_group_name). */
struct hexec {
	uint64_t host_ts;    /* its task track's raw host time */
	int64_t start, end;  /* local ns */
	uint32_t bigop;
	uint32_t device;
	uint8_t master;
	uint32_t stream, task, ctx, batch;
	int32_t hinfo;
};

/* The name suffix of one HCCL op: "_<last 3 chars of its group>_<index>_<iteration>". */
struct bigname {
	int64_t index;
	uint32_t iter;
	char group[4];
	uint8_t set;
};

struct ap_cann__join {
	const struct ap_cann_join_in *in;
	const struct ap_cann_host *h;
	struct ap_cann__host_tasks ht;
	struct ap_cann_view *v;
	struct ap_npu_links *links;
	struct ap_cann_join_stats *st;
	struct ap_strbuf buf;
	int64_t *big_start, *big_end; /* per HCCL op: earliest master start, latest master end */
	uint8_t *big_have;
	struct bigname *big_name;
	AP_VEC(struct hexec) hx;
	/* (big op << 32 | plane) of HCCL small tasks without a device execution: val the least
	 * hccl_info index + 1 among them (bits 0-30), PLANE_RAN when the plane has an execution */
	struct ap_u64map planes;
	/* per flow: its first execution (kernel), and the launch time */
	int64_t *flow_ts, *flow_kts, *flow_kend;
	uint8_t *flow_have, *flow_aic;
	/* strings already interned, so that each row costs lookups, not formatting: hash id ->
	 * view string id (bit 31 set when the dictionary lacks it, to keep counting it), runtime
	 * task type -> its TASK type string (0: use the device's), device type -> string,
	 * tensor_info content -> its six strings */
	struct ap_u64map hash_ids, rt_ids;
	uint32_t dev_ids[3][256];
	struct ap_u64map tensor_ids;
	AP_VEC(uint32_t) tensor_strs; /* 7 per entry: the group it was made from, then 6 ids */
	uint32_t *big_comm;           /* per HCCL op: its index in v->comm_ops, or NONE */
	uint32_t *api_conn;           /* per host API: its connection id (tl_init) */
	int oom;
};

/* The view string id of s, interned once (sets j->oom on failure). */
uint32_t ap_cann__join_intern(struct ap_cann__join *j, const char *s);
/* The view string id of the hash_dic entry id. */
uint32_t ap_cann__join_hash_id(struct ap_cann__join *j, uint64_t id);

/* The timeline's share (an_cann_tl.c): connection ids, HostToDevice flows, HCCL ops and
 * small tasks, and API rows in the form msprof's timeline writes them. */
int ap_cann__tl_init(struct ap_cann__join *j);
void ap_cann__tl_flow(struct ap_cann__join *j, const struct ap_cann__htask *t);
void ap_cann__tl_hccl_task(struct ap_cann__join *j, const struct ap_cann_join_dev *d,
			 const struct ap_cann__htask *t, const struct ap_cann_dev_task *dt,
			 int64_t start, int64_t end);
void ap_cann__tl_comm_op(struct ap_cann__join *j, size_t b, const struct ap_cann_op_row *r);
void ap_cann__tl_hccl_ops(struct ap_cann__join *j);
void ap_cann__tl_api(struct ap_cann__join *j, const struct ap_cann_api *a, uint32_t conn,
		   struct ap_cann_api_row *r);

#endif
