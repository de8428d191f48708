#!/bin/sh
# Builds ascprof twice and runs the whole test suite in each build (CONVENTIONS §9):
#   build-asan:    debug, AddressSanitizer + UBSan, arena allocations as mallocs
#   build-release: -O2 with -Werror
# Usage: scripts/test.sh [MESON TEST ARGS...]
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
setup() { # dir options...
	dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}
# gcc's -fsanitize=undefined leaves out float-cast-overflow: ask for it too.
setup build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
	-Darena_debug=true -Dc_args=-fsanitize=float-cast-overflow \
	-Dc_link_args=-fsanitize=float-cast-overflow
setup build-release --buildtype=release -Dwerror=true
for dir in build-asan build-release; do
	echo "== $dir"
	meson compile -C "$dir"
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$dir" --print-errorlogs "$@"
done
