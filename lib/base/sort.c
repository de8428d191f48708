#include <stdlib.h>
#include <string.h>

#include "ap/sort.h"
#include "ap/status.h"
#include "banned.h"

#define DIGIT_BITS 11
#define DIGITS (1u << DIGIT_BITS)

static uint64_t ukey(int64_t k)
{
	return (uint64_t)k ^ (1ull << 63); /* order-preserving for signed keys */
}

int ap_sort_keys(struct ap_sortkey *v, size_t n)
{
	struct ap_sortkey *tmp, *src = v, *dst;
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned shift;
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
	tmp = malloc(n * sizeof(*tmp));
	count = malloc(DIGITS * sizeof(*count));
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return AP_ENOMEM;
	}
	dst = tmp;
	/* Digits of (key - min) only up to the highest bit of the range: timestamps of one
	 * capture span far fewer than 64 bits. */
	for (shift = 0; shift < 64 && ((hi - lo) >> shift) != 0; shift += DIGIT_BITS) {
		size_t sum = 0;

		memset(count, 0, DIGITS * sizeof(*count));
		for (i = 0; i < n; i++)
			count[((ukey(src[i].key) - lo) >> shift) & (DIGITS - 1)]++;
		for (i = 0; i < DIGITS; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[((ukey(src[i].key) - lo) >> shift) & (DIGITS - 1)]++] = src[i];
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
