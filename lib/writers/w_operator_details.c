/* operator_details.csv (spec torch_npu_ascend_pt.md §8.3; upstream OperatorViewParser).
 * The device columns are the sums of ap_kernel_rel; a sum without a float term prints the
 * integer 0, as Python's sum() of no float does. */
#include <string.h>

#include "ap/checked.h"
#include "ap/fmt.h"
#include "ap/out.h"
#include "ap/views.h"
#include "../base/banned.h"

static const char *const operator_details_cols[] = {
#define AP_COL(name) name,
#include "../../schemas/operator_details.def"
#undef AP_COL
};

#define STEP_MARK "ProfilerStep#"

static int is_profiler_step(const char *name)
{
	return name && strstr(name, STEP_MARK) != NULL;
}

/* ,<field>: an absent string is an empty field. */
static void put_field(struct ap_out *o, struct ap_esc_cache *c, uint32_t id)
{
	ap_out_putc(o, ',');
	if (id != AP_STR_NONE)
		ap_out_str_id(o, c, id);
}

static void put_us_float(struct ap_out *o, int64_t ns)
{
	char b[AP_FMT_MAX + 1];

	b[0] = ',';
	ap_out_write(o, b, 1 + ap_fmt_ns_us_float(b + 1, ns));
}

/* ,<sum>: Python's repr of the float sum, or 0 when no float was added. */
static void put_sum(struct ap_out *o, double v, int isfloat)
{
	char b[AP_FMT_MAX + 1];

	if (!isfloat) {
		ap_out_write(o, ",0", 2);
		return;
	}
	b[0] = ',';
	ap_out_write(o, b, 1 + ap_fmt_double(b + 1, v));
}

/* Tree nodes per piece of the file (struct ap_pieces): about 200 KB of text. */
#define NODES_PER_PIECE 896

struct od_worker {
	struct ap_esc_cache name, semi;
};

static int od_init(void *w, const void *ctx)
{
	const struct ap_fwk_view *v = ctx;
	struct od_worker *ow = w;

	if (ap_esc_cache_init(&ow->name, AP_ESC_CSV, &v->h->strs) < 0)
		return AP_ENOMEM;
	return ap_esc_cache_init(&ow->semi, AP_ESC_CSV_SEMI, &v->h->strs);
}

static void od_release(void *w)
{
	struct od_worker *ow = w;

	ap_esc_cache_release(&ow->name);
	ap_esc_cache_release(&ow->semi);
}

static int od_piece(struct ap_out *o, void *w, size_t piece, int *first, const void *ctx)
{
	const struct ap_fwk_view *v = ctx;
	const struct ap_host *h = v->h;
	const struct ap_tree *t = v->t;
	struct od_worker *ow = w;
	size_t node = piece * NODES_PER_PIECE, end = ap_piece_end(piece, NODES_PER_PIECE, t->n);

	(void)first;
	for (; node < end; node++) {
		const struct ap_op *op = &h->ops.v[t->op[node]];
		int64_t dur = op->end - op->ts;

		if (is_profiler_step(ap_strtab_get(&h->strs, op->name)))
			continue;
		ap_out_str_id(o, &ow->name, op->name);
		put_field(o, &ow->semi, op->input_dims);
		put_field(o, &ow->semi, op->call_stack);
		put_us_float(o, ap_sat_sub_i64(dur, t->child_dur[node]));
		put_us_float(o, dur);
		if (v->krel && v->krel->dev) {
			const double *d = v->krel->dev[node];
			uint8_t f = v->krel->isfloat[node];

			put_sum(o, d[0], f & AP_KREL_SELF);
			put_sum(o, d[1], f & AP_KREL_TOTAL);
			put_sum(o, d[2], f & AP_KREL_SELF_AIC);
			put_sum(o, d[3], f & AP_KREL_TOTAL_AIC);
			ap_csv_end_row(o);
		} else {
			ap_out_write(o, ",0,0,0,0\r\n", 10);
		}
	}
	return 0;
}

int ap_write_operator_details(const char *dir, const struct ap_fwk_view *v, struct ap_err *err)
{
	const struct ap_host *h = v->h;
	const struct ap_tree *t = v->t;
	struct ap_pieces p = { 0 };
	uint32_t node;
	size_t rows = 0;

	if (!t)
		return 0;
	for (node = 0; node < t->n && !rows; node++)
		rows = !is_profiler_step(ap_strtab_get(&h->strs, h->ops.v[t->op[node]].name));
	if (!rows)
		return 0; /* no data row: no file (§8.0) */
	p.n = ap_pieces_of(t->n, NODES_PER_PIECE);
	p.piece = od_piece;
	p.init = od_init;
	p.release = od_release;
	p.worker_size = sizeof(struct od_worker);
	p.ctx = v;
	return ap_csv_write_pieces(dir, "operator_details.csv", operator_details_cols,
				   sizeof(operator_details_cols) / sizeof(operator_details_cols[0]), &p,
				   v->pieces, err);
}
