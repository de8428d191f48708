/* device_N/data of a PROF_* dir -> device model (spec cann_prof_raw.md §1.4, §3). The slices
 * of each file kind, "{name}.{dev}.slice_{M}", are sorted by M and read as ONE byte stream
 * (upstream parser.cpp ReadDataEntry): records may straddle slice boundaries, and a size
 * remainder is skipped at the FRONT of the stream, where ageing or truncation removed bytes.
 * Files are read through a 1 MiB window; records are decoded in place, never copied except
 * the one that straddles two slices. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ap/cann_dev_load.h"
#include "ap/cann_meta.h"
#include "ap/cursor.h"
#include "ap/checked.h"
#include "ap/file.h"
#include "ap/log.h"
#include "ap/strlist.h"
#include "ap/window.h"
#include "../../base/banned.h"

#define WINDOW ((size_t)1 << 20)

/* File kinds, each its own stream; the AIV files of §1.5 hold the same records as their
 * AI Core counterparts. (Upstream's C++ parser globs "ts_track." and so sorts both kinds into
 * one stream by slice number; kept apart here, the records are the same and pairing sorts by
 * time, so only a size remainder would be placed differently.) */
enum kind { K_STARS, K_TRACK, K_TRACK_AIV, K_HWTS, K_HWTS_AIV, K_FFTS_PROFILE, K_COUNT };
enum decoder { D_STARS, D_TRACK, D_HWTS, D_FFTS_PROFILE };

static const struct {
	const char *stem;
	size_t rec;
	enum decoder dec;
} kinds[K_COUNT] = {
	[K_STARS] = { "stars_soc.data", AP_CANN_STARS_SIZE, D_STARS },
	[K_TRACK] = { "ts_track.data", AP_CANN_TRACK_SIZE, D_TRACK },
	[K_TRACK_AIV] = { "ts_track.aiv_data", AP_CANN_TRACK_SIZE, D_TRACK },
	[K_HWTS] = { "hwts.data", AP_CANN_HWTS_SIZE, D_HWTS },
	[K_HWTS_AIV] = { "hwts.aiv_data", AP_CANN_HWTS_SIZE, D_HWTS },
	[K_FFTS_PROFILE] = { "ffts_profile.data", AP_CANN_FFTS_PROFILE_SIZE, D_FFTS_PROFILE },
};

/* STARS funcTypes of §3.1.1 that are known but not task logs: counted and skipped quietly. */
static int stars_known_other(unsigned f)
{
	return (f >= 22 && f <= 29) || f == 36 || f == 37 || f == 40 || f == 41;
}

struct slice {
	const char *name;      /* borrowed: the listing's or the caller's */
	uint64_t num;          /* M of slice_M */
	uint64_t size;         /* bytes at listing time: what is read */
	const uint8_t *data;   /* in-memory slices */
	int kind;
};

/* The state of one stream's decode. */
struct dload {
	struct ap_cann_dev *d;
	struct ap_diag *diag;
	const char *shown;
	int kind;
	int oom;
	/* the first record of a kind that needs a message, its count after it */
	uint64_t bad_magic;
	uint64_t other[64];    /* unknown funcTypes / log types by number */
	/* the record that straddles two slices */
	uint8_t carry[AP_CANN_FFTS_PROFILE_SIZE];
	size_t carry_len;
	uint64_t carry_off;
	const char *carry_name;
};

static void report_first(struct dload *L, enum ap_diag_kind dk, const char *key,
			 const char *name, uint64_t off, const char *what)
{
	ap_diag_report(L->diag, dk, key, "'%s/%s': offset %llu: %s", L->shown, name,
		       (unsigned long long)off, what);
}

static void bad_magic(struct dload *L, const uint8_t *p, const char *name, uint64_t off)
{
	char key[64], what[128];

	if (L->bad_magic++)
		return;
	snprintf(key, sizeof(key), "cann-magic:%s", kinds[L->kind].stem);
	snprintf(what, sizeof(what),
		 "bad magic 0x%04x (expected 0x%04x): %zu-byte record skipped (data loss)",
		 ap_le16(p + 2), AP_CANN_DEV_MAGIC, kinds[L->kind].rec);
	report_first(L, AP_DIAG_DATA_LOSS, key, name, off, what);
}

static void unknown(struct dload *L, unsigned n, const char *name, uint64_t off)
{
	static const char *const what_of[] = {
		[D_STARS] = "STARS funcType", [D_TRACK] = "TS track funcType",
		[D_HWTS] = "HWTS log type", [D_FFTS_PROFILE] = "ffts_profile funcType",
	};
	char key[64], what[128];

	if (L->other[n & 63]++)
		return;
	snprintf(key, sizeof(key), "cann-type:%s:%u", kinds[L->kind].stem, n);
	snprintf(what, sizeof(what), "unknown %s %u: records of this kind skipped",
		 what_of[kinds[L->kind].dec],
		 n);
	report_first(L, AP_DIAG_WARN, key, name, off, what);
}

static struct ap_cann_log *log_slot(struct dload *L)
{
	struct ap_cann_dev *d = L->d;

	if (d->logs.n == d->logs.cap && ap_vec_reserve(&d->logs, d->logs.n / 2 + 64) < 0) {
		L->oom = 1;
		return NULL;
	}
	return &d->logs.v[d->logs.n];
}

/* n whole records at p, the first at file offset off of slice name. */
static void run_stars(struct dload *L, const uint8_t *p, size_t n, const char *name, uint64_t off)
{
	struct ap_cann_dev *d = L->d;
	size_t i;

	for (i = 0; i < n && !L->oom; i++, p += AP_CANN_STARS_SIZE) {
		struct ap_cann_log *l = log_slot(L);
		unsigned f;

		if (!l)
			break;
		switch (ap_cann_stars_decode(p, l, &f)) {
		case AP_CANN_REC_LOG:
			if (d->expand)
				ap_cann_ids_decode((uint16_t)l->stream_raw, l->task_raw, l->sqe_type,
						   1, &l->stream, &l->task);
			d->logs.n++;
			break;
		case AP_CANN_REC_BAD_MAGIC:
			bad_magic(L, p, name, off + i * AP_CANN_STARS_SIZE);
			break;
		default:
			d->stars_other[f]++;
			if (!stars_known_other(f))
				unknown(L, f, name, off + i * AP_CANN_STARS_SIZE);
			break;
		}
	}
}

static void run_hwts(struct dload *L, const uint8_t *p, size_t n, const char *name, uint64_t off)
{
	size_t i;

	for (i = 0; i < n && !L->oom; i++, p += AP_CANN_HWTS_SIZE) {
		struct ap_cann_log *l = log_slot(L);
		unsigned t;

		if (!l)
			break;
		switch (ap_cann_hwts_decode(p, l, &t)) {
		case AP_CANN_REC_LOG:
			L->d->logs.n++;
			break;
		case AP_CANN_REC_BAD_MAGIC:
			bad_magic(L, p, name, off + i * AP_CANN_HWTS_SIZE);
			break;
		default:
			if (t > 3) /* 2/3: core-level logs and warnings (§3.3) */
				unknown(L, t, name, off + i * AP_CANN_HWTS_SIZE);
			break;
		}
	}
}

static void run_track(struct dload *L, const uint8_t *p, size_t n, const char *name, uint64_t off)
{
	struct ap_cann_dev *d = L->d;
	struct ap_cann_ts_rec t;
	size_t i;

	for (i = 0; i < n && !L->oom; i++, p += AP_CANN_TRACK_SIZE) {
		if (ap_cann_ts_decode(p, &t) != 0) {
			d->track.other++;
			unknown(L, t.func & 63, name, off + i * AP_CANN_TRACK_SIZE);
			continue;
		}
		switch (t.func) {
		case AP_CANN_TRACK_FLIP: {
			struct ap_cann_flip *f = ap_vec_push(&d->flips);

			if (!f) {
				L->oom = 1;
				break;
			}
			f->syscnt = t.syscnt;
			f->stream = t.stream;
			f->flip_num = t.u.flip.flip_num;
			f->task = t.task;
			break;
		}
		case AP_CANN_TRACK_STEP: {
			struct ap_cann_step *s = ap_vec_push(&d->steps);

			if (!s) {
				L->oom = 1;
				break;
			}
			s->syscnt = t.syscnt;
			s->index_id = t.u.step.index_id;
			s->model_id = t.u.step.model_id;
			s->stream = t.stream;
			s->task = t.task;
			s->tag = t.u.step.tag;
			break;
		}
		case AP_CANN_TRACK_TASK_TYPE: d->track.task_type++; break;
		case AP_CANN_TRACK_MEMCPY: d->track.memcpy++; break;
		case AP_CANN_TRACK_BLOCK_NUM: d->track.block_num++; break;
		default: d->track.timeline++; break;
		}
	}
}

static void run_ffts_profile(struct dload *L, const uint8_t *p, size_t n, const char *name,
			     uint64_t off)
{
	size_t i;

	for (i = 0; i < n; i++, p += AP_CANN_FFTS_PROFILE_SIZE) {
		unsigned f = ap_le16(p) & 0x3Fu;

		if (ap_le16(p + 2) != AP_CANN_DEV_MAGIC)
			bad_magic(L, p, name, off + i * AP_CANN_FFTS_PROFILE_SIZE);
		else if (f == 40 || f == 41) /* context / block PMU (§3.4): framed, skipped */
			L->d->ffts_profile_records++;
		else
			unknown(L, f, name, off + i * AP_CANN_FFTS_PROFILE_SIZE);
	}
}

static void run(struct dload *L, const uint8_t *p, size_t n, const char *name, uint64_t off)
{
	switch (kinds[L->kind].dec) {
	case D_STARS: run_stars(L, p, n, name, off); break;
	case D_HWTS: run_hwts(L, p, n, name, off); break;
	case D_TRACK: run_track(L, p, n, name, off); break;
	default: run_ffts_profile(L, p, n, name, off); break;
	}
}

/* A chunk of the stream: bytes [off, off + n) of slice name. Completes a carried record,
 * decodes the whole records, carries the tail. */
static void feed(struct dload *L, const uint8_t *p, size_t n, const char *name, uint64_t off)
{
	size_t rec = kinds[L->kind].rec, whole;

	if (L->carry_len) {
		size_t take = rec - L->carry_len;

		if (take > n)
			take = n;
		memcpy(L->carry + L->carry_len, p, take);
		L->carry_len += take;
		p += take;
		n -= take;
		off += take;
		if (L->carry_len < rec)
			return;
		run(L, L->carry, 1, L->carry_name, L->carry_off);
		L->carry_len = 0;
	}
	whole = n / rec;
	run(L, p, whole, name, off);
	p += whole * rec;
	off += whole * rec;
	n -= whole * rec;
	if (n) {
		memcpy(L->carry, p, n);
		L->carry_len = n;
		L->carry_off = off;
		L->carry_name = name;
	}
}

/* The end of one stream: the counts behind the first reports, and a record left cut. */
static void finish(struct dload *L)
{
	char key[64];
	unsigned i;

	if (L->carry_len) {
		char what[160];

		snprintf(key, sizeof(key), "cann-cut:%s", kinds[L->kind].stem);
		snprintf(what, sizeof(what),
			 "record cut off: %zu of %zu bytes; skipped (data loss)", L->carry_len,
			 kinds[L->kind].rec);
		report_first(L, AP_DIAG_DATA_LOSS, key, L->carry_name, L->carry_off, what);
		L->d->bytes_lost += L->carry_len;
		L->carry_len = 0;
	}
	if (L->bad_magic > 1) {
		snprintf(key, sizeof(key), "cann-magic:%s", kinds[L->kind].stem);
		ap_diag_add(L->diag, AP_DIAG_DATA_LOSS, key, (unsigned long)(L->bad_magic - 1));
	}
	L->d->bytes_lost += L->bad_magic * kinds[L->kind].rec;
	for (i = 0; i < 64; i++) {
		if (L->other[i] > 1) {
			snprintf(key, sizeof(key), "cann-type:%s:%u", kinds[L->kind].stem, i);
			ap_diag_add(L->diag, AP_DIAG_WARN, key, (unsigned long)(L->other[i] - 1));
		}
	}
}

/* --- slice names -------------------------------------------------------------------- */

static int parse_digits(const char **s, uint64_t *out)
{
	uint64_t v = 0;
	int any = 0;

	for (; isdigit((unsigned char)**s); (*s)++, any = 1) {
		unsigned dg = (unsigned)(**s - '0');

		if (v > (UINT64_MAX - dg) / 10)
			return -1;
		v = v * 10 + dg;
	}
	*out = v;
	return any ? 0 : -1;
}

/* "{stem}.{dev}.slice_{M}" exactly (a ".done" or other suffix is no slice): its kind, or -1. */
static int slice_kind(const char *name, int device_id, uint64_t *num)
{
	int k;

	for (k = 0; k < K_COUNT; k++) {
		size_t n = strlen(kinds[k].stem);
		const char *s = name + n;
		uint64_t dev;

		if (strncmp(name, kinds[k].stem, n) || *s++ != '.')
			continue;
		if (parse_digits(&s, &dev) < 0 || strncmp(s, ".slice_", 7))
			return -1;
		s += 7;
		if (parse_digits(&s, num) < 0 || *s)
			return -1;
		/* another device's slices in this dir are not this device's data */
		if (device_id >= 0 && dev != (uint64_t)device_id)
			return -1;
		return k;
	}
	return -1;
}

static int cmp_slice(const void *a, const void *b)
{
	const struct slice *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* --- streams ------------------------------------------------------------------------ */

/* The stream stops at slice name after `done` of its `size` bytes. */
static void stream_shrank(struct dload *L, const char *name, uint64_t done, uint64_t size)
{
	char key[64];

	snprintf(key, sizeof(key), "cann-stream:%s", kinds[L->kind].stem);
	ap_diag_report(L->diag, AP_DIAG_DATA_LOSS, key,
		       "'%s/%s': offset %llu: file shrank while read (%llu bytes listed); the rest of the %s stream is skipped (data loss)",
		       L->shown, name, (unsigned long long)done, (unsigned long long)size,
		       kinds[L->kind].stem);
}

/* Reads slice s from off to s->size through w, feeding the stream. Returns 0, 1 when the
 * stream must stop here (reported), or AP_ENOMEM. */
static int read_file_slice(struct dload *L, const struct slice *s, const char *dir,
			   uint64_t off, struct ap_window *w)
{
	struct ap_err e = AP_ERR_INIT;
	char *path = ap_path_join(dir, s->name);
	uint64_t done = 0;
	size_t consume = 0;
	int ret = 0;

	if (!path)
		return AP_ENOMEM;
	if (ap_window_open(w, path, WINDOW, &e) < 0) {
		ret = e.code == AP_ENOMEM ? AP_ENOMEM : 1;
		if (ret == 1)
			ap_diag_report(L->diag, AP_DIAG_DATA_LOSS, "cann-read",
				       "'%s/%s': %s; the rest of the %s stream is skipped", L->shown,
				       s->name, ap_err_text(&e), kinds[L->kind].stem);
		goto out;
	}
	for (;;) {
		uint64_t start;
		size_t n, skip = 0;

		if (ap_window_fill(w, consume, w->cap, &e) < 0) {
			ret = e.code == AP_ENOMEM ? AP_ENOMEM : 1;
			if (ret == 1)
				ap_diag_report(L->diag, AP_DIAG_DATA_LOSS, "cann-read",
					       "'%s/%s': %s; the rest of the %s stream is skipped",
					       L->shown, s->name, ap_err_text(&e), kinds[L->kind].stem);
			goto out;
		}
		start = w->off;
		if (!w->len || start >= s->size)
			break;
		n = s->size - start < w->len ? (size_t)(s->size - start) : w->len;
		if (start < off)
			skip = off - start < n ? (size_t)(off - start) : n;
		feed(L, w->buf + skip, n - skip, s->name, start + skip);
		if (L->oom) {
			ret = AP_ENOMEM;
			goto out;
		}
		done = start + n;
		consume = w->len;
		if (done >= s->size || w->eof)
			break;
	}
	if (done < s->size) {
		/* the collector was still writing, or the file was cut while read */
		stream_shrank(L, s->name, done, s->size);
		ret = 1;
	}
out:
	ap_window_close_file(w);
	ap_err_release(&e);
	free(path);
	return ret;
}

/* One kind's slices s[0..n) in order as one stream. dir NULL: in-memory slices. */
static int load_stream(struct dload *L, const struct slice *s, size_t n, const char *dir,
		       struct ap_window *w)
{
	size_t rec = kinds[L->kind].rec, i;
	uint64_t total = 0, skip;
	int r = 0;

	for (i = 0; i < n; i++)
		total += s[i].size; /* listing sizes: each < 2^63, at most a few thousand */
	skip = total % rec;
	if (skip) {
		char what[200];

		snprintf(what, sizeof(what),
			 "the %s stream holds %llu bytes, not a whole number of %zu-byte records: %llu bytes skipped at its front (data loss)",
			 kinds[L->kind].stem, (unsigned long long)total, rec,
			 (unsigned long long)skip);
		report_first(L, AP_DIAG_DATA_LOSS, "cann-front", s[0].name, 0, what);
		L->d->bytes_lost += skip;
	}
	if ((kinds[L->kind].dec == D_STARS || kinds[L->kind].dec == D_HWTS) &&
	    total / rec <= SIZE_MAX / 2 && ap_vec_reserve(&L->d->logs, (size_t)(total / rec)) < 0)
		return AP_ENOMEM;
	for (i = 0; i < n && r == 0; i++) {
		uint64_t off = 0;

		if (skip >= s[i].size) {
			skip -= s[i].size;
			continue;
		}
		off = skip;
		skip = 0;
		if (!dir) {
			feed(L, s[i].data + off, (size_t)(s[i].size - off), s[i].name, off);
			r = L->oom ? AP_ENOMEM : 0;
		} else {
			r = read_file_slice(L, &s[i], dir, off, w);
		}
	}
	if (r == 1) /* the stream stopped: what it carried is no cut record of the file */
		L->carry_len = 0;
	finish(L);
	return r < 0 ? r : 0;
}

static int load_slices(struct ap_cann_dev *d, struct slice *s, size_t n, const char *dir,
		       int logs_kind, const struct ap_cann_dev_opts *opts, struct ap_diag *diag,
		       struct ap_err *err)
{
	struct ap_window w;
	struct dload *L;
	size_t i, j;
	int ret = 0, unsupported = 0;

	qsort(s, n, sizeof(*s), cmp_slice);
	L = malloc(sizeof(*L));
	if (!L)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	ap_window_init(&w);
	d->expand = opts && opts->expand;
	for (i = 0; i < n && ret == 0; i = j) {
		for (j = i; j < n && s[j].kind == s[i].kind; j++)
			;
		if (s[i].kind == K_STARS &&
		    (logs_kind == AP_CANN_LOGS_STARS_V6 || logs_kind == AP_CANN_LOGS_UNKNOWN)) {
			unsupported = 1;
			continue;
		}
		memset(L, 0, sizeof(*L));
		L->d = d;
		L->diag = diag;
		L->shown = opts && opts->shown ? opts->shown : "data";
		L->kind = s[i].kind;
		ret = load_stream(L, s + i, j - i, dir, &w);
		if (ret == AP_ENOMEM)
			ret = ap_err_set(err, AP_ENOMEM, "out of memory decoding '%s/%s'", L->shown,
					 s[i].name);
	}
	ap_window_close(&w);
	free(L);
	if (ret == 0 && unsupported) {
		const char *chip = opts && opts->chip ? opts->chip : "this chip";

		ret = ap_err_set(err, AP_EUNSUPPORTED,
				 logs_kind == AP_CANN_LOGS_STARS_V6
					 ? "'%s/stars_soc.data': %s writes 32-byte STARS records, which are not supported; its task logs are not decoded"
					 : "'%s/stars_soc.data': %s is not a chip the spec covers; its STARS records are not decoded",
				 opts && opts->shown ? opts->shown : "data", chip);
	}
	return ret;
}

int ap_cann_dev_load(struct ap_cann_dev *d, const char *data_dir, int logs_kind,
		     const struct ap_cann_dev_opts *opts, struct ap_diag *diag, struct ap_err *err)
{
	struct ap_strlist l = { 0 };
	struct slice *s = NULL;
	size_t i, n = 0;
	int ret;

	ret = ap_dir_list(data_dir, &l, err);
	if (ret < 0)
		goto out;
	s = calloc(l.n ? l.n : 1, sizeof(*s));
	if (!s) {
		ret = ap_err_set(err, AP_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		struct stat st;
		char *path;
		uint64_t num;
		int k = slice_kind(l.v[i], d->device_id, &num);

		if (k < 0)
			continue;
		path = ap_path_join(data_dir, l.v[i]);
		if (!path) {
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
			goto out;
		}
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-read",
				       "'%s/%s': not a readable regular file; skipped",
				       opts && opts->shown ? opts->shown : "data", l.v[i]);
			free(path);
			continue;
		}
		free(path);
		s[n].name = l.v[i];
		s[n].num = num;
		s[n].size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
		s[n].kind = k;
		n++;
	}
	ret = load_slices(d, s, n, data_dir, logs_kind, opts, diag, err);
out:
	free(s);
	ap_strlist_release(&l);
	return ret;
}

int ap_cann_dev_load_mem(struct ap_cann_dev *d, size_t n, const char *const *names,
			 const uint8_t *const *data, const size_t *len, int logs_kind,
			 const struct ap_cann_dev_opts *opts, struct ap_diag *diag,
			 struct ap_err *err)
{
	struct slice *s = calloc(n ? n : 1, sizeof(*s));
	size_t i, m = 0;
	int ret;

	if (!s)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		uint64_t num;
		int k = slice_kind(names[i], d->device_id, &num);

		if (k < 0)
			continue;
		s[m].name = names[i];
		s[m].num = num;
		s[m].size = len[i];
		s[m].data = data[i];
		s[m].kind = k;
		m++;
	}
	ret = load_slices(d, s, m, NULL, logs_kind, opts, diag, err);
	free(s);
	return ret;
}
