/* chrome_tracing.json of a service dump (specs/ms_service_profiler.md §3.7): the events of
 * struct ap_svc_trace in json.dumps spelling (", " / ": ", floats in repr, NaN bare), and the
 * args objects the profiler.db trace tables (§3.8) store with ensure_ascii=True. */
#include <math.h>
#include <string.h>

#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/svc_fmt.h"
#include "ap/svc_trace.h"
#include "w_svc_local.h"
#include "../base/banned.h"

/* The exporter dumps the list in chunks of this many events and joins them with "," (no
 * space): the only place where two events are not separated by ", " (write_trace_data_to_file). */
#define TRACE_CHUNK 100000

static void json_double(struct ap_strbuf *sb, double x)
{
	char buf[AP_FMT_MAX];

	if (isnan(x))
		ap_strbuf_add(sb, "NaN", 3);
	else if (isinf(x))
		ap_strbuf_addstr(sb, x < 0 ? "-Infinity" : "Infinity");
	else
		ap_strbuf_add(sb, buf, ap_fmt_double(buf, x));
}

static void json_i64(struct ap_strbuf *sb, int64_t v)
{
	char buf[AP_FMT_MAX];

	ap_strbuf_add(sb, buf, ap_fmt_i64(buf, v));
}

static void json_cstr(struct ap_strbuf *sb, const char *s, int ascii)
{
	if (s)
		ap_sv_json_str(sb, s, strlen(s), ascii);
	else
		ap_strbuf_add(sb, "null", 4);
}

/* '"key": ' after a separator when not the first member */
static void json_key(struct ap_strbuf *sb, const char *key, int *first, int ascii)
{
	if (!*first)
		ap_strbuf_add(sb, ", ", 2);
	*first = 0;
	ap_sv_json_str(sb, key, strlen(key), ascii);
	ap_strbuf_add(sb, ": ", 2);
}

/* Python str.strip() == "" for the whitespace that can occur in UTF-8 text here (ASCII
 * whitespace and the separators \x1c-\x1f that str.strip also removes). */
static int is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)))
			return 0;
	}
	return 1;
}

/* is_valid_value of the exporter: not None/NaN, not a blank string, not an empty list or a
 * list of only None and blank strings. */
static int sv_valid(const struct ap_sv *v)
{
	uint32_t i;

	switch (v->type) {
	case AP_SV_ABSENT:
	case AP_SV_NULL:
		return 0;
	case AP_SV_REAL:
		return !isnan(v->u.d);
	case AP_SV_STR:
		return !is_blank(v->u.s, v->n);
	case AP_SV_LIST:
		for (i = 0; i < v->n; i++) {
			const struct ap_sv *x = &v->u.items[i];

			if (x->type != AP_SV_NULL && !(x->type == AP_SV_STR && is_blank(x->u.s, x->n)))
				return 1;
		}
		return 0;
	default:
		return 1;
	}
}

/* The keys _process_row_to_args sets after the message's own, in this order. (It also sets
 * "rid" when batch_size is None, which no row of a gen B/C dump has: a process without the
 * column gets NaN from the merge, a dump without it the default 0.) */
enum { O_SD, O_ED, O_TID, O_BS, O_BT, O_RL, O_N };
static const char *const okey[O_N] = {
	"start_datetime", "end_datetime", "tid", "batch_size", "batch_type", "res_list",
};

static void put_override(struct ap_strbuf *sb, const struct ap_svc_trace *t,
			 const struct ap_svc_row *r, int o, int ascii)
{
	char buf[AP_FMT_MAX];

	switch (o) {
	case O_SD:
	case O_ED:
		ap_sv_json_str(sb, buf, ap_svc_fmt_datetime(buf, o == O_SD ? r->start_us : r->end_us),
			       ascii);
		break;
	case O_TID:
		json_i64(sb, r->tid);
		break;
	case O_BS:
		if (!t->bs_column) {
			ap_strbuf_addch(sb, '0');
			break;
		}
		ap_strbuf_addch(sb, '"');
		json_i64(sb, r->batch_size);
		ap_strbuf_addch(sb, '"');
		break;
	case O_BT:
		json_cstr(sb, r->batch_type, ascii);
		break;
	default:
		ap_sv_json(sb, &r->res, ascii);
		break;
	}
}

/* The message without domain/name/type/rid, updated with the computed keys (a key the message
 * already has keeps its place). */
static void slice_args(struct ap_strbuf *sb, const struct ap_svc_trace *t,
		       const struct ap_svc_row *r, int ascii)
{
	int active[O_N], done[O_N] = { 0 }, first = 1, o;
	uint32_t i;

	active[O_SD] = active[O_ED] = active[O_TID] = 1;
	active[O_BS] = !t->bs_column || r->batch_size >= 0;
	active[O_BT] = r->batch_type && !is_blank(r->batch_type, strlen(r->batch_type));
	active[O_RL] = sv_valid(&r->res);
	ap_strbuf_addch(sb, '{');
	for (i = 0; r->attrs.type == AP_SV_OBJ && i < r->attrs.n; i++) {
		const struct ap_sv_member *m = &r->attrs.u.members[i];

		if (!strcmp(m->key, "domain") || !strcmp(m->key, "name") ||
		    !strcmp(m->key, "type") || !strcmp(m->key, "rid"))
			continue;
		json_key(sb, m->key, &first, ascii);
		for (o = 0; o < O_N; o++)
			if (active[o] && !done[o] && !strcmp(m->key, okey[o]))
				break;
		if (o < O_N) {
			put_override(sb, t, r, o, ascii);
			done[o] = 1;
		} else {
			ap_sv_json(sb, &m->v, ascii);
		}
	}
	for (o = 0; o < O_N; o++)
		if (active[o] && !done[o]) {
			json_key(sb, okey[o], &first, ascii);
			put_override(sb, t, r, o, ascii);
		}
	ap_strbuf_addch(sb, '}');
}

static void counter_value(struct ap_strbuf *sb, const struct ap_svc_trace_ev *e, int ascii)
{
	switch (e->val_fmt) {
	case AP_SVC_VAL_INT:
		json_i64(sb, e->ival);
		break;
	case AP_SVC_VAL_FLOAT:
		if (!e->val)
			json_double(sb, (double)e->ival);
		else if (e->val->type == AP_SV_INT)
			json_double(sb, (double)e->val->u.i);
		else
			ap_sv_json(sb, e->val, ascii);
		break;
	case AP_SVC_VAL_SV:
		ap_sv_json(sb, e->val, ascii);
		break;
	case AP_SVC_VAL_NULL:
		ap_strbuf_add(sb, "null", 4);
		break;
	default:
		ap_strbuf_add(sb, "NaN", 3);
		break;
	}
}

void ap_svc_trace_args_json(struct ap_strbuf *sb, const struct ap_svc_trace *t,
			    const struct ap_svc_trace_ev *e, int ascii)
{
	const char *key;
	int first = 1;

	switch (e->kind) {
	case AP_SVC_EV_SLICE:
		slice_args(sb, t, e->row, ascii);
		return;
	case AP_SVC_EV_FLOW:
		return;
	case AP_SVC_EV_NPU:
	case AP_SVC_EV_KV:
	case AP_SVC_EV_QUEUE:
		key = e->kind == AP_SVC_EV_NPU ? "Usage" : e->kind == AP_SVC_EV_KV ? "Device Block"
										   : "Queue Size";
		ap_strbuf_addch(sb, '{');
		json_key(sb, key, &first, ascii);
		counter_value(sb, e, ascii);
		ap_strbuf_addch(sb, '}');
		return;
	case AP_SVC_EV_PROC_NAME:
	case AP_SVC_EV_PROC_LABELS:
		ap_strbuf_addch(sb, '{');
		json_key(sb, e->kind == AP_SVC_EV_PROC_NAME ? "name" : "labels", &first, ascii);
		json_cstr(sb, e->sval, ascii);
		ap_strbuf_addch(sb, '}');
		return;
	default: /* thread_sort_index, process_sort_index */
		ap_strbuf_addch(sb, '{');
		json_key(sb, "sort_index", &first, ascii);
		json_i64(sb, e->ival);
		ap_strbuf_addch(sb, '}');
		return;
	}
}

void ap_svc_trace_ev_json(struct ap_strbuf *sb, const struct ap_svc_trace *t,
			  const struct ap_svc_trace_ev *e, int ascii)
{
	int first = 1, meta = e->ph == 'M';

	ap_strbuf_addch(sb, '{');
	json_key(sb, "name", &first, ascii);
	json_cstr(sb, e->name, ascii);
	json_key(sb, "ph", &first, ascii);
	ap_strbuf_addch(sb, '"');
	ap_strbuf_addch(sb, e->ph);
	ap_strbuf_addch(sb, '"');
	if (!meta) {
		json_key(sb, "ts", &first, ascii);
		json_double(sb, e->ts);
	}
	if (e->kind == AP_SVC_EV_SLICE) {
		json_key(sb, "dur", &first, ascii);
		json_double(sb, e->dur);
	}
	if (e->kind == AP_SVC_EV_FLOW) {
		json_key(sb, "id", &first, ascii);
		json_cstr(sb, e->id, ascii);
		json_key(sb, "cat", &first, ascii);
		json_cstr(sb, e->id, ascii);
	}
	json_key(sb, "pid", &first, ascii);
	if (e->pid_str)
		json_cstr(sb, e->pid_str, ascii);
	else
		json_i64(sb, e->pid);
	if (!meta || e->kind == AP_SVC_EV_THREAD_SORT) {
		json_key(sb, "tid", &first, ascii);
		json_cstr(sb, e->lane, ascii);
	}
	if (e->kind != AP_SVC_EV_FLOW) {
		json_key(sb, "args", &first, ascii);
		ap_svc_trace_args_json(sb, t, e, ascii);
	}
	ap_strbuf_addch(sb, '}');
}

int ap_svc_write_trace(const struct ap_svc_trace *t, const char *dir, struct ap_err *err)
{
	struct ap_out o;
	struct ap_strbuf sb = AP_STRBUF_INIT;
	size_t i;

	memset(&o, 0, sizeof(o));
	AP_FORWARD_IF_ERROR(ap_out_open(&o, dir, "chrome_tracing.json", err));
	ap_out_putc(&o, '[');
	for (i = 0; i < t->n_ev; i++) {
		if (i)
			ap_out_write(&o, ", ", i % TRACE_CHUNK ? 2 : 1);
		ap_strbuf_reset(&sb);
		ap_svc_trace_ev_json(&sb, t, &t->ev[i], 0);
		if (sb.failed) {
			ap_out_abort(&o);
			ap_strbuf_release(&sb);
			return ap_err_set(err, AP_ENOMEM, "'%s/chrome_tracing.json': out of memory",
					  dir);
		}
		ap_out_write(&o, sb.buf, sb.len);
	}
	ap_out_putc(&o, ']');
	ap_strbuf_release(&sb);
	return ap_out_commit(&o, err);
}
