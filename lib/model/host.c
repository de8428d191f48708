#include <stdlib.h>
#include <string.h>

#include "ap/host.h"
#include "ap/status.h"
#include "../base/banned.h"

int ap_host_init(struct ap_host *h)
{
	memset(h, 0, sizeof(*h));
	return ap_strtab_init(&h->strs) < 0 ? AP_ENOMEM : 0;
}

void ap_host_release(struct ap_host *h)
{
	if (!h)
		return;
	ap_strtab_release(&h->strs);
	ap_vec_free(&h->ops);
	ap_vec_free(&h->marks);
	ap_vec_free(&h->threads);
	ap_vec_free(&h->pythreads);
	ap_vec_free(&h->memthreads);
	ap_vec_free(&h->mems);
	ap_vec_free(&h->pyrecs);
	ap_vec_free(&h->pyhash);
	ap_vec_free(&h->gcs);
	memset(h, 0, sizeof(*h));
}

static uint64_t pair_hash(uint64_t pid, uint64_t tid)
{
	uint64_t x = pid * 0x9e3779b97f4a7c15ull ^ (tid + 0x632be59bd9b4e019ull);

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

int ap_thread_number(struct ap_thread_vec *t, struct ap_u64map *idx, uint64_t pid, uint64_t tid,
		     uint32_t *out)
{
	uint64_t key = pair_hash(pid, tid);
	struct ap_u64map_slot *s;

	/* Linear probing over hash values: a pair whose hash value is taken by another pair
	 * moves on to the next value. */
	for (; (s = ap_u64map_find(idx, key)); key++) {
		const struct ap_thread *th = &t->v[s->val];

		if (th->pid == pid && th->tid == tid) {
			*out = s->val;
			return 0;
		}
	}
	if (t->n >= AP_THREAD_MAX)
		return AP_EINVAL;
	if (ap_vec_reserve(t, 1) < 0 || !(s = ap_u64map_get(idx, key, NULL)))
		return AP_ENOMEM;
	s->val = (uint32_t)t->n;
	t->v[t->n].pid = pid;
	t->v[t->n].tid = tid;
	*out = (uint32_t)t->n++;
	return 0;
}
