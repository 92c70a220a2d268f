/* text.h - the text view of a headless run: one line per step that matters
 * ("[ 1.00s] worker 1 finished job 1"), as the run goes, and a summary at
 * the end (makespan against the ideal and serial times of the plan,
 * throughput, each worker's share, and where every planned job ended up).
 *
 * Its formatter is the only one: the live view's event log uses it too, so
 * `poolviz run` and `poolviz play` say every event in the same words. */
#ifndef POOLVIZ_VIEWS_TEXT_H
#define POOLVIZ_VIEWS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/pevent.h"
#include "model/model.h"

typedef struct {
    FILE *out;
    bool events;     /* print the trace lines (false: the summary only) */
    /* The file a lines job counts (pool_job_path), or NULL; may be unset. */
    const char *(*job_path)(const void *ud, int64_t job);
    const void *job_path_ud;
} text_view_t;

/* How much an event matters to a reader. */
typedef enum {
    TEXT_NONE,   /* no words: progress, declarations (the live view's panes show them) */
    TEXT_STEP,   /* a step a learner follows: `poolviz run` prints it */
    TEXT_DETAIL  /* what the live view animates: blocks, jobs taken, WaitGroup
                    counts, dropped ticks, speed and pause; its log says it too */
} text_level_t;

/* Writes ev's sentence ("worker 2 started job 5") into buf (n bytes, cut to
 * fit, always terminated), with names from m, a model that has folded at
 * least ev's declarations. Returns the sentence's level; TEXT_NONE leaves buf
 * empty. */
text_level_t text_format_event(char *buf, size_t n, const pevent_t *ev, const model_t *m);
/* The same as a timed line: "[ 1.00s] worker 2 started job 5". */
text_level_t text_format_line(char *buf, size_t n, const pevent_t *ev, const model_t *m);
/* The same, naming the file a lines job counts (path; NULL for none):
 * "[ 0.00s] worker 1 finished job 3 (haiku.txt: 3 lines)". */
text_level_t text_format_line_of_file(char *buf, size_t n, const pevent_t *ev, const model_t *m, const char *path);

void text_view_init(text_view_t *v, FILE *out, bool events);
/* Feed every event in order with the model that folded it (a pool sink). */
void text_view_event(text_view_t *v, const pevent_t *ev, const model_t *m);
/* The summary of the finished run in m. */
void text_view_summary(const text_view_t *v, const model_t *m);

#endif
