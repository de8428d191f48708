#!/bin/sh
# End-to-end: analysing in place changes nothing in a dump but its ASCEND_PROFILER_OUTPUT/ (CONVENTIONS §8).
#
# usage: input_unchanged.sh BINDIR SRCROOT
#
# Copies testdata/vllm_profile (without any outputs) to a temporary directory, records the type, mode
# and sha256 of every entry outside the ASCEND_PROFILER_OUTPUT/ directories, analyses the copy in place
# twice (the second run must replace the first output whole), and checks that those entries are
# unchanged, that no temporary directory (.ascprof-*) is left anywhere, and that both runs wrote the
# same bytes; then that -j1 and -j2 write byte-identical outputs. Prints "N passed, N failed".
# Exit 0 all passed, 1 a check failed, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"

check() { # name command...
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

# Every entry outside the output directories: type, mode, path (and sha256 for files), sorted.
snapshot() {
	(cd "$1" && find . -name ASCEND_PROFILER_OUTPUT -prune -o -printf '%y %m %p\n' | LC_ALL=C sort) >"$2.list"
	(cd "$1" && find . -name ASCEND_PROFILER_OUTPUT -prune -o -type f -print | LC_ALL=C sort |
		while IFS= read -r f; do sha256sum "$f"; done) >"$2.sha"
}

same_snapshot() { cmp -s "$1.list" "$2.list" && cmp -s "$1.sha" "$2.sha"; }

no_temp_dirs() { [ -z "$(find "$1" -name '.ascprof-*' ! -name .ascprof-output -print)" ]; }

# Both dumps have an output directory with the marker and analyse.done.
outputs_present() {
	for d in "$1"/*_ascend_pt; do
		[ -f "$d/ASCEND_PROFILER_OUTPUT/.ascprof-output" ] && [ -f "$d/ASCEND_PROFILER_OUTPUT/analyse.done" ] &&
			[ -s "$d/ASCEND_PROFILER_OUTPUT/trace_view.json" ] || return 1
	done
}

# The output directories of tree $1, copied to $2 (for comparing runs).
keep_outputs() {
	mkdir -p "$2"
	for d in "$1"/*_ascend_pt; do cp -R "$d/ASCEND_PROFILER_OUTPUT" "$2/$(basename "$d")"; done
}

run() { # log args...
	log=$1
	shift
	"$analyse" "$@" >"$log.out" 2>"$log.err"
	echo $? >"$log.rc"
}

no_stale() { ! ls "$1"/*_ascend_pt/ASCEND_PROFILER_OUTPUT/stale.txt >/dev/null 2>&1; }

# The in-place outputs of tree $1 equal the -o outputs under $2.
same_as_in_place() {
	for d in "$1"/*_ascend_pt; do
		diff -r -x .ascprof-output "$d/ASCEND_PROFILER_OUTPUT" "$2/$(basename "$d")/ASCEND_PROFILER_OUTPUT" || return 1
	done
}

rc_is() { [ "$(cat "$1.rc")" = "$2" ] || { cat "$1.err"; false; }; }

in=$tmp/vllm_profile
cp -R "$src" "$in" || exit 99
find "$in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} + || exit 99
[ -n "$(ls -d "$in"/*_ascend_pt 2>/dev/null)" ] || { echo "$0: no dump in $src" >&2; exit 99; }
snapshot "$in" "$tmp/before"

run "$tmp/run1" "$in"
check "first in-place run exits 0" rc_is "$tmp/run1" 0
check "first run: stderr empty but for PROF_* notes" test -z "$(errs "$tmp/run1.err")"
check "first run: every dump has its outputs" outputs_present "$in"
snapshot "$in" "$tmp/after1"
check "first run: file list and checksums identical" same_snapshot "$tmp/before" "$tmp/after1"
check "first run: no .ascprof-* temporary directory left" no_temp_dirs "$tmp"
keep_outputs "$in" "$tmp/out1"

# Something the second run must remove: it replaces the output directory whole.
for d in "$in"/*_ascend_pt; do echo stale >"$d/ASCEND_PROFILER_OUTPUT/stale.txt"; done
run "$tmp/run2" "$in"
check "second in-place run exits 0" rc_is "$tmp/run2" 0
check "second run: stdout names the same output directories" cmp -s "$tmp/run1.out" "$tmp/run2.out"
check "second run: the first output was replaced whole" no_stale "$in"
snapshot "$in" "$tmp/after2"
check "second run: file list and checksums identical" same_snapshot "$tmp/before" "$tmp/after2"
check "second run: no .ascprof-* temporary directory left" no_temp_dirs "$tmp"
keep_outputs "$in" "$tmp/out2"
check "second run: outputs byte-identical to the first" diff -r "$tmp/out1" "$tmp/out2"

# -j1 and -j2, with -o, from the pristine copy: byte-identical, and again nothing changed in the input.
run "$tmp/j1" -j 1 -o "$tmp/j1.d" "$in"
run "$tmp/j2" -j 2 -o "$tmp/j2.d" "$in"
check "-j1 exits 0" rc_is "$tmp/j1" 0
check "-j2 exits 0" rc_is "$tmp/j2" 0
check "-j1 and -j2 outputs byte-identical" diff -r "$tmp/j1.d" "$tmp/j2.d"
sed "s|$tmp/j1.d|DIR|" "$tmp/j1.out" >"$tmp/j1.norm"
sed "s|$tmp/j2.d|DIR|" "$tmp/j2.out" >"$tmp/j2.norm"
check "-j1 and -j2 stdout identical (up to the output root)" cmp -s "$tmp/j1.norm" "$tmp/j2.norm"
check "-o outputs byte-identical to the in-place outputs" same_as_in_place "$in" "$tmp/j1.d"
snapshot "$in" "$tmp/after3"
check "-o runs: file list and checksums identical" same_snapshot "$tmp/before" "$tmp/after3"
check "-o runs: no .ascprof-* temporary directory left" no_temp_dirs "$tmp"

finish
