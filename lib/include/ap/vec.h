/* Typed grow-arrays: struct { T *v; size_t n, cap; } with checked growth. */
#ifndef AP_VEC_H
#define AP_VEC_H

#include <stddef.h>

#define AP_VEC(type) struct { type *v; size_t n, cap; }

/* Ensures room for n + extra elements of size elem; returns 0 or AP_ENOMEM. */
int ap_vec__reserve(void **v, size_t *cap, size_t n, size_t extra, size_t elem);

#define ap_vec_reserve(vec, extra)                                             \
	ap_vec__reserve((void **)&(vec)->v, &(vec)->cap, (vec)->n, (extra),   \
			sizeof(*(vec)->v))

/* Appends one zeroed element and returns it; NULL when out of memory. */
void *ap_vec__push(void **v, size_t *n, size_t *cap, size_t elem);
#define ap_vec_push(vec)                                                       \
	((__typeof__((vec)->v))ap_vec__push((void **)&(vec)->v, &(vec)->n,     \
					    &(vec)->cap, sizeof(*(vec)->v)))

/* n zeroed elements of size elem for a table read before it is written (hash slots, counters),
 * or NULL when out of memory or n * elem overflows. Unlike calloc, the pages are written here:
 * a fresh page first read maps the shared zero page, and the first write then faults again and
 * flushes that page from the TLB of every CPU running the process (an IPI each with -j 2). */
void *ap_zalloc(size_t n, size_t elem);

#define ap_vec_free(vec)                                                       \
	do {                                                                   \
		free((vec)->v);                                                \
		(vec)->v = NULL;                                               \
		(vec)->n = (vec)->cap = 0;                                     \
	} while (0)

#endif
