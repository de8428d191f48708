/* The raw join's view formatted as msprof's exported tables (ap/cann_tables.h). Each rule
 * names its upstream source (Ascend/msprof, analysis/): see man/ascprof-outputs.5. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_tables.h"
#include "ap/fmt.h"
#include "ap/sort.h"
#include "ap/u64map.h"
#include "../base/banned.h"

#define NA "N/A"
#define KEYLEN 24 /* a u64 as µs text: 20 digits, '.', TAB, NUL */

/* One output row under construction: fields point at strtab strings, literals or bufs. */
struct row {
	const char *f[21];
	size_t len[21];
	size_t n;
	char buf[12][AP_FMT_MAX];
	unsigned nbuf;
};

static void put(struct row *r, const char *s)
{
	r->f[r->n] = s;
	r->len[r->n++] = strlen(s);
}

static void put_n(struct row *r, const char *s, size_t len)
{
	r->f[r->n] = s;
	r->len[r->n++] = len;
}

static void drop_col(struct row *r, size_t col)
{
	memmove(&r->f[col], &r->f[col + 1], (r->n - col - 1) * sizeof(r->f[0]));
	memmove(&r->len[col], &r->len[col + 1], (r->n - col - 1) * sizeof(r->len[0]));
	r->n--;
}

static char *next_buf(struct row *r)
{
	return r->buf[r->nbuf++];
}

static void put_u64(struct row *r, uint64_t v)
{
	char *b = next_buf(r);

	put_n(r, b, ap_fmt_u64(b, v));
}

/* A string column: AP_STR_NONE prints N/A. */
static const char *str_or_na(const struct ap_cann_view *v, uint32_t id)
{
	const char *s = ap_strtab_get(&v->strs, id);

	return s ? s : NA;
}

static int start_table(struct ap_csv_table *out, const char *const *cols, size_t n,
		       const char *what, struct ap_err *err)
{
	size_t lens[24], i;

	AP_RETURN_ERROR_IF(out->ncols || out->nrows, err, AP_EINVAL,
			   "%s: the output table is not empty", what);
	for (i = 0; i < n; i++)
		lens[i] = strlen(cols[i]);
	return ap_csv_table_add_row(out, cols, lens, n, err);
}

static int add_row(struct ap_csv_table *out, struct row *r, const char *what, struct ap_err *err)
{
	int rc = ap_csv_table_add_row(out, r->f, r->len, r->n, err);

	if (rc < 0)
		ap_err_prefix(err, "%s", what);
	r->n = 0;
	r->nbuf = 0;
	return rc;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

/* ---- ordering by integer keys ------------------------------------------------------------ */

/* The digits of v in decimal. */
static int ndigits(uint64_t v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* Whether the n starts (every stride bytes from first) are non-negative with as many digits
 * as each other: then comparing their µs texts is comparing the numbers. */
static int uniform_starts(const int64_t *const *start, size_t n)
{
	size_t i;
	int d;

	if (!n)
		return 1;
	if (*start[0] < 0)
		return 0;
	d = ndigits((uint64_t)*start[0]);
	for (i = 1; i < n; i++)
		if (*start[i] < 0 || ndigits((uint64_t)*start[i]) != d)
			return 0;
	return 1;
}

/* rank[i]: the place of device devs[i] among the distinct devices when their ids are compared
 * as text, as upstream compares the Device_id strings ("10" before "2"). Returns 0, or -1 for
 * more than 64 devices (the caller compares texts then). */
static int dev_ranks(const uint32_t *devs, size_t n, uint32_t *rank)
{
	uint32_t seen[64];
	size_t ns = 0, i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < ns && seen[k] != devs[i]; k++)
			;
		if (k == ns && ns == 64)
			return -1;
		if (k == ns)
			seen[ns++] = devs[i];
	}
	for (i = 0; i < n; i++) {
		char a[AP_FMT_MAX], b[AP_FMT_MAX];
		uint32_t r = 0;

		a[ap_fmt_u64(a, devs[i])] = '\0';
		for (k = 0; k < ns; k++) {
			b[ap_fmt_u64(b, seen[k])] = '\0';
			r += strcmp(b, a) < 0;
		}
		rank[i] = r;
	}
	return 0;
}

/* order[0..n) = the permutation sorting the rows by key(ctx, i, p) for p = np - 1 (most
 * significant) down to 0, stably. Returns 0 or AP_ENOMEM. */
static int radix_order(size_t n, int np, int64_t (*key)(const void *ctx, size_t i, int p),
		       const void *ctx, uint32_t *order)
{
	struct ap_sortkey *s = malloc((n ? n : 1) * sizeof(*s));
	size_t i;
	int p;

	if (!s)
		return AP_ENOMEM;
	for (i = 0; i < n; i++)
		s[i].idx = (uint32_t)i;
	for (p = 0; p < np; p++) {
		for (i = 0; i < n; i++)
			s[i].key = key(ctx, s[i].idx, p);
		if (ap_sort_keys(s, n) < 0) {
			free(s);
			return AP_ENOMEM;
		}
	}
	for (i = 0; i < n; i++)
		order[i] = s[i].idx;
	free(s);
	return 0;
}

/* Reorders n items of size sz at v by order. Returns 0 or AP_ENOMEM. */
static int permute(void *v, size_t n, size_t sz, const uint32_t *order)
{
	char *tmp = malloc((n ? n : 1) * sz);
	size_t i;

	if (!tmp)
		return AP_ENOMEM;
	for (i = 0; i < n; i++)
		memcpy(tmp + i * sz, (char *)v + (size_t)order[i] * sz, sz);
	memcpy(v, tmp, n * sz);
	free(tmp);
	return 0;
}

/* ---- op_summary: op_summary_assembler.cpp ---------------------------------------------- */

static const char *const op_summary_cols[] = {
	"Device_id", "Model ID", "Task ID", "Stream ID", "Op Name", "OP Type", "OP State",
	"Task Type", "Task Start Time(us)", "Task Duration(us)", "Task Wait Time(us)",
	"Block Num", "Mix Block Num", "HF32 Eligible", "Input Shapes", "Input Data Types",
	"Input Formats", "Output Shapes", "Output Data Types", "Output Formats", "Context ID",
};
#define COL_MIX_BLOCK 12
#define COL_CONTEXT 20
#define OP_SUMMARY_NCOLS (sizeof(op_summary_cols) / sizeof(op_summary_cols[0]))

struct op_key {
	const struct ap_cann_op_row *op;
	uint32_t idx;
	char dev[12];
	char start[KEYLEN];
};

static int is_comm(const struct ap_cann_op_row *op)
{
	return op->task_id == AP_CANN_NA;
}

static int cmp_op_key(const void *pa, const void *pb);

struct op_sort {
	const struct op_key *keys;
	const uint32_t *dev;
};

/* cmp_op_key's order as integer keys, least significant first (the starts being of one width) */
static int64_t op_sort_key(const void *ctx, size_t i, int p)
{
	const struct op_sort *c = ctx;
	const struct ap_cann_op_row *op = c->keys[i].op;

	switch (p) {
	case 0: return op->end;
	case 1: return op->context_id;
	case 2: return op->task_id;
	case 3: return op->stream_id;
	case 4: return is_comm(op);
	case 5: return op->start;
	default: return c->dev[i];
	}
}


/* Sorts keys as cmp_op_key: by radix passes when the starts are of one width (the texts then
 * compare as the numbers), else by comparing the texts. Returns 0 or AP_ENOMEM. */
static int sort_op_keys(struct op_key *keys, size_t n)
{
	const int64_t **st = malloc(n * sizeof(*st));
	uint32_t *devs = malloc(n * sizeof(*devs)), *rank = malloc(n * sizeof(*rank));
	uint32_t *order = malloc(n * sizeof(*order));
	struct op_sort c;
	size_t i;
	int ret = AP_ENOMEM;

	if (!st || !devs || !rank || !order)
		goto out;
	for (i = 0; i < n; i++) {
		st[i] = &keys[i].op->start;
		devs[i] = keys[i].op->device_id;
	}
	if (!uniform_starts(st, n) || dev_ranks(devs, n, rank) < 0) {
		qsort(keys, n, sizeof(*keys), cmp_op_key);
		ret = 0;
		goto out;
	}
	c.keys = keys;
	c.dev = rank;
	if (radix_order(n, 7, op_sort_key, &c, order) < 0 ||
	    permute(keys, n, sizeof(*keys), order) < 0)
		goto out;
	ret = 0;
out:
	free(st);
	free(devs);
	free(rank);
	free(order);
	return ret;
}

static int cmp_op_key(const void *pa, const void *pb)
{
	const struct op_key *a = pa, *b = pb;
	int c;

	/* upstream: std::sort on (Device_id text, Task Start Time text); the rest is ours */
	if ((c = strcmp(a->dev, b->dev)) || (c = strcmp(a->start, b->start)))
		return c;
	if ((c = is_comm(a->op) - is_comm(b->op)) || (c = cmp_u64(a->op->stream_id, b->op->stream_id)) ||
	    (c = cmp_u64(a->op->task_id, b->op->task_id)) ||
	    (c = cmp_u64(a->op->context_id, b->op->context_id)) || (c = cmp_i64(a->op->end, b->op->end)))
		return c;
	return cmp_u64(a->idx, b->idx);
}

/* Compute tasks op_summary leaves out (INVALID_TASK_TYPE of op_summary_assembler.cpp). */
static int op_summary_skips(const struct ap_cann_view *v, const struct ap_cann_op_row *op)
{
	const char *t = ap_strtab_get(&v->strs, op->task_type);

	if (is_comm(op) || !t)
		return 0;
	if (!strcmp(t, "COMMUNICATION"))
		return !ends_with(str_or_na(v, op->name), "AivKernel");
	return !strcmp(t, "WRITE_BACK") || !strcmp(t, "INVALID") || !strcmp(t, "HCCL_AI_CPU");
}

static const char *op_state_text(uint8_t s)
{
	return s == AP_CANN_STATIC ? "static" : s == AP_CANN_DYNAMIC ? "dynamic" : NA;
}

static const char *hf32_text(uint8_t h)
{
	return h == AP_CANN_HF32_YES ? "YES" : h == AP_CANN_HF32_NO ? "NO" : NA;
}

/* Upstream's uint64 arithmetic on end - timestamp (a negative duration wraps). */
static uint64_t dur_u64(int64_t start, int64_t end)
{
	return (uint64_t)end - (uint64_t)start;
}

/* The 6-decimal wait text (std::to_string of a double, "%f") of an exact ns count. */
static void put_wait(struct row *r, uint64_t wait_ns)
{
	char *b = next_buf(r);
	size_t n = ap_fmt_u64_us3(b, wait_ns);

	memcpy(b + n, "000", 4);
	put_n(r, b, n + 3);
}

static void op_summary_row(struct row *r, const struct ap_cann_view *v, const struct op_key *k,
			   const struct op_key *prev)
{
	const struct ap_cann_op_row *op = k->op;
	char *start = next_buf(r);
	size_t n = strlen(k->start);
	unsigned i;

	put(r, k->dev);
	put_u64(r, op->model_id);
	if (is_comm(op)) {
		put(r, NA);
		put(r, NA);
	} else {
		put_u64(r, op->task_id);
		put_u64(r, op->stream_id);
	}
	put(r, str_or_na(v, op->name));
	put(r, str_or_na(v, op->op_type));
	put(r, is_comm(op) ? NA : op_state_text(op->op_state));
	put(r, is_comm(op) ? "COMMUNICATION" : str_or_na(v, op->task_type));
	memcpy(start, k->start, n);
	memcpy(start + n, "\t", 2); /* WriteToFile appends the TAB after the sort */
	put_n(r, start, n + 1);
	{
		char *b = next_buf(r);

		put_n(r, b, ap_fmt_u64_us3(b, dur_u64(op->start, op->end)));
	}
	if (!prev) {
		put(r, "0");
	} else {
		uint64_t s = (uint64_t)op->start, ps = (uint64_t)prev->op->start;
		uint64_t pd = dur_u64(prev->op->start, prev->op->end), gap = s > ps ? s - ps : 0;

		put_wait(r, gap > pd ? gap - pd : 0);
	}
	if (is_comm(op)) {
		put(r, "0");
		for (i = 0; i < 9; i++)
			put(r, NA);
	} else {
		put_u64(r, op->block_num);
		put_u64(r, op->mix_block_num);
		put(r, hf32_text(op->hf32));
		put(r, str_or_na(v, op->in_shapes));
		put(r, str_or_na(v, op->in_dtypes));
		put(r, str_or_na(v, op->in_formats));
		put(r, str_or_na(v, op->out_shapes));
		put(r, str_or_na(v, op->out_dtypes));
		put(r, str_or_na(v, op->out_formats));
		if (op->context_id == AP_CANN_NO_CTX)
			put(r, NA);
		else
			put_u64(r, op->context_id);
	}
	if (!v->stars) { /* GetMaskCols: the STARS-only columns are dropped */
		drop_col(r, COL_CONTEXT);
		drop_col(r, COL_MIX_BLOCK);
	}
}

int ap_cann_tabulate_op_summary(struct ap_csv_table *out, const struct ap_cann_view *v,
				struct ap_err *err)
{
	const char *cols[OP_SUMMARY_NCOLS];
	struct op_key *keys = NULL;
	struct row r;
	size_t i, n = 0, ncols = 0;
	int rc;

	for (i = 0; i < OP_SUMMARY_NCOLS; i++)
		if (v->stars || (i != COL_MIX_BLOCK && i != COL_CONTEXT))
			cols[ncols++] = op_summary_cols[i];
	rc = start_table(out, cols, ncols, "op_summary", err);
	if (rc < 0)
		return rc;
	if (v->ops.n) {
		keys = malloc(v->ops.n * sizeof(*keys));
		AP_RETURN_ERROR_IF(!keys, err, AP_ENOMEM, "op_summary: %zu rows", v->ops.n);
	}
	for (i = 0; i < v->ops.n; i++) {
		const struct ap_cann_op_row *op = &v->ops.v[i];

		if (op_summary_skips(v, op))
			continue;
		keys[n].op = op;
		keys[n].idx = (uint32_t)i;
		ap_fmt_u64(keys[n].dev, op->device_id);
		ap_fmt_u64_us3(keys[n].start, (uint64_t)op->start);
		n++;
	}
	if (n > 1) {
		rc = sort_op_keys(keys, n);
		if (rc < 0) {
			free(keys);
			return ap_err_set(err, AP_ENOMEM, "op_summary: out of memory for %zu rows", n);
		}
	}
	r.n = r.nbuf = 0;
	for (i = 0; i < n; i++) {
		op_summary_row(&r, v, &keys[i], i ? &keys[i - 1] : NULL);
		rc = add_row(out, &r, "op_summary", err);
		if (rc < 0)
			break;
	}
	free(keys);
	return rc;
}

/* ---- op_statistic: op_counter_op_scene_calculator.py (op_report), op_statistic_processor.cpp,
 * op_statistic_assembler.cpp ------------------------------------------------------------ */

struct stat_key {
	const struct ap_cann_op_row *op;
	const char *op_type, *core_type; /* N/A for AP_STR_NONE: SQLite groups the text */
};

static int cmp_stat_key(const void *pa, const void *pb)
{
	const struct stat_key *a = pa, *b = pb;
	int c;

	if ((c = cmp_u64(a->op->device_id, b->op->device_id)) || (c = strcmp(a->op_type, b->op_type)) ||
	    (c = strcmp(a->core_type, b->core_type)) || (c = cmp_i64(a->op->start, b->op->start)))
		return c;
	return cmp_i64(a->op->end, b->op->end);
}

struct stat_group {
	uint32_t device;
	const char *op_type, *core_type;
	uint64_t count;
	int64_t total, min, max;
	double ratio;
};

static int cmp_stat_group(const void *pa, const void *pb)
{
	const struct stat_group *a = pa, *b = pb;
	int c;

	/* upstream: std::sort by total time descending; the rest is the order it had before
	 * (devices, then Python's stable sort by ratio over SQLite's GROUP BY order) */
	if ((c = cmp_i64(b->total, a->total)) || (c = cmp_u64(a->device, b->device)) ||
	    (c = strcmp(a->op_type, b->op_type)))
		return c;
	return strcmp(a->core_type, b->core_type);
}

static int stat_counted(const struct ap_cann_view *v, const struct ap_cann_op_row *op,
			int64_t collect_start_ns)
{
	const char *t = ap_strtab_get(&v->strs, op->task_type);

	/* _get_ge_sql: task_type != COMMUNICATION and != HCCL_AI_CPU; _get_op_report_sql:
	 * start_time > the collection start */
	if (is_comm(op) || op->start <= collect_start_ns)
		return 0;
	return !t || (strcmp(t, "COMMUNICATION") && strcmp(t, "HCCL_AI_CPU"));
}

/* Ratio(%) of a group: Python round(total / device_total * 100.0, 6) (0 when the device's
 * total is 0), read back by SQLite's round(ratio, 3). */
static double stat_ratio(int64_t total, int64_t device_total)
{
	if (device_total <= 0)
		return 0.0;
	return ap_fmt_py_round((double)total / (double)device_total * 100.0, 6);
}

static void stat_row(struct row *r, const struct stat_group *g)
{
	char *b;

	put_u64(r, g->device);
	put(r, g->op_type);
	put(r, g->core_type);
	put_u64(r, g->count);
	b = next_buf(r);
	put_n(r, b, ap_fmt_ns_us_trim(b, g->total));
	b = next_buf(r);
	put_n(r, b, ap_fmt_ns_us_trim(b, g->min));
	/* sum(duration)/count(op_type) of INTEGER columns: SQLite's integer division */
	b = next_buf(r);
	put_n(r, b, ap_fmt_ns_us_trim(b, g->total / (int64_t)g->count));
	b = next_buf(r);
	put_n(r, b, ap_fmt_ns_us_trim(b, g->max));
	b = next_buf(r);
	put_n(r, b, ap_fmt_round3_trim(b, g->ratio));
}

/* Groups keys[0..n) (sorted by cmp_stat_key) into groups, ratios set; returns their count. */
static size_t stat_groups(const struct stat_key *keys, size_t n, struct stat_group *groups)
{
	size_t i, ng = 0, first = 0;
	int64_t device_total = 0;

	for (i = 0; i < n; i++) {
		const struct ap_cann_op_row *op = keys[i].op;
		int64_t d = op->end - op->start;
		struct stat_group *g = ng ? &groups[ng - 1] : NULL;

		if (!g || g->device != op->device_id || strcmp(g->op_type, keys[i].op_type) ||
		    strcmp(g->core_type, keys[i].core_type)) {
			g = &groups[ng++];
			g->device = op->device_id;
			g->op_type = keys[i].op_type;
			g->core_type = keys[i].core_type;
			g->count = 0;
			g->total = 0;
			g->min = g->max = d;
		}
		g->count++;
		g->total += d;
		g->min = d < g->min ? d : g->min;
		g->max = d > g->max ? d : g->max;
	}
	/* ratios over each device's groups, N/A and WRITE_BACK/INVALID included */
	for (i = 0; i <= ng; i++) {
		size_t j;

		if (i < ng && groups[i].device == groups[first].device) {
			device_total += groups[i].total;
			continue;
		}
		for (j = first; j < i; j++)
			groups[j].ratio = stat_ratio(groups[j].total, device_total);
		first = i;
		device_total = i < ng ? groups[i].total : 0;
	}
	return ng;
}

int ap_cann_tabulate_op_statistic(struct ap_csv_table *out, const struct ap_cann_view *v,
				  int64_t collect_start_ns, struct ap_err *err)
{
	static const char *const cols[] = {
		"Device_id", "OP Type", "Core Type", "Count", "Total Time(us)",
		"Min Time(us)", "Avg Time(us)", "Max Time(us)", "Ratio(%)",
	};
	struct stat_key *keys = NULL;
	struct stat_group *groups = NULL;
	struct row r;
	size_t i, n = 0, ng;
	int rc;

	rc = start_table(out, cols, sizeof(cols) / sizeof(cols[0]), "op_statistic", err);
	if (rc < 0 || !v->ops.n)
		return rc;
	keys = malloc(v->ops.n * sizeof(*keys));
	groups = malloc(v->ops.n * sizeof(*groups));
	if (!keys || !groups) {
		rc = ap_err_set(err, AP_ENOMEM, "op_statistic: %zu rows", v->ops.n);
		goto out;
	}
	for (i = 0; i < v->ops.n; i++) {
		const struct ap_cann_op_row *op = &v->ops.v[i];

		if (!stat_counted(v, op, collect_start_ns))
			continue;
		keys[n].op = op;
		keys[n].op_type = str_or_na(v, op->op_type);
		keys[n].core_type = str_or_na(v, op->task_type);
		n++;
	}
	if (n > 1)
		qsort(keys, n, sizeof(*keys), cmp_stat_key);
	ng = stat_groups(keys, n, groups);
	if (ng > 1)
		qsort(groups, ng, sizeof(*groups), cmp_stat_group);
	r.n = r.nbuf = 0;
	for (i = 0; i < ng; i++) {
		const struct stat_group *g = &groups[i];

		/* LoadData: op_type != 'N/A' and core_type not in ('WRITE_BACK', 'INVALID') */
		if (!strcmp(g->op_type, NA) || !strcmp(g->core_type, "WRITE_BACK") ||
		    !strcmp(g->core_type, "INVALID"))
			continue;
		stat_row(&r, g);
		rc = add_row(out, &r, "op_statistic", err);
		if (rc < 0)
			break;
	}
out:
	free(keys);
	free(groups);
	return rc;
}

/* ---- api_statistic: api_statistic_assembler.cpp, api_processor.cpp --------------------- */

/* API_LEVEL_TABLE of db_constant.h with prof_common.h's numbers. */
static unsigned api_level_number(const char *name)
{
	static const struct {
		const char *name;
		unsigned number;
	} levels[] = {
		{"acl", 20000}, {"model", 15000}, {"node", 10000},
		{"communication", 5500}, {"runtime", 5000},
	};
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(name, levels[i].name))
			return levels[i].number;
	return 65536; /* not upstream's: after every known level */
}

struct api_key {
	const struct ap_cann_api_row *api;
	const char *name, *level;
	unsigned level_number;
	uint32_t idx;
};

static int same_api(const struct api_key *a, const struct api_key *b)
{
	return a->level_number == b->level_number && !strcmp(a->name, b->name) &&
	       !strcmp(a->level, b->level);
}

/* RoundToDecimalPlaces(x, 3) of utils.cpp: std::round(x * 10^3) / 10^3. */
static double round3(double x)
{
	return round(x * 1000.0) / 1000.0;
}

/* One group keys[0..n): the numbers as GenerateApiStatistic computes them. */
static void api_row(struct row *r, const struct api_key *keys, size_t n)
{
	double sum = 0.0, min = 0.0, max = 0.0, avg, var = 0.0;
	size_t i;
	char *b;

	for (i = 0; i < n; i++) {
		/* StrToDouble(DivideByPowersOfTenWithPrecision(end - timestamp)) rounded */
		double x = round3((double)dur_u64(keys[i].api->start, keys[i].api->end) / 1000.0);

		sum += x;
		min = !i || x < min ? x : min;
		max = !i || x > max ? x : max;
	}
	avg = round3(sum / (double)n);
	for (i = 0; i < n; i++) {
		double x = round3((double)dur_u64(keys[i].api->start, keys[i].api->end) / 1000.0);

		var += (x - avg) * (x - avg);
	}
	var = round3(var / (double)n);
	put(r, "host");
	put(r, keys[0].level);
	put(r, keys[0].name);
	b = next_buf(r);
	put_n(r, b, ap_fmt_fixed_trim(b, sum, 3));
	put_u64(r, n);
	b = next_buf(r);
	put_n(r, b, ap_fmt_fixed_trim(b, avg, 3));
	b = next_buf(r);
	put_n(r, b, ap_fmt_fixed_trim(b, min, 3));
	b = next_buf(r);
	put_n(r, b, ap_fmt_fixed_trim(b, max, 3));
	b = next_buf(r);
	put_n(r, b, ap_fmt_fixed_trim(b, var, 3));
}

/* One distinct name (or level) of the API rows, to be ranked. */
struct distinct {
	const char *name;
	unsigned number; /* level number (levels only) */
	uint64_t id;     /* its string id */
};

static int cmp_distinct(const void *pa, const void *pb)
{
	const struct distinct *a = pa, *b = pb;
	int c = cmp_u64(a->number, b->number);

	return c ? c : strcmp(a->name, b->name);
}

/* rank[k] for each key: the place of its name (level: its level number, then name) among the
 * distinct ones, so that rows sort by integers (few distinct names, many rows). Returns 0 or
 * AP_ENOMEM. */
static int rank_ids(const struct api_key *keys, size_t n, int level, uint32_t *rank)
{
	struct ap_u64map ids; /* string id -> rank */
	struct distinct *d = malloc((n ? n : 1) * sizeof(*d));
	size_t nd = 0, i;
	int ret = AP_ENOMEM;

	if (!d || ap_u64map_init(&ids, 64) < 0) {
		free(d);
		return AP_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		uint64_t id = level ? keys[i].api->level : keys[i].api->name;
		int added;
		struct ap_u64map_slot *sl = ap_u64map_get(&ids, id, &added);

		if (!sl)
			goto out;
		if (added) {
			d[nd].name = level ? keys[i].level : keys[i].name;
			d[nd].number = level ? keys[i].level_number : 0;
			d[nd++].id = id;
		}
	}
	qsort(d, nd, sizeof(*d), cmp_distinct);
	for (i = 0; i < nd; i++)
		ap_u64map_find(&ids, d[i].id)->val = (uint32_t)i;
	for (i = 0; i < n; i++)
		rank[i] = ap_u64map_find(&ids, level ? keys[i].api->level : keys[i].api->name)->val;
	ret = 0;
out:
	ap_u64map_release(&ids);
	free(d);
	return ret;
}

/* Sorts keys by API Name bytes, then level (DataKey::operator<), then start and end (the
 * summing order), then view index, with four stable radix passes over integer keys (end, start,
 * level rank, name rank) instead of string comparisons. Returns 0 or AP_ENOMEM. */
static int sort_api_keys(struct api_key *keys, size_t n)
{
	uint32_t *nr = malloc(n * sizeof(*nr)), *lr = malloc(n * sizeof(*lr));
	struct ap_sortkey *s = malloc(n * sizeof(*s));
	struct api_key *tmp = malloc(n * sizeof(*tmp));
	size_t i;
	int pass, ret = AP_ENOMEM;

	if (!nr || !lr || !s || !tmp || rank_ids(keys, n, 0, nr) < 0 || rank_ids(keys, n, 1, lr) < 0)
		goto out;
	for (i = 0; i < n; i++)
		s[i].idx = (uint32_t)i;
	for (pass = 0; pass < 4; pass++) {
		for (i = 0; i < n; i++) {
			const struct api_key *k = &keys[s[i].idx];

			s[i].key = pass == 0 ? k->api->end : pass == 1 ? k->api->start
				 : pass == 2 ? (int64_t)lr[s[i].idx] : (int64_t)nr[s[i].idx];
		}
		if (ap_sort_keys(s, n) < 0)
			goto out;
	}
	for (i = 0; i < n; i++)
		tmp[i] = keys[s[i].idx];
	memcpy(keys, tmp, n * sizeof(*keys));
	ret = 0;
out:
	free(nr);
	free(lr);
	free(s);
	free(tmp);
	return ret;
}

int ap_cann_tabulate_api_statistic(struct ap_csv_table *out, const struct ap_cann_view *v,
				   struct ap_err *err)
{
	static const char *const cols[] = {
		"Device_id", "Level", "API Name", "Time(us)", "Count", "Avg(us)", "Min(us)",
		"Max(us)", "Variance",
	};
	struct api_key *keys;
	struct row r;
	size_t i, first;
	int rc;

	rc = start_table(out, cols, sizeof(cols) / sizeof(cols[0]), "api_statistic", err);
	if (rc < 0 || !v->apis.n)
		return rc;
	keys = malloc(v->apis.n * sizeof(*keys));
	AP_RETURN_ERROR_IF(!keys, err, AP_ENOMEM, "api_statistic: %zu rows", v->apis.n);
	for (i = 0; i < v->apis.n; i++) {
		keys[i].api = &v->apis.v[i];
		keys[i].name = str_or_na(v, keys[i].api->name);
		keys[i].level = str_or_na(v, keys[i].api->level);
		keys[i].level_number = api_level_number(keys[i].level);
		keys[i].idx = (uint32_t)i;
	}
	if (v->apis.n > 1 && sort_api_keys(keys, v->apis.n) < 0) {
		free(keys);
		return ap_err_set(err, AP_ENOMEM, "api_statistic: out of memory for %zu rows",
				  v->apis.n);
	}
	r.n = r.nbuf = 0;
	for (first = 0, i = 1; i <= v->apis.n; i++) {
		if (i < v->apis.n && same_api(&keys[first], &keys[i]))
			continue;
		api_row(&r, keys + first, i - first);
		rc = add_row(out, &r, "api_statistic", err);
		if (rc < 0)
			break;
		first = i;
	}
	free(keys);
	return rc;
}

/* ---- task_time: task_time_assembler.cpp ------------------------------------------------ */

struct task_key {
	const struct ap_cann_task_row *task;
	uint32_t idx;
	char dev[12];
	char start[KEYLEN]; /* with the TAB, as sortRes compares it */
};

static int cmp_task_key(const void *pa, const void *pb)
{
	const struct task_key *a = pa, *b = pb;
	int c;

	/* sortRes: both branches of its comparator compare task_start(us) only */
	if ((c = strcmp(a->start, b->start)) || (c = strcmp(a->dev, b->dev)) ||
	    (c = cmp_u64(a->task->stream_id, b->task->stream_id)) ||
	    (c = cmp_u64(a->task->task_id, b->task->task_id)) || (c = cmp_i64(a->task->end, b->task->end)))
		return c;
	return cmp_u64(a->idx, b->idx);
}

struct task_sort {
	const struct task_key *keys;
	const uint32_t *dev;
};

/* cmp_task_key's order as integer keys, least significant first */
static int64_t task_sort_key(const void *ctx, size_t i, int p)
{
	const struct task_sort *c = ctx;
	const struct ap_cann_task_row *t = c->keys[i].task;

	switch (p) {
	case 0: return t->end;
	case 1: return t->task_id;
	case 2: return t->stream_id;
	case 3: return c->dev[i];
	default: return t->start;
	}
}

/* Sorts keys as cmp_task_key, by radix passes when the starts are of one width. Returns 0 or
 * AP_ENOMEM. */
static int sort_task_keys(struct task_key *keys, size_t n)
{
	const int64_t **st = malloc(n * sizeof(*st));
	uint32_t *devs = malloc(n * sizeof(*devs)), *rank = malloc(n * sizeof(*rank));
	uint32_t *order = malloc(n * sizeof(*order));
	struct task_sort c;
	size_t i;
	int ret = AP_ENOMEM;

	if (!st || !devs || !rank || !order)
		goto out;
	for (i = 0; i < n; i++) {
		st[i] = &keys[i].task->start;
		devs[i] = keys[i].task->device_id;
	}
	if (!uniform_starts(st, n) || dev_ranks(devs, n, rank) < 0) {
		qsort(keys, n, sizeof(*keys), cmp_task_key);
		ret = 0;
		goto out;
	}
	c.keys = keys;
	c.dev = rank;
	if (radix_order(n, 5, task_sort_key, &c, order) < 0 ||
	    permute(keys, n, sizeof(*keys), order) < 0)
		goto out;
	ret = 0;
out:
	free(st);
	free(devs);
	free(rank);
	free(order);
	return ret;
}

static void task_row(struct row *r, const struct ap_cann_view *v, const struct task_key *k)
{
	const struct ap_cann_task_row *t = k->task;
	char *b;
	size_t n;

	put(r, k->dev);
	put(r, str_or_na(v, t->kernel_name));
	put(r, str_or_na(v, t->kernel_type));
	put_u64(r, (uint16_t)t->stream_id); /* TaskId::streamId is a uint16_t */
	put_u64(r, t->task_id);
	b = next_buf(r);
	put_n(r, b, ap_fmt_u64_us3(b, t->dur));
	put(r, k->start);
	b = next_buf(r);
	n = ap_fmt_u64_us3(b, (uint64_t)t->end);
	memcpy(b + n, "\t", 2);
	put_n(r, b, n + 1);
}

/* The rows of v->tasks by (stream, task, batch), for FilterAscendTaskData. */
static int cmp_group(const void *pa, const void *pb)
{
	const struct ap_cann_task_row *a = *(const struct ap_cann_task_row *const *)pa;
	const struct ap_cann_task_row *b = *(const struct ap_cann_task_row *const *)pb;

	if (a->stream_id != b->stream_id)
		return a->stream_id < b->stream_id ? -1 : 1;
	if (a->task_id != b->task_id)
		return a->task_id < b->task_id ? -1 : 1;
	if (a->batch != b->batch)
		return a->batch < b->batch ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* FilterAscendTaskData (task_time_assembler.cpp): rows sharing (stream, task, batch) whatever
 * their device are one group; a group holding context 0 (a MIX kernel's subtask beside its SQ
 * task) keeps only its context-0 rows, any other group every row. keep[i] says whether
 * v->tasks.v[i] stays. Returns 0 or AP_ENOMEM. */
static int task_filter(const struct ap_cann_view *v, uint8_t *keep)
{
	const struct ap_cann_task_row **o = malloc(v->tasks.n * sizeof(*o));
	size_t i, j;

	if (!o)
		return AP_ENOMEM;
	for (i = 0; i < v->tasks.n; i++)
		o[i] = &v->tasks.v[i];
	qsort(o, v->tasks.n, sizeof(*o), cmp_group);
	for (i = 0; i < v->tasks.n; i = j) {
		int mix = 0;
		size_t k;

		for (j = i + 1; j < v->tasks.n && o[j]->stream_id == o[i]->stream_id &&
				o[j]->task_id == o[i]->task_id && o[j]->batch == o[i]->batch;
		     j++)
			;
		for (k = i; k < j; k++)
			mix |= o[k]->context_id == 0;
		for (k = i; k < j; k++)
			keep[o[k] - v->tasks.v] = j - i == 1 || !mix || o[k]->context_id == 0;
	}
	free(o);
	return 0;
}

int ap_cann_tabulate_task_time(struct ap_csv_table *out, const struct ap_cann_view *v,
			       struct ap_err *err)
{
	static const char *const cols[] = {
		"Device_id", "kernel_name", "kernel_type", "stream_id", "task_id",
		"task_time(us)", "task_start(us)", "task_stop(us)",
	};
	struct task_key *keys;
	struct row r;
	uint8_t *keep;
	size_t i, nk = 0;
	int rc;

	rc = start_table(out, cols, sizeof(cols) / sizeof(cols[0]), "task_time", err);
	if (rc < 0 || !v->tasks.n)
		return rc;
	keys = malloc(v->tasks.n * sizeof(*keys));
	keep = malloc(v->tasks.n);
	if (!keys || !keep || task_filter(v, keep) < 0) {
		free(keys);
		free(keep);
		return ap_err_set(err, AP_ENOMEM, "task_time: out of memory for %zu rows", v->tasks.n);
	}
	for (i = 0; i < v->tasks.n; i++) {
		size_t n;

		if (!keep[i])
			continue;
		keys[nk].task = &v->tasks.v[i];
		keys[nk].idx = (uint32_t)i;
		ap_fmt_u64(keys[nk].dev, keys[nk].task->device_id);
		n = ap_fmt_u64_us3(keys[nk].start, (uint64_t)keys[nk].task->start);
		memcpy(keys[nk].start + n, "\t", 2);
		nk++;
	}
	free(keep);
	if (nk > 1 && sort_task_keys(keys, nk) < 0) {
		free(keys);
		return ap_err_set(err, AP_ENOMEM, "task_time: out of memory for %zu rows", nk);
	}
	r.n = r.nbuf = 0;
	for (i = 0; i < nk; i++) {
		task_row(&r, v, &keys[i]);
		rc = add_row(out, &r, "task_time", err);
		if (rc < 0)
			break;
	}
	free(keys);
	return rc;
}
