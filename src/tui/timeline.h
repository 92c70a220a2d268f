/* timeline.h - what each worker did over time: one lane per worker, one span
 * per job it worked on. The model keeps only the present, so the live view
 * folds the same events into this as well (from the pool's history, or a
 * replayed file). Pure data, no curses: the timeline panel draws it.
 *
 * Memory is bounded: only the latest TIMELINE_MAX_SPANS spans are kept; older
 * ones fall off the left of a long run. Not thread-safe (the UI owns it). */
#ifndef POOLVIZ_TUI_TIMELINE_H
#define POOLVIZ_TUI_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/pevent.h"

#define TIMELINE_MAX_SPANS 65536

typedef enum { SPAN_RUNNING, SPAN_DONE, SPAN_FAILED, SPAN_CANCELLED, SPAN_STUCK } span_how_t;

typedef struct {
    int64_t job;
    int64_t start, end; /* virtual ns; end is meaningless while running */
    int lane;           /* the worker's index, from 1 */
    span_how_t how;
    /* The events (counted from the run's start, as `events`) that opened and
     * closed it, UINT64_MAX while open: a rewound view shows the spans as
     * they were after its first k events without folding them again. */
    uint64_t opened_at, closed_at;
} tl_span_t;

typedef struct {
    tl_span_t *spans;   /* ring of TIMELINE_MAX_SPANS */
    size_t head, len;
    uint64_t added;     /* spans ever added: span k sits at ring slot k % max */
    int *lane_of;       /* worker index by actor id, 0 for non-workers */
    int64_t *open;      /* by lane: the number (from `added`) + 1 of its running span, 0 none */
    int n_lanes;        /* the highest worker index seen */
    int64_t now;        /* virtual ns of the latest event */
    uint64_t events;    /* events applied, counted from the run's start (set it
                           forward when some were never seen) */
    bool died;          /* past a deadlock or panic: the picture stays as it was */
} timeline_t;

void timeline_init(timeline_t *t);
void timeline_done(timeline_t *t);
/* Empties it, as before the first event. */
void timeline_reset(timeline_t *t);
void timeline_apply(timeline_t *t, const pevent_t *ev);
/* The i-th kept span, 0 = the oldest; NULL past the end. */
const tl_span_t *timeline_span(const timeline_t *t, size_t i);
/* Span i as it was after the run's first k events: NULL if it had not
 * opened yet, else a copy in *buf, running if it had not closed. */
const tl_span_t *timeline_span_at(const timeline_t *t, size_t i, uint64_t k, tl_span_t *buf);

#endif
