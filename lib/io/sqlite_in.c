/* SQLite inputs left exactly as found (CONVENTIONS §6): immutable=1 in place, or a private
 * copy when a -wal or hot -journal has to be applied. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/sqlite_in.h"
#include "ap/strbuf.h"
#include "../base/banned.h"

#define COPY_CHUNK ((size_t)1 << 20)
/* Name of the copy inside the private directory; its side files get the same suffixes. */
#define COPY_NAME "input.db"

static const char *const side_suffixes[] = { "-wal", "-journal" };

void ap_sqlite_in_init(struct ap_sqlite_in *in)
{
	in->db = NULL;
	in->path = NULL;
	in->tmpdir = NULL;
}

static void remove_tmpdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct ap_strbuf p = AP_STRBUF_INIT;

	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			ap_strbuf_reset(&p);
			ap_strbuf_addf(&p, "%s/%s", dir, e->d_name);
			if (!p.failed)
				unlink(p.buf);
		}
		closedir(d);
	}
	ap_strbuf_release(&p);
	rmdir(dir);
}

void ap_sqlite_in_close(struct ap_sqlite_in *in)
{
	if (!in)
		return;
	if (in->db)
		sqlite3_close(in->db);
	if (in->tmpdir)
		remove_tmpdir(in->tmpdir);
	free(in->tmpdir);
	free(in->path);
	ap_sqlite_in_init(in);
}

static int status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return AP_ENOMEM;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_READONLY:
	case SQLITE_FULL:
		return AP_EIO;
	default: /* NOTADB, CORRUPT, FORMAT, ERROR (no such table/column), ... */
		return AP_EFORMAT;
	}
}

int ap_sqlite_in_fail(const struct ap_sqlite_in *in, int rc, const char *what, struct ap_err *err)
{
	const char *msg = in->db ? sqlite3_errmsg(in->db) : sqlite3_errstr(rc);
	int code = status_of(rc);

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		msg = "database is locked";
	else if ((rc & 0xff) == SQLITE_NOTADB)
		msg = "not an SQLite database";
	return ap_err_set(err, code, "'%s': %s: %s", in->path ? in->path : "?", what, msg);
}

/* 1 when path exists (any kind), 0 when it does not; AP_EIO with err set otherwise. */
static int side_exists(const char *path, struct ap_err *err)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	return ap_err_set(err, AP_EIO, "'%s': %s", path, strerror(errno));
}

static int copy_file(const char *from, const char *to, struct ap_err *err)
{
	int in = -1, out = -1, ret = 0;
	struct stat st;
	char *buf = NULL;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (in < 0) {
		ret = ap_err_set(err, AP_EIO, "'%s': cannot open: %s", from, strerror(errno));
		goto out;
	}
	if (fstat(in, &st) < 0) {
		ret = ap_err_set(err, AP_EIO, "'%s': %s", from, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = ap_err_set(err, AP_EIO, "'%s': not a regular file", from);
		goto out;
	}
	buf = malloc(COPY_CHUNK);
	if (!buf) {
		ret = ap_err_set(err, AP_ENOMEM, "out of memory copying '%s'", from);
		goto out;
	}
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		ret = ap_err_set(err, AP_EIO, "'%s': cannot create a private copy '%s': %s", from, to,
				 strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, COPY_CHUNK)) != 0) {
		char *p = buf;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = ap_err_set(err, AP_EIO, "'%s': read error: %s", from, strerror(errno));
			goto out;
		}
		while (n > 0) {
			ssize_t w = write(out, p, (size_t)n);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				ret = ap_err_set(err, AP_EIO, "'%s': cannot copy to '%s': %s", from, to,
						 strerror(errno));
				goto out;
			}
			p += w;
			n -= w;
		}
	}
out:
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && ret == 0)
		ret = ap_err_set(err, AP_EIO, "'%s': cannot copy to '%s': %s", from, to, strerror(errno));
	return ret;
}

/* file:<path>?immutable=1 with '%', '?' and '#' percent-encoded; an absolute path gets an
 * empty authority ("file:///..."), so a path starting with "//" is not read as a host. */
static void immutable_uri(struct ap_strbuf *u, const char *path)
{
	const char *p;

	ap_strbuf_addstr(u, path[0] == '/' ? "file://" : "file:");
	for (p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			ap_strbuf_addf(u, "%%%02X", (unsigned char)*p);
		else
			ap_strbuf_addch(u, *p);
	}
	ap_strbuf_addstr(u, "?immutable=1");
}

/* Copies path and its existing side files into a new private directory; sets in->tmpdir and
 * the name of the copy in dst. */
static int make_copy(struct ap_sqlite_in *in, const int *has_side, struct ap_strbuf *dst,
		     struct ap_err *err)
{
	const char *tmp = getenv("TMPDIR");
	struct ap_strbuf from = AP_STRBUF_INIT, to = AP_STRBUF_INIT, dir = AP_STRBUF_INIT;
	size_t i;
	int ret = 0;

	ap_strbuf_addf(&dir, "%s/ascprof-sqlite-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (dir.failed) {
		ret = ap_err_set(err, AP_ENOMEM, "out of memory");
		goto out;
	}
	if (!mkdtemp(dir.buf)) {
		ret = ap_err_set(err, AP_EIO, "'%s': cannot make a private directory '%s': %s",
				 in->path, dir.buf, strerror(errno));
		goto out;
	}
	in->tmpdir = strdup(dir.buf);
	if (!in->tmpdir) {
		remove_tmpdir(dir.buf);
		ret = ap_err_set(err, AP_ENOMEM, "out of memory");
		goto out;
	}
	ap_strbuf_addf(dst, "%s/" COPY_NAME, in->tmpdir);
	ret = copy_file(in->path, dst->buf, err);
	for (i = 0; ret == 0 && i < sizeof(side_suffixes) / sizeof(side_suffixes[0]); i++) {
		if (!has_side[i])
			continue;
		ap_strbuf_reset(&from);
		ap_strbuf_reset(&to);
		ap_strbuf_addf(&from, "%s%s", in->path, side_suffixes[i]);
		ap_strbuf_addf(&to, "%s%s", dst->buf, side_suffixes[i]);
		ret = from.failed || to.failed ? ap_err_set(err, AP_ENOMEM, "out of memory")
					       : copy_file(from.buf, to.buf, err);
	}
	if (ret == 0 && dst->failed)
		ret = ap_err_set(err, AP_ENOMEM, "out of memory");
out:
	ap_strbuf_release(&from);
	ap_strbuf_release(&to);
	ap_strbuf_release(&dir);
	return ret;
}

int ap_sqlite_in_open(struct ap_sqlite_in *in, const char *path, struct ap_err *err)
{
	struct ap_strbuf name = AP_STRBUF_INIT, side = AP_STRBUF_INIT;
	int has_side[2] = { 0, 0 }, any = 0, ret = 0, rc, flags;
	struct stat st;
	size_t i;

	ap_sqlite_in_init(in);
	if (stat(path, &st) < 0)
		return ap_err_set(err, errno == ENOENT ? AP_ENOTFOUND : AP_EIO, "'%s': %s", path,
				  strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ap_err_set(err, AP_EIO, "'%s': not a regular file", path);
	if (access(path, R_OK) < 0)
		return ap_err_set(err, AP_EIO, "'%s': %s", path, strerror(errno));
	in->path = strdup(path);
	if (!in->path)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	for (i = 0; i < 2; i++) {
		ap_strbuf_reset(&side);
		ap_strbuf_addf(&side, "%s%s", path, side_suffixes[i]);
		if (side.failed) {
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
			goto out;
		}
		rc = side_exists(side.buf, err);
		if (rc < 0) {
			ret = rc;
			goto out;
		}
		has_side[i] = rc;
		any |= rc;
	}
	if (any) {
		ret = make_copy(in, has_side, &name, err);
		if (ret < 0)
			goto out;
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	} else {
		immutable_uri(&name, path);
		if (name.failed) {
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
			goto out;
		}
		flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
	}
	rc = sqlite3_open_v2(name.buf, &in->db, flags, NULL);
	if (rc != SQLITE_OK) {
		ret = ap_sqlite_in_fail(in, rc, "cannot open", err);
		goto out;
	}
	sqlite3_busy_timeout(in->db, 0);
	/* Read the schema now (and, on a copy, apply the WAL or roll the journal back). */
	rc = sqlite3_exec(in->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		ret = ap_sqlite_in_fail(in, rc, "cannot read the schema", err);
out:
	ap_strbuf_release(&name);
	ap_strbuf_release(&side);
	if (ret < 0)
		ap_sqlite_in_close(in);
	return ret;
}
