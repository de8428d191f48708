#!/bin/sh
# Benchmark (not a test; `meson test -C BUILD --benchmark` runs it with the defaults): dumps from
# `ap-gen --synth`, which writes every FRAMEWORK record kind in the proportions of a real Level1 capture
# with memory and stacks, timed through the decode alone and the whole analyse.
#
# usage: scripts/bench.sh BUILD_DIR [SIZE...]
#   BUILD_DIR  a meson build dir holding tests/ap-gen, tests/bench-decode and tools/ascprof-analyse
#              (build it with --buildtype=release for figures worth comparing)
#   SIZE       dump sizes to time, each in bytes or with a decimal suffix k, M or G (default: 40M 160M 1G)
# environment:
#   AP_BENCH_RUNS=N     runs per figure, medians reported (default 5)
#   AP_BENCH_PAIR=SIZE  size of each of the two dumps analysed together with -j 1 and -j 2 (default 160M;
#                       0 skips that part)
#   AP_BENCH_STRESS=SIZE size of the zero-filled (all corrupt) torch.op_range of the stress cases, which
#                       also time 40 000 nested ops x 40 000 allocations (default 160M; 0 skips them)
#   AP_BENCH_PROF=SIZE  size of the CANN dumps (`ap-gen --synth-prof`: a PROF_* with STARS, api_event,
#                       compact and additional records, task-id wraps and flips, plus the FRAMEWORK part on
#                       its clock): one analysed with -j 1, then two with -j 1 and -j 2 (default 1G; 0 skips)
#   AP_BENCH_BASE=BUILD_DIR a release build of an earlier commit (for issue 12's figure, 55e6dae, before its
#                       outputs: `git worktree add /tmp/base 55e6dae; meson setup --buildtype=release
#                       /tmp/base/build /tmp/base; ninja -C /tmp/base/build tools/ascprof-analyse`): its
#                       ascprof-analyse analyses the one-rank CANN dump with -j 1 in turn with ours, and
#                       the ratio of the median walls is printed (default unset: not run)
#   AP_BENCH_TL=SIZE    size of the smallest `--synth-prof` dump of the timeline tier, which times with
#                       `bench-trace-view` (dump loaded once) the trace_view.json writer alone and the
#                       step / overlap computation (ap_overlap_build, ap_step_time_build, ap_comm_analyse,
#                       ap_comm_by_step) on dumps of 1, 4 and 16 times SIZE (default 64M; 0 skips)
#   AP_BENCH_SVC=RECORDS records of the service dump (MS Service Profiler databases) that
#                       scripts/bench_svc.sh times last, with these runs (default 1000000; 0 skips; its
#                       header tells the rest, e.g. AP_BENCH_SVC_UPSTREAM for upstream's figure beside ours)
#   TMPDIR              where the dumps and outputs go (default /tmp; the 1G tier needs about 4 GB there)
#
# For each SIZE: one dump is generated, then `bench-decode` and `ascprof-analyse -q -j 1` each run N times
# (analyse under /usr/bin/time for CPU and peak RSS; its wall from `date +%s%N` around it). Printed per size:
# input MB (all FRAMEWORK files), decode GB/s, median wall and CPU (user + sys) seconds of analyse, MB/s of
# input (input / median wall), median peak RSS, RSS / input, and a checksum of the outputs (the first 16 hex
# digits of a sha256 over the output files in name order) with whether every run gave the same. Then two
# distinct dumps (ranks 1 and 2) analysed together with -j 1 and with -j 2: median walls, MB/s each and the
# ratio of the rates, and whether both wrote the same; then the ratio per pair of runs (each -j 1 run with the
# -j 2 run after it): median and range.
# Targets (issue 9; 2-core machine, release build): decode >= 1 GB/s per core; analyse -j1 >= 250 MB/s of
# input; peak RSS <= 1.0 x input; two dumps with -j2 >= 1.8 x the -j1 rate.
# Timeline tier (issue 12): per scale, the dump's MB, its device tasks, trace_view.json's MB and the
# writer's MB per CPU second (target >= 300 MB/s per core), the CPU seconds of the four step / overlap
# passes and their sum per task (target: flat across 1x, 4x, 16x, i.e. linear); with AP_BENCH_BASE,
# the one-rank CANN dump's analyse -j1 wall against that build's (target: ratio <= 1.5).
set -eu

usage() {
	echo "usage: $0 BUILD_DIR [SIZE...]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
build=$1
shift
gen=$build/tests/ap-gen decode=$build/tests/bench-decode analyse=$build/tools/ascprof-analyse
cdecode=$build/tests/bench-cann-decode tlbench=$build/tests/bench-trace-view
base=${AP_BENCH_BASE:-}
tl=${AP_BENCH_TL:-64M}
for x in "$gen" "$decode" "$analyse" "$cdecode" ${base:+"$base/tools/ascprof-analyse"} \
	$([ "$tl" = 0 ] || echo "$tlbench"); do
	[ -x "$x" ] || {
		echo "bench.sh: '$x' is missing: build $build first" >&2
		exit 2
	}
done
[ $# -gt 0 ] || set -- 40M 160M 1G
runs=${AP_BENCH_RUNS:-5}
pair=${AP_BENCH_PAIR:-160M}
stress=${AP_BENCH_STRESS:-160M}
prof=${AP_BENCH_PROF:-1G}
svc=${AP_BENCH_SVC:-1000000}
case $runs in '' | *[!0-9]* | 0) usage ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/ap_bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bytes SIZE: SIZE in bytes (decimal suffixes k M G)
bytes() {
	awk -v s="$1" 'BEGIN {
		if (s !~ /^[0-9]+(\.[0-9]+)?[kMG]?$/) exit 1
		m = 1
		if (s ~ /k$/) m = 1e3
		if (s ~ /M$/) m = 1e6
		if (s ~ /G$/) m = 1e9
		sub(/[kMG]$/, "", s)
		printf "%.0f\n", s * m
	}' || {
		echo "bench.sh: bad size '$1'" >&2
		exit 2
	}
}

# median FILE: median of the numbers in FILE, one a line
median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# input_bytes DUMP...: bytes of their FRAMEWORK files
input_bytes() {
	for d in "$@"; do
		for f in "$d"/FRAMEWORK/*; do wc -c <"$f"; done
	done | awk '{ n += $1 } END { printf "%.0f\n", n }'
}

# checksum OUTDIR: sha256 over the output files of every dump under OUTDIR, in name order
checksum() {
	for f in "$1"/*/ASCEND_PROFILER_OUTPUT/*; do
		printf '%s ' "${f#"$1"/}"
		sha256sum <"$f"
	done | sha256sum | cut -c1-16
}

# timed TAG ARGS...: one analyse run; appends wall, cpu, rss (KB) and the checksum to $work/TAG.*
# The exit status must be $expect (default 0).
timed() {
	tag=$1
	shift
	rm -rf "$work/out"
	rc=0
	# wall from the nanosecond clock (time's %e has 10 ms steps: 1.7% of a 0.6 s run)
	t0=$(date +%s%N)
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "${tool:-$analyse}" -q -o "$work/out" "$@" 2>"$work/stderr" ||
		rc=$?
	t1=$(date +%s%N)
	[ "$rc" = "${expect:-0}" ] || {
		echo "bench.sh: ascprof-analyse $* exited $rc" >&2
		cat "$work/stderr" >&2
		exit 1
	}
	tail -n 1 "$work/time" | awk -v w="$work/$tag" -v ns="$((t1 - t0))" '{
		printf "%.4f\n", ns / 1e9 >> (w ".wall"); print $2 + $3 >> (w ".cpu"); print $4 >> (w ".rss")
	}'
	checksum "$work/out" >>"$work/$tag.sum"
	rm -rf "$work/out"
}

# same TAG: the checksum of the runs and "yes" / "NO" for whether they all agree
same() {
	printf '%s %s' "$(head -n 1 "$work/$1.sum")" "$(sort -u "$work/$1.sum" | awk 'END { print NR == 1 ? "yes" : "NO" }')"
}

echo "ascprof benchmark: $runs runs per figure, medians; $(nproc) CPUs; dumps in ${TMPDIR:-/tmp}"
echo "targets: decode >= 1 GB/s per core; analyse -j1 >= 250 MB/s; RSS <= 1.0 x input; -j2 >= 1.8 x -j1"
echo
printf '%-6s %9s %8s %8s %8s %8s %8s %7s  %-16s %s\n' size 'input MB' 'dec GB/s' 'wall s' 'CPU s' 'MB/s' \
	'RSS MB' 'RSS/in' checksum same
printf '%-6s %9s %8s %8s %8s %8s %8s %7s\n' target '' '>= 1.00' '' '' '>= 250' '' '<= 1.00'
for size in "$@"; do
	n=$(bytes "$size")
	rm -rf "$work/in" "$work"/run.*
	dump=$("$gen" --synth "$n" "$work/in")
	sync # the generator's writeback must not compete with the timed runs
	in=$(input_bytes "$dump")
	i=0
	while [ "$i" -lt "$runs" ]; do
		"$decode" "$dump/FRAMEWORK" | awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "s:") print $i }' \
			>>"$work/run.dec"
		timed run -j 1 "$dump"
		i=$((i + 1))
	done
	awk -v size="$size" -v in_b="$in" -v dec="$(median "$work/run.dec")" -v wall="$(median "$work/run.wall")" \
		-v cpu="$(median "$work/run.cpu")" -v rss="$(median "$work/run.rss")" -v sum="$(same run)" 'BEGIN {
		# times too short to measure print as rate 0
		printf "%-6s %9.1f %8.2f %8.3f %8.3f %8.1f %8.1f %7.2f  %s\n", size, in_b / 1e6,
			(dec > 0 ? in_b / dec / 1e9 : 0), wall, cpu, (wall > 0 ? in_b / 1e6 / wall : 0), rss * 1024 / 1e6,
			rss * 1024 / in_b, sum
	}'
	rm -rf "$work/in"
done

pair_runs() {
	n=$(bytes "$pair")
	echo
	echo "two dumps of $pair (ranks 1 and 2) analysed together:"
	rm -rf "$work/in" "$work"/pair*.*
	d1=$("$gen" --synth "$n" "$work/in" 1)
	d2=$("$gen" --synth "$n" "$work/in" 2)
	sync
	in=$(input_bytes "$d1" "$d2")
	i=0
	while [ "$i" -lt "$runs" ]; do
		timed pair1 -j 1 "$d1" "$d2"
		timed pair2 -j 2 "$d1" "$d2"
		i=$((i + 1))
	done
	s1=$(sort -u "$work/pair1.sum") s2=$(sort -u "$work/pair2.sum")
	awk -v in_b="$in" -v w1="$(median "$work/pair1.wall")" -v w2="$(median "$work/pair2.wall")" \
		-v r1="$(median "$work/pair1.rss")" -v r2="$(median "$work/pair2.rss")" \
		-v same="$([ "$s1" = "$s2" ] && [ "$(echo "$s1" | wc -l)" = 1 ] && echo yes || echo NO)" 'BEGIN {
		printf "  input %.1f MB\n", in_b / 1e6
		if (w1 <= 0 || w2 <= 0) w1 = w2 = 1e-9 # too short to measure
		printf "  -j 1: %.3f s wall, %.1f MB/s, peak RSS %.1f MB\n", w1, in_b / 1e6 / w1, r1 * 1024 / 1e6
		printf "  -j 2: %.3f s wall, %.1f MB/s, peak RSS %.1f MB\n", w2, in_b / 1e6 / w2, r2 * 1024 / 1e6
		printf "  -j 2 / -j 1 rate: %.2f (target >= 1.8); same outputs in every run and both -j: %s\n", w1 / w2, same
	}'
	# the same ratio taken run by run (a -j 1 run and the -j 2 run after it), as drift in the
	# machine's speed moves both runs of a pair alike
	paste "$work/pair1.wall" "$work/pair2.wall" | awk '$2 > 0 { print $1 / $2 }' >"$work/pair.ratio"
	[ -s "$work/pair.ratio" ] && sort -g "$work/pair.ratio" | awk -v med="$(median "$work/pair.ratio")" '
		{ v[NR] = $1 } END { printf "  paired: median %.2f of %d pairs (range %.2f-%.2f)\n", med, NR, v[1], v[NR] }'
}
[ "$pair" = 0 ] || pair_runs

# all_bytes DUMP...: bytes of their FRAMEWORK files and PROF_* data slices (no side files)
all_bytes() {
	for d in "$@"; do
		for f in "$d"/FRAMEWORK/* "$d"/PROF_*/host/data/*slice_* "$d"/PROF_*/device_*/data/*slice_*; do
			case $f in *.done) continue ;; esac
			[ -f "$f" ] && wc -c <"$f"
		done
	done | awk '{ n += $1 } END { printf "%.0f\n", n }'
}

# CANN dumps: issue 10's targets (decode >= 1 GB/s per core; one rank >= 250 MB/s with -j 1; two
# ranks >= 500 MB/s with -j 2; peak RSS <= 1.5 x the largest rank's input).
prof_runs() {
	n=$(bytes "$prof")
	echo
	echo "CANN dumps of $prof (ap-gen --synth-prof; $runs runs each, medians):"
	rm -rf "$work/in" "$work"/prof*.*
	d1=$("$gen" --synth-prof "$n" "$work/in" 1)
	d2=$("$gen" --synth-prof "$n" "$work/in" 2)
	sync
	in1=$(all_bytes "$d1") in=$(all_bytes "$d1" "$d2")
	i=0
	while [ "$i" -lt "$runs" ]; do
		"$cdecode" "$d1"/PROF_* | awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "s:") print $i }' \
			>>"$work/prof.dec"
		"$cdecode" "$d1"/PROF_* | awk '{ print $2 }' >"$work/prof.decbytes"
		timed prof -j 1 "$d1"
		if [ -n "$base" ]; then
			tool=$base/tools/ascprof-analyse
			timed profbase -j 1 "$d1"
			tool=
		fi
		timed prof1 -j 1 "$d1" "$d2"
		timed prof2 -j 2 "$d1" "$d2"
		i=$((i + 1))
	done
	s1=$(sort -u "$work/prof1.sum") s2=$(sort -u "$work/prof2.sum")
	awk -v in1="$in1" -v in_b="$in" -v decb="$(cat "$work/prof.decbytes")" -v dec="$(median "$work/prof.dec")" \
		-v w="$(median "$work/prof.wall")" -v c="$(median "$work/prof.cpu")" -v r="$(median "$work/prof.rss")" \
		-v w1="$(median "$work/prof1.wall")" -v w2="$(median "$work/prof2.wall")" \
		-v r2="$(median "$work/prof2.rss")" -v sum="$(same prof)" \
		-v same="$([ "$s1" = "$s2" ] && [ "$(echo "$s1" | wc -l)" = 1 ] && echo yes || echo NO)" 'BEGIN {
		if (w <= 0 || w1 <= 0 || w2 <= 0) w = w1 = w2 = 1e-9 # too short to measure
		printf "  one rank: input %.1f MB (PROF slices %.1f MB, decoded at %.2f GB/s, target >= 1.00)\n",
			in1 / 1e6, decb / 1e6, (dec > 0 ? decb / dec / 1e9 : 0)
		printf "  -j 1: %.3f s wall, %.3f s CPU, %.1f MB/s (target >= 250), peak RSS %.1f MB = %.2f x input (target <= 1.5); checksum %s\n",
			w, c, in1 / 1e6 / w, r * 1024 / 1e6, r * 1024 / in1, sum
		printf "  two ranks, input %.1f MB: -j 1 %.3f s (%.1f MB/s), -j 2 %.3f s (%.1f MB/s, target >= 500), peak RSS %.1f MB; same outputs: %s\n",
			in_b / 1e6, w1, in_b / 1e6 / w1, w2, in_b / 1e6 / w2, r2 * 1024 / 1e6, same
	}'
	[ -z "$base" ] || awk -v w="$(median "$work/prof.wall")" -v b="$(median "$work/profbase.wall")" \
		-v c="$(median "$work/prof.cpu")" -v bc="$(median "$work/profbase.cpu")" -v dir="$base" 'BEGIN {
		printf "  -j 1 against %s: %.3f s wall, %.3f s CPU; ours / that: %.2f wall, %.2f CPU (target <= 1.5)\n",
			dir, b, bc, (b > 0 ? w / b : 0), (bc > 0 ? c / bc : 0)
	}'
	rm -rf "$work/in"
}
[ "$prof" = 0 ] || prof_runs

# Timeline tier (issue 12): bench-trace-view on --synth-prof dumps of 1, 4 and 16 times $tl.
tl_runs() {
	n=$(bytes "$tl")
	echo
	echo "timeline passes (bench-trace-view: dump loaded once; CPU s, medians of $runs):"
	printf '  %-5s %8s %9s %9s %9s %9s %9s %9s %9s %8s\n' scale 'dump MB' tasks 'trace MB' 'trace MB/s' \
		'overlap s' 'step s' 'comm s' 'bystep s' 'ns/task'
	printf '  %-5s %8s %9s %9s %9s %9s %9s %9s %9s %8s\n' target '' '' '' '>= 300' '' '' '' '' flat
	for k in 1 4 16; do
		rm -rf "$work/in"
		d=$("$gen" --synth-prof "$((n * k))" "$work/in" 1)
		sync
		in=$(all_bytes "$d")
		"$tlbench" "$d" "$runs" "$work" >"$work/tl.out"
		awk -v k="$k" -v in_b="$in" '
		/^trace:/ { bytes = $2; cpu = $5 }
		/^steps:/ { tasks = $2; ov = $11; st = $14; cm = $17; bs = $20; per = $26 }
		END {
			printf "  %-5s %8.1f %9d %9.1f %9.1f %9.4f %9.4f %9.4f %9.4f %8.1f\n", k "x", in_b / 1e6, tasks,
				bytes / 1e6, (cpu > 0 ? bytes / 1e6 / cpu : 0), ov, st, cm, bs, per
		}' "$work/tl.out"
	done
	rm -rf "$work/in"
}
[ "$tl" = 0 ] || tl_runs

if [ "$svc" != 0 ]; then
	echo
	AP_BENCH_RUNS=$runs sh "$(dirname "$0")/bench_svc.sh" "$build" "$svc"
fi

[ "$stress" != 0 ] || exit 0
# Corrupt input must cost no more than valid input: a 1 MB dump whose torch.op_range goes on
# with SIZE bytes of zeros (a collector that preallocated its file and died): every record of
# the tail is corrupt.
n=$(bytes "$stress")
echo
echo "stress cases ($runs runs each, medians):"
rm -rf "$work/in" "$work"/zero.* "$work"/deep.*
d=$("$gen" --synth 1000000 "$work/in")
head -c "$n" /dev/zero >>"$d/FRAMEWORK/torch.op_range"
sync
i=0 expect=1
while [ "$i" -lt "$runs" ]; do
	timed zero -j 1 "$d"
	i=$((i + 1))
done
expect=0
awk -v in_b="$n" -v wall="$(median "$work/zero.wall")" 'BEGIN {
	printf "  torch.op_range with a zero-filled tail of %.0f MB: %.3f s wall, %.1f MB/s of tail (target: >= the valid-data rate above)\n",
		in_b / 1e6, wall, (wall > 0 ? in_b / 1e6 / wall : 0)
}'
# Deep nesting: 40 000 nested ops and 40 000 allocations on their thread, each after the
# innermost op ended, so that memory attribution climbs the ancestors (quadratic if it walked).
rm -rf "$work/in"
awk 'BEGIN {
	# times as "17641512" followed by 11 digits: awk numbers are doubles (and %d 32-bit in mawk)
	n = 40000
	print "dump deep_ascend_pt"; print "syscnt 0"; print "end_info 1764151200001000000 100001000000"
	print "flags profile_memory"
	for (k = n - 1; k >= 0; k--)
		printf "op 17641512%011d 17641512%011d name=aten::op%d\n", k * 10, (2 * n - k) * 10, k % 7
	for (j = 0; j < n - 1; j++)
		printf "mem 17641512%011d ptr=%d size=512 alloc=%d reserved=1048576 dtype=malloc\n",
			(n + 1 + j) * 10 + 5, 65536 + j * 512, 512 * (j + 1)
}' >"$work/deep.txt"
"$gen" "$work/deep.txt" "$work/in" >/dev/null
i=0
while [ "$i" -lt "$runs" ]; do
	timed deep -j 1 "$work/in/deep_ascend_pt"
	i=$((i + 1))
done
awk -v wall="$(median "$work/deep.wall")" 'BEGIN {
	printf "  40000 nested ops x 40000 allocations: %.3f s wall (linear: well under a second)\n", wall
}'
