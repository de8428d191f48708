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
verdict "-o: the final path named" \
	"$P: '$d': cannot write '$tmp/c.out/$name/ASCEND_PROFILER_OUTPUT/trace_view.json': File too large"

finish
