/* The trace tables of profiler.db (specs/ms_service_profiler.md §3.8 "Trace tables";
 * utils/trace_to_db.py and exporters/exporter_trace.py save_trace_data_into_db): process and
 * thread from the M events and the (pid, lane) pairs of the others, then slice, counter and
 * flow rows. Upstream numbers the lane tracks in Python set order; here they follow the first
 * appearance of each pair in the event list. */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/strtab.h"
#include "ap/svc_db.h"
#include "w_svc_db_local.h"
#include "../base/banned.h"

/* TRACE_TABLE_DEFINITIONS, text as upstream (sqlite_master keeps it) */
static const char *const trace_ddl[] = {
	"CREATE TABLE process \n"
	"        (pid TEXT PRIMARY KEY, process_name TEXT, label TEXT, process_sort_index INTEGER)",
	"CREATE TABLE thread \n"
	"        (track_id INTEGER PRIMARY KEY, tid TEXT, pid TEXT, thread_name TEXT, "
	"thread_sort_index INTEGER)",
	"CREATE TABLE slice \n"
	"        (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER, duration INTEGER, "
	"name TEXT, depth INTEGER, \n"
	"        track_id INTEGER, cat TEXT, args TEXT, cname TEXT, end_time INTEGER, flag_id TEXT)",
	"CREATE TABLE counter \n"
	"        (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, pid TEXT,timestamp INTEGER, "
	"cat TEXT, args TEXT)",
	"CREATE TABLE flow \n"
	"        (id INTEGER PRIMARY KEY AUTOINCREMENT, flow_id TEXT, name TEXT, cat TEXT, "
	"track_id INTEGER, \n"
	"        timestamp INTEGER, type TEXT)",
};

enum {
	ST_PROC_NAME, ST_PROC_LABEL, ST_PROC_SORT, ST_THREAD_NAME, ST_THREAD_FIND,
	ST_THREAD_SORT, ST_THREAD_NEW, ST_LANE_PROC, ST_LANE_THREAD, ST_SLICE, ST_COUNTER,
	ST_FLOW, ST_COUNT
};

/* the statements of trace_to_db.py (ON CONFLICT upserts), semantics kept */
static const char *const trace_sql[ST_COUNT] = {
	[ST_PROC_NAME] = "INSERT INTO process (pid, process_name) VALUES (?, ?) ON CONFLICT (pid) "
			 "DO UPDATE SET process_name = excluded.process_name",
	[ST_PROC_LABEL] = "INSERT INTO process (pid, label) VALUES (?, ?) ON CONFLICT (pid) "
			  "DO UPDATE SET label = excluded.label",
	[ST_PROC_SORT] = "INSERT INTO process (pid, process_sort_index) VALUES (?, ?) "
			 "ON CONFLICT (pid) "
			 "DO UPDATE SET process_sort_index = excluded.process_sort_index",
	[ST_THREAD_NAME] = "INSERT INTO thread (track_id, tid, pid, thread_name) VALUES (?, ?, ?, ?) "
			   "ON CONFLICT (track_id) DO UPDATE SET tid = excluded.tid, "
			   "pid = excluded.pid, thread_name = excluded.thread_name",
	[ST_THREAD_FIND] = "SELECT track_id FROM thread WHERE pid = ? AND tid = ?",
	[ST_THREAD_SORT] = "INSERT INTO thread (track_id, thread_sort_index) VALUES (?, ?) "
			   "ON CONFLICT (track_id) "
			   "DO UPDATE SET thread_sort_index = excluded.thread_sort_index",
	/* upstream: a plain INSERT (a second thread_sort_index of one pair would fail) */
	[ST_THREAD_NEW] = "INSERT INTO thread (track_id, thread_sort_index) VALUES (?, ?) "
			  "ON CONFLICT (track_id) "
			  "DO UPDATE SET thread_sort_index = excluded.thread_sort_index",
	[ST_LANE_PROC] = "INSERT INTO process (pid, process_name) VALUES (?, ?) ON CONFLICT (pid) "
			 "DO UPDATE SET process_name = CASE WHEN process_name IS NULL OR "
			 "process_name = '' THEN EXCLUDED.process_name ELSE process_name END",
	[ST_LANE_THREAD] = "INSERT INTO thread (track_id, tid, pid, thread_name, thread_sort_index) "
			   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (track_id) DO UPDATE SET "
			   "tid = CASE WHEN tid IS NULL OR tid = '' OR tid = 'None' "
			   "THEN EXCLUDED.tid ELSE tid END, "
			   "pid = CASE WHEN pid IS NULL OR pid = '' THEN EXCLUDED.pid ELSE pid END, "
			   "thread_name = CASE WHEN thread_name IS NULL OR thread_name = '' OR "
			   "thread_name = 'None' THEN EXCLUDED.thread_name ELSE thread_name END, "
			   "thread_sort_index = CASE WHEN thread_sort_index IS NULL OR "
			   "thread_sort_index = 0 THEN EXCLUDED.thread_sort_index "
			   "ELSE thread_sort_index END",
	[ST_SLICE] = "INSERT INTO slice (timestamp, duration, name, track_id, cat, args, cname, "
		     "end_time, flag_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_COUNTER] = "INSERT INTO counter (name, pid, timestamp, cat, args) VALUES (?, ?, ?, ?, ?)",
	[ST_FLOW] = "INSERT INTO flow (flow_id, name, track_id, timestamp, cat, type) "
		    "VALUES (?, ?, ?, ?, ?, ?)",
};

int ap_svc_db_us_to_ns(double us, int64_t *ns)
{
	char buf[AP_FMT_MAX];
	const char *p = buf;
	uint64_t mant = 0, lim;
	int neg = 0, frac = 0, infrac = 0, e = 0, eneg = 0;

	if (!isfinite(us))
		return -1;
	ap_fmt_double(buf, us); /* repr(float): digits[.digits][e±dd] */
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p && *p != 'e'; p++) {
		if (*p == '.') {
			infrac = 1;
			continue;
		}
		mant = mant * 10 + (uint64_t)(*p - '0'); /* at most 17 significant digits */
		frac += infrac;
	}
	if (*p == 'e') {
		p++;
		if (*p == '-' || *p == '+')
			eneg = *p++ == '-';
		for (; *p; p++)
			e = e * 10 + (*p - '0');
		if (eneg)
			e = -e;
	}
	e += 3 - frac; /* value * 1000 = mant * 10^e */
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; e > 0 && mant; e--) {
		if (mant > lim / 10)
			return -1;
		mant *= 10;
	}
	for (; e < 0 && mant; e++)
		mant /= 10; /* int(): toward zero */
	if (mant > lim)
		return -1;
	*ns = neg ? (int64_t)(0 - mant) : (int64_t)mant;
	return 0;
}

struct trace_state {
	struct ap_svc_db *db;
	sqlite3_stmt *st[ST_COUNT];
	struct ap_strtab keys;  /* "pid\0lane" -> id */
	struct ap_strbuf key;
	int64_t *track;         /* key id -> track id (0: none) */
	int64_t *sort;          /* key id -> first thread_sort_index's sort index */
	uint8_t *flags;         /* key id -> FL_* */
	uint32_t cap;
	int64_t next_track;
};

enum { FL_SORT = 1, FL_LANE = 2 }; /* sort set from an M event; lane rows written */

static const char *lane_of(const struct ap_svc_db_tev *e)
{
	return e->ph == 'C' ? e->name : e->tid;
}

/* Interns (pid, lane) (NULL pid or lane interned as "None", as the dict key None would be
 * distinct from it, but neither ever reaches a slice). Returns the key id or 0 (no memory). */
static uint32_t key_id(struct trace_state *ts, const char *pid, const char *lane)
{
	uint32_t id;

	ap_strbuf_reset(&ts->key);
	ap_strbuf_addstr(&ts->key, pid ? pid : "\x01None");
	ap_strbuf_addch(&ts->key, '\0');
	ap_strbuf_addstr(&ts->key, lane ? lane : "\x01None");
	if (ts->key.failed)
		return 0;
	id = ap_strtab_intern(&ts->keys, ts->key.buf, ts->key.len, NULL);
	if (id && id >= ts->cap) {
		uint32_t cap = ts->cap ? ts->cap * 2 : 64;
		void *a, *b, *c;

		while (cap <= id)
			cap *= 2;
		a = realloc(ts->track, cap * sizeof(*ts->track));
		if (a)
			ts->track = a;
		b = realloc(ts->sort, cap * sizeof(*ts->sort));
		if (b)
			ts->sort = b;
		c = realloc(ts->flags, cap);
		if (c)
			ts->flags = c;
		if (!a || !b || !c)
			return 0;
		memset(ts->track + ts->cap, 0, (cap - ts->cap) * sizeof(*ts->track));
		memset(ts->sort + ts->cap, 0, (cap - ts->cap) * sizeof(*ts->sort));
		memset(ts->flags + ts->cap, 0, cap - ts->cap);
		ts->cap = cap;
	}
	return id;
}

/* TrackIdManager.get_track_id */
static int64_t track_of(struct trace_state *ts, uint32_t id)
{
	if (!ts->track[id])
		ts->track[id] = ts->next_track++;
	return ts->track[id];
}

static void bind_i64_or_null(sqlite3_stmt *st, int i, int has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* trans_trace_meta_event; unknown M names are ignored (upstream logs a warning) */
static int meta_event(struct trace_state *ts, const struct ap_svc_db_tev *e, struct ap_err *err)
{
	struct ap_svc_db *db = ts->db;
	sqlite3_stmt *st;
	uint32_t id;

	if (!e->name)
		return 0;
	if (!strcmp(e->name, "process_name") || !strcmp(e->name, "process_labels")) {
		st = ts->st[e->name[8] == 'n' ? ST_PROC_NAME : ST_PROC_LABEL];
		ap_svc_db__bind_text(st, 1, e->pid);
		ap_svc_db__bind_text(st, 2, e->m_str);
		return ap_svc_db__step(db, st, err);
	}
	if (!strcmp(e->name, "process_sort_index")) {
		st = ts->st[ST_PROC_SORT];
		ap_svc_db__bind_text(st, 1, e->pid);
		bind_i64_or_null(st, 2, e->has_sort, e->m_sort);
		return ap_svc_db__step(db, st, err);
	}
	if (strcmp(e->name, "thread_name") && strcmp(e->name, "thread_sort_index"))
		return 0;
	id = key_id(ts, e->pid, e->tid);
	AP_RETURN_ERROR_IF(!id, err, AP_ENOMEM, "out of memory");
	if (e->name[7] == 'n') { /* thread_name */
		st = ts->st[ST_THREAD_NAME];
		sqlite3_bind_int64(st, 1, track_of(ts, id));
		ap_svc_db__bind_text(st, 2, e->tid);
		ap_svc_db__bind_text(st, 3, e->pid);
		ap_svc_db__bind_text(st, 4, e->m_str);
		return ap_svc_db__step(db, st, err);
	}
	/* thread_sort_index: the first one of a pair is what lane rows take (_find_thread_sort_index) */
	if (!(ts->flags[id] & FL_SORT)) {
		ts->flags[id] |= FL_SORT;
		ts->sort[id] = e->has_sort ? e->m_sort : 0;
	}
	st = ts->st[ST_THREAD_FIND];
	ap_svc_db__bind_text(st, 1, e->pid);
	ap_svc_db__bind_text(st, 2, e->tid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t track = sqlite3_column_int64(st, 0);

		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		st = ts->st[ST_THREAD_SORT];
		sqlite3_bind_int64(st, 1, track);
	} else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		st = ts->st[ST_THREAD_NEW];
		sqlite3_bind_int64(st, 1, track_of(ts, id));
	}
	bind_i64_or_null(st, 2, e->has_sort, e->m_sort);
	return ap_svc_db__step(db, st, err);
}

/* write_to_process_thread_table for one new (pid, lane) */
static int lane_rows(struct trace_state *ts, const struct ap_svc_db_tev *e, uint32_t id,
		     struct ap_err *err)
{
	sqlite3_stmt *st = ts->st[ST_LANE_PROC];
	const char *lane = lane_of(e);

	ap_svc_db__bind_text(st, 1, e->pid);
	ap_svc_db__bind_text(st, 2, e->pid);
	AP_FORWARD_IF_ERROR(ap_svc_db__step(ts->db, st, err));
	st = ts->st[ST_LANE_THREAD];
	sqlite3_bind_int64(st, 1, track_of(ts, id));
	ap_svc_db__bind_text(st, 2, lane);
	ap_svc_db__bind_text(st, 3, e->pid);
	ap_svc_db__bind_text(st, 4, lane);
	sqlite3_bind_int64(st, 5, ts->flags[id] & FL_SORT ? ts->sort[id] : 0);
	return ap_svc_db__step(ts->db, st, err);
}

static int event_row(struct trace_state *ts, const struct ap_svc_db_tev *e, char kind,
		     struct ap_err *err)
{
	sqlite3_stmt *st;
	int64_t t_ns, d_ns, track = 0;
	uint32_t id = 0;

	if (kind != 'C') {
		if (!e->pid || !e->tid)
			return 0; /* no track: dropped */
		id = key_id(ts, e->pid, e->tid);
		AP_RETURN_ERROR_IF(!id, err, AP_ENOMEM, "out of memory");
		track = ts->track[id];
		if (!track)
			return 0;
	}
	if (isnan(e->ts) || ap_svc_db_us_to_ns(e->ts, &t_ns))
		return 0; /* upstream: no ts, or a conversion error: skipped */
	if (kind == 'X') {
		if (isnan(e->dur) || ap_svc_db_us_to_ns(e->dur, &d_ns))
			return 0;
		st = ts->st[ST_SLICE];
		sqlite3_bind_int64(st, 1, t_ns);
		sqlite3_bind_int64(st, 2, d_ns);
		ap_svc_db__bind_text(st, 3, e->name);
		sqlite3_bind_int64(st, 4, track);
		ap_svc_db__bind_text(st, 5, e->cat);
		ap_svc_db__bind_text(st, 6, e->args);
		sqlite3_bind_int64(st, 8, t_ns + d_ns);
	} else if (kind == 'C') {
		if (!t_ns)
			return 0;
		st = ts->st[ST_COUNTER];
		ap_svc_db__bind_text(st, 1, e->name);
		ap_svc_db__bind_text(st, 2, e->pid);
		sqlite3_bind_int64(st, 3, t_ns);
		ap_svc_db__bind_text(st, 4, e->cat);
		ap_svc_db__bind_text(st, 5, e->args);
	} else {
		char ph[2] = { e->ph, 0 };

		st = ts->st[ST_FLOW];
		ap_svc_db__bind_text(st, 1, e->id);
		ap_svc_db__bind_text(st, 2, e->name);
		sqlite3_bind_int64(st, 3, track);
		sqlite3_bind_int64(st, 4, t_ns);
		ap_svc_db__bind_text(st, 5, e->cat);
		sqlite3_bind_text(st, 6, ph, 1, SQLITE_TRANSIENT);
	}
	return ap_svc_db__step(ts->db, st, err);
}

static char kind_of(char ph)
{
	switch (ph) {
	case 'X': case 'I': return 'X';
	case 'C': return 'C';
	case 's': case 't': case 'f': return 'F';
	case 'M': return 'M';
	default: return 0;
	}
}

static int get(const struct ap_svc_db_tev_src *src, size_t i, int with_args,
	       struct ap_svc_db_tev *e, struct ap_err *err)
{
	memset(e, 0, sizeof(*e));
	if (src->fill(src->ctx, i, with_args, e) < 0)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	return 0;
}

static int write_trace(struct trace_state *ts, const struct ap_svc_db_tev_src *src,
		       struct ap_err *err)
{
	struct ap_svc_db *db = ts->db;
	static const char kinds[] = { 'X', 'C', 'F' };
	struct ap_svc_db_tev ev;
	size_t n = src->n;

	AP_FORWARD_IF_ERROR(ap_svc_db__exec(db, "BEGIN", err));
	for (size_t i = 0; i < sizeof(trace_ddl) / sizeof(trace_ddl[0]); i++)
		AP_FORWARD_IF_ERROR(ap_svc_db__exec(db, trace_ddl[i], err));
	for (int i = 0; i < ST_COUNT; i++)
		AP_FORWARD_IF_ERROR(ap_svc_db__prepare(db, trace_sql[i], &ts->st[i], err));
	/* _build_track_id_mapping_smart: the M events, then the (pid, lane) pairs */
	for (size_t i = 0; i < n; i++) {
		if (src->ph(src->ctx, i) != 'M')
			continue;
		AP_FORWARD_IF_ERROR(get(src, i, 0, &ev, err));
		AP_FORWARD_IF_ERROR(meta_event(ts, &ev, err));
	}
	for (size_t i = 0; i < n; i++) {
		const struct ap_svc_db_tev *e = &ev;
		uint32_t id;

		if (src->ph(src->ctx, i) == 'M')
			continue;
		AP_FORWARD_IF_ERROR(get(src, i, 0, &ev, err));
		if (!e->pid || !lane_of(e))
			continue;
		id = key_id(ts, e->pid, lane_of(e));
		AP_RETURN_ERROR_IF(!id, err, AP_ENOMEM, "out of memory");
		if (ts->flags[id] & FL_LANE)
			continue;
		ts->flags[id] |= FL_LANE;
		AP_FORWARD_IF_ERROR(lane_rows(ts, e, id, err));
	}
	AP_FORWARD_IF_ERROR(ap_svc_db__exec(db, "COMMIT", err));
	/* slice, counter, flow: one transaction each, rows in event order */
	for (size_t k = 0; k < sizeof(kinds); k++) {
		AP_FORWARD_IF_ERROR(ap_svc_db__exec(db, "BEGIN", err));
		for (size_t i = 0; i < n; i++) {
			if (kind_of(src->ph(src->ctx, i)) != kinds[k])
				continue;
			AP_FORWARD_IF_ERROR(get(src, i, kinds[k] != 'F', &ev, err));
			AP_FORWARD_IF_ERROR(event_row(ts, &ev, kinds[k], err));
		}
		AP_FORWARD_IF_ERROR(ap_svc_db__exec(db, "COMMIT", err));
	}
	return 0;
}

int ap_svc_db_write_trace_src(struct ap_svc_db *db, const struct ap_svc_db_tev_src *src,
			      struct ap_err *err)
{
	struct trace_state ts;
	int r;

	memset(&ts, 0, sizeof(ts));
	ts.db = db;
	ts.next_track = 1;
	ap_strbuf_init(&ts.key);
	if (ap_strtab_init(&ts.keys) < 0)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	r = write_trace(&ts, src, err);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(ts.st[i]);
	ap_strtab_release(&ts.keys);
	ap_strbuf_release(&ts.key);
	free(ts.track);
	free(ts.sort);
	free(ts.flags);
	return r;
}

static char array_ph(void *ctx, size_t i)
{
	return ((const struct ap_svc_db_tev *)ctx)[i].ph;
}

static int array_fill(void *ctx, size_t i, int with_args, struct ap_svc_db_tev *e)
{
	*e = ((const struct ap_svc_db_tev *)ctx)[i];
	if (!with_args)
		e->args = NULL;
	return 0;
}

int ap_svc_db_write_trace(struct ap_svc_db *db, const struct ap_svc_db_tev *ev, size_t n,
			  struct ap_err *err)
{
	struct ap_svc_db_tev_src src = { n, (void *)(uintptr_t)ev, array_ph, array_fill };

	return ap_svc_db_write_trace_src(db, &src, err);
}
