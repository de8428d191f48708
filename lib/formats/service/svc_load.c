/* One ms_service_*.db file -> struct ap_svc_file (specs/ms_service_profiler.md §1.2, §1.3,
 * §2.2): Meta, the generation, and the rows of slice (gen C) or Mstx (gen B). */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "ap/sqlite_in.h"
#include "ap/svc_load.h"
#include "ap/vec.h"
#include "svc_local.h"
#include "../../base/banned.h"

/* §2.2 step 2 */
static const char sql_slice[] = "SELECT id,timestamp,duration,name,depth,track_id,cat,args,cname,"
				"end_time,flag_id,pid,tid FROM slice ORDER BY id";
static const char sql_mstx[] = "SELECT markId,message,pid,tid,timestamp,endTimestamp FROM mstx "
			       "ORDER BY markId";

/* Columns of the parser's per-file table when the message columns are joined onto it (§2.2
 * step 4; hostuid is inserted right after and fails the same way). A message column of one
 * of these names, or of a Meta name, makes pandas raise: the file fails. */
static const char *const cols_c[] = { "id", "start_time", "duration", "name", "depth",
	"track_id", "domain", "args", "cname", "end_time", "flag_id", "pid", "tid", "markId",
	"message", "prof_id", "during_time", "start_datetime", "end_datetime", "hostuid", NULL };
static const char *const cols_b[] = { "markId", "message", "pid", "tid", "start_time",
	"end_time", "prof_id", "during_time", "start_datetime", "end_datetime", "hostuid", NULL };

/* The one attribute json_normalize does not flatten (re-serialised upstream, §1.4). */
#define SPEC_DECODE_KEY "spec_decode_accepted_by_req"

struct load {
	struct ap_svc_file *f;
	struct ap_sqlite_in in;
	struct ap_svc__attr attr;
	struct ap_strbuf col;          /* a flattened column name */
	const char *const *cols;       /* cols_c or cols_b */
	const char *table;             /* "slice" or "Mstx", for messages */
};

static int oom(struct load *l, struct ap_err *err)
{
	return ap_err_set(err, AP_ENOMEM, "'%s': out of memory", l->f->path);
}

/* Interns a text cell; invalid UTF-8 becomes "N/A" and is counted. NULL cell -> NULL. */
static int cell_str(struct load *l, sqlite3_stmt *st, int col, long long row, const char *what,
		    const char **out, struct ap_err *err)
{
	const char *s;
	int n, bad = 0;
	uint32_t id;

	*out = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	s = (const char *)sqlite3_column_text(st, col);
	n = sqlite3_column_bytes(st, col);
	if (!s)
		return oom(l, err);
	id = ap_strtab_intern(&l->f->strs, s, (size_t)n, &bad);
	if (!id)
		return oom(l, err);
	if (bad)
		ap_diag_report(&l->f->diag, AP_DIAG_WARN, "svc_bad_utf8",
			       "'%s': %s row %lld: invalid UTF-8 in %s, shown as N/A", l->f->path,
			       l->table, row, what);
	*out = ap_strtab_get(&l->f->strs, id);
	return 0;
}

static int is_reserved(const struct load *l, const char *name)
{
	const char *const *c;
	size_t i;

	for (c = l->cols; *c; c++)
		if (!strcmp(*c, name))
			return 1;
	for (i = 0; i < l->f->n_meta; i++)
		if (!strcmp(l->f->meta[i].name, name))
			return 1;
	return 0;
}

/* Checks the columns json_normalize makes of obj (prefix in l->col, of length plen): nested
 * objects become "a.b" (an empty one none), everything else one column. Returns the first
 * reserved name in l->col (1), 0 when none, AP_ENOMEM. */
static int clash(struct load *l, const struct ap_sv *obj, size_t plen, int top)
{
	uint32_t i;
	int r;

	for (i = 0; i < obj->n; i++) {
		const struct ap_sv_member *m = &obj->u.members[i];

		if (plen) {
			l->col.len = plen;
			l->col.buf[plen] = '\0';
		} else {
			ap_strbuf_reset(&l->col);
		}
		if (plen)
			ap_strbuf_addch(&l->col, '.');
		ap_strbuf_addstr(&l->col, m->key);
		if (l->col.failed)
			return AP_ENOMEM;
		if (m->v.type == AP_SV_OBJ && !(top && !strcmp(m->key, SPEC_DECODE_KEY))) {
			r = clash(l, &m->v, l->col.len, 0);
			if (r)
				return r;
		} else if (is_reserved(l, l->col.buf)) {
			return 1;
		}
	}
	return 0;
}

static int load_meta(struct load *l, struct ap_err *err)
{
	struct ap_svc_file *f = l->f;
	AP_VEC(struct ap_svc_meta) v = { NULL, 0, 0 };
	sqlite3_stmt *st = NULL;
	const char *name, *value;
	int rc, ret = 0;
	size_t i;

	rc = sqlite3_prepare_v2(l->in.db, "SELECT name,value FROM meta", -1, &st, NULL);
	while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = cell_str(l, st, 0, (long long)v.n + 1, "Meta name", &name, err);
		if (!ret)
			ret = cell_str(l, st, 1, (long long)v.n + 1, "Meta value", &value, err);
		if (ret)
			goto out;
		if (!name) {
			ap_diag_report(&f->diag, AP_DIAG_WARN, "svc_meta_null",
				       "'%s': a Meta row without a name, ignored", f->path);
			continue;
		}
		for (i = 0; i < v.n && strcmp(v.v[i].name, name); i++)
			;
		if (i == v.n) {
			if (!ap_vec_push(&v)) {
				ret = oom(l, err);
				goto out;
			}
			v.v[i].name = name;
		}
		v.v[i].value = value; /* dict: first position, last value */
	}
	if (rc != SQLITE_DONE) {
		ret = ap_sqlite_in_fail(&l->in, rc, "cannot read table Meta", err);
		goto out;
	}
	if (v.n) {
		f->meta = ap_arena_alloc(&f->arena, v.n * sizeof(*f->meta));
		if (!f->meta) {
			ret = oom(l, err);
			goto out;
		}
		memcpy(f->meta, v.v, v.n * sizeof(*f->meta));
	}
	f->n_meta = v.n;
out:
	sqlite3_finalize(st);
	ap_vec_free(&v);
	return ret;
}

/* §1.2: slice logic iff a table name contains "slice" (any case) and meta has a column
 * named exactly "slice". */
static int detect_gen(struct load *l, struct ap_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, has_table = 0, has_col = 0;

	rc = sqlite3_prepare_v2(l->in.db, "SELECT name FROM sqlite_master WHERE type='table'", -1,
				&st, NULL);
	while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *s = sqlite3_column_text(st, 0);
		char low[6];
		int n = sqlite3_column_bytes(st, 0), i, k;

		for (i = 0; s && i + 5 <= n && !has_table; i++) {
			for (k = 0; k < 5; k++)
				low[k] = (char)(s[i + k] >= 'A' && s[i + k] <= 'Z' ? s[i + k] + 32
										 : s[i + k]);
			has_table = !memcmp(low, "slice", 5);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ap_sqlite_in_fail(&l->in, rc, "cannot list the tables", err);
	rc = sqlite3_prepare_v2(l->in.db, "PRAGMA table_info(meta)", -1, &st, NULL);
	while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 1);

		if (c && !strcmp(c, "slice"))
			has_col = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ap_sqlite_in_fail(&l->in, rc, "cannot read the columns of Meta", err);
	l->f->gen = has_table && has_col ? AP_SVC_GEN_C : AP_SVC_GEN_B;
	return 0;
}

static int count_rows(struct load *l, size_t *n, struct ap_err *err)
{
	const char *sql = l->f->gen == AP_SVC_GEN_C ? "SELECT count(*) FROM slice"
						    : "SELECT count(*) FROM mstx";
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(l->in.db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 c = sqlite3_column_int64(st, 0);

		*n = c > 0 ? (size_t)c : 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		struct ap_strbuf w = AP_STRBUF_INIT;
		int r;

		ap_strbuf_addf(&w, "cannot read table %s", l->table);
		r = ap_sqlite_in_fail(&l->in, rc, w.buf, err);
		ap_strbuf_release(&w);
		return r;
	}
	return 0;
}

static int64_t cell_i64(struct load *l, sqlite3_stmt *st, int col, uint32_t flag,
			struct ap_svc_row *r, const char *what)
{
	if (sqlite3_column_type(st, col) != SQLITE_NULL)
		return sqlite3_column_int64(st, col);
	r->flags |= flag;
	ap_diag_report(&l->f->diag, AP_DIAG_WARN, "svc_null_cell",
		       "'%s': %s row %lld: %s is NULL, read as 0", l->f->path, l->table,
		       (long long)r->mark_id, what);
	return 0;
}

/* One row: the message column msg, then the name/domain of gen B from it. */
static int load_row(struct load *l, sqlite3_stmt *st, struct ap_svc_row *r, struct ap_err *err)
{
	int gen_c = l->f->gen == AP_SVC_GEN_C;
	int c_msg = gen_c ? 7 : 1;
	const char *msg;
	size_t len;
	int ret;

	r->mark_id = sqlite3_column_int64(st, 0);
	if (gen_c) {
		r->start_ns = cell_i64(l, st, 1, AP_SVC_ROW_NULL_START, r, "timestamp");
		r->end_ns = cell_i64(l, st, 9, AP_SVC_ROW_NULL_END, r, "end_time");
		r->pid = cell_i64(l, st, 11, AP_SVC_ROW_NULL_PID, r, "pid");
		r->tid = cell_i64(l, st, 12, AP_SVC_ROW_NULL_TID, r, "tid");
		AP_FORWARD_IF_ERROR(cell_str(l, st, 3, r->mark_id, "name", &r->name, err));
		AP_FORWARD_IF_ERROR(cell_str(l, st, 6, r->mark_id, "cat", &r->domain, err));
	} else {
		r->pid = cell_i64(l, st, 2, AP_SVC_ROW_NULL_PID, r, "pid");
		r->tid = cell_i64(l, st, 3, AP_SVC_ROW_NULL_TID, r, "tid");
		r->start_ns = cell_i64(l, st, 4, AP_SVC_ROW_NULL_START, r, "timestamp");
		r->end_ns = cell_i64(l, st, 5, AP_SVC_ROW_NULL_END, r, "endTimestamp");
	}
	/* upstream: json.loads(None) raises TypeError, which fails the file */
	if (sqlite3_column_type(st, c_msg) == SQLITE_NULL)
		return ap_err_set(err, AP_EFORMAT, "'%s': %s row %lld: %s is NULL", l->f->path,
				  l->table, (long long)r->mark_id, gen_c ? "args" : "message");
	msg = (const char *)sqlite3_column_text(st, c_msg);
	len = (size_t)sqlite3_column_bytes(st, c_msg);
	if (!msg)
		return oom(l, err);
	if (!gen_c) {
		if (ap_svc__mstx_normalise(&l->attr.norm, msg, len) < 0)
			return oom(l, err);
		msg = l->attr.norm.buf;
		len = l->attr.norm.len;
	}
	ret = ap_svc__attr_parse(&l->attr, msg, len, &r->attrs);
	if (ret < 0)
		return oom(l, err);
	if (ret == 1) {
		r->flags |= AP_SVC_ROW_BAD_JSON;
		ap_diag_report(&l->f->diag, AP_DIAG_WARN, "svc_bad_json",
			       "'%s': %s row %lld: malformed JSON in %s, attributes dropped",
			       l->f->path, l->table, (long long)r->mark_id,
			       gen_c ? "args" : "message");
	}
	if (l->attr.bad_utf8)
		ap_diag_report(&l->f->diag, AP_DIAG_WARN, "svc_bad_utf8",
			       "'%s': %s row %lld: invalid UTF-8 in %s, shown as N/A", l->f->path,
			       l->table, (long long)r->mark_id, gen_c ? "args" : "message");
	ret = clash(l, &r->attrs, 0, 1);
	if (ret < 0)
		return oom(l, err);
	if (ret)
		return ap_err_set(err, AP_EFORMAT,
				  "'%s': %s row %lld: attribute '%s' has the name of a column "
				  "(the upstream parser fails such a file)",
				  l->f->path, l->table, (long long)r->mark_id, l->col.buf);
	if (!gen_c) {
		const struct ap_sv *v = ap_sv_get(&r->attrs, "name");

		r->name = v && v->type == AP_SV_STR ? v->u.s : NULL;
		v = ap_sv_get(&r->attrs, "domain");
		r->domain = v && v->type == AP_SV_STR ? v->u.s : NULL;
	}
	return 0;
}

static int load_rows(struct load *l, struct ap_err *err)
{
	struct ap_svc_file *f = l->f;
	sqlite3_stmt *st = NULL;
	size_t n = 0, i = 0;
	int rc, ret;

	AP_FORWARD_IF_ERROR(count_rows(l, &n, err));
	if (n) {
		f->rows = calloc(n, sizeof(*f->rows));
		if (!f->rows)
			return ap_err_set(err, AP_ENOMEM, "'%s': out of memory for %zu rows", f->path,
					  n);
	}
	rc = sqlite3_prepare_v2(l->in.db, f->gen == AP_SVC_GEN_C ? sql_slice : sql_mstx, -1, &st,
				NULL);
	while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (i == n) {
			ret = ap_err_set(err, AP_EINTERNAL, "'%s': table %s grew while read",
					 f->path, l->table);
			goto out;
		}
		ret = load_row(l, st, &f->rows[i], err);
		if (ret)
			goto out;
		f->n_rows = ++i;
	}
	ret = 0;
	if (rc != SQLITE_DONE) {
		struct ap_strbuf w = AP_STRBUF_INIT;

		ap_strbuf_addf(&w, "cannot read table %s", l->table);
		ret = ap_sqlite_in_fail(&l->in, rc, w.buf, err);
		ap_strbuf_release(&w);
	}
out:
	sqlite3_finalize(st);
	return ret;
}

/* os.path.splitext(basename)[0]: leading dots of the name are not an extension. */
static const char *prof_id_of(struct ap_arena *a, const char *path)
{
	const char *base = strrchr(path, '/'), *dot, *p;

	base = base ? base + 1 : path;
	for (p = base; *p == '.'; p++)
		;
	dot = strrchr(p, '.');
	return ap_arena_strndup(a, base, dot ? (size_t)(dot - base) : strlen(base));
}

int ap_svc_load_file(struct ap_svc_file *f, const char *path, struct ap_err *err)
{
	struct load l;
	int ret;

	if (f->err.code)
		return ap_err_set(err, f->err.code, "'%s': %s", path, ap_err_text(&f->err));
	memset(&l, 0, sizeof(l));
	l.f = f;
	ap_sqlite_in_init(&l.in);
	ap_svc__attr_init(&l.attr, &f->arena, &f->strs);
	ap_strbuf_init(&l.col);
	free(f->path);
	f->path = strdup(path);
	f->prof_id = f->path ? prof_id_of(&f->arena, path) : NULL;
	if (!f->path || !f->prof_id) {
		ret = ap_err_set(err, AP_ENOMEM, "'%s': out of memory", path);
		goto out;
	}
	ret = ap_sqlite_in_open(&l.in, path, err);
	if (ret)
		goto out;
	ret = detect_gen(&l, err);
	if (ret)
		goto out;
	l.cols = f->gen == AP_SVC_GEN_C ? cols_c : cols_b;
	l.table = f->gen == AP_SVC_GEN_C ? "slice" : "Mstx";
	ret = load_meta(&l, err);
	if (!ret)
		ret = load_rows(&l, err);
out:
	ap_strbuf_release(&l.col);
	ap_svc__attr_release(&l.attr);
	ap_sqlite_in_close(&l.in);
	return ret;
}
