/* Reading input files: whole reads of small side files, paths and directory listings (large
 * binaries are read through ap/window.h). */
#ifndef AP_FILE_H
#define AP_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ap/err.h"
#include "ap/strbuf.h"
#include "ap/strlist.h"

/* Opens path read-only when it is a regular file, filling *st; O_NONBLOCK, so that opening a
 * FIFO or device found in a dump does not block the run. Returns the fd (the caller closes
 * it), or AP_ENOTFOUND / AP_EIO with err naming path. */
int ap_file_open_regular(const char *path, struct stat *st, struct ap_err *err);
/* Reads a whole (small) file into sb, refusing files larger than max. */
int ap_file_read_all(const char *path, size_t max, struct ap_strbuf *sb, struct ap_err *err);
/* Returns 1 if path is a directory, 0 if not, -1 if it does not exist. */
int ap_path_is_dir(const char *path);
int ap_path_exists(const char *path);
/* The canonical absolute path (realpath), newly allocated; NULL when it cannot be resolved. */
char *ap_path_real(const char *path);
/* "a/b", newly allocated (free it); NULL when out of memory. */
char *ap_path_join(const char *a, const char *b);
/* Adds the names in dir (dot files left out) to out, sorted by byte order. Returns 0,
 * AP_ENOTFOUND or AP_EIO (unreadable), or AP_ENOMEM, with err set (err may be NULL). */
int ap_dir_list(const char *dir, struct ap_strlist *out, struct ap_err *err);

#endif
