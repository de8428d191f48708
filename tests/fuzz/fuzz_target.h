/* The libFuzzer entry point every tests/fuzz/fuzz_*.c defines; replay.c drives it without libFuzzer
 * so that `meson test` replays the seed corpora with any compiler (CONVENTIONS §9). */
#ifndef AP_TESTS_FUZZ_TARGET_H
#define AP_TESTS_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs one input; returns 0. A crash or abort() is a finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: abort (a libFuzzer crash) naming the condition. */
#define FUZZ_CHECK(cond)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,    \
				#cond);                                                         \
			abort();                                                                \
		}                                                                               \
	} while (0)

#endif
