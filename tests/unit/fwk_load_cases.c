/*
 * The "loader" TCase of the fwk unit suite: ap_fwk_load (lib/formats/framework/fwk_load.c) on small
 * FRAMEWORK directories made of hand-written fixtures in a temp dir. Messages are checked for their
 * facts (file, byte offset, counts, bytes skipped), not their wording.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/fwk.h"
#include "ap/fwk_load.h"
#include "ap/host.h"
#include "ap/hostan.h"
#include "ap/hostview.h"
#include "ap/strtab.h"
#include "ap/timeconv.h"
#include "fwk_test_util.h"
#include "../../lib/base/banned.h"

static char tmp_base[4096];

static void rm_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path))) {
		while ((de = readdir(d))) {
			char sub[4096];

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) < (int)sizeof(sub))
				rm_tree(sub);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* Unchecked fixture (runs in the parent): one base temp dir per TCase, removed even on failure. */
static void loader_setup(void)
{
	const char *t = getenv("TMPDIR");

	if (snprintf(tmp_base, sizeof(tmp_base), "%s/ap_test_fwk_XXXXXX", t && *t ? t : "/tmp") >=
		    (int)sizeof(tmp_base) ||
	    !mkdtemp(tmp_base)) {
		fprintf(stderr, "test_fwk: mkdtemp '%s': %s\n", tmp_base, strerror(errno));
		exit(99);
	}
}

static void loader_teardown(void)
{
	rm_tree(tmp_base);
}

/* A fresh FRAMEWORK dir under the base dir. */
static void mk_dir(char *out, size_t cap)
{
	ck_assert_msg(snprintf(out, cap, "%s/FRAMEWORK_XXXXXX", tmp_base) < (int)cap, "path too long");
	ck_assert_msg(mkdtemp(out) != NULL, "mkdtemp: %s", strerror(errno));
}

static void put_file(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096];
	FILE *o;

	ck_assert_msg(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path),
		      "path too long");
	o = fopen(path, "wb");
	ck_assert_msg(o != NULL, "create '%s': %s", path, strerror(errno));
	ck_assert_uint_eq(len ? fwrite(p, 1, len, o) : 0, len);
	ck_assert_int_eq(fclose(o), 0);
}

static void put_fixture(const char *dir, const char *name, const char *fixture)
{
	struct ap_test_fx f = ap_test_fx_load(fixture);

	put_file(dir, name, f.p, f.len);
	ap_test_fx_free(&f);
}

struct loaded {
	struct ap_host h;
	struct ap_diag d;
};

static void load_dir(const char *dir, const struct ap_timeconv *tc, struct loaded *l)
{
	static const struct ap_timeconv mono = { 0, 1.0, 0, 0, 0 };
	struct ap_err e = AP_ERR_INIT;
	int r;

	ck_assert_int_eq(ap_host_init(&l->h), 0);
	ap_diag_init(&l->d);
	r = ap_fwk_load(dir, tc ? tc : &mono, &l->h, &l->d, &e);
	ck_assert_msg(r == 0, "ap_fwk_load = %d (%s)", r, ap_err_text(&e));
	ap_err_release(&e);
}

static void loaded_release(struct loaded *l)
{
	ap_host_release(&l->h);
	ap_diag_release(&l->d);
}

static const char *str(const struct loaded *l, uint32_t id)
{
	return ap_strtab_get(&l->h.strs, id);
}

#define CK_STR(l, id, want) ck_str((l), (id), (want), #id, __LINE__)
static void ck_str(const struct loaded *l, uint32_t id, const char *want, const char *what, int line)
{
	const char *s = str(l, id);

	if (!want) {
		ck_assert_msg(id == AP_STR_NONE, "line %d: %s = \"%s\", expected absent", line, what,
			      s ? s : "");
		return;
	}
	ck_assert_msg(s != NULL, "line %d: %s absent, expected \"%s\"", line, what, want);
	ck_assert_msg(!strcmp(s, want), "line %d: %s = \"%s\", expected \"%s\"", line, what, s, want);
}

/* The diag entry of this kind whose first message holds every fact of the NULL-terminated list. */
static const struct ap_diag_entry *diag_find(const struct ap_diag *d, enum ap_diag_kind kind,
					     const char *const *facts)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].kind != kind)
			continue;
		for (j = 0; facts[j] && ap_test_has_fact(d->v[i].first.buf, facts[j]); j++)
			;
		if (!facts[j])
			return &d->v[i];
	}
	return NULL;
}

static const char *diag_dump(const struct ap_diag *d)
{
	static char buf[4096];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < d->n && n < sizeof(buf); i++) {
		int w = snprintf(buf + n, sizeof(buf) - n, "[%d x%lu %s] %s\n", (int)d->v[i].kind,
				 d->v[i].count, d->v[i].key, d->v[i].first.buf);

		if (w < 0)
			break;
		n += (size_t)w;
	}
	return buf;
}

/* One diagnostic of this kind, counted count times, names every fact given. */
#define CK_DIAG(l, kind, count, ...) \
	ck_diag((l), (kind), (count), __LINE__, (const char *const[]){ __VA_ARGS__, NULL })
static void ck_diag(const struct loaded *l, enum ap_diag_kind kind, unsigned long count, int line,
		    const char *const *facts)
{
	const struct ap_diag_entry *e = diag_find(&l->d, kind, facts);

	ck_assert_msg(e != NULL, "line %d: no diag of kind %d with \"%s\"%s; have:\n%s", line,
		      (int)kind, facts[0], facts[1] ? " ..." : "", diag_dump(&l->d));
	ck_assert_msg(e->count == count, "line %d: diag \"%s\" counted %lu, expected %lu", line,
		      e->first.buf, e->count, count);
}

#define CK_NO_DIAG(l) \
	ck_assert_msg((l)->d.n == 0, "unexpected diagnostics:\n%s", diag_dump(&(l)->d))

START_TEST(test_load_g3_dump)
{
	/* local = monotonic + local_diff (syscnt off) */
	static const struct ap_timeconv tc = { 0, 1.0, 0, 0, 1000000 };
	char dir[4096];
	struct loaded l;
	const struct ap_op *op;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_g3");
	put_fixture(dir, "torch.op_mark", "fwk_op_mark_upstream");
	put_fixture(dir, "torch.memory_usage", "fwk_memory_77");
	put_fixture(dir, "torch.python_tracer_func", "fwk_tracer_func");
	put_fixture(dir, "torch.python_tracer_hash", "fwk_tracer_hash_g3");
	put_fixture(dir, "torch.param_tensor_info", "fwk_param_tensor_g3");
	put_fixture(dir, "torch.gc_record", "fwk_gc_record");
	load_dir(dir, &tc, &l);
	CK_NO_DIAG(&l);
	ck_assert_int_eq(ap_diag_worst(&l.d), -1);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN3);
	ck_assert_int_eq(l.h.has_op_mark, 1);
	ck_assert_int_eq(l.h.has_tracer, 1);

	ck_assert_uint_eq(l.h.ops.n, 2);
	op = &l.h.ops.v[0];
	ck_assert_int_eq(op->ts, 1001000);
	ck_assert_int_eq(op->end, 1002500);
	ck_assert_int_eq(op->seq, 7);
	ck_assert_uint_eq(op->pid, 4242);
	ck_assert_uint_eq(op->tid, 4243);
	ck_assert_uint_eq(op->fwd_tid, 0);
	CK_STR(&l, op->name, "aten::add");
	CK_STR(&l, op->input_type, "float;float;Scalar");
	CK_STR(&l, op->input_dims, "2,3;2,3;");
	CK_STR(&l, op->call_stack, "train.py(12): step;model.py(40): forward");
	CK_STR(&l, op->module, "nn.Module: Net_0;nn.Module: Linear_1");
	CK_STR(&l, op->flops, NULL);
	op = &l.h.ops.v[1];
	ck_assert_int_eq(op->ts, 1732600000123456789LL + 1000000);
	ck_assert_int_eq(op->seq, -1);
	ck_assert_uint_eq(op->fwd_tid, 4243);
	CK_STR(&l, op->name, "aten::ones");
	CK_STR(&l, op->input_dims, "");
	ck_assert_uint_eq(op->input_dims, AP_STR_EMPTY);
	CK_STR(&l, op->call_stack, NULL);

	ck_assert_uint_eq(l.h.marks.n, 1);
	ck_assert_int_eq(l.h.marks.v[0].ts, 111 + 1000000);
	ck_assert_uint_eq(l.h.marks.v[0].cat, AP_DEQUEUE_START);
	ck_assert_uint_eq(l.h.marks.v[0].corr, 333);
	ck_assert_uint_eq(l.h.threads.v[l.h.marks.v[0].thread].tid, 444);
	ck_assert_uint_eq(l.h.threads.v[l.h.marks.v[0].thread].pid, 555);
	CK_STR(&l, l.h.marks.v[0].name, "test");

	ck_assert_uint_eq(l.h.mems.n, 1);
	ck_assert_int_eq(l.h.mems.v[0].ts, 8000 + 1000000);
	ck_assert_int_eq(l.h.mems.v[0].ptr, 0x12c0a0000400LL);
	ck_assert_int_eq(l.h.mems.v[0].total_active, 4194304);
	ck_assert_uint_eq(l.h.mems.v[0].component, 1);
	/* numbered apart from the markers' threads */
	ck_assert_uint_eq(l.h.memthreads.n, 1);
	ck_assert_uint_eq(l.h.mems.v[0].thread, 0);
	ck_assert_uint_eq(l.h.memthreads.v[0].tid, 999);

	ck_assert_uint_eq(l.h.pyrecs.n, 2);
	ck_assert_int_eq(l.h.pyrecs.v[1].ts, 2000 + 1000000);
	ck_assert_uint_eq(l.h.pyrecs.v[1].key, 0x1111);
	ck_assert_uint_eq(l.h.pyrecs.v[1].tag, 1);
	/* the tracer's threads are numbered apart from the markers' */
	ck_assert_uint_eq(l.h.pythreads.n, 1);
	ck_assert_uint_eq(l.h.pyrecs.v[0].thread, 0);
	ck_assert_uint_eq(l.h.pyrecs.v[1].thread, 0);
	ck_assert_uint_eq(l.h.pythreads.v[0].tid, 11);
	ck_assert_uint_eq(l.h.pythreads.v[0].pid, 22);
	ck_assert_uint_eq(l.h.pyhash.n, 3);
	ck_assert_uint_eq(l.h.pyhash.v[1].key, 0x1111);
	CK_STR(&l, l.h.pyhash.v[1].value, "__torch_npu_profiler_python_tracer_exit");
	CK_STR(&l, l.h.pyhash.v[2].value, "Linear######0x7f3a2c1b0e50");

	ck_assert_uint_eq(l.h.gcs.n, 2);
	ck_assert_uint_eq(l.h.gcs.v[0].pid, 4242);
	ck_assert_int_eq(l.h.gcs.v[0].ts, 100 + 1000000);
	ck_assert_int_eq(l.h.gcs.v[0].end, 350 + 1000000);
	loaded_release(&l);
}
END_TEST

START_TEST(test_load_g2_dump_syscnt)
{
	/* local = trunc((raw - 100) * 10.0) + 5000 + 1000000 (§4 steps A and B) */
	static const struct ap_timeconv tc = { 1, 10.0, 100, 5000, 1000000 };
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_g2");
	put_fixture(dir, "torch.op_mark", "fwk_op_mark_g2");
	put_fixture(dir, "torch.memory_usage", "fwk_memory_76");
	put_fixture(dir, "torch.python_tracer_hash", "fwk_tracer_hash_g2");
	put_fixture(dir, "torch.param_tensor_info", "fwk_param_tensor_g2");
	load_dir(dir, &tc, &l);
	CK_NO_DIAG(&l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN2);
	ck_assert_int_eq(l.h.has_tracer, 0); /* no tracer_func file */
	ck_assert_uint_eq(l.h.ops.n, 2);
	ck_assert_int_eq(l.h.ops.v[0].ts, 0 + 5000 + 1000000);
	ck_assert_int_eq(l.h.ops.v[0].end, 1000 + 5000 + 1000000);
	CK_STR(&l, l.h.ops.v[0].name, "aten::matmul");
	CK_STR(&l, l.h.ops.v[0].call_stack, "a.py(1): f");
	CK_STR(&l, l.h.ops.v[1].name, "aten::add_");
	CK_STR(&l, l.h.ops.v[1].call_stack, NULL);
	CK_STR(&l, l.h.ops.v[1].module, "nn.Module: Net_0");
	ck_assert_uint_eq(l.h.marks.n, 2);
	CK_STR(&l, l.h.marks.v[0].name, "test");
	CK_STR(&l, l.h.marks.v[1].name, "aclnnAdd");
	ck_assert_uint_eq(l.h.marks.v[1].cat, AP_ENQUEUE_START);
	ck_assert_int_eq(l.h.marks.v[1].ts, 0 + 5000 + 1000000);
	ck_assert_uint_eq(l.h.mems.n, 1);
	ck_assert_int_eq(l.h.mems.v[0].stream, -1);
	ck_assert_int_eq(l.h.mems.v[0].device_index, -1);
	ck_assert_uint_eq(l.h.mems.v[0].allocator, 1);
	ck_assert_uint_eq(l.h.pyhash.n, 2);
	CK_STR(&l, l.h.pyhash.v[0].value, "train.py(12): step");
	loaded_release(&l);
}
END_TEST

START_TEST(test_load_g1_dump)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_g1");
	put_fixture(dir, "torch.op_mark", "fwk_op_mark_g2");
	put_fixture(dir, "torch.memory_usage", "fwk_memory_75");
	load_dir(dir, NULL, &l);
	CK_NO_DIAG(&l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN1);
	ck_assert_uint_eq(l.h.ops.n, 2);
	CK_STR(&l, l.h.ops.v[0].name, "aten::conv2d");
	CK_STR(&l, l.h.ops.v[0].call_stack, "b.py(2): g");
	CK_STR(&l, l.h.ops.v[0].module, "nn.Module: Net_0");
	CK_STR(&l, l.h.ops.v[1].flops, "flops:12");
	CK_STR(&l, l.h.ops.v[1].input_dims, "2,3;3,4");
	ck_assert_uint_eq(l.h.marks.n, 2);
	CK_STR(&l, l.h.marks.v[0].name, "test");
	ck_assert_uint_eq(l.h.mems.n, 1);
	ck_assert_int_eq(l.h.mems.v[0].alloc_size, -512);
	ck_assert_uint_eq(l.h.mems.v[0].data_type, 1);
	loaded_release(&l);
}
END_TEST

/* Without op_range, op_mark's field id decides the numbering (§3.10). */
START_TEST(test_load_mark_only)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_mark", "fwk_op_mark_g2");
	put_fixture(dir, "torch.python_tracer_hash", "fwk_tracer_hash_g2");
	load_dir(dir, NULL, &l);
	CK_NO_DIAG(&l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN2);
	ck_assert_uint_eq(l.h.marks.n, 2);
	CK_STR(&l, l.h.marks.v[1].name, "aclnnAdd");
	CK_STR(&l, l.h.pyhash.v[0].value, "train.py(12): step");
	loaded_release(&l);

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_mark", "fwk_op_mark_upstream");
	load_dir(dir, NULL, &l);
	CK_NO_DIAG(&l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN3);
	CK_STR(&l, l.h.marks.v[0].name, "test");
	loaded_release(&l);
}
END_TEST

START_TEST(test_load_empty_and_missing)
{
	char dir[4096], missing[4200];
	struct loaded l;
	struct ap_err e = AP_ERR_INIT;

	mk_dir(dir, sizeof(dir));
	load_dir(dir, NULL, &l);
	CK_NO_DIAG(&l);
	ck_assert_uint_eq(l.h.ops.n + l.h.marks.n + l.h.mems.n + l.h.pyrecs.n + l.h.gcs.n, 0);
	ck_assert_int_eq(l.h.has_op_mark, 0);
	loaded_release(&l);
	/* empty files are no trouble */
	put_file(dir, "torch.op_range", "", 0);
	put_file(dir, "torch.gc_record", "", 0);
	load_dir(dir, NULL, &l);
	CK_NO_DIAG(&l);
	ck_assert_uint_eq(l.h.ops.n, 0);
	loaded_release(&l);

	ck_assert_int_lt(snprintf(missing, sizeof(missing), "%s/nope", dir), (int)sizeof(missing));
	ck_assert_int_eq(ap_host_init(&l.h), 0);
	ap_diag_init(&l.d);
	ck_assert_int_lt(ap_fwk_load(missing, &(struct ap_timeconv){ 0, 1.0, 0, 0, 0 }, &l.h, &l.d,
				     &e), 0);
	ck_assert_int_eq(e.code, AP_ENOTFOUND); /* a missing directory; unreadable ones give AP_EIO */
	ck_assert_ptr_nonnull(strstr(e.msg.buf, missing));
	ap_err_release(&e);
	loaded_release(&l);
}
END_TEST

/* Exact names win; a name with a suffix is accepted (§3.1). */
START_TEST(test_load_suffixed_names)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range.1", "fwk_op_range_g2");
	put_fixture(dir, "torch.gc_record_x", "fwk_gc_record");
	load_dir(dir, NULL, &l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN2);
	ck_assert_uint_eq(l.h.ops.n, 2);
	ck_assert_uint_eq(l.h.gcs.n, 2);
	loaded_release(&l);

	put_fixture(dir, "torch.op_range", "fwk_op_range_g3");
	load_dir(dir, NULL, &l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN3);
	CK_STR(&l, l.h.ops.v[0].name, "aten::add");
	loaded_release(&l);
}
END_TEST

/* The exact name is the file of its kind even when a suffixed name is listed first by the
 * directory (§3.1: exact names, suffixes only defensively). Both creation orders, so that the
 * test does not lean on the lister's order; each pair holds different content. */
START_TEST(test_load_exact_name_beats_suffix)
{
	static const char *const order[2][4] = {
		{ "torch.op_range", "torch.op_range.1", "torch.memory_usage", "torch.memory_usage.1" },
		{ "torch.op_range.1", "torch.op_range", "torch.memory_usage.1", "torch.memory_usage" },
	};
	char dir[4096];
	struct loaded l;
	int o, i;

	for (o = 0; o < 2; o++) {
		mk_dir(dir, sizeof(dir));
		for (i = 0; i < 4; i++) {
			const char *n = order[o][i];
			int suffixed = strchr(n + strlen("torch."), '.') != NULL;

			if (!strncmp(n, "torch.op_range", 14))
				put_fixture(dir, n, suffixed ? "fwk_op_range_g2" : "fwk_op_range_g3");
			else
				put_fixture(dir, n, suffixed ? "fwk_memory_76" : "fwk_memory_77");
		}
		load_dir(dir, NULL, &l);
		CK_NO_DIAG(&l);
		ck_assert_int_eq(l.h.gen, AP_FWK_GEN3);   /* torch.op_range.1 holds G2 records */
		ck_assert_uint_eq(l.h.ops.n, 2);
		CK_STR(&l, l.h.ops.v[0].name, "aten::add"); /* G2's first op: aten::matmul */
		ck_assert_int_eq(l.h.ops.v[0].ts, 1000);
		ck_assert_uint_eq(l.h.mems.n, 1);
		ck_assert_int_eq(l.h.mems.v[0].ts, 8000);   /* memory_76: 7000 */
		ck_assert_uint_eq(l.h.memthreads.v[l.h.mems.v[0].thread].tid, 999); /* memory_76: 888 */
		loaded_release(&l);
	}
}
END_TEST

struct trunc_case {
	const char *fixture;
	size_t ends[2];
	const char *names[2];
};

static const struct trunc_case trunc_cases[] = {
	{ "fwk_op_range_g3", { 205, 307 }, { "aten::add", "aten::ones" } },
	{ "fwk_op_range_g2", { 98, 230 }, { "aten::matmul", "aten::add_" } },
	{ "fwk_op_range_g1", { 119, 240 }, { "aten::conv2d", "aten::mm" } },
};

/* A cut at every byte offset: no crash, the records before the cut kept, one DATA_LOSS that names
 * the offset of the cut record and the bytes skipped. */
START_TEST(test_load_truncated_everywhere)
{
	const struct trunc_case *tc = &trunc_cases[_i];
	struct ap_test_fx f = ap_test_fx_load(tc->fixture);
	size_t cut;

	ck_assert_uint_eq(f.len, tc->ends[1]);
	for (cut = 0; cut <= f.len; cut++) {
		char dir[4096], off[32], skipped[48];
		struct loaded l;
		size_t n = (cut >= tc->ends[0]) + (cut >= tc->ends[1]), start, i;

		mk_dir(dir, sizeof(dir));
		put_file(dir, "torch.op_range", f.p, cut);
		load_dir(dir, NULL, &l);
		ck_assert_msg(l.h.ops.n == n, "%s cut at %zu: %zu ops, expected %zu", tc->fixture, cut,
			      l.h.ops.n, n);
		for (i = 0; i < n; i++)
			CK_STR(&l, l.h.ops.v[i].name, tc->names[i]);
		if (cut == 0 || cut == tc->ends[0] || cut == tc->ends[1]) {
			CK_NO_DIAG(&l);
		} else {
			start = cut > tc->ends[0] ? tc->ends[0] : 0;
			ck_assert_int_eq(ap_diag_worst(&l.d), AP_DIAG_DATA_LOSS);
			ck_assert_msg(l.d.n == 1, "cut at %zu:\n%s", cut, diag_dump(&l.d));
			snprintf(off, sizeof(off), "offset %zu", start);
			snprintf(skipped, sizeof(skipped), "%zu bytes skipped", cut - start);
			CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.op_range'", off, skipped);
		}
		loaded_release(&l);
		rm_tree(dir);
	}
	ap_test_fx_free(&f);
}
END_TEST

/* The same for the flat files: a trailing partial struct is reported, whole ones kept. */
START_TEST(test_load_flat_truncated_everywhere)
{
	static const struct { const char *fixture, *file; size_t size; } cases[] = {
		{ "fwk_tracer_func", "torch.python_tracer_func", AP_FWK_TRACER_FUNC_SIZE },
		{ "fwk_gc_record", "torch.gc_record", AP_FWK_GC_SIZE },
	};
	size_t k, cut;

	for (k = 0; k < 2; k++) {
		struct ap_test_fx f = ap_test_fx_load(cases[k].fixture);

		for (cut = 0; cut <= f.len; cut++) {
			char dir[4096], file[64], off[32], skipped[48];
			struct loaded l;
			size_t n = cut / cases[k].size, r = cut % cases[k].size;

			mk_dir(dir, sizeof(dir));
			put_file(dir, cases[k].file, f.p, cut);
			load_dir(dir, NULL, &l);
			ck_assert_uint_eq(k ? l.h.gcs.n : l.h.pyrecs.n, n);
			if (n && k == 0)
				ck_assert_uint_eq(l.h.pyrecs.v[0].key, 0x9e3779b97f4a7c15ULL);
			if (n && k == 1)
				ck_assert_int_eq(l.h.gcs.v[0].end, 350);
			if (!r) {
				CK_NO_DIAG(&l);
			} else {
				snprintf(file, sizeof(file), "'FRAMEWORK/%s'", cases[k].file);
				snprintf(off, sizeof(off), "offset %zu", n * cases[k].size);
				snprintf(skipped, sizeof(skipped), "%zu bytes skipped", r);
				CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, file, off, skipped);
			}
			loaded_release(&l);
			rm_tree(dir);
		}
		ap_test_fx_free(&f);
	}
}
END_TEST

START_TEST(test_load_cut_files)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_len_past_eof");
	load_dir(dir, NULL, &l);
	ck_assert_uint_eq(l.h.ops.n, 1);
	CK_STR(&l, l.h.ops.v[0].name, "aten::add");
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.op_range'", "offset 79", "200", "73",
		"79 bytes skipped");
	loaded_release(&l);

	put_fixture(dir, "torch.op_range", "fwk_op_range_cut_header");
	load_dir(dir, NULL, &l);
	ck_assert_uint_eq(l.h.ops.n, 1);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.op_range'", "offset 79", "header",
		"3 bytes skipped");
	loaded_release(&l);
}
END_TEST

START_TEST(test_load_bad_records)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_field_past_end");
	put_fixture(dir, "torch.memory_usage", "fwk_memory_bad_len");
	load_dir(dir, NULL, &l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN3);
	ck_assert_uint_eq(l.h.ops.n, 2);
	CK_STR(&l, l.h.ops.v[0].name, "aten::add");
	CK_STR(&l, l.h.ops.v[1].name, "aten::sub");
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 2, "'FRAMEWORK/torch.op_range'", "record at offset 79",
		"payload offset 58", "100");
	ck_assert_uint_eq(l.h.mems.n, 1);
	ck_assert_int_eq(l.h.mems.v[0].ts, 8000);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.memory_usage'", "offset 0", "60 bytes");
	ck_assert_int_eq(ap_diag_worst(&l.d), AP_DIAG_DATA_LOSS);
	loaded_release(&l);

	/* a first record shorter than the fixed part: the generation comes from the second */
	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_short_fixed");
	load_dir(dir, NULL, &l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN3);
	ck_assert_uint_eq(l.h.ops.n, 1);
	ck_assert_int_eq(l.h.ops.v[0].ts, 70);
	CK_STR(&l, l.h.ops.v[0].name, "aten::sub");
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.op_range'", "offset 0", "40 bytes");
	loaded_release(&l);
}
END_TEST

/* An op_range whose records match no writer generation is reported and not decoded; op_mark
 * then decides the numbering (§3.10). */
START_TEST(test_load_unknown_generation)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	/* op_mark records in an op_range file: 50-byte payloads hold no name TLV at 57 or 58 */
	put_fixture(dir, "torch.op_range", "fwk_op_mark_upstream");
	put_fixture(dir, "torch.op_mark", "fwk_op_mark_g2");
	load_dir(dir, NULL, &l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN2);
	ck_assert_uint_eq(l.h.ops.n, 0);
	ck_assert_uint_eq(l.h.marks.n, 2);
	CK_STR(&l, l.h.marks.v[1].name, "aclnnAdd");
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.op_range'", "unsupported layout");
	ck_assert_uint_eq(l.d.n, 1);
	loaded_release(&l);
}
END_TEST

START_TEST(test_load_unknown_tlv)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_unknown_tlv");
	load_dir(dir, NULL, &l);
	ck_assert_uint_eq(l.h.ops.n, 3);
	CK_STR(&l, l.h.ops.v[0].name, "aten::add");
	CK_STR(&l, l.h.ops.v[1].name, "aten::mul");
	CK_STR(&l, l.h.ops.v[2].name, "aten::sub");
	CK_DIAG(&l, AP_DIAG_WARN, 1, "'FRAMEWORK/torch.op_range'", "2 records", "type 30",
		"offset 0");
	ck_assert_int_eq(ap_diag_worst(&l.d), AP_DIAG_WARN);
	ck_assert_uint_eq(l.d.n, 1);
	loaded_release(&l);
}
END_TEST

START_TEST(test_load_bad_utf8)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_bad_utf8");
	load_dir(dir, NULL, &l);
	ck_assert_uint_eq(l.h.ops.n, 3);
	CK_STR(&l, l.h.ops.v[0].name, "N/A");
	CK_STR(&l, l.h.ops.v[0].input_type, "float");
	CK_STR(&l, l.h.ops.v[1].name, "aten::add");
	CK_STR(&l, l.h.ops.v[1].call_stack, "N/A");
	CK_STR(&l, l.h.ops.v[2].name, "aten::\xe6\x97\xa5");
	CK_DIAG(&l, AP_DIAG_WARN, 1, "'FRAMEWORK/torch.op_range'", "UTF-8", "2 string fields",
		"N/A", "offset 0");
	ck_assert_int_eq(ap_diag_worst(&l.d), AP_DIAG_WARN);
	ck_assert_uint_eq(l.d.n, 1);
	loaded_release(&l);
}
END_TEST

START_TEST(test_load_mark_category)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_mark", "fwk_op_mark_bad_category");
	load_dir(dir, NULL, &l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN3);
	ck_assert_uint_eq(l.h.marks.n, 1);
	ck_assert_uint_eq(l.h.marks.v[0].cat, AP_ENQUEUE_END);
	ck_assert_uint_eq(l.h.marks.v[0].corr, 9);
	CK_STR(&l, l.h.marks.v[0].name, "aclnnAdd");
	CK_DIAG(&l, AP_DIAG_WARN, 1, "'FRAMEWORK/torch.op_mark'", "offset 0", "category 7");
	loaded_release(&l);
}
END_TEST

START_TEST(test_load_g1_python_tracer)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.op_range", "fwk_op_range_g1");
	put_fixture(dir, "torch.python_func_call", "fwk_python_func_call_g1");
	load_dir(dir, NULL, &l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN1);
	ck_assert_uint_eq(l.h.ops.n, 2); /* the rest of the dump still loads */
	ck_assert_uint_eq(l.h.pyrecs.n, 0);
	ck_assert_int_eq(l.h.has_tracer, 0);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.python_func_call'", "unsupported layout");
	ck_assert_uint_eq(l.d.n, 1);
	loaded_release(&l);
}
END_TEST

/* A flat record that is zero but for its last byte (a python_tracer_func record of tag 1) is a
 * record; only an all-zero one is space never written. */
START_TEST(test_load_zero_but_last_byte)
{
	uint8_t rec[2 * AP_FWK_TRACER_FUNC_SIZE];
	char dir[4096];
	struct loaded l;

	memset(rec, 0, sizeof(rec));
	rec[AP_FWK_TRACER_FUNC_SIZE - 1] = 1;
	mk_dir(dir, sizeof(dir));
	put_file(dir, "torch.python_tracer_func", rec, sizeof(rec));
	load_dir(dir, NULL, &l);
	ck_assert_uint_eq(l.h.pyrecs.n, 1);
	ck_assert_uint_eq(l.h.pyrecs.v[0].tag, 1);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.python_tracer_func'",
		"1 zero-filled record", "offset 33");
	ck_assert_uint_eq(l.d.n, 1);
	loaded_release(&l);
}
END_TEST

/* Neither op_range nor op_mark: the current numbering (G3) reads the other files (§3.10). */
START_TEST(test_load_no_range_no_mark)
{
	char dir[4096];
	struct loaded l;

	mk_dir(dir, sizeof(dir));
	put_fixture(dir, "torch.python_tracer_func", "fwk_tracer_func");
	put_fixture(dir, "torch.python_tracer_hash", "fwk_tracer_hash_g3");
	load_dir(dir, NULL, &l);
	CK_NO_DIAG(&l);
	ck_assert_int_eq(l.h.gen, AP_FWK_GEN3);
	ck_assert_uint_eq(l.h.pyhash.n, 3);
	CK_STR(&l, l.h.pyhash.v[0].value, "train.py(12): step");
	CK_STR(&l, l.h.pyhash.v[2].value, "Linear######0x7f3a2c1b0e50");
	loaded_release(&l);
}
END_TEST

/* Markers of the same tid in two processes, one after the other: two threads (the cache of the
 * last marker's thread compares pid and tid). The payload holds the tid at byte 24, the pid at
 * 32, after the 6-byte record header. */
START_TEST(test_load_mark_same_tid_other_pid)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_upstream");
	uint8_t *two = malloc(2 * f.len);
	uint64_t pid = 556;
	char dir[4096];
	struct loaded l;

	ck_assert_ptr_nonnull(two);
	memcpy(two, f.p, f.len);
	memcpy(two + f.len, f.p, f.len);
	memcpy(two + f.len + 6 + 32, &pid, 8);
	mk_dir(dir, sizeof(dir));
	put_file(dir, "torch.op_mark", two, 2 * f.len);
	load_dir(dir, NULL, &l);
	CK_NO_DIAG(&l);
	ck_assert_uint_eq(l.h.marks.n, 2);
	ck_assert_uint_ne(l.h.marks.v[0].thread, l.h.marks.v[1].thread);
	ck_assert_uint_eq(l.h.threads.v[l.h.marks.v[0].thread].pid, 555);
	ck_assert_uint_eq(l.h.threads.v[l.h.marks.v[1].thread].pid, 556);
	ck_assert_uint_eq(l.h.threads.v[l.h.marks.v[1].thread].tid, 444);
	loaded_release(&l);
	free(two);
	ap_test_fx_free(&f);
}
END_TEST

/* Markers of three threads taking turns (the loader remembers the last two it met): each
 * marker gets its own thread's number, numbers given in first-appearance order. The payload
 * holds the tid at byte 24, after the 6-byte record header. */
START_TEST(test_load_marks_threads_taking_turns)
{
	static const uint64_t tids[] = { 1, 2, 1, 3, 2, 3, 1, 1, 3 };
	enum { N = sizeof(tids) / sizeof(*tids) };
	struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_upstream");
	uint8_t *recs = malloc(N * f.len);
	char dir[4096];
	struct loaded l;
	size_t i;

	ck_assert_ptr_nonnull(recs);
	for (i = 0; i < N; i++) {
		memcpy(recs + i * f.len, f.p, f.len);
		memcpy(recs + i * f.len + 6 + 24, &tids[i], 8);
	}
	mk_dir(dir, sizeof(dir));
	put_file(dir, "torch.op_mark", recs, N * f.len);
	load_dir(dir, NULL, &l);
	CK_NO_DIAG(&l);
	ck_assert_uint_eq(l.h.marks.n, N);
	ck_assert_uint_eq(l.h.threads.n, 3);
	for (i = 0; i < N; i++) {
		ck_assert_uint_eq(l.h.marks.v[i].thread, tids[i] - 1);
		ck_assert_uint_eq(l.h.threads.v[l.h.marks.v[i].thread].tid, tids[i]);
	}
	loaded_release(&l);
	free(recs);
	ap_test_fx_free(&f);
}
END_TEST

/* The counts of one file are not carried into the next file of its part: invalid UTF-8 in
 * op_mark is reported for op_mark only, not again for memory_usage decoded after it. */
START_TEST(test_load_counts_reset_between_files)
{
	struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_upstream");
	uint8_t *bad = malloc(f.len);
	char dir[4096];
	struct loaded l;

	ck_assert_ptr_nonnull(bad);
	memcpy(bad, f.p, f.len);
	ck_assert_int_eq(bad[6 + 46], 't'); /* the name "test" after the 40-byte fixed part */
	bad[6 + 46] = 0xff;
	mk_dir(dir, sizeof(dir));
	put_file(dir, "torch.op_mark", bad, f.len);
	put_fixture(dir, "torch.memory_usage", "fwk_memory_77");
	load_dir(dir, NULL, &l);
	ck_assert_uint_eq(l.h.marks.n, 1);
	CK_STR(&l, l.h.marks.v[0].name, "N/A");
	ck_assert_uint_eq(l.h.mems.n, 1);
	CK_DIAG(&l, AP_DIAG_WARN, 1, "'FRAMEWORK/torch.op_mark'", "UTF-8", "1 string field");
	ck_assert_msg(l.d.n == 1, "reports:\n%s", diag_dump(&l.d));
	loaded_release(&l);
	free(bad);
	ap_test_fx_free(&f);
}
END_TEST

/* A sink of the test: keeps what it is handed; add returns 1 at marker stop (0: never). */
struct kept_marks {
	struct ap_mark m[16];
	uint64_t tid[16];
	size_t n, max, stop, begun;
};

static int kept_begin(void *ctx, size_t max)
{
	struct kept_marks *k = ctx;

	k->begun++;
	k->max = max;
	return 0;
}

static int kept_add(void *ctx, uint64_t tid, const struct ap_mark *m)
{
	struct kept_marks *k = ctx;

	if (k->stop && k->n + 1 == k->stop)
		return 1;
	ck_assert_uint_lt(k->n, 16);
	k->tid[k->n] = tid;
	k->m[k->n++] = *m;
	return 0;
}

/* With a sink, the markers go to it in file order, not into the markers of ap_fwk_plan_marks,
 * and n_marks counts them. When the sink takes no more (at the 3rd or the last), the file is
 * decoded again into the markers, which are then those of a plain load, and its reports (a
 * name of invalid UTF-8 in the 2nd marker, an unknown category in the 5th) are made once. */
START_TEST(test_load_marks_to_sink)
{
	static const struct ap_timeconv mono = { 0, 1.0, 0, 0, 0 };
	enum { N = 6 };
	struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_upstream");
	uint8_t *recs = malloc(N * f.len);
	char dir[4096];
	static const size_t stops[] = { 0, 3, 5 };
	size_t i, j;
	struct loaded ref;

	ck_assert_ptr_nonnull(recs);
	for (i = 0; i < N; i++) { /* time at payload byte 0, category at 8, corr at 16 */
		int64_t time = 100 * (int64_t)i;
		uint64_t cat = i == 4 ? 7 : i % 4, corr = i;

		memcpy(recs + i * f.len, f.p, f.len);
		memcpy(recs + i * f.len + 6, &time, 8);
		memcpy(recs + i * f.len + 14, &cat, 8);
		memcpy(recs + i * f.len + 22, &corr, 8);
	}
	ck_assert_int_eq(recs[f.len + 6 + 46], 't');
	recs[f.len + 6 + 46] = 0xff;
	mk_dir(dir, sizeof(dir));
	put_file(dir, "torch.op_mark", recs, N * f.len);
	load_dir(dir, NULL, &ref);
	ck_assert_uint_eq(ref.h.marks.n, N - 1);
	ck_assert_uint_eq(ref.h.n_marks, N - 1);
	ck_assert_uint_eq(ref.d.n, 2);
	for (j = 0; j < sizeof(stops) / sizeof(*stops); j++) {
		size_t stop = stops[j];
		struct kept_marks k = { .stop = stop };
		const struct ap_fwk_mark_sink sink = { kept_begin, kept_add, &k };
		struct ap_err e = AP_ERR_INIT;
		struct ap_fwk_plan *plan;
		const struct ap_host *marks = (const struct ap_host *)&k;
		struct loaded par;
		int r;

		ck_assert_int_eq(ap_host_init(&par.h), 0);
		ap_diag_init(&par.d);
		ck_assert_int_eq(ap_fwk_plan_open(dir, &mono, &par.h, &par.d, &plan, &e), 0);
		ap_fwk_plan_mark_sink(plan, &sink);
		ap_fwk_plan_load(plan, AP_FWK_STEP_MARKS);
		r = ap_fwk_plan_marks(plan, &marks);
		ck_assert_uint_eq(k.begun, 1);
		ck_assert_uint_eq(k.max, N * f.len / (AP_FWK_TLV_HDR + AP_FWK_OP_MARK_FIXED));
		if (!stop) {
			ck_assert_int_eq(r, 2);
			ck_assert_ptr_null(marks);
			ck_assert_uint_eq(k.n, N - 1);
			for (i = 0; i < k.n; i++) {
				const struct ap_mark *m = &k.m[i], *w = &ref.h.marks.v[i];

				ck_assert(m->ts == w->ts && m->corr == w->corr && m->off == w->off &&
					  m->thread == w->thread && m->cat == w->cat &&
					  m->name == w->name);
				ck_assert_uint_eq(k.tid[i], ref.h.threads.v[w->thread].tid);
			}
		} else {
			ck_assert_int_eq(r, 0);
			ck_assert_ptr_nonnull(marks);
			ck_assert_uint_eq(k.n, stop - 1);
			ck_assert_uint_eq(marks->marks.n, N - 1);
			ck_assert(!memcmp(marks->marks.v, ref.h.marks.v,
					  (N - 1) * sizeof(*ref.h.marks.v)));
		}
		ck_assert_int_eq(ap_fwk_plan_close(plan, &e), 0);
		ck_assert_uint_eq(par.h.n_marks, N - 1);
		ck_assert_uint_eq(par.h.marks.n, stop ? N - 1 : 0);
		ck_assert_uint_eq(par.d.n, ref.d.n);
		for (i = 0; i < ref.d.n; i++) {
			ck_assert_str_eq(par.d.v[i].first.buf, ref.d.v[i].first.buf);
			ck_assert_uint_eq(par.d.v[i].count, ref.d.v[i].count);
		}
		ap_err_release(&e);
		loaded_release(&par);
	}
	loaded_release(&ref);
	free(recs);
	ap_test_fx_free(&f);
}
END_TEST

/* ids of the strings, walked in the order a one-file-after-another decode interns them (kind
 * order; per op: name, input type, dims, stack, module, flops): each new one must be the next id. */
static void ck_first_seen(uint32_t id, uint32_t *next)
{
	if (id <= AP_STR_EMPTY || id < *next)
		return;
	ck_assert_msg(id == *next, "string id %u first seen where %u was next", id, *next);
	(*next)++;
}

/* The steps of ap_fwk_plan decoded out of order (as parallel tasks may finish) combine into
 * what ap_fwk_load gives, and both number strings and order reports as a decode of the files
 * one after the other in kind order: reports from a cut file of each part come in the files'
 * order. The markers of ap_fwk_plan_marks stay those of the load, threads included, through the
 * other steps, and the queue paired from them and renamed by ap_fwk_plan_rename is the one
 * paired from the combined host. */
START_TEST(test_load_parts_any_order)
{
	static const struct ap_timeconv mono = { 0, 1.0, 0, 0, 0 };
	/* each fixture written twice, less cut bytes at the end */
	static const struct { const char *name, *fixture; size_t cut; } files[] = {
		{ "torch.op_range", "fwk_op_range_g3", 1 },
		{ "torch.memory_usage", "fwk_memory_77", 1 },
		{ "torch.python_tracer_func", "fwk_tracer_func", 0 },
		{ "torch.python_tracer_hash", "fwk_tracer_hash_g3", 0 },
		{ "torch.param_tensor_info", "fwk_param_tensor_g3", 0 },
		{ "torch.gc_record", "fwk_gc_record", 1 },
	};
	static const char *const cut_order[] = { "'FRAMEWORK/torch.op_range'",
						 "'FRAMEWORK/torch.memory_usage'",
						 "'FRAMEWORK/torch.gc_record'" };
	struct ap_err e = AP_ERR_INIT;
	static const enum ap_fwk_step steps[] = { AP_FWK_STEP_PYTHON, AP_FWK_STEP_MARKS,
						  AP_FWK_STEP_OPS, AP_FWK_STEP_MEMORY };
	struct ap_fwk_plan *plan;
	const struct ap_host *marks = NULL;
	struct loaded ref, par;
	char dir[4096];
	struct ap_queue vq, rq;
	uint32_t next = AP_STR_EMPTY + 1, id, enq_name;
	size_t i, nthreads;

	ap_queue_init(&vq);
	ap_queue_init(&rq);
	mk_dir(dir, sizeof(dir));
	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		struct ap_test_fx f = ap_test_fx_load(files[i].fixture);
		uint8_t *two = malloc(2 * f.len);

		ck_assert_ptr_nonnull(two);
		memcpy(two, f.p, f.len);
		memcpy(two + f.len, f.p, f.len);
		put_file(dir, files[i].name, two, 2 * f.len - files[i].cut);
		free(two);
		ap_test_fx_free(&f);
	}
	{
		/* op_mark: the record (a dequeue start at 111) four times, made a dequeue pair and
		 * an enqueue pair of the same thread and name (time at payload byte 0, category at
		 * 8, after the 6-byte record header) */
		static const struct { int64_t time; uint64_t cat; } rec[] = {
			{ 111, AP_DEQUEUE_START }, { 222, AP_DEQUEUE_END },
			{ 300, AP_ENQUEUE_START }, { 400, AP_ENQUEUE_END } };
		struct ap_test_fx f = ap_test_fx_load("fwk_op_mark_upstream");
		uint8_t *four = malloc(4 * f.len);

		ck_assert_ptr_nonnull(four);
		for (i = 0; i < 4; i++) {
			memcpy(four + i * f.len, f.p, f.len);
			memcpy(four + i * f.len + 6, &rec[i].time, 8);
			memcpy(four + i * f.len + 14, &rec[i].cat, 8);
		}
		put_file(dir, "torch.op_mark", four, 4 * f.len);
		free(four);
		ap_test_fx_free(&f);
	}
	load_dir(dir, NULL, &ref);
	ck_assert_int_eq(ap_host_init(&par.h), 0);
	ap_diag_init(&par.d);
	ck_assert_int_eq(ap_fwk_plan_open(dir, &mono, &par.h, &par.d, &plan, &e), 0);
	for (i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		ap_fwk_plan_load(plan, steps[i]);
		if (steps[i] == AP_FWK_STEP_MARKS)
			ck_assert_int_eq(ap_fwk_plan_marks(plan, &marks), 0);
	}
	/* Every step done, the memory records' included: the view still holds the load's markers
	 * (names aside: the step's own ids, op_range's strings coming first in the load's) and the
	 * threads they number. */
	ck_assert_ptr_nonnull(marks);
	ck_assert_uint_eq(marks->marks.n, ref.h.marks.n);
	for (i = 0; i < ref.h.marks.n; i++) {
		const struct ap_mark *m = &marks->marks.v[i], *r = &ref.h.marks.v[i];

		ck_assert(m->ts == r->ts && m->corr == r->corr && m->off == r->off &&
			  m->thread == r->thread && m->cat == r->cat);
		ck_assert_uint_lt(m->name, r->name);
	}
	nthreads = marks->threads.n;
	ck_assert(nthreads > 0 && nthreads == ref.h.threads.n);
	ck_assert(!memcmp(marks->threads.v, ref.h.threads.v, nthreads * sizeof(*marks->threads.v)));
	/* paired from the view and renamed by the close: the queue of the combined host */
	ck_assert_int_eq(ap_queue_build(marks, &vq, &e), 0);
	ck_assert_msg(vq.enq.n && vq.deq.n, "enq %zu deq %zu", vq.enq.n, vq.deq.n);
	enq_name = vq.enq.v[0].name;
	ck_assert_int_eq(ap_fwk_plan_rename(plan, &vq.enq.v[0].name, vq.enq.n, sizeof(*vq.enq.v)), 0);
	ck_assert_int_eq(ap_fwk_plan_rename(plan, &vq.deq.v[0].name, vq.deq.n, sizeof(*vq.deq.v)), 0);
	ck_assert_int_eq(ap_fwk_plan_rename(plan, &enq_name, 1, sizeof(enq_name)), AP_EINVAL);
	ck_assert_int_eq(ap_fwk_plan_close(plan, &e), 0);
	ap_err_release(&e);

	ck_assert(ref.h.ops.n && ref.h.marks.n && ref.h.mems.n && ref.h.pyrecs.n && ref.h.pyhash.n &&
		  ref.h.gcs.n);
	ck_assert_uint_eq(par.h.strs.n, ref.h.strs.n);
	for (id = 1; id < ref.h.strs.n; id++) {
		uint32_t j;

		ck_assert_str_eq(str(&par, id), str(&ref, id));
		for (j = 1; j < id; j++) /* one id per string */
			ck_assert_str_ne(str(&ref, j), str(&ref, id));
	}
	ck_assert_uint_eq(par.h.ops.n, ref.h.ops.n);
	ck_assert(!memcmp(par.h.ops.v, ref.h.ops.v, ref.h.ops.n * sizeof(*ref.h.ops.v)));
	ck_assert_uint_eq(par.h.marks.n, ref.h.marks.n);
	ck_assert(!memcmp(par.h.marks.v, ref.h.marks.v, ref.h.marks.n * sizeof(*ref.h.marks.v)));
	ck_assert_uint_eq(par.h.mems.n, ref.h.mems.n);
	ck_assert(!memcmp(par.h.mems.v, ref.h.mems.v, ref.h.mems.n * sizeof(*ref.h.mems.v)));
	ck_assert_int_eq(ap_queue_build(&par.h, &rq, &e), 0);
	ck_assert_uint_ne(vq.enq.v[0].name, enq_name);
	ck_assert_uint_eq(vq.enq.n, rq.enq.n);
	ck_assert_uint_eq(vq.deq.n, rq.deq.n);
	ck_assert(!memcmp(vq.enq.v, rq.enq.v, rq.enq.n * sizeof(*rq.enq.v)));
	ck_assert(!memcmp(vq.deq.v, rq.deq.v, rq.deq.n * sizeof(*rq.deq.v)));
	ap_queue_release(&vq);
	ap_queue_release(&rq);
	ck_assert_uint_eq(par.h.threads.n, ref.h.threads.n);
	ck_assert(!memcmp(par.h.threads.v, ref.h.threads.v,
			  ref.h.threads.n * sizeof(*ref.h.threads.v)));
	ck_assert_uint_gt(ref.h.memthreads.n, 0);
	ck_assert_uint_eq(par.h.memthreads.n, ref.h.memthreads.n);
	ck_assert(!memcmp(par.h.memthreads.v, ref.h.memthreads.v,
			  ref.h.memthreads.n * sizeof(*ref.h.memthreads.v)));
	ck_assert_uint_eq(par.h.gcs.n, ref.h.gcs.n);
	ck_assert(!memcmp(par.h.gcs.v, ref.h.gcs.v, ref.h.gcs.n * sizeof(*ref.h.gcs.v)));
	ck_assert_uint_eq(par.h.pyrecs.n, ref.h.pyrecs.n);
	for (i = 0; i < ref.h.pyrecs.n; i++) {
		ck_assert_int_eq(par.h.pyrecs.v[i].ts, ref.h.pyrecs.v[i].ts);
		ck_assert_uint_eq(par.h.pyrecs.v[i].key, ref.h.pyrecs.v[i].key);
		ck_assert_uint_eq(par.h.pyrecs.v[i].thread, ref.h.pyrecs.v[i].thread);
	}
	ck_assert_uint_eq(par.h.pythreads.n, ref.h.pythreads.n);
	ck_assert_uint_gt(ref.h.pythreads.n, 0);
	ck_assert(!memcmp(par.h.pythreads.v, ref.h.pythreads.v,
			  ref.h.pythreads.n * sizeof(*ref.h.pythreads.v)));
	ck_assert_uint_eq(par.h.pyhash.n, ref.h.pyhash.n);
	for (i = 0; i < ref.h.pyhash.n; i++) {
		ck_assert_uint_eq(par.h.pyhash.v[i].key, ref.h.pyhash.v[i].key);
		ck_assert_uint_eq(par.h.pyhash.v[i].value, ref.h.pyhash.v[i].value);
	}
	ck_assert_int_eq(par.h.gen, ref.h.gen);
	ck_assert_int_eq(par.h.has_op_mark, 1);
	ck_assert_int_eq(par.h.has_tracer, 1);

	for (i = 0; i < ref.h.ops.n; i++) {
		const struct ap_op *op = &ref.h.ops.v[i];

		ck_first_seen(op->name, &next);
		ck_first_seen(op->input_type, &next);
		ck_first_seen(op->input_dims, &next);
		ck_first_seen(op->call_stack, &next);
		ck_first_seen(op->module, &next);
		ck_first_seen(op->flops, &next);
	}
	for (i = 0; i < ref.h.marks.n; i++)
		ck_first_seen(ref.h.marks.v[i].name, &next);
	for (i = 0; i < ref.h.pyhash.n; i++)
		ck_first_seen(ref.h.pyhash.v[i].value, &next);
	ck_assert_uint_eq(next, ref.h.strs.n);

	ck_assert_uint_eq(par.d.n, ref.d.n);
	ck_assert_uint_eq(ref.d.n, 3);
	for (i = 0; i < ref.d.n; i++) {
		ck_assert_str_eq(par.d.v[i].key, ref.d.v[i].key);
		ck_assert_str_eq(par.d.v[i].first.buf, ref.d.v[i].first.buf);
		ck_assert_uint_eq(par.d.v[i].count, ref.d.v[i].count);
		ck_assert_msg(ap_test_has_fact(ref.d.v[i].first.buf, cut_order[i]), "report %zu: %s",
			      i, ref.d.v[i].first.buf);
	}
	loaded_release(&ref);
	loaded_release(&par);
}
END_TEST

/* A part that runs out of memory ends the decode as a serial one would: the error names its
 * file, the reports of the files before it (in its part and the parts before) are kept, those
 * of the files after it (a later part, decoded all the same) are dropped. memory_usage, in the
 * second part, is a 4 GiB sparse file whose record table cannot fit under a 1.5 GiB address
 * space limit. Skipped where the limit leaves no room at all (sanitizer builds). */
START_TEST(test_load_part_out_of_memory)
{
	static const struct ap_timeconv mono = { 0, 1.0, 0, 0, 0 };
	static const struct { const char *name, *fixture; } cut[] = {
		{ "torch.op_range", "fwk_op_range_g3" },
		{ "torch.op_mark", "fwk_op_mark_upstream" },
		{ "torch.gc_record", "fwk_gc_record" },
	};
	struct rlimit lim = { (rlim_t)1500 << 20, (rlim_t)1500 << 20 };
	struct ap_err e = AP_ERR_INIT;
	struct loaded l;
	char dir[4096], path[4096];
	void *probe;
	size_t i;
	int r;

#ifdef __SANITIZE_ADDRESS__
	/* its allocator reserves terabytes and dies when an allocation fails */
	fprintf(stderr, "test_load_part_out_of_memory: skipped under AddressSanitizer\n");
	return;
#endif
	mk_dir(dir, sizeof(dir));
	for (i = 0; i < sizeof(cut) / sizeof(*cut); i++) {
		struct ap_test_fx f = ap_test_fx_load(cut[i].fixture);

		put_file(dir, cut[i].name, f.p, f.len - 1);
		ap_test_fx_free(&f);
	}
	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/torch.memory_usage", dir), (int)sizeof(path));
	put_file(dir, "torch.memory_usage", "", 0);
	ck_assert_int_eq(truncate(path, (off_t)4 << 30), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &lim), 0); /* this forked test's process only */
	if (!(probe = malloc(64 << 20))) {
		fprintf(stderr, "test_load_part_out_of_memory: skipped, no room under the limit\n");
		return;
	}
	free(probe);
	ck_assert_int_eq(ap_host_init(&l.h), 0);
	ap_diag_init(&l.d);
	r = ap_fwk_load(dir, &mono, &l.h, &l.d, &e);
	ck_assert_int_eq(r, AP_ENOMEM);
	ck_assert_msg(ap_test_has_fact(ap_err_text(&e), "'FRAMEWORK/torch.memory_usage': out of memory"),
		      "%s", ap_err_text(&e));
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.op_range'");
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "'FRAMEWORK/torch.op_mark'");
	ck_assert_msg(l.d.n == 2, "reports after the failing file kept:\n%s", diag_dump(&l.d));
	ap_err_release(&e);
	loaded_release(&l);
}
END_TEST

TCase *ap_test_fwk_loader_tcase(void)
{
	TCase *tc;

	tc = tcase_create("loader");
	tcase_add_unchecked_fixture(tc, loader_setup, loader_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_load_g3_dump);
	tcase_add_test(tc, test_load_g2_dump_syscnt);
	tcase_add_test(tc, test_load_g1_dump);
	tcase_add_test(tc, test_load_mark_only);
	tcase_add_test(tc, test_load_empty_and_missing);
	tcase_add_test(tc, test_load_suffixed_names);
	tcase_add_test(tc, test_load_exact_name_beats_suffix);
	tcase_add_loop_test(tc, test_load_truncated_everywhere, 0,
			    (int)(sizeof(trunc_cases) / sizeof(*trunc_cases)));
	tcase_add_test(tc, test_load_flat_truncated_everywhere);
	tcase_add_test(tc, test_load_cut_files);
	tcase_add_test(tc, test_load_bad_records);
	tcase_add_test(tc, test_load_unknown_generation);
	tcase_add_test(tc, test_load_unknown_tlv);
	tcase_add_test(tc, test_load_bad_utf8);
	tcase_add_test(tc, test_load_mark_category);
	tcase_add_test(tc, test_load_g1_python_tracer);
	tcase_add_test(tc, test_load_zero_but_last_byte);
	tcase_add_test(tc, test_load_no_range_no_mark);
	tcase_add_test(tc, test_load_mark_same_tid_other_pid);
	tcase_add_test(tc, test_load_counts_reset_between_files);
	tcase_add_test(tc, test_load_parts_any_order);
	tcase_add_test(tc, test_load_marks_threads_taking_turns);
	tcase_add_test(tc, test_load_marks_to_sink);
	tcase_add_test(tc, test_load_part_out_of_memory);
	return tc;
}
