/* player.h - a recorded run played back: the events of a JSON lines file
 * folded into a model as a virtual clock reaches them, at a chosen speed,
 * with pause and single steps. The events applied so far are its history
 * (from an empty model), so the live view rewinds a replay exactly as it
 * rewinds a live run.
 *
 * Pure: no clock of its own and no curses. The caller says how much real
 * time passed (player_advance), so tests drive it event by event.
 * Events are applied in file order, which a recording writes in virtual-time
 * order; an event stamped earlier than its predecessor (a doctored file) is
 * due at once, since the clock never runs backwards. Not thread-safe. */
#ifndef POOLVIZ_TUI_PLAYER_H
#define POOLVIZ_TUI_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pevent.h"
#include "model/model.h"

typedef struct {
    pevent_t *events;   /* owned: freed by player_done */
    size_t n, pos;      /* events[0, pos) are applied */
    model_t model;      /* after events[0, pos) */
    model_t base;       /* before any: the history's base */
    int64_t now;        /* the player's virtual clock, ns */
    double speed;       /* virtual seconds per real second */
    bool paused;
} player_t;

/* Takes ownership of events (malloc'd, n >= 1). The clock starts at the
 * first event's time, playing at speed 1; nothing is applied yet. */
void player_init(player_t *p, pevent_t *events, size_t n);
void player_done(player_t *p);

/* Unless paused: runs the clock for real_ns of real time and applies every
 * event it reached (real_ns 0 applies those already due). Paused, nothing
 * changes. Returns how many were applied. */
size_t player_advance(player_t *p, int64_t real_ns);
/* Pauses and applies exactly the next event (its time becomes the clock's).
 * Returns 1, or 0 at the end. */
size_t player_step(player_t *p);
/* Back to the start, nothing applied, playing (at the same speed). */
void player_restart(player_t *p);
void player_pause(player_t *p, bool paused);
void player_set_speed(player_t *p, double speed);
/* Every event applied. */
bool player_at_end(const player_t *p);

#endif
