#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/arena.h"
#include "banned.h"

struct ap_arena_block {
	struct ap_arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

void ap_arena_init(struct ap_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 1u << 20;
	a->total = 0;
	a->max_block = a->block_size;
}

void ap_arena_init_grow(struct ap_arena *a, size_t first, size_t max)
{
	ap_arena_init(a, first);
	a->max_block = max > a->block_size ? max : a->block_size;
}

void ap_arena_release(struct ap_arena *a)
{
	struct ap_arena_block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}

void *ap_arena_alloc(struct ap_arena *a, size_t size)
{
	struct ap_arena_block *b = a->head;
	size_t need = (size + 15) & ~(size_t)15;

	if (need < size)
		return NULL;
#ifdef AP_ARENA_DEBUG
	/* Every allocation its own block, sized exactly, so ASan sees overruns. */
	b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->size = b->used = size;
	b->next = a->head;
	a->head = b;
	a->total += size;
	return b->data;
#else
	if (!b || b->size - b->used < need) {
		size_t bs = need > a->block_size / 4 ? need : a->block_size;

		if (bs > SIZE_MAX - sizeof(*b))
			return NULL;
		b = malloc(sizeof(*b) + bs);
		if (!b)
			return NULL;
		b->size = bs;
		b->used = 0;
		if (bs == need && a->head) {
			/* Large allocation: keep filling the current block afterwards. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
			if (a->block_size < a->max_block)
				a->block_size = a->block_size > a->max_block / 2 ? a->max_block
									   : a->block_size * 2;
		}
	}
	b->used += need;
	a->total += need;
	return b->data + b->used - need;
#endif
}

char *ap_arena_strndup(struct ap_arena *a, const char *s, size_t len)
{
	char *p = ap_arena_alloc(a, len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *ap_arena_strdup(struct ap_arena *a, const char *s)
{
	return ap_arena_strndup(a, s, strlen(s));
}
