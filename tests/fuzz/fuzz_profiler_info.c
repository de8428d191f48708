/*
 * fuzz_profiler_info.c — the JSON side files of a dump (lib/formats/ascend_pt/pt_dump.c, through
 * jansson): the input becomes a dump's profiler_info_0.json (byte 0 even) or its CANN
 * PROF_.../host/start_info (byte 0 odd, next to a fixed valid profiler_info), then ap_pt_open runs.
 *
 * Invariants beyond "no crash, no leak": ap_pt_open returns 0 or a negative status with a message;
 * on success the syscnt factor (when used) is finite and positive and the rank is -1 or
 * non-negative.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/ptdump.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

#define PROF "PROF_000001_20250101120000123_ABCDEFGHIJKLMNOP"

static const char info_ok[] =
	"{\"config\": {\"common_config\": {\"activities\": [\"ProfilerActivity.CPU\", "
	"\"ProfilerActivity.NPU\"]}}, \"start_info\": {\"syscnt_enable\": true, \"freq\": 100, "
	"\"start_cnt\": 1, \"start_monotonic\": 1}, \"end_info\": {\"collectionTimeEnd\": 9, "
	"\"MonotonicTimeEnd\": 1}}";

static char dir[4096];

static void path_of(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", dir, rel);
}

static void put(const char *rel, const uint8_t *data, size_t size)
{
	char path[4200];
	FILE *f;

	path_of(path, sizeof(path), rel);
	f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size || size == 0);
	FUZZ_CHECK(fclose(f) == 0);
}

static void cleanup(void)
{
	static const char *const rel[] = { "profiler_info_0.json", PROF "/host/start_info",
					   PROF "/host", PROF, "FRAMEWORK" };
	char path[4200];
	size_t i;

	if (!dir[0])
		return;
	for (i = 0; i < sizeof(rel) / sizeof(*rel); i++) {
		path_of(path, sizeof(path), rel[i]);
		if (unlink(path) != 0)
			rmdir(path);
	}
	rmdir(dir);
}

static void setup_once(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[4200];

	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "%s/ap_fuzz_info_XXXXXX", tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	atexit(cleanup);
	path_of(path, sizeof(path), "FRAMEWORK");
	FUZZ_CHECK(mkdir(path, 0755) == 0);
	path_of(path, sizeof(path), PROF);
	FUZZ_CHECK(mkdir(path, 0755) == 0);
	path_of(path, sizeof(path), PROF "/host");
	FUZZ_CHECK(mkdir(path, 0755) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ap_pt_dump d;
	struct ap_diag diag;
	struct ap_err err = AP_ERR_INIT;
	int r;

	if (size < 1)
		return 0;
	setup_once();
	if (data[0] & 1) {
		put("profiler_info_0.json", (const uint8_t *)info_ok, sizeof(info_ok) - 1);
		put(PROF "/host/start_info", data + 1, size - 1);
	} else {
		char path[4200];

		put("profiler_info_0.json", data + 1, size - 1);
		path_of(path, sizeof(path), PROF "/host/start_info");
		unlink(path);
	}
	ap_diag_init(&diag);
	r = ap_pt_open(&d, dir, &diag, &err);
	if (r < 0) {
		FUZZ_CHECK(err.code < 0);
		FUZZ_CHECK(ap_err_text(&err)[0] != '\0');
	} else {
		FUZZ_CHECK(!d.tc.syscnt || (isfinite(d.tc.factor) && d.tc.factor > 0));
		FUZZ_CHECK(d.cfg.rank_id >= -1);
	}
	ap_pt_release(&d);
	ap_diag_release(&diag);
	ap_err_release(&err);
	return 0;
}
