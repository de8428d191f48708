/* The raw data of a PROF_* dir, decoded without msprof (spec cann_prof_raw.md §1-§3): host
 * slices and each device_N's slices loaded and placed on their clocks, host and device tasks
 * joined, and the result formatted as the tables msprof would have exported, plus the links
 * torch_npu credits to torch ops (CONVENTIONS §4 for what is data loss). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ap/cann_host_load.h"
#include "ap/cann_flip.h"
#include "ap/cann_dev_load.h"
#include "ap/cann_join.h"
#include "ap/cann_meta.h"
#include "ap/cann_pair.h"
#include "ap/cann_tables.h"
#include "ap/comm.h"
#include "ap/file.h"
#include "ap/overlap_an.h"
#include "pipeline_local.h"
#include "../base/banned.h"

#define MAX_DEVICES 64

/* What one decoding task reports: its own diag and error, combined afterwards in a fixed
 * order (host, then devices by number) so that the output is the same for any thread count. */
struct unit {
	struct ap_diag diag;
	struct ap_err err;
	int ret;
};

/* One device_N dir: its side files, decoded logs and paired tasks. */
struct dev {
	int id;
	char name[32];         /* "device_N" */
	struct ap_cann_meta meta;
	struct ap_cann_dev dev;
	struct ap_cann_tasks tasks;
	struct ap_cann_clock clock;
	int placed;            /* on the clock and loaded */
	int slices;            /* its data/ holds slices (placed or not) */
	struct unit u;
};

struct raw {
	const char *prof;
	const char *shown;     /* the PROF dir's name, for messages */
	struct ap_cann_meta host_meta;
	struct ap_cann_clock host_clock;
	int host_placed;
	int host_slices;       /* host/data holds slices (placed or not) */
	struct unit hu;
	struct ap_cann_host host;
	struct dev devs[MAX_DEVICES];
	int ndev;
	struct ap_cann_view view;
	struct ap_cann_join_stats st;
};

/* The device_N dirs of prof, by N. */
static int list_devices(struct raw *w, struct ap_err *err)
{
	struct ap_strlist l = { 0 };
	size_t i;

	AP_FORWARD_IF_ERROR(ap_dir_list(w->prof, &l, err));
	for (i = 0; i < l.n && w->ndev < MAX_DEVICES; i++) {
		const char *s = l.v[i];
		char *end;
		long id;

		if (strncmp(s, "device_", 7) || s[7] < '0' || s[7] > '9')
			continue;
		id = strtol(s + 7, &end, 10);
		if (*end || id < 0 || id > 4095)
			continue;
		w->devs[w->ndev].id = (int)id;
		memcpy(w->devs[w->ndev].name, s, strlen(s) < 31 ? strlen(s) + 1 : 31);
		w->devs[w->ndev].name[31] = '\0';
		w->ndev++;
	}
	ap_strlist_release(&l);
	/* by device number, not name: device_10 after device_2 */
	for (i = 1; i < (size_t)w->ndev; i++) {
		struct dev t = w->devs[i];
		size_t j = i;

		while (j > 0 && w->devs[j - 1].id > t.id) {
			w->devs[j] = w->devs[j - 1];
			j--;
		}
		w->devs[j] = t;
	}
	return 0;
}

static int has_slices(const char *data_dir)
{
	struct ap_strlist l = { 0 };
	struct ap_err e = AP_ERR_INIT;
	size_t i;
	int any = 0;

	if (ap_path_is_dir(data_dir) != 1)
		return 0;
	if (ap_dir_list(data_dir, &l, &e) == 0)
		for (i = 0; i < l.n && !any; i++)
			any = strstr(l.v[i], "slice_") != NULL;
	ap_strlist_release(&l);
	ap_err_release(&e);
	return any;
}

/* Loads the host side: side files and clock, then host/data. A clock that cannot be built
 * leaves the host data off the clock: data loss, and no join. */
static int load_host(struct raw *w, struct unit *r)
{
	struct ap_err e = AP_ERR_INIT;
	char *dir = ap_path_join(w->prof, "host"), *data = NULL;
	int ret = AP_ENOMEM;

	if (!dir)
		goto out;
	ret = ap_cann_meta_load(&w->host_meta, dir, "host", -1, &r->err);
	if (ret < 0)
		goto out;
	data = ap_path_join(dir, "data");
	if (!data) {
		ret = AP_ENOMEM;
		goto out;
	}
	w->host_slices = has_slices(data);
	if (!w->host_slices) {
		ret = 0;
		goto out;
	}
	if (ap_cann_clock_host(&w->host_clock, &w->host_meta, &e) < 0) {
		ap_diag_report(&r->diag, AP_DIAG_DATA_LOSS, "cann-host-clock",
			       "'%s/host': %s: its host data is not placed on the clock and not analysed",
			       w->shown, ap_err_text(&e));
		ret = 0;
		goto out;
	}
	ret = ap_cann_host_load(dir, &w->host, &r->diag, &r->err);
	if (ret < 0)
		goto out;
	ret = ap_cann_flip_assign(w->host.tracks.v, w->host.tracks.n, &r->err);
	w->host_placed = ret == 0;
out:
	if (ret == AP_ENOMEM && r->err.code == AP_OK)
		ap_err_set(&r->err, AP_ENOMEM, "out of memory");
	ap_err_release(&e);
	free(dir);
	free(data);
	return ret;
}

/* Loads one device_N: side files, clock, data slices, pairing. */
static int load_device(struct raw *w, struct dev *d, struct unit *r)
{
	struct ap_err e = AP_ERR_INIT;
	struct ap_cann_dev_opts opts;
	struct ap_strbuf shown = AP_STRBUF_INIT;
	char *dir = ap_path_join(w->prof, d->name), *data = NULL;
	char chip[64];
	int ret = AP_ENOMEM;

	if (!dir)
		goto out;
	ret = ap_cann_meta_load(&d->meta, dir, d->name, d->id, &r->err);
	if (ret < 0)
		goto out;
	data = ap_path_join(dir, "data");
	if (!data) {
		ret = AP_ENOMEM;
		goto out;
	}
	ret = 0;
	d->slices = has_slices(data);
	if (!d->slices)
		goto out;
	ap_strbuf_addf(&shown, "%s/%s", w->shown, d->name);
	if (ap_cann_clock_device(&d->clock, &d->meta, &e) < 0) {
		ap_diag_report(&r->diag, AP_DIAG_DATA_LOSS, "cann-device-clock",
			       "'%s': %s: its device data is not placed on the clock and not analysed",
			       shown.buf, ap_err_text(&e));
		goto out;
	}
	memset(&opts, 0, sizeof(opts));
	opts.expand = 0; /* decoded again with the host's flag once both are loaded */
	opts.shown = shown.buf;
	opts.chip = ap_cann_chip_describe(&d->meta.info, chip, sizeof(chip));
	ret = ap_cann_dev_load(&d->dev, data, ap_cann_chip_logs(d->meta.info.platform_version),
			       &opts, &r->diag, &e);
	if (ret < 0) {
		if (ret == AP_ENOMEM) {
			ap_err_set(&r->err, AP_ENOMEM, "%s", ap_err_text(&e));
			goto out;
		}
		/* an unsupported chip or an unreadable dir fails this device alone */
		ap_diag_report(&r->diag, AP_DIAG_DATA_LOSS, "cann-device-load", "%s",
			       ap_err_text(&e));
		ret = 0;
		goto out;
	}
	d->placed = 1;
out:
	ap_err_release(&e);
	ap_strbuf_release(&shown);
	free(dir);
	free(data);
	return ret;
}

/* Pairs a loaded device's logs (§3.5.2) after decoding its ids with the host's
 * stream-expansion flag (§3.1.3). */
static int pair_device(struct raw *w, struct dev *d, struct unit *r)
{
	struct ap_cann_pair_stats ps;
	int ret;

	memset(&ps, 0, sizeof(ps));
	if (w->host.expand_stream)
		ap_cann_dev_set_expand(&d->dev, w->host.expand_stream);
	ret = ap_cann_pair(&d->dev, &d->tasks, &ps, &r->err);
	if (ret < 0)
		return ret;
	if (ps.unmatched_start || ps.unmatched_end)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "cann-unpaired",
			       "'%s/%s': %llu task start%s and %llu task end%s without a partner dropped",
			       w->shown, d->name, (unsigned long long)ps.unmatched_start,
			       ps.unmatched_start == 1 ? "" : "s",
			       (unsigned long long)ps.unmatched_end, ps.unmatched_end == 1 ? "" : "s");
	return 0;
}

/* Decodes host and devices as independent tasks (CONVENTIONS §6), pairs each device, and
 * combines the reports in a fixed order into r. Returns 0 or the first failure's status
 * (host first, then devices by number) with r->err set. */
static int load_all(struct raw *w, struct ap_analyse_result *r)
{
	int i, ret = 0;

#ifdef _OPENMP
#pragma omp task shared(w)
#endif
	w->hu.ret = load_host(w, &w->hu);
	for (i = 0; i < w->ndev; i++) {
		struct dev *d = &w->devs[i];

#ifdef _OPENMP
#pragma omp task firstprivate(d) shared(w)
#endif
		d->u.ret = load_device(w, d, &d->u);
	}
#ifdef _OPENMP
#pragma omp taskwait
#endif
	for (i = 0; i < w->ndev; i++) {
		struct dev *d = &w->devs[i];

		if (d->u.ret == 0 && d->placed) {
#ifdef _OPENMP
#pragma omp task firstprivate(d) shared(w)
#endif
			d->u.ret = pair_device(w, d, &d->u);
		}
	}
#ifdef _OPENMP
#pragma omp taskwait
#endif
	ap_diag_merge(&r->diag, &w->hu.diag);
	if (w->hu.ret < 0) {
		ret = w->hu.ret;
		ap_err_move(&r->err, &w->hu.err);
	}
	for (i = 0; i < w->ndev; i++) {
		ap_diag_merge(&r->diag, &w->devs[i].u.diag);
		if (w->devs[i].u.ret < 0 && ret == 0) {
			ret = w->devs[i].u.ret;
			ap_err_move(&r->err, &w->devs[i].u.err);
		}
	}
	return ret;
}

static int level0_of(const struct ap_cann_meta *m)
{
	const char *l = m->sample.prof_level;

	return !strcasecmp(l, "l0") || !strcasecmp(l, "level0");
}

/* Where an HCCL diagnostic points: "'<PROF>/host/data/<file>': offset N" of hccl_info record
 * info, else of hccl_op_info record op, else "'<PROF>'". */
static const char *hccl_at(const struct raw *w, int32_t info, int32_t op, struct ap_strbuf *b)
{
	uint32_t file;
	uint64_t off;

	ap_strbuf_reset(b);
	if (info >= 0 && (size_t)info < w->host.hccl_infos.n) {
		file = w->host.hccl_infos.v[info].file;
		off = w->host.hccl_infos.v[info].off;
	} else if (op >= 0 && (size_t)op < w->host.hccl_ops.n) {
		file = w->host.hccl_ops.v[op].file;
		off = w->host.hccl_ops.v[op].off;
	} else {
		ap_strbuf_addf(b, "'%s'", w->shown);
		return b->buf;
	}
	ap_strbuf_addf(b, "'%s/host/data/%s': offset %llu", w->shown,
		       ap_strtab_get(&w->host.strs, w->host.files.v[file].name),
		       (unsigned long long)off);
	return b->buf;
}

/* The join's counts as the §4 warnings. */
static void report_join(const struct raw *w, struct ap_analyse_result *r)
{
	const struct ap_cann_join_stats *st = &w->st;
	struct ap_strbuf at = AP_STRBUF_INIT;

	if (st->device_only)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "cann-device-only",
			       "'%s': %lu device task%s without a host launch (labelled UNKNOWN)",
			       w->shown, st->device_only, st->device_only == 1 ? "" : "s");
	if (st->host_only)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "cann-host-only",
			       "'%s': %lu host launch%s without a device task", w->shown,
			       st->host_only, st->host_only == 1 ? "" : "es");
	if (st->ambiguous)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "cann-ambiguous",
			       "'%s': %lu device task id%s claimed by several host launches, dropped as msprof drops them",
			       w->shown, st->ambiguous, st->ambiguous == 1 ? "" : "s");
	ap_cann_missing_report(&st->missing, w->shown, &r->diag);
	if (st->hccl_bad_transport)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "hccl-transport",
			       "%s: hccl_info: %lu HCCL task%s of an unknown transport type (kept as the number), the first %lu",
			       hccl_at(w, st->hccl_first_transport_info, -1, &at), st->hccl_bad_transport,
			       st->hccl_bad_transport == 1 ? "" : "s",
			       (unsigned long)st->hccl_first_transport);
	if (st->hccl_bad_link)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "hccl-link",
			       "%s: hccl_info: %lu HCCL task%s of an unknown link type (kept as the number), the first %lu",
			       hccl_at(w, st->hccl_first_link_info, -1, &at), st->hccl_bad_link,
			       st->hccl_bad_link == 1 ? "" : "s", (unsigned long)st->hccl_first_link);
	if (st->hccl_missing_planes)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "hccl-missing-plane",
			       "%s: hccl_info: %lu communication op%s missing on a plane (its small tasks there have no device execution: left out, as msprof leaves them), the first %s on plane %lu",
			       hccl_at(w, st->hccl_missing_info, -1, &at), st->hccl_missing_planes,
			       st->hccl_missing_planes == 1 ? "" : "s",
			       ap_strtab_get(&w->view.strs, st->hccl_missing_op),
			       (unsigned long)st->hccl_missing_plane);
	ap_strbuf_release(&at);
}

/* Formats the view as msprof's four tables into x. */
static int tabulate(struct raw *w, struct ap_cann_exported *x, struct ap_err *err)
{
	int64_t start = INT64_MIN;

	if (w->host_meta.state[AP_CANN_MF_START] == AP_CANN_FILE_OK)
		start = (int64_t)w->host_meta.start.time_us * 1000;
	AP_FORWARD_IF_ERROR(ap_cann_tabulate_op_summary(&x->t[AP_CANN_OP_SUMMARY], &w->view, err));
	AP_FORWARD_IF_ERROR(
		ap_cann_tabulate_op_statistic(&x->t[AP_CANN_OP_STATISTIC], &w->view, start, err));
	AP_FORWARD_IF_ERROR(ap_cann_tabulate_api_statistic(&x->t[AP_CANN_API_STATISTIC], &w->view, err));
	return ap_cann_tabulate_task_time(&x->t[AP_CANN_TASK_TIME], &w->view, err);
}

/* msprof's communication analysis of the HCCL small tasks (analyze -r communication,
 * communication_matrix), kept in x for the step split at writing time. */
/* hccl_at of HCCL row i of the view (its hccl_info, else its op's hccl_op_info). */
static const char *row_at(const struct raw *w, uint32_t i, struct ap_strbuf *b)
{
	const struct ap_cann_hccl_row *r = i < w->view.hccl.n ? &w->view.hccl.v[i] : NULL;

	return hccl_at(w, r ? r->info : -1, r ? r->op_info : -1, b);
}

static int communication(struct raw *w, int64_t start, struct ap_cann_exported *x,
			 struct ap_analyse_result *r)
{
	struct ap_strbuf at = AP_STRBUF_INIT;
	struct ap_comm *c;

	if (!w->view.hccl.n)
		return 0;
	c = malloc(sizeof(*c));
	if (!c || ap_comm_init(c) < 0) {
		free(c);
		return ap_err_set(&r->err, AP_ENOMEM, "out of memory");
	}
	x->comm = c;
	AP_FORWARD_IF_ERROR(ap_comm_analyse(&w->view, start, c, &r->err));
	if (c->untimed_ops)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "comm-no-master",
			       "%s: %lu communication op%s without a task of a master HCCL event, the first %s: no communication.json (as msprof)",
			       row_at(w, c->first_untimed, &at), c->untimed_ops,
			       c->untimed_ops == 1 ? "" : "s",
			       ap_strtab_get(&w->view.strs, w->view.hccl.v[c->first_untimed].op_name));
	if (c->bad_transport)
		ap_diag_report(&r->diag, AP_DIAG_WARN, "comm-transport",
			       "%s: %lu RDMA payload run%s of a transport without a bandwidth slot not counted",
			       row_at(w, c->first_bad_transport, &at), c->bad_transport,
			       c->bad_transport == 1 ? "" : "s");
	ap_strbuf_release(&at);
	return 0;
}

static void raw_release(struct raw *w)
{
	int i;

	ap_cann_meta_release(&w->host_meta);
	ap_cann_host_release(&w->host);
	ap_diag_release(&w->hu.diag);
	ap_err_release(&w->hu.err);
	for (i = 0; i < MAX_DEVICES; i++) {
		ap_diag_release(&w->devs[i].u.diag);
		ap_err_release(&w->devs[i].u.err);
	}
	for (i = 0; i < w->ndev; i++) {
		ap_cann_meta_release(&w->devs[i].meta);
		ap_cann_dev_release(&w->devs[i].dev);
		ap_cann_tasks_release(&w->devs[i].tasks);
	}
	ap_cann_view_release(&w->view);
}

int ap_pipeline__cann_raw(const char *prof, struct ap_cann_exported *x, struct ap_npu_links *links,
			  struct ap_analyse_result *r)
{
	struct raw *w = calloc(1, sizeof(*w));
	struct ap_cann_join_dev jd[MAX_DEVICES];
	struct ap_cann_join_in in;
	const char *slash = strrchr(prof, '/');
	size_t njd = 0;
	int ret = AP_ENOMEM, i, dev_slices = 0;

	if (!w)
		return ap_err_set(&r->err, AP_ENOMEM, "out of memory");
	w->prof = prof;
	w->shown = slash && slash[1] ? slash + 1 : prof;
	ap_diag_init(&w->hu.diag);
	ap_err_init(&w->hu.err);
	for (i = 0; i < MAX_DEVICES; i++) {
		ap_cann_dev_init(&w->devs[i].dev, -1);
		ap_diag_init(&w->devs[i].u.diag);
		ap_err_init(&w->devs[i].u.err);
	}
	ap_cann_meta_init(&w->host_meta, -1);
	if (ap_cann_host_init(&w->host) < 0 || ap_cann_view_init(&w->view) < 0)
		goto nomem;
	ret = list_devices(w, &r->err);
	if (ret < 0)
		goto out;
	for (i = 0; i < w->ndev; i++) {
		ap_cann_meta_init(&w->devs[i].meta, w->devs[i].id);
		w->devs[i].dev.device_id = w->devs[i].id;
	}
	ret = load_all(w, r);
	if (ret < 0)
		goto out;
	for (i = 0; i < w->ndev; i++) {
		if (w->devs[i].placed) {
			jd[njd].device_id = w->devs[i].id;
			jd[njd].tasks = w->devs[i].tasks.v.v;
			jd[njd].n = w->devs[i].tasks.v.n;
			jd[njd].clock = w->devs[i].clock;
			njd++;
		}
		dev_slices |= w->devs[i].slices;
	}
	/* §4: host slices without device slices, or the reverse, lose what the other held (slices
	 * that exist but could not be placed on the clock were reported by themselves) */
	if (w->host_placed && !dev_slices && w->host.tracks.n)
		ap_diag_report(&r->diag, AP_DIAG_DATA_LOSS, "cann-no-device",
			       "'%s': host data launches %zu tasks but no device_N/data/ holds task logs: no kernel times",
			       w->shown, w->host.tracks.n);
	if (!w->host_slices && dev_slices)
		ap_diag_report(&r->diag, AP_DIAG_DATA_LOSS, "cann-no-host",
			       "'%s': device task logs but no host data: kernels without names",
			       w->shown);
	memset(&in, 0, sizeof(in));
	in.h = &w->host;
	in.host_clock = w->host_clock;
	in.devs = jd;
	in.ndev = njd;
	in.level0 = level0_of(&w->host_meta);
	in.session_start = w->host_meta.state[AP_CANN_MF_START] == AP_CANN_FILE_OK
				   ? (int64_t)w->host_meta.start.time_us * 1000
				   : INT64_MIN;
	for (i = 0; i < w->ndev; i++)
		in.stars |= ap_cann_chip_logs(w->devs[i].meta.info.platform_version) ==
			    AP_CANN_LOGS_STARS;
	ret = ap_cann_join(&in, &w->view, links, &w->st, &r->err);
	if (ret < 0)
		goto out;
	report_join(w, r);
	/* msprof's analyze does nothing at prof level 0 (msinterface/msprof_analyze.py): no
	 * communication analysis to write, for a dump or a bare capture */
	ret = in.level0 ? 0 : communication(w, in.session_start, x, r);
	if (ret < 0)
		goto out;
	ret = tabulate(w, x, &r->err);
	if (ret < 0)
		goto out;
	ret = ap_overlap_build(&w->view, &x->overlap, &r->err);
	if (ret < 0)
		goto out;
	/* the join's tables stay for the timeline (trace_view.json's CANN part) */
	x->view = malloc(sizeof(*x->view));
	if (!x->view)
		goto nomem;
	w->view.pid = w->host_meta.info.pid;
	*x->view = w->view;
	memset(&w->view, 0, sizeof(w->view));
	r->cann_raw_counts.host_files = w->host.files.n;
	r->cann_raw_counts.apis = w->host.apis.n;
	r->cann_raw_counts.tracks = w->host.tracks.n;
	r->cann_raw_counts.devices = njd;
	for (i = 0; i < w->ndev; i++)
		r->cann_raw_counts.logs += w->devs[i].dev.logs.n;
	r->cann_raw_counts.dev_tasks = w->st.device_tasks;
	r->cann_raw_counts.host_tasks = w->st.host_tasks;
	r->cann_raw = 1;
	for (i = 0; i < AP_CANN_CSV_KINDS; i++)
		r->cann_rows[i] = x->t[i].nrows;
	ret = 0;
	goto out;
nomem:
	ret = ap_err_set(&r->err, AP_ENOMEM, "out of memory");
out:
	raw_release(w);
	free(w);
	return ret;
}
