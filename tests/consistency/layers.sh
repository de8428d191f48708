#!/bin/sh
# The library's layering (CONVENTIONS §1): each lib/<layer> includes only public headers of
# the layers it may depend on. Every header of lib/include/ap/ belongs to one layer here, so a
# new header must be added to this table.
# usage: layers.sh SRCROOT
set -u
cd "$1/lib" || exit 99
layer_of() {
	case $1 in
	status.h | strbuf.h | err.h | arena.h | vec.h | checked.h | fmt.h | log.h | diag.h | \
		cursor.h | strtab.h | sort.h | strlist.h | timeconv.h | u64map.h | cann_clock.h | pystat.h) echo base ;;
	file.h | outdir.h | window.h | csv_in.h | sqlite_in.h) echo io ;;
	host.h | hostview.h | npukernel.h | cann_view.h | cann_host.h | cann_names.h | cann_dev.h | \
		svc.h | svc_fmt.h | svc_derived.h | overlap.h | commview.h | cann_tl.h) echo model ;;
	fwk.h | fwk_load.h | ptdump.h | cann_exported.h | cann_timeline.h | cann_rec.h | cann_host_load.h | cann_meta.h | \
		cann_dev_load.h | svc_load.h | svc_probe.h) echo formats ;;
	hostan.h | memview.h | cann_flip.h | cann_pair.h | cann_join.h | svc_an.h | overlap_an.h | comm.h) echo analysis ;;
	out.h | views.h | cann_write.h | cann_tables.h | svc_csv.h | svc_trace.h | svc_req.h | \
		svc_db.h | step_trace.h | comm_write.h) echo writers ;;
	analyse.h) echo pipeline ;;
	*) echo unknown ;;
	esac
}
allowed() { # layer -> layers it may include
	case $1 in
	base) echo "base" ;;
	io | model) echo "base $1" ;;
	formats) echo "base io model formats" ;;
	analysis) echo "base model analysis" ;;
	writers) echo "base io model writers" ;;
	pipeline) echo "base io model formats analysis writers pipeline" ;;
	esac
}
passed=0 failed=0
for h in include/ap/*.h; do
	if [ "$(layer_of "$(basename "$h")")" = unknown ]; then
		echo "FAIL: $h has no layer in tests/consistency/layers.sh"
		failed=$((failed + 1))
	fi
done
check_file() { # file, its layer
	ok=1
	for inc in $(sed -n 's/^#include "ap\/\([a-z_]*\.h\)".*/\1/p' "$1"); do
		l=$(layer_of "$inc")
		case " $(allowed "$2") " in
		*" $l "*) ;;
		*) echo "FAIL: $1 ($2) includes ap/$inc ($l)"; ok=0 ;;
		esac
	done
	if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
for dir in base io model analysis writers pipeline; do
	for f in "$dir"/*.c; do check_file "$f" "$dir"; done
done
for f in formats/*/*.c; do check_file "$f" formats; done
for h in include/ap/*.h; do check_file "$h" "$(layer_of "$(basename "$h")")"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
