/* forward.csv of a service dump (specs/ms_service_profiler.md §3.9; upstream
 * exporters/exporter_forward.py: get_batch_info, get_relative_and_bubble). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/strtab.h"
#include "ap/svc_csv.h"
#include "ap/svc_fmt.h"
#include "w_svc_local.h"
#include "../base/banned.h"

struct frow {
	const struct ap_svc_row *r;
	const char *batch_type;  /* after the propagation from schedule rows */
	const char *host;        /* the hostname column; rows without one are dropped */
	uint32_t host_id, prof_id;
	double bubble;           /* NaN for the last row of its prof_id */
	int64_t iter;
};

static int name_is(const char *name, const char *want)
{
	return name && !strcmp(name, want);
}

/* The batch_size cell: str(len(rid_list)), else the hook's attribute. */
static const struct ap_sv *attr_batch_size(const struct ap_svc_row *r)
{
	const struct ap_sv *v = ap_sv_get(&r->attrs, "batch_size");

	return v && v->type != AP_SV_NULL ? v : NULL;
}

static int has_batch_size(const struct ap_svc_row *r)
{
	return r->batch_size >= 0 || attr_batch_size(r);
}

/* hostname column: the file's Meta value, else the row's attribute (NULL: None). */
static const char *row_host(const struct ap_svc *s, const struct ap_svc_row *r, const char **meta)
{
	const struct ap_sv *v;

	(void)s;
	if (meta[r->file])
		return meta[r->file];
	v = ap_sv_get(&r->attrs, "hostname");
	return v && v->type == AP_SV_STR ? v->u.s : NULL;
}

/* Interns s; 0 when out of memory. */
static uint32_t intern(struct ap_strtab *t, const char *s)
{
	return ap_strtab_intern(t, s, strlen(s), NULL);
}

static int fill_rows(const struct ap_svc *s, const char *batch_name, const char **meta,
		     struct ap_strtab *ids, struct frow *rows, size_t *np)
{
	const char **last_type = NULL; /* by rid id: batch_type of the latest schedule row */
	uint8_t *seen = NULL;
	size_t i, n = 0, cap = 0;
	int all_known = 1, ret = AP_ENOMEM;

	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		if (name_is(r->name, "forward") || name_is(r->name, batch_name))
			all_known &= r->batch_type != NULL && has_batch_size(r);
	}
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		int sched = name_is(r->name, batch_name);
		const char *bt = r->batch_type;

		if (!sched && !name_is(r->name, "forward"))
			continue;
		if (!all_known) {
			/* get_batch_info: grouped by rid (None dropped); a row after a schedule
			 * row of its group takes that row's batch_type; groups without one drop */
			uint32_t id;

			if (!r->rid)
				continue;
			id = intern(ids, r->rid);
			if (!id)
				goto out;
			if (id >= cap) {
				size_t nc = 2 * (size_t)id + 16;
				const char **nt = realloc(last_type, nc * sizeof *nt);
				uint8_t *ns = nt ? realloc(seen, nc) : NULL;

				if (nt)
					last_type = nt;
				if (!ns)
					goto out;
				seen = ns;
				memset(seen + cap, 0, nc - cap);
				cap = nc;
			}
			if (sched) {
				seen[id] = 1;
				last_type[id] = r->batch_type;
				continue;
			}
			if (!seen[id])
				continue;
			bt = last_type[id];
		} else if (sched) {
			continue;
		}
		rows[n].r = r;
		rows[n].batch_type = bt;
		rows[n].host = row_host(s, r, meta);
		if (!rows[n].host)
			continue; /* groupby("hostname") drops it */
		n++;
	}
	*np = n;
	ret = 0;
out:
	free(last_type);
	free(seen);
	return ret;
}

static int write_row(struct ap_svc_sink *k, const struct ap_svc *s, const struct frow *f,
		     double rel, struct ap_err *err)
{
	const struct ap_svc_row *r = f->r;
	const struct ap_sv *bs;

	ap_svc__sink_str(k, r->name, SIZE_MAX);
	ap_svc__sink_f(k, rel);
	ap_svc__sink_datetime(k, r->start_us);
	ap_svc__sink_datetime(k, r->end_us);
	ap_svc__sink_f(k, r->during_us / 1000.0);
	ap_svc__sink_f(k, f->bubble);
	if (r->batch_size >= 0) {
		/* the PluginTrace string "N": an object column, TEXT in profiler.db */
		char num[AP_FMT_MAX];

		ap_svc__sink_str(k, num, ap_fmt_i64(num, r->batch_size));
	} else if ((bs = attr_batch_size(r))) {
		ap_strbuf_reset(&k->sb);
		ap_sv_pystr(&k->sb, bs);
		ap_svc__sink_str(k, k->sb.buf, k->sb.len);
	} else {
		ap_svc__sink_str(k, NULL, 0);
	}
	ap_svc__sink_str(k, f->batch_type, SIZE_MAX);
	ap_svc__sink_i(k, f->iter);
	ap_svc__sink_f(k, NAN);  /* dp_rank: no such column upstream, always NaN (REAL) */
	ap_svc__sink_str(k, s->files[r->file].prof_id, SIZE_MAX);
	ap_svc__sink_str(k, f->host, SIZE_MAX);
	ap_svc__sink_f(k, r->start_us / 1000.0);
	ap_svc__sink_f(k, r->end_us / 1000.0);
	return ap_svc__sink_row(k, err);
}

static const struct ap_svc_sink_col fwd_cols[] = {
	{ "name", { "name", AP_SVC_DB_TEXT } },
	{ "relative_start_time(ms)", { "relative_start_time", AP_SVC_DB_REAL } },
	{ "start_datetime", { "start_datetime", AP_SVC_DB_TEXT } },
	{ "end_datetime", { "end_datetime", AP_SVC_DB_TEXT } },
	{ "during_time(ms)", { "during_time", AP_SVC_DB_REAL } },
	{ "bubble_time(ms)", { "bubble_time", AP_SVC_DB_REAL } },
	{ "batch_size", { "batch_size", AP_SVC_DB_TEXT } },
	{ "batch_type", { "batch_type", AP_SVC_DB_TEXT } },
	{ "forward_iter", { "forward_iter", AP_SVC_DB_INTEGER } },
	{ "dp_rank", { "dp_rank", AP_SVC_DB_REAL } },
	{ "prof_id", { "prof_id", AP_SVC_DB_TEXT } },
	{ "hostname", { "hostname", AP_SVC_DB_TEXT } },
	{ "start_time(ms)", { "start_time", AP_SVC_DB_REAL } },
	{ "end_time(ms)", { "end_time", AP_SVC_DB_REAL } },
};

/* forward.csv / table forward into k; *wrote = 1 when rows were written. */
static int forward_emit(const struct ap_svc *s, struct ap_svc_sink *k, int *wrote,
			struct ap_err *err)
{
	struct ap_strtab ids;
	struct frow *rows = NULL;
	const char **meta = NULL;
	double *hmin = NULL;          /* by host id: smallest start (ms) */
	size_t *plast = NULL;         /* by prof id: index + 1 of its latest row */
	int64_t *pcount = NULL;
	const char *batch_name = "batchFrameworkProcessing";
	size_t i, n = 0, nf = 0, maxid;
	int has_fwd = 0, has_batch = 0, ret = 0;

	*wrote = 0;
	for (i = 0; i < s->n_rows; i++) {
		const char *nm = s->rows[i].name;

		if (name_is(nm, "BatchSchedule"))
			batch_name = "BatchSchedule";
		has_fwd |= name_is(nm, "forward");
		nf += name_is(nm, "forward");
	}
	for (i = 0; i < s->n_rows; i++)
		has_batch |= name_is(s->rows[i].name, batch_name);
	if (!has_fwd || !has_batch)
		return 0;
	if (ap_strtab_init(&ids))
		return ap_err_set(err, AP_ENOMEM, "forward: out of memory");
	rows = calloc(nf, sizeof *rows);
	meta = calloc(s->n_files ? s->n_files : 1, sizeof *meta);
	if (!rows || !meta)
		goto nomem;
	for (i = 0; i < s->n_files; i++)
		meta[i] = ap_svc_file_meta(&s->files[i], "hostname");
	if (fill_rows(s, batch_name, meta, &ids, rows, &n))
		goto nomem;
	if (!n)
		goto out;

	/* host and prof_id groups share one id space of the (fresh) string table */
	ap_strtab_release(&ids);
	if (ap_strtab_init(&ids))
		goto nomem;
	for (i = 0; i < n; i++) {
		const char *p = s->files[rows[i].r->file].prof_id;

		rows[i].host_id = intern(&ids, rows[i].host);
		rows[i].prof_id = intern(&ids, p ? p : "");
		if (!rows[i].host_id || !rows[i].prof_id)
			goto nomem;
	}
	maxid = ids.n + 1;
	hmin = malloc(maxid * sizeof *hmin);
	plast = calloc(maxid, sizeof *plast);
	pcount = calloc(maxid, sizeof *pcount);
	if (!hmin || !plast || !pcount)
		goto nomem;
	for (i = 0; i < maxid; i++)
		hmin[i] = INFINITY;
	/* rows are in start order: bubble = next start - end within the prof_id, the iteration
	 * counts 1.. within it */
	for (i = 0; i < n; i++) {
		struct frow *f = &rows[i];
		double st = f->r->start_us / 1000.0;

		if (st < hmin[f->host_id])
			hmin[f->host_id] = st;
		f->bubble = NAN;
		if (plast[f->prof_id]) {
			struct frow *p = &rows[plast[f->prof_id] - 1];

			p->bubble = ap_np_round(st - p->r->end_us / 1000.0, 2);
		}
		plast[f->prof_id] = i + 1;
		f->iter = ++pcount[f->prof_id];
	}
	ret = ap_svc__sink_begin(k, fwd_cols, sizeof(fwd_cols) / sizeof(fwd_cols[0]), err);
	for (i = 0; i < n && !ret; i++)
		ret = write_row(k, s, &rows[i],
				ap_np_round(rows[i].r->start_us / 1000.0 - hmin[rows[i].host_id], 2),
				err);
	if (!ret)
		ret = ap_svc__sink_commit(k, err);
	*wrote = !ret;
	goto out;
nomem:
	ret = ap_err_set(err, AP_ENOMEM, "forward: out of memory");
out:
	ap_strtab_release(&ids);
	free(rows);
	free(meta);
	free(hmin);
	free(plast);
	free(pcount);
	return ret;
}

int ap_svc_write_forward(const struct ap_svc *s, const char *dir, struct ap_err *err)
{
	struct ap_svc_sink k;
	int ret, wrote;

	ap_svc__sink_init(&k, NULL, dir, "forward.csv");
	ret = forward_emit(s, &k, &wrote, err);
	ap_svc__sink_release(&k);
	return ret;
}

/* forward, then data_link(source_name, target_table, target_name) = ('rid', 'request',
 * 'http_rid') when forward was written (exporter_forward.py). */
int ap_svc__db_forward(struct ap_svc_db *db, const struct ap_svc *s, struct ap_err *err)
{
	static const struct ap_svc_db_col link_cols[] = {
		{ "source_name", AP_SVC_DB_TEXT }, { "target_table", AP_SVC_DB_TEXT },
		{ "target_name", AP_SVC_DB_TEXT },
	};
	struct ap_svc_sink k;
	int ret, wrote;

	ap_svc__sink_init(&k, db, NULL, "forward");
	ret = forward_emit(s, &k, &wrote, err);
	ap_svc__sink_release(&k);
	if (ret || !wrote)
		return ret;
	AP_FORWARD_IF_ERROR(ap_svc_db_table_begin(db, "data_link", link_cols, 3, err));
	ap_svc_db_text(db, 0, "rid", SIZE_MAX);
	ap_svc_db_text(db, 1, "request", SIZE_MAX);
	ap_svc_db_text(db, 2, "http_rid", SIZE_MAX);
	AP_FORWARD_IF_ERROR(ap_svc_db_row(db, err));
	return ap_svc_db_table_end(db, err);
}
