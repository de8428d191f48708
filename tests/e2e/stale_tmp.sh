#!/bin/sh
# End-to-end: ascprof's temporary output directories left by a killed run are removed by the next
# run, never a concurrent run's, never one that is not provably ascprof's (CONVENTIONS §8).
#
# usage: stale_tmp.sh BINDIR SRCROOT
#
# A run holds an exclusive flock on its temporary directory (.ascprof-<name>.XXXXXX) from before it
# writes the marker .ascprof-output there until the directory is in place. The cases build such
# directories exactly as a killed run leaves them (the marker, a half-written .tmp file) in a dump
# (in place) and in an -o DIR:
#   stale: nobody holds the lock: removed by the next run, which succeeds;
#   concurrent: the lock is held (flock(1) in the background, as a live run would): it survives,
#     and once its holder is gone the next run removes it;
#   not ours: no marker, or a name mkdtemp cannot have given: left alone.
# The rest of the dump is unchanged. Skips (exit 77) without flock(1).
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 77 skipped, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"

command -v flock >/dev/null 2>&1 || { echo "skip: no flock(1)"; exit 77; }

set -- "$src"/*_ascend_pt
name=$(basename "$1")
d=$tmp/in/$name
mkdir -p "$tmp/in" && cp -R "$src/$name" "$tmp/in/" || exit 99
find "$tmp/in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} + || exit 99

# killed_run DIR: a temporary directory as a run killed while writing leaves it.
killed_run() {
	mkdir "$1" && : >"$1/.ascprof-output" && echo '[{"name": "half' >"$1/trace_view.json.tmp" || exit 99
}
holder=""
sleeper=""
stop_holder() {
	# the background flock(1) and the sleep that inherited its lock (both started here)
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	holder="" sleeper=""
}
trap 'stop_holder; chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
# hold DIR: takes the lock on DIR in the background, as a live run does, and waits until held.
hold() {
	rm -f "$tmp/held"
	# shellcheck disable=SC2016 # $$ and $0 are the inner shell's
	flock -x -n "$1" sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec sleep 300' "$tmp/held" &
	holder=$!
	i=0
	while [ ! -s "$tmp/held" ] && [ "$i" -lt 100 ]; do
		kill -0 "$holder" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$tmp/held" ] || { echo "skip: flock(1) cannot lock a directory here"; exit 77; }
	sleeper=$(cat "$tmp/held")
}

# The reference outputs.
"$analyse" -q -o "$tmp/ref" "$d" || exit 99

check() { # description, condition result
	if [ "$2" = 0 ]; then ok "$1"; else fail "$1"; cat "$tmp/err"; fi
}

for mode in in_place o; do
	if [ "$mode" = in_place ]; then
		where=$d tmpname=.ascprof-ASCEND_PROFILER_OUTPUT set --
		outdir=$d/ASCEND_PROFILER_OUTPUT
	else
		where=$tmp/out tmpname=.ascprof-$name
		set -- -o "$tmp/out"
		outdir=$tmp/out/$name/ASCEND_PROFILER_OUTPUT
		mkdir -p "$where" || exit 99
	fi
	stale=$where/$tmpname.Ab3dE9
	live=$where/$tmpname.Zy8xW7
	nomarker=$where/$tmpname.Qq1Rr2
	oddname=$where/$tmpname.keep
	killed_run "$stale"
	killed_run "$live"
	killed_run "$oddname"
	mkdir "$nomarker" && echo x >"$nomarker/trace_view.json.tmp" || exit 99
	hold "$live"

	"$analyse" -q "$@" "$d" >"$tmp/out.txt" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 0 ]; check "$mode: the run succeeds (exit $rc)" $?
	[ ! -e "$stale" ]; check "$mode: a killed run's temporary directory is removed" $?
	[ -f "$live/.ascprof-output" ] && [ -f "$live/trace_view.json.tmp" ]
	check "$mode: a concurrent run's (locked) temporary directory survives" $?
	[ -f "$nomarker/trace_view.json.tmp" ]; check "$mode: one without the marker is left alone" $?
	[ -f "$oddname/.ascprof-output" ]; check "$mode: one whose name mkdtemp cannot have given is left alone" $?
	diff -r -x .ascprof-output "$tmp/ref/$name/ASCEND_PROFILER_OUTPUT" "$outdir" >/dev/null
	check "$mode: the outputs are complete" $?

	stop_holder
	"$analyse" -q "$@" "$d" >"$tmp/out.txt" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 0 ] && [ ! -e "$live" ] && [ -e "$nomarker" ] && [ -e "$oddname" ]
	check "$mode: once its owner is gone, the next run removes it" $?
	rm -rf "$nomarker" "$oddname"
done

# Nothing else in the dump was touched.
(cd "$src/$name" && find . -type f | LC_ALL=C sort | xargs sha256sum) >"$tmp/sum.src"
(cd "$d" && find . -name ASCEND_PROFILER_OUTPUT -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum) >"$tmp/sum.in"
cmp -s "$tmp/sum.src" "$tmp/sum.in"; check "the dump's own files are unchanged" $?

finish
