#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"
#include "version.h"

static void print_opt_name(const struct ap_opt *o, FILE *out)
{
	if (o->short_name && o->long_name)
		fprintf(out, "-%c, --%s", o->short_name, o->long_name);
	else if (o->short_name)
		fprintf(out, "-%c", o->short_name);
	else
		fprintf(out, "    --%s", o->long_name);
}

void ap_opt_usage(const struct ap_tool *t, FILE *out)
{
	size_t i;

	fprintf(out, "usage: %s", t->name);
	for (i = 0; i < t->nopts; i++) {
		const struct ap_opt *o = &t->opts[i];

		fputs(" [", out);
		if (o->short_name)
			fprintf(out, "-%c", o->short_name);
		else
			fprintf(out, "--%s", o->long_name);
		if (o->type == AP_OPT_INT || o->type == AP_OPT_STRING)
			fprintf(out, " %s", o->arg_name);
		fputs("]", out);
	}
	fprintf(out, " %s\n", t->operands);
}

void ap_opt_help(const struct ap_tool *t, FILE *out)
{
	size_t i;

	ap_opt_usage(t, out);
	fprintf(out, "\n%s\n\noptions:\n", t->summary);
	for (i = 0; i < t->nopts; i++) {
		const struct ap_opt *o = &t->opts[i];
		int w = 0;

		fputs("  ", out);
		print_opt_name(o, out);
		w = o->short_name && o->long_name ? 6 + (int)strlen(o->long_name)
			: o->short_name ? 2 : 6 + (int)strlen(o->long_name);
		if (o->type == AP_OPT_INT || o->type == AP_OPT_STRING) {
			fprintf(out, " %s", o->arg_name);
			w += 1 + (int)strlen(o->arg_name);
		}
		fprintf(out, "%*s%s\n", w < 24 ? 24 - w : 2, "", o->help);
	}
	fprintf(out, "  %-24s%s\n", "-h, --help", "print this help and exit");
	fprintf(out, "  %-24s%s\n", "    --version", "print the version and exit");
	if (t->epilog)
		fprintf(out, "\n%s", t->epilog);
}

static const struct ap_opt *find_long(const struct ap_tool *t, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < t->nopts; i++)
		if (t->opts[i].long_name && strlen(t->opts[i].long_name) == len &&
		    !strncmp(t->opts[i].long_name, name, len))
			return &t->opts[i];
	return NULL;
}

static const struct ap_opt *find_short(const struct ap_tool *t, char c)
{
	size_t i;

	for (i = 0; i < t->nopts; i++)
		if (t->opts[i].short_name == c)
			return &t->opts[i];
	return NULL;
}

/* Prints "<tool>: <what> '<arg>'[ <tail>]" and the usage; returns -1. */
static int usage_error(const struct ap_tool *t, const char *what, const char *arg,
		       const char *tail)
{
	fprintf(stderr, "%s: %s '%s'%s%s\n", t->name, what, arg, tail ? " " : "", tail ? tail : "");
	ap_opt_usage(t, stderr);
	return -1;
}

static int store(const struct ap_tool *t, const struct ap_opt *o, const char *val)
{
	switch (o->type) {
	case AP_OPT_FLAG:
		*(int *)o->dest = 1;
		return 0;
	case AP_OPT_COUNT:
		(*(int *)o->dest)++;
		return 0;
	case AP_OPT_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(val, &end, 10);
		if (end == val || *end || (errno && errno != ERANGE))
			return usage_error(t, "invalid number", val, NULL);
		/* strtol saturates at LONG_MIN/MAX with ERANGE: out of range either way */
		if (errno == ERANGE || v < 1 || v > INT_MAX) {
			char tail[48];

			snprintf(tail, sizeof(tail), "(from 1 to %d)", INT_MAX);
			return usage_error(t, "number out of range", val, tail);
		}
		*(int *)o->dest = (int)v;
		return 0;
	}
	case AP_OPT_STRING:
		*(const char **)o->dest = val;
		return 0;
	}
	return -1;
}

int ap_opt_parse(const struct ap_tool *t, int argc, char **argv, char ***operands, int *noperands)
{
	int i, n = 0, only_operands = 0;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct ap_opt *o;

		if (only_operands || a[0] != '-' || !a[1]) {
			argv[n++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_operands = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			ap_opt_help(t, stdout);
			return 1;
		}
		if (!strcmp(a, "--version")) {
			printf("%s %s\n", t->name, AP_VERSION);
			return 1;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			o = find_long(t, a + 2, len);
			if (!o)
				return usage_error(t, "unknown option", a, NULL);
			if (o->type == AP_OPT_INT || o->type == AP_OPT_STRING) {
				const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);

				if (!val)
					return usage_error(t, "option", a, "needs a value");
				if (store(t, o, val) < 0)
					return -1;
			} else if (eq) {
				return usage_error(t, "option", a, "takes no value");
			} else if (store(t, o, NULL) < 0) {
				return -1;
			}
			continue;
		}
		for (a++; *a; a++) {
			o = find_short(t, *a);
			if (!o) {
				char s[3] = { '-', *a, 0 };

				return usage_error(t, "unknown option", s, NULL);
			}
			if (o->type == AP_OPT_INT || o->type == AP_OPT_STRING) {
				const char *val = a[1] ? a + 1 : (i + 1 < argc ? argv[++i] : NULL);
				char s[3] = { '-', *a, 0 };

				if (!val)
					return usage_error(t, "option", s, "needs a value");
				if (store(t, o, val) < 0)
					return -1;
				break;
			}
			if (store(t, o, NULL) < 0)
				return -1;
		}
	}
	*operands = argv;
	*noperands = n;
	return 0;
}

int ap_tool_finish(const char *prog, int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write to standard output: %s\n", prog, strerror(errno));
		code = AP_EXIT_FAIL;
	}
	if (fflush(stderr) != 0 || ferror(stderr))
		code = AP_EXIT_FAIL;
	return code;
}
