/* Helpers shared by the files of the "fwk" unit suite (test_fwk.c, fwk_load_cases.c). */
#ifndef AP_TESTS_FWK_TEST_UTIL_H
#define AP_TESTS_FWK_TEST_UTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* Directory of the converted fixtures (<name>.bin): argv[1] or $AP_FIXTURES_DIR, set by main. */
extern const char *ap_test_fixtures_dir;

struct ap_test_fx {
	uint8_t *p;
	size_t len;
};

/* Reads <ap_test_fixtures_dir>/<name>.bin into a heap buffer of exactly its size; fails the test
 * when it cannot. Free with ap_test_fx_free. */
struct ap_test_fx ap_test_fx_load(const char *name);
void ap_test_fx_free(struct ap_test_fx *f);

/* needle occurs in hay, and a number at either end of needle is not part of a longer number
 * ("offset 7" does not match "offset 79"). Messages are checked for their facts (file, offset,
 * counts), not for their wording. */
int ap_test_has_fact(const char *hay, const char *needle);

/* The "loader" TCase (fwk_load_cases.c). */
TCase *ap_test_fwk_loader_tcase(void);

#endif
