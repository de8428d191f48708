/*
 * rt_invert_local.h — private to rt-invert (tests/support/rt/): the output buffer and its little-endian
 * writers, and what the rt-invert files share (ap_rt__*, CONVENTIONS §2). What rt-invert does is described
 * at the top of rt_invert_main.c.
 *
 *   rt_invert_main.c    command line, the pass over trace_view.json, profiler_info_0.json, the dump directory
 *   rt_invert_util.c    failure reporting, memory, output buffer and files, event time and field helpers
 *   rt_invert_ops.c     cpu_op → torch.op_range, enqueue / dequeue → torch.op_mark
 *   rt_invert_python.c  python_function → torch.python_tracer_func / torch.python_tracer_hash
 */
#ifndef AP_TESTS_SUPPORT_RT_RT_INVERT_LOCAL_H
#define AP_TESTS_SUPPORT_RT_RT_INVERT_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define AP_RT_PROG "rt-invert"

#define AP_RT_TIME_OFFSET_DEFAULT INT64_C(1000000000)
/* local = raw + D (§4, end_info path); D is the optional third argument of rt-invert */
extern int64_t ap_rt__offset_d;
#define AP_RT_TIME_OFFSET_D ap_rt__offset_d

#define AP_RT_GROW(arr, n, cap)                                               \
	do {                                                                  \
		if ((n) == (cap)) {                                           \
			(cap) = (cap) ? 2 * (cap) : 64;                       \
			(arr) = ap_rt__xrealloc((arr), (cap) * sizeof(*(arr))); \
		}                                                             \
	} while (0)

/* ---- rt_invert_util.c ---- */

/* Counts (and, for the first 50, prints) one event that cannot round-trip. */
void ap_rt__fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* How many events ap_rt__fail counted. */
unsigned long ap_rt__failures(void);
/* Prints "out of memory" and exits 2. */
_Noreturn void ap_rt__die_oom(void);
void *ap_rt__xrealloc(void *p, size_t n);
char *ap_rt__xstrndup(const char *s, size_t n);

struct ap_rt_buf {
	unsigned char *p;
	size_t len, cap;
};

void ap_rt__buf_put(struct ap_rt_buf *b, const void *src, size_t n);

static inline void buf_le(struct ap_rt_buf *b, uint64_t v, unsigned width)
{
	unsigned char tmp[8];

	for (unsigned i = 0; i < width; i++)
		tmp[i] = (unsigned char)(v >> (8 * i));
	ap_rt__buf_put(b, tmp, width);
}

static inline void put_u8(struct ap_rt_buf *b, uint64_t v) { buf_le(b, v, 1); }
static inline void put_u16(struct ap_rt_buf *b, uint64_t v) { buf_le(b, v, 2); }
static inline void put_u32(struct ap_rt_buf *b, uint64_t v) { buf_le(b, v, 4); }
static inline void put_u64(struct ap_rt_buf *b, uint64_t v) { buf_le(b, v, 8); }
static inline void put_i64(struct ap_rt_buf *b, int64_t v) { buf_le(b, (uint64_t)v, 8); }

/* §3.2 record header (u16 type, u32 length); returns where it starts, for end_record. */
static inline size_t begin_record(struct ap_rt_buf *b, unsigned type)
{
	size_t hdr = b->len;

	put_u16(b, type);
	put_u32(b, 0);
	return hdr;
}

/* Patch the u32 length of the record whose header starts at @hdr. */
static inline void end_record(struct ap_rt_buf *b, size_t hdr)
{
	uint64_t len = b->len - hdr - 6;

	for (unsigned i = 0; i < 4; i++)
		b->p[hdr + 2 + i] = (unsigned char)(len >> (8 * i));
}

static inline void put_tlv(struct ap_rt_buf *b, unsigned id, const char *s, size_t n)
{
	put_u16(b, id);
	put_u32(b, n);
	ap_rt__buf_put(b, s, n);
}

/* Writes dir/name; prints the failure and returns -1. */
int ap_rt__write_file(const char *dir, const char *name, const struct ap_rt_buf *b);
/* mkdir that accepts an existing directory; prints the failure and returns -1. */
int ap_rt__make_dir(const char *path);
/* An X event's ts/dur as local ns; -1 (after ap_rt__fail) when they cannot be inverted exactly. */
int ap_rt__event_times(const json_t *ev, const char *what, size_t idx, int64_t *start, int64_t *end);
/* obj[key] when it is an integer, else -1. */
int ap_rt__get_int(const json_t *obj, const char *key, json_int_t *out);
/* 1 when ev's "cat" is the string cat. */
int ap_rt__is_cat(const json_t *ev, const char *cat);

/* ---- rt_invert_ops.c ---- */

/* cpu_op X event → one op_range record (§3.3) appended to b; -1 (after ap_rt__fail) when not invertible. */
int ap_rt__invert_cpu_op(struct ap_rt_buf *b, const json_t *ev, size_t idx);

struct ap_rt_mark {
	int64_t time; /* local ns */
	int order;    /* tie-break class, see add_marks() */
	size_t seq;
	unsigned category;
	uint64_t corr, tid, pid;
	const char *name;
	size_t name_len;
};

/* corr id → dequeue op name, for the enqueue markers' names */
struct ap_rt_corr_name {
	uint64_t corr;
	const char *name;
	size_t len;
};

/* The enqueue / dequeue events, as op_mark markers; names borrowed from the JSON document. */
struct ap_rt_queue {
	struct ap_rt_mark *v;
	size_t n, cap;
	struct ap_rt_corr_name *deq; /* sorted by corr */
	size_t ndeq, cdeq;
	unsigned long n_enq, n_deq;
};

/* Dequeue op names by correlation id, from every dequeue event of root: the enqueue markers need them. */
void ap_rt__queue_collect_names(struct ap_rt_queue *q, const json_t *root);
/* enqueue / dequeue X event → start + end marker. */
void ap_rt__queue_add(struct ap_rt_queue *q, const json_t *ev, int is_deq, size_t idx);
/* Sorts the markers as §7.2 pairs them and appends them to b as op_mark records (§3.4). */
void ap_rt__queue_write(struct ap_rt_buf *b, struct ap_rt_queue *q);
void ap_rt__queue_release(struct ap_rt_queue *q);

/* ---- rt_invert_python.c ---- */

/* String → hash key table: keys are 1, 2, 3, … in first-use order. */
struct ap_rt_strtab {
	char **str;
	size_t *len;
	size_t n, cap;
	size_t *slot; /* index+1, 0 = empty */
	size_t nslot;
};

struct ap_rt_frame {
	int64_t start, end; /* local ns */
	long long id, parent;
	uint64_t pid, key;
	int c_call;
	size_t idx;     /* event index, for messages */
	const char *ts; /* ts string, for messages */
};

struct ap_rt_pythread {
	uint64_t tid;
	struct ap_rt_frame *f;
	size_t n, cap;
};

struct ap_rt_tracer_stats {
	unsigned long frames, calls, returns, stray_returns, unclosed, module_calls;
};

struct ap_rt_python {
	struct ap_rt_pythread *threads;
	size_t nthreads, cthreads;
	struct ap_rt_strtab hash, modules;
	struct ap_rt_tracer_stats st;
	uint64_t exit_key;
};

/* Zeroes py and gives the tracer exit name its hash key (the first, 1). */
void ap_rt__python_init(struct ap_rt_python *py);
/* python_function X event → one frame of its thread; -1 (after ap_rt__fail) when not invertible. */
int ap_rt__python_add(struct ap_rt_python *py, const json_t *ev, size_t idx);
/* Appends every thread's tracer records to func (§3.6) and the hash table to hash (§3.7). */
void ap_rt__python_write(struct ap_rt_python *py, struct ap_rt_buf *func, struct ap_rt_buf *hash);
void ap_rt__python_release(struct ap_rt_python *py);

#endif
