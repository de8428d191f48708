/* FRAMEWORK directory -> host model (spec torch_npu_ascend_pt.md §3, §7.1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/file.h"
#include "ap/fwk.h"
#include "ap/fwk_load.h"
#include "ap/window.h"
#include "../../base/banned.h"

enum kind { K_OP_RANGE, K_OP_MARK, K_MEMORY, K_TRACER_FUNC, K_TRACER_HASH, K_PARAM, K_GC, K_COUNT };

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

struct loader {
	const char *dir;
	const struct ap_timeconv *tc;
	struct ap_host *h;
	struct ap_diag *diag;
	const char *file;        /* name inside FRAMEWORK/ */
	unsigned long bad_utf8;
	size_t bad_utf8_off;     /* record of the first invalid string */
	size_t rec_off;          /* record being decoded */
	int oom;                 /* interning ran out of memory */
	unsigned long clamped;   /* timestamps outside the representable range */
	size_t clamped_off;
	unsigned long unknown_fields;
	uint16_t unknown_id;
	size_t unknown_off;
	/* Corrupt records and unknown marker categories after the first of a file are only
	 * counted: a corrupt file decodes as fast as a clean one (no message formatting). */
	unsigned long bad_records, bad_cats;
	unsigned long zero_records; /* all-zero fixed-size records: space never written */
	size_t zero_off;
	char oom_what[96];       /* what could not be allocated, for the message */
	struct ap_err rec_err;   /* why the first corrupt record of a file is corrupt */
	struct ap_window win;    /* one read buffer for every file */
	struct ap_u64map thread_idx; /* for ap_host_thread */
	uint64_t last_pid, last_tid; /* the thread of the last marker, most often the next's */
	uint32_t last_thread;
	int have_last;
	unsigned long thread_overflow;
};

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static uint32_t intern(struct loader *l, struct ap_bytes b)
{
	int bad = 0;
	uint32_t id;

	if (!b.p)
		return AP_STR_NONE;
	id = ap_strtab_intern(&l->h->strs, b.p, b.len, &bad);
	if (!id) {
		l->oom = 1;
		snprintf(l->oom_what, sizeof(l->oom_what), "string table of %u strings",
			 l->h->strs.n);
	}
	if (bad && !l->bad_utf8++)
		l->bad_utf8_off = l->rec_off;
	return id;
}

/* A raw time converted to local ns; times no clock reaches are counted (corrupt records). */
static int64_t local_time(struct loader *l, int64_t raw)
{
	int64_t t = ap_time_local(l->tc, raw);

	if ((t == AP_TIME_MAX || t == AP_TIME_MIN) && !l->clamped++)
		l->clamped_off = l->rec_off;
	return t;
}

static void note_unknown(struct loader *l, uint16_t id, size_t off)
{
	if (!id)
		return;
	if (!l->unknown_fields++) {
		l->unknown_id = id;
		l->unknown_off = off;
	}
}

static void report_bad_record(struct loader *l, size_t rec_off, const struct ap_err *e)
{
	char key[64];

	snprintf(key, sizeof(key), "record:%s", l->file);
	ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key,
		       "'FRAMEWORK/%s': record at offset %zu: %s; record skipped", l->file, rec_off,
		       ap_err_text(e));
}

static void report_cut(struct loader *l, size_t off, size_t total, const struct ap_err *e)
{
	char key[64];

	snprintf(key, sizeof(key), "cut:%s", l->file);
	ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'FRAMEWORK/%s': %s; %zu bytes skipped",
		       l->file, ap_err_text(e), total - off);
}

/* Per record kind: decode rec and add it to the model. Each returns 0, AP_ENOMEM, or the
 * decoder's negative status with e set (the record is then skipped and reported). */
static int take_op_range(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_fwk_op_range r;
	struct ap_op *op;

	AP_FORWARD_IF_ERROR(ap_fwk_decode_op_range(rec->payload, rec->len,
						   (enum ap_fwk_gen)l->h->gen, &r, e));
	note_unknown(l, r.unknown_field, rec->offset);
	if (ap_vec_reserve(&l->h->ops, 1) < 0)
		return AP_ENOMEM;
	op = &l->h->ops.v[l->h->ops.n++];
	op->ts = local_time(l, r.start);
	op->end = local_time(l, r.end);
	op->seq = r.seq;
	op->pid = r.pid;
	op->tid = r.tid;
	op->fwd_tid = r.fwd_tid;
	op->name = r.f[AP_OPF_NAME].p ? intern(l, r.f[AP_OPF_NAME]) : AP_STR_EMPTY;
	op->input_type = intern(l, r.f[AP_OPF_INPUT_TYPE]);
	op->input_dims = intern(l, r.f[AP_OPF_INPUT_DIMS]);
	op->call_stack = intern(l, r.f[AP_OPF_CALL_STACK]);
	op->module = intern(l, r.f[AP_OPF_MODULE]);
	op->flops = intern(l, r.f[AP_OPF_FLOPS]);
	return 0;
}

/* Numbers (pid, tid) into l->last_thread. Returns 0, AP_ENOMEM, or AP_EINVAL when the ids
 * are corrupt (more distinct threads than AP_THREAD_MAX): the record is then to be skipped, and
 * is counted. */
static int thread_of(struct loader *l, uint64_t pid, uint64_t tid)
{
	int ret;

	if (l->have_last && pid == l->last_pid && tid == l->last_tid)
		return 0;
	ret = ap_host_thread(l->h, &l->thread_idx, pid, tid, &l->last_thread);
	if (ret == AP_EINVAL)
		l->thread_overflow++;
	if (ret < 0)
		return ret;
	l->last_pid = pid;
	l->last_tid = tid;
	l->have_last = 1;
	return 0;
}

static int take_op_mark(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_fwk_op_mark r;
	struct ap_mark *m;
	int ret;

	AP_FORWARD_IF_ERROR(ap_fwk_decode_op_mark(rec->payload, rec->len,
						  (enum ap_fwk_gen)l->h->gen, &r, e));
	note_unknown(l, r.unknown_field, rec->offset);
	if (r.category > AP_DEQUEUE_END) {
		if (!l->bad_cats++) {
			char key[64];

			snprintf(key, sizeof(key), "markcat:%s", l->file);
			ap_diag_report(l->diag, AP_DIAG_WARN, key,
				       "'FRAMEWORK/%s': record at offset %zu: unknown marker category %llu; skipped",
				       l->file, rec->offset, (unsigned long long)r.category);
		}
		return 0;
	}
	ret = thread_of(l, r.pid, r.tid);
	if (ret == AP_EINVAL)
		return 0;
	if (ret < 0)
		return ret;
	if (ap_vec_reserve(&l->h->marks, 1) < 0)
		return AP_ENOMEM;
	m = &l->h->marks.v[l->h->marks.n++];
	m->ts = local_time(l, r.time);
	m->off = rec->offset;
	m->thread = l->last_thread;
	m->corr = r.corr;
	m->cat = (uint32_t)r.category;
	m->name = r.name.p ? intern(l, r.name) : AP_STR_EMPTY;
	return 0;
}

static int take_memory(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_fwk_memory r;
	struct ap_mem *m;
	int ret;

	AP_FORWARD_IF_ERROR(ap_fwk_decode_memory(rec->payload, rec->len, &r, e));
	ret = thread_of(l, r.pid, r.tid);
	if (ret == AP_EINVAL)
		return 0;
	if (ret < 0)
		return ret;
	if (ap_vec_reserve(&l->h->mems, 1) < 0)
		return AP_ENOMEM;
	m = &l->h->mems.v[l->h->mems.n++];
	m->ts = local_time(l, r.time);
	m->ptr = r.ptr;
	m->alloc_size = r.alloc_size;
	m->total_alloc = r.total_alloc;
	m->total_reserved = r.total_reserved;
	m->total_active = r.total_active;
	m->stream = r.stream;
	m->thread = l->last_thread;
	m->device_type = r.device_type;
	m->device_index = r.device_index;
	m->component = r.component;
	m->data_type = r.data_type;
	m->allocator = r.allocator;
	return 0;
}

static int take_tracer_hash(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_fwk_keyed r;
	struct ap_pyhash *ph;

	AP_FORWARD_IF_ERROR(ap_fwk_decode_tracer_hash(rec->payload, rec->len,
						      (enum ap_fwk_gen)l->h->gen, &r, e));
	note_unknown(l, r.unknown_field, rec->offset);
	if (ap_vec_reserve(&l->h->pyhash, 1) < 0)
		return AP_ENOMEM;
	ph = &l->h->pyhash.v[l->h->pyhash.n++];
	ph->key = r.key;
	ph->value = r.f[0].p ? intern(l, r.f[0]) : AP_STR_EMPTY;
	return 0;
}

/* Validated only: analyse() does not use it (§3.8). */
static int take_param(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_fwk_keyed r;

	AP_FORWARD_IF_ERROR(ap_fwk_decode_param_tensor(rec->payload, rec->len,
						       (enum ap_fwk_gen)l->h->gen, &r, e));
	note_unknown(l, r.unknown_field, rec->offset);
	if (((r.f[0].p && !ap_utf8_valid(r.f[0].p, r.f[0].len)) ||
	     (r.f[1].p && !ap_utf8_valid(r.f[1].p, r.f[1].len))) &&
	    !l->bad_utf8++)
		l->bad_utf8_off = rec->offset;
	return 0;
}

typedef int (*take_fn)(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e);

static const take_fn take_of[K_COUNT] = {
	[K_OP_RANGE] = take_op_range, [K_OP_MARK] = take_op_mark, [K_MEMORY] = take_memory,
	[K_TRACER_HASH] = take_tracer_hash, [K_PARAM] = take_param,
};

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

/* One TLV record of file kind k; returns 0 or AP_ENOMEM. */
static int take_record(struct loader *l, enum kind k, const struct ap_fwk_record *rec)
{
	int ret;

	l->rec_off = rec->offset;
	/* Only the first corrupt record of a file is described. */
	ret = take_of[k](l, rec, l->bad_records ? NULL : &l->rec_err);
	if (ret == AP_ENOMEM && !l->oom_what[0]) {
		snprintf(l->oom_what, sizeof(l->oom_what), "record table");
	} else if (ret < 0 && ret != AP_ENOMEM) {
		if (!l->bad_records++)
			report_bad_record(l, rec->offset, &l->rec_err);
		ret = 0;
	}
	return l->oom ? AP_ENOMEM : ret;
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
	if (r == 0 && reserve_for(l->h, k, t.w->size) < 0) {
		snprintf(l->oom_what, sizeof(l->oom_what), "record table for %llu bytes of records",
			 (unsigned long long)t.w->size);
		r = ret = AP_ENOMEM;
	}
	while (r == 0 && (r = tlv_next(&t, &rec, &e)) == 0) {
		if (take_record(l, k, &rec) < 0) {
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
	if (ret == AP_ENOMEM && !l->oom_what[0])
		snprintf(l->oom_what, sizeof(l->oom_what), "read buffer");
	ap_window_close_file(t.w);
	ap_err_release(&e);
	return ret;
}

static void take_flat(struct loader *l, enum kind k, const uint8_t *p)
{
	struct ap_host *h = l->h;

	if (k == K_GC) {
		struct ap_fwk_gc r;
		struct ap_gc *g = &h->gcs.v[h->gcs.n++];

		ap_fwk_decode_gc(p, &r);
		g->pid = r.pid;
		g->ts = local_time(l, (int64_t)r.start);
		g->end = local_time(l, (int64_t)r.end);
	} else {
		struct ap_fwk_tracer_func r;
		struct ap_pyrec *py = &h->pyrecs.v[h->pyrecs.n++];

		ap_fwk_decode_tracer_func(p, &r);
		py->ts = local_time(l, (int64_t)r.ts);
		py->pid = r.pid;
		py->tid = r.tid;
		py->key = r.key;
		py->tag = r.tag;
	}
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
		snprintf(l->oom_what, sizeof(l->oom_what), "record table of %zu records", n);
		r = AP_ENOMEM;
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
		} else {
			take_flat(l, k, w->buf + pos);
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
	if (r == AP_ENOMEM && !l->oom_what[0])
		snprintf(l->oom_what, sizeof(l->oom_what), "read buffer");
	else if (r < 0 && r != AP_ENOMEM)
		report_io(l, &e);
	ap_window_close_file(w);
	ap_err_release(&e);
	return r == AP_ENOMEM ? r : 0;
}

static void finish_file_diag(struct loader *l)
{
	char key[64];

	if (l->bad_records > 1) {
		snprintf(key, sizeof(key), "record:%s", l->file);
		ap_diag_add(l->diag, AP_DIAG_DATA_LOSS, key, l->bad_records - 1);
	}
	if (l->zero_records) {
		snprintf(key, sizeof(key), "zero:%s", l->file);
		ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key,
			       "'FRAMEWORK/%s': %lu zero-filled record%s (first at offset %zu): space never written, skipped",
			       l->file, l->zero_records, l->zero_records == 1 ? "" : "s", l->zero_off);
	}
	if (l->thread_overflow) {
		snprintf(key, sizeof(key), "threads:%s", l->file);
		ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key,
			       "'FRAMEWORK/%s': %lu record%s of threads beyond the first %u distinct (pid, tid) pairs: corrupt ids, skipped",
			       l->file, l->thread_overflow, l->thread_overflow == 1 ? "" : "s",
			       AP_THREAD_MAX);
	}
	if (l->bad_cats > 1) {
		snprintf(key, sizeof(key), "markcat:%s", l->file);
		ap_diag_add(l->diag, AP_DIAG_WARN, key, l->bad_cats - 1);
	}

	if (l->bad_utf8) {
		snprintf(key, sizeof(key), "utf8:%s", l->file);
		ap_diag_report(l->diag, AP_DIAG_WARN, key,
			       "'FRAMEWORK/%s': invalid UTF-8 in %lu string field%s (first in the record at offset %zu), written as N/A",
			       l->file, l->bad_utf8, l->bad_utf8 == 1 ? "" : "s", l->bad_utf8_off);
	}
	if (l->clamped) {
		snprintf(key, sizeof(key), "time:%s", l->file);
		ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key,
			       "'FRAMEWORK/%s': %lu timestamp%s beyond +-146 years of 1970 (first in the record at offset %zu): corrupt, clamped",
			       l->file, l->clamped, l->clamped == 1 ? "" : "s", l->clamped_off);
	}
	if (l->unknown_fields) {
		snprintf(key, sizeof(key), "tlv:%s", l->file);
		ap_diag_report(l->diag, AP_DIAG_WARN, key,
			       "'FRAMEWORK/%s': unknown field types in %lu record%s (first: type %u in the record at offset %zu); fields ignored",
			       l->file, l->unknown_fields, l->unknown_fields == 1 ? "" : "s",
			       l->unknown_id, l->unknown_off);
	}
	l->bad_utf8 = l->unknown_fields = l->clamped = l->bad_records = l->bad_cats = 0;
	l->thread_overflow = l->zero_records = 0;
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
static int detect_gen(const char *path, enum kind k, int *has_records)
{
	struct ap_err e = AP_ERR_INIT;
	struct tlv_reader t;
	struct ap_fwk_record rec;
	int gen = AP_FWK_GEN_UNKNOWN, i;

	*has_records = 0;
	struct ap_window w;

	memset(&t, 0, sizeof(t));
	ap_window_init(&w);
	t.w = &w;
	if (ap_window_open(&w, path, DETECT_WINDOW, &e) == 0) {
		for (i = 0; i < DETECT_RECORDS && gen == AP_FWK_GEN_UNKNOWN &&
			    tlv_next(&t, &rec, &e) == 0;
		     i++) {
			*has_records = 1;
			gen = k == K_OP_RANGE ? ap_fwk_detect_gen(rec.payload, rec.len)
					      : ap_fwk_detect_gen_mark(rec.payload, rec.len);
		}
	}
	ap_window_close(&w);
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
		l->h->gen = detect_gen(path, k, &has_records);
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
		struct ap_window w;
		char path[4096];

		if (!files[k])
			continue;
		file_path(l, files[k], path, sizeof(path));
		ap_window_init(&w);
		if (ap_window_open(&w, path, 0, &e) < 0) {
			char key[64];

			snprintf(key, sizeof(key), "open:%s", files[k]);
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'FRAMEWORK/%s': %s",
				       files[k], ap_err_text(&e));
			files[k] = NULL;
		}
		ap_window_close(&w);
		ap_err_release(&e);
	}
}

int ap_fwk_load(const char *fwk_dir, const struct ap_timeconv *tc, struct ap_host *h,
		struct ap_diag *diag, struct ap_err *err)
{
	struct loader l;
	const char *files[K_COUNT];
	struct ap_strlist names = { NULL, 0, 0 };
	size_t i;
	int ret, k;

	memset(&l, 0, sizeof(l));
	l.dir = fwk_dir;
	l.tc = tc;
	l.h = h;
	l.diag = diag;
	ap_err_init(&l.rec_err);
	ap_window_init(&l.win);
	if (ap_u64map_init(&l.thread_idx, 64) < 0) {
		ap_err_release(&l.rec_err);
		return ap_err_set(err, AP_ENOMEM, "out of memory decoding '%s'", fwk_dir);
	}
	ret = ap_dir_list(fwk_dir, &names, err);
	if (ret < 0) {
		ap_strlist_release(&names);
		ap_err_release(&l.rec_err);
		ap_u64map_release(&l.thread_idx);
		return ret;
	}
	for (k = 0; k < K_COUNT; k++)
		files[k] = pick(&names, kind_tag[k]);
	for (i = 0; i < sizeof(g1_tracer_tag) / sizeof(*g1_tracer_tag); i++) {
		const char *f = pick(&names, g1_tracer_tag[i]);

		if (f)
			ap_diag_report(diag, AP_DIAG_DATA_LOSS, f,
				       "'FRAMEWORK/%s': unsupported layout: python tracer file of torch_npu 6.0.rc1/rc2 writers (spec §3.10); its Python events are not analysed",
				       f);
	}
	check_files(&l, files);
	/* One writer produced every file of a dump: op_range decides the generation, else
	 * op_mark decides the TLV numbering (§3.10). */
	choose_gen(&l, files);
	h->has_op_mark = files[K_OP_MARK] != NULL;
	h->has_tracer = files[K_TRACER_FUNC] && files[K_TRACER_HASH];
	if (files[K_OP_MARK])
		snprintf(h->op_mark_file, sizeof(h->op_mark_file), "%s", files[K_OP_MARK]);
	if (files[K_TRACER_FUNC])
		snprintf(h->tracer_func_file, sizeof(h->tracer_func_file), "%s",
			 files[K_TRACER_FUNC]);
	for (k = 0; k < K_COUNT && ret == 0; k++) {
		char path[4096];

		if (!files[k])
			continue;
		l.file = files[k];
		file_path(&l, files[k], path, sizeof(path));
		if (k == K_TRACER_FUNC || k == K_GC)
			ret = load_flat_file(&l, (enum kind)k, path);
		else
			ret = load_tlv_file(&l, (enum kind)k, path);
		finish_file_diag(&l);
	}
	if (ret < 0)
		ret = ap_err_set(err, ret, "'FRAMEWORK/%s': out of memory (%s)", l.file,
				 l.oom_what[0] ? l.oom_what : "records");
	ap_strlist_release(&names);
	ap_err_release(&l.rec_err);
	ap_window_close(&l.win);
	ap_u64map_release(&l.thread_idx);
	return ret;
}
