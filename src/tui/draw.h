/* draw.h - the panels of the live view and what they share: a theme
 * (attributes and glyphs), clipped text output, and the view (everything a
 * frame shows).
 *
 * Every draw function takes the WINDOW to draw into and the model to draw,
 * reads them only, and writes nothing outside its rectangle, so tests render
 * to any window of any size and compare the text. Call only on the UI thread
 * (or a test's), as all curses calls. */
#ifndef POOLVIZ_TUI_DRAW_H
#define POOLVIZ_TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "model/model.h"
#include "tui/evlog.h"
#include "tui/layout.h"
#include "tui/timeline.h"

/* What a piece of text is; the theme gives each an attribute. */
typedef enum {
    TA_NORMAL,
    TA_TITLE,    /* the top line */
    TA_RULE,     /* pane headings */
    TA_DIM,      /* labels, empty slots */
    TA_KEY,      /* keys on the help line */
    TA_IDLE,     /* worker states, by colour as well as in words */
    TA_WAITING,
    TA_WORKING,
    TA_BLOCKED,
    TA_TICK,
    TA_EXITED,
    TA_ERROR,    /* failures, CLOSED, deadlock */
    TA_GOOD,     /* results, a finished run */
    TA_PAUSED,
    TA_COUNT
} tattr_t;

#define THEME_JOB_COLOURS 6

typedef struct {
    bool utf8;
    attr_t attr[TA_COUNT];
    attr_t job[THEME_JOB_COLOURS]; /* timeline spans, by job id */
    /* glyphs: each one column wide */
    const char *rule;       /* heading lines */
    const char *bar_full, *bar_empty;
    const char *span;       /* a job's span on the timeline */
    const char *slot;       /* an empty channel slot */
    const char *arrow;      /* the direction values move */
    const char *ellipsis;
    const char *sep;        /* between status items */
    const char *play, *pause, *stop, *rewind;
    const char *st[WS_COUNT]; /* a worker state's mark in the grid */
} theme_t;

/* A theme without colour: bold, dim, reverse and underline only (also for
 * NO_COLOR and monochrome terminals, and for tests). UTF-8 or ASCII glyphs. */
void theme_plain(theme_t *t, bool utf8);

/* The attribute of a worker state. */
attr_t theme_state(const theme_t *t, worker_state_t s);

typedef enum { VIEW_LIVE, VIEW_REPLAY } view_source_t;

/* Everything one frame shows. */
typedef struct {
    const theme_t *theme;
    const model_t *m;
    const timeline_t *tl;
    const evlog_t *log;
    int64_t now;             /* virtual ns shown: m->now, or later while a job sleeps */
    const char *title;       /* "default experiment", a lesson, a file */
    const char *failure;     /* Go's deadlock or panic text, or NULL */
    const char *notice;      /* a one-line remark (a refused key), or NULL */
    view_source_t source;
    /* The clock as the source runs it: a replay's own pause and speed, not
     * those of the run it recorded. */
    bool paused;
    double speed;
    bool exhausted;          /* a replay at the end of a recording cut short */
    bool rewinding;          /* showing history, read-only */
    size_t rewind_pos, rewind_len;
    /* Showing the run as it was after its first past_events events (a
     * rewind, or a step behind the present): the timeline's spans as then. */
    bool past;
    uint64_t past_events;
    int worker_scroll;       /* first worker (and timeline lane) shown, from 0, when they do not all fit */
    bool help;               /* the help overlay */
    bool hide_failure;       /* the failure overlay dismissed */
    bool lesson;             /* a lesson drives the run: its keys, not the run's controls */
} view_t;

/* ---- output helpers (draw_util.c) ---- */

/* Writes at most maxw columns of s at (y, x), clipped to the window; returns
 * the columns written. Glyphs are one column each. */
int put(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s);
/* The same, but text that does not fit is cut at a word boundary and ends
 * with the theme's ellipsis ("18 failed" becomes "18…", never "18 faile"). */
int put_fit(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s, const theme_t *t);
int putf(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Repeats a glyph n times. */
void put_repeat(WINDOW *w, int y, int x, int n, attr_t a, const char *glyph);
/* Blanks a rectangle. */
void clear_rect(WINDOW *w, rect_t r);
/* A pane heading: "── title ─────── right ──" across the rectangle's first line. */
void draw_rule(WINDOW *w, rect_t r, const theme_t *t, const char *title, const char *right);
/* Columns s takes (UTF-8 code points). */
int text_width(const char *s);
/* "1.5 s", "250 ms", "3 m 20 s": a virtual duration, short. */
void fmt_duration(char *buf, size_t len, int64_t ns);

/* ---- panels ---- */

void draw_title(WINDOW *w, const model_t *m, const view_t *v, rect_t r);
void draw_status(WINDOW *w, const model_t *m, const view_t *v, rect_t r);
void draw_queue(WINDOW *w, const model_t *m, const theme_t *t, rect_t r);
/* now: the virtual time shown, which runs on between events (a sleeping
 * job emits none); progress bars and running spans follow it. */
void draw_workers(WINDOW *w, const model_t *m, const theme_t *t, rect_t r, int scroll, int64_t now);
/* Paging the workers: how many of n the pane r shows at once, and which is
 * the first shown (from 0) for a scroll offset (the last page is full). */
int workers_per_page(rect_t r, int n);
int workers_first_shown(rect_t r, int n, int first);
void draw_results(WINDOW *w, const model_t *m, const theme_t *t, rect_t r);
/* lanes: how many fit; scroll: the first worker shown (from 0), as the
 * workers pane has it, so both scroll together; v: the clock and how far
 * into the run (view_now, past_events). */
void draw_timeline(WINDOW *w, const view_t *v, rect_t r, int lanes);
/* The first lane (from 1) shown for a scroll offset. */
int timeline_first_lane(const timeline_t *tl, int lanes, int scroll);
void draw_log(WINDOW *w, const model_t *m, const evlog_t *log, const theme_t *t, rect_t r);
void draw_help_line(WINDOW *w, const model_t *m, const view_t *v, rect_t r);
/* The keys; a replay's leaves out those that change a run. */
void draw_help_overlay(WINDOW *w, const view_t *v, int rows, int cols);
/* The deadlock or panic box: Go's message and what each thread waits on. */
void draw_failure_overlay(WINDOW *w, const model_t *m, const view_t *v, int rows, int cols);
void draw_too_small(WINDOW *w, const theme_t *t, int rows, int cols);

/* The worker actors of m in index order, into ids (room for MODEL_MAX_ACTORS);
 * returns how many. */
int workers_of(const model_t *m, int *ids);
/* How many workers m has (what the layouts size the panes for). */
int workers_count(const model_t *m);

/* The virtual time a frame shows: the view's (it runs on while a job
 * sleeps) unless the model is ahead, and the moment of death after a
 * deadlock or panic (the unwinding after it takes time the program never had). */
int64_t view_now(const view_t *v);

/* The whole screen, sized rows x cols, into w (screen.c). */
void screen_draw(WINDOW *w, const view_t *v, int rows, int cols);

#endif
