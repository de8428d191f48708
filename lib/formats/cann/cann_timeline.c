/* msprof's exported timeline, mindstudio_profiler_output/msprof_*.json, as torch_npu reads it
 * (spec torch_npu_ascend_pt.md §6.2, §6.4, §7.4, §8.1, §8.4; upstream torch_npu
 * prof_parse/_cann_file_parser.py combine_acl_to_npu, prof_view/_trace_view_parser.py,
 * prof_view/_trace_step_time_parser.py, read for facts). Each event of a file is parsed by
 * jansson alone, re-serialised as Python's json.dumps prints what json.load read, and freed:
 * memory holds the file being read and the kept text, never a tree of a whole file. */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_exported.h"
#include "ap/cann_timeline.h"
#include "ap/file.h"
#include "ap/fmt.h"
#include "ap/log.h"
#include "cann_local.h"
#include "../../base/banned.h"

/* --- file selection (§6.2) ------------------------------------------------------------ */

struct pick {
	int sliced;
	uint64_t index;
	const char *name;
};

static int cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->sliced != y->sliced)
		return x->sliced - y->sliced;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* 1..20 digits at s; their value (saturated) in *v. */
static int lead_digits(const char *s, uint64_t *v)
{
	int n = 0;

	*v = 0;
	for (; isdigit((unsigned char)s[n]) && n < 21; n++)
		if (__builtin_mul_overflow(*v, 10, v) || __builtin_add_overflow(*v, s[n] - '0', v))
			*v = UINT64_MAX;
	return n >= 1;
}

int ap_cann_tl_select(const struct ap_strlist *names, struct ap_strlist *out)
{
	struct pick *p = calloc(names->n ? names->n : 1, sizeof(*p));
	size_t i, n = 0;
	int ret = 0;

	if (!p)
		return AP_ENOMEM;
	for (i = 0; i < names->n; i++) {
		const char *s = names->v[i];
		size_t len = strlen(s);
		uint64_t v;

		if (strncmp(s, "msprof_", 7) || len < 5 || strcmp(s + len - 5, ".json"))
			continue;
		if (lead_digits(s + 7, &v)) {
			p[n].sliced = 0;
		} else if (!strncmp(s + 7, "slice_", 6) && lead_digits(s + 13, &v)) {
			p[n].sliced = 1;
			p[n].index = v;
		} else {
			continue;
		}
		p[n++].name = s;
	}
	qsort(p, n, sizeof(*p), cmp_pick);
	for (i = 0; i < n && ret == 0; i++)
		ret = ap_strlist_add(out, p[i].name) < 0 ? AP_ENOMEM : 0;
	free(p);
	return ret;
}

/* --- Python's view of the values -------------------------------------------------------- */

/* json.dumps(ensure_ascii=False) of a string: '"', '\\' and the control characters escaped
 * (\n \r \t \b \f, else \u00xx), everything else as is. */
static void py_str(struct ap_strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	ap_strbuf_addch(sb, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ap_strbuf_add(sb, s + run, i - run);
		run = i + 1;
		e[0] = '\\';
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		default:
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			ap_strbuf_add(sb, e, 6);
			continue;
		}
		ap_strbuf_add(sb, e, 2);
	}
	ap_strbuf_add(sb, s + run, n - run);
	ap_strbuf_addch(sb, '"');
}

static void py_num(struct ap_strbuf *sb, const json_t *v)
{
	char b[AP_FMT_MAX];

	if (json_is_integer(v))
		ap_strbuf_add(sb, b, ap_fmt_i64(b, (int64_t)json_integer_value(v)));
	else
		ap_strbuf_add(sb, b, ap_fmt_double(b, json_real_value(v)));
}

/* json.dumps of v (separators ", " and ": ", keys in insertion order). The recursion is as
 * deep as v's nesting, which jansson's parser bounds (JSON_PARSER_MAX_DEPTH, 2048). */
static void py_dump(struct ap_strbuf *sb, const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;
	int first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		ap_strbuf_addch(sb, '{');
		json_object_foreach((json_t *)v, k, x) {
			if (!first)
				ap_strbuf_add(sb, ", ", 2);
			first = 0;
			py_str(sb, k, strlen(k));
			ap_strbuf_add(sb, ": ", 2);
			py_dump(sb, x);
		}
		ap_strbuf_addch(sb, '}');
		break;
	case JSON_ARRAY:
		ap_strbuf_addch(sb, '[');
		json_array_foreach(v, i, x) {
			if (i)
				ap_strbuf_add(sb, ", ", 2);
			py_dump(sb, x);
		}
		ap_strbuf_addch(sb, ']');
		break;
	case JSON_STRING:
		py_str(sb, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		py_num(sb, v);
		break;
	case JSON_TRUE:
		ap_strbuf_add(sb, "true", 4);
		break;
	case JSON_FALSE:
		ap_strbuf_add(sb, "false", 5);
		break;
	case JSON_NULL:
		ap_strbuf_add(sb, "null", 4);
		break;
	}
}

/* Python str() of a scalar (f"{v}"); v NULL (a missing key) is "None". */
static void py_text(struct ap_strbuf *sb, const json_t *v)
{
	if (!v || json_is_null(v))
		ap_strbuf_add(sb, "None", 4);
	else if (json_is_string(v))
		ap_strbuf_add(sb, json_string_value(v), json_string_length(v));
	else if (json_is_number(v))
		py_num(sb, v);
	else if (json_is_true(v))
		ap_strbuf_add(sb, "True", 4);
	else if (json_is_false(v))
		ap_strbuf_add(sb, "False", 5);
	else
		py_dump(sb, v); /* a dict or list: not a key msprof writes */
}

/* convert_us2ns(str(v)) (§7.4): tabs stripped, "<int>.<frac>" with the first three fraction
 * digits kept (no rounding). Returns 0, or -1 where upstream's int() would raise. */
static int us2ns(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i = 0, k;
	int neg = 0, any = 0;

	while (n && s[n - 1] == '\t')
		n--;
	while (i < n && s[i] == '\t')
		i++;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n && isdigit((unsigned char)s[i]); i++, any = 1)
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v))
			return -1;
	if (i < n && s[i] != '.')
		return -1;
	if (i < n)
		i++;
	for (k = 0; k < 3; k++) {
		int d = 0;

		if (i < n) {
			if (!isdigit((unsigned char)s[i]) || memchr(s + i, '.', n - i))
				return -1;
			d = s[i++] - '0';
			any = 1;
		}
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v))
			return -1;
	}
	if (i < n && memchr(s + i, '.', n - i))
		return -1;
	if (!any)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/* --- one pass over the events ------------------------------------------------------------ */

/* A HostToDevice flow event: id and (for an 'f') the pid-tid-ts key of its kernel. */
struct flowrec {
	size_t id, idlen;   /* in scratch */
	size_t key, keylen; /* in scratch */
	const char *idp, *keyp; /* the same bytes, set once scratch stops growing */
	uint32_t seq;
	uint8_t is_s, ts_ok;
	int64_t ts;
};

/* An X event: its pid-tid-ts key and what a kernel needs. */
struct xrec {
	size_t key, keylen;
	const char *keyp;
	uint32_t seq;
	uint8_t ok, ai_core;  /* ok: integer pid and tid, ts convertible */
	int64_t pid, tid, ts;
	double dur;
};

/* An Overlap Analysis event or hcom_receive op (kind AP_OVERLAP_KINDS). */
struct ovrec {
	int64_t pid;
	int64_t ts, dur;
	uint8_t kind;
};

struct label {
	int64_t pid;
	int64_t dev;  /* -1: plain "NPU"; -2: not an integer */
};

struct load {
	struct ap_cann_tl *tl;
	struct ap_strbuf scratch;
	AP_VEC(struct flowrec) flows;
	AP_VEC(struct xrec) xs;
	AP_VEC(struct ovrec) ovs;
	AP_VEC(struct label) labels;
	uint32_t seq;
	unsigned long bad_ts;   /* overlap events whose ts or dur Python cannot read */
	int unlabelled;         /* an overlap event in a process without an NPU label */
};

static const char *const prune_words[] = {
	"CANN", "AscendCL", "Runtime", "GE", "Node", "Model", "Hccl", "acl_to_npu", "Communication@",
};

static int pruned(const json_t *ev)
{
	const json_t *name = json_object_get(ev, "name"), *args = json_object_get(ev, "args");
	const char *an = NULL;
	size_t i;

	if (json_is_object(args) && json_is_string(json_object_get(args, "name")))
		an = json_string_value(json_object_get(args, "name"));
	for (i = 0; i < sizeof(prune_words) / sizeof(prune_words[0]); i++) {
		if (json_is_string(name) &&
		    !strncmp(json_string_value(name), prune_words[i], strlen(prune_words[i])))
			return 1;
		if (an && !strcmp(an, prune_words[i]))
			return 1;
	}
	return 0;
}

static int str_is(const json_t *v, const char *s)
{
	return json_is_string(v) && !strcmp(json_string_value(v), s);
}

/* Appends the pid-tid-ts key of ev to scratch; its offset and length in *off, *len. */
static void key_of(struct load *l, const json_t *ev, size_t *off, size_t *len)
{
	*off = l->scratch.len;
	py_text(&l->scratch, json_object_get(ev, "pid"));
	ap_strbuf_addch(&l->scratch, '-');
	py_text(&l->scratch, json_object_get(ev, "tid"));
	ap_strbuf_addch(&l->scratch, '-');
	py_text(&l->scratch, json_object_get(ev, "ts"));
	*len = l->scratch.len - *off;
}

static int ts_of(struct load *l, const json_t *v, int64_t *ns)
{
	size_t off = l->scratch.len;
	int r;

	if (!v || !(json_is_string(v) || json_is_number(v)))
		return -1;
	py_text(&l->scratch, v);
	r = l->scratch.failed ? -1 : us2ns(l->scratch.buf + off, l->scratch.len - off, ns);
	l->scratch.len = off;
	if (!l->scratch.failed)
		l->scratch.buf[off] = '\0';
	return r;
}

static int flow_event(struct load *l, const json_t *ev, int is_s)
{
	struct flowrec *f = ap_vec_push(&l->flows);
	const json_t *id = json_object_get(ev, "id");

	if (!f)
		return AP_ENOMEM;
	f->seq = l->seq;
	f->is_s = (uint8_t)is_s;
	/* a dict key: the type tells "1" from 1 */
	f->id = l->scratch.len;
	ap_strbuf_addch(&l->scratch, json_is_string(id) ? 's' : 'n');
	if (id)
		py_text(&l->scratch, id);
	else
		ap_strbuf_addch(&l->scratch, '0'); /* data.get("id", 0) */
	f->idlen = l->scratch.len - f->id;
	if (is_s)
		f->ts_ok = ts_of(l, json_object_get(ev, "ts"), &f->ts) == 0;
	else
		key_of(l, ev, &f->key, &f->keylen);
	return 0;
}

static int x_event(struct load *l, const json_t *ev)
{
	struct xrec *x = ap_vec_push(&l->xs);
	const json_t *pid = json_object_get(ev, "pid"), *tid = json_object_get(ev, "tid");
	const json_t *dur = json_object_get(ev, "dur"), *args = json_object_get(ev, "args");

	if (!x)
		return AP_ENOMEM;
	x->seq = l->seq;
	key_of(l, ev, &x->key, &x->keylen);
	x->ok = json_is_integer(pid) && json_is_integer(tid) &&
		ts_of(l, json_object_get(ev, "ts"), &x->ts) == 0 && (!dur || json_is_number(dur));
	x->pid = json_is_integer(pid) ? (int64_t)json_integer_value(pid) : 0;
	x->tid = json_is_integer(tid) ? (int64_t)json_integer_value(tid) : 0;
	x->dur = dur && json_is_number(dur) ? json_number_value(dur) : 0;
	x->ai_core = json_is_object(args) && str_is(json_object_get(args, "Task Type"), "AI_CORE");
	return 0;
}

/* step_trace_time's events (§8.4): the four Overlap Analysis names and hcom_receive*. */
static int overlap_event(struct load *l, const json_t *ev, const char *name)
{
	static const char *const names[AP_OVERLAP_KINDS] = {
		"Computing", "Communication", "Communication(Not Overlapped)", "Free",
	};
	const json_t *pid = json_object_get(ev, "pid"), *dur = json_object_get(ev, "dur");
	struct ovrec *o;
	int k;
	double d;

	for (k = 0; k < AP_OVERLAP_KINDS && strcmp(name, names[k]); k++)
		;
	if (k == AP_OVERLAP_KINDS && strncmp(name, "hcom_receive", 12))
		return 0;
	o = ap_vec_push(&l->ovs);
	if (!o)
		return AP_ENOMEM;
	o->kind = (uint8_t)k;
	d = dur && json_is_number(dur) ? json_number_value(dur) : NAN;
	if (!json_is_integer(pid) || ts_of(l, json_object_get(ev, "ts"), &o->ts) < 0 ||
	    !isfinite(d) || fabs(d) > 9e12) {
		l->bad_ts++;
		l->ovs.n--;
		return 0;
	}
	o->pid = (int64_t)json_integer_value(pid);
	o->dur = llround(d * 1000.0);
	return 0;
}

static int label_event(struct load *l, const json_t *ev)
{
	const json_t *args = json_object_get(ev, "args"), *pid = json_object_get(ev, "pid");
	const char *s;
	struct label *b;
	char *end;

	if (!json_is_object(args) || !json_is_string(json_object_get(args, "labels")))
		return 0;
	s = json_string_value(json_object_get(args, "labels"));
	if (strncmp(s, "NPU", 3) || !json_is_integer(pid))
		return 0;
	b = ap_vec_push(&l->labels);
	if (!b)
		return AP_ENOMEM;
	b->pid = (int64_t)json_integer_value(pid);
	if (!s[3]) {
		b->dev = -1;
		return 0;
	}
	b->dev = s[3] == ' ' && isdigit((unsigned char)s[4]) ? strtol(s + 4, &end, 10) : -2;
	if (b->dev >= 0 && (*end || b->dev > 4095))
		b->dev = -2;
	return 0;
}

static int one_event(struct load *l, const json_t *ev)
{
	const json_t *name = json_object_get(ev, "name"), *ph = json_object_get(ev, "ph");
	struct ap_cann_tl_event *e = ap_vec_push(&l->tl->ev);
	int host_to_device = str_is(json_object_get(ev, "cat"), "HostToDevice");

	if (!e)
		return AP_ENOMEM;
	e->off = l->tl->text.len;
	py_dump(&l->tl->text, ev);
	e->len = l->tl->text.len - e->off;
	e->prune0 = (uint8_t)pruned(ev);
	l->seq++;
	if (host_to_device && (str_is(ph, "s") || str_is(ph, "f")))
		return flow_event(l, ev, str_is(ph, "s"));
	if (str_is(ph, "X"))
		AP_FORWARD_IF_ERROR(x_event(l, ev));
	if (str_is(name, "process_labels"))
		return label_event(l, ev);
	if (json_is_string(name))
		return overlap_event(l, ev, json_string_value(name));
	return 0;
}

#define UNUSED ": the timeline is not used (no trace_view.json, step_trace_time.csv or kernel links)"

static size_t skip_ws(const char *b, size_t n, size_t p)
{
	while (p < n && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r'))
		p++;
	return p;
}

/* The 1-based line of byte p, counting on from byte *lp of line *line (p never goes back). */
static int line_at(const char *b, size_t p, size_t *lp, int *line)
{
	for (; *lp < p; (*lp)++)
		*line += b[*lp] == '\n';
	return *line;
}

static void malformed(struct ap_diag *diag, const char *shown, size_t off, int line,
		      const char *text)
{
	ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-timeline",
		       "'%s': malformed JSON at byte offset %zu (line %d): %s" UNUSED, shown, off, line,
		       text);
}

/* A file that does not open with '[': parsed whole only to say whether it is JSON at all. */
static void not_array(const struct ap_strbuf *sb, const char *shown, struct ap_diag *diag)
{
	json_error_t je;
	json_t *root = json_loadb(sb->buf, sb->len, JSON_ALLOW_NUL, &je);
	size_t off = (size_t)je.position;

	if (root)
		ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-timeline",
			       "'%s': not a JSON array of events" UNUSED, shown);
	else
		malformed(diag, shown,
			  off > 0 && (off < sb->len || !strstr(je.text, "end of")) ? off - 1 : off,
			  je.line, je.text);
	json_decref(root);
}

/* Reads one file: the array's events one at a time (jansson parses each alone and the tree is
 * freed at once, so memory holds the file and the kept text, not a tree of the whole file).
 * Returns 0, 1 (not usable: reported in diag), or AP_ENOMEM. */
static int one_file(struct load *l, const char *path, const char *shown, struct ap_diag *diag)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;
	struct ap_err e = AP_ERR_INIT;
	size_t p, n, lp = 0, i = 0;
	const char *b;
	int line = 1, ret = 1;

	if (ap_file_read_all(path, SIZE_MAX / 2, &sb, &e) < 0) {
		ret = e.code == AP_ENOMEM ? AP_ENOMEM : 1;
		if (ret == 1)
			ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-timeline", "%s",
				       ap_err_text(&e));
		goto out;
	}
	b = sb.buf;
	n = sb.len;
	p = skip_ws(b, n, 0);
	if (p == n || b[p] != '[') {
		not_array(&sb, shown, diag);
		goto out;
	}
	p = skip_ws(b, n, p + 1);
	if (p < n && b[p] == ']') {
		p = skip_ws(b, n, p + 1);
		ret = p == n ? 0 : 1;
		if (ret)
			malformed(diag, shown, p, line_at(b, p, &lp, &line), "end of file expected");
		goto out;
	}
	for (ret = 0; ret == 0; i++) {
		json_error_t je;
		/* the decoder stops at the event's closing '}' and says how far it read */
		json_t *ev = json_loadb(b + p, n - p,
					JSON_ALLOW_NUL | JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je);

		if (!ev) {
			size_t off = p + (size_t)je.position;

			/* jansson counts the bytes read: the offending byte is the last one read,
			 * unless the input ended */
			if (je.position > 0 && (off < n || !strstr(je.text, "end of")))
				off--;
			malformed(diag, shown, off, line_at(b, p, &lp, &line) + je.line - 1, je.text);
			ret = 1;
			break;
		}
		if (!json_is_object(ev)) {
			ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-timeline",
				       "'%s': event %zu (byte offset %zu) is not a JSON object" UNUSED,
				       shown, i, p);
			json_decref(ev);
			ret = 1;
			break;
		}
		ret = one_event(l, ev);
		json_decref(ev);
		p = skip_ws(b, n, p + (size_t)je.position);
		if (ret < 0)
			break;
		if (p < n && b[p] == ',') {
			p = skip_ws(b, n, p + 1);
			continue;
		}
		if (p < n && b[p] == ']') {
			i++;
			p = skip_ws(b, n, p + 1);
			if (p == n)
				break;
			malformed(diag, shown, p, line_at(b, p, &lp, &line), "end of file expected");
		} else {
			malformed(diag, shown, p, line_at(b, p, &lp, &line),
				  p == n ? "premature end of input" : "',' or ']' expected");
		}
		ret = 1;
	}
	if (ret == 0 && (l->tl->text.failed || l->scratch.failed))
		ret = AP_ENOMEM;
	if (ret == 0)
		ap_log(AP_LOG_DEBUG, NULL, "read msprof timeline file=%s events=%zu", shown, i);
out:
	ap_strbuf_release(&sb);
	ap_err_release(&e);
	return ret;
}

/* --- links (§7.4) and lanes (§8.4) ------------------------------------------------------- */

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

static int cmp_x(const void *a, const void *b)
{
	const struct xrec *x = a, *y = b;
	int c = cmp_bytes(x->keyp, x->keylen, y->keyp, y->keylen);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_flow_id(const struct flowrec *x, const struct flowrec *y)
{
	return cmp_bytes(x->idp, x->idlen, y->idp, y->idlen);
}

static int cmp_flow(const void *a, const void *b)
{
	const struct flowrec *x = a, *y = b;
	int c = cmp_flow_id(x, y);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* A complete flow: its first 's' and first 'f', ordered by the id's first appearance. */
struct pair {
	uint32_t first;
	const struct flowrec *s, *f;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/* The last X event (in file order) with the key of f, or NULL. */
static const struct xrec *kernel_of(const struct load *l, const struct flowrec *f)
{
	size_t lo = 0, hi = l->xs.n;

	while (lo < hi) { /* the first key > f's */
		size_t mid = lo + (hi - lo) / 2;
		const struct xrec *x = &l->xs.v[mid];

		if (cmp_bytes(x->keyp, x->keylen, f->keyp, f->keylen) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	return cmp_bytes(l->xs.v[lo - 1].keyp, l->xs.v[lo - 1].keylen, f->keyp, f->keylen)
		       ? NULL : &l->xs.v[lo - 1];
}

static int link_flows(struct load *l, struct ap_npu_links *links, unsigned long *missing)
{
	struct pair *p = NULL;
	size_t i, j, np = 0;

	for (i = 0; i < l->xs.n; i++)
		l->xs.v[i].keyp = l->scratch.buf + l->xs.v[i].key;
	for (i = 0; i < l->flows.n; i++) {
		l->flows.v[i].idp = l->scratch.buf + l->flows.v[i].id;
		l->flows.v[i].keyp = l->scratch.buf + l->flows.v[i].key;
	}
	if (!l->flows.n)
		return 0;
	if (l->xs.n)
		qsort(l->xs.v, l->xs.n, sizeof(*l->xs.v), cmp_x);
	qsort(l->flows.v, l->flows.n, sizeof(*l->flows.v), cmp_flow);
	p = malloc(l->flows.n * sizeof(*p));
	if (!p)
		return AP_ENOMEM;
	for (i = 0; i < l->flows.n; i = j) {
		const struct flowrec *s = NULL, *f = NULL;

		for (j = i; j < l->flows.n && !cmp_flow_id(&l->flows.v[i], &l->flows.v[j]); j++) {
			if (l->flows.v[j].is_s && !s)
				s = &l->flows.v[j];
			if (!l->flows.v[j].is_s && !f)
				f = &l->flows.v[j];
		}
		if (s && f) {
			p[np].first = l->flows.v[i].seq;
			p[np].s = s;
			p[np++].f = f;
		}
	}
	if (np)
		qsort(p, np, sizeof(*p), cmp_pair);
	if (ap_vec_reserve(&links->v, np) < 0 || ap_vec_reserve(&l->tl->ends, np) < 0) {
		free(p);
		return AP_ENOMEM;
	}
	for (i = 0; i < np; i++) {
		const struct xrec *x = kernel_of(l, p[i].f);
		struct ap_npu_kernel *k;
		struct ap_cann_tl_end *e;

		if (!x || !x->ok || !p[i].s->ts_ok) {
			(*missing)++;
			continue;
		}
		k = &links->v.v[links->v.n++];
		memset(k, 0, sizeof(*k));
		k->acl_ts = p[i].s->ts;
		k->ts = x->ts;
		k->end = x->ts + (int64_t)(x->dur * 1000.0);
		k->dur_us = x->dur;
		k->ai_core = x->ai_core;
		k->flow = (uint32_t)l->tl->ends.n;
		e = &l->tl->ends.v[l->tl->ends.n++];
		e->ts = x->ts;
		e->pid = x->pid;
		e->tid = x->tid;
	}
	free(p);
	return 0;
}

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The device of pid (the last label given to it), or -3 when it has none. */
static int64_t device_of(const struct load *l, int64_t pid)
{
	size_t lo = 0, hi = l->labels.n;

	while (lo < hi) { /* the first label with a pid > pid */
		size_t mid = lo + (hi - lo) / 2;

		if (l->labels.v[mid].pid <= pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && l->labels.v[lo - 1].pid == pid ? l->labels.v[lo - 1].dev : -3;
}

/* The lanes of each labelled device, events in file order (torch_npu sums them so). An event
 * of a process without an "NPU <id>" label makes upstream's count raise (§12 item 8): then
 * no lane at all, so no step_trace_time.csv. */
static int build_lanes(struct load *l, struct ap_overlap *ov)
{
	size_t i, j;

	/* stably by pid (insertion sort: few processes), so that the last label of a pid is
	 * the one found, as a later dict assignment replaces an earlier one */
	for (i = 1; i < l->labels.n; i++) {
		struct label t = l->labels.v[i];

		for (j = i; j > 0 && cmp_label(&l->labels.v[j - 1], &t) > 0; j--)
			l->labels.v[j] = l->labels.v[j - 1];
		l->labels.v[j] = t;
	}
	for (i = 0; i < l->ovs.n; i++)
		if (device_of(l, l->ovs.v[i].pid) < 0) {
			l->unlabelled = 1;
			return 0;
		}
	for (i = 0; i < l->ovs.n; i++) {
		const struct ovrec *o = &l->ovs.v[i];
		uint32_t dev = (uint32_t)device_of(l, o->pid);
		struct ap_overlap_dev *d = NULL;
		struct ap_interval *iv;

		for (j = 0; j < ov->n && ov->dev[j].device_id <= dev; j++)
			if (ov->dev[j].device_id == dev)
				d = &ov->dev[j];
		if (!d) {
			struct ap_overlap_dev *nv = realloc(ov->dev, (ov->n + 1) * sizeof(*nv));

			if (!nv)
				return AP_ENOMEM;
			ov->dev = nv;
			memmove(&nv[j + 1], &nv[j], (ov->n - j) * sizeof(*nv));
			memset(&nv[j], 0, sizeof(*nv));
			nv[j].device_id = dev;
			ov->n++;
			d = &nv[j];
		}
		iv = ap_vec_push(o->kind == AP_OVERLAP_KINDS ? &d->receive : &d->lane[o->kind]);
		if (!iv)
			return AP_ENOMEM;
		iv->start = o->ts;
		iv->end = o->ts + o->dur;
	}
	return 0;
}

static void load_release(struct load *l)
{
	ap_strbuf_release(&l->scratch);
	ap_vec_free(&l->flows);
	ap_vec_free(&l->xs);
	ap_vec_free(&l->ovs);
	ap_vec_free(&l->labels);
}

int ap_cann_tl_load(struct ap_cann_tl *tl, const char *prof, struct ap_npu_links *links,
		    struct ap_overlap *ov, struct ap_diag *diag, struct ap_err *err)
{
	struct ap_strlist names = { 0 };
	struct ap_strbuf shown = AP_STRBUF_INIT;
	struct load l;
	const char *pname = strrchr(prof, '/');
	char *dir = ap_path_join(prof, AP_CANN_EXPORT_DIR);
	unsigned long missing = 0;
	size_t i, nlinks = links->v.n;
	int ret = 0;

	memset(&l, 0, sizeof(l));
	l.tl = tl;
	ap_strbuf_init(&l.scratch);
	pname = pname ? pname + 1 : prof;
	if (!dir) {
		ret = AP_ENOMEM;
		goto out;
	}
	if (ap_dir_list(dir, &names, NULL) < 0)
		goto out; /* the CSV reader reports an unreadable directory */
	ret = ap_cann_tl_select(&names, &tl->files);
	for (i = 0; ret == 0 && i < tl->files.n; i++) {
		char *path = ap_path_join(dir, tl->files.v[i]);

		ap_strbuf_reset(&shown);
		ap_strbuf_addf(&shown, "%s/%s/%s", pname, AP_CANN_EXPORT_DIR, tl->files.v[i]);
		ret = path ? one_file(&l, path, shown.buf, diag) : AP_ENOMEM;
		free(path);
		if (ret == 1) {
			tl->failed = 1;
			ret = 0;
			break;
		}
	}
	if (ret < 0 || tl->failed)
		goto out;
	ret = link_flows(&l, links, &missing);
	if (ret == 0)
		ret = build_lanes(&l, ov);
	if (ret < 0)
		goto out;
	if (missing)
		ap_diag_report(diag, AP_DIAG_WARN, "cann-timeline-flow",
			       "'%s/%s': %lu HostToDevice flow%s without the device event at its end (not linked, as torch_npu)",
			       pname, AP_CANN_EXPORT_DIR, missing, missing == 1 ? "" : "s");
	if (l.bad_ts)
		ap_diag_report(diag, AP_DIAG_WARN, "cann-timeline-overlap",
			       "'%s/%s': %lu Overlap Analysis or hcom_receive event%s without a readable pid, ts or dur left out of step_trace_time.csv",
			       pname, AP_CANN_EXPORT_DIR, l.bad_ts, l.bad_ts == 1 ? "" : "s");
	if (l.unlabelled)
		ap_diag_report(diag, AP_DIAG_WARN, "cann-timeline-label",
			       "'%s/%s': an Overlap Analysis or hcom_receive event lies in a process without an \"NPU <id>\" label: no step_trace_time.csv (as torch_npu)",
			       pname, AP_CANN_EXPORT_DIR);
out:
	if (ret < 0 || tl->failed) {
		/* nothing of a timeline that cannot be used */
		links->v.n = nlinks;
		ap_overlap_release(ov);
		ap_strbuf_release(&tl->text);
		ap_vec_free(&tl->ev);
		ap_vec_free(&tl->ends);
	}
	if (ret == AP_ENOMEM)
		ap_err_set(err, AP_ENOMEM, "'%s/%s': out of memory reading the timeline", pname,
			   AP_CANN_EXPORT_DIR);
	load_release(&l);
	ap_strlist_release(&names);
	ap_strbuf_release(&shown);
	free(dir);
	return ret;
}
