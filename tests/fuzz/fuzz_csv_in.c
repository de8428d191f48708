/*
 * fuzz_csv_in.c — the CSV reader (lib/io/csv_in.c, through libcsv), in memory: byte 0 splits the
 * rest into two texts read one after the other into one table, as two slices of one msprof kind
 * are (the second's header must equal the first's).
 *
 * Invariants beyond "no crash, no leak": ap_csv_read_mem returns 0 (AP_ENOMEM aside); the table
 * has a header whenever it has rows; every cell is a NUL-terminated string no longer than the
 * input; every reported problem is data loss and names the text.
 */
#include <stdint.h>
#include <string.h>

#include "ap/cann_write.h"
#include "ap/csv_in.h"
#include "fuzz_target.h"
#include "../../lib/base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ap_csv_table t;
	struct ap_diag diag;
	struct ap_err err = AP_ERR_INIT;
	size_t split, r, c, i;
	int64_t ns;

	if (size < 1)
		return 0;
	split = 1 + (size - 1) * data[0] / 255;
	ap_csv_table_init(&t);
	ap_diag_init(&diag);
	FUZZ_CHECK(ap_csv_read_mem(&t, "a.csv", data + 1, split - 1, &diag, &err) == 0 ||
		   err.code == AP_ENOMEM);
	FUZZ_CHECK(ap_csv_read_mem(&t, "b.csv", data + split, size - split, &diag, &err) == 0 ||
		   err.code == AP_ENOMEM);
	FUZZ_CHECK(t.ncols > 0 || t.nrows == 0);
	for (r = 0; r <= t.nrows && t.ncols; r++)
		for (c = 0; c < t.ncols; c++) {
			const char *v = t.cells[r * t.ncols + c];

			FUZZ_CHECK(v != NULL);
			FUZZ_CHECK(strlen(v) < size);
			(void)ap_us_text_to_ns(v, &ns);
		}
	for (i = 0; i < diag.n; i++) {
		FUZZ_CHECK(diag.v[i].kind == AP_DIAG_DATA_LOSS);
		FUZZ_CHECK(!strncmp(diag.v[i].first.buf, "'a.csv'", 7) ||
			   !strncmp(diag.v[i].first.buf, "'b.csv'", 7));
	}
	ap_csv_table_release(&t);
	ap_diag_release(&diag);
	ap_err_release(&err);
	return 0;
}
