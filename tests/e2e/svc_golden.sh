#!/bin/sh
# End-to-end: the service dump of ../shared/ms_service_profiler_synthetic in both SQLite
# generations (gen C slice, gen B Mstx; spec ms_service_profiler.md §1.2, §1.3, §7) against
# what the upstream parser made of it (skipped, exit 77, when that is absent; it is never
# written: outputs go to -o DIR).
#
# usage: svc_golden.sh BINDIR SRCROOT
#
# References (docs/compatibility.md lists the deviations that choose them):
# - request.csv: output_parse_json_csv_db/ (queue wait and TTFT in ms, as parse writes them);
# - batch.csv, kvcache.csv, request_status.csv: output_analyze_csv_only/ (no None/nan cells,
#   kvcache times with their µs); batch.csv's start_time(ms)/end_time(ms) are compared apart:
#   ours are upstream's µs values / 1000;
# - the three summaries and chrome_tracing.json: output_analyze_json_csv_db/.
# Both generations must give the same files. Prints "N passed, N failed".
# Exit 0 all passed, 1 a check failed, 77 no ../shared, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"

syn=$2/../shared/ms_service_profiler_synthetic
if [ ! -d "$syn/input_slice_format" ]; then
	echo "skip: no $syn"
	exit 77
fi

check() { # name command...
	n=$1
	shift
	if "$@"; then ok "$n"; else fail "$n"; fi
}
same() { # expected actual
	if cmp -s "$1" "$2"; then return 0; fi
	diff -u "$1" "$2" | head -20
	return 1
}
# batch.csv without its last two columns (start_time(ms), end_time(ms))
cut2() { sed 's/,[^,]*,[^,]*$//' "$1"; }
# the last two columns of batch.csv, upstream's µs turned into ms, against ours: equal within
# one ulp-sized tolerance (ours is the double nearest to µs / 1000)
ms_cols() { # expected actual
	paste -d '|' "$1" "$2" | awk -F'|' 'NR > 1 {
		n = split($1, e, ","); m = split($2, a, ",")
		for (k = 1; k >= 0; k--) {
			x = e[n - k] / 1000; y = a[m - k]
			if (x - y > 1e-6 || y - x > 1e-6) { print "row " NR ": " x " != " y; bad = 1 }
		}
	} END { exit bad }'
}

for gen in slice mstx; do
	in=$syn/input_${gen}_format
	out=$tmp/$gen
	"$analyse" -q -o "$out" "$in" >"$tmp/$gen.out" 2>"$tmp/$gen.err"
	rc=$?
	check "$gen: exit 0" [ "$rc" = 0 ]
	check "$gen: no messages" [ ! -s "$tmp/$gen.err" ]
	[ -s "$tmp/$gen.err" ] && head -5 "$tmp/$gen.err"
	o=$out/input_${gen}_format/output
	for f in request_summary.csv batch_summary.csv service_summary.csv chrome_tracing.json; do
		check "$gen: $f" same "$syn/output_analyze_json_csv_db/$f" "$o/$f"
	done
	check "$gen: request.csv" same "$syn/output_parse_json_csv_db/request.csv" "$o/request.csv"
	for f in kvcache.csv request_status.csv; do
		check "$gen: $f" same "$syn/output_analyze_csv_only/$f" "$o/$f"
	done
	cut2 "$syn/output_analyze_csv_only/batch.csv" >"$tmp/batch.exp"
	cut2 "$o/batch.csv" >"$tmp/batch.act"
	check "$gen: batch.csv but the ms columns" same "$tmp/batch.exp" "$tmp/batch.act"
	check "$gen: batch.csv start_time(ms), end_time(ms) in ms" \
		ms_cols "$syn/output_analyze_csv_only/batch.csv" "$o/batch.csv"
	check "$gen: profiler.db is a database" [ -s "$o/profiler.db" ]
done
for f in request.csv request_summary.csv batch.csv batch_summary.csv kvcache.csv \
	service_summary.csv request_status.csv chrome_tracing.json; do
	check "gen B = gen C: $f" same "$tmp/slice/input_slice_format/output/$f" \
		"$tmp/mstx/input_mstx_format/output/$f"
done
finish
