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
	struct ap_diag_entry *e;
	va_list ap;
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].kind == kind && !strcmp(d->v[i].key, key)) {
			d->v[i].count++;
			return;
		}
	}
	e = ap_vec__push((void **)&d->v, &d->n, &d->cap, sizeof(*d->v));
	if (!e)
		return;
	e->kind = kind;
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->count = 1;
	ap_strbuf_init(&e->first);
	va_start(ap, fmt);
	ap_strbuf_vaddf(&e->first, fmt, ap);
	va_end(ap);
}

int ap_diag_worst(const struct ap_diag *d)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < d->n; i++)
		if ((int)d->v[i].kind > worst)
			worst = (int)d->v[i].kind;
	return worst;
}
