/* checkpoint.h - the model after any number of a run's events, at a bounded
 * cost: a fold of the run as its events come, with a copy of the model kept
 * every CKPT_EVERY events (the latest CKPT_MAX of them), so the model after
 * the first k events is the nearest copy before k and at most CKPT_EVERY
 * folds. The live view's rewind and single step use it: a step back over
 * a history of a million events costs what a step back over a short one does.
 *
 * Pure data, no curses, not thread-safe (the UI owns it). */
#ifndef POOLVIZ_TUI_CHECKPOINT_H
#define POOLVIZ_TUI_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/pevent.h"
#include "model/model.h"

/* A copy every 16384 events, 64 of them: a million events of history in
 * about 30 MB at most (a model is about 0.5 MB). */
#define CKPT_EVERY 16384
#define CKPT_MAX 64

typedef struct {
    model_t fold;          /* the run after fold.events events */
    model_t *ring[CKPT_MAX]; /* copies, oldest first from head (each after its events) */
    size_t head, len;
} checkpoints_t;

void checkpoints_init(checkpoints_t *c);
void checkpoints_done(checkpoints_t *c);
/* Forgets the run: the fold starts again from an empty model. */
void checkpoints_reset(checkpoints_t *c);
/* Folds the run's next event. */
void checkpoints_feed(checkpoints_t *c, const pevent_t *ev);
/* Events the fold never saw (a history that dropped them first): the fold
 * goes on from base, the model after base->events events. */
void checkpoints_rebase(checkpoints_t *c, const model_t *base);

/* The events of a run kept in a history: hist(ud, i) is event first + i,
 * for i < len, and base is the model after the first `first` events. */
typedef struct {
    const model_t *base;
    size_t len;
    const pevent_t *(*at)(void *ud, size_t i);
    void *ud;
} history_t;

/* Makes view (an initialized model) the model after the run's first `at`
 * events, clamped to the history: forward from whichever is nearest before
 * it of view itself, a checkpoint, and the base. Returns the events it
 * folded (at most CKPT_EVERY, unless the history's base is further back). */
size_t checkpoints_model_at(const checkpoints_t *c, model_t *view, uint64_t at, const history_t *h);

#endif
