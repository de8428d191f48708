/* Metadata side files of a PROF_* host/ or device_N/ dir (spec cann_prof_raw.md §1.6) and the
 * clocks built from them (§3.6). What is read, and how, follows the C++ engine of upstream
 * msprof (Ascend/msprof analysis/csrc/domain/services/environment/context.cpp: LoadJsonData,
 * LoadLogData, GetSyscntConversionParams, GetProfTimeRecordInfo), which the spec cites.
 * These parsers are complete; pt_dump.c (the framework clock) reads a subset of the same
 * files on its own and could use them. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_meta.h"
#include "ap/file.h"
#include "../../base/banned.h"

#define SIDE_FILE_MAX ((size_t)4 << 20)

/* --- chips (§0.2) ------------------------------------------------------------------- */

const char *ap_cann_chip_name(int v)
{
	switch (v) {
	case AP_CANN_CHIP_310: return "Ascend310";
	case AP_CANN_CHIP_910A: return "Ascend910A";
	case AP_CANN_CHIP_310P: return "Ascend310P";
	case AP_CANN_CHIP_910B: return "Ascend910B";
	case AP_CANN_CHIP_310B: return "Ascend310B";
	case AP_CANN_CHIP_950: return "Ascend950";
	default: return NULL;
	}
}

enum ap_cann_log_kind ap_cann_chip_logs(int v)
{
	switch (v) {
	case AP_CANN_CHIP_910B:
	case AP_CANN_CHIP_310B:
		return AP_CANN_LOGS_STARS;
	case AP_CANN_CHIP_950:
		return AP_CANN_LOGS_STARS_V6;
	case AP_CANN_CHIP_310:
	case AP_CANN_CHIP_910A:
	case AP_CANN_CHIP_310P:
		return AP_CANN_LOGS_HWTS;
	default:
		return AP_CANN_LOGS_UNKNOWN;
	}
}

char *ap_cann_chip_describe(const struct ap_cann_info *info, char *buf, size_t cap)
{
	const char *name = ap_cann_chip_name(info->platform_version);

	if (name)
		snprintf(buf, cap, "%s (platform_version %d)", name, info->platform_version);
	else if (info->platform_str[0])
		snprintf(buf, cap, "platform_version '%s'", info->platform_str);
	else
		snprintf(buf, cap, "no platform_version");
	return buf;
}

/* --- scalar parsing ----------------------------------------------------------------- */

/* Decimal u64 with optional surrounding blanks (upstream StrToU64). Returns 0 or -1. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
	const char *e = s + n;
	uint64_t v = 0;
	int any = 0;

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	for (; s < e; s++, any = 1) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (!any)
		return -1;
	*out = v;
	return 0;
}

/* A finite decimal number with optional surrounding blanks (upstream StrToDouble). */
static int parse_double(const char *s, double *out)
{
	char *end;
	double x;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s || !(isdigit((unsigned char)*s) || *s == '.' || *s == '-' || *s == '+'))
		return -1;
	errno = 0;
	x = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end || errno || !isfinite(x))
		return -1;
	*out = x;
	return 0;
}

/* --- JSON helpers ------------------------------------------------------------------- */

static json_t *parse_json(const char *buf, size_t len, const char *shown, struct ap_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je);

	if (!root) {
		/* jansson counts the bytes read: the offending byte is the last one read */
		size_t off = (size_t)je.position;

		if (off > 0 && off < len)
			off--;
		ap_err_set(err, AP_EFORMAT, "'%s': malformed JSON at byte offset %zu (line %d): %s",
			   shown, off, je.line, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		ap_err_set(err, AP_EFORMAT, "'%s': not a JSON object", shown);
		json_decref(root);
		return NULL;
	}
	return root;
}

static void get_str(const json_t *o, const char *key, char *dst, size_t cap)
{
	const json_t *v = json_object_get(o, key);

	if (v && json_is_string(v))
		snprintf(dst, cap, "%s", json_string_value(v));
}

/* An integer from a JSON integer or a decimal string; dflt when absent or not a number. */
static int64_t get_i64(const json_t *o, const char *key, int64_t dflt)
{
	const json_t *v = json_object_get(o, key);
	const char *s;
	uint64_t u;
	int neg;

	if (v && json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (!v || !json_is_string(v))
		return dflt;
	s = json_string_value(v);
	neg = *s == '-';
	if (parse_u64(s + neg, strlen(s + neg), &u) < 0 || u > (uint64_t)INT64_MAX)
		return dflt;
	return neg ? -(int64_t)u : (int64_t)u;
}

/* A frequency in MHz from a string or a JSON number. 1: set, 0: absent or empty string,
 * -1: present but not a number. */
static int get_freq(const json_t *o, const char *key, double *out)
{
	const json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 1;
	}
	if (!json_is_string(v))
		return -1;
	if (!*json_string_value(v))
		return 0;
	return parse_double(json_string_value(v), out) == 0 ? 1 : -1;
}

/* --- info.json[.N] ------------------------------------------------------------------ */

int ap_cann_parse_info(const char *buf, size_t len, const char *shown, struct ap_cann_info *out,
		       struct ap_err *err)
{
	const json_t *cpu, *dev;
	json_t *root;
	int r;

	memset(out, 0, sizeof(*out));
	out->platform_version = -1;
	out->pid = -1;
	out->rank_id = -1;
	out->cpu_freq_mhz = 1000.0; /* upstream DEFAULT_FREQ: an empty Frequency */
	out->ai_core_num = out->aiv_num = out->dev_id = -1;
	root = parse_json(buf, len, shown, err);
	if (!root)
		return AP_EFORMAT;
	get_str(root, "platform_version", out->platform_str, sizeof(out->platform_str));
	if (json_is_integer(json_object_get(root, "platform_version")))
		snprintf(out->platform_str, sizeof(out->platform_str), "%lld",
			 (long long)json_integer_value(json_object_get(root, "platform_version")));
	{
		int64_t pv = get_i64(root, "platform_version", -1);

		out->platform_version = pv >= 0 && pv <= 0xFFFF ? (int)pv : -1;
	}
	out->pid = get_i64(root, "pid", -1);
	{
		int64_t rk = get_i64(root, "rank_id", -1);

		out->rank_id = rk >= -1 && rk <= INT32_MAX ? (int32_t)rk : -1;
	}
	get_str(root, "hostname", out->hostname, sizeof(out->hostname));
	get_str(root, "pid_name", out->pid_name, sizeof(out->pid_name));
	cpu = json_array_get(json_object_get(root, "CPU"), 0);
	if (cpu) {
		r = get_freq(cpu, "Frequency", &out->cpu_freq_mhz);
		if (r < 0) {
			json_decref(root);
			return ap_err_set(err, AP_EFORMAT, "'%s': CPU[0].Frequency is not a number",
					  shown);
		}
		out->cpu_freq_set = r;
		if (!r)
			out->cpu_freq_mhz = 1000.0;
	}
	dev = json_array_get(json_object_get(root, "DeviceInfo"), 0);
	if (dev && json_is_object(dev)) {
		out->has_device_info = 1;
		if (get_freq(dev, "hwts_frequency", &out->hwts_freq_mhz) < 0) {
			json_decref(root);
			return ap_err_set(err, AP_EFORMAT,
					  "'%s': DeviceInfo[0].hwts_frequency is not a number", shown);
		}
		if (get_freq(dev, "aic_frequency", &out->aic_freq_mhz) < 0)
			out->aic_freq_mhz = 0;
		if (get_freq(dev, "aiv_frequency", &out->aiv_freq_mhz) < 0)
			out->aiv_freq_mhz = 0;
		out->ai_core_num = (int32_t)get_i64(dev, "ai_core_num", -1);
		out->aiv_num = (int32_t)get_i64(dev, "aiv_num", -1);
		out->dev_id = (int32_t)get_i64(dev, "id", -1);
	}
	json_decref(root);
	return 0;
}

/* --- sample.json -------------------------------------------------------------------- */

int ap_cann_parse_sample(const char *buf, size_t len, const char *shown,
			 struct ap_cann_sample *out, struct ap_err *err)
{
	json_t *root;

	memset(out, 0, sizeof(*out));
	root = parse_json(buf, len, shown, err);
	if (!root)
		return AP_EFORMAT;
	get_str(root, "profLevel", out->prof_level, sizeof(out->prof_level));
	if (!out->prof_level[0])
		get_str(root, "prof_level", out->prof_level, sizeof(out->prof_level));
	get_str(root, "ai_core_profiling_mode", out->ai_core_mode, sizeof(out->ai_core_mode));
	get_str(root, "ai_core_metrics", out->ai_core_metrics, sizeof(out->ai_core_metrics));
	get_str(root, "aiv_profiling_mode", out->aiv_mode, sizeof(out->aiv_mode));
	get_str(root, "devices", out->devices, sizeof(out->devices));
	get_str(root, "taskTrace", out->task_trace, sizeof(out->task_trace));
	get_str(root, "stars_acsq_task", out->stars_acsq_task, sizeof(out->stars_acsq_task));
	json_decref(root);
	return 0;
}

/* --- start_info / end_info ---------------------------------------------------------- */

static int get_u64_key(const json_t *o, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (v && json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (v && json_is_string(v))
		return parse_u64(json_string_value(v), strlen(json_string_value(v)), out);
	return -1;
}

int ap_cann_parse_time_info(const char *buf, size_t len, const char *shown, int is_end,
			    struct ap_cann_time_info *out, struct ap_err *err)
{
	const char *tkey = is_end ? "collectionTimeEnd" : "collectionTimeBegin";
	json_t *root;
	int bad;

	memset(out, 0, sizeof(*out));
	root = parse_json(buf, len, shown, err);
	if (!root)
		return AP_EFORMAT;
	bad = get_u64_key(root, tkey, &out->time_us) < 0 ? 1
	      : get_u64_key(root, "clockMonotonicRaw", &out->mono_ns) < 0 ? 2 : 0;
	json_decref(root);
	if (bad)
		return ap_err_set(err, AP_EFORMAT, "'%s': %s is missing or not a decimal number",
				  shown, bad == 1 ? tkey : "clockMonotonicRaw");
	/* GetProfTimeRecordInfo: the wall clock in ns must not be below the monotonic time,
	 * so that their difference does not wrap */
	if (out->time_us > UINT64_MAX / 1000 || out->time_us * 1000 < out->mono_ns)
		return ap_err_set(err, AP_EFORMAT,
				  "'%s': %s %llu us and clockMonotonicRaw %llu ns give no wall-clock offset",
				  shown, tkey, (unsigned long long)out->time_us,
				  (unsigned long long)out->mono_ns);
	return 0;
}

/* --- host_start.log / dev_start.log ------------------------------------------------- */

int ap_cann_parse_start_log(const char *buf, size_t len, const char *shown,
			    struct ap_cann_start_log *out, struct ap_err *err)
{
	const char *p = buf, *end = buf + len;
	int have_mono = 0, have_cnt = 0;
	size_t lineno = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *line = p, *colon, *k, *ke;
		uint64_t v;

		if (!eol)
			eol = end;
		p = eol + 1;
		lineno++;
		/* LoadLogData: a line is "key:value" split on ':'; other lines (the
		 * "[host]"/"[DeviceN]" section names, blanks) are skipped */
		colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon || memchr(colon + 1, ':', (size_t)(eol - colon - 1)))
			continue;
		for (k = line; k < colon && isspace((unsigned char)*k); k++)
			;
		for (ke = colon; ke > k && isspace((unsigned char)ke[-1]); ke--)
			;
#define IS_KEY(s) ((size_t)(ke - k) == sizeof(s) - 1 && !memcmp(k, s, sizeof(s) - 1))
		if (IS_KEY("clock_monotonic_raw")) {
			if (parse_u64(colon + 1, (size_t)(eol - colon - 1), &v) < 0)
				return ap_err_set(err, AP_EFORMAT,
						  "'%s': line %zu: clock_monotonic_raw is not a decimal number",
						  shown, lineno);
			out->clock_monotonic_raw = v;
			have_mono = 1;
		} else if (IS_KEY("cntvct")) {
			if (parse_u64(colon + 1, (size_t)(eol - colon - 1), &v) < 0)
				return ap_err_set(err, AP_EFORMAT,
						  "'%s': line %zu: cntvct is not a decimal number",
						  shown, lineno);
			out->cntvct = v;
			have_cnt = 1;
		} else if (IS_KEY("cntvct_diff")) {
			/* upstream: a bad cntvct_diff only loses the correction */
			if (parse_u64(colon + 1, (size_t)(eol - colon - 1), &v) == 0) {
				out->cntvct_diff = v;
				out->has_diff = 1;
			}
		}
#undef IS_KEY
	}
	if (!have_mono || !have_cnt)
		return ap_err_set(err, AP_EFORMAT, "'%s': no %s line", shown,
				  !have_mono ? "clock_monotonic_raw" : "cntvct");
	return 0;
}

/* --- one dir ------------------------------------------------------------------------ */

void ap_cann_meta_init(struct ap_cann_meta *m, int device_id)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->device_id = device_id;
	m->info.platform_version = -1;
	for (i = 0; i < AP_CANN_MF_COUNT; i++)
		ap_strbuf_init(&m->why[i]);
}

void ap_cann_meta_release(struct ap_cann_meta *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < AP_CANN_MF_COUNT; i++)
		ap_strbuf_release(&m->why[i]);
}

static const char *const base_name[AP_CANN_MF_COUNT] = {
	"info.json", "sample.json", "start_info", "end_info", "host_start.log", "dev_start.log",
};

static int parse_one(struct ap_cann_meta *m, int f, const char *buf, size_t len,
		     struct ap_err *e)
{
	const char *shown = m->file[f];

	switch (f) {
	case AP_CANN_MF_INFO: return ap_cann_parse_info(buf, len, shown, &m->info, e);
	case AP_CANN_MF_SAMPLE: return ap_cann_parse_sample(buf, len, shown, &m->sample, e);
	case AP_CANN_MF_START: return ap_cann_parse_time_info(buf, len, shown, 0, &m->start, e);
	case AP_CANN_MF_END: return ap_cann_parse_time_info(buf, len, shown, 1, &m->end, e);
	case AP_CANN_MF_HOST_START:
		return ap_cann_parse_start_log(buf, len, shown, &m->host_start, e);
	default: return ap_cann_parse_start_log(buf, len, shown, &m->dev_start, e);
	}
}

int ap_cann_meta_load(struct ap_cann_meta *m, const char *dir, const char *shown_dir,
		      int device_id, struct ap_err *err)
{
	struct ap_strbuf sb = AP_STRBUF_INIT;
	int f, ret = 0;

	ap_cann_meta_init(m, device_id);
	for (f = 0; f < AP_CANN_MF_COUNT && ret == 0; f++) {
		struct ap_err e = AP_ERR_INIT;
		char name[40], *path;
		int r;

		if (f == AP_CANN_MF_DEV_START && device_id < 0)
			continue;
		/* sample.json has no device suffix (§1.3) */
		if (device_id >= 0 && f != AP_CANN_MF_SAMPLE)
			snprintf(name, sizeof(name), "%s.%d", base_name[f], device_id);
		else
			snprintf(name, sizeof(name), "%s", base_name[f]);
		snprintf(m->file[f], sizeof(m->file[f]), "%s/%s", shown_dir, name);
		path = ap_path_join(dir, name);
		if (!path) {
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
			break;
		}
		ap_strbuf_reset(&sb);
		r = ap_file_read_all(path, SIDE_FILE_MAX, &sb, &e);
		free(path);
		if (r == AP_ENOMEM) {
			ret = ap_err_set(err, AP_ENOMEM, "out of memory reading '%s'", m->file[f]);
		} else if (r == AP_ENOTFOUND) {
			m->state[f] = AP_CANN_FILE_ABSENT;
		} else if (r < 0) {
			m->state[f] = AP_CANN_FILE_BAD;
			/* the reader names the full path; keep the message short and relative */
			ap_strbuf_addf(&m->why[f], "'%s': cannot be read: %s", m->file[f],
				       ap_err_text(&e));
		} else if (parse_one(m, f, sb.buf, sb.len, &e) < 0) {
			m->state[f] = AP_CANN_FILE_BAD;
			ap_strbuf_addstr(&m->why[f], ap_err_text(&e));
		} else {
			m->state[f] = AP_CANN_FILE_OK;
		}
		ap_err_release(&e);
	}
	ap_strbuf_release(&sb);
	return ret;
}

/* --- clocks (§3.6) ------------------------------------------------------------------ */

/* 0 when file f was parsed, else an error naming it. */
static int need(const struct ap_cann_meta *m, int f, struct ap_err *err)
{
	if (m->state[f] == AP_CANN_FILE_OK)
		return 0;
	if (m->state[f] == AP_CANN_FILE_BAD)
		return ap_err_set(err, AP_EFORMAT, "%s", m->why[f].buf);
	return ap_err_set(err, AP_ENOTFOUND, "'%s' is missing: needed for time alignment",
			  m->file[f][0] ? m->file[f] : base_name[f]);
}

/* GetProfTimeRecordInfo + GetLocalTime: startTimeNs - baseTimeNs. */
static int local_diff(const struct ap_cann_meta *m, int64_t *out, struct ap_err *err)
{
	uint64_t d = m->start.time_us * 1000 - m->start.mono_ns; /* checked by the parser */

	if (d > (uint64_t)INT64_MAX)
		return ap_err_set(err, AP_EFORMAT, "'%s': wall-clock offset out of range",
				  m->file[AP_CANN_MF_START]);
	*out = (int64_t)d;
	return 0;
}

/* The cntvct_diff correction of the host monotonic reference, two ways upstream:
 * - host times (Context::GetSyscntConversionParams): hostMonotonic += diff * 1000 / hostFreq
 *   in the types it uses: u64 product, double quotient, and u64 += double, which converts the
 *   sum to double and truncates it;
 * - device tasks (ascend_task_association.cpp GetSyscntConversionParams): only when the
 *   frequency and the diff are non-zero, diffTime = (u64)(diff * 1000 / freq) added as an
 *   integer unless that would wrap. */
static uint64_t corrected_mono_host(const struct ap_cann_start_log *l, double host_freq)
{
	double x;

	if (!l->has_diff)
		return l->clock_monotonic_raw;
	x = (double)l->clock_monotonic_raw + (double)(l->cntvct_diff * 1000u) / host_freq;
	if (!(x < 18446744073709551616.0))
		return UINT64_MAX;
	return x < 0 ? 0 : (uint64_t)x;
}

static uint64_t corrected_mono_dev(const struct ap_cann_start_log *l, double host_freq)
{
	double q;
	uint64_t add;

	if (!l->cntvct_diff || fabs(host_freq) < 1e-9)
		return l->clock_monotonic_raw;
	q = (double)(l->cntvct_diff * 1000u) / host_freq;
	if (!(q >= 0 && q < 18446744073709551616.0))
		return l->clock_monotonic_raw;
	add = (uint64_t)q;
	return UINT64_MAX - l->clock_monotonic_raw >= add ? l->clock_monotonic_raw + add
							  : l->clock_monotonic_raw;
}

static int freq_ok(double f)
{
	/* IsDoubleEqual(freq, 0) refuses zero; negative or absurd values are no clock either */
	return f > 1e-6 && f < 1e9;
}

int ap_cann_clock_device(struct ap_cann_clock *c, const struct ap_cann_meta *dev,
			 struct ap_err *err)
{
	const struct ap_cann_info *in = &dev->info;

	memset(c, 0, sizeof(*c));
	AP_FORWARD_IF_ERROR(need(dev, AP_CANN_MF_INFO, err));
	if (!in->has_device_info || !freq_ok(in->hwts_freq_mhz))
		return ap_err_set(err, AP_EFORMAT,
				  "'%s': DeviceInfo[0].hwts_frequency is missing or not a positive number of MHz",
				  dev->file[AP_CANN_MF_INFO]);
	if (!freq_ok(in->cpu_freq_mhz))
		return ap_err_set(err, AP_EFORMAT,
				  "'%s': CPU[0].Frequency %g MHz is not usable for time alignment",
				  dev->file[AP_CANN_MF_INFO], in->cpu_freq_mhz);
	AP_FORWARD_IF_ERROR(need(dev, AP_CANN_MF_HOST_START, err));
	AP_FORWARD_IF_ERROR(need(dev, AP_CANN_MF_DEV_START, err));
	AP_FORWARD_IF_ERROR(need(dev, AP_CANN_MF_START, err));
	c->freq_mhz = in->hwts_freq_mhz;
	c->ref_cnt = dev->dev_start.cntvct;
	c->ref_mono = corrected_mono_dev(&dev->host_start, in->cpu_freq_mhz);
	return local_diff(dev, &c->local_diff, err);
}

int ap_cann_clock_host(struct ap_cann_clock *c, const struct ap_cann_meta *host,
		       struct ap_err *err)
{
	const struct ap_cann_info *in = &host->info;

	memset(c, 0, sizeof(*c));
	AP_FORWARD_IF_ERROR(need(host, AP_CANN_MF_INFO, err));
	AP_FORWARD_IF_ERROR(need(host, AP_CANN_MF_START, err));
	if (!freq_ok(in->cpu_freq_mhz))
		return ap_err_set(err, AP_EFORMAT,
				  "'%s': CPU[0].Frequency %g MHz is not usable for time alignment",
				  host->file[AP_CANN_MF_INFO], in->cpu_freq_mhz);
	c->freq_mhz = in->cpu_freq_mhz;
	/* GetTimeFromHostCnt: IsDoubleEqual(hostFreq, DEFAULT_FREQ) -> already monotonic ns */
	c->identity = fabs(in->cpu_freq_mhz - 1000.0) < 1e-9;
	if (!c->identity) {
		AP_FORWARD_IF_ERROR(need(host, AP_CANN_MF_HOST_START, err));
		c->ref_cnt = host->host_start.cntvct;
		c->ref_mono = corrected_mono_host(&host->host_start, in->cpu_freq_mhz);
	}
	return local_diff(host, &c->local_diff, err);
}
