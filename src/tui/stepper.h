/* stepper.h - a lesson run for the live view: the lesson's steps run on a
 * helper thread (lesson_run_step() blocks for as long as a step's runs
 * take, and waits for the learner's answer), while the UI thread shows the
 * current pool through a source_t and reads where the lesson is.
 *
 * The UI asks (stepper_request, stepper_answer) and never waits on the run:
 * the helper says that something changed by writing to a pipe the UI polls
 * (stepper_fd), and the UI then copies the state (stepper_state). Only the
 * UI thread touches curses; the helper never does.
 *
 * Replaying step k (the `p` and `r` keys): the current step is cancelled,
 * the lesson starts over, steps 1..k-1 run at top speed without asking
 * (their questions answered right, their verdicts not shown), then step k
 * runs at the lesson's speed. */
#ifndef POOLVIZ_TUI_STEPPER_H
#define POOLVIZ_TUI_STEPPER_H

#include <stdbool.h>

#include "lesson/lesson.h"
#include "tui/lesson_view.h"
#include "tui/source.h"

typedef struct stepper stepper_t;

/* A stepper for l (which must outlive it); basedir is what the lesson's
 * `dir=` is relative to. The helper starts with the source (source_t.start,
 * once the terminal is up); stopping the source frees the stepper. */
stepper_t *stepper_new(const lesson_t *l, const char *basedir);
source_t stepper_source(stepper_t *s);

/* Runs step i (an index): after the current one, or, with replay, from the
 * start of the lesson as above. */
void stepper_request(stepper_t *s, int step, bool replay);
/* The learner's choice for the question waiting, an index. */
void stepper_answer(stepper_t *s, int choice);
/* At a `pause` (LP_PAUSED): the step goes on from there. */
void stepper_go_on(stepper_t *s);
/* Readable when the lesson's state changed; stepper_state() drains it. */
int stepper_fd(const stepper_t *s);
/* Copies where the lesson is into ls (all but its view fields: pool_view,
 * scroll). */
void stepper_state(stepper_t *s, lesson_state_t *ls);

#endif
