/*
 * rt_cann_local.h — private to rt-cann (tests/support/rt/): what its two files share (ap_rtc__*, CONVENTIONS §2).
 * What rt-cann does is described at the top of rt_cann_main.c.
 *
 *   rt_cann_main.c   the scenario: kernel rows, HCCL ops, runtime tasks, API events; the command line
 *   rt_cann_load.c   the inputs: kernel_details.csv, trace_view.json lanes and flows, name tables, tensors
 */
#ifndef AP_TESTS_SUPPORT_RT_RT_CANN_LOCAL_H
#define AP_TESTS_SUPPORT_RT_RT_CANN_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define PROG "rt-cann"
#define NONE UINT32_MAX

#define GROW(arr, n, cap)                                                                 \
	do {                                                                              \
		if ((n) == (cap)) {                                                       \
			(cap) = (cap) ? 2 * (cap) : 64;                                   \
			(arr) = ap_rtc__xrealloc((arr), (cap) * sizeof(*(arr)));          \
		}                                                                         \
	} while (0)

struct csvt {
	char ***rows; /* rows[i][j] */
	size_t *nf;
	size_t n, cap;
	char **cur;
	size_t ncur, ccur;
};

struct api {
	int64_t tid, s, e;
	const char *level, *id, *item, *mode;
	int used;
};

struct hw {
	int64_t stream, s, e, task, sub, flow; /* flow: index into flows or -1 */
	const char *name, *ttype;
	int used;
};

struct flow {
	const char *id;
	int64_t s_tid, s_ts; /* -1 when no s */
};

struct lanes {
	struct api *api;
	size_t napi, capi;
	struct hw *hw;
	size_t nhw, chw;
	struct flow *fl;
	size_t nfl, cfl;
	json_int_t pid_cann, pid_hw, pid_hccl;
	const json_t *root;
};

/* Counts (and, for the first 50, prints) a row or event that could not be placed. */
void ap_rtc__fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned long ap_rtc__failures(void);
/* realloc that exits 2 when out of memory */
void *ap_rtc__xrealloc(void *p, size_t n);

/* "123.45" (µs, trailing tab allowed) → ns exactly (digits past the third decimal dropped); INT64_MIN if not one */
int64_t ap_rtc__us_ns(const char *s);
/* a JSON ts (string or number, µs) → ns; a dur (µs) → ns rounded to the nearest */
int64_t ap_rtc__json_us_ns(const json_t *v);
int64_t ap_rtc__json_dur_ns(const json_t *v);
/* o[k] as a string (NULL if none) / as an integer or a decimal string (dflt if none) */
const char *ap_rtc__jstr(const json_t *o, const char *k);
int64_t ap_rtc__jint(const json_t *o, const char *k, int64_t dflt);

/* Parses the CSV at path into t (CRs dropped); -1 (after a message) on failure. */
int ap_rtc__load_csv(const char *path, struct csvt *t);
/* Frees what ap_rtc__load_csv put in t. */
void ap_rtc__free_csv(struct csvt *t);
/* Frees the tables of L (its strings belong to the JSON document). */
void ap_rtc__free_lanes(struct lanes *L);
/* the index of header column name, -1 if absent; field c of row r, "" when absent */
int ap_rtc__col(const struct csvt *t, const char *name);
const char *ap_rtc__fld(const struct csvt *t, size_t r, int c);

/* Collects the CANN and Ascend Hardware X events and the HostToDevice flows of root (borrowed strings). */
void ap_rtc__load_lanes(struct lanes *L, const json_t *root);
/* The flow whose 'f' is at (pid, tid, ts), -1 if none. */
int64_t ap_rtc__flow_into(const struct lanes *L, json_int_t pid, int64_t tid, int64_t ts);

/* name → STARS SQE type / FFTS+ subtask type / runtime task type; -1 when unknown */
int ap_rtc__sqe_type(const char *name, unsigned *v);
int ap_rtc__subtask_type(const char *name, unsigned *v);
int ap_rtc__runtime_type(const char *name, unsigned *v);

/* Appends `DIR:FORMAT:DTYPE:dims` items for one direction of a row's tensors to o; -1 when a name is
 * unknown or the counts differ. *first: no ';' before the first item. */
int ap_rtc__tensor_spec(FILE *o, const char *dir, const char *shapes, const char *types, const char *fmts,
			int *first);

#endif
