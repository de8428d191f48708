/* Overlap Analysis and step_trace_time tables (ap/overlap.h): lifecycle and lane names. */
#include <stdlib.h>
#include <string.h>

#include "ap/overlap.h"
#include "../base/banned.h"

const char *ap_overlap_kind_name(enum ap_overlap_kind k)
{
	static const char *const names[AP_OVERLAP_KINDS] = {
		"Computing", "Communication", "Communication(Not Overlapped)", "Free"
	};

	return (unsigned)k < AP_OVERLAP_KINDS ? names[k] : NULL;
}

void ap_overlap_init(struct ap_overlap *o)
{
	memset(o, 0, sizeof(*o));
}

void ap_overlap_release(struct ap_overlap *o)
{
	size_t i;
	int k;

	if (!o)
		return;
	for (i = 0; i < o->n; i++) {
		for (k = 0; k < AP_OVERLAP_KINDS; k++)
			ap_vec_free(&o->dev[i].lane[k]);
		ap_vec_free(&o->dev[i].receive);
	}
	free(o->dev);
	ap_overlap_init(o);
}

void ap_step_time_init(struct ap_step_time *t)
{
	memset(t, 0, sizeof(*t));
}

void ap_step_time_release(struct ap_step_time *t)
{
	if (!t)
		return;
	ap_vec_free(&t->rows);
	ap_step_time_init(t);
}
