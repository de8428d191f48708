/* The request and batch tables a service dump's analysis derives (specs/ms_service_profiler.md
 * §2.6, processor_req.py): what the writers read besides the merged rows. Made by
 * ap_svc_derive (ap/svc_an.h); a model header so that writers may include it. */
#ifndef AP_SVC_DERIVED_H
#define AP_SVC_DERIVED_H

#include <stddef.h>
#include <stdint.h>

#include "ap/arena.h"
#include "ap/svc.h"

/* req_event_df: (a) http rows, (b) exec rows per scheduled request, (c) prefill schedule
 * rows, in that order. NaN doubles / NULL strings / has_* = 0 are missing cells. */
struct ap_svc_req_event {
	const char *rid;          /* (a) the row's rid; (b)(c) the request object's "rid" as str */
	const char *event;        /* NULL in (b) when no exec event has the batch's res_list */
	const struct ap_sv *iter; /* the object's "iter" as found; NULL in (a) */
	double start_us, end_us;
	const struct ap_sv *batch;     /* (b)(c): the schedule row's res_list (batch_id = repr) */
	double batch_size;             /* (b)(c): len(req_id_list); NaN in (a) */
	const struct ap_sv *end_flag;  /* (a): the row's endFlag attribute, NULL when absent */
	const struct ap_sv *num_sched; /* (b)(c): "num_scheduled_tokens=" of the object, or NULL */
	uint32_t row;                  /* index into ap_svc.rows of the row it came from */
};

/* req_ttft_df, sorted by rid (pandas groupby) */
struct ap_svc_req_ttft {
	const char *rid;
	double start_us, end_us, ttft_us;
};

/* req_que_wait_df: rids of Enqueue (sorted), then rids only seen in Dequeue (sorted) */
struct ap_svc_req_wait {
	const char *rid;
	double wait_us;           /* max Dequeue end - min Enqueue start; NaN when one is missing */
};

/* batch_event_df, in merged row order, after the PD filter */
struct ap_svc_batch_event {
	const struct ap_sv *batch; /* the row's res_list: batch_id = Python str() of it */
	const char *event;
	int64_t pid;
	double start_us, end_us;
	const struct ap_sv *blocks; /* the "blocks" attribute, NULL when absent */
	uint32_t row;
};

/* batch_attr_df: one per schedule event kept; empty lists give has_list = 0 (NaN cells) */
struct ap_svc_batch_attr {
	const struct ap_sv *batch;
	uint8_t has_list;
	uint32_t row;              /* req_list = rows[row].res, req_id_list = rows[row].rid_list */
	uint32_t batch_size;
	int batch_type;            /* PD role (1 prefill, 2 decode) if any, else the iter class 0/1/2 */
};

/* req_attr_df: rids in first-seen order of recvTokenSize=, then replyTokenSize=-only rids */
struct ap_svc_req_attr {
	const char *rid;          /* NULL = a None rid */
	const struct ap_sv *recv_token, *reply_token; /* last non-null value; NULL = NaN */
	double ttft;              /* always NaN: QUIRK, upstream assigns across unaligned indexes */
};

struct ap_svc_derived {
	struct ap_svc_req_event *req_event;
	size_t n_req_event;
	struct ap_svc_req_ttft *req_ttft;
	size_t n_req_ttft;
	struct ap_svc_req_wait *req_wait;
	size_t n_req_wait;
	struct ap_svc_batch_event *batch_event;
	size_t n_batch_event;
	struct ap_svc_batch_attr *batch_attr;
	size_t n_batch_attr;
	struct ap_svc_req_attr *req_attr;
	size_t n_req_attr;
	uint8_t has_num_sched;    /* the num_scheduled_tokens= column exists in req_event */
	uint8_t has_blocks;       /* the blocks column exists in batch_event */
	struct ap_arena arena;    /* strings made by the derivation */
};

#endif
