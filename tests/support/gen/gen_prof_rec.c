/*
 * gen_prof_rec.c — the PROF_* directives of a scenario: the dump-level ones (prof, prof_host, prof_device,
 * prof_slice, prof_aging, prof_ids, prof_stream, prof_type, prof_hash, prof_raw, cann_tid) and the low-level
 * record directives that write one raw record each with explicit fields (api, node_info, node_attr,
 * task_track, task_track_v2, hccl_op_info, memcpy_info, expand_spec, tensor_info, ctx_info, hccl_info,
 * graph_id_map, fusion_op_info, acsq, ffts, stars, ts_flip, ts_step, ts_type, hwts). See gen_main.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_prof.h"

/* ---------------------------------------------------------------- times */

static int need_prof(struct ap_gen *g, const char *kw)
{
	if (!g->prof) {
		ap_gen__err_at(g, "%s: needs a 'prof NAME' line first", kw);
		return -1;
	}
	return 0;
}

static int local_of(struct ap_gen *g, const struct ap_gen_tok *t, int64_t *local)
{
	uint64_t v;
	if (t->key) {
		ap_gen__err_at(g, "expected a time, got key '%s'", t->key);
		return -1;
	}
	if (ap_gen__parse_num(g, "time", t->val, t->len, &v))
		return -1;
	*local = (int64_t)v;
	g->timed = 1;
	return 0;
}

int ap_gen__prof_host_tok(struct ap_gen *g, const struct ap_gen_tok *t, uint64_t *raw)
{
	int64_t local;
	int exact;
	if (!t->key && t->val[0] == '@')
		return ap_gen__parse_num(g, "raw time", t->val + 1, t->len - 1, raw);
	if (local_of(g, t, &local))
		return -1;
	*raw = ap_gen__prof_host_at(g->prof, local, &exact);
	if (!exact)
		ap_gen__warn_at(g, "host time %lld is not representable with CPU frequency %s; written as %lld",
				(long long)local, g->prof->cpu.text,
				(long long)ap_gen__prof_host_local(g->prof, *raw));
	return 0;
}

int ap_gen__prof_dev_tok(struct ap_gen *g, int dev, const struct ap_gen_tok *t, uint64_t *raw)
{
	int64_t local;
	int exact;
	if (!t->key && t->val[0] == '@')
		return ap_gen__parse_num(g, "raw time", t->val + 1, t->len - 1, raw);
	if (local_of(g, t, &local))
		return -1;
	*raw = ap_gen__prof_dev_at(g->prof, dev, local, &exact);
	if (!exact)
		ap_gen__warn_at(g, "device time %lld is not representable with hwts_frequency %s; written as %lld",
				(long long)local, g->prof->devs[dev].hwts.text,
				(long long)ap_gen__prof_dev_local(g->prof, dev, *raw));
	return 0;
}

/* `+N` = START + N ns; START must be a local time then. */
static int end_tok(struct ap_gen *g, int dev, const struct ap_gen_tok *start, const struct ap_gen_tok *end,
		   uint64_t *raw)
{
	if (end->key || end->val[0] != '+')
		return dev < 0 ? ap_gen__prof_host_tok(g, end, raw) : ap_gen__prof_dev_tok(g, dev, end, raw);
	uint64_t s, dur;
	if (start->key || start->val[0] == '@') {
		ap_gen__err_at(g, "+N end needs a local start time");
		return -1;
	}
	if (ap_gen__parse_num(g, "time", start->val, start->len, &s) ||
	    ap_gen__parse_num(g, "duration", end->val + 1, end->len - 1, &dur))
		return -1;
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)(s + dur));
	struct ap_gen_tok e = {.val = tmp, .len = (size_t)n};
	return dev < 0 ? ap_gen__prof_host_tok(g, &e, raw) : ap_gen__prof_dev_tok(g, dev, &e, raw);
}

int ap_gen__prof_host_end_tok(struct ap_gen *g, const struct ap_gen_tok *start, const struct ap_gen_tok *end,
			      uint64_t *raw)
{
	return end_tok(g, -1, start, end, raw);
}

int ap_gen__prof_dev_end_tok(struct ap_gen *g, int dev, const struct ap_gen_tok *start,
			     const struct ap_gen_tok *end, uint64_t *raw)
{
	return end_tok(g, dev, start, end, raw);
}

int ap_gen__prof_opt_dev(struct ap_gen *g, struct ap_gen_tok *t, int n, int *dev)
{
	uint64_t id;
	struct ap_gen_prof *p = g->prof;
	if (ap_gen__opt_num(g, t, n, "dev", p->ndev ? (uint64_t)p->devs[0].id : 0, &id))
		return -1;
	if (id > 63 || (*dev = ap_gen__prof_dev(p, (int)id)) < 0) {
		ap_gen__err_at(g, "bad device id %llu or too many devices", (unsigned long long)id);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- dump-level directives */

static int valid_prof_name(const char *s)
{
	int i = 0;
	if (strncmp(s, "PROF_", 5))
		return 0;
	for (i = 5; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (s[11] != '_')
		return 0;
	for (i = 12; i < 29; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (s[29] != '_' || !s[30])
		return 0;
	for (i = 30; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	return i < 120;
}

static int before_times(struct ap_gen *g, const char *kw)
{
	if (g->timed) {
		ap_gen__err_at(g, "%s: clock directives must come before the first record with a time", kw);
		return -1;
	}
	return 0;
}

static int do_prof(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	static const char *const chips[] = {"", "910A", "", "", "", "910B"};
	static const char *const levels[] = {"l0", "l1", "l2"};
	uint64_t chip, level, pid;
	if (ap_gen__need_pos(g, t, n, 2, "prof NAME [chip=910B|910A] [level=l0|l1|l2] [pid=N]") ||
	    before_times(g, "prof") || ap_gen__opt_enum(g, t, n, "chip", chips, 6, 0, 5, &chip) ||
	    ap_gen__opt_enum(g, t, n, "level", levels, 3, 0, 1, &level) ||
	    ap_gen__opt_num(g, t, n, "pid", 0, &pid))
		return -1;
	if (g->prof || !valid_prof_name(t[1].val) || (chip != 5 && chip != 1)) {
		ap_gen__err_at(g, "prof: one per dump, NAME = PROF_<6 digits>_<17 digits>_<letters/digits>, "
				  "chip 910B or 910A");
		return -1;
	}
	struct ap_gen_prof *p = g->prof = ap_gen__prof_new();
	ap_gen__prof_defaults(p, t[1].val, pid);
	p->chip = (int)chip;
	snprintf(p->level, sizeof(p->level), "%s", levels[level]);
	/* the framework clock of the lines above: same counter, reference and offset */
	snprintf(p->cpu.text, sizeof(p->cpu.text), "%.6f", g->freq);
	if (ap_gen__freq_parse(p->cpu.text, &p->cpu))
		ap_gen__freq_parse("100.000000", &p->cpu);
	p->host_cnt = g->start_cnt;
	p->host_mono = g->start_mono;
	int64_t diff = g->end_present ? g->coll_end - g->mono_end : 1764151200000000000 - p->host_mono;
	p->begin_us = (p->host_mono + diff) / 1000;
	p->begin_mono = p->begin_us * 1000 - diff;
	p->end_us = g->end_present ? g->coll_end / 1000 : p->begin_us + 10000000;
	p->end_mono = p->end_us * 1000 - diff;
	return ap_gen__check_used(g, t, n);
}

static int opt_i64(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, int64_t *v)
{
	uint64_t x;
	if (ap_gen__opt_num(g, t, n, key, (uint64_t)*v, &x))
		return -1;
	*v = (int64_t)x;
	return 0;
}

static int opt_freq(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, struct ap_gen_freq *f,
		    int allow_empty)
{
	struct ap_gen_tok *k = ap_gen__opt(t, n, key);
	if (k && (ap_gen__freq_parse(k->val, f) || (!allow_empty && !f->num))) {
		ap_gen__err_at(g, "bad %s '%s' (MHz, e.g. 50 or 100.000000)", key, k->val);
		return -1;
	}
	return 0;
}

static int do_prof_host(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	struct ap_gen_prof *p = g->prof;
	if (ap_gen__need_pos(g, t, n, 1, "prof_host [freq=F] [cnt=N] [mono=N] [cnt_diff=N] [begin=US] ...") ||
	    before_times(g, "prof_host") || opt_freq(g, t, n, "freq", &p->cpu, 1) ||
	    opt_i64(g, t, n, "cnt", &p->host_cnt) || opt_i64(g, t, n, "mono", &p->host_mono) ||
	    opt_i64(g, t, n, "cnt_diff", &p->cnt_diff) || opt_i64(g, t, n, "begin", &p->begin_us) ||
	    opt_i64(g, t, n, "begin_mono", &p->begin_mono) || opt_i64(g, t, n, "end", &p->end_us) ||
	    opt_i64(g, t, n, "end_mono", &p->end_mono))
		return -1;
	return ap_gen__check_used(g, t, n);
}

static int do_prof_device(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	struct ap_gen_prof *p = g->prof;
	uint64_t id, aic, aiv;
	int i;
	if (ap_gen__need_pos(g, t, n, 2, "prof_device ID [hwts_freq=F] [host_mono=N] [host_cnt=N] ...") ||
	    before_times(g, "prof_device") || ap_gen__tok_num(g, &t[1], &id))
		return -1;
	if (id > 63 || (i = ap_gen__prof_dev(p, (int)id)) < 0) {
		ap_gen__err_at(g, "prof_device: bad id or too many devices");
		return -1;
	}
	struct ap_gen_prof_dev *d = &p->devs[i];
	if (opt_freq(g, t, n, "hwts_freq", &d->hwts, 0) || opt_i64(g, t, n, "host_mono", &d->host_mono) ||
	    opt_i64(g, t, n, "host_cnt", &d->host_cnt) || opt_i64(g, t, n, "cnt_diff", &d->cnt_diff) ||
	    opt_i64(g, t, n, "dev_cnt", &d->dev_cnt) || opt_i64(g, t, n, "dev_mono", &d->dev_mono) ||
	    opt_i64(g, t, n, "begin", &d->begin_us) || opt_i64(g, t, n, "begin_mono", &d->begin_mono) ||
	    ap_gen__opt_num(g, t, n, "aic", d->ai_core_num, &aic) ||
	    ap_gen__opt_num(g, t, n, "aiv", d->aiv_num, &aiv))
		return -1;
	d->ai_core_num = (unsigned)aic;
	d->aiv_num = (unsigned)aiv;
	if (p->cpu.num && d->cnt_diff && ap_gen__freq_ns(&p->cpu, d->cnt_diff) * (int64_t)p->cpu.num !=
						   d->cnt_diff * 1000 * (int64_t)p->cpu.den)
		ap_gen__warn_at(g, "prof_device: cnt_diff x 1000 / CPU frequency is not a whole number of ns");
	return ap_gen__check_used(g, t, n);
}

static int do_small(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n)
{
	struct ap_gen_prof *p = g->prof;
	uint64_t v, w;
	if (strcmp(kw, "prof_slice") == 0) {
		if (ap_gen__need_pos(g, t, n, 2, "prof_slice BYTES [split=0|1]") || ap_gen__tok_num(g, &t[1], &v) ||
		    ap_gen__opt_num(g, t, n, "split", 0, &w))
			return -1;
		p->slice = v;
		p->split = w != 0;
	} else if (strcmp(kw, "prof_aging") == 0) {
		if (ap_gen__need_pos(g, t, n, 2, "prof_aging 0|1") || ap_gen__tok_num(g, &t[1], &v))
			return -1;
		p->aging = v != 0;
	} else if (strcmp(kw, "cann_tid") == 0) {
		if (ap_gen__need_pos(g, t, n, 2, "cann_tid N") || ap_gen__tok_num(g, &t[1], &p->tid))
			return -1;
	} else if (strcmp(kw, "prof_ids") == 0) {
		int m = -1;
		if (ap_gen__need_pos(g, t, n, 2, "prof_ids plain|s1000|s2000|expand|expand8000"))
			return -1;
		for (int i = 0; i < ID_NMODES; i++)
			if (strcmp(t[1].val, ap_gen__prof_id_modes[i]) == 0)
				m = i;
		if (m < 0) {
			ap_gen__err_at(g, "prof_ids: plain, s1000, s2000, expand or expand8000");
			return -1;
		}
		p->idmode = m;
		if (m >= ID_EXPAND && !p->expand) { /* §2.4.5: the host says stream-id expansion is on */
			p->expand = 1;
			ap_gen__prof_expand(p, (uint32_t)(p->tid ? p->tid : g->tid),
					    (uint64_t)(ap_gen__prof_host_ticks(p) ? p->host_cnt : p->host_mono), 1);
		}
	} else if (strcmp(kw, "prof_stream") == 0) {
		int dev;
		struct ap_gen_prof_stream *s;
		uint64_t task, flip;
		if (ap_gen__need_pos(g, t, n, 2, "prof_stream STREAM [dev=N] [task=N] [flip=N]") ||
		    ap_gen__tok_num(g, &t[1], &v) || ap_gen__prof_opt_dev(g, t, n, &dev) ||
		    !(s = ap_gen__prof_stream(p, dev, (uint32_t)v)) ||
		    ap_gen__opt_num(g, t, n, "task", s->next_task, &task) ||
		    ap_gen__opt_num(g, t, n, "flip", s->flip, &flip))
			return -1;
		if (task > 0xFFFF || flip > 0xFFFF) {
			ap_gen__err_at(g, "prof_stream: task and flip are 16-bit");
			return -1;
		}
		s->next_task = (uint32_t)task;
		s->flip = (uint32_t)flip;
	} else if (strcmp(kw, "prof_type") == 0) {
		if (ap_gen__need_pos(g, t, n, 4, "prof_type LEVEL TYPE NAME") || ap_gen__tok_num(g, &t[1], &v) ||
		    ap_gen__tok_num(g, &t[2], &w))
			return -1;
		ap_gen__prof_type(p, (uint32_t)v, (uint32_t)w, t[3].val);
	} else { /* prof_hash */
		if (ap_gen__need_pos(g, t, n, 2, "prof_hash S"))
			return -1;
		ap_gen__prof_hash(p, t[1].val);
	}
	return ap_gen__check_used(g, t, n);
}

/* prof_raw FILE ITEM...: FILE = a host stem (aging.compact.task_track) or device_N/STEM (device_0/stars_soc.data) */
static int do_prof_raw(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	struct ap_gen_prof *p = g->prof;
	if (n < 2 || t[1].key) {
		ap_gen__err_at(g, "usage: prof_raw FILE ITEM...");
		return -1;
	}
	const char *stem = t[1].val;
	int dev = -1;
	unsigned rec = strstr(stem, "api_event") ? 40 : strstr(stem, "compact") ? 64 : 256;
	if (strncmp(stem, "device_", 7) == 0) {
		char *slash = strchr(stem, '/');
		int id = (int)strtol(stem + 7, NULL, 10);
		if (!slash || (dev = ap_gen__prof_dev(p, id)) < 0) {
			ap_gen__err_at(g, "prof_raw: device_N/STEM expected");
			return -1;
		}
		stem = slash + 1;
		rec = strncmp(stem, "ts_track", 8) == 0 ? 40 : 64;
	}
	struct ap_gen_buf *b = &ap_gen__prof_file(p, stem, dev, rec)->b;
	for (int i = 2; i < n; i++) {
		uint64_t x;
		const char *v = t[i].val;
		if (t[i].key) {
			ap_gen__err_at(g, "prof_raw: unexpected key '%s'", t[i].key);
			return -1;
		}
		if (t[i].quoted) {
			put(b, v, t[i].len);
		} else if (v[0] == 'u' && strchr(v, ':')) {
			int bits = (int)strtol(v + 1, NULL, 10);
			if ((bits != 8 && bits != 16 && bits != 32 && bits != 64) ||
			    ap_gen__parse_num(g, "prof_raw", strchr(v, ':') + 1, strlen(strchr(v, ':') + 1), &x))
				return -1;
			put_le(b, x, bits / 8);
		} else {
			if (t[i].len % 2) {
				ap_gen__err_at(g, "prof_raw: odd number of hex digits in '%s'", v);
				return -1;
			}
			for (size_t j = 0; j < t[i].len; j += 2) {
				int h = ap_gen__hexval((unsigned char)v[j]), l = ap_gen__hexval((unsigned char)v[j + 1]);
				if (h < 0 || l < 0) {
					ap_gen__err_at(g, "prof_raw: bad hex '%s'", v);
					return -1;
				}
				put_u8(b, (uint64_t)(h * 16 + l));
			}
		}
	}
	return 0;
}

int ap_gen__prof_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled)
{
	static const char *const small[] = {"prof_slice", "prof_aging", "cann_tid", "prof_ids",
					    "prof_stream", "prof_type", "prof_hash"};
	*handled = 1;
	if (strcmp(kw, "prof") == 0)
		return do_prof(g, t, n);
	if (strcmp(kw, "prof_host") == 0)
		return need_prof(g, kw) || do_prof_host(g, t, n);
	if (strcmp(kw, "prof_device") == 0)
		return need_prof(g, kw) || do_prof_device(g, t, n);
	if (strcmp(kw, "prof_raw") == 0)
		return need_prof(g, kw) || do_prof_raw(g, t, n);
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		if (strcmp(kw, small[i]) == 0)
			return need_prof(g, kw) || do_small(g, kw, t, n);
	int r = ap_gen__prof_rec_directive(g, kw, t, n, handled);
	if (r || *handled)
		return r;
	*handled = 1;
	return ap_gen__prof_chain_directive(g, kw, t, n, handled);
}
