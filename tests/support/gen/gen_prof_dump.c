/*
 * gen_prof_dump.c — writes the PROF_* directory: the side files of cann_prof_raw §1.3/§1.6 (info.json,
 * sample.json, start_info, end_info, host_start.log, and per device info.json.N, sample.json, start_info.N,
 * end_info.N, host_start.log.N, dev_start.log.N), the raw data as slices with .done companions (§1.4) and the
 * dictionaries hash_dic / type_info_dic (§2.6). Slices are cut at the configured size: host ones at a record
 * boundary, device ones too unless split is set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen_prof.h"

static int write_text(const char *dir, const char *name, const struct ap_gen_buf *b)
{
	char path[4096];
	if (ap_gen__join(path, sizeof(path), dir, name, NULL))
		return -1;
	return ap_gen__write_file(path, b->p ? (const void *)b->p : "", b->len);
}

/* "2025-11-26 10:00:00.000123" (UTC) from µs since the epoch. */
static void date_of(int64_t us, char *out, size_t cap)
{
	time_t s = (time_t)(us / 1000000);
	struct tm tm;
	if (!gmtime_r(&s, &tm) || !strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, cap, "1970-01-01 00:00:00");
	size_t n = strlen(out);
	snprintf(out + n, cap - n, ".%06lld", (long long)(us % 1000000));
}

static void info_json(const struct ap_gen_prof *p, const struct ap_gen_prof_dev *d, struct ap_gen_buf *b)
{
	ap_gen__printf(b, "{\"drvVersion\":467734,\"platform_version\":\"%d\",\"pid\":\"%llu\",\"pid_name\":\"python3\","
			  "\"hostname\":\"localhost\",\"version\":\"1.0\",",
		       p->chip, (unsigned long long)p->pid);
	if (d)
		ap_gen__printf(b, "\"devices\":\"%d\",", d->id);
	else /* host: the collector's host task has devices "64", which InfoJson::InitDeviceIds skips (hicann/runtime
	      * info_json.cpp), so host/info.json says "" as in real dumps */
		puts_(b, "\"devices\":\"\",");
	puts_(b, "\"CPU\":[{\"Id\":0,\"Name\":\"HiSilicon\",\"Frequency\":");
	ap_gen__json_str(b, (const unsigned char *)p->cpu.text, strlen(p->cpu.text));
	puts_(b, ",\"Logical_CPU_Count\":192,\"Type\":\"TaishanV110\"}],\"DeviceInfo\":[");
	if (d) {
		ap_gen__printf(b, "{\"id\":%d,\"env_type\":3,\"ctrl_cpu_id\":\"ARMv8_Cortex_A55\",\"ctrl_cpu_core_num\":1,"
				  "\"ts_cpu_core_num\":1,\"ai_cpu_core_num\":6,\"ai_core_num\":%u,\"aiv_num\":%u,",
			       d->id, d->ai_core_num, d->aiv_num);
		puts_(b, "\"hwts_frequency\":");
		ap_gen__json_str(b, (const unsigned char *)d->hwts.text, strlen(d->hwts.text));
		puts_(b, ",\"aic_frequency\":\"1800\",\"aiv_frequency\":\"1800\"}");
	}
	puts_(b, "]}");
}

/* sample.json is the collector's ProfileParams of one dir (hicann/runtime prof_manager.cpp CreateSampleJsonFile,
 * avp sample_json.c CreateSampleJson): "devices" is that dir's id, 64 (DEFAULT_HOST_ID) for host/, and the level
 * is written as "prof_level" in the level0/level1/level2 form (prof_acl_mgr.cpp ChangeLevelConf), as in real dumps. */
static void sample_json(const struct ap_gen_prof *p, int dev_id, struct ap_gen_buf *b)
{
	/* l0 / l1 / l2 -> level0 / level1 / level2; anything else verbatim */
	int short_form = p->level[0] == 'l' && p->level[1] >= '0' && p->level[1] <= '9' && !p->level[2];
	const char *lv = short_form ? p->level + 1 : p->level;

	ap_gen__printf(b, "{\"devices\":\"%d\",\"prof_level\":\"%s%s\",\"taskTime\":\"on\",\"taskTrace\":\"on\","
			  "\"ai_core_profiling_mode\":\"task-based\",\"ai_core_metrics\":\"PipeUtilization\","
			  "\"aiv_profiling_mode\":\"task-based\",\"aiv_metrics\":\"PipeUtilization\",\"hcclTrace\":\"on\","
			  "\"msproftx\":\"off\"}",
		       dev_id, short_form ? "level" : "", lv);
}

static void start_end(struct ap_gen_buf *b, const char *which, int64_t us, int64_t mono)
{
	char date[64];
	date_of(us, date, sizeof(date));
	ap_gen__printf(b, "{\"collectionDate%s\": \"%s\", \"clockMonotonicRaw\": \"%lld\", \"collectionTime%s\": \"%lld\"}",
		       which, date, (long long)mono, which, (long long)us);
}

static int side_dev(const struct ap_gen_prof *p, const struct ap_gen_prof_dev *d, const char *pdir)
{
	char dir[4096], sub[64], name[64];
	struct ap_gen_buf b = {0};
	int rc = 0;
	snprintf(sub, sizeof(sub), "device_%d", d->id);
	if (ap_gen__join(dir, sizeof(dir), pdir, sub, "data") || ap_gen__mkdirs(dir) ||
	    ap_gen__join(dir, sizeof(dir), pdir, sub, NULL))
		return -1;
	snprintf(name, sizeof(name), "info.json.%d", d->id);
	info_json(p, d, &b);
	rc |= write_text(dir, name, &b);
	b.len = 0;
	sample_json(p, d->id, &b);
	rc |= write_text(dir, "sample.json", &b);
	b.len = 0;
	snprintf(name, sizeof(name), "start_info.%d", d->id);
	start_end(&b, "Begin", d->begin_us, d->begin_mono);
	rc |= write_text(dir, name, &b);
	b.len = 0;
	snprintf(name, sizeof(name), "end_info.%d", d->id);
	start_end(&b, "End", p->end_us, p->end_mono);
	rc |= write_text(dir, name, &b);
	b.len = 0;
	snprintf(name, sizeof(name), "host_start.log.%d", d->id);
	ap_gen__printf(&b, "[Device%d]\nclock_monotonic_raw: %lld\ncntvct: %lld\ncntvct_diff: %lld\n", d->id,
		       (long long)d->host_mono, (long long)d->host_cnt, (long long)d->cnt_diff);
	rc |= write_text(dir, name, &b);
	b.len = 0;
	snprintf(name, sizeof(name), "dev_start.log.%d", d->id);
	/* no section line: msprof's MsTimeParser reads dev_start.log.N line by line as "key: value" and fails on
	 * "[DeviceN]"; real dev_start.log.N files have none */
	ap_gen__printf(&b, "clock_monotonic_raw: %lld\ncntvct: %lld\n", (long long)d->dev_mono, (long long)d->dev_cnt);
	rc |= write_text(dir, name, &b);
	free(b.p);
	return rc ? -1 : 0;
}

int ap_gen__prof_write_side(struct ap_gen_prof *p, const char *dumpdir)
{
	char pdir[4096], dir[4096];
	struct ap_gen_buf b = {0};
	int rc = 0;
	if (ap_gen__join(pdir, sizeof(pdir), dumpdir, p->name, NULL) ||
	    ap_gen__join(dir, sizeof(dir), pdir, "host", "data") || ap_gen__mkdirs(dir) ||
	    ap_gen__join(dir, sizeof(dir), pdir, "host", NULL))
		return -1;
	info_json(p, NULL, &b);
	rc |= write_text(dir, "info.json", &b);
	b.len = 0;
	sample_json(p, 64, &b);
	rc |= write_text(dir, "sample.json", &b);
	b.len = 0;
	start_end(&b, "Begin", p->begin_us, p->begin_mono);
	rc |= write_text(dir, "start_info", &b);
	b.len = 0;
	start_end(&b, "End", p->end_us, p->end_mono);
	rc |= write_text(dir, "end_info", &b);
	b.len = 0;
	ap_gen__printf(&b, "[Host]\nclock_monotonic_raw: %lld\ncntvct: %lld\ncntvct_diff: %lld\n",
		       (long long)p->host_mono, (long long)p->host_cnt, (long long)p->cnt_diff);
	rc |= write_text(dir, "host_start.log", &b);
	free(b.p);
	for (int i = 0; i < p->ndev && !rc; i++)
		rc |= side_dev(p, &p->devs[i], pdir);
	return rc ? -1 : 0;
}

/* PROF/host/data/STEM.slice_N or PROF/device_D/data/STEM.D.slice_N */
static int slice_path(const struct ap_gen_prof *p, const struct ap_gen_prof_file *f, const char *dumpdir,
		      char *out, size_t cap)
{
	int n;
	if (f->dev < 0)
		n = snprintf(out, cap, "%s/%s/host/data/%s.slice_%u", dumpdir, p->name, f->stem, f->slice_no);
	else
		n = snprintf(out, cap, "%s/%s/device_%d/data/%s.%d.slice_%u", dumpdir, p->name,
			     p->devs[f->dev].id, f->stem, p->devs[f->dev].id, f->slice_no);
	if (n < 0 || (size_t)n + 8 >= cap) {
		fprintf(stderr, "ap-gen: path too long under '%s'\n", dumpdir);
		return -1;
	}
	return 0;
}

static int close_slice(const struct ap_gen_prof *p, struct ap_gen_prof_file *f, const char *dumpdir)
{
	char path[4096];
	int rc = close(f->fd) != 0 ? -1 : 0;
	f->fd = -1;
	if (slice_path(p, f, dumpdir, path, sizeof(path)))
		return -1;
	if (rc)
		fprintf(stderr, "ap-gen: cannot write '%s': %s\n", path, strerror(errno));
	char done[64];
	int n = snprintf(done, sizeof(done), "filesize:%llu\n", (unsigned long long)f->slice_fill);
	size_t pl = strlen(path);
	snprintf(path + pl, sizeof(path) - pl, ".done");
	rc |= ap_gen__write_file(path, done, (size_t)n);
	f->slice_no++;
	f->slice_fill = 0;
	return rc;
}

static int put_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int flush_file(struct ap_gen_prof *p, struct ap_gen_prof_file *f, const char *dumpdir, int final)
{
	uint64_t cap = UINT64_MAX;
	if (p->slice) {
		cap = p->slice;
		if (f->dev < 0 || !p->split)
			cap = cap < f->recsize ? f->recsize : cap / f->recsize * f->recsize;
	}
	size_t off = 0;
	while (off < f->b.len) {
		if (f->fd < 0) {
			char path[4096];
			if (slice_path(p, f, dumpdir, path, sizeof(path)))
				return -1;
			f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (f->fd < 0) {
				fprintf(stderr, "ap-gen: cannot create '%s': %s\n", path, strerror(errno));
				return -1;
			}
		}
		uint64_t room = cap - f->slice_fill, n = f->b.len - off;
		if (n > room)
			n = room;
		if (put_all(f->fd, f->b.p + off, (size_t)n)) {
			fprintf(stderr, "ap-gen: write error under '%s': %s\n", dumpdir, strerror(errno));
			return -1;
		}
		off += (size_t)n;
		f->slice_fill += n;
		if (f->slice_fill == cap && close_slice(p, f, dumpdir))
			return -1;
	}
	f->b.len = 0;
	if (final && f->fd >= 0)
		return close_slice(p, f, dumpdir);
	return 0;
}

/* unaging.additional.hash_dic.slice_0 / type_info_dic.slice_0 (§2.6), first-use order. */
static int write_dics(const struct ap_gen_prof *p, const char *dumpdir)
{
	char path[4096];
	struct ap_gen_buf b = {0};
	int rc = 0;
	if (p->nhash) {
		for (size_t i = 0; i < p->nhash; i++) {
			ap_gen__printf(&b, "%llu:", (unsigned long long)p->hash[i].id);
			puts_(&b, p->hash[i].s);
			puts_(&b, "\n");
		}
		rc |= ap_gen__join(path, sizeof(path), dumpdir, p->name, "host/data/unaging.additional.hash_dic.slice_0") ||
		      ap_gen__write_file(path, b.p, b.len);
		if (!rc) {
			char done[64];
			int n = snprintf(done, sizeof(done), "filesize:%zu\n", b.len);
			size_t pl = strlen(path);
			snprintf(path + pl, sizeof(path) - pl, ".done");
			rc |= ap_gen__write_file(path, done, (size_t)n);
		}
	}
	b.len = 0;
	if (p->ntype) {
		for (size_t i = 0; i < p->ntype; i++) {
			ap_gen__printf(&b, "%u_%u:", p->types[i].level, p->types[i].type);
			puts_(&b, p->types[i].name);
			puts_(&b, "\n");
		}
		rc |= ap_gen__join(path, sizeof(path), dumpdir, p->name,
				   "host/data/unaging.additional.type_info_dic.slice_0") ||
		      ap_gen__write_file(path, b.p, b.len);
		if (!rc) {
			char done[64];
			int n = snprintf(done, sizeof(done), "filesize:%zu\n", b.len);
			size_t pl = strlen(path);
			snprintf(path + pl, sizeof(path) - pl, ".done");
			rc |= ap_gen__write_file(path, done, (size_t)n);
		}
	}
	free(b.p);
	return rc ? -1 : 0;
}

/* The data/ dirs that got no slice are removed: git keeps no empty directory, so a committed
 * dump could not hold them (and a collector that wrote nothing there is what they model). */
static void drop_empty_data_dirs(const struct ap_gen_prof *p, const char *dumpdir)
{
	char path[4096];

	if (!ap_gen__join(path, sizeof(path), dumpdir, p->name, "host/data"))
		(void)rmdir(path);
	for (int i = 0; i < p->ndev; i++) {
		char sub[64];

		snprintf(sub, sizeof(sub), "device_%d/data", p->devs[i].id);
		if (!ap_gen__join(path, sizeof(path), dumpdir, p->name, sub))
			(void)rmdir(path);
	}
}

int ap_gen__prof_flush(struct ap_gen_prof *p, const char *dumpdir, int final)
{
	for (int i = 0; i < p->nfiles; i++)
		if (flush_file(p, &p->files[i], dumpdir, final))
			return -1;
	if (!final)
		return 0;
	if (write_dics(p, dumpdir))
		return -1;
	drop_empty_data_dirs(p, dumpdir);
	return 0;
}
