/* Shared by the files of the CANN host loader (spec cann_prof_raw.md §1.4-§2): the loading
 * state, the kinds of host file and the per-kind functions that cann_slices.c's readers call. */
#ifndef AP_CANN_LOCAL_H
#define AP_CANN_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cann_host.h"
#include "ap/cann_rec.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/u64map.h"
#include "ap/vec.h"
#include "ap/window.h"

/* What a host file holds, from its name (§1.4, §1.5). Also the reading order of the kinds. */
enum ap_cann__kind {
	AP_CANN_K_HASH_DIC,     /* text dictionaries first (§2.6) */
	AP_CANN_K_TYPE_DIC,
	AP_CANN_K_API,          /* api_event.data, §2.3 */
	AP_CANN_K_TRACK,        /* compact, §2.4 */
	AP_CANN_K_TRACK_V2,
	AP_CANN_K_NODE,
	AP_CANN_K_ATTR,
	AP_CANN_K_HCCL_OP,
	AP_CANN_K_MEMCPY,
	AP_CANN_K_EXPAND,
	AP_CANN_K_CAPTURE,
	AP_CANN_K_TENSOR,       /* additional, §2.5 */
	AP_CANN_K_CTX,
	AP_CANN_K_HCCL_INFO,
	AP_CANN_K_GRAPH,
	AP_CANN_K_FUSION,
	AP_CANN_K_SKIP,         /* a known kind that ascprof does not use: framed, not decoded */
	AP_CANN_K_UNKNOWN,      /* an unknown compact/additional type: warned once per name */
	AP_CANN_K_COUNT
};

/* An MsprofEvent start waiting for its end (§2.3). */
struct ap_cann__pend {
	uint64_t item_id, ts, off;
	uint32_t type, tid, req;
	uint16_t level;
	uint16_t file;
	uint32_t fidx;          /* index into files of the start's file (for messages) */
	int active;
};

/* The first corrupt thing of one kind in the current file, and how many there were. */
struct ap_cann__count {
	unsigned long n;
	uint32_t fidx;          /* index into files of the first */
	uint64_t off;
	uint64_t val;
};

struct ap_cann__loader {
	struct ap_cann_host *h;
	struct ap_diag *diag;
	char where[256];        /* "PROF_x/host/data": files are named '<where>/<file>' */
	const char *file;       /* the file being read (name inside data/) */
	uint32_t fidx;          /* its index in h->files */
	uint16_t file15;        /* fidx, or AP_CANN_FILE_MANY */
	int aging;
	uint64_t rec_off;       /* the record being decoded */
	/* per file; reported and reset by ap_cann__finish_file */
	struct ap_cann__count bad_magic, bad_rec, track_len, bad_utf8, bad_line, no_newline;
	struct ap_err rec_err;  /* why the first corrupt record of the file is corrupt */
	/* event pairing across every api_event file (§2.3) */
	struct ap_u64map pend_idx;
	AP_VEC(struct ap_cann__pend) pend;
	/* tensor_info grouping by (opName, timeStamp, threadId) across files (§2.5.1) */
	struct ap_u64map tensor_idx;
	AP_VEC(uint32_t) tensor_grp;  /* tensor -> its op group, while loading */
	uint32_t *grp_end;            /* group -> one past its last tensor, while loading */
	size_t grp_cap;
	int tensor_scattered;         /* a group's tensors are not contiguous: regroup at the end */
	/* dictionaries */
	struct ap_cann__count dup_hash, dup_type;
	char oom_what[96];      /* what could not be allocated (first failure); "": none */
	struct ap_window win;   /* one read buffer for every file */
};

/* Notes what could not be allocated, unless an earlier failure was noted; returns AP_ENOMEM. */
int ap_cann__oom(struct ap_cann__loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Counts one corrupt record of the current file at l->rec_off, keeping e's message for the
 * first (the decoders fill e only while no corrupt record was seen: see ap_cann__rec_err). */
void ap_cann__bad_record(struct ap_cann__loader *l, const struct ap_err *e);
/* The err a decoder should fill: the loader's for the first corrupt record of a file, NULL
 * afterwards, so that a corrupt file decodes without formatting a message per record. */
struct ap_err *ap_cann__rec_err(struct ap_cann__loader *l);

/* Per record kind: decode the record at p (whole, checked magic) into the model. Each returns
 * 0 or AP_ENOMEM; a corrupt record is counted and skipped. */
int ap_cann__take_api(struct ap_cann__loader *l, const uint8_t *p);
int ap_cann__take_compact(struct ap_cann__loader *l, enum ap_cann__kind k, const uint8_t *p);
int ap_cann__take_additional(struct ap_cann__loader *l, enum ap_cann__kind k, const uint8_t *p);
/* After every api_event file: reports the starts never ended. */
void ap_cann__finish_events(struct ap_cann__loader *l);
/* After every tensor_info file: makes each op's tensors contiguous. Returns 0 or AP_ENOMEM. */
int ap_cann__finish_tensors(struct ap_cann__loader *l);

/* Reads one dictionary file (hash_dic or type_info_dic, §2.6) at path through l->win.
 * Returns 0 or AP_ENOMEM; trouble in the file is reported. */
int ap_cann__load_dict(struct ap_cann__loader *l, enum ap_cann__kind k, const char *path);
/* After every dictionary file: reports the duplicates. */
void ap_cann__finish_dicts(struct ap_cann__loader *l);

/* Reports what was counted in the current file and resets the counters. */
void ap_cann__finish_file(struct ap_cann__loader *l);

#endif
