/* The text dictionaries of host/data/ (spec cann_prof_raw.md §2.6): hash_dic lines
 * "<decimal u64>:<string>" and type_info_dic lines "<level>_<type>:<name>", each split at its
 * first colon (strings may hold colons); a later line for the same id wins (warned when the
 * strings differ); invalid UTF-8 is kept as "N/A" and counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/window.h"
#include "cann_local.h"
#include "../../base/banned.h"

#define DICT_WINDOW ((size_t)1 << 20)
/* A line longer than this is no dictionary entry: the rest of the file is skipped. */
#define DICT_LINE_MAX ((size_t)16 << 20)

/* Parses the decimal number s[0..len) into *v (at most max). Returns 0, or -1 when it is empty,
 * holds a non-digit or exceeds max. */
static int parse_dec(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

static void note(struct ap_cann__count *c, uint32_t fidx, uint64_t off, uint64_t val)
{
	if (!c->n++) {
		c->fidx = fidx;
		c->off = off;
		c->val = val;
	}
}

/* One line (without its '\n') at file offset off. Returns 0 or AP_ENOMEM. */
static int take_line(struct ap_cann__loader *l, enum ap_cann__kind k, const char *s, size_t len,
		     uint64_t off)
{
	struct ap_cann_host *h = l->h;
	const char *colon, *str;
	struct ap_u64map *map;
	struct ap_u64map_slot *slot;
	uint64_t key, level, type;
	size_t slen;
	uint32_t id;
	int bad = 0, added;

	if (len && s[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0;
	colon = memchr(s, ':', len);
	if (!colon) {
		note(&l->bad_line, l->fidx, off, 0);
		return 0;
	}
	str = colon + 1;
	slen = len - (size_t)(str - s);
	if (k == AP_CANN_K_HASH_DIC) {
		if (parse_dec(s, (size_t)(colon - s), UINT64_MAX, &key) < 0) {
			note(&l->bad_line, l->fidx, off, 0);
			return 0;
		}
		map = &h->hash;
	} else {
		const char *us = memchr(s, '_', (size_t)(colon - s));

		if (!us || parse_dec(s, (size_t)(us - s), UINT16_MAX, &level) < 0 ||
		    parse_dec(us + 1, (size_t)(colon - us - 1), UINT32_MAX, &type) < 0) {
			note(&l->bad_line, l->fidx, off, 0);
			return 0;
		}
		key = level << 32 | type;
		map = &h->types;
	}
	id = ap_strtab_intern(&h->strs, str, slen, &bad);
	if (!id)
		return ap_cann__oom(l, "dictionary strings (%u)", h->strs.n);
	if (bad)
		note(&l->bad_utf8, l->fidx, off, 0);
	slot = ap_u64map_get(map, key, &added);
	if (!slot)
		return ap_cann__oom(l, "dictionary of %zu ids", map->count);
	if (!added && slot->val != id)
		note(k == AP_CANN_K_HASH_DIC ? &l->dup_hash : &l->dup_type, l->fidx, off, key);
	slot->val = id;
	h->files.v[l->fidx].records++;
	return 0;
}

int ap_cann__load_dict(struct ap_cann__loader *l, enum ap_cann__kind k, const char *path)
{
	struct ap_window *w = &l->win;
	struct ap_err e = AP_ERR_INIT;
	size_t pos = 0;
	int r, ret = 0;

	r = ap_window_open(w, path, DICT_WINDOW, &e);
	while (r == 0) {
		const char *s = (const char *)w->buf + pos;
		const char *nl = memchr(s, '\n', w->len - pos);

		if (nl) {
			ret = take_line(l, k, s, (size_t)(nl - s), w->off + pos);
			if (ret < 0)
				break;
			pos += (size_t)(nl - s) + 1;
			continue;
		}
		if (w->eof) {
			if (pos < w->len) { /* the last line has no '\n': decoded, noted */
				note(&l->no_newline, l->fidx, w->off + pos, 0);
				ret = take_line(l, k, s, w->len - pos, w->off + pos);
			}
			break;
		}
		if (w->len - pos >= DICT_LINE_MAX) {
			char key[64];

			snprintf(key, sizeof(key), "line:%s", l->file);
			ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key,
				       "'%s/%s': offset %llu: a line longer than %zu bytes; %llu bytes skipped",
				       l->where, l->file, (unsigned long long)(w->off + pos),
				       DICT_LINE_MAX, (unsigned long long)(w->size - w->off - pos));
			break;
		}
		/* No '\n' in the window: read on, at least doubling what a long line may use. */
		r = ap_window_fill(w, pos, (w->len - pos) * 2 + 4096, &e);
		pos = 0;
	}
	if (r == AP_ENOMEM) {
		ret = ap_cann__oom(l, "read buffer");
	} else if (r < 0) {
		char key[64];

		snprintf(key, sizeof(key), "io:%s", l->file);
		ap_diag_report(l->diag, AP_DIAG_DATA_LOSS, key, "'%s/%s': %s; rest of the file skipped",
			       l->where, l->file, ap_err_text(&e));
	}
	ap_window_close_file(w);
	ap_err_release(&e);
	return ret;
}

static const char *file_name(const struct ap_cann__loader *l, uint32_t fidx)
{
	return ap_strtab_get(&l->h->strs, l->h->files.v[fidx].name);
}

void ap_cann__finish_dicts(struct ap_cann__loader *l)
{
	const struct ap_cann__count *d = &l->dup_hash, *t = &l->dup_type;

	if (d->n) {
		ap_diag_report(l->diag, AP_DIAG_WARN, "cann-hash-dup",
			       "'%s/%s': offset %llu: hash id %llu defined again with another string; the last definition wins (%lu such lines)",
			       l->where, file_name(l, d->fidx), (unsigned long long)d->off,
			       (unsigned long long)d->val, d->n);
		ap_diag_add(l->diag, AP_DIAG_WARN, "cann-hash-dup", d->n - 1);
	}
	if (t->n) {
		ap_diag_report(l->diag, AP_DIAG_WARN, "cann-type-dup",
			       "'%s/%s': offset %llu: type id %llu_%llu defined again with another name; the last definition wins (%lu such lines)",
			       l->where, file_name(l, t->fidx), (unsigned long long)t->off,
			       (unsigned long long)(t->val >> 32),
			       (unsigned long long)(t->val & 0xFFFFFFFFu), t->n);
		ap_diag_add(l->diag, AP_DIAG_WARN, "cann-type-dup", t->n - 1);
	}
}
