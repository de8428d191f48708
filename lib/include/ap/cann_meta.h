/* Metadata side files of a PROF_* dir (spec cann_prof_raw.md §1.6) and the clocks built from
 * them (§3.6). One struct ap_cann_meta per host/ or device_N/ dir. The parsers take bytes
 * (no I/O) so that tests and fuzzers can feed them; ap_cann_meta_load reads the files of one
 * dir and keeps, per file, whether it was absent, parsed or malformed and why. Which files are
 * needed is the caller's business: the clock constructors say which one is missing. */
#ifndef AP_CANN_META_H
#define AP_CANN_META_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cann_clock.h"
#include "ap/err.h"
#include "ap/strbuf.h"

/* platform_version of info.json (§0.2). */
enum ap_cann_chip {
	AP_CANN_CHIP_310 = 0,
	AP_CANN_CHIP_910A = 1,
	AP_CANN_CHIP_310P = 4,
	AP_CANN_CHIP_910B = 5,  /* Ascend910B / Atlas A2; Atlas A3 reports the same id */
	AP_CANN_CHIP_310B = 7,
	AP_CANN_CHIP_950 = 15,  /* "chip v6": 32-byte STARS records */
};

/* How a chip writes its task logs (§3). */
enum ap_cann_log_kind {
	AP_CANN_LOGS_UNKNOWN = 0, /* platform_version not in the spec: reported by its number */
	AP_CANN_LOGS_STARS,       /* stars_soc.data, 64-byte records (910B/A3, 310B) */
	AP_CANN_LOGS_STARS_V6,    /* stars_soc.data, 32-byte records (Ascend950): unsupported */
	AP_CANN_LOGS_HWTS,        /* hwts.data (910A, 310, 310P) */
};

/* "Ascend910B" etc., or NULL for a platform_version the spec does not cover. */
const char *ap_cann_chip_name(int platform_version);
enum ap_cann_log_kind ap_cann_chip_logs(int platform_version);

/* info.json (host) / info.json.N (device). Numbers absent or empty in the file are -1 (ints)
 * or 0 with the has_ flag clear (frequencies). Strings are truncated to their arrays. */
struct ap_cann_info {
	int platform_version;     /* -1 when absent or not a decimal number */
	char platform_str[16];    /* as written, for messages about unknown chips */
	int64_t pid;              /* -1 when absent or "NA" */
	int32_t rank_id;          /* -1 when absent */
	char hostname[128];
	char pid_name[64];
	/* CPU[0].Frequency: host system counter MHz. An empty string means upstream's default
	 * 1000 ("already ns"): cpu_freq_set 0, cpu_freq_mhz 1000. */
	double cpu_freq_mhz;
	int cpu_freq_set;
	/* DeviceInfo[0] (device dirs) */
	int has_device_info;
	double hwts_freq_mhz;     /* 0 when absent */
	double aic_freq_mhz, aiv_freq_mhz;
	int32_t ai_core_num, aiv_num, dev_id;  /* -1 when absent */
};

/* sample.json: the switches the analysis reads. Strings empty when absent. */
struct ap_cann_sample {
	char prof_level[16];          /* profLevel, or prof_level (hisi) */
	char ai_core_mode[16];        /* ai_core_profiling_mode: task-based / sample-based */
	char ai_core_metrics[48];
	char aiv_mode[16];            /* aiv_profiling_mode */
	char devices[64];
	char task_trace[8];           /* taskTrace: on/off */
	char stars_acsq_task[8];
};

/* start_info[.N] / end_info[.N]. */
struct ap_cann_time_info {
	uint64_t time_us;        /* collectionTimeBegin / collectionTimeEnd, µs since the epoch */
	uint64_t mono_ns;        /* clockMonotonicRaw */
};

/* host_start.log[.N] ("[host]"/"[Host]" or "[DeviceN]" section) and dev_start.log.N (no
 * section). "key: value" lines; keys outside these three are ignored. */
struct ap_cann_start_log {
	uint64_t clock_monotonic_raw;
	uint64_t cntvct;
	uint64_t cntvct_diff;    /* 0 when absent (upstream's default) */
	int has_diff;
};

enum ap_cann_meta_file {
	AP_CANN_MF_INFO,        /* info.json / info.json.N */
	AP_CANN_MF_SAMPLE,      /* sample.json */
	AP_CANN_MF_START,       /* start_info / start_info.N */
	AP_CANN_MF_END,         /* end_info / end_info.N */
	AP_CANN_MF_HOST_START,  /* host_start.log / host_start.log.N */
	AP_CANN_MF_DEV_START,   /* dev_start.log.N (device dirs only) */
	AP_CANN_MF_COUNT
};

enum ap_cann_file_state { AP_CANN_FILE_ABSENT = 0, AP_CANN_FILE_OK = 1, AP_CANN_FILE_BAD = 2 };

struct ap_cann_meta {
	int device_id;                         /* -1: the host dir */
	struct ap_cann_info info;
	struct ap_cann_sample sample;
	struct ap_cann_time_info start, end;
	struct ap_cann_start_log host_start, dev_start;
	unsigned char state[AP_CANN_MF_COUNT]; /* enum ap_cann_file_state */
	char file[AP_CANN_MF_COUNT][48];       /* "device_0/info.json.0", relative to the PROF dir */
	struct ap_strbuf why[AP_CANN_MF_COUNT]; /* for AP_CANN_FILE_BAD: the parser's message */
};

/* The chip of info for messages: "Ascend910B (platform_version 5)", or "platform_version '9'"
 * for one the spec does not cover ("no platform_version" when absent). Writes at most cap bytes
 * (NUL included) into buf and returns buf. */
char *ap_cann_chip_describe(const struct ap_cann_info *info, char *buf, size_t cap);

/* Parsers of one file's bytes. `shown` names the file in messages. Each fills *out and
 * returns 0, or AP_EFORMAT with err naming the file (and the byte offset for JSON syntax
 * errors, the line for logs). Unknown keys are ignored. */
int ap_cann_parse_info(const char *buf, size_t len, const char *shown, struct ap_cann_info *out,
		       struct ap_err *err);
int ap_cann_parse_sample(const char *buf, size_t len, const char *shown,
			 struct ap_cann_sample *out, struct ap_err *err);
/* is_end: read collectionTimeEnd instead of collectionTimeBegin. Both keys must be decimal
 * strings or integers (StrToU64). */
int ap_cann_parse_time_info(const char *buf, size_t len, const char *shown, int is_end,
			    struct ap_cann_time_info *out, struct ap_err *err);
/* clock_monotonic_raw and cntvct are required; section is ignored (upstream splits every
 * line on ':' whatever the section). */
int ap_cann_parse_start_log(const char *buf, size_t len, const char *shown,
			    struct ap_cann_start_log *out, struct ap_err *err);

/* Initialises m (owned by the caller) and reads the side files of dir (a host/ or device_N/
 * dir; device_id -1 for host/). shown_dir ("host", "device_0") prefixes file names in
 * messages. Absent and malformed files are recorded in m->state / m->why, not returned.
 * Returns 0, or AP_ENOMEM. Release with ap_cann_meta_release. */
int ap_cann_meta_load(struct ap_cann_meta *m, const char *dir, const char *shown_dir,
		      int device_id, struct ap_err *err);
void ap_cann_meta_init(struct ap_cann_meta *m, int device_id);
void ap_cann_meta_release(struct ap_cann_meta *m);

/* The device clock of one device_N dir (§3.6, Context::GetSyscntConversionParams): needs
 * info.json.N (DeviceInfo[0].hwts_frequency > 0, CPU[0].Frequency), host_start.log.N,
 * dev_start.log.N and start_info.N. Returns 0, or AP_ENOTFOUND / AP_EFORMAT with err naming
 * the missing or malformed file: the device data is then not placed on the clock (CONVENTIONS
 * §4, time-sync side files). */
int ap_cann_clock_device(struct ap_cann_clock *c, const struct ap_cann_meta *dev,
			 struct ap_err *err);
/* The host clock (GetTimeFromHostCnt): needs info.json and start_info; host_start.log only
 * when CPU[0].Frequency is set and is not 1000 (else host times are monotonic ns already). */
int ap_cann_clock_host(struct ap_cann_clock *c, const struct ap_cann_meta *host,
		       struct ap_err *err);

#endif
