/*
 * gen_time.c — §4 time alignment, inverted: a scenario TIME (the local wall-clock ns the analyser must print)
 * → the raw clock value written in a record. See TIMES in gen_main.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gen_local.h"
#include "gen_prof.h"

/* The clock the analyser applies to framework times: profiler_info's start_info, or with a PROF_* dir its
 * host/info.json frequency, host_start.log reference and start_info offset (§4). */
struct fw_clock {
	double freq;
	int64_t start_cnt, start_mono, diff;
	int have_diff;
};

static int npu_active(const struct ap_gen *g)
{
	const char *a = strstr(g->activities, "NPU");
	return a && (a == g->activities || a[-1] == ' ') && (a[3] == ' ' || a[3] == '\0');
}

static struct fw_clock clock_of(const struct ap_gen *g)
{
	struct fw_clock c = {g->freq, g->start_cnt, g->start_mono, 0, 0};
	if (g->prof) {
		int64_t d;
		ap_gen__prof_fw_clock(g->prof, &c.freq, &c.start_cnt, &c.start_mono, &d);
		if (npu_active(g) && d) {
			c.diff = d;
			c.have_diff = 1;
		}
	}
	if (!c.have_diff && g->end_present)
		c.diff = g->coll_end - g->mono_end;
	return c;
}

static int64_t fwd_mono(const struct fw_clock *g, int64_t d)
{
	double x = (double)d * (1000.0 / g->freq);
	if (x >= 9.2e18 || x <= -9.2e18)
		return x > 0 ? INT64_MAX : INT64_MIN;
	return (int64_t)x + g->start_mono; /* C cast truncates toward zero, as Python int() */
}

/* Smallest d with fwd_mono(d) >= mono (fwd_mono is non-decreasing in d). */
static int64_t smallest_ge(const struct fw_clock *g, int64_t mono)
{
	double est = (double)(mono - g->start_mono) / (1000.0 / g->freq);
	int64_t lo, hi, step = 2;
	if (est > 4.0e18 || est < -4.0e18)
		est = est > 0 ? 4.0e18 : -4.0e18;
	lo = (int64_t)est - step;
	while (fwd_mono(g, lo) >= mono && lo > INT64_MIN / 4) {
		lo -= step;
		step *= 2;
	}
	step = 2;
	hi = (int64_t)est + step;
	while (fwd_mono(g, hi) < mono && hi < INT64_MAX / 4) {
		hi += step;
		step *= 2;
	}
	while (hi - lo > 1) { /* invariant: f(lo) < mono <= f(hi) */
		int64_t mid = lo + (hi - lo) / 2;
		if (fwd_mono(g, mid) >= mono)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* Scenario TIME token → raw clock value. */
int ap_gen__to_raw(struct ap_gen *g, const struct ap_gen_tok *t, uint64_t *raw)
{
	uint64_t v;
	if (t->key) {
		ap_gen__err_at(g, "expected a time, got key '%s'", t->key);
		return -1;
	}
	if (t->val[0] == '@')
		return ap_gen__parse_num(g, "raw time", t->val + 1, t->len - 1, raw);
	if (ap_gen__parse_num(g, "time", t->val, t->len, &v))
		return -1;
	struct fw_clock ck = clock_of(g);
	int64_t local = (int64_t)v, diff = ck.diff;
	int64_t mono = local - diff;
	g->timed = 1;
	if (!g->syscnt) {
		*raw = (uint64_t)mono;
		if (mono < 0)
			ap_gen__warn_at(g, "time %lld gives a negative raw clock value (check end_info)",
					(long long)local);
		return 0;
	}
	int64_t d = smallest_ge(&ck, mono);
	int64_t got = fwd_mono(&ck, d);
	if (got != mono) {
		int64_t below = fwd_mono(&ck, d - 1);
		if (mono - below <= got - mono) {
			d = smallest_ge(&ck, below);
			got = below;
		}
		ap_gen__warn_at(g, "time %lld is not representable with freq %g; written as %lld", (long long)local,
				ck.freq, (long long)(got + diff));
	}
	if (fwd_mono(&ck, d) != got) {
		ap_gen__err_at(g, "internal: time inversion failed for %lld", (long long)local);
		return -1;
	}
	*raw = (uint64_t)ck.start_cnt + (uint64_t)d;
	if ((int64_t)*raw < 0)
		ap_gen__warn_at(g, "time %lld gives a negative raw clock value (check end_info / start_info)",
				(long long)local);
	return 0;
}

int ap_gen__to_raw_end(struct ap_gen *g, const struct ap_gen_tok *start, const struct ap_gen_tok *end,
		       uint64_t *raw)
{
	if (end->key || end->val[0] != '+')
		return ap_gen__to_raw(g, end, raw);
	uint64_t s, dur;
	if (start->val[0] == '@') {
		ap_gen__err_at(g, "+N end needs a local start time");
		return -1;
	}
	if (ap_gen__parse_num(g, "time", start->val, start->len, &s) ||
	    ap_gen__parse_num(g, "duration", end->val + 1, end->len - 1, &dur))
		return -1;
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)(s + dur));
	struct ap_gen_tok e = {.val = tmp, .len = (size_t)n};
	return ap_gen__to_raw(g, &e, raw);
}
