/* A growable list of owned strings. */
#ifndef AP_STRLIST_H
#define AP_STRLIST_H

#include <stddef.h>

struct ap_strlist {
	char **v;
	size_t n, cap;
};

/* Frees every string and the list; accepts NULL. */
void ap_strlist_release(struct ap_strlist *l);
/* Appends a copy of s; returns 0 or AP_ENOMEM. */
int ap_strlist_add(struct ap_strlist *l, const char *s);
/* Sorts by byte order (strcmp). */
void ap_strlist_sort(struct ap_strlist *l);

#endif
