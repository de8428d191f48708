#!/bin/sh
# End-to-end: every unsafe -o DIR of CONVENTIONS §8 is a usage error that writes nothing.
#
# usage: unsafe_output.sh BINDIR SRCROOT
#
# On a copy of testdata/vllm_profile (two dumps): DIR inside an input dump (the dump itself, a
# subdirectory, a path not created yet, a symbolic link into the dump, a relative path), DIR = an
# input's parent (given as the dump or as that parent), two inputs with the same base name (also
# spelled with a trailing slash), an empty DIR, DIR an existing file, DIR/<dump name> a link into the
# input. Each
# must exit 2 with exactly its one-line message on stderr, print nothing on stdout, and leave the whole
# temporary tree as it was (no output directory, no -o DIR created, no .ascprof-* directory).
# Prints "N passed, N failed". Exit 0 all passed, 1 a check failed, 99 setup error.
# shellcheck source=tests/e2e/common.sh
. "$(dirname "$0")/common.sh"
P=ascprof-analyse

# The input tree: in/<two dumps>, and other/<a dump with the same name as in/'s first>.
in=$tmp/in
cp -R "$src" "$in" || exit 99
find "$in" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' \) -prune -exec rm -rf {} + || exit 99
set -- "$in"/*_ascend_pt
if [ $# -lt 2 ] || [ ! -d "$1" ]; then echo "$0: need two dumps in $src" >&2; exit 99; fi
a=$1 b=$2
name_a=$(basename "$a")
mkdir "$tmp/other" && cp -R "$a" "$tmp/other/" || exit 99
ln -s "$a" "$tmp/link_to_a" || exit 99

snapshot() {
	(cd "$tmp" && find . ! -name 'case.*' -printf '%y %m %p %l\n' | LC_ALL=C sort &&
		find . -type f ! -name 'case.*' -print | LC_ALL=C sort | while IFS= read -r f; do sha256sum "$f"; done)
}
snapshot >"$tmp/case.before"

# unsafe NAME EXPECTED_MESSAGE ARGS...: runs from $tmp, expects exit 2, that one stderr line, no stdout,
# and an unchanged tree.
unsafe() {
	name=$1 want=$2
	shift 2
	(cd "$tmp" && "$analyse" "$@") >"$tmp/case.out" 2>"$tmp/case.err"
	rc=$?
	why=""
	[ "$rc" = 2 ] || why="$why exit $rc (want 2);"
	if [ "$(wc -l <"$tmp/case.err")" != 1 ] || [ "$(cat "$tmp/case.err")" != "$want" ]; then
		why="$why stderr differs;"
	fi
	[ -s "$tmp/case.out" ] && why="$why stdout not empty;"
	snapshot >"$tmp/case.after"
	cmp -s "$tmp/case.before" "$tmp/case.after" || why="$why the tree changed;"
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok: $name"
	else
		failed=$((failed + 1))
		echo "FAIL: $name:$why"
		echo "  want stderr: $want"
		sed 's/^/  got stderr:  /' "$tmp/case.err"
		diff "$tmp/case.before" "$tmp/case.after" | sed 's/^/  tree: /' | head -20
		# start the next case from the pristine tree
		find "$tmp" \( -name ASCEND_PROFILER_OUTPUT -o -name '.ascprof-*' -o -name 'new' \) -prune \
			-exec rm -rf {} + 2>/dev/null
	fi
}

unsafe "-o DIR = the input dump itself" \
	"$P: output directory '$a' lies inside the input dump '$a'" \
	-o "$a" "$a"
unsafe "-o DIR = an existing directory inside the input dump" \
	"$P: output directory '$a/FRAMEWORK' lies inside the input dump '$a'" \
	-o "$a/FRAMEWORK" "$a"
unsafe "-o DIR = a path not yet created inside the input dump" \
	"$P: output directory '$a/new/deeper' lies inside the input dump '$a'" \
	-o "$a/new/deeper" "$a"
unsafe "-o DIR inside the second of two input dumps" \
	"$P: output directory '$b/new' lies inside the input dump '$b'" \
	-o "$b/new" "$a" "$b"
unsafe "-o DIR inside a dump found under a given parent" \
	"$P: output directory '$b/new' lies inside the input dump '$b'" \
	-o "$b/new" "$in"
unsafe "-o DIR through a symbolic link into the input dump" \
	"$P: output directory 'link_to_a/new' lies inside the input dump '$a'" \
	-o link_to_a/new "$a"
unsafe "-o DIR as a relative path with .. into the input dump" \
	"$P: output directory 'other/../in/$name_a/new' lies inside the input dump 'in/$name_a'" \
	-o "other/../in/$name_a/new" "in/$name_a"
unsafe "-o DIR = the input dump's parent" \
	"$P: output directory '$in' is the parent of the input dump '$a': its copy would overwrite the input" \
	-o "$in" "$a"
unsafe "-o DIR = the parent given as the input" \
	"$P: output directory '$in' is the parent of the input dump '$a': its copy would overwrite the input" \
	-o "$in" "$in"
unsafe "-o DIR = the input dump's parent, spelled relatively" \
	"$P: output directory 'in/' is the parent of the input dump 'in/$name_a': its copy would overwrite the input" \
	-o in/ "in/$name_a"
unsafe "two inputs with the same base name" \
	"$P: inputs '$a' and '$tmp/other/$name_a' share the name '$name_a': their outputs would collide in '$tmp/out'" \
	-o "$tmp/out" "$a" "$tmp/other/$name_a"
unsafe "two inputs with the same base name, found under two parents" \
	"$P: inputs '$in/$name_a' and '$tmp/other/$name_a' share the name '$name_a': their outputs would collide in '$tmp/out'" \
	-o "$tmp/out" "$in" "$tmp/other"

unsafe "two inputs with the same name, one spelled with a trailing slash" \
	"$P: inputs '$a/' and '$tmp/other/$name_a' share the name '$name_a': their outputs would collide in '$tmp/out'" \
	-o "$tmp/out" "$a/" "$tmp/other/$name_a"
unsafe "an empty -o DIR (-o \"\$UNSET\")" \
	"$P: the output directory of -o is empty" \
	-o "" "$a"
: >"$tmp/a_file"
snapshot >"$tmp/case.before"
unsafe "-o DIR = an existing file" \
	"$P: output directory '$tmp/a_file' is not a directory" \
	-o "$tmp/a_file" "$a"
mkdir "$tmp/linkdir" && ln -s "$a" "$tmp/linkdir/$name_a" || exit 99
snapshot >"$tmp/case.before"
unsafe "-o DIR whose DIR/<dump name> is a link to the input" \
	"$P: output directory '$tmp/linkdir/$name_a' leads into the input dump '$a'" \
	-o "$tmp/linkdir" "$a"

# A dump given as '.' or with a trailing slash is named by its directory: DIR/<name>/.
(cd "$a" && "$analyse" -q -o "$tmp/dot" .) && (cd "$tmp" && "$analyse" -q -o "$tmp/slash" "in/$name_a/")
if [ -d "$tmp/dot/$name_a/ASCEND_PROFILER_OUTPUT" ] && [ -f "$tmp/dot/$name_a/profiler_info_0.json" ] &&
	[ -d "$tmp/slash/$name_a/ASCEND_PROFILER_OUTPUT" ] && [ ! -e "$tmp/dot/ASCEND_PROFILER_OUTPUT" ]; then
	passed=$((passed + 1))
	echo "ok: '.' and 'dump/' write DIR/<dump name>/"
else
	failed=$((failed + 1))
	echo "FAIL: '.' and 'dump/' write DIR/<dump name>/:"
	(cd "$tmp" && find dot slash | head -20)
fi

# Control: a safe -o next to the inputs works (so the checks above fail for the right reason).
"$analyse" -o "$tmp/out" "$in" >"$tmp/case.out" 2>"$tmp/case.err"
rc=$?
if [ "$rc" = 0 ] && [ -d "$tmp/out/$name_a/ASCEND_PROFILER_OUTPUT" ]; then
	passed=$((passed + 1))
	echo "ok: control: a safe -o DIR is accepted"
else
	failed=$((failed + 1))
	echo "FAIL: control: a safe -o DIR is accepted: exit $rc"
	cat "$tmp/case.err"
fi

finish
