/* The device model of one device_N dir of a PROF_* dump (spec cann_prof_raw.md §3): task
 * start/end logs (STARS ACSQ, FFTS+ subtasks, HWTS), TS-track flips and step-trace points,
 * and the device task table that pairing makes of them. Compact fixed-size entries without
 * pointers, in tables sized up front from the file sizes. Times are raw syscnt; convert them
 * with the device clock (ap/cann_clock.h). */
#ifndef AP_CANN_DEV_H
#define AP_CANN_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "ap/vec.h"

/* Where a log or task comes from. */
enum ap_cann_src {
	AP_CANN_SRC_ACSQ = 0, /* STARS funcType 0/1: one SQ task (§3.1.2) */
	AP_CANN_SRC_FFTS = 1, /* STARS funcType 34/35: one FFTS+ context/subtask (§3.1.4) */
	AP_CANN_SRC_HWTS = 2, /* HWTS log type 0/1 (§3.3) */
};

#define AP_CANN_CTX_NONE 0xFFFFFFFFu /* context id of ACSQ and HWTS tasks */

/* One task start or end log, 32 bytes. Raw ids as written; stream/task decoded by
 * ap_cann_ids_decode (§3.1.3) with the host's stream-expansion flag. */
struct ap_cann_log {
	uint64_t syscnt;
	uint32_t stream_raw;   /* u16 in STARS records, u32 in HWTS records */
	uint16_t task_raw;
	uint16_t ctx;          /* FFTS+ subTaskId (context id); 0 for ACSQ and HWTS */
	uint32_t stream, task; /* decoded */
	uint16_t thread;       /* FFTS+ threadId */
	uint8_t sqe_type;      /* STARS header bits 10-15; HWTS: the task type byte @1 */
	uint8_t sub_type;      /* FFTS+ subTaskType */
	uint8_t src;           /* enum ap_cann_src */
	uint8_t end;           /* 0 start, 1 end */
	uint8_t ffts_type;     /* FFTS+ bits 13-15 of u16 @20 */
	uint8_t cnt;           /* the 4-bit rolling counter of the header */
};

/* TS track task flip (funcType 0x0E, §3.2): the task id counter of a stream wrapped. */
struct ap_cann_flip {
	uint64_t syscnt;
	uint16_t stream;       /* low 11 bits of the record's stream id */
	uint16_t flip_num;
	uint16_t task;
	uint16_t pad;
};

/* TS track step trace (funcType 0x0A): model/iteration key points. */
struct ap_cann_step {
	uint64_t syscnt;
	uint64_t index_id, model_id;
	uint16_t stream, task, tag;
	uint16_t pad;
};

/* Counts of what the TS track held besides flips and steps (decoded, not kept). */
struct ap_cann_track_counts {
	uint64_t task_type, memcpy, block_num, timeline, other;
};

/* One device task: a matched start/end pair (§3.5.2), 40 bytes. */
struct ap_cann_dev_task {
	uint64_t start, end;   /* syscnt */
	uint32_t stream, task;
	uint32_t ctx;          /* FFTS+ context id; AP_CANN_CTX_NONE for ACSQ / HWTS */
	uint32_t batch;        /* from the TS-track flips of the stream */
	uint8_t type;          /* sqeType (ACSQ), subTaskType (FFTS+), HWTS task type */
	uint8_t src;           /* enum ap_cann_src */
	uint8_t pad[2];
};

/* Everything decoded from one device_N/data dir. Initialise with ap_cann_dev_init, free
 * with ap_cann_dev_release. */
struct ap_cann_dev {
	int device_id;
	int expand;                     /* stream-id expansion used for stream/task */
	AP_VEC(struct ap_cann_log) logs;
	AP_VEC(struct ap_cann_flip) flips;
	AP_VEC(struct ap_cann_step) steps;
	struct ap_cann_track_counts track;
	/* STARS records framed but not task logs, by funcType (0..63): counted and skipped */
	uint64_t stars_other[64];
	uint64_t ffts_profile_records;  /* ffts_profile.data: framed and skipped (PMU) */
	uint64_t bytes_lost;            /* bad magic, front remainders, cut records */
};

void ap_cann_dev_init(struct ap_cann_dev *d, int device_id);
/* Frees the tables; accepts NULL. */
void ap_cann_dev_release(struct ap_cann_dev *d);

/* Name of a device task type as upstream prints it: the STARS SQE table (§3.1.2) for
 * ACSQ, the FFTS+ subtask table (§3.1.4) for FFTS, the HWTS SQE table (§3.3) for HWTS.
 * Returns a static string; "UNKNOWN" for a number no table holds (upstream's
 * unknown device type, whose tasks are not exported as TASK rows). */
const char *ap_cann_task_type_name(enum ap_cann_src src, unsigned type);

#endif
