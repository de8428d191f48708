#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/diag.h"
#include "ap/vec.h"
#include "banned.h"

void ap_diag_init(struct ap_diag *d)
{
	d->v = NULL;
	d->n = d->cap = 0;
	d->lost = 0;
	d->lost_worst = -1;
}

static void lose(struct ap_diag *d, enum ap_diag_kind kind, unsigned long n)
{
	d->lost += n;
	if ((int)kind > d->lost_worst)
		d->lost_worst = (int)kind;
}

static struct ap_diag_entry *find(struct ap_diag *d, enum ap_diag_kind kind, const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].kind == kind && !strncmp(d->v[i].key, key, sizeof(d->v[i].key) - 1))
			return &d->v[i];
	return NULL;
}

void ap_diag_release(struct ap_diag *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		ap_strbuf_release(&d->v[i].first);
	free(d->v);
	ap_diag_init(d);
}

void ap_diag_report(struct ap_diag *d, enum ap_diag_kind kind, const char *key,
		    const char *fmt, ...)
{
	struct ap_diag_entry *e = find(d, kind, key);
	va_list ap;

	if (e) {
		e->count++;
		return;
	}
	e = ap_vec__push((void **)&d->v, &d->n, &d->cap, sizeof(*d->v));
	if (!e) {
		lose(d, kind, 1);
		return;
	}
	e->kind = kind;
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->count = 1;
	ap_strbuf_init(&e->first);
	va_start(ap, fmt);
	ap_strbuf_vaddf(&e->first, fmt, ap);
	va_end(ap);
}

void ap_diag_add(struct ap_diag *d, enum ap_diag_kind kind, const char *key, unsigned long n)
{
	struct ap_diag_entry *e = find(d, kind, key);

	if (e)
		e->count += n;
	else if (n)
		lose(d, kind, n);
}

void ap_diag_merge(struct ap_diag *d, struct ap_diag *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		struct ap_diag_entry *e = find(d, src->v[i].kind, src->v[i].key);

		if (e) {
			e->count += src->v[i].count;
			continue;
		}
		e = ap_vec__push((void **)&d->v, &d->n, &d->cap, sizeof(*d->v));
		if (!e) {
			lose(d, src->v[i].kind, src->v[i].count);
			continue;
		}
		*e = src->v[i];
		ap_strbuf_init(&src->v[i].first); /* moved: the message now belongs to d */
	}
	if (src->lost)
		lose(d, (enum ap_diag_kind)src->lost_worst, src->lost);
	ap_diag_release(src);
}

int ap_diag_worst(const struct ap_diag *d)
{
	int worst = d->lost ? d->lost_worst : -1;
	size_t i;

	for (i = 0; i < d->n; i++)
		if ((int)d->v[i].kind > worst)
			worst = (int)d->v[i].kind;
	return worst;
}
