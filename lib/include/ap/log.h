/* The only way lib/ reports anything (CONVENTIONS §7). Level and sink are set once in main,
 * before any thread starts, and are read-only afterwards. */
#ifndef AP_LOG_H
#define AP_LOG_H

#include <stdio.h>

enum ap_log_level { AP_LOG_ERROR = 0, AP_LOG_WARN = 1, AP_LOG_INFO = 2, AP_LOG_DEBUG = 3 };

void ap_log_setup(enum ap_log_level level, FILE *sink, const char *prog);
int ap_log_enabled(enum ap_log_level level);
/* Writes one line "prog: [ctx: ]message" when level is enabled. ctx may be NULL. */
void ap_log(enum ap_log_level level, const char *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
