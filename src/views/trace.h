/* trace.h - a run as a Chrome Trace Event Format file ({"traceEvents":
 * [...]}), for Perfetto or chrome://tracing: one track per goroutine (main,
 * producer, closer, each worker), each job a span "job N", each block a
 * span "blocked: chan send (results)", the channels' queue lengths as
 * counters, and instants for closes, cancels, notes, panics and deadlocks.
 * Times are the run's VIRTUAL time, in microseconds. */
#ifndef POOLVIZ_VIEWS_TRACE_H
#define POOLVIZ_VIEWS_TRACE_H

#include <stdio.h>

#include "engine/pevent.h"
#include "model/model.h"

typedef struct trace trace_t;

/* Starts a trace on f (which the caller keeps and closes). */
trace_t *trace_open(FILE *f);
/* Feed every event in order with the model that folded it (a pool sink). */
void trace_event(trace_t *t, const pevent_t *ev, const model_t *m);
/* Ends any span still open, closes the JSON and frees t. Returns 0, or -1
 * if writing to f failed at any point. */
int trace_close(trace_t *t);

#endif
