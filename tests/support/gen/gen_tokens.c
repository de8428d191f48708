/*
 * gen_tokens.c — the scenario tokenizer (bare, "quoted" and KEY=VALUE tokens, see gen_main.c), the parsing of
 * numbers, enumerations and paths in those tokens, and the "ap-gen: SRC:LINE:" error and warning messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_local.h"

void ap_gen__err_at(const struct ap_gen *g, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ap-gen: %s:%ld: ", g->src, g->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ap_gen__warn_at(struct ap_gen *g, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ap-gen: warning: %s:%ld: ", g->src, g->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	g->warnings++;
}

int ap_gen__hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the quoted string starting after the opening quote at *pp, in place. */
static int unquote(struct ap_gen *g, char **pp, struct ap_gen_tok *t)
{
	char *s = *pp, *d = s;
	for (;;) {
		char c = *s++;
		if (c == '\0' || c == '\n') {
			ap_gen__err_at(g, "unterminated string");
			return -1;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = *s++;
			switch (c) {
			case '"': case '\\': break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'x': {
				int h = ap_gen__hexval((unsigned char)s[0]);
				int l = h < 0 ? -1 : ap_gen__hexval((unsigned char)s[1]);
				if (l < 0) {
					ap_gen__err_at(g, "bad \\x escape");
					return -1;
				}
				c = (char)(h * 16 + l);
				s += 2;
				break;
			}
			default:
				ap_gen__err_at(g, "unknown escape '\\%c'", c);
				return -1;
			}
		}
		*d++ = c;
	}
	if (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
		ap_gen__err_at(g, "text right after a closing quote");
		return -1;
	}
	t->val = *pp;
	t->len = (size_t)(d - *pp);
	t->quoted = 1;
	*d = '\0'; /* d < s, so this never clobbers unread input */
	*pp = *s ? s + 1 : s;
	return 0;
}

int ap_gen__tokenize(struct ap_gen *g, char *line, struct ap_gen_tok *t, int *nt)
{
	char *p = line;
	int n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == AP_GEN_MAX_TOK) {
			ap_gen__err_at(g, "too many tokens");
			return -1;
		}
		struct ap_gen_tok *k = &t[n++];
		memset(k, 0, sizeof(*k));
		char *q = p;
		while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_')
			q++;
		if (q > p && *q == '=') {
			*q = '\0';
			k->key = p;
			p = q + 1;
		}
		if (*p == '"') {
			p++;
			if (unquote(g, &p, k))
				return -1;
			continue;
		}
		k->val = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		k->len = (size_t)(p - k->val);
		if (*p)
			*p++ = '\0';
	}
	*nt = n;
	return 0;
}

struct ap_gen_tok *ap_gen__opt(struct ap_gen_tok *t, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (t[i].key && strcmp(t[i].key, key) == 0) {
			t[i].used = 1;
			return &t[i];
		}
	return NULL;
}

int ap_gen__check_used(struct ap_gen *g, const struct ap_gen_tok *t, int n)
{
	for (int i = 0; i < n; i++)
		if (t[i].key && !t[i].used) {
			ap_gen__err_at(g, "unknown or repeated key '%s'", t[i].key);
			return -1;
		}
	return 0;
}

int ap_gen__parse_num(struct ap_gen *g, const char *what, const char *s, size_t len, uint64_t *out)
{
	char *end;
	errno = 0;
	if (len == 0 || strlen(s) != len)
		goto bad;
	if (s[0] == '-') {
		long long v = strtoll(s, &end, 0);
		if (errno || *end)
			goto bad;
		*out = (uint64_t)v;
	} else {
		unsigned long long v = strtoull(s, &end, 0);
		if (errno || *end)
			goto bad;
		*out = (uint64_t)v;
	}
	return 0;
bad:
	ap_gen__err_at(g, "%s: bad number '%s'", what, s);
	return -1;
}

int ap_gen__tok_num(struct ap_gen *g, const struct ap_gen_tok *t, uint64_t *out)
{
	return ap_gen__parse_num(g, t->key ? t->key : "value", t->val, t->len, out);
}

int ap_gen__opt_num(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t def, uint64_t *out)
{
	struct ap_gen_tok *k = ap_gen__opt(t, n, key);
	*out = def;
	return k ? ap_gen__tok_num(g, k, out) : 0;
}

int ap_gen__req_num(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t *out)
{
	struct ap_gen_tok *k = ap_gen__opt(t, n, key);
	if (!k) {
		ap_gen__err_at(g, "missing %s=", key);
		return -1;
	}
	return ap_gen__tok_num(g, k, out);
}

/* Named small enumerations: "0".."9" or one of names[] (index = value). */
int ap_gen__opt_enum(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, const char *const *names,
		     int nnames, int required, uint64_t def, uint64_t *out)
{
	struct ap_gen_tok *k = ap_gen__opt(t, n, key);
	*out = def;
	if (!k) {
		if (required)
			ap_gen__err_at(g, "missing %s=", key);
		return required ? -1 : 0;
	}
	for (int i = 0; i < nnames; i++)
		if (names[i] && strcmp(k->val, names[i]) == 0) {
			*out = (uint64_t)i;
			return 0;
		}
	return ap_gen__tok_num(g, k, out);
}

static int npos(const struct ap_gen_tok *t, int n)
{
	int c = 0;
	for (int i = 0; i < n; i++)
		c += t[i].key == NULL;
	return c;
}

int ap_gen__need_pos(struct ap_gen *g, const struct ap_gen_tok *t, int n, int want, const char *usage)
{
	if (npos(t, n) != want || (n > 0 && t[0].key)) {
		ap_gen__err_at(g, "usage: %s", usage);
		return -1;
	}
	return 0;
}

int ap_gen__safe_rel_path(struct ap_gen *g, const char *p)
{
	if (!*p || p[0] == '/' || strstr(p, "..")) {
		ap_gen__err_at(g, "path must be relative and stay inside the dump: '%s'", p);
		return -1;
	}
	return 0;
}
