#include <stdlib.h>
#include <string.h>

#include "ap/status.h"
#include "ap/strlist.h"
#include "banned.h"

void ap_strlist_release(struct ap_strlist *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int ap_strlist_add(struct ap_strlist *l, const char *s)
{
	char *copy;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		char **nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return AP_ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	copy = strdup(s);
	if (!copy)
		return AP_ENOMEM;
	l->v[l->n++] = copy;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void ap_strlist_sort(struct ap_strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}
