#!/bin/sh
# Outputs written in pieces side by side (ap_pipeline__pieces) are the bytes of the serial writers:
# a realistic FRAMEWORK dump (ap-gen --synth, every record kind) large enough that every big
# section of trace_view.json, operator_details.csv and both memory CSVs spans several pieces,
# analysed alone at -j 1 (serial), at -j 4 (its own team of four threads, all formatting
# pieces), and beside a second dump at -j 2 (the driver's team), must give identical files, and
# valid JSON. The CANN part after the pieces is covered by the golden cases at 1 and 4 threads.
# usage: threads_agree.sh BINDIR SRCROOT AP_GEN
set -u
gen=$3
set -- "$1" "$2"
. "$(dirname "$0")/common.sh"

d1=$("$gen" --synth 6000000 "$tmp/in" 1) || { echo "setup: ap-gen failed" >&2; exit 99; }
d2=$("$gen" --synth 2000000 "$tmp/in" 2) || { echo "setup: ap-gen failed" >&2; exit 99; }
n1=$(basename "$d1")

"$analyse" -q -j 1 -o "$tmp/j1" "$d1" 2>"$tmp/err1" || fail "-j 1 exit status $?"
OMP_NUM_THREADS=4 "$analyse" -q -j 4 -o "$tmp/j4" "$d1" 2>"$tmp/err4" || fail "-j 4 exit status $?"
"$analyse" -q -j 2 -o "$tmp/pair" "$d1" "$d2" 2>"$tmp/err2" || fail "-j 2 exit status $?"
[ ! -s "$tmp/err1" ] && [ ! -s "$tmp/err4" ] && [ ! -s "$tmp/err2" ] && ok "no messages" ||
	fail "messages: $(cat "$tmp/err1" "$tmp/err4" "$tmp/err2")"

out=$n1/ASCEND_PROFILER_OUTPUT
for f in trace_view.json operator_details.csv memory_record.csv operator_memory.csv; do
	# many pieces each: a trace piece is about 200 KB, a CSV piece about 200 KB
	size=$(wc -c <"$tmp/j1/$out/$f" 2>/dev/null || echo 0)
	[ "$size" -gt 600000 ] && ok "$f spans several pieces ($size bytes)" || fail "$f: $size bytes"
	cmp -s "$tmp/j1/$out/$f" "$tmp/j4/$out/$f" && ok "$f: -j 4 = -j 1" || fail "$f: -j 4 differs"
	cmp -s "$tmp/j1/$out/$f" "$tmp/pair/$out/$f" && ok "$f: side by side = -j 1" ||
		fail "$f: side by side differs"
done
diff -r "$tmp/j1/$n1" "$tmp/j4/$n1" >/dev/null && ok "-j 4: every file the same" || fail "-j 4: a file differs"

# Task-queue markers are paired as they are decoded (ap_queue_feed) while each (tid, name,
# side)'s are in time order in the file. A copy of the first marker (a start) put after the
# 100th is earlier than the markers of its key before it: the pairing gives up there, and the
# markers are decoded again, kept and sorted. Sorted, the copy sits beside its original: the
# later of two equal starts is the one paired, at the same time, so every output is the
# original dump's.
cp -R "$d1" "$tmp/late" || fail "setup: cp"
mark=$tmp/late/FRAMEWORK/torch.op_mark
cat=$(od -An -tu8 -j14 -N8 "$mark" | tr -d ' ')
[ "$cat" = 0 ] || [ "$cat" = 2 ] || fail "setup: the first marker is not a start (category $cat)"
at=0 n=0
while [ $n -lt 100 ]; do
	at=$((at + 6 + $(od -An -tu4 -j$((at + 2)) -N4 "$mark" | tr -d ' ')))
	n=$((n + 1))
done
len=$(od -An -tu4 -j2 -N4 "$mark" | tr -d ' ')
{ head -c "$at" "$mark"; head -c $((6 + len)) "$mark"; tail -c +$((at + 1)) "$mark"; } >"$tmp/marks" &&
	mv "$tmp/marks" "$mark" || fail "setup: insert"
"$analyse" -q -j 1 -o "$tmp/late1" "$tmp/late" 2>"$tmp/err5" || fail "late marker, -j 1: exit status $?"
OMP_NUM_THREADS=4 "$analyse" -q -j 4 -o "$tmp/late4" "$tmp/late" 2>"$tmp/err6" ||
	fail "late marker, -j 4: exit status $?"
[ ! -s "$tmp/err5" ] && [ ! -s "$tmp/err6" ] && ok "late marker: no messages" ||
	fail "late marker: messages: $(cat "$tmp/err5" "$tmp/err6")"
for f in trace_view.json operator_details.csv memory_record.csv operator_memory.csv; do
	cmp -s "$tmp/late1/late/ASCEND_PROFILER_OUTPUT/$f" "$tmp/j1/$out/$f" &&
		cmp -s "$tmp/late4/late/ASCEND_PROFILER_OUTPUT/$f" "$tmp/j1/$out/$f" &&
		ok "late marker: $f as the dump's own" || fail "late marker: $f differs"
done
finish
