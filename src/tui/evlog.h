/* evlog.h - the event log pane's lines: a formatter that says an event in
 * words ("worker 2 started job 5"), and a bounded ring of the latest lines.
 *
 * The wording follows the headless text view's; until that view offers its
 * formatter, this one stands in (the lead merges them). No curses here.
 * Not thread-safe (the UI owns it). */
#ifndef POOLVIZ_TUI_EVLOG_H
#define POOLVIZ_TUI_EVLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/pevent.h"
#include "model/model.h"

#define EVLOG_LINES 256
#define EVLOG_WIDTH 120

/* Writes the line for ev ("  1.000s  worker 2 started job 5") into buf, with
 * names from m (which has folded at least ev's declarations). Returns false,
 * leaving buf empty, for events not worth a line (progress, declarations). */
bool evlog_format(char *buf, size_t len, const pevent_t *ev, const model_t *m);

typedef struct {
    char lines[EVLOG_LINES][EVLOG_WIDTH];
    size_t head, len;
} evlog_t;

void evlog_reset(evlog_t *l);
/* Adds ev's line, if it has one. */
void evlog_add(evlog_t *l, const pevent_t *ev, const model_t *m);
/* The i-th latest line, 0 = the newest; NULL past the end. */
const char *evlog_line(const evlog_t *l, size_t i);

#endif
