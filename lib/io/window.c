#define _DEFAULT_SOURCE /* posix_fadvise */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/file.h"
#include "ap/window.h"
#include "../base/banned.h"

#define MIN_CAP 4096

void ap_window_init(struct ap_window *w)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}

/* No file, an empty window; the buffer is kept. */
static void reset(struct ap_window *w)
{
	w->fd = -1;
	w->len = 0;
	w->off = w->size = 0;
	w->eof = 0;
	w->path = NULL;
}

int ap_window_open(struct ap_window *w, const char *path, size_t cap, struct ap_err *err)
{
	struct stat st;

	reset(w);
	w->fd = ap_file_open_regular(path, &st, err);
	if (w->fd < 0) {
		int ret = w->fd;

		w->fd = -1;
		return ret;
	}
	w->path = path;
	w->size = (uint64_t)st.st_size;
	if ((uint64_t)cap > w->size)
		cap = (size_t)w->size;
	if (cap < MIN_CAP)
		cap = MIN_CAP;
	if (w->cap < cap) {
		free(w->buf);
		w->cap = 0;
		w->buf = malloc(cap);
		if (!w->buf) {
			ap_window_close_file(w);
			return ap_err_set(err, AP_ENOMEM, "out of memory reading '%s'", path);
		}
		w->cap = cap;
	}
	w->eof = w->size == 0;
	posix_fadvise(w->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

int ap_window_fill(struct ap_window *w, size_t consume, size_t need, struct ap_err *err)
{
	uint64_t left;

	if (consume) {
		memmove(w->buf, w->buf + consume, w->len - consume);
		w->len -= consume;
		w->off += consume;
	}
	left = w->size - w->off; /* what the file may still hold from the window's start */
	if ((uint64_t)need > left)
		need = (size_t)left;
	if (need > w->cap) {
		uint8_t *nb = realloc(w->buf, need);

		if (!nb)
			return ap_err_set(err, AP_ENOMEM,
					  "out of memory reading '%s' (a record of %zu bytes)", w->path,
					  need);
		w->buf = nb;
		w->cap = need;
	}
	while (!w->eof && w->len < need) {
		size_t want = w->cap - w->len;
		uint64_t file_left = w->size - (w->off + w->len);
		ssize_t r;

		if ((uint64_t)want > file_left)
			want = (size_t)file_left;
		r = read(w->fd, w->buf + w->len, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ap_err_set(err, AP_EIO, "cannot read '%s' at offset %llu: %s", w->path,
					  (unsigned long long)(w->off + w->len), strerror(errno));
		w->len += (size_t)r;
		if (r == 0 || w->off + w->len == w->size)
			w->eof = 1;
	}
	return 0;
}

void ap_window_close_file(struct ap_window *w)
{
	if (w->fd >= 0)
		close(w->fd);
	reset(w);
}

void ap_window_close(struct ap_window *w)
{
	if (!w)
		return;
	ap_window_close_file(w);
	free(w->buf);
	ap_window_init(w);
}
