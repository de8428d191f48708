#!/bin/sh
# ap-gen-svc: the committed service dumps of testdata/service/ are what the generator makes (compared as
# canonical text dumps, so an SQLite version change does not matter); a plain run leaves no -wal/-shm; --wal
# leaves a -wal and no -shm, all rows readable; --hot-journal leaves a hot rollback journal whose uncommitted
# rows a reader rolls back; the gen B copy holds the same records as gen C; several hosts give a run dir each.
# usage: gen_svc.sh AP_GEN_SVC SRCROOT
set -u
gen=$1
src=$(cd "$2" && pwd) || exit 99
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI missing: skipped"; exit 77; }
dump=$src/tests/e2e/svc_db_dump.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ap_gensvc.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
small="--seed 2 --dp 2 --requests 10 --rate 150 --max-tokens 256 --prompt-max 300 --out-min 4 --out-max 16
 --blocks 28 --block-size 32 --long-every 5"
# canonical dump of every db of a tree, read from a private copy (a reader may add side files)
tree() {
	rm -rf "$tmp/copy" && cp -r "$1" "$tmp/copy" || exit 99
	(cd "$tmp/copy" && find . -name '*.db' | LC_ALL=C sort | while read -r f; do echo "### $f"; "$dump" "$f"; done)
}
rows() { sqlite3 "$1" "SELECT count(*) FROM $2;" </dev/null; }

for c in vllm_small vllm_small_b; do
	g=C; [ $c = vllm_small_b ] && g=B
	# shellcheck disable=SC2086
	"$gen" $small --gen $g "$tmp/$c" 2>/dev/null || { fail "ap-gen-svc $c"; continue; }
	want=$(tree "$src/testdata/service/$c") got=$(tree "$tmp/$c")
	if [ "$(printf '%s\n' "$want" | grep -c '^== table')" -lt 5 ]; then fail "$c: no tables dumped"
	elif [ "$got" = "$want" ]; then ok "$c regenerates"
	else fail "$c: testdata/service/$c differs from what ap-gen-svc makes"; fi
	side=$(find "$tmp/$c" -name '*-wal' -o -name '*-shm' -o -name '*-journal' | wc -l)
	[ "$side" = 0 ] && ok "$c: no side files" || fail "$c: $side side files"
done
# the same records in gen B and gen C
a=$(for f in "$tmp"/vllm_small/*/Trace_Service/*.db; do sqlite3 "$f" "SELECT timestamp, end_time FROM slice ORDER BY id;"; done)
b=$(for f in "$tmp"/vllm_small_b/*/*.db; do sqlite3 "$f" "SELECT timestamp, endTimestamp FROM Mstx ORDER BY markId;"; done)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "gen B = gen C times" || fail "gen B and gen C records differ"

"$gen" --dp 2 --requests 20 "$tmp/plain" 2>/dev/null || fail "plain run"
"$gen" --dp 2 --requests 20 --wal "$tmp/wal" 2>/dev/null || fail "--wal run"
n_wal=$(find "$tmp/wal" -name '*.db-wal' | wc -l) n_shm=$(find "$tmp/wal" -name '*-shm' | wc -l)
[ "$n_wal" = 5 ] && [ "$n_shm" = 0 ] && ok "--wal: 5 -wal, no -shm" || fail "--wal: $n_wal -wal, $n_shm -shm"
w=$(tree "$tmp/wal")
[ "$(printf '%s\n' "$w" | wc -l)" -gt 1000 ] && [ "$w" = "$(tree "$tmp/plain")" ] && ok "--wal: all rows readable" || fail "--wal: rows differ"
[ -z "$(ls -A "$tmp/wal" | grep stage)" ] && ok "--wal: staging removed" || fail "--wal: staging left"

"$gen" --requests 20 --hot-journal "$tmp/hot" 2>/dev/null || fail "--hot-journal run"
"$gen" --requests 20 "$tmp/ref" 2>/dev/null || fail "reference run"
n_j=$(find "$tmp/hot" -name '*.db-journal' | wc -l)
[ "$n_j" = 3 ] && ok "--hot-journal: 3 journals" || fail "--hot-journal: $n_j journals"
rm -rf "$tmp/hc" && cp -r "$tmp/hot" "$tmp/hc" || exit 99
bad=0
for f in "$tmp"/hc/*/Trace_Service/*.db; do
	r=$(find "$tmp/ref" -name "$(basename "$f")")
	got=$(rows "$f" slice) all=$(rows "$r" slice)
	[ -n "$got" ] && [ "$got" -eq $((all - all / 4)) ] || { bad=1; echo "  $f: $got rows of $all"; }
	[ ! -e "$f-journal" ] || { bad=1; echo "  $f: journal not rolled back"; }
done
[ $bad = 0 ] && ok "--hot-journal: the last quarter rolls back" || fail "--hot-journal rollback"

"$gen" --dp 4 --hosts 2 --requests 12 --base-ns 1767196797000000000 "$tmp/mid" 2>/dev/null || fail "midnight run"
dirs=$(ls "$tmp/mid" | tr '\n' ' ')
[ "$dirs" = "0101-0000 1231-2359 " ] && ok "two hosts across midnight: $dirs" || fail "run dirs: $dirs"
h2=$(for f in "$tmp"/mid/0101-0000/Trace_Service/*.db; do
	sqlite3 "$f" "SELECT value FROM Meta WHERE name = 'hostname';" </dev/null; done | sort -u)
[ "$h2" = aiserver-02 ] && ok "second host's Meta" || fail "second host's Meta: $h2"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
