/* source.c - the two things the live view shows (source.h): a live pool,
 * and a replay player driven by the real clock. */
#include "tui/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/xalloc.h"
#include "tui/player.h"
#include "tui/term.h"
#include "views/describe.h"

/* ---- a live run ---- */

typedef struct {
    pool_config_t cfg;
    pool_t *pool;
} live_t;

static int live_start(void *ud, char *err, size_t errlen)
{
    live_t *l = ud;
    l->pool = pool_new(&l->cfg, err, errlen);
    if (!l->pool)
        return -1;
    /* Threads the pool starts inherit a mask without the view's signals. */
    term_block_signals();
    int rc = pool_start(l->pool);
    term_unblock_signals();
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the pool (error %d)", rc);
        pool_free(l->pool);
        l->pool = NULL;
        return -1;
    }
    return 0;
}

static void live_stop(void *ud)
{
    live_t *l = ud;
    pool_free(l->pool);
    free(l);
}

static pool_t *pool_of(void *ud) { return ((live_t *)ud)->pool; }
static void live_lock(void *ud) { pool_lock(pool_of(ud)); }
static void live_unlock(void *ud) { pool_unlock(pool_of(ud)); }
static const model_t *live_model(void *ud) { return pool_model(pool_of(ud)); }
static size_t live_history_len(void *ud) { return pool_history_len(pool_of(ud)); }
static const pevent_t *live_history_at(void *ud, size_t i) { return pool_history_at(pool_of(ud), i); }
static const model_t *live_history_base(void *ud) { return pool_history_base(pool_of(ud)); }
static const char *live_failure(void *ud) { return pool_failure(pool_of(ud)); }
static bool live_paused(void *ud) { return pool_paused(pool_of(ud)); }
static void live_step(void *ud) { pool_step(pool_of(ud)); }
static double live_speed(void *ud) { return pool_speed(pool_of(ud)); }
static void live_set_speed(void *ud, double speed) { pool_set_speed(pool_of(ud), speed); }

static void live_pause(void *ud, bool paused)
{
    if (paused)
        pool_pause(pool_of(ud));
    else
        pool_resume(pool_of(ud));
}

static int live_control(void *ud, source_ctl_t ctl)
{
    live_t *l = ud;
    switch (ctl) {
    case CTL_ADD_WORKER: return pool_add_worker(l->pool);
    case CTL_RETIRE_WORKER: return pool_retire_worker(l->pool);
    case CTL_ADD_JOBS: return pool_add_jobs(l->pool, SOURCE_ADD_JOBS);
    case CTL_CLOSE_JOBS: return pool_close_jobs(l->pool);
    case CTL_CANCEL: return pool_cancel(l->pool);
    }
    return -1;
}

static int live_restart(void *ud)
{
    live_t *l = ud;
    char err[256];
    pool_free(l->pool);
    l->pool = NULL;
    /* The same configuration started before, so this fails only when the
     * system does (no threads left). */
    return live_start(l, err, sizeof err);
}

static const source_ops_t live_ops = {
    .kind = VIEW_LIVE,
    .start = live_start,
    .stop = live_stop,
    .lock = live_lock,
    .unlock = live_unlock,
    .model = live_model,
    .history_len = live_history_len,
    .history_at = live_history_at,
    .history_base = live_history_base,
    .failure = live_failure,
    .paused = live_paused,
    .pause = live_pause,
    .step = live_step,
    .speed = live_speed,
    .set_speed = live_set_speed,
    .control = live_control,
    .restart = live_restart,
};

source_t source_live(const pool_config_t *cfg)
{
    live_t *l = xcalloc(1, sizeof *l);
    l->cfg = *cfg;
    return (source_t){.ops = &live_ops, .ud = l};
}

/* ---- a replay ---- */

typedef struct {
    player_t player;
    int64_t last_ns; /* the real time the player's clock was last run to */
    char failure[4096];
} replay_t;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static player_t *player_of(void *ud) { return &((replay_t *)ud)->player; }

static int replay_start(void *ud, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    ((replay_t *)ud)->last_ns = mono_ns();
    return 0;
}

static void replay_stop(void *ud)
{
    player_done(player_of(ud));
    free(ud);
}

/* The player is the UI thread's alone: nothing to lock. */
static void replay_nolock(void *ud) { (void)ud; }
static const model_t *replay_model(void *ud) { return &player_of(ud)->model; }
static size_t replay_history_len(void *ud) { return player_of(ud)->pos; }
static const pevent_t *replay_history_at(void *ud, size_t i) { return &player_of(ud)->events[i]; }
static const model_t *replay_history_base(void *ud) { return &player_of(ud)->base; }
static bool replay_paused(void *ud) { return player_of(ud)->paused; }
static void replay_step(void *ud) { player_step(player_of(ud)); }
static double replay_speed(void *ud) { return player_of(ud)->speed; }
static void replay_set_speed(void *ud, double speed) { player_set_speed(player_of(ud), speed); }
static int64_t replay_now(void *ud) { return player_of(ud)->now; }
static bool replay_exhausted(void *ud) { return player_at_end(player_of(ud)); }

/* A recording keeps events, not Go's report: the report as the model,
 * frozen at the moment of death, tells it - Go's first line, then each
 * goroutine that was blocked and on what. */
static const char *replay_failure(void *ud)
{
    replay_t *r = ud;
    const model_t *m = &r->player.model;
    const char *first = m->outcome == OUTCOME_DEADLOCK ? "fatal error: all goroutines are asleep - deadlock!"
                        : m->outcome == OUTCOME_PANIC  ? "panic (the recording keeps no message: see the event log)"
                                                       : NULL;
    if (!first)
        return NULL;
    size_t at = (size_t)snprintf(r->failure, sizeof r->failure, "%s\n", first);
    for (int id = 1; id < m->n_actors && at < sizeof r->failure; id++) {
        const model_actor_t *a = &m->actors[id];
        if (!a->known || !a->blocked || a->exited)
            continue;
        const char *obj = view_object_name(m, a->wait_obj);
        at += (size_t)snprintf(r->failure + at, sizeof r->failure - at, "\n%s [%s%s%s%s]", a->name,
                               pool_wait_name(a->wait), obj ? " (" : "", obj ? obj : "", obj ? ")" : "");
    }
    return r->failure;
}

static void replay_pause(void *ud, bool paused)
{
    replay_t *r = ud;
    player_pause(&r->player, paused);
    r->last_ns = mono_ns(); /* the time spent paused does not count */
}

static int replay_restart(void *ud)
{
    replay_t *r = ud;
    player_restart(&r->player);
    r->last_ns = mono_ns();
    return 0;
}

static void replay_tick(void *ud)
{
    replay_t *r = ud;
    int64_t t = mono_ns();
    player_advance(&r->player, t - r->last_ns);
    r->last_ns = t;
}

static const source_ops_t replay_ops = {
    .kind = VIEW_REPLAY,
    .start = replay_start,
    .stop = replay_stop,
    .lock = replay_nolock,
    .unlock = replay_nolock,
    .model = replay_model,
    .history_len = replay_history_len,
    .history_at = replay_history_at,
    .history_base = replay_history_base,
    .failure = replay_failure,
    .paused = replay_paused,
    .pause = replay_pause,
    .step = replay_step,
    .speed = replay_speed,
    .set_speed = replay_set_speed,
    .tick = replay_tick,
    .now = replay_now,
    .exhausted = replay_exhausted,
    .restart = replay_restart,
};

source_t source_replay(pevent_t *events, size_t n)
{
    replay_t *r = xcalloc(1, sizeof *r);
    player_init(&r->player, events, n);
    return (source_t){.ops = &replay_ops, .ud = r};
}
