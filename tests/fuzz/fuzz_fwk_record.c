/*
 * fuzz_fwk_record.c — the pure FRAMEWORK decoders (lib/formats/framework/fwk_decode.c) on arbitrary
 * bytes: record framing over the whole input, then every payload decoder under every generation on
 * each framed payload and on the whole input taken as one payload; the fixed-size decoders on every
 * whole struct of the input. Payloads are copied into exactly-sized heap buffers, so a sanitizer sees
 * a decoder reading past its payload (not only past the input).
 *
 * Invariants checked beyond "no crash": framing moves strictly forward and stays in bounds; an error
 * sets err with the same code and a message naming an offset; borrowed strings lie inside the payload;
 * memory records decode exactly for the four known sizes.
 */
#include <stdlib.h>
#include <string.h>

#include "ap/err.h"
#include "ap/fwk.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

static void check_bytes(struct ap_bytes b, const uint8_t *p, size_t len)
{
	if (!b.p) {
		FUZZ_CHECK(b.len == 0);
		return;
	}
	FUZZ_CHECK((const uint8_t *)b.p >= p && (const uint8_t *)b.p + b.len <= p + len);
}

static void check_err(int r, const struct ap_err *e, const char *needle)
{
	if (r == 0)
		return;
	FUZZ_CHECK(r < 0);
	FUZZ_CHECK((int)e->code == r);
	FUZZ_CHECK(e->msg.len > 0);
	if (needle)
		FUZZ_CHECK(strstr(e->msg.buf, needle) != NULL);
}

static void decode_payload(const uint8_t *p, size_t len)
{
	static const enum ap_fwk_gen gens[] = { AP_FWK_GEN_UNKNOWN, AP_FWK_GEN1, AP_FWK_GEN2,
						AP_FWK_GEN3 };
	struct ap_err e = AP_ERR_INIT;
	struct ap_fwk_memory mem;
	enum ap_fwk_gen g;
	size_t i, k;
	int r;

	g = ap_fwk_detect_gen(p, len);
	FUZZ_CHECK(g >= AP_FWK_GEN_UNKNOWN && g <= AP_FWK_GEN3);
	g = ap_fwk_detect_gen_mark(p, len);
	FUZZ_CHECK(g == AP_FWK_GEN_UNKNOWN || g == AP_FWK_GEN2 || g == AP_FWK_GEN3);

	for (i = 0; i < sizeof(gens) / sizeof(*gens); i++) {
		struct ap_fwk_op_range op;
		struct ap_fwk_op_mark mk;
		struct ap_fwk_keyed kd;

		r = ap_fwk_decode_op_range(p, len, gens[i], &op, &e);
		check_err(r, &e, NULL);
		if (r == 0) {
			FUZZ_CHECK(len >= (gens[i] == AP_FWK_GEN1 ? AP_FWK_OP_RANGE_FIXED_G1
								  : AP_FWK_OP_RANGE_FIXED));
			for (k = 0; k < AP_OPF_COUNT; k++)
				check_bytes(op.f[k], p, len);
		} else {
			FUZZ_CHECK(r == AP_EFORMAT);
		}

		r = ap_fwk_decode_op_mark(p, len, gens[i], &mk, &e);
		check_err(r, &e, NULL);
		FUZZ_CHECK(r == 0 || r == AP_EFORMAT);
		if (r == 0)
			check_bytes(mk.name, p, len);

		r = ap_fwk_decode_tracer_hash(p, len, gens[i], &kd, &e);
		check_err(r, &e, NULL);
		FUZZ_CHECK(r == 0 || r == AP_EFORMAT);
		if (r == 0) {
			check_bytes(kd.f[0], p, len);
			FUZZ_CHECK(kd.f[1].p == NULL);
		}

		r = ap_fwk_decode_param_tensor(p, len, gens[i], &kd, &e);
		check_err(r, &e, NULL);
		FUZZ_CHECK(r == 0 || r == AP_EFORMAT);
		if (r == 0) {
			check_bytes(kd.f[0], p, len);
			check_bytes(kd.f[1], p, len);
		}
	}

	r = ap_fwk_decode_memory(p, len, &mem, &e);
	check_err(r, &e, NULL);
	FUZZ_CHECK((r == 0) == (len == 58 || len == 75 || len == 76 || len == 77));
	FUZZ_CHECK(r == 0 || r == AP_EUNSUPPORTED);
	ap_err_release(&e);
}

/* Decodes a copy of [p, p + len) that ends exactly where the payload ends. */
static void decode_copy(const uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return;
	if (len)
		memcpy(copy, p, len);
	decode_payload(len ? copy : NULL, len);
	free(copy);
}

static void decode_flat(const uint8_t *data, size_t size)
{
	uint8_t buf_f[AP_FWK_TRACER_FUNC_SIZE], buf_g[AP_FWK_GC_SIZE];
	size_t off;

	for (off = 0; off + AP_FWK_TRACER_FUNC_SIZE <= size; off += AP_FWK_TRACER_FUNC_SIZE) {
		struct ap_fwk_tracer_func t;

		memcpy(buf_f, data + off, sizeof(buf_f));
		ap_fwk_decode_tracer_func(buf_f, &t);
		FUZZ_CHECK(t.tag == buf_f[32]);
	}
	for (off = 0; off + AP_FWK_GC_SIZE <= size; off += AP_FWK_GC_SIZE) {
		struct ap_fwk_gc g;

		memcpy(buf_g, data + off, sizeof(buf_g));
		ap_fwk_decode_gc(buf_g, &g);
		FUZZ_CHECK(g.pid == ap_le64(buf_g));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ap_err e = AP_ERR_INIT;
	struct ap_cursor c;
	struct ap_fwk_record rec;
	size_t last = 0;
	int r;

	ap_cursor_init(&c, data, size);
	while ((r = ap_fwk_next_record(&c, &rec, &e)) == 0) {
		FUZZ_CHECK(rec.offset == last);
		FUZZ_CHECK(rec.payload == data + rec.offset + AP_FWK_TLV_HDR);
		FUZZ_CHECK(rec.offset + AP_FWK_TLV_HDR + (size_t)rec.len == c.pos);
		FUZZ_CHECK(c.pos <= size && c.pos > last);
		FUZZ_CHECK(rec.type == ap_le16(data + rec.offset));
		decode_copy(rec.payload, rec.len);
		last = c.pos;
	}
	if (r == AP_END) {
		FUZZ_CHECK(c.pos == size);
	} else {
		FUZZ_CHECK(r == AP_EFORMAT);
		FUZZ_CHECK(c.pos == last); /* cursor unchanged */
		check_err(r, &e, "offset ");
	}
	ap_err_release(&e);

	decode_copy(data, size);
	decode_flat(data, size);
	return 0;
}
