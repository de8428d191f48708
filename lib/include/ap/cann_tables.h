/* msprof's exported CANN tables made from the raw join's typed view (ap/cann_view.h): the
 * op_summary, op_statistic, api_statistic and task_time tables exactly as msprof's C++
 * exporter (Ascend/msprof analysis/csrc/application/summary/ *_assembler.cpp) would have written
 * them, as tables of strings (ap/csv_in.h) for the writers of ap/cann_write.h (spec
 * cann_prof_raw.md §3.7, §4.2, §4.3; torch_npu_ascend_pt.md §6.5, §8.2, §8.5). Every rule is
 * listed with its upstream source in man/ascprof-outputs.5 (CANN TABLES); the deviations in
 * docs/compatibility.md.
 *
 * Each function appends the table's header and then its rows to out, which must be empty
 * (ap_csv_table_init): a table left with a header and no data row is one msprof writes no
 * file for. The view is only read. Each returns 0, AP_EINVAL (out not empty) or AP_ENOMEM,
 * with err set; on error out holds a partial table, to be released. Output depends on the
 * view's rows only, never on their order in the view beyond the last tie-break noted. */
#ifndef AP_CANN_TABLES_H
#define AP_CANN_TABLES_H

#include <stdint.h>

#include "ap/cann_view.h"
#include "ap/csv_in.h"
#include "ap/err.h"

/* op_summary (§4.2): "Device_id, Model ID, Task ID, Stream ID, Op Name, OP Type, OP State,
 * Task Type, Task Start Time(us), Task Duration(us), Task Wait Time(us), Block Num, Mix Block
 * Num, HF32 Eligible, Input Shapes, Input Data Types, Input Formats, Output Shapes, Output Data
 * Types, Output Formats, Context ID"; without Mix Block Num and Context ID when !v->stars. No
 * PMU columns.
 * Rows: v->ops. A row whose task_id is AP_CANN_NA is an HCCL op (Task Type COMMUNICATION,
 * Block Num 0, the tensor columns N/A); any other row is a compute task, dropped here when its
 * task type is WRITE_BACK, INVALID, HCCL_AI_CPU or COMMUNICATION (the last kept when its op
 * name ends with "AivKernel"), so the join may pass every joined task. Sorted by the Device_id
 * text, then the start text (both compared as strings, as upstream does), then compute rows
 * before HCCL ops, stream, task, context id, end, view index. Task Wait Time: "0" on the first
 * row, on every other row max(0, start - previous start - previous duration) with the
 * previous row in that order, whatever its device (upstream does not restart per device),
 * printed with 6 decimals. */
int ap_cann_tabulate_op_summary(struct ap_csv_table *out, const struct ap_cann_view *v,
				struct ap_err *err);

/* op_statistic (§4.3): "Device_id, OP Type, Core Type, Count, Total Time(us), Min Time(us),
 * Avg Time(us), Max Time(us), Ratio(%)". Counted: the compute rows of v->ops (not HCCL ops)
 * whose task type is neither COMMUNICATION nor HCCL_AI_CPU and whose start is later than
 * collect_start_ns (the collection start, local ns; INT64_MIN counts every row), grouped by
 * (device, OP Type, task type as Core Type). Ratio = the group's total over the device's total
 * of all groups, in %, rounded as Python then SQLite round it; groups whose OP Type is N/A or
 * Core Type WRITE_BACK or INVALID are then left out (their time stays in the ratios'
 * denominator). Avg = total / count truncated to ns. Sorted by total time descending, then
 * device, OP Type, Core Type. msprof writes none at Level0: the caller decides. */
int ap_cann_tabulate_op_statistic(struct ap_csv_table *out, const struct ap_cann_view *v,
				  int64_t collect_start_ns, struct ap_err *err);

/* api_statistic (§4.3): "Device_id, Level, API Name, Time(us), Count, Avg(us), Min(us),
 * Max(us), Variance", Device_id "host". Rows: v->apis, all of them (msprof's start-time
 * filter, which keeps APIs ending at or after the session start or lying inside a ModelLoad
 * on their thread, is the join's), grouped by (API Name, level). Sorted by API Name (bytes),
 * then level number (runtime 5000, communication 5500, node 10000, model 15000, acl 20000;
 * other names after them, by name). Numbers as upstream computes them in doubles: durations
 * summed in start order, Avg and Variance (population, around the rounded Avg) rounded half
 * away from zero to 3 decimals. */
int ap_cann_tabulate_api_statistic(struct ap_csv_table *out, const struct ap_cann_view *v,
				   struct ap_err *err);

/* task_time (§3.7): "Device_id, kernel_name, kernel_type, stream_id, task_id, task_time(us),
 * task_start(us), task_stop(us)". Rows: v->tasks but for FilterAscendTaskData's: of the rows
 * sharing (stream, task, batch), whatever their device, a group holding context 0 keeps only
 * its context-0 rows. task_time(us) is the row's dur (ticks truncated to ns, as upstream's
 * duration), not end - start. stream_id printed modulo
 * 2^16 as upstream's 16-bit TaskId holds it; start and stop end with a TAB. Sorted by the
 * start text only (upstream's comparator ignores the device), then Device_id text, stream,
 * task, end, view index. */
int ap_cann_tabulate_task_time(struct ap_csv_table *out, const struct ap_cann_view *v,
			       struct ap_err *err);

#endif
