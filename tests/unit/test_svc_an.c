/* Unit tests of lib/analysis/an_svc_*.c on hand-built service dumps: the §7 worked example of
 * specs/ms_service_profiler.md (TTFT, queue wait, batch types and sizes, KV metrics, the vLLM
 * hash-suffix mapping, dp labels), Link maps, rid normalisation, ReqState renaming, the
 * stable tie order and the empty-table error. */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ap/svc_an.h"
#include "../../lib/base/banned.h"

#define BASE_NS 1767225600000000007LL /* 2026-01-01T00:00:00Z + 7 ns */

static struct ap_arena A; /* every test value */
static struct ap_svc svc;
static struct ap_svc_derived der;
static struct ap_diag diag;
static struct ap_err err;

static void setup(void)
{
	ap_arena_init(&A, 0);
	ap_svc_init(&svc);
	memset(&der, 0, sizeof(der));
	ap_diag_init(&diag);
	ap_err_init(&err);
}

static void teardown(void)
{
	ap_svc_derived_release(&der);
	ap_svc_release(&svc);
	ap_arena_release(&A);
	ap_diag_release(&diag);
	ap_err_release(&err);
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

/* L(n, v1, ..., vn) */
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

/* O(n, "k1", v1, ..., "kn", vn) */
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

/* ---- files ---- */

static struct ap_svc_file *files;
static size_t n_files;

static struct ap_svc_file *file(const char *prof_id, const char *host, const char *ppid,
				const char *dp)
{
	struct ap_svc_file *f;

	if (!files)
		files = calloc(8, sizeof(*files)); /* never moved: tests keep the pointers */
	f = &files[n_files++];
	memset(f, 0, sizeof(*f));
	ap_svc_file_init(f);
	f->path = strdup(prof_id);
	f->prof_id = prof_id;
	f->gen = AP_SVC_GEN_C;
	f->meta = ap_arena_alloc(&f->arena, 3 * sizeof(*f->meta));
	if (host)
		f->meta[f->n_meta++] = (struct ap_svc_meta){ "hostname", host };
	if (ppid)
		f->meta[f->n_meta++] = (struct ap_svc_meta){ "ppid", ppid };
	if (dp)
		f->meta[f->n_meta++] = (struct ap_svc_meta){ "dpRankId", dp };
	return f;
}

/* a record at start/end µs after BASE_NS */
static struct ap_svc_row *row(struct ap_svc_file *f, int64_t pid, const char *name,
			      const char *domain, int64_t start_us, int64_t end_us,
			      struct ap_sv attrs)
{
	struct ap_svc_row *r;

	f->rows = realloc(f->rows, (f->n_rows + 1) * sizeof(*f->rows));
	r = &f->rows[f->n_rows];
	memset(r, 0, sizeof(*r));
	r->start_ns = BASE_NS + start_us * 1000;
	r->end_ns = BASE_NS + end_us * 1000;
	r->mark_id = (int64_t)f->n_rows + 1;
	r->pid = pid;
	r->tid = pid + 100;
	r->name = name;
	r->domain = domain;
	r->attrs = attrs;
	f->n_rows++;
	return r;
}

static int build(void)
{
	int rc = ap_svc_build(&svc, files, n_files, &diag, &err);

	files = NULL;
	n_files = 0;
	return rc;
}

static const struct ap_svc_row *find_row(const char *name, int nth)
{
	for (size_t i = 0; i < svc.n_rows; i++)
		if (svc.rows[i].name && !strcmp(svc.rows[i].name, name) && nth-- == 0)
			return &svc.rows[i];
	return NULL;
}

/* ---- the §7 example, reduced ---- */

static struct ap_sv req_obj(const char *rid, int iter, int tokens)
{
	return O(4, "rid", S(rid), "iter", I(iter), "type", I(iter ? 1 : 0),
		 "num_scheduled_tokens", I(tokens));
}

static void build_example(void)
{
	struct ap_svc_file *api = file("ms_service_node1-1001", "node1", "1000", NULL);
	struct ap_svc_file *eng = file("ms_service_node1-1002", "node1", "1001", NULL);
	struct ap_svc_file *wrk = file("ms_service_node1-1003", "node1", "1002", "0");
	struct ap_sv prefill = L(2, req_obj("cmpl-aaa-0-1a2b3c4d", 0, 5),
				 req_obj("cmpl-bbb-0-9f8e7d6c", 0, 7));
	struct ap_sv decode = L(2, req_obj("cmpl-aaa-0-1a2b3c4d", 1, 1),
				req_obj("cmpl-bbb-0-9f8e7d6c", 1, 1));
	struct ap_sv both = L(2, S("cmpl-aaa-0-1a2b3c4d"), S("cmpl-bbb-0-9f8e7d6c"));

	row(api, 1001, "httpReq", "Engine", 100, 100, O(2, "rid", S("cmpl-aaa-0"), "type", I(0)));
	row(api, 1001, "httpReq", "Engine", 1100, 1100, O(1, "rid", S("cmpl-bbb-0")));
	row(api, 1001, "detokenize", "Engine", 12800, 12800,
	    O(1, "rid", L(2, S("cmpl-aaa-0"), S("cmpl-bbb-0"))));
	row(api, 1001, "httpRes", "Engine", 24800, 24800,
	    O(3, "rid", S("cmpl-aaa-0"), "recvTokenSize=", I(5), "replyTokenSize=", I(3)));

	row(eng, 1002, "Enqueue", "Schedule", 300, 300,
	    O(3, "rid", S("cmpl-aaa-0-1a2b3c4d"), "QueueSize=", I(1), "scope#QueueName",
	      S("WAITING")));
	row(eng, 1002, "Enqueue", "Schedule", 1300, 1300,
	    O(3, "rid", S("cmpl-bbb-0-9f8e7d6c"), "QueueSize=", I(2), "scope#QueueName",
	      S("WAITING")));
	row(eng, 1002, "batchFrameworkProcessing", "Schedule", 2000, 2300,
	    O(3, "type", I(2), "rid", prefill, "batch_type", S("Prefill")));
	row(eng, 1002, "Dequeue", "Schedule", 2260, 2260,
	    O(3, "rid", both, "QueueSize=", I(0), "scope#QueueName", S("WAITING")));
	row(eng, 1002, "KVCacheStatus", "Schedule.KVCache", 2280, 2280,
	    O(6, "rid", both, "TotalBlocks=", I(100), "UsedBlocks=", I(2), "FreeBlocks=", I(98),
	      "UsagePercent=", R(0.02), "AllocatedBlocks=", I(2)));
	row(eng, 1002, "modelExec", "Execute", 2400, 12400,
	    O(4, "rid", prefill, "batch_type", S("Prefill"), "type", I(2), "batch_size", I(12)));
	row(eng, 1002, "batchFrameworkProcessing", "Schedule", 13000, 13200,
	    O(3, "type", I(2), "rid", decode, "batch_type", S("Decode")));
	row(eng, 1002, "modelExec", "Execute", 13300, 18300,
	    O(3, "rid", decode, "batch_type", S("Decode"), "type", I(2)));
	row(eng, 1002, "Free", "Schedule.KVCache", 24500, 24500,
	    O(3, "rid", S("cmpl-aaa-0-1a2b3c4d"), "deviceBlock=", I(98), "UsagePercent=", R(0.02)));

	row(wrk, 1003, "modelRunnerExec", "Execute", 2500, 12000,
	    O(2, "rid", L(2, O(1, "rid", S("cmpl-aaa-0-1a2b3c4d")),
			  O(1, "rid", S("cmpl-bbb-0-9f8e7d6c"))), "type", I(2)));
	row(wrk, 1003, "forward", "Execute", 3000, 10000, O(2, "type", I(2), "rid", both));
	ck_assert_int_eq(build(), 0);
}

START_TEST(example_times_and_order)
{
	build_example();
	ck_assert_uint_eq(svc.n_rows, 15);
	for (size_t i = 1; i < svc.n_rows; i++)
		ck_assert(svc.rows[i - 1].start_us <= svc.rows[i].start_us);
	/* 300 µs span: 299.75 after the float64 quantisation of §1.5 */
	ck_assert(find_row("batchFrameworkProcessing", 0)->during_us == 299.75);
	ck_assert_str_eq(svc.rows[0].name, "httpReq");
	ck_assert_uint_eq(svc.rows[0].file, 0);
}
END_TEST

START_TEST(example_hash_suffix_mapping)
{
	const struct ap_svc_row *r;

	build_example();
	r = find_row("Enqueue", 0);
	ck_assert_str_eq(r->rid, "cmpl-aaa-0");
	ck_assert_int_eq(r->res.type, AP_SV_STR);
	ck_assert_str_eq(r->res.u.s, "cmpl-aaa-0");
	r = find_row("batchFrameworkProcessing", 0);
	ck_assert_str_eq(r->rid, "cmpl-aaa-0,cmpl-bbb-0");
	ck_assert_uint_eq(r->n_rid_list, 2);
	ck_assert_str_eq(r->rid_list[1], "cmpl-bbb-0");
	ck_assert_str_eq(r->res.u.items[0].u.members[0].v.u.s, "cmpl-aaa-0");
	/* the loaded attrs are not touched */
	ck_assert_str_eq(r->attrs.u.members[1].v.u.items[0].u.members[0].v.u.s,
			 "cmpl-aaa-0-1a2b3c4d");
}
END_TEST

START_TEST(example_batch_type_and_kv)
{
	const struct ap_svc_row *r;

	build_example();
	r = find_row("modelExec", 0);
	ck_assert_str_eq(r->batch_type, "Prefill");
	ck_assert_int_eq(r->batch_size, 2); /* the hook's batch_size 12 is overwritten */
	ck_assert_int_eq(r->prefill_batch_size, -1);
	r = find_row("modelRunnerExec", 0);
	ck_assert_ptr_null(r->batch_type); /* objects without iter: no token */
	ck_assert_int_eq(r->batch_size, 2);
	r = find_row("httpReq", 0);
	ck_assert_int_eq(r->batch_size, 0);
	ck_assert_int_eq(r->has_kv, 0);
	r = find_row("KVCacheStatus", 0);
	ck_assert_int_eq(r->has_kv, 1);
	ck_assert_int_eq(r->total_blocks, 100);
	ck_assert_int_eq(r->free_blocks, 98);
	ck_assert_int_eq(r->used_blocks, 2);
	ck_assert_int_eq(r->blocks_allocated, 2);
	ck_assert_int_eq(r->blocks_freed, 0);
	ck_assert(r->kvcache_usage_rate == 0.02);
	r = find_row("Free", 0);
	ck_assert_int_eq(r->total_blocks, 0);
	ck_assert_int_eq(r->free_blocks, 0);
	ck_assert(r->kvcache_usage_rate == 0.02);
	r = find_row("Enqueue", 0); /* a non-KV row of a KV process */
	ck_assert_int_eq(r->has_kv, 1);
	ck_assert(r->kvcache_usage_rate == 0.0);
}
END_TEST

START_TEST(example_labels)
{
	build_example();
	/* 1001 and 1002 and 1003 all have rids */
	ck_assert_uint_eq(svc.n_labels, 3);
	ck_assert_int_eq(svc.labels[2].pid, 1003);
	ck_assert_str_eq(svc.labels[2].hostname, "node1");
	ck_assert_str_eq(svc.labels[2].dp_rank, "0");
	ck_assert_ptr_null(svc.labels[0].dp_rank);
}
END_TEST

START_TEST(example_ttft_and_wait)
{
	build_example();
	ck_assert_int_eq(ap_svc_derive(&svc, &der, &err), 0);
	ck_assert_uint_eq(der.n_req_ttft, 2);
	ck_assert_str_eq(der.req_ttft[0].rid, "cmpl-aaa-0");
	ck_assert(der.req_ttft[0].ttft_us == 12300.25);
	ck_assert_str_eq(der.req_ttft[1].rid, "cmpl-bbb-0");
	ck_assert(der.req_ttft[1].ttft_us == 11300.25);
	ck_assert_uint_eq(der.n_req_wait, 2);
	ck_assert_str_eq(der.req_wait[0].rid, "cmpl-aaa-0");
	ck_assert(der.req_wait[0].wait_us == 1960.0);
	ck_assert(der.req_wait[1].wait_us == 960.0);
	/* batch events: 2 schedules, 2 modelExec, modelRunnerExec, forward */
	ck_assert_uint_eq(der.n_batch_event, 6);
	ck_assert_uint_eq(der.n_batch_attr, 2);
	ck_assert_int_eq(der.batch_attr[0].batch_type, 1); /* all iter 0 */
	ck_assert_int_eq(der.batch_attr[1].batch_type, 2);
	/* req_attr: recv/reply of aaa, ttft NaN (QUIRK) */
	ck_assert_uint_eq(der.n_req_attr, 1);
	ck_assert_int_eq(der.req_attr[0].recv_token->u.i, 5);
	ck_assert(isnan(der.req_attr[0].ttft));
}
END_TEST

START_TEST(example_req_events)
{
	size_t n_exec = 0, n_sched = 0;

	build_example();
	ck_assert_int_eq(ap_svc_derive(&svc, &der, &err), 0);
	/* (a) 4 http rows first */
	ck_assert_str_eq(der.req_event[0].event, "httpReq");
	ck_assert_str_eq(der.req_event[3].event, "httpRes");
	for (size_t i = 4; i < der.n_req_event; i++) {
		n_exec += der.req_event[i].event && !strcmp(der.req_event[i].event, "modelExec");
		n_sched += der.req_event[i].event &&
			   !strcmp(der.req_event[i].event, "batchFrameworkProcessing");
	}
	/* (b) 2 batches x 2 requests joined with their modelExec; (c) 2 iter-0 requests */
	ck_assert_uint_eq(n_exec, 4);
	ck_assert_uint_eq(n_sched, 2);
	ck_assert_uint_eq(der.n_req_event, 10);
	ck_assert_str_eq(der.req_event[4].rid, "cmpl-aaa-0");
	ck_assert(der.req_event[4].end_us == svc.rows[find_row("modelExec", 0) - svc.rows].end_us);
}
END_TEST

/* ---- Link maps, normalisation, ReqState, ties, empty ---- */

START_TEST(link_map_and_forward_parent)
{
	struct ap_svc_file *sch = file("ms_service_h-10", "h", "1", NULL);
	struct ap_svc_file *fwd = file("ms_service_h-11", "h", "10", NULL);
	const struct ap_svc_row *r;

	row(sch, 10, "Link", "Request", 1, 1, O(2, "from", S("http-a"), "to", S("007")));
	row(sch, 10, "BatchSchedule", "BatchSchedule", 2, 3,
	    O(1, "rid", L(1, O(2, "rid", I(7), "iter", I(0)))));
	row(fwd, 11, "forward", "ModelExecute", 4, 5, O(1, "rid", L(1, O(1, "rid", S("7")))));
	row(fwd, 11, "Link", "Request", 6, 6, O(2, "from", S("x"), "to", S("y")));
	ck_assert_int_eq(build(), 0);
	/* the Link row of the non-forward process is gone, the forward one's kept */
	ck_assert_uint_eq(svc.n_rows, 3);
	ck_assert_str_eq(svc.rows[0].rid, "http-a");
	ck_assert_str_eq(svc.rows[0].batch_type, "Prefill");
	r = find_row("forward", 0);
	ck_assert_str_eq(r->rid, "http-a"); /* the parent's map */
	ck_assert_str_eq(find_row("Link", 0)->name, "Link");
}
END_TEST

START_TEST(rid_normalisation)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "007", "7" }, { " -0 ", "0" }, { "+12", "12" }, { "1_000", "1000" },
		{ "1__0", "1__0" }, { "abc", "abc" }, { "1e3", "1e3" }, { "", "" },
		{ "123456789012345678901234567890", "123456789012345678901234567890" },
	};
	struct ap_sv o, v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = S(cases[i].in);
		ck_assert_int_eq(ap_svc_rid_norm(&A, &v, &o), 0);
		ck_assert_int_eq(o.type, AP_SV_STR);
		ck_assert_str_eq(o.u.s, cases[i].out);
	}
	v = I(5);
	ap_svc_rid_norm(&A, &v, &o);
	ck_assert_str_eq(o.u.s, "5");
	v = R(-1.5);
	ap_svc_rid_norm(&A, &v, &o);
	ck_assert_str_eq(o.u.s, "-1");
	v = R(1e20);
	ap_svc_rid_norm(&A, &v, &o);
	ck_assert_str_eq(o.u.s, "100000000000000000000");
	v = (struct ap_sv){ .type = AP_SV_TRUE };
	ap_svc_rid_norm(&A, &v, &o);
	ck_assert_str_eq(o.u.s, "1");
	v = R(NAN);
	ap_svc_rid_norm(&A, &v, &o);
	ck_assert_int_eq(o.type, AP_SV_REAL);
}
END_TEST

START_TEST(req_state_renaming)
{
	struct ap_svc_file *f = file("ms_service_h-1", "h", NULL, NULL);
	const struct ap_svc_row *r;

	row(f, 1, "ReqState", "Request", 1, 1, O(3, "rid", S("r1"), "0+", I(-1), "2+", I(1)));
	row(f, 1, "ReqState", "Request", 2, 2, O(2, "rid", S("r1"), "0+", I(0)));
	row(f, 1, NULL, "Queue", 3, 3, O(1, "rid", S("r1")));
	ck_assert_int_eq(build(), 0);
	r = &svc.rows[0];
	ck_assert_str_eq(r->name, "RUNNING");
	ck_assert_str_eq(r->domain, "RequestState");
	ck_assert_str_eq(r->attrs.u.members[1].key, "WAITING+");
	ck_assert_str_eq(r->attrs.u.members[2].key, "RUNNING+");
	r = &svc.rows[1];
	ck_assert_str_eq(r->name, "ReqState"); /* no state > 0 */
	ck_assert_str_eq(r->domain, "RequestState");
	ck_assert_str_eq(svc.rows[2].name, "Queue"); /* name filled from domain */
}
END_TEST

START_TEST(stable_ties)
{
	struct ap_svc_file *a = file("ms_service_h-1", "h", NULL, NULL);
	struct ap_svc_file *b = file("ms_service_h-2", "h", NULL, NULL);

	row(a, 1, "a2", "d", 50, 50, O(0));
	row(a, 1, "a1", "d", 10, 10, O(0));
	row(a, 1, "a3", "d", 10, 10, O(0));
	row(b, 2, "b1", "d", 10, 10, O(0));
	row(b, 2, "b0", "d", 5, 5, O(0));
	ck_assert_int_eq(build(), 0);
	ck_assert_str_eq(svc.rows[0].name, "b0");
	ck_assert_str_eq(svc.rows[1].name, "a1");
	ck_assert_str_eq(svc.rows[2].name, "a3");
	ck_assert_str_eq(svc.rows[3].name, "b1");
	ck_assert_str_eq(svc.rows[4].name, "a2");
	ck_assert_uint_eq(svc.n_labels, 0); /* no rid column anywhere */
	ck_assert_int_eq(svc.rows[0].batch_size, -1);
}
END_TEST

START_TEST(empty_table_is_an_error)
{
	file("ms_service_h-1", "h", NULL, NULL);
	file("ms_service_h-2", "h", NULL, NULL);
	ck_assert_int_eq(build(), AP_ENOTFOUND);
	ck_assert_int_eq(err.code, AP_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "invalid"));
}
END_TEST

START_TEST(kv_astype_failure_zeroes_process)
{
	struct ap_svc_file *f = file("ms_service_h-1", "h", NULL, NULL);

	row(f, 1, "Allocate", "KVCache", 1, 1,
	    O(2, "TotalBlocks=", I(10), "FreeBlocksAfter=", I(4)));
	row(f, 1, "Allocate", "KVCache", 2, 2, O(1, "TotalBlocks=", I(10)));
	ck_assert_int_eq(build(), 0);
	ck_assert_int_eq(svc.rows[0].has_kv, 1);
	ck_assert_int_eq(svc.rows[0].total_blocks, 0); /* QUIRK: astype(int) of a NaN raised */
}
END_TEST

START_TEST(nested_rid_is_its_repr)
{
	struct ap_svc_file *f = file("ms_service_h-1", "h", NULL, NULL);

	row(f, 1, "forward", "Execute", 1, 1, O(1, "rid", L(2, L(1, S("a")), I(3))));
	ck_assert_int_eq(build(), 0);
	ck_assert_str_eq(svc.rows[0].rid_list[0], "['a']");
	ck_assert_str_eq(svc.rows[0].rid, "['a'],3");
}
END_TEST

/* fuzz_svc_build crash-7c2f…: a forward process without a hostname Meta compared a valid
 * process's hostname with NULL (strcmp(…, NULL)); upstream's None == 'h' is False: no parent,
 * so the union map, which is dropped when every key is numeric (the rid stays '7') */
START_TEST(forward_without_hostname)
{
	struct ap_svc_file *sch = file("ms_service_h-10", "h", "1", NULL);
	struct ap_svc_file *fwd = file("ms_service_h-11", NULL, "10", NULL);

	row(sch, 10, "Link", "Request", 1, 1, O(2, "from", S("http-a"), "to", S("007")));
	row(sch, 10, "BatchSchedule", "BatchSchedule", 2, 3,
	    O(1, "rid", L(1, O(2, "rid", I(7), "iter", I(0)))));
	row(fwd, 11, "forward", "ModelExecute", 4, 5, O(1, "rid", L(1, O(1, "rid", S("7")))));
	ck_assert_int_eq(build(), 0);
	ck_assert_str_eq(find_row("forward", 0)->rid, "7");
	ck_assert_str_eq(find_row("BatchSchedule", 0)->rid, "http-a");
}
END_TEST

static Suite *svc_an_suite(void)
{
	Suite *s = suite_create("svc_an");
	TCase *tc = tcase_create("example");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, example_times_and_order);
	tcase_add_test(tc, example_hash_suffix_mapping);
	tcase_add_test(tc, example_batch_type_and_kv);
	tcase_add_test(tc, example_labels);
	tcase_add_test(tc, example_ttft_and_wait);
	tcase_add_test(tc, example_req_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, link_map_and_forward_parent);
	tcase_add_test(tc, rid_normalisation);
	tcase_add_test(tc, req_state_renaming);
	tcase_add_test(tc, stable_ties);
	tcase_add_test(tc, empty_table_is_an_error);
	tcase_add_test(tc, kv_astype_failure_zeroes_process);
	tcase_add_test(tc, nested_rid_is_its_repr);
	tcase_add_test(tc, forward_without_hostname);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(svc_an_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
