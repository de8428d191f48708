/*
 * rt_invert_ops.c — cpu_op X events → torch.op_range records (§3.3), enqueue / dequeue X events →
 * torch.op_mark start + end markers (§3.4), time-sorted so that §7.2's pairing rebuilds them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rt_invert_local.h"

/* §3.2 record type ids (FwkDataType) */
#define REC_OP_RANGE 1
#define REC_OP_MARK 2

/* §3.3 op_range: 58-byte fixed part (G3), TLV ids */
#define OP_RANGE_FIXED 58
#define OPR_NAME 2
#define OPR_INPUT_TYPE 3
#define OPR_INPUT_DIMS 4
#define OPR_CALL_STACK 8
#define OPR_MODULE_HIER 9
#define OPR_FLOPS 10

/* §3.4 op_mark: 40-byte fixed part, TLV 1 = name, categories */
#define OP_MARK_FIXED 40
#define OPM_NAME 1
#define MARK_ENQ_START 0
#define MARK_ENQ_END 1
#define MARK_DEQ_START 2
#define MARK_DEQ_END 3

/* Undo §8.1's ";" → ";\r\n" for Input Dims / Input type / Call stack. */
static char *undo_crlf(const char *s, size_t n, size_t *outn)
{
	char *d = ap_rt__xrealloc(NULL, n + 1);
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		d[j++] = s[i];
		if (s[i] == ';' && i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n')
			i += 2;
	}
	d[j] = '\0';
	*outn = j;
	return d;
}

struct arg_tlv {
	const char *key;
	unsigned id;
	int crlf; /* §8.1: ';' was expanded to ";\r\n" */
};

/* In TLV id order, which is the writer's order. */
static const struct arg_tlv op_args[] = {
	{ "Input type", OPR_INPUT_TYPE, 1 },
	{ "Input Dims", OPR_INPUT_DIMS, 1 },
	{ "Call stack", OPR_CALL_STACK, 1 },
	{ "Module Hierarchy", OPR_MODULE_HIER, 0 },
	{ "flops", OPR_FLOPS, 0 },
};

/* Every arg must be one op_range carries: Sequence number, Fwd thread id or a string of op_args. */
static int check_args(const json_t *args, size_t idx)
{
	const char *key;
	const json_t *val;

	json_object_foreach((json_t *)args, key, val) {
		int known = !strcmp(key, "Sequence number") || !strcmp(key, "Fwd thread id");

		for (size_t i = 0; i < sizeof(op_args) / sizeof(op_args[0]); i++)
			if (!strcmp(key, op_args[i].key)) {
				known = 1;
				if (!json_is_string(val)) {
					ap_rt__fail("cpu_op event %zu: arg '%s' is not a string", idx, key);
					return -1;
				}
			}
		if (!known) {
			ap_rt__fail("cpu_op event %zu: arg '%s' has no op_range field", idx, key);
			return -1;
		}
	}
	return 0;
}

/* The string args as TLV fields, in id order. */
static void put_args(struct ap_rt_buf *b, const json_t *args)
{
	for (size_t i = 0; i < sizeof(op_args) / sizeof(op_args[0]); i++) {
		const json_t *v = json_object_get(args, op_args[i].key);
		size_t n = 0;
		char *s;

		if (!v)
			continue;
		if (op_args[i].crlf) {
			s = undo_crlf(json_string_value(v), json_string_length(v), &n);
			put_tlv(b, op_args[i].id, s, n);
			free(s);
		} else {
			put_tlv(b, op_args[i].id, json_string_value(v), json_string_length(v));
		}
	}
}

int ap_rt__invert_cpu_op(struct ap_rt_buf *b, const json_t *ev, size_t idx)
{
	const json_t *args = json_object_get(ev, "args");
	const json_t *jname = json_object_get(ev, "name");
	json_int_t pid, tid, seq, fwd;
	int64_t start, end;
	size_t hdr;

	if (ap_rt__event_times(ev, "cpu_op", idx, &start, &end) < 0)
		return -1;
	if (!json_is_string(jname) || ap_rt__get_int(ev, "pid", &pid) < 0 || ap_rt__get_int(ev, "tid", &tid) < 0 ||
	    !json_is_object(args) || ap_rt__get_int(args, "Sequence number", &seq) < 0 ||
	    ap_rt__get_int(args, "Fwd thread id", &fwd) < 0) {
		ap_rt__fail("cpu_op event %zu: missing name/pid/tid/Sequence number/Fwd thread id", idx);
		return -1;
	}
	if (check_args(args, idx) < 0)
		return -1;

	hdr = begin_record(b, REC_OP_RANGE);
	put_i64(b, start - AP_RT_TIME_OFFSET_D);
	put_i64(b, end - AP_RT_TIME_OFFSET_D);
	put_i64(b, (int64_t)seq);
	put_u64(b, (uint64_t)pid);
	put_u64(b, (uint64_t)tid); /* start thread */
	put_u64(b, (uint64_t)tid); /* end thread (unused by analysis) */
	put_u64(b, (uint64_t)fwd);
	put_u8(b, 0); /* scope: FUNCTION */
	put_u8(b, 0); /* is_async */
	put_tlv(b, OPR_NAME, json_string_value(jname), json_string_length(jname));
	put_args(b, args);
	end_record(b, hdr);
	return 0;
}

/* ---- enqueue / dequeue → torch.op_mark ---- */

static void add_mark(struct ap_rt_queue *q, int64_t t, int order, unsigned cat, uint64_t corr,
		     uint64_t tid, uint64_t pid, const char *name, size_t name_len)
{
	AP_RT_GROW(q->v, q->n, q->cap);
	q->v[q->n] = (struct ap_rt_mark){ .time = t, .order = order, .seq = q->n, .category = cat,
					  .corr = corr, .tid = tid, .pid = pid, .name = name,
					  .name_len = name_len };
	q->n++;
}

/* One X event → start + end marker. §7.2 sorts markers by time (stably) and
 * pairs an end with the last start of the same (tid, name), so at equal times
 * the file must hold: ends of earlier events, then zero-length events (start
 * then end), then starts of later-ending events. */
static void add_marks(struct ap_rt_queue *q, int64_t start, int64_t end, unsigned cat_start,
		      uint64_t corr_start, uint64_t corr, uint64_t tid, uint64_t pid,
		      const char *name, size_t name_len)
{
	if (start == end) {
		add_mark(q, start, 1, cat_start, corr_start, tid, pid, name, name_len);
		add_mark(q, end, 1, cat_start + 1, corr, tid, pid, name, name_len);
	} else {
		add_mark(q, start, 2, cat_start, corr_start, tid, pid, name, name_len);
		add_mark(q, end, 0, cat_start + 1, corr, tid, pid, name, name_len);
	}
}

static int cmp_mark(const void *a, const void *b)
{
	const struct ap_rt_mark *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void ap_rt__queue_write(struct ap_rt_buf *b, struct ap_rt_queue *q)
{
	if (q->n)
		qsort(q->v, q->n, sizeof(*q->v), cmp_mark);
	for (size_t i = 0; i < q->n; i++) {
		const struct ap_rt_mark *k = &q->v[i];
		size_t hdr = begin_record(b, REC_OP_MARK);

		put_i64(b, k->time - AP_RT_TIME_OFFSET_D);
		put_u64(b, k->category);
		put_u64(b, k->corr);
		put_u64(b, k->tid);
		put_u64(b, k->pid);
		put_tlv(b, OPM_NAME, k->name, k->name_len);
		end_record(b, hdr);
	}
}

static int cmp_corr(const void *a, const void *b)
{
	const struct ap_rt_corr_name *x = a, *y = b;

	return x->corr < y->corr ? -1 : x->corr > y->corr;
}

/* Dequeue op names by correlation id: the enqueue markers need them (§7.2). */
void ap_rt__queue_collect_names(struct ap_rt_queue *q, const json_t *root)
{
	size_t i;
	const json_t *ev;

	json_array_foreach(root, i, ev) {
		const json_t *jn = json_object_get(ev, "name");
		json_int_t corr;

		if (!ap_rt__is_cat(ev, "dequeue") || !json_is_string(jn) ||
		    ap_rt__get_int(json_object_get(ev, "args"), "correlation_id", &corr) < 0 ||
		    strncmp(json_string_value(jn), "Dequeue@", 8))
			continue;
		AP_RT_GROW(q->deq, q->ndeq, q->cdeq);
		q->deq[q->ndeq++] = (struct ap_rt_corr_name){ .corr = (uint64_t)corr,
							      .name = json_string_value(jn) + 8,
							      .len = json_string_length(jn) - 8 };
	}
	if (q->ndeq)
		qsort(q->deq, q->ndeq, sizeof(*q->deq), cmp_corr);
}

/* enqueue / dequeue X event → two op_mark markers (§3.4, §7.2). */
void ap_rt__queue_add(struct ap_rt_queue *q, const json_t *ev, int is_deq, size_t idx)
{
	const char *cat = is_deq ? "dequeue" : "enqueue";
	const json_t *jn = json_object_get(ev, "name");
	json_int_t pid, tid, corr;
	int64_t start, end;
	const char *name;
	size_t len;

	if (ap_rt__event_times(ev, cat, idx, &start, &end) < 0)
		return;
	if (!json_is_string(jn) || ap_rt__get_int(ev, "pid", &pid) < 0 || ap_rt__get_int(ev, "tid", &tid) < 0 ||
	    ap_rt__get_int(json_object_get(ev, "args"), "correlation_id", &corr) < 0) {
		ap_rt__fail("%s event %zu: missing name/pid/tid/correlation_id", cat, idx);
		return;
	}
	name = json_string_value(jn);
	len = json_string_length(jn);
	if (is_deq && strncmp(name, "Dequeue@", 8)) {
		ap_rt__fail("dequeue event %zu: name '%s' lacks 'Dequeue@'", idx, name);
		return;
	} else if (is_deq) {
		name += 8;
		len -= 8;
	} else {
		struct ap_rt_corr_name key = { .corr = (uint64_t)corr }, *hit;

		hit = q->ndeq ? bsearch(&key, q->deq, q->ndeq, sizeof(*q->deq), cmp_corr) : NULL;
		if (hit) {
			name = hit->name;
			len = hit->len;
		} else if (!strncmp(name, "Enqueue@", 8)) {
			name += 8;
			len -= 8;
		} else {
			ap_rt__fail("enqueue event %zu: no dequeue with correlation_id %lld and no '@name'", idx,
				    (long long)corr);
			return;
		}
	}
	/* enqueue start carries no correlation id; the other three do */
	add_marks(q, start, end, is_deq ? MARK_DEQ_START : MARK_ENQ_START,
		  is_deq ? (uint64_t)corr : 0, (uint64_t)corr, (uint64_t)tid, (uint64_t)pid, name, len);
	if (is_deq)
		q->n_deq++;
	else
		q->n_enq++;
}

void ap_rt__queue_release(struct ap_rt_queue *q)
{
	free(q->v);
	free(q->deq);
}
