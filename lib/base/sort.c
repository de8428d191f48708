#include <stdlib.h>
#include <string.h>

#include "ap/sort.h"
#include "ap/status.h"
#include "banned.h"

#define DIGIT_BITS 11
#define DIGITS (1u << DIGIT_BITS)
#define MAX_DIGITS ((64 + DIGIT_BITS - 1) / DIGIT_BITS) /* of a 64-bit key, the last shorter */

static uint64_t ukey(int64_t k)
{
	return (uint64_t)k ^ (1ull << 63); /* order-preserving for signed keys */
}

int ap_sort_keys(struct ap_sortkey *v, size_t n)
{
	struct ap_sortkey *tmp, *src = v, *dst;
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned d, ndig = 0;
	size_t *count, i;

	if (n < 2)
		return 0;
	for (i = 1; i < n && v[i - 1].key <= v[i].key; i++)
		;
	if (i == n)
		return 0; /* already sorted: common for records written in time order */
	for (i = 0; i < n; i++) {
		uint64_t k = ukey(v[i].key);

		lo = k < lo ? k : lo;
		hi = k > hi ? k : hi;
	}
	/* Digits of (key - min) only up to the highest bit of the range: timestamps of one
	 * capture span far fewer than 64 bits. */
	while (ndig < MAX_DIGITS && ((hi - lo) >> (ndig * DIGIT_BITS)) != 0)
		ndig++;
	tmp = malloc(n * sizeof(*tmp));
	count = calloc((size_t)ndig * DIGITS, sizeof(*count));
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return AP_ENOMEM;
	}
	/* Every digit's histogram in one read of the keys, instead of one read per pass. */
	for (i = 0; i < n; i++) {
		uint64_t k = ukey(v[i].key) - lo;

		for (d = 0; d < ndig; d++)
			count[d * DIGITS + ((k >> (d * DIGIT_BITS)) & (DIGITS - 1))]++;
	}
	dst = tmp;
	for (d = 0; d < ndig; d++) {
		size_t *c = count + (size_t)d * DIGITS, sum = 0;
		unsigned shift = d * DIGIT_BITS;

		if (c[((ukey(src[0].key) - lo) >> shift) & (DIGITS - 1)] == n)
			continue; /* the same digit in every key: this pass would not move any */
		for (i = 0; i < DIGITS; i++) {
			size_t x = c[i];

			c[i] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++)
			dst[c[((ukey(src[i].key) - lo) >> shift) & (DIGITS - 1)]++] = src[i];
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
