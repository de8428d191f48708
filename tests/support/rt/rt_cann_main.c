/* rt-cann: turn a real torch_npu run's kernel_details.csv + trace_view.json back into the CANN part of a raw
 * dump, as an ap-gen scenario.
 *
 * Usage: rt-cann RANK_DIR DUMP_NAME > SCENARIO
 *   RANK_DIR   a real `*_ascend_pt` directory (profiler_info_N.json + ASCEND_PROFILER_OUTPUT/)
 *   DUMP_NAME  the dump directory name for the scenario's `dump` line
 *
 * Round-trip test support (tests/roundtrip/rt_cann.sh): rt-invert writes the FRAMEWORK part of the dump from
 * trace_view.json, ap-gen (tests/support/gen) writes profiler_info + the PROF_* directory from this scenario.
 * Layouts and the linking rule: ../shared/specs/cann_prof_raw.md §2.3–§2.8, §3.1, §3.6. Times in the scenario
 * are local ns (ap-gen inverts them); the host clock is written in ns (CPU frequency 1000) and the device
 * counter at 1000 MHz, so every sample time is represented exactly (the samples are not on a 20 ns grid).
 * FRAMEWORK times need the same local = raw + D as rt-invert uses: syscnt off, end_info D 0, and the PROF
 * host start_info offset (ap-gen's default: end_info's) = D (RT_CANN_OFFSET_D; rt-invert gets it as argument).
 *
 * What comes from where:
 *  - api_event: every X event of the CANN lane (level, id → type, item_id → item, Thread Id → tid); the Node
 *    launches of kernel rows are written by the `kernel` / `hccl` chains instead (same times, same item);
 *  - node_basic_info + tensor_info (Level1/2): from the kernel_details row (Type, Accelerator Core, Block Dim,
 *    Mix Block Dim as ratio, HF32 Eligible as flag, Input/Output Shapes, Data Types, Formats); a numeric
 *    Context ID gives a node-level context_id_info (and the FFTS+ subtask pair of that context);
 *  - task_track: stream / task id of the row (Level0: of its Ascend Hardware event), at the HostToDevice `s`
 *    of its flow when that lies in the launch (else at the launch end); Level0: a Node launch [s-1, s+1] around
 *    the `s` (no node info: Type N/A), since Level0 traces have no CANN lane;
 *  - STARS: ACSQ start/end per Ascend Hardware event at its start and start + duration (kernel rows: the
 *    row's Start Time / Duration), FFTS+ subtask pairs for MIX kernels (context 0) and HCCL small tasks;
 *  - runtime tasks with a flow that starts at an AscendCL API (memcpy, ...): task_track at that API's start
 *    + k ns (Level0: an AscendCL API [s, s+3] written around it); tasks without a flow (EVENT_*,
 *    PLACE_HOLDER, ...) and the later tasks of a flow id shared with an earlier one (torch_npu links only
 *    the first): task_track on a thread without APIs (linking rule, last item: the older msprof drew them
 *    no flows);
 *  - HCCL ops (rows with Accelerator Core HCCL): the `hccl` chain on the hcom Node launch (its item id, the
 *    row's name less msprof's _<group>_<index>_<iteration> suffix; a group id ending in that group), the HCCL-level
 *    Launch_Ffts event of the CANN lane, inside it one FFTS_PLUS task_track and an HCCL-level
 *    context_id_info range per run of context ids, one hccl_info per small task of the HCCL lane (name,
 *    ranks, plane = lane thread - 1, context, notify id, size, data / link / transport type), and on the
 *    device one FFTS+ subtask pair per small task of that (stream, task) in the Ascend Hardware lane. The earliest start / latest end are set to the row's Start / Start + Duration
 *    (the older msprof's float rounding left them up to 1 ns apart; counted as "hccl edges adjusted").
 *
 * Prints counts on stderr; exits 0 when every row and event was placed, 1 when something was not (the
 * scenario is still written), 2 on usage or input errors.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rt_cann_local.h"

#define OUTSIDE_TID 1 /* a host thread with no API: task_tracks outside every API */
/* local = raw + D: the raw clocks then read like a few hours of uptime (the samples are from 2025-01-09), so
 * that device counters stay far from overflow; rt_cann.sh passes the same D to rt-invert */
#define RT_CANN_OFFSET_D INT64_C(1736400000000000000)

/* ---- scenario ---- */

struct syn {
	struct lanes L;
	struct csvt kd;
	int level; /* 0, 1, 2 */
	FILE *o;
	int64_t l0_api_at, l0_api_tid;
	json_t *comm; /* the sample's communication.json, NULL if none (Level0) */
	unsigned long rows, kernels, hccl_ops, hccl_small, hccl_infos, hccl_adjusted, api, rt_flow, rt_outside, rt_shared, hw_total;
};

static struct api *find_launch(struct syn *y, const char *item, int64_t tid, int64_t at)
{
	struct api *best = NULL;

	for (size_t i = 0; i < y->L.napi; i++) {
		struct api *p = &y->L.api[i];

		if (p->used || !p->level || strcmp(p->level, "node") || !p->item || strcmp(p->item, item))
			continue;
		if (tid >= 0 && p->tid != tid)
			continue;
		if (at >= 0 && p->s < at && at <= p->e)
			return p;
		if (!best || llabs(p->s - at) < llabs(best->s - at))
			best = p;
	}
	return best;
}

static struct hw *find_hw(struct syn *y, const char *name, int64_t start)
{
	for (size_t i = 0; i < y->L.nhw; i++) {
		struct hw *h = &y->L.hw[i];

		if (!h->used && h->s == start && h->name && !strcmp(h->name, name))
			return h;
	}
	return NULL;
}

static const char *quote(const char *s, char *buf, size_t n)
{
	size_t k = 0;

	buf[k++] = '"';
	for (; *s && k + 3 < n; s++) {
		if (*s == '"' || *s == '\\')
			buf[k++] = '\\';
		buf[k++] = *s;
	}
	buf[k++] = '"';
	buf[k] = 0;
	return buf;
}

static void kernel_row(struct syn *y, size_t r)
{
	struct csvt *t = &y->kd;
	const char *name = ap_rtc__fld(t, r, ap_rtc__col(t, "Name")), *core = ap_rtc__fld(t, r, ap_rtc__col(t, "Accelerator Core"));
	int64_t ds = ap_rtc__us_ns(ap_rtc__fld(t, r, ap_rtc__col(t, "Start Time(us)")));
	int64_t dur = ap_rtc__us_ns(ap_rtc__fld(t, r, ap_rtc__col(t, "Duration(us)")));
	struct hw *h = find_hw(y, name, ds);
	struct flow *f;
	struct api *ln = NULL;
	int64_t hs, he, track, tid, stream, task;
	long block = strtol(ap_rtc__fld(t, r, ap_rtc__col(t, "Block Dim")), NULL, 10);
	long mixb = strtol(ap_rtc__fld(t, r, ap_rtc__col(t, "Mix Block Dim")), NULL, 10);
	int is_dsa, is_mix;
	char q1[1024], q2[1024];

	if (!h || h->flow < 0 || (f = &y->L.fl[h->flow])->s_tid < 0) {
		ap_rtc__fail("kernel row %zu '%s': no Ascend Hardware event with a HostToDevice flow at its start", r, name);
		return;
	}
	h->used = 1;
	stream = y->level ? strtoll(ap_rtc__fld(t, r, ap_rtc__col(t, "Stream ID")), NULL, 10) : h->stream;
	task = y->level ? strtoll(ap_rtc__fld(t, r, ap_rtc__col(t, "Task ID")), NULL, 10) : h->task;
	tid = f->s_tid;
	if (y->level) {
		ln = find_launch(y, name, tid, f->s_ts);
		if (!ln) {
			ap_rtc__fail("kernel row %zu '%s': no Node launch on thread %" PRId64, r, name, tid);
			return;
		}
		ln->used = 1;
		hs = ln->s, he = ln->e;
		track = hs < f->s_ts && f->s_ts <= he ? f->s_ts : he;
	} else {
		hs = f->s_ts - 1, he = f->s_ts + 1, track = f->s_ts;
	}
	is_dsa = !strcmp(core, "DSA_SQE") || (h->ttype && !strcmp(h->ttype, "DSA_SQE"));
	is_mix = !strncmp(core, "MIX_", 4) || (h->ttype && !strncmp(h->ttype, "MIX_", 4));
	y->kernels++;
	if (is_dsa) { /* a DSA kernel: a STARS_COMMON runtime task (§2.8 compute task), SQE DSA */
		int first = 1;

		fprintf(y->o, "api %" PRId64 " %" PRId64 " level=node type=launch item=%s tid=%" PRId64 "\n", hs, he,
			quote(name, q1, sizeof(q1)), tid);
		if (y->level) {
			fprintf(y->o, "node_info %" PRId64 " op=%s optype=%s task=DSA_SQE block=%ld flag=%d tid=%" PRId64 "\n",
				track, q1, quote(ap_rtc__fld(t, r, ap_rtc__col(t, "Type")), q2, sizeof(q2)), block,
				!strcmp(ap_rtc__fld(t, r, ap_rtc__col(t, "HF32 Eligible")), "YES"), tid);
			fprintf(y->o, "tensor_info %" PRId64 " op=%s tid=%" PRId64 " tensors=\"", track, q1, tid);
			if (ap_rtc__tensor_spec(y->o, "in", ap_rtc__fld(t, r, ap_rtc__col(t, "Input Shapes")), ap_rtc__fld(t, r, ap_rtc__col(t, "Input Data Types")),
					ap_rtc__fld(t, r, ap_rtc__col(t, "Input Formats")), &first) ||
			    ap_rtc__tensor_spec(y->o, "out", ap_rtc__fld(t, r, ap_rtc__col(t, "Output Shapes")),
					ap_rtc__fld(t, r, ap_rtc__col(t, "Output Data Types")), ap_rtc__fld(t, r, ap_rtc__col(t, "Output Formats")), &first))
				ap_rtc__fail("kernel row %zu '%s': tensors not representable", r, name);
			fprintf(y->o, "\"\n");
		}
		fprintf(y->o, "task_track %" PRId64 " stream=%" PRId64 " task=%" PRId64 " type=STARS_COMMON kernel=%s blocks=%ld tid=%" PRId64 "\n",
			track, stream, task, q1, block, tid);
		fprintf(y->o, "acsq %" PRId64 " start stream=%" PRId64 " task=%" PRId64 " sqe=15\n", ds, stream, task);
		fprintf(y->o, "acsq %" PRId64 " end stream=%" PRId64 " task=%" PRId64 " sqe=15\n", ds + dur, stream, task);
		return;
	}
	{
		/* a kernel run as FFTS+ subtasks: ap-gen puts them 1 tick inside the ACSQ pair, and the subtask
		 * pair is what the row shows (§3.1.4) */
		const char *ctx = y->level ? ap_rtc__fld(t, r, ap_rtc__col(t, "Context ID")) : "";
		int sub = *ctx >= '0' && *ctx <= '9';

		fprintf(y->o, "prof_stream %" PRId64 " task=%" PRId64 "\n", stream, task);
		fprintf(y->o, "kernel %" PRId64 " %" PRId64 " %" PRId64 " +%" PRId64 " name=%s track=%" PRId64
			" stream=%" PRId64 " tid=%" PRId64,
			hs, he, ds - sub, dur + 2 * sub, quote(name, q1, sizeof(q1)), track, stream, tid);
	}
	if (!y->level) {
		fprintf(y->o, " task=%s block=%ld info=0\n", is_mix ? "MIX_AIV" : "AI_CORE", block);
		return;
	}
	{
		int first = 1;
		long ratio = block > 0 && mixb % block == 0 ? mixb / block : 0;

		if (block > 0 && mixb % block)
			ap_rtc__fail("kernel row %zu '%s': Mix Block Dim %ld is no multiple of Block Dim %ld", r, name, mixb, block);
		const char *ctx = ap_rtc__fld(t, r, ap_rtc__col(t, "Context ID"));

		fprintf(y->o, " type=%s task=%s block=%ld mix=%ld flag=%d", quote(ap_rtc__fld(t, r, ap_rtc__col(t, "Type")), q2, sizeof(q2)),
			core, block, ratio, !strcmp(ap_rtc__fld(t, r, ap_rtc__col(t, "HF32 Eligible")), "YES"));
		if (*ctx >= '0' && *ctx <= '9') /* a node-level context_id_info (§2.5.2) */
			fprintf(y->o, " ctx=%s", ctx);
		fprintf(y->o, " tensors=\"");
		if (ap_rtc__tensor_spec(y->o, "in", ap_rtc__fld(t, r, ap_rtc__col(t, "Input Shapes")), ap_rtc__fld(t, r, ap_rtc__col(t, "Input Data Types")),
				ap_rtc__fld(t, r, ap_rtc__col(t, "Input Formats")), &first) ||
		    ap_rtc__tensor_spec(y->o, "out", ap_rtc__fld(t, r, ap_rtc__col(t, "Output Shapes")), ap_rtc__fld(t, r, ap_rtc__col(t, "Output Data Types")),
				ap_rtc__fld(t, r, ap_rtc__col(t, "Output Formats")), &first))
			ap_rtc__fail("kernel row %zu '%s': tensors not representable", r, name);
		fprintf(y->o, "\"\n");
	}
}

/* the HCCL lane event of op @name: its connection flow's s (the hcom launch start) */
static int hccl_op_flow(struct syn *y, const char *name, int64_t *tid, int64_t *ts, int64_t *stream,
			int64_t *task)
{
	size_t i;
	const json_t *ev;

	json_array_foreach(y->L.root, i, ev) {
		const char *ph = ap_rtc__jstr(ev, "ph"), *n = ap_rtc__jstr(ev, "name");

		if (ph && !strcmp(ph, "X") && n && !strcmp(n, name) &&
		    json_integer_value(json_object_get(ev, "pid")) == y->L.pid_hccl) {
			int64_t k = ap_rtc__flow_into(&y->L, y->L.pid_hccl, ap_rtc__jint(ev, "tid", -1),
					      ap_rtc__json_us_ns(json_object_get(ev, "ts")));

			if (k < 0 || y->L.fl[k].s_tid < 0)
				return -1;
			int64_t t0 = ap_rtc__json_us_ns(json_object_get(ev, "ts"));
			int64_t t1 = t0 + ap_rtc__json_dur_ns(json_object_get(ev, "dur"));
			size_t j;
			const json_t *sm;

			*tid = y->L.fl[k].s_tid;
			*ts = y->L.fl[k].s_ts;
			/* its small tasks (the plane threads of the lane) name the FFTS+ task's stream and task id */
			json_array_foreach(y->L.root, j, sm) {
				const json_t *a = json_object_get(sm, "args");
				int64_t st = ap_rtc__json_us_ns(json_object_get(sm, "ts"));

				if (ap_rtc__jstr(sm, "ph") && !strcmp(ap_rtc__jstr(sm, "ph"), "X") &&
				    json_integer_value(json_object_get(sm, "pid")) == y->L.pid_hccl &&
				    ap_rtc__jint(sm, "tid", 0) != 0 && st >= t0 && st <= t1) {
					*stream = ap_rtc__jint(a, "stream id", -1);
					*task = ap_rtc__jint(a, "task id", -1);
					return 0;
				}
			}
			/* Level0 lanes show no small tasks: the earliest communication subtask of the device */
			for (size_t h = 0, best = SIZE_MAX; h <= y->L.nhw; h++) {
				const struct hw *w = h < y->L.nhw ? &y->L.hw[h] : NULL;

				if (!w) {
					if (best == SIZE_MAX)
						return -1;
					*stream = y->L.hw[best].stream;
					*task = y->L.hw[best].task;
					return 0;
				}
				if (w->sub != NONE && w->ttype && strncmp(w->ttype, "MIX_", 4) && w->s >= t0 &&
				    w->s <= t1 && (best == SIZE_MAX || w->s < y->L.hw[best].s))
					best = h;
			}
			return -1;
		}
	}
	return -1;
}

/* "hcom_allReduce__868_0_1" → item "hcom_allReduce_" and a group hash id whose decimal ends in "868" */
static int split_hccl_name(const char *name, char *item, size_t cap, unsigned long *group)
{
	const char *u[3] = { NULL, NULL, NULL };
	size_t n = strlen(name), k = 0;

	for (size_t i = n; i-- > 0 && k < 3;)
		if (name[i] == '_')
			u[k++] = name + i; /* u[2]: before the group, u[1]: before the index, u[0]: before the iteration */
	if (k < 3 || u[1] - u[2] != 4 || (size_t)(u[2] - name) >= cap)
		return -1;
	for (int i = 1; i <= 3; i++)
		if (u[2][i] < '0' || u[2][i] > '9')
			return -1;
	memcpy(item, name, (size_t)(u[2] - name));
	item[u[2] - name] = 0;
	*group = 1000000000UL + strtoul(u[2] + 1, NULL, 10);
	return 0;
}

/* the group of op @name in the sample's communication.json: its key "<name>@<decimal group name>" under
 * <step>/collective or <step>/p2p; 0 (and *group unchanged) when absent */
static int comm_group(const struct syn *y, const char *name, unsigned long *group)
{
	const char *step, *kind, *key;
	json_t *sv, *kv, *ov;
	size_t n = strlen(name);

	json_object_foreach(y->comm, step, sv) {
		json_object_foreach(sv, kind, kv) {
			json_object_foreach(kv, key, ov) {
				char *end;
				unsigned long long g;

				if (strncmp(key, name, n) || key[n] != '@' || !key[n + 1])
					continue;
				g = strtoull(key + n + 1, &end, 10);
				if (*end)
					return 0; /* a group name that is no number: keep the stand-in */
				*group = (unsigned long)g;
				return 1;
			}
		}
	}
	return 0;
}

/* ENUM_HCCL_* of msprof's db_constant.h (cann_prof_raw §4.5) */
static unsigned hccl_enum(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (unsigned)i;
	return 65535; /* INVALID_TYPE */
}

/* One hccl_info (§2.5.3) per small task of the HCCL lane on the op's FFTS+ (stream, task), at t */
static unsigned hccl_infos(struct syn *y, int64_t t, int64_t tid, int64_t stream, int64_t task, int64_t ds,
			   int64_t de, unsigned long group)
{
	static const char *const dtypes[] = { "INT8", "INT16", "INT32", "FP16", "FP32", "INT64", "UINT64", "UINT8",
					      "UINT16", "UINT32", "FP64", "BFP16", "INT128" };
	static const char *const links[] = { "ON_CHIP", "HCCS", "PCIE", "ROCE", "SIO", "HCCS_SW", "STANDARD_ROCE" };
	static const char *const transports[] = { "SDMA", "RDMA", "LOCAL" };
	unsigned n = 0;
	size_t i;
	const json_t *ev;
	char q[256];

	json_array_foreach(y->L.root, i, ev) {
		const json_t *a = json_object_get(ev, "args");
		int64_t st = ap_rtc__json_us_ns(json_object_get(ev, "ts")), lane = ap_rtc__jint(ev, "tid", 0);

		if (!ap_rtc__jstr(ev, "ph") || strcmp(ap_rtc__jstr(ev, "ph"), "X") ||
		    json_integer_value(json_object_get(ev, "pid")) != y->L.pid_hccl || lane < 1 ||
		    ap_rtc__jint(a, "stream id", -1) != stream || ap_rtc__jint(a, "task id", -1) != task ||
		    st < ds - 1000 || st > de + 1000)
			continue;
		n++;
		fprintf(y->o,
			"hccl_info %" PRId64 " name=%s group=#%lu tid=%" PRId64 " local=%" PRId64 " remote=%" PRId64
			" plane=%" PRId64 " ctx=%" PRId64 " notify=%s size=%" PRId64 " dtype=%u link=%u transport=%u\n",
			t, quote(ap_rtc__jstr(ev, "name") ? ap_rtc__jstr(ev, "name") : "", q, sizeof(q)), group, tid,
			ap_rtc__jint(a, "src rank", 0), ap_rtc__jint(a, "dst rank", 0), lane - 1,
			ap_rtc__jint(a, "context id", 0),
			ap_rtc__jstr(a, "notify_id") ? ap_rtc__jstr(a, "notify_id") : "0", ap_rtc__jint(a, "size(Byte)", 0),
			hccl_enum(ap_rtc__jstr(a, "data type"), dtypes, sizeof(dtypes) / sizeof(dtypes[0])),
			hccl_enum(ap_rtc__jstr(a, "link type"), links, sizeof(links) / sizeof(links[0])),
			hccl_enum(ap_rtc__jstr(a, "transport type"), transports, sizeof(transports) / sizeof(transports[0])));
	}
	return n;
}

static void hccl_row(struct syn *y, size_t r)
{
	struct csvt *t = &y->kd;
	const char *name = ap_rtc__fld(t, r, ap_rtc__col(t, "Name")), *type = ap_rtc__fld(t, r, ap_rtc__col(t, "Type"));
	int64_t ds = ap_rtc__us_ns(ap_rtc__fld(t, r, ap_rtc__col(t, "Start Time(us)")));
	int64_t de = ds + ap_rtc__us_ns(ap_rtc__fld(t, r, ap_rtc__col(t, "Duration(us)")));
	int64_t tid, s, hs, he, ms, me, stream = -1, task = -1;
	struct api *ln = NULL, *m = NULL;
	struct hw *lo = NULL, *hi = NULL;
	char q1[512], q2[512];
	unsigned nsmall = 0;
	static uint8_t seen[65536];

	char item[256];
	unsigned long group;

	if (hccl_op_flow(y, name, &tid, &s, &stream, &task)) {
		ap_rtc__fail("HCCL row %zu '%s': no flow to its HCCL lane event", r, name);
		return;
	}
	/* msprof names an HCCL op <launch item id>_<last 3 characters of its group>_<index>_<iteration>
	 * (update_op_name_by_group_name), the group being the decimal hash id of hccl_info's groupName: the
	 * launch gets the item id (hcom_allReduce_) and the group an id ending in those 3 characters */
	if (split_hccl_name(name, item, sizeof(item), &group)) {
		ap_rtc__fail("HCCL row %zu '%s': not named <item>_<group>_<index>_<iteration>", r, name);
		return;
	}
	if (y->comm && !comm_group(y, name, &group))
		ap_rtc__fail("HCCL row %zu '%s': not in the sample's communication.json", r, name);
	if (y->level) {
		for (size_t i = 0; i < y->L.napi && !ln; i++) {
			struct api *p = &y->L.api[i];

			if (!p->used && p->tid == tid && p->s == s && p->level && !strcmp(p->level, "node"))
				ln = p;
		}
		if (!ln) {
			ap_rtc__fail("HCCL row %zu '%s': no Node launch starting at its flow", r, name);
			return;
		}
		ln->used = 1;
		if (!ln->item || strcmp(ln->item, item))
			ap_rtc__fail("HCCL row %zu '%s': its launch names '%s', not '%s'", r, name, ln->item ? ln->item : "",
				     item);
		hs = ln->s, he = ln->e;
		for (size_t i = 0; i < y->L.napi; i++) {
			struct api *p = &y->L.api[i];

			if (!p->used && p->tid == tid && p->level && !strcmp(p->level, "hccl") && p->s >= hs &&
			    p->e <= he) {
				m = p;
				break;
			}
		}
		if (!m) {
			ap_rtc__fail("HCCL row %zu '%s': no HCCL-level event in its launch", r, name);
			return;
		}
		m->used = 1;
		ms = m->s, me = m->e;
	} else { /* Level0: no CANN lane; a launch and a master event around the flow start */
		hs = s, he = s + 10, ms = s + 2, me = s + 8;
	}
	memset(seen, 0, sizeof(seen));
	/* the device small tasks: FFTS+ subtasks (Subtask Id = context) in [start, end] of the row */
	for (size_t i = 0; i < y->L.nhw; i++) {
		struct hw *h = &y->L.hw[i];

		if (h->used || h->sub == NONE || h->s < ds - 1000 || h->e > de + 1000 || h->stream != stream ||
		    h->task != task)
			continue;
		if (!lo || h->s < lo->s)
			lo = h;
		if (!hi || h->e > hi->e)
			hi = h;
		if (h->sub >= 0 && h->sub < 65536)
			seen[h->sub] = 1;
	}
	if (!lo) {
		ap_rtc__fail("HCCL row %zu '%s': no small tasks on the device", r, name);
		return;
	}
	/* the small tasks keep the trace's times (rounded to the ns): the row's Start / Duration, from the
	 * older msprof's floats, may be up to a few ns apart (rt_cann.sh: TOL SUBNS) */
	if (lo->s != ds || hi->e != de) {
		if (llabs(lo->s - ds) > 1000 || llabs(hi->e - de) > 1000)
			ap_rtc__fail("HCCL row %zu '%s': small tasks span [%" PRId64 ", %" PRId64 "], row [%" PRId64 ", %" PRId64 "]",
			     r, name, lo->s, hi->e, ds, de);
		y->hccl_adjusted++;
	}
	y->hccl_ops++;
	fprintf(y->o, "hccl %" PRId64 " %" PRId64 " name=%s type=%s group=#%lu stream=%" PRId64 " tid=%" PRId64 "\n",
		hs, he, quote(item, q1, sizeof(q1)), quote(type, q2, sizeof(q2)), group, stream, tid);
	fprintf(y->o, "api %" PRId64 " %" PRId64 " level=hccl type=%s item=%s tid=%" PRId64 "\n", ms, me,
		m && m->mode ? m->mode : "master", quote(m && m->item ? m->item : "Launch_Ffts", q1, sizeof(q1)), tid);
	fprintf(y->o, "task_track %" PRId64 " stream=%" PRId64 " task=%" PRId64 " type=FFTS_PLUS tid=%" PRId64 "\n",
		ms + 1, stream, task, tid);
	/* the context ids, as inclusive ranges [first, last] of HCCL-level context_id_info records (§2.5.2) */
	y->hccl_infos += hccl_infos(y, ms + 1, tid, stream, task, ds, de, group);
	for (unsigned c = 0; c < 65536; c++) {
		unsigned e = c;

		if (!seen[c])
			continue;
		while (e + 1 < 65536 && seen[e + 1])
			e++;
		fprintf(y->o, "ctx_info %" PRId64 " op=%s ids=%u,%u level=hccl tid=%" PRId64 "\n", ms + 1, q1, c, e, tid);
		c = e;
	}
	for (size_t i = 0; i < y->L.nhw; i++) {
		struct hw *h = &y->L.hw[i];
		unsigned st = 0;

		if (h->used || h->sub == NONE || h->stream != stream || h->task != task || h->s < ds - 1000 ||
		    h->e > de + 1000)
			continue;
		h->used = 1;
		nsmall++;
		if (ap_rtc__subtask_type(h->ttype, &st))
			ap_rtc__fail("HCCL small task '%s': unknown subtask type '%s'", h->name, h->ttype ? h->ttype : "");
		fprintf(y->o, "ffts %" PRId64 " start stream=%" PRId64 " task=%" PRId64 " ctx=%" PRId64 " subtype=%u\n",
			h->s, stream, task, h->sub, st);
		fprintf(y->o, "ffts %" PRId64 " end stream=%" PRId64 " task=%" PRId64 " ctx=%" PRId64 " subtype=%u\n",
			h->e, stream, task, h->sub, st);
	}
	y->hccl_small += nsmall;
}

/* a device task of no kernel row: memcpy, event, place holder... */
static void runtime_task(struct syn *y, struct hw *h, unsigned *bump)
{
	unsigned tt, sqe;
	int64_t tid = OUTSIDE_TID, at = h->s - 1000;
	char q[256];

	h->used = 1;
	if (ap_rtc__sqe_type(h->ttype, &sqe)) {
		ap_rtc__fail("device task '%s': unknown task type '%s'", h->name ? h->name : "", h->ttype ? h->ttype : "");
		return;
	}
	/* torch_npu keeps the first 'f' of a flow id (§2.8, torch_npu §7.4): of the older msprof's tasks
	 * sharing one id (aclopCompileAndExecute's two memcpys) only the earliest was linked; the others
	 * go outside every API, as unlinked */
	for (size_t i = 0; i < y->L.nhw && h->flow >= 0; i++)
		if (y->L.hw[i].flow == h->flow && y->L.hw[i].s < h->s) {
			y->rt_shared++;
			h->flow = -1;
		}
	if (h->flow >= 0 && y->L.fl[h->flow].s_tid >= 0) {
		struct flow *f = &y->L.fl[h->flow];
		struct api *in = NULL;

		for (size_t i = 0; i < y->L.napi && y->level; i++) {
			struct api *p = &y->L.api[i];

			if (p->tid == f->s_tid && p->s == f->s_ts && p->level && !strcmp(p->level, "acl")) {
				in = p;
				break;
			}
		}
		tid = f->s_tid;
		if (in) {
			at = in->s + 1 + bump[in - y->L.api]++;
		} else { /* Level0 (no CANN lane): an AscendCL API starting at the flow's start, one per start */
			at = f->s_ts + 1;
			if (f->s_ts != y->l0_api_at || tid != y->l0_api_tid)
				fprintf(y->o, "api %" PRId64 " %" PRId64 " level=acl type=%s tid=%" PRId64 "\n", f->s_ts,
					f->s_ts + 3, !strcmp(h->name ? h->name : "", "MEMCPY_ASYNC") ? "aclrtMemcpyAsync" :
					"aclrtLaunchTask", tid);
			else
				at++;
			y->l0_api_at = f->s_ts;
			y->l0_api_tid = tid;
		}
		y->rt_flow++;
	} else {
		y->rt_outside++;
	}
	fprintf(y->o, "task_track %" PRId64 " stream=%" PRId64 " task=%" PRId64, at, h->stream, h->task);
	if (!ap_rtc__runtime_type(h->name, &tt))
		fprintf(y->o, " type=%u", tt);
	else
		fprintf(y->o, " type=KERNEL_AICORE kernel=%s", quote(h->name ? h->name : "", q, sizeof(q)));
	fprintf(y->o, " tid=%" PRId64 "\n", tid);
	fprintf(y->o, "acsq %" PRId64 " start stream=%" PRId64 " task=%" PRId64 " sqe=%u\n", h->s, h->stream, h->task, sqe);
	fprintf(y->o, "acsq %" PRId64 " end stream=%" PRId64 " task=%" PRId64 " sqe=%u\n", h->e, h->stream, h->task, sqe);
}

static void write_apis(struct syn *y)
{
	char q[512];

	for (size_t i = 0; i < y->L.napi; i++) {
		struct api *p = &y->L.api[i];
		const char *type;

		if (p->used || !p->level)
			continue;
		y->api++;
		if (!strcmp(p->level, "acl")) /* AscendCL@<id>; the other levels name the API in Mode */
			type = p->id ? p->id : "0";
		else
			type = p->mode ? p->mode : p->id ? p->id : "0";
		fprintf(y->o, "api %" PRId64 " %" PRId64 " level=%s type=%s", p->s, p->e, p->level,
			quote(type, q, sizeof(q)));
		if (p->item && strcmp(p->item, "0") && strcmp(p->level, "acl"))
			fprintf(y->o, " item=%s", quote(p->item, q, sizeof(q)));
		fprintf(y->o, " tid=%" PRId64 "\n", p->tid);
	}
}

static int read_info(const char *dir, int *rank, int *level, int64_t *pid)
{
	char path[4096];
	json_t *root = NULL;
	const char *lv;

	for (int r = 0; r < 64 && !root; r++) {
		snprintf(path, sizeof(path), "%s/profiler_info_%d.json", dir, r);
		if ((root = json_load_file(path, 0, NULL)))
			*rank = r;
	}
	if (!root) {
		fprintf(stderr, "%s: no profiler_info_N.json in '%s'\n", PROG, dir);
		return -1;
	}
	lv = ap_rtc__jstr(json_object_get(json_object_get(root, "config"), "experimental_config"), "_profiler_level");
	*level = lv && !strcmp(lv, "Level0") ? 0 : lv && !strcmp(lv, "Level1") ? 1 : 2;
	*pid = 0;
	json_decref(root);
	return 0;
}

int main(int argc, char **argv)
{
	struct syn y = { 0 };
	char path[4096];
	json_error_t jerr;
	json_t *root;
	int rank, ret = 2;
	int64_t pid, first = INT64_MAX;
	unsigned *bump;
	static const char *const lvname[] = { "Level0", "Level1", "Level2" };

	if (argc != 3) {
		fprintf(stderr, "usage: %s RANK_DIR DUMP_NAME > SCENARIO\n", PROG);
		return 2;
	}
	if (read_info(argv[1], &rank, &y.level, &pid))
		return 2;
	snprintf(path, sizeof(path), "%s/ASCEND_PROFILER_OUTPUT/trace_view.json", argv[1]);
	root = json_load_file(path, 0, &jerr);
	if (!root || !json_is_array(root)) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", PROG, path, jerr.text);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/ASCEND_PROFILER_OUTPUT/kernel_details.csv", argv[1]);
	if (ap_rtc__load_csv(path, &y.kd))
		goto out;
	snprintf(path, sizeof(path), "%s/ASCEND_PROFILER_OUTPUT/communication.json", argv[1]);
	y.comm = json_load_file(path, 0, NULL); /* optional: Level0 writes none */
	ap_rtc__load_lanes(&y.L, root);
	bump = ap_rtc__xrealloc(NULL, (y.L.napi + 1) * sizeof(*bump));
	memset(bump, 0, (y.L.napi + 1) * sizeof(*bump));
	for (size_t i = 0; i < y.L.nhw; i++)
		first = y.L.hw[i].s < first ? y.L.hw[i].s : first;
	y.o = stdout;
	fprintf(y.o, "# written by rt-cann from %s (a real run, read in place; not part of the project)\n", argv[1]);
	fprintf(y.o, "dump %s\nrank %d\ngen 3\nactivities CPU NPU\nlevel %s\n", argv[2], rank, lvname[y.level]);
	fprintf(y.o, "syscnt 0\nend_info %" PRId64 " 0\n", (int64_t)RT_CANN_OFFSET_D);
	fprintf(y.o, "prof PROF_000001_20250109000000000_RTCANNAAAAAAAAAA chip=910B level=l%d\n", y.level);
	/* the device reference 1 s before the first device task: upstream converts |cnt - ref| / freq
	 * through a double rounded to 6 decimals of a µs (§3.6, ap/cann_clock.h), exact only while the
	 * difference stays small, as it does in a real capture */
	fprintf(y.o, "prof_host freq=1000\nprof_device 0 hwts_freq=1000 host_mono=%" PRId64
		" host_cnt=0 cnt_diff=0 dev_cnt=1000000000 dev_mono=%" PRId64 "\n",
		first - RT_CANN_OFFSET_D - 1000000000, first - RT_CANN_OFFSET_D - 1000000000);
	for (size_t r = 1; r < y.kd.n; r++) {
		const char *core = ap_rtc__fld(&y.kd, r, ap_rtc__col(&y.kd, "Accelerator Core"));

		y.rows++;
		if (!strcmp(core, "HCCL") || !strcmp(core, "COMMUNICATION"))
			hccl_row(&y, r);
		else
			kernel_row(&y, r);
	}
	for (size_t i = 0; i < y.L.nhw; i++) {
		y.hw_total++;
		if (!y.L.hw[i].used)
			runtime_task(&y, &y.L.hw[i], bump);
	}
	write_apis(&y);
	free(bump);
	fprintf(stderr,
		"%s: level %d rank %d: kernel_details rows %lu (kernels %lu, HCCL ops %lu with %lu small tasks and %lu hccl_info, "
		"rows whose edges differ from their small tasks' %lu); device events %lu; runtime tasks linked to an API %lu, outside APIs %lu; "
		"of them sharing an earlier task's flow %lu; api_event %lu (+ %lu launches from the chains); not placed %lu\n",
		PROG, y.level, rank, y.rows, y.kernels, y.hccl_ops, y.hccl_small, y.hccl_infos, y.hccl_adjusted, y.hw_total,
		y.rt_flow, y.rt_outside, y.rt_shared, y.api, y.kernels + y.hccl_ops, ap_rtc__failures());
	ret = ap_rtc__failures() ? 1 : 0;
out:
	ap_rtc__free_lanes(&y.L);
	ap_rtc__free_csv(&y.kd);
	json_decref(y.comm);
	json_decref(root);
	return ret;
}
