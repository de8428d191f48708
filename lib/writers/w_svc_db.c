/* profiler.db of a service dump (specs/ms_service_profiler.md §3.8): the file (temp name,
 * pragmas, rename, mode), the Insight tables data_table and translate, and pandas-style tables
 * with the views upstream's exporters create for them. The trace tables are in
 * w_svc_db_trace.c; the exporter tables' rows come from their producers through
 * ap_svc_db_table_begin/_row/_end. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/arena.h"
#include "ap/fmt.h"
#include "ap/strbuf.h"
#include "ap/svc_db.h"
#include "ap/svc_trace.h"
#include "w_svc_db_local.h"
#include "w_svc_local.h"
#include "../base/banned.h"

/* ---- what upstream adds beside a table (facts of its exporters/ modules) ------------------ */

struct curve_view {
	const char *name, *sql, *en, *zh;
};

struct table_views {
	const char *table;
	/* rename view (TableConfig create_view): data_table row, translate row, the view */
	const char *view, *en, *zh;
	const char *const *renames; /* pairs column, new name; NULL-terminated */
	const struct curve_view *curves;
	size_t n_curves;
};

static const char sql_req_status[] =
	"CREATE VIEW Request_Status_curve AS\n"
	"    SELECT\n"
	"        substr(timestamp, 1, 10) || ' ' || substr(timestamp, 12, 8) || '.' || substr(timestamp, 21, 6) AS time,\n"
	"        CASE WHEN status = 'WAITING' THEN CAST(\"QueueSize=\" AS REAL) ELSE CAST(0 AS REAL) END as waiting,\n"
	"        CASE WHEN status = 'SWAPPED' THEN CAST(\"QueueSize=\" AS REAL) ELSE CAST(0 AS REAL) END as swapped,\n"
	"        CASE WHEN status = 'RUNNING' THEN CAST(\"QueueSize=\" AS REAL) ELSE CAST(0 AS REAL) END as running\n"
	"    FROM\n"
	"        request_status\n"
	"    WHERE\n"
	"        \"QueueSize=\" IS NOT NULL\n"
	"        AND (\n"
	"            (status = 'WAITING' AND \"QueueSize=\" != 0.0) OR\n"
	"            (status = 'SWAPPED' AND \"QueueSize=\" != 0.0) OR\n"
	"            (status = 'RUNNING' AND \"QueueSize=\" != 0.0)\n"
	"        )\n"
	"    ORDER BY\n"
	"        time ASC";
static const char sql_batch_size[] =
	"CREATE VIEW Batch_Size_curve AS\n"
	"    WITH numbered_data AS (\n"
	"        SELECT \n"
	"            ROW_NUMBER() OVER (ORDER BY \"start_datetime\") - 1 AS batch_id,\n"
	"            batch_size,\n"
	"            prefill_batch_size,\n"
	"            decode_batch_size\n"
	"        FROM \n"
	"            batch\n"
	"        WHERE \n"
	"            name in ('BatchSchedule', 'batchFrameworkProcessing')\n"
	"    )\n"
	"    SELECT\n"
	"        batch_id,\n"
	"        batch_size as total_batch_size,\n"
	"        prefill_batch_size,\n"
	"        decode_batch_size\n"
	"    FROM\n"
	"        numbered_data\n"
	"    ORDER BY\n"
	"        batch_id";
static const char sql_batch_token[] =
	"CREATE VIEW Batch_Token_curve AS\n"
	"    WITH numbered_data AS (\n"
	"        SELECT \n"
	"            ROW_NUMBER() OVER (ORDER BY \"start_datetime\") - 1 AS batch_id,\n"
	"            total_scheduled_tokens,\n"
	"            prefill_scheduled_tokens,\n"
	"            decode_scheduled_tokens\n"
	"        FROM \n"
	"            batch\n"
	"        WHERE \n"
	"            name in ('BatchSchedule', 'batchFrameworkProcessing')\n"
	"    )\n"
	"    SELECT\n"
	"        batch_id,\n"
	"        total_scheduled_tokens,\n"
	"        prefill_scheduled_tokens,\n"
	"        decode_scheduled_tokens\n"
	"    FROM\n"
	"        numbered_data\n"
	"    ORDER BY\n"
	"        batch_id";
static const char sql_kv_percent[] =
	"CREATE VIEW Kvcache_Usage_Percent_curve AS\n"
	"    SELECT\n"
	"        start_datetime AS datetime,\n"
	"        kvcache_usage_rate * 100 AS kvcache_usage_percent\n"
	"    FROM\n"
	"        kvcache\n"
	"    ORDER BY\n"
	"        datetime ASC";
static const char sql_prefill_speed[] =
	"CREATE VIEW Prefill_Generate_Speed_Latency_curve AS\n"
	"    WITH converted AS (\n"
	"        SELECT\n"
	"            substr(timestamp, 1, 10) || ' ' || substr(timestamp, 12, 8) || '.' || substr(timestamp, 21, 6) AS datetime,\n"
	"            avg, p99, p90, p50\n"
	"    FROM\n"
	"        prefill_gen_speed\n"
	"    )\n"
	"    SELECT\n"
	"        datetime as time,\n"
	"        round(cast(avg as REAL), 4) as \"avg(tokens/s)\",\n"
	"        round(cast(p99 as REAL), 4) as \"p99(tokens/s)\", \n"
	"        round(cast(p90 as REAL), 4) as \"p90(tokens/s)\",\n"
	"        round(cast(p50 as REAL), 4) as \"p50(tokens/s)\"\n"
	"    FROM\n"
	"        converted\n"
	"    ORDER BY\n"
	"        datetime ASC";
static const char sql_ttft[] =
	"CREATE VIEW First_Token_Latency_curve AS\n"
	"    WITH converted AS (\n"
	"        SELECT\n"
	"            substr(timestamp, 1, 10) || ' ' || substr(timestamp, 12, 8) || '.' || substr(timestamp, 21, 6) AS datetime,\n"
	"            p99, p90, p50, min_value\n"
	"        FROM\n"
	"            first_token_latency\n"
	"    )\n"
	"    SELECT\n"
	"        datetime as time,\n"
	"        cast(p99 as REAL) as \"p99(ms)\",\n"
	"        cast(p90 as REAL) as \"p90(ms)\",\n"
	"        cast(p50 as REAL) as \"p50(ms)\",\n"
	"        cast(min_value as REAL) as \"min(ms)\"\n"
	"    FROM\n"
	"        converted\n"
	"    ORDER BY\n"
	"        datetime ASC";
static const char sql_req_latency[] =
	"CREATE VIEW Request_Latency_curve AS\n"
	"    WITH converted AS (\n"
	"        SELECT\n"
	"            substr(timestamp, 1, 10) || ' ' || substr(timestamp, 12, 8) || '.' || substr(timestamp, 21, 6) AS datetime,\n"
	"            avg,\n"
	"            p99,\n"
	"            p90,\n"
	"            p50\n"
	"        FROM\n"
	"            req_latency\n"
	"    )\n"
	"    SELECT\n"
	"        datetime as time,\n"
	"        round(cast(avg as REAL)/1000, 4) as \"avg(ms)\",\n"
	"        round(cast(p99 as REAL)/1000, 4) as \"p99(ms)\",\n"
	"        round(cast(p90 as REAL)/1000, 4) as \"p90(ms)\",\n"
	"        round(cast(p50 as REAL)/1000, 4) as \"p50(ms)\"\n"
	"    FROM\n"
	"        converted\n"
	"    ORDER BY\n"
	"        datetime ASC";
static const char sql_decode_speed[] =
	"CREATE VIEW Decode_Generate_Speed_Latency_curve AS\n"
	"    WITH converted AS (\n"
	"        SELECT\n"
	"            substr(timestamp, 1, 10) || ' ' || substr(timestamp, 12, 8) || '.' || substr(timestamp, 21, 6) AS datetime,\n"
	"            avg, p99, p90, p50\n"
	"    FROM\n"
	"        decode_gen_speed\n"
	"    )\n"
	"    SELECT\n"
	"        datetime as time,\n"
	"        round(cast(avg as REAL), 4) as \"avg(tokens/s)\",\n"
	"        round(cast(p99 as REAL), 4) as \"p99(tokens/s)\", \n"
	"        round(cast(p90 as REAL), 4) as \"p90(tokens/s)\",\n"
	"        round(cast(p50 as REAL), 4) as \"p50(tokens/s)\"\n"
	"    FROM\n"
	"        converted\n"
	"    ORDER BY\n"
	"        datetime ASC";

static const char *const request_renames[] = {
	"start_datetime", "start_datetime", "execution_time", "execution_time(ms)",
	"queue_wait_time", "queue_wait_time(ms)", "first_token_latency", "first_token_latency(ms)",
	"cache_hit_rate", "cache_hit_rate", NULL,
};
static const char *const batch_renames[] = {
	"start_time", "start_time(ms)", "end_time", "end_time(ms)",
	"during_time", "during_time(ms)", NULL,
};
static const char *const kvcache_renames[] = {
	"total_blocks", "total_blocks", "used_blocks", "used_blocks", "free_blocks", "free_blocks",
	"usage_percent", "usage_percent", "blocks_allocated", "blocks_allocated",
	"blocks_freed", "blocks_freed", "kvcache_usage_rate", "kvcache_usage_rate",
	"start_datetime", "start_time", NULL,
};
static const char *const pull_kv_renames[] = {
	"during_time", "during_time(ms)", "start_datetime", "start_time",
	"end_datetime", "end_time", NULL,
};
static const char *const forward_renames[] = {
	"start_time", "start_time(ms)", "end_time", "end_time(ms)", "during_time", "during_time(ms)",
	"relative_start_time", "relative_start_time(ms)", "bubble_time", "bubble_time(ms)", NULL,
};
static const char *const pd_comm_renames[] = {
	"http_req_time", "http_req_time(ms)", "send_request_time", "send_request_time(ms)",
	"send_request_succ_time", "send_request_succ_time(ms)",
	"prefill_res_time", "prefill_res_time(ms)", "request_end_time", "request_end_time(ms)",
	NULL,
};

static const struct curve_view req_status_curves[] = {
	{ "Request_Status_curve", sql_req_status, "Queue Size Over Time by Status",
	  "不同状态下队列大小随时间变化的折线图" },
};
static const struct curve_view batch_curves[] = {
	{ "Batch_Size_curve", sql_batch_size,
	  "The number of requests per batch in the BatchSchedule process, sequenced by time "
	  "and segmented by prefill and decode phases",
	  "BatchSchedule过程中每个batch包含的请求数量折线图，根据时间排序，区分prefill和decode" },
	{ "Batch_Token_curve", sql_batch_token,
	  "Token counts in the BatchSchedule process: Total, Prefill, and Decode",
	  "BatchSchedule过程中的总token数，prefill占用token数，decode占用token数" },
};
static const struct curve_view kvcache_curves[] = {
	{ "Kvcache_Usage_Percent_curve", sql_kv_percent,
	  "KVCache usage rate for all requests over time",
	  "所有请求Kvcache使用率随时间变换折线图" },
};
static const struct curve_view prefill_curves[] = {
	{ "Prefill_Generate_Speed_Latency_curve", sql_prefill_speed,
	  "Prefill Phase Token Throughput (tokens/s) Over Time For All Requests",
	  "所有请求prefill阶段，不同时刻吞吐的token平均时延随时间变化折线图" },
};
static const struct curve_view ttft_curves[] = {
	{ "First_Token_Latency_curve", sql_ttft,
	  "Time to First Token (TTFT) Over Time For All Requests",
	  "所有请求首token时延随时间变化折线图" },
};
static const struct curve_view req_latency_curves[] = {
	{ "Request_Latency_curve", sql_req_latency,
	  "End-to-End Latency Over Time For All Requests",
	  "所有请求端到端时延随时间变化折线图" },
};
static const struct curve_view decode_curves[] = {
	{ "Decode_Generate_Speed_Latency_curve", sql_decode_speed,
	  "Decode Phase Token Throughput (tokens/s) Over Time For All Requests",
	  "所有请求decode阶段，不同时刻吞吐的token平均时延随时间变化折线图" },
};

#define CURVES(a) a, sizeof(a) / sizeof((a)[0])

static const struct table_views table_views[] = {
	{ "request", "request_data",
	  "Servitized Inference Request-Level Metrics: Time to First Token (TTFT), "
	  "Input/Output Length, etc",
	  "以服务化推理请求为粒度的详细数据指标，包括TTFT，请求的输入输出长度等信息",
	  request_renames, NULL, 0 },
	{ "batch", "batch_info",
	  "Servitized inference batch-level metrics: Batch Scheduling Latency and Batch "
	  "Execution Latency",
	  "服务化推理batch为粒度的详细数据，包含组batch和执行batch两种耗时信息",
	  batch_renames, CURVES(batch_curves) },
	{ "kvcache", "kvcache_usage", "NPU memory usage during servitized inference",
	  "推理过程的显存使用情况", kvcache_renames, CURVES(kvcache_curves) },
	{ "pd_split_kvcache", "pd_split_pull_kvcache",
	  "Metrics of KVCache Transfer Between PD Nodes During PD-Separated Inference",
	  "PD分离推理过程的KVCache在PD节点间的传输情况", pull_kv_renames, NULL, 0 },
	{ "forward", "forward_info",
	  "Detailed data for the forward execution during servitized inference",
	  "服务化推理模型前向执行过程的详细数据", forward_renames, NULL, 0 },
	{ "pd_split_communication", "pd_communication_info",
	  "PD Node Communication Data in PD-Separated Deployment",
	  "PD分离部署场景PD节点间通信类数据信息", pd_comm_renames, NULL, 0 },
	{ "request_status", NULL, NULL, NULL, NULL, CURVES(req_status_curves) },
	{ "prefill_gen_speed", NULL, NULL, NULL, NULL, CURVES(prefill_curves) },
	{ "first_token_latency", NULL, NULL, NULL, NULL, CURVES(ttft_curves) },
	{ "req_latency", NULL, NULL, NULL, NULL, CURVES(req_latency_curves) },
	{ "decode_gen_speed", NULL, NULL, NULL, NULL, CURVES(decode_curves) },
};

static const struct table_views *find_views(const char *table)
{
	for (size_t i = 0; i < sizeof(table_views) / sizeof(table_views[0]); i++)
		if (!strcmp(table_views[i].table, table))
			return &table_views[i];
	return NULL;
}

/* exporters/utils.py INSIGHT_TABLE_OPERATIONS */
static const char sql_data_table[] =
	"CREATE TABLE data_table (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, view_name TEXT)";
static const char sql_translate[] =
	"CREATE TABLE translate (key TEXT NOT NULL PRIMARY KEY, value_en TEXT, value_zh TEXT)";
static const char sql_ins_data_table[] = "INSERT INTO data_table (name, view_name) VALUES (?,?)";
static const char sql_ins_translate[] =
	"INSERT INTO translate (key, value_en, value_zh) VALUES (?,?,?)";

/* ---- the file ------------------------------------------------------------------------------ */

int ap_svc_db__fail(struct ap_svc_db *db, struct ap_err *err, const char *what)
{
	return ap_err_set(err, AP_EIO, "'%s': %s: %s", db->tmp, what,
			  db->h ? sqlite3_errmsg(db->h) : "no database");
}

int ap_svc_db__exec(struct ap_svc_db *db, const char *sql, struct ap_err *err)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ap_svc_db__fail(db, err, "SQL failed");
	return 0;
}

int ap_svc_db__prepare(struct ap_svc_db *db, const char *sql, sqlite3_stmt **st,
		       struct ap_err *err)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
		return ap_svc_db__fail(db, err, "cannot prepare a statement");
	return 0;
}

int ap_svc_db__step(struct ap_svc_db *db, sqlite3_stmt *st, struct ap_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return ap_svc_db__fail(db, err, "cannot write a row");
	return 0;
}

void ap_svc_db__bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static char *path_join(const char *dir, const char *name)
{
	size_t ld = strlen(dir), ln = strlen(name);
	char *p = malloc(ld + 1 + ln + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln + 1);
	return p;
}

static void db_close(struct ap_svc_db *db)
{
	sqlite3_finalize(db->ins);
	sqlite3_finalize(db->ins_data_table);
	sqlite3_finalize(db->ins_translate);
	db->ins = db->ins_data_table = db->ins_translate = NULL;
	if (db->h)
		sqlite3_close(db->h);
	db->h = NULL;
}

void ap_svc_db_free(struct ap_svc_db *db)
{
	if (!db)
		return;
	db_close(db);
	if (db->tmp)
		unlink(db->tmp);
	ap_strbuf_release(&db->sql);
	free(db->path);
	free(db->tmp);
	free(db);
}

int ap_svc_db_open(struct ap_svc_db **out, const char *dir, struct ap_err *err)
{
	struct ap_svc_db *db = calloc(1, sizeof(*db));
	int r;

	*out = NULL;
	if (!db)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	ap_strbuf_init(&db->sql);
	db->path = path_join(dir, "profiler.db");
	db->tmp = path_join(dir, "profiler.db.tmp");
	if (!db->path || !db->tmp) {
		ap_svc_db_free(db);
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	}
	if (unlink(db->tmp) && errno != ENOENT) {
		r = ap_err_set(err, AP_EIO, "cannot remove '%s': %s", db->tmp, strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(db->tmp, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
	    != SQLITE_OK) {
		r = ap_svc_db__fail(db, err, "cannot create");
		goto fail;
	}
	/* built once, never read concurrently: no journal on disk, no syncs (renamed when whole) */
	if ((r = ap_svc_db__exec(db, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
				 "BEGIN", err)) < 0 ||
	    (r = ap_svc_db__exec(db, sql_data_table, err)) < 0 ||
	    (r = ap_svc_db__exec(db, sql_translate, err)) < 0 ||
	    (r = ap_svc_db__exec(db, "COMMIT", err)) < 0 ||
	    (r = ap_svc_db__prepare(db, sql_ins_data_table, &db->ins_data_table, err)) < 0 ||
	    (r = ap_svc_db__prepare(db, sql_ins_translate, &db->ins_translate, err)) < 0)
		goto fail;
	*out = db;
	return 0;
fail:
	ap_svc_db_free(db);
	return r;
}

int ap_svc_db_commit(struct ap_svc_db *db, struct ap_err *err)
{
	int r = 0;

	db_close(db);
	/* upstream: os.chmod(profiler.db, 0o640) */
	if (chmod(db->tmp, 0640) || rename(db->tmp, db->path))
		r = ap_err_set(err, AP_EIO, "cannot write '%s': %s", db->path, strerror(errno));
	if (!r) {
		free(db->tmp);
		db->tmp = NULL;
	}
	ap_svc_db_free(db);
	return r;
}

/* ---- pandas-style tables ------------------------------------------------------------------ */

static void add_quoted(struct ap_strbuf *sb, const char *name)
{
	ap_strbuf_addch(sb, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			ap_strbuf_addch(sb, '"');
		ap_strbuf_addch(sb, *p);
	}
	ap_strbuf_addch(sb, '"');
}

static const char *const type_names[] = { "TEXT", "REAL", "INTEGER" };

int ap_svc_db_table_begin(struct ap_svc_db *db, const char *name,
			  const struct ap_svc_db_col *cols, size_t ncols, struct ap_err *err)
{
	struct ap_strbuf *sb = &db->sql;

	AP_RETURN_ERROR_IF(!ncols || ncols > 999 || db->ins, err, AP_EINTERNAL,
			   "table '%s': bad column count or a table still open", name);
	db->table = name;
	db->cols = cols;
	db->ncols = ncols;
	db->rows = 0;
	/* pandas SQLiteTable._create_table_setup */
	ap_strbuf_reset(sb);
	ap_strbuf_addstr(sb, "CREATE TABLE ");
	add_quoted(sb, name);
	ap_strbuf_addstr(sb, " (\n");
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			ap_strbuf_addstr(sb, ",\n  ");
		add_quoted(sb, cols[i].name);
		ap_strbuf_addch(sb, ' ');
		ap_strbuf_addstr(sb, type_names[cols[i].type]);
	}
	ap_strbuf_addstr(sb, "\n)");
	AP_RETURN_ERROR_IF(sb->failed, err, AP_ENOMEM, "out of memory");
	AP_FORWARD_IF_ERROR(ap_svc_db__exec(db, "BEGIN", err));
	AP_FORWARD_IF_ERROR(ap_svc_db__exec(db, sb->buf, err));
	ap_strbuf_reset(sb);
	ap_strbuf_addstr(sb, "INSERT INTO ");
	add_quoted(sb, name);
	ap_strbuf_addstr(sb, " VALUES (");
	for (size_t i = 0; i < ncols; i++)
		ap_strbuf_addstr(sb, i ? ",?" : "?");
	ap_strbuf_addch(sb, ')');
	AP_RETURN_ERROR_IF(sb->failed, err, AP_ENOMEM, "out of memory");
	return ap_svc_db__prepare(db, sb->buf, &db->ins, err);
}

void ap_svc_db_null(struct ap_svc_db *db, size_t col)
{
	sqlite3_bind_null(db->ins, (int)col + 1);
}

void ap_svc_db_i64(struct ap_svc_db *db, size_t col, int64_t v)
{
	sqlite3_bind_int64(db->ins, (int)col + 1, v);
}

void ap_svc_db_real(struct ap_svc_db *db, size_t col, double v)
{
	if (isnan(v))
		sqlite3_bind_null(db->ins, (int)col + 1);
	else
		sqlite3_bind_double(db->ins, (int)col + 1, v);
}

void ap_svc_db_text(struct ap_svc_db *db, size_t col, const char *s, size_t len)
{
	if (!s)
		sqlite3_bind_null(db->ins, (int)col + 1);
	else
		sqlite3_bind_text(db->ins, (int)col + 1, s,
				  len == SIZE_MAX ? -1 : (int)len, SQLITE_TRANSIENT);
}

int ap_svc_db_row(struct ap_svc_db *db, struct ap_err *err)
{
	AP_FORWARD_IF_ERROR(ap_svc_db__step(db, db->ins, err));
	db->rows++;
	return 0;
}


static int translate_row(struct ap_svc_db *db, const char *key, const char *en, const char *zh,
			 struct ap_err *err)
{
	ap_svc_db__bind_text(db->ins_translate, 1, key);
	ap_svc_db__bind_text(db->ins_translate, 2, en);
	ap_svc_db__bind_text(db->ins_translate, 3, zh);
	return ap_svc_db__step(db, db->ins_translate, err);
}

/* exporters/utils.py create_view_with_renamed_column: every column of the table, renamed
 * ones as "col" AS "new" */
static int rename_view(struct ap_svc_db *db, const struct table_views *tv, struct ap_err *err)
{
	struct ap_strbuf *sb = &db->sql;

	ap_strbuf_reset(sb);
	ap_strbuf_addf(sb, "CREATE VIEW %s AS\n    SELECT ", tv->view);
	for (size_t i = 0; i < db->ncols; i++) {
		const char *to = NULL;

		for (const char *const *p = tv->renames; *p; p += 2)
			if (!strcmp(p[0], db->cols[i].name)) {
				to = p[1];
				break;
			}
		if (i)
			ap_strbuf_addstr(sb, ", ");
		add_quoted(sb, db->cols[i].name);
		if (to) {
			ap_strbuf_addstr(sb, " AS ");
			add_quoted(sb, to);
		}
	}
	ap_strbuf_addf(sb, "\n    FROM %s", tv->table);
	AP_RETURN_ERROR_IF(sb->failed, err, AP_ENOMEM, "out of memory");
	return ap_svc_db__exec(db, sb->buf, err);
}

int ap_svc_db_table_end(struct ap_svc_db *db, struct ap_err *err)
{
	const struct table_views *tv = find_views(db->table);

	sqlite3_finalize(db->ins);
	db->ins = NULL;
	if (!db->rows) /* add_table_into_visual_db: nothing for an empty DataFrame */
		return ap_svc_db__exec(db, "ROLLBACK", err);
	if (tv && tv->view) { /* add_record_to_data_table */
		ap_svc_db__bind_text(db->ins_data_table, 1, tv->view);
		ap_svc_db__bind_text(db->ins_data_table, 2, tv->view);
		AP_FORWARD_IF_ERROR(ap_svc_db__step(db, db->ins_data_table, err));
		AP_FORWARD_IF_ERROR(translate_row(db, tv->view, tv->en, tv->zh, err));
	}
	for (size_t i = 0; tv && i < tv->n_curves; i++) { /* create_views_with_sqls */
		AP_FORWARD_IF_ERROR(ap_svc_db__exec(db, tv->curves[i].sql, err));
		AP_FORWARD_IF_ERROR(translate_row(db, tv->curves[i].name, tv->curves[i].en,
						  tv->curves[i].zh, err));
	}
	if (tv && tv->view)
		AP_FORWARD_IF_ERROR(rename_view(db, tv, err));
	return ap_svc_db__exec(db, "COMMIT", err);
}

/* ---- the whole file ------------------------------------------------------------------------ */

static const char *const meta_names[] = {
	[AP_SVC_EV_THREAD_SORT] = "thread_sort_index", [AP_SVC_EV_PROC_SORT] = "process_sort_index",
	[AP_SVC_EV_PROC_NAME] = "process_name", [AP_SVC_EV_PROC_LABELS] = "process_labels",
};

/* The trace event list (ap/svc_trace.h) as the DB conversion reads it, one event at a time:
 * pids as text, args as json.dumps(ensure_ascii=True) rendered only when asked for, the M
 * events' arguments. */
struct tev_ctx {
	const struct ap_svc_trace *t;
	struct ap_strbuf args;
	char pid[AP_FMT_MAX];
};

static char tev_ph(void *ctx, size_t i)
{
	return ((struct tev_ctx *)ctx)->t->ev[i].ph;
}

static int tev_fill(void *ctx, size_t i, int with_args, struct ap_svc_db_tev *d)
{
	struct tev_ctx *c = ctx;
	const struct ap_svc_trace_ev *e = &c->t->ev[i];

	d->ph = e->ph;
	d->name = e->name;
	d->tid = e->lane;
	d->ts = e->ts;
	d->dur = NAN;
	if (e->pid_str) {
		d->pid = e->pid_str;
	} else {
		ap_fmt_i64(c->pid, e->pid);
		d->pid = c->pid;
	}
	switch (e->kind) {
	case AP_SVC_EV_SLICE:
	case AP_SVC_EV_NPU:
	case AP_SVC_EV_KV:
	case AP_SVC_EV_QUEUE:
		if (e->kind == AP_SVC_EV_SLICE)
			d->dur = e->dur;
		if (with_args) {
			ap_strbuf_reset(&c->args);
			ap_svc_trace_args_json(&c->args, c->t, e, 1);
			if (c->args.failed)
				return AP_ENOMEM;
			d->args = c->args.buf;
		}
		break;
	case AP_SVC_EV_FLOW: /* an 'X' flow has no dur: not a slice upstream either */
		d->id = d->cat = e->id;
		break;
	case AP_SVC_EV_THREAD_SORT:
	case AP_SVC_EV_PROC_SORT:
		d->m_sort = e->ival;
		d->has_sort = 1;
		d->name = meta_names[e->kind];
		break;
	default: /* process name and labels */
		d->m_str = e->sval;
		d->name = meta_names[e->kind];
		break;
	}
	return 0;
}

static int write_trace_tables(struct ap_svc_db *db, const struct ap_svc_trace *t,
			      struct ap_err *err)
{
	struct tev_ctx c = { .t = t, .args = AP_STRBUF_INIT };
	struct ap_svc_db_tev_src src = { 0, &c, tev_ph, tev_fill };
	int r;

	if (!t || !t->n_ev)
		return ap_svc_db_write_trace(db, NULL, 0, err);
	src.n = t->n_ev;
	r = ap_svc_db_write_trace_src(db, &src, err);
	ap_strbuf_release(&c.args);
	return r;
}

int ap_svc_write_db(const struct ap_svc *s, const struct ap_svc_derived *d,
		    const struct ap_svc_trace *t, const char *dir, struct ap_err *err)
{
	struct ap_svc_db *db;
	int r;

	AP_FORWARD_IF_ERROR(ap_svc_db_open(&db, dir, err));
	/* the order of analyze's exporters: trace, req_status, req_data, batch_data,
	 * kvcache_data, latency, forward_data */
	if ((r = write_trace_tables(db, t, err)) < 0 ||
	    (s && (r = ap_svc__db_request_status(db, s, err)) < 0) ||
	    (s && (r = ap_svc__db_request(db, s, d, err)) < 0) ||
	    (s && (r = ap_svc__db_batch(db, s, err)) < 0) ||
	    (s && (r = ap_svc__db_batch_exec(db, s, d, err)) < 0) ||
	    (s && (r = ap_svc__db_kvcache(db, s, err)) < 0) ||
	    (r = ap_svc__db_latency(db, d, err)) < 0 ||
	    (s && (r = ap_svc__db_forward(db, s, err)) < 0)) {
		ap_svc_db_free(db);
		return r;
	}
	return ap_svc_db_commit(db, err);
}
