/* STARS SOC log records, 64 bytes (spec cann_prof_raw.md §3.1; upstream
 * parser_item/acsq_log_parser_item.h, ffts_plus_log_parser_item.h, stars_soc_parser.cpp). */
#include "ap/cann_dev_load.h"
#include "ap/cursor.h"
#include "../../base/banned.h"

/* §3.1.1 header u16 @0 */
#define FUNC_MASK 0x3Fu       /* bits 0-5 */
#define CNT_SHIFT 6           /* bits 6-9 */
#define SQE_SHIFT 10          /* bits 10-15 */
#define OFF_MAGIC 2
#define OFF_STREAM 4
#define OFF_TASK 6
#define OFF_SYSCNT 8
/* §3.1.4 FFTS+ */
#define OFF_SUB_TYPE 16
#define OFF_SUB_ID 18
#define OFF_FFTS_TYPE 20      /* bits 13-15 */
#define OFF_THREAD 22

enum ap_cann_rec ap_cann_stars_decode(const uint8_t *p, struct ap_cann_log *log, unsigned *func)
{
	unsigned hdr = ap_le16(p), f = hdr & FUNC_MASK;
	int ffts;

	*func = f;
	if (ap_le16(p + OFF_MAGIC) != AP_CANN_DEV_MAGIC)
		return AP_CANN_REC_BAD_MAGIC;
	if (f == AP_CANN_FUNC_ACSQ_START || f == AP_CANN_FUNC_ACSQ_END)
		ffts = 0;
	else if (f == AP_CANN_FUNC_FFTS_START || f == AP_CANN_FUNC_FFTS_END)
		ffts = 1;
	else
		return AP_CANN_REC_OTHER;
	log->syscnt = ap_le64(p + OFF_SYSCNT);
	log->stream_raw = ap_le16(p + OFF_STREAM);
	log->task_raw = ap_le16(p + OFF_TASK);
	log->sqe_type = (uint8_t)(hdr >> SQE_SHIFT);
	log->cnt = (uint8_t)((hdr >> CNT_SHIFT) & 0xF);
	log->end = (uint8_t)(f & 1);
	if (ffts) {
		log->src = AP_CANN_SRC_FFTS;
		log->sub_type = p[OFF_SUB_TYPE];
		log->ctx = ap_le16(p + OFF_SUB_ID);
		log->ffts_type = (uint8_t)(ap_le16(p + OFF_FFTS_TYPE) >> 13);
		log->thread = ap_le16(p + OFF_THREAD);
	} else {
		log->src = AP_CANN_SRC_ACSQ;
		log->sub_type = 0;
		log->ctx = 0;
		log->ffts_type = 0;
		log->thread = 0;
	}
	ap_cann_ids_decode((uint16_t)log->stream_raw, log->task_raw, log->sqe_type, 0, &log->stream,
			   &log->task);
	return AP_CANN_REC_LOG;
}
