/* Shared by the files of the "cann_host" unit suite (test_cann_host.c, cann_host_load_cases.c). */
#ifndef AP_TESTS_CANN_TEST_UTIL_H
#define AP_TESTS_CANN_TEST_UTIL_H

#include <check.h>

/* The "loader" and "bad input" TCases (cann_host_load_cases.c). */
TCase *ap_test_cann_loader_tcase(void);
TCase *ap_test_cann_bad_tcase(void);

#endif
