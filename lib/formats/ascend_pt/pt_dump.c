/* `*_ascend_pt` discovery, profiler_info and time alignment (spec torch_npu_ascend_pt.md
 * §1.1, §2, §4). */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/file.h"
#include "ap/outdir.h"
#include "ap/ptdump.h"
#include "../../base/banned.h"

#define SIDE_FILE_MAX ((size_t)16 << 20)

/* PROF_<digits>_<digits>_<alnum...> (§1.1: ^PROF_\d+_\d+_[0-9a-zA-Z]+) */
static int is_prof_name(const char *s)
{
	int part;

	if (strncmp(s, "PROF_", 5))
		return 0;
	s += 5;
	for (part = 0; part < 2; part++) {
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s++ != '_')
			return 0;
	}
	return isalnum((unsigned char)*s);
}

/* The decimal number at s (at least one digit) into *out, rest of s in *end. Returns 1, or -1
 * when it exceeds INT_MAX (then *out is -1). */
static int parse_index(const char *s, const char **end, int *out)
{
	long long v = 0;
	int over = 0;

	for (; isdigit((unsigned char)*s); s++) {
		if (!over && v > (INT_MAX - (*s - '0')) / 10)
			over = 1;
		if (!over)
			v = v * 10 + (*s - '0');
	}
	*end = s;
	*out = over ? -1 : (int)v;
	return over ? -1 : 1;
}

/* A device dir (§1.1: ^device_\d, the id the integer after the underscore): returns 1 with
 * *id set, -1 when the id exceeds INT_MAX, 0 when s is no device dir name. */
static int device_id_of(const char *s, int *id)
{
	const char *end;

	if (strncmp(s, "device_", 7) || !isdigit((unsigned char)s[7]))
		return 0;
	return parse_index(s + 7, &end, id);
}

static int subdir_exists(const char *dir, const char *name)
{
	char *p = ap_path_join(dir, name);
	int r = p && ap_path_is_dir(p) == 1;

	free(p);
	return r;
}

enum { INFO_NONE, INFO_PLAIN, INFO_RANKED };

/* 0 when dir/name is a directory, else why not (an errno value). */
static int fwk_state(const char *dir, const char *name)
{
	char *p = ap_path_join(dir, name);
	struct stat st;
	int e = 0;

	if (!p)
		return ENOMEM;
	if (stat(p, &st) < 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	free(p);
	return e;
}

/* profiler_info.json (INFO_PLAIN, *rank -1), or profiler_info_<digits>.json (INFO_RANKED, *rank
 * the number, or -1 when it exceeds INT_MAX) (§1.1, §2.1); else INFO_NONE. */
static int info_rank_of(const char *s, int *rank)
{
	size_t n = strlen(s);
	const char *end;

	*rank = -1;
	if (!strcmp(s, "profiler_info.json"))
		return INFO_PLAIN;
	if (strncmp(s, "profiler_info_", 14) || n <= 19 || strcmp(s + n - 5, ".json") ||
	    !isdigit((unsigned char)s[14]))
		return INFO_NONE;
	parse_index(s + 14, &end, rank);
	return end == s + n - 5 ? INFO_RANKED : INFO_NONE;
}

int ap_pt_is_side_file(const char *name)
{
	int rank;

	return !strcmp(name, "profiler_metadata.json") || info_rank_of(name, &rank) != INFO_NONE;
}

/* What one listing of a dump directory tells (§1.1). */
struct dump_scan {
	char *prof;   /* first PROF_* directory in byte order (name, owned), or NULL */
	char *info;   /* profiler_info.json, else the first profiler_info_<rank>.json (owned) */
	int rank;     /* rank of the info file name, -1 if none */
	int has_fwk, has_meta;
	int fwk_errno; /* a FRAMEWORK entry that is no readable directory: why (errno) */
	int foreign_out; /* an ASCEND_PROFILER_OUTPUT/ that ascprof did not write */
};

static void scan_release(struct dump_scan *sc)
{
	free(sc->prof);
	free(sc->info);
}

/* Returns 0, or a negative status (unreadable directory, out of memory). */
static int scan_dump(const char *dir, struct dump_scan *sc, struct ap_err *err)
{
	struct ap_strlist l = { 0 };
	size_t i;
	int ret, rank, kind;

	memset(sc, 0, sizeof(*sc));
	sc->rank = -1;
	ret = ap_dir_list(dir, &l, err);
	for (i = 0; ret == 0 && i < l.n; i++) {
		const char *e = l.v[i];

		if (!strcmp(e, "FRAMEWORK")) {
			/* a dangling or looping link, or a file: an unreadable directory (§4) */
			sc->fwk_errno = fwk_state(dir, e);
			sc->has_fwk = sc->fwk_errno == 0;
		} else if (!sc->prof && is_prof_name(e) && subdir_exists(dir, e)) {
			if (!(sc->prof = strdup(e)))
				ret = AP_ENOMEM;
		} else if ((kind = info_rank_of(e, &rank)) != INFO_NONE &&
			   (!sc->info || kind == INFO_PLAIN)) {
			free(sc->info);
			sc->rank = rank;
			if (!(sc->info = strdup(e)))
				ret = AP_ENOMEM;
		} else if (!strcmp(e, "profiler_metadata.json")) {
			sc->has_meta = 1;
		} else if (!strcmp(e, AP_PT_OUTPUT_DIR) && subdir_exists(dir, e)) {
			char *out = ap_path_join(dir, e), *marker = out ? ap_path_join(out, AP_OUTDIR_MARKER) : NULL;

			sc->foreign_out = marker && !ap_path_exists(marker);
			free(out);
			free(marker);
		}
	}
	ap_strlist_release(&l);
	if (ret == AP_ENOMEM)
		ret = ap_err_set(err, AP_ENOMEM, "out of memory scanning '%s'", dir);
	if (ret < 0)
		scan_release(sc);
	return ret;
}

int ap_pt_probe(const char *dir, int *rank)
{
	struct dump_scan sc;
	int data, conf = 0;

	*rank = -1;
	if (scan_dump(dir, &sc, NULL) < 0)
		return 0;
	data = sc.has_fwk || sc.fwk_errno || sc.prof;
	/* FRAMEWORK/ or PROF_* with profiler_info: certain; data without it: a dump that will
	 * fail for want of a time reference; profiler_info beside another tool's output only: a
	 * dump an old analyser emptied (§3.10), weak. */
	if (data)
		conf = sc.info ? 100 : 60;
	else if (sc.info && sc.foreign_out)
		conf = 30;
	if (conf)
		*rank = sc.rank;
	scan_release(&sc);
	return conf;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int is_output_name(const char *name)
{
	return !strcmp(name, AP_PT_OUTPUT_DIR) || !strncmp(name, ".ascprof-", 9);
}

int ap_pt_discover(const char *path, struct ap_strlist *out, struct ap_err *err)
{
	struct ap_strlist l = { 0 };
	int ret = 0, rank;
	size_t i;

	if (ap_path_is_dir(path) != 1)
		return ap_err_set(err, ap_path_exists(path) ? AP_EINVAL : AP_ENOTFOUND,
				  "'%s': %s", path,
				  ap_path_exists(path) ? "not a directory" : "no such directory");
	if (ap_pt_probe(path, &rank) > 0)
		return ap_strlist_add(out, path) < 0 ? ap_err_set(err, AP_ENOMEM, "out of memory")
						     : 0;
	AP_FORWARD_IF_ERROR(ap_dir_list(path, &l, err));
	for (i = 0; i < l.n && ret == 0; i++) {
		char *p;

		if (is_output_name(l.v[i]))
			continue;
		p = ap_path_join(path, l.v[i]);
		if (!p)
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
		else if (ap_path_is_dir(p) == 1 &&
			 (ap_pt_probe(p, &rank) > 0 ||
			  /* unreadable, so it cannot be probed: analysing it reports why */
			  (ends_with(l.v[i], "_ascend_pt") && access(p, R_OK | X_OK) != 0)) &&
			 ap_strlist_add(out, p) < 0)
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
		free(p);
	}
	ap_strlist_release(&l);
	return ret;
}

/* --- JSON helpers ------------------------------------------------------------------- */

static json_t *load_json(const char *path, const char *shown, struct ap_err *err)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;
	json_error_t je;
	json_t *root;

	if (ap_file_read_all(path, SIDE_FILE_MAX, &sb, err) < 0) {
		ap_strbuf_release(&sb);
		return NULL;
	}
	root = json_loadb(sb.buf, sb.len, 0, &je);
	if (!root) {
		/* jansson counts the bytes read: the offending byte is the last one read,
		 * unless the input ended. */
		size_t off = (size_t)je.position;

		if (off > 0 && off < sb.len)
			off--;
		ap_err_set(err, AP_EFORMAT, "'%s': malformed JSON at byte offset %zu (line %d): %s",
			   shown, off, je.line, je.text);
	}
	ap_strbuf_release(&sb);
	if (root && !json_is_object(root)) {
		ap_err_set(err, AP_EFORMAT, "'%s': not a JSON object", shown);
		json_decref(root);
		root = NULL;
	}
	return root;
}

static int get_bool(const json_t *o, const char *key, int dflt)
{
	const json_t *v = json_object_get(o, key);

	return v && json_is_boolean(v) ? json_is_true(v) : dflt;
}

/* Integer from a JSON integer or a decimal string (Python int()). 0 when absent/invalid;
 * *ok says which. */
static int64_t get_int(const json_t *o, const char *key, int *ok)
{
	const json_t *v = json_object_get(o, key);
	long long x;
	char *end;

	*ok = 0;
	if (!v)
		return 0;
	if (json_is_integer(v)) {
		*ok = 1;
		return (int64_t)json_integer_value(v);
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		errno = 0;
		x = strtoll(s, &end, 10);
		if (end != s && *end == '\0' && errno == 0) {
			*ok = 1;
			return (int64_t)x;
		}
	}
	return 0;
}

/* §4 "µs string -> ns": integer part and the first 3 fractional digits, zero padded. */
static int us_str_to_ns(const char *s, int64_t *out)
{
	int64_t v = 0;
	int neg = 0, frac = 0, any = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; isdigit((unsigned char)*s); s++, any = 1) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (*s == '.') {
		s++;
		for (; isdigit((unsigned char)*s); s++) {
			if (frac < 3) {
				if (v > (INT64_MAX - 9) / 10)
					return -1;
				v = v * 10 + (*s - '0');
				frac++;
			}
			any = 1;
		}
	}
	if (*s || !any)
		return -1;
	for (; frac < 3; frac++) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
	}
	*out = neg ? -v : v;
	return 0;
}

static int is_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	while (end && isspace((unsigned char)*end))
		end++;
	return end != s && *end == '\0' && errno == 0;
}

/* --- profiler_info ------------------------------------------------------------------ */

static int has_activity(const json_t *acts, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(acts, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), name))
			return 1;
	return 0;
}

static void parse_info(struct ap_pt_dump *d, const json_t *root, struct ap_diag *diag)
{
	struct ap_pt_config *c = &d->cfg;
	const json_t *config = json_object_get(root, "config");
	const json_t *common = json_object_get(config, "common_config");
	const json_t *exp = json_object_get(config, "experimental_config");
	const json_t *si = json_object_get(root, "start_info");
	const json_t *ei = json_object_get(root, "end_info");
	const json_t *acts = json_object_get(common, "activities");
	const json_t *v;
	int ok, ok2;

	c->cpu = has_activity(acts, "ProfilerActivity.CPU");
	c->npu = has_activity(acts, "ProfilerActivity.NPU");
	c->record_shapes = get_bool(common, "record_shapes", 0);
	c->profile_memory = get_bool(common, "profile_memory", 0);
	c->with_stack = get_bool(common, "with_stack", 0);
	c->with_modules = get_bool(common, "with_modules", 0);
	snprintf(c->level, sizeof(c->level), "Level0");
	v = json_object_get(exp, "_profiler_level");
	if (v && json_is_string(v))
		snprintf(c->level, sizeof(c->level), "%s", json_string_value(v));
	/* _export_type: list or string of "text"/"db"; anything else means ["text"]. */
	v = json_object_get(exp, "_export_type");
	if (json_is_string(v)) {
		c->export_text = !strcmp(json_string_value(v), "text");
		c->export_db = !strcmp(json_string_value(v), "db");
	} else if (json_is_array(v)) {
		c->export_text = has_activity(v, "text");
		c->export_db = has_activity(v, "db");
	}
	if (!c->export_text && !c->export_db)
		c->export_text = 1;
	c->rank_id = -1;
	v = json_object_get(root, "rank_id");
	if (v) {
		int64_t r = get_int(root, "rank_id", &ok);

		if (ok && r >= 0 && r <= INT32_MAX)
			c->rank_id = (int)r;
		else
			ap_diag_report(diag, AP_DIAG_WARN, "rank_id",
				       "'%s': rank_id is neither an integer nor a decimal string; rank unknown",
				       d->info_file);
	}
	c->syscnt_enable = get_bool(si, "syscnt_enable", 0);
	c->freq = 100.0;
	v = json_object_get(si, "freq");
	if (v && json_is_number(v))
		c->freq = json_number_value(v);
	c->start_cnt = get_int(si, "start_cnt", &ok);
	c->start_monotonic = get_int(si, "start_monotonic", &ok2);
	c->has_start_ref = ok && ok2;
	c->time_end = get_int(ei, "collectionTimeEnd", &ok);
	c->mono_end = get_int(ei, "MonotonicTimeEnd", &ok2);
	c->has_end_info = ok && ok2;
	v = json_object_get(root, "torch_npu_version");
	if (v && json_is_string(v))
		snprintf(c->torch_npu_version, sizeof(c->torch_npu_version), "%s",
			 json_string_value(v));
}

/* --- CANN side files ---------------------------------------------------------------- */

/* collectionTimeBegin (µs string) * 1000 - clockMonotonicRaw, from a start_info file. */
static int cann_local_diff(const char *path, int64_t *diff)
{
	json_t *root = load_json(path, path, NULL);
	const json_t *b;
	int64_t begin, mono;
	int ok, ret = -1;

	if (!root)
		return -1;
	b = json_object_get(root, "collectionTimeBegin");
	mono = get_int(root, "clockMonotonicRaw", &ok);
	if (b && ok) {
		if (json_is_string(b) && us_str_to_ns(json_string_value(b), &begin) == 0)
			ret = 0;
		else if (json_is_integer(b) &&
			 !__builtin_mul_overflow((int64_t)json_integer_value(b), 1000, &begin))
			ret = 0;
		/* values no clock can hold are no time reference */
		if (ret == 0 && __builtin_sub_overflow(begin, mono, diff))
			ret = -1;
	}
	json_decref(root);
	return ret;
}

static void load_host_freq(struct ap_pt_dump *d, const char *prof)
{
	char *path = ap_path_join(prof, "host/info.json");
	json_t *root;
	const json_t *f;
	double x;

	if (!path)
		return;
	if (!ap_path_exists(path)) {
		free(path);
		return;
	}
	/* An info.json exists: its frequency, else the default (not start_info.freq). */
	d->cfg.freq = 100.0;
	root = load_json(path, path, NULL);
	f = json_object_get(json_array_get(json_object_get(root, "CPU"), 0), "Frequency");
	if (f && json_is_string(f) && is_number(json_string_value(f), &x))
		d->cfg.freq = x;
	else if (f && json_is_number(f))
		d->cfg.freq = json_number_value(f);
	json_decref(root);
	free(path);
}

/* [Host] clock_monotonic_raw / cntvct of host_start.log (INI, "key: value" or "key=value").
 * Returns 1 when both were found. */
static int load_host_start(const char *prof, int64_t *offset, int64_t *cnt)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;
	char *path = ap_path_join(prof, "host/host_start.log");
	int in_host = 0, have_off = 0, have_cnt = 0;
	int64_t o = 0, c = 0;
	char *line, *next;

	if (!path || ap_file_read_all(path, SIDE_FILE_MAX, &sb, NULL) < 0)
		goto out;
	for (line = sb.buf; line && *line; line = next) {
		char *eol = strchr(line, '\n'), *sep, *key, *val, *end;
		long long x;

		next = eol ? eol + 1 : NULL;
		if (eol)
			*eol = '\0';
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '[') {
			in_host = !strncmp(line, "[Host]", 6);
			continue;
		}
		if (!in_host)
			continue;
		sep = strpbrk(line, ":=");
		if (!sep)
			continue;
		*sep = '\0';
		key = line;
		for (end = sep; end > key && isspace((unsigned char)end[-1]); end--)
			end[-1] = '\0';
		val = sep + 1;
		while (isspace((unsigned char)*val))
			val++;
		errno = 0;
		x = strtoll(val, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (end == val || *end || errno)
			continue;
		if (!strcmp(key, "clock_monotonic_raw")) {
			o = x;
			have_off = 1;
		} else if (!strcmp(key, "cntvct")) {
			c = x;
			have_cnt = 1;
		}
	}
	if (have_off && have_cnt) {
		*offset = o;
		*cnt = c;
	}
out:
	ap_strbuf_release(&sb);
	free(path);
	return have_off && have_cnt;
}

static void load_devices(struct ap_pt_dump *d, struct ap_diag *diag)
{
	struct ap_strlist l = { 0 };
	size_t i;
	int id, kind;

	if (!d->prof_dir || ap_dir_list(d->prof_dir, &l, NULL) < 0)
		return;
	for (i = 0; i < l.n && d->n_devices < AP_PT_MAX_DEVICES; i++) {
		kind = device_id_of(l.v[i], &id);
		if (!kind || !subdir_exists(d->prof_dir, l.v[i]))
			continue;
		if (kind < 0)
			ap_diag_report(diag, AP_DIAG_WARN, "device-id-range",
				       "'%s/%s': device id out of range (above %d); directory ignored",
				       strrchr(d->prof_dir, '/') + 1, l.v[i], INT_MAX);
		else
			d->device_ids[d->n_devices++] = id;
	}
	ap_strlist_release(&l);
}

static int build_timeconv(struct ap_pt_dump *d, struct ap_err *err)
{
	struct ap_pt_config *c = &d->cfg;
	int64_t offset = c->start_monotonic, cnt = c->start_cnt, diff = 0;
	int have_diff = 0, have_ref = c->has_start_ref;

	if (d->prof_dir) {
		load_host_freq(d, d->prof_dir);
		have_ref |= load_host_start(d->prof_dir, &offset, &cnt);
	}
	if (c->syscnt_enable && !have_ref)
		return ap_err_set(err, AP_EFORMAT,
				  "'%s': no time reference: syscnt_enable is set but start_info lacks start_cnt or start_monotonic and there is no host_start.log",
				  d->info_file);
	if (c->syscnt_enable && !(c->freq > 1e-9 && c->freq < 1e12))
		return ap_err_set(err, AP_EFORMAT,
				  "'%s': syscnt frequency %g MHz is not usable for time alignment",
				  d->info_file, c->freq);
	d->tc.syscnt = c->syscnt_enable;
	d->tc.factor = c->syscnt_enable ? 1000.0 / c->freq : 1.0;
	d->tc.start_cnt = cnt;
	d->tc.offset = offset;
	if (c->npu && d->prof_dir) {
		char *p = ap_path_join(d->prof_dir, "host/start_info");
		char name[64];

		if (p && ap_path_exists(p))
			have_diff = cann_local_diff(p, &diff) == 0;
		else if (d->n_devices) {
			free(p);
			snprintf(name, sizeof(name), "device_%d/start_info.%d", d->device_ids[0],
				 d->device_ids[0]);
			p = ap_path_join(d->prof_dir, name);
			have_diff = p && ap_path_exists(p) && cann_local_diff(p, &diff) == 0;
		}
		free(p);
	}
	if ((!have_diff || diff == 0) && c->has_end_info)
		have_diff = !__builtin_sub_overflow(c->time_end, c->mono_end, &diff);
	if (!have_diff || diff == 0)
		return ap_err_set(err, AP_EFORMAT,
				  "'%s': no time reference: end_info is missing or incomplete and there is no CANN start_info",
				  d->info_file);
	d->tc.local_diff = diff;
	return 0;
}

int ap_pt_open(struct ap_pt_dump *d, const char *dir, struct ap_diag *diag, struct ap_err *err)
{
	struct dump_scan sc;
	const char *slash;
	char *info_path;
	json_t *root;
	int rank, foreign_out, fwk_errno;

	memset(d, 0, sizeof(*d));
	d->dir = strdup(dir);
	if (!d->dir)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	/* Drop trailing slashes for the name. */
	while (strlen(d->dir) > 1 && d->dir[strlen(d->dir) - 1] == '/')
		d->dir[strlen(d->dir) - 1] = '\0';
	/* The name from the canonical path: "dump/", "." and links name the directory itself. */
	d->real = ap_path_real(d->dir);
	slash = strrchr(d->real ? d->real : d->dir, '/');
	d->name = slash && slash[1] ? slash + 1 : d->real ? d->real : d->dir;
	if (access(d->dir, R_OK | X_OK) != 0)
		return ap_err_set(err, AP_EIO, "cannot read directory '%s': %s", d->dir,
				  strerror(errno));
	if (scan_dump(d->dir, &sc, err) < 0)
		return err ? err->code : AP_EIO;
	d->fwk_dir = sc.has_fwk ? ap_path_join(d->dir, "FRAMEWORK") : NULL;
	d->prof_dir = sc.prof ? ap_path_join(d->dir, sc.prof) : NULL;
	d->has_metadata = sc.has_meta;
	d->info_file = sc.info;
	foreign_out = sc.foreign_out;
	fwk_errno = sc.fwk_errno;
	sc.info = NULL;
	scan_release(&sc);
	load_devices(d, diag);
	if (fwk_errno) {
		/* FRAMEWORK/ is unreadable (§4): the dump fails unless it has other data */
		if (!d->prof_dir)
			return ap_err_set(err, AP_EIO, "cannot read directory '%s/FRAMEWORK': %s",
					  d->dir, strerror(fwk_errno));
		ap_diag_report(diag, AP_DIAG_DATA_LOSS, "fwk-unreadable",
			       "cannot read directory '%s/FRAMEWORK': %s", d->dir,
			       strerror(fwk_errno));
	}
	if (!d->fwk_dir && !d->prof_dir) {
		if (foreign_out)
			return ap_err_set(err, AP_ENOTFOUND,
					  "nothing to analyse: no FRAMEWORK/ or PROF_* data (the dump holds an %s/ already; torch_npu analysers of 2023-2025 delete FRAMEWORK/ after analysing)",
					  AP_PT_OUTPUT_DIR);
		return ap_err_set(err, AP_ENOTFOUND,
				  "not a torch_npu dump: no FRAMEWORK/ or PROF_* directory");
	}
	if (!d->info_file)
		return ap_err_set(err, AP_ENOTFOUND,
				  "no profiler_info.json or profiler_info_<rank>.json: needed for time alignment");
	info_path = ap_path_join(d->dir, d->info_file);
	if (!info_path)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	root = load_json(info_path, d->info_file, err);
	free(info_path);
	if (!root)
		return err ? err->code : AP_EFORMAT;
	parse_info(d, root, diag);
	json_decref(root);
	/* The rank from the file name wins over a missing rank_id (§11). */
	if (d->cfg.rank_id < 0 && info_rank_of(d->info_file, &rank) == INFO_RANKED) {
		if (rank >= 0)
			d->cfg.rank_id = rank;
		else
			ap_diag_report(diag, AP_DIAG_WARN, "rank-name-range",
				       "'%s': the rank in the file name is out of range (above %d); rank unknown",
				       d->info_file, INT_MAX);
	}
	/* Activity sanity (§2.1). */
	if (d->cfg.cpu && !d->fwk_dir)
		d->cfg.cpu = 0;
	if (d->cfg.npu && !d->prof_dir)
		d->cfg.npu = 0;
	return build_timeconv(d, err);
}

void ap_pt_release(struct ap_pt_dump *d)
{
	if (!d)
		return;
	free(d->dir);
	free(d->real);
	free(d->info_file);
	free(d->fwk_dir);
	free(d->prof_dir);
	memset(d, 0, sizeof(*d));
}
