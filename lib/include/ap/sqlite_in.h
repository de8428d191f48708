/* SQLite input databases opened without changing the dump (CONVENTIONS §6; service dumps:
 * specs/ms_service_profiler.md §1.1). Nothing is ever created beside the input: no -shm, no
 * -wal, no -journal. */
#ifndef AP_SQLITE_IN_H
#define AP_SQLITE_IN_H

#include "ap/err.h"

struct sqlite3;

struct ap_sqlite_in {
	struct sqlite3 *db; /* the open connection, NULL when closed */
	char *path;         /* the input as given (owned), for messages */
	/* Private directory holding a copy of the database and its side file (a -wal with
	 * un-checkpointed data or a hot -journal), which SQLite applies or rolls back there;
	 * NULL when the input is opened in place with immutable=1. Removed by close. */
	char *tmpdir;
};

/* Sets every field to NULL (a released value). */
void ap_sqlite_in_init(struct ap_sqlite_in *in);

/* Opens the database at path for reading. When neither "<path>-wal" nor "<path>-journal"
 * exists, it is opened in place as the URI file:<path>?immutable=1 (read-only, no locks, no
 * side files). Otherwise the database and its side files are copied into a private directory
 * made with mkdtemp under $TMPDIR (or /tmp) and the copy is opened read-write so that SQLite
 * applies the WAL or rolls the journal back. The busy timeout is 0. The schema is read once,
 * so a file that is not a database fails here.
 * Returns 0, or with err set (the message names path): AP_ENOTFOUND (no such file), AP_EIO
 * (unreadable, not a regular file, a side file that cannot be copied, "database is locked"),
 * AP_EFORMAT (not a database, truncated or corrupt), AP_ENOMEM. On error in is released. */
int ap_sqlite_in_open(struct ap_sqlite_in *in, const char *path, struct ap_err *err);

/* Closes the connection and removes the private copy; accepts NULL and a closed value. */
void ap_sqlite_in_close(struct ap_sqlite_in *in);

/* Sets err from the SQLite result rc of an operation on in's connection (what says which, e.g.
 * "reading table slice") and returns the status: AP_EFORMAT for a database that is not one,
 * corrupt or has an unexpected schema, AP_EIO for I/O errors and locks, AP_ENOMEM. The message
 * names the file: "'<path>': <what>: <sqlite message>". */
int ap_sqlite_in_fail(const struct ap_sqlite_in *in, int rc, const char *what, struct ap_err *err);

#endif
