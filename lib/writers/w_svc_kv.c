/* kvcache.csv and request_status.csv of a service dump (specs/ms_service_profiler.md §3.3,
 * §3.9; upstream exporters/exporter_kvcache.py, exporters/exporter_req_status.py). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/svc_csv.h"
#include "ap/svc_fmt.h"
#include "ap/u64map.h"
#include "w_svc_local.h"
#include "../base/banned.h"

static int name_is(const char *name, const char *want)
{
	return name && !strcmp(name, want);
}

static void cell_str(struct ap_out *o, int first, const char *s)
{
	ap_csv_field(o, first, s ? s : "", s ? strlen(s) : 0);
}

/* A float64 cell: repr(float), NaN empty. */
static void cell_f(struct ap_out *o, double x)
{
	char buf[AP_FMT_MAX];

	ap_out_putc(o, ',');
	if (!isnan(x))
		ap_out_write(o, buf, ap_fmt_double(buf, x));
}

static void cell_i(struct ap_out *o, int64_t v)
{
	char buf[AP_FMT_MAX];

	ap_out_putc(o, ',');
	ap_out_write(o, buf, ap_fmt_i64(buf, v));
}

static void cell_datetime(struct ap_out *o, double us)
{
	char buf[48];

	ap_out_putc(o, ',');
	ap_out_write(o, buf, ap_svc_fmt_datetime(buf, us));
}

/* A numeric attribute as the merged float64 column holds it: NaN when absent, null or not a
 * number. */
static double attr_num(const struct ap_svc_row *r, const char *key)
{
	const struct ap_sv *v = ap_sv_get(&r->attrs, key);

	if (!v)
		return NAN;
	if (v->type == AP_SV_INT)
		return (double)v->u.i;
	if (v->type == AP_SV_REAL)
		return v->u.d;
	return NAN;
}

/* Whether every row of the dump has an integer attribute key: only then is the merged column
 * int64 (a row without it makes it float64). */
static int all_int(const struct ap_svc *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n_rows; i++) {
		const struct ap_sv *v = ap_sv_get(&s->rows[i].attrs, key);

		if (!v || v->type != AP_SV_INT)
			return 0;
	}
	return s->n_rows > 0;
}

/* An object cell holding a number of a column (int64 when as_int) or a string. */
static void cell_attr(struct ap_out *o, struct ap_strbuf *sb, const struct ap_sv *v, int as_int)
{
	if (!v || v->type == AP_SV_ABSENT || v->type == AP_SV_NULL) {
		ap_out_putc(o, ',');
	} else if (v->type == AP_SV_INT && as_int) {
		cell_i(o, v->u.i);
	} else if (v->type == AP_SV_INT) {
		cell_f(o, (double)v->u.i);
	} else if (v->type == AP_SV_REAL) {
		cell_f(o, v->u.d);
	} else {
		ap_strbuf_reset(sb);
		ap_sv_pystr(sb, v);
		ap_csv_field(o, 0, sb->buf, sb->len);
	}
}

/* ---- kvcache.csv -------------------------------------------------------------------------- */

static int is_kv_row(const struct ap_svc_row *r)
{
	return r->domain && (!strcmp(r->domain, "KVCache") || !strcmp(r->domain, "Schedule.KVCache"));
}

static int kv_selected(const struct ap_svc_row *r)
{
	return is_kv_row(r) && !name_is(r->name, "CacheHitRate");
}

static void kcol(struct ap_svc_sink_col *c, const char *csv, const char *db,
		 enum ap_svc_db_type t)
{
	c->csv = csv;
	c->db.name = db;
	c->db.type = t;
}

/* Legacy MindIE layout (kvcache_usage_rate_calculator): rid, name, start_time,
 * device_kvcache_left, kvcache_usage_rate. */
static int emit_legacy(struct ap_svc_sink *k, const struct ap_svc *s, struct ap_err *err)
{
	struct ap_svc_sink_col cols[5];
	int dev_int = all_int(s, "deviceBlock="), rate_f = 0, free_nan = 0, ret;
	double max_free = 0.0;
	size_t i;
	int any_free = 0;

	/* maxFree = numpy max of deviceBlock= over Free rows (NaN if one lacks it, 0 if none) */
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		double v;

		if (!kv_selected(r) || !name_is(r->name, "Free"))
			continue;
		v = attr_num(r, "deviceBlock=");
		if (isnan(v))
			free_nan = 1;
		else if (!any_free || v > max_free)
			max_free = v;
		any_free = 1;
	}
	if (free_nan)
		max_free = NAN;
	/* the rate column is int64 only when every cell is the int 0 */
	for (i = 0; i < s->n_rows && !rate_f; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		if (!kv_selected(r))
			continue;
		if (!r->rid)
			rate_f = 1;
		else if (max_free > 0 && (name_is(r->name, "Allocate") || name_is(r->name, "AppendSlot") ||
					  name_is(r->name, "Free")))
			rate_f = 1;
	}
	kcol(&cols[0], "rid", "rid", AP_SVC_DB_TEXT);
	kcol(&cols[1], "name", "name", AP_SVC_DB_TEXT);
	kcol(&cols[2], "start_time", "start_datetime", AP_SVC_DB_TEXT);
	kcol(&cols[3], "device_kvcache_left", "device_kvcache_left",
	     dev_int ? AP_SVC_DB_INTEGER : AP_SVC_DB_REAL);
	kcol(&cols[4], "kvcache_usage_rate", "kvcache_usage_rate",
	     rate_f ? AP_SVC_DB_REAL : AP_SVC_DB_INTEGER);
	ret = ap_svc__sink_begin(k, cols, 5, err);
	for (i = 0; i < s->n_rows && !ret; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		double rate = 0.0;

		if (!kv_selected(r))
			continue;
		ap_svc__sink_str(k, r->rid, SIZE_MAX);
		ap_svc__sink_str(k, r->name, SIZE_MAX);
		ap_svc__sink_datetime(k, r->start_us);
		ap_svc__sink_sv(k, ap_sv_get(&r->attrs, "deviceBlock="), dev_int);
		if (!r->rid) {
			rate = NAN;
		} else if (max_free > 0 && (name_is(r->name, "Allocate") ||
					    name_is(r->name, "AppendSlot") || name_is(r->name, "Free"))) {
			rate = (max_free - attr_num(r, "deviceBlock=")) / max_free;
		}
		if (rate_f)
			ap_svc__sink_f(k, rate);
		else
			ap_svc__sink_i(k, 0);
		ret = ap_svc__sink_row(k, err);
	}
	return ret;
}

static int emit_new(struct ap_svc_sink *k, const struct ap_svc *s, struct ap_err *err)
{
	static const char *const names[7] = {
		"total_blocks", "used_blocks", "free_blocks", "blocks_allocated", "blocks_freed",
		"kvcache_usage_rate",
	};
	struct ap_svc_sink_col cols[8];
	int as_int = 1, ret, c;
	size_t i;

	/* the block columns are int64 when every process had KV rows, else float64 (NaN) */
	for (i = 0; i < s->n_rows; i++)
		as_int &= s->rows[i].has_kv;
	kcol(&cols[0], "name", "name", AP_SVC_DB_TEXT);
	kcol(&cols[1], "start_time", "start_datetime", AP_SVC_DB_TEXT);
	for (c = 0; c < 6; c++)
		kcol(&cols[2 + c], names[c], names[c],
		     as_int && c < 5 ? AP_SVC_DB_INTEGER : AP_SVC_DB_REAL);
	ret = ap_svc__sink_begin(k, cols, 8, err);
	for (i = 0; i < s->n_rows && !ret; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		int64_t v[5];

		if (!kv_selected(r))
			continue;
		ap_svc__sink_str(k, r->name, SIZE_MAX);
		ap_svc__sink_datetime(k, r->start_us);
		v[0] = r->total_blocks;
		v[1] = r->used_blocks;
		v[2] = r->free_blocks;
		v[3] = r->blocks_allocated;
		v[4] = r->blocks_freed;
		for (c = 0; c < 5; c++) {
			if (!r->has_kv)
				ap_svc__sink_f(k, NAN);
			else if (as_int)
				ap_svc__sink_i(k, v[c]);
			else
				ap_svc__sink_f(k, (double)v[c]);
		}
		ap_svc__sink_f(k, r->has_kv ? r->kvcache_usage_rate : NAN);
		ret = ap_svc__sink_row(k, err);
	}
	return ret;
}

/* kvcache.csv / table kvcache into k; nothing when no row qualifies. */
static int kvcache_emit(const struct ap_svc *s, struct ap_svc_sink *k, struct ap_err *err)
{
	int has_dev = 0, legacy = 0, ret;
	size_t i, n = 0;

	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		has_dev |= ap_sv_get(&r->attrs, "deviceBlock=") != NULL;
		if (!kv_selected(r))
			continue;
		n++;
		legacy |= name_is(r->name, "Allocate") || name_is(r->name, "AppendSlot");
	}
	if (!n)
		return 0;
	if (legacy && has_dev)
		ret = emit_legacy(k, s, err);
	else
		ret = emit_new(k, s, err);
	if (!ret)
		ret = ap_svc__sink_commit(k, err);
	return ret;
}

int ap_svc_write_kvcache(const struct ap_svc *s, const char *dir, struct ap_err *err)
{
	struct ap_svc_sink k;
	int ret;

	ap_svc__sink_init(&k, NULL, dir, "kvcache.csv");
	ret = kvcache_emit(s, &k, err);
	ap_svc__sink_release(&k);
	return ret;
}

/* kvcache start_datetime keeps its microseconds (ascprof; upstream truncates them for db). */
int ap_svc__db_kvcache(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err)
{
	struct ap_svc_sink k;
	int ret;

	ap_svc__sink_init(&k, db, NULL, "kvcache");
	ret = kvcache_emit(s, &k, err);
	ap_svc__sink_release(&k);
	return ret;
}

/* ---- request_status.csv ------------------------------------------------------------------- */

static int sv_str_in(const struct ap_sv *v, const char *const *set, int n)
{
	int k;

	if (!v || v->type != AP_SV_STR)
		return -1;
	for (k = 0; k < n; k++)
		if (strlen(set[k]) == v->n && !memcmp(v->u.s, set[k], v->n))
			return k;
	return -1;
}

struct rs_ctx {
	const char *state_key;       /* "status" or "scope#QueueName" */
	const char *const *states;   /* waiting, running, swapped in its case */
};

/* The state column index (0 waiting, 1 running, 2 swapped) of a selected row, else -1. */
static int rs_state(const struct ap_svc_row *r, const struct rs_ctx *c)
{
	static const char *const queues[] = { "WAITING", "RUNNING", "SWAPPED", "PENDING" };

	if (!name_is(r->domain, "Schedule"))
		return -1;
	if (!name_is(r->name, "Queue") && sv_str_in(ap_sv_get(&r->attrs, "scope#QueueName"), queues, 4) < 0)
		return -1;
	return sv_str_in(ap_sv_get(&r->attrs, c->state_key), c->states, 3);
}

/* hostuid: the file's hostname (Meta), else the row's hostname attribute, else 'None'. */
static void cell_hostuid(struct ap_out *o, struct ap_strbuf *sb, const struct ap_svc *s,
			 const struct ap_svc_row *r)
{
	const char *h = ap_svc_file_meta(&s->files[r->file], "hostname");
	const struct ap_sv *v;

	if (h) {
		cell_str(o, 1, h);
		return;
	}
	v = ap_sv_get(&r->attrs, "hostname");
	if (!v || v->type == AP_SV_NULL) {
		cell_str(o, 1, "None");
		return;
	}
	ap_strbuf_reset(sb);
	ap_sv_pystr(sb, v);
	ap_csv_field(o, 1, sb->buf, sb->len);
}

int ap_svc_write_request_status(const struct ap_svc *s, const char *dir, struct ap_err *err)
{
	static const char *const lower[] = { "waiting", "running", "swapped" };
	static const char *const upper[] = { "WAITING", "RUNNING", "SWAPPED" };
	struct ap_out o = { 0 };
	struct ap_strbuf sb = AP_STRBUF_INIT;
	struct ap_u64map mins = { 0 };
	double *mv = NULL;
	struct rs_ctx c;
	int has_q = 0, has_status = 0, has_scope = 0, q_int, ret = 0;
	size_t i, n = 0, nmv = 0;

	for (i = 0; i < s->n_rows; i++) {
		const struct ap_sv *a = &s->rows[i].attrs;

		has_q |= ap_sv_get(a, "QueueSize=") != NULL;
		has_status |= ap_sv_get(a, "status") != NULL;
		has_scope |= ap_sv_get(a, "scope#QueueName") != NULL;
	}
	if (!has_q || (!has_status && !has_scope))
		return 0;
	c.state_key = has_status ? "status" : "scope#QueueName";
	c.states = has_status ? lower : upper;
	q_int = all_int(s, "QueueSize=");

	/* relative_timestamp(ms): per pid, minus the smallest rounded timestamp */
	if (ap_u64map_init(&mins, 16))
		return ap_err_set(err, AP_ENOMEM, "request_status.csv: out of memory");
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		struct ap_u64map_slot *sl;
		double ts;
		int added;

		if (rs_state(r, &c) < 0)
			continue;
		n++;
		ts = ap_np_round(r->start_us / 1000.0, 2);
		sl = ap_u64map_get(&mins, (uint64_t)r->pid, &added);
		if (!sl)
			goto nomem;
		if (added) {
			if (!(nmv & (nmv - 1))) {
				double *nv = realloc(mv, (nmv ? 2 * nmv : 1) * sizeof *nv);

				if (!nv)
					goto nomem;
				mv = nv;
			}
			mv[nmv] = ts;
			sl->val = (uint32_t)nmv++;
		} else if (ts < mv[sl->val]) {
			mv[sl->val] = ts;
		}
	}
	if (!n)
		goto out;
	ret = ap_out_open(&o, dir, "request_status.csv", err);
	if (ret)
		goto out;
	ap_out_puts(&o, "hostuid,pid,start_datetime,relative_timestamp(ms),waiting,running,swapped,"
			"timestamp(ms)\n");
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		int k = rs_state(r, &c), j;
		double ts;

		if (k < 0)
			continue;
		ts = ap_np_round(r->start_us / 1000.0, 2);
		cell_hostuid(&o, &sb, s, r);
		cell_i(&o, r->pid);
		cell_datetime(&o, r->start_us);
		cell_f(&o, ap_np_round(ts - mv[ap_u64map_find(&mins, (uint64_t)r->pid)->val], 2));
		for (j = 0; j < 3; j++) {
			if (j == k)
				cell_attr(&o, &sb, ap_sv_get(&r->attrs, "QueueSize="), q_int);
			else
				ap_out_putc(&o, ',');
		}
		cell_f(&o, ts);
		ap_out_putc(&o, '\n');
	}
	if (sb.failed) {
		ap_out_abort(&o);
		goto nomem;
	}
	ret = ap_out_commit(&o, err);
	goto out;
nomem:
	ret = ap_err_set(err, AP_ENOMEM, "request_status.csv: out of memory");
out:
	ap_strbuf_release(&sb);
	ap_u64map_release(&mins);
	free(mv);
	return ret;
}
