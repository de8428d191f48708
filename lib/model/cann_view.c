/* The CANN join's tables (ap/cann_view.h): lifecycle only. */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_view.h"
#include "ap/status.h"
#include "../base/banned.h"

int ap_cann_view_init(struct ap_cann_view *v)
{
	memset(v, 0, sizeof(*v));
	v->pid = -1;
	return ap_strtab_init(&v->strs) < 0 ? AP_ENOMEM : 0;
}

void ap_cann_view_release(struct ap_cann_view *v)
{
	if (!v)
		return;
	ap_strtab_release(&v->strs);
	ap_vec_free(&v->ops);
	ap_vec_free(&v->tasks);
	ap_vec_free(&v->apis);
	ap_vec_free(&v->flows);
	ap_vec_free(&v->comm_ops);
	ap_vec_free(&v->hccl_tasks);
	ap_vec_free(&v->hccl);
	memset(v, 0, sizeof(*v));
}
