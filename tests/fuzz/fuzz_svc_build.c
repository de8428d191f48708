/*
 * fuzz_svc_build.c — the record-to-span path of a service dump, in memory: the input becomes
 * the rows of one to four struct ap_svc_file as ap_svc_load_file would have produced them
 * (messages parsed by the real attribute parser, lib/formats/service/svc_attr.c), then
 * ap_svc_build (§2.4 per-process pipeline, §2.5 merge), ap_svc_derive (§2.6), ap_svc_trace_build
 * (§3.7) and every event rendered with ap_svc_trace_ev_json; optionally the CSV writers and
 * chrome_tracing.json. No SQLite: the loader's own SQL layer is not reached (fuzz_svc_attr covers
 * the parser on its own); profiler.db (ap_svc_write_db) is not written.
 *
 * Input: byte 0 = options, then one Meta byte per file, then records separated by 0x1e.
 *   byte 0
 *     bits 0-1  number of files - 1
 *     bit  2    also run the CSV writers and ap_svc_write_trace into a private temp dir
 *     bits 4-7  bit 4+i set: file i is gen B (Mstx: name/domain inside the message, the §1.3
 *               normalisation applied), else gen C (name/cat columns, args as they are)
 *   Meta byte of file i (missing bytes count as 0)
 *     bits 0-1  hostname: none, "node1", "node2", ""
 *     bits 2-3, 6  ppid (bit 6 high): none, "1000", "1001", "1002", "x", "-1", "", "1003"
 *     bits 4-5  dpRankId: none, "0", "1", "dp"
 *   record := h0 h1 h2 h3 h4 h5 h6 message (a record shorter than 7 bytes is padded with 0;
 *             an empty record is skipped; at most MAX_ROWS records)
 *     h0  bits 0-1 file (modulo the number of files); bits 2-4 pid: 0 the file's own
 *         (1001 + file), 1-6 1000 + v, 7 INT64_MAX or -1 (bit 5);
 *         bits 5-7 tid = 1101 + 100 * file + v
 *     h1  name, h2 domain: < 0xc0: names[v % (N + 1)] (N: NULL); >= 0xc0: the first (v & 15)
 *         bytes of the message (taken off it) as raw bytes (invalid UTF-8 becomes "N/A" as in the
 *         loader). Gen B: written into the message as ^name^:^X^, / ^domain^:^Y^, in front of it
 *         (unless h6 bit 6), and the row's name/domain come from the parsed message.
 *     h3 h4  start = 1767225600000000007 + u16le(h3, h4) * 1000 ns
 *     h5  duration = h5 * h5 * 1000 ns
 *     h6  bits 0-1 time mode: 0 as above; 1 end before start; 2 start and end from
 *         {INT64_MIN, INT64_MAX, 0, -1} (h3 & 3, h4 & 3); 3 base 0 instead of 2026;
 *         bits 2-5 NULL timestamp, end, pid, tid (value 0 and the AP_SVC_ROW_NULL_* flag);
 *         bit 6 gen B: the message as it is (no name/domain keys added); bit 7 unused
 *
 * Invariants beyond "no crash, no leak, no UB":
 *   - build returns 0, or AP_ENOTFOUND (no row) / AP_ENOMEM with err set;
 *   - merged rows sorted by start_us; every row's attrs an object, file < n_files; rid_list
 *     as long as the res list, an entry NULL only for a None (upstream's req.get('rid'): a
 *     null element, an object without a non-null "rid"); batch_size -1 or n_rid_list;
 *     token_ids present when counted;
 *   - derive returns 0 and every derived row index is < n_rows;
 *   - every event (ensure_ascii 0 and 1) is one JSON object (jansson, after bare NaN/Infinity,
 *     which json.dumps writes, are read as 0) with a one-character "ph" equal to the event's
 *     and a "name"; the ensure_ascii=1 text is pure ASCII and decodes to the same value;
 *     args_json is one JSON object too (flows: empty);
 *   - the writers return 0.
 * FUZZ_SVC_BUILD_VERBOSE=1 prints what each input reached (rows, events, files written), to
 * check what a seed covers. Files: $TMPDIR/ap_fuzz_svc_build.XXXXXX, made at the first input
 * with bit 2 and removed at exit (not after a crash).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ap/svc_an.h"
#include "ap/svc_csv.h"
#include "ap/svc_req.h"
#include "ap/svc_trace.h"
#include "../../lib/formats/service/svc_local.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

#define MAX_FILES 4
#define MAX_ROWS 512
#define HDR 7
#define SEP 0x1e
#define BASE_NS 1767225600000000007LL

static const char *const names[] = {
	"httpReq", "httpRes", "tokenize", "detokenize", "Enqueue", "Dequeue",
	"batchFrameworkProcessing", "BatchSchedule", "Schedule", "modelExec", "modelRunnerExec",
	"Execute", "forward", "KVCacheStatus", "CacheHitRate", "Free", "Allocate", "AppendSlot",
	"ReqState", "Link", "Queue", "outputSync", "prefillRes", "decodeRes", "npu", "Meta",
	"specDecoding", "DecodeEnd", "sendResponse", "FINISHED", "preprocess", "PullKVCache",
	"_prepare_inputs", "",
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

static const char *const domains[] = {
	"Engine", "Schedule", "Schedule.KVCache", "Execute", "KVCache", "Request",
	"BatchSchedule", "ModelExecute", "RequestState", "Queue", "npu", "Meta", "PullKVCache",
	"Communication", "",
};
#define N_DOMAINS (sizeof(domains) / sizeof(domains[0]))

static const int64_t extreme[4] = { INT64_MIN, INT64_MAX, 0, -1 };

/* ---- a private output dir, made once per process and emptied at exit ---------------------- */

static char outdir[4096];

static void empty_outdir(void)
{
	DIR *d;
	struct dirent *e;
	char p[4096 + 256];

	if (!outdir[0] || !(d = opendir(outdir)))
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", outdir, e->d_name);
			unlink(p);
		}
	closedir(d);
}

static void rm_outdir(void)
{
	empty_outdir();
	if (outdir[0])
		rmdir(outdir);
}

static const char *get_outdir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (outdir[0]) {
		empty_outdir();
		return outdir;
	}
	snprintf(outdir, sizeof(outdir), "%s/ap_fuzz_svc_build.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(outdir)) {
		perror("fuzz_svc_build: mkdtemp");
		abort();
	}
	atexit(rm_outdir);
	return outdir;
}

/* ---- building the files -------------------------------------------------------------------- */

struct rec {
	const uint8_t *p;
	size_t len;
};

/* Pads a record to HDR bytes. */
static uint8_t hdr_byte(const struct rec *r, size_t i)
{
	return i < r->len ? r->p[i] : 0;
}

static const char *intern(struct ap_svc_file *f, const char *s, size_t len)
{
	int bad = 0;
	uint32_t id = ap_strtab_intern(&f->strs, s, len, &bad);

	return id ? ap_strtab_get(&f->strs, id) : NULL;
}

static void set_meta(struct ap_svc_file *f, uint8_t m)
{
	static const char *const host[] = { NULL, "node1", "node2", "" };
	static const char *const ppid[] = { NULL, "1000", "1001", "1002", "x", "-1", "", "1003" };
	static const char *const dp[] = { NULL, "0", "1", "dp" };
	const char *v[3] = { host[m & 3], ppid[((m >> 2) & 3) | ((m >> 4) & 4)], dp[(m >> 4) & 3] };
	static const char *const key[3] = { "hostname", "ppid", "dpRankId" };
	size_t n = 0;

	f->meta = ap_arena_alloc(&f->arena, 3 * sizeof(*f->meta));
	if (!f->meta)
		return;
	for (int i = 0; i < 3; i++) {
		if (!v[i])
			continue;
		f->meta[n].name = intern(f, key[i], strlen(key[i]));
		f->meta[n].value = intern(f, v[i], strlen(v[i]));
		if (f->meta[n].name && f->meta[n].value)
			n++;
	}
	f->n_meta = n;
}

/* A name or domain choice: *out the string (NULL: none), *raw the bytes taken off the message. */
static void choose(uint8_t b, const char *const *dict, size_t n, const uint8_t **msg,
		   size_t *len, const char **out, size_t *out_len)
{
	if (b >= 0xc0) {
		size_t k = b & 15;

		if (k > *len)
			k = *len;
		*out = (const char *)*msg;
		*out_len = k;
		*msg += k;
		*len -= k;
		return;
	}
	b %= (uint8_t)(n + 1);
	*out = b < n ? dict[b] : NULL;
	*out_len = *out ? strlen(*out) : 0;
}

/* gen B: ^key^:^value^, with the value's bytes as they are */
static void add_genb_key(struct ap_strbuf *sb, const char *key, const char *v, size_t vlen)
{
	if (!v)
		return;
	ap_strbuf_addf(sb, "^%s^:^", key);
	ap_strbuf_add(sb, v, vlen);
	ap_strbuf_add(sb, "^,", 2);
}

/* Fills row r of file f (file index fi, generation gen B when genb) from record rec. Returns
 * 0 or -1 (out of memory). */
static int fill_row(struct ap_svc_file *f, struct ap_svc__attr *a, struct ap_strbuf *tmp,
		    uint32_t fi, int genb, const struct rec *rec, struct ap_svc_row *row, int64_t mark)
{
	uint8_t h0 = hdr_byte(rec, 0), h6 = hdr_byte(rec, 6);
	const uint8_t *msg = rec->len > HDR ? rec->p + HDR : (const uint8_t *)"";
	size_t len = rec->len > HDR ? rec->len - HDR : 0;
	const char *name, *domain, *text;
	size_t name_len, domain_len, text_len;
	unsigned pv = (h0 >> 2) & 7;
	uint16_t off = (uint16_t)(hdr_byte(rec, 3) | hdr_byte(rec, 4) << 8);
	int64_t dur = (int64_t)hdr_byte(rec, 5) * hdr_byte(rec, 5) * 1000;
	int r;

	row->mark_id = mark;
	row->file = fi;
	if (pv == 0)
		row->pid = 1001 + fi;
	else if (pv < 7)
		row->pid = 1000 + pv;
	else
		row->pid = h0 & 0x20 ? INT64_MAX : -1;
	row->tid = 1101 + 100 * (int64_t)fi + (h0 >> 5);
	switch (h6 & 3) {
	case 0:
		row->start_ns = BASE_NS + (int64_t)off * 1000;
		row->end_ns = row->start_ns + dur;
		break;
	case 1:
		row->start_ns = BASE_NS + (int64_t)off * 1000;
		row->end_ns = row->start_ns - dur - 1;
		break;
	case 2:
		row->start_ns = extreme[hdr_byte(rec, 3) & 3];
		row->end_ns = extreme[hdr_byte(rec, 4) & 3];
		break;
	default:
		row->start_ns = (int64_t)off * 1000;
		row->end_ns = row->start_ns + dur;
	}
	if (h6 & 0x04)
		row->start_ns = 0, row->flags |= AP_SVC_ROW_NULL_START;
	if (h6 & 0x08)
		row->end_ns = 0, row->flags |= AP_SVC_ROW_NULL_END;
	if (h6 & 0x10)
		row->pid = 0, row->flags |= AP_SVC_ROW_NULL_PID;
	if (h6 & 0x20)
		row->tid = 0, row->flags |= AP_SVC_ROW_NULL_TID;

	choose(hdr_byte(rec, 1), names, N_NAMES, &msg, &len, &name, &name_len);
	choose(hdr_byte(rec, 2), domains, N_DOMAINS, &msg, &len, &domain, &domain_len);
	text = (const char *)msg;
	text_len = len;
	if (genb) {
		ap_strbuf_reset(tmp);
		if (!(h6 & 0x40)) {
			add_genb_key(tmp, "name", name, name_len);
			add_genb_key(tmp, "domain", domain, domain_len);
		}
		ap_strbuf_add(tmp, text, text_len);
		if (tmp->failed || ap_svc__mstx_normalise(&a->norm, tmp->buf, tmp->len) < 0)
			return -1;
		text = a->norm.buf;
		text_len = a->norm.len;
	}
	r = ap_svc__attr_parse(a, text, text_len, &row->attrs);
	if (r < 0)
		return -1;
	FUZZ_CHECK(r == 0 || r == 1);
	FUZZ_CHECK(row->attrs.type == AP_SV_OBJ);
	if (r == 1)
		row->flags |= AP_SVC_ROW_BAD_JSON;
	if (genb) {
		const struct ap_sv *v = ap_sv_get(&row->attrs, "name");

		row->name = v && v->type == AP_SV_STR ? v->u.s : NULL;
		v = ap_sv_get(&row->attrs, "domain");
		row->domain = v && v->type == AP_SV_STR ? v->u.s : NULL;
	} else {
		row->name = name ? intern(f, name, name_len) : NULL;
		row->domain = domain ? intern(f, domain, domain_len) : NULL;
		if ((name && !row->name) || (domain && !row->domain))
			return -1;
	}
	return 0;
}

/* Splits the records; returns how many (at most MAX_ROWS). */
static size_t split(const uint8_t *p, size_t n, struct rec *out)
{
	size_t k = 0, b = 0;

	for (size_t i = 0; i <= n && k < MAX_ROWS; i++) {
		if (i < n && p[i] != SEP)
			continue;
		if (i > b) {
			out[k].p = p + b;
			out[k].len = i - b;
			k++;
		}
		b = i + 1;
	}
	return k;
}

/* Makes the files array (malloc'ed, n_files entries); NULL when out of memory (nothing left). */
static struct ap_svc_file *make_files(const uint8_t *data, size_t size, size_t *n_files)
{
	static struct rec recs[MAX_ROWS];
	struct ap_svc_file *files;
	struct ap_strbuf tmp = AP_STRBUF_INIT;
	size_t nf = (size_t)(data[0] & 3) + 1, nrec, pos = 1 + nf, cnt[MAX_FILES] = { 0 };
	int ok = 1;

	files = calloc(nf, sizeof(*files));
	if (!files)
		return NULL;
	for (size_t i = 0; i < nf; i++) {
		ap_svc_file_init(&files[i]);
		/* small blocks: fewer pages to clear per input, more block boundaries crossed */
		ap_arena_release(&files[i].arena);
		ap_arena_init(&files[i].arena, 4096);
		files[i].gen = data[0] & (0x10 << i) ? AP_SVC_GEN_B : AP_SVC_GEN_C;
		files[i].path = malloc(64);
		if (files[i].path) {
			snprintf(files[i].path, 64, "fuzz/ms_service_fuzz-%zu.db", 1001 + i);
			files[i].prof_id = ap_arena_strndup(&files[i].arena, files[i].path + 5,
							    strlen(files[i].path) - 8);
		}
		if (files[i].err.code || !files[i].prof_id)
			ok = 0;
		else
			set_meta(&files[i], 1 + i < size ? data[1 + i] : 0);
	}
	nrec = pos < size ? split(data + pos, size - pos, recs) : 0;
	for (size_t k = 0; k < nrec; k++)
		cnt[hdr_byte(&recs[k], 0) % nf]++;
	for (size_t i = 0; i < nf && ok; i++) {
		if (cnt[i] && !(files[i].rows = calloc(cnt[i], sizeof(*files[i].rows))))
			ok = 0;
	}
	for (size_t i = 0; i < nf && ok; i++) {
		struct ap_svc__attr a;

		ap_svc__attr_init(&a, &files[i].arena, &files[i].strs);
		for (size_t k = 0; k < nrec && ok; k++) {
			struct ap_svc_file *f = &files[i];

			if (hdr_byte(&recs[k], 0) % nf != i)
				continue;
			if (fill_row(f, &a, &tmp, (uint32_t)i, f->gen == AP_SVC_GEN_B, &recs[k],
				     &f->rows[f->n_rows], (int64_t)f->n_rows + 1) < 0)
				ok = 0;
			else
				f->n_rows++;
		}
		ap_svc__attr_release(&a);
	}
	ap_strbuf_release(&tmp);
	if (!ok) {
		for (size_t i = 0; i < nf; i++)
			ap_svc_file_release(&files[i]);
		free(files);
		return NULL;
	}
	*n_files = nf;
	return files;
}

/* ---- checks -------------------------------------------------------------------------------- */

/* A None in rid_list (upstream: req.get('rid') of an object, or a null element) */
static int is_none_rid(const struct ap_sv *e)
{
	const struct ap_sv *id;

	if (e->type == AP_SV_NULL)
		return 1;
	if (e->type != AP_SV_OBJ)
		return 0;
	id = ap_sv_get(e, "rid");
	return !id || id->type == AP_SV_NULL;
}

static void check_rows(const struct ap_svc *s)
{
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct ap_svc_row *r = &s->rows[i];

		FUZZ_CHECK(i == 0 || s->rows[i - 1].start_us <= r->start_us);
		FUZZ_CHECK(r->file < s->n_files);
		FUZZ_CHECK(r->attrs.type == AP_SV_OBJ);
		FUZZ_CHECK(!r->n_rid_list || r->rid_list);
		FUZZ_CHECK(!r->n_rid_list || (r->res.type == AP_SV_LIST && r->n_rid_list == r->res.n));
		for (uint32_t k = 0; k < r->n_rid_list; k++)
			FUZZ_CHECK(r->rid_list[k] != NULL || is_none_rid(&r->res.u.items[k]));
		FUZZ_CHECK(!r->n_token_ids || r->token_ids);
		FUZZ_CHECK(r->batch_size == -1 || r->batch_size == (int32_t)r->n_rid_list);
	}
}

static void check_derived(const struct ap_svc *s, const struct ap_svc_derived *d)
{
	for (size_t i = 0; i < d->n_req_event; i++)
		FUZZ_CHECK(d->req_event[i].row < s->n_rows);
	for (size_t i = 0; i < d->n_batch_event; i++)
		FUZZ_CHECK(d->batch_event[i].row < s->n_rows && d->batch_event[i].batch);
	for (size_t i = 0; i < d->n_batch_attr; i++)
		FUZZ_CHECK(d->batch_attr[i].row < s->n_rows && d->batch_attr[i].batch);
	for (size_t i = 0; i < d->n_req_ttft; i++)
		FUZZ_CHECK(d->req_ttft[i].rid != NULL);
	for (size_t i = 0; i < d->n_req_wait; i++)
		FUZZ_CHECK(d->req_wait[i].rid != NULL);
}

/* json.dumps writes NaN, Infinity and -Infinity bare; jansson refuses them: read them as 0. */
static void unbare(const struct ap_strbuf *in, struct ap_strbuf *out)
{
	static const char *const bare[] = { "NaN", "-Infinity", "Infinity" };
	const char *p = in->buf, *end = in->buf + in->len, *run = p;
	int str = 0;

	ap_strbuf_reset(out);
	while (p < end) {
		char c = *p;

		if (str) {
			if (c == '\\' && p + 1 < end)
				p++;
			else if (c == '"')
				str = 0;
			p++;
			continue;
		}
		if (c == '"') {
			str = 1;
			p++;
			continue;
		}
		if (c == 'N' || c == 'I' || c == '-') {
			size_t k;

			for (k = 0; k < 3; k++) {
				size_t n = strlen(bare[k]);

				if ((size_t)(end - p) >= n && !memcmp(p, bare[k], n))
					break;
			}
			if (k < 3) {
				ap_strbuf_add(out, run, (size_t)(p - run));
				ap_strbuf_addch(out, '0');
				p += strlen(bare[k]);
				run = p;
				continue;
			}
		}
		p++;
	}
	ap_strbuf_add(out, run, (size_t)(p - run));
}

static json_t *load(const struct ap_strbuf *sb, struct ap_strbuf *tmp)
{
	json_error_t jerr;
	json_t *j;

	unbare(sb, tmp);
	FUZZ_CHECK(!tmp->failed);
	j = json_loadb(tmp->buf, tmp->len, JSON_ALLOW_NUL, &jerr);
	if (!j) {
		fprintf(stderr, "fuzz_svc_build: %s (line %d col %d) in:\n%.*s\n", jerr.text,
			jerr.line, jerr.column, (int)sb->len, sb->buf);
		FUZZ_CHECK(!"an event is valid JSON");
	}
	return j;
}

static void check_trace(const struct ap_svc *s, const struct ap_svc_trace *t)
{
	struct ap_strbuf sb = AP_STRBUF_INIT, sb_ascii = AP_STRBUF_INIT, tmp = AP_STRBUF_INIT;

	for (size_t i = 0; i < t->n_ev; i++) {
		const struct ap_svc_trace_ev *e = &t->ev[i];
		json_t *j, *ja, *ph;

		FUZZ_CHECK(e->kind <= AP_SVC_EV_PROC_LABELS);
		FUZZ_CHECK(!e->row || (e->row >= s->rows && e->row < s->rows + s->n_rows));
		ap_strbuf_reset(&sb);
		ap_strbuf_reset(&sb_ascii);
		ap_svc_trace_ev_json(&sb, t, e, 0);
		ap_svc_trace_ev_json(&sb_ascii, t, e, 1);
		FUZZ_CHECK(!sb.failed && !sb_ascii.failed);
		for (size_t k = 0; k < sb_ascii.len; k++)
			FUZZ_CHECK((unsigned char)sb_ascii.buf[k] < 0x80);
		j = load(&sb, &tmp);
		ja = load(&sb_ascii, &tmp);
		FUZZ_CHECK(json_is_object(j));
		FUZZ_CHECK(json_equal(j, ja));
		ph = json_object_get(j, "ph");
		FUZZ_CHECK(json_is_string(ph) && json_string_length(ph) == 1 &&
			   json_string_value(ph)[0] == e->ph);
		FUZZ_CHECK(json_object_get(j, "name") != NULL);
		json_decref(j);
		json_decref(ja);

		ap_strbuf_reset(&sb);
		ap_svc_trace_args_json(&sb, t, e, 1);
		if (e->kind == AP_SVC_EV_FLOW) {
			FUZZ_CHECK(sb.len == 0);
		} else {
			j = load(&sb, &tmp);
			FUZZ_CHECK(json_is_object(j));
			json_decref(j);
		}
	}
	ap_strbuf_release(&sb);
	ap_strbuf_release(&sb_ascii);
	ap_strbuf_release(&tmp);
}

static void write_all(const struct ap_svc *s, const struct ap_svc_derived *d,
		      const struct ap_svc_trace *t)
{
	const char *dir = get_outdir();
	struct ap_err err;
	int r;

	ap_err_init(&err);
	r = ap_svc_write_summaries(s, d, dir, &err);
	if (!r)
		r = ap_svc_write_request(s, d, dir, &err);
	if (!r)
		r = ap_svc_write_batch(s, dir, &err);
	if (!r)
		r = ap_svc_write_kvcache(s, dir, &err);
	if (!r)
		r = ap_svc_write_request_status(s, dir, &err);
	if (!r)
		r = ap_svc_write_forward(s, dir, &err);
	if (!r)
		r = ap_svc_write_trace(t, dir, &err);
	if (r)
		fprintf(stderr, "fuzz_svc_build: %s\n", ap_err_text(&err));
	FUZZ_CHECK(r == 0 || r == AP_ENOMEM);
	ap_err_release(&err);
	if (getenv("FUZZ_SVC_BUILD_VERBOSE")) {
		DIR *dd = opendir(dir);
		struct dirent *e;

		while (dd && (e = readdir(dd)))
			if (e->d_name[0] != '.')
				fprintf(stderr, "  wrote %s\n", e->d_name);
		if (dd)
			closedir(dd);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ap_svc_file *files;
	struct ap_svc s;
	struct ap_svc_derived d;
	struct ap_svc_trace t;
	struct ap_diag diag;
	struct ap_err err;
	size_t nf = 0;
	int r;

	if (size < 1)
		return 0;
	files = make_files(data, size, &nf);
	if (!files)
		return 0;
	ap_svc_init(&s);
	ap_diag_init(&diag);
	ap_err_init(&err);
	memset(&d, 0, sizeof(d));
	memset(&t, 0, sizeof(t));
	r = ap_svc_build(&s, files, nf, &diag, &err);
	FUZZ_CHECK(r == 0 || r == AP_ENOTFOUND || r == AP_ENOMEM);
	FUZZ_CHECK(r == 0 || err.code == r);
	if (r)
		goto out;
	FUZZ_CHECK(s.n_rows > 0);
	check_rows(&s);
	r = ap_svc_derive(&s, &d, &err);
	FUZZ_CHECK(r == 0 || r == AP_ENOMEM);
	if (r)
		goto out;
	check_derived(&s, &d);
	r = ap_svc_trace_build(&s, &t, &err);
	FUZZ_CHECK(r == 0 || r == AP_ENOMEM);
	if (r)
		goto out;
	check_trace(&s, &t);
	if (getenv("FUZZ_SVC_BUILD_VERBOSE"))
		fprintf(stderr, "fuzz_svc_build: %zu files, %zu rows, %zu req events, %zu batch "
			"events, %zu trace events\n", s.n_files, s.n_rows, d.n_req_event,
			d.n_batch_event, t.n_ev);
	if (data[0] & 4)
		write_all(&s, &d, &t);
out:
	ap_svc_trace_release(&t);
	ap_svc_derived_release(&d);
	ap_svc_release(&s);
	ap_diag_release(&diag);
	ap_err_release(&err);
	return 0;
}
