/* Host-side batch ids of task tracks (spec cann_prof_raw.md §3.5.1): a pure pass on the host
 * model's task_track table. */
#ifndef AP_CANN_FLIP_H
#define AP_CANN_FLIP_H

#include <stddef.h>

#include "ap/cann_host.h"
#include "ap/err.h"

/* Sets .batch of every task track of v[0..n) that is not itself a FLIP_TASK (type 98): per
 * (device id with its type bits, stream id), tracks and flips ordered by host timestamp (ties
 * in table order), batch = the number of flips of the stream whose timestamp is below the
 * track's; on passing a flip other than the destroy flip (flip number 65535), the tracks just
 * before it whose task id is below the flip's task id move to the new batch (task id 0
 * reported late by multithreaded submission). Flip records keep batch = flip. A stream with
 * more than 65535 flips keeps its recorded batch ids. Returns 0, or AP_ENOMEM with err set. */
int ap_cann_flip_assign(struct ap_cann_track *v, size_t n, struct ap_err *err);

#endif
