/* Stream/task id decoding of STARS logs (spec cann_prof_raw.md §3.1.3; upstream
 * StarsCommon::GetStreamId / GetTaskId in parser_item/stars_common.h). The device packs
 * extra task-id bits into the stream id; the rules changed in Nov 2023 (bit 12) and Jul 2024
 * (bit 13), and stream-id expansion (host expand_stream_spec) uses bit 15 instead. */
#include "ap/cann_dev_load.h"
#include "../../base/banned.h"

#define SQE_PLACE_HOLDER 3
#define SQE_EVENT_RECORD 4

void ap_cann_ids_decode(uint16_t s, uint16_t t, unsigned sqe_type, int expand, uint32_t *stream,
			uint32_t *task)
{
	if (expand) {
		if (sqe_type == SQE_PLACE_HOLDER || sqe_type == SQE_EVENT_RECORD) {
			*stream = s & 0x7FFFu;
			*task = t;
		} else if (s & 0x8000u) {
			*stream = t & 0x7FFFu;
			*task = (t & 0x8000u) | (s & 0x7FFFu);
		} else {
			*stream = s & 0x7FFFu;
			*task = t;
		}
		return;
	}
	if (s & 0x1000u) {
		*stream = s % 2048u;
		*task = (t & 0x1FFFu) | (s & 0xE000u);
	} else if (s & 0x2000u) {
		*stream = (t & 0x0FFFu) % 2048u;
		*task = (s & 0x0FFFu) | (t & 0xF000u);
	} else {
		*stream = s % 2048u;
		*task = t;
	}
}

void ap_cann_dev_set_expand(struct ap_cann_dev *d, int expand)
{
	size_t i;

	d->expand = expand;
	for (i = 0; i < d->logs.n; i++) {
		struct ap_cann_log *l = &d->logs.v[i];

		if (l->src == AP_CANN_SRC_HWTS) {
			l->stream = l->stream_raw % 2048u;
			l->task = l->task_raw;
		} else {
			ap_cann_ids_decode((uint16_t)l->stream_raw, l->task_raw, l->sqe_type, expand,
					   &l->stream, &l->task);
		}
	}
}
