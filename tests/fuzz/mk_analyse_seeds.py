#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_analyse.c into testdata/fuzz/analyse/.

Run from the repository root: python3 tests/fuzz/mk_analyse_seeds.py
Deterministic; only seed_* files are (re)written, crash-* reproducers are left alone. The
input format (option byte, then up to four kind:u8 length:u16le sections) is described at
the top of tests/fuzz/fuzz_analyse.c and in testdata/fuzz/README.md. Not run by meson: the
seeds are committed. Needs no module beyond the standard library.
"""
import os
import struct
import sys

OUT = "testdata/fuzz/analyse"
VLLM0 = "testdata/vllm_profile/node0_41001_20251126100000123_ascend_pt/FRAMEWORK"
VLLM1 = "testdata/vllm_profile/node0_41002_20251126100000125_ascend_pt/FRAMEWORK"
BAD = "testdata/bad/framework"

OP_RANGE, OP_MARK, MEMORY, TRACER_FUNC, TRACER_HASH, GC, PARAM, PY_FUNC_CALL = range(8)
FILES = ["torch.op_range", "torch.op_mark", "torch.memory_usage", "torch.python_tracer_func",
         "torch.python_tracer_hash", "torch.gc_record", "torch.param_tensor_info",
         "torch.python_func_call"]

# option byte (fuzz_analyse.c): bit 0 syscnt, bits 1-2 time reference, bits 3-4 companion
# generation, bit 5 in place, bit 6 run twice, bit 7 profiler_metadata.json
SYSCNT = 0x01
REF_VLLM, REF_BAD, REF_PLUS1, REF_MINUS_MAX = 0 << 1, 1 << 1, 2 << 1, 3 << 1
IN_PLACE, TWICE, METADATA = 0x20, 0x40, 0x80

I64_MIN, I64_MAX, U64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1


def section(kind, data):
    assert len(data) <= 0xFFFF, (kind, len(data))
    return struct.pack("<BH", kind, len(data)) + data


def seed(opt, sections):
    assert len(sections) <= 4
    return bytes([opt]) + b"".join(section(k, d) for k, d in sections)


def read(d, kind):
    with open(os.path.join(d, FILES[kind]), "rb") as f:
        return f.read()


def tlv(fid, s):
    return struct.pack("<HI", fid, len(s)) + s


def record(rtype, payload):
    return struct.pack("<HI", rtype, len(payload)) + payload


def op(start, end, name, seq=-1, pid=4242, tid=4242, fwd=0, scope=0):
    """A G3 torch.op_range record (spec §3.3): 58-byte fixed part, name TLV 2."""
    fixed = struct.pack("<qqqQQQQBB", start, end, seq, pid, tid, tid, fwd, scope, 0)
    return record(1, fixed + tlv(2, name.encode()))


def mark(time, cat, corr, name, pid=4242, tid=4242):
    """A G3 torch.op_mark record (spec §3.4): 40-byte fixed part, name TLV 1."""
    return record(2, struct.pack("<qQQQQ", time, cat, corr, tid, pid) + tlv(1, name.encode()))


def mem(time, ptr, size, alloc, reserved, active, dtype, stream=2, pid=4242, tid=4242):
    """A 77-byte torch.memory_usage record (spec §3.5); dtype 0 malloc, 1 free."""
    return record(3, struct.pack("<qqqqqqqbbBBBQQ", ptr, time, size, alloc, reserved, active,
                                 stream, 20, 0, 0, dtype, 0, tid, pid))


def pyfunc(ts, key, tag, pid=4242, tid=4242):
    """A 33-byte torch.python_tracer_func record (spec §3.6); tag 0 call, 1 return."""
    return struct.pack("<QQQQB", ts, tid, pid, key, tag)


def pyhash(key, value):
    """A G3 torch.python_tracer_hash record (spec §3.7): u64 key, value TLV 1."""
    return record(4, struct.pack("<Q", key) + tlv(1, value.encode()))


def gc(start, end, pid=4242):
    return struct.pack("<QQQ", pid, start, end)


def u64(v):
    return v & U64_MAX


def from_dumps():
    s = {}
    s["seed_vllm_r0_ops"] = seed(SYSCNT | REF_VLLM | METADATA, [
        (OP_RANGE, read(VLLM0, OP_RANGE)), (OP_MARK, read(VLLM0, OP_MARK)),
        (MEMORY, read(VLLM0, MEMORY)), (GC, read(VLLM0, GC))])
    s["seed_vllm_r0_python"] = seed(SYSCNT | REF_VLLM, [
        (OP_RANGE, read(VLLM0, OP_RANGE)), (TRACER_FUNC, read(VLLM0, TRACER_FUNC)),
        (TRACER_HASH, read(VLLM0, TRACER_HASH)), (PARAM, read(VLLM0, PARAM))])
    s["seed_vllm_r1_ops_twice"] = seed(SYSCNT | REF_VLLM | TWICE, [
        (OP_RANGE, read(VLLM1, OP_RANGE)), (OP_MARK, read(VLLM1, OP_MARK)),
        (MEMORY, read(VLLM1, MEMORY)), (GC, read(VLLM1, GC))])
    s["seed_vllm_r1_marks_only_in_place"] = seed(SYSCNT | REF_VLLM | IN_PLACE, [
        (OP_MARK, read(VLLM1, OP_MARK)), (TRACER_FUNC, read(VLLM1, TRACER_FUNC)),
        (TRACER_HASH, read(VLLM1, TRACER_HASH))])
    for name in ["op_range_cut", "op_range_len_past_eof", "memory_unknown_size",
                 "op_mark_unknown_category", "op_mark_unmatched", "op_name_bad_utf8",
                 "op_range_unknown_tlv"]:
        d = os.path.join(BAD, name + "_ascend_pt", "FRAMEWORK")
        s["seed_bad_" + name] = seed(REF_BAD, [
            (OP_RANGE, read(d, OP_RANGE)), (OP_MARK, read(d, OP_MARK)),
            (MEMORY, read(d, MEMORY))])
    d = os.path.join(BAD, "tracer_hash_missing_ascend_pt", "FRAMEWORK")
    s["seed_bad_tracer_hash_missing"] = seed(REF_BAD | TWICE, [
        (OP_RANGE, read(d, OP_RANGE)), (OP_MARK, read(d, OP_MARK)),
        (TRACER_FUNC, read(d, TRACER_FUNC)), (TRACER_HASH, read(d, TRACER_HASH))])
    d = os.path.join(BAD, "g1_python_func_call_ascend_pt", "FRAMEWORK")
    s["seed_bad_g1_python_func_call"] = seed(SYSCNT | REF_BAD, [
        (OP_RANGE, read(d, OP_RANGE)), (OP_MARK, read(d, OP_MARK)),
        (MEMORY, read(d, MEMORY)), (PY_FUNC_CALL, read(d, PY_FUNC_CALL))])
    # no op_range: a companion op_range of generation 2 fixes the numbering
    d = os.path.join(BAD, "op_mark_unmatched_ascend_pt", "FRAMEWORK")
    s["seed_bad_marks_companion_g2"] = seed(REF_BAD | (2 << 3), [
        (OP_MARK, read(d, OP_MARK)), (MEMORY, read(d, MEMORY))])
    s["seed_empty_framework"] = bytes([REF_BAD])
    return s


def extreme():
    s = {}
    # [MIN, MAX] holding two siblings of ~2^63 each: the parent's duration, the children's
    # sum and parent - sum leave int64; a one-point op at MAX; memory alloc at MIN, free at MAX
    ops = (op(I64_MIN + 1, -1, "aten::a") + op(0, I64_MAX - 1, "aten::b") +
           op(I64_MAX, I64_MAX, "aten::c") + op(I64_MIN, I64_MAX, "aten::outer"))
    mems = (mem(I64_MIN, 0x1000, I64_MAX, I64_MAX, I64_MAX, I64_MAX, 0) +
            mem(I64_MAX, 0x1000, I64_MIN, I64_MIN, I64_MIN, I64_MIN, 1))
    marks = (mark(I64_MIN, 0, 0, "aclnnA") + mark(I64_MAX, 1, 1, "aclnnA") +
             mark(I64_MIN, 2, 1, "aclnnA", tid=4250) + mark(I64_MAX, 3, 1, "aclnnA", tid=4250))
    s["seed_extreme_min_max"] = seed(REF_PLUS1, [(OP_RANGE, ops), (MEMORY, mems),
                                                  (OP_MARK, marks)])
    s["seed_extreme_min_max_syscnt"] = seed(SYSCNT | REF_MINUS_MAX, [
        (OP_RANGE, ops), (MEMORY, mems), (OP_MARK, marks)])
    # end < start: by a little and by the whole range; free before malloc
    ops = (op(I64_MAX, I64_MIN, "aten::backwards") + op(1000, 10, "aten::neg") +
           op(0, I64_MIN, "aten::zero_min") + op(I64_MIN, 0, "aten::min_zero") +
           op(-5, 5, "aten::parent"))
    mems = (mem(I64_MAX, 0x2000, -512, 0, 2097152, 0, 1) +
            mem(I64_MIN, 0x2000, 512, 512, 2097152, 512, 0))
    marks = (mark(I64_MAX, 0, 0, "aclnnB") + mark(I64_MIN, 1, 7, "aclnnB") +
             mark(I64_MAX, 2, 7, "aclnnB", tid=4250) + mark(I64_MIN, 3, 7, "aclnnB", tid=4250))
    s["seed_extreme_end_before_start"] = seed(REF_PLUS1, [(OP_RANGE, ops), (MEMORY, mems),
                                                           (OP_MARK, marks)])
    s["seed_extreme_end_before_start_ref3"] = seed(REF_MINUS_MAX | TWICE, [
        (OP_RANGE, ops), (MEMORY, mems), (OP_MARK, marks)])
    # four siblings of 2^62 + 1 ns inside [MIN, MAX]: their durations sum past INT64_MAX
    q = 1 << 62
    ops = b"".join(op(I64_MIN + k * q + k, I64_MIN + (k + 1) * q + k, "aten::s%d" % k)
                   for k in range(3))
    ops += op(I64_MIN + 3 * q + 3, I64_MAX, "aten::s3") + op(I64_MIN, I64_MAX, "aten::all")
    s["seed_extreme_sibling_sum"] = seed(REF_PLUS1 | IN_PLACE, [(OP_RANGE, ops)])
    # Python calls and GC pauses whose raw u64 times wrap around int64
    calls = (pyfunc(0, 1, 0) + pyfunc(u64(I64_MAX), 2, 0) + pyfunc(u64(I64_MIN), 99, 1) +
             pyfunc(U64_MAX, 99, 1) + pyfunc(5, 3, 0) + pyfunc(1, 99, 1))
    hashes = pyhash(1, "a.py(1): f") + pyhash(2, "b.py(2): g") + pyhash(
        99, "__torch_npu_profiler_python_tracer_exit")
    gcs = gc(0, U64_MAX) + gc(u64(I64_MIN), 0) + gc(u64(I64_MAX), u64(I64_MIN))
    ops = op(I64_MIN, I64_MAX, "aten::host")
    s["seed_extreme_python_gc"] = seed(REF_PLUS1 | METADATA, [
        (OP_RANGE, ops), (TRACER_FUNC, calls), (TRACER_HASH, hashes), (GC, gcs)])
    s["seed_extreme_python_gc_syscnt"] = seed(SYSCNT | REF_VLLM, [
        (OP_RANGE, ops), (TRACER_FUNC, calls), (TRACER_HASH, hashes), (GC, gcs)])
    # memory only: blocks with sizes and totals at the int64 ends, a free with no malloc
    mems = (mem(10, 0x3000, I64_MIN, I64_MIN, I64_MAX, I64_MIN, 0) +
            mem(20, 0x3000, I64_MAX, I64_MAX, I64_MIN, I64_MAX, 1) +
            mem(I64_MAX, 0x4000, 1, 1, 1, 1, 1) + mem(I64_MIN, 0x5000, 1, 1, 1, 1, 0))
    s["seed_extreme_memory"] = seed(REF_PLUS1, [
        (OP_RANGE, op(0, 30, "aten::m")), (MEMORY, mems)])
    return s


def main():
    if not os.path.isdir(VLLM0):
        sys.exit("run from the repository root")
    os.makedirs(OUT, exist_ok=True)
    seeds = {**from_dumps(), **extreme()}
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), OUT))


main()
