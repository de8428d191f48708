/* torch_npu FRAMEWORK binary records (spec torch_npu_ascend_pt.md §3): pure decoders from
 * bytes to records, with no I/O and no allocation. Strings are borrowed from the input. */
#ifndef AP_FWK_H
#define AP_FWK_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cursor.h"
#include "ap/err.h"

/* Writer generations, §3.10. */
enum ap_fwk_gen {
	AP_FWK_GEN_UNKNOWN = 0,
	AP_FWK_GEN1 = 1, /* 5.0.x .. 6.0.rc2: op_range 57 B fixed, name TLV 3 */
	AP_FWK_GEN2 = 2, /* 6.0.rc3 line: 58 B, name TLV 3 */
	AP_FWK_GEN3 = 3, /* 6.0.0 and later: 58 B, name TLV 2 */
};

#define AP_FWK_TLV_HDR 6             /* u16 type + u32 length, §3.2 */
#define AP_FWK_OP_RANGE_FIXED_G1 57  /* §3.10 */
#define AP_FWK_OP_RANGE_FIXED 58     /* §3.3 */
#define AP_FWK_OP_MARK_FIXED 40      /* §3.4 */
#define AP_FWK_TRACER_FUNC_SIZE 33   /* §3.6 */
#define AP_FWK_KEY_FIXED 8           /* §3.7, §3.8: u64 key */
#define AP_FWK_GC_SIZE 24            /* §3.9 */
#define AP_FWK_DEVICE_NPU 20         /* memory device_type PrivateUse1, §3.5 */

/* A borrowed byte string; p == NULL means the field was absent. */
struct ap_bytes {
	const char *p;
	uint32_t len;
};

/* One record of a TLV container file: u16 type, u32 length, payload (§3.2). */
struct ap_fwk_record {
	uint16_t type;
	uint32_t len;
	const uint8_t *payload;
	size_t offset; /* of the record header in the file */
};

/* Checks the framing of the record whose header starts at p, at file offset off: avail bytes
 * are at p, and the file holds file_left bytes from p on (avail >= file_left when everything
 * is in memory). Returns 0 with *len, the payload length, when the header is whole and the
 * payload ends inside the file; else AP_EFORMAT with err naming the offset. */
int ap_fwk_frame(const uint8_t *p, size_t avail, uint64_t off, uint64_t file_left, uint32_t *len,
		 struct ap_err *err);
/* Reads the next record. Returns 0, AP_END at the clean end of the data, or AP_EFORMAT
 * when the header or payload is cut off (err names the offset; the cursor is unchanged). */
int ap_fwk_next_record(struct ap_cursor *c, struct ap_fwk_record *rec, struct ap_err *err);

/* op_range TLV fields, by meaning (ids differ per generation, §3.3/§3.10). */
enum ap_op_field {
	AP_OPF_NAME,
	AP_OPF_INPUT_TYPE,
	AP_OPF_INPUT_DIMS,
	AP_OPF_INPUT_TENSORS,
	AP_OPF_INPUT_TENSORLISTS,
	AP_OPF_INPUT_SCALARS,
	AP_OPF_CALL_STACK,
	AP_OPF_MODULE,
	AP_OPF_FLOPS,
	AP_OPF_COUNT
};

struct ap_fwk_op_range {
	int64_t start, end, seq;
	uint64_t pid, tid, end_tid, fwd_tid;
	uint8_t scope, is_async;
	struct ap_bytes f[AP_OPF_COUNT];
	uint16_t unknown_field; /* first TLV id of no known meaning, 0 if none */
};

struct ap_fwk_op_mark {
	int64_t time;
	uint64_t category, corr, tid, pid;
	struct ap_bytes name;
	uint16_t unknown_field;
};

struct ap_fwk_memory {
	int64_t ptr, time, alloc_size, total_alloc, total_reserved, total_active, stream;
	int8_t device_type, device_index;
	uint8_t component, data_type, allocator;
	uint64_t tid, pid;
};

struct ap_fwk_tracer_func {
	uint64_t ts, tid, pid, key;
	uint8_t tag; /* 0 Py call, 1 Py return, 2 C call, 3 C return */
};

struct ap_fwk_keyed {            /* python_tracer_hash and param_tensor_info */
	uint64_t key;
	struct ap_bytes f[2];    /* hash: f[0] value; param: f[0] module, f[1] optimizer */
	uint16_t unknown_field;
};

struct ap_fwk_gc {
	uint64_t pid, start, end;
};

/* Generation from the payload of the first op_range record, or GEN_UNKNOWN. */
enum ap_fwk_gen ap_fwk_detect_gen(const uint8_t *payload, size_t len);
/* Numbering from the first op_mark payload (only when no op_range exists): GEN2 for the
 * old numbering (name id 2), GEN3 for the current one (id 1), else GEN_UNKNOWN. */
enum ap_fwk_gen ap_fwk_detect_gen_mark(const uint8_t *payload, size_t len);

/* Payload decoders. Each returns 0, or AP_EFORMAT (short fixed part, TLV cut off) or
 * AP_EUNSUPPORTED (memory record of an unknown size) with err naming the payload offset. */
int ap_fwk_decode_op_range(const uint8_t *p, size_t len, enum ap_fwk_gen gen,
			   struct ap_fwk_op_range *out, struct ap_err *err);
int ap_fwk_decode_op_mark(const uint8_t *p, size_t len, enum ap_fwk_gen gen,
			  struct ap_fwk_op_mark *out, struct ap_err *err);
int ap_fwk_decode_memory(const uint8_t *p, size_t len, struct ap_fwk_memory *out,
			 struct ap_err *err);
int ap_fwk_decode_tracer_hash(const uint8_t *p, size_t len, enum ap_fwk_gen gen,
			      struct ap_fwk_keyed *out, struct ap_err *err);
int ap_fwk_decode_param_tensor(const uint8_t *p, size_t len, enum ap_fwk_gen gen,
			       struct ap_fwk_keyed *out, struct ap_err *err);
/* Fixed-size records; p must hold AP_FWK_TRACER_FUNC_SIZE / AP_FWK_GC_SIZE bytes. */
void ap_fwk_decode_tracer_func(const uint8_t *p, struct ap_fwk_tracer_func *out);
void ap_fwk_decode_gc(const uint8_t *p, struct ap_fwk_gc *out);

#endif
