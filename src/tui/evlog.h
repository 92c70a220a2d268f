/* evlog.h - the event log pane's lines: a bounded ring of the latest events
 * in words. The words are the headless text view's (text_format_line), so
 * the live view's log and `poolviz run` say each event the same way; the log
 * also keeps the details its panes animate (TEXT_DETAIL). No curses here.
 * Not thread-safe (the UI owns it). */
#ifndef POOLVIZ_TUI_EVLOG_H
#define POOLVIZ_TUI_EVLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/pevent.h"
#include "model/model.h"

#define EVLOG_LINES 256
#define EVLOG_WIDTH 160 /* wider than any pane: the pane cuts the line, not the ring */

typedef struct {
    char lines[EVLOG_LINES][EVLOG_WIDTH];
    size_t head, len;
    bool died; /* past a deadlock or panic: only the run's bookkeeping is told */
} evlog_t;

void evlog_reset(evlog_t *l);
/* Adds ev's line ("[ 1.00s] worker 2 started job 5"), if it has words;
 * names come from m, which has folded at least ev's declarations. */
void evlog_add(evlog_t *l, const pevent_t *ev, const model_t *m);
/* The i-th latest line, 0 = the newest; NULL past the end. */
const char *evlog_line(const evlog_t *l, size_t i);

#endif
