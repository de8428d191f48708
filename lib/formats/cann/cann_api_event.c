/* api_event records (spec cann_prof_raw.md §2.3): the 40-byte decoder, and MsprofEvent
 * start/end pairing into API intervals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cursor.h"
#include "cann_local.h"
#include "../../base/banned.h"

int ap_cann_decode_api(const uint8_t *p, size_t len, struct ap_cann_api_rec *out,
		       struct ap_err *err)
{
	struct ap_cursor c;
	int r = 0;

	if (len != AP_CANN_API_SIZE)
		return ap_err_set(err, AP_EFORMAT, "api_event record of %zu bytes, not %u", len,
				  AP_CANN_API_SIZE);
	ap_cursor_init(&c, p, len);
	r |= ap_cursor_u16(&c, &out->magic);    /* @0 */
	r |= ap_cursor_u16(&c, &out->level);    /* @2 */
	r |= ap_cursor_u32(&c, &out->type);     /* @4 */
	r |= ap_cursor_u32(&c, &out->tid);      /* @8 */
	r |= ap_cursor_u32(&c, &out->reserve);  /* @12 reserve / requestId */
	r |= ap_cursor_u64(&c, &out->begin);    /* @16 beginTime / timeStamp */
	r |= ap_cursor_u64(&c, &out->end);      /* @24 endTime / flag */
	r |= ap_cursor_u64(&c, &out->item_id);  /* @32 */
	if (r)
		return ap_err_set(err, AP_EINTERNAL, "api_event record: cursor past its end");
	if (out->magic != AP_CANN_MAGIC)
		return ap_err_set(err, AP_EFORMAT, "magic 0x%04x, not 0x%04X", out->magic,
				  AP_CANN_MAGIC);
	out->is_event = out->end == AP_CANN_EVENT_FLAG;
	return 0;
}

/* Appends one interval; beginTime 0 is dropped and counted (§2.3). */
static int add_api(struct ap_cann__loader *l, const struct ap_cann_api_rec *r, uint64_t begin,
		   uint64_t end, int event)
{
	struct ap_cann_host *h = l->h;
	struct ap_cann_api *a;

	if (begin == 0) {
		h->api_zero_begin++;
		return 0;
	}
	if (ap_vec_reserve(&h->apis, 1) < 0)
		return ap_cann__oom(l, "API table of %zu intervals", h->apis.n);
	a = &h->apis.v[h->apis.n++];
	a->begin = begin;
	a->end = end;
	a->item_id = r->item_id;
	a->type = r->type;
	a->tid = r->tid;
	a->reserve = r->reserve;
	a->level = r->level;
	a->file = l->file15;
	a->event = (uint16_t)(event ? 1 : 0);
	return 0;
}

/* The pairing key (level, type, threadId, requestId, itemId), mixed into 64 bits; equal keys
 * are told apart from colliding ones by comparing the fields. */
static uint64_t event_key(const struct ap_cann_api_rec *r)
{
	uint64_t x = r->item_id * 0x9e3779b97f4a7c15ull;

	x ^= (((uint64_t)r->level << 32) | r->type) * 0xbf58476d1ce4e5b9ull;
	x ^= (((uint64_t)r->tid << 32) | r->reserve) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int same_key(const struct ap_cann__pend *p, const struct ap_cann_api_rec *r)
{
	return p->item_id == r->item_id && p->type == r->type && p->tid == r->tid &&
	       p->req == r->reserve && p->level == r->level;
}

/* The pending slot of r's key, added (inactive) when new; NULL when out of memory. */
static struct ap_cann__pend *pending_of(struct ap_cann__loader *l, const struct ap_cann_api_rec *r)
{
	uint64_t k = event_key(r);
	struct ap_u64map_slot *s;
	struct ap_cann__pend *p;
	int added;

	for (;; k++) {
		s = ap_u64map_find(&l->pend_idx, k);
		if (!s)
			break;
		if (same_key(&l->pend.v[s->val], r))
			return &l->pend.v[s->val];
	}
	if (l->pend.n >= UINT32_MAX || ap_vec_reserve(&l->pend, 1) < 0)
		return NULL;
	s = ap_u64map_get(&l->pend_idx, k, &added);
	if (!s)
		return NULL;
	s->val = (uint32_t)l->pend.n;
	p = &l->pend.v[l->pend.n++];
	memset(p, 0, sizeof(*p));
	p->item_id = r->item_id;
	p->type = r->type;
	p->tid = r->tid;
	p->req = r->reserve;
	p->level = r->level;
	return p;
}

int ap_cann__take_api(struct ap_cann__loader *l, const uint8_t *p)
{
	struct ap_cann_api_rec r;
	struct ap_cann__pend *pe;

	if (ap_cann_decode_api(p, AP_CANN_API_SIZE, &r, ap_cann__rec_err(l)) < 0) {
		ap_cann__bad_record(l, &l->rec_err);
		return 0;
	}
	l->h->files.v[l->fidx].records++;
	if (!r.is_event)
		return add_api(l, &r, r.begin, r.end, 0);
	/* MsprofEvent: the first of a key starts, the next ends (§2.3). */
	pe = pending_of(l, &r);
	if (!pe)
		return ap_cann__oom(l, "pending events (%zu keys)", l->pend.n);
	if (!pe->active) {
		pe->active = 1;
		pe->ts = r.begin;
		pe->off = l->rec_off;
		pe->fidx = l->fidx;
		return 0;
	}
	pe->active = 0;
	return add_api(l, &r, pe->ts, r.begin, 1);
}

void ap_cann__finish_events(struct ap_cann__loader *l)
{
	const struct ap_cann__pend *first = NULL;
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < l->pend.n; i++) {
		const struct ap_cann__pend *p = &l->pend.v[i];

		if (!p->active)
			continue;
		/* the earliest in reading order: lowest file index, then offset */
		if (!first || p->fidx < first->fidx || (p->fidx == first->fidx && p->off < first->off))
			first = p;
		n++;
	}
	l->h->events_unpaired += n;
	if (n) {
		const struct ap_cann_host *h = l->h;

		ap_diag_report(l->diag, AP_DIAG_WARN, "cann-unpaired-events",
			       "'%s/%s': offset %llu: %lu MsprofEvent start%s without an end (level %u, type %u, thread %u, request %u); dropped",
			       l->where, ap_strtab_get(&h->strs, h->files.v[first->fidx].name),
			       (unsigned long long)first->off, n, n == 1 ? "" : "s", first->level,
			       first->type, first->tid, first->req);
		if (n > 1)
			ap_diag_add(l->diag, AP_DIAG_WARN, "cann-unpaired-events", n - 1);
	}
}
