/* Loading one ms_service_*.db file (specs/ms_service_profiler.md §1.2, §1.3, §2.2). */
#ifndef AP_SVC_LOAD_H
#define AP_SVC_LOAD_H

#include "ap/err.h"
#include "ap/svc.h"

/* Reads the database at path (opened through ap_sqlite_in: the dump is left as found) into f,
 * which ap_svc_file_init prepared and which holds nothing yet: path, prof_id (the file name
 * without ".db"), gen (§1.2 detection rule), meta (dict order, last value per name) and rows
 * in mark_id order with name, domain, pid, tid, start/end ns and the parsed attributes.
 * Per-row trouble goes to f->diag as counted warnings naming the file and the row id (the row
 * is kept): malformed JSON (attrs {}, AP_SVC_ROW_BAD_JSON), invalid UTF-8 ("N/A"), NULL
 * timestamps, pid or tid (value 0 and an AP_SVC_ROW_NULL_* flag).
 * Returns 0, or a negative status with err set, the message naming path (f then keeps what it
 * read, to be released by the caller; f->err is not touched):
 *  AP_ENOTFOUND / AP_EIO / AP_EFORMAT from opening (unreadable, locked, not a database);
 *  AP_EFORMAT when the Meta or slice/Mstx table cannot be read, a row's message is NULL, or a
 *    message key (flattened as pandas json_normalize does) equals a column of the parser's
 *    table (upstream then fails the whole file);
 *  AP_ENOMEM. */
int ap_svc_load_file(struct ap_svc_file *f, const char *path, struct ap_err *err);

#endif
