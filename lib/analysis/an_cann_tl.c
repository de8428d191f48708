/* The timeline's share of the CANN join (trace_view.json CANN part, torch_npu_ascend_pt.md §6.4;
 * upstream cann_assembler.cpp, ascend_hardware_assembler.cpp, hccl_assembler.cpp, read for facts):
 * connection ids, HostToDevice flow starts, HCCL ops and their small tasks, on the join's
 * state (an_cann_join_local.h). */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_names.h"
#include "ap/fmt.h"
#include "ap/sort.h"
#include "an_cann_join_local.h"
#include "an_comm_local.h"
#include "../base/banned.h"

#define TL_OP_CTX 0xFFFFFFFEu /* context part of an HCCL op's own flow id (see tl_comm_op) */

/* The flow table (one slot per flow index) and the per-op scratch. Returns 0 or AP_ENOMEM. */
int ap_cann__tl_init(struct ap_cann__join *j)
{
	size_t nb = j->ht.bigops.n ? j->ht.bigops.n : 1, i;

	uint32_t pairs = 0;

	j->big_comm = malloc(2 * nb * sizeof(*j->big_comm));
	j->api_conn = malloc((j->h->apis.n ? j->h->apis.n : 1) * sizeof(*j->api_conn));
	if (!j->big_comm || !j->api_conn ||
	    ap_vec_reserve(&j->v->flows, j->ht.nflows ? j->ht.nflows : 1) < 0)
		return AP_ENOMEM;
	/* msprof numbers the api_event records in reading order; an interval paired from two
	 * event records has the second one's number: approximated as its index in the host
	 * table plus the pairs up to it */
	for (i = 0; i < j->h->apis.n; i++) {
		pairs += j->h->apis.v[i].event;
		j->api_conn[i] = (uint32_t)i + pairs;
	}
	for (i = 0; i < 2 * nb; i++)
		j->big_comm[i] = i < nb ? AP_CANN__NONE : 0;
	memset(j->v->flows.v, 0, j->ht.nflows * sizeof(*j->v->flows.v));
	j->v->flows.n = j->ht.nflows;
	return 0;
}

/* The 's' of host task t's flow (linking rule, §2.8): at its flow time on the thread of its
 * task track, id = connection id << 32 | context id. */
void ap_cann__tl_flow(struct ap_cann__join *j, const struct ap_cann__htask *t)
{
	struct ap_cann_flow *f = &j->v->flows.v[t->flow];
	uint32_t conn = t->conn_api;

	if (f->used)
		return;
	f->used = 1;
	f->ts = ap_cann_clock_local(&j->in->host_clock, t->flow_ts);
	f->tid = j->h->tracks.v[t->track].tid;
	if (t->kind == AP_CANN__HCCL && t->bigop != AP_CANN__NONE)
		conn = j->ht.bigops.v[t->bigop].launch;
	f->id = (uint64_t)(conn == AP_CANN__NONE ? 0 : j->api_conn[conn]) << 32 |
		(t->kind == AP_CANN__COMPUTE ? t->ctx : AP_CANN__CTX_DEFAULT);
}

/* An HCCL small task's execution, for its "Plane N" thread; comm_op holds its HCCL op's index
 * until tl_hccl_ops maps it to the comm_ops row. msprof's C++ engine keeps a task without
 * hccl_info (Level0: the op-level master event's one host task, at context 0xFFFFFFFF) with plane
 * -1 (CANNTraceDBDumper::DumpHcclTasks), which names the thread Plane 0 but is not drawn
 * (HcclAssembler::InitHcclGroup, GenerateCommTaskTrace); at Level0 no small task is drawn. */
void ap_cann__tl_hccl_task(struct ap_cann__join *j, const struct ap_cann_join_dev *d,
			 const struct ap_cann__htask *t, const struct ap_cann_dev_task *dt,
			 int64_t start, int64_t end)
{
	struct ap_cann_hccl_task *x = ap_vec_push(&j->v->hccl_tasks);
	const struct ap_cann_track *tr = &j->h->tracks.v[t->track];

	if (!x) {
		j->oom = 1;
		return;
	}
	memset(x, 0, sizeof(*x));
	x->start = start;
	x->end = end;
	x->device_id = (uint32_t)d->device_id;
	x->comm_op = t->bigop;
	x->stream_id = dt->stream;
	x->task_id = dt->task;
	x->context_id = dt->ctx;
	x->model_id = t->model_id;
	x->name = x->group = AP_STR_NONE;
	if (t->hinfo >= 0) {
		const struct ap_cann_hccl_info *hi = &j->h->hccl_infos.v[t->hinfo];

		x->has_info = 1;
		x->name = ap_cann__join_hash_id(j, hi->item_id);
		x->group = ap_cann__join_hash_id(j, hi->group_name);
		x->plane_id = hi->plane_id;
		x->notify_id = hi->notify_id;
		x->dur_estimated = hi->duration_estimated;
		/* role (§2.5.3: 0 dst, 1 src) names the remote end: 0, it receives from us */
		x->src_rank = hi->role == 1 ? hi->remote_rank : hi->local_rank;
		x->dst_rank = hi->role == 1 ? hi->local_rank : hi->remote_rank;
		x->transport = hi->transport_type;
		x->data_type = hi->data_type;
		x->link_type = hi->link_type;
		x->size = hi->data_size;
		x->payload = hi->rdma_type == 1; /* ENUM_HCCL_RDMA_TYPE RDMA_SEND_PAYLOAD */
		if (t->bigop != AP_CANN__NONE && !j->big_comm[j->ht.bigops.n + t->bigop])
			j->big_comm[j->ht.bigops.n + t->bigop] = hi->rank_size;
	} else {
		x->plane_id = AP_CANN_NO_PLANE;
	}
	x->hidden = j->in->level0 || x->plane_id == AP_CANN_NO_PLANE;
	if (x->name == AP_STR_NONE) {
		char num[AP_CANN_NUMBUF];

		x->name = ap_cann__join_intern(j, ap_cann_type_or_number(j->h, AP_CANN_LEVEL_RUNTIME, tr->task_type,
							   num, NULL));
	}
}

/* The Communication lane's op of HCCL op b, whose op_summary row r was just made. Its own
 * flow's id takes context TL_OP_CTX so that it differs from its memcpy tasks' shared flow. */
void ap_cann__tl_comm_op(struct ap_cann__join *j, size_t b, const struct ap_cann_op_row *r)
{
	const struct ap_cann__bigop *o = &j->ht.bigops.v[b];
	struct ap_cann_comm_op *c = ap_vec_push(&j->v->comm_ops);

	if (!c) {
		j->oom = 1;
		return;
	}
	memset(c, 0, sizeof(*c));
	j->big_comm[b] = (uint32_t)(j->v->comm_ops.n - 1);
	c->start = r->start;
	c->end = r->end;
	c->device_id = o->device;
	c->name = r->name;
	c->model_id = o->model_id;
	c->conn = j->api_conn[o->launch];
	c->group = c->alg_type = AP_STR_NONE;
	c->data_type = UINT32_MAX;
	if (o->hccl_op >= 0) {
		const struct ap_cann_hccl_op *h = &j->h->hccl_ops.v[o->hccl_op];

		c->group = ap_cann__join_hash_id(j, h->group_name);
		c->alg_type = ap_cann__join_hash_id(j, h->alg_type);
		c->data_type = h->data_type;
		c->count = h->count;
		c->relay = h->relay;
		c->retry = h->retry;
	}
	c->flow = AP_CANN_NO_CONN;
	if (o->flow != AP_CANN__NONE) {
		struct ap_cann_flow *f = &j->v->flows.v[o->flow];

		f->used = 1;
		f->ts = ap_cann_clock_local(&j->in->host_clock, o->begin);
		f->tid = j->h->apis.v[o->launch].tid;
		f->id = (uint64_t)j->api_conn[o->launch] << 32 | TL_OP_CTX;
		c->flow = o->flow;
	}
}

/* Maps the small tasks' HCCL op indices to comm_ops rows (ops without a row: none) and gives
 * each op its rank size (from its tasks' hccl_info). */
/* The small tasks' bandwidth (hccl_calculator.cpp UpdateHcclBandwidth), while their comm_op is
 * still their big op's index: per (op, plane), in order of start, a run of k RDMA payload tasks
 * from index i closed by task i + k + jump - 2 (jump 3 for ops named *send* / *receive*, else 5)
 * gives each of them Σ sizes / (end of the closing task - start of the first); an unclosed run's
 * first task, and every other task, its size / duration (0 when the duration is not positive);
 * an unclosed run's later tasks are walked again as runs of their own. */
static void hccl_bandwidth(struct ap_cann__join *j)
{
	struct ap_cann_hccl_task *t = j->v->hccl_tasks.v;
	size_t i, n = j->v->hccl_tasks.n, a, b;
	struct ap_sortkey *k = malloc((n ? n : 1) * sizeof(*k));

	if (!k) {
		j->oom = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		int64_t d = t[i].end - t[i].start;

		t[i].bandwidth = d > 0 ? (double)t[i].size / (double)d : 0.0;
		k[i].key = t[i].start;
		k[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(k, n) < 0)
		goto oom;
	for (i = 0; i < n; i++) /* stable: each (op, plane) in order of start */
		k[i].key = ap_sortkey_u64((uint64_t)t[k[i].idx].comm_op << 32 | t[k[i].idx].plane_id);
	if (ap_sort_keys(k, n) < 0)
		goto oom;
	for (a = 0; a < n; a = b) {
		const struct ap_cann_hccl_task *f = &t[k[a].idx];
		const char *op = f->comm_op == AP_CANN__NONE ? NULL :
				 ap_cann_hash_str(j->h, j->ht.bigops.v[f->comm_op].name);
		size_t jump = ap_comm__has_ci(op, "send") || ap_comm__has_ci(op, "receive") ? 3 : 5, x, cnt, close;

		for (b = a; b < n && k[b].key == k[a].key; b++)
			;
		for (x = a; x < b; x++) {
			uint64_t size = 0;
			int64_t d;

			if (!t[k[x].idx].payload)
				continue;
			for (cnt = 0; x + cnt < b && t[k[x + cnt].idx].payload; cnt++)
				size += t[k[x + cnt].idx].size;
			close = x + cnt + jump - 2;
			if (close >= b)
				continue;
			d = t[k[close].idx].end - t[k[x].idx].start;
			for (close = x; close < x + cnt; close++)
				t[k[close].idx].bandwidth = d != 0 ? (double)size / (double)d : 0.0;
			x += cnt - 1;
		}
	}
	free(k);
	return;
oom:
	free(k);
	j->oom = 1;
}

void ap_cann__tl_hccl_ops(struct ap_cann__join *j)
{
	size_t i, nb = j->ht.bigops.n;

	hccl_bandwidth(j);
	for (i = 0; i < j->v->hccl_tasks.n; i++) {
		struct ap_cann_hccl_task *x = &j->v->hccl_tasks.v[i];

		x->comm_op = x->comm_op == AP_CANN__NONE ? AP_CANN_NO_CONN : j->big_comm[x->comm_op];
		if (x->group == AP_STR_NONE && x->comm_op != AP_CANN_NO_CONN) /* hccl_calculator.cpp */
			x->group = j->v->comm_ops.v[x->comm_op].group;
	}
	for (i = 0; i < nb; i++)
		if (j->big_comm[i] != AP_CANN__NONE)
			j->v->comm_ops.v[j->big_comm[i]].rank_size = j->big_comm[nb + i];
}

/* The CANN lane's fields of API a, whose connection id is conn (tl_init): mode, id, item as
 * msprof's api viewer prints them (ACL: family tag, API name, item id; else type
 * name, "0", item). */
void ap_cann__tl_api(struct ap_cann__join *j, const struct ap_cann_api *a, uint32_t conn,
		   struct ap_cann_api_row *r)
{
	char num[AP_CANN_NUMBUF];
	const char *item = ap_cann_hash_str(j->h, a->item_id);

	r->tid = a->tid;
	r->conn = conn;
	r->raw_level = a->level;
	if (!item) {
		num[ap_fmt_u64(num, a->item_id)] = '\0';
		item = num;
	}
	r->item = ap_cann__join_intern(j, item);
	if (a->level == LV_ACL) {
		const char *tag = ap_cann_acl_tag_name(a->type);

		if (!tag) {
			num[ap_fmt_u64(num, a->type >> 16)] = '\0';
			tag = num;
		}
		r->mode = ap_cann__join_intern(j, tag);
		r->id = ap_cann__join_intern(j, ap_cann_type_or_number(j->h, a->level, a->type, num, NULL));
	} else {
		r->mode = ap_cann__join_intern(j, ap_cann_type_or_number(j->h, a->level, a->type, num, NULL));
		r->id = ap_cann__join_intern(j, "0");
	}
}
