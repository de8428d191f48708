/*
 * fuzz_cann_export.c — a PROF_* dir that msprof already exported, analysed as a bare capture by
 * the public entry ap_analyse_pt: the timeline decoder (lib/formats/cann/cann_timeline.c: jansson,
 * re-serialisation, HostToDevice links, Overlap Analysis lanes by NPU label), the analyze/ reader
 * (cann_analyze.c), and the writers of trace_view.json, step_trace_time.csv and the communication
 * files fed from them.
 *
 * Each input becomes PROF_000001_20251126120000000_061001FUZZEXPT/ in a private temp dir holding a
 * fixed one-row op_summary CSV and the files the sections give; the outputs go to a second private
 * dir; both trees are removed before the next input.
 *
 * Input: sections  kind:u8 length:u16le bytes[length]; kind % 4 names the file:
 *   0 mindstudio_profiler_output/msprof_<n>.json (n counts the timeline files: several files are
 *     read in name order), 1 analyze/communication.json, 2 analyze/communication_matrix.json,
 *   3 mindstudio_profiler_output/msprof_slice_<n>_1.json. A file named again is replaced. A length
 *   past the end is cut to what is left.
 *
 * Invariants beyond "no crash, no leak, no UB": ap_analyse_pt returns 0 (the op_summary row is
 * always there) and names its output; kernel_details.csv and analyse.done exist; trace_view.json,
 * when written, is a JSON array (ascprof writes one valid array) of as many events as the timeline
 * files hold that are arrays of objects; communication*.json, when written, are JSON objects;
 * a data-loss report (malformed file) comes with no trace_view.json when it is the timeline's.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/analyse.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

#define PROF "PROF_000001_20251126120000000_061001FUZZEXPT"
#define EXP PROF "/mindstudio_profiler_output"
#define MAX_TL 4

static const char op_summary[] =
	"Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,"
	"Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Num\n"
	"0,0,3,5,Cast_1,Cast,static,AI_VECTOR_CORE,1764151205000001.000\t,1.250,0,2\n";

static char dir[4096];

static void path_of(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", dir, rel);
}

static void put(const char *rel, const uint8_t *data, size_t size)
{
	char path[4300];
	FILE *f;

	path_of(path, sizeof(path), rel);
	f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size);
	FUZZ_CHECK(fclose(f) == 0);
}

static void rm_tree(const char *rel)
{
	char cmd[4400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", dir, rel);
	FUZZ_CHECK(system(cmd) == 0);
}

static void cleanup(void)
{
	if (dir[0]) {
		rm_tree(PROF);
		rm_tree("out");
		rmdir(dir);
	}
}

static void setup_once(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "%s/ap_fuzz_export_XXXXXX", tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	atexit(cleanup);
}

static void mk(const char *rel)
{
	char path[4300];

	path_of(path, sizeof(path), rel);
	FUZZ_CHECK(mkdir(path, 0755) == 0);
}

/* The events of a timeline file ascprof keeps: those of an array of objects, else none. */
static size_t events_of(const uint8_t *data, size_t size, int *bad)
{
	json_t *root = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
	size_t i, n = 0;

	if (root && json_is_array(root)) {
		n = json_array_size(root);
		for (i = 0; i < n; i++)
			if (!json_is_object(json_array_get(root, i)))
				break;
		if (i < n)
			root = (json_decref(root), NULL);
	} else if (root) {
		root = (json_decref(root), NULL);
	}
	if (!root)
		*bad = 1;
	json_decref(root);
	return *bad ? 0 : n;
}

static json_t *load_out(const char *name)
{
	char path[4300];

	snprintf(path, sizeof(path), "%s/out/%s/ASCEND_PROFILER_OUTPUT/%s", dir, PROF, name);
	if (access(path, F_OK) != 0)
		return NULL;
	return json_load_file(path, JSON_ALLOW_NUL, NULL);
}

static int exists(const char *name)
{
	char path[4300];

	snprintf(path, sizeof(path), "%s/out/%s/ASCEND_PROFILER_OUTPUT/%s", dir, PROF, name);
	return access(path, F_OK) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *tl[2][MAX_TL] = { { NULL } };
	size_t tlen[2][MAX_TL] = { { 0 } }, events = 0, off = 0;
	struct ap_analyse_result r;
	struct ap_analyse_opts o;
	char prof[4300], out[4300], name[128];
	int ntl[2] = { 0, 0 }, bad = 0, k, i;
	json_t *j;

	setup_once();
	mk(PROF);
	mk(EXP);
	mk(PROF "/analyze");
	mk("out");
	put(EXP "/op_summary_1.csv", (const uint8_t *)op_summary, sizeof(op_summary) - 1);
	while (off + 3 <= size) {
		int kind = data[off] % 4;
		size_t len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;

		off += 3;
		if (len > size - off)
			len = size - off;
		if (kind == 0 || kind == 3) {
			int s = kind == 3, n = ntl[s] < MAX_TL ? ntl[s]++ : MAX_TL - 1;

			tl[s][n] = data + off;
			tlen[s][n] = len;
			if (s)
				snprintf(name, sizeof(name), EXP "/msprof_slice_%d_1.json", n);
			else
				snprintf(name, sizeof(name), EXP "/msprof_%d.json", n + 1);
			put(name, data + off, len);
		} else {
			put(kind == 1 ? PROF "/analyze/communication.json"
				      : PROF "/analyze/communication_matrix.json", data + off, len);
		}
		off += len;
	}
	for (k = 0; k < 2; k++)
		for (i = 0; i < ntl[k]; i++)
			events += events_of(tl[k][i], tlen[k][i], &bad);
	path_of(prof, sizeof(prof), PROF);
	path_of(out, sizeof(out), "out");
	memset(&o, 0, sizeof(o));
	o.out_root = out;
	ap_analyse_result_init(&r);
	FUZZ_CHECK(ap_analyse_pt(prof, &o, &r) == 0);
	FUZZ_CHECK(r.out_dir != NULL && r.bare_prof && r.cann_exported);
	FUZZ_CHECK(exists("kernel_details.csv") && exists("analyse.done"));
	FUZZ_CHECK(r.cann_tl_events == (bad ? 0 : events));
	j = load_out("trace_view.json");
	FUZZ_CHECK(exists("trace_view.json") == (j != NULL));
	if (bad)
		FUZZ_CHECK(!j && ap_diag_worst(&r.diag) >= AP_DIAG_DATA_LOSS);
	if (j)
		FUZZ_CHECK(json_is_array(j) && json_array_size(j) == events);
	json_decref(j);
	j = load_out("communication.json");
	FUZZ_CHECK(exists("communication.json") == (j != NULL && json_is_object(j)));
	json_decref(j);
	j = load_out("communication_matrix.json");
	FUZZ_CHECK(exists("communication_matrix.json") == (j != NULL && json_is_object(j)));
	json_decref(j);
	ap_analyse_result_release(&r);
	rm_tree(PROF);
	rm_tree("out");
	return 0;
}
