/*
 * ap_gen.c — writes raw torch_npu `*_ascend_pt` dumps (profiler_info*.json + FRAMEWORK/ binaries) from a
 * compact text scenario, for end-to-end tests, the README demo and benchmarks. Not for decoder unit
 * fixtures (CONVENTIONS §9: those are hand-written hex). libc only.
 *
 * Layouts: ../shared/specs/torch_npu_ascend_pt.md §2.1 (profiler_info), §3.3–§3.9 (records), §3.10
 * (writer generations G1/G2/G3), §4 (time alignment, inverted here).
 *
 * USAGE
 *   ap-gen SCENARIO OUTDIR        write OUTDIR/<dump name>/ (SCENARIO "-" = stdin); existing files of the same
 *                                 names are overwritten, other files in the dump are left alone
 *   ap-gen --synth BYTES OUTDIR   write OUTDIR/localhost_10000_20251126100000000_ascend_pt, a G3 dump holding
 *                                 about BYTES of torch.op_range + torch.op_mark; prints its path
 *   Exit 0 ok (warnings on stderr), 1 error, 2 usage.
 *
 * SCENARIO SYNTAX (one directive per line)
 *   Tokens are separated by blanks. A token starting with '#' begins a comment (so ProfilerStep#3 is fine).
 *   A token is bare (`aten::add`), "quoted" (escapes \" \\ \n \r \t \xHH; \xHH may inject invalid UTF-8 or
 *   NUL), or KEY=VALUE with a bare or quoted VALUE (`stack="a.py(1): f;b.py(2): g"`). Unknown keys are errors.
 *   N: decimal or 0x-hex integer, may be negative; 64-bit fields take -2^63 .. 2^64-1 (two's complement).
 *   TIME: local wall-clock ns, i.e. what the analyser must print; inverted to the raw clock with §4 (see
 *         TIMES below). `@N` writes N verbatim as the raw value.
 *   END (op, gc): a TIME, or `+N` = START + N ns.
 *
 *   Dump-level directives (last one wins):
 *     dump NAME                  output directory name (required), e.g. node0_41001_20251126100000123_ascend_pt
 *     gen 1|2|3                  writer generation (§3.10), default 3
 *     memsize 58|75|76|77        torch.memory_usage layout; default 75 (gen 1), 76 (gen 2), 77 (gen 3);
 *                                a size/generation pair no release wrote draws a warning
 *     rank N | rank "N"          profiler_info_N.json with "rank_id": N (int) or "N" (string, as from env RANK);
 *                                without it: profiler_info.json, no rank_id
 *     info_name FILE | info omit other name for the profiler_info file / write none
 *     activities CPU NPU         common_config.activities (default CPU NPU)
 *     schedule JSON              raw JSON for common_config.schedule (default null)
 *     flags NAME[=0|1]...        record_shapes profile_memory with_stack with_flops with_modules (common_config);
 *                                l2_cache msprof_tx data_simplification record_op_args op_attr
 *                                (experimental_config); bare NAME = true. Defaults: all false except
 *                                data_simplification
 *     level NAME                 _profiler_level (default Level0)
 *     aic_metrics NAME           _aic_metrics (default ACL_AICORE_NONE)
 *     export text [db]           _export_type as a list (default ["text"]); `export_str text` writes a string
 *     gc_threshold JSON          _gc_detect_threshold (default null)
 *     expcfg KEY JSON|-          set a raw experimental_config entry (`-` removes it); a new key is placed
 *                                in master's __init__ order (_mstx after _msprof_tx, _host_sys after
 *                                _export_type, _mstx_domain_include/_exclude, _sys_io, _sys_interconnection
 *                                last), unknown keys at the end
 *     syscnt 0|1 [freq F] [start_cnt N] [start_monotonic N]   start_info (pairs may also be KEY=VALUE);
 *                                F is written verbatim (100, 100.0, 38.4); defaults 0, 100, 0, 0.
 *                                `syscnt omit` writes no start_info (syscnt off)
 *     end_info COLLECTION_END MONOTONIC_END | end_info omit   (default omitted: local = monotonic)
 *     torch_npu_version S, cann_version S     optional profiler_info strings
 *     metadata JSON              write profiler_metadata.json with exactly this text
 *     pid N, tid N               default pid / tid of the records that follow (default 1000 / 1000)
 *
 *   Records, written to their FRAMEWORK file in the order given:
 *     op START END name=S [seq=N] [fwd=TID] [pid=N] [tid=N] [endtid=N] [scope=N] [async=0|1] [type=S]
 *        [dims=S] [tensors=S] [tensorlists=S] [scalars=S] [stack=S] [module=S] [flops=S] [tlvID=S]... [rtype=N]
 *        torch.op_range (§3.3). seq defaults to -1, fwd/scope/async to 0, endtid to tid. An attribute left
 *        out is not written; `dims=""` writes an empty field. tlvID=S adds a raw TLV field with id ID (after the
 *        named ones); rtype overrides the record type. G1 has no tensors/tensorlists/scalars, G2 no tensorlists.
 *     mark TIME cat=C [corr=N] [name=S] [pid=N] [tid=N] [tlvID=S]... [rtype=N]
 *        torch.op_mark (§3.4); C = 0..3 or enq_start enq_end deq_start deq_end; corr defaults to 0
 *     mem TIME ptr=N size=N alloc=N reserved=N [active=N] [stream=N] [devtype=N|npu|cpu] [devidx=N] [comp=N]
 *         [dtype=N|malloc|free|block_free] [alloctype=N] [pid=N] [tid=N] [rtype=N]
 *        torch.memory_usage (§3.5) in the memsize layout; size = alloc_size, alloc/reserved/active = totals;
 *        devtype defaults to npu (20); a non-zero field the layout lacks draws a warning and is dropped
 *     py TIME tag=T [name=S] [key=N] [pid=N] [tid=N]
 *        T = 0..3 or call return c_call c_return. Gen 2/3: torch.python_tracer_func (§3.6); a call's key is a
 *        64-bit FNV-1a hash of name, a return's the hash of __torch_npu_profiler_python_tracer_exit; key= overrides
 *        (with name=: that key maps to name). torch.python_tracer_hash (§3.7) gets one record per distinct
 *        key→name in first-use order, plus the exit name, after anything `raw` put there (upstream's key
 *        hash differs; only the key↔name pairing matters). Gen 1: a TLV record of torch.python_func_call instead
 *        (25-byte fixed part ts,tid,pid,tag + name field 2; a format ascprof rejects as unsupported).
 *     pymod idx=N uid=S name=S [pid=N] [tid=N]   gen 1 only: torch.python_module_call (24 B + fields 2, 3)
 *     hash KEY S                 an extra torch.python_tracer_hash record (gen 2/3)
 *     gc START END [pid=N]       torch.gc_record (§3.9)
 *     param key=N [module=S] [optim=S] [rtype=N]   torch.param_tensor_info (§3.8, gen 2/3)
 *   Raw edits (for corrupt-input tests):
 *     raw FILE ITEM...           append to FRAMEWORK/FILE: hex digits (`0a0b`), "string", u8:N u16:N u32:N u64:N
 *                                (little-endian); with no ITEM it just creates FILE
 *     truncate FILE N            drop the last N bytes written so far to FRAMEWORK/FILE
 *     rename FILE NEWNAME        write FRAMEWORK/FILE under NEWNAME (e.g. torch.op_range.1)
 *     mkdir PATH                 create a directory inside the dump (e.g. an empty FRAMEWORK or PROF_* dir)
 *     file PATH S                write a file inside the dump with content S
 *
 * TIMES (§4, no PROF_* dir is written, so the analyser takes localtime_diff from end_info)
 *   diff = collectionTimeEnd - MonotonicTimeEnd (0 without end_info); mono = local - diff.
 *   syscnt off: raw = mono. syscnt on: the analyser computes mono' = trunc((double)(raw - start_cnt) *
 *   (1000.0 / freq)) + start_monotonic; ap-gen writes the smallest raw with mono' == mono. When no raw maps
 *   exactly (freq 100 MHz: 10 ns steps) it takes the nearest representable time (ties: the earlier), warns on
 *   stderr and the analyser will print that time. Every value is checked with the forward formula.
 *
 * --synth: G3, syscnt on at 100 MHz, Level1, one process, rank 0. A forward thread whose ProfilerStep#N roots
 *   (scope 7) hold vllm.model_runner.execute_model and 28 decoder layers of nested aten/npu ops with shapes,
 *   stacks and module paths (records written at op end, children first, as RecordFunction does); a backward
 *   thread with one MmBackward0 (fwd = forward tid, the forward aten::mm's sequence number) per layer; a dequeue
 *   thread that runs one task at a time. Every launching op has an enqueue start (corr 0) / end and a dequeue
 *   start / end marker sharing one correlation id. Writes go through 8 MiB buffers (about 0.7 GB/s here).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

enum { MAX_TOK = 96, MAX_FILES = 32, MAX_CFG = 48 };

static const char EXIT_NAME[] = "__torch_npu_profiler_python_tracer_exit";

/* ---------------------------------------------------------------- byte buffers */

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void oom(void)
{
	fputs("ap-gen: out of memory\n", stderr);
	exit(1);
}

static void buf_reserve(struct buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len < extra) {
		if (cap > SIZE_MAX / 2)
			oom();
		cap *= 2;
	}
	unsigned char *p = realloc(b->p, cap);
	if (!p)
		oom();
	b->p = p;
	b->cap = cap;
}

static void put(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_le(struct buf *b, uint64_t v, int bytes)
{
	unsigned char t[8];
	for (int i = 0; i < bytes; i++)
		t[i] = (unsigned char)(v >> (8 * i));
	put(b, t, (size_t)bytes);
}

static void put_u8(struct buf *b, uint64_t v) { put_le(b, v, 1); }
static void put_u16(struct buf *b, uint64_t v) { put_le(b, v, 2); }
static void put_u32(struct buf *b, uint64_t v) { put_le(b, v, 4); }
static void put_u64(struct buf *b, uint64_t v) { put_le(b, v, 8); }

static void patch_u32(struct buf *b, size_t at, uint64_t v)
{
	for (int i = 0; i < 4; i++)
		b->p[at + (size_t)i] = (unsigned char)(v >> (8 * i));
}

/* §3.2 TLV container: record = u16 type, u32 length, payload (fixed part, then fields u16 id, u32 len, bytes). */
static size_t rec_begin(struct buf *b, unsigned type)
{
	put_u16(b, type);
	size_t at = b->len;
	put_u32(b, 0);
	return at;
}

static void rec_end(struct buf *b, size_t at) { patch_u32(b, at, b->len - at - 4); }

static void tlv(struct buf *b, unsigned id, const void *p, size_t n)
{
	put_u16(b, id);
	put_u32(b, n);
	put(b, p, n);
}

static void printf_(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void printf_(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fputs("ap-gen: internal formatting overflow\n", stderr);
		exit(1);
	}
	put(b, tmp, (size_t)n);
}

static void json_str(struct buf *b, const unsigned char *s, size_t n)
{
	put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			put(b, "\\", 1);
			put(b, &c, 1);
		} else if (c < 0x20) {
			printf_(b, "\\u%04x", c);
		} else {
			put(b, &c, 1);
		}
	}
	put(b, "\"", 1);
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* ---------------------------------------------------------------- files */

static int mkdirs(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		char c = tmp[i];
		tmp[i] = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "ap-gen: cannot create directory '%s': %s\n", tmp, strerror(errno));
			return -1;
		}
		tmp[i] = c;
	}
	return 0;
}

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "ap-gen: cannot create '%s': %s\n", path, strerror(errno));
		return -1;
	}
	int ok = n == 0 || fwrite(p, 1, n, f) == n;
	ok &= fclose(f) == 0;
	if (!ok) {
		fprintf(stderr, "ap-gen: cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int join(char *out, size_t cap, const char *a, const char *b, const char *c)
{
	int n = snprintf(out, cap, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");
	if (n < 0 || (size_t)n >= cap) {
		fprintf(stderr, "ap-gen: path too long: '%s/%s'\n", a, b);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- scenario state */

struct fw_file {
	char name[128];
	char out_name[128];
	struct buf b;
};

struct cfg_entry {
	char key[64];
	char *json; /* raw JSON value, heap */
};

struct hash_entry {
	uint64_t key;
	unsigned char *name;
	size_t len;
};

struct gen {
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
	struct cfg_entry cfg[MAX_CFG];
	int ncfg;
	int start_omit, syscnt;
	char freq_text[64];
	double freq;
	int64_t start_cnt, start_mono;
	int end_present;
	int64_t coll_end, mono_end;
	char *npu_version, *cann_version, *metadata;
	uint64_t pid, tid;
	struct fw_file files[MAX_FILES];
	int nfiles;
	struct hash_entry *hashes;
	size_t nhash, caphash;
	int exit_hashed, py_seen;
	struct buf extra; /* "file" directives: path\0len(u64)content... */
	int warnings;
};

static void err_at(const struct gen *g, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void err_at(const struct gen *g, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ap-gen: %s:%ld: ", g->src, g->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void warn_at(struct gen *g, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void warn_at(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ap-gen: warning: %s:%ld: ", g->src, g->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	g->warnings++;
}

static char *xstrdup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		oom();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static struct fw_file *fw(struct gen *g, const char *name)
{
	for (int i = 0; i < g->nfiles; i++)
		if (strcmp(g->files[i].name, name) == 0)
			return &g->files[i];
	size_t n = strlen(name);
	if (g->nfiles == MAX_FILES || n == 0 || n >= sizeof(g->files[0].name) || strchr(name, '/') ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		err_at(g, "bad or too many FRAMEWORK file names: '%s'", name);
		return NULL;
	}
	struct fw_file *f = &g->files[g->nfiles++];
	memcpy(f->name, name, n + 1);
	memcpy(f->out_name, name, n + 1);
	return f;
}

static int cfg_rank(const char *key)
{
	static const char *const order[] = {"_profiler_level", "_aic_metrics", "_l2_cache", "_msprof_tx", "_mstx",
					    "_data_simplification", "record_op_args", "_export_type", "_host_sys",
					    "_op_attr", "_gc_detect_threshold", "_mstx_domain_include",
					    "_mstx_domain_exclude", "_sys_io", "_sys_interconnection"};
	int n = (int)(sizeof(order) / sizeof(order[0]));
	for (int i = 0; i < n; i++)
		if (strcmp(key, order[i]) == 0)
			return i;
	return n;
}

static void cfg_set(struct gen *g, const char *key, const char *json)
{
	for (int i = 0; i < g->ncfg; i++) {
		if (strcmp(g->cfg[i].key, key) != 0)
			continue;
		free(g->cfg[i].json);
		if (json) {
			g->cfg[i].json = xstrdup(json, strlen(json));
		} else {
			memmove(&g->cfg[i], &g->cfg[i + 1], sizeof(g->cfg[0]) * (size_t)(g->ncfg - i - 1));
			g->ncfg--;
		}
		return;
	}
	if (!json || g->ncfg == MAX_CFG || strlen(key) >= sizeof(g->cfg[0].key))
		return;
	/* a new key goes where _ExperimentalConfig.__init__ (master) assigns it; unknown keys go last */
	int at = g->ncfg, rank = cfg_rank(key);
	for (int i = 0; i < g->ncfg; i++)
		if (cfg_rank(g->cfg[i].key) > rank) {
			at = i;
			break;
		}
	memmove(&g->cfg[at + 1], &g->cfg[at], sizeof(g->cfg[0]) * (size_t)(g->ncfg - at));
	g->ncfg++;
	snprintf(g->cfg[at].key, sizeof(g->cfg[0].key), "%s", key);
	g->cfg[at].json = xstrdup(json, strlen(json));
}

static void gen_init(struct gen *g, const char *src)
{
	memset(g, 0, sizeof(*g));
	g->src = src;
	g->gen = 3;
	snprintf(g->activities, sizeof(g->activities), "CPU NPU");
	snprintf(g->freq_text, sizeof(g->freq_text), "100");
	g->freq = 100.0;
	g->pid = g->tid = 1000;
	static const char *const defaults[][2] = {
		{"_profiler_level", "\"Level0\""}, {"_aic_metrics", "\"ACL_AICORE_NONE\""},
		{"_l2_cache", "false"}, {"_msprof_tx", "false"}, {"_data_simplification", "true"},
		{"record_op_args", "false"}, {"_export_type", "[\n                \"text\"\n            ]"},
		{"_op_attr", "false"}, {"_gc_detect_threshold", "null"},
	};
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		cfg_set(g, defaults[i][0], defaults[i][1]);
}

static void gen_release(struct gen *g)
{
	for (int i = 0; i < g->ncfg; i++)
		free(g->cfg[i].json);
	for (int i = 0; i < g->nfiles; i++)
		free(g->files[i].b.p);
	for (size_t i = 0; i < g->nhash; i++)
		free(g->hashes[i].name);
	free(g->hashes);
	free(g->schedule);
	free(g->npu_version);
	free(g->cann_version);
	free(g->metadata);
	free(g->extra.p);
}

/* ---------------------------------------------------------------- tokenizer */

struct tok {
	const char *key; /* NULL for a positional token */
	char *val;       /* NUL-terminated, but may hold NULs: use len */
	size_t len;
	int quoted, used;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the quoted string starting after the opening quote at *pp, in place. */
static int unquote(struct gen *g, char **pp, struct tok *t)
{
	char *s = *pp, *d = s;
	for (;;) {
		char c = *s++;
		if (c == '\0' || c == '\n') {
			err_at(g, "unterminated string");
			return -1;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = *s++;
			switch (c) {
			case '"': case '\\': break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'x': {
				int h = hexval((unsigned char)s[0]), l = h < 0 ? -1 : hexval((unsigned char)s[1]);
				if (l < 0) {
					err_at(g, "bad \\x escape");
					return -1;
				}
				c = (char)(h * 16 + l);
				s += 2;
				break;
			}
			default:
				err_at(g, "unknown escape '\\%c'", c);
				return -1;
			}
		}
		*d++ = c;
	}
	if (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
		err_at(g, "text right after a closing quote");
		return -1;
	}
	t->val = *pp;
	t->len = (size_t)(d - *pp);
	t->quoted = 1;
	*d = '\0'; /* d < s, so this never clobbers unread input */
	*pp = *s ? s + 1 : s;
	return 0;
}

static int tokenize(struct gen *g, char *line, struct tok *t, int *nt)
{
	char *p = line;
	int n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == MAX_TOK) {
			err_at(g, "too many tokens");
			return -1;
		}
		struct tok *k = &t[n++];
		memset(k, 0, sizeof(*k));
		char *q = p;
		while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_')
			q++;
		if (q > p && *q == '=') {
			*q = '\0';
			k->key = p;
			p = q + 1;
		}
		if (*p == '"') {
			p++;
			if (unquote(g, &p, k))
				return -1;
			continue;
		}
		k->val = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		k->len = (size_t)(p - k->val);
		if (*p)
			*p++ = '\0';
	}
	*nt = n;
	return 0;
}

static struct tok *opt(struct tok *t, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (t[i].key && strcmp(t[i].key, key) == 0) {
			t[i].used = 1;
			return &t[i];
		}
	return NULL;
}

static int check_used(struct gen *g, const struct tok *t, int n)
{
	for (int i = 0; i < n; i++)
		if (t[i].key && !t[i].used) {
			err_at(g, "unknown or repeated key '%s'", t[i].key);
			return -1;
		}
	return 0;
}

static int parse_num(struct gen *g, const char *what, const char *s, size_t len, uint64_t *out)
{
	char *end;
	errno = 0;
	if (len == 0 || strlen(s) != len)
		goto bad;
	if (s[0] == '-') {
		long long v = strtoll(s, &end, 0);
		if (errno || *end)
			goto bad;
		*out = (uint64_t)v;
	} else {
		unsigned long long v = strtoull(s, &end, 0);
		if (errno || *end)
			goto bad;
		*out = (uint64_t)v;
	}
	return 0;
bad:
	err_at(g, "%s: bad number '%s'", what, s);
	return -1;
}

static int tok_num(struct gen *g, const struct tok *t, uint64_t *out)
{
	return parse_num(g, t->key ? t->key : "value", t->val, t->len, out);
}

/* Optional key=N with a default. */
static int opt_num(struct gen *g, struct tok *t, int n, const char *key, uint64_t def, uint64_t *out)
{
	struct tok *k = opt(t, n, key);
	*out = def;
	return k ? tok_num(g, k, out) : 0;
}

static int req_num(struct gen *g, struct tok *t, int n, const char *key, uint64_t *out)
{
	struct tok *k = opt(t, n, key);
	if (!k) {
		err_at(g, "missing %s=", key);
		return -1;
	}
	return tok_num(g, k, out);
}

/* Named small enumerations: "0".."9" or one of names[] (index = value). */
static int opt_enum(struct gen *g, struct tok *t, int n, const char *key, const char *const *names, int nnames,
		    int required, uint64_t def, uint64_t *out)
{
	struct tok *k = opt(t, n, key);
	*out = def;
	if (!k) {
		if (required)
			err_at(g, "missing %s=", key);
		return required ? -1 : 0;
	}
	for (int i = 0; i < nnames; i++)
		if (names[i] && strcmp(k->val, names[i]) == 0) {
			*out = (uint64_t)i;
			return 0;
		}
	return tok_num(g, k, out);
}

/* ---------------------------------------------------------------- §4 time inversion */

static int64_t fwd_mono(const struct gen *g, int64_t d)
{
	double x = (double)d * (1000.0 / g->freq);
	if (x >= 9.2e18 || x <= -9.2e18)
		return x > 0 ? INT64_MAX : INT64_MIN;
	return (int64_t)x + g->start_mono; /* C cast truncates toward zero, as Python int() */
}

/* Smallest d with fwd_mono(d) >= mono (fwd_mono is non-decreasing in d). */
static int64_t smallest_ge(const struct gen *g, int64_t mono)
{
	double est = (double)(mono - g->start_mono) / (1000.0 / g->freq);
	int64_t lo, hi, step = 2;
	if (est > 4.0e18 || est < -4.0e18)
		est = est > 0 ? 4.0e18 : -4.0e18;
	lo = (int64_t)est - step;
	while (fwd_mono(g, lo) >= mono && lo > INT64_MIN / 4) {
		lo -= step;
		step *= 2;
	}
	step = 2;
	hi = (int64_t)est + step;
	while (fwd_mono(g, hi) < mono && hi < INT64_MAX / 4) {
		hi += step;
		step *= 2;
	}
	while (hi - lo > 1) { /* invariant: f(lo) < mono <= f(hi) */
		int64_t mid = lo + (hi - lo) / 2;
		if (fwd_mono(g, mid) >= mono)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static int64_t local_diff(const struct gen *g)
{
	return g->end_present ? g->coll_end - g->mono_end : 0;
}

/* Scenario TIME token → raw clock value. */
static int to_raw(struct gen *g, const struct tok *t, uint64_t *raw)
{
	uint64_t v;
	if (t->key) {
		err_at(g, "expected a time, got key '%s'", t->key);
		return -1;
	}
	if (t->val[0] == '@')
		return parse_num(g, "raw time", t->val + 1, t->len - 1, raw);
	if (parse_num(g, "time", t->val, t->len, &v))
		return -1;
	int64_t local = (int64_t)v, diff = local_diff(g);
	int64_t mono = local - diff;
	if (!g->syscnt) {
		*raw = (uint64_t)mono;
		if (mono < 0)
			warn_at(g, "time %lld gives a negative raw clock value (check end_info)", (long long)local);
		return 0;
	}
	int64_t d = smallest_ge(g, mono);
	int64_t got = fwd_mono(g, d);
	if (got != mono) {
		int64_t below = fwd_mono(g, d - 1);
		if (mono - below <= got - mono) {
			d = smallest_ge(g, below);
			got = below;
		}
		warn_at(g, "time %lld is not representable with freq %s; written as %lld", (long long)local,
			g->freq_text, (long long)(got + diff));
	}
	if (fwd_mono(g, d) != got) {
		err_at(g, "internal: time inversion failed for %lld", (long long)local);
		return -1;
	}
	*raw = (uint64_t)g->start_cnt + (uint64_t)d;
	if ((int64_t)*raw < 0)
		warn_at(g, "time %lld gives a negative raw clock value (check end_info / start_info)", (long long)local);
	return 0;
}

static int to_raw_end(struct gen *g, const struct tok *start, const struct tok *end, uint64_t *raw)
{
	if (end->key || end->val[0] != '+')
		return to_raw(g, end, raw);
	uint64_t s, dur;
	if (start->val[0] == '@') {
		err_at(g, "+N end needs a local start time");
		return -1;
	}
	if (parse_num(g, "time", start->val, start->len, &s) || parse_num(g, "duration", end->val + 1, end->len - 1, &dur))
		return -1;
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)(s + dur));
	struct tok e = {.val = tmp, .len = (size_t)n};
	return to_raw(g, &e, raw);
}

/* ---------------------------------------------------------------- records */

static int npos(const struct tok *t, int n)
{
	int c = 0;
	for (int i = 0; i < n; i++)
		c += t[i].key == NULL;
	return c;
}

static int need_pos(struct gen *g, const struct tok *t, int n, int want, const char *usage)
{
	if (npos(t, n) != want || (n > 0 && t[0].key)) {
		err_at(g, "usage: %s", usage);
		return -1;
	}
	return 0;
}

/* Extra tlvID=S fields, in line order. */
static int extra_tlvs(struct gen *g, struct tok *t, int n, struct buf *b)
{
	for (int i = 0; i < n; i++) {
		if (!t[i].key || strncmp(t[i].key, "tlv", 3) != 0)
			continue;
		uint64_t id;
		if (parse_num(g, t[i].key, t[i].key + 3, strlen(t[i].key + 3), &id) || id > 0xffff) {
			err_at(g, "bad TLV id in '%s'", t[i].key);
			return -1;
		}
		t[i].used = 1;
		tlv(b, (unsigned)id, t[i].val, t[i].len);
	}
	return 0;
}

static int rec_type(struct gen *g, struct tok *t, int n, unsigned g3type, unsigned *out)
{
	uint64_t v;
	if (opt_num(g, t, n, "rtype", g->gen == 3 ? g3type : 1, &v))
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int do_op(struct gen *g, struct tok *t, int n)
{
	/* field ids per generation (§3.3, §3.10); 0 = not in that layout */
	static const char *const fields[] = {"name", "type", "dims", "tensors", "tensorlists", "scalars",
					     "stack", "module", "flops"};
	static const unsigned ids[3][9] = {
		{3, 4, 5, 0, 0, 0, 6, 7, 8},
		{3, 4, 5, 6, 0, 7, 8, 9, 10},
		{2, 3, 4, 5, 6, 7, 8, 9, 10},
	};
	uint64_t start, end, seq, fwd, pid, tid, endtid, scope, async;
	unsigned rtype;
	struct fw_file *f;
	if (need_pos(g, t, n, 3, "op START END name=S [key=value...]") || to_raw(g, &t[1], &start) ||
	    to_raw_end(g, &t[1], &t[2], &end) || opt_num(g, t, n, "seq", (uint64_t)-1, &seq) ||
	    opt_num(g, t, n, "fwd", 0, &fwd) || opt_num(g, t, n, "pid", g->pid, &pid) ||
	    opt_num(g, t, n, "tid", g->tid, &tid) || opt_num(g, t, n, "endtid", tid, &endtid) ||
	    opt_num(g, t, n, "scope", 0, &scope) || opt_num(g, t, n, "async", 0, &async) ||
	    rec_type(g, t, n, 1, &rtype) || !(f = fw(g, "torch.op_range")))
		return -1;
	if (!opt(t, n, "name")) {
		err_at(g, "op: missing name=");
		return -1;
	}
	struct buf *b = &f->b;
	size_t at = rec_begin(b, rtype);
	put_u64(b, start);
	put_u64(b, end);
	put_u64(b, seq);
	put_u64(b, pid);
	put_u64(b, tid);
	put_u64(b, endtid);
	put_u64(b, fwd);
	if (g->gen >= 2)
		put_u8(b, scope);
	else if (scope)
		warn_at(g, "gen 1 op_range has no scope byte; scope=%llu dropped", (unsigned long long)scope);
	put_u8(b, async);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct tok *k = opt(t, n, fields[i]);
		if (!k)
			continue;
		unsigned id = ids[g->gen - 1][i];
		if (!id) {
			err_at(g, "op: gen %d has no '%s' field", g->gen, fields[i]);
			return -1;
		}
		tlv(b, id, k->val, k->len);
	}
	if (extra_tlvs(g, t, n, b))
		return -1;
	rec_end(b, at);
	return check_used(g, t, n);
}

static int do_mark(struct gen *g, struct tok *t, int n)
{
	static const char *const cats[] = {"enq_start", "enq_end", "deq_start", "deq_end"};
	uint64_t ts, cat, corr, pid, tid;
	unsigned rtype;
	struct fw_file *f;
	if (need_pos(g, t, n, 2, "mark TIME cat=C [corr=N] [name=S] [pid=N] [tid=N]") || to_raw(g, &t[1], &ts) ||
	    opt_enum(g, t, n, "cat", cats, 4, 1, 0, &cat) || opt_num(g, t, n, "corr", 0, &corr) ||
	    opt_num(g, t, n, "pid", g->pid, &pid) || opt_num(g, t, n, "tid", g->tid, &tid) ||
	    rec_type(g, t, n, 2, &rtype) || !(f = fw(g, "torch.op_mark")))
		return -1;
	struct buf *b = &f->b;
	size_t at = rec_begin(b, rtype);
	put_u64(b, ts);
	put_u64(b, cat);
	put_u64(b, corr);
	put_u64(b, tid);
	put_u64(b, pid);
	struct tok *name = opt(t, n, "name");
	if (name)
		tlv(b, g->gen == 3 ? 1 : 2, name->val, name->len);
	if (extra_tlvs(g, t, n, b))
		return -1;
	rec_end(b, at);
	return check_used(g, t, n);
}

static int do_mem(struct gen *g, struct tok *t, int n)
{
	static const char *const dtypes[] = {"malloc", "free", "block_free"};
	static const char *const devtypes[21] = {[0] = "cpu", [20] = "npu"};
	uint64_t ts, ptr, size, alloc, reserved, active, stream, devtype, devidx, comp, dtype, atype, pid, tid;
	unsigned rtype;
	struct fw_file *f;
	if (need_pos(g, t, n, 2, "mem TIME ptr=N size=N alloc=N reserved=N [key=value...]") ||
	    to_raw(g, &t[1], &ts) || req_num(g, t, n, "ptr", &ptr) || req_num(g, t, n, "size", &size) ||
	    req_num(g, t, n, "alloc", &alloc) || req_num(g, t, n, "reserved", &reserved) ||
	    opt_num(g, t, n, "active", 0, &active) || opt_num(g, t, n, "stream", 0, &stream) ||
	    opt_enum(g, t, n, "devtype", devtypes, 21, 0, 20, &devtype) || opt_num(g, t, n, "devidx", 0, &devidx) ||
	    opt_num(g, t, n, "comp", 0, &comp) || opt_enum(g, t, n, "dtype", dtypes, 3, 0, 0, &dtype) ||
	    opt_num(g, t, n, "alloctype", 0, &atype) || opt_num(g, t, n, "pid", g->pid, &pid) ||
	    opt_num(g, t, n, "tid", g->tid, &tid) || rec_type(g, t, n, 3, &rtype) ||
	    !(f = fw(g, "torch.memory_usage")))
		return -1;
	int ms = g->memsize;
	if ((ms == 58 && (active || stream || dtype)) || (ms <= 76 && comp) || (ms <= 75 && atype))
		warn_at(g, "mem: fields missing from the %d-byte layout dropped", ms);
	struct buf *b = &f->b;
	size_t at = rec_begin(b, rtype);
	put_u64(b, ptr);
	put_u64(b, ts);
	put_u64(b, size);
	put_u64(b, alloc);
	put_u64(b, reserved);
	if (ms >= 75) {
		put_u64(b, active);
		put_u64(b, stream);
	}
	put_u8(b, devtype);
	put_u8(b, devidx);
	if (ms >= 77)
		put_u8(b, comp);
	if (ms >= 75)
		put_u8(b, dtype);
	if (ms >= 76)
		put_u8(b, atype);
	put_u64(b, tid);
	put_u64(b, pid);
	rec_end(b, at);
	if (b->len - at - 4 != (size_t)ms) {
		err_at(g, "internal: memory record of %zu bytes", b->len - at - 4);
		return -1;
	}
	return check_used(g, t, n);
}

static void hash_add(struct gen *g, uint64_t key, const void *name, size_t len)
{
	for (size_t i = 0; i < g->nhash; i++)
		if (g->hashes[i].key == key && g->hashes[i].len == len && memcmp(g->hashes[i].name, name, len) == 0)
			return;
	if (g->nhash == g->caphash) {
		g->caphash = g->caphash ? 2 * g->caphash : 64;
		g->hashes = realloc(g->hashes, g->caphash * sizeof(*g->hashes));
		if (!g->hashes)
			oom();
	}
	g->hashes[g->nhash].key = key;
	g->hashes[g->nhash].name = (unsigned char *)xstrdup(name, len);
	g->hashes[g->nhash++].len = len;
}

static int do_py(struct gen *g, struct tok *t, int n)
{
	static const char *const tags[] = {"call", "return", "c_call", "c_return"};
	uint64_t ts, tag, pid, tid, key;
	if (need_pos(g, t, n, 2, "py TIME tag=T [name=S] [key=N] [pid=N] [tid=N]") || to_raw(g, &t[1], &ts) ||
	    opt_enum(g, t, n, "tag", tags, 4, 1, 0, &tag) || opt_num(g, t, n, "pid", g->pid, &pid) ||
	    opt_num(g, t, n, "tid", g->tid, &tid))
		return -1;
	struct tok *name = opt(t, n, "name"), *k = opt(t, n, "key");
	int is_return = tag == 1 || tag == 3;
	if (g->gen == 1) {
		struct fw_file *f = fw(g, "torch.python_func_call");
		if (!f || (k && tok_num(g, k, &key)))
			return -1;
		size_t at = rec_begin(&f->b, 1);
		put_u64(&f->b, ts);
		put_u64(&f->b, tid);
		put_u64(&f->b, pid);
		put_u8(&f->b, tag);
		if (name)
			tlv(&f->b, 2, name->val, name->len);
		rec_end(&f->b, at);
		return check_used(g, t, n);
	}
	if (k) {
		if (tok_num(g, k, &key))
			return -1;
		if (name)
			hash_add(g, key, name->val, name->len);
	} else if (is_return) {
		key = fnv1a((const unsigned char *)EXIT_NAME, strlen(EXIT_NAME));
		hash_add(g, key, EXIT_NAME, strlen(EXIT_NAME));
		g->exit_hashed = 1;
	} else if (name) {
		key = fnv1a((const unsigned char *)name->val, name->len);
		hash_add(g, key, name->val, name->len);
	} else {
		err_at(g, "py: a call needs name= or key=");
		return -1;
	}
	g->py_seen = 1;
	struct fw_file *f = fw(g, "torch.python_tracer_func");
	if (!f)
		return -1;
	put_u64(&f->b, ts); /* §3.6: flat 33-byte struct */
	put_u64(&f->b, tid);
	put_u64(&f->b, pid);
	put_u64(&f->b, key);
	put_u8(&f->b, tag);
	return check_used(g, t, n);
}

static int do_pymod(struct gen *g, struct tok *t, int n)
{
	uint64_t idx, pid, tid;
	struct fw_file *f;
	if (g->gen != 1) {
		err_at(g, "pymod: torch.python_module_call exists in gen 1 only");
		return -1;
	}
	if (need_pos(g, t, n, 1, "pymod idx=N uid=S name=S [pid=N] [tid=N]") || req_num(g, t, n, "idx", &idx) ||
	    opt_num(g, t, n, "pid", g->pid, &pid) || opt_num(g, t, n, "tid", g->tid, &tid) ||
	    !(f = fw(g, "torch.python_module_call")))
		return -1;
	struct tok *uid = opt(t, n, "uid"), *name = opt(t, n, "name");
	size_t at = rec_begin(&f->b, 1);
	put_u64(&f->b, idx);
	put_u64(&f->b, tid);
	put_u64(&f->b, pid);
	if (uid)
		tlv(&f->b, 2, uid->val, uid->len);
	if (name)
		tlv(&f->b, 3, name->val, name->len);
	rec_end(&f->b, at);
	return check_used(g, t, n);
}

static int do_hash(struct gen *g, struct tok *t, int n)
{
	uint64_t key;
	if (g->gen == 1) {
		err_at(g, "hash: gen 1 has no torch.python_tracer_hash");
		return -1;
	}
	if (need_pos(g, t, n, 3, "hash KEY S") || tok_num(g, &t[1], &key))
		return -1;
	hash_add(g, key, t[2].val, t[2].len);
	return 0;
}

static int do_gc(struct gen *g, struct tok *t, int n)
{
	uint64_t s, e, pid;
	struct fw_file *f;
	if (need_pos(g, t, n, 3, "gc START END [pid=N]") || to_raw(g, &t[1], &s) || to_raw_end(g, &t[1], &t[2], &e) ||
	    opt_num(g, t, n, "pid", g->pid, &pid) || !(f = fw(g, "torch.gc_record")))
		return -1;
	put_u64(&f->b, pid); /* §3.9: flat 24-byte struct */
	put_u64(&f->b, s);
	put_u64(&f->b, e);
	return check_used(g, t, n);
}

static int do_param(struct gen *g, struct tok *t, int n)
{
	uint64_t key;
	unsigned rtype;
	struct fw_file *f;
	if (g->gen == 1) {
		err_at(g, "param: gen 1 has no torch.param_tensor_info");
		return -1;
	}
	if (need_pos(g, t, n, 1, "param key=N [module=S] [optim=S]") || req_num(g, t, n, "key", &key) ||
	    rec_type(g, t, n, 5, &rtype) || !(f = fw(g, "torch.param_tensor_info")))
		return -1;
	struct tok *mod = opt(t, n, "module"), *optim = opt(t, n, "optim");
	size_t at = rec_begin(&f->b, rtype);
	put_u64(&f->b, key);
	if (mod)
		tlv(&f->b, g->gen == 3 ? 1 : 2, mod->val, mod->len);
	if (optim)
		tlv(&f->b, g->gen == 3 ? 2 : 3, optim->val, optim->len);
	rec_end(&f->b, at);
	return check_used(g, t, n);
}

static int do_raw(struct gen *g, struct tok *t, int n)
{
	if (n < 2 || t[1].key) {
		err_at(g, "usage: raw FILE ITEM...");
		return -1;
	}
	struct fw_file *f = fw(g, t[1].val);
	if (!f)
		return -1;
	for (int i = 2; i < n; i++) {
		const char *v = t[i].val;
		uint64_t x;
		if (t[i].key) {
			err_at(g, "raw: unexpected key '%s'", t[i].key);
			return -1;
		}
		if (t[i].quoted) {
			put(&f->b, v, t[i].len);
			continue;
		}
		if (v[0] == 'u' || v[0] == 'i') {
			const char *colon = strchr(v, ':');
			int bits = colon ? (int)strtol(v + 1, NULL, 10) : 0;
			if (!colon || (bits != 8 && bits != 16 && bits != 32 && bits != 64) ||
			    parse_num(g, "raw", colon + 1, strlen(colon + 1), &x))
				return -1;
			put_le(&f->b, x, bits / 8);
			continue;
		}
		if (t[i].len % 2) {
			err_at(g, "raw: odd number of hex digits in '%s'", v);
			return -1;
		}
		for (size_t j = 0; j < t[i].len; j += 2) {
			int h = hexval((unsigned char)v[j]), l = hexval((unsigned char)v[j + 1]);
			if (h < 0 || l < 0) {
				err_at(g, "raw: bad hex '%s'", v);
				return -1;
			}
			put_u8(&f->b, (uint64_t)(h * 16 + l));
		}
	}
	return 0;
}

static int safe_rel_path(struct gen *g, const char *p)
{
	if (!*p || p[0] == '/' || strstr(p, "..")) {
		err_at(g, "path must be relative and stay inside the dump: '%s'", p);
		return -1;
	}
	return 0;
}

static int do_misc(struct gen *g, const char *kw, struct tok *t, int n)
{
	if (strcmp(kw, "truncate") == 0) {
		uint64_t cut;
		struct fw_file *f;
		if (need_pos(g, t, n, 3, "truncate FILE N") || !(f = fw(g, t[1].val)) || tok_num(g, &t[2], &cut))
			return -1;
		f->b.len = cut > f->b.len ? 0 : f->b.len - cut;
		return 0;
	}
	if (strcmp(kw, "rename") == 0) {
		struct fw_file *f;
		if (need_pos(g, t, n, 3, "rename FILE NEWNAME") || !(f = fw(g, t[1].val)) ||
		    safe_rel_path(g, t[2].val) || strchr(t[2].val, '/') || t[2].len >= sizeof(f->out_name)) {
			err_at(g, "rename: bad name");
			return -1;
		}
		memcpy(f->out_name, t[2].val, t[2].len + 1);
		return 0;
	}
	if (strcmp(kw, "mkdir") == 0 || strcmp(kw, "file") == 0) {
		int is_file = kw[0] == 'f';
		if (need_pos(g, t, n, is_file ? 3 : 2, is_file ? "file PATH S" : "mkdir PATH") ||
		    safe_rel_path(g, t[1].val))
			return -1;
		put(&g->extra, is_file ? "f" : "d", 1);
		put(&g->extra, t[1].val, t[1].len + 1);
		put_u64(&g->extra, is_file ? t[2].len : 0);
		if (is_file)
			put(&g->extra, t[2].val, t[2].len);
		return 0;
	}
	err_at(g, "unknown directive '%s'", kw);
	return -1;
}

/* ---------------------------------------------------------------- dump-level directives */

static int set_str(struct gen *g, char *dst, size_t cap, const struct tok *t)
{
	if (t->len >= cap || strlen(t->val) != t->len) {
		err_at(g, "value too long or holds NUL");
		return -1;
	}
	memcpy(dst, t->val, t->len + 1);
	return 0;
}

static int json_quoted(struct gen *g, const struct tok *t, char **out)
{
	struct buf b = {0};
	(void)g;
	json_str(&b, (const unsigned char *)t->val, t->len);
	put(&b, "", 1);
	free(*out);
	*out = (char *)b.p;
	return 0;
}

static int do_flags(struct gen *g, struct tok *t, int n)
{
	static const char *const common[] = {"record_shapes", "profile_memory", "with_stack", "with_flops",
					     "with_modules"};
	static const char *const exps[][2] = {{"l2_cache", "_l2_cache"}, {"msprof_tx", "_msprof_tx"},
					     {"data_simplification", "_data_simplification"},
					     {"record_op_args", "record_op_args"}, {"op_attr", "_op_attr"}};
	for (int i = 1; i < n; i++) {
		const char *name = t[i].key ? t[i].key : t[i].val;
		int on = 1;
		if (t[i].key) {
			if (strcmp(t[i].val, "0") && strcmp(t[i].val, "1")) {
				err_at(g, "flags: %s= takes 0 or 1", name);
				return -1;
			}
			on = t[i].val[0] == '1';
		}
		int found = 0;
		for (int j = 0; j < 5; j++)
			if (strcmp(name, common[j]) == 0)
				g->common[j] = on, found = 1;
		for (int j = 0; j < 5; j++)
			if (strcmp(name, exps[j][0]) == 0)
				cfg_set(g, exps[j][1], on ? "true" : "false"), found = 1;
		if (!found) {
			err_at(g, "flags: unknown flag '%s'", name);
			return -1;
		}
	}
	return 0;
}

static int do_syscnt(struct gen *g, struct tok *t, int n)
{
	if (n == 2 && !t[1].key && strcmp(t[1].val, "omit") == 0) {
		g->start_omit = 1;
		g->syscnt = 0;
		return 0;
	}
	if (n < 2 || t[1].key || (strcmp(t[1].val, "0") && strcmp(t[1].val, "1"))) {
		err_at(g, "usage: syscnt 0|1 [freq F] [start_cnt N] [start_monotonic N] | syscnt omit");
		return -1;
	}
	g->start_omit = 0;
	g->syscnt = t[1].val[0] == '1';
	for (int i = 2; i < n; i++) {
		const char *key = t[i].key;
		const struct tok *v = &t[i];
		if (!key) {
			if (i + 1 >= n || t[i + 1].key) {
				err_at(g, "syscnt: '%s' needs a value", t[i].val);
				return -1;
			}
			key = t[i].val;
			v = &t[++i];
		}
		uint64_t x;
		if (strcmp(key, "freq") == 0) {
			char *end;
			errno = 0;
			g->freq = strtod(v->val, &end);
			if (errno || *end || !(g->freq > 0) || set_str(g, g->freq_text, sizeof(g->freq_text), v)) {
				err_at(g, "syscnt: bad freq '%s'", v->val);
				return -1;
			}
		} else if (strcmp(key, "start_cnt") == 0 || strcmp(key, "start_monotonic") == 0) {
			if (tok_num(g, v, &x))
				return -1;
			*(key[6] == 'c' ? &g->start_cnt : &g->start_mono) = (int64_t)x;
		} else {
			err_at(g, "syscnt: unknown key '%s'", key);
			return -1;
		}
	}
	return 0;
}

static int do_header(struct gen *g, const char *kw, struct tok *t, int n, int *handled)
{
	*handled = 1;
	uint64_t v;
	if (strcmp(kw, "flags") == 0)
		return do_flags(g, t, n);
	if (strcmp(kw, "syscnt") == 0)
		return do_syscnt(g, t, n);
	if (strcmp(kw, "activities") == 0 || strcmp(kw, "export") == 0) {
		struct buf b = {0};
		for (int i = 1; i < n; i++) {
			if (t[i].key) {
				err_at(g, "%s: unexpected key", kw);
				free(b.p);
				return -1;
			}
			if (kw[0] == 'a') {
				put(&b, t[i].val, t[i].len);
				put(&b, " ", 1);
			} else {
				puts_(&b, i > 1 ? ",\n                " : "[\n                ");
				json_str(&b, (const unsigned char *)t[i].val, t[i].len);
			}
		}
		if (kw[0] == 'a') {
			put(&b, "", 1);
			int rc = b.len <= sizeof(g->activities) ? 0 : -1;
			if (!rc)
				memcpy(g->activities, b.p, b.len);
			free(b.p);
			return rc;
		}
		puts_(&b, n > 1 ? "\n            ]" : "[]");
		put(&b, "", 1);
		cfg_set(g, "_export_type", (char *)b.p);
		free(b.p);
		return 0;
	}
	if (strcmp(kw, "expcfg") == 0) {
		if (need_pos(g, t, n, 3, "expcfg KEY JSON|-"))
			return -1;
		if (strcmp(t[2].val, "-") == 0)
			cfg_set(g, t[1].val, NULL);
		else
			cfg_set(g, t[1].val, t[2].val);
		return 0;
	}
	if (strcmp(kw, "end_info") == 0) {
		if (n == 2 && strcmp(t[1].val, "omit") == 0) {
			g->end_present = 0;
			return 0;
		}
		uint64_t a, b;
		if (need_pos(g, t, n, 3, "end_info COLLECTION_END MONOTONIC_END | end_info omit") ||
		    tok_num(g, &t[1], &a) || tok_num(g, &t[2], &b))
			return -1;
		g->end_present = 1;
		g->coll_end = (int64_t)a;
		g->mono_end = (int64_t)b;
		return 0;
	}
	if (strcmp(kw, "info") == 0) {
		if (need_pos(g, t, n, 2, "info omit"))
			return -1;
		if (strcmp(t[1].val, "omit")) {
			err_at(g, "usage: info omit");
			return -1;
		}
		g->info_omit = 1;
		return 0;
	}
	/* single-argument directives */
	static const char *const single[] = {"dump", "gen", "memsize", "rank", "info_name", "level", "aic_metrics",
					     "export_str", "gc_threshold", "schedule", "metadata",
					     "torch_npu_version", "cann_version", "pid", "tid"};
	int known = 0;
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		known |= strcmp(kw, single[i]) == 0;
	if (!known) {
		*handled = 0;
		return 0;
	}
	if (need_pos(g, t, n, 2, "KEYWORD VALUE"))
		return -1;
	const struct tok *a = &t[1];
	if (strcmp(kw, "dump") == 0) {
		if (strchr(a->val, '/') || !strcmp(a->val, ".") || !strcmp(a->val, "..")) {
			err_at(g, "dump: a plain directory name is expected");
			return -1;
		}
		return set_str(g, g->dump, sizeof(g->dump), a);
	}
	if (strcmp(kw, "gen") == 0) {
		if (tok_num(g, a, &v) || v < 1 || v > 3) {
			err_at(g, "gen: 1, 2 or 3");
			return -1;
		}
		g->gen = (int)v;
		return 0;
	}
	if (strcmp(kw, "memsize") == 0) {
		if (tok_num(g, a, &v) || (v != 58 && v != 75 && v != 76 && v != 77)) {
			err_at(g, "memsize: 58, 75, 76 or 77");
			return -1;
		}
		g->memsize = (int)v;
		return 0;
	}
	if (strcmp(kw, "rank") == 0) {
		if (tok_num(g, a, &v) || set_str(g, g->rank, sizeof(g->rank), a))
			return -1;
		g->rank_kind = a->quoted ? 2 : 1;
		return 0;
	}
	if (strcmp(kw, "info_name") == 0)
		return safe_rel_path(g, a->val) || set_str(g, g->info_name, sizeof(g->info_name), a);
	if (strcmp(kw, "level") == 0 || strcmp(kw, "aic_metrics") == 0 || strcmp(kw, "export_str") == 0) {
		char *json = NULL;
		json_quoted(g, a, &json);
		cfg_set(g, kw[0] == 'l' ? "_profiler_level" : kw[0] == 'a' ? "_aic_metrics" : "_export_type", json);
		free(json);
		return 0;
	}
	if (strcmp(kw, "gc_threshold") == 0) {
		cfg_set(g, "_gc_detect_threshold", a->val);
		return 0;
	}
	if (strcmp(kw, "schedule") == 0 || strcmp(kw, "metadata") == 0) {
		char **dst = kw[0] == 's' ? &g->schedule : &g->metadata;
		free(*dst);
		*dst = xstrdup(a->val, a->len);
		return 0;
	}
	if (strcmp(kw, "torch_npu_version") == 0)
		return json_quoted(g, a, &g->npu_version);
	if (strcmp(kw, "cann_version") == 0)
		return json_quoted(g, a, &g->cann_version);
	if (strcmp(kw, "pid") == 0)
		return tok_num(g, a, &g->pid);
	if (strcmp(kw, "tid") == 0)
		return tok_num(g, a, &g->tid);
	return 0;
}

/* ---------------------------------------------------------------- profiler_info (§2.1, json.dump indent=4) */

static void build_info(const struct gen *g, struct buf *b)
{
	static const char *const common[] = {"record_shapes", "profile_memory", "with_stack", "with_flops",
					     "with_modules"};
	puts_(b, "{\n    \"config\": {\n        \"common_config\": {\n            \"activities\": [");
	const char *p = g->activities;
	int first = 1;
	while (*p) {
		const char *e = strchr(p, ' ');
		if (!e)
			e = p + strlen(p);
		if (e > p) {
			printf_(b, "%s\n                \"ProfilerActivity.%.*s\"", first ? "" : ",", (int)(e - p), p);
			first = 0;
		}
		p = *e ? e + 1 : e;
	}
	puts_(b, first ? "]" : "\n            ]");
	printf_(b, ",\n            \"schedule\": %s", g->schedule ? g->schedule : "null");
	for (int i = 0; i < 5; i++)
		printf_(b, ",\n            \"%s\": %s", common[i], g->common[i] ? "true" : "false");
	puts_(b, "\n        },\n        \"experimental_config\": {");
	for (int i = 0; i < g->ncfg; i++) {
		printf_(b, "%s\n            \"%s\": ", i ? "," : "", g->cfg[i].key);
		puts_(b, g->cfg[i].json);
	}
	puts_(b, g->ncfg ? "\n        }\n    }" : "}\n    }");
	if (!g->start_omit)
		printf_(b, ",\n    \"start_info\": {\n        \"syscnt_enable\": %s,\n        \"freq\": %s,\n"
			   "        \"start_cnt\": %lld,\n        \"start_monotonic\": %lld\n    }",
			g->syscnt ? "true" : "false", g->freq_text, (long long)g->start_cnt, (long long)g->start_mono);
	if (g->end_present)
		printf_(b, ",\n    \"end_info\": {\n        \"collectionTimeEnd\": %lld,\n"
			   "        \"MonotonicTimeEnd\": %lld\n    }",
			(long long)g->coll_end, (long long)g->mono_end);
	if (g->npu_version) {
		puts_(b, ",\n    \"torch_npu_version\": ");
		puts_(b, g->npu_version);
	}
	if (g->cann_version) {
		puts_(b, ",\n    \"cann_version\": ");
		puts_(b, g->cann_version);
	}
	if (g->rank_kind == 1)
		printf_(b, ",\n    \"rank_id\": %s", g->rank);
	else if (g->rank_kind == 2)
		printf_(b, ",\n    \"rank_id\": \"%s\"", g->rank);
	puts_(b, "\n}");
}

static int write_dump(struct gen *g, const char *outdir)
{
	char dir[4096], path[4096];
	if (join(dir, sizeof(dir), outdir, g->dump, NULL) || mkdirs(dir))
		return -1;
	if (!g->info_omit) {
		struct buf b = {0};
		char name[300];
		if (g->info_name[0])
			snprintf(name, sizeof(name), "%s", g->info_name);
		else if (g->rank_kind)
			snprintf(name, sizeof(name), "profiler_info_%s.json", g->rank);
		else
			snprintf(name, sizeof(name), "profiler_info.json");
		build_info(g, &b);
		int rc = join(path, sizeof(path), dir, name, NULL) || write_file(path, b.p, b.len);
		free(b.p);
		if (rc)
			return -1;
	}
	if (g->metadata && (join(path, sizeof(path), dir, "profiler_metadata.json", NULL) ||
			    write_file(path, g->metadata, strlen(g->metadata))))
		return -1;
	if (g->py_seen && !g->exit_hashed) {
		hash_add(g, fnv1a((const unsigned char *)EXIT_NAME, strlen(EXIT_NAME)), EXIT_NAME, strlen(EXIT_NAME));
		g->exit_hashed = 1;
	}
	if (g->nhash) {
		struct fw_file *f = fw(g, "torch.python_tracer_hash");
		if (!f)
			return -1;
		for (size_t i = 0; i < g->nhash; i++) {
			size_t at = rec_begin(&f->b, g->gen == 3 ? 4 : 1);
			put_u64(&f->b, g->hashes[i].key);
			tlv(&f->b, g->gen == 3 ? 1 : 2, g->hashes[i].name, g->hashes[i].len);
			rec_end(&f->b, at);
		}
	}
	if (g->nfiles) {
		char fwdir[4096];
		if (join(fwdir, sizeof(fwdir), dir, "FRAMEWORK", NULL) || mkdirs(fwdir))
			return -1;
		for (int i = 0; i < g->nfiles; i++)
			if (join(path, sizeof(path), fwdir, g->files[i].out_name, NULL) ||
			    write_file(path, g->files[i].b.p, g->files[i].b.len))
				return -1;
	}
	for (size_t off = 0; off < g->extra.len;) {
		const unsigned char *e = g->extra.p + off;
		const char *rel = (const char *)e + 1;
		size_t rl = strlen(rel);
		uint64_t len = 0;
		for (int i = 0; i < 8; i++)
			len |= (uint64_t)e[2 + rl + (size_t)i] << (8 * i);
		if (join(path, sizeof(path), dir, rel, NULL))
			return -1;
		if (e[0] == 'd') {
			if (mkdirs(path))
				return -1;
		} else {
			char *slash = strrchr(path, '/');
			*slash = '\0';
			if (mkdirs(path))
				return -1;
			*slash = '/';
			if (write_file(path, e + 10 + rl, (size_t)len))
				return -1;
		}
		off += 10 + rl + (size_t)len;
	}
	return 0;
}

static int run_scenario(const char *src, const char *outdir)
{
	struct gen g;
	struct tok t[MAX_TOK];
	FILE *in = strcmp(src, "-") == 0 ? stdin : fopen(src, "r");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, nt;
	if (!in) {
		fprintf(stderr, "ap-gen: cannot open '%s': %s\n", src, strerror(errno));
		return 1;
	}
	gen_init(&g, src);
	while (rc == 0 && getline(&line, &cap, in) != -1) {
		g.line++;
		if (tokenize(&g, line, t, &nt)) {
			rc = 1;
			break;
		}
		if (nt == 0)
			continue;
		if (t[0].key || t[0].quoted) {
			err_at(&g, "a line starts with a directive keyword");
			rc = 1;
			break;
		}
		const char *kw = t[0].val;
		int handled = 0, r;
		if (strcmp(kw, "op") == 0)
			r = do_op(&g, t, nt);
		else if (strcmp(kw, "mark") == 0)
			r = do_mark(&g, t, nt);
		else if (strcmp(kw, "mem") == 0) {
			if (!g.memsize)
				g.memsize = g.gen == 1 ? 75 : g.gen == 2 ? 76 : 77;
			r = do_mem(&g, t, nt);
		} else if (strcmp(kw, "py") == 0)
			r = do_py(&g, t, nt);
		else if (strcmp(kw, "pymod") == 0)
			r = do_pymod(&g, t, nt);
		else if (strcmp(kw, "hash") == 0)
			r = do_hash(&g, t, nt);
		else if (strcmp(kw, "gc") == 0)
			r = do_gc(&g, t, nt);
		else if (strcmp(kw, "param") == 0)
			r = do_param(&g, t, nt);
		else if (strcmp(kw, "raw") == 0)
			r = do_raw(&g, t, nt);
		else if ((r = do_header(&g, kw, t, nt, &handled)) == 0 && !handled)
			r = do_misc(&g, kw, t, nt);
		if (strcmp(kw, "gen") == 0 || strcmp(kw, "memsize") == 0) {
			int ms = g.memsize, gn = g.gen;
			if (ms && !((gn == 1 && (ms == 58 || ms == 75 || ms == 76)) || (gn == 2 && ms == 76) ||
				    (gn == 3 && (ms == 76 || ms == 77))))
				warn_at(&g, "no released gen %d writer used %d-byte memory records (§3.10)", gn, ms);
		}
		if (r)
			rc = 1;
	}
	if (rc == 0 && ferror(in)) {
		fprintf(stderr, "ap-gen: cannot read '%s'\n", src);
		rc = 1;
	}
	if (rc == 0 && !g.dump[0]) {
		fprintf(stderr, "ap-gen: %s: no 'dump NAME' line\n", src);
		rc = 1;
	}
	if (rc == 0 && write_dump(&g, outdir))
		rc = 1;
	free(line);
	if (in != stdin)
		fclose(in);
	gen_release(&g);
	return rc;
}

/* ---------------------------------------------------------------- --synth */

struct synth_op {
	const char *name, *type, *dims, *stack_tail, *module;
	const char *kernel; /* NULL: launches no task */
	int depth_children; /* number of following entries that are its children (pre-order) */
	int dur;            /* ticks of own time */
};

/* One decoder layer as launched by a vLLM-style forward: pre-order with child counts. */
static const struct synth_op LAYER[] = {
	{"npu::npu_rms_norm", "c10::BFloat16;c10::BFloat16", "8,4096;4096",
	 "vllm/model_executor/layers/layernorm.py(120): forward_oot", "Qwen2DecoderLayer.input_layernorm", "aclnnRmsNorm", 0, 90},
	{"aten::linear", "c10::BFloat16;c10::BFloat16;", "8,4096;6144,4096;", "vllm/model_executor/layers/linear.py(540): forward",
	 "Qwen2Attention.qkv_proj", NULL, 2, 40},
	{"aten::t", "c10::BFloat16", "6144,4096", "vllm/model_executor/layers/linear.py(540): forward",
	 "Qwen2Attention.qkv_proj", NULL, 0, 12},
	{"aten::matmul", "c10::BFloat16;c10::BFloat16", "8,4096;4096,6144",
	 "vllm/model_executor/layers/linear.py(540): forward", "Qwen2Attention.qkv_proj", NULL, 1, 25},
	{"aten::mm", "c10::BFloat16;c10::BFloat16", "8,4096;4096,6144", "vllm/model_executor/layers/linear.py(540): forward",
	 "Qwen2Attention.qkv_proj", "aclnnMm", 0, 110},
	{"npu::npu_fused_infer_attention_score", "c10::BFloat16;c10::BFloat16;c10::BFloat16;;;long int",
	 "8,1,4096;1024,128,512;1024,128,512;;;8", "vllm_ascend/attention/attention_v1.py(402): forward",
	 "Qwen2Attention.attn", "aclnnFusedInferAttentionScore", 0, 160},
	{"aten::empty", "ScalarList;Scalar;Scalar;Scalar;Scalar;None", ";;;;;", "vllm_ascend/attention/attention_v1.py(388): forward", "Qwen2Attention.attn", NULL, 0, 9},
	{"aten::add_", "c10::BFloat16;c10::BFloat16;Scalar", "8,4096;8,4096;",
	 "vllm/model_executor/models/qwen2.py(231): forward", "Qwen2DecoderLayer", "aclnnInplaceAdd", 0, 60},
	{"aten::copy_", "c10::BFloat16;c10::BFloat16;Scalar", "8,4096;8,4096;",
	 "vllm/model_executor/models/qwen2.py(233): forward", "Qwen2DecoderLayer", "aclnnInplaceCopy", 0, 55},
	{"aten::silu", "c10::BFloat16", "8,11008", "vllm/model_executor/layers/activation.py(84): forward_oot",
	 "Qwen2MLP.act_fn", "aclnnSilu", 0, 50},
	{"aten::mul", "c10::BFloat16;c10::BFloat16", "8,11008;8,11008",
	 "vllm/model_executor/layers/activation.py(85): forward_oot", "Qwen2MLP.act_fn", "aclnnMul", 0, 45},
};
enum { NLAYER_OPS = sizeof(LAYER) / sizeof(LAYER[0]) };

struct synth {
	struct buf range, mark;
	int fd_range, fd_mark;
	uint64_t now, pid, tid, bwd_tid, deq_tid, deq_free, corr, rng;
	size_t written;
	struct buf blobs[NLAYER_OPS], mark_names[NLAYER_OPS], bwd_blob, exec_blob;
	int err;
};

static uint64_t rnd(struct synth *s, uint64_t range)
{
	s->rng = s->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (s->rng >> 33) % range;
}

static void synth_flush(struct synth *s, struct buf *b, int fd, int force)
{
	if (!force && b->len < (8u << 20))
		return;
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->p + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->err = 1;
			break;
		}
		off += (size_t)w;
	}
	s->written += b->len;
	b->len = 0;
}

static void synth_range(struct synth *s, uint64_t start, uint64_t end, int64_t seq, uint64_t tid, uint64_t fwd,
			int scope, const struct buf *tlvs)
{
	struct buf *b = &s->range;
	buf_reserve(b, 64 + tlvs->len);
	size_t at = rec_begin(b, 1);
	put_u64(b, start);
	put_u64(b, end);
	put_u64(b, (uint64_t)seq);
	put_u64(b, s->pid);
	put_u64(b, tid);
	put_u64(b, tid);
	put_u64(b, fwd);
	put_u8(b, (uint64_t)scope); /* at::RecordScope: 0 FUNCTION, 1 BACKWARD_FUNCTION, 7 USER_SCOPE */
	put_u8(b, 0);
	put(b, tlvs->p, tlvs->len);
	rec_end(b, at);
	synth_flush(s, b, s->fd_range, 0);
}

static void synth_mark(struct synth *s, uint64_t ts, int cat, uint64_t corr, uint64_t tid, const struct buf *name)
{
	struct buf *b = &s->mark;
	size_t at = rec_begin(b, 2);
	put_u64(b, ts);
	put_u64(b, (uint64_t)cat);
	put_u64(b, corr);
	put_u64(b, tid);
	put_u64(b, s->pid);
	put(b, name->p, name->len);
	rec_end(b, at);
	synth_flush(s, b, s->fd_mark, 0);
}

/* Emits op i (and its children) starting at s->now; returns the index after its subtree. */
static int synth_op(struct synth *s, int i, int64_t seq_base)
{
	const struct synth_op *op = &LAYER[i];
	uint64_t start = s->now;
	s->now += 3 + rnd(s, 5);
	int j = i + 1;
	for (int c = 0; c < op->depth_children; c++)
		j = synth_op(s, j, seq_base);
	s->now += (uint64_t)op->dur / 2 + rnd(s, (uint64_t)op->dur);
	if (op->kernel) {
		/* the dequeue thread runs one task at a time, a little after its enqueue */
		uint64_t corr = ++s->corr, t = s->now, enq_end = t + 2 + rnd(s, 3);
		uint64_t deq = enq_end + 5 + rnd(s, 25);
		if (deq < s->deq_free + 2)
			deq = s->deq_free + 2;
		s->deq_free = deq + 20 + rnd(s, 60);
		synth_mark(s, t, 0, 0, s->tid, &s->mark_names[i]);
		synth_mark(s, enq_end, 1, corr, s->tid, &s->mark_names[i]);
		synth_mark(s, deq, 2, corr, s->deq_tid, &s->mark_names[i]);
		synth_mark(s, s->deq_free, 3, corr, s->deq_tid, &s->mark_names[i]);
		s->now += 6;
	}
	s->now += 2;
	synth_range(s, start, s->now, seq_base + i, s->tid, 0, 0, &s->blobs[i]);
	return j;
}

static void synth_blobs(struct synth *s)
{
	for (int i = 0; i < NLAYER_OPS; i++) {
		const struct synth_op *op = &LAYER[i];
		struct buf *b = &s->blobs[i], stack = {0};
		tlv(b, 2, op->name, strlen(op->name));
		tlv(b, 3, op->type, strlen(op->type));
		tlv(b, 4, op->dims, strlen(op->dims));
		puts_(&stack, op->stack_tail);
		puts_(&stack, ";vllm/model_executor/models/qwen2.py(360): forward;torch/nn/modules/module.py(1750): "
			      "_call_impl;vllm_ascend/worker/model_runner_v1.py(1422): execute_model;"
			      "vllm/v1/worker/worker_base.py(210): execute_model");
		tlv(b, 8, stack.p, stack.len);
		free(stack.p);
		tlv(b, 9, op->module, strlen(op->module));
		if (op->kernel)
			tlv(&s->mark_names[i], 1, op->kernel, strlen(op->kernel));
	}
	const char *bn = "autograd::engine::evaluate_function: MmBackward0";
	tlv(&s->bwd_blob, 2, bn, strlen(bn));
	const char *en = "vllm.model_runner.execute_model";
	tlv(&s->exec_blob, 2, en, strlen(en));
}

static int synth_open(const char *dir, const char *name)
{
	char path[4096];
	if (join(path, sizeof(path), dir, name, NULL))
		return -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fprintf(stderr, "ap-gen: cannot create '%s': %s\n", path, strerror(errno));
	return fd;
}

static int run_synth(const char *bytes_arg, const char *outdir)
{
	char *end;
	errno = 0;
	unsigned long long target = strtoull(bytes_arg, &end, 10);
	if (errno || *end || bytes_arg[0] == '-' || target == 0) {
		fprintf(stderr, "ap-gen: --synth: bad byte count '%s'\n", bytes_arg);
		return 2;
	}
	const char *name = "localhost_10000_20251126100000000_ascend_pt";
	const int64_t start_cnt = 17238197612056, start_mono = 172163581670080;
	const int64_t diff = 1764151200000000000 - start_mono; /* local start = 2025-11-26 10:00:00 UTC */
	char dir[4096], fwdir[4096];
	struct synth s;
	memset(&s, 0, sizeof(s));
	s.pid = 10000;
	s.tid = 10000;
	s.bwd_tid = 10007;
	s.deq_tid = 10012;
	s.rng = 42;
	s.now = (uint64_t)start_cnt + 1000;
	if (join(dir, sizeof(dir), outdir, name, NULL) || join(fwdir, sizeof(fwdir), dir, "FRAMEWORK", NULL) ||
	    mkdirs(fwdir))
		return 1;
	s.fd_range = synth_open(fwdir, "torch.op_range");
	s.fd_mark = synth_open(fwdir, "torch.op_mark");
	if (s.fd_range < 0 || s.fd_mark < 0)
		return 1;
	synth_blobs(&s);
	buf_reserve(&s.range, 9u << 20);
	buf_reserve(&s.mark, 9u << 20);
	int64_t seq = 0;
	for (unsigned step = 1; !s.err && s.written + s.range.len + s.mark.len < target; step++) {
		uint64_t step_start = s.now, exec_start = s.now + 20;
		s.now += 50;
		int64_t step_seq = seq;
		for (int layer = 0; layer < 28; layer++) {
			for (int i = 0; i < NLAYER_OPS;)
				i = synth_op(&s, i, seq);
			seq += NLAYER_OPS;
		}
		s.now += 10;
		synth_range(&s, exec_start, s.now, -1, s.tid, 0, 7, &s.exec_blob);
		/* backward thread: one MmBackward0 + aten::mm per layer, fwd = forward tid, same seq as the mm */
		for (int layer = 0; layer < 28; layer++) {
			uint64_t b0 = s.now;
			s.now += 30 + rnd(&s, 20);
			synth_range(&s, b0 + 5, s.now - 5, -1, s.bwd_tid, 0, 0, &s.blobs[4]);
			synth_range(&s, b0, s.now, step_seq + (int64_t)layer * NLAYER_OPS + 4, s.bwd_tid, s.tid, 1,
				    &s.bwd_blob);
		}
		s.now += 40;
		struct buf root = {0};
		char nm[32];
		int nl = snprintf(nm, sizeof(nm), "ProfilerStep#%u", step);
		tlv(&root, 2, nm, (size_t)nl);
		synth_range(&s, step_start, s.now, -1, s.tid, 0, 7, &root);
		free(root.p);
		s.now += 100 + rnd(&s, 50);
	}
	synth_flush(&s, &s.range, s.fd_range, 1);
	synth_flush(&s, &s.mark, s.fd_mark, 1);
	int rc = s.err;
	rc |= close(s.fd_range) != 0;
	rc |= close(s.fd_mark) != 0;
	if (rc)
		fprintf(stderr, "ap-gen: write error in '%s'\n", fwdir);
	/* profiler_info_0.json through the scenario writer */
	struct gen g;
	gen_init(&g, "--synth");
	snprintf(g.dump, sizeof(g.dump), "%s", name);
	g.rank_kind = 1;
	snprintf(g.rank, sizeof(g.rank), "0");
	g.syscnt = 1;
	g.start_cnt = start_cnt;
	g.start_mono = start_mono;
	g.end_present = 1;
	g.mono_end = start_mono + (int64_t)(s.now - (uint64_t)start_cnt) * 10 + 1000;
	g.coll_end = g.mono_end + diff;
	g.common[0] = g.common[1] = g.common[2] = g.common[4] = 1;
	cfg_set(&g, "_profiler_level", "\"Level1\"");
	cfg_set(&g, "_aic_metrics", "\"ACL_AICORE_PIPE_UTILIZATION\"");
	if (!rc && write_dump(&g, outdir))
		rc = 1;
	gen_release(&g);
	for (int i = 0; i < NLAYER_OPS; i++) {
		free(s.blobs[i].p);
		free(s.mark_names[i].p);
	}
	free(s.bwd_blob.p);
	free(s.exec_blob.p);
	free(s.range.p);
	free(s.mark.p);
	if (!rc)
		printf("%s\n", dir);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc;
	if (argc == 4 && strcmp(argv[1], "--synth") == 0)
		rc = run_synth(argv[2], argv[3]);
	else if (argc == 3 && argv[1][0] != '-')
		rc = run_scenario(argv[1], argv[2]);
	else if (argc == 3 && strcmp(argv[1], "-") == 0)
		rc = run_scenario(argv[1], argv[2]);
	else {
		fputs("usage: ap-gen SCENARIO OUTDIR\n       ap-gen --synth BYTES OUTDIR\n", stderr);
		rc = 2;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = rc ? rc : 1;
	return rc;
}
