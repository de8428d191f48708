#!/bin/sh
# End-to-end: numbers read from the command line or from file names that no int holds are
# rejected or reported, never wrapped (CONVENTIONS §4, §7).
#
# usage: out_of_range.sh BINDIR SRCROOT
#
# -j with a number above INT_MAX (or above LONG_MAX) is a usage error (exit 2, one message line
# and the usage). A profiler_info_<rank>.json whose rank is above INT_MAX, in a dump whose
# profiler_info has no rank_id, leaves the rank unknown with a warning (exit 0, like an
# unusable rank_id). A PROF_*/device_<id> directory whose id is above INT_MAX is ignored with
# a warning: the outputs are those of the dump without it.
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
P=ascprof-analyse

in=$tmp/in
cp -R "$src" "$in" || exit 99
find "$in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} + || exit 99
set -- "$in"/*_ascend_pt
a=$1
name_a=$(basename "$a")
[ -f "$a/profiler_info_0.json" ] || { echo "$0: no profiler_info_0.json in $a" >&2; exit 99; }

usage_line=$("$analyse" -j 1x "$a" 2>&1 >/dev/null | sed -n 2p)
for n in 2147483648 99999999999 99999999999999999999999 0 -5; do
	"$analyse" -j "$n" -o "$tmp/never" "$a" >"$tmp/j.out" 2>"$tmp/j.err"
	rc=$?
	if [ "$rc" = 2 ] && [ "$(sed -n 1p "$tmp/j.err")" = "$P: number out of range '$n' (from 1 to 2147483647)" ] &&
		[ "$(sed -n 2p "$tmp/j.err")" = "$usage_line" ] && [ "$(wc -l <"$tmp/j.err")" = 2 ] &&
		[ ! -s "$tmp/j.out" ] && [ ! -e "$tmp/never" ]; then
		ok "-j $n is a usage error"
	else
		fail "-j $n is a usage error (exit $rc)"
		cat "$tmp/j.err"
	fi
done
"$analyse" -q -j 2147483647 -o "$tmp/jmax" "$a"
rc=$?
if [ "$rc" = 0 ] && [ -f "$tmp/jmax/$name_a/ASCEND_PROFILER_OUTPUT/trace_view.json" ]; then
	ok "-j 2147483647 (INT_MAX) is accepted"
else
	fail "-j 2147483647 (INT_MAX) is accepted (exit $rc)"
fi

# The reference outputs of dump a.
"$analyse" -q -o "$tmp/ref" "$a" || exit 99

# profiler_info_<huge>.json without rank_id: rank unknown, with a warning.
for r in 99999999999 99999999999999999999999; do
	d=$tmp/rank_$r/$name_a
	mkdir -p "$tmp/rank_$r" && cp -R "$a" "$d" || exit 99
	sed 's/"rank_id"/"no_rank_id"/' "$a/profiler_info_0.json" >"$d/profiler_info_$r.json" &&
		rm "$d/profiler_info_0.json" || exit 99
	"$analyse" -v -o "$tmp/rank_out_$r" "$d" >"$tmp/rank.out" 2>"$tmp/rank.err"
	rc=$?
	want="$P: warning: '$d': 'profiler_info_$r.json': the rank in the file name is out of range (above 2147483647); rank unknown"
	if [ "$rc" = 0 ] && grep -qxF "$want" "$tmp/rank.err" && grep -q "^$P: '$d': rank -1, " "$tmp/rank.err" &&
		diff -r "$tmp/ref/$name_a/ASCEND_PROFILER_OUTPUT" "$tmp/rank_out_$r/$name_a/ASCEND_PROFILER_OUTPUT" >/dev/null; then
		ok "profiler_info_$r.json: rank unknown, with a warning"
	else
		fail "profiler_info_$r.json: rank unknown, with a warning (exit $rc)"
		echo "  want: $want"
		sed 's/^/  got:  /' "$tmp/rank.err"
	fi
done

# PROF_*/device_<huge>/: ignored with a warning; the outputs do not change.
d=$tmp/dev/$name_a
mkdir -p "$tmp/dev" && cp -R "$a" "$d" && mkdir -p "$d/PROF_000001_20251126100000000_ABCDEF/device_99999999999" || exit 99
"$analyse" -o "$tmp/dev_out" "$d" >"$tmp/dev.out" 2>"$tmp/dev.err"
rc=$?
want="$P: warning: '$d': 'PROF_000001_20251126100000000_ABCDEF/device_99999999999': device id out of range (above 2147483647); directory ignored"
if [ "$rc" = 0 ] && grep -qxF "$want" "$tmp/dev.err" &&
	diff -r "$tmp/ref/$name_a/ASCEND_PROFILER_OUTPUT" "$tmp/dev_out/$name_a/ASCEND_PROFILER_OUTPUT" >/dev/null; then
	ok "device_99999999999: ignored with a warning, outputs unchanged"
else
	fail "device_99999999999: ignored with a warning, outputs unchanged (exit $rc)"
	echo "  want: $want"
	sed 's/^/  got:  /' "$tmp/dev.err"
fi

finish
