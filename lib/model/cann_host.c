/* The CANN host model (cann_host.h): lifecycle and dictionary lookups (spec cann_prof_raw.md
 * §2.6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cann_host.h"
#include "ap/cann_names.h"
#include "ap/status.h"
#include "../base/banned.h"

int ap_cann_host_init(struct ap_cann_host *h)
{
	memset(h, 0, sizeof(*h));
	if (ap_strtab_init(&h->strs) < 0 || ap_u64map_init(&h->hash, 256) < 0 ||
	    ap_u64map_init(&h->types, 256) < 0) {
		ap_cann_host_release(h);
		return AP_ENOMEM;
	}
	return 0;
}

void ap_cann_host_release(struct ap_cann_host *h)
{
	if (!h)
		return;
	ap_strtab_release(&h->strs);
	ap_u64map_release(&h->hash);
	ap_u64map_release(&h->types);
	ap_vec_free(&h->files);
	ap_vec_free(&h->apis);
	ap_vec_free(&h->tracks);
	ap_vec_free(&h->nodes);
	ap_vec_free(&h->attrs);
	ap_vec_free(&h->hccl_ops);
	ap_vec_free(&h->memcpys);
	ap_vec_free(&h->captures);
	ap_vec_free(&h->tensor_ops);
	ap_vec_free(&h->tensors);
	ap_vec_free(&h->ctxs);
	ap_vec_free(&h->ctx_ids);
	ap_vec_free(&h->hccl_infos);
	ap_vec_free(&h->graphs);
	ap_vec_free(&h->fusions);
	memset(h, 0, sizeof(*h));
}

const char *ap_cann_hash_str(const struct ap_cann_host *h, uint64_t id)
{
	const struct ap_u64map_slot *s = ap_u64map_find(&h->hash, id);

	return s ? ap_strtab_get(&h->strs, s->val) : NULL;
}

const char *ap_cann_type_name(const struct ap_cann_host *h, uint16_t level, uint32_t type)
{
	const struct ap_u64map_slot *s = ap_u64map_find(&h->types, (uint64_t)level << 32 | type);

	if (s)
		return ap_strtab_get(&h->strs, s->val);
	if (level == AP_CANN_LEVEL_RUNTIME)
		return ap_cann_ts_task_type_name(type);
	return NULL;
}

const char *ap_cann_hash_or_number(const struct ap_cann_host *h, uint64_t id,
				   char buf[AP_CANN_NUMBUF], struct ap_cann_missing *miss)
{
	const char *s = ap_cann_hash_str(h, id);

	if (s)
		return s;
	if (miss && !miss->hash_ids++)
		miss->first_hash = id;
	snprintf(buf, AP_CANN_NUMBUF, "%llu", (unsigned long long)id);
	return buf;
}

const char *ap_cann_type_or_number(const struct ap_cann_host *h, uint16_t level, uint32_t type,
				   char buf[AP_CANN_NUMBUF], struct ap_cann_missing *miss)
{
	const char *s = ap_cann_type_name(h, level, type);

	if (s)
		return s;
	if (miss && !miss->type_ids++) {
		miss->first_level = level;
		miss->first_type = type;
	}
	snprintf(buf, AP_CANN_NUMBUF, "%u", type);
	return buf;
}

void ap_cann_missing_report(const struct ap_cann_missing *miss, const char *where,
			    struct ap_diag *diag)
{
	/* the count is in the message: one report each, not one per id */
	if (miss->hash_ids)
		ap_diag_report(diag, AP_DIAG_WARN, "cann-hash-missing",
			       "'%s/host/data/unaging.additional.hash_dic': %lu name%s missing (printed as the number), the first %llu",
			       where, miss->hash_ids, miss->hash_ids == 1 ? "" : "s",
			       (unsigned long long)miss->first_hash);
	if (miss->type_ids)
		ap_diag_report(diag, AP_DIAG_WARN, "cann-type-missing",
			       "'%s/host/data/unaging.additional.type_info_dic': %lu type%s missing (printed as the number), the first %u_%u",
			       where, miss->type_ids, miss->type_ids == 1 ? "" : "s",
			       (unsigned)miss->first_level, (unsigned)miss->first_type);
}
