/* The libFuzzer entry point every tests/fuzz/fuzz_*.c defines; replay.c drives it without libFuzzer
 * so that `meson test` replays the seed corpora with any compiler (CONVENTIONS §9). */
#ifndef AP_TESTS_FUZZ_TARGET_H
#define AP_TESTS_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/fwk.h"

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

/* Writes into buf one op_range record of generation gen (1..3) named "x": header, zeroed
 * fixed part with sequence number -1, name TLV (spec §3.3, §3.10); a companion file that
 * makes the loader decode the other files in that generation's numbering. buf must hold
 * AP_FWK_TLV_HDR * 2 + AP_FWK_OP_RANGE_FIXED + 1 bytes. Returns the bytes written. */
static inline size_t fuzz_companion_op_range(int gen, uint8_t *buf)
{
	size_t fixed = gen == 1 ? AP_FWK_OP_RANGE_FIXED_G1 : AP_FWK_OP_RANGE_FIXED;
	size_t len = fixed + AP_FWK_TLV_HDR + 1;

	memset(buf, 0, AP_FWK_TLV_HDR + len);
	buf[0] = 1;                        /* record type 1 */
	buf[2] = (uint8_t)len;             /* u32 length */
	buf[6 + 16] = 0xff;                /* sequence_number = -1 */
	memset(buf + 6 + 17, 0xff, 7);
	buf[6 + fixed] = gen == 3 ? 2 : 3; /* name TLV id */
	buf[6 + fixed + 2] = 1;            /* its length */
	buf[6 + fixed + 6] = 'x';
	return AP_FWK_TLV_HDR + len;
}

#endif
