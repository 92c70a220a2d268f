/* draw_menu.c - the menu `poolviz` opens without arguments: the installed
 * lessons and the free play, one a line, the chosen one highlighted. */
#include "tui/menu.h"

#include <stdio.h>
#include <string.h>

void draw_menu(WINDOW *w, const theme_t *t, const menu_item_t *items, int n, int sel, const char *notice, int rows,
               int cols)
{
    werase(w);
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        draw_too_small(w, t, rows, cols);
        return;
    }
    int width = cols - 8 < 96 ? cols - 8 : 96, x = (cols - width) / 2;
    put(w, 1, x, width, t->attr[TA_TITLE], "poolviz: Go's worker pool, running for real");
    put(w, 2, x, width, t->attr[TA_DIM], "Pick a lesson, or play with the default experiment.");
    draw_rule(w, (rect_t){.y = 4, .x = x, .h = 1, .w = width}, t, "lessons", NULL);
    /* The list scrolls to keep the chosen line in view. */
    int top_y = 5, h = rows - top_y - 3;
    int first = sel >= h ? sel - h + 1 : 0;
    for (int i = first; i < n && i - first < h; i++) {
        int y = top_y + i - first;
        bool on = i == sel;
        attr_t a = on ? A_REVERSE | A_BOLD : A_NORMAL;
        if (on)
            put_repeat(w, y, x, width, a, " ");
        char key[40];
        snprintf(key, sizeof key, "%s %-16s", on ? t->play : " ", items[i].name);
        int kx = put(w, y, x, width, a, key);
        char title[160];
        /* As `poolviz lessons` says it: a broken lesson is listed, not run. */
        snprintf(title, sizeof title, "%s%s", items[i].title, items[i].broken ? "  [has errors]" : "");
        put_fit(w, y, x + kx + 1, width - kx - 1, items[i].broken ? (a | t->attr[TA_DIM]) : a, title, t);
    }
    if (notice)
        put(w, rows - 2, x, width, t->attr[TA_PAUSED], notice);
    put(w, rows - 1, x, width, t->attr[TA_DIM],
        t->utf8 ? "↑/↓ or j/k move   Enter open   q quit" : "up/down or j/k move   Enter open   q quit");
}
