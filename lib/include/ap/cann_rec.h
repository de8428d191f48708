/* CANN host binary records (spec cann_prof_raw.md §2.2-§2.5): pure decoders from the bytes of
 * one record to the host model's entries, with no I/O and no allocation. Each takes the whole
 * record (header included) and its length, reads it through the bounded cursor, and returns 0,
 * or AP_EFORMAT with err (may be NULL: nothing is formatted then) naming the offset inside the
 * record: a record of the wrong size, a magic other than 0x5A5A, a dataLen past the payload, or
 * a count field past its array. */
#ifndef AP_CANN_REC_H
#define AP_CANN_REC_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cann_host.h"
#include "ap/err.h"

#define AP_CANN_MAGIC 0x5A5Au            /* MSPROF_DATA_HEAD_MAGIC_NUM, §2.2, App. A */
#define AP_CANN_EVENT_FLAG UINT64_MAX    /* u64 @24 of an MsprofEvent, §2.3 */
#define AP_CANN_API_SIZE 40u             /* MsprofApi / MsprofEvent, §2.3 */
#define AP_CANN_HDR_SIZE 24u             /* compact/additional header, §2.2 */
#define AP_CANN_COMPACT_SIZE 64u         /* §2.4 */
#define AP_CANN_COMPACT_PAYLOAD 40u      /* §2.4 */
#define AP_CANN_ADDITIONAL_SIZE 256u     /* §2.5 */
#define AP_CANN_ADDITIONAL_PAYLOAD 232u  /* §2.5 */
#define AP_CANN_TENSOR_MAX 5u            /* tensors in one tensor_info record, §2.5.1 */
#define AP_CANN_TENSOR_SIZE 44u          /* type, format, dtype, shape[8]: u32 each, §2.5.1 */
#define AP_CANN_SHAPE_LEN 8u             /* §2.5.1 */
#define AP_CANN_CTX_MAX 55u              /* ctxIds[55] of context_id_info, §2.5.2 */
#define AP_CANN_FUSION_MAX 8u            /* fusionOpId[8] of fusion_op_info, §2.5.3 */

/* task_track dataLen versions, §2.4.3. */
#define AP_CANN_TRACK_LEN_V0 16u  /* no kernel name */
#define AP_CANN_TRACK_LEN_V1 24u  /* + kernelName */
#define AP_CANN_TRACK_LEN_V2 40u  /* + extInfo */

/* Runtime-level (5000) record types, §2.1. */
#define AP_CANN_RT_MEMCPY_INFO 801u
#define AP_CANN_RT_TASK_TRACK 802u
#define AP_CANN_RT_CAPTURE_STREAM 803u
#define AP_CANN_RT_EXPAND_STREAM 804u
#define AP_CANN_RT_TASK_TRACK_V2 808u

/* The 24-byte header of compact and additional records, §2.2. */
struct ap_cann_hdr {
	uint16_t magic, level;
	uint32_t type, tid, data_len;
	uint64_t ts;
};

/* One record of api_event.data (§2.3), before event pairing. */
struct ap_cann_api_rec {
	uint16_t magic, level;
	uint32_t type, tid;
	uint32_t reserve;    /* MsprofApi reserve / MsprofEvent requestId */
	uint64_t begin;      /* beginTime / the event's timeStamp */
	uint64_t end;        /* endTime / AP_CANN_EVENT_FLAG */
	uint64_t item_id;
	int is_event;        /* end == AP_CANN_EVENT_FLAG */
};

/* tensor_info, one record (§2.5.1): num <= AP_CANN_TENSOR_MAX tensors. */
struct ap_cann_tensor_rec {
	uint64_t ts, op_name;
	uint32_t tid, num;
	struct ap_cann_tensor t[AP_CANN_TENSOR_MAX];
};

/* context_id_info, one record (§2.5.2): num <= AP_CANN_CTX_MAX ids. */
struct ap_cann_ctx_rec {
	uint64_t ts, op_name;
	uint32_t tid, num;
	uint16_t level;
	uint32_t ids[AP_CANN_CTX_MAX];
};

/* Header of a compact or additional record; p holds at least AP_CANN_HDR_SIZE bytes. */
void ap_cann_decode_hdr(const uint8_t *p, struct ap_cann_hdr *out);

/* api_event: len must be AP_CANN_API_SIZE. */
int ap_cann_decode_api(const uint8_t *p, size_t len, struct ap_cann_api_rec *out,
		       struct ap_err *err);

/* Compact records: len must be AP_CANN_COMPACT_SIZE; dataLen <= 40. ts and tid come from the
 * header. */
/* task_track (type 802) or task_track_v2 (808), by the header's type: dataLen below 16 is
 * AP_EFORMAT; kernel name when dataLen >= 24, extInfo when dataLen == 40. batch = flip, aging
 * = 0 (the loader sets it). */
int ap_cann_decode_track(const uint8_t *p, size_t len, struct ap_cann_track *out,
			 struct ap_err *err);
/* node_basic_info (§2.4.1); op_state 0 (the loader sets it from the file). */
int ap_cann_decode_node(const uint8_t *p, size_t len, struct ap_cann_node *out,
			struct ap_err *err);
int ap_cann_decode_node_attr(const uint8_t *p, size_t len, struct ap_cann_node_attr *out,
			     struct ap_err *err);
int ap_cann_decode_hccl_op(const uint8_t *p, size_t len, struct ap_cann_hccl_op *out,
			   struct ap_err *err);
int ap_cann_decode_memcpy(const uint8_t *p, size_t len, struct ap_cann_memcpy *out,
			  struct ap_err *err);
int ap_cann_decode_capture(const uint8_t *p, size_t len, struct ap_cann_capture *out,
			   struct ap_err *err);
/* expand_stream_spec (§2.4.5): *status = expandStatus. */
int ap_cann_decode_expand(const uint8_t *p, size_t len, uint8_t *status, struct ap_err *err);

/* Additional records: len must be AP_CANN_ADDITIONAL_SIZE; dataLen <= 232. */
/* tensor_info: tensorNum > 5 is AP_EFORMAT (never read past the record). */
int ap_cann_decode_tensor_info(const uint8_t *p, size_t len, struct ap_cann_tensor_rec *out,
			       struct ap_err *err);
/* context_id_info: ctxIdNum > 55 is AP_EFORMAT. */
int ap_cann_decode_ctx(const uint8_t *p, size_t len, struct ap_cann_ctx_rec *out,
		       struct ap_err *err);
int ap_cann_decode_hccl_info(const uint8_t *p, size_t len, struct ap_cann_hccl_info *out,
			     struct ap_err *err);
int ap_cann_decode_graph(const uint8_t *p, size_t len, struct ap_cann_graph *out,
			 struct ap_err *err);
/* fusion_op_info: fusionOpNum > 8 is AP_EFORMAT. */
int ap_cann_decode_fusion(const uint8_t *p, size_t len, struct ap_cann_fusion *out,
			  struct ap_err *err);

#endif
