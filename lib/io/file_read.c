/* realpath */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/file.h"
#include "../base/banned.h"

int ap_file_open_regular(const char *path, struct stat *st, struct ap_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return ap_err_set(err, errno == ENOENT ? AP_ENOTFOUND : AP_EIO, "cannot open '%s': %s",
				  path, strerror(errno));
	if (fstat(fd, st) < 0) {
		int e = errno;

		close(fd);
		return ap_err_set(err, AP_EIO, "cannot read '%s': %s", path, strerror(e));
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return ap_err_set(err, AP_EIO, "cannot read '%s': not a regular file", path);
	}
	return fd;
}

int ap_file_read_all(const char *path, size_t max, struct ap_strbuf *sb, struct ap_err *err)
{
	struct stat st;
	int fd, ret = 0;

	fd = ap_file_open_regular(path, &st, err);
	if (fd < 0)
		return fd;
	if ((uint64_t)st.st_size > max) {
		ret = ap_err_set(err, AP_EFORMAT, "'%s': file of %lld bytes is larger than %zu", path,
				 (long long)st.st_size, max);
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (ap_strbuf_grow(sb, 65536) < 0) {
			ret = ap_err_set(err, AP_ENOMEM, "out of memory reading '%s'", path);
			goto out;
		}
		r = read(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = ap_err_set(err, AP_EIO, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		sb->len += (size_t)r;
		sb->buf[sb->len] = '\0';
		if (sb->len > max) {
			ret = ap_err_set(err, AP_EFORMAT, "'%s': file is larger than %zu", path, max);
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}

int ap_path_is_dir(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}

int ap_path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

char *ap_path_real(const char *path)
{
	return realpath(path, NULL);
}

char *ap_path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

int ap_dir_list(const char *dir, struct ap_strlist *out, struct ap_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return ap_err_set(err, errno == ENOENT ? AP_ENOTFOUND : AP_EIO,
				  "cannot read directory '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (ap_strlist_add(out, de->d_name) < 0) {
			closedir(d);
			return ap_err_set(err, AP_ENOMEM, "out of memory listing '%s'", dir);
		}
	}
	closedir(d);
	ap_strlist_sort(out);
	return 0;
}
