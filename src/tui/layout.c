/* layout.c - the panes of layout.h for a screen size.
 *
 * Rows go first to what a learner must always see (the channels, a few
 * workers, the results), then to the timeline (a lane per worker, up to a
 * share), then the log takes the rest. Columns: workers get three fifths
 * of the width beside the results. */
#include "tui/layout.h"

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static rect_t rect(int y, int x, int h, int w) { return (rect_t){.y = y, .x = x, .h = h, .w = w}; }

void layout_compute(layout_t *l, int rows, int cols, int n_workers)
{
    *l = (layout_t){.rows = rows, .cols = cols};
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        l->too_small = true;
        return;
    }
    enum { QUEUE_H = 3, MIN_BAND = 4, MIN_LOG_H = 3 };
    int body = rows - 3; /* title, status, help */
    int rest = body - QUEUE_H;
    /* Workers (and results beside them): one row each, at least enough for
     * the results pane, at most two fifths of what is left. */
    int band = clamp(n_workers, MIN_BAND, rest * 2 / 5 > MIN_BAND ? rest * 2 / 5 : MIN_BAND);
    int wcols = cols * 3 / 5;
    if (n_workers > band) {
        /* Too many for a row each: a grid (and a legend line), whose spare
         * rows go to the timeline's lanes instead of standing empty. */
        int per_row = (wcols - 1) / LAYOUT_GRID_CELL;
        band = clamp((n_workers + per_row - 1) / per_row + 1, MIN_BAND, band);
    }
    int left = rest - (band + 1);
    /* Timeline: heading, lanes, axis; the log keeps at least its minimum
     * and about half of what remains. */
    int max_lanes = (left - MIN_LOG_H - 2) / 2 > 1 ? (left - MIN_LOG_H - 2) / 2 : 1;
    l->lanes = clamp(n_workers, 1, max_lanes);
    int tl_h = l->lanes + 2;

    int y = 0;
    l->title = rect(y++, 0, 1, cols);
    l->status = rect(y++, 0, 1, cols);
    l->queue = rect(y, 0, QUEUE_H, cols);
    y += QUEUE_H;
    l->workers = rect(y, 0, band + 1, wcols);
    l->results = rect(y, wcols + 1, band + 1, cols - wcols - 1);
    y += band + 1;
    l->timeline = rect(y, 0, tl_h, cols);
    y += tl_h;
    l->log = rect(y, 0, rows - 1 - y, cols);
    l->help = rect(rows - 1, 0, 1, cols);
}
