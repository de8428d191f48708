/* Shared between the files of the profiler.db writer (w_svc_db*.c); not public. */
#ifndef AP_W_SVC_DB_LOCAL_H
#define AP_W_SVC_DB_LOCAL_H

#include <sqlite3.h>
#include <stddef.h>

#include "ap/err.h"
#include "ap/strbuf.h"
#include "ap/svc_db.h"

struct ap_svc_db {
	sqlite3 *h;
	char *path, *tmp;              /* DIR/profiler.db and DIR/profiler.db.tmp */
	struct ap_strbuf sql;          /* statement text being built */
	sqlite3_stmt *ins_data_table, *ins_translate;
	/* the table between ap_svc_db_table_begin and _end */
	sqlite3_stmt *ins;
	const char *table;
	const struct ap_svc_db_col *cols;
	size_t ncols, rows;
};

/* Sets err (AP_EIO) naming the temp file, what failed and SQLite's message; returns AP_EIO. */
int ap_svc_db__fail(struct ap_svc_db *db, struct ap_err *err, const char *what);
/* sqlite3_exec of sql; 0 or AP_EIO. */
int ap_svc_db__exec(struct ap_svc_db *db, const char *sql, struct ap_err *err);
/* sqlite3_prepare_v2 into *st; 0 or AP_EIO. */
int ap_svc_db__prepare(struct ap_svc_db *db, const char *sql, sqlite3_stmt **st,
		       struct ap_err *err);
/* Steps st once, then resets it and clears its bindings; 0 or AP_EIO. */
int ap_svc_db__step(struct ap_svc_db *db, sqlite3_stmt *st, struct ap_err *err);
/* Binds s (borrowed until the step) or NULL to parameter i (1-based). */
void ap_svc_db__bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
