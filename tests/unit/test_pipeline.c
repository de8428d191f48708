/* Unit tests of lib/pipeline's pieces runner (ap_pipeline__pieces, write_pair.c): one file's
 * pieces formatted side by side in a team of four come out in order, as ap_pieces_serial writes
 * them, with the separator of the file's first element dropped, within the bound on buffers held,
 * with several workers at it, and failures reported: workers that all fail to set up, a piece out
 * of memory; some workers failing leaves the rest to the others. Without OpenMP the runner is the
 * serial one and what needs a team is not asserted. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "ap/out.h"
#include "ap/status.h"
#include "../../lib/pipeline/pipeline_local.h"
#include "../../lib/base/banned.h"

static char tmp_dir[256];

static void dir_setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp_dir, sizeof(tmp_dir), "%s/ap_pipeline_XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
}

static void dir_teardown(void)
{
	char p[512];
	static const char *const names[] = { "team.txt", "serial.txt" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmp_dir, names[i]);
		unlink(p);
	}
	rmdir(tmp_dir);
}

/* The whole file tmp_dir/name, NUL-terminated, *len bytes (caller frees). */
static char *slurp(const char *name, size_t *len)
{
	char p[512];
	FILE *f;
	char *b;
	long n;

	snprintf(p, sizeof(p), "%s/%s", tmp_dir, name);
	f = fopen(p, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	b = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* ---- pieces of numbered elements ---- */

struct elems {
	size_t (*count)(size_t piece); /* elements of a piece */
	int init_fails;                /* 1: every set-up fails; 2: the first only */
	size_t fail_piece;             /* a piece that runs out of memory, or SIZE_MAX */
	size_t inits;                  /* worker set-ups, counted atomically */
	int slow_first;                /* piece 0 waits while the others run */
	size_t max_during_first;       /* highest piece begun while piece 0 was running */
	int first_running;
};

struct worker {
	int ready;
	size_t pieces;
};

static int w_init(void *w, const void *ctx)
{
	struct elems *e = (struct elems *)ctx;

	size_t k = __atomic_fetch_add(&e->inits, 1, __ATOMIC_SEQ_CST);

	if (e->init_fails == 1 || (e->init_fails == 2 && k == 0))
		return AP_ENOMEM;
	((struct worker *)w)->ready = 1;
	return 0;
}

/* Piece i: elements "i.k" for k below count(i), each after ", " unless it is the file's first. */
static int w_piece(struct ap_out *o, void *wv, size_t i, int *first, const void *ctx)
{
	struct elems *e = (struct elems *)ctx;
	struct worker *w = wv;
	size_t k, n = e->count(i);
	char b[64];

	ck_assert_int_eq(w->ready, 1);
	w->pieces++;
	if (e->slow_first && i == 0) {
		struct timespec more = { 0, 50 * 1000 * 1000 };

		__atomic_store_n(&e->first_running, 1, __ATOMIC_SEQ_CST);
#ifdef _OPENMP
		struct timespec ms = { 0, 1000 * 1000 };

		/* in a team, until another worker has begun a piece (up to 10 s: a loaded machine
		 * may start the team's threads late; a fixed wait failed 1 suite run in 25 there) */
		for (k = 0; omp_get_num_threads() > 1 && k < 10000 &&
			    !__atomic_load_n(&e->max_during_first, __ATOMIC_SEQ_CST);
		     k++)
			nanosleep(&ms, NULL);
#endif
		/* then time for any worker to go past the bound */
		nanosleep(&more, NULL);
		__atomic_store_n(&e->first_running, 0, __ATOMIC_SEQ_CST);
	} else if (e->slow_first && __atomic_load_n(&e->first_running, __ATOMIC_SEQ_CST)) {
		size_t m = __atomic_load_n(&e->max_during_first, __ATOMIC_SEQ_CST);

		while (i > m && !__atomic_compare_exchange_n(&e->max_during_first, &m, i, 0,
							      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
	}
	for (k = 0; k < n; k++) {
		if (!*first)
			ap_out_write(o, ", ", 2);
		*first = 0;
		ap_out_write(o, b, (size_t)snprintf(b, sizeof(b), "%zu.%zu", i, k));
	}
	return i == e->fail_piece ? AP_ENOMEM : 0;
}

static struct ap_pieces pieces_of(struct elems *e, size_t n)
{
	struct ap_pieces p;

	memset(&p, 0, sizeof(p));
	p.n = n;
	p.piece = w_piece;
	p.init = w_init;
	p.worker_size = sizeof(struct worker);
	p.ctx = e;
	p.sep_len = 2;
	return p;
}

/* What a team's task runs: the pieces into tmp_dir/name between brackets. */
struct job {
	const char *name;
	const struct ap_pieces *p;
	int serial;
	int ret, first;
};

static void job_body(void *v)
{
	struct job *j = v;
	struct ap_out o;
	struct ap_err err = AP_ERR_INIT;

	ck_assert_int_eq(ap_out_open(&o, tmp_dir, j->name, &err), 0);
	ap_out_putc(&o, '[');
	j->first = 1;
	j->ret = (j->serial ? ap_pieces_serial : ap_pipeline__pieces)(&o, j->p, &j->first);
	ap_out_putc(&o, ']');
	ck_assert_int_eq(ap_out_commit(&o, &err), 0);
	ap_err_release(&err);
}

/* Runs p in a team of four into team.txt. */
static void run_team(const struct ap_pieces *p, struct job *team)
{
	team->name = "team.txt";
	team->p = p;
	team->serial = 0;
	ap_pipeline__in_team(job_body, team, 4);
}

/* Runs p serially into serial.txt and in a team of four into team.txt. */
static void run_both(const struct ap_pieces *p, struct job *serial, struct job *team)
{
	serial->name = "serial.txt";
	serial->p = p;
	serial->serial = 1;
	job_body(serial);
	run_team(p, team);
}

/* Mixed sizes: empty pieces, small ones, and ones beyond an output buffer (AP_OUT_BUFSZ). */
static size_t mixed(size_t i)
{
	if (i % 7 == 3)
		return 0;
	if (i % 53 == 5)
		return 40000; /* about 300 KB */
	return 1 + i % 13;
}

START_TEST(pieces_in_order)
{
	struct elems e = { mixed, 0, SIZE_MAX, 0, 0, 0, 0 };
	struct ap_pieces p = pieces_of(&e, 400);
	struct job s, t;
	size_t ls, lt;
	char *a, *b;

	run_both(&p, &s, &t);
	ck_assert_int_eq(s.ret, 0);
	ck_assert_int_eq(t.ret, 0);
	ck_assert_int_eq(s.first, 0);
	ck_assert_int_eq(t.first, 0);
	a = slurp("serial.txt", &ls);
	b = slurp("team.txt", &lt);
	ck_assert_uint_gt(ls, 2 * AP_OUT_BUFSZ);
	ck_assert_mem_eq(a, "[0.0, 1.0, 1.1, 2.0, ", 21);
	ck_assert_uint_eq(ls, lt);
	ck_assert_mem_eq(a, b, ls);
	/* each worker set up once: one for the serial run, at most four in the team */
	ck_assert_uint_ge(e.inits, 2);
	ck_assert_uint_le(e.inits, 5);
	free(a);
	free(b);
}
END_TEST

static size_t leading_empty(size_t i)
{
	return i < 5 ? 0 : 2;
}

static size_t none(size_t i)
{
	(void)i;
	return 0;
}

START_TEST(pieces_first_separator)
{
	struct elems e = { leading_empty, 0, SIZE_MAX, 0, 0, 0, 0 };
	struct ap_pieces p = pieces_of(&e, 7);
	struct job s, t;
	size_t ls, lt;
	char *a, *b;

	/* pieces 0-4 write nothing: the file's first element is piece 5's, without ", " */
	run_both(&p, &s, &t);
	a = slurp("serial.txt", &ls);
	b = slurp("team.txt", &lt);
	ck_assert_str_eq(a, "[5.0, 5.1, 6.0, 6.1]");
	ck_assert_str_eq(b, "[5.0, 5.1, 6.0, 6.1]");
	ck_assert_int_eq(t.first, 0);
	free(a);
	free(b);

	/* nothing at all: the flag comes back set */
	e.count = none;
	run_both(&p, &s, &t);
	a = slurp("team.txt", &lt);
	ck_assert_str_eq(a, "[]");
	ck_assert_int_eq(s.first, 1);
	ck_assert_int_eq(t.first, 1);
	free(a);
}
END_TEST

static size_t one(size_t i)
{
	(void)i;
	return 1;
}

START_TEST(pieces_bounded)
{
	struct elems e = { one, 0, SIZE_MAX, 0, 1, 0, 0 };
	struct ap_pieces p = pieces_of(&e, 200);
	struct job s, t;
	size_t lt;
	char *b;

	/* While piece 0 is formatted nothing can be written, so the others wait once two
	 * buffers per worker are taken: no piece beyond the eighth is begun. */
	run_both(&p, &s, &t);
	ck_assert_int_eq(t.ret, 0);
	ck_assert_uint_lt(e.max_during_first, 8);
#ifdef _OPENMP
	/* and side by side: other workers began pieces meanwhile */
	ck_assert_uint_ge(e.max_during_first, 1);
#endif
	b = slurp("team.txt", &lt);
	ck_assert_mem_eq(b, "[0.0, 1.0, 2.0, ", 16);
	ck_assert_mem_eq(b + lt - 8, ", 199.0]", 8);
	free(b);
}
END_TEST

START_TEST(pieces_init_fails)
{
	struct elems e = { one, 1, SIZE_MAX, 0, 0, 0, 0 };
	struct ap_pieces p = pieces_of(&e, 10);
	struct job s, t;

	run_both(&p, &s, &t);
	ck_assert_int_eq(s.ret, AP_ENOMEM);
	ck_assert_int_eq(t.ret, AP_ENOMEM);
}
END_TEST

START_TEST(pieces_piece_fails)
{
	struct elems e = { mixed, 0, 77, 0, 0, 0, 0 };
	struct ap_pieces p = pieces_of(&e, 300);
	struct job s, t;

	/* a piece out of memory gives the file up, serially and side by side */
	run_both(&p, &s, &t);
	ck_assert_int_eq(s.ret, AP_ENOMEM);
	ck_assert_int_eq(t.ret, AP_ENOMEM);
}
END_TEST

START_TEST(pieces_some_workers_fail)
{
	struct elems e = { mixed, 0, SIZE_MAX, 0, 0, 0, 0 };
	struct ap_pieces p = pieces_of(&e, 300);
	struct job s, t;
	size_t ls;
	char *a;

	/* the serial bytes first, then a team whose first worker to set up fails */
	run_both(&p, &s, &t);
	a = slurp("serial.txt", &ls);
	e.init_fails = 2;
	e.inits = 0;
	run_team(&p, &t);
#ifdef _OPENMP
	size_t lt;
	char *b;

	ck_assert_int_eq(t.ret, 0);
	b = slurp("team.txt", &lt);
	ck_assert_uint_eq(ls, lt);
	ck_assert_mem_eq(a, b, ls);
	free(b);
#else
	ck_assert_int_eq(t.ret, AP_ENOMEM); /* the one worker there is */
#endif
	free(a);
}
END_TEST

static Suite *pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("pieces");

	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, pieces_in_order);
	tcase_add_test(tc, pieces_first_separator);
	tcase_add_test(tc, pieces_bounded);
	tcase_add_test(tc, pieces_init_fails);
	tcase_add_test(tc, pieces_piece_fails);
	tcase_add_test(tc, pieces_some_workers_fail);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pipeline_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
