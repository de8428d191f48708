/* The tables of communication.json and communication_matrix.json (spec torch_npu_ascend_pt.md
 * §6.6, §8.7) as the communication analysis (ap/comm.h, lib/analysis/an_comm*.c) fills them
 * and the writer (ap/comm_write.h) prints them: msprof's per-op results, then torch_npu's
 * split by step. Every number of these files is a Python int or float, and which one shows in
 * the JSON ("0" or "0.0"): struct ap_pynum keeps the kind with the value. */
#ifndef AP_COMMVIEW_H
#define AP_COMMVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "ap/strtab.h"
#include "ap/vec.h"

/* A Python number: a float, or an int (integral v) where Python kept an int. */
struct ap_pynum {
	double v;
	uint8_t isf;
};

/* The transports of "Communication Bandwidth Info", in msprof's key order (TRANSIT_TYPE). */
enum ap_comm_transport {
	AP_COMM_RDMA, AP_COMM_HCCS, AP_COMM_PCIE, AP_COMM_SDMA, AP_COMM_SIO, AP_COMM_NTRANSPORT
};
/* "RDMA", "HCCS", "PCIE", "SDMA", "SIO". */
const char *ap_comm_transport_name(int t);
/* The matrix's "Transport Type" of code c (msprof TRANSPORT_TYPE: 0 HCCS, 1 PCIE, 2 RDMA,
 * 3 LOCAL, 4 SIO), NULL (JSON null) for -1 and anything else. */
const char *ap_comm_matrix_transport_name(int c);

/* One "Size Distribution" entry: "<size MB>": [count, time ms]. */
struct ap_comm_bin {
	double size_mb;
	struct ap_pynum count, time_ms;
};

/* One transport of an op's "Communication Bandwidth Info". Bins: [bin, bin + nbins) of bins. */
struct ap_comm_bw {
	struct ap_pynum size_mb, time_ms, bw, large_ratio;
	uint32_t bin, nbins;
};

/* One link of the matrix: "src-dst": {Transport Type, Transit Size(MB), Transit Time(ms),
 * Bandwidth(GB/s)[, Op Name]}. */
struct ap_comm_link {
	uint32_t key;      /* strs id of "src-dst" */
	uint32_t op_name;  /* strs id of the "Op Name" torch_npu adds; AP_STR_NONE: none */
	int8_t transport;  /* matrix transport code, -1 null */
	struct ap_pynum size_mb, time_ms, bw;
};

/* One HCCL op of msprof's communication.json / communication_matrix.json. */
struct ap_comm_op {
	uint32_t key;      /* strs id of "op_name@group" */
	double start_us;   /* Start Timestamp(us) */
	/* Elapse, Transit, Wait, Synchronization, Idle Time(ms), then the two ratios */
	struct ap_pynum time[7];
	struct ap_comm_bw bw[AP_COMM_NTRANSPORT];
	uint32_t link, nlinks; /* its matrix links: [link, link + nlinks) of links */
	uint8_t timed;     /* it had master tasks (else msprof fails communication.json) */
};

/* "Total Op Info" of one p2p / collective group of a step. */
struct ap_comm_total {
	struct ap_pynum time[7]; /* the five sums, then Wait Time Ratio, Synchronization Time Ratio */
	struct ap_pynum bw_time[AP_COMM_NTRANSPORT], bw_size[AP_COMM_NTRANSPORT];
	uint32_t bin[AP_COMM_NTRANSPORT], nbins[AP_COMM_NTRANSPORT];
};

/* One matrix entry of a group, "{type}-top1@{group}" etc.: links [link, link + n) of mlinks. */
struct ap_comm_mentry {
	uint32_t name;     /* strs id */
	uint32_t link, n;
};

/* One group ("p2p" = 0, "collective" = 1) of a step. */
struct ap_comm_group {
	uint32_t op, nops;       /* communication.json: op indices [op, op + nops) of gops */
	struct ap_comm_total total; /* valid when nops > 0 */
	uint32_t ment, nments;   /* communication_matrix.json: [ment, ment + nments) of ments */
};

struct ap_comm_step {
	uint32_t key;            /* strs id: "step<id>", or "step" */
	struct ap_comm_group g[2];
};

/* A step range (§7.7), as torch_npu compares op starts with it (ns, inclusive bounds). */
struct ap_comm_range {
	const char *id;          /* NULL or "": the step is named "step" */
	int64_t start_ns, end_ns;
};

struct ap_comm {
	struct ap_strtab strs;
	AP_VEC(struct ap_comm_op) ops;       /* msprof's ops, in its key order */
	AP_VEC(struct ap_comm_bin) bins;
	AP_VEC(struct ap_comm_link) links;   /* the ops' matrix links */
	AP_VEC(uint32_t) gops;
	AP_VEC(struct ap_comm_mentry) ments;
	AP_VEC(struct ap_comm_link) mlinks;  /* matrix entries' records (copies) */
	AP_VEC(struct ap_comm_step) steps;   /* communication.json, in step order */
	AP_VEC(struct ap_comm_step) msteps;  /* communication_matrix.json, in its order */
	int has_comm;    /* communication.json is written (msprof wrote one) */
	int has_matrix;  /* communication_matrix.json is written */
	unsigned long unknown_types;   /* matrix ops typed by their name (no regex match) */
	unsigned long untimed_ops;     /* ops without master tasks (no communication.json) */
	unsigned long bad_transport;   /* RDMA payload tasks of a transport msprof has no slot for */
	/* the first row (index into the view's hccl) of the first untimed op, of the first such
	 * RDMA run; UINT32_MAX none */
	uint32_t first_untimed, first_bad_transport;
};

/* Initialises c empty. Returns 0 or AP_ENOMEM. */
int ap_comm_init(struct ap_comm *c);
/* Frees c; accepts NULL. */
void ap_comm_release(struct ap_comm *c);

#endif
