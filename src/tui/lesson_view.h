/* lesson_view.h - the lesson screen: the lesson's Go program with a mark on
 * the line each goroutine is on, the current step's narration (its
 * question, the learner's answer, whether the run agreed, Go's deadlock or
 * panic text), and the pool's panes in the room left.
 *
 *   80x24     title, status; code above narration (the code folded around
 *             the marked lines); Tab shows the whole pool instead
 *   120x40    the jobs channel and the workers on top, then code, narration
 *   >= 150    code on the left; narration, workers, timeline, log beside it
 *
 * Drawing reads a lesson_state_t, a snapshot the UI keeps of where the
 * lesson is; like every draw function it writes nothing but the window. */
#ifndef POOLVIZ_TUI_LESSON_VIEW_H
#define POOLVIZ_TUI_LESSON_VIEW_H

#include <stdbool.h>

#include "lesson/lesson.h"
#include "tui/draw.h"

typedef enum {
    LP_INTRO,   /* before step 1: the title and summary */
    LP_FORWARD, /* replaying the steps before this one at top speed */
    LP_ASKING,  /* the step's question waits for an answer */
    LP_RUNNING, /* the step's actions run */
    LP_PAUSED,  /* at the step's `pause`: n goes on with the step */
    LP_DONE     /* the step is over: its verdicts are in */
} lesson_phase_t;

#define LESSON_MAX_FAILS 6

typedef struct {
    const lesson_t *l;
    int step;                 /* index into l->steps; -1 in LP_INTRO */
    lesson_phase_t phase;
    const lesson_ask_t *ask;  /* the step's question once reached, or NULL */
    int answer;               /* the learner's choice, -1 none yet */
    int held, failed;         /* the step's expectations (and actions) so far */
    char fails[LESSON_MAX_FAILS][160]; /* the first failures' details */
    bool pool_view;           /* Tab: the pool's screen instead */
    int scroll;               /* narration lines scrolled back from its end */
} lesson_state_t;

/* Who is on one code line. */
#define CODE_MARK_WORKERS 16
typedef struct {
    bool main, producer, closer;
    bool blocked;                      /* one of them is parked in a channel, a Wait... */
    int n_workers;                     /* workers on the line */
    int workers[CODE_MARK_WORKERS];    /* the first ones' indices, ascending */
} code_mark_t;

/* Fills marks[0 .. l->n_code) with who is on each line of m during step
 * (by the step's and the lesson's `mark` lines); returns how many lines
 * have someone. */
int code_marks(const lesson_t *l, int step, const model_t *m, code_mark_t *marks);
/* A line's marks in at most width columns: "w1 w2 w3", "w1-3", "5 workers",
 * "main", "closer w2"; "" for nobody. */
void code_mark_text(const code_mark_t *c, int width, char *buf, size_t len);

/* The whole lesson screen (or the pool's, with ls->pool_view), rows x cols. */
void lesson_screen_draw(WINDOW *w, const view_t *v, const lesson_state_t *ls, int rows, int cols);

#endif
