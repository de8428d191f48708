#!/bin/sh
# End-to-end: an output that cannot be written (here: a file size limit, as a full disk would do)
# fails its dump with a message naming the final path of the file, never the temporary directory
# or a .tmp file (CONVENTIONS §7, §8), and leaves no temporary directory and no partial output.
#
# usage: output_failure.sh BINDIR SRCROOT
#
# The analyser runs with RLIMIT_FSIZE (ulimit -f 16: 8 or 16 KiB) and SIGXFSZ ignored, so that
# writing trace_view.json (25 KB) fails with EFBIG. Cases: in place, in place over an earlier
# output (which must survive intact), and with -o.
# With -o, DIR/<dump>/ (ASCEND_PROFILER_OUTPUT/ and the copied profiler_info*.json and
# profiler_metadata.json) appears complete or not at all: after a failure (the size limit, or a
# side file that cannot be copied: a FIFO as profiler_metadata.json) there is no DIR/<dump>/, or
# the earlier one is intact. A later successful run replaces an earlier DIR/<dump>/ whole, also one
# in the layout of earlier versions (no marker of its own); one that ascprof did not write is left
# alone, even with --force.
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 77 skipped, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
P=ascprof-analyse

set -- "$src"/*_ascend_pt
name=$(basename "$1")
fresh() { # a pristine copy of the first dump under $tmp/$1; prints its path
	mkdir -p "$tmp/$1" && cp -R "$src/$name" "$tmp/$1/" || exit 99
	find "$tmp/$1" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} + || exit 99
	echo "$tmp/$1/$name"
}
limited() { # runs the analyser with a 16-block file size limit; stderr to $tmp/err
	(trap '' XFSZ && ulimit -f 16 && exec "$analyse" "$@") >"$tmp/out" 2>"$tmp/err"
}
# The limit must make a 25 KB write fail and allow a small one.
if ! (trap '' XFSZ && ulimit -f 16 && head -c 1000 /dev/zero >"$tmp/small") 2>/dev/null ||
	(trap '' XFSZ && ulimit -f 16 && head -c 30000 /dev/zero >"$tmp/big") 2>/dev/null; then
	echo "skip: ulimit -f cannot limit file sizes here"
	exit 77
fi
rm -f "$tmp/small" "$tmp/big"

# verdict NAME WANT_STDERR: exit 1, exactly that stderr line, no temporary name in it.
verdict() {
	label=$1 want=$2
	why=""
	[ "$rc" = 1 ] || why="$why exit $rc (want 1);"
	[ "$(cat "$tmp/err")" = "$want" ] || why="$why stderr differs;"
	! grep -q -e '\.ascprof-' -e '\.tmp' "$tmp/err" || why="$why stderr names a temporary path;"
	[ -z "$(find "$tmp" -name '.ascprof-*' ! -name .ascprof-output -print)" ] || why="$why a .ascprof-* directory was left;"
	[ -z "$(find "$tmp" -name '*.tmp' -print)" ] || why="$why a .tmp file was left;"
	[ -z "$extra" ] || why="$why$extra"
	if [ -z "$why" ]; then
		ok "$label"
	else
		fail "$label:$why"
		echo "  want stderr: $want"
		sed 's/^/  got stderr:  /' "$tmp/err"
	fi
}

d=$(fresh a)
limited "$d"
rc=$? extra=""
[ ! -e "$d/ASCEND_PROFILER_OUTPUT" ] || extra=" an output directory was left;"
verdict "in place: the final path named, nothing left" \
	"$P: '$d': cannot write '$d/ASCEND_PROFILER_OUTPUT/trace_view.json': File too large"

d=$(fresh b)
"$analyse" -q "$d" || exit 99
cp -R "$d/ASCEND_PROFILER_OUTPUT" "$tmp/b.kept" || exit 99
limited "$d"
rc=$? extra=""
diff -r "$tmp/b.kept" "$d/ASCEND_PROFILER_OUTPUT" >/dev/null || extra=" the earlier output changed;"
verdict "in place over an earlier output: the final path named, the earlier output intact" \
	"$P: '$d': cannot write '$d/ASCEND_PROFILER_OUTPUT/trace_view.json': File too large"

d=$(fresh c)
limited -o "$tmp/c.out" "$d"
rc=$? extra=""
[ ! -e "$tmp/c.out/$name" ] || extra=" $tmp/c.out/$name was left: $(find "$tmp/c.out/$name" -mindepth 1 -printf '%P ');"
verdict "-o: the final path named, no DIR/<dump>/ left" \
	"$P: '$d': cannot write '$tmp/c.out/$name/ASCEND_PROFILER_OUTPUT/trace_view.json': File too large"

# A side file that cannot be copied fails the dump: nothing of DIR/<dump>/ is left.
d=$(fresh e)
rm "$d/profiler_metadata.json" && mkfifo "$d/profiler_metadata.json" || exit 99
timeout 60 "$analyse" -o "$tmp/e.out" "$d" >"$tmp/out" 2>"$tmp/err"
rc=$? extra=""
[ ! -e "$tmp/e.out/$name" ] || extra=" $tmp/e.out/$name was left: $(find "$tmp/e.out/$name" -mindepth 1 -printf '%P ');"
rm "$d/profiler_metadata.json"
verdict "-o, a side file that cannot be copied: no DIR/<dump>/ left" \
	"$P: '$d': cannot read '$d/profiler_metadata.json': not a regular file"

# Over an earlier output: a failed run leaves it intact, a good one replaces it whole.
d=$(fresh f)
"$analyse" -q -o "$tmp/f.out" "$d" || exit 99
echo stale >"$tmp/f.out/$name/stale.txt" || exit 99
cp -R "$tmp/f.out" "$tmp/f.kept" || exit 99
limited -o "$tmp/f.out" "$d"
rc=$? extra=""
diff -r "$tmp/f.kept" "$tmp/f.out" >/dev/null || extra=" the earlier DIR/<dump>/ changed;"
verdict "-o over an earlier output: the earlier DIR/<dump>/ intact" \
	"$P: '$d': cannot write '$tmp/f.out/$name/ASCEND_PROFILER_OUTPUT/trace_view.json': File too large"
"$analyse" -q -o "$tmp/f.out" "$d"
rc=$?
"$analyse" -q -o "$tmp/f.ref" "$d" || exit 99
if [ "$rc" = 0 ] && [ ! -e "$tmp/f.out/$name/stale.txt" ] && diff -r "$tmp/f.ref" "$tmp/f.out" >/dev/null; then
	ok "-o over an earlier output: replaced whole"
else
	fail "-o over an earlier output: replaced whole (exit $rc)"
fi

# The layout of earlier versions: DIR/<dump>/ without a marker of its own, holding only the marked
# ASCEND_PROFILER_OUTPUT/ and the side files. It is ascprof's, so it is replaced.
rm "$tmp/f.out/$name/.ascprof-output" && echo old >"$tmp/f.out/$name/ASCEND_PROFILER_OUTPUT/old.txt" || exit 99
"$analyse" -q -o "$tmp/f.out" "$d"
rc=$?
if [ "$rc" = 0 ] && diff -r "$tmp/f.ref" "$tmp/f.out" >/dev/null; then
	ok "-o over an output of an earlier version: replaced"
else
	fail "-o over an output of an earlier version: replaced (exit $rc)"
fi

# A DIR/<dump>/ that ascprof did not write is left alone, --force or not.
for force in "" --force; do
	mkdir -p "$tmp/g.out/$name" && echo mine >"$tmp/g.out/$name/notes.txt" || exit 99
	cp -R "$tmp/g.out" "$tmp/g.kept$force" || exit 99
	"$analyse" $force -o "$tmp/g.out" "$d" >"$tmp/out" 2>"$tmp/err"
	rc=$? extra=""
	diff -r "$tmp/g.kept$force" "$tmp/g.out" >/dev/null || extra=" it changed;"
	verdict "-o${force:+ $force}: a DIR/<dump>/ that ascprof did not write is left alone" \
		"$P: '$d': '$tmp/g.out/$name' was not written by ascprof and is left alone; write elsewhere with -o DIR"
done

# trace_view.json and operator_details.csv both over the limit (ulimit -f 4), written side by side
# (-j 4: the trace is a task beside the host CSVs): the failure reported is the trace's, as in the
# serial order, and nothing is left.
d=$(fresh h)
(trap '' XFSZ && ulimit -f 4 && exec "$analyse" -j 4 "$d") >"$tmp/out" 2>"$tmp/err"
rc=$? extra=""
[ ! -e "$d/ASCEND_PROFILER_OUTPUT" ] || extra=" an output directory was left;"
verdict "two outputs over the limit, written side by side: the trace's failure reported" \
	"$P: '$d': cannot write '$d/ASCEND_PROFILER_OUTPUT/trace_view.json': File too large"

# The same for two dumps side by side (-j 2: one thread each, so each dump's trace is a task of
# the shared team, which either thread may run): each reports its trace's failure, in input
# order, and nothing is left of either.
d=$(fresh i)
d2=$(fresh j)
(trap '' XFSZ && ulimit -f 4 && exec "$analyse" -j 2 "$d" "$d2") >"$tmp/out" 2>"$tmp/err"
rc=$? extra=""
[ ! -e "$d/ASCEND_PROFILER_OUTPUT" ] && [ ! -e "$d2/ASCEND_PROFILER_OUTPUT" ] ||
	extra=" an output directory was left;"
verdict "two dumps side by side, outputs over the limit: each reports its trace's failure" \
	"$P: '$d': cannot write '$d/ASCEND_PROFILER_OUTPUT/trace_view.json': File too large
$P: '$d2': cannot write '$d2/ASCEND_PROFILER_OUTPUT/trace_view.json': File too large"

finish
