/*
 * ap-gen — writes raw torch_npu `*_ascend_pt` dumps (profiler_info*.json + FRAMEWORK/ binaries) from a
 * compact text scenario, for end-to-end tests, the README demo and benchmarks. Not for decoder unit
 * fixtures (CONVENTIONS §9: those are hand-written hex). libc only.
 *
 * Layouts: ../shared/specs/torch_npu_ascend_pt.md §2.1 (profiler_info), §3.3–§3.9 (records), §3.10
 * (writer generations G1/G2/G3), §4 (time alignment, inverted here).
 *
 * USAGE
 *   ap-gen SCENARIO OUTDIR        write OUTDIR/<dump name>/ (SCENARIO "-" = stdin); existing files of the same
 *                                 names are overwritten, other files in the dump are left alone
 *   ap-gen --synth BYTES OUTDIR [RANK]
 *                                 write OUTDIR/localhost_PID_20251126100000000_ascend_pt (PID = 10000 + 100 × RANK,
 *                                 RANK 0..9999, default 0), a G3 dump of about BYTES holding every FRAMEWORK record
 *                                 kind in the mix of a real Level1 capture; prints its path. Distinct ranks give
 *                                 distinct dumps (name, pid and tids, profiler_info_RANK.json, random seed)
 *   Exit 0 ok (warnings on stderr), 1 error, 2 usage.
 *
 * SCENARIO SYNTAX (one directive per line)
 *   Tokens are separated by blanks. A token starting with '#' begins a comment (so ProfilerStep#3 is fine).
 *   A token is bare (`aten::add`), "quoted" (escapes \" \\ \n \r \t \xHH; \xHH may inject invalid UTF-8 or
 *   NUL), or KEY=VALUE with a bare or quoted VALUE (`stack="a.py(1): f;b.py(2): g"`). Unknown keys are errors.
 *   N: decimal or 0x-hex integer, may be negative; 64-bit fields take -2^63 .. 2^64-1 (two's complement).
 *   TIME: local wall-clock ns, i.e. what the analyser must print; inverted to the raw clock with §4 (see
 *         TIMES below). `@N` writes N verbatim as the raw value.
 *   END (op, gc): a TIME, or `+N` = START + N ns.
 *
 *   Dump-level directives (last one wins):
 *     dump NAME                  output directory name (required), e.g. node0_41001_20251126100000123_ascend_pt
 *     gen 1|2|3                  writer generation (§3.10), default 3
 *     memsize 58|75|76|77        torch.memory_usage layout; default 75 (gen 1), 76 (gen 2), 77 (gen 3);
 *                                a size/generation pair no release wrote draws a warning
 *     rank N | rank "N"          profiler_info_N.json with "rank_id": N (int) or "N" (string, as from env RANK);
 *                                without it: profiler_info.json, no rank_id
 *     info_name FILE | info omit other name for the profiler_info file / write none
 *     activities CPU NPU         common_config.activities (default CPU NPU)
 *     schedule JSON              raw JSON for common_config.schedule (default null)
 *     flags NAME[=0|1]...        record_shapes profile_memory with_stack with_flops with_modules (common_config);
 *                                l2_cache msprof_tx data_simplification record_op_args op_attr
 *                                (experimental_config); bare NAME = true. Defaults: all false except
 *                                data_simplification
 *     level NAME                 _profiler_level (default Level0)
 *     aic_metrics NAME           _aic_metrics (default ACL_AICORE_NONE)
 *     export text [db]           _export_type as a list (default ["text"]); `export_str text` writes a string
 *     gc_threshold JSON          _gc_detect_threshold (default null)
 *     expcfg KEY JSON|-          set a raw experimental_config entry (`-` removes it); a new key is placed
 *                                in master's __init__ order (_mstx after _msprof_tx, _host_sys after
 *                                _export_type, _mstx_domain_include/_exclude, _sys_io, _sys_interconnection
 *                                last), unknown keys at the end
 *     syscnt 0|1 [freq F] [start_cnt N] [start_monotonic N]   start_info (pairs may also be KEY=VALUE);
 *                                F is written verbatim (100, 100.0, 38.4); defaults 0, 100, 0, 0.
 *                                `syscnt omit` writes no start_info (syscnt off)
 *     end_info COLLECTION_END MONOTONIC_END | end_info omit   (default omitted: local = monotonic)
 *     torch_npu_version S, cann_version S     optional profiler_info strings
 *     metadata JSON              write profiler_metadata.json with exactly this text
 *     pid N, tid N               default pid / tid of the records that follow (default 1000 / 1000)
 *
 *   Records, written to their FRAMEWORK file in the order given:
 *     op START END name=S [seq=N] [fwd=TID] [pid=N] [tid=N] [endtid=N] [scope=N] [async=0|1] [type=S]
 *        [dims=S] [tensors=S] [tensorlists=S] [scalars=S] [stack=S] [module=S] [flops=S] [tlvID=S]... [rtype=N]
 *        torch.op_range (§3.3). seq defaults to -1, fwd/scope/async to 0, endtid to tid. An attribute left
 *        out is not written; `dims=""` writes an empty field. tlvID=S adds a raw TLV field with id ID (after the
 *        named ones); rtype overrides the record type. G1 has no tensors/tensorlists/scalars, G2 no tensorlists.
 *     mark TIME cat=C [corr=N] [name=S] [pid=N] [tid=N] [tlvID=S]... [rtype=N]
 *        torch.op_mark (§3.4); C = 0..3 or enq_start enq_end deq_start deq_end; corr defaults to 0
 *     mem TIME ptr=N size=N alloc=N reserved=N [active=N] [stream=N] [devtype=N|npu|cpu] [devidx=N] [comp=N]
 *         [dtype=N|malloc|free|block_free] [alloctype=N] [pid=N] [tid=N] [rtype=N]
 *        torch.memory_usage (§3.5) in the memsize layout; size = alloc_size, alloc/reserved/active = totals;
 *        devtype defaults to npu (20); a non-zero field the layout lacks draws a warning and is dropped
 *     py TIME tag=T [name=S] [key=N] [pid=N] [tid=N]
 *        T = 0..3 or call return c_call c_return. Gen 2/3: torch.python_tracer_func (§3.6); a call's key is a
 *        64-bit FNV-1a hash of name, a return's the hash of __torch_npu_profiler_python_tracer_exit; key= overrides
 *        (with name=: that key maps to name). torch.python_tracer_hash (§3.7) gets one record per distinct
 *        key→name in first-use order, plus the exit name, after anything `raw` put there (upstream's key
 *        hash differs; only the key↔name pairing matters). Gen 1: a TLV record of torch.python_func_call instead
 *        (25-byte fixed part ts,tid,pid,tag + name field 2; a format ascprof rejects as unsupported).
 *     pymod idx=N uid=S name=S [pid=N] [tid=N]   gen 1 only: torch.python_module_call (24 B + fields 2, 3)
 *     hash KEY S                 an extra torch.python_tracer_hash record (gen 2/3)
 *     gc START END [pid=N]       torch.gc_record (§3.9)
 *     param key=N [module=S] [optim=S] [rtype=N]   torch.param_tensor_info (§3.8, gen 2/3)
 *   Raw edits (for corrupt-input tests):
 *     raw FILE ITEM...           append to FRAMEWORK/FILE: hex digits (`0a0b`), "string", u8:N u16:N u32:N u64:N
 *                                (little-endian); with no ITEM it just creates FILE
 *     truncate FILE N            drop the last N bytes written so far to FRAMEWORK/FILE
 *     rename FILE NEWNAME        write FRAMEWORK/FILE under NEWNAME (e.g. torch.op_range.1)
 *     mkdir PATH                 create a directory inside the dump (e.g. an empty FRAMEWORK or PROF_* dir)
 *     file PATH S                write a file inside the dump with content S
 *
 * TIMES (§4, no PROF_* dir is written, so the analyser takes localtime_diff from end_info)
 *   diff = collectionTimeEnd - MonotonicTimeEnd (0 without end_info); mono = local - diff.
 *   syscnt off: raw = mono. syscnt on: the analyser computes mono' = trunc((double)(raw - start_cnt) *
 *   (1000.0 / freq)) + start_monotonic; ap-gen writes the smallest raw with mono' == mono. When no raw maps
 *   exactly (freq 100 MHz: 10 ns steps) it takes the nearest representable time (ties: the earlier), warns on
 *   stderr and the analyser will print that time. Every value is checked with the forward formula.
 *
 * --synth: G3, syscnt on at 100 MHz, Level1, record_shapes + profile_memory + with_stack + with_modules,
 *   _gc_detect_threshold set, one process; what a vLLM-style decode loop captured that way writes:
 *   - torch.op_range: a forward thread whose ProfilerStep#N roots (scope 7) hold vllm.model_runner.execute_model
 *     and 28 decoder layers of nested aten/npu ops with shapes, input tensors, stacks and module paths (written
 *     at op end, children first, as RecordFunction does), some with empty_tensor / malloc_workspace children
 *     around an allocation; a backward thread with one MmBackward0 (fwd = forward tid, the forward aten::mm's
 *     sequence number) per layer.
 *   - torch.op_mark: each launching op queues one or more tasks: enqueue start (corr 0) / end on the forward
 *     thread, dequeue start / end on a dequeue thread that runs one task at a time, sharing a correlation id.
 *   - torch.memory_usage (77 B): NPU malloc / free / block free lifecycles with reused pointers and running
 *     totals, mostly the inner caching allocator (allocator 0), some allocator 1 and workspace (component 1)
 *     blocks; mallocs on the forward thread inside ops and on the dequeue thread inside dequeues; a pinned CPU
 *     block per step. Each thread's records reach the file in batches, so it is not globally time sorted.
 *   - torch.python_tracer_func / _hash: Python and C call / return pairs nested on the forward thread (layers as
 *     nn.Module calls "Qwen2DecoderLayer######ADDRESS", each op under its Python frame and C call, helper
 *     calls between ops) and a lock wait on another thread; per-thread batches; the hash file at the end.
 *   - torch.gc_record: GC pauses between ops, in time order. torch.param_tensor_info: a few module records.
 *   Proportions, held at every size by steering each kind against the op_range bytes written so far: per 160 MB,
 *   52 MB op_range, 50 op_mark, 42 memory_usage, 14 python_tracer_func, 1.7 gc_record (and a few KB of hash and
 *   param records). Deterministic (fixed-seed LCG); writes go through 8 MiB buffers (about 0.85 GB/s of CPU
 *   time here).
 *
 * The program is split by pass (gen_local.h lists the files); this file holds its command line.
 */
#include <stdio.h>
#include <string.h>

#include "gen_local.h"

int main(int argc, char **argv)
{
	int rc;
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "--synth") == 0)
		rc = ap_gen__run_synth(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	else if ((argc == 4 || argc == 5) && strcmp(argv[1], "--synth-prof") == 0)
		rc = ap_gen__run_synth_prof(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	else if (argc == 3 && argv[1][0] != '-')
		rc = ap_gen__run_scenario(argv[1], argv[2]);
	else if (argc == 3 && strcmp(argv[1], "-") == 0)
		rc = ap_gen__run_scenario(argv[1], argv[2]);
	else {
		fputs("usage: ap-gen SCENARIO OUTDIR\n       ap-gen --synth BYTES OUTDIR [RANK]\n"
		      "       ap-gen --synth-prof BYTES OUTDIR [RANK]\n",
		      stderr);
		rc = 2;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = rc ? rc : 1;
	return rc;
}
