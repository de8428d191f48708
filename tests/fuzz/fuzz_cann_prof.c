/*
 * fuzz_cann_prof.c — the whole PROF path: a bare PROF_* dir (msprof --application) analysed by the
 * public entry ap_analyse_pt (lib/pipeline/prof_analyse.c → cann_raw.c: the host and device loaders,
 * the time-sync side files and clocks, device pairing, the host↔device join of lib/analysis/, and
 * the writers of lib/writers/). The decoder-level targets (fuzz_cann_host, fuzz_cann_record,
 * fuzz_cann_dev) cannot see bugs in the join, the clocks or the tables.
 *
 * Each input becomes PROF_000001_20251126120000000_061001FUZZPROF in a private temp dir: the side
 * files of testdata/cann/prof_910b_variants (host/ and device_N/, edited as byte 0 says) and up to
 * MAX_SECTIONS data slices; ap_analyse_pt writes into a second private dir (or in place), the outcome
 * is checked, and both trees are removed before the next input.
 *
 * Input: byte 0 selects the options, the rest is up to MAX_SECTIONS sections.
 *   byte 0
 *     bit  0    chip 910A (platform_version "1", hwts_frequency "19.2": HWTS logs), else 910B ("5",
 *               50 MHz: STARS logs)
 *     bit  1    host CPU frequency "100.000000" (host records in 100 MHz ticks), else "1000" (ns)
 *     bit  2    analyse in place (the PROF dir's own ASCEND_PROFILER_OUTPUT/), else into out_root
 *     bit  3    analyse twice: the second output must be byte for byte the first
 *     bits 4-6  a side-file defect (CONVENTIONS §4, time-sync row): 0 none, 1 no dev_start.log.N,
 *               2 info.json.N malformed ("{"), 3 no host/host_start.log, 4 no host_start.log.N,
 *               5 platform_version "15" in both info.json files (a chip not supported),
 *               6 no host/info.json, 7 host_start.log.N without its cntvct line
 *     bit  7    the device is device_0, else device_2 (host task tracks name their device)
 *   section  := kind:u8 length:u16le bytes[length]
 *     kind % NFILES names the file (table `files` below): 0-19 host/data/ slices of every decoded
 *     kind (two api_event / task_track / tensor_info slices), 20-23 device_N/data/ stars_soc (two
 *     slices), ts_track and hwts, 24-31 a side file (host info.json, sample.json, start_info,
 *     host_start.log; device_N info.json.N, start_info.N, host_start.log.N, dev_start.log.N) that
 *     replaces the default (so seeds carry their dump's own clocks). A kind seen again appends to
 *     its file; a length past the end of the input is cut to what is left; bytes after the last
 *     section are ignored. No data file is written that no section names (an input of one byte:
 *     side files only).
 *
 * Invariants beyond "no crash, no leak, no UB" (a sanitizer build):
 *   - ap_analyse_pt returns 0, or a negative status with r.err.code equal to it, a non-empty
 *     message, no out_dir and no ASCEND_PROFILER_OUTPUT/ anywhere (outputs complete or absent);
 *   - on 0: r.bare_prof is set; exactly one ASCEND_PROFILER_OUTPUT/, the expected one, holding
 *     analyse.done and the .ascprof-output marker; every *.csv ends with "\r\n", has the header of
 *     its schemas/<name>.def (kernel_details.csv: any header) and as many fields in every row (Python csv quoting);
 *   - every diagnostic has a count >= 1, a known kind and a non-empty first message; a run that
 *     returned 0 with a FAILED diagnostic is a finding (the tool's exit status would say "written"
 *     for a failed input);
 *   - the §4 time-sync row: when a device slice holds data and defect 1 or 2 is set (and no section
 *     rewrote that file), the device is not placed, so the run reports data loss (r.diag worst >=
 *     AP_DIAG_DATA_LOSS) or fails;
 *   - no '*.tmp' file and no '.ascprof-*' directory is left anywhere, whatever the result;
 *   - bit 3: both runs return the same status, write the same files with the same bytes and report
 *     the same diagnostics (kind, key, count, message).
 *
 * Files: $TMPDIR/ap_fuzz_cann_prof.<pid>.XXXXXX, emptied after every input and removed at exit; the
 * dir of a process libFuzzer ended without exit handlers is removed by the next process that starts.
 * The target does file I/O for every input: run campaigns with TMPDIR=/dev/shm.
 * FUZZ_CANN_PROF_VERBOSE=1 prints each run's status, diagnostics and output files.
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

#include "ap/analyse.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

#define PROF "PROF_000001_20251126120000000_061001FUZZPROF"
#define OUTDIR "ASCEND_PROFILER_OUTPUT"
#define MAX_SECTIONS 16
#define PATH_CAP 4352
#define BASE_PREFIX "ap_fuzz_cann_prof." /* $TMPDIR/ap_fuzz_cann_prof.<pid>.XXXXXX */

#define NFILES 32
#define FIRST_DEVICE 20 /* files[FIRST_DEVICE..FIRST_SIDE) are device slices */
#define FIRST_SIDE 24   /* files[FIRST_SIDE..] are side files, written over the defaults */
static const char *const files[NFILES] = {
	"host/data/unaging.additional.hash_dic.slice_0",
	"host/data/unaging.additional.type_info_dic.slice_0",
	"host/data/unaging.api_event.data.slice_0",
	"host/data/aging.api_event.data.slice_0",
	"host/data/aging.api_event.data.slice_1",
	"host/data/unaging.compact.node_basic_info.slice_0",
	"host/data/aging.compact.node_basic_info.slice_0",
	"host/data/aging.compact.node_attr_info.slice_0",
	"host/data/aging.compact.task_track.slice_0",
	"host/data/aging.compact.task_track.slice_1",
	"host/data/aging.compact.task_track_v2.slice_0",
	"host/data/aging.compact.memcpy_info.slice_0",
	"host/data/aging.compact.hccl_op_info.slice_0",
	"host/data/aging.compact.expand_stream_spec.slice_0",
	"host/data/aging.additional.tensor_info.slice_0",
	"host/data/aging.additional.tensor_info.slice_1",
	"host/data/aging.additional.context_id_info.slice_0",
	"host/data/aging.additional.hccl_info.slice_0",
	"host/data/aging.additional.fusion_op_info.slice_0",
	"host/data/unaging.additional.graph_id_map.slice_0",
	"device_#/data/stars_soc.data.#.slice_0",
	"device_#/data/stars_soc.data.#.slice_1",
	"device_#/data/ts_track.data.#.slice_0",
	"device_#/data/hwts.data.#.slice_0",
	"host/info.json",
	"host/sample.json",
	"host/start_info",
	"host/host_start.log",
	"device_#/info.json.#",
	"device_#/start_info.#",
	"device_#/host_start.log.#",
	"device_#/dev_start.log.#",
};

/* the side files of testdata/cann/prof_910b_variants (device 2 there); %s: platform_version, CPU
 * frequency, hwts_frequency; %d: the device id */
static const char info_fmt[] =
	"{\"drvVersion\":467734,\"platform_version\":\"%s\",\"pid\":\"61001\",\"pid_name\":\"python3\","
	"\"hostname\":\"localhost\",\"version\":\"1.0\",\"devices\":\"%d\",\"CPU\":[{\"Id\":0,\"Name\":"
	"\"HiSilicon\",\"Frequency\":\"%s\",\"Logical_CPU_Count\":192,\"Type\":\"TaishanV110\"}],"
	"\"DeviceInfo\":[%s]}";
static const char dev_info_fmt[] =
	"{\"id\":%d,\"env_type\":3,\"ctrl_cpu_id\":\"ARMv8_Cortex_A55\",\"ctrl_cpu_core_num\":1,"
	"\"ts_cpu_core_num\":1,\"ai_cpu_core_num\":6,\"ai_core_num\":24,\"aiv_num\":48,"
	"\"hwts_frequency\":\"%s\",\"aic_frequency\":\"1800\",\"aiv_frequency\":\"1800\"}";
static const char sample_fmt[] =
	"{\"devices\":\"%d\",\"profLevel\":\"l1\",\"taskTime\":\"l1\",\"ai_core_profiling_mode\":"
	"\"task-based\",\"ai_core_metrics\":\"PipeUtilization\",\"aiv_profiling_mode\":\"task-based\","
	"\"aiv_metrics\":\"PipeUtilization\",\"hccl\":\"on\",\"msproftx\":\"off\"}";
static const char start_info[] =
	"{\"collectionDateBegin\": \"2025-11-26 12:00:00.000000\", \"clockMonotonicRaw\": "
	"\"19999999990000\", \"collectionTimeBegin\": \"1764158400000000\"}";
static const char end_info[] =
	"{\"collectionDateEnd\": \"2025-11-26 12:00:01.000000\", \"clockMonotonicRaw\": "
	"\"20000999990000\", \"collectionTimeEnd\": \"1764158401000000\"}";
static const char host_start[] =
	"[Host]\nclock_monotonic_raw: 20000000000000\ncntvct: 20000000000000\ncntvct_diff: 0\n";
static const char host_start_dev[] =
	"[Device%d]\nclock_monotonic_raw: 20000000500000\ncntvct: 20000000500000\ncntvct_diff: 40\n";
static const char host_start_dev_nocnt[] =
	"[Device%d]\nclock_monotonic_raw: 20000000500000\ncntvct_diff: 40\n";
static const char dev_start[] =
	"[Device%d]\nclock_monotonic_raw: 8100000000000\ncntvct: 3000000000\n";

/* the schemas/<name>.def lists, as the writers include them (kernel_details.csv's columns follow
 * op_summary's, which vary: only its shape is checked) */
static const char *const task_time_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/task_time.def"
#undef AP_COL
};
static const char *const op_statistic_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/op_statistic.def"
#undef AP_COL
};
static const char *const api_statistic_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/api_statistic.def"
#undef AP_COL
};

static const struct {
	const char *file;
	const char *const *cols;
	size_t n;
} schemas[] = {
	{ "task_time.csv", task_time_cols, sizeof(task_time_cols) / sizeof(*task_time_cols) },
	{ "op_statistic.csv", op_statistic_cols,
	  sizeof(op_statistic_cols) / sizeof(*op_statistic_cols) },
	{ "api_statistic.csv", api_statistic_cols,
	  sizeof(api_statistic_cols) / sizeof(*api_statistic_cols) },
};

static char base[4096]; /* the private temp dir: base/DUMP and base/out */
static int verbose;     /* FUZZ_CANN_PROF_VERBOSE set: one line per run and per output file */

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
		fprintf(stderr, "fuzz_cann_prof: mkdtemp '%s': %s\n", base, strerror(errno));
		abort();
	}
	atexit(cleanup);
	verbose = getenv("FUZZ_CANN_PROF_VERBOSE") != NULL;
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
				fprintf(stderr, "fuzz_cann_prof: left behind: %s\n", sub);
			FUZZ_CHECK(strncmp(de->d_name, ".ascprof-", 9) != 0);
			if (!strcmp(de->d_name, OUTDIR))
				++*n_outdirs;
			check_no_leftovers(sub, n_outdirs);
		} else {
			if (ends_with(de->d_name, ".tmp"))
				fprintf(stderr, "fuzz_cann_prof: left behind: %s\n", sub);
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
			fprintf(stderr, "fuzz_cann_prof: %s: a row of %zu fields, header %zu\n", name,
				n, hdr);
		FUZZ_CHECK(n == hdr);
	}
	free(buf);
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
		if (ends_with(names[i], ".csv"))
			check_csv(path, names[i]);
		snap->name[i] = names[i];
		snap->data[i] = slurp(path, &snap->len[i]);
		snap->n = i + 1;
		if (verbose)
			fprintf(stderr, "fuzz_cann_prof:   %s %zu bytes\n", names[i], snap->len[i]);
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
			fprintf(stderr, "fuzz_cann_prof: %s differs between two runs\n", a->name[i]);
		FUZZ_CHECK(a->len[i] == b->len[i] && !memcmp(a->data[i], b->data[i], a->len[i]));
	}
}

/* ---- the PROF dir ---- */

/* rel with every '#' replaced by the device id */
static void dev_rel(char *out, const char *rel, int dev)
{
	size_t n = 0;

	for (; *rel; rel++) {
		int w = *rel == '#' ? snprintf(out + n, 64, "%d", dev) : (out[n] = *rel, 1);

		n += (size_t)w;
		FUZZ_CHECK(n < 256);
	}
	out[n] = '\0';
}

static void put_str(const char *dir, const char *rel, int dev, const char *s)
{
	char path[PATH_CAP], r[320];

	dev_rel(r, rel, dev);
	join(path, dir, r);
	put(path, s, strlen(s), "wb");
}

static void make_prof(const char *prof, unsigned opt, const uint8_t *data, size_t size,
		      int *dev_bytes)
{
	char path[PATH_CAP], rel[320], dev[1024], info[2048], text[256];
	const char *pv = (opt >> 4 & 7) == 5 ? "15" : opt & 1 ? "1" : "5";
	const char *freq = opt & 2 ? "100.000000" : "1000";
	unsigned defect = opt >> 4 & 7;
	int id = opt & 0x80 ? 0 : 2;
	int seen[NFILES] = { 0 }, sections = 0, n;
	size_t pos = 0;

	FUZZ_CHECK(mkdir(prof, 0755) == 0);
	join(path, prof, "host");
	FUZZ_CHECK(mkdir(path, 0755) == 0);
	join(path, prof, "host/data");
	FUZZ_CHECK(mkdir(path, 0755) == 0);
	dev_rel(rel, "device_#", id);
	join(path, prof, rel);
	FUZZ_CHECK(mkdir(path, 0755) == 0);
	dev_rel(rel, "device_#/data", id);
	join(path, prof, rel);
	FUZZ_CHECK(mkdir(path, 0755) == 0);

	n = snprintf(info, sizeof(info), info_fmt, pv, id, freq, "");
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(info));
	if (defect != 6)
		put_str(prof, "host/info.json", id, info);
	n = snprintf(dev, sizeof(dev), dev_info_fmt, id, opt & 1 ? "19.2" : "50");
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(dev));
	n = snprintf(info, sizeof(info), info_fmt, pv, id, freq, dev);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(info));
	put_str(prof, "device_#/info.json.#", id, defect == 2 ? "{" : info);
	n = snprintf(info, sizeof(info), sample_fmt, id);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(info));
	put_str(prof, "host/sample.json", id, info);
	put_str(prof, "device_#/sample.json", id, info);
	put_str(prof, "host/start_info", id, start_info);
	put_str(prof, "host/end_info", id, end_info);
	put_str(prof, "device_#/start_info.#", id, start_info);
	put_str(prof, "device_#/end_info.#", id, end_info);
	if (defect != 3)
		put_str(prof, "host/host_start.log", id, host_start);
	if (defect != 4) {
		n = snprintf(text, sizeof(text), defect == 7 ? host_start_dev_nocnt : host_start_dev, id);
		FUZZ_CHECK(n > 0 && (size_t)n < sizeof(text));
		put_str(prof, "device_#/host_start.log.#", id, text);
	}
	if (defect != 1) {
		n = snprintf(text, sizeof(text), dev_start, id);
		FUZZ_CHECK(n > 0 && (size_t)n < sizeof(text));
		put_str(prof, "device_#/dev_start.log.#", id, text);
	}

	*dev_bytes = 0;
	while (pos < size && sections < MAX_SECTIONS) {
		unsigned kind = data[pos++] % NFILES;
		size_t len = 0;

		if (size - pos >= 2) {
			len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
			pos += 2;
		} else {
			pos = size;
		}
		if (len > size - pos)
			len = size - pos;
		dev_rel(rel, files[kind], id);
		join(path, prof, rel);
		put(path, data + pos, len, seen[kind] ? "ab" : "wb");
		seen[kind] = 1;
		if (kind >= FIRST_DEVICE && kind < FIRST_SIDE && len)
			*dev_bytes = 1;
		pos += len;
		sections++;
	}
	/* the defect is undone when a section wrote that side file */
	if ((defect == 1 && seen[31]) || (defect == 2 && seen[28]))
		*dev_bytes = 0;
}

/* The diagnostics of a run, kept to compare two runs. */
static void check_diag(const struct ap_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct ap_diag_entry *e = &d->v[i];

		if (verbose)
			fprintf(stderr, "fuzz_cann_prof:   diag %d %s x%lu: %s\n", (int)e->kind, e->key,
				e->count, e->first.buf ? e->first.buf : "(null)");
		FUZZ_CHECK(e->kind >= AP_DIAG_WARN && e->kind <= AP_DIAG_FAILED);
		FUZZ_CHECK(e->count >= 1);
		FUZZ_CHECK(e->first.buf != NULL && e->first.buf[0] != '\0');
	}
}

static void check_same_diag(const struct ap_diag *a, const struct ap_diag *b)
{
	size_t i;

	FUZZ_CHECK(a->n == b->n);
	for (i = 0; i < a->n; i++) {
		FUZZ_CHECK(a->v[i].kind == b->v[i].kind);
		FUZZ_CHECK(!strcmp(a->v[i].key, b->v[i].key));
		FUZZ_CHECK(a->v[i].count == b->v[i].count);
		FUZZ_CHECK(!strcmp(a->v[i].first.buf, b->v[i].first.buf));
	}
}

/* One ap_analyse_pt run and the checks of its outcome; returns its status. r is left for the
 * caller to compare and release. */
static int run(const char *prof, const char *out, int in_place, struct snapshot *snap,
	       struct ap_analyse_result *r)
{
	struct ap_analyse_opts o = { in_place ? NULL : out, 0, 0, 0 };
	char want[PATH_CAP], parent[PATH_CAP];
	unsigned n_outdirs = 0;
	int ret;

	ap_analyse_result_init(r);
	ret = ap_analyse_pt(prof, &o, r);
	if (verbose)
		fprintf(stderr, "fuzz_cann_prof: status %d%s%s, worst diag %d, %zu host files %zu apis %zu tracks, %zu devices %zu logs %zu dev tasks\n",
			ret, ret < 0 ? ": " : "", ret < 0 ? ap_err_text(&r->err) : "",
			ap_diag_worst(&r->diag), r->cann_raw_counts.host_files, r->cann_raw_counts.apis,
			r->cann_raw_counts.tracks, r->cann_raw_counts.devices, r->cann_raw_counts.logs,
			r->cann_raw_counts.dev_tasks);
	check_diag(&r->diag);
	check_no_leftovers(base, &n_outdirs);
	if (ret < 0) {
		FUZZ_CHECK(r->err.code == ret);
		FUZZ_CHECK(ap_err_text(&r->err)[0] != '\0');
		FUZZ_CHECK(r->out_dir == NULL);
		FUZZ_CHECK(n_outdirs == 0);
	} else {
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(r->bare_prof);
		FUZZ_CHECK(ap_diag_worst(&r->diag) < AP_DIAG_FAILED);
		FUZZ_CHECK(n_outdirs == 1);
		if (in_place) {
			join(want, prof, OUTDIR);
		} else {
			join(parent, out, PROF);
			join(want, parent, OUTDIR);
		}
		FUZZ_CHECK(r->out_dir != NULL && !strcmp(r->out_dir, want));
		check_outdir(want, snap);
	}
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char prof[PATH_CAP], out[PATH_CAP];
	struct snapshot a, b;
	struct ap_analyse_result ra, rb;
	unsigned opt, defect;
	int in_place, ret, dev_bytes;

	if (size < 1)
		return 0;
	setup_once();
	opt = data[0];
	defect = opt >> 4 & 7;
	in_place = (opt >> 2) & 1;
	join(prof, base, PROF);
	join(out, base, "out");
	remove_tree(prof);
	remove_tree(out);
	make_prof(prof, opt, data + 1, size - 1, &dev_bytes);
	FUZZ_CHECK(mkdir(out, 0755) == 0);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ret = run(prof, out, in_place, &a, &ra);
	/* §4: a device's time-sync side file missing or malformed: its data is not placed */
	if (ret == 0 && dev_bytes && (defect == 1 || defect == 2)) {
		if (ap_diag_worst(&ra.diag) < AP_DIAG_DATA_LOSS)
			fprintf(stderr, "fuzz_cann_prof: device data with defect %u, no data loss reported\n",
				defect);
		FUZZ_CHECK(ap_diag_worst(&ra.diag) >= AP_DIAG_DATA_LOSS);
	}
	if (opt & 0x08) {
		FUZZ_CHECK(run(prof, out, in_place, &b, &rb) == ret);
		check_same(&a, &b);
		check_same_diag(&ra.diag, &rb.diag);
		ap_analyse_result_release(&rb);
	}
	ap_analyse_result_release(&ra);
	snapshot_release(&a);
	snapshot_release(&b);
	remove_tree(prof);
	remove_tree(out);
	return 0;
}
