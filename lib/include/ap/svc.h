/* The MS Service Profiler model (specs/ms_service_profiler.md §1.4, §2): attribute values, the
 * records of one ms_service_*.db file, and the merged, derived table of a whole service dump.
 *
 * Strings are NUL-terminated `const char *`; NULL means Python None / a missing value. Every
 * string and array of a file lives in that file's arena (struct ap_svc_file), so rows can be
 * moved between tables without copying what they point to; a merged dump keeps its files alive. */
#ifndef AP_SVC_H
#define AP_SVC_H

#include <stddef.h>
#include <stdint.h>

#include "ap/arena.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/strtab.h"

/* ---- attribute values: what json.loads gives for one record's message (§1.3, §1.4) -------- */

enum ap_sv_type {
	AP_SV_ABSENT = 0, /* no such key (a NaN cell after the merge) */
	AP_SV_NULL,       /* JSON null (Python None) */
	AP_SV_FALSE,
	AP_SV_TRUE,
	AP_SV_INT,        /* JSON integer within int64 */
	AP_SV_REAL,       /* JSON number with a fraction or exponent, or an integer beyond int64 */
	AP_SV_STR,        /* u.s, n = byte length (valid UTF-8; NUL bytes kept) */
	AP_SV_LIST,       /* u.items[0..n) */
	AP_SV_OBJ,        /* u.members[0..n), in the text's key order, duplicate keys: last value
			   * in the first key's place (Python dict semantics) */
};

struct ap_sv_member;

struct ap_sv {
	uint8_t type;     /* enum ap_sv_type */
	uint32_t n;
	union {
		int64_t i;
		double d;
		const char *s;
		const struct ap_sv *items;
		const struct ap_sv_member *members;
	} u;
};

struct ap_sv_member {
	const char *key;
	struct ap_sv v;
};

/* Returns the member named key of obj (an AP_SV_OBJ), or NULL when obj is not an object or
 * has no such key. */
const struct ap_sv *ap_sv_get(const struct ap_sv *obj, const char *key);

/* ---- one ms_service_*.db file = one process (§1.2, §1.3, §2.2) ----------------------------- */

enum ap_svc_gen {
	AP_SVC_GEN_B = 2, /* Meta(name,value) + Mstx: name/domain inside the message */
	AP_SVC_GEN_C = 3, /* Meta(name,value,slice) + slice: name and cat columns, args */
};

struct ap_svc_meta {
	const char *name, *value; /* dict order: first position of a name, its last value */
};

enum ap_svc_row_flag {
	AP_SVC_ROW_BAD_JSON = 1u << 0, /* the message did not parse: attrs is {} (warned) */
	/* NULL cells (pandas NaN upstream); the value is 0, warned */
	AP_SVC_ROW_NULL_START = 1u << 1, /* timestamp */
	AP_SVC_ROW_NULL_END = 1u << 2,   /* gen C end_time, gen B endTimestamp */
	AP_SVC_ROW_NULL_PID = 1u << 3,
	AP_SVC_ROW_NULL_TID = 1u << 4,
};

/* One record. The loader fills the first block; analysis (lib/analysis/an_svc_*.c) the rest. */
struct ap_svc_row {
	/* loaded */
	int64_t start_ns, end_ns;  /* timestamp and end (gen C end_time, gen B endTimestamp) */
	int64_t mark_id;           /* gen C id, gen B markId: the file's row order */
	int64_t pid, tid;          /* columns pid and tid */
	const char *name;          /* gen C column `name`; gen B message key "name" when a string */
	const char *domain;        /* gen C column `cat`; gen B message key "domain" when a string */
	struct ap_sv attrs;        /* the parsed message (AP_SV_OBJ; {} when it failed to parse) */
	uint32_t file;             /* index of its file in struct ap_svc */
	uint32_t flags;            /* enum ap_svc_row_flag */

	/* derived: §1.5 times as the parser's float64 µs */
	double start_us, end_us, during_us;
	/* §2.4 step 3 (ProcessorRes) and §2.5 (vLLM suffix mapping) */
	struct ap_sv res;          /* res_list: the mapped copy of attrs' "rid"; ABSENT without one */
	const char *rid;           /* the rid string (list: ','.join); NULL = None */
	const char **rid_list;     /* list rids (objects: their "rid", as str()), n_rid_list of them */
	int64_t *token_ids;        /* token_id_list: per element int(iter), AP_SVC_NO_TOKEN for None */
	uint32_t n_rid_list, n_token_ids;
	uint8_t rid_is_list;       /* res was a list: rid_list/token_id_list are lists (maybe empty) */
	/* §2.4 step 7 (PluginTrace): batch_type NULL = None; batch_size = len(rid_list), or -1 when
	 * the plugin did not run for this row's process (no rid at all there); the split sizes are -1
	 * except on 'Prefill, Decode' rows */
	const char *batch_type;
	int32_t batch_size, prefill_batch_size, decode_batch_size;
	/* §2.4 step 8 (PluginKVCacheMetrics): has_kv = the row's process had KV rows (its columns
	 * exist: 0 on non-KV rows); otherwise the six values are NaN after the merge */
	uint8_t has_kv;
	int64_t total_blocks, used_blocks, free_blocks, blocks_allocated, blocks_freed;
	double kvcache_usage_rate;
};

#define AP_SVC_NO_TOKEN INT64_MIN

struct ap_svc_file {
	char *path;                /* the file as found (owned) */
	const char *prof_id;       /* its name without ".db" */
	enum ap_svc_gen gen;
	struct ap_svc_meta *meta;  /* Meta pairs, dict order */
	size_t n_meta;
	struct ap_svc_row *rows;   /* in mark_id order; moved out by the merge */
	size_t n_rows;
	struct ap_arena arena;     /* every string, value and array of this file's rows */
	struct ap_strtab strs;     /* names, domains and keys interned */
	struct ap_diag diag;       /* what loading it found */
	struct ap_err err;         /* set when the file could not be read at all */
};

/* Returns the Meta value of name, or NULL. */
const char *ap_svc_file_meta(const struct ap_svc_file *f, const char *name);

/* Initialises an empty file (no path, no rows). If the string table cannot be allocated,
 * f->err is set to AP_ENOMEM and loading into f fails with it. */
void ap_svc_file_init(struct ap_svc_file *f);
/* Frees the path, the rows array (malloc'd; a merge that takes it sets rows to NULL), the
 * arena, the string table, diag and err; accepts NULL and a released file. f is left zeroed
 * (ap_svc_file_init it again to reuse it). */
void ap_svc_file_release(struct ap_svc_file *f);

/* ---- the whole dump after the per-process pipeline and the merge (§2.4, §2.5) ------------ */

/* §2.4 step 9: pid -> hostname and dp rank (NULL when none), later file wins */
struct ap_svc_label {
	int64_t pid;
	const char *hostname, *dp_rank;
};

struct ap_svc {
	struct ap_svc_file *files; /* in path order; owned */
	size_t n_files;
	struct ap_svc_row *rows;   /* all rows, sorted by start_us, stable, ties by (file, mark_id) */
	size_t n_rows;
	struct ap_svc_label *labels;
	size_t n_labels;
	struct ap_arena arena;     /* what the merge and the derivations allocate */
};

#endif
