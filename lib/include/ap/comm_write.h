/* communication.json and communication_matrix.json (spec torch_npu_ascend_pt.md §8.7) from
 * the tables of ap/commview.h, in Python json.dumps spelling (§8.0). */
#ifndef AP_COMM_WRITE_H
#define AP_COMM_WRITE_H

#include "ap/commview.h"
#include "ap/err.h"

/* dir/communication.json when c->has_comm, dir/communication_matrix.json when
 * c->has_matrix (neither file otherwise). Returns 0, or AP_EIO / AP_ENOMEM with err set (no
 * partial file left). */
int ap_write_communication(const char *dir, const struct ap_comm *c, struct ap_err *err);

#endif
