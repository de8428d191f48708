/*
 * ap-gen — writes raw torch_npu `*_ascend_pt` dumps (profiler_info*.json + FRAMEWORK/ binaries + a PROF_*
 * directory of CANN msprof raw data) from a compact text scenario, for end-to-end tests, the README demo and
 * benchmarks. Not for decoder unit fixtures (CONVENTIONS §9: those are hand-written hex). libc only. It is an
 * implementation of the specs independent of lib/'s decoders: nothing here is shared with them.
 *
 * Layouts: ../shared/specs/torch_npu_ascend_pt.md §2.1 (profiler_info), §3.3–§3.9 (records), §3.10
 * (writer generations G1/G2/G3), §4 (time alignment, inverted here). PROF_*: ../shared/specs/cann_prof_raw.md:
 * §1.2 directory name, §1.3 tree, §1.4 slice names / .done / aging-unaging, §1.6 info.json(.N), sample.json,
 * start_info(.N), end_info(.N), host_start.log(.N), dev_start.log.N; §2.2 record header; §2.3 api_event
 * (MsprofApi / MsprofEvent); §2.4 compact records (node_basic_info, node_attr_info, task_track 16/24/40 and _v2,
 * hccl_op_info, memcpy_info, expand_stream_spec); §2.5 additional records (tensor_info, context_id_info,
 * hccl_info, graph_id_map, fusion_op_info); §2.6 hash_dic / type_info_dic; §2.8 how a launch chain nests;
 * §3.1 stars_soc (ACSQ, FFTS+ subtask, other func types; §3.1.3 stream/task id forms); §3.2 ts_track (flip,
 * step trace, task type); §3.3 hwts; §3.5 task-id flips; §3.6 clocks (inverted here).
 *
 * USAGE
 *   ap-gen SCENARIO OUTDIR        write OUTDIR/<dump name>/ (SCENARIO "-" = stdin); existing files of the same
 *                                 names are overwritten, other files in the dump are left alone
 *   ap-gen --synth BYTES OUTDIR [RANK]
 *                                 write OUTDIR/localhost_PID_20251126100000000_ascend_pt (PID = 10000 + 100 × RANK,
 *                                 RANK 0..9999, default 0), a G3 dump of about BYTES holding every FRAMEWORK record
 *                                 kind in the mix of a real Level1 capture; prints its path. Distinct ranks give
 *                                 distinct dumps (name, pid and tids, profiler_info_RANK.json, random seed)
 *   ap-gen --synth-prof BYTES OUTDIR [RANK]
 *                                 the --synth dump plus PROF_* data, about BYTES in all (see --synth-prof below)
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
 *     file PATH S                write a file inside the dump with content S (replacing one written
 *                                before, e.g. a PROF side file)
 *     rm PATH                    remove a file the dump holds (e.g. a PROF side file: dev_start.log.N),
 *                                and the directories this leaves empty (git keeps none)
 *
 *   PROF_* (CANN raw data; cann_prof_raw.md). Times are local ns as above, inverted with §3.6: host records
 *   through host/info.json's CPU frequency and host_start.log (ticks; ns when the frequency is empty or 1000),
 *   device records through info.json.N hwts_frequency, host_start.log.N (cntvct_diff corrected) and
 *   dev_start.log.N; each through its start_info. A time that no raw value gives exactly is written as the
 *   nearest one with a warning. `@N` writes N verbatim; an END may be `+N`. S for a hash field: the string,
 *   hashed (FNV-1a) and written to hash_dic; `#N` writes id N without a dictionary entry. Record directives
 *   write in scenario order; a file is created by its first record.
 *   Dump-level (before any record with a time; a record with a time must not precede them):
 *     prof NAME [chip=910B|910A] [level=l0|l1|l2] [pid=N]
 *        PROF_<6 digits>_<17 digits>_<letters/digits> inside the dump; platform_version 5 / 1; sample.json
 *        prof_level (level0|level1|level2, as the collector writes it); info.json pid (default: the scenario's pid). Its clock defaults to the FRAMEWORK clock of
 *        the syscnt / end_info lines above it: CPU frequency = syscnt freq ("%.6f"), host_start.log = start_cnt /
 *        start_monotonic, host start_info offset = end_info's. Then, by torch_npu §4 (which prefers PROF_*
 *        files), FRAMEWORK times come out as without the PROF dir; ap-gen inverts FRAMEWORK times with the PROF
 *        values whatever they are (freq from CPU[0].Frequency, 100 when empty; reference from host_start.log;
 *        localtime_diff from host/start_info when activities hold NPU).
 *     prof_host [freq=F] [cnt=N] [mono=N] [cnt_diff=N] [begin=US] [begin_mono=N] [end=US] [end_mono=N]
 *        host/info.json CPU[0].Frequency (MHz text, "" allowed), host_start.log cntvct / clock_monotonic_raw /
 *        cntvct_diff, start_info collectionTimeBegin (µs) / clockMonotonicRaw, end_info
 *     prof_device ID [hwts_freq=F] [host_mono=N] [host_cnt=N] [cnt_diff=N] [dev_cnt=N] [dev_mono=N] [begin=US]
 *        [begin_mono=N] [aic=N] [aiv=N]
 *        device_ID/: hwts_frequency (default 50), host_start.log.ID (default 1 ms after the host reference),
 *        dev_start.log.ID, start_info.ID (default the host's), ai_core_num / aiv_num. Devices are also added
 *        (with defaults) by the first record naming them (dev=N; default: the first device, else 0).
 *     prof_slice BYTES [split=0|1]  slice size (default: one slice per file); host slices end at a record
 *        boundary, device ones too unless split=1 (records cut across slices, as older collectors did)
 *     prof_aging 0|1               host records that follow go to unaging.* (0) or aging.* (1, default) files
 *     prof_ids plain|s1000|s2000|expand|expand8000
 *        device stream/task id form of the STARS records that follow (§3.1.3): normal mode plain, S&0x1000 form,
 *        S&0x2000 form; expansion mode plain or S&0x8000 form (EVENT_RECORD / PLACE_HOLDER stay plain); an
 *        expansion mode also writes expand_stream_spec (expandStatus 1) at the host reference time
 *     prof_stream STREAM [dev=N] [task=N] [flip=N]   next task id / flip number of a stream (to reach a wrap)
 *     cann_tid N                   default threadId of CANN host records (default: the scenario's tid)
 *     prof_type LEVEL TYPE NAME    an extra type_info_dic line;  prof_hash S   an extra hash_dic line
 *     prof_raw FILE ITEM...        append raw bytes (as `raw`) to a host stream (aging.compact.task_track) or a
 *        device one (device_N/stars_soc.data); before any record of it, a leading partial record
 *   One record each, explicit fields (host: TIME; tid=N everywhere; level/type names go to type_info_dic):
 *     api START END level=acl|model|node|hccl|runtime|N type=T [item=S] [req=N] [event=1]
 *        §2.3 MsprofApi (event=1: a MsprofEvent start/end pair). T: AscendCL API name (type = family tag << 16 |
 *        index by first use: aclnn 5, aclrt 3, aclop 1, Hccl 7, else 4), node `launch`, hccl `master`/`slave`,
 *        model `execute`/`load`, runtime: an API name (numbered from 0x10000, apart from the task types), or N
 *     node_info TIME op=S [optype=S] [task=GE] [block=N] [mix=N] [flag=N] [len=N]     §2.4.1 (GE: AI_CORE,
 *        AI_CPU, AI_VECTOR_CORE, MIX_AIC, MIX_AIV, FFTS_PLUS, COMMUNICATION... or N)
 *     node_attr TIME op=S attr=S                                             §2.4.2
 *     task_track TIME stream=N task=N type=T [flip=N] [kernel=S] [len=16|24|40] [blocks=N] [ratio=N] [dev=N]
 *     task_track_v2 TIME stream=N task=N type=T [flip=N] [kernel=S] [blocks=N] [dev=N]   §2.4.3 (T: runtime
 *        task type name, KERNEL_AICORE, MEMCPY_ASYNC, FLIP_TASK..., or N)
 *     hccl_op_info TIME [relay=0|1] [retry=0|1] [dtype=N] [alg=S] [count=N] [group=S]   §2.4.4
 *     memcpy_info TIME size=N [max=N] [dir=N]     expand_spec TIME [status=N]         §2.4.5
 *     tensor_info TIME op=S tensors=SPEC          §2.5.1; SPEC = `in|out:FORMAT:DTYPE:d1,d2...` joined by
 *        ';' (FORMAT ND NCHW NHWC NC1HWC0 FRACTAL_Z FRACTAL_NZ NCDHW or N; DTYPE FLOAT FLOAT16 INT8 INT32 UINT8
 *        INT16 INT64 DOUBLE BOOL DT_BF16 or N); more than 5 tensors: several records, same op/time/thread
 *     ctx_info TIME op=S ids=N,N... [level=node|hccl]                                   §2.5.2
 *     hccl_info TIME name=S [group=S] [tag=S] [local= remote= ranks= plane= ctx= notify= stage= role= size=
 *        op= dtype= link= transport= rdma=]                                             §2.5.3
 *     graph_id_map TIME model=S graph=N model_id=N                                      §2.5.3
 *     fusion_op_info TIME op=S ops=S,S... [in=N] [out=N] [weight=N] [ws=N] [total=N]    §2.5.3
 *   Device records (TIME on the device clock; dev=N):
 *     acsq TIME start|end stream=N task=N [sqe=S] [ids=MODE]        §3.1.2 (funcType 0/1)
 *     ffts TIME start|end stream=N task=N ctx=N [subtype=N] [sqe=S] [thread=N] [ids=MODE]   §3.1.4 (34/35)
 *        (S: AI_CORE AI_CPU AIV PLACE_HOLDER EVENT_RECORD EVENT_WAIT NOTIFY_RECORD NOTIFY_WAIT WRITE_VALUE SDMA
 *        PCIE_DMA or N; raw_stream=N raw_task=N instead of stream/task write raw ids verbatim)
 *     stars TIME func=N                        another STARS func type (24 QoS, 26 ACC PMU, 29 low power ...)
 *     ts_flip TIME stream=N task=N flip=N     ts_step TIME stream=N task=N tag=N [index=N] [model=N]
 *     ts_type TIME stream=N task=N type=T [status=N]                 §3.2 (0x0E, 0x0A, 0x0C)
 *     hwts TIME start|end stream=N task=N [sqe=N]                    §3.3 (910A; log type 0/1)
 *   Launch chains from local times (HS HE: host start / end of the launching API on thread tid=N, default
 *   cann_tid; DS DE: device start / end; stream=N (default 2), dev=N, len=16|24|40 (task_track dataLen,
 *   default 40), track=TIME (the task_track time, default HS + 1 host tick, as the runtime reports it; must lie
 *   in (HS, HE], §2.8)). Task ids come from a per-(device, stream) counter; when it passes 65535 it wraps to 0,
 *   the flip number goes up and a FLIP_TASK task_track (task id 0 | flip << 16) at track - 1 tick and a ts_track
 *   flip at DS - 1 tick are written first (§3.5). Each task_track carries task | flip << 16.
 *     kernel HS HE DS DE name=S [type=S] [task=AI_CORE|AI_VECTOR_CORE|AI_CPU|MIX_AIC|MIX_AIV] [kernel=S]
 *        [block=N] [mix=N] [flag=N] [tensors=SPEC] [ctx=N,N...] [info=0|1]
 *        Node-level `launch` api_event [HS, HE] (item = name); at HE (inside the launch): node_basic_info (op
 *        type default = name, block | mix << 16 (mix default 2 for MIX), op flag), tensor_info when tensors=,
 *        context_id_info when ctx= (info=0, or level l0: none of them); a task_track KERNEL_AICORE / AIVEC /
 *        AICPU / MIX_AIC / MIX_AIV (kernel name default = name, numBlocks = block, ratio = mix); on the device
 *        an ACSQ start/end pair (sqe AI_CORE / AIV / AI_CPU) and inside it one FFTS+ subtask pair per context
 *        id (MIX without ctx=: context 0, §3.1.4); on 910A a HWTS start/end pair instead. The enclosing
 *        AscendCL API (`api ... level=acl type=aclnnXxx`) and torch op / dequeue are separate lines.
 *     memcpy HS HE DS DE [api=aclrtMemcpyAsync] [size=N] [dir=N]     AscendCL api_event, MEMCPY_ASYNC task_track
 *        and memcpy_info at track, device SDMA pair
 *     event_record HS HE DS DE [api=aclrtRecordEvent]     event_wait HS HE DS DE [api=aclrtStreamWaitEvent]
 *        AscendCL api_event, EVENT_RECORD / EVENT_WAIT task_track, device pair (sqe EVENT_RECORD / EVENT_WAIT)
 *     hccl HS HE name=S [type=S] [stream=N] [group=S] [count=N] [dtype=N] [alg=S] [relay=0|1] [retry=0|1]
 *        [info=0|1]
 *        an HCCL big op: Node `launch` (item = name, e.g. hcom_allReduce__428_0_1), node_basic_info
 *        COMMUNICATION (op type default hcom_allReduce_; info=0, or level l0: none, as HCCL reports it only
 *        with task-time L1) and hccl_op_info at HE; default stream 5. At Level0 HCCL reports one op-level
 *        master event and no per-task events, hccl_info or context ids: write those with `api ... level=hccl
 *        type=master`, task_track (FFTS_PLUS), acsq and ffts lines
 *     hccl_task HS HE DS DE kind=memcpy|notify_wait|notify_record|rdma_send [name=S] [slave=1] [ctx=N]
 *        [stream=N] [nodev=1] [hccl_info keys]
 *        a small task of the last hccl op (inside its launch, same thread): HCCL-level master (slave) api_event
 *        (item = name, default Memcpy / Notify_Wait / Notify_Record / RDMASend), hccl_info at track (ctxID =
 *        ctx, default 0xFFFFFFFF; size= default 32768, 0 for the notify kinds), with ctx= an HCCL-level
 *        context_id_info [ctx, ctx] and an FFTS+ subtask pair; task_track MEMCPY_ASYNC / NOTIFY_WAIT /
 *        NOTIFY_RECORD / RDMA_SEND on the op's stream (or stream=); device pair (SDMA / NOTIFY_* / WRITE_VALUE),
 *        none with nodev=1 (its device records lost: DS DE only checked)
 *   Example, a kernel launched from a dequeue of aten::mm (host 100 MHz: times on a 10 ns grid; device 50 MHz):
 *     api 1764151200000168797 1764151200000179867 level=acl type=aclnnMm
 *     kernel 1764151200000169597 1764151200000171997 1764151200000173497 +10500 name=aclnnMm_MatMulCommon_MatMulV2
 *        type=MatMulV2 task=AI_CORE block=20 tensors="in:ND:DT_BF16:8,4096;out:ND:DT_BF16:8,6144"
 *   Files per PROF dir: host/{info.json, sample.json, start_info, end_info, host_start.log}, host/data/
 *   {aging|unaging}.api_event.data.slice_M, {aging|unaging}.{compact|additional}.<kind>.slice_M,
 *   unaging.additional.{hash_dic,type_info_dic}.slice_0; device_N/{info.json.N, sample.json, start_info.N,
 *   end_info.N, host_start.log.N, dev_start.log.N}, device_N/data/{stars_soc|ts_track|hwts}.data.N.slice_M;
 *   every slice with a .done file holding `filesize:<bytes>`.
 *
 * TIMES (§4; without a PROF_* dir the analyser takes localtime_diff from end_info)
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
 * --synth-prof: --synth's dump and generator, plus a PROF_* dir (910B, device RANK mod 8, Level1) on its clock
 *   (host_start.log = its start_cnt / start_monotonic at 100 MHz, start_info = its offset): every task the
 *   synthetic task queue dequeues launches, on the dequeue thread and inside the dequeue, what CANN records:
 *   aclnnXxxGetWorkspaceSize + aclnnXxx AscendCL APIs, then per kernel a Node launch, node_basic_info,
 *   tensor_info (two records for 7 tensors), a task_track (dataLen 40) and an ACSQ start/end pair on stream 2
 *   (1–2 kernels per op: RmsNorm + Cast, TransData + MatMulV2, FusedInferAttentionScore (MIX_AIC:
 *   context_id_info and an FFTS+ subtask pair) + ScatterPaKvCache, Add, ViewCopy (AI_CPU) + aclrtMemcpyAsync,
 *   Swish, Mul + Cast); every 4th residual add is an allreduce instead (an HcclAllreduce API around the hcom
 *   launch, node_basic_info, hccl_op_info, 6 HCCL master events with hccl_info and tasks on stream 5); the
 *   aclrtMemcpyAsync follows aclnnInplaceCopy's API, not inside it (§2.8); a STARS record of another func
 *   type per ~512 kernels. Streams 2 and 5 start at task ids 65000 / 65500 and wrap every 65536 tasks (FLIP_TASK
 *   task_track + ts_track flip). The framework part stops at a ProfilerStep boundary once both parts reach
 *   BYTES; PROF_* is about 59 % of the bytes (the FRAMEWORK part is heavy: stacks, memory, Python tracer).
 *   Slices of 64 MiB. 1 GB in 2.6–3.8 s to tmpfs here (about 1.1 s of CPU; --synth alone: 4.0–4.4 s);
 *   deterministic per rank.
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
