/* FRAMEWORK directory -> host model (spec torch_npu_ascend_pt.md §3, §7.1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/file.h"
#include "ap/fwk.h"
#include "ap/fwk_load.h"
#include "../../base/banned.h"

enum kind { K_OP_RANGE, K_OP_MARK, K_MEMORY, K_TRACER_FUNC, K_TRACER_HASH, K_PARAM, K_GC, K_COUNT };

static const char *const kind_tag[K_COUNT] = {
	"torch.op_range",         "torch.op_mark",         "torch.memory_usage",
	"torch.python_tracer_func", "torch.python_tracer_hash", "torch.param_tensor_info",
	"torch.gc_record",
};

/* Files of the G1 writers' python tracer (§3.10), which we do not decode. */
static const char *const g1_tracer_tag[] = { "torch.python_func_call", "torch.python_module_call" };

#define STREAM_WINDOW ((size_t)64 << 20)

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
	if (!id)
		l->oom = 1;
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
	op = ap_vec_push(&l->h->ops);
	if (!op)
		return AP_ENOMEM;
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

static int take_op_mark(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_fwk_op_mark r;
	struct ap_mark *m;

	AP_FORWARD_IF_ERROR(ap_fwk_decode_op_mark(rec->payload, rec->len,
						  (enum ap_fwk_gen)l->h->gen, &r, e));
	note_unknown(l, r.unknown_field, rec->offset);
	if (r.category > AP_DEQUEUE_END) {
		char key[64];

		snprintf(key, sizeof(key), "markcat:%s", l->file);
		ap_diag_report(l->diag, AP_DIAG_WARN, key,
			       "'FRAMEWORK/%s': record at offset %zu: unknown marker category %llu; skipped",
			       l->file, rec->offset, (unsigned long long)r.category);
		return 0;
	}
	m = ap_vec_push(&l->h->marks);
	if (!m)
		return AP_ENOMEM;
	m->ts = local_time(l, r.time);
	m->off = rec->offset;
	m->pid = r.pid;
	m->tid = r.tid;
	m->corr = r.corr;
	m->cat = (uint8_t)r.category;
	m->name = r.name.p ? intern(l, r.name) : AP_STR_EMPTY;
	return 0;
}

static int take_memory(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_fwk_memory r;
	struct ap_mem *m;

	AP_FORWARD_IF_ERROR(ap_fwk_decode_memory(rec->payload, rec->len, &r, e));
	m = ap_vec_push(&l->h->mems);
	if (!m)
		return AP_ENOMEM;
	m->ts = local_time(l, r.time);
	m->ptr = r.ptr;
	m->alloc_size = r.alloc_size;
	m->total_alloc = r.total_alloc;
	m->total_reserved = r.total_reserved;
	m->total_active = r.total_active;
	m->stream = r.stream;
	m->pid = r.pid;
	m->tid = r.tid;
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
	ph = ap_vec_push(&l->h->pyhash);
	if (!ph)
		return AP_ENOMEM;
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

/* One TLV record of file kind k; returns 0 or AP_ENOMEM. */
static int take_record(struct loader *l, enum kind k, const struct ap_fwk_record *rec)
{
	struct ap_err e = AP_ERR_INIT;
	int ret;

	l->rec_off = rec->offset;
	ret = take_of[k](l, rec, &e);
	if (ret < 0 && ret != AP_ENOMEM) {
		report_bad_record(l, rec->offset, &e);
		ret = 0;
	}
	if (l->oom)
		ret = AP_ENOMEM;
	ap_err_release(&e);
	return ret;
}

static int load_tlv_file(struct loader *l, enum kind k, const struct ap_map *m)
{
	struct ap_cursor c;
	struct ap_fwk_record rec;
	struct ap_err e = AP_ERR_INIT;
	size_t next_release = STREAM_WINDOW;
	int r;

	ap_cursor_init(&c, m->data, m->len);
	while ((r = ap_fwk_next_record(&c, &rec, &e)) == 0) {
		if (take_record(l, k, &rec) < 0) {
			ap_err_release(&e);
			return AP_ENOMEM;
		}
		if (c.pos >= next_release) {
			/* Strings are interned, so consumed pages can go. */
			ap_file_map_done((struct ap_map *)m, c.pos);
			next_release = c.pos + STREAM_WINDOW;
		}
	}
	if (r < 0)
		report_cut(l, c.pos, m->len, &e);
	ap_err_release(&e);
	return 0;
}

static int load_flat_file(struct loader *l, enum kind k, const struct ap_map *m)
{
	size_t sz = k == K_GC ? AP_FWK_GC_SIZE : AP_FWK_TRACER_FUNC_SIZE;
	size_t n = m->len / sz, i;
	struct ap_host *h = l->h;

	if (k == K_GC ? ap_vec_reserve(&h->gcs, n) < 0 : ap_vec_reserve(&h->pyrecs, n) < 0)
		return AP_ENOMEM;
	for (i = 0; i < n; i++) {
		const uint8_t *p = m->data + i * sz;

		l->rec_off = i * sz;
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
	if (m->len % sz) {
		char key[64];

		snprintf(key, sizeof(key), "cut:%s", l->file);
		ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key,
			       "'FRAMEWORK/%s': offset %zu: last record cut off (%zu of %zu bytes); %zu bytes skipped",
			       l->file, n * sz, m->len % sz, sz, m->len % sz);
	}
	return 0;
}

static void finish_file_diag(struct loader *l)
{
	char key[64];

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
	l->bad_utf8 = l->unknown_fields = l->clamped = 0;
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

/* Generation from the first records of a mapped file (the first one recognised among the
 * first DETECT_RECORDS); *has_records says whether the file holds any whole record. */
static int detect_gen(const struct ap_map *m, enum kind k, int *has_records)
{
	struct ap_err e = AP_ERR_INIT;
	struct ap_cursor c;
	struct ap_fwk_record rec;
	int gen = AP_FWK_GEN_UNKNOWN, i;

	*has_records = 0;
	ap_cursor_init(&c, m->data, m->len);
	for (i = 0; i < DETECT_RECORDS && gen == AP_FWK_GEN_UNKNOWN &&
		    ap_fwk_next_record(&c, &rec, &e) == 0;
	     i++) {
		*has_records = 1;
		gen = k == K_OP_RANGE ? ap_fwk_detect_gen(rec.payload, rec.len)
				      : ap_fwk_detect_gen_mark(rec.payload, rec.len);
	}
	ap_err_release(&e);
	return gen;
}

/* Sets h->gen from op_range, else op_mark (§3.10). A file whose records match no writer
 * generation cannot be decoded: it is reported and dropped from files[]. */
static void choose_gen(struct loader *l, const char **files, struct ap_map *maps)
{
	static const enum kind probe[] = { K_OP_RANGE, K_OP_MARK };
	size_t i;

	l->h->gen = AP_FWK_GEN_UNKNOWN;
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]) && l->h->gen == AP_FWK_GEN_UNKNOWN; i++) {
		enum kind k = probe[i];
		int has_records;

		if (!files[k])
			continue;
		l->h->gen = detect_gen(&maps[k], k, &has_records);
		if (l->h->gen == AP_FWK_GEN_UNKNOWN && has_records) {
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, files[k],
				       "'FRAMEWORK/%s': unsupported layout: the name field of its first records matches no known torch_npu writer generation (spec §3.10); file not decoded",
				       files[k]);
			files[k] = NULL;
			ap_file_unmap(&maps[k]);
		}
	}
	if (l->h->gen == AP_FWK_GEN_UNKNOWN)
		l->h->gen = AP_FWK_GEN3;
}

/* Maps every chosen file once; one that cannot be read is reported and dropped. */
static void map_files(struct loader *l, const char **files, struct ap_map *maps)
{
	int k;

	for (k = 0; k < K_COUNT; k++) {
		struct ap_err e = AP_ERR_INIT;
		char path[4096];

		if (!files[k])
			continue;
		snprintf(path, sizeof(path), "%s/%s", l->dir, files[k]);
		if (ap_file_map(path, &maps[k], &e) < 0) {
			char key[64];

			snprintf(key, sizeof(key), "open:%s", files[k]);
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'FRAMEWORK/%s': %s",
				       files[k], ap_err_text(&e));
			files[k] = NULL;
		}
		ap_err_release(&e);
	}
}

int ap_fwk_load(const char *fwk_dir, const struct ap_timeconv *tc, struct ap_host *h,
		struct ap_diag *diag, struct ap_err *err)
{
	struct loader l;
	const char *files[K_COUNT];
	struct ap_map maps[K_COUNT];
	struct ap_strlist names = { NULL, 0, 0 };
	size_t i;
	int ret, k;

	memset(&l, 0, sizeof(l));
	memset(maps, 0, sizeof(maps));
	l.dir = fwk_dir;
	l.tc = tc;
	l.h = h;
	l.diag = diag;
	ret = ap_dir_list(fwk_dir, &names, err);
	if (ret < 0) {
		ap_strlist_release(&names);
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
	map_files(&l, files, maps);
	/* One writer produced every file of a dump: op_range decides the generation, else
	 * op_mark decides the TLV numbering (§3.10). */
	choose_gen(&l, files, maps);
	h->has_op_mark = files[K_OP_MARK] != NULL;
	h->has_tracer = files[K_TRACER_FUNC] && files[K_TRACER_HASH];
	if (files[K_OP_MARK])
		snprintf(h->op_mark_file, sizeof(h->op_mark_file), "%s", files[K_OP_MARK]);
	if (files[K_TRACER_FUNC])
		snprintf(h->tracer_func_file, sizeof(h->tracer_func_file), "%s",
			 files[K_TRACER_FUNC]);
	for (k = 0; k < K_COUNT && ret == 0; k++) {
		if (!files[k])
			continue;
		l.file = files[k];
		if (reserve_for(h, (enum kind)k, maps[k].len) < 0)
			ret = AP_ENOMEM;
		else if (k == K_TRACER_FUNC || k == K_GC)
			ret = load_flat_file(&l, (enum kind)k, &maps[k]);
		else
			ret = load_tlv_file(&l, (enum kind)k, &maps[k]);
		finish_file_diag(&l);
		ap_file_unmap(&maps[k]);
	}
	for (k = 0; k < K_COUNT; k++)
		ap_file_unmap(&maps[k]);
	ap_strlist_release(&names);
	if (ret < 0)
		return ap_err_set(err, ret, "out of memory decoding '%s'", fwk_dir);
	return 0;
}
