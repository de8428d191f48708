/* Name tables of the enums in CANN host records (spec cann_prof_raw.md §2.1, §2.6.2, §2.6.3,
 * §2.7). Where the spec's tables and the newest upstream table (Ascend/msprof
 * number_mapping.cpp) differ, the newer values are used and noted. */
#include <stdio.h>
#include <stdlib.h>

#include "ap/cann_names.h"
#include "../base/banned.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *dense(const char *const *t, size_t n, uint32_t v)
{
	return v < n ? t[v] : NULL;
}

/* GE task type, §2.7 */
static const char *const ge_task_type[] = {
	"AI_CORE", "AI_CPU", "AI_VECTOR_CORE", "WRITE_BACK", "MIX_AIC", "MIX_AIV",
	"FFTS_PLUS", "DSA_SQE", "DVPP", "COMMUNICATION", "FUSION", "INVALID",
};
#define GE_TASK_HCCL_AI_CPU 256u /* analysis-internal, §2.7 */

const char *ap_cann_ge_task_type_name(uint32_t v)
{
	if (v == GE_TASK_HCCL_AI_CPU)
		return "HCCL_AI_CPU";
	return dense(ge_task_type, COUNT(ge_task_type), v);
}

/* GE data type, §2.7; 42 DT_HIFLOAT4 and 43 DT_MAX from the newest upstream table (the spec
 * has 42 DT_MAX). 5 has no name. */
static const char *const ge_dtype[] = {
	"FLOAT", "FLOAT16", "INT8", "INT32", "UINT8", NULL, "INT16", "UINT16", "UINT32", "INT64",
	"UINT64", "DOUBLE", "BOOL", "STRING", "DUAL_SUB_INT8", "DUAL_SUB_UINT8", "COMPLEX64",
	"COMPLEX128", "QINT8", "QINT16", "QINT32", "QUINT8", "QUINT16", "RESOURCE", "STRING_REF",
	"DUAL", "DT_VARIANT", "DT_BF16", "DT_UNDEFINED", "DT_INT4", "DT_UINT1", "DT_INT2",
	"DT_UINT2", "DT_COMPLEX32", "DT_HIFLOAT8", "DT_FLOAT8_E5M2", "DT_FLOAT8_E4M3FN",
	"DT_FLOAT8_E8M0", "DT_FLOAT6_E3M2", "DT_FLOAT6_E2M3", "DT_FLOAT4_E2M1", "DT_FLOAT4_E1M2",
	"DT_HIFLOAT4", "DT_MAX",
};
/* 229..246, §2.7 */
#define GE_DTYPE_NUMBER_BASE 229u
static const char *const ge_dtype_number[] = {
	"NUMBER_TYPE_BEGIN_", "BOOL_", "INT_", "INT8_", "INT16_", "INT32_", "INT64_", "UINT_",
	"UINT8_", "UINT16_", "UINT32_", "UINT64_", "FLOAT_", "FLOAT16_", "FLOAT32_", "FLOAT64_",
	"COMPLEX_", "NUMBER_TYPE_END_",
};

const char *ap_cann_ge_dtype_name(uint32_t v)
{
	if (v == AP_CANN_DTYPE_UNDEFINED)
		return "UNDEFINED";
	if (v >= GE_DTYPE_NUMBER_BASE)
		return dense(ge_dtype_number, COUNT(ge_dtype_number), v - GE_DTYPE_NUMBER_BASE);
	return dense(ge_dtype, COUNT(ge_dtype), v);
}

/* GE format, §2.7. 45 NYUV and 46 NYUV_A as in the Python table and the newest C++ one (the
 * spec's C++ reading had 45 END). */
static const char *const ge_format[] = {
	"NCHW", "NHWC", "ND", "NC1HWC0", "FRACTAL_Z", "NC1C0HWPAD", "NHWC1C0", "FSR_NCHW",
	"FRACTAL_DECONV", "C1HWNC0", "FRACTAL_DECONV_TRANSPOSE", "FRACTAL_DECONV_SP_STRIDE_TRANS",
	"NC1HWC0_C04", "FRACTAL_Z_C04", "CHWN", "FRACTAL_DECONV_SP_STRIDE8_TRANS", "HWCN",
	"NC1KHKWHWC0", "BN_WEIGHT", "FILTER_HWCK", "HASHTABLE_LOOKUP_LOOKUPS",
	"HASHTABLE_LOOKUP_KEYS", "HASHTABLE_LOOKUP_VALUE", "HASHTABLE_LOOKUP_OUTPUT",
	"HASHTABLE_LOOKUP_HITS", "C1HWNCoC0", "MD", "NDHWC", "FRACTAL_ZZ", "FRACTAL_NZ", "NCDHW",
	"DHWCN", "NDC1HWC0", "FRACTAL_Z_3D", "CN", "NC", "DHWNC", "FRACTAL_Z_3D_TRANSPOSE",
	"FRACTAL_ZN_LSTM", "FRACTAL_Z_G", "RESERVED", "ALL", "NULL", "ND_RNN_BIAS",
	"FRACTAL_ZN_RNN", "NYUV", "NYUV_A", "NCL", "FRACTAL_Z_WINO", "C1HWC0",
	"FRACTAL_NZ_C0_16", "FRACTAL_NZ_C0_32", "FRACTAL_NZ_C0_2", "FRACTAL_NZ_C0_4",
	"FRACTAL_NZ_C0_8", "END",
};
/* 200..221: the "_" aliases, §2.7 */
#define GE_FORMAT_ALIAS_BASE 200u
static const char *const ge_format_alias[] = {
	"UNKNOWN_", "DEFAULT_", "NC1KHKWHWC0_", "ND_", "NCHW_", "NHWC_", "HWCN_", "NC1HWC0_",
	"FRAC_Z_", "C1HWNCOC0_", "FRAC_NZ_", "NC1HWC0_C04_", "FRACTAL_Z_C04_", "NDHWC_",
	"FRACTAL_ZN_LSTM_", "FRACTAL_ZN_RNN_", "ND_RNN_BIAS_", "NDC1HWC0_", "NCDHW_",
	"FRACTAL_Z_3D_", "DHWNC_", "DHWCN_",
};
#define GE_FORMAT_MAX 0xFFu /* "MAX", §2.7 */

const char *ap_cann_ge_format_name(uint32_t v)
{
	if (v == AP_CANN_FORMAT_UNDEFINED)
		return "UNDEFINED";
	if (v == GE_FORMAT_MAX)
		return "MAX";
	if (v >= GE_FORMAT_ALIAS_BASE)
		return dense(ge_format_alias, COUNT(ge_format_alias), v - GE_FORMAT_ALIAS_BASE);
	return dense(ge_format, COUNT(ge_format), v);
}

int ap_cann_ge_format_fmt(uint32_t v, char *buf, size_t cap)
{
	uint32_t base, sub;
	const char *name;

	if (v == AP_CANN_FORMAT_UNDEFINED)
		return snprintf(buf, cap, "UNDEFINED");
	base = v & 0xFFu;            /* §2.5.1: low 8 bits the format */
	sub = (v >> 8) & 0xFFFFu;    /* bits 8-23 the sub-format */
	name = ap_cann_ge_format_name(base);
	if (name)
		return sub ? snprintf(buf, cap, "%s:%u", name, sub) : snprintf(buf, cap, "%s", name);
	return sub ? snprintf(buf, cap, "%u:%u", base, sub) : snprintf(buf, cap, "%u", base);
}

/* TS task types, §2.6.3, with the type_info_dic fallbacks of §2.6.2 (27, 28); 110-112 (the
 * DAVID_EVENT_* types) carry the names the runtime registers for them. */
struct num_name {
	uint32_t v;
	const char *name;
};

static const struct num_name ts_task[] = {
	{ 0, "KERNEL_AICORE" }, { 1, "KERNEL_AICPU" }, { 2, "EVENT_RECORD" },
	{ 3, "EVENT_WAIT" }, { 4, "KERNEL_FUSION" }, { 5, "MEMCPY_ASYNC" },
	{ 6, "MAINTENANCE" }, { 7, "CREATE_STREAM" }, { 9, "REMOTE_EVENT_WAIT" },
	{ 12, "MODEL_MAINTAINCE" }, { 13, "MODEL_EXECUTE" }, { 14, "NOTIFY_WAIT" },
	{ 15, "NOTIFY_RECORD" }, { 16, "RDMA_SEND" }, { 18, "STREAM_SWITCH" },
	{ 19, "STREAM_ACTIVE" }, { 20, "LABEL_SET" }, { 21, "LABEL_SWITCH" }, { 22, "LABEL_GOTO" },
	{ 23, "PROFILER_TRACE" }, { 24, "EVENT_RESET" }, { 25, "RDMA_DB_SEND" },
	{ 26, "PROFILER_TRACE_EX" }, { 27, "DYNAMIC_ENABLE" }, { 28, "DYNAMIC_DISABLE" },
	{ 30, "CCU_LAUNCH" }, { 50, "STARS_COMMON" }, { 51, "FFTS" }, { 52, "FFTS_PLUS" },
	{ 53, "CMO" }, { 54, "BARRIER" }, { 55, "WriteValueTask" }, { 56, "MULTIPLE_TASK" },
	{ 57, "TASK_SQE_UPDATE" }, { 64, "PROFILING_ENABLE" }, { 65, "PROFILING_DISABLE" },
	{ 66, "KERNEL_AIVEC" }, { 67, "MODEL_END_GRAPH" }, { 68, "MODEL_TO_AICPU" },
	{ 69, "ACTIVE_AICPU_STREAM" }, { 72, "HOSTFUNC_CALLBACK" }, { 98, "FLIP_TASK" },
	{ 103, "NOP" }, { 107, "KERNEL_FUSION" }, { 108, "KERNEL_MIX_AIC" },
	{ 109, "KERNEL_MIX_AIV" }, { 110, "EVENT_RECORD" }, { 111, "EVENT_WAIT" },
	{ 112, "EVENT_RESET" }, { 113, "MEM_WRITE_VALUE" }, { 114, "MEM_WAIT_VALUE" },
	{ 126, "CAPTURE_RECORD" }, { 127, "CAPTURE_WAIT" }, { 129, "IPC_EVENT_RECORD" },
	{ 130, "IPC_EVENT_WAIT" }, { 600, "KERNEL_SIMT" },
};

const char *ap_cann_ts_task_type_name(uint32_t v)
{
	size_t lo = 0, hi = COUNT(ts_task);

	while (lo < hi) { /* the table is sorted by number */
		size_t mid = lo + (hi - lo) / 2;

		if (ts_task[mid].v == v)
			return ts_task[mid].name;
		if (ts_task[mid].v < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ACL API family tags (high 16 bits of an ACL-level type), §2.1. */
static const char *const acl_tag[] = {
	NULL, "ACL_OP", "ACL_MODEL", "ACL_RTS", "ACL_OTHERS", "ACL_NN", "ACL_ASCENDC",
	"HOST_HCCL", NULL, "ACL_DVPP", "ACL_GRAPH", "ACL_ATB", "HIXL",
};

const char *ap_cann_acl_tag_name(uint32_t type)
{
	return dense(acl_tag, COUNT(acl_tag), type >> 16);
}

/* hccl_info enums (msprof common_func/hccl_info_common.py LinkType, TransPortType, RdmaType);
 * 255 RESERVED and 0xFFFFFFFF INVALID_TYPE in each. */
static const char *hccl_common(uint32_t v)
{
	return v == 255u ? "RESERVED" : v == 0xFFFFFFFFu ? "INVALID_TYPE" : NULL;
}

static const char *const hccl_link[] = {
	"ON_CHIP", "HCCS", "PCIE", "ROCE", "SIO", "HCCS_SW", "STANDARD_ROCE", "UB", "UBoE",
};
static const char *const hccl_transport[] = { "SDMA", "RDMA", "LOCAL", "UB", "ROCE" };
static const char *const hccl_rdma[] = { "RDMA_SEND_NOTIFY", "RDMA_SEND_PAYLOAD" };

const char *ap_cann_hccl_link_name(uint32_t v)
{
	const char *s = dense(hccl_link, COUNT(hccl_link), v);

	return s ? s : hccl_common(v);
}

const char *ap_cann_hccl_transport_name(uint32_t v)
{
	const char *s = dense(hccl_transport, COUNT(hccl_transport), v);

	return s ? s : hccl_common(v);
}

const char *ap_cann_hccl_rdma_name(uint32_t v)
{
	const char *s = dense(hccl_rdma, COUNT(hccl_rdma), v);

	return s ? s : hccl_common(v);
}
