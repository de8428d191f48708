/* Helpers shared by the files of the "fwk" unit suite. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwk_test_util.h"
#include "../../lib/base/banned.h"

const char *ap_test_fixtures_dir;

/* Reads $AP_FIXTURES_DIR/<name>.bin; aborts the test when missing. */
struct ap_test_fx ap_test_fx_load(const char *name)
{
	char path[4096];
	struct ap_test_fx f = { NULL, 0 };
	FILE *in;
	long n;

	ck_assert_msg(snprintf(path, sizeof(path), "%s/%s.bin", ap_test_fixtures_dir, name) <
			      (int)sizeof(path),
		      "fixture path too long");
	in = fopen(path, "rb");
	ck_assert_msg(in != NULL, "cannot open fixture '%s': %s", path, strerror(errno));
	ck_assert_int_eq(fseek(in, 0, SEEK_END), 0);
	n = ftell(in);
	ck_assert_int_ge(n, 0);
	rewind(in);
	f.len = (size_t)n;
	f.p = malloc(f.len ? f.len : 1);
	ck_assert_ptr_nonnull(f.p);
	ck_assert_uint_eq(fread(f.p, 1, f.len, in), f.len);
	fclose(in);
	return f;
}

void ap_test_fx_free(struct ap_test_fx *f)
{
	free(f->p);
	f->p = NULL;
	f->len = 0;
}

int ap_test_has_fact(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	const char *h;

	for (h = strstr(hay, needle); h; h = strstr(h + 1, needle)) {
		int d0 = needle[0] >= '0' && needle[0] <= '9';
		int d1 = n && needle[n - 1] >= '0' && needle[n - 1] <= '9';

		if (d0 && h > hay && h[-1] >= '0' && h[-1] <= '9')
			continue;
		if (d1 && h[n] >= '0' && h[n] <= '9')
			continue;
		return 1;
	}
	return 0;
}
