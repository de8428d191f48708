#!/bin/sh
# Self-test of registered.sh on a fake source tree: a registered tree passes; a golden case
# directory without args, an unregistered case and an unregistered unit file each fail
# with their message.
# usage: registered_selftest.sh SRCROOT
set -u
check=$(cd "$1" && pwd)/tests/consistency/registered.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ap_registered_selftest.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

t=$tmp/src/tests
mkdir -p "$t/unit" "$t/golden/analyse/c1"
: >"$t/unit/test_a.c"
: >"$t/golden/analyse/c1/args"
printf "unit_tests = {\n  'a' : [],\n}\ngolden_cases = [\n  'analyse/c1',\n]\n" >"$t/meson.build"

expect() { # what, want (pass|fail), text the output must hold
	"$check" "$tmp/src" >"$tmp/log" 2>&1
	rc=$?
	if { [ "$2" = pass ] && [ $rc = 0 ]; } || { [ "$2" = fail ] && [ $rc != 0 ]; }; then
		if grep -qF -- "$3" "$tmp/log"; then
			passed=$((passed + 1))
			echo "ok: $1"
			return
		fi
	fi
	failed=$((failed + 1))
	echo "FAIL: $1: exit $rc (want $2), output without '$3':"
	sed 's/^/  | /' "$tmp/log"
}

expect "a registered tree passes" pass "2 passed, 0 failed"
mkdir -p "$t/golden/analyse/c2/expected"
expect "a case directory without args fails" fail "golden case analyse/c2 has no args file"
rm -rf "$t/golden/analyse/c2"
mkdir -p "$t/golden/analyse/c3"
: >"$t/golden/analyse/c3/args"
expect "an unregistered case fails" fail "golden case analyse/c3 is not in golden_cases"
rm -rf "$t/golden/analyse/c3"
: >"$t/unit/test_b.c"
expect "an unregistered unit file fails" fail "unit/test_b.c is not in unit_tests"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
