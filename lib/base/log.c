#include <stdarg.h>
#include <stdio.h>

#include "ap/log.h"
#include "ap/strbuf.h"
#include "banned.h"

/* Set once in main before any thread starts; read-only afterwards (CONVENTIONS §10). */
static enum ap_log_level log_level = AP_LOG_WARN;
static FILE *log_sink;
static const char *log_prog = "ascprof";

void ap_log_setup(enum ap_log_level level, FILE *sink, const char *prog)
{
	log_level = level;
	log_sink = sink;
	if (prog)
		log_prog = prog;
}

int ap_log_enabled(enum ap_log_level level)
{
	return level <= log_level;
}

void ap_log(enum ap_log_level level, const char *ctx, const char *fmt, ...)
{
	struct ap_strbuf line = AP_STRBUF_INIT;
	FILE *out = log_sink ? log_sink : stderr;
	va_list ap;

	if (!ap_log_enabled(level))
		return;
	ap_strbuf_addf(&line, "%s: ", log_prog);
	if (level == AP_LOG_WARN)
		ap_strbuf_addstr(&line, "warning: ");
	if (ctx)
		ap_strbuf_addf(&line, "%s: ", ctx);
	va_start(ap, fmt);
	ap_strbuf_vaddf(&line, fmt, ap);
	va_end(ap);
	ap_strbuf_addch(&line, '\n');
	/* One write per line so lines of concurrent ranks never interleave. */
	fwrite(line.buf, 1, line.len, out);
	ap_strbuf_release(&line);
}
