/* Unit tests of lib/io: bounded cursor, file mapping, output directories. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/cursor.h"
#include "ap/file.h"
#include "ap/window.h"
#include "ap/outdir.h"

static char root[256];

static void setup(void)
{
	snprintf(root, sizeof(root), "%s/ap_io_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(cursor_bounds)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff };
	struct ap_cursor c;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	uint8_t u8;
	const uint8_t *p;

	ap_cursor_init(&c, b, sizeof(b));
	ck_assert_int_eq(ap_cursor_u16(&c, &u16), 0);
	ck_assert_uint_eq(u16, 0x0201);
	ck_assert_int_eq(ap_cursor_u32(&c, &u32), 0);
	ck_assert_uint_eq(u32, 0x06050403);
	ck_assert_int_eq(ap_cursor_u64(&c, &u64), -1); /* 3 bytes left: refused, unchanged */
	ck_assert_uint_eq(c.pos, 6);
	ck_assert_int_eq(ap_cursor_bytes(&c, 2, &p), 0);
	ck_assert_uint_eq(p[1], 0x08);
	ck_assert_int_eq(ap_cursor_u8(&c, &u8), 0);
	ck_assert_uint_eq(u8, 0xff);
	ck_assert_int_eq(ap_cursor_u8(&c, &u8), -1);
	ck_assert_int_eq(ap_cursor_skip(&c, 1), -1);
	ck_assert_uint_eq(ap_cursor_left(&c), 0);
	ck_assert_uint_eq(ap_le64(b), 0x0807060504030201ull);
}
END_TEST

START_TEST(file_read)
{
	struct ap_err err = AP_ERR_INIT;
	struct ap_strbuf sb = AP_STRBUF_INIT;
	char path[512];

	snprintf(path, sizeof(path), "%s/f", root);
	put(path, "hello");
	ck_assert_int_eq(ap_file_read_all(path, 100, &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "hello");
	ap_strbuf_reset(&sb);
	ck_assert_int_eq(ap_file_read_all(path, 3, &sb, &err), AP_EFORMAT);
	snprintf(path, sizeof(path), "%s/missing", root);
	ap_strbuf_reset(&sb);
	ck_assert_int_eq(ap_file_read_all(path, 100, &sb, &err), AP_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "missing"));
	ck_assert_int_eq(ap_file_read_all(root, 100, &sb, &err), AP_EIO); /* a directory */
	ap_strbuf_release(&sb);
	ap_err_release(&err);
}
END_TEST

START_TEST(window_reads)
{
	struct ap_err err = AP_ERR_INIT;
	struct ap_window w;
	char path[512], big[10000];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	snprintf(path, sizeof(path), "%s/w", root);
	{
		FILE *f = fopen(path, "wb");

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(big, 1, sizeof(big), f), sizeof(big));
		fclose(f);
	}
	/* a window smaller than the file: the first fill reads a whole window */
	ap_window_init(&w);
	ck_assert_int_eq(ap_window_open(&w, path, 4096, &err), 0);
	ck_assert_uint_eq(w.size, sizeof(big));
	ck_assert_uint_eq(w.len, 0);
	ck_assert_int_eq(ap_window_fill(&w, 0, 10, &err), 0);
	ck_assert_uint_eq(w.len, 4096);
	ck_assert_int_eq(memcmp(w.buf, big, 4096), 0);
	/* consume 4000 bytes, ask for a record of 5000: the buffer grows */
	ck_assert_int_eq(ap_window_fill(&w, 4000, 5000, &err), 0);
	ck_assert_uint_eq(w.off, 4000);
	ck_assert_uint_ge(w.len, 5000);
	ck_assert_int_eq(memcmp(w.buf, big + 4000, w.len), 0);
	/* more than the file has: limited to its end, which is then reached */
	ck_assert_int_eq(ap_window_fill(&w, 1000, 1u << 30, &err), 0);
	ck_assert_uint_eq(w.off, 5000);
	ck_assert_uint_eq(w.len, sizeof(big) - 5000);
	ck_assert_int_eq(w.eof, 1);
	ck_assert_int_eq(memcmp(w.buf, big + 5000, w.len), 0);
	ap_window_close(&w);
	ap_window_close(&w); /* closing twice is harmless */
	/* a kept buffer serves the next file */
	ck_assert_int_eq(ap_window_open(&w, path, 4096, &err), 0);
	ck_assert_int_eq(ap_window_fill(&w, 0, 5000, &err), 0);
	{
		const uint8_t *kept = w.buf;

		ap_window_close_file(&w);
		ck_assert_int_eq(w.fd, -1);
		ck_assert_ptr_eq(w.buf, kept);
		ck_assert_int_eq(ap_window_open(&w, path, 4096, &err), 0);
		ck_assert_ptr_eq(w.buf, kept);
		ck_assert_uint_eq(w.len, 0);
		ck_assert_uint_eq(w.off, 0);
		ap_window_close(&w);
	}
	/* the file shrinks after the open: a shorter file, not an error (nor a SIGBUS) */
	ck_assert_int_eq(ap_window_open(&w, path, 4096, &err), 0);
	ck_assert_int_eq(truncate(path, 100), 0);
	ck_assert_int_eq(ap_window_fill(&w, 0, 200, &err), 0);
	ck_assert_uint_eq(w.len, 100);
	ck_assert_int_eq(w.eof, 1);
	ap_window_close(&w);
	snprintf(path, sizeof(path), "%s/missing", root);
	ck_assert_int_eq(ap_window_open(&w, path, 4096, &err), AP_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "missing"));
	ap_window_close(&w);
	ck_assert_int_eq(ap_window_open(&w, root, 4096, &err), AP_EIO); /* a directory */
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "not a regular file"));
	ap_window_close(&w);
	ap_err_release(&err);
}
END_TEST

static int count_entries(const char *dir)
{
	char cmd[600];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

START_TEST(outdir_replace_own_only)
{
	struct ap_outdir od;
	struct ap_err err = AP_ERR_INIT;
	char path[600], parent[512];

	snprintf(parent, sizeof(parent), "%s/dump", root);
	/* first write: creates parent/OUT */
	ck_assert_int_eq(ap_outdir_begin(&od, parent, "OUT", 0, &err), 0);
	snprintf(path, sizeof(path), "%s/a.txt", od.tmp);
	put(path, "1");
	ck_assert_int_eq(ap_outdir_commit(&od, &err), 0);
	snprintf(path, sizeof(path), "%s/OUT/a.txt", parent);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* second write replaces it whole */
	ck_assert_int_eq(ap_outdir_begin(&od, parent, "OUT", 0, &err), 0);
	snprintf(path, sizeof(path), "%s/b.txt", od.tmp);
	put(path, "2");
	ck_assert_int_eq(ap_outdir_commit(&od, &err), 0);
	snprintf(path, sizeof(path), "%s/OUT/a.txt", parent);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(count_entries(parent), 1); /* no temp dirs left behind */
	/* an output directory of another tool is refused, unless forced */
	snprintf(path, sizeof(path), "%s/OUT/" AP_OUTDIR_MARKER, parent);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(ap_outdir_begin(&od, parent, "OUT", 0, &err), AP_EINVAL);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "not written by ascprof"));
	ck_assert_int_eq(count_entries(parent), 1);
	ck_assert_int_eq(ap_outdir_begin(&od, parent, "OUT", 1, &err), 0);
	ap_outdir_abort(&od);
	ck_assert_int_eq(count_entries(parent), 1);
	ap_err_release(&err);
}
END_TEST

START_TEST(file_copy_atomic)
{
	struct ap_err err = AP_ERR_INIT;
	struct ap_strbuf sb = AP_STRBUF_INIT;
	char src[512], dst[512];

	snprintf(src, sizeof(src), "%s/src", root);
	snprintf(dst, sizeof(dst), "%s/a/b/dst", root);
	put(src, "{\"rank_id\": 0}");
	snprintf(dst, sizeof(dst), "%s/a/b", root);
	ck_assert_int_eq(ap_mkdirs(dst, &err), 0);
	snprintf(dst, sizeof(dst), "%s/a/b/dst", root);
	ck_assert_int_eq(ap_file_copy(src, dst, &err), 0);
	ck_assert_int_eq(ap_file_read_all(dst, 100, &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "{\"rank_id\": 0}");
	ap_strbuf_release(&sb);
}
END_TEST

static Suite *io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *tc;

	tc = tcase_create("cursor");
	tcase_add_test(tc, cursor_bounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, file_read);
	tcase_add_test(tc, window_reads);
	tcase_add_test(tc, outdir_replace_own_only);
	tcase_add_test(tc, file_copy_atomic);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(io_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
