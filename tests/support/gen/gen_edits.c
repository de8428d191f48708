/*
 * gen_edits.c — the raw edits of a scenario, for corrupt-input tests: raw (append bytes to a FRAMEWORK file),
 * truncate, rename, and mkdir / file / rm (entries anywhere inside the dump, applied by gen_dump.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gen_local.h"

static int do_raw(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	if (n < 2 || t[1].key) {
		ap_gen__err_at(g, "usage: raw FILE ITEM...");
		return -1;
	}
	struct ap_gen_fw_file *f = ap_gen__fw(g, t[1].val);
	if (!f)
		return -1;
	for (int i = 2; i < n; i++) {
		const char *v = t[i].val;
		uint64_t x;
		if (t[i].key) {
			ap_gen__err_at(g, "raw: unexpected key '%s'", t[i].key);
			return -1;
		}
		if (t[i].quoted) {
			put(&f->b, v, t[i].len);
			continue;
		}
		if (v[0] == 'u' || v[0] == 'i') {
			const char *colon = strchr(v, ':');
			int bits = colon ? (int)strtol(v + 1, NULL, 10) : 0;
			if (!colon || (bits != 8 && bits != 16 && bits != 32 && bits != 64) ||
			    ap_gen__parse_num(g, "raw", colon + 1, strlen(colon + 1), &x))
				return -1;
			put_le(&f->b, x, bits / 8);
			continue;
		}
		if (t[i].len % 2) {
			ap_gen__err_at(g, "raw: odd number of hex digits in '%s'", v);
			return -1;
		}
		for (size_t j = 0; j < t[i].len; j += 2) {
			int h = ap_gen__hexval((unsigned char)v[j]), l = ap_gen__hexval((unsigned char)v[j + 1]);
			if (h < 0 || l < 0) {
				ap_gen__err_at(g, "raw: bad hex '%s'", v);
				return -1;
			}
			put_u8(&f->b, (uint64_t)(h * 16 + l));
		}
	}
	return 0;
}

static int do_edit(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n)
{
	if (strcmp(kw, "truncate") == 0) {
		uint64_t cut;
		struct ap_gen_fw_file *f;
		if (ap_gen__need_pos(g, t, n, 3, "truncate FILE N") || !(f = ap_gen__fw(g, t[1].val)) ||
		    ap_gen__tok_num(g, &t[2], &cut))
			return -1;
		f->b.len = cut > f->b.len ? 0 : f->b.len - cut;
		return 0;
	}
	if (strcmp(kw, "rename") == 0) {
		struct ap_gen_fw_file *f;
		if (ap_gen__need_pos(g, t, n, 3, "rename FILE NEWNAME") || !(f = ap_gen__fw(g, t[1].val)) ||
		    ap_gen__safe_rel_path(g, t[2].val) || strchr(t[2].val, '/') || t[2].len >= sizeof(f->out_name)) {
			ap_gen__err_at(g, "rename: bad name");
			return -1;
		}
		memcpy(f->out_name, t[2].val, t[2].len + 1);
		return 0;
	}
	if (strcmp(kw, "rm") == 0) {
		if (ap_gen__need_pos(g, t, n, 2, "rm PATH") || ap_gen__safe_rel_path(g, t[1].val))
			return -1;
		put(&g->extra, "r", 1);
		put(&g->extra, t[1].val, t[1].len + 1);
		put_u64(&g->extra, 0);
		return 0;
	}
	if (strcmp(kw, "mkdir") == 0 || strcmp(kw, "file") == 0) {
		int is_file = kw[0] == 'f';
		if (ap_gen__need_pos(g, t, n, is_file ? 3 : 2, is_file ? "file PATH S" : "mkdir PATH") ||
		    ap_gen__safe_rel_path(g, t[1].val))
			return -1;
		put(&g->extra, is_file ? "f" : "d", 1);
		put(&g->extra, t[1].val, t[1].len + 1);
		put_u64(&g->extra, is_file ? t[2].len : 0);
		if (is_file)
			put(&g->extra, t[2].val, t[2].len);
		return 0;
	}
	ap_gen__err_at(g, "unknown directive '%s'", kw);
	return -1;
}


int ap_gen__edit_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n)
{
	if (strcmp(kw, "raw") == 0)
		return do_raw(g, t, n);
	return do_edit(g, kw, t, n);
}
