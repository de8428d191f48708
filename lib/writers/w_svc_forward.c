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

static void cell_str(struct ap_out *o, int first, const char *s)
{
	ap_csv_field(o, first, s ? s : "", s ? strlen(s) : 0);
}

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

static void write_row(struct ap_out *o, struct ap_strbuf *sb, const struct ap_svc *s,
		      const struct frow *f, double rel)
{
	const struct ap_svc_row *r = f->r;
	const struct ap_sv *bs;

	cell_str(o, 1, r->name);
	cell_f(o, rel);
	cell_datetime(o, r->start_us);
	cell_datetime(o, r->end_us);
	cell_f(o, r->during_us / 1000.0);
	cell_f(o, f->bubble);
	if (r->batch_size >= 0) {
		cell_i(o, r->batch_size);
	} else if ((bs = attr_batch_size(r))) {
		ap_strbuf_reset(sb);
		ap_sv_pystr(sb, bs);
		ap_csv_field(o, 0, sb->buf, sb->len);
	} else {
		ap_out_putc(o, ',');
	}
	cell_str(o, 0, f->batch_type);
	cell_i(o, f->iter);
	ap_out_putc(o, ',');  /* dp_rank: no such column upstream, always None */
	cell_str(o, 0, s->files[r->file].prof_id);
	cell_str(o, 0, f->host);
	cell_f(o, r->start_us / 1000.0);
	cell_f(o, r->end_us / 1000.0);
	ap_out_putc(o, '\n');
}

int ap_svc_write_forward(const struct ap_svc *s, const char *dir, struct ap_err *err)
{
	struct ap_out o = { 0 };
	struct ap_strbuf sb = AP_STRBUF_INIT;
	struct ap_strtab ids;
	struct frow *rows = NULL;
	const char **meta = NULL;
	double *hmin = NULL;          /* by host id: smallest start (ms) */
	size_t *plast = NULL;         /* by prof id: index + 1 of its latest row */
	int64_t *pcount = NULL;
	const char *batch_name = "batchFrameworkProcessing";
	size_t i, n = 0, nf = 0, maxid;
	int has_fwd = 0, has_batch = 0, ret = 0;

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
		return ap_err_set(err, AP_ENOMEM, "forward.csv: out of memory");
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
	ret = ap_out_open(&o, dir, "forward.csv", err);
	if (ret)
		goto out;
	ap_out_puts(&o, "name,relative_start_time(ms),start_datetime,end_datetime,during_time(ms),"
			"bubble_time(ms),batch_size,batch_type,forward_iter,dp_rank,prof_id,hostname,"
			"start_time(ms),end_time(ms)\n");
	for (i = 0; i < n; i++)
		write_row(&o, &sb, s, &rows[i],
			  ap_np_round(rows[i].r->start_us / 1000.0 - hmin[rows[i].host_id], 2));
	if (sb.failed) {
		ap_out_abort(&o);
		goto nomem;
	}
	ret = ap_out_commit(&o, err);
	goto out;
nomem:
	ret = ap_err_set(err, AP_ENOMEM, "forward.csv: out of memory");
out:
	ap_strbuf_release(&sb);
	ap_strtab_release(&ids);
	free(rows);
	free(meta);
	free(hmin);
	free(plast);
	free(pcount);
	return ret;
}
