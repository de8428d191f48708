/* Pure passes over the host model (spec torch_npu_ascend_pt.md §7, §8.1, §8.6). No I/O. */
#ifndef AP_HOSTAN_H
#define AP_HOSTAN_H

#include <stdint.h>

#include "ap/err.h"
#include "ap/host.h"
#include "ap/hostview.h"
#include "ap/npukernel.h"
#include "ap/vec.h"

/* Pairs start/end markers of h->marks as §7.2 says, into q (emptied first). Returns 0 or
 * AP_ENOMEM. */
int ap_queue_build(const struct ap_host *h, struct ap_queue *q, struct ap_err *err);

/* The same pairing fed the markers one by one in file order, as they are decoded, so that
 * they need not be kept: it holds while each (tid, name, side)'s markers are in time order in
 * the file, as each thread writes its own. At the first that is not, out_of_order is set and
 * the markers after it are ignored: q is then to be built again by ap_queue_build from all the
 * markers. */
struct ap_queue_slot;
struct ap_queue_table {
	struct ap_queue_slot *v;
	size_t mask, used;
};
struct ap_queue_feed {
	struct ap_queue *q;
	struct ap_queue_table t; /* open starts by key */
	size_t last[2];          /* by side: the slot of its last marker's key (a start is
				  * most often followed by its end), or SIZE_MAX */
	int64_t last_end[2];     /* by side: the last event's end */
	int sorted[2];           /* by side: the events came in end-time order */
	int out_of_order;
};
/* Starts pairing into q (empty), with room for n_enq and n_deq events (more are made room
 * for as they come). Returns 0 or AP_ENOMEM (then release f). */
int ap_queue_feed_init(struct ap_queue_feed *f, struct ap_queue *q, size_t n_enq, size_t n_deq);
/* The next marker in file order, of thread id tid. Returns 0 or AP_ENOMEM. */
int ap_queue_feed_add(struct ap_queue_feed *f, uint64_t tid, const struct ap_mark *m);
/* After the last marker: puts each list in end-time order (unless out_of_order) and releases
 * f. Returns 0 or AP_ENOMEM. */
int ap_queue_feed_end(struct ap_queue_feed *f);
/* Frees what f holds; accepts a released or zeroed f. */
void ap_queue_feed_release(struct ap_queue_feed *f);


/* Builds the tree from the ops and the enqueue events (q may be NULL). */
int ap_tree_build(const struct ap_host *h, const struct ap_queue *q, struct ap_tree *t,
		  struct ap_err *err);

/* Appends the forward/backward flow pairs of h->ops to out (§8.1 item 5): per sequence
 * number, in first-appearance order, the latest-starting forward and backward ops when they
 * run on different threads. Returns 0 or AP_ENOMEM. */
int ap_fwdbwd_build(const struct ap_host *h, struct ap_fwdbwd_vec *out, struct ap_err *err);

/* Replays the Python tracer records into frames appended to out (§8.1 item 6); interns module
 * frame names into h->strs; counts calls whose key is missing from the hash table. Returns 0
 * or AP_ENOMEM. */
int ap_pytrace_build(struct ap_host *h, struct ap_pyframe_vec *out, struct ap_pymissing *missing,
		     struct ap_err *err);

/* Builds the kernel dict (§7.5: by dequeue correlation id when the dump has a task queue,
 * else by launch time), attributes kernels to the nodes of t (§7.6) and derives the step
 * ranges (§7.7). An empty link map gives no sums and no steps, as upstream. Returns 0 or
 * AP_ENOMEM / AP_EINVAL with err set. */
int ap_kernel_rel_build(const struct ap_host *h, const struct ap_queue *q, const struct ap_tree *t,
			const struct ap_npu_links *links, struct ap_kernel_rel *r, struct ap_err *err);

#endif
