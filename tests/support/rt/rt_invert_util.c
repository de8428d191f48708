/*
 * rt_invert_util.c — rt-invert's helpers: the count of events that cannot be inverted (and their messages),
 * memory, the output buffer and files, and reading an event's times and integer fields.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <jansson.h>

#include "rt_invert_local.h"

static unsigned long n_failed; /* events not inverted faithfully */
static unsigned long n_fail_printed;

void ap_rt__fail(const char *fmt, ...)
{
	va_list ap;

	n_failed++;
	if (n_fail_printed >= 50)
		return;
	n_fail_printed++;
	fprintf(stderr, "%s: cannot invert: ", AP_RT_PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

unsigned long ap_rt__failures(void)
{
	return n_failed;
}

void ap_rt__die_oom(void)
{
	fprintf(stderr, "%s: out of memory\n", AP_RT_PROG);
	exit(2);
}

void *ap_rt__xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		ap_rt__die_oom();
	return q;
}

char *ap_rt__xstrndup(const char *s, size_t n)
{
	char *d = ap_rt__xrealloc(NULL, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void ap_rt__buf_put(struct ap_rt_buf *b, const void *src, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap - b->len < n)
			cap *= 2;
		b->p = ap_rt__xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, src, n);
	b->len += n;
}

int ap_rt__write_file(const char *dir, const char *name, const struct ap_rt_buf *b)
{
	char path[4096];
	FILE *f;
	int bad, n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "%s: path too long '%s/%s'\n", AP_RT_PROG, dir, name);
		return -1;
	}
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "%s: cannot create '%s': %s\n", AP_RT_PROG, path, strerror(errno));
		return -1;
	}
	bad = b->len && fwrite(b->p, 1, b->len, f) != b->len;
	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", AP_RT_PROG, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* §4 "µs string → ns", restricted to what a faithful inverse needs: digits,
 * '.', exactly three digits. Returns 0 and fills *ns, or -1. */
static int ts_to_ns(const char *s, int64_t *ns)
{
	int64_t v = 0;
	size_t i = 0, ndig = 0, nfrac = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++, ndig++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (!ndig || s[i] != '.')
		return -1;
	for (i++; s[i] >= '0' && s[i] <= '9'; i++, nfrac++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (s[i] != '\0' || nfrac != 3)
		return -1;
	*ns = v;
	return 0;
}

/* Parse an X event's ts/dur into local ns start/end. Checks that the analyser's
 * ns→µs formatting (§4: dur = ns/1000 as double) gives the same values back. */
int ap_rt__event_times(const json_t *ev, const char *what, size_t idx, int64_t *start, int64_t *end)
{
	const json_t *jts = json_object_get(ev, "ts");
	const json_t *jdur = json_object_get(ev, "dur");
	double dur, back;
	long long dns;

	if (!json_is_string(jts) || ts_to_ns(json_string_value(jts), start) < 0) {
		ap_rt__fail("%s event %zu: ts is not a µs string with 3 decimals", what, idx);
		return -1;
	}
	if (!json_is_number(jdur)) {
		ap_rt__fail("%s event %zu (ts %s): dur is not a number", what, idx, json_string_value(jts));
		return -1;
	}
	dur = json_number_value(jdur);
	if (!isfinite(dur) || fabs(dur) > 9e12) {
		ap_rt__fail("%s event %zu (ts %s): dur %.17g out of range", what, idx, json_string_value(jts), dur);
		return -1;
	}
	dns = llround(dur * 1000.0);
	back = (double)dns / 1000.0;
	if (back != dur) {
		ap_rt__fail("%s event %zu (ts %s): dur %.17g is not ns/1000 of an integer", what, idx,
			    json_string_value(jts), dur);
		return -1;
	}
	*end = *start + dns;
	return 0;
}

int ap_rt__get_int(const json_t *obj, const char *key, json_int_t *out)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

int ap_rt__make_dir(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST) {
		fprintf(stderr, "%s: cannot create '%s': %s\n", AP_RT_PROG, path, strerror(errno));
		return -1;
	}
	return 0;
}

int ap_rt__is_cat(const json_t *ev, const char *cat)
{
	const json_t *c = json_object_get(ev, "cat");

	return json_is_string(c) && !strcmp(json_string_value(c), cat);
}
