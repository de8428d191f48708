#!/usr/bin/env python3
"""Compares two trace_view.json files as multisets of events per lane (process name, thread name),
each event as (name, ph, ts, dur, args), numbers rounded to 6 significant decimals. Flow ids and the
id suffix of "HostToDevice<id>" names are left out (they cannot match: cann_prof_raw §2.8).
Engine differences erased on both sides (tests/upstream/README.md, "trace_view"):
  T1 HCCL op args relay/retry (msprof C++ hccl_assembler writes them, the Python engine not).
  T2 the sort index of the Communication and Overlap Analysis processes (C++ layer table 16 and 31, the
     Python engine 17 and 20).
  T3 the Overlap Analysis threads' thread_sort_index events (the C++ assembler writes them, the Python
     engine not).
  N1 the Python engine's local-time offset error (tests/upstream/README.md): --shift NS is
     subtracted from upstream's times of the CANN-part lanes (every process but Python*).
Prints per-lane match counts; with --known 'PROC|THREAD=REASON' lanes that may differ (a REASON
starting "U/A " must differ by exactly U events only upstream and A only in ascprof's file),
--skip-proc NAME / --skip-cat CAT: processes / event categories left out on both sides.
Exit 0 when every lane not listed as known matches, 1 otherwise, 2 on a bad file."""
import collections
from decimal import Decimal
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        ev = json.load(f)
    if not isinstance(ev, list):
        raise ValueError("not a JSON array")
    return ev


def norm(x):
    if isinstance(x, float):
        return round(x, 6)
    if isinstance(x, dict):
        return tuple((k, norm(v)) for k, v in sorted(x.items()) if k not in ("relay", "retry"))
    if isinstance(x, list):
        return tuple(norm(v) for v in x)
    return x


SKIP_PROC, SKIP_CAT = set(), set()


def lanes(ev, shift=0):
    pname, tname = {}, {}
    for e in ev:
        if e.get("ph") == "M" and e.get("name") == "process_name":
            pname[e["pid"]] = e["args"]["name"]
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            tname[(e["pid"], e["tid"])] = e["args"]["name"]
    out = collections.defaultdict(collections.Counter)
    for e in ev:
        lane = (pname.get(e.get("pid"), "?"), tname.get((e.get("pid"), e.get("tid")), "?"))
        if lane[0] in SKIP_PROC or e.get("cat") in SKIP_CAT:
            continue
        if lane[0] == "Overlap Analysis" and e.get("name") == "thread_sort_index":
            continue  # T3
        name = e.get("name", "")
        if name.startswith("HostToDevice"):
            name = "HostToDevice"
        args = e.get("args", {})
        if e.get("ph") == "M":
            if e.get("name") in ("process_name", "thread_name"):
                args = {}  # the lane key holds them
            if lane[0] in ("Communication", "Overlap Analysis") and e.get("name") == "process_sort_index":
                args = {}  # T2
            key = (name, "M", norm(args))
        else:
            ts = e.get("ts")
            if ts is not None:
                ts = Decimal(str(ts))
                if not lane[0].startswith("Python"):
                    ts -= Decimal(shift) / 1000
            key = (name, e.get("ph"), ts, norm(e.get("dur")), norm(args), e.get("cat"))
        out[lane][key] += 1
    return out


def check_flows(ev, path):
    """Every flow start has an end of the same (cat, id) and the reverse."""
    s, f = collections.Counter(), collections.Counter()
    for e in ev:
        if e.get("ph") == "s":
            s[(e.get("cat"), str(e.get("id")))] += 1
        elif e.get("ph") == "f":
            f[(e.get("cat"), str(e.get("id")))] += 1
    bad = [k for k in set(s) | set(f) if (k in s) != (k in f)]
    for k in bad[:5]:
        print(f"FAIL {path}: flow {k} has {s[k]} start(s) and {f[k]} end(s)")
    return not bad


def main():
    args = sys.argv[1:]
    known, shift = {}, 0
    while args and args[0] in ("--known", "--shift", "--skip-proc", "--skip-cat"):
        if args[0] == "--shift":
            shift = int(args[1])
        elif args[0] == "--skip-proc":
            SKIP_PROC.add(args[1])
        elif args[0] == "--skip-cat":
            SKIP_CAT.add(args[1])
        else:
            lane, _, why = args[1].partition("=")
            known[lane] = why
        args = args[2:]
    if len(args) != 2:
        print("usage: trace_cann_cmp.py [--known 'PROC|THREAD=why']... EXPECTED ACTUAL")
        return 2
    try:
        up, ap = load(args[0]), load(args[1])
    except (OSError, ValueError) as e:
        print(f"FAIL cannot read: {e}")
        return 2
    ok = check_flows(ap, args[1])
    lu, la = lanes(up, shift), lanes(ap)
    for lane in sorted(set(lu) | set(la)):
        u, a = lu.get(lane, collections.Counter()), la.get(lane, collections.Counter())
        both = sum((u & a).values())
        tag = "|".join(lane)
        same = u == a
        why = known.get(tag) or known.get(lane[0] + "|*")
        status = "ok" if same else ("known" if why else "FAIL")
        counts = why.split(" ", 1)[0].split("/") if why else []
        if (not same and len(counts) == 2 and all(c.isdigit() for c in counts) and
                [int(c) for c in counts] != [sum(u.values()) - both, sum(a.values()) - both]):
            status = "FAIL"
            why = f"{why}; counts differ from the expected {counts[0]}/{counts[1]}"
        print(f"{status} {tag}: {both} matched, {sum(u.values()) - both} only upstream, "
              f"{sum(a.values()) - both} only ascprof" + (f" ({why})" if why and not same else ""))
        if not same and (not why or status == "FAIL"):
            ok = False
            for k in list((u - a).elements())[:3]:
                print("   upstream:", k)
            for k in list((a - u).elements())[:3]:
                print("   ascprof: ", k)
        if same and why:
            print(f"FAIL {tag}: equal now, remove it from the known list ({why})")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
