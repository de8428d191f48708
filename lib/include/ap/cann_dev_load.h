/* Decoding the raw device data of a PROF_* device_N dir (spec cann_prof_raw.md §1.4, §3):
 * one pure decoder per record kind (bytes -> struct, no I/O, no allocation) and the loader
 * that reads the slices of each file kind as one stream into the device model. */
#ifndef AP_CANN_DEV_LOAD_H
#define AP_CANN_DEV_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ap/cann_dev.h"
#include "ap/diag.h"
#include "ap/err.h"

/* Record sizes and magics (Appendix A). */
#define AP_CANN_STARS_SIZE 64u
#define AP_CANN_STARS_V6_SIZE 32u
#define AP_CANN_TRACK_SIZE 40u
#define AP_CANN_HWTS_SIZE 64u
#define AP_CANN_FFTS_PROFILE_SIZE 128u
#define AP_CANN_DEV_MAGIC 0x6BD3u

/* STARS funcTypes that are task logs (§3.1.1). */
#define AP_CANN_FUNC_ACSQ_START 0
#define AP_CANN_FUNC_ACSQ_END 1
#define AP_CANN_FUNC_FFTS_START 34
#define AP_CANN_FUNC_FFTS_END 35

/* TS track funcTypes (§3.2). */
#define AP_CANN_TRACK_TIMELINE 0x03
#define AP_CANN_TRACK_STEP 0x0A
#define AP_CANN_TRACK_MEMCPY 0x0B
#define AP_CANN_TRACK_TASK_TYPE 0x0C
#define AP_CANN_TRACK_FLIP 0x0E
#define AP_CANN_TRACK_BLOCK_NUM 0x0F

/* What a decoder made of one record. */
enum ap_cann_rec {
	AP_CANN_REC_LOG = 0,     /* *log filled: a task start or end */
	AP_CANN_REC_BAD_MAGIC,   /* magic != 0x6BD3: corrupt (data loss) */
	AP_CANN_REC_OTHER,       /* well framed, another kind (funcType / log type): skipped */
};

/* stars_soc (64 bytes at p): ACSQ 0/1 and FFTS+ 34/35 fill *log (ids raw, stream/task decoded
 * with expansion off); *func gets the funcType either way. */
enum ap_cann_rec ap_cann_stars_decode(const uint8_t *p, struct ap_cann_log *log, unsigned *func);
/* hwts (64 bytes at p): log types 0/1 fill *log; *type gets the log type (bits 0-2). */
enum ap_cann_rec ap_cann_hwts_decode(const uint8_t *p, struct ap_cann_log *log, unsigned *type);

/* One TS track record (40 bytes), decoded by funcType. */
struct ap_cann_ts_rec {
	unsigned func;         /* u8 @1 */
	uint64_t syscnt;
	uint16_t stream, task; /* stream masked to 11 bits where §3.2 says so */
	union {
		struct { uint16_t flip_num; } flip;
		struct { uint64_t index_id, model_id; uint16_t tag; } step;
		struct { uint16_t task_type; uint8_t status; } task_type;
		struct { uint8_t status; } memcpy;
		struct { uint32_t block_num; } block;
		struct { uint16_t task_type, task_state; uint32_t thread, device; } timeline;
	} u;
};
/* Returns 0 for the kinds of §3.2, AP_END for another funcType (framed, skipped). */
int ap_cann_ts_decode(const uint8_t *p, struct ap_cann_ts_rec *out);

/* Stream/task id decoding (§3.1.3, chips <= v4; upstream stars_common.h). s, t: the raw u16
 * stream and task ids; sqe_type: the header's sqeType; expand: the host's
 * expand_stream_spec expandStatus == 1. */
void ap_cann_ids_decode(uint16_t s, uint16_t t, unsigned sqe_type, int expand, uint32_t *stream,
			uint32_t *task);
/* Decodes stream/task of every log of d again with expand (HWTS logs: stream mod 2048). */
void ap_cann_dev_set_expand(struct ap_cann_dev *d, int expand);

/* Options of a device load. */
struct ap_cann_dev_opts {
	int expand;          /* stream-id expansion (host expand_stream_spec); 0 when unknown */
	const char *shown;   /* the data dir as named in messages, e.g. "PROF_x/device_0/data" */
	const char *chip;    /* the chip as named in messages, e.g. "Ascend950 (platform_version
	                      * 15)"; NULL: "this chip" */
};

/* Reads every device data file of data_dir (device_N/data) into d (initialised by the
 * caller with ap_cann_dev_init): stars_soc.data, hwts.data, hwts.aiv_data, ts_track.data,
 * ts_track.aiv_data, ffts_profile.data, each kind's slices "{name}.{dev}.slice_{M}" (dev ==
 * d->device_id unless that is < 0) in slice-number order as one stream whose size remainder
 * is skipped at the front. Trouble in the data (bad magic, cut records, front remainders) is
 * data loss counted in diag with file and offset; unknown func types are warnings, one per
 * kind. logs_kind is the chip's enum ap_cann_log_kind (ap/cann_meta.h);
 * stars_soc slices of an AP_CANN_LOGS_STARS_V6 or AP_CANN_LOGS_UNKNOWN chip are not decoded:
 * the other kinds are, and the load returns AP_EUNSUPPORTED naming the chip. An unreadable
 * or shrinking slice ends its stream (data loss). Returns 0, or a negative status (out of
 * memory, unreadable dir, unsupported chip) with err set. */
int ap_cann_dev_load(struct ap_cann_dev *d, const char *data_dir, int logs_kind,
		     const struct ap_cann_dev_opts *opts, struct ap_diag *diag, struct ap_err *err);

/* The same on in-memory slices (fuzzing, tests): names[i] is a file name of data_dir,
 * data[i]/len[i] its bytes. */
int ap_cann_dev_load_mem(struct ap_cann_dev *d, size_t n, const char *const *names,
			 const uint8_t *const *data, const size_t *len, int logs_kind,
			 const struct ap_cann_dev_opts *opts, struct ap_diag *diag,
			 struct ap_err *err);

#endif
