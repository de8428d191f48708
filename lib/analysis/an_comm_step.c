/* torch_npu's CommunicationParser over msprof's communication result (upstream
 * torch_npu/profiler/analysis/prof_view/_communication_parser.py; spec torch_npu §8.7): ops
 * assigned to steps, split into p2p and collective with a "Total Op Info" each, and the
 * matrix regrouped into top1 / middle / bottom / total entries per (type, group, link). */
#include <stdlib.h>
#include <string.h>

#include "ap/comm.h"
#include "ap/fmt.h"
#include "ap/sort.h"
#include "ap/strbuf.h"
#include "ap/u64map.h"
#include "an_comm_local.h"
#include "../base/banned.h"

int ap_comm_op_type(const char *key, char *buf, size_t cap)
{
	static const char *const alt[] = {
		"send", "reduce", "invalid", "broadcast", "allreduce", "receive", "allgather",
		"reducescatter", "scatter", "alltoall", "alltoallv", "alltoallvc", "batchsendrecv",
	};
	const char *p, *cut;
	size_t a, i, n;

	for (p = key; *p; p++)
		for (a = 0; a < sizeof(alt) / sizeof(alt[0]); a++) {
			n = strlen(alt[a]);
			for (i = 0; i < n && p[i] && tolower((unsigned char)p[i]) == alt[a][i]; i++)
				;
			if (i == n) {
				n = n < cap ? n : cap - 1;
				memcpy(buf, alt[a], n);
				buf[n] = '\0';
				return 1;
			}
		}
	cut = strstr(key, "__");
	n = cut ? (size_t)(cut - key) : strlen(key);
	n = n < cap ? n : cap - 1;
	memcpy(buf, key, n);
	buf[n] = '\0';
	return 0;
}

int64_t ap_comm_us2ns(double us)
{
	char buf[AP_FMT_MAX], digits[AP_FMT_MAX + 4];
	size_t len = ap_fmt_double(buf, us), i, m = 0, dec = 0;
	int seen = 0;

	if (memchr(buf, 'e', len) || memchr(buf, 'n', len))
		return (int64_t)(us * 1000.0); /* Python would fail; not a time */
	for (i = 0; i < len; i++) {
		if (buf[i] == '.') {
			seen = 1;
			continue;
		}
		if (seen && dec == 3)
			break;
		digits[m++] = buf[i];
		dec += seen;
	}
	for (; dec < 3; dec++)
		digits[m++] = '0';
	digits[m] = '\0';
	return strtoll(digits, NULL, 10);
}

static int starts_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (tolower((unsigned char)*s) != *prefix)
			return 0;
	return 1;
}

/* 0 p2p, 1 collective, -1 dropped (split_communication_p2p_ops). */
static int group_of_key(const char *key)
{
	if (starts_ci(key, "hcom_send") || starts_ci(key, "hcom_receive") ||
	    starts_ci(key, "hcom_batchsendrecv"))
		return 0;
	return starts_ci(key, "total") ? -1 : 1;
}

/* The lookups below hash into maps that are never cleared, as an_comm.c's: a slot holds where
 * its key was last put, its place now if the entry there has that key and lies in the current
 * range; else the key is new to the range. */

/* The map key of a size: its bits, 0.0 for -0.0 (Python's dict has them equal). */
static uint64_t size_key(double x)
{
	uint64_t k = 0;

	if (x != 0)
		memcpy(&k, &x, sizeof(k));
	return k;
}

/* Merges the bins of transport k of op into the total's bins, which are the last ones, from
 * first (bin_of: size bits -> index into c->bins). */
static int merge_bins(struct ap_comm *c, struct ap_u64map *bin_of, const struct ap_comm_op *op,
		      int k, uint32_t first)
{
	uint32_t i, j;

	for (i = 0; i < op->bw[k].nbins; i++) {
		struct ap_comm_bin b = c->bins.v[op->bw[k].bin + i];
		struct ap_u64map_slot *s = ap_u64map_get(bin_of, size_key(b.size_mb), NULL);

		if (!s)
			return AP_ENOMEM;
		j = s->val;
		if (j < first || j >= c->bins.n || c->bins.v[j].size_mb != b.size_mb) {
			struct ap_comm_bin *nb = ap_vec_push(&c->bins);

			if (!nb)
				return AP_ENOMEM;
			memset(nb, 0, sizeof(*nb));
			nb->size_mb = b.size_mb;
			j = (uint32_t)(c->bins.n - 1);
			s->val = j;
		}
		ap_comm__add(&c->bins.v[j].count, b.count.v, b.count.isf);
		ap_comm__add(&c->bins.v[j].time_ms, b.time_ms.v, b.time_ms.isf);
	}
	return 0;
}

/* compute_total_info over the ops gops[g->op, g->op + g->nops). */
static int group_total(struct ap_comm *c, struct ap_u64map *bin_of, struct ap_comm_group *g)
{
	struct ap_comm_total *t = &g->total;
	uint32_t i;
	int k;

	memset(t, 0, sizeof(*t));
	for (k = 0; k < 5; k++)
		t->time[k].isf = 1; /* defaultdict(float) */
	for (i = 0; i < g->nops; i++) {
		const struct ap_comm_op *op = &c->ops.v[c->gops.v[g->op + i]];

		for (k = 0; k < 5; k++)
			ap_comm__add(&t->time[k], op->time[k].v, op->time[k].isf);
		for (k = 0; k < AP_COMM_NTRANSPORT; k++) {
			ap_comm__add(&t->bw_time[k], op->bw[k].time_ms.v, op->bw[k].time_ms.isf);
			ap_comm__add(&t->bw_size[k], op->bw[k].size_mb.v, op->bw[k].size_mb.isf);
		}
	}
	ap_comm__ratios(t->time, 1);
	for (k = 0; k < AP_COMM_NTRANSPORT; k++) {
		t->bin[k] = (uint32_t)c->bins.n;
		for (i = 0; i < g->nops; i++)
			if (merge_bins(c, bin_of, &c->ops.v[c->gops.v[g->op + i]], k, t->bin[k]) < 0)
				return AP_ENOMEM;
		t->nbins[k] = (uint32_t)(c->bins.n - t->bin[k]);
	}
	return 0;
}

static uint32_t step_key(struct ap_comm *c, const char *id)
{
	struct ap_strbuf b = AP_STRBUF_INIT;
	uint32_t k;

	ap_strbuf_addstr(&b, "step");
	if (id)
		ap_strbuf_addstr(&b, id);
	k = ap_strtab_intern(&c->strs, b.buf, b.len, NULL);
	ap_strbuf_release(&b);
	return k;
}

/* ---- the matrix of one group ---- */

struct mkey {
	uint32_t type, group, link; /* strs ids */
	uint32_t first, n;          /* its records in order */
};

struct mtmp {
	AP_VEC(struct mkey) keys;
	AP_VEC(uint32_t) rk;        /* per record: its key */
	AP_VEC(struct ap_comm_link) recs, sorted;
	AP_VEC(uint32_t) ent_of;    /* per output record: its entry (group-local) */
	AP_VEC(struct ap_comm_link) out;
	AP_VEC(uint32_t) ents;      /* entry names, group-local order */
	AP_VEC(uint64_t) tgs;       /* (type << 32 | group) pairs of keys, group-local order */
	AP_VEC(uint32_t) ecount;    /* per entry: its records, then where they go */
	AP_VEC(struct ap_sortkey) by_bw; /* the records, larger bandwidth first */
	struct ap_u64map tg_of;     /* type << 32 | group -> index into tgs */
	struct ap_u64map key_of;    /* tgs index << 32 | link -> index into keys */
	struct ap_u64map ent_map;   /* entry name id -> index into ents */
	struct ap_u64map bin_of;    /* for merge_bins */
};

static uint32_t intern_n(struct ap_comm *c, const char *s, size_t n)
{
	return ap_strtab_intern(&c->strs, s, n, NULL);
}

/* Adds record r to the entry named "{type}-{what}@{group}". */
static int emit(struct ap_comm *c, struct mtmp *m, const struct mkey *k, const char *what,
		const struct ap_comm_link *r)
{
	struct ap_strbuf b = AP_STRBUF_INIT;
	struct ap_u64map_slot *s;
	uint32_t id, e;
	int ret = AP_ENOMEM;

	ap_strbuf_addstr(&b, ap_strtab_get(&c->strs, k->type));
	ap_strbuf_addch(&b, '-');
	ap_strbuf_addstr(&b, what);
	ap_strbuf_addch(&b, '@');
	ap_strbuf_addstr(&b, ap_strtab_get(&c->strs, k->group));
	id = intern_n(c, b.buf, b.len);
	ap_strbuf_release(&b);
	if (id == AP_STR_NONE || !(s = ap_u64map_get(&m->ent_map, id, NULL)))
		return AP_ENOMEM;
	e = s->val;
	if (e >= m->ents.n || m->ents.v[e] != id) {
		if (!ap_vec_push(&m->ents))
			return AP_ENOMEM;
		e = (uint32_t)(m->ents.n - 1);
		m->ents.v[e] = id;
		s->val = e;
	}
	if (ap_vec_push(&m->out) && ap_vec_push(&m->ent_of)) {
		m->out.v[m->out.n - 1] = *r;
		m->ent_of.v[m->ent_of.n - 1] = e;
		ret = 0;
	}
	return ret;
}

/* The index of (type, group) in m->tgs, added when new; UINT32_MAX out of memory. */
static uint32_t tg_index(struct mtmp *m, uint32_t type, uint32_t group)
{
	uint64_t tg = (uint64_t)type << 32 | group;
	struct ap_u64map_slot *s = ap_u64map_get(&m->tg_of, tg, NULL);

	if (!s)
		return UINT32_MAX;
	if (s->val >= m->tgs.n || m->tgs.v[s->val] != tg) {
		if (!ap_vec_push(&m->tgs))
			return UINT32_MAX;
		m->tgs.v[m->tgs.n - 1] = tg;
		s->val = (uint32_t)(m->tgs.n - 1);
	}
	return s->val;
}

/* The index of key (type, group, link) in m->keys, tg the index of (type, group), added (with
 * no records) when new; UINT32_MAX out of memory. */
static uint32_t key_index(struct mtmp *m, uint32_t tg, uint32_t type, uint32_t group,
			  uint32_t link)
{
	struct ap_u64map_slot *s = ap_u64map_get(&m->key_of, (uint64_t)tg << 32 | link, NULL);
	const struct mkey *o;

	if (!s)
		return UINT32_MAX;
	o = s->val < m->keys.n ? &m->keys.v[s->val] : NULL;
	if (!o || o->type != type || o->group != group || o->link != link) {
		struct mkey *k = ap_vec_push(&m->keys);

		if (!k)
			return UINT32_MAX;
		memset(k, 0, sizeof(*k));
		k->type = type;
		k->group = group;
		k->link = link;
		s->val = (uint32_t)(m->keys.n - 1);
	}
	return s->val;
}

/* The sort key of a bandwidth, larger first (0.0 and -0.0 equal, as in Python). */
static int64_t bw_desc_key(double x)
{
	uint64_t u = 0;

	if (x != 0)
		memcpy(&u, &x, sizeof(u));
	u = u >> 63 ? ~u : u | 1ull << 63; /* the doubles' order as unsigned */
	return ap_sortkey_u64(~u);
}

/* get_comm_type + integrate_matrix_data for the ops gops[g->op, +nops) of one group. */
static int group_matrix(struct ap_comm *c, struct mtmp *m, const uint32_t *ops, size_t nops,
			struct ap_comm_group *g)
{
	size_t i, j, x;
	char type[256];

	m->keys.n = m->rk.n = m->recs.n = m->out.n = m->ent_of.n = m->ents.n = m->tgs.n = 0;
	for (i = 0; i < nops; i++) {
		const struct ap_comm_op *op = &c->ops.v[ops[i]];
		const char *key = ap_strtab_get(&c->strs, op->key);
		const char *at = strchr(key, '@'), *last = strrchr(key, '@');
		uint32_t tid, gid, oname, tg;

		if (!ap_comm_op_type(key, type, sizeof(type)))
			c->unknown_types++;
		tid = intern_n(c, type, strlen(type));
		gid = last ? intern_n(c, last + 1, strlen(last + 1)) : op->key;
		oname = at ? intern_n(c, key, (size_t)(at - key)) : op->key;
		if (tid == AP_STR_NONE || gid == AP_STR_NONE || oname == AP_STR_NONE ||
		    (tg = tg_index(m, tid, gid)) == UINT32_MAX)
			return AP_ENOMEM;
		for (j = 0; j < op->nlinks; j++) {
			struct ap_comm_link r = c->links.v[op->link + j];

			x = key_index(m, tg, tid, gid, r.key);
			if (x == UINT32_MAX)
				return AP_ENOMEM;
			m->keys.v[x].n++;
			r.op_name = oname;
			if (!ap_vec_push(&m->recs) || !ap_vec_push(&m->rk))
				return AP_ENOMEM;
			m->recs.v[m->recs.n - 1] = r;
			m->rk.v[m->rk.n - 1] = (uint32_t)x;
		}
	}
	m->by_bw.n = 0;
	if (ap_vec_reserve(&m->sorted, m->recs.n) < 0 || ap_vec_reserve(&m->by_bw, m->recs.n) < 0)
		return AP_ENOMEM;
	for (x = 0, j = 0; x < m->keys.n; x++) {
		m->keys.v[x].first = (uint32_t)j;
		j += m->keys.v[x].n;
		m->keys.v[x].n = 0;
	}
	/* each key's records by list.sort(key=bandwidth, reverse=True), which is stable: all the
	 * records sorted so (stably), then dealt to their keys in that order */
	for (i = 0; i < m->recs.n; i++) {
		m->by_bw.v[i].key = bw_desc_key(m->recs.v[i].bw.v);
		m->by_bw.v[i].idx = (uint32_t)i;
	}
	m->by_bw.n = m->recs.n;
	if (ap_sort_keys(m->by_bw.v, m->by_bw.n) < 0)
		return AP_ENOMEM;
	for (i = 0; i < m->recs.n; i++) {
		uint32_t r = m->by_bw.v[i].idx;
		struct mkey *k = &m->keys.v[m->rk.v[r]];

		m->sorted.v[k->first + k->n++] = m->recs.v[r];
	}
	for (x = 0; x < m->keys.n; x++) {
		const struct mkey *k = &m->keys.v[x];
		struct ap_comm_link *d = m->sorted.v + k->first, tot;
		size_t n = k->n, a;

		memset(&tot, 0, sizeof(tot));
		tot.key = k->link;
		tot.transport = d[0].transport;
		for (a = 0; a < n; a++) {
			ap_comm__add(&tot.size_mb, d[a].size_mb.v, d[a].size_mb.isf);
			ap_comm__add(&tot.time_ms, d[a].time_ms.v, d[a].time_ms.isf);
		}
		if (!(tot.time_ms.v < 1e-15 && tot.time_ms.v > -1e-15)) {
			tot.bw.v = ap_fmt_py_round(tot.size_mb.v / tot.time_ms.v, 4);
			tot.bw.isf = 1;
		}
		tot.op_name = AP_STR_NONE;
		if (emit(c, m, k, "top1", &d[0]) || emit(c, m, k, "middle", &d[n / 2]) ||
		    emit(c, m, k, "bottom1", &d[n - 1]) || emit(c, m, k, "total", &tot) ||
		    (n >= 2 && emit(c, m, k, "bottom2", &d[n - 2])) ||
		    (n >= 3 && emit(c, m, k, "bottom3", &d[n - 3])))
			return AP_ENOMEM;
	}
	/* the entries in creation order, each with its records in order (a counting sort) */
	g->ment = (uint32_t)c->ments.n;
	g->nments = (uint32_t)m->ents.n;
	if (ap_vec_reserve(&c->ments, m->ents.n) < 0 || ap_vec_reserve(&c->mlinks, m->out.n) < 0)
		return AP_ENOMEM;
	m->ecount.n = 0;
	if (ap_vec_reserve(&m->ecount, m->ents.n) < 0)
		return AP_ENOMEM;
	m->ecount.n = m->ents.n;
	for (x = 0; x < m->ents.n; x++)
		m->ecount.v[x] = 0;
	for (i = 0; i < m->out.n; i++)
		m->ecount.v[m->ent_of.v[i]]++;
	for (x = 0, j = c->mlinks.n; x < m->ents.n; x++) {
		struct ap_comm_mentry *e = &c->ments.v[c->ments.n++];

		e->name = m->ents.v[x];
		e->link = (uint32_t)j;
		e->n = m->ecount.v[x];
		m->ecount.v[x] = (uint32_t)j; /* where its next record goes */
		j += e->n;
	}
	for (i = 0; i < m->out.n; i++)
		c->mlinks.v[m->ecount.v[m->ent_of.v[i]]++] = m->out.v[i];
	c->mlinks.n += m->out.n;
	return 0;
}

/* The ops of each step and group in op order, for collect: those of step s (opstep, -1 none)
 * in group g (grp, -1 none) are idx[off[k] .. off[k + 1]) with k = 2 * s + g; nk = 2 * (the
 * largest step + 1) keys. One counting sort: linear in ops + steps. */
static void bucket(uint32_t *off, uint32_t *idx, const int32_t *opstep, const int8_t *grp,
		   size_t nops, size_t nk)
{
	size_t i, k;

	memset(off, 0, (nk + 1) * sizeof(*off));
	for (i = 0; i < nops; i++)
		if (opstep[i] >= 0 && grp[i] >= 0)
			off[(size_t)opstep[i] * 2 + (size_t)grp[i] + 1]++;
	for (k = 0; k < nk; k++)
		off[k + 1] += off[k];
	for (i = 0; i < nops; i++) /* off[k] moves to the end of key k = the start of k + 1 */
		if (opstep[i] >= 0 && grp[i] >= 0)
			idx[off[(size_t)opstep[i] * 2 + (size_t)grp[i]]++] = (uint32_t)i;
	for (k = nk; k > 0; k--)
		off[k] = off[k - 1];
	off[0] = 0;
}

/* Appends the ops of step s in group g (bucket's index) to gops. */
static int collect(struct ap_comm *c, const uint32_t *off, const uint32_t *idx, int32_t s, int g,
		   uint32_t *first, uint32_t *n)
{
	size_t k = (size_t)s * 2 + (size_t)g, i;

	*first = (uint32_t)c->gops.n;
	if (ap_vec_reserve(&c->gops, off[k + 1] - off[k]) < 0)
		return AP_ENOMEM;
	for (i = off[k]; i < off[k + 1]; i++)
		c->gops.v[c->gops.n++] = idx[i];
	*n = (uint32_t)(c->gops.n - *first);
	return 0;
}

/* 1 when the steps' starts and ends are both non-decreasing (as step ranges come): then the
 * first step holding a time is found by binary search. */
static int monotone(const struct ap_comm_range *s, size_t n)
{
	size_t j;

	for (j = 1; j < n; j++)
		if (s[j].start_ns < s[j - 1].start_ns || s[j].end_ns < s[j - 1].end_ns)
			return 0;
	return 1;
}

/* The first step (in the given order) with start <= t <= end, or -1. Monotone steps: the first
 * with end >= t is the only candidate (those before end earlier, those after start later). */
static int32_t step_of(const struct ap_comm_range *s, size_t n, int mono, int64_t t)
{
	size_t lo = 0, hi = n, j;

	if (!mono) {
		for (j = 0; j < n; j++)
			if (s[j].start_ns <= t && t <= s[j].end_ns)
				return (int32_t)j;
		return -1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].end_ns < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && s[lo].start_ns <= t ? (int32_t)lo : -1;
}

static void mtmp_release(struct mtmp *m)
{
	ap_vec_free(&m->keys);
	ap_vec_free(&m->rk);
	ap_vec_free(&m->recs);
	ap_vec_free(&m->sorted);
	ap_vec_free(&m->ent_of);
	ap_vec_free(&m->out);
	ap_vec_free(&m->ents);
	ap_vec_free(&m->tgs);
	ap_vec_free(&m->ecount);
	ap_vec_free(&m->by_bw);
	ap_u64map_release(&m->tg_of);
	ap_u64map_release(&m->key_of);
	ap_u64map_release(&m->ent_map);
	ap_u64map_release(&m->bin_of);
}

int ap_comm_by_step(struct ap_comm *c, const struct ap_comm_range *steps, size_t nsteps,
		    struct ap_err *err)
{
	static const struct ap_comm_range pseudo = { NULL, 0, INT64_MAX };
	int32_t *opstep = NULL, *morder = NULL;
	int8_t *grp = NULL;
	uint8_t *seen = NULL;
	uint32_t *off = NULL, *idx = NULL;
	struct mtmp m;
	size_t i, j, nm = 0, nk;
	int g, any = 0, mono, ret = AP_ENOMEM;

	memset(&m, 0, sizeof(m));
	if (!nsteps) {
		steps = &pseudo;
		nsteps = 1;
	}
	c->steps.n = c->msteps.n = 0;
	c->has_comm = c->ops.n > 0 && !c->untimed_ops;
	c->has_matrix = 0;
	nk = 2 * (nsteps + 1);
	opstep = malloc((c->ops.n ? c->ops.n : 1) * sizeof(*opstep));
	grp = malloc(c->ops.n ? c->ops.n : 1);
	idx = malloc((c->ops.n ? c->ops.n : 1) * sizeof(*idx));
	off = malloc((nk + 1) * sizeof(*off));
	morder = malloc((nsteps + 1) * sizeof(*morder));
	seen = calloc(nsteps + 1, 1);
	if (!opstep || !grp || !idx || !off || !morder || !seen)
		goto out;
	mono = monotone(steps, nsteps);
	for (i = 0; i < c->ops.n; i++) {
		/* one step: every op is pre-assigned to it */
		opstep[i] = nsteps == 1 ? 0
					: step_of(steps, nsteps, mono,
						  ap_comm_us2ns(c->ops.v[i].start_us));
		grp[i] = (int8_t)group_of_key(ap_strtab_get(&c->strs, c->ops.v[i].key));
		/* "Total ..." keys would be dropped later: no step needs them */
		if (grp[i] >= 0)
			any |= opstep[i] >= 0;
	}
	bucket(off, idx, opstep, grp, c->ops.n, nk);
	if (!c->has_comm)
		any = 0; /* no communication.json: no step holds an op */
	else
		for (j = 0; j < nsteps; j++) {
			struct ap_comm_step *st = ap_vec_push(&c->steps);

			if (!st)
				goto out;
			memset(st, 0, sizeof(*st));
			st->key = step_key(c, steps[j].id && *steps[j].id ? steps[j].id : NULL);
			for (g = 0; g < 2; g++) {
				st = &c->steps.v[c->steps.n - 1];
				if (collect(c, off, idx, (int32_t)j, g, &st->g[g].op, &st->g[g].nops) < 0 ||
				    (st->g[g].nops &&
				     group_total(c, &m.bin_of, &c->steps.v[c->steps.n - 1].g[g]) < 0))
					goto out;
			}
		}
	/* the matrix: steps in the order their first op appears; no op in any step: all in "step" */
	if (!any) {
		for (i = 0; i < c->ops.n; i++)
			opstep[i] = (int32_t)nsteps;
		if (c->ops.n)
			morder[nm++] = (int32_t)nsteps;
		bucket(off, idx, opstep, grp, c->ops.n, nk);
	} else {
		for (i = 0; i < c->ops.n; i++) {
			if (opstep[i] < 0 || seen[opstep[i]])
				continue;
			seen[opstep[i]] = 1;
			morder[nm++] = opstep[i];
		}
	}
	for (j = 0; j < nm; j++) {
		struct ap_comm_step *st = ap_vec_push(&c->msteps);
		int32_t s = morder[j];

		if (!st)
			goto out;
		memset(st, 0, sizeof(*st));
		st->key = step_key(c, s < (int32_t)nsteps && steps[s].id && *steps[s].id
					      ? steps[s].id : NULL);
		for (g = 0; g < 2; g++) {
			uint32_t first, n;

			if (collect(c, off, idx, s, g, &first, &n) < 0 ||
			    group_matrix(c, &m, c->gops.v + first, n,
					 &c->msteps.v[c->msteps.n - 1].g[g]) < 0)
				goto out;
			c->gops.n = first; /* the matrix keeps entries, not op lists */
		}
	}
	c->has_matrix = c->msteps.n > 0;
	ret = 0;
out:
	free(opstep);
	free(grp);
	free(idx);
	free(off);
	free(morder);
	free(seen);
	mtmp_release(&m);
	if (ret < 0)
		return ap_err_set(err, AP_ENOMEM, "out of memory splitting communication by step");
	return 0;
}
