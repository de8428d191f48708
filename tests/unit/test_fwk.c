/*
 * Unit tests of the FRAMEWORK decoders (lib/formats/framework/fwk_decode.c) and loader (fwk_load.c)
 * against hand-written fixtures (testdata/fixtures/fwk_*.hex, converted by tests/support/hex2bin.c).
 * Every expected value below comes from the spec tables (torch_npu_ascend_pt.md §3) through the
 * fixture's own comments, never from our generator.
 *
 * USAGE  test_fwk [FIXTURES_DIR]     the directory of the converted fixtures (<name>.bin); default
 *                                    $AP_FIXTURES_DIR. Exit 0 pass, 1 failures, 99 set-up error.
 *        CK_RUN_CASE="loader" test_fwk ...   runs one TCase; CK_FORK=no under gdb.
 * The loader TCase lives in fwk_load_cases.c, the shared helpers in fwk_test_util.c.
 */
#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/err.h"
#include "ap/fwk.h"
#include "fwk_test_util.h"
#include "../../lib/base/banned.h"
/* ---------------------------------------------------------------- helpers */

/* The next record must decode, start at off and have payload length len. */
#define NEXT_OK(c, rec, off, plen) next_ok((c), (rec), (off), (plen), __LINE__)
static void next_ok(struct ap_cursor *c, struct ap_fwk_record *rec, size_t off, uint32_t plen,
		    int line)
{
	struct ap_err e = AP_ERR_INIT;
	int r = ap_fwk_next_record(c, rec, &e);

	ck_assert_msg(r == 0, "line %d: ap_fwk_next_record = %d (%s)", line, r, ap_err_text(&e));
	ck_assert_msg(rec->offset == off, "line %d: record offset %zu, expected %zu", line,
		      rec->offset, off);
	ck_assert_msg(rec->len == plen, "line %d: record length %u, expected %u", line, rec->len,
		      plen);
	ck_assert_msg(rec->payload == c->p + off + AP_FWK_TLV_HDR, "line %d: payload pointer", line);
	ap_err_release(&e);
}

#define NEXT_END(c) ck_assert_int_eq(ap_fwk_next_record((c), &(struct ap_fwk_record){ 0 }, NULL), AP_END)

/* A decoded string field: want NULL means absent. */
#define CK_BYTES(b, want) ck_bytes((b), (want), #b, __LINE__)
static void ck_bytes(struct ap_bytes b, const char *want, const char *what, int line)
{
	if (!want) {
		ck_assert_msg(b.p == NULL, "line %d: %s present (\"%.*s\"), expected absent", line,
			      what, (int)b.len, b.p ? b.p : "");
		return;
	}
	ck_assert_msg(b.p != NULL, "line %d: %s absent, expected \"%s\"", line, what, want);
	ck_assert_msg(b.len == strlen(want) && !memcmp(b.p, want, b.len),
		      "line %d: %s = \"%.*s\" (%u bytes), expected \"%s\"", line, what, (int)b.len,
		      b.p, b.len, want);
}

/* err holds code and a message containing each of the NULL-terminated facts (has_fact). */
#define CK_ERR(e, code, ...) ck_err((e), (code), __LINE__, __VA_ARGS__, (const char *)NULL)
static void ck_err(const struct ap_err *e, int code, int line, ...)
{
	const char *s;
	va_list ap;

	ck_assert_msg((int)e->code == code, "line %d: err code %d, expected %d (%s)", line,
		      (int)e->code, code, ap_err_text(e));
	va_start(ap, line);
	while ((s = va_arg(ap, const char *)))
		ck_assert_msg(ap_test_has_fact(e->msg.buf, s), "line %d: message \"%s\" lacks \"%s\"",
			      line, e->msg.buf, s);
	va_end(ap);
}

/* ---------------------------------------------------------------- framing */

START_TEST(test_framing_upstream_vector)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_upstream");
	struct ap_cursor c;
	struct ap_fwk_record rec;

	ck_assert_uint_eq(f.len, 56);
	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 50);
	ck_assert_uint_eq(rec.type, 1);
	ck_assert_uint_eq(c.pos, 56);
	NEXT_END(&c);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_framing_offsets)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_g3");
	struct ap_cursor c;
	struct ap_fwk_record rec;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 199);
	NEXT_OK(&c, &rec, 205, 96);
	ck_assert_uint_eq(rec.type, 1);
	NEXT_END(&c);
	NEXT_END(&c); /* stays at the end */
	ap_cursor_init(&c, NULL, 0);
	NEXT_END(&c);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_framing_err_untouched_on_success)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_g3");
	struct ap_err e = AP_ERR_INIT;
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_range r;

	ap_cursor_init(&c, f.p, f.len);
	ck_assert_int_eq(ap_fwk_next_record(&c, &rec, &e), 0);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, &e), 0);
	ck_assert_int_eq(e.code, AP_OK);
	ck_assert_uint_eq(e.msg.len, 0);
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

/* ---------------------------------------------------------------- framing errors */

START_TEST(test_framing_cut_header)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_cut_header");
	struct ap_err e = AP_ERR_INIT;
	struct ap_cursor c;
	struct ap_fwk_record rec;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 73);
	ck_assert_int_eq(ap_fwk_next_record(&c, &rec, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "offset 79", "header", "3", "6");
	ck_assert_uint_eq(c.pos, 79); /* cursor unchanged */
	ck_assert_int_eq(ap_fwk_next_record(&c, &rec, NULL), AP_EFORMAT); /* err may be NULL */
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_framing_len_past_eof)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_len_past_eof");
	struct ap_err e = AP_ERR_INIT;
	struct ap_cursor c;
	struct ap_fwk_record rec;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 73);
	ck_assert_int_eq(ap_fwk_next_record(&c, &rec, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "offset 79", "200", "73");
	ck_assert_uint_eq(c.pos, 79);
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

/* Every prefix of a valid file: complete records decode, the cut one is an error naming its offset. */
START_TEST(test_framing_every_prefix)
{
	static const size_t ends[] = { 205, 307 };
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_g3");
	size_t cut;

	ck_assert_uint_eq(f.len, 307);
	for (cut = 0; cut <= f.len; cut++) {
		struct ap_err e = AP_ERR_INIT;
		struct ap_cursor c;
		struct ap_fwk_record rec;
		size_t n = 0, start;
		int r;

		ap_cursor_init(&c, f.p, cut);
		while ((r = ap_fwk_next_record(&c, &rec, &e)) == 0)
			n++;
		start = cut >= ends[0] ? ends[0] : 0;
		ck_assert_msg(n == (size_t)(cut >= ends[0]) + (cut >= ends[1]), "cut %zu: %zu records",
			      cut, n);
		if (cut == 0 || cut == ends[0] || cut == ends[1]) {
			ck_assert_int_eq(r, AP_END);
		} else {
			char want[32];

			ck_assert_int_eq(r, AP_EFORMAT);
			snprintf(want, sizeof(want), "offset %zu", start);
			CK_ERR(&e, AP_EFORMAT, want);
			ck_assert_uint_eq(c.pos, start);
		}
		ap_err_release(&e);
	}
	ap_test_fx_free(&f);
}
END_TEST

/* ---------------------------------------------------------------- op_range */

START_TEST(test_op_range_g3)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_g3");
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_range r;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 199);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, NULL), 0);
	ck_assert_int_eq(r.start, 1000);
	ck_assert_int_eq(r.end, 2500);
	ck_assert_int_eq(r.seq, 7);
	ck_assert_uint_eq(r.pid, 4242);
	ck_assert_uint_eq(r.tid, 4243);
	ck_assert_uint_eq(r.end_tid, 4244);
	ck_assert_uint_eq(r.fwd_tid, 0);
	ck_assert_uint_eq(r.scope, 0);
	ck_assert_uint_eq(r.is_async, 0);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::add");
	CK_BYTES(r.f[AP_OPF_INPUT_TYPE], "float;float;Scalar");
	CK_BYTES(r.f[AP_OPF_INPUT_DIMS], "2,3;2,3;");
	CK_BYTES(r.f[AP_OPF_INPUT_TENSORS], NULL);
	CK_BYTES(r.f[AP_OPF_INPUT_TENSORLISTS], NULL);
	CK_BYTES(r.f[AP_OPF_INPUT_SCALARS], NULL);
	CK_BYTES(r.f[AP_OPF_CALL_STACK], "train.py(12): step;model.py(40): forward");
	CK_BYTES(r.f[AP_OPF_MODULE], "nn.Module: Net_0;nn.Module: Linear_1");
	CK_BYTES(r.f[AP_OPF_FLOPS], NULL);
	ck_assert_uint_eq(r.unknown_field, 0);

	NEXT_OK(&c, &rec, 205, 96);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, NULL), 0);
	ck_assert_int_eq(r.start, 1732600000123456789LL);
	ck_assert_int_eq(r.end, 1732600000123459999LL);
	ck_assert_int_eq(r.seq, -1);
	ck_assert_uint_eq(r.pid, 4242);
	ck_assert_uint_eq(r.tid, 4299);
	ck_assert_uint_eq(r.end_tid, 4300);
	ck_assert_uint_eq(r.fwd_tid, 4243);
	ck_assert_uint_eq(r.scope, 7);
	ck_assert_uint_eq(r.is_async, 1);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::ones");
	CK_BYTES(r.f[AP_OPF_INPUT_TYPE], "ScalarList");
	CK_BYTES(r.f[AP_OPF_INPUT_DIMS], ""); /* present, empty */
	CK_BYTES(r.f[AP_OPF_CALL_STACK], NULL);
	CK_BYTES(r.f[AP_OPF_MODULE], NULL);
	ck_assert_uint_eq(r.unknown_field, 0);
	NEXT_END(&c);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_op_range_g2)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_g2");
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_range r;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 92);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN2, &r, NULL), 0);
	ck_assert_int_eq(r.start, 100);
	ck_assert_int_eq(r.end, 200);
	ck_assert_int_eq(r.seq, 5);
	ck_assert_uint_eq(r.pid, 10);
	ck_assert_uint_eq(r.tid, 11);
	ck_assert_uint_eq(r.end_tid, 12);
	ck_assert_uint_eq(r.fwd_tid, 0);
	ck_assert_uint_eq(r.scope, 0);
	ck_assert_uint_eq(r.is_async, 0);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::matmul");
	CK_BYTES(r.f[AP_OPF_CALL_STACK], "a.py(1): f");
	CK_BYTES(r.f[AP_OPF_INPUT_TYPE], NULL);
	CK_BYTES(r.f[AP_OPF_MODULE], NULL);
	ck_assert_uint_eq(r.unknown_field, 0);

	NEXT_OK(&c, &rec, 98, 126);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN2, &r, NULL), 0);
	ck_assert_int_eq(r.start, 300);
	ck_assert_int_eq(r.end, 450);
	ck_assert_int_eq(r.seq, 6);
	ck_assert_uint_eq(r.end_tid, 11);
	ck_assert_uint_eq(r.scope, 2);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::add_");
	CK_BYTES(r.f[AP_OPF_INPUT_TENSORS], "1;2;float;4;2,3;3,1;20;0");
	CK_BYTES(r.f[AP_OPF_CALL_STACK], NULL); /* id 6 is the stack only in G1 */
	CK_BYTES(r.f[AP_OPF_MODULE], "nn.Module: Net_0");
	ck_assert_uint_eq(r.unknown_field, 0);
	NEXT_END(&c);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_op_range_g1)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_g1");
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_range r;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 113);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN1, &r, NULL), 0);
	ck_assert_int_eq(r.start, 300);
	ck_assert_int_eq(r.end, 400);
	ck_assert_int_eq(r.seq, 9);
	ck_assert_uint_eq(r.pid, 20);
	ck_assert_uint_eq(r.tid, 21);
	ck_assert_uint_eq(r.end_tid, 22);
	ck_assert_uint_eq(r.fwd_tid, 0);
	ck_assert_uint_eq(r.scope, 0);    /* G1 has no scope byte */
	ck_assert_uint_eq(r.is_async, 1); /* at offset 56 */
	CK_BYTES(r.f[AP_OPF_NAME], "aten::conv2d");
	CK_BYTES(r.f[AP_OPF_CALL_STACK], "b.py(2): g");
	CK_BYTES(r.f[AP_OPF_MODULE], "nn.Module: Net_0");
	CK_BYTES(r.f[AP_OPF_INPUT_TENSORS], NULL);
	CK_BYTES(r.f[AP_OPF_INPUT_SCALARS], NULL);
	ck_assert_uint_eq(r.unknown_field, 0);

	NEXT_OK(&c, &rec, 119, 115);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN1, &r, NULL), 0);
	ck_assert_int_eq(r.start, 500);
	ck_assert_int_eq(r.end, 650);
	ck_assert_int_eq(r.seq, -1);
	ck_assert_uint_eq(r.is_async, 0);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::mm");
	CK_BYTES(r.f[AP_OPF_FLOPS], "flops:12");
	CK_BYTES(r.f[AP_OPF_CALL_STACK], NULL); /* id 8 is the stack only in G2/G3 */
	CK_BYTES(r.f[AP_OPF_INPUT_TYPE], "float;float");
	CK_BYTES(r.f[AP_OPF_INPUT_DIMS], "2,3;3,4");
	ck_assert_uint_eq(r.unknown_field, 0);
	NEXT_END(&c);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_op_range_unknown_tlv)
{
	static const struct { size_t off; const char *name; uint16_t unknown; } want[] = {
		{ 0, "aten::add", 30 }, { 86, "aten::mul", 11 }, { 173, "aten::sub", 0 },
	};
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_unknown_tlv");
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_range r;
	size_t i;

	ap_cursor_init(&c, f.p, f.len);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(ap_fwk_next_record(&c, &rec, NULL), 0);
		ck_assert_uint_eq(rec.offset, want[i].off);
		ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, NULL),
				 0);
		CK_BYTES(r.f[AP_OPF_NAME], want[i].name);
		ck_assert_uint_eq(r.unknown_field, want[i].unknown);
	}
	NEXT_END(&c);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_op_range_bad_utf8_kept_raw)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_bad_utf8");
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_range r;

	/* The decoder borrows bytes; "N/A" is the loader's business. */
	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 83);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, NULL), 0);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::\xff\xfe");
	CK_BYTES(r.f[AP_OPF_INPUT_TYPE], "float");
	NEXT_OK(&c, &rec, 89, 90);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, NULL), 0);
	CK_BYTES(r.f[AP_OPF_CALL_STACK], "a.py(1): \xc0\xaf");
	NEXT_OK(&c, &rec, 185, 73);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, NULL), 0);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::\xe6\x97\xa5");
	NEXT_END(&c);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_op_range_field_errors)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_field_past_end");
	struct ap_err e = AP_ERR_INIT;
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_range r;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 73);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, &e), 0);
	NEXT_OK(&c, &rec, 79, 73);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, &e),
			 AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "payload offset 58", "field 2", "100", "9");
	NEXT_OK(&c, &rec, 158, 61);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, &e),
			 AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "payload offset 58", "header", "3");
	NEXT_OK(&c, &rec, 225, 73);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, NULL), 0);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::sub");
	NEXT_END(&c);
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_op_range_short_fixed)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_short_fixed");
	struct ap_err e = AP_ERR_INIT;
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_range r;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 40);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, &e),
			 AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "40 bytes", "58");
	/* 57 bytes pass as G1 (no TLV) but not as G2/G3 */
	ck_assert_int_eq(ap_fwk_decode_op_range(f.p + 85, 57, AP_FWK_GEN2, &r, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "57 bytes", "58");
	ck_assert_int_eq(ap_fwk_decode_op_range(f.p + 52, 57, AP_FWK_GEN1, &r, &e), 0);
	ck_assert_int_eq(ap_fwk_decode_op_range(f.p + 52, 56, AP_FWK_GEN1, &r, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "56 bytes", "57");
	NEXT_OK(&c, &rec, 46, 73);
	ck_assert_int_eq(ap_fwk_decode_op_range(rec.payload, rec.len, AP_FWK_GEN3, &r, NULL), 0);
	ck_assert_int_eq(r.start, 70);
	CK_BYTES(r.f[AP_OPF_NAME], "aten::sub");
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

/* ---------------------------------------------------------------- op_mark */

START_TEST(test_op_mark_upstream_g3)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_upstream");
	struct ap_fwk_op_mark m;

	ck_assert_int_eq(ap_fwk_decode_op_mark(f.p + 6, 50, AP_FWK_GEN3, &m, NULL), 0);
	ck_assert_int_eq(m.time, 111);
	ck_assert_uint_eq(m.category, 2);
	ck_assert_uint_eq(m.corr, 333);
	ck_assert_uint_eq(m.tid, 444);
	ck_assert_uint_eq(m.pid, 555);
	CK_BYTES(m.name, "test");
	ck_assert_uint_eq(m.unknown_field, 0);
	/* the same bytes in the old numbering: field 1 means nothing */
	ck_assert_int_eq(ap_fwk_decode_op_mark(f.p + 6, 50, AP_FWK_GEN2, &m, NULL), 0);
	CK_BYTES(m.name, NULL);
	ck_assert_uint_eq(m.unknown_field, 1);
	ck_assert_uint_eq(m.corr, 333);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_op_mark_g2)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_g2");
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_op_mark m;
	int gen;

	for (gen = AP_FWK_GEN1; gen <= AP_FWK_GEN2; gen++) {
		ap_cursor_init(&c, f.p, f.len);
		NEXT_OK(&c, &rec, 0, 50);
		ck_assert_int_eq(ap_fwk_decode_op_mark(rec.payload, rec.len, (enum ap_fwk_gen)gen, &m,
						       NULL), 0);
		ck_assert_int_eq(m.time, 111);
		ck_assert_uint_eq(m.category, 2);
		ck_assert_uint_eq(m.corr, 333);
		ck_assert_uint_eq(m.tid, 444);
		ck_assert_uint_eq(m.pid, 555);
		CK_BYTES(m.name, "test");
		ck_assert_uint_eq(m.unknown_field, 0);
		NEXT_OK(&c, &rec, 56, 54);
		ck_assert_int_eq(ap_fwk_decode_op_mark(rec.payload, rec.len, (enum ap_fwk_gen)gen, &m,
						       NULL), 0);
		ck_assert_int_eq(m.time, 100);
		ck_assert_uint_eq(m.category, 0);
		ck_assert_uint_eq(m.corr, 0);
		CK_BYTES(m.name, "aclnnAdd");
		NEXT_END(&c);
	}
	ck_assert_int_eq(ap_fwk_decode_op_mark(f.p + 6, 50, AP_FWK_GEN3, &m, NULL), 0);
	CK_BYTES(m.name, NULL);
	ck_assert_uint_eq(m.unknown_field, 2);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_op_mark_short_fixed)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_upstream");
	struct ap_err e = AP_ERR_INIT;
	struct ap_fwk_op_mark m;

	ck_assert_int_eq(ap_fwk_decode_op_mark(f.p + 6, 39, AP_FWK_GEN3, &m, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "39 bytes", "40");
	/* exactly the fixed part: no name */
	ck_assert_int_eq(ap_fwk_decode_op_mark(f.p + 6, 40, AP_FWK_GEN3, &m, &e), 0);
	CK_BYTES(m.name, NULL);
	/* the fixed part plus half a field header */
	ck_assert_int_eq(ap_fwk_decode_op_mark(f.p + 6, 43, AP_FWK_GEN3, &m, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "payload offset 40", "header", "3");
	/* the value cut short by one byte */
	ck_assert_int_eq(ap_fwk_decode_op_mark(f.p + 6, 49, AP_FWK_GEN3, &m, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "payload offset 40", "field 1", "4", "3");
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

/* ---------------------------------------------------------------- memory */

START_TEST(test_memory_58)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_memory_58");
	struct ap_fwk_memory m;

	ck_assert_uint_eq(ap_le32(f.p + 2), 58);
	ck_assert_int_eq(ap_fwk_decode_memory(f.p + 6, 58, &m, NULL), 0);
	ck_assert_int_eq(m.ptr, 0x12c0a0000000LL);
	ck_assert_int_eq(m.time, 5000);
	ck_assert_int_eq(m.alloc_size, 512);
	ck_assert_int_eq(m.total_alloc, 1536);
	ck_assert_int_eq(m.total_reserved, 2097152);
	ck_assert_int_eq(m.total_active, 0);
	ck_assert_int_eq(m.stream, 0);
	ck_assert_int_eq(m.device_type, AP_FWK_DEVICE_NPU);
	ck_assert_int_eq(m.device_index, 3);
	ck_assert_uint_eq(m.component, 0);
	ck_assert_uint_eq(m.data_type, 0);
	ck_assert_uint_eq(m.allocator, 0);
	ck_assert_uint_eq(m.tid, 777);
	ck_assert_uint_eq(m.pid, 4242);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_memory_75)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_memory_75");
	struct ap_fwk_memory m;

	ck_assert_int_eq(ap_fwk_decode_memory(f.p + 6, 75, &m, NULL), 0);
	ck_assert_int_eq(m.ptr, 0x12c0a0000200LL);
	ck_assert_int_eq(m.time, 6000);
	ck_assert_int_eq(m.alloc_size, -512);
	ck_assert_int_eq(m.total_alloc, 1024);
	ck_assert_int_eq(m.total_reserved, 2097152);
	ck_assert_int_eq(m.total_active, 1024);
	ck_assert_int_eq(m.stream, 3);
	ck_assert_int_eq(m.device_type, 20);
	ck_assert_int_eq(m.device_index, 3);
	ck_assert_uint_eq(m.component, 0);
	ck_assert_uint_eq(m.data_type, 1);
	ck_assert_uint_eq(m.allocator, 0);
	ck_assert_uint_eq(m.tid, 777);
	ck_assert_uint_eq(m.pid, 4242);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_memory_76)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_memory_76");
	struct ap_fwk_memory m;

	ck_assert_int_eq(ap_fwk_decode_memory(f.p + 6, 76, &m, NULL), 0);
	ck_assert_int_eq(m.ptr, 4096);
	ck_assert_int_eq(m.time, 7000);
	ck_assert_int_eq(m.alloc_size, 256);
	ck_assert_int_eq(m.total_alloc, 256);
	ck_assert_int_eq(m.total_reserved, 0);
	ck_assert_int_eq(m.total_active, 0);
	ck_assert_int_eq(m.stream, -1);
	ck_assert_int_eq(m.device_type, 0);
	ck_assert_int_eq(m.device_index, -1);
	ck_assert_uint_eq(m.component, 0);
	ck_assert_uint_eq(m.data_type, 2);
	ck_assert_uint_eq(m.allocator, 1);
	ck_assert_uint_eq(m.tid, 888);
	ck_assert_uint_eq(m.pid, 4242);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_memory_77)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_memory_77");
	struct ap_fwk_memory m;

	ck_assert_int_eq(ap_fwk_decode_memory(f.p + 6, 77, &m, NULL), 0);
	ck_assert_int_eq(m.ptr, 0x12c0a0000400LL);
	ck_assert_int_eq(m.time, 8000);
	ck_assert_int_eq(m.alloc_size, 4194304);
	ck_assert_int_eq(m.total_alloc, 5242880);
	ck_assert_int_eq(m.total_reserved, 8388608);
	ck_assert_int_eq(m.total_active, 4194304);
	ck_assert_int_eq(m.stream, 5);
	ck_assert_int_eq(m.device_type, 20);
	ck_assert_int_eq(m.device_index, 1);
	ck_assert_uint_eq(m.component, 1);
	ck_assert_uint_eq(m.data_type, 0);
	ck_assert_uint_eq(m.allocator, 0);
	ck_assert_uint_eq(m.tid, 999);
	ck_assert_uint_eq(m.pid, 4242);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_memory_bad_len)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_memory_bad_len");
	struct ap_err e = AP_ERR_INIT;
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_memory m;
	static const size_t bad[] = { 0, 57, 59, 74, 78, 60 };
	size_t i;

	ap_cursor_init(&c, f.p, f.len);
	NEXT_OK(&c, &rec, 0, 60);
	ck_assert_int_eq(ap_fwk_decode_memory(rec.payload, rec.len, &m, &e), AP_EUNSUPPORTED);
	CK_ERR(&e, AP_EUNSUPPORTED, "60 bytes");
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		ck_assert_int_eq(ap_fwk_decode_memory(rec.payload, bad[i], &m, &e), AP_EUNSUPPORTED);
		ck_assert_int_eq(e.code, AP_EUNSUPPORTED);
	}
	NEXT_OK(&c, &rec, 66, 77);
	ck_assert_int_eq(ap_fwk_decode_memory(rec.payload, rec.len, &m, &e), 0);
	ck_assert_int_eq(m.time, 8000);
	NEXT_END(&c);
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

/* ---------------------------------------------------------------- python tracer, gc, params */

START_TEST(test_tracer_func)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_tracer_func");
	struct ap_fwk_tracer_func t;

	ck_assert_uint_eq(f.len, 2 * AP_FWK_TRACER_FUNC_SIZE);
	ap_fwk_decode_tracer_func(f.p, &t);
	ck_assert_uint_eq(t.ts, 1000);
	ck_assert_uint_eq(t.tid, 11);
	ck_assert_uint_eq(t.pid, 22);
	ck_assert_uint_eq(t.key, 0x9e3779b97f4a7c15ULL);
	ck_assert_uint_eq(t.tag, 0);
	ap_fwk_decode_tracer_func(f.p + 33, &t);
	ck_assert_uint_eq(t.ts, 2000);
	ck_assert_uint_eq(t.tid, 11);
	ck_assert_uint_eq(t.pid, 22);
	ck_assert_uint_eq(t.key, 0x1111);
	ck_assert_uint_eq(t.tag, 1);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_gc)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_gc_record");
	struct ap_fwk_gc g;

	ck_assert_uint_eq(f.len, 2 * AP_FWK_GC_SIZE);
	ap_fwk_decode_gc(f.p, &g);
	ck_assert_uint_eq(g.pid, 4242);
	ck_assert_uint_eq(g.start, 100);
	ck_assert_uint_eq(g.end, 350);
	ap_fwk_decode_gc(f.p + 24, &g);
	ck_assert_uint_eq(g.pid, 4242);
	ck_assert_uint_eq(g.start, 9000);
	ck_assert_uint_eq(g.end, 9100);
	ap_test_fx_free(&f);
}
END_TEST

static void check_hash_file(const char *fixture, enum ap_fwk_gen gen, uint16_t rtype)
{
	static const struct { size_t off; uint32_t len; uint64_t key; const char *v; } want[] = {
		{ 0, 32, 0x9e3779b97f4a7c15ULL, "train.py(12): step" },
		{ 38, 53, 0x1111, "__torch_npu_profiler_python_tracer_exit" },
	};
	struct ap_test_fx f = ap_test_fx_load(fixture);
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_fwk_keyed k;
	size_t i;

	ap_cursor_init(&c, f.p, f.len);
	for (i = 0; i < 2; i++) {
		NEXT_OK(&c, &rec, want[i].off, want[i].len);
		ck_assert_uint_eq(rec.type, rtype);
		ck_assert_int_eq(ap_fwk_decode_tracer_hash(rec.payload, rec.len, gen, &k, NULL), 0);
		ck_assert_uint_eq(k.key, want[i].key);
		CK_BYTES(k.f[0], want[i].v);
		CK_BYTES(k.f[1], NULL);
		ck_assert_uint_eq(k.unknown_field, 0);
		/* the other numbering does not see the value */
		ck_assert_int_eq(ap_fwk_decode_tracer_hash(rec.payload, rec.len,
							   gen == AP_FWK_GEN3 ? AP_FWK_GEN2
									      : AP_FWK_GEN3,
							   &k, NULL), 0);
		CK_BYTES(k.f[0], NULL);
		ck_assert_uint_eq(k.unknown_field, gen == AP_FWK_GEN3 ? 1 : 2);
	}
	ap_test_fx_free(&f);
}

START_TEST(test_tracer_hash_g3)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_tracer_hash_g3");
	struct ap_fwk_keyed k;

	check_hash_file("fwk_tracer_hash_g3", AP_FWK_GEN3, 4);
	ck_assert_int_eq(ap_fwk_decode_tracer_hash(f.p + 103, 40, AP_FWK_GEN3, &k, NULL), 0);
	ck_assert_uint_eq(k.key, 0x2222);
	CK_BYTES(k.f[0], "Linear######0x7f3a2c1b0e50");
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_tracer_hash_g2)
{
	check_hash_file("fwk_tracer_hash_g2", AP_FWK_GEN2, 1);
}
END_TEST

START_TEST(test_tracer_hash_short)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_tracer_hash_g3");
	struct ap_err e = AP_ERR_INIT;
	struct ap_fwk_keyed k;

	ck_assert_int_eq(ap_fwk_decode_tracer_hash(f.p + 6, 7, AP_FWK_GEN3, &k, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "7 bytes", "8");
	ck_assert_int_eq(ap_fwk_decode_tracer_hash(f.p + 6, 31, AP_FWK_GEN3, &k, &e), AP_EFORMAT);
	CK_ERR(&e, AP_EFORMAT, "payload offset 8", "field 1", "18", "17");
	ap_err_release(&e);
	ap_test_fx_free(&f);
}
END_TEST

/* Several unknown fields in one record: the first is the one reported, and a known field after
 * them is still taken (op_mark and the keyed records share the field walk). */
START_TEST(test_first_unknown_field)
{
	static const uint8_t tlv[] = {
		9, 0, 2, 0, 0, 0, 'a', 'b',                 /* unknown 9 */
		1, 0, 4, 0, 0, 0, 'n', 'a', 'm', 'e',       /* G3 name / value */
		7, 0, 1, 0, 0, 0, 'c',                      /* unknown 7 */
	};
	uint8_t buf[AP_FWK_OP_MARK_FIXED + sizeof(tlv)];
	struct ap_fwk_keyed k;
	struct ap_fwk_op_mark m;

	memset(buf, 0, sizeof(buf));
	buf[0] = 0x77; /* key of the keyed record */
	memcpy(buf + AP_FWK_KEY_FIXED, tlv, sizeof(tlv));
	ck_assert_int_eq(ap_fwk_decode_tracer_hash(buf, AP_FWK_KEY_FIXED + sizeof(tlv),
						   AP_FWK_GEN3, &k, NULL), 0);
	ck_assert_uint_eq(k.key, 0x77);
	CK_BYTES(k.f[0], "name");
	ck_assert_uint_eq(k.unknown_field, 9);
	memset(buf, 0, sizeof(buf));
	memcpy(buf + AP_FWK_OP_MARK_FIXED, tlv, sizeof(tlv));
	ck_assert_int_eq(ap_fwk_decode_op_mark(buf, sizeof(buf), AP_FWK_GEN3, &m, NULL), 0);
	CK_BYTES(m.name, "name");
	ck_assert_uint_eq(m.unknown_field, 9);
}
END_TEST

START_TEST(test_param_tensor)
{
	static const char *const module = "weight)1;2;float;4;2,3;3,1;20;0)";
	static const char *const optim = "1;2;float;4;2,3;3,1;20;0))exp_avg>3;4;float;4;2,3;3,1;20;0]";
	struct ap_test_fx g3 = ap_test_fx_load("fwk_param_tensor_g3"), g2 = ap_test_fx_load("fwk_param_tensor_g2");
	struct ap_fwk_keyed k;

	/* G3: module 1, optimizer 2 */
	ck_assert_uint_eq(ap_le16(g3.p), 5);
	ck_assert_int_eq(ap_fwk_decode_param_tensor(g3.p + 6, 46, AP_FWK_GEN3, &k, NULL), 0);
	ck_assert_uint_eq(k.key, 0x5555);
	CK_BYTES(k.f[0], module);
	CK_BYTES(k.f[1], NULL);
	ck_assert_uint_eq(k.unknown_field, 0);
	ck_assert_int_eq(ap_fwk_decode_param_tensor(g3.p + 58, 73, AP_FWK_GEN3, &k, NULL), 0);
	ck_assert_uint_eq(k.key, 0x6666);
	CK_BYTES(k.f[0], NULL);
	CK_BYTES(k.f[1], optim);
	ck_assert_uint_eq(k.unknown_field, 0);
	/* G2: module 2, optimizer 3 */
	ck_assert_uint_eq(ap_le16(g2.p), 1);
	ck_assert_int_eq(ap_fwk_decode_param_tensor(g2.p + 6, 46, AP_FWK_GEN2, &k, NULL), 0);
	ck_assert_uint_eq(k.key, 0x5555);
	CK_BYTES(k.f[0], module);
	CK_BYTES(k.f[1], NULL);
	ck_assert_int_eq(ap_fwk_decode_param_tensor(g2.p + 58, 73, AP_FWK_GEN2, &k, NULL), 0);
	ck_assert_uint_eq(k.key, 0x6666);
	CK_BYTES(k.f[0], NULL);
	CK_BYTES(k.f[1], optim);
	/* the ids alone are ambiguous (§3.10): G2 bytes read as G3 */
	ck_assert_int_eq(ap_fwk_decode_param_tensor(g2.p + 6, 46, AP_FWK_GEN3, &k, NULL), 0);
	CK_BYTES(k.f[0], NULL);
	CK_BYTES(k.f[1], module);
	ck_assert_int_eq(ap_fwk_decode_param_tensor(g2.p + 58, 73, AP_FWK_GEN3, &k, NULL), 0);
	CK_BYTES(k.f[1], NULL);
	ck_assert_uint_eq(k.unknown_field, 3);
	ap_test_fx_free(&g3);
	ap_test_fx_free(&g2);
}
END_TEST

/* ---------------------------------------------------------------- generation detection */

static enum ap_fwk_gen first_gen(const char *fixture, int mark)
{
	struct ap_test_fx f = ap_test_fx_load(fixture);
	struct ap_cursor c;
	struct ap_fwk_record rec;
	enum ap_fwk_gen g;

	ap_cursor_init(&c, f.p, f.len);
	ck_assert_int_eq(ap_fwk_next_record(&c, &rec, NULL), 0);
	g = mark ? ap_fwk_detect_gen_mark(rec.payload, rec.len)
		 : ap_fwk_detect_gen(rec.payload, rec.len);
	ap_test_fx_free(&f);
	return g;
}

START_TEST(test_detect_op_range)
{
	ck_assert_int_eq(first_gen("fwk_op_range_g3", 0), AP_FWK_GEN3);
	ck_assert_int_eq(first_gen("fwk_op_range_g2", 0), AP_FWK_GEN2);
	ck_assert_int_eq(first_gen("fwk_op_range_g1", 0), AP_FWK_GEN1);
	ck_assert_int_eq(first_gen("fwk_op_range_unknown_tlv", 0), AP_FWK_GEN3);
	ck_assert_int_eq(first_gen("fwk_op_range_bad_utf8", 0), AP_FWK_GEN3);
	ck_assert_int_eq(first_gen("fwk_op_range_short_fixed", 0), AP_FWK_GEN_UNKNOWN);
}
END_TEST

START_TEST(test_detect_op_mark)
{
	ck_assert_int_eq(first_gen("fwk_op_mark_upstream", 1), AP_FWK_GEN3);
	ck_assert_int_eq(first_gen("fwk_op_mark_g2", 1), AP_FWK_GEN2);
	ck_assert_int_eq(first_gen("fwk_op_mark_bad_category", 1), AP_FWK_GEN3);
}
END_TEST

START_TEST(test_detect_implausible)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_range_g3");
	uint8_t buf[80];

	/* nothing after the fixed part */
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(ap_fwk_detect_gen(buf, 58), AP_FWK_GEN_UNKNOWN);
	ck_assert_int_eq(ap_fwk_detect_gen(NULL, 0), AP_FWK_GEN_UNKNOWN);
	ck_assert_int_eq(ap_fwk_detect_gen_mark(buf, 40), AP_FWK_GEN_UNKNOWN);
	/* a name TLV whose length does not fit the payload */
	ck_assert_int_eq(ap_fwk_detect_gen(f.p + 6, 64 + 8), AP_FWK_GEN_UNKNOWN);
	ck_assert_int_eq(ap_fwk_detect_gen(f.p + 6, 64 + 9), AP_FWK_GEN3);
	/* a field id that is no name in any numbering */
	memcpy(buf, f.p + 6, 73);
	buf[58] = 8;
	ck_assert_int_eq(ap_fwk_detect_gen(buf, 73), AP_FWK_GEN_UNKNOWN);
	buf[58] = 3; /* old numbering, 58-byte fixed part */
	ck_assert_int_eq(ap_fwk_detect_gen(buf, 73), AP_FWK_GEN2);
	ap_test_fx_free(&f);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *fwk_suite(void)
{
	Suite *s = suite_create("fwk");
	TCase *tc;

	tc = tcase_create("framing");
	tcase_add_test(tc, test_framing_upstream_vector);
	tcase_add_test(tc, test_framing_offsets);
	tcase_add_test(tc, test_framing_err_untouched_on_success);
	suite_add_tcase(s, tc);

	tc = tcase_create("framing errors");
	tcase_add_test(tc, test_framing_cut_header);
	tcase_add_test(tc, test_framing_len_past_eof);
	tcase_add_test(tc, test_framing_every_prefix);
	suite_add_tcase(s, tc);

	tc = tcase_create("op_range");
	tcase_add_test(tc, test_op_range_g3);
	tcase_add_test(tc, test_op_range_g2);
	tcase_add_test(tc, test_op_range_g1);
	tcase_add_test(tc, test_op_range_unknown_tlv);
	tcase_add_test(tc, test_op_range_bad_utf8_kept_raw);
	tcase_add_test(tc, test_op_range_field_errors);
	tcase_add_test(tc, test_op_range_short_fixed);
	suite_add_tcase(s, tc);

	tc = tcase_create("op_mark");
	tcase_add_test(tc, test_op_mark_upstream_g3);
	tcase_add_test(tc, test_op_mark_g2);
	tcase_add_test(tc, test_op_mark_short_fixed);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_test(tc, test_memory_58);
	tcase_add_test(tc, test_memory_75);
	tcase_add_test(tc, test_memory_76);
	tcase_add_test(tc, test_memory_77);
	tcase_add_test(tc, test_memory_bad_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("python tracer");
	tcase_add_test(tc, test_tracer_func);
	tcase_add_test(tc, test_tracer_hash_g3);
	tcase_add_test(tc, test_tracer_hash_g2);
	tcase_add_test(tc, test_tracer_hash_short);
	tcase_add_test(tc, test_first_unknown_field);
	suite_add_tcase(s, tc);

	tc = tcase_create("param_tensor");
	tcase_add_test(tc, test_param_tensor);
	suite_add_tcase(s, tc);

	tc = tcase_create("gc");
	tcase_add_test(tc, test_gc);
	suite_add_tcase(s, tc);

	tc = tcase_create("generation detection");
	tcase_add_test(tc, test_detect_op_range);
	tcase_add_test(tc, test_detect_op_mark);
	tcase_add_test(tc, test_detect_implausible);
	suite_add_tcase(s, tc);

	suite_add_tcase(s, ap_test_fwk_loader_tcase());
	return s;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	ap_test_fixtures_dir = argc > 1 ? argv[1] : getenv("AP_FIXTURES_DIR");
	if (!ap_test_fixtures_dir || !*ap_test_fixtures_dir) {
		fprintf(stderr, "test_fwk: no fixtures: pass the directory of the converted fixtures or set AP_FIXTURES_DIR\n");
		return 99;
	}
	sr = srunner_create(fwk_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
