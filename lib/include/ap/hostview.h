/* Tables derived from the host model by the passes of hostan.h and memview.h: what the
 * writers read (model layer: no behaviour beyond init/release). */
#ifndef AP_HOSTVIEW_H
#define AP_HOSTVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "ap/host.h"
#include "ap/vec.h"

/* A paired task-queue event (§7.2): ts = start marker time, dur = end - start. */
struct ap_qev {
	int64_t ts, dur;
	uint64_t corr;
	uint32_t thread; /* index into ap_host.threads */
	uint32_t name;   /* the queued operation's name */
};

struct ap_queue {
	AP_VEC(struct ap_qev) enq; /* in end-time order */
	AP_VEC(struct ap_qev) deq;
	unsigned long unmatched;   /* end markers without a start */
	uint64_t first_unmatched_off; /* file offset of the first of them */
};

void ap_queue_init(struct ap_queue *q);
/* Frees the lists and re-initialises; accepts NULL. */
void ap_queue_release(struct ap_queue *q);

/* The torch op tree (§7.3). Nodes are the ops in ascending start order (stable). */
struct ap_tree {
	uint32_t *op;        /* node -> index into h->ops */
	int32_t *parent;     /* node -> parent node, -1 for children of the root */
	int64_t *child_dur;  /* node -> sum of the direct children's dur (ns) */
	int32_t *enq_node;   /* enqueue index (q->enq) -> node it was attached to, or -1 */
	uint32_t n;
};

void ap_tree_init(struct ap_tree *t);
/* Frees the arrays and re-initialises; accepts NULL. */
void ap_tree_release(struct ap_tree *t);

/* Forward/backward flow pairs (§8.1 item 5). */
struct ap_fwdbwd {
	int64_t seq;
	uint32_t start_op, end_op; /* indices into h->ops */
};

struct ap_fwdbwd_vec {
	struct ap_fwdbwd *v;
	size_t n, cap;
};

/* Python tracer frames (§8.1 item 6), in emission order (threads in first-appearance order,
 * within a thread in pop order). */
struct ap_pyframe {
	int64_t ts, end;
	uint64_t key;        /* hash key, for keys missing from the table */
	int64_t module_id;   /* n for module frames, -1 otherwise */
	uint32_t id, parent_id; /* positions of the calls among their thread's records */
	uint32_t thread;     /* index into ap_host.pythreads */
	uint32_t name;       /* strtab id of the hash string, or of "nn.Module: Class_n" */
	uint8_t missing;     /* key not in torch.python_tracer_hash */
};

/* Calls whose key is missing from torch.python_tracer_hash (named by the key, §8.1). */
struct ap_pymissing {
	unsigned long count;
	size_t first_rec; /* index in h->pyrecs (file order) of the first of them */
};

struct ap_pyframe_vec {
	struct ap_pyframe *v;
	size_t n, cap;
};

#define AP_MEM_MALLOC 0      /* ap_mem.data_type values, §3.5 */
#define AP_MEM_FREE 1
#define AP_MEM_BLOCK_FREE 2
#define AP_MEM_CACHING 0     /* ap_mem.component values */
#define AP_MEM_WORKSPACE 1

/* One allocation lifecycle: a malloc record then at most two records of other, distinct
 * data types (§8.6), in time order. */
struct ap_memgroup {
	uint32_t rec[3];  /* indices into h->mems; rec[0] is the malloc */
	uint32_t n;       /* 1..3 */
	uint32_t name;    /* strtab id (h->strs) of the attributed op name; AP_STR_NONE: "" */
};

struct ap_memview {
	/* PTA record list: indices into h->mems of the NPU records (device_type 20), stably
	 * sorted by time. Feeds memory_record.csv. */
	AP_VEC(uint32_t) pta;
	/* Lifecycles of the inner-allocator NPU records of one process, sorted by the malloc's
	 * time (ties: the pointer first seen earlier, then record order). Feeds the PTA rows of
	 * operator_memory.csv. Upstream keeps only the first process (in time order) that has
	 * torch ops; so does this pass. */
	AP_VEC(struct ap_memgroup) groups;
	uint64_t pid;              /* that process; valid when has_pid */
	int has_pid;
	unsigned long incomplete;  /* upstream's "N memory record(s) are incomplete" count */
	unsigned long unnamed;     /* groups whose op could not be found (name "") */
	unsigned long no_ops_pids; /* processes with memory records but no torch ops (skipped) */
};

void ap_memview_init(struct ap_memview *mv);
/* Frees the arrays and re-initialises; accepts NULL. */
void ap_memview_release(struct ap_memview *mv);

#endif
