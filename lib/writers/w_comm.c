/* communication.json and communication_matrix.json (spec torch_npu §8.7): the nesting and
 * key order of msprof's and torch_npu's dicts, numbers as Python prints them. */
#include <string.h>

#include "ap/comm_write.h"
#include "ap/fmt.h"
#include "ap/out.h"
#include "../base/banned.h"

#define LIT(o, s) ap_out_write((o), (s), sizeof(s) - 1)

static const char *const time_keys[7] = {
	"Elapse Time(ms)", "Transit Time(ms)", "Wait Time(ms)", "Synchronization Time(ms)",
	"Idle Time(ms)", "Wait Time Ratio", "Synchronization Time Ratio",
};

static void num(struct ap_out *o, struct ap_pynum x)
{
	char b[AP_FMT_MAX];

	if (x.isf)
		ap_out_write(o, b, ap_fmt_double(b, x.v));
	else
		ap_out_write(o, b, ap_fmt_i64(b, (int64_t)x.v));
}

static void key(struct ap_out *o, const char *k)
{
	ap_json_str(o, k, strlen(k));
	LIT(o, ": ");
}

static void skey(struct ap_out *o, const struct ap_comm *c, uint32_t id)
{
	ap_json_str(o, ap_strtab_get(&c->strs, id), ap_strtab_len(&c->strs, id));
	LIT(o, ": ");
}

static void bins(struct ap_out *o, const struct ap_comm *c, uint32_t first, uint32_t n)
{
	uint32_t i;
	char b[AP_FMT_MAX];

	LIT(o, "{");
	for (i = 0; i < n; i++) {
		const struct ap_comm_bin *x = &c->bins.v[first + i];

		if (i)
			LIT(o, ", ");
		ap_out_putc(o, '"');
		ap_out_write(o, b, ap_fmt_double(b, x->size_mb));
		LIT(o, "\": [");
		num(o, x->count);
		LIT(o, ", ");
		num(o, x->time_ms);
		LIT(o, "]");
	}
	LIT(o, "}");
}

/* One op as msprof wrote it (analyzer/communication_analyzer.py, Bandwidth(Utilization)
 * dropped). */
static void op(struct ap_out *o, const struct ap_comm *c, const struct ap_comm_op *p)
{
	char b[AP_FMT_MAX];
	int k;

	skey(o, c, p->key);
	LIT(o, "{\"Communication Time Info\": {\"Start Timestamp(us)\": ");
	ap_out_write(o, b, ap_fmt_double(b, p->start_us));
	for (k = 0; k < 7; k++) {
		LIT(o, ", ");
		key(o, time_keys[k]);
		num(o, p->time[k]);
	}
	LIT(o, "}, \"Communication Bandwidth Info\": {");
	for (k = 0; k < AP_COMM_NTRANSPORT; k++) {
		const struct ap_comm_bw *w = &p->bw[k];

		if (k)
			LIT(o, ", ");
		key(o, ap_comm_transport_name(k));
		LIT(o, "{\"Transit Size(MB)\": ");
		num(o, w->size_mb);
		LIT(o, ", \"Transit Time(ms)\": ");
		num(o, w->time_ms);
		LIT(o, ", \"Bandwidth(GB/s)\": ");
		num(o, w->bw);
		LIT(o, ", \"Large Packet Ratio\": ");
		num(o, w->large_ratio);
		LIT(o, ", \"Size Distribution\": ");
		bins(o, c, w->bin, w->nbins);
		LIT(o, "}");
	}
	LIT(o, "}}");
}

/* "Total Op Info" of a group (compute_total_info). */
static void total(struct ap_out *o, const struct ap_comm *c, const struct ap_comm_total *t)
{
	int k;

	LIT(o, "\"Total Op Info\": {\"Communication Time Info\": {");
	for (k = 0; k < 7; k++) {
		if (k)
			LIT(o, ", ");
		key(o, time_keys[k]);
		num(o, t->time[k]);
	}
	LIT(o, "}, \"Communication Bandwidth Info\": {");
	for (k = 0; k < AP_COMM_NTRANSPORT; k++) {
		if (k)
			LIT(o, ", ");
		key(o, ap_comm_transport_name(k));
		LIT(o, "{\"Transit Time(ms)\": ");
		num(o, t->bw_time[k]);
		LIT(o, ", \"Transit Size(MB)\": ");
		num(o, t->bw_size[k]);
		LIT(o, ", \"Size Distribution\": ");
		bins(o, c, t->bin[k], t->nbins[k]);
		LIT(o, "}");
	}
	LIT(o, "}}");
}

static void comm_group(struct ap_out *o, const struct ap_comm *c, const struct ap_comm_group *g)
{
	uint32_t i;

	LIT(o, "{");
	for (i = 0; i < g->nops; i++) {
		if (i)
			LIT(o, ", ");
		op(o, c, &c->ops.v[c->gops.v[g->op + i]]);
	}
	if (g->nops) {
		LIT(o, ", ");
		total(o, c, &g->total);
	}
	LIT(o, "}");
}

static void link_rec(struct ap_out *o, const struct ap_comm *c, const struct ap_comm_link *l)
{
	const char *t = ap_comm_matrix_transport_name(l->transport);

	skey(o, c, l->key);
	LIT(o, "{\"Transport Type\": ");
	if (t)
		ap_json_str(o, t, strlen(t));
	else
		LIT(o, "null");
	LIT(o, ", \"Transit Size(MB)\": ");
	num(o, l->size_mb);
	LIT(o, ", \"Transit Time(ms)\": ");
	num(o, l->time_ms);
	LIT(o, ", \"Bandwidth(GB/s)\": ");
	num(o, l->bw);
	if (l->op_name != AP_STR_NONE) {
		LIT(o, ", \"Op Name\": ");
		ap_json_str(o, ap_strtab_get(&c->strs, l->op_name),
			    ap_strtab_len(&c->strs, l->op_name));
	}
	LIT(o, "}");
}

static void matrix_group(struct ap_out *o, const struct ap_comm *c,
			 const struct ap_comm_group *g)
{
	uint32_t i, j;

	LIT(o, "{");
	for (i = 0; i < g->nments; i++) {
		const struct ap_comm_mentry *e = &c->ments.v[g->ment + i];

		if (i)
			LIT(o, ", ");
		skey(o, c, e->name);
		LIT(o, "{");
		for (j = 0; j < e->n; j++) {
			if (j)
				LIT(o, ", ");
			link_rec(o, c, &c->mlinks.v[e->link + j]);
		}
		LIT(o, "}");
	}
	LIT(o, "}");
}

static int write_file(const char *dir, const char *name, const struct ap_comm *c, int matrix,
		      struct ap_err *err)
{
	struct ap_out o;
	const struct ap_comm_step *v = matrix ? c->msteps.v : c->steps.v;
	size_t n = matrix ? c->msteps.n : c->steps.n, i;
	int g;

	memset(&o, 0, sizeof(o));
	AP_FORWARD_IF_ERROR(ap_out_open(&o, dir, name, err));
	LIT(&o, "{");
	for (i = 0; i < n; i++) {
		if (i)
			LIT(&o, ", ");
		skey(&o, c, v[i].key);
		LIT(&o, "{");
		for (g = 0; g < 2; g++) {
			if (g)
				LIT(&o, ", \"collective\": ");
			else
				LIT(&o, "\"p2p\": ");
			if (matrix)
				matrix_group(&o, c, &v[i].g[g]);
			else
				comm_group(&o, c, &v[i].g[g]);
		}
		LIT(&o, "}");
	}
	LIT(&o, "}");
	return ap_out_commit(&o, err);
}

int ap_write_communication(const char *dir, const struct ap_comm *c, struct ap_err *err)
{
	if (c->has_comm)
		AP_FORWARD_IF_ERROR(write_file(dir, "communication.json", c, 0, err));
	if (c->has_matrix)
		AP_FORWARD_IF_ERROR(write_file(dir, "communication_matrix.json", c, 1, err));
	return 0;
}
