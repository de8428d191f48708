#!/bin/sh
# End-to-end: a FRAMEWORK file that shrinks while it is read (a collector still writing, or
# cleaning up) is a shorter file reported as cut off, never a crash (with a mapped file it was a
# SIGBUS that killed the whole run). The cut lands at a random place: the check is that each
# run ends with exit 0 or 1 and names the file when it lost data.
# usage: shrinking_file.sh BINDIR SRCROOT
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
cp -R "$src" "$tmp/in" || exit 99
find "$tmp/in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} +
set -- "$tmp"/in/*_ascend_pt
a=$1
f=$a/FRAMEWORK/torch.op_range
# Whole records concatenated are a valid stream: double the file up to about 100 MB.
while [ "$(wc -c <"$f")" -lt 100000000 ]; do
	cat "$f" "$f" >"$tmp/big" && mv "$tmp/big" "$f" || exit 99
done
size=$(wc -c <"$f")
cp "$f" "$tmp/op_range.full" || exit 99
check() { # description, condition result
	if [ "$2" = 0 ]; then ok "$1"; else fail "$1"; cat "$tmp/stderr"; fi
}
for delay in 0.02 0.05 0.1 0.2; do
	cp "$tmp/op_range.full" "$f" || exit 99
	"$analyse" -q -o "$tmp/out" "$a" >/dev/null 2>"$tmp/stderr" &
	pid=$!
	sleep "$delay"
	truncate -s $((size / 3)) "$f"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 1 ]; check "cut after ${delay}s: exit 0 or 1, no crash (rc $rc)" $?
	if [ "$rc" = 1 ]; then
		grep -q "'FRAMEWORK/torch.op_range'" "$tmp/stderr"
		check "cut after ${delay}s: the message names the file" $?
	fi
	rm -rf "$tmp/out"
done
finish
