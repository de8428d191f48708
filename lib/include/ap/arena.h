/* Bump allocator freed all at once (git mem-pool). One per dump and load. */
#ifndef AP_ARENA_H
#define AP_ARENA_H

#include <stddef.h>

struct ap_arena_block;

struct ap_arena {
	struct ap_arena_block *head;
	size_t block_size;
	size_t total;   /* bytes handed out, for diagnostics */
	size_t max_block; /* block_size doubles with each new block up to this */
};

void ap_arena_init(struct ap_arena *a, size_t block_size);
/* An arena whose blocks start at first bytes and double with each new block up to max: small
 * for the many arenas that stay small (a fuzz input, a tiny dump), few mallocs for big ones. */
void ap_arena_init_grow(struct ap_arena *a, size_t first, size_t max);
/* Frees every allocation; accepts NULL. */
void ap_arena_release(struct ap_arena *a);
/* Returns size bytes aligned to 16, or NULL when out of memory. Owned by the arena. */
void *ap_arena_alloc(struct ap_arena *a, size_t size);
/* Copies len bytes and a NUL; NULL when out of memory. */
char *ap_arena_strndup(struct ap_arena *a, const char *s, size_t len);
char *ap_arena_strdup(struct ap_arena *a, const char *s);

#endif
