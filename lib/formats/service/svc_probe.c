/* Discovery of the ms_service_*.db files of a service dump (spec §1.1: the parser walks the
 * whole input tree; one process per file). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ap/file.h"
#include "ap/svc_probe.h"
#include "../../base/banned.h"

#define PREFIX "ms_service_"

/* Python's \w on bytes of UTF-8 text: ASCII letters, digits and '_', and (approximately)
 * every non-ASCII character. */
static int word_or_dot(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '_' || c == '.' || c == '-' || c >= 0x80;
}

int ap_svc_name_matches(const char *name)
{
	size_t n = strlen(name), p = strlen(PREFIX), k;

	if (n < 3 || strcmp(name + n - 3, ".db") || strncmp(name, PREFIX, p))
		return 0;
	/* [\w.-]+ (name[p..k]), then any character but a newline, then "db"; anchored at the
	 * start only */
	for (k = p; k + 3 < n && word_or_dot((unsigned char)name[k]); k++)
		if (name[k + 1] != '\n' && name[k + 2] == 'd' && name[k + 3] == 'b')
			return 1;
	return 0;
}

static int walk(const char *dir, struct ap_strlist *out, struct ap_diag *diag, int top,
		struct ap_err *err)
{
	struct ap_strlist l = { 0 };
	struct ap_err e = AP_ERR_INIT;
	size_t i;
	int ret = ap_dir_list(dir, &l, &e);

	if (ret < 0) {
		if (top || ret == AP_ENOMEM) {
			if (err)
				ap_err_move(err, &e);
			else
				ap_err_release(&e);
		} else {
			/* a part of the dump that cannot be read: its databases are lost */
			if (diag)
				ap_diag_report(diag, AP_DIAG_DATA_LOSS, "svc-unreadable-dir", "%s",
					       ap_err_text(&e));
			ap_err_release(&e);
			ret = 0;
		}
		ap_strlist_release(&l);
		return ret;
	}
	for (i = 0; i < l.n && ret == 0; i++) {
		char *p = ap_path_join(dir, l.v[i]);
		struct stat st;

		if (!p) {
			ret = ap_err_set(err, AP_ENOMEM, "out of memory");
			break;
		}
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				ret = walk(p, out, diag, 0, err);
			else if (ap_svc_name_matches(l.v[i]) && ap_strlist_add(out, p) < 0)
				ret = ap_err_set(err, AP_ENOMEM, "out of memory");
		}
		free(p);
	}
	ap_strlist_release(&l);
	return ret;
}

int ap_svc_find(const char *dir, struct ap_strlist *out, struct ap_diag *diag,
		struct ap_err *err)
{
	size_t first = out->n;
	int ret = walk(dir, out, diag, 1, err);

	/* each directory's names come sorted, and a directory's files and subtrees are
	 * interleaved by name: sort the whole list by path once */
	if (ret == 0 && out->n > first) {
		struct ap_strlist tail = { out->v + first, out->n - first, 0 };

		ap_strlist_sort(&tail);
	}
	return ret;
}

int ap_svc_probe(const char *dir)
{
	struct ap_strlist l = { 0 };
	int found = ap_svc_find(dir, &l, NULL, NULL) == 0 && l.n > 0;

	ap_strlist_release(&l);
	return found;
}
