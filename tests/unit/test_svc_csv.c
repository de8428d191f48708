/* Unit tests of the service CSV writers (lib/writers/w_svc_*.c, specs/ms_service_profiler.md
 * §3.2, §3.3, §3.9). The analysed dump is built by hand: the §7 worked example from the rows of
 * ../shared/ms_service_profiler_synthetic/input_slice_format, compared with the upstream files
 * of output_analyze_csv_only/ (skipped, exit 77, when ../shared is absent), and small cases
 * for the rules the example does not reach. */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/svc_csv.h"
#include "../../lib/base/banned.h"

#define BASE_NS 1767225600000000000LL

static struct ap_svc svc;
static struct ap_arena A;
static struct ap_err err;
static char dir[64];
static size_t cap_rows;

/* ---- values ------------------------------------------------------------------------------ */

static struct ap_sv S(const char *s)
{
	struct ap_sv v = { AP_SV_STR, (uint32_t)strlen(s), { .s = s } };
	return v;
}

static struct ap_sv I(int64_t i)
{
	struct ap_sv v = { AP_SV_INT, 0, { .i = i } };
	return v;
}

static struct ap_sv R(double d)
{
	struct ap_sv v = { AP_SV_REAL, 0, { .d = d } };
	return v;
}

/* An object of n (key, value) pairs. */
static struct ap_sv O(int n, ...)
{
	struct ap_sv_member *m = ap_arena_alloc(&A, (size_t)(n ? n : 1) * sizeof *m);
	struct ap_sv v = { AP_SV_OBJ, (uint32_t)n, { .members = m } };
	va_list ap;
	int k;

	va_start(ap, n);
	for (k = 0; k < n; k++) {
		m[k].key = va_arg(ap, const char *);
		m[k].v = va_arg(ap, struct ap_sv);
	}
	va_end(ap);
	return v;
}

static struct ap_sv L(int n, ...)
{
	struct ap_sv *it = ap_arena_alloc(&A, (size_t)(n ? n : 1) * sizeof *it);
	struct ap_sv v = { AP_SV_LIST, (uint32_t)n, { .items = it } };
	va_list ap;
	int k;

	va_start(ap, n);
	for (k = 0; k < n; k++)
		it[k] = va_arg(ap, struct ap_sv);
	va_end(ap);
	return v;
}

/* A vLLM scheduler request object. */
static struct ap_sv REQ(const char *rid, int iter, int type, int nst, int npt, int nct)
{
	return O(6, "rid", S(rid), "iter", I(iter), "type", I(type), "num_scheduled_tokens", I(nst),
		 "num_prompt_tokens", I(npt), "num_computed_tokens", I(nct));
}

/* ---- the dump ---------------------------------------------------------------------------- */

static void add_file(const char *prof_id, const char *dp)
{
	struct ap_svc_file *f = &svc.files[svc.n_files++];
	struct ap_svc_meta *m = ap_arena_alloc(&A, 3 * sizeof *m);

	memset(f, 0, sizeof *f);
	f->prof_id = prof_id;
	f->gen = AP_SVC_GEN_C;
	m[0].name = "hostname";
	m[0].value = "node1";
	m[1].name = "ppid";
	m[1].value = "1";
	f->n_meta = 2;
	if (dp) {
		m[2].name = "dpRankId";
		m[2].value = dp;
		f->n_meta = 3;
	}
	f->meta = m;
}

/* Appends a row of file f from off_us to end_us after BASE_NS (+7 ns, as the generator). */
static struct ap_svc_row *add_row(uint32_t f, int64_t pid, double off_us, double end_us,
				  const char *name, const char *domain)
{
	struct ap_svc_row *r;

	ck_assert_uint_lt(svc.n_rows, cap_rows);
	r = &svc.rows[svc.n_rows++];
	memset(r, 0, sizeof *r);
	r->start_ns = BASE_NS + (int64_t)(off_us * 1000) + 7;
	r->end_ns = BASE_NS + (int64_t)(end_us * 1000) + 7;
	r->start_us = (double)r->start_ns / 1000;
	r->end_us = (double)r->end_ns / 1000;
	r->during_us = r->end_us - r->start_us;
	r->pid = pid;
	r->tid = pid + 100;
	r->name = name;
	r->domain = domain;
	r->file = f;
	r->attrs = O(0);
	r->batch_size = r->prefill_batch_size = r->decode_batch_size = -1;
	return r;
}

/* rid, rid_list and batch_size of a list-valued res (objects: their rid). */
static void set_res(struct ap_svc_row *r, struct ap_sv res)
{
	uint32_t k;
	size_t len = 0;
	char *join;

	r->res = res;
	if (res.type == AP_SV_STR) {
		r->rid = res.u.s;
		r->batch_size = 0;
		return;
	}
	r->rid_is_list = 1;
	r->n_rid_list = res.n;
	r->rid_list = ap_arena_alloc(&A, (res.n + 1) * sizeof *r->rid_list);
	for (k = 0; k < res.n; k++) {
		const struct ap_sv *e = &res.u.items[k];

		r->rid_list[k] = e->type == AP_SV_OBJ ? ap_sv_get(e, "rid")->u.s : e->u.s;
		len += strlen(r->rid_list[k]) + 1;
	}
	join = ap_arena_alloc(&A, len + 1);
	len = 0;
	for (k = 0; k < res.n; k++) {
		size_t n = strlen(r->rid_list[k]);

		if (k)
			join[len++] = ',';
		memcpy(join + len, r->rid_list[k], n);
		len += n;
	}
	join[len] = '\0';
	r->rid = join;
	r->batch_size = (int32_t)res.n;
}

static void set_kv(struct ap_svc_row *r, int64_t total, int64_t used, int64_t alloc, double rate)
{
	r->total_blocks = total;
	r->used_blocks = used;
	r->free_blocks = total ? total - used : 0;
	r->blocks_allocated = alloc;
	r->kvcache_usage_rate = rate;
}

static void setup(void)
{
	memset(&svc, 0, sizeof svc);
	ap_arena_init(&A, 0);
	ap_err_init(&err);
	cap_rows = 128;
	svc.rows = ap_arena_alloc(&A, cap_rows * sizeof *svc.rows);
	svc.files = ap_arena_alloc(&A, 8 * sizeof *svc.files);
	snprintf(dir, sizeof dir, "/tmp/ap-svc-csv-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rm(const char *name)
{
	char p[128];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	unlink(p);
}

static void teardown(void)
{
	rm("batch.csv");
	rm("kvcache.csv");
	rm("request_status.csv");
	rm("forward.csv");
	rmdir(dir);
	ap_arena_release(&A);
	ap_err_release(&err);
}

/* The file's content (malloc'ed), or NULL when it does not exist. */
static char *slurp(const char *d, const char *name)
{
	char p[512];
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

static void assert_file(const char *name, const char *want)
{
	char *got = slurp(dir, name);

	ck_assert_msg(got != NULL, "%s not written", name);
	ck_assert_str_eq(got, want);
	free(got);
}

static void assert_no_file(const char *name)
{
	char *got = slurp(dir, name);

	ck_assert_msg(got == NULL, "%s written: %s", name, got ? got : "");
}

/* ---- §7: the synthetic vLLM-V1 dump ------------------------------------------------------- */

static int cmp_start(const void *pa, const void *pb)
{
	const struct ap_svc_row *a = pa, *b = pb;

	if (a->start_us != b->start_us)
		return a->start_us < b->start_us ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	return a->mark_id < b->mark_id ? -1 : a->mark_id > b->mark_id;
}

static void build_example(void)
{
	static const char *const aaa = "cmpl-aaa-0", *const bbb = "cmpl-bbb-0";
	static const double sched[3][2] = { { 2000, 2300 }, { 13000, 13200 }, { 19000, 19200 } };
	static const double exec[3][2] = { { 2400, 12400 }, { 13300, 18300 }, { 19300, 24300 } };
	static const double run[3][2] = { { 2500, 12000 }, { 13400, 18000 }, { 19400, 24000 } };
	static const double fwd[3][2] = { { 3000, 10000 }, { 13900, 16000 }, { 19900, 22000 } };
	static const double kv_at[3] = { 2280, 13150, 19150 };
	static const int64_t kv_used[3] = { 2, 2, 3 }, kv_alloc[3] = { 2, 0, 1 };
	struct ap_svc_row *r;
	size_t i;
	int s;

	add_file("ms_service_node1-1001", NULL);
	add_file("ms_service_node1-1002", NULL);
	add_file("ms_service_node1-1003", "0");
	/* 1001: API server (rid scalars) */
	set_res(add_row(0, 1001, 100, 100, "httpReq", "Engine"), S(aaa));
	set_res(add_row(0, 1001, 1100, 1100, "httpReq", "Engine"), S(bbb));
	set_res(add_row(0, 1001, 24800, 24800, "httpRes", "Engine"), S(aaa));
	/* 1002: EngineCore, every row has the KV columns */
	r = add_row(1, 1002, 300, 300, "Enqueue", "Schedule");
	set_res(r, S(aaa));
	r->attrs = O(3, "rid", S("cmpl-aaa-0-1a2b3c4d"), "QueueSize=", I(1), "scope#QueueName", S("WAITING"));
	r = add_row(1, 1002, 1300, 1300, "Enqueue", "Schedule");
	set_res(r, S(bbb));
	r->attrs = O(3, "rid", S("cmpl-bbb-0-9f8e7d6c"), "QueueSize=", I(2), "scope#QueueName", S("WAITING"));
	set_res(add_row(1, 1002, 2050, 2050, "CacheHitRate", "Schedule.KVCache"), S(aaa));
	set_res(add_row(1, 1002, 2060, 2060, "CacheHitRate", "Schedule.KVCache"), S(bbb));
	r = add_row(1, 1002, 2250, 2250, "Enqueue", "Schedule");
	set_res(r, L(2, S(aaa), S(bbb)));
	r->attrs = O(2, "QueueSize=", I(2), "scope#QueueName", S("RUNNING"));
	r = add_row(1, 1002, 2260, 2260, "Dequeue", "Schedule");
	set_res(r, L(2, S(aaa), S(bbb)));
	r->attrs = O(2, "QueueSize=", I(0), "scope#QueueName", S("WAITING"));
	for (s = 0; s < 3; s++) {
		const char *bt = s ? "Decode" : "Prefill";
		int ty = s ? 1 : 0;
		struct ap_sv res = L(2, REQ(aaa, s, ty, s ? 1 : 5, 5, s ? 4 + s : 0),
				     REQ(bbb, s, ty, s ? 1 : 7, 7, s ? 6 + s : 0));

		r = add_row(1, 1002, sched[s][0], sched[s][1], "batchFrameworkProcessing", "Schedule");
		set_res(r, res);
		r->batch_type = bt;
		r = add_row(1, 1002, exec[s][0], exec[s][1], "modelExec", "Execute");
		set_res(r, res);
		r->batch_type = bt;
		r = add_row(1, 1002, kv_at[s], kv_at[s], "KVCacheStatus", "Schedule.KVCache");
		set_res(r, L(2, S(aaa), S(bbb)));
		set_kv(r, 100, kv_used[s], kv_alloc[s], kv_used[s] / 100.0);
		/* 1003: the worker */
		r = add_row(2, 1003, run[s][0], run[s][1], "modelRunnerExec", "Execute");
		set_res(r, L(2, O(1, "rid", S(aaa)), O(1, "rid", S(bbb))));
		r = add_row(2, 1003, fwd[s][0], fwd[s][1], "forward", "Execute");
		set_res(r, L(2, S(aaa), S(bbb)));
		add_row(2, 1003, fwd[s][1] + 100, fwd[s][1] + 300, "computing_logits", "Execute");
	}
	r = add_row(1, 1002, 24500, 24500, "Free", "Schedule.KVCache");
	set_res(r, S(aaa));
	r->attrs = O(2, "deviceBlock=", I(98), "UsagePercent=", R(0.02));
	r->kvcache_usage_rate = 0.02;
	r = add_row(1, 1002, 24550, 24550, "Free", "Schedule.KVCache");
	set_res(r, S(bbb));
	r->attrs = O(2, "deviceBlock=", I(100), "UsagePercent=", R(0.0));
	for (i = 0; i < svc.n_rows; i++) {
		svc.rows[i].mark_id = (int64_t)i;
		svc.rows[i].has_kv = svc.rows[i].file == 1;
		if (svc.rows[i].file == 2 && svc.rows[i].batch_size < 0)
			svc.rows[i].batch_size = 0;
	}
	qsort(svc.rows, svc.n_rows, sizeof *svc.rows, cmp_start);
}

static const char *synthetic_dir(void)
{
	static char p[512];
	const char *s = getenv("AP_SAMPLES_DIR");
	struct stat st;

	snprintf(p, sizeof p, "%s/../ms_service_profiler_synthetic/output_analyze_csv_only",
		 s ? s : "../shared/samples");
	return stat(p, &st) == 0 ? p : NULL;
}

/* Cuts the last two fields of every line off (into *tail, appended line by line). */
static void split_ms(char *text, char *tail, size_t tail_size)
{
	char *line = text, *out = text;

	tail[0] = '\0';
	while (*line) {
		char *nl = strchr(line, '\n'), *c2, *c1;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		line[len] = '\0';
		c1 = strrchr(line, ',');
		ck_assert_ptr_nonnull(c1);
		*c1 = '\0';
		c2 = strrchr(line, ',');
		ck_assert_ptr_nonnull(c2);
		*c1 = ',';
		{
			size_t tl = strlen(tail), n = strlen(c2 + 1);

			ck_assert_uint_lt(tl + n + 2, tail_size);
			memcpy(tail + tl, c2 + 1, n);
			tail[tl + n] = '\n';
			tail[tl + n + 1] = '\0';
		}
		memmove(out, line, (size_t)(c2 - line));
		out += c2 - line;
		*out++ = '\n';
		line += len + (nl ? 1 : 0);
	}
	*out = '\0';
}

START_TEST(example_batch)
{
	const char *ref = synthetic_dir();
	char *got, *want, tg[2048], tw[2048];

	ck_assert_ptr_nonnull(ref);
	build_example();
	ck_assert_int_eq(ap_svc_write_batch(&svc, dir, &err), 0);
	got = slurp(dir, "batch.csv");
	want = slurp(ref, "batch.csv");
	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_nonnull(want);
	split_ms(got, tg, sizeof tg);
	split_ms(want, tw, sizeof tw);
	ck_assert_str_eq(got, want);
	/* the deviation: really milliseconds, repr of µs / 1000.0 */
	ck_assert_str_eq(tg, "start_time(ms),end_time(ms)\n"
			     "1767225600002.0002,1767225600002.3\n"
			     "1767225600002.4,1767225600012.4001\n"
			     "1767225600002.5,1767225600012.0\n"
			     "1767225600013.0,1767225600013.2002\n"
			     "1767225600013.3,1767225600018.3\n"
			     "1767225600013.4,1767225600018.0002\n"
			     "1767225600019.0,1767225600019.2\n"
			     "1767225600019.3,1767225600024.3\n"
			     "1767225600019.4,1767225600024.0\n");
	ck_assert_str_eq(tw, "start_time(ms),end_time(ms)\n"
			     "1767225600002000.2,1767225600002300.0\n"
			     "1767225600002400.0,1767225600012400.2\n"
			     "1767225600002500.0,1767225600012000.0\n"
			     "1767225600013000.0,1767225600013200.2\n"
			     "1767225600013300.0,1767225600018300.0\n"
			     "1767225600013400.0,1767225600018000.2\n"
			     "1767225600019000.0,1767225600019200.0\n"
			     "1767225600019300.0,1767225600024300.0\n"
			     "1767225600019400.0,1767225600024000.0\n");
	free(got);
	free(want);
}
END_TEST

START_TEST(example_kvcache_and_status)
{
	const char *ref = synthetic_dir();
	char *want;

	ck_assert_ptr_nonnull(ref);
	build_example();
	ck_assert_int_eq(ap_svc_write_kvcache(&svc, dir, &err), 0);
	ck_assert_int_eq(ap_svc_write_request_status(&svc, dir, &err), 0);
	want = slurp(ref, "kvcache.csv");
	assert_file("kvcache.csv", want);
	free(want);
	want = slurp(ref, "request_status.csv");
	assert_file("request_status.csv", want);
	free(want);
}
END_TEST

/* forward.csv (not among the reference files: pandas 3 fails on it upstream), by §3.9:
 * relative to the host's first forward (3000 µs), bubble = next start - end (13900 - 10000),
 * the batch type of the latest schedule row of the same rid list. */
START_TEST(example_forward)
{
	build_example();
	ck_assert_int_eq(ap_svc_write_forward(&svc, dir, &err), 0);
	assert_file("forward.csv",
		    "name,relative_start_time(ms),start_datetime,end_datetime,during_time(ms),"
		    "bubble_time(ms),batch_size,batch_type,forward_iter,dp_rank,prof_id,hostname,"
		    "start_time(ms),end_time(ms)\n"
		    "forward,0.0,2026-01-01 08:00:00:003000,2026-01-01 08:00:00:010000,7.00025,3.9,2,"
		    "Prefill,1,,ms_service_node1-1003,node1,1767225600003.0,1767225600010.0002\n"
		    "forward,10.9,2026-01-01 08:00:00:013900,2026-01-01 08:00:00:016000,2.1,3.9,2,"
		    "Decode,2,,ms_service_node1-1003,node1,1767225600013.9,1767225600016.0\n"
		    "forward,16.9,2026-01-01 08:00:00:019900,2026-01-01 08:00:00:022000,2.10025,,2,"
		    "Decode,3,,ms_service_node1-1003,node1,1767225600019.9,1767225600022.0002\n");
}
END_TEST

/* ---- small cases --------------------------------------------------------------------------- */

/* Legacy MindIE layout: rid, name, start_time, deviceBlock=, (maxFree - left) / maxFree for
 * Allocate/AppendSlot/Free (maxFree over Free rows), 0 for others, empty without rid. */
START_TEST(kvcache_legacy)
{
	struct ap_svc_row *r;

	add_file("ms_service_h-1", NULL);
	r = add_row(0, 1, 10, 10, "Allocate", "KVCache");
	set_res(r, S("7"));
	r->attrs = O(1, "deviceBlock=", I(60));
	r = add_row(0, 1, 20, 20, "AppendSlot", "KVCache");
	set_res(r, S("7"));
	r->attrs = O(1, "deviceBlock=", I(50));
	r = add_row(0, 1, 30, 30, "Other", "KVCache");
	set_res(r, S("7"));
	r->attrs = O(1, "deviceBlock=", I(40));
	r = add_row(0, 1, 40, 40, "Free", "KVCache");
	set_res(r, S("7"));
	r->attrs = O(1, "deviceBlock=", I(80));
	r = add_row(0, 1, 50, 50, "Allocate", "KVCache");
	r->attrs = O(1, "deviceBlock=", I(70));
	r = add_row(0, 1, 60, 60, "CacheHitRate", "KVCache");
	add_row(0, 1, 70, 70, "httpReq", "Request");
	ck_assert_int_eq(ap_svc_write_kvcache(&svc, dir, &err), 0);
	assert_file("kvcache.csv", "rid,name,start_time,device_kvcache_left,kvcache_usage_rate\n"
				   "7,Allocate,2026-01-01 08:00:00:000010,60.0,0.25\n"
				   "7,AppendSlot,2026-01-01 08:00:00:000020,50.0,0.375\n"
				   "7,Other,2026-01-01 08:00:00:000030,40.0,0.0\n"
				   "7,Free,2026-01-01 08:00:00:000040,80.0,0.0\n"
				   ",Allocate,2026-01-01 08:00:00:000050,70.0,\n");
}
END_TEST

/* No KV domain: no kvcache.csv; only CacheHitRate rows: none either. Int64 columns when every
 * row has the KV columns. */
START_TEST(kvcache_absent_and_int)
{
	struct ap_svc_row *r;

	add_file("ms_service_h-1", NULL);
	add_row(0, 1, 10, 10, "httpReq", "Request");
	ck_assert_int_eq(ap_svc_write_kvcache(&svc, dir, &err), 0);
	assert_no_file("kvcache.csv");
	add_row(0, 1, 20, 20, "CacheHitRate", "KVCache");
	ck_assert_int_eq(ap_svc_write_kvcache(&svc, dir, &err), 0);
	assert_no_file("kvcache.csv");
	r = add_row(0, 1, 30, 30, "KVCacheStatus", "KVCache");
	set_kv(r, 10, 4, 1, 0.4);
	svc.rows[0].has_kv = svc.rows[1].has_kv = r->has_kv = 1;
	ck_assert_int_eq(ap_svc_write_kvcache(&svc, dir, &err), 0);
	assert_file("kvcache.csv", "name,start_time,total_blocks,used_blocks,free_blocks,"
				   "blocks_allocated,blocks_freed,kvcache_usage_rate\n"
				   "KVCacheStatus,2026-01-01 08:00:00:000030,10,4,6,1,0,0.4\n");
}
END_TEST

/* KV columns: a column only when some batch row is non-zero; a schedule row takes the
 * KVCacheStatus of its prof_id at or after its start, else the latest before; other prof_ids'
 * rows never. dp_rank: the pid's first dpRankId (Meta); token counts from num_scheduled_tokens=
 * strings make the token columns float64; res_list quoted. */
START_TEST(batch_rules)
{
	struct ap_svc_row *r;
	size_t i;

	add_file("ms_service_a-1", "3");
	add_file("ms_service_b-2", NULL);
	r = add_row(0, 1, 10, 20, "KVCacheStatus", "KVCache");   /* before the 2nd schedule */
	set_kv(r, 50, 5, 0, 0.1);
	r = add_row(0, 1, 30, 40, "BatchSchedule", "Schedule");  /* takes the one at 35 */
	set_res(r, L(2, O(3, "rid", S("x"), "iter", I(0), "num_scheduled_tokens=", S(" 4 ")),
		     O(2, "rid", S("y"), "iter", I(3))));
	r->batch_type = "Prefill, Decode";
	r = add_row(0, 1, 35, 35, "KVCacheStatus", "KVCache");
	set_kv(r, 50, 7, 2, 0.14);
	r = add_row(0, 1, 50, 60, "BatchSchedule", "Schedule");  /* none after: takes 35 */
	set_res(r, L(1, O(3, "rid", S("z"), "type", I(1), "num_scheduled_tokens", I(2))));
	r = add_row(1, 2, 55, 56, "BatchSchedule", "Schedule");  /* other prof_id: no KV */
	set_res(r, S("q"));
	r = add_row(0, 1, 70, 80, "modelExec", "Execute");
	set_res(r, L(1, O(2, "rid", S("z"), "type", I(1))));
	add_row(0, 1, 90, 90, "Other", "Execute");
	for (i = 0; i < svc.n_rows; i++)
		svc.rows[i].has_kv = svc.rows[i].file == 0;
	ck_assert_int_eq(ap_svc_write_batch(&svc, dir, &err), 0);
	assert_file("batch.csv",
		    "name,res_list,start_datetime,end_datetime,during_time(ms),batch_type,prof_id,"
		    "batch_size,total_blocks,used_blocks,free_blocks,blocks_allocated,"
		    "kvcache_usage_rate,prefill_batch_size,decode_batch_size,prefill_scheduled_tokens,"
		    "decode_scheduled_tokens,total_scheduled_tokens,dp_rank,start_time(ms),"
		    "end_time(ms)\n"
		    "BatchSchedule,\"[{'rid': 'x', 'iter': 0, 'num_scheduled_tokens=': ' 4 '}, "
		    "{'rid': 'y', 'iter': 3}]\",2026-01-01 08:00:00:000030,2026-01-01 08:00:00:000040,"
		    "0.01,\"Prefill, Decode\",ms_service_a-1,2.0,50.0,7.0,43.0,2.0,0.14,1,1,4.0,0,"
		    "4.0,3,1767225600000.03,1767225600000.04\n"
		    "BatchSchedule,\"[{'rid': 'z', 'type': 1, 'num_scheduled_tokens': 2}]\","
		    "2026-01-01 08:00:00:000050,2026-01-01 08:00:00:000060,0.01,,ms_service_a-1,1.0,"
		    "50.0,7.0,43.0,2.0,0.14,0,1,0.0,2,2.0,3,1767225600000.05,1767225600000.06\n"
		    "BatchSchedule,q,2026-01-01 08:00:00:000055,2026-01-01 08:00:00:000056,0.001,,"
		    "ms_service_b-2,0.0,0.0,0.0,0.0,0.0,0.0,0,0,0.0,0,0.0,,1767225600000.055,"
		    "1767225600000.056\n"
		    "modelExec,\"[{'rid': 'z', 'type': 1}]\",2026-01-01 08:00:00:000070,"
		    "2026-01-01 08:00:00:000080,0.01025,,ms_service_a-1,1.0,0.0,0.0,0.0,0.0,0.0,0,1,"
		    "0.0,0,0.0,3,1767225600000.07,1767225600000.0803\n");
}
END_TEST

/* Without any rid in the dump upstream fails on the missing res_list column: no file. */
START_TEST(batch_without_rid)
{
	add_file("ms_service_a-1", NULL);
	add_row(0, 1, 30, 40, "BatchSchedule", "Schedule");
	ck_assert_int_eq(ap_svc_write_batch(&svc, dir, &err), 0);
	assert_no_file("batch.csv");
}
END_TEST

/* request_status.csv with the lower-case status schema of MindIE; relative per pid; queue
 * sizes print as floats (a row without QueueSize= puts NaN in the merged column). */
START_TEST(request_status_status_schema)
{
	struct ap_svc_row *r;

	add_file("ms_service_a-1", NULL);
	r = add_row(0, 1, 1000, 1000, "Queue", "Schedule");
	r->attrs = O(2, "status", S("running"), "QueueSize=", I(3));
	r = add_row(0, 2, 1500, 1500, "Queue", "Schedule");
	r->attrs = O(2, "status", S("waiting"), "QueueSize=", I(1));
	r = add_row(0, 1, 2505, 2505, "Queue", "Schedule");
	r->attrs = O(2, "status", S("swapped"), "QueueSize=", I(2));
	r = add_row(0, 1, 3000, 3000, "Queue", "Schedule");
	r->attrs = O(2, "status", S("WAITING"), "QueueSize=", I(9));  /* not a state value */
	r = add_row(0, 1, 3100, 3100, "Queue", "Other");
	r->attrs = O(2, "status", S("waiting"), "QueueSize=", I(9));  /* not Schedule */
	add_row(0, 1, 3200, 3200, "httpReq", "Request");  /* no QueueSize=: a float64 column */
	ck_assert_int_eq(ap_svc_write_request_status(&svc, dir, &err), 0);
	assert_file("request_status.csv",
		    "hostuid,pid,start_datetime,relative_timestamp(ms),waiting,running,swapped,"
		    "timestamp(ms)\n"
		    "node1,1,2026-01-01 08:00:00:001000,0.0,,3.0,,1767225600001.0\n"
		    "node1,2,2026-01-01 08:00:00:001500,0.0,1.0,,,1767225600001.5\n"
		    "node1,1,2026-01-01 08:00:00:002505,1.5,,,2.0,1767225600002.5\n");
}
END_TEST

/* forward.csv: no file without a schedule row; forward rows whose rid has no earlier
 * schedule row are dropped; bubbles and iterations per prof_id. */
START_TEST(forward_rules)
{
	struct ap_svc_row *r;

	add_file("ms_service_a-1", NULL);
	add_file("ms_service_a-2", NULL);
	r = add_row(0, 1, 1000, 2000, "forward", "Execute");
	set_res(r, L(1, S("a")));
	ck_assert_int_eq(ap_svc_write_forward(&svc, dir, &err), 0);
	assert_no_file("forward.csv");
	r = add_row(0, 1, 3000, 3100, "BatchSchedule", "Schedule");
	set_res(r, L(1, S("a")));
	r->batch_type = "Prefill";
	r = add_row(1, 2, 3200, 4200, "forward", "Execute");
	set_res(r, L(1, S("a")));
	r = add_row(0, 1, 3300, 4300, "forward", "Execute");
	set_res(r, L(1, S("a")));
	r = add_row(0, 1, 4500, 5500, "forward", "Execute");
	set_res(r, L(1, S("a")));
	ck_assert_int_eq(ap_svc_write_forward(&svc, dir, &err), 0);
	assert_file("forward.csv",
		    "name,relative_start_time(ms),start_datetime,end_datetime,during_time(ms),"
		    "bubble_time(ms),batch_size,batch_type,forward_iter,dp_rank,prof_id,hostname,"
		    "start_time(ms),end_time(ms)\n"
		    "forward,0.0,2026-01-01 08:00:00:003200,2026-01-01 08:00:00:004200,1.0,,1,"
		    "Prefill,1,,ms_service_a-2,node1,1767225600003.2,1767225600004.2\n"
		    "forward,0.1,2026-01-01 08:00:00:003300,2026-01-01 08:00:00:004300,1.0,0.2,1,"
		    "Prefill,1,,ms_service_a-1,node1,1767225600003.3,1767225600004.3\n"
		    "forward,1.3,2026-01-01 08:00:00:004500,2026-01-01 08:00:00:005500,1.0,,1,"
		    "Prefill,2,,ms_service_a-1,node1,1767225600004.5,1767225600005.5\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("svc_csv");
	TCase *tc = tcase_create("rules"), *tg = tcase_create("example");
	SRunner *sr;
	int failed, have = synthetic_dir() != NULL;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, kvcache_legacy);
	tcase_add_test(tc, kvcache_absent_and_int);
	tcase_add_test(tc, batch_rules);
	tcase_add_test(tc, batch_without_rid);
	tcase_add_test(tc, request_status_status_schema);
	tcase_add_test(tc, forward_rules);
	tcase_add_test(tc, example_forward);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tg, setup, teardown);
	if (have) {
		tcase_add_test(tg, example_batch);
		tcase_add_test(tg, example_kvcache_and_status);
	}
	suite_add_tcase(s, tg);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed)
		return EXIT_FAILURE;
	return have ? EXIT_SUCCESS : 77;
}
