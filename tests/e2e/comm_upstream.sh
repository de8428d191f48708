#!/bin/sh
# End-to-end against upstream: ascprof's communication.json and communication_matrix.json for the generated
# 2-rank dumps of testdata/vllm_profile (one allreduce per step) and testdata/hccl_rich (RDMA, several planes,
# groups and ops per step, p2p) equal what the upstream chain wrote for them (tests/upstream/<same
# path>/communication*.json; tests/upstream/README.md says how they were made), as JSON
# values: keys and their order, value types, numbers exact; Start Timestamp(us) after N1 (the Python engine's
# local-time offset, the shift of tests/e2e/cann_upstream.sh). Where upstream wrote none (testdata/level0_single:
# msprof's analyze does nothing at Level0), ascprof must write none either. No upstream code runs here. Needs
# python3 (77 without).
#
# usage: comm_upstream.sh BINDIR SRCROOT
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
root=$2
here=$(dirname "$0")
command -v python3 >/dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }
# DUMP  expected dir (relative to tests/upstream)  N1 shift_ns
DUMPS='
testdata/vllm_profile/node0_41001_20251126100000123_ascend_pt vllm_profile/node0_41001_20251126100000123_ascend_pt -174
testdata/vllm_profile/node0_41002_20251126100000125_ascend_pt vllm_profile/node0_41002_20251126100000125_ascend_pt 38
testdata/hccl_rich/node0_42001_20251126100000200_ascend_pt hccl_rich/node0_42001_20251126100000200_ascend_pt -174
testdata/hccl_rich/node0_42002_20251126100000202_ascend_pt hccl_rich/node0_42002_20251126100000202_ascend_pt -174
testdata/level0_single/node0_51001_20251126100000223_ascend_pt level0_single/node0_51001_20251126100000223_ascend_pt -174
'
printf '%s\n' "$DUMPS" | while read -r in exp shift; do
	[ -n "$in" ] || continue
	rm -rf "$tmp/out"
	if ! "$analyse" -o "$tmp/out" "$root/$in" > "$tmp/stdout" 2> "$tmp/stderr"; then
		fail "$in: ascprof-analyse failed:"
		cat "$tmp/stderr"
		continue
	fi
	out=$tmp/out/$(basename "$in")/ASCEND_PROFILER_OUTPUT
	for f in communication.json communication_matrix.json; do
		if [ ! -f "$root/tests/upstream/$exp/$f" ]; then
			if [ -e "$out/$f" ]; then
				fail "$(basename "$in") $f: written, upstream wrote none"
			else
				ok "$(basename "$in") $f: not written, as upstream"
			fi
		elif [ ! -f "$out/$f" ]; then
			fail "$(basename "$in") $f: not written"
		elif python3 "$here/comm_compare.py" "$out/$f" "$root/tests/upstream/$exp/$f" "$shift" > "$tmp/cmp"; then
			ok "$(basename "$in") $f: equal to upstream's"
		else
			fail "$(basename "$in") $f differs from upstream's:"
			cat "$tmp/cmp"
		fi
	done
done > "$tmp/log"
# The same rank's dump marked Level0: its PROF_* data still holds the collective ops, but at
# Level0 msprof's analyze writes no communication files, so ascprof writes none either.
in=testdata/vllm_profile/node0_41001_20251126100000123_ascend_pt
l0=$tmp/l0/$(basename "$in")
mkdir -p "$tmp/l0" && cp -R "$root/$in" "$l0" || exit 99
find "$l0" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} +
sed 's/"_profiler_level": "Level1"/"_profiler_level": "Level0"/' "$root/$in/profiler_info_0.json" > "$l0/profiler_info_0.json" || exit 99
grep -q '"_profiler_level": "Level0"' "$l0/profiler_info_0.json" || exit 99
{
	if "$analyse" -o "$tmp/l0out" "$l0" > "$tmp/stdout" 2> "$tmp/stderr"; then
		out=$tmp/l0out/$(basename "$in")/ASCEND_PROFILER_OUTPUT
		if [ -d "$out" ] && [ ! -e "$out/communication.json" ] && [ ! -e "$out/communication_matrix.json" ]; then
			ok "$(basename "$in") marked Level0: no communication files"
		else
			fail "$(basename "$in") marked Level0: communication files written"
		fi
	else
		fail "$(basename "$in") marked Level0: ascprof-analyse failed:"
		cat "$tmp/stderr"
	fi
} >> "$tmp/log"
# Beside it (it lives here with the Level0 case: both are outputs that profiler_info's
# configuration rules out): the dump with only ProfilerActivity.NPU among its activities still
# has FRAMEWORK/ and its torch ops, but torch_npu writes operator_details.csv only for CPU.
np=$tmp/np/$(basename "$in")
mkdir -p "$tmp/np" && cp -R "$root/$in" "$np" || exit 99
find "$np" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} +
grep -v '"ProfilerActivity.CPU",' "$root/$in/profiler_info_0.json" > "$np/profiler_info_0.json" || exit 99
! grep -q 'ProfilerActivity.CPU' "$np/profiler_info_0.json" || exit 99
{
	if "$analyse" -o "$tmp/npout" "$np" > "$tmp/stdout" 2> "$tmp/stderr"; then
		out=$tmp/npout/$(basename "$in")/ASCEND_PROFILER_OUTPUT
		if [ -f "$out/kernel_details.csv" ] && [ ! -e "$out/operator_details.csv" ]; then
			ok "$(basename "$in") without CPU activity: no operator_details.csv"
		else
			fail "$(basename "$in") without CPU activity: operator_details.csv written (or no kernel_details.csv)"
		fi
	else
		fail "$(basename "$in") without CPU activity: ascprof-analyse failed:"
		cat "$tmp/stderr"
	fi
} >> "$tmp/log"
cat "$tmp/log"
passed=$(grep -c '^ok: ' "$tmp/log")
failed=$(grep -c '^FAIL: ' "$tmp/log")
finish
