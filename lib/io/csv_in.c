/* CSV input through libcsv into an arena-backed table of strings (CONVENTIONS §8). */
#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/csv_in.h"
#include "ap/vec.h"
#include "ap/window.h"
#include "../base/banned.h"

#define CSV_WINDOW ((size_t)1 << 20)

void ap_csv_table_init(struct ap_csv_table *t)
{
	memset(t, 0, sizeof(*t));
	ap_arena_init(&t->arena, 0);
}

void ap_csv_table_release(struct ap_csv_table *t)
{
	if (!t)
		return;
	free(t->cells);
	ap_arena_release(&t->arena);
	ap_csv_table_init(t);
}

long ap_csv_find_col(const struct ap_csv_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->cells[i], name))
			return (long)i;
	return -1;
}

int ap_csv_table_add_row(struct ap_csv_table *t, const char *const *fields, const size_t *lens,
			 size_t n, struct ap_err *err)
{
	size_t i, total = 0, need, first;
	char *p;

	if (t->ncols == 0 && n == 0)
		return ap_err_set(err, AP_EINVAL, "a CSV header needs at least one field");
	if (t->ncols && n != t->ncols)
		return ap_err_set(err, AP_EINVAL, "a row of %zu fields in a table of %zu columns", n,
				  t->ncols);
	for (i = 0; i < n; i++)
		if (__builtin_add_overflow(total, lens[i], &total) ||
		    __builtin_add_overflow(total, 1, &total))
			return ap_err_set(err, AP_ENOMEM, "out of memory: a CSV row of %zu fields", n);
	first = t->ncols ? (t->nrows + 1) * n : 0;
	if (__builtin_add_overflow(first, n, &need))
		return ap_err_set(err, AP_ENOMEM, "out of memory: too many CSV rows");
	if (need > t->cap) {
		size_t cap = t->cap ? t->cap : 64;
		const char **c;

		while (cap < need)
			if (__builtin_mul_overflow(cap, 2, &cap))
				return ap_err_set(err, AP_ENOMEM, "out of memory: too many CSV rows");
		if (cap > SIZE_MAX / sizeof(*c) || !(c = realloc(t->cells, cap * sizeof(*c))))
			return ap_err_set(err, AP_ENOMEM, "out of memory: %zu CSV cells", need);
		t->cells = c;
		t->cap = cap;
	}
	p = ap_arena_alloc(&t->arena, total);
	if (!p)
		return ap_err_set(err, AP_ENOMEM, "out of memory: a CSV row of %zu bytes", total);
	for (i = 0; i < n; i++) {
		if (lens[i])
			memcpy(p, fields[i], lens[i]);
		p[lens[i]] = '\0';
		t->cells[first + i] = p;
		p += lens[i] + 1;
	}
	if (t->ncols)
		t->nrows++;
	else
		t->ncols = n;
	return 0;
}

/* The state of one text being parsed. */
struct rd {
	struct ap_csv_table *t;
	const char *shown;
	struct ap_diag *diag;
	struct ap_err *err;
	struct ap_strbuf bytes;        /* the current row's fields, each followed by a NUL */
	AP_VEC(size_t) off;            /* where each of them starts in bytes */
	AP_VEC(const char *) fields;   /* pointers for ap_csv_table_add_row */
	AP_VEC(size_t) lens;
	int first;                     /* the next row is the text's header */
	int skip;                      /* its header differs from the table's: rows skipped */
	int failed;                    /* out of memory: err is set */
	unsigned long line;            /* line of the parse position (1-based) */
	unsigned long row_line;        /* line of the current row's first field */
	unsigned long bad, bad_line;   /* rows of a wrong field count, line of the first */
	size_t bad_n;                  /* its field count */
};

static void on_field(void *s, size_t len, void *data)
{
	struct rd *r = data;
	size_t *o;

	if (r->failed)
		return;
	if (r->off.n == 0)
		r->row_line = r->line;
	o = ap_vec_push(&r->off);
	if (!o || ap_strbuf_grow(&r->bytes, len + 1) < 0) {
		r->failed = ap_err_set(r->err, AP_ENOMEM, "'%s': out of memory reading a row",
				       r->shown);
		return;
	}
	*o = r->bytes.len;
	ap_strbuf_add(&r->bytes, s ? s : "", s ? len : 0);
	ap_strbuf_addch(&r->bytes, '\0');
}

static int same_header(const struct ap_csv_table *t, const struct rd *r)
{
	size_t i;

	if (r->off.n != t->ncols)
		return 0;
	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cells[i], r->bytes.buf + r->off.v[i]))
			return 0;
	return 1;
}

static void on_row(int c, void *data)
{
	struct rd *r = data;
	size_t i, n = r->off.n;

	(void)c;
	if (r->failed)
		return;
	if (r->first && r->t->ncols && !same_header(r->t, r)) {
		r->skip = 1;
		ap_diag_report(r->diag, AP_DIAG_DATA_LOSS, "csv-header",
			       "'%s': header differs from the one of the first file of its kind; file skipped",
			       r->shown);
	} else if (!r->skip && (!r->first || !r->t->ncols)) {
		if (r->t->ncols && n != r->t->ncols) {
			if (!r->bad++) {
				r->bad_line = r->row_line;
				r->bad_n = n;
			}
		} else if (ap_vec_reserve(&r->fields, n) < 0 || ap_vec_reserve(&r->lens, n) < 0) {
			r->failed = ap_err_set(r->err, AP_ENOMEM, "'%s': out of memory", r->shown);
		} else {
			for (i = 0; i < n; i++) {
				size_t end = i + 1 < n ? r->off.v[i + 1] : r->bytes.len;

				r->fields.v[i] = r->bytes.buf + r->off.v[i];
				r->lens.v[i] = end - r->off.v[i] - 1;
			}
			int e = ap_csv_table_add_row(r->t, r->fields.v, r->lens.v, n, r->err);

			if (e < 0) {
				if (r->err)
					ap_err_prefix(r->err, "'%s'", r->shown);
				r->failed = e;
			}
		}
	}
	r->first = 0;
	r->off.n = 0;
	ap_strbuf_reset(&r->bytes);
}

/* Never trim: msprof's timestamps end with a TAB that is part of the value. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int rd_begin(struct rd *r, struct csv_parser *p, struct ap_csv_table *t, const char *shown,
		    struct ap_diag *diag, struct ap_err *err)
{
	memset(r, 0, sizeof(*r));
	ap_strbuf_init(&r->bytes);
	r->t = t;
	r->shown = shown;
	r->diag = diag;
	r->err = err;
	r->first = 1;
	r->line = 1;
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return ap_err_set(err, AP_ENOMEM, "'%s': out of memory", shown);
	csv_set_space_func(p, no_space);
	return 0;
}

/* Feeds len bytes starting at file offset pos, a line at a time so that rows know their line.
 * Returns 0, 1 when the parse stopped (malformed CSV, reported), or a negative status. */
static int rd_feed(struct rd *r, struct csv_parser *p, const char *s, size_t len, uint64_t pos)
{
	size_t done = 0;

	while (done < len) {
		const char *nl = memchr(s + done, '\n', len - done);
		size_t n = nl ? (size_t)(nl - (s + done)) + 1 : len - done;
		size_t used = csv_parse(p, s + done, n, on_field, on_row, r);

		if (r->failed)
			return r->failed;
		if (used != n) {
			if (csv_error(p) == CSV_ENOMEM || csv_error(p) == CSV_ETOOBIG)
				return ap_err_set(r->err, AP_ENOMEM, "'%s': out of memory at line %lu",
						  r->shown, r->line);
			ap_diag_report(r->diag, AP_DIAG_DATA_LOSS, "csv-malformed",
				       "'%s': malformed CSV at line %lu (byte offset %llu): %s; the rest of the file is skipped",
				       r->shown, r->line, (unsigned long long)(pos + done + used),
				       csv_strerror(csv_error(p)));
			return 1;
		}
		done += n;
		if (nl)
			r->line++;
	}
	return 0;
}

/* Ends the text (stopped: the parse was cut short) and reports its bad rows. */
static int rd_end(struct rd *r, struct csv_parser *p, int stopped, uint64_t size)
{
	int ret = stopped < 0 ? stopped : 0;

	if (!stopped && csv_fini(p, on_field, on_row, r) != 0 && !r->failed)
		ap_diag_report(r->diag, AP_DIAG_DATA_LOSS, "csv-malformed",
			       "'%s': malformed CSV at line %lu (byte offset %llu): %s; the rest of the file is skipped",
			       r->shown, r->line, (unsigned long long)size,
			       csv_error(p) == CSV_EPARSE ? "quoted field not terminated at the end of the file"
							   : csv_strerror(csv_error(p)));
	if (r->failed)
		ret = r->failed;
	if (ret == 0 && r->bad)
		ap_diag_report(r->diag, AP_DIAG_DATA_LOSS, "csv-fields",
			       "'%s': %lu row%s with a field count other than the header's %zu skipped (first: line %lu, %zu field%s)",
			       r->shown, r->bad, r->bad == 1 ? "" : "s", r->t->ncols, r->bad_line,
			       r->bad_n, r->bad_n == 1 ? "" : "s");
	csv_free(p);
	ap_strbuf_release(&r->bytes);
	free(r->off.v);
	free(r->fields.v);
	free(r->lens.v);
	return ret;
}

int ap_csv_read_mem(struct ap_csv_table *t, const char *shown, const void *data, size_t len,
		    struct ap_diag *diag, struct ap_err *err)
{
	struct csv_parser p;
	struct rd r;

	AP_FORWARD_IF_ERROR(rd_begin(&r, &p, t, shown, diag, err));
	return rd_end(&r, &p, rd_feed(&r, &p, data, len, 0), len);
}

int ap_csv_read_file(struct ap_csv_table *t, const char *path, const char *shown,
		     struct ap_diag *diag, struct ap_err *err)
{
	struct ap_window w;
	struct csv_parser p;
	struct rd r;
	uint64_t pos = 0;
	int ret;

	ap_window_init(&w);
	ret = ap_window_open(&w, path, CSV_WINDOW, err);
	if (ret < 0) {
		ap_window_close(&w);
		return ret;
	}
	ret = rd_begin(&r, &p, t, shown, diag, err);
	if (ret < 0) {
		ap_window_close(&w);
		return ret;
	}
	for (;;) {
		ret = ap_window_fill(&w, w.len, CSV_WINDOW, err);
		if (ret < 0 || w.len == 0)
			break;
		ret = rd_feed(&r, &p, (const char *)w.buf, w.len, pos);
		pos += w.len;
		if (ret != 0)
			break;
	}
	ret = rd_end(&r, &p, ret, pos);
	ap_window_close(&w);
	return ret;
}
