#!/usr/bin/env python3
"""Compares two canonical profiler.db dumps (tests/e2e/svc_db_dump.sh): upstream's EXPECTED and
ours ACTUAL, after the deviations docs/compatibility.md lists for the service path:
- literal 'None' / 'nan' strings of upstream's object columns are NULL in ours;
- upstream's local-time columns (latency tables and their curves; the expected files were made
  with TZ=UTC) are UTC+8 in ours: EXPECTED's are shifted by 8 hours before comparing;
- kvcache times keep their microseconds in ours (upstream cuts them: ours are cut here too);
- batch's start_time(ms)/end_time(ms) are ms in ours (upstream: µs): compared numerically;
- track ids (thread, slice, flow) follow Python set order upstream: compared as (pid, lane).
Prints one line per table or view and exits 1 when any differs.
usage: svc_db_compare.py EXPECTED ACTUAL"""
import datetime
import re
import sys


def sections(path):
    out, cur = {}, None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('== '):
                cur = line[3:]
                out[cur] = []
            elif cur is not None:
                out[cur].append(line)
    return out


def split_row(line):
    # quote mode: strings '...' with '' doubled; fields separated by '|'
    fields, i, n = [], 0, len(line)
    while i <= n:
        if i < n and line[i] == "'":
            j = i + 1
            while True:
                j = line.index("'", j)
                if j + 1 < n and line[j + 1] == "'":
                    j += 2
                    continue
                break
            fields.append(line[i:j + 1])
            i = j + 2
        else:
            j = line.find('|', i)
            j = n if j < 0 else j
            fields.append(line[i:j])
            i = j + 1
    return fields


LOCAL_TIME = {'table first_token_latency', 'table req_latency', 'table prefill_gen_speed',
              'table decode_gen_speed', 'view First_Token_Latency_curve',
              'view Request_Latency_curve', 'view Prefill_Generate_Speed_Latency_curve',
              'view Decode_Generate_Speed_Latency_curve'}
TS = re.compile(r"'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)([.:]\d{6})?'")


def plus8(m):
    t = datetime.datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S') + datetime.timedelta(hours=8)
    return "'" + t.strftime('%Y-%m-%d %H:%M:%S') + (m.group(2) or '') + "'"


def norm(name, rows, expected, tracks):
    head = [r for r in rows if r.startswith('# ') or r.startswith('!')]
    body = [r for r in rows if not (r.startswith('# ') or r.startswith('!'))]
    cols = [h.split('|')[1] for h in head if h.startswith('# ')]
    out = []
    for r in body:
        f = split_row(r)
        if expected:
            f = ['NULL' if x in ("'None'", "'nan'") else x for x in f]
            if name in LOCAL_TIME:
                f = [TS.sub(plus8, x) for x in f]
        if name in ('table kvcache', 'view kvcache_usage', 'view Kvcache_Usage_Percent_curve'):
            f = [re.sub(r"^'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d):\d{6}'$", r"'\1'", x) for x in f]
        if name in ('table batch', 'view batch_info'):
            for c in ('start_time(ms)', 'end_time(ms)'):
                if c in cols:
                    k = cols.index(c)
                    v = float(f[k]) / (1000.0 if expected else 1.0)
                    f[k] = '%.6f' % v
        if name in ('table slice', 'table flow') and 'track_id' in cols:
            k = cols.index('track_id')
            f[k] = tracks.get(f[k], f[k])
            if name == 'table slice' and 'id' in cols:
                f[cols.index('id')] = ''
            if name == 'table flow' and 'id' in cols:
                f[cols.index('id')] = ''
        if name == 'table thread':
            f[0] = ''
        out.append('|'.join(f))
    return head, sorted(out)


def track_map(sec):
    m = {}
    for r in sec.get('table thread', []):
        if r.startswith('#') or r.startswith('!'):
            continue
        f = split_row(r)
        m[f[0]] = f[2] + '/' + f[1]
    return m


def main():
    exp, act = sections(sys.argv[1]), sections(sys.argv[2])
    te, ta = track_map(exp), track_map(act)
    bad = 0
    for name in sorted(set(exp) | set(act)):
        if name not in act or name not in exp:
            print('FAIL: %s only in %s' % (name, 'expected' if name in exp else 'actual'))
            bad += 1
            continue
        he, re_ = norm(name, exp[name], True, te)
        ha, ra = norm(name, act[name], False, ta)
        if he != ha or re_ != ra:
            print('FAIL: %s' % name)
            for x, y in zip(he + re_, ha + ra):
                if x != y:
                    print('  expected: %s\n  actual:   %s' % (x[:200], y[:200]))
                    break
            bad += 1
        else:
            print('ok: %s' % name)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
