/* Sequential reading of a large input file through a window buffer (CONVENTIONS §5: large
 * sequential reads). Nothing is mapped: a file that shrinks while it is read (a collector
 * still writing it) reads as a shorter file, never as a SIGBUS, and resident memory stays at
 * the window's size whatever the file's. */
#ifndef AP_WINDOW_H
#define AP_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "ap/err.h"

struct ap_window {
	int fd;
	uint8_t *buf;    /* bytes [off, off + len) of the file */
	size_t len, cap;
	uint64_t off;    /* file offset of buf[0] */
	uint64_t size;   /* file size when opened: reading stops there */
	int eof;         /* no more bytes will come: the end of the file (or of size) was read */
	const char *path; /* borrowed from the caller of ap_window_open, for messages */
};

/* An unopened window without a buffer. */
void ap_window_init(struct ap_window *w);
/* Opens path, a regular file (a FIFO or device is refused without blocking), with an empty
 * window of up to cap bytes (less for a smaller file). w is initialised, or holds the buffer
 * kept by ap_window_close_file, which is reused (no fresh pages to fault in for each file of
 * a directory). path is borrowed until the file is closed. Returns 0, or AP_ENOTFOUND /
 * AP_EIO / AP_ENOMEM with err set and the file closed. */
int ap_window_open(struct ap_window *w, const char *path, size_t cap, struct ap_err *err);
/* Drops the first `consume` bytes of the window (consume <= w->len), then reads until the
 * window holds at least `need` bytes or the file ends, growing the buffer when need > cap
 * (need is first limited to what the file has left). Reads fill the whole buffer where the
 * file allows, so calls are few. Afterwards w->len < need means the file ended. Returns 0, or
 * AP_EIO / AP_ENOMEM with err naming the file. */
int ap_window_fill(struct ap_window *w, size_t consume, size_t need, struct ap_err *err);
/* Closes the file and keeps the buffer for the next ap_window_open on w. */
void ap_window_close_file(struct ap_window *w);
/* Closes the file and frees the buffer; accepts an initialised window, one whose open failed
 * and one closed already. */
void ap_window_close(struct ap_window *w);

#endif
