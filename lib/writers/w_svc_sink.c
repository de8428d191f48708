/* One row builder for two outputs: the service writers' rows go to a CSV file (pandas to_csv)
 * or to a profiler.db table (pandas to_sql) through the same cell calls (w_svc_local.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/svc_fmt.h"
#include "w_svc_local.h"
#include "../base/banned.h"

void ap_svc__sink_init(struct ap_svc_sink *k, struct ap_svc_db *db, const char *dir,
		       const char *name)
{
	memset(k, 0, sizeof(*k));
	k->db = db;
	k->dir = dir;
	k->name = name;
	ap_strbuf_init(&k->sb);
}

int ap_svc__sink_begin(struct ap_svc_sink *k, const struct ap_svc_sink_col *cols, size_t n,
		       struct ap_err *err)
{
	size_t i;

	free(k->cols);
	k->cols = malloc((n ? n : 1) * sizeof(*k->cols));
	AP_RETURN_ERROR_IF(!k->cols, err, AP_ENOMEM, "%s: out of memory", k->name);
	for (i = 0; i < n; i++)
		k->cols[i] = cols[i].db;
	k->ncols = n;
	k->col = 0;
	if (k->db) {
		AP_FORWARD_IF_ERROR(ap_svc_db_table_begin(k->db, k->name, k->cols, n, err));
		k->open = 1;
		return 0;
	}
	AP_FORWARD_IF_ERROR(ap_out_open(&k->o, k->dir, k->name, err));
	k->open = 1;
	for (i = 0; i < n; i++) {
		if (i)
			ap_out_putc(&k->o, ',');
		ap_out_puts(&k->o, cols[i].csv);
	}
	ap_out_putc(&k->o, '\n');
	return 0;
}

/* the CSV separator before the cell; returns the DB column index */
static size_t next(struct ap_svc_sink *k)
{
	size_t c = k->col++;

	if (!k->db && c)
		ap_out_putc(&k->o, ',');
	return c;
}

static void put_csv(struct ap_svc_sink *k, const char *s, size_t len)
{
	ap_csv_field(&k->o, 1, s, len); /* the separator is written by next() */
}

void ap_svc__sink_str(struct ap_svc_sink *k, const char *s, size_t len)
{
	size_t c = next(k);

	if (s && len == SIZE_MAX)
		len = strlen(s);
	if (k->db)
		ap_svc_db_text(k->db, c, s, len);
	else if (s)
		put_csv(k, s, len);
}

void ap_svc__sink_f(struct ap_svc_sink *k, double x)
{
	char buf[AP_FMT_MAX];
	size_t c = next(k);

	if (isnan(x)) {
		if (k->db)
			ap_svc_db_null(k->db, c);
		return;
	}
	if (k->db && k->cols[c].type == AP_SVC_DB_REAL)
		ap_svc_db_real(k->db, c, x);
	else if (k->db && k->cols[c].type == AP_SVC_DB_INTEGER && x == (double)(int64_t)x)
		ap_svc_db_i64(k->db, c, (int64_t)x);
	else if (k->db)
		ap_svc_db_text(k->db, c, buf, ap_fmt_double(buf, x));
	else
		ap_out_write(&k->o, buf, ap_fmt_double(buf, x));
}

void ap_svc__sink_i(struct ap_svc_sink *k, int64_t v)
{
	char buf[AP_FMT_MAX];
	size_t c = next(k);

	if (k->db && k->cols[c].type == AP_SVC_DB_INTEGER)
		ap_svc_db_i64(k->db, c, v);
	else if (k->db && k->cols[c].type == AP_SVC_DB_REAL)
		ap_svc_db_real(k->db, c, (double)v);
	else if (k->db)
		ap_svc_db_text(k->db, c, buf, ap_fmt_i64(buf, v));
	else
		ap_out_write(&k->o, buf, ap_fmt_i64(buf, v));
}

void ap_svc__sink_datetime(struct ap_svc_sink *k, double us)
{
	char buf[48];
	size_t n = ap_svc_fmt_datetime(buf, us);

	ap_svc__sink_str(k, n ? buf : NULL, n);
}

void ap_svc__sink_sv(struct ap_svc_sink *k, const struct ap_sv *v, int as_int)
{
	if (!v || v->type == AP_SV_ABSENT || v->type == AP_SV_NULL) {
		ap_svc__sink_str(k, NULL, 0);
	} else if (v->type == AP_SV_INT && as_int) {
		ap_svc__sink_i(k, v->u.i);
	} else if (v->type == AP_SV_INT) {
		ap_svc__sink_f(k, (double)v->u.i);
	} else if (v->type == AP_SV_REAL) {
		ap_svc__sink_f(k, v->u.d);
	} else {
		ap_strbuf_reset(&k->sb);
		ap_sv_pystr(&k->sb, v);
		ap_svc__sink_str(k, k->sb.buf ? k->sb.buf : "", k->sb.len);
	}
}

int ap_svc__sink_row(struct ap_svc_sink *k, struct ap_err *err)
{
	k->col = 0;
	AP_RETURN_ERROR_IF(k->sb.failed, err, AP_ENOMEM, "%s: out of memory", k->name);
	if (k->db)
		return ap_svc_db_row(k->db, err);
	ap_out_putc(&k->o, '\n');
	return 0;
}

int ap_svc__sink_commit(struct ap_svc_sink *k, struct ap_err *err)
{
	AP_RETURN_ERROR_IF(k->sb.failed, err, AP_ENOMEM, "%s: out of memory", k->name);
	k->open = 0;
	if (k->db)
		return ap_svc_db_table_end(k->db, err);
	return ap_out_commit(&k->o, err);
}

void ap_svc__sink_release(struct ap_svc_sink *k)
{
	if (k->open && !k->db)
		ap_out_abort(&k->o);
	k->open = 0;
	free(k->cols);
	k->cols = NULL;
	ap_strbuf_release(&k->sb);
}
