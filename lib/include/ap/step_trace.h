/* step_trace_time.csv (spec torch_npu_ascend_pt.md §8.4): the writer of the rows that
 * ap_step_time_build (ap/overlap_an.h) computes. */
#ifndef AP_STEP_TRACE_H
#define AP_STEP_TRACE_H

#include "ap/err.h"
#include "ap/overlap.h"

/* Writes dir/step_trace_time.csv from t's rows, in their order: the columns of
 * schemas/step_trace_time.def, CRLF, Device_id as an integer, Step verbatim (minimal quoting;
 * empty for a NULL step), each value Python's repr of a float or "0" for an int zero
 * (struct ap_step_row.isfloat). No row: no file. Returns 0, or AP_EIO / AP_ENOMEM with err
 * set (no partial file left). */
int ap_write_step_trace(const char *dir, const struct ap_step_time *t, struct ap_err *err);

#endif
