/*
 * json_check.c — `json-check FILE...`: is every file one JSON text? For tests/golden/run_golden.sh,
 * which runs it on every *.json output of every golden case (CONVENTIONS §9).
 *
 * Each file is parsed whole by jansson (json_load_file): one value and nothing after it but
 * white space (no JSON_DISABLE_EOF_CHECK), in strict UTF-8. Duplicate object keys are accepted
 * (no JSON_REJECT_DUPLICATES: RFC 8259 allows them). Three flags keep valid JSON from failing on
 * jansson's own limits: JSON_DECODE_ANY (a scalar is a JSON text too), JSON_ALLOW_NUL ("\u0000"
 * is a valid string) and JSON_DECODE_INT_AS_REAL (integers beyond int64, e.g. a u64 id, are
 * valid JSON; jansson would say "too big integer").
 *
 * USAGE  json-check FILE...
 * EXIT   0 every file parses; 1 one or more do not (one line each on stderr:
 *        "FILE: line L col C (byte B): message", or "FILE: message" when it cannot be read);
 *        2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

static int check(const char *path)
{
	json_error_t e;
	json_t *root;
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: not a regular file\n", path);
		return -1;
	}
	root = json_load_file(path, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &e);
	if (!root) {
		if (e.line < 0) /* not a parse error: the file could not be opened or read */
			fprintf(stderr, "%s: %s\n", path, e.text);
		else
			fprintf(stderr, "%s: line %d col %d (byte %d): %s\n", path, e.line, e.column,
				e.position, e.text);
		return -1;
	}
	json_decref(root);
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout, "usage: json-check FILE...\n");
		return argc < 2 ? 2 : 0;
	}
	for (i = 1; i < argc; i++)
		if (check(argv[i]) < 0)
			bad = 1;
	return bad;
}
