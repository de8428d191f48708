/* Buffered output files written to NAME.tmp and renamed into place (CONVENTIONS §7), and the
 * JSON and CSV field encoders on top of them (spec torch_npu §8.0). */
#define _GNU_SOURCE /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/fmt.h"
#include "ap/out.h"
#include "../base/banned.h"

/* Outputs are written once, front to back, and not read again by this process: a dump's
 * trace_view.json alone can be twice its input. Past DROP_AFTER, each completed window of a
 * file is handed to writeback at once, and the window before the previous one is dropped from
 * the page cache (only its clean pages go; nothing waits). The cache then holds a few windows
 * of each output instead of all of it, so writing recycles the same pages instead of taking
 * (and zeroing) fresh ones for every byte, and an analysis of many large dumps does not push
 * everything else out of memory. Both calls are hints: their failures (a pipe, a file system
 * without writeback) change nothing. */
#define DROP_WINDOW ((uint64_t)8 << 20)
/* Below this size a file is left to the kernel: handing writeback to the writer thread costs
 * it more than the page cache saves (160 MB dump: 5-10% slower analyse -j1 with it). */
#define DROP_AFTER ((uint64_t)256 << 20)

static void drop_behind(struct ap_out *o, uint64_t before, uint64_t after)
{
	uint64_t w;

	if (after <= DROP_AFTER)
		return;
	if (before < DROP_AFTER)
		before = DROP_AFTER;
	for (w = before / DROP_WINDOW + 1; w <= after / DROP_WINDOW; w++) {
#ifdef SYNC_FILE_RANGE_WRITE
		sync_file_range(o->fd, (off_t)((w - 1) * DROP_WINDOW), (off_t)DROP_WINDOW,
				SYNC_FILE_RANGE_WRITE);
#endif
		if (w >= 3)
			posix_fadvise(o->fd, (off_t)((w - 3) * DROP_WINDOW), (off_t)DROP_WINDOW,
				      POSIX_FADV_DONTNEED);
	}
}

static void write_all(struct ap_out *o, const unsigned char *p, size_t n)
{
	if (o->mem) {
		ap_strbuf_add(o->mem, p, n);
		if (o->mem->failed)
			o->failed = ENOMEM;
		return;
	}
	while (n && !o->failed) {
		ssize_t w = write(o->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->failed = errno ? errno : EIO;
			return;
		}
		p += w;
		n -= (size_t)w;
		drop_behind(o, o->flushed, o->flushed + (uint64_t)w);
		o->flushed += (uint64_t)w;
	}
}

/* Empties the buffer. After a failure the bytes are dropped: the file is removed at commit. */
static void flush_buf(struct ap_out *o)
{
	write_all(o, o->buf, o->len);
	o->len = 0;
}

void ap_out__flush(struct ap_out *o)
{
	flush_buf(o);
}

static char *path_join(const char *dir, const char *name, const char *suffix)
{
	size_t ld = strlen(dir), ln = strlen(name), ls = strlen(suffix);
	char *p = malloc(ld + 1 + ln + ls + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln);
	memcpy(p + ld + 1 + ln, suffix, ls + 1);
	return p;
}

static void out_reset(struct ap_out *o)
{
	free(o->path);
	free(o->tmp);
	free(o->buf);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

int ap_out_open(struct ap_out *o, const char *dir, const char *name, struct ap_err *err)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->path = path_join(dir, name, "");
	o->tmp = path_join(dir, name, ".tmp");
	o->buf = malloc(AP_OUT_BUFSZ);
	if (!o->path || !o->tmp || !o->buf) {
		out_reset(o);
		return ap_err_set(err, AP_ENOMEM, "cannot create '%s/%s': out of memory", dir,
				  name);
	}
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (o->fd < 0) {
		int e = errno;

		ap_err_set(err, AP_EIO, "cannot create '%s': %s", o->tmp, strerror(e));
		out_reset(o);
		return AP_EIO;
	}
	return 0;
}

void ap_out__write_slow(struct ap_out *o, const void *p, size_t n)
{
	/* ap_out_putc calls this with n == 0 when the buffer is full. */
	if (o->len == AP_OUT_BUFSZ || n > AP_OUT_BUFSZ - o->len)
		flush_buf(o);
	if (n >= AP_OUT_BUFSZ) {
		write_all(o, p, n);
		return;
	}
	if (n) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	}
}

int ap_out_commit(struct ap_out *o, struct ap_err *err)
{
	int ret = 0;

	if (!o->tmp)
		return ap_err_set(err, AP_EINTERNAL, "commit of an output that is not open");
	flush_buf(o);
	if (close(o->fd) < 0 && !o->failed)
		o->failed = errno ? errno : EIO;
	o->fd = -1;
	if (!o->failed && rename(o->tmp, o->path) < 0)
		o->failed = errno ? errno : EIO;
	if (o->failed) {
		ret = ap_err_set(err, AP_EIO, "cannot write '%s': %s", o->path,
				 strerror(o->failed));
		unlink(o->tmp);
	}
	out_reset(o);
	return ret;
}

void ap_out_abort(struct ap_out *o)
{
	if (!o || !o->tmp) /* never opened, failed to open, or already committed */
		return;
	if (o->fd >= 0)
		close(o->fd);
	unlink(o->tmp);
	out_reset(o);
}

/* ---- files in pieces ---- */

#define APPEND_COPY ((size_t)16 << 10)

int ap_pieces_serial(struct ap_out *o, const struct ap_pieces *p, int *first)
{
	void *w = NULL;
	size_t i;
	int ret = 0;

	if (!p->n)
		return 0;
	if (p->worker_size && !(w = calloc(1, p->worker_size)))
		return AP_ENOMEM;
	if (p->init)
		ret = p->init(w, p->ctx);
	for (i = 0; i < p->n && ret == 0; i++)
		ret = p->piece(o, w, i, first, p->ctx);
	if (p->release)
		p->release(w);
	free(w);
	return ret;
}

int ap_pieces_run(ap_pieces_run_fn run, struct ap_out *o, const struct ap_pieces *p, int *first)
{
	return (run ? run : ap_pieces_serial)(o, p, first);
}

int ap_csv_write_pieces(const char *dir, const char *name, const char *const *cols, size_t n,
			const struct ap_pieces *p, ap_pieces_run_fn run, struct ap_err *err)
{
	struct ap_out o;
	int first = 1;

	AP_FORWARD_IF_ERROR(ap_out_open(&o, dir, name, err));
	ap_csv_header(&o, cols, n);
	if (ap_pieces_run(run, &o, p, &first) < 0) {
		ap_out_abort(&o);
		return ap_err_set(err, AP_ENOMEM, "cannot write '%s/%s': out of memory", dir, name);
	}
	return ap_out_commit(&o, err);
}

int ap_out_mem_init(struct ap_out *m)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->buf = malloc(AP_OUT_BUFSZ);
	m->mem = malloc(sizeof(*m->mem));
	if (!m->buf || !m->mem) {
		free(m->buf);
		free(m->mem);
		m->buf = NULL;
		m->mem = NULL;
		return AP_ENOMEM;
	}
	ap_strbuf_init(m->mem);
	return 0;
}

void ap_out_mem_reset(struct ap_out *m)
{
	m->len = 0;
	m->failed = 0;
	ap_strbuf_reset(m->mem);
	m->mem->failed = 0;
}

void ap_out_mem_release(struct ap_out *m)
{
	if (m->mem)
		ap_strbuf_release(m->mem);
	free(m->mem);
	free(m->buf);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

size_t ap_out_mem_len(const struct ap_out *m)
{
	return m->mem->len + m->len;
}

void ap_out_append(struct ap_out *o, const struct ap_out *m, size_t skip)
{
	const unsigned char *spill = (const unsigned char *)m->mem->buf;
	size_t ns = m->mem->len, s = skip < ns ? skip : ns;

	if (ns + m->len - skip < APPEND_COPY) {
		/* a small piece joins the buffer rather than costing a write of its own */
		ap_out_write(o, spill + s, ns - s);
		ap_out_write(o, m->buf + (skip - s), m->len - (skip - s));
		return;
	}
	flush_buf(o);
	write_all(o, spill + s, ns - s);
	skip -= s;
	write_all(o, m->buf + skip, m->len - skip);
}

/* ---- JSON (Python json.dumps, ensure_ascii=False) ---- */

/* Bytes that JSON output must escape: 1 for a short escape, 2 for \u00XX, 3 for ';' (only in
 * the _semi variant). */
enum { E_NONE = 0, E_SHORT = 1, E_UNI = 2, E_SEMI = 3 };

static const unsigned char json_class[256] = {
	[0x00] = E_UNI, [0x01] = E_UNI, [0x02] = E_UNI, [0x03] = E_UNI,
	[0x04] = E_UNI, [0x05] = E_UNI, [0x06] = E_UNI, [0x07] = E_UNI,
	['\b'] = E_SHORT, ['\t'] = E_SHORT, ['\n'] = E_SHORT, [0x0b] = E_UNI,
	['\f'] = E_SHORT, ['\r'] = E_SHORT, [0x0e] = E_UNI, [0x0f] = E_UNI,
	[0x10] = E_UNI, [0x11] = E_UNI, [0x12] = E_UNI, [0x13] = E_UNI,
	[0x14] = E_UNI, [0x15] = E_UNI, [0x16] = E_UNI, [0x17] = E_UNI,
	[0x18] = E_UNI, [0x19] = E_UNI, [0x1a] = E_UNI, [0x1b] = E_UNI,
	[0x1c] = E_UNI, [0x1d] = E_UNI, [0x1e] = E_UNI, [0x1f] = E_UNI,
	['"'] = E_SHORT, ['\\'] = E_SHORT, [';'] = E_SEMI,
};

static void json_escape_one(struct ap_out *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"': ap_out_write(o, "\\\"", 2); return;
	case '\\': ap_out_write(o, "\\\\", 2); return;
	case '\n': ap_out_write(o, "\\n", 2); return;
	case '\r': ap_out_write(o, "\\r", 2); return;
	case '\t': ap_out_write(o, "\\t", 2); return;
	case '\b': ap_out_write(o, "\\b", 2); return;
	case '\f': ap_out_write(o, "\\f", 2); return;
	default: ap_out_write(o, e, sizeof(e)); return;
	}
}

static void json_body(struct ap_out *o, const char *s, size_t len, int semi)
{
	const unsigned char *p = (const unsigned char *)s, *run = p, *end = p + len;

	for (; p < end; p++) {
		unsigned char k = json_class[*p];

		if (k == E_NONE || (k == E_SEMI && !semi))
			continue;
		ap_out_write(o, run, (size_t)(p - run));
		run = p + 1;
		if (k == E_SEMI)
			ap_out_write(o, ";\\r\\n", 5);
		else
			json_escape_one(o, *p);
	}
	ap_out_write(o, run, (size_t)(end - run));
}

void ap_json_str(struct ap_out *o, const char *s, size_t len)
{
	ap_out_putc(o, '"');
	if (s)
		json_body(o, s, len, 0);
	ap_out_putc(o, '"');
}

void ap_json_str_semi(struct ap_out *o, const char *s, size_t len)
{
	ap_out_putc(o, '"');
	if (s)
		json_body(o, s, len, 1);
	ap_out_putc(o, '"');
}

/* Numbers are formatted in place, in room for any of them. */
void ap_json_i64(struct ap_out *o, int64_t v)
{
	char *p = ap_out_room(o, AP_FMT_MAX);

	ap_out_advance(o, p + ap_fmt_i64(p, v));
}

void ap_json_u64(struct ap_out *o, uint64_t v)
{
	char *p = ap_out_room(o, AP_FMT_MAX);

	ap_out_advance(o, p + ap_fmt_u64(p, v));
}


/* ---- CSV (Python csv.writer, excel dialect, QUOTE_MINIMAL) ---- */

/* 1: forces quoting (',' CR LF), 2: '"' (forces quoting, doubled), 3: ';' (_semi only). */
static const unsigned char csv_class[256] = {
	[','] = 1, ['\r'] = 1, ['\n'] = 1, ['"'] = 2, [';'] = 3,
};

static void csv_body(struct ap_out *o, const unsigned char *s, size_t len, int semi)
{
	const unsigned char *p = s, *run = s, *end = s + len;

	for (; p < end; p++) {
		unsigned char k = csv_class[*p];

		if (k == 2) {
			ap_out_write(o, run, (size_t)(p + 1 - run));
			run = p; /* the quote is written again: doubled */
		} else if (k == 3 && semi) {
			ap_out_write(o, run, (size_t)(p + 1 - run));
			ap_out_write(o, "\r\n", 2);
			run = p + 1;
		}
	}
	ap_out_write(o, run, (size_t)(end - run));
}

/* Whether the 8 bytes of w hold byte c (SWAR: a zero byte of w ^ c...c). */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline uint64_t has_byte(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);

	return (x - ONES) & ~x & HIGHS;
}

static void csv_field(struct ap_out *o, int first, const char *s, size_t len, int semi)
{
	const unsigned char *p = (const unsigned char *)s;
	int quote = 0;
	size_t i = 0;

	if (!first)
		ap_out_putc(o, ',');
	if (!s || !len)
		return;
	/* eight bytes at a time while none needs quoting (most fields: numbers, names) */
	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (has_byte(w, ',') | has_byte(w, '"') | has_byte(w, '\r') | has_byte(w, '\n') |
		    (semi ? has_byte(w, ';') : 0))
			break;
	}
	for (; i < len; i++) {
		unsigned char k = csv_class[p[i]];

		if (k == 1 || k == 2 || (k == 3 && semi)) {
			quote = 1;
			break;
		}
	}
	if (!quote) {
		ap_out_write(o, s, len);
		return;
	}
	ap_out_putc(o, '"');
	csv_body(o, p, len, semi);
	ap_out_putc(o, '"');
}

void ap_csv_field(struct ap_out *o, int first, const char *s, size_t len)
{
	csv_field(o, first, s, len, 0);
}

void ap_csv_field_semi(struct ap_out *o, int first, const char *s, size_t len)
{
	csv_field(o, first, s, len, 1);
}

void ap_csv_end_row(struct ap_out *o)
{
	ap_out_write(o, "\r\n", 2);
}

void ap_csv_header(struct ap_out *o, const char *const *cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ap_csv_field(o, i == 0, cols[i], strlen(cols[i]));
	ap_csv_end_row(o);
}

/* ---- encoded-string cache ---- */

int ap_esc_cache_init(struct ap_esc_cache *c, enum ap_esc kind, const struct ap_strtab *t)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->t = t;
	ap_strbuf_init(&c->bytes);
	c->sink.fd = -1;
	c->sink.mem = &c->bytes;
	c->sink.buf = malloc(AP_OUT_BUFSZ);
	return c->sink.buf ? 0 : AP_ENOMEM;
}

void ap_esc_cache_release(struct ap_esc_cache *c)
{
	if (!c)
		return;
	free(c->sink.buf);
	free(c->off);
	free(c->len);
	ap_strbuf_release(&c->bytes);
	memset(c, 0, sizeof(*c));
}

static void encode(struct ap_out *o, enum ap_esc kind, const char *s, size_t len)
{
	switch (kind) {
	case AP_ESC_JSON: ap_json_str(o, s, len); break;
	case AP_ESC_JSON_SEMI: ap_json_str_semi(o, s, len); break;
	case AP_ESC_CSV: ap_csv_field(o, 1, s, len); break;
	case AP_ESC_CSV_SEMI: ap_csv_field_semi(o, 1, s, len); break;
	}
}

static int cache_grow(struct ap_esc_cache *c, size_t need)
{
	size_t ncap = c->cap ? c->cap : 1024, i;
	uint64_t *noff;
	uint32_t *nlen;

	while (ncap <= need)
		ncap *= 2;
	noff = realloc(c->off, ncap * sizeof(*noff));
	if (!noff)
		return -1;
	c->off = noff;
	nlen = realloc(c->len, ncap * sizeof(*nlen));
	if (!nlen)
		return -1;
	c->len = nlen;
	for (i = c->cap; i < ncap; i++)
		c->len[i] = UINT32_MAX;
	c->cap = ncap;
	return 0;
}

const char *ap_esc_cache__fill(struct ap_esc_cache *c, uint32_t id, size_t *len)
{
	size_t start;

	if (id >= c->cap && cache_grow(c, id) < 0)
		return NULL;
	if (c->len[id] == UINT32_MAX) {
		start = c->bytes.len;
		encode(&c->sink, c->kind, ap_strtab_get(c->t, id), ap_strtab_len(c->t, id));
		flush_buf(&c->sink);
		if (c->sink.failed || c->bytes.len - start >= UINT32_MAX) {
			c->sink.failed = 0;
			c->bytes.failed = 0;
			c->bytes.len = start;
			return NULL;
		}
		c->off[id] = start;
		c->len[id] = (uint32_t)(c->bytes.len - start);
	}
	*len = c->len[id];
	return c->bytes.buf + c->off[id];
}

void ap_out__str_id_uncached(struct ap_out *o, struct ap_esc_cache *c, uint32_t id)
{
	encode(o, c->kind, ap_strtab_get(c->t, id), ap_strtab_len(c->t, id));
}
