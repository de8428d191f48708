#!/bin/sh
# Rules for lib/ that a grep can check (CONVENTIONS §4, §10): it never prints (only ap_log
# writes, in lib/base/log.c), never exits or aborts, and keeps OpenMP to lib/pipeline/ (CONVENTIONS
# §6: a dump's independent files decoded as tasks there; parallelism over dumps is tools/common's).
# usage: lib_rules.sh SRCROOT
set -u
cd "$1" || exit 99
passed=0 failed=0
check() { # description, matches (empty = pass)
	if [ -n "$2" ]; then
		echo "FAIL: $1:"
		printf '%s\n' "$2"
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
}
src=$(find lib -name '*.c' -o -name '*.h' | LC_ALL=C sort)
# shellcheck disable=SC2086
check "printing in lib/ (use ap_log)" \
	"$(grep -nE '(^|[^_a-zA-Z0-9])(printf|fprintf|vfprintf|puts|fputs|putchar|perror)[[:space:]]*\(' $src |
		grep -v '^lib/base/log.c:')"
# shellcheck disable=SC2086
check "exit/abort in lib/" "$(grep -nE '(^|[^_a-zA-Z0-9])(exit|_exit|abort)[[:space:]]*\(' $src)"
# shellcheck disable=SC2086
check "OpenMP in lib/ outside lib/pipeline/" "$(grep -n 'pragma omp\|omp\.h' $src | grep -v '^lib/pipeline/')"
# shellcheck disable=SC2086
check "lib/ .c file without banned.h" \
	"$(for f in $src; do case $f in *.c) grep -q 'banned.h' "$f" || echo "$f" ;; esac; done)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
