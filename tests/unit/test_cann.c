/* Unit tests of the exported-CANN path: lib/formats/cann/cann_exported.c (PROF dir recognition,
 * file selection and order), lib/formats/cann/cann_timeline.c and cann_analyze.c (msprof's
 * timeline and analyze/ files: re-serialisation, Level0 flags, links, lanes, shapes) and
 * lib/writers/w_cann_csv.c (kernel_details.csv mapping of spec
 * torch_npu_ascend_pt.md §8.2, Step Id boundaries, verbatim integrated CSVs). Expected files
 * written by hand from the spec. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/cann_exported.h"
#include "ap/cann_timeline.h"
#include "ap/comm.h"
#include "ap/cann_write.h"
#include "ap/csv_in.h"
#include "../../lib/base/banned.h"

static char root[256];

static void setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/ap_cann_XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static void mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static void put(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The whole file root/rel, or "<absent>". Static buffer. */
static const char *slurp(const char *rel)
{
	static char buf[8192];
	char p[512];
	size_t n;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "rb");
	if (!f)
		return "<absent>";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void table(struct ap_csv_table *t, const char *text)
{
	struct ap_diag d;
	struct ap_err e = AP_ERR_INIT;

	ap_diag_init(&d);
	ap_csv_table_init(t);
	ck_assert_int_eq(ap_csv_read_mem(t, "t.csv", text, strlen(text), &d, &e), 0);
	ck_assert_uint_eq(d.n, 0);
	ap_diag_release(&d);
	ap_err_release(&e);
}

START_TEST(prof_names_and_probe)
{
	char p[512];

	ck_assert_int_eq(ap_cann_is_prof_name("PROF_000001_20260823165326062_00625538CIGQAHCJ"), 1);
	ck_assert_int_eq(ap_cann_is_prof_name("PROF_1_2_a"), 1);
	ck_assert_int_eq(ap_cann_is_prof_name("PROF_PipeUtilization"), 0);
	ck_assert_int_eq(ap_cann_is_prof_name("PROF_1_2_"), 0);
	mk("PROF_1_2_A");
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ck_assert_int_eq(ap_cann_probe_prof(p), 0); /* the name alone is not enough */
	mk("PROF_1_2_A/device_3");
	ck_assert_int_eq(ap_cann_probe_prof(p), 100);
	snprintf(p, sizeof(p), "%s/PROF_1_2_A/", root);
	ck_assert_int_eq(ap_cann_probe_prof(p), 100);
	mk("other");
	mk("other/mindstudio_profiler_output");
	snprintf(p, sizeof(p), "%s/other", root);
	ck_assert_int_eq(ap_cann_probe_prof(p), 0);
	/* raw slices or an export */
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ck_assert_int_eq(ap_cann_has_raw(p), 0);
	ck_assert_int_eq(ap_cann_has_exported(p), 0);
	mk("PROF_1_2_A/device_3/data");
	put("PROF_1_2_A/device_3/data/info.txt", "");
	ck_assert_int_eq(ap_cann_has_raw(p), 0);
	put("PROF_1_2_A/device_3/data/stars_soc.data.0.slice_0", "");
	ck_assert_int_eq(ap_cann_has_raw(p), 1);
	mk("PROF_1_2_A/mindstudio_profiler_output");
	ck_assert_int_eq(ap_cann_has_exported(p), 1);
}
END_TEST

START_TEST(select_order)
{
	static const char *const names[] = {
		"api_statistic_20260823165335.csv", "op_statistic_1.csv",
		"op_summary_20260823165335.csv", "op_summary_slice_10_20260823165335.csv",
		"op_summary_slice_2_20260823165335.csv", "op_summary_slice_x.csv",
		"op_summary_x.csv", "op_summary_1.json", "task_time_1.csv.bak",
		"task_time_slice.csv", "task_time_slice_1_2.csv",
	};
	struct ap_strlist l = { 0 }, out = { 0 };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		ck_assert_int_eq(ap_strlist_add(&l, names[i]), 0);
	ck_assert_int_eq(ap_cann_exported_select(&l, AP_CANN_OP_SUMMARY, &out), 0);
	ck_assert_uint_eq(out.n, 3);
	ck_assert_str_eq(out.v[0], "op_summary_20260823165335.csv");
	ck_assert_str_eq(out.v[1], "op_summary_slice_2_20260823165335.csv");
	ck_assert_str_eq(out.v[2], "op_summary_slice_10_20260823165335.csv");
	ap_strlist_release(&out);
	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(ap_cann_exported_select(&l, AP_CANN_TASK_TIME, &out), 0);
	ck_assert_uint_eq(out.n, 2); /* task_time_slice.*\.csv: any tail; no index sorts last */
	ck_assert_str_eq(out.v[0], "task_time_slice_1_2.csv");
	ck_assert_str_eq(out.v[1], "task_time_slice.csv");
	ap_strlist_release(&out);
	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(ap_cann_exported_select(&l, AP_CANN_OP_STATISTIC, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ap_strlist_release(&out);
	ap_strlist_release(&l);
}
END_TEST

START_TEST(load_concatenates_slices)
{
	struct ap_cann_exported x;
	struct ap_diag d;
	struct ap_err e = AP_ERR_INIT;
	char p[512];

	mk("PROF_1_2_A");
	mk("PROF_1_2_A/mindstudio_profiler_output");
	put("PROF_1_2_A/mindstudio_profiler_output/task_time_slice_1_1.csv", "a,b\n3,4\n");
	put("PROF_1_2_A/mindstudio_profiler_output/task_time_slice_0_1.csv", "a,b\n1,2\n");
	put("PROF_1_2_A/mindstudio_profiler_output/op_summary_1.csv", "a,b\n1\n");
	snprintf(p, sizeof(p), "%s/PROF_1_2_A/mindstudio_profiler_output/api_statistic_1.csv", root);
	ck_assert_int_eq(symlink("nowhere", p), 0); /* unreadable: data loss, the rest read */
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ap_cann_exported_init(&x);
	ap_diag_init(&d);
	ck_assert_int_eq(ap_cann_exported_load(&x, p, &d, &e), 0);
	ck_assert_uint_eq(x.t[AP_CANN_TASK_TIME].nrows, 2);
	ck_assert_str_eq(ap_csv_cell(&x.t[AP_CANN_TASK_TIME], 0, 0), "1");
	ck_assert_str_eq(ap_csv_cell(&x.t[AP_CANN_TASK_TIME], 1, 1), "4");
	ck_assert_uint_eq(x.t[AP_CANN_OP_SUMMARY].nrows, 0);
	ck_assert_uint_eq(x.files[AP_CANN_API_STATISTIC].n, 1);
	ck_assert_uint_eq(x.t[AP_CANN_API_STATISTIC].ncols, 0);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.v[0].first.buf,
			 "'PROF_1_2_A/mindstudio_profiler_output/op_summary_1.csv': 1 row with a field count other than the header's 2 skipped (first: line 2, 1 field)");
	ck_assert_int_eq(d.v[1].kind, AP_DIAG_DATA_LOSS);
	ck_assert_ptr_nonnull(strstr(d.v[1].first.buf, "api_statistic_1.csv"));
	ap_cann_exported_release(&x);
	ap_diag_release(&d);
	ap_err_release(&e);
}
END_TEST

START_TEST(tl_select_order)
{
	static const char *const names[] = {
		"msprof.json", "msprof_1.db", "msprof_2_b.json", "msprof_slice_10_1.json",
		"msprof_slice_2_1.json", "msprof_1_a.json", "msprof_x.json", "op_summary_1.csv",
	};
	struct ap_strlist in = { 0 }, out = { 0 };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_int_eq(ap_strlist_add(&in, names[i]), 0);
	ck_assert_int_eq(ap_cann_tl_select(&in, &out), 0);
	ck_assert_uint_eq(out.n, 4);
	ck_assert_str_eq(out.v[0], "msprof_1_a.json");
	ck_assert_str_eq(out.v[1], "msprof_2_b.json");
	ck_assert_str_eq(out.v[2], "msprof_slice_2_1.json");
	ck_assert_str_eq(out.v[3], "msprof_slice_10_1.json");
	ap_strlist_release(&in);
	ap_strlist_release(&out);
}
END_TEST

/* Two timeline files: metadata, a kernel written twice at one pid-tid-ts key (the later one
 * counts), flows (first 's' and first 'f' of an id, an 's' alone, an 'f' at no event), an
 * Overlap Analysis process labelled "NPU 3" with a Computing event and an hcom_receive op. */
static const char tl_a[] =
	"[{\"name\": \"process_name\", \"pid\": 1, \"tid\": 0, \"args\": {\"name\": \"CANN\"}, \"ph\": \"M\"},\n"
	" {\"name\": \"AscendCL@aclopCompile\", \"pid\": 1, \"tid\": 2, \"ts\": \"890.000\", \"dur\": 1, \"ph\": \"X\"},\n"
	" {\"name\": \"a\\\"b\\\\c\\u0001\\u00e9\\t\", \"pid\": 100, \"tid\": 5, \"ts\": \"1000.5\", \"dur\": 1.250,"
	" \"ph\": \"X\", \"args\": {\"Task Type\": \"AI_CORE\", \"n\": [1e2, true, null]}},\n"
	" {\"name\": \"HostToDevice7\", \"ph\": \"s\", \"cat\": \"HostToDevice\", \"id\": \"7\", \"pid\": 1, \"tid\": 2, \"ts\": \"900.000\"},\n"
	" {\"name\": \"HostToDevice7\", \"ph\": \"f\", \"cat\": \"HostToDevice\", \"id\": \"7\", \"pid\": 100, \"tid\": 5, \"ts\": \"1000.5\", \"bp\": \"e\"}]";
static const char tl_b[] =
	"[{\"name\": \"K2\", \"pid\": 100, \"tid\": 5, \"ts\": \"1000.5\", \"dur\": 2, \"ph\": \"X\","
	" \"args\": {\"Task Type\": \"AI_VECTOR_CORE\"}},\n"
	" {\"name\": \"HostToDevice7\", \"ph\": \"s\", \"cat\": \"HostToDevice\", \"id\": \"7\", \"pid\": 1, \"tid\": 2, \"ts\": \"950.000\"},\n"
	" {\"name\": \"HostToDevice8\", \"ph\": \"s\", \"cat\": \"HostToDevice\", \"id\": 8, \"pid\": 1, \"tid\": 2, \"ts\": \"960.000\"},\n"
	" {\"name\": \"HostToDevice9\", \"ph\": \"s\", \"cat\": \"HostToDevice\", \"id\": 9, \"pid\": 1, \"tid\": 2, \"ts\": \"970.000\"},\n"
	" {\"name\": \"HostToDevice9\", \"ph\": \"f\", \"cat\": \"HostToDevice\", \"id\": 9, \"pid\": 100, \"tid\": 5, \"ts\": \"999.000\"},\n"
	" {\"name\": \"process_labels\", \"pid\": 200, \"tid\": 0, \"args\": {\"labels\": \"NPU 3\"}, \"ph\": \"M\"},\n"
	" {\"name\": \"Computing\", \"pid\": 200, \"tid\": 0, \"ts\": \"10.000\", \"dur\": 1.5, \"ph\": \"X\"},\n"
	" {\"name\": \"hcom_receive__1_0_1\", \"pid\": 200, \"tid\": 7, \"ts\": \"12\", \"dur\": 0.25, \"ph\": \"X\"}]";

/* The serialisation of event i of tl. */
static const char *ev_text(const struct ap_cann_tl *tl, size_t i)
{
	static char buf[1024];
	size_t n = tl->ev.v[i].len < sizeof(buf) - 1 ? tl->ev.v[i].len : sizeof(buf) - 1;

	memcpy(buf, tl->text.buf + tl->ev.v[i].off, n);
	buf[n] = '\0';
	return buf;
}

START_TEST(tl_load_events_links_lanes)
{
	struct ap_cann_tl tl;
	struct ap_npu_links links;
	struct ap_overlap ov;
	struct ap_diag d;
	struct ap_err e = AP_ERR_INIT;
	char p[512];

	mk("PROF_1_2_A");
	mk("PROF_1_2_A/mindstudio_profiler_output");
	put("PROF_1_2_A/mindstudio_profiler_output/msprof_slice_1_1.json", tl_b);
	put("PROF_1_2_A/mindstudio_profiler_output/msprof_slice_0_1.json", tl_a);
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ap_cann_tl_init(&tl);
	memset(&links, 0, sizeof(links));
	ap_overlap_init(&ov);
	ap_diag_init(&d);
	ck_assert_int_eq(ap_cann_tl_load(&tl, p, &links, &ov, &d, &e), 0);
	ck_assert_int_eq(tl.failed, 0);
	ck_assert_uint_eq(tl.files.n, 2);
	ck_assert_uint_eq(tl.ev.n, 13);
	ck_assert_str_eq(ev_text(&tl, 0),
			 "{\"name\": \"process_name\", \"pid\": 1, \"tid\": 0, \"args\": {\"name\": \"CANN\"}, \"ph\": \"M\"}");
	ck_assert_str_eq(ev_text(&tl, 2),
			 "{\"name\": \"a\\\"b\\\\c\\u0001\xc3\xa9\\t\", \"pid\": 100, \"tid\": 5, \"ts\": \"1000.5\", \"dur\": 1.25, "
			 "\"ph\": \"X\", \"args\": {\"Task Type\": \"AI_CORE\", \"n\": [100.0, true, null]}}");
	/* Level0: a pruned word as the name's start or as args.name */
	ck_assert_int_eq(tl.ev.v[0].prune0, 1);
	ck_assert_int_eq(tl.ev.v[1].prune0, 1);
	ck_assert_int_eq(tl.ev.v[2].prune0, 0);
	ck_assert_int_eq(tl.ev.v[3].prune0, 0);
	/* id "7": its first 's' (900) and 'f', the later X at the key; 8 has no 'f'; 9's 'f' no event */
	ck_assert_uint_eq(links.v.n, 1);
	ck_assert_int_eq(links.v.v[0].acl_ts, 900000);
	ck_assert_int_eq(links.v.v[0].ts, 1000500);
	ck_assert_int_eq(links.v.v[0].end, 1002500);
	ck_assert(links.v.v[0].dur_us == 2.0);
	ck_assert_int_eq(links.v.v[0].ai_core, 0);
	ck_assert_uint_eq(links.v.v[0].flow, 0);
	ck_assert_uint_eq(tl.ends.n, 1);
	ck_assert_int_eq(tl.ends.v[0].pid, 100);
	ck_assert_int_eq(tl.ends.v[0].tid, 5);
	ck_assert_int_eq(tl.ends.v[0].ts, 1000500);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].first.buf,
			 "'PROF_1_2_A/mindstudio_profiler_output': 1 HostToDevice flow without the device event at its end (not linked, as torch_npu)");
	/* device 3: the Computing event and the receive op */
	ck_assert_uint_eq(ov.n, 1);
	ck_assert_uint_eq(ov.dev[0].device_id, 3);
	ck_assert_uint_eq(ov.dev[0].lane[AP_OVERLAP_COMPUTING].n, 1);
	ck_assert_int_eq(ov.dev[0].lane[AP_OVERLAP_COMPUTING].v[0].start, 10000);
	ck_assert_int_eq(ov.dev[0].lane[AP_OVERLAP_COMPUTING].v[0].end, 11500);
	ck_assert_uint_eq(ov.dev[0].receive.n, 1);
	ck_assert_int_eq(ov.dev[0].receive.v[0].start, 12000);
	ck_assert_int_eq(ov.dev[0].receive.v[0].end, 12250);
	ap_cann_tl_release(&tl);
	free(links.v.v);
	ap_overlap_release(&ov);
	ap_diag_release(&d);
	ap_err_release(&e);
}
END_TEST

/* A Computing event of a process without an "NPU <id>" label: no lanes at all (§8.4);
 * an event that is not an object: the whole timeline unused. */
START_TEST(tl_load_unlabelled_and_bad)
{
	struct ap_cann_tl tl;
	struct ap_npu_links links;
	struct ap_overlap ov;
	struct ap_diag d;
	struct ap_err e = AP_ERR_INIT;
	char p[512];

	mk("PROF_1_2_A");
	mk("PROF_1_2_A/mindstudio_profiler_output");
	put("PROF_1_2_A/mindstudio_profiler_output/msprof_1.json",
	    "[{\"name\": \"process_labels\", \"pid\": 200, \"args\": {\"labels\": \"NPU 3\"}},"
	    " {\"name\": \"Free\", \"pid\": 200, \"ts\": \"1.000\", \"dur\": 1},"
	    " {\"name\": \"Computing\", \"pid\": 201, \"ts\": \"2.000\", \"dur\": 1}]");
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ap_cann_tl_init(&tl);
	memset(&links, 0, sizeof(links));
	ap_overlap_init(&ov);
	ap_diag_init(&d);
	ck_assert_int_eq(ap_cann_tl_load(&tl, p, &links, &ov, &d, &e), 0);
	ck_assert_uint_eq(tl.ev.n, 3);
	ck_assert_uint_eq(ov.n, 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.v[0].kind, AP_DIAG_WARN);
	ap_cann_tl_release(&tl);
	ap_diag_release(&d);
	put("PROF_1_2_A/mindstudio_profiler_output/msprof_1.json", "[{\"name\": \"x\"}, 3]");
	ap_cann_tl_init(&tl);
	ap_diag_init(&d);
	ck_assert_int_eq(ap_cann_tl_load(&tl, p, &links, &ov, &d, &e), 0);
	ck_assert_int_eq(tl.failed, 1);
	ck_assert_uint_eq(tl.ev.n, 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.v[0].kind, AP_DIAG_DATA_LOSS);
	ck_assert_str_eq(d.v[0].first.buf,
			 "'PROF_1_2_A/mindstudio_profiler_output/msprof_1.json': event 1 (byte offset 16) is not a JSON object: the timeline is not used (no trace_view.json, step_trace_time.csv or kernel links)");
	ap_cann_tl_release(&tl);
	free(links.v.v);
	ap_overlap_release(&ov);
	ap_diag_release(&d);
	ap_err_release(&e);
}
END_TEST

#define BW0 "{\"Transit Size(MB)\": 0, \"Transit Time(ms)\": 0, \"Bandwidth(GB/s)\": 0, \"Large Packet Ratio\": 0, \"Size Distribution\": {}}"
#define TIME "{\"Start Timestamp(us)\": 5.0, \"Elapse Time(ms)\": 0.1, \"Transit Time(ms)\": 0.05, \"Wait Time(ms)\": 0, \"Synchronization Time(ms)\": 0, \"Idle Time(ms)\": 0.05, \"Wait Time Ratio\": 0.0, \"Synchronization Time Ratio\": 0.0}"

START_TEST(analyze_shapes)
{
	struct ap_comm *c = NULL;
	struct ap_diag d;
	struct ap_err e = AP_ERR_INIT;
	char p[512];

	mk("PROF_1_2_A");
	mk("PROF_1_2_A/analyze");
	snprintf(p, sizeof(p), "%s/PROF_1_2_A", root);
	ap_diag_init(&d);
	/* no communication.json: nothing, nothing reported */
	ck_assert_int_eq(ap_cann_analyze_load(p, &c, &d, &e), 0);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(d.n, 0);
	put("PROF_1_2_A/analyze/communication.json",
	    "{\"hcom_allReduce__1_0_1@g\": {\"Communication Time Info\": " TIME ", \"Communication Bandwidth Info\": {"
	    "\"RDMA\": " BW0 ", \"HCCS\": {\"Transit Size(MB)\": 0.5, \"Transit Time(ms)\": 0.05, \"Bandwidth(GB/s)\": 10.0,"
	    " \"Large Packet Ratio\": 0.0, \"Size Distribution\": {\"0.25\": [2, 0.05]}}, \"PCIE\": " BW0 ", \"SDMA\": " BW0
	    ", \"SIO\": " BW0 "}}}");
	put("PROF_1_2_A/analyze/communication_matrix.json",
	    "{\"hcom_allReduce__1_0_1@g\": {\"0-1\": {\"Transport Type\": \"HCCS\", \"Transit Size(MB)\": 0.5,"
	    " \"Transit Time(ms)\": 0.05, \"Bandwidth(GB/s)\": 10.0}}, \"Total HCCL Operators\": {}}");
	ck_assert_int_eq(ap_cann_analyze_load(p, &c, &d, &e), 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->ops.n, 1);
	ck_assert(c->ops.v[0].start_us == 5.0);
	ck_assert(c->ops.v[0].time[0].v == 0.1 && c->ops.v[0].time[0].isf);
	ck_assert(c->ops.v[0].time[2].v == 0 && !c->ops.v[0].time[2].isf);
	ck_assert_uint_eq(c->ops.v[0].bw[AP_COMM_HCCS].nbins, 1);
	ck_assert(c->bins.v[c->ops.v[0].bw[AP_COMM_HCCS].bin].size_mb == 0.25);
	ck_assert_uint_eq(c->ops.v[0].nlinks, 1);
	ck_assert_str_eq(ap_strtab_get(&c->strs, c->links.v[c->ops.v[0].link].key), "0-1");
	ck_assert_int_eq(c->links.v[c->ops.v[0].link].transport, 0);
	ck_assert_uint_eq(d.n, 0);
	ap_comm_release(c);
	free(c);
	c = NULL;
	/* a transport missing: not msprof's shape */
	put("PROF_1_2_A/analyze/communication.json",
	    "{\"op@g\": {\"Communication Time Info\": " TIME ", \"Communication Bandwidth Info\": {\"RDMA\": " BW0 "}}}");
	ck_assert_int_eq(ap_cann_analyze_load(p, &c, &d, &e), 0);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.v[0].kind, AP_DIAG_DATA_LOSS);
	ck_assert_str_eq(d.v[0].first.buf,
			 "'PROF_1_2_A/analyze/communication.json': op 'op@g': \"Communication Bandwidth Info\" does not list msprof's five transports (§6.6): no communication.json or communication_matrix.json");
	ap_diag_release(&d);
	ap_err_release(&e);
}
END_TEST

/* An op_summary of the current header (shortened metrics), two rows. */
static const char op_summary[] =
	"Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),"
	"Task Duration(us),Task Wait Time(us),Block Num,Mix Block Num,HF32 Eligible,Input Shapes,"
	"Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID,"
	"aicore_time(us)\n"
	"0,4294967295,0,46,Add_1,Add,dynamic,AI_VECTOR_CORE,1000.000\t,4.601,0,8,0,NO,\"\"\"4,8\"\"\","
	"DT_BF16,ND,\"\"\"4,8\"\"\",DT_BF16,ND,N/A,0.0\n"
	"0,4294967295,1,46,Mm_2,MatMul,static,AI_CORE,2000.000\t,8.060,995.399000,40,0,NO,8;8,"
	"FLOAT;FLOAT,ND;ND,8,FLOAT,ND,N/A,7.5\n";

START_TEST(kernel_details_level1)
{
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, op_summary);
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL1, NULL, 0, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"),
			 "Device_id,Model ID,Task ID,Stream ID,Name,Type,OP State,Accelerator Core,"
			 "Start Time(us),Duration(us),Wait Time(us),Block Num,Mix Block Num,HF32 Eligible,"
			 "Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,"
			 "Output Formats,Context ID,aicore_time(us)\r\n"
			 "0,4294967295,0,46,Add_1,Add,dynamic,AI_VECTOR_CORE,1000.000\t,4.601,0,8,0,NO,"
			 "\"\"\"4,8\"\"\",DT_BF16,ND,\"\"\"4,8\"\"\",DT_BF16,ND,N/A,0.0\r\n"
			 "0,4294967295,1,46,Mm_2,MatMul,static,AI_CORE,2000.000\t,8.060,995.399000,40,0,"
			 "NO,8;8,FLOAT;FLOAT,ND;ND,8,FLOAT,ND,N/A,7.5\r\n");
	ck_assert_str_eq(slurp("kernel_details.csv.tmp"), "<absent>");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(kernel_details_level0)
{
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, op_summary);
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL0, NULL, 0, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"),
			 "Device_id,Name,Type,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),"
			 "Block Num,Input Shapes,Input Data Types,Input Formats,Output Shapes,"
			 "Output Data Types,Output Formats\r\n"
			 "0,Add_1,Add,AI_VECTOR_CORE,1000.000\t,4.601,0,8,\"\"\"4,8\"\"\",DT_BF16,ND,"
			 "\"\"\"4,8\"\"\",DT_BF16,ND\r\n"
			 "0,Mm_2,MatMul,AI_CORE,2000.000\t,8.060,995.399000,40,8;8,FLOAT;FLOAT,ND;ND,8,"
			 "FLOAT,ND\r\n");
	ap_csv_table_release(&t);
	/* older CANN: Block Dim and no shapes; Level0's Block Num is then empty, as upstream */
	table(&t, "Model ID,Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),"
		  "Task Wait Time(us),Block Dim\n"
		  "1,a,b,AI_CORE,5.000\t,1.000,0,2\n");
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL0, NULL, 0, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"),
			 "Device_id,Name,Type,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),"
			 "Block Num\r\n"
			 ",a,b,AI_CORE,5.000\t,1.000,0,\r\n");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(kernel_details_steps)
{
	static const struct ap_step_range steps[] = {
		{ "1", 1000000000, 2000000000 },
		{ "2", 2000000000, 3000000000 },
	};
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, "Op Name,Task Start Time(us)\n"
		  "a,999999.999\t\n"   /* before step 1 */
		  "b,1000000.000\t\n"  /* equal to step 1's start: included */
		  "c,1999999.999\t\n"
		  "d,2000000.000\t\n"  /* equal to step 1's end: excluded, step 2's start */
		  "e,3000000.000\t\n"  /* equal to step 2's end: in no step */
		  "f,N/A\n");
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL2, steps, 2, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"),
			 "Step Id,Name,Start Time(us)\r\n"
			 ",a,999999.999\t\r\n"
			 "1,b,1000000.000\t\r\n"
			 "1,c,1999999.999\t\r\n"
			 "2,d,2000000.000\t\r\n"
			 ",e,3000000.000\t\r\n"
			 ",f,N/A\r\n");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(no_rows_no_file)
{
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, "Op Name,Task Start Time(us)\n");
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL1, NULL, 0, &e), 0);
	ck_assert_int_eq(ap_write_csv_table(root, "op_statistic.csv", &t, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"), "<absent>");
	ck_assert_str_eq(slurp("op_statistic.csv"), "<absent>");
	ap_csv_table_release(&t);
	table(&t, "Op Name,Task Start Time(us)\na,1.000\t\n");
	ck_assert_int_eq(ap_write_kernel_details(root, &t, AP_PROF_LEVEL_NONE, NULL, 0, &e), 0);
	ck_assert_str_eq(slurp("kernel_details.csv"), "<absent>");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(verbatim_table)
{
	struct ap_csv_table t;
	struct ap_err e = AP_ERR_INIT;

	table(&t, "Device_id,Level,API Name,Time(us)\nhost,acl,\"a,b\",1.5\nhost,acl,\"q\"\"\",x\t\n");
	ck_assert_int_eq(ap_write_csv_table(root, "api_statistic.csv", &t, &e), 0);
	ck_assert_str_eq(slurp("api_statistic.csv"),
			 "Device_id,Level,API Name,Time(us)\r\nhost,acl,\"a,b\",1.5\r\n"
			 "host,acl,\"q\"\"\",x\t\r\n");
	ap_csv_table_release(&t);
	ap_err_release(&e);
}
END_TEST

START_TEST(levels_and_times)
{
	int64_t ns;

	ck_assert_int_eq(ap_prof_level_of("Level_none"), AP_PROF_LEVEL_NONE);
	ck_assert_int_eq(ap_prof_level_of("Level0"), AP_PROF_LEVEL0);
	ck_assert_int_eq(ap_prof_level_of("Level1"), AP_PROF_LEVEL1);
	ck_assert_int_eq(ap_prof_level_of("Level2"), AP_PROF_LEVEL2);
	ck_assert_int_eq(ap_prof_level_of("bogus"), AP_PROF_LEVEL0);
	ck_assert_int_eq(ap_us_text_to_ns("1787504007005868.315\t", &ns), 0);
	ck_assert_int_eq(ns, 1787504007005868315LL);
	ck_assert_int_eq(ap_us_text_to_ns("12.5", &ns), 0);
	ck_assert_int_eq(ns, 12500);
	ck_assert_int_eq(ap_us_text_to_ns("7.123999", &ns), 0);
	ck_assert_int_eq(ns, 7123);
	ck_assert_int_eq(ap_us_text_to_ns("N/A", &ns), -1);
	ck_assert_int_eq(ap_us_text_to_ns("", &ns), -1);
	ck_assert_int_eq(ap_us_text_to_ns("99999999999999999999", &ns), -1);
}
END_TEST

static Suite *cann_suite(void)
{
	Suite *s = suite_create("cann");
	TCase *tc = tcase_create("exported");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, prof_names_and_probe);
	tcase_add_test(tc, select_order);
	tcase_add_test(tc, load_concatenates_slices);
	suite_add_tcase(s, tc);
	tc = tcase_create("timeline");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tl_select_order);
	tcase_add_test(tc, tl_load_events_links_lanes);
	tcase_add_test(tc, tl_load_unlabelled_and_bad);
	tcase_add_test(tc, analyze_shapes);
	suite_add_tcase(s, tc);
	tc = tcase_create("writers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, kernel_details_level1);
	tcase_add_test(tc, kernel_details_level0);
	tcase_add_test(tc, kernel_details_steps);
	tcase_add_test(tc, no_rows_no_file);
	tcase_add_test(tc, verbatim_table);
	tcase_add_test(tc, levels_and_times);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cann_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
