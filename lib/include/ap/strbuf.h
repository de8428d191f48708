/* Growable, always NUL-terminated byte buffer (git strbuf). */
#ifndef AP_STRBUF_H
#define AP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct ap_strbuf {
	char *buf;    /* never NULL: points at a static "" until the first growth */
	size_t len;
	size_t alloc;
	int failed;   /* sticky: set when a growth failed; later appends are no-ops */
};

#define AP_STRBUF_INIT { (char *)ap_strbuf__empty, 0, 0, 0 }
extern const char ap_strbuf__empty[1];

void ap_strbuf_init(struct ap_strbuf *sb);
/* Frees the buffer and re-initialises; accepts NULL. */
void ap_strbuf_release(struct ap_strbuf *sb);
/* Makes room for extra more bytes; returns 0 or AP_ENOMEM (and sets failed). */
int ap_strbuf_grow(struct ap_strbuf *sb, size_t extra);
void ap_strbuf_reset(struct ap_strbuf *sb);
void ap_strbuf_add(struct ap_strbuf *sb, const void *data, size_t len);
void ap_strbuf_addstr(struct ap_strbuf *sb, const char *s);
void ap_strbuf_addch(struct ap_strbuf *sb, char c);
void ap_strbuf_addf(struct ap_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ap_strbuf_vaddf(struct ap_strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Inserts data at the front (used to prepend error context). */
void ap_strbuf_prepend(struct ap_strbuf *sb, const char *s);

#endif
