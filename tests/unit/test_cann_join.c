/* Unit tests of the CANN join (lib/analysis/an_cann_tree.c, an_cann_join.c) on in-memory
 * tables: host records -> per-thread trees -> host tasks -> association with device tasks
 * (cann_prof_raw.md §2.8, §3.5.3, §3.7). Host times are on an identity clock and device times
 * on a 1000 MHz counter, so every time in the results is the number written here. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_host.h"
#include "ap/cann_join.h"

static struct ap_cann_host h;
static struct ap_cann_view v;
static struct ap_npu_links links;
static struct ap_cann_join_stats st;
static struct ap_cann_dev_task dtask[32];
static size_t ndt;
static int level0;

static void setup(void)
{
	ck_assert_int_eq(ap_cann_host_init(&h), 0);
	ck_assert_int_eq(ap_cann_view_init(&v), 0);
	memset(&links, 0, sizeof(links));
	memset(&st, 0, sizeof(st));
	ndt = 0;
	level0 = 0;
}

static void teardown(void)
{
	ap_cann_host_release(&h);
	ap_cann_view_release(&v);
	free(links.v.v);
}

static void dict(struct ap_u64map *m, uint64_t key, const char *s)
{
	struct ap_u64map_slot *slot = ap_u64map_get(m, key, NULL);

	ck_assert_ptr_nonnull(slot);
	slot->val = ap_strtab_intern(&h.strs, s, strlen(s), NULL);
}

#define HASH(id, s) dict(&h.hash, (id), (s))
#define TYPE(level, type, s) dict(&h.types, (uint64_t)(level) << 32 | (type), (s))

static void api(uint16_t level, uint32_t type, uint32_t tid, uint64_t b, uint64_t e, uint64_t item)
{
	struct ap_cann_api *a = ap_vec_push(&h.apis);

	a->level = level;
	a->type = type;
	a->tid = tid;
	a->begin = b;
	a->end = e;
	a->item_id = item;
}

static struct ap_cann_track *track(uint64_t ts, uint32_t tid, uint32_t type, uint32_t stream,
				   uint16_t task)
{
	struct ap_cann_track *t = ap_vec_push(&h.tracks);

	t->ts = ts;
	t->tid = tid;
	t->task_type = type;
	t->stream_id = stream;
	t->task_id = task;
	t->data_len = 24;
	return t;
}

static struct ap_cann_node *node(uint64_t ts, uint32_t tid, uint64_t op, uint64_t type, uint32_t ge,
				 uint16_t block, uint16_t ratio)
{
	struct ap_cann_node *n = ap_vec_push(&h.nodes);

	n->ts = ts;
	n->tid = tid;
	n->op_name = op;
	n->op_type = type;
	n->task_type = ge;
	n->block_dim = block;
	n->mix_ratio = ratio;
	return n;
}

static void ctx(uint64_t ts, uint32_t tid, uint16_t level, uint64_t op, uint32_t n, const uint32_t *ids)
{
	struct ap_cann_ctx *c = ap_vec_push(&h.ctxs);
	uint32_t i;

	c->ts = ts;
	c->tid = tid;
	c->level = level;
	c->op_name = op;
	c->first = (uint32_t)h.ctx_ids.n;
	c->count = n;
	for (i = 0; i < n; i++)
		*ap_vec_push(&h.ctx_ids) = ids[i];
}

static void dev(uint32_t stream, uint32_t task, uint32_t ctx_id, uint64_t s, uint64_t e, uint8_t src,
		uint8_t type)
{
	struct ap_cann_dev_task *d = &dtask[ndt++];

	memset(d, 0, sizeof(*d));
	d->stream = stream;
	d->task = task;
	d->ctx = ctx_id;
	d->start = s;
	d->end = e;
	d->src = src;
	d->type = type;
}

static void join(void)
{
	struct ap_cann_join_in in;
	struct ap_cann_join_dev d;
	struct ap_err err;

	memset(&in, 0, sizeof(in));
	memset(&d, 0, sizeof(d));
	ap_err_init(&err);
	d.device_id = 0;
	d.tasks = dtask;
	d.n = ndt;
	d.clock.freq_mhz = 1000;
	in.h = &h;
	in.host_clock.identity = 1;
	in.devs = &d;
	in.ndev = 1;
	in.stars = 1;
	in.session_start = INT64_MIN;
	in.level0 = level0;
	ck_assert_int_eq(ap_cann_join(&in, &v, &links, &st, &err), 0);
	ap_err_release(&err);
}

static const char *S(uint32_t id)
{
	return id == AP_STR_NONE ? "N/A" : ap_strtab_get(&v.strs, id);
}

/* A Node launch with node_basic_info and tensor_info: the op row takes its names, GE task
 * type, block dims, op state (aging: dynamic), HF32 and tensor strings (shapes quoted in the
 * value, as msprof's AddQuotation does); the task row no name (the task track has no kernel
 * name) and the GE type; the link starts at the task track's time. */
START_TEST(compute_task_under_launch)
{
	struct ap_cann_tensor *t;
	struct ap_cann_tensor_op *g;
	struct ap_cann_node *n;

	HASH(11, "aclnnAdd_AddAiCore_Add");
	HASH(12, "Add");
	TYPE(20000, 0x50001, "aclnnAdd");
	TYPE(10000, 5, "launch");
	api(20000, 0x50001, 7, 100, 300, 0);
	api(10000, 5, 7, 120, 280, 11);
	n = node(200, 7, 11, 12, 2, 8, 2);
	n->op_flag = 1;
	n->op_state = 1;
	g = ap_vec_push(&h.tensor_ops);
	g->ts = 200;
	g->tid = 7;
	g->op_name = 11;
	g->first = 0;
	g->count = 3;
	t = ap_vec_push(&h.tensors);
	t->type = 0, t->format = 2, t->dtype = 1, t->shape[0] = 8, t->shape[1] = 16;
	t = ap_vec_push(&h.tensors);
	t->type = 0, t->format = 29 | 16 << 8, t->dtype = 27, t->shape[0] = 4;
	t = ap_vec_push(&h.tensors);
	t->type = 1, t->format = 2, t->dtype = 1, t->shape[0] = 8, t->shape[1] = 16;
	track(150, 7, 66, 3, 10);
	dev(3, 10, AP_CANN_CTX_NONE, 1000, 1500, AP_CANN_SRC_ACSQ, 2);
	join();
	ck_assert_uint_eq(v.ops.n, 1);
	ck_assert_str_eq(S(v.ops.v[0].name), "aclnnAdd_AddAiCore_Add");
	ck_assert_str_eq(S(v.ops.v[0].op_type), "Add");
	ck_assert_str_eq(S(v.ops.v[0].task_type), "AI_VECTOR_CORE");
	ck_assert_uint_eq(v.ops.v[0].block_num, 8);
	ck_assert_uint_eq(v.ops.v[0].mix_block_num, 16);
	ck_assert_uint_eq(v.ops.v[0].op_state, AP_CANN_DYNAMIC);
	ck_assert_uint_eq(v.ops.v[0].hf32, AP_CANN_HF32_YES);
	ck_assert_str_eq(S(v.ops.v[0].in_shapes), "\"8,16;4\"");
	ck_assert_str_eq(S(v.ops.v[0].in_dtypes), "FLOAT16;DT_BF16");
	ck_assert_str_eq(S(v.ops.v[0].in_formats), "ND;FRACTAL_NZ:16");
	ck_assert_str_eq(S(v.ops.v[0].out_shapes), "\"8,16\"");
	ck_assert_uint_eq(v.ops.v[0].context_id, AP_CANN_NO_CTX);
	ck_assert_uint_eq(v.ops.v[0].model_id, AP_CANN_NO_MODEL);
	ck_assert_int_eq(v.ops.v[0].start, 1000);
	ck_assert_int_eq(v.ops.v[0].end, 1500);
	ck_assert_uint_eq(v.tasks.n, 1);
	ck_assert_uint_eq(v.tasks.v[0].kernel_name, AP_STR_NONE); /* no kernel name: N/A */
	ck_assert_str_eq(S(v.tasks.v[0].kernel_type), "AI_VECTOR_CORE");
	ck_assert_uint_eq(links.v.n, 1);
	ck_assert_int_eq(links.v.v[0].acl_ts, 150);
	ck_assert_int_eq(links.v.v[0].ts, 1000);
	ck_assert(links.v.v[0].dur_us == 0.5);
	ck_assert_int_eq(links.v.v[0].ai_core, 0);
	ck_assert_uint_eq(v.apis.n, 2);
	ck_assert_uint_eq(st.device_only + st.host_only + st.ambiguous, 0);
}
END_TEST

/* A MIX kernel with context ids: the op row is the FFTS+ subtask's (context 0, block dims from
 * the 40-byte task track), the ACSQ parent only a task_time row; an event task in an AscendCL
 * API is linked from that API's start; a device task nobody launched is labelled by its device
 * type; two launches claiming one task id are dropped; a launch without device task counts. */
START_TEST(mix_event_orphans)
{
	static const uint32_t ctx0[] = { 0 };
	struct ap_cann_track *t;
	size_t i, found = 0;

	HASH(21, "FA_op");
	HASH(22, "FusedInferAttentionScore");
	HASH(31, "some_kernel");
	TYPE(20000, 0x50002, "aclnnFA");
	TYPE(20000, 0x30001, "aclrtRecordEvent");
	TYPE(10000, 5, "launch");
	api(20000, 0x50002, 7, 400, 600, 0);
	api(10000, 5, 7, 410, 590, 21);
	node(500, 7, 21, 22, 4, 1, 1);
	ctx(500, 7, 10000, 21, 1, ctx0);
	t = track(450, 7, 108, 3, 11);
	t->data_len = 40;
	t->has_ext = 1;
	t->num_blocks = 24;
	t->mix_ratio = 2;
	api(20000, 0x30001, 7, 700, 720, 0);
	track(710, 7, 2, 4, 1);
	track(800, 8, 0, 5, 2)->kernel_name = 31;
	track(801, 8, 0, 5, 2)->kernel_name = 31;
	track(900, 8, 0, 6, 3);
	dev(3, 11, AP_CANN_CTX_NONE, 2000, 2600, AP_CANN_SRC_ACSQ, 0);
	dev(3, 11, 0, 2010, 2590, AP_CANN_SRC_FFTS, 6);
	dev(4, 1, AP_CANN_CTX_NONE, 3000, 3010, AP_CANN_SRC_ACSQ, 4);
	dev(5, 2, AP_CANN_CTX_NONE, 3100, 3200, AP_CANN_SRC_ACSQ, 0);
	dev(9, 9, AP_CANN_CTX_NONE, 3300, 3400, AP_CANN_SRC_ACSQ, 0);
	join();
	ck_assert_uint_eq(v.ops.n, 1);
	ck_assert_str_eq(S(v.ops.v[0].name), "FA_op");
	ck_assert_str_eq(S(v.ops.v[0].task_type), "MIX_AIC");
	ck_assert_uint_eq(v.ops.v[0].context_id, 0);
	ck_assert_uint_eq(v.ops.v[0].block_num, 24);
	ck_assert_uint_eq(v.ops.v[0].mix_block_num, 48);
	ck_assert_int_eq(v.ops.v[0].start, 2010);
	ck_assert_uint_eq(st.device_only, 1);
	ck_assert_uint_eq(st.ambiguous, 1);
	ck_assert_uint_eq(st.host_only, 1);
	/* task_time: the ACSQ parent (its runtime type), the subtask, the event, the orphan */
	ck_assert_uint_eq(v.tasks.n, 4);
	for (i = 0; i < v.tasks.n; i++) {
		const struct ap_cann_task_row *r = &v.tasks.v[i];

		if (r->stream_id == 4) {
			ck_assert_str_eq(S(r->kernel_type), "EVENT_RECORD");
			ck_assert_uint_eq(r->kernel_name, AP_STR_NONE);
			found++;
		} else if (r->stream_id == 9) {
			ck_assert_str_eq(S(r->kernel_type), "AI_CORE");
			found++;
		} else if (r->start == 2000) {
			ck_assert_str_eq(S(r->kernel_type), "KERNEL_MIX_AIC");
			found++;
		}
	}
	ck_assert_uint_eq(found, 3);
	/* links: the MIX subtask from its task track, the event from its API's start */
	ck_assert_uint_eq(links.v.n, 2);
	ck_assert_int_eq(links.v.v[0].acl_ts, 450);
	ck_assert_int_eq(links.v.v[0].ts, 2010);
	ck_assert_int_eq(links.v.v[1].acl_ts, 700);
	ck_assert_int_eq(links.v.v[1].ts, 3000);
}
END_TEST

/* An HCCL op: one op_summary row from its master tasks' earliest start to their latest end
 * (the slave task does not count), named by the launch with its group suffix and typed by its
 * node_basic_info; the
 * op is linked from its launch, and all its memcpy tasks share one more link from the launch,
 * credited to the earliest of them. */
START_TEST(hccl_op)
{
	struct ap_cann_hccl_info *hi;

	HASH(41, "hcom_allReduce_");
	HASH(42, "hcom_allReduce_");
	HASH(43, "Memcpy");
	HASH(44, "Notify_Wait");
	TYPE(10000, 5, "launch");
	TYPE(5500, 0x10001, "master");
	TYPE(5500, 0x10002, "slave");
	api(10000, 5, 9, 1000, 1200, 41);
	node(1100, 9, 41, 42, 9, 0, 0);
	api(5500, 0x10001, 9, 1010, 1050, 43);
	track(1020, 9, 5, 7, 1);
	hi = ap_vec_push(&h.hccl_infos);
	hi->ts = 1020;
	hi->tid = 9;
	hi->item_id = 43;
	hi->group_name = 16110553871667776169ull;
	api(5500, 0x10001, 9, 1060, 1090, 44);
	track(1070, 9, 14, 7, 2);
	api(5500, 0x10002, 9, 1100, 1150, 43);
	track(1110, 9, 5, 8, 1);
	dev(7, 1, AP_CANN_CTX_NONE, 5000, 5400, AP_CANN_SRC_ACSQ, 11);
	dev(7, 2, AP_CANN_CTX_NONE, 5500, 5800, AP_CANN_SRC_ACSQ, 7);
	dev(8, 1, AP_CANN_CTX_NONE, 4900, 6000, AP_CANN_SRC_ACSQ, 11);
	join();
	ck_assert_uint_eq(v.ops.n, 1);
	/* named as update_op_name_by_group_name does: group ...169, first op, first iteration */
	ck_assert_str_eq(S(v.ops.v[0].name), "hcom_allReduce__169_0_1");
	ck_assert_str_eq(S(v.ops.v[0].op_type), "hcom_allReduce_");
	ck_assert_str_eq(S(v.ops.v[0].task_type), "COMMUNICATION");
	ck_assert_uint_eq(v.ops.v[0].task_id, AP_CANN_NA);
	ck_assert_int_eq(v.ops.v[0].start, 5000);
	ck_assert_int_eq(v.ops.v[0].end, 5800);
	ck_assert_uint_eq(v.tasks.n, 3);
	ck_assert_uint_eq(links.v.n, 2);
	ck_assert_int_eq(links.v.v[0].acl_ts, 1000);
	ck_assert_int_eq(links.v.v[0].ts, 4900);
	ck_assert_int_eq(links.v.v[1].acl_ts, 1000);
	ck_assert_int_eq(links.v.v[1].ts, 5000);
	ck_assert(links.v.v[1].dur_us == 0.8);
}
END_TEST

/* One master HCCL small task of the launch on thread 9: its api event [ts, ts + 40], task
 * track and hccl_info (plane 0) at ts + 10, and its device execution [s, e] on stream 7. */
static void rdma_task(uint64_t ts, uint64_t item, uint16_t task, uint64_t size, uint32_t rdma,
		      uint64_t s, uint64_t e)
{
	struct ap_cann_hccl_info *hi;

	api(5500, 0x10001, 9, ts, ts + 40, item);
	track(ts + 10, 9, 16, 7, task);
	hi = ap_vec_push(&h.hccl_infos);
	hi->ts = ts + 10;
	hi->tid = 9;
	hi->item_id = item;
	hi->group_name = 16110553871667776169ull;
	hi->data_size = size;
	hi->transport_type = 1;
	hi->rdma_type = rdma;
	dev(7, task, AP_CANN_CTX_NONE, s, e, AP_CANN_SRC_ACSQ, 8);
}

static double bandwidth_of(uint32_t task)
{
	size_t i;

	for (i = 0; i < v.hccl_tasks.n; i++)
		if (v.hccl_tasks.v[i].task_id == task)
			return v.hccl_tasks.v[i].bandwidth;
	ck_abort_msg("no HCCL task %u", task);
	return 0;
}

/* The trace view's small-task bandwidth (hccl_calculator.cpp): a run of RDMA payload tasks of
 * an all-reduce, closed 5 - 2 tasks after it, gives each payload Σ size / (end of the closing
 * task - start of the run); a send's run is closed 3 - 2 tasks after it; a run without its
 * closing tasks, and every other task, size / duration. */
START_TEST(hccl_rdma_bandwidth)
{
	HASH(41, "hcom_allReduce_");
	HASH(45, "hcom_send_");
	HASH(43, "RDMASend");
	HASH(44, "Notify_Wait");
	TYPE(10000, 5, "launch");
	TYPE(5500, 0x10001, "master");
	api(10000, 5, 9, 1000, 1900, 41);
	node(1890, 9, 41, 41, 9, 0, 0);
	rdma_task(1000, 43, 1, 1000, 1, 5000, 5100);
	rdma_task(1100, 43, 2, 3000, 1, 5200, 5300);
	rdma_task(1200, 43, 3, 4, 0, 5400, 5450);
	rdma_task(1300, 44, 4, 0, 0, 5500, 5600);
	rdma_task(1400, 43, 5, 4, 0, 5650, 5700);
	rdma_task(1500, 44, 6, 0, 0, 5750, 5900); /* closes the run of tasks 1, 2 */
	rdma_task(1600, 43, 7, 2000, 1, 6000, 6100); /* unclosed */
	rdma_task(1700, 43, 8, 500, 1, 6200, 6300);
	api(10000, 5, 9, 2000, 2500, 45);
	node(2490, 9, 45, 45, 9, 0, 0);
	rdma_task(2000, 43, 9, 6000, 1, 7000, 7100);
	rdma_task(2100, 43, 10, 4, 0, 7200, 7250);
	rdma_task(2200, 44, 11, 0, 0, 7300, 7500); /* closes the send's run */
	join();
	ck_assert_uint_eq(v.hccl_tasks.n, 11);
	ck_assert(bandwidth_of(1) == 4000.0 / 900.0);
	ck_assert(bandwidth_of(2) == 4000.0 / 900.0);
	ck_assert(bandwidth_of(3) == 4.0 / 50.0);
	ck_assert(bandwidth_of(4) == 0.0);
	ck_assert(bandwidth_of(6) == 0.0);
	ck_assert(bandwidth_of(7) == 20.0);
	ck_assert(bandwidth_of(8) == 5.0);
	ck_assert(bandwidth_of(9) == 6000.0 / 500.0);
	ck_assert(bandwidth_of(10) == 4.0 / 50.0);
}
END_TEST

static void hccl_info(uint64_t ts, uint64_t item, uint32_t plane)
{
	struct ap_cann_hccl_info *hi = ap_vec_push(&h.hccl_infos);

	ck_assert_ptr_nonnull(hi);
	memset(hi, 0, sizeof(*hi));
	hi->ts = ts;
	hi->tid = 9;
	hi->item_id = item;
	hi->group_name = 16110553871667776169ull;
	hi->plane_id = plane;
}

/* An HCCL op whose small task on plane 0 has an hccl_info but no device execution, while its
 * plane 1 tasks ran: the op is missing on plane 0 (named with the first such record), and its
 * rows are the executions only, each with its hccl_info and the op's hccl_op_info (none). */
START_TEST(hccl_op_missing_on_a_plane)
{
	HASH(41, "hcom_allReduce_");
	HASH(43, "Memcpy");
	HASH(44, "Notify_Wait");
	TYPE(10000, 5, "launch");
	TYPE(5500, 0x10001, "master");
	api(10000, 5, 9, 1000, 1200, 41);
	api(5500, 0x10001, 9, 1010, 1050, 43);
	track(1020, 9, 5, 7, 1);
	hccl_info(1020, 43, 0);
	api(5500, 0x10001, 9, 1060, 1090, 44);
	track(1070, 9, 14, 7, 2);
	hccl_info(1070, 44, 1);
	api(5500, 0x10001, 9, 1100, 1150, 43);
	track(1110, 9, 5, 7, 3);
	hccl_info(1110, 43, 1);
	dev(7, 2, AP_CANN_CTX_NONE, 5500, 5800, AP_CANN_SRC_ACSQ, 7);
	dev(7, 3, AP_CANN_CTX_NONE, 5900, 6000, AP_CANN_SRC_ACSQ, 11);
	join();
	ck_assert_uint_eq(st.host_only, 1);
	ck_assert_uint_eq(st.hccl_missing_planes, 1);
	ck_assert_int_eq(st.hccl_missing_info, 0);
	ck_assert_uint_eq(st.hccl_missing_plane, 0);
	ck_assert_str_eq(S(st.hccl_missing_op), "hcom_allReduce__169_0_1");
	ck_assert_uint_eq(v.hccl.n, 2);
	ck_assert_int_eq(v.hccl.v[0].info, 1);
	ck_assert_int_eq(v.hccl.v[0].plane_id, 1);
	ck_assert_int_eq(v.hccl.v[1].info, 2);
	ck_assert_int_eq(v.hccl.v[0].op_info, -1);
}
END_TEST

/* API events: one beginning where the last kept one of its level ends overlaps it and is
 * dropped as a redundant report (EventGrouper), so the task track inside it hangs from the
 * Node launch before it: a compute task of that launch. */
START_TEST(redundant_api_dropped)
{
	HASH(51, "op51");
	TYPE(10000, 5, "launch");
	api(20000, 0x50001, 7, 100, 200, 0);
	api(20000, 0x50001, 7, 200, 260, 0);  /* begins at the last one's end: redundant */
	api(10000, 5, 7, 110, 250, 51);
	node(150, 7, 51, 51, 0, 1, 0);
	track(240, 7, 0, 2, 5);
	dev(2, 5, AP_CANN_CTX_NONE, 700, 800, AP_CANN_SRC_ACSQ, 0);
	join();
	ck_assert_uint_eq(st.apis_dropped, 1);
	ck_assert_uint_eq(v.ops.n, 1);
	ck_assert_str_eq(S(v.ops.v[0].name), "op51");
	ck_assert_str_eq(S(v.ops.v[0].task_type), "AI_CORE");
	ck_assert_uint_eq(links.v.n, 1);
	ck_assert_int_eq(links.v.v[0].ai_core, 1);
}
END_TEST

/* A MIX kernel launched without context_id_info: its host task stands for the SQ task (the op
 * row, context N/A) and for the context-0 subtask (a task_time row with the kernel name and the
 * runtime type), as msprof's get_context_ids adds context 0 to MIX tasks. */
START_TEST(mix_without_context_ids)
{
	size_t i, sub = 0;

	HASH(61, "aclnnRope_RotaryMul_RotaryMul");
	HASH(62, "RotaryMul");
	TYPE(10000, 5, "launch");
	api(10000, 5, 7, 100, 300, 61);
	node(200, 7, 61, 62, 5, 4, 2);
	track(150, 7, 109, 2, 5)->kernel_name = 61;
	dev(2, 5, AP_CANN_CTX_NONE, 1000, 1900, AP_CANN_SRC_ACSQ, 2);
	dev(2, 5, 0, 1002, 1898, AP_CANN_SRC_FFTS, 7);
	join();
	ck_assert_uint_eq(st.device_only, 0);
	ck_assert_uint_eq(v.ops.n, 1);
	ck_assert_uint_eq(v.ops.v[0].context_id, AP_CANN_NO_CTX);
	ck_assert_str_eq(S(v.ops.v[0].task_type), "MIX_AIV");
	ck_assert_uint_eq(v.tasks.n, 2);
	for (i = 0; i < v.tasks.n; i++)
		if (v.tasks.v[i].context_id == 0) {
			ck_assert_str_eq(S(v.tasks.v[i].kernel_name), "aclnnRope_RotaryMul_RotaryMul");
			ck_assert_str_eq(S(v.tasks.v[i].kernel_type), "KERNEL_MIX_AIV");
			sub++;
		}
	ck_assert_uint_eq(sub, 1);
}
END_TEST

/* Level0, no node records: a MIX kernel's launch gets one host task at context 0xFFFFFFFF
 * (TreeAnalyzer::GenComputeHostTasks), so its context-0 subtask has none: typed by the device
 * (MIX_AIV), no flow; the SQ task it hides links nothing. A KERNEL_AICORE kernel beside it keeps
 * its link, typed KERNEL_AICORE in the timeline, so torch_npu counts it without AI Core. */
START_TEST(level0_mix_and_aicore)
{
	size_t i, sub = 0;

	level0 = 1;
	HASH(61, "aclnnRope_RotaryMul_RotaryMul");
	HASH(63, "aclnnMm_MatMulCommon_MatMulV2");
	TYPE(10000, 5, "launch");
	api(10000, 5, 7, 100, 300, 61);
	track(150, 7, 109, 2, 5)->kernel_name = 61;
	api(10000, 5, 7, 400, 600, 63);
	track(450, 7, 0, 2, 6)->kernel_name = 63;
	dev(2, 5, AP_CANN_CTX_NONE, 1000, 1900, AP_CANN_SRC_ACSQ, 2);
	dev(2, 5, 0, 1002, 1898, AP_CANN_SRC_FFTS, 7);
	dev(2, 6, AP_CANN_CTX_NONE, 2000, 2500, AP_CANN_SRC_ACSQ, 0);
	join();
	ck_assert_uint_eq(st.device_only, 1);
	ck_assert_uint_eq(v.tasks.n, 3);
	for (i = 0; i < v.tasks.n; i++)
		if (v.tasks.v[i].context_id == 0) {
			ck_assert_str_eq(S(v.tasks.v[i].kernel_type), "MIX_AIV");
			ck_assert_str_eq(S(v.tasks.v[i].name), "MIX_AIV");
			ck_assert_uint_eq(v.tasks.v[i].flow, AP_CANN_NO_CONN);
			sub++;
		} else if (v.tasks.v[i].task_id == 6) {
			ck_assert_str_eq(S(v.tasks.v[i].kernel_type), "KERNEL_AICORE");
		}
	ck_assert_uint_eq(sub, 1);
	ck_assert_uint_eq(links.v.n, 1);
	ck_assert_int_eq(links.v.v[0].ts, 2000);
	ck_assert_int_eq(links.v.v[0].ai_core, 0);
}
END_TEST

/* Level0 HCCL op (testdata/level0_single): a launch with the op-level HCCL master event, no
 * hccl_info and no context ids, around its FFTS_PLUS task track. Its one host small task, at
 * context 0xFFFFFFFF, meets the FFTS+ SQ task: an HCCL small task of plane -1 that the timeline
 * does not draw (B7: hccl_assembler.h GenerateCommTaskTrace); the subtasks stay unlinked. At Level1
 * a small task with hccl_info is drawn on its plane, one without is not. */
static void level0_hccl_op(void)
{
	HASH(41, "hcom_allReduce_");
	TYPE(10000, 5, "launch");
	TYPE(5500, 0x10001, "master");
	api(10000, 5, 9, 1000, 1200, 41);
	api(5500, 0x10001, 9, 1010, 1150, 41);
	track(1020, 9, 52, 5, 100);
	dev(5, 100, AP_CANN_CTX_NONE, 5000, 5900, AP_CANN_SRC_ACSQ, 0);
	dev(5, 100, 0, 5010, 5100, AP_CANN_SRC_FFTS, 4);
	dev(5, 100, 1, 5110, 5800, AP_CANN_SRC_FFTS, 3);
}

START_TEST(level0_hccl_task_hidden)
{
	level0 = 1;
	level0_hccl_op();
	join();
	ck_assert_uint_eq(v.hccl_tasks.n, 1);
	ck_assert_uint_eq(v.hccl_tasks.v[0].context_id, AP_CANN_NO_CTX);
	ck_assert_uint_eq(v.hccl_tasks.v[0].has_info, 0);
	ck_assert_uint_eq(v.hccl_tasks.v[0].plane_id, AP_CANN_NO_PLANE);
	ck_assert_uint_eq(v.hccl_tasks.v[0].hidden, 1);
	ck_assert_uint_eq(st.device_only, 2);
}
END_TEST

START_TEST(hccl_task_without_info_hidden)
{
	struct ap_cann_hccl_info *hi;
	size_t i;

	level0_hccl_op(); /* Level1 now: the task without hccl_info is still not drawn */
	HASH(43, "Memcpy");
	api(10000, 5, 9, 2000, 2200, 41);
	api(5500, 0x10001, 9, 2010, 2150, 43);
	track(2020, 9, 5, 7, 1);
	hi = ap_vec_push(&h.hccl_infos);
	hi->ts = 2020;
	hi->tid = 9;
	hi->item_id = 43;
	hi->plane_id = 3;
	dev(7, 1, AP_CANN_CTX_NONE, 6000, 6400, AP_CANN_SRC_ACSQ, 11);
	join();
	ck_assert_uint_eq(v.hccl_tasks.n, 2);
	for (i = 0; i < v.hccl_tasks.n; i++) {
		const struct ap_cann_hccl_task *t = &v.hccl_tasks.v[i];

		ck_assert_uint_eq(t->hidden, !t->has_info);
		ck_assert_uint_eq(t->plane_id, t->has_info ? 3 : AP_CANN_NO_PLANE);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cann_join");
	TCase *tc = tcase_create("join");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, compute_task_under_launch);
	tcase_add_test(tc, mix_event_orphans);
	tcase_add_test(tc, hccl_op);
	tcase_add_test(tc, hccl_rdma_bandwidth);
	tcase_add_test(tc, hccl_op_missing_on_a_plane);
	tcase_add_test(tc, redundant_api_dropped);
	tcase_add_test(tc, mix_without_context_ids);
	tcase_add_test(tc, level0_mix_and_aicore);
	tcase_add_test(tc, level0_hccl_task_hidden);
	tcase_add_test(tc, hccl_task_without_info_hidden);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
