/* Python tracer replay (spec torch_npu_ascend_pt.md §8.1 item 6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/hostan.h"
#include "ap/sort.h"
#include "../base/banned.h"

#define MODULE_DELIM "######"
#define TAG_PY_CALL 0
#define TAG_PY_RETURN 1
#define TAG_C_CALL 2
#define TAG_C_RETURN 3

struct u64map_slot {
	uint64_t key;
	uint32_t val;
	uint32_t used;
};

struct u64map {
	struct u64map_slot *v;
	size_t mask, count;
};

static int u64map_init(struct u64map *m, size_t n)
{
	size_t cap = 16;

	while (cap < n * 2)
		cap *= 2;
	m->v = calloc(cap, sizeof(*m->v));
	m->mask = cap - 1;
	m->count = 0;
	return m->v ? 0 : -1;
}

static struct u64map_slot *u64map_slot(struct u64map *m, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	size_t j;

	for (j = (size_t)(h >> 21) & m->mask; m->v[j].used && m->v[j].key != key;
	     j = (j + 1) & m->mask)
		;
	return &m->v[j];
}

/* The slot of key, added (used, val 0) when new; NULL when out of memory. */
static struct u64map_slot *u64map_get(struct u64map *m, uint64_t key)
{
	struct u64map_slot *s;

	if (m->count * 2 >= m->mask) {
		struct u64map bigger;
		size_t j;

		if (u64map_init(&bigger, m->mask + 1) < 0)
			return NULL;
		for (j = 0; j <= m->mask; j++)
			if (m->v[j].used)
				*u64map_slot(&bigger, m->v[j].key) = m->v[j];
		bigger.count = m->count;
		free(m->v);
		*m = bigger;
	}
	s = u64map_slot(m, key);
	if (!s->used) {
		s->used = 1;
		s->key = key;
		s->val = 0;
		m->count++;
	}
	return s;
}

struct replay {
	struct ap_host *h;
	struct ap_pyframe_vec *out;
	struct u64map names;     /* hash key -> strtab id of the value */
	struct u64map uid_ord;   /* module uid (strtab id) -> ordinal, per thread */
	struct u64map class_cnt; /* module class (strtab id) -> next ordinal, per thread */
	struct ap_pyframe *stack;
	size_t depth, stack_cap;
	struct ap_strbuf sb;
	struct ap_pymissing missing;
};

static int push(struct replay *r, const struct ap_pyrec *rec, uint64_t id, uint32_t name,
		int64_t module_id)
{
	struct ap_pyframe *f;

	if (r->depth == r->stack_cap) {
		size_t ncap = r->stack_cap ? r->stack_cap * 2 : 64;
		struct ap_pyframe *ns = realloc(r->stack, ncap * sizeof(*ns));

		if (!ns)
			return -1;
		r->stack = ns;
		r->stack_cap = ncap;
	}
	f = &r->stack[r->depth];
	f->ts = rec->ts;
	f->end = -1;
	f->pid = rec->pid;
	f->tid = rec->tid;
	f->id = id;
	f->parent_id = r->depth ? r->stack[r->depth - 1].id : 0;
	f->name = name;
	f->module_id = module_id;
	f->key = rec->key;
	f->missing = 0;
	r->depth++;
	return 0;
}

static int pop(struct replay *r, int64_t end)
{
	struct ap_pyframe *f;

	if (ap_vec_reserve(r->out, 1) < 0)
		return -1;
	f = &r->out->v[r->out->n++];
	*f = r->stack[--r->depth];
	f->end = end;
	return 0;
}

/* Name of the frame of a Py call: "nn.Module: Class_n" for module values. */
static uint32_t module_name(struct replay *r, uint32_t value, int64_t *module_id)
{
	const char *s = ap_strtab_get(&r->h->strs, value);
	const char *d = strstr(s, MODULE_DELIM);
	struct u64map_slot *us, *cs;
	uint32_t cls, uid;
	char num[AP_FMT_MAX];

	*module_id = -1;
	if (!d)
		return value;
	cls = ap_strtab_intern(&r->h->strs, s, (size_t)(d - s), NULL);
	uid = ap_strtab_intern(&r->h->strs, d + strlen(MODULE_DELIM),
			       strlen(d + strlen(MODULE_DELIM)), NULL);
	if (!cls || !uid)
		return 0;
	if (!u64map_slot(&r->uid_ord, uid)->used) {
		cs = u64map_get(&r->class_cnt, cls);
		us = u64map_get(&r->uid_ord, uid);
		if (!cs || !us)
			return 0;
		us->val = cs->val++;
	}
	*module_id = u64map_slot(&r->uid_ord, uid)->val;
	ap_strbuf_reset(&r->sb);
	ap_strbuf_addstr(&r->sb, "nn.Module: ");
	ap_strbuf_addstr(&r->sb, ap_strtab_get(&r->h->strs, cls));
	ap_strbuf_addch(&r->sb, '_');
	ap_fmt_i64(num, *module_id);
	ap_strbuf_addstr(&r->sb, num);
	if (r->sb.failed)
		return 0;
	return ap_strtab_intern(&r->h->strs, r->sb.buf, r->sb.len, NULL);
}

static int replay_thread(struct replay *r, const struct ap_sortkey *recs, size_t n)
{
	int64_t max_ts = 0;
	size_t i;

	r->depth = 0;
	/* Module ordinals count per thread. */
	free(r->uid_ord.v);
	free(r->class_cnt.v);
	r->class_cnt.v = NULL;
	if (u64map_init(&r->uid_ord, 16) < 0 || u64map_init(&r->class_cnt, 16) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct ap_pyrec *rec = &r->h->pyrecs.v[recs[i].idx];

		if (rec->tag == TAG_PY_CALL || rec->tag == TAG_C_CALL) {
			struct u64map_slot *s = u64map_slot(&r->names, rec->key);
			uint32_t name;
			int64_t mid = -1;
			int missing = !s->used;

			if (missing) {
				char num[AP_FMT_MAX];

				ap_fmt_u64(num, rec->key);
				name = ap_strtab_intern(&r->h->strs, num, strlen(num), NULL);
				if (!r->missing.count++ || recs[i].idx < r->missing.first_rec)
					r->missing.first_rec = recs[i].idx;
			} else {
				name = s->val;
				if (rec->tag == TAG_PY_CALL)
					name = module_name(r, name, &mid);
			}
			if (!name || push(r, rec, i, name, mid) < 0)
				return -1;
			r->stack[r->depth - 1].missing = missing;
		} else if (rec->tag == TAG_PY_RETURN || rec->tag == TAG_C_RETURN) {
			if (r->depth && pop(r, rec->ts) < 0)
				return -1;
		}
		if (rec->ts > max_ts)
			max_ts = rec->ts;
	}
	while (r->depth)
		if (pop(r, max_ts) < 0)
			return -1;
	return 0;
}

int ap_pytrace_build(struct ap_host *h, struct ap_pyframe_vec *out, struct ap_pymissing *missing,
		     struct ap_err *err)
{
	struct replay r;
	struct ap_sortkey *byts = NULL, *bythr = NULL;
	struct u64map thr = { NULL, 0, 0 };
	uint32_t *thr_of = NULL, nthr = 0;
	size_t *start = NULL, n = h->pyrecs.n, i;
	int ret = 0;

	memset(&r, 0, sizeof(r));
	r.h = h;
	r.out = out;
	ap_strbuf_init(&r.sb);
	missing->count = 0;
	missing->first_rec = 0;
	if (n == 0)
		return 0;
	byts = malloc(n * sizeof(*byts));
	bythr = malloc(n * sizeof(*bythr));
	thr_of = malloc(n * sizeof(*thr_of));
	if (!byts || !bythr || !thr_of || u64map_init(&r.names, h->pyhash.n) < 0 ||
	    u64map_init(&thr, 64) < 0)
		goto nomem;
	for (i = 0; i < h->pyhash.n; i++) {
		/* Later entries of a key win, as in a dict built in file order. */
		struct u64map_slot *s = u64map_slot(&r.names, h->pyhash.v[i].key);

		s->used = 1;
		s->key = h->pyhash.v[i].key;
		s->val = h->pyhash.v[i].value;
	}
	/* Thread ordinal by first appearance in file order. */
	for (i = 0; i < n; i++) {
		size_t before = thr.count;
		struct u64map_slot *s = u64map_get(&thr, h->pyrecs.v[i].tid);

		if (!s)
			goto nomem;
		if (thr.count != before)
			s->val = nthr++;
		thr_of[i] = s->val;
		byts[i].key = h->pyrecs.v[i].ts;
		byts[i].idx = (uint32_t)i;
	}
	if (ap_sort_keys(byts, n) < 0)
		goto nomem;
	/* Stable counting sort by thread ordinal: per thread, time order, ties in file order. */
	start = calloc((size_t)nthr + 1, sizeof(*start));
	if (!start)
		goto nomem;
	for (i = 0; i < n; i++)
		start[thr_of[i] + 1]++;
	for (i = 1; i <= nthr; i++)
		start[i] += start[i - 1];
	for (i = 0; i < n; i++)
		bythr[start[thr_of[byts[i].idx]]++] = byts[i];
	for (i = 0; i < nthr; i++) {
		size_t b = i ? start[i - 1] : 0;

		if (replay_thread(&r, bythr + b, start[i] - b) < 0)
			goto nomem;
	}
	*missing = r.missing;
	goto out;
nomem:
	ret = ap_err_set(err, AP_ENOMEM, "out of memory replaying python tracer events");
out:
	free(byts);
	free(bythr);
	free(thr_of);
	free(start);
	free(thr.v);
	free(r.names.v);
	free(r.uid_ord.v);
	free(r.class_cnt.v);
	free(r.stack);
	ap_strbuf_release(&r.sb);
	return ret;
}
