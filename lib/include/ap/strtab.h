/* String interning: names, shapes and stacks repeat, so tables store 32-bit ids.
 * Id 0 means "absent" (NULL), id 1 is the empty string. Strings are owned by the table. */
#ifndef AP_STRTAB_H
#define AP_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "ap/arena.h"

#define AP_STR_NONE 0u
#define AP_STR_EMPTY 1u

struct ap_strtab_slot;

struct ap_strtab {
	struct ap_arena arena;
	struct ap_strtab_slot *slots; /* open addressing, power of two */
	size_t mask;
	const char **str;             /* id -> NUL-terminated string */
	uint32_t *len;                /* id -> length */
	uint32_t n, cap;
};

int ap_strtab_init(struct ap_strtab *t);
void ap_strtab_release(struct ap_strtab *t);
/* Interns len bytes; returns the id (> 0) or 0 when out of memory (ids are never 0 otherwise).
 * If bad_utf8 is not NULL, the bytes are checked: invalid UTF-8 is interned as "N/A" and
 * *bad_utf8 is set to 1 (left unchanged otherwise). */
uint32_t ap_strtab_intern(struct ap_strtab *t, const char *s, size_t len, int *bad_utf8);
static inline const char *ap_strtab_get(const struct ap_strtab *t, uint32_t id)
{
	return id ? t->str[id] : NULL;
}
static inline uint32_t ap_strtab_len(const struct ap_strtab *t, uint32_t id)
{
	return id ? t->len[id] : 0;
}

/* Returns 1 when the bytes are valid UTF-8 (no overlongs, surrogates or values > U+10FFFF). */
int ap_utf8_valid(const char *s, size_t len);

#endif
