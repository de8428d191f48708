#!/bin/sh
# Installs the Debian packages ascprof needs to build and test. Idempotent; runs apt-get as
# root, or through sudo when run as another user.
set -eu
pkgs="build-essential meson ninja-build pkg-config libsqlite3-dev libcsv-dev zlib1g-dev \
libjansson-dev check man-db util-linux sqlite3"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
