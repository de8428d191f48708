/* Stable sorting of (int64 key, uint32 index) pairs: LSD radix sort, passes over bytes
 * that are equal in every key skipped. Sorting once over millions of records is on the
 * hot path (CONVENTIONS: "sort once"). */
#ifndef AP_SORT_H
#define AP_SORT_H

#include <stddef.h>
#include <stdint.h>

struct ap_sortkey {
	int64_t key;
	uint32_t idx;
};

/* The key of an unsigned value: biased so that the signed order of keys is its order. */
static inline int64_t ap_sortkey_u64(uint64_t v)
{
	return (int64_t)(v ^ (1ull << 63));
}

/* The unsigned value of a key: ap_sortkey_u64 undone, keys in order as unsigned values. */
static inline uint64_t ap_sortkey_to_u64(int64_t key)
{
	return (uint64_t)key ^ (1ull << 63);
}

/* Sorts v[0..n) by key, stably (equal keys keep their order). Returns 0 or AP_ENOMEM. */
int ap_sort_keys(struct ap_sortkey *v, size_t n);

#endif
