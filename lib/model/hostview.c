#include <stdlib.h>
#include <string.h>

#include "ap/hostview.h"
#include "../base/banned.h"

void ap_queue_init(struct ap_queue *q)
{
	memset(q, 0, sizeof(*q));
}

void ap_queue_release(struct ap_queue *q)
{
	if (!q)
		return;
	ap_vec_free(&q->enq);
	ap_vec_free(&q->deq);
	ap_queue_init(q);
}

void ap_tree_init(struct ap_tree *t)
{
	memset(t, 0, sizeof(*t));
}

void ap_tree_release(struct ap_tree *t)
{
	if (!t)
		return;
	free(t->op);
	free(t->parent);
	free(t->child_dur);
	free(t->enq_node);
	ap_tree_init(t);
}

void ap_memview_init(struct ap_memview *mv)
{
	memset(mv, 0, sizeof(*mv));
}

void ap_memview_release(struct ap_memview *mv)
{
	if (!mv)
		return;
	ap_vec_free(&mv->pta);
	ap_vec_free(&mv->groups);
	ap_memview_init(mv);
}
