#include <stdlib.h>
#include <string.h>

#include "ap/cursor.h"
#include "ap/strtab.h"
#include "ap/vec.h"
#include "banned.h"

struct ap_strtab_slot {
	uint32_t hash;
	uint32_t id;   /* 0 = empty slot */
	uint32_t key;  /* id of the string holding the raw key bytes */
	uint32_t bad;  /* raw key was invalid UTF-8; id is "N/A" */
};

static uint64_t load8(const char *s)
{
	return ap_le64((const uint8_t *)s);
}

/* The bytes of s [i, len) (fewer than 8, at least one) in one word, read without a byte loop:
 * the last 8 bytes of s when it has them, else two overlapping 4-byte reads or three bytes. */
static uint64_t tail_word(const char *s, size_t i, size_t len)
{
	size_t n = len - i;

	if (len >= 8)
		return load8(s + len - 8) >> (8 * (8 - n));
	if (n >= 4)
		return ap_le32((const uint8_t *)s) |
		       (uint64_t)ap_le32((const uint8_t *)s + n - 4) << 32;
	return (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
	       (uint64_t)(unsigned char)s[n - 1] << 16;
}

static uint32_t hash_bytes(const char *s, size_t len)
{
	/* FNV-1a over 8-byte words (the length first, the tail as one word), then a final mix. */
	uint64_t h = (0xcbf29ce484222325ull ^ len) * 0x100000001b3ull;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		h = (h ^ load8(s + i)) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	if (i < len)
		h = (h ^ tail_word(s, i, len)) * 0x100000001b3ull;
	h ^= h >> 32;
	h *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

/* a and b (len bytes each) equal: short keys compared as two overlapping words each. */
static int same_bytes(const char *a, const char *b, size_t len)
{
	if (len >= 8 && len <= 16)
		return load8(a) == load8(b) && load8(a + len - 8) == load8(b + len - 8);
	return !memcmp(a, b, len);
}

static uint32_t add_string(struct ap_strtab *t, const char *s, size_t len)
{
	char *copy;

	if (t->n == t->cap) {
		uint32_t ncap = t->cap ? t->cap * 2 : 256;
		const char **ns = realloc(t->str, ncap * sizeof(*ns));
		uint32_t *nl;

		if (!ns)
			return 0;
		t->str = ns;
		nl = realloc(t->len, ncap * sizeof(*nl));
		if (!nl)
			return 0;
		t->len = nl;
		t->cap = ncap;
	}
	if (len > UINT32_MAX)
		return 0;
	copy = ap_arena_strndup(&t->arena, s, len);
	if (!copy)
		return 0;
	t->str[t->n] = copy;
	t->len[t->n] = (uint32_t)len;
	return t->n++;
}

int ap_strtab_init(struct ap_strtab *t)
{
	memset(t, 0, sizeof(*t));
	/* most tables hold a few names: small first blocks (a service dump has one per file) */
	ap_arena_init_grow(&t->arena, 1u << 12, 1u << 20);
	t->mask = 127;
	t->slots = ap_zalloc(t->mask + 1, sizeof(*t->slots));
	if (!t->slots)
		return -1;
	/* id 0: absent; id 1: "" */
	if (add_string(t, "", 0) != 0 || add_string(t, "", 0) != AP_STR_EMPTY)
		return -1;
	return 0;
}

void ap_strtab_release(struct ap_strtab *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->str);
	free(t->len);
	ap_arena_release(&t->arena);
	memset(t, 0, sizeof(*t));
}

static int rehash(struct ap_strtab *t)
{
	size_t nmask = t->mask * 2 + 1, i;
	struct ap_strtab_slot *ns = ap_zalloc(nmask + 1, sizeof(*ns));

	if (!ns)
		return -1;
	for (i = 0; i <= t->mask; i++) {
		struct ap_strtab_slot *s = &t->slots[i];
		size_t j;

		if (!s->id)
			continue;
		for (j = s->hash & nmask; ns[j].id; j = (j + 1) & nmask)
			;
		ns[j] = *s;
	}
	free(t->slots);
	t->slots = ns;
	t->mask = nmask;
	return 0;
}

uint32_t ap_strtab_intern(struct ap_strtab *t, const char *s, size_t len, int *bad_utf8)
{
	uint32_t h, id, key;
	size_t j;

	if (len == 0)
		return AP_STR_EMPTY;
	h = hash_bytes(s, len);
	for (j = h & t->mask; t->slots[j].id; j = (j + 1) & t->mask) {
		struct ap_strtab_slot *sl = &t->slots[j];

		if (sl->hash == h && t->len[sl->key] == len && same_bytes(t->str[sl->key], s, len)) {
			if (sl->bad && bad_utf8)
				*bad_utf8 = 1;
			return sl->id;
		}
	}
	if ((size_t)t->n * 2 >= t->mask) {
		if (rehash(t) < 0)
			return 0;
		for (j = h & t->mask; t->slots[j].id; j = (j + 1) & t->mask)
			;
	}
	key = add_string(t, s, len);
	if (!key)
		return 0;
	id = key;
	if (bad_utf8 && !ap_utf8_valid(s, len)) {
		*bad_utf8 = 1;
		id = ap_strtab_intern(t, "N/A", 3, NULL);
		if (!id)
			return 0;
		/* The N/A insertion may have moved the table: find the slot again. */
		for (j = h & t->mask; t->slots[j].id; j = (j + 1) & t->mask)
			;
		t->slots[j].bad = 1;
	}
	t->slots[j].hash = h;
	t->slots[j].id = id;
	t->slots[j].key = key;
	return id;
}

int ap_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}
