/* Checked arithmetic for sizes, counts and offsets read from files (git st_mult). */
#ifndef AP_CHECKED_H
#define AP_CHECKED_H

#include <stddef.h>
#include <stdint.h>

/* Each returns 0 and stores the result, or -1 on overflow (result untouched). */
static inline int ap_add_size(size_t a, size_t b, size_t *out)
{
	if (a > SIZE_MAX - b)
		return -1;
	*out = a + b;
	return 0;
}

static inline int ap_mul_size(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return -1;
	*out = a * b;
	return 0;
}

/* Saturating int64 arithmetic: results clamp at INT64_MIN / INT64_MAX. */
static inline int64_t ap_sat_add_i64(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static inline int64_t ap_sat_sub_i64(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

#endif
