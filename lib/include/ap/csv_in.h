/* CSV input (CONVENTIONS §8: read with libcsv) into an in-memory table of strings: a header
 * and rows of fields, all bytes in one arena (one allocation a row, none a field). The same
 * table is what a decoder builds in memory for a writer that takes "rows of msprof strings"
 * (e.g. op_summary for kernel_details.csv), so it has a builder too (ap_csv_table_add_row). */
#ifndef AP_CSV_IN_H
#define AP_CSV_IN_H

#include <stddef.h>

#include "ap/arena.h"
#include "ap/diag.h"
#include "ap/err.h"

struct ap_csv_table {
	size_t ncols;         /* fields of the header; 0 while there is no header */
	size_t nrows;         /* data rows */
	/* (1 + nrows) * ncols NUL-terminated strings, row-major: the header first. A field's
	 * text ends at its first NUL byte (msprof writes none). Read with ap_csv_cell/_col. */
	const char **cells;
	size_t cap;           /* cells allocated */
	struct ap_arena arena; /* the bytes of every field */
};

void ap_csv_table_init(struct ap_csv_table *t);
/* Frees everything; accepts NULL. The table is initialised again afterwards. */
void ap_csv_table_release(struct ap_csv_table *t);

/* Appends one row of n fields (field i: lens[i] bytes at fields[i], copied). The first row of
 * an empty table is its header and sets ncols; every later row must have ncols fields.
 * Returns 0, AP_EINVAL (n differs from ncols, or n == 0 for a header; nothing added) or
 * AP_ENOMEM, with err set. */
int ap_csv_table_add_row(struct ap_csv_table *t, const char *const *fields, const size_t *lens,
			 size_t n, struct ap_err *err);

/* Header name of column col (< ncols). Borrowed until the table is released. */
static inline const char *ap_csv_col(const struct ap_csv_table *t, size_t col)
{
	return t->cells[col];
}
/* Field col (< ncols) of data row row (< nrows). Borrowed until the table is released. */
static inline const char *ap_csv_cell(const struct ap_csv_table *t, size_t row, size_t col)
{
	return t->cells[(row + 1) * t->ncols + col];
}
/* Index of the first column named name, or -1. */
long ap_csv_find_col(const struct ap_csv_table *t, const char *name);

/* Parses CSV text (RFC 4180 as Python's csv module writes it: ',' delimiter, '"' quoting with
 * "" inside quotes, CRLF or LF line ends, blank lines skipped) and appends it to t. Fields are
 * kept verbatim: no blanks are trimmed (msprof ends its timestamps with a TAB). The text's
 * first row is its header: into an empty table it becomes the header; into a table that has
 * one it must equal it, or the text is skipped as data loss. shown names the text in
 * messages. Data loss goes to diag (kind AP_DIAG_DATA_LOSS) and the rest is still read:
 *  - rows with a field count other than the header's are skipped, reported once with their
 *    count and the line of the first;
 *  - malformed CSV (a quote inside an unquoted field, text after a closing quote, a quoted
 *    field left open at the end) ends the reading at that point: the rows before it are kept
 *    and the message gives the line and byte offset.
 * Returns 0 (possibly adding nothing) or AP_ENOMEM with err set. */
int ap_csv_read_mem(struct ap_csv_table *t, const char *shown, const void *data, size_t len,
		    struct ap_diag *diag, struct ap_err *err);
/* Like ap_csv_read_mem for the file at path, read in windows (any size). Returns 0, or
 * AP_ENOTFOUND / AP_EIO (unreadable file: nothing added) / AP_ENOMEM with err set naming
 * shown. */
int ap_csv_read_file(struct ap_csv_table *t, const char *path, const char *shown,
		     struct ap_diag *diag, struct ap_err *err);

#endif
