#!/bin/sh
# Every unit-test file and golden case on disk is registered in tests/meson.build (git
# t/meson.build), so none is silently left out. Every directory tests/golden/<tool>/<case>/
# is a case and must hold an args file: one without it would never run.
# usage: registered.sh SRCROOT
set -u
cd "$1/tests" || exit 99
passed=0 failed=0
for f in unit/test_*.c; do
	n=$(basename "$f" .c)
	n=${n#test_}
	if grep -q "^  '$n' :" meson.build; then passed=$((passed + 1)); else
		echo "FAIL: $f is not in unit_tests of tests/meson.build"
		failed=$((failed + 1))
	fi
done
for d in golden/*/*/; do
	c=${d#golden/}
	c=${c%/}
	if [ ! -f "golden/$c/args" ]; then
		echo "FAIL: golden case $c has no args file (tests/golden/run_golden.sh needs one; remove the directory if it is no case)"
		failed=$((failed + 1))
		continue
	fi
	if grep -q "^  '$c',$" meson.build; then passed=$((passed + 1)); else
		echo "FAIL: golden case $c is not in golden_cases of tests/meson.build"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
