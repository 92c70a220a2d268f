/* sched.h - internal: goroutine records, parking, wait queues and the
 * accounting that finds deadlocks. Shared by rt.c, chan.c, wg.c and vclock.c;
 * not part of the public API.
 *
 * Parking. Each goroutine has one wait word (g->wait), in use while the
 * goroutine is inside one blocking operation. The goroutine arms it
 * (WAIT_ARMED), queues `waiter`s that point at it on one or more objects, and
 * parks. Whoever completes the operation first claims the word with a CAS
 * (WAIT_CLAIMED), copies the value, then publishes WAIT_DONE + case index.
 * A halt CASes it to WAIT_ABORTED instead. The CAS makes exactly one waker win,
 * which is what select needs (Go's selectDone). The parked side checks
 * briefly, yields a few times, then sleeps on a futex (rt.c says why); the
 * *_SLEEPING states tell a waker that a futex wake is needed, so hand-offs
 * to a goroutine still yielding cost no system call.
 *
 * Deadlock accounting. rt->activity counts running goroutines, pending
 * timers that can wake a goroutine (a sleep's, an AfterFunc's) and timer-fed
 * channels with parked receivers. A goroutine subtracts itself when it
 * parks; its waker adds it back when claiming it, before the waker can park
 * itself. When the count falls to zero while goroutines exist, nothing can
 * ever wake them: a deadlock.
 *
 * A ticker's or a context deadline's timer only sends on or closes its
 * channel, so it can wake only a goroutine parked on that channel. Such a
 * timer is passive; instead its channel holds one unit of activity while it
 * has a live feeder and a parked receiver (chan_add_feeder). The unit is the
 * channel's, not a goroutine's, so claims and wakes count as for any other
 * channel; it is taken before the receiver uncounts itself and dropped only
 * after the woken receiver was counted back. A live ticker nobody waits on
 * thus no longer hides a deadlock, which Go's runtime would not report.
 *
 * Lock order: channel locks (by address) -> rt->lock -> vclock lock. The
 * observer is called with rt->lock held for EV_PANIC, EV_DEADLOCK and
 * EV_HALT (so it comes before any goroutine sees the halt). */
#ifndef POOLVIZ_CORE_SCHED_H
#define POOLVIZ_CORE_SCHED_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "event.h"
#include "rt.h"

enum {
    WAIT_IDLE = 0,
    WAIT_ARMED = 1,
    WAIT_SLEEPING = 2,
    WAIT_CLAIMED = 3,
    WAIT_CLAIMED_SLEEPING = 4,
    WAIT_ABORTED = 5,
    WAIT_DONE = 8 /* + index of the completed case */
};

#define GOR_WAIT_OBJS 4

struct gor {
    rt_t *rt;
    int id;
    char *name;
    _Atomic int wait;
    /* What the goroutine is parked on, for the deadlock report; written by
     * the goroutine before it is counted as parked. */
    const char *wait_reason;
    const char *wait_objs[GOR_WAIT_OBJS];
    int n_wait_objs;
    _Atomic bool parked;
    /* Woken by a timer, directly or through others so woken: virtual time
     * stands still until this goroutine parks again (vclock.c). Written by
     * the waker before the wake, read by the goroutine after. */
    bool held;
    /* Computing in real time since vclock_working(), until it next parks;
     * the goroutine's own. */
    bool working;
    pthread_t thread;
    void (*fn)(void *);
    void *arg;
    gor_t *next, *prev; /* rt->gors, under rt->lock */
};

struct rt {
    char *name;
    pthread_mutex_t lock;
    gor_t *gors;
    int next_gor_id;
    _Atomic uint64_t next_obj_id;
    /* Written at every park and wake, by every goroutine: padded onto a
     * cache line of its own, so that reading the observer or the halt code
     * (which every operation does) does not miss the cache each time. */
    char pad_before_activity[64];
    _Atomic long activity;
    char pad_after_activity[64];
    _Atomic int n_gor;
    long n_cpus; /* online CPUs, for how long a parked goroutine spins (rt.c) */
    _Atomic int halt_code;
    char *failure; /* set once under lock, before halt_code is published */
    _Atomic(observer_fn) observer;
    void *observer_ud;
    vclock_t *clock;
};

/* One queued interest of a parked goroutine in an object (Go's sudog). */
typedef struct waiter {
    struct waiter *next, *prev;
    gor_t *g;
    void *elem;   /* send: source; recv: destination (may be NULL) */
    bool success; /* set by the waker: false when woken by a close */
    int index;    /* case index within a select, 0 otherwise */
    bool queued;
} waiter_t;

typedef struct {
    waiter_t *head, *tail;
} waitq_t;

void waitq_push(waitq_t *q, waiter_t *w);
void waitq_remove(waitq_t *q, waiter_t *w);
/* Pops queued waiters until one is claimed (returned) or the queue is empty
 * (NULL). Waiters of selects already won elsewhere are dropped. */
waiter_t *waitq_claim(waitq_t *q);

/* Arms g's wait word and records what g will park on. Returns 0, or the halt
 * code if the runtime has already halted (nothing armed then). */
int sched_arm(gor_t *g, const char *reason, const char *const *objs, int n_objs);
/* Counts g as parked; finds a deadlock when it was the last one running.
 * Call after the waiters are queued, with their object locks held. */
void sched_parking(gor_t *g);
/* Waits for the word to leave the armed state. Returns the case index (>= 0),
 * or a negative halt code when aborted. Leaves the word idle. */
int sched_park(gor_t *g);
/* Claims a parked goroutine's wait for its waiter; false if someone else won. */
bool sched_claim(gor_t *g);
/* Completes a claimed wait with case index `index` and wakes the goroutine. */
void sched_ready(gor_t *g, int index);

/* The runtime's clock and timer thread (vclock.c), made by rt_new() and freed
 * by rt_free(). */
vclock_t *vclock_new(rt_t *rt);
void vclock_free(vclock_t *vc);
/* Holding virtual time still while timer-woken goroutines react (vclock.c):
 * whether the calling thread's wakes hold it (a timer callback runs here), and
 * a hold taken and released. */
bool vclock_waker_holds(void);
void vclock_hold(vclock_t *vc);
void vclock_unhold(vclock_t *vc);
/* A goroutine that called vclock_working() parks or leaves. */
void vclock_work_done(vclock_t *vc);


/* rt->activity bookkeeping for timers (vclock.c): +1 when a timer becomes
 * pending, -1 after it fired (after its callback ran) or was stopped. */
void sched_activity_add(rt_t *rt, long n);

/* A channel fed by timers (chan.c): delta +1 when a timer that will send on
 * or close c becomes live (a ticker starts, a context gets a deadline), -1
 * when it no longer will. Such a timer is passive; c itself counts as
 * activity while it has a feeder and parked receivers (see the top). */
struct chan;
void chan_add_feeder(struct chan *c, int delta);

/* The goroutine calling, if it belongs to rt; else NULL. */
gor_t *sched_self_in(rt_t *rt);
/* The runtime the calling thread belongs to: its goroutine's, or the one it
 * was named for (rt_name_thread); NULL for neither. */
rt_t *sched_thread_rt(void);

/* Go panic in the calling thread: records msg with the name of the goroutine
 * or named thread calling ("outside goroutine" for another thread), emits
 * EV_PANIC, halts. Returns CORE_EPANIC for the caller to return. */
int sched_panic(rt_t *rt, const char *msg);

uint64_t sched_new_obj_id(rt_t *rt);

/* Every event's gate. POOLVIZ_NO_OBSERVE makes it a constant false, which
 * compiles every event out: only the benchmarks build the core that way
 * (bench/bench.am), as the baseline that shows what the gate costs with no
 * observer attached. The product never does. */
static inline bool sched_observed(rt_t *rt)
{
#ifdef POOLVIZ_NO_OBSERVE
    (void)rt;
    return false;
#else
    return __builtin_expect(atomic_load_explicit(&rt->observer, memory_order_acquire) != NULL, 0);
#endif
}
/* Fills in the timestamps and the goroutine (g, or the calling thread's when
 * g is NULL; none for an outsider, which is named only if it was named for
 * rt), then calls the observer. Call only after sched_observed() said yes. */
void sched_emit(rt_t *rt, gor_t *g, event_t *ev);

#endif
