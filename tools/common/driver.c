#include <pthread.h>
#include <stdio.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "driver.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Without -j: OMP_NUM_THREADS when set, else one thread per core. */
static int default_threads(void)
{
#ifdef _OPENMP
	return omp_get_max_threads();
#else
	return 1;
#endif
}

/* The memory a dump frees (sort scratch, finished tables, in the end its whole model) is kept
 * by the process for the next table or dump instead of going back to the kernel, never
 * trimmed. By default glibc gives each large block (from 128 KiB, a threshold that rises with
 * what is freed, up to 32 MiB) a mapping of its own and unmaps it on free, so every reuse comes
 * back as fresh pages, each a page fault: several µs apiece on a virtual machine.
 *
 * One dump at a time: one heap (one arena, no mappings of its own). 160 MB dump, -j 1: 41 000
 * faults become 29 000, and 4 dumps in a row take 29 000 instead of 121 000. Its one lock is no
 * contention for a dump's tasks however many threads run them: tables are allocated whole, up
 * front (a 160 MB dump makes 339 allocations in all).
 *
 * Dumps side by side: not one heap, where their tables would interleave and what one frees
 * leaves holes the next cannot always use (peak memory 1.3-1.8 times glibc's over 4 and 8 dumps
 * with -j 2). Each thread keeps glibc's heap of its own, and only blocks over 32 MiB get
 * mappings (on 64-bit systems the largest threshold glibc takes: a thread's heap cannot hold
 * more). Paired runs, 160 MB dumps with -j 2: two dumps, 82 000 page faults become 70 500, wall
 * 0.95 of before, peak 218 -> 231 MiB; four dumps, 140 000 become 108 000, wall 0.97, peak 230
 * -> 249 MiB. */
static void keep_freed_memory(int side_by_side)
{
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, -1);
	if (side_by_side) {
		mallopt(M_MMAP_THRESHOLD, 32 << 20);
	} else {
		mallopt(M_ARENA_MAX, 1);
		mallopt(M_MMAP_MAX, 0);
	}
#else
	(void)side_by_side;
#endif
}

/* One run over the jobs; done counts finished jobs, under lock, signalled on each. */
struct run {
	struct ap_job *jobs;
	size_t n;
	int threads;
	const struct ap_analyse_opts *o;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t done;
};

/* The parallel region: each job writes only its own result; no stream is touched here
 * (CONVENTIONS §6). */
static void run_jobs(struct run *r)
{
	long i;

#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(r->threads)
#endif
	for (i = 0; i < (long)r->n; i++) {
		r->jobs[i].ret = ap_analyse_pt(r->jobs[i].dir, r->o, &r->jobs[i].res);
		pthread_mutex_lock(&r->lock);
		r->done++;
		pthread_cond_signal(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
}

static void *run_thread(void *arg)
{
	run_jobs(arg);
	return NULL;
}

static void show_progress(size_t done, size_t n)
{
	fprintf(stderr, "\ranalysing: %zu/%zu dumps", done, n);
	fflush(stderr);
}

void ap_driver_run(struct ap_job *jobs, size_t n, int threads, int progress,
		   const struct ap_analyse_opts *o)
{
	struct run r;
	pthread_t t;
	size_t shown = 0, now;
	int started, total;
	struct ap_analyse_opts opts = *o;

	if (threads <= 0)
		threads = default_threads();
	total = threads;
	if ((size_t)threads > n)
		threads = n ? (int)n : 1;
	keep_freed_memory(threads > 1);
	/* threads left over when there are fewer dumps than threads go to the dumps' own
	 * independent parts (CONVENTIONS §6): one big rank uses the cores too. With one thread
	 * per dump, a dump's parts are tasks of this team (ap_pipeline__in_team): a thread done
	 * with its dumps takes up those of a dump still running. */
	opts.threads = total / threads;
#ifdef _OPENMP
	if (opts.threads > omp_get_num_procs())
		opts.threads = omp_get_num_procs();
	if (opts.threads > 1)
		omp_set_max_active_levels(2);
#endif
	r.jobs = jobs;
	r.n = n;
	r.threads = threads;
	r.o = &opts;
	r.done = 0;
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	if (!progress) {
		run_jobs(&r);
		goto out;
	}
	/* The analysis runs in its own thread; this one, outside the parallel region, draws
	 * the progress line. Every count from 0 to n is drawn once, in order, so what reaches
	 * stderr does not depend on timing or the number of threads. */
	show_progress(0, n);
	started = pthread_create(&t, NULL, run_thread, &r) == 0;
	if (!started)
		run_jobs(&r); /* no thread to spare: the counts are drawn afterwards */
	pthread_mutex_lock(&r.lock);
	while (shown < n) {
		while (r.done == shown)
			pthread_cond_wait(&r.cond, &r.lock);
		now = r.done;
		pthread_mutex_unlock(&r.lock);
		while (shown < now)
			show_progress(++shown, n);
		pthread_mutex_lock(&r.lock);
	}
	pthread_mutex_unlock(&r.lock);
	if (started)
		pthread_join(t, NULL);
	fputc('\n', stderr);
out:
	pthread_cond_destroy(&r.cond);
	pthread_mutex_destroy(&r.lock);
}
