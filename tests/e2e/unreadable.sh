#!/bin/sh
# End-to-end: unreadable inputs (CONVENTIONS §4: an unreadable file or directory is data loss, exit 1,
# named on stderr; the other dumps are still analysed and written).
#
# usage: unreadable.sh BINDIR SRCROOT
#
# On a copy of testdata/vllm_profile (dumps A and B), one thing in A at a time is made unreadable with
# chmod 000: a FRAMEWORK file, A's FRAMEWORK/ directory, A's profiler_info_0.json, the dump directory A
# itself (found under the parent, and given directly). The analyser runs as an unprivileged user: as
# root (CI) through `setpriv --reuid=65534 --regid=65534 --clear-groups`, which drops root's right to
# read anything; as any other user directly. Last, a dump the user cannot write, analysed in place.
# Skips (exit 77) when that is impossible: running as root without setpriv, the build not executable
# by uid 65534, or the user can still read a chmod 000 file.
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 77 skipped, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
P=ascprof-analyse

if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || { echo "skip: running as root and no setpriv"; exit 77; }
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	chmod 755 "$tmp" || exit 99
else
	as_user() { "$@"; }
fi

# Can the user run the analyser, and is chmod 000 effective for it?
echo probe >"$tmp/probe" && chmod 000 "$tmp/probe" || exit 99
if ! as_user "$analyse" --version >/dev/null 2>&1; then
	echo "skip: $analyse cannot be run as an unprivileged user (uid 65534)"
	exit 77
fi
if as_user cat "$tmp/probe" >/dev/null 2>&1; then
	echo "skip: the unprivileged user can still read a chmod 000 file"
	exit 77
fi
rm -f "$tmp/probe"

in=$tmp/in
cp -R "$src" "$in" || exit 99
find "$in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} + || exit 99
chmod -R a+rX "$in" || exit 99
set -- "$in"/*_ascend_pt
if [ $# -lt 2 ] || [ ! -d "$1" ]; then echo "$0: need two dumps in $src" >&2; exit 99; fi
a=$1 b=$2
name_a=$(basename "$a") name_b=$(basename "$b")

# Reference outputs of both dumps, everything readable.
mkdir -m 777 "$tmp/ref" "$tmp/out" || exit 99
as_user "$analyse" -o "$tmp/ref" "$in" >/dev/null 2>"$tmp/ref.err" ||
	{ echo "$0: the reference run failed:" >&2; cat "$tmp/ref.err" >&2; exit 99; }

n=0
# unreadable NAME CHMOD_PATH WANT_STDERR_LINE A_OUTPUT(yes|no) OPERAND...
# chmod 000 CHMOD_PATH, run as the user with -o, restore; expect exit 1, one stderr line matching the
# pattern WANT_STDERR_LINE (* is a wildcard), B's outputs equal to the reference, A's output present (written from what decoded) or absent.
unreadable() {
	name=$1 target=$2 want=$3 a_out=$4
	shift 4
	n=$((n + 1))
	out=$tmp/out/$n
	mkdir -m 777 "$out"
	chmod 000 "$target"
	as_user "$analyse" -o "$out" "$@" >"$out.stdout" 2>"$out.stderr"
	rc=$?
	chmod u+rwX,go+rX "$target"
	why=""
	[ "$rc" = 1 ] || why="$why exit $rc (want 1);"
	# shellcheck disable=SC2254
	case $(errs "$out.stderr") in $want) ;; *) why="$why stderr differs;" ;; esac
	[ "$(errs "$out.stderr" | wc -l)" = 1 ] || why="$why not one stderr line;"
	if [ -n "$b_too" ]; then
		diff -r "$tmp/ref/$name_b" "$out/$name_b" >/dev/null 2>&1 || why="$why the other dump's outputs differ from the reference;"
	fi
	if [ "$a_out" = yes ]; then
		[ -f "$out/$name_a/ASCEND_PROFILER_OUTPUT/analyse.done" ] &&
			[ -f "$out/$name_a/ASCEND_PROFILER_OUTPUT/.ascprof-output" ] ||
			why="$why no complete output for the dump with the unreadable file;"
		if command -v python3 >/dev/null 2>&1 &&
			! python3 -m json.tool "$out/$name_a/ASCEND_PROFILER_OUTPUT/trace_view.json" >/dev/null 2>&1; then
			why="$why its trace_view.json is not valid JSON;"
		fi
	else
		[ ! -e "$out/$name_a" ] || why="$why an output was written for the unreadable dump;"
	fi
	[ -z "$(find "$tmp" -name '.ascprof-*' ! -name .ascprof-output -print)" ] || why="$why a .ascprof-* directory was left;"
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok: $name"
	else
		failed=$((failed + 1))
		echo "FAIL: $name:$why"
		echo "  want stderr: $want"
		sed 's/^/  got stderr:  /' "$out.stderr"
	fi
}

b_too=1
unreadable "unreadable FRAMEWORK file" "$a/FRAMEWORK/torch.op_range" \
	"$P: '$a': 'FRAMEWORK/torch.op_range': cannot open '$a/FRAMEWORK/torch.op_range': Permission denied" \
	yes "$in"
unreadable "unreadable FRAMEWORK/ directory" "$a/FRAMEWORK" \
	"$P: '$a': cannot read directory '$a/FRAMEWORK': Permission denied" \
	no "$in"
unreadable "unreadable profiler_info_0.json" "$a/profiler_info_0.json" \
	"$P: '$a': cannot open '$a/profiler_info_0.json': Permission denied" \
	no "$in"
# (the message's wording is not fixed yet: any one line naming the dump and the reason)
unreadable "unreadable dump directory, found under its parent" "$a" \
	"$P: *'$a'*Permission denied" \
	no "$in"
unreadable "unreadable dump directory, given directly with a readable one" "$a" \
	"$P: cannot read directory '$a': Permission denied" \
	no "$a" "$b"

# A dump the user may read but not write, analysed in place: that dump fails (no output, nothing left
# behind), the other one is written in place.
chmod 777 "$b" && chmod 555 "$a" || exit 99
as_user "$analyse" "$in" >"$tmp/ro.stdout" 2>"$tmp/ro.stderr"
rc=$?
chmod 755 "$a" "$b"
why=""
[ "$rc" = 1 ] || why="$why exit $rc (want 1);"
want="$P: '$a': cannot create a directory in '$a': Permission denied"
[ "$(errs "$tmp/ro.stderr")" = "$want" ] || why="$why stderr differs;"
[ "$(cat "$tmp/ro.stdout")" = "$b/ASCEND_PROFILER_OUTPUT" ] || why="$why stdout differs;"
[ ! -e "$a/ASCEND_PROFILER_OUTPUT" ] || why="$why an output was written for the read-only dump;"
diff -r -x .ascprof-output "$tmp/ref/$name_b/ASCEND_PROFILER_OUTPUT" "$b/ASCEND_PROFILER_OUTPUT" >/dev/null 2>&1 ||
	why="$why the other dump's in-place outputs differ from the reference;"
[ -z "$(find "$tmp" -name '.ascprof-*' ! -name .ascprof-output -print)" ] || why="$why a .ascprof-* directory was left;"
if [ -z "$why" ]; then
	passed=$((passed + 1))
	echo "ok: read-only dump analysed in place"
else
	failed=$((failed + 1))
	echo "FAIL: read-only dump analysed in place:$why"
	echo "  want stderr: $want"
	sed 's/^/  got stderr:  /' "$tmp/ro.stderr"
fi

finish
