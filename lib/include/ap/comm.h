/* communication.json and communication_matrix.json (spec torch_npu_ascend_pt.md §6.6, §8.7;
 * man ascprof-formats(5) "Communication analysis"): msprof's per-op analysis of the HCCL small
 * tasks (analyze -r communication,communication_matrix: msparser/cluster/communication_parser.py,
 * communication_matrix_parser.py, meta_parser.py) and torch_npu's split of its result by step
 * (prof_view/_communication_parser.py), into the tables of ap/commview.h. Pure: no I/O. */
#ifndef AP_COMM_H
#define AP_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cann_view.h"
#include "ap/commview.h"
#include "ap/err.h"

/* msprof's analysis of v's HCCL rows whose start is at or after min_start (the collection
 * start, local ns; INT64_MIN: all): ops grouped by "op_name@group" in row order, their time
 * and bandwidth info and matrix links. No rows: no ops. Returns 0 or AP_ENOMEM (err set). */
int ap_comm_analyse(const struct ap_cann_view *v, int64_t min_start, struct ap_comm *c,
		    struct ap_err *err);

/* torch_npu's split of c's ops by steps (nsteps 0: one pseudo-step "step" over all time),
 * the p2p / collective groups with their "Total Op Info", and the matrix entries. Fills
 * steps, msteps, has_comm and has_matrix. Returns 0 or AP_ENOMEM (err set). */
int ap_comm_by_step(struct ap_comm *c, const struct ap_comm_range *steps, size_t nsteps,
		    struct ap_err *err);

/* The matrix op type of key ("op@group") as torch_npu's regex search finds it in the
 * lower-cased key: the leftmost match, the earlier alternative at one position. Writes it
 * (NUL-terminated, at most cap bytes) to buf; returns 1, or 0 when nothing matched (buf then
 * holds the part of key before the first "__"). */
int ap_comm_op_type(const char *key, char *buf, size_t cap);

/* convert_us2ns(str(us)): Python repr of us with the '.' moved three digits right (the first
 * three decimals kept, no rounding). */
int64_t ap_comm_us2ns(double us);

#endif
