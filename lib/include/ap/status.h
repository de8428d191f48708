/* ascprof status codes, from one X-macro list (CONVENTIONS §4). */
#ifndef AP_STATUS_H
#define AP_STATUS_H

#define AP_STATUS_LIST(X)                                                      \
	X(AP_OK, 0, "success")                                                 \
	X(AP_END, 1, "end of data")                                            \
	X(AP_ENOMEM, -1, "out of memory")                                      \
	X(AP_EIO, -2, "input/output error")                                    \
	X(AP_EFORMAT, -3, "malformed input")                                   \
	X(AP_EUNSUPPORTED, -4, "unsupported layout or version")                \
	X(AP_ENOTFOUND, -5, "not found")                                       \
	X(AP_EINVAL, -6, "invalid argument")                                   \
	X(AP_EINTERNAL, -7, "internal error")

enum ap_status {
#define AP_STATUS_ENUM(name, value, text) name = value,
	AP_STATUS_LIST(AP_STATUS_ENUM)
#undef AP_STATUS_ENUM
};

/* Returns the static description of a status code ("unknown status" for others). */
const char *ap_status_str(int status);

#endif
