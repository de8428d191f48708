/*
 * hex2bin.c — converts an annotated hex fixture (the .hex files of testdata/fixtures/) to its binary form, so that
 * binary fixtures are written by hand from the spec tables and read like them (CONVENTIONS §9).
 * Standalone, libc only.
 *
 * USAGE
 *   hex2bin IN.hex OUT.bin     exit 0 ok, 1 error in the input (message names file and line), 2 usage
 *
 * SYNTAX (tokens separated by blanks; any number per line)
 *   # ...            comment to the end of the line (not inside a string)
 *   3a ff 00         one byte per token: exactly two hex digits
 *   u8:N  u16:N  u32:N  u64:N      little-endian unsigned integer, N decimal or 0x-hex, range-checked
 *   i8:N  i16:N  i32:N  i64:N      little-endian two's-complement integer, N may be negative
 *   "text"           the bytes of text, no terminator; escapes \\ \" \n \r \t \0 and \xHH (any byte,
 *                    e.g. invalid UTF-8)
 *   @N               assertion: the output so far is exactly N bytes long (N decimal), so a fixture can
 *                    check its own hand-computed offsets ("@64  # 6-byte header + 58-byte fixed part")
 *   x:N              N zero bytes (padding), N decimal
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	unsigned char *buf;
	size_t len, cap;
};

static const char *in_name;
static unsigned long line_no;

static _Noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hex2bin: %s:%lu: ", in_name, line_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void put(struct out *o, unsigned char b)
{
	if (o->len == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 4096;
		unsigned char *nb = realloc(o->buf, ncap);

		if (!nb) {
			fprintf(stderr, "hex2bin: out of memory\n");
			exit(1);
		}
		o->buf = nb;
		o->cap = ncap;
	}
	o->buf[o->len++] = b;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses the decimal or 0x-hex number of tok (length n, NUL-terminated copy made here). */
static void parse_num(const char *tok, size_t n, int is_signed, int *neg, uint64_t *mag)
{
	char buf[64], *end;
	const char *s;

	if (n == 0 || n >= sizeof(buf))
		fail("bad number '%.*s'", (int)n, tok);
	memcpy(buf, tok, n);
	buf[n] = '\0';
	s = buf;
	*neg = 0;
	if (*s == '-') {
		if (!is_signed)
			fail("negative value '%s' for an unsigned field", buf);
		*neg = 1;
		s++;
	}
	if (*s < '0' || *s > '9')
		fail("bad number '%s'", buf);
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		*mag = strtoull(s + 2, &end, 16);
	else
		*mag = strtoull(s, &end, 10);
	if (errno || *end || end == s || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && end == s + 2))
		fail("bad number '%s'", buf);
}

static void put_int(struct out *o, const char *spec, size_t n)
{
	const char *colon = memchr(spec, ':', n);
	int is_signed, bits, neg, i;
	uint64_t mag, v;

	if (!colon || colon == spec)
		fail("bad token '%.*s'", (int)n, spec);
	is_signed = spec[0] == 'i';
	if ((spec[0] != 'u' && spec[0] != 'i') || colon - spec < 2 || colon - spec > 3)
		fail("bad integer type in '%.*s' (u8 u16 u32 u64 i8 i16 i32 i64)", (int)n, spec);
	if (!strncmp(spec + 1, "8:", 2))
		bits = 8;
	else if (!strncmp(spec + 1, "16:", 3))
		bits = 16;
	else if (!strncmp(spec + 1, "32:", 3))
		bits = 32;
	else if (!strncmp(spec + 1, "64:", 3))
		bits = 64;
	else
		fail("bad integer type in '%.*s' (u8 u16 u32 u64 i8 i16 i32 i64)", (int)n, spec);
	parse_num(colon + 1, n - (size_t)(colon + 1 - spec), is_signed, &neg, &mag);
	if (is_signed) {
		uint64_t lim = (uint64_t)1 << (bits - 1); /* |min| */

		if ((neg && mag > lim) || (!neg && mag > lim - 1))
			fail("value '%.*s' out of range", (int)n, spec);
		v = neg ? (uint64_t)0 - mag : mag;
	} else {
		if (bits < 64 && mag > (((uint64_t)1 << bits) - 1))
			fail("value '%.*s' out of range", (int)n, spec);
		v = mag;
	}
	for (i = 0; i < bits / 8; i++)
		put(o, (unsigned char)(v >> (8 * i)));
}

static void put_count(struct out *o, const char *tok, size_t n, int assert_len)
{
	int neg;
	uint64_t v, i;

	parse_num(tok, n, 0, &neg, &v);
	if (assert_len) {
		if (v != o->len)
			fail("offset assertion @%llu failed: %zu bytes written so far",
			     (unsigned long long)v, o->len);
		return;
	}
	if (v > ((uint64_t)1 << 24))
		fail("padding x:%llu too large", (unsigned long long)v);
	for (i = 0; i < v; i++)
		put(o, 0);
}

/* Parses a string starting at s (the opening quote); returns the position after the closing one. */
static const char *put_string(struct out *o, const char *s)
{
	for (s++; *s && *s != '"'; s++) {
		if (*s != '\\') {
			put(o, (unsigned char)*s);
			continue;
		}
		switch (*++s) {
		case '\\': put(o, '\\'); break;
		case '"': put(o, '"'); break;
		case 'n': put(o, '\n'); break;
		case 'r': put(o, '\r'); break;
		case 't': put(o, '\t'); break;
		case '0': put(o, 0); break;
		case 'x': {
			int h = s[1] ? hexval(s[1]) : -1, l = h >= 0 && s[2] ? hexval(s[2]) : -1;

			if (h < 0 || l < 0)
				fail("bad \\x escape: two hex digits expected");
			put(o, (unsigned char)(h * 16 + l));
			s += 2;
			break;
		}
		case '\0': fail("unterminated string");
		default: fail("unknown escape '\\%c'", *s);
		}
	}
	if (*s != '"')
		fail("unterminated string");
	return s + 1;
}

static void convert_line(struct out *o, const char *s)
{
	for (;;) {
		const char *t;
		size_t n;

		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (!*s || *s == '#')
			return;
		if (*s == '"') {
			s = put_string(o, s);
			if (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
				fail("blank expected after a string");
			continue;
		}
		for (t = s; *t && *t != ' ' && *t != '\t' && *t != '\r' && *t != '\n'; t++)
			if (*t == '"' || *t == '#')
				fail("blank expected before '%c'", *t);
		n = (size_t)(t - s);
		if (n == 2 && hexval(s[0]) >= 0 && hexval(s[1]) >= 0)
			put(o, (unsigned char)(hexval(s[0]) * 16 + hexval(s[1])));
		else if (s[0] == '@')
			put_count(o, s + 1, n - 1, 1);
		else if (n > 2 && s[0] == 'x' && s[1] == ':')
			put_count(o, s + 2, n - 2, 0);
		else if (memchr(s, ':', n))
			put_int(o, s, n);
		else
			fail("bad token '%.*s' (hex bytes are written as two digits each)", (int)n, s);
		s = t;
	}
}

/* Reads the whole input (plain C11 stdio, no feature macros needed). */
static char *read_all(const char *path, size_t *len)
{
	FILE *in = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!in) {
		fprintf(stderr, "hex2bin: cannot open '%s': %s\n", path, strerror(errno));
		exit(1);
	}
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!nb) {
				fprintf(stderr, "hex2bin: out of memory\n");
				exit(1);
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, in);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(in)) {
		fprintf(stderr, "hex2bin: cannot read '%s'\n", path);
		exit(1);
	}
	fclose(in);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	struct out o = { NULL, 0, 0 };
	char *text, *line;
	size_t len;
	FILE *out;

	if (argc != 3) {
		fprintf(stderr, "usage: hex2bin IN.hex OUT.bin\n");
		return 2;
	}
	in_name = argv[1];
	text = read_all(argv[1], &len);
	if (strlen(text) != len) {
		line_no = 1;
		for (line = text; line < text + strlen(text); line++)
			line_no += *line == '\n';
		fail("NUL byte in the input");
	}
	for (line = text; *line;) {
		char *nl = strchr(line, '\n');

		line_no++;
		if (nl)
			*nl = '\0';
		convert_line(&o, line);
		if (!nl)
			break;
		line = nl + 1;
	}
	free(text);
	out = fopen(argv[2], "wb");
	if (!out) {
		fprintf(stderr, "hex2bin: cannot create '%s': %s\n", argv[2], strerror(errno));
		return 1;
	}
	if ((o.len && fwrite(o.buf, 1, o.len, out) != o.len) || fclose(out) != 0) {
		fprintf(stderr, "hex2bin: cannot write '%s': %s\n", argv[2], strerror(errno));
		remove(argv[2]);
		return 1;
	}
	free(o.buf);
	return 0;
}
