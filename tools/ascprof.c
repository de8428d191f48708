/* ascprof: git-style dispatcher: `ascprof VERB ARGS...` runs `ascprof-VERB ARGS...`. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/opt.h"
#include "version.h"

struct verb {
	const char *name;
	const char *alias;
	const char *summary;
};

static const struct verb verbs[] = {
	{ "analyse", "analyze", "analyse raw torch_npu dumps into ASCEND_PROFILER_OUTPUT/" },
};

static void help(FILE *out)
{
	size_t i;

	fputs("usage: ascprof [--help] [--version] COMMAND [ARGS...]\n\n"
	      "Offline analysis of Ascend NPU profiling dumps.\n\ncommands:\n", out);
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %-10s %s%s%s%s\n", verbs[i].name, verbs[i].summary,
			verbs[i].alias ? " (alias: " : "", verbs[i].alias ? verbs[i].alias : "",
			verbs[i].alias ? ")" : "");
	fputs("\n'ascprof COMMAND --help' describes a command; see ascprof(1).\n", out);
}

/* Directory of this executable, to find ascprof-VERB beside it before PATH. */
static int self_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], prog[64];
	const char *verb;
	size_t i;

	if (argc < 2) {
		help(stderr);
		return AP_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		help(stdout);
		return ap_tool_finish("ascprof", AP_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ascprof %s\n", AP_VERSION);
		return ap_tool_finish("ascprof", AP_EXIT_OK);
	}
	verb = argv[1];
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (verbs[i].alias && !strcmp(verb, verbs[i].alias))
			verb = verbs[i].name;
	if (verb[0] == '-' || strchr(verb, '/')) {
		fprintf(stderr, "ascprof: unknown option or command '%s'\n", argv[1]);
		help(stderr);
		return AP_EXIT_USAGE;
	}
	snprintf(prog, sizeof(prog), "ascprof-%s", verb);
	argv[1] = prog;
	if (self_dir(dir, sizeof(dir)) == 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, prog);
		if (access(path, X_OK) == 0)
			execv(path, argv + 1);
	}
	execvp(prog, argv + 1);
	if (errno == ENOENT) {
		fprintf(stderr, "ascprof: '%s' is not an ascprof command (no %s found)\n", verb, prog);
		help(stderr);
		return AP_EXIT_USAGE;
	}
	fprintf(stderr, "ascprof: cannot run %s: %s\n", prog, strerror(errno));
	return AP_EXIT_FAIL;
}
