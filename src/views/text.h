/* text.h - the text view of a headless run: one line per step that matters
 * ("[ 1.00s] worker 1 finished job 1"), as the run goes, and a summary at
 * the end (makespan against the ideal, throughput, each worker's share, and
 * where every planned job ended up). */
#ifndef POOLVIZ_VIEWS_TEXT_H
#define POOLVIZ_VIEWS_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/pevent.h"
#include "model/model.h"

typedef struct {
    FILE *out;
    bool events;     /* print the trace lines (false: the summary only) */
    int64_t work_ns; /* virtual ns of all jobs started: the serial time */
} text_view_t;

void text_view_init(text_view_t *v, FILE *out, bool events);
/* Feed every event in order with the model that folded it (a pool sink). */
void text_view_event(text_view_t *v, const pevent_t *ev, const model_t *m);
/* The summary of the finished run in m. */
void text_view_summary(const text_view_t *v, const model_t *m);

#endif
