/* term.h - the terminal, safely: everything that starts curses, restores the
 * terminal on every way out (quit, Ctrl-C, SIGTERM, SIGHUP, a crash, running
 * out of memory), and turns signals into something the UI loop reads.
 *
 * Signals: term_block_signals() before starting threads, so they inherit a
 * mask without SIGINT/TERM/HUP/WINCH (the core's goroutines also block them
 * themselves); then term_init() gives the UI thread handlers that only write
 * the signal's number to a self-pipe, which the loop polls beside the
 * keyboard. Curses is only ever called from the UI thread. */
#ifndef POOLVIZ_TUI_TERM_H
#define POOLVIZ_TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/draw.h"

/* Whether the live view can run here: stdin and stdout are a terminal, and
 * TERM is set and not "dumb". 0, or -1 with one line saying why in err. */
int term_check(char *err, size_t len);

/* Blocks SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGWINCH in the calling thread;
 * threads started after inherit it. term_unblock_signals() undoes it for
 * the calling thread only. */
void term_block_signals(void);
void term_unblock_signals(void);

/* Starts curses on stdin/stdout (after setlocale), picks colours (unless
 * NO_COLOR is set and non-empty) and UTF-8 or ASCII glyphs into theme, and
 * installs the handlers. 0, or -1 with one line in err and the terminal
 * untouched. Call from the UI thread. */
int term_init(theme_t *theme, char *err, size_t len);
/* Restores the terminal. Idempotent; UI thread only. */
void term_done(void);

/* The fd the loop polls: readable when a signal came. */
int term_signal_fd(void);
typedef enum { TERM_SIG_NONE = 0, TERM_SIG_QUIT = 1, TERM_SIG_RESIZE = 2 } term_sig_t;
/* Takes the pending signals: a mask of term_sig_t. */
int term_take_signals(void);
/* The exit status for a quit: 128 + the signal that asked for it (130 for
 * Ctrl-C, 143 for SIGTERM, as a shell reports them), 0 for q. */
int term_exit_status(void);
/* The next refresh redraws the whole screen, whatever curses believes is
 * on it (Ctrl-L). */
void term_repaint(void);
/* After a resize: the terminal's size into curses (from TIOCGWINSZ), and a
 * whole repaint. */
void term_resize(void);

/* Resets the tty to how it was, with async-signal-safe calls only (a crash
 * handler, or xalloc's fatal hook on any thread). */
void term_emergency_restore(void);

#endif
