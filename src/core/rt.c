/* rt.c - the runtime: goroutine registry, parking (wait words and queues),
 * deadlock detection, panics, halting and event emission. The design is
 * explained in sched.h.
 *
 * rt->lock guards the goroutine list, next_gor_id and failure; everything
 * else shared is atomic. */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "lock.h"
#include "sched.h"
#include "sys.h"
#include "vclock.h"
#include "xalloc.h"

/* A parked goroutine first checks a few times for a hand-off already under
 * way, then yields: with more goroutines than CPUs (the normal case) the one
 * we wait for most likely needs our CPU, and a longer spin only delays it
 * (measured: 64 spins made the pipeline 1.3-1.9x slower than 2). A yield
 * costs far less than a futex sleep and the wake it needs. Only while fewer
 * goroutines run than there are CPUs can the one we wait for be running
 * elsewhere; then a longer spin saves the yields (ping-pong: 1.7x faster). */
#ifndef PARK_SPINS
#define PARK_SPINS 2
#endif
#ifndef PARK_IDLE_SPINS
#define PARK_IDLE_SPINS 64
#endif
#ifndef PARK_YIELDS
#define PARK_YIELDS 16
#endif
enum { GOR_STACK_SIZE = 1 << 20 };

static __thread gor_t *tls_self;
/* A thread that is not a goroutine but was named for a runtime
 * (rt_name_thread): the runtime, and the name its panics and events carry. */
static __thread rt_t *tls_named_rt;
static __thread char tls_named[64];

/* ---- parking ---- */

static bool wait_finished(int s) { return s >= WAIT_DONE || s == WAIT_ABORTED; }

int sched_arm(gor_t *g, const char *reason, const char *const *objs, int n_objs)
{
    g->wait_reason = reason;
    g->n_wait_objs = n_objs < GOR_WAIT_OBJS ? n_objs : GOR_WAIT_OBJS;
    for (int i = 0; i < g->n_wait_objs; i++)
        g->wait_objs[i] = objs[i];
    atomic_store(&g->wait, WAIT_ARMED);
    int code = atomic_load(&g->rt->halt_code);
    if (code != 0) {
        atomic_store(&g->wait, WAIT_IDLE);
        return code;
    }
    return 0;
}

static void check_deadlock(rt_t *rt);

static void release_clock(gor_t *g)
{
    if (g->held) {
        g->held = false;
        vclock_unhold(g->rt->clock);
    }
    if (g->working) {
        g->working = false;
        vclock_work_done(g->rt->clock);
    }
}

void sched_parking(gor_t *g)
{
    release_clock(g);
    atomic_store_explicit(&g->parked, true, memory_order_relaxed);
    if (atomic_fetch_sub(&g->rt->activity, 1) == 1)
        check_deadlock(g->rt);
}

int sched_park(gor_t *g)
{
    int s = atomic_load_explicit(&g->wait, memory_order_acquire);
    bool cpu_left = atomic_load_explicit(&g->rt->activity, memory_order_relaxed) < g->rt->n_cpus;
    int spins = cpu_left ? PARK_IDLE_SPINS : PARK_SPINS;
    for (int i = 0; i < spins && !wait_finished(s); i++) {
        lock_cpu_relax();
        s = atomic_load_explicit(&g->wait, memory_order_acquire);
    }
    for (int i = 0; i < PARK_YIELDS && !wait_finished(s); i++) {
        sched_yield();
        s = atomic_load_explicit(&g->wait, memory_order_acquire);
    }
    while (!wait_finished(s)) {
        if (s == WAIT_ARMED || s == WAIT_CLAIMED) {
            int sleeping = s == WAIT_ARMED ? WAIT_SLEEPING : WAIT_CLAIMED_SLEEPING;
            if (atomic_compare_exchange_weak(&g->wait, &s, sleeping))
                s = sleeping;
            continue;
        }
        lock_futex_wait(&g->wait, s);
        s = atomic_load_explicit(&g->wait, memory_order_acquire);
    }
    atomic_store_explicit(&g->wait, WAIT_IDLE, memory_order_relaxed);
    return s == WAIT_ABORTED ? atomic_load(&g->rt->halt_code) : s - WAIT_DONE;
}

bool sched_claim(gor_t *g)
{
    int s = atomic_load_explicit(&g->wait, memory_order_relaxed);
    while (s == WAIT_ARMED || s == WAIT_SLEEPING) {
        int claimed = s == WAIT_ARMED ? WAIT_CLAIMED : WAIT_CLAIMED_SLEEPING;
        if (atomic_compare_exchange_weak(&g->wait, &s, claimed)) {
            atomic_store_explicit(&g->parked, false, memory_order_relaxed);
            atomic_fetch_add(&g->rt->activity, 1);
            return true;
        }
    }
    return false;
}

void sched_ready(gor_t *g, int index)
{
    /* Time stays still until g, woken in reaction to a timer, parks again. */
    if (vclock_waker_holds() || (tls_self && tls_self->held)) {
        g->held = true;
        vclock_hold(g->rt->clock);
    }
    int old = atomic_exchange_explicit(&g->wait, WAIT_DONE + index, memory_order_release);
    if (old == WAIT_CLAIMED_SLEEPING)
        lock_futex_wake(&g->wait);
}

/* Wakes g with WAIT_ABORTED if it is waiting; called by a halt. */
static void abort_wait(gor_t *g)
{
    int s = atomic_load(&g->wait);
    while (s == WAIT_ARMED || s == WAIT_SLEEPING) {
        if (atomic_compare_exchange_weak(&g->wait, &s, WAIT_ABORTED)) {
            atomic_store_explicit(&g->parked, false, memory_order_relaxed);
            atomic_fetch_add(&g->rt->activity, 1);
            if (s == WAIT_SLEEPING)
                lock_futex_wake(&g->wait);
            return;
        }
    }
}

void sched_activity_add(rt_t *rt, long n)
{
    if (atomic_fetch_add(&rt->activity, n) + n == 0)
        check_deadlock(rt);
}

/* ---- wait queues ---- */

void waitq_push(waitq_t *q, waiter_t *w)
{
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
    w->queued = true;
}

void waitq_remove(waitq_t *q, waiter_t *w)
{
    if (!w->queued)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        q->tail = w->prev;
    w->queued = false;
}

waiter_t *waitq_claim(waitq_t *q)
{
    waiter_t *w;
    while ((w = q->head) != NULL) {
        waitq_remove(q, w);
        if (sched_claim(w->g))
            return w;
    }
    return NULL;
}

/* ---- events ---- */

void sched_emit(rt_t *rt, gor_t *g, event_t *ev)
{
    observer_fn fn = atomic_load_explicit(&rt->observer, memory_order_acquire);
    if (!fn)
        return;
    if (!g && tls_self && tls_self->rt == rt)
        g = tls_self;
    ev->gor_id = g ? g->id : 0;
    ev->gor_name = g ? g->name : tls_named_rt == rt ? tls_named : "";
    ev->real_ns = sys_monotonic_ns();
    ev->virt_ns = vclock_at(rt->clock, ev->real_ns);
    fn(rt->observer_ud, ev);
}

void rt_observe(rt_t *rt, observer_fn fn, void *ud)
{
    rt->observer_ud = ud;
    atomic_store_explicit(&rt->observer, fn, memory_order_release);
}

uint64_t sched_new_obj_id(rt_t *rt) { return atomic_fetch_add(&rt->next_obj_id, 1) + 1; }

/* ---- halting, panics, deadlocks ---- */

/* Records the failure and wakes every parked goroutine. rt->lock held.
 * Returns false if the runtime had already halted. */
static bool halt_locked(rt_t *rt, int code, char *text, event_kind_t kind)
{
    if (atomic_load(&rt->halt_code) != 0) {
        free(text);
        return false;
    }
    rt->failure = text;
    /* Told before anyone can see the halt: the goroutines it wakes unwind at
     * once, and their exits must come after the news, not before. */
    if (sched_observed(rt)) {
        event_t ev = { .kind = kind, .err = code, .text = text };
        sched_emit(rt, NULL, &ev);
    }
    atomic_store(&rt->halt_code, code);
    for (gor_t *g = rt->gors; g; g = g->next)
        abort_wait(g);
    return true;
}

static void halt(rt_t *rt, int code, char *text, event_kind_t kind)
{
    sys_check(pthread_mutex_lock(&rt->lock));
    halt_locked(rt, code, text, kind);
    sys_check(pthread_mutex_unlock(&rt->lock));
}

void rt_halt(rt_t *rt, const char *reason)
{
    halt(rt, CORE_EHALTED, xstrdup(reason), EV_HALT);
}

int sched_panic(rt_t *rt, const char *msg)
{
    /* Go names the goroutine that panicked; a thread that is none is named
     * as it was registered, or said to be outside the goroutines. */
    gor_t *g = sched_self_in(rt);
    const char *who = g ? g->name : tls_named_rt == rt ? tls_named : "outside goroutine";
    char *text = xasprintf("panic: %s\n\n%s [running]", msg, who);
    halt(rt, CORE_EHALTED, text, EV_PANIC);
    return CORE_EPANIC;
}

/* Appends "NAME [REASON (OBJ, ...)]\n" for g to buf (rt->lock held). */
static char *append_gor_line(char *buf, const gor_t *g)
{
    char objs[256] = "";
    size_t used = 0;
    for (int i = 0; i < g->n_wait_objs && used < sizeof objs; i++) {
        int n = snprintf(objs + used, sizeof objs - used, "%s%s", i ? ", " : " (", g->wait_objs[i]);
        if (n > 0)
            used += (size_t)n;
    }
    char *line = xasprintf("%s%s [%s%s%s]\n", buf, g->name, g->wait_reason ? g->wait_reason : "running", objs,
                           g->n_wait_objs ? ")" : "");
    free(buf);
    return line;
}

static void check_deadlock(rt_t *rt)
{
    sys_check(pthread_mutex_lock(&rt->lock));
    bool dead = atomic_load(&rt->halt_code) == 0 && atomic_load(&rt->activity) == 0 && rt->gors;
    if (dead) {
        char *report = xstrdup("fatal error: all goroutines are asleep - deadlock!\n\n");
        for (gor_t *g = rt->gors; g; g = g->next)
            report = append_gor_line(report, g);
        report[strlen(report) - 1] = '\0';
        halt_locked(rt, CORE_EDEADLOCK, report, EV_DEADLOCK);
    }
    sys_check(pthread_mutex_unlock(&rt->lock));
}

/* ---- the registry ---- */

rt_t *rt_new(const char *name)
{
    rt_t *rt = xcalloc(1, sizeof *rt);
    rt->name = xstrdup(name ? name : "");
    sys_check(pthread_mutex_init(&rt->lock, NULL));
    long n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    rt->n_cpus = n_cpus > 0 ? n_cpus : 1;
    rt->clock = vclock_new(rt);
    return rt;
}

void rt_free(rt_t *rt)
{
    if (!rt)
        return;
    vclock_free(rt->clock);
    while (rt->gors) {
        gor_t *g = rt->gors;
        rt->gors = g->next;
        free(g->name);
        free(g);
    }
    sys_check(pthread_mutex_destroy(&rt->lock));
    free(rt->failure);
    free(rt->name);
    free(rt);
}

static gor_t *gor_register(rt_t *rt, const char *name)
{
    gor_t *g = xcalloc(1, sizeof *g);
    g->rt = rt;
    g->name = xstrdup(name ? name : "");
    /* Counted as running before anyone can see it, so its creator parking
     * right after `go` cannot look like a deadlock. */
    atomic_fetch_add(&rt->activity, 1);
    atomic_fetch_add(&rt->n_gor, 1);
    sys_check(pthread_mutex_lock(&rt->lock));
    g->id = ++rt->next_gor_id;
    gor_t **tail = &rt->gors;
    while (*tail) {
        g->prev = *tail;
        tail = &(*tail)->next;
    }
    *tail = g;
    sys_check(pthread_mutex_unlock(&rt->lock));
    return g;
}

static void gor_unlink(gor_t *g)
{
    rt_t *rt = g->rt;
    sys_check(pthread_mutex_lock(&rt->lock));
    if (g->prev)
        g->prev->next = g->next;
    else
        rt->gors = g->next;
    if (g->next)
        g->next->prev = g->prev;
    g->next = g->prev = NULL;
    sys_check(pthread_mutex_unlock(&rt->lock));
    atomic_fetch_sub(&rt->n_gor, 1);
}

/* The goroutine leaves: the rest may now all be parked, which is a deadlock
 * (Go reports it when main waits on a channel the last worker never fed). */
static void gor_exit(gor_t *g)
{
    rt_t *rt = g->rt;
    if (sched_observed(rt)) {
        event_t ev = { .kind = EV_GOR_EXIT };
        sched_emit(rt, g, &ev);
    }
    release_clock(g);
    gor_unlink(g);
    sched_activity_add(rt, -1);
}

static void emit_start(gor_t *g)
{
    if (sched_observed(g->rt)) {
        event_t ev = { .kind = EV_GOR_START };
        sched_emit(g->rt, g, &ev);
    }
}

static void *gor_main(void *arg)
{
    gor_t *g = arg;
    /* Signals belong to the UI thread; a goroutine never handles one. */
    sys_block_async_signals(NULL);
    tls_self = g;
    emit_start(g);
    g->fn(g->arg);
    gor_exit(g);
    tls_self = NULL;
    return NULL;
}

int rt_go(rt_t *rt, gor_t **out, const char *name, void (*fn)(void *), void *arg)
{
    if (!rt || !out || !fn)
        return CORE_EINVAL;
    gor_t *g = gor_register(rt, name);
    g->fn = fn;
    g->arg = arg;
    /* `go f()` is a zero-time step too: the child of a holding creator, or
     * of a thread outside the runtime (which takes no steps of its own),
     * holds time until it first parks. */
    if (!tls_self || (tls_self->held && tls_self->rt == rt)) {
        g->held = true;
        vclock_hold(rt->clock);
    }
    pthread_attr_t attr;
    sys_check(pthread_attr_init(&attr));
    sys_check(pthread_attr_setstacksize(&attr, GOR_STACK_SIZE));
    int rc = pthread_create(&g->thread, &attr, gor_main, g);
    sys_check(pthread_attr_destroy(&attr));
    if (rc != 0) {
        release_clock(g);
        gor_unlink(g);
        sched_activity_add(rt, -1);
        free(g->name);
        free(g);
        return CORE_ESYS;
    }
    *out = g;
    return 0;
}

void rt_join(gor_t *g)
{
    if (!g)
        return;
    sys_check(pthread_join(g->thread, NULL));
    free(g->name);
    free(g);
}

int rt_enter(rt_t *rt, const char *name)
{
    if (!rt || tls_self)
        return CORE_EINVAL;
    tls_self = gor_register(rt, name);
    emit_start(tls_self);
    return 0;
}

void rt_leave(void)
{
    gor_t *g = tls_self;
    if (!g)
        return;
    gor_exit(g);
    tls_self = NULL;
    free(g->name);
    free(g);
}

gor_t *rt_self(void) { return tls_self; }

int rt_name_thread(rt_t *rt, const char *name)
{
    if (tls_self || (rt && !name))
        return CORE_EINVAL;
    tls_named_rt = rt;
    snprintf(tls_named, sizeof tls_named, "%s", rt ? name : "");
    return 0;
}

rt_t *sched_thread_rt(void) { return tls_self ? tls_self->rt : tls_named_rt; }

int rt_goroutines(rt_t *rt) { return atomic_load(&rt->n_gor); }

int rt_parked(rt_t *rt)
{
    int n = 0;
    sys_check(pthread_mutex_lock(&rt->lock));
    for (gor_t *g = rt->gors; g; g = g->next)
        n += atomic_load_explicit(&g->parked, memory_order_relaxed);
    sys_check(pthread_mutex_unlock(&rt->lock));
    return n;
}

gor_t *sched_self_in(rt_t *rt) { return tls_self && tls_self->rt == rt ? tls_self : NULL; }

int gor_id(const gor_t *g) { return g->id; }
const char *gor_name(const gor_t *g) { return g->name; }

bool rt_halted(const rt_t *rt) { return atomic_load(&((rt_t *)rt)->halt_code) != 0; }

int rt_halt_code(const rt_t *rt) { return atomic_load(&((rt_t *)rt)->halt_code); }

const char *rt_failure(const rt_t *rt) { return rt_halted(rt) ? rt->failure : NULL; }

vclock_t *rt_clock(rt_t *rt) { return rt->clock; }

const char *rt_name(const rt_t *rt) { return rt->name; }
