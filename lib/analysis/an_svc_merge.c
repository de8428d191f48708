/* The merge of the processes of a service dump (specs/ms_service_profiler.md §2.5,
 * plugins/plugin_concat.py): concatenation in file order, the §1.5 times, a stable sort by
 * start time and the vLLM hash-suffix rid mapping. */
#include <stdlib.h>
#include <string.h>

#include "an_svc_local.h"
#include "ap/sort.h"
#include "ap/status.h"
#include "ap/svc_an.h"
#include "../base/banned.h"

/* An order-preserving integer key of a double (no NaN here). */
static int64_t dkey(double d)
{
	int64_t b;

	memcpy(&b, &d, sizeof(b));
	return b < 0 ? b ^ INT64_MAX : b;
}

static int is_hex8(const char *s)
{
	for (int i = 0; i < 8; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* str.strip() of s[0..len) */
static const char *strip(const char *s, size_t len, size_t *out_len)
{
	while (len && is_space(*s))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	*out_len = len;
	return s;
}

struct hmap_ctx {
	struct ap_svc *s;
	struct ap_svc__smap orig;  /* the ids of httpReq / tokenize rows */
	struct ap_svc__smap seen;  /* every other id: value 1 + index of its original, or 1 */
	struct ap_svc__smap done;  /* rid text -> its struct mapped (rids repeat from row to row) */
	struct ap_strbuf sb;
	size_t n_mapped;
};

/* a mapped rid text (done's value; 0 when the text maps to itself) */
struct mapped {
	const char *s;
	size_t n;
};

/* an ap_sv changed by a mapping (mapped values are new only where something changed) */
static int sv_changed(const struct ap_sv *a, const struct ap_sv *b)
{
	return a->type != b->type || a->n != b->n || memcmp(&a->u, &b->u, sizeof(a->u));
}

/* _collect_rids_from_value on a string: split on ',', strip, skip "", "nan", "None" */
static int collect_str(struct ap_svc__smap *set, const char *s, size_t len)
{
	size_t b = 0;
	int added;

	for (size_t i = 0; i <= len; i++) {
		const char *t;
		size_t tl;

		if (i < len && s[i] != ',')
			continue;
		t = strip(s + b, i - b, &tl);
		b = i + 1;
		if (!tl || (tl == 3 && !memcmp(t, "nan", 3)) || (tl == 4 && !memcmp(t, "None", 4)))
			continue;
		if (!ap_svc__smap_put(set, t, tl, &added))
			return AP_ENOMEM;
	}
	return 0;
}

static int collect_sv(struct ap_svc__smap *set, const struct ap_sv *v)
{
	if (v->type == AP_SV_STR)
		return collect_str(set, v->u.s, v->n);
	if (v->type == AP_SV_OBJ) {
		const struct ap_sv *r = ap_svc__get(v, "rid");

		return r ? collect_sv(set, r) : 0;
	}
	if (v->type == AP_SV_LIST) {
		for (uint32_t i = 0; i < v->n; i++)
			AP_FORWARD_IF_ERROR(collect_sv(set, &v->u.items[i]));
	}
	return 0; /* other scalars: ProcessorRes already made strings of ints */
}

/* _find_original_rid_for_variant: "<orig>-<8 hex>", else the longest prefix cut at a '-' */
static const struct ap_svc__smap_slot *find_original(const struct ap_svc__smap *orig,
						     const char *s, size_t len)
{
	const struct ap_svc__smap_slot *sl;

	if (len > 9 && s[len - 9] == '-' && is_hex8(s + len - 8) &&
	    (sl = ap_svc__smap_find(orig, s, len - 9)))
		return sl;
	for (size_t e = len; e > 0; e--)
		if (s[e - 1] == '-' && (sl = ap_svc__smap_find(orig, s, e - 1)))
			return sl;
	return NULL;
}

/* rid_map.get(x, x) of a stripped id */
static void map_piece(struct hmap_ctx *h, const char *t, size_t tl)
{
	const struct ap_svc__smap_slot *sl = ap_svc__smap_find(&h->seen, t, tl);

	if (sl && sl->val > 1) {
		const struct ap_svc__smap_slot *o = &h->orig.slot[sl->val - 2];

		ap_strbuf_add(&h->sb, o->key, o->len);
	} else {
		ap_strbuf_add(&h->sb, t, tl);
	}
}

/* _map_rid_value on a string: one id stripped and mapped; a comma list split, stripped, empty
 * items dropped, mapped and re-joined (all empty: unchanged). Returns the new string in the
 * dump's arena, s itself when nothing changed, NULL when out of memory. */
static const char *map_str(struct hmap_ctx *h, const char *s, size_t len, size_t *out_len)
{
	size_t b = 0, items = 0;
	char *r;

	ap_strbuf_reset(&h->sb);
	for (size_t i = 0; i <= len; i++) {
		const char *t;
		size_t tl;

		if (i < len && s[i] != ',')
			continue;
		t = strip(s + b, i - b, &tl);
		b = i + 1;
		if (!tl)
			continue;
		if (items++)
			ap_strbuf_addch(&h->sb, ',');
		map_piece(h, t, tl);
	}
	if (h->sb.failed)
		return NULL;
	*out_len = len;
	if (!items || (h->sb.len == len && !memcmp(h->sb.buf, s, len)))
		return s;
	*out_len = h->sb.len;
	r = ap_arena_strndup(&h->s->arena, h->sb.buf, h->sb.len);
	return r;
}

/* map_str, once per distinct text */
static const char *map_str_memo(struct hmap_ctx *h, const char *s, size_t len, size_t *out_len)
{
	struct ap_svc__smap_slot *sl;
	struct mapped *m;
	int added;

	sl = ap_svc__smap_put(&h->done, s, len, &added);
	if (!sl)
		return NULL;
	if (added) {
		const char *r = map_str(h, s, len, out_len);

		if (!r)
			return NULL;
		if (r == s)
			return s; /* val 0: unchanged */
		m = ap_arena_alloc(&h->s->arena, sizeof(*m));
		if (!m)
			return NULL;
		m->s = r;
		m->n = *out_len;
		sl->val = (uint64_t)(uintptr_t)m;
		return r;
	}
	if (!sl->val) {
		*out_len = len;
		return s; /* this text is not mapped (wherever it lives) */
	}
	m = (struct mapped *)(uintptr_t)sl->val;
	*out_len = m->n;
	return m->s;
}

/* lists and objects are copied only when an element changes */
static int map_sv(struct hmap_ctx *h, const struct ap_sv *v, struct ap_sv *out)
{
	*out = *v;
	if (v->type == AP_SV_STR) {
		size_t n;
		const char *r = map_str_memo(h, v->u.s, v->n, &n);

		if (!r)
			return AP_ENOMEM;
		out->u.s = r;
		out->n = (uint32_t)n;
	} else if (v->type == AP_SV_LIST) {
		struct ap_sv *items = NULL, t;

		for (uint32_t i = 0; i < v->n; i++) {
			AP_FORWARD_IF_ERROR(map_sv(h, &v->u.items[i], &t));
			if (!items && sv_changed(&t, &v->u.items[i])) {
				items = ap_arena_alloc(&h->s->arena, v->n * sizeof(*items));
				if (!items)
					return AP_ENOMEM;
				memcpy(items, v->u.items, i * sizeof(*items));
			}
			if (items)
				items[i] = t;
		}
		if (items)
			out->u.items = items;
	} else if (v->type == AP_SV_OBJ && ap_svc__get(v, "rid")) {
		struct ap_sv_member *m = NULL;
		struct ap_sv t;

		for (uint32_t i = 0; i < v->n; i++) {
			if (strcmp(v->u.members[i].key, "rid"))
				continue;
			AP_FORWARD_IF_ERROR(map_sv(h, &v->u.members[i].v, &t));
			if (!m && sv_changed(&t, &v->u.members[i].v)) {
				m = ap_arena_alloc(&h->s->arena, v->n * sizeof(*m));
				if (!m)
					return AP_ENOMEM;
				memcpy(m, v->u.members, v->n * sizeof(*m));
			}
			if (m)
				m[i].v = t;
		}
		if (m)
			out->u.members = m;
	}
	return 0;
}

static int hash_mapping(struct ap_svc *s)
{
	struct hmap_ctx h = { .s = s, .sb = AP_STRBUF_INIT };
	int rc = 0;

	ap_svc__smap_init(&h.orig);
	ap_svc__smap_init(&h.seen);
	ap_svc__smap_init(&h.done);
	for (size_t r = 0; r < s->n_rows && !rc; r++) {
		const struct ap_svc_row *row = &s->rows[r];

		if (row->rid && (!strcmp(row->name ? row->name : "", "httpReq") ||
				 !strcmp(row->name ? row->name : "", "tokenize")))
			rc = collect_str(&h.orig, row->rid, strlen(row->rid));
	}
	if (rc || !h.orig.n)
		goto out;
	for (size_t r = 0; r < s->n_rows && !rc; r++) {
		const struct ap_svc_row *row = &s->rows[r];

		if (row->rid)
			rc = collect_str(&h.seen, row->rid, strlen(row->rid));
		for (uint32_t i = 0; i < row->n_rid_list && !rc; i++)
			if (row->rid_list[i])
				rc = collect_str(&h.seen, row->rid_list[i], strlen(row->rid_list[i]));
		if (!rc)
			rc = collect_sv(&h.seen, &row->res);
	}
	/* seen - originals -> their original; val = 2 + the original's slot index */
	for (size_t k = 0; !rc && h.seen.slot && k <= h.seen.mask; k++) {
		struct ap_svc__smap_slot *sl = &h.seen.slot[k];
		const struct ap_svc__smap_slot *o;

		if (!sl->key || ap_svc__smap_find(&h.orig, sl->key, sl->len))
			continue;
		if ((o = find_original(&h.orig, sl->key, sl->len))) {
			sl->val = 2 + (size_t)(o - h.orig.slot);
			h.n_mapped++;
		}
	}
	for (size_t r = 0; !rc && h.n_mapped && r < s->n_rows; r++) {
		struct ap_svc_row *row = &s->rows[r];
		size_t n;

		if (row->rid && !(row->rid = map_str_memo(&h, row->rid, strlen(row->rid), &n))) {
			rc = AP_ENOMEM;
			break;
		}
		if (row->n_rid_list) {
			const char **l = NULL, *m;

			for (uint32_t i = 0; i < row->n_rid_list && !rc; i++) {
				if (!(m = row->rid_list[i]))
					continue;
				if (!(m = map_str_memo(&h, m, strlen(m), &n))) {
					rc = AP_ENOMEM;
				} else if (!l && m != row->rid_list[i]) {
					l = ap_arena_alloc(&s->arena, row->n_rid_list * sizeof(*l));
					if (!l)
						rc = AP_ENOMEM;
					else
						memcpy(l, row->rid_list, row->n_rid_list * sizeof(*l));
				}
				if (l)
					l[i] = m;
			}
			if (l)
				row->rid_list = l;
		}
		if (!rc)
			rc = map_sv(&h, &row->res, &row->res);
	}
out:
	ap_svc__smap_release(&h.orig);
	ap_svc__smap_release(&h.seen);
	ap_svc__smap_release(&h.done);
	ap_strbuf_release(&h.sb);
	return rc;
}

int ap_svc__merge(struct ap_svc *s, struct ap_diag *diag, struct ap_err *err)
{
	struct ap_sortkey *keys = NULL;
	struct ap_svc_row *rows = NULL;
	size_t n = 0, k = 0;
	int rc;

	(void)diag;
	for (size_t i = 0; i < s->n_files; i++)
		for (size_t r = 0; r < s->files[i].n_rows; r++)
			n += !(s->files[i].rows[r].flags & AP_SVC__ROW_DROP);
	AP_RETURN_ERROR_IF(!n, err, AP_ENOTFOUND,
			   "profiling data is invalid: no service record in %zu file(s)", s->n_files);
	rows = malloc(n * sizeof(*rows));
	keys = malloc(n * sizeof(*keys));
	if (!rows || !keys) {
		rc = AP_ENOMEM;
		goto fail;
	}
	/* concatenation in file order (each file in mark_id order), times as §1.5 */
	for (size_t i = 0; i < s->n_files; i++) {
		struct ap_svc_file *f = &s->files[i];

		for (size_t r = 0; r < f->n_rows; r++) {
			struct ap_svc_row *row = &f->rows[r];

			if (row->flags & AP_SVC__ROW_DROP)
				continue;
			row->file = (uint32_t)i;
			row->start_us = (double)row->start_ns / 1000.0;
			row->end_us = (double)row->end_ns / 1000.0;
			row->during_us = row->end_us - row->start_us;
			keys[k].key = dkey(row->start_us);
			keys[k].idx = (uint32_t)k;
			rows[k++] = *row;
		}
		free(f->rows); /* moved out */
		f->rows = NULL;
		f->n_rows = 0;
	}
	/* a stable sort: ties keep file order, then mark_id order (upstream: quicksort, no
	 * defined order) */
	if ((rc = ap_sort_keys(keys, n)) < 0)
		goto fail;
	/* rows[i] = old rows[keys[i].idx], in place (one copy of the rows, not two), cycle by
	 * cycle; a placed slot gets idx = i */
	for (size_t i = 0; i < n; i++) {
		struct ap_svc_row tmp;
		size_t j = i;

		if (keys[i].idx == i)
			continue;
		tmp = rows[i];
		for (;;) {
			size_t from = keys[j].idx;

			keys[j].idx = (uint32_t)j;
			if (from == i) {
				rows[j] = tmp;
				break;
			}
			rows[j] = rows[from];
			j = from;
		}
	}
	s->rows = rows;
	s->n_rows = n;
	free(keys);
	rc = hash_mapping(s);
	if (rc < 0)
		return ap_err_set(err, rc, "service analysis: out of memory");
	return 0;
fail:
	free(rows);
	free(keys);
	return ap_err_set(err, rc, "service analysis: out of memory");
}
