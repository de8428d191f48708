#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/checked.h"
#include "ap/status.h"
#include "ap/vec.h"
#include "banned.h"

/* Tables get ordinary pages, on purpose. Asking for transparent huge pages (bd1ed05) saved 2.5%
 * where huge pages were at hand, but on a VM that hands free 2 MiB blocks back to its host each
 * fresh huge page is zeroed through host faults: the 1 GB benchmark dump ran 25-33% slower. */
int ap_vec__reserve(void **v, size_t *cap, size_t n, size_t extra, size_t elem)
{
	size_t need, ncap, bytes;
	void *p;

	if (ap_add_size(n, extra, &need) < 0)
		return AP_ENOMEM;
	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ap_mul_size(ncap, elem, &bytes) < 0)
		return AP_ENOMEM;
	p = realloc(*v, bytes);
	if (!p)
		return AP_ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

void *ap_zalloc(size_t n, size_t elem)
{
	size_t bytes;
	void *p;

	/* Keep the two sizes apart (bytes ? bytes : 1 against bytes): compilers may fold a malloc
	 * followed by a memset of its whole size into calloc, which is what this avoids. */
	if (ap_mul_size(n, elem, &bytes) < 0 || !(p = malloc(bytes ? bytes : 1)))
		return NULL;
	return memset(p, 0, bytes);
}

void *ap_vec__push(void **v, size_t *n, size_t *cap, size_t elem)
{
	unsigned char *slot;

	if (ap_vec__reserve(v, cap, *n, 1, elem) < 0)
		return NULL;
	slot = (unsigned char *)*v + *n * elem;
	memset(slot, 0, elem);
	(*n)++;
	return slot;
}
