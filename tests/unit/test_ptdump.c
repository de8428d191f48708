/* Unit tests of lib/formats/ascend_pt: discovery, profiler_info and time alignment (§1.1,
 * §2, §4), on small dump directories made in a temp dir. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/ptdump.h"
#include "ap/timeconv.h"

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "%s/ap_ptdump_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

#define INFO_CPU_ONLY                                                                  \
	"{\"config\": {\"common_config\": {\"activities\": [\"ProfilerActivity.CPU\"], " \
	"\"profile_memory\": true}, \"experimental_config\": {\"_profiler_level\": "     \
	"\"Level1\", \"_export_type\": [\"text\"]}}, "

static int open_dump(const char *rel, struct ap_pt_dump *d, struct ap_err *err)
{
	struct ap_diag diag;
	char path[512];
	int r;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ap_diag_init(&diag);
	r = ap_pt_open(d, path, &diag, err);
	ap_diag_release(&diag);
	return r;
}

START_TEST(syscnt_off_end_info)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;

	mk("a_ascend_pt");
	mk("a_ascend_pt/FRAMEWORK");
	put("a_ascend_pt/profiler_info_3.json", INFO_CPU_ONLY
	    "\"start_info\": {\"syscnt_enable\": false, \"freq\": 100, \"start_cnt\": 0, "
	    "\"start_monotonic\": 5}, \"end_info\": {\"collectionTimeEnd\": 1700000000300000123, "
	    "\"MonotonicTimeEnd\": 1000000300000}}");
	ck_assert_int_eq(open_dump("a_ascend_pt", &d, &err), 0);
	ck_assert_int_eq(d.cfg.rank_id, 3); /* from the file name */
	ck_assert_str_eq(d.cfg.level, "Level1");
	ck_assert_int_eq(d.cfg.cpu, 1);
	ck_assert_int_eq(d.cfg.profile_memory, 1);
	ck_assert_int_eq(d.tc.syscnt, 0);
	/* local = raw + collectionTimeEnd - MonotonicTimeEnd */
	ck_assert_int_eq(ap_time_local(&d.tc, 1000000000000), 1700000000299700123);
	ap_pt_release(&d);
}
END_TEST

START_TEST(syscnt_on_start_info)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;

	mk("b_ascend_pt");
	mk("b_ascend_pt/FRAMEWORK");
	put("b_ascend_pt/profiler_info.json", INFO_CPU_ONLY
	    "\"start_info\": {\"syscnt_enable\": true, \"freq\": 50, \"start_cnt\": 1000, "
	    "\"start_monotonic\": 2000000}, \"end_info\": {\"collectionTimeEnd\": 1000, "
	    "\"MonotonicTimeEnd\": 0}, \"rank_id\": \"7\"}");
	ck_assert_int_eq(open_dump("b_ascend_pt", &d, &err), 0);
	ck_assert_int_eq(d.cfg.rank_id, 7); /* rank_id as a JSON string (quirk 13) */
	ck_assert_int_eq(d.tc.syscnt, 1);
	/* trunc((raw - start_cnt) * (1000 / 50)) + start_monotonic + diff */
	ck_assert_int_eq(ap_time_local(&d.tc, 1000 + 4506), 2000000 + 90120 + 1000);
	/* below the reference: truncation toward zero */
	ck_assert_int_eq(ap_time_local(&d.tc, 999), 2000000 - 20 + 1000);
	ap_pt_release(&d);
}
END_TEST

/* A counter frequency that does not divide 10^9 ns (as on real hosts: 19.2 or 38.4 MHz) makes
 * the factor fractional: step A truncates toward zero (§4; upstream int(diff * ratio)), it
 * neither rounds nor floors. */
START_TEST(syscnt_fractional_factor_truncates)
{
	/* 38.4 MHz: 1000 / 38.4 = 26.041666... ns per tick */
	struct ap_timeconv tc = { 1, 1000.0 / 38.4, 1000000, 5000000000, 7 };

	ck_assert_int_eq(ap_time_local(&tc, 1000000), 5000000000 + 7);
	/* +23 ticks = 598.958... ns -> 598 (rounding would give 599) */
	ck_assert_int_eq(ap_time_local(&tc, 1000000 + 23), 5000000000 + 598 + 7);
	/* -23 ticks = -598.958... ns -> -598, toward zero (round or floor: -599) */
	ck_assert_int_eq(ap_time_local(&tc, 1000000 - 23), 5000000000 - 598 + 7);
	/* +10 ticks = 260.416... ns -> 260 (a fraction below one half) */
	ck_assert_int_eq(ap_time_local(&tc, 1000000 + 10), 5000000000 + 260 + 7);
	/* -10 ticks = -260.416... ns -> -260 (floor would give -261) */
	ck_assert_int_eq(ap_time_local(&tc, 1000000 - 10), 5000000000 - 260 + 7);
	/* 100 s later: 3 840 000 023 ticks = 100 000 000 598.958... ns -> ...598 */
	ck_assert_int_eq(ap_time_local(&tc, 1000000 + 3840000023LL), 5000000000 + 100000000598LL + 7);
	ck_assert_int_eq(ap_time_local(&tc, 1000000 - 3840000023LL), 5000000000 - 100000000598LL + 7);

	/* 19.2 MHz: 1000 / 19.2 = 52.083333... ns per tick */
	tc.factor = 1000.0 / 19.2;
	/* +10 ticks = 520.833... ns -> 520 (rounding: 521); -10 -> -520 (round/floor: -521) */
	ck_assert_int_eq(ap_time_local(&tc, 1000000 + 10), 5000000000 + 520 + 7);
	ck_assert_int_eq(ap_time_local(&tc, 1000000 - 10), 5000000000 - 520 + 7);
	/* +23 ticks = 1197.916... ns -> 1197 */
	ck_assert_int_eq(ap_time_local(&tc, 1000000 + 23), 5000000000 + 1197 + 7);
	ck_assert_int_eq(ap_time_local(&tc, 1000000 - 23), 5000000000 - 1197 + 7);
}
END_TEST

/* The same through ap_pt_open: freq 19.2 from start_info, 38.4 from host/info.json (§4). */
START_TEST(syscnt_fractional_freq_from_files)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;

	mk("s_ascend_pt");
	mk("s_ascend_pt/FRAMEWORK");
	put("s_ascend_pt/profiler_info.json", INFO_CPU_ONLY
	    "\"start_info\": {\"syscnt_enable\": true, \"freq\": 19.2, \"start_cnt\": 1000, "
	    "\"start_monotonic\": 2000000}, \"end_info\": {\"collectionTimeEnd\": 3000, "
	    "\"MonotonicTimeEnd\": 0}}");
	ck_assert_int_eq(open_dump("s_ascend_pt", &d, &err), 0);
	ck_assert_int_eq(d.tc.syscnt, 1);
	/* (1010 - 1000) * 52.083... = 520.83 -> 520; (990 - 1000) -> -520.83 -> -520 */
	ck_assert_int_eq(ap_time_local(&d.tc, 1010), 2000000 + 520 + 3000);
	ck_assert_int_eq(ap_time_local(&d.tc, 990), 2000000 - 520 + 3000);
	ap_pt_release(&d);

	mk("t_ascend_pt");
	mk("t_ascend_pt/FRAMEWORK");
	mk("t_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP");
	mk("t_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/host");
	put("t_ascend_pt/profiler_info.json",
	    "{\"config\": {\"common_config\": {\"activities\": [\"ProfilerActivity.CPU\", "
	    "\"ProfilerActivity.NPU\"]}}, \"start_info\": {\"syscnt_enable\": true, \"freq\": 100, "
	    "\"start_cnt\": 1, \"start_monotonic\": 1}, \"end_info\": {\"collectionTimeEnd\": 9, "
	    "\"MonotonicTimeEnd\": 1}}");
	put("t_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/host/info.json",
	    "{\"CPU\": [{\"Frequency\": \"38.400000\"}]}");
	put("t_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/host/host_start.log",
	    "[Host]\nclock_monotonic_raw: 876117208663770\ncntvct: 100000\ncntvct_diff: 0\n");
	put("t_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/host/start_info",
	    "{\"collectionDateBegin\": \"x\", \"collectionTimeBegin\": \"1659098679447393\", "
	    "\"clockMonotonicRaw\": \"876117208663770\"}");
	ck_assert_int_eq(open_dump("t_ascend_pt", &d, &err), 0);
	ck_assert(d.tc.factor == 1000.0 / 38.4);
	/* 23 ticks past host_start.log's cntvct: 598.958... ns -> 598 (rounding: 599) */
	ck_assert_int_eq(ap_time_local(&d.tc, 100023), 1659098679447393000 + 598);
	ck_assert_int_eq(ap_time_local(&d.tc, 99977), 1659098679447393000 - 598);
	ap_pt_release(&d);
}
END_TEST

START_TEST(cann_host_files_win)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;

	mk("c_ascend_pt");
	mk("c_ascend_pt/FRAMEWORK");
	mk("c_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP");
	mk("c_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/host");
	mk("c_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/device_2");
	put("c_ascend_pt/profiler_info_0.json",
	    "{\"config\": {\"common_config\": {\"activities\": [\"ProfilerActivity.CPU\", "
	    "\"ProfilerActivity.NPU\"]}}, \"start_info\": {\"syscnt_enable\": true, \"freq\": 100, "
	    "\"start_cnt\": 1, \"start_monotonic\": 1}, \"end_info\": {\"collectionTimeEnd\": 9, "
	    "\"MonotonicTimeEnd\": 1}, \"rank_id\": 0}");
	put("c_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/host/info.json",
	    "{\"CPU\": [{\"Frequency\": \"25.000000\"}]}");
	put("c_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/host/host_start.log",
	    "[Host]\nclock_monotonic_raw: 876117208663770\ncntvct: 100000\ncntvct_diff: 0\n");
	put("c_ascend_pt/PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP/host/start_info",
	    "{\"collectionDateBegin\": \"x\", \"collectionTimeBegin\": \"1659098679447393.5\", "
	    "\"clockMonotonicRaw\": \"876117208663770\"}");
	ck_assert_int_eq(open_dump("c_ascend_pt", &d, &err), 0);
	ck_assert_int_eq(d.n_devices, 1);
	ck_assert_int_eq(d.device_ids[0], 2);
	ck_assert_int_eq(d.cfg.npu, 1);
	ck_assert(d.tc.factor == 40.0);                 /* 1000 / 25 MHz from host/info.json */
	ck_assert_int_eq(d.tc.start_cnt, 100000);       /* host_start.log */
	ck_assert_int_eq(d.tc.offset, 876117208663770);
	/* collectionTimeBegin µs string -> ns with 3 decimals kept, minus clockMonotonicRaw */
	ck_assert_int_eq(d.tc.local_diff, 1659098679447393500 - 876117208663770);
	ck_assert_int_eq(ap_time_local(&d.tc, 100010), 1659098679447393500 + 400);
	ap_pt_release(&d);
}
END_TEST

START_TEST(device_start_info_fallback)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;
	const char *prof = "f_ascend_pt/PROF_1_2_X";

	mk("f_ascend_pt");
	mk(prof);
	mk("f_ascend_pt/PROF_1_2_X/device_4");
	put("f_ascend_pt/profiler_info.json",
	    "{\"config\": {\"common_config\": {\"activities\": [\"ProfilerActivity.NPU\"]}}, "
	    "\"start_info\": {\"syscnt_enable\": false}}");
	put("f_ascend_pt/PROF_1_2_X/device_4/start_info.4",
	    "{\"collectionTimeBegin\": \"1000\", \"clockMonotonicRaw\": \"400\"}");
	ck_assert_int_eq(open_dump("f_ascend_pt", &d, &err), 0);
	ck_assert_int_eq(d.tc.local_diff, 1000000 - 400);
	ck_assert_ptr_null(d.fwk_dir);
	ap_pt_release(&d);
}
END_TEST

START_TEST(no_time_reference_fails)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;

	mk("g_ascend_pt");
	mk("g_ascend_pt/FRAMEWORK");
	put("g_ascend_pt/profiler_info.json", INFO_CPU_ONLY "\"start_info\": {}}");
	ck_assert_int_lt(open_dump("g_ascend_pt", &d, &err), 0);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "no time reference"));
	ap_pt_release(&d);
	ap_err_release(&err);
}
END_TEST

START_TEST(partial_references_fail)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;

	/* end_info without MonotonicTimeEnd: no silent shift by collectionTimeEnd */
	mk("p_ascend_pt");
	mk("p_ascend_pt/FRAMEWORK");
	put("p_ascend_pt/profiler_info.json", INFO_CPU_ONLY
	    "\"start_info\": {\"syscnt_enable\": false}, "
	    "\"end_info\": {\"collectionTimeEnd\": 1700000000300000123}}");
	ck_assert_int_eq(open_dump("p_ascend_pt", &d, &err), AP_EFORMAT);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "end_info is missing or incomplete"));
	ap_pt_release(&d);
	ap_err_release(&err);
	/* syscnt on without start_cnt / start_monotonic and no host_start.log */
	mk("q_ascend_pt");
	mk("q_ascend_pt/FRAMEWORK");
	put("q_ascend_pt/profiler_info.json", INFO_CPU_ONLY
	    "\"start_info\": {\"syscnt_enable\": true, \"freq\": 100, \"start_cnt\": 5}, "
	    "\"end_info\": {\"collectionTimeEnd\": 9, \"MonotonicTimeEnd\": 1}}");
	ck_assert_int_eq(open_dump("q_ascend_pt", &d, &err), AP_EFORMAT);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "lacks start_cnt or start_monotonic"));
	ap_pt_release(&d);
	ap_err_release(&err);
}
END_TEST

START_TEST(malformed_info_fails)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;

	mk("h_ascend_pt");
	mk("h_ascend_pt/FRAMEWORK");
	put("h_ascend_pt/profiler_info_1.json", "{\"config\": ");
	ck_assert_int_eq(open_dump("h_ascend_pt", &d, &err), AP_EFORMAT);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "'profiler_info_1.json': malformed JSON"));
	ap_pt_release(&d);
	ap_err_release(&err);
	mk("i_ascend_pt");
	mk("i_ascend_pt/FRAMEWORK");
	ck_assert_int_eq(open_dump("i_ascend_pt", &d, &err), AP_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "no profiler_info"));
	ap_pt_release(&d);
	ap_err_release(&err);
}
END_TEST

/* profiler_info.json is the info file even beside a profiler_info_<rank>.json (§1.1: "the
 * info file: profiler_info.json or the first ... profiler_info_\d+.json"): its
 * configuration, clock reference and rank are the dump's. */
START_TEST(info_json_wins_over_rank_file)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;
	char path[512];
	int rank;

	mk("w_ascend_pt");
	mk("w_ascend_pt/FRAMEWORK");
	/* written first, so that it is not first in creation order */
	put("w_ascend_pt/profiler_info_3.json",
	    "{\"config\": {\"common_config\": {\"activities\": [\"ProfilerActivity.CPU\"]}, "
	    "\"experimental_config\": {\"_profiler_level\": \"Level0\"}}, "
	    "\"start_info\": {\"syscnt_enable\": false}, \"end_info\": {\"collectionTimeEnd\": "
	    "900000, \"MonotonicTimeEnd\": 100}, \"rank_id\": 3}");
	put("w_ascend_pt/profiler_info.json", INFO_CPU_ONLY
	    "\"start_info\": {\"syscnt_enable\": false}, \"end_info\": {\"collectionTimeEnd\": "
	    "5000, \"MonotonicTimeEnd\": 1000}}");
	ck_assert_int_eq(open_dump("w_ascend_pt", &d, &err), 0);
	ck_assert_str_eq(d.info_file, "profiler_info.json");
	ck_assert_str_eq(d.cfg.level, "Level1");      /* not profiler_info_3.json's Level0 */
	ck_assert_int_eq(d.cfg.profile_memory, 1);
	ck_assert_int_eq(d.cfg.rank_id, -1);          /* no rank_id, no rank in the name */
	ck_assert_int_eq(d.tc.local_diff, 5000 - 1000);
	ck_assert_int_eq(ap_time_local(&d.tc, 10), 4010);
	ap_pt_release(&d);
	/* the probe names the same file: no rank */
	snprintf(path, sizeof(path), "%s/w_ascend_pt", root);
	ck_assert_int_eq(ap_pt_probe(path, &rank), 100);
	ck_assert_int_eq(rank, -1);
}
END_TEST

START_TEST(discovery)
{
	struct ap_strlist l = { NULL, 0, 0 };
	struct ap_err err = AP_ERR_INIT;
	char path[512];

	mk("run");
	mk("run/b_ascend_pt");
	mk("run/b_ascend_pt/FRAMEWORK");
	mk("run/a_ascend_pt");
	mk("run/a_ascend_pt/PROF_000001_20250101120000123_ABCD");
	mk("run/not_a_dump");
	mk("run/PROF_bad");
	mk("run/ASCEND_PROFILER_OUTPUT");
	mk("run/ASCEND_PROFILER_OUTPUT/FRAMEWORK");
	snprintf(path, sizeof(path), "%s/run", root);
	ck_assert_int_eq(ap_pt_discover(path, &l, &err), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_ptr_nonnull(strstr(l.v[0], "/a_ascend_pt"));
	ck_assert_ptr_nonnull(strstr(l.v[1], "/b_ascend_pt"));
	/* a dump given directly is taken alone */
	snprintf(path, sizeof(path), "%s/run/b_ascend_pt", root);
	ck_assert_int_eq(ap_pt_discover(path, &l, &err), 0);
	ck_assert_uint_eq(l.n, 3);
	snprintf(path, sizeof(path), "%s/missing", root);
	ck_assert_int_eq(ap_pt_discover(path, &l, &err), AP_ENOTFOUND);
	ap_strlist_release(&l);
	ap_err_release(&err);
}
END_TEST

START_TEST(probe_confidence)
{
	char path[512];
	int rank;

	mk("p1_ascend_pt");
	mk("p1_ascend_pt/FRAMEWORK");
	put("p1_ascend_pt/profiler_info_5.json", "{}");
	mk("p2_ascend_pt");
	mk("p2_ascend_pt/PROF_000001_20250101120000123_ABCD");
	mk("p3_ascend_pt");
	mk("p3_ascend_pt/ASCEND_PROFILER_OUTPUT");
	put("p3_ascend_pt/profiler_info.json", "{}");
	mk("p4");
	snprintf(path, sizeof(path), "%s/p1_ascend_pt", root);
	ck_assert_int_eq(ap_pt_probe(path, &rank), 100);
	ck_assert_int_eq(rank, 5);
	snprintf(path, sizeof(path), "%s/p2_ascend_pt", root);
	ck_assert_int_eq(ap_pt_probe(path, &rank), 60);
	ck_assert_int_eq(rank, -1);
	snprintf(path, sizeof(path), "%s/p3_ascend_pt", root);
	ck_assert_int_eq(ap_pt_probe(path, &rank), 30);
	snprintf(path, sizeof(path), "%s/p4", root);
	ck_assert_int_eq(ap_pt_probe(path, &rank), 0);
}
END_TEST

START_TEST(analysed_dump_without_framework)
{
	struct ap_pt_dump d;
	struct ap_err err = AP_ERR_INIT;

	mk("old_ascend_pt");
	mk("old_ascend_pt/ASCEND_PROFILER_OUTPUT");
	ck_assert_int_eq(open_dump("old_ascend_pt", &d, &err), AP_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(ap_err_text(&err), "delete FRAMEWORK/"));
	ap_pt_release(&d);
	ap_err_release(&err);
}
END_TEST

static Suite *ptdump_suite(void)
{
	Suite *s = suite_create("ptdump");
	TCase *tc;

	tc = tcase_create("time");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, syscnt_off_end_info);
	tcase_add_test(tc, syscnt_on_start_info);
	tcase_add_test(tc, cann_host_files_win);
	tcase_add_test(tc, syscnt_fractional_factor_truncates);
	tcase_add_test(tc, syscnt_fractional_freq_from_files);
	tcase_add_test(tc, device_start_info_fallback);
	tcase_add_test(tc, no_time_reference_fails);
	tcase_add_test(tc, partial_references_fail);
	suite_add_tcase(s, tc);
	tc = tcase_create("info_and_discovery");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, malformed_info_fails);
	tcase_add_test(tc, info_json_wins_over_rank_file);
	tcase_add_test(tc, discovery);
	tcase_add_test(tc, analysed_dump_without_framework);
	tcase_add_test(tc, probe_confidence);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ptdump_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
