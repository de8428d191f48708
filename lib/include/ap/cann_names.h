/* Name tables of the enums found in CANN host records (spec cann_prof_raw.md §2.1, §2.6.3,
 * §2.7): what a consumer prints for a number when the dump's dictionaries do not name it.
 * Every function returns a static string, or NULL for a number the table lacks (print the
 * number then). */
#ifndef AP_CANN_NAMES_H
#define AP_CANN_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define AP_CANN_FORMAT_UNDEFINED 0xFFFFFFFFu /* tensor format "UNDEFINED", §2.5.1 */
#define AP_CANN_DTYPE_UNDEFINED 0xFFFFFFFFu  /* tensor data type "UNDEFINED", §2.7 */

/* GE task type of node_basic_info (§2.7): 0 AI_CORE ... 11 INVALID, 256 HCCL_AI_CPU. */
const char *ap_cann_ge_task_type_name(uint32_t v);
/* GE data type (§2.7): 0 FLOAT, 1 FLOAT16, ... 27 DT_BF16 ..., 0xFFFFFFFF UNDEFINED. */
const char *ap_cann_ge_dtype_name(uint32_t v);
/* GE format enum value (§2.7, the low 8 bits of a tensor format): 0 NCHW, 2 ND, 29 FRACTAL_NZ,
 * 255 MAX (the C++ table where it and Python's differ: 45 END, 46 unnamed). */
const char *ap_cann_ge_format_name(uint32_t v);
/* A tensor format as printed (§2.5.1): "UNDEFINED" for 0xFFFFFFFF, else the name of the low 8
 * bits, followed by ":<sub>" when bits 8-23 (sub-format) are non-zero ("FRACTAL_Z:16"); a low
 * byte without a name prints as its decimal value. Writes at most cap bytes with the NUL into
 * buf (32 always suffice) and returns the length (snprintf's). */
int ap_cann_ge_format_fmt(uint32_t v, char *buf, size_t cap);
/* Built-in TS (runtime) task type name (§2.6.2 fallbacks, §2.6.3): the runtime level's type
 * ids below 1000. The dump's type_info_dic takes precedence (ap_cann_type_name). */
const char *ap_cann_ts_task_type_name(uint32_t v);
/* The API family tag of an ACL-level type id (§2.1: its high 16 bits): 1 ACL_OP, 2 ACL_MODEL,
 * 3 ACL_RTS, 4 ACL_OTHERS, 5 ACL_NN, 6 ACL_ASCENDC, 7 HOST_HCCL, 9 ACL_DVPP, 10 ACL_GRAPH,
 * 11 ACL_ATB, 12 HIXL. */
const char *ap_cann_acl_tag_name(uint32_t type);
/* hccl_info link type (§2.5.3; msprof LinkType): 0 ON_CHIP, 1 HCCS, 2 PCIE, 3 ROCE, 4 SIO,
 * 5 HCCS_SW, 6 STANDARD_ROCE, 7 UB, 8 UBoE, 255 RESERVED, 0xFFFFFFFF INVALID_TYPE. */
const char *ap_cann_hccl_link_name(uint32_t v);
/* hccl_info transport type (TransPortType): 0 SDMA, 1 RDMA, 2 LOCAL, 3 UB, 4 ROCE, 255, ~0. */
const char *ap_cann_hccl_transport_name(uint32_t v);
/* hccl_info RDMA type (RdmaType): 0 RDMA_SEND_NOTIFY, 1 RDMA_SEND_PAYLOAD, 255, ~0. */
const char *ap_cann_hccl_rdma_name(uint32_t v);

#endif
