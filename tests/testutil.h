/* testutil.h - what every core test needs beside cmocka: a watchdog so a hung
 * test fails instead of hanging CI, the fixture (a runtime with the test
 * thread entered as "main" and events counted), and ways to run helper
 * goroutines whose outcomes are asserted only on the test's own thread
 * (cmocka fails through longjmp, which must not happen on another thread).
 *
 * Header-only, since the build lists just the .c test programs; everything
 * is static inline so a file that uses only part of it still builds with
 * -Wunused-function. */
#ifndef POOLVIZ_TESTUTIL_H
#define POOLVIZ_TESTUTIL_H

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/chan.h"
#include "core/err.h"
#include "core/event.h"
#include "core/rt.h"
#include "core/vclock.h"

/* Filler for out-values, so "never written" is told apart from 0. */
#define SENTINEL 0x5a5a5a5a
#define MS 1000000LL /* virtual or real ns */
#define SEC 1000000000LL
#define FAST_SPEED 1000 /* 1 s virtual = 1 ms real */

/* Seconds a single test may take before the watchdog kills the binary;
 * generous because sanitizer and valgrind builds run many times slower. */
#ifndef TEST_WATCHDOG_SECONDS
#define TEST_WATCHDOG_SECONDS 300
#endif

static void testutil_watchdog_fired(int sig)
{
    (void)sig;
    static const char msg[] = "watchdog: test hung\n";
    ssize_t unused = write(2, msg, sizeof msg - 1);
    (void)unused;
    _exit(3);
}

/* Arms the watchdog; use as a cmocka group or per-test setup. */
static inline int testutil_setup(void **state)
{
    (void)state;
    signal(SIGALRM, testutil_watchdog_fired);
    alarm(TEST_WATCHDOG_SECONDS);
    return 0;
}

static inline int testutil_teardown(void **state)
{
    (void)state;
    alarm(0);
    return 0;
}

/* Per-test teardown: a test that failed midway leaves the thread entered;
 * leaving here keeps that failure from cascading into the next tests. */
static inline int leave_if_entered(void **state)
{
    (void)state;
    if (rt_self())
        rt_leave();
    return 0;
}

#define TEST(fn) cmocka_unit_test_teardown(fn, leave_if_entered)
/* Runs a file's tests under the watchdog. */
#define RUN_TESTS(tests) cmocka_run_group_tests(tests, testutil_setup, testutil_teardown)

/* ---- a runtime with the test thread entered as "main" ---- */

/* For tests that need no observer. */
static inline rt_t *main_enter(const char *rt_name)
{
    rt_t *rt = rt_new(rt_name);
    assert_int_equal(rt_enter(rt, "main"), 0);
    return rt;
}

static inline void main_leave(rt_t *rt)
{
    rt_leave();
    rt_free(rt);
}

/* The usual fixture: as above, plus an observer counting events by kind, so
 * a test can wait until e.g. a goroutine is parked (EV_BLOCK) instead of
 * sleeping. The runtime has one observer; a test that wants every event
 * too chains its own through `also`. */
typedef struct {
    rt_t *rt;
    vclock_t *clock;
    _Atomic int n[EV_KIND_COUNT];      /* events seen, by kind */
    _Atomic int not_ok[EV_KIND_COUNT]; /* of those, the ones with ok == 0 */
    _Atomic int64_t last_value[EV_KIND_COUNT], last_delta[EV_KIND_COUNT];
    _Atomic int last_gor[EV_KIND_COUNT]; /* gor_id of the latest of a kind */
    observer_fn also;
    void *also_ud;
} fx_t;

static inline void fx_observe(void *ud, const event_t *ev)
{
    fx_t *f = ud;
    /* The details first: a test that saw the count may read them. */
    atomic_store(&f->last_value[ev->kind], ev->value);
    atomic_store(&f->last_delta[ev->kind], ev->delta);
    atomic_store(&f->last_gor[ev->kind], ev->gor_id);
    if (!ev->ok)
        atomic_fetch_add(&f->not_ok[ev->kind], 1);
    atomic_fetch_add(&f->n[ev->kind], 1);
    if (f->also)
        f->also(f->also_ud, ev);
}

/* speed 0 leaves the clock at its default. */
static inline void fx_begin_full(fx_t *f, double speed, observer_fn also, void *also_ud)
{
    memset(f, 0, sizeof *f);
    f->also = also;
    f->also_ud = also_ud;
    f->rt = rt_new("t");
    f->clock = rt_clock(f->rt);
    rt_observe(f->rt, fx_observe, f); /* before any goroutine exists */
    if (speed != 0)
        assert_int_equal(vclock_set_speed(f->clock, speed), 0);
    assert_int_equal(rt_enter(f->rt, "main"), 0);
}

static inline void fx_begin(fx_t *f) { fx_begin_full(f, 0, NULL, NULL); }

static inline void fx_begin_at_speed(fx_t *f, double speed) { fx_begin_full(f, speed, NULL, NULL); }

static inline void fx_end(fx_t *f) { main_leave(f->rt); }

static inline int fx_count(fx_t *f, event_kind_t kind) { return atomic_load(&f->n[kind]); }

/* Spins (bounded by the watchdog) until n events of that kind happened. */
static inline void await_events(fx_t *f, event_kind_t kind, int n)
{
    while (fx_count(f, kind) < n)
        sched_yield();
}

static inline void await_parked(fx_t *f, int n) { await_events(f, EV_BLOCK, n); }

static inline int64_t fx_now(fx_t *f) { return vclock_now(f->clock); }

/* ---- goroutines ---- */

static inline gor_t *go_rt(rt_t *rt, const char *name, void (*fn)(void *), void *arg)
{
    gor_t *g = NULL;
    assert_int_equal(rt_go(rt, &g, name, fn, arg), 0);
    return g;
}

static inline gor_t *go(fx_t *f, const char *name, void (*fn)(void *), void *arg)
{
    return go_rt(f->rt, name, fn, arg);
}

/* The i-th (from 0) of several alike goroutines, named "role i+1". */
static inline gor_t *go_nth(rt_t *rt, const char *role, int i, void (*fn)(void *), void *arg)
{
    char name[32];
    snprintf(name, sizeof name, "%s %d", role, i + 1);
    return go_rt(rt, name, fn, arg);
}

/* Starts a goroutine and returns only once it is parked, so goroutines
 * started this way queue up in a known order. */
static inline gor_t *go_parked(fx_t *f, const char *name, void (*fn)(void *), void *arg)
{
    int before = fx_count(f, EV_BLOCK);
    gor_t *g = go(f, name, fn, arg);
    await_parked(f, before + 1);
    return g;
}

/* One step of Go's `for v := range c`: true when *elem arrived; false once
 * c is closed and drained (*rc == 0) or the receive failed (*rc says how). */
static inline bool range_next(chan_t *c, void *elem, int *rc)
{
    bool ok = false;
    *rc = chan_recv(c, elem, &ok);
    return *rc == 0 && ok;
}

static inline void join_all(gor_t **g, int n)
{
    for (int i = 0; i < n; i++)
        rt_join(g[i]);
}

/* ---- assertions and odds and ends ---- */

static inline void assert_contains(const char *hay, const char *needle)
{
    assert_non_null(hay);
    if (!strstr(hay, needle))
        fail_msg("\"%s\" not found in \"%s\"", needle, hay);
}

/* A call panicked: it returned CORE_EPANIC, the runtime halted, and the
 * failure text names the panic and (unless NULL) the goroutine. */
static inline void assert_panicked(rt_t *rt, int rc, const char *what, const char *who)
{
    assert_int_equal(rc, CORE_EPANIC);
    assert_contains(rt_failure(rt), what);
    if (who)
        assert_contains(rt_failure(rt), who);
    assert_int_equal(rt_halt_code(rt), CORE_EHALTED);
}

/* ---- threads that are not goroutines ---- */

/* What a plain thread (a UI's, say) does with one channel: named `name` for
 * rt (rt_name_thread) unless name is NULL, it closes c, or try-sends on it
 * when `send`; the call's result lands in rc. */
typedef struct {
    rt_t *rt;
    const char *name;
    chan_t *c;
    bool send;
    int name_rc, rc;
} outsider_t;

static inline void *outsider_main(void *p)
{
    outsider_t *o = p;
    o->name_rc = o->name ? rt_name_thread(o->rt, o->name) : 0;
    int v = 1;
    o->rc = o->send ? chan_try_send(o->c, &v) : chan_close(o->c);
    if (o->name)
        rt_name_thread(NULL, NULL);
    return NULL;
}

/* Runs o on a new plain thread and waits for it. */
static inline void run_outsider(outsider_t *o)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, outsider_main, o), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(o->name_rc, 0);
}

/* CLOCK_MONOTONIC in ns, the clock of event_t.real_ns. */
static inline int64_t real_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

#endif
