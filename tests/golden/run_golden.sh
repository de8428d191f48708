#!/bin/sh
# Golden tests (CONVENTIONS §9): runs each case directory given and compares what the tool
# wrote with the case's expectations.
#
# usage: run_golden.sh BINDIR SRCROOT CASEDIR...
#
# A case directory holds:
#   args      the tool and its arguments, one per line, e.g. "ascprof-analyse" "-o" "@OUT@" ...
#             @SRC@ = the source tree, @OUT@ = an empty output directory,
#             @COPY@ = a scratch copy of the case's input tree (see "input"), for in-place runs
#   input     optional: path (relative to the source tree) copied to @COPY@
#   expected/ every non-empty file the run writes under @OUT@ (or @COPY@ when args use @COPY@
#             and no @OUT@), compared byte for byte; a missing expected/ means "no output at all"
#   empty_files  the empty files it writes (analyse.done...), one relative path a line
#   stdout    expected standard output (absent: none)
#   stderr    optional: expected standard error (lines may use * as a wildcard)
#   exit      optional: expected exit status (default 0)
# The one normaliser: in stdout and stderr the temporary directory's path is replaced by
# @OUT@ / @COPY@ and then the source tree's (absolute) path by @SRC@. Nothing else is masked,
# nothing is sorted.
# Each case runs with OMP_NUM_THREADS=1 and with 4 (and -j 4 for ascprof-analyse): the output
# files, stdout, stderr (after the normaliser) and the exit status must be identical; a
# difference is shown as a diff, 1 thread first.
# AP_UPDATE_GOLDEN=1 rewrites expectations from the actual results (review the diff!).
# AP_JSON_CHECK=PROGRAM (json-check): every *.json a case writes must parse as JSON.
set -u
bindir=$1
srcroot=$(cd "$2" && pwd) || exit 99
shift 2
passed=0 failed=0
tmproot=$(mktemp -d "${TMPDIR:-/tmp}/ap_golden.XXXXXX") || exit 99
trap 'rm -rf "$tmproot"' EXIT

# Prints the files of a tree (relative, sorted by name), skipping the ascprof marker;
# "listing DIR -empty" lists the empty ones only, "listing DIR ! -empty" the others.
listing() {
	d=$1
	shift
	(cd "$d" 2>/dev/null && find . -type f ! -name .ascprof-output "$@" | LC_ALL=C sort)
}

# Compares stderr with a pattern file whose lines may contain '*' (any text); every other
# character, '?' and '[' included, matches only itself.
match_lines() {
	awk 'NR == FNR { pat[NR] = $0; np = NR; next }
	{
		n = FNR
		if (!(n in pat)) exit 1
		k = split(pat[n], part, "*")
		line = $0
		if (k == 1) { if (line != part[1]) exit 1; next }
		if (substr(line, 1, length(part[1])) != part[1]) exit 1
		line = substr(line, length(part[1]) + 1)
		for (i = 2; i < k; i++) {
			j = index(line, part[i])
			if (!j) exit 1
			line = substr(line, j + length(part[i]))
		}
		if (length(line) < length(part[k]) ||
		    substr(line, length(line) - length(part[k]) + 1) != part[k]) exit 1
	}
	END { if (FNR != np) exit 1 }' "$1" "$2"
}

# Compares the 1-thread run (w1) with the 4-thread run (w4): output files, stdout, stderr
# and exit status; sets ok=0 and extends msg on a difference, printing the diff.
threads_agree() { # w1 w4
	if ! diff -r -u -x .ascprof-output "$1/result" "$2/result" >"$1/tdiff" 2>&1; then
		ok=0 msg="$msg outputs differ between 1 and 4 threads;"
		head -60 "$1/tdiff"
	fi
	for f in stdout stderr exit; do
		if ! diff -u --label "$f (1 thread)" --label "$f (4 threads)" "$1/$f" "$2/$f" \
			>"$1/tdiff" 2>&1; then
			ok=0 msg="$msg $f differs between 1 and 4 threads;"
			head -60 "$1/tdiff"
		fi
	done
}

run_case() { # case threads workdir
	c=$1 threads=$2 w=$3
	mkdir -p "$w/out"
	if [ -f "$c/input" ]; then
		cp -R "$srcroot/$(cat "$c/input")" "$w/copy"
	fi
	set --
	while IFS= read -r a || [ -n "$a" ]; do
		a=$(printf '%s' "$a" | sed -e "s|@SRC@|$srcroot|g" -e "s|@OUT@|$w/out|g" -e "s|@COPY@|$w/copy|g")
		set -- "$@" "$a"
	done <"$c/args"
	prog=$1
	shift
	if [ "$threads" -gt 1 ] && [ "$prog" = ascprof-analyse ]; then set -- -j "$threads" "$@"; fi
	OMP_NUM_THREADS=$threads "$bindir/$prog" "$@" >"$w/stdout" 2>"$w/stderr"
	echo $? >"$w/exit"
	sed -i -e "s|$w/out|@OUT@|g" -e "s|$w/copy|@COPY@|g" -e "s|$srcroot/|@SRC@/|g" "$w/stdout" "$w/stderr"
	if grep -q '@OUT@' "$c/args"; then
		mv "$w/out" "$w/result"
	elif [ -d "$w/copy" ]; then
		mv "$w/copy" "$w/result"
	else
		mkdir "$w/result"
	fi
}

for c in "$@"; do
	c=$(cd "$c" && pwd)
	name=$(basename "$(dirname "$c")")/$(basename "$c")
	ok=1 msg=""
	w1="$tmproot/$(echo "$name" | tr / _).1" w4="$tmproot/$(echo "$name" | tr / _).4"
	run_case "$c" 1 "$w1"
	run_case "$c" 4 "$w4"
	want_exit=0
	[ -f "$c/exit" ] && want_exit=$(cat "$c/exit")
	if [ "${AP_UPDATE_GOLDEN:-}" = 1 ]; then
		threads_agree "$w1" "$w4"
		if [ $ok = 0 ]; then
			failed=$((failed + 1))
			echo "FAIL: $name:$msg (expectations not updated)"
			continue
		fi
		rm -rf "$c/expected" "$c/empty_files"
		if [ -n "$(listing "$w1/result" ! -empty)" ]; then
			mkdir -p "$c/expected"
			listing "$w1/result" ! -empty | while read -r f; do
				mkdir -p "$c/expected/$(dirname "$f")"
				cp "$w1/result/$f" "$c/expected/$f"
			done
		fi
		if [ -n "$(listing "$w1/result" -empty)" ]; then
			listing "$w1/result" -empty >"$c/empty_files"
		fi
		if [ -s "$w1/stdout" ]; then cp "$w1/stdout" "$c/stdout"; else rm -f "$c/stdout"; fi
		if [ -s "$w1/stderr" ]; then cp "$w1/stderr" "$c/stderr"; else rm -f "$c/stderr"; fi
		if [ "$(cat "$w1/exit")" != 0 ]; then cp "$w1/exit" "$c/exit"; else rm -f "$c/exit"; fi
		echo "updated: $name"
		passed=$((passed + 1))
		continue
	fi
	if [ "$(cat "$w1/exit")" != "$want_exit" ]; then
		ok=0 msg="$msg exit $(cat "$w1/exit") (want $want_exit);"
	fi
	# non-empty files byte for byte, empty ones by name
	cp -R "$w1/result" "$w1/nonempty"
	find "$w1/nonempty" -type f -empty -delete
	if [ -d "$c/expected" ]; then
		if ! diff -r -u -x .ascprof-output "$c/expected" "$w1/nonempty" >"$w1/diff"; then
			ok=0 msg="$msg outputs differ;"
			head -60 "$w1/diff"
		fi
	elif [ -n "$(listing "$w1/result" ! -empty)" ]; then
		ok=0 msg="$msg unexpected outputs: $(listing "$w1/result" ! -empty | tr '\n' ' ');"
	fi
	if [ "$(cat "$c/empty_files" 2>/dev/null)" != "$(listing "$w1/result" -empty)" ]; then
		ok=0 msg="$msg empty files differ: $(listing "$w1/result" -empty | tr '\n' ' ');"
	fi
	if [ -n "${AP_JSON_CHECK:-}" ]; then
		jsons=$(find "$w1/result" -name '*.json' -type f)
		# shellcheck disable=SC2086
		if [ -n "$jsons" ] && ! "$AP_JSON_CHECK" $jsons; then
			ok=0 msg="$msg invalid JSON;"
		fi
	fi
	if [ -f "$c/stdout" ]; then
		diff -u "$c/stdout" "$w1/stdout" || ok=0 msg="$msg stdout differs;"
	elif [ -s "$w1/stdout" ]; then
		ok=0 msg="$msg unexpected stdout;"
		cat "$w1/stdout"
	fi
	if [ -f "$c/stderr" ]; then
		if ! match_lines "$c/stderr" "$w1/stderr"; then
			ok=0 msg="$msg stderr differs;"
			diff -u "$c/stderr" "$w1/stderr"
		fi
	elif [ -s "$w1/stderr" ]; then
		ok=0 msg="$msg unexpected stderr;"
		cat "$w1/stderr"
	fi
	threads_agree "$w1" "$w4"
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
		echo "ok: $name"
	else
		failed=$((failed + 1))
		echo "FAIL: $name:$msg"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
