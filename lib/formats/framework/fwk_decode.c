/* Pure decoders of FRAMEWORK records (spec torch_npu_ascend_pt.md §3). */
#include <string.h>

#include "ap/fwk.h"
#include "../../base/banned.h"

int ap_fwk_frame(const uint8_t *p, size_t avail, uint64_t off, uint64_t file_left, uint32_t *len,
		 struct ap_err *err)
{
	uint32_t n;

	if (file_left < AP_FWK_TLV_HDR || avail < AP_FWK_TLV_HDR)
		return ap_err_set(err, AP_EFORMAT,
				  "offset %llu: record header cut off (%llu of %d bytes)",
				  (unsigned long long)off,
				  (unsigned long long)(file_left < avail ? file_left : avail),
				  AP_FWK_TLV_HDR);
	n = ap_le32(p + 2);
	if (n > file_left - AP_FWK_TLV_HDR)
		return ap_err_set(err, AP_EFORMAT,
				  "offset %llu: record length %u but only %llu bytes follow its header",
				  (unsigned long long)off, n,
				  (unsigned long long)(file_left - AP_FWK_TLV_HDR));
	*len = n;
	return 0;
}

int ap_fwk_next_record(struct ap_cursor *c, struct ap_fwk_record *rec, struct ap_err *err)
{
	size_t left = ap_cursor_left(c), off = c->pos;
	uint32_t len;

	if (left == 0)
		return AP_END;
	AP_FORWARD_IF_ERROR(ap_fwk_frame(c->p + off, left, off, left, &len, err));
	rec->type = ap_le16(c->p + off);
	rec->len = len;
	rec->payload = c->p + off + AP_FWK_TLV_HDR;
	rec->offset = off;
	c->pos = off + AP_FWK_TLV_HDR + len;
	return 0;
}

/* Walks the TLV fields after the fixed part; calls back per field. Returns 0 or AP_EFORMAT. */
typedef int (*tlv_fn)(void *ctx, uint16_t type, const uint8_t *v, uint32_t len);

static int walk_tlv(const uint8_t *p, size_t len, size_t fixed, tlv_fn fn, void *ctx,
		    struct ap_err *err)
{
	size_t pos = fixed;

	while (pos < len) {
		uint16_t type;
		uint32_t flen;

		if (len - pos < AP_FWK_TLV_HDR)
			return ap_err_set(err, AP_EFORMAT,
					  "payload offset %zu: field header cut off (%zu bytes left)",
					  pos, len - pos);
		type = ap_le16(p + pos);
		flen = ap_le32(p + pos + 2);
		if (flen > len - pos - AP_FWK_TLV_HDR)
			return ap_err_set(err, AP_EFORMAT,
					  "payload offset %zu: field %u length %u > %zu bytes left",
					  pos, type, flen, len - pos - AP_FWK_TLV_HDR);
		fn(ctx, type, p + pos + AP_FWK_TLV_HDR, flen);
		pos += AP_FWK_TLV_HDR + (size_t)flen;
	}
	return 0;
}

static struct ap_bytes bytes_of(const uint8_t *v, uint32_t len)
{
	struct ap_bytes b = { (const char *)v, len };

	return b;
}

/* TLV id -> field, per generation (§3.3, §3.10). -1: no meaning. */
static int op_field_of(enum ap_fwk_gen gen, uint16_t id)
{
	static const signed char g1[] = { -1, -1, -1, AP_OPF_NAME, AP_OPF_INPUT_TYPE,
					  AP_OPF_INPUT_DIMS, AP_OPF_CALL_STACK, AP_OPF_MODULE,
					  AP_OPF_FLOPS };
	static const signed char g2[] = { -1, -1, -1, AP_OPF_NAME, AP_OPF_INPUT_TYPE,
					  AP_OPF_INPUT_DIMS, AP_OPF_INPUT_TENSORS,
					  AP_OPF_INPUT_SCALARS, AP_OPF_CALL_STACK, AP_OPF_MODULE,
					  AP_OPF_FLOPS };
	static const signed char g3[] = { -1, -1, AP_OPF_NAME, AP_OPF_INPUT_TYPE,
					  AP_OPF_INPUT_DIMS, AP_OPF_INPUT_TENSORS,
					  AP_OPF_INPUT_TENSORLISTS, AP_OPF_INPUT_SCALARS,
					  AP_OPF_CALL_STACK, AP_OPF_MODULE, AP_OPF_FLOPS };
	const signed char *t = gen == AP_FWK_GEN1 ? g1 : gen == AP_FWK_GEN2 ? g2 : g3;
	size_t n = gen == AP_FWK_GEN1 ? sizeof(g1) : gen == AP_FWK_GEN2 ? sizeof(g2) : sizeof(g3);

	return id < n ? t[id] : -1;
}

struct op_ctx {
	struct ap_fwk_op_range *out;
	enum ap_fwk_gen gen;
};

static int op_field(void *vctx, uint16_t type, const uint8_t *v, uint32_t len)
{
	struct op_ctx *ctx = vctx;
	int f = op_field_of(ctx->gen, type);

	if (f < 0) {
		if (!ctx->out->unknown_field)
			ctx->out->unknown_field = type;
		return 0;
	}
	ctx->out->f[f] = bytes_of(v, len);
	return 0;
}

int ap_fwk_decode_op_range(const uint8_t *p, size_t len, enum ap_fwk_gen gen,
			   struct ap_fwk_op_range *out, struct ap_err *err)
{
	size_t fixed = gen == AP_FWK_GEN1 ? AP_FWK_OP_RANGE_FIXED_G1 : AP_FWK_OP_RANGE_FIXED;
	struct op_ctx ctx = { out, gen };
	struct ap_cursor c;

	AP_RETURN_ERROR_IF(len < fixed, err, AP_EFORMAT,
			   "op_range record of %zu bytes is shorter than its %zu-byte fixed part",
			   len, fixed);
	memset(out, 0, sizeof(*out));
	ap_cursor_init(&c, p, fixed);
	ap_cursor_i64(&c, &out->start);
	ap_cursor_i64(&c, &out->end);
	ap_cursor_i64(&c, &out->seq);
	ap_cursor_u64(&c, &out->pid);
	ap_cursor_u64(&c, &out->tid);
	ap_cursor_u64(&c, &out->end_tid);
	ap_cursor_u64(&c, &out->fwd_tid);
	if (gen != AP_FWK_GEN1)
		ap_cursor_u8(&c, &out->scope); /* G1 has no scope byte (§3.10) */
	ap_cursor_u8(&c, &out->is_async);
	return walk_tlv(p, len, fixed, op_field, &ctx, err);
}

/* G1 and G2 writers used the old TLV numbering (§3.10); anything else reads as current. */
static int old_numbering(enum ap_fwk_gen gen)
{
	return gen == AP_FWK_GEN1 || gen == AP_FWK_GEN2;
}

struct one_ctx {
	struct ap_bytes *f;
	uint16_t ids[2];
	uint16_t *unknown;
};

static int one_field(void *vctx, uint16_t type, const uint8_t *v, uint32_t len)
{
	struct one_ctx *ctx = vctx;

	if (type == ctx->ids[0])
		ctx->f[0] = bytes_of(v, len);
	else if (ctx->ids[1] && type == ctx->ids[1])
		ctx->f[1] = bytes_of(v, len);
	else if (!*ctx->unknown)
		*ctx->unknown = type;
	return 0;
}

int ap_fwk_decode_op_mark(const uint8_t *p, size_t len, enum ap_fwk_gen gen,
			  struct ap_fwk_op_mark *out, struct ap_err *err)
{
	struct one_ctx ctx = { &out->name, { old_numbering(gen) ? 2 : 1, 0 }, &out->unknown_field };
	struct ap_cursor c;

	AP_RETURN_ERROR_IF(len < AP_FWK_OP_MARK_FIXED, err, AP_EFORMAT,
			   "op_mark record of %zu bytes is shorter than its %d-byte fixed part",
			   len, AP_FWK_OP_MARK_FIXED);
	memset(out, 0, sizeof(*out));
	ap_cursor_init(&c, p, AP_FWK_OP_MARK_FIXED);
	ap_cursor_i64(&c, &out->time);
	ap_cursor_u64(&c, &out->category);
	ap_cursor_u64(&c, &out->corr);
	ap_cursor_u64(&c, &out->tid);
	ap_cursor_u64(&c, &out->pid);
	return walk_tlv(p, len, AP_FWK_OP_MARK_FIXED, one_field, &ctx, err);
}

int ap_fwk_decode_memory(const uint8_t *p, size_t len, struct ap_fwk_memory *out,
			 struct ap_err *err)
{
	struct ap_cursor c;
	uint8_t u8;

	/* The record length alone tells the layout (§3.5, §3.10): 58 (5.0.x), 75 (6.0.rc1),
	 * 76 (adds allocator_type), 77 (adds component_type). */
	AP_RETURN_ERROR_IF(len != 58 && len != 75 && len != 76 && len != 77, err,
			   AP_EUNSUPPORTED,
			   "memory record of %zu bytes matches no known layout (58, 75, 76, 77)",
			   len);
	memset(out, 0, sizeof(*out));
	ap_cursor_init(&c, p, len);
	ap_cursor_i64(&c, &out->ptr);
	ap_cursor_i64(&c, &out->time);
	ap_cursor_i64(&c, &out->alloc_size);
	ap_cursor_i64(&c, &out->total_alloc);
	ap_cursor_i64(&c, &out->total_reserved);
	if (len >= 75) {
		ap_cursor_i64(&c, &out->total_active);
		ap_cursor_i64(&c, &out->stream);
	}
	ap_cursor_u8(&c, &u8);
	out->device_type = (int8_t)u8;
	ap_cursor_u8(&c, &u8);
	out->device_index = (int8_t)u8;
	if (len == 77)
		ap_cursor_u8(&c, &out->component);
	if (len >= 75)
		ap_cursor_u8(&c, &out->data_type);
	if (len >= 76)
		ap_cursor_u8(&c, &out->allocator);
	ap_cursor_u64(&c, &out->tid);
	ap_cursor_u64(&c, &out->pid);
	return 0;
}

static int decode_keyed(const uint8_t *p, size_t len, const char *what, uint16_t id0,
			uint16_t id1, struct ap_fwk_keyed *out, struct ap_err *err)
{
	struct one_ctx ctx = { out->f, { id0, id1 }, &out->unknown_field };
	struct ap_cursor c;

	AP_RETURN_ERROR_IF(len < AP_FWK_KEY_FIXED, err, AP_EFORMAT,
			   "%s record of %zu bytes is shorter than its %d-byte fixed part", what,
			   len, AP_FWK_KEY_FIXED);
	memset(out, 0, sizeof(*out));
	ap_cursor_init(&c, p, AP_FWK_KEY_FIXED);
	ap_cursor_u64(&c, &out->key);
	return walk_tlv(p, len, AP_FWK_KEY_FIXED, one_field, &ctx, err);
}

int ap_fwk_decode_tracer_hash(const uint8_t *p, size_t len, enum ap_fwk_gen gen,
			      struct ap_fwk_keyed *out, struct ap_err *err)
{
	return decode_keyed(p, len, "python_tracer_hash", old_numbering(gen) ? 2 : 1, 0, out,
			    err);
}

int ap_fwk_decode_param_tensor(const uint8_t *p, size_t len, enum ap_fwk_gen gen,
			       struct ap_fwk_keyed *out, struct ap_err *err)
{
	return decode_keyed(p, len, "param_tensor_info", old_numbering(gen) ? 2 : 1,
			    old_numbering(gen) ? 3 : 2, out, err);
}

void ap_fwk_decode_tracer_func(const uint8_t *p, struct ap_fwk_tracer_func *out)
{
	struct ap_cursor c;

	ap_cursor_init(&c, p, AP_FWK_TRACER_FUNC_SIZE);
	ap_cursor_u64(&c, &out->ts);
	ap_cursor_u64(&c, &out->tid);
	ap_cursor_u64(&c, &out->pid);
	ap_cursor_u64(&c, &out->key);
	ap_cursor_u8(&c, &out->tag);
}

void ap_fwk_decode_gc(const uint8_t *p, struct ap_fwk_gc *out)
{
	struct ap_cursor c;

	ap_cursor_init(&c, p, AP_FWK_GC_SIZE);
	ap_cursor_u64(&c, &out->pid);
	ap_cursor_u64(&c, &out->start);
	ap_cursor_u64(&c, &out->end);
}

/* A name TLV header at off: the given id and a length that fits the payload. */
static int name_tlv_at(const uint8_t *p, size_t len, size_t off, uint16_t id)
{
	return len >= off + AP_FWK_TLV_HDR && ap_le16(p + off) == id &&
	       ap_le32(p + off + 2) <= len - off - AP_FWK_TLV_HDR;
}

enum ap_fwk_gen ap_fwk_detect_gen(const uint8_t *p, size_t len)
{
	if (name_tlv_at(p, len, AP_FWK_OP_RANGE_FIXED, 2))
		return AP_FWK_GEN3;
	if (name_tlv_at(p, len, AP_FWK_OP_RANGE_FIXED, 3))
		return AP_FWK_GEN2;
	if (name_tlv_at(p, len, AP_FWK_OP_RANGE_FIXED_G1, 3))
		return AP_FWK_GEN1;
	return AP_FWK_GEN_UNKNOWN;
}

enum ap_fwk_gen ap_fwk_detect_gen_mark(const uint8_t *p, size_t len)
{
	if (name_tlv_at(p, len, AP_FWK_OP_MARK_FIXED, 1))
		return AP_FWK_GEN3;
	if (name_tlv_at(p, len, AP_FWK_OP_MARK_FIXED, 2))
		return AP_FWK_GEN2;
	return AP_FWK_GEN_UNKNOWN;
}
