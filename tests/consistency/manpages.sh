#!/bin/sh
# The --help of every tool and its man page agree (git t0450, libtraceevent check-manpages):
# every option of --help is documented in the man page's OPTIONS, the SYNOPSIS names the same
# options, and every option the man page documents exists.
# usage: manpages.sh BINDIR MANDIR TOOL...
set -u
bindir=$1 mandir=$2
shift 2
passed=0 failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
# Long options (--name) of a text, one per line, sorted.
longopts() { grep -o -- '--[a-z][a-z-]*' | sort -u; }
for tool in "$@"; do
	man=$mandir/$tool.1
	[ -f "$man" ] || { fail "$tool: no man page $man"; continue; }
	help=$("$bindir/$tool" --help) || { fail "$tool: --help failed"; continue; }
	# roff escapes "\-" become "-"
	text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$man")
	opts_section=$(printf '%s\n' "$text" | sed -n '/^\.SH OPTIONS/,/^\.SH /p')
	synopsis=$(printf '%s\n' "$text" | sed -n '/^\.SH SYNOPSIS/,/^\.SH /p')
	help_opts=$(printf '%s\n' "$help" | sed -n '/^options:/,$p' | longopts)
	man_opts=$(printf '%s\n' "$opts_section" | grep '^\.TP' -A1 | longopts)
	usage_short=$(printf '%s\n' "$help" | head -1 | grep -o '\[-[a-zA-Z-]*' | tr -d '[' | sort -u)
	syn_short=$(printf '%s\n' "$synopsis" | grep -o '^\.RB \[ -[a-zA-Z-]*' | sed 's/^\.RB \[ //' | sort -u)
	ok=1
	if [ "$help_opts" != "$man_opts" ]; then
		ok=0
		fail "$tool: options in --help and in the man page's OPTIONS differ:"
		printf '%s\n' "$help_opts" >"${TMPDIR:-/tmp}/ap_h.$$"
		printf '%s\n' "$man_opts" | diff -u "${TMPDIR:-/tmp}/ap_h.$$" - | sed -n '3,$p'
	fi
	if [ "$usage_short" != "$syn_short" ]; then
		ok=0
		fail "$tool: the usage line and the man SYNOPSIS differ:"
		printf '%s\n' "$usage_short" >"${TMPDIR:-/tmp}/ap_h.$$"
		printf '%s\n' "$syn_short" | diff -u "${TMPDIR:-/tmp}/ap_h.$$" - | sed -n '3,$p'
	fi
	rm -f "${TMPDIR:-/tmp}/ap_h.$$"
	[ $ok = 1 ] && passed=$((passed + 1))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
