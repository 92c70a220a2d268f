/* layout.h - where each pane goes on a screen of a given size. Pure
 * arithmetic, no curses, so tests can check it and every draw follows it.
 *
 *   title       one line: what runs, its state, the clock
 *   status      one line: WaitGroup, context, throughput, elapsed vs ideal
 *   queue       the jobs channel (a rule and two lines)
 *   workers | results   side by side; a list, or a grid when crowded
 *   timeline    a lane per worker (as many as fit) and a time axis
 *   log         the latest events, as much as is left
 *   help        one line of keys
 * Each pane's rectangle includes its heading rule (its first line). */
#ifndef POOLVIZ_TUI_LAYOUT_H
#define POOLVIZ_TUI_LAYOUT_H

#include <stdbool.h>

#define LAYOUT_MIN_ROWS 24
#define LAYOUT_MIN_COLS 80
/* Columns of one worker in the workers pane's grid ("▶ w12 j345  "): the
 * layout gives a grid only the rows it fills. */
#define LAYOUT_GRID_CELL 13

typedef struct {
    int y, x, h, w;
} rect_t;

typedef struct {
    bool too_small; /* below 80x24: only a message is drawn */
    int rows, cols;
    rect_t title, status, queue, workers, results, timeline, log, help;
    int lanes;      /* timeline lanes shown */
} layout_t;

void layout_compute(layout_t *l, int rows, int cols, int n_workers);

#endif
