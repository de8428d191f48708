/* What torch_npu reads from a PROF_* dir that msprof already exported, beyond the CSVs of
 * ap/cann_exported.h (spec torch_npu_ascend_pt.md §6.2-§6.4, §6.6, §7.4, §8.1, §8.4, §8.7):
 * the timeline mindstudio_profiler_output/msprof_*.json, whose events trace_view.json copies
 * and whose HostToDevice flows and Overlap Analysis events feed the kernel links and
 * step_trace_time.csv, and msprof's analyze/communication*.json. JSON is parsed with jansson and
 * nothing of it is trusted: malformed files are data loss naming the file and byte offset. */
#ifndef AP_CANN_TIMELINE_H
#define AP_CANN_TIMELINE_H

#include <stddef.h>

#include "ap/cann_tl.h"
#include "ap/commview.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/npukernel.h"
#include "ap/overlap.h"
#include "ap/strlist.h"

/* The msprof_*.json of names (the sorted listing of mindstudio_profiler_output/, §6.2:
 * ^msprof_\d{1,20}.*\.json and ^msprof_slice_\d{1,20}.*\.json), unsliced by name, then slices
 * by slice index, added to out. Returns 0 or AP_ENOMEM. */
int ap_cann_tl_select(const struct ap_strlist *names, struct ap_strlist *out);

/* Reads the timeline files of prof/mindstudio_profiler_output/ into tl (initialised), fills
 * links (§7.4: first 's' and first 'f' per HostToDevice id, the last X event at the 'f''s
 * pid/tid/ts, kernels in the order the ids first appear) and ov (initialised; §8.4: the
 * Computing / Communication / Communication(Not Overlapped) / Free events and the hcom_receive*
 * ops of each process labelled "NPU <id>", in file order). A file that is not a JSON array of
 * objects sets tl->failed and is data loss in diag naming it, its byte offset and line (no
 * event, link or lane is kept then). Messages name files relative to prof's parent. Returns
 * 0 (also when there is no timeline file), or AP_ENOMEM with err set. */
int ap_cann_tl_load(struct ap_cann_tl *tl, const char *prof, struct ap_npu_links *links,
		    struct ap_overlap *ov, struct ap_diag *diag, struct ap_err *err);

/* Reads prof/analyze/communication.json and communication_matrix.json (§6.6) into a new
 * *out (the ops of communication.json in file order, each with the links of its matrix entry;
 * matrix entries without an op, "Total HCCL Operators" among them, are not kept, as torch_npu
 * splits them away). *out stays NULL when there is no communication.json. A file that is not
 * valid JSON or not of §6.6's shape is data loss in diag naming it and the byte offset or the
 * key, and no communication output is written (*out NULL). Returns 0 or AP_ENOMEM with err
 * set. */
int ap_cann_analyze_load(const char *prof, struct ap_comm **out, struct ap_diag *diag,
			 struct ap_err *err);

#endif
