#!/bin/sh
# Each public header compiles on its own (libgit2 headertest).
# usage: headers.sh CC INCLUDE_DIR
set -u
cc=$1 inc=$2
passed=0 failed=0
for h in "$inc"/ap/*.h; do
	name=ap/$(basename "$h")
	if printf '#include "%s"\n#include "%s"\nint ap__headertest;\n' "$name" "$name" |
		"$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -I"$inc" \
			-fsyntax-only -x c - 2>"${TMPDIR:-/tmp}/ap_headertest.$$"; then
		passed=$((passed + 1))
	else
		echo "FAIL: $name does not compile on its own (or twice):"
		cat "${TMPDIR:-/tmp}/ap_headertest.$$"
		failed=$((failed + 1))
	fi
done
rm -f "${TMPDIR:-/tmp}/ap_headertest.$$"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
