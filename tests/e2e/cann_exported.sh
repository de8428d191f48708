#!/bin/sh
# End-to-end: a real msprof export read as a bare PROF_* dir (spec torch_npu_ascend_pt.md §6.2,
# §8.2, §8.5), in place in ../shared/samples (skipped, exit 77, when that is absent; it is
# never written: outputs go to -o DIR).
#
# usage: cann_exported.sh BINDIR SRCROOT
#
# Checks that trace_view.json holds the msprof_*.json events as Python re-serialises them and
# step_trace_time.csv one row per device without a step (docs/compatibility.md: torch_npu never
# sees a bare PROF); that kernel_details.csv's rows equal op_summary's rows and its header op_summary's with
# the renames of §8.2 (Level1 form: every column, no Step Id); that op_statistic.csv,
# api_statistic.csv and task_time.csv equal their sources, with headers as schemas/*.def list
# them; that every line ends in CRLF (the samples were stored with LF: compared with CR
# removed); that the directory holding the PROF dir finds the same capture; that -v names the
# files and rows read; and that the sample is unchanged. Prints "N passed, N failed".
# Exit 0 all passed, 1 a check failed, 77 no samples, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"

group=$2/../shared/samples/vllm-project_vllm-ascend/.tmp_remote_patch/prof_unpack/PROF_GROUP_20260823_165254/PROF_PipeUtilization
name=PROF_000001_20260823165326062_00625538CIGQAHCJ
prof=$group/$name
if [ ! -d "$prof/mindstudio_profiler_output" ]; then
	echo "skip: no $prof"
	exit 77
fi
exp=$prof/mindstudio_profiler_output
out=$tmp/out/$name/ASCEND_PROFILER_OUTPUT

check() { # name command...
	n=$1
	shift
	if "$@"; then ok "$n"; else fail "$n"; fi
}

sums() { (cd "$1" && find . -type f -print | LC_ALL=C sort | while IFS= read -r f; do sha256sum "$f"; done); }

# the one source file of a kind, LF
src() { cat "$exp/$1"_2*.csv; }
lf() { tr -d '\r' <"$1"; }
all_crlf() { awk '!/\r$/ { exit 1 }' "$1"; }
# a schemas/*.def column list as one CSV header line
schema() { sed -n 's/^AP_COL("\(.*\)")$/\1/p' "$2/schemas/$1.def" | paste -sd, -; }
# the §8.2 renames, applied to a header line
renamed() {
	sed -e 's/^Op Name,/Name,/; s/,Op Name,/,Name,/; s/,OP Type,/,Type,/; s/,Task Type,/,Accelerator Core,/' \
		-e 's/,Task Start Time(us),/,Start Time(us),/; s/,Task Duration(us),/,Duration(us),/' \
		-e 's/,Task Wait Time(us),/,Wait Time(us),/'
}

sums "$prof" >"$tmp/before"
"$analyse" -v -o "$tmp/out" "$prof" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
check "exit 0" [ "$rc" = 0 ]
check "stdout names the output" [ "$(cat "$tmp/stdout")" = "$tmp/out/$name/ASCEND_PROFILER_OUTPUT" ]
check "-v names the exported files and rows" grep -qF "bare PROF_* capture, CANN data exported by msprof (mindstudio_profiler_output/): op_summary 1 file, $(($(src op_summary | wc -l) - 1)) rows;" "$tmp/stderr"
check "nothing else on stderr" [ "$(wc -l <"$tmp/stderr")" = 1 ]
check "-v counts the timeline" grep -qF "; msprof timeline 1 file, " "$tmp/stderr"
# a bare capture: the CSVs, and the timeline outputs without steps (no analyze/: no communication files)
check "outputs" [ "$(cd "$out" && find . -type f | LC_ALL=C sort | tr '\n' ' ')" = "./.ascprof-output ./analyse.done ./api_statistic.csv ./kernel_details.csv ./op_statistic.csv ./step_trace_time.csv ./task_time.csv ./trace_view.json " ]
check "no side files beside a bare PROF output" [ "$(ls -A "$tmp/out/$name")" = "$(printf '.ascprof-output\nASCEND_PROFILER_OUTPUT')" ]

src op_summary | sed 1d >"$tmp/rows.want"
lf "$out/kernel_details.csv" | sed 1d >"$tmp/rows.got"
check "kernel_details rows = op_summary rows" cmp -s "$tmp/rows.want" "$tmp/rows.got"
check "kernel_details rows keep the TAB of Start Time" grep -q "$(printf '\t'),[0-9]" "$tmp/rows.got"
src op_summary | head -1 | renamed >"$tmp/head.want"
lf "$out/kernel_details.csv" | head -1 >"$tmp/head.got"
check "kernel_details header = op_summary header renamed (§8.2)" cmp -s "$tmp/head.want" "$tmp/head.got"
check "kernel_details has no Step Id column" [ "$(cut -c1-7 "$tmp/head.got")" != "Step Id" ]
for f in op_statistic api_statistic task_time; do
	src $f >"$tmp/$f.want"
	check "$f.csv = its source" cmp -s "$tmp/$f.want" "$(lf "$out/$f.csv" >"$tmp/$f.got"; echo "$tmp/$f.got")"
	check "$f.csv header = schemas/$f.def" [ "$(head -1 "$tmp/$f.got")" = "$(schema $f "$2")" ]
done
# trace_view.json = the timeline's events as Python's json.dumps writes what json.load read
if command -v python3 >/dev/null 2>&1; then
	check "trace_view.json = json.dumps of msprof_*.json" python3 -c '
import json, sys
sys.exit(json.dumps(json.load(open(sys.argv[1])), ensure_ascii=False) != open(sys.argv[2]).read())' "$exp"/msprof_2*.json "$out/trace_view.json"
else
	echo "skip: trace_view.json = json.dumps of msprof_*.json (no python3)"
fi
check "step_trace_time.csv: one row per device, no step" [ "$(lf "$out/step_trace_time.csv" | sed 1d | cut -d, -f1,2 | tr '\n' ' ')" = "0, " ]
check "step_trace_time.csv header = schemas/step_trace_time.def" [ "$(lf "$out/step_trace_time.csv" | head -1)" = "$(schema step_trace_time "$2")" ]
for f in "$out"/*.csv; do
	check "$(basename "$f") ends every line with CRLF" all_crlf "$f"
done

# the directory holding it finds the same capture
"$analyse" -q -o "$tmp/out2" "$group" >/dev/null 2>&1
check "the parent directory finds the capture" diff -r "$tmp/out" "$tmp/out2"
sums "$prof" >"$tmp/after"
check "sample unchanged" cmp -s "$tmp/before" "$tmp/after"
check "nothing written into the samples" [ -z "$(find "$group" -name 'ASCEND_PROFILER_OUTPUT' -o -name '.ascprof-*')" ]
finish
