/*
 * gen_synth_layer.c — one decoder layer of ap-gen --synth as a vLLM-style forward launches it (the ops in pre-order
 * with child counts), and what is built once from it: each op's op_range TLV fields (§3.3: name, input types,
 * dims, tensors, call stack, module), its op_mark name (§3.4), and the names of the Python frames around it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_local.h"

/* One decoder layer as launched by a vLLM-style forward: pre-order with child counts. */
const struct ap_gen_synth_op ap_gen__synth_layer[AP_GEN_LAYER_OPS] = {
	{"npu::npu_rms_norm", "c10::BFloat16;c10::BFloat16", "8,4096;4096",
	 "vllm/model_executor/layers/layernorm.py(120): forward_oot", "Qwen2DecoderLayer.input_layernorm",
	 "aclnnRmsNorm", 0, 90},
	{"aten::linear", "c10::BFloat16;c10::BFloat16;", "8,4096;6144,4096;",
	 "vllm/model_executor/layers/linear.py(540): forward", "Qwen2Attention.qkv_proj", NULL, 2, 40},
	{"aten::t", "c10::BFloat16", "6144,4096", "vllm/model_executor/layers/linear.py(540): forward",
	 "Qwen2Attention.qkv_proj", NULL, 0, 12},
	{"aten::matmul", "c10::BFloat16;c10::BFloat16", "8,4096;4096,6144",
	 "vllm/model_executor/layers/linear.py(540): forward", "Qwen2Attention.qkv_proj", NULL, 1, 25},
	{"aten::mm", "c10::BFloat16;c10::BFloat16", "8,4096;4096,6144",
	 "vllm/model_executor/layers/linear.py(540): forward", "Qwen2Attention.qkv_proj", "aclnnMm", 0, 110},
	{"npu::npu_fused_infer_attention_score", "c10::BFloat16;c10::BFloat16;c10::BFloat16;;;long int",
	 "8,1,4096;1024,128,512;1024,128,512;;;8", "vllm_ascend/attention/attention_v1.py(402): forward",
	 "Qwen2Attention.attn", "aclnnFusedInferAttentionScore", 0, 160},
	{"aten::empty", "ScalarList;Scalar;Scalar;Scalar;Scalar;None", ";;;;;",
	 "vllm_ascend/attention/attention_v1.py(388): forward", "Qwen2Attention.attn", NULL, 0, 9},
	{"aten::add_", "c10::BFloat16;c10::BFloat16;Scalar", "8,4096;8,4096;",
	 "vllm/model_executor/models/qwen2.py(231): forward", "Qwen2DecoderLayer", "aclnnInplaceAdd", 0, 60},
	{"aten::copy_", "c10::BFloat16;c10::BFloat16;Scalar", "8,4096;8,4096;",
	 "vllm/model_executor/models/qwen2.py(233): forward", "Qwen2DecoderLayer", "aclnnInplaceCopy", 0, 55},
	{"aten::silu", "c10::BFloat16", "8,11008", "vllm/model_executor/layers/activation.py(84): forward_oot",
	 "Qwen2MLP.act_fn", "aclnnSilu", 0, 50},
	{"aten::mul", "c10::BFloat16;c10::BFloat16", "8,11008;8,11008",
	 "vllm/model_executor/layers/activation.py(85): forward_oot", "Qwen2MLP.act_fn", "aclnnMul", 0, 45},
};

/* Field 5 (Input Tensors, §3.3): "impl;ptr;dtype;dtype_size;sizes;strides;device_type;device_index" per tensor
 * input (types and dims tokens side by side), joined by ')'. Strides are those of a contiguous tensor. */
static void tensors_field(struct ap_gen_buf *out, const char *types, const char *dims, uint64_t ptr)
{
	struct ap_gen_buf f = {0};
	const char *t = types, *d = dims;
	for (;;) {
		const char *te = strchr(t, ';'), *de = strchr(d, ';');
		size_t tl = te ? (size_t)(te - t) : strlen(t), dl = de ? (size_t)(de - d) : strlen(d);
		if (dl && tl && strncmp(t, "Scalar", 6) != 0) {
			int64_t sz[8], stride = 1;
			int n = 0;
			for (const char *p = d; p < d + dl && n < 8; p++)
				if (p == d || p[-1] == ',')
					sz[n++] = strtoll(p, NULL, 10);
			if (f.len)
				put_u8(&f, ')');
			ap_gen__printf(&f, "%llu;%llu;%.*s;%d;%.*s;", (unsigned long long)(ptr + 0x5a0000000000ULL),
				       (unsigned long long)ptr, (int)tl, t, strstr(t, "long") ? 8 : 2, (int)dl, d);
			char st[128];
			size_t sl = sizeof(st);
			st[--sl] = '\0';
			for (int k = n - 1; k >= 0; k--) {
				char num[24];
				int nl = snprintf(num, sizeof(num), "%s%lld", k == n - 1 ? "" : ",", (long long)stride);
				if ((size_t)nl > sl)
					break;
				sl -= (size_t)nl;
				memcpy(st + sl, num, (size_t)nl);
				stride *= sz[k];
			}
			ap_gen__printf(&f, "%s;20;0", st + sl);
			ptr += 0x200000;
		}
		if (!te || !de)
			break;
		t = te + 1;
		d = de + 1;
	}
	if (f.len)
		tlv(out, 5, f.p, f.len);
	free(f.p);
}

void ap_gen__synth_blobs(struct ap_gen_synth *g, struct ap_gen_synth_blobs *s)
{
	static const char stack_rest[] =
		";vllm/model_executor/models/qwen2.py(360): forward;torch/nn/modules/module.py(1750): _call_impl;"
		"vllm_ascend/worker/model_runner_v1.py(1422): execute_model;vllm/v1/worker/worker_base.py(210): "
		"execute_model";
	char cname[160];
	for (int i = 0; i < AP_GEN_LAYER_OPS; i++) {
		const struct ap_gen_synth_op *op = &ap_gen__synth_layer[i];
		struct ap_gen_buf *b = &s->op[i], stack = {0};
		tlv(b, 2, op->name, strlen(op->name));
		tlv(b, 3, op->type, strlen(op->type));
		tlv(b, 4, op->dims, strlen(op->dims));
		tensors_field(b, op->type, op->dims, 0x12c100000000ULL + (uint64_t)i * 0x1000000);
		puts_(&stack, op->stack_tail);
		puts_(&stack, stack_rest);
		tlv(b, 8, stack.p, stack.len);
		free(stack.p);
		tlv(b, 9, op->module, strlen(op->module));
		if (op->kernel)
			tlv(&s->mark[i], 1, op->kernel, strlen(op->kernel));
		s->py_fn[i] = ap_gen__synth_py_name(g, op->stack_tail);
		const char *fn = strstr(op->name, "::");
		snprintf(cname, sizeof(cname), "<built-in method %s of PyCapsule object at 0xfffe9c1a3e40>",
			 fn ? fn + 2 : op->name);
		s->py_c[i] = ap_gen__synth_py_name(g, cname);
	}
	static const char bn[] = "autograd::engine::evaluate_function: MmBackward0",
			  en[] = "vllm.model_runner.execute_model", et[] = "empty_tensor",
			  mw[] = "malloc_workspace", ms[] = "vllm/model_executor/layers/linear.py(540): forward";
	tlv(&s->bwd, 2, bn, strlen(bn));
	tlv(&s->exec, 2, en, strlen(en));
	tlv(&s->empty, 2, et, strlen(et));
	tlv(&s->empty, 8, ms, strlen(ms));
	tlv(&s->ws, 2, mw, strlen(mw));
	tlv(&s->ws, 8, ms, strlen(ms));
	s->py_exec = ap_gen__synth_py_name(g, "vllm_ascend/worker/model_runner_v1.py(1422): execute_model");
	s->py_call_impl = ap_gen__synth_py_name(g, "torch/nn/modules/module.py(1750): _call_impl");
	s->py_layer_fwd = ap_gen__synth_py_name(g, "vllm/model_executor/models/qwen2.py(231): forward");
	s->py_model = ap_gen__synth_py_name(g, "Qwen2ForCausalLM######281472812461056");
	for (int l = 0; l < AP_GEN_LAYERS; l++) {
		snprintf(cname, sizeof(cname), "Qwen2DecoderLayer######%llu", 281472812462080ULL + 4096ULL * (unsigned)l);
		s->py_layer[l] = ap_gen__synth_py_name(g, cname);
	}
	static const char *const helpers[4] = {
		"vllm/forward_context.py(146): get_forward_context", "vllm/distributed/parallel_state.py(1012): get_tp_group",
		"torch/_ops.py(1158): __call__", "<built-in method is_grad_enabled of type object at 0xfffe9c0b2c80>",
	};
	for (int k = 0; k < 4; k++)
		s->py_helper[k] = ap_gen__synth_py_name(g, helpers[k]);
	s->py_wait = ap_gen__synth_py_name(g, "threading.py(331): wait");
	s->py_acquire = ap_gen__synth_py_name(g, "<method 'acquire' of '_thread.lock' objects>");
	g->py_exit_key = ap_gen__fnv1a((const unsigned char *)AP_GEN_EXIT_NAME, strlen(AP_GEN_EXIT_NAME));
}

void ap_gen__synth_blobs_release(struct ap_gen_synth_blobs *s)
{
	for (int i = 0; i < AP_GEN_LAYER_OPS; i++) {
		free(s->op[i].p);
		free(s->mark[i].p);
	}
	free(s->bwd.p);
	free(s->exec.p);
	free(s->empty.p);
	free(s->ws.p);
}
