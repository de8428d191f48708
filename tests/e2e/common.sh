# shellcheck shell=sh
# Sourced by the e2e scripts that take BINDIR SRCROOT: sets $analyse (BINDIR/ascprof-analyse),
# $src (SRCROOT/testdata/vllm_profile) and a private $tmp (physical path, removed at exit, made
# writable first so chmod'ed cases go too); counts checks with ok / fail; finish prints
# "N passed, N failed" and sets the exit status. Setup errors exit 99. Before that, finish checks
# every trace_view.json and chrome_tracing.json left under $tmp with $AP_JSON_CHECK (json-check,
# set by meson: valid JSON, event fields of the right types, every flow start with its end).
set -u
[ $# -eq 2 ] || { echo "usage: $0 BINDIR SRCROOT" >&2; exit 99; }
analyse=$(cd "$1" 2>/dev/null && pwd)/ascprof-analyse
src=$2/testdata/vllm_profile
[ -x "$analyse" ] || { echo "$0: no executable $analyse" >&2; exit 99; }
[ -d "$src" ] || { echo "$0: no $src" >&2; exit 99; }
passed=0 failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ap_e2e.XXXXXX") || exit 99
tmp=$(cd "$tmp" && pwd -P) || exit 99
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# A stderr file without the analyser's notes that PROF_* (CANN) data is not analysed yet: the dumps of
# testdata/vllm_profile carry PROF_* directories.
errs() { grep -v "PROF_\* (CANN) data is not analysed yet" "$1"; }
ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
finish() {
	if [ -n "${AP_JSON_CHECK:-}" ]; then
		traces=$(find "$tmp" -type f \( -name trace_view.json -o -name chrome_tracing.json \) | LC_ALL=C sort)
		if [ -n "$traces" ]; then
			# shellcheck disable=SC2086
			if "$AP_JSON_CHECK" $traces; then
				ok "$(echo "$traces" | wc -l) trace files are valid Chrome traces"
			else
				fail "trace files are valid Chrome traces"
			fi
		fi
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
