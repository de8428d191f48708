/*
 * gen_dump.c — writes the dump directory: profiler_info*.json (§2.1, laid out as Python's json.dump with
 * indent=4 writes it), profiler_metadata.json, the FRAMEWORK/ files (torch.python_tracer_hash last filled
 * here) and the mkdir / file entries. Existing files of the same names are overwritten.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen_local.h"
#include "gen_prof.h"

static void build_info(const struct ap_gen *g, struct ap_gen_buf *b)
{
	static const char *const common[] = {"record_shapes", "profile_memory", "with_stack", "with_flops",
					     "with_modules"};
	puts_(b, "{\n    \"config\": {\n        \"common_config\": {\n            \"activities\": [");
	const char *p = g->activities;
	int first = 1;
	while (*p) {
		const char *e = strchr(p, ' ');
		if (!e)
			e = p + strlen(p);
		if (e > p) {
			ap_gen__printf(b, "%s\n                \"ProfilerActivity.%.*s\"", first ? "" : ",", (int)(e - p),
				       p);
			first = 0;
		}
		p = *e ? e + 1 : e;
	}
	puts_(b, first ? "]" : "\n            ]");
	ap_gen__printf(b, ",\n            \"schedule\": %s", g->schedule ? g->schedule : "null");
	for (int i = 0; i < 5; i++)
		ap_gen__printf(b, ",\n            \"%s\": %s", common[i], g->common[i] ? "true" : "false");
	puts_(b, "\n        },\n        \"experimental_config\": {");
	for (int i = 0; i < g->ncfg; i++) {
		ap_gen__printf(b, "%s\n            \"%s\": ", i ? "," : "", g->cfg[i].key);
		puts_(b, g->cfg[i].json);
	}
	puts_(b, g->ncfg ? "\n        }\n    }" : "}\n    }");
	if (!g->start_omit)
		ap_gen__printf(b, ",\n    \"start_info\": {\n        \"syscnt_enable\": %s,\n        \"freq\": %s,\n"
				  "        \"start_cnt\": %lld,\n        \"start_monotonic\": %lld\n    }",
			       g->syscnt ? "true" : "false", g->freq_text, (long long)g->start_cnt,
			       (long long)g->start_mono);
	if (g->end_present)
		ap_gen__printf(b, ",\n    \"end_info\": {\n        \"collectionTimeEnd\": %lld,\n"
				  "        \"MonotonicTimeEnd\": %lld\n    }",
			       (long long)g->coll_end, (long long)g->mono_end);
	if (g->npu_version) {
		puts_(b, ",\n    \"torch_npu_version\": ");
		puts_(b, g->npu_version);
	}
	if (g->cann_version) {
		puts_(b, ",\n    \"cann_version\": ");
		puts_(b, g->cann_version);
	}
	if (g->rank_kind == 1)
		ap_gen__printf(b, ",\n    \"rank_id\": %s", g->rank);
	else if (g->rank_kind == 2)
		ap_gen__printf(b, ",\n    \"rank_id\": \"%s\"", g->rank);
	puts_(b, "\n}");
}


static int write_info(const struct ap_gen *g, const char *dir)
{
	char path[4096];
	struct ap_gen_buf b = {0};
	char name[300];
	if (g->info_name[0])
		snprintf(name, sizeof(name), "%s", g->info_name);
	else if (g->rank_kind)
		snprintf(name, sizeof(name), "profiler_info_%s.json", g->rank);
	else
		snprintf(name, sizeof(name), "profiler_info.json");
	build_info(g, &b);
	int rc = ap_gen__join(path, sizeof(path), dir, name, NULL) || ap_gen__write_file(path, b.p, b.len);
	free(b.p);
	return rc ? -1 : 0;
}

/* torch.python_tracer_hash (§3.7): every key → name pair in first-use order, the exit name included once a
 * py record was written. */
static int add_hash_records(struct ap_gen *g)
{
	if (g->py_seen && !g->exit_hashed) {
		ap_gen__hash_add(g, ap_gen__fnv1a((const unsigned char *)AP_GEN_EXIT_NAME, strlen(AP_GEN_EXIT_NAME)),
				 AP_GEN_EXIT_NAME, strlen(AP_GEN_EXIT_NAME));
		g->exit_hashed = 1;
	}
	if (!g->nhash)
		return 0;
	struct ap_gen_fw_file *f = ap_gen__fw(g, "torch.python_tracer_hash");
	if (!f)
		return -1;
	for (size_t i = 0; i < g->nhash; i++) {
		size_t at = rec_begin(&f->b, g->gen == 3 ? 4 : 1);
		put_u64(&f->b, g->hashes[i].key);
		tlv(&f->b, g->gen == 3 ? 1 : 2, g->hashes[i].name, g->hashes[i].len);
		rec_end(&f->b, at);
	}
	return 0;
}

static int write_framework(const struct ap_gen *g, const char *dir)
{
	char fwdir[4096], path[4096];
	if (!g->nfiles)
		return 0;
	if (ap_gen__join(fwdir, sizeof(fwdir), dir, "FRAMEWORK", NULL) || ap_gen__mkdirs(fwdir))
		return -1;
	for (int i = 0; i < g->nfiles; i++)
		if (ap_gen__join(path, sizeof(path), fwdir, g->files[i].out_name, NULL) ||
		    ap_gen__write_file(path, g->files[i].b.p, g->files[i].b.len))
			return -1;
	return 0;
}

/* The mkdir / file / rm entries, in scenario order: kind 'd', 'f' or 'r', path, NUL, u64 length,
 * content. An rm removes a file the dump already holds (written above, e.g. a PROF side file),
 * and the directories that this leaves empty. */
static int write_entries(const struct ap_gen *g, const char *dir)
{
	char path[4096];
	for (size_t off = 0; off < g->extra.len;) {
		const unsigned char *e = g->extra.p + off;
		const char *rel = (const char *)e + 1;
		size_t rl = strlen(rel);
		uint64_t len = 0;
		for (int i = 0; i < 8; i++)
			len |= (uint64_t)e[2 + rl + (size_t)i] << (8 * i);
		if (ap_gen__join(path, sizeof(path), dir, rel, NULL))
			return -1;
		if (e[0] == 'd') {
			if (ap_gen__mkdirs(path))
				return -1;
		} else if (e[0] == 'r') {
			char *slash;

			if (unlink(path)) {
				fprintf(stderr, "ap-gen: rm %s: %s\n", rel, strerror(errno));
				return -1;
			}
			/* directories it leaves empty go too: git keeps no empty directory, so the
			 * committed dump could not hold them */
			while ((slash = strrchr(path, '/')) && (size_t)(slash - path) > strlen(dir)) {
				*slash = '\0';
				if (rmdir(path))
					break;
			}
		} else {
			char *slash = strrchr(path, '/');
			*slash = '\0';
			if (ap_gen__mkdirs(path))
				return -1;
			*slash = '/';
			if (ap_gen__write_file(path, e + 10 + rl, (size_t)len))
				return -1;
		}
		off += 10 + rl + (size_t)len;
	}
	return 0;
}

int ap_gen__write_dump(struct ap_gen *g, const char *outdir)
{
	char dir[4096], path[4096];
	if (ap_gen__join(dir, sizeof(dir), outdir, g->dump, NULL) || ap_gen__mkdirs(dir))
		return -1;
	if (!g->info_omit && write_info(g, dir))
		return -1;
	if (g->metadata && (ap_gen__join(path, sizeof(path), dir, "profiler_metadata.json", NULL) ||
			    ap_gen__write_file(path, g->metadata, strlen(g->metadata))))
		return -1;
	if (add_hash_records(g) || write_framework(g, dir))
		return -1;
	if (g->prof && !g->prof->pid)
		g->prof->pid = g->pid;
	if (g->prof && (ap_gen__prof_write_side(g->prof, dir) || ap_gen__prof_flush(g->prof, dir, 1)))
		return -1;
	if (write_entries(g, dir))
		return -1;
	return 0;
}
