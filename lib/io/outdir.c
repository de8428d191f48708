#define _GNU_SOURCE /* renameat2 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/file.h"
#include "ap/outdir.h"
#include "../base/banned.h"

int ap_mkdirs(const char *path, struct ap_err *err)
{
	char *p = strdup(path), *s;
	int ret = 0;

	if (!p)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	for (s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST) {
				ret = ap_err_set(err, AP_EIO, "cannot create directory '%s': %s", p,
						 strerror(errno));
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	if (ret == 0 && ap_path_is_dir(path) != 1)
		ret = ap_err_set(err, AP_EIO, "'%s' is not a directory", path);
	free(p);
	return ret;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int ap_outdir_is_ours(const char *dir)
{
	char *m = ap_path_join(dir, AP_OUTDIR_MARKER);
	int r = m && ap_path_exists(m);

	free(m);
	return r;
}

int ap_outdir_mark(const char *dir, struct ap_err *err)
{
	char *marker = ap_path_join(dir, AP_OUTDIR_MARKER);
	int fd;

	if (!marker)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || close(fd) < 0) {
		ap_err_set(err, AP_EIO, "cannot write '%s': %s", marker, strerror(errno));
		free(marker);
		return AP_EIO;
	}
	free(marker);
	return 0;
}

/* A name mkdtemp gave from AP_OUTDIR_TMP_PREFIX "<name>.XXXXXX". */
static int is_tmp_name(const char *s)
{
	size_t n = strlen(s), k, lp = strlen(AP_OUTDIR_TMP_PREFIX);

	if (strncmp(s, AP_OUTDIR_TMP_PREFIX, lp) || n < lp + 8 || s[n - 7] != '.')
		return 0;
	for (k = n - 6; k < n; k++)
		if (!isalnum((unsigned char)s[k]))
			return 0;
	return 1;
}

/* Removes the temporary directories in parent that runs killed before their commit left
 * behind (CONVENTIONS §8). A run holds an exclusive flock on its temporary directory from
 * before it writes the marker there until the directory has been moved into place or
 * removed, so one that holds the marker and whose lock can be taken has no owner left; one
 * being built by a concurrent run (in this process or another) cannot be locked, and one
 * without the marker is not provably ascprof's. flock locks belong to an open file
 * description, so they also keep apart the threads of one process. Where directories cannot
 * be locked at all (NFS refuses an exclusive flock on a directory), nothing is removed. */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	struct stat st, at;
	int fd;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *path;

		if (!is_tmp_name(e->d_name))
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstatat(fd, AP_OUTDIR_MARKER, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && fstat(fd, &st) == 0 &&
		    fstatat(dirfd(d), e->d_name, &at, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_dev == at.st_dev && st.st_ino == at.st_ino &&
		    (path = ap_path_join(parent, e->d_name))) {
			remove_tree(path);
			free(path);
		}
		close(fd);
	}
	closedir(d);
}

/* Closes the temporary directory's lock (accepts none). */
static void unlock_tmp(struct ap_outdir *od)
{
	if (od->lock_fd >= 0)
		close(od->lock_fd);
	od->lock_fd = -1;
}

int ap_outdir_begin(struct ap_outdir *od, const char *parent, const char *name, int force,
		    struct ap_err *err)
{
	char tmpl[64];
	int ret;

	od->final = od->tmp = NULL;
	od->lock_fd = -1;
	AP_FORWARD_IF_ERROR(ap_mkdirs(parent, err));
	od->final = ap_path_join(parent, name);
	snprintf(tmpl, sizeof(tmpl), AP_OUTDIR_TMP_PREFIX "%.40s.XXXXXX", name);
	od->tmp = ap_path_join(parent, tmpl);
	if (!od->final || !od->tmp) {
		ap_outdir_abort(od);
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	}
	if (ap_path_exists(od->final) && !force && !ap_outdir_is_ours(od->final)) {
		ap_err_set(err, AP_EINVAL,
			   "'%s' was not written by ascprof and is left alone; write elsewhere with -o DIR, or replace it with --force",
			   od->final);
		ap_outdir_abort(od);
		return AP_EINVAL;
	}
	remove_stale(parent);
	if (!mkdtemp(od->tmp)) {
		ap_err_set(err, AP_EIO, "cannot create a directory in '%s': %s", parent,
			   strerror(errno));
		free(od->tmp);
		od->tmp = NULL;
		ap_outdir_abort(od);
		return AP_EIO;
	}
	chmod(od->tmp, 0755);
	/* Locked before the marker is written, for the life of the directory (remove_stale).
	 * Blocking: a later run's remove_stale holds it only for a moment. A filesystem
	 * without locks has no remove_stale either, so the run goes on without one. */
	od->lock_fd = open(od->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (od->lock_fd >= 0 && flock(od->lock_fd, LOCK_EX) < 0)
		unlock_tmp(od);
	ret = ap_outdir_mark(od->tmp, err);
	if (ret < 0) {
		ap_outdir_err_final(od, err);
		ap_outdir_abort(od);
	}
	return ret;
}

int ap_outdir_commit(struct ap_outdir *od, struct ap_err *err)
{
	int ret;

	/* The marker is there since ap_outdir_begin. */
	if (ap_path_exists(od->final)) {
		/* Swap atomically, then remove the old tree (now at the temporary name). */
		if (renameat2(AT_FDCWD, od->tmp, AT_FDCWD, od->final, RENAME_EXCHANGE) == 0) {
			remove_tree(od->tmp);
			goto done;
		}
		if (errno != EINVAL && errno != ENOSYS) {
			ret = ap_err_set(err, AP_EIO, "cannot replace '%s': %s", od->final,
					 strerror(errno));
			goto fail;
		}
		/* No exchange on this filesystem: move the old one aside first. */
		{
			char *old = ap_path_join(od->tmp, "old");

			if (!old || rename(od->final, old) < 0) {
				ret = ap_err_set(err, AP_EIO, "cannot replace '%s': %s", od->final,
						 strerror(errno));
				free(old);
				goto fail;
			}
			free(old);
		}
		if (rename(od->tmp, od->final) < 0) {
			char *old = ap_path_join(od->tmp, "old");

			ret = ap_err_set(err, AP_EIO, "cannot replace '%s': %s", od->final,
					 strerror(errno));
			/* put the previous output back before the temporary tree goes */
			if (old)
				rename(old, od->final);
			free(old);
			goto fail;
		}
		{
			char *old = ap_path_join(od->final, "old");

			if (old)
				remove_tree(old);
			free(old);
		}
		goto done;
	}
	if (rename(od->tmp, od->final) < 0) {
		ret = ap_err_set(err, AP_EIO, "cannot create '%s': %s", od->final, strerror(errno));
		goto fail;
	}
done:
	unlock_tmp(od);
	free(od->tmp);
	free(od->final);
	od->tmp = od->final = NULL;
	return 0;
fail:
	ap_outdir_abort(od);
	return ret;
}

void ap_outdir_err_final(const struct ap_outdir *od, struct ap_err *err)
{
	struct ap_strbuf sb = AP_STRBUF_INIT, swap;
	const char *p, *hit;
	size_t n;

	if (!od || !od->tmp || !od->final || !err || !strstr(err->msg.buf, od->tmp))
		return;
	n = strlen(od->tmp);
	for (p = err->msg.buf; (hit = strstr(p, od->tmp)); ) {
		const char *rest = hit + n;
		size_t len = strcspn(rest, "'");

		ap_strbuf_add(&sb, p, (size_t)(hit - p));
		ap_strbuf_addstr(&sb, od->final);
		/* NAME.tmp is written and renamed to NAME (CONVENTIONS §7): name NAME */
		if (len >= 4 && !memcmp(rest + len - 4, ".tmp", 4))
			ap_strbuf_add(&sb, rest, len - 4);
		else
			ap_strbuf_add(&sb, rest, len);
		p = rest + len;
	}
	ap_strbuf_addstr(&sb, p);
	if (sb.failed) {
		ap_strbuf_release(&sb);
		return;
	}
	swap = err->msg;
	err->msg = sb;
	ap_strbuf_release(&swap);
}

void ap_outdir_abort(struct ap_outdir *od)
{
	if (!od)
		return;
	if (od->tmp && ap_path_exists(od->tmp))
		remove_tree(od->tmp);
	if (od->tmp)
		unlock_tmp(od);
	free(od->tmp);
	free(od->final);
	od->tmp = od->final = NULL;
}

int ap_file_copy(const char *src, const char *dst, struct ap_err *err)
{
	struct ap_strbuf sb = AP_STRBUF_INIT, tmp = AP_STRBUF_INIT;
	int fd = -1, ret;

	ret = ap_file_read_all(src, (size_t)1 << 30, &sb, err);
	if (ret < 0)
		goto out;
	ap_strbuf_addf(&tmp, "%s.tmp", dst);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = ap_err_set(err, AP_EIO, "cannot write '%s': %s", dst, strerror(errno));
		goto out;
	}
	if (write(fd, sb.buf, sb.len) != (ssize_t)sb.len) {
		ret = ap_err_set(err, AP_EIO, "cannot write '%s': %s", dst, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp.buf, dst) < 0) {
		ret = ap_err_set(err, AP_EIO, "cannot write '%s': %s", dst, strerror(errno));
		unlink(tmp.buf);
	}
out:
	ap_strbuf_release(&sb);
	ap_strbuf_release(&tmp);
	return ret;
}
