/*
 * gen_local.h — private to ap-gen (tests/support/gen/): the byte buffer and its little-endian writers, the
 * scenario state and tokens, and the functions the ap-gen files share (ap_gen__*, CONVENTIONS §2). What
 * ap-gen does, its command line and the scenario syntax are described at the top of gen_main.c.
 *
 *   gen_main.c        command line
 *   gen_util.c        buffers that grow, JSON strings, FNV-1a, directories and files
 *   gen_tokens.c      tokenizer, KEY=VALUE, number and path checks, error and warning messages
 *   gen_scenario.c    scenario state and the line loop that dispatches each directive
 *   gen_directives.c  dump-level directives (profiler_info contents, defaults)
 *   gen_records.c     FRAMEWORK record directives, one encoder per record kind
 *   gen_edits.c       raw edits for corrupt-input tests: raw truncate rename mkdir file
 *   gen_time.c        §4 time inversion: scenario TIME → raw clock value
 *   gen_dump.c        profiler_info writer and the pass that writes the dump directory
 *   gen_synth.c       --synth: command, ops and task-queue markers, steps, profiler_info
 *   gen_synth_layer.c --synth: the decoder layer's ops, their TLV fields and Python frame names
 *   gen_synth_mem.c   --synth: torch.memory_usage (allocator pools, lifecycles, per-thread batches)
 *   gen_synth_py.c    --synth: python tracer func + hash, gc_record, param_tensor_info
 *   gen_prof.c        PROF_*: its state (files, dictionaries, streams) and the CANN clocks (§3.6, inverted)
 *   gen_prof_enc.c    PROF_*: one encoder per raw record kind (host §2, device §3), stream/task id encoding
 *   gen_prof_rec.c    PROF_*: the dump-level prof directives and the scenario time tokens of PROF records
 *   gen_prof_low.c    PROF_*: low-level host record directives (one record each, explicit fields), name tables
 *   gen_prof_dev.c    PROF_*: low-level device record directives (STARS, ts_track, HWTS)
 *   gen_prof_chain.c  PROF_*: the launch-chain directives (kernel memcpy event_record event_wait hccl hccl_task)
 *   gen_prof_dump.c   PROF_*: side files, slices, .done files, dictionaries
 *   gen_synth_prof.c  --synth-prof: a benchmark dump whose PROF_* data dominates
 */
#ifndef AP_TESTS_SUPPORT_GEN_GEN_LOCAL_H
#define AP_TESTS_SUPPORT_GEN_GEN_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define AP_GEN_PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define AP_GEN_PRINTF_LIKE(f, a)
#endif

enum { AP_GEN_MAX_TOK = 96, AP_GEN_MAX_FILES = 32, AP_GEN_MAX_CFG = 48 };

/* The name a python_tracer return record's key stands for (§3.7). */
#define AP_GEN_EXIT_NAME "__torch_npu_profiler_python_tracer_exit"

/* ---------------------------------------------------------------- byte buffers (gen_util.c) */

struct ap_gen_buf {
	unsigned char *p;
	size_t len, cap;
};

/* Prints "out of memory" and exits 1. */
_Noreturn void ap_gen__oom(void);
/* Makes room for extra more bytes (doubling, from 256); exits on out of memory. */
void ap_gen__buf_reserve(struct ap_gen_buf *b, size_t extra);
/* Appends printf output of at most 511 bytes; exits 1 on a longer one. */
void ap_gen__printf(struct ap_gen_buf *b, const char *fmt, ...) AP_GEN_PRINTF_LIKE(2, 3);
/* Appends s[0..n) as a JSON string literal (control bytes as \u00XX, other bytes verbatim). */
void ap_gen__json_str(struct ap_gen_buf *b, const unsigned char *s, size_t n);
/* 64-bit FNV-1a of p[0..n). */
uint64_t ap_gen__fnv1a(const unsigned char *p, size_t n);
/* Heap copy of s[0..n) plus a NUL; exits on out of memory. */
char *ap_gen__xstrdup(const char *s, size_t n);
/* mkdir -p; prints the failure and returns -1. */
int ap_gen__mkdirs(const char *path);
/* Creates or truncates path and writes p[0..n); prints the failure and returns -1. */
int ap_gen__write_file(const char *path, const void *p, size_t n);
/* out = "a/b" or "a/b/c" (c may be NULL); prints and returns -1 when it does not fit in cap. */
int ap_gen__join(char *out, size_t cap, const char *a, const char *b, const char *c);

static inline void put(struct ap_gen_buf *b, const void *p, size_t n)
{
	ap_gen__buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static inline void puts_(struct ap_gen_buf *b, const char *s) { put(b, s, strlen(s)); }

static inline void put_le(struct ap_gen_buf *b, uint64_t v, int bytes)
{
	unsigned char t[8];
	for (int i = 0; i < bytes; i++)
		t[i] = (unsigned char)(v >> (8 * i));
	put(b, t, (size_t)bytes);
}

static inline void put_u8(struct ap_gen_buf *b, uint64_t v) { put_le(b, v, 1); }
static inline void put_u16(struct ap_gen_buf *b, uint64_t v) { put_le(b, v, 2); }
static inline void put_u32(struct ap_gen_buf *b, uint64_t v) { put_le(b, v, 4); }
static inline void put_u64(struct ap_gen_buf *b, uint64_t v) { put_le(b, v, 8); }

/* §3.2 TLV container: record = u16 type, u32 length, payload (fixed part, then fields u16 id, u32 len, bytes).
 * rec_begin writes the header and returns where the length goes; rec_end patches it. */
static inline size_t rec_begin(struct ap_gen_buf *b, unsigned type)
{
	put_u16(b, type);
	size_t at = b->len;
	put_u32(b, 0);
	return at;
}

static inline void rec_end(struct ap_gen_buf *b, size_t at)
{
	uint64_t v = b->len - at - 4;
	for (int i = 0; i < 4; i++)
		b->p[at + (size_t)i] = (unsigned char)(v >> (8 * i));
}

static inline void tlv(struct ap_gen_buf *b, unsigned id, const void *p, size_t n)
{
	put_u16(b, id);
	put_u32(b, n);
	put(b, p, n);
}

/* ---------------------------------------------------------------- scenario state (gen_scenario.c) */

struct ap_gen_fw_file {
	char name[128];
	char out_name[128];
	struct ap_gen_buf b;
};

struct ap_gen_cfg_entry {
	char key[64];
	char *json; /* raw JSON value, heap */
};

struct ap_gen_hash_entry {
	uint64_t key;
	unsigned char *name;
	size_t len;
};

struct ap_gen_prof;

struct ap_gen {
	const char *src;
	long line;
	char dump[256];
	int gen, memsize;
	int info_omit, rank_kind; /* 0 none, 1 int, 2 string */
	char rank[32];
	char info_name[256];
	char activities[128];
	char *schedule;
	int common[5]; /* record_shapes profile_memory with_stack with_flops with_modules */
	struct ap_gen_cfg_entry cfg[AP_GEN_MAX_CFG];
	int ncfg;
	int start_omit, syscnt;
	char freq_text[64];
	double freq;
	int64_t start_cnt, start_mono;
	int end_present;
	int64_t coll_end, mono_end;
	char *npu_version, *cann_version, *metadata;
	uint64_t pid, tid;
	struct ap_gen_fw_file files[AP_GEN_MAX_FILES];
	int nfiles;
	struct ap_gen_hash_entry *hashes;
	size_t nhash, caphash;
	int exit_hashed, py_seen;
	struct ap_gen_buf extra; /* "file" directives: path\0len(u64)content... */
	int warnings;
	int timed;                 /* a TIME was converted: clock directives may no longer change */
	struct ap_gen_prof *prof;  /* the PROF_* directory, NULL until a prof directive (gen_prof.c) */
};

/* Defaults of every dump-level directive; src names the scenario in messages. */
void ap_gen__init(struct ap_gen *g, const char *src);
void ap_gen__release(struct ap_gen *g);
/* FRAMEWORK/name's buffer, added on first use; NULL (after a message) for a bad name or too many files. */
struct ap_gen_fw_file *ap_gen__fw(struct ap_gen *g, const char *name);
/* Sets experimental_config key to raw JSON (NULL removes it); a new key goes in __init__ order. */
void ap_gen__cfg_set(struct ap_gen *g, const char *key, const char *json);
/* Adds key → name to torch.python_tracer_hash unless that exact pair is there. */
void ap_gen__hash_add(struct ap_gen *g, uint64_t key, const void *name, size_t len);
/* Runs the scenario file src ("-": stdin) and writes its dump under outdir; returns the exit status. */
int ap_gen__run_scenario(const char *src, const char *outdir);

/* ---------------------------------------------------------------- tokens (gen_tokens.c) */

struct ap_gen_tok {
	const char *key; /* NULL for a positional token */
	char *val;       /* NUL-terminated, but may hold NULs: use len */
	size_t len;
	int quoted, used;
};

/* "ap-gen: SRC:LINE: message" on stderr; warn_at also counts the warning. */
void ap_gen__err_at(const struct ap_gen *g, const char *fmt, ...) AP_GEN_PRINTF_LIKE(2, 3);
void ap_gen__warn_at(struct ap_gen *g, const char *fmt, ...) AP_GEN_PRINTF_LIKE(2, 3);
/* Value of a hex digit, or -1. */
int ap_gen__hexval(int c);
/* Splits line, in place, into at most AP_GEN_MAX_TOK tokens. */
int ap_gen__tokenize(struct ap_gen *g, char *line, struct ap_gen_tok *t, int *nt);
/* The key=VALUE token named key, marked used; NULL when absent. */
struct ap_gen_tok *ap_gen__opt(struct ap_gen_tok *t, int n, const char *key);
/* Fails on a key=VALUE token no directive asked for. */
int ap_gen__check_used(struct ap_gen *g, const struct ap_gen_tok *t, int n);
/* Decimal or 0x-hex, may be negative (two's complement); what names the value in the message. */
int ap_gen__parse_num(struct ap_gen *g, const char *what, const char *s, size_t len, uint64_t *out);
int ap_gen__tok_num(struct ap_gen *g, const struct ap_gen_tok *t, uint64_t *out);
/* Optional key=N with a default / required key=N. */
int ap_gen__opt_num(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t def, uint64_t *out);
int ap_gen__req_num(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t *out);
/* key=N or key=NAME with NAME one of names[] (index = value). */
int ap_gen__opt_enum(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, const char *const *names,
		     int nnames, int required, uint64_t def, uint64_t *out);
/* Fails with "usage: USAGE" unless the line has exactly want positional tokens, the keyword first. */
int ap_gen__need_pos(struct ap_gen *g, const struct ap_gen_tok *t, int n, int want, const char *usage);
/* Fails when path p (inside the dump) is empty, absolute or holds "..". */
int ap_gen__safe_rel_path(struct ap_gen *g, const char *p);

/* ---------------------------------------------------------------- directives */

/* gen_directives.c: a dump-level directive; *handled = 0 (and nothing changed) when kw is not one. */
int ap_gen__header_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled);

/* gen_records.c: a record directive (op mark mem py pymod hash gc param), else ap_gen__edit_directive. */
int ap_gen__record_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n);
/* gen_edits.c: a raw edit (raw truncate rename mkdir file); any other kw is an unknown directive. */
int ap_gen__edit_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n);

/* gen_time.c: scenario TIME token → raw clock value (§4); to_raw_end also takes `+N` after start. With a PROF_*
 * directory the framework clock is its host/info.json frequency, host_start.log reference and start_info offset. */
int ap_gen__to_raw(struct ap_gen *g, const struct ap_gen_tok *t, uint64_t *raw);
int ap_gen__to_raw_end(struct ap_gen *g, const struct ap_gen_tok *start, const struct ap_gen_tok *end,
		       uint64_t *raw);

/* gen_dump.c: writes outdir/<dump>/ (profiler_info, metadata, FRAMEWORK files, mkdir/file entries). */
int ap_gen__write_dump(struct ap_gen *g, const char *outdir);

/* gen_synth.c: --synth BYTES OUTDIR [RANK]; rank_arg may be NULL (rank 0). Returns the exit status. */
int ap_gen__run_synth(const char *bytes_arg, const char *outdir, const char *rank_arg);
/* Parses BYTES and RANK of --synth / --synth-prof (opt names the option in messages); -1 after a message. */
int ap_gen__synth_args(const char *opt, const char *bytes_arg, const char *rank_arg, uint64_t *target,
		       unsigned *rank);
/* What --synth-prof adds to a --synth dump: on_task is called for every dequeued task (op = index in
 * ap_gen__synth_layer, deq / deq_end its dequeue in raw counter ticks); *extra bytes written elsewhere count
 * toward the target; end receives the last framework tick. */
struct ap_gen_synth_hook {
	void (*on_task)(void *ctx, int op, uint64_t deq, uint64_t deq_end);
	void *ctx;
	const uint64_t *extra;
	uint64_t end;
};
/* Writes the --synth dump of about target bytes (hook may be NULL) and its path into dir; 0 or 1 after a
 * message. Its clock: 100 MHz counter from these references, local = monotonic + 1764151200000000000 - mono. */
int ap_gen__synth_write(uint64_t target, const char *outdir, unsigned rank, struct ap_gen_synth_hook *hook,
			char *dir, size_t cap);
extern const int64_t ap_gen__synth_start_cnt, ap_gen__synth_start_mono;
/* gen_synth_prof.c: --synth-prof BYTES OUTDIR [RANK]. Returns the exit status. */
int ap_gen__run_synth_prof(const char *bytes_arg, const char *outdir, const char *rank_arg);

/* ---------------------------------------------------------------- --synth state (gen_synth*.c) */

/* The FRAMEWORK files of a synthetic dump, in the order of ap_gen__synth_files[]. */
enum ap_gen_sk { SK_RANGE, SK_MARK, SK_MEM, SK_PYFUNC, SK_PYHASH, SK_GC, SK_PARAM, SK_N };
extern const char *const ap_gen__synth_files[SK_N];

/* One allocator's running totals (§3.5) and its free pointers, reused last-in first-out. */
struct ap_gen_pool {
	int64_t alloc, reserved, active;
	uint64_t base, next_ptr;
	uint64_t free_ptr[64];
	int nfree;
	uint8_t comp, allocator;
};

enum { AP_GEN_POOLS = 3, AP_GEN_LIVE = 256, AP_GEN_DEQ_EVS = 4096, AP_GEN_PY_THREADS = 2, AP_GEN_PY_NAMES = 128 };

/* A block handed out and not yet freed: freed on thread tid once the op counter reaches due. */
struct ap_gen_live {
	uint64_t ptr, due;
	int64_t size;
	int pool;
};

/* A record of the dequeue thread, written once the forward thread's time passes it. */
struct ap_gen_deq_ev {
	uint64_t ts;
	int live, free;
};

struct ap_gen_synth {
	struct ap_gen_buf out[SK_N];
	int fd[SK_N];
	uint64_t bytes[SK_N]; /* emitted (memory: committed at malloc, 3 records) for the mix */
	uint64_t now, pid, tid, bwd_tid, deq_tid, py2_tid, deq_free, corr, rng, ops;
	uint64_t written;
	int err;
	struct ap_gen_synth_hook *hook;
	/* memory (gen_synth_mem.c) */
	struct ap_gen_pool pools[AP_GEN_POOLS];
	struct ap_gen_live live[AP_GEN_LIVE];
	int nlive;
	struct ap_gen_deq_ev deq_ev[AP_GEN_DEQ_EVS];
	size_t deq_head, deq_n;
	struct ap_gen_buf mem_stage[2]; /* forward, dequeue thread: appended to the file in batches */
	int64_t cpu_alloc;
	/* python tracer (gen_synth_py.c) */
	struct ap_gen_buf py_stage[AP_GEN_PY_THREADS];
	uint64_t py_last[AP_GEN_PY_THREADS], py_exit_key;
	char *py_name[AP_GEN_PY_NAMES];
	uint64_t py_key[AP_GEN_PY_NAMES];
	int npy;
};

/* gen_synth_layer.c: one decoder layer's ops, in pre-order. */
enum { AP_GEN_LAYER_OPS = 11, AP_GEN_LAYERS = 28 };
struct ap_gen_synth_op {
	const char *name, *type, *dims, *stack_tail, *module;
	const char *kernel;  /* NULL: launches no task */
	int depth_children;  /* number of following entries that are its children (pre-order) */
	int dur;             /* ticks of own time */
};
extern const struct ap_gen_synth_op ap_gen__synth_layer[AP_GEN_LAYER_OPS];

/* Built once: op_range TLV fields per op (op[]) and of the other ranges, op_mark name fields, and the
 * python_tracer_hash indexes of the Python frames. */
struct ap_gen_synth_blobs {
	struct ap_gen_buf op[AP_GEN_LAYER_OPS], mark[AP_GEN_LAYER_OPS], bwd, exec, empty, ws;
	int py_fn[AP_GEN_LAYER_OPS], py_c[AP_GEN_LAYER_OPS], py_exec, py_call_impl, py_layer_fwd, py_model;
	int py_layer[AP_GEN_LAYERS], py_helper[4], py_wait, py_acquire;
};
void ap_gen__synth_blobs(struct ap_gen_synth *g, struct ap_gen_synth_blobs *s);
void ap_gen__synth_blobs_release(struct ap_gen_synth_blobs *s);

/* gen_synth.c: pseudo-random in [0, range); appends b to file k once it holds 8 MiB (force: always). */
uint64_t ap_gen__synth_rnd(struct ap_gen_synth *s, uint64_t range);
void ap_gen__synth_flush(struct ap_gen_synth *s, int k, int force);
/* Whether kind k is behind its share of the real mix, measured against torch.op_range. */
int ap_gen__synth_behind(const struct ap_gen_synth *s, int k);

/* gen_synth_mem.c */
void ap_gen__synth_mem_init(struct ap_gen_synth *s);
/* A block of pool's allocator malloc'd on the forward thread at ts (times never go back on a thread); returns
 * its index in live[] (freed on the forward thread once the op counter reaches due), or -1 when live[] is full. */
int ap_gen__synth_malloc(struct ap_gen_synth *s, int pool, int64_t size, uint64_t ts, uint64_t due);
/* A block malloc'd at ts and freed at end on the dequeue thread / live[i] freed on the dequeue thread at ts
 * (free, then block free one tick later). Written when the forward thread's time passes them. */
void ap_gen__synth_deq_block(struct ap_gen_synth *s, int pool, int64_t size, uint64_t ts, uint64_t end);
void ap_gen__synth_deq_free(struct ap_gen_synth *s, int i, uint64_t ts);
/* Frees on the forward thread, from ts on, every block due by the op counter; returns the next free tick. */
uint64_t ap_gen__synth_free_due(struct ap_gen_synth *s, uint64_t ts);
/* A pinned host (CPU) allocation and its release, as the CPU-only reporting path writes them. */
void ap_gen__synth_cpu_mem(struct ap_gen_synth *s, uint64_t ts, uint64_t end);
void ap_gen__synth_mem_finish(struct ap_gen_synth *s);
void ap_gen__synth_mem_release(struct ap_gen_synth *s);

/* gen_synth_py.c: one tracer record of frame name (an index from ap_gen__synth_py_name; ignored for returns)
 * on thread th (0 forward, 1 another Python thread) at ts, or one tick after that thread's last record
 * when ts is not later; returns the tick used. */
enum ap_gen_py_tag { PY_CALL = 0, PY_RETURN = 1, PY_C_CALL = 2, PY_C_RETURN = 3 };
uint64_t ap_gen__synth_py(struct ap_gen_synth *s, int th, uint64_t ts, int name, int tag);
/* Index of a python frame name (a function, a C callable's repr, or a module "Class######address"),
 * added to the hash table on first use. */
int ap_gen__synth_py_name(struct ap_gen_synth *s, const char *name);
/* A GC pause (§3.9) [ts, end). */
void ap_gen__synth_gc(struct ap_gen_synth *s, uint64_t ts, uint64_t end);
/* torch.param_tensor_info records, written first. */
void ap_gen__synth_params(struct ap_gen_synth *s);
/* Flushes the thread batches and writes torch.python_tracer_hash. */
void ap_gen__synth_py_finish(struct ap_gen_synth *s);
void ap_gen__synth_py_release(struct ap_gen_synth *s);

#endif
