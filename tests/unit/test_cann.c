/* Unit tests of the exported-CANN path: lib/formats/cann/cann_exported.c (PROF dir recognition,
 * file selection and order) and lib/writers/w_cann_csv.c (kernel_details.csv mapping of spec
 * torch_npu_ascend_pt.md §8.2, Step Id boundaries, verbatim integrated CSVs). Expected files
 * written by hand from the spec. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/cann_exported.h"
#include "ap/cann_write.h"
#include "ap/csv_in.h"
#include "../../lib/base/banned.h"

static char root[256];

static void setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/ap_cann_XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static void mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static void put(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The whole file root/rel, or "<absent>". Static buffer. */
static const char *slurp(const char *rel)
{
	static char buf[8192];
	char p[512];
	size_t n;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "rb");
	if (!f)
		return "<absent>";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void table(struct ap_csv_table *t, const char *text)
{
	struct ap_diag d;
	struct ap_err e = AP_ERR_INIT;

	ap_diag_init(&d);
	ap_csv_table_init(t);
	ck_assert_int_eq(ap_csv_read_mem(t, "t.csv", text, strlen(text), &d, &e), 0);
	ck_assert_uint_eq(d.n, 0);
	ap_diag_release(&d);
	ap_err_release(&e);
}

START_TEST(prof_names_and_probe)
{
	char p[512];

	ck_assert_int_eq(ap_cann_is_prof_name("PROF_000001_20260823165326062_00625538CIGQAHCJ"), 1);
	ck_assert_int_eq(ap_cann_is_prof_name("PROF_1_2_a"), 1);
	ck_assert_int_eq(ap_cann_is_prof_name("PROF_PipeUtilization"), 0);
	ck_assert_int_eq(ap_cann_is_prof_name("PROF_1_2_"), 0);
	mk("PROF_1_2_A");
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ck_assert_int_eq(ap_cann_probe_prof(p), 0); /* the name alone is not enough */
	mk("PROF_1_2_A/device_3");
	ck_assert_int_eq(ap_cann_probe_prof(p), 100);
	snprintf(p, sizeof(p), "%s/PROF_1_2_A/", root);
	ck_assert_int_eq(ap_cann_probe_prof(p), 100);
	mk("other");
	mk("other/mindstudio_profiler_output");
	snprintf(p, sizeof(p), "%s/other", root);
	ck_assert_int_eq(ap_cann_probe_prof(p), 0);
	/* raw slices or an export */
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ck_assert_int_eq(ap_cann_has_raw(p), 0);
	ck_assert_int_eq(ap_cann_has_exported(p), 0);
	mk("PROF_1_2_A/device_3/data");
	put("PROF_1_2_A/device_3/data/info.txt", "");
	ck_assert_int_eq(ap_cann_has_raw(p), 0);
	put("PROF_1_2_A/device_3/data/stars_soc.data.0.slice_0", "");
	ck_assert_int_eq(ap_cann_has_raw(p), 1);
	mk("PROF_1_2_A/mindstudio_profiler_output");
	ck_assert_int_eq(ap_cann_has_exported(p), 1);
}
END_TEST

START_TEST(select_order)
{
	static const char *const names[] = {
		"api_statistic_20260823165335.csv", "op_statistic_1.csv",
		"op_summary_20260823165335.csv", "op_summary_slice_10_20260823165335.csv",
		"op_summary_slice_2_20260823165335.csv", "op_summary_slice_x.csv",
		"op_summary_x.csv", "op_summary_1.json", "task_time_1.csv.bak",
		"task_time_slice.csv", "task_time_slice_1_2.csv",
	};
	struct ap_strlist l = { 0 }, out = { 0 };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		ck_assert_int_eq(ap_strlist_add(&l, names[i]), 0);
	ck_assert_int_eq(ap_cann_exported_select(&l, AP_CANN_OP_SUMMARY, &out), 0);
	ck_assert_uint_eq(out.n, 3);
	ck_assert_str_eq(out.v[0], "op_summary_20260823165335.csv");
	ck_assert_str_eq(out.v[1], "op_summary_slice_2_20260823165335.csv");
	ck_assert_str_eq(out.v[2], "op_summary_slice_10_20260823165335.csv");
	ap_strlist_release(&out);
	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(ap_cann_exported_select(&l, AP_CANN_TASK_TIME, &out), 0);
	ck_assert_uint_eq(out.n, 2); /* task_time_slice.*\.csv: any tail; no index sorts last */
	ck_assert_str_eq(out.v[0], "task_time_slice_1_2.csv");
	ck_assert_str_eq(out.v[1], "task_time_slice.csv");
	ap_strlist_release(&out);
	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(ap_cann_exported_select(&l, AP_CANN_OP_STATISTIC, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ap_strlist_release(&out);
	ap_strlist_release(&l);
}
END_TEST

START_TEST(load_concatenates_slices)
{
	struct ap_cann_exported x;
	struct ap_diag d;
	struct ap_err e = AP_ERR_INIT;
	char p[512];

	mk("PROF_1_2_A");
	mk("PROF_1_2_A/mindstudio_profiler_output");
	put("PROF_1_2_A/mindstudio_profiler_output/task_time_slice_1_1.csv", "a,b\n3,4\n");
	put("PROF_1_2_A/mindstudio_profiler_output/task_time_slice_0_1.csv", "a,b\n1,2\n");
	put("PROF_1_2_A/mindstudio_profiler_output/op_summary_1.csv", "a,b\n1\n");
	snprintf(p, sizeof(p), "%s/PROF_1_2_A/mindstudio_profiler_output/api_statistic_1.csv", root);
	ck_assert_int_eq(symlink("nowhere", p), 0); /* unreadable: data loss, the rest read */
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ap_cann_exported_init(&x);
	ap_diag_init(&d);
	ck_assert_int_eq(ap_cann_exported_load(&x, p, &d, &e), 0);
	ck_assert_uint_eq(x.t[AP_CANN_TASK_TIME].nrows, 2);
	ck_assert_str_eq(ap_csv_cell(&x.t[AP_CANN_TASK_TIME], 0, 0), "1");
	ck_assert_str_eq(ap_csv_cell(&x.t[AP_CANN_TASK_TIME], 1, 1), "4");
	ck_assert_uint_eq(x.t[AP_CANN_OP_SUMMARY].nrows, 0);
	ck_assert_uint_eq(x.files[AP_CANN_API_STATISTIC].n, 1);
	ck_assert_uint_eq(x.t[AP_CANN_API_STATISTIC].ncols, 0);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.v[0].first.buf,
			 "'PROF_1_2_A/mindstudio_profiler_output/op_summary_1.csv': 1 row with a field count other than the header's 2 skipped (first: line 2, 1 field)");
	ck_assert_int_eq(d.v[1].kind, AP_DIAG_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(d.v[1].first.buf, "api_statistic_1.csv"));
	ap_cann_exported_release(&x);
	ap_diag_release(&d);
	ap_err_release(&e);
}
END_TEST

/* An op_summary of the current header (shortened metrics), two rows. */
static const char op_summary[] =
	"Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),"
	"Task Duration(us),Task Wait Time(us),Block Num,Mix Block Num,HF32 Eligible,Input Shapes,"
	"Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID,"
	"aicore_time(us)\n"
	"0,4294967295,0,46,Add_1,Add,dynamic,AI_VECTOR_CORE,1000.000\t,4.601,0,8,0,NO,\"\"\"4,8\"\"\","
	"DT_BF16,ND,\"\"\"4,8\"\"\",DT_BF16,ND,N/A,0.0\n"
	"0,4294967295,1,46,Mm_2,MatMul,static,AI_CORE,2000.000\t,8.060,995.399000,40,0,NO,8;8,"
	"FLOAT;FLOAT,ND;ND,8,FLOAT,ND,N/A,7.5\n";

START_TEST(kernel_details_level1)
{
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, op_summary);
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL1, NULL, 0, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"),
			 "Device_id,Model ID,Task ID,Stream ID,Name,Type,OP State,Accelerator Core,"
			 "Start Time(us),Duration(us),Wait Time(us),Block Num,Mix Block Num,HF32 Eligible,"
			 "Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,"
			 "Output Formats,Context ID,aicore_time(us)\r\n"
			 "0,4294967295,0,46,Add_1,Add,dynamic,AI_VECTOR_CORE,1000.000\t,4.601,0,8,0,NO,"
			 "\"\"\"4,8\"\"\",DT_BF16,ND,\"\"\"4,8\"\"\",DT_BF16,ND,N/A,0.0\r\n"
			 "0,4294967295,1,46,Mm_2,MatMul,static,AI_CORE,2000.000\t,8.060,995.399000,40,0,"
			 "NO,8;8,FLOAT;FLOAT,ND;ND,8,FLOAT,ND,N/A,7.5\r\n");
	ck_assert_str_eq(slurp("kernel_details.csv.tmp"), "<absent>");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(kernel_details_level0)
{
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, op_summary);
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL0, NULL, 0, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"),
			 "Device_id,Name,Type,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),"
			 "Block Num,Input Shapes,Input Data Types,Input Formats,Output Shapes,"
			 "Output Data Types,Output Formats\r\n"
			 "0,Add_1,Add,AI_VECTOR_CORE,1000.000\t,4.601,0,8,\"\"\"4,8\"\"\",DT_BF16,ND,"
			 "\"\"\"4,8\"\"\",DT_BF16,ND\r\n"
			 "0,Mm_2,MatMul,AI_CORE,2000.000\t,8.060,995.399000,40,8;8,FLOAT;FLOAT,ND;ND,8,"
			 "FLOAT,ND\r\n");
	ap_csv_table_release(&t);
	/* older CANN: Block Dim and no shapes; Level0's Block Num is then empty, as upstream */
	table(&t, "Model ID,Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),"
		  "Task Wait Time(us),Block Dim\n"
		  "1,a,b,AI_CORE,5.000\t,1.000,0,2\n");
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL0, NULL, 0, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"),
			 "Device_id,Name,Type,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),"
			 "Block Num\r\n"
			 ",a,b,AI_CORE,5.000\t,1.000,0,\r\n");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(kernel_details_steps)
{
	static const struct ap_step_range steps[] = {
		{ "1", 1000000000, 2000000000 },
		{ "2", 2000000000, 3000000000 },
	};
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, "Op Name,Task Start Time(us)\n"
		  "a,999999.999\t\n"   /* before step 1 */
		  "b,1000000.000\t\n"  /* equal to step 1's start: included */
		  "c,1999999.999\t\n"
		  "d,2000000.000\t\n"  /* equal to step 1's end: excluded, step 2's start */
		  "e,3000000.000\t\n"  /* equal to step 2's end: in no step */
		  "f,N/A\n");
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL2, steps, 2, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"),
			 "Step Id,Name,Start Time(us)\r\n"
			 ",a,999999.999\t\r\n"
			 "1,b,1000000.000\t\r\n"
			 "1,c,1999999.999\t\r\n"
			 "2,d,2000000.000\t\r\n"
			 ",e,3000000.000\t\r\n"
			 ",f,N/A\r\n");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(no_rows_no_file)
{
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, "Op Name,Task Start Time(us)\n");
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL1, NULL, 0, &e), 0);
	ck_assert_int_eq(ap_write_csv_table(root, "op_statistic.csv", &t, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"), "<absent>");
	ck_assert_str_eq(slurp("op_statistic.csv"), "<absent>");
	ap_csv_table_release(&t);
	table(&t, "Op Name,Task Start Time(us)\na,1.000\t\n");
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL_NONE, NULL, 0, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"), "<absent>");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(verbatim_table)
{
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, "Device_id,Level,API Name,Time(us)\nhost,acl,\"a,b\",1.5\nhost,acl,\"q\"\"\",x\t\n");
	ck_assert_int_eq(ap_write_csv_table(root, "api_statistic.csv", &t, &e), 0);
	ck_assert_str_eq(slurp("api_statistic.csv"),
			 "Device_id,Level,API Name,Time(us)\r\nhost,acl,\"a,b\",1.5\r\n"
			 "host,acl,\"q\"\"\",x\t\r\n");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(levels_and_times)
{
	int64_t ns;

	ck_assert_int_eq(ap_prof_level_of("Level_none"), AP_PROF_LEVEL_NONE);
	ck_assert_int_eq(ap_prof_level_of("Level0"), AP_PROF_LEVEL0);
	ck_assert_int_eq(ap_prof_level_of("Level1"), AP_PROF_LEVEL1);
	ck_assert_int_eq(ap_prof_level_of("Level2"), AP_PROF_LEVEL2);
	ck_assert_int_eq(ap_prof_level_of("bogus"), AP_PROF_LEVEL0);
	ck_assert_int_eq(ap_us_text_to_ns("1787504007005868.315\t", &ns), 0);
	ck_assert_int_eq(ns, 1787504007005868315LL);
	ck_assert_int_eq(ap_us_text_to_ns("12.5", &ns), 0);
	ck_assert_int_eq(ns, 12500);
	ck_assert_int_eq(ap_us_text_to_ns("7.123999", &ns), 0);
	ck_assert_int_eq(ns, 7123);
	ck_assert_int_eq(ap_us_text_to_ns("N/A", &ns), -1);
	ck_assert_int_eq(ap_us_text_to_ns("", &ns), -1);
	ck_assert_int_eq(ap_us_text_to_ns("99999999999999999999", &ns), -1);
}
END_TEST

static Suite *cann_suite(void)
{
	Suite *s = suite_create("cann");
	TCase *tc = tcase_create("exported");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, prof_names_and_probe);
	tcase_add_test(tc, select_order);
	tcase_add_test(tc, load_concatenates_slices);
	suite_add_tcase(s, tc);
	tc = tcase_create("writers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, kernel_details_level1);
	tcase_add_test(tc, kernel_details_level0);
	tcase_add_test(tc, kernel_details_steps);
	tcase_add_test(tc, no_rows_no_file);
	tcase_add_test(tc, verbatim_table);
	tcase_add_test(tc, levels_and_times);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cann_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
