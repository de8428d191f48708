/* The records of each FRAMEWORK file kind into the host model (spec torch_npu_ascend_pt.md
 * §3.3-§3.9, §7.1), and the per-file reports of what could not be taken. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwk_load_local.h"
#include "../../base/banned.h"

int ap_fwk__oom(struct loader *l, const char *fmt, ...)
{
	va_list ap;

	if (!l->oom_what[0]) {
		va_start(ap, fmt);
		vsnprintf(l->oom_what, sizeof(l->oom_what), fmt, ap);
		va_end(ap);
	}
	return AP_ENOMEM;
}

static uint32_t intern(struct loader *l, struct ap_bytes b)
{
	int bad = 0;
	uint32_t id;

	if (!b.p)
		return AP_STR_NONE;
	id = ap_strtab_intern(&l->h->strs, b.p, b.len, &bad);
	if (!id)
		ap_fwk__oom(l, "string table of %u strings", l->h->strs.n);
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

/* Numbers (pid, tid) in t, the table of the file's kind, into l->last_thread (a loader reads
 * the files of one such table). Returns 0, AP_ENOMEM, or AP_EINVAL when the ids are corrupt
 * (more distinct threads than AP_THREAD_MAX): the record is then to be skipped, and is
 * counted. */
static int thread_of(struct loader *l, struct ap_thread_vec *t, uint64_t pid, uint64_t tid)
{
	int ret;

	if (l->n_recent > 0 && pid == l->recent[0].pid && tid == l->recent[0].tid) {
		l->last_thread = l->recent[0].thread;
		return 0;
	}
	if (l->n_recent > 1 && pid == l->recent[1].pid && tid == l->recent[1].tid) {
		l->last_thread = l->recent[1].thread;
	} else {
		ret = ap_thread_number(t, &l->thread_idx, pid, tid, &l->last_thread);
		if (ret == AP_EINVAL)
			l->thread_overflow++;
		if (ret < 0)
			return ret;
		if (l->n_recent < 2)
			l->n_recent++;
	}
	l->recent[1] = l->recent[0];
	l->recent[0].pid = pid;
	l->recent[0].tid = tid;
	l->recent[0].thread = l->last_thread;
	return 0;
}

static void fill_mark(struct loader *l, struct ap_mark *m, const struct ap_fwk_op_mark *r,
		      size_t off)
{
	m->ts = local_time(l, r->time);
	m->off = off;
	m->thread = l->last_thread;
	m->corr = r->corr;
	m->cat = (uint32_t)r->category;
	m->name = r->name.p ? intern(l, r->name) : AP_STR_EMPTY;
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
	ret = thread_of(l, &l->h->threads, r.pid, r.tid);
	if (ret == AP_EINVAL)
		return 0;
	if (ret < 0)
		return ret;
	l->h->n_marks++;
	if (l->sink) {
		struct ap_mark mk;

		if (l->sink_full)
			return 0;
		fill_mark(l, &mk, &r, rec->offset);
		ret = l->sink->add(l->sink->ctx, l->h->threads.v[l->last_thread].tid, &mk);
		l->sink_full = ret == 1;
		return ret == 1 ? 0 : ret;
	}
	if (ap_vec_reserve(&l->h->marks, 1) < 0)
		return AP_ENOMEM;
	m = &l->h->marks.v[l->h->marks.n++];
	fill_mark(l, m, &r, rec->offset);
	return 0;
}

static int take_memory(struct loader *l, const struct ap_fwk_record *rec, struct ap_err *e)
{
	struct ap_fwk_memory r;
	struct ap_mem *m;
	int ret;

	AP_FORWARD_IF_ERROR(ap_fwk_decode_memory(rec->payload, rec->len, &r, e));
	ret = thread_of(l, &l->h->memthreads, r.pid, r.tid);
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

/* One TLV record of file kind k; returns 0 or AP_ENOMEM. */
int ap_fwk__take_record(struct loader *l, enum kind k, const struct ap_fwk_record *rec)
{
	int ret;

	l->rec_off = rec->offset;
	/* Only the first corrupt record of a file is described. An empty record is shorter than
	 * the fixed part of every kind: after the first, which its decoder describes, such
	 * records (a zero-filled tail is millions of them) are counted without decoding. */
	if (rec->len == 0 && l->bad_records) {
		l->bad_records++;
		return 0;
	}
	ret = take_of[k](l, rec, l->bad_records ? NULL : &l->rec_err);
	if (ret == AP_ENOMEM) {
		ap_fwk__oom(l, "record table");
	} else if (ret < 0) {
		if (!l->bad_records++)
			report_bad_record(l, rec->offset, &l->rec_err);
		ret = 0;
	}
	return l->oom_what[0] ? AP_ENOMEM : ret; /* interning may have failed */
}

int ap_fwk__take_flat(struct loader *l, enum kind k, const uint8_t *p)
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
		struct ap_pyrec *py;
		int ret;

		ap_fwk_decode_tracer_func(p, &r);
		ret = thread_of(l, &h->pythreads, r.pid, r.tid);
		if (ret < 0)
			return ret == AP_EINVAL ? 0 : ret;
		py = &h->pyrecs.v[h->pyrecs.n++];
		py->ts = local_time(l, (int64_t)r.ts);
		py->thread = l->last_thread;
		py->key = r.key;
		py->tag = r.tag;
	}
	return 0;
}

void ap_fwk__finish_file(struct loader *l)
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
