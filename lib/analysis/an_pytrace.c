/* Python tracer replay (spec torch_npu_ascend_pt.md §8.1 item 6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/hostan.h"
#include "ap/sort.h"
#include "ap/u64map.h"
#include "../base/banned.h"

#define MODULE_DELIM "######"
#define TAG_PY_CALL 0
#define TAG_PY_RETURN 1
#define TAG_C_CALL 2
#define TAG_C_RETURN 3

struct replay {
	struct ap_host *h;
	struct ap_pyframe_vec *out;
	struct ap_u64map names;     /* hash key -> strtab id of the value */
	struct ap_u64map uid_ord;   /* module uid (strtab id) -> ordinal, per thread */
	struct ap_u64map class_cnt; /* module class (strtab id) -> next ordinal, per thread */
	struct ap_pyframe *stack;
	size_t depth, stack_cap;
	struct ap_strbuf sb;
	struct ap_pymissing missing;
};

static int push(struct replay *r, const struct ap_pyrec *rec, uint32_t id, uint32_t name,
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
	f->thread = rec->thread;
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

	f = &r->out->v[r->out->n++]; /* sized for every call record */
	*f = r->stack[--r->depth];
	f->end = end;
	return 0;
}

/* Name of the frame of a Py call: "nn.Module: Class_n" for module values. */
static uint32_t module_name(struct replay *r, uint32_t value, int64_t *module_id)
{
	const char *s = ap_strtab_get(&r->h->strs, value);
	const char *d = strstr(s, MODULE_DELIM);
	struct ap_u64map_slot *us, *cs;
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
	us = ap_u64map_find(&r->uid_ord, uid);
	if (!us) {
		/* a new instance: the next ordinal of its class */
		cs = ap_u64map_get(&r->class_cnt, cls, NULL);
		if (!cs)
			return 0;
		*module_id = cs->val++;
		us = ap_u64map_get(&r->uid_ord, uid, NULL);
		if (!us)
			return 0;
		us->val = (uint32_t)*module_id;
	}
	*module_id = us->val;
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
	ap_u64map_release(&r->uid_ord);
	ap_u64map_release(&r->class_cnt);
	for (i = 0; i < n; i++) {
		const struct ap_pyrec *rec = &r->h->pyrecs.v[recs[i].idx];

		if (rec->tag == TAG_PY_CALL || rec->tag == TAG_C_CALL) {
			const struct ap_u64map_slot *s = ap_u64map_find(&r->names, rec->key);
			uint32_t name;
			int64_t mid = -1;
			int missing = !s;

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
			if (!name || push(r, rec, (uint32_t)i, name, mid) < 0)
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
	struct ap_sortkey *bythr = NULL;
	struct ap_u64map thr = { NULL, 0, 0 };
	uint32_t *ord = NULL, nthr = 0;
	size_t *start = NULL, n = h->pyrecs.n, i, calls;
	int ret = 0;

	memset(&r, 0, sizeof(r));
	r.h = h;
	r.out = out;
	ap_strbuf_init(&r.sb);
	missing->count = 0;
	missing->first_rec = 0;
	if (n == 0)
		return 0;
	bythr = malloc(n * sizeof(*bythr));
	ord = malloc((h->pythreads.n ? h->pythreads.n : 1) * sizeof(*ord));
	if (!bythr || !ord || ap_u64map_init(&r.names, h->pyhash.n) < 0)
		goto nomem;
	for (i = 0; i < h->pyhash.n; i++) {
		/* Later entries of a key win, as in a dict built in file order. */
		struct ap_u64map_slot *s = ap_u64map_get(&r.names, h->pyhash.v[i].key, NULL);

		if (!s)
			goto nomem;
		s->val = h->pyhash.v[i].value;
	}
	/* Thread ordinal by first appearance in file order of its thread id: the (pid, tid)
	 * pairs are numbered in that order, so a tid first appears with its first pair. */
	for (i = 0; i < h->pythreads.n; i++) {
		int added;
		struct ap_u64map_slot *s = ap_u64map_get(&thr, h->pythreads.v[i].tid, &added);

		if (!s)
			goto nomem;
		if (added)
			s->val = nthr++;
		ord[i] = s->val;
	}
	/* Stable counting sort by thread ordinal (file order within a thread), then each
	 * thread's slice stably by time: per thread, time order, ties in file order. Sorting
	 * slice by slice keeps the sort's scratch to one thread's records. The counting pass
	 * also counts the calls: one frame per call record at most, the output is sized once. */
	start = calloc((size_t)nthr + 1, sizeof(*start));
	if (!start)
		goto nomem;
	for (i = 0, calls = 0; i < n; i++) {
		const struct ap_pyrec *rec = &h->pyrecs.v[i];

		start[ord[rec->thread] + 1]++;
		calls += rec->tag == TAG_PY_CALL || rec->tag == TAG_C_CALL;
	}
	if (ap_vec_reserve(out, calls) < 0)
		goto nomem;
	for (i = 1; i <= nthr; i++)
		start[i] += start[i - 1];
	for (i = 0; i < n; i++) {
		struct ap_sortkey *k = &bythr[start[ord[h->pyrecs.v[i].thread]]++];

		k->key = h->pyrecs.v[i].ts;
		k->idx = (uint32_t)i;
	}
	for (i = 0; i < nthr; i++) {
		size_t b = i ? start[i - 1] : 0;

		if (ap_sort_keys(bythr + b, start[i] - b) < 0 ||
		    replay_thread(&r, bythr + b, start[i] - b) < 0)
			goto nomem;
	}
	*missing = r.missing;
	goto out;
nomem:
	ret = ap_err_set(err, AP_ENOMEM, "out of memory replaying python tracer events");
out:
	free(bythr);
	free(ord);
	free(start);
	ap_u64map_release(&thr);
	ap_u64map_release(&r.names);
	ap_u64map_release(&r.uid_ord);
	ap_u64map_release(&r.class_cnt);
	free(r.stack);
	ap_strbuf_release(&r.sb);
	return ret;
}
