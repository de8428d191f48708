/*
 * The "loader" and "bad input" TCases of the cann_host unit suite: ap_cann_host_load
 * (lib/formats/cann/cann_slices.c) on PROF_x/host/data directories made of hand-written fixtures in
 * a temp dir. Messages are checked for their facts (file, byte offset, counts), not their wording.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/cann_host.h"
#include "ap/cann_host_load.h"
#include "ap/cann_rec.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/strtab.h"
#include "cann_test_util.h"
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
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);
		if ((d = opendir(path))) {
			while ((de = readdir(d))) {
				char sub[4096];

				if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
					continue;
				if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) <
				    (int)sizeof(sub))
					rm_tree(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void setup(void)
{
	const char *t = getenv("TMPDIR");

	if (snprintf(tmp_base, sizeof(tmp_base), "%s/ap_test_cann_XXXXXX", t && *t ? t : "/tmp") >=
		    (int)sizeof(tmp_base) ||
	    !mkdtemp(tmp_base)) {
		fprintf(stderr, "test_cann_host: mkdtemp '%s': %s\n", tmp_base, strerror(errno));
		exit(99);
	}
}

static void teardown(void)
{
	rm_tree(tmp_base);
}

/* A fresh PROF_x/host/data under the base dir: host (the loader's argument) and data. */
struct prof {
	char host[4096], data[4200];
};

static void mk_prof(struct prof *p)
{
	char prof[4096];

	ck_assert(snprintf(prof, sizeof(prof), "%s/PROF_000001_XXXXXX", tmp_base) < (int)sizeof(prof));
	ck_assert_msg(mkdtemp(prof) != NULL, "mkdtemp: %s", strerror(errno));
	ck_assert(snprintf(p->host, sizeof(p->host), "%s/host", prof) < (int)sizeof(p->host));
	ck_assert_int_eq(mkdir(p->host, 0700), 0);
	ck_assert(snprintf(p->data, sizeof(p->data), "%s/data", p->host) < (int)sizeof(p->data));
	ck_assert_int_eq(mkdir(p->data, 0700), 0);
}

static void put_file(const struct prof *p, const char *name, const void *b, size_t len)
{
	char path[4400];
	FILE *o;

	ck_assert(snprintf(path, sizeof(path), "%s/%s", p->data, name) < (int)sizeof(path));
	o = fopen(path, "wb");
	ck_assert_msg(o != NULL, "create '%s': %s", path, strerror(errno));
	ck_assert_uint_eq(len ? fwrite(b, 1, len, o) : 0, len);
	ck_assert_int_eq(fclose(o), 0);
}

/* Bytes [off, off + len) of a fixture (len 0: to its end) into data/name. */
static void put_fixture(const struct prof *p, const char *name, const char *fixture, size_t off,
			size_t len)
{
	struct ap_test_fx f = ap_test_fx_load(fixture);

	ck_assert_uint_le(off + len, f.len);
	put_file(p, name, f.p + off, len ? len : f.len - off);
	ap_test_fx_free(&f);
}

struct loaded {
	struct ap_cann_host h;
	struct ap_diag d;
};

static void load(const struct prof *p, struct loaded *l)
{
	struct ap_err e = AP_ERR_INIT;
	int r;

	ck_assert_int_eq(ap_cann_host_init(&l->h), 0);
	ap_diag_init(&l->d);
	r = ap_cann_host_load(p->host, &l->h, &l->d, &e);
	ck_assert_msg(r == 0, "ap_cann_host_load = %d (%s)", r, ap_err_text(&e));
	ap_err_release(&e);
}

static void loaded_release(struct loaded *l)
{
	ap_cann_host_release(&l->h);
	ap_diag_release(&l->d);
}

static const char *diag_dump(const struct ap_diag *d)
{
	static char buf[8192];
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
	size_t i, j;

	for (i = 0; i < l->d.n; i++) {
		const struct ap_diag_entry *e = &l->d.v[i];

		if (e->kind != kind)
			continue;
		for (j = 0; facts[j] && ap_test_has_fact(e->first.buf, facts[j]); j++)
			;
		if (facts[j])
			continue;
		ck_assert_msg(e->count == count, "line %d: diag \"%s\" counted %lu, expected %lu",
			      line, e->first.buf, e->count, count);
		return;
	}
	ck_abort_msg("line %d: no diag of kind %d with \"%s\"%s; have:\n%s", line, (int)kind,
		     facts[0], facts[1] ? " ..." : "", diag_dump(&l->d));
}

/* The number of diagnostics of a kind. */
static size_t n_diag(const struct loaded *l, enum ap_diag_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < l->d.n; i++)
		n += l->d.v[i].kind == kind;
	return n;
}

static const char *file_name(const struct loaded *l, size_t i)
{
	return ap_strtab_get(&l->h.strs, l->h.files.v[i].name);
}

/* ---------------------------------------------------------------- loader */

/* Every record kind of a whole host/data/ dir. */
START_TEST(test_load_all_kinds)
{
	struct prof p;
	struct loaded l;
	const struct ap_cann_host *h;
	const struct ap_cann_tensor_op *a, *b;
	char num[AP_CANN_NUMBUF];
	struct ap_cann_missing miss = { 0 };
	size_t i;

	mk_prof(&p);
	put_fixture(&p, "unaging.additional.hash_dic.slice_0", "cann_hash_dic", 0, 0);
	put_fixture(&p, "unaging.additional.type_info_dic.slice_0", "cann_type_info_dic", 0, 0);
	put_fixture(&p, "aging.api_event.data.slice_0", "cann_api_event", 0, 0);
	put_file(&p, "aging.api_event.data.slice_0.done", "filesize:400\n", 13);
	put_fixture(&p, "aging.compact.task_track.slice_0", "cann_task_track", 0, 0);
	put_fixture(&p, "aging.compact.task_track_v2.slice_0", "cann_task_track_v2", 0, 0);
	put_fixture(&p, "unaging.compact.node_basic_info.slice_0", "cann_node_basic_info", 0, 0);
	put_fixture(&p, "aging.compact.node_basic_info.slice_0", "cann_node_basic_info", 0, 0);
	put_fixture(&p, "aging.compact.node_attr_info.slice_0", "cann_compact_misc", 0, 64);
	put_fixture(&p, "aging.compact.hccl_op_info.slice_0", "cann_compact_misc", 64, 64);
	put_fixture(&p, "aging.compact.memcpy_info.slice_0", "cann_compact_misc", 128, 64);
	put_fixture(&p, "aging.compact.capture_stream_info.slice_0", "cann_compact_misc", 192, 64);
	put_fixture(&p, "unaging.compact.expand_stream_spec.slice_0", "cann_compact_misc", 256, 128);
	put_fixture(&p, "aging.additional.tensor_info.slice_0", "cann_tensor_info", 0, 0);
	put_fixture(&p, "aging.additional.context_id_info.slice_0", "cann_context_id_info", 0, 0);
	put_fixture(&p, "aging.additional.hccl_info.slice_0", "cann_hccl_info", 0, 0);
	put_fixture(&p, "unaging.additional.graph_id_map.slice_0", "cann_graph_fusion", 0, 256);
	put_fixture(&p, "aging.additional.fusion_op_info.slice_0", "cann_graph_fusion", 256, 256);
	put_file(&p, "host_cpu.data.slice_0", "x", 1); /* system sampling: not ours */
	load(&p, &l);
	h = &l.h;

	/* api_event: intervals in the order of their last record (fixture comment) */
	ck_assert_uint_eq(h->apis.n, 5);
	ck_assert_uint_eq(h->apis.v[0].level, 20000);
	ck_assert_uint_eq(h->apis.v[0].begin, 1000);
	ck_assert_uint_eq(h->apis.v[0].end, 2000);
	ck_assert_uint_eq(h->apis.v[0].event, 0);
	ck_assert_uint_eq(h->apis.v[1].begin, 1100);
	ck_assert_uint_eq(h->apis.v[1].end, 1900);
	ck_assert_uint_eq(h->apis.v[1].tid, 1001);
	ck_assert_uint_eq(h->apis.v[1].reserve, 7);
	ck_assert_uint_eq(h->apis.v[1].item_id, 3);
	ck_assert_uint_eq(h->apis.v[1].event, 1);
	ck_assert_uint_eq(h->apis.v[2].begin, 1150);
	ck_assert_uint_eq(h->apis.v[2].end, 1950);
	ck_assert_uint_eq(h->apis.v[2].tid, 1002);
	ck_assert_uint_eq(h->apis.v[3].level, 10000);
	ck_assert_uint_eq(h->apis.v[3].begin, 1300);
	ck_assert_uint_eq(h->apis.v[3].item_id, 0x1234);
	ck_assert_uint_eq(h->apis.v[4].begin, 2100);
	ck_assert_uint_eq(h->apis.v[4].end, 2200);
	ck_assert_uint_eq(h->api_zero_begin, 1);
	ck_assert_uint_eq(h->events_unpaired, 1);
	ck_assert_str_eq(file_name(&l, h->apis.v[0].file), "aging.api_event.data.slice_0");
	CK_DIAG(&l, AP_DIAG_WARN, 1, "aging.api_event.data.slice_0", "offset 240", "5500");

	/* task_track v1 then v2 */
	ck_assert_uint_eq(h->tracks.n, 6);
	ck_assert_uint_eq(h->tracks.v[0].data_len, 16);
	ck_assert_uint_eq(h->tracks.v[0].aging, 1);
	ck_assert_uint_eq(h->tracks.v[2].num_blocks, 24);
	ck_assert_uint_eq(h->tracks.v[3].task_type, AP_CANN_TASK_FLIP);
	ck_assert_uint_eq(h->tracks.v[4].v2, 1);
	ck_assert_uint_eq(h->tracks.v[4].stream_id, 70000);
	ck_assert_int_eq(h->has_track_v2, 1);
	CK_DIAG(&l, AP_DIAG_WARN, 1, "aging.compact.task_track_v2.slice_0", "offset 64", "dataLen 32");

	/* node_basic_info: unaging (static) before aging (dynamic) */
	ck_assert_uint_eq(h->nodes.n, 2);
	ck_assert_uint_eq(h->nodes.v[0].op_state, 0);
	ck_assert_uint_eq(h->nodes.v[1].op_state, 1);
	ck_assert_uint_eq(h->nodes.v[1].block_dim, 24);
	ck_assert_uint_eq(h->attrs.n, 1);
	ck_assert_uint_eq(h->attrs.v[0].attr, 0x3333);
	ck_assert_uint_eq(h->hccl_ops.n, 1);
	ck_assert_uint_eq(h->hccl_ops.v[0].count, 1048576);
	ck_assert_uint_eq(h->memcpys.n, 1);
	ck_assert_uint_eq(h->memcpys.v[0].max_size, 8192);
	ck_assert_uint_eq(h->captures.n, 1);
	ck_assert_uint_eq(h->captures.v[0].model_stream_id, 10);
	ck_assert_int_eq(h->expand_stream, 1);

	/* tensor_info: op A's two records concatenated around op B's */
	ck_assert_uint_eq(h->tensor_ops.n, 2);
	a = &h->tensor_ops.v[0];
	b = &h->tensor_ops.v[1];
	ck_assert_uint_eq(a->op_name, 0xA);
	ck_assert_uint_eq(a->count, 7);
	ck_assert_uint_eq(b->op_name, 0xB);
	ck_assert_uint_eq(b->count, 1);
	ck_assert_uint_eq(h->tensors.n, 8);
	ck_assert_uint_le(a->first + a->count, h->tensors.n);
	ck_assert_uint_le(b->first + b->count, h->tensors.n);
	ck_assert_uint_eq(h->tensors.v[a->first].shape[0], 8192);
	ck_assert_uint_eq(h->tensors.v[a->first].shape[1], 4096);
	ck_assert_uint_eq(h->tensors.v[a->first + 1].format, 0x1004);
	ck_assert_uint_eq(h->tensors.v[a->first + 4].format, 29);
	ck_assert_uint_eq(h->tensors.v[a->first + 5].shape[1], 512); /* second record's first */
	ck_assert_uint_eq(h->tensors.v[a->first + 6].dtype, 3);
	ck_assert_uint_eq(h->tensors.v[b->first].type, 1);
	ck_assert_uint_eq(h->tensors.v[b->first].shape[0], 4);

	/* context_id_info */
	ck_assert_uint_eq(h->ctxs.n, 2);
	ck_assert_uint_eq(h->ctxs.v[0].level, 10000);
	ck_assert_uint_eq(h->ctxs.v[0].count, 3);
	ck_assert_uint_eq(h->ctx_ids.v[h->ctxs.v[0].first + 2], 2);
	ck_assert_uint_eq(h->ctxs.v[1].level, 5500);
	ck_assert_uint_eq(h->ctx_ids.v[h->ctxs.v[1].first + 1], 19);
	ck_assert_uint_eq(h->hccl_infos.n, 1);
	ck_assert_uint_eq(h->hccl_infos.v[0].ctx_id, 5);
	ck_assert_uint_eq(h->graphs.n, 1);
	ck_assert_uint_eq(h->graphs.v[0].model_id, 2);
	ck_assert_uint_eq(h->fusions.n, 1);
	ck_assert_uint_eq(h->fusions.v[0].fusion_op_id[1], 0x72);

	/* dictionaries */
	ck_assert_str_eq(ap_cann_hash_str(h, 101), "aclnnAdd_v2");
	ck_assert_str_eq(ap_cann_hash_str(h, 102), "hcom_allReduce__428_0_1");
	ck_assert_str_eq(ap_cann_hash_str(h, 103), "ns::Op:with:colons");
	ck_assert_str_eq(ap_cann_hash_str(h, 104), "N/A");
	ck_assert_str_eq(ap_cann_hash_str(h, UINT64_MAX), "");
	ck_assert_ptr_null(ap_cann_hash_str(h, 105));
	ck_assert_str_eq(ap_cann_hash_or_number(h, 105, num, &miss), "105");
	ck_assert_str_eq(ap_cann_hash_or_number(h, 101, num, &miss), "aclnnAdd_v2");
	ck_assert_str_eq(ap_cann_hash_or_number(h, 106, num, &miss), "106");
	ck_assert_uint_eq(miss.hash_ids, 2);
	ck_assert_uint_eq(miss.first_hash, 105);
	CK_DIAG(&l, AP_DIAG_WARN, 1, "unaging.additional.hash_dic.slice_0", "offset 64", "101");
	CK_DIAG(&l, AP_DIAG_WARN, 1, "unaging.additional.hash_dic.slice_0", "offset 80", "UTF-8");
	ck_assert_str_eq(ap_cann_type_name(h, 20000, 655361), "isGraphNeedRebuild:t1");
	ck_assert_str_eq(ap_cann_type_name(h, 5000, 1125), "CpuKernelLaunchExWithArgs_Big");
	ck_assert_str_eq(ap_cann_type_name(h, 5000, 1077), "MemCopy2DAsync");
	ck_assert_str_eq(ap_cann_type_name(h, 5000, 1045), "NotifyRecord");
	ck_assert_str_eq(ap_cann_type_name(h, 10000, 5), "launch");
	ck_assert_str_eq(ap_cann_type_name(h, 5500, 65537), "master");
	ck_assert_str_eq(ap_cann_type_name(h, 5000, 108), "KERNEL_MIX_AIC"); /* built-in */
	ck_assert_str_eq(ap_cann_type_name(h, 5000, 28), "DYNAMIC_DISABLE");  /* §2.6.2 */
	ck_assert_ptr_null(ap_cann_type_name(h, 5000, 1999));
	ck_assert_ptr_null(ap_cann_type_name(h, 10000, 6));
	ck_assert_str_eq(ap_cann_type_or_number(h, 10000, 6, num, &miss), "6");
	ck_assert_uint_eq(miss.type_ids, 1);
	CK_DIAG(&l, AP_DIAG_WARN, 1, "unaging.additional.type_info_dic.slice_0", "offset 97",
		"20000_655361");
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 3, "unaging.additional.type_info_dic.slice_0",
		"offset 132", "3 malformed");
	/* one report each, naming the dictionary, the count in the text */
	ap_cann_missing_report(&miss, "PROF_000001_T", &l.d);
	CK_DIAG(&l, AP_DIAG_WARN, 1, "PROF_000001_T/host/data/unaging.additional.hash_dic", "2 names", "105");
	CK_DIAG(&l, AP_DIAG_WARN, 1, "PROF_000001_T/host/data/unaging.additional.type_info_dic", "1 type",
		"10000_6");

	/* one data-loss entry (the malformed type lines), nothing else lost */
	ck_assert_uint_eq(n_diag(&l, AP_DIAG_DATA_LOSS), 1);
	/* files in reading order; messages name "<PROF>/host/data/<file>" */
	ck_assert_uint_eq(h->files.n, 17);
	ck_assert_str_eq(file_name(&l, 0), "unaging.additional.hash_dic.slice_0");
	ck_assert_str_eq(file_name(&l, 1), "unaging.additional.type_info_dic.slice_0");
	ck_assert_str_eq(file_name(&l, 2), "aging.api_event.data.slice_0");
	ck_assert_uint_eq(h->files.v[2].records, 10);
	ck_assert_uint_eq(h->files.v[2].family, AP_CANN_FAM_API);
	for (i = 0; i < l.d.n; i++)
		if (strstr(l.d.v[i].first.buf, "host/data/"))
			ck_assert_msg(strstr(l.d.v[i].first.buf, "PROF_000001_") != NULL, "%s",
				      l.d.v[i].first.buf);
	loaded_release(&l);
}
END_TEST

/* Unaging before aging, each by slice number (slice_10 after slice_2); companions skipped. */
START_TEST(test_slice_order)
{
	static const char *const want[] = {
		"unaging.compact.task_track.slice_3", "aging.compact.task_track.slice_1",
		"aging.compact.task_track.slice_2", "aging.compact.task_track.slice_10",
	};
	struct prof p;
	struct loaded l;
	size_t i;

	mk_prof(&p);
	put_fixture(&p, "aging.compact.task_track.slice_10", "cann_task_track", 0, 64);
	put_fixture(&p, "aging.compact.task_track.slice_2", "cann_task_track", 64, 64);
	put_fixture(&p, "aging.compact.task_track.slice_1", "cann_task_track", 128, 64);
	put_fixture(&p, "unaging.compact.task_track.slice_3", "cann_task_track", 192, 64);
	put_file(&p, "aging.compact.task_track.slice_10.done", "filesize:64\n", 12);
	put_file(&p, "aging.compact.task_track.slice_2.complete", "", 0);
	put_fixture(&p, "aging.compact.task_track.slice_4.zip", "cann_task_track", 0, 64);
	put_file(&p, "aging.compact.task_track.slice_x", "junk", 4); /* no slice number */
	load(&p, &l);
	ck_assert_uint_eq(l.h.files.n, 4);
	for (i = 0; i < 4; i++)
		ck_assert_str_eq(file_name(&l, i), want[i]);
	ck_assert_uint_eq(l.h.files.v[3].slice, 10);
	ck_assert_uint_eq(l.h.files.v[0].aging, 0);
	ck_assert_uint_eq(l.h.tracks.n, 4);
	ck_assert_uint_eq(l.h.tracks.v[0].ts, 5300); /* unaging slice_3 = fixture record 3 */
	ck_assert_uint_eq(l.h.tracks.v[0].aging, 0);
	ck_assert_uint_eq(l.h.tracks.v[1].ts, 5200); /* slice_1 */
	ck_assert_uint_eq(l.h.tracks.v[2].ts, 5100); /* slice_2 */
	ck_assert_uint_eq(l.h.tracks.v[3].ts, 5000); /* slice_10 */
	ck_assert_uint_eq(l.h.tracks.v[3].aging, 1);
	ck_assert_uint_eq(l.d.n, 0);
	loaded_release(&l);
}
END_TEST

/* Events pair across slices, in reading order (a start in slice_0, its end in slice_1). */
START_TEST(test_events_across_slices)
{
	struct prof p;
	struct loaded l;

	mk_prof(&p);
	put_fixture(&p, "aging.api_event.data.slice_0", "cann_api_event", 40, 40);   /* start */
	put_fixture(&p, "aging.api_event.data.slice_1", "cann_api_event", 120, 40);  /* its end */
	load(&p, &l);
	ck_assert_uint_eq(l.h.apis.n, 1);
	ck_assert_uint_eq(l.h.apis.v[0].begin, 1100);
	ck_assert_uint_eq(l.h.apis.v[0].end, 1900);
	ck_assert_str_eq(file_name(&l, l.h.apis.v[0].file), "aging.api_event.data.slice_1");
	ck_assert_uint_eq(l.h.events_unpaired, 0);
	ck_assert_uint_eq(l.d.n, 0);
	loaded_release(&l);
}
END_TEST

START_TEST(test_no_data_dir)
{
	struct loaded l;
	struct prof p;

	mk_prof(&p);
	ck_assert_int_eq(rmdir(p.data), 0);
	load(&p, &l);
	ck_assert_uint_eq(l.h.files.n, 0);
	ck_assert_uint_eq(l.d.n, 0);
	loaded_release(&l);
}
END_TEST

TCase *ap_test_cann_loader_tcase(void)
{
	TCase *tc = tcase_create("loader");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_load_all_kinds);
	tcase_add_test(tc, test_slice_order);
	tcase_add_test(tc, test_events_across_slices);
	tcase_add_test(tc, test_no_data_dir);
	return tc;
}

/* ---------------------------------------------------------------- bad input */

START_TEST(test_bad_magic_and_cut)
{
	struct prof p;
	struct loaded l;

	mk_prof(&p);
	put_fixture(&p, "aging.api_event.data.slice_0", "cann_api_event_bad", 0, 0);
	load(&p, &l);
	ck_assert_uint_eq(l.h.apis.n, 2);
	ck_assert_uint_eq(l.h.apis.v[0].begin, 10);
	ck_assert_uint_eq(l.h.apis.v[1].begin, 50);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "host/data/aging.api_event.data.slice_0'", "offset 40",
		"0x5a5b", "40 bytes skipped");
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "host/data/aging.api_event.data.slice_0'", "offset 120",
		"17 of 40 bytes", "17 bytes skipped");
	ck_assert_uint_eq(l.h.files.v[0].records, 2);
	ck_assert_uint_eq(l.h.files.v[0].skipped, 2);
	loaded_release(&l);
}
END_TEST

START_TEST(test_bad_counts)
{
	struct prof p;
	struct loaded l;

	mk_prof(&p);
	put_fixture(&p, "aging.additional.tensor_info.slice_0", "cann_tensor_info_bad", 0, 0);
	put_fixture(&p, "aging.additional.context_id_info.slice_0", "cann_context_id_info_bad", 0, 0);
	load(&p, &l);
	ck_assert_uint_eq(l.h.tensor_ops.n, 1);
	ck_assert_uint_eq(l.h.tensor_ops.v[0].op_name, 0xD);
	ck_assert_uint_eq(l.h.tensors.n, 1);
	ck_assert_uint_eq(l.h.ctxs.n, 1);
	ck_assert_uint_eq(l.h.ctx_ids.v[0], 7);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "aging.additional.tensor_info.slice_0", "offset 0",
		"tensorNum 6");
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "aging.additional.context_id_info.slice_0", "offset 0",
		"ctxIdNum 56");
	loaded_release(&l);
}
END_TEST

/* A corrupt compact record among good ones: only it is lost, and only the first is formatted. */
START_TEST(test_bad_compact_record)
{
	struct ap_test_fx f = ap_test_fx_load("cann_task_track");
	struct prof p;
	struct loaded l;

	mk_prof(&p);
	f.p[64 + 12] = 41;  /* record 1: dataLen past the payload */
	f.p[192 + 12] = 99; /* record 3 too */
	put_file(&p, "aging.compact.task_track.slice_0", f.p, f.len);
	load(&p, &l);
	ck_assert_uint_eq(l.h.tracks.n, 2);
	ck_assert_uint_eq(l.h.tracks.v[1].ts, 5200);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 2, "aging.compact.task_track.slice_0", "offset 64",
		"dataLen 41", "2 corrupt records", "128 bytes");
	loaded_release(&l);
	ap_test_fx_free(&f);
}
END_TEST

START_TEST(test_unknown_types)
{
	struct prof p;
	struct loaded l;

	mk_prof(&p);
	put_fixture(&p, "aging.compact.foo_info.slice_0", "cann_task_track", 0, 0);
	put_fixture(&p, "aging.compact.foo_info.slice_1", "cann_task_track", 0, 128);
	put_fixture(&p, "aging.additional.bar_info.slice_0", "cann_tensor_info", 0, 0);
	put_fixture(&p, "aging.compact.dpu_track.slice_0", "cann_task_track", 0, 0); /* known */
	put_fixture(&p, "aging.additional.ccu_task_info.slice_0", "cann_tensor_info", 0, 0);
	put_fixture(&p, "aging.compact.task_track.slice_0", "cann_task_track", 0, 0);
	load(&p, &l);
	ck_assert_uint_eq(l.h.tracks.n, 4);
	CK_DIAG(&l, AP_DIAG_WARN, 2, "aging.compact.foo_info.slice_0", "'foo_info'", "256 bytes");
	CK_DIAG(&l, AP_DIAG_WARN, 1, "aging.additional.bar_info.slice_0", "'bar_info'");
	ck_assert_uint_eq(l.d.n, 2);
	ck_assert_uint_eq(n_diag(&l, AP_DIAG_DATA_LOSS), 0);
	ck_assert_uint_eq(l.h.files.n, 6);
	loaded_release(&l);
}
END_TEST

START_TEST(test_empty_files)
{
	struct prof p;
	struct loaded l;

	mk_prof(&p);
	put_file(&p, "aging.compact.task_track.slice_0", "", 0);
	put_file(&p, "aging.api_event.data.slice_0", "", 0);
	put_file(&p, "unaging.additional.hash_dic.slice_0", "", 0);
	put_file(&p, "aging.additional.tensor_info.slice_0", "", 0);
	load(&p, &l);
	ck_assert_uint_eq(l.h.files.n, 4);
	ck_assert_uint_eq(l.h.tracks.n + l.h.apis.n + l.h.tensor_ops.n, 0);
	ck_assert_uint_eq(l.d.n, 0);
	loaded_release(&l);
}
END_TEST

START_TEST(test_unreadable)
{
	struct prof p;
	struct loaded l;
	char path[4400];

	/* A slice that is no regular file (any user, root included) */
	mk_prof(&p);
	put_fixture(&p, "aging.compact.task_track.slice_1", "cann_task_track", 0, 0);
	snprintf(path, sizeof(path), "%s/aging.compact.task_track.slice_0", p.data);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	load(&p, &l);
	ck_assert_uint_eq(l.h.tracks.n, 4); /* slice_1 */
	ck_assert_uint_eq(l.h.files.n, 1);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "host/data/aging.compact.task_track.slice_0'");
	loaded_release(&l);
	ck_assert_int_eq(rmdir(path), 0);
	/* A slice without read permission (root reads it anyway) */
	if (geteuid() != 0) {
		put_fixture(&p, "aging.compact.task_track.slice_0", "cann_task_track", 0, 0);
		ck_assert_int_eq(chmod(path, 0), 0);
		load(&p, &l);
		ck_assert_uint_eq(l.h.tracks.n, 4);
		CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "host/data/aging.compact.task_track.slice_0'");
		loaded_release(&l);
		ck_assert_int_eq(chmod(p.data, 0), 0);
		load(&p, &l);
		ck_assert_uint_eq(l.h.files.n, 0);
		CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "host/data");
		loaded_release(&l);
		ck_assert_int_eq(chmod(p.data, 0700), 0);
	}
	/* data/ that cannot be listed: a regular file in its place */
	mk_prof(&p);
	ck_assert_int_eq(rmdir(p.data), 0);
	{
		FILE *o = fopen(p.data, "wb");

		ck_assert_ptr_nonnull(o);
		ck_assert_int_eq(fclose(o), 0);
	}
	load(&p, &l);
	ck_assert_uint_eq(l.h.files.n, 0);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 1, "host/data'");
	loaded_release(&l);
}
END_TEST

START_TEST(test_bad_dictionary)
{
	struct prof p;
	struct loaded l;

	mk_prof(&p);
	put_fixture(&p, "unaging.additional.hash_dic.slice_0", "cann_hash_dic_bad", 0, 0);
	load(&p, &l);
	ck_assert_str_eq(ap_cann_hash_str(&l.h, 201), "ok");
	ck_assert_str_eq(ap_cann_hash_str(&l.h, 202), "last");
	ck_assert_str_eq(ap_cann_hash_str(&l.h, 203), "crlf");
	ck_assert_uint_eq(l.h.hash.count, 3);
	CK_DIAG(&l, AP_DIAG_DATA_LOSS, 3, "unaging.additional.hash_dic.slice_0", "offset 7",
		"3 malformed");
	CK_DIAG(&l, AP_DIAG_WARN, 1, "unaging.additional.hash_dic.slice_0", "offset 77",
		"newline");
	ck_assert_uint_eq(l.h.files.v[0].records, 3);
	loaded_release(&l);
}
END_TEST

TCase *ap_test_cann_bad_tcase(void)
{
	TCase *tc = tcase_create("bad input");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad_magic_and_cut);
	tcase_add_test(tc, test_bad_counts);
	tcase_add_test(tc, test_bad_compact_record);
	tcase_add_test(tc, test_unknown_types);
	tcase_add_test(tc, test_empty_files);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_bad_dictionary);
	return tc;
}
