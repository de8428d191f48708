/* Shared by the files of the FRAMEWORK loader (spec torch_npu_ascend_pt.md §3): the loading
 * state and the per-record functions of fwk_take.c that fwk_load.c's file readers call. */
#ifndef AP_FWK_LOAD_LOCAL_H
#define AP_FWK_LOAD_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/fwk.h"
#include "ap/fwk_load.h"
#include "ap/host.h"
#include "ap/timeconv.h"
#include "ap/u64map.h"
#include "ap/window.h"

/* The FRAMEWORK files, in loading order. */
enum kind { K_OP_RANGE, K_OP_MARK, K_MEMORY, K_TRACER_FUNC, K_TRACER_HASH, K_PARAM, K_GC, K_COUNT };


struct loader {
	const char *dir;
	const struct ap_timeconv *tc;
	struct ap_host *h;
	struct ap_diag *diag;
	const char *file;        /* name inside FRAMEWORK/ */
	unsigned long bad_utf8;
	size_t bad_utf8_off;     /* record of the first invalid string */
	size_t rec_off;          /* record being decoded */
	unsigned long clamped;   /* timestamps outside the representable range */
	size_t clamped_off;
	unsigned long unknown_fields;
	uint16_t unknown_id;
	size_t unknown_off;
	/* Corrupt records and unknown marker categories after the first of a file are only
	 * counted: a corrupt file decodes as fast as a clean one (no message formatting). */
	unsigned long bad_records, bad_cats;
	unsigned long zero_records; /* all-zero fixed-size records: space never written */
	size_t zero_off;
	char oom_what[96];       /* what could not be allocated (first failure); "": none */
	struct ap_err rec_err;   /* why the first corrupt record of a file is corrupt */
	struct ap_window win;    /* one read buffer for every file */
	struct ap_u64map thread_idx; /* for ap_thread_number */
	/* the two threads of the latest records, the latest first: most often the next record's
	 * (the enqueue and dequeue threads take turns in torch.op_mark) */
	struct {
		uint64_t pid, tid;
		uint32_t thread;
	} recent[2];
	int n_recent;
	uint32_t last_thread;   /* the thread of the record being taken */
	unsigned long thread_overflow;
	const struct ap_fwk_mark_sink *sink; /* where markers go, or NULL: kept in h->marks */
	int sink_full;           /* the sink took no more markers of this file */
};

/* Notes what could not be allocated, unless an earlier failure was noted; returns
 * AP_ENOMEM. */
int ap_fwk__oom(struct loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Decodes one TLV record of a file of kind k into the model. A corrupt record is skipped and
 * counted (only the first of a file is described). Returns 0 or AP_ENOMEM. */
int ap_fwk__take_record(struct loader *l, enum kind k, const struct ap_fwk_record *rec);
/* Decodes one fixed-size record (K_TRACER_FUNC or K_GC) at p into the table the caller
 * reserved. A tracer record of a thread past AP_THREAD_MAX is counted and skipped. Returns 0 or
 * AP_ENOMEM (numbering its thread). */
int ap_fwk__take_flat(struct loader *l, enum kind k, const uint8_t *p);
/* Reports what was counted in the file just loaded (l->file) and resets the counters. */
void ap_fwk__finish_file(struct loader *l);

#endif
