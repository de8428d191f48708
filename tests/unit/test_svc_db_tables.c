/* Unit tests of the profiler.db exporter tables (lib/writers/w_svc_db*.c, w_svc_sink.c; spec
 * §3.8): the synthetic dump of ../shared/ms_service_profiler_synthetic (input_slice_format)
 * built end to end and compared table by table with the upstream reference (`parse` output,
 * ms units: request's queue_wait_time and first_token_latency, first_token_latency) after the ascprof deviations: NULL for 'None'/'nan', batch start/end in ms,
 * kvcache datetimes with µs, latency timestamps UTC+8. Skipped (77) without ../shared. Plus
 * hand-checked latency tables (100 ms windows, cumulative percentiles). */
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/fmt.h"
#include "ap/strbuf.h"
#include "ap/svc_an.h"
#include "ap/svc_db.h"
#include "ap/svc_load.h"
#include "ap/svc_trace.h"
#include "../../lib/base/banned.h"

static char dir[64];
static struct ap_err err;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ap_svc_dbt_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ap_err_init(&err);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	ap_err_release(&err);
}

static const char *shared_dir(void)
{
	const char *d = getenv("AP_SHARED_DIR");

	return d ? d : "../shared";
}

/* Rows on lines, '|' between columns, NULL as <null>, reals as repr(float). */
static char *query(sqlite3 *h, const char *sql)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;
	sqlite3_stmt *st;
	char num[AP_FMT_MAX];

	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(h));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			if (i)
				ap_strbuf_addch(&sb, '|');
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				ap_strbuf_addstr(&sb, "<null>");
				break;
			case SQLITE_FLOAT:
				ap_strbuf_add(&sb, num, ap_fmt_double(num, sqlite3_column_double(st, i)));
				break;
			default:
				ap_strbuf_addstr(&sb, (const char *)sqlite3_column_text(st, i));
			}
		}
		ap_strbuf_addch(&sb, '\n');
	}
	sqlite3_finalize(st);
	{
		char *r = strdup(sb.buf);

		ap_strbuf_release(&sb);
		ck_assert_ptr_nonnull(r);
		return r;
	}
}

static void same(sqlite3 *h, const char *ours, const char *ref)
{
	char *a = query(h, ours), *b = query(h, ref);

	ck_assert_msg(!strcmp(a, b), "%s\n---\n%s\n!=\n%s\n---\n%s", ours, a, ref, b);
	ck_assert_msg(*a, "no rows: %s", ours);
	free(a);
	free(b);
}

static void check(sqlite3 *h, const char *sql, const char *want)
{
	char *a = query(h, sql);

	ck_assert_msg(!strcmp(a, want), "%s:\n%s\nwant\n%s", sql, a, want);
	free(a);
}

/* ---- the synthetic dump against the reference --------------------------------------------- */

static int build_synthetic(void)
{
	static const char *const pids[] = { "1001", "1002", "1003" };
	struct ap_svc s;
	struct ap_svc_derived d;
	struct ap_svc_trace t;
	struct ap_svc_file *files = calloc(3, sizeof(*files));
	struct ap_diag diag;
	char p[512];

	ck_assert_ptr_nonnull(files);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/ms_service_profiler_synthetic/input_slice_format/"
			 "0101-0800/Trace_Service/ms_service_node1-%s.db", shared_dir(), pids[i]);
		if (access(p, R_OK)) {
			free(files);
			return 0;
		}
		ap_svc_file_init(&files[i]);
		ck_assert_msg(ap_svc_load_file(&files[i], p, &err) == 0, "%s", ap_err_text(&err));
	}
	ap_svc_init(&s);
	ap_diag_init(&diag);
	ck_assert_msg(ap_svc_build(&s, files, 3, &diag, &err) == 0, "%s", ap_err_text(&err));
	ck_assert_msg(ap_svc_derive(&s, &d, &err) == 0, "%s", ap_err_text(&err));
	ck_assert_msg(ap_svc_trace_build(&s, &t, &err) == 0, "%s", ap_err_text(&err));
	ck_assert_msg(ap_svc_write_db(&s, &d, &t, dir, &err) == 0, "%s", ap_err_text(&err));
	ap_svc_trace_release(&t);
	ap_svc_derived_release(&d);
	ap_svc_release(&s);
	ap_diag_release(&diag);
	return 1;
}

static sqlite3 *open_with_ref(void)
{
	char p[512];
	sqlite3 *h;

	snprintf(p, sizeof(p), "%s/profiler.db", dir);
	ck_assert_int_eq(sqlite3_open_v2(p, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	snprintf(p, sizeof(p), "ATTACH 'file:%s/ms_service_profiler_synthetic/"
		 "output_parse_json_csv_db/profiler.db?immutable=1' AS ref", shared_dir());
	ck_assert_msg(sqlite3_exec(h, p, NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(h));
	return h;
}

/* the declared schema of a table or view */
static void same_sql(sqlite3 *h, const char *name)
{
	char a[256], b[256];

	snprintf(a, sizeof(a), "SELECT sql FROM main.sqlite_master WHERE name='%s'", name);
	snprintf(b, sizeof(b), "SELECT sql FROM ref.sqlite_master WHERE name='%s'", name);
	same(h, a, b);
}

/* every column of a table or view, in its order */
static void same_rows(sqlite3 *h, const char *name)
{
	char a[256], b[256];

	snprintf(a, sizeof(a), "SELECT * FROM main.\"%s\"", name);
	snprintf(b, sizeof(b), "SELECT * FROM ref.\"%s\"", name);
	same(h, a, b);
}

START_TEST(synthetic_vs_reference)
{
	static const char *const exact_sql[] = {
		"request", "request_data", "batch", "batch_exec", "batch_req", "kvcache", "request_status", "prefill_gen_speed",
		"first_token_latency", "req_latency", "decode_gen_speed", "Batch_Size_curve",
		"Batch_Token_curve", "batch_info", "kvcache_usage", "Kvcache_Usage_Percent_curve",
		"Request_Status_curve", "Prefill_Generate_Speed_Latency_curve",
		"First_Token_Latency_curve", "Request_Latency_curve",
		"Decode_Generate_Speed_Latency_curve",
	};
	/* identical row for row */
	static const char *const exact_rows[] = {
		"request", "request_data", "batch_exec", "request_status", "Batch_Size_curve",
		"Batch_Token_curve",
	};
	static const char batch_cols[] =
		"name, res_list, start_datetime, end_datetime, during_time, batch_type, prof_id, "
		"batch_size, total_blocks, used_blocks, free_blocks, blocks_allocated, "
		"kvcache_usage_rate, prefill_batch_size, decode_batch_size, "
		"prefill_scheduled_tokens, decode_scheduled_tokens, total_scheduled_tokens, dp_rank";
	static const char *const lat[][2] = {
		{ "prefill_gen_speed", "p50, p90, p99, avg, p50_alltime" },
		{ "first_token_latency", "p50, p90, p99, min_value, p50_alltime" },
		{ "req_latency", "avg, p99, p90, p50, p50_alltime" },
		{ "decode_gen_speed", "p50, p90, p99, avg, p50_alltime" },
	};
	sqlite3 *h;
	char a[1024], b[1024];
	size_t i;

	if (!build_synthetic())
		return; /* reported as skipped by main */
	h = open_with_ref();
	for (i = 0; i < sizeof(exact_sql) / sizeof(exact_sql[0]); i++)
		same_sql(h, exact_sql[i]);
	for (i = 0; i < sizeof(exact_rows) / sizeof(exact_rows[0]); i++)
		same_rows(h, exact_rows[i]);
	/* batch: upstream's 'None'/'nan' strings are NULL here, start/end really in ms */
	snprintf(a, sizeof(a), "SELECT %s, \"start_time(ms)\", \"end_time(ms)\" FROM main.batch",
		 batch_cols);
	same(h, a, "SELECT name, res_list, start_datetime, end_datetime, during_time, "
		 "NULLIF(batch_type, 'None'), prof_id, batch_size, total_blocks, used_blocks, "
		 "free_blocks, blocks_allocated, kvcache_usage_rate, prefill_batch_size, "
		 "decode_batch_size, prefill_scheduled_tokens, decode_scheduled_tokens, "
		 "total_scheduled_tokens, NULLIF(dp_rank, 'nan'), \"start_time(ms)\" / 1000.0, "
		 "\"end_time(ms)\" / 1000.0 FROM ref.batch");
	/* batch_req: block None -> NULL */
	same(h, "SELECT * FROM main.batch_req",
	     "SELECT batch_id, req_id, rid, iter, NULLIF(block, 'None') FROM ref.batch_req");
	/* kvcache: µs kept here, upstream cuts the datetime to seconds for the db */
	same(h, "SELECT name, substr(start_datetime, 1, 19), total_blocks, used_blocks, "
		"free_blocks, blocks_allocated, blocks_freed, kvcache_usage_rate FROM main.kvcache",
	     "SELECT * FROM ref.kvcache");
	check(h, "SELECT start_datetime FROM main.kvcache LIMIT 1", "2026-01-01 08:00:00:002280\n");
	/* latency tables: the reference host ran in UTC, ascprof writes UTC+8 */
	for (i = 0; i < sizeof(lat) / sizeof(lat[0]); i++) {
		snprintf(a, sizeof(a), "SELECT replace(timestamp, ' 08:', ' 00:'), %s FROM main.%s",
			 lat[i][1], lat[i][0]);
		snprintf(b, sizeof(b), "SELECT timestamp, %s FROM ref.%s", lat[i][1], lat[i][0]);
		same(h, a, b);
	}
	check(h, "SELECT timestamp FROM main.first_token_latency",
	      "2026-01-01 08:00:00:000100\n");
	/* Insight rows (forward_info: upstream's forward exporter failed under pandas 3) */
	same(h, "SELECT name, view_name FROM main.data_table WHERE name != 'forward_info' "
		"ORDER BY id",
	     "SELECT name, view_name FROM ref.data_table ORDER BY id");
	same(h, "SELECT * FROM main.translate WHERE key != 'forward_info'",
	     "SELECT * FROM ref.translate");
	/* no forward rows upstream either (pandas 3 failed): none are made for vLLM here too */
	check(h, "SELECT count(*) FROM main.sqlite_master WHERE name IN ('forward', 'data_link')",
	      "2\n");
	check(h, "SELECT count(*), min(forward_iter), max(forward_iter) FROM main.forward",
	      "3|1|3\n");
	check(h, "SELECT * FROM main.data_link", "rid|request|http_rid\n");
	sqlite3_close(h);
}
END_TEST

/* ---- hand-checked latency tables ---------------------------------------------------------- */

static struct ap_svc_req_event http(const char *rid, const char *ev, double start, double end)
{
	struct ap_svc_req_event e;

	memset(&e, 0, sizeof(e));
	e.rid = rid;
	e.event = ev;
	e.start_us = start;
	e.end_us = end;
	e.batch_size = NAN;
	return e;
}

START_TEST(latency_by_hand)
{
	const double T = 1000000.0; /* 1970-01-01 00:00:01 UTC */
	struct ap_svc_req_ttft tt[] = {
		{ "r1", T, T, 10000 }, { "r2", T + 50000, T, 20000 },
		{ "r3", T + 100000, T, 30000 }, { "r4", T + 250000, T, 40000 },
		{ "r5", NAN, T, 50000 },
	};
	struct ap_svc_req_event ev[] = {
		http("a", "httpReq", T, T), http("a", "httpRes", T + 100, T + 100),
		http("b", "httpReq", T + 10, T + 10), http("b", "httpRes", T + 300, T + 300),
		http("c", "httpReq", T + 20, T + 20), http("c", "DecodeEnd", T + 100, T + 100),
		http("d", "httpReq", T + 30, T + 30),
		http("e", "httpRes", T + 40, T + 40), http("e", "httpReq", T + 50, T + 500),
	};
	struct ap_svc_derived d;
	char p[128];
	sqlite3 *h;

	memset(&d, 0, sizeof(d));
	d.req_ttft = tt;
	d.n_req_ttft = 5;
	d.req_event = ev;
	d.n_req_event = sizeof(ev) / sizeof(ev[0]);
	ck_assert_msg(ap_svc_write_db(NULL, &d, NULL, dir, &err) == 0, "%s", ap_err_text(&err));
	snprintf(p, sizeof(p), "%s/profiler.db", dir);
	ck_assert_int_eq(sqlite3_open_v2(p, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	/* windows [T, T+100ms): 10, 20 ms; [T+100ms, ..): 30; [T+200ms, ..): 40; r5 dropped (NaN
	 * start); p50 of all four = 25 */
	check(h, "SELECT * FROM first_token_latency",
	      "1970-01-01 08:00:01:000000|15.0|19.0|19.9|10.0|25.0\n"
	      "1970-01-01 08:00:01:100000|30.0|30.0|30.0|30.0|25.0\n"
	      "1970-01-01 08:00:01:200000|40.0|40.0|40.0|40.0|25.0\n");
	/* latencies a 100, c 80 (both end at T+100), b 290; d has one event, e starts with
	 * httpRes: cumulative at each end time, rounded to 2 */
	check(h, "SELECT * FROM req_latency",
	      "1970-01-01 08:00:01:000100|90.0|99.8|98.0|90.0|100.0\n"
	      "1970-01-01 08:00:01:000300|156.67|286.2|252.0|100.0|100.0\n");
	check(h, "SELECT * FROM Request_Latency_curve",
	      "1970-01-01 08:00:01.000100|0.09|0.0998|0.098|0.09\n"
	      "1970-01-01 08:00:01.000300|0.1567|0.2862|0.252|0.1\n");
	check(h, "SELECT count(*) FROM sqlite_master WHERE name IN ('prefill_gen_speed', "
		 "'decode_gen_speed', 'batch', 'kvcache')", "0\n");
	sqlite3_close(h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("svc_db_tables");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;
	char p[512];

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, latency_by_hand);
	snprintf(p, sizeof(p), "%s/ms_service_profiler_synthetic/output_parse_json_csv_db/"
		 "profiler.db", shared_dir());
	if (!access(p, R_OK))
		tcase_add_test(tc, synthetic_vs_reference);
	else
		fprintf(stderr, "svc_db_tables: %s absent: reference comparison skipped\n", p);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
