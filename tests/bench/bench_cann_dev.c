/* Times the device-side decode (cann_prof_raw §3.1): a synthetic stars_soc stream of ACSQ and FFTS+
 * start/end records (every 16th record another funcType), cut into 4 slices, decoded by
 * ap_cann_dev_load_mem, then ap_cann_pair and the clock conversion of every task. With a directory
 * argument the slices are also written there and read back through ap_cann_dev_load (files in the
 * page cache). Prints one line per step: bytes, records, CPU seconds, GB/s per core. Not a test.
 * usage: bench-cann-dev [MB [DIR]]   (default 256 MB) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ap/cann_clock.h"
#include "ap/cann_dev.h"
#include "ap/cann_dev_load.h"
#include "ap/cann_meta.h"
#include "ap/cann_pair.h"
#include "ap/diag.h"
#include "ap/err.h"

/* CPU time of the process (user + system: first touches of new table pages count): on a
 * loaded machine the wall clock measures the neighbours. */
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Record i of the stream: pairs of start/end on 32 streams, half ACSQ, half FFTS+. */
static void make(uint8_t *p, size_t n)
{
	size_t i;
	uint64_t t = 1000000;

	memset(p, 0, n * 64);
	for (i = 0; i < n; i++, p += 64) {
		size_t pairno = i / 2;
		unsigned end = i & 1, ffts = (pairno >> 3) & 1, func;

		if (i % 16 == 15) {
			put16(p, 24);                   /* QoS: counted, skipped */
			put16(p + 2, 0x6BD3);
			continue;
		}
		func = ffts ? 34 + end : end;
		put16(p, func | (unsigned)(i & 15) << 6 | (ffts ? 0 : 2u) << 10);
		put16(p + 2, 0x6BD3);
		put16(p + 4, (unsigned)(pairno % 32));
		put16(p + 6, (unsigned)(pairno / 32) & 0xFFFF);
		t += 37;
		put64(p + 8, t);
		if (ffts) {
			p[16] = 6;
			put16(p + 18, (unsigned)(pairno % 3));
		}
	}
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 256, n, i, cut[5];
	struct ap_cann_dev_opts o = { 0, "bench/device_0/data", NULL };
	const char *names[4] = { "stars_soc.data.0.slice_0", "stars_soc.data.0.slice_1",
				 "stars_soc.data.0.slice_2", "stars_soc.data.0.slice_3" };
	const uint8_t *dp[4];
	size_t len[4];
	struct ap_err err = AP_ERR_INIT;
	struct ap_cann_clock c = { 49.999001, 1000000, 886787998142270ull, 1786617218803227480ll, 0 };
	struct ap_cann_pair_stats st;
	struct ap_cann_tasks tasks;
	struct ap_cann_dev d;
	struct ap_diag diag;
	uint8_t *buf;
	double t0, t1;
	int64_t sum = 0;

	n = mb * ((size_t)1 << 20) / 64;
	buf = malloc(n * 64);
	if (!buf || !n) {
		fprintf(stderr, "bench-cann-dev: out of memory\n");
		return 1;
	}
	make(buf, n);
	/* slice cuts that split records */
	cut[0] = 0;
	cut[1] = n * 64 / 4 + 13;
	cut[2] = n * 64 / 2 + 50;
	cut[3] = n * 64 / 4 * 3 + 1;
	cut[4] = n * 64;
	for (i = 0; i < 4; i++) {
		dp[i] = buf + cut[i];
		len[i] = cut[i + 1] - cut[i];
	}
	ap_cann_dev_init(&d, 0);
	ap_diag_init(&diag);
	t0 = now();
	if (ap_cann_dev_load_mem(&d, 4, names, dp, len, AP_CANN_LOGS_STARS, &o, &diag, &err) < 0) {
		fprintf(stderr, "bench-cann-dev: %s\n", err.msg.buf);
		return 1;
	}
	t1 = now();
	printf("stars_soc decode (memory): %zu bytes, %zu records, %zu task logs, %.3f s, %.2f GB/s\n",
	       n * 64, n, d.logs.n, t1 - t0, (double)(n * 64) / (t1 - t0) / 1e9);
	/* again into the same table: decode alone, without first touches of fresh pages */
	{
		struct ap_cann_dev d2 = d;

		d2.logs.n = 0;
		ap_cann_dev_init(&d, 0);
		d.logs = d2.logs;
		t0 = now();
		if (ap_cann_dev_load_mem(&d, 4, names, dp, len, AP_CANN_LOGS_STARS, &o, &diag,
					 &err) < 0) {
			fprintf(stderr, "bench-cann-dev: %s\n", err.msg.buf);
			return 1;
		}
		t1 = now();
		printf("stars_soc decode (memory, table warm): %zu bytes, %.3f s, %.2f GB/s\n",
		       n * 64, t1 - t0, (double)(n * 64) / (t1 - t0) / 1e9);
	}
	memset(&tasks, 0, sizeof(tasks));
	t0 = now();
	if (ap_cann_pair(&d, &tasks, &st, &err) < 0) {
		fprintf(stderr, "bench-cann-dev: %s\n", err.msg.buf);
		return 1;
	}
	t1 = now();
	printf("pairing: %zu logs, %zu tasks, %.3f s, %.1f M logs/s\n", d.logs.n, tasks.v.n, t1 - t0,
	       (double)d.logs.n / (t1 - t0) / 1e6);
	t0 = now();
	for (i = 0; i < tasks.v.n; i++)
		sum += ap_cann_clock_local(&c, tasks.v.v[i].start) +
		       ap_cann_clock_local(&c, tasks.v.v[i].end);
	t1 = now();
	printf("clock: %zu conversions, %.3f s, %.1f ns each (checksum %lld)\n", 2 * tasks.v.n,
	       t1 - t0, (t1 - t0) / (double)(2 * tasks.v.n) * 1e9, (long long)(sum & 0xFFFF));
	ap_cann_tasks_release(&tasks);
	ap_cann_dev_release(&d);
	if (argc > 2) {
		char path[4096];

		for (i = 0; i < 4; i++) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s", argv[2], names[i]);
			f = fopen(path, "wb");
			if (!f || fwrite(dp[i], 1, len[i], f) != len[i] || fclose(f)) {
				fprintf(stderr, "bench-cann-dev: cannot write '%s'\n", path);
				return 1;
			}
		}
		ap_cann_dev_init(&d, 0);
		t0 = now();
		if (ap_cann_dev_load(&d, argv[2], AP_CANN_LOGS_STARS, &o, &diag, &err) < 0) {
			fprintf(stderr, "bench-cann-dev: %s\n", err.msg.buf);
			return 1;
		}
		t1 = now();
		printf("stars_soc decode (files, page cache): %zu bytes, %zu task logs, %.3f s, %.2f GB/s\n",
		       n * 64, d.logs.n, t1 - t0, (double)(n * 64) / (t1 - t0) / 1e9);
		ap_cann_dev_release(&d);
	}
	ap_diag_release(&diag);
	ap_err_release(&err);
	free(buf);
	return 0;
}
