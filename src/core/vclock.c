/* vclock.c - the runtime's virtual clock, its timers and the one timer thread
 * that fires them (vclock.h), plus time.Sleep on top of them.
 *
 * Locking: vc->lock guards every field of the vclock (the clock's base, speed
 * and pause state, the heap, `running`, the thread's state) and the `when`,
 * `seq` and `idx` fields of every timer. Timer callbacks run with no vclock
 * lock held, so they may call back into the clock (a ticker re-arms itself).
 * vc->lock is a leaf: nothing else is locked and no event is emitted while it
 * is held (sched_emit() reads the clock, and sched_activity_add() may emit a
 * deadlock report).
 *
 * Virtual time follows a line, base_virt + (real_now - base_real) * speed,
 * and never goes below `floor`, the time it stood at when it last stopped
 * (paused or held). Every change of speed or pause state rebases (the line
 * starts again at the current virtual time and real time), so virtual time is
 * continuous and never goes back.
 *
 * Time waits for timers: it never passes the earliest pending timer until the
 * timer thread has fired it (firing rebases at exactly its `when`). Waking a
 * thread takes tens of microseconds of real time, which at speed 1000 would
 * be tens of virtual milliseconds added to every sleep; with the clamp a
 * 1-second sleep lasts exactly one virtual second at any speed.
 *
 * For the same reason time stands still while the goroutines a timer woke
 * (and those they wake in turn) react: from the firing until each of them
 * parks again, or says it starts timed work (vclock_working), time is held
 * (`holds` > 0). The bookkeeping of zero-time steps - taking the next job,
 * sending a result - then costs no virtual time, as in a discrete-event
 * simulation, while sleeps and computations take exactly theirs.
 *
 * A hold stops the display of time, not the line: when the last hold ends,
 * time jumps ahead to where the line is, up to the next timer, so the real
 * time the steps took is made up from the next sleep and a run of sleep jobs
 * keeps real time too (round after round of 100 woken workers would
 * otherwise add their milliseconds of bookkeeping to every round). Debt that
 * the next timer cannot absorb is dropped, and so is all of it when nothing
 * is pending or a goroutine computes in real time (vclock_working): a jump
 * then would show time that nobody waited for. */
#include "vclock.h"

#include <errno.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "err.h"
#include "sched.h"
#include "sys.h"
#include "xalloc.h"

#define NOT_PENDING SIZE_MAX
/* The longest real wait for one timer; beyond it the thread just re-checks. */
#define MAX_REAL_WAIT_NS 1e15

struct vtimer {
    vclock_t *vc;
    rt_t *rt;
    char *name;
    uint64_t id;
    void (*fn)(void *);
    void *arg;
    int64_t when; /* virtual time it fires (or last fired) at */
    uint64_t seq; /* arming order: equal `when`s fire first armed, first fired */
    size_t idx;   /* position in vc->heap, or NOT_PENDING */
    bool passive; /* wakes no goroutine, so does not hold off deadlock detection */
};

struct vclock {
    rt_t *rt;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* the timer thread's: re-evaluate the earliest deadline */
    pthread_cond_t idle; /* broadcast when `running` goes back to NULL */
    double speed;
    bool paused;
    long holds;   /* see the top comment; time stands still while > 0 */
    long working; /* goroutines computing in real time (vclock_working) */
    int64_t base_virt;
    uint64_t base_real_ns;
    int64_t floor;
    vtimer_t **heap; /* binary min-heap by (when, seq) */
    size_t n_heap, cap_heap;
    uint64_t next_seq;
    bool thread_started;
    bool quit;
    pthread_t thread;
    vtimer_t *running; /* the timer whose callback runs right now */
    /* A copy of base, speed and pause state that readers of the time take
     * without the lock (a seqlock: odd `snap_seq` means a write is under
     * way). Every event reads the clock, often under a channel lock, so a
     * mutex here would serialize every observed goroutine. */
    _Atomic unsigned snap_seq;
    _Atomic int64_t snap_base_virt;
    _Atomic uint64_t snap_base_real;
    _Atomic double snap_speed;
    _Atomic bool snap_stopped;
    _Atomic int64_t snap_limit; /* the earliest pending timer's `when` */
    _Atomic int64_t snap_floor;
};

/* What virtual time is computed from. */
typedef struct {
    int64_t base_virt;
    uint64_t base_real;
    double speed;
    bool stopped; /* paused or held */
    int64_t limit;
    int64_t floor;
} clock_params_t;

static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* ---- clock (vc->lock held) ---- */

static int64_t line_at(const clock_params_t *c, uint64_t real)
{
    if (real <= c->base_real)
        return c->base_virt;
    return sat_add(c->base_virt, (int64_t)((double)(real - c->base_real) * c->speed));
}

/* The line, held back at `limit`, never below the floor. */
static int64_t virt_from(const clock_params_t *c, uint64_t real)
{
    if (c->stopped)
        return c->floor;
    int64_t v = line_at(c, real);
    if (v > c->limit)
        v = c->limit;
    return v > c->floor ? v : c->floor;
}

static int64_t earliest_when(const vclock_t *vc) { return vc->n_heap ? vc->heap[0]->when : INT64_MAX; }

static clock_params_t params(const vclock_t *vc)
{
    return (clock_params_t){.base_virt = vc->base_virt,
                            .base_real = vc->base_real_ns,
                            .speed = vc->speed,
                            .stopped = vc->paused || vc->holds > 0,
                            .limit = earliest_when(vc),
                            .floor = vc->floor};
}

static int64_t virt_at(const vclock_t *vc, uint64_t real)
{
    clock_params_t c = params(vc);
    return virt_from(&c, real);
}

/* Publishes the clock's parameters for vclock_now (vc->lock held). */
static void publish(vclock_t *vc)
{
    unsigned seq = atomic_load_explicit(&vc->snap_seq, memory_order_relaxed);
    atomic_store_explicit(&vc->snap_seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&vc->snap_base_virt, vc->base_virt, memory_order_relaxed);
    atomic_store_explicit(&vc->snap_base_real, vc->base_real_ns, memory_order_relaxed);
    atomic_store_explicit(&vc->snap_speed, vc->speed, memory_order_relaxed);
    atomic_store_explicit(&vc->snap_stopped, vc->paused || vc->holds > 0, memory_order_relaxed);
    atomic_store_explicit(&vc->snap_limit, earliest_when(vc), memory_order_relaxed);
    atomic_store_explicit(&vc->snap_floor, vc->floor, memory_order_relaxed);
    atomic_store_explicit(&vc->snap_seq, seq + 2, memory_order_release);
}

/* The line starts again at (virt, real). */
static void restart_line(vclock_t *vc, int64_t virt, uint64_t real)
{
    vc->base_virt = virt;
    vc->base_real_ns = real;
}

/* Time goes on from where it stands now; any debt is dropped. */
static void rebase(vclock_t *vc)
{
    uint64_t real = sys_monotonic_ns();
    vc->floor = virt_at(vc, real);
    restart_line(vc, vc->floor, real);
}

/* ---- heap (vc->lock held) ---- */

static bool earlier(const vtimer_t *a, const vtimer_t *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_set(vclock_t *vc, size_t i, vtimer_t *t)
{
    vc->heap[i] = t;
    t->idx = i;
}

static void sift_up(vclock_t *vc, size_t i)
{
    vtimer_t *t = vc->heap[i];
    while (i > 0 && earlier(t, vc->heap[(i - 1) / 2])) {
        heap_set(vc, i, vc->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(vc, i, t);
}

static void sift_down(vclock_t *vc, size_t i)
{
    vtimer_t *t = vc->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= vc->n_heap)
            break;
        if (c + 1 < vc->n_heap && earlier(vc->heap[c + 1], vc->heap[c]))
            c++;
        if (!earlier(vc->heap[c], t))
            break;
        heap_set(vc, i, vc->heap[c]);
        i = c;
    }
    heap_set(vc, i, t);
}

static void heap_push(vclock_t *vc, vtimer_t *t)
{
    if (vc->n_heap == vc->cap_heap) {
        vc->cap_heap = vc->cap_heap ? 2 * vc->cap_heap : 16;
        vc->heap = xrealloc(vc->heap, vc->cap_heap * sizeof *vc->heap);
    }
    heap_set(vc, vc->n_heap++, t);
    sift_up(vc, t->idx);
    publish(vc);
}

static void heap_remove(vclock_t *vc, vtimer_t *t)
{
    size_t i = t->idx;
    vtimer_t *last = vc->heap[--vc->n_heap];
    t->idx = NOT_PENDING;
    if (last != t) {
        heap_set(vc, i, last);
        sift_up(vc, i);
        sift_down(vc, last->idx);
    }
    publish(vc);
}

/* A pending timer can wake a goroutine, which rules out a deadlock; a
 * passive one (an observer's alarm) cannot. */
static void count_pending(const vtimer_t *t, long n)
{
    if (!t->passive)
        sched_activity_add(t->rt, n);
}

/* ---- the timer thread ---- */

static void emit_fired(vtimer_t *t, int64_t when)
{
    if (!sched_observed(t->rt))
        return;
    event_t ev = {0};
    ev.kind = EV_TIMER;
    ev.obj_kind = OBJ_TIMER;
    ev.obj_id = t->id;
    ev.obj_name = t->name;
    ev.value = when;
    sched_emit(t->rt, NULL, &ev);
}

/* True on the timer thread while a callback runs: whoever it wakes holds
 * time still (see the top comment). */
static __thread bool tls_firing;

bool vclock_waker_holds(void) { return tls_firing; }

/* vc->lock held. Time stops at the current instant on the first hold; the
 * line runs on. */
static void hold_locked(vclock_t *vc)
{
    if (vc->holds == 0)
        vc->floor = virt_at(vc, sys_monotonic_ns());
    vc->holds++;
    publish(vc);
}

/* The last hold ends (vc->lock held): the time it took is made up, up to the
 * next timer (see the top comment). */
static void make_up_held_time(vclock_t *vc)
{
    if (vc->paused)
        return; /* resuming restarts the line */
    uint64_t real = sys_monotonic_ns();
    clock_params_t c = params(vc);
    int64_t line = line_at(&c, real);
    if (vc->working > 0 || vc->n_heap == 0 || line < vc->floor)
        restart_line(vc, vc->floor, real);
    else if (line > c.limit)
        restart_line(vc, c.limit > vc->floor ? c.limit : vc->floor, real);
}

static void unhold_locked(vclock_t *vc)
{
    if (vc->holds == 1)
        make_up_held_time(vc);
    vc->holds--;
    publish(vc);
    if (vc->holds == 0)
        sys_check(pthread_cond_broadcast(&vc->cond));
}

void vclock_hold(vclock_t *vc)
{
    sys_check(pthread_mutex_lock(&vc->lock));
    hold_locked(vc);
    sys_check(pthread_mutex_unlock(&vc->lock));
}

void vclock_unhold(vclock_t *vc)
{
    sys_check(pthread_mutex_lock(&vc->lock));
    unhold_locked(vc);
    sys_check(pthread_mutex_unlock(&vc->lock));
}

void vclock_work_done(vclock_t *vc)
{
    sys_check(pthread_mutex_lock(&vc->lock));
    vc->working--;
    sys_check(pthread_mutex_unlock(&vc->lock));
}

/* Pops and runs one due timer; called and returns with vc->lock held. */
static void fire(vclock_t *vc, vtimer_t *t)
{
    int64_t when = t->when;
    /* Time stops at `when` exactly: held before the timer leaves the heap,
     * where it still caps the clock (see the top comment). */
    hold_locked(vc);
    heap_remove(vc, t);
    vc->running = t;
    sys_check(pthread_mutex_unlock(&vc->lock));
    emit_fired(t, when);
    tls_firing = true;
    t->fn(t->arg);
    tls_firing = false;
    vclock_unhold(vc);
    /* Settled before `running` clears, so once vtimer_stop() returns the
     * timer no longer counts as activity. */
    count_pending(t, -1);
    sys_check(pthread_mutex_lock(&vc->lock));
    vc->running = NULL;
    sys_check(pthread_cond_broadcast(&vc->idle));
}

/* Sleeps until the real instant at which virtual time reaches `when` at the
 * current speed, or until a broadcast says the answer changed. */
static void wait_until(vclock_t *vc, int64_t when, uint64_t real)
{
    clock_params_t c = params(vc);
    double ns = (double)(when - line_at(&c, real)) / vc->speed;
    if (ns > MAX_REAL_WAIT_NS)
        ns = MAX_REAL_WAIT_NS;
    uint64_t deadline = real + (uint64_t)ns + 1; /* rounded up: wake when due */
    struct timespec ts = {.tv_sec = (time_t)(deadline / 1000000000u),
                          .tv_nsec = (long)(deadline % 1000000000u)};
    int rc = pthread_cond_timedwait(&vc->cond, &vc->lock, &ts);
    if (rc != 0 && rc != ETIMEDOUT)
        abort();
}

static void *timer_thread(void *arg)
{
    vclock_t *vc = arg;
    /* A callback's panic (a ticker's send on a channel someone closed) names
     * this thread, as Go names the goroutine of an AfterFunc. */
    rt_name_thread(vc->rt, "timer");
    sys_check(pthread_mutex_lock(&vc->lock));
    while (!vc->quit) {
        bool held_back = vc->holds > 0 && vc->n_heap && vc->heap[0]->when > vc->floor;
        if (vc->n_heap == 0 || vc->paused || held_back) {
            sys_check(pthread_cond_wait(&vc->cond, &vc->lock));
            continue;
        }
        vtimer_t *t = vc->heap[0];
        uint64_t real = sys_monotonic_ns();
        if (t->when <= virt_at(vc, real))
            fire(vc, t);
        else
            wait_until(vc, t->when, real);
    }
    sys_check(pthread_mutex_unlock(&vc->lock));
    return NULL;
}

/* The timer thread is not a goroutine and must never take a process signal
 * (a test's SIGALRM watchdog, a TUI's SIGWINCH): it starts with every
 * asynchronous signal blocked. vc->lock held. */
static void start_thread(vclock_t *vc)
{
    sigset_t old;
    sys_block_async_signals(&old);
    int rc = pthread_create(&vc->thread, NULL, timer_thread, vc);
    sys_check(pthread_sigmask(SIG_SETMASK, &old, NULL));
    if (rc != 0)
        xalloc_fatal("cannot start the timer thread");
    vc->thread_started = true;
}

/* ---- clock API ---- */

vclock_t *vclock_new(rt_t *rt)
{
    vclock_t *vc = xcalloc(1, sizeof *vc);
    vc->rt = rt;
    vc->speed = 1.0;
    vc->base_real_ns = sys_monotonic_ns();
    publish(vc);
    pthread_condattr_t attr;
    sys_check(pthread_condattr_init(&attr));
    sys_check(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
    sys_check(pthread_cond_init(&vc->cond, &attr));
    sys_check(pthread_condattr_destroy(&attr));
    sys_check(pthread_cond_init(&vc->idle, NULL));
    sys_check(pthread_mutex_init(&vc->lock, NULL));
    return vc;
}

void vclock_free(vclock_t *vc)
{
    if (!vc)
        return;
    sys_check(pthread_mutex_lock(&vc->lock));
    vc->quit = true;
    sys_check(pthread_cond_broadcast(&vc->cond));
    bool started = vc->thread_started;
    sys_check(pthread_mutex_unlock(&vc->lock));
    if (started)
        sys_check(pthread_join(vc->thread, NULL));
    sys_check(pthread_cond_destroy(&vc->cond));
    sys_check(pthread_cond_destroy(&vc->idle));
    sys_check(pthread_mutex_destroy(&vc->lock));
    free(vc->heap);
    free(vc);
}

int64_t vclock_at(vclock_t *vc, uint64_t real_ns)
{
    for (;;) {
        unsigned seq = atomic_load_explicit(&vc->snap_seq, memory_order_acquire);
        clock_params_t c = {
            .base_virt = atomic_load_explicit(&vc->snap_base_virt, memory_order_relaxed),
            .base_real = atomic_load_explicit(&vc->snap_base_real, memory_order_relaxed),
            .speed = atomic_load_explicit(&vc->snap_speed, memory_order_relaxed),
            .stopped = atomic_load_explicit(&vc->snap_stopped, memory_order_relaxed),
            .limit = atomic_load_explicit(&vc->snap_limit, memory_order_relaxed),
            .floor = atomic_load_explicit(&vc->snap_floor, memory_order_relaxed),
        };
        atomic_thread_fence(memory_order_acquire);
        if ((seq & 1) || atomic_load_explicit(&vc->snap_seq, memory_order_relaxed) != seq)
            continue;
        return virt_from(&c, real_ns);
    }
}

int64_t vclock_now(vclock_t *vc) { return vclock_at(vc, sys_monotonic_ns()); }

int vclock_set_speed(vclock_t *vc, double speed)
{
    if (!(speed >= VCLOCK_MIN_SPEED && speed <= VCLOCK_MAX_SPEED))
        return CORE_EINVAL;
    sys_check(pthread_mutex_lock(&vc->lock));
    rebase(vc);
    vc->speed = speed;
    publish(vc);
    sys_check(pthread_cond_broadcast(&vc->cond));
    sys_check(pthread_mutex_unlock(&vc->lock));
    return 0;
}

double vclock_speed(vclock_t *vc) { return atomic_load_explicit(&vc->snap_speed, memory_order_relaxed); }

static void set_paused(vclock_t *vc, bool paused)
{
    sys_check(pthread_mutex_lock(&vc->lock));
    if (vc->paused != paused) {
        rebase(vc);
        vc->paused = paused;
        publish(vc);
        sys_check(pthread_cond_broadcast(&vc->cond));
    }
    sys_check(pthread_mutex_unlock(&vc->lock));
}

void vclock_pause(vclock_t *vc) { set_paused(vc, true); }

void vclock_resume(vclock_t *vc) { set_paused(vc, false); }

bool vclock_paused(vclock_t *vc)
{
    sys_check(pthread_mutex_lock(&vc->lock));
    bool paused = vc->paused;
    sys_check(pthread_mutex_unlock(&vc->lock));
    return paused;
}

/* ---- timers ---- */

vtimer_t *vtimer_new(rt_t *rt, const char *name, void (*fn)(void *), void *arg)
{
    vtimer_t *t = xcalloc(1, sizeof *t);
    t->vc = rt_clock(rt);
    t->rt = rt;
    t->name = xstrdup(name ? name : "");
    t->id = sched_new_obj_id(rt);
    t->fn = fn;
    t->arg = arg;
    t->idx = NOT_PENDING;
    return t;
}

vtimer_t *vtimer_after_func(rt_t *rt, const char *name, int64_t d, void (*fn)(void *), void *arg)
{
    vtimer_t *t = vtimer_new(rt, name, fn, arg);
    vtimer_reset(t, d);
    return t;
}

/* Makes t pending at `when` (if already pending, moves it); a running
 * callback is not waited for, so a callback may re-arm its own timer. */
static void arm(vtimer_t *t, bool relative, int64_t at)
{
    vclock_t *vc = t->vc;
    /* Count the new pending timer before it can fire and uncount itself. */
    count_pending(t, 1);
    sys_check(pthread_mutex_lock(&vc->lock));
    bool was_pending = t->idx != NOT_PENDING;
    if (was_pending)
        heap_remove(vc, t);
    t->when = relative ? sat_add(virt_at(vc, sys_monotonic_ns()), at) : at;
    t->seq = vc->next_seq++;
    heap_push(vc, t);
    if (!vc->thread_started)
        start_thread(vc);
    if (vc->heap[0] == t)
        sys_check(pthread_cond_broadcast(&vc->cond));
    sys_check(pthread_mutex_unlock(&vc->lock));
    if (was_pending)
        count_pending(t, -1);
}

void vtimer_reset(vtimer_t *t, int64_t d) { arm(t, true, d); }

void vtimer_reset_at(vtimer_t *t, int64_t when) { arm(t, false, when); }

bool vtimer_stop(vtimer_t *t)
{
    vclock_t *vc = t->vc;
    long removed = 0;
    sys_check(pthread_mutex_lock(&vc->lock));
    bool on_timer_thread = vc->thread_started && pthread_equal(pthread_self(), vc->thread);
    /* A callback that re-arms its timer while we wait makes it pending
     * again, hence the loop: leave only when it is neither pending nor
     * running. */
    for (;;) {
        if (t->idx != NOT_PENDING) {
            heap_remove(vc, t);
            removed++;
        }
        if (vc->running != t || on_timer_thread)
            break;
        sys_check(pthread_cond_wait(&vc->idle, &vc->lock));
    }
    sys_check(pthread_mutex_unlock(&vc->lock));
    if (removed)
        count_pending(t, -removed);
    return removed > 0;
}

void vtimer_free(vtimer_t *t)
{
    if (!t)
        return;
    vtimer_stop(t);
    free(t->name);
    free(t);
}

const char *vtimer_name(const vtimer_t *t) { return t->name; }

uint64_t vtimer_id(const vtimer_t *t) { return t->id; }

/* ---- time.Sleep ---- */

/* The sleeper's lock plays the part of a channel lock: it is held from
 * before the timer is armed until the goroutine is counted as parked, so the
 * timer cannot claim the goroutine earlier (sched.h). */
typedef struct {
    pthread_mutex_t lock;
    gor_t *g;
} sleeper_t;

/* EV_BLOCK (err == 0) or EV_ABORT of sleeping goroutine g on timer t. */
static void emit_sleep(rt_t *rt, gor_t *g, const vtimer_t *t, int err)
{
    if (!sched_observed(rt))
        return;
    event_t ev = {0};
    ev.kind = err ? EV_ABORT : EV_BLOCK;
    ev.obj_kind = OBJ_TIMER;
    ev.obj_id = t->id;
    ev.obj_name = t->name;
    ev.wait = "sleep";
    ev.err = err;
    sched_emit(rt, g, &ev);
}

static void wake_sleeper(void *arg)
{
    sleeper_t *s = arg;
    sys_check(pthread_mutex_lock(&s->lock));
    if (sched_claim(s->g))
        sched_ready(s->g, 0);
    sys_check(pthread_mutex_unlock(&s->lock));
}

int vclock_sleep(rt_t *rt, int64_t d)
{
    gor_t *g = sched_self_in(rt);
    if (!g)
        return CORE_ENOTGOR;
    if (d <= 0)
        return rt_halt_code(rt);
    int rc = sched_arm(g, "sleep", NULL, 0);
    if (rc != 0)
        return rc;
    sleeper_t s = {.g = g};
    sys_check(pthread_mutex_init(&s.lock, NULL));
    sys_check(pthread_mutex_lock(&s.lock));
    vtimer_t *t = vtimer_after_func(rt, "sleep", d, wake_sleeper, &s);
    emit_sleep(rt, g, t, 0);
    sched_parking(g);
    sys_check(pthread_mutex_unlock(&s.lock));
    int r = sched_park(g);
    if (r < 0)
        emit_sleep(rt, g, t, r);
    /* Also waits for a wake_sleeper() still running, so `s` may go. */
    vtimer_free(t);
    sys_check(pthread_mutex_destroy(&s.lock));
    return r < 0 ? r : 0;
}

void vclock_hold_self(rt_t *rt)
{
    gor_t *g = sched_self_in(rt);
    if (g && !g->held) {
        g->held = true;
        vclock_hold(rt_clock(rt));
    }
}

void vclock_working(rt_t *rt)
{
    gor_t *g = sched_self_in(rt);
    if (!g || g->working)
        return;
    g->working = true;
    vclock_t *vc = rt_clock(rt);
    sys_check(pthread_mutex_lock(&vc->lock));
    vc->working++;
    if (g->held) {
        g->held = false;
        unhold_locked(vc);
    }
    sys_check(pthread_mutex_unlock(&vc->lock));
}

void vtimer_set_passive(vtimer_t *t) { t->passive = true; }
