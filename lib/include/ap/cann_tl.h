/* msprof's exported timeline as torch_npu keeps it (spec torch_npu_ascend_pt.md §6.4, §8.1): the
 * events re-serialised for trace_view.json and where each linked kernel's HostToDevice flow
 * ends. Model layer: the table and its lifecycle; ap/cann_timeline.h fills it, the
 * trace_view.json writer reads it. */
#ifndef AP_CANN_TL_H
#define AP_CANN_TL_H

#include <stddef.h>
#include <stdint.h>

#include "ap/strbuf.h"
#include "ap/strlist.h"
#include "ap/vec.h"

/* One timeline event as Python's json.dumps(ensure_ascii=False) writes it after json.load:
 * bytes [off, off + len) of ap_cann_tl.text. */
struct ap_cann_tl_event {
	size_t off;
	size_t len;
	uint8_t prune0; /* dropped at Level0: name starts with, or args.name is, a pruned word */
};

/* The device event a HostToDevice flow points at (the X event under its first 'f'), where
 * torch_npu's torch_to_npu flow ends (§8.1): indexed by ap_npu_kernel.flow. */
struct ap_cann_tl_end {
	int64_t ts;       /* local ns (convert_us2ns of its ts) */
	int64_t pid, tid;
};

struct ap_cann_tl {
	struct ap_strlist files;              /* the msprof_*.json read, in reading order */
	struct ap_strbuf text;                /* the events' serialisations, concatenated */
	AP_VEC(struct ap_cann_tl_event) ev;   /* in file order, then event order */
	AP_VEC(struct ap_cann_tl_end) ends;
	int failed;  /* a timeline file could not be used: no timeline outputs (data loss) */
};

void ap_cann_tl_init(struct ap_cann_tl *tl);
/* Frees everything and re-initialises; accepts NULL. */
void ap_cann_tl_release(struct ap_cann_tl *tl);

#endif
