/*
 * ap-gen-svc — writes MS Service Profiler dumps (ms_service_<host>-<pid>.db SQLite files) the way the
 * collector library and the vLLM V1 hooks write them, from a small traffic simulation, for end-to-end tests
 * and benchmarks. Independent of lib/ (nothing is shared with the service loaders); libc + SQLite only.
 *
 * Spec: ../shared/specs/ms_service_profiler.md §1.1 (run directory MMDD-HHMM from the local clock of each
 * host's first process, WAL + synchronous=OFF), §1.2 (gen C: Trace_Service/, Meta(name,value,slice), slice,
 * process, thread, counter, flow; rows inserted when a record is finished), §1.3 (gen B: Meta(name,value), Mstx
 * with json.dumps messages or the C++ `^k^:v,` spelling), §1.4 (attribute conventions), §1.5 (ns since epoch),
 * §1.6.1 (what the vLLM V1 hooks emit, in which process, with which keys in which order).
 *
 * The simulated service: one API server (host 0), per DP rank one EngineCore process (scheduler + executor)
 * and --tp NPU worker processes; DP ranks are spread over --hosts hosts, each host writing its own run dir.
 * Requests arrive as a Poisson stream and are dispatched round robin to the DP ranks. Each EngineCore runs a
 * vLLM V1 scheduler: running requests first (decode, or the next prefill chunk), preempting the newest running
 * request when KV blocks run out (back to the front of WAITING, blocks freed, recomputed later), then WAITING
 * requests within the token budget (chunked prefill when a prompt exceeds it), prefix-cache hits reported by
 * CacheHitRate. Block 0 is vLLM's reserved null block, so an idle pool shows 1 used block.
 *
 * USAGE
 *   ap-gen-svc [options] OUT      write OUT/MMDD-HHMM/... (existing files of the same names are replaced);
 *                                 prints a summary to stderr. Exit 0 ok, 1 error, 2 usage.
 * OPTIONS
 *   --gen B|C          on-disk generation (default C)
 *   --cxx-msg          gen B: write messages in the C++ `^key^:value,` spelling instead of json.dumps
 *   --requests N       number of requests (default 10)
 *   --records N        instead of --requests: about N records in all (the request count is sized to reach it)
 *   --dp N, --tp N     data-parallel ranks (default 1), worker processes per rank (default 1)
 *   --hosts N          hosts (default 1); DP ranks are split evenly; the API server runs on host 0
 *   --seed S           random seed (default 1); the output is a function of the options only
 *   --rate R           request arrivals per second, all ranks together (default 40)
 *   --max-tokens N     scheduler token budget per step (max_num_batched_tokens, default 2048)
 *   --max-seqs N       max running requests per rank (default 32)
 *   --blocks N         KV blocks per rank incl. the null block (default: max-seqs requests of prompt-max +
 *                      out-max tokens plus the longest one; fewer blocks, more preemptions)
 *   --block-size N     tokens per KV block (default 128)
 *   --prompt-min N, --prompt-max N, --out-min N, --out-max N   token counts (defaults 32 600 8 96)
 *   --long-every K     request i with i % K == 2 gets a prompt of 1.5..3 x max-tokens (chunked prefill);
 *                      0 = never (default 8)
 *   --base-ns NS       clock origin, ns since epoch (default 1767225600000000000 = 2026-01-01T00:00:00Z)
 *   --tz-min M         collector hosts' local time zone, minutes east of UTC, for MMDD-HHMM (default 480)
 *   --host-skew-ms MS  host h starts h x MS later than host 0 (default 7000)
 *   --wal              leave the rows after the last automatic checkpoint in an OUT ...db-wal file
 *                      (a copy taken while the writer is still open; no -shm is left)
 *   --hot-journal      rollback-journal mode; the last quarter of each file's rows is an uncommitted
 *                      transaction whose hot journal (...db-journal) is left beside the db
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define US 1000LL
#define MS 1000000LL

/* ---- helpers --------------------------------------------------------------------------------- */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ap-gen-svc: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

struct buf {
	char *p;
	size_t n, cap;
};

static void bput(struct buf *b, const char *s, size_t n)
{
	if (b->cap - b->n < n + 1) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap - b->n < n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			die("out of memory");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void bs(struct buf *b, const char *s) { bput(b, s, strlen(s)); }

static void bf(struct buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		die("internal formatting overflow");
	bput(b, tmp, (size_t)n);
}

/* Python repr(float) for finite values of moderate size: the shortest %.Ng that reads back exactly,
 * with ".0" added when it looks like an integer. */
static void bpyfloat(struct buf *b, double v)
{
	char tmp[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof tmp, "%.*g", p, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	bs(b, tmp);
	if (!strpbrk(tmp, ".en"))
		bs(b, ".0");
}

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [lo, hi] */
static int64_t rndr(int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(rnd64() % (uint64_t)(hi - lo + 1));
}

static double rndu(void) { return (double)(rnd64() >> 11) / 9007199254740992.0; }

static void hexs(char *dst, int n)
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		dst[i] = hx[rnd64() & 15];
	dst[n] = 0;
}

static void mkdirs(const char *path)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
		die("path too long: %s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0777) && errno != EEXIST)
			die("mkdir %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0777) && errno != EEXIST)
		die("mkdir %s: %s", tmp, strerror(errno));
}

static void copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY);
	if (in < 0)
		die("open %s: %s", from, strerror(errno));
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (out < 0)
		die("create %s: %s", to, strerror(errno));
	char b[1 << 16];
	ssize_t n;
	while ((n = read(in, b, sizeof b)) > 0)
		if (write(out, b, (size_t)n) != n)
			die("write %s: %s", to, strerror(errno));
	if (n < 0)
		die("read %s: %s", from, strerror(errno));
	close(in);
	if (close(out))
		die("close %s: %s", to, strerror(errno));
}

static void unlink_db(const char *db)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char p[4200];
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		snprintf(p, sizeof p, "%s%s", db, sfx[i]);
		if (unlink(p) && errno != ENOENT)
			die("unlink %s: %s", p, strerror(errno));
	}
}

/* ---- options --------------------------------------------------------------------------------- */

static struct opts {
	int gen, cxx, dp, tp, hosts, wal, hot, long_every;
	long requests, records;
	uint64_t seed;
	double rate;
	int max_tokens, max_seqs, blocks, block_size, prompt_min, prompt_max, out_min, out_max;
	int64_t base_ns, host_skew_ns;
	int tz_min;
	const char *out;
} o = {
	.gen = 'C', .dp = 1, .tp = 1, .hosts = 1, .long_every = 8, .requests = 10, .seed = 1, .rate = 40,
	.max_tokens = 2048, .max_seqs = 32, .block_size = 128, .prompt_min = 32, .prompt_max = 600,
	.out_min = 8, .out_max = 96, .base_ns = 1767225600000000000LL, .host_skew_ns = 7000 * MS,
	.tz_min = 480,
};

/* ---- processes and record output ------------------------------------------------------------ */

enum { P_API, P_ENGINE, P_WORKER };

struct proc {
	int kind, host, rank;
	long pid, ppid, tid;
	char path[4096], stage[4096];
	sqlite3 *db;
	sqlite3_stmt *ins;
	long nrec, total, markid, uncommitted_from;
	int in_txn, thread_done;
};

static struct proc *procs;
static int nprocs;
static int writing;        /* pass 2: write; pass 1 only counts */
static struct buf args, msg;
static char hostnames[64][32];
static int64_t host_start[64];

static void sql(sqlite3 *db, const char *s)
{
	char *err = NULL;
	if (sqlite3_exec(db, s, NULL, NULL, &err) != SQLITE_OK)
		die("sqlite: %s: %s", s, err ? err : "?");
}

static void run_dir(int host, char *dst, size_t n)
{
	time_t t = (time_t)(host_start[host] / 1000000000LL) + (time_t)o.tz_min * 60;
	struct tm tm;
	gmtime_r(&t, &tm);
	/* each field has two digits: tm's ranges are 1..12, 1..31, 0..23 and 0..59 */
	snprintf(dst, n, "%02u%02u-%02u%02u", (unsigned)(tm.tm_mon + 1) % 100u,
		 (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
}

static void proc_open(struct proc *p)
{
	char dir[2048], rd[16];
	run_dir(p->host, rd, sizeof rd);
	snprintf(dir, sizeof dir, "%s/%s%s", o.out, rd, o.gen == 'C' ? "/Trace_Service" : "");
	mkdirs(dir);
	snprintf(p->path, sizeof p->path, "%s/ms_service_%s-%ld.db", dir, hostnames[p->host], p->pid);
	unlink_db(p->path);
	const char *target = p->path;
	if (o.wal || o.hot) {
		snprintf(dir, sizeof dir, "%s/.ap-gen-svc-stage-%ld", o.out, (long)getpid());
		mkdirs(dir);
		snprintf(p->stage, sizeof p->stage, "%s/%ld.db", dir, p->pid);
		unlink_db(p->stage);
		target = p->stage;
	}
	if (sqlite3_open(target, &p->db) != SQLITE_OK)
		die("sqlite open %s: %s", target, sqlite3_errmsg(p->db));
	if (o.hot) {
		sql(p->db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF; PRAGMA cache_size = 4;"
			   " PRAGMA page_size = 4096;");
	} else {
		sql(p->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000;"
			   " PRAGMA temp_store = MEMORY; PRAGMA page_size = 4096; PRAGMA locking_mode = NORMAL;");
	}
	const char *ins;
	if (o.gen == 'C') {
		sql(p->db, "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT,"
			   " pid TEXT, timestamp INTEGER, cat TEXT, args TEXT);"
			   "CREATE TABLE IF NOT EXISTS flow (id INTEGER PRIMARY KEY AUTOINCREMENT, flow_id TEXT,"
			   " name TEXT, cat TEXT, track_id INTEGER, timestamp INTEGER, type TEXT);"
			   "CREATE TABLE IF NOT EXISTS Meta (name TEXT,value TEXT,slice TEXT);"
			   "CREATE TABLE IF NOT EXISTS slice (id INTEGER PRIMARY KEY AUTOINCREMENT,"
			   " timestamp INTEGER, duration INTEGER, name TEXT, depth INTEGER, track_id INTEGER,"
			   " cat TEXT, args TEXT, cname TEXT, end_time INTEGER, flag_id TEXT, pid INTEGER,"
			   " tid INTEGER);"
			   "CREATE TABLE IF NOT EXISTS process (pid TEXT PRIMARY KEY,process_name TEXT,label TEXT,"
			   "process_sort_index INTEGER,parentPid TEXT);"
			   "CREATE TABLE IF NOT EXISTS thread (track_id INTEGER PRIMARY KEY,tid TEXT,pid TEXT,"
			   "thread_name TEXT,thread_sort_index INTEGER);");
		ins = "INSERT INTO slice (timestamp, duration, name, depth, track_id, cat, args, cname, end_time,"
		      " flag_id, pid, tid) VALUES (?, ?, ?, 0, ?, ?, ?, '', ?, '', ?, ?);";
	} else {
		sql(p->db, "CREATE TABLE IF NOT EXISTS Meta (name TEXT,value TEXT);"
			   "CREATE TABLE IF NOT EXISTS Mstx (message TEXT,flag INTEGER,markId INTEGER,"
			   "timestamp INTEGER,endTimestamp INTEGER,pid INTEGER,tid INTEGER);");
		ins = "INSERT INTO Mstx (message, flag, markId, timestamp, endTimestamp, pid, tid)"
		      " VALUES (?, ?, ?, ?, ?, ?, ?);";
	}
	/* Meta: hostname and ppid from the collector, dpRankId from the vLLM meta hooks */
	sqlite3_stmt *ms;
	if (sqlite3_prepare_v2(p->db, o.gen == 'C' ? "INSERT INTO Meta (name, value, slice) VALUES (?, ?, '');"
						  : "INSERT INTO Meta (name, value) VALUES (?, ?);",
			       -1, &ms, NULL) != SQLITE_OK)
		die("sqlite prepare: %s", sqlite3_errmsg(p->db));
	char ppid[24], rank[24];
	snprintf(ppid, sizeof ppid, "%ld", p->ppid);
	snprintf(rank, sizeof rank, "%d", p->rank);
	const char *meta[3][2] = {{"hostname", hostnames[p->host]}, {"ppid", ppid}, {"dpRankId", rank}};
	int nmeta = p->kind == P_WORKER || (p->kind == P_ENGINE && o.dp > 1) ? 3 : 2;
	for (int i = 0; i < nmeta; i++) {
		sqlite3_reset(ms);
		sqlite3_bind_text(ms, 1, meta[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(ms, 2, meta[i][1], -1, SQLITE_STATIC);
		if (sqlite3_step(ms) != SQLITE_DONE)
			die("sqlite meta: %s", sqlite3_errmsg(p->db));
	}
	sqlite3_finalize(ms);
	if (sqlite3_prepare_v2(p->db, ins, -1, &p->ins, NULL) != SQLITE_OK)
		die("sqlite prepare: %s", sqlite3_errmsg(p->db));
	p->uncommitted_from = o.hot ? p->total - p->total / 4 : -1;
}

static void proc_close(struct proc *p)
{
	sqlite3_finalize(p->ins);
	if (!o.hot && p->in_txn)
		sql(p->db, "COMMIT;");
	if (o.hot) {
		char j[4200], jd[4200];
		snprintf(j, sizeof j, "%s-journal", p->stage);
		snprintf(jd, sizeof jd, "%s-journal", p->path);
		copy_file(p->stage, p->path);
		if (access(j, F_OK) == 0)
			copy_file(j, jd);
		sqlite3_close(p->db); /* rolls the staging copy back */
	} else if (o.wal) {
		char w[4200], wd[4200];
		snprintf(w, sizeof w, "%s-wal", p->stage);
		snprintf(wd, sizeof wd, "%s-wal", p->path);
		copy_file(p->stage, p->path);
		if (access(w, F_OK) == 0)
			copy_file(w, wd);
		sqlite3_close(p->db);
	} else {
		sql(p->db, "PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;"
			   " PRAGMA wal_checkpoint(FULL);");
		sqlite3_close(p->db);
	}
	if (p->stage[0])
		unlink_db(p->stage);
	p->db = NULL;
}

/* One finished record of process p. inner = the attributes in json.dumps spelling without braces. */
static void emit(struct proc *p, int64_t start, int64_t end, const char *name, const char *domain,
		 const char *inner, int span)
{
	if (!writing) {
		p->total++;
		return;
	}
	if (p->nrec == p->uncommitted_from) {
		if (p->in_txn)
			sql(p->db, "COMMIT;");
		sql(p->db, "BEGIN;");
		p->in_txn = 2; /* never committed */
	} else if (p->in_txn != 2 && p->nrec % 2000 == 0) {
		if (p->in_txn)
			sql(p->db, "COMMIT;");
		sql(p->db, "BEGIN;");
		p->in_txn = 1;
	}
	sqlite3_stmt *s = p->ins;
	sqlite3_reset(s);
	if (o.gen == 'C') {
		if (!p->thread_done) {
			char q[512];
			snprintf(q, sizeof q, "INSERT INTO process VALUES ('%ld', '%ld', '', 0, '');", p->pid, p->pid);
			sql(p->db, q);
			snprintf(q, sizeof q, "INSERT INTO thread VALUES (%ld, '%ld', '%ld', '%s(%ld)', 0);", p->tid,
				 p->tid, p->pid, domain, p->tid);
			sql(p->db, q);
			p->thread_done = 1;
		}
		args.n = 0;
		bs(&args, "{");
		bs(&args, inner);
		bs(&args, "}");
		sqlite3_bind_int64(s, 1, start);
		sqlite3_bind_int64(s, 2, end - start);
		sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, p->tid);
		sqlite3_bind_text(s, 5, domain, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, args.p, (int)args.n, SQLITE_STATIC);
		sqlite3_bind_int64(s, 7, end);
		sqlite3_bind_int64(s, 8, p->pid);
		sqlite3_bind_int64(s, 9, p->tid);
	} else {
		msg.n = 0;
		if (!o.cxx) {
			bf(&msg, "{\"domain\": \"%s\", ", domain);
			bs(&msg, inner);
			bf(&msg, ", \"name\": \"%s\"}", name);
		} else {
			/* the C++ Profiler spelling: ^key^:value, fragments, no blanks, no braces */
			bf(&msg, "^domain^:^%s^,", domain);
			for (const char *c = inner; *c; c++) {
				if (*c == '"')
					bput(&msg, "^", 1);
				else if ((*c == ',' || *c == ':') && c[1] == ' ') {
					bput(&msg, c, 1);
					c++;
				} else
					bput(&msg, c, 1);
			}
			bf(&msg, ",^name^:^%s^,", name);
		}
		sqlite3_bind_text(s, 1, msg.p, (int)msg.n, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, span ? 2 : 1);
		sqlite3_bind_int64(s, 3, p->markid++);
		sqlite3_bind_int64(s, 4, start);
		sqlite3_bind_int64(s, 5, end);
		sqlite3_bind_int64(s, 6, p->pid);
		sqlite3_bind_int64(s, 7, p->tid);
	}
	if (sqlite3_step(s) != SQLITE_DONE)
		die("sqlite insert into %s: %s", p->path, sqlite3_errmsg(p->db));
	p->nrec++;
}

/* ---- the simulated traffic ------------------------------------------------------------------- */

enum { RS_NEW, RS_WAIT, RS_RUN, RS_DONE };

struct req {
	char ext[64], in[80];
	int64_t arr, ready;
	int prompt, out_max, out_done, computed, blocks, iter, state, rank, hit, preempts, chunks;
};

static struct req *reqs;
static long nreqs;

/* API-process records, written after the simulation in end-time order */
enum { A_HTTPREQ, A_TOKENIZE, A_HTTPRES, A_DETOK };
struct arec {
	int64_t t;
	long seq;
	int kind;
	long req;
	long *list;
	int n;
};
static struct arec *arecs;
static long narecs, caprecs;

static void api_add(int64_t t, int kind, long req, long *list, int n)
{
	if (!writing) {
		procs[0].total++;
		free(list);
		return;
	}
	if (narecs == caprecs) {
		caprecs = caprecs ? caprecs * 2 : 1024;
		arecs = realloc(arecs, (size_t)caprecs * sizeof *arecs);
		if (!arecs)
			die("out of memory");
	}
	arecs[narecs] = (struct arec){t, narecs, kind, req, list, n};
	narecs++;
}

static int arec_cmp(const void *a, const void *b)
{
	const struct arec *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static long stat_preempt, stat_chunked, stat_steps, stat_hits;

static void make_requests(void)
{
	reqs = xmalloc((size_t)nreqs * sizeof *reqs);
	int64_t t = host_start[0] + 1500 * MS;
	for (long i = 0; i < nreqs; i++) {
		struct req *q = &reqs[i];
		char h[33], s[9];
		hexs(h, 32);
		hexs(s, 8);
		if (rnd64() % 3 == 0)
			snprintf(q->ext, sizeof q->ext, "chatcmpl-%s", h);
		else
			snprintf(q->ext, sizeof q->ext, "cmpl-%s-0", h);
		snprintf(q->in, sizeof q->in, "%s-%s", q->ext, s);
		t += (int64_t)(-log1p(-rndu()) / o.rate * 1e9) + rndr(0, 999);
		q->arr = t;
		q->rank = (int)(i % o.dp);
		q->prompt = (int)rndr(o.prompt_min, o.prompt_max);
		if (o.long_every > 0 && i % o.long_every == 2)
			q->prompt = (int)rndr(o.max_tokens * 3 / 2, o.max_tokens * 3);
		q->out_max = (int)rndr(o.out_min, o.out_max);
		/* shared system prompt: a prefix-cache hit of whole blocks for some requests */
		q->hit = 0;
		if (rnd64() % 4 == 0 && q->prompt > o.block_size)
			q->hit = (int)rndr(1, (q->prompt - 1) / o.block_size) * o.block_size;
		q->ready = t + 800 * US + (int64_t)q->prompt * 2 * US + rndr(0, 900 * US);
		q->iter = -1;
	}
}

static void rid_obj(struct buf *b, const struct req *q, int iter, int type, int nsched, int comp)
{
	bf(b, "{\"rid\": \"%s\", \"iter\": %d, \"type\": %d, \"num_scheduled_tokens\": %d, "
	      "\"num_prompt_tokens\": %d, \"num_computed_tokens\": %d}",
	   q->in, iter, type, nsched, q->prompt, comp);
}

static void str_list(struct buf *b, const long *ids, int n, int ext)
{
	bs(b, "[");
	for (int i = 0; i < n; i++)
		bf(b, "%s\"%s\"", i ? ", " : "", ext ? reqs[ids[i]].ext : reqs[ids[i]].in);
	bs(b, "]");
}

static int blocks_for(int tokens) { return (tokens + o.block_size - 1) / o.block_size; }

static void kv_free_event(struct proc *ep, int64_t t, const struct req *q, int free_blocks, int total)
{
	struct buf b = {0};
	bf(&b, "\"rid\": \"%s\", \"deviceBlock=\": %d, \"UsagePercent=\": ", q->in, free_blocks);
	bpyfloat(&b, 1.0 - ((double)free_blocks / (double)total));
	bs(&b, ", \"type\": 0");
	emit(ep, t, t, "Free", "Schedule.KVCache", b.p, 0);
	free(b.p);
}

static unsigned *stamp; /* per request: the mark of the last queue_events pass that saw it */
static unsigned stamp_now;

/* Dequeue (before - after) then Enqueue (after - before) of one queue, as the schedule hook does */
static void queue_events(struct proc *ep, int64_t *tt, const long *before, int nb, const long *after, int na,
			 const char *qname)
{
	long *d = xmalloc((size_t)(nb + na + 1) * sizeof *d);
	struct buf b = {0};
	for (int pass = 0; pass < 2; pass++) {
		const long *x = pass ? after : before, *y = pass ? before : after;
		int nx = pass ? na : nb, ny = pass ? nb : na, n = 0;
		stamp_now++;
		for (int j = 0; j < ny; j++)
			stamp[y[j]] = stamp_now;
		for (int i = 0; i < nx; i++)
			if (stamp[x[i]] != stamp_now)
				d[n++] = x[i];
		if (!n)
			continue;
		b.n = 0;
		bs(&b, "\"rid\": ");
		str_list(&b, d, n, 0);
		bf(&b, ", \"QueueSize=\": %d, \"scope#QueueName\": \"%s\", \"type\": 0", na, qname);
		emit(ep, *tt, *tt, pass ? "Enqueue" : "Dequeue", "Schedule", b.p, 0);
		*tt += rndr(4 * US, 12 * US);
	}
	free(b.p);
	free(d);
}

static int by_ready(const void *a, const void *b)
{
	const struct req *x = &reqs[*(const long *)a], *y = &reqs[*(const long *)b];
	if (x->ready != y->ready)
		return x->ready < y->ready ? -1 : 1;
	return *(const long *)a < *(const long *)b ? -1 : 1;
}

static void sim_rank(int r, struct proc *ep, struct proc *wp)
{
	long n = 0, *ids = xmalloc((size_t)nreqs * sizeof *ids);
	for (long i = 0; i < nreqs; i++)
		if (reqs[i].rank == r)
			ids[n++] = i;
	qsort(ids, (size_t)n, sizeof *ids, by_ready); /* enqueue order = ready order */
	long *wait = xmalloc((size_t)(n + 1) * sizeof *wait), *run = xmalloc((size_t)(n + 1) * sizeof *run);
	long *bw = xmalloc((size_t)(n + 1) * sizeof *bw), *br = xmalloc((size_t)(n + 1) * sizeof *br);
	long *sch = xmalloc((size_t)(n + 1) * sizeof *sch);
	int *sn = xmalloc((size_t)(n + 1) * sizeof *sn), *sc = xmalloc((size_t)(n + 1) * sizeof *sc);
	int *sit = xmalloc((size_t)(n + 1) * sizeof *sit), *sty = xmalloc((size_t)(n + 1) * sizeof *sty);
	int nw = 0, nr = 0;
	long next = 0, done = 0;
	const int total = o.blocks;
	int freeb = total - 1; /* block 0 is the null block */
	int64_t t = n ? reqs[ids[0]].ready : 0;
	struct buf b = {0}, objs = {0};
	while (done < n) {
		/* add_request for what arrived while the engine was busy */
		while (next < n && reqs[ids[next]].ready <= t) {
			struct req *q = &reqs[ids[next++]];
			wait[nw++] = q - reqs;
			q->state = RS_WAIT;
			b.n = 0;
			bf(&b, "\"rid\": \"%s\", \"QueueSize=\": %d, \"scope#QueueName\": \"WAITING\", \"type\": 0", q->in,
			   nw);
			emit(ep, t, t, "Enqueue", "Schedule", b.p, 0);
			t += rndr(15 * US, 40 * US);
		}
		if (nr == 0 && nw == 0) {
			t = t > reqs[ids[next]].ready ? t : reqs[ids[next]].ready;
			continue;
		}
		/* ---- Scheduler.schedule ---- */
		int64_t s0 = t, tt = t + rndr(40 * US, 90 * US);
		int budget = o.max_tokens, ns = 0, preempted = 0;
		const int free_before = freeb;
		int nbw = nw, nbr = nr;
		memcpy(bw, wait, (size_t)nw * sizeof *bw);
		memcpy(br, run, (size_t)nr * sizeof *br);
		for (int i = 0; i < nr && budget > 0; i++) {
			struct req *q = &reqs[run[i]];
			int num = q->prompt + q->out_done - q->computed;
			if (num > budget)
				num = budget;
			int ok = 1;
			for (;;) {
				int need = blocks_for(q->computed + num) - q->blocks;
				if (need <= freeb) {
					freeb -= need;
					q->blocks += need;
					break;
				}
				struct req *v = &reqs[run[--nr]];
				freeb += v->blocks;
				v->blocks = 0;
				v->computed = 0;
				v->state = RS_WAIT;
				v->preempts++;
				stat_preempt++;
				memmove(wait + 1, wait, (size_t)nw * sizeof *wait);
				wait[0] = v - reqs;
				nw++;
				preempted = 1;
				kv_free_event(ep, tt, v, freeb, total);
				tt += rndr(10 * US, 25 * US);
				if (v == q) {
					ok = 0;
					break;
				}
			}
			if (!ok)
				break;
			sch[ns] = q - reqs;
			sn[ns] = num;
			sc[ns++] = q->computed;
			budget -= num;
		}
		while (!preempted && nw > 0 && budget > 0 && nr < o.max_seqs) {
			struct req *q = &reqs[wait[0]];
			int comp = q->computed;
			if (comp == 0) {
				int ntok = q->prompt + q->out_done;
				int hit = q->preempts ? (rnd64() % 2 ? (ntok - 1) / o.block_size * o.block_size : 0) : q->hit;
				b.n = 0;
				bf(&b, "\"rid\": \"%s\", \"hitCache\": ", q->in);
				bpyfloat(&b, (double)hit / (double)ntok);
				bs(&b, ", \"type\": 0");
				emit(ep, tt, tt, "CacheHitRate", "Schedule.KVCache", b.p, 0);
				tt += rndr(8 * US, 20 * US);
				comp = hit;
				stat_hits += hit > 0;
			}
			int num = q->prompt + q->out_done - comp;
			if (num > budget)
				num = budget;
			int need = blocks_for(comp + num);
			if (need > freeb)
				break;
			freeb -= need;
			q->blocks = need;
			q->computed = comp;
			memmove(wait, wait + 1, (size_t)(nw - 1) * sizeof *wait);
			nw--;
			run[nr++] = q - reqs;
			q->state = RS_RUN;
			sch[ns] = q - reqs;
			sn[ns] = num;
			sc[ns++] = comp;
			budget -= num;
		}
		tt += rndr(60 * US, 140 * US) + ns * rndr(3 * US, 8 * US);
		if (ns == 0) {
			t = tt + 1 * MS;
			continue;
		}
		stat_steps++;
		int has_p = 0, has_d = 0, ptok = 0, dreq = 0, tot = 0;
		objs.n = 0;
		bs(&objs, "[");
		for (int i = 0; i < ns; i++) {
			struct req *q = &reqs[sch[i]];
			sit[i] = ++q->iter;
			sty[i] = sc[i] < q->prompt ? 0 : 1;
			if (sty[i] == 0) {
				has_p = 1;
				ptok += sn[i];
				if (sc[i] + sn[i] < q->prompt + q->out_done)
					q->chunks++;
			} else {
				has_d = 1;
				dreq++;
			}
			tot += sn[i];
			if (i)
				bs(&objs, ", ");
			rid_obj(&objs, q, sit[i], sty[i], sn[i], sc[i]);
		}
		bs(&objs, "]");
		const char *bt = has_p && has_d ? "Prefill,Decode" : has_p ? "Prefill" : "Decode";
		queue_events(ep, &tt, br, nbr, run, nr, "RUNNING");
		queue_events(ep, &tt, bw, nbw, wait, nw, "WAITING");
		b.n = 0;
		bs(&b, "\"rid\": ");
		str_list(&b, sch, ns, 0);
		bf(&b, ", \"TotalBlocks=\": %d, \"UsedBlocks=\": %d, \"FreeBlocks=\": %d, \"UsagePercent=\": ", total,
		   total - freeb, freeb);
		bpyfloat(&b, 1.0 - ((double)freeb / (double)total));
		bf(&b, ", \"AllocatedBlocks=\": %d, \"type\": 0", free_before - freeb);
		emit(ep, tt, tt, "KVCacheStatus", "Schedule.KVCache", b.p, 0);
		int64_t s1 = tt + rndr(10 * US, 30 * US);
		b.n = 0;
		bs(&b, "\"type\": 2, \"rid\": ");
		bs(&b, objs.p);
		bf(&b, ", \"batch_type\": \"%s\"", bt);
		emit(ep, s0, s1, "batchFrameworkProcessing", "Schedule", b.p, 1);

		/* ---- Executor.execute_model and the workers ---- */
		int64_t x0 = s1 + rndr(20 * US, 60 * US), x1 = 0;
		int64_t fwd = 3 * MS + (int64_t)ptok * 18 * US + (dreq ? 9 * MS + dreq * 120 * US : 0);
		fwd += rndr(0, fwd / 20);
		for (int w = 0; w < o.tp; w++) {
			struct proc *p = &wp[w];
			int64_t m0 = x0 + rndr(60 * US, 150 * US);
			int64_t a = m0 + rndr(20 * US, 50 * US), a1 = a + rndr(300 * US, 900 * US) + ns * 6 * US;
			emit(p, a, a1, "_prepare_inputs", "Execute", "\"type\": 2", 1);
			int64_t f0 = a1 + rndr(30 * US, 80 * US), f1 = f0 + fwd + rndr(0, 200 * US);
			b.n = 0;
			bs(&b, "\"type\": 2, \"rid\": ");
			str_list(&b, sch, ns, 0);
			emit(p, f0, f1, "forward", "Execute", b.p, 1);
			int64_t l0 = f1 + rndr(20 * US, 60 * US), l1 = l0 + rndr(150 * US, 350 * US);
			emit(p, l0, l1, "computing_logits", "Execute", "\"type\": 2", 1);
			int64_t z0 = l1 + rndr(20 * US, 60 * US), z1 = z0 + rndr(250 * US, 600 * US);
			emit(p, z0, z1, "sample", "Execute", "\"type\": 2", 1);
			int64_t m1 = z1 + rndr(100 * US, 300 * US);
			b.n = 0;
			bs(&b, "\"rid\": [");
			for (int i = 0; i < ns; i++)
				bf(&b, "%s{\"rid\": \"%s\"}", i ? ", " : "", reqs[sch[i]].in);
			bs(&b, "], \"type\": 2");
			emit(p, m0, m1, "modelRunnerExec", "Execute", b.p, 1);
			if (m1 > x1)
				x1 = m1;
		}
		x1 += rndr(80 * US, 250 * US);
		b.n = 0;
		bs(&b, "\"rid\": ");
		bs(&b, objs.p);
		bf(&b, ", \"batch_type\": \"%s\", \"type\": 2, \"batch_size\": %d", bt, tot);
		emit(ep, x0, x1, "modelExec", "Execute", b.p, 1);

		/* ---- update_from_output: tokens, finished requests, their KV blocks freed ---- */
		long *outs = xmalloc((size_t)ns * sizeof *outs);
		int no = 0;
		int64_t u = x1 + rndr(30 * US, 80 * US);
		int64_t ta = x1 + rndr(300 * US, 1200 * US);
		for (int i = 0; i < ns; i++) {
			struct req *q = &reqs[sch[i]];
			q->computed += sn[i];
			if (q->computed < q->prompt + q->out_done)
				continue; /* a prefill chunk: no token yet */
			q->out_done++;
			outs[no++] = sch[i];
			if (q->out_done < q->out_max)
				continue;
			q->state = RS_DONE;
			done++;
			for (int j = 0; j < nr; j++)
				if (run[j] == sch[i]) {
					memmove(run + j, run + j + 1, (size_t)(nr - j - 1) * sizeof *run);
					nr--;
					break;
				}
			freeb += q->blocks;
			q->blocks = 0;
			kv_free_event(ep, u, q, freeb, total);
			u += rndr(10 * US, 25 * US);
			api_add(ta, A_HTTPRES, sch[i], NULL, 0);
			ta += rndr(5 * US, 20 * US);
		}
		if (no)
			api_add(ta + rndr(30 * US, 100 * US), A_DETOK, -1, outs, no);
		else
			free(outs);
		t = (u > x1 ? u : x1) + rndr(50 * US, 150 * US);
	}
	free(b.p);
	free(objs.p);
	free(ids);
	free(wait);
	free(run);
	free(bw);
	free(br);
	free(sch);
	free(sn);
	free(sc);
	free(sit);
	free(sty);
}

static void write_api(struct proc *ap)
{
	qsort(arecs, (size_t)narecs, sizeof *arecs, arec_cmp);
	struct buf b = {0};
	for (long i = 0; i < narecs; i++) {
		struct arec *a = &arecs[i];
		b.n = 0;
		switch (a->kind) {
		case A_HTTPREQ:
		case A_TOKENIZE:
			bf(&b, "\"rid\": \"%s\", \"type\": 0", reqs[a->req].ext);
			emit(ap, a->t, a->t, a->kind == A_HTTPREQ ? "httpReq" : "tokenize", "Engine", b.p, 0);
			break;
		case A_HTTPRES:
			bf(&b, "\"rid\": \"%s\", \"recvTokenSize=\": %d, \"replyTokenSize=\": %d, \"type\": 0",
			   reqs[a->req].ext, reqs[a->req].prompt, reqs[a->req].out_done);
			emit(ap, a->t, a->t, "httpRes", "Engine", b.p, 0);
			break;
		default:
			bs(&b, "\"rid\": ");
			str_list(&b, a->list, a->n, 1);
			bs(&b, ", \"type\": 0");
			emit(ap, a->t, a->t, "detokenize", "Engine", b.p, 0);
			free(a->list);
			break;
		}
	}
	free(b.p);
	free(arecs);
	arecs = NULL;
	narecs = caprecs = 0;
}

/* One full simulation; pass 1 counts records per process, pass 2 writes them. */
static long simulate(void)
{
	rng_state = o.seed * 0x2545f4914f6cdd1dULL + 12345;
	nprocs = 1 + o.dp * (1 + o.tp);
	free(procs);
	procs = xmalloc((size_t)nprocs * sizeof *procs);
	for (int h = 0; h < o.hosts; h++) {
		host_start[h] = o.base_ns + h * o.host_skew_ns;
		snprintf(hostnames[h], sizeof hostnames[h], "aiserver-%02d", h + 1);
	}
	long base = 3000 + (long)(rnd64() % 200000);
	long launcher[64];
	for (int h = 0; h < o.hosts; h++)
		launcher[h] = base - 40 - h * 7;
	procs[0] = (struct proc){.kind = P_API, .host = 0, .rank = -1, .pid = base, .ppid = launcher[0]};
	int k = 1;
	for (int r = 0; r < o.dp; r++) {
		int h = (int)((long)r * o.hosts / o.dp);
		long epid = base + 200 + r * 40 + (long)rndr(0, 9);
		procs[k++] = (struct proc){.kind = P_ENGINE, .host = h, .rank = r, .pid = epid,
					   .ppid = h == 0 ? base : launcher[h]};
		for (int w = 0; w < o.tp; w++)
			procs[k++] = (struct proc){.kind = P_WORKER, .host = h, .rank = r,
						   .pid = epid + 11 + w * 3 + (long)rndr(0, 2), .ppid = epid};
	}
	for (int i = 0; i < nprocs; i++)
		procs[i].tid = procs[i].pid; /* the hooks run on each process's main thread */
	free(reqs);
	make_requests();
	free(stamp);
	stamp = xmalloc((size_t)nreqs * sizeof *stamp);
	stamp_now = 0;
	for (long i = 0; i < nreqs; i++) {
		api_add(reqs[i].arr, A_HTTPREQ, i, NULL, 0);
		api_add(reqs[i].arr + rndr(5 * US, 30 * US), A_TOKENIZE, i, NULL, 0);
	}
	if (o.blocks == 0) {
		int maxtok = o.long_every ? o.max_tokens * 3 + o.out_max : o.prompt_max + o.out_max;
		o.blocks = o.max_seqs * blocks_for(o.prompt_max + o.out_max) + blocks_for(maxtok) + 1;
	}
	if (o.blocks < blocks_for(o.long_every ? o.max_tokens * 3 + o.out_max : o.prompt_max + o.out_max) + 2)
		die("--blocks %d cannot hold the longest request", o.blocks);
	stat_preempt = stat_chunked = stat_steps = stat_hits = 0;
	return 0;
}

static long *counted; /* per-process record counts of the counting pass */

static long run_pass(void)
{
	simulate();
	if (writing)
		for (int i = 0; i < nprocs; i++) {
			procs[i].total = counted[i];
			proc_open(&procs[i]);
		}
	int k = 1;
	for (int r = 0; r < o.dp; r++) {
		sim_rank(r, &procs[k], &procs[k + 1]);
		k += 1 + o.tp;
	}
	if (writing)
		write_api(&procs[0]);
	long tot = 0;
	if (!writing) {
		free(counted);
		counted = xmalloc((size_t)nprocs * sizeof *counted);
	}
	for (int i = 0; i < nprocs; i++) {
		tot += procs[i].total;
		if (!writing)
			counted[i] = procs[i].total;
	}
	for (long i = 0; i < nreqs; i++)
		stat_chunked += reqs[i].chunks > 0;
	return tot;
}

static long num(const char *s, const char *opt)
{
	char *e;
	errno = 0;
	long long v = strtoll(s, &e, 0);
	if (errno || *e || v < 0)
		die("bad value for %s: %s", opt, s);
	return (long)v;
}

int main(int argc, char **argv)
{
	int i;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (!strcmp(a, name) && (v || (die("%s needs a value", name), 0)) && ++i)
		if (!strcmp(a, "--wal"))
			o.wal = 1;
		else if (!strcmp(a, "--hot-journal"))
			o.hot = 1;
		else if (!strcmp(a, "--cxx-msg"))
			o.cxx = 1;
		else if (OPT("--gen")) {
			if (strcmp(v, "B") && strcmp(v, "C"))
				die("--gen B or C");
			o.gen = v[0];
		} else if (OPT("--requests"))
			o.requests = num(v, a);
		else if (OPT("--records"))
			o.records = num(v, a);
		else if (OPT("--dp"))
			o.dp = (int)num(v, a);
		else if (OPT("--tp"))
			o.tp = (int)num(v, a);
		else if (OPT("--hosts"))
			o.hosts = (int)num(v, a);
		else if (OPT("--seed"))
			o.seed = (uint64_t)num(v, a);
		else if (OPT("--rate"))
			o.rate = strtod(v, NULL);
		else if (OPT("--max-tokens"))
			o.max_tokens = (int)num(v, a);
		else if (OPT("--max-seqs"))
			o.max_seqs = (int)num(v, a);
		else if (OPT("--blocks"))
			o.blocks = (int)num(v, a);
		else if (OPT("--block-size"))
			o.block_size = (int)num(v, a);
		else if (OPT("--prompt-min"))
			o.prompt_min = (int)num(v, a);
		else if (OPT("--prompt-max"))
			o.prompt_max = (int)num(v, a);
		else if (OPT("--out-min"))
			o.out_min = (int)num(v, a);
		else if (OPT("--out-max"))
			o.out_max = (int)num(v, a);
		else if (OPT("--long-every"))
			o.long_every = (int)num(v, a);
		else if (OPT("--base-ns"))
			o.base_ns = (int64_t)num(v, a);
		else if (OPT("--tz-min"))
			o.tz_min = (int)strtol(v, NULL, 10);
		else if (OPT("--host-skew-ms"))
			o.host_skew_ns = (int64_t)num(v, a) * MS;
		else {
			fprintf(stderr, "ap-gen-svc: unknown option %s (see the comment at the top of gen_svc.c)\n", a);
			return 2;
		}
#undef OPT
	}
	if (i + 1 != argc) {
		fputs("usage: ap-gen-svc [--gen B|C] [--requests N | --records N] [--dp N] [--tp N] [--hosts N]"
		      " [--seed S] [--wal | --hot-journal] [...] OUT\n", stderr);
		return 2;
	}
	o.out = argv[i];
	if (o.dp < 1 || o.tp < 1 || o.hosts < 1 || o.hosts > 64 || o.hosts > o.dp || o.block_size < 1 ||
	    o.max_tokens < 1 || o.max_seqs < 1 || o.rate <= 0 || o.prompt_min < 1 || o.prompt_max < o.prompt_min ||
	    o.out_min < 1 || o.out_max < o.out_min || (o.wal && o.hot) || (o.cxx && o.gen != 'B'))
		die("inconsistent options (hosts <= dp <= ..., min <= max, --wal xor --hot-journal, --cxx-msg needs --gen B)");
	nreqs = o.requests;
	if (o.records > 0) {
		/* size the request count from a pilot run, then grow until the count is reached */
		nreqs = 200;
		long got = run_pass();
		nreqs = (long)((double)o.records / (double)got * 200 * 1.02) + 1;
		while ((got = run_pass()) < o.records)
			nreqs = nreqs + nreqs / 50 + 1;
	} else {
		if (nreqs < 1)
			die("--requests must be >= 1");
		run_pass();
	}
	writing = 1;
	long tot = run_pass();
	for (int p = 0; p < nprocs; p++)
		proc_close(&procs[p]);
	if (o.wal || o.hot) {
		char dir[4096];
		snprintf(dir, sizeof dir, "%s/.ap-gen-svc-stage-%ld", o.out, (long)getpid());
		rmdir(dir);
	}
	fprintf(stderr, "ap-gen-svc: %d files, %ld records, %ld requests, %ld steps, %ld chunked prefills, "
			"%ld preemptions, %ld prefix hits, %d blocks per rank\n",
		nprocs, tot, nreqs, stat_steps, stat_chunked, stat_preempt, stat_hits, o.blocks);
	free(args.p);
	free(msg.p);
	free(reqs);
	free(procs);
	free(counted);
	free(stamp);
	return 0;
}
