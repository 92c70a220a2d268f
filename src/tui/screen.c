/* screen.c - a whole frame: the layout for the size, every pane, then any
 * overlay on top. Draws into any window, so tests render it off screen. */
#include "tui/draw.h"

void screen_draw(WINDOW *w, const view_t *v, int rows, int cols)
{
    const model_t *m = v->m;
    werase(w);
    layout_t l;
    layout_compute(&l, rows, cols, workers_count(m));
    if (l.too_small) {
        draw_too_small(w, v->theme, rows, cols);
        return;
    }
    draw_title(w, m, v, l.title);
    draw_status(w, m, v, l.status);
    draw_queue(w, m, v->theme, l.queue);
    draw_workers(w, m, v->theme, l.workers, v->worker_scroll, view_now(v));
    draw_results(w, m, v->theme, l.results);
    draw_timeline(w, v, l.timeline, l.lanes);
    draw_log(w, m, v->log, v->theme, l.log);
    draw_help_line(w, m, v, l.help);
    bool failed = m->ended && (m->outcome == OUTCOME_DEADLOCK || m->outcome == OUTCOME_PANIC);
    if (failed && !v->hide_failure && !v->rewinding)
        draw_failure_overlay(w, m, v, rows, cols);
    if (v->help)
        draw_help_overlay(w, v, rows, cols);
}
