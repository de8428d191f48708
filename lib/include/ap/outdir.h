/* An output directory built under a temporary name beside its final place and swapped in
 * whole (CONVENTIONS §8). A directory is replaced only when ascprof wrote it (it holds the
 * marker file AP_OUTDIR_MARKER) or when forced. */
#ifndef AP_OUTDIR_H
#define AP_OUTDIR_H

#include "ap/err.h"

#define AP_OUTDIR_MARKER ".ascprof-output"
#define AP_OUTDIR_TMP_PREFIX ".ascprof-"

struct ap_outdir {
	char *final; /* parent/name */
	char *tmp;   /* parent/.ascprof-name.XXXXXX, where files are written */
	int lock_fd; /* tmp, open and flock'ed while it is built; -1 when none (valid while tmp) */
};

/* Checks that parent/name may be (re)placed and creates the temporary directory (and
 * parent, with its missing ancestors), locked and holding the marker. First removes from
 * parent the temporary directories of killed runs: those holding the marker whose lock can
 * be taken (CONVENTIONS §8); a concurrent run's stays. Returns 0, AP_EINVAL when
 * parent/name exists and was written by another tool (and !force), or AP_EIO. */
int ap_outdir_begin(struct ap_outdir *od, const char *parent, const char *name, int force,
		    struct ap_err *err);
/* Moves the directory into place (exchanging it with an older one, which is then removed),
 * unlocks it and releases od. Returns 0 or AP_EIO (od aborted). */
int ap_outdir_commit(struct ap_outdir *od, struct ap_err *err);
/* Rewrites every path inside od's temporary directory that err's message names into the
 * path it would have had once committed (a NAME.tmp file of CONVENTIONS §7 becomes NAME), so
 * that messages name final paths only. Call it before ap_outdir_abort. */
void ap_outdir_err_final(const struct ap_outdir *od, struct ap_err *err);
/* Removes the temporary directory and releases od; accepts a zeroed od. */
void ap_outdir_abort(struct ap_outdir *od);
/* 1 when dir holds the marker file (ascprof wrote it), else 0. */
int ap_outdir_is_ours(const char *dir);
/* Writes the marker file into dir. Returns 0 or AP_EIO. */
int ap_outdir_mark(const char *dir, struct ap_err *err);
/* mkdir -p. Returns 0 or AP_EIO. */
int ap_mkdirs(const char *path, struct ap_err *err);
/* Copies a regular file to dst atomically (dst.tmp + rename). Returns 0 or AP_EIO. */
int ap_file_copy(const char *src, const char *dst, struct ap_err *err);

#endif
