/* wg.c - sync.WaitGroup (wg.h).
 *
 * wg->lock (a short spin-then-futex lock, lock.h) guards the counter's changes and the queue of parked Wait()ers;
 * `count` is also atomic so wg_count() may read it unlocked. Events about a
 * WaitGroup are emitted with its lock held, so they keep its order. When Add
 * brings the counter to zero it claims and wakes every parked waiter, and
 * emits their EV_WG_WAIT itself (event.h: the waker reports the woken). */
#include "wg.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "err.h"
#include "lock.h"
#include "sched.h"
#include "xalloc.h"

#define WAIT_REASON "sync.WaitGroup.Wait"

struct wg {
    lock_t lock;
    rt_t *rt;
    char *name;
    uint64_t id;
    _Atomic int64_t count;
    waitq_t waiters;
};

/* An event about wg, for goroutine g (NULL: the calling thread). */
static void emit(wg_t *wg, gor_t *g, event_t *ev)
{
    ev->obj_kind = OBJ_WG;
    ev->obj_id = wg->id;
    ev->obj_name = wg->name;
    sched_emit(wg->rt, g, ev);
}

static void emit_wait_returned(wg_t *wg, gor_t *g)
{
    if (sched_observed(wg->rt)) {
        event_t ev = {0};
        ev.kind = EV_WG_WAIT;
        emit(wg, g, &ev);
    }
}

wg_t *wg_new(rt_t *rt, const char *name)
{
    wg_t *wg = xcalloc(1, sizeof *wg);
    lock_init(&wg->lock);
    wg->rt = rt;
    wg->name = xstrdup(name ? name : "");
    wg->id = sched_new_obj_id(rt);
    return wg;
}

void wg_free(wg_t *wg)
{
    if (!wg)
        return;
    free(wg->name);
    free(wg);
}

int wg_add(wg_t *wg, int64_t delta)
{
    lock_acquire(&wg->lock);
    int64_t count = atomic_load_explicit(&wg->count, memory_order_relaxed) + delta;
    if (count < 0) {
        /* The counter keeps its last valid value; the runtime halts anyway. */
        lock_release(&wg->lock);
        return sched_panic(wg->rt, "sync: negative WaitGroup counter");
    }
    atomic_store_explicit(&wg->count, count, memory_order_relaxed);
    if (sched_observed(wg->rt)) {
        event_t ev = {0};
        ev.kind = EV_WG_ADD;
        ev.value = count;
        ev.delta = delta;
        emit(wg, NULL, &ev);
    }
    if (count == 0) {
        waiter_t *w;
        while ((w = waitq_claim(&wg->waiters)) != NULL) {
            gor_t *g = w->g; /* w lives on g's stack: gone once g is ready */
            emit_wait_returned(wg, g);
            sched_ready(g, 0);
        }
    }
    lock_release(&wg->lock);
    return 0;
}

int wg_done(wg_t *wg) { return wg_add(wg, -1); }

int wg_wait(wg_t *wg)
{
    lock_acquire(&wg->lock);
    if (atomic_load_explicit(&wg->count, memory_order_relaxed) == 0) {
        emit_wait_returned(wg, NULL);
        lock_release(&wg->lock);
        return 0;
    }
    gor_t *g = sched_self_in(wg->rt);
    const char *objs[1] = {wg->name};
    int rc = g ? sched_arm(g, WAIT_REASON, objs, 1) : CORE_ENOTGOR;
    if (rc != 0) {
        lock_release(&wg->lock);
        return rc;
    }
    waiter_t w = {.g = g};
    waitq_push(&wg->waiters, &w);
    if (sched_observed(wg->rt)) {
        event_t ev = {0};
        ev.kind = EV_BLOCK;
        ev.wait = WAIT_REASON;
        emit(wg, g, &ev);
    }
    sched_parking(g);
    lock_release(&wg->lock);

    int r = sched_park(g);
    if (r >= 0)
        return 0;
    /* Aborted by a halt: w may still be queued. */
    lock_acquire(&wg->lock);
    waitq_remove(&wg->waiters, &w);
    if (sched_observed(wg->rt)) {
        event_t ev = {0};
        ev.kind = EV_ABORT;
        ev.err = r;
        ev.wait = WAIT_REASON;
        emit(wg, g, &ev);
    }
    lock_release(&wg->lock);
    return r;
}

int64_t wg_count(const wg_t *wg) { return atomic_load_explicit(&((wg_t *)wg)->count, memory_order_relaxed); }

const char *wg_name(const wg_t *wg) { return wg->name; }
