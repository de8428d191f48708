#!/bin/sh
# Reverse synthesis of the CANN part of six real torch_npu runs (issue 10, Tests).
#
#   rt_cann.sh [ASCPROF_ANALYSE RT_INVERT RT_CANN AP_GEN RT_COMPARE]
#
# For each of ../shared/samples/Ascend_msinsight/test/data/pytorch/text/level{0,1,2}/rank{0,1}_ascend_pt (read
# in place, never copied into the project; without them the test is skipped, exit 77):
#   rt-invert  trace_view.json → FRAMEWORK/ (cpu_op, enqueue/dequeue, python_function), raw = local - D;
#   rt-cann    kernel_details.csv + trace_view.json → an ap-gen scenario (tests/support/rt/rt_cann_main.c
#              says which record comes from which field); ap-gen writes profiler_info + PROF_* from it;
#   ascprof-analyse, then rt-compare --table: kernel_details.csv (all ranks), op_statistic.csv and
#   api_statistic.csv (Level1/2; Level0 has none) and the device columns of operator_details.csv, by column
#   name at the sample's precision; then rt_cann_cmp.py (issue 12): step_trace_time.csv (all ranks; a
#   column summed from N Overlap Analysis events within N ns), communication.json and
#   communication_matrix.json (Level1/2: the older Level0 wrote none; keys and numbers, times within 1 ns
#   per small task) and trace_view.json as a multiset of (process, thread, name, ts, dur) of the X events of
#   the CANN, Ascend Hardware, Communication and Overlap Analysis lanes plus (process, thread, cat, ts) of
#   every flow end, per lane. It prints per-file (and per-column / per-lane) match counts.
#   Needs python3 for the issue-12 part (without it that part is skipped with a note).
#
# Known ascprof bugs and differences of the older release are listed below as expected failures: their
# mismatches are printed as XFAIL and do not fail the test; an XPASS line says one is gone (remove its item).
# Columns the older msprof computed from more than it printed are compared with a tolerance (TOL lines).
# Exit: 0 pass, 1 fail, 77 skip, 99 setup error. RT_KEEP=1 keeps the temp dir.
set -u

ANALYSE=${1:-${ASCPROF_ANALYSE:-}}
INVERT=${2:-${RT_INVERT:-}}
CANN=${3:-${RT_CANN:-}}
GEN=${4:-${AP_GEN:-}}
COMPARE=${5:-${RT_COMPARE:-}}

D=1736400000000000000 # local = raw + D, as rt-cann's RT_CANN_OFFSET_D

# Expected failures: "LEVEL FILE COLUMN ID" (LEVEL: a level, LEVEL/RANK one rank of it, or * every level; _
# stands for a blank in COLUMN): a known
# ascprof bug (remove its items when it is fixed; an XPASS line says so) or a difference of the older release.
#  HCCL-EDGE  not a bug: the Wait Time of the kernel after an HCCL op comes from the older msprof's float
#       end of that op; rt-cann keeps the trace's ns times of the op's small tasks, up to 2 ns apart (one
#       row, in rank0 of level0 and of level1 only, so the items name that rank; the other rows are checked
#       within TOL SUBNS)
# (RS1, the kernel_details shapes without msprof's literal quotes, was fixed on main as B1.)
#  OLD-AICORE  not a bug: the older msprof typed every AI Core SQE task AI_CORE in the Ascend Hardware
#       lane (AI_VECTOR_CORE kernels included), so the sample's "With AICore" sums count AIV kernels;
#       current msprof (and ascprof) type them by their GE task type, and torch_npu §7.4 counts a kernel
#       only when its Task Type is exactly "AI_CORE" (Level0 has no GE types: the SQE type AI_CORE
#       counts there in the older sample). Level0: current msprof (both engines) types a task without
#       node info by its host runtime type (KERNEL_AICORE), so current torch_npu counts none there; the
#       upstream oracle test of testdata/level0_single shows it (tests/upstream/level0_single:
#       operator_details' With AICore columns 0)
#  L0-MIX  (operator_details, Level0) the MIX kernels' device time: no flow reaches them (L0-MIX below),
#       so no op is credited with them; the older msprof linked them
XFAIL='
level0/rank0 kernel_details Wait_Time(us) HCCL-EDGE
level1/rank0 kernel_details Wait_Time(us) HCCL-EDGE
level0 operator_details Device_Self_Duration(us) L0-MIX
level0 operator_details Device_Total_Duration(us) L0-MIX
level0 operator_details Device_Self_Duration_With_AICore(us) OLD-AICORE
level0 operator_details Device_Total_Duration_With_AICore(us) OLD-AICORE
level1 operator_details Device_Self_Duration_With_AICore(us) OLD-AICORE
level1 operator_details Device_Total_Duration_With_AICore(us) OLD-AICORE
level2 operator_details Device_Self_Duration_With_AICore(us) OLD-AICORE
level2 operator_details Device_Total_Duration_With_AICore(us) OLD-AICORE
'
# Tolerances: "FILE COLUMN WHY", columns the older msprof computed from more than the sample printed.
#  SUBNS  from float durations with sub-ns fractions (trace_view dur 53.7410625 for Duration 53.741) that
#         integer-ns timing (current msprof, ascprof) cannot carry: waits, sums, averages, ratios; an HCCL
#         row's Start / Duration (its float edges printed truncated, 1 ns from the trace's rounded times of
#         its first / last small task, which rt-cann keeps)
#  ROUND  its Python round() (half-even on the double: 4.59 / 4 -> 1.147) against current msprof's
#         std::round(x * 1000) / 1000 (-> 1.148), which ascprof follows
TOL='
kernel_details Wait_Time(us) SUBNS
kernel_details Start_Time(us) SUBNS
kernel_details Duration(us) SUBNS
op_statistic Total_Time(us) SUBNS
op_statistic Min_Time(us) SUBNS
op_statistic Avg_Time(us) SUBNS
op_statistic Max_Time(us) SUBNS
op_statistic Ratio(%) SUBNS
operator_details Device_Self_Duration(us) SUBNS
operator_details Device_Total_Duration(us) SUBNS
operator_details Device_Self_Duration_With_AICore(us) SUBNS
operator_details Device_Total_Duration_With_AICore(us) SUBNS
api_statistic Avg(us) ROUND
api_statistic Variance ROUND
'

# Expected failures of the issue-12 part: "LEVEL FILE REASON KEY" (KEY: the rest of the line; a column of
# step_trace_time.csv, a key path of communication*.json (fnmatch, '*' spans '/'), or a trace_view.json lane
# "PROCESS|THREAD" / "flow|CAT"). REASON ending in ":N": at most N mismatching values / rows / events.
#  OLD-FREE  not a bug: current msprof's Overlap Analysis (overlap_analysis_processor.cpp, ap/overlap_an.h)
#       starts Free at the earliest device task of any kind (a MEMCPY_ASYNC before the first kernel here);
#       the older msprof started it at the first Computing / Communication interval: one more Free event,
#       and step_trace_time's Free and Stage longer by it
#  OLD-MASTER-PLANE (at most 30 values: 6 fields of 4 ops and the total)  not a bug (cann_prof_raw 2.8 / communication_parser.py get_master_plane_id): every
#       small task of these FFTS+ ops lies under one master HCCL event, so current msprof (and ascprof)
#       take the time info from the plane of the first master task, plane 0 (local copies: no transit, no
#       wait); the older msprof took plane 1 (its numbers are plane 1's). Elapse, start, bandwidth, sizes
#       and the whole matrix still match
#  RT-SHARED  a synthesis limit (rt_cann_main.c, runtime tasks): the later tasks of a HostToDevice flow id
#       shared with an earlier task are written outside every API (torch_npu links only the first), so
#       ascprof draws no flow to them; the older msprof drew one (5 per rank)
#  L0-MIX  not a bug, older msprof (Level0): a MIX kernel without node info (13 per rank) runs as FFTS+
#       context 0 (ap-gen: its subtask pair 1 tick inside the ACSQ pair). Current msprof's C++ engine gives
#       the launch one host task, at context 0xFFFFFFFF (TreeAnalyzer::GenComputeHostTasks, its Level0
#       branch), and matches device tasks by (stream, task, context, batch), so the context-0 subtask has
#       no host task: the Ascend Hardware lane draws it under its subtask type (MIX_AIV) with no
#       HostToDevice / async_npu flow and hides the ACSQ task (ascend_hardware_assembler.cpp); ascprof
#       does the same. The older msprof drew the kernel name at the ACSQ times with both flows; the current
#       Python engine draws KERNEL_MIX_AIV at the subtask times with both flows (the oracle test of
#       testdata/level0_single lists that as engine difference E4, tests/upstream/README.md).
#       kernel_details.csv (the ACSQ row) agrees with every release
# (L0-PLANES is gone: rt-cann writes an HCCL-level master event around each Level0 op's FFTS_PLUS task
#       and context ids, which Level0 does not record (a synthesis limit, rt_cann_main.c), so each FFTS+
#       subtask became an HCCL small task without hccl_info that ascprof drew on Plane 0 (296 per rank).
#       It now draws no small task at Level0, nor one without hccl_info, as msprof's C++ engine
#       (hccl_assembler.h GenerateCommTaskTrace; B7 of tests/upstream/README.md): Plane 0 holds no
#       task, as in the older sample.)
XFAIL12='
* step_trace_time OLD-FREE:1 Free
* step_trace_time OLD-FREE:1 Stage
* trace_view OLD-FREE:1 Overlap Analysis|Free
* communication OLD-MASTER-PLANE:30 */Communication Time Info/Transit Time(ms)
* communication OLD-MASTER-PLANE:30 */Communication Time Info/Wait Time(ms)
* communication OLD-MASTER-PLANE:30 */Communication Time Info/Synchronization Time(ms)
* communication OLD-MASTER-PLANE:30 */Communication Time Info/Idle Time(ms)
* communication OLD-MASTER-PLANE:30 */Communication Time Info/Wait Time Ratio
* communication OLD-MASTER-PLANE:30 */Communication Time Info/Synchronization Time Ratio
level1 trace_view RT-SHARED:5 flow|HostToDevice
level2 trace_view RT-SHARED:5 flow|HostToDevice
level0 trace_view RT-SHARED+L0-MIX:18 flow|HostToDevice
level0 trace_view L0-MIX:13 flow|async_npu
level0 trace_view L0-MIX:26 Ascend Hardware|Stream 2
'

here=$(cd "$(dirname "$0")" && pwd) || exit 99
repo=$(cd "$here/../.." && pwd) || exit 99
base=$repo/../shared/samples/Ascend_msinsight/test/data/pytorch/text

if [ ! -d "$base/level1/rank0_ascend_pt/ASCEND_PROFILER_OUTPUT" ]; then
	echo "rt_cann: SKIP: samples not found: $base"
	exit 77
fi
for p in "$ANALYSE" "$INVERT" "$CANN" "$GEN" "$COMPARE"; do
	if [ -z "$p" ] || [ ! -x "$p" ]; then
		echo "rt_cann: usage: $0 ASCPROF_ANALYSE RT_INVERT RT_CANN AP_GEN RT_COMPARE (not executable: '$p')" >&2
		exit 99
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rt_cann.XXXXXX") || exit 99
cleanup() {
	if [ "${RT_KEEP:-0}" = 1 ]; then echo "rt_cann: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM

xfail_args() { # LEVEL/RANK FILE -> --xfail and --tol options, one word a line
	echo "$XFAIL" | while IFS=" " read -r lv f c b; do
		[ -n "$lv" ] || continue
		if { [ "$lv" = '*' ] || [ "$lv" = "${1%%/*}" ] || [ "$lv" = "$1" ]; } &&
			[ "$f" = "$2" ]; then
			printf -- "--xfail\n%s=%s\n" "$(echo "$c" | tr _ ' ')" "$b"
		fi
	done
	echo "$TOL" | while IFS=" " read -r f c w; do
		if [ -n "$f" ] && [ "$f" = "$2" ]; then
			printf -- "--tol\n%s=%s\n" "$(echo "$c" | tr _ ' ')" "$w"
		fi
	done
}

compare() { # LEVEL/RANK FILE LABEL REAL OURS [--only COL...]
	c_lv=$1 c_f=$2 c_label=$3 c_real=$4 c_ours=$5
	shift 5
	if [ ! -f "$c_ours" ]; then
		echo "$c_label: FAIL: ascprof-analyse wrote no $(basename "$c_ours")"
		return 1
	fi
	# the xfail options hold blanks: pass them one per line
	old_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2046
	set -- $(xfail_args "$c_lv" "$c_f") "$@"
	IFS=$old_ifs
	"$COMPARE" --table "$@" "$c_label" "$c_real" "$c_ours"
}

xfail12_args() { # LEVEL FILE -> --xfail options, one word a line
	echo "$XFAIL12" | while IFS=" " read -r lv f why key; do
		[ -n "$lv" ] || continue
		if { [ "$lv" = '*' ] || [ "$lv" = "$1" ]; } && [ "$f" = "$2" ]; then
			printf -- "--xfail\n%s=%s\n" "$key" "$why"
		fi
	done
}

compare12() { # LEVEL FILE MODE LABEL REAL OURS [REAL_TRACE]
	c_lv=$1 c_f=$2 c_mode=$3 c_label=$4
	shift 4
	if [ ! -f "$2" ]; then
		echo "$c_label: FAIL: ascprof-analyse wrote no $(basename "$2")"
		return 1
	fi
	echo "$c_label:"
	old_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2046
	set -- $(xfail12_args "$c_lv" "$c_f") "$c_mode" "$@"
	IFS=$old_ifs
	python3 "$here/rt_cann_cmp.py" "$@"
}

have_py=1
command -v python3 >/dev/null 2>&1 || have_py=0
[ "$have_py" = 1 ] || echo "rt_cann: no python3: step_trace_time / communication / trace_view comparisons skipped"

fails=0
for lv in level0 level1 level2; do
	for rk in rank0 rank1; do
		dir=$base/$lv/${rk}_ascend_pt
		real=$dir/ASCEND_PROFILER_OUTPUT
		name=rt_${lv}_${rk}_ascend_pt
		dump=$tmp/$name
		out=$tmp/out
		echo "== rt_cann: $lv/$rk"
		if ! "$INVERT" "$real/trace_view.json" "$dump" "$D" 2>"$tmp/invert.err"; then
			cat "$tmp/invert.err" >&2
			echo "rt_cann: $lv/$rk: FAIL: rt-invert" >&2
			fails=$((fails + 1))
			continue
		fi
		rm -f "$dump"/profiler_info_*.json # ap-gen writes it, with the run's rank and level
		if ! "$CANN" "$dir" "$name" >"$tmp/$name.scenario" 2>"$tmp/cann.err"; then
			cat "$tmp/cann.err" >&2
			echo "rt_cann: $lv/$rk: FAIL: rt-cann could not place every row and event" >&2
			fails=$((fails + 1))
		fi
		cat "$tmp/cann.err"
		if ! "$GEN" "$tmp/$name.scenario" "$tmp" 2>"$tmp/gen.err" || [ -s "$tmp/gen.err" ]; then
			cat "$tmp/gen.err" >&2
			echo "rt_cann: $lv/$rk: FAIL: ap-gen failed or warned (a time not representable?)" >&2
			fails=$((fails + 1))
			continue
		fi
		if ! "$ANALYSE" -q -o "$out" "$dump" 2>"$tmp/analyse.err"; then
			cat "$tmp/analyse.err" >&2
			echo "rt_cann: $lv/$rk: FAIL: ascprof-analyse failed" >&2
			fails=$((fails + 1))
			continue
		fi
		ours=$out/$name/ASCEND_PROFILER_OUTPUT
		compare "$lv/$rk" kernel_details "$lv/$rk kernel_details.csv" "$real/kernel_details.csv" \
			"$ours/kernel_details.csv" || fails=$((fails + 1))
		if [ "$lv" != level0 ]; then
			for f in op_statistic api_statistic; do
				compare "$lv/$rk" $f "$lv/$rk $f.csv" "$real/$f.csv" "$ours/$f.csv" || fails=$((fails + 1))
			done
		fi
		compare "$lv/$rk" operator_details "$lv/$rk operator_details.csv (device columns)" \
			"$real/operator_details.csv" "$ours/operator_details.csv" --only Name \
			--only 'Device Self Duration(us)' --only 'Device Total Duration(us)' \
			--only 'Device Self Duration With AICore(us)' \
			--only 'Device Total Duration With AICore(us)' || fails=$((fails + 1))
		[ "$have_py" = 1 ] || continue
		compare12 "$lv" step_trace_time step "$lv/$rk step_trace_time.csv" "$real/step_trace_time.csv" \
			"$ours/step_trace_time.csv" "$real/trace_view.json" || fails=$((fails + 1))
		for f in communication communication_matrix; do
			if [ ! -f "$real/$f.json" ]; then
				echo "$lv/$rk $f.json: not compared: the sample has none (the older Level0 wrote none)"
				continue
			fi
			compare12 "$lv" $f comm "$lv/$rk $f.json" "$real/$f.json" "$ours/$f.json" \
				"$real/trace_view.json" || fails=$((fails + 1))
		done
		compare12 "$lv" trace_view trace "$lv/$rk trace_view.json" "$real/trace_view.json" \
			"$ours/trace_view.json" || fails=$((fails + 1))
		if [ -n "${AP_JSON_CHECK:-}" ]; then # valid Chrome trace, every flow start with its end
			"$AP_JSON_CHECK" "$ours/trace_view.json" || fails=$((fails + 1))
		fi
	done
done

if [ "$fails" -ne 0 ]; then
	echo "rt_cann: FAIL: $fails check(s) failed" >&2
	exit 1
fi
echo "rt_cann: PASS"
exit 0
