/* Unit tests of the CANN table formatter (lib/writers/w_cann_tables.c, ap/cann_tables.h) on
 * hand-built views. Expected texts follow upstream's exporter (Ascend/msprof
 * analysis/csrc/application/summary/ *_assembler.cpp); the op_statistic numbers were checked
 * by replaying op_counter_op_scene_calculator.py's SQL in SQLite 3.40 and Python, the
 * api_statistic ones by the assembler's double arithmetic in Python. Rows are shown with '|'
 * between fields (fields hold commas) and a TAB as \t. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_tables.h"
#include "ap/strbuf.h"
#include "../../lib/base/banned.h"

static struct ap_cann_view V;
static struct ap_csv_table T;
static struct ap_err E;

static void setup(void)
{
	ck_assert_int_eq(ap_cann_view_init(&V), 0);
	V.stars = 1;
	ap_csv_table_init(&T);
	ap_err_init(&E);
}

static void teardown(void)
{
	ap_cann_view_release(&V);
	ap_csv_table_release(&T);
	ap_err_release(&E);
}

static uint32_t S(const char *s)
{
	return s ? ap_strtab_intern(&V.strs, s, strlen(s), NULL) : AP_STR_NONE;
}

/* A compute task row with every optional column empty. */
static struct ap_cann_op_row *op(uint32_t dev, int64_t start, int64_t end, uint32_t stream,
				 uint32_t task, const char *name, const char *type,
				 const char *task_type)
{
	struct ap_cann_op_row *o = ap_vec_push(&V.ops);

	ck_assert_ptr_nonnull(o);
	o->device_id = dev;
	o->start = start;
	o->end = end;
	o->stream_id = stream;
	o->task_id = task;
	o->model_id = AP_CANN_NO_MODEL;
	o->context_id = AP_CANN_NO_CTX;
	o->name = S(name);
	o->op_type = S(type);
	o->task_type = S(task_type);
	o->op_state = AP_CANN_STATE_NA;
	o->hf32 = AP_CANN_HF32_NA;
	return o;
}

/* An HCCL op row. */
static struct ap_cann_op_row *comm(uint32_t dev, int64_t start, int64_t end, const char *name,
				   const char *type)
{
	struct ap_cann_op_row *o = op(dev, start, end, AP_CANN_NA, AP_CANN_NA, name, type,
				      "COMMUNICATION");

	o->model_id = 0;
	return o;
}

static void api(const char *level, const char *name, int64_t start, int64_t dur)
{
	struct ap_cann_api_row *a = ap_vec_push(&V.apis);

	ck_assert_ptr_nonnull(a);
	a->level = S(level);
	a->name = S(name);
	a->start = start;
	a->end = start + dur;
}

static void task(uint32_t dev, int64_t start, int64_t end, uint32_t stream, uint32_t task_id,
		 const char *kernel, const char *type)
{
	struct ap_cann_task_row *t = ap_vec_push(&V.tasks);

	ck_assert_ptr_nonnull(t);
	t->device_id = dev;
	t->start = start;
	t->end = end;
	t->dur = (uint64_t)(end - start);
	t->stream_id = stream;
	t->task_id = task_id;
	t->context_id = AP_CANN_NO_CTX;
	t->kernel_name = S(kernel);
	t->kernel_type = S(type);
}

/* The table as text: the header, then one line per row, fields joined by '|'. */
static char *render(const struct ap_csv_table *t)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;
	char *text;
	size_t r, c;

	for (r = 0; r <= t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c)
				ap_strbuf_addch(&sb, '|');
			ap_strbuf_addstr(&sb, r ? ap_csv_cell(t, r - 1, c) : ap_csv_col(t, c));
		}
		ap_strbuf_addch(&sb, '\n');
	}
	ck_assert(!sb.failed);
	text = strdup(sb.buf);
	ap_strbuf_release(&sb);
	return text;
}

#define ck_table(t, expected)                                                          \
	do {                                                                           \
		char *got_ = render(t);                                                \
		ck_assert_str_eq(got_, expected);                                      \
		free(got_);                                                            \
	} while (0)

#define OPS_HEADER                                                                     \
	"Device_id|Model ID|Task ID|Stream ID|Op Name|OP Type|OP State|Task Type|"       \
	"Task Start Time(us)|Task Duration(us)|Task Wait Time(us)|Block Num|Mix Block Num|" \
	"HF32 Eligible|Input Shapes|Input Data Types|Input Formats|Output Shapes|"       \
	"Output Data Types|Output Formats|Context ID\n"
#define NA9 "N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A"

/* ---- op_summary ---- */

START_TEST(op_summary_rows)
{
	struct ap_cann_op_row *o;

	/* in no particular order, as the join may leave them */
	comm(0, 1040000, 1050000, "hcom_broadcast__1_0_1", "hcom_broadcast_");      /* T2 */
	op(0, 1040000, 1041000, 9, 2, "T1", "Relu", "AI_VECTOR_CORE");               /* T1 */
	o = op(0, 1003000, 1004000, 2, 11, "Mix_1", "FlashAttention", "MIX_AIC");  /* B */
	o->model_id = 1;
	o->block_num = 24;
	o->mix_block_num = 48;
	o->hf32 = AP_CANN_HF32_YES;
	o->op_state = AP_CANN_STATIC;
	o->context_id = 3;
	op(0, 1005000, 1006000, 2, 12, "wb", "MemCopy", "WRITE_BACK");          /* dropped */
	op(0, 1005000, 1006000, 2, 13, "inv", "X", "INVALID");                  /* dropped */
	op(0, 1005000, 1006000, 2, 14, "aicpu", "X", "HCCL_AI_CPU");            /* dropped */
	op(0, 1005000, 1006000, 2, 15, "hccl_small", "X", "COMMUNICATION");     /* dropped */
	op(0, 1030000, 1031000, 5, 7, "allreduce_AivKernel", NULL, "COMMUNICATION"); /* CA */
	comm(0, 1010000, 1020000, "hcom_allReduce__123_0_1", "hcom_allReduce_");     /* H */
	op(0, 1003100, 1003600, 3, 1, "Cast_1", "Cast", "AI_VECTOR_CORE");         /* C */
	o = op(0, 1000000, 1002500, 2, 10, "MatMul_1", "MatMul", "AI_CORE");       /* A */
	o->block_num = 20;
	o->hf32 = AP_CANN_HF32_NO;
	o->op_state = AP_CANN_DYNAMIC;
	o->in_shapes = S("4,4;4,4");
	o->in_dtypes = S("FLOAT16;FLOAT16");
	o->in_formats = S("ND;ND");
	o->out_shapes = S("4,4");
	o->out_dtypes = S("FLOAT16");
	o->out_formats = S("ND");
	op(0, 1040000, 1040500, 4, 3, "T3", "Abs", "AI_CORE");                     /* T3 */
	ck_assert_int_eq(ap_cann_tabulate_op_summary(&T, &V, &E), 0);
	ck_table(&T, OPS_HEADER
		 /* first row: wait "0" */
		 "0|4294967295|10|2|MatMul_1|MatMul|dynamic|AI_CORE|1000.000\t|2.500|0|20|0|NO|"
		 "4,4;4,4|FLOAT16;FLOAT16|ND;ND|4,4|FLOAT16|ND|N/A\n"
		 /* gap: 1003000 - 1000000 - 2500 ns */
		 "0|1|11|2|Mix_1|FlashAttention|static|MIX_AIC|1003.000\t|1.000|0.500000|24|48|YES|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|3\n"
		 /* overlap: 1003100 - 1003000 - 1000 < 0 */
		 "0|4294967295|1|3|Cast_1|Cast|N/A|AI_VECTOR_CORE|1003.100\t|0.500|0.000000|0|0|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A\n"
		 /* an HCCL op: 1010000 - 1003100 - 500 */
		 "0|0|N/A|N/A|hcom_allReduce__123_0_1|hcom_allReduce_|N/A|COMMUNICATION|"
		 "1010.000\t|10.000|6.400000|0|" NA9 "\n"
		 /* a COMMUNICATION task kept for its AivKernel name */
		 "0|4294967295|7|5|allreduce_AivKernel|N/A|N/A|COMMUNICATION|1030.000\t|1.000|"
		 "10.000000|0|0|N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A\n"
		 /* equal starts: compute tasks by stream, then the HCCL op */
		 "0|4294967295|3|4|T3|Abs|N/A|AI_CORE|1040.000\t|0.500|9.000000|0|0|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A\n"
		 "0|4294967295|2|9|T1|Relu|N/A|AI_VECTOR_CORE|1040.000\t|1.000|0.000000|0|0|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A\n"
		 "0|0|N/A|N/A|hcom_broadcast__1_0_1|hcom_broadcast_|N/A|COMMUNICATION|"
		 "1040.000\t|10.000|0.000000|0|" NA9 "\n");
}
END_TEST

/* Device_id and start are compared as text (std::sort on the row strings), and the wait
 * time runs on over the device boundary (CalculateWaitTime never restarts). */
static void text_order_view(void)
{
	op(2, 1000, 2000, 1, 1, "d2", "T", "AI_CORE");
	op(10, 5000000, 5001000, 1, 1, "d10", "T", "AI_CORE");
	op(0, 999000, 999500, 1, 2, "late", "T", "AI_CORE");
	op(0, 1000000, 1000100, 1, 1, "early", "T", "AI_CORE")->mix_block_num = 8;
	comm(0, 1000000, 1000300, "hcom", "hcom_");
}

START_TEST(op_summary_text_order)
{
	text_order_view();
	ck_assert_int_eq(ap_cann_tabulate_op_summary(&T, &V, &E), 0);
	ck_table(&T, OPS_HEADER
		 "0|4294967295|1|1|early|T|N/A|AI_CORE|1000.000\t|0.100|0|0|8|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|N/A\n"
		 "0|0|N/A|N/A|hcom|hcom_|N/A|COMMUNICATION|1000.000\t|0.300|0.000000|0|" NA9 "\n"
		 /* "999.000" sorts after "1000.000"; its start is earlier: 0 */
		 "0|4294967295|2|1|late|T|N/A|AI_CORE|999.000\t|0.500|0.000000|0|0|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|N/A\n"
		 /* "10" < "2"; the wait is taken from device 0's last row */
		 "10|4294967295|1|1|d10|T|N/A|AI_CORE|5000.000\t|1.000|4000.500000|0|0|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|N/A\n"
		 "2|4294967295|1|1|d2|T|N/A|AI_CORE|1.000\t|1.000|0.000000|0|0|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|N/A\n");
}
END_TEST

START_TEST(op_summary_not_stars)
{
	text_order_view();
	V.stars = 0;
	ck_assert_int_eq(ap_cann_tabulate_op_summary(&T, &V, &E), 0);
	ck_table(&T,
		 "Device_id|Model ID|Task ID|Stream ID|Op Name|OP Type|OP State|Task Type|"
		 "Task Start Time(us)|Task Duration(us)|Task Wait Time(us)|Block Num|"
		 "HF32 Eligible|Input Shapes|Input Data Types|Input Formats|Output Shapes|"
		 "Output Data Types|Output Formats\n"
		 "0|4294967295|1|1|early|T|N/A|AI_CORE|1000.000\t|0.100|0|0|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A\n"
		 "0|0|N/A|N/A|hcom|hcom_|N/A|COMMUNICATION|1000.000\t|0.300|0.000000|0|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|N/A\n"
		 "0|4294967295|2|1|late|T|N/A|AI_CORE|999.000\t|0.500|0.000000|0|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A\n"
		 "10|4294967295|1|1|d10|T|N/A|AI_CORE|5000.000\t|1.000|4000.500000|0|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A\n"
		 "2|4294967295|1|1|d2|T|N/A|AI_CORE|1.000\t|1.000|0.000000|0|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A\n");
}
END_TEST

/* Real epochs, a context id 0 (printed) and a negative duration (upstream's uint64 wraps). */
START_TEST(op_summary_numbers)
{
	struct ap_cann_op_row *o;

	o = op(1, 1717575960208020758, 1717575960208171758, 65537, 70000, "n", "t", "AI_CORE");
	o->context_id = 0;
	o->model_id = 7;
	op(1, 1717575960208171759, 1717575960208171758, 1, 1, "neg", "t", "AI_CORE");
	ck_assert_int_eq(ap_cann_tabulate_op_summary(&T, &V, &E), 0);
	ck_table(&T, OPS_HEADER
		 "1|7|70000|65537|n|t|N/A|AI_CORE|1717575960208020.758\t|151.000|0|0|0|N/A|"
		 "N/A|N/A|N/A|N/A|N/A|N/A|0\n"
		 "1|4294967295|1|1|neg|t|N/A|AI_CORE|1717575960208171.759\t|"
		 "18446744073709551.615|0.001000|0|0|N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A\n");
}
END_TEST

START_TEST(empty_and_misuse)
{
	ck_assert_int_eq(ap_cann_tabulate_op_summary(&T, &V, &E), 0);
	ck_assert_uint_eq(T.nrows, 0);
	ck_assert_uint_eq(T.ncols, 21);
	/* a table that already has a header is refused */
	ck_assert_int_eq(ap_cann_tabulate_task_time(&T, &V, &E), AP_EINVAL);
	ck_assert_int_eq(E.code, AP_EINVAL);
	ap_csv_table_release(&T);
	ck_assert_int_eq(ap_cann_tabulate_op_statistic(&T, &V, INT64_MIN, &E), 0);
	ck_assert_uint_eq(T.nrows, 0);
	ck_assert_uint_eq(T.ncols, 9);
	ap_csv_table_release(&T);
	ck_assert_int_eq(ap_cann_tabulate_api_statistic(&T, &V, &E), 0);
	ck_assert_uint_eq(T.nrows, 0);
	ap_csv_table_release(&T);
	ck_assert_int_eq(ap_cann_tabulate_task_time(&T, &V, &E), 0);
	ck_assert_uint_eq(T.nrows, 0);
	ck_assert_uint_eq(T.ncols, 8);
}
END_TEST

/* ---- op_statistic ---- */

#define STAT_HEADER                                                                    \
	"Device_id|OP Type|Core Type|Count|Total Time(us)|Min Time(us)|Avg Time(us)|"     \
	"Max Time(us)|Ratio(%)\n"

START_TEST(op_statistic_groups)
{
	/* device 0: total 1600 ns counted (N/A and WRITE_BACK included) */
	op(0, 2000, 2501, 1, 1, "mm1", "MatMul", "AI_CORE");
	op(0, 3000, 3502, 1, 2, "mm2", "MatMul", "AI_CORE");
	op(0, 4000, 4097, 1, 3, "add", "Add", "AI_VECTOR_CORE");
	op(0, 5000, 5300, 1, 4, "noname", NULL, "AI_CORE");
	op(0, 6000, 6200, 1, 5, "wb", "MemCopy", "WRITE_BACK");
	/* not counted at all */
	op(0, 7000, 12000, 1, 6, "x_AivKernel", "AllReduce", "COMMUNICATION");
	op(0, 7000, 14000, 1, 7, "cpu", "Hccl", "HCCL_AI_CPU");
	comm(0, 7000, 16000, "hcom_allReduce__1", "hcom_allReduce_");
	op(0, 1000, 101000, 1, 8, "before", "MatMul", "AI_CORE"); /* start <= collect start */
	/* device 1 */
	op(1, 2000, 12000, 1, 1, "cast", "Cast", "AI_CORE");
	op(1, 3000, 15993001, 1, 2, "big", "Big", "MIX_AIC");
	ck_assert_int_eq(ap_cann_tabulate_op_statistic(&T, &V, 1000, &E), 0);
	ck_table(&T, STAT_HEADER
		 "1|Big|MIX_AIC|1|15990.001|15990.001|15990.001|15990.001|99.938\n"
		 /* 10000 / 16000001 * 100 = 0.06249999..., Python round(, 6) -> 0.0625,
		  * SQLite round(, 3) of that tie -> 0.063 */
		 "1|Cast|AI_CORE|1|10|10|10|10|0.063\n"
		 /* Avg: 1003 / 2 in SQLite integers */
		 "0|MatMul|AI_CORE|2|1.003|0.501|0.501|0.502|62.688\n"
		 /* 97 / 1600 * 100 = 6.0625 exactly: away from zero, where printf gives 6.062 */
		 "0|Add|AI_VECTOR_CORE|1|0.097|0.097|0.097|0.097|6.063\n");
}
END_TEST

START_TEST(op_statistic_ties)
{
	op(3, 100, 1100, 1, 1, "r", "Relu", "AI_CORE");
	op(3, 200, 1200, 1, 2, "a", "Abs", "AI_CORE");
	op(3, 300, 1300, 1, 3, "a2", "Abs", "AI_VECTOR_CORE");
	op(2, 400, 1400, 1, 1, "n", "Neg", "AI_CORE");
	op(2, 500, 2500, 1, 2, "n", "Neg", "AI_CORE");
	op(2, 600, 1600, 1, 3, "n", "Neg", "MIX_AIV");
	ck_assert_int_eq(ap_cann_tabulate_op_statistic(&T, &V, INT64_MIN, &E), 0);
	ck_table(&T, STAT_HEADER
		 "2|Neg|AI_CORE|2|3|1|1.5|2|75\n"
		 /* equal totals: device, then OP Type, then Core Type */
		 "2|Neg|MIX_AIV|1|1|1|1|1|25\n"
		 "3|Abs|AI_CORE|1|1|1|1|1|33.333\n"
		 "3|Abs|AI_VECTOR_CORE|1|1|1|1|1|33.333\n"
		 "3|Relu|AI_CORE|1|1|1|1|1|33.333\n");
}
END_TEST

/* ---- api_statistic ---- */

#define API_HEADER "Device_id|Level|API Name|Time(us)|Count|Avg(us)|Min(us)|Max(us)|Variance\n"

START_TEST(api_statistic_rows)
{
	/* api_statistic_assembler_utest.cpp's cases */
	api("runtime", "ContextCreate", 4, 1);
	api("node", "launch", 1, 4);
	api("runtime", "ContextCreate", 2, 3);
	/* one name at two levels, and an unknown level */
	api("acl", "Foo", 10, 1000);
	api("mystery", "Foo", 10, 1);
	api("node", "Foo", 20, 2000);
	/* Avg 0.0025 rounds half away from zero */
	api("acl", "aclnnAvg", 30, 1);
	api("acl", "aclnnAvg", 40, 4);
	/* Variance 0.7225 rounds half away from zero */
	api("acl", "aclrtSynchronizeDevice", 50, 1846);
	api("acl", "aclrtSynchronizeDevice", 60, 146);
	/* Variance around the rounded Avg 3.492 (not 3.49233...): 4.9135 -> 4.914, where the
	 * population variance 4.91349988... would print 4.913 */
	api("model", "ModelExecute", 1, 5729);
	api("model", "ModelExecute", 2, 576);
	api("model", "ModelExecute", 3, 5871);
	api("model", "ModelExecute", 4, 2939);
	api("model", "ModelExecute", 5, 757);
	api("model", "ModelExecute", 6, 5082);
	ck_assert_int_eq(ap_cann_tabulate_api_statistic(&T, &V, &E), 0);
	ck_table(&T, API_HEADER
		 "host|runtime|ContextCreate|0.004|2|0.002|0.001|0.003|0\n"
		 "host|node|Foo|2|1|2|2|2|0\n"
		 "host|acl|Foo|1|1|1|1|1|0\n"
		 "host|mystery|Foo|0.001|1|0.001|0.001|0.001|0\n"
		 "host|model|ModelExecute|20.954|6|3.492|0.576|5.871|4.914\n"
		 "host|acl|aclnnAvg|0.005|2|0.003|0.001|0.004|0\n"
		 "host|acl|aclrtSynchronizeDevice|1.992|2|0.996|0.146|1.846|0.723\n"
		 "host|node|launch|0.004|1|0.004|0.004|0.004|0\n");
}
END_TEST

/* ---- task_time ---- */

START_TEST(task_time_rows)
{
	/* task_time_assembler_utest.cpp's first row (its kernel_type is empty) */
	task(0, 1717575960208020758, 1717575960208171758, 1, 10, "MatMulV3", "");
	/* sorted by start text only: device 1 before device 0 */
	task(1, 1717575960208000000, 1717575960208015000, 65537, 3, NULL, "EVENT_RECORD");
	/* equal starts: Device_id text */
	task(1, 1717575960208090758, 1717575960208090758, 2, 13, "b", "AI_CORE");
	task(0, 1717575960208090758, 1717575960208090758, 2, 13, "a", "AI_CORE");
	/* text order: "1000.000\t" first, "999.000\t" last */
	task(0, 999000, 1000000, 1, 1, "late", "KERNEL_AICPU");
	task(0, 1000000, 1000001, 1, 2, "early", "KERNEL_AICPU");
	ck_assert_int_eq(ap_cann_tabulate_task_time(&T, &V, &E), 0);
	ck_table(&T, "Device_id|kernel_name|kernel_type|stream_id|task_id|task_time(us)|"
		     "task_start(us)|task_stop(us)\n"
		     "0|early|KERNEL_AICPU|1|2|0.001|1000.000\t|1000.001\t\n"
		     "1|N/A|EVENT_RECORD|1|3|15.000|1717575960208000.000\t|1717575960208015.000\t\n"
		     "0|MatMulV3||1|10|151.000|1717575960208020.758\t|1717575960208171.758\t\n"
		     "0|a|AI_CORE|2|13|0.000|1717575960208090.758\t|1717575960208090.758\t\n"
		     "1|b|AI_CORE|2|13|0.000|1717575960208090.758\t|1717575960208090.758\t\n"
		     "0|late|KERNEL_AICPU|1|1|1.000|999.000\t|1000.000\t\n");
}
END_TEST

/* FilterAscendTaskData: a (stream, task, batch) group holding context 0 keeps only its
 * context-0 rows (a MIX kernel: its SQ task goes); one without keeps every row (an FFTS+ graph
 * task's contexts, a task run twice); the duration printed is the row's own (from the ticks),
 * not end - start. */
START_TEST(task_time_filter)
{
	task(0, 1000, 3000, 1, 5, "mix", "KERNEL_MIX_AIC");         /* the SQ task: dropped */
	task(0, 1010, 2990, 1, 5, "mix", "MIX_AIC");
	V.tasks.v[1].context_id = 0;
	task(0, 4000, 5000, 1, 6, "graph", "FFTS_PLUS");
	task(0, 4010, 4500, 1, 6, "graph", "AIC");
	V.tasks.v[3].context_id = 1;
	task(0, 6000, 6100, 1, 7, "again", "AI_CORE");
	task(0, 6200, 6300, 1, 7, "again", "AI_CORE");
	V.tasks.v[5].dur = 99;
	task(0, 7000, 7100, 1, 5, "other batch", "AI_CORE");
	V.tasks.v[6].batch = 1;
	ck_assert_int_eq(ap_cann_tabulate_task_time(&T, &V, &E), 0);
	ck_table(&T, "Device_id|kernel_name|kernel_type|stream_id|task_id|task_time(us)|"
		     "task_start(us)|task_stop(us)\n"
		     "0|mix|MIX_AIC|1|5|1.980|1.010\t|2.990\t\n"
		     "0|graph|FFTS_PLUS|1|6|1.000|4.000\t|5.000\t\n"
		     "0|graph|AIC|1|6|0.490|4.010\t|4.500\t\n"
		     "0|again|AI_CORE|1|7|0.100|6.000\t|6.100\t\n"
		     "0|again|AI_CORE|1|7|0.099|6.200\t|6.300\t\n"
		     "0|other batch|AI_CORE|1|5|0.100|7.000\t|7.100\t\n");
}
END_TEST

static Suite *cann_tables_suite(void)
{
	Suite *s = suite_create("cann_tables");
	TCase *tc;

	tc = tcase_create("op_summary");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, op_summary_rows);
	tcase_add_test(tc, op_summary_text_order);
	tcase_add_test(tc, op_summary_not_stars);
	tcase_add_test(tc, op_summary_numbers);
	tcase_add_test(tc, empty_and_misuse);
	suite_add_tcase(s, tc);
	tc = tcase_create("op_statistic");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, op_statistic_groups);
	tcase_add_test(tc, op_statistic_ties);
	suite_add_tcase(s, tc);
	tc = tcase_create("api_statistic");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, api_statistic_rows);
	suite_add_tcase(s, tc);
	tc = tcase_create("task_time");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, task_time_rows);
	tcase_add_test(tc, task_time_filter);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cann_tables_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
