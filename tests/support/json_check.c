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
 * A file named trace_view.json or chrome_tracing.json must also be a Chrome trace that viewers
 * (Perfetto, chrome://tracing, MindStudio Insight) accept: an array of events, or an object whose
 * "traceEvents" is one; every event an object with a one-letter string "ph"; every event but a
 * metadata one ("M") with a "ts" that is a number or a string holding a decimal number (torch_npu
 * and msprof write string µs), an integral number "pid" and a "tid" that is an integral number or a
 * string (msserviceprofiler names its threads); and every flow start ("s") has a flow end ("f")
 * of the same "cat" and "id".
 *
 * USAGE  json-check FILE...
 * EXIT   0 every file passes; 1 one or more do not (one line each on stderr:
 *        "FILE: line L col C (byte B): message", "FILE: event N: what is wrong", or "FILE:
 *        message" when it cannot be read); 2 usage.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

static int is_integral(const json_t *v)
{
	double d;

	if (!json_is_number(v))
		return 0;
	d = json_number_value(v);
	return isfinite(d) && d == floor(d);
}

/* a decimal number as text: [-]digits[.digits], what a string "ts" holds */
static int is_decimal_text(const char *s)
{
	const char *p = s + (*s == '-');
	size_t n = strspn(p, "0123456789");

	if (n == 0)
		return 0;
	p += n;
	if (*p == '.') {
		n = strspn(p + 1, "0123456789");
		if (n == 0)
			return 0;
		p += 1 + n;
	}
	return *p == '\0';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "cat\x1fid" of a flow event, malloc'd; the id as its JSON text (string or number) */
static char *flow_key(const json_t *ev)
{
	const json_t *cat = json_object_get(ev, "cat");
	char *id = json_dumps(json_object_get(ev, "id"), JSON_ENCODE_ANY);
	const char *c = json_is_string(cat) ? json_string_value(cat) : "";
	char *key;
	size_t n;

	if (!id)
		return NULL;
	n = strlen(c) + strlen(id) + 2;
	key = malloc(n);
	if (key)
		snprintf(key, n, "%s\x1f%s", c, id);
	free(id);
	return key;
}

/* the Chrome-trace rules of the header; 0 or -1 (reported on stderr) */
static int check_trace(const char *path, const json_t *root)
{
	const json_t *events = json_is_object(root) ? json_object_get(root, "traceEvents") : root;
	char **starts = NULL, **ends = NULL;
	size_t i, n, ns = 0, ne = 0;
	int rc = 0;

	if (!json_is_array(events)) {
		fprintf(stderr, "%s: not an array of trace events\n", path);
		return -1;
	}
	n = json_array_size(events);
	starts = calloc(n ? n : 1, sizeof(*starts));
	ends = calloc(n ? n : 1, sizeof(*ends));
	if (!starts || !ends) {
		fprintf(stderr, "%s: out of memory\n", path);
		rc = -1;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++) {
		const json_t *ev = json_array_get(events, i), *ph, *ts, *tid;
		const char *what = NULL, *p;

		ph = json_object_get(ev, "ph");
		ts = json_object_get(ev, "ts");
		tid = json_object_get(ev, "tid");
		if (!json_is_object(ev))
			what = "not an object";
		else if (!json_is_string(ph) || strlen(json_string_value(ph)) != 1)
			what = "\"ph\" is not a one-letter string";
		else if (!strcmp(p = json_string_value(ph), "M"))
			continue;
		else if (!(json_is_number(ts) || (json_is_string(ts) && is_decimal_text(json_string_value(ts)))))
			what = "\"ts\" is neither a number nor a decimal string";
		else if (!is_integral(json_object_get(ev, "pid")))
			what = "\"pid\" is not an integer";
		else if (!is_integral(tid) && !json_is_string(tid))
			what = "\"tid\" is neither an integer nor a string";
		else if ((*p == 's' || *p == 'f') && !json_object_get(ev, "id"))
			what = "flow event without \"id\"";
		if (what) {
			fprintf(stderr, "%s: event %zu: %s\n", path, i, what);
			rc = -1;
		} else if (*p == 's' || *p == 'f') {
			char *key = flow_key(ev);

			if (!key) {
				fprintf(stderr, "%s: out of memory\n", path);
				rc = -1;
			} else if (*p == 's') {
				starts[ns++] = key;
			} else {
				ends[ne++] = key;
			}
		}
	}
	if (rc == 0) {
		qsort(ends, ne, sizeof(*ends), cmp_str);
		for (i = 0; i < ns; i++)
			if (!bsearch(&starts[i], ends, ne, sizeof(*ends), cmp_str)) {
				fprintf(stderr, "%s: flow start %s has no end\n", path,
					strchr(starts[i], '\x1f') + 1);
				rc = -1;
				break;
			}
	}
out:
	for (i = 0; i < ns; i++)
		free(starts[i]);
	for (i = 0; i < ne; i++)
		free(ends[i]);
	free(starts);
	free(ends);
	return rc;
}

static int is_trace_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strcmp(base, "trace_view.json") || !strcmp(base, "chrome_tracing.json");
}

static int check(const char *path)
{
	int rc = 0;

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
	if (is_trace_name(path))
		rc = check_trace(path, root);
	json_decref(root);
	return rc;
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
