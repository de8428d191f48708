#!/bin/sh
# End-to-end against upstream: ascprof's CANN outputs for the generated raw dumps equal what the upstream chain
# (msprof's raw Python engine, then torch_npu analyse() through the fake msprof) wrote for the same dumps,
# committed in tests/upstream/ (its README says how they were made). No upstream code runs here.
#
# usage: cann_upstream.sh BINDIR SRCROOT
#
# Each comparison runs both files through ONE normaliser, tests/e2e/cann_upstream_norm.awk, which erases only
# the msprof Python-engine vs C++-engine differences listed in tests/upstream/README.md ("Normaliser", N1-N4),
# and then wants them equal line for line. A comparison in KNOWN below still differs because of an ascprof bug
# (B*) or an engine difference that no textual normaliser can erase (E*): it must differ (ok, "known");
# once it is equal it FAILS until
# its line is removed, so the list cannot go stale.
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"

root=$2
up=$root/tests/upstream
norm=$(dirname "$0")/cann_upstream_norm.awk

# DUMP-ID FILE  reason: these comparisons differ now; each names its bugs B* / engine differences E*
# (tests/upstream/README.md)
KNOWN='
910a kernel_details E1 19.2 MHz ticks: Python rounds to ns, C++ and ascprof truncate
910a op_statistic E1
910a task_time E1
910a operator_details E1
variants api_statistic E2 Python rounds each squared deviation of Variance
variants task_time E3 FFTS+ groups: Python drops a group with context ids above 0, C++ and ascprof keep it
l0 kernel_details E5 Level0 Block Num: Python 0, C++ and ascprof the block count of the 40-byte task_track
l0 task_time E4 a Level0 MIX kernel context-0 subtask: Python links it (kernel name, runtime type), C++ and ascprof not; E3
l0 operator_details E4 Python credits the ops with their Level0 MIX kernels, C++ draws them no flow
'

# DUMP-ID  input (relative to SRCROOT)  expected dir (relative to tests/upstream)  N1 shift_ns  N4 event-pair APIs
# (LEVEL,NAME[;LEVEL,NAME...])
DUMPS='
rank0 testdata/vllm_profile/node0_41001_20251126100000123_ascend_pt vllm_profile/node0_41001_20251126100000123_ascend_pt -174 -
rank1 testdata/vllm_profile/node0_41002_20251126100000125_ascend_pt vllm_profile/node0_41002_20251126100000125_ascend_pt 38 acl,aclrtSynchronizeStream
hccl0 testdata/hccl_rich/node0_42001_20251126100000200_ascend_pt hccl_rich/node0_42001_20251126100000200_ascend_pt -174 -
hccl1 testdata/hccl_rich/node0_42002_20251126100000202_ascend_pt hccl_rich/node0_42002_20251126100000202_ascend_pt -174 -
910a testdata/cann/node1_52001_20251126110000000_ascend_pt cann/node1_52001_20251126110000000_ascend_pt 0 -
expand testdata/cann/prof_910b_expand/PROF_000001_20251126130000000_071001DPQAKBLC cann/prof_910b_expand 0 -
variants testdata/cann/prof_910b_variants/PROF_000002_20251126120000000_061001MABQRCKD cann/prof_910b_variants 0 model,execute
l0 testdata/level0_single/node0_51001_20251126100000223_ascend_pt level0_single/node0_51001_20251126100000223_ascend_pt -174 -
'

known() { # id file -> the reason, empty when not listed
	printf '%s\n' "$KNOWN" | awk -v id="$1" -v f="$2" '$1 == id && $2 == f { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }'
}

compare() { # id expected actual shift events skip-header label
	awk -v side=up -v shift_ns="$4" -f "$norm" "$2" | tail -n +"$6" > "$tmp/up" || exit 99
	awk -v side=ap -v drop_api="$5" -f "$norm" "$3" | tail -n +"$6" > "$tmp/ap" || exit 99
	why=$(known "$1" "$7")
	if cmp -s "$tmp/up" "$tmp/ap"; then
		if [ -n "$why" ]; then
			fail "$1 $7: equal now, remove it from KNOWN in $0 ($why)"
		else
			ok "$1 $7: equal ($(wc -l < "$tmp/up") lines compared)"
		fi
	elif [ -n "$why" ]; then
		ok "$1 $7: differs, known: $why"
	else
		fail "$1 $7 differs from $2:"
		diff "$tmp/up" "$tmp/ap" | head -20
	fi
}

printf '%s\n' "$DUMPS" | while read -r id in exp shift events; do
	[ -n "$id" ] || continue
	[ "$events" = - ] && events=
	rm -rf "$tmp/out"
	if ! "$analyse" -o "$tmp/out" "$root/$in" > "$tmp/stdout" 2> "$tmp/stderr"; then
		fail "$id: ascprof-analyse $in failed:"
		cat "$tmp/stderr"
		continue
	fi
	out=$tmp/out/$(basename "$in")/ASCEND_PROFILER_OUTPUT
	if [ -f "$up/$exp/kernel_details.csv" ]; then # a torch_npu dump: analyse()'s files
		for f in kernel_details op_statistic api_statistic task_time operator_details; do
			if [ -f "$up/$exp/$f.csv" ]; then
				compare "$id" "$up/$exp/$f.csv" "$out/$f.csv" "$shift" "$events" 1 "$f"
			elif [ -e "$out/$f.csv" ]; then # Level0: torch_npu writes no op_statistic / api_statistic
				fail "$id $f: written, upstream wrote none"
			else
				ok "$id $f: not written, as upstream"
			fi
		done
	else # a bare PROF dir: msprof's own files; kernel_details is op_summary renamed (§8.2): rows only
		compare "$id" "$up/$exp/msprof_op_summary.csv" "$out/kernel_details.csv" "$shift" "$events" 2 kernel_details
		for f in op_statistic api_statistic task_time; do
			compare "$id" "$up/$exp/msprof_$f.csv" "$out/$f.csv" "$shift" "$events" 1 "$f"
		done
	fi
done > "$tmp/log"
cat "$tmp/log"
passed=$(grep -c '^ok: ' "$tmp/log")
failed=$(grep -c '^FAIL: ' "$tmp/log")
finish
