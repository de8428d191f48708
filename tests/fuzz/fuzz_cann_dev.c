/*
 * fuzz_cann_dev.c — the PROF_* device side on arbitrary bytes, in memory: the slice-stream loader
 * (lib/formats/cann/cann_dev_load.c) with its STARS / TS track / HWTS / ffts_profile decoders, then
 * pairing (lib/analysis/an_cann_pair.c) and the device clock on its result; or, with bit 7 of the
 * selector, the side-file parsers (lib/formats/cann/cann_meta.c).
 *
 * Input: byte 0 is a selector.
 *   bit 7 clear (device data): bits 0-1 the chip's log kind (0 STARS, 1 HWTS, 2 STARS v6, 3 unknown),
 *     bit 2 stream-id expansion. Then slices, each: u8 name byte (bits 0-1 kind: stars_soc, ts_track,
 *     hwts, ffts_profile; bits 2-6 slice number; bit 7 another device's slice), u16 LE length (cut to
 *     what is left), the bytes. At most 16 slices.
 *   bit 7 set (side files): bits 0-2 which parser (info.json, sample.json, start_info, end_info,
 *     host_start.log; 5-7: all of them), the rest the file.
 *
 * Invariants beyond "no crash, no leak": the load returns 0 or AP_EUNSUPPORTED (only when STARS
 * slices exist and the chip is v6 or unknown); it yields at most one log per 64 bytes of task-log
 * slices and one flip per 40 bytes of TS track; every log's source, end flag and decoded ids are in
 * range; every diagnostic names a file of the data dir; pairing returns no more tasks than starts
 * and than ends, with unmatched counts that add up, and tasks ordered by start; clock conversions
 * of the paired times do not overflow (UBSan). The parsers return 0 or AP_EFORMAT with a message
 * naming the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_clock.h"
#include "ap/cann_dev.h"
#include "ap/cann_dev_load.h"
#include "ap/cann_meta.h"
#include "ap/cann_pair.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

#define MAX_SLICES 16

static const char *const stems[4] = { "stars_soc.data", "ts_track.data", "hwts.data",
				      "ffts_profile.data" };

static void side_files(unsigned which, const uint8_t *p, size_t n)
{
	struct ap_cann_info info;
	struct ap_cann_sample sample;
	struct ap_cann_time_info ti;
	struct ap_cann_start_log sl;
	struct ap_err err = AP_ERR_INIT;
	const char *s = (const char *)p;
	int r;

	if (which == 0 || which >= 5) {
		r = ap_cann_parse_info(s, n, "info.json.0", &info, &err);
		FUZZ_CHECK(r == 0 || (r == AP_EFORMAT && strstr(err.msg.buf, "'info.json.0'")));
		if (r == 0)
			(void)ap_cann_chip_name(info.platform_version);
		ap_err_release(&err);
	}
	if (which == 1 || which >= 5) {
		r = ap_cann_parse_sample(s, n, "sample.json", &sample, &err);
		FUZZ_CHECK(r == 0 || (r == AP_EFORMAT && strstr(err.msg.buf, "'sample.json'")));
		ap_err_release(&err);
	}
	if (which == 2 || which == 3 || which >= 5) {
		r = ap_cann_parse_time_info(s, n, "start_info.0", which == 3, &ti, &err);
		FUZZ_CHECK(r == 0 || (r == AP_EFORMAT && strstr(err.msg.buf, "'start_info.0'")));
		FUZZ_CHECK(r != 0 || ti.time_us * 1000 >= ti.mono_ns);
		ap_err_release(&err);
	}
	if (which == 4 || which >= 5) {
		r = ap_cann_parse_start_log(s, n, "host_start.log.0", &sl, &err);
		FUZZ_CHECK(r == 0 || (r == AP_EFORMAT && strstr(err.msg.buf, "'host_start.log.0'")));
		if (r == 0) {
			/* a clock from the log's numbers, as the device clock would be */
			struct ap_cann_clock c = { 49.999001, sl.cntvct, sl.clock_monotonic_raw,
						   (int64_t)(sl.cntvct_diff >> 1), 0 };

			(void)ap_cann_clock_local(&c, sl.cntvct_diff);
			(void)ap_cann_clock_local(&c, 0);
			(void)ap_cann_clock_local(&c, UINT64_MAX);
		}
		ap_err_release(&err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char names[MAX_SLICES][48];
	const char *np[MAX_SLICES];
	const uint8_t *dp[MAX_SLICES];
	size_t len[MAX_SLICES], n = 0, pos = 1, i, log_bytes = 0, track_bytes = 0, starts = 0;
	struct ap_cann_dev_opts o = { 0, "PROF_1/device_0/data", "the fuzzed chip" };
	struct ap_cann_dev d;
	struct ap_cann_tasks t;
	struct ap_cann_pair_stats st;
	struct ap_diag diag;
	struct ap_err err = AP_ERR_INIT;
	unsigned sel, kind;
	int has_stars = 0, r;

	if (size < 1)
		return 0;
	sel = data[0];
	if (sel & 0x80) {
		side_files(sel & 7, data + 1, size - 1);
		return 0;
	}
	kind = (unsigned[]){ AP_CANN_LOGS_STARS, AP_CANN_LOGS_HWTS, AP_CANN_LOGS_STARS_V6,
			     AP_CANN_LOGS_UNKNOWN }[sel & 3];
	o.expand = (sel >> 2) & 1;
	while (n < MAX_SLICES && pos + 3 <= size) {
		unsigned nb = data[pos], k = nb & 3;
		size_t l = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;

		pos += 3;
		if (l > size - pos)
			l = size - pos;
		snprintf(names[n], sizeof(names[n]), "%s.%d.slice_%u", stems[k], nb & 0x80 ? 1 : 0,
			 (nb >> 2) & 31);
		np[n] = names[n];
		dp[n] = data + pos;
		len[n] = l;
		if (!(nb & 0x80)) {
			if (k == 0 || k == 2)
				log_bytes += l;
			if (k == 1)
				track_bytes += l;
			has_stars |= k == 0;
		}
		pos += l;
		n++;
	}
	ap_cann_dev_init(&d, 0);
	ap_diag_init(&diag);
	r = ap_cann_dev_load_mem(&d, n, np, dp, len, (int)kind, &o, &diag, &err);
	FUZZ_CHECK(r == 0 || (r == AP_EUNSUPPORTED && has_stars &&
			      (kind == AP_CANN_LOGS_STARS_V6 || kind == AP_CANN_LOGS_UNKNOWN)));
	/* (duplicate slice numbers overlap: a file name twice is two slices here) */
	FUZZ_CHECK(d.logs.n <= log_bytes / 64);
	FUZZ_CHECK(d.flips.n + d.steps.n <= track_bytes / 40);
	for (i = 0; i < d.logs.n; i++) {
		const struct ap_cann_log *l = &d.logs.v[i];

		FUZZ_CHECK(l->src <= AP_CANN_SRC_HWTS && l->end <= 1);
		FUZZ_CHECK(l->stream <= 0x7FFF && l->task <= 0xFFFF);
		FUZZ_CHECK(l->sqe_type < 64 || l->src == AP_CANN_SRC_HWTS);
		starts += !l->end;
	}
	for (i = 0; i < diag.n; i++)
		FUZZ_CHECK(strstr(diag.v[i].first.buf, "PROF_1/device_0/data/") != NULL);
	ap_err_release(&err);

	memset(&t, 0, sizeof(t));
	r = ap_cann_pair(&d, &t, &st, &err);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(st.tasks == t.v.n && st.tasks <= starts && st.tasks <= d.logs.n - starts);
	FUZZ_CHECK(st.unmatched_start + st.tasks == starts);
	FUZZ_CHECK(st.unmatched_end + st.tasks == d.logs.n - starts);
	for (i = 0; i < t.v.n; i++) {
		struct ap_cann_clock c = { 50.0, 1u << 20, 886787998142270ull,
					   1787504006800668000ll - 886787997440520ll, 0 };

		FUZZ_CHECK(i == 0 || t.v.v[i - 1].start <= t.v.v[i].start);
		FUZZ_CHECK(t.v.v[i].src != AP_CANN_SRC_FFTS || t.v.v[i].ctx <= 0xFFFF);
		(void)ap_cann_clock_local(&c, t.v.v[i].start);
		(void)ap_cann_clock_dur(&c, t.v.v[i].end - t.v.v[i].start);
		(void)ap_cann_task_type_name((enum ap_cann_src)t.v.v[i].src, t.v.v[i].type);
	}
	for (i = 1; i < d.logs.n; i++)
		FUZZ_CHECK(d.logs.v[i - 1].syscnt <= d.logs.v[i].syscnt);
	ap_cann_tasks_release(&t);
	ap_cann_dev_release(&d);
	ap_diag_release(&diag);
	ap_err_release(&err);
	return 0;
}
