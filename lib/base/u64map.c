#include <stdlib.h>
#include <string.h>

#include "ap/status.h"
#include "ap/u64map.h"
#include "ap/vec.h"
#include "banned.h"

int ap_u64map_init(struct ap_u64map *m, size_t expected)
{
	size_t cap = 16;

	while (cap < expected * 2)
		cap *= 2;
	m->v = ap_zalloc(cap, sizeof(*m->v));
	m->mask = cap - 1;
	m->count = 0;
	return m->v ? 0 : AP_ENOMEM;
}

void ap_u64map_release(struct ap_u64map *m)
{
	if (!m)
		return;
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static struct ap_u64map_slot *slot_of(const struct ap_u64map *m, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	size_t j;

	for (j = (size_t)(h >> 21) & m->mask; m->v[j].used && m->v[j].key != key;
	     j = (j + 1) & m->mask)
		;
	return &m->v[j];
}

struct ap_u64map_slot *ap_u64map_find(const struct ap_u64map *m, uint64_t key)
{
	struct ap_u64map_slot *s;

	if (!m->v)
		return NULL;
	s = slot_of(m, key);
	return s->used ? s : NULL;
}

struct ap_u64map_slot *ap_u64map_get(struct ap_u64map *m, uint64_t key, int *added)
{
	struct ap_u64map_slot *s;

	if (!m->v && ap_u64map_init(m, 8) < 0)
		return NULL;
	if ((m->count + 1) * 2 > m->mask) {
		struct ap_u64map bigger;
		size_t j;

		if (ap_u64map_init(&bigger, m->mask + 1) < 0)
			return NULL;
		for (j = 0; j <= m->mask; j++)
			if (m->v[j].used)
				*slot_of(&bigger, m->v[j].key) = m->v[j];
		bigger.count = m->count;
		free(m->v);
		*m = bigger;
	}
	s = slot_of(m, key);
	if (added)
		*added = !s->used;
	if (!s->used) {
		s->used = 1;
		s->key = key;
		s->val = 0;
		m->count++;
	}
	return s;
}
