#!/bin/sh
# End-to-end: the committed generated service dumps testdata/service/vllm_small (gen C) and
# vllm_small_b (gen B) against what the upstream parser wrote for them (tests/upstream/service/,
# made as its README says). References, by the deviations of docs/compatibility.md:
# request.csv and profiler.db from `parse` (ms units); the summaries and chrome_tracing.json
# from `analyze`; batch.csv, kvcache.csv, request_status.csv, forward.csv from `analyze --format
# csv` (no None/nan cells, kvcache µs kept), batch.csv's two ms columns compared as numbers.
# profiler.db is compared table by table through svc_db_dump.sh and svc_db_compare.py.
#
# usage: svc_upstream.sh BINDIR SRCROOT
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"

here=$(cd "$(dirname "$0")" && pwd)
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
cut2() { sed 's/,[^,]*,[^,]*$//' "$1"; }
ms_cols() { # expected (µs) actual (ms)
	paste -d '|' "$1" "$2" | awk -F'|' 'NR > 1 {
		n = split($1, e, ","); m = split($2, a, ",")
		for (k = 1; k >= 0; k--) {
			x = e[n - k] / 1000; y = a[m - k]
			if (x - y > 1e-6 || y - x > 1e-6) { print "row " NR ": " x " != " y; bad = 1 }
		}
	} END { exit bad }'
}

for c in vllm_small vllm_small_b; do
	exp=$2/tests/upstream/service/$c
	"$analyse" -q -o "$tmp/out" "$2/testdata/service/$c" 2>"$tmp/$c.err"
	check "$c: exit 0" [ $? = 0 ]
	check "$c: no messages" [ ! -s "$tmp/$c.err" ]
	o=$tmp/out/$c/output
	for f in request_summary.csv batch_summary.csv service_summary.csv chrome_tracing.json; do
		check "$c: $f" same "$exp/analyze/$f" "$o/$f"
	done
	check "$c: request.csv" same "$exp/parse/request.csv" "$o/request.csv"
	for f in kvcache.csv request_status.csv forward.csv; do
		check "$c: $f" same "$exp/analyze_csv/$f" "$o/$f"
	done
	cut2 "$exp/analyze_csv/batch.csv" >"$tmp/batch.exp"
	cut2 "$o/batch.csv" >"$tmp/batch.act"
	check "$c: batch.csv but the ms columns" same "$tmp/batch.exp" "$tmp/batch.act"
	check "$c: batch.csv start_time(ms), end_time(ms) in ms" ms_cols "$exp/analyze_csv/batch.csv" "$o/batch.csv"
	sh "$here/svc_db_dump.sh" "$o/profiler.db" >"$tmp/$c.db.txt"
	python3 "$here/svc_db_compare.py" "$exp/parse/profiler_db_dump.txt" "$tmp/$c.db.txt" >"$tmp/$c.cmp"
	check "$c: profiler.db, every table and view" [ $? = 0 ]
	grep -v '^ok:' "$tmp/$c.cmp" | head -10
done
finish
