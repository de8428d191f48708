/* The Chrome-trace event list of a service dump (specs/ms_service_profiler.md §3.7; upstream
 * exporters/exporter_trace.py create_trace_events): built once from the analysed rows, in the
 * exporter's order, for chrome_tracing.json (w_svc_trace_json.c) and profiler.db (§3.8).
 * Not produced: PullKVCache slices (the lane suffix hides them except under the outputSync
 * QUIRK), msprof / MSPTI / torch events (no such inputs are loaded). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/svc_trace.h"
#include "w_svc_local.h"
#include "../base/banned.h"

/* sort_trace_events_by_tid: these lanes first, in this order; every other lane after them */
static const char *const lane_order[AP_SVC_N_LANE_ORDER] = {
	"Execute", "Schedule", "Communication", "KVCache", "Schedule.KVCache", "Engine", "Api",
	"Kernel",
};

const char *ap_svc__lane_order(unsigned i)
{
	return i < AP_SVC_N_LANE_ORDER ? lane_order[i] : NULL;
}

const struct ap_sv *ap_svc__member(const struct ap_sv *obj, const char *key)
{
	uint32_t i;

	if (obj->type != AP_SV_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->u.members[i].key, key))
			return &obj->u.members[i].v;
	return NULL;
}

static int streq(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

static int is_meta(const struct ap_svc_row *r)
{
	return streq(r->domain, "Meta");
}

static int is_kv_domain(const char *d)
{
	return streq(d, "Schedule.KVCache") || streq(d, "KVCache");
}

static unsigned lane_rank(const char *lane)
{
	unsigned i;

	if (lane)
		for (i = 0; i < AP_SVC_N_LANE_ORDER; i++)
			if (!strcmp(lane, lane_order[i]))
				return i;
	return AP_SVC_N_LANE_ORDER;
}

/* The slice filter of create_trace_events, on the (suffixed) lane */
static int is_slice_lane(const char *lane)
{
	static const char *const metric[] = { "npu", "Schedule.KVCache", "KVCache",
					      "PullKVCache", "Queue" };
	size_t i;

	if (!lane)
		return 1;
	for (i = 0; i < sizeof(metric) / sizeof(metric[0]); i++)
		if (!strcmp(lane, metric[i]))
			return 0;
	return strncmp(lane, "expert_hot", 10) != 0;
}

const char *ap_svc__intern(struct ap_svc_trace *t, const char *s, size_t len)
{
	uint32_t id = ap_strtab_intern(&t->strs, s, len, NULL);

	return id ? ap_strtab_get(&t->strs, id) : NULL;
}

/* ---- builder state ---------------------------------------------------------------------- */

struct build {
	struct ap_svc_trace *t;
	const struct ap_svc *s;
	const char **lane;        /* per row: its lane (NULL: no lane, or a NULL domain) */
	uint8_t *slice;           /* per row: it makes a slice */
	struct ap_svc_trace_ev *ev;
	size_t n, cap;
	struct ap_strbuf sb;
};

static struct ap_svc_trace_ev *push(struct build *b)
{
	struct ap_svc_trace_ev *e = &b->ev[b->n++];

	memset(e, 0, sizeof(*e));
	return e;
}

/* §3.7 step 3: "<domain>(<tid>)" except for the four unsuffixed domains; under the
 * outputSync QUIRK the raw domain. */
static int make_lanes(struct build *b)
{
	const struct ap_svc *s = b->s;
	size_t i;
	char num[AP_FMT_MAX];

	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		const char *d = r->domain;

		if (b->t->output_sync || streq(d, "Request") || streq(d, "RequestState") ||
		    is_kv_domain(d)) {
			b->lane[i] = d;
			continue;
		}
		ap_strbuf_reset(&b->sb);
		ap_strbuf_addstr(&b->sb, d ? d : "None");
		ap_strbuf_addch(&b->sb, '(');
		ap_strbuf_add(&b->sb, num, ap_fmt_i64(num, r->tid));
		ap_strbuf_addch(&b->sb, ')');
		if (b->sb.failed || !(b->lane[i] = ap_svc__intern(b->t, b->sb.buf, b->sb.len)))
			return AP_ENOMEM;
	}
	return 0;
}

/* ---- counters: how a metric column's value prints ------------------------------------------ */

/* The pandas dtype of one metric column (key) after json_normalize per process, PluginCommon
 * (NaN -> None) and the merge: int64 only when every process has it as an integer on every
 * row; object when some value is not a number; float64 otherwise. */
struct colinfo {
	uint8_t *has;     /* per file: some row has the key */
	int merged_obj, merged_int;
};

static int colinfo_init(struct colinfo *c, const struct ap_svc *s, const char *key)
{
	uint8_t *rows_in = calloc(s->n_files ? s->n_files : 1, 3);
	uint8_t *notint, *obj;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!rows_in)
		return AP_ENOMEM;
	notint = rows_in + s->n_files;
	obj = notint + s->n_files;
	c->has = calloc(s->n_files ? s->n_files : 1, 1);
	if (!c->has) {
		free(rows_in);
		return AP_ENOMEM;
	}
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		const struct ap_sv *v = ap_svc__member(&r->attrs, key);
		uint32_t f = r->file < s->n_files ? r->file : 0;

		rows_in[f] = 1;
		if (!v || v->type != AP_SV_INT)
			notint[f] = 1;
		if (!v)
			continue;
		c->has[f] = 1;
		if (v->type != AP_SV_INT && v->type != AP_SV_REAL && v->type != AP_SV_NULL)
			obj[f] = 1;
	}
	c->merged_int = 1;
	for (i = 0; i < s->n_files; i++) {
		if (!rows_in[i])
			continue;
		if (obj[i])
			c->merged_obj = 1;
		if (notint[i])
			c->merged_int = 0;
	}
	if (c->merged_obj)
		c->merged_int = 0;
	free(rows_in);
	return 0;
}

static void colinfo_release(struct colinfo *c)
{
	free(c->has);
	c->has = NULL;
}

static void set_val(struct ap_svc_trace_ev *e, const struct colinfo *c, const struct ap_svc *s,
		    const struct ap_svc_row *r, const char *key)
{
	const struct ap_sv *v = ap_svc__member(&r->attrs, key);
	uint32_t f = r->file < s->n_files ? r->file : 0;

	e->val = v;
	if (!c->has[f])
		e->val_fmt = AP_SVC_VAL_NAN;
	else if (!v || v->type == AP_SV_NULL)
		e->val_fmt = AP_SVC_VAL_NULL;
	else if (v->type == AP_SV_INT && !c->merged_obj && !c->merged_int)
		e->val_fmt = AP_SVC_VAL_FLOAT;
	else
		e->val_fmt = AP_SVC_VAL_SV;
}

/* ---- event groups ------------------------------------------------------------------------ */

static void add_slices(struct build *b)
{
	size_t i;

	for (i = 0; i < b->s->n_rows; i++) {
		const struct ap_svc_row *r = &b->s->rows[i];
		struct ap_svc_trace_ev *e;

		if (!b->slice[i])
			continue;
		e = push(b);
		e->kind = AP_SVC_EV_SLICE;
		e->row = r;
		e->name = r->name;
		e->ph = r->during_us == 0 ? 'I' : 'X';
		e->ts = r->start_us;
		e->dur = r->during_us;
		e->pid = r->pid;
		e->lane = b->lane[i];
	}
}

static int add_npu(struct build *b)
{
	struct colinfo c;
	size_t i;
	int ret;

	for (i = 0; i < b->s->n_rows; i++)
		if (!is_meta(&b->s->rows[i]) && streq(b->s->rows[i].name, "npu"))
			break;
	if (i == b->s->n_rows)
		return 0;
	if ((ret = colinfo_init(&c, b->s, "usage=")) < 0)
		return ret;
	for (; i < b->s->n_rows; i++) {
		const struct ap_svc_row *r = &b->s->rows[i];
		struct ap_svc_trace_ev *e;

		if (is_meta(r) || !streq(r->name, "npu"))
			continue;
		e = push(b);
		e->kind = AP_SVC_EV_NPU;
		e->row = r;
		e->name = "NPU Usage";
		e->lane = "NPU Usage";
		e->ph = 'C';
		e->ts = r->start_us;
		e->pid = 1;
		set_val(e, &c, b->s, r, "usage=");
	}
	colinfo_release(&c);
	return 0;
}

const struct ap_svc_label *ap_svc__label_of(const struct ap_svc *s, int64_t pid)
{
	const struct ap_svc_label *l = NULL;
	size_t i;

	for (i = 0; i < s->n_labels; i++)
		if (s->labels[i].pid == pid)
			l = &s->labels[i];
	return l;
}

int ap_svc__dp_int(const struct ap_sv *v, const char *str, int64_t *out)
{
	char *end;

	if (v && v->type == AP_SV_INT) {
		*out = v->u.i;
		return 1;
	}
	if (v && v->type == AP_SV_REAL && v->u.d == v->u.d && v->u.d > -9.2e18 && v->u.d < 9.2e18) {
		*out = (int64_t)v->u.d;
		return 1;
	}
	if (v && v->type == AP_SV_STR)
		str = v->u.s;
	if (!str || !*str)
		return 0;
	*out = strtoll(str, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return *end == '\0';
}

/* KV counters: every non-Meta row of a KV domain, "<domain>[-dp<rank>]" */
static int add_kv(struct build *b)
{
	const struct ap_svc *s = b->s;
	int kv_all = 1, scope_col = 0;
	size_t i;
	char num[AP_FMT_MAX];

	for (i = 0; i < s->n_rows; i++) {
		if (!s->rows[i].has_kv)
			kv_all = 0;
		if (ap_svc__member(&s->rows[i].attrs, "scope#dp"))
			scope_col = 1;
	}
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		const struct ap_svc_label *l;
		const struct ap_sv *dp = NULL;
		struct ap_svc_trace_ev *e;
		int64_t rank;
		int has_rank = 0;

		if (is_meta(r) || !is_kv_domain(r->domain))
			continue;
		l = ap_svc__label_of(s, r->pid);
		if (l && l->dp_rank)
			has_rank = ap_svc__dp_int(NULL, l->dp_rank, &rank);
		if (!has_rank && scope_col) {
			dp = ap_svc__member(&r->attrs, "scope#dp");
			if (dp && dp->type != AP_SV_NULL)
				has_rank = ap_svc__dp_int(dp, NULL, &rank);
		}
		e = push(b);
		e->kind = AP_SVC_EV_KV;
		e->row = r;
		e->name = r->domain;
		if (has_rank) {
			ap_strbuf_reset(&b->sb);
			ap_strbuf_addstr(&b->sb, r->domain);
			ap_strbuf_add(&b->sb, "-dp", 3);
			ap_strbuf_add(&b->sb, num, ap_fmt_i64(num, rank));
			if (b->sb.failed || !(e->name = ap_svc__intern(b->t, b->sb.buf, b->sb.len)))
				return AP_ENOMEM;
		}
		e->lane = r->domain;
		e->ph = 'C';
		e->ts = r->start_us;
		e->pid = r->pid;
		e->ival = r->free_blocks;
		e->val_fmt = !r->has_kv ? AP_SVC_VAL_NAN : kv_all ? AP_SVC_VAL_INT : AP_SVC_VAL_FLOAT;
	}
	return 0;
}

/* Queue counters: rows named Queue, when the columns QueueSize= and scope#QueueName exist */
static int add_queue(struct build *b)
{
	const struct ap_svc *s = b->s;
	int size_col = 0, name_col = 0, ret;
	struct colinfo c;
	size_t i;

	for (i = 0; i < s->n_rows && !(size_col && name_col); i++) {
		if (ap_svc__member(&s->rows[i].attrs, "QueueSize="))
			size_col = 1;
		if (ap_svc__member(&s->rows[i].attrs, "scope#QueueName"))
			name_col = 1;
	}
	if (!size_col || !name_col)
		return 0;
	if ((ret = colinfo_init(&c, s, "QueueSize=")) < 0)
		return ret;
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		const struct ap_sv *q;
		struct ap_svc_trace_ev *e;

		if (is_meta(r) || !streq(r->name, "Queue"))
			continue;
		q = ap_svc__member(&r->attrs, "scope#QueueName");
		e = push(b);
		e->kind = AP_SVC_EV_QUEUE;
		e->row = r;
		e->name = r->name;
		e->lane = b->lane[i];
		if (q && q->type == AP_SV_STR && !strcmp(q->u.s, "WAITING"))
			e->name = e->lane = "WaitingQueue";
		else if (q && q->type == AP_SV_STR && !strcmp(q->u.s, "RUNNING"))
			e->name = e->lane = "RunningQueue";
		e->ph = 'C';
		e->ts = r->start_us;
		e->pid = r->pid;
		set_val(e, &c, s, r, "QueueSize=");
	}
	colinfo_release(&c);
	return 0;
}

/* Flow events (add_flow_event): one per (slice row with a rid, comma-separated part). A rid
 * seen once gives 'i' (zero duration) or 'X'; otherwise 't', except that the exploded parts
 * share their row's index label, so every part of a row that is the first occurrence of some
 * repeated rid becomes 's', and of a row that is the last occurrence 'f' ('f' wins). */
static int add_flows(struct build *b, size_t n_parts)
{
	const struct ap_svc *s = b->s;
	uint32_t *part = NULL, *count = NULL, *first = NULL, *last = NULL;
	uint8_t *row_mark = NULL;
	size_t i, k = 0, nid;
	int ret = AP_ENOMEM;

	if (!n_parts)
		return 0;
	part = malloc(n_parts * sizeof(*part));
	row_mark = calloc(s->n_rows, 1);
	if (!part || !row_mark)
		goto out;
	for (i = 0; i < s->n_rows; i++) {
		const char *p, *c;

		if (!b->slice[i] || !s->rows[i].rid)
			continue;
		for (p = s->rows[i].rid;; p = c + 1) {
			c = strchr(p, ',');
			if (!c)
				c = p + strlen(p);
			if (!(part[k++] = ap_strtab_intern(&b->t->strs, p, (size_t)(c - p), NULL)))
				goto out;
			if (!*c)
				break;
		}
	}
	nid = (size_t)b->t->strs.n + 2;
	count = calloc(nid, sizeof(*count));
	first = malloc(nid * sizeof(*first));
	last = malloc(nid * sizeof(*last));
	if (!count || !first || !last)
		goto out;
	for (k = 0, i = 0; i < s->n_rows; i++) {
		const char *p;

		if (!b->slice[i] || !s->rows[i].rid)
			continue;
		for (p = s->rows[i].rid; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
			uint32_t id = part[k++];

			if (!count[id]++)
				first[id] = (uint32_t)i;
			last[id] = (uint32_t)i;
		}
	}
	for (i = 0; i < nid; i++)
		if (count[i] > 1) {
			row_mark[first[i]] |= 1;
			row_mark[last[i]] |= 2;
		}
	for (k = 0, i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];
		const char *p;

		if (!b->slice[i] || !r->rid)
			continue;
		for (p = r->rid; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
			uint32_t id = part[k++];
			struct ap_svc_trace_ev *e = push(b);
			const char *rid = ap_strtab_get(&b->t->strs, id);

			e->kind = AP_SVC_EV_FLOW;
			e->row = r;
			e->id = rid;
			ap_strbuf_reset(&b->sb);
			ap_strbuf_add(&b->sb, "flow_", 5);
			ap_strbuf_addstr(&b->sb, rid);
			if (b->sb.failed || !(e->name = ap_svc__intern(b->t, b->sb.buf, b->sb.len)))
				goto out;
			if (row_mark[i] & 2)
				e->ph = 'f';
			else if (row_mark[i] & 1)
				e->ph = 's';
			else if (count[id] == 1)
				e->ph = r->during_us == 0 ? 'i' : 'X';
			else
				e->ph = 't';
			e->ts = r->start_us;
			e->pid = r->pid;
			e->lane = b->lane[i];
		}
	}
	ret = 0;
out:
	free(part);
	free(row_mark);
	free(count);
	free(first);
	free(last);
	return ret;
}

/* ---- the whole list ------------------------------------------------------------------------ */

static size_t count_parts(const char *rid)
{
	size_t n = 1;

	for (; *rid; rid++)
		n += *rid == ',';
	return n;
}

int ap_svc_trace_build(const struct ap_svc *s, struct ap_svc_trace *t, struct ap_err *err)
{
	struct build b;
	uint32_t *dest = NULL;
	size_t i, n_parts = 0, n_ev = 0, bucket[AP_SVC_N_LANE_ORDER + 2], n_keep;
	int64_t main_pid = 0, coord_pid = 0;
	const int64_t *coord = NULL;
	int main_found = 0, ret = AP_ENOMEM;

	memset(t, 0, sizeof(*t));
	memset(&b, 0, sizeof(b));
	t->svc = s;
	ap_arena_init_grow(&t->arena, 1u << 13, 1u << 20);
	ap_strbuf_init(&b.sb);
	if (ap_strtab_init(&t->strs) < 0)
		goto out;
	b.t = t;
	b.s = s;
	for (i = 0; i < s->n_rows; i++) {
		if (!is_meta(&s->rows[i]) && streq(s->rows[i].name, "outputSync"))
			t->output_sync = 1;
		if (s->rows[i].batch_size >= 0)
			t->bs_column = 1;
	}
	b.lane = calloc(s->n_rows ? s->n_rows : 1, sizeof(*b.lane));
	b.slice = calloc(s->n_rows ? s->n_rows : 1, 1);
	if (!b.lane || !b.slice || make_lanes(&b) < 0)
		goto out;
	/* count what the groups can add: a row makes at most a slice, an NPU or KV counter and
	 * a queue counter, plus its flow parts */
	for (i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		if (is_meta(r))
			continue;
		b.slice[i] = r->name && is_slice_lane(b.lane[i]);
		if (b.slice[i] && r->rid)
			n_parts += count_parts(r->rid);
		n_ev += 3;
	}
	n_ev += n_parts + AP_SVC_N_LANE_ORDER;
	b.cap = n_ev;
	b.ev = malloc((n_ev ? n_ev : 1) * sizeof(*b.ev));
	if (!b.ev)
		goto out;
	add_slices(&b);
	if ((ret = add_npu(&b)) < 0 || (ret = add_kv(&b)) < 0 || (ret = add_queue(&b)) < 0 ||
	    (ret = add_flows(&b, n_parts)) < 0)
		goto out;
	ret = AP_ENOMEM;

	/* the stable sort by lane rank (a counting sort), then the thread_sort_index events */
	for (i = 0; i < b.n; i++)
		if (!main_found && lane_rank(b.ev[i].lane) < AP_SVC_N_LANE_ORDER) {
			main_pid = b.ev[i].pid;
			main_found = 1;
		}
	memset(bucket, 0, sizeof(bucket));
	for (i = 0; i < b.n; i++)
		bucket[lane_rank(b.ev[i].lane) + 1]++;
	for (i = 1; i < AP_SVC_N_LANE_ORDER + 2; i++)
		bucket[i] += bucket[i - 1];
	/* each event's place, then the events moved there in place (no second list) */
	dest = malloc((b.n ? b.n : 1) * sizeof(*dest));
	if (!dest)
		goto out;
	for (i = 0; i < b.n; i++)
		dest[i] = (uint32_t)bucket[lane_rank(b.ev[i].lane)]++;
	for (i = 0; i < b.n; i++)
		while (dest[i] != i) {
			uint32_t j = dest[i];
			struct ap_svc_trace_ev e = b.ev[j];

			b.ev[j] = b.ev[i];
			b.ev[i] = e;
			dest[i] = dest[j];
			dest[j] = j;
		}
	for (i = 0; i < AP_SVC_N_LANE_ORDER; i++) {
		struct ap_svc_trace_ev *e = push(&b);

		e->kind = AP_SVC_EV_THREAD_SORT;
		e->name = "thread_sort_index";
		e->ph = 'M';
		e->pid = main_pid;
		e->lane = lane_order[i];
		e->ival = (int64_t)i;
	}
	for (i = 0; i < b.n; i++)
		if (b.ev[i].lane && strstr(b.ev[i].lane, "Coordinator")) {
			coord = &b.ev[i].pid;
			break;
		}
	coord_pid = coord ? *coord : 0;
	/* events named process_name are dropped before the process metadata is added */
	for (n_keep = 0, i = 0; i < b.n; i++)
		if (!streq(b.ev[i].name, "process_name"))
			b.ev[n_keep++] = b.ev[i];
	b.n = n_keep;
	t->ev = b.ev;
	t->n_ev = b.n;
	b.ev = NULL;
	if ((ret = ap_svc__trace_procs(t, coord ? &coord_pid : NULL)) < 0)
		goto out;
	ret = 0;
out:
	free(b.lane);
	free(b.slice);
	free(b.ev);
	free(dest);
	ap_strbuf_release(&b.sb);
	if (ret < 0)
		return ap_err_set(err, ret, "chrome_tracing: %s", "out of memory building the events");
	return 0;
}

void ap_svc_trace_release(struct ap_svc_trace *t)
{
	if (!t)
		return;
	free(t->ev);
	if (t->strs.str)
		ap_strtab_release(&t->strs);
	ap_arena_release(&t->arena);
	memset(t, 0, sizeof(*t));
}
