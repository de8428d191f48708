#!/bin/sh
# svc_db_dump.sh DB — a canonical text dump of an SQLite database (e.g. the profiler.db that
# `msserviceprofiler analyze` writes), for committing and diffing instead of the binary file.
# For every table and view, in name order: "== table|view NAME", one "# cid|name|type|notnull|dflt|pk"
# line per column (pragma table_info), then its rows ordered by all columns, one per line, in the
# sqlite3 CLI's quote mode (strings '...', NULL, numbers as SQLite prints them), separated by '|'.
# A view that cannot be read gives one '!error: MESSAGE' line. Internal tables (sqlite_*) are skipped. Uses only the sqlite3 CLI; the database is opened read-only.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DB" >&2; exit 2; }
db=$1
[ -f "$db" ] || { echo "$0: no such file: $db" >&2; exit 1; }
q() { sqlite3 -readonly -batch -noheader "$db" "$@" </dev/null; }
q "SELECT type || ' ' || name FROM sqlite_master WHERE type IN ('table','view')
   AND name NOT LIKE 'sqlite_%' ORDER BY name COLLATE BINARY, type;" | while read -r kind name; do
	echo "== $kind $name"
	esc=$(printf '%s' "$name" | sed "s/'/''/g; s/\"/\"\"/g")
	if ! q "SELECT 1 FROM pragma_table_info('$esc') LIMIT 1;" >/dev/null 2>&1; then
		# a view over a column that no longer exists cannot even be described
		echo "!error: $(q "SELECT 1 FROM pragma_table_info('$esc');" 2>&1 >/dev/null | sed 's/^Error: //')"
		continue
	fi
	q "SELECT '# ' || cid || '|' || name || '|' || type || '|' || \"notnull\" || '|' ||
	   ifnull(dflt_value, '') || '|' || pk FROM pragma_table_info('$esc') ORDER BY cid;"
	n=$(q "SELECT count(*) FROM pragma_table_info('$esc');")
	cols=$(seq 1 "$n" | paste -sd, -)
	[ -n "$cols" ] || continue
	# a view over a column that does not exist fails when read: print the error, go on
	q -cmd ".mode quote" -cmd ".separator |" "SELECT * FROM \"$esc\" ORDER BY $cols;" 2>&1 |
		sed 's/^Error: /!error: /'
done
