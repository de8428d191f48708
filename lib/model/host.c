#include <stdlib.h>
#include <string.h>

#include "ap/host.h"
#include "ap/status.h"
#include "../base/banned.h"

int ap_host_init(struct ap_host *h)
{
	memset(h, 0, sizeof(*h));
	return ap_strtab_init(&h->strs) < 0 ? AP_ENOMEM : 0;
}

void ap_host_release(struct ap_host *h)
{
	if (!h)
		return;
	ap_strtab_release(&h->strs);
	ap_vec_free(&h->ops);
	ap_vec_free(&h->marks);
	ap_vec_free(&h->mems);
	ap_vec_free(&h->pyrecs);
	ap_vec_free(&h->pyhash);
	ap_vec_free(&h->gcs);
	memset(h, 0, sizeof(*h));
}
