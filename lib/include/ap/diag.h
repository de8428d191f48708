/* Per-dump diagnostics: trouble counted by kind, first occurrence kept (CONVENTIONS §4). */
#ifndef AP_DIAG_H
#define AP_DIAG_H

#include <stddef.h>

#include "ap/strbuf.h"

enum ap_diag_kind {
	AP_DIAG_WARN = 0,      /* unknown but well framed, N/A strings, ...: exit 0 */
	AP_DIAG_DATA_LOSS = 1, /* truncated or corrupt data of a known format: exit 1 */
	AP_DIAG_FAILED = 2,    /* the input could not be analysed at all: exit 1 */
};

struct ap_diag_entry {
	enum ap_diag_kind kind;
	char key[64];           /* what makes two reports "the same kind" */
	unsigned long count;
	struct ap_strbuf first; /* message of the first occurrence */
};

struct ap_diag {
	struct ap_diag_entry *v;
	size_t n, cap;
	/* Reports that found no memory to be stored: still counted, so that data loss is never
	 * mistaken for a clean run. */
	unsigned long lost;
	int lost_worst;         /* highest kind among them, -1 if none */
};

void ap_diag_init(struct ap_diag *d);
void ap_diag_release(struct ap_diag *d);
/* Counts one occurrence of key; the message is formatted only for the first. When no entry
 * can be stored (out of memory) the report is counted in lost / lost_worst instead. */
void ap_diag_report(struct ap_diag *d, enum ap_diag_kind kind, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Adds n more occurrences to the entry of (kind, key), which ap_diag_report made; without
 * such an entry, counts them as lost. Formats nothing: for the repeats of a hot loop. */
void ap_diag_add(struct ap_diag *d, enum ap_diag_kind kind, const char *key, unsigned long n);
/* Moves every report of src into d, after d's own (entries of the same kind and key add
 * their counts; the first message kept is d's): how reports of parallel tasks are combined in
 * a fixed order. src is released. */
void ap_diag_merge(struct ap_diag *d, struct ap_diag *src);
/* Highest kind reported (lost reports included), or -1 when nothing was reported. */
int ap_diag_worst(const struct ap_diag *d);

#endif
