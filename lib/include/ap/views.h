/* Writers of the framework (host) outputs of one torch_npu dump (spec torch_npu_ascend_pt.md
 * §8.0, §8.1, §8.3, §8.6), over the host model and the passes of hostan.h. */
#ifndef AP_VIEWS_H
#define AP_VIEWS_H

#include "ap/err.h"
#include "ap/host.h"
#include "ap/hostview.h"
#include "ap/npukernel.h"
#include "ap/out.h"

/* Everything the framework writers read; all borrowed, nothing is changed. */
struct ap_cann_view;
struct ap_overlap;

struct ap_cann_tl;

struct ap_fwk_view {
	const struct ap_host *h;          /* ops, marks, mems, gcs; strings in h->strs */
	const struct ap_queue *q;         /* paired enqueue/dequeue events (§7.2); NULL or empty ok */
	const struct ap_tree *t;          /* op tree (§7.3), may be NULL or empty */
	const struct ap_fwdbwd_vec *fb;   /* fwdbwd pairs (§8.1 item 5), may be NULL */
	const struct ap_pyframe_vec *py;  /* python frames, emission order (§8.1 item 6); may be NULL */
	const struct ap_memview *mv;      /* memory lifecycles (§8.6); NULL when none */
	const struct ap_kernel_rel *krel; /* device sums per tree node (§7.6); NULL: FWK-only */
	int device_id;                    /* first device_* id, -1 if none */
	int n_devices;                    /* number of device_* dirs */
	const struct ap_cann_view *cann;  /* the CANN join's tables (raw path), NULL: no CANN part */
	const struct ap_overlap *overlap; /* its Overlap Analysis per device, or NULL */
	const struct ap_cann_tl *tl;      /* msprof's exported timeline (exported path), NULL: none */
	int level0;                       /* profiler level Level0: the CANN part is pruned (§10) */
	ap_pieces_run_fn pieces;          /* runs a file's pieces, side by side where threads are
					   * free; NULL: ap_pieces_serial */
};

/* Each writes its file(s) into dir (an existing directory) through NAME.tmp + rename; a file
 * with no data rows is not created (§8.0). Returns 0, or AP_EIO / AP_ENOMEM with err set (no
 * partial file is left behind). */

/* trace_view.json, framework-only form (§8.1, framework part), as one valid JSON array. */
int ap_write_trace_view(const char *dir, const struct ap_fwk_view *v, struct ap_err *err);
/* operator_details.csv (§8.3); without kernels (FWK-only, or no flows) the four device
 * columns are 0. */
int ap_write_operator_details(const char *dir, const struct ap_fwk_view *v, struct ap_err *err);
/* memory_record.csv and operator_memory.csv, framework part only (§8.6: PTA, PTA+GE and
 * WORKSPACE rows; no CANN GE/APP rows yet). */
int ap_write_memory(const char *dir, const struct ap_fwk_view *v, struct ap_err *err);

#endif
