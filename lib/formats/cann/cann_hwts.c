/* HWTS log records of Ascend910A / 310 / 310P, 64 bytes (spec cann_prof_raw.md §3.3; upstream
 * profiling_bean/struct_info/hwts_log.py, fmt "BBHHHQ12I"). */
#include "ap/cann_dev_load.h"
#include "ap/cursor.h"
#include "../../base/banned.h"

#define OFF_TYPE 0     /* bits 0-2 log type, bit 3 warn, bits 4-7 cnt */
#define OFF_TASK_TYPE 1
#define OFF_MAGIC 2
#define OFF_TASK 6
#define OFF_SYSCNT 8
#define OFF_STREAM 16  /* u32, used mod 2048 */

enum ap_cann_rec ap_cann_hwts_decode(const uint8_t *p, struct ap_cann_log *log, unsigned *type)
{
	unsigned t = p[OFF_TYPE] & 7u;

	*type = t;
	if (ap_le16(p + OFF_MAGIC) != AP_CANN_DEV_MAGIC)
		return AP_CANN_REC_BAD_MAGIC;
	if (t > 1)
		return AP_CANN_REC_OTHER;
	log->syscnt = ap_le64(p + OFF_SYSCNT);
	log->stream_raw = ap_le32(p + OFF_STREAM);
	log->task_raw = ap_le16(p + OFF_TASK);
	log->ctx = 0;
	log->stream = log->stream_raw % 2048u;
	log->task = log->task_raw;
	log->thread = 0;
	log->sqe_type = p[OFF_TASK_TYPE];
	log->sub_type = 0;
	log->src = AP_CANN_SRC_HWTS;
	log->end = (uint8_t)t;
	log->ffts_type = 0;
	log->cnt = (uint8_t)(p[OFF_TYPE] >> 4);
	return AP_CANN_REC_LOG;
}
