/* Output files: buffered, written to NAME.tmp and renamed into place on commit (CONVENTIONS §7).
 * A failed write is sticky and reported by ap_out_commit. */
#ifndef AP_OUT_H
#define AP_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ap/err.h"
#include "ap/strbuf.h"
#include "ap/strtab.h"

#define AP_OUT_BUFSZ (1u << 18)

struct ap_out {
	int fd;
	int failed;        /* errno of the first failure, 0 if none */
	char *path;        /* final path */
	char *tmp;         /* path + ".tmp" */
	size_t len;        /* bytes in buf */
	uint64_t flushed;  /* bytes handed to the file so far (see drop_behind) */
	unsigned char *buf;
	struct ap_strbuf *mem; /* memory sink instead of a file (see ap_esc_cache), or NULL */
};

/* Creates dir/name.tmp. Returns 0 or AP_EIO/AP_ENOMEM with err set. */
int ap_out_open(struct ap_out *o, const char *dir, const char *name, struct ap_err *err);
/* n bytes (1 to 64) from p to d as two fixed-size copies that overlap, instead of a memcpy
 * call: short pieces (numbers, separators, cached strings, row tails) are most of the output. */
static inline void ap_copy_short(void *dst, const void *p, size_t n)
{
	unsigned char *d = (unsigned char *)dst;
	const unsigned char *q = (const unsigned char *)p;

	if (n > 32) {
		memcpy(d, q, 32);
		memcpy(d + n - 32, q + n - 32, 32);
	} else if (n > 16) {
		memcpy(d, q, 16);
		memcpy(d + n - 16, q + n - 16, 16);
	} else if (n >= 8) {
		memcpy(d, q, 8);
		memcpy(d + n - 8, q + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, q, 4);
		memcpy(d + n - 4, q + n - 4, 4);
	} else {
		d[0] = q[0];
		d[n / 2] = q[n / 2];
		d[n - 1] = q[n - 1];
	}
}
/* Slow path of ap_out_write: flushes, or writes large blocks directly. */
void ap_out__write_slow(struct ap_out *o, const void *p, size_t n);
static inline void ap_out_write(struct ap_out *o, const void *p, size_t n)
{
	unsigned char *d = o->buf + o->len;

	if (n - 1 < 64 && AP_OUT_BUFSZ - o->len >= 64) {
		ap_copy_short(d, p, n);
		o->len += n;
		return;
	}
	if (n <= AP_OUT_BUFSZ - o->len && n) {
		memcpy(d, p, n);
		o->len += n;
		return;
	}
	ap_out__write_slow(o, p, n);
}
/* Empties the buffer into the file (or the memory sink). */
void ap_out__flush(struct ap_out *o);
/* A cursor for writers that format straight into the buffer: room for n bytes (n <=
 * AP_OUT_BUFSZ), flushing first when there is less. The caller writes at most n bytes from the
 * returned position, then hands back the end of what it wrote with ap_out_advance; nothing
 * else may write to o in between. */
static inline char *ap_out_room(struct ap_out *o, size_t n)
{
	if (AP_OUT_BUFSZ - o->len < n)
		ap_out__flush(o);
	return (char *)o->buf + o->len;
}
static inline void ap_out_advance(struct ap_out *o, const char *end)
{
	o->len = (size_t)((const unsigned char *)end - o->buf);
}
/* The string literal s at cursor p, which moves past it. */
#define AP_CUR_LIT(p, s) ((void)memcpy((p), (s), sizeof(s) - 1), (p) += sizeof(s) - 1)
/* The text s of len bytes (len <= cap) at cursor p, copied as one block of fixed size: 32
 * bytes when cap is more and len fits, else cap bytes. s and the room at p must both hold the
 * block, which reaches past the text. With cap a constant, the copy is a few vector moves:
 * a copy of a length known only at run time is a call, or a slow string instruction, for
 * texts this short. Returns the cursor after the text. */
static inline char *ap_cur_text(char *p, const char *s, size_t len, size_t cap)
{
	if (cap > 32 && len <= 32)
		memcpy(p, s, 32);
	else
		memcpy(p, s, cap);
	return p + len;
}
static inline void ap_out_putc(struct ap_out *o, char c)
{
	if (o->len == AP_OUT_BUFSZ)
		ap_out_write(o, NULL, 0);
	o->buf[o->len++] = (unsigned char)c;
}
static inline void ap_out_puts(struct ap_out *o, const char *s)
{
	ap_out_write(o, s, strlen(s)); /* a literal's length is known where this is inlined */
}
/* Flushes, closes and renames into place. Returns 0 or AP_EIO (the temp file removed). */
int ap_out_commit(struct ap_out *o, struct ap_err *err);
/* Closes and removes the temp file; accepts a never-opened (zeroed) struct. */
void ap_out_abort(struct ap_out *o);

/* A file body in pieces that are formatted independently of each other and written in order,
 * so that several threads can format one file. piece(o, w, i, first, ctx) formats piece i into
 * o and returns 0, or AP_ENOMEM when it could not (the file is then to be given up); w is worker
 * state of worker_size bytes, zeroed and set up by init (may be NULL) before a
 * worker's first piece and torn down by release (may be NULL) after its last: every piece a
 * worker formats sees the same w. first is the writer's "no element written yet" flag: a piece
 * puts sep (sep_len bytes) before each element only when *first is 0, and clears *first. */
struct ap_pieces {
	size_t n;
	int (*piece)(struct ap_out *o, void *w, size_t i, int *first, const void *ctx);
	int (*init)(void *w, const void *ctx); /* returns 0 or AP_ENOMEM */
	void (*release)(void *w);
	size_t worker_size;
	const void *ctx;
	size_t sep_len;
};

/* Runs p into o with *first as the flag before its first piece, leaving in *first whether
 * still nothing was written. Returns 0, or AP_ENOMEM when a worker could not be set up or a
 * piece ran out of memory (o's own write failures stay in o). */
typedef int (*ap_pieces_run_fn)(struct ap_out *o, const struct ap_pieces *p, int *first);
/* The pieces of p one after the other, straight into o: what a run function falls back to, and
 * what a writer does when it is given none. */
int ap_pieces_serial(struct ap_out *o, const struct ap_pieces *p, int *first);
/* p into o by run, or by ap_pieces_serial when run is NULL. */
int ap_pieces_run(ap_pieces_run_fn run, struct ap_out *o, const struct ap_pieces *p, int *first);
/* Pieces of per items each for n items; the end of piece i's items. */
static inline size_t ap_pieces_of(size_t n, size_t per)
{
	return (n + per - 1) / per;
}
static inline size_t ap_piece_end(size_t i, size_t per, size_t n)
{
	return (i + 1) * per < n ? (i + 1) * per : n;
}

/* An output in memory, formatting one piece at a time for ap_out_append (fd -1; what does
 * not fit its buffer spills into a byte buffer). Returns 0 or AP_ENOMEM. */
int ap_out_mem_init(struct ap_out *m);
/* Empties m for the next piece, keeping its memory. */
void ap_out_mem_reset(struct ap_out *m);
void ap_out_mem_release(struct ap_out *m);
/* Bytes formatted into m so far (m->failed is ENOMEM once it ran out of memory). */
size_t ap_out_mem_len(const struct ap_out *m);
/* Writes the bytes of m into o (which keeps their order after what o already holds), less the
 * first skip of them (skip <= ap_out_mem_len(m)). */
void ap_out_append(struct ap_out *o, const struct ap_out *m, size_t skip);

/* JSON pieces (Python json.dumps, ensure_ascii=False: spec torch_npu §8.0). */
void ap_json_str(struct ap_out *o, const char *s, size_t len);
/* Like ap_json_str but every ';' becomes ";\r\n" (trace_view args, §8.1). */
void ap_json_str_semi(struct ap_out *o, const char *s, size_t len);
void ap_json_i64(struct ap_out *o, int64_t v);
void ap_json_u64(struct ap_out *o, uint64_t v);

/* dir/name, a CSV file: the header row of the n column names cols, then the rows of p, run by
 * run (NULL: ap_pieces_serial). Returns 0, or AP_EIO / AP_ENOMEM with err set (no file left). */
int ap_csv_write_pieces(const char *dir, const char *name, const char *const *cols, size_t n,
			const struct ap_pieces *p, ap_pieces_run_fn run, struct ap_err *err);

/* CSV pieces (Python csv.writer: ',' delimiter, CRLF, minimal quoting: a field is quoted
 * iff it contains ',', '"', CR or LF). first: no leading delimiter. */
void ap_csv_field(struct ap_out *o, int first, const char *s, size_t len);
/* Like ap_csv_field but every ';' becomes ";\r\n" (operator_details, §8.3). */
void ap_csv_field_semi(struct ap_out *o, int first, const char *s, size_t len);
void ap_csv_end_row(struct ap_out *o);
/* A header row: the n column names cols. */
void ap_csv_header(struct ap_out *o, const char *const *cols, size_t n);

/* Interned strings repeat (names, shapes, call stacks), so each is encoded once per output
 * file and its encoded bytes are copied afterwards. */
enum ap_esc {
	AP_ESC_JSON,      /* ap_json_str */
	AP_ESC_JSON_SEMI, /* ap_json_str_semi */
	AP_ESC_CSV,       /* ap_csv_field, without the delimiter */
	AP_ESC_CSV_SEMI,  /* ap_csv_field_semi, without the delimiter */
};

struct ap_esc_cache {
	enum ap_esc kind;
	const struct ap_strtab *t;
	struct ap_out sink;     /* encodes into bytes */
	struct ap_strbuf bytes; /* every encoded string */
	uint64_t *off;          /* by string id */
	uint32_t *len;          /* by string id; UINT32_MAX: not encoded yet */
	size_t cap;
};

/* Returns 0 or AP_ENOMEM. The cache borrows t until released. */
int ap_esc_cache_init(struct ap_esc_cache *c, enum ap_esc kind, const struct ap_strtab *t);
void ap_esc_cache_release(struct ap_esc_cache *c);
/* ap_esc_cache_get for a string not encoded yet. */
const char *ap_esc_cache__fill(struct ap_esc_cache *c, uint32_t id, size_t *len);
/* The encoding of string id (not AP_STR_NONE) as the cache's kind, *len bytes, borrowed until
 * the next call on c; NULL when the cache cannot grow (out of memory). */
static inline const char *ap_esc_cache_get(struct ap_esc_cache *c, uint32_t id, size_t *len)
{
	if (id < c->cap && c->len[id] != UINT32_MAX) {
		*len = c->len[id];
		return c->bytes.buf + c->off[id];
	}
	return ap_esc_cache__fill(c, id, len);
}
/* ap_out_str_id when the cache cannot grow: the string encoded in place. */
void ap_out__str_id_uncached(struct ap_out *o, struct ap_esc_cache *c, uint32_t id);
/* Writes string id (not AP_STR_NONE) encoded as the cache's kind. A failure to grow the cache
 * falls back to encoding in place. */
static inline void ap_out_str_id(struct ap_out *o, struct ap_esc_cache *c, uint32_t id)
{
	size_t len;
	const char *enc = ap_esc_cache_get(c, id, &len);

	if (enc)
		ap_out_write(o, enc, len);
	else
		ap_out__str_id_uncached(o, c, id);
}

#endif
