/* The exported timeline table (ap/cann_tl.h): life cycle. */
#include <stdlib.h>
#include <string.h>

#include "ap/cann_tl.h"
#include "../base/banned.h"

void ap_cann_tl_init(struct ap_cann_tl *tl)
{
	memset(tl, 0, sizeof(*tl));
	ap_strbuf_init(&tl->text);
}

void ap_cann_tl_release(struct ap_cann_tl *tl)
{
	if (!tl)
		return;
	ap_strlist_release(&tl->files);
	ap_strbuf_release(&tl->text);
	ap_vec_free(&tl->ev);
	ap_vec_free(&tl->ends);
	ap_cann_tl_init(tl);
}
