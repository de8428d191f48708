#!/bin/sh
# End-to-end: corrupt data is reported once per file with a count and costs no more than clean
# data; out of memory names the file it happened in.
# usage: corrupt_data.sh BINDIR SRCROOT
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
cp -R "$src" "$tmp/in" || exit 99
find "$tmp/in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} +
set -- "$tmp"/in/*_ascend_pt
a=$1
"$analyse" -q -o "$tmp/clean" "$a" >/dev/null 2>&1 || exit 99
check() { # description, condition result
	if [ "$2" = 0 ]; then ok "$1"; else fail "$1"; cat "$tmp/stderr"; fi
}

# A zero-filled tail (a collector that preallocated and died): 100 records of length 0.
f=$a/FRAMEWORK/torch.op_range
size=$(wc -c <"$f")
head -c 600 /dev/zero >>"$f"
"$analyse" -o "$tmp/tail" "$a" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ "$rc" = 1 ]; check "zero tail: exit 1 (rc $rc)" $?
grep -qx "ascprof-analyse: '$a': 'FRAMEWORK/torch.op_range': record at offset $size: op_range record of 0 bytes is shorter than its 58-byte fixed part; record skipped (and 99 more like it)" "$tmp/stderr"
check "zero tail: the first corrupt record described, the other 99 counted" $?
[ "$(wc -l <"$tmp/stderr")" = 1 ]; check "zero tail: one message" $?
diff -r "$tmp/clean" "$tmp/tail" >/dev/null
check "zero tail: every output as without the tail" $?
truncate -s "$size" "$f" || exit 99

# Zero-filled tails of the fixed-size files: space a collector reserved but never wrote.
py=$a/FRAMEWORK/torch.python_tracer_func gc=$a/FRAMEWORK/torch.gc_record
py_size=$(wc -c <"$py") gc_size=$(wc -c <"$gc")
head -c 330 /dev/zero >>"$py"
head -c 240 /dev/zero >>"$gc"
"$analyse" -o "$tmp/flat" "$a" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ "$rc" = 1 ]; check "zero records: exit 1 (rc $rc)" $?
grep -qx "ascprof-analyse: '$a': 'FRAMEWORK/torch.python_tracer_func': 10 zero-filled records (first at offset $py_size): space never written, skipped" "$tmp/stderr"
check "zero records: counted in the python tracer file" $?
grep -qx "ascprof-analyse: '$a': 'FRAMEWORK/torch.gc_record': 10 zero-filled records (first at offset $gc_size): space never written, skipped" "$tmp/stderr"
check "zero records: counted in the GC file" $?
diff -r "$tmp/clean" "$tmp/flat" >/dev/null
check "zero records: every output as without them" $?
truncate -s "$py_size" "$py" && truncate -s "$gc_size" "$gc" || exit 99

# Out of memory: a 4 GiB sparse python tracer file under a 1.5 GiB address-space limit. Builds
# that cannot run under such a limit (sanitizers reserve terabytes) skip this part. dash and
# bash both have ulimit -v.
# shellcheck disable=SC3045
if (ulimit -v 1500000 && "$analyse" --version) >/dev/null 2>&1; then
	# shellcheck disable=SC3045
	truncate -s 4G "$a/FRAMEWORK/torch.python_tracer_func" || exit 99
	(ulimit -v 1500000 && exec "$analyse" -o "$tmp/oom" "$a") >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	[ "$rc" = 1 ]; check "out of memory: exit 1 (rc $rc)" $?
	grep -q "^ascprof-analyse: '$a': 'FRAMEWORK/torch.python_tracer_func': out of memory (record table of 130150524 records)$" "$tmp/stderr"
	check "out of memory names the file and what did not fit" $?
	[ ! -e "$tmp/oom/$(basename "$a")" ]; check "out of memory: nothing written" $?
else
	echo "skip: this build cannot run under ulimit -v"
fi

# A FRAMEWORK/ whose only file cannot be decoded, and no PROF_*: the data loss is the report
# (exit 1, that file named, the outputs written from what was left), not "nothing to analyse".
e=$tmp/lost/empty_framework_ascend_pt
mkdir -p "$tmp/lost" && cp -R "$src/../bad/framework/empty_framework_ascend_pt" "$e" || exit 99
head -c 600 /dev/zero >"$e/FRAMEWORK/torch.op_range" || exit 99
"$analyse" -o "$tmp/lostout" "$e" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ "$rc" = 1 ]; check "undecodable FRAMEWORK only: exit 1 (rc $rc)" $?
grep -q "^ascprof-analyse: '$e': 'FRAMEWORK/torch.op_range': " "$tmp/stderr"
check "undecodable FRAMEWORK only: the file named" $?
! grep -q "nothing to analyse" "$tmp/stderr"; check "undecodable FRAMEWORK only: not \"nothing to analyse\"" $?
[ -f "$tmp/lostout/empty_framework_ascend_pt/ASCEND_PROFILER_OUTPUT/analyse.done" ]
check "undecodable FRAMEWORK only: output directory written" $?
finish
