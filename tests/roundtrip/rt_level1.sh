#!/bin/sh
# Round trip against a real torch_npu run (Level1, CPU part).
#
#   rt_level1.sh [ASCPROF_ANALYSE RT_INVERT RT_COMPARE]
#
# The three programs come from the arguments or, failing that, from the
# environment variables of the same names. The real sample is read in place
# from ../shared/samples (relative to the repository root) and never copied
# into the project; without it the test is skipped (exit 77).
#
# Steps: rt-invert turns the sample's trace_view.json back into a raw dump
# (profiler_info_0.json + FRAMEWORK/, see tests/support/rt/);
# ascprof-analyse analyses that dump into a temp dir; rt-compare checks our
# trace_view.json (cpu_op, enqueue, dequeue, python_function events) and the
# host columns of operator_details.csv against the sample's.
#
# Exit: 0 pass, 1 fail, 77 skip, 99 setup error. RT_KEEP=1 keeps the temp dir.
set -u

ANALYSE=${1:-${ASCPROF_ANALYSE:-}}
INVERT=${2:-${RT_INVERT:-}}
COMPARE=${3:-${RT_COMPARE:-}}

here=$(cd "$(dirname "$0")" && pwd) || exit 99
repo=$(cd "$here/../.." && pwd) || exit 99
sample=$repo/../shared/samples/Ascend_msinsight/test/data/pytorch/text/level1/rank0_ascend_pt
real=$sample/ASCEND_PROFILER_OUTPUT

if [ ! -f "$real/trace_view.json" ] || [ ! -f "$real/operator_details.csv" ]; then
	echo "rt_level1: SKIP: sample not found: $sample"
	exit 77
fi
for p in "$ANALYSE" "$INVERT" "$COMPARE"; do
	if [ -z "$p" ] || [ ! -x "$p" ]; then
		echo "rt_level1: usage: $0 ASCPROF_ANALYSE RT_INVERT RT_COMPARE (not executable: '$p')" >&2
		exit 99
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rt_level1.XXXXXX") || exit 99
cleanup() {
	if [ "${RT_KEEP:-0}" = 1 ]; then
		echo "rt_level1: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM

dump=$tmp/rt_level1_ascend_pt
out=$tmp/out
mkdir "$out" || exit 99

echo "rt_level1: inverting $real/trace_view.json"
if ! "$INVERT" "$real/trace_view.json" "$dump"; then
	echo "rt_level1: FAIL: rt-invert could not invert every event" >&2
	exit 1
fi

echo "rt_level1: ascprof-analyse -q -o $out $dump"
"$ANALYSE" -q -o "$out" "$dump"
rc=$?
if [ $rc -ne 0 ]; then
	echo "rt_level1: FAIL: ascprof-analyse exited $rc" >&2
	exit 1
fi

ours=$out/rt_level1_ascend_pt/ASCEND_PROFILER_OUTPUT
for f in trace_view.json operator_details.csv; do
	if [ ! -f "$ours/$f" ]; then
		echo "rt_level1: FAIL: ascprof-analyse wrote no $ours/$f" >&2
		exit 1
	fi
done

# AP_JSON_CHECK (json-check, set by meson): ours must be a valid Chrome trace
if [ -n "${AP_JSON_CHECK:-}" ] && ! "$AP_JSON_CHECK" "$ours/trace_view.json"; then
	echo "rt_level1: FAIL: $ours/trace_view.json is not a valid Chrome trace" >&2
	exit 1
fi
"$COMPARE" "$real/trace_view.json" "$ours/trace_view.json" \
	"$real/operator_details.csv" "$ours/operator_details.csv"
case $? in
0) echo "rt_level1: PASS"; exit 0 ;;
1) echo "rt_level1: FAIL: outputs differ" >&2; exit 1 ;;
*) echo "rt_level1: FAIL: rt-compare error" >&2; exit 1 ;;
esac
