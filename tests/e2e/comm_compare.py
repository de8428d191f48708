#!/usr/bin/env python3
"""Compares ascprof's communication.json / communication_matrix.json with the upstream chain's as JSON values:
the same keys in the same order, the same values of the same Python type (int / float / str / None), numbers
exactly equal. One exception, N1 of tests/upstream/README.md: upstream's Start Timestamp(us) carries the Python
engine's local-time offset error of the dump, so ours must equal float(upstream - SHIFT_NS) to the double's grain
(0.25 us at today's epoch; the exact upstream decimal is lost in its float).
usage: comm_compare.py OURS UPSTREAM SHIFT_NS   (exit 0 equal, 1 different: the differences are printed)"""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=lambda kv: ("obj", kv))


def diff(a, b, shift_us, path, out):
    if isinstance(a, tuple) and isinstance(b, tuple):
        ka, kb = [k for k, _ in a[1]], [k for k, _ in b[1]]
        if ka != kb:
            out.append(f"{path}: keys {ka[:6]} != {kb[:6]}")
            return
        for (k, x), (_, y) in zip(a[1], b[1]):
            if k == "Start Timestamp(us)" and type(x) is float and type(y) is float:
                if abs(x - (y - shift_us)) > 0.25:
                    out.append(f"{path}/{k}: {x!r} != {y!r} - {shift_us}")
                continue
            diff(x, y, shift_us, f"{path}/{k}", out)
        return
    if type(a) is not type(b):
        out.append(f"{path}: {a!r} ({type(a).__name__}) != {b!r} ({type(b).__name__})")
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {a!r} != {b!r}")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, shift_us, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")


def main():
    out = []
    diff(load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3]) / 1000.0, "", out)
    for line in out[:20]:
        print(line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
