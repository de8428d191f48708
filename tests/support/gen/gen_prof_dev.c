/*
 * gen_prof_dev.c — the low-level device record directives: acsq, ffts, stars (STARS SOC log, cann_prof_raw
 * §3.1), ts_flip, ts_step, ts_type (ts_track, §3.2) and hwts (§3.3), each one record with explicit fields, on
 * the device clock of §3.6. See gen_main.c.
 */
#include <stdint.h>
#include <string.h>

#include "gen_prof.h"

static int dev_common(struct ap_gen *g, struct ap_gen_tok *t, int n, int npos, const char *usage, int *dev,
		      uint64_t *ts)
{
	if (ap_gen__need_pos(g, t, n, npos, usage) || ap_gen__prof_opt_dev(g, t, n, dev) ||
	    ap_gen__prof_dev_tok(g, *dev, &t[1], ts))
		return -1;
	return 0;
}

static int start_end(struct ap_gen *g, const struct ap_gen_tok *t, unsigned *func)
{
	if (strcmp(t->val, "start") && strcmp(t->val, "end")) {
		ap_gen__err_at(g, "expected start or end, got '%s'", t->val);
		return -1;
	}
	*func = t->val[0] == 'e';
	return 0;
}

/* raw ids: raw_stream= and raw_task= verbatim, else stream= task= encoded with ids=MODE (default prof_ids). */
static int raw_ids(struct ap_gen *g, struct ap_gen_tok *t, int n, unsigned sqe, uint16_t *s, uint16_t *tk)
{
	uint64_t stream, task, rs, rt;
	int mode = g->prof->idmode;
	struct ap_gen_tok *k = ap_gen__opt(t, n, "ids");
	if (k) {
		mode = -1;
		for (int i = 0; i < ID_NMODES; i++)
			if (strcmp(k->val, ap_gen__prof_id_modes[i]) == 0)
				mode = i;
		if (mode < 0) {
			ap_gen__err_at(g, "bad ids= '%s'", k->val);
			return -1;
		}
	}
	if (ap_gen__opt(t, n, "raw_stream") || ap_gen__opt(t, n, "raw_task")) {
		if (ap_gen__req_num(g, t, n, "raw_stream", &rs) || ap_gen__req_num(g, t, n, "raw_task", &rt))
			return -1;
		*s = (uint16_t)rs;
		*tk = (uint16_t)rt;
		return 0;
	}
	if (ap_gen__req_num(g, t, n, "stream", &stream) || ap_gen__req_num(g, t, n, "task", &task))
		return -1;
	if (ap_gen__enc_ids(mode, sqe, (uint32_t)stream, (uint32_t)task, s, tk)) {
		ap_gen__err_at(g, "stream %llu / task %llu cannot be written in id mode %s", (unsigned long long)stream,
			       (unsigned long long)task, ap_gen__prof_id_modes[mode]);
		return -1;
	}
	return 0;
}

static int do_acsq_ffts(struct ap_gen *g, struct ap_gen_tok *t, int n, int ffts)
{
	uint64_t ts, sqe, ctx = 0, sub = 0, thread = 0;
	unsigned func;
	uint16_t s, tk;
	int dev;
	if (dev_common(g, t, n, 3, ffts ? "ffts TIME start|end stream=N task=N ctx=N [subtype=N] [sqe=S] ..."
					: "acsq TIME start|end stream=N task=N [sqe=S] [dev=N] [ids=MODE]",
		       &dev, &ts) ||
	    start_end(g, &t[2], &func) || ap_gen__prof_opt_sqe(g, t, n, "sqe", 0, &sqe) ||
	    raw_ids(g, t, n, (unsigned)sqe, &s, &tk) ||
	    (ffts && (ap_gen__req_num(g, t, n, "ctx", &ctx) || ap_gen__opt_num(g, t, n, "subtype", 0, &sub) ||
		      ap_gen__opt_num(g, t, n, "thread", 0, &thread))))
		return -1;
	struct ap_gen_prof_dev *d = &g->prof->devs[dev];
	struct ap_gen_buf *b = ap_gen__prof_dev_buf(g->prof, dev, "stars_soc.data", AP_GEN_STARS_SIZE);
	if (ffts)
		ap_gen__enc_ffts(b, 34 + func, d->seq++, (unsigned)sqe, s, tk, ts, (unsigned)sub, (unsigned)ctx,
				 (unsigned)thread);
	else
		ap_gen__enc_acsq(b, func, d->seq++, (unsigned)sqe, s, tk, ts);
	return ap_gen__check_used(g, t, n);
}

static int do_stars(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, func;
	int dev;
	if (dev_common(g, t, n, 2, "stars TIME func=N [dev=N]", &dev, &ts) ||
	    ap_gen__req_num(g, t, n, "func", &func))
		return -1;
	ap_gen__enc_stars_other(ap_gen__prof_dev_buf(g->prof, dev, "stars_soc.data", AP_GEN_STARS_SIZE),
				(unsigned)func, g->prof->devs[dev].seq++, ts);
	return ap_gen__check_used(g, t, n);
}

static int do_ts(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n)
{
	uint64_t ts, stream, task, a, b2, c;
	int dev;
	if (dev_common(g, t, n, 2, "ts_flip|ts_step|ts_type TIME stream=N task=N ...", &dev, &ts) ||
	    ap_gen__req_num(g, t, n, "stream", &stream) || ap_gen__req_num(g, t, n, "task", &task))
		return -1;
	struct ap_gen_buf *b = ap_gen__prof_dev_buf(g->prof, dev, "ts_track.data", AP_GEN_TS_SIZE);
	if (strcmp(kw, "ts_flip") == 0) {
		if (ap_gen__req_num(g, t, n, "flip", &a))
			return -1;
		ap_gen__enc_ts_flip(b, ts, (unsigned)stream, (unsigned)a, (unsigned)task);
	} else if (strcmp(kw, "ts_step") == 0) {
		if (ap_gen__req_num(g, t, n, "tag", &a) || ap_gen__opt_num(g, t, n, "index", 1, &b2) ||
		    ap_gen__opt_num(g, t, n, "model", 0, &c))
			return -1;
		ap_gen__enc_ts_step(b, ts, b2, c, (unsigned)stream, (unsigned)task, (unsigned)a);
	} else {
		if (ap_gen__prof_opt_ts_type(g, t, n, "type", UINT64_MAX, &a) ||
		    ap_gen__opt_num(g, t, n, "status", 0, &b2))
			return -1;
		ap_gen__enc_ts_type(b, ts, (unsigned)stream, (unsigned)task, (unsigned)a, (unsigned)b2);
	}
	return ap_gen__check_used(g, t, n);
}

static int do_hwts(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t ts, stream, task, sqe;
	unsigned func;
	int dev;
	if (dev_common(g, t, n, 3, "hwts TIME start|end stream=N task=N [sqe=N] [dev=N]", &dev, &ts) ||
	    start_end(g, &t[2], &func) || ap_gen__req_num(g, t, n, "stream", &stream) ||
	    ap_gen__req_num(g, t, n, "task", &task) || ap_gen__opt_num(g, t, n, "sqe", 0, &sqe))
		return -1;
	ap_gen__enc_hwts(ap_gen__prof_dev_buf(g->prof, dev, "hwts.data", AP_GEN_HWTS_SIZE), func,
			 g->prof->devs[dev].seq++, (unsigned)sqe, (uint32_t)stream, (unsigned)task, ts);
	return ap_gen__check_used(g, t, n);
}

int ap_gen__prof_dev_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled)
{
	static const char *const kws[] = {"acsq", "ffts", "stars", "ts_flip", "ts_step", "ts_type", "hwts"};
	int k = -1;
	for (int i = 0; i < (int)(sizeof(kws) / sizeof(kws[0])); i++)
		if (strcmp(kw, kws[i]) == 0)
			k = i;
	*handled = k >= 0;
	if (k < 0)
		return 0;
	if (!g->prof) {
		ap_gen__err_at(g, "%s: needs a 'prof NAME' line first", kw);
		return -1;
	}
	switch (k) {
	case 0: return do_acsq_ffts(g, t, n, 0);
	case 1: return do_acsq_ffts(g, t, n, 1);
	case 2: return do_stars(g, t, n);
	case 6: return do_hwts(g, t, n);
	default: return do_ts(g, kw, t, n);
	}
}
