/* Unit tests of the communication analysis (lib/analysis/an_comm.c, an_comm_step.c) on
 * hand-built HCCL task rows: msprof's formulas (man ascprof-formats(5), "Communication
 * analysis") and torch_npu's split by step, with their Python int / float distinctions. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/comm.h"

static struct ap_cann_view v;
static struct ap_comm c;
static struct ap_err err;

static void setup(void)
{
	ck_assert_int_eq(ap_cann_view_init(&v), 0);
	ck_assert_int_eq(ap_comm_init(&c), 0);
	ap_err_init(&err);
}

static void teardown(void)
{
	ap_cann_view_release(&v);
	ap_comm_release(&c);
	ap_err_release(&err);
}

static uint32_t S(const char *s)
{
	return ap_strtab_intern(&v.strs, s, strlen(s), NULL);
}

/* One task of op name@g: name, start and duration in ns, size in bytes, link type. */
static void task(const char *op, const char *name, int64_t start, int64_t dur, int64_t size,
		 const char *link, int master, int64_t plane)
{
	struct ap_cann_hccl_row *r = ap_vec_push(&v.hccl);

	ck_assert_ptr_nonnull(r);
	memset(r, 0, sizeof(*r));
	r->start = start;
	r->end = start + dur;
	r->plane_id = plane;
	r->local_rank = 0;
	r->remote_rank = 1;
	r->size = size;
	r->op_name = S(op);
	r->group = S("g");
	r->name = S(name);
	r->transport = S("SDMA");
	r->link = S(link);
	r->rdma = S("65534");
	r->master = (uint8_t)master;
}

static const struct ap_comm_op *op_named(const char *key)
{
	size_t i;

	for (i = 0; i < c.ops.n; i++)
		if (!strcmp(ap_strtab_get(&c.strs, c.ops.v[i].key), key))
			return &c.ops.v[i];
	ck_abort_msg("no op %s", key);
	return NULL;
}

/* Python's t += x for a float x. */
static void py_fadd(struct ap_pynum *t, double x)
{
	t->v += x;
	t->isf = 1;
}

#define ISF(x, val) do { ck_assert_int_eq((x).isf, 1); ck_assert_double_eq((x).v, (val)); } while (0)
#define ISINT(x, val) do { ck_assert_int_eq((x).isf, 0); ck_assert_double_eq((x).v, (val)); } while (0)

START_TEST(time_and_bandwidth)
{
	const struct ap_comm_op *o;

	/* a wait before the first transit is synchronization; one after it is not */
	task("hcom_allReduce__1_0_1", "Notify_Wait", 1000, 500, 0, "HCCS", 1, 0);
	task("hcom_allReduce__1_0_1", "Memcpy", 2000, 1000, 1000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_0_1", "Notify_Wait", 3000, 250, 0, "HCCS", 1, 0);
	/* another plane: bandwidth only, not time */
	task("hcom_allReduce__1_0_1", "Memcpy", 2000, 4000, 64000000, "PCIE", 0, 1);
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	ck_assert_uint_eq(c.ops.n, 1);
	o = op_named("hcom_allReduce__1_0_1@g");
	ck_assert_int_eq(o->timed, 1);
	ck_assert_double_eq(o->start_us, 1.0);
	ISF(o->time[0], 2250 / 1e6);          /* elapse: 1000 .. 3250 */
	ISF(o->time[1], 1000 / 1e6);          /* transit */
	ISF(o->time[2], 500 / 1e6 + 250 / 1e6); /* wait */
	ISF(o->time[3], 500 / 1e6);           /* synchronization */
	ISF(o->time[4], 2250 / 1e6 - 1000 / 1e6 - (500 / 1e6 + 250 / 1e6));
	ISF(o->time[5], 0.4286);              /* 0.00075 / 0.00175 */
	ISF(o->time[6], 0.3333);              /* 0.0005 / 0.0015 */
	ISF(o->bw[AP_COMM_HCCS].size_mb, 1.0);
	ISF(o->bw[AP_COMM_HCCS].bw, 1000.0);
	ISF(o->bw[AP_COMM_HCCS].large_ratio, 0.0);      /* 1 MB <= 32 MB */
	ISF(o->bw[AP_COMM_PCIE].large_ratio, 1.0);      /* 64 MB > 32 MB */
	ISF(o->bw[AP_COMM_SDMA].size_mb, 65.0);         /* HCCS + PCIE + SIO */
	ISINT(o->bw[AP_COMM_SDMA].large_ratio, 0);      /* never computed for SDMA */
	ck_assert_uint_eq(o->bw[AP_COMM_SDMA].nbins, 0);
	ISINT(o->bw[AP_COMM_RDMA].size_mb, 0);
	ISINT(o->bw[AP_COMM_RDMA].bw, 0);
	/* the matrix: one link over both planes */
	ck_assert_uint_eq(o->nlinks, 1);
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.links.v[o->link].key), "0-1");
	ck_assert_int_eq(c.links.v[o->link].transport, 1); /* the last task's link: PCIE */
	ISF(c.links.v[o->link].bw, 13000.0);               /* 65 MB / 0.005 ms, unscaled */
}
END_TEST

START_TEST(zero_denominators)
{
	const struct ap_comm_op *o;

	task("hcom_broadcast__1_0_1", "Notify_Record", 1000, 100, 0, "HCCS", 1, 0);
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	o = op_named("hcom_broadcast__1_0_1@g");
	ISINT(o->time[1], 0);
	ISINT(o->time[5], 0); /* ZeroDivisionError: left as initialised */
	ISINT(o->time[6], 0);
	ck_assert_uint_eq(o->nlinks, 0);
	ck_assert_int_eq(ap_comm_by_step(&c, NULL, 0, &err), 0);
	ck_assert_uint_eq(c.steps.n, 1);
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.steps.v[0].key), "step");
	ck_assert_uint_eq(c.steps.v[0].g[1].nops, 1);
	ISF(c.steps.v[0].g[1].total.time[0], 100 / 1e6);
	ISINT(c.steps.v[0].g[1].total.time[5], 0); /* compute_ratio: denominator < 1e-15 */
	ISINT(c.steps.v[0].g[1].total.time[6], 0);
	ISF(c.steps.v[0].g[1].total.time[3], 0.0); /* defaultdict(float) */
}
END_TEST

START_TEST(no_master_no_communication_json)
{
	task("hcom_allGather__1_0_1", "Memcpy", 1000, 100, 10, "HCCS", 0, 0);
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	ck_assert_uint_eq(c.untimed_ops, 1);
	ck_assert_int_eq(ap_comm_by_step(&c, NULL, 0, &err), 0);
	ck_assert_int_eq(c.has_comm, 0);
	ck_assert_int_eq(c.has_matrix, 1); /* the matrix needs no master */
}
END_TEST

START_TEST(size_distribution_merge_and_steps)
{
	struct ap_comm_range st[2] = { { "1", 0, 9999 }, { "2", 10000, 19999 } };
	const struct ap_comm_total *t;
	const struct ap_comm_group *g;

	task("hcom_allReduce__1_0_1", "Memcpy", 1000, 1000, 2000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_1_1", "Memcpy", 3000, 3000, 2000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_2_1", "Memcpy", 12000, 1000, 2000000, "HCCS", 1, 0);
	task("hcom_send__1_0_1", "Memcpy", 14000, 1000, 1000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_3_1", "Memcpy", 30000, 1000, 2000000, "HCCS", 1, 0); /* outside */
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	ck_assert_uint_eq(c.ops.n, 5);
	ck_assert_int_eq(ap_comm_by_step(&c, st, 2, &err), 0);
	ck_assert_uint_eq(c.steps.n, 2);
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.steps.v[0].key), "step1");
	g = &c.steps.v[0].g[1];
	ck_assert_uint_eq(g->nops, 2);
	t = &g->total;
	ck_assert_uint_eq(t->nbins[AP_COMM_HCCS], 1); /* the same 2 MB size merged */
	ISINT(c.bins.v[t->bin[AP_COMM_HCCS]].count, 2);
	ISF(c.bins.v[t->bin[AP_COMM_HCCS]].time_ms, 0.001 + 0.003);
	ISINT(t->bw_size[AP_COMM_RDMA], 0);
	ISF(t->bw_size[AP_COMM_HCCS], 4.0);
	ck_assert_uint_eq(c.steps.v[0].g[0].nops, 0);
	ck_assert_uint_eq(c.steps.v[1].g[0].nops, 1); /* hcom_send: p2p */
	ck_assert_uint_eq(c.steps.v[1].g[1].nops, 1); /* the op outside every step is gone */
	/* the matrix: steps in the order of their first op; entries per (type, group, link) */
	ck_assert_uint_eq(c.msteps.n, 2);
	g = &c.msteps.v[0].g[1];
	ck_assert_uint_eq(g->nments, 5); /* top1, middle, bottom1, total, bottom2 */
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.ments.v[g->ment].name), "allreduce-top1@g");
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.ments.v[g->ment + 4].name), "allreduce-bottom2@g");
	/* top1 is the faster op (2 MB in 1 us) */
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.mlinks.v[c.ments.v[g->ment].link].op_name),
			 "hcom_allReduce__1_0_1");
	ck_assert_uint_eq(c.mlinks.v[c.ments.v[g->ment + 3].link].op_name, AP_STR_NONE);
	ISF(c.mlinks.v[c.ments.v[g->ment + 3].link].bw, 1000.0); /* 4 MB / 0.004 ms */
}
END_TEST

START_TEST(one_step_takes_every_op)
{
	struct ap_comm_range st = { "7", 0, 10 };

	task("hcom_allReduce__1_0_1", "Memcpy", 1000, 1000, 2000000, "HCCS", 1, 0);
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	ck_assert_int_eq(ap_comm_by_step(&c, &st, 1, &err), 0);
	ck_assert_uint_eq(c.steps.v[0].g[1].nops, 1);
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.steps.v[0].key), "step7");
}
END_TEST

/* An op belongs to the first step, in the given order, whose [start, end] holds its start: at
 * a boundary of touching steps the earlier one (bounds are inclusive); none: no step. */
START_TEST(step_of_op_touching_steps)
{
	struct ap_comm_range st[3] = { { "1", 0, 10000 }, { "2", 10000, 20000 }, { "3", 20000, 30000 } };

	task("hcom_allReduce__1_0_1", "Memcpy", 10000, 1000, 2000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_1_1", "Memcpy", 15000, 1000, 2000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_2_1", "Memcpy", 16000, 1000, 2000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_3_1", "Memcpy", 30000, 1000, 2000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_4_1", "Memcpy", 40000, 1000, 2000000, "HCCS", 1, 0); /* outside */
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	ck_assert_int_eq(ap_comm_by_step(&c, st, 3, &err), 0);
	ck_assert_uint_eq(c.steps.n, 3);
	ck_assert_uint_eq(c.steps.v[0].g[1].nops, 1);
	ck_assert_uint_eq(c.steps.v[1].g[1].nops, 2);
	ck_assert_uint_eq(c.steps.v[2].g[1].nops, 1);
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.ops.v[c.gops.v[c.steps.v[1].g[1].op + 1]].key),
			 "hcom_allReduce__1_2_1@g");
	ck_assert_uint_eq(c.msteps.n, 3);
}
END_TEST

/* Steps out of time order, or one inside another: still the first in the given order. */
START_TEST(step_of_op_unordered_steps)
{
	struct ap_comm_range st[3] = { { "2", 10000, 20000 }, { "1", 0, 30000 }, { "3", 5000, 8000 } };

	task("hcom_allReduce__1_0_1", "Memcpy", 6000, 1000, 2000000, "HCCS", 1, 0);  /* 1, not 3 */
	task("hcom_allReduce__1_1_1", "Memcpy", 15000, 1000, 2000000, "HCCS", 1, 0); /* 2, not 1 */
	task("hcom_send__1_0_1", "Memcpy", 25000, 1000, 1000000, "HCCS", 1, 0);       /* 1 */
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	ck_assert_int_eq(ap_comm_by_step(&c, st, 3, &err), 0);
	ck_assert_uint_eq(c.steps.n, 3);
	ck_assert_uint_eq(c.steps.v[0].g[1].nops, 1);
	ck_assert_uint_eq(c.steps.v[1].g[1].nops, 1);
	ck_assert_uint_eq(c.steps.v[1].g[0].nops, 1);
	ck_assert_uint_eq(c.steps.v[2].g[1].nops, 0);
	/* the matrix: steps in the order of their first op (1, then 2) */
	ck_assert_uint_eq(c.msteps.n, 2);
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.msteps.v[0].key), "step1");
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.msteps.v[1].key), "step2");
}
END_TEST

START_TEST(before_collection_start_dropped)
{
	task("hcom_allReduce__1_0_1", "Memcpy", 1000, 1000, 2000000, "HCCS", 1, 0);
	task("hcom_allReduce__1_1_1", "Memcpy", 5000, 1000, 2000000, "HCCS", 1, 0);
	ck_assert_int_eq(ap_comm_analyse(&v, 2000, &c, &err), 0);
	ck_assert_uint_eq(c.ops.n, 1);
}
END_TEST

START_TEST(matrix_type_regex)
{
	char b[64];

	ck_assert_int_eq(ap_comm_op_type("hcom_reduceScatter__12_0_1@g", b, sizeof(b)), 1);
	ck_assert_str_eq(b, "reduce"); /* QUIRK: the earlier alternative at the same position */
	ap_comm_op_type("hcom_allToAllV__1@g", b, sizeof(b));
	ck_assert_str_eq(b, "alltoall");
	ap_comm_op_type("hcom_allReduce__1@g", b, sizeof(b));
	ck_assert_str_eq(b, "allreduce"); /* leftmost wins over the later "reduce" */
	ap_comm_op_type("hcom_batchSendRecv__1@g", b, sizeof(b));
	ck_assert_str_eq(b, "batchsendrecv"); /* leftmost: before the "send" inside it */
	ck_assert_int_eq(ap_comm_op_type("hcom_foo__1@g", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "hcom_foo");
}
END_TEST

/* One op with many planes' worth of tasks, sizes and links: the bins and links in first-seen
 * order (planes first seen first, each plane's tasks in order), each with every one of its
 * tasks counted, however far apart they lie. */
#define ML_PER_PLANE 20000
#define ML_BINS 5000
#define ML_LINKS 5000
START_TEST(many_links_and_bins)
{
	const struct ap_comm_op *o;
	const struct ap_comm_bin *b;
	struct ap_pynum t = { 0, 0 };
	char key[32];
	size_t r, j;

	/* rows alternate between planes 0 and 1; plane 0's sizes and remotes count up, plane 1's
	 * down, so that plane 0 sees every one first */
	for (r = 0; r < 2 * ML_PER_PLANE; r++) {
		size_t q = r / 2;
		int64_t sz = (int64_t)(r % 2 ? ML_BINS - q % ML_BINS : q % ML_BINS + 1) * 1000;
		int64_t rem = (int64_t)(r % 2 ? ML_LINKS - q % ML_LINKS : q % ML_LINKS + 1);

		task("hcom_allToAll__1_0_1", "Memcpy", (int64_t)r * 10000, 1000, sz, "HCCS", 1,
		     (int64_t)(r % 2));
		v.hccl.v[v.hccl.n - 1].remote_rank = rem;
	}
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	o = op_named("hcom_allToAll__1_0_1@g");
	ck_assert_uint_eq(o->bw[AP_COMM_HCCS].nbins, ML_BINS);
	for (j = 0; j < 2 * ML_PER_PLANE / ML_BINS; j++)
		py_fadd(&t, 0.001);
	for (j = 0; j < ML_BINS; j++) {
		b = &c.bins.v[o->bw[AP_COMM_HCCS].bin + j];
		ck_assert_double_eq(b->size_mb, (double)((j + 1) * 1000) / 1000000.0);
		ISINT(b->count, 2 * ML_PER_PLANE / ML_BINS);
		ISF(b->time_ms, t.v);
	}
	ck_assert_uint_eq(o->nlinks, ML_LINKS);
	t.v = 0;
	for (j = 0; j < 2 * ML_PER_PLANE / ML_LINKS; j++)
		py_fadd(&t, 0.001);
	for (j = 0; j < ML_LINKS; j++) {
		const struct ap_comm_link *l = &c.links.v[o->link + j];

		snprintf(key, sizeof(key), "0-%zu", j + 1);
		ck_assert_str_eq(ap_strtab_get(&c.strs, l->key), key);
		ck_assert_int_eq(l->transport, 0); /* HCCS */
		ISF(l->time_ms, t.v);
	}
	/* the matrix of the one step: top1, middle, bottom1, total per link, in link order */
	ck_assert_int_eq(ap_comm_by_step(&c, NULL, 0, &err), 0);
	ck_assert_uint_eq(c.msteps.n, 1);
	ck_assert_uint_eq(c.msteps.v[0].g[1].nments, 4);
	ck_assert_uint_eq(c.ments.v[c.msteps.v[0].g[1].ment].n, ML_LINKS);
	ck_assert_str_eq(ap_strtab_get(&c.strs, c.mlinks.v[c.ments.v[c.msteps.v[0].g[1].ment].link +
							    ML_LINKS - 1].key),
			 key);
}
END_TEST

/* Per (type, group, link) the records sorted by bandwidth, larger first, equal ones in op order
 * (Python's stable list.sort with reverse=True). */
START_TEST(matrix_records_by_bandwidth_stable)
{
	static const int64_t size[5] = { 2000, 5000, 5000, 1000, 5000 }; /* GB/s: 2 5 5 1 5 */
	static const char *const want[6][2] = {
		{ "allreduce-top1@g", "hcom_allReduce__1_1_1" },
		{ "allreduce-middle@g", "hcom_allReduce__1_4_1" },
		{ "allreduce-bottom1@g", "hcom_allReduce__1_3_1" },
		{ "allreduce-total@g", NULL },
		{ "allreduce-bottom2@g", "hcom_allReduce__1_0_1" },
		{ "allreduce-bottom3@g", "hcom_allReduce__1_4_1" },
	};
	const struct ap_comm_group *g;
	char op[32];
	int k;

	for (k = 0; k < 5; k++) {
		snprintf(op, sizeof(op), "hcom_allReduce__1_%d_1", k);
		task(op, "Memcpy", 10000 * (int64_t)k, 1000, size[k], "HCCS", 1, 0);
	}
	ck_assert_int_eq(ap_comm_analyse(&v, INT64_MIN, &c, &err), 0);
	ck_assert_int_eq(ap_comm_by_step(&c, NULL, 0, &err), 0);
	g = &c.msteps.v[0].g[1];
	ck_assert_uint_eq(g->nments, 6);
	for (k = 0; k < 6; k++) {
		const struct ap_comm_mentry *e = &c.ments.v[g->ment + k];

		ck_assert_str_eq(ap_strtab_get(&c.strs, e->name), want[k][0]);
		ck_assert_uint_eq(e->n, 1);
		if (want[k][1])
			ck_assert_str_eq(ap_strtab_get(&c.strs, c.mlinks.v[e->link].op_name),
					 want[k][1]);
		else
			ISF(c.mlinks.v[e->link].bw, 3.6); /* 18 KB in 5 us */
	}
}
END_TEST

START_TEST(us_to_ns)
{
	ck_assert_int_eq(ap_comm_us2ns(1764151200000208.5), 1764151200000208500LL);
	ck_assert_int_eq(ap_comm_us2ns(12.0), 12000);
	ck_assert_int_eq(ap_comm_us2ns(1.23456), 1234); /* truncated, not rounded */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("comm");
	TCase *tc = tcase_create("comm");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, time_and_bandwidth);
	tcase_add_test(tc, zero_denominators);
	tcase_add_test(tc, no_master_no_communication_json);
	tcase_add_test(tc, size_distribution_merge_and_steps);
	tcase_add_test(tc, one_step_takes_every_op);
	tcase_add_test(tc, step_of_op_touching_steps);
	tcase_add_test(tc, step_of_op_unordered_steps);
	tcase_add_test(tc, before_collection_start_dropped);
	tcase_add_test(tc, matrix_type_regex);
	tcase_add_test(tc, many_links_and_bins);
	tcase_add_test(tc, matrix_records_by_bandwidth_stable);
	tcase_add_test(tc, us_to_ns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
