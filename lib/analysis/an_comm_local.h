/* Shared by the two halves of the communication analysis: msprof's per-op part (an_comm.c)
 * and torch_npu's split by step (an_comm_step.c). */
#ifndef AP_AN_COMM_LOCAL_H
#define AP_AN_COMM_LOCAL_H

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/comm.h"
#include "ap/fmt.h"

/* Python's a += x where x is a float (isf 1) or an int (isf 0). */
static inline void ap_comm__add(struct ap_pynum *a, double x, int isf)
{
	a->v += x;
	a->isf |= (uint8_t)isf;
}

/* The two ratios of a time info (t[5], t[6]) from Transit (t[1]), Wait (t[2]) and
 * Synchronization (t[3]): msprof's update_time_ratio (torch 0), where a zero denominator
 * leaves the ratio as it was, or torch_npu's compute_ratio (torch 1), where a denominator
 * below 1e-15 gives the int 0. Python's round(x, 4) either way. */
static inline void ap_comm__ratios(struct ap_pynum *t, int torch)
{
	double d = t[2].v + t[1].v;

	if (torch ? !(d < 1e-15 && d > -1e-15) : d != 0) {
		t[5].v = ap_fmt_py_round(t[2].v / d, 4);
		t[5].isf = 1;
	} else if (torch) {
		t[5].v = 0;
		t[5].isf = 0;
	}
	d = t[3].v + t[1].v;
	if (torch ? !(d < 1e-15 && d > -1e-15) : d != 0) {
		t[6].v = ap_fmt_py_round(t[3].v / d, 4);
		t[6].isf = 1;
	} else if (torch) {
		t[6].v = 0;
		t[6].isf = 0;
	}
}

/* 1 when s holds needle, ASCII case ignored ('x' in s.lower()). */
static inline int ap_comm__has_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle), i;

	for (; s && *s; s++) {
		for (i = 0; i < n && s[i] && tolower((unsigned char)s[i]) == needle[i]; i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/* float(trans_into_local_time(ns)): the local time as a decimal µs string with 3 decimals,
 * read as the nearest double. */
static inline double ap_comm__ns_to_us(int64_t ns)
{
	char buf[AP_FMT_MAX];

	ap_fmt_ns_us3(buf, ns);
	return strtod(buf, NULL);
}

#endif
