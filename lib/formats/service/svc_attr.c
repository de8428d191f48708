/* Attributes of a service record (specs/ms_service_profiler.md §1.3, §1.4): the gen B message
 * normalisation and JSON text -> struct ap_sv in the file's arena. jansson parses (it
 * allocates per record; the tree is freed at once), the values are copied into the arena. */
#include <jansson.h>
#include <string.h>

#include "svc_local.h"
#include "../../base/banned.h"

/* U+10FFFF (a noncharacter) marks each invalid UTF-8 byte so that jansson accepts the text;
 * a string holding it after the parse is reported as "N/A". Only looked for in a text that
 * had invalid bytes. */
static const char bad_mark[4] = { (char)0xF4, (char)0x8F, (char)0xBF, (char)0xBF };

void ap_svc__attr_init(struct ap_svc__attr *a, struct ap_arena *arena, struct ap_strtab *strs)
{
	a->arena = arena;
	a->strs = strs;
	ap_strbuf_init(&a->norm);
	ap_strbuf_init(&a->fixed);
	a->bad_utf8 = 0;
}

void ap_svc__attr_release(struct ap_svc__attr *a)
{
	if (!a)
		return;
	ap_strbuf_release(&a->norm);
	ap_strbuf_release(&a->fixed);
}

int ap_svc__mstx_normalise(struct ap_strbuf *out, const char *s, size_t len)
{
	size_t i, t, body;
	int match;

	ap_strbuf_reset(out);
	if (ap_strbuf_grow(out, len + 2) < 0)
		return AP_ENOMEM;
	ap_strbuf_add(out, s, len);
	for (i = 0; i < out->len; i++)
		if (out->buf[i] == '^')
			out->buf[i] = '"';
	/* ^{.*}$ : '.' matches anything but "\n"; '$' matches at the end or before a final "\n" */
	t = out->len && out->buf[out->len - 1] == '\n' ? out->len - 1 : out->len;
	match = t >= 2 && out->buf[0] == '{' && out->buf[t - 1] == '}' &&
		!memchr(out->buf, '\n', t);
	if (match)
		return 0;
	/* re.sub(",$", ""): the ',' at the end, or the one before a final "\n" */
	body = out->len;
	if (body && out->buf[body - 1] == ',') {
		body--;
		out->len = body;
	} else if (body >= 2 && out->buf[body - 1] == '\n' && out->buf[body - 2] == ',') {
		out->buf[body - 2] = '\n';
		out->len = --body;
	}
	out->buf[out->len] = '\0';
	ap_strbuf_addch(out, '}');
	if (out->failed)
		return AP_ENOMEM;
	memmove(out->buf + 1, out->buf, out->len);
	out->buf[0] = '{';
	out->len++;
	out->buf[out->len] = '\0';
	return 0;
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 when invalid there. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

		return n >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

		return n >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
		       (p[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* Copies s into out with every byte that starts no valid sequence replaced by bad_mark. */
static int mark_bad_utf8(struct ap_strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	ap_strbuf_reset(out);
	while (i < len) {
		k = utf8_seq(p + i, len - i);
		if (k) {
			ap_strbuf_add(out, s + i, k);
			i += k;
		} else {
			ap_strbuf_add(out, bad_mark, sizeof(bad_mark));
			i++;
		}
	}
	return out->failed ? AP_ENOMEM : 0;
}

static int has_mark(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + sizeof(bad_mark) <= len; i++)
		if (s[i] == bad_mark[0] && !memcmp(s + i, bad_mark, sizeof(bad_mark)))
			return 1;
	return 0;
}

/* A string (or key) for the model: "N/A" when it holds a mark, interned when short. */
static const char *take_str(struct ap_svc__attr *a, int marked, const char *s, size_t len,
			    uint32_t *n_out)
{
	uint32_t id;

	if (marked && has_mark(s, len)) {
		a->bad_utf8++;
		s = "N/A";
		len = 3;
	}
	*n_out = (uint32_t)len;
	if (len <= AP_SVC__INTERN_MAX) {
		id = ap_strtab_intern(a->strs, s, len, NULL);
		return id ? ap_strtab_get(a->strs, id) : NULL;
	}
	return ap_arena_strndup(a->arena, s, len);
}

static int convert(struct ap_svc__attr *a, int marked, json_t *j, struct ap_sv *v)
{
	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		struct ap_sv_member *m;
		const char *key;
		size_t klen, n = json_object_size(j), i = 0;
		json_t *val;
		uint32_t dummy;

		v->type = AP_SV_OBJ;
		if (n > UINT32_MAX || n > SIZE_MAX / sizeof(*m))
			return AP_ENOMEM;
		v->n = (uint32_t)n;
		if (!n)
			return 0;
		m = ap_arena_alloc(a->arena, n * sizeof(*m));
		if (!m)
			return AP_ENOMEM;
		json_object_keylen_foreach(j, key, klen, val) {
			m[i].key = take_str(a, marked, key, klen, &dummy);
			if (!m[i].key)
				return AP_ENOMEM;
			AP_FORWARD_IF_ERROR(convert(a, marked, val, &m[i].v));
			i++;
		}
		v->u.members = m;
		return 0;
	}
	case JSON_ARRAY: {
		struct ap_sv *items;
		size_t n = json_array_size(j), i;

		v->type = AP_SV_LIST;
		if (n > UINT32_MAX || n > SIZE_MAX / sizeof(*items))
			return AP_ENOMEM;
		v->n = (uint32_t)n;
		if (!n)
			return 0;
		items = ap_arena_alloc(a->arena, n * sizeof(*items));
		if (!items)
			return AP_ENOMEM;
		for (i = 0; i < n; i++)
			AP_FORWARD_IF_ERROR(convert(a, marked, json_array_get(j, i), &items[i]));
		v->u.items = items;
		return 0;
	}
	case JSON_STRING:
		v->type = AP_SV_STR;
		if (json_string_length(j) > UINT32_MAX)
			return AP_ENOMEM;
		v->u.s = take_str(a, marked, json_string_value(j), json_string_length(j), &v->n);
		return v->u.s ? 0 : AP_ENOMEM;
	case JSON_INTEGER:
		v->type = AP_SV_INT;
		v->u.i = (int64_t)json_integer_value(j);
		return 0;
	case JSON_REAL:
		v->type = AP_SV_REAL;
		v->u.d = json_real_value(j);
		return 0;
	case JSON_TRUE:
		v->type = AP_SV_TRUE;
		return 0;
	case JSON_FALSE:
		v->type = AP_SV_FALSE;
		return 0;
	case JSON_NULL:
	default:
		v->type = AP_SV_NULL;
		return 0;
	}
}

int ap_svc__attr_parse(struct ap_svc__attr *a, const char *s, size_t len, struct ap_sv *out)
{
	const size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
	json_error_t je;
	json_t *root;
	int marked = 0, ret;

	a->bad_utf8 = 0;
	memset(out, 0, sizeof(*out));
	out->type = AP_SV_OBJ;
	if (!ap_utf8_valid(s, len)) {
		AP_FORWARD_IF_ERROR(mark_bad_utf8(&a->fixed, s, len));
		s = a->fixed.buf;
		len = a->fixed.len;
		marked = 1;
	}
	root = json_loadb(s, len, flags, &je);
	/* Python ints are unbounded: an integer beyond int64 is read as a float (every number
	 * of that record then is one; jansson has no mixed mode) */
	if (!root && json_error_code(&je) == json_error_numeric_overflow)
		root = json_loadb(s, len, flags | JSON_DECODE_INT_AS_REAL, &je);
	if (!root)
		return 1;
	if (!json_is_object(root)) {
		json_decref(root);
		return 1;
	}
	ret = convert(a, marked, root, out);
	json_decref(root);
	if (ret < 0) {
		memset(out, 0, sizeof(*out));
		out->type = AP_SV_OBJ;
		return ret;
	}
	return 0;
}
