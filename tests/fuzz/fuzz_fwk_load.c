/*
 * fuzz_fwk_load.c — the FRAMEWORK directory loader (lib/formats/framework/fwk_load.c) on arbitrary
 * file contents. Each input becomes one file in a private temp dir, then ap_fwk_load runs on the dir.
 *
 * Input: byte 0 is a selector, the rest is the file content.
 *   bits 0-2  which file: torch.op_range, torch.op_mark, torch.memory_usage, torch.python_tracer_func,
 *             torch.python_tracer_hash, torch.param_tensor_info, torch.gc_record, torch.python_func_call
 *   bits 3-4  1, 2, 3: also write a torch.op_range of one small record of that generation (§3.10), so
 *             that the other files are decoded in each TLV numbering; 0: none (ignored for op_range)
 *   bit  7    time conversion with the system counter (§4 step A), else monotonic ns; both add a
 *             realistic local_diff (step B)
 *
 * Invariants beyond "no crash, no leak": ap_fwk_load returns 0; the generation is 1..3; every interned
 * string the model holds is valid UTF-8 (invalid input must become "N/A"); every diagnostic names its
 * 'FRAMEWORK/<file>'; a TLV file yields at most one record per 6 bytes; a fixed-size file yields every
 * whole record but its all-zero ones, which are data loss.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/diag.h"
#include "ap/err.h"
#include "ap/fwk.h"
#include "ap/fwk_load.h"
#include "ap/host.h"
#include "ap/strtab.h"
#include "ap/timeconv.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

static const char *const files[8] = {
	"torch.op_range",           "torch.op_mark",           "torch.memory_usage",
	"torch.python_tracer_func", "torch.python_tracer_hash", "torch.param_tensor_info",
	"torch.gc_record",          "torch.python_func_call",
};

static char dir[4096];

static void remove_files(void)
{
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char path[4200];

		if (snprintf(path, sizeof(path), "%s/%s", dir, files[i]) < (int)sizeof(path))
			unlink(path);
	}
}

static void cleanup(void)
{
	if (dir[0]) {
		remove_files();
		rmdir(dir);
	}
}

static void make_dir(void)
{
	const char *t = getenv("TMPDIR");

	if (snprintf(dir, sizeof(dir), "%s/ap_fuzz_fwk_load_XXXXXX", t && *t ? t : "/tmp") >=
		    (int)sizeof(dir) ||
	    !mkdtemp(dir)) {
		fprintf(stderr, "fuzz_fwk_load: mkdtemp '%s': %s\n", dir, strerror(errno));
		abort();
	}
	atexit(cleanup);
}

static void put(const char *name, const uint8_t *p, size_t len)
{
	char path[4200];
	FILE *o;

	FUZZ_CHECK(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	o = fopen(path, "wb");
	FUZZ_CHECK(o != NULL);
	FUZZ_CHECK(len == 0 || fwrite(p, 1, len, o) == len);
	FUZZ_CHECK(fclose(o) == 0);
}

static void check_str(const struct ap_strtab *t, uint32_t id)
{
	if (id == AP_STR_NONE)
		return;
	FUZZ_CHECK(id < t->n);
	FUZZ_CHECK(ap_utf8_valid(t->str[id], t->len[id]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* freq 50 MHz; a monotonic clock a few hours after boot; wall clock in 2024 */
	static const struct ap_timeconv syscnt = { 1, 20.0, 123456789012LL, 98765432100LL,
						   1732600000000000000LL };
	static const struct ap_timeconv mono = { 0, 1.0, 0, 0, 1732600000000000000LL };
	struct ap_err e = AP_ERR_INIT;
	struct ap_host h;
	struct ap_diag d;
	uint8_t comp[AP_FWK_TLV_HDR + AP_FWK_OP_RANGE_FIXED + AP_FWK_TLV_HDR + 1];
	unsigned sel, kind, gen;
	size_t i, len;
	int r;

	if (size < 1)
		return 0;
	if (!dir[0])
		make_dir();
	sel = data[0];
	kind = sel & 7;
	gen = (sel >> 3) & 3;
	data++;
	len = size - 1;

	put(files[kind], data, len);
	if (gen && kind != 0)
		put(files[0], comp, fuzz_companion_op_range((int)gen, comp));

	if (ap_host_init(&h) < 0) {
		remove_files();
		return 0;
	}
	ap_diag_init(&d);
	r = ap_fwk_load(dir, sel & 0x80 ? &syscnt : &mono, &h, &d, &e);
	FUZZ_CHECK(r == 0 || r == AP_ENOMEM);
	if (r == 0) {
		FUZZ_CHECK(h.gen >= AP_FWK_GEN1 && h.gen <= AP_FWK_GEN3);
		if (gen && kind != 0)
			FUZZ_CHECK(h.gen == (int)gen);
		for (i = 0; i < h.ops.n; i++) {
			check_str(&h.strs, h.ops.v[i].name);
			check_str(&h.strs, h.ops.v[i].input_type);
			check_str(&h.strs, h.ops.v[i].input_dims);
			check_str(&h.strs, h.ops.v[i].call_stack);
			check_str(&h.strs, h.ops.v[i].module);
			check_str(&h.strs, h.ops.v[i].flops);
			FUZZ_CHECK(h.ops.v[i].name != AP_STR_NONE);
		}
		for (i = 0; i < h.marks.n; i++) {
			check_str(&h.strs, h.marks.v[i].name);
			FUZZ_CHECK(h.marks.v[i].cat <= AP_DEQUEUE_END);
		}
		for (i = 0; i < h.pyhash.n; i++)
			check_str(&h.strs, h.pyhash.v[i].value);
		if (kind == 0)
			FUZZ_CHECK(h.ops.n <= len / AP_FWK_TLV_HDR);
		if (kind == 1)
			FUZZ_CHECK(h.marks.n <= len / AP_FWK_TLV_HDR);
		if (kind == 2)
			FUZZ_CHECK(h.mems.n <= len / AP_FWK_TLV_HDR);
		/* fixed-size files: every whole record, but for all-zero ones (data loss) */
		if (kind == 3)
			FUZZ_CHECK(h.pyrecs.n == len / AP_FWK_TRACER_FUNC_SIZE ||
				   (h.pyrecs.n < len / AP_FWK_TRACER_FUNC_SIZE &&
				    ap_diag_worst(&d) == AP_DIAG_DATA_LOSS));
		if (kind == 6)
			FUZZ_CHECK(h.gcs.n == len / AP_FWK_GC_SIZE ||
				   (h.gcs.n < len / AP_FWK_GC_SIZE &&
				    ap_diag_worst(&d) == AP_DIAG_DATA_LOSS));
		if (kind == 7)
			FUZZ_CHECK(ap_diag_worst(&d) == AP_DIAG_DATA_LOSS);
		for (i = 0; i < d.n; i++)
			FUZZ_CHECK(strstr(d.v[i].first.buf, "'FRAMEWORK/") != NULL);
	}
	ap_err_release(&e);
	ap_diag_release(&d);
	ap_host_release(&h);
	remove_files();
	return 0;
}
