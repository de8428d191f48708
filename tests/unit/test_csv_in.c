/* Unit tests of lib/io/csv_in.c: the table builder, parsing (CRLF/LF, quoting, blanks kept),
 * data loss (field counts, malformed CSV, differing headers) and file reading across windows. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/csv_in.h"
#include "../../lib/base/banned.h"

static struct ap_csv_table t;
static struct ap_diag diag;
static struct ap_err err;

static void setup(void)
{
	ap_csv_table_init(&t);
	ap_diag_init(&diag);
	ap_err_init(&err);
}

static void teardown(void)
{
	ap_csv_table_release(&t);
	ap_diag_release(&diag);
	ap_err_release(&err);
}

static int parse(const char *text)
{
	return ap_csv_read_mem(&t, "x.csv", text, strlen(text), &diag, &err);
}

START_TEST(builder)
{
	const char *h[] = { "a", "b" }, *r1[] = { "1", "" }, *bad[] = { "x" };
	size_t hl[] = { 1, 1 }, rl[] = { 1, 0 }, bl[] = { 1 };

	ck_assert_int_eq(ap_csv_table_add_row(&t, NULL, NULL, 0, &err), AP_EINVAL);
	ck_assert_int_eq(ap_csv_table_add_row(&t, h, hl, 2, &err), 0);
	ck_assert_int_eq(ap_csv_table_add_row(&t, r1, rl, 2, &err), 0);
	ck_assert_int_eq(ap_csv_table_add_row(&t, bad, bl, 1, &err), AP_EINVAL);
	ck_assert_uint_eq(t.ncols, 2);
	ck_assert_uint_eq(t.nrows, 1);
	ck_assert_str_eq(ap_csv_col(&t, 1), "b");
	ck_assert_str_eq(ap_csv_cell(&t, 0, 0), "1");
	ck_assert_str_eq(ap_csv_cell(&t, 0, 1), "");
	ck_assert_int_eq(ap_csv_find_col(&t, "b"), 1);
	ck_assert_int_eq(ap_csv_find_col(&t, "c"), -1);
}
END_TEST

START_TEST(quoting_and_line_ends)
{
	/* CRLF and LF mixed, a blank line, doubled quotes, a quoted comma and line break, a
	 * trailing TAB and leading blanks kept, an empty last field, no final line end */
	ck_assert_int_eq(parse("h1,h2,h3\r\n"
			       "1787504007005868.315\t, x ,\"\"\"512,16\"\"\"\r\n"
			       "\n"
			       "a,\"two\r\nlines\",\n"
			       "p,q,r"),
			 0);
	ck_assert_uint_eq(t.ncols, 3);
	ck_assert_uint_eq(t.nrows, 3);
	ck_assert_str_eq(ap_csv_cell(&t, 0, 0), "1787504007005868.315\t");
	ck_assert_str_eq(ap_csv_cell(&t, 0, 1), " x ");
	ck_assert_str_eq(ap_csv_cell(&t, 0, 2), "\"512,16\"");
	ck_assert_str_eq(ap_csv_cell(&t, 1, 1), "two\r\nlines");
	ck_assert_str_eq(ap_csv_cell(&t, 1, 2), "");
	ck_assert_str_eq(ap_csv_cell(&t, 2, 2), "r");
	ck_assert_uint_eq(diag.n, 0);
}
END_TEST

START_TEST(field_count_is_data_loss)
{
	ck_assert_int_eq(parse("a,b\n1,2\n3\n4,5\n6,7,8\n9,10\n"), 0);
	ck_assert_uint_eq(t.nrows, 3); /* the rest is still read */
	ck_assert_str_eq(ap_csv_cell(&t, 2, 1), "10");
	ck_assert_uint_eq(diag.n, 1); /* reported once, with the count */
	ck_assert_int_eq(diag.v[0].kind, AP_DIAG_DATA_LOSS);
	ck_assert_str_eq(diag.v[0].first.buf,
			 "'x.csv': 2 rows with a field count other than the header's 2 skipped (first: line 3, 1 field)");
}
END_TEST

START_TEST(malformed_keeps_rows_before)
{
	ck_assert_int_eq(parse("a,b\n1,2\n3,\"x\"y\n5,6\n"), 0);
	ck_assert_uint_eq(t.nrows, 1);
	ck_assert_uint_eq(diag.n, 1);
	ck_assert_int_eq(diag.v[0].kind, AP_DIAG_DATA_LOSS);
	/* the offending byte: the y after the closing quote */
	ck_assert_ptr_nonnull(strstr(diag.v[0].first.buf, "'x.csv': malformed CSV at line 3 (byte offset 13)"));
}
END_TEST

START_TEST(open_quote_at_end)
{
	ck_assert_int_eq(parse("a,b\n1,2\n3,\"never closed\n"), 0);
	ck_assert_uint_eq(t.nrows, 1);
	ck_assert_uint_eq(diag.n, 1);
	ck_assert_ptr_nonnull(strstr(diag.v[0].first.buf, "quoted field not terminated"));
}
END_TEST

START_TEST(append_and_header_mismatch)
{
	ck_assert_int_eq(parse("a,b\n1,2\n"), 0);
	ck_assert_int_eq(parse("a,b\r\n3,4\r\n"), 0); /* a second slice: appended */
	ck_assert_uint_eq(t.nrows, 2);
	ck_assert_str_eq(ap_csv_cell(&t, 1, 0), "3");
	ck_assert_int_eq(parse("a,c\n5,6\n"), 0); /* other header: skipped as data loss */
	ck_assert_uint_eq(t.nrows, 2);
	ck_assert_uint_eq(diag.n, 1);
	ck_assert_str_eq(diag.v[0].first.buf,
			 "'x.csv': header differs from the one of the first file of its kind; file skipped");
}
END_TEST

START_TEST(empty_text)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_uint_eq(t.ncols, 0);
	ck_assert_uint_eq(t.nrows, 0);
	ck_assert_int_eq(parse("h\n"), 0);
	ck_assert_uint_eq(t.ncols, 1);
	ck_assert_uint_eq(t.nrows, 0);
}
END_TEST

/* A file of several read windows: fields cut by window ends, line numbers kept. */
START_TEST(file_across_windows)
{
	char path[256];
	const char *base = getenv("TMPDIR");
	FILE *f;
	int fd, i;

	snprintf(path, sizeof(path), "%s/ap_csv_XXXXXX", base && *base ? base : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs("id,name,start\r\n", f);
	for (i = 0; i < 60000; i++)
		fprintf(f, "%d,\"op,%d\",1787504007005868.%03d\t\r\n", i, i, i % 1000);
	fputs("bad\r\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(ap_csv_read_file(&t, path, "big.csv", &diag, &err), 0);
	ck_assert_uint_eq(t.nrows, 60000);
	ck_assert_str_eq(ap_csv_cell(&t, 59999, 1), "op,59999");
	ck_assert_str_eq(ap_csv_cell(&t, 54321, 2), "1787504007005868.321\t");
	ck_assert_uint_eq(diag.n, 1);
	ck_assert_ptr_nonnull(strstr(diag.v[0].first.buf, "(first: line 60002, 1 field)"));
	unlink(path);
	ck_assert_int_eq(ap_csv_read_file(&t, path, "gone.csv", &diag, &err), AP_ENOTFOUND);
	ck_assert_uint_eq(t.nrows, 60000);
}
END_TEST

static Suite *csv_in_suite(void)
{
	Suite *s = suite_create("csv_in");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, builder);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, quoting_and_line_ends);
	tcase_add_test(tc, field_count_is_data_loss);
	tcase_add_test(tc, malformed_keeps_rows_before);
	tcase_add_test(tc, open_quote_at_end);
	tcase_add_test(tc, append_and_header_mismatch);
	tcase_add_test(tc, empty_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, file_across_windows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(csv_in_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
