#!/bin/sh
# End-to-end: a FRAMEWORK that is a dangling or looping symbolic link (or a file) is an unreadable
# directory (CONVENTIONS §4: data loss, exit 1), named with the system error, not "no torch_npu
# dump found".
#
# usage: framework_link.sh BINDIR SRCROOT
#
# On copies of testdata/vllm_profile's first dump: FRAMEWORK replaced by a dangling link, by a
# link to itself, by a regular file. Given directly and found under a parent beside a good dump:
# exit 1, exactly the one message naming the path and the error, no output for it, the good dump
# still written. With a PROF_* directory beside it the dump is still written (data loss).
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
P=ascprof-analyse

set -- "$src"/*_ascend_pt
good_src=$1 other_src=$2
name=$(basename "$good_src")

# case NAME HOW WANT_ERROR: a copy of the first dump with FRAMEWORK made broken by HOW.
case_n=0
check_case() {
	label=$1 how=$2 reason=$3
	case_n=$((case_n + 1))
	p=$tmp/c$case_n
	mkdir -p "$p" && cp -R "$good_src" "$p/" && cp -R "$other_src" "$p/" || exit 99
	find "$p" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} + || exit 99
	d=$p/$name
	# without its PROF_* data first: then FRAMEWORK is all there is to analyse
	rm -rf "$d/FRAMEWORK" "$d"/PROF_* || exit 99
	case $how in
	dangling) ln -s nowhere "$d/FRAMEWORK" ;;
	loop) ln -s FRAMEWORK "$d/FRAMEWORK" ;;
	file) echo x >"$d/FRAMEWORK" ;;
	esac
	want="$P: '$d': cannot read directory '$d/FRAMEWORK': $reason"

	"$analyse" -o "$p/out1" "$d" >"$p/1.out" 2>"$p/1.err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(errs "$p/1.err")" = "$want" ] && [ ! -s "$p/1.out" ] &&
		[ ! -e "$p/out1/$name" ]; then
		ok "$label, given directly: exit 1, path and error named, no output"
	else
		fail "$label, given directly (exit $rc)"
		echo "  want: $want"
		sed 's/^/  got:  /' "$p/1.err"
	fi

	"$analyse" -o "$p/out2" "$p" >"$p/2.out" 2>"$p/2.err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(errs "$p/2.err")" = "$want" ] && [ ! -e "$p/out2/$name" ] &&
		[ -f "$p/out2/$(basename "$other_src")/ASCEND_PROFILER_OUTPUT/trace_view.json" ]; then
		ok "$label, found under the parent: exit 1, named, the other dump written"
	else
		fail "$label, found under the parent (exit $rc)"
		echo "  want: $want"
		sed 's/^/  got:  /' "$p/2.err"
	fi

	# With PROF_* data the dump still has something to analyse: data loss, outputs written.
	mkdir -p "$d/PROF_000001_20251126100000000_ABCDEF/device_0" || exit 99
	"$analyse" -o "$p/out3" "$d" >"$p/3.out" 2>"$p/3.err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(errs "$p/3.err")" = "$want" ] &&
		[ -f "$p/out3/$name/ASCEND_PROFILER_OUTPUT/analyse.done" ]; then
		ok "$label, beside PROF_* data: data loss, exit 1, outputs written"
	else
		fail "$label, beside PROF_* data (exit $rc)"
		echo "  want: $want"
		sed 's/^/  got:  /' "$p/3.err"
	fi
}

check_case "FRAMEWORK a dangling link" dangling "No such file or directory"
check_case "FRAMEWORK a link to itself" loop "Too many levels of symbolic links"
check_case "FRAMEWORK a regular file" file "Not a directory"

finish
