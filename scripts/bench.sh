#!/bin/sh
# Benchmark (not a test): generates a large FRAMEWORK dump (op_range + op_mark records) and
# times the decode alone and the whole FWK-only analyse on one core.
# Targets (issue 6): decode >= 1 GB/s per core; analyse >= 200 MB/s of input per core;
# peak RSS <= 1.5 x input.
# usage: bench.sh AP_GEN ASCPROF_ANALYSE BENCH_DECODE [BYTES]   (BYTES default 1e9)
set -eu
gen=$1 analyse=$2 decode=$3 bytes=${4:-1000000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/ap_bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$gen" --synth "$bytes" "$work/in" >/dev/null
dump=$(echo "$work"/in/*_ascend_pt)
input=$(du -cb "$dump"/FRAMEWORK/* | tail -1 | cut -f1)
"$decode" "$dump/FRAMEWORK"
/usr/bin/time -f '%e %M' -o "$work/time" "$analyse" -q -j 1 -o "$work/out" "$dump"
read -r wall rss_kb <"$work/time"
output=$(du -cb "$work/out"/*/ASCEND_PROFILER_OUTPUT/* | tail -1 | cut -f1)
awk -v in_b="$input" -v out_b="$output" -v wall="$wall" -v rss="$rss_kb" 'BEGIN {
	printf "analyse -j1: %.0f MB in, %.0f MB out, %.2f s wall: %.0f MB/s of input\n",
		in_b / 1e6, out_b / 1e6, wall, in_b / 1e6 / wall
	printf "peak RSS: %.0f MB = %.2f x input\n", rss * 1024 / 1e6, rss * 1024 / in_b
}'
