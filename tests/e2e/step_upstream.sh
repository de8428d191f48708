#!/bin/sh
# End-to-end against upstream: ascprof's step_trace_time.csv for the generated raw dumps of testdata/vllm_profile
# (2 ranks, one allreduce per step), testdata/hccl_rich (2 ranks, three HCCL ops per step, a receive: Bubble),
# testdata/level0_single (one rank, Level0), testdata/configs/npu_only (the same, NPU activity only) and testdata/cann's 910A dump equals what the upstream chain (msprof's
# raw Python engine, then torch_npu's analyse() through the fake msprof) wrote, committed in
# tests/upstream/<same path>/step_trace_time.csv (tests/upstream/README.md says how they were made). No upstream
# code runs here.
#
# usage: step_upstream.sh BINDIR SRCROOT
#
# Every field must be equal as text, except (tests/upstream/README.md, N5) Stage and Preparing of a dump whose
# Python-engine local-time offset is off by shift_ns (N1): those two are differences of µs floats near 1.76e15,
# where a double resolves 0.25 µs, so upstream's may be off from the exact-clock value by one grid step plus the
# shift: |upstream - ascprof| <= 0.25 + |shift| µs is accepted there (and reported).
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"

root=$2
up=$root/tests/upstream

# input (relative to SRCROOT)  expected dir (relative to tests/upstream)  N1 shift_ns  known difference (- none):
# a listed dump must differ (E* of tests/upstream/README.md); once it is equal the test FAILS until its reason is
# removed here, so the list cannot go stale
DUMPS='
testdata/vllm_profile/node0_41001_20251126100000123_ascend_pt vllm_profile/node0_41001_20251126100000123_ascend_pt -174 -
testdata/vllm_profile/node0_41002_20251126100000125_ascend_pt vllm_profile/node0_41002_20251126100000125_ascend_pt 38 -
testdata/hccl_rich/node0_42001_20251126100000200_ascend_pt hccl_rich/node0_42001_20251126100000200_ascend_pt -174 -
testdata/hccl_rich/node0_42002_20251126100000202_ascend_pt hccl_rich/node0_42002_20251126100000202_ascend_pt -174 -
testdata/cann/node1_52001_20251126110000000_ascend_pt cann/node1_52001_20251126110000000_ascend_pt 0 E1_19.2MHz_ticks
testdata/level0_single/node0_51001_20251126100000223_ascend_pt level0_single/node0_51001_20251126100000223_ascend_pt -174 -
testdata/configs/npu_only_ascend_pt configs/npu_only_ascend_pt -174 -
'

# compare EXPECTED ACTUAL SHIFT_NS: prints one line per difference, "tolerated ..." for the N5 ones; exit 1 when
# a difference is not tolerated
cmp_steps() {
	awk -F, -v shift_ns="$3" '
	function abs(x) { return x < 0 ? -x : x }
	{ sub(/\r$/, "") }
	NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i }
	NR == FNR { up[FNR] = $0; nup = FNR; next }
	{
		nap = FNR
		if (!(FNR in up)) { print "extra line " FNR ": " $0; bad = 1; next }
		if (up[FNR] == $0) next
		nu = split(up[FNR], u, ",")
		if (FNR == 1 || nu != NF) { print "line " FNR ": " up[FNR] " vs " $0; bad = 1; next }
		for (i = 1; i <= NF; i++) {
			if (u[i] == $i) continue
			if (shift_ns != 0 && (h[i] == "Stage" || h[i] == "Preparing") &&
			    abs(u[i] - $i) <= 0.25 + abs(shift_ns) / 1000 + 1e-9) {
				print "tolerated (N5) line " FNR " " h[i] ": " u[i] " vs " $i
				continue
			}
			print "line " FNR " " h[i] ": " u[i] " vs " $i; bad = 1
		}
	}
	END {
		if (nap < nup) { print "missing lines from " nap + 1; bad = 1 }
		exit bad
	}' "$1" "$2"
}

printf '%s\n' "$DUMPS" | while read -r in exp shift known; do
	[ -n "$in" ] || continue
	rm -rf "$tmp/out"
	if ! "$analyse" -o "$tmp/out" "$root/$in" > "$tmp/stdout" 2> "$tmp/stderr"; then
		fail "$in: ascprof-analyse failed:"
		cat "$tmp/stderr"
		continue
	fi
	act=$tmp/out/$(basename "$in")/ASCEND_PROFILER_OUTPUT/step_trace_time.csv
	if [ ! -f "$act" ]; then
		fail "$in: no step_trace_time.csv"
		continue
	fi
	if [ "$known" != - ]; then
		if cmp_steps "$up/$exp/step_trace_time.csv" "$act" "$shift" > "$tmp/diff"; then
			fail "$in: step_trace_time.csv equal now: remove '$known' from DUMPS in $0"
		else
			ok "$in: step_trace_time.csv differs, known: $known ($(grep -c '^line' "$tmp/diff") fields)"
		fi
	elif cmp_steps "$up/$exp/step_trace_time.csv" "$act" "$shift" > "$tmp/diff"; then
		ok "$in: step_trace_time.csv equal ($(wc -l < "$act") lines; $(grep -c '^tolerated' "$tmp/diff") N5 fields)"
		sed 's/^/  /' "$tmp/diff"
	else
		fail "$in: step_trace_time.csv differs from $up/$exp/step_trace_time.csv:"
		cat "$tmp/diff"
	fi
done > "$tmp/log"
cat "$tmp/log"
passed=$(grep -c '^ok: ' "$tmp/log")
failed=$(grep -c '^FAIL: ' "$tmp/log")
finish
