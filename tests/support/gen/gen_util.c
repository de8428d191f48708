/*
 * gen_util.c — ap-gen's helpers: buffers that grow, JSON string literals, FNV-1a, directories and files.
 * Every failure is printed here ("ap-gen: ..."); out of memory exits 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "gen_local.h"

void ap_gen__oom(void)
{
	fputs("ap-gen: out of memory\n", stderr);
	exit(1);
}

void ap_gen__buf_reserve(struct ap_gen_buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len < extra) {
		if (cap > SIZE_MAX / 2)
			ap_gen__oom();
		cap *= 2;
	}
	unsigned char *p = realloc(b->p, cap);
	if (!p)
		ap_gen__oom();
	b->p = p;
	b->cap = cap;
}

void ap_gen__printf(struct ap_gen_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fputs("ap-gen: internal formatting overflow\n", stderr);
		exit(1);
	}
	put(b, tmp, (size_t)n);
}

void ap_gen__json_str(struct ap_gen_buf *b, const unsigned char *s, size_t n)
{
	put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			put(b, "\\", 1);
			put(b, &c, 1);
		} else if (c < 0x20) {
			ap_gen__printf(b, "\\u%04x", c);
		} else {
			put(b, &c, 1);
		}
	}
	put(b, "\"", 1);
}

uint64_t ap_gen__fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

char *ap_gen__xstrdup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		ap_gen__oom();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int ap_gen__mkdirs(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		char c = tmp[i];
		tmp[i] = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "ap-gen: cannot create directory '%s': %s\n", tmp, strerror(errno));
			return -1;
		}
		tmp[i] = c;
	}
	return 0;
}

int ap_gen__write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "ap-gen: cannot create '%s': %s\n", path, strerror(errno));
		return -1;
	}
	int ok = n == 0 || fwrite(p, 1, n, f) == n;
	ok &= fclose(f) == 0;
	if (!ok) {
		fprintf(stderr, "ap-gen: cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int ap_gen__join(char *out, size_t cap, const char *a, const char *b, const char *c)
{
	int n = snprintf(out, cap, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");
	if (n < 0 || (size_t)n >= cap) {
		fprintf(stderr, "ap-gen: path too long: '%s/%s'\n", a, b);
		return -1;
	}
	return 0;
}
