#!/bin/sh
# Self-test of json-check (tests/support/json_check.c), which the golden runner and the e2e scripts
# run on every trace they produce: each broken trace below must fail with its message, the valid
# ones (torch_npu's string µs, msserviceprofiler's string tids, an object with traceEvents) pass.
# usage: json_check_selftest.sh JSON_CHECK
set -u
jc=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ap_json_check.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect NAME WANT_EXIT WANT_MESSAGE JSON: the JSON written as trace_view.json; an empty
# WANT_MESSAGE wants an empty stderr
expect() {
	mkdir -p "$tmp/$1"
	printf '%s\n' "$4" >"$tmp/$1/trace_view.json"
	"$jc" "$tmp/$1/trace_view.json" 2>"$tmp/$1/err"
	rc=$?
	if [ -z "$3" ]; then
		said=$([ ! -s "$tmp/$1/err" ] && echo y)
	else
		said=$(grep -qF -- "$3" "$tmp/$1/err" && echo y)
	fi
	if [ "$said" = y ] && [ "$rc" = "$2" ]; then
		passed=$((passed + 1))
		echo "ok: $1"
	else
		failed=$((failed + 1))
		echo "FAIL: $1 (exit $rc, want $2; stderr: $(cat "$tmp/$1/err"))"
	fi
}

M='{"ph": "M", "name": "process_name", "pid": 1, "args": {"name": "Python"}}'
X='{"ph": "X", "name": "a", "pid": 1, "tid": 2, "ts": "1764151200000155.397", "dur": 1.38}'
expect valid 0 '' "[$M, $X, {\"ph\": \"s\", \"cat\": \"async_npu\", \"id\": 7, \"pid\": 1, \"tid\": 2, \"ts\": \"5.0\"}, {\"ph\": \"f\", \"cat\": \"async_npu\", \"id\": 7, \"pid\": 3, \"tid\": 4, \"ts\": \"6.0\", \"bp\": \"e\"}]"
expect valid_object 0 '' "{\"traceEvents\": [$X, {\"ph\": \"X\", \"name\": \"b\", \"pid\": 5, \"tid\": \"ReqState\", \"ts\": 12.5, \"dur\": 1}]}"
expect invalid_json 1 'line 1' "[$X,]"
expect not_array 1 'not an array of trace events' '{"a": 1}'
expect no_ph 1 'event 1: "ph" is not a one-letter string' "[$X, {\"name\": \"a\", \"pid\": 1, \"tid\": 2, \"ts\": 1}]"
expect ts_text 1 'event 0: "ts" is neither a number nor a decimal string' '[{"ph": "X", "pid": 1, "tid": 2, "ts": "12:30", "dur": 1}]'
expect ts_missing 1 '"ts" is neither' '[{"ph": "i", "pid": 1, "tid": 2}]'
expect pid_string 1 'event 0: "pid" is not an integer' '[{"ph": "X", "pid": "1", "tid": 2, "ts": 1, "dur": 1}]'
expect pid_fraction 1 '"pid" is not an integer' '[{"ph": "X", "pid": 1.5, "tid": 2, "ts": 1, "dur": 1}]'
expect tid_bool 1 '"tid" is neither an integer nor a string' '[{"ph": "X", "pid": 1, "tid": true, "ts": 1, "dur": 1}]'
expect flow_no_id 1 'flow event without "id"' '[{"ph": "s", "cat": "HostToDevice", "pid": 1, "tid": 2, "ts": 1}]'
expect flow_no_end 1 'flow start "9" has no end' "[$X, {\"ph\": \"s\", \"cat\": \"HostToDevice\", \"id\": \"9\", \"pid\": 1, \"tid\": 2, \"ts\": \"1.0\"}, {\"ph\": \"f\", \"cat\": \"async_npu\", \"id\": \"9\", \"pid\": 1, \"tid\": 2, \"ts\": \"2.0\"}]"
# another name: parsed as JSON only
printf '[{"ph": 1}]\n' >"$tmp/other.json"
if "$jc" "$tmp/other.json"; then
	passed=$((passed + 1))
	echo "ok: other names are only parsed"
else
	failed=$((failed + 1))
	echo "FAIL: other.json was checked as a trace"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
