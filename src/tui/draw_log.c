/* draw_log.c - the event log pane: the latest events in words, newest at
 * the bottom like a terminal. */
#include "tui/draw.h"

#include <inttypes.h>
#include <stdio.h>

void draw_log(WINDOW *w, const model_t *m, const evlog_t *log, const theme_t *t, rect_t r)
{
    char right[48];
    snprintf(right, sizeof right, "%" PRIu64 " events", m->events);
    draw_rule(w, r, t, "events", right);
    /* From the top while they fit, then the oldest scroll away. */
    size_t rows = r.h > 1 ? (size_t)r.h - 1 : 0;
    size_t n = log->len < rows ? log->len : rows;
    for (size_t i = 0; i < n; i++)
        put(w, r.y + 1 + (int)i, r.x + 1, r.w - 2, A_NORMAL, evlog_line(log, n - 1 - i));
}
