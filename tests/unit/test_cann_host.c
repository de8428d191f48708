/*
 * Unit tests of the CANN host decoders (lib/formats/cann/cann_*.c), the name tables
 * (lib/model/cann_names.c), the model lookups (lib/model/cann_host.c) and the host flip pass
 * (lib/analysis/an_cann_flip.c), against hand-written fixtures (testdata/fixtures/cann_*.hex,
 * converted by tests/support/hex2bin.c). Every expected value comes from the spec
 * (cann_prof_raw.md §2, §3.5.1) through the fixture's own comments, never from our generator.
 *
 * USAGE  test_cann_host [FIXTURES_DIR]  the directory of the converted fixtures (<name>.bin); default
 *                                       $AP_FIXTURES_DIR. Exit 0 pass, 1 failures, 99 set-up error.
 *        CK_RUN_CASE="flip" test_cann_host ...   runs one TCase; CK_FORK=no under gdb.
 * The loader TCases (a PROF host dir in a temp dir) live in cann_host_load_cases.c.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_flip.h"
#include "ap/cann_host.h"
#include "ap/cann_names.h"
#include "ap/cann_rec.h"
#include "ap/err.h"
#include "cann_test_util.h"
#include "fwk_test_util.h"
#include "../../lib/base/banned.h"

/* ---------------------------------------------------------------- api_event */

START_TEST(test_api_records)
{
	struct ap_test_fx f = ap_test_fx_load("cann_api_event");
	struct ap_cann_api_rec r;
	struct ap_err e = AP_ERR_INIT;

	ck_assert_uint_eq(f.len, 10 * AP_CANN_API_SIZE);
	ck_assert_int_eq(ap_cann_decode_api(f.p, AP_CANN_API_SIZE, &r, &e), 0);
	ck_assert_uint_eq(r.level, 20000);
	ck_assert_uint_eq(r.type, 0x50001);
	ck_assert_uint_eq(r.tid, 1001);
	ck_assert_uint_eq(r.begin, 1000);
	ck_assert_uint_eq(r.end, 2000);
	ck_assert_int_eq(r.is_event, 0);
	ck_assert_int_eq(ap_cann_decode_api(f.p + 40, AP_CANN_API_SIZE, &r, &e), 0);
	ck_assert_int_eq(r.is_event, 1);
	ck_assert_uint_eq(r.level, 15000);
	ck_assert_uint_eq(r.reserve, 7);
	ck_assert_uint_eq(r.begin, 1100);
	ck_assert_uint_eq(r.item_id, 3);
	/* wrong size, never a read past it */
	ck_assert_int_eq(ap_cann_decode_api(f.p, AP_CANN_API_SIZE - 1, &r, &e), AP_EFORMAT);
	ck_assert(ap_test_has_fact(e.msg.buf, "39 bytes"));
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_api_bad_magic)
{
	struct ap_test_fx f = ap_test_fx_load("cann_api_event_bad");
	struct ap_cann_api_rec r;
	struct ap_err e = AP_ERR_INIT;

	ck_assert_int_eq(ap_cann_decode_api(f.p + 40, AP_CANN_API_SIZE, &r, &e), AP_EFORMAT);
	ck_assert_msg(ap_test_has_fact(e.msg.buf, "0x5a5b"), "%s", e.msg.buf);
	/* err may be NULL: nothing formatted */
	ck_assert_int_eq(ap_cann_decode_api(f.p + 40, AP_CANN_API_SIZE, &r, NULL), AP_EFORMAT);
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

/* ---------------------------------------------------------------- compact */

START_TEST(test_track_versions)
{
	struct ap_test_fx f = ap_test_fx_load("cann_task_track");
	struct ap_cann_track t;

	ck_assert_uint_eq(f.len, 4 * AP_CANN_COMPACT_SIZE);
	/* dataLen 16: no kernel name although the bytes are there */
	ck_assert_int_eq(ap_cann_decode_track(f.p, 64, &t, NULL), 0);
	ck_assert_uint_eq(t.ts, 5000);
	ck_assert_uint_eq(t.tid, 2001);
	ck_assert_uint_eq(t.device_id, 3);
	ck_assert_uint_eq(t.dev_type, 1);
	ck_assert_uint_eq(t.stream_id, 7);
	ck_assert_uint_eq(t.task_id, 5);
	ck_assert_uint_eq(t.flip, 2);
	ck_assert_uint_eq(t.batch, 2);
	ck_assert_uint_eq(t.task_type, 0);
	ck_assert_uint_eq(t.kernel_name, 0);
	ck_assert_uint_eq(t.data_len, 16);
	ck_assert_uint_eq(t.has_ext, 0);
	ck_assert_uint_eq(t.v2, 0);
	/* dataLen 24: kernel name, no extInfo */
	ck_assert_int_eq(ap_cann_decode_track(f.p + 64, 64, &t, NULL), 0);
	ck_assert_uint_eq(t.kernel_name, 0xABCDEF0123456789ull);
	ck_assert_uint_eq(t.task_type, 66);
	ck_assert_uint_eq(t.num_blocks, 0);
	ck_assert_uint_eq(t.has_ext, 0);
	/* dataLen 40: extInfo */
	ck_assert_int_eq(ap_cann_decode_track(f.p + 128, 64, &t, NULL), 0);
	ck_assert_uint_eq(t.task_id, 10);
	ck_assert_uint_eq(t.flip, 3);
	ck_assert_uint_eq(t.task_type, 108);
	ck_assert_uint_eq(t.kernel_name, 0x42);
	ck_assert_uint_eq(t.num_blocks, 24);
	ck_assert_uint_eq(t.mix_ratio, 2);
	ck_assert_uint_eq(t.has_ext, 1);
	/* the flip */
	ck_assert_int_eq(ap_cann_decode_track(f.p + 192, 64, &t, NULL), 0);
	ck_assert_uint_eq(t.task_type, AP_CANN_TASK_FLIP);
	ck_assert_uint_eq(t.task_id, 0);
	ck_assert_uint_eq(t.flip, 4);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_track_v2)
{
	struct ap_test_fx f = ap_test_fx_load("cann_task_track_v2");
	struct ap_cann_track t;

	ck_assert_int_eq(ap_cann_decode_track(f.p, 64, &t, NULL), 0);
	ck_assert_uint_eq(t.v2, 1);
	ck_assert_uint_eq(t.ts, 6000);
	ck_assert_uint_eq(t.device_id, 2);
	ck_assert_uint_eq(t.stream_id, 70000);
	ck_assert_uint_eq(t.task_id, 0x20);
	ck_assert_uint_eq(t.flip, 1);
	ck_assert_uint_eq(t.kernel_name, 0x77);
	ck_assert_uint_eq(t.num_blocks, 48);
	ck_assert_uint_eq(t.mix_ratio, 1);
	/* dataLen 32: kernel name, no ext */
	ck_assert_int_eq(ap_cann_decode_track(f.p + 64, 64, &t, NULL), 0);
	ck_assert_uint_eq(t.data_len, 32);
	ck_assert_uint_eq(t.kernel_name, 0x78);
	ck_assert_uint_eq(t.task_type, 1);
	ck_assert_uint_eq(t.has_ext, 0);
	ck_assert_uint_eq(t.num_blocks, 0);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_track_bad)
{
	struct ap_test_fx f = ap_test_fx_load("cann_task_track");
	struct ap_err e = AP_ERR_INIT;
	struct ap_cann_track t;
	uint8_t rec[64];

	memcpy(rec, f.p, 64);
	rec[12] = 41; /* dataLen past the 40-byte payload */
	ck_assert_int_eq(ap_cann_decode_track(rec, 64, &t, &e), AP_EFORMAT);
	ck_assert_msg(ap_test_has_fact(e.msg.buf, "dataLen 41"), "%s", e.msg.buf);
	ap_err_release(&e);
	rec[12] = 15; /* shorter than the fixed part */
	ck_assert_int_eq(ap_cann_decode_track(rec, 64, &t, &e), AP_EFORMAT);
	ck_assert_msg(ap_test_has_fact(e.msg.buf, "dataLen 15"), "%s", e.msg.buf);
	ap_err_release(&e);
	rec[12] = 16;
	rec[4] = 0x23; /* type 803: no task track */
	ck_assert_int_eq(ap_cann_decode_track(rec, 64, &t, &e), AP_EFORMAT);
	ck_assert_msg(ap_test_has_fact(e.msg.buf, "803"), "%s", e.msg.buf);
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_node_and_misc)
{
	struct ap_test_fx f = ap_test_fx_load("cann_node_basic_info");
	struct ap_test_fx m = ap_test_fx_load("cann_compact_misc");
	struct ap_cann_node n;
	struct ap_cann_node_attr a;
	struct ap_cann_hccl_op h;
	struct ap_cann_memcpy mc;
	struct ap_cann_capture c;
	uint8_t st = 9;

	ck_assert_int_eq(ap_cann_decode_node(f.p, 64, &n, NULL), 0);
	ck_assert_uint_eq(n.ts, 4000);
	ck_assert_uint_eq(n.tid, 3001);
	ck_assert_uint_eq(n.op_name, 0x1111);
	ck_assert_uint_eq(n.task_type, 4);
	ck_assert_uint_eq(n.op_type, 0x2222);
	ck_assert_uint_eq(n.block_dim, 24);
	ck_assert_uint_eq(n.mix_ratio, 2);
	ck_assert_uint_eq(n.op_flag, 1);
	ck_assert_uint_eq(n.op_state, 0);
	ck_assert_int_eq(ap_cann_decode_node_attr(m.p, 64, &a, NULL), 0);
	ck_assert_uint_eq(a.ts, 4100);
	ck_assert_uint_eq(a.op_name, 0x1111);
	ck_assert_uint_eq(a.attr_type, 0);
	ck_assert_uint_eq(a.attr, 0x3333);
	ck_assert_int_eq(ap_cann_decode_hccl_op(m.p + 64, 64, &h, NULL), 0);
	ck_assert_uint_eq(h.ts, 4200);
	ck_assert_uint_eq(h.relay, 0);
	ck_assert_uint_eq(h.retry, 1);
	ck_assert_uint_eq(h.data_type, 4);
	ck_assert_uint_eq(h.alg_type, 0x4444);
	ck_assert_uint_eq(h.count, 1048576);
	ck_assert_uint_eq(h.group_name, 0x5555);
	ck_assert_int_eq(ap_cann_decode_memcpy(m.p + 128, 64, &mc, NULL), 0);
	ck_assert_uint_eq(mc.data_size, 4096);
	ck_assert_uint_eq(mc.max_size, 8192);
	ck_assert_uint_eq(mc.direction, 1);
	ck_assert_int_eq(ap_cann_decode_capture(m.p + 192, 64, &c, NULL), 0);
	ck_assert_uint_eq(c.capture_status, 1);
	ck_assert_uint_eq(c.model_stream_id, 10);
	ck_assert_uint_eq(c.original_stream_id, 3);
	ck_assert_uint_eq(c.model_id, 2);
	ck_assert_uint_eq(c.device_id, 0);
	ck_assert_int_eq(ap_cann_decode_expand(m.p + 256, 64, &st, NULL), 0);
	ck_assert_uint_eq(st, 0);
	ck_assert_int_eq(ap_cann_decode_expand(m.p + 320, 64, &st, NULL), 0);
	ck_assert_uint_eq(st, 1);
	/* a compact decoder given an additional record's length */
	ck_assert_int_eq(ap_cann_decode_node(f.p, 63, &n, NULL), AP_EFORMAT);
	ap_test_fx_free(&f);
	ap_test_fx_free(&m);
}
END_TEST

/* ---------------------------------------------------------------- additional */

static void ck_shape(const struct ap_cann_tensor *t, const uint32_t *want, size_t n)
{
	size_t i;

	for (i = 0; i < AP_CANN_SHAPE_LEN; i++)
		ck_assert_uint_eq(t->shape[i], i < n ? want[i] : 0);
}

START_TEST(test_tensor_records)
{
	struct ap_test_fx f = ap_test_fx_load("cann_tensor_info");
	struct ap_test_fx b = ap_test_fx_load("cann_tensor_info_bad");
	struct ap_cann_tensor_rec r;
	struct ap_err e = AP_ERR_INIT;
	static const uint32_t s0[] = { 8192, 4096 }, s3[] = { 1, 2, 3, 4, 5, 6, 7, 8 },
			      s4[] = { 1, 0, 5 };

	ck_assert_int_eq(ap_cann_decode_tensor_info(f.p, 256, &r, NULL), 0);
	ck_assert_uint_eq(r.op_name, 0xA);
	ck_assert_uint_eq(r.ts, 7000);
	ck_assert_uint_eq(r.tid, 3001);
	ck_assert_uint_eq(r.num, 5);
	ck_assert_uint_eq(r.t[0].type, 0);
	ck_assert_uint_eq(r.t[0].format, 2);
	ck_assert_uint_eq(r.t[0].dtype, 1);
	ck_shape(&r.t[0], s0, 2);
	ck_assert_uint_eq(r.t[1].format, 0x1004);
	ck_assert_uint_eq(r.t[1].dtype, 27);
	ck_assert_uint_eq(r.t[3].format, AP_CANN_FORMAT_UNDEFINED);
	ck_shape(&r.t[3], s3, 8);
	ck_shape(&r.t[4], s4, 3);
	ck_assert_int_eq(ap_cann_decode_tensor_info(f.p + 512, 256, &r, NULL), 0);
	ck_assert_uint_eq(r.num, 2);
	ck_assert_uint_eq(r.t[1].type, 1);
	ck_assert_uint_eq(r.t[1].dtype, 3);
	/* tensorNum 6: corrupt, never read past the record */
	ck_assert_int_eq(ap_cann_decode_tensor_info(b.p, 256, &r, &e), AP_EFORMAT);
	ck_assert_msg(ap_test_has_fact(e.msg.buf, "tensorNum 6") &&
			      ap_test_has_fact(e.msg.buf, "payload offset 8"),
		      "%s", e.msg.buf);
	ap_err_release(&e);
	ck_assert_int_eq(ap_cann_decode_tensor_info(b.p + 256, 256, &r, NULL), 0);
	ck_assert_uint_eq(r.op_name, 0xD);
	ap_test_fx_free(&f);
	ap_test_fx_free(&b);
}
END_TEST

START_TEST(test_ctx_records)
{
	struct ap_test_fx f = ap_test_fx_load("cann_context_id_info");
	struct ap_test_fx b = ap_test_fx_load("cann_context_id_info_bad");
	struct ap_cann_ctx_rec r;
	struct ap_err e = AP_ERR_INIT;

	ck_assert_int_eq(ap_cann_decode_ctx(f.p, 256, &r, NULL), 0);
	ck_assert_uint_eq(r.level, 10000);
	ck_assert_uint_eq(r.op_name, 0xC);
	ck_assert_uint_eq(r.num, 3);
	ck_assert_uint_eq(r.ids[2], 2);
	ck_assert_int_eq(ap_cann_decode_ctx(f.p + 256, 256, &r, NULL), 0);
	ck_assert_uint_eq(r.level, 5500);
	ck_assert_uint_eq(r.num, 2);
	ck_assert_uint_eq(r.ids[0], 10);
	ck_assert_uint_eq(r.ids[1], 19);
	ck_assert_int_eq(ap_cann_decode_ctx(b.p, 256, &r, &e), AP_EFORMAT);
	ck_assert_msg(ap_test_has_fact(e.msg.buf, "ctxIdNum 56"), "%s", e.msg.buf);
	ap_err_release(&e);
	ap_test_fx_free(&f);
	ap_test_fx_free(&b);
}
END_TEST

START_TEST(test_hccl_graph_fusion)
{
	struct ap_test_fx f = ap_test_fx_load("cann_hccl_info");
	struct ap_test_fx g = ap_test_fx_load("cann_graph_fusion");
	struct ap_cann_hccl_info h;
	struct ap_cann_graph gr;
	struct ap_cann_fusion fu;
	struct ap_err e = AP_ERR_INIT;
	uint8_t rec[256];

	ck_assert_int_eq(ap_cann_decode_hccl_info(f.p, 256, &h, NULL), 0);
	ck_assert_uint_eq(h.ts, 8000);
	ck_assert_uint_eq(h.tid, 3003);
	ck_assert_uint_eq(h.item_id, 0x9001);
	ck_assert_uint_eq(h.ccl_tag, 0x9002);
	ck_assert_uint_eq(h.group_name, 0x9003);
	ck_assert_uint_eq(h.local_rank, 1);
	ck_assert_uint_eq(h.remote_rank, 2);
	ck_assert_uint_eq(h.rank_size, 8);
	ck_assert_uint_eq(h.work_flow_mode, 3);
	ck_assert_uint_eq(h.plane_id, 4);
	ck_assert_uint_eq(h.ctx_id, 5);
	ck_assert_uint_eq(h.notify_id, 0x9004);
	ck_assert_uint_eq(h.stage, 6);
	ck_assert_uint_eq(h.role, 1);
	ck_assert(h.duration_estimated == 1.5);
	ck_assert_uint_eq(h.src_addr, 0x10000);
	ck_assert_uint_eq(h.dst_addr, 0x20000);
	ck_assert_uint_eq(h.data_size, 65536);
	ck_assert_uint_eq(h.op_type, 0);
	ck_assert_uint_eq(h.data_type, 3);
	ck_assert_uint_eq(h.link_type, 1);
	ck_assert_uint_eq(h.transport_type, 0);
	ck_assert_uint_eq(h.rdma_type, 1);
	ck_assert_int_eq(ap_cann_decode_graph(g.p, 256, &gr, NULL), 0);
	ck_assert_uint_eq(gr.ts, 9000);
	ck_assert_uint_eq(gr.model_name, 0x6666);
	ck_assert_uint_eq(gr.graph_id, 1);
	ck_assert_uint_eq(gr.model_id, 2);
	ck_assert_int_eq(ap_cann_decode_fusion(g.p + 256, 256, &fu, NULL), 0);
	ck_assert_uint_eq(fu.op_name, 0x7777);
	ck_assert_uint_eq(fu.fusion_op_num, 2);
	ck_assert_uint_eq(fu.input_mem, 100);
	ck_assert_uint_eq(fu.output_mem, 200);
	ck_assert_uint_eq(fu.weight_mem, 300);
	ck_assert_uint_eq(fu.workspace_mem, 400);
	ck_assert_uint_eq(fu.total_mem, 1000);
	ck_assert_uint_eq(fu.fusion_op_id[0], 0x71);
	ck_assert_uint_eq(fu.fusion_op_id[1], 0x72);
	ck_assert_uint_eq(fu.fusion_op_id[2], 0);
	/* fusionOpNum 9 and dataLen 233: corrupt */
	memcpy(rec, g.p + 256, 256);
	rec[24 + 8] = 9;
	ck_assert_int_eq(ap_cann_decode_fusion(rec, 256, &fu, &e), AP_EFORMAT);
	ck_assert_msg(ap_test_has_fact(e.msg.buf, "fusionOpNum 9"), "%s", e.msg.buf);
	ap_err_release(&e);
	rec[24 + 8] = 2;
	rec[12] = 233;
	ck_assert_int_eq(ap_cann_decode_fusion(rec, 256, &fu, &e), AP_EFORMAT);
	ck_assert_msg(ap_test_has_fact(e.msg.buf, "dataLen 233"), "%s", e.msg.buf);
	ap_err_release(&e);
	ap_test_fx_free(&f);
	ap_test_fx_free(&g);
}
END_TEST

/* ---------------------------------------------------------------- names */

START_TEST(test_names)
{
	char buf[32];

	ck_assert_str_eq(ap_cann_ge_task_type_name(0), "AI_CORE");
	ck_assert_str_eq(ap_cann_ge_task_type_name(9), "COMMUNICATION");
	ck_assert_str_eq(ap_cann_ge_task_type_name(256), "HCCL_AI_CPU");
	ck_assert_ptr_null(ap_cann_ge_task_type_name(12));
	ck_assert_str_eq(ap_cann_ge_dtype_name(1), "FLOAT16");
	ck_assert_str_eq(ap_cann_ge_dtype_name(27), "DT_BF16");
	ck_assert_str_eq(ap_cann_ge_dtype_name(229), "NUMBER_TYPE_BEGIN_");
	ck_assert_str_eq(ap_cann_ge_dtype_name(246), "NUMBER_TYPE_END_");
	ck_assert_str_eq(ap_cann_ge_dtype_name(0xFFFFFFFFu), "UNDEFINED");
	ck_assert_ptr_null(ap_cann_ge_dtype_name(5));
	ck_assert_ptr_null(ap_cann_ge_dtype_name(247));
	ck_assert_str_eq(ap_cann_ge_format_name(2), "ND");
	ck_assert_str_eq(ap_cann_ge_format_name(29), "FRACTAL_NZ");
	ck_assert_str_eq(ap_cann_ge_format_name(55), "END");
	ck_assert_str_eq(ap_cann_ge_format_name(201), "DEFAULT_");
	ck_assert_str_eq(ap_cann_ge_format_name(255), "MAX");
	ck_assert_ptr_null(ap_cann_ge_format_name(100));
	ck_assert_int_eq(ap_cann_ge_format_fmt(0x1004, buf, sizeof(buf)), 12);
	ck_assert_str_eq(buf, "FRACTAL_Z:16");
	ap_cann_ge_format_fmt(2, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ND");
	ap_cann_ge_format_fmt(0xFFFFFFFFu, buf, sizeof(buf));
	ck_assert_str_eq(buf, "UNDEFINED");
	ap_cann_ge_format_fmt(0x00FFFF64u, buf, sizeof(buf)); /* unnamed 100, sub 65535 */
	ck_assert_str_eq(buf, "100:65535");
	ap_cann_ge_format_fmt(0xFF000002u, buf, sizeof(buf)); /* bits 24-31 are no sub-format */
	ck_assert_str_eq(buf, "ND");
	ck_assert_str_eq(ap_cann_ts_task_type_name(0), "KERNEL_AICORE");
	ck_assert_str_eq(ap_cann_ts_task_type_name(27), "DYNAMIC_ENABLE");
	ck_assert_str_eq(ap_cann_ts_task_type_name(98), "FLIP_TASK");
	ck_assert_str_eq(ap_cann_ts_task_type_name(600), "KERNEL_SIMT");
	ck_assert_ptr_null(ap_cann_ts_task_type_name(8));
	ck_assert_ptr_null(ap_cann_ts_task_type_name(1045));
	ck_assert_str_eq(ap_cann_acl_tag_name(0x50001), "ACL_NN");
	ck_assert_str_eq(ap_cann_acl_tag_name(0xA0001), "ACL_GRAPH");
	ck_assert_ptr_null(ap_cann_acl_tag_name(0x80001));
	ck_assert_ptr_null(ap_cann_acl_tag_name(0xD0001));
}
END_TEST

/* ---------------------------------------------------------------- flip (§3.5.1) */

static struct ap_cann_track trk(uint64_t ts, uint16_t stream, uint16_t task_id, uint32_t type,
				uint16_t flip)
{
	struct ap_cann_track t;

	memset(&t, 0, sizeof(t));
	t.ts = ts;
	t.stream_id = stream;
	t.task_id = task_id;
	t.task_type = type;
	t.flip = t.batch = flip;
	return t;
}

START_TEST(test_flip_batches)
{
	/* Stream 1: tasks 65534, 65535 (batch 0); flip at t=30 (task id 0 at the flip, flip 1);
	 * tasks 0, 1 after it (batch 1); flip at t=60 (flip 2); task 0 (batch 2). Stream 2 (no flip):
	 * batch 0 whatever its recorded flip. Table order is not time order. */
	struct ap_cann_track v[] = {
		trk(40, 1, 0, 0, 0),          /* 0: after flip 1 -> 1 */
		trk(10, 1, 65534, 0, 0),      /* 1: -> 0 */
		trk(30, 1, 0, 98, 1),         /* 2: flip */
		trk(20, 1, 65535, 0, 0),      /* 3: -> 0 */
		trk(50, 1, 1, 0, 0),          /* 4: -> 1 */
		trk(60, 1, 0, 98, 2),         /* 5: flip */
		trk(70, 1, 0, 0, 0),          /* 6: -> 2 */
		trk(15, 2, 3, 0, 9),          /* 7: stream 2 -> 0 */
		trk(30, 1, 5, 0, 0),          /* 8: same time as the flip: before it -> 0 */
	};
	struct ap_err e = AP_ERR_INIT;

	ck_assert_int_eq(ap_cann_flip_assign(v, sizeof(v) / sizeof(*v), &e), 0);
	ck_assert_uint_eq(v[0].batch, 1);
	ck_assert_uint_eq(v[1].batch, 0);
	ck_assert_uint_eq(v[3].batch, 0);
	ck_assert_uint_eq(v[4].batch, 1);
	ck_assert_uint_eq(v[6].batch, 2);
	ck_assert_uint_eq(v[7].batch, 0);
	ck_assert_uint_eq(v[8].batch, 0);
	/* flips keep their recorded flip number */
	ck_assert_uint_eq(v[2].batch, 1);
	ck_assert_uint_eq(v[5].batch, 2);
	ap_err_release(&e);
}
END_TEST

START_TEST(test_flip_late_task_zero)
{
	/* Flip at t=30 with task id 2 (tasks 0 and 1 were taken by other threads and reported
	 * before the flip record): tasks just before the flip with ids below 2 move to batch 1;
	 * the scan stops at the first id >= 2. */
	struct ap_cann_track v[] = {
		trk(10, 1, 65534, 0, 0),  /* 0: stays 0 (65534 >= 2 stops the scan) */
		trk(11, 1, 1, 0, 0),      /* 1: below 2, but 65535 lies between it and the flip */
		trk(12, 1, 65535, 0, 0),  /* 2: stays 0 */
		trk(20, 1, 0, 0, 0),      /* 3: late task 0 -> 1 */
		trk(25, 1, 1, 0, 0),      /* 4: late task 1 -> 1 */
		trk(30, 1, 2, 98, 1),     /* 5: flip, task id 2 */
		trk(40, 1, 2, 0, 0),      /* 6: -> 1 */
	};

	ck_assert_int_eq(ap_cann_flip_assign(v, sizeof(v) / sizeof(*v), NULL), 0);
	ck_assert_uint_eq(v[0].batch, 0);
	ck_assert_uint_eq(v[1].batch, 0); /* not adjacent to the flip: 65535 ended the scan */
	ck_assert_uint_eq(v[2].batch, 0);
	ck_assert_uint_eq(v[3].batch, 1);
	ck_assert_uint_eq(v[4].batch, 1);
	ck_assert_uint_eq(v[6].batch, 1);
}
END_TEST

START_TEST(test_flip_destroy)
{
	/* The destroy flip (taskId 0xFFFFFFFF: task 65535, flip 65535) counts as a flip for the
	 * batch number but moves no earlier task: task 3 reported before it stays in batch 0. */
	struct ap_cann_track v[] = {
		trk(10, 4, 3, 0, 0),                         /* 0: stays 0 */
		trk(20, 4, 65535, 98, AP_CANN_FLIP_DESTROY), /* 1: destroy flip */
		trk(30, 4, 4, 0, 0),                         /* 2: -> 1 */
	};

	ck_assert_int_eq(ap_cann_flip_assign(v, 3, NULL), 0);
	ck_assert_uint_eq(v[0].batch, 0);
	ck_assert_uint_eq(v[2].batch, 1);
	/* and a regular flip with task id 65535 does move it */
	v[1].flip = 5;
	v[0].batch = v[2].batch = 77;
	ck_assert_int_eq(ap_cann_flip_assign(v, 3, NULL), 0);
	ck_assert_uint_eq(v[0].batch, 1);
	ck_assert_uint_eq(v[2].batch, 1);
	ck_assert_int_eq(ap_cann_flip_assign(v, 0, NULL), 0);
}
END_TEST

START_TEST(test_flip_device_keys)
{
	/* Same stream id on two devices (and two device types): separate streams. */
	struct ap_cann_track v[] = {
		trk(10, 1, 0, 98, 1), trk(20, 1, 1, 0, 0), trk(20, 1, 1, 0, 0), trk(20, 1, 1, 0, 0),
	};

	v[2].device_id = 1;
	v[3].dev_type = 1;
	ck_assert_int_eq(ap_cann_flip_assign(v, 4, NULL), 0);
	ck_assert_uint_eq(v[1].batch, 1);
	ck_assert_uint_eq(v[2].batch, 0);
	ck_assert_uint_eq(v[3].batch, 0);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *cann_host_suite(void)
{
	Suite *s = suite_create("cann_host");
	TCase *tc;

	tc = tcase_create("api_event");
	tcase_add_test(tc, test_api_records);
	tcase_add_test(tc, test_api_bad_magic);
	suite_add_tcase(s, tc);
	tc = tcase_create("compact");
	tcase_add_test(tc, test_track_versions);
	tcase_add_test(tc, test_track_v2);
	tcase_add_test(tc, test_track_bad);
	tcase_add_test(tc, test_node_and_misc);
	suite_add_tcase(s, tc);
	tc = tcase_create("additional");
	tcase_add_test(tc, test_tensor_records);
	tcase_add_test(tc, test_ctx_records);
	tcase_add_test(tc, test_hccl_graph_fusion);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("flip");
	tcase_add_test(tc, test_flip_batches);
	tcase_add_test(tc, test_flip_late_task_zero);
	tcase_add_test(tc, test_flip_destroy);
	tcase_add_test(tc, test_flip_device_keys);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, ap_test_cann_loader_tcase());
	suite_add_tcase(s, ap_test_cann_bad_tcase());
	return s;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	ap_test_fixtures_dir = argc > 1 ? argv[1] : getenv("AP_FIXTURES_DIR");
	if (!ap_test_fixtures_dir || !*ap_test_fixtures_dir) {
		fprintf(stderr, "test_cann_host: no fixtures: pass the directory of the converted fixtures or set AP_FIXTURES_DIR\n");
		return 99;
	}
	sr = srunner_create(cann_host_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
