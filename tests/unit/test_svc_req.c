/* Unit tests of request.csv and the summary files of a service dump (lib/writers/w_svc_request.c,
 * w_svc_summary.c; specs/ms_service_profiler.md §3.1, §3.4-§3.6). The golden synthetic dump of
 * ../shared/ms_service_profiler_synthetic is loaded, built, derived and written, and compared
 * byte for byte with the upstream files (request.csv from `parse`, the summaries from
 * `analyze`); small hand-built dumps check the rules the example does not reach. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/svc_an.h"
#include "ap/svc_load.h"
#include "ap/svc_req.h"
#include "../../lib/base/banned.h"

#define BASE_NS 1767225600000000000LL /* 2026-01-01T00:00:00Z */

static struct ap_arena A;
static struct ap_svc svc;
static struct ap_svc_derived der;
static struct ap_diag diag;
static struct ap_err err;
static char dir[64];

static const char *const outputs[] = {
	"request.csv", "request_summary.csv", "batch_summary.csv", "service_summary.csv",
};

static void setup(void)
{
	ap_arena_init(&A, 0);
	ap_svc_init(&svc);
	memset(&der, 0, sizeof der);
	ap_diag_init(&diag);
	ap_err_init(&err);
	snprintf(dir, sizeof dir, "/tmp/ap-svc-req-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char p[128];

	for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, outputs[i]);
		unlink(p);
	}
	rmdir(dir);
	ap_svc_derived_release(&der);
	ap_svc_release(&svc);
	ap_arena_release(&A);
	ap_diag_release(&diag);
	ap_err_release(&err);
}

/* The file's content (malloc'ed), or NULL when it does not exist. */
static char *slurp(const char *d, const char *name)
{
	char p[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(p, sizeof p, "%s/%s", d, name);
	f = fopen(p, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void expect_file(const char *name, const char *want)
{
	char *got = slurp(dir, name);

	if (!want) {
		ck_assert_msg(!got, "%s written:\n%s", name, got);
		return;
	}
	ck_assert_msg(got, "%s not written", name);
	ck_assert_str_eq(got, want);
	free(got);
}

/* ---- value builders ---- */

static struct ap_sv S(const char *s)
{
	struct ap_sv v = { .type = AP_SV_STR, .n = (uint32_t)strlen(s) };

	v.u.s = s;
	return v;
}

static struct ap_sv I(int64_t i)
{
	struct ap_sv v = { .type = AP_SV_INT };

	v.u.i = i;
	return v;
}

static struct ap_sv R(double d)
{
	struct ap_sv v = { .type = AP_SV_REAL };

	v.u.d = d;
	return v;
}

static struct ap_sv L(int n, ...)
{
	struct ap_sv v = { .type = AP_SV_LIST, .n = (uint32_t)n };
	struct ap_sv *items = ap_arena_alloc(&A, (n ? n : 1) * sizeof(*items));
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		items[i] = va_arg(ap, struct ap_sv);
	va_end(ap);
	v.u.items = items;
	return v;
}

static struct ap_sv O(int n, ...)
{
	struct ap_sv v = { .type = AP_SV_OBJ, .n = (uint32_t)n };
	struct ap_sv_member *m = ap_arena_alloc(&A, (n ? n : 1) * sizeof(*m));
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		m[i].key = va_arg(ap, const char *);
		m[i].v = va_arg(ap, struct ap_sv);
	}
	va_end(ap);
	v.u.members = m;
	return v;
}

/* ---- a one-process dump ---- */

static struct ap_svc_file *files;

static struct ap_svc_file *file(void)
{
	struct ap_svc_file *f;

	files = calloc(1, sizeof(*files));
	f = &files[0];
	ap_svc_file_init(f);
	f->path = strdup("ms_service_node1-1001");
	f->prof_id = "ms_service_node1-1001";
	f->gen = AP_SVC_GEN_C;
	return f;
}

/* a record at start/end µs after BASE_NS */
static void row(struct ap_svc_file *f, const char *name, const char *domain, int64_t start_us,
		int64_t end_us, struct ap_sv attrs)
{
	struct ap_svc_row *r;

	f->rows = realloc(f->rows, (f->n_rows + 1) * sizeof(*f->rows));
	r = &f->rows[f->n_rows];
	memset(r, 0, sizeof(*r));
	r->start_ns = BASE_NS + start_us * 1000;
	r->end_ns = BASE_NS + end_us * 1000;
	r->mark_id = (int64_t)f->n_rows + 1;
	r->pid = 1001;
	r->tid = 1101;
	r->name = name;
	r->domain = domain;
	r->attrs = attrs;
	f->n_rows++;
}

static void build_and_write(void)
{
	ck_assert_int_eq(ap_svc_build(&svc, files, 1, &diag, &err), 0);
	files = NULL;
	ck_assert_int_eq(ap_svc_derive(&svc, &der, &err), 0);
	ck_assert_int_eq(ap_svc_write_request(&svc, &der, dir, &err), 0);
	ck_assert_int_eq(ap_svc_write_summaries(&svc, &der, dir, &err), 0);
}

#define HDR_REQ "http_rid,start_datetime,recv_token_size,reply_token_size,execution_time(ms)," \
		"queue_wait_time(ms),first_token_latency(ms),cache_hit_rate,start_time(ms)\n"
#define HDR_SUM "Metric,Average,Max,Min,P50,P90,P99\n"

/* ---- the golden synthetic dump ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(golden_synthetic)
{
	const char *sh = getenv("AP_SHARED_DIR");
	char in[1024], ref[1024], *names[16];
	struct ap_svc_file *fs;
	struct dirent *de;
	size_t n = 0;
	DIR *dp;

	if (!sh || !*sh || access(sh, R_OK) != 0)
		return; /* the shared golden data is absent: nothing to compare */
	snprintf(in, sizeof in,
		 "%s/ms_service_profiler_synthetic/input_slice_format/0101-0800/Trace_Service", sh);
	dp = opendir(in);
	if (!dp)
		return;
	while ((de = readdir(dp)) && n < 16) {
		size_t l = strlen(de->d_name);

		if (l > 3 && !strcmp(de->d_name + l - 3, ".db"))
			names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	ck_assert_uint_eq(n, 3);
	qsort(names, n, sizeof *names, cmp_str);
	fs = calloc(n, sizeof *fs);
	for (size_t i = 0; i < n; i++) {
		char p[2048];

		snprintf(p, sizeof p, "%s/%s", in, names[i]);
		ap_svc_file_init(&fs[i]);
		ck_assert_int_eq(ap_svc_load_file(&fs[i], p, &err), 0);
		free(names[i]);
	}
	ck_assert_int_eq(ap_svc_build(&svc, fs, n, &diag, &err), 0);
	ck_assert_int_eq(ap_svc_derive(&svc, &der, &err), 0);
	ck_assert_int_eq(ap_svc_write_request(&svc, &der, dir, &err), 0);
	ck_assert_int_eq(ap_svc_write_summaries(&svc, &der, dir, &err), 0);
	for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) {
		char *want, *got;

		/* request.csv in real ms (parse's values): the issue-11 deviation */
		snprintf(ref, sizeof ref, "%s/ms_service_profiler_synthetic/%s", sh,
			 i ? "output_analyze_json_csv_db" : "output_parse_json_csv_db");
		want = slurp(ref, outputs[i]);
		got = slurp(dir, outputs[i]);
		ck_assert_ptr_nonnull(want);
		ck_assert_msg(got, "%s not written", outputs[i]);
		ck_assert_str_eq(got, want);
		free(want);
		free(got);
	}
}
END_TEST

/* ---- request.csv ---- */

/* r2: complete, outputSync replaces its reply tokens, a CacheHitRate; r1: httpReq without an
 * end event (start_time in ms, still sorted by its µs value after r2); r0: no httpReq (empty
 * start, sorted last) with hitCache 0; "r3,r4" and "" are not request ids. Times are multiples
 * of 32 µs, exact after the float64 conversion of §1.5. */
START_TEST(request_rows_and_order)
{
	struct ap_svc_file *f = file();

	row(f, "httpReq", "Request", 4000, 4000, O(2, "rid", S("r1"), "recvTokenSize=", I(7)));
	row(f, "httpReq", "Request", 8000, 8000, O(2, "rid", S("r2"), "recvTokenSize=", I(5)));
	row(f, "CacheHitRate", "Schedule", 12000, 12000,
	    O(2, "rid", S("r2"), "hitCache", R(0.5)));
	row(f, "CacheHitRate", "Schedule", 16000, 16000, O(2, "rid", S("r0"), "hitCache", I(0)));
	row(f, "outputSync", "Request", 20000, 20000, O(1, "rid", S("r2")));
	row(f, "outputSync", "Request", 24000, 24000, O(1, "rid", S("r2")));
	row(f, "httpRes", "Request", 28000, 104000,
	    O(2, "rid", S("r2"), "replyTokenSize=", I(9)));
	row(f, "httpRes", "Request", 108000, 108000,
	    O(2, "rid", S("r0"), "replyTokenSize=", I(4)));
	row(f, "httpRes", "Request", 112000, 112000, O(1, "rid", S("r3,r4")));
	row(f, "httpRes", "Request", 116000, 116000, O(1, "rid", S("")));
	build_and_write();
	/* r2: floor(end / 1000) - floor(start / 1000) = 104 - 8 ms */
	expect_file("request.csv", HDR_REQ
		    "r2,2026-01-01 08:00:00:008000,5.0,2.0,96.0,0,0,0.5,1767225600008.0\n"
		    "r1,2026-01-01 08:00:00:004000,7.0,,,0,0,N/A,1767225600004.0\n"
		    "r0,,,4.0,,0,0,0.0,\n");
}
END_TEST

/* Skip rule: recv, reply and execution time all empty, or all 0 -> no request.csv. */
START_TEST(request_skipped_when_empty)
{
	struct ap_svc_file *f = file();

	row(f, "httpReq", "Request", 1000, 1000, O(1, "rid", S("a")));
	row(f, "Enqueue", "Schedule", 1100, 1100, O(1, "rid", S("b")));
	build_and_write();
	expect_file("request.csv", NULL);
}
END_TEST

START_TEST(request_skipped_when_zero)
{
	struct ap_svc_file *f = file();

	row(f, "httpReq", "Request", 1000, 1000, O(2, "rid", S("a"), "recvTokenSize=", I(0)));
	row(f, "httpRes", "Request", 1500, 1500, O(2, "rid", S("a"), "replyTokenSize=", I(0)));
	build_and_write();
	expect_file("request.csv", NULL);
}
END_TEST

/* ---- summaries ---- */

static struct ap_sv one(const char *rid, int iter)
{
	return L(1, O(2, "rid", S(rid), "iter", I(iter)));
}

/* Request a: iter 0 ends at 20000, iter 1 at 28000, iter 2 at 48000 (twice: the last end
 * wins), three modelExec rows of 8000 + 4000 + 12000 µs; b never ends (not valid). */
START_TEST(summaries_small)
{
	struct ap_svc_file *f = file();

	row(f, "httpReq", "Request", 4000, 4000, O(2, "rid", S("a"), "recvTokenSize=", I(4)));
	row(f, "httpReq", "Request", 8000, 8000, O(2, "rid", S("b"), "recvTokenSize=", I(100)));
	row(f, "modelExec", "Execute", 12000, 20000, O(1, "rid", one("a", 0)));
	row(f, "modelExec", "Execute", 24000, 28000, O(1, "rid", one("a", 1)));
	row(f, "modelExec", "Execute", 28000, 40000, O(1, "rid", one("a", 2)));
	row(f, "sample", "Execute", 44000, 48000, O(1, "rid", one("a", 2)));
	row(f, "httpRes", "Request", 64000, 64000, O(2, "rid", S("a"), "replyTokenSize=", I(3)));
	build_and_write();
	/* subsequent: 28000-20000 = 8.0, 48000-28000 = 20.0; p90 = 8 + 12 * 0.9,
	 * p99 = 20 - 12 * 0.01 */
	expect_file("request_summary.csv", HDR_SUM
		    "first_token_latency (ms),8.0,8.0,8.0,8.0,8.0,8.0\n"
		    "subsequent_token_latency (ms),14.0,20.0,8.0,14.0,18.8,19.88\n"
		    "total_time (ms),60.0,60.0,60.0,60.0,60.0,60.0\n"
		    "exec_time (ms),24.0,24.0,24.0,24.0,24.0,24.0\n"
		    "waiting_time (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "input_token_num,4.0,4.0,4.0,4.0,4.0,4.0\n"
		    "generated_token_num,3.0,3.0,3.0,3.0,3.0,3.0\n");
	/* one prefill key; the decode steps of the same request set collapse into one key */
	expect_file("batch_summary.csv", HDR_SUM
		    "prefill_batch_num,1.0,1.0,1.0,1.0,1.0,1.0\n"
		    "decode_batch_num,1.0,1.0,1.0,1.0,1.0,1.0\n");
	/* T = 0.06 s: round(3 / 0.06, 4), round(7 / 0.06, 4) */
	expect_file("service_summary.csv", "Metric,Value\n"
		    "total_input_token_num,4.0\n"
		    "total_generated_token_num,3.0\n"
		    "generate_token_speed (token/s),50.0\n"
		    "generate_all_token_speed (token/s),116.6667\n");
}
END_TEST

/* No valid request and no batch: every statistic NaN, written as 0 (the exec_time row is not
 * all-zero, so it stays); batch types that never occurred: zeros; T = 0. */
START_TEST(summaries_empty)
{
	struct ap_svc_file *f = file();

	row(f, "httpReq", "Request", 1000, 1000, O(1, "rid", S("a")));
	build_and_write();
	expect_file("request_summary.csv", HDR_SUM
		    "first_token_latency (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "subsequent_token_latency (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "total_time (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "exec_time (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "waiting_time (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "input_token_num,0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "generated_token_num,0.0,0.0,0.0,0.0,0.0,0.0\n");
	expect_file("batch_summary.csv", HDR_SUM
		    "prefill_batch_num,0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "decode_batch_num,0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "prefill_exec_time (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "decode_exec_time (ms),0.0,0.0,0.0,0.0,0.0,0.0\n");
	expect_file("service_summary.csv", "Metric,Value\n"
		    "total_input_token_num,0.0\n"
		    "total_generated_token_num,0.0\n"
		    "generate_token_speed (token/s),0.0\n"
		    "generate_all_token_speed (token/s),0.0\n");
}
END_TEST

/* A valid request of zero length: T = round(0 / 1e6, 4) = 0 gives speeds 0; no modelExec, so
 * the exec_time row is all 0 and dropped; WAITING+/PENDING+ durations (320 + 32) add up, in µs as upstream. */
START_TEST(summaries_t_zero_and_exec_dropped)
{
	struct ap_svc_file *f = file();

	row(f, "httpReq", "Request", 4000, 4000, O(2, "rid", S("a"), "recvTokenSize=", I(2)));
	row(f, "Queue", "Schedule", 4000, 4320, O(2, "rid", S("a"), "WAITING+", I(1)));
	row(f, "Queue", "Schedule", 4000, 4032, O(2, "rid", S("a"), "PENDING+", R(1.0)));
	row(f, "httpRes", "Request", 4000, 4000, O(2, "rid", S("a"), "replyTokenSize=", I(5)));
	build_and_write();
	expect_file("request_summary.csv", HDR_SUM
		    "first_token_latency (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "subsequent_token_latency (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "total_time (ms),0.0,0.0,0.0,0.0,0.0,0.0\n"
		    "waiting_time (ms),352.0,352.0,352.0,352.0,352.0,352.0\n"
		    "input_token_num,2.0,2.0,2.0,2.0,2.0,2.0\n"
		    "generated_token_num,5.0,5.0,5.0,5.0,5.0,5.0\n");
	expect_file("service_summary.csv", "Metric,Value\n"
		    "total_input_token_num,2.0\n"
		    "total_generated_token_num,5.0\n"
		    "generate_token_speed (token/s),0.0\n"
		    "generate_all_token_speed (token/s),0.0\n");
}
END_TEST

static Suite *svc_req_suite(void)
{
	Suite *s = suite_create("svc_req");
	TCase *tc = tcase_create("golden");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, golden_synthetic);
	suite_add_tcase(s, tc);
	tc = tcase_create("request");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, request_rows_and_order);
	tcase_add_test(tc, request_skipped_when_empty);
	tcase_add_test(tc, request_skipped_when_zero);
	suite_add_tcase(s, tc);
	tc = tcase_create("summaries");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, summaries_small);
	tcase_add_test(tc, summaries_empty);
	tcase_add_test(tc, summaries_t_zero_and_exec_dropped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(svc_req_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
