/* TS track records, 40 bytes (spec cann_prof_raw.md §3.2; upstream
 * parser_item/task_flip_parser_item.h, step_trace_parser_item.h, task_type_parser_item.h,
 * task_memcpy_parser_item.h, task_block_num_parser_item.h; TsProfileTimeline of the
 * collector for 0x03). Header: u8 @0 mode, u8 @1 funcType, u16 @2, u32 @4. */
#include <string.h>

#include "ap/cann_dev_load.h"
#include "ap/cursor.h"
#include "../../base/banned.h"

#define OFF_FUNC 1
#define OFF_SYSCNT 8
#define STREAM_MASK 0x7FFu /* streamId : 11 */

int ap_cann_ts_decode(const uint8_t *p, struct ap_cann_ts_rec *out)
{
	memset(out, 0, sizeof(*out));
	out->func = p[OFF_FUNC];
	switch (out->func) {
	case AP_CANN_TRACK_FLIP:
		out->syscnt = ap_le64(p + OFF_SYSCNT);
		out->stream = ap_le16(p + 16) & STREAM_MASK;
		out->u.flip.flip_num = ap_le16(p + 18);
		out->task = ap_le16(p + 22);
		return 0;
	case AP_CANN_TRACK_STEP:
		out->syscnt = ap_le64(p + OFF_SYSCNT);
		out->u.step.index_id = ap_le64(p + 16);
		out->u.step.model_id = ap_le64(p + 24);
		out->stream = ap_le16(p + 32) & STREAM_MASK;
		out->task = ap_le16(p + 34);
		out->u.step.tag = ap_le16(p + 36);
		return 0;
	case AP_CANN_TRACK_TASK_TYPE:
		out->syscnt = ap_le64(p + OFF_SYSCNT);
		out->stream = ap_le16(p + 16) & STREAM_MASK;
		out->task = ap_le16(p + 18);
		out->u.task_type.task_type = ap_le16(p + 20);
		out->u.task_type.status = p[22];
		return 0;
	case AP_CANN_TRACK_MEMCPY:
		out->syscnt = ap_le64(p + OFF_SYSCNT);
		out->stream = ap_le16(p + 16) & STREAM_MASK;
		out->task = ap_le16(p + 18);
		out->u.memcpy.status = p[20];
		return 0;
	case AP_CANN_TRACK_BLOCK_NUM:
		out->syscnt = ap_le64(p + OFF_SYSCNT);
		out->stream = ap_le16(p + 16) & STREAM_MASK;
		out->task = ap_le16(p + 18);
		out->u.block.block_num = ap_le32(p + 20);
		return 0;
	case AP_CANN_TRACK_TIMELINE:
		out->u.timeline.task_type = ap_le16(p + 8);
		out->u.timeline.task_state = ap_le16(p + 10);
		out->stream = ap_le16(p + 12);
		out->task = ap_le16(p + 14);
		out->syscnt = ap_le64(p + 16);
		out->u.timeline.thread = ap_le32(p + 24);
		out->u.timeline.device = ap_le32(p + 28);
		return 0;
	default:
		return AP_END;
	}
}
