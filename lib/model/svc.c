/* The service-profiler model: attribute look-up and the life cycle of one file's records. */
#include <stdlib.h>
#include <string.h>

#include "ap/svc.h"
#include "../base/banned.h"

/* Rows of one process: many small strings and values, a few MB per million records; blocks
 * grow from SVC_ARENA_FIRST so that a small file (a fuzz input) costs little. */
#define SVC_ARENA_FIRST ((size_t)16 << 10)
#define SVC_ARENA_BLOCK ((size_t)1 << 20)

const struct ap_sv *ap_sv_get(const struct ap_sv *obj, const char *key)
{
	uint32_t i;

	if (!obj || obj->type != AP_SV_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (obj->u.members[i].key && !strcmp(obj->u.members[i].key, key))
			return &obj->u.members[i].v;
	return NULL;
}

const char *ap_svc_file_meta(const struct ap_svc_file *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_meta; i++)
		if (!strcmp(f->meta[i].name, name))
			return f->meta[i].value;
	return NULL;
}

void ap_svc_file_init(struct ap_svc_file *f)
{
	memset(f, 0, sizeof(*f));
	ap_arena_init_grow(&f->arena, SVC_ARENA_FIRST, SVC_ARENA_BLOCK);
	ap_diag_init(&f->diag);
	ap_err_init(&f->err);
	if (ap_strtab_init(&f->strs) < 0)
		ap_err_set(&f->err, AP_ENOMEM, "out of memory: a string table");
}

void ap_svc_file_release(struct ap_svc_file *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->rows);
	ap_arena_release(&f->arena);
	ap_strtab_release(&f->strs);
	ap_diag_release(&f->diag);
	ap_err_release(&f->err);
	memset(f, 0, sizeof(*f)); /* releasable again; ap_svc_file_init before reuse */
}
