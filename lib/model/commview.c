/* The communication tables (ap/commview.h): life cycle and name tables. */
#include <stdlib.h>
#include <string.h>

#include "ap/commview.h"
#include "ap/status.h"
#include "../base/banned.h"

const char *ap_comm_transport_name(int t)
{
	static const char *const n[] = { "RDMA", "HCCS", "PCIE", "SDMA", "SIO" };

	return t >= 0 && t < AP_COMM_NTRANSPORT ? n[t] : NULL;
}

const char *ap_comm_matrix_transport_name(int c)
{
	static const char *const n[] = { "HCCS", "PCIE", "RDMA", "LOCAL", "SIO" };

	return c >= 0 && c < 5 ? n[c] : NULL;
}

int ap_comm_init(struct ap_comm *c)
{
	memset(c, 0, sizeof(*c));
	c->first_untimed = c->first_bad_transport = UINT32_MAX;
	return ap_strtab_init(&c->strs) < 0 ? AP_ENOMEM : 0;
}

void ap_comm_release(struct ap_comm *c)
{
	if (!c)
		return;
	ap_strtab_release(&c->strs);
	ap_vec_free(&c->ops);
	ap_vec_free(&c->bins);
	ap_vec_free(&c->links);
	ap_vec_free(&c->gops);
	ap_vec_free(&c->ments);
	ap_vec_free(&c->mlinks);
	ap_vec_free(&c->steps);
	ap_vec_free(&c->msteps);
	memset(c, 0, sizeof(*c));
}

