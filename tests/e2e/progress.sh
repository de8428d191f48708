#!/bin/sh
# End-to-end: the progress line (drawn when stderr is a terminal and several dumps are analysed)
# is written outside the parallel region (CONVENTIONS §6), so stderr is byte-identical for any
# number of threads: every count from 0 to N once, in order, then the dumps' messages in order.
#
# usage: progress.sh BINDIR SRCROOT
#
# Runs ascprof-analyse on five dumps (testdata/vllm_profile and testdata/bad/framework/mixed,
# one of which fails) under script(1), which gives it a terminal, with -j 1, 2 and 4, and
# compares what reached the terminal. Without a terminal, and with -q, no progress is drawn.
# Skips (exit 77) without script(1) or when it cannot open a terminal.
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 77 skipped, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
mixed=$(dirname "$src")/bad/framework/mixed

command -v script >/dev/null 2>&1 || { echo "skip: no script(1)"; exit 77; }
if ! script -qec "test -t 2" /dev/null </dev/null >/dev/null 2>&1; then
	echo "skip: script(1) cannot give a command a terminal here"
	exit 77
fi

in=$tmp/in
mkdir "$in" && cp -R "$src"/*_ascend_pt "$mixed"/*_ascend_pt "$in"/ || exit 99
find "$in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} + || exit 99
set -- "$in"/*_ascend_pt
n=$#
[ "$n" -ge 4 ] || { echo "$0: want at least 4 dumps, have $n" >&2; exit 99; }

# on_tty OUT ARGS...: runs the analyser with stderr (and only stderr) on a terminal; what the
# terminal received goes to OUT (the terminal turns each \n into \r\n).
on_tty() {
	o=$1
	shift
	cmd="'$analyse'"
	for x in "$@"; do cmd="$cmd '$x'"; done
	timeout 120 script -qec "$cmd >/dev/null" /dev/null </dev/null >"$o"
}

# What the progress line must look like for n dumps, then its newline.
i=0 want=""
while [ "$i" -le "$n" ]; do
	want="$want$(printf '\ranalysing: %d/%d dumps' "$i" "$n")"
	i=$((i + 1))
done
printf '%s\r\n' "$want" >"$tmp/want_progress"
want_len=$(wc -c <"$tmp/want_progress")

for j in 1 2 4; do
	on_tty "$tmp/tty$j" -j "$j" -o "$tmp/out$j" "$in"
	rc=$?
	if [ "$rc" = 1 ] && head -c "$want_len" "$tmp/tty$j" | cmp -s - "$tmp/want_progress" &&
		[ "$(tail -c +$((want_len + 1)) "$tmp/tty$j" | grep -c analysing)" = 0 ] &&
		[ -s "$tmp/tty$j" ]; then
		ok "-j $j: each count from 0 to $n drawn once, in order, before the messages"
	else
		fail "-j $j: each count from 0 to $n drawn once, in order, before the messages (exit $rc)"
		od -c "$tmp/tty$j" | head -20
	fi
done
if cmp -s "$tmp/tty1" "$tmp/tty2" && cmp -s "$tmp/tty1" "$tmp/tty4"; then
	ok "terminal output byte-identical with -j 1, 2 and 4"
else
	fail "terminal output byte-identical with -j 1, 2 and 4"
fi
if diff -r "$tmp/out1" "$tmp/out4" >/dev/null; then
	ok "outputs byte-identical with -j 1 and 4"
else
	fail "outputs byte-identical with -j 1 and 4"
fi

on_tty "$tmp/ttyq" -q -j 4 -o "$tmp/outq" "$in"
if [ -s "$tmp/ttyq" ] && ! grep -q analysing "$tmp/ttyq"; then
	ok "-q: no progress line"
else
	fail "-q: no progress line"
fi
"$analyse" -j 4 -o "$tmp/outp" "$in" >/dev/null 2>"$tmp/pipe.err"
if [ -s "$tmp/pipe.err" ] && ! grep -q analysing "$tmp/pipe.err"; then
	ok "stderr not a terminal: no progress line"
else
	fail "stderr not a terminal: no progress line"
fi

finish
