/* profiler.db of a service dump (specs/ms_service_profiler.md §3.8, DB parts of §3.1-§3.3, §3.9).
 *
 * The file is built as DIR/profiler.db.tmp (journal in memory, no syncs, one transaction per
 * table, prepared statements reused) and renamed to DIR/profiler.db, mode 0640, on commit.
 * Layout as `msserviceprofiler analyze --format db` writes it: the Insight tables data_table and
 * translate, the trace tables (fixed DDL), then one pandas-style table per exporter table
 * (CREATE TABLE "t" (\n"c" TYPE,\n  ...\n)) created only when it gets rows, with the rename
 * view, curve views and data_table/translate rows upstream adds for that table.
 *
 * Deviations chosen for ascprof (issue 11 item 4): missing values are NULL (never the strings
 * 'None'/'nan'); track ids are numbered in order of first appearance; rows keep the caller's
 * (deterministic) order. */
#ifndef AP_SVC_DB_H
#define AP_SVC_DB_H

#include <stddef.h>
#include <stdint.h>

#include "ap/err.h"
#include "ap/svc.h"

/* Declared by ap/svc_an.h and ap/svc_trace.h. */
struct ap_svc_derived;
struct ap_svc_trace;

/* Writes DIR/profiler.db for a service dump. s, d and t are read only; s, d and t may be NULL
 * (their tables are then left out; the trace tables are still created, empty). Returns 0, or
 * AP_EIO / AP_ENOMEM / AP_EINTERNAL with err set (no profiler.db and no temp file left). */
int ap_svc_write_db(const struct ap_svc *s, const struct ap_svc_derived *d,
		    const struct ap_svc_trace *t, const char *dir, struct ap_err *err);

/* ---- the building blocks (for the table producers and tests) ---------------------------- */

struct ap_svc_db; /* an open profiler.db.tmp */

/* SQLite declared types pandas to_sql gives a column: object -> TEXT, float64 -> REAL,
 * int64 -> INTEGER. */
enum ap_svc_db_type {
	AP_SVC_DB_TEXT,
	AP_SVC_DB_REAL,
	AP_SVC_DB_INTEGER,
};

struct ap_svc_db_col {
	const char *name;
	enum ap_svc_db_type type;
};

/* Creates DIR/profiler.db.tmp (replacing a stale one) with data_table and translate. *out is
 * owned by the caller: ap_svc_db_commit or ap_svc_db_free. Returns 0 or AP_EIO/AP_ENOMEM. */
int ap_svc_db_open(struct ap_svc_db **out, const char *dir, struct ap_err *err);
/* Finishes the file, renames it to DIR/profiler.db (mode 0640) and frees db, also on error
 * (then the temp file is removed). Returns 0 or AP_EIO. */
int ap_svc_db_commit(struct ap_svc_db *db, struct ap_err *err);
/* Abandons the file: closes, removes the temp file, frees db. Accepts NULL. */
void ap_svc_db_free(struct ap_svc_db *db);

/* Starts table `name` with ncols columns (cols borrowed until ap_svc_db_table_end): opens its
 * transaction, creates it and prepares the insert. Returns 0 or AP_EIO. */
int ap_svc_db_table_begin(struct ap_svc_db *db, const char *name,
			  const struct ap_svc_db_col *cols, size_t ncols, struct ap_err *err);
/* Binds column col (0-based) of the next row. NULL strings and NaN reals bind NULL; a string
 * is bound with its byte length len (SIZE_MAX: up to its NUL). Unbound columns are NULL. */
void ap_svc_db_null(struct ap_svc_db *db, size_t col);
void ap_svc_db_i64(struct ap_svc_db *db, size_t col, int64_t v);
void ap_svc_db_real(struct ap_svc_db *db, size_t col, double v);
void ap_svc_db_text(struct ap_svc_db *db, size_t col, const char *s, size_t len);
/* Inserts the bound row and clears the bindings. Returns 0 or AP_EIO. */
int ap_svc_db_row(struct ap_svc_db *db, struct ap_err *err);
/* Ends the table: without rows it is dropped (as upstream skips an empty DataFrame); with rows
 * the views, data_table and translate rows upstream adds for this table name are created, and
 * the transaction is committed. Returns 0 or AP_EIO. */
int ap_svc_db_table_end(struct ap_svc_db *db, struct ap_err *err);

/* ---- trace tables (§3.8 "Trace tables") ---------------------------------------------------- */

/* One chrome-trace event as the DB conversion reads it. Strings NULL = absent. */
struct ap_svc_db_tev {
	char ph;              /* 'M', 'X', 'I', 'C', 's', 't', 'f'; others are ignored */
	const char *name;
	const char *cat;
	const char *pid;      /* str() of the event's pid (ints in decimal) */
	const char *tid;      /* str() of its tid */
	const char *id;       /* flow id (s/t/f) */
	double ts, dur;       /* µs as the trace holds them; NaN = absent */
	const char *args;     /* json.dumps(args) (ensure_ascii) for X/I/C; NULL = None */
	/* M events: args.name (process_name, thread_name), args.labels (process_labels) */
	const char *m_str;
	/* M events: args.sort_index (process_sort_index, thread_sort_index); has_sort = present */
	int64_t m_sort;
	int has_sort;
};

/* Creates process, thread, slice, counter and flow and fills them from ev[0..n) (§3.8): first
 * the M events, then one thread per (pid, lane) in order of first appearance, then slices,
 * counters and flows in event order. Returns 0 or AP_EIO/AP_ENOMEM. */
int ap_svc_db_write_trace(struct ap_svc_db *db, const struct ap_svc_db_tev *ev, size_t n,
			  struct ap_err *err);

/* The same events produced on demand, so that a big trace need not be held as a second list
 * with every args text rendered: ph(ctx, i) is event i's ph; fill(ctx, i, with_args, e) fills
 * *e with event i (args only when with_args, else NULL); the strings it points to stay valid
 * until the next call. fill returns 0 or AP_ENOMEM. */
struct ap_svc_db_tev_src {
	size_t n;
	void *ctx;
	char (*ph)(void *ctx, size_t i);
	int (*fill)(void *ctx, size_t i, int with_args, struct ap_svc_db_tev *e);
};

/* ap_svc_db_write_trace over a source: the same rows. */
int ap_svc_db_write_trace_src(struct ap_svc_db *db, const struct ap_svc_db_tev_src *src,
			      struct ap_err *err);

/* int(Decimal(repr(us)) * 1000): the ns value of the printed µs value, exactly (truncated
 * toward zero). Returns 0 and sets *ns, or -1 for a non-finite us or one out of int64 range. */
int ap_svc_db_us_to_ns(double us, int64_t *ns);

#endif
