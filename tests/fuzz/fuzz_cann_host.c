/*
 * fuzz_cann_host.c — the CANN host loader (lib/formats/cann/, ap_cann_host_load) and the host flip pass
 * (lib/analysis/an_cann_flip.c) on arbitrary slice contents. Each input becomes up to four slices of
 * PROF_fuzz/host/data/ in a private temp dir (TMPDIR=/dev/shm for speed), then the loader runs on it.
 *
 * Input: up to four sections, each `kind:u8 length:u16le bytes[length]`; a length past the end is cut to
 * what is left, bytes after the fourth section are ignored. kind % 20 names the slice (table `files`
 * below): dictionaries, api_event (two slices, so that events pair across files), every decoded compact
 * and additional kind (tensor_info in two slices), an unknown compact type and a known unused one. A kind
 * seen again appends to its slice.
 *
 * Invariants beyond "no crash, no leak": the loader returns 0 (or AP_ENOMEM); every fixed-size slice's
 * records + skipped equals its whole records plus one for a cut tail; tensor and context-id ranges lie
 * inside their arrays and the ops' tensors tile the tensor array; track dataLen is 16..40 with extInfo
 * exactly at 40; every dictionary string is valid UTF-8; every hccl_info / hccl_op_info record's file and
 * offset name a whole record of its file; every diagnostic names 'PROF_fuzz/host/data';
 * ap_cann_flip_assign returns 0 on the tracks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap/cann_flip.h"
#include "ap/cann_host.h"
#include "ap/cann_host_load.h"
#include "ap/cann_rec.h"
#include "ap/diag.h"
#include "ap/err.h"
#include "ap/strtab.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

#define NFILES 20
static const char *const files[NFILES] = {
	"unaging.additional.hash_dic.slice_0",
	"unaging.additional.type_info_dic.slice_0",
	"unaging.api_event.data.slice_0",
	"aging.api_event.data.slice_1",
	"aging.compact.task_track.slice_0",
	"aging.compact.task_track_v2.slice_0",
	"unaging.compact.node_basic_info.slice_0",
	"aging.compact.node_attr_info.slice_0",
	"aging.compact.hccl_op_info.slice_0",
	"aging.compact.memcpy_info.slice_0",
	"aging.compact.capture_stream_info.slice_0",
	"aging.compact.expand_stream_spec.slice_0",
	"aging.additional.tensor_info.slice_0",
	"aging.additional.tensor_info.slice_1",
	"aging.additional.context_id_info.slice_0",
	"aging.additional.hccl_info.slice_0",
	"aging.additional.graph_id_map.slice_0",
	"aging.additional.fusion_op_info.slice_0",
	"aging.compact.fuzz_unknown.slice_0",
	"aging.compact.dpu_track.slice_0",
};

static char root[4096], host[4300], data[4400];

static void remove_files(void)
{
	size_t i;

	for (i = 0; i < NFILES; i++) {
		char path[4600];

		if (snprintf(path, sizeof(path), "%s/%s", data, files[i]) < (int)sizeof(path))
			unlink(path);
	}
}

static void cleanup(void)
{
	char prof[4200];

	if (!root[0])
		return;
	remove_files();
	rmdir(data);
	rmdir(host);
	snprintf(prof, sizeof(prof), "%s/PROF_fuzz", root);
	rmdir(prof);
	rmdir(root);
}

static void make_dirs(void)
{
	const char *t = getenv("TMPDIR");
	char prof[4200];

	if (snprintf(root, sizeof(root), "%s/ap_fuzz_cann_host_XXXXXX", t && *t ? t : "/tmp") >=
		    (int)sizeof(root) ||
	    !mkdtemp(root)) {
		fprintf(stderr, "fuzz_cann_host: mkdtemp '%s': %s\n", root, strerror(errno));
		abort();
	}
	atexit(cleanup);
	snprintf(prof, sizeof(prof), "%s/PROF_fuzz", root);
	snprintf(host, sizeof(host), "%s/host", prof);
	snprintf(data, sizeof(data), "%s/data", host);
	FUZZ_CHECK(mkdir(prof, 0700) == 0 && mkdir(host, 0700) == 0 && mkdir(data, 0700) == 0);
}

static void append(unsigned k, const uint8_t *p, size_t len)
{
	char path[4600];
	FILE *o;

	FUZZ_CHECK(snprintf(path, sizeof(path), "%s/%s", data, files[k]) < (int)sizeof(path));
	o = fopen(path, "ab");
	FUZZ_CHECK(o != NULL);
	FUZZ_CHECK(len == 0 || fwrite(p, 1, len, o) == len);
	FUZZ_CHECK(fclose(o) == 0);
}

static size_t record_size(int fam)
{
	return fam == AP_CANN_FAM_API ? AP_CANN_API_SIZE
	       : fam == AP_CANN_FAM_COMPACT ? AP_CANN_COMPACT_SIZE
	       : fam == AP_CANN_FAM_ADDITIONAL ? AP_CANN_ADDITIONAL_SIZE
					       : 0;
}

static void check_map(const struct ap_cann_host *h, const struct ap_u64map *m)
{
	size_t i;

	for (i = 0; m->v && i <= m->mask; i++) {
		uint32_t id;

		if (!m->v[i].used)
			continue;
		id = m->v[i].val;
		FUZZ_CHECK(id != AP_STR_NONE && id < h->strs.n);
		FUZZ_CHECK(ap_utf8_valid(h->strs.str[id], h->strs.len[id]));
	}
}

static void check(const struct ap_cann_host *h, const struct ap_diag *d)
{
	size_t i, at = 0;

	for (i = 0; i < h->files.n; i++) {
		const struct ap_cann_file *f = &h->files.v[i];
		size_t sz = record_size(f->family);

		if (!sz || !strcmp(ap_strtab_get(&h->strs, f->name), files[18]) ||
		    !strcmp(ap_strtab_get(&h->strs, f->name), files[19]))
			continue; /* dictionaries, and slices skipped whole */
		FUZZ_CHECK(f->records + f->skipped == f->size / sz + (f->size % sz != 0));
	}
	for (i = 0; i < h->tensor_ops.n; i++) {
		const struct ap_cann_tensor_op *t = &h->tensor_ops.v[i];

		FUZZ_CHECK((uint64_t)t->first + t->count <= h->tensors.n);
		if (t->count) {
			FUZZ_CHECK(t->first == at);
			at += t->count;
		}
	}
	FUZZ_CHECK(at == h->tensors.n);
	for (i = 0; i < h->ctxs.n; i++) {
		FUZZ_CHECK((uint64_t)h->ctxs.v[i].first + h->ctxs.v[i].count <= h->ctx_ids.n);
		FUZZ_CHECK(h->ctxs.v[i].count <= AP_CANN_CTX_MAX);
	}
	for (i = 0; i < h->tracks.n; i++) {
		const struct ap_cann_track *t = &h->tracks.v[i];

		FUZZ_CHECK(t->data_len >= 16 && t->data_len <= 40);
		FUZZ_CHECK(t->has_ext == (t->data_len == 40));
		FUZZ_CHECK(t->data_len >= 24 || t->kernel_name == 0);
	}
	for (i = 0; i < h->apis.n; i++) {
		FUZZ_CHECK(h->apis.v[i].begin != 0);
		FUZZ_CHECK(h->apis.v[i].file < h->files.n);
	}
	for (i = 0; i < h->fusions.n; i++)
		FUZZ_CHECK(h->fusions.v[i].fusion_op_num <= AP_CANN_FUSION_MAX);
	/* the HCCL diagnostics' file and offset: a whole record of an hccl file */
	for (i = 0; i < h->hccl_infos.n; i++) {
		const struct ap_cann_hccl_info *x = &h->hccl_infos.v[i];

		FUZZ_CHECK(x->file < h->files.n && x->off % AP_CANN_ADDITIONAL_SIZE == 0 &&
			   x->off + AP_CANN_ADDITIONAL_SIZE <= h->files.v[x->file].size);
		FUZZ_CHECK(strstr(ap_strtab_get(&h->strs, h->files.v[x->file].name), "hccl_info"));
	}
	for (i = 0; i < h->hccl_ops.n; i++) {
		const struct ap_cann_hccl_op *x = &h->hccl_ops.v[i];

		FUZZ_CHECK(x->file < h->files.n && x->off % AP_CANN_COMPACT_SIZE == 0 &&
			   x->off + AP_CANN_COMPACT_SIZE <= h->files.v[x->file].size);
		FUZZ_CHECK(strstr(ap_strtab_get(&h->strs, h->files.v[x->file].name), "hccl_op_info"));
	}
	check_map(h, &h->hash);
	check_map(h, &h->types);
	for (i = 0; i < d->n; i++)
		FUZZ_CHECK(strstr(d->v[i].first.buf, "PROF_fuzz/host/data") != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct ap_err e = AP_ERR_INIT;
	struct ap_cann_host h;
	struct ap_diag d;
	size_t pos = 0;
	int s, r;

	if (!root[0])
		make_dirs();
	for (s = 0; s < 4 && size - pos >= 3; s++) {
		unsigned k = in[pos] % NFILES;
		size_t len = (size_t)in[pos + 1] | (size_t)in[pos + 2] << 8;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		append(k, in + pos, len);
		pos += len;
	}
	if (ap_cann_host_init(&h) < 0) {
		remove_files();
		return 0;
	}
	ap_diag_init(&d);
	r = ap_cann_host_load(host, &h, &d, &e);
	FUZZ_CHECK(r == 0 || r == AP_ENOMEM);
	if (r == 0) {
		check(&h, &d);
		FUZZ_CHECK(ap_cann_flip_assign(h.tracks.v, h.tracks.n, &e) == 0);
	}
	ap_err_release(&e);
	ap_diag_release(&d);
	ap_cann_host_release(&h);
	remove_files();
	return 0;
}
