#!/bin/sh
# The committed sample dumps are exactly what the generator makes from their scenario files:
# regenerates each into a temp dir and compares byte for byte.
# usage: regen_testdata.sh AP_GEN SRCROOT
set -u
gen=$1 src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ap_regen.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { # scenario, directory holding its dump[, a name pattern diff ignores]
	ignore=${3:-ASCEND_PROFILER_OUTPUT}
	out="$tmp/$(basename "$2")_$(basename "$1" .txt)" # scenario names repeat across directories
	mkdir -p "$out"
	if ! "$gen" "$1" "$out" >/dev/null 2>"$out.err"; then
		echo "FAIL: ap-gen $1:"
		cat "$out.err"
		failed=$((failed + 1))
		return
	fi
	for d in "$out"/*; do
		if ! diff -r -x ASCEND_PROFILER_OUTPUT -x .gitkeep -x "$ignore" "$d" "$2/$(basename "$d")"; then
			echo "FAIL: $2/$(basename "$d") is not what $1 generates"
			failed=$((failed + 1))
			return
		fi
	done
	passed=$((passed + 1))
}
for s in "$src"/testdata/vllm_profile/scenario_*.txt; do check "$s" "$src/testdata/vllm_profile"; done
for s in "$src"/testdata/hccl_rich/scenario_*.txt; do check "$s" "$src/testdata/hccl_rich"; done
check "$src/testdata/level0_single/scenario.txt" "$src/testdata/level0_single"
for s in "$src"/testdata/generations/*.txt; do check "$s" "$src/testdata/generations"; done
for s in "$src"/testdata/configs/*.txt; do check "$s" "$src/testdata/configs"; done
# their PROF_* dirs hold hand-written msprof exports, not generated (testdata/exported/README.md)
for s in "$src"/testdata/exported/*.txt; do check "$s" "$src/testdata/exported" 'PROF_*'; done
for s in "$src"/testdata/cann/*.txt; do check "$s" "$src/testdata/cann"; done
for s in "$src"/testdata/bad/cann/*.txt; do check "$s" "$src/testdata/bad/cann"; done
for s in "$src"/testdata/bad/framework/*.txt; do
	case $s in
	*/mixed_rank*) check "$s" "$src/testdata/bad/framework/mixed" ;;
	*) check "$s" "$src/testdata/bad/framework" ;;
	esac
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
