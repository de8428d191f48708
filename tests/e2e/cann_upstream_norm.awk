# The one normaliser of tests/e2e/cann_upstream.sh (see tests/upstream/README.md, "Normaliser"): reads a CSV
# written by ascprof or by the upstream chain and prints it in a canonical form in which only the listed
# msprof Python-engine vs C++-engine differences are erased. Variables: side=up|ap, drop_api (N4), shift_ns (N1: the
# Python engine's local-time offset error of this dump, in ns; applied to the upstream side only).
#   N1 upstream time columns (Start Time(us), Task Start Time(us), task_start(us), task_stop(us)) minus shift_ns
#   N2 numbers in %.3f / %f form and in Python str(float) form made equal: trailing fractional zeros and a
#      trailing '.' removed (3.200 / 3.2, 1.840000 / 1.84, 21 / 21.0, 0 / 0.0)
#   N3 api_statistic's Device_id: upstream's Python engine prints the device id, the C++ engine "host"
#   N4 api_statistic rows of APIs reported only as MsprofEvent start/end pairs: the C++ engine pairs them into
#      intervals and counts them (cann_prof_raw §2.3), the Python engine keeps them in EventData and does not;
#      drop_api (ascprof side) lists them as LEVEL,NAME[;LEVEL,NAME...]
# Line ends (CRLF / LF) are dropped. Fields are split on commas outside double quotes and printed as read.
BEGIN { FS = "\001" }
function split_csv(line, f,    n, i, c, q, cur) {
	n = 0; cur = ""; q = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (c == "\"") q = !q
		if (c == "," && !q) { f[++n] = cur; cur = ""; continue }
		cur = cur c
	}
	f[++n] = cur
	return n
}
function canon(v,    t) {          # N2
	t = ""
	if (v ~ /\t$/) { t = "\t"; v = substr(v, 1, length(v) - 1) }
	if (v ~ /^-?[0-9]+\.[0-9]+$/) { sub(/0+$/, "", v); sub(/\.$/, "", v) }
	return v t
}
function shift_time(v, ns,    t, ip, fp, hi, lo, tot) {   # N1: exact decimal arithmetic on the text
	t = ""
	if (v ~ /\t$/) { t = "\t"; v = substr(v, 1, length(v) - 1) }
	if (v !~ /^[0-9]+\.[0-9][0-9][0-9]$/ || length(v) < 11) return v t
	ip = substr(v, 1, index(v, ".") - 1); fp = substr(v, index(v, ".") + 1)
	hi = substr(ip, 1, length(ip) - 6) + 0; lo = substr(ip, length(ip) - 5) + 0
	tot = lo * 1000 + fp - ns
	while (tot < 0) { tot += 1000000000; hi-- }
	while (tot >= 1000000000) { tot -= 1000000000; hi++ }
	return sprintf("%d%06d.%03d", hi, int(tot / 1000), tot % 1000) t
}
{
	sub(/\r$/, "")
	n = split_csv($0, f)
	if (NR == 1) {
		for (i = 1; i <= n; i++) {
			h[i] = f[i]
			if (f[i] == "API Name") api = 1
		}
		print; next
	}
	if (side == "ap" && api && drop_api != "" && index(";" drop_api ";", ";" f[2] "," f[3] ";"))   # N4
		next
	out = ""
	for (i = 1; i <= n; i++) {
		v = f[i]
		if (side == "up" && shift_ns != 0 && (h[i] == "Start Time(us)" || h[i] == "Task Start Time(us)" ||
		    h[i] == "task_start(us)" || h[i] == "task_stop(us)"))
			v = shift_time(v, shift_ns)
		if (side == "up" && api && h[i] == "Device_id")   # N3
			v = "host"
		out = out (i > 1 ? "," : "") canon(v)
	}
	print out
}
