/* ui.h - the live view's loop: a source (a live run of the pool, or a
 * replay) on screen, with its controls. Runs on the calling thread, which
 * becomes the UI thread (the only one that touches curses). */
#ifndef POOLVIZ_TUI_UI_H
#define POOLVIZ_TUI_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/source.h"
#include "tui/stepper.h"

/* Starts the terminal, then the source, and shows it under title until the
 * user quits; stops the source (freeing it) on every return. lesson: the
 * stepper whose source src is, for the lesson screen and keys; NULL for a
 * plain run or replay. Returns 0, or 1 with one line in err when the
 * terminal or the source cannot start. The terminal is restored on every
 * return. */
int ui_run(source_t src, const char *title, stepper_t *lesson, char *err, size_t errlen);

/* The same with the terminal already up (term_init gave theme), for a
 * menu that opens one screen after another: starts src and shows it until
 * q, but neither stops src nor ends the terminal. *quit_all (if not NULL)
 * says a signal (Ctrl-C, SIGTERM) asked poolviz itself to end. */
int ui_show(source_t src, const char *title, stepper_t *lesson, const theme_t *theme, bool *quit_all, char *err,
            size_t errlen);

#endif
