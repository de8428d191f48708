/* Shared by the writers of the CANN tables (w_cann_tables.c: op_summary, task_time;
 * w_cann_stats.c: op_statistic, api_statistic): rows of strings under construction, number
 * texts and the integer orderings. Not public. */
#ifndef AP_W_CANN_LOCAL_H
#define AP_W_CANN_LOCAL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_tables.h"
#include "ap/fmt.h"
#include "ap/sort.h"

#define NA "N/A"
#define KEYLEN 24 /* a u64 as µs text: 20 digits, '.', TAB, NUL */

/* One output row under construction: fields point at strtab strings, literals or bufs. */
struct row {
	const char *f[21];
	size_t len[21];
	size_t n;
	char buf[12][AP_FMT_MAX];
	unsigned nbuf;
};

static inline void put(struct row *r, const char *s)
{
	r->f[r->n] = s;
	r->len[r->n++] = strlen(s);
}

static inline void put_n(struct row *r, const char *s, size_t len)
{
	r->f[r->n] = s;
	r->len[r->n++] = len;
}

static inline void drop_col(struct row *r, size_t col)
{
	memmove(&r->f[col], &r->f[col + 1], (r->n - col - 1) * sizeof(r->f[0]));
	memmove(&r->len[col], &r->len[col + 1], (r->n - col - 1) * sizeof(r->len[0]));
	r->n--;
}

static inline char *next_buf(struct row *r)
{
	return r->buf[r->nbuf++];
}

static inline void put_u64(struct row *r, uint64_t v)
{
	char *b = next_buf(r);

	put_n(r, b, ap_fmt_u64(b, v));
}

/* A string column: AP_STR_NONE prints N/A. */
static inline const char *str_or_na(const struct ap_cann_view *v, uint32_t id)
{
	const char *s = ap_strtab_get(&v->strs, id);

	return s ? s : NA;
}

static inline int start_table(struct ap_csv_table *out, const char *const *cols, size_t n,
		       const char *what, struct ap_err *err)
{
	size_t lens[24], i;

	AP_RETURN_ERROR_IF(out->ncols || out->nrows, err, AP_EINVAL,
			   "%s: the output table is not empty", what);
	for (i = 0; i < n; i++)
		lens[i] = strlen(cols[i]);
	return ap_csv_table_add_row(out, cols, lens, n, err);
}

static inline int add_row(struct ap_csv_table *out, struct row *r, const char *what, struct ap_err *err)
{
	int rc = ap_csv_table_add_row(out, r->f, r->len, r->n, err);

	if (rc < 0)
		ap_err_prefix(err, "%s", what);
	r->n = 0;
	r->nbuf = 0;
	return rc;
}

static inline int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static inline int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static inline int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

/* ---- ordering by integer keys ------------------------------------------------------------ */

/* The digits of v in decimal. */
static inline int ndigits(uint64_t v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* Whether the n starts (every stride bytes from first) are non-negative with as many digits
 * as each other: then comparing their µs texts is comparing the numbers. */
static inline int uniform_starts(const int64_t *const *start, size_t n)
{
	size_t i;
	int d;

	if (!n)
		return 1;
	if (*start[0] < 0)
		return 0;
	d = ndigits((uint64_t)*start[0]);
	for (i = 1; i < n; i++)
		if (*start[i] < 0 || ndigits((uint64_t)*start[i]) != d)
			return 0;
	return 1;
}

/* rank[i]: the place of device devs[i] among the distinct devices when their ids are compared
 * as text, as upstream compares the Device_id strings ("10" before "2"). Returns 0, or -1 for
 * more than 64 devices (the caller compares texts then). */
static inline int dev_ranks(const uint32_t *devs, size_t n, uint32_t *rank)
{
	uint32_t seen[64];
	size_t ns = 0, i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < ns && seen[k] != devs[i]; k++)
			;
		if (k == ns && ns == 64)
			return -1;
		if (k == ns)
			seen[ns++] = devs[i];
	}
	for (i = 0; i < n; i++) {
		char a[AP_FMT_MAX], b[AP_FMT_MAX];
		uint32_t r = 0;

		a[ap_fmt_u64(a, devs[i])] = '\0';
		for (k = 0; k < ns; k++) {
			b[ap_fmt_u64(b, seen[k])] = '\0';
			r += strcmp(b, a) < 0;
		}
		rank[i] = r;
	}
	return 0;
}

/* order[0..n) = the permutation sorting the rows by key(ctx, i, p) for p = np - 1 (most
 * significant) down to 0, stably. Returns 0 or AP_ENOMEM. */
static inline int radix_order(size_t n, int np, int64_t (*key)(const void *ctx, size_t i, int p),
		       const void *ctx, uint32_t *order)
{
	struct ap_sortkey *s = malloc((n ? n : 1) * sizeof(*s));
	size_t i;
	int p;

	if (!s)
		return AP_ENOMEM;
	for (i = 0; i < n; i++)
		s[i].idx = (uint32_t)i;
	for (p = 0; p < np; p++) {
		for (i = 0; i < n; i++)
			s[i].key = key(ctx, s[i].idx, p);
		if (ap_sort_keys(s, n) < 0) {
			free(s);
			return AP_ENOMEM;
		}
	}
	for (i = 0; i < n; i++)
		order[i] = s[i].idx;
	free(s);
	return 0;
}

/* Reorders n items of size sz at v by order. Returns 0 or AP_ENOMEM. */
static inline int permute(void *v, size_t n, size_t sz, const uint32_t *order)
{
	char *tmp = malloc((n ? n : 1) * sz);
	size_t i;

	if (!tmp)
		return AP_ENOMEM;
	for (i = 0; i < n; i++)
		memcpy(tmp + i * sz, (char *)v + (size_t)order[i] * sz, sz);
	memcpy(v, tmp, n * sz);
	free(tmp);
	return 0;
}

/* Upstream's uint64 arithmetic on end - timestamp (a negative duration wraps). */
static inline uint64_t dur_u64(int64_t start, int64_t end)
{
	return (uint64_t)end - (uint64_t)start;
}

/* An HCCL op row (Task ID N/A) rather than a compute task. */
static inline int is_comm(const struct ap_cann_op_row *op)
{
	return op->task_id == AP_CANN_NA;
}

#endif
