/* The raw join's view formatted as msprof's exported tables (ap/cann_tables.h): op_summary and
 * task_time (op_statistic and api_statistic: w_cann_stats.c). Each rule names its upstream
 * source (Ascend/msprof, analysis/): see man/ascprof-outputs.5. */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_tables.h"
#include "w_cann_local.h"
#include "../base/banned.h"

/* ---- op_summary: op_summary_assembler.cpp ---------------------------------------------- */

static const char *const op_summary_cols[] = {
	"Device_id", "Model ID", "Task ID", "Stream ID", "Op Name", "OP Type", "OP State",
	"Task Type", "Task Start Time(us)", "Task Duration(us)", "Task Wait Time(us)",
	"Block Num", "Mix Block Num", "HF32 Eligible", "Input Shapes", "Input Data Types",
	"Input Formats", "Output Shapes", "Output Data Types", "Output Formats", "Context ID",
};
#define COL_MIX_BLOCK 12
#define COL_CONTEXT 20
#define OP_SUMMARY_NCOLS (sizeof(op_summary_cols) / sizeof(op_summary_cols[0]))

struct op_key {
	const struct ap_cann_op_row *op;
	uint32_t idx;
	char dev[12];
	char start[KEYLEN];
};

static int cmp_op_key(const void *pa, const void *pb);

/* The rows' order (op_summary, task_time) as upstream sorts their texts: by radix passes over
 * the np integer keys key(ctx, i, p) when every start has the same width (the texts then compare
 * as the numbers) and there are at most 64 devices (ctx.dev: their text ranks), else by cmp.
 * start[i] and devs[i] belong to keys[i]. Returns 0 or AP_ENOMEM. */
struct text_order {
	const void *keys;
	const uint32_t *dev;
};

static int sort_text_order(void *keys, size_t n, size_t sz, const int64_t **start,
			   const uint32_t *devs, int np,
			   int64_t (*key)(const void *ctx, size_t i, int p),
			   int (*cmp)(const void *, const void *))
{
	uint32_t *rank = malloc(n * sizeof(*rank)), *order = malloc(n * sizeof(*order));
	struct text_order c;
	int ret = AP_ENOMEM;

	if (!rank || !order)
		goto out;
	if (!uniform_starts(start, n) || dev_ranks(devs, n, rank) < 0) {
		qsort(keys, n, sz, cmp);
		ret = 0;
		goto out;
	}
	c.keys = keys;
	c.dev = rank;
	if (radix_order(n, np, key, &c, order) < 0 || permute(keys, n, sz, order) < 0)
		goto out;
	ret = 0;
out:
	free(rank);
	free(order);
	return ret;
}

/* cmp_op_key's order as integer keys, least significant first */
static int64_t op_sort_key(const void *ctx, size_t i, int p)
{
	const struct text_order *c = ctx;
	const struct ap_cann_op_row *op = ((const struct op_key *)c->keys)[i].op;

	switch (p) {
	case 0: return op->end;
	case 1: return op->context_id;
	case 2: return op->task_id;
	case 3: return op->stream_id;
	case 4: return is_comm(op);
	case 5: return op->start;
	default: return c->dev[i];
	}
}

/* Sorts keys as cmp_op_key does. Returns 0 or AP_ENOMEM. */
static int sort_op_keys(struct op_key *keys, size_t n)
{
	const int64_t **st = malloc(n * sizeof(*st));
	uint32_t *devs = malloc(n * sizeof(*devs));
	size_t i;
	int ret = AP_ENOMEM;

	if (st && devs) {
		for (i = 0; i < n; i++) {
			st[i] = &keys[i].op->start;
			devs[i] = keys[i].op->device_id;
		}
		ret = sort_text_order(keys, n, sizeof(*keys), st, devs, 7, op_sort_key, cmp_op_key);
	}
	free(st);
	free(devs);
	return ret;
}

static int cmp_op_key(const void *pa, const void *pb)
{
	const struct op_key *a = pa, *b = pb;
	int c;

	/* upstream: std::sort on (Device_id text, Task Start Time text); the rest is ours */
	if ((c = strcmp(a->dev, b->dev)) || (c = strcmp(a->start, b->start)))
		return c;
	if ((c = is_comm(a->op) - is_comm(b->op)) || (c = cmp_u64(a->op->stream_id, b->op->stream_id)) ||
	    (c = cmp_u64(a->op->task_id, b->op->task_id)) ||
	    (c = cmp_u64(a->op->context_id, b->op->context_id)) || (c = cmp_i64(a->op->end, b->op->end)))
		return c;
	return cmp_u64(a->idx, b->idx);
}

/* Compute tasks op_summary leaves out (INVALID_TASK_TYPE of op_summary_assembler.cpp). */
static int op_summary_skips(const struct ap_cann_view *v, const struct ap_cann_op_row *op)
{
	const char *t = ap_strtab_get(&v->strs, op->task_type);

	if (is_comm(op) || !t)
		return 0;
	if (!strcmp(t, "COMMUNICATION"))
		return !ends_with(str_or_na(v, op->name), "AivKernel");
	return !strcmp(t, "WRITE_BACK") || !strcmp(t, "INVALID") || !strcmp(t, "HCCL_AI_CPU");
}

static const char *op_state_text(uint8_t s)
{
	return s == AP_CANN_STATIC ? "static" : s == AP_CANN_DYNAMIC ? "dynamic" : NA;
}

static const char *hf32_text(uint8_t h)
{
	return h == AP_CANN_HF32_YES ? "YES" : h == AP_CANN_HF32_NO ? "NO" : NA;
}

/* The 6-decimal wait text (std::to_string of a double, "%f") of an exact ns count. */
static void put_wait(struct row *r, uint64_t wait_ns)
{
	char *b = next_buf(r);
	size_t n = ap_fmt_u64_us3(b, wait_ns);

	memcpy(b + n, "000", 4);
	put_n(r, b, n + 3);
}

static void op_summary_row(struct row *r, const struct ap_cann_view *v, const struct op_key *k,
			   const struct op_key *prev)
{
	const struct ap_cann_op_row *op = k->op;
	char *start = next_buf(r);
	size_t n = strlen(k->start);
	unsigned i;

	put(r, k->dev);
	put_u64(r, op->model_id);
	if (is_comm(op)) {
		put(r, NA);
		put(r, NA);
	} else {
		put_u64(r, op->task_id);
		put_u64(r, op->stream_id);
	}
	put(r, str_or_na(v, op->name));
	put(r, str_or_na(v, op->op_type));
	put(r, is_comm(op) ? NA : op_state_text(op->op_state));
	put(r, is_comm(op) ? "COMMUNICATION" : str_or_na(v, op->task_type));
	memcpy(start, k->start, n);
	memcpy(start + n, "\t", 2); /* WriteToFile appends the TAB after the sort */
	put_n(r, start, n + 1);
	{
		char *b = next_buf(r);

		put_n(r, b, ap_fmt_u64_us3(b, dur_u64(op->start, op->end)));
	}
	if (!prev) {
		put(r, "0");
	} else {
		uint64_t s = (uint64_t)op->start, ps = (uint64_t)prev->op->start;
		uint64_t pd = dur_u64(prev->op->start, prev->op->end), gap = s > ps ? s - ps : 0;

		put_wait(r, gap > pd ? gap - pd : 0);
	}
	if (is_comm(op)) {
		put(r, "0");
		for (i = 0; i < 9; i++)
			put(r, NA);
	} else {
		put_u64(r, op->block_num);
		put_u64(r, op->mix_block_num);
		put(r, hf32_text(op->hf32));
		put(r, str_or_na(v, op->in_shapes));
		put(r, str_or_na(v, op->in_dtypes));
		put(r, str_or_na(v, op->in_formats));
		put(r, str_or_na(v, op->out_shapes));
		put(r, str_or_na(v, op->out_dtypes));
		put(r, str_or_na(v, op->out_formats));
		if (op->context_id == AP_CANN_NO_CTX)
			put(r, NA);
		else
			put_u64(r, op->context_id);
	}
	if (!v->stars) { /* GetMaskCols: the STARS-only columns are dropped */
		drop_col(r, COL_CONTEXT);
		drop_col(r, COL_MIX_BLOCK);
	}
}

int ap_cann_tabulate_op_summary(struct ap_csv_table *out, const struct ap_cann_view *v,
				struct ap_err *err)
{
	const char *cols[OP_SUMMARY_NCOLS];
	struct op_key *keys = NULL;
	struct row r;
	size_t i, n = 0, ncols = 0;
	int rc;

	for (i = 0; i < OP_SUMMARY_NCOLS; i++)
		if (v->stars || (i != COL_MIX_BLOCK && i != COL_CONTEXT))
			cols[ncols++] = op_summary_cols[i];
	rc = start_table(out, cols, ncols, "op_summary", err);
	if (rc < 0)
		return rc;
	if (v->ops.n) {
		keys = malloc(v->ops.n * sizeof(*keys));
		AP_RETURN_ERROR_IF(!keys, err, AP_ENOMEM, "op_summary: %zu rows", v->ops.n);
	}
	for (i = 0; i < v->ops.n; i++) {
		const struct ap_cann_op_row *op = &v->ops.v[i];

		if (op_summary_skips(v, op))
			continue;
		keys[n].op = op;
		keys[n].idx = (uint32_t)i;
		ap_fmt_u64(keys[n].dev, op->device_id);
		ap_fmt_u64_us3(keys[n].start, (uint64_t)op->start);
		n++;
	}
	if (n > 1) {
		rc = sort_op_keys(keys, n);
		if (rc < 0) {
			free(keys);
			return ap_err_set(err, AP_ENOMEM, "op_summary: out of memory for %zu rows", n);
		}
	}
	r.n = r.nbuf = 0;
	for (i = 0; i < n; i++) {
		op_summary_row(&r, v, &keys[i], i ? &keys[i - 1] : NULL);
		rc = add_row(out, &r, "op_summary", err);
		if (rc < 0)
			break;
	}
	free(keys);
	return rc;
}

/* ---- task_time: task_time_assembler.cpp ------------------------------------------------ */

struct task_key {
	const struct ap_cann_task_row *task;
	uint32_t idx;
	char dev[12];
	char start[KEYLEN]; /* with the TAB, as sortRes compares it */
};

static int cmp_task_key(const void *pa, const void *pb)
{
	const struct task_key *a = pa, *b = pb;
	int c;

	/* sortRes: both branches of its comparator compare task_start(us) only */
	if ((c = strcmp(a->start, b->start)) || (c = strcmp(a->dev, b->dev)) ||
	    (c = cmp_u64(a->task->stream_id, b->task->stream_id)) ||
	    (c = cmp_u64(a->task->task_id, b->task->task_id)) || (c = cmp_i64(a->task->end, b->task->end)))
		return c;
	return cmp_u64(a->idx, b->idx);
}

/* cmp_task_key's order as integer keys, least significant first */
static int64_t task_sort_key(const void *ctx, size_t i, int p)
{
	const struct text_order *c = ctx;
	const struct ap_cann_task_row *t = ((const struct task_key *)c->keys)[i].task;

	switch (p) {
	case 0: return t->end;
	case 1: return t->task_id;
	case 2: return t->stream_id;
	case 3: return c->dev[i];
	default: return t->start;
	}
}

/* Sorts keys as cmp_task_key does. Returns 0 or AP_ENOMEM. */
static int sort_task_keys(struct task_key *keys, size_t n)
{
	const int64_t **st = malloc(n * sizeof(*st));
	uint32_t *devs = malloc(n * sizeof(*devs));
	size_t i;
	int ret = AP_ENOMEM;

	if (st && devs) {
		for (i = 0; i < n; i++) {
			st[i] = &keys[i].task->start;
			devs[i] = keys[i].task->device_id;
		}
		ret = sort_text_order(keys, n, sizeof(*keys), st, devs, 5, task_sort_key, cmp_task_key);
	}
	free(st);
	free(devs);
	return ret;
}

static void task_row(struct row *r, const struct ap_cann_view *v, const struct task_key *k)
{
	const struct ap_cann_task_row *t = k->task;
	char *b;
	size_t n;

	put(r, k->dev);
	put(r, str_or_na(v, t->kernel_name));
	put(r, str_or_na(v, t->kernel_type));
	put_u64(r, (uint16_t)t->stream_id); /* TaskId::streamId is a uint16_t */
	put_u64(r, t->task_id);
	b = next_buf(r);
	put_n(r, b, ap_fmt_u64_us3(b, t->dur));
	put(r, k->start);
	b = next_buf(r);
	n = ap_fmt_u64_us3(b, (uint64_t)t->end);
	memcpy(b + n, "\t", 2);
	put_n(r, b, n + 1);
}

/* The rows of v->tasks by (stream, task, batch), for FilterAscendTaskData. */
static int cmp_group(const void *pa, const void *pb)
{
	const struct ap_cann_task_row *a = *(const struct ap_cann_task_row *const *)pa;
	const struct ap_cann_task_row *b = *(const struct ap_cann_task_row *const *)pb;

	if (a->stream_id != b->stream_id)
		return a->stream_id < b->stream_id ? -1 : 1;
	if (a->task_id != b->task_id)
		return a->task_id < b->task_id ? -1 : 1;
	if (a->batch != b->batch)
		return a->batch < b->batch ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* FilterAscendTaskData (task_time_assembler.cpp): rows sharing (stream, task, batch) whatever
 * their device are one group; a group holding context 0 (a MIX kernel's subtask beside its SQ
 * task) keeps only its context-0 rows, any other group every row. keep[i] says whether
 * v->tasks.v[i] stays. Returns 0 or AP_ENOMEM. */
static int task_filter(const struct ap_cann_view *v, uint8_t *keep)
{
	const struct ap_cann_task_row **o = malloc(v->tasks.n * sizeof(*o));
	size_t i, j;

	if (!o)
		return AP_ENOMEM;
	for (i = 0; i < v->tasks.n; i++)
		o[i] = &v->tasks.v[i];
	qsort(o, v->tasks.n, sizeof(*o), cmp_group);
	for (i = 0; i < v->tasks.n; i = j) {
		int mix = 0;
		size_t k;

		for (j = i + 1; j < v->tasks.n && o[j]->stream_id == o[i]->stream_id &&
				o[j]->task_id == o[i]->task_id && o[j]->batch == o[i]->batch;
		     j++)
			;
		for (k = i; k < j; k++)
			mix |= o[k]->context_id == 0;
		for (k = i; k < j; k++)
			keep[o[k] - v->tasks.v] = j - i == 1 || !mix || o[k]->context_id == 0;
	}
	free(o);
	return 0;
}

int ap_cann_tabulate_task_time(struct ap_csv_table *out, const struct ap_cann_view *v,
			       struct ap_err *err)
{
	static const char *const cols[] = {
		"Device_id", "kernel_name", "kernel_type", "stream_id", "task_id",
		"task_time(us)", "task_start(us)", "task_stop(us)",
	};
	struct task_key *keys;
	struct row r;
	uint8_t *keep;
	size_t i, nk = 0;
	int rc;

	rc = start_table(out, cols, sizeof(cols) / sizeof(cols[0]), "task_time", err);
	if (rc < 0 || !v->tasks.n)
		return rc;
	keys = malloc(v->tasks.n * sizeof(*keys));
	keep = malloc(v->tasks.n);
	if (!keys || !keep || task_filter(v, keep) < 0) {
		free(keys);
		free(keep);
		return ap_err_set(err, AP_ENOMEM, "task_time: out of memory for %zu rows", v->tasks.n);
	}
	for (i = 0; i < v->tasks.n; i++) {
		size_t n;

		if (!keep[i])
			continue;
		keys[nk].task = &v->tasks.v[i];
		keys[nk].idx = (uint32_t)i;
		ap_fmt_u64(keys[nk].dev, keys[nk].task->device_id);
		n = ap_fmt_u64_us3(keys[nk].start, (uint64_t)keys[nk].task->start);
		memcpy(keys[nk].start + n, "\t", 2);
		nk++;
	}
	free(keep);
	if (nk > 1 && sort_task_keys(keys, nk) < 0) {
		free(keys);
		return ap_err_set(err, AP_ENOMEM, "task_time: out of memory for %zu rows", nk);
	}
	r.n = r.nbuf = 0;
	for (i = 0; i < nk; i++) {
		task_row(&r, v, &keys[i]);
		rc = add_row(out, &r, "task_time", err);
		if (rc < 0)
			break;
	}
	free(keys);
	return rc;
}
