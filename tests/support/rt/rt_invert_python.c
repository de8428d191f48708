/*
 * rt_invert_python.c — python_function X events → torch.python_tracer_func call / return records (§3.6) and
 * torch.python_tracer_hash entries (§3.7), laid out so that the per-thread replay of §8.1 item 6 gives the
 * same Python ids, parents and nn.Module numbers back.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rt_invert_local.h"

/* §3.2 record type id (FwkDataType) */
#define REC_TRACER_HASH 4

/* §3.6 / §3.7 python tracer */
#define TRACER_FUNC_SIZE 33
#define TAG_PY_CALL 0
#define TAG_PY_RETURN 1
#define TAG_C_CALL 2
#define TAG_C_RETURN 3
#define HASH_VALUE_TLV 1
#define TRACER_EXIT_NAME "__torch_npu_profiler_python_tracer_exit"
#define MODULE_DELIM "######"
#define MODULE_PREFIX "nn.Module: "

/* struct ap_rt_strtab: open addressing, FNV-1a. Keys are 1, 2, 3, … in
 * first-use order; the real writer uses a hash, which the analyser never
 * interprets. */
static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static void strtab_rehash(struct ap_rt_strtab *t)
{
	size_t nslot = t->nslot ? 2 * t->nslot : 256;

	free(t->slot);
	t->slot = calloc(nslot, sizeof(*t->slot));
	if (!t->slot)
		ap_rt__die_oom();
	t->nslot = nslot;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = fnv1a(t->str[i], t->len[i]) & (nslot - 1);

		while (t->slot[h])
			h = (h + 1) & (nslot - 1);
		t->slot[h] = i + 1;
	}
}

/* Returns the key (index + 1) of @s, adding it if new. */
static uint64_t strtab_key(struct ap_rt_strtab *t, const char *s, size_t n)
{
	size_t h;

	if (2 * (t->n + 1) > t->nslot)
		strtab_rehash(t);
	h = fnv1a(s, n) & (t->nslot - 1);
	while (t->slot[h]) {
		size_t i = t->slot[h] - 1;

		if (t->len[i] == n && !memcmp(t->str[i], s, n))
			return i + 1;
		h = (h + 1) & (t->nslot - 1);
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->str = ap_rt__xrealloc(t->str, t->cap * sizeof(*t->str));
		t->len = ap_rt__xrealloc(t->len, t->cap * sizeof(*t->len));
	}
	t->str[t->n] = ap_rt__xstrndup(s, n);
	t->len[t->n] = n;
	t->slot[h] = ++t->n;
	return t->n;
}

static void put_tracer(struct ap_rt_buf *b, int64_t t, uint64_t tid, uint64_t pid, uint64_t key, unsigned tag)
{
	put_u64(b, (uint64_t)(t - AP_RT_TIME_OFFSET_D));
	put_u64(b, tid);
	put_u64(b, pid);
	put_u64(b, key);
	put_u8(b, tag);
}

static int cmp_frame_id(const void *a, const void *b)
{
	const struct ap_rt_frame *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* One thread's replay state while invert_thread lays out its records. */
struct replay {
	struct ap_rt_buf *b;
	const struct ap_rt_pythread *th;
	uint64_t exit_key;
	struct ap_rt_tracer_stats *st;
	struct ap_rt_frame **stack;
	size_t sp;
	int64_t last, written_max; /* latest record time so far; the maximum time written */
};

/* A return record for the top frame: it pops that frame and carries its end time. */
static void pop_return(struct replay *r)
{
	struct ap_rt_frame *top = r->stack[--r->sp];

	if (top->end < r->last)
		ap_rt__fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): "
			    "ends before an earlier record of its thread", top->idx,
			    r->th->tid, top->id, top->ts);
	put_tracer(r->b, top->end, r->th->tid, top->pid, r->exit_key,
		   top->c_call ? TAG_C_RETURN : TAG_PY_RETURN);
	r->last = top->end > r->last ? top->end : r->last;
	if (r->last > r->written_max)
		r->written_max = r->last;
	r->st->returns++;
}

/* A return without a frame (the profiler started inside it), at the latest time so far or else at start. */
static void stray_return(struct replay *r, int64_t start, uint64_t pid)
{
	int64_t t = r->last == INT64_MIN ? start : r->last;

	put_tracer(r->b, t, r->th->tid, pid, r->exit_key, TAG_PY_RETURN);
	r->last = t;
	if (r->last > r->written_max)
		r->written_max = r->last;
	r->st->stray_returns++;
}

/* The call record of frame f, which the replay must make a child of the top frame. */
static void push_call(struct replay *r, struct ap_rt_frame *f)
{
	long long want_parent = r->sp ? r->stack[r->sp - 1]->id : 0;

	if (want_parent != f->parent)
		ap_rt__fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): parent id %lld, "
			    "replay gives %lld", f->idx, r->th->tid, f->id, f->ts, f->parent, want_parent);
	if (f->start < r->last)
		ap_rt__fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): starts before "
			    "an earlier record of its thread", f->idx, r->th->tid, f->id, f->ts);
	put_tracer(r->b, f->start, r->th->tid, f->pid, f->key, f->c_call ? TAG_C_CALL : TAG_PY_CALL);
	r->last = f->start > r->last ? f->start : r->last;
	if (r->last > r->written_max)
		r->written_max = r->last;
	r->stack[r->sp++] = f;
	r->st->calls++;
}

/* Sorts th's frames by Python id and reports duplicates; returns the thread's latest start or end. */
static int64_t sort_frames(struct ap_rt_pythread *th)
{
	int64_t maxt = INT64_MIN;

	if (th->n)
		qsort(th->f, th->n, sizeof(*th->f), cmp_frame_id);
	for (size_t i = 0; i < th->n; i++) {
		if (th->f[i].start > maxt)
			maxt = th->f[i].start;
		if (th->f[i].end > maxt)
			maxt = th->f[i].end;
		if (i && th->f[i].id == th->f[i - 1].id)
			ap_rt__fail("python_function event %zu (tid %" PRIu64 "): duplicate Python id %lld",
				    th->f[i].idx, th->tid, th->f[i].id);
	}
	return maxt;
}

/* Lay out one thread's records so that the §8.1 item 6 replay (stable sort by
 * ts, Python id = position of the call in the sorted list of all records)
 * reproduces every frame: position id of the sequence is that frame's call;
 * every other position is a return, which pops the top frame and carries its
 * end time. Records are written in sequence order with non-decreasing times,
 * so ties keep file order under a stable sort. */
static void invert_thread(struct ap_rt_buf *b, struct ap_rt_pythread *th, uint64_t exit_key,
			  struct ap_rt_tracer_stats *st)
{
	struct replay r = { .b = b, .th = th, .exit_key = exit_key, .st = st,
			    .last = INT64_MIN, .written_max = INT64_MIN };
	uint64_t pid = th->n ? th->f[0].pid : 0; /* of the first event, before sorting */
	long long pos = 0;
	int64_t maxt;

	r.stack = ap_rt__xrealloc(NULL, (th->n + 1) * sizeof(*r.stack));
	maxt = sort_frames(th);
	for (size_t i = 0; i < th->n; i++) {
		struct ap_rt_frame *f = &th->f[i];

		if (f->id < pos) /* duplicate, reported above */
			continue;
		for (; pos < f->id; pos++) /* a return record at this position */
			if (r.sp)
				pop_return(&r);
			else
				stray_return(&r, f->start, pid);
		push_call(&r, f);
		pos++;
	}
	/* Trailing returns for frames that end before the thread's last time;
	 * the rest stay open and the replay closes them at the maximum record
	 * time, which must then be their end. */
	while (r.sp && (r.stack[r.sp - 1]->end < maxt || r.written_max < maxt))
		pop_return(&r);
	for (size_t i = 0; i < r.sp; i++) {
		if (r.stack[i]->end != r.written_max)
			ap_rt__fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): left open but "
				    "does not end at the thread's last time", r.stack[i]->idx, th->tid,
				    r.stack[i]->id, r.stack[i]->ts);
		st->unclosed++;
	}
	free(r.stack);
}

/* nn.Module calls: "nn.Module: {Class}_{n}" with args "Python module id" n.
 * The hash string is "{Class}######{address}"; one fake address per
 * (Class, n), so that the per-thread first-seen numbering gives n again. */
static uint64_t module_key(struct ap_rt_strtab *hash, struct ap_rt_strtab *modules, const char *name,
			   size_t len, long long n, size_t idx)
{
	const size_t plen = strlen(MODULE_PREFIX);
	char suffix[32], value[4096];
	size_t slen, clen;
	uint64_t mod;
	int w;

	w = snprintf(suffix, sizeof(suffix), "_%lld", n);
	slen = (size_t)w;
	if (len < plen + slen || memcmp(name, MODULE_PREFIX, plen) ||
	    memcmp(name + len - slen, suffix, slen)) {
		ap_rt__fail("python_function event %zu: module name '%s' does not end in '%s'", idx, name, suffix);
		return strtab_key(hash, name, len);
	}
	clen = len - plen - slen;
	mod = strtab_key(modules, name, len); /* (Class, n) identity */
	w = snprintf(value, sizeof(value), "%.*s" MODULE_DELIM "0x7ffe%08" PRIx64, (int)clen,
		     name + plen, mod * 16);
	if (w < 0 || (size_t)w >= sizeof(value)) {
		ap_rt__fail("python_function event %zu: module name too long", idx);
		return strtab_key(hash, name, len);
	}
	return strtab_key(hash, value, (size_t)w);
}

static int has_delim(const char *s, size_t n)
{
	const size_t dl = strlen(MODULE_DELIM);

	for (size_t i = 0; i + dl <= n; i++)
		if (!memcmp(s + i, MODULE_DELIM, dl))
			return 1;
	return 0;
}

/* The thread with this tid, added on first use. */
static struct ap_rt_pythread *thread_of(struct ap_rt_python *py, uint64_t tid)
{
	struct ap_rt_pythread *th = NULL;

	for (size_t i = 0; i < py->nthreads; i++)
		if (py->threads[i].tid == tid)
			th = &py->threads[i];
	if (!th) {
		AP_RT_GROW(py->threads, py->nthreads, py->cthreads);
		th = &py->threads[py->nthreads++];
		*th = (struct ap_rt_pythread){ .tid = tid };
	}
	return th;
}

int ap_rt__python_add(struct ap_rt_python *py, const json_t *ev, size_t idx)
{
	const json_t *args = json_object_get(ev, "args");
	const json_t *jname = json_object_get(ev, "name");
	json_int_t pid, tid, id, parent, modid;
	struct ap_rt_pythread *th;
	struct ap_rt_frame f = { 0 };
	const char *name;
	size_t len;

	if (ap_rt__event_times(ev, "python_function", idx, &f.start, &f.end) < 0)
		return -1;
	if (!json_is_string(jname) || ap_rt__get_int(ev, "pid", &pid) < 0 || ap_rt__get_int(ev, "tid", &tid) < 0 ||
	    !json_is_object(args) || ap_rt__get_int(args, "Python id", &id) < 0 ||
	    ap_rt__get_int(args, "Python parent id", &parent) < 0 || id < 0) {
		ap_rt__fail("python_function event %zu: missing name/pid/tid/Python id/Python parent id", idx);
		return -1;
	}
	if (json_object_size(args) > 2 + (json_object_get(args, "Python module id") != NULL)) {
		ap_rt__fail("python_function event %zu: unexpected args", idx);
		return -1;
	}
	name = json_string_value(jname);
	len = json_string_length(jname);
	f.id = id;
	f.parent = parent;
	f.pid = (uint64_t)pid;
	f.idx = idx;
	f.ts = json_string_value(json_object_get(ev, "ts"));
	if (ap_rt__get_int(args, "Python module id", &modid) == 0) {
		f.key = module_key(&py->hash, &py->modules, name, len, modid, idx);
		py->st.module_calls++;
	} else {
		f.key = strtab_key(&py->hash, name, len);
		/* The replay renames Py calls whose name holds the delimiter; a C
		 * call keeps its name. */
		f.c_call = !strncmp(name, "<built-in", 9) || has_delim(name, len);
	}
	th = thread_of(py, (uint64_t)tid);
	AP_RT_GROW(th->f, th->n, th->cap);
	th->f[th->n++] = f;
	py->st.frames++;
	return 0;
}

void ap_rt__python_init(struct ap_rt_python *py)
{
	*py = (struct ap_rt_python){ 0 };
	py->exit_key = strtab_key(&py->hash, TRACER_EXIT_NAME, strlen(TRACER_EXIT_NAME));
}

void ap_rt__python_write(struct ap_rt_python *py, struct ap_rt_buf *func, struct ap_rt_buf *hash)
{
	for (size_t i = 0; i < py->nthreads; i++)
		invert_thread(func, &py->threads[i], py->exit_key, &py->st);
	for (size_t i = 0; i < py->hash.n; i++) {
		size_t hdr = begin_record(hash, REC_TRACER_HASH);

		put_u64(hash, i + 1);
		put_tlv(hash, HASH_VALUE_TLV, py->hash.str[i], py->hash.len[i]);
		end_record(hash, hdr);
	}
}

static void strtab_release(struct ap_rt_strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->str[i]);
	free(t->str);
	free(t->len);
	free(t->slot);
}

void ap_rt__python_release(struct ap_rt_python *py)
{
	for (size_t i = 0; i < py->nthreads; i++)
		free(py->threads[i].f);
	free(py->threads);
	strtab_release(&py->hash);
	strtab_release(&py->modules);
}
