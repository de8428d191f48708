/* Unit tests of the Overlap Analysis (lib/analysis/an_overlap.c), the step_trace_time rows
 * (an_step_time.c) and their writer (w_step_trace.c) on hand-built CANN views. Expected values
 * are computed by hand from the rules of torch_npu_ascend_pt.md §6.4 / §8.4 (msprof
 * pipeline_overlap_viewer.py, torch_npu _trace_step_time_parser.py). Times are written as µs
 * offsets from B (1 s): at that magnitude the µs floats are exact, so every sum is too. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/overlap_an.h"
#include "ap/step_trace.h"
#include "../../lib/base/banned.h"

#define B 1000000000LL /* ns */
#define US(x) (B + (int64_t)((x) * 1000))

static struct ap_cann_view V;
static struct ap_overlap O;
static struct ap_step_time T;
static struct ap_err E;

static void setup(void)
{
	ck_assert_int_eq(ap_cann_view_init(&V), 0);
	ap_overlap_init(&O);
	ap_step_time_init(&T);
	ap_err_init(&E);
}

static void teardown(void)
{
	ap_cann_view_release(&V);
	ap_overlap_release(&O);
	ap_step_time_release(&T);
	ap_err_release(&E);
}

static uint32_t S(const char *s)
{
	return s ? ap_strtab_intern(&V.strs, s, strlen(s), NULL) : AP_STR_NONE;
}

/* An op_summary row: a compute op (type e.g. "AI_CORE") or an HCCL op ("COMMUNICATION"). */
static void op(uint32_t dev, double s, double e, const char *name, const char *type)
{
	struct ap_cann_op_row *r = ap_vec_push(&V.ops);

	ck_assert_ptr_nonnull(r);
	r->device_id = dev;
	r->start = US(s);
	r->end = US(e);
	r->name = S(name);
	r->task_type = S(type);
}

/* A task_time row with its host task's runtime type (NULL: no host task). */
static void task(uint32_t dev, double s, double e, const char *host_type)
{
	struct ap_cann_task_row *t = ap_vec_push(&V.tasks);

	ck_assert_ptr_nonnull(t);
	t->device_id = dev;
	t->start = US(s);
	t->end = US(e);
	t->host_type = S(host_type);
	t->kernel_type = S("EVENT_RECORD");
}

/* The lane as "s-e s-e" in µs offsets from B. */
static const char *lane(const struct ap_interval_vec *l)
{
	static char buf[512];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < l->n && n < sizeof(buf) - 40; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%g-%g", i ? " " : "",
				      (double)(l->v[i].start - B) / 1000, (double)(l->v[i].end - B) / 1000);
	return buf;
}

#define LANE(d, k, text) ck_assert_str_eq(lane(&O.dev[d].lane[k]), text)

static void build(void)
{
	ck_assert_int_eq(ap_overlap_build(&V, &O, &E), 0);
}

START_TEST(lanes_mixed)
{
	op(0, 0, 10, "MatMul", "AI_CORE");
	op(0, 5, 15, "Add", "AI_VECTOR_CORE");   /* overlaps: merged */
	op(0, 20, 30, "Relu", "AI_CORE");
	op(0, 12, 25, "hcom_allReduce__1_0_1", "COMMUNICATION");
	task(0, -5, -4, "EVENT_RECORD");          /* bounds Free: head */
	task(0, 40, 41, "MEMCPY_ASYNC");          /* tail */
	task(0, 100, 200, "KERNEL_AICORE");       /* a compute host type: does not bound Free */
	task(0, -50, -40, "FFTS_PLUS");           /* neither */
	build();
	ck_assert_uint_eq(O.n, 1);
	ck_assert_uint_eq(O.dev[0].device_id, 0);
	LANE(0, AP_OVERLAP_COMPUTING, "0-15 20-30");
	LANE(0, AP_OVERLAP_COMMUNICATION, "12-25");
	LANE(0, AP_OVERLAP_NOT_OVERLAPPED, "15-20");
	LANE(0, AP_OVERLAP_FREE, "-5-0 30-41");
	ck_assert_uint_eq(O.dev[0].receive.n, 0);
	ck_assert_str_eq(ap_overlap_kind_name(AP_OVERLAP_NOT_OVERLAPPED), "Communication(Not Overlapped)");
	ck_assert_ptr_null(ap_overlap_kind_name(AP_OVERLAP_KINDS));
}
END_TEST

START_TEST(lanes_no_communication)
{
	op(0, 20, 30, "Relu", "AI_CORE");   /* rows in no particular order */
	op(0, 0, 10, "MatMul", "AI_CORE");
	op(0, 10, 12, "Cast", "AI_CORE");   /* touches: merged */
	task(0, 0, 35, NULL);               /* a device-only task bounds Free */
	build();
	ck_assert_uint_eq(O.n, 1);
	LANE(0, AP_OVERLAP_COMPUTING, "0-12 20-30");
	LANE(0, AP_OVERLAP_COMMUNICATION, "");
	LANE(0, AP_OVERLAP_NOT_OVERLAPPED, "");
	LANE(0, AP_OVERLAP_FREE, "12-20 30-35");
}
END_TEST

START_TEST(lanes_communication_only)
{
	op(1, 0, 10, "hcom_allGather__2_0_1", "COMMUNICATION");
	op(1, 4, 6, "allgather_AivKernel", "AI_VECTOR_CORE"); /* communication on AIV: not compute */
	build();
	ck_assert_uint_eq(O.n, 1);
	ck_assert_uint_eq(O.dev[0].device_id, 1);
	LANE(0, AP_OVERLAP_COMPUTING, "");
	LANE(0, AP_OVERLAP_COMMUNICATION, "0-10");
	LANE(0, AP_OVERLAP_NOT_OVERLAPPED, "0-10");
	LANE(0, AP_OVERLAP_FREE, "");
}
END_TEST

START_TEST(lanes_fully_overlapped)
{
	op(0, 0, 20, "MatMul", "AI_CORE");
	op(0, 5, 15, "hcom_allReduce__1_0_1", "COMMUNICATION");
	op(0, 15, 20, "hcom_allReduce__1_1_1", "COMMUNICATION"); /* ends with the compute */
	build();
	LANE(0, AP_OVERLAP_COMMUNICATION, "5-20");
	LANE(0, AP_OVERLAP_NOT_OVERLAPPED, "");
	LANE(0, AP_OVERLAP_FREE, "");
}
END_TEST

START_TEST(lanes_devices)
{
	op(3, 0, 10, "MatMul", "AI_CORE");
	op(1, 0, 10, "MatMul", "AI_CORE");
	task(2, 0, 10, "EVENT_RECORD"); /* tasks only: no Overlap Analysis process */
	op(2, 0, 0, "Empty", "AI_CORE"); /* an empty interval counts for nothing */
	build();
	ck_assert_uint_eq(O.n, 2);
	ck_assert_uint_eq(O.dev[0].device_id, 1);
	ck_assert_uint_eq(O.dev[1].device_id, 3);
	LANE(1, AP_OVERLAP_COMPUTING, "0-10");
}
END_TEST

/* The row as the writer prints it, without the CRLF: "dev,step,values...". */
static const char *row(size_t i)
{
	static char buf[512];
	const struct ap_step_row *r = &T.rows.v[i];
	size_t n;
	int c;

	n = (size_t)snprintf(buf, sizeof(buf), "%u,%s", r->device_id, r->step ? r->step : "");
	for (c = 0; c < AP_STEP_COLS; c++) {
		if (r->isfloat & (1u << c))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",%.17g", r->value[c]);
		else
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",0");
	}
	return buf;
}

START_TEST(steps_ranges)
{
	/* the lanes of lanes_mixed: Computing 0-15 20-30, Communication 12-25, Not Overlapped
	 * 15-20, Free -5-0 30-41 */
	struct ap_step_span st[3] = {
		{ "10", US(-10), US(22), US(-12) },
		{ "9", US(22), US(50), US(21) },
		{ "11", US(100), US(200), US(99) }, /* no event in it: no row */
	};

	op(0, 0, 10, "MatMul", "AI_CORE");
	op(0, 5, 15, "Add", "AI_VECTOR_CORE");
	op(0, 20, 30, "Relu", "AI_CORE");
	op(0, 12, 25, "hcom_allReduce__1_0_1", "COMMUNICATION");
	task(0, -5, -4, "EVENT_RECORD");
	task(0, 40, 41, "MEMCPY_ASYNC");
	build();
	ck_assert_int_eq(ap_step_time_build(&O, st, 3, US(-100), &T, &E), 0);
	ck_assert_uint_eq(T.rows.n, 2);
	/* step 9 (sorted by int before 10): Free 30-41 only; its first task stays -1, so
	 * Preparing = -1 - (1e6 + 21) µs, upstream's negative quirk */
	ck_assert_str_eq(row(0), "0,9,0,0,0,0,11,11,0,0,-1000022");
	/* step 10: Computing 15 + 10, Not Overlapped 5, Communication 13, Overlapped 8, Free 5,
	 * Stage 30 - (-5), Bubble 0 (int), Exclude Receive 5.0, Preparing 0 - (-12) */
	ck_assert_str_eq(row(1), "0,10,25,5,8,13,5,35,0,5,12");
	ck_assert_uint_eq(T.rows.v[1].isfloat, (1u << AP_STEP_COLS) - 1 - (1u << AP_STEP_BUBBLE));
	ck_assert_uint_eq(T.rows.v[0].isfloat,
			  (1u << AP_STEP_FREE) | (1u << AP_STEP_STAGE) | (1u << AP_STEP_PREPARING));
}
END_TEST

START_TEST(steps_receive_bubble)
{
	op(0, 0, 10, "hcom_receive__1_0_1", "COMMUNICATION");
	op(0, 20, 25, "hcom_allReduce__1_0_1", "COMMUNICATION");
	op(0, 5, 8, "MatMul", "AI_CORE");
	/* device 1: the receive is hidden under compute: Not Overlapped 0 - Bubble 10 < 0 */
	op(1, 0, 10, "hcom_receive__1_0_1", "COMMUNICATION");
	op(1, 0, 10, "MatMul", "AI_CORE");
	build();
	ck_assert_uint_eq(O.n, 2);
	LANE(0, AP_OVERLAP_NOT_OVERLAPPED, "0-5 8-10 20-25");
	LANE(0, AP_OVERLAP_FREE, "10-20");
	ck_assert_str_eq(lane(&O.dev[0].receive), "0-10");
	/* no step ranges: one None row per device, Preparing from the earliest torch op (-3) */
	ck_assert_int_eq(ap_step_time_build(&O, NULL, 0, US(-3), &T, &E), 0);
	ck_assert_uint_eq(T.rows.n, 2);
	/* Computing 3, Not Overlapped 12, Overlapped 3, Communication 15, Free 10, Stage 25 - 10,
	 * Bubble 10, Exclude Receive 12 - 10, Preparing 0 - (-3) */
	ck_assert_str_eq(row(0), "0,,3,12,3,15,10,15,10,2,3");
	/* Not Overlapped stays the int 0, Exclude Receive max(-10, 0) the int 0 */
	/* Stage 10 - 10 = 0.0 (a float), Preparing 0 - (-3) */
	ck_assert_str_eq(row(1), "1,,10,0,10,10,0,0,10,0,3");
	ck_assert(T.rows.v[1].isfloat & (1u << AP_STEP_STAGE));
	ck_assert(!(T.rows.v[1].isfloat & (1u << AP_STEP_NOT_OVERLAPPED)));
	ck_assert(!(T.rows.v[1].isfloat & (1u << AP_STEP_EXCLUDE_RECEIVE)));
	ck_assert(T.rows.v[1].isfloat & (1u << AP_STEP_PREPARING));
}
END_TEST

START_TEST(steps_without_kernels_or_steps)
{
	struct ap_step_span st[1] = { { "1", US(1000), US(2000), US(999) } };

	/* nothing at all: no device, no rows */
	build();
	ck_assert_uint_eq(O.n, 0);
	ck_assert_int_eq(ap_step_time_build(&O, NULL, 0, US(0), &T, &E), 0);
	ck_assert_uint_eq(T.rows.n, 0);
	ap_overlap_release(&O);
	/* events, but all outside the only step: no row (the None step is not printed) */
	op(0, 0, 10, "MatMul", "AI_CORE");
	build();
	ck_assert_int_eq(ap_step_time_build(&O, st, 1, US(0), &T, &E), 0);
	ck_assert_uint_eq(T.rows.n, 0);
	/* no steps and no torch op: Preparing is the int 0 */
	ck_assert_int_eq(ap_step_time_build(&O, NULL, 0, AP_STEP_NO_OP, &T, &E), 0);
	ck_assert_uint_eq(T.rows.n, 1);
	ck_assert_str_eq(row(0), "0,,10,0,0,0,0,10,0,0,0");
	ap_step_time_release(&T);
	/* a step id int() rejects: upstream writes no file */
	st[0].id = "x1";
	st[0].start = US(-1);
	ck_assert_int_eq(ap_step_time_build(&O, st, 1, US(0), &T, &E), 0);
	ck_assert_uint_eq(T.rows.n, 0);
}
END_TEST

START_TEST(steps_first_op)
{
	struct ap_op ops[3];

	memset(ops, 0, sizeof(ops));
	ops[0].ts = 500;
	ops[1].ts = -300; /* the earliest is neither the first nor the last in file order */
	ops[2].ts = 400;
	ck_assert_int_eq(ap_step_first_op(ops, 3), -300);
	ck_assert_int_eq(ap_step_first_op(ops + 2, 1), 400);
	ck_assert(ap_step_first_op(ops, 0) == AP_STEP_NO_OP);
}
END_TEST

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(writer_csv)
{
	char dir[] = "/tmp/ap_overlap_XXXXXX", path[64];
	struct ap_step_row *r;
	const char *text;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/step_trace_time.csv", dir);
	/* no rows: no file */
	ck_assert_int_eq(ap_write_step_trace(dir, &T, &E), 0);
	ck_assert_int_ne(access(path, F_OK), 0);
	r = ap_vec_push(&T.rows);
	ck_assert_ptr_nonnull(r);
	r->device_id = 1;
	r->step = "7,a";
	r->value[AP_STEP_COMPUTING] = 0.1 + 0.2;
	r->value[AP_STEP_FREE] = 1266.0400000000002;
	r->value[AP_STEP_STAGE] = 98.75;
	r->value[AP_STEP_PREPARING] = 0.0;
	r->isfloat = (1u << AP_STEP_COMPUTING) | (1u << AP_STEP_FREE) | (1u << AP_STEP_STAGE) |
		     (1u << AP_STEP_PREPARING);
	r = ap_vec_push(&T.rows);
	ck_assert_ptr_nonnull(r);
	r->device_id = 2; /* step NULL: empty, all int zeros */
	ck_assert_int_eq(ap_write_step_trace(dir, &T, &E), 0);
	text = slurp(path);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text,
			 "Device_id,Step,Computing,Communication(Not Overlapped),Overlapped,Communication,"
			 "Free,Stage,Bubble,Communication(Not Overlapped and Exclude Receive),Preparing\r\n"
			 "1,\"7,a\",0.30000000000000004,0,0,0,1266.0400000000002,98.75,0,0,0.0\r\n"
			 "2,,0,0,0,0,0,0,0,0,0\r\n");
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *overlap_suite(void)
{
	Suite *s = suite_create("overlap");
	TCase *tc = tcase_create("lanes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, lanes_mixed);
	tcase_add_test(tc, lanes_no_communication);
	tcase_add_test(tc, lanes_communication_only);
	tcase_add_test(tc, lanes_fully_overlapped);
	tcase_add_test(tc, lanes_devices);
	suite_add_tcase(s, tc);
	tc = tcase_create("step_time");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, steps_ranges);
	tcase_add_test(tc, steps_receive_bubble);
	tcase_add_test(tc, steps_without_kernels_or_steps);
	tcase_add_test(tc, steps_first_op);
	tcase_add_test(tc, writer_csv);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(overlap_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
