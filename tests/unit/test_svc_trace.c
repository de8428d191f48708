/* Unit tests of lib/writers/w_svc_trace*.c: the chrome_tracing.json event list of a service
 * dump (specs/ms_service_profiler.md §3.7) built from hand-made analysed tables, and the whole
 * file of the §7 worked example compared byte for byte with the upstream parser's output (read
 * in place from ../shared; skipped when absent). */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ap/svc_trace.h"
#include "../../lib/base/banned.h"

/* ---- a hand-made struct ap_svc --------------------------------------------------------------- */

#define MAX_ROWS 64
#define MAX_FILES 8

static struct ap_svc S;
static struct ap_svc_file F[MAX_FILES];
static struct ap_svc_row R[MAX_ROWS];
static struct ap_svc_label L[MAX_FILES];
static struct ap_svc_trace T;
static struct ap_err err;
static struct ap_strbuf sb;

static void setup(void)
{
	memset(&S, 0, sizeof(S));
	memset(F, 0, sizeof(F));
	memset(R, 0, sizeof(R));
	memset(L, 0, sizeof(L));
	memset(&T, 0, sizeof(T));
	ap_arena_init(&S.arena, 0);
	S.files = F;
	S.rows = R;
	S.labels = L;
	ap_err_init(&err);
	ap_strbuf_init(&sb);
}

static void teardown(void)
{
	ap_svc_trace_release(&T);
	ap_arena_release(&S.arena);
	ap_err_release(&err);
	ap_strbuf_release(&sb);
}

static const struct ap_sv *get(const struct ap_sv *obj, const char *key)
{
	uint32_t i;

	for (i = 0; obj->type == AP_SV_OBJ && i < obj->n; i++)
		if (!strcmp(obj->u.members[i].key, key))
			return &obj->u.members[i].v;
	return NULL;
}

static void sv_from_json(struct ap_sv *v, json_t *j)
{
	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_NULL: v->type = AP_SV_NULL; break;
	case JSON_TRUE: v->type = AP_SV_TRUE; break;
	case JSON_FALSE: v->type = AP_SV_FALSE; break;
	case JSON_INTEGER: v->type = AP_SV_INT; v->u.i = json_integer_value(j); break;
	case JSON_REAL: v->type = AP_SV_REAL; v->u.d = json_real_value(j); break;
	case JSON_STRING:
		v->type = AP_SV_STR;
		v->n = (uint32_t)json_string_length(j);
		v->u.s = ap_arena_strndup(&S.arena, json_string_value(j), v->n);
		break;
	case JSON_ARRAY: {
		struct ap_sv *items = ap_arena_alloc(&S.arena, (json_array_size(j) + 1) * sizeof(*items));
		size_t i;

		for (i = 0; i < json_array_size(j); i++)
			sv_from_json(&items[i], json_array_get(j, i));
		v->type = AP_SV_LIST;
		v->n = (uint32_t)json_array_size(j);
		v->u.items = items;
		break;
	}
	case JSON_OBJECT: {
		struct ap_sv_member *m = ap_arena_alloc(&S.arena, (json_object_size(j) + 1) * sizeof(*m));
		const char *k;
		json_t *x;
		uint32_t n = 0;

		json_object_foreach(j, k, x) {
			m[n].key = ap_arena_strdup(&S.arena, k);
			sv_from_json(&m[n++].v, x);
		}
		v->type = AP_SV_OBJ;
		v->n = n;
		v->u.members = m;
		break;
	}
	}
}

static void add_file(const char *ppid, const char *dp)
{
	struct ap_svc_file *f = &F[S.n_files++];
	struct ap_svc_meta *m = ap_arena_alloc(&S.arena, 3 * sizeof(*m));

	f->gen = AP_SVC_GEN_C;
	f->meta = m;
	m[f->n_meta].name = "hostname";
	m[f->n_meta++].value = "node1";
	if (ppid) {
		m[f->n_meta].name = "ppid";
		m[f->n_meta++].value = ppid;
	}
	if (dp) {
		m[f->n_meta].name = "dpRankId";
		m[f->n_meta++].value = dp;
	}
}

static void add_label(int64_t pid, const char *host, const char *dp)
{
	L[S.n_labels].pid = pid;
	L[S.n_labels].hostname = host;
	L[S.n_labels++].dp_rank = dp;
}

/* The vLLM hash suffix mapping of §2.5: "<orig>-<8 lowercase hex>" -> "<orig>" */
static const char *map_rid(const char *s)
{
	size_t n = strlen(s), i;

	if (n > 9 && s[n - 9] == '-') {
		for (i = n - 8; i < n; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
				return s;
		return ap_arena_strndup(&S.arena, s, n - 9);
	}
	return s;
}

static void map_res(struct ap_sv *v)
{
	uint32_t i;

	if (v->type == AP_SV_STR) {
		v->u.s = map_rid(v->u.s);
		v->n = (uint32_t)strlen(v->u.s);
	} else if (v->type == AP_SV_LIST) {
		for (i = 0; i < v->n; i++)
			map_res((struct ap_sv *)&v->u.items[i]);
	} else if (v->type == AP_SV_OBJ) {
		for (i = 0; i < v->n; i++)
			if (!strcmp(v->u.members[i].key, "rid"))
				map_res((struct ap_sv *)&v->u.members[i].v);
	}
}

/* A row with the derived fields as §1.5 and §2.4-2.5 define them for these inputs (every
 * process has rids, so PluginTrace ran everywhere; KV columns per kv_file). */
static struct ap_svc_row *add_row(uint32_t file, int64_t id, int64_t ts, int64_t te,
				  const char *name, const char *domain, int64_t pid, int64_t tid,
				  const char *args)
{
	struct ap_svc_row *r = &R[S.n_rows++];
	json_error_t je;
	json_t *j = json_loads(args, 0, &je);
	const struct ap_sv *rid, *bt;
	int has0 = 0, haspos = 0;
	uint32_t i;

	ck_assert_ptr_nonnull(j);
	r->file = file;
	r->mark_id = id;
	r->start_ns = ts;
	r->end_ns = te;
	r->name = name;
	r->domain = domain;
	r->pid = pid;
	r->tid = tid;
	sv_from_json(&r->attrs, j);
	json_decref(j);
	r->start_us = (double)ts / 1000;
	r->end_us = (double)te / 1000;
	r->during_us = r->end_us - r->start_us;
	r->prefill_batch_size = r->decode_batch_size = -1;
	rid = get(&r->attrs, "rid");
	if (rid) {
		struct ap_sv *copy = ap_arena_alloc(&S.arena, sizeof(*copy));
		json_t *again = json_loads(args, 0, &je);

		sv_from_json(copy, json_object_get(again, "rid"));
		json_decref(again);
		map_res(copy);
		r->res = *copy;
	}
	if (r->res.type == AP_SV_LIST) {
		struct ap_strbuf jn = AP_STRBUF_INIT;

		r->rid_is_list = 1;
		r->n_rid_list = r->n_token_ids = r->res.n;
		r->rid_list = ap_arena_alloc(&S.arena, (r->res.n + 1) * sizeof(char *));
		r->token_ids = ap_arena_alloc(&S.arena, (r->res.n + 1) * sizeof(int64_t));
		for (i = 0; i < r->res.n; i++) {
			const struct ap_sv *e = &r->res.u.items[i], *it;

			r->token_ids[i] = AP_SVC_NO_TOKEN;
			if (e->type == AP_SV_OBJ) {
				it = get(e, "iter");
				if (it && it->type == AP_SV_INT) {
					r->token_ids[i] = it->u.i;
					has0 |= it->u.i == 0;
					haspos |= it->u.i > 0;
				}
				e = get(e, "rid");
			}
			r->rid_list[i] = e->u.s;
			if (i)
				ap_strbuf_addch(&jn, ',');
			ap_strbuf_addstr(&jn, e->u.s);
		}
		r->rid = ap_arena_strdup(&S.arena, jn.buf);
		ap_strbuf_release(&jn);
	} else if (r->res.type == AP_SV_STR) {
		r->rid = r->res.u.s;
	}
	r->batch_size = (int32_t)r->n_rid_list;
	bt = get(&r->attrs, "batch_type");
	if (bt && bt->type == AP_SV_STR)
		r->batch_type = bt->u.s;
	else if (has0 || haspos)
		r->batch_type = has0 && haspos ? "Prefill, Decode" : has0 ? "Prefill" : "Decode";
	r->kvcache_usage_rate = NAN;
	return r;
}

/* PluginKVCacheMetrics for the rows of one file: free_blocks from FreeBlocks= on KV rows */
static void kv_file(uint32_t file)
{
	size_t i;

	for (i = 0; i < S.n_rows; i++) {
		struct ap_svc_row *r = &R[i];
		const struct ap_sv *fb = get(&r->attrs, "FreeBlocks=");

		if (r->file != file)
			continue;
		r->has_kv = 1;
		r->kvcache_usage_rate = 0;
		if (r->domain && (!strcmp(r->domain, "KVCache") || !strcmp(r->domain, "Schedule.KVCache")) &&
		    fb && fb->type == AP_SV_INT)
			r->free_blocks = fb->u.i;
	}
}

static int row_cmp(const void *a, const void *b)
{
	const struct ap_svc_row *x = a, *y = b;

	if (x->start_us != y->start_us)
		return x->start_us < y->start_us ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->mark_id < y->mark_id ? -1 : x->mark_id > y->mark_id;
}

static void merge(void)
{
	qsort(R, S.n_rows, sizeof(R[0]), row_cmp);
}

static void build(void)
{
	ck_assert_int_eq(ap_svc_trace_build(&S, &T, &err), 0);
}

/* The JSON of event i */
static const char *ev(size_t i)
{
	ck_assert_uint_lt(i, T.n_ev);
	ap_strbuf_reset(&sb);
	ap_svc_trace_ev_json(&sb, &T, &T.ev[i], 0);
	return sb.buf;
}

static size_t find_ev(uint8_t kind, size_t from)
{
	for (; from < T.n_ev; from++)
		if (T.ev[from].kind == kind)
			return from;
	return (size_t)-1;
}

/* ---- the §7 worked example ------------------------------------------------------------------ */

struct raw {
	uint32_t file;
	int64_t id, ts, te;
	const char *name, *cat;
	int64_t pid, tid;
	const char *args;
};

/* The slice tables of ../shared/ms_service_profiler_synthetic/input_slice_format (our
 * generator's dump): ms_service_node1-1001.db, -1002.db, -1003.db */
static const struct raw example[] = {
	{ 0, 1, 1767225600000100007LL, 1767225600000100007LL, "httpReq", "Engine", 1001, 1101,
	  "{\"rid\": \"cmpl-aaa-0\", \"type\": 0}" },
	{ 0, 2, 1767225600000100507LL, 1767225600000100507LL, "tokenize", "Engine", 1001, 1101,
	  "{\"rid\": \"cmpl-aaa-0\", \"type\": 0}" },
	{ 0, 3, 1767225600001100007LL, 1767225600001100007LL, "httpReq", "Engine", 1001, 1101,
	  "{\"rid\": \"cmpl-bbb-0\", \"type\": 0}" },
	{ 0, 4, 1767225600001100407LL, 1767225600001100407LL, "tokenize", "Engine", 1001, 1101,
	  "{\"rid\": \"cmpl-bbb-0\", \"type\": 0}" },
	{ 0, 5, 1767225600012800007LL, 1767225600012800007LL, "detokenize", "Engine", 1001, 1101,
	  "{\"rid\": [\"cmpl-aaa-0\", \"cmpl-bbb-0\"], \"type\": 0}" },
	{ 0, 6, 1767225600018600007LL, 1767225600018600007LL, "detokenize", "Engine", 1001, 1101,
	  "{\"rid\": [\"cmpl-aaa-0\", \"cmpl-bbb-0\"], \"type\": 0}" },
	{ 0, 7, 1767225600024800007LL, 1767225600024800007LL, "httpRes", "Engine", 1001, 1101,
	  "{\"rid\": \"cmpl-aaa-0\", \"recvTokenSize=\": 5, \"replyTokenSize=\": 3, \"type\": 0}" },
	{ 0, 8, 1767225600024810007LL, 1767225600024810007LL, "httpRes", "Engine", 1001, 1101,
	  "{\"rid\": \"cmpl-bbb-0\", \"recvTokenSize=\": 7, \"replyTokenSize=\": 3, \"type\": 0}" },
	{ 0, 9, 1767225600024900007LL, 1767225600024900007LL, "detokenize", "Engine", 1001, 1101,
	  "{\"rid\": [\"cmpl-aaa-0\", \"cmpl-bbb-0\"], \"type\": 0}" },
	{ 1, 1, 1767225600000300007LL, 1767225600000300007LL, "Enqueue", "Schedule", 1002, 1201,
	  "{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"QueueSize=\": 1, \"scope#QueueName\": \"WAITING\", \"type\": 0}" },
	{ 1, 2, 1767225600001300007LL, 1767225600001300007LL, "Enqueue", "Schedule", 1002, 1201,
	  "{\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"QueueSize=\": 2, \"scope#QueueName\": \"WAITING\", \"type\": 0}" },
	{ 1, 3, 1767225600002050007LL, 1767225600002050007LL, "CacheHitRate", "Schedule.KVCache", 1002, 1201,
	  "{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"hitCache\": 0.0, \"type\": 0}" },
	{ 1, 4, 1767225600002060007LL, 1767225600002060007LL, "CacheHitRate", "Schedule.KVCache", 1002, 1201,
	  "{\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"hitCache\": 0.0, \"type\": 0}" },
	{ 1, 5, 1767225600002250007LL, 1767225600002250007LL, "Enqueue", "Schedule", 1002, 1201,
	  "{\"rid\": [\"cmpl-aaa-0-1a2b3c4d\", \"cmpl-bbb-0-9f8e7d6c\"], \"QueueSize=\": 2, \"scope#QueueName\": \"RUNNING\", \"type\": 0}" },
	{ 1, 6, 1767225600002260007LL, 1767225600002260007LL, "Dequeue", "Schedule", 1002, 1201,
	  "{\"rid\": [\"cmpl-aaa-0-1a2b3c4d\", \"cmpl-bbb-0-9f8e7d6c\"], \"QueueSize=\": 0, \"scope#QueueName\": \"WAITING\", \"type\": 0}" },
	{ 1, 7, 1767225600002280007LL, 1767225600002280007LL, "KVCacheStatus", "Schedule.KVCache", 1002, 1201,
	  "{\"rid\": [\"cmpl-aaa-0-1a2b3c4d\", \"cmpl-bbb-0-9f8e7d6c\"], \"TotalBlocks=\": 100, \"UsedBlocks=\": 2, \"FreeBlocks=\": 98, \"UsagePercent=\": 0.02, \"AllocatedBlocks=\": 2, \"type\": 0}" },
	{ 1, 8, 1767225600002000007LL, 1767225600002300007LL, "batchFrameworkProcessing", "Schedule", 1002, 1201,
	  "{\"type\": 2, \"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"iter\": 0, \"type\": 0, \"num_scheduled_tokens\": 5, \"num_prompt_tokens\": 5, \"num_computed_tokens\": 0}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"iter\": 0, \"type\": 0, \"num_scheduled_tokens\": 7, \"num_prompt_tokens\": 7, \"num_computed_tokens\": 0}], \"batch_type\": \"Prefill\"}" },
	{ 1, 9, 1767225600002400007LL, 1767225600012400007LL, "modelExec", "Execute", 1002, 1201,
	  "{\"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"iter\": 0, \"type\": 0, \"num_scheduled_tokens\": 5, \"num_prompt_tokens\": 5, \"num_computed_tokens\": 0}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"iter\": 0, \"type\": 0, \"num_scheduled_tokens\": 7, \"num_prompt_tokens\": 7, \"num_computed_tokens\": 0}], \"batch_type\": \"Prefill\", \"type\": 2, \"batch_size\": 12}" },
	{ 1, 10, 1767225600013150007LL, 1767225600013150007LL, "KVCacheStatus", "Schedule.KVCache", 1002, 1201,
	  "{\"rid\": [\"cmpl-aaa-0-1a2b3c4d\", \"cmpl-bbb-0-9f8e7d6c\"], \"TotalBlocks=\": 100, \"UsedBlocks=\": 2, \"FreeBlocks=\": 98, \"UsagePercent=\": 0.02, \"AllocatedBlocks=\": 0, \"type\": 0}" },
	{ 1, 11, 1767225600013000007LL, 1767225600013200007LL, "batchFrameworkProcessing", "Schedule", 1002, 1201,
	  "{\"type\": 2, \"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"iter\": 1, \"type\": 1, \"num_scheduled_tokens\": 1, \"num_prompt_tokens\": 5, \"num_computed_tokens\": 5}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"iter\": 1, \"type\": 1, \"num_scheduled_tokens\": 1, \"num_prompt_tokens\": 7, \"num_computed_tokens\": 7}], \"batch_type\": \"Decode\"}" },
	{ 1, 12, 1767225600013300007LL, 1767225600018300007LL, "modelExec", "Execute", 1002, 1201,
	  "{\"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"iter\": 1, \"type\": 1, \"num_scheduled_tokens\": 1, \"num_prompt_tokens\": 5, \"num_computed_tokens\": 5}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"iter\": 1, \"type\": 1, \"num_scheduled_tokens\": 1, \"num_prompt_tokens\": 7, \"num_computed_tokens\": 7}], \"batch_type\": \"Decode\", \"type\": 2, \"batch_size\": 2}" },
	{ 1, 13, 1767225600019150007LL, 1767225600019150007LL, "KVCacheStatus", "Schedule.KVCache", 1002, 1201,
	  "{\"rid\": [\"cmpl-aaa-0-1a2b3c4d\", \"cmpl-bbb-0-9f8e7d6c\"], \"TotalBlocks=\": 100, \"UsedBlocks=\": 3, \"FreeBlocks=\": 97, \"UsagePercent=\": 0.03, \"AllocatedBlocks=\": 1, \"type\": 0}" },
	{ 1, 14, 1767225600019000007LL, 1767225600019200007LL, "batchFrameworkProcessing", "Schedule", 1002, 1201,
	  "{\"type\": 2, \"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"iter\": 2, \"type\": 1, \"num_scheduled_tokens\": 1, \"num_prompt_tokens\": 5, \"num_computed_tokens\": 6}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"iter\": 2, \"type\": 1, \"num_scheduled_tokens\": 1, \"num_prompt_tokens\": 7, \"num_computed_tokens\": 8}], \"batch_type\": \"Decode\"}" },
	{ 1, 15, 1767225600019300007LL, 1767225600024300007LL, "modelExec", "Execute", 1002, 1201,
	  "{\"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"iter\": 2, \"type\": 1, \"num_scheduled_tokens\": 1, \"num_prompt_tokens\": 5, \"num_computed_tokens\": 6}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"iter\": 2, \"type\": 1, \"num_scheduled_tokens\": 1, \"num_prompt_tokens\": 7, \"num_computed_tokens\": 8}], \"batch_type\": \"Decode\", \"type\": 2, \"batch_size\": 2}" },
	{ 1, 16, 1767225600024500007LL, 1767225600024500007LL, "Free", "Schedule.KVCache", 1002, 1201,
	  "{\"rid\": \"cmpl-aaa-0-1a2b3c4d\", \"deviceBlock=\": 98, \"UsagePercent=\": 0.02, \"type\": 0}" },
	{ 1, 17, 1767225600024550007LL, 1767225600024550007LL, "Free", "Schedule.KVCache", 1002, 1201,
	  "{\"rid\": \"cmpl-bbb-0-9f8e7d6c\", \"deviceBlock=\": 100, \"UsagePercent=\": 0.0, \"type\": 0}" },
	{ 2, 1, 1767225600002600007LL, 1767225600002850007LL, "_prepare_inputs", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 2, 1767225600003000007LL, 1767225600010000007LL, "forward", "Execute", 1003, 1301,
	  "{\"type\": 2, \"rid\": [\"cmpl-aaa-0-1a2b3c4d\", \"cmpl-bbb-0-9f8e7d6c\"]}" },
	{ 2, 3, 1767225600010100007LL, 1767225600010300007LL, "computing_logits", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 4, 1767225600010400007LL, 1767225600010900007LL, "sample", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 5, 1767225600002500007LL, 1767225600012000007LL, "modelRunnerExec", "Execute", 1003, 1301,
	  "{\"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\"}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\"}], \"type\": 2}" },
	{ 2, 6, 1767225600013500007LL, 1767225600013750007LL, "_prepare_inputs", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 7, 1767225600013900007LL, 1767225600016000007LL, "forward", "Execute", 1003, 1301,
	  "{\"type\": 2, \"rid\": [\"cmpl-aaa-0-1a2b3c4d\", \"cmpl-bbb-0-9f8e7d6c\"]}" },
	{ 2, 8, 1767225600016100007LL, 1767225600016300007LL, "computing_logits", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 9, 1767225600016400007LL, 1767225600016900007LL, "sample", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 10, 1767225600013400007LL, 1767225600018000007LL, "modelRunnerExec", "Execute", 1003, 1301,
	  "{\"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\"}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\"}], \"type\": 2}" },
	{ 2, 11, 1767225600019500007LL, 1767225600019750007LL, "_prepare_inputs", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 12, 1767225600019900007LL, 1767225600022000007LL, "forward", "Execute", 1003, 1301,
	  "{\"type\": 2, \"rid\": [\"cmpl-aaa-0-1a2b3c4d\", \"cmpl-bbb-0-9f8e7d6c\"]}" },
	{ 2, 13, 1767225600022100007LL, 1767225600022300007LL, "computing_logits", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 14, 1767225600022400007LL, 1767225600022900007LL, "sample", "Execute", 1003, 1301,
	  "{\"type\": 2}" },
	{ 2, 15, 1767225600019400007LL, 1767225600024000007LL, "modelRunnerExec", "Execute", 1003, 1301,
	  "{\"rid\": [{\"rid\": \"cmpl-aaa-0-1a2b3c4d\"}, {\"rid\": \"cmpl-bbb-0-9f8e7d6c\"}], \"type\": 2}" },
};

static void load_example(void)
{
	size_t i;

	add_file("1000", NULL);
	add_file("1001", NULL);
	add_file("1002", "0");
	for (i = 0; i < sizeof(example) / sizeof(example[0]); i++) {
		const struct raw *x = &example[i];

		add_row(x->file, x->id, x->ts, x->te, x->name, x->cat, x->pid, x->tid, x->args);
	}
	kv_file(1);
	merge();
	add_label(1001, "node1", NULL);
	add_label(1002, "node1", NULL);
	add_label(1003, "node1", "0");
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static char expected_path[4096];

START_TEST(worked_example)
{
	char dir[] = "/tmp/ap_svc_trace_XXXXXX", out[4200];
	char *want, *got;
	size_t wl, gl, i;

	load_example();
	build();
	ck_assert_uint_eq(T.n_ev, 100);
	ck_assert_int_eq(T.bs_column, 1);
	ck_assert_int_eq(T.output_sync, 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(ap_svc_write_trace(&T, dir, &err), 0);
	snprintf(out, sizeof(out), "%s/chrome_tracing.json", dir);
	got = slurp(out, &gl);
	ck_assert_ptr_nonnull(got);
	want = slurp(expected_path, &wl);
	ck_assert_ptr_nonnull(want);
	for (i = 0; i < wl && i < gl && want[i] == got[i]; i++)
		;
	if (i < wl || i < gl)
		ck_abort_msg("differs at byte %zu: got '%.120s' want '%.120s'", i,
			     got + (i > 40 ? i - 40 : 0), want + (i > 40 ? i - 40 : 0));
	ck_assert_uint_eq(gl, wl);
	unlink(out);
	rmdir(dir);
	free(got);
	free(want);
}
END_TEST

/* ---- hand-made cases -------------------------------------------------------------------------- */

START_TEST(slice_args_lanes_and_order)
{
	add_file("1", NULL);
	add_row(0, 1, 1000000, 1000000, "step", "Engine", 10, 7,
		"{\"zeta\": 1, \"domain\": \"x\", \"start_datetime\": \"old\", \"rid\": \"r1\", "
		"\"type\": 0, \"batch_size\": 12}");
	add_row(0, 2, 2000000, 2500000, "q", "Request", 10, 7, "{\"name\": \"n\"}");
	merge();
	build();
	ck_assert_uint_eq(T.n_ev, 13);
	/* message keys first (domain/name/type/rid dropped), computed keys replace in place */
	ck_assert_str_eq(ev(0), "{\"name\": \"step\", \"ph\": \"I\", \"ts\": 1000.0, \"dur\": 0.0, "
		"\"pid\": 10, \"tid\": \"Engine(7)\", \"args\": {\"zeta\": 1, \"start_datetime\": "
		"\"1970-01-01 08:00:00:001000\", \"batch_size\": \"0\", \"end_datetime\": "
		"\"1970-01-01 08:00:00:001000\", \"tid\": 7, \"res_list\": \"r1\"}}");
	/* Request keeps its domain as lane; no rid: no res_list */
	ck_assert_str_eq(ev(1), "{\"name\": \"q\", \"ph\": \"X\", \"ts\": 2000.0, \"dur\": 500.0, "
		"\"pid\": 10, \"tid\": \"Request\", \"args\": {\"start_datetime\": "
		"\"1970-01-01 08:00:00:002000\", \"end_datetime\": \"1970-01-01 08:00:00:002500\", "
		"\"tid\": 7, \"batch_size\": \"0\"}}");
	ck_assert_str_eq(ev(2), "{\"name\": \"flow_r1\", \"ph\": \"i\", \"ts\": 1000.0, \"id\": "
		"\"r1\", \"cat\": \"r1\", \"pid\": 10, \"tid\": \"Engine(7)\"}");
	/* no lane of the sort list: thread_sort_index events name pid 0 */
	ck_assert_str_eq(ev(3), "{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": 0, "
		"\"tid\": \"Execute\", \"args\": {\"sort_index\": 0}}");
	ck_assert_str_eq(ev(10), "{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": 0, "
		"\"tid\": \"Kernel\", \"args\": {\"sort_index\": 7}}");
	ck_assert_str_eq(ev(11), "{\"name\": \"process_sort_index\", \"ph\": \"M\", \"pid\": 10, "
		"\"args\": {\"sort_index\": 0}}");
	ck_assert_str_eq(ev(12), "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 10, "
		"\"args\": {\"name\": \"schedule\"}}");
}
END_TEST

START_TEST(batch_size_column)
{
	add_file(NULL, NULL);
	add_row(0, 1, 1000000, 1000000, "a", "X", 10, 7, "{}")->batch_size = -1;
	build();
	/* no process had a rid: the column is missing and every slice gets the integer 0; no
	 * ppid anywhere: no process metadata */
	ck_assert_int_eq(T.bs_column, 0);
	ck_assert_uint_eq(T.n_ev, 1 + 8);
	ck_assert_ptr_nonnull(strstr(ev(0), "\"tid\": 7, \"batch_size\": 0}"));
	ap_svc_trace_release(&T);
	add_row(0, 2, 2000000, 2000000, "b", "X", 10, 7, "{}");
	build();
	ck_assert_int_eq(T.bs_column, 1);
	ck_assert_ptr_nonnull(strstr(ev(0), "\"tid\": 7}}"));
	ck_assert_ptr_nonnull(strstr(ev(1), "\"tid\": 7, \"batch_size\": \"0\"}}"));
}
END_TEST

START_TEST(kv_and_queue_counters)
{
	size_t i;

	add_file("1", NULL);
	add_file("1", NULL);
	add_row(0, 1, 5000000, 5000000, "kv", "KVCache", 20, 1, "{\"FreeBlocks=\": 7}");
	add_row(1, 1, 4000000, 4000000, NULL, "Schedule.KVCache", 21, 5,
		"{\"scope#dp\": 3, \"FreeBlocks=\": 9}");
	add_row(1, 2, 3000000, 3000000, "Queue", "Schedule", 21, 5,
		"{\"QueueSize=\": 3, \"scope#QueueName\": \"WAITING\"}");
	add_row(1, 3, 3500000, 3500000, "Queue", "Schedule", 21, 5,
		"{\"QueueSize=\": 4, \"scope#QueueName\": \"SWAPPED\"}");
	kv_file(0);
	kv_file(1);
	merge();
	add_label(20, "node1", "2");
	add_label(21, "node1", NULL);
	build();
	/* KVCache (rank 3) before Schedule.KVCache (rank 4), both before everything else; the
	 * dp rank from the label, else from scope#dp; integers: every process has KV columns */
	ck_assert_str_eq(ev(0), "{\"name\": \"KVCache-dp2\", \"ph\": \"C\", \"ts\": 5000.0, "
		"\"pid\": 20, \"tid\": \"KVCache\", \"args\": {\"Device Block\": 7}}");
	ck_assert_str_eq(ev(1), "{\"name\": \"Schedule.KVCache-dp3\", \"ph\": \"C\", \"ts\": "
		"4000.0, \"pid\": 21, \"tid\": \"Schedule.KVCache\", \"args\": {\"Device Block\": 9}}");
	ck_assert_int_eq(T.ev[2].kind, AP_SVC_EV_SLICE);
	ck_assert_int_eq(T.ev[3].kind, AP_SVC_EV_SLICE);
	/* QueueSize= is missing on other rows: a float column */
	ck_assert_str_eq(ev(4), "{\"name\": \"WaitingQueue\", \"ph\": \"C\", \"ts\": 3000.0, "
		"\"pid\": 21, \"tid\": \"WaitingQueue\", \"args\": {\"Queue Size\": 3.0}}");
	ck_assert_str_eq(ev(5), "{\"name\": \"Queue\", \"ph\": \"C\", \"ts\": 3500.0, "
		"\"pid\": 21, \"tid\": \"Schedule(5)\", \"args\": {\"Queue Size\": 4.0}}");
	/* thread_sort_index: the pid of the first event (before the sort) in a listed lane */
	i = find_ev(AP_SVC_EV_THREAD_SORT, 0);
	ck_assert_int_eq(T.ev[i].pid, 21);
}
END_TEST

START_TEST(kv_float_when_a_process_lacks_kv)
{
	add_file("1", NULL);
	add_file("1", NULL);
	add_row(0, 1, 5000000, 5000000, "kv", "KVCache", 20, 1, "{\"FreeBlocks=\": 7}");
	add_row(1, 1, 6000000, 6000000, "x", "Engine", 21, 1, "{}");
	kv_file(0);
	merge();
	build();
	ck_assert_str_eq(ev(0), "{\"name\": \"KVCache\", \"ph\": \"C\", \"ts\": 5000.0, "
		"\"pid\": 20, \"tid\": \"KVCache\", \"args\": {\"Device Block\": 7.0}}");
}
END_TEST

START_TEST(flow_phases)
{
	static const char *const rids[] = { "c", "c,d", "c", "e", "f,g", "f" };
	static const char want[] = "stifXssf";
	char got[16];
	size_t i, k = 0;

	add_file("1", NULL);
	for (i = 0; i < 6; i++) {
		char args[64];

		snprintf(args, sizeof(args), "{\"rid\": \"%s\"}", rids[i]);
		add_row(0, (int64_t)i, (int64_t)(i + 1) * 1000000,
			(int64_t)(i + 1) * 1000000 + (i == 3 || i == 0 ? 1000 : 0), "s", "Engine", 1, 1,
			args);
	}
	merge();
	build();
	for (i = 0; i < T.n_ev && k < sizeof(got) - 1; i++)
		if (T.ev[i].kind == AP_SVC_EV_FLOW)
			got[k++] = T.ev[i].ph;
	got[k] = 0;
	/* c: s t f; d once at zero duration: i, but its row is none of c's ends; e once: X;
	 * f,g: the first row of f makes both of its parts 's' (pandas index labels) */
	ck_assert_str_eq(got, want);
	i = find_ev(AP_SVC_EV_FLOW, 0);
	ck_assert_str_eq(ev(i + 2), "{\"name\": \"flow_d\", \"ph\": \"i\", \"ts\": 2000.0, \"id\": "
		"\"d\", \"cat\": \"d\", \"pid\": 1, \"tid\": \"Engine(1)\"}");
}
END_TEST

START_TEST(output_sync_quirk)
{
	size_t i, n_pname = 0;

	add_file("1", NULL);
	add_row(0, 1, 1000000, 2000000, "step", "Engine", 5, 9, "{}");
	add_row(0, 2, 3000000, 4000000, "outputSync", "Execute", 5, 9, "{}");
	add_row(0, 3, 5000000, 5000000, "process_name", "Engine", 5, 9, "{}");
	add_row(0, 4, 6000000, 6000000, "m", "Meta", 5, 9, "{}");
	add_row(0, 5, 7000000, 7000000, "q", "Queue", 5, 9, "{}");
	merge();
	build();
	ck_assert_int_eq(T.output_sync, 1);
	/* lanes keep the raw domain: Execute sorts first; Meta and Queue rows make no slice,
	 * the slice named process_name is dropped */
	ck_assert_str_eq(T.ev[0].lane, "Execute");
	ck_assert_str_eq(T.ev[0].name, "outputSync");
	ck_assert_str_eq(T.ev[1].lane, "Engine");
	ck_assert_int_eq(T.ev[2].kind, AP_SVC_EV_THREAD_SORT);
	ck_assert_int_eq(T.ev[2].pid, 5);
	for (i = 0; i < T.n_ev; i++)
		if (T.ev[i].name && !strcmp(T.ev[i].name, "process_name")) {
			n_pname++;
			ck_assert_int_eq(T.ev[i].kind, AP_SVC_EV_PROC_NAME);
		}
	ck_assert_uint_eq(n_pname, 1);
}
END_TEST

START_TEST(process_order)
{
	static const int64_t want[] = { 10, 40, 20, 30 };
	size_t i, k = 0;

	add_file("1", NULL);
	add_file("10", "1");
	add_file("10", "0");
	add_file("20", NULL);
	add_row(1, 1, 1000000, 1000000, "a", "Execute", 30, 1, "{}");
	add_row(2, 1, 2000000, 2000000, "a", "Execute", 20, 1, "{}");
	add_row(3, 1, 3000000, 3000000, "a", "Other", 40, 1, "{}");
	add_row(0, 1, 4000000, 4000000, "a", "Engine", 10, 1, "{}");
	merge();
	add_label(10, "node1", NULL);
	add_label(30, "node1", "1");
	add_label(20, "node1", "0");
	add_label(40, "node1", NULL);
	build();
	/* (schedule group, parent for forward, type, dp, ancestry): 40 is a child of the forward
	 * 20 (type 1, parent sort 0) and so comes before it */
	for (i = find_ev(AP_SVC_EV_PROC_SORT, 0); i < T.n_ev; i = find_ev(AP_SVC_EV_PROC_SORT, i + 1)) {
		ck_assert_uint_lt(k, 4);
		ck_assert_int_eq(T.ev[i].pid, want[k]);
		ck_assert_int_eq(T.ev[i].ival, (int64_t)k);
		k++;
	}
	ck_assert_uint_eq(k, 4);
	i = find_ev(AP_SVC_EV_PROC_LABELS, 0);
	ck_assert_str_eq(ev(find_ev(AP_SVC_EV_PROC_NAME, 0)), "{\"name\": \"process_name\", "
		"\"ph\": \"M\", \"pid\": 10, \"args\": {\"name\": \"schedule\"}}");
	ck_assert_str_eq(T.ev[find_ev(AP_SVC_EV_PROC_NAME, i)].sval, "40");
	ck_assert_str_eq(T.ev[T.n_ev - 1].sval, "node1,dp1");
}
END_TEST

START_TEST(non_ascii_and_nan)
{
	struct ap_svc_row *r;

	add_file("1", NULL);
	r = add_row(0, 1, 1000000, 1000000, "\xe8\xaf\xb7\xe6\xb1\x82", "Engine", 5, 9,
		    "{\"k\": \"\xc3\xa9\"}");
	r->during_us = NAN;
	build();
	ck_assert_str_eq(ev(0), "{\"name\": \"\xe8\xaf\xb7\xe6\xb1\x82\", \"ph\": \"X\", \"ts\": "
		"1000.0, \"dur\": NaN, \"pid\": 5, \"tid\": \"Engine(9)\", \"args\": {\"k\": "
		"\"\xc3\xa9\", \"start_datetime\": \"1970-01-01 08:00:00:001000\", \"end_datetime\": "
		"\"1970-01-01 08:00:00:001000\", \"tid\": 9, \"batch_size\": \"0\"}}");
	ap_strbuf_reset(&sb);
	ap_svc_trace_args_json(&sb, &T, &T.ev[0], 1);
	ck_assert_str_eq(sb.buf, "{\"k\": \"\\u00e9\", \"start_datetime\": \"1970-01-01 "
		"08:00:00:001000\", \"end_datetime\": \"1970-01-01 08:00:00:001000\", \"tid\": 9, "
		"\"batch_size\": \"0\"}");
}
END_TEST

START_TEST(empty_dump)
{
	char dir[] = "/tmp/ap_svc_trace_XXXXXX", out[4200];
	size_t n;
	char *got;

	build();
	ck_assert_uint_eq(T.n_ev, 8);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(ap_svc_write_trace(&T, dir, &err), 0);
	snprintf(out, sizeof(out), "%s/chrome_tracing.json", dir);
	got = slurp(out, &n);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(got[0], '[');
	ck_assert_int_eq(got[n - 1], ']');
	ck_assert_ptr_nonnull(strstr(got, "}, {\"name\": \"thread_sort_index\""));
	free(got);
	unlink(out);
	rmdir(dir);
	/* an unwritable directory is an error with a message, not a crash */
	ck_assert_int_lt(ap_svc_write_trace(&T, "/nonexistent/dir", &err), 0);
	ck_assert_int_ne(err.code, AP_OK);
}
END_TEST

static Suite *svc_trace_suite(int with_example)
{
	Suite *s = suite_create("svc_trace");
	TCase *tc = tcase_create("events");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, slice_args_lanes_and_order);
	tcase_add_test(tc, batch_size_column);
	tcase_add_test(tc, kv_and_queue_counters);
	tcase_add_test(tc, kv_float_when_a_process_lacks_kv);
	tcase_add_test(tc, flow_phases);
	tcase_add_test(tc, output_sync_quirk);
	tcase_add_test(tc, process_order);
	tcase_add_test(tc, non_ascii_and_nan);
	tcase_add_test(tc, empty_dump);
	suite_add_tcase(s, tc);
	if (with_example) {
		tc = tcase_create("example");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, worked_example);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	const char *samples = getenv("AP_SAMPLES_DIR");
	SRunner *sr;
	int failed, with_example;

	/* the upstream output of the §7 example, read in place beside ../shared/samples */
	snprintf(expected_path, sizeof(expected_path), "%s/../ms_service_profiler_synthetic/"
		 "output_analyze_json_csv_db/chrome_tracing.json", samples ? samples : "../shared/samples");
	with_example = access(expected_path, R_OK) == 0;
	sr = srunner_create(svc_trace_suite(with_example));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed)
		return 1;
	return with_example ? 0 : 77; /* the golden comparison could not run */
}
