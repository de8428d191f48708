/* One call that analyses one torch_npu dump end to end: open, decode, analyse, write its
 * output directory (CONVENTIONS §6: tools compose; this is the composition for analyse). */
#ifndef AP_ANALYSE_H
#define AP_ANALYSE_H

#include "ap/diag.h"
#include "ap/err.h"

struct ap_analyse_opts {
	const char *out_root; /* -o DIR, or NULL to write inside the dump */
	int force;            /* replace an output directory another tool wrote */
};

struct ap_analyse_result {
	struct ap_diag diag;  /* trouble found in the data, by kind */
	struct ap_err err;    /* set (code < 0) when the dump could not be analysed */
	char *out_dir;        /* the output directory written, or NULL (owned) */
	int rank_id;          /* -1 when unknown */
	int cann_skipped;     /* the dump holds PROF_* data this version does not analyse */
	int db_skipped;       /* export type "db" asked for database outputs, not written yet */
	int gen;              /* FRAMEWORK writer generation found (enum ap_fwk_gen) */
	size_t n_ops, n_marks, n_mems, n_pyrecs, n_gcs; /* records decoded */
};

void ap_analyse_result_init(struct ap_analyse_result *r);
void ap_analyse_result_release(struct ap_analyse_result *r);
/* Analyses the dump at dir. Never prints. Returns 0 when outputs were written (r->diag
 * may still hold data loss), or a negative status with r->err set and nothing written. */
int ap_analyse_pt(const char *dir, const struct ap_analyse_opts *o, struct ap_analyse_result *r);

#endif
