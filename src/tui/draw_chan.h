/* draw_chan.h - a channel as a queue, for the jobs and results panes. */
#ifndef POOLVIZ_TUI_DRAW_CHAN_H
#define POOLVIZ_TUI_DRAW_CHAN_H

#include "tui/draw.h"

/* The object of id in m, or NULL. */
const model_object_t *chan_object(const model_t *m, int id);
/* "recv ← [ 4 5 6 · · ] ← send   CLOSED" in width columns; o may be NULL. */
void chan_draw_line(WINDOW *w, int y, int x, int width, const model_object_t *o, const theme_t *t);
/* Who is parked sending into obj, and who waits to receive from it. */
void chan_draw_blocked(WINDOW *w, int y, int x, int width, const model_t *m, int obj, const theme_t *t);
/* The heading of a channel pane: capacity, slots used, closed. */
void chan_heading(char *buf, size_t len, const model_object_t *o);

#endif
