#include <stdarg.h>

#include "ap/err.h"
#include "banned.h"

void ap_err_init(struct ap_err *err)
{
	err->code = AP_OK;
	ap_strbuf_init(&err->msg);
}

void ap_err_release(struct ap_err *err)
{
	if (!err)
		return;
	ap_strbuf_release(&err->msg);
	err->code = AP_OK;
}

void ap_err_move(struct ap_err *dst, struct ap_err *src)
{
	ap_err_release(dst);
	*dst = *src;
	ap_err_init(src);
}

int ap_err_set(struct ap_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = (enum ap_status)code;
	ap_strbuf_reset(&err->msg);
	va_start(ap, fmt);
	ap_strbuf_vaddf(&err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void ap_err_prefix(struct ap_err *err, const char *fmt, ...)
{
	struct ap_strbuf pre = AP_STRBUF_INIT;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	ap_strbuf_vaddf(&pre, fmt, ap);
	va_end(ap);
	ap_strbuf_addstr(&pre, ": ");
	ap_strbuf_prepend(&err->msg, pre.buf);
	ap_strbuf_release(&pre);
}

const char *ap_err_text(const struct ap_err *err)
{
	return err->msg.len ? err->msg.buf : ap_status_str(err->code);
}
