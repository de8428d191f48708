/* msprof's analyze/communication.json and communication_matrix.json of an exported PROF_* dir
 * (spec torch_npu_ascend_pt.md §6.6, §8.7) into the tables of ap/commview.h, which torch_npu's
 * split by step (ap_comm_by_step) and the writer take from there. torch_npu copies every
 * op entry verbatim; the writer prints the keys of §6.6 in msprof's order, so only files of
 * exactly that shape are taken: anything else is reported, not guessed at. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_timeline.h"
#include "ap/file.h"
#include "ap/fmt.h"
#include "../../base/banned.h"

#define ANALYZE_DIR "analyze"

static const char *const time_keys[8] = {
	"Start Timestamp(us)", "Elapse Time(ms)", "Transit Time(ms)", "Wait Time(ms)",
	"Synchronization Time(ms)", "Idle Time(ms)", "Wait Time Ratio",
	"Synchronization Time Ratio",
};
static const char *const bw_keys[5] = {
	"Transit Size(MB)", "Transit Time(ms)", "Bandwidth(GB/s)", "Large Packet Ratio",
	"Size Distribution",
};
static const char *const link_keys[4] = {
	"Transport Type", "Transit Size(MB)", "Transit Time(ms)", "Bandwidth(GB/s)",
};

/* Where a shape check failed: the file and the op key, for the message. */
struct ctx {
	struct ap_comm *c;
	const char *shown;
	const char *op;
	const char *why;
};

/* 1 when o is an object whose keys are exactly keys[0..n), in that order. */
static int keys_are(const json_t *o, const char *const *keys, size_t n)
{
	const char *k;
	json_t *v;
	size_t i = 0;

	if (!json_is_object(o) || json_object_size(o) != n)
		return 0;
	json_object_foreach((json_t *)o, k, v) {
		(void)v;
		if (strcmp(k, keys[i++]))
			return 0;
	}
	return 1;
}

static int pynum(const json_t *v, struct ap_pynum *out)
{
	if (!json_is_number(v))
		return -1;
	out->isf = json_is_real(v);
	out->v = json_number_value(v);
	return 0;
}

/* A "Size Distribution" key printed back as Python prints the float it was made from. */
static int size_key(const char *k, double *out)
{
	char b[AP_FMT_MAX], *end;
	double x = strtod(k, &end);

	if (end == k || *end)
		return -1;
	ap_fmt_double(b, x);
	if (strcmp(b, k))
		return -1;
	*out = x;
	return 0;
}

static int bandwidth(struct ctx *x, const json_t *info, struct ap_comm_op *op)
{
	const char *k;
	json_t *v;
	int t = 0;

	if (json_object_size(info) != AP_COMM_NTRANSPORT)
		return x->why = "\"Communication Bandwidth Info\" does not list msprof's five transports", 1;
	json_object_foreach((json_t *)info, k, v) {
		struct ap_comm_bw *w = &op->bw[t];
		const char *sk;
		json_t *sv;

		if (strcmp(k, ap_comm_transport_name(t)) || !keys_are(v, bw_keys, 5) ||
		    pynum(json_object_get(v, bw_keys[0]), &w->size_mb) < 0 ||
		    pynum(json_object_get(v, bw_keys[1]), &w->time_ms) < 0 ||
		    pynum(json_object_get(v, bw_keys[2]), &w->bw) < 0 ||
		    pynum(json_object_get(v, bw_keys[3]), &w->large_ratio) < 0)
			return x->why = "a transport of \"Communication Bandwidth Info\" is not msprof's", 1;
		w->bin = (uint32_t)x->c->bins.n;
		json_object_foreach(json_object_get(v, bw_keys[4]), sk, sv) {
			struct ap_comm_bin *b = ap_vec_push(&x->c->bins);

			if (!b)
				return AP_ENOMEM;
			if (size_key(sk, &b->size_mb) < 0 || json_array_size(sv) != 2 ||
			    pynum(json_array_get(sv, 0), &b->count) < 0 ||
			    pynum(json_array_get(sv, 1), &b->time_ms) < 0)
				return x->why = "a \"Size Distribution\" entry is not \"<size>\": [count, time]", 1;
		}
		w->nbins = (uint32_t)(x->c->bins.n - w->bin);
		t++;
	}
	return 0;
}

static int one_op(struct ctx *x, const char *key, const json_t *v)
{
	const json_t *ti = json_object_get(v, "Communication Time Info");
	const json_t *bi = json_object_get(v, "Communication Bandwidth Info");
	struct ap_comm_op *op = ap_vec_push(&x->c->ops);
	struct ap_pynum start;
	int k, bad = 0;

	if (!op)
		return AP_ENOMEM;
	x->op = key;
	op->key = ap_strtab_intern(&x->c->strs, key, strlen(key), &bad);
	if (op->key == AP_STR_NONE)
		return AP_ENOMEM;
	op->timed = 1;
	if (!json_is_object(v) || json_object_size(v) != 2 || !ti || !json_is_object(bi))
		return x->why = "not an object of \"Communication Time Info\" and \"Communication Bandwidth Info\"", 1;
	/* an integer start is printed as a float: msprof writes one only in its "Total HCCL
	 * Operators" entry, which torch_npu drops */
	if (!keys_are(ti, time_keys, 8) || pynum(json_object_get(ti, time_keys[0]), &start) < 0)
		return x->why = "\"Communication Time Info\" does not hold msprof's eight numbers", 1;
	op->start_us = start.v;
	for (k = 0; k < 7; k++)
		if (pynum(json_object_get(ti, time_keys[k + 1]), &op->time[k]) < 0)
			return x->why = "\"Communication Time Info\" does not hold msprof's eight numbers", 1;
	return bandwidth(x, bi, op);
}

struct opidx {
	uint32_t key, idx;
};

static int cmp_opidx(const void *a, const void *b)
{
	const struct opidx *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

static int transport_code(const json_t *v, int8_t *out)
{
	int c;

	if (json_is_null(v)) {
		*out = -1;
		return 0;
	}
	for (c = 0; c < 5 && json_is_string(v); c++)
		if (!strcmp(json_string_value(v), ap_comm_matrix_transport_name(c))) {
			*out = (int8_t)c;
			return 0;
		}
	return -1;
}

/* The matrix entries of the ops of communication.json, in op order (links of an op are
 * contiguous); entries of other keys are not kept. */
static int matrix(struct ctx *x, const json_t *root)
{
	struct ap_comm *c = x->c;
	struct opidx *ix = malloc((c->ops.n ? c->ops.n : 1) * sizeof(*ix));
	const json_t **of = calloc(c->ops.n ? c->ops.n : 1, sizeof(*of));
	const char *k;
	json_t *v;
	size_t i;
	int ret = 0;

	if (!ix || !of) {
		ret = AP_ENOMEM;
		goto out;
	}
	for (i = 0; i < c->ops.n; i++) {
		ix[i].key = c->ops.v[i].key;
		ix[i].idx = (uint32_t)i;
	}
	qsort(ix, c->ops.n, sizeof(*ix), cmp_opidx);
	json_object_foreach((json_t *)root, k, v) {
		int bad = 0;
		struct opidx key, *hit;

		x->op = k;
		if (!json_is_object(v)) {
			x->why = "an op entry is not an object of links";
			ret = 1;
			goto out;
		}
		key.key = ap_strtab_intern(&c->strs, k, strlen(k), &bad);
		if (key.key == AP_STR_NONE) {
			ret = AP_ENOMEM;
			goto out;
		}
		hit = bsearch(&key, ix, c->ops.n, sizeof(*ix), cmp_opidx);
		if (hit && !of[hit->idx])
			of[hit->idx] = v;
	}
	for (i = 0; i < c->ops.n && ret == 0; i++) {
		struct ap_comm_op *op = &c->ops.v[i];
		const char *lk;
		json_t *lv;

		op->link = (uint32_t)c->links.n;
		x->op = ap_strtab_get(&c->strs, op->key);
		json_object_foreach((json_t *)of[i], lk, lv) {
			struct ap_comm_link *l = ap_vec_push(&c->links);
			int bad = 0;

			if (!l) {
				ret = AP_ENOMEM;
				break;
			}
			l->op_name = AP_STR_NONE;
			l->key = ap_strtab_intern(&c->strs, lk, strlen(lk), &bad);
			if (l->key == AP_STR_NONE) {
				ret = AP_ENOMEM;
				break;
			}
			if (!keys_are(lv, link_keys, 4) ||
			    transport_code(json_object_get(lv, link_keys[0]), &l->transport) < 0 ||
			    pynum(json_object_get(lv, link_keys[1]), &l->size_mb) < 0 ||
			    pynum(json_object_get(lv, link_keys[2]), &l->time_ms) < 0 ||
			    pynum(json_object_get(lv, link_keys[3]), &l->bw) < 0) {
				x->why = "a link is not msprof's {Transport Type, Transit Size(MB), Transit Time(ms), Bandwidth(GB/s)}";
				ret = 1;
				break;
			}
		}
		op->nlinks = (uint32_t)(c->links.n - op->link);
	}
out:
	free(ix);
	free(of);
	return ret;
}

/* Parses prof/analyze/name: NULL with nothing reported when it does not exist; NULL with
 * data loss in diag when it is not a JSON object (*bad set). */
static json_t *load(const char *prof, const char *pname, const char *name, struct ap_diag *diag,
		    int *bad, int *nomem)
{
	struct ap_strbuf path = AP_STRBUF_INIT, sb = AP_STRBUF_INIT;
	struct ap_err e = AP_ERR_INIT;
	json_error_t je;
	json_t *root = NULL;

	ap_strbuf_addf(&path, "%s/%s/%s", prof, ANALYZE_DIR, name);
	if (path.failed) {
		*nomem = 1;
		goto out;
	}
	if (!ap_path_exists(path.buf))
		goto out;
	if (ap_file_read_all(path.buf, SIZE_MAX / 2, &sb, &e) < 0) {
		if (e.code == AP_ENOMEM)
			*nomem = 1;
		else
			ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-analyze", "%s", ap_err_text(&e));
		*bad = 1;
		goto out;
	}
	root = json_loadb(sb.buf, sb.len, 0, &je);
	if (!root) {
		size_t off = (size_t)je.position;

		if (off > 0 && off < sb.len)
			off--;
		ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-analyze",
			       "'%s/%s/%s': malformed JSON at byte offset %zu (line %d): %s: no communication.json or communication_matrix.json",
			       pname, ANALYZE_DIR, name, off, je.line, je.text);
		*bad = 1;
	} else if (!json_is_object(root)) {
		ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-analyze",
			       "'%s/%s/%s': not a JSON object: no communication.json or communication_matrix.json",
			       pname, ANALYZE_DIR, name);
		json_decref(root);
		root = NULL;
		*bad = 1;
	}
out:
	ap_strbuf_release(&path);
	ap_strbuf_release(&sb);
	ap_err_release(&e);
	return root;
}

int ap_cann_analyze_load(const char *prof, struct ap_comm **out, struct ap_diag *diag,
			 struct ap_err *err)
{
	const char *pname = strrchr(prof, '/');
	json_t *comm = NULL, *mat = NULL;
	struct ctx x;
	const char *k;
	json_t *v;
	int bad = 0, nomem = 0, ret = 0;

	*out = NULL;
	pname = pname ? pname + 1 : prof;
	memset(&x, 0, sizeof(x));
	comm = load(prof, pname, "communication.json", diag, &bad, &nomem);
	if (!bad && !nomem)
		mat = load(prof, pname, "communication_matrix.json", diag, &bad, &nomem);
	if (nomem) {
		ret = AP_ENOMEM;
		goto out;
	}
	if (bad || !comm)
		goto out;
	x.c = calloc(1, sizeof(*x.c));
	if (!x.c || ap_comm_init(x.c) < 0) {
		free(x.c);
		x.c = NULL;
		ret = AP_ENOMEM;
		goto out;
	}
	x.shown = "communication.json";
	json_object_foreach(comm, k, v) {
		ret = one_op(&x, k, v);
		if (ret)
			break;
	}
	if (ret == 0 && mat) {
		x.shown = "communication_matrix.json";
		ret = matrix(&x, mat);
	}
	if (ret == 1)
		ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-analyze",
			       "'%s/%s/%s': op '%s': %s (§6.6): no communication.json or communication_matrix.json",
			       pname, ANALYZE_DIR, x.shown, x.op, x.why);
	if (ret == 0) {
		*out = x.c;
		x.c = NULL;
	}
	ret = ret == AP_ENOMEM ? AP_ENOMEM : 0;
out:
	if (x.c) {
		ap_comm_release(x.c);
		free(x.c);
	}
	json_decref(comm);
	json_decref(mat);
	if (ret == AP_ENOMEM)
		ap_err_set(err, AP_ENOMEM, "'%s/%s': out of memory", pname, ANALYZE_DIR);
	return ret;
}
