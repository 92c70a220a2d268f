/* draw_queue.c - the jobs channel pane: the queue, its capacity, CLOSED,
 * and who is blocked on either end. */
#include "tui/draw.h"
#include "tui/draw_chan.h"

#include <inttypes.h>
#include <stdio.h>

void draw_queue(WINDOW *w, const model_t *m, const theme_t *t, rect_t r)
{
    const model_object_t *jobs = chan_object(m, m->jobs_obj);
    char right[96];
    chan_heading(right, sizeof right, jobs);
    draw_rule(w, r, t, "jobs channel", right);
    chan_draw_line(w, r.y + 1, r.x + 2, r.w - 4, jobs, t);
    if (jobs)
        chan_draw_blocked(w, r.y + 2, r.x + 2, r.w - 4, m, m->jobs_obj, t);
}

