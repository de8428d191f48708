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
cat "$tmp/log"
passed=$(grep -c '^ok: ' "$tmp/log")
failed=$(grep -c '^FAIL: ' "$tmp/log")
finish
