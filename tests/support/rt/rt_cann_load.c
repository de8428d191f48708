/* rt_cann_load.c — rt-cann's input side (see rt_cann_main.c): failure counting, exact µs → ns, the real
 * kernel_details.csv, the CANN / Ascend Hardware lanes and HostToDevice flows of trace_view.json, the GE /
 * STARS name tables (cann_prof_raw §2.6.3, §2.7, §3.1.2, §3.1.4) and the tensor SPEC of ap-gen. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "rt_cann_local.h"

static unsigned long n_fail;

unsigned long ap_rtc__failures(void)
{
	return n_fail;
}

void ap_rtc__fail(const char *fmt, ...)
{
	va_list ap;

	if (n_fail++ < 50) {
		va_start(ap, fmt);
		fprintf(stderr, "%s: ", PROG);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

void *ap_rtc__xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		exit(2);
	}
	return q;
}

/* ---- numbers ---- */

int64_t ap_rtc__us_ns(const char *s)
{
	int64_t v = 0;
	int frac = -1, neg = 0;

	if (*s == '-')
		neg = 1, s++;
	if (!*s)
		return INT64_MIN;
	for (; *s && *s != '\t'; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return INT64_MIN;
		if (frac >= 3)
			continue;
		v = v * 10 + (*s - '0');
		if (frac >= 0)
			frac++;
	}
	for (frac = frac < 0 ? 0 : frac; frac < 3; frac++)
		v *= 10;
	return neg ? -v : v;
}

int64_t ap_rtc__json_us_ns(const json_t *v)
{
	char tmp[64];

	if (json_is_string(v))
		return ap_rtc__us_ns(json_string_value(v));
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v) * 1000;
	if (json_is_real(v)) {
		snprintf(tmp, sizeof(tmp), "%.3f", json_real_value(v));
		return ap_rtc__us_ns(tmp);
	}
	return INT64_MIN;
}

/* a duration in µs (JSON number) → ns, rounded to the nearest */
int64_t ap_rtc__json_dur_ns(const json_t *v)
{
	if (json_is_number(v))
		return (int64_t)llround(json_number_value(v) * 1000.0);
	if (json_is_string(v))
		return ap_rtc__us_ns(json_string_value(v));
	return INT64_MIN;
}

const char *ap_rtc__jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t ap_rtc__jint(const json_t *o, const char *k, int64_t dflt)
{
	const json_t *v = json_object_get(o, k);

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return dflt;
}

/* ---- kernel_details.csv ---- */


static void on_field(void *data, size_t len, void *ctx)
{
	struct csvt *t = ctx;
	char *d = ap_rtc__xrealloc(NULL, len + 1);
	size_t k = 0;

	for (size_t i = 0; i < len; i++)
		if (((char *)data)[i] != '\r')
			d[k++] = ((char *)data)[i];
	d[k] = 0;
	GROW(t->cur, t->ncur, t->ccur);
	t->cur[t->ncur++] = d;
}

static void on_row(int c, void *ctx)
{
	struct csvt *t = ctx;
	size_t cap = t->cap;

	(void)c;
	GROW(t->rows, t->n, t->cap);
	if (cap != t->cap)
		t->nf = ap_rtc__xrealloc(t->nf, t->cap * sizeof(*t->nf));
	t->nf[t->n] = t->ncur;
	t->rows[t->n++] = t->cur;
	t->cur = NULL;
	t->ncur = t->ccur = 0;
}

void ap_rtc__free_csv(struct csvt *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t j = 0; j < t->nf[i]; j++)
			free(t->rows[i][j]);
		free(t->rows[i]);
	}
	for (size_t j = 0; j < t->ncur; j++)
		free(t->cur[j]);
	free(t->cur);
	free(t->rows);
	free(t->nf);
	memset(t, 0, sizeof(*t));
}

void ap_rtc__free_lanes(struct lanes *L)
{
	free(L->api);
	free(L->hw);
	free(L->fl);
	L->api = NULL;
	L->hw = NULL;
	L->fl = NULL;
	L->napi = L->nhw = L->nfl = 0;
}

int ap_rtc__load_csv(const char *path, struct csvt *t)
{
	struct csv_parser p;
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int ret = 0;

	if (!f) {
		fprintf(stderr, "%s: cannot open '%s'\n", PROG, path);
		return -1;
	}
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL))
		exit(2);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, t) != n) {
			ret = -1;
			break;
		}
	if (!ret && csv_fini(&p, on_field, on_row, t))
		ret = -1;
	if (ret || !t->n)
		fprintf(stderr, "%s: cannot parse '%s'\n", PROG, path);
	csv_free(&p);
	fclose(f);
	return ret || !t->n ? -1 : 0;
}

int ap_rtc__col(const struct csvt *t, const char *name)
{
	for (size_t j = 0; j < t->nf[0]; j++)
		if (!strcmp(t->rows[0][j], name))
			return (int)j;
	return -1;
}

/* field @c of row @r, "" when the column is absent */
const char *ap_rtc__fld(const struct csvt *t, size_t r, int c)
{
	return c >= 0 && (size_t)c < t->nf[r] ? t->rows[r][c] : "";
}

/* ---- trace_view.json lanes ---- */





static json_int_t pid_named(const json_t *root, const char *name)
{
	size_t i;
	const json_t *ev;

	json_array_foreach(root, i, ev) {
		const char *ph = ap_rtc__jstr(ev, "ph"), *n = ap_rtc__jstr(ev, "name");
		const json_t *a = json_object_get(ev, "args");

		if (ph && !strcmp(ph, "M") && n && !strcmp(n, "process_name") && ap_rtc__jstr(a, "name") &&
		    !strcmp(ap_rtc__jstr(a, "name"), name))
			return json_integer_value(json_object_get(ev, "pid"));
	}
	return -1;
}

static int64_t flow_index(struct lanes *L, const char *id)
{
	for (size_t i = 0; i < L->nfl; i++)
		if (!strcmp(L->fl[i].id, id))
			return (int64_t)i;
	GROW(L->fl, L->nfl, L->cfl);
	L->fl[L->nfl] = (struct flow){ .id = id, .s_tid = -1, .s_ts = -1 };
	return (int64_t)L->nfl++;
}

/* HostToDevice f at (pid, tid, ts) → flow index, -1 if none */
int64_t ap_rtc__flow_into(const struct lanes *L, json_int_t pid, int64_t tid, int64_t ts)
{
	size_t i;
	const json_t *ev;

	json_array_foreach(L->root, i, ev) {
		const char *ph = ap_rtc__jstr(ev, "ph"), *cat = ap_rtc__jstr(ev, "cat");

		if (ph && !strcmp(ph, "f") && cat && !strcmp(cat, "HostToDevice") &&
		    json_integer_value(json_object_get(ev, "pid")) == pid && ap_rtc__jint(ev, "tid", -2) == tid &&
		    ap_rtc__json_us_ns(json_object_get(ev, "ts")) == ts) {
			for (size_t k = 0; k < L->nfl; k++)
				if (!strcmp(L->fl[k].id, ap_rtc__jstr(ev, "id") ? ap_rtc__jstr(ev, "id") : ""))
					return (int64_t)k;
		}
	}
	return -1;
}

void ap_rtc__load_lanes(struct lanes *L, const json_t *root)
{
	size_t i;
	const json_t *ev;

	L->root = root;
	L->pid_cann = pid_named(root, "CANN");
	L->pid_hw = pid_named(root, "Ascend Hardware");
	L->pid_hccl = pid_named(root, "HCCL");
	json_array_foreach(root, i, ev) { /* flow starts */
		const char *ph = ap_rtc__jstr(ev, "ph"), *cat = ap_rtc__jstr(ev, "cat"), *id = ap_rtc__jstr(ev, "id");

		if (ph && !strcmp(ph, "s") && cat && !strcmp(cat, "HostToDevice") && id) {
			int64_t k = flow_index(L, id);

			L->fl[k].s_tid = ap_rtc__jint(ev, "tid", -1);
			L->fl[k].s_ts = ap_rtc__json_us_ns(json_object_get(ev, "ts"));
		}
	}
	json_array_foreach(root, i, ev) {
		const char *ph = ap_rtc__jstr(ev, "ph");
		json_int_t pid = json_integer_value(json_object_get(ev, "pid"));
		const json_t *a = json_object_get(ev, "args");

		if (!ph || strcmp(ph, "X"))
			continue;
		if (pid == L->pid_cann) {
			struct api *p;

			GROW(L->api, L->napi, L->capi);
			p = &L->api[L->napi++];
			*p = (struct api){ .tid = ap_rtc__jint(ev, "tid", 0),
					   .s = ap_rtc__json_us_ns(json_object_get(ev, "ts")),
					   .level = ap_rtc__jstr(a, "level"), .id = ap_rtc__jstr(a, "id"),
					   .item = ap_rtc__jstr(a, "item_id"), .mode = ap_rtc__jstr(a, "Mode") };
			p->e = p->s + ap_rtc__json_dur_ns(json_object_get(ev, "dur"));
		} else if (pid == L->pid_hw) {
			struct hw *h;

			GROW(L->hw, L->nhw, L->chw);
			h = &L->hw[L->nhw++];
			*h = (struct hw){ .stream = ap_rtc__jint(ev, "tid", 0), .s = ap_rtc__json_us_ns(json_object_get(ev, "ts")),
					  .name = ap_rtc__jstr(ev, "name"), .ttype = ap_rtc__jstr(a, "Task Type"),
					  .task = ap_rtc__jint(a, "Task Id", -1), .sub = ap_rtc__jint(a, "Subtask Id", NONE) };
			h->e = h->s + ap_rtc__json_dur_ns(json_object_get(ev, "dur"));
			h->flow = -1;
		}
	}
	for (size_t k = 0; k < L->nhw; k++)
		L->hw[k].flow = ap_rtc__flow_into(L, L->pid_hw, L->hw[k].stream, L->hw[k].s);
}

/* ---- GE / STARS names (cann_prof_raw §2.7, §3.1.2, §3.1.4) ---- */

struct named {
	const char *n;
	unsigned v;
};


static const struct named ge_dtypes[] = {
	{ "FLOAT", 0 },	 { "FLOAT16", 1 }, { "INT8", 2 },    { "INT32", 3 },  { "UINT8", 4 },    { "INT16", 6 },
	{ "UINT16", 7 }, { "UINT32", 8 },  { "INT64", 9 },   { "UINT64", 10 }, { "DOUBLE", 11 }, { "BOOL", 12 },
	{ "STRING", 13 }, { "COMPLEX64", 16 }, { "COMPLEX128", 17 }, { "DT_BF16", 27 },
};
static const struct named ge_formats[] = {
	{ "NCHW", 0 },	     { "NHWC", 1 },	  { "ND", 2 },	       { "NC1HWC0", 3 },   { "FRACTAL_Z", 4 },
	{ "NC1HWC0_C04", 12 }, { "FRACTAL_Z_C04", 13 }, { "HWCN", 16 }, { "NDHWC", 27 }, { "FRACTAL_NZ", 29 },
	{ "NCDHW", 30 },     { "DHWCN", 31 },	  { "NDC1HWC0", 32 },  { "FRACTAL_Z_3D", 33 }, { "NCL", 47 },
};
static const struct named sqes[] = {
	{ "AI_CORE", 0 },	 { "AI_CPU", 1 },	    { "AIV_SQE", 2 },	    { "PLACE_HOLDER_SQE", 3 },
	{ "EVENT_RECORD_SQE", 4 }, { "EVENT_WAIT_SQE", 5 }, { "NOTIFY_RECORD_SQE", 6 }, { "NOTIFY_WAIT_SQE", 7 },
	{ "WRITE_VALUE_SQE", 8 }, { "SDMA_SQE", 11 },	    { "DSA_SQE", 15 },	    { "PCIE_DMA_SQE", 17 },
	{ "MIX_AIV", 2 },	 { "MIX_AIC", 0 },
};
static const struct named subtypes[] = {
	{ "AIC", 0 },	      { "AIV", 1 },	   { "Notify Wait", 3 }, { "Notify Record", 4 }, { "Write Value", 5 },
	{ "MIX_AIC", 6 },     { "MIX_AIV", 7 },	   { "SDMA", 8 },	 { "AI_CPU", 12 },	 { "DSA", 15 },
};
/* device task name → runtime task type (§2.6.3) */
static const struct named rt_types[] = {
	{ "MEMCPY_ASYNC", 5 }, { "EVENT_RECORD", 2 }, { "EVENT_WAIT", 3 }, { "NOTIFY_WAIT", 14 },
	{ "NOTIFY_RECORD", 15 }, { "PROFILING_ENABLE", 64 }, { "PROFILING_DISABLE", 65 },
};

static int lookup(const struct named *t, size_t n, const char *s, unsigned *v)
{
	for (size_t i = 0; i < n; i++)
		if (s && !strcmp(t[i].n, s)) {
			*v = t[i].v;
			return 0;
		}
	return -1;
}
#define LOOKUP(t, s, v) lookup(t, sizeof(t) / sizeof(t[0]), s, v)

int ap_rtc__sqe_type(const char *name, unsigned *v)
{
	return LOOKUP(sqes, name, v);
}

int ap_rtc__subtask_type(const char *name, unsigned *v)
{
	return LOOKUP(subtypes, name, v);
}

int ap_rtc__runtime_type(const char *name, unsigned *v)
{
	return LOOKUP(rt_types, name, v);
}

/* ---- tensors: the row's shapes / types / formats → ap-gen SPEC ---- */

static size_t split(char *s, char **out, size_t max)
{
	size_t n = 0;

	out[n++] = s;
	for (; *s && n < max; s++)
		if (*s == ';') {
			*s = 0;
			out[n++] = s + 1;
		}
	return n;
}

static char *strip_quotes(const char *s)
{
	size_t n = strlen(s);
	char *d;

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		s++, n -= 2;
	d = ap_rtc__xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

/* appends `in:F:T:dims;...` for one direction; -1 when a name is unknown or the counts differ */
int ap_rtc__tensor_spec(FILE *o, const char *dir, const char *shapes, const char *types, const char *fmts,
		       int *first)
{
	char *sh, *ty, *fm, *vs[256], *vt[256], *vf[256];
	size_t ns, nt, nf;
	int ret = 0;

	if (!strcmp(types, "N/A") || !*types)
		return 0;
	sh = strip_quotes(shapes);
	ty = strip_quotes(types);
	fm = strip_quotes(fmts);
	ns = split(sh, vs, 256);
	nt = split(ty, vt, 256);
	nf = split(fm, vf, 256);
	if (ns != nt || nt != nf) {
		ret = -1;
		goto out;
	}
	for (size_t i = 0; i < nt; i++) {
		unsigned dt, f, sub = 0;
		char *f_name = vf[i], *colon;

		if (!strncmp(f_name, "FORMAT_", 7)) /* the older spelling of a format name */
			f_name += 7;
		if ((colon = strchr(f_name, ':'))) {
			*colon = 0;
			sub = (unsigned)strtoul(colon + 1, NULL, 10);
		}
		if (LOOKUP(ge_dtypes, vt[i], &dt) || LOOKUP(ge_formats, f_name, &f)) {
			ret = -1;
			goto out;
		}
		fprintf(o, "%s%s:%u:%u:%s", *first ? "" : ";", dir, f | sub << 8, dt, vs[i]);
		*first = 0;
	}
out:
	free(sh);
	free(ty);
	free(fm);
	return ret;
}
