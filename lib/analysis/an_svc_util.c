/* Helpers of the service analysis (an_svc_*.c): a string hash map and the Python semantics of
 * attribute values that §2.4-§2.6 rely on (int(), str() of scalars, ==, truthiness,
 * pd.to_numeric). specs/ms_service_profiler.md §2.4. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_svc_local.h"
#include "ap/fmt.h"
#include "ap/status.h"
#include "ap/svc_an.h"
#include "ap/svc_fmt.h"
#include "../base/banned.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

void ap_svc__smap_init(struct ap_svc__smap *m)
{
	m->slot = NULL;
	m->mask = 0;
	m->n = 0;
}

void ap_svc__smap_release(struct ap_svc__smap *m)
{
	if (!m)
		return;
	free(m->slot);
	ap_svc__smap_init(m);
}

struct ap_svc__smap_slot *ap_svc__smap_find(const struct ap_svc__smap *m, const char *key,
					    size_t len)
{
	size_t i;

	if (!m->slot)
		return NULL;
	for (i = hash_bytes(key, len) & m->mask; m->slot[i].key; i = (i + 1) & m->mask)
		if (m->slot[i].len == len && !memcmp(m->slot[i].key, key, len))
			return &m->slot[i];
	return NULL;
}

static int grow(struct ap_svc__smap *m)
{
	size_t cap = m->slot ? (m->mask + 1) * 2 : 64, i, j;
	struct ap_svc__smap_slot *ns = calloc(cap, sizeof(*ns));

	if (!ns)
		return AP_ENOMEM;
	for (i = 0; m->slot && i <= m->mask; i++) {
		if (!m->slot[i].key)
			continue;
		for (j = hash_bytes(m->slot[i].key, m->slot[i].len) & (cap - 1); ns[j].key;
		     j = (j + 1) & (cap - 1))
			;
		ns[j] = m->slot[i];
	}
	free(m->slot);
	m->slot = ns;
	m->mask = cap - 1;
	return 0;
}

struct ap_svc__smap_slot *ap_svc__smap_put(struct ap_svc__smap *m, const char *key, size_t len,
					   int *added)
{
	struct ap_svc__smap_slot *sl = ap_svc__smap_find(m, key, len);
	size_t i;

	*added = 0;
	if (sl)
		return sl;
	if ((!m->slot || (m->n + 1) * 4 > (m->mask + 1) * 3) && grow(m) < 0)
		return NULL;
	for (i = hash_bytes(key, len) & m->mask; m->slot[i].key; i = (i + 1) & m->mask)
		;
	m->slot[i].key = key;
	m->slot[i].len = len;
	m->slot[i].val = 0;
	m->n++;
	*added = 1;
	return &m->slot[i];
}

const struct ap_sv *ap_svc__get(const struct ap_sv *v, const char *key)
{
	if (!v || v->type != AP_SV_OBJ)
		return NULL;
	for (uint32_t i = 0; i < v->n; i++)
		if (!strcmp(v->u.members[i].key, key))
			return &v->u.members[i].v;
	return NULL;
}

int ap_svc__valid(const struct ap_sv *v)
{
	return v && v->type != AP_SV_ABSENT && v->type != AP_SV_NULL &&
	       !(v->type == AP_SV_REAL && isnan(v->u.d));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Python int(str): surrounding whitespace, one sign, digits with single '_' between digits.
 * Writes the canonical decimal (no leading zeros, "-0" -> "0") to out (>= len + 2 bytes);
 * returns its length, or 0 when int() would raise. */
size_t ap_svc__int_text(const char *s, size_t len, char *out)
{
	size_t b = 0, e = len, o = 0, nd = 0;
	int neg = 0, prev_us = 0;

	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	if (b < e && (s[b] == '+' || s[b] == '-'))
		neg = s[b++] == '-';
	if (b == e)
		return 0;
	out[o++] = '-';
	for (size_t i = b; i < e; i++) {
		if (s[i] == '_') {
			if (!nd || prev_us)
				return 0;
			prev_us = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return 0;
		prev_us = 0;
		nd++;
		if (o == 1 && s[i] == '0')
			continue; /* leading zero */
		out[o++] = s[i];
	}
	if (prev_us || !nd)
		return 0;
	if (o == 1)
		out[o++] = '0';
	if (!neg || (o == 2 && out[1] == '0')) {
		memmove(out, out + 1, o - 1);
		o--;
	}
	out[o] = '\0';
	return o;
}

/* The decimal of int(x) for a finite double: trunc toward zero, exact digits. */
static size_t real_int_text(double x, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%.0f", trunc(x));

	if (n < 0 || (size_t)n >= cap)
		return 0;
	if (!strcmp(buf, "-0"))
		return (size_t)snprintf(buf, cap, "0");
	return (size_t)n;
}

int ap_svc_rid_norm(struct ap_arena *a, const struct ap_sv *v, struct ap_sv *out)
{
	char tmp[AP_FMT_MAX + 360];
	size_t n = 0;

	*out = *v;
	switch (v->type) {
	case AP_SV_INT:
		n = ap_fmt_i64(tmp, v->u.i);
		break;
	case AP_SV_REAL:
		if (!isfinite(v->u.d))
			return 0; /* int() raises: unchanged */
		n = real_int_text(v->u.d, tmp, sizeof(tmp));
		break;
	case AP_SV_TRUE:
	case AP_SV_FALSE:
		tmp[0] = v->type == AP_SV_TRUE ? '1' : '0';
		tmp[1] = '\0';
		n = 1;
		break;
	case AP_SV_STR: {
		char small[64], *buf = v->n + 2 <= sizeof(small) ? small : malloc(v->n + 2);

		if (!buf)
			return AP_ENOMEM;
		n = ap_svc__int_text(v->u.s, v->n, buf);
		if (n && (n != v->n || memcmp(buf, v->u.s, n))) {
			out->u.s = ap_arena_strndup(a, buf, n);
			out->n = (uint32_t)n;
		}
		if (buf != small)
			free(buf);
		return n && !out->u.s ? AP_ENOMEM : 0;
	}
	default:
		return 0;
	}
	if (!n)
		return 0;
	out->type = AP_SV_STR;
	out->n = (uint32_t)n;
	out->u.s = ap_arena_strndup(a, tmp, n);
	return out->u.s ? 0 : AP_ENOMEM;
}

int ap_svc__py_int(const struct ap_sv *v, int64_t *out)
{
	char small[64];
	size_t n;

	switch (v ? v->type : AP_SV_ABSENT) {
	case AP_SV_INT:
		*out = v->u.i;
		return 1;
	case AP_SV_TRUE:
	case AP_SV_FALSE:
		*out = v->type == AP_SV_TRUE;
		return 1;
	case AP_SV_REAL:
		if (!isfinite(v->u.d) || fabs(v->u.d) >= 9.2e18)
			return 0;
		*out = (int64_t)v->u.d;
		return 1;
	case AP_SV_STR:
		if (v->n + 2 > sizeof(small))
			return 0;
		n = ap_svc__int_text(v->u.s, v->n, small);
		if (!n || n > 19)
			return 0;
		*out = strtoll(small, NULL, 10);
		return 1;
	default:
		return 0;
	}
}

const char *ap_svc__scalar_str(struct ap_arena *a, const struct ap_sv *v, int *oom)
{
	char buf[AP_FMT_MAX];
	const char *r;

	switch (v->type) {
	case AP_SV_STR:
		return v->u.s;
	case AP_SV_ABSENT:
		return "nan";
	case AP_SV_NULL:
		return "None";
	case AP_SV_TRUE:
		return "True";
	case AP_SV_FALSE:
		return "False";
	case AP_SV_INT:
		ap_fmt_i64(buf, v->u.i);
		break;
	case AP_SV_REAL:
		ap_fmt_double(buf, v->u.d);
		break;
	default: {
		/* a list or dict: its repr (rare: a nested rid) */
		struct ap_strbuf sb = AP_STRBUF_INIT;

		ap_sv_pystr(&sb, v);
		r = sb.failed ? NULL : ap_arena_strndup(a, sb.buf, sb.len);
		ap_strbuf_release(&sb);
		if (!r)
			*oom = 1;
		return r;
	}
	}
	r = ap_arena_strdup(a, buf);
	if (!r)
		*oom = 1;
	return r;
}

int ap_svc__sv_same(const struct ap_sv *x, const struct ap_sv *y)
{
	if (x == y)
		return 1;
	if (x->type != y->type)
		return 0;
	switch (x->type) {
	case AP_SV_INT:
		return x->u.i == y->u.i;
	case AP_SV_REAL: /* same repr: same bits, any NaN prints "nan" */
		return (isnan(x->u.d) && isnan(y->u.d)) ||
		       (x->u.d == y->u.d && signbit(x->u.d) == signbit(y->u.d));
	case AP_SV_STR:
		return x->n == y->n && !memcmp(x->u.s, y->u.s, x->n);
	case AP_SV_LIST:
		if (x->n != y->n)
			return 0;
		for (uint32_t i = 0; i < x->n; i++)
			if (!ap_svc__sv_same(&x->u.items[i], &y->u.items[i]))
				return 0;
		return 1;
	case AP_SV_OBJ:
		if (x->n != y->n)
			return 0;
		for (uint32_t i = 0; i < x->n; i++)
			if (strcmp(x->u.members[i].key, y->u.members[i].key) ||
			    !ap_svc__sv_same(&x->u.members[i].v, &y->u.members[i].v))
				return 0;
		return 1;
	default:
		return 1;
	}
}

uint64_t ap_svc__sv_hash(const struct ap_sv *v)
{
	uint64_t h = v->type * 0x9e3779b97f4a7c15ull;

	switch (v->type) {
	case AP_SV_INT:
		return h ^ ((uint64_t)v->u.i * 0xff51afd7ed558ccdull);
	case AP_SV_STR:
		return h ^ hash_bytes(v->u.s, v->n);
	case AP_SV_LIST:
		for (uint32_t i = 0; i < v->n; i++)
			h = (h ^ ap_svc__sv_hash(&v->u.items[i])) * 1099511628211ull;
		return h;
	case AP_SV_OBJ:
		for (uint32_t i = 0; i < v->n; i++)
			h = (h ^ hash_bytes(v->u.members[i].key, strlen(v->u.members[i].key)) ^
			     ap_svc__sv_hash(&v->u.members[i].v)) * 1099511628211ull;
		return h;
	default:
		return h; /* reals: equal reprs may differ in bits only for NaN; type hash is enough */
	}
}

int ap_svc__truthy(const struct ap_sv *v)
{
	switch (v ? v->type : AP_SV_ABSENT) {
	case AP_SV_TRUE:
		return 1;
	case AP_SV_INT:
		return v->u.i != 0;
	case AP_SV_REAL:
		return v->u.d != 0.0; /* NaN is truthy */
	case AP_SV_STR:
	case AP_SV_LIST:
	case AP_SV_OBJ:
		return v->n > 0;
	default:
		return 0;
	}
}

int ap_svc__to_num(const struct ap_sv *v, double *out)
{
	char buf[128], *end;

	switch (v ? v->type : AP_SV_ABSENT) {
	case AP_SV_INT:
		*out = (double)v->u.i;
		return 1;
	case AP_SV_REAL:
		*out = v->u.d;
		return !isnan(v->u.d);
	case AP_SV_TRUE:
	case AP_SV_FALSE:
		*out = v->type == AP_SV_TRUE;
		return 1;
	case AP_SV_STR:
		if (!v->n || v->n >= sizeof(buf) || memchr(v->u.s, '\0', v->n))
			return 0;
		memcpy(buf, v->u.s, v->n);
		buf[v->n] = '\0';
		*out = strtod(buf, &end);
		while (*end && is_space(*end))
			end++;
		return end != buf && !*end && !isnan(*out);
	default:
		return 0;
	}
}

