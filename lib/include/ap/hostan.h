/* Pure passes over the host model (spec torch_npu_ascend_pt.md §7, §8.1, §8.6). No I/O. */
#ifndef AP_HOSTAN_H
#define AP_HOSTAN_H

#include <stdint.h>

#include "ap/err.h"
#include "ap/host.h"
#include "ap/vec.h"

/* A paired task-queue event (§7.2): ts = start marker time, dur = end - start. */
struct ap_qev {
	int64_t ts, dur;
	uint64_t pid, tid, corr;
	uint32_t name; /* the queued operation's name */
};

struct ap_queue {
	AP_VEC(struct ap_qev) enq; /* in end-time order */
	AP_VEC(struct ap_qev) deq;
	unsigned long unmatched;   /* end markers without a start */
	uint64_t first_unmatched_off; /* file offset of the first of them */
};

void ap_queue_init(struct ap_queue *q);
void ap_queue_release(struct ap_queue *q);
/* Pairs start/end markers of h->marks as §7.2 says. Returns 0 or AP_ENOMEM. */
int ap_queue_build(const struct ap_host *h, struct ap_queue *q, struct ap_err *err);

/* The torch op tree (§7.3). Nodes are the ops in ascending start order (stable). */
struct ap_tree {
	uint32_t *op;        /* node -> index into h->ops */
	int32_t *parent;     /* node -> parent node, -1 for children of the root */
	int64_t *child_dur;  /* node -> sum of the direct children's dur (ns) */
	int32_t *enq_node;   /* enqueue index (q->enq) -> node it was attached to, or -1 */
	uint32_t n;
};

void ap_tree_init(struct ap_tree *t);
void ap_tree_release(struct ap_tree *t);
/* Builds the tree from the ops and the enqueue events (q may be NULL). */
int ap_tree_build(const struct ap_host *h, const struct ap_queue *q, struct ap_tree *t,
		  struct ap_err *err);

/* Forward/backward flow pairs (§8.1 item 5). */
struct ap_fwdbwd {
	int64_t seq;
	uint32_t start_op, end_op; /* indices into h->ops */
};

struct ap_fwdbwd_vec {
	struct ap_fwdbwd *v;
	size_t n, cap;
};

int ap_fwdbwd_build(const struct ap_host *h, struct ap_fwdbwd_vec *out, struct ap_err *err);

/* Python tracer frames (§8.1 item 6), in emission order (threads in first-appearance order,
 * within a thread in pop order). */
struct ap_pyframe {
	int64_t ts, end;
	uint64_t pid, tid;
	uint64_t id, parent_id;
	uint32_t name;       /* strtab id of the hash string, or of "nn.Module: Class_n" */
	int64_t module_id;   /* n for module frames, -1 otherwise */
	uint64_t key;        /* hash key, for keys missing from the table */
	int missing;         /* key not in torch.python_tracer_hash */
};

/* Calls whose key is missing from torch.python_tracer_hash (named by the key, §8.1). */
struct ap_pymissing {
	unsigned long count;
	size_t first_rec; /* index in h->pyrecs (file order) of the first of them */
};

/* Replays the tracer records; interns module names into h->strs. */
struct ap_pyframe_vec {
	struct ap_pyframe *v;
	size_t n, cap;
};

int ap_pytrace_build(struct ap_host *h, struct ap_pyframe_vec *out, struct ap_pymissing *missing,
		     struct ap_err *err);

#endif
