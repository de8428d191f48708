/* The host model of one dump: FRAMEWORK records decoded, converted to local ns and
 * interned (spec torch_npu_ascend_pt.md §7.1). Kept in file order. marks and pyrecs are
 * read only by ap_queue_build and ap_pytrace_build (hostan.h), whose results replace them:
 * the pipeline frees them after those passes. */
#ifndef AP_HOST_H
#define AP_HOST_H

#include <stdint.h>

#include "ap/strtab.h"
#include "ap/u64map.h"
#include "ap/vec.h"

struct ap_op {
	int64_t ts, end;  /* local ns */
	int64_t seq;      /* autograd sequence number, -1 if none */
	uint64_t pid, tid, fwd_tid;
	/* strtab ids; AP_STR_NONE when the field was absent */
	uint32_t name, input_type, input_dims, call_stack, module, flops;
};

enum ap_mark_cat { AP_ENQUEUE_START = 0, AP_ENQUEUE_END = 1, AP_DEQUEUE_START = 2, AP_DEQUEUE_END = 3 };

/* A (pid, tid) pair of the task-queue markers, of the memory records or of the Python tracer
 * records, numbered in first-appearance order in a table for each: those are the largest
 * tables of a dump, so each record holds the small number instead of both 64-bit ids. */
struct ap_thread {
	uint64_t pid, tid;
};

struct ap_thread_vec {
	struct ap_thread *v;
	size_t n, cap;
};

#define AP_THREAD_MAX ((1u << 24) - 1) /* ap_mem.thread is 24 bits wide */

struct ap_mark {
	int64_t ts;
	uint64_t corr;
	uint64_t off;          /* of the record in its file, for messages */
	uint32_t name;
	uint32_t thread : 30;  /* index into ap_host.threads */
	uint32_t cat : 2;      /* enum ap_mark_cat */
};

struct ap_mem {
	int64_t ts, ptr, alloc_size, total_alloc, total_reserved, total_active, stream;
	uint32_t thread : 24;   /* index into ap_host.memthreads */
	uint32_t data_type : 8; /* the record's u8 */
	int8_t device_type, device_index;
	uint8_t component, allocator;
};

struct ap_pyrec {
	int64_t ts;
	uint64_t key;
	uint32_t thread; /* index into ap_host.pythreads */
	uint8_t tag;
};

struct ap_pyhash {
	uint64_t key;
	uint32_t value; /* strtab id */
};

struct ap_gc {
	uint64_t pid;
	int64_t ts, end;
};

struct ap_host {
	struct ap_strtab strs;
	AP_VEC(struct ap_op) ops;
	AP_VEC(struct ap_mark) marks;
	size_t n_marks; /* markers decoded: those in marks, or handed to a sink (fwk_load.h) */
	struct ap_thread_vec threads;   /* of the markers */
	AP_VEC(struct ap_mem) mems;
	struct ap_thread_vec memthreads; /* of the memory records */
	AP_VEC(struct ap_pyrec) pyrecs;
	struct ap_thread_vec pythreads; /* of the Python tracer records */
	AP_VEC(struct ap_pyhash) pyhash;
	AP_VEC(struct ap_gc) gcs;
	int gen;              /* enum ap_fwk_gen of the dump */
	int has_op_mark;      /* torch.op_mark exists: task queue enabled (§3.4) */
	int has_tracer;       /* both python tracer files exist */
	char op_mark_file[64];     /* names of the files read, for messages */
	char tracer_func_file[64];
};

int ap_host_init(struct ap_host *h);
void ap_host_release(struct ap_host *h);

/* The number of (pid, tid) in t, added when new; idx is the caller's map from a hash of the
 * pair to its number (initialised by the caller, released with ap_u64map_release). Returns 0,
 * AP_ENOMEM, or AP_EINVAL past AP_THREAD_MAX threads. */
int ap_thread_number(struct ap_thread_vec *t, struct ap_u64map *idx, uint64_t pid, uint64_t tid,
		     uint32_t *out);

#endif
