/* step_trace_time.csv (ap/step_trace.h; spec torch_npu_ascend_pt.md §8.4). */
#include <string.h>

#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/step_trace.h"
#include "../base/banned.h"

static const char *const step_trace_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/step_trace_time.def"
#undef AP_COL
};

int ap_write_step_trace(const char *dir, const struct ap_step_time *t, struct ap_err *err)
{
	struct ap_out o;
	size_t i;
	int c;

	if (!t || !t->rows.n)
		return 0; /* no data row: no file (§8.0) */
	AP_FORWARD_IF_ERROR(ap_out_open(&o, dir, "step_trace_time.csv", err));
	ap_csv_header(&o, step_trace_cols, sizeof(step_trace_cols) / sizeof(step_trace_cols[0]));
	for (i = 0; i < t->rows.n; i++) {
		const struct ap_step_row *r = &t->rows.v[i];
		char b[AP_FMT_MAX + 1];

		ap_out_write(&o, b, ap_fmt_u64(b, r->device_id));
		ap_out_putc(&o, ',');
		if (r->step)
			ap_csv_field(&o, 1, r->step, strlen(r->step));
		for (c = 0; c < AP_STEP_COLS; c++) {
			b[0] = ',';
			if (r->isfloat & (1u << c))
				ap_out_write(&o, b, 1 + ap_fmt_double(b + 1, r->value[c]));
			else
				ap_out_write(&o, ",0", 2);
		}
		ap_csv_end_row(&o);
	}
	return ap_out_commit(&o, err);
}
