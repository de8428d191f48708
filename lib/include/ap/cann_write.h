/* Writers of the CANN-side text outputs that come from msprof's CSV tables (spec
 * torch_npu_ascend_pt.md §8.2, §8.5, §10): kernel_details.csv from an op_summary table, and
 * the integrated CSVs (op_statistic, api_statistic, task_time) passed through. They take
 * tables of strings in memory (ap/csv_in.h), whether read from msprof's export or built by a
 * decoder of raw data. */
#ifndef AP_CANN_WRITE_H
#define AP_CANN_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "ap/csv_in.h"
#include "ap/err.h"

/* The profiler level (§10) of a dump: experimental_config._profiler_level. */
enum ap_prof_level {
	AP_PROF_LEVEL_NONE,
	AP_PROF_LEVEL0,
	AP_PROF_LEVEL1,
	AP_PROF_LEVEL2,
};

/* "Level_none", "Level0", "Level1", "Level2"; anything else is Level0 (upstream's default). */
enum ap_prof_level ap_prof_level_of(const char *name);

/* One step range (§7.7): rows starting in [start_ns, end_ns) belong to step id. Times are
 * local ns, the clock of op_summary's "Task Start Time(us)". */
struct ap_step_range {
	const char *id; /* the text after the last '#' of ProfilerStep#N (borrowed) */
	int64_t start_ns, end_ns;
};

/* kernel_details.csv (§8.2) from op_summary (its header and rows, borrowed): at Level1 and
 * Level2 every column (renamed as schemas/kernel_details.def says), at Level0 the reduced list;
 * at Level_none nothing. With nsteps > 0 a first column "Step Id" holds the id of the first of
 * steps (in the order given) whose [start_ns, end_ns) holds the row's Task Start Time(us)
 * (compared as numbers; upstream compares the strings, which agrees for msprof's fixed-width
 * timestamps), else an empty field; with nsteps == 0 there is no Step Id column. Values are
 * written verbatim with minimal quoting (§8.0), CRLF. No data row: no file. Returns 0, or
 * AP_EIO / AP_ENOMEM with err set (no partial file left). */
int ap_write_kernel_details(const char *dir, const struct ap_csv_table *op_summary,
			    enum ap_prof_level level, const struct ap_step_range *steps,
			    size_t nsteps, struct ap_err *err);

/* dir/name: t's header and rows verbatim (§8.5), minimal quoting, CRLF. No data row: no file.
 * Returns 0, or AP_EIO / AP_ENOMEM with err set. */
int ap_write_csv_table(const char *dir, const char *name, const struct ap_csv_table *t,
		       struct ap_err *err);

/* The µs timestamp text of msprof (digits, '.', up to 3 or more decimals, optional trailing
 * blanks such as its TAB) as ns, digits past the third decimal dropped (which decides no
 * [start, end) test of integer ns bounds). Returns 0, or -1 when s is no such number. */
int ap_us_text_to_ns(const char *s, int64_t *ns);

#endif
