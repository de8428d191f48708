/* A hash map from 64-bit keys (thread ids, hash keys, sequence numbers, string ids) to
 * 32-bit values: open addressing, grows as needed. */
#ifndef AP_U64MAP_H
#define AP_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct ap_u64map_slot {
	uint64_t key;
	uint32_t val;
	uint32_t used;
};

struct ap_u64map {
	struct ap_u64map_slot *v;
	size_t mask, count;
};

/* Sized for about expected keys. Returns 0 or AP_ENOMEM. */
int ap_u64map_init(struct ap_u64map *m, size_t expected);
/* Frees the slots; accepts NULL and a zeroed map. */
void ap_u64map_release(struct ap_u64map *m);
/* The slot of key, or NULL when key is absent. */
struct ap_u64map_slot *ap_u64map_find(const struct ap_u64map *m, uint64_t key);
/* The slot of key, added with val 0 when new (*added says which, when not NULL); NULL when
 * out of memory. Slot pointers are valid until the next ap_u64map_get. */
struct ap_u64map_slot *ap_u64map_get(struct ap_u64map *m, uint64_t key, int *added);

#endif
