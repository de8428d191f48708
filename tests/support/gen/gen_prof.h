/*
 * gen_prof.h — private to ap-gen: the PROF_* (CANN msprof raw data) part of a dump, shared by the scenario
 * directives (gen_prof*.c) and --synth-prof (gen_synth_prof.c). Layouts: ../shared/specs/cann_prof_raw.md, cited
 * by section next to each encoder in gen_prof_enc.c. What the directives do is described in gen_main.c.
 */
#ifndef AP_TESTS_SUPPORT_GEN_GEN_PROF_H
#define AP_TESTS_SUPPORT_GEN_GEN_PROF_H

#include <stdint.h>

#include "gen_local.h"

enum { AP_GEN_PROF_DEVS = 4, AP_GEN_PROF_FILES = 64, AP_GEN_PROF_STREAMS = 128 };

/* Record sizes (Appendix A). */
enum {
	AP_GEN_API_SIZE = 40,      /* §2.3 MsprofApi / MsprofEvent */
	AP_GEN_COMPACT_SIZE = 64,  /* §2.4 */
	AP_GEN_ADD_SIZE = 256,     /* §2.5 */
	AP_GEN_STARS_SIZE = 64,    /* §3.1 */
	AP_GEN_TS_SIZE = 40,       /* §3.2 */
	AP_GEN_HWTS_SIZE = 64,     /* §3.3 */
};

/* Report levels (§2.1). */
enum { LV_ACL = 20000, LV_MODEL = 15000, LV_NODE = 10000, LV_HCCL = 5500, LV_RUNTIME = 5000 };

/* Runtime (TS) task types used by the chains (§2.6.3). */
enum {
	TT_KERNEL_AICORE = 0, TT_KERNEL_AICPU = 1, TT_EVENT_RECORD = 2, TT_EVENT_WAIT = 3, TT_MEMCPY_ASYNC = 5,
	TT_NOTIFY_WAIT = 14, TT_NOTIFY_RECORD = 15, TT_RDMA_SEND = 16, TT_FFTS_PLUS = 52, TT_KERNEL_AIVEC = 66, TT_FLIP = 98,
	TT_KERNEL_MIX_AIC = 108, TT_KERNEL_MIX_AIV = 109,
};

/* STARS SQE types (§3.1.2) / FFTS+ subtask types (§3.1.4) used by the chains. */
enum { SQE_AI_CORE = 0, SQE_AI_CPU = 1, SQE_AIV = 2, SQE_PLACE_HOLDER = 3, SQE_EVENT_RECORD = 4,
       SQE_EVENT_WAIT = 5, SQE_NOTIFY_RECORD = 6, SQE_NOTIFY_WAIT = 7, SQE_WRITE_VALUE = 8, SQE_SDMA = 11 };
enum { HWTS_SQE_SDMA = 9 };

/* Device stream/task id encodings (§3.1.3): normal mode plain / S&0x1000 form / S&0x2000 form; expansion mode
 * plain / S&0x8000 form. */
enum { ID_PLAIN, ID_S1000, ID_S2000, ID_EXPAND, ID_EXPAND8000, ID_NMODES };

/* A clock frequency in MHz: the text written to info.json and the exact fraction num/den (num 0: empty text). */
struct ap_gen_freq {
	char text[32];
	uint64_t num, den;
};

/* One raw data stream: host "aging.compact.task_track" (dev -1) or device "stars_soc.data" (dev = index in
 * devs[]); written as slices of slice bytes with .done companions (§1.4). */
struct ap_gen_prof_file {
	char stem[80];
	int dev;
	unsigned recsize; /* 0: a text dictionary, one slice */
	struct ap_gen_buf b;
	/* slice writer state (gen_prof_dump.c) */
	unsigned slice_no;
	uint64_t slice_fill;
	int fd;
};

struct ap_gen_prof_dev {
	int id;
	struct ap_gen_freq hwts;           /* info.json.N DeviceInfo[0].hwts_frequency */
	int64_t host_mono, host_cnt, cnt_diff; /* host_start.log.N */
	int64_t dev_mono, dev_cnt;         /* dev_start.log.N */
	int64_t begin_us, begin_mono;      /* start_info.N (end_info.N: the host's end) */
	unsigned ai_core_num, aiv_num;
	unsigned seq;                      /* 4-bit rolling counter of STARS / HWTS records */
};

/* Per (device, stream): the next task id, the flip (batch) number and the last times, for §3.5 flips. */
struct ap_gen_prof_stream {
	int dev;
	uint32_t stream, next_task, flip;
	uint64_t last_host, last_dev;
};

struct ap_gen_prof_hash {
	uint64_t id;
	char *s;
};

struct ap_gen_prof_type {
	uint32_t level, type;
	char *name;
};

struct ap_gen_prof {
	char name[128];      /* PROF_<6 digits>_<17 digits>_<suffix> */
	int chip;            /* platform_version: 5 (Ascend910B) or 1 (Ascend910A) */
	char level[8];       /* sample.json profLevel */
	uint64_t pid;
	struct ap_gen_freq cpu; /* host info.json CPU[0].Frequency (also info.json.N) */
	int64_t host_mono, host_cnt, cnt_diff;           /* host/host_start.log */
	int64_t begin_us, begin_mono, end_us, end_mono;  /* host/start_info, end_info */
	uint64_t slice;      /* bytes per slice, 0: one slice per stream */
	int split;           /* device slices cut at exactly slice bytes, splitting records */
	int aging;           /* host records that follow go to aging (1) or unaging (0) files */
	int idmode;          /* device id encoding of the records that follow */
	int expand;          /* write expand_stream_spec (expansion mode) */
	uint64_t tid;        /* default threadId of host records */
	struct ap_gen_prof_dev devs[AP_GEN_PROF_DEVS];
	int ndev;
	struct ap_gen_prof_file files[AP_GEN_PROF_FILES];
	int nfiles;
	struct ap_gen_prof_stream streams[AP_GEN_PROF_STREAMS];
	int nstreams;
	struct ap_gen_prof_hash *hash;
	size_t nhash, caphash;
	struct ap_gen_prof_type *types;
	size_t ntype, captype;
	uint32_t acl_next[16]; /* next ACL API index per tag (§2.1) */
	/* the open HCCL op of the hccl directive, for hccl_task */
	int hccl_open, hccl_dev;
	uint64_t hccl_start, hccl_end, hccl_tid, hccl_op;
	uint32_t hccl_stream;
	int err;
};

/* gen_prof.c: the state */
struct ap_gen_prof *ap_gen__prof_new(void);
void ap_gen__prof_free(struct ap_gen_prof *p);
/* Sets the defaults of a 910B PROF dir named name (see gen_main.c: prof). */
void ap_gen__prof_defaults(struct ap_gen_prof *p, const char *name, uint64_t pid);
/* Device index of device id (added with defaults derived from the host clock when absent); -1 when full. */
int ap_gen__prof_dev(struct ap_gen_prof *p, int id);
/* The stream's buffer: host stem ("compact.task_track" gets the aging prefix) or device stem of devs[dev]. */
struct ap_gen_buf *ap_gen__prof_host_buf(struct ap_gen_prof *p, const char *kind, const char *type, unsigned rec);
struct ap_gen_buf *ap_gen__prof_dev_buf(struct ap_gen_prof *p, int dev, const char *stem, unsigned rec);
struct ap_gen_prof_file *ap_gen__prof_file(struct ap_gen_prof *p, const char *stem, int dev, unsigned rec);
/* hash_dic: the id of s (FNV-1a), recorded once. type_info_dic: level_type → name, recorded once. */
uint64_t ap_gen__prof_hash(struct ap_gen_prof *p, const char *s);
void ap_gen__prof_type(struct ap_gen_prof *p, uint32_t level, uint32_t type, const char *name);
/* type id of an AscendCL API name (§2.1: tag << 16 | index by first use), registered in type_info_dic. */
uint32_t ap_gen__prof_acl_type(struct ap_gen_prof *p, const char *api);
/* The stream's state, added on first use (-1 index: table full). */
struct ap_gen_prof_stream *ap_gen__prof_stream(struct ap_gen_prof *p, int dev, uint32_t stream);

/* gen_prof.c: clocks (§3.6). Frequencies parse "50", "100.000000", "" (num 0). */
int ap_gen__freq_parse(const char *text, struct ap_gen_freq *f);
/* trunc(d × 1000 / f) ns; f must be set. */
int64_t ap_gen__freq_ns(const struct ap_gen_freq *f, int64_t d);
/* A tick count d with freq_ns(d) == ns, else the nearest one (ties: the earlier) and *exact = 0. */
int64_t ap_gen__freq_ticks(const struct ap_gen_freq *f, int64_t ns, int *exact);
/* Whether host records are in counter ticks (CPU frequency set and ≠ 1000 MHz) rather than ns. */
int ap_gen__prof_host_ticks(const struct ap_gen_prof *p);
/* local ns → raw host timestamp / device syscnt of devs[dev]; *exact = 0 when not representable (nearest). */
uint64_t ap_gen__prof_host_at(const struct ap_gen_prof *p, int64_t local, int *exact);
uint64_t ap_gen__prof_dev_at(const struct ap_gen_prof *p, int dev, int64_t local, int *exact);
/* raw → local ns (the forward formulas, for messages and checks) */
int64_t ap_gen__prof_host_local(const struct ap_gen_prof *p, uint64_t raw);
int64_t ap_gen__prof_dev_local(const struct ap_gen_prof *p, int dev, uint64_t raw);
/* The framework clock torch_npu §4 takes from a PROF dir: freq, start_cnt, start_monotonic, localtime_diff. */
void ap_gen__prof_fw_clock(const struct ap_gen_prof *p, double *freq, int64_t *cnt, int64_t *mono, int64_t *diff);

/* gen_prof_enc.c: encoders; each appends one record and returns its first byte (valid until the next append) */
static inline void st_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}
/* §2.3: an MsprofApi interval, or an MsprofEvent when end == UINT64_MAX (begin = its timestamp). */
unsigned char *ap_gen__enc_api(struct ap_gen_buf *b, unsigned level, uint32_t type, uint32_t tid, uint32_t req,
			       uint64_t begin, uint64_t end, uint64_t item);
/* §2.2 header + zeroed payload of a 64-byte compact / 256-byte additional record; returns the payload. */
unsigned char *ap_gen__enc_compact(struct ap_gen_buf *b, unsigned level, uint32_t type, uint32_t tid,
				   uint32_t data_len, uint64_t ts);
unsigned char *ap_gen__enc_additional(struct ap_gen_buf *b, unsigned level, uint32_t type, uint32_t tid,
				      uint32_t data_len, uint64_t ts);
/* §2.4.3 task_track (data_len 16, 24 or 40; ext = numBlocks | ratio << 16 when 40). */
void ap_gen__enc_task_track(struct ap_gen_buf *b, uint32_t tid, uint64_t ts, unsigned dev_id, uint32_t stream,
			    uint32_t task_flip, uint64_t task_type, uint64_t kernel, unsigned data_len,
			    unsigned blocks, unsigned ratio);
/* §3.1.3 inverse: decoded (stream, task) → raw (S, T); -1 when mode cannot express them. */
int ap_gen__enc_ids(int mode, unsigned sqe, uint32_t stream, uint32_t task, uint16_t *s, uint16_t *t);
/* §3.1.2 ACSQ (func 0/1), §3.1.4 FFTS+ subtask (func 34/35), other func types (zero payload but syscnt). */
void ap_gen__enc_acsq(struct ap_gen_buf *b, unsigned func, unsigned seq, unsigned sqe, uint16_t s, uint16_t t,
		      uint64_t syscnt);
void ap_gen__enc_ffts(struct ap_gen_buf *b, unsigned func, unsigned seq, unsigned sqe, uint16_t s, uint16_t t,
		      uint64_t syscnt, unsigned subtype, unsigned ctx, unsigned thread);
void ap_gen__enc_stars_other(struct ap_gen_buf *b, unsigned func, unsigned seq, uint64_t syscnt);
/* §3.2 ts_track: flip 0x0E, step trace 0x0A, task type 0x0C. */
void ap_gen__enc_ts_flip(struct ap_gen_buf *b, uint64_t syscnt, unsigned stream, unsigned flip, unsigned task);
void ap_gen__enc_ts_step(struct ap_gen_buf *b, uint64_t syscnt, uint64_t index, uint64_t model, unsigned stream,
			 unsigned task, unsigned tag);
void ap_gen__enc_ts_type(struct ap_gen_buf *b, uint64_t syscnt, unsigned stream, unsigned task, unsigned type,
			 unsigned status);
/* §3.3 HWTS log type 0 (start) / 1 (end). */
void ap_gen__enc_hwts(struct ap_gen_buf *b, unsigned logtype, unsigned seq, unsigned sqe, uint32_t stream,
		      unsigned task, uint64_t syscnt);

/* gen_prof_low.c: name tables and record kinds shared by the directives and --synth-prof */
extern const char *const ap_gen__prof_id_modes[ID_NMODES];
struct ap_gen_hccl_info {
	uint64_t item, tag, group, notify, size;
	uint32_t local, remote, ranks, plane, ctx, stage, role, op, dtype, link, transport, rdma;
};
int ap_gen__prof_opt_ts_type(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t def,
			     uint64_t *out);
int ap_gen__prof_opt_ge_type(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t def,
			     uint64_t *out);
int ap_gen__prof_opt_sqe(struct ap_gen *g, struct ap_gen_tok *t, int n, const char *key, uint64_t def,
			 uint64_t *out);
/* Registers 5000_<type>:NAME in type_info_dic when the runtime task type is a known one. */
void ap_gen__prof_reg_ts(struct ap_gen_prof *p, uint64_t type);
/* The buffer of host kind ("compact"/"additional") name, its level_type registered in type_info_dic. */
struct ap_gen_buf *ap_gen__prof_kind(struct ap_gen_prof *p, const char *kind, const char *name, unsigned level,
				     uint32_t type);
int ap_gen__prof_tensors(struct ap_gen *g, const char *spec, unsigned char *out, int max);
void ap_gen__prof_tensor_records(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, uint64_t op,
				 const unsigned char *tensors, int nt);
void ap_gen__prof_ctx_record(struct ap_gen_prof *p, unsigned level, uint32_t tid, uint64_t ts, uint64_t op,
			     const uint32_t *ids, int nids);
int ap_gen__prof_ids(struct ap_gen *g, const char *s, uint32_t *ids, int max);
void ap_gen__prof_node_basic(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, uint64_t op, unsigned task,
			     uint64_t optype, uint32_t block_dim, uint32_t flag, uint32_t len);
void ap_gen__prof_hccl_op(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, unsigned flags, unsigned dtype,
			  uint64_t alg, uint64_t count, uint64_t group);
void ap_gen__prof_memcpy(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, uint64_t size, uint64_t max,
			 unsigned dir);
void ap_gen__prof_expand(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, unsigned status);
void ap_gen__prof_hccl_defaults(struct ap_gen_hccl_info *h);
int ap_gen__prof_opt_hccl_info(struct ap_gen *g, struct ap_gen_tok *t, int n, struct ap_gen_hccl_info *h);
void ap_gen__prof_hccl_info(struct ap_gen_prof *p, uint32_t tid, uint64_t ts, const struct ap_gen_hccl_info *h);

/* gen_prof_rec.c / gen_prof_low.c / gen_prof_dev.c / gen_prof_chain.c: directives; *handled = 0 when kw is
 * none of theirs. */
int ap_gen__prof_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled);
int ap_gen__prof_rec_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled);
int ap_gen__prof_chain_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled);
int ap_gen__prof_dev_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n, int *handled);
/* gen_prof_rec.c: scenario time tokens → raw host / device values (`@N` verbatim, `+N` after start) */
int ap_gen__prof_host_tok(struct ap_gen *g, const struct ap_gen_tok *t, uint64_t *raw);
int ap_gen__prof_dev_tok(struct ap_gen *g, int dev, const struct ap_gen_tok *t, uint64_t *raw);
int ap_gen__prof_host_end_tok(struct ap_gen *g, const struct ap_gen_tok *start, const struct ap_gen_tok *end,
			      uint64_t *raw);
int ap_gen__prof_dev_end_tok(struct ap_gen *g, int dev, const struct ap_gen_tok *start,
			     const struct ap_gen_tok *end, uint64_t *raw);
/* The device index of dev=N (default the first device). */
int ap_gen__prof_opt_dev(struct ap_gen *g, struct ap_gen_tok *t, int n, int *dev);

/* gen_prof_dump.c: writes the side files of DUMPDIR/PROF_...; streams buffered data of every file into its slices
 * (final: closes the last slice and writes the dictionaries). Returns -1 after a message. */
int ap_gen__prof_write_side(struct ap_gen_prof *p, const char *dumpdir);
int ap_gen__prof_flush(struct ap_gen_prof *p, const char *dumpdir, int final);

#endif
