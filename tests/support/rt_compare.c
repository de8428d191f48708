/* rt-compare: compare our analyser's outputs with a real torch_npu run's.
 *
 * Usage: rt-compare REAL_TRACE_VIEW OUR_TRACE_VIEW REAL_OPERATOR_DETAILS OUR_OPERATOR_DETAILS
 *
 * Round-trip test support (tests/roundtrip/rt_level1.sh), see
 * ../shared/specs/torch_npu_ascend_pt.md §8.1 and §8.3.
 *
 * (a) trace_view.json: the multiset of X events of cat cpu_op, enqueue, dequeue
 *     and python_function, each taken as (cat, name, pid, tid, ts, dur, args).
 *     Event order is ignored; ts is compared as the JSON string it is, dur as an
 *     exact double, args as a JSON object with key order ignored. The "@op"
 *     suffix of enqueue names is dropped (older torch_npu wrote plain
 *     "Enqueue", §7.2). A file ending in ",]" (§8.1 QUIRK, empty CANN part) is
 *     accepted with a note.
 * (b) operator_details.csv: the header line in full and, row by row, the host
 *     columns Name, Input Shapes, Call Stack, Host Self Duration(us), Host Total
 *     Duration(us) as strings. CR characters are ignored everywhere (the real
 *     sample was converted to LF after capture; ours is CRLF).
 *
 * With --table (see table_main): one CSV of the CANN reverse synthesis compared by column name.
 *
 * Prints a summary with counts per kind and the first 20 mismatches of each
 * part on stdout. Exits 0 when equal, 1 when not, 2 on usage or input errors.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#define MAX_SHOWN 20
#define SEP '\x1f' /* between key fields; never in JSON text of ours */

static const char *prog = "rt-compare";

static const char *const cats[] = { "cpu_op", "enqueue", "dequeue", "python_function" };
#define NCATS (sizeof(cats) / sizeof(cats[0]))

static const char *const host_cols[] = {
	"Name", "Input Shapes", "Call Stack", "Host Self Duration(us)", "Host Total Duration(us)",
};
#define NHOST (sizeof(host_cols) / sizeof(host_cols[0]))

static void die_oom(void)
{
	fprintf(stderr, "%s: out of memory\n", prog);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom();
	return q;
}

/* ---- growable string ---- */

struct str {
	char *p;
	size_t len, cap;
};

static void str_add(struct str *s, const char *src, size_t n)
{
	if (s->cap - s->len < n + 1) {
		size_t cap = s->cap ? s->cap : 256;

		while (cap - s->len < n + 1)
			cap *= 2;
		s->p = xrealloc(s->p, cap);
		s->cap = cap;
	}
	memcpy(s->p + s->len, src, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void str_adds(struct str *s, const char *src)
{
	str_add(s, src, strlen(src));
}

static char *str_detach(struct str *s)
{
	char *p = s->p ? s->p : xrealloc(NULL, 1);

	if (!s->p)
		p[0] = '\0';
	*s = (struct str){ 0 };
	return p;
}

/* Print @s (length @n) on stdout with control characters escaped, cut at 200. */
static void show(const char *s, size_t n)
{
	size_t i;

	putchar('\'');
	for (i = 0; i < n && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\'');
	if (i < n)
		printf("...(%zu bytes)", n);
}

/* Print two differing strings, each from a little before their first difference. */
static void show_pair(const char *label, const char *a, const char *b)
{
	size_t k = 0, from;

	while (a[k] && a[k] == b[k])
		k++;
	from = k > 60 ? k - 60 : 0;
	printf("%s real %s", label, from ? "(from byte " : "");
	if (from)
		printf("%zu) ", from);
	show(a + from, strlen(a + from));
	printf("\n%s ours %s", label, from ? "(from byte " : "");
	if (from)
		printf("%zu) ", from);
	show(b + from, strlen(b + from));
	printf("\n");
}

/* ---- file reading ---- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		fprintf(stderr, "%s: cannot open '%s': %s\n", prog, path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - n < 65536) {
			cap = cap ? 2 * cap : 1 << 20;
			p = xrealloc(p, cap + 1);
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", prog, path, strerror(errno));
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	p[n] = '\0';
	*len = n;
	return p;
}

/* ---- (a) trace_view events ---- */

struct tev {
	char *key; /* full key: ident SEP dur SEP args */
	size_t ident_len; /* cat SEP name SEP pid SEP tid SEP ts */
	int cat;
	int side; /* 0 real, 1 ours */
};

struct tevs {
	struct tev *v;
	size_t n, cap;
	size_t per_cat[2][NCATS];
};

static json_t *load_trace(const char *path)
{
	json_error_t jerr;
	size_t len;
	char *buf = read_all(path, &len);
	json_t *root;

	if (!buf)
		return NULL;
	root = json_loadb(buf, len, 0, &jerr);
	if (!root) {
		/* §8.1 QUIRK: empty CANN part leaves ",]" at the end */
		size_t e = len;

		while (e && (buf[e - 1] == ' ' || buf[e - 1] == '\n' || buf[e - 1] == '\r'))
			e--;
		if (e >= 2 && buf[e - 1] == ']' && buf[e - 2] == ',') {
			buf[e - 2] = ' ';
			root = json_loadb(buf, len, 0, &jerr);
			if (root)
				printf("%s: note: '%s' ends in ',]' (spec §8.1 quirk); read without it\n",
				       prog, path);
		}
	}
	if (!root)
		fprintf(stderr, "%s: cannot parse '%s': %s (line %d)\n", prog, path, jerr.text, jerr.line);
	else if (!json_is_array(root)) {
		fprintf(stderr, "%s: '%s' is not a JSON array\n", prog, path);
		json_decref(root);
		root = NULL;
	}
	free(buf);
	return root;
}

/* Shortest "%.Ng" text that reads back as exactly @d. */
static void add_double(struct str *s, double d)
{
	char tmp[64];

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	str_adds(s, tmp);
}

/* Canonical text of any JSON value: compact, keys sorted, reals exact. */
static void add_canon(struct str *s, const json_t *v)
{
	char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));

	if (!t)
		die_oom();
	str_adds(s, t);
	free(t);
}

static int collect(struct tevs *out, const json_t *arr, int side)
{
	size_t i;
	const json_t *ev;

	json_array_foreach(arr, i, ev) {
		const json_t *ph = json_object_get(ev, "ph"), *cat = json_object_get(ev, "cat");
		const json_t *name = json_object_get(ev, "name"), *dur = json_object_get(ev, "dur");
		const json_t *args = json_object_get(ev, "args");
		struct str k = { 0 };
		int c = -1;

		if (!json_is_string(ph) || strcmp(json_string_value(ph), "X") || !json_is_string(cat))
			continue;
		for (size_t j = 0; j < NCATS; j++)
			if (!strcmp(json_string_value(cat), cats[j]))
				c = (int)j;
		if (c < 0)
			continue;
		str_adds(&k, cats[c]);
		str_add(&k, &(char){ SEP }, 1);
		if (json_is_string(name)) {
			const char *nm = json_string_value(name);
			size_t nl = json_string_length(name);

			if (!strcmp(cats[c], "enqueue") && !strncmp(nm, "Enqueue@", 8))
				nl = 7;
			str_add(&k, nm, nl);
		} else {
			str_adds(&k, "<name: ");
			add_canon(&k, name ? name : json_null());
			str_adds(&k, ">");
		}
		str_add(&k, &(char){ SEP }, 1);
		add_canon(&k, json_object_get(ev, "pid") ? json_object_get(ev, "pid") : json_null());
		str_add(&k, &(char){ SEP }, 1);
		add_canon(&k, json_object_get(ev, "tid") ? json_object_get(ev, "tid") : json_null());
		str_add(&k, &(char){ SEP }, 1);
		/* ts: compared as written (a string in torch_npu's output) */
		add_canon(&k, json_object_get(ev, "ts") ? json_object_get(ev, "ts") : json_null());
		if (out->n == out->cap) {
			out->cap = out->cap ? 2 * out->cap : 1024;
			out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
		}
		out->v[out->n].ident_len = k.len;
		str_add(&k, &(char){ SEP }, 1);
		if (json_is_number(dur))
			add_double(&k, json_number_value(dur));
		else
			add_canon(&k, dur ? dur : json_null());
		str_add(&k, &(char){ SEP }, 1);
		add_canon(&k, args ? args : json_null());
		out->v[out->n].key = str_detach(&k);
		out->v[out->n].cat = c;
		out->v[out->n].side = side;
		out->n++;
		out->per_cat[side][c]++;
	}
	return 0;
}

static int cmp_tev(const void *a, const void *b)
{
	const struct tev *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	return r ? r : x->side - y->side;
}

static int cmp_tev_ident(const void *a, const void *b)
{
	const struct tev *x = *(const struct tev *const *)a, *y = *(const struct tev *const *)b;
	size_t n = x->ident_len < y->ident_len ? x->ident_len : y->ident_len;
	int r = memcmp(x->key, y->key, n);

	if (r)
		return r;
	if (x->ident_len != y->ident_len)
		return x->ident_len < y->ident_len ? -1 : 1;
	r = x->side - y->side;
	return r ? r : strcmp(x->key, y->key);
}

/* Print key field @idx (0 cat, 1 name, 2 pid, 3 tid, 4 ts, 5 dur, 6 args),
 * starting a little before byte @at of it (where two fields first differ). */
static void show_field(const char *key, int idx, size_t at)
{
	const char *p = key, *e;
	size_t n, from = at > 60 ? at - 60 : 0;

	for (int i = 0; i < idx; i++)
		p = strchr(p, SEP) + 1;
	e = strchr(p, SEP);
	n = e ? (size_t)(e - p) : strlen(p);
	if (from > n)
		from = n;
	if (from)
		printf("(from byte %zu) ", from);
	show(p + from, n - from);
}

static void show_event(const struct tev *t)
{
	static const char *const names[] = { "name", "pid", "tid", "ts", "dur", "args" };

	printf("%s", cats[t->cat]);
	for (int i = 1; i <= 6; i++) {
		printf(" %s=", names[i - 1]);
		show_field(t->key, i, 0);
	}
}

/* Whether field @idx of two keys is equal; if not, *at = first differing byte. */
static int same_field(const char *a, const char *b, int idx, size_t *at)
{
	size_t k = 0;

	const char *p = a, *q = b, *pe, *qe;

	for (int i = 0; i < idx; i++) {
		p = strchr(p, SEP) + 1;
		q = strchr(q, SEP) + 1;
	}
	pe = strchr(p, SEP);
	qe = strchr(q, SEP);
	pe = pe ? pe : p + strlen(p);
	qe = qe ? qe : q + strlen(q);
	while (p + k < pe && q + k < qe && p[k] == q[k])
		k++;
	*at = k;
	return p + k == pe && q + k == qe;
}

static int compare_trace(const char *real_path, const char *our_path)
{
	json_t *real = load_trace(real_path), *ours = load_trace(our_path);
	struct tevs t = { 0 };
	struct tev **un = NULL;
	size_t nun = 0, only[2][NCATS] = { { 0 } }, shown = 0, i, j;
	int ret = 2;

	if (!real || !ours)
		goto out;
	collect(&t, real, 0);
	collect(&t, ours, 1);
	if (t.n)
		qsort(t.v, t.n, sizeof(*t.v), cmp_tev);
	un = xrealloc(NULL, t.n * sizeof(*un));
	/* Multiset difference: within a run of equal keys, the surplus of one side. */
	for (i = 0; i < t.n; i = j) {
		size_t cnt[2] = { 0, 0 };

		for (j = i; j < t.n && !strcmp(t.v[j].key, t.v[i].key); j++)
			cnt[t.v[j].side]++;
		/* the run holds cnt[0] real then cnt[1] ours (cmp_tev) */
		for (size_t k = 0; k + cnt[1] < cnt[0]; k++) {
			un[nun++] = &t.v[i + k];
			only[0][t.v[i].cat]++;
		}
		for (size_t k = 0; k + cnt[0] < cnt[1]; k++) {
			un[nun++] = &t.v[j - 1 - k];
			only[1][t.v[i].cat]++;
		}
	}

	printf("trace_view: X events real/ours:");
	for (i = 0; i < NCATS; i++)
		printf(" %s %zu/%zu", cats[i], t.per_cat[0][i], t.per_cat[1][i]);
	printf("\n");
	if (!nun) {
		printf("trace_view: all events match\n");
		ret = 0;
		goto out;
	}
	printf("trace_view: only in real / only in ours:");
	for (i = 0; i < NCATS; i++)
		printf(" %s %zu/%zu", cats[i], only[0][i], only[1][i]);
	printf("\n");

	/* Pair unmatched events with the same (cat, name, pid, tid, ts) to show
	 * which fields differ; list the rest as missing or extra. */
	if (nun)
		qsort(un, nun, sizeof(*un), cmp_tev_ident);
	for (i = 0; i < nun && shown < MAX_SHOWN; i++) {
		const struct tev *a = un[i];

		if (a->side == 0 && i + 1 < nun && un[i + 1]->side == 1 &&
		    un[i + 1]->ident_len == a->ident_len &&
		    !memcmp(un[i + 1]->key, a->key, a->ident_len)) {
			const struct tev *b = un[++i];

			printf("  differs: %s name=", cats[a->cat]);
			show_field(a->key, 1, 0);
			printf(" tid=");
			show_field(a->key, 3, 0);
			printf(" ts=");
			show_field(a->key, 4, 0);
			for (int f = 5; f <= 6; f++) {
				size_t at = 0;

				if (same_field(a->key, b->key, f, &at))
					continue;
				printf("\n      %s real ", f == 5 ? "dur" : "args");
				show_field(a->key, f, at);
				printf("\n      %s ours ", f == 5 ? "dur" : "args");
				show_field(b->key, f, at);
			}
			printf("\n");
		} else {
			printf("  %s: ", a->side ? "only in ours" : "only in real");
			show_event(a);
			printf("\n");
		}
		shown++;
	}
	if (i < nun)
		printf("  ... (more not shown)\n");
	ret = 1;
out:
	for (i = 0; i < t.n; i++)
		free(t.v[i].key);
	free(t.v);
	free(un);
	json_decref(real);
	json_decref(ours);
	return ret;
}

/* ---- (b) operator_details.csv ---- */

struct row {
	char **f;
	size_t n;
};

struct table {
	struct row *rows;
	size_t n, cap;
	struct row cur;
	size_t cur_cap;
};

static void on_field(void *data, size_t len, void *ctx)
{
	struct table *t = ctx;
	const char *s = data ? data : "";
	char *d = xrealloc(NULL, len + 1);
	size_t k = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] != '\r')
			d[k++] = s[i];
	d[k] = '\0';
	if (t->cur.n == t->cur_cap) {
		t->cur_cap = t->cur_cap ? 2 * t->cur_cap : 16;
		t->cur.f = xrealloc(t->cur.f, t->cur_cap * sizeof(*t->cur.f));
	}
	t->cur.f[t->cur.n++] = d;
}

static void on_row(int c, void *ctx)
{
	struct table *t = ctx;

	(void)c;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->rows = xrealloc(t->rows, t->cap * sizeof(*t->rows));
	}
	t->rows[t->n++] = t->cur;
	t->cur = (struct row){ 0 };
	t->cur_cap = 0;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t j = 0; j < t->rows[i].n; j++)
			free(t->rows[i].f[j]);
		free(t->rows[i].f);
	}
	for (size_t j = 0; j < t->cur.n; j++)
		free(t->cur.f[j]);
	free(t->cur.f);
	free(t->rows);
}

/* Parse @path; also return its first line without CRs in *header. */
static int load_csv(const char *path, struct table *t, char **header)
{
	struct csv_parser p;
	size_t len, k = 0;
	char *buf = read_all(path, &len);
	int ret = -1;

	if (!buf)
		return -1;
	*header = xrealloc(NULL, len + 1);
	for (size_t i = 0; i < len && buf[i] != '\n'; i++)
		if (buf[i] != '\r')
			(*header)[k++] = buf[i];
	(*header)[k] = '\0';
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0)
		die_oom();
	if (csv_parse(&p, buf, len, on_field, on_row, t) != len ||
	    csv_fini(&p, on_field, on_row, t) != 0)
		fprintf(stderr, "%s: cannot parse '%s': %s\n", prog, path, csv_strerror(csv_error(&p)));
	else if (!t->n)
		fprintf(stderr, "%s: '%s' is empty\n", prog, path);
	else
		ret = 0;
	csv_free(&p);
	free(buf);
	return ret;
}

/* Column index of each host column in @t; where one is missing, use @fallback's
 * (the real file's positions) and say so, or fail without a fallback. */
static int find_cols(const struct table *t, const char *path, size_t idx[NHOST],
		     const size_t *fallback)
{
	for (size_t c = 0; c < NHOST; c++) {
		size_t j;

		for (j = 0; j < t->rows[0].n && strcmp(t->rows[0].f[j], host_cols[c]); j++)
			;
		if (j == t->rows[0].n && fallback) {
			printf("operator_details: '%s' has no column '%s'; comparing column %zu\n", path,
			       host_cols[c], fallback[c] + 1);
			j = fallback[c];
		} else if (j == t->rows[0].n) {
			fprintf(stderr, "%s: '%s' has no column '%s'\n", prog, path, host_cols[c]);
			return -1;
		}
		idx[c] = j;
	}
	return 0;
}

static int compare_csv(const char *real_path, const char *our_path)
{
	struct table real = { 0 }, ours = { 0 };
	char *hreal = NULL, *hours = NULL;
	size_t ir[NHOST], io[NHOST], per_col[NHOST] = { 0 }, bad_rows = 0, shown = 0, nrows;
	int ret = 2, header_ok;

	if (load_csv(real_path, &real, &hreal) < 0 || load_csv(our_path, &ours, &hours) < 0 ||
	    find_cols(&real, real_path, ir, NULL) < 0 || find_cols(&ours, our_path, io, ir) < 0)
		goto out;
	header_ok = !strcmp(hreal, hours);
	printf("operator_details: header %s; data rows real %zu, ours %zu\n",
	       header_ok ? "equal" : "DIFFERS", real.n - 1, ours.n - 1);
	if (!header_ok)
		show_pair("  header", hreal, hours);
	nrows = real.n < ours.n ? real.n : ours.n;
	for (size_t r = 1; r < nrows; r++) {
		int bad = 0;

		for (size_t c = 0; c < NHOST; c++) {
			const char *a = ir[c] < real.rows[r].n ? real.rows[r].f[ir[c]] : "<missing>";
			const char *b = io[c] < ours.rows[r].n ? ours.rows[r].f[io[c]] : "<missing>";

			if (!strcmp(a, b))
				continue;
			per_col[c]++;
			bad = 1;
			if (shown < MAX_SHOWN) {
				printf("  row %zu column '%s':\n", r, host_cols[c]);
				show_pair("     ", a, b);
				shown++;
			}
		}
		bad_rows += (size_t)bad;
	}
	if (shown == MAX_SHOWN && bad_rows)
		printf("  ... (more not shown)\n");
	if (real.n != ours.n)
		printf("operator_details: row counts differ (real %zu, ours %zu); compared the first %zu\n",
		       real.n - 1, ours.n - 1, nrows - 1);
	if (bad_rows) {
		printf("operator_details: %zu row(s) differ; per column:", bad_rows);
		for (size_t c = 0; c < NHOST; c++)
			printf(" '%s' %zu", host_cols[c], per_col[c]);
		printf("\n");
	}
	ret = (header_ok && !bad_rows && real.n == ours.n) ? 0 : 1;
	if (!ret)
		printf("operator_details: host columns match\n");
out:
	table_free(&real);
	table_free(&ours);
	free(hreal);
	free(hours);
	return ret;
}

/* ---- --table: one analysed CSV against the real run's, by column name (tests/roundtrip/rt_cann.sh) ----
 *
 * Rules (issue 10, reverse synthesis): the columns both files have, the real file's renamed ones mapped
 * (Block Dim → Block Num, Mix Block Dim → Mix Block Num); the PMU metric columns (aic_*, aiv_*,
 * aicore_time(us), cube_utilization(%)) left out; equal row count and order; strings exact, except the
 * older spellings HCCL (task type, API level hccl) → COMMUNICATION / communication and FORMAT_ND → ND;
 * numbers equal at the precision the real file printed (6.54 = 6.540: |ours − real| < 10^-decimals).
 * --only COL restricts the comparison to those columns; --xfail COL=BUG reports a column's mismatches
 * as an expected failure, of a known ascprof bug or of the older release (#rows=ID for the row count). --tol COL=WHY accepts, in a
 * column whose sample values were computed from more than it printed (sub-ns float durations, another
 * rounding rule), max(one unit of the last printed digit, 0.001 + 2e-5 × |value|); such cells are counted
 * apart ("within tolerance") and the largest deviation is printed.
 */
#define MAX_OPT 32

struct topts {
	const char *only[MAX_OPT], *xcol[MAX_OPT], *xbug[MAX_OPT], *tcol[MAX_OPT], *twhy[MAX_OPT];
	size_t nonly, nx, nt;
};

static int is_pmu(const char *c)
{
	return !strncmp(c, "aic_", 4) || !strncmp(c, "aiv_", 4) || !strcmp(c, "aicore_time(us)") ||
	       !strcmp(c, "cube_utilization(%)");
}

static const char *our_name(const char *c)
{
	if (!strcmp(c, "Block Dim"))
		return "Block Num";
	if (!strcmp(c, "Mix Block Dim"))
		return "Mix Block Num";
	return c;
}

/* a decimal number (trailing tab allowed): value and count of decimals; 0 if not one */
static int parse_num(const char *s, long double *v, int *dec)
{
	char *end;
	const char *dot;
	size_t n = strlen(s);

	while (n && s[n - 1] == '\t')
		n--;
	if (!n || n > 60)
		return 0;
	char tmp[64];
	memcpy(tmp, s, n);
	tmp[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789.-", tmp[i]))
			return 0;
	errno = 0;
	*v = strtold(tmp, &end);
	if (*end || errno)
		return 0;
	dot = strchr(tmp, '.');
	*dec = dot ? (int)strlen(dot + 1) : 0;
	return 1;
}

/* the real value in today's spelling */
static void modernise(const char *col, const char *v, struct str *o)
{
	if ((!strcmp(col, "Accelerator Core") || !strcmp(col, "Core Type")) && !strcmp(v, "HCCL")) {
		str_adds(o, "COMMUNICATION");
		return;
	}
	if (!strcmp(col, "Level") && !strcmp(v, "hccl")) {
		str_adds(o, "communication");
		return;
	}
	if (strstr(col, "Formats")) { /* FORMAT_ND → ND, item by item */
		while (*v) {
			if (!strncmp(v, "FORMAT_", 7))
				v += 7;
			const char *e = strchr(v, ';');
			size_t n = e ? (size_t)(e - v) + 1 : strlen(v);
			str_add(o, v, n);
			v += n;
		}
		return;
	}
	str_adds(o, v);
}

/* 1: equal at the sample's precision; 2: within the --tol tolerance (*dev = |ours - real|); 0: not */
static int same_cell(const char *col, const char *real, const char *ours, int tolerant, long double *dev)
{
	struct str m = { 0 };
	long double a, b, unit = 1, wide;
	int da, db, eq;

	modernise(col, real, &m);
	if (parse_num(m.p ? m.p : "", &a, &da) && parse_num(ours, &b, &db)) {
		for (int i = 0; i < da; i++)
			unit /= 10;
		*dev = fabsl(a - b);
		wide = 0.001L + 2e-5L * fabsl(a);
		eq = *dev < unit * 0.999L || a == b ? 1
		     : tolerant && (*dev <= unit * 1.001L || *dev <= wide) ? 2 : 0;
	} else {
		eq = !strcmp(m.p ? m.p : "", ours);
	}
	free(m.p);
	return eq;
}

static const char *tol_of(const struct topts *o, const char *col)
{
	for (size_t i = 0; i < o->nt; i++)
		if (!strcmp(o->tcol[i], col))
			return o->twhy[i];
	return NULL;
}

static const char *xfail_of(const struct topts *o, const char *col)
{
	for (size_t i = 0; i < o->nx; i++)
		if (!strcmp(o->xcol[i], col))
			return o->xbug[i];
	return NULL;
}

static int compare_table(const char *label, const char *real_path, const char *our_path, const struct topts *o)
{
	struct table real = { 0 }, ours = { 0 };
	char *hreal = NULL, *hours = NULL;
	size_t cr[256], co[256], nc = 0, rows, full = 0, cells = 0, cells_ok = 0;
	size_t bad[256] = { 0 }, first_bad[256], near[256] = { 0 }, cells_near = 0;
	long double maxdev[256] = { 0 };
	int ret = 2, fail = 0;
	const char *xb;

	if (load_csv(real_path, &real, &hreal) < 0 || load_csv(our_path, &ours, &hours) < 0)
		goto out;
	for (size_t j = 0; j < real.rows[0].n && nc < 256; j++) {
		const char *c = real.rows[0].f[j];
		size_t k;
		int want = !o->nonly;

		for (size_t i = 0; i < o->nonly; i++)
			want |= !strcmp(o->only[i], c);
		if (!want || is_pmu(c))
			continue;
		for (k = 0; k < ours.rows[0].n && strcmp(ours.rows[0].f[k], our_name(c)); k++)
			;
		if (k == ours.rows[0].n)
			continue;
		cr[nc] = j;
		co[nc++] = k;
	}
	rows = real.n < ours.n ? real.n : ours.n;
	for (size_t r = 1; r < rows; r++) {
		int row_ok = 1;

		for (size_t c = 0; c < nc; c++) {
			const char *a = cr[c] < real.rows[r].n ? real.rows[r].f[cr[c]] : "";
			const char *b = co[c] < ours.rows[r].n ? ours.rows[r].f[co[c]] : "";

			long double dev = 0;
			int eq;

			cells++;
			eq = same_cell(real.rows[0].f[cr[c]], a, b, tol_of(o, real.rows[0].f[cr[c]]) != NULL, &dev);
			if (eq == 1) {
				cells_ok++;
				continue;
			}
			if (eq == 2) {
				cells_near++;
				near[c]++;
				maxdev[c] = dev > maxdev[c] ? dev : maxdev[c];
				continue;
			}
			row_ok = 0;
			if (!bad[c]++)
				first_bad[c] = r;
		}
		full += row_ok;
	}
	printf("%s: rows real %zu, ours %zu; %zu columns compared; rows matching %zu/%zu; cells matching "
	       "%zu/%zu (+ %zu within tolerance)\n",
	       label, real.n - 1, ours.n - 1, nc, full, real.n - 1, cells_ok, cells, cells_near);
	if (real.n != ours.n) {
		if ((xb = xfail_of(o, "#rows")))
			printf("  XFAIL row count differs (expected: %s)\n", xb);
		else
			fail = 1, printf("  FAIL row count differs\n");
	} else if ((xb = xfail_of(o, "#rows"))) {
		printf("  XPASS row count (%s fixed? remove its xfail item)\n", xb);
	}
	for (size_t c = 0; c < nc; c++) {
		const char *name = real.rows[0].f[cr[c]];

		xb = xfail_of(o, name);
		if (near[c])
			printf("  TOL '%s': %zu rows within tolerance, largest deviation %.6Lf (%s)\n", name, near[c],
			       maxdev[c], tol_of(o, name));
		if (!bad[c]) {
			if (xb)
				printf("  XPASS '%s' (%s fixed? remove its xfail item)\n", name, xb);
			continue;
		}
		printf("  %s '%s': %zu rows differ; first at row %zu:", xb ? "XFAIL" : "FAIL", name, bad[c],
		       first_bad[c]);
		if (xb)
			printf(" (expected: %s)", xb);
		printf("\n");
		show_pair("   ", real.rows[first_bad[c]].f[cr[c]],
			  co[c] < ours.rows[first_bad[c]].n ? ours.rows[first_bad[c]].f[co[c]] : "");
		fail |= !xb;
	}
	ret = fail;
out:
	table_free(&real);
	table_free(&ours);
	free(hreal);
	free(hours);
	return ret;
}

static int table_main(int argc, char **argv)
{
	struct topts o = { 0 };
	int i = 2, ret;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--only") && o.nonly < MAX_OPT) {
			o.only[o.nonly++] = argv[i + 1];
		} else if (!strcmp(argv[i], "--tol") && o.nt < MAX_OPT && strchr(argv[i + 1], '=')) {
			char *eq = strchr(argv[i + 1], '=');
			*eq = 0;
			o.tcol[o.nt] = argv[i + 1];
			o.twhy[o.nt++] = eq + 1;
		} else if (!strcmp(argv[i], "--xfail") && o.nx < MAX_OPT && strchr(argv[i + 1], '=')) {
			char *eq = strchr(argv[i + 1], '=');
			*eq = 0;
			o.xcol[o.nx] = argv[i + 1];
			o.xbug[o.nx++] = eq + 1;
		} else {
			break;
		}
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: %s --table [--only COL]... [--tol COL=WHY]... [--xfail COL=BUG]... LABEL REAL_CSV OUR_CSV\n",
			prog);
		return 2;
	}
	ret = compare_table(argv[i], argv[i + 1], argv[i + 2], &o);
	fflush(stdout);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--table"))
		return table_main(argc, argv);
	int a, b, ret;

	if (argc != 5) {
		fprintf(stderr,
			"usage: %s REAL_TRACE_VIEW OUR_TRACE_VIEW REAL_OPERATOR_DETAILS OUR_OPERATOR_DETAILS\n",
			prog);
		return 2;
	}
	a = compare_trace(argv[1], argv[2]);
	b = compare_csv(argv[3], argv[4]);
	ret = (a == 2 || b == 2) ? 2 : (a || b) ? 1 : 0;
	printf("%s: %s\n", prog, ret == 0 ? "EQUAL" : ret == 1 ? "DIFFERENT" : "ERROR");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write to stdout\n", prog);
		return 2;
	}
	return ret;
}
