/* ticker.c - time.Ticker on the virtual clock (ticker.h).
 *
 * A ticker is a timer that re-arms itself from its own callback on a fixed
 * schedule: the n-th tick is due at start + n * period, and ticks whose time
 * has already passed when the callback runs (a paused-then-sped-up clock, a
 * busy machine) are skipped, as Go does. Each tick try-sends its scheduled
 * virtual time on a capacity-1 channel; a full channel drops it.
 *
 * No lock of its own: `next` is touched only before the timer is first armed
 * and then by the callback, which the timer thread runs one at a time;
 * `dropped` is atomic; the timer and the channel lock themselves. */
#include "ticker.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "err.h"
#include "sched.h"
#include "vclock.h"
#include "xalloc.h"

struct ticker {
    rt_t *rt;
    char *name;
    uint64_t id;
    int64_t period;
    int64_t next; /* virtual time of the next tick */
    chan_t *ch;
    vtimer_t *timer;
    _Atomic uint64_t dropped;
    _Atomic bool live; /* from ticker_new until the first stop */
};

static void emit_tick(ticker_t *tk, int64_t when, bool delivered)
{
    if (!sched_observed(tk->rt))
        return;
    event_t ev = {0};
    ev.kind = EV_TICK;
    ev.obj_kind = OBJ_TICKER;
    ev.obj_id = tk->id;
    ev.obj_name = tk->name;
    ev.value = when;
    ev.ok = delivered;
    sched_emit(tk->rt, NULL, &ev);
}

/* The first tick time after `now` on the schedule through `when`. */
static int64_t next_tick(int64_t when, int64_t period, int64_t now)
{
    int64_t next;
    if (__builtin_add_overflow(when, period, &next))
        return INT64_MAX;
    if (next > now)
        return next;
    int64_t skip = period * (1 + (now - when) / period);
    return __builtin_add_overflow(when, skip, &next) ? INT64_MAX : next;
}

static void tick(void *arg)
{
    ticker_t *tk = arg;
    int64_t when = tk->next;
    int rc = chan_try_send(tk->ch, &when);
    if (rc == CORE_EAGAIN)
        atomic_fetch_add(&tk->dropped, 1);
    emit_tick(tk, when, rc == 0);
    tk->next = next_tick(when, tk->period, vclock_now(rt_clock(tk->rt)));
    vtimer_reset_at(tk->timer, tk->next);
}

ticker_t *ticker_new(rt_t *rt, const char *name, int64_t period)
{
    if (period <= 0)
        return NULL;
    ticker_t *tk = xcalloc(1, sizeof *tk);
    tk->rt = rt;
    tk->name = xstrdup(name ? name : "");
    tk->id = sched_new_obj_id(rt);
    tk->period = period;
    char *ch_name = xasprintf("%s.C", tk->name);
    tk->ch = chan_new(rt, ch_name, sizeof(int64_t), 1);
    free(ch_name);
    tk->timer = vtimer_new(rt, tk->name, tick, tk);
    /* The timer only feeds tk->ch: the channel, not the timer, tells the
     * deadlock detector whether a tick can still wake someone (sched.h). */
    vtimer_set_passive(tk->timer);
    atomic_init(&tk->live, true);
    chan_add_feeder(tk->ch, 1);
    int64_t now = vclock_now(rt_clock(rt));
    tk->next = next_tick(now, period, now);
    vtimer_reset_at(tk->timer, tk->next);
    return tk;
}

chan_t *ticker_chan(ticker_t *t) { return t->ch; }

void ticker_stop(ticker_t *t)
{
    vtimer_stop(t->timer);
    /* After the last tick: a receiver parked on the channel now waits for
     * good, which may be the deadlock. */
    if (atomic_exchange(&t->live, false))
        chan_add_feeder(t->ch, -1);
}

void ticker_free(ticker_t *t)
{
    if (!t)
        return;
    ticker_stop(t);
    vtimer_free(t->timer);
    chan_free(t->ch);
    free(t->name);
    free(t);
}

uint64_t ticker_dropped(const ticker_t *t) { return atomic_load(&((ticker_t *)t)->dropped); }
