/* The process metadata of chrome_tracing.json (specs/ms_service_profiler.md §3.7 last bullets;
 * upstream exporters/exporter_trace.py sort_trace_events_by_pid): process_sort_index,
 * process_name and process_labels per (pid, ppid), in the exporter's sort order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/svc_trace.h"
#include "w_svc_local.h"
#include "../base/banned.h"

static int streq(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

static int is_meta(const struct ap_svc_row *r)
{
	return streq(r->domain, "Meta");
}

/* ---- process metadata (sort_trace_events_by_pid) ---------------------------------------- */

enum { DOM_NONE, DOM_SCHEDULE, DOM_FORWARD };

struct proc {
	int64_t pid;
	const char *ppid;         /* str(ppid): the Meta text, "nan" where a process has none */
	const char *pid_s;        /* str(pid) */
	const char *prefix;       /* the dotted ancestry, ".1001.1002" */
	int64_t group, parent_sort, dp;
	int coord, type_rank;
};

struct pdom {
	int64_t pid;
	int dom;
};

struct procs {
	const struct ap_svc *s;
	struct ap_svc_trace *t;
	struct proc *p;
	size_t n;
	struct pdom *d;           /* pid_domain_map, first matching row per pid */
	size_t nd;
};

static const char *file_meta(const struct ap_svc *s, uint32_t file, const char *name)
{
	const struct ap_svc_file *f;
	size_t i;

	if (file >= s->n_files)
		return NULL;
	f = &s->files[file];
	for (i = 0; i < f->n_meta; i++)
		if (streq(f->meta[i].name, name))
			return f->meta[i].value;
	return NULL;
}

static int dom_of(const struct procs *P, int64_t pid)
{
	size_t i;

	for (i = 0; i < P->nd; i++)
		if (P->d[i].pid == pid)
			return P->d[i].dom;
	return DOM_NONE;
}

static int is_digits(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* process_tree[key] (the last pair of that pid wins); with child, pairs whose pid equals
 * their ppid are left out (child_to_parent) */
static const char *tree_get(const struct procs *P, const char *key, int child)
{
	size_t i;

	for (i = P->n; i-- > 0;)
		if (!strcmp(P->p[i].pid_s, key) && !(child && !strcmp(P->p[i].pid_s, P->p[i].ppid)))
			return P->p[i].ppid;
	return NULL;
}

/* A parent's key: int(parent) when it is all digits, as text again */
static const char *parent_key(struct procs *P, const char *parent, int64_t *num, int *is_num)
{
	char buf[AP_FMT_MAX];

	*is_num = is_digits(parent);
	if (!*is_num)
		return parent;
	*num = strtoll(parent, NULL, 10);
	ap_fmt_i64(buf, *num);
	return ap_svc__intern(P->t, buf, strlen(buf));
}

/* find_schedule_parent: the nearest ancestor whose primary domain is schedule, or 0 */
static int64_t schedule_parent(struct procs *P, const char *pid_s)
{
	const char *cur = pid_s, *parent;
	size_t step;
	int64_t num = 0;
	int is_num;

	for (step = 0; step <= P->n && cur; step++) {
		if (!(parent = tree_get(P, cur, 0)))
			break;
		cur = parent_key(P, parent, &num, &is_num);
		if (is_num && dom_of(P, num) == DOM_SCHEDULE)
			return num;
	}
	return 0;
}

static const char *prefix_of(struct procs *P, const char *pid_s, struct ap_strbuf *sb)
{
	const char *chain[64], *x = pid_s;
	size_t n = 0;

	ap_strbuf_reset(sb);
	while (n < 64 && n <= P->n && tree_get(P, x, 0)) {
		chain[n++] = x;
		x = tree_get(P, x, 0);
	}
	while (n-- > 0) {
		ap_strbuf_addch(sb, '.');
		ap_strbuf_addstr(sb, chain[n]);
	}
	return sb->failed ? NULL : ap_svc__intern(P->t, sb->buf, sb->len);
}

static void proc_key(struct procs *P, struct proc *p, const int64_t *coord)
{
	const struct ap_svc_label *l;
	const char *dp = NULL, *par;
	int dom = dom_of(P, p->pid), ptype = -1;
	int64_t num;

	if (coord && *coord == p->pid) {
		p->coord = 1;
		return;
	}
	if (dom == DOM_NONE && (par = tree_get(P, p->pid_s, 1)) && is_digits(par)) {
		num = strtoll(par, NULL, 10);
		if (dom_of(P, num) == DOM_SCHEDULE) {
			ptype = 0;
		} else if (dom_of(P, num) == DOM_FORWARD) {
			ptype = 1;
			if ((l = ap_svc__label_of(P->s, num)))
				dp = l->dp_rank;
		}
	}
	p->type_rank = dom == DOM_SCHEDULE ? 0 : dom == DOM_FORWARD ? 1 : ptype >= 0 ? ptype : 3;
	if (dom == DOM_FORWARD && (l = ap_svc__label_of(P->s, p->pid)))
		dp = l->dp_rank;
	p->dp = 0;
	if (dp && !ap_svc__dp_int(NULL, dp, &p->dp))
		p->dp = 0;
	p->group = dom == DOM_SCHEDULE ? p->pid : schedule_parent(P, p->pid_s);
	p->parent_sort = dom == DOM_FORWARD ? p->pid : 0;
}

static int proc_cmp(const struct proc *a, const struct proc *b)
{
	if (a->coord || b->coord)
		return b->coord - a->coord;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->parent_sort != b->parent_sort)
		return a->parent_sort < b->parent_sort ? -1 : 1;
	if (a->type_rank != b->type_rank)
		return a->type_rank < b->type_rank ? -1 : 1;
	if (a->dp != b->dp)
		return a->dp < b->dp ? -1 : 1;
	return strcmp(a->prefix, b->prefix);
}

/* The (pid, ppid) pairs of the non-Meta rows in order of first appearance (upstream: a set),
 * sorted stably by the key of sort_trace_events_by_pid, each with process_sort_index,
 * process_name and process_labels. Nothing when no process has a ppid. */
int ap_svc__trace_procs(struct ap_svc_trace *t, const int64_t *coord)
{
	const struct ap_svc *s = t->svc;
	struct procs P;
	struct ap_strbuf sb = AP_STRBUF_INIT;
	struct ap_svc_trace_ev *ev;
	size_t i, j, cap = 8, dcap = 8;
	int have_ppid = 0, ret = AP_ENOMEM;
	char buf[AP_FMT_MAX];

	memset(&P, 0, sizeof(P));
	P.s = s;
	P.t = t;
	for (i = 0; i < s->n_rows; i++)
		if (!is_meta(&s->rows[i]) && file_meta(s, s->rows[i].file, "ppid"))
			have_ppid = 1;
	if (!have_ppid)
		return 0;
	P.p = malloc(cap * sizeof(*P.p));
	P.d = malloc(dcap * sizeof(*P.d));
	if (!P.p || !P.d)
		goto out;
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		const char *d = r->domain, *ppid;
		int dom = DOM_NONE;

		if (d && (strstr(d, "Engine") || strstr(d, "Request")))
			dom = DOM_SCHEDULE;
		else if (d && strstr(d, "Execute"))
			dom = DOM_FORWARD;
		if (dom != DOM_NONE && !(P.nd && P.d[P.nd - 1].pid == r->pid) &&
		    dom_of(&P, r->pid) == DOM_NONE) {
			if (P.nd == dcap) {
				struct pdom *nd = realloc(P.d, 2 * dcap * sizeof(*nd));

				if (!nd)
					goto out;
				P.d = nd;
				dcap *= 2;
			}
			P.d[P.nd].pid = r->pid;
			P.d[P.nd++].dom = dom;
		}
		if (is_meta(r))
			continue;
		if (!(ppid = file_meta(s, r->file, "ppid")))
			ppid = "nan";
		for (j = P.n; j-- > 0;)
			if (P.p[j].pid == r->pid && !strcmp(P.p[j].ppid, ppid))
				break;
		if (j != (size_t)-1)
			continue;
		if (P.n == cap) {
			struct proc *np = realloc(P.p, 2 * cap * sizeof(*np));

			if (!np)
				goto out;
			P.p = np;
			cap *= 2;
		}
		memset(&P.p[P.n], 0, sizeof(P.p[0]));
		P.p[P.n].pid = r->pid;
		P.p[P.n].ppid = ppid;
		if (!(P.p[P.n].pid_s = ap_svc__intern(t, buf, ap_fmt_i64(buf, r->pid))))
			goto out;
		P.n++;
	}
	for (i = 0; i < P.n; i++) {
		if (!(P.p[i].prefix = prefix_of(&P, P.p[i].pid_s, &sb)))
			goto out;
		proc_key(&P, &P.p[i], coord);
	}
	for (i = 1; i < P.n; i++) { /* insertion sort: stable, and processes are few */
		struct proc x = P.p[i];

		for (j = i; j > 0 && proc_cmp(&P.p[j - 1], &x) > 0; j--)
			P.p[j] = P.p[j - 1];
		P.p[j] = x;
	}
	ev = realloc(t->ev, (t->n_ev + 3 * P.n + 1) * sizeof(*ev));
	if (!ev)
		goto out;
	t->ev = ev;
	for (i = 0; i < P.n; i++) {
		const struct ap_svc_label *l = ap_svc__label_of(s, P.p[i].pid);
		int dom = dom_of(&P, P.p[i].pid);
		struct ap_svc_trace_ev *e = &t->ev[t->n_ev];

		memset(e, 0, 3 * sizeof(*e));
		e[0].kind = AP_SVC_EV_PROC_SORT;
		e[0].name = "process_sort_index";
		e[0].ival = (int64_t)i;
		e[1].kind = AP_SVC_EV_PROC_NAME;
		e[1].name = "process_name";
		e[1].sval = dom == DOM_SCHEDULE ? "schedule" : dom == DOM_FORWARD ? "forward"
										 : P.p[i].pid_s;
		e[2].kind = AP_SVC_EV_PROC_LABELS;
		e[2].name = "process_labels";
		for (j = 0; j < 3; j++) {
			e[j].ph = 'M';
			e[j].pid = P.p[i].pid;
		}
		t->n_ev += 2;
		if (!l || (!l->hostname && !l->dp_rank))
			continue;
		ap_strbuf_reset(&sb);
		if (l->hostname)
			ap_strbuf_addstr(&sb, l->hostname);
		if (l->hostname && l->dp_rank)
			ap_strbuf_addch(&sb, ',');
		if (l->dp_rank) {
			ap_strbuf_add(&sb, "dp", 2);
			ap_strbuf_addstr(&sb, l->dp_rank);
		}
		if (sb.failed || !(e[2].sval = ap_svc__intern(t, sb.buf, sb.len)))
			goto out;
		t->n_ev++;
	}
	ret = 0;
out:
	free(P.p);
	free(P.d);
	ap_strbuf_release(&sb);
	return ret;
}
