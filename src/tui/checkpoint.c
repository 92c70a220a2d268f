/* checkpoint.c - the model after any number of events (checkpoint.h). */
#include "tui/checkpoint.h"

#include <stdlib.h>

#include "core/xalloc.h"

void checkpoints_init(checkpoints_t *c)
{
    *c = (checkpoints_t){0};
    model_init(&c->fold);
}

void checkpoints_done(checkpoints_t *c)
{
    model_done(&c->fold);
    for (size_t i = 0; i < CKPT_MAX; i++) {
        if (c->ring[i]) {
            model_done(c->ring[i]);
            free(c->ring[i]);
        }
    }
    *c = (checkpoints_t){0};
}

void checkpoints_reset(checkpoints_t *c)
{
    model_done(&c->fold);
    model_init(&c->fold);
    c->head = c->len = 0; /* the copies' memory is kept for the next run */
}

static void keep(checkpoints_t *c)
{
    size_t slot = (c->head + c->len) % CKPT_MAX;
    if (c->len == CKPT_MAX)
        c->head = (c->head + 1) % CKPT_MAX; /* the oldest goes */
    else
        c->len++;
    if (!c->ring[slot]) {
        c->ring[slot] = xmalloc(sizeof *c->ring[slot]);
        model_init(c->ring[slot]);
    }
    model_copy(c->ring[slot], &c->fold);
}

void checkpoints_feed(checkpoints_t *c, const pevent_t *ev)
{
    model_apply(&c->fold, ev);
    if (c->fold.events % CKPT_EVERY == 0)
        keep(c);
}

void checkpoints_rebase(checkpoints_t *c, const model_t *base) { model_copy(&c->fold, base); }

/* The latest copy at or before event `at`, if it is not before the kept
 * history (event `first`); else NULL. */
static const model_t *before(const checkpoints_t *c, uint64_t at, uint64_t first)
{
    for (size_t i = c->len; i-- > 0;) {
        const model_t *m = c->ring[(c->head + i) % CKPT_MAX];
        if (m->events <= at)
            return m->events >= first ? m : NULL;
    }
    return NULL;
}

size_t checkpoints_model_at(const checkpoints_t *c, model_t *view, uint64_t at, const history_t *h)
{
    uint64_t first = h->base->events;
    if (at < first)
        at = first;
    if (at > first + h->len)
        at = first + h->len;
    /* From whichever is nearest before `at`: the view, a copy, the base. */
    const model_t *from = before(c, at, first);
    if (!from)
        from = h->base;
    if (view->events < first || view->events > at || view->events < from->events)
        model_copy(view, from);
    size_t folded = 0;
    for (; view->events < at; folded++)
        model_apply(view, h->at(h->ud, (size_t)(view->events - first)));
    return folded;
}
