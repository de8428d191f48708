/* rt-invert: turn a real torch_npu trace_view.json back into a raw dump.
 *
 * Usage: rt-invert TRACE_VIEW_JSON OUT_DUMP_DIR [OFFSET_NS]
 *   OFFSET_NS: D below (default 1000000000); rt_cann.sh gives one that puts the raw clock near a real
 *   uptime
 *
 * Round-trip test support (tests/roundtrip/rt_level1.sh). Reads the framework
 * part of an analysed trace_view.json and writes OUT_DUMP_DIR/profiler_info_0.json
 * and OUT_DUMP_DIR/FRAMEWORK/{torch.op_range, torch.op_mark,
 * torch.python_tracer_func, torch.python_tracer_hash} in the current (G3)
 * layout of ../shared/specs/torch_npu_ascend_pt.md §3, by inverting the mapping
 * of §8.1 (items 1, 2, 3 and 6) and §7.2:
 *
 *  - cpu_op X event          -> one op_range record (§3.3), trace_view order;
 *  - enqueue / dequeue X     -> op_mark start + end markers (§3.4), written
 *                               time-sorted so that §7.2's pairing rebuilds them;
 *  - python_function X event -> tracer call/return records (§3.6) and hash
 *                               entries (§3.7) laid out so that §8.1 item 6's
 *                               per-thread replay gives the same Python ids.
 *
 * Timestamps: profiler_info says syscnt_enable=false and end_info
 * {collectionTimeEnd: D, MonotonicTimeEnd: 0}, so the analyser computes
 * local = raw + D (§4); raw = local - D here.
 *
 * This is a test generator, not a decoder: it is allowed to be simple. It
 * prints counts (and every event it could not invert faithfully) on stderr and
 * exits 0 when everything was inverted, 1 when something was not (the dump is
 * still written), 2 on usage or I/O errors.
 *
 * The program is split by event kind (rt_invert_local.h lists the files);
 * this file holds the command line and the pass over the events.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rt_invert_local.h"

int64_t ap_rt__offset_d = AP_RT_TIME_OFFSET_DEFAULT;

/* ---- profiler_info_0.json ---- */

static int write_profiler_info(const char *dir)
{
	char path[4096];
	json_t *root;
	int rc, n = snprintf(path, sizeof(path), "%s/profiler_info_0.json", dir);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	root = json_pack(
		"{s:{s:{s:[s],s:n,s:b,s:b,s:b,s:b,s:b},"
		"s:{s:s,s:s,s:b,s:b,s:b,s:b,s:[s],s:b,s:n}},"
		"s:{s:b,s:i,s:i,s:i},"
		"s:{s:I,s:I},"
		"s:i}",
		"config",
		"common_config", "activities", "ProfilerActivity.CPU", "schedule",
		"record_shapes", 1, "profile_memory", 0, "with_stack", 1, "with_flops", 0,
		"with_modules", 1,
		"experimental_config", "_profiler_level", "Level1", "_aic_metrics",
		"ACL_AICORE_PIPE_UTILIZATION", "_l2_cache", 0, "_msprof_tx", 0,
		"_data_simplification", 1, "record_op_args", 0, "_export_type", "text", "_op_attr", 0,
		"_gc_detect_threshold",
		"start_info", "syscnt_enable", 0, "freq", 100, "start_cnt", 0, "start_monotonic", 0,
		"end_info", "collectionTimeEnd", (json_int_t)AP_RT_TIME_OFFSET_D, "MonotonicTimeEnd",
		(json_int_t)0,
		"rank_id", 0);
	if (!root) {
		fprintf(stderr, "%s: cannot build profiler_info\n", AP_RT_PROG);
		return -1;
	}
	rc = json_dump_file(root, path, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc) {
		fprintf(stderr, "%s: cannot write '%s'\n", AP_RT_PROG, path);
		return -1;
	}
	return 0;
}

/* ---- driver ---- */

struct inv {
	struct ap_rt_buf op_range, op_mark, tr_func, tr_hash;
	struct ap_rt_queue queue;
	struct ap_rt_python py;
	unsigned long n_ops, n_other;
};

static void inv_release(struct inv *v)
{
	ap_rt__python_release(&v->py);
	ap_rt__queue_release(&v->queue);
	free(v->op_range.p);
	free(v->op_mark.p);
	free(v->tr_func.p);
	free(v->tr_hash.p);
}

static void invert_all(struct inv *v, const json_t *root)
{
	size_t i;
	const json_t *ev;

	json_array_foreach(root, i, ev) {
		const json_t *jph = json_object_get(ev, "ph");

		if (!json_is_string(jph) || strcmp(json_string_value(jph), "X"))
			v->n_other++;
		else if (ap_rt__is_cat(ev, "cpu_op"))
			v->n_ops += ap_rt__invert_cpu_op(&v->op_range, ev, i) == 0;
		else if (ap_rt__is_cat(ev, "enqueue") || ap_rt__is_cat(ev, "dequeue"))
			ap_rt__queue_add(&v->queue, ev, ap_rt__is_cat(ev, "dequeue"), i);
		else if (ap_rt__is_cat(ev, "python_function"))
			ap_rt__python_add(&v->py, ev, i);
		else
			v->n_other++;
	}
}

static int write_dump(struct inv *v, const char *dir)
{
	char fwk[4096];
	int n = snprintf(fwk, sizeof(fwk), "%s/FRAMEWORK", dir);

	if (n < 0 || (size_t)n >= sizeof(fwk)) {
		fprintf(stderr, "%s: path too long '%s'\n", AP_RT_PROG, dir);
		return -1;
	}
	if (ap_rt__make_dir(dir) < 0 || ap_rt__make_dir(fwk) < 0 || write_profiler_info(dir) < 0 ||
	    ap_rt__write_file(fwk, "torch.op_range", &v->op_range) < 0 ||
	    (v->op_mark.len && ap_rt__write_file(fwk, "torch.op_mark", &v->op_mark) < 0) ||
	    (v->tr_func.len && ap_rt__write_file(fwk, "torch.python_tracer_func", &v->tr_func) < 0) ||
	    (v->tr_func.len && ap_rt__write_file(fwk, "torch.python_tracer_hash", &v->tr_hash) < 0))
		return -1;
	return 0;
}

static void print_summary(const struct inv *v)
{
	fprintf(stderr,
		"%s: cpu_op %lu -> op_range records %lu\n"
		"%s: enqueue %lu, dequeue %lu -> op_mark records %zu\n"
		"%s: python_function %lu (%lu nn.Module) on %zu thread(s) -> tracer records %lu "
		"(calls %lu, returns %lu, returns without a frame %lu; %lu frame(s) left open), "
		"hash entries %zu\n"
		"%s: other events skipped %lu; events not inverted faithfully %lu\n",
		AP_RT_PROG, v->n_ops, v->n_ops, AP_RT_PROG, v->queue.n_enq, v->queue.n_deq, v->queue.n,
		AP_RT_PROG, v->py.st.frames, v->py.st.module_calls, v->py.nthreads,
		v->py.st.calls + v->py.st.returns + v->py.st.stray_returns, v->py.st.calls, v->py.st.returns,
		v->py.st.stray_returns, v->py.st.unclosed, v->py.hash.n, AP_RT_PROG, v->n_other,
		ap_rt__failures());
}

int main(int argc, char **argv)
{
	struct inv v = { 0 };
	json_error_t jerr;
	json_t *root;
	int ret = 2;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s TRACE_VIEW_JSON OUT_DUMP_DIR [OFFSET_NS]\n", AP_RT_PROG);
		return 2;
	}
	if (argc == 4)
		ap_rt__offset_d = strtoll(argv[3], NULL, 10);
	root = json_load_file(argv[1], 0, &jerr);
	if (!root || !json_is_array(root)) {
		fprintf(stderr, "%s: cannot read '%s': %s (line %d)\n", AP_RT_PROG, argv[1],
			root ? "not a JSON array" : jerr.text, jerr.line);
		json_decref(root);
		return 2;
	}

	ap_rt__queue_collect_names(&v.queue, root);
	ap_rt__python_init(&v.py); /* the tracer exit name gets hash key 1 */
	invert_all(&v, root); /* trace_view order = op_range file order (§7.1) */

	ap_rt__queue_write(&v.op_mark, &v.queue);
	ap_rt__python_write(&v.py, &v.tr_func, &v.tr_hash);
	if (write_dump(&v, argv[2]) < 0)
		goto out;

	print_summary(&v);
	ret = ap_rt__failures() ? 1 : 0;
out:
	inv_release(&v);
	json_decref(root);
	return ret;
}
