/*
 * gen_prof_enc.c — one encoder per raw CANN record kind, written from ../shared/specs/cann_prof_raw.md (the
 * section is named at each), and the inverse of the device stream/task id decoding rules. Little-endian
 * throughout (§0.2). Each encoder appends exactly one record of its fixed size.
 */
#include <stdint.h>
#include <string.h>

#include "gen_prof.h"

static unsigned char *grow(struct ap_gen_buf *b, size_t n)
{
	ap_gen__buf_reserve(b, n);
	unsigned char *r = b->p + b->len;
	memset(r, 0, n);
	b->len += n;
	return r;
}

/* §2.2: magic 0x5A5A, level, type, threadId, dataLen, timeStamp. */
static void head(unsigned char *r, unsigned level, uint32_t type, uint32_t tid, uint32_t len, uint64_t ts)
{
	st_le(r, 0x5A5A, 2);
	st_le(r + 2, level, 2);
	st_le(r + 4, type, 4);
	st_le(r + 8, tid, 4);
	st_le(r + 12, len, 4);
	st_le(r + 16, ts, 8);
}

/* §2.3: magic, level, type, threadId, reserve/requestId @12, begin/timeStamp @16, end/flag @24, itemId @32. */
unsigned char *ap_gen__enc_api(struct ap_gen_buf *b, unsigned level, uint32_t type, uint32_t tid, uint32_t req,
			       uint64_t begin, uint64_t end, uint64_t item)
{
	unsigned char *r = grow(b, AP_GEN_API_SIZE);
	st_le(r, 0x5A5A, 2);
	st_le(r + 2, level, 2);
	st_le(r + 4, type, 4);
	st_le(r + 8, tid, 4);
	st_le(r + 12, req, 4);
	st_le(r + 16, begin, 8);
	st_le(r + 24, end, 8);
	st_le(r + 32, item, 8);
	return r;
}

unsigned char *ap_gen__enc_compact(struct ap_gen_buf *b, unsigned level, uint32_t type, uint32_t tid,
				   uint32_t data_len, uint64_t ts)
{
	unsigned char *r = grow(b, AP_GEN_COMPACT_SIZE);
	head(r, level, type, tid, data_len, ts);
	return r + 24;
}

unsigned char *ap_gen__enc_additional(struct ap_gen_buf *b, unsigned level, uint32_t type, uint32_t tid,
				      uint32_t data_len, uint64_t ts)
{
	unsigned char *r = grow(b, AP_GEN_ADD_SIZE);
	head(r, level, type, tid, data_len, ts);
	return r + 24;
}

/* §2.4.3 (level 5000, type 802): deviceId u16 @0, streamId u16 @2, taskId u32 @4 (low 16 task, high 16 flip),
 * taskType u64 @8, kernelName u64 @16 (dataLen >= 24), extInfo @24: numBlocks u16, argsSize u16, byte @28 ratio
 * bits 0-2 (dataLen 40). */
void ap_gen__enc_task_track(struct ap_gen_buf *b, uint32_t tid, uint64_t ts, unsigned dev_id, uint32_t stream,
			    uint32_t task_flip, uint64_t task_type, uint64_t kernel, unsigned data_len,
			    unsigned blocks, unsigned ratio)
{
	unsigned char *q = ap_gen__enc_compact(b, LV_RUNTIME, 802, tid, data_len, ts);
	st_le(q, dev_id & 0x0FFF, 2);
	st_le(q + 2, stream, 2);
	st_le(q + 4, task_flip, 4);
	st_le(q + 8, task_type, 8);
	if (data_len >= 24)
		st_le(q + 16, kernel, 8);
	if (data_len >= 40) {
		st_le(q + 24, blocks, 2);
		st_le(q + 26, 128, 2); /* argsSize */
		q[28] = (unsigned char)(ratio & 7);
	}
}

/* §3.1.3 decoded → raw. Normal mode: plain (S = stream, T = task; stream < 2048, so bits 0x3000 of S clear);
 * S&0x1000 form (stream = S mod 2048, task = (T & 0x1FFF) | (S & 0xE000)); S&0x2000 form (stream = (T & 0x0FFF)
 * mod 2048, task = (S & 0x0FFF) | (T & 0xF000)). Expansion mode: plain (S < 0x8000; always for sqe 3 and 4) or
 * S&0x8000 form (stream = T & 0x7FFF, task = (T & 0x8000) | (S & 0x7FFF)). */
int ap_gen__enc_ids(int mode, unsigned sqe, uint32_t stream, uint32_t task, uint16_t *s, uint16_t *t)
{
	if (task > 0xFFFF)
		return -1;
	switch (mode) {
	case ID_PLAIN:
	case ID_S1000:
	case ID_S2000:
		if (stream >= 2048)
			return -1;
		if (mode == ID_PLAIN) {
			*s = (uint16_t)stream;
			*t = (uint16_t)task;
		} else if (mode == ID_S1000) {
			*s = (uint16_t)(stream | 0x1000 | (task & 0xE000));
			*t = (uint16_t)(task & 0x1FFF);
		} else {
			*s = (uint16_t)(0x2000 | (task & 0x0FFF));
			*t = (uint16_t)(stream | (task & 0xF000));
		}
		return 0;
	case ID_EXPAND:
	case ID_EXPAND8000:
		if (stream >= 0x8000)
			return -1;
		if (mode == ID_EXPAND || sqe == SQE_PLACE_HOLDER || sqe == SQE_EVENT_RECORD) {
			*s = (uint16_t)stream;
			*t = (uint16_t)task;
		} else {
			*s = (uint16_t)(0x8000 | (task & 0x7FFF));
			*t = (uint16_t)(stream | (task & 0x8000));
		}
		return 0;
	}
	return -1;
}

/* §3.1.1 header: u16 funcType bits 0-5, cnt bits 6-9, sqeType bits 10-15; magic 0x6BD3 @2. */
static unsigned char *stars(struct ap_gen_buf *b, unsigned func, unsigned seq, unsigned sqe, uint64_t syscnt)
{
	unsigned char *r = grow(b, AP_GEN_STARS_SIZE);
	st_le(r, (func & 0x3F) | (seq & 0xF) << 6 | (sqe & 0x3F) << 10, 2);
	st_le(r + 2, 0x6BD3, 2);
	st_le(r + 8, syscnt, 8);
	return r;
}

/* §3.1.2: raw stream @4, raw task @6, sysCnt @8, accId/acsqId @18. */
void ap_gen__enc_acsq(struct ap_gen_buf *b, unsigned func, unsigned seq, unsigned sqe, uint16_t s, uint16_t t,
		      uint64_t syscnt)
{
	unsigned char *r = stars(b, func, seq, sqe, syscnt);
	st_le(r + 4, s, 2);
	st_le(r + 6, t, 2);
	st_le(r + 18, (uint64_t)(s & 0x3F) << 6 | 1, 2); /* acsqId, accId: informative only */
}

/* §3.1.4: raw stream @4, raw task @6, sysCnt @8, subTaskType u8 @16, subTaskId (context id) u16 @18, fftsType
 * bits 13-15 of u16 @20, threadId u16 @22. */
void ap_gen__enc_ffts(struct ap_gen_buf *b, unsigned func, unsigned seq, unsigned sqe, uint16_t s, uint16_t t,
		      uint64_t syscnt, unsigned subtype, unsigned ctx, unsigned thread)
{
	unsigned char *r = stars(b, func, seq, sqe, syscnt);
	st_le(r + 4, s, 2);
	st_le(r + 6, t, 2);
	r[16] = (unsigned char)subtype;
	st_le(r + 18, ctx, 2);
	st_le(r + 20, 4u << 13, 2);
	st_le(r + 22, thread, 2);
}

/* §3.1.1 other func types (QoS 24, ACC PMU 26, low power 29, ...): header and sysCnt, a filler payload that
 * no ACSQ/FFTS decoder may take for ids. */
void ap_gen__enc_stars_other(struct ap_gen_buf *b, unsigned func, unsigned seq, uint64_t syscnt)
{
	unsigned char *r = stars(b, func, seq, 0, syscnt);
	st_le(r + 4, 0xFFFF, 2);
	st_le(r + 6, 0xFFFF, 2);
	for (int i = 16; i < 64; i += 8)
		st_le(r + i, 0x0102030405060708ULL * (uint64_t)(i / 8), 8);
}

/* §3.2 header: u8 mode @0, u8 funcType @1, u16 bufSize @2, u32 reserved @4; sysCnt @8. */
static unsigned char *ts(struct ap_gen_buf *b, unsigned func, uint64_t syscnt)
{
	unsigned char *r = grow(b, AP_GEN_TS_SIZE);
	r[1] = (unsigned char)func;
	st_le(r + 2, AP_GEN_TS_SIZE, 2);
	st_le(r + 8, syscnt, 8);
	return r;
}

/* 0x0E task flip: streamId u16 @16, flipNum u16 @18, taskId u16 @22. */
void ap_gen__enc_ts_flip(struct ap_gen_buf *b, uint64_t syscnt, unsigned stream, unsigned flip, unsigned task)
{
	unsigned char *r = ts(b, 0x0E, syscnt);
	st_le(r + 16, stream & 0x7FF, 2);
	st_le(r + 18, flip, 2);
	st_le(r + 22, task, 2);
}

/* 0x0A step trace: indexId u64 @16, modelId u64 @24, streamId u16 @32, taskId u16 @34, tagId u16 @36. */
void ap_gen__enc_ts_step(struct ap_gen_buf *b, uint64_t syscnt, uint64_t index, uint64_t model, unsigned stream,
			 unsigned task, unsigned tag)
{
	unsigned char *r = ts(b, 0x0A, syscnt);
	st_le(r + 16, index, 8);
	st_le(r + 24, model, 8);
	st_le(r + 32, stream & 0x7FF, 2);
	st_le(r + 34, task, 2);
	st_le(r + 36, tag, 2);
}

/* 0x0C task type: streamId u16 @16, taskId u16 @18, taskType u16 @20, taskStatus u8 @22. */
void ap_gen__enc_ts_type(struct ap_gen_buf *b, uint64_t syscnt, unsigned stream, unsigned task, unsigned type,
			 unsigned status)
{
	unsigned char *r = ts(b, 0x0C, syscnt);
	st_le(r + 16, stream & 0x7FF, 2);
	st_le(r + 18, task, 2);
	st_le(r + 20, type, 2);
	r[22] = (unsigned char)status;
}

/* §3.3: byte 0 bits 0-2 log type, bits 4-7 cnt; task (SQE) type u8 @1; magic @2; taskId u16 @6; sysCnt @8;
 * streamId u32 @16. */
void ap_gen__enc_hwts(struct ap_gen_buf *b, unsigned logtype, unsigned seq, unsigned sqe, uint32_t stream,
		      unsigned task, uint64_t syscnt)
{
	unsigned char *r = grow(b, AP_GEN_HWTS_SIZE);
	r[0] = (unsigned char)((logtype & 7) | (seq & 0xF) << 4);
	r[1] = (unsigned char)sqe;
	st_le(r + 2, 0x6BD3, 2);
	st_le(r + 6, task, 2);
	st_le(r + 8, syscnt, 8);
	st_le(r + 16, stream, 4);
}
