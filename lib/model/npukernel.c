/* Linked device kernels and what is derived from them (ap/npukernel.h): lifecycle and the
 * step id getter. */
#include <stdlib.h>
#include <string.h>

#include "ap/npukernel.h"
#include "../base/banned.h"

void ap_kernel_rel_init(struct ap_kernel_rel *r)
{
	memset(r, 0, sizeof(*r));
}

void ap_kernel_rel_release(struct ap_kernel_rel *r)
{
	if (!r)
		return;
	free(r->dev);
	free(r->isfloat);
	ap_vec_free(&r->steps);
	ap_vec_free(&r->flows);
	ap_kernel_rel_init(r);
}

const char *ap_krel_step_id(const struct ap_host *h, const struct ap_krel_step *s)
{
	const char *name = ap_strtab_get(&h->strs, h->ops.v[s->op].name);
	const char *hash = name ? strrchr(name, '#') : NULL;

	return hash ? hash + 1 : "";
}
