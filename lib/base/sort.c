#include <stdlib.h>
#include <string.h>

#include "ap/sort.h"
#include "ap/status.h"
#include "banned.h"

static uint64_t ukey(int64_t k)
{
	return (uint64_t)k ^ (1ull << 63); /* order-preserving for signed keys */
}

int ap_sort_keys(struct ap_sortkey *v, size_t n)
{
	struct ap_sortkey *tmp, *src = v, *dst;
	uint64_t all_and = ~0ull, all_or = 0;
	size_t i, pass;

	if (n < 2)
		return 0;
	for (i = 1; i < n && v[i - 1].key <= v[i].key; i++)
		;
	if (i == n)
		return 0; /* already sorted: common for records written in time order */
	for (i = 0; i < n; i++) {
		all_and &= ukey(v[i].key);
		all_or |= ukey(v[i].key);
	}
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return AP_ENOMEM;
	dst = tmp;
	for (pass = 0; pass < 8; pass++) {
		unsigned shift = (unsigned)pass * 8;
		size_t count[256] = { 0 }, sum = 0;

		if (((all_and ^ all_or) >> shift & 0xff) == 0)
			continue; /* every key has the same byte here */
		for (i = 0; i < n; i++)
			count[ukey(src[i].key) >> shift & 0xff]++;
		for (i = 0; i < 256; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[ukey(src[i].key) >> shift & 0xff]++] = src[i];
		{
			struct ap_sortkey *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return 0;
}
