/* The host model of one PROF_* directory: the raw records of PROF_x/host/data/ decoded
 * (spec cann_prof_raw.md §1.4-§2), with their dictionaries. Timestamps are kept raw, as the
 * collector wrote them (host counter or monotonic ns, §3.6): a clock object converts them
 * elsewhere. Names are 64-bit hash ids (§2.6.1) resolved with ap_cann_hash_str; tables hold
 * no pointers. Filled by ap_cann_host_load (cann_host_load.h), read by the join of
 * lib/analysis/an_cann_*.c. Every table is in reading order: unaging slices before aging,
 * each by slice number (§1.4), records in file order. */
#ifndef AP_CANN_HOST_H
#define AP_CANN_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "ap/diag.h"
#include "ap/strtab.h"
#include "ap/u64map.h"
#include "ap/vec.h"

/* Levels, §2.1. */
#define AP_CANN_LEVEL_PYTORCH 30000
#define AP_CANN_LEVEL_ACL 20000
#define AP_CANN_LEVEL_MODEL 15000
#define AP_CANN_LEVEL_NODE 10000
#define AP_CANN_LEVEL_HCCL 5500
#define AP_CANN_LEVEL_RUNTIME 5000

/* TS task types with a meaning for the host side, §2.4.3 / §2.6.3. */
#define AP_CANN_TASK_FLIP 98u            /* FLIP_TASK: a stream's 16-bit task id wrapped */
#define AP_CANN_FLIP_DESTROY 0xFFFFu     /* flip number of the destroy flip, §2.4.3 */

/* The kinds of host file (§1.4, §1.5). */
enum ap_cann_family {
	AP_CANN_FAM_API = 0,       /* *.api_event.data.slice_N, 40-byte records */
	AP_CANN_FAM_COMPACT = 1,   /* *.compact.<type>.slice_N, 64-byte records */
	AP_CANN_FAM_ADDITIONAL = 2,/* *.additional.<type>.slice_N, 256-byte records */
	AP_CANN_FAM_HASH_DIC = 3,  /* unaging.additional.hash_dic.slice_N, text */
	AP_CANN_FAM_TYPE_DIC = 4,  /* unaging.additional.type_info_dic.slice_N, text */
};

/* One host slice read, for -v and for naming the source of a record. */
struct ap_cann_file {
	uint32_t name;     /* strtab id of the file name inside host/data/ */
	uint32_t slice;    /* the slice number M of "slice_M" */
	uint8_t family;    /* enum ap_cann_family */
	uint8_t aging;     /* 1: an "aging." file, 0: "unaging." */
	uint64_t size;     /* bytes when opened */
	uint64_t records;  /* records (dictionary lines) decoded into the tables */
	uint64_t skipped;  /* records not decoded: bad magic, cut tail, unknown or unused type,
			    * corrupt payload (each kind also reported in the diag) */
};

/* Index into ap_cann_host.files; records of files past the 32767th hold AP_CANN_FILE_MANY. */
#define AP_CANN_FILE_MANY 0x7FFFu

/* An API interval: an MsprofApi record, or two MsprofEvent records paired by
 * (level, type, tid, request id, item id) in reading order (§2.3). 40 bytes. */
struct ap_cann_api {
	uint64_t begin, end;   /* raw host time: beginTime/endTime, or the two events' times */
	uint64_t item_id;      /* hash id (model level: the model id number) */
	uint32_t type;         /* per-level type id (§2.1); ACL: tag << 16 | index */
	uint32_t tid;          /* host thread id */
	uint32_t reserve;      /* MsprofApi reserve / MsprofEvent requestId */
	uint16_t level;        /* §2.1 */
	uint16_t file : 15;    /* index into files of the (last) record, or AP_CANN_FILE_MANY */
	uint16_t event : 1;    /* 1: paired from two MsprofEvent records */
};

/* A task_track record (runtime level 5000, type 802 "v1" or 808 "v2", §2.4.3), both versions
 * normalised. 48 bytes. */
struct ap_cann_track {
	uint64_t ts;           /* raw host time of the header */
	uint64_t kernel_name;  /* hash id, 0 = none (always 0 when data_len < 24) */
	uint32_t task_type;    /* TS task type (§2.6.3); name: ap_cann_type_name(h, 5000, .) */
	uint32_t tid;
	uint32_t stream_id;    /* v1: u16; v2: u32 */
	uint16_t task_id;      /* bits 0-15 of taskId */
	uint16_t flip;         /* bits 16-31 of taskId as recorded (flip number, chips <= v4) */
	uint16_t batch;        /* batch id: = flip when loaded, set by ap_cann_flip_assign */
	uint16_t device_id;    /* bits 0-11 of deviceId */
	uint16_t num_blocks;   /* extInfo numBlocks, when data_len == 40; else 0 */
	uint8_t mix_ratio;     /* extInfo ratio (bits 0-2 of byte 28), when data_len == 40 */
	uint8_t data_len;      /* header dataLen: 16, 24 or 40 (v2: 40) */
	uint8_t dev_type : 4;  /* bits 12-15 of deviceId: 0 NPU, 1 DPU */
	uint8_t aging : 1;     /* from an aging file */
	uint8_t v2 : 1;        /* a task_track_v2 record (type 808) */
	uint8_t has_ext : 1;   /* data_len == 40: num_blocks and mix_ratio are valid */
};

/* node_basic_info (level 10000, type 0, §2.4.1). 48 bytes. */
struct ap_cann_node {
	uint64_t ts;
	uint64_t op_name;      /* hash id */
	uint64_t op_type;      /* hash id */
	uint32_t tid;
	uint32_t task_type;    /* GE task type (§2.7): ap_cann_ge_task_type_name */
	uint16_t block_dim;    /* blockDim bits 0-15: block num */
	uint16_t mix_ratio;    /* blockDim bits 16-31: mixBlockNum = block_dim * mix_ratio */
	uint32_t op_flag;      /* non-zero: HF32 eligible */
	uint8_t op_state;      /* 0 from an unaging file ("static"), 1 aging ("dynamic") */
};

/* node_attr_info (level 10000, type 9, §2.4.2). */
struct ap_cann_node_attr {
	uint64_t ts;
	uint64_t op_name;      /* hash id */
	uint64_t attr;         /* hash id of the attribute string */
	uint32_t tid;
	uint32_t attr_type;    /* 0 = OP_ATTR */
};

/* hccl_op_info (level 10000, type 10, §2.4.4). */
struct ap_cann_hccl_op {
	uint64_t ts;
	uint64_t alg_type;     /* hash id of the "-"-joined algorithm string */
	uint64_t count;
	uint64_t group_name;   /* hash id */
	uint64_t off;          /* byte offset of the record in its file */
	uint32_t file;         /* index into ap_cann_host.files */
	uint32_t tid;
	uint8_t relay, retry;  /* bits 0 and 1 of byte 0 */
	uint8_t data_type;     /* HCCL data type enum */
};

/* memcpy_info (runtime type 801, §2.4.5; layout as the analysis C++ reads it). */
struct ap_cann_memcpy {
	uint64_t ts;
	uint64_t data_size, max_size;
	uint32_t tid;
	uint16_t direction;    /* 0 h2h, 1 h2d, 2 d2h, 3 d2d, 4 managed, 5 addr d2d, 6/7 ex */
};

/* capture_stream_info (runtime type 803, §2.4.5). */
struct ap_cann_capture {
	uint64_t ts;
	uint32_t tid;
	uint16_t capture_status, model_stream_id, original_stream_id, model_id, device_id;
};

/* One tensor of a tensor_info record (§2.5.1). 44 bytes. */
struct ap_cann_tensor {
	uint32_t type;         /* 0 input, 1 output */
	uint32_t format;       /* 0xFFFFFFFF UNDEFINED; low 8 bits GE format, bits 8-23 sub-format */
	uint32_t dtype;        /* GE data type */
	uint32_t shape[8];     /* dims; unused ones 0 (the first 0 ends the shape, §2.5.1) */
};

/* tensor_info of one op: every record with the same (op_name, ts, tid), tensors concatenated
 * in reading order (§2.5.1). Ordered by first record. */
struct ap_cann_tensor_op {
	uint64_t ts;
	uint64_t op_name;      /* hash id */
	uint32_t tid;
	uint32_t first;        /* index into ap_cann_host.tensors */
	uint32_t count;        /* tensors: [first, first + count) */
};

/* context_id_info (type 4, level 10000 or 5500, §2.5.2). For level 5500 the two ids are the
 * inclusive range [ids[0], ids[1]]. */
struct ap_cann_ctx {
	uint64_t ts;
	uint64_t op_name;      /* hash id */
	uint32_t tid;
	uint32_t first;        /* index into ap_cann_host.ctx_ids */
	uint32_t count;        /* ctxIdNum (<= 55) */
	uint16_t level;
};

/* hccl_info (HCCL level, §2.5.3): one small HCCL task. */
struct ap_cann_hccl_info {
	uint64_t ts;
	uint64_t item_id;      /* hash id of the small task name (Memcpy, Notify_Wait, ...) */
	uint64_t ccl_tag;      /* hash id */
	uint64_t group_name;   /* hash id */
	uint64_t notify_id;
	uint64_t src_addr, dst_addr, data_size;
	double duration_estimated;
	uint64_t off;          /* byte offset of the record in its file */
	uint32_t file;         /* index into ap_cann_host.files */
	uint32_t tid;
	uint32_t local_rank, remote_rank, rank_size, work_flow_mode, plane_id, ctx_id;
	uint32_t stage, role;  /* role: 0 dst, 1 src */
	uint32_t op_type;      /* 0 sum, 1 mul, 2 max, 3 min */
	uint32_t data_type, link_type, transport_type, rdma_type;
};

/* graph_id_map (level 15000, type 0, §2.5.3). */
struct ap_cann_graph {
	uint64_t ts;
	uint64_t model_name;   /* hash id */
	uint32_t tid;
	uint32_t graph_id, model_id;
};

/* fusion_op_info (level 10000, type 2, §2.5.3). */
struct ap_cann_fusion {
	uint64_t ts;
	uint64_t op_name;      /* hash id */
	uint64_t input_mem, output_mem, weight_mem, workspace_mem, total_mem;
	uint64_t fusion_op_id[8]; /* hash ids; the first fusion_op_num are valid (<= 8) */
	uint32_t tid;
	uint32_t fusion_op_num;
};

struct ap_cann_host {
	struct ap_strtab strs;       /* dictionary strings and file names */
	struct ap_u64map hash;       /* hash id -> strs id (hash_dic, §2.6.1) */
	struct ap_u64map types;      /* level << 32 | type -> strs id (type_info_dic, §2.6.2) */
	AP_VEC(struct ap_cann_file) files;
	AP_VEC(struct ap_cann_api) apis;           /* in reading order of their last record */
	AP_VEC(struct ap_cann_track) tracks;       /* v1 and v2, FLIP_TASK records included */
	AP_VEC(struct ap_cann_node) nodes;
	AP_VEC(struct ap_cann_node_attr) attrs;
	AP_VEC(struct ap_cann_hccl_op) hccl_ops;
	AP_VEC(struct ap_cann_memcpy) memcpys;
	AP_VEC(struct ap_cann_capture) captures;
	AP_VEC(struct ap_cann_tensor_op) tensor_ops;
	AP_VEC(struct ap_cann_tensor) tensors;
	AP_VEC(struct ap_cann_ctx) ctxs;
	AP_VEC(uint32_t) ctx_ids;
	AP_VEC(struct ap_cann_hccl_info) hccl_infos;
	AP_VEC(struct ap_cann_graph) graphs;
	AP_VEC(struct ap_cann_fusion) fusions;
	int expand_stream;           /* 1: an expand_stream_spec record had status 1 (§2.4.5) */
	int has_track_v2;            /* task_track_v2 records were read */
	unsigned long events_unpaired;   /* MsprofEvent starts never ended (dropped) */
	unsigned long api_zero_begin;    /* intervals with beginTime 0 (dropped, §2.3) */
};

/* Initialises h empty. Returns 0 or AP_ENOMEM. */
int ap_cann_host_init(struct ap_cann_host *h);
/* Frees every table and re-initialises to zero; accepts NULL. */
void ap_cann_host_release(struct ap_cann_host *h);

/* The string of hash id, or NULL when hash_dic lacks it (print the number then, §2.6.1).
 * Borrowed from h until it is released. */
const char *ap_cann_hash_str(const struct ap_cann_host *h, uint64_t id);
/* The name of (level, type): type_info_dic's, else for the runtime level (5000) the built-in
 * TS task type name (§2.6.2, §2.6.3); NULL when neither has it. Borrowed from h, or static. */
const char *ap_cann_type_name(const struct ap_cann_host *h, uint16_t level, uint32_t type);

/* The §4 "id missing" warning, counted by a consumer (each its own, so that consumers may run
 * in parallel): ids looked up and not found, and the first of each kind. */
struct ap_cann_missing {
	unsigned long hash_ids, type_ids;
	uint64_t first_hash;
	uint16_t first_level;
	uint32_t first_type;
};

#define AP_CANN_NUMBUF 24 /* a u64 in decimal and its NUL */

/* The string of hash id, else id in decimal written into buf (counted in miss, which may be
 * NULL). Never NULL. */
const char *ap_cann_hash_or_number(const struct ap_cann_host *h, uint64_t id,
				   char buf[AP_CANN_NUMBUF], struct ap_cann_missing *miss);
/* ap_cann_type_name, else type in decimal written into buf (counted in miss, may be NULL). */
const char *ap_cann_type_or_number(const struct ap_cann_host *h, uint16_t level, uint32_t type,
				   char buf[AP_CANN_NUMBUF], struct ap_cann_missing *miss);
/* Reports what miss counted as AP_DIAG_WARN entries naming the dictionary of the PROF dir
 * where ("PROF_x"): one for hash ids, one for type ids, each with its count and first id. */
void ap_cann_missing_report(const struct ap_cann_missing *miss, const char *where,
			    struct ap_diag *diag);

#endif
