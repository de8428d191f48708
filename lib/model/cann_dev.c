/* The device model of a PROF_* device dir (spec cann_prof_raw.md §3): tables and the names of
 * device task types. */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_dev.h"
#include "../base/banned.h"

void ap_cann_dev_init(struct ap_cann_dev *d, int device_id)
{
	memset(d, 0, sizeof(*d));
	d->device_id = device_id;
}

void ap_cann_dev_release(struct ap_cann_dev *d)
{
	if (!d)
		return;
	ap_vec_free(&d->logs);
	ap_vec_free(&d->flips);
	ap_vec_free(&d->steps);
	ap_cann_dev_init(d, d->device_id);
}

/* §3.1.2 STARS SQE types (msmodel/sqe_type_map.py, db_constant.h STARS_SQE_TYPE_TABLE). */
static const char *const stars_sqe[] = {
	"AI_CORE", "AI_CPU", "AIV_SQE", "PLACE_HOLDER_SQE", "EVENT_RECORD_SQE",
	"EVENT_WAIT_SQE", "NOTIFY_RECORD_SQE", "NOTIFY_WAIT_SQE", "WRITE_VALUE_SQE", "VQ6_SQE",
	"TOF_SQE", "SDMA_SQE", "VPC_SQE", "JPEGE_SQE", "JPEGD_SQE", "DSA_SQE", "ROCCE_SQE",
	"PCIE_DMA_SQE", "HOST_CPU_SQE", "CDQM_SQE", "C_CORE_SQE",
};

/* §3.1.4 FFTS+ subtask types (ascend_task_association.cpp); NULL: no name (2, 14). */
static const char *const ffts_sub[] = {
	"AIC", "AIV", NULL, "Notify Wait", "Notify Record", "Write Value", "MIX_AIC", "MIX_AIV",
	"SDMA", "Data Context", "Invalidate Data Context", "Writeback Data Context", "AI_CPU",
	"Load Context", NULL, "DSA",
};

/* §3.3 HWTS SQE types. */
static const char *const hwts_sqe[] = {
	"AI_CORE", "AI_CPU", "AIV_SQE", "PLACE_HOLDER_SQE", "EVENT_RECORD_SQE",
	"EVENT_WAIT_SQE", "NOTIFY_RECORD_SQE", "NOTIFY_WAIT_SQE", "WRITE_VALUE_SQE", "SDMA_SQE",
	"MAX_SQE",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *ap_cann_task_type_name(enum ap_cann_src src, unsigned type)
{
	const char *s = NULL;

	switch (src) {
	case AP_CANN_SRC_ACSQ:
		s = type < N(stars_sqe) ? stars_sqe[type] : NULL;
		break;
	case AP_CANN_SRC_FFTS:
		s = type < N(ffts_sub) ? ffts_sub[type] : NULL;
		break;
	case AP_CANN_SRC_HWTS:
		s = type < N(hwts_sqe) ? hwts_sqe[type] : NULL;
		break;
	}
	return s ? s : "UNKNOWN";
}
