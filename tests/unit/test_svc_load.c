/* Unit tests of the service-dump loader: lib/io/sqlite_in.c (inputs left as found, WAL and hot
 * journal copies, bad files), lib/formats/service/svc_attr.c (normalisation, JSON -> ap_sv)
 * and svc_load.c (both generations, meta, warnings, failures). */
#include <check.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/sqlite_in.h"
#include "ap/svc_load.h"
#include "../../lib/formats/service/svc_local.h"
#include "../../lib/base/banned.h"

#define SCHEMA_C "CREATE TABLE Meta (name TEXT,value TEXT,slice TEXT);" \
	"CREATE TABLE slice (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER, " \
	"duration INTEGER, name TEXT, depth INTEGER, track_id INTEGER, cat TEXT, args TEXT, " \
	"cname TEXT, end_time INTEGER, flag_id TEXT, pid INTEGER, tid INTEGER);"
#define SCHEMA_B "CREATE TABLE Meta (name TEXT,value TEXT);" \
	"CREATE TABLE Mstx (message TEXT,flag INTEGER,markId INTEGER,timestamp INTEGER," \
	"endTimestamp INTEGER,pid INTEGER,tid INTEGER);"

static char dir[256];
static struct ap_svc_file f;
static struct ap_err err;

static void rm_tree(const char *d)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	char p[512];

	if (!dd)
		return;
	while ((e = readdir(dd))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		rm_tree(p);
		unlink(p);
	}
	closedir(dd);
	rmdir(d);
}

static void setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test-svc-load-XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ap_svc_file_init(&f);
	ap_err_init(&err);
}

static void teardown(void)
{
	ap_svc_file_release(&f);
	ap_err_release(&err);
	rm_tree(dir);
}

static void path_in(char *out, size_t n, const char *sub, const char *name)
{
	snprintf(out, n, "%s/%s%s%s", dir, sub, *sub ? "/" : "", name);
}

/* Creates a database from SQL (run in one go) and closes it. */
static void make_db(const char *path, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s",
		      sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void copy(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b;
	char buf[4096];
	size_t n;

	ck_assert_ptr_nonnull(a);
	b = fopen(to, "wb");
	ck_assert_ptr_nonnull(b);
	while ((n = fread(buf, 1, sizeof(buf), a)))
		ck_assert_uint_eq(fwrite(buf, 1, n, b), n);
	fclose(a);
	ck_assert_int_eq(fclose(b), 0);
}

/* Names, sizes and contents of the files of d, in name order, as one text. */
static char *snapshot(const char *d)
{
	struct dirent **ents;
	int n = scandir(d, &ents, NULL, alphasort), i;
	char *out = NULL, p[512];
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	ck_assert_int_ge(n, 0);
	for (i = 0; i < n; i++) {
		FILE *x;
		struct stat st;
		int c;

		snprintf(p, sizeof(p), "%s/%s", d, ents[i]->d_name);
		fprintf(m, "%s\n", ents[i]->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && (x = fopen(p, "rb"))) {
			while ((c = fgetc(x)) != EOF)
				fputc(c, m);
			fclose(x);
		}
		free(ents[i]);
	}
	free(ents);
	fclose(m);
	return out;
}

static int has_file(const char *d, const char *suffix)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	size_t sl = strlen(suffix);
	int found = 0;

	while (dd && (e = readdir(dd))) {
		size_t n = strlen(e->d_name);

		if (n >= sl && !strcmp(e->d_name + n - sl, suffix))
			found = 1;
	}
	if (dd)
		closedir(dd);
	return found;
}

static int file_contains(const char *path, const char *needle)
{
	FILE *x = fopen(path, "rb");
	char *buf;
	long n;
	int found = 0;
	size_t i, k = strlen(needle);

	ck_assert_ptr_nonnull(x);
	fseek(x, 0, SEEK_END);
	n = ftell(x);
	rewind(x);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, x), (size_t)n);
	fclose(x);
	for (i = 0; i + k <= (size_t)n && !found; i++)
		found = !memcmp(buf + i, needle, k);
	free(buf);
	return found;
}

/* ---- structural equality of attribute values ---------------------------------------- */

static int sv_eq(const struct ap_sv *a, const struct ap_sv *b, int skip_name_domain);

static int obj_eq(const struct ap_sv *a, const struct ap_sv *b, int skip)
{
	uint32_t i, na = 0;

	for (i = 0; i < a->n; i++) {
		const struct ap_sv_member *m = &a->u.members[i];
		const struct ap_sv *o;

		if (skip && (!strcmp(m->key, "name") || !strcmp(m->key, "domain")))
			continue;
		na++;
		o = ap_sv_get(b, m->key);
		if (!o || !sv_eq(&m->v, o, 0))
			return 0;
	}
	return na == b->n;
}

static int sv_eq(const struct ap_sv *a, const struct ap_sv *b, int skip)
{
	uint32_t i;

	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case AP_SV_INT:
		return a->u.i == b->u.i;
	case AP_SV_REAL:
		return a->u.d == b->u.d;
	case AP_SV_STR:
		return a->n == b->n && !memcmp(a->u.s, b->u.s, a->n);
	case AP_SV_LIST:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++)
			if (!sv_eq(&a->u.items[i], &b->u.items[i], 0))
				return 0;
		return 1;
	case AP_SV_OBJ:
		return obj_eq(a, b, skip);
	default:
		return 1;
	}
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* ---- golden inputs ------------------------------------------------------------------ */

static const char *shared_dir(void)
{
	const char *s = getenv("AP_SHARED_DIR");

	return s && *s ? s : NULL;
}

START_TEST(golden_generations_agree)
{
	static const char *const pids[] = { "1001", "1002", "1003" };
	const char *sh = shared_dir();
	char pc[1024], pb[1024], dc[512], *before;
	size_t k, i, j;

	if (!sh || access(sh, R_OK) != 0)
		return; /* the shared golden data is absent: nothing to compare */
	snprintf(dc, sizeof(dc), "%s/ms_service_profiler_synthetic/input_slice_format/0101-0800/"
		 "Trace_Service", sh);
	if (access(dc, R_OK) != 0)
		return;
	before = snapshot(dc);
	for (k = 0; k < 3; k++) {
		struct ap_svc_file b;

		snprintf(pc, sizeof(pc), "%s/ms_service_node1-%s.db", dc, pids[k]);
		snprintf(pb, sizeof(pb), "%s/ms_service_profiler_synthetic/input_mstx_format/"
			 "0101-0800/ms_service_node1-%s.db", sh, pids[k]);
		ap_svc_file_release(&f);
		ap_svc_file_init(&f);
		ap_svc_file_init(&b);
		ck_assert_msg(ap_svc_load_file(&f, pc, &err) == 0, "%s", ap_err_text(&err));
		ck_assert_msg(ap_svc_load_file(&b, pb, &err) == 0, "%s", ap_err_text(&err));
		ck_assert_int_eq(f.gen, AP_SVC_GEN_C);
		ck_assert_int_eq(b.gen, AP_SVC_GEN_B);
		ck_assert_int_eq(ap_diag_worst(&f.diag), -1);
		ck_assert_int_eq(ap_diag_worst(&b.diag), -1);
		ck_assert_str_eq(ap_svc_file_meta(&f, "hostname"), "node1");
		ck_assert_str_eq(ap_svc_file_meta(&b, "hostname"), "node1");
		ck_assert_uint_eq(f.n_meta, b.n_meta);
		snprintf(pb, sizeof(pb), "ms_service_node1-%s", pids[k]);
		ck_assert_str_eq(f.prof_id, pb);
		ck_assert_str_eq(b.prof_id, pb);
		ck_assert_uint_gt(f.n_rows, 0);
		ck_assert_uint_eq(f.n_rows, b.n_rows);
		for (i = 0; i < f.n_rows; i++) {
			const struct ap_svc_row *r = &f.rows[i];

			ck_assert(i == 0 || f.rows[i - 1].mark_id < r->mark_id);
			for (j = 0; j < b.n_rows; j++) {
				const struct ap_svc_row *q = &b.rows[j];

				if (q->start_ns == r->start_ns && q->end_ns == r->end_ns &&
				    q->pid == r->pid && q->tid == r->tid && str_eq(q->name, r->name) &&
				    str_eq(q->domain, r->domain) && sv_eq(&q->attrs, &r->attrs, 1))
					break;
			}
			ck_assert_msg(j < b.n_rows, "pid %s: slice row %lld (%s) has no Mstx twin",
				      pids[k], (long long)r->mark_id, r->name);
			ck_assert_ptr_nonnull(r->name);
			ck_assert_int_eq(r->attrs.type, AP_SV_OBJ);
		}
		ap_svc_file_release(&b);
	}
	{
		char *after = snapshot(dc);

		ck_assert_str_eq(before, after);
		free(after);
	}
	free(before);
}
END_TEST

/* ---- hand-made databases ------------------------------------------------------------ */

static int load(const char *path)
{
	ap_err_release(&err);
	ap_svc_file_release(&f);
	ap_svc_file_init(&f);
	return ap_svc_load_file(&f, path, &err);
}

START_TEST(wal_rows_only_in_wal)
{
	char src[512], in[512], p[512], *before, *after;
	sqlite3 *db;
	int i;

	path_in(src, sizeof(src), "", "src");
	path_in(in, sizeof(in), "", "in");
	ck_assert_int_eq(mkdir(src, 0700), 0);
	ck_assert_int_eq(mkdir(in, 0700), 0);
	path_in(p, sizeof(p), "src", "ms_service_h-1.db");
	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
				      SCHEMA_C "INSERT INTO Meta VALUES('hostname','h','');",
				      NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 50; i++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "INSERT INTO slice(timestamp,duration,name,cat,args,"
			 "end_time,pid,tid) VALUES(%d,0,'e','D','{\"i\": %d}',%d,1,2)", i, i, i);
		ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	/* copy while the writer is open: everything is in the -wal only */
	path_in(p, sizeof(p), "src", "ms_service_h-1.db");
	path_in(src, sizeof(src), "in", "ms_service_h-1.db");
	copy(p, src);
	path_in(p, sizeof(p), "src", "ms_service_h-1.db-wal");
	path_in(src, sizeof(src), "in", "ms_service_h-1.db-wal");
	copy(p, src);
	sqlite3_close(db);
	/* the rows are only in the -wal */
	ck_assert(file_contains(src, "{\"i\": 49}"));
	path_in(p, sizeof(p), "in", "ms_service_h-1.db");
	ck_assert(!file_contains(p, "{\"i\": 49}"));
	before = snapshot(in);
	ck_assert_msg(load(p) == 0, "%s", ap_err_text(&err));
	after = snapshot(in);
	ck_assert_str_eq(before, after);
	ck_assert(!has_file(in, "-shm"));
	ck_assert_uint_eq(f.n_rows, 50);
	ck_assert_int_eq(f.rows[49].attrs.u.members[0].v.u.i, 49);
	ck_assert_str_eq(ap_svc_file_meta(&f, "hostname"), "h");
	free(before);
	free(after);
}
END_TEST

START_TEST(hot_journal_rolled_back)
{
	char src[512], in[512], p[512], q[512], *before, *after;
	sqlite3 *db;
	int i;

	path_in(src, sizeof(src), "", "src");
	path_in(in, sizeof(in), "", "in");
	ck_assert_int_eq(mkdir(src, 0700), 0);
	ck_assert_int_eq(mkdir(in, 0700), 0);
	path_in(p, sizeof(p), "src", "ms_service_h-2.db");
	make_db(p, SCHEMA_B "INSERT INTO Meta VALUES('hostname','h');"
		   "INSERT INTO Mstx VALUES('{\"name\": \"committed\"}',1,1,5,5,1,2);");
	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	/* a tiny cache spills the uncommitted pages into the database file itself */
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA cache_size=1; BEGIN;",
				      NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 400; i++)
		ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO Mstx VALUES('{\"name\": \"lost\", "
					      "\"pad\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}',"
					      "1,2,6,6,1,2)", NULL, NULL, NULL), SQLITE_OK);
	path_in(q, sizeof(q), "in", "ms_service_h-2.db");
	copy(p, q);
	path_in(p, sizeof(p), "src", "ms_service_h-2.db-journal");
	path_in(q, sizeof(q), "in", "ms_service_h-2.db-journal");
	ck_assert_int_eq(access(p, F_OK), 0);
	copy(p, q);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	path_in(p, sizeof(p), "in", "ms_service_h-2.db");
	/* the uncommitted rows did reach the database file: only the journal undoes them */
	ck_assert(file_contains(p, "\"lost\""));
	before = snapshot(in);
	ck_assert_msg(load(p) == 0, "%s", ap_err_text(&err));
	after = snapshot(in);
	ck_assert_str_eq(before, after);
	ck_assert(!has_file(in, "-shm"));
	ck_assert_int_eq(f.gen, AP_SVC_GEN_B);
	ck_assert_uint_eq(f.n_rows, 1);
	ck_assert_str_eq(f.rows[0].name, "committed");
	free(before);
	free(after);
}
END_TEST

START_TEST(not_a_database)
{
	char p[512];
	FILE *x;

	path_in(p, sizeof(p), "", "ms_service_h-3.db");
	x = fopen(p, "wb");
	fputs("this is not an SQLite database, just text long enough to have a header......"
	      "..................................................", x);
	fclose(x);
	ck_assert_int_eq(load(p), AP_EFORMAT);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), p));
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "not an SQLite database"));
	path_in(p, sizeof(p), "", "missing.db");
	ck_assert_int_eq(load(p), AP_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "missing.db"));
}
END_TEST

START_TEST(truncated_database)
{
	char p[512], q[512];
	FILE *a, *b;
	char buf[1500];
	int i;

	path_in(p, sizeof(p), "", "full.db");
	make_db(p, SCHEMA_C "INSERT INTO Meta VALUES('hostname','h','');");
	for (i = 0; i < 20; i++) {
		sqlite3 *db;

		ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO slice(timestamp,end_time,name,cat,"
					      "args,pid,tid) VALUES(1,1,'n','c','{\"x\": \"' || hex(zeroblob(1000)) || '\"}',1,1)",
					      NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	/* the first page and a half: the schema is there, the table pages are not */
	path_in(q, sizeof(q), "", "ms_service_h-4.db");
	a = fopen(p, "rb");
	b = fopen(q, "wb");
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), a), sizeof(buf));
	fwrite(buf, 1, sizeof(buf), b);
	fclose(a);
	fclose(b);
	ck_assert_int_eq(load(q), AP_EFORMAT);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "ms_service_h-4.db"));
}
END_TEST

START_TEST(missing_tables)
{
	char p[512];

	path_in(p, sizeof(p), "", "ms_service_h-5.db");
	make_db(p, "CREATE TABLE other(a);");
	ck_assert_int_eq(load(p), AP_EFORMAT);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "Meta"));
	path_in(p, sizeof(p), "", "ms_service_h-6.db");
	make_db(p, "CREATE TABLE Meta(name TEXT, value TEXT, slice TEXT); CREATE TABLE slices_x(a);");
	ck_assert_int_eq(load(p), AP_EFORMAT);
	ck_assert_int_eq(f.gen, AP_SVC_GEN_C);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "slice"));
}
END_TEST

START_TEST(malformed_json_kept)
{
	char p[512];
	const struct ap_diag_entry *e;

	path_in(p, sizeof(p), "", "ms_service_h-7.db");
	make_db(p, SCHEMA_C "INSERT INTO Meta VALUES('hostname','a',''), ('ppid','1',''),"
		   "('hostname','b','');"
		   "INSERT INTO slice(id,timestamp,name,cat,args,end_time,pid,tid) VALUES"
		   "(1,10,'a','D','{bad',11,1,2), (2,20,'b','D','[1]',21,1,2),"
		   "(3,30,'c','D','{\"k\": 1, \"j\": 2, \"k\": 3}',31,1,2),"
		   "(4,NULL,'d',NULL,CAST(X'7B226B223A2022FF227D' AS TEXT),41,1,2);");
	ck_assert_msg(load(p) == 0, "%s", ap_err_text(&err));
	ck_assert_uint_eq(f.n_meta, 2);
	ck_assert_str_eq(f.meta[0].name, "hostname");
	ck_assert_str_eq(f.meta[0].value, "b");
	ck_assert_str_eq(f.meta[1].name, "ppid");
	ck_assert_uint_eq(f.n_rows, 4);
	ck_assert(f.rows[0].flags & AP_SVC_ROW_BAD_JSON);
	ck_assert_int_eq(f.rows[0].attrs.type, AP_SV_OBJ);
	ck_assert_uint_eq(f.rows[0].attrs.n, 0);
	ck_assert(f.rows[1].flags & AP_SVC_ROW_BAD_JSON);
	ck_assert(!(f.rows[2].flags & AP_SVC_ROW_BAD_JSON));
	/* Python dict: first position, last value */
	ck_assert_uint_eq(f.rows[2].attrs.n, 2);
	ck_assert_str_eq(f.rows[2].attrs.u.members[0].key, "k");
	ck_assert_int_eq(f.rows[2].attrs.u.members[0].v.u.i, 3);
	ck_assert_str_eq(f.rows[2].attrs.u.members[1].key, "j");
	ck_assert(f.rows[3].flags & AP_SVC_ROW_NULL_START);
	ck_assert_ptr_null(f.rows[3].domain);
	ck_assert_str_eq(ap_sv_get(&f.rows[3].attrs, "k")->u.s, "N/A");
	ck_assert_uint_eq(f.diag.n, 3);
	e = &f.diag.v[0];
	ck_assert_int_eq(e->kind, AP_DIAG_WARN);
	ck_assert_uint_eq(e->count, 2);
	ck_assert_str_eq(e->key, "svc_bad_json");
	ck_assert_ptr_nonnull(strstr(e->first.buf, p));
	ck_assert_ptr_nonnull(strstr(e->first.buf, "slice row 1: malformed JSON in args, attributes dropped"));
	ck_assert_str_eq(f.diag.v[1].key, "svc_null_cell");
	ck_assert_str_eq(f.diag.v[2].key, "svc_bad_utf8");
}
END_TEST

START_TEST(gen_b_spellings)
{
	char p[512];
	const struct ap_svc_row *r;

	path_in(p, sizeof(p), "", "ms_service_h-8.db");
	make_db(p, SCHEMA_B "INSERT INTO Meta VALUES('hostname','h');"
		   "INSERT INTO Mstx VALUES('^domain^:^Request^,^rid^:^cmpl-1^,^recvTokenSize=^:5,"
		   "^name^:^httpRes^,^type^:0,',1,7,100,100,3,4),"
		   "('{\"domain\": \"Engine\", \"rid\": \"cmpl-1\", \"type\": 0, \"name\": \"httpReq\"}',"
		   "1,8,200,250,3,4),"
		   "('^name^:5,^x^:0.020000,^big^:123456789012345678901234,',1,9,300,300,3,4);");
	ck_assert_msg(load(p) == 0, "%s", ap_err_text(&err));
	ck_assert_int_eq(f.gen, AP_SVC_GEN_B);
	ck_assert_uint_eq(f.n_rows, 3);
	r = &f.rows[0];
	ck_assert_str_eq(r->name, "httpRes");
	ck_assert_str_eq(r->domain, "Request");
	ck_assert_int_eq(r->mark_id, 7);
	ck_assert_int_eq(ap_sv_get(&r->attrs, "recvTokenSize=")->u.i, 5);
	ck_assert_str_eq(r->attrs.u.members[0].key, "domain");
	r = &f.rows[1];
	ck_assert_str_eq(r->name, "httpReq");
	ck_assert_str_eq(r->domain, "Engine");
	ck_assert_int_eq(r->end_ns, 250);
	ck_assert_int_eq(r->pid, 3);
	r = &f.rows[2];
	ck_assert_ptr_null(r->name); /* not a string */
	ck_assert_ptr_null(r->domain);
	ck_assert_int_eq(ap_sv_get(&r->attrs, "x")->type, AP_SV_REAL);
	ck_assert_int_eq(ap_sv_get(&r->attrs, "big")->type, AP_SV_REAL);
	ck_assert_int_eq(ap_diag_worst(&f.diag), -1);
}
END_TEST

START_TEST(key_clash_fails_file)
{
	char p[512];

	path_in(p, sizeof(p), "", "ms_service_h-9.db");
	make_db(p, SCHEMA_C "INSERT INTO Meta VALUES('hostname','h','');"
		   "INSERT INTO slice(id,timestamp,name,cat,args,end_time,pid,tid) VALUES"
		   "(1,1,'a','D','{\"x\": {\"y\": 1}, \"spec_decode_accepted_by_req\": {\"pid\": 1}}',1,1,2),"
		   "(17,1,'a','D','{\"hostname\": 1}',1,1,2);");
	ck_assert_int_eq(load(p), AP_EFORMAT);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "slice row 17"));
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "'hostname'"));
	path_in(p, sizeof(p), "", "ms_service_h-10.db");
	make_db(p, SCHEMA_B "INSERT INTO Mstx VALUES('{\"a\": {\"b\": {\"pid\": 1}}, \"pid\": {}}',1,1,1,1,1,1);"
		   "INSERT INTO Mstx VALUES('{\"name\": \"x\", \"domain\": \"y\"}',1,2,1,1,1,1);"
		   "INSERT INTO Mstx VALUES('{\"tid\": 1}',1,3,1,1,1,1);");
	ck_assert_int_eq(load(p), AP_EFORMAT);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "Mstx row 3"));
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "'tid'"));
	ck_assert_uint_eq(f.n_rows, 2);
}
END_TEST

START_TEST(normalise_mstx)
{
	struct ap_strbuf b = AP_STRBUF_INIT;

	ck_assert_int_eq(ap_svc__mstx_normalise(&b, "^a^:1,", 6), 0);
	ck_assert_str_eq(b.buf, "{\"a\":1}");
	ck_assert_int_eq(ap_svc__mstx_normalise(&b, "{^a^:1}", 7), 0);
	ck_assert_str_eq(b.buf, "{\"a\":1}");
	ck_assert_int_eq(ap_svc__mstx_normalise(&b, "{\"a\":1}\n", 8), 0);
	ck_assert_str_eq(b.buf, "{\"a\":1}\n");
	ck_assert_int_eq(ap_svc__mstx_normalise(&b, "{\"a\":\n1}", 8), 0);
	ck_assert_str_eq(b.buf, "{{\"a\":\n1}}");
	ck_assert_int_eq(ap_svc__mstx_normalise(&b, "^a^:1,\n", 7), 0);
	ck_assert_str_eq(b.buf, "{\"a\":1\n}");
	ck_assert_int_eq(ap_svc__mstx_normalise(&b, "", 0), 0);
	ck_assert_str_eq(b.buf, "{}");
	ap_strbuf_release(&b);
}
END_TEST

static Suite *svc_load_suite(void)
{
	Suite *s = suite_create("svc_load");
	TCase *tc = tcase_create("golden");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, golden_generations_agree);
	suite_add_tcase(s, tc);
	tc = tcase_create("sqlite_in");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, wal_rows_only_in_wal);
	tcase_add_test(tc, hot_journal_rolled_back);
	tcase_add_test(tc, not_a_database);
	tcase_add_test(tc, truncated_database);
	tcase_add_test(tc, missing_tables);
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, malformed_json_kept);
	tcase_add_test(tc, gen_b_spellings);
	tcase_add_test(tc, key_clash_fails_file);
	tcase_add_test(tc, normalise_mstx);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(svc_load_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
