/*
 * fuzz_cann_record.c — the pure CANN host record decoders (lib/formats/cann/, ap/cann_rec.h) in memory,
 * at the speed the loader target (fuzz_cann_host, file I/O per input) cannot reach.
 *
 * Input: the bytes are cut into 40-, 64- and 256-byte records from the start (each size in turn, as far
 * as the input goes); every decoder of that size runs on each record, and every decoder also runs once
 * on the whole input with its real length (a wrong size must be refused, never read past).
 *
 * Invariants beyond "no crash": a decoder returns 0 or AP_EFORMAT (never another status) and, on 0,
 * its counts lie inside their arrays (tensorNum <= 5, ctxIdNum <= 55, fusionOpNum <= 8) and a task
 * track's fields agree with its dataLen; the error message is set exactly when the status is not 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_rec.h"
#include "ap/err.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

static void ck(int r, struct ap_err *e)
{
	FUZZ_CHECK(r == 0 || r == AP_EFORMAT);
	FUZZ_CHECK((r == 0) == (e->msg.len == 0));
	ap_err_release(e);
}

static void compact(const uint8_t *p, size_t len)
{
	struct ap_err e = AP_ERR_INIT;
	struct ap_cann_track t;
	struct ap_cann_node n;
	struct ap_cann_node_attr a;
	struct ap_cann_hccl_op h;
	struct ap_cann_memcpy m;
	struct ap_cann_capture c;
	uint8_t st;
	int r;

	r = ap_cann_decode_track(p, len, &t, &e);
	if (r == 0) {
		FUZZ_CHECK(t.data_len >= 16 && t.data_len <= 40);
		FUZZ_CHECK(t.has_ext == (t.data_len == 40));
		FUZZ_CHECK(t.device_id <= 0x0FFF && t.batch == t.flip);
	}
	ck(r, &e);
	ck(ap_cann_decode_node(p, len, &n, &e), &e);
	ck(ap_cann_decode_node_attr(p, len, &a, &e), &e);
	ck(ap_cann_decode_hccl_op(p, len, &h, &e), &e);
	ck(ap_cann_decode_memcpy(p, len, &m, &e), &e);
	ck(ap_cann_decode_capture(p, len, &c, &e), &e);
	ck(ap_cann_decode_expand(p, len, &st, &e), &e);
}

static void additional(const uint8_t *p, size_t len)
{
	struct ap_err e = AP_ERR_INIT;
	struct ap_cann_tensor_rec t;
	struct ap_cann_ctx_rec c;
	struct ap_cann_hccl_info h;
	struct ap_cann_graph g;
	struct ap_cann_fusion f;
	int r;

	r = ap_cann_decode_tensor_info(p, len, &t, &e);
	FUZZ_CHECK(r != 0 || t.num <= AP_CANN_TENSOR_MAX);
	ck(r, &e);
	r = ap_cann_decode_ctx(p, len, &c, &e);
	FUZZ_CHECK(r != 0 || c.num <= AP_CANN_CTX_MAX);
	ck(r, &e);
	ck(ap_cann_decode_hccl_info(p, len, &h, &e), &e);
	ck(ap_cann_decode_graph(p, len, &g, &e), &e);
	r = ap_cann_decode_fusion(p, len, &f, &e);
	FUZZ_CHECK(r != 0 || f.fusion_op_num <= AP_CANN_FUSION_MAX);
	ck(r, &e);
}

static void api(const uint8_t *p, size_t len)
{
	struct ap_err e = AP_ERR_INIT;
	struct ap_cann_api_rec a;
	int r = ap_cann_decode_api(p, len, &a, &e);

	FUZZ_CHECK(r != 0 || a.is_event == (a.end == AP_CANN_EVENT_FLAG));
	ck(r, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos;

	for (pos = 0; size - pos >= AP_CANN_API_SIZE; pos += AP_CANN_API_SIZE)
		api(data + pos, AP_CANN_API_SIZE);
	for (pos = 0; size - pos >= AP_CANN_COMPACT_SIZE; pos += AP_CANN_COMPACT_SIZE)
		compact(data + pos, AP_CANN_COMPACT_SIZE);
	for (pos = 0; size - pos >= AP_CANN_ADDITIONAL_SIZE; pos += AP_CANN_ADDITIONAL_SIZE)
		additional(data + pos, AP_CANN_ADDITIONAL_SIZE);
	/* the whole input with its own length: any size but the record's is refused */
	api(data, size);
	compact(data, size);
	additional(data, size);
	return 0;
}
