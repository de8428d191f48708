/* Error detail carried up the call chain (CONVENTIONS §4). */
#ifndef AP_ERR_H
#define AP_ERR_H

#include "ap/status.h"
#include "ap/strbuf.h"

struct ap_err {
	enum ap_status code;
	struct ap_strbuf msg;
};

#define AP_ERR_INIT { AP_OK, AP_STRBUF_INIT }

void ap_err_init(struct ap_err *err);
void ap_err_release(struct ap_err *err);
/* Sets code and a formatted message; returns code (a negative status). err may be NULL. */
int ap_err_set(struct ap_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepends "context: " to the message already in err. */
void ap_err_prefix(struct ap_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Moves src's code and message into dst (whose own are released); src is left empty. */
void ap_err_move(struct ap_err *dst, struct ap_err *src);
/* Text for messages: the message, or the status description when empty. */
const char *ap_err_text(const struct ap_err *err);

/* Set the error and return it when cond holds. Use in functions returning int. */
#define AP_RETURN_ERROR_IF(cond, err, code, ...)                               \
	do {                                                                   \
		if (cond)                                                      \
			return ap_err_set((err), (code), __VA_ARGS__);         \
	} while (0)

/* Propagate a negative result of expr. */
#define AP_FORWARD_IF_ERROR(expr)                                              \
	do {                                                                   \
		int ap__r = (expr);                                            \
		if (ap__r < 0)                                                 \
			return ap__r;                                          \
	} while (0)

#endif
