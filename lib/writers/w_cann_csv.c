/* kernel_details.csv and the integrated msprof CSVs (spec torch_npu_ascend_pt.md §8.2, §8.5),
 * from tables of msprof strings. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_write.h"
#include "ap/out.h"
#include "../base/banned.h"

struct kd_map {
	const char *from, *to;
};

static const struct kd_map kd_level0[] = {
#define AP_KD_L0(from, to) { from, to },
#define AP_KD_L0_OPT(col)
#define AP_KD_STEP(col, from)
#include "../../schemas/kernel_details.def"
#undef AP_KD_L0
#undef AP_KD_L0_OPT
#undef AP_KD_STEP
};

static const char *const kd_level0_opt[] = {
#define AP_KD_L0(from, to)
#define AP_KD_L0_OPT(col) col,
#define AP_KD_STEP(col, from)
#include "../../schemas/kernel_details.def"
#undef AP_KD_L0
#undef AP_KD_L0_OPT
#undef AP_KD_STEP
};

static const struct kd_map kd_step[] = {
#define AP_KD_L0(from, to)
#define AP_KD_L0_OPT(col)
#define AP_KD_STEP(col, from) { from, col },
#include "../../schemas/kernel_details.def"
#undef AP_KD_L0
#undef AP_KD_L0_OPT
#undef AP_KD_STEP
};

#define N_L0 (sizeof(kd_level0) / sizeof(kd_level0[0]))
#define N_L0_OPT (sizeof(kd_level0_opt) / sizeof(kd_level0_opt[0]))

enum ap_prof_level ap_prof_level_of(const char *name)
{
	if (!strcmp(name, "Level_none"))
		return AP_PROF_LEVEL_NONE;
	if (!strcmp(name, "Level1"))
		return AP_PROF_LEVEL1;
	if (!strcmp(name, "Level2"))
		return AP_PROF_LEVEL2;
	return AP_PROF_LEVEL0;
}

int ap_us_text_to_ns(const char *s, int64_t *ns)
{
	int64_t v = 0;
	int neg = 0, frac = 0, any = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; isdigit((unsigned char)*s); s++, any = 1)
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
			return -1;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, any = 1)
			if (frac < 3) {
				if (__builtin_mul_overflow(v, 10, &v) ||
				    __builtin_add_overflow(v, *s - '0', &v))
					return -1;
				frac++;
			}
	}
	while (*s == '\t' || *s == ' ' || *s == '\r' || *s == '\n')
		s++;
	if (*s || !any)
		return -1;
	for (; frac < 3; frac++)
		if (__builtin_mul_overflow(v, 10, &v))
			return -1;
	*ns = neg ? -v : v;
	return 0;
}

/* The renamed header of op_summary column name (§8.2). */
static const char *kd_rename(const char *name)
{
	size_t i;

	for (i = 0; i < N_L0; i++)
		if (!strcmp(kd_level0[i].from, name))
			return kd_level0[i].to;
	return name;
}

/* Columns of kernel_details: src[i] the op_summary column (-1: empty fields), name[i] its
 * header. Returns the count. */
static size_t kd_columns(const struct ap_csv_table *t, enum ap_prof_level level, long *src,
			 const char **name)
{
	size_t n = 0, i;

	if (level != AP_PROF_LEVEL0) {
		for (i = 0; i < t->ncols; i++) {
			src[n] = (long)i;
			name[n++] = kd_rename(ap_csv_col(t, i));
		}
		return n;
	}
	for (i = 0; i < N_L0; i++) {
		src[n] = ap_csv_find_col(t, kd_level0[i].from);
		name[n++] = kd_level0[i].to;
	}
	for (i = 0; i < N_L0_OPT; i++) {
		long c = ap_csv_find_col(t, kd_level0_opt[i]);

		if (c >= 0) {
			src[n] = c;
			name[n++] = kd_level0_opt[i];
		}
	}
	return n;
}

/* The step holding start time text s (§8.2, §7.7): the first whose [start, end) holds it. */
static const char *step_of(const char *s, const struct ap_step_range *steps, size_t nsteps)
{
	int64_t ns;
	size_t i;

	if (ap_us_text_to_ns(s, &ns) < 0)
		return NULL;
	for (i = 0; i < nsteps; i++)
		if (steps[i].start_ns <= ns && ns < steps[i].end_ns)
			return steps[i].id;
	return NULL;
}

int ap_write_kernel_details(const char *dir, const struct ap_csv_table *t,
			    enum ap_prof_level level, const struct ap_step_range *steps,
			    size_t nsteps, struct ap_err *err)
{
	size_t cap = t->ncols > N_L0 + N_L0_OPT ? t->ncols : N_L0 + N_L0_OPT;
	long *src = NULL, start_col = -1;
	const char **name = NULL;
	struct ap_out o;
	size_t n, i, r;
	int ret;

	if (level == AP_PROF_LEVEL_NONE || !t->nrows)
		return 0; /* not produced at Level_none (§10); no data row: no file (§8.0) */
	src = malloc(cap * sizeof(*src));
	name = malloc(cap * sizeof(*name));
	if (!src || !name) {
		ret = ap_err_set(err, AP_ENOMEM, "kernel_details.csv: out of memory");
		goto out;
	}
	n = kd_columns(t, level, src, name);
	if (nsteps)
		start_col = ap_csv_find_col(t, kd_step[0].from);
	ret = ap_out_open(&o, dir, "kernel_details.csv", err);
	if (ret < 0)
		goto out;
	if (nsteps)
		ap_csv_field(&o, 1, kd_step[0].to, strlen(kd_step[0].to));
	for (i = 0; i < n; i++)
		ap_csv_field(&o, i == 0 && !nsteps, name[i], strlen(name[i]));
	ap_csv_end_row(&o);
	for (r = 0; r < t->nrows; r++) {
		if (nsteps) {
			const char *id = start_col >= 0 ? step_of(ap_csv_cell(t, r, (size_t)start_col),
								  steps, nsteps)
							: NULL;

			ap_csv_field(&o, 1, id ? id : "", id ? strlen(id) : 0);
		}
		for (i = 0; i < n; i++) {
			const char *v = src[i] >= 0 ? ap_csv_cell(t, r, (size_t)src[i]) : "";

			ap_csv_field(&o, i == 0 && !nsteps, v, strlen(v));
		}
		ap_csv_end_row(&o);
	}
	ret = ap_out_commit(&o, err);
out:
	free(src);
	free(name);
	return ret;
}

int ap_write_csv_table(const char *dir, const char *name, const struct ap_csv_table *t,
		       struct ap_err *err)
{
	struct ap_out o;
	size_t r, i;

	if (!t->nrows)
		return 0; /* no data row: no file (§8.0) */
	AP_FORWARD_IF_ERROR(ap_out_open(&o, dir, name, err));
	for (r = 0; r <= t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			const char *v = t->cells[r * t->ncols + i];

			ap_csv_field(&o, i == 0, v, strlen(v));
		}
		ap_csv_end_row(&o);
	}
	return ap_out_commit(&o, err);
}
