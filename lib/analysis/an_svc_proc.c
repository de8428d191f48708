/* The per-process pipeline of a service dump (specs/ms_service_profiler.md §2.4, steps 2-5 and
 * 7-9: processor/processor_meta.py, processor_res.py, plugins/plugin_*.py) and the dump's
 * lifecycle. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_svc_local.h"
#include "ap/fmt.h"
#include "ap/status.h"
#include "ap/svc_an.h"
#include "ap/vec.h"
#include "../base/banned.h"

/* ---- §2.4 per process ------------------------------------------------------------------- */

/* What ProcessorMeta (step 2) tells the other processes about one file. */
struct pinfo {
	const char *hostname, *ppid;
	char pid[AP_FMT_MAX];
	int valid;         /* rows and a hostname: parse_process_info gave a dict */
	int is_forward;    /* a row named "forward" */
	int has_rid;       /* some row has a "rid" key (the column exists) */
	int has_from;      /* some row has a "from" key */
	struct ap_svc__smap map; /* normalised Link "to" -> normalised "from" (struct ap_sv *) */
};

/* VllmHelper.vllm_req_map (plugins/plugin_vllm_helper.py): per rid the batch_iter and
 * receiveToken, kept across files as upstream keeps it for the whole run. */
struct vllm_state {
	struct ap_svc__smap map; /* rid -> index + 1 into v */
	double *v;               /* [2 * i] batch_iter, [2 * i + 1] receiveToken */
	size_t n, cap;
	int none_seen;
	double none_v[2];
};

struct build_ctx {
	struct ap_svc *s;
	struct ap_diag *diag;
	struct pinfo *info;
	struct ap_svc__smap all_map; /* the union of every map, later wins; empty if all numeric */
	struct vllm_state vllm;
	int warned_no_status;
	struct ap_strbuf sb;         /* scratch, reused per row */        /* PluginReqStatus._warned_no_request_status (QUIRK) */
};

static const char *meta_get(const struct ap_svc_file *f, const char *name)
{
	return ap_svc_file_meta(f, name);
}

static int str_is(const char *s, const char *lit)
{
	return s && !strcmp(s, lit);
}

/* step 2: ProcessorMeta */
static int proc_meta(struct ap_svc_file *f, struct pinfo *pi)
{
	int added;

	ap_svc__smap_init(&pi->map);
	for (size_t r = 0; r < f->n_rows; r++) {
		const struct ap_svc_row *row = &f->rows[r];
		const struct ap_sv *from = ap_svc__get(&row->attrs, "from");

		pi->is_forward |= str_is(row->name, "forward");
		pi->has_rid |= ap_svc__get(&row->attrs, "rid") != NULL;
		pi->has_from |= from != NULL;
		if (ap_svc__valid(from)) {
			/* rid_map: set_index("to")["from"], later rows win, keys and values
			 * normalised with "int-if-possible then str" */
			const struct ap_sv *to = ap_svc__get(&row->attrs, "to");
			struct ap_sv k, *val = ap_arena_alloc(&f->arena, sizeof(*val));
			struct ap_svc__smap_slot *sl;

			if (!val)
				return AP_ENOMEM;
			if (!to)
				continue; /* a NaN key */
			if (ap_svc_rid_norm(&f->arena, to, &k) < 0 ||
			    ap_svc_rid_norm(&f->arena, from, val) < 0)
				return AP_ENOMEM;
			if (k.type != AP_SV_STR)
				continue; /* a None/NaN key is never looked up by a string rid */
			sl = ap_svc__smap_put(&pi->map, k.u.s, k.n, &added);
			if (!sl)
				return AP_ENOMEM;
			sl->val = (uint64_t)(uintptr_t)val;
		}
	}
	pi->hostname = meta_get(f, "hostname");
	pi->ppid = meta_get(f, "ppid");
	pi->valid = f->n_rows > 0 && pi->hostname;
	if (f->n_rows)
		ap_fmt_i64(pi->pid, f->rows[f->n_rows - 1].pid);
	return 0;
}

/* get_mapping_rid: normalise, then look up */
static int map_scalar(struct ap_arena *a, const struct ap_sv *v, const struct ap_svc__smap *m,
		      struct ap_sv *out)
{
	struct ap_svc__smap_slot *sl;

	AP_FORWARD_IF_ERROR(ap_svc_rid_norm(a, v, out));
	if (out->type == AP_SV_STR && m && (sl = ap_svc__smap_find(m, out->u.s, out->n)))
		*out = *(const struct ap_sv *)(uintptr_t)sl->val;
	return 0;
}

static int sv_changed(const struct ap_sv *a, const struct ap_sv *b)
{
	return a->type != b->type || a->n != b->n || memcmp(&a->u, &b->u, sizeof(a->u));
}

/* mapping_rid: lists element-wise, objects get their "rid" mapped, scalars mapped; a list or
 * object is copied only when an element changes (the loaded attrs stay as they are). */
static int map_res(struct ap_arena *a, const struct ap_sv *v, const struct ap_svc__smap *m,
		   struct ap_sv *out)
{
	*out = *v;
	if (v->type == AP_SV_LIST) {
		struct ap_sv *items = NULL, t;

		for (uint32_t i = 0; i < v->n; i++) {
			AP_FORWARD_IF_ERROR(map_res(a, &v->u.items[i], m, &t));
			if (!items && sv_changed(&t, &v->u.items[i])) {
				items = ap_arena_alloc(a, v->n * sizeof(*items));
				if (!items)
					return AP_ENOMEM;
				memcpy(items, v->u.items, i * sizeof(*items));
			}
			if (items)
				items[i] = t;
		}
		if (items)
			out->u.items = items;
		return 0;
	}
	if (v->type == AP_SV_OBJ) {
		struct ap_sv_member *mem = NULL;
		struct ap_sv t;

		for (uint32_t i = 0; i < v->n; i++) {
			const struct ap_sv_member *o = &v->u.members[i];

			if (strcmp(o->key, "rid") || o->v.type == AP_SV_LIST || o->v.type == AP_SV_OBJ)
				continue;
			AP_FORWARD_IF_ERROR(map_scalar(a, &o->v, m, &t));
			if (!mem && sv_changed(&t, &o->v)) {
				mem = ap_arena_alloc(a, v->n * sizeof(*mem));
				if (!mem)
					return AP_ENOMEM;
				memcpy(mem, v->u.members, v->n * sizeof(*mem));
			}
			if (mem)
				mem[i].v = t;
		}
		if (mem)
			out->u.members = mem;
		return 0;
	}
	return map_scalar(a, v, m, out);
}

/* VllmHelper.add_req_batch_iter */
static int vllm_iter(struct vllm_state *st, const char *rid, double iter_size, int64_t *out)
{
	double *e;
	int added = 0;

	if (!rid) {
		e = st->none_v;
		added = !st->none_seen;
		st->none_seen = 1;
	} else {
		struct ap_svc__smap_slot *sl = ap_svc__smap_put(&st->map, rid, strlen(rid), &added);

		if (!sl)
			return AP_ENOMEM;
		if (added) {
			if (st->n == st->cap) {
				size_t cap = st->cap ? st->cap * 2 : 64;
				double *nv = realloc(st->v, cap * 2 * sizeof(*nv));

				if (!nv)
					return AP_ENOMEM;
				st->v = nv;
				st->cap = cap;
			}
			sl->val = ++st->n;
		}
		e = &st->v[2 * (sl->val - 1)];
	}
	if (added) {
		e[0] = 0;
		e[1] = iter_size;
	} else if (e[1] == 0) {
		e[1] = iter_size;
	} else {
		e[0] += iter_size;
	}
	*out = (int64_t)e[0];
	return 0;
}

/* extract_rid: rid string, rid_list, token_id_list (dp objects add no token) */
static int extract(struct build_ctx *c, struct ap_svc_file *f, struct ap_svc_row *row)
{
	const struct ap_sv *res = &row->res;
	struct ap_strbuf *sb = &c->sb;
	int oom = 0, rc = 0;

	if (res->type != AP_SV_LIST) {
		if (res->type == AP_SV_NULL)
			row->rid = NULL;
		else
			row->rid = ap_svc__scalar_str(&f->arena, res, &oom);
		return oom ? AP_ENOMEM : 0;
	}
	ap_strbuf_reset(sb);
	row->rid_is_list = 1;
	row->rid_list = ap_arena_alloc(&f->arena, (res->n ? res->n : 1) * sizeof(*row->rid_list));
	row->token_ids = ap_arena_alloc(&f->arena, (res->n ? res->n : 1) * sizeof(int64_t));
	if (!row->rid_list || !row->token_ids)
		return AP_ENOMEM;
	for (uint32_t i = 0; i < res->n && !rc; i++) {
		const struct ap_sv *e = &res->u.items[i], *id = e, *v;
		const char *s = NULL;
		int64_t tok = AP_SVC_NO_TOKEN;
		int has_tok = 1;

		if (e->type == AP_SV_OBJ) {
			id = ap_svc__get(e, "rid");
			s = id && id->type != AP_SV_NULL ? ap_svc__scalar_str(&f->arena, id, &oom)
							 : NULL;
			if ((v = ap_svc__get(e, "iter_size")) && ap_svc__truthy(v)) {
				double d = 0;

				ap_svc__to_num(v, &d);
				rc = vllm_iter(&c->vllm, s, d, &tok);
			} else if (ap_svc__truthy(ap_svc__get(e, "dp"))) {
				has_tok = 0; /* dp_list */
			} else if ((v = ap_svc__get(e, "iter")) && v->type != AP_SV_NULL &&
				   !ap_svc__py_int(v, &tok)) {
				tok = AP_SVC_NO_TOKEN;
			}
		} else {
			s = e->type == AP_SV_NULL ? NULL : ap_svc__scalar_str(&f->arena, e, &oom);
		}
		row->rid_list[row->n_rid_list++] = s;
		if (has_tok)
			row->token_ids[row->n_token_ids++] = tok;
		/* rid = ','.join(map(str, rid_list)) */
		if (i)
			ap_strbuf_addch(sb, ',');
		ap_strbuf_addstr(sb, s ? s : "None");
	}
	/* the same batch is on several rows: its rid text is interned */
	if (sb->failed || (!rc && !oom &&
			   !(row->rid = ap_strtab_get(&f->strs, ap_strtab_intern(&f->strs, sb->buf,
										sb->len, NULL)))))
		oom = 1;
	return rc < 0 ? rc : oom ? AP_ENOMEM : 0;
}

/* step 3: ProcessorRes */
static int proc_res(struct build_ctx *c, size_t fi)
{
	struct ap_svc_file *f = &c->s->files[fi];
	struct pinfo *pi = &c->info[fi];
	const struct ap_svc__smap *m = &pi->map;

	if (pi->is_forward) {
		/* the map of the parent (same hostname, pid == our ppid), else the union; a
		 * valid process has a hostname, ours may have none (then nothing matches) */
		m = &c->all_map;
		for (size_t j = 0; j < c->s->n_files; j++)
			if (c->info[j].valid && str_is(pi->hostname, c->info[j].hostname) &&
			    str_is(pi->ppid, c->info[j].pid)) {
				m = &c->info[j].map;
				break;
			}
	}
	if (!pi->has_rid)
		return 0;
	for (size_t r = 0; r < f->n_rows; r++) {
		struct ap_svc_row *row = &f->rows[r];
		const struct ap_sv *raw = ap_svc__get(&row->attrs, "rid");

		if (!pi->is_forward && ap_svc__valid(ap_svc__get(&row->attrs, "from")))
			row->flags |= AP_SVC__ROW_DROP; /* Link rows leave non-forward processes */
		if (!ap_svc__valid(raw)) {
			row->res.type = AP_SV_NULL; /* NaN -> None (step 4) */
		} else {
			AP_FORWARD_IF_ERROR(map_res(&f->arena, raw, m, &row->res));
			if (row->res.type == AP_SV_REAL && isnan(row->res.u.d))
				row->res.type = AP_SV_NULL;
		}
		AP_FORWARD_IF_ERROR(extract(c, f, row));
	}
	return 0;
}

/* ---- step 5: PluginReqStatus -------------------------------------------------------------- */

/* ReqStatus (plugins/plugin_req_status.py), index -> "<NAME>+" and "<NAME>=" */
#define RS(n) { n "+", n "=" }
static const char *const req_status_key[16][2] = {
	RS("WAITING"), RS("PENDING"), RS("RUNNING"), RS("RUNNING2"), RS("SWAPPED"),
	RS("RECOMPUTE"), RS("SUSPENDED"), RS("END"), RS("STOP"), RS("PREFILL_HOLD"),
	RS("END_PRE"), RS("STOP_PRE"), RS("WAITING_PULL"), RS("PULLING"), RS("PULLED"),
	RS("D2D_PULLING"),
};
#undef RS

/* is_req_status_metric: "<digits>+" or "<digits>=" */
static int is_status_metric(const char *k)
{
	size_t n = strlen(k);

	if (n < 2 || (k[n - 1] != '+' && k[n - 1] != '='))
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		if (k[i] < '0' || k[i] > '9')
			return 0;
	return 1;
}

/* status_index_to_status_name; k is a status metric */
static const char *status_name(const char *k)
{
	size_t n = strlen(k);
	unsigned long idx = 0;

	for (size_t i = 0; i + 1 < n && idx < 100; i++)
		idx = idx * 10 + (unsigned)(k[i] - '0');
	return idx < 16 ? req_status_key[idx][k[n - 1] == '='] : k;
}

struct status_col {
	const char *key, *renamed;
};

static int has_key(const struct ap_svc_file *f, const char *key)
{
	for (size_t r = 0; r < f->n_rows; r++)
		if (ap_svc__get(&f->rows[r].attrs, key))
			return 1;
	return 0;
}

static int num_gt0(const struct ap_sv *v)
{
	switch (v ? v->type : AP_SV_ABSENT) {
	case AP_SV_INT:
		return v->u.i > 0;
	case AP_SV_REAL:
		return v->u.d > 0;
	case AP_SV_TRUE:
		return 1;
	default:
		return 0; /* None/NaN compare False (a string would make upstream's step fail) */
	}
}

static int proc_req_status(struct build_ctx *c, struct ap_svc_file *f)
{
	static const char *const vllm_cols[] = { "WAITING+", "RUNNING+", "FINISHED+" };
	AP_VEC(struct status_col) cols = { 0 };
	int rc = 0, has_domain = f->gen == AP_SVC_GEN_C;

	if (!f->n_rows || has_key(f, "status"))
		return 0; /* new MindIE: states come in a status attribute */
	/* columns in order of first appearance; the message dicts get the renamed keys */
	for (size_t r = 0; r < f->n_rows; r++) {
		struct ap_svc_row *row = &f->rows[r];
		const struct ap_sv *a = &row->attrs;
		struct ap_sv_member *mem = NULL;

		has_domain |= row->domain != NULL || str_is(row->name, "ReqState");
		for (uint32_t i = 0; a->type == AP_SV_OBJ && i < a->n; i++) {
			const char *k = a->u.members[i].key;
			size_t j;

			if (!is_status_metric(k))
				continue;
			for (j = 0; j < cols.n && strcmp(cols.v[j].key, k); j++)
				;
			if (j == cols.n) {
				struct status_col *sc = ap_vec_push(&cols);

				if (!sc) {
					rc = AP_ENOMEM;
					goto out;
				}
				sc->key = k;
				sc->renamed = status_name(k);
			}
			if (status_name(k) == k)
				continue;
			if (!mem) {
				mem = ap_arena_alloc(&f->arena, a->n * sizeof(*mem));
				if (!mem) {
					rc = AP_ENOMEM;
					goto out;
				}
				memcpy(mem, a->u.members, a->n * sizeof(*mem));
			}
			mem[i].key = status_name(k);
		}
		if (mem)
			row->attrs.u.members = mem;
	}
	if (!cols.n) {
		for (size_t j = 0; j < 3; j++) {
			struct status_col *sc;

			if (!has_key(f, vllm_cols[j]))
				continue;
			if (!(sc = ap_vec_push(&cols))) {
				rc = AP_ENOMEM;
				goto out;
			}
			sc->key = sc->renamed = vllm_cols[j];
		}
		if (!cols.n && has_key(f, "QueueSize=") && has_key(f, "scope#QueueName"))
			goto out;
		/* QUIRK: the "nothing found" early return is taken once per run (a class flag);
		 * later such processes fall through with no status column */
		if (!cols.n && !c->warned_no_status) {
			c->warned_no_status = 1;
			goto out;
		}
	}
	/* rename_req_status: ReqState rows take the first state > 0 (its '+' removed) */
	for (size_t r = 0; r < f->n_rows; r++) {
		struct ap_svc_row *row = &f->rows[r];

		if (!str_is(row->name, "ReqState"))
			continue;
		for (size_t j = 0; j < cols.n; j++) {
			char buf[64];
			size_t o = 0;

			if (!num_gt0(ap_svc__get(&row->attrs, cols.v[j].renamed)))
				continue;
			for (const char *p = cols.v[j].renamed; *p && o + 1 < sizeof(buf); p++)
				if (*p != '+')
					buf[o++] = *p;
			if (!(row->name = ap_arena_strndup(&f->arena, buf, o))) {
				rc = AP_ENOMEM;
				goto out;
			}
			break;
		}
		row->domain = "RequestState";
	}
	for (size_t r = 0; has_domain && r < f->n_rows; r++) {
		struct ap_svc_row *row = &f->rows[r];

		if (!row->name)
			row->name = row->domain;
		if (!row->domain)
			row->domain = row->name;
	}
out:
	ap_vec_free(&cols);
	return rc;
}

/* ---- step 7: PluginTrace ------------------------------------------------------------------ */

/* extract_batch_type from token_id_list */
static const char *tokens_batch_type(const struct ap_svc_row *row)
{
	int pre = 0, dec = 0;

	for (uint32_t i = 0; i < row->n_token_ids; i++) {
		pre |= row->token_ids[i] == 0;
		dec |= row->token_ids[i] != AP_SVC_NO_TOKEN && row->token_ids[i] > 0;
	}
	return pre && dec ? "Prefill, Decode" : pre ? "Prefill" : dec ? "Decode" : NULL;
}

/* fix_batch_type's PD correction (processes with prefillRes / decodeRes rows). The role map
 * is keyed by (hostname, pid); the hostname is the file's, so by pid. */
static int pd_correct(struct build_ctx *c, struct ap_svc_file *f)
{
	struct ap_svc__smap last;
	int64_t ppid = 0, dpid = 0;
	int has_p = 0, has_d = 0, rc = 0, added;

	/* later role rows win for their pid */
	for (size_t r = 0; r < f->n_rows; r++) {
		const struct ap_svc_row *row = &f->rows[r];
		int p = str_is(row->name, "prefillRes"), d = str_is(row->name, "decodeRes");

		if (p || d) {
			if (has_p && ppid == row->pid)
				has_p = 0;
			if (has_d && dpid == row->pid)
				has_d = 0;
			if (p)
				has_p = 1, ppid = row->pid;
			else
				has_d = 1, dpid = row->pid;
		}
	}
	if (!has_p && !has_d)
		return 0;
	for (size_t r = 0; r < f->n_rows; r++) {
		struct ap_svc_row *row = &f->rows[r];

		if (row->batch_type && has_p && row->pid == ppid && strcmp(row->batch_type, "Prefill"))
			row->batch_type = "Other";
	}
	if (!has_d)
		return 0;
	/* decode: per (name, rid) the last conflicting row becomes Decode, the others Other */
	ap_svc__smap_init(&last);
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t r = 0; r < f->n_rows && !rc; r++) {
			struct ap_svc_row *row = &f->rows[r];
			int is_last = 0;

			if (!row->batch_type || row->pid != dpid || !strcmp(row->batch_type, "Decode"))
				continue;
			for (uint32_t i = 0; row->name && i < row->n_rid_list; i++) {
				struct ap_svc__smap_slot *sl;
				char *key;

				if (!row->rid_list[i])
					continue; /* groupby drops NaN keys */
				ap_strbuf_reset(&c->sb);
				ap_strbuf_addstr(&c->sb, row->name);
				ap_strbuf_addch(&c->sb, '\0');
				ap_strbuf_addstr(&c->sb, row->rid_list[i]);
				if (c->sb.failed) {
					rc = AP_ENOMEM;
					break;
				}
				if (pass == 0) {
					key = ap_arena_alloc(&f->arena, c->sb.len);
					if (!key || !(sl = ap_svc__smap_put(&last, key, c->sb.len, &added))) {
						rc = AP_ENOMEM;
						break;
					}
					memcpy(key, c->sb.buf, c->sb.len);
					sl->val = r;
				} else {
					sl = ap_svc__smap_find(&last, c->sb.buf, c->sb.len);
					is_last |= sl && sl->val == r;
				}
			}
			if (pass == 1)
				row->batch_type = is_last ? "Decode" : "Other";
		}
	}
	ap_svc__smap_release(&last);
	return rc;
}

static int proc_trace(struct build_ctx *c, struct ap_svc_file *f, const struct pinfo *pi)
{
	static const char *const bt_names[] = { "Prefill", "Decode", "Extend", "Mixed", NULL,
						"Dummy" };
	int oom = 0, has_bt = has_key(f, "batchType");

	for (size_t r = 0; r < f->n_rows; r++) {
		struct ap_svc_row *row = &f->rows[r];
		const struct ap_sv *bt = ap_svc__get(&row->attrs, "batch_type");

		row->batch_size = row->prefill_batch_size = row->decode_batch_size = -1;
		/* batch_type: kept when set, else from the tokens */
		row->batch_type = NULL;
		if (ap_svc__valid(bt))
			row->batch_type = ap_svc__scalar_str(&f->arena, bt, &oom); /* list: NULL */
		if (oom)
			return AP_ENOMEM;
		if (!pi->has_rid)
			continue; /* no token_id_list: the plugin stops after adding batch_type */
		if (!row->batch_type)
			row->batch_type = tokens_batch_type(row);
		if (has_bt) {
			/* new MindIE batchType: replaces every row's batch_type, no PD correction */
			const struct ap_sv *v = ap_svc__get(&row->attrs, "batchType");
			double d;

			row->batch_type = NULL;
			if (ap_svc__valid(v)) {
				int num = v->type != AP_SV_STR && ap_svc__to_num(v, &d);

				row->batch_type = "Other";
				if (num && d >= 0 && d <= 5 && d == (int)d && bt_names[(int)d])
					row->batch_type = bt_names[(int)d];
			}
		}
	}
	if (!pi->has_rid)
		return 0;
	if (!has_bt && pi->hostname)
		AP_FORWARD_IF_ERROR(pd_correct(c, f));
	for (size_t r = 0; r < f->n_rows; r++) {
		struct ap_svc_row *row = &f->rows[r];

		row->batch_size = (int32_t)row->n_rid_list;
		if (str_is(row->batch_type, "Prefill, Decode")) {
			row->prefill_batch_size = 0;
			for (uint32_t i = 0; i < row->n_token_ids; i++)
				row->prefill_batch_size += row->token_ids[i] == 0;
			row->decode_batch_size = (int32_t)row->n_token_ids - row->prefill_batch_size;
		}
	}
	return 0;
}

/* ---- step 8: PluginKVCacheMetrics ---------------------------------------------------------- */

static int is_kv(const struct ap_svc_row *row)
{
	return str_is(row->domain, "KVCache") || str_is(row->domain, "Schedule.KVCache");
}

/* .astype(int) of a valid float: truncation toward zero; 0 when it would raise (inf) */
static int to_int(double d, int64_t *out)
{
	if (!isfinite(d) || fabs(d) >= 9.2e18)
		return 0;
	*out = (int64_t)d;
	return 1;
}

/* Upstream casts whole columns with .astype(int): one NaN (or inf) among valid values raises,
 * the plugin's try/except swallows it and every KV value of the process stays 0 (QUIRK). */
static int kv_column_fails(const struct ap_svc_file *f, const char *key, int *any_valid)
{
	int bad = 0;
	double d;
	int64_t i;

	*any_valid = 0;
	for (size_t r = 0; r < f->n_rows; r++) {
		if (!is_kv(&f->rows[r]))
			continue;
		if (ap_svc__to_num(ap_svc__get(&f->rows[r].attrs, key), &d) && to_int(d, &i))
			*any_valid = 1;
		else
			bad = 1;
	}
	return bad;
}

static int proc_kv(struct ap_svc_file *f)
{
	int any = 0, has_after = has_key(f, "FreeBlocksAfter="), has_before =
		has_key(f, "FreeBlocksBefore="), v_after, v_before, fails = 0;

	for (size_t r = 0; r < f->n_rows && !any; r++)
		any = is_kv(&f->rows[r]);
	if (!any)
		return 0;
	if (has_after && kv_column_fails(f, "FreeBlocksAfter=", &v_after) && v_after)
		fails = 1;
	if (has_after && has_before) {
		int fa = kv_column_fails(f, "FreeBlocksAfter=", &v_after);
		int fb = kv_column_fails(f, "FreeBlocksBefore=", &v_before);
		int both = 0;
		double a, b;

		for (size_t r = 0; r < f->n_rows; r++)
			both |= is_kv(&f->rows[r]) &&
				ap_svc__to_num(ap_svc__get(&f->rows[r].attrs, "FreeBlocksAfter="), &a) &&
				ap_svc__to_num(ap_svc__get(&f->rows[r].attrs, "FreeBlocksBefore="), &b);
		fails |= both && (fa || fb);
	}
	for (size_t r = 0; r < f->n_rows; r++) {
		struct ap_svc_row *row = &f->rows[r];
		const struct ap_sv *a = &row->attrs, *up;
		double d, d2;
		int64_t i, i2;

		row->has_kv = 1;
		row->total_blocks = row->used_blocks = row->free_blocks = 0;
		row->blocks_allocated = row->blocks_freed = 0;
		row->kvcache_usage_rate = 0.0;
		if (!is_kv(row) || fails)
			continue;
		if (ap_svc__to_num(ap_svc__get(a, "TotalBlocks="), &d) && to_int(d, &i))
			row->total_blocks = i;
		if (ap_svc__to_num(ap_svc__get(a, "FreeBlocksAfter="), &d) && to_int(d, &i)) {
			row->free_blocks = i;
			row->used_blocks = row->total_blocks - i;
		}
		if (row->free_blocks == 0 && ap_svc__to_num(ap_svc__get(a, "FreeBlocks="), &d) &&
		    to_int(d, &i)) {
			row->free_blocks = i;
			row->used_blocks = row->total_blocks - i;
		}
		if (has_after && has_before &&
		    ap_svc__to_num(ap_svc__get(a, "FreeBlocksBefore="), &d) && to_int(d, &i) &&
		    ap_svc__to_num(ap_svc__get(a, "FreeBlocksAfter="), &d2) && to_int(d2, &i2)) {
			row->blocks_allocated = i - i2 > 0 ? i - i2 : 0;
			row->blocks_freed = i2 - i > 0 ? i2 - i : 0;
		}
		if (ap_svc__to_num(ap_svc__get(a, "AllocatedBlocks="), &d)) {
			if (d > 0 && to_int(d, &i))
				row->blocks_allocated = i;
			else if (d < 0 && to_int(-d, &i))
				row->blocks_freed = i;
		}
		up = ap_svc__get(a, "UsagePercent=");
		if (ap_svc__to_num(up, &d))
			row->kvcache_usage_rate = d > 1.0 ? d / 100.0 : d;
		else if (!ap_svc__valid(up))
			row->kvcache_usage_rate = (double)row->used_blocks /
				(double)(row->total_blocks > 0 ? row->total_blocks : 1);
	}
	return 0;
}

/* ---- step 9: PluginProcessName (labels merged across files: later file wins) ---------------- */

static int proc_labels(struct ap_svc *s, const struct ap_svc_file *f, const struct pinfo *pi)
{
	const char *dp = meta_get(f, "dpRankId");
	AP_VEC(int64_t) pids = { 0 };
	int rc = 0;

	if (!pi->has_rid || !pi->hostname)
		return 0; /* no rid column: nothing; no hostname column: the plugin fails */
	for (size_t r = 0; r < f->n_rows; r++) {
		size_t k;
		int64_t *p;

		for (k = 0; k < pids.n && pids.v[k] != f->rows[r].pid; k++)
			;
		if (k == pids.n) {
			if (!(p = ap_vec_push(&pids))) {
				rc = AP_ENOMEM;
				goto out;
			}
			*p = f->rows[r].pid;
		}
	}
	for (size_t k = 0; k < pids.n; k++) {
		size_t j;

		for (j = 0; j < s->n_labels && s->labels[j].pid != pids.v[k]; j++)
			;
		if (j == s->n_labels) {
			struct ap_svc_label *nl = realloc(s->labels, (j + 1) * sizeof(*nl));

			if (!nl) {
				rc = AP_ENOMEM;
				goto out;
			}
			s->labels = nl;
			s->n_labels++;
		}
		/* dict.update replaces the whole entry; the first pid of the dpRankId gets
		 * dp_rank (the Meta string "-1" is not excluded: QUIRK) */
		s->labels[j].pid = pids.v[k];
		s->labels[j].hostname = pi->hostname;
		s->labels[j].dp_rank = k == 0 ? dp : NULL;
	}
out:
	ap_vec_free(&pids);
	return rc;
}

/* ---- the dump ------------------------------------------------------------------------------ */

void ap_svc_init(struct ap_svc *s)
{
	memset(s, 0, sizeof(*s));
	ap_arena_init_grow(&s->arena, 1u << 14, 1u << 20);
}

void ap_svc_release(struct ap_svc *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_files; i++)
		ap_svc_file_release(&s->files[i]);
	free(s->files);
	free(s->rows);
	free(s->labels);
	ap_arena_release(&s->arena);
	ap_svc_init(s);
}

/* the union of every Link map (later processes win); an all-numeric union is dropped since
 * numeric ids of different processes collide (processor_res.py) */
static int union_maps(struct build_ctx *c)
{
	int numeric = 1, added;
	char tmp[64];

	for (size_t i = 0; i < c->s->n_files; i++) {
		const struct ap_svc__smap *m = &c->info[i].map;

		for (size_t k = 0; m->slot && k <= m->mask; k++) {
			struct ap_svc__smap_slot *sl;

			if (!m->slot[k].key)
				continue;
			sl = ap_svc__smap_put(&c->all_map, m->slot[k].key, m->slot[k].len, &added);
			if (!sl)
				return AP_ENOMEM;
			sl->val = m->slot[k].val;
			numeric &= m->slot[k].len + 2 <= sizeof(tmp) &&
				   ap_svc__int_text(m->slot[k].key, m->slot[k].len, tmp) > 0;
		}
	}
	if (numeric)
		ap_svc__smap_release(&c->all_map);
	return 0;
}

int ap_svc_build(struct ap_svc *s, struct ap_svc_file *files, size_t n_files,
		 struct ap_diag *diag, struct ap_err *err)
{
	struct build_ctx c = { 0 };
	int rc = 0;

	s->files = files;
	s->n_files = n_files;
	c.s = s;
	c.diag = diag;
	ap_strbuf_init(&c.sb);
	ap_svc__smap_init(&c.all_map);
	ap_svc__smap_init(&c.vllm.map);
	c.info = calloc(n_files ? n_files : 1, sizeof(*c.info));
	if (!c.info) {
		rc = AP_ENOMEM;
		goto out;
	}
	/* step 2 for every process first: step 3 of a forward process needs the others' maps */
	for (size_t i = 0; i < n_files && !rc; i++)
		rc = proc_meta(&files[i], &c.info[i]);
	if (!rc)
		rc = union_maps(&c);
	for (size_t i = 0; i < n_files && !rc; i++) {
		rc = proc_res(&c, i);
		if (!rc)
			rc = proc_req_status(&c, &files[i]);
		if (!rc)
			rc = proc_trace(&c, &files[i], &c.info[i]);
		if (!rc)
			rc = proc_kv(&files[i]);
		if (!rc)
			rc = proc_labels(s, &files[i], &c.info[i]);
	}
	if (rc) {
		ap_err_set(err, rc, "service analysis: out of memory");
		goto out;
	}
	rc = ap_svc__merge(s, diag, err);
out:
	for (size_t i = 0; c.info && i < n_files; i++)
		ap_svc__smap_release(&c.info[i].map);
	free(c.info);
	ap_svc__smap_release(&c.all_map);
	ap_svc__smap_release(&c.vllm.map);
	free(c.vllm.v);
	ap_strbuf_release(&c.sb);
	return rc;
}
