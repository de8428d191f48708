/* Unit tests of lib/writers/w_svc_db*.c (profiler.db of a service dump, spec §3.8): the ns
 * conversion from the printed µs, the fixed DDL, pandas-style tables with their views and
 * Insight rows, and, against the upstream reference read in place (skipped when absent), the
 * schema of an empty-input database and the trace tables made from its chrome_tracing.json. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/arena.h"
#include "ap/svc_db.h"
#include "ap/svc_fmt.h"
#include "../../lib/base/banned.h"

static char dir[64];
static struct ap_err err;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ap_svc_db_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ap_err_init(&err);
}

static void rm_rf(const char *d)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
	rm_rf(dir);
	ap_err_release(&err);
}

static const char *ref_dir(void)
{
	const char *d = getenv("AP_SVC_DB_REFERENCE");

	return d ? d : "../shared/ms_service_profiler_synthetic/output_analyze_json_csv_db";
}

static sqlite3 *open_db(const char *path, int immutable)
{
	char uri[1100];
	sqlite3 *h = NULL;

	ck_assert_int_lt(strlen(path), 1024);
	snprintf(uri, sizeof(uri), "file:%s%s", path, immutable ? "?immutable=1" : "?mode=ro");
	ck_assert_int_eq(sqlite3_open_v2(uri, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
			 SQLITE_OK);
	return h;
}

static sqlite3 *open_out(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/profiler.db", dir);
	return open_db(p, 0);
}

/* The result of a query as text: rows on lines, columns separated by '|', NULL as "<null>". */
static char *query(sqlite3 *h, const char *sql)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;
	sqlite3_stmt *st;

	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(h));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			if (i)
				ap_strbuf_addch(&sb, '|');
			ap_strbuf_addstr(&sb, t ? (const char *)t : "<null>");
		}
		ap_strbuf_addch(&sb, '\n');
	}
	sqlite3_finalize(st);
	{
		char *r = strdup(sb.buf);

		ap_strbuf_release(&sb);
		return r;
	}
}

static void check_query(sqlite3 *h, const char *sql, const char *want)
{
	char *got = query(h, sql);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(us_to_ns)
{
	int64_t ns = 0;

	/* the printed value counts: repr(1767225600002000.2) has one decimal */
	ck_assert_int_eq(ap_svc_db_us_to_ns(1767225600002000.25, &ns), 0);
	ck_assert_int_eq(ns, 1767225600002000200LL);
	ck_assert_int_eq(ap_svc_db_us_to_ns(299.75, &ns), 0);
	ck_assert_int_eq(ns, 299750);
	ck_assert_int_eq(ap_svc_db_us_to_ns(0.0, &ns), 0);
	ck_assert_int_eq(ns, 0);
	ck_assert_int_eq(ap_svc_db_us_to_ns(1e-05, &ns), 0); /* 0.01 ns, int() -> 0 */
	ck_assert_int_eq(ns, 0);
	ck_assert_int_eq(ap_svc_db_us_to_ns(0.0015, &ns), 0);
	ck_assert_int_eq(ns, 1);
	ck_assert_int_eq(ap_svc_db_us_to_ns(-1.0015, &ns), 0); /* toward zero */
	ck_assert_int_eq(ns, -1001);
	ck_assert_int_eq(ap_svc_db_us_to_ns(1.5e15, &ns), 0);
	ck_assert_int_eq(ns, 1500000000000000000LL);
	ck_assert_int_eq(ap_svc_db_us_to_ns(1e16, &ns), -1); /* 1e19 ns: past int64 */
	ck_assert_int_eq(ap_svc_db_us_to_ns(NAN, &ns), -1);
	ck_assert_int_eq(ap_svc_db_us_to_ns(INFINITY, &ns), -1);
}
END_TEST

START_TEST(empty_input_ddl)
{
	struct ap_svc s;
	struct stat st;
	char p[128];
	sqlite3 *h;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(ap_svc_write_db(&s, NULL, NULL, dir, &err), 0);
	snprintf(p, sizeof(p), "%s/profiler.db", dir);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	snprintf(p, sizeof(p), "%s/profiler.db.tmp", dir);
	ck_assert_int_ne(stat(p, &st), 0);
	h = open_out();
	check_query(h, "SELECT name FROM sqlite_master ORDER BY rowid",
		    "data_table\nsqlite_sequence\ntranslate\nsqlite_autoindex_translate_1\n"
		    "process\nsqlite_autoindex_process_1\nthread\nslice\ncounter\nflow\n");
	check_query(h, "SELECT sql FROM sqlite_master WHERE name IN ('data_table', 'thread')",
		    "CREATE TABLE data_table (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, "
		    "view_name TEXT)\n"
		    "CREATE TABLE thread \n        (track_id INTEGER PRIMARY KEY, tid TEXT, pid TEXT, "
		    "thread_name TEXT, thread_sort_index INTEGER)\n");
	check_query(h, "SELECT count(*) FROM translate", "0\n");
	sqlite3_close(h);
}
END_TEST

static const struct ap_svc_db_col req_cols[] = {
	{ "http_rid", AP_SVC_DB_TEXT }, { "start_datetime", AP_SVC_DB_TEXT },
	{ "execution_time", AP_SVC_DB_REAL }, { "n", AP_SVC_DB_INTEGER },
};

START_TEST(pandas_table_and_views)
{
	struct ap_svc_db *db;
	sqlite3 *h;

	ck_assert_int_eq(ap_svc_db_open(&db, dir, &err), 0);
	ck_assert_int_eq(ap_svc_db_table_begin(db, "request", req_cols, 4, &err), 0);
	ap_svc_db_text(db, 0, "cmpl-a", SIZE_MAX);
	ap_svc_db_text(db, 1, NULL, 0);
	ap_svc_db_real(db, 2, 24.0);
	ap_svc_db_i64(db, 3, 7);
	ck_assert_int_eq(ap_svc_db_row(db, &err), 0);
	ap_svc_db_text(db, 0, "cmpl-bx", 6); /* a prefix */
	ap_svc_db_real(db, 2, NAN);
	ck_assert_int_eq(ap_svc_db_row(db, &err), 0);
	ck_assert_int_eq(ap_svc_db_table_end(db, &err), 0);
	/* no rows: no table, no views */
	ck_assert_int_eq(ap_svc_db_table_begin(db, "batch", req_cols, 1, &err), 0);
	ck_assert_int_eq(ap_svc_db_table_end(db, &err), 0);
	/* curve views only */
	ck_assert_int_eq(ap_svc_db_table_begin(db, "req_latency", req_cols, 1, &err), 0);
	ap_svc_db_text(db, 0, "x", 1);
	ck_assert_int_eq(ap_svc_db_row(db, &err), 0);
	ck_assert_int_eq(ap_svc_db_table_end(db, &err), 0);
	ck_assert_int_eq(ap_svc_db_commit(db, &err), 0);

	h = open_out();
	check_query(h, "SELECT sql FROM sqlite_master WHERE name = 'request'",
		    "CREATE TABLE \"request\" (\n\"http_rid\" TEXT,\n  \"start_datetime\" TEXT,\n"
		    "  \"execution_time\" REAL,\n  \"n\" INTEGER\n)\n");
	check_query(h, "SELECT sql FROM sqlite_master WHERE name = 'request_data'",
		    "CREATE VIEW request_data AS\n    SELECT \"http_rid\", \"start_datetime\" AS "
		    "\"start_datetime\", \"execution_time\" AS \"execution_time(ms)\", \"n\"\n"
		    "    FROM request\n");
	check_query(h, "SELECT http_rid, typeof(start_datetime), execution_time, n FROM request",
		    "cmpl-a|null|24.0|7\ncmpl-b|null|<null>|<null>\n");
	check_query(h, "SELECT * FROM data_table", "1|request_data|request_data\n");
	check_query(h, "SELECT key, substr(value_en, 1, 12) FROM translate",
		    "request_data|Servitized I\nRequest_Latency_curve|End-to-End L\n");
	check_query(h, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'batch%' OR "
		       "name LIKE 'Batch%'", "0\n");
	check_query(h, "SELECT type FROM sqlite_master WHERE name = 'Request_Latency_curve'",
		    "view\n");
	sqlite3_close(h);
}
END_TEST

START_TEST(trace_tables_by_hand)
{
	struct ap_svc_db *db;
	sqlite3 *h;
	const struct ap_svc_db_tev ev[] = {
		{ .ph = 'M', .name = "thread_sort_index", .pid = "7", .tid = "Sched",
		  .ts = NAN, .dur = NAN, .m_sort = 3, .has_sort = 1 },
		{ .ph = 'M', .name = "thread_sort_index", .pid = "7", .tid = "Other",
		  .ts = NAN, .dur = NAN, .m_sort = 4, .has_sort = 1 },
		{ .ph = 'M', .name = "process_name", .pid = "7", .ts = NAN, .dur = NAN,
		  .m_str = "forward" },
		{ .ph = 'X', .name = "b", .pid = "8", .tid = "T2", .ts = 2000.25, .dur = 1.5,
		  .args = "{}" },
		{ .ph = 'X', .name = "a", .pid = "7", .tid = "Sched", .ts = 1000.0, .dur = 0.0,
		  .args = "{\"k\": 1}", .cat = "c" },
		{ .ph = 'C', .name = "Sched", .pid = "7", .ts = 5.0, .dur = NAN, .args = "{}" },
		{ .ph = 'C', .name = "KV", .pid = "7", .ts = 0.0, .dur = NAN, .args = "{}" },
		{ .ph = 'I', .name = "i", .pid = "7", .tid = NULL, .ts = 1.0, .dur = 0.0 },
		{ .ph = 's', .name = "flow_r", .pid = "8", .tid = "T2", .id = "r", .ts = 3.0,
		  .dur = NAN, .cat = "r" },
	};

	ck_assert_int_eq(ap_svc_db_open(&db, dir, &err), 0);
	ck_assert_int_eq(ap_svc_db_write_trace(db, ev, sizeof(ev) / sizeof(ev[0]), &err), 0);
	ck_assert_int_eq(ap_svc_db_commit(db, &err), 0);
	h = open_out();
	check_query(h, "SELECT * FROM process ORDER BY rowid", "7|forward|<null>|<null>\n8|8|<null>|<null>\n");
	/* M-only tracks keep NULLs; lanes in first-appearance order; the counter lane "Sched" of
	 * pid 7 is the same pair as the thread_sort_index one, which keeps its index */
	check_query(h, "SELECT * FROM thread ORDER BY track_id",
		    "1|Sched|7|Sched|3\n2|<null>|<null>|<null>|4\n3|T2|8|T2|0\n4|KV|7|KV|0\n");
	check_query(h, "SELECT timestamp, duration, name, depth, track_id, cat, args, cname, "
		       "end_time, flag_id FROM slice ORDER BY id",
		    "2000250|1500|b|<null>|3|<null>|{}|<null>|2001750|<null>\n"
		    "1000000|0|a|<null>|1|c|{\"k\": 1}|<null>|1000000|<null>\n");
	check_query(h, "SELECT name, pid, timestamp, cat, args FROM counter",
		    "Sched|7|5000|<null>|{}\n");
	check_query(h, "SELECT flow_id, name, cat, track_id, timestamp, type FROM flow",
		    "r|flow_r|r|3|3000|s\n");
	sqlite3_close(h);
}
END_TEST

/* ---- against the upstream reference (read in place) ------------------------------------- */

static int have_reference(void)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/profiler.db", ref_dir());
	return access(p, R_OK) == 0;
}

START_TEST(empty_input_schema_matches_reference)
{
	static const char q[] = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name IN "
		"('sqlite_sequence', 'data_table', 'translate', 'sqlite_autoindex_translate_1', "
		"'process', 'sqlite_autoindex_process_1', 'thread', 'slice', 'counter', 'flow') "
		"ORDER BY name"; /* the reference's dir held an older profiler.db: rowids differ */
	struct ap_svc s;
	char p[512], *want, *got;
	sqlite3 *ref, *h;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(ap_svc_write_db(&s, NULL, NULL, dir, &err), 0);
	snprintf(p, sizeof(p), "%s/profiler.db", ref_dir());
	ref = open_db(p, 1);
	h = open_out();
	want = query(ref, q);
	got = query(h, q);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	sqlite3_close(ref);
	sqlite3_close(h);
}
END_TEST

/* jansson value -> ap_sv (arena), for json.dumps of args as upstream's trace holds them */
static struct ap_sv to_sv(struct ap_arena *a, json_t *j)
{
	struct ap_sv v;

	memset(&v, 0, sizeof(v));
	switch (json_typeof(j)) {
	case JSON_NULL: v.type = AP_SV_NULL; break;
	case JSON_TRUE: v.type = AP_SV_TRUE; break;
	case JSON_FALSE: v.type = AP_SV_FALSE; break;
	case JSON_INTEGER: v.type = AP_SV_INT; v.u.i = json_integer_value(j); break;
	case JSON_REAL: v.type = AP_SV_REAL; v.u.d = json_real_value(j); break;
	case JSON_STRING:
		v.type = AP_SV_STR;
		v.n = (uint32_t)json_string_length(j);
		v.u.s = ap_arena_strndup(a, json_string_value(j), v.n);
		break;
	case JSON_ARRAY: {
		struct ap_sv *items = ap_arena_alloc(a, (json_array_size(j) + 1) * sizeof(*items));

		v.type = AP_SV_LIST;
		v.n = (uint32_t)json_array_size(j);
		for (size_t i = 0; i < v.n; i++)
			items[i] = to_sv(a, json_array_get(j, i));
		v.u.items = items;
		break;
	}
	case JSON_OBJECT: {
		struct ap_sv_member *m = ap_arena_alloc(a, (json_object_size(j) + 1) * sizeof(*m));
		const char *k;
		json_t *x;
		uint32_t n = 0;

		json_object_foreach(j, k, x) {
			m[n].key = ap_arena_strdup(a, k);
			m[n++].v = to_sv(a, x);
		}
		v.type = AP_SV_OBJ;
		v.n = n;
		v.u.members = m;
		break;
	}
	}
	return v;
}

static const char *str_of(struct ap_arena *a, json_t *j)
{
	char buf[32];

	if (!j || json_is_null(j))
		return NULL;
	if (json_is_string(j))
		return ap_arena_strdup(a, json_string_value(j));
	snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(j));
	return ap_arena_strdup(a, buf);
}

static double num_of(json_t *j)
{
	return j ? json_number_value(j) : NAN;
}

START_TEST(trace_tables_match_reference)
{
	/* tracks compared by their (pid, tid): upstream numbers lanes in set order */
	static const char q_slice[] = "SELECT s.id, s.timestamp, s.duration, s.name, s.depth, "
		"t.pid, t.tid, s.cat, s.args, s.cname, s.end_time, s.flag_id FROM slice s "
		"LEFT JOIN thread t USING (track_id) ORDER BY s.id";
	static const char q_flow[] = "SELECT f.id, f.flow_id, f.name, f.cat, t.pid, t.tid, "
		"f.timestamp, f.type FROM flow f LEFT JOIN thread t USING (track_id) ORDER BY f.id";
	static const char q_thread[] = "SELECT tid, pid, thread_name, thread_sort_index FROM thread "
		"ORDER BY pid IS NULL, pid, tid, thread_sort_index";
	static const char *const qs[] = {
		q_slice, q_flow, q_thread, "SELECT * FROM counter ORDER BY id",
		"SELECT * FROM process ORDER BY rowid",
		"SELECT * FROM sqlite_sequence WHERE name <> 'data_table'",
	};
	struct ap_arena a;
	struct ap_strbuf sb = AP_STRBUF_INIT;
	struct ap_svc_db_tev *ev;
	struct ap_svc_db *db;
	json_error_t jerr;
	json_t *root, *e;
	char p[512];
	size_t n, i;
	sqlite3 *ref, *h;

	snprintf(p, sizeof(p), "%s/chrome_tracing.json", ref_dir());
	root = json_load_file(p, 0, &jerr);
	ck_assert_ptr_nonnull(root);
	n = json_array_size(root);
	ck_assert_uint_gt(n, 50);
	ap_arena_init(&a, 1 << 16);
	ev = calloc(n, sizeof(*ev));
	json_array_foreach(root, i, e) {
		json_t *args = json_object_get(e, "args");

		ev[i].ph = json_string_value(json_object_get(e, "ph"))[0];
		ev[i].name = str_of(&a, json_object_get(e, "name"));
		ev[i].cat = str_of(&a, json_object_get(e, "cat"));
		ev[i].pid = str_of(&a, json_object_get(e, "pid"));
		ev[i].tid = str_of(&a, json_object_get(e, "tid"));
		ev[i].id = str_of(&a, json_object_get(e, "id"));
		ev[i].ts = num_of(json_object_get(e, "ts"));
		ev[i].dur = num_of(json_object_get(e, "dur"));
		if (args && ev[i].ph != 'M') {
			struct ap_sv v = to_sv(&a, args);

			ap_strbuf_reset(&sb);
			ap_sv_json(&sb, &v, 1);
			ev[i].args = ap_arena_strdup(&a, sb.buf);
		}
		if (args && ev[i].ph == 'M') {
			json_t *x = json_object_get(args, "sort_index");

			ev[i].m_str = str_of(&a, json_object_get(args, "name"));
			if (!ev[i].m_str)
				ev[i].m_str = str_of(&a, json_object_get(args, "labels"));
			ev[i].has_sort = x != NULL;
			ev[i].m_sort = x ? json_integer_value(x) : 0;
		}
	}
	ck_assert_int_eq(ap_svc_db_open(&db, dir, &err), 0);
	ck_assert_int_eq(ap_svc_db_write_trace(db, ev, n, &err), 0);
	ck_assert_int_eq(ap_svc_db_commit(db, &err), 0);

	snprintf(p, sizeof(p), "%s/profiler.db", ref_dir());
	ref = open_db(p, 1);
	h = open_out();
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		char *want = query(ref, qs[k]), *got = query(h, qs[k]);

		ck_assert_msg(!strcmp(got, want), "%s:\n got:\n%s\nwant:\n%s", qs[k], got, want);
		free(want);
		free(got);
	}
	sqlite3_close(ref);
	sqlite3_close(h);
	free(ev);
	json_decref(root);
	ap_strbuf_release(&sb);
	ap_arena_release(&a);
}
END_TEST

static Suite *svc_db_suite(int reference_only)
{
	Suite *s = suite_create("svc_db");
	TCase *tc;

	if (!reference_only) {
		tc = tcase_create("ns");
		tcase_add_test(tc, us_to_ns);
		suite_add_tcase(s, tc);
		tc = tcase_create("write");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, empty_input_ddl);
		tcase_add_test(tc, pandas_table_and_views);
		tcase_add_test(tc, trace_tables_by_hand);
		suite_add_tcase(s, tc);
	} else {
		tc = tcase_create("reference");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, empty_input_schema_matches_reference);
		tcase_add_test(tc, trace_tables_match_reference);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	int reference_only = getenv("AP_SVC_DB_REFERENCE_ONLY") != NULL;
	SRunner *sr;
	int failed;

	if (reference_only && !have_reference())
		return 77; /* ../shared absent: skipped */
	sr = srunner_create(svc_db_suite(reference_only));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
