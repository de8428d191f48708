/* Shared by an_svc_proc.c, an_svc_merge.c and an_svc_req.c (module-private). */
#ifndef AP_ANALYSIS_AN_SVC_LOCAL_H
#define AP_ANALYSIS_AN_SVC_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "ap/svc.h"

/* A string -> value hash map (open addressing); keys are borrowed, NUL-terminated. */
struct ap_svc__smap_slot {
	const char *key;
	size_t len;
	uint64_t val;
};

struct ap_svc__smap {
	struct ap_svc__smap_slot *slot;
	size_t mask, n;
};

void ap_svc__smap_init(struct ap_svc__smap *m);
void ap_svc__smap_release(struct ap_svc__smap *m);
/* Returns the slot of key, or NULL. */
struct ap_svc__smap_slot *ap_svc__smap_find(const struct ap_svc__smap *m, const char *key,
					    size_t len);
/* Returns the slot of key, inserted with val 0 and *added = 1 when new; NULL when out of
 * memory. */
struct ap_svc__smap_slot *ap_svc__smap_put(struct ap_svc__smap *m, const char *key, size_t len,
					   int *added);

/* Member key of an object (NULL when v is not an object or lacks it); last duplicate wins as
 * the loader already collapsed duplicates. */
const struct ap_sv *ap_svc__get(const struct ap_sv *v, const char *key);
/* pandas notna(): neither absent, None nor a float NaN. */
int ap_svc__valid(const struct ap_sv *v);
/* Python int(v) for v an int, float, bool or numeric string within int64; 0 when it fails. */
int ap_svc__py_int(const struct ap_sv *v, int64_t *out);
/* Python str() of v ("nan" when absent) in a (strings: v's own); NULL only when out of memory
 * (*oom set). */
const char *ap_svc__scalar_str(struct ap_arena *a, const struct ap_sv *v, int *oom);
/* Python ==: the same repr (same types, same values, same key order). */
int ap_svc__sv_same(const struct ap_sv *x, const struct ap_sv *y);
/* A hash consistent with ap_svc__sv_same. */
uint64_t ap_svc__sv_hash(const struct ap_sv *v);

/* Private row flag: a Link row of a non-forward process, removed by the merge (§2.4 step 3). */
#define AP_SVC__ROW_DROP (1u << 31)

/* Python int(text): surrounding whitespace, a sign, digits with single '_' between them. Writes
 * the canonical decimal ("007" -> "7", "-0" -> "0") to out (>= len + 2 bytes) and returns its
 * length; 0 when int() would raise. */
size_t ap_svc__int_text(const char *s, size_t len, char *out);
/* Python truthiness of an attribute value (absent = None). */
int ap_svc__truthy(const struct ap_sv *v);
/* pd.to_numeric(v, errors='coerce'): 1 and *out for ints, floats, bools and numeric strings;
 * 0 (NaN) otherwise. */
int ap_svc__to_num(const struct ap_sv *v, double *out);

/* §2.5: the merge (an_svc_merge.c), run by ap_svc_build after the per-process pipeline. */
int ap_svc__merge(struct ap_svc *s, struct ap_diag *diag, struct ap_err *err);

#endif
