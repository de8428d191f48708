/*
 * gen_prof.c — the PROF_* part of a dump: its state (files, dictionaries, streams), the CANN clocks of
 * cann_prof_raw §3.6 and torch_npu §4 (forward and inverted), and the dump-level prof directives (see gen_main.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_prof.h"

__extension__ typedef __int128 i128;

struct ap_gen_prof *ap_gen__prof_new(void)
{
	struct ap_gen_prof *p = calloc(1, sizeof(*p));
	if (!p)
		ap_gen__oom();
	for (int i = 0; i < AP_GEN_PROF_FILES; i++)
		p->files[i].fd = -1;
	return p;
}

void ap_gen__prof_free(struct ap_gen_prof *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nfiles; i++)
		free(p->files[i].b.p);
	for (size_t i = 0; i < p->nhash; i++)
		free(p->hash[i].s);
	for (size_t i = 0; i < p->ntype; i++)
		free(p->types[i].name);
	free(p->hash);
	free(p->types);
	free(p);
}

/* ---------------------------------------------------------------- clocks */

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

int ap_gen__freq_parse(const char *text, struct ap_gen_freq *f)
{
	uint64_t num = 0, den = 1;
	int frac = -1, digits = 0;
	if (strlen(text) >= sizeof(f->text))
		return -1;
	for (const char *c = text; *c; c++) {
		if (*c == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*c < '0' || *c > '9' || num > UINT64_MAX / 100 || den > UINT64_MAX / 100)
			return -1;
		num = num * 10 + (uint64_t)(*c - '0');
		digits++;
		if (frac >= 0)
			den *= 10;
	}
	if (*text && (!digits || num == 0))
		return -1;
	memmove(f->text, text, strlen(text) + 1);
	uint64_t g = num ? gcd(num, den) : 1;
	f->num = num / g;
	f->den = den / g;
	return 0;
}

int64_t ap_gen__freq_ns(const struct ap_gen_freq *f, int64_t d)
{
	i128 x = (i128)d * 1000 * (i128)f->den;
	return (int64_t)(x / (i128)f->num); /* C division truncates toward zero */
}

int64_t ap_gen__freq_ticks(const struct ap_gen_freq *f, int64_t ns, int *exact)
{
	if (ns < 0) {
		int64_t d = -ap_gen__freq_ticks(f, -ns, exact);
		return d;
	}
	i128 a = (i128)ns * (i128)f->num, b = (i128)1000 * (i128)f->den;
	int64_t d = (int64_t)((a + b - 1) / b); /* smallest d with freq_ns(d) >= ns */
	int64_t hi = ap_gen__freq_ns(f, d);
	*exact = hi == ns;
	if (*exact || d == 0)
		return d;
	int64_t lo = ap_gen__freq_ns(f, d - 1);
	if (ns - lo <= hi - ns) {
		/* the earliest tick giving lo */
		int e;
		return ap_gen__freq_ticks(f, lo, &e);
	}
	return d;
}

int ap_gen__prof_host_ticks(const struct ap_gen_prof *p)
{
	return p->cpu.num && !(p->cpu.num == 1000 * p->cpu.den);
}

static int64_t host_diff(const struct ap_gen_prof *p) { return p->begin_us * 1000 - p->begin_mono; }

static int64_t dev_diff(const struct ap_gen_prof_dev *d) { return d->begin_us * 1000 - d->begin_mono; }

/* host_start.log.N clock_monotonic_raw corrected by cntvct_diff (§3.6). */
static int64_t dev_ref(const struct ap_gen_prof *p, const struct ap_gen_prof_dev *d)
{
	int64_t m = d->host_mono;
	if (p->cpu.num && d->cnt_diff)
		m += ap_gen__freq_ns(&p->cpu, d->cnt_diff);
	return m;
}

uint64_t ap_gen__prof_host_at(const struct ap_gen_prof *p, int64_t local, int *exact)
{
	int64_t mono = local - host_diff(p);
	*exact = 1;
	if (!ap_gen__prof_host_ticks(p))
		return (uint64_t)mono;
	return (uint64_t)(p->host_cnt + ap_gen__freq_ticks(&p->cpu, mono - p->host_mono, exact));
}

int64_t ap_gen__prof_host_local(const struct ap_gen_prof *p, uint64_t raw)
{
	int64_t mono = (int64_t)raw;
	if (ap_gen__prof_host_ticks(p))
		mono = p->host_mono + ap_gen__freq_ns(&p->cpu, (int64_t)raw - p->host_cnt);
	return mono + host_diff(p);
}

uint64_t ap_gen__prof_dev_at(const struct ap_gen_prof *p, int dev, int64_t local, int *exact)
{
	const struct ap_gen_prof_dev *d = &p->devs[dev];
	int64_t mono = local - dev_diff(d);
	return (uint64_t)(d->dev_cnt + ap_gen__freq_ticks(&d->hwts, mono - dev_ref(p, d), exact));
}

int64_t ap_gen__prof_dev_local(const struct ap_gen_prof *p, int dev, uint64_t raw)
{
	const struct ap_gen_prof_dev *d = &p->devs[dev];
	return dev_ref(p, d) + ap_gen__freq_ns(&d->hwts, (int64_t)raw - d->dev_cnt) + dev_diff(d);
}

void ap_gen__prof_fw_clock(const struct ap_gen_prof *p, double *freq, int64_t *cnt, int64_t *mono, int64_t *diff)
{
	char *end;
	double f = strtod(p->cpu.text, &end);
	/* torch_npu: CPU[0].Frequency when it parses as a number, else the default 100 */
	*freq = p->cpu.text[0] && !*end && f > 0 ? f : 100.0;
	*cnt = p->host_cnt;
	*mono = p->host_mono;
	*diff = host_diff(p);
}

/* ---------------------------------------------------------------- state */

void ap_gen__prof_defaults(struct ap_gen_prof *p, const char *name, uint64_t pid)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->chip = 5;
	snprintf(p->level, sizeof(p->level), "l1");
	p->pid = pid; /* 0: the scenario's pid when the dump is written */
	p->aging = 1;
	ap_gen__freq_parse("100.000000", &p->cpu);
}

int ap_gen__prof_dev(struct ap_gen_prof *p, int id)
{
	for (int i = 0; i < p->ndev; i++)
		if (p->devs[i].id == id)
			return i;
	if (p->ndev == AP_GEN_PROF_DEVS)
		return -1;
	struct ap_gen_prof_dev *d = &p->devs[p->ndev];
	memset(d, 0, sizeof(*d));
	d->id = id;
	ap_gen__freq_parse("50", &d->hwts);
	/* synchronised 1 ms after the host reference; the device counter an arbitrary large value */
	d->host_mono = p->host_mono + 1000000;
	d->host_cnt = p->host_cnt;
	if (ap_gen__prof_host_ticks(p)) {
		int e;
		d->host_cnt += ap_gen__freq_ticks(&p->cpu, 1000000, &e);
	}
	d->dev_cnt = 80000000000 + 1000000 * (int64_t)id;
	d->dev_mono = 5000000000000 + 7;
	d->begin_us = p->begin_us;
	d->begin_mono = p->begin_mono;
	d->ai_core_num = p->chip == 1 ? 32 : 24;
	d->aiv_num = p->chip == 1 ? 0 : 48;
	return p->ndev++;
}

struct ap_gen_prof_file *ap_gen__prof_file(struct ap_gen_prof *p, const char *stem, int dev, unsigned rec)
{
	for (int i = 0; i < p->nfiles; i++)
		if (p->files[i].dev == dev && strcmp(p->files[i].stem, stem) == 0)
			return &p->files[i];
	if (p->nfiles == AP_GEN_PROF_FILES || strlen(stem) >= sizeof(p->files[0].stem)) {
		fprintf(stderr, "ap-gen: too many PROF files or name too long: '%s'\n", stem);
		exit(1);
	}
	struct ap_gen_prof_file *f = &p->files[p->nfiles++];
	snprintf(f->stem, sizeof(f->stem), "%s", stem);
	f->dev = dev;
	f->recsize = rec;
	f->fd = -1;
	return f;
}

struct ap_gen_buf *ap_gen__prof_host_buf(struct ap_gen_prof *p, const char *kind, const char *type, unsigned rec)
{
	char stem[80];
	snprintf(stem, sizeof(stem), "%s.%s.%s", p->aging ? "aging" : "unaging", kind, type);
	return &ap_gen__prof_file(p, stem, -1, rec)->b;
}

struct ap_gen_buf *ap_gen__prof_dev_buf(struct ap_gen_prof *p, int dev, const char *stem, unsigned rec)
{
	return &ap_gen__prof_file(p, stem, dev, rec)->b;
}

uint64_t ap_gen__prof_hash(struct ap_gen_prof *p, const char *s)
{
	uint64_t id = ap_gen__fnv1a((const unsigned char *)s, strlen(s));
	for (size_t i = p->nhash; i-- > 0;)
		if (p->hash[i].id == id && strcmp(p->hash[i].s, s) == 0)
			return id;
	if (p->nhash == p->caphash) {
		p->caphash = p->caphash ? 2 * p->caphash : 64;
		p->hash = realloc(p->hash, p->caphash * sizeof(*p->hash));
		if (!p->hash)
			ap_gen__oom();
	}
	p->hash[p->nhash].id = id;
	p->hash[p->nhash++].s = ap_gen__xstrdup(s, strlen(s));
	return id;
}

void ap_gen__prof_type(struct ap_gen_prof *p, uint32_t level, uint32_t type, const char *name)
{
	for (size_t i = 0; i < p->ntype; i++)
		if (p->types[i].level == level && p->types[i].type == type)
			return;
	if (p->ntype == p->captype) {
		p->captype = p->captype ? 2 * p->captype : 64;
		p->types = realloc(p->types, p->captype * sizeof(*p->types));
		if (!p->types)
			ap_gen__oom();
	}
	p->types[p->ntype].level = level;
	p->types[p->ntype].type = type;
	p->types[p->ntype++].name = ap_gen__xstrdup(name, strlen(name));
}

uint32_t ap_gen__prof_acl_type(struct ap_gen_prof *p, const char *api)
{
	/* §2.1 ACL API family tags, chosen from the name's prefix */
	uint32_t tag = strncmp(api, "aclnn", 5) == 0   ? 0x05
		       : strncmp(api, "aclrt", 5) == 0 ? 0x03
		       : strncmp(api, "aclop", 5) == 0 ? 0x01
		       : strncmp(api, "Hccl", 4) == 0  ? 0x07
						       : 0x04;
	for (size_t i = 0; i < p->ntype; i++)
		if (p->types[i].level == LV_ACL && strcmp(p->types[i].name, api) == 0)
			return p->types[i].type;
	uint32_t type = tag << 16 | ++p->acl_next[tag];
	ap_gen__prof_type(p, LV_ACL, type, api);
	return type;
}

struct ap_gen_prof_stream *ap_gen__prof_stream(struct ap_gen_prof *p, int dev, uint32_t stream)
{
	for (int i = 0; i < p->nstreams; i++)
		if (p->streams[i].dev == dev && p->streams[i].stream == stream)
			return &p->streams[i];
	if (p->nstreams == AP_GEN_PROF_STREAMS)
		return NULL;
	struct ap_gen_prof_stream *s = &p->streams[p->nstreams++];
	memset(s, 0, sizeof(*s));
	s->dev = dev;
	s->stream = stream;
	return s;
}
