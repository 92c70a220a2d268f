/* ui.h - the live view's loop: a run of the pool on screen, with its
 * controls. Runs on the calling thread, which becomes the UI thread (the only
 * one that touches curses). */
#ifndef POOLVIZ_TUI_UI_H
#define POOLVIZ_TUI_UI_H

#include <stddef.h>

#include "engine/pool.h"

/* Shows runs of cfg (restartable) under title until the user quits.
 * Returns 0, or 1 with one line in err when the terminal or the pool cannot
 * start. The terminal is restored on every return. */
int ui_run_live(const pool_config_t *cfg, const char *title, char *err, size_t errlen);

#endif
