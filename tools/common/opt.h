/* One option table per tool generates parsing, the usage line and --help (CONVENTIONS §7). */
#ifndef AP_TOOLS_OPT_H
#define AP_TOOLS_OPT_H

#include <stdio.h>

enum ap_opt_type {
	AP_OPT_FLAG,   /* int: set to 1 */
	AP_OPT_COUNT,  /* int: incremented per use */
	AP_OPT_INT,    /* int: a value >= 1 */
	AP_OPT_STRING, /* const char *: the argument */
};

struct ap_opt {
	char short_name;       /* 0 when none */
	const char *long_name;
	enum ap_opt_type type;
	void *dest;
	const char *arg_name;  /* for INT and STRING */
	const char *help;
};

struct ap_tool {
	const char *name;      /* "ascprof-analyse" */
	const char *operands;  /* "DIR..." */
	const char *summary;   /* one line */
	const struct ap_opt *opts;
	size_t nopts;
	const char *epilog;    /* extra help text, may be NULL */
};

enum { AP_EXIT_OK = 0, AP_EXIT_FAIL = 1, AP_EXIT_USAGE = 2 };

/* Parses argv against the table; operands are collected in order into *operands (argv is
 * reused). Returns -1 on a usage error (message and usage printed to stderr), 1 when --help
 * or --version was handled (printed to stdout), 0 otherwise. */
int ap_opt_parse(const struct ap_tool *t, int argc, char **argv, char ***operands, int *noperands);
void ap_opt_usage(const struct ap_tool *t, FILE *out);
void ap_opt_help(const struct ap_tool *t, FILE *out);
/* Flushes and checks stdout and stderr; returns code, or 1 if a stream failed. */
int ap_tool_finish(const char *prog, int code);

#endif
