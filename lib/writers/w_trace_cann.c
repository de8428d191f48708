/* trace_view.json, CANN part (spec torch_npu_ascend_pt.md §6.4, §8.1 "CANN part", §10 Level0
 * pruning; upstream msprof cann_assembler.cpp, ascend_hardware_assembler.cpp,
 * hccl_assembler.cpp, trace_event.cpp, read for facts): the CANN lane (API levels), the
 * Ascend Hardware lanes (per device, one thread per stream), the Communication lanes (HCCL ops
 * per group, small tasks per plane) and the HostToDevice flows, from the CANN join's view.
 * Appended by ap_write_trace_view to the same streamed array, with the Overlap Analysis lanes
 * of ap/overlap.h (overlap_analysis_assembler.cpp). Not yet: the sampling lanes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_host.h"
#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/overlap.h"
#include "ap/sort.h"
#include "w_trace_local.h"
#include "../base/banned.h"

#define LIT(o, s) ap_out_write((o), (s), sizeof(s) - 1)

/* msprof's layer sort indices (json_constant.h / §6.4 layer table) and host device id. */
#define SORT_CANN 7
#define SORT_HARDWARE 14
#define SORT_COMM 16
#define SORT_OVERLAP 31
#define HOST_DEV 31

struct tc {
	struct ap_out *o;
	int *first;
	const struct ap_cann_view *v;
	struct ap_tv_fend *ends; /* NULL or one per flow */
	struct ap_esc_cache str;
	uint64_t pid;   /* the profiled process id */
	int level0;
};

static void elem(struct tc *c)
{
	if (*c->first)
		*c->first = 0;
	else
		LIT(c->o, ", ");
}

static uint64_t fmt_pid(const struct tc *c, unsigned sort, unsigned dev)
{
	return (c->pid << 10) | ((uint64_t)sort << 5) | (dev & 31u);
}

static void sid(struct tc *c, uint32_t id)
{
	if (id == AP_STR_NONE)
		LIT(c->o, "\"N/A\"");
	else
		ap_out_str_id(c->o, &c->str, id);
}

static void num(struct tc *c, uint64_t v)
{
	ap_json_u64(c->o, v);
}

static void dbl(struct tc *c, double x)
{
	char b[AP_FMT_MAX];

	ap_out_write(c->o, b, ap_fmt_double(b, x));
}

static void ts(struct tc *c, int64_t ns)
{
	char b[AP_FMT_MAX + 2];
	size_t n;

	b[0] = '"';
	n = 1 + ap_fmt_ns_us3(b + 1, ns);
	b[n++] = '"';
	ap_out_write(c->o, b, n);
}

/* "pid": P, "tid": T */
static void pid_tid(struct tc *c, uint64_t pid, uint64_t tid)
{
	LIT(c->o, "\"pid\": ");
	num(c, pid);
	LIT(c->o, ", \"tid\": ");
	num(c, tid);
}

static void meta(struct tc *c, const char *what, uint64_t pid, uint64_t tid, const char *key,
		 const char *sval, uint64_t nval)
{
	elem(c);
	LIT(c->o, "{\"name\": \"");
	ap_out_puts(c->o, what);
	LIT(c->o, "\", ");
	pid_tid(c, pid, tid);
	LIT(c->o, ", \"ph\": \"M\", \"args\": {\"");
	ap_out_puts(c->o, key);
	LIT(c->o, "\": ");
	if (sval)
		ap_json_str(c->o, sval, strlen(sval));
	else
		num(c, nval);
	LIT(c->o, "}}");
}

/* process_name / process_labels / process_sort_index. At Level0 torch_npu drops the events
 * whose args.name is one of its pruned words: the CANN process name (§8.1). */
static void process(struct tc *c, uint64_t pid, const char *name, const char *label, unsigned sort)
{
	if (!(c->level0 && !strcmp(name, "CANN")))
		meta(c, "process_name", pid, 0, "name", name, 0);
	meta(c, "process_labels", pid, 0, "labels", label, 0);
	meta(c, "process_sort_index", pid, 0, "sort_index", NULL, sort);
}

static void thread(struct tc *c, uint64_t pid, uint64_t tid, const char *name, uint64_t sort)
{
	meta(c, "thread_name", pid, tid, "name", name, 0);
	meta(c, "thread_sort_index", pid, tid, "sort_index", NULL, sort);
}

/* {"name": N, "pid": P, "tid": T, "ts": S, "dur": D, "ph": "X", "args": { — args next. The
 * caller wrote elem and the name's opening. */
static void x_rest(struct tc *c, uint64_t pid, uint64_t tid, int64_t start, int64_t end)
{
	char b[AP_FMT_MAX];

	LIT(c->o, ", ");
	pid_tid(c, pid, tid);
	LIT(c->o, ", \"ts\": ");
	ts(c, start);
	LIT(c->o, ", \"dur\": ");
	ap_out_write(c->o, b, ap_fmt_ns_us_float(b, end - start));
	LIT(c->o, ", \"ph\": \"X\", \"args\": {");
}

/* A HostToDevice flow end point (trace_event.cpp FlowEvent). */
static void flow(struct tc *c, char ph, uint64_t id, uint64_t pid, uint64_t tid, int64_t at)
{
	char b[AP_FMT_MAX];
	size_t n = ap_fmt_u64(b, id);

	elem(c);
	LIT(c->o, "{\"name\": \"HostToDevice");
	ap_out_write(c->o, b, n);
	LIT(c->o, "\", ");
	pid_tid(c, pid, tid);
	LIT(c->o, ", \"ph\": \"");
	ap_out_putc(c->o, ph);
	LIT(c->o, "\", \"cat\": \"HostToDevice\", \"id\": \"");
	ap_out_write(c->o, b, n);
	LIT(c->o, "\", \"ts\": ");
	ts(c, at);
	if (ph == 'f')
		LIT(c->o, ", \"bp\": \"e\"");
	ap_out_putc(c->o, '}');
}

/* The 's' on the CANN lane and the 'f' at (pid, tid, at) of flow f. */
static void flow_pair(struct tc *c, uint32_t f, uint64_t pid, uint64_t tid, int64_t at)
{
	const struct ap_cann_flow *fl;

	if (f == AP_CANN_NO_CONN || f >= c->v->flows.n || !c->v->flows.v[f].used)
		return;
	fl = &c->v->flows.v[f];
	flow(c, 's', fl->id, fmt_pid(c, SORT_CANN, HOST_DEV), fl->tid, fl->ts);
	flow(c, 'f', fl->id, pid, tid, at);
	if (c->ends && (!c->ends[f].set || at < c->ends[f].ts)) {
		c->ends[f].ts = at;
		c->ends[f].pid = pid;
		c->ends[f].tid = tid;
		c->ends[f].set = 1;
	}
}

static const char *level_prefix(uint16_t level)
{
	switch (level) {
	case AP_CANN_LEVEL_ACL: return "AscendCL@";
	case AP_CANN_LEVEL_RUNTIME: return "Runtime@";
	case AP_CANN_LEVEL_MODEL: return "Model@";
	case AP_CANN_LEVEL_NODE: return "Node@";
	case AP_CANN_LEVEL_HCCL: return "Communication@";
	default: return "Api@";
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The distinct values of v[0..n) sorted in place; returns how many. */
static size_t uniq(uint64_t *v, size_t n)
{
	size_t i, k = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* The CANN lane (cann_assembler.cpp): metadata, one X per API, pruned at Level0. */
static int cann_lane(struct tc *c)
{
	const struct ap_cann_view *v = c->v;
	uint64_t pid = fmt_pid(c, SORT_CANN, HOST_DEV), *tids;
	size_t i, n;
	char name[AP_FMT_MAX + 8];

	if (!v->apis.n)
		return 0;
	tids = malloc(v->apis.n * sizeof(*tids));
	if (!tids)
		return AP_ENOMEM;
	for (i = 0; i < v->apis.n; i++)
		tids[i] = v->apis.v[i].tid;
	n = uniq(tids, v->apis.n);
	process(c, pid, "CANN", "CPU", SORT_CANN);
	for (i = 0; i < n; i++) {
		memcpy(name, "Thread ", 7);
		name[7 + ap_fmt_u64(name + 7, tids[i])] = '\0';
		thread(c, pid, tids[i], name, tids[i]);
	}
	free(tids);
	for (i = 0; i < v->apis.n && !c->level0; i++) {
		const struct ap_cann_api_row *a = &v->apis.v[i];
		const char *enc;
		size_t len;

		elem(c);
		LIT(c->o, "{\"name\": \"");
		ap_out_puts(c->o, level_prefix(a->raw_level));
		enc = ap_esc_cache_get(&c->str, a->name, &len);
		if (!enc)
			return AP_ENOMEM;
		ap_out_write(c->o, enc + 1, len - 1); /* the name's JSON string without its quote */
		x_rest(c, pid, a->tid, a->start, a->end);
		LIT(c->o, "\"Thread Id\": ");
		num(c, a->tid);
		LIT(c->o, ", \"Mode\": ");
		sid(c, a->mode);
		LIT(c->o, ", \"level\": ");
		sid(c, a->level);
		LIT(c->o, ", \"id\": ");
		sid(c, a->id);
		LIT(c->o, ", \"item_id\": ");
		sid(c, a->item);
		LIT(c->o, ", \"connection_id\": ");
		num(c, a->conn);
		LIT(c->o, "}}");
	}
	return 0;
}

/* (stream, batch, task) of a device task as one sortable number. */
static uint64_t task_key(const struct ap_cann_task_row *t)
{
	return (uint64_t)(t->stream_id & 0xFFFFu) << 48 | (uint64_t)(t->batch & 0xFFFFu) << 32 |
	       t->task_id;
}

static int has_key(const uint64_t *v, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == key;
}

/* The Ascend Hardware lane of device dev (ascend_hardware_assembler.cpp): one thread per
 * stream, one X per device task, each with its HostToDevice flow. The SQ-level task of a
 * (stream, batch, task) that also ran as context subtasks (MIX kernels) is hidden, as the
 * assembler hides it (cann_prof_raw §3.1.4). A device task without a host task has the
 * association's connection id -1 (ascend_task_association.cpp DEFAULT_CONNECTION_ID, an int64_t
 * column), which the C++ engine reads back into a uint64_t (task_processor.h, AscendTaskData) and
 * prints unsigned: 18446744073709551615 (the Python engine prints -1). */
static int hardware_lane(struct tc *c, uint32_t dev, uint64_t *scratch, uint64_t *ctxs)
{
	const struct ap_cann_view *v = c->v;
	uint64_t pid = fmt_pid(c, SORT_HARDWARE, dev);
	size_t i, n = 0, nctx = 0;
	char name[AP_FMT_MAX + 8];

	for (i = 0; i < v->tasks.n; i++)
		if (v->tasks.v[i].device_id == dev)
			scratch[n++] = v->tasks.v[i].stream_id;
	if (!n)
		return 0;
	n = uniq(scratch, n);
	for (i = 0; i < v->tasks.n; i++)
		if (v->tasks.v[i].device_id == dev && v->tasks.v[i].context_id != AP_CANN_NO_CTX)
			ctxs[nctx++] = task_key(&v->tasks.v[i]);
	nctx = uniq(ctxs, nctx);
	memcpy(name, "NPU ", 4);
	name[4 + ap_fmt_u64(name + 4, dev)] = '\0';
	process(c, pid, "Ascend Hardware", name, SORT_HARDWARE);
	for (i = 0; i < n; i++) {
		memcpy(name, "Stream ", 7);
		name[7 + ap_fmt_u64(name + 7, scratch[i])] = '\0';
		thread(c, pid, scratch[i], name, scratch[i]);
	}
	for (i = 0; i < v->tasks.n; i++) {
		const struct ap_cann_task_row *t = &v->tasks.v[i];

		if (t->device_id != dev ||
		    (t->context_id == AP_CANN_NO_CTX && has_key(ctxs, nctx, task_key(t))))
			continue;
		elem(c);
		LIT(c->o, "{\"name\": ");
		sid(c, t->name);
		x_rest(c, pid, t->stream_id, t->start, t->end);
		LIT(c->o, "\"Model Id\": ");
		num(c, t->model_id);
		LIT(c->o, ", \"Task Type\": ");
		sid(c, t->kernel_type);
		LIT(c->o, ", \"Physic Stream Id\": ");
		num(c, t->stream_id);
		LIT(c->o, ", \"Task Id\": ");
		num(c, t->task_id);
		LIT(c->o, ", \"Batch Id\": ");
		num(c, t->batch);
		LIT(c->o, ", \"Subtask Id\": ");
		num(c, t->context_id);
		LIT(c->o, ", \"connection_id\": ");
		if (t->conn == AP_CANN_NO_CONN) /* the association's -1 as the uint64_t it is read into */
			LIT(c->o, "18446744073709551615");
		else
			num(c, t->conn);
		LIT(c->o, "}}");
		flow_pair(c, t->flow, pid, t->stream_id, t->start);
	}
	return 0;
}

/* HCCL enums (cann_prof_raw §4 ENUM_HCCL_*): a name, or NULL for a value no table holds. */
static const char *hccl_dtype(uint32_t v)
{
	static const char *const t[] = { "INT8", "INT16", "INT32", "FP16", "FP32", "INT64",
					 "UINT64", "UINT8", "UINT16", "UINT32", "FP64", "BFP16",
					 "INT128", NULL, "HIF8", "FP8E4M3", "FP8E5M2", "FP8E8M0" };

	if (v < sizeof(t) / sizeof(t[0]))
		return t[v];
	return v == 255 ? "RESERVED" : v == 65534 ? "N/A" : v == 65535 ? "INVALID_TYPE" : NULL;
}

static const char *hccl_link(uint32_t v)
{
	static const char *const t[] = { "ON_CHIP", "HCCS", "PCIE", "ROCE", "SIO",
					 "HCCS_SW", "STANDARD_ROCE", "UB", "UBoE" };

	if (v < sizeof(t) / sizeof(t[0]))
		return t[v];
	return v == 255 ? "RESERVED" : v == 65534 ? "N/A" : v == 65535 ? "INVALID_TYPE" : NULL;
}

static const char *hccl_transport(uint32_t v)
{
	static const char *const t[] = { "SDMA", "RDMA", "LOCAL", "UB", "ROCE" };

	if (v < sizeof(t) / sizeof(t[0]))
		return t[v];
	return v == 255 ? "RESERVED" : v == 65534 ? "N/A" : v == 65535 ? "INVALID_TYPE" : NULL;
}

static void enum_str(struct tc *c, const char *s, uint32_t v)
{
	if (s) {
		ap_json_str(c->o, s, strlen(s));
	} else {
		ap_out_putc(c->o, '"');
		num(c, v);
		ap_out_putc(c->o, '"');
	}
}

/* The Communication lane of device dev (hccl_assembler.cpp): per group, a thread with its ops
 * ("Group {name} Communication", "Communication" without a group) and "Plane {n}" threads with
 * its small tasks but the hidden ones (ap_tv__comm_layout); sort index = tid. */
static int comm_lane(struct tc *c, uint32_t dev)
{
	const struct ap_cann_view *v = c->v;
	uint64_t pid = fmt_pid(c, SORT_COMM, dev);
	size_t i, k, r;
	struct ap_tv_comm_layout l;
	char name[AP_FMT_MAX + 8];

	if (ap_tv__comm_layout(v, dev, &l) < 0)
		return AP_ENOMEM;
	if (!l.ng) {
		free(l.grp);
		return 0;
	}
	memcpy(name, "NPU ", 4);
	name[4 + ap_fmt_u64(name + 4, dev)] = '\0';
	process(c, pid, "Communication", name, SORT_COMM);
	for (r = 0, k = 0; r < l.ng; r++) {
		uint32_t g = (uint32_t)l.order[r];
		const char *gs = g == AP_STR_NONE ? NULL : ap_strtab_get(&v->strs, g);
		struct ap_strbuf b = AP_STRBUF_INIT;

		if (gs && strcmp(gs, "N/A"))
			ap_strbuf_addf(&b, "Group %s Communication", gs);
		else
			ap_strbuf_addstr(&b, "Communication");
		if (b.failed) {
			free(l.grp);
			return AP_ENOMEM;
		}
		thread(c, pid, l.start[r], b.buf, l.start[r]);
		ap_strbuf_release(&b);
		for (; k < l.np && l.pl[k] >> 32 == r; k++) {
			uint64_t tid = l.start[r] + (l.pl[k] & 0xFFFFFFFFu) + 1;

			memcpy(name, "Plane ", 6);
			name[6 + ap_fmt_u64(name + 6, l.pl[k] & 0xFFFFFFFFu)] = '\0';
			thread(c, pid, tid, name, tid);
		}
	}
	for (i = 0; i < v->comm_ops.n; i++) {
		const struct ap_cann_comm_op *o = &v->comm_ops.v[i];

		if (o->device_id != dev)
			continue;
		k = l.start[ap_tv__comm_group_rank(&l, o->group)];
		elem(c);
		LIT(c->o, "{\"name\": ");
		sid(c, o->name);
		x_rest(c, pid, k, o->start, o->end);
		LIT(c->o, "\"rank_size\": ");
		num(c, o->rank_size);
		LIT(c->o, ", \"connection_id\": ");
		num(c, o->conn);
		LIT(c->o, ", \"model id\": ");
		num(c, o->model_id);
		LIT(c->o, ", \"data_type\": ");
		if (o->data_type == UINT32_MAX)
			LIT(c->o, "\"N/A\"");
		else
			enum_str(c, hccl_dtype(o->data_type), o->data_type);
		LIT(c->o, ", \"alg_type\": ");
		sid(c, o->alg_type);
		LIT(c->o, ", \"count\": ");
		num(c, o->count);
		LIT(c->o, ", \"relay\": ");
		num(c, o->relay);
		LIT(c->o, ", \"retry\": ");
		num(c, o->retry);
		LIT(c->o, "}}");
		flow_pair(c, o->flow, pid, k, o->start);
	}
	for (i = 0; i < v->hccl_tasks.n; i++) {
		const struct ap_cann_hccl_task *t = &v->hccl_tasks.v[i];

		if (t->device_id != dev || t->hidden)
			continue;
		k = l.start[ap_tv__comm_group_rank(&l, t->group)] + t->plane_id + 1;
		elem(c);
		LIT(c->o, "{\"name\": ");
		sid(c, t->name);
		x_rest(c, pid, k, t->start, t->end);
		LIT(c->o, "\"notify_id\": \"");
		num(c, t->notify_id);
		LIT(c->o, "\", \"duration estimated(us)\": ");
		dbl(c, t->dur_estimated);
		LIT(c->o, ", \"stream id\": ");
		num(c, t->stream_id);
		LIT(c->o, ", \"task id\": ");
		num(c, t->task_id);
		LIT(c->o, ", \"context id\": ");
		num(c, t->context_id);
		LIT(c->o, ", \"task type\": ");
		sid(c, t->name);
		LIT(c->o, ", \"src rank\": ");
		num(c, t->src_rank);
		LIT(c->o, ", \"dst rank\": ");
		num(c, t->dst_rank);
		LIT(c->o, ", \"transport type\": ");
		enum_str(c, hccl_transport(t->transport), t->transport);
		LIT(c->o, ", \"size(Byte)\": ");
		num(c, t->size);
		LIT(c->o, ", \"data type\": ");
		enum_str(c, hccl_dtype(t->data_type), t->data_type);
		LIT(c->o, ", \"link type\": ");
		enum_str(c, hccl_link(t->link_type), t->link_type);
		LIT(c->o, ", \"bandwidth(GB/s)\": ");
		dbl(c, t->bandwidth);
		LIT(c->o, ", \"model id\": ");
		num(c, t->model_id);
		LIT(c->o, "}}");
	}
	free(l.grp);
	return 0;
}

/* The "Overlap Analysis" process of device dev (§6.4; overlap_analysis_assembler.cpp): its
 * metadata, then the four threads (tid = kind, named as their events, sort index = tid), then
 * every interval as an X event with empty args, lane by lane in time order. */
static void overlap_lanes(struct tc *c, const struct ap_overlap_dev *od)
{
	uint64_t pid = fmt_pid(c, SORT_OVERLAP, od->device_id);
	char label[24];
	unsigned k;
	size_t i;

	snprintf(label, sizeof(label), "NPU %u", od->device_id);
	process(c, pid, "Overlap Analysis", label, SORT_OVERLAP);
	for (k = 0; k < AP_OVERLAP_KINDS; k++)
		thread(c, pid, k, ap_overlap_kind_name((enum ap_overlap_kind)k), k);
	for (k = 0; k < AP_OVERLAP_KINDS; k++) {
		const char *name = ap_overlap_kind_name((enum ap_overlap_kind)k);

		for (i = 0; i < od->lane[k].n; i++) {
			elem(c);
			LIT(c->o, "{\"name\": \"");
			ap_out_puts(c->o, name);
			LIT(c->o, "\"");
			x_rest(c, pid, k, od->lane[k].v[i].start, od->lane[k].v[i].end);
			LIT(c->o, "}}");
		}
	}
}

int ap_tv__cann(struct ap_out *o, int *first, const struct ap_cann_view *v,
		const struct ap_overlap *ov, int level0, struct ap_tv_fend *ends)
{
	struct tc c;
	uint64_t *devs = NULL, *scratch = NULL;
	size_t i, nd = 0, cap = v->tasks.n + v->comm_ops.n + v->hccl_tasks.n + 1;
	int ret = AP_ENOMEM;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.first = first;
	c.v = v;
	c.pid = v->pid < 0 ? 0 : (uint64_t)v->pid;
	c.level0 = level0;
	c.ends = ends;
	if (ap_esc_cache_init(&c.str, AP_ESC_JSON, &v->strs) < 0)
		return AP_ENOMEM;
	devs = malloc(2 * cap * sizeof(*devs)); /* the second half: hardware_lane's keys */
	scratch = malloc(cap * sizeof(*scratch));
	if (!devs || !scratch)
		goto out;
	for (i = 0; i < v->tasks.n; i++)
		devs[nd++] = v->tasks.v[i].device_id;
	for (i = 0; i < v->comm_ops.n; i++)
		devs[nd++] = v->comm_ops.v[i].device_id;
	for (i = 0; i < v->hccl_tasks.n; i++)
		devs[nd++] = v->hccl_tasks.v[i].device_id;
	nd = uniq(devs, nd);
	ret = cann_lane(&c);
	for (i = 0; i < nd && ret == 0; i++) {
		ret = hardware_lane(&c, (uint32_t)devs[i], scratch, devs + nd);
		if (ret == 0)
			ret = comm_lane(&c, (uint32_t)devs[i]);
	}
	for (i = 0; ov && i < ov->n && ret == 0; i++)
		overlap_lanes(&c, &ov->dev[i]);
out:
	free(devs);
	free(scratch);
	ap_esc_cache_release(&c.str);
	return ret;
}
