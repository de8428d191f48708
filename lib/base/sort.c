#include <stdlib.h>
#include <string.h>

#include "ap/sort.h"
#include "ap/status.h"
#include "banned.h"

#define DIGIT_BITS 11
#define DIGITS (1u << DIGIT_BITS)

/* bits needed for v: 0 for 0 */
static unsigned bit_width(uint64_t v)
{
	unsigned b = 0;

	while (b < 64 && (v >> b) != 0)
		b++;
	return b;
}

/* Every digit's histogram of the keys (key - lo), in one read. */
#define HISTOGRAM(count, ndig, key_of)                                                     \
	do {                                                                               \
		unsigned d_;                                                               \
                                                                                           \
		for (d_ = 0; d_ < (ndig); d_++)                                            \
			(count)[d_ * DIGITS + (((key_of) >> (d_ * DIGIT_BITS)) & (DIGITS - 1))]++; \
	} while (0)

/* Turns digit d's counts into start offsets; returns 0 when every key has the same digit
 * (first, a key's digit), as the pass would then move nothing. */
static int prefix_sums(size_t *c, size_t n, uint64_t first)
{
	size_t i, sum = 0;

	if (c[first & (DIGITS - 1)] == n)
		return 0;
	for (i = 0; i < DIGITS; i++) {
		size_t x = c[i];

		c[i] = sum;
		sum += x;
	}
	return 1;
}

/* The key and index of the packed word at p (sort_packed) into e. */
static void unpack(struct ap_sortkey *e, const unsigned char *p, uint64_t lo, unsigned ibits)
{
	uint64_t w;

	memcpy(&w, p, 8);
	e->key = ap_sortkey_u64(lo + (w >> ibits));
	e->idx = (uint32_t)(w & ((1ull << ibits) - 1));
}

/* The keys and indexes packed into one 64-bit word each, (key - lo) << ibits | idx, in the
 * memory of v itself: its first half holds the words, its second half is the radix sort's
 * other buffer. Half the bytes moved per pass, and no buffer to allocate. Words are read and
 * written with memcpy: the memory may be a declared array of struct ap_sortkey. */
static int sort_packed(struct ap_sortkey *v, size_t n, uint64_t lo, unsigned ndig, unsigned ibits)
{
	unsigned char *a = (unsigned char *)v, *b = a + n * 8, *src = a, *dst = b;
	uint64_t first;
	size_t *count = calloc((size_t)ndig * DIGITS, sizeof(*count)), i;
	unsigned d;

	if (!count)
		return AP_ENOMEM;
	/* word i lands on bytes of v[i / 2], read before */
	for (i = 0; i < n; i++) {
		uint64_t k = ap_sortkey_to_u64(v[i].key) - lo, w = k << ibits | v[i].idx;

		HISTOGRAM(count, ndig, k);
		memcpy(a + i * 8, &w, 8);
	}
	for (d = 0; d < ndig; d++) {
		unsigned shift = ibits + d * DIGIT_BITS;

		memcpy(&first, src, 8);
		if (!prefix_sums(count + (size_t)d * DIGITS, n, first >> shift))
			continue;
		for (i = 0; i < n; i++) {
			uint64_t w;

			memcpy(&w, src + i * 8, 8);
			memcpy(dst + count[(size_t)d * DIGITS + ((w >> shift) & (DIGITS - 1))]++ * 8,
			       &w, 8);
		}
		{
			unsigned char *t = src;

			src = dst;
			dst = t;
		}
	}
	/* Unpacked in place: from the first half backwards (v[i] covers words 2i and 2i + 1,
	 * read already), from the second half forwards (v[i] covers words 2i - n and 2i - n + 1,
	 * no later than i). */
	if (src == a) {
		for (i = n; i-- > 0;)
			unpack(&v[i], a + i * 8, lo, ibits);
	} else {
		for (i = 0; i < n; i++)
			unpack(&v[i], b + i * 8, lo, ibits);
	}
	free(count);
	return 0;
}

int ap_sort_keys(struct ap_sortkey *v, size_t n)
{
	struct ap_sortkey *tmp, *src = v, *dst;
	uint64_t lo = UINT64_MAX, hi = 0;
	uint32_t maxidx = 0;
	unsigned d, ndig, kbits, ibits;
	size_t *count, i;

	if (n < 2)
		return 0;
	for (i = 1; i < n && v[i - 1].key <= v[i].key; i++)
		;
	if (i == n)
		return 0; /* already sorted: common for records written in time order */
	for (i = 0; i < n; i++) {
		uint64_t k = ap_sortkey_to_u64(v[i].key);

		lo = k < lo ? k : lo;
		hi = k > hi ? k : hi;
		maxidx = v[i].idx > maxidx ? v[i].idx : maxidx;
	}
	/* Digits of (key - min) only up to the highest bit of the range: timestamps of one
	 * capture span far fewer than 64 bits. */
	kbits = bit_width(hi - lo);
	ndig = (kbits + DIGIT_BITS - 1) / DIGIT_BITS;
	ibits = bit_width(maxidx);
	/* two words fit in one key where keys are 16 bytes (not on i386: 12) */
	if (sizeof(*v) >= 2 * sizeof(uint64_t) && kbits + ibits <= 64)
		return sort_packed(v, n, lo, ndig, ibits);
	tmp = malloc(n * sizeof(*tmp));
	count = calloc((size_t)ndig * DIGITS, sizeof(*count));
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return AP_ENOMEM;
	}
	for (i = 0; i < n; i++)
		HISTOGRAM(count, ndig, ap_sortkey_to_u64(v[i].key) - lo);
	dst = tmp;
	for (d = 0; d < ndig; d++) {
		size_t *c = count + (size_t)d * DIGITS;
		unsigned shift = d * DIGIT_BITS;

		if (!prefix_sums(c, n, (ap_sortkey_to_u64(src[0].key) - lo) >> shift))
			continue;
		for (i = 0; i < n; i++) {
			uint64_t k = ap_sortkey_to_u64(src[i].key) - lo;

			dst[c[(k >> shift) & (DIGITS - 1)]++] = src[i];
		}
		{
			struct ap_sortkey *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	free(count);
	return 0;
}
