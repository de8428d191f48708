#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/status.h"
#include "ap/strbuf.h"
#include "banned.h"

const char ap_strbuf__empty[1];

void ap_strbuf_init(struct ap_strbuf *sb)
{
	sb->buf = (char *)ap_strbuf__empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->failed = 0;
}

void ap_strbuf_release(struct ap_strbuf *sb)
{
	if (!sb)
		return;
	if (sb->alloc)
		free(sb->buf);
	ap_strbuf_init(sb);
}

int ap_strbuf_grow(struct ap_strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (sb->failed)
		return AP_ENOMEM;
	if (extra > SIZE_MAX - sb->len - 1)
		goto fail;
	need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return 0;
	cap = sb->alloc ? sb->alloc : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(sb->alloc ? sb->buf : NULL, cap);
	if (!p)
		goto fail;
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = cap;
	return 0;
fail:
	sb->failed = 1;
	return AP_ENOMEM;
}

void ap_strbuf_reset(struct ap_strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

void ap_strbuf_add(struct ap_strbuf *sb, const void *data, size_t len)
{
	/* room already there (the common case): no call to grow */
	if ((sb->failed || len >= sb->alloc - sb->len) && ap_strbuf_grow(sb, len) < 0)
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void ap_strbuf_addstr(struct ap_strbuf *sb, const char *s)
{
	ap_strbuf_add(sb, s, strlen(s));
}

void ap_strbuf_addch(struct ap_strbuf *sb, char c)
{
	if ((sb->failed || sb->len + 2 > sb->alloc) && ap_strbuf_grow(sb, 1) < 0)
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void ap_strbuf_vaddf(struct ap_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (ap_strbuf_grow(sb, 64) < 0)
		return;
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= sb->alloc - sb->len) {
		if (ap_strbuf_grow(sb, (size_t)n) < 0)
			return;
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void ap_strbuf_addf(struct ap_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ap_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void ap_strbuf_prepend(struct ap_strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (ap_strbuf_grow(sb, n) < 0)
		return;
	memmove(sb->buf + n, sb->buf, sb->len + 1);
	memcpy(sb->buf, s, n);
	sb->len += n;
}
