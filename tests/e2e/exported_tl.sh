#!/bin/sh
# End-to-end against upstream: the dumps of testdata/exported_tl (the FRAMEWORK of the two
# testdata/vllm_profile ranks beside a PROF_* dir holding only what msprof exported for them:
# mindstudio_profiler_output/ with msprof_*.json, analyze/, side files; no raw slices; see
# testdata/exported_tl/README.md; and the Level0 dump of testdata/level0_single likewise) analysed
# by ascprof give exactly what torch_npu wrote from that very export
# (tests/upstream/{vllm_profile,level0_single}/<dump>/, tests/upstream/README.md): every CSV and
# JSON file byte for byte (the export carries msprof's clock, so no N1 shift applies; in
# trace_view.json upstream's "},{" junction is ascprof's "}, {", docs/compatibility.md), CSV
# lines end in CRLF, every flow start of trace_view.json has its end and the reverse. The
# PROF_* dir analysed on its own (a bare PROF) gives the CANN part of upstream's trace_view.json
# verbatim, a step_trace_time.csv row per device without a step, and communication.json under
# the single key "step". The flow check needs python3 (skipped without it; the rest runs).
#
# usage: exported_tl.sh BINDIR SRCROOT
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
root=$2
data=$root/testdata/exported_tl
[ -d "$data" ] || { echo "$0: no $data" >&2; exit 99; }

check() { # name command...
	n=$1
	shift
	if "$@"; then ok "$n"; else fail "$n"; fi
}
all_crlf() { awk '!/\r$/ { exit 1 }' "$1"; }

# every 's' of a flow (name, id) has an 'f' and the reverse; the counts per name on stdout
flows_paired() {
	python3 - "$1" <<'EOF'
import collections, json, sys
ev = json.load(open(sys.argv[1]))
ends = collections.Counter()
for e in ev:
    if e.get("ph") in ("s", "f"):
        ends[(e["name"], str(e["id"]), e["ph"])] += 1
bad = [k for k in ends if ends[k] != ends[(k[0], k[1], "f" if k[2] == "s" else "s")]]
names = collections.Counter(k[0].rstrip("0123456789") for k in ends if k[2] == "s")
print(" ".join("%s=%d" % kv for kv in sorted(names.items())))
sys.exit(1 if bad or not ends else 0)
EOF
}

# dump  expected dir (relative to tests/upstream)
DUMPS='
node0_41001_20251126100000123_ascend_pt vllm_profile
node0_41002_20251126100000125_ascend_pt vllm_profile
node0_51001_20251126100000223_ascend_pt level0_single
'
printf '%s\n' "$DUMPS" | while read -r d set; do
	[ -n "$d" ] || continue
	exp=$root/tests/upstream/$set/$d
	out=$tmp/out/$d/ASCEND_PROFILER_OUTPUT
	"$analyse" -q -o "$tmp/out" "$data/$d" >"$tmp/stdout" 2>"$tmp/stderr"
	check "$d: exit 0" [ $? = 0 ]
	check "$d: nothing on stderr" [ ! -s "$tmp/stderr" ]
	for f in "$exp"/*; do
		b=$(basename "$f")
		case $b in msprof_* | trace_view.json) continue ;; esac
		check "$d: $b = upstream's byte for byte" cmp -s "$f" "$out/$b"
	done
	# upstream appends the CANN part as ",<array without '['>": its one "},{" is "}, {" here
	# (docs/compatibility.md); json.dumps writes no other "},{"
	check "$d: upstream's trace_view.json has one '},{' junction" [ "$(grep -o '},{' "$exp/trace_view.json" | wc -l)" = 1 ]
	sed 's/},{/}, {/' "$exp/trace_view.json" >"$tmp/trace_view.want"
	check "$d: trace_view.json = upstream's byte for byte, junction aside" cmp -s "$tmp/trace_view.want" "$out/trace_view.json"
	for f in "$out"/*.csv; do
		check "$d: $(basename "$f") ends every line with CRLF" all_crlf "$f"
	done
	check "$d: trace_view.json has the CANN lanes" grep -qF '"args": {"name": "Overlap Analysis"}' "$out/trace_view.json"
	if command -v python3 >/dev/null 2>&1; then
		if flows_paired "$out/trace_view.json" >"$tmp/flows"; then
			ok "$d: every flow start has its end ($(cat "$tmp/flows"))"
		else
			fail "$d: unpaired flows ($(cat "$tmp/flows"))"
		fi
		check "$d: torch_to_npu flows drawn" grep -q 'torch_to_npu=[1-9]' "$tmp/flows"
	else
		echo "skip: $d: flow pairing (no python3)"
	fi
	if [ "$set" = level0_single ]; then
		check "$d: Level0 prunes the CANN process of the timeline" sh -c "grep -qF '\"args\": {\"name\": \"CANN\"}' '$data/$d'/PROF_*/mindstudio_profiler_output/msprof_*.json && ! grep -qF '\"args\": {\"name\": \"CANN\"}' '$out/trace_view.json'"
	fi
done >"$tmp/log"
cat "$tmp/log"
passed=$(grep -c '^ok: ' "$tmp/log")
failed=$(grep -c '^FAIL: ' "$tmp/log")

# the PROF dir of rank 1 as a bare capture (copied out of its dump)
d=node0_41002_20251126100000125_ascend_pt
prof=$(cd "$data/$d" && ls -d PROF_*)
mkdir -p "$tmp/bare" && cp -r "$data/$d/$prof" "$tmp/bare/" || exit 99
out=$tmp/bout/$prof/ASCEND_PROFILER_OUTPUT
"$analyse" -q -o "$tmp/bout" "$tmp/bare/$prof" >"$tmp/stdout" 2>"$tmp/stderr"
check "bare $prof: exit 0" [ $? = 0 ]
check "bare $prof: outputs" [ "$(cd "$out" && find . -type f | LC_ALL=C sort | tr '\n' ' ')" = "./.ascprof-output ./analyse.done ./api_statistic.csv ./communication.json ./communication_matrix.json ./kernel_details.csv ./op_statistic.csv ./step_trace_time.csv ./task_time.csv ./trace_view.json " ]
# [<events>] -> <events>: upstream wrote the same events after the framework part
sed -e 's/^\[//' -e 's/\]$//' "$out/trace_view.json" >"$tmp/bare_events"
check "bare $prof: trace_view.json = the CANN part of upstream's" grep -qF -f "$tmp/bare_events" "$root/tests/upstream/vllm_profile/$d/trace_view.json"
check "bare $prof: trace_view.json has no torch_to_npu flow" sh -c "! grep -q torch_to_npu '$out/trace_view.json'"
check "bare $prof: step_trace_time.csv: one row, device 1, no step" [ "$(tr -d '\r' <"$out/step_trace_time.csv" | sed 1d | cut -d, -f1,2)" = "1," ]
check "bare $prof: communication.json under \"step\"" grep -q '^{"step": {"p2p": {}, "collective": {"hcom_allReduce__169_0_1@' "$out/communication.json"

# rank 0 with its exported timeline cut in half: data loss; the timeline is not used, and
# rather than a trace_view.json without its CANN part there is none (the other outputs stay)
d=node0_41001_20251126100000123_ascend_pt
mkdir -p "$tmp/cut" && cp -r "$data/$d" "$tmp/cut/" || exit 99
find "$tmp/cut" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} +
set -- "$tmp/cut/$d"/PROF_*/mindstudio_profiler_output/msprof_*.json
[ -f "$1" ] || exit 99
truncate -s $(($(wc -c <"$1") / 2)) "$1" || exit 99
out=$tmp/cout/$d/ASCEND_PROFILER_OUTPUT
"$analyse" -q -o "$tmp/cout" "$tmp/cut/$d" >"$tmp/stdout" 2>"$tmp/stderr"
check "cut timeline: exit 1" [ $? = 1 ]
check "cut timeline: named on stderr" grep -q "msprof_.*\.json': malformed JSON at byte offset" "$tmp/stderr"
check "cut timeline: no trace_view.json" [ ! -e "$out/trace_view.json" ]
check "cut timeline: operator_details.csv written" [ -f "$out/operator_details.csv" ]
check "cut timeline: kernel_details.csv written" [ -f "$out/kernel_details.csv" ]
finish
