/* player.c - a recorded run played back (player.h). */
#include "tui/player.h"

#include <stdlib.h>

void player_init(player_t *p, pevent_t *events, size_t n)
{
    *p = (player_t){.events = events, .n = n, .speed = 1};
    model_init(&p->model);
    model_init(&p->base);
    p->now = n ? events[0].virt_ns : 0;
}

void player_done(player_t *p)
{
    model_done(&p->model);
    model_done(&p->base);
    free(p->events);
    p->events = NULL;
    p->n = p->pos = 0;
}

static void apply_next(player_t *p)
{
    const pevent_t *ev = &p->events[p->pos++];
    model_apply(&p->model, ev);
    if (ev->virt_ns > p->now)
        p->now = ev->virt_ns;
}

size_t player_advance(player_t *p, int64_t real_ns)
{
    if (p->paused)
        return 0; /* nothing moves, not even events due at the clock's time */
    if (real_ns > 0 && p->pos < p->n) {
        /* Never past the last event: the clock of a finished replay stops
         * where the recording ends. */
        double due = (double)p->now + (double)real_ns * p->speed;
        int64_t last = p->events[p->n - 1].virt_ns;
        p->now = due >= (double)last ? (last > p->now ? last : p->now) : (int64_t)due;
    }
    size_t applied = 0;
    while (p->pos < p->n && p->events[p->pos].virt_ns <= p->now) {
        apply_next(p);
        applied++;
    }
    return applied;
}

size_t player_step(player_t *p)
{
    p->paused = true;
    if (p->pos >= p->n)
        return 0;
    apply_next(p);
    return 1;
}

void player_restart(player_t *p)
{
    model_done(&p->model);
    model_init(&p->model);
    p->pos = 0;
    p->now = p->n ? p->events[0].virt_ns : 0;
    p->paused = false;
}

void player_pause(player_t *p, bool paused) { p->paused = paused; }

void player_set_speed(player_t *p, double speed)
{
    if (speed > 0)
        p->speed = speed;
}

bool player_at_end(const player_t *p) { return p->pos >= p->n; }
