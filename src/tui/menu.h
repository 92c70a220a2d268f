/* menu.h - the first screen of `poolviz` without arguments: a line per
 * lesson and one for the free play. Drawing only (draw_menu.c); the loop
 * that answers its keys is tui.c's. */
#ifndef POOLVIZ_TUI_MENU_H
#define POOLVIZ_TUI_MENU_H

#include <stdbool.h>

#include "tui/draw.h"

typedef struct {
    const char *name;   /* "02-close-jobs", "free play" */
    const char *title;
    bool broken;        /* a lesson with errors: listed, not opened */
} menu_item_t;

/* The menu at rows x cols, items[sel] highlighted; notice (or NULL) above
 * the keys. */
void draw_menu(WINDOW *w, const theme_t *t, const menu_item_t *items, int n, int sel, const char *notice, int rows,
               int cols);

#endif
