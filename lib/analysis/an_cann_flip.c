/* Host-side batch ids of task tracks (spec cann_prof_raw.md §3.5.1): per stream, the number of
 * flips (FLIP_TASK records) before each task track, with the "late task id 0" correction. */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_flip.h"
#include "../base/banned.h"

/* One track in sorting order: stream key (device id with its type bits, stream id), host
 * timestamp, table index (ties keep table order). */
struct ord {
	uint64_t key, ts;
	uint32_t idx;
};

static int cmp_ord(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static uint64_t stream_key(const struct ap_cann_track *t)
{
	uint16_t dev = (uint16_t)(t->device_id | (uint16_t)t->dev_type << 12);

	return (uint64_t)dev << 32 | t->stream_id;
}

/* Assigns the batches of one stream: tasks[0..nt) and flips[0..nf), each in time order
 * (indexes into v). */
static void assign_stream(struct ap_cann_track *v, const uint32_t *tasks, size_t nt,
			  const uint32_t *flips, size_t nf)
{
	size_t ti = 0, batch = 0;

	/* The batch number must fit the 16 bits of the task id it stands for (§3.5.1; with
	 * the sentinel "flip" at the end of time, as upstream counts it). */
	if (nf + 1 > 0xFFFFu)
		return;
	while (ti < nt) {
		struct ap_cann_track *t = &v[tasks[ti]];

		if (batch < nf && t->ts > v[flips[batch]].ts) {
			const struct ap_cann_track *f = &v[flips[batch]];
			size_t back = ti;

			batch++;
			/* Task id 0 may be reported after the flip by another thread: the tasks
			 * just before the flip whose id is below the flip's belong to the new
			 * batch. The destroy flip has no successor batch to move to. */
			if (f->flip != AP_CANN_FLIP_DESTROY)
				while (back > 0 && v[tasks[back - 1]].task_id < f->task_id) {
					v[tasks[back - 1]].batch = (uint16_t)batch;
					back--;
				}
			continue;
		}
		t->batch = (uint16_t)batch;
		ti++;
	}
}

int ap_cann_flip_assign(struct ap_cann_track *v, size_t n, struct ap_err *err)
{
	struct ord *o;
	uint32_t *tasks, *flips;
	size_t i, j;

	if (n == 0)
		return 0;
	if (n > UINT32_MAX)
		return ap_err_set(err, AP_EINVAL, "flip assignment: %zu task tracks", n);
	o = malloc(n * sizeof(*o));
	tasks = malloc(n * sizeof(*tasks));
	flips = malloc(n * sizeof(*flips));
	if (!o || !tasks || !flips) {
		free(o);
		free(tasks);
		free(flips);
		return ap_err_set(err, AP_ENOMEM, "out of memory assigning batch ids to %zu task tracks",
				  n);
	}
	for (i = 0; i < n; i++) {
		o[i].key = stream_key(&v[i]);
		o[i].ts = v[i].ts;
		o[i].idx = (uint32_t)i;
	}
	qsort(o, n, sizeof(*o), cmp_ord);
	for (i = 0; i < n; i = j) {
		size_t nt = 0, nf = 0;

		for (j = i; j < n && o[j].key == o[i].key; j++) {
			if (v[o[j].idx].task_type == AP_CANN_TASK_FLIP)
				flips[nf++] = o[j].idx;
			else
				tasks[nt++] = o[j].idx;
		}
		assign_stream(v, tasks, nt, flips, nf);
	}
	free(o);
	free(tasks);
	free(flips);
	return 0;
}
