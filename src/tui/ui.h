/* ui.h - the live view's loop: a source (a live run of the pool, or a
 * replay) on screen, with its controls. Runs on the calling thread, which
 * becomes the UI thread (the only one that touches curses). */
#ifndef POOLVIZ_TUI_UI_H
#define POOLVIZ_TUI_UI_H

#include <stddef.h>

#include "tui/source.h"

/* Starts the terminal, then the source, and shows it under title until the
 * user quits; stops the source (freeing it) on every return. Returns 0, or 1
 * with one line in err when the terminal or the source cannot start. The
 * terminal is restored on every return. */
int ui_run(source_t src, const char *title, char *err, size_t errlen);

#endif
