/*
 * fuzz_analyse.c — the whole analyse pipeline (lib/pipeline/pt_analyse.c: FRAMEWORK decoders,
 * the analysis passes of lib/analysis/ and the writers of lib/writers/) on arbitrary FRAMEWORK
 * files. Each input becomes a torch_npu dump in a private temp dir (a fixed, valid
 * profiler_info_0.json and up to four FRAMEWORK files); ap_analyse_pt analyses it into a second
 * private dir (out_root), the outputs are checked, and both trees are removed before the next input.
 * The decoder-level targets (fuzz_fwk_record, fuzz_fwk_load) cannot see bugs in the passes and
 * writers, e.g. signed overflow on differences of extreme timestamps.
 *
 * Input: byte 0 selects the options, the rest is up to four sections.
 *   byte 0
 *     bit  0    start_info.syscnt_enable (100 MHz system counter), else monotonic ns
 *     bits 1-2  the time reference (start_cnt / start_monotonic only matter with bit 0):
 *               0  testdata/vllm_profile rank 0: start 17238197612056 / 172163581670083,
 *                  end_info 1764151200002434947 / 172163583981573
 *               1  testdata/bad/framework: start 9000000000 / 100000000000,
 *                  end_info 1764151200001000000 / 100001000000
 *               2  start 0 / 0, end_info 1 / 0: local_diff = +1 ns, so raw monotonic times reach
 *                  the passes almost unchanged (INT64_MIN/MAX stay extreme)
 *               3  start 0 / 0, end_info 0 / INT64_MAX: local_diff = -INT64_MAX
 *     bits 3-4  1, 2, 3: when no section is a torch.op_range, also write a torch.op_range of
 *               one small record of that generation (spec §3.10), so that the other files decode
 *               in each TLV numbering; 0: none
 *     bit  5    write in place (out_root NULL: the dump's own ASCEND_PROFILER_OUTPUT/), else
 *               out_root = the private output dir
 *     bit  6    analyse twice: the second run replaces the first output, which must come out
 *               byte for byte the same
 *     bit  7    the dump also holds a profiler_metadata.json (copied beside the output with -o)
 *   section  := kind:u8 length:u16le bytes[length]
 *     kind & 7  0 torch.op_range, 1 torch.op_mark, 2 torch.memory_usage,
 *               3 torch.python_tracer_func, 4 torch.python_tracer_hash, 5 torch.gc_record,
 *               6 torch.param_tensor_info, 7 torch.python_func_call (bits 3-7 are ignored)
 *     A length past the end of the input is cut to what is left (a missing length field counts
 *     as 0). A kind seen before appends to its file. Bytes after the fourth section are ignored.
 *     Files no section names are absent; an input of one byte gives an empty FRAMEWORK/.
 *
 * Invariants beyond "no crash, no leak, no UB" (a sanitizer build):
 *   - ap_analyse_pt returns 0, or a negative status with r.err.code equal to it, a non-empty
 *     message, no out_dir and no ASCEND_PROFILER_OUTPUT/ written anywhere;
 *   - on 0: out_dir is <out_root or dump>/<dump name>/ASCEND_PROFILER_OUTPUT and holds
 *     analyse.done and the .ascprof-output marker; trace_view.json, when written, parses with
 *     jansson (json_load_file: the whole file, nothing after the value) and is an array of
 *     objects each with a string "ph"; every *.csv ends with "\r\n", its header is the schema of
 *     schemas/<name>.def (names and count), and every row has as many fields as the header
 *     (Python csv quoting: a field holding ',', '"', CR or LF is quoted);
 *   - no '*.tmp' file and no '.ascprof-*' directory is left anywhere under the dump or the
 *     output dir, whatever the result;
 *   - bit 6: both runs return the same status and write the same files with the same bytes.
 * jansson is told JSON_ALLOW_NUL (\u0000 is valid JSON) and JSON_DECODE_INT_AS_REAL (valid JSON
 * integers beyond int64, e.g. a u64 pid or tid read from a record, would otherwise fail with
 * "too big integer"); anything else it rejects is a finding.
 *
 * Files: $TMPDIR/ap_fuzz_analyse.<pid>.XXXXXX, emptied after every input and removed at exit;
 * the dir of a process libFuzzer ended without exit handlers (a crash, a -fork job) is removed
 * by the next process that starts. The target does file I/O for every input: campaigns run
 * about ten times faster with TMPDIR=/dev/shm. FUZZ_ANALYSE_VERBOSE=1 prints each run's status
 * and output files (to check what a seed reaches).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>

#include "ap/analyse.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/fwk.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

#define DUMP "node0_4242_20251126100000000_ascend_pt"
#define OUTDIR "ASCEND_PROFILER_OUTPUT"
#define MAX_SECTIONS 4
#define PATH_CAP 4352
#define BASE_PREFIX "ap_fuzz_analyse." /* $TMPDIR/ap_fuzz_analyse.<pid>.XXXXXX */

static const char *const files[8] = {
	"torch.op_range",           "torch.op_mark",   "torch.memory_usage",
	"torch.python_tracer_func", "torch.python_tracer_hash", "torch.gc_record",
	"torch.param_tensor_info",  "torch.python_func_call",
};

static const struct {
	long long start_cnt, start_mono, time_end, mono_end;
} timeref[4] = {
	{ 17238197612056LL, 172163581670083LL, 1764151200002434947LL, 172163583981573LL },
	{ 9000000000LL, 100000000000LL, 1764151200001000000LL, 100001000000LL },
	{ 0, 0, 1, 0 },
	{ 0, 0, 0, INT64_MAX },
};

static const char info_fmt[] =
	"{\"config\": {\"common_config\": {\"activities\": [\"ProfilerActivity.CPU\"], "
	"\"schedule\": null, \"record_shapes\": true, \"profile_memory\": true, "
	"\"with_stack\": true, \"with_flops\": false, \"with_modules\": true}, "
	"\"experimental_config\": {\"_profiler_level\": \"Level1\", \"_export_type\": [\"text\"], "
	"\"_gc_detect_threshold\": 1}}, "
	"\"start_info\": {\"syscnt_enable\": %s, \"freq\": 100, \"start_cnt\": %lld, "
	"\"start_monotonic\": %lld}, "
	"\"end_info\": {\"collectionTimeEnd\": %lld, \"MonotonicTimeEnd\": %lld}, "
	"\"torch_npu_version\": \"2.7.1\", \"rank_id\": 0}\n";

static const char metadata[] = "{\"trace_id\": \"6F1C0B7E2D9A4C3B8E5F1A2B3C4D5E00\"}\n";

/* the schemas/<name>.def lists, as the writers include them */
static const char *const memory_record_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/memory_record.def"
#undef AP_COL
};
static const char *const operator_details_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/operator_details.def"
#undef AP_COL
};
static const char *const operator_memory_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/operator_memory.def"
#undef AP_COL
};

static const struct {
	const char *file;
	const char *const *cols;
	size_t n;
} schemas[] = {
	{ "memory_record.csv", memory_record_cols,
	  sizeof(memory_record_cols) / sizeof(*memory_record_cols) },
	{ "operator_details.csv", operator_details_cols,
	  sizeof(operator_details_cols) / sizeof(*operator_details_cols) },
	{ "operator_memory.csv", operator_memory_cols,
	  sizeof(operator_memory_cols) / sizeof(*operator_memory_cols) },
};

static char base[4096]; /* the private temp dir: base/DUMP and base/out */
static int verbose;     /* FUZZ_ANALYSE_VERBOSE set: one line per run and per output file */

/* ---- files and trees ---- */

static void join(char *out, const char *a, const char *b)
{
	FUZZ_CHECK(snprintf(out, PATH_CAP, "%s/%s", a, b) < PATH_CAP);
}

/* rm -rf path (no symlink is followed: the trees are ours). */
static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((de = readdir(d)) != NULL) {
			char sub[PATH_CAP];

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			join(sub, path, de->d_name);
			remove_tree(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

static void cleanup(void)
{
	if (base[0])
		remove_tree(base);
}

/* libFuzzer ends its processes (a crash, a timeout, the end of a -fork job) without atexit
 * handlers, often in the middle of an input: remove the dirs of processes that are gone. */
static void remove_stale(const char *tmp)
{
	DIR *d = opendir(tmp);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char *end, path[PATH_CAP];
		long pid;

		if (strncmp(de->d_name, BASE_PREFIX, strlen(BASE_PREFIX)))
			continue;
		errno = 0;
		pid = strtol(de->d_name + strlen(BASE_PREFIX), &end, 10);
		if (errno || pid <= 0 || *end != '.' || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		join(path, tmp, de->d_name);
		remove_tree(path);
	}
	closedir(d);
}

static void setup_once(void)
{
	const char *t = getenv("TMPDIR");

	if (base[0])
		return;
	t = t && *t ? t : "/tmp";
	remove_stale(t);
	if (snprintf(base, sizeof(base), "%s/" BASE_PREFIX "%ld.XXXXXX", t, (long)getpid()) >=
		    (int)sizeof(base) ||
	    !mkdtemp(base)) {
		fprintf(stderr, "fuzz_analyse: mkdtemp '%s': %s\n", base, strerror(errno));
		abort();
	}
	atexit(cleanup);
	verbose = getenv("FUZZ_ANALYSE_VERBOSE") != NULL;
}

static void put(const char *path, const void *p, size_t len, const char *mode)
{
	FILE *o = fopen(path, mode);

	FUZZ_CHECK(o != NULL);
	FUZZ_CHECK(len == 0 || fwrite(p, 1, len, o) == len);
	FUZZ_CHECK(fclose(o) == 0);
}

/* Reads a whole file into a NUL-terminated heap buffer. */
static char *slurp(const char *path, size_t *len)
{
	FILE *in = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	FUZZ_CHECK(in != NULL);
	for (;;) {
		size_t got;

		if (cap - n < 2) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 4096);

			FUZZ_CHECK(nb != NULL);
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, in);
		n += got;
		if (got == 0)
			break;
	}
	FUZZ_CHECK(!ferror(in));
	fclose(in);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

/* No temp file or temp output dir left anywhere under path; counts ASCEND_PROFILER_OUTPUT dirs. */
static void check_no_leftovers(const char *path, unsigned *n_outdirs)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char sub[PATH_CAP];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		join(sub, path, de->d_name);
		FUZZ_CHECK(lstat(sub, &st) == 0);
		if (S_ISDIR(st.st_mode)) {
			if (!strncmp(de->d_name, ".ascprof-", 9))
				fprintf(stderr, "fuzz_analyse: left behind: %s\n", sub);
			FUZZ_CHECK(strncmp(de->d_name, ".ascprof-", 9) != 0);
			if (!strcmp(de->d_name, OUTDIR))
				++*n_outdirs;
			check_no_leftovers(sub, n_outdirs);
		} else {
			if (ends_with(de->d_name, ".tmp"))
				fprintf(stderr, "fuzz_analyse: left behind: %s\n", sub);
			FUZZ_CHECK(!ends_with(de->d_name, ".tmp"));
		}
	}
	closedir(d);
}

/* ---- output checks ---- */

/* One CSV record from *p (Python csv.writer, minimal quoting, CRLF); returns its field count
 * and advances *p past its "\r\n". With cols, the fields must be those names. */
static size_t csv_record(const char **p, const char *end, const char *const *cols, size_t ncols)
{
	const char *s = *p;
	size_t n = 0;

	for (;;) {
		const char *f = s;
		size_t flen;

		if (s < end && *s == '"') {
			for (s++;; s++) {
				FUZZ_CHECK(s < end); /* a quoted field is closed */
				if (*s == '"') {
					if (s + 1 < end && s[1] == '"')
						s++;
					else
						break;
				}
			}
			s++;
			flen = (size_t)(s - f);
		} else {
			while (s < end && *s != ',' && *s != '\r' && *s != '\n' && *s != '"')
				s++;
			/* an unquoted field holds no quote and no bare CR or LF */
			FUZZ_CHECK(s == end || *s == ',' || (*s == '\r' && s + 1 < end && s[1] == '\n'));
			flen = (size_t)(s - f);
		}
		if (cols) {
			FUZZ_CHECK(n < ncols);
			FUZZ_CHECK(strlen(cols[n]) == flen && !memcmp(cols[n], f, flen));
		}
		n++;
		FUZZ_CHECK(s < end); /* every record ends with "\r\n" */
		if (*s == ',') {
			s++;
			continue;
		}
		FUZZ_CHECK(*s == '\r' && s + 1 < end && s[1] == '\n');
		*p = s + 2;
		return n;
	}
}

static void check_csv(const char *path, const char *name)
{
	const char *const *cols = NULL;
	size_t ncols = 0, len, i, hdr;
	char *buf = slurp(path, &len);
	const char *p = buf, *end = buf + len;

	for (i = 0; i < sizeof(schemas) / sizeof(*schemas); i++) {
		if (!strcmp(name, schemas[i].file)) {
			cols = schemas[i].cols;
			ncols = schemas[i].n;
		}
	}
	FUZZ_CHECK(len >= 2 && buf[len - 2] == '\r' && buf[len - 1] == '\n');
	hdr = csv_record(&p, end, cols, ncols);
	if (cols)
		FUZZ_CHECK(hdr == ncols);
	while (p < end) {
		size_t n = csv_record(&p, end, NULL, 0);

		if (n != hdr)
			fprintf(stderr, "fuzz_analyse: %s: a row of %zu fields, header %zu\n", name,
				n, hdr);
		FUZZ_CHECK(n == hdr);
	}
	free(buf);
}

static void check_trace_view(const char *path)
{
	json_error_t e;
	json_t *root = json_load_file(path, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &e);
	json_t *ev;
	size_t i;

	if (!root)
		fprintf(stderr, "fuzz_analyse: trace_view.json: line %d col %d (byte %d): %s\n",
			e.line, e.column, e.position, e.text);
	FUZZ_CHECK(root != NULL);
	FUZZ_CHECK(json_is_array(root));
	json_array_foreach(root, i, ev) {
		FUZZ_CHECK(json_is_object(ev));
		FUZZ_CHECK(json_is_string(json_object_get(ev, "ph")));
	}
	json_decref(root);
}

/* The output directory's files, kept to compare two runs. */
struct snapshot {
	char *name[16];
	char *data[16];
	size_t len[16];
	size_t n;
};

static void snapshot_release(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->name[i]);
		free(s->data[i]);
	}
	memset(s, 0, sizeof(*s));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_outdir(const char *dir, struct snapshot *snap)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *names[16];
	size_t n = 0, i;
	int done = 0, marker = 0;

	FUZZ_CHECK(d != NULL);
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		FUZZ_CHECK(n < sizeof(names) / sizeof(*names));
		names[n] = strdup(de->d_name);
		FUZZ_CHECK(names[n] != NULL);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		char path[PATH_CAP];
		struct stat st;

		join(path, dir, names[i]);
		FUZZ_CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
		done |= !strcmp(names[i], "analyse.done");
		marker |= !strcmp(names[i], ".ascprof-output");
		if (!strcmp(names[i], "trace_view.json"))
			check_trace_view(path);
		else if (ends_with(names[i], ".csv"))
			check_csv(path, names[i]);
		snap->name[i] = names[i];
		snap->data[i] = slurp(path, &snap->len[i]);
		snap->n = i + 1;
		if (verbose)
			fprintf(stderr, "fuzz_analyse:   %s %zu bytes\n", names[i], snap->len[i]);
	}
	FUZZ_CHECK(done);
	FUZZ_CHECK(marker);
}

static void check_same(const struct snapshot *a, const struct snapshot *b)
{
	size_t i;

	FUZZ_CHECK(a->n == b->n);
	for (i = 0; i < a->n; i++) {
		FUZZ_CHECK(!strcmp(a->name[i], b->name[i]));
		if (a->len[i] != b->len[i] || memcmp(a->data[i], b->data[i], a->len[i]))
			fprintf(stderr, "fuzz_analyse: %s differs between two runs\n", a->name[i]);
		FUZZ_CHECK(a->len[i] == b->len[i] && !memcmp(a->data[i], b->data[i], a->len[i]));
	}
}

/* ---- the dump ---- */

static void make_dump(const char *dump, unsigned opt, const uint8_t *data, size_t size)
{
	char path[PATH_CAP], fwk[PATH_CAP], info[sizeof(info_fmt) + 128];
	unsigned ref = (opt >> 1) & 3, gen = (opt >> 3) & 3;
	int seen[8] = { 0 }, sections = 0, n;
	size_t pos = 0;

	FUZZ_CHECK(mkdir(dump, 0755) == 0);
	join(fwk, dump, "FRAMEWORK");
	FUZZ_CHECK(mkdir(fwk, 0755) == 0);
	n = snprintf(info, sizeof(info), info_fmt, opt & 1 ? "true" : "false",
		     timeref[ref].start_cnt, timeref[ref].start_mono, timeref[ref].time_end,
		     timeref[ref].mono_end);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(info));
	join(path, dump, "profiler_info_0.json");
	put(path, info, (size_t)n, "wb");
	if (opt & 0x80) {
		join(path, dump, "profiler_metadata.json");
		put(path, metadata, sizeof(metadata) - 1, "wb");
	}
	while (pos < size && sections < MAX_SECTIONS) {
		unsigned kind = data[pos++] & 7;
		size_t len = 0;

		if (size - pos >= 2) {
			len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
			pos += 2;
		} else {
			pos = size;
		}
		if (len > size - pos)
			len = size - pos;
		join(path, fwk, files[kind]);
		put(path, data + pos, len, seen[kind] ? "ab" : "wb");
		seen[kind] = 1;
		pos += len;
		sections++;
	}
	if (gen && !seen[0]) {
		uint8_t comp[AP_FWK_TLV_HDR + AP_FWK_OP_RANGE_FIXED + AP_FWK_TLV_HDR + 1];

		join(path, fwk, files[0]);
		put(path, comp, fuzz_companion_op_range((int)gen, comp), "wb");
	}
}

/* One ap_analyse_pt run and the checks of its outcome; returns its status. */
static int run(const char *dump, const char *out, int in_place, struct snapshot *snap)
{
	struct ap_analyse_opts o = { in_place ? NULL : out, 0, 0, 0 };
	struct ap_analyse_result r;
	char want[PATH_CAP], parent[PATH_CAP];
	unsigned n_outdirs = 0;
	int ret;

	ap_analyse_result_init(&r);
	ret = ap_analyse_pt(dump, &o, &r);
	if (verbose)
		fprintf(stderr, "fuzz_analyse: status %d%s%s, %zu ops %zu marks %zu mems %zu pyrecs %zu gcs\n",
			ret, ret < 0 ? ": " : "", ret < 0 ? ap_err_text(&r.err) : "", r.n_ops,
			r.n_marks, r.n_mems, r.n_pyrecs, r.n_gcs);
	check_no_leftovers(base, &n_outdirs);
	if (ret < 0) {
		FUZZ_CHECK(r.err.code == ret);
		FUZZ_CHECK(ap_err_text(&r.err)[0] != '\0');
		FUZZ_CHECK(r.out_dir == NULL);
		FUZZ_CHECK(n_outdirs == 0);
	} else {
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(n_outdirs == 1);
		if (in_place) {
			join(want, dump, OUTDIR);
		} else {
			join(parent, out, DUMP);
			join(want, parent, OUTDIR);
		}
		FUZZ_CHECK(r.out_dir != NULL && !strcmp(r.out_dir, want));
		check_outdir(want, snap);
		if (!in_place) {
			struct stat st;

			join(want, parent, "profiler_info_0.json");
			FUZZ_CHECK(stat(want, &st) == 0 && S_ISREG(st.st_mode));
		}
	}
	ap_analyse_result_release(&r);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dump[PATH_CAP], out[PATH_CAP];
	struct snapshot a, b;
	unsigned opt;
	int in_place, ret;

	if (size < 1)
		return 0;
	setup_once();
	opt = data[0];
	in_place = (opt >> 5) & 1;
	join(dump, base, DUMP);
	join(out, base, "out");
	remove_tree(dump);
	remove_tree(out);
	make_dump(dump, opt, data + 1, size - 1);
	FUZZ_CHECK(mkdir(out, 0755) == 0);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ret = run(dump, out, in_place, &a);
	if (opt & 0x40) {
		FUZZ_CHECK(run(dump, out, in_place, &b) == ret);
		check_same(&a, &b);
	}
	snapshot_release(&a);
	snapshot_release(&b);
	remove_tree(dump);
	remove_tree(out);
	return 0;
}
