/* The raw join's view formatted as msprof's op_statistic and api_statistic tables
 * (ap/cann_tables.h). Each rule names its upstream source (Ascend/msprof, analysis/): see
 * man/ascprof-outputs.5. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_tables.h"
#include "ap/u64map.h"
#include "w_cann_local.h"
#include "../base/banned.h"

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
