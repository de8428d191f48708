/* rt-invert: turn a real torch_npu trace_view.json back into a raw dump.
 *
 * Usage: rt-invert TRACE_VIEW_JSON OUT_DUMP_DIR
 *
 * Round-trip test support (tests/roundtrip/rt_level1.sh). Reads the framework
 * part of an analysed trace_view.json and writes OUT_DUMP_DIR/profiler_info_0.json
 * and OUT_DUMP_DIR/FRAMEWORK/{torch.op_range, torch.op_mark,
 * torch.python_tracer_func, torch.python_tracer_hash} in the current (G3)
 * layout of ../shared/specs/torch_npu_ascend_pt.md §3, by inverting the mapping
 * of §8.1 (items 1, 2, 3 and 6) and §7.2:
 *
 *  - cpu_op X event          -> one op_range record (§3.3), trace_view order;
 *  - enqueue / dequeue X     -> op_mark start + end markers (§3.4), written
 *                               time-sorted so that §7.2's pairing rebuilds them;
 *  - python_function X event -> tracer call/return records (§3.6) and hash
 *                               entries (§3.7) laid out so that §8.1 item 6's
 *                               per-thread replay gives the same Python ids.
 *
 * Timestamps: profiler_info says syscnt_enable=false and end_info
 * {collectionTimeEnd: D, MonotonicTimeEnd: 0}, so the analyser computes
 * local = raw + D (§4); raw = local - D here.
 *
 * This is a test generator, not a decoder: it is allowed to be simple. It
 * prints counts (and every event it could not invert faithfully) on stderr and
 * exits 0 when everything was inverted, 1 when something was not (the dump is
 * still written), 2 on usage or I/O errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <jansson.h>

#define TIME_OFFSET_D INT64_C(1000000000) /* local = raw + D (§4, end_info path) */

/* §3.2 record type ids (FwkDataType) */
#define REC_OP_RANGE 1
#define REC_OP_MARK 2
#define REC_TRACER_HASH 4

/* §3.3 op_range: 58-byte fixed part (G3), TLV ids */
#define OP_RANGE_FIXED 58
#define OPR_NAME 2
#define OPR_INPUT_TYPE 3
#define OPR_INPUT_DIMS 4
#define OPR_CALL_STACK 8
#define OPR_MODULE_HIER 9
#define OPR_FLOPS 10

/* §3.4 op_mark: 40-byte fixed part, TLV 1 = name, categories */
#define OP_MARK_FIXED 40
#define OPM_NAME 1
#define MARK_ENQ_START 0
#define MARK_ENQ_END 1
#define MARK_DEQ_START 2
#define MARK_DEQ_END 3

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

static const char *prog = "rt-invert";
static unsigned long n_failed; /* events not inverted faithfully */
static unsigned long n_fail_printed;

static void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Record (and, for the first 50, print) one event that cannot round-trip. */
static void fail(const char *fmt, ...)
{
	va_list ap;

	n_failed++;
	if (n_fail_printed >= 50)
		return;
	n_fail_printed++;
	fprintf(stderr, "%s: cannot invert: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void die_oom(void)
{
	fprintf(stderr, "%s: out of memory\n", prog);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom();
	return q;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

#define GROW(arr, n, cap)                                                     \
	do {                                                                  \
		if ((n) == (cap)) {                                           \
			(cap) = (cap) ? 2 * (cap) : 64;                       \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr)));      \
		}                                                             \
	} while (0)

/* ---- little-endian output buffer ---- */

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void buf_put(struct buf *b, const void *src, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap - b->len < n)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void buf_le(struct buf *b, uint64_t v, unsigned width)
{
	unsigned char tmp[8];

	for (unsigned i = 0; i < width; i++)
		tmp[i] = (unsigned char)(v >> (8 * i));
	buf_put(b, tmp, width);
}

static void put_u8(struct buf *b, uint64_t v) { buf_le(b, v, 1); }
static void put_u16(struct buf *b, uint64_t v) { buf_le(b, v, 2); }
static void put_u32(struct buf *b, uint64_t v) { buf_le(b, v, 4); }
static void put_u64(struct buf *b, uint64_t v) { buf_le(b, v, 8); }
static void put_i64(struct buf *b, int64_t v) { buf_le(b, (uint64_t)v, 8); }

/* Patch the u32 length of the record whose header starts at @hdr. */
static void end_record(struct buf *b, size_t hdr)
{
	uint64_t len = b->len - hdr - 6;

	for (unsigned i = 0; i < 4; i++)
		b->p[hdr + 2 + i] = (unsigned char)(len >> (8 * i));
}

static size_t begin_record(struct buf *b, unsigned type)
{
	size_t hdr = b->len;

	put_u16(b, type);
	put_u32(b, 0);
	return hdr;
}

static void put_tlv(struct buf *b, unsigned id, const char *s, size_t n)
{
	put_u16(b, id);
	put_u32(b, n);
	buf_put(b, s, n);
}

static int write_file(const char *dir, const char *name, const struct buf *b)
{
	char path[4096];
	FILE *f;
	int bad, n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "%s: path too long '%s/%s'\n", prog, dir, name);
		return -1;
	}
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "%s: cannot create '%s': %s\n", prog, path, strerror(errno));
		return -1;
	}
	bad = b->len && fwrite(b->p, 1, b->len, f) != b->len;
	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", prog, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- field helpers ---- */

/* §4 "µs string → ns", restricted to what a faithful inverse needs: digits,
 * '.', exactly three digits. Returns 0 and fills *ns, or -1. */
static int ts_to_ns(const char *s, int64_t *ns)
{
	int64_t v = 0;
	size_t i = 0, ndig = 0, nfrac = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++, ndig++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (!ndig || s[i] != '.')
		return -1;
	for (i++; s[i] >= '0' && s[i] <= '9'; i++, nfrac++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (s[i] != '\0' || nfrac != 3)
		return -1;
	*ns = v;
	return 0;
}

/* Parse an X event's ts/dur into local ns start/end. Checks that the analyser's
 * ns→µs formatting (§4: dur = ns/1000 as double) gives the same values back. */
static int event_times(const json_t *ev, const char *what, size_t idx, int64_t *start, int64_t *end)
{
	const json_t *jts = json_object_get(ev, "ts");
	const json_t *jdur = json_object_get(ev, "dur");
	double dur, back;
	long long dns;

	if (!json_is_string(jts) || ts_to_ns(json_string_value(jts), start) < 0) {
		fail("%s event %zu: ts is not a µs string with 3 decimals", what, idx);
		return -1;
	}
	if (!json_is_number(jdur)) {
		fail("%s event %zu (ts %s): dur is not a number", what, idx, json_string_value(jts));
		return -1;
	}
	dur = json_number_value(jdur);
	if (!isfinite(dur) || fabs(dur) > 9e12) {
		fail("%s event %zu (ts %s): dur %.17g out of range", what, idx, json_string_value(jts), dur);
		return -1;
	}
	dns = llround(dur * 1000.0);
	back = (double)dns / 1000.0;
	if (back != dur) {
		fail("%s event %zu (ts %s): dur %.17g is not ns/1000 of an integer", what, idx,
		     json_string_value(jts), dur);
		return -1;
	}
	*end = *start + dns;
	return 0;
}

static int get_int(const json_t *obj, const char *key, json_int_t *out)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* Undo §8.1's ";" → ";\r\n" for Input Dims / Input type / Call stack. */
static char *undo_crlf(const char *s, size_t n, size_t *outn)
{
	char *d = xrealloc(NULL, n + 1);
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		d[j++] = s[i];
		if (s[i] == ';' && i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n')
			i += 2;
	}
	d[j] = '\0';
	*outn = j;
	return d;
}

/* ---- cpu_op → torch.op_range ---- */

struct arg_tlv {
	const char *key;
	unsigned id;
	int crlf; /* §8.1: ';' was expanded to ";\r\n" */
};

/* In TLV id order, which is the writer's order. */
static const struct arg_tlv op_args[] = {
	{ "Input type", OPR_INPUT_TYPE, 1 },
	{ "Input Dims", OPR_INPUT_DIMS, 1 },
	{ "Call stack", OPR_CALL_STACK, 1 },
	{ "Module Hierarchy", OPR_MODULE_HIER, 0 },
	{ "flops", OPR_FLOPS, 0 },
};

static int invert_cpu_op(struct buf *b, const json_t *ev, size_t idx)
{
	const json_t *args = json_object_get(ev, "args");
	const json_t *jname = json_object_get(ev, "name");
	json_int_t pid, tid, seq, fwd;
	int64_t start, end;
	const char *key;
	const json_t *val;
	size_t hdr;

	if (event_times(ev, "cpu_op", idx, &start, &end) < 0)
		return -1;
	if (!json_is_string(jname) || get_int(ev, "pid", &pid) < 0 || get_int(ev, "tid", &tid) < 0 ||
	    !json_is_object(args) || get_int(args, "Sequence number", &seq) < 0 ||
	    get_int(args, "Fwd thread id", &fwd) < 0) {
		fail("cpu_op event %zu: missing name/pid/tid/Sequence number/Fwd thread id", idx);
		return -1;
	}
	json_object_foreach((json_t *)args, key, val) {
		int known = !strcmp(key, "Sequence number") || !strcmp(key, "Fwd thread id");

		for (size_t i = 0; i < sizeof(op_args) / sizeof(op_args[0]); i++)
			if (!strcmp(key, op_args[i].key)) {
				known = 1;
				if (!json_is_string(val)) {
					fail("cpu_op event %zu: arg '%s' is not a string", idx, key);
					return -1;
				}
			}
		if (!known) {
			fail("cpu_op event %zu: arg '%s' has no op_range field", idx, key);
			return -1;
		}
	}

	hdr = begin_record(b, REC_OP_RANGE);
	put_i64(b, start - TIME_OFFSET_D);
	put_i64(b, end - TIME_OFFSET_D);
	put_i64(b, (int64_t)seq);
	put_u64(b, (uint64_t)pid);
	put_u64(b, (uint64_t)tid); /* start thread */
	put_u64(b, (uint64_t)tid); /* end thread (unused by analysis) */
	put_u64(b, (uint64_t)fwd);
	put_u8(b, 0); /* scope: FUNCTION */
	put_u8(b, 0); /* is_async */
	put_tlv(b, OPR_NAME, json_string_value(jname), json_string_length(jname));
	for (size_t i = 0; i < sizeof(op_args) / sizeof(op_args[0]); i++) {
		const json_t *v = json_object_get(args, op_args[i].key);
		size_t n = 0;
		char *s;

		if (!v)
			continue;
		if (op_args[i].crlf) {
			s = undo_crlf(json_string_value(v), json_string_length(v), &n);
			put_tlv(b, op_args[i].id, s, n);
			free(s);
		} else {
			put_tlv(b, op_args[i].id, json_string_value(v), json_string_length(v));
		}
	}
	end_record(b, hdr);
	return 0;
}

/* ---- enqueue / dequeue → torch.op_mark ---- */

struct mark {
	int64_t time; /* local ns */
	int order;    /* tie-break class, see add_marks() */
	size_t seq;
	unsigned category;
	uint64_t corr, tid, pid;
	const char *name;
	size_t name_len;
};

struct marks {
	struct mark *v;
	size_t n, cap;
};

static void add_mark(struct marks *m, int64_t t, int order, unsigned cat, uint64_t corr,
		     uint64_t tid, uint64_t pid, const char *name, size_t name_len)
{
	GROW(m->v, m->n, m->cap);
	m->v[m->n] = (struct mark){ .time = t, .order = order, .seq = m->n, .category = cat,
				    .corr = corr, .tid = tid, .pid = pid, .name = name,
				    .name_len = name_len };
	m->n++;
}

/* One X event → start + end marker. §7.2 sorts markers by time (stably) and
 * pairs an end with the last start of the same (tid, name), so at equal times
 * the file must hold: ends of earlier events, then zero-length events (start
 * then end), then starts of later-ending events. */
static void add_marks(struct marks *m, int64_t start, int64_t end, unsigned cat_start,
		      uint64_t corr_start, uint64_t corr, uint64_t tid, uint64_t pid,
		      const char *name, size_t name_len)
{
	if (start == end) {
		add_mark(m, start, 1, cat_start, corr_start, tid, pid, name, name_len);
		add_mark(m, end, 1, cat_start + 1, corr, tid, pid, name, name_len);
	} else {
		add_mark(m, start, 2, cat_start, corr_start, tid, pid, name, name_len);
		add_mark(m, end, 0, cat_start + 1, corr, tid, pid, name, name_len);
	}
}

static int cmp_mark(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void write_marks(struct buf *b, struct marks *m)
{
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), cmp_mark);
	for (size_t i = 0; i < m->n; i++) {
		const struct mark *k = &m->v[i];
		size_t hdr = begin_record(b, REC_OP_MARK);

		put_i64(b, k->time - TIME_OFFSET_D);
		put_u64(b, k->category);
		put_u64(b, k->corr);
		put_u64(b, k->tid);
		put_u64(b, k->pid);
		put_tlv(b, OPM_NAME, k->name, k->name_len);
		end_record(b, hdr);
	}
}

/* corr id → dequeue op name, for the enqueue markers' names */
struct corr_name {
	uint64_t corr;
	const char *name;
	size_t len;
};

static int cmp_corr(const void *a, const void *b)
{
	const struct corr_name *x = a, *y = b;

	return x->corr < y->corr ? -1 : x->corr > y->corr;
}

/* ---- python_function → torch.python_tracer_{func,hash} ---- */

/* String → hash key table (open addressing, FNV-1a). Keys are 1, 2, 3, …
 * in first-use order; the real writer uses a hash, which the analyser never
 * interprets. */
struct strtab {
	char **str;
	size_t *len;
	size_t n, cap;
	size_t *slot; /* index+1, 0 = empty */
	size_t nslot;
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static void strtab_rehash(struct strtab *t)
{
	size_t nslot = t->nslot ? 2 * t->nslot : 256;

	free(t->slot);
	t->slot = calloc(nslot, sizeof(*t->slot));
	if (!t->slot)
		die_oom();
	t->nslot = nslot;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = fnv1a(t->str[i], t->len[i]) & (nslot - 1);

		while (t->slot[h])
			h = (h + 1) & (nslot - 1);
		t->slot[h] = i + 1;
	}
}

/* Returns the key (index + 1) of @s, adding it if new. */
static uint64_t strtab_key(struct strtab *t, const char *s, size_t n)
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
		t->str = xrealloc(t->str, t->cap * sizeof(*t->str));
		t->len = xrealloc(t->len, t->cap * sizeof(*t->len));
	}
	t->str[t->n] = xstrndup(s, n);
	t->len[t->n] = n;
	t->slot[h] = ++t->n;
	return t->n;
}

struct frame {
	int64_t start, end; /* local ns */
	long long id, parent;
	uint64_t pid, key;
	int c_call;
	size_t idx; /* event index, for messages */
	const char *ts; /* ts string, for messages */
};

struct pythread {
	uint64_t tid;
	struct frame *f;
	size_t n, cap;
};

struct tracer_stats {
	unsigned long frames, calls, returns, stray_returns, unclosed, module_calls;
};

static void put_tracer(struct buf *b, int64_t t, uint64_t tid, uint64_t pid, uint64_t key, unsigned tag)
{
	put_u64(b, (uint64_t)(t - TIME_OFFSET_D));
	put_u64(b, tid);
	put_u64(b, pid);
	put_u64(b, key);
	put_u8(b, tag);
}

static int cmp_frame_id(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Lay out one thread's records so that the §8.1 item 6 replay (stable sort by
 * ts, Python id = position of the call in the sorted list of all records)
 * reproduces every frame: position id of the sequence is that frame's call;
 * every other position is a return, which pops the top frame and carries its
 * end time. Records are written in sequence order with non-decreasing times,
 * so ties keep file order under a stable sort. */
static void invert_thread(struct buf *b, struct pythread *th, uint64_t exit_key, struct tracer_stats *st)
{
	struct frame **stack = xrealloc(NULL, (th->n + 1) * sizeof(*stack));
	size_t sp = 0;
	long long pos = 0;
	int64_t last = INT64_MIN, maxt = INT64_MIN, written_max = INT64_MIN;
	uint64_t pid = th->n ? th->f[0].pid : 0;

	if (th->n)
		qsort(th->f, th->n, sizeof(*th->f), cmp_frame_id);
	for (size_t i = 0; i < th->n; i++) {
		if (th->f[i].start > maxt)
			maxt = th->f[i].start;
		if (th->f[i].end > maxt)
			maxt = th->f[i].end;
		if (i && th->f[i].id == th->f[i - 1].id)
			fail("python_function event %zu (tid %" PRIu64 "): duplicate Python id %lld",
			     th->f[i].idx, th->tid, th->f[i].id);
	}
	for (size_t i = 0; i < th->n; i++) {
		struct frame *f = &th->f[i];
		long long want_parent;

		if (f->id < pos) /* duplicate, reported above */
			continue;
		while (pos < f->id) {
			/* a return record at this position */
			if (sp) {
				struct frame *top = stack[--sp];

				if (top->end < last)
					fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): "
					     "ends before an earlier record of its thread", top->idx,
					     th->tid, top->id, top->ts);
				put_tracer(b, top->end, th->tid, top->pid, exit_key,
					   top->c_call ? TAG_C_RETURN : TAG_PY_RETURN);
				last = top->end > last ? top->end : last;
				st->returns++;
			} else {
				/* return without a frame (the profiler started inside it) */
				int64_t t = last == INT64_MIN ? f->start : last;

				put_tracer(b, t, th->tid, pid, exit_key, TAG_PY_RETURN);
				last = t;
				st->stray_returns++;
			}
			if (last > written_max)
				written_max = last;
			pos++;
		}
		want_parent = sp ? stack[sp - 1]->id : 0;
		if (want_parent != f->parent)
			fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): parent id %lld, "
			     "replay gives %lld", f->idx, th->tid, f->id, f->ts, f->parent, want_parent);
		if (f->start < last)
			fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): starts before "
			     "an earlier record of its thread", f->idx, th->tid, f->id, f->ts);
		put_tracer(b, f->start, th->tid, f->pid, f->key, f->c_call ? TAG_C_CALL : TAG_PY_CALL);
		last = f->start > last ? f->start : last;
		if (last > written_max)
			written_max = last;
		stack[sp++] = f;
		st->calls++;
		pos++;
	}
	/* Trailing returns for frames that end before the thread's last time;
	 * the rest stay open and the replay closes them at the maximum record
	 * time, which must then be their end. */
	while (sp && (stack[sp - 1]->end < maxt || written_max < maxt)) {
		struct frame *top = stack[--sp];

		if (top->end < last)
			fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): ends before "
			     "an earlier record of its thread", top->idx, th->tid, top->id, top->ts);
		put_tracer(b, top->end, th->tid, top->pid, exit_key,
			   top->c_call ? TAG_C_RETURN : TAG_PY_RETURN);
		last = top->end > last ? top->end : last;
		if (last > written_max)
			written_max = last;
		st->returns++;
	}
	for (size_t i = 0; i < sp; i++) {
		if (stack[i]->end != written_max)
			fail("python_function event %zu (tid %" PRIu64 ", id %lld, ts %s): left open but "
			     "does not end at the thread's last time", stack[i]->idx, th->tid,
			     stack[i]->id, stack[i]->ts);
		st->unclosed++;
	}
	free(stack);
}

/* nn.Module calls: "nn.Module: {Class}_{n}" with args "Python module id" n.
 * The hash string is "{Class}######{address}"; one fake address per
 * (Class, n), so that the per-thread first-seen numbering gives n again. */
static uint64_t module_key(struct strtab *hash, struct strtab *modules, const char *name,
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
		fail("python_function event %zu: module name '%s' does not end in '%s'", idx, name, suffix);
		return strtab_key(hash, name, len);
	}
	clen = len - plen - slen;
	mod = strtab_key(modules, name, len); /* (Class, n) identity */
	w = snprintf(value, sizeof(value), "%.*s" MODULE_DELIM "0x7ffe%08" PRIx64, (int)clen,
		     name + plen, mod * 16);
	if (w < 0 || (size_t)w >= sizeof(value)) {
		fail("python_function event %zu: module name too long", idx);
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

static int add_frame(struct pythread **threads, size_t *nthreads, size_t *cthreads,
		     struct strtab *hash, struct strtab *modules, const json_t *ev, size_t idx,
		     struct tracer_stats *st)
{
	const json_t *args = json_object_get(ev, "args");
	const json_t *jname = json_object_get(ev, "name");
	json_int_t pid, tid, id, parent, modid;
	struct pythread *th = NULL;
	struct frame f = { 0 };
	const char *name;
	size_t len;

	if (event_times(ev, "python_function", idx, &f.start, &f.end) < 0)
		return -1;
	if (!json_is_string(jname) || get_int(ev, "pid", &pid) < 0 || get_int(ev, "tid", &tid) < 0 ||
	    !json_is_object(args) || get_int(args, "Python id", &id) < 0 ||
	    get_int(args, "Python parent id", &parent) < 0 || id < 0) {
		fail("python_function event %zu: missing name/pid/tid/Python id/Python parent id", idx);
		return -1;
	}
	if (json_object_size(args) > 2 + (json_object_get(args, "Python module id") != NULL)) {
		fail("python_function event %zu: unexpected args", idx);
		return -1;
	}
	name = json_string_value(jname);
	len = json_string_length(jname);
	f.id = id;
	f.parent = parent;
	f.pid = (uint64_t)pid;
	f.idx = idx;
	f.ts = json_string_value(json_object_get(ev, "ts"));
	if (get_int(args, "Python module id", &modid) == 0) {
		f.key = module_key(hash, modules, name, len, modid, idx);
		st->module_calls++;
	} else {
		f.key = strtab_key(hash, name, len);
		/* The replay renames Py calls whose name holds the delimiter; a C
		 * call keeps its name. */
		f.c_call = !strncmp(name, "<built-in", 9) || has_delim(name, len);
	}
	for (size_t i = 0; i < *nthreads; i++)
		if ((*threads)[i].tid == (uint64_t)tid)
			th = &(*threads)[i];
	if (!th) {
		GROW(*threads, *nthreads, *cthreads);
		th = &(*threads)[(*nthreads)++];
		*th = (struct pythread){ .tid = (uint64_t)tid };
	}
	GROW(th->f, th->n, th->cap);
	th->f[th->n++] = f;
	st->frames++;
	return 0;
}

/* ---- profiler_info_0.json ---- */

static int write_profiler_info(const char *dir)
{
	char path[4096];
	json_t *root;
	int rc, n = snprintf(path, sizeof(path), "%s/profiler_info_0.json", dir);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	root = json_pack(
		"{s:{s:{s:[s],s:n,s:b,s:b,s:b,s:b,s:b},"
		"s:{s:s,s:s,s:b,s:b,s:b,s:b,s:[s],s:b,s:n}},"
		"s:{s:b,s:i,s:i,s:i},"
		"s:{s:I,s:I},"
		"s:i}",
		"config",
		"common_config", "activities", "ProfilerActivity.CPU", "schedule",
		"record_shapes", 1, "profile_memory", 0, "with_stack", 1, "with_flops", 0,
		"with_modules", 1,
		"experimental_config", "_profiler_level", "Level1", "_aic_metrics",
		"ACL_AICORE_PIPE_UTILIZATION", "_l2_cache", 0, "_msprof_tx", 0,
		"_data_simplification", 1, "record_op_args", 0, "_export_type", "text", "_op_attr", 0,
		"_gc_detect_threshold",
		"start_info", "syscnt_enable", 0, "freq", 100, "start_cnt", 0, "start_monotonic", 0,
		"end_info", "collectionTimeEnd", (json_int_t)TIME_OFFSET_D, "MonotonicTimeEnd",
		(json_int_t)0,
		"rank_id", 0);
	if (!root) {
		fprintf(stderr, "%s: cannot build profiler_info\n", prog);
		return -1;
	}
	rc = json_dump_file(root, path, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc) {
		fprintf(stderr, "%s: cannot write '%s'\n", prog, path);
		return -1;
	}
	return 0;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST) {
		fprintf(stderr, "%s: cannot create '%s': %s\n", prog, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- driver ---- */

struct inv {
	struct buf op_range, op_mark, tr_func, tr_hash;
	struct marks marks;
	struct corr_name *deq; /* sorted by corr */
	size_t ndeq, cdeq;
	struct pythread *threads;
	size_t nthreads, cthreads;
	struct strtab hash, modules;
	struct tracer_stats st;
	unsigned long n_ops, n_enq, n_deq, n_other;
};

static void strtab_release(struct strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->str[i]);
	free(t->str);
	free(t->len);
	free(t->slot);
}

static void inv_release(struct inv *v)
{
	for (size_t i = 0; i < v->nthreads; i++)
		free(v->threads[i].f);
	free(v->threads);
	strtab_release(&v->hash);
	strtab_release(&v->modules);
	free(v->marks.v);
	free(v->deq);
	free(v->op_range.p);
	free(v->op_mark.p);
	free(v->tr_func.p);
	free(v->tr_hash.p);
}

static int is_cat(const json_t *ev, const char *cat)
{
	const json_t *c = json_object_get(ev, "cat");

	return json_is_string(c) && !strcmp(json_string_value(c), cat);
}

/* Dequeue op names by correlation id: the enqueue markers need them (§7.2). */
static void collect_dequeue_names(struct inv *v, const json_t *root)
{
	size_t i;
	const json_t *ev;

	json_array_foreach(root, i, ev) {
		const json_t *jn = json_object_get(ev, "name");
		json_int_t corr;

		if (!is_cat(ev, "dequeue") || !json_is_string(jn) ||
		    get_int(json_object_get(ev, "args"), "correlation_id", &corr) < 0 ||
		    strncmp(json_string_value(jn), "Dequeue@", 8))
			continue;
		GROW(v->deq, v->ndeq, v->cdeq);
		v->deq[v->ndeq++] = (struct corr_name){ .corr = (uint64_t)corr,
							.name = json_string_value(jn) + 8,
							.len = json_string_length(jn) - 8 };
	}
	if (v->ndeq)
		qsort(v->deq, v->ndeq, sizeof(*v->deq), cmp_corr);
}

/* enqueue / dequeue X event → two op_mark markers (§3.4, §7.2). */
static void invert_queue_event(struct inv *v, const json_t *ev, int is_deq, size_t idx)
{
	const char *cat = is_deq ? "dequeue" : "enqueue";
	const json_t *jn = json_object_get(ev, "name");
	json_int_t pid, tid, corr;
	int64_t start, end;
	const char *name;
	size_t len;

	if (event_times(ev, cat, idx, &start, &end) < 0)
		return;
	if (!json_is_string(jn) || get_int(ev, "pid", &pid) < 0 || get_int(ev, "tid", &tid) < 0 ||
	    get_int(json_object_get(ev, "args"), "correlation_id", &corr) < 0) {
		fail("%s event %zu: missing name/pid/tid/correlation_id", cat, idx);
		return;
	}
	name = json_string_value(jn);
	len = json_string_length(jn);
	if (is_deq && strncmp(name, "Dequeue@", 8)) {
		fail("dequeue event %zu: name '%s' lacks 'Dequeue@'", idx, name);
		return;
	} else if (is_deq) {
		name += 8;
		len -= 8;
	} else {
		struct corr_name key = { .corr = (uint64_t)corr }, *hit;

		hit = v->ndeq ? bsearch(&key, v->deq, v->ndeq, sizeof(*v->deq), cmp_corr) : NULL;
		if (hit) {
			name = hit->name;
			len = hit->len;
		} else if (!strncmp(name, "Enqueue@", 8)) {
			name += 8;
			len -= 8;
		} else {
			fail("enqueue event %zu: no dequeue with correlation_id %lld and no '@name'", idx,
			     (long long)corr);
			return;
		}
	}
	/* enqueue start carries no correlation id; the other three do */
	add_marks(&v->marks, start, end, is_deq ? MARK_DEQ_START : MARK_ENQ_START,
		  is_deq ? (uint64_t)corr : 0, (uint64_t)corr, (uint64_t)tid, (uint64_t)pid, name, len);
	if (is_deq)
		v->n_deq++;
	else
		v->n_enq++;
}

static void invert_all(struct inv *v, const json_t *root)
{
	size_t i;
	const json_t *ev;

	json_array_foreach(root, i, ev) {
		const json_t *jph = json_object_get(ev, "ph");

		if (!json_is_string(jph) || strcmp(json_string_value(jph), "X"))
			v->n_other++;
		else if (is_cat(ev, "cpu_op"))
			v->n_ops += invert_cpu_op(&v->op_range, ev, i) == 0;
		else if (is_cat(ev, "enqueue") || is_cat(ev, "dequeue"))
			invert_queue_event(v, ev, is_cat(ev, "dequeue"), i);
		else if (is_cat(ev, "python_function"))
			add_frame(&v->threads, &v->nthreads, &v->cthreads, &v->hash, &v->modules, ev, i,
				  &v->st);
		else
			v->n_other++;
	}
}

static int write_dump(struct inv *v, const char *dir)
{
	char fwk[4096];
	int n = snprintf(fwk, sizeof(fwk), "%s/FRAMEWORK", dir);

	if (n < 0 || (size_t)n >= sizeof(fwk)) {
		fprintf(stderr, "%s: path too long '%s'\n", prog, dir);
		return -1;
	}
	if (make_dir(dir) < 0 || make_dir(fwk) < 0 || write_profiler_info(dir) < 0 ||
	    write_file(fwk, "torch.op_range", &v->op_range) < 0 ||
	    (v->op_mark.len && write_file(fwk, "torch.op_mark", &v->op_mark) < 0) ||
	    (v->tr_func.len && write_file(fwk, "torch.python_tracer_func", &v->tr_func) < 0) ||
	    (v->tr_func.len && write_file(fwk, "torch.python_tracer_hash", &v->tr_hash) < 0))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct inv v = { 0 };
	json_error_t jerr;
	json_t *root;
	uint64_t exit_key;
	int ret = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: %s TRACE_VIEW_JSON OUT_DUMP_DIR\n", prog);
		return 2;
	}
	root = json_load_file(argv[1], 0, &jerr);
	if (!root || !json_is_array(root)) {
		fprintf(stderr, "%s: cannot read '%s': %s (line %d)\n", prog, argv[1],
			root ? "not a JSON array" : jerr.text, jerr.line);
		json_decref(root);
		return 2;
	}

	collect_dequeue_names(&v, root);
	exit_key = strtab_key(&v.hash, TRACER_EXIT_NAME, strlen(TRACER_EXIT_NAME));
	invert_all(&v, root); /* trace_view order = op_range file order (§7.1) */

	write_marks(&v.op_mark, &v.marks);
	for (size_t i = 0; i < v.nthreads; i++)
		invert_thread(&v.tr_func, &v.threads[i], exit_key, &v.st);
	for (size_t i = 0; i < v.hash.n; i++) {
		size_t hdr = begin_record(&v.tr_hash, REC_TRACER_HASH);

		put_u64(&v.tr_hash, i + 1);
		put_tlv(&v.tr_hash, HASH_VALUE_TLV, v.hash.str[i], v.hash.len[i]);
		end_record(&v.tr_hash, hdr);
	}
	if (write_dump(&v, argv[2]) < 0)
		goto out;

	fprintf(stderr,
		"%s: cpu_op %lu -> op_range records %lu\n"
		"%s: enqueue %lu, dequeue %lu -> op_mark records %zu\n"
		"%s: python_function %lu (%lu nn.Module) on %zu thread(s) -> tracer records %lu "
		"(calls %lu, returns %lu, returns without a frame %lu; %lu frame(s) left open), "
		"hash entries %zu\n"
		"%s: other events skipped %lu; events not inverted faithfully %lu\n",
		prog, v.n_ops, v.n_ops, prog, v.n_enq, v.n_deq, v.marks.n, prog, v.st.frames,
		v.st.module_calls, v.nthreads, v.st.calls + v.st.returns + v.st.stray_returns,
		v.st.calls, v.st.returns, v.st.stray_returns, v.st.unclosed, v.hash.n, prog,
		v.n_other, n_failed);
	ret = n_failed ? 1 : 0;
out:
	inv_release(&v);
	json_decref(root);
	return ret;
}
