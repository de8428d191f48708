#!/bin/sh
# End-to-end: special files where a dump has regular files (a FIFO left by a crashed collector,
# say) fail that file or dump with a message instead of blocking the whole run.
# usage: special_files.sh BINDIR SRCROOT
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
cp -R "$src" "$tmp/in" || exit 99
find "$tmp/in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} +
set -- "$tmp"/in/*_ascend_pt
a=$1 b=$2
rm "$a/FRAMEWORK/torch.gc_record" && mkfifo "$a/FRAMEWORK/torch.gc_record" || exit 99
info_b=$(cd "$b" && echo profiler_info*.json)
rm "$b/$info_b" && mkfifo "$b/$info_b" || exit 99
timeout 60 "$analyse" -o "$tmp/out" "$tmp/in" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
check() { # description, condition result
	if [ "$2" = 0 ]; then ok "$1"; else fail "$1"; cat "$tmp/stderr"; fi
}
[ "$rc" = 1 ]; check "exit 1, not blocked (rc $rc)" $?
grep -qx "ascprof-analyse: '$a': 'FRAMEWORK/torch.gc_record': cannot read '$a/FRAMEWORK/torch.gc_record': not a regular file" "$tmp/stderr"
check "a FIFO in FRAMEWORK/ is data loss naming the file" $?
grep -qx "ascprof-analyse: '$b': cannot read '$b/$info_b': not a regular file" "$tmp/stderr"
check "a FIFO as profiler_info fails that dump" $?
[ -f "$tmp/out/$(basename "$a")/ASCEND_PROFILER_OUTPUT/trace_view.json" ]
check "the dump with the FIFO in FRAMEWORK/ is still analysed" $?
finish
