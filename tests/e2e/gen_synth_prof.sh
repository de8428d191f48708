#!/bin/sh
# ap-gen --synth-prof: deterministic per rank, PROF_* data dominates, host slices hold whole records
# (cann_prof_raw §1.4), every slice has its .done with the right filesize, the dictionaries exist, distinct
# ranks give distinct dumps.
# usage: gen_synth_prof.sh AP_GEN
set -u
gen=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ap_synthprof.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
sum() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs cat | cksum); }
bytes() { find "$1" -type f ! -name '*.done' -exec cat {} + | wc -c; }

mkdir "$tmp/a" "$tmp/b" "$tmp/c" || exit 99
d=$("$gen" --synth-prof 4000000 "$tmp/a" 2) || { echo "FAIL: ap-gen --synth-prof"; exit 1; }
"$gen" --synth-prof 4000000 "$tmp/b" 2 >/dev/null || exit 1
"$gen" --synth-prof 4000000 "$tmp/c" 3 >/dev/null || exit 1
[ "$(sum "$tmp/a")" = "$(sum "$tmp/b")" ] && ok "deterministic" || fail "two runs differ"
[ "$(sum "$tmp/a")" != "$(sum "$tmp/c")" ] && ok "ranks differ" || fail "rank 2 and 3 are equal"
prof=$(ls -d "$d"/PROF_*) || exit 1
p=$(bytes "$prof") f=$(bytes "$d/FRAMEWORK")
total=$((p + f))
[ "$p" -gt "$f" ] && ok "PROF_* dominates ($p of $total bytes)" || fail "PROF_* $p bytes, FRAMEWORK $f"
# the framework part stops at a ProfilerStep boundary: about 1 MB of granularity
[ "$total" -ge 3600000 ] && [ "$total" -le 6000000 ] && ok "about the size asked" || fail "size $total"
bad=0
for s in "$prof"/host/data/*.slice_*; do
	case $s in *.done) continue ;; *dic*) ;; *api_event*) r=40 ;; *compact*) r=64 ;; *) r=256 ;; esac
	n=$(wc -c <"$s")
	case $s in *dic*) ;; *) [ $((n % r)) = 0 ] || { echo "  $s: $n bytes"; bad=1; } ;; esac
	[ "$(cat "$s.done")" = "filesize:$n" ] || { echo "  $s: .done says $(cat "$s.done")"; bad=1; }
done
[ "$bad" = 0 ] && ok "host slices: whole records, .done filesize" || fail "host slices"
for f in host/data/unaging.additional.hash_dic.slice_0 host/data/unaging.additional.type_info_dic.slice_0 \
	host/info.json host/start_info host/host_start.log device_2/info.json.2 device_2/dev_start.log.2 \
	device_2/host_start.log.2 device_2/start_info.2 device_2/data/stars_soc.data.2.slice_0 \
	device_2/data/ts_track.data.2.slice_0; do
	[ -s "$prof/$f" ] || { echo "  missing $f"; bad=1; }
done
[ "$bad" = 0 ] && ok "side files, dictionaries, device slices" || fail "missing files"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
