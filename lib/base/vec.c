#define _DEFAULT_SOURCE /* madvise */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ap/checked.h"
#include "ap/status.h"
#include "ap/vec.h"
#include "banned.h"

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* Record tables of millions of entries are filled once, front to back: transparent huge
 * pages turn hundreds of page faults (each a zeroed 4 KiB page) into one. Only whole huge
 * pages inside the block are advised, so at most one partly used huge page is added to
 * resident memory; a kernel without them ignores the hint. */
static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);

	if (bytes >= 4 * HUGE_PAGE && hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

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
	advise_huge(p, bytes);
	return 0;
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
