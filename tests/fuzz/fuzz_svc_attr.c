/*
 * fuzz_svc_attr.c — a service record's attributes (lib/formats/service/svc_attr.c), in memory:
 * byte 0 picks the generation (odd: gen B, the §1.3 normalisation first; even: gen C args as
 * they are), the rest is the message text.
 *
 * Invariants beyond "no crash, no leak": the parse returns 0 or 1 (AP_ENOMEM aside) and the
 * result is always an object; every string and key is valid UTF-8 (invalid bytes become
 * "N/A"); every member has a key; a gen B text normalised twice differs from once only by
 * the braces (the normalisation is not re-applied to an already wrapped text).
 */
#include <stdint.h>
#include <string.h>

#include "../../lib/formats/service/svc_local.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

static void check(const struct ap_sv *v, int depth)
{
	uint32_t i;

	FUZZ_CHECK(depth < 4096);
	switch (v->type) {
	case AP_SV_STR:
		FUZZ_CHECK(v->u.s != NULL);
		FUZZ_CHECK(ap_utf8_valid(v->u.s, v->n));
		break;
	case AP_SV_LIST:
		for (i = 0; i < v->n; i++)
			check(&v->u.items[i], depth + 1);
		break;
	case AP_SV_OBJ:
		for (i = 0; i < v->n; i++) {
			FUZZ_CHECK(v->u.members[i].key != NULL);
			FUZZ_CHECK(ap_utf8_valid(v->u.members[i].key, strlen(v->u.members[i].key)));
			check(&v->u.members[i].v, depth + 1);
		}
		break;
	default:
		FUZZ_CHECK(v->type >= AP_SV_NULL && v->type <= AP_SV_REAL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ap_arena arena;
	struct ap_strtab strs;
	struct ap_svc__attr a;
	struct ap_sv v;
	const char *text;
	size_t len;
	int r;

	if (size < 1)
		return 0;
	ap_arena_init(&arena, 1 << 16);
	if (ap_strtab_init(&strs) < 0) {
		ap_strtab_release(&strs);
		return 0;
	}
	ap_svc__attr_init(&a, &arena, &strs);
	text = (const char *)data + 1;
	len = size - 1;
	if (data[0] & 1) {
		if (ap_svc__mstx_normalise(&a.norm, text, len) < 0)
			goto out;
		FUZZ_CHECK(a.norm.len >= 2 || a.norm.len == len);
		text = a.norm.buf;
		len = a.norm.len;
	}
	r = ap_svc__attr_parse(&a, text, len, &v);
	FUZZ_CHECK(r == 0 || r == 1 || r == AP_ENOMEM);
	FUZZ_CHECK(v.type == AP_SV_OBJ);
	FUZZ_CHECK(r != 1 || v.n == 0);
	check(&v, 0);
out:
	ap_svc__attr_release(&a);
	ap_strtab_release(&strs);
	ap_arena_release(&arena);
	return 0;
}
