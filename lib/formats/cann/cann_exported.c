/* Bare PROF_* directories and the CSVs msprof exported into mindstudio_profiler_output/
 * (spec torch_npu_ascend_pt.md §1.1, §6.2, §6.5, §8.5). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_exported.h"
#include "ap/cann_timeline.h"
#include "ap/cann_view.h"
#include "ap/file.h"
#include "ap/log.h"
#include "../../base/banned.h"

static const char *const csv_names[AP_CANN_CSV_KINDS] = {
	"op_summary", "op_statistic", "api_statistic", "task_time",
};

const char *ap_cann_csv_name(enum ap_cann_csv kind)
{
	return (unsigned)kind < AP_CANN_CSV_KINDS ? csv_names[kind] : "?";
}

int ap_cann_is_prof_name(const char *s)
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
	return isalnum((unsigned char)*s) != 0;
}

static int is_device_dir_name(const char *s)
{
	return !strncmp(s, "device_", 7) && isdigit((unsigned char)s[7]);
}

static int subdir(const char *dir, const char *name)
{
	char *p = ap_path_join(dir, name);
	int r = p && ap_path_is_dir(p) == 1;

	free(p);
	return r;
}

int ap_cann_probe_prof(const char *dir)
{
	struct ap_strlist l = { 0 };
	const char *base;
	size_t n = strlen(dir), i;
	char *copy;
	int conf = 0;

	/* the last component, trailing slashes dropped */
	copy = malloc(n + 1);
	if (!copy)
		return 0;
	memcpy(copy, dir, n + 1);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = strrchr(copy, '/');
	base = base ? base + 1 : copy;
	if (ap_cann_is_prof_name(base) && ap_dir_list(dir, &l, NULL) == 0) {
		for (i = 0; i < l.n && !conf; i++)
			if ((!strcmp(l.v[i], "host") || is_device_dir_name(l.v[i]) ||
			     !strcmp(l.v[i], AP_CANN_EXPORT_DIR)) &&
			    subdir(dir, l.v[i]))
				conf = 100;
	}
	ap_strlist_release(&l);
	free(copy);
	return conf;
}

/* 1 when dir/data holds a file whose name contains "slice". */
static int data_has_slices(const char *dir)
{
	struct ap_strlist l = { 0 };
	char *data = ap_path_join(dir, "data");
	size_t i;
	int found = 0;

	if (data && ap_dir_list(data, &l, NULL) == 0)
		for (i = 0; i < l.n && !found; i++)
			found = strstr(l.v[i], "slice") != NULL;
	ap_strlist_release(&l);
	free(data);
	return found;
}

int ap_cann_has_raw(const char *prof)
{
	struct ap_strlist l = { 0 };
	size_t i;
	int found = 0;

	if (ap_dir_list(prof, &l, NULL) < 0)
		return 0;
	for (i = 0; i < l.n && !found; i++) {
		char *p;

		if (strcmp(l.v[i], "host") && !is_device_dir_name(l.v[i]))
			continue;
		p = ap_path_join(prof, l.v[i]);
		found = p && data_has_slices(p);
		free(p);
	}
	ap_strlist_release(&l);
	return found;
}

int ap_cann_has_exported(const char *prof)
{
	return subdir(prof, AP_CANN_EXPORT_DIR);
}

void ap_cann_exported_init(struct ap_cann_exported *x)
{
	int k;

	memset(x, 0, sizeof(*x));
	for (k = 0; k < AP_CANN_CSV_KINDS; k++)
		ap_csv_table_init(&x->t[k]);
}

void ap_cann_exported_release(struct ap_cann_exported *x)
{
	int k;

	if (!x)
		return;
	for (k = 0; k < AP_CANN_CSV_KINDS; k++) {
		ap_csv_table_release(&x->t[k]);
		ap_strlist_release(&x->files[k]);
	}
	ap_cann_view_release(x->view);
	free(x->view);
	ap_overlap_release(&x->overlap);
	ap_comm_release(x->comm);
	free(x->comm);
	ap_cann_tl_release(x->tl);
	free(x->tl);
	ap_cann_exported_init(x);
}

static int ends_with_csv(const char *s)
{
	size_t n = strlen(s);

	return n >= 4 && !strcmp(s + n - 4, ".csv");
}

/* 1..20 digits at s (§6.2: \d{1,20}); their value (saturated) in *v. */
static int digits(const char *s, uint64_t *v)
{
	int n = 0;

	*v = 0;
	for (; isdigit((unsigned char)s[n]); n++)
		if (__builtin_mul_overflow(*v, 10, v) || __builtin_add_overflow(*v, s[n] - '0', v))
			*v = UINT64_MAX;
	return n >= 1;
}

struct pick {
	int sliced;
	uint64_t index;
	const char *name;
};

static int cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->sliced != y->sliced)
		return x->sliced - y->sliced;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return strcmp(x->name, y->name);
}

int ap_cann_exported_select(const struct ap_strlist *names, enum ap_cann_csv kind,
			    struct ap_strlist *out)
{
	const char *stem = ap_cann_csv_name(kind);
	size_t sl = strlen(stem), i, n = 0;
	struct pick *p = calloc(names->n ? names->n : 1, sizeof(*p));
	int ret = 0;

	if (!p)
		return AP_ENOMEM;
	for (i = 0; i < names->n; i++) {
		const char *s = names->v[i], *rest;
		uint64_t v;

		if (strncmp(s, stem, sl) || s[sl] != '_' || !ends_with_csv(s))
			continue;
		rest = s + sl + 1;
		if (digits(rest, &v)) {
			p[n].sliced = 0;
			p[n].index = 0;
		} else if (!strncmp(rest, "slice", 5) &&
			   (kind == AP_CANN_TASK_TIME ||
			    (rest[5] == '_' && digits(rest + 6, &v)))) {
			/* task_time_slice.*\.csv: any tail; an index sorts when there is one */
			p[n].sliced = 1;
			p[n].index = rest[5] == '_' && digits(rest + 6, &v) ? v : UINT64_MAX;
		} else {
			continue;
		}
		p[n++].name = s;
	}
	qsort(p, n, sizeof(*p), cmp_pick);
	for (i = 0; i < n && ret == 0; i++)
		ret = ap_strlist_add(out, p[i].name);
	free(p);
	return ret;
}

int ap_cann_exported_load(struct ap_cann_exported *x, const char *prof, struct ap_diag *diag,
			  struct ap_err *err)
{
	struct ap_strlist names = { 0 };
	struct ap_strbuf shown = AP_STRBUF_INIT;
	const char *pname = strrchr(prof, '/');
	char *dir = ap_path_join(prof, AP_CANN_EXPORT_DIR);
	int k, ret = 0;
	size_t i;

	pname = pname ? pname + 1 : prof;
	if (!dir)
		return ap_err_set(err, AP_ENOMEM, "out of memory");
	ret = ap_dir_list(dir, &names, err);
	for (k = 0; ret == 0 && k < AP_CANN_CSV_KINDS; k++) {
		if (ap_cann_exported_select(&names, (enum ap_cann_csv)k, &x->files[k]) < 0) {
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
			break;
		}
		for (i = 0; ret == 0 && i < x->files[k].n; i++) {
			struct ap_err e = AP_ERR_INIT;
			char *path = ap_path_join(dir, x->files[k].v[i]);
			size_t before = x->t[k].nrows;
			int r;

			ap_strbuf_reset(&shown);
			ap_strbuf_addf(&shown, "%s/%s/%s", pname, AP_CANN_EXPORT_DIR,
				       x->files[k].v[i]);
			r = path ? ap_csv_read_file(&x->t[k], path, shown.buf, diag, &e) : AP_ENOMEM;
			if (r == AP_ENOMEM) {
				ret = ap_err_set(err, AP_ENOMEM, "'%s': out of memory", shown.buf);
			} else if (r < 0) {
				/* an unreadable file of a known kind: data loss, the others are read */
				ap_diag_report(diag, AP_DIAG_DATA_LOSS, "cann-unreadable", "%s",
					       ap_err_text(&e));
			} else {
				ap_log(AP_LOG_DEBUG, pname, "read exported CSV file=%s rows=%zu",
				       shown.buf, x->t[k].nrows - before);
			}
			ap_err_release(&e);
			free(path);
		}
	}
	if (ret < 0 && err && err->code == AP_OK)
		err->code = (enum ap_status)ret;
	ap_strlist_release(&names);
	ap_strbuf_release(&shown);
	free(dir);
	return ret;
}
