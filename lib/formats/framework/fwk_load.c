/* FRAMEWORK directory -> host model (spec torch_npu_ascend_pt.md §3, §7.1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/file.h"
#include "ap/fwk.h"
#include "ap/fwk_load.h"
#include "ap/window.h"
#include "fwk_load_local.h"
#include "../../base/banned.h"

static const char *const kind_tag[K_COUNT] = {
	"torch.op_range",         "torch.op_mark",         "torch.memory_usage",
	"torch.python_tracer_func", "torch.python_tracer_hash", "torch.param_tensor_info",
	"torch.gc_record",
};

/* Files of the G1 writers' python tracer (§3.10), which we do not decode. */
static const char *const g1_tracer_tag[] = { "torch.python_func_call", "torch.python_module_call" };

/* Files are read through a window this large (records longer than it grow it). */
#define WINDOW ((size_t)1 << 20)
#define DETECT_WINDOW ((size_t)64 << 10)

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void report_cut(struct loader *l, size_t off, size_t total, const struct ap_err *e)
{
	char key[64];

	snprintf(key, sizeof(key), "cut:%s", l->file);
	ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'FRAMEWORK/%s': %s; %zu bytes skipped",
		       l->file, ap_err_text(e), total - off);
}

/* Reserves table room from the file size and the smallest record of the kind. */
static int reserve_for(struct ap_host *h, enum kind k, size_t bytes)
{
	switch (k) {
	case K_OP_RANGE:
		return ap_vec_reserve(&h->ops, bytes / (AP_FWK_TLV_HDR + AP_FWK_OP_RANGE_FIXED_G1 +
							 AP_FWK_TLV_HDR));
	case K_OP_MARK:
		return ap_vec_reserve(&h->marks, bytes / (AP_FWK_TLV_HDR + AP_FWK_OP_MARK_FIXED));
	case K_MEMORY:
		return ap_vec_reserve(&h->mems, bytes / (AP_FWK_TLV_HDR + 58));
	case K_TRACER_HASH:
		return ap_vec_reserve(&h->pyhash, bytes / (AP_FWK_TLV_HDR + AP_FWK_KEY_FIXED));
	default:
		return 0;
	}
}

/* The TLV records of one file in order, read through a window. */
struct tlv_reader {
	struct ap_window *w;
	size_t pos;       /* the next record's position in the window */
	uint64_t cut_at;  /* after a framing error: its file offset and the bytes skipped */
	uint64_t skipped;
};

/* Returns 0 with rec (payload borrowed until the next call), AP_END, AP_EFORMAT (the rest of
 * the file cannot be framed: cut_at/skipped set, e describes it), or AP_EIO / AP_ENOMEM
 * (e set). */
static int tlv_next(struct tlv_reader *t, struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_window *w = t->w;
	uint64_t at = w->off + t->pos, left;
	size_t avail = w->len - t->pos;
	uint32_t len;
	int r;

	if (avail < AP_FWK_TLV_HDR && !w->eof) {
		AP_FORWARD_IF_ERROR(ap_window_fill(w, t->pos, AP_FWK_TLV_HDR, e));
		t->pos = 0;
		avail = w->len;
	}
	/* At the end of the file every byte left is in the window. */
	left = w->eof ? avail : w->size - at;
	if (left == 0)
		return AP_END;
	r = ap_fwk_frame(w->buf + t->pos, avail, at, left, &len, e);
	if (r == 0 && avail - AP_FWK_TLV_HDR < len) {
		AP_FORWARD_IF_ERROR(ap_window_fill(w, t->pos, AP_FWK_TLV_HDR + (size_t)len, e));
		t->pos = 0;
		avail = w->len;
		if (avail - AP_FWK_TLV_HDR < len) /* the file shrank while it was read */
			r = ap_fwk_frame(w->buf, avail, at, left = avail, &len, e);
	}
	if (r < 0) {
		t->cut_at = at;
		t->skipped = left;
		return r;
	}
	rec->type = ap_le16(w->buf + t->pos);
	rec->len = len;
	rec->payload = w->buf + t->pos + AP_FWK_TLV_HDR;
	rec->offset = (size_t)at;
	t->pos += AP_FWK_TLV_HDR + (size_t)len;
	return 0;
}

static void report_io(struct loader *l, const struct ap_err *e)
{
	char key[64];

	snprintf(key, sizeof(key), "io:%s", l->file);
	ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'FRAMEWORK/%s': %s; rest of the file skipped",
		       l->file, ap_err_text(e));
}

static int load_tlv_file(struct loader *l, enum kind k, const char *path)
{
	struct tlv_reader t;
	struct ap_fwk_record rec;
	struct ap_err e = AP_ERR_INIT;
	int r, ret = 0;

	memset(&t, 0, sizeof(t));
	t.w = &l->win;
	r = ap_window_open(t.w, path, WINDOW, &e);
	if (r == 0 && k == K_OP_MARK && l->sink) {
		if (l->sink->begin(l->sink->ctx, (size_t)(t.w->size / (AP_FWK_TLV_HDR +
									  AP_FWK_OP_MARK_FIXED))) < 0)
			r = ret = ap_fwk__oom(l, "task-queue lists for %llu bytes of markers",
					      (unsigned long long)t.w->size);
	} else if (r == 0 && reserve_for(l->h, k, t.w->size) < 0) {
		r = ret = ap_fwk__oom(l, "record table for %llu bytes of records",
				      (unsigned long long)t.w->size);
	}
	while (r == 0 && (r = tlv_next(&t, &rec, &e)) == 0) {
		if (ap_fwk__take_record(l, k, &rec) < 0) {
			ret = AP_ENOMEM;
			break;
		}
	}
	if (r == AP_EFORMAT)
		report_cut(l, (size_t)t.cut_at, (size_t)(t.cut_at + t.skipped), &e);
	else if (r == AP_ENOMEM)
		ret = r;
	else if (r < 0)
		report_io(l, &e);
	if (ret == AP_ENOMEM)
		ap_fwk__oom(l, "read buffer");
	ap_window_close_file(t.w);
	ap_err_release(&e);
	return ret;
}

static int load_flat_file(struct loader *l, enum kind k, const char *path)
{
	size_t sz = k == K_GC ? AP_FWK_GC_SIZE : AP_FWK_TRACER_FUNC_SIZE, n, i, pos = 0;
	struct ap_host *h = l->h;
	struct ap_window *w = &l->win;
	struct ap_err e = AP_ERR_INIT;
	uint64_t end;
	int r;

	r = ap_window_open(w, path, WINDOW - WINDOW % sz, &e);
	if (r < 0)
		goto out;
	n = (size_t)(w->size / sz);
	if (k == K_GC ? ap_vec_reserve(&h->gcs, n) < 0 : ap_vec_reserve(&h->pyrecs, n) < 0) {
		r = ap_fwk__oom(l, "record table of %zu records", n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (w->len - pos < sz) {
			r = ap_window_fill(w, pos, sz, &e);
			pos = 0;
			if (r < 0 || w->len < sz) /* unreadable, or the file shrank while read */
				break;
		}
		l->rec_off = i * sz;
		/* A collector that preallocates its file and dies leaves zeros; no record of a
		 * real process is all zero (pid 0 is the kernel's). */
		if (w->buf[pos] == 0 && !memcmp(w->buf + pos, w->buf + pos + 1, sz - 1)) {
			if (!l->zero_records++)
				l->zero_off = i * sz;
		} else if (ap_fwk__take_flat(l, k, w->buf + pos) < 0) {
			r = ap_fwk__oom(l, "thread table");
			break;
		}
		pos += sz;
	}
	if (r == 0) {
		end = w->eof ? w->off + w->len : w->size;
		if (end > (uint64_t)i * sz) {
			char key[64];
			size_t part = (size_t)(end - (uint64_t)i * sz);

			snprintf(key, sizeof(key), "cut:%s", l->file);
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key,
				       "'FRAMEWORK/%s': offset %zu: last record cut off (%zu of %zu bytes); %zu bytes skipped",
				       l->file, i * sz, part, sz, part);
		}
	}
out:
	if (r == AP_ENOMEM)
		ap_fwk__oom(l, "read buffer");
	else if (r < 0 && r != AP_ENOMEM)
		report_io(l, &e);
	ap_window_close_file(w);
	ap_err_release(&e);
	return r == AP_ENOMEM ? r : 0;
}

/* The file of each kind: the exact name, else the first (sorted) name with it as prefix. */
static const char *pick(const struct ap_strlist *names, const char *tag)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (!strcmp(names->v[i], tag))
			return names->v[i];
	for (i = 0; i < names->n; i++)
		if (starts_with(names->v[i], tag))
			return names->v[i];
	return NULL;
}

#define DETECT_RECORDS 16

/* Generation from the first records of a file (the first one recognised among the first
 * DETECT_RECORDS); *has_records says whether the file holds any whole record. A file that
 * cannot be read is left to the loading pass to report. */
static int detect_gen(struct loader *l, const char *path, enum kind k, int *has_records)
{
	struct ap_err e = AP_ERR_INIT;
	struct tlv_reader t;
	struct ap_fwk_record rec;
	int gen = AP_FWK_GEN_UNKNOWN, i;

	*has_records = 0;
	memset(&t, 0, sizeof(t));
	t.w = &l->win;
	if (ap_window_open(t.w, path, DETECT_WINDOW, &e) == 0) {
		for (i = 0; i < DETECT_RECORDS && gen == AP_FWK_GEN_UNKNOWN &&
			    tlv_next(&t, &rec, &e) == 0;
		     i++) {
			*has_records = 1;
			gen = k == K_OP_RANGE ? ap_fwk_detect_gen(rec.payload, rec.len)
					      : ap_fwk_detect_gen_mark(rec.payload, rec.len);
		}
	}
	ap_window_close_file(t.w);
	ap_err_release(&e);
	return gen;
}

static void file_path(const struct loader *l, const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", l->dir, name);
}

/* Sets h->gen from op_range, else op_mark (§3.10). A file whose records match no writer
 * generation cannot be decoded: it is reported and dropped from files[]. */
static void choose_gen(struct loader *l, const char **files)
{
	static const enum kind probe[] = { K_OP_RANGE, K_OP_MARK };
	size_t i;

	l->h->gen = AP_FWK_GEN_UNKNOWN;
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]) && l->h->gen == AP_FWK_GEN_UNKNOWN; i++) {
		enum kind k = probe[i];
		char path[4096];
		int has_records;

		if (!files[k])
			continue;
		file_path(l, files[k], path, sizeof(path));
		l->h->gen = detect_gen(l, path, k, &has_records);
		if (l->h->gen == AP_FWK_GEN_UNKNOWN && has_records) {
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, files[k],
				       "'FRAMEWORK/%s': unsupported layout: the name field of its first records matches no known torch_npu writer generation (spec §3.10); file not decoded",
				       files[k]);
			files[k] = NULL;
		}
	}
	if (l->h->gen == AP_FWK_GEN_UNKNOWN)
		l->h->gen = AP_FWK_GEN3;
}

/* Opens every chosen file once before decoding: one that cannot be read is reported (before
 * anything else about the dump) and dropped. */
static void check_files(struct loader *l, const char **files)
{
	int k;

	for (k = 0; k < K_COUNT; k++) {
		struct ap_err e = AP_ERR_INIT;
		struct stat st;
		char path[4096];
		int fd;

		if (!files[k])
			continue;
		file_path(l, files[k], path, sizeof(path));
		fd = ap_file_open_regular(path, &st, &e);
		if (fd >= 0) {
			close(fd);
		} else {
			char key[64];

			snprintf(key, sizeof(key), "open:%s", files[k]);
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'FRAMEWORK/%s': %s",
				       files[k], ap_err_text(&e));
			files[k] = NULL;
		}
		ap_err_release(&e);
	}
}

/* The files are decoded in PARTS parts, each by its own loader into its own host: op_range
 * into the caller's host; op_mark, memory_usage, and the Python tracer, param and GC files
 * each into a private one. Combined in part order, the parts give the string ids and reports
 * of decoding the files one after the other in kind order: a part's new strings are appended
 * in the order it met them, after those of the parts before it. The threads of the markers,
 * of the memory records and of the tracer records are numbered in a table each, which one
 * part fills. A step (enum ap_fwk_step) is a part's files. */
#define PARTS 4
static const enum kind part_first[PARTS + 1] = { K_OP_RANGE, K_OP_MARK, K_MEMORY, K_TRACER_FUNC,
						 K_COUNT };
static const struct {
	enum kind first, end;
	int part;
} step_of[AP_FWK_STEPS] = {
	[AP_FWK_STEP_OPS] = { K_OP_RANGE, K_OP_MARK, 0 },
	[AP_FWK_STEP_MARKS] = { K_OP_MARK, K_MEMORY, 1 },
	[AP_FWK_STEP_MEMORY] = { K_MEMORY, K_TRACER_FUNC, 2 },
	[AP_FWK_STEP_PYTHON] = { K_TRACER_FUNC, K_COUNT, 3 },
};
#define MARKS_PART 1

struct part {
	struct loader l;
	struct ap_host h;   /* parts after the first: what they decoded */
	int failed;         /* the kind whose file ran out of memory (l.oom_what why), or -1 */
};

/* string ids of the markers' part outside it (ap_fwk_plan_rename) */
struct rename {
	uint32_t *first;
	size_t n, stride;
};

struct ap_fwk_plan {
	const char *dir;
	struct ap_host *h;
	struct ap_diag *diag;
	struct ap_strlist names;
	const char *files[K_COUNT];
	struct ap_diag file_diag[K_COUNT];  /* the reports of each file */
	uint32_t strs_after[K_COUNT];       /* its part's string count once the file was read */
	struct part part[PARTS];
	struct ap_host marks;               /* ap_fwk_plan_marks: its threads are a copy */
	struct rename rename[AP_FWK_RENAMES];
	int nrename;
};

static void loader_init(struct loader *l, const char *dir, const struct ap_timeconv *tc,
			struct ap_host *h, struct ap_diag *diag)
{
	memset(l, 0, sizeof(*l));
	l->dir = dir;
	l->tc = tc;
	l->h = h;
	l->diag = diag;
	ap_err_init(&l->rec_err);
	ap_window_init(&l->win);
}

static void loader_release(struct loader *l)
{
	ap_err_release(&l->rec_err);
	ap_window_close(&l->win);
	ap_u64map_release(&l->thread_idx);
}

static void plan_free(struct ap_fwk_plan *p)
{
	int i;

	for (i = 0; i < PARTS; i++) {
		loader_release(&p->part[i].l);
		ap_host_release(&p->part[i].h);
	}
	for (i = 0; i < K_COUNT; i++)
		ap_diag_release(&p->file_diag[i]);
	ap_strlist_release(&p->names);
	free(p);
}

int ap_fwk_plan_open(const char *fwk_dir, const struct ap_timeconv *tc, struct ap_host *h,
		     struct ap_diag *diag, struct ap_fwk_plan **out, struct ap_err *err)
{
	struct ap_fwk_plan *p = calloc(1, sizeof(*p));
	struct loader l;
	size_t i;
	int ret = 0, k;

	*out = NULL;
	if (!p)
		return ap_err_set(err, AP_ENOMEM, "out of memory decoding '%s'", fwk_dir);
	p->dir = fwk_dir;
	p->h = h;
	p->diag = diag;
	for (k = 0; k < K_COUNT; k++)
		ap_diag_init(&p->file_diag[k]);
	for (i = 0; i < PARTS; i++) {
		struct part *pt = &p->part[i];

		loader_init(&pt->l, fwk_dir, tc, i ? &pt->h : h, NULL);
		pt->failed = -1;
		if (ap_u64map_init(&pt->l.thread_idx, 64) < 0 || (i && ap_host_init(&pt->h) < 0))
			ret = AP_ENOMEM;
	}
	if (ret < 0) {
		plan_free(p);
		return ap_err_set(err, AP_ENOMEM, "out of memory decoding '%s'", fwk_dir);
	}
	ret = ap_dir_list(fwk_dir, &p->names, err);
	if (ret < 0) {
		plan_free(p);
		return ret;
	}
	for (k = 0; k < K_COUNT; k++)
		p->files[k] = pick(&p->names, kind_tag[k]);
	for (i = 0; i < sizeof(g1_tracer_tag) / sizeof(*g1_tracer_tag); i++) {
		const char *f = pick(&p->names, g1_tracer_tag[i]);

		if (f)
			ap_diag_report(diag, AP_DIAG_DATA_LOSS, f,
				       "'FRAMEWORK/%s': unsupported layout: python tracer file of torch_npu 6.0.rc1/rc2 writers (spec §3.10); its Python events are not analysed",
				       f);
	}
	/* the checks before decoding report into the caller's diag, ahead of every part */
	loader_init(&l, fwk_dir, tc, h, diag);
	check_files(&l, p->files);
	/* One writer produced every file of a dump: op_range decides the generation, else
	 * op_mark decides the TLV numbering (§3.10). */
	choose_gen(&l, p->files);
	loader_release(&l);
	for (i = 1; i < PARTS; i++)
		p->part[i].h.gen = h->gen;
	h->has_op_mark = p->files[K_OP_MARK] != NULL;
	h->has_tracer = p->files[K_TRACER_FUNC] && p->files[K_TRACER_HASH];
	if (p->files[K_OP_MARK])
		snprintf(h->op_mark_file, sizeof(h->op_mark_file), "%s", p->files[K_OP_MARK]);
	if (p->files[K_TRACER_FUNC])
		snprintf(h->tracer_func_file, sizeof(h->tracer_func_file), "%s",
			 p->files[K_TRACER_FUNC]);
	*out = p;
	return 0;
}

void ap_fwk_plan_load(struct ap_fwk_plan *p, enum ap_fwk_step step)
{
	struct part *pt = &p->part[step_of[step].part];
	int k;

	for (k = (int)step_of[step].first; k < (int)step_of[step].end && pt->failed < 0; k++) {
		char path[4096];
		int ret;

		if (!p->files[k])
			continue;
		pt->l.file = p->files[k];
		pt->l.diag = &p->file_diag[k];
		file_path(&pt->l, p->files[k], path, sizeof(path));
		if (k == K_TRACER_FUNC || k == K_GC)
			ret = load_flat_file(&pt->l, (enum kind)k, path);
		else
			ret = load_tlv_file(&pt->l, (enum kind)k, path);
		ap_fwk__finish_file(&pt->l);
		if (ret == 0 && pt->l.sink && pt->l.sink_full) {
			/* the sink took only the first markers: all of them again, kept, the
			 * file's reports made anew */
			ap_diag_release(&p->file_diag[k]);
			ap_diag_init(&p->file_diag[k]);
			pt->l.sink = NULL;
			pt->l.h->n_marks = 0;
			ret = load_tlv_file(&pt->l, (enum kind)k, path);
			ap_fwk__finish_file(&pt->l);
		}
		p->strs_after[k] = pt->l.h->strs.n;
		if (ret < 0)
			pt->failed = k;
	}
}

int ap_fwk_plan_marks(struct ap_fwk_plan *p, const struct ap_host **marks)
{
	const struct ap_host *from = &p->part[MARKS_PART].h;
	struct ap_host *m = &p->marks;

	*marks = NULL;
	if (p->part[MARKS_PART].failed >= 0)
		return 1;
	if (p->part[MARKS_PART].l.sink)
		return 2;
	m->gen = from->gen;
	m->marks = from->marks; /* shared: no other step touches the markers' part */
	m->threads = from->threads;
	*marks = m;
	return 0;
}

void ap_fwk_plan_mark_sink(struct ap_fwk_plan *p, const struct ap_fwk_mark_sink *sink)
{
	p->part[MARKS_PART].l.sink = sink;
}

int ap_fwk_plan_rename(struct ap_fwk_plan *p, uint32_t *first, size_t n, size_t stride)
{
	if (p->nrename == AP_FWK_RENAMES)
		return AP_EINVAL;
	p->rename[p->nrename++] = (struct rename){ first, n, stride };
	return 0;
}

/* Interns the strings of a part's table (ids 2..) into the host's, in id order, setting
 * map[id] to each one's id there. Returns 0, or AP_ENOMEM with *bad the id that failed. */
static int map_strings(struct ap_strtab *to, const struct ap_strtab *from, uint32_t *map,
		       uint32_t *bad)
{
	uint32_t id;

	map[AP_STR_NONE] = AP_STR_NONE;
	map[AP_STR_EMPTY] = AP_STR_EMPTY;
	for (id = AP_STR_EMPTY + 1; id < from->n; id++)
		if (!(map[id] = ap_strtab_intern(to, from->str[id], from->len[id], NULL))) {
			*bad = id;
			return AP_ENOMEM;
		}
	return 0;
}

/* The part's table t, when it holds any, replaces the caller's (each table comes from one
 * part: the others leave it empty). */
#define TAKE_TABLE(t)                                                          \
	do {                                                                   \
		if (from->t.n) {                                               \
			ap_vec_free(&h->t);                                    \
			h->t = from->t;                                        \
			memset(&from->t, 0, sizeof(from->t));                  \
		}                                                              \
	} while (0)

/* Moves what part i decoded into the caller's host, its string ids and thread numbers
 * renumbered there. Returns 0, or AP_ENOMEM with *bad the string id (of the part's table)
 * that could not be added. */
static int combine_part(struct ap_fwk_plan *p, int i, uint32_t *bad)
{
	struct ap_host *h = p->h, *from = &p->part[i].h;
	uint32_t *map = malloc((size_t)from->strs.n * sizeof(*map));
	size_t j;
	int k;

	*bad = AP_STR_EMPTY + 1;
	if (!map || map_strings(&h->strs, &from->strs, map, bad) < 0) {
		free(map);
		return AP_ENOMEM;
	}
	for (j = 0; j < from->marks.n; j++)
		from->marks.v[j].name = map[from->marks.v[j].name];
	for (j = 0; j < from->pyhash.n; j++)
		from->pyhash.v[j].value = map[from->pyhash.v[j].value];
	for (k = 0; i == MARKS_PART && k < p->nrename; k++) {
		const struct rename *rn = &p->rename[k];

		for (j = 0; j < rn->n; j++) {
			uint32_t *id = (uint32_t *)(void *)((char *)rn->first + j * rn->stride);

			*id = map[*id];
		}
	}
	free(map);
	/* each table of thread numbers comes from one part: the numbers stand */
	TAKE_TABLE(threads);
	TAKE_TABLE(memthreads);
	TAKE_TABLE(marks);
	h->n_marks += from->n_marks;
	TAKE_TABLE(mems);
	TAKE_TABLE(pyrecs);
	TAKE_TABLE(pythreads);
	TAKE_TABLE(pyhash);
	TAKE_TABLE(gcs);
	return 0;
}

int ap_fwk_plan_close(struct ap_fwk_plan *p, struct ap_err *err)
{
	int i, k, last = K_COUNT - 1, ret = 0;
	uint32_t bad;

	/* The first file that ran out of memory, in kind order, and what could not be had: a
	 * serial decode stops there, so the reports of the files after it are dropped. */
	for (i = 0; i < PARTS && ret == 0; i++) {
		struct part *pt = &p->part[i];

		if (pt->failed >= 0) {
			last = pt->failed;
			ret = ap_err_set(err, AP_ENOMEM, "'FRAMEWORK/%s': out of memory (%s)",
					 p->files[last],
					 pt->l.oom_what[0] ? pt->l.oom_what : "records");
		} else if (i > 0 && combine_part(p, i, &bad) < 0) {
			int end = (int)part_first[i + 1];

			/* the file that met the string first */
			for (k = (int)part_first[i]; k < end; k++)
				if (p->files[k] && p->strs_after[k] > bad)
					break;
			if (k == end) {
				last = (int)part_first[i] - 1;
				ret = ap_err_set(err, AP_ENOMEM, "out of memory decoding '%s'",
						 p->dir);
			} else {
				last = k;
				ret = ap_err_set(err, AP_ENOMEM,
						 "'FRAMEWORK/%s': out of memory (string table of %u strings)",
						 p->files[k], p->h->strs.n);
			}
		}
	}
	for (k = 0; k <= last; k++)
		ap_diag_merge(p->diag, &p->file_diag[k]);
	plan_free(p);
	return ret;
}

int ap_fwk_load(const char *fwk_dir, const struct ap_timeconv *tc, struct ap_host *h,
		struct ap_diag *diag, struct ap_err *err)
{
	struct ap_fwk_plan *p;
	int i;

	AP_FORWARD_IF_ERROR(ap_fwk_plan_open(fwk_dir, tc, h, diag, &p, err));
	for (i = 0; i < AP_FWK_STEPS; i++)
		ap_fwk_plan_load(p, (enum ap_fwk_step)i);
	return ap_fwk_plan_close(p, err);
}
