/* Unit tests of the PROF_* device side: STARS / TS track / HWTS decoders and the stream/task id
 * rules (cann_prof_raw §3.1-§3.3), the slice-stream loader (§1.4), pairing with batch ids
 * (§3.5.2), the metadata side files (§1.6) and the clocks (§3.6). Binary fixtures are the
 * annotated testdata/fixtures/cann_dev_*.hex, with upstream unit-test byte values. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/cann_clock.h"
#include "ap/cann_dev.h"
#include "ap/cann_dev_load.h"
#include "ap/cann_meta.h"
#include "ap/cann_pair.h"
#include "ap/diag.h"
#include "ap/err.h"

static const char *fixtures_dir;

struct fx {
	uint8_t *p;
	size_t len;
};

static struct fx fx_load(const char *name)
{
	char path[4096];
	struct fx f = { NULL, 0 };
	FILE *in;
	long n;

	snprintf(path, sizeof(path), "%s/%s.bin", fixtures_dir, name);
	in = fopen(path, "rb");
	ck_assert_msg(in != NULL, "cannot open fixture '%s': %s", path, strerror(errno));
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	fseek(in, 0, SEEK_SET);
	f.p = malloc(n ? (size_t)n : 1);
	ck_assert_ptr_nonnull(f.p);
	ck_assert_uint_eq(fread(f.p, 1, (size_t)n, in), (size_t)n);
	fclose(in);
	f.len = (size_t)n;
	return f;
}

/* The diag entry of key, or NULL. */
static const struct ap_diag_entry *entry(const struct ap_diag *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].key, key))
			return &d->v[i];
	return NULL;
}

static void has(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "'%s' not in '%s'", needle, hay);
}

/* --- decoders ------------------------------------------------------------------------ */

START_TEST(test_acsq_fixture)
{
	struct fx f = fx_load("cann_dev_stars_acsq");
	struct ap_cann_log l;
	unsigned func;

	ck_assert_uint_eq(f.len, 5 * AP_CANN_STARS_SIZE);
	ck_assert_int_eq(ap_cann_stars_decode(f.p, &l, &func), AP_CANN_REC_LOG);
	ck_assert_uint_eq(func, 0);
	ck_assert_uint_eq(l.src, AP_CANN_SRC_ACSQ);
	ck_assert_uint_eq(l.end, 0);
	ck_assert_uint_eq(l.syscnt, 100);
	ck_assert_uint_eq(l.stream_raw, 1);
	ck_assert_uint_eq(l.task_raw, 1);
	ck_assert_uint_eq(l.stream, 1);
	ck_assert_uint_eq(l.task, 1);
	ck_assert_uint_eq(l.cnt, 1);
	ck_assert_uint_eq(l.sqe_type, 0);
	ck_assert_int_eq(ap_cann_stars_decode(f.p + 64, &l, &func), AP_CANN_REC_LOG);
	ck_assert_uint_eq(l.end, 1);
	ck_assert_uint_eq(l.syscnt, 120);
	ck_assert_uint_eq(l.cnt, 2);
	ck_assert_int_eq(ap_cann_stars_decode(f.p + 128, &l, &func), AP_CANN_REC_OTHER);
	ck_assert_uint_eq(func, 26);
	ck_assert_int_eq(ap_cann_stars_decode(f.p + 192, &l, &func), AP_CANN_REC_LOG);
	ck_assert_uint_eq(l.sqe_type, 2);
	ck_assert_uint_eq(l.cnt, 4);
	ck_assert_uint_eq(l.stream_raw, 0x1005);
	ck_assert_uint_eq(l.task_raw, 0x1234);
	ck_assert_uint_eq(l.stream, 5);
	ck_assert_uint_eq(l.task, 0x1234);
	ck_assert_uint_eq(l.syscnt, 0x0102030405060708ull);
	ck_assert_int_eq(ap_cann_stars_decode(f.p + 256, &l, &func), AP_CANN_REC_LOG);
	ck_assert_uint_eq(l.end, 1);
	ck_assert_uint_eq(l.cnt, 5);
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_ACSQ, l.sqe_type), "AIV_SQE");
	free(f.p);
}
END_TEST

START_TEST(test_ffts_fixture)
{
	struct fx f = fx_load("cann_dev_stars_ffts");
	struct ap_cann_log l;
	unsigned func;

	ck_assert_int_eq(ap_cann_stars_decode(f.p, &l, &func), AP_CANN_REC_LOG);
	ck_assert_uint_eq(func, 34);
	ck_assert_uint_eq(l.src, AP_CANN_SRC_FFTS);
	ck_assert_uint_eq(l.end, 0);
	ck_assert_uint_eq(l.syscnt, 200);
	ck_assert_uint_eq(l.stream, 1);
	ck_assert_uint_eq(l.task, 1);
	ck_assert_uint_eq(l.ctx, 0);
	ck_assert_int_eq(ap_cann_stars_decode(f.p + 64, &l, &func), AP_CANN_REC_LOG);
	ck_assert_uint_eq(func, 35);
	ck_assert_uint_eq(l.end, 1);
	ck_assert_uint_eq(l.syscnt, 220);
	ck_assert_int_eq(ap_cann_stars_decode(f.p + 128, &l, &func), AP_CANN_REC_LOG);
	ck_assert_uint_eq(l.stream_raw, 0x2003);
	ck_assert_uint_eq(l.task_raw, 0xA00B);
	ck_assert_uint_eq(l.stream, 0x00B);
	ck_assert_uint_eq(l.task, 0xA003);
	ck_assert_uint_eq(l.sub_type, 6);
	ck_assert_uint_eq(l.ctx, 0);
	ck_assert_uint_eq(l.ffts_type, 4);
	ck_assert_uint_eq(l.thread, 7);
	ck_assert_uint_eq(l.cnt, 3);
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_FFTS, l.sub_type), "MIX_AIC");
	ck_assert_int_eq(ap_cann_stars_decode(f.p + 192, &l, &func), AP_CANN_REC_LOG);
	ck_assert_uint_eq(l.end, 1);
	ck_assert_uint_eq(l.syscnt, 5600);
	free(f.p);
}
END_TEST

START_TEST(test_track_fixture)
{
	struct fx f = fx_load("cann_dev_ts_track");
	struct ap_cann_ts_rec t;

	ck_assert_uint_eq(f.len, 7 * AP_CANN_TRACK_SIZE);
	ck_assert_int_eq(ap_cann_ts_decode(f.p, &t), 0);
	ck_assert_uint_eq(t.func, AP_CANN_TRACK_FLIP);
	ck_assert_uint_eq(t.syscnt, 100);
	ck_assert_uint_eq(t.stream, 1);
	ck_assert_uint_eq(t.task, 1);
	ck_assert_uint_eq(t.u.flip.flip_num, 5);
	ck_assert_int_eq(ap_cann_ts_decode(f.p + 40, &t), 0);
	ck_assert_uint_eq(t.func, AP_CANN_TRACK_STEP);
	ck_assert_uint_eq(t.syscnt, 10);
	ck_assert_uint_eq(t.u.step.tag, 1);
	ck_assert_uint_eq(t.stream, 1);
	ck_assert_uint_eq(t.task, 1);
	ck_assert_int_eq(ap_cann_ts_decode(f.p + 80, &t), 0);
	ck_assert_uint_eq(t.func, AP_CANN_TRACK_MEMCPY);
	ck_assert_uint_eq(t.u.memcpy.status, 1);
	ck_assert_int_eq(ap_cann_ts_decode(f.p + 120, &t), 0);
	ck_assert_uint_eq(t.func, AP_CANN_TRACK_TASK_TYPE);
	ck_assert_uint_eq(t.u.task_type.task_type, 0x42);
	ck_assert_uint_eq(t.stream, 2);
	ck_assert_uint_eq(t.task, 3);
	ck_assert_int_eq(ap_cann_ts_decode(f.p + 160, &t), 0);
	ck_assert_uint_eq(t.func, AP_CANN_TRACK_BLOCK_NUM);
	ck_assert_uint_eq(t.u.block.block_num, 48);
	ck_assert_int_eq(ap_cann_ts_decode(f.p + 200, &t), 0);
	ck_assert_uint_eq(t.stream, 3); /* 0xF803 & 0x7FF */
	ck_assert_int_eq(ap_cann_ts_decode(f.p + 240, &t), AP_END);
	ck_assert_uint_eq(t.func, 0x55);
	free(f.p);
}
END_TEST

START_TEST(test_hwts_fixture)
{
	struct fx f = fx_load("cann_dev_hwts");
	struct ap_cann_log l;
	unsigned type;

	ck_assert_int_eq(ap_cann_hwts_decode(f.p, &l, &type), AP_CANN_REC_LOG);
	ck_assert_uint_eq(l.src, AP_CANN_SRC_HWTS);
	ck_assert_uint_eq(l.end, 0);
	ck_assert_uint_eq(l.stream_raw, 2049);
	ck_assert_uint_eq(l.stream, 1);
	ck_assert_uint_eq(l.task, 7);
	ck_assert_uint_eq(l.syscnt, 1000);
	ck_assert_uint_eq(l.cnt, 1);
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_HWTS, l.sqe_type), "AI_CORE");
	ck_assert_int_eq(ap_cann_hwts_decode(f.p + 64, &l, &type), AP_CANN_REC_LOG);
	ck_assert_uint_eq(l.end, 1);
	ck_assert_uint_eq(l.syscnt, 1500);
	ck_assert_int_eq(ap_cann_hwts_decode(f.p + 128, &l, &type), AP_CANN_REC_OTHER);
	ck_assert_uint_eq(type, 2);
	ck_assert_int_eq(ap_cann_hwts_decode(f.p + 192, &l, &type), AP_CANN_REC_OTHER);
	ck_assert_uint_eq(type, 5);
	free(f.p);
}
END_TEST

static void ids(uint16_t s, uint16_t t, unsigned sqe, int expand, uint32_t es, uint32_t et)
{
	uint32_t stream = 0xDEAD, task = 0xBEEF;

	ap_cann_ids_decode(s, t, sqe, expand, &stream, &task);
	ck_assert_msg(stream == es && task == et,
		      "S=0x%04x T=0x%04x sqe %u expand %d: stream 0x%x task 0x%x, expected 0x%x 0x%x",
		      s, t, sqe, expand, stream, task, es, et);
}

START_TEST(test_ids_every_branch)
{
	/* normal mode, S & 0x1000: stream S mod 2048, task (T & 0x1FFF) | (S & 0xE000) */
	ids(0xF805, 0xFFFF, 0, 0, 5, 0xFFFF);
	ids(0x1005, 0x1234, 0, 0, 5, 0x1234);
	ids(0x3001, 0x4567, 0, 0, 1, 0x0567 | 0x2000); /* bit 12 wins over bit 13 */
	/* normal mode, S & 0x2000: stream (T & 0x0FFF) mod 2048, task (S & 0x0FFF) | (T & 0xF000) */
	ids(0x2ABC, 0x5DEF, 0, 0, 0xDEF % 2048, 0x5ABC);
	ids(0x2003, 0xA00B, 0, 0, 0x00B, 0xA003);
	/* normal mode, plain: stream S mod 2048 (bit 11 and above dropped), task T */
	ids(0x0905, 0x8001, 0, 0, 0x105, 0x8001);
	ids(0x0001, 0x0001, 0, 0, 1, 1);
	/* normal mode: sqeType does not matter */
	ids(0x0905, 0x8001, 3, 0, 0x105, 0x8001);
	/* expansion, sqeType 3 (PLACE_HOLDER) and 4 (EVENT_RECORD): stream S & 0x7FFF, task T */
	ids(0x8123, 0xF456, 3, 1, 0x0123, 0xF456);
	ids(0x8123, 0xF456, 4, 1, 0x0123, 0xF456);
	/* expansion, S & 0x8000: stream T & 0x7FFF, task (T & 0x8000) | (S & 0x7FFF) */
	ids(0x8123, 0xF456, 0, 1, 0x7456, 0x8123);
	ids(0x8123, 0x7456, 2, 1, 0x7456, 0x0123);
	/* expansion, plain: stream S & 0x7FFF, task T; the bit-12/13 rules do not apply */
	ids(0x7FFE, 0x0042, 0, 1, 0x7FFE, 0x0042);
	ids(0x1005, 0x1234, 0, 1, 0x1005, 0x1234);
	ids(0x2ABC, 0x5DEF, 0, 1, 0x2ABC, 0x5DEF);
}
END_TEST

START_TEST(test_set_expand)
{
	struct ap_cann_dev d;
	struct ap_cann_log *l;

	ap_cann_dev_init(&d, 0);
	ck_assert_int_eq(ap_vec_reserve(&d.logs, 2), 0);
	l = &d.logs.v[d.logs.n++];
	memset(l, 0, sizeof(*l));
	l->src = AP_CANN_SRC_ACSQ;
	l->stream_raw = 0x8123;
	l->task_raw = 0xF456;
	l = &d.logs.v[d.logs.n++];
	memset(l, 0, sizeof(*l));
	l->src = AP_CANN_SRC_HWTS;
	l->stream_raw = 4097;
	l->task_raw = 9;
	ap_cann_dev_set_expand(&d, 1);
	ck_assert_uint_eq(d.logs.v[0].stream, 0x7456);
	ck_assert_uint_eq(d.logs.v[0].task, 0x8123);
	ck_assert_uint_eq(d.logs.v[1].stream, 1);
	ck_assert_uint_eq(d.logs.v[1].task, 9);
	ap_cann_dev_set_expand(&d, 0);
	ck_assert_uint_eq(d.logs.v[0].stream, 0x123 % 2048);
	ck_assert_uint_eq(d.logs.v[0].task, 0xF456);
	ap_cann_dev_release(&d);
}
END_TEST

START_TEST(test_type_names)
{
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_ACSQ, 0), "AI_CORE");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_ACSQ, 11), "SDMA_SQE");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_ACSQ, 20), "C_CORE_SQE");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_ACSQ, 21), "UNKNOWN");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_FFTS, 0), "AIC");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_FFTS, 2), "UNKNOWN");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_FFTS, 3), "Notify Wait");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_FFTS, 7), "MIX_AIV");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_FFTS, 14), "UNKNOWN");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_FFTS, 15), "DSA");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_FFTS, 16), "UNKNOWN");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_HWTS, 9), "SDMA_SQE");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_HWTS, 10), "MAX_SQE");
	ck_assert_str_eq(ap_cann_task_type_name(AP_CANN_SRC_HWTS, 11), "UNKNOWN");
}
END_TEST

/* --- loader on memory ----------------------------------------------------------------- */

struct memdev {
	struct ap_cann_dev d;
	struct ap_diag diag;
	struct ap_err err;
	int ret;
};

static void load_mem(struct memdev *m, size_t n, const char *const *names,
		     const uint8_t *const *data, const size_t *len, int kind, const char *chip)
{
	struct ap_cann_dev_opts o = { 0, "PROF_1/device_0/data", chip };

	ap_cann_dev_init(&m->d, 0);
	ap_diag_init(&m->diag);
	ap_err_init(&m->err);
	m->ret = ap_cann_dev_load_mem(&m->d, n, names, data, len, kind, &o, &m->diag, &m->err);
}

static void memdev_release(struct memdev *m)
{
	ap_cann_dev_release(&m->d);
	ap_diag_release(&m->diag);
	ap_err_release(&m->err);
}

START_TEST(test_load_one_slice)
{
	struct fx f = fx_load("cann_dev_stars_acsq");
	const char *names[] = { "stars_soc.data.0.slice_0" };
	const uint8_t *data[] = { f.p };
	size_t len[] = { f.len };
	struct memdev m;

	load_mem(&m, 1, names, data, len, AP_CANN_LOGS_STARS, NULL);
	ck_assert_int_eq(m.ret, 0);
	ck_assert_uint_eq(m.d.logs.n, 4);
	ck_assert_uint_eq(m.d.stars_other[26], 1);
	ck_assert_uint_eq(m.diag.n, 0); /* ACC PMU is known: skipped quietly */
	ck_assert_uint_eq(m.d.logs.v[2].stream, 5);
	memdev_release(&m);
	free(f.p);
}
END_TEST

/* The ACSQ and FFTS+ fixtures as one stream cut into slices at odd places, given in scrambled
 * order with slice numbers that sort differently as text (9 < 10): the same decode. */
START_TEST(test_load_straddle)
{
	struct fx a = fx_load("cann_dev_stars_acsq"), b = fx_load("cann_dev_stars_ffts");
	size_t total = a.len + b.len, cut1 = 50, cut2 = 333, i;
	uint8_t *all = malloc(total);
	const char *names[] = { "stars_soc.data.0.slice_10", "stars_soc.data.0.slice_2",
				"stars_soc.data.0.slice_9", "stars_soc.data.0.slice_10.done" };
	const uint8_t *data[4];
	size_t len[4];
	struct memdev m;

	memcpy(all, a.p, a.len);
	memcpy(all + a.len, b.p, b.len);
	data[1] = all;
	len[1] = cut1;
	data[2] = all + cut1;
	len[2] = cut2 - cut1;
	data[0] = all + cut2;
	len[0] = total - cut2;
	data[3] = (const uint8_t *)"filesize:1";
	len[3] = 10;
	load_mem(&m, 4, names, data, len, AP_CANN_LOGS_STARS, NULL);
	ck_assert_int_eq(m.ret, 0);
	ck_assert_uint_eq(m.diag.n, 0);
	ck_assert_uint_eq(m.d.logs.n, 8);
	{
		static const uint64_t t[] = { 100, 120, 0x0102030405060708ull,
					      0x0102030405060800ull, 200, 220, 5000, 5600 };

		for (i = 0; i < 8; i++)
			ck_assert_uint_eq(m.d.logs.v[i].syscnt, t[i]);
	}
	ck_assert_uint_eq(m.d.logs.v[6].task, 0xA003);
	memdev_release(&m);
	free(all);
	free(a.p);
	free(b.p);
}
END_TEST

/* 17 bytes too many, spread over the first two slices: skipped at the FRONT (§1.4). */
START_TEST(test_load_front_remainder)
{
	struct fx a = fx_load("cann_dev_stars_acsq");
	uint8_t *all = malloc(a.len + 17);
	const char *names[] = { "stars_soc.data.0.slice_0", "stars_soc.data.0.slice_1",
				"stars_soc.data.0.slice_2" };
	const uint8_t *data[3];
	size_t len[3];
	const struct ap_diag_entry *e;
	struct memdev m;

	memset(all, 0xEE, 17);
	memcpy(all + 17, a.p, a.len);
	data[0] = all;
	len[0] = 10;
	data[1] = all + 10;
	len[1] = 100;
	data[2] = all + 110;
	len[2] = a.len + 17 - 110;
	load_mem(&m, 3, names, data, len, AP_CANN_LOGS_STARS, NULL);
	ck_assert_int_eq(m.ret, 0);
	ck_assert_uint_eq(m.d.logs.n, 4);
	ck_assert_uint_eq(m.d.logs.v[0].syscnt, 100);
	ck_assert_uint_eq(m.d.bytes_lost, 17);
	e = entry(&m.diag, "cann-front");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, AP_DIAG_DATA_LOSS);
	has(e->first.buf, "'PROF_1/device_0/data/stars_soc.data.0.slice_0': offset 0");
	has(e->first.buf, "337 bytes");
	has(e->first.buf, "17 bytes skipped at its front");
	memdev_release(&m);
	free(all);
	free(a.p);
}
END_TEST

START_TEST(test_load_bad_magic_unknown_func)
{
	struct fx f = fx_load("cann_dev_bad_magic");
	const char *names[] = { "stars_soc.data.0.slice_0" };
	const uint8_t *data[] = { f.p };
	size_t len[] = { f.len };
	const struct ap_diag_entry *e;
	struct memdev m;

	load_mem(&m, 1, names, data, len, AP_CANN_LOGS_STARS, NULL);
	ck_assert_int_eq(m.ret, 0);
	ck_assert_uint_eq(m.d.logs.n, 2);
	ck_assert_uint_eq(m.d.logs.v[0].syscnt, 100);
	ck_assert_uint_eq(m.d.logs.v[1].syscnt, 120);
	e = entry(&m.diag, "cann-magic:stars_soc.data");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, AP_DIAG_DATA_LOSS);
	ck_assert_uint_eq(e->count, 2);
	has(e->first.buf, "'PROF_1/device_0/data/stars_soc.data.0.slice_0': offset 0: bad magic 0x0000");
	ck_assert_uint_eq(m.d.bytes_lost, 128);
	e = entry(&m.diag, "cann-type:stars_soc.data:9");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, AP_DIAG_WARN);
	ck_assert_uint_eq(e->count, 2);
	has(e->first.buf, "slice_0': offset 256: unknown STARS funcType 9");
	e = entry(&m.diag, "cann-type:stars_soc.data:50");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->count, 1);
	has(e->first.buf, "offset 320: unknown STARS funcType 50");
	ck_assert_ptr_null(entry(&m.diag, "cann-type:stars_soc.data:24"));
	ck_assert_uint_eq(m.d.stars_other[24], 1);
	ck_assert_uint_eq(m.d.stars_other[9], 2);
	ck_assert_int_eq(ap_diag_worst(&m.diag), AP_DIAG_DATA_LOSS);
	memdev_release(&m);
	free(f.p);
}
END_TEST

START_TEST(test_load_track_hwts)
{
	struct fx t = fx_load("cann_dev_ts_track"), h = fx_load("cann_dev_hwts");
	const char *names[] = { "ts_track.data.0.slice_0", "hwts.data.0.slice_0" };
	const uint8_t *data[] = { t.p, h.p };
	size_t len[] = { t.len, h.len };
	const struct ap_diag_entry *e;
	struct memdev m;

	load_mem(&m, 2, names, data, len, AP_CANN_LOGS_HWTS, NULL);
	ck_assert_int_eq(m.ret, 0);
	ck_assert_uint_eq(m.d.flips.n, 2);
	ck_assert_uint_eq(m.d.flips.v[0].syscnt, 100);
	ck_assert_uint_eq(m.d.flips.v[0].flip_num, 5);
	ck_assert_uint_eq(m.d.flips.v[0].task, 1);
	ck_assert_uint_eq(m.d.flips.v[1].stream, 3);
	ck_assert_uint_eq(m.d.steps.n, 1);
	ck_assert_uint_eq(m.d.steps.v[0].tag, 1);
	ck_assert_uint_eq(m.d.track.memcpy, 1);
	ck_assert_uint_eq(m.d.track.task_type, 1);
	ck_assert_uint_eq(m.d.track.block_num, 1);
	ck_assert_uint_eq(m.d.track.other, 1);
	e = entry(&m.diag, "cann-type:ts_track.data:21"); /* 0x55 & 63 */
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->kind, AP_DIAG_WARN);
	has(e->first.buf, "ts_track.data.0.slice_0': offset 240: unknown TS track funcType 21");
	ck_assert_uint_eq(m.d.logs.n, 2);
	ck_assert_uint_eq(m.d.logs.v[0].src, AP_CANN_SRC_HWTS);
	e = entry(&m.diag, "cann-type:hwts.data:5");
	ck_assert_ptr_nonnull(e);
	has(e->first.buf, "hwts.data.0.slice_0': offset 192: unknown HWTS log type 5");
	ck_assert_int_eq(ap_diag_worst(&m.diag), AP_DIAG_WARN);
	memdev_release(&m);
	free(t.p);
	free(h.p);
}
END_TEST

START_TEST(test_load_unsupported_chips)
{
	struct fx s = fx_load("cann_dev_stars_acsq"), t = fx_load("cann_dev_ts_track");
	const char *names[] = { "stars_soc.data.0.slice_0", "ts_track.data.0.slice_0" };
	const uint8_t *data[] = { s.p, t.p };
	size_t len[] = { s.len, t.len };
	struct memdev m;

	load_mem(&m, 2, names, data, len, AP_CANN_LOGS_STARS_V6, "Ascend950 (platform_version 15)");
	ck_assert_int_eq(m.ret, AP_EUNSUPPORTED);
	has(m.err.msg.buf, "'PROF_1/device_0/data/stars_soc.data': Ascend950 (platform_version 15)");
	has(m.err.msg.buf, "32-byte STARS records");
	ck_assert_uint_eq(m.d.logs.n, 0);
	ck_assert_uint_eq(m.d.flips.n, 2); /* the other kinds are still loaded */
	memdev_release(&m);
	load_mem(&m, 2, names, data, len, AP_CANN_LOGS_UNKNOWN, "platform_version '9'");
	ck_assert_int_eq(m.ret, AP_EUNSUPPORTED);
	has(m.err.msg.buf, "platform_version '9' is not a chip the spec covers");
	memdev_release(&m);
	free(s.p);
	free(t.p);
}
END_TEST

/* --- loader on files ------------------------------------------------------------------ */

static char tmp[256];

static void put_bytes(const char *rel, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	fclose(f);
}

static void put(const char *rel, const char *text)
{
	put_bytes(rel, text, strlen(text));
}

static void mktmp(void)
{
	snprintf(tmp, sizeof(tmp), "%s/ap_cann_dev_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void rmtmp(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_load_dir)
{
	struct fx a = fx_load("cann_dev_stars_acsq"), t = fx_load("cann_dev_ts_track");
	uint8_t pmu[128] = { 40, 0, 0xd3, 0x6b };
	struct ap_cann_dev_opts o = { 0, "device_0/data", NULL };
	struct ap_cann_dev d;
	struct ap_diag diag;
	struct ap_err err = AP_ERR_INIT;
	const struct ap_diag_entry *e;
	struct fx h = fx_load("cann_dev_hwts");
	uint8_t cut[64 * 2 + 24];

	mktmp();
	/* a record straddles slice_1 and slice_2; slice_2 sorts after slice_10 as text */
	put_bytes("stars_soc.data.0.slice_1", a.p, 100);
	put_bytes("stars_soc.data.0.slice_2", a.p + 100, a.len - 100);
	put("stars_soc.data.0.slice_1.done", "filesize:100\n");
	put_bytes("ts_track.data.0.slice_0", t.p, t.len);
	/* the AIV TS track: a stream of its own, same records */
	put_bytes("ts_track.aiv_data.0.slice_0", t.p, 100);
	put_bytes("ts_track.aiv_data.0.slice_1", t.p + 100, t.len - 100);
	put_bytes("ffts_profile.data.0.slice_0", pmu, sizeof(pmu));
	/* another device's slice: not this device's data */
	put_bytes("stars_soc.data.1.slice_0", a.p, 64);
	/* a hwts stream with 24 bytes too many at its front (the tail of an aged record), one
	 * start record and a zeroed one (bad magic) */
	memset(cut, 0xEE, 24);
	memcpy(cut + 24, h.p, 64);
	memset(cut + 88, 0, 64);
	put_bytes("hwts.data.0.slice_3", cut, sizeof(cut));
	ap_cann_dev_init(&d, 0);
	ap_diag_init(&diag);
	ck_assert_int_eq(ap_cann_dev_load(&d, tmp, AP_CANN_LOGS_STARS, &o, &diag, &err), 0);
	ck_assert_uint_eq(d.logs.n, 5);
	ck_assert_uint_eq(d.logs.v[3].syscnt, 0x0102030405060800ull);
	ck_assert_uint_eq(d.logs.v[4].src, AP_CANN_SRC_HWTS);
	ck_assert_uint_eq(d.logs.v[4].syscnt, 1000);
	ck_assert_uint_eq(d.flips.n, 4);
	ck_assert_uint_eq(d.steps.n, 2);
	ck_assert_ptr_nonnull(entry(&diag, "cann-type:ts_track.aiv_data:21"));
	ck_assert_uint_eq(d.ffts_profile_records, 1);
	e = entry(&diag, "cann-front");
	ck_assert_ptr_nonnull(e);
	has(e->first.buf, "'device_0/data/hwts.data.0.slice_3': offset 0: the hwts.data stream holds 152 bytes");
	has(e->first.buf, "24 bytes skipped");
	e = entry(&diag, "cann-magic:hwts.data");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->count, 1);
	has(e->first.buf, "'device_0/data/hwts.data.0.slice_3': offset 88: bad magic 0x0000");
	ap_cann_dev_release(&d);
	ap_diag_release(&diag);
	ap_err_release(&err);
	rmtmp();
	free(a.p);
	free(t.p);
	free(h.p);
}
END_TEST

/* --- pairing --------------------------------------------------------------------------- */

struct pairdev {
	struct ap_cann_dev d;
	struct ap_cann_tasks t;
	struct ap_cann_pair_stats st;
};

static void add_log(struct ap_cann_dev *d, int src, int end, uint64_t t, uint32_t stream,
		    uint32_t task, uint16_t ctx, uint8_t type)
{
	struct ap_cann_log *l;

	ck_assert_int_eq(ap_vec_reserve(&d->logs, 1), 0);
	l = &d->logs.v[d->logs.n++];
	memset(l, 0, sizeof(*l));
	l->src = (uint8_t)src;
	l->end = (uint8_t)end;
	l->syscnt = t;
	l->stream = stream;
	l->task = task;
	l->ctx = ctx;
	if (src == AP_CANN_SRC_FFTS)
		l->sub_type = type;
	else
		l->sqe_type = type;
}

static void add_flip(struct ap_cann_dev *d, uint64_t t, uint16_t stream, uint16_t task)
{
	struct ap_cann_flip *f = ap_vec_push(&d->flips);

	ck_assert_ptr_nonnull(f);
	f->syscnt = t;
	f->stream = stream;
	f->task = task;
}

static void pair(struct pairdev *p)
{
	struct ap_err err = AP_ERR_INIT;

	memset(&p->t, 0, sizeof(p->t));
	ck_assert_int_eq(ap_cann_pair(&p->d, &p->t, &p->st, &err), 0);
	ap_err_release(&err);
}

static void pair_release(struct pairdev *p)
{
	ap_cann_tasks_release(&p->t);
	ap_cann_dev_release(&p->d);
}

static void task_is(const struct pairdev *p, size_t i, uint64_t s, uint64_t e, uint32_t batch)
{
	ck_assert_msg(i < p->t.v.n, "task %zu of %zu", i, p->t.v.n);
	ck_assert_msg(p->t.v.v[i].start == s && p->t.v.v[i].end == e && p->t.v.v[i].batch == batch,
		      "task %zu: %llu-%llu batch %u, expected %llu-%llu batch %u", i,
		      (unsigned long long)p->t.v.v[i].start, (unsigned long long)p->t.v.v[i].end,
		      p->t.v.v[i].batch, (unsigned long long)s, (unsigned long long)e, batch);
}

START_TEST(test_pair_equal_counts)
{
	struct pairdev p;

	ap_cann_dev_init(&p.d, 0);
	/* file order is not time order: pairing sorts by sysCnt first */
	add_log(&p.d, AP_CANN_SRC_ACSQ, 1, 40, 1, 9, 0, 2);
	add_log(&p.d, AP_CANN_SRC_ACSQ, 0, 30, 1, 9, 0, 2);
	add_log(&p.d, AP_CANN_SRC_ACSQ, 0, 10, 1, 9, 0, 2);
	add_log(&p.d, AP_CANN_SRC_ACSQ, 1, 20, 1, 9, 0, 2);
	/* equal counts pair by index, without looking at the times */
	add_log(&p.d, AP_CANN_SRC_ACSQ, 0, 50, 2, 9, 0, 0);
	add_log(&p.d, AP_CANN_SRC_ACSQ, 1, 45, 2, 9, 0, 0);
	pair(&p);
	ck_assert_uint_eq(p.t.v.n, 3);
	task_is(&p, 0, 10, 20, 0);
	task_is(&p, 1, 30, 40, 0);
	task_is(&p, 2, 50, 45, 0);
	ck_assert_uint_eq(p.t.v.v[0].ctx, AP_CANN_CTX_NONE);
	ck_assert_uint_eq(p.t.v.v[0].type, 2);
	ck_assert_uint_eq(p.t.v.v[0].src, AP_CANN_SRC_ACSQ);
	ck_assert_uint_eq(p.t.v.v[0].stream, 1);
	ck_assert_uint_eq(p.t.v.v[0].task, 9);
	ck_assert_uint_eq(p.st.unmatched_start, 0);
	ck_assert_uint_eq(p.st.unmatched_end, 0);
	pair_release(&p);
}
END_TEST

/* The two examples of upstream log_modeling.cpp MergeStartAndEndByQueue. */
START_TEST(test_pair_greedy)
{
	static const uint64_t s1[] = { 1, 5, 9, 13, 25 }, e1[] = { 3, 7, 10, 15 };
	static const uint64_t s2[] = { 4, 6, 9, 13 }, e2[] = { 3, 5, 8, 10, 15 };
	struct pairdev p;
	size_t i;

	ap_cann_dev_init(&p.d, 0);
	for (i = 0; i < 5; i++)
		add_log(&p.d, AP_CANN_SRC_ACSQ, 0, s1[i], 1, 1, 0, 0);
	for (i = 0; i < 4; i++)
		add_log(&p.d, AP_CANN_SRC_ACSQ, 1, e1[i], 1, 1, 0, 0);
	pair(&p);
	ck_assert_uint_eq(p.t.v.n, 4);
	task_is(&p, 0, 1, 3, 0);
	task_is(&p, 1, 5, 7, 0);
	task_is(&p, 2, 9, 10, 0);
	task_is(&p, 3, 13, 15, 0);
	ck_assert_uint_eq(p.st.unmatched_start, 1);
	ck_assert_uint_eq(p.st.unmatched_end, 0);
	pair_release(&p);

	ap_cann_dev_init(&p.d, 0);
	for (i = 0; i < 4; i++)
		add_log(&p.d, AP_CANN_SRC_ACSQ, 0, s2[i], 1, 1, 0, 0);
	for (i = 0; i < 5; i++)
		add_log(&p.d, AP_CANN_SRC_ACSQ, 1, e2[i], 1, 1, 0, 0);
	/* an end of a key without starts and a start of a stream without ends */
	add_log(&p.d, AP_CANN_SRC_ACSQ, 1, 99, 1, 2, 0, 0);
	add_log(&p.d, AP_CANN_SRC_ACSQ, 0, 98, 7, 2, 0, 0);
	pair(&p);
	ck_assert_uint_eq(p.t.v.n, 4);
	task_is(&p, 0, 4, 5, 0);
	task_is(&p, 1, 6, 8, 0);
	task_is(&p, 2, 9, 10, 0);
	task_is(&p, 3, 13, 15, 0);
	ck_assert_uint_eq(p.st.unmatched_start, 1);
	ck_assert_uint_eq(p.st.unmatched_end, 2);
	pair_release(&p);
}
END_TEST

/* Batch ids from flips (upstream batch_id.cpp): starts (t, task) 10/65533, 20/65534,
 * 25/0, 30/1 before a flip at t 35 with task id 2, then 40/3, 50/4. */
static void flip_case(struct pairdev *p, uint16_t flip_task)
{
	static const uint64_t t[] = { 10, 20, 25, 30, 40, 50 };
	static const uint32_t id[] = { 65533, 65534, 0, 1, 3, 4 };
	size_t i;

	ap_cann_dev_init(&p->d, 0);
	for (i = 0; i < 6; i++) {
		add_log(&p->d, AP_CANN_SRC_ACSQ, 0, t[i], 4, id[i], 0, 0);
		add_log(&p->d, AP_CANN_SRC_ACSQ, 1, t[i] + 1, 4, id[i], 0, 0);
	}
	add_flip(&p->d, 35, 4, flip_task);
	add_flip(&p->d, 36, 5, 1); /* another stream's flip changes nothing here */
	pair(p);
	ck_assert_uint_eq(p->t.v.n, 6);
}

START_TEST(test_pair_batch_calibration)
{
	struct pairdev p;

	/* calibration: the starts just before the flip whose task id is not above 2 (0 and 1)
	 * belong to the new batch */
	flip_case(&p, 2);
	task_is(&p, 0, 10, 11, 0);
	task_is(&p, 1, 20, 21, 0);
	task_is(&p, 2, 25, 26, 1);
	task_is(&p, 3, 30, 31, 1);
	task_is(&p, 4, 40, 41, 1);
	task_is(&p, 5, 50, 51, 1);
	pair_release(&p);
	/* flip task id 0 and 0xFFFF (stream destroyed): no calibration */
	flip_case(&p, 0);
	task_is(&p, 2, 25, 26, 0);
	task_is(&p, 3, 30, 31, 0);
	task_is(&p, 4, 40, 41, 1);
	pair_release(&p);
	flip_case(&p, 0xFFFF);
	task_is(&p, 3, 30, 31, 0);
	task_is(&p, 4, 40, 41, 1);
	pair_release(&p);
}
END_TEST

START_TEST(test_pair_batches_several_flips)
{
	struct pairdev p;
	size_t i;

	ap_cann_dev_init(&p.d, 0);
	/* starts at 10, 20, ..., 90 (task ids 100 + i); flips at 25, 26 (no start between:
	 * batch 1 is empty), 65; after the last flip: batch 3 */
	for (i = 1; i <= 9; i++) {
		add_log(&p.d, AP_CANN_SRC_FFTS, 0, i * 10, 3, (uint32_t)(100 + i), 1, 0);
		add_log(&p.d, AP_CANN_SRC_FFTS, 1, i * 10 + 5, 3, (uint32_t)(100 + i), 1, 0);
	}
	add_flip(&p.d, 65, 3, 0);
	add_flip(&p.d, 25, 3, 0);
	add_flip(&p.d, 26, 3, 0);
	pair(&p);
	ck_assert_uint_eq(p.t.v.n, 9);
	task_is(&p, 0, 10, 15, 0);
	task_is(&p, 1, 20, 25, 0);
	task_is(&p, 2, 30, 35, 2);
	task_is(&p, 5, 60, 65, 2);
	task_is(&p, 6, 70, 75, 3);
	task_is(&p, 8, 90, 95, 3);
	ck_assert_uint_eq(p.t.v.v[0].ctx, 1);
	ck_assert_uint_eq(p.t.v.v[0].src, AP_CANN_SRC_FFTS);
	pair_release(&p);
}
END_TEST

/* FFTS+ contexts are matched per (ctx, task, stream); upstream's key loses the context for
 * task ids >= 0x8000 (see an_cann_pair.c), and ACSQ and FFTS+ logs are paired apart. */
START_TEST(test_pair_ffts_contexts)
{
	struct pairdev p;

	ap_cann_dev_init(&p.d, 0);
	add_log(&p.d, AP_CANN_SRC_FFTS, 0, 100, 11, 0x0003, 0, 6);
	add_log(&p.d, AP_CANN_SRC_FFTS, 0, 110, 11, 0x0003, 1, 7);
	add_log(&p.d, AP_CANN_SRC_FFTS, 1, 150, 11, 0x0003, 1, 7);
	add_log(&p.d, AP_CANN_SRC_FFTS, 1, 160, 11, 0x0003, 0, 6);
	add_log(&p.d, AP_CANN_SRC_ACSQ, 0, 90, 11, 0x0003, 0, 0);
	add_log(&p.d, AP_CANN_SRC_ACSQ, 1, 170, 11, 0x0003, 0, 0);
	pair(&p);
	ck_assert_uint_eq(p.t.v.n, 3);
	task_is(&p, 0, 90, 170, 0);
	ck_assert_uint_eq(p.t.v.v[0].ctx, AP_CANN_CTX_NONE);
	task_is(&p, 1, 100, 160, 0);
	ck_assert_uint_eq(p.t.v.v[1].ctx, 0);
	ck_assert_uint_eq(p.t.v.v[1].type, 6);
	task_is(&p, 2, 110, 150, 0);
	ck_assert_uint_eq(p.t.v.v[2].ctx, 1);
	ck_assert_uint_eq(p.t.v.v[2].type, 7);
	pair_release(&p);

	ap_cann_dev_init(&p.d, 0);
	add_log(&p.d, AP_CANN_SRC_FFTS, 0, 100, 11, 0xA003, 0, 6);
	add_log(&p.d, AP_CANN_SRC_FFTS, 0, 110, 11, 0xA003, 1, 7);
	add_log(&p.d, AP_CANN_SRC_FFTS, 1, 150, 11, 0xA003, 1, 7);
	add_log(&p.d, AP_CANN_SRC_FFTS, 1, 160, 11, 0xA003, 0, 6);
	pair(&p);
	ck_assert_uint_eq(p.t.v.n, 2);
	task_is(&p, 0, 100, 150, 0); /* one group: i-th start with i-th end */
	ck_assert_uint_eq(p.t.v.v[0].ctx, 0);
	task_is(&p, 1, 110, 160, 0);
	ck_assert_uint_eq(p.t.v.v[1].ctx, 1);
	pair_release(&p);
}
END_TEST

/* --- clocks and side files ----------------------------------------------------------------- */

/* Side-file contents of upstream context_utest.cpp (Ascend/msprof
 * test/msprof_cpp/analysis_ut/domain/host_parser/test/context_utest.cpp). */
static const char ctx_info[] =
	"{\"platform_version\": \"7\", \"pid\": \"2376271\", \"hostname\": \"localhost\", "
	"\"CPU\": [{\"Frequency\": \"100.000000\"}], \"DeviceInfo\": [{\"hwts_frequency\": "
	"\"49.000000\", \"aic_frequency\": \"1850\", \"ai_core_num\": 20}]}";
static const char ctx_start[] =
	"{\"collectionTimeEnd\": \"\", \"clockMonotonicRaw\": \"8719641548578\", "
	"\"collectionTimeBegin\": \"1700902984041176\"}";
static const char ctx_end[] =
	"{\"collectionTimeEnd\": \"1700902986330096\", \"clockMonotonicRaw\": \"8721930460279\", "
	"\"collectionTimeBegin\": \"\"}";
static const char ctx_host_start[] =
	"[Device0]\nclock_monotonic_raw: 36471130547330\ncntvct: 3666503140109\ncntvct_diff: 0\n";
static const char ctx_dev_start[] = "clock_monotonic_raw: 0\ncntvct: 1833256145654\n";

static void write_device_dir(const char *info, const char *start, const char *host_start,
			     const char *dev_start)
{
	if (info)
		put("info.json.0", info);
	if (start)
		put("start_info.0", start);
	put("end_info.0", ctx_end);
	put("sample.json", "{\"profLevel\": \"l1\", \"ai_core_profiling_mode\": \"task-based\"}");
	if (host_start)
		put("host_start.log.0", host_start);
	if (dev_start)
		put("dev_start.log.0", dev_start);
}

START_TEST(test_clock_device_context_utest)
{
	struct ap_cann_meta m;
	struct ap_cann_clock c;
	struct ap_err err = AP_ERR_INIT;
	const uint64_t C = 1833256145654ull;

	mktmp();
	write_device_dir(ctx_info, ctx_start, ctx_host_start, ctx_dev_start);
	ck_assert_int_eq(ap_cann_meta_load(&m, tmp, "device_0", 0, &err), 0);
	ck_assert_int_eq(m.state[AP_CANN_MF_INFO], AP_CANN_FILE_OK);
	ck_assert_int_eq(m.state[AP_CANN_MF_END], AP_CANN_FILE_OK);
	ck_assert_int_eq(m.info.platform_version, 7);
	ck_assert_str_eq(ap_cann_chip_name(m.info.platform_version), "Ascend310B");
	ck_assert_int_eq(ap_cann_chip_logs(m.info.platform_version), AP_CANN_LOGS_STARS);
	ck_assert_int_eq(m.info.pid, 2376271);
	ck_assert_int_eq(m.info.ai_core_num, 20);
	ck_assert(m.info.aic_freq_mhz == 1850.0);
	ck_assert_str_eq(m.sample.prof_level, "l1");
	ck_assert_str_eq(m.sample.ai_core_mode, "task-based");
	ck_assert_uint_eq(m.end.time_us, 1700902986330096ull);
	ck_assert_str_eq(m.file[AP_CANN_MF_DEV_START], "device_0/dev_start.log.0");
	ck_assert_int_eq(ap_cann_clock_device(&c, &m, &err), 0);
	ck_assert(c.freq_mhz == 49.0);
	ck_assert_uint_eq(c.ref_cnt, C);
	ck_assert_uint_eq(c.ref_mono, 36471130547330ull);
	ck_assert_int_eq(c.local_diff, 1700902984041176000ll - 8719641548578ll);
	/* expected values: mono +- |d| / 49.0 as a double, rounded to 6 decimals of a µs,
	 * times 1000, floor (computed independently with Python's Decimal) */
	ck_assert_int_eq(ap_cann_clock_mono(&c, C), 36471130547330ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, C + 1), 36471130547350ll);     /* +20.408 */
	ck_assert_int_eq(ap_cann_clock_mono(&c, C - 1), 36471130547309ll);     /* -20.408 */
	ck_assert_int_eq(ap_cann_clock_mono(&c, C + 49000), 36471131547330ll); /* 1 ms */
	ck_assert_int_eq(ap_cann_clock_mono(&c, C + 49000007), 36472130547472ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, C - 123456789), 36468611021023ll);
	ck_assert_int_eq(ap_cann_clock_local(&c, C + 1), 1700930735530174772ll);
	ck_assert_int_eq(ap_cann_clock_local(&c, C - 1), 1700930735530174731ll);
	ck_assert_uint_eq(ap_cann_clock_dur(&c, 1), 20);
	ap_cann_meta_release(&m);
	ap_err_release(&err);
	rmtmp();
}
END_TEST

/* The real sample's numbers (hwts_frequency "49.999001": 1000 / f is no finite decimal). */
START_TEST(test_clock_frequency_not_dividing_1000)
{
	struct ap_cann_clock c = { 49.999001, 44350813175541ull, 886787998142270ull,
				   1787504006800668000ll - 886787997440520ll, 0 };
	const uint64_t C = 44350813175541ull;

	ck_assert_int_eq(ap_cann_clock_mono(&c, C), 886787998142270ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, C + 1), 886787998142290ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, C - 1), 886787998142250ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, C + 3), 886787998142330ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, C + 12345678901ull), 887034916653721ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, C - 999), 886787998122289ll);
	ck_assert_int_eq(ap_cann_clock_local(&c, C + 12345678901ull), 1787504253719881201ll);
	ck_assert_uint_eq(ap_cann_clock_dur(&c, 12345678901ull), 246918511451ull);
	/* 50 MHz: exact */
	c.freq_mhz = 50.0;
	ck_assert_int_eq(ap_cann_clock_mono(&c, C + 3), 886787998142330ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, C - 3), 886787998142210ll);
	ck_assert_uint_eq(ap_cann_clock_dur(&c, 3), 60);
}
END_TEST

static const char host_start_log[] =
	"[host]\nclock_monotonic_raw: 5000000\ncntvct: 1000\ncntvct_diff: 0\n";

static void host_clock(const char *freq, const char *hs, struct ap_cann_clock *c, int expect)
{
	struct ap_cann_meta m;
	struct ap_err err = AP_ERR_INIT;
	char info[256];

	mktmp();
	snprintf(info, sizeof(info), "{\"platform_version\": \"5\", \"CPU\": [{\"Frequency\": \"%s\"}]}",
		 freq);
	put("info.json", info);
	put("start_info", ctx_start);
	if (hs)
		put("host_start.log", hs);
	ck_assert_int_eq(ap_cann_meta_load(&m, tmp, "host", -1, &err), 0);
	ck_assert_int_eq(ap_cann_clock_host(c, &m, &err), expect);
	if (expect)
		has(err.msg.buf, "'host/host_start.log' is missing");
	ap_cann_meta_release(&m);
	ap_err_release(&err);
	rmtmp();
}

START_TEST(test_clock_host_ticks)
{
	struct ap_cann_clock c;

	host_clock("19.2", host_start_log, &c, 0);
	ck_assert_int_eq(c.identity, 0);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1001), 5000052);           /* 52.083 ns */
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1007), 5000364);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 999), 4999947);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1000 + 1000000007ull), 52088333697ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1000 + 1000000000003ull), 52083338333489ll);
	host_clock("38.400000", host_start_log, &c, 0);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1001), 5000026);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1007), 5000182);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 999), 4999973);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1000 + 1000000007ull), 26046666848ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1000 + 1000000000003ull), 26041671666744ll);
	ck_assert_int_eq(ap_cann_clock_local(&c, 1001), 5000026 + 1700902984041176000ll - 8719641548578ll);
	/* cntvct_diff 7 ticks at 19.2 MHz: +364 ns (trunc(7000 / 19.2)) on the reference */
	host_clock("19.2", "[host]\nclock_monotonic_raw: 5000000\ncntvct: 1000\ncntvct_diff: 7\n",
		   &c, 0);
	ck_assert_uint_eq(c.ref_mono, 5000364);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1000), 5000364);
	/* Frequency 1000 or empty: host times are monotonic ns already; no host_start.log
	 * needed */
	host_clock("1000", NULL, &c, 0);
	ck_assert_int_eq(c.identity, 1);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 123456789), 123456789);
	host_clock("", NULL, &c, 0);
	ck_assert_int_eq(c.identity, 1);
	/* a counter frequency without host_start.log: no clock, the file named */
	host_clock("100.000000", NULL, &c, AP_ENOTFOUND);
}
END_TEST

START_TEST(test_clock_device_cntvct_diff)
{
	struct ap_cann_meta m;
	struct ap_cann_clock c;
	struct ap_err err = AP_ERR_INIT;

	mktmp();
	write_device_dir("{\"platform_version\": \"5\", \"CPU\": [{\"Frequency\": \"19.2\"}], "
			 "\"DeviceInfo\": [{\"hwts_frequency\": \"50\"}]}",
			 ctx_start,
			 "[Device0]\nclock_monotonic_raw: 886787998142270\ncntvct: 5\ncntvct_diff: 7\n",
			 "clock_monotonic_raw: 1\ncntvct: 1000\n");
	ck_assert_int_eq(ap_cann_meta_load(&m, tmp, "device_0", 0, &err), 0);
	ck_assert_int_eq(ap_cann_clock_device(&c, &m, &err), 0);
	ck_assert_uint_eq(c.ref_mono, 886787998142270ull + 364);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 1003), 886787998142270ll + 364 + 60);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 997), 886787998142270ll + 364 - 60);
	ap_cann_meta_release(&m);
	ap_err_release(&err);
	rmtmp();
}
END_TEST

/* The rounding to 6 decimals agrees with the C library's "%.6f" (what std::to_string does). */
/* A counter far from its reference (a device whose dev_start.log.N was sampled long before, or
 * a wrong one): the difference is converted as upstream's double, not saturated into garbage
 * (2^64 / 10^6 µs used to be the limit). */
START_TEST(test_clock_far_from_reference)
{
	struct ap_cann_clock c = { 1000.0, 80000000000ull, 1000000ull, 0, 0 };
	uint64_t cnt = 1736408883704643212ull;
	int64_t want = (int64_t)(1000000ull + (cnt - c.ref_cnt)), got = ap_cann_clock_mono(&c, cnt);

	/* the double holds the difference to 2^-8 µs here: within 256 ns of the exact value */
	ck_assert_int_le(got - want, 256);
	ck_assert_int_ge(got - want, -256);
	ck_assert_uint_eq(ap_cann_clock_dur(&c, 1000000000000000ull), 1000000000000000ull);
}
END_TEST

START_TEST(test_round6_matches_printf)
{
	uint64_t x = 0x9E3779B97F4A7C15ull;
	int i;

	for (i = 0; i < 200000; i++) {
		double q;
		char buf[64], *dot;
		uint64_t want;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (i % 4) {
		case 0: q = (double)(x >> 20) / 49.999001; break;
		case 1: q = (double)(x % 100000) / 19.2; break;
		case 2: q = (double)(x >> 30) / 38.4; break;
		default: q = (double)(x % 1000000000) / 50.0 + 0.0000005; break;
		}
		snprintf(buf, sizeof(buf), "%.6f", q);
		dot = strchr(buf, '.');
		want = strtoull(buf, NULL, 10) * 1000000 + strtoull(dot + 1, NULL, 10);
		ck_assert_msg(ap_cann__round6(q) == want, "%.17g: %llu, printf %s", q,
			      (unsigned long long)ap_cann__round6(q), buf);
	}
	ck_assert_uint_eq(ap_cann__round6(0.0000005), 0);  /* tie below: binary value < half */
	ck_assert_uint_eq(ap_cann__round6(2.5e-6), 3);     /* 2.5e-6 is 2.50000...0204e-6 */
	ck_assert_uint_eq(ap_cann__round6(1.5e-6), 2);
	ck_assert_uint_eq(ap_cann__round6(0.5), 500000);
	/* exact binary ties at the 7th decimal: half to even, as glibc printf */
	ck_assert_uint_eq(ap_cann__round6(1.0 / 128), 7812);
	ck_assert_uint_eq(ap_cann__round6(3.0 / 128), 23438);
}
END_TEST

START_TEST(test_meta_bad_side_files)
{
	struct ap_cann_meta m;
	struct ap_cann_clock c;
	struct ap_err err = AP_ERR_INIT;

	/* missing dev_start.log.N */
	mktmp();
	write_device_dir(ctx_info, ctx_start, ctx_host_start, NULL);
	ck_assert_int_eq(ap_cann_meta_load(&m, tmp, "PROF_1/device_0", 0, &err), 0);
	ck_assert_int_eq(m.state[AP_CANN_MF_DEV_START], AP_CANN_FILE_ABSENT);
	ck_assert_int_eq(ap_cann_clock_device(&c, &m, &err), AP_ENOTFOUND);
	has(err.msg.buf, "'PROF_1/device_0/dev_start.log.0' is missing");
	ap_err_release(&err);
	ap_cann_meta_release(&m);
	rmtmp();

	/* malformed info.json.N */
	mktmp();
	write_device_dir("{\"platform_version\": \"5\",, }", ctx_start, ctx_host_start,
			 ctx_dev_start);
	ck_assert_int_eq(ap_cann_meta_load(&m, tmp, "device_0", 0, &err), 0);
	ck_assert_int_eq(m.state[AP_CANN_MF_INFO], AP_CANN_FILE_BAD);
	ck_assert_int_eq(ap_cann_clock_device(&c, &m, &err), AP_EFORMAT);
	has(err.msg.buf, "'device_0/info.json.0': malformed JSON at byte offset 25");
	ap_err_release(&err);
	ap_cann_meta_release(&m);
	rmtmp();

	/* info.json.N without hwts_frequency; dev_start.log without cntvct */
	mktmp();
	write_device_dir("{\"platform_version\": \"5\", \"DeviceInfo\": [{\"aic_frequency\": \"1800\"}]}",
			 ctx_start, ctx_host_start, "clock_monotonic_raw: 1\n");
	ck_assert_int_eq(ap_cann_meta_load(&m, tmp, "device_0", 0, &err), 0);
	ck_assert_int_eq(ap_cann_clock_device(&c, &m, &err), AP_EFORMAT);
	has(err.msg.buf, "'device_0/info.json.0': DeviceInfo[0].hwts_frequency is missing");
	ap_err_release(&err);
	ck_assert_int_eq(m.state[AP_CANN_MF_DEV_START], AP_CANN_FILE_BAD);
	has(m.why[AP_CANN_MF_DEV_START].buf, "'device_0/dev_start.log.0': no cntvct line");
	ap_cann_meta_release(&m);
	rmtmp();

	/* start_info of context_utest's failing case: collectionTimeBegin "1" */
	mktmp();
	write_device_dir(ctx_info,
			 "{\"clockMonotonicRaw\": \"8719641548578\", \"collectionTimeBegin\": \"1\"}",
			 ctx_host_start, ctx_dev_start);
	ck_assert_int_eq(ap_cann_meta_load(&m, tmp, "device_0", 0, &err), 0);
	ck_assert_int_eq(ap_cann_clock_device(&c, &m, &err), AP_EFORMAT);
	has(err.msg.buf, "'device_0/start_info.0': collectionTimeBegin 1 us and clockMonotonicRaw 8719641548578 ns give no wall-clock offset");
	ap_err_release(&err);
	ap_cann_meta_release(&m);
	rmtmp();

	/* a non-decimal clock_monotonic_raw: the line is named */
	mktmp();
	write_device_dir(ctx_info, ctx_start, "[Device0]\nclock_monotonic_raw: 12x\ncntvct: 1\n",
			 ctx_dev_start);
	ck_assert_int_eq(ap_cann_meta_load(&m, tmp, "device_0", 0, &err), 0);
	ck_assert_int_eq(ap_cann_clock_device(&c, &m, &err), AP_EFORMAT);
	has(err.msg.buf, "'device_0/host_start.log.0': line 2: clock_monotonic_raw is not a decimal number");
	ap_err_release(&err);
	ap_cann_meta_release(&m);
	rmtmp();
}
END_TEST

START_TEST(test_platform_versions)
{
	struct ap_cann_info in;
	struct ap_err err = AP_ERR_INIT;
	static const char j9[] = "{\"platform_version\": \"9\"}";
	static const char jbad[] = "{\"platform_version\": \"2dd\"}";
	static const char jint[] = "{\"platform_version\": 15, \"rank_id\": 3}";
	char buf[64];

	ck_assert_str_eq(ap_cann_chip_name(5), "Ascend910B");
	ck_assert_str_eq(ap_cann_chip_name(1), "Ascend910A");
	ck_assert_str_eq(ap_cann_chip_name(0), "Ascend310");
	ck_assert_str_eq(ap_cann_chip_name(4), "Ascend310P");
	ck_assert_str_eq(ap_cann_chip_name(7), "Ascend310B");
	ck_assert_str_eq(ap_cann_chip_name(15), "Ascend950");
	ck_assert_int_eq(ap_cann_chip_logs(1), AP_CANN_LOGS_HWTS);
	ck_assert_int_eq(ap_cann_chip_logs(15), AP_CANN_LOGS_STARS_V6);
	ck_assert_int_eq(ap_cann_parse_info(j9, sizeof(j9) - 1, "info.json", &in, &err), 0);
	ck_assert_int_eq(in.platform_version, 9);
	ck_assert_ptr_null(ap_cann_chip_name(in.platform_version));
	ck_assert_int_eq(ap_cann_chip_logs(in.platform_version), AP_CANN_LOGS_UNKNOWN);
	ck_assert_str_eq(ap_cann_chip_describe(&in, buf, sizeof(buf)), "platform_version '9'");
	ck_assert_int_eq(ap_cann_parse_info(jbad, sizeof(jbad) - 1, "info.json", &in, &err), 0);
	ck_assert_int_eq(in.platform_version, -1);
	ck_assert_str_eq(in.platform_str, "2dd");
	ck_assert_int_eq(ap_cann_chip_logs(in.platform_version), AP_CANN_LOGS_UNKNOWN);
	ck_assert_int_eq(ap_cann_parse_info(jint, sizeof(jint) - 1, "info.json", &in, &err), 0);
	ck_assert_int_eq(in.platform_version, 15);
	ck_assert_str_eq(in.platform_str, "15");
	ck_assert_str_eq(ap_cann_chip_describe(&in, buf, sizeof(buf)), "Ascend950 (platform_version 15)");
	ck_assert_int_eq(in.rank_id, 3);
	ap_err_release(&err);
}
END_TEST

/* --- the real side files of the samples, read in place -------------------------------- */

static const char *samples_dir(void)
{
	return getenv("AP_SAMPLES_DIR");
}

static int sample_path(char *out, size_t cap, const char *rel)
{
	const char *s = samples_dir();

	if (!s)
		return -1;
	snprintf(out, cap, "%s/%s", s, rel);
	return access(out, R_OK) == 0 ? 0 : -1;
}

#define VLLM_PROF "vllm-project_vllm-ascend/.tmp_remote_patch/prof_unpack/PROF_GROUP_20260823_165254/PROF_PipeUtilization/PROF_000001_20260823165326062_00625538CIGQAHCJ"

START_TEST(test_samples)
{
	char dev[1024], host[1024], msc[1024];
	struct ap_cann_meta m;
	struct ap_cann_clock c;
	struct ap_err err = AP_ERR_INIT;

	if (sample_path(dev, sizeof(dev), VLLM_PROF "/device_0") < 0 ||
	    sample_path(host, sizeof(host), VLLM_PROF "/host") < 0 ||
	    sample_path(msc, sizeof(msc), "Ascend_msprof/test/msprof_python/ut/testcase/msconfig") < 0)
		return; /* main() turns an absent samples dir into exit 77 */
	ck_assert_int_eq(ap_cann_meta_load(&m, dev, "device_0", 0, &err), 0);
	ck_assert_int_eq(m.info.platform_version, 5);
	ck_assert_str_eq(ap_cann_chip_name(m.info.platform_version), "Ascend910B");
	ck_assert_int_eq(m.info.pid, 625538);
	ck_assert_int_eq(m.info.rank_id, -1);
	ck_assert_int_eq(m.info.ai_core_num, 20);
	ck_assert_int_eq(m.info.aiv_num, 40);
	ck_assert_str_eq(m.info.hostname, "localhost.localdomain");
	ck_assert_str_eq(m.sample.prof_level, "level1");
	ck_assert_int_eq(ap_cann_clock_device(&c, &m, &err), 0);
	ck_assert(c.freq_mhz == 49.999001);
	ck_assert_uint_eq(c.ref_cnt, 44350813175541ull);
	ck_assert_uint_eq(c.ref_mono, 886787998142270ull);
	ck_assert_int_eq(c.local_diff, 1787504006800668000ll - 886787997440520ll);
	ck_assert_int_eq(ap_cann_clock_local(&c, 44350813175541ull + 12345678901ull),
			 1787504253719881201ll);
	ap_cann_meta_release(&m);
	/* the sample's host dir has no host_start.log: with Frequency 100 no host clock */
	ck_assert_int_eq(ap_cann_meta_load(&m, host, "host", -1, &err), 0);
	ck_assert_int_eq(m.state[AP_CANN_MF_HOST_START], AP_CANN_FILE_ABSENT);
	ck_assert_int_eq(ap_cann_clock_host(&c, &m, &err), AP_ENOTFOUND);
	has(err.msg.buf, "'host/host_start.log' is missing");
	ap_err_release(&err);
	ap_cann_meta_release(&m);
	/* msprof's own test side files ("[Host]" section, platform 0, hwts 100) */
	ck_assert_int_eq(ap_cann_meta_load(&m, msc, "msconfig", -1, &err), 0);
	ck_assert_int_eq(m.state[AP_CANN_MF_HOST_START], AP_CANN_FILE_OK);
	ck_assert_int_eq(m.info.platform_version, 0);
	ck_assert(m.info.hwts_freq_mhz == 100.0);
	ck_assert_int_eq(ap_cann_clock_host(&c, &m, &err), 0);
	ck_assert_int_eq(c.local_diff, 1659098679447393000ll - 876117208663770ll);
	ck_assert_int_eq(ap_cann_clock_mono(&c, 100), 1000);
	ap_cann_meta_release(&m);
	ap_err_release(&err);
}
END_TEST

static Suite *cann_dev_suite(void)
{
	Suite *s = suite_create("cann_dev");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_test(tc, test_acsq_fixture);
	tcase_add_test(tc, test_ffts_fixture);
	tcase_add_test(tc, test_track_fixture);
	tcase_add_test(tc, test_hwts_fixture);
	tcase_add_test(tc, test_ids_every_branch);
	tcase_add_test(tc, test_set_expand);
	tcase_add_test(tc, test_type_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_test(tc, test_load_one_slice);
	tcase_add_test(tc, test_load_straddle);
	tcase_add_test(tc, test_load_front_remainder);
	tcase_add_test(tc, test_load_bad_magic_unknown_func);
	tcase_add_test(tc, test_load_track_hwts);
	tcase_add_test(tc, test_load_unsupported_chips);
	tcase_add_test(tc, test_load_dir);
	suite_add_tcase(s, tc);
	tc = tcase_create("pair");
	tcase_add_test(tc, test_pair_equal_counts);
	tcase_add_test(tc, test_pair_greedy);
	tcase_add_test(tc, test_pair_batch_calibration);
	tcase_add_test(tc, test_pair_batches_several_flips);
	tcase_add_test(tc, test_pair_ffts_contexts);
	suite_add_tcase(s, tc);
	tc = tcase_create("clock");
	tcase_add_test(tc, test_clock_device_context_utest);
	tcase_add_test(tc, test_clock_frequency_not_dividing_1000);
	tcase_add_test(tc, test_clock_host_ticks);
	tcase_add_test(tc, test_clock_device_cntvct_diff);
	tcase_add_test(tc, test_round6_matches_printf);
	tcase_add_test(tc, test_clock_far_from_reference);
	tcase_add_test(tc, test_meta_bad_side_files);
	tcase_add_test(tc, test_platform_versions);
	suite_add_tcase(s, tc);
	tc = tcase_create("samples");
	tcase_add_test(tc, test_samples);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	fixtures_dir = argc > 1 ? argv[1] : getenv("AP_FIXTURES_DIR");
	if (!fixtures_dir)
		fixtures_dir = ".";
	/* AP_SAMPLES_ONLY: the "samples" case alone, skipped (77) when the samples are absent */
	if (getenv("AP_SAMPLES_ONLY")) {
		char p[1024];

		if (sample_path(p, sizeof(p), VLLM_PROF "/device_0/info.json.0") < 0 ||
		    sample_path(p, sizeof(p), "Ascend_msprof/test/msprof_python/ut/testcase/msconfig/info.json") < 0)
			return 77;
		setenv("CK_RUN_CASE", "samples", 1);
	}
	sr = srunner_create(cann_dev_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
