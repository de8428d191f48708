#!/bin/sh
# End-to-end: service-profiler inputs as collectors and accidents leave them (CONVENTIONS §4, §6,
# §8; spec ms_service_profiler.md §1.1): WAL files with un-checkpointed rows, hot journals, corrupt
# and foreign databases, malformed attributes, empty dumps, a directory holding a service dump
# and torch_npu dumps, --format, and the output directory rules. Dumps are made at run time by
# ap-gen-svc ($AP_GEN_SVC); the sqlite3 CLI tampers with copies.
#
# usage: svc_inputs.sh BINDIR SRCROOT   (AP_GEN_SVC=path/to/ap-gen-svc)
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 77 no sqlite3 CLI, 99 setup.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"

gen=${AP_GEN_SVC:-}
[ -x "$gen" ] || { echo "$0: no ap-gen-svc (AP_GEN_SVC)" >&2; exit 99; }
command -v sqlite3 >/dev/null || { echo "skip: no sqlite3 CLI"; exit 77; }

check() { # name command...
	n=$1
	shift
	if "$@"; then ok "$n"; else fail "$n"; fi
}
# every file of a tree but its output/, with checksums (names, sizes and contents)
sums() { (cd "$1" && find . -path ./output -prune -o -type f -print | LC_ALL=C sort |
	while IFS= read -r f; do sha256sum "$f"; done); }
outs="request.csv request_summary.csv batch.csv batch_summary.csv kvcache.csv service_summary.csv request_status.csv chrome_tracing.json"
same_outputs() { # dir1 dir2
	for f in $outs; do cmp -s "$1/$f" "$2/$f" || { echo "differs: $f"; return 1; }; done
}
records() { sed -n 's/.*databases, \([0-9]*\) records$/\1/p' "$1"; }
has() { grep -q -- "$2" "$1" || { echo "missing in $1: $2"; cat "$1"; return 1; }; }

opts="--requests 12 --dp 2 --seed 7"
"$gen" $opts "$tmp/plain" 2>/dev/null || exit 99
OMP_NUM_THREADS=1 "$analyse" -q -v -o "$tmp/o_plain" "$tmp/plain" 2>"$tmp/plain.err" || exit 99
ref=$tmp/o_plain/plain/output
n_plain=$(records "$tmp/plain.err")

# --- the same outputs whatever the thread count (one task per database) ------------------------
OMP_NUM_THREADS=4 "$analyse" -q -o "$tmp/o_j4" "$tmp/plain"
check "4 threads: the same outputs as 1" same_outputs "$ref" "$tmp/o_j4/plain/output"
sh "$(dirname "$0")/svc_db_dump.sh" "$ref/profiler.db" >"$tmp/db1.txt"
sh "$(dirname "$0")/svc_db_dump.sh" "$tmp/o_j4/plain/output/profiler.db" >"$tmp/db4.txt"
check "4 threads: the same profiler.db" cmp -s "$tmp/db1.txt" "$tmp/db4.txt"

# --- WAL: un-checkpointed rows analysed, the dump left exactly as found (no -shm) ---------------
"$gen" $opts --wal "$tmp/wal" 2>/dev/null || exit 99
check "wal: the generator left -wal files" sh -c "find '$tmp/wal' -name '*.db-wal' | grep -q ."
sums "$tmp/wal" >"$tmp/wal.before"
"$analyse" -v "$tmp/wal" >"$tmp/wal.out" 2>"$tmp/wal.err"
check "wal: exit 0" [ $? = 0 ]
sums "$tmp/wal" >"$tmp/wal.after"
check "wal: input unchanged" cmp -s "$tmp/wal.before" "$tmp/wal.after"
check "wal: no -shm created" sh -c "! find '$tmp/wal' -name '*-shm' | grep -q ."
check "wal: output/ is the only new entry" sh -c "[ \"\$(ls '$tmp/wal')\" = \"\$(printf '0101-0800\noutput')\" ]"
check "wal: the rows of the -wal are analysed" same_outputs "$ref" "$tmp/wal/output"
check "wal: same record count" [ "$(records "$tmp/wal.err")" = "$n_plain" ]

# --- one run over two hosts whose run directories straddle midnight: one dump ----------------
"$gen" --requests 12 --dp 2 --hosts 2 --host-skew-ms 120000 --base-ns 1767283170000000000 \
	"$tmp/midnight" 2>/dev/null || exit 99
check "midnight: two run directories" [ "$(ls "$tmp/midnight")" = "$(printf '0101-2359\n0102-0001')" ]
"$analyse" -q -v -o "$tmp/o_mid" "$tmp/midnight" 2>"$tmp/mid.err"
check "midnight: exit 0" [ $? = 0 ]
check "midnight: both hosts' databases read as one dump" has "$tmp/mid.err" "5 databases"
check "midnight: every request in request.csv" [ "$(($(wc -l <"$tmp/o_mid/midnight/output/request.csv") - 1))" = 12 ]
check "midnight: both hosts labelled in the trace" sh -c "grep -q aiserver-01 '$tmp/o_mid/midnight/output/chrome_tracing.json' && grep -q aiserver-02 '$tmp/o_mid/midnight/output/chrome_tracing.json'"

# --- a hot journal: rolled back in a private copy only ------------------------------------------
"$gen" $opts --hot-journal "$tmp/hot" 2>/dev/null || exit 99
sums "$tmp/hot" >"$tmp/hot.before"
"$analyse" -v -o "$tmp/o_hot" "$tmp/hot" >/dev/null 2>"$tmp/hot.err"
check "hot journal: exit 0" [ $? = 0 ]
sums "$tmp/hot" >"$tmp/hot.after"
check "hot journal: input unchanged" cmp -s "$tmp/hot.before" "$tmp/hot.after"
check "hot journal: the uncommitted rows are not read" [ "$(records "$tmp/hot.err")" -lt "$n_plain" ]

# --- a corrupt database among good ones: named, exit 1, the others analysed ---------------------
cp -r "$tmp/plain" "$tmp/bad"
victim=$(find "$tmp/bad" -name 'ms_service_*.db' | LC_ALL=C sort | tail -1)
head -c 8192 /dev/urandom >"$victim"
"$analyse" -o "$tmp/o_bad" "$tmp/bad" >/dev/null 2>"$tmp/bad.err"
check "corrupt db: exit 1" [ $? = 1 ]
check "corrupt db: named" has "$tmp/bad.err" "$victim"
check "corrupt db: the rest is written" [ -s "$tmp/o_bad/bad/output/chrome_tracing.json" ]

# --- a truncated database -----------------------------------------------------------------------
cp -r "$tmp/plain" "$tmp/cut"
victim=$(find "$tmp/cut" -name 'ms_service_*.db' | LC_ALL=C sort | head -1)
size=$(wc -c <"$victim")
head -c $((size / 2)) "$victim" >"$tmp/half" && cat "$tmp/half" >"$victim"
"$analyse" -o "$tmp/o_cut" "$tmp/cut" >/dev/null 2>"$tmp/cut.err"
check "truncated db: exit 1" [ $? = 1 ]
check "truncated db: named" has "$tmp/cut.err" "$victim"

# --- a database without the profiler's tables ---------------------------------------------------
mkdir -p "$tmp/notables" && cp -r "$tmp/plain/." "$tmp/notables/"
sqlite3 "$tmp/notables/ms_service_other-1.db" "CREATE TABLE Meta(name TEXT, value TEXT);"
"$analyse" -o "$tmp/o_nt" "$tmp/notables" >/dev/null 2>"$tmp/nt.err"
check "missing tables: exit 1" [ $? = 1 ]
check "missing tables: named" has "$tmp/nt.err" "ms_service_other-1.db"
check "missing tables: the rest is written" same_outputs "$ref" "$tmp/o_nt/notables/output"

# --- malformed JSON in one record: warned, row kept, exit 0 -------------------------------------
cp -r "$tmp/plain" "$tmp/json"
victim=$(find "$tmp/json" -name 'ms_service_*.db' | LC_ALL=C sort | head -1)
sqlite3 "$victim" "UPDATE slice SET args='{\"rid\": ' WHERE id = (SELECT max(id) FROM slice);"
"$analyse" -v -o "$tmp/o_json" "$tmp/json" >/dev/null 2>"$tmp/json.err"
check "malformed JSON: exit 0" [ $? = 0 ]
check "malformed JSON: warned, naming the file" has "$tmp/json.err" "warning: .*$(basename "$victim")"
check "malformed JSON: the row is kept" [ "$(records "$tmp/json.err")" = "$n_plain" ]

# --- not a dump, an empty dump --------------------------------------------------------------------
mkdir -p "$tmp/empty"
"$analyse" "$tmp/empty" >/dev/null 2>"$tmp/empty.err"
check "empty dir: exit 1" [ $? = 1 ]
check "empty dir: no dump found" has "$tmp/empty.err" "no dump found"
mkdir -p "$tmp/notdb/0101-0800"
echo "not a database" >"$tmp/notdb/0101-0800/ms_service_x-1.db"
"$analyse" "$tmp/notdb" >/dev/null 2>"$tmp/notdb.err"
check "only a non-database: exit 1" [ $? = 1 ]
check "only a non-database: nothing written" [ ! -e "$tmp/notdb/output" ]
check "only a non-database: named" has "$tmp/notdb.err" "ms_service_x-1.db"

# --- a -wal that cannot be read (not as root: root reads everything) ---------------------------
if [ "$(id -u)" != 0 ]; then
	cp -r "$tmp/wal" "$tmp/walro" && rm -rf "$tmp/walro/output"
	w=$(find "$tmp/walro" -name '*.db-wal' | LC_ALL=C sort | head -1)
	chmod 000 "$w"
	"$analyse" -o "$tmp/o_walro" "$tmp/walro" >/dev/null 2>"$tmp/walro.err"
	check "unreadable -wal: exit 1" [ $? = 1 ]
	check "unreadable -wal: named" has "$tmp/walro.err" "$(basename "$w")"
	chmod 600 "$w"
fi
# ... and one that cannot be copied whatever the user: a directory where the -wal should be
cp -r "$tmp/wal" "$tmp/waldir" && rm -rf "$tmp/waldir/output"
w=$(find "$tmp/waldir" -name '*.db-wal' | LC_ALL=C sort | head -1)
rm -f "$w" && mkdir "$w" "$tmp/waldir_tmp"
TMPDIR=$tmp/waldir_tmp "$analyse" -o "$tmp/o_waldir" "$tmp/waldir" >/dev/null 2>"$tmp/waldir.err"
check "-wal not a file: exit 1" [ $? = 1 ]
check "-wal not a file: named" has "$tmp/waldir.err" "$(basename "$w")': not a regular file"
last=$(find "$tmp/waldir" -name 'ms_service_*.db' | LC_ALL=C sort | tail -1)
last=${last##*-}
check "-wal not a file: the other databases are analysed" \
	grep -q "\"pid\": ${last%.db}," "$tmp/o_waldir/waldir/output/chrome_tracing.json"
check "-wal not a file: no private copy left" [ -z "$(ls -A "$tmp/waldir_tmp")" ]

# --- a directory holding a service dump and torch_npu dumps: both analysed ----------------------
mkdir -p "$tmp/mixed"
cp -r "$tmp/plain/0101-0800" "$tmp/mixed/"
cp -r "$src"/*_ascend_pt "$tmp/mixed/"
"$analyse" -q "$tmp/mixed" 2>"$tmp/mixed.err"
check "mixed: exit 0" [ $? = 0 ]
check "mixed: service output" same_outputs "$ref" "$tmp/mixed/output"
for d in "$tmp"/mixed/*_ascend_pt; do
	check "mixed: $(basename "$d") analysed" [ -s "$d/ASCEND_PROFILER_OUTPUT/trace_view.json" ]
done

# --- --format -----------------------------------------------------------------------------------
"$analyse" -q --format csv -o "$tmp/o_csv" "$tmp/plain"
check "--format csv: CSVs" [ -s "$tmp/o_csv/plain/output/request.csv" ]
check "--format csv: no trace" [ ! -e "$tmp/o_csv/plain/output/chrome_tracing.json" ]
check "--format csv: no db" [ ! -e "$tmp/o_csv/plain/output/profiler.db" ]
"$analyse" -q --format json,db -o "$tmp/o_jd" "$tmp/plain"
check "--format json,db: trace" [ -s "$tmp/o_jd/plain/output/chrome_tracing.json" ]
check "--format json,db: db" [ -s "$tmp/o_jd/plain/output/profiler.db" ]
check "--format json,db: summaries" [ -s "$tmp/o_jd/plain/output/request_summary.csv" ]
check "--format json,db: no request.csv" [ ! -e "$tmp/o_jd/plain/output/request.csv" ]
"$analyse" --format xml "$tmp/plain" >/dev/null 2>"$tmp/fmt.err"
check "--format xml: usage error" [ $? = 2 ]

# --- an output that cannot be written (a file size limit, as a full disk would do) --------------
# batch.csv and chrome_tracing.json both over the limit, written side by side (-j 4: the CSVs are
# a task beside the trace and the database): the failure reported is the CSV's, as with one
# thread, where the CSVs come first; nothing is left.
src_svc=$2/testdata/service/vllm_small
if (trap '' XFSZ && ulimit -f 4 && head -c 1000 /dev/zero >"$tmp/fsz") 2>/dev/null &&
	! (trap '' XFSZ && ulimit -f 4 && head -c 30000 /dev/zero >"$tmp/fsz") 2>/dev/null; then
	for j in 1 4; do
		(trap '' XFSZ && ulimit -f 4 && exec "$analyse" -q -j $j -o "$tmp/o_fsz$j" "$src_svc") \
			2>"$tmp/fsz$j.err"
		check "size limit, -j $j: exit 1" [ $? = 1 ]
		check "size limit, -j $j: batch.csv named" has "$tmp/fsz$j.err" \
			"cannot write '$tmp/o_fsz$j/vllm_small/output/batch.csv': File too large"
		check "size limit, -j $j: one message" [ "$(wc -l <"$tmp/fsz$j.err")" = 1 ]
		check "size limit, -j $j: nothing left" [ -z "$(ls -A "$tmp/o_fsz$j" 2>/dev/null)" ]
	done
fi

# --- output/ rules: ours replaced whole, another tool's left alone ------------------------------
touch "$tmp/wal/output/stale-file"
"$analyse" -q "$tmp/wal"
check "rerun: output/ replaced whole" [ ! -e "$tmp/wal/output/stale-file" ]
cp -r "$tmp/plain" "$tmp/foreign" && mkdir "$tmp/foreign/output" && touch "$tmp/foreign/output/request.csv"
"$analyse" "$tmp/foreign" >/dev/null 2>"$tmp/foreign.err"
check "foreign output/: exit 1" [ $? = 1 ]
check "foreign output/: left alone" [ -e "$tmp/foreign/output/request.csv" ]
check "foreign output/: points to -o / --force" has "$tmp/foreign.err" "force"
finish
