/* Reading input files: read-only mappings for binaries, whole reads for small side files. */
#ifndef AP_FILE_H
#define AP_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "ap/err.h"
#include "ap/strbuf.h"
#include "ap/strlist.h"

struct ap_map {
	const uint8_t *data; /* NULL for an empty file */
	size_t len;
};

/* Maps path read-only. Returns 0, AP_ENOTFOUND (missing) or AP_EIO with err set. */
int ap_file_map(const char *path, struct ap_map *out, struct ap_err *err);
/* Releases a mapping; accepts a zeroed one. */
void ap_file_unmap(struct ap_map *m);
/* Tells the kernel the pages of [0, upto) are no longer needed (keeps RSS flat while
 * streaming through a large mapping). */
void ap_file_map_done(struct ap_map *m, size_t upto);
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
