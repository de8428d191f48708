#!/bin/sh
# Self-test of run_golden.sh: a fake tool whose output files, stdout, stderr or exit status
# depend on OMP_NUM_THREADS must fail its case with a diff of the 1- and 4-thread runs, and
# AP_UPDATE_GOLDEN=1 must not write expectations from such a run; a tool that does not
# depend on it passes.
# usage: runner_selftest.sh SRCROOT
set -u
src=$(cd "$1" && pwd) || exit 99
runner=$src/tests/golden/run_golden.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ap_golden_selftest.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
unset AP_UPDATE_GOLDEN AP_JSON_CHECK

mkdir -p "$tmp/bin" "$tmp/golden/fake"
# fake-tool MODE OUTDIR: writes OUTDIR/a.txt, "out" on stdout, "warn" on stderr, exits 0;
# MODE names the one of them that shows the thread count instead.
cat >"$tmp/bin/fake-tool" <<'EOF'
#!/bin/sh
mode=$1 out=$2 n=${OMP_NUM_THREADS:-0}
t=x s=out e=warn x=0
case $mode in
files) t=$n ;;
stdout) s="out $n" ;;
stderr) e="warn: $n thread(s)" ;;
exit) [ "$n" = 1 ] || x=1 ;;
esac
echo "$t" >"$out/a.txt"
echo "$s"
echo "$e" >&2
exit $x
EOF
chmod +x "$tmp/bin/fake-tool"

mkcase() { # name mode: expectations are those of the 1-thread run
	d=$tmp/golden/fake/$1
	mkdir -p "$d/expected"
	printf 'fake-tool\n%s\n@OUT@\n' "$2" >"$d/args"
	if [ "$2" = files ]; then echo 1 >"$d/expected/a.txt"; else echo x >"$d/expected/a.txt"; fi
	if [ "$2" = stdout ]; then echo "out 1" >"$d/stdout"; else echo out >"$d/stdout"; fi
	if [ "$2" = stderr ]; then echo "warn: * thread(s)" >"$d/stderr"; else echo warn >"$d/stderr"; fi
}

check() { # what, want (pass|fail), pattern that the runner's output must hold, runner args...
	what=$1 want=$2 pat=$3
	shift 3
	"$runner" "$tmp/bin" "$src" "$@" >"$tmp/log" 2>&1
	rc=$?
	if { [ "$want" = pass ] && [ $rc = 0 ]; } || { [ "$want" = fail ] && [ $rc != 0 ]; }; then
		if grep -qF -- "$pat" "$tmp/log"; then
			passed=$((passed + 1))
			echo "ok: $what"
			return
		fi
	fi
	failed=$((failed + 1))
	echo "FAIL: $what: runner exit $rc (want $want), output without '$pat':"
	sed 's/^/  | /' "$tmp/log"
}

for m in same files stdout stderr exit; do mkcase "$m" "$m"; done
check "a case that does not depend on the thread count passes" pass "ok: fake/same" \
	"$tmp/golden/fake/same"
check "output files that depend on it fail" fail "outputs differ between 1 and 4 threads" \
	"$tmp/golden/fake/files"
check "... with a diff" fail "+4" "$tmp/golden/fake/files"
check "stdout that depends on it fails" fail "stdout differs between 1 and 4 threads" \
	"$tmp/golden/fake/stdout"
check "... with a diff" fail "+out 4" "$tmp/golden/fake/stdout"
check "stderr that depends on it fails" fail "stderr differs between 1 and 4 threads" \
	"$tmp/golden/fake/stderr"
check "... with a diff" fail "+warn: 4 thread(s)" "$tmp/golden/fake/stderr"
check "an exit status that depends on it fails" fail "exit differs between 1 and 4 threads" \
	"$tmp/golden/fake/exit"

# AP_UPDATE_GOLDEN=1 leaves the expectations of a thread-dependent case as they were.
cp "$tmp/golden/fake/stderr/stderr" "$tmp/stderr.before"
export AP_UPDATE_GOLDEN=1
check "AP_UPDATE_GOLDEN=1 refuses a thread-dependent run" fail \
	"stderr differs between 1 and 4 threads" "$tmp/golden/fake/stderr"
unset AP_UPDATE_GOLDEN
if cmp -s "$tmp/stderr.before" "$tmp/golden/fake/stderr/stderr"; then
	passed=$((passed + 1))
	echo "ok: ... and leaves its expectations alone"
else
	failed=$((failed + 1))
	echo "FAIL: AP_UPDATE_GOLDEN=1 rewrote the stderr expectation of a thread-dependent run"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
