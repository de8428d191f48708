/*
 * gen_records.c — the FRAMEWORK record directives, one encoder per record kind (§3.3–§3.9, per writer
 * generation §3.10): op → torch.op_range, mark → torch.op_mark, mem → torch.memory_usage, py / pymod / hash →
 * the python tracer files, gc → torch.gc_record, param → torch.param_tensor_info. Each appends to its file's
 * buffer in scenario order; gen_dump.c writes the files.
 */
#include <stdint.h>
#include <string.h>

#include "gen_local.h"

/* Extra tlvID=S fields, in line order. */
static int extra_tlvs(struct ap_gen *g, struct ap_gen_tok *t, int n, struct ap_gen_buf *b)
{
	for (int i = 0; i < n; i++) {
		if (!t[i].key || strncmp(t[i].key, "tlv", 3) != 0)
			continue;
		uint64_t id;
		if (ap_gen__parse_num(g, t[i].key, t[i].key + 3, strlen(t[i].key + 3), &id) || id > 0xffff) {
			ap_gen__err_at(g, "bad TLV id in '%s'", t[i].key);
			return -1;
		}
		t[i].used = 1;
		tlv(b, (unsigned)id, t[i].val, t[i].len);
	}
	return 0;
}

static int rec_type(struct ap_gen *g, struct ap_gen_tok *t, int n, unsigned g3type, unsigned *out)
{
	uint64_t v;
	if (ap_gen__opt_num(g, t, n, "rtype", g->gen == 3 ? g3type : 1, &v))
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int do_op(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	/* field ids per generation (§3.3, §3.10); 0 = not in that layout */
	static const char *const fields[] = {"name", "type", "dims", "tensors", "tensorlists", "scalars",
					     "stack", "module", "flops"};
	static const unsigned ids[3][9] = {
		{3, 4, 5, 0, 0, 0, 6, 7, 8},
		{3, 4, 5, 6, 0, 7, 8, 9, 10},
		{2, 3, 4, 5, 6, 7, 8, 9, 10},
	};
	uint64_t start, end, seq, fwd, pid, tid, endtid, scope, async;
	unsigned rtype;
	struct ap_gen_fw_file *f;
	if (ap_gen__need_pos(g, t, n, 3, "op START END name=S [key=value...]") ||
	    ap_gen__to_raw(g, &t[1], &start) || ap_gen__to_raw_end(g, &t[1], &t[2], &end) ||
	    ap_gen__opt_num(g, t, n, "seq", (uint64_t)-1, &seq) ||
	    ap_gen__opt_num(g, t, n, "fwd", 0, &fwd) || ap_gen__opt_num(g, t, n, "pid", g->pid, &pid) ||
	    ap_gen__opt_num(g, t, n, "tid", g->tid, &tid) || ap_gen__opt_num(g, t, n, "endtid", tid, &endtid) ||
	    ap_gen__opt_num(g, t, n, "scope", 0, &scope) || ap_gen__opt_num(g, t, n, "async", 0, &async) ||
	    rec_type(g, t, n, 1, &rtype) || !(f = ap_gen__fw(g, "torch.op_range")))
		return -1;
	if (!ap_gen__opt(t, n, "name")) {
		ap_gen__err_at(g, "op: missing name=");
		return -1;
	}
	struct ap_gen_buf *b = &f->b;
	size_t at = rec_begin(b, rtype);
	put_u64(b, start);
	put_u64(b, end);
	put_u64(b, seq);
	put_u64(b, pid);
	put_u64(b, tid);
	put_u64(b, endtid);
	put_u64(b, fwd);
	if (g->gen >= 2)
		put_u8(b, scope);
	else if (scope)
		ap_gen__warn_at(g, "gen 1 op_range has no scope byte; scope=%llu dropped",
				(unsigned long long)scope);
	put_u8(b, async);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct ap_gen_tok *k = ap_gen__opt(t, n, fields[i]);
		if (!k)
			continue;
		unsigned id = ids[g->gen - 1][i];
		if (!id) {
			ap_gen__err_at(g, "op: gen %d has no '%s' field", g->gen, fields[i]);
			return -1;
		}
		tlv(b, id, k->val, k->len);
	}
	if (extra_tlvs(g, t, n, b))
		return -1;
	rec_end(b, at);
	return ap_gen__check_used(g, t, n);
}

static int do_mark(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	static const char *const cats[] = {"enq_start", "enq_end", "deq_start", "deq_end"};
	uint64_t ts, cat, corr, pid, tid;
	unsigned rtype;
	struct ap_gen_fw_file *f;
	if (ap_gen__need_pos(g, t, n, 2, "mark TIME cat=C [corr=N] [name=S] [pid=N] [tid=N]") ||
	    ap_gen__to_raw(g, &t[1], &ts) || ap_gen__opt_enum(g, t, n, "cat", cats, 4, 1, 0, &cat) ||
	    ap_gen__opt_num(g, t, n, "corr", 0, &corr) || ap_gen__opt_num(g, t, n, "pid", g->pid, &pid) ||
	    ap_gen__opt_num(g, t, n, "tid", g->tid, &tid) || rec_type(g, t, n, 2, &rtype) ||
	    !(f = ap_gen__fw(g, "torch.op_mark")))
		return -1;
	struct ap_gen_buf *b = &f->b;
	size_t at = rec_begin(b, rtype);
	put_u64(b, ts);
	put_u64(b, cat);
	put_u64(b, corr);
	put_u64(b, tid);
	put_u64(b, pid);
	struct ap_gen_tok *name = ap_gen__opt(t, n, "name");
	if (name)
		tlv(b, g->gen == 3 ? 1 : 2, name->val, name->len);
	if (extra_tlvs(g, t, n, b))
		return -1;
	rec_end(b, at);
	return ap_gen__check_used(g, t, n);
}

static int do_mem(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	if (!g->memsize) /* no memsize line yet: the generation's default layout */
		g->memsize = g->gen == 1 ? 75 : g->gen == 2 ? 76 : 77;
	static const char *const dtypes[] = {"malloc", "free", "block_free"};
	static const char *const devtypes[21] = {[0] = "cpu", [20] = "npu"};
	uint64_t ts, ptr, size, alloc, reserved, active, stream, devtype, devidx, comp, dtype, atype, pid, tid;
	unsigned rtype;
	struct ap_gen_fw_file *f;
	if (ap_gen__need_pos(g, t, n, 2, "mem TIME ptr=N size=N alloc=N reserved=N [key=value...]") ||
	    ap_gen__to_raw(g, &t[1], &ts) || ap_gen__req_num(g, t, n, "ptr", &ptr) ||
	    ap_gen__req_num(g, t, n, "size", &size) || ap_gen__req_num(g, t, n, "alloc", &alloc) ||
	    ap_gen__req_num(g, t, n, "reserved", &reserved) || ap_gen__opt_num(g, t, n, "active", 0, &active) ||
	    ap_gen__opt_num(g, t, n, "stream", 0, &stream) ||
	    ap_gen__opt_enum(g, t, n, "devtype", devtypes, 21, 0, 20, &devtype) ||
	    ap_gen__opt_num(g, t, n, "devidx", 0, &devidx) ||
	    ap_gen__opt_num(g, t, n, "comp", 0, &comp) || ap_gen__opt_enum(g, t, n, "dtype", dtypes, 3, 0, 0, &dtype) ||
	    ap_gen__opt_num(g, t, n, "alloctype", 0, &atype) || ap_gen__opt_num(g, t, n, "pid", g->pid, &pid) ||
	    ap_gen__opt_num(g, t, n, "tid", g->tid, &tid) || rec_type(g, t, n, 3, &rtype) ||
	    !(f = ap_gen__fw(g, "torch.memory_usage")))
		return -1;
	int ms = g->memsize;
	if ((ms == 58 && (active || stream || dtype)) || (ms <= 76 && comp) || (ms <= 75 && atype))
		ap_gen__warn_at(g, "mem: fields missing from the %d-byte layout dropped", ms);
	struct ap_gen_buf *b = &f->b;
	size_t at = rec_begin(b, rtype);
	put_u64(b, ptr);
	put_u64(b, ts);
	put_u64(b, size);
	put_u64(b, alloc);
	put_u64(b, reserved);
	if (ms >= 75) {
		put_u64(b, active);
		put_u64(b, stream);
	}
	put_u8(b, devtype);
	put_u8(b, devidx);
	if (ms >= 77)
		put_u8(b, comp);
	if (ms >= 75)
		put_u8(b, dtype);
	if (ms >= 76)
		put_u8(b, atype);
	put_u64(b, tid);
	put_u64(b, pid);
	rec_end(b, at);
	if (b->len - at - 4 != (size_t)ms) {
		ap_gen__err_at(g, "internal: memory record of %zu bytes", b->len - at - 4);
		return -1;
	}
	return ap_gen__check_used(g, t, n);
}

static int do_py(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	static const char *const tags[] = {"call", "return", "c_call", "c_return"};
	uint64_t ts, tag, pid, tid, key;
	if (ap_gen__need_pos(g, t, n, 2, "py TIME tag=T [name=S] [key=N] [pid=N] [tid=N]") ||
	    ap_gen__to_raw(g, &t[1], &ts) || ap_gen__opt_enum(g, t, n, "tag", tags, 4, 1, 0, &tag) ||
	    ap_gen__opt_num(g, t, n, "pid", g->pid, &pid) || ap_gen__opt_num(g, t, n, "tid", g->tid, &tid))
		return -1;
	struct ap_gen_tok *name = ap_gen__opt(t, n, "name"), *k = ap_gen__opt(t, n, "key");
	int is_return = tag == 1 || tag == 3;
	if (g->gen == 1) {
		struct ap_gen_fw_file *f = ap_gen__fw(g, "torch.python_func_call");
		if (!f || (k && ap_gen__tok_num(g, k, &key)))
			return -1;
		size_t at = rec_begin(&f->b, 1);
		put_u64(&f->b, ts);
		put_u64(&f->b, tid);
		put_u64(&f->b, pid);
		put_u8(&f->b, tag);
		if (name)
			tlv(&f->b, 2, name->val, name->len);
		rec_end(&f->b, at);
		return ap_gen__check_used(g, t, n);
	}
	if (k) {
		if (ap_gen__tok_num(g, k, &key))
			return -1;
		if (name)
			ap_gen__hash_add(g, key, name->val, name->len);
	} else if (is_return) {
		key = ap_gen__fnv1a((const unsigned char *)AP_GEN_EXIT_NAME, strlen(AP_GEN_EXIT_NAME));
		ap_gen__hash_add(g, key, AP_GEN_EXIT_NAME, strlen(AP_GEN_EXIT_NAME));
		g->exit_hashed = 1;
	} else if (name) {
		key = ap_gen__fnv1a((const unsigned char *)name->val, name->len);
		ap_gen__hash_add(g, key, name->val, name->len);
	} else {
		ap_gen__err_at(g, "py: a call needs name= or key=");
		return -1;
	}
	g->py_seen = 1;
	struct ap_gen_fw_file *f = ap_gen__fw(g, "torch.python_tracer_func");
	if (!f)
		return -1;
	put_u64(&f->b, ts); /* §3.6: flat 33-byte struct */
	put_u64(&f->b, tid);
	put_u64(&f->b, pid);
	put_u64(&f->b, key);
	put_u8(&f->b, tag);
	return ap_gen__check_used(g, t, n);
}

static int do_pymod(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t idx, pid, tid;
	struct ap_gen_fw_file *f;
	if (g->gen != 1) {
		ap_gen__err_at(g, "pymod: torch.python_module_call exists in gen 1 only");
		return -1;
	}
	if (ap_gen__need_pos(g, t, n, 1, "pymod idx=N uid=S name=S [pid=N] [tid=N]") ||
	    ap_gen__req_num(g, t, n, "idx", &idx) ||
	    ap_gen__opt_num(g, t, n, "pid", g->pid, &pid) || ap_gen__opt_num(g, t, n, "tid", g->tid, &tid) ||
	    !(f = ap_gen__fw(g, "torch.python_module_call")))
		return -1;
	struct ap_gen_tok *uid = ap_gen__opt(t, n, "uid"), *name = ap_gen__opt(t, n, "name");
	size_t at = rec_begin(&f->b, 1);
	put_u64(&f->b, idx);
	put_u64(&f->b, tid);
	put_u64(&f->b, pid);
	if (uid)
		tlv(&f->b, 2, uid->val, uid->len);
	if (name)
		tlv(&f->b, 3, name->val, name->len);
	rec_end(&f->b, at);
	return ap_gen__check_used(g, t, n);
}

static int do_hash(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t key;
	if (g->gen == 1) {
		ap_gen__err_at(g, "hash: gen 1 has no torch.python_tracer_hash");
		return -1;
	}
	if (ap_gen__need_pos(g, t, n, 3, "hash KEY S") || ap_gen__tok_num(g, &t[1], &key))
		return -1;
	ap_gen__hash_add(g, key, t[2].val, t[2].len);
	return 0;
}

static int do_gc(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t s, e, pid;
	struct ap_gen_fw_file *f;
	if (ap_gen__need_pos(g, t, n, 3, "gc START END [pid=N]") || ap_gen__to_raw(g, &t[1], &s) ||
	    ap_gen__to_raw_end(g, &t[1], &t[2], &e) ||
	    ap_gen__opt_num(g, t, n, "pid", g->pid, &pid) || !(f = ap_gen__fw(g, "torch.gc_record")))
		return -1;
	put_u64(&f->b, pid); /* §3.9: flat 24-byte struct */
	put_u64(&f->b, s);
	put_u64(&f->b, e);
	return ap_gen__check_used(g, t, n);
}

static int do_param(struct ap_gen *g, struct ap_gen_tok *t, int n)
{
	uint64_t key;
	unsigned rtype;
	struct ap_gen_fw_file *f;
	if (g->gen == 1) {
		ap_gen__err_at(g, "param: gen 1 has no torch.param_tensor_info");
		return -1;
	}
	if (ap_gen__need_pos(g, t, n, 1, "param key=N [module=S] [optim=S]") ||
	    ap_gen__req_num(g, t, n, "key", &key) ||
	    rec_type(g, t, n, 5, &rtype) || !(f = ap_gen__fw(g, "torch.param_tensor_info")))
		return -1;
	struct ap_gen_tok *mod = ap_gen__opt(t, n, "module"), *optim = ap_gen__opt(t, n, "optim");
	size_t at = rec_begin(&f->b, rtype);
	put_u64(&f->b, key);
	if (mod)
		tlv(&f->b, g->gen == 3 ? 1 : 2, mod->val, mod->len);
	if (optim)
		tlv(&f->b, g->gen == 3 ? 2 : 3, optim->val, optim->len);
	rec_end(&f->b, at);
	return ap_gen__check_used(g, t, n);
}

int ap_gen__record_directive(struct ap_gen *g, const char *kw, struct ap_gen_tok *t, int n)
{
	static const struct {
		const char *kw;
		int (*fn)(struct ap_gen *g, struct ap_gen_tok *t, int n);
	} records[] = {
		{"op", do_op}, {"mark", do_mark}, {"mem", do_mem}, {"py", do_py},
		{"pymod", do_pymod}, {"hash", do_hash}, {"gc", do_gc}, {"param", do_param},
	};
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
		if (strcmp(kw, records[i].kw) == 0)
			return records[i].fn(g, t, n);
	return ap_gen__edit_directive(g, kw, t, n);
}
