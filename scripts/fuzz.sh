#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz/ with clang (-fsanitize=fuzzer,address,undefined) and runs
# each for a bounded time, starting from its seed corpus testdata/fuzz/<target>/ (CONVENTIONS §9).
# Inputs found along the way go to a work corpus under the build dir, not into the repository; any
# crash, leak, timeout or OOM reproducer is copied into testdata/fuzz/<target>/ so that `meson test`
# replays it from then on, and the script exits 1.
#
# usage: scripts/fuzz.sh [-t SECONDS] [-b BUILD_DIR] [-k] [TARGET...]
#   -t SECONDS   time per target (default 60, or $FUZZ_TIME)
#   -b DIR       where to build and keep work corpora (default build-fuzz)
#   -k           keep going after a finding (libFuzzer -fork=1 -ignore_crashes=1): every distinct
#                reproducer is collected instead of stopping at the first
#   TARGET       fwk_record, fwk_load, profiler_info, analyse, csv_in, cann_host, cann_record, cann_dev,
#                cann_prof, svc_attr, svc_build, cann_export (default: all)
# Environment: CC (default clang), FUZZ_FLAGS (extra libFuzzer flags), UBSAN_OPTIONS / ASAN_OPTIONS
# (appended to the defaults below, e.g. UBSAN_OPTIONS=suppressions=FILE to look past a known bug).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
time=${FUZZ_TIME:-60}
build=$root/build-fuzz
keep=0
while getopts t:b:kh opt; do
	case $opt in
	t) time=$OPTARG ;;
	b) build=$OPTARG ;;
	k) keep=1 ;;
	h) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: $0 [-t SECONDS] [-b BUILD_DIR] [-k] [TARGET...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
targets=${*:-fwk_record fwk_load profiler_info analyse csv_in cann_host cann_record cann_dev cann_prof svc_attr svc_build cann_export}
case $time in '' | *[!0-9]*) echo "fuzz.sh: -t wants whole seconds, got '$time'" >&2; exit 2 ;; esac

cc=${CC:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz.sh: $cc not found (apt-get install -y clang)" >&2
	exit 1
fi

# The -Dfuzzing=true meson build: every library object instrumented for coverage
# (-fsanitize=fuzzer-no-link), the fuzz-<target> executables linked with libFuzzer.
if [ ! -f "$build/build.ninja" ]; then
	CC=$cc meson setup "$build" "$root" -Dfuzzing=true -Dopenmp=disabled --buildtype=debugoptimized \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
meson compile -C "$build" >/dev/null

found=0
for t in $targets; do
	exe=$build/tests/fuzz-$(echo "$t" | tr _ -)
	seeds=$root/testdata/fuzz/$t
	[ -x "$exe" ] || { echo "fuzz.sh: no target '$t' ($exe)" >&2; exit 2; }
	mkdir -p "$seeds" "$build/corpus/$t" "$build/artifacts/$t"

	extra=""
	[ "$keep" = 1 ] && extra="-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1"
	echo "== fuzz_$t: ${time}s, seeds $seeds" >&2
	log=$build/fuzz_$t.log
	set +e
	# shellcheck disable=SC2086
	UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
	ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
	"$exe" -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$t/" $extra ${FUZZ_FLAGS:-} \
		"$build/corpus/$t" "$seeds" >"$log" 2>&1
	rc=$?
	set -e
	# executions: "Done N runs" (plain mode) or the last "#N: cov" status line (fork mode)
	grep -E '^Done [0-9]+ runs|^#[0-9]+: cov' "$log" | tail -1 >&2 || true
	n=0
	for a in "$build/artifacts/$t"/crash-* "$build/artifacts/$t"/leak-* \
		 "$build/artifacts/$t"/timeout-* "$build/artifacts/$t"/oom-*; do
		[ -f "$a" ] || continue
		n=$((n + 1))
		dup=""
		for s in "$seeds"/*; do
			if cmp -s "$a" "$s"; then dup=$s; break; fi
		done
		if [ -n "$dup" ]; then
			echo "fuzz_$t: finding $(basename "$a") is already in the corpus as $(basename "$dup")" >&2
		else
			cp "$a" "$seeds/"
			echo "fuzz_$t: finding $(basename "$a") copied to testdata/fuzz/$t/" >&2
		fi
	done
	if [ "$n" -gt 0 ] || [ "$rc" -ne 0 ]; then
		grep -E 'ERROR: |runtime error: |invariant failed|SUMMARY: ' "$log" | sort -u | head -20 >&2 || true
		echo "fuzz_$t: exit $rc, $n reproducer(s); log: $log" >&2
		found=1
	fi
	# Reproducers are copied; keep the artifacts dir for the next run clean.
	rm -f "$build/artifacts/$t"/crash-* "$build/artifacts/$t"/leak-* \
	      "$build/artifacts/$t"/timeout-* "$build/artifacts/$t"/oom-*
done
exit $found
