/* Module-local interface of lib/formats/service: the attribute (message/args) parser shared by
 * the loader and the fuzz target. */
#ifndef AP_SVC_LOCAL_H
#define AP_SVC_LOCAL_H

#include <stddef.h>

#include "ap/arena.h"
#include "ap/strbuf.h"
#include "ap/strtab.h"
#include "ap/svc.h"

/* Strings up to this length are interned (rids, batch types and names repeat); longer ones
 * are copied into the arena. */
#define AP_SVC__INTERN_MAX 64

struct ap_svc__attr {
	struct ap_arena *arena;  /* where values, lists and members go (borrowed) */
	struct ap_strtab *strs;  /* where keys and short strings are interned (borrowed) */
	struct ap_strbuf norm;   /* reused: the normalised gen B text */
	struct ap_strbuf fixed;  /* reused: the text with invalid UTF-8 bytes marked */
	unsigned long bad_utf8;  /* strings and keys replaced by "N/A" in the last parse */
};

void ap_svc__attr_init(struct ap_svc__attr *a, struct ap_arena *arena, struct ap_strtab *strs);
void ap_svc__attr_release(struct ap_svc__attr *a);

/* The gen B normalisation of §1.3 as the parser's pandas code does it: every '^' becomes '"';
 * unless the text matches the regex ^{.*}$ (no line break inside; '$' also before one final
 * "\n"), one trailing ',' (at the end or before a final "\n") is removed and the text wrapped
 * in braces. Writes into out (reset first); returns 0 or AP_ENOMEM. */
int ap_svc__mstx_normalise(struct ap_strbuf *out, const char *s, size_t len);

/* Parses len bytes of JSON (json.loads semantics where jansson allows: key order kept,
 * duplicate keys keep the first position and the last value, integers within int64 AP_SV_INT,
 * other numbers AP_SV_REAL) into *out, allocated in a's arena and string table. Strings and
 * keys holding invalid UTF-8 become "N/A" (counted in a->bad_utf8). Returns 0 when the text
 * is a JSON object, 1 when it does not parse or is not an object (*out is then {}), or
 * AP_ENOMEM. */
int ap_svc__attr_parse(struct ap_svc__attr *a, const char *s, size_t len, struct ap_sv *out);

#endif
