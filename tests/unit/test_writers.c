/* Unit tests of lib/writers (out_file, trace_view, operator_details, memory) and of the memory
 * view pass (lib/analysis/an_memory.c). Expected outputs were produced by Python's json/csv
 * modules from the same hand-built data, following upstream torch_npu's parsers. */
#include <check.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/cann_tl.h"
#include "ap/fmt.h"
#include "ap/host.h"
#include "ap/hostan.h"
#include "ap/memview.h"
#include "ap/out.h"
#include "ap/views.h"
#include "../../lib/writers/w_trace_local.h"
#include "../../lib/base/banned.h"

/* ---- helpers ---- */

static char tmp_dir[256];

static void dir_setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp_dir, sizeof(tmp_dir), "%s/ap_writers_XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
}

static void dir_teardown(void)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmp_dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmp_dir);
}

/* Number of entries in the temp dir (every test starts from an empty one). */
static int dir_count(void)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int file_exists(const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", tmp_dir, name);
	return stat(p, &st) == 0;
}

/* Reads tmp_dir/name whole; the caller frees. */
static char *slurp(const char *name, size_t *len)
{
	char p[512], *buf;
	FILE *f;
	long n;

	snprintf(p, sizeof(p), "%s/%s", tmp_dir, name);
	f = fopen(p, "rb");
	ck_assert_msg(f != NULL, "%s not created", name);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Compares a file with the expected bytes and shows the first difference. */
static void check_file(const char *name, const char *expect, size_t elen)
{
	size_t len, i;
	char *got = slurp(name, &len);

	for (i = 0; i < len && i < elen && got[i] == expect[i]; i++)
		;
	ck_assert_msg(i == len && len == elen,
		      "%s differs at byte %zu (got %zu bytes, expected %zu):\n got: %.80s\nwant: %.80s",
		      name, i, len, elen, got + (i > 20 ? i - 20 : 0),
		      expect + (i > 20 ? i - 20 : 0));
	free(got);
}

#define CHECK_FILE(name, lit) check_file((name), (lit), sizeof(lit) - 1)

/* Writes through fn into a fresh out.txt, commits, and compares. */
#define RENDER_CHECK(stmts, lit)                                                       \
	do {                                                                           \
		struct ap_out o;                                                       \
		struct ap_err err = AP_ERR_INIT;                                       \
		ck_assert_int_eq(ap_out_open(&o, tmp_dir, "out.txt", &err), 0);        \
		stmts;                                                                 \
		ck_assert_int_eq(ap_out_commit(&o, &err), 0);                          \
		CHECK_FILE("out.txt", lit);                                            \
		ap_err_release(&err);                                                  \
	} while (0)

static uint32_t S(struct ap_host *h, const char *s)
{
	uint32_t id = ap_strtab_intern(&h->strs, s, strlen(s), NULL);

	ck_assert_uint_ne(id, 0);
	return id;
}

/* ---- expected outputs (generated with Python json.dumps / csv.writer) ---- */

static const char expect_trace_view[] =
	"[{\"ph\": \"X\", \"name\": \"ProfilerStep#1\", \"pid\": 100, \"tid\": 100, \"ts\": \"1000.000\", \"dur\": 8000.0, \"cat\": \"cpu_op\", \"args\": {\"Sequence number\": -1, \"Fwd thread id\": 0}}, "
	"{\"ph\": \"X\", \"name\": \"aten::add\", \"pid\": 100, \"tid\": 100, \"ts\": \"2000.000\", \"dur\": 1000.5, \"cat\": \"cpu_op\", \"args\": {\"Sequence number\": 7, \"Fwd thread id\": 0, \"Input Dims\": \"2,3;\\r\\n4\", \"Input type\": \"float;\\r\\nfloat\", \"Call stack\": \"a.py(1): f;\\r\\nb.py(2): g\", \"Module Hierarchy\": \"M;N\"}}, "
	"{\"ph\": \"X\", \"name\": \"aten::add_backward\", \"pid\": 100, \"tid\": 101, \"ts\": \"5000.000\", \"dur\": 0.005, \"cat\": \"cpu_op\", \"args\": {\"Sequence number\": 7, \"Fwd thread id\": 100, \"Input Dims\": \"\"}}, "
	"{\"ph\": \"X\", \"name\": \"my\\\"op \303\251\\t\\u0001\", \"pid\": 100, \"tid\": 100, \"ts\": \"6000.000\", \"dur\": 0.0, \"cat\": \"cpu_op\", \"args\": {\"Sequence number\": -1, \"Fwd thread id\": 0, \"flops\": \"7\"}}, "
	"{\"ph\": \"X\", \"name\": \"Dequeue@aclnnAdd\", \"pid\": 100, \"tid\": 102, \"ts\": \"2500.000\", \"dur\": 1.0, \"cat\": \"dequeue\", \"args\": {\"correlation_id\": 5}}, "
	"{\"ph\": \"f\", \"bp\": \"e\", \"name\": \"enqueue_to_dequeue\", \"id\": 5, \"pid\": 100, \"tid\": 102, \"ts\": \"2500.000\", \"cat\": \"async_task_queue\"}, "
	"{\"ph\": \"X\", \"name\": \"Enqueue@aclnnAdd\", \"pid\": 100, \"tid\": 100, \"ts\": \"2100.000\", \"dur\": 0.2, \"cat\": \"enqueue\", \"args\": {\"correlation_id\": 5}}, "
	"{\"ph\": \"s\", \"bp\": \"e\", \"name\": \"enqueue_to_dequeue\", \"id\": 5, \"pid\": 100, \"tid\": 100, \"ts\": \"2100.000\", \"cat\": \"async_task_queue\"}, "
	"{\"ph\": \"X\", \"name\": \"Enqueue\", \"pid\": 100, \"tid\": 100, \"ts\": \"2200.000\", \"dur\": 0.005, \"cat\": \"enqueue\", \"args\": {\"correlation_id\": 6}}, "
	"{\"ph\": \"s\", \"bp\": \"e\", \"name\": \"enqueue_to_dequeue\", \"id\": 6, \"pid\": 100, \"tid\": 100, \"ts\": \"2200.000\", \"cat\": \"async_task_queue\"}, "
	"{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 100, \"tid\": 0, \"args\": {\"name\": \"Python\"}}, "
	"{\"ph\": \"M\", \"name\": \"process_labels\", \"pid\": 100, \"tid\": 0, \"args\": {\"labels\": \"CPU\"}}, "
	"{\"ph\": \"M\", \"name\": \"process_sort_index\", \"pid\": 100, \"tid\": 0, \"args\": {\"sort_index\": 0}}, "
	"{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 100, \"tid\": 100, \"args\": {\"name\": \"Thread 100\"}}, "
	"{\"ph\": \"M\", \"name\": \"thread_sort_index\", \"pid\": 100, \"tid\": 100, \"args\": {\"sort_index\": 100}}, "
	"{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 100, \"tid\": 101, \"args\": {\"name\": \"Thread 101\"}}, "
	"{\"ph\": \"M\", \"name\": \"thread_sort_index\", \"pid\": 100, \"tid\": 101, \"args\": {\"sort_index\": 101}}, "
	"{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 100, \"tid\": 102, \"args\": {\"name\": \"Thread 102\"}}, "
	"{\"ph\": \"M\", \"name\": \"thread_sort_index\", \"pid\": 100, \"tid\": 102, \"args\": {\"sort_index\": 104}}, "
	"{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 100, \"tid\": 103, \"args\": {\"name\": \"Thread 103\"}}, "
	"{\"ph\": \"M\", \"name\": \"thread_sort_index\", \"pid\": 100, \"tid\": 103, \"args\": {\"sort_index\": 103}}, "
	"{\"ph\": \"s\", \"bp\": \"e\", \"name\": \"fwdbwd\", \"id\": 7, \"pid\": 100, \"tid\": 100, \"ts\": \"2000.000\", \"cat\": \"fwdbwd\"}, "
	"{\"ph\": \"f\", \"bp\": \"e\", \"name\": \"fwdbwd\", \"id\": 7, \"pid\": 100, \"tid\": 101, \"ts\": \"5000.000\", \"cat\": \"fwdbwd\"}, "
	"{\"ph\": \"X\", \"name\": \"t.py(1): <module>\", \"pid\": 100, \"tid\": 103, \"ts\": \"1500.000\", \"dur\": 100.0, \"cat\": \"python_function\", \"args\": {\"Python id\": 0, \"Python parent id\": 0}}, "
	"{\"ph\": \"X\", \"name\": \"nn.Module: Linear_0\", \"pid\": 100, \"tid\": 103, \"ts\": \"1510.000\", \"dur\": 10.0, \"cat\": \"python_function\", \"args\": {\"Python id\": 2, \"Python parent id\": 0, \"Python module id\": 0}}, "
	"{\"ph\": \"X\", \"name\": \"12345\", \"pid\": 100, \"tid\": 100, \"ts\": \"1700.000\", \"dur\": 0.001, \"cat\": \"python_function\", \"args\": {\"Python id\": 1, \"Python parent id\": 0}}, "
	"{\"ph\": \"X\", \"name\": \"GC\", \"pid\": 102435, \"tid\": 100, \"ts\": \"7000.000\", \"dur\": 1.5, \"cat\": \"GC\", \"args\": {}}, "
	"{\"ph\": \"X\", \"name\": \"GC\", \"pid\": 102435, \"tid\": 100, \"ts\": \"8000.000\", \"dur\": 0.002, \"cat\": \"GC\", \"args\": {}}, "
	"{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 102435, \"tid\": 0, \"args\": {\"name\": \"Python GC\"}}, "
	"{\"ph\": \"M\", \"name\": \"process_labels\", \"pid\": 102435, \"tid\": 0, \"args\": {\"labels\": \"CPU\"}}, "
	"{\"ph\": \"M\", \"name\": \"process_sort_index\", \"pid\": 102435, \"tid\": 0, \"args\": {\"sort_index\": 1}}, "
	"{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 102435, \"tid\": 100, \"args\": {\"name\": \"Python GC\"}}, "
	"{\"ph\": \"M\", \"name\": \"thread_sort_index\", \"pid\": 102435, \"tid\": 100, \"args\": {\"sort_index\": 100}}]";
static const char expect_operator_details[] =
	"Name,Input Shapes,Call Stack,Host Self Duration(us),Host Total Duration(us),Device Self Duration(us),Device Total Duration(us),Device Self Duration With AICore(us),Device Total Duration With AICore(us)\015\012"
	"aten::add,\"2,3;\015\012"
	"4\",\"a.py(1): f;\015\012"
	"b.py(2): g\",1000.5,1000.5,0,0,0,0\015\012"
	"aten::add_backward,,,0.005,0.005,0,0,0,0\015\012"
	"\"my\"\"op \303\251\011\001\",,,0.0,0.0,0,0,0,0\015\012"
	"";
static const char expect_operator_memory[] =
	"Name,Size(KB),Allocation Time(us),Release Time(us),Active Release Time(us),Duration(us),Active Duration(us),Allocation Total Allocated(MB),Allocation Total Reserved(MB),Allocation Total Active(MB),Release Total Allocated(MB),Release Total Reserved(MB),Release Total Active(MB),Stream Ptr,Device Type\015\012"
	"ProfilerStep#1,18816.0,0.020\011,,,,,936.0,1452.0,936.00048828125,,,,897357296,NPU:0\015\012"
	"ProfilerStep#1,2.0,0.020\011,,,,,936.0,1452.0,936.00048828125,,,,897357296,NPU:0\015\012"
	"ProfilerStep#1,18816.0,0.050\011,,,,,0.0,0.0,0.0,,,,897357296,NPU:0\015\012"
	"aten::conv,18816.0,1.200\011,3.500\011,3.000\011,2.300\011,1.800\011,1000.00048828125,1452.0,936.00048828125,117.73756885528564,5.0,936.00048828125,897357296,NPU:0\015\012"
	"aten::conv,0.5,1.700\011,6.150\011,,4.450\011,,936.0,1452.0,936.00048828125,936.0,1452.0,936.00048828125,897357296,NPU:0\015\012"
	"aten::conv,0.0009765625,3.600\011,,,,,936.0,1452.0,936.00048828125,,,,897357296,NPU:0\015\012"
	"aten::conv,18816.0,4.000\011,,,,,936.0,1452.0,936.00048828125,,,,897357296,NPU:0\015\012"
	"aten::conv,18816.0,4.200\011,,,,,3221225472.000001,8589934592.011772,936.00048828125,,,,897357296,NPU:0\015\012"
	"aten::relu,-4.0,6.150\011,,,,,936.0,1452.0,936.00048828125,,,,897357296,NPU:0\015\012"
	"ProfilerStep#1,18816.0,8.000\011,,,,,936.0,1452.0,936.00048828125,,,,-1,NPU:0\015\012"
	",18816.0,9.000\011,,,,,936.0,1452.0,936.00048828125,,,,897357296,NPU:0\015\012"
	",18816.0,9.550\011,,,,,936.0,1452.0,936.00048828125,,,,897357296,NPU:0\015\012"
	"";
static const char expect_memory_record[] =
	"Component,Timestamp(us),Total Allocated(MB),Total Reserved(MB),Total Active(MB),Stream Ptr,Device Type\015\012"
	"PTA,0.010\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,0.010\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,0.020\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,0.020\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,0.020\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,0.020\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,0.050\011,0.0,0.0,0.0,897357296,NPU:1\015\012"
	"PTA+GE,0.050\011,0.0,0.0,0.0,897357296,NPU:1\015\012"
	"PTA,0.300\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,0.300\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,1.200\011,1000.00048828125,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,1.200\011,1000.00048828125,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,1.700\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,1.700\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,3.000\011,0.0009527206420898438,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,3.000\011,0.0009527206420898438,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,3.500\011,117.73756885528564,5.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,3.500\011,117.73756885528564,5.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,3.600\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,3.600\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,4.000\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,4.000\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,4.100\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,4.100\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"WORKSPACE,4.200\011,3221225472.000001,8589934592.011772,936.00048828125,897357296,NPU:1\015\012"
	"PTA,6.150\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,6.150\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,6.150\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,6.150\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,8.000\011,936.0,1452.0,936.00048828125,-1,NPU:1\015\012"
	"PTA+GE,8.000\011,936.0,1452.0,936.00048828125,-1,NPU:1\015\012"
	"PTA,9.000\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,9.000\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA,9.550\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"PTA+GE,9.550\011,936.0,1452.0,936.00048828125,897357296,NPU:1\015\012"
	"";

/* ---- JSON pieces ---- */

START_TEST(json_escapes)
{
	static const char in[] = "a\"b\\c\n\r\t\b\f\001\037\177 \303\251;\000";

	RENDER_CHECK(ap_json_str(&o, in, sizeof(in) - 1),
		     "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\177 \303\251;\\u0000\"");
}
END_TEST

START_TEST(json_semi_and_empty)
{
	RENDER_CHECK((ap_json_str_semi(&o, "x;y;", 4), ap_out_putc(&o, ' '),
		      ap_json_str_semi(&o, "a\"b", 3), ap_out_putc(&o, ' '),
		      ap_json_str(&o, NULL, 0), ap_json_str(&o, "", 0)),
		     "\"x;\\r\\ny;\\r\\n\" \"a\\\"b\" \"\"\"\"");
}
END_TEST

START_TEST(json_utf8_passthrough)
{
	/* ensure_ascii=False: every non-ASCII byte is copied as it is, U+2028 included. */
	static const char in[] = "\344\270\255\346\226\207 \342\200\250 \360\237\230\200";

	RENDER_CHECK(ap_json_str(&o, in, sizeof(in) - 1),
		     "\"\344\270\255\346\226\207 \342\200\250 \360\237\230\200\"");
}
END_TEST

START_TEST(json_numbers)
{
	RENDER_CHECK((ap_json_i64(&o, -5), ap_out_putc(&o, ' '), ap_json_i64(&o, INT64_MIN),
		      ap_out_putc(&o, ' '), ap_json_u64(&o, UINT64_MAX)),
		     "-5 -9223372036854775808 18446744073709551615");
}
END_TEST

/* ---- CSV pieces ---- */

START_TEST(csv_minimal_quoting)
{
	RENDER_CHECK((ap_csv_field(&o, 1, "abc", 3), ap_csv_field(&o, 0, "a,b", 3),
		      ap_csv_field(&o, 0, "say \"hi\"", 8), ap_csv_field(&o, 0, "a\nb", 3),
		      ap_csv_field(&o, 0, "a\rb", 3), ap_csv_field(&o, 0, "a\tb;c", 5),
		      ap_csv_field(&o, 0, "", 0), ap_csv_field(&o, 0, NULL, 0),
		      ap_csv_field(&o, 0, "\303\251", 2), ap_csv_end_row(&o)),
		     "abc,\"a,b\",\"say \"\"hi\"\"\",\"a\nb\",\"a\rb\",a\tb;c,,,\303\251\r\n");
}
END_TEST

/* Fields of 8 bytes or more go through the word-at-a-time scan first: a byte that forces
 * quoting in the first word, or only in the tail after it, is still seen. */
START_TEST(csv_long_fields)
{
	RENDER_CHECK((ap_csv_field(&o, 1, "abcdefg\nxyz", 11), ap_csv_field(&o, 0, "ab\rcdefghi", 10),
		      ap_csv_field(&o, 0, "abcdef,hij", 10), ap_csv_field(&o, 0, "a\"bcdefgh", 9),
		      ap_csv_field(&o, 0, "abcdefghijk\n", 12), ap_csv_field(&o, 0, "abc;defgh", 9),
		      ap_csv_field_semi(&o, 0, "abc;defgh", 9), ap_csv_end_row(&o)),
		     "\"abcdefg\nxyz\",\"ab\rcdefghi\",\"abcdef,hij\",\"a\"\"bcdefgh\","
		     "\"abcdefghijk\n\",abc;defgh,\"abc;\r\ndefgh\"\r\n");
}
END_TEST

START_TEST(csv_semi_expansion)
{
	/* A ';' becomes ";\r\n", so a field holding one must be quoted. */
	RENDER_CHECK((ap_csv_field_semi(&o, 1, "a;b", 3), ap_csv_field_semi(&o, 0, "x\"y;", 4),
		      ap_csv_field_semi(&o, 0, "plain", 5), ap_csv_field_semi(&o, 0, ";", 1),
		      ap_csv_field_semi(&o, 0, "", 0), ap_csv_end_row(&o)),
		     "\"a;\r\nb\",\"x\"\"y;\r\n\",plain,\";\r\n\",\r\n");
}
END_TEST

/* ---- ap_out ---- */

START_TEST(out_commit_leaves_no_tmp)
{
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;

	ck_assert_int_eq(ap_out_open(&o, tmp_dir, "a.txt", &err), 0);
	ck_assert(file_exists("a.txt.tmp"));
	ck_assert(!file_exists("a.txt"));
	ap_out_puts(&o, "hello");
	ck_assert_int_eq(ap_out_commit(&o, &err), 0);
	ap_out_abort(&o); /* after a commit: a no-op */
	ck_assert_int_eq(dir_count(), 1);
	CHECK_FILE("a.txt", "hello");
	ap_err_release(&err);
}
END_TEST

START_TEST(out_abort_removes_tmp)
{
	struct ap_out o, zero;
	struct ap_err err = AP_ERR_INIT;

	ck_assert_int_eq(ap_out_open(&o, tmp_dir, "b.txt", &err), 0);
	ap_out_puts(&o, "data");
	ap_out_abort(&o);
	ap_out_abort(&o);
	ck_assert_int_eq(dir_count(), 0);
	memset(&zero, 0, sizeof(zero));
	ap_out_abort(&zero); /* never opened */
	ap_out_abort(NULL);
	ap_err_release(&err);
}
END_TEST

START_TEST(out_sticky_failure)
{
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;

	ck_assert_int_eq(ap_out_open(&o, tmp_dir, "c.txt", &err), 0);
	ap_out_puts(&o, "x");
	o.failed = 28; /* as if a write had hit ENOSPC */
	ap_out_puts(&o, "more");
	ck_assert_int_eq(ap_out_commit(&o, &err), AP_EIO);
	ck_assert_int_eq(err.code, AP_EIO);
	ck_assert_ptr_nonnull(strstr(err.msg.buf, "c.txt"));
	ck_assert_int_eq(dir_count(), 0);
	ap_err_release(&err);
}
END_TEST

START_TEST(out_open_failure)
{
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;

	ck_assert_int_eq(ap_out_open(&o, "/nonexistent-ascprof-dir", "d.txt", &err), AP_EIO);
	ck_assert_ptr_nonnull(strstr(err.msg.buf, "cannot create '/nonexistent-ascprof-dir/d.txt.tmp'"));
	ap_out_abort(&o);
	ap_err_release(&err);
}
END_TEST

START_TEST(out_large_writes)
{
	/* putc across buffer boundaries, then one write larger than the buffer. */
	size_t n1 = AP_OUT_BUFSZ + 17, n2 = 2 * AP_OUT_BUFSZ + 5, i, len;
	char *big = malloc(n2), *got;
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n2; i++)
		big[i] = (char)('a' + i % 23);
	ck_assert_int_eq(ap_out_open(&o, tmp_dir, "e.bin", &err), 0);
	for (i = 0; i < n1; i++)
		ap_out_putc(&o, (char)('0' + i % 10));
	ap_out_write(&o, big, n2);
	ap_out_write(&o, "!", 1);
	ck_assert_int_eq(ap_out_commit(&o, &err), 0);
	got = slurp("e.bin", &len);
	ck_assert_uint_eq(len, n1 + n2 + 1);
	for (i = 0; i < n1; i++)
		ck_assert_int_eq(got[i], '0' + (int)(i % 10));
	ck_assert_int_eq(memcmp(got + n1, big, n2), 0);
	ck_assert_int_eq(got[n1 + n2], '!');
	free(got);
	free(big);
	ap_err_release(&err);
}
END_TEST

/* Every short length through ap_out_write's fixed-size copies (1-8, 8-16, 16-32, 32-64 bytes),
 * and JSON numbers, at every offset mod 64 and across the buffer's end: the file is the plain
 * concatenation. */
START_TEST(out_short_writes)
{
	enum { MAXLEN = 70 };
	char src[MAXLEN + 1], *want, *got;
	size_t n, len, total = 0, k;
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;

	for (k = 0; k <= MAXLEN; k++)
		src[k] = (char)('A' + k % 26);
	want = malloc(3 * AP_OUT_BUFSZ + 64);
	ck_assert_ptr_nonnull(want);
	ck_assert_int_eq(ap_out_open(&o, tmp_dir, "s.bin", &err), 0);
	for (k = 0; total + MAXLEN < 3 * AP_OUT_BUFSZ; k++) {
		n = k % (MAXLEN + 1);
		ap_out_write(&o, src + k % 7 % (MAXLEN + 1 - n), n);
		memcpy(want + total, src + k % 7 % (MAXLEN + 1 - n), n);
		total += n;
		if (k % 5 == 0) { /* numbers, formatted in place or through a copy near the end */
			uint64_t u = (uint64_t)k * 0x9e3779b97f4a7c15ull >> (k % 64);

			ap_json_u64(&o, u);
			total += (size_t)snprintf(want + total, 24, "%" PRIu64, u);
			ap_json_i64(&o, -(int64_t)(u >> 1));
			total += (size_t)snprintf(want + total, 24, "%" PRId64, -(int64_t)(u >> 1));
		}
	}
	ck_assert_int_eq(ap_out_commit(&o, &err), 0);
	got = slurp("s.bin", &len);
	ck_assert_uint_eq(len, total);
	ck_assert_int_eq(memcmp(got, want, total), 0);
	free(got);
	free(want);
	ap_err_release(&err);
}
END_TEST

/* The longest numbers with 1..AP_FMT_MAX bytes left in the buffer: formatted in place only
 * where they fit (ASan sees a write past the buffer). */
START_TEST(out_numbers_at_buffer_end)
{
	static const char tail[] = "18446744073709551615-9223372036854775808";
	char *fill = malloc(AP_OUT_BUFSZ), *got;
	size_t left, len;
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;

	ck_assert_ptr_nonnull(fill);
	memset(fill, 'x', AP_OUT_BUFSZ);
	for (left = 1; left <= AP_FMT_MAX; left++) {
		ck_assert_int_eq(ap_out_open(&o, tmp_dir, "n.bin", &err), 0);
		ap_out_write(&o, fill, AP_OUT_BUFSZ / 2);
		ap_out_write(&o, fill, AP_OUT_BUFSZ / 2 - left); /* buffered: left bytes free */
		ap_json_u64(&o, UINT64_MAX);
		ap_json_i64(&o, INT64_MIN);
		ck_assert_int_eq(ap_out_commit(&o, &err), 0);
		got = slurp("n.bin", &len);
		ck_assert_uint_eq(len, AP_OUT_BUFSZ - left + sizeof(tail) - 1);
		ck_assert_int_eq(memcmp(got + AP_OUT_BUFSZ - left, tail, sizeof(tail) - 1), 0);
		free(got);
	}
	free(fill);
	ap_err_release(&err);
}
END_TEST

/* A cursor (ap_out_room / ap_out_advance) between ordinary writes, across three buffers: room is
 * made by flushing, and what was written before stays in order. */
START_TEST(out_cursor)
{
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;
	char *want = malloc(4 * AP_OUT_BUFSZ), *got, *p;
	size_t total = 0, len, k;

	ck_assert_ptr_nonnull(want);
	ck_assert_int_eq(ap_out_open(&o, tmp_dir, "c.bin", &err), 0);
	for (k = 0; total < 3 * AP_OUT_BUFSZ; k++) {
		size_t room = 1 + k * 37 % 600, n = room - k % 2, i;

		ap_out_write(&o, "<>", 2);
		memcpy(want + total, "<>", 2);
		total += 2;
		p = ap_out_room(&o, room);
		for (i = 0; i < n; i++)
			want[total++] = *p++ = (char)('a' + (k + i) % 26);
		ap_out_advance(&o, p);
	}
	ck_assert_int_eq(ap_out_commit(&o, &err), 0);
	got = slurp("c.bin", &len);
	ck_assert_uint_eq(len, total);
	ck_assert_int_eq(memcmp(got, want, total), 0);
	free(got);
	/* exactly one byte more than is left (ASan sees a write past the buffer) */
	for (k = 0; k < 40; k += 13) {
		memset(want, 'x', AP_OUT_BUFSZ + k + 1);
		ck_assert_int_eq(ap_out_open(&o, tmp_dir, "c.bin", &err), 0);
		ap_out_write(&o, want, AP_OUT_BUFSZ / 2);
		ap_out_write(&o, want, AP_OUT_BUFSZ / 2 - k);
		p = ap_out_room(&o, k + 1);
		memset(p, 'x', k + 1);
		ap_out_advance(&o, p + k + 1);
		ck_assert_int_eq(ap_out_commit(&o, &err), 0);
		got = slurp("c.bin", &len);
		ck_assert_uint_eq(len, AP_OUT_BUFSZ + 1);
		ck_assert_int_eq(memcmp(got, want, len), 0);
		free(got);
	}
	free(want);
	ap_err_release(&err);
}
END_TEST

/* Interned strings through an escape cache: each kind's encoding, the same bytes again once
 * cached, and ids interleaved so that later ones sit behind earlier ones in the cache. */
START_TEST(out_str_id_cached)
{
	static const char *const in[] = { "a\"b", "x;y", "plain", "c,d\r\n" };
	static const char *const want[][4] = {
		{ "\"a\\\"b\"", "\"x;y\"", "\"plain\"", "\"c,d\\r\\n\"" },
		{ "\"a\\\"b\"", "\"x;\\r\\ny\"", "\"plain\"", "\"c,d\\r\\n\"" },
		{ "\"a\"\"b\"", "x;y", "plain", "\"c,d\r\n\"" },
		{ "\"a\"\"b\"", "\"x;\r\ny\"", "plain", "\"c,d\r\n\"" },
	};
	struct ap_strtab t;
	uint32_t ids[4];
	int kind, k, round;

	ck_assert_int_eq(ap_strtab_init(&t), 0);
	for (k = 0; k < 4; k++)
		ids[k] = ap_strtab_intern(&t, in[k], strlen(in[k]), NULL);
	for (kind = AP_ESC_JSON; kind <= AP_ESC_CSV_SEMI; kind++) {
		struct ap_esc_cache c;
		struct ap_out o;
		struct ap_err err = AP_ERR_INIT;
		char expect[256];
		char *got;
		size_t len, n = 0;

		ck_assert_int_eq(ap_esc_cache_init(&c, (enum ap_esc)kind, &t), 0);
		ck_assert_int_eq(ap_out_open(&o, tmp_dir, "id.txt", &err), 0);
		for (round = 0; round < 2; round++)
			for (k = 3; k >= 0; k--) {
				ap_out_str_id(&o, &c, ids[k]);
				ap_out_putc(&o, '|');
				n += (size_t)snprintf(expect + n, sizeof(expect) - n, "%s|",
						      want[kind][k]);
			}
		ck_assert_int_eq(ap_out_commit(&o, &err), 0);
		got = slurp("id.txt", &len);
		ck_assert_uint_eq(len, n);
		ck_assert_int_eq(memcmp(got, expect, len), 0);
		free(got);
		ap_esc_cache_release(&c);
		ap_err_release(&err);
	}
	ap_strtab_release(&t);
}
END_TEST

START_TEST(out_mem_append)
{
	/* A piece in memory: one past its buffer (spilled) and one within it, each appended less
	 * its first bytes; a small one joins the file's buffer, a large one is written at once. */
	size_t big = AP_OUT_BUFSZ + 100, i, len;
	struct ap_out o, m;
	struct ap_err err = AP_ERR_INIT;
	char *got;

	ck_assert_int_eq(ap_out_mem_init(&m), 0);
	ck_assert_int_eq(ap_out_open(&o, tmp_dir, "m.bin", &err), 0);
	ap_out_putc(&o, '[');
	for (i = 0; i < big; i++)
		ap_out_putc(&m, (char)('a' + i % 26));
	ck_assert_uint_eq(ap_out_mem_len(&m), big);
	ck_assert_uint_gt(m.mem->len, 0); /* spilled */
	ap_out_append(&o, &m, 2);
	ap_out_mem_reset(&m);
	ck_assert_uint_eq(ap_out_mem_len(&m), 0);
	ap_out_write(&m, ", xyz", 5);
	ap_out_append(&o, &m, 2);
	ap_out_putc(&o, ']');
	ck_assert_int_eq(ap_out_commit(&o, &err), 0);
	ap_out_mem_release(&m);
	got = slurp("m.bin", &len);
	ck_assert_uint_eq(len, 1 + (big - 2) + 3 + 1);
	ck_assert_int_eq(got[0], '[');
	for (i = 2; i < big; i++)
		ck_assert_int_eq(got[i - 1], 'a' + (int)(i % 26));
	ck_assert_mem_eq(got + big - 1, "xyz]", 4);
	free(got);
	ap_err_release(&err);
}
END_TEST

START_TEST(out_drop_behind)
{
	/* 272 MiB, past the 256 MiB from which windows are handed to writeback and dropped
	 * behind: units of a 3 MiB + 7 byte piece (one write, crossing windows) and one putc
	 * byte; none of it lost or moved. */
	size_t piece = (3u << 20) + 7, unit = piece + 1, total = 272u << 20, i, off, len;
	unsigned char *big = malloc(piece);
	char *got;
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < piece; i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	ck_assert_int_eq(ap_out_open(&o, tmp_dir, "f.bin", &err), 0);
	for (off = 0; off < total; off += unit) {
		ap_out_write(&o, big, total - off < piece ? total - off : piece);
		if (total - off > piece)
			ap_out_putc(&o, '|');
	}
	ck_assert_uint_eq(o.flushed + o.len, total);
	ck_assert_int_eq(ap_out_commit(&o, &err), 0);
	got = slurp("f.bin", &len);
	ck_assert_uint_eq(len, total);
	for (off = 0; off < total; off += unit) {
		size_t n = total - off < piece ? total - off : piece;

		if (memcmp(got + off, big, n) != 0)
			ck_abort_msg("the unit at %zu differs", off);
		if (off + n < total)
			ck_assert_int_eq(got[off + n], '|');
	}
	free(got);
	free(big);
	ap_err_release(&err);
}
END_TEST

/* ---- the framework fixture: 4 ops, a queue, fwdbwd, python frames, GC ---- */

struct fwk {
	struct ap_host h;
	struct ap_queue q;
	struct ap_tree t;
	uint32_t t_op[4];
	int32_t t_parent[4];
	int64_t t_child[4];
	struct ap_fwdbwd fbv[1];
	struct ap_fwdbwd_vec fb;
	struct ap_pyframe pyv[3];
	struct ap_pyframe_vec py;
	struct ap_fwk_view v;
};

static struct ap_op *add_op(struct ap_host *h, const char *name, int64_t ts, int64_t end,
			    int64_t seq, uint64_t tid, uint64_t fwd)
{
	struct ap_op *op = ap_vec_push(&h->ops);

	ck_assert_ptr_nonnull(op);
	op->name = S(h, name);
	op->ts = ts;
	op->end = end;
	op->seq = seq;
	op->pid = 100;
	op->tid = tid;
	op->fwd_tid = fwd;
	return op;
}

/* The number of (pid, tid) in the thread table v, added when new. */
static uint32_t number_in(struct ap_thread_vec *v, uint64_t pid, uint64_t tid)
{
	struct ap_thread *t;
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->v[i].pid == pid && v->v[i].tid == tid)
			return (uint32_t)i;
	t = ap_vec_push(v);
	ck_assert_ptr_nonnull(t);
	t->pid = pid;
	t->tid = tid;
	return (uint32_t)(v->n - 1);
}

/* The number of (pid, tid) among the markers' threads. */
static uint32_t thread_no_p(struct ap_host *h, uint64_t pid, uint64_t tid)
{
	return number_in(&h->threads, pid, tid);
}

static uint32_t thread_no(struct ap_host *h, uint64_t tid)
{
	return thread_no_p(h, 100, tid);
}

static void add_qev(struct ap_host *h, struct ap_qev *e, int64_t ts, int64_t dur, uint64_t tid,
		    uint64_t corr, const char *name)
{
	e->ts = ts;
	e->dur = dur;
	e->thread = thread_no(h, tid);
	e->corr = corr;
	e->name = S(h, name);
}

static void fwk_build(struct fwk *f)
{
	struct ap_host *h = &f->h;
	struct ap_op *op;
	struct ap_gc *gc;

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(ap_host_init(h), 0);
	add_op(h, "ProfilerStep#1", 1000000, 9000000, -1, 100, 0);
	op = add_op(h, "aten::add", 2000000, 3000500, 7, 100, 0);
	op->input_dims = S(h, "2,3;4");
	op->input_type = S(h, "float;float");
	op->call_stack = S(h, "a.py(1): f;b.py(2): g");
	op->module = S(h, "M;N");
	op = add_op(h, "aten::add_backward", 5000000, 5000005, 7, 101, 100);
	op->input_dims = S(h, "");
	op = add_op(h, "my\"op \303\251\t\001", 6000000, 6000000, -1, 100, 0);
	op->flops = S(h, "7");

	add_qev(h, ap_vec_push(&f->q.deq), 2500000, 1000, 102, 5, "aclnnAdd");
	add_qev(h, ap_vec_push(&f->q.enq), 2100000, 200, 100, 5, "aclnnAdd");
	add_qev(h, ap_vec_push(&f->q.enq), 2200000, 5, 100, 6, "x");

	f->t_op[0] = 0, f->t_op[1] = 1, f->t_op[2] = 2, f->t_op[3] = 3;
	f->t_parent[0] = -1, f->t_parent[1] = 0, f->t_parent[2] = 0, f->t_parent[3] = 0;
	f->t_child[0] = 1000505;
	f->t.op = f->t_op;
	f->t.parent = f->t_parent;
	f->t.child_dur = f->t_child;
	f->t.n = 4;

	f->fbv[0] = (struct ap_fwdbwd){ 7, 1, 2 };
	f->fb.v = f->fbv;
	f->fb.n = 1;

	f->pyv[0] = (struct ap_pyframe){ .ts = 1500000, .end = 1600000, .key = 1, .module_id = -1,
					 .id = 0, .parent_id = 0,
					 .thread = number_in(&h->pythreads, 100, 103),
					 .name = S(h, "t.py(1): <module>") };
	f->pyv[1] = (struct ap_pyframe){ .ts = 1510000, .end = 1520000, .key = 2, .module_id = 0,
					 .id = 2, .parent_id = 0,
					 .thread = number_in(&h->pythreads, 100, 103),
					 .name = S(h, "nn.Module: Linear_0") };
	f->pyv[2] = (struct ap_pyframe){ .ts = 1700000, .end = 1700001, .key = 12345,
					 .module_id = -1, .id = 1, .parent_id = 0,
					 .thread = number_in(&h->pythreads, 100, 100),
					 .name = AP_STR_NONE, .missing = 1 };
	f->py.v = f->pyv;
	f->py.n = 3;

	gc = ap_vec_push(&h->gcs);
	*gc = (struct ap_gc){ 100, 7000000, 7001500 };
	gc = ap_vec_push(&h->gcs);
	*gc = (struct ap_gc){ 100, 8000000, 8000002 };

	f->v = (struct ap_fwk_view){ .h = h, .q = &f->q, .t = &f->t, .fb = &f->fb, .py = &f->py,
				     .device_id = 3, .n_devices = 1 };
}

static void fwk_release(struct fwk *f)
{
	ap_vec_free(&f->q.enq);
	ap_vec_free(&f->q.deq);
	ap_host_release(&f->h);
}

START_TEST(trace_view_bytes)
{
	struct fwk f;
	struct ap_err err = AP_ERR_INIT;

	fwk_build(&f);
	ck_assert_int_eq(ap_write_trace_view(tmp_dir, &f.v, &err), 0);
	CHECK_FILE("trace_view.json", expect_trace_view);
	ck_assert_int_eq(dir_count(), 1);
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

START_TEST(trace_view_gc_without_device)
{
	/* Upstream ORs device id -1 into the GC pid (pid -1); ascprof uses device bits 0. */
	struct fwk f;
	struct ap_err err = AP_ERR_INIT;
	size_t len;
	char *got;

	fwk_build(&f);
	f.v.device_id = -1;
	f.v.n_devices = 0;
	ck_assert_int_eq(ap_write_trace_view(tmp_dir, &f.v, &err), 0);
	got = slurp("trace_view.json", &len);
	ck_assert_ptr_nonnull(strstr(got, "{\"ph\": \"X\", \"name\": \"GC\", \"pid\": 102432, \"tid\": 100, "));
	ck_assert_ptr_null(strstr(got, "\"pid\": -1"));
	free(got);
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

START_TEST(trace_view_empty)
{
	/* No torch op and no queue event: upstream writes no framework events, so no file. */
	struct fwk f;
	struct ap_err err = AP_ERR_INIT;

	fwk_build(&f);
	f.h.ops.n = 0;
	f.q.enq.n = f.q.deq.n = 0;
	ck_assert_int_eq(ap_write_trace_view(tmp_dir, &f.v, &err), 0);
	ck_assert_int_eq(dir_count(), 0);
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

START_TEST(trace_view_timeline_level0)
{
	/* An exported timeline alone: its events verbatim, one array with ", ", and at Level0
	 * those flagged prune0 left out. */
	static const char a[] = "{\"name\": \"CANN\"}", b[] = "{\"name\": \"Stream 1\"}";
	struct fwk f;
	struct ap_cann_tl tl;
	struct ap_cann_tl_event *e;
	struct ap_err err = AP_ERR_INIT;
	size_t len;
	char *got;

	fwk_build(&f);
	f.h.ops.n = 0;
	f.h.gcs.n = 0;
	f.q.enq.n = f.q.deq.n = 0;
	f.v.fb = NULL;
	f.v.py = NULL;
	ap_cann_tl_init(&tl);
	ap_strbuf_addstr(&tl.text, a);
	ap_strbuf_addstr(&tl.text, b);
	e = ap_vec_push(&tl.ev);
	ck_assert_ptr_nonnull(e);
	e->off = 0;
	e->len = sizeof(a) - 1;
	e->prune0 = 1;
	e = ap_vec_push(&tl.ev);
	ck_assert_ptr_nonnull(e);
	e->off = sizeof(a) - 1;
	e->len = sizeof(b) - 1;
	f.v.tl = &tl;
	ck_assert_int_eq(ap_write_trace_view(tmp_dir, &f.v, &err), 0);
	got = slurp("trace_view.json", &len);
	ck_assert_str_eq(got, "[{\"name\": \"CANN\"}, {\"name\": \"Stream 1\"}]");
	free(got);
	f.v.level0 = 1;
	ck_assert_int_eq(ap_write_trace_view(tmp_dir, &f.v, &err), 0);
	got = slurp("trace_view.json", &len);
	ck_assert_str_eq(got, "[{\"name\": \"Stream 1\"}]");
	free(got);
	ap_cann_tl_release(&tl);
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

#define DEQ_FIRST "[{\"ph\": \"X\", \"name\": \"Dequeue@aclnnAdd\""

START_TEST(trace_view_queue_only)
{
	/* Without torch ops the framework process is the first enqueue's. */
	struct fwk f;
	struct ap_err err = AP_ERR_INIT;
	size_t len;
	char *got;

	fwk_build(&f);
	f.h.ops.n = 0;
	f.fb.n = 0;
	f.q.enq.v[0].thread = thread_no_p(&f.h, 77, f.h.threads.v[f.q.enq.v[0].thread].tid);
	ck_assert_int_eq(ap_write_trace_view(tmp_dir, &f.v, &err), 0);
	got = slurp("trace_view.json", &len);
	ck_assert_ptr_nonnull(strstr(got, "{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 77, \"tid\": 0, \"args\": {\"name\": \"Python\"}}"));
	ck_assert(!strncmp(got, DEQ_FIRST, sizeof(DEQ_FIRST) - 1));
	ck_assert_int_eq(got[len - 1], ']');
	free(got);
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

/* A python tracer thread only adds tids not yet known (upstream's tid_dict): the dequeue
 * thread keeps its place after every other thread though it also runs Python frames. */
START_TEST(trace_view_python_on_dequeue_thread)
{
	struct fwk f;
	struct ap_err err = AP_ERR_INIT;
	size_t len;
	char *got;

	fwk_build(&f);
	f.pyv[2].thread = number_in(&f.h.pythreads, 100, 102); /* the dequeue thread */
	ck_assert_int_eq(ap_write_trace_view(tmp_dir, &f.v, &err), 0);
	got = slurp("trace_view.json", &len);
	ck_assert_ptr_nonnull(strstr(got, "{\"ph\": \"M\", \"name\": \"thread_sort_index\", \"pid\": 100, \"tid\": 102, \"args\": {\"sort_index\": 104}}"));
	ck_assert_ptr_null(strstr(got, "\"tid\": 102, \"args\": {\"sort_index\": 102}}"));
	free(got);
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

/* The CANN part's Communication and Ascend Hardware lanes (hccl_assembler.h,
 * ascend_hardware_assembler.cpp): a hidden small task (no hccl_info: plane -1) is not drawn but
 * names "Plane 0"; a drawn one sits on its plane's thread; a device task without a host task has
 * connection_id 2^64 - 1 (E6, B7 of tests/upstream/README.md). */
START_TEST(trace_view_comm_hidden_task)
{
	struct fwk f;
	struct ap_cann_view cv;
	struct ap_cann_task_row *r;
	struct ap_cann_comm_op *o;
	struct ap_cann_hccl_task *t;
	struct ap_err err = AP_ERR_INIT;
	uint32_t g;
	size_t len, i;
	char *got;

	fwk_build(&f);
	ck_assert_int_eq(ap_cann_view_init(&cv), 0);
	cv.pid = 4242;
	g = ap_strtab_intern(&cv.strs, "G", 1, NULL);
	r = ap_vec_push(&cv.tasks);
	ck_assert_ptr_nonnull(r);
	memset(r, 0, sizeof(*r));
	r->start = 5000, r->end = 5100, r->dur = 100;
	r->stream_id = 5, r->task_id = 100;
	r->name = r->kernel_type = ap_strtab_intern(&cv.strs, "SDMA", 4, NULL);
	r->kernel_name = r->host_type = AP_STR_NONE;
	r->conn = r->flow = AP_CANN_NO_CONN;
	o = ap_vec_push(&cv.comm_ops);
	ck_assert_ptr_nonnull(o);
	memset(o, 0, sizeof(*o));
	o->start = 5000, o->end = 5900;
	o->name = ap_strtab_intern(&cv.strs, "hcom_allReduce__169_0_1", 23, NULL);
	o->group = g;
	o->alg_type = AP_STR_NONE;
	o->data_type = UINT32_MAX;
	o->conn = 11;
	o->flow = AP_CANN_NO_CONN;
	for (i = 0; i < 2; i++) {
		t = ap_vec_push(&cv.hccl_tasks);
		ck_assert_ptr_nonnull(t);
		memset(t, 0, sizeof(*t));
		t->start = 5000 + 100 * (int64_t)i, t->end = 5050 + 100 * (int64_t)i;
		t->group = g;
		t->stream_id = 5, t->task_id = 100 + (uint32_t)i;
		t->has_info = i == 1;
		t->hidden = i == 0;
		t->plane_id = i ? 1 : AP_CANN_NO_PLANE;
		t->name = ap_strtab_intern(&cv.strs, i ? "Memcpy" : "FFTS_PLUS", i ? 6 : 9, NULL);
	}
	f.v.cann = &cv;
	ck_assert_int_eq(ap_write_trace_view(tmp_dir, &f.v, &err), 0);
	got = slurp("trace_view.json", &len);
	ck_assert_ptr_nonnull(strstr(got, "\"tid\": 1, \"ph\": \"M\", \"args\": {\"name\": \"Plane 0\"}"));
	ck_assert_ptr_nonnull(strstr(got, "\"tid\": 2, \"ph\": \"M\", \"args\": {\"name\": \"Plane 1\"}"));
	ck_assert_ptr_nonnull(strstr(got, "{\"name\": \"Memcpy\", \"pid\": "));
	ck_assert_ptr_null(strstr(got, "FFTS_PLUS"));
	ck_assert_ptr_nonnull(strstr(got, "\"Subtask Id\": 0, \"connection_id\": 18446744073709551615}"));
	ck_assert_ptr_null(strstr(got, "4294967295}"));
	free(got);
	ap_cann_view_release(&cv);
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

/* ---- operator_details ---- */

static const char operator_details_header[] =
#define AP_COL(name) name ","
#include "../../schemas/operator_details.def"
#undef AP_COL
	;

START_TEST(operator_details_rows)
{
	struct fwk f;
	struct ap_err err = AP_ERR_INIT;

	fwk_build(&f);
	ck_assert_int_eq(ap_write_operator_details(tmp_dir, &f.v, &err), 0);
	CHECK_FILE("operator_details.csv", expect_operator_details);
	/* The header is the schema's column list. */
	ck_assert_int_eq(strncmp(expect_operator_details, operator_details_header,
				 sizeof(operator_details_header) - 2), 0);
	ck_assert_int_eq(expect_operator_details[sizeof(operator_details_header) - 2], '\r');
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

START_TEST(operator_details_only_steps)
{
	struct fwk f;
	struct ap_err err = AP_ERR_INIT;

	fwk_build(&f);
	f.t.n = 1; /* only ProfilerStep#1: no data row, no file */
	ck_assert_int_eq(ap_write_operator_details(tmp_dir, &f.v, &err), 0);
	ck_assert_int_eq(dir_count(), 0);
	fwk_release(&f);
	ap_err_release(&err);
}
END_TEST

/* ---- memory: records r0..r18 of the spec §8.6 cases ---- */

struct memfx {
	struct ap_host h;
	struct ap_queue q;
	struct ap_tree t;
	uint32_t t_op[6];
	int32_t t_parent[6];
	int64_t t_child[6];
	struct ap_fwk_view v;
};

#define PTR(k) (0x1000 + (k) * 0x100)
enum { A, B, C, D, E, F, G, H, I, J, K };

static struct ap_mem *add_mem(struct ap_host *h, int64_t ptr, int64_t ts, uint8_t type,
			      uint64_t tid)
{
	struct ap_mem *m = ap_vec_push(&h->mems);

	ck_assert_ptr_nonnull(m);
	*m = (struct ap_mem){ .ts = ts, .ptr = ptr, .alloc_size = 19267584,
			      .total_alloc = 981467136, .total_reserved = 1522532352,
			      .total_active = 981467648, .stream = 897357296,
			      .thread = number_in(&h->memthreads, 100, tid), .device_type = 20,
			      .device_index = 1,
			      .data_type = type };
	return m;
}

static void memfx_build(struct memfx *x)
{
	static const char *const names[6] = { "ProfilerStep#1", "aten::conv", "aclnnConv",
					      "empty_tensor", "aten::relu", "aten::mm" };
	static const int64_t span[6][2] = { { 0, 100000 }, { 1000, 5000 }, { 1500, 2000 },
					    { 2100, 2200 }, { 6000, 7000 }, { 500, 900 } };
	struct ap_host *h = &x->h;
	struct ap_qev *e;
	int i;

	memset(x, 0, sizeof(*x));
	ck_assert_int_eq(ap_host_init(h), 0);
	for (i = 0; i < 6; i++) {
		struct ap_op *op = ap_vec_push(&h->ops);

		op->name = S(h, names[i]);
		op->ts = span[i][0];
		op->end = span[i][1];
		op->pid = op->tid = i == 5 ? 200 : 100;
	}
	/* node order by start: ops 0 5 1 2 3 4; op 5 (pid 200) nests under op 0 by time */
	memcpy(x->t_op, (uint32_t[]){ 0, 5, 1, 2, 3, 4 }, sizeof(x->t_op));
	memcpy(x->t_parent, (int32_t[]){ -1, 0, 0, 2, 2, 0 }, sizeof(x->t_parent));
	x->t.op = x->t_op;
	x->t.parent = x->t_parent;
	x->t.child_dur = x->t_child;
	x->t.n = 6;

	e = ap_vec_push(&x->q.deq);
	*e = (struct ap_qev){ .ts = 1600, .dur = 300, .corr = 11, .thread = thread_no_p(h, 100, 300), .name = S(h, "Conv") };
	e = ap_vec_push(&x->q.deq);
	*e = (struct ap_qev){ .ts = 6100, .dur = 100, .corr = 12, .thread = thread_no_p(h, 100, 300), .name = S(h, "Relu") };
	e = ap_vec_push(&x->q.deq);
	*e = (struct ap_qev){ .ts = 9500, .dur = 100, .corr = 99, .thread = thread_no_p(h, 100, 300), .name = S(h, "Lost") };
	e = ap_vec_push(&x->q.enq);
	*e = (struct ap_qev){ .ts = 1550, .dur = 20, .corr = 11, .thread = thread_no_p(h, 100, 100), .name = S(h, "Conv") };
	e = ap_vec_push(&x->q.enq);
	*e = (struct ap_qev){ .ts = 6050, .dur = 10, .corr = 12, .thread = thread_no_p(h, 100, 100), .name = S(h, "Relu") };

	add_mem(h, PTR(A), 1200, 0, 100)->total_alloc = 1000LL * 1048576 + 512;  /* r0 */
	add_mem(h, PTR(B), 1700, 0, 300)->alloc_size = 512;                      /* r1 */
	add_mem(h, PTR(A), 3000, 2, 100)->total_alloc = 999;                     /* r2 */
	add_mem(h, PTR(A), 3500, 1, 100)->total_reserved = 5 * 1048576;          /* r3 */
	h->mems.v[3].total_alloc = 123456789;
	add_mem(h, PTR(A), 3600, 0, 100)->alloc_size = 1;                        /* r4 */
	add_mem(h, PTR(B), 6150, 1, 300);                                        /* r5 */
	add_mem(h, PTR(C), 6150, 0, 300)->alloc_size = -4096;                    /* r6 */
	add_mem(h, PTR(D), 8000, 0, 100)->stream = -1;                           /* r7 */
	add_mem(h, PTR(E), 50, 0, 100);                                          /* r8 */
	h->mems.v[8].total_alloc = h->mems.v[8].total_reserved = h->mems.v[8].total_active = 0;
	add_mem(h, PTR(A), 4000, 0, 100);                                        /* r9 */
	add_mem(h, PTR(F), 100, 0, 100)->device_type = 0;                        /* r10 CPU */
	add_mem(h, PTR(G), 4100, 0, 100)->allocator = 1;                         /* r11 */
	add_mem(h, PTR(H), 4200, 0, 100)->component = AP_MEM_WORKSPACE;          /* r12 */
	h->mems.v[12].total_alloc = 3LL * (1LL << 50) + 1;
	h->mems.v[12].total_reserved = (1LL << 53) + 12345;
	add_mem(h, PTR(I), 300, 0, 200)->thread = number_in(&h->memthreads, 200, 200); /* r13 */
	add_mem(h, PTR(J), 10, 1, 100);                                          /* r14 */
	add_mem(h, PTR(K), 20, 0, 100)->alloc_size = 2048;                       /* r15 */
	add_mem(h, PTR(J), 20, 0, 100);                                          /* r16 */
	add_mem(h, 0x9000, 9000, 0, 999);                                        /* r17 */
	add_mem(h, 0x9100, 9550, 0, 300);                                        /* r18 */

	x->v = (struct ap_fwk_view){ .h = h, .q = &x->q, .t = &x->t, .device_id = 0,
				     .n_devices = 1 };
}

/* Builds the memory view of the fixture (an analysis pass) and writes both CSVs. */
static int write_mem(struct memfx *x, struct ap_err *err)
{
	struct ap_memview mv;
	int ret;

	ap_memview_init(&mv);
	ret = ap_memview_build(&x->h, &x->q, &x->t, &mv, err);
	if (ret == 0) {
		x->v.mv = &mv;
		ret = ap_write_memory(tmp_dir, &x->v, err);
		x->v.mv = NULL;
	}
	ap_memview_release(&mv);
	return ret;
}

static void memfx_release(struct memfx *x)
{
	ap_vec_free(&x->q.enq);
	ap_vec_free(&x->q.deq);
	ap_host_release(&x->h);
}

START_TEST(memview_groups_and_names)
{
	static const uint32_t pta[] = { 14, 15, 16, 8, 13, 0, 1, 2, 3, 4, 9, 11, 12, 5, 6, 7, 17, 18 };
	static const struct {
		uint32_t n, rec[3];
		const char *name;
	} want[] = {
		{ 1, { 16 }, "ProfilerStep#1" },  /* J's ptr was seen first (r14 at 10 ns) */
		{ 1, { 15 }, "ProfilerStep#1" },
		{ 1, { 8 }, "ProfilerStep#1" },
		{ 3, { 0, 2, 3 }, "aten::conv" },   /* 4th record (r4, malloc) starts a new one */
		{ 2, { 1, 5 }, "aten::conv" },      /* dequeue -> enqueue -> aclnnConv -> parent */
		{ 1, { 4 }, "aten::conv" },         /* repeated malloc (r9) closes it */
		{ 1, { 9 }, "aten::conv" },
		{ 1, { 12 }, "aten::conv" },
		{ 1, { 6 }, "aten::relu" },
		{ 1, { 7 }, "ProfilerStep#1" },     /* aten::relu ended: its parent */
		{ 1, { 17 }, "" },                  /* thread without ops */
		{ 1, { 18 }, "" },                  /* dequeue whose corr id has no enqueue */
	};
	struct memfx x;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;
	size_t i;

	memfx_build(&x);
	ap_memview_init(&mv);
	ck_assert_int_eq(ap_memview_build(&x.h, &x.q, &x.t, &mv, &err), 0);
	ck_assert_uint_eq(mv.pta.n, sizeof(pta) / sizeof(pta[0]));
	for (i = 0; i < mv.pta.n; i++)
		ck_assert_uint_eq(mv.pta.v[i], pta[i]);
	ck_assert(mv.has_pid);
	ck_assert_uint_eq(mv.pid, 100);
	ck_assert_uint_eq(mv.groups.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < mv.groups.n; i++) {
		const struct ap_memgroup *g = &mv.groups.v[i];
		const char *name = ap_strtab_get(&x.h.strs, g->name);
		uint32_t k;

		ck_assert_uint_eq(g->n, want[i].n);
		for (k = 0; k < g->n; k++)
			ck_assert_uint_eq(g->rec[k], want[i].rec[k]);
		ck_assert_str_eq(name ? name : "", want[i].name);
	}
	ck_assert_uint_eq(mv.incomplete, 19);
	ck_assert_uint_eq(mv.unnamed, 2);
	ap_memview_release(&mv);
	memfx_release(&x);
	ap_err_release(&err);
}
END_TEST

START_TEST(memview_no_tree)
{
	struct memfx x;
	struct ap_memview mv;
	struct ap_err err = AP_ERR_INIT;

	memfx_build(&x);
	ap_memview_init(&mv);
	ck_assert_int_eq(ap_memview_build(&x.h, NULL, NULL, &mv, &err), 0);
	ck_assert_uint_eq(mv.pta.n, 18);
	ck_assert(!mv.has_pid);
	ck_assert_uint_eq(mv.groups.n, 0);
	ap_memview_release(&mv);
	ap_memview_release(NULL);
	memfx_release(&x);
	ap_err_release(&err);
}
END_TEST

START_TEST(memory_files)
{
	struct memfx x;
	struct ap_err err = AP_ERR_INIT;

	memfx_build(&x);
	ck_assert_int_eq(write_mem(&x, &err), 0);
	CHECK_FILE("operator_memory.csv", expect_operator_memory);
	/* Two device dirs: the Device Type comes from the records. */
	x.v.n_devices = 2;
	ck_assert_int_eq(write_mem(&x, &err), 0);
	CHECK_FILE("memory_record.csv", expect_memory_record);
	ck_assert_int_eq(dir_count(), 2);
	memfx_release(&x);
	ap_err_release(&err);
}
END_TEST

START_TEST(memory_none)
{
	struct memfx x;
	struct ap_err err = AP_ERR_INIT;

	memfx_build(&x);
	x.h.mems.n = 0;
	ck_assert_int_eq(write_mem(&x, &err), 0);
	ck_assert_int_eq(dir_count(), 0);
	memfx_release(&x);
	ap_err_release(&err);
}
END_TEST

/* Every KB/MB number equals ap_fmt_double of the Python division (fast path included). */
START_TEST(memory_number_format)
{
	enum { N = 4000 };
	struct memfx x;
	struct ap_err err = AP_ERR_INIT;
	uint64_t seed = 0x243f6a8885a308d3ull;
	size_t len, i;
	char *got, *line, *save = NULL;

	memfx_build(&x);
	x.h.mems.n = 0;
	for (i = 0; i < N; i++) {
		struct ap_mem *m = add_mem(&x.h, (int64_t)i, (int64_t)i, 0, 100);
		int64_t v[4];
		int k;

		for (k = 0; k < 4; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			switch ((i + (size_t)k) % 5) {
			case 0: v[k] = (int64_t)(seed >> 33) * 512; break;     /* aligned sizes */
			case 1: v[k] = (int64_t)(seed >> 20); break;           /* any bits < 2^44 */
			case 2: v[k] = -(int64_t)(seed >> 40); break;          /* negative */
			case 3: v[k] = (int64_t)(seed >> 1); break;            /* beyond 2^53 */
			default: v[k] = (int64_t)(seed >> 54); break;          /* tiny */
			}
		}
		if (i % 7 == 0)
			v[3] = v[0]; /* the same value as KB and as MB: texts kept per unit */
		m->total_alloc = v[0];
		m->total_reserved = v[1];
		m->total_active = v[2];
		m->alloc_size = v[3];
	}
	ck_assert_int_eq(write_mem(&x, &err), 0);
	got = slurp("memory_record.csv", &len);
	line = strtok_r(got, "\n", &save); /* header */
	for (i = 0; i < N; i++) {
		const struct ap_mem *m = &x.h.mems.v[i];
		char want[3 * AP_FMT_MAX + 8];
		size_t n = 0;

		line = strtok_r(NULL, "\n", &save); /* PTA row */
		ck_assert_ptr_nonnull(line);
		n += ap_fmt_double(want + n, (double)m->total_alloc / 1048576.0);
		want[n++] = ',';
		n += ap_fmt_double(want + n, (double)m->total_reserved / 1048576.0);
		want[n++] = ',';
		n += ap_fmt_double(want + n, (double)m->total_active / 1048576.0);
		want[n++] = ',';
		want[n] = '\0';
		ck_assert_msg(strstr(line, want) != NULL, "row %zu: want '%s' in '%s'", i, want, line);
		line = strtok_r(NULL, "\n", &save); /* PTA+GE row */
	}
	free(got);
	got = slurp("operator_memory.csv", &len);
	save = NULL;
	line = strtok_r(got, "\n", &save);
	for (i = 0; i < N; i++) {
		char want[AP_FMT_MAX + 2];
		size_t n = ap_fmt_double(want, (double)x.h.mems.v[i].alloc_size / 1024.0);

		want[n++] = ',';
		want[n] = '\0';
		line = strtok_r(NULL, "\n", &save);
		ck_assert_ptr_nonnull(line);
		ck_assert_ptr_nonnull(strchr(line, ',')); /* after the name (no ',' in it) */
		ck_assert_msg(!strncmp(strchr(line, ',') + 1, want, n), "row %zu: want '%s' in '%s'",
			      i, want, line);
	}
	free(got);
	memfx_release(&x);
	ap_err_release(&err);
}
END_TEST

/* Both files end each row with the record's stream and device, which the writers keep from
 * row to row while they stay the same: runs of each, changing apart and together. */
static void check_row_ends(const char *file, const struct memfx *x, size_t n, int by_record)
{
	size_t len, i;
	char *got = slurp(file, &len), *line, *save = NULL;

	line = strtok_r(got, "\n", &save); /* header */
	for (i = 0; i < n; i++) {
		const struct ap_mem *m = &x->h.mems.v[i];
		char want[2 * AP_FMT_MAX + 8];
		int rows = strcmp(file, "memory_record.csv") ? 1 : 2, k;

		snprintf(want, sizeof(want), ",%" PRId64 ",NPU:%d\r", m->stream,
			 by_record ? (int)m->device_index : 3);
		for (k = 0; k < rows; k++) { /* PTA and PTA+GE */
			line = strtok_r(NULL, "\n", &save);
			ck_assert_ptr_nonnull(line);
			ck_assert_msg(strlen(line) > strlen(want) &&
					      !strcmp(line + strlen(line) - strlen(want), want),
				      "%s row %zu: want '%s' at the end of '%s'", file, i, want, line);
		}
	}
	ck_assert_ptr_null(strtok_r(NULL, "\n", &save));
	free(got);
}

START_TEST(memory_row_ends)
{
	enum { N = 60 };
	struct memfx x;
	struct ap_err err = AP_ERR_INIT;
	int by_record;
	size_t i;

	memfx_build(&x);
	x.h.mems.n = 0;
	for (i = 0; i < N; i++) {
		struct ap_mem *m = add_mem(&x.h, (int64_t)i, 1000 + (int64_t)i, 0, 100);

		m->stream = (i / 3) % 2 ? 897357296 : 7;
		m->device_index = (int8_t)((i / 2) % 3);
	}
	for (by_record = 0; by_record < 2; by_record++) {
		x.v.device_id = 3;
		x.v.n_devices = by_record ? 2 : 1;
		ck_assert_int_eq(write_mem(&x, &err), 0);
		check_row_ends("memory_record.csv", &x, N, by_record);
		check_row_ends("operator_memory.csv", &x, N, by_record);
	}
	memfx_release(&x);
	ap_err_release(&err);
}
END_TEST

/* The Communication process's threads (hccl_assembler.cpp): groups ranked by first appearance
 * (small tasks, then ops of groups without tasks), each at tid s with its planes at s + plane + 1,
 * the next group after the highest plane; another device's tasks do not count. */
START_TEST(comm_layout_per_group)
{
	struct ap_cann_view v;
	struct ap_tv_comm_layout l;
	struct ap_cann_comm_op *o;
	uint32_t a, b, c;
	static const struct { int g; uint32_t plane, dev; } tk[] = {
		{0, 0, 0}, {1, 1, 0}, {0, 1, 0}, {1, 0, 0}, {2, 7, 1},
	};
	size_t i;

	ck_assert_int_eq(ap_cann_view_init(&v), 0);
	a = ap_strtab_intern(&v.strs, "A", 1, NULL);
	b = ap_strtab_intern(&v.strs, "B", 1, NULL);
	c = ap_strtab_intern(&v.strs, "C", 1, NULL);
	for (i = 0; i < sizeof(tk) / sizeof(tk[0]); i++) {
		struct ap_cann_hccl_task *t = ap_vec_push(&v.hccl_tasks);

		ck_assert_ptr_nonnull(t);
		memset(t, 0, sizeof(*t));
		t->group = tk[i].g == 0 ? b : tk[i].g == 1 ? a : c;
		t->plane_id = tk[i].plane;
		t->device_id = tk[i].dev;
	}
	o = ap_vec_push(&v.comm_ops);
	ck_assert_ptr_nonnull(o);
	memset(o, 0, sizeof(*o));
	o->group = c;
	ck_assert_int_eq(ap_tv__comm_layout(&v, 0, &l), 0);
	ck_assert_uint_eq(l.ng, 3);
	ck_assert_uint_eq(ap_tv__comm_group_rank(&l, b), 0); /* first seen */
	ck_assert_uint_eq(ap_tv__comm_group_rank(&l, a), 1);
	ck_assert_uint_eq(ap_tv__comm_group_rank(&l, c), 2); /* ops only */
	ck_assert_uint_eq(l.start[0], 0);                    /* B: planes 0, 1 at tids 1, 2 */
	ck_assert_uint_eq(l.start[1], 3);                    /* A: planes 0, 1 at tids 4, 5 */
	ck_assert_uint_eq(l.start[2], 6);
	ck_assert_uint_eq(l.np, 4);
	free(l.grp);
	ap_cann_view_release(&v);
}
END_TEST

static Suite *writers_suite(void)
{
	Suite *s = suite_create("writers");
	TCase *tc;

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, json_semi_and_empty);
	tcase_add_test(tc, json_utf8_passthrough);
	tcase_add_test(tc, json_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("csv");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, csv_minimal_quoting);
	tcase_add_test(tc, csv_semi_expansion);
	tcase_add_test(tc, csv_long_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("out");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, out_commit_leaves_no_tmp);
	tcase_add_test(tc, out_abort_removes_tmp);
	tcase_add_test(tc, out_sticky_failure);
	tcase_add_test(tc, out_open_failure);
	tcase_add_test(tc, out_large_writes);
	tcase_add_test(tc, out_short_writes);
	tcase_add_test(tc, out_numbers_at_buffer_end);
	tcase_add_test(tc, out_cursor);
	tcase_add_test(tc, out_str_id_cached);
	tcase_add_test(tc, out_mem_append);
	tcase_add_test(tc, out_drop_behind);
	suite_add_tcase(s, tc);

	tc = tcase_create("trace_view");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, trace_view_bytes);
	tcase_add_test(tc, trace_view_gc_without_device);
	tcase_add_test(tc, trace_view_empty);
	tcase_add_test(tc, trace_view_timeline_level0);
	tcase_add_test(tc, trace_view_queue_only);
	tcase_add_test(tc, trace_view_python_on_dequeue_thread);
	tcase_add_test(tc, comm_layout_per_group);
	tcase_add_test(tc, trace_view_comm_hidden_task);
	suite_add_tcase(s, tc);

	tc = tcase_create("operator_details");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, operator_details_rows);
	tcase_add_test(tc, operator_details_only_steps);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, memview_groups_and_names);
	tcase_add_test(tc, memview_no_tree);
	tcase_add_test(tc, memory_files);
	tcase_add_test(tc, memory_none);
	tcase_add_test(tc, memory_number_format);
	tcase_add_test(tc, memory_row_ends);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(writers_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
