/* PROF_x/host/data/ -> host model (spec cann_prof_raw.md §1.4-§2): slice discovery and reading
 * order, fixed-size record reading (size, magic, cut tail), the per-file reports, and
 * ap_cann_host_load. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/cann_host_load.h"
#include "ap/cursor.h"
#include "ap/file.h"
#include "ap/strlist.h"
#include "cann_local.h"
#include "../../base/banned.h"

/* Files are read through a window this large (a multiple of every record size). */
#define WINDOW ((size_t)1 << 20)

/* Companion and marker files that are never data (§1.4). */
static const char *const skip_suffix[] = { ".done", ".complete", ".zip" };

struct stem_kind {
	const char *stem;
	enum ap_cann__kind kind;
};

/* Compact type names (§1.5, §2.1, §2.4). */
static const struct stem_kind compact_stems[] = {
	{ "task_track", AP_CANN_K_TRACK },              /* runtime 802, §2.4.3 */
	{ "task_track_v2", AP_CANN_K_TRACK_V2 },        /* runtime 808, §2.4.3 */
	{ "node_basic_info", AP_CANN_K_NODE },          /* node 0, §2.4.1 */
	{ "node_attr_info", AP_CANN_K_ATTR },           /* node 9, §2.4.2 */
	{ "hccl_op_info", AP_CANN_K_HCCL_OP },          /* node 10, §2.4.4 */
	{ "memcpy_info", AP_CANN_K_MEMCPY },            /* runtime 801, §2.4.5 */
	{ "capture_stream_info", AP_CANN_K_CAPTURE },   /* runtime 803, §2.4.5 */
	{ "expand_stream_spec", AP_CANN_K_EXPAND },     /* runtime 804, §2.4.5 */
	{ "dpu_track", AP_CANN_K_SKIP },                /* runtime 806, §2.4.5 */
	{ "stream_sq_info", AP_CANN_K_SKIP },           /* runtime 807, §2.1 */
	{ "capture_stream_info_v2", AP_CANN_K_SKIP },   /* runtime 809, §2.1 */
	{ "memcpy_ext_info", AP_CANN_K_SKIP },          /* runtime 810, §2.1, §2.4.5 */
	{ "memset_info", AP_CANN_K_SKIP },              /* runtime 811, §2.1 */
	{ "memmng_info", AP_CANN_K_SKIP },              /* runtime 812, §2.1 */
};

/* Additional type names (§1.5, §2.5, §2.6). */
static const struct stem_kind additional_stems[] = {
	{ "hash_dic", AP_CANN_K_HASH_DIC },             /* §2.6.1 */
	{ "type_info_dic", AP_CANN_K_TYPE_DIC },        /* §2.6.2 */
	{ "tensor_info", AP_CANN_K_TENSOR },            /* node 1, §2.5.1 */
	{ "context_id_info", AP_CANN_K_CTX },           /* node/hccl 4, §2.5.2 */
	{ "hccl_info", AP_CANN_K_HCCL_INFO },           /* hccl, §2.5.3 */
	{ "graph_id_map", AP_CANN_K_GRAPH },            /* model 0, §2.5.3 */
	{ "fusion_op_info", AP_CANN_K_FUSION },         /* node 2, §2.5.3 */
	{ "task_memory_info", AP_CANN_K_SKIP },         /* §1.5, §2.5.3 */
	{ "memory_application", AP_CANN_K_SKIP },       /* §1.5 */
	{ "static_op_mem", AP_CANN_K_SKIP },            /* §1.5 */
	{ "Multi_Thread", AP_CANN_K_SKIP },             /* §1.5, §2.5.3 */
	{ "logic_stream_info", AP_CANN_K_SKIP },        /* §1.5 */
	{ "capture_op_info", AP_CANN_K_SKIP },          /* §1.5, §2.5.3 */
	{ "mc2_comm_info", AP_CANN_K_SKIP },            /* §1.5 */
	{ "msproftx", AP_CANN_K_SKIP },                 /* §1.5 */
	{ "dpu_hccl_info", AP_CANN_K_SKIP },            /* §1.5 */
	{ "data_format_dic", AP_CANN_K_SKIP },          /* §1.5: formats of variable records */
};
#define CCU_PREFIX "ccu_"                           /* ccu_* additional files, §1.5 */

struct slice {
	const char *name;       /* borrowed from the directory listing */
	const char *stem;       /* inside name */
	size_t stem_len;
	enum ap_cann__kind kind;
	int fam;                /* enum ap_cann_family, or -1: an unknown family */
	int aging;
	uint32_t num;           /* slice number */
	uint64_t size;
};

/* ------------------------------------------------------------------ shared helpers */

int ap_cann__oom(struct ap_cann__loader *l, const char *fmt, ...)
{
	va_list ap;

	if (!l->oom_what[0]) {
		va_start(ap, fmt);
		vsnprintf(l->oom_what, sizeof(l->oom_what), fmt, ap);
		va_end(ap);
	}
	return AP_ENOMEM;
}

struct ap_err *ap_cann__rec_err(struct ap_cann__loader *l)
{
	return l->bad_rec.n ? NULL : &l->rec_err;
}

void ap_cann__bad_record(struct ap_cann__loader *l, const struct ap_err *e)
{
	(void)e; /* l->rec_err holds the first one's reason */
	if (!l->bad_rec.n++) {
		l->bad_rec.fidx = l->fidx;
		l->bad_rec.off = l->rec_off;
	}
	l->h->files.v[l->fidx].skipped++;
}

static size_t record_size(int fam)
{
	switch (fam) {
	case AP_CANN_FAM_API:
		return AP_CANN_API_SIZE;
	case AP_CANN_FAM_COMPACT:
		return AP_CANN_COMPACT_SIZE;
	case AP_CANN_FAM_ADDITIONAL:
		return AP_CANN_ADDITIONAL_SIZE;
	default:
		return 0;
	}
}

/* Reports n occurrences of (kind, key) with one formatted message. */
static void report_n(struct ap_cann__loader *l, enum ap_diag_kind kind, const char *tag,
		     unsigned long n, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report_n(struct ap_cann__loader *l, enum ap_diag_kind kind, const char *tag,
		     unsigned long n, const char *fmt, ...)
{
	char key[64], msg[1024];
	va_list ap;

	if (!n)
		return;
	snprintf(key, sizeof(key), "%s:%s", tag, l->file);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ap_diag_report(l->diag, kind, key, "'%s/%s': %s", l->where, l->file, msg);
	ap_diag_add(l->diag, kind, key, n - 1);
}

void ap_cann__finish_file(struct ap_cann__loader *l)
{
	size_t sz = record_size(l->h->files.v[l->fidx].family);
	struct ap_cann__count *c;

	c = &l->bad_magic;
	report_n(l, AP_DIAG_DATA_LOSS, "magic", c->n,
		 "offset %llu: magic 0x%04llx, not 0x%04X: %lu record%s with a bad magic; %llu bytes skipped",
		 (unsigned long long)c->off, (unsigned long long)c->val, AP_CANN_MAGIC, c->n,
		 c->n == 1 ? "" : "s", (unsigned long long)c->n * sz);
	c = &l->bad_rec;
	report_n(l, AP_DIAG_DATA_LOSS, "record", c->n,
		 "record at offset %llu: %s; %lu corrupt record%s skipped (%llu bytes)",
		 (unsigned long long)c->off, ap_err_text(&l->rec_err), c->n, c->n == 1 ? "" : "s",
		 (unsigned long long)c->n * sz);
	c = &l->track_len;
	report_n(l, AP_DIAG_WARN, "datalen", c->n,
		 "offset %llu: task_track dataLen %llu is none of 16, 24, 40 (%lu records, decoded by the fields it covers)",
		 (unsigned long long)c->off, (unsigned long long)c->val, c->n);
	c = &l->bad_line;
	report_n(l, AP_DIAG_DATA_LOSS, "line", c->n,
		 "offset %llu: %lu malformed dictionary line%s (no ':' or no valid id) skipped",
		 (unsigned long long)c->off, c->n, c->n == 1 ? "" : "s");
	c = &l->bad_utf8;
	report_n(l, AP_DIAG_WARN, "utf8", c->n,
		 "offset %llu: %lu string%s of invalid UTF-8 (kept as N/A)",
		 (unsigned long long)c->off, c->n, c->n == 1 ? "" : "s");
	c = &l->no_newline;
	report_n(l, AP_DIAG_WARN, "newline", c->n,
		 "offset %llu: the last line has no newline (kept; the file may be cut)",
		 (unsigned long long)c->off);
	memset(&l->bad_magic, 0, sizeof(l->bad_magic));
	memset(&l->bad_rec, 0, sizeof(l->bad_rec));
	memset(&l->track_len, 0, sizeof(l->track_len));
	memset(&l->bad_line, 0, sizeof(l->bad_line));
	memset(&l->bad_utf8, 0, sizeof(l->bad_utf8));
	memset(&l->no_newline, 0, sizeof(l->no_newline));
	ap_err_release(&l->rec_err);
}

/* ------------------------------------------------------------------ discovery */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static enum ap_cann__kind stem_kind(const struct stem_kind *t, size_t n, const char *stem,
				    size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].stem) == len && !memcmp(t[i].stem, stem, len))
			return t[i].kind;
	return AP_CANN_K_UNKNOWN;
}

/* Parses "{aging|unaging}.{family}.{stem}.slice_{M}" (§1.4). Returns 1 for a host slice, 0 for
 * any other name (companion files, system sampling data, legacy names). */
static int parse_name(const char *name, struct slice *s)
{
	static const char *const fams[] = { "api_event.", "compact.", "additional." };
	const char *p = name, *sl = NULL, *q;
	uint64_t num = 0;
	size_t i;

	for (i = 0; i < sizeof(skip_suffix) / sizeof(*skip_suffix); i++)
		if (ends_with(name, skip_suffix[i]))
			return 0;
	memset(s, 0, sizeof(*s));
	s->name = name;
	if (starts_with(p, "aging.")) {
		s->aging = 1;
		p += 6;
	} else if (starts_with(p, "unaging.")) {
		p += 8;
	} else {
		return 0;
	}
	for (q = strstr(p, ".slice_"); q; q = strstr(q + 1, ".slice_"))
		sl = q;
	if (!sl || !sl[7])
		return 0;
	for (q = sl + 7; *q; q++) {
		if (*q < '0' || *q > '9' || num > (UINT32_MAX - (uint64_t)(*q - '0')) / 10)
			return 0;
		num = num * 10 + (uint64_t)(*q - '0');
	}
	s->num = (uint32_t)num;
	s->fam = -1;
	for (i = 0; i < sizeof(fams) / sizeof(*fams); i++)
		if (starts_with(p, fams[i])) {
			s->fam = (int)i;
			p += strlen(fams[i]);
			break;
		}
	if (s->fam < 0) { /* "<aging>.<family>.<stem>": the family is the first part */
		s->stem = p;
		s->stem_len = (size_t)(sl - p);
		s->kind = AP_CANN_K_UNKNOWN;
		return 1;
	}
	if (p > sl)
		return 0;
	s->stem = p;
	s->stem_len = (size_t)(sl - p);
	if (s->fam == AP_CANN_FAM_API)
		s->kind = s->stem_len == 4 && !memcmp(p, "data", 4) ? AP_CANN_K_API : AP_CANN_K_UNKNOWN;
	else if (s->fam == AP_CANN_FAM_COMPACT)
		s->kind = stem_kind(compact_stems, sizeof(compact_stems) / sizeof(*compact_stems), p,
				    s->stem_len);
	else
		s->kind = starts_with(p, CCU_PREFIX)
				  ? AP_CANN_K_SKIP
				  : stem_kind(additional_stems,
					      sizeof(additional_stems) / sizeof(*additional_stems), p,
					      s->stem_len);
	if (s->kind == AP_CANN_K_HASH_DIC)
		s->fam = AP_CANN_FAM_HASH_DIC;
	else if (s->kind == AP_CANN_K_TYPE_DIC)
		s->fam = AP_CANN_FAM_TYPE_DIC;
	return 1;
}

/* Reading order: by kind, then name of the type, then unaging before aging, then slice
 * number (§1.4: "slice_10" after "slice_2"). */
static int cmp_slice(const void *a, const void *b)
{
	const struct slice *x = a, *y = b;
	size_t n = x->stem_len < y->stem_len ? x->stem_len : y->stem_len;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = memcmp(x->stem, y->stem, n)) != 0)
		return c;
	if (x->stem_len != y->stem_len)
		return x->stem_len < y->stem_len ? -1 : 1;
	if (x->aging != y->aging)
		return x->aging < y->aging ? -1 : 1;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* "<PROF dir>/<host dir>/data" from host_dir's last two components, for messages. */
static void make_where(char *out, size_t cap, const char *host_dir)
{
	size_t n = strlen(host_dir), b1, b0;

	while (n > 1 && host_dir[n - 1] == '/')
		n--;
	b1 = n;
	while (b1 > 0 && host_dir[b1 - 1] != '/')
		b1--;
	b0 = b1;
	while (b0 > 0 && host_dir[b0 - 1] == '/')
		b0--;
	while (b0 > 0 && host_dir[b0 - 1] != '/')
		b0--;
	snprintf(out, cap, "%.*s/data", (int)(n - b0), host_dir + b0);
}

/* ------------------------------------------------------------------ reading */

static int take(struct ap_cann__loader *l, enum ap_cann__kind k, const uint8_t *p)
{
	if (k == AP_CANN_K_API)
		return ap_cann__take_api(l, p);
	if (k <= AP_CANN_K_CAPTURE)
		return ap_cann__take_compact(l, k, p);
	return ap_cann__take_additional(l, k, p);
}

static void report_io(struct ap_cann__loader *l, const struct ap_err *e)
{
	char key[64];

	snprintf(key, sizeof(key), "io:%s", l->file);
	ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'%s/%s': %s; rest of the file skipped",
		       l->where, l->file, ap_err_text(e));
}

/* Reads the fixed-size records of one file: bad magic counted (§1.4), a cut tail reported.
 * Returns 0 or AP_ENOMEM. */
static int load_records(struct ap_cann__loader *l, const struct slice *s, const char *path)
{
	size_t sz = record_size(s->fam), pos = 0;
	struct ap_cann_file *f = &l->h->files.v[l->fidx];
	struct ap_window *w = &l->win;
	struct ap_err e = AP_ERR_INIT;
	uint64_t n, i, end;
	int r, ret = 0;

	r = ap_window_open(w, path, WINDOW, &e);
	if (r < 0)
		goto out;
	n = w->size / sz;
	for (i = 0; i < n; i++) {
		const uint8_t *p;

		if (w->len - pos < sz) {
			r = ap_window_fill(w, pos, sz, &e);
			pos = 0;
			if (r < 0 || w->len < sz) /* unreadable, or the file shrank while read */
				break;
		}
		p = w->buf + pos;
		pos += sz;
		if (ap_le16(p) != AP_CANN_MAGIC) {
			if (!l->bad_magic.n++) {
				l->bad_magic.fidx = l->fidx;
				l->bad_magic.off = i * sz;
				l->bad_magic.val = ap_le16(p);
			}
			f->skipped++;
			continue;
		}
		l->rec_off = i * sz;
		ret = take(l, s->kind, p);
		if (ret < 0)
			goto out;
	}
	if (r == 0) {
		end = w->eof ? w->off + w->len : w->size;
		if (end > i * sz) {
			uint64_t part = end - i * sz;
			char key[64];

			snprintf(key, sizeof(key), "cut:%s", l->file);
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key,
				       "'%s/%s': offset %llu: last record cut off (%llu of %zu bytes); %llu bytes skipped",
				       l->where, l->file, (unsigned long long)(i * sz),
				       (unsigned long long)(part < sz ? part : sz), sz,
				       (unsigned long long)part);
			f->skipped++;
		}
	}
out:
	if (r == AP_ENOMEM)
		ret = ap_cann__oom(l, "read buffer");
	else if (r < 0)
		report_io(l, &e);
	ap_window_close_file(w);
	ap_err_release(&e);
	return ret;
}

/* Opens every slice once: one that cannot be read is reported and dropped (kind set to
 * AP_CANN_K_COUNT); the others get their size. */
static void check_slices(struct ap_cann__loader *l, const char *dir, struct slice *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct ap_err e = AP_ERR_INIT;
		struct stat st;
		char path[4096];
		int fd;

		if (snprintf(path, sizeof(path), "%s/%s", dir, v[i].name) >= (int)sizeof(path))
			fd = ap_err_set(&e, AP_EIO, "path too long");
		else
			fd = ap_file_open_regular(path, &st, &e);
		if (fd >= 0) {
			close(fd);
			v[i].size = (uint64_t)st.st_size;
		} else {
			char key[64];

			snprintf(key, sizeof(key), "open:%s", v[i].name);
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'%s/%s': %s", l->where,
				       v[i].name, ap_err_text(&e));
			v[i].kind = AP_CANN_K_COUNT;
		}
		ap_err_release(&e);
	}
}

/* Reserves every table from the record counts the file sizes give. */
static int reserve_tables(struct ap_cann_host *h, const struct slice *v, size_t n)
{
	uint64_t recs[AP_CANN_K_COUNT + 1] = { 0 };
	size_t i;
	int r = 0;

	for (i = 0; i < n; i++)
		if (record_size(v[i].fam))
			recs[v[i].kind] += v[i].size / record_size(v[i].fam);
	r |= ap_vec_reserve(&h->files, n);
	r |= ap_vec_reserve(&h->apis, recs[AP_CANN_K_API]);
	r |= ap_vec_reserve(&h->tracks, recs[AP_CANN_K_TRACK] + recs[AP_CANN_K_TRACK_V2]);
	r |= ap_vec_reserve(&h->nodes, recs[AP_CANN_K_NODE]);
	r |= ap_vec_reserve(&h->attrs, recs[AP_CANN_K_ATTR]);
	r |= ap_vec_reserve(&h->hccl_ops, recs[AP_CANN_K_HCCL_OP]);
	r |= ap_vec_reserve(&h->memcpys, recs[AP_CANN_K_MEMCPY]);
	r |= ap_vec_reserve(&h->captures, recs[AP_CANN_K_CAPTURE]);
	r |= ap_vec_reserve(&h->tensor_ops, recs[AP_CANN_K_TENSOR]);
	/* tensors and context ids per record vary (<= 5, <= 55): a typical count, grown after */
	r |= ap_vec_reserve(&h->tensors, recs[AP_CANN_K_TENSOR] * 3);
	r |= ap_vec_reserve(&h->ctxs, recs[AP_CANN_K_CTX]);
	r |= ap_vec_reserve(&h->ctx_ids, recs[AP_CANN_K_CTX] * 2);
	r |= ap_vec_reserve(&h->hccl_infos, recs[AP_CANN_K_HCCL_INFO]);
	r |= ap_vec_reserve(&h->graphs, recs[AP_CANN_K_GRAPH]);
	r |= ap_vec_reserve(&h->fusions, recs[AP_CANN_K_FUSION]);
	return r ? AP_ENOMEM : 0;
}

/* Loads one slice whose entry in h->files is l->fidx. Returns 0 or AP_ENOMEM. */
static int load_slice(struct ap_cann__loader *l, const struct slice *s, const char *path)
{
	struct ap_cann_file *f = &l->h->files.v[l->fidx];
	size_t sz = record_size(s->fam);

	switch (s->kind) {
	case AP_CANN_K_HASH_DIC:
	case AP_CANN_K_TYPE_DIC:
		return ap_cann__load_dict(l, s->kind, path);
	case AP_CANN_K_SKIP:
		f->skipped = sz ? s->size / sz : 0;
		return 0;
	case AP_CANN_K_UNKNOWN: {
		char key[64];

		f->skipped = sz ? s->size / sz : 0;
		snprintf(key, sizeof(key), "cann-type:%.*s", (int)s->stem_len, s->stem);
		ap_diag_report(l->diag, AP_DIAG_WARN, key,
			       "'%s/%s': unknown host record type '%.*s' (a newer collector?); %llu bytes skipped",
			       l->where, s->name, (int)s->stem_len, s->stem,
			       (unsigned long long)s->size);
		return 0;
	}
	default:
		return load_records(l, s, path);
	}
}

/* Loads every readable slice of v[0..n) in order into l->h. Returns 0 or AP_ENOMEM (err set). */
static int load_all(struct ap_cann__loader *l, const char *dir, const struct slice *v, size_t n,
		    struct ap_err *err)
{
	struct ap_cann_host *h = l->h;
	size_t i;
	int ret = 0;

	for (i = 0; i < n && ret == 0; i++) {
		struct ap_cann_file *f;
		char path[4096];

		if (v[i].kind == AP_CANN_K_COUNT) /* unreadable, reported */
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, v[i].name) >= (int)sizeof(path))
			continue; /* cannot happen: check_slices dropped it */
		f = &h->files.v[h->files.n];
		memset(f, 0, sizeof(*f));
		f->name = ap_strtab_intern(&h->strs, v[i].name, strlen(v[i].name), NULL);
		if (!f->name)
			return ap_err_set(err, AP_ENOMEM, "'%s': out of memory", l->where);
		f->slice = v[i].num;
		f->family = (uint8_t)(v[i].fam < 0 ? 0xFF : v[i].fam);
		f->aging = (uint8_t)v[i].aging;
		f->size = v[i].size;
		l->fidx = (uint32_t)h->files.n++;
		l->file15 = (uint16_t)(l->fidx < AP_CANN_FILE_MANY ? l->fidx : AP_CANN_FILE_MANY);
		l->file = v[i].name;
		l->aging = v[i].aging;
		ret = load_slice(l, &v[i], path);
		ap_cann__finish_file(l);
		if (ret < 0)
			ret = ap_err_set(err, AP_ENOMEM, "'%s/%s': out of memory (%s)", l->where,
					 l->file, l->oom_what[0] ? l->oom_what : "records");
	}
	return ret;
}

static void loader_release(struct ap_cann__loader *l)
{
	ap_err_release(&l->rec_err);
	ap_u64map_release(&l->pend_idx);
	ap_vec_free(&l->pend);
	ap_u64map_release(&l->tensor_idx);
	ap_vec_free(&l->tensor_grp);
	free(l->grp_end);
	ap_window_close(&l->win);
}

int ap_cann_host_load(const char *host_dir, struct ap_cann_host *h, struct ap_diag *diag,
		      struct ap_err *err)
{
	struct ap_cann__loader l;
	struct ap_strlist names = { NULL, 0, 0 };
	struct ap_err e = AP_ERR_INIT;
	struct slice *v = NULL;
	char dir[4096];
	size_t i, n = 0;
	int ret = 0;

	memset(&l, 0, sizeof(l));
	l.h = h;
	l.diag = diag;
	ap_err_init(&l.rec_err);
	ap_window_init(&l.win);
	make_where(l.where, sizeof(l.where), host_dir);
	if (snprintf(dir, sizeof(dir), "%s/data", host_dir) >= (int)sizeof(dir))
		return ap_err_set(err, AP_EINVAL, "'%s': path too long", host_dir);
	ret = ap_dir_list(dir, &names, &e);
	if (ret == AP_ENOTFOUND) {
		ret = 0; /* no host data: the caller decides what that means */
		goto out;
	}
	if (ret == AP_ENOMEM) {
		ret = ap_err_set(err, AP_ENOMEM, "'%s': out of memory listing the directory", l.where);
		goto out;
	}
	if (ret < 0) {
		ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-host-dir", "'%s': %s", l.where,
			       ap_err_text(&e));
		ret = 0;
		goto out;
	}
	v = calloc(names.n ? names.n : 1, sizeof(*v));
	if (!v) {
		ret = ap_err_set(err, AP_ENOMEM, "'%s': out of memory", l.where);
		goto out;
	}
	for (i = 0; i < names.n; i++)
		if (parse_name(names.v[i], &v[n]))
			n++;
	qsort(v, n, sizeof(*v), cmp_slice);
	check_slices(&l, dir, v, n);
	if (reserve_tables(h, v, n) < 0) {
		ret = ap_err_set(err, AP_ENOMEM, "'%s': out of memory for the record tables", l.where);
		goto out;
	}
	ret = load_all(&l, dir, v, n, err);
	if (ret == 0) {
		ap_cann__finish_dicts(&l);
		ap_cann__finish_events(&l);
		if (ap_cann__finish_tensors(&l) < 0)
			ret = ap_err_set(err, AP_ENOMEM, "'%s': out of memory (%s)", l.where,
					 l.oom_what);
	}
out:
	free(v);
	ap_strlist_release(&names);
	ap_err_release(&e);
	loader_release(&l);
	return ret;
}
