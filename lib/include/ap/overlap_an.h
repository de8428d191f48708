/* The Overlap Analysis of one PROF_* dir and the step_trace_time rows built on it (spec
 * torch_npu_ascend_pt.md §6.4, §8.4): pure passes over model tables (tables in ap/overlap.h). */
#ifndef AP_OVERLAP_AN_H
#define AP_OVERLAP_AN_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cann_view.h"
#include "ap/err.h"
#include "ap/host.h"
#include "ap/overlap.h"

/* Fills ov (freshly initialised) from the joined CANN data v, per device, as msprof's
 * PipelineOverlapViewer does:
 *  - Computing: the union of the executions of v's op rows that are not communication ops
 *    (task type "COMMUNICATION"), leaving out names ending in "AivKernel";
 *  - Communication: the union of the communication ops' [start, end) (their master tasks);
 *  - Communication(Not Overlapped): Communication minus Computing;
 *  - Free: [begin, end) minus both unions, where begin / end are the earliest start and the
 *    latest end of the device's tasks other than those whose host task type is KERNEL_AICORE,
 *    KERNEL_AIVEC, FFTS_PLUS, KERNEL_MIX_AIC, KERNEL_MIX_AIV, PROFILING_ENABLE or
 *    PROFILING_DISABLE, widened to the unions;
 *  - receive: the communication ops named hcom_receive*.
 * Unions merge touching intervals; empty intervals are dropped. A device without compute and
 * communication gets no entry (upstream writes no Overlap Analysis process for it). Linear in
 * the number of rows after one radix sort. Returns 0, or AP_ENOMEM with err set (ov then
 * holds a partial result to release). */
int ap_overlap_build(const struct ap_cann_view *v, struct ap_overlap *ov, struct ap_err *err);

/* A step range (§7.7) as step_trace_time takes it: local ns; id borrowed (must outlive the
 * rows built from it). */
struct ap_step_span {
	const char *id;
	int64_t start, end;  /* START_TS, END_TS */
	int64_t fwk_start;   /* the step op's host start */
};

#define AP_STEP_NO_OP INT64_MIN /* no torch op: the None step's Preparing is 0 */

/* The first_op of ap_step_time_build: the earliest start of the torch ops ops[0..n), which are
 * in file order, not time order; AP_STEP_NO_OP when n is 0. */
int64_t ap_step_first_op(const struct ap_op *ops, size_t n);

/* step_trace_time's rows (§8.4, TraceStepTimeParser) from the overlap lanes and receive ops
 * of ov, as torch_npu computes them from msprof's timeline events (times as the µs floats
 * Python reads, sums in time order): every event is counted under the first of steps (in the
 * order given) whose [start, end) holds its start, Computing / Communication / Not
 * Overlapped / Free / Bubble (receive ops) summed per device and step; Overlapped = Comm -
 * Not Overlapped; Exclude Receive = max(Not Overlapped - Bubble, 0); Stage = (last end -
 * first start of the step's counted events) - Bubble; Preparing = first Computing or
 * Communication start - the step's fwk_start. With nsteps == 0 there is one row per device
 * with step NULL, whose Preparing is measured from first_op (the earliest torch op start,
 * local ns; AP_STEP_NO_OP: Preparing is 0). Events outside every step are not counted;
 * steps without counted events have no row. Rows by device, then the integer value of the
 * step id. out (initialised) gets no row when ov has no device, and none when a step id is
 * not an integer (upstream's int() fails and it writes no file). Returns 0, or AP_ENOMEM
 * with err set. */
int ap_step_time_build(const struct ap_overlap *ov, const struct ap_step_span *steps,
		       size_t nsteps, int64_t first_op, struct ap_step_time *out,
		       struct ap_err *err);

#endif
