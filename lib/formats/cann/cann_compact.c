/* Compact records (spec cann_prof_raw.md §2.2, §2.4): 64 bytes = 24-byte header + 40-byte
 * payload. Pure decoders, and the loader's take of each kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ap/cursor.h"
#include "cann_local.h"
#include "../../base/banned.h"

/* task_track byte @28 of the payload (extInfo byte 4): bits 0-2 mix ratio, §2.4.3 */
#define TRACK_RATIO_MASK 0x07u
/* deviceId: bits 0-11 device id, bits 12-15 device type, §2.4.3 */
#define TRACK_DEVICE_MASK 0x0FFFu
#define TRACK_DEVTYPE_SHIFT 12

void ap_cann_decode_hdr(const uint8_t *p, struct ap_cann_hdr *out)
{
	struct ap_cursor c;

	ap_cursor_init(&c, p, AP_CANN_HDR_SIZE);
	(void)ap_cursor_u16(&c, &out->magic);    /* @0 */
	(void)ap_cursor_u16(&c, &out->level);    /* @2 */
	(void)ap_cursor_u32(&c, &out->type);     /* @4 */
	(void)ap_cursor_u32(&c, &out->tid);      /* @8 */
	(void)ap_cursor_u32(&c, &out->data_len); /* @12 */
	(void)ap_cursor_u64(&c, &out->ts);       /* @16 */
}

/* Checks a compact record's size, magic and dataLen; leaves c on its payload. */
static int open_compact(const uint8_t *p, size_t len, struct ap_cann_hdr *hd, struct ap_cursor *c,
			struct ap_err *err)
{
	ap_cursor_init(c, p, 0);
	if (len != AP_CANN_COMPACT_SIZE)
		return ap_err_set(err, AP_EFORMAT, "compact record of %zu bytes, not %u", len,
				  AP_CANN_COMPACT_SIZE);
	ap_cann_decode_hdr(p, hd);
	if (hd->magic != AP_CANN_MAGIC)
		return ap_err_set(err, AP_EFORMAT, "magic 0x%04x, not 0x%04X", hd->magic,
				  AP_CANN_MAGIC);
	if (hd->data_len > AP_CANN_COMPACT_PAYLOAD)
		return ap_err_set(err, AP_EFORMAT, "dataLen %u (record offset 12) past the %u-byte payload",
				  hd->data_len, AP_CANN_COMPACT_PAYLOAD);
	ap_cursor_init(c, p + AP_CANN_HDR_SIZE, AP_CANN_COMPACT_PAYLOAD);
	return 0;
}

#define CURSOR_BUG(err) ap_err_set((err), AP_EINTERNAL, "compact record: cursor past its end")

int ap_cann_decode_track(const uint8_t *p, size_t len, struct ap_cann_track *out,
			 struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	uint16_t dev = 0, u16 = 0, args_size = 0;
	uint32_t stream = 0, task_id = 0, type32 = 0;
	uint64_t type64 = 0, kernel = 0;
	uint8_t ratio = 0;
	int r = 0, v2;

	AP_FORWARD_IF_ERROR(open_compact(p, len, &hd, &c, err));
	if (hd.type != AP_CANN_RT_TASK_TRACK && hd.type != AP_CANN_RT_TASK_TRACK_V2)
		return ap_err_set(err, AP_EFORMAT, "record type %u is no task_track (802 or 808)",
				  hd.type);
	if (hd.data_len < AP_CANN_TRACK_LEN_V0)
		return ap_err_set(err, AP_EFORMAT,
				  "task_track dataLen %u < %u: the fixed fields are missing",
				  hd.data_len, AP_CANN_TRACK_LEN_V0);
	v2 = hd.type == AP_CANN_RT_TASK_TRACK_V2;
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u16(&c, &dev);                 /* @0 deviceId (+ devType bits 12-15) */
	if (!v2) {
		r |= ap_cursor_u16(&c, &u16);         /* @2 streamId u16 */
		stream = u16;
		r |= ap_cursor_u32(&c, &task_id);     /* @4 taskId: low16 id, high16 flip */
		r |= ap_cursor_u64(&c, &type64);      /* @8 taskType u64 */
		if (!r && type64 > UINT32_MAX)
			return ap_err_set(err, AP_EFORMAT,
					  "task_track taskType %llu (payload offset 8) is no TS task type",
					  (unsigned long long)type64);
		type32 = (uint32_t)type64;
	} else {
		r |= ap_cursor_u16(&c, &u16);         /* @2 reserved */
		r |= ap_cursor_u32(&c, &stream);      /* @4 streamId u32 */
		r |= ap_cursor_u32(&c, &task_id);     /* @8 taskId */
		r |= ap_cursor_u32(&c, &type32);      /* @12 taskType u32 */
	}
	r |= ap_cursor_u64(&c, &kernel);              /* @16 kernelName hash */
	if (hd.data_len == AP_CANN_TRACK_LEN_V2) {
		r |= ap_cursor_u16(&c, &out->num_blocks); /* @24 extInfo numBlocks */
		r |= ap_cursor_u16(&c, &args_size);  /* @26 argsSize */
		r |= ap_cursor_u8(&c, &ratio);            /* @28 bits 0-2 ratio, 3-4 schedMode */
		out->mix_ratio = (uint8_t)(ratio & TRACK_RATIO_MASK);
		out->has_ext = 1;
	}
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	out->kernel_name = hd.data_len >= AP_CANN_TRACK_LEN_V1 ? kernel : 0;
	out->task_type = type32;
	out->stream_id = stream;
	out->task_id = (uint16_t)(task_id & 0xFFFFu);
	out->flip = (uint16_t)(task_id >> 16);
	out->batch = out->flip;
	out->device_id = (uint16_t)(dev & TRACK_DEVICE_MASK);
	out->dev_type = (uint8_t)(dev >> TRACK_DEVTYPE_SHIFT);
	out->data_len = (uint8_t)hd.data_len;
	out->v2 = (uint8_t)v2;
	return 0;
}

int ap_cann_decode_node(const uint8_t *p, size_t len, struct ap_cann_node *out,
			struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	uint32_t block_dim = 0;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_compact(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u64(&c, &out->op_name);   /* @0 */
	r |= ap_cursor_u32(&c, &out->task_type); /* @8 GE task type */
	r |= ap_cursor_u64(&c, &out->op_type);   /* @12 */
	r |= ap_cursor_u32(&c, &block_dim);      /* @20 low16 block num, high16 mix ratio */
	r |= ap_cursor_u32(&c, &out->op_flag);   /* @24 */
	if (r)
		return CURSOR_BUG(err);
	/* @28 opState: not written by the collector; set by the loader from the file (§1.4) */
	out->ts = hd.ts;
	out->tid = hd.tid;
	out->block_dim = (uint16_t)(block_dim & 0xFFFFu);
	out->mix_ratio = (uint16_t)(block_dim >> 16);
	return 0;
}

int ap_cann_decode_node_attr(const uint8_t *p, size_t len, struct ap_cann_node_attr *out,
			     struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_compact(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u64(&c, &out->op_name);   /* @0 */
	r |= ap_cursor_u32(&c, &out->attr_type); /* @8 */
	r |= ap_cursor_u64(&c, &out->attr);      /* @12 hashId */
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	return 0;
}

int ap_cann_decode_hccl_op(const uint8_t *p, size_t len, struct ap_cann_hccl_op *out,
			   struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	uint8_t flags = 0;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_compact(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u8(&c, &flags);            /* @0 bit0 relay, bit1 retry */
	r |= ap_cursor_u8(&c, &out->data_type);   /* @1 */
	r |= ap_cursor_u64(&c, &out->alg_type);   /* @2 */
	r |= ap_cursor_u64(&c, &out->count);      /* @10 */
	r |= ap_cursor_u64(&c, &out->group_name); /* @18 */
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	out->relay = flags & 1u;
	out->retry = (flags >> 1) & 1u;
	return 0;
}

int ap_cann_decode_memcpy(const uint8_t *p, size_t len, struct ap_cann_memcpy *out,
			  struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_compact(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u64(&c, &out->data_size);  /* @0 */
	r |= ap_cursor_u64(&c, &out->max_size);   /* @8 */
	r |= ap_cursor_u16(&c, &out->direction);  /* @16 */
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	return 0;
}

int ap_cann_decode_capture(const uint8_t *p, size_t len, struct ap_cann_capture *out,
			   struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;
	int r = 0;

	AP_FORWARD_IF_ERROR(open_compact(p, len, &hd, &c, err));
	memset(out, 0, sizeof(*out));
	r |= ap_cursor_u16(&c, &out->capture_status);     /* @0 */
	r |= ap_cursor_u16(&c, &out->model_stream_id);    /* @2 */
	r |= ap_cursor_u16(&c, &out->original_stream_id); /* @4 */
	r |= ap_cursor_u16(&c, &out->model_id);           /* @6 */
	r |= ap_cursor_u16(&c, &out->device_id);          /* @8 */
	if (r)
		return CURSOR_BUG(err);
	out->ts = hd.ts;
	out->tid = hd.tid;
	return 0;
}

int ap_cann_decode_expand(const uint8_t *p, size_t len, uint8_t *status, struct ap_err *err)
{
	struct ap_cann_hdr hd;
	struct ap_cursor c;

	AP_FORWARD_IF_ERROR(open_compact(p, len, &hd, &c, err));
	if (ap_cursor_u8(&c, status) < 0)                 /* @0 expandStatus */
		return CURSOR_BUG(err);
	return 0;
}

/* Appends one element to a model table reserved from the file sizes (grows if needed). */
#define PUSH(vec) (ap_vec_reserve(&(vec), 1) < 0 ? (void *)0 : (void *)&(vec).v[(vec).n++])

static void note_track_len(struct ap_cann__loader *l, uint8_t data_len)
{
	if (data_len == AP_CANN_TRACK_LEN_V0 || data_len == AP_CANN_TRACK_LEN_V1 ||
	    data_len == AP_CANN_TRACK_LEN_V2)
		return;
	if (!l->track_len.n++) {
		l->track_len.off = l->rec_off;
		l->track_len.val = data_len;
	}
}

/* Decodes the record at p with dec into a T and appends it to the table vec. */
#define TAKE(dec, T, vec, what)                                                                 \
	do {                                                                                    \
		T t_, *d_;                                                                      \
		r = dec(p, AP_CANN_COMPACT_SIZE, &t_, e);                                       \
		if (r == 0) {                                                                   \
			if (!(d_ = PUSH(vec)))                                                  \
				return ap_cann__oom(l, what " table of %zu records", (vec).n); \
			*d_ = t_;                                                               \
		}                                                                               \
	} while (0)

int ap_cann__take_compact(struct ap_cann__loader *l, enum ap_cann__kind k, const uint8_t *p)
{
	struct ap_cann_host *h = l->h;
	struct ap_err *e = ap_cann__rec_err(l);
	uint8_t status = 0;
	int r;

	switch (k) {
	case AP_CANN_K_TRACK:
	case AP_CANN_K_TRACK_V2:
		TAKE(ap_cann_decode_track, struct ap_cann_track, h->tracks, "task_track");
		if (r == 0) {
			struct ap_cann_track *t = &h->tracks.v[h->tracks.n - 1];

			t->aging = (uint8_t)(l->aging ? 1 : 0);
			note_track_len(l, t->data_len);
			h->has_track_v2 |= t->v2;
		}
		break;
	case AP_CANN_K_NODE:
		TAKE(ap_cann_decode_node, struct ap_cann_node, h->nodes, "node_basic_info");
		if (r == 0) /* §1.4: unaging records are static (0), aging ones dynamic (1) */
			h->nodes.v[h->nodes.n - 1].op_state = (uint8_t)(l->aging ? 1 : 0);
		break;
	case AP_CANN_K_ATTR:
		TAKE(ap_cann_decode_node_attr, struct ap_cann_node_attr, h->attrs, "node_attr_info");
		break;
	case AP_CANN_K_HCCL_OP:
		TAKE(ap_cann_decode_hccl_op, struct ap_cann_hccl_op, h->hccl_ops, "hccl_op_info");
		if (r == 0) { /* for the HCCL diagnostics */
			h->hccl_ops.v[h->hccl_ops.n - 1].off = l->rec_off;
			h->hccl_ops.v[h->hccl_ops.n - 1].file = l->fidx;
		}
		break;
	case AP_CANN_K_MEMCPY:
		TAKE(ap_cann_decode_memcpy, struct ap_cann_memcpy, h->memcpys, "memcpy_info");
		break;
	case AP_CANN_K_CAPTURE:
		TAKE(ap_cann_decode_capture, struct ap_cann_capture, h->captures,
		     "capture_stream_info");
		break;
	case AP_CANN_K_EXPAND:
		r = ap_cann_decode_expand(p, AP_CANN_COMPACT_SIZE, &status, e);
		if (r == 0 && status == 1)
			h->expand_stream = 1;
		break;
	default:
		return ap_err_set(NULL, AP_EINTERNAL, "not a compact kind");
	}
	if (r < 0)
		ap_cann__bad_record(l, &l->rec_err);
	else
		h->files.v[l->fidx].records++;
	return 0;
}
