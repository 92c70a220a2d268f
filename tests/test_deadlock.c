/* test_deadlock.c - "all goroutines are asleep" is found exactly when nothing
 * can ever wake anyone, reported in Go's words with one line per goroutine,
 * and every parked call then returns CORE_EDEADLOCK so threads can be joined.
 * Goroutines that compute, sleep or wait on a timeout are no deadlock; a
 * ticker or a deadline that nobody waits on does not hide one. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

#include "core/ctx.h"
#include "core/ticker.h"
#include "core/vclock.h"
#include "core/wg.h"

#define NWORKERS 3
#define DEADLOCK_HEAD "fatal error: all goroutines are asleep - deadlock!\n\n"

/* True if `line` is one whole line of text. */
static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++) {
        bool starts = p == text || p[-1] == '\n';
        bool ends = p[n] == '\n' || p[n] == '\0';
        if (starts && ends)
            return true;
    }
    return false;
}

/* The runtime halted on a deadlock whose report has Go's head line and, among
 * the goroutine lines, each of `lines`. */
static void assert_deadlock_report(rt_t *rt, const char *const *lines, int n)
{
    assert_int_equal(rt_halt_code(rt), CORE_EDEADLOCK);
    assert_true(rt_halted(rt));
    const char *text = rt_failure(rt);
    assert_non_null(text);
    if (strncmp(text, DEADLOCK_HEAD, strlen(DEADLOCK_HEAD)) != 0)
        fail_msg("report does not start with Go's deadlock text:\n%s", text);
    for (int i = 0; i < n; i++)
        if (!has_line(text, lines[i]))
            fail_msg("line \"%s\" missing from report:\n%s", lines[i], text);
}

/* A pool worker as in the lesson: range over jobs, send to results when that
 * channel is given, Done at the end; records how its last call failed. */
typedef struct {
    chan_t *jobs, *results;
    wg_t *wg;
    int handled;
    int rc; /* the first non-zero return, 0 if none */
} worker_t;

static void pool_worker(void *p)
{
    worker_t *w = p;
    int job = 0;
    while (range_next(w->jobs, &job, &w->rc)) {
        w->handled++;
        if (w->results) {
            int res = job * 2;
            w->rc = chan_send(w->results, &res);
            if (w->rc != 0)
                return;
        }
    }
    if (w->rc == 0)
        w->rc = wg_done(w->wg);
}

/* Adds NWORKERS to wg and starts that many pool workers "worker 1".. */
static void start_pool(rt_t *rt, worker_t *w, gor_t **g, chan_t *jobs, chan_t *results, wg_t *wg)
{
    assert_int_equal(wg_add(wg, NWORKERS), 0);
    for (int i = 0; i < NWORKERS; i++) {
        w[i] = (worker_t){ jobs, results, wg, 0, SENTINEL };
        g[i] = go_nth(rt, "worker", i, pool_worker, &w[i]);
    }
}

/* The report has each worker blocked on `wait` and main in wg's Wait. */
static void assert_pool_deadlock_report(rt_t *rt, const char *wait)
{
    char buf[NWORKERS][64];
    const char *lines[NWORKERS + 1];
    for (int i = 0; i < NWORKERS; i++) {
        snprintf(buf[i], sizeof buf[i], "worker %d [%s]", i + 1, wait);
        lines[i] = buf[i];
    }
    lines[NWORKERS] = "main [sync.WaitGroup.Wait (wg)]";
    assert_deadlock_report(rt, lines, NWORKERS + 1);
}

/* main alone was blocked for good: rc says so, and the report names its wait. */
static void assert_main_deadlocked(rt_t *rt, int rc, const char *line)
{
    assert_int_equal(rc, CORE_EDEADLOCK);
    assert_deadlock_report(rt, &line, 1);
}

static void test_forgotten_close_of_jobs_deadlocks(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    chan_t *jobs = chan_new(rt, "jobs", sizeof(int), 2);
    wg_t *wg = wg_new(rt, "wg");
    worker_t w[NWORKERS];
    gor_t *g[NWORKERS];
    start_pool(rt, w, g, jobs, NULL, wg);
    int send_fail = 0;
    for (int j = 1; j <= 5; j++)
        send_fail += chan_send(jobs, &j) != 0;
    /* Missing: chan_close(jobs). */
    int wait_rc = wg_wait(wg);
    join_all(g, NWORKERS);
    int later = chan_recv(jobs, NULL, NULL); /* the halt sticks */

    assert_int_equal(send_fail, 0);
    assert_int_equal(wait_rc, CORE_EDEADLOCK);
    assert_int_equal(later, CORE_EDEADLOCK);
    int handled = 0;
    for (int i = 0; i < NWORKERS; i++) {
        assert_int_equal(w[i].rc, CORE_EDEADLOCK);
        handled += w[i].handled;
    }
    assert_int_equal(handled, 5);
    assert_pool_deadlock_report(rt, "chan receive (jobs)");
    wg_free(wg);
    chan_free(jobs);
    main_leave(rt);
}

static void test_wait_before_draining_results_deadlocks(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    chan_t *jobs = chan_new(rt, "jobs", sizeof(int), NWORKERS);
    chan_t *results = chan_new(rt, "results", sizeof(int), 0);
    wg_t *wg = wg_new(rt, "wg");
    for (int j = 1; j <= NWORKERS; j++)
        assert_int_equal(chan_send(jobs, &j), 0);
    assert_int_equal(chan_close(jobs), 0);
    worker_t w[NWORKERS];
    gor_t *g[NWORKERS];
    start_pool(rt, w, g, jobs, results, wg);
    int wait_rc = wg_wait(wg); /* wrong: results is never drained */
    join_all(g, NWORKERS);

    assert_int_equal(wait_rc, CORE_EDEADLOCK);
    for (int i = 0; i < NWORKERS; i++)
        assert_int_equal(w[i].rc, CORE_EDEADLOCK);
    assert_pool_deadlock_report(rt, "chan send (results)");
    wg_free(wg);
    chan_free(results);
    chan_free(jobs);
    main_leave(rt);
}

static void test_send_beyond_buffer_before_workers_deadlocks(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    chan_t *jobs = chan_new(rt, "jobs", sizeof(int), 2);
    int rc[3];
    for (int j = 0; j < 3; j++)
        rc[j] = chan_send(jobs, &j);

    assert_int_equal(rc[0], 0);
    assert_int_equal(rc[1], 0);
    assert_int_equal(chan_len(jobs), 2);
    assert_main_deadlocked(rt, rc[2], "main [chan send (jobs)]");
    chan_free(jobs);
    main_leave(rt);
}

/* ---- no false alarms ---- */

typedef struct {
    rt_t *rt;
    chan_t *out;
    int rc;
} busy_t;

/* Computes for ~50 ms of real time without any Go operation, then sends. */
static void compute_then_send(void *p)
{
    busy_t *b = p;
    int64_t t0 = real_now();
    volatile uint64_t x = 0;
    do {
        for (int i = 0; i < 10000; i++)
            x += (uint64_t)i * i;
    } while (real_now() - t0 < 50 * MS);
    (void)x; /* the work is the point, not its result */
    int v = 42;
    b->rc = chan_send(b->out, &v);
}

/* Sleeps 2 virtual seconds, then sends. */
static void sleep_then_send(void *p)
{
    busy_t *b = p;
    b->rc = vclock_sleep(b->rt, 2000 * MS);
    if (b->rc == 0) {
        int v = 42;
        b->rc = chan_send(b->out, &v);
    }
}

/* Main receives while one goroutine runs fn: a normal finish, no report. */
static void check_no_false_alarm(void (*fn)(void *))
{
    rt_t *rt = main_enter("t");
    assert_int_equal(vclock_set_speed(rt_clock(rt), FAST_SPEED), 0);
    busy_t b = { rt, chan_new(rt, "out", sizeof(int), 0), SENTINEL };
    gor_t *g = go_rt(rt, "worker 1", fn, &b);
    int v = 0;
    int rc = chan_recv(b.out, &v, NULL);
    rt_join(g);

    assert_int_equal(rc, 0);
    assert_int_equal(b.rc, 0);
    assert_int_equal(v, 42);
    assert_null(rt_failure(rt));
    assert_int_equal(rt_halt_code(rt), 0);
    chan_free(b.out);
    main_leave(rt);
}

static void test_no_deadlock_while_goroutine_computes(void **state)
{
    (void)state;
    check_no_false_alarm(compute_then_send);
}

static void test_no_deadlock_while_goroutine_sleeps(void **state)
{
    (void)state;
    check_no_false_alarm(sleep_then_send);
}

static void test_no_deadlock_while_waiting_on_timeout(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    assert_int_equal(vclock_set_speed(rt_clock(rt), FAST_SPEED), 0);
    ctx_t *bg = ctx_background(rt);
    ctx_t *tctx = ctx_with_timeout(bg, "deadline", 1000 * MS);
    chan_t *results = chan_new(rt, "results", sizeof(int), 0);
    int v = SENTINEL;
    bool ok = true;
    chan_case_t cs[] = { { .ch = results, .dir = CHAN_RECV, .elem = &v },
                         { .ch = ctx_done(tctx), .dir = CHAN_RECV, .ok = &ok } };
    int chosen = SENTINEL;
    int rc = chan_select(cs, 2, false, &chosen); /* main is the only goroutine */

    assert_int_equal(rc, 0);
    assert_int_equal(chosen, 1);
    assert_false(ok);
    assert_int_equal(ctx_err(tctx), CTX_DEADLINE_EXCEEDED);
    assert_null(rt_failure(rt));
    assert_int_equal(rt_halt_code(rt), 0);
    chan_free(results);
    ctx_free(tctx);
    ctx_free(bg);
    main_leave(rt);
}

/* ---- timers that feed channels ---- */

/* Go's runtime would hang in each of these: a pending timer holds off its
 * detector. But a ticker's or a deadline's timer can only wake a goroutine
 * parked on its own channel, and none is. */
static void test_deadlock_despite_live_ticker_nobody_waits_on(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    assert_int_equal(vclock_set_speed(rt_clock(rt), FAST_SPEED), 0);
    ticker_t *tk = ticker_new(rt, "tick", 10 * MS);
    chan_t *jobs = chan_new(rt, "jobs", sizeof(int), 0);
    wg_t *wg = wg_new(rt, "wg");
    worker_t w[NWORKERS];
    gor_t *g[NWORKERS];
    start_pool(rt, w, g, jobs, NULL, wg);
    /* Missing: close(jobs); the ticker goes on ticking meanwhile. */
    int wait_rc = wg_wait(wg);
    join_all(g, NWORKERS);

    assert_int_equal(wait_rc, CORE_EDEADLOCK);
    assert_pool_deadlock_report(rt, "chan receive (jobs)");
    ticker_free(tk);
    wg_free(wg);
    chan_free(jobs);
    main_leave(rt);
}

static void test_deadlock_despite_pending_deadline_nobody_waits_on(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    ctx_t *bg = ctx_background(rt);
    ctx_t *tctx = ctx_with_timeout(bg, "ctx", 1000000 * SEC);
    ctx_t *child = ctx_with_cancel(tctx, "child");
    chan_t *results = chan_new(rt, "results", sizeof(int), 0);
    int rc = chan_recv(results, NULL, NULL);

    assert_main_deadlocked(rt, rc, "main [chan receive (results)]");
    assert_int_equal(ctx_err(tctx), CTX_ACTIVE);
    chan_free(results);
    ctx_free(child);
    ctx_free(tctx);
    ctx_free(bg);
    main_leave(rt);
}

/* Sends one value on out, then parks on `never` for good. */
typedef struct {
    chan_t *out, *never;
    int rc_send, rc_park;
} feeder_t;

static void send_then_park(void *p)
{
    feeder_t *f = p;
    int v = 7;
    f->rc_send = chan_send(f->out, &v);
    f->rc_park = chan_recv(f->never, NULL, NULL);
}

/* A tick can still wake main, whether it waits on the ticker alone or in a
 * select beside a channel nobody sends on; once main has been woken - by a
 * tick or by that other channel - and parks elsewhere for good, the ticker's
 * channel no longer counts and the deadlock is found. */
static void test_no_deadlock_while_waiting_for_a_tick(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    assert_int_equal(vclock_set_speed(rt_clock(rt), FAST_SPEED), 0);
    ticker_t *tk = ticker_new(rt, "tick", 10 * MS);
    chan_t *other = chan_new(rt, "other", sizeof(int), 0);
    chan_t *never = chan_new(rt, "never", 0, 0);
    feeder_t f = { other, never, SENTINEL, SENTINEL };
    /* A goroutine parked for good beside main: not what keeps it alive. */
    gor_t *g = go_rt(rt, "stuck", send_then_park, &f);
    int64_t at = 0;
    int rc_tick = chan_recv(ticker_chan(tk), &at, NULL);
    chan_case_t cs[] = { { .ch = ticker_chan(tk), .dir = CHAN_RECV, .elem = &at },
                         { .ch = never, .dir = CHAN_RECV } };
    int chosen = SENTINEL;
    int rc_select = chan_select(cs, 2, false, &chosen);
    int v = 0;
    int rc_other = chan_recv(other, &v, NULL);
    int rc_never = chan_recv(never, NULL, NULL);
    rt_join(g);

    assert_int_equal(rc_tick, 0);
    assert_true(at > 0);
    assert_int_equal(rc_select, 0);
    assert_int_equal(chosen, 0);
    assert_int_equal(rc_other, 0);
    assert_int_equal(v, 7);
    assert_int_equal(f.rc_send, 0);
    assert_int_equal(f.rc_park, CORE_EDEADLOCK);
    assert_int_equal(rc_never, CORE_EDEADLOCK);
    const char *lines[] = { "main [chan receive (never)]", "stuck [chan receive (never)]" };
    assert_deadlock_report(rt, lines, 2);
    ticker_free(tk);
    chan_free(never);
    chan_free(other);
    main_leave(rt);
}

/* A deadline closes the done channel of its context's descendants too. */
static void test_no_deadlock_while_waiting_on_a_deadline_through_a_child(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    assert_int_equal(vclock_set_speed(rt_clock(rt), FAST_SPEED), 0);
    ctx_t *bg = ctx_background(rt);
    ctx_t *tctx = ctx_with_timeout(bg, "ctx", 1000 * MS);
    ctx_t *child = ctx_with_cancel(tctx, "child");
    bool ok = true;
    int rc = chan_recv(ctx_done(child), NULL, &ok);

    assert_int_equal(rc, 0);
    assert_false(ok);
    assert_int_equal(ctx_err(child), CTX_DEADLINE_EXCEEDED);
    assert_null(rt_failure(rt));
    ctx_free(child);
    ctx_free(tctx);
    ctx_free(bg);
    main_leave(rt);
}

/* ---- nil channels and empty select ---- */

static void test_recv_on_nil_channel_deadlocks(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    int v = SENTINEL;
    bool ok = true;
    int rc = chan_recv(NULL, &v, &ok);

    assert_main_deadlocked(rt, rc, "main [chan receive (nil chan)]");
    main_leave(rt);
}

static void test_send_on_nil_channel_deadlocks(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    int v = 1;
    int rc = chan_send(NULL, &v);

    assert_main_deadlocked(rt, rc, "main [chan send (nil chan)]");
    main_leave(rt);
}

static void test_empty_select_deadlocks(void **state)
{
    (void)state;
    rt_t *rt = main_enter("t");
    int chosen = SENTINEL;
    int rc = chan_select(NULL, 0, false, &chosen);

    assert_main_deadlocked(rt, rc, "main [select (no cases)]");
    main_leave(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_forgotten_close_of_jobs_deadlocks),
        TEST(test_wait_before_draining_results_deadlocks),
        TEST(test_send_beyond_buffer_before_workers_deadlocks),
        TEST(test_no_deadlock_while_goroutine_computes),
        TEST(test_no_deadlock_while_goroutine_sleeps),
        TEST(test_no_deadlock_while_waiting_on_timeout),
        TEST(test_deadlock_despite_live_ticker_nobody_waits_on),
        TEST(test_deadlock_despite_pending_deadline_nobody_waits_on),
        TEST(test_no_deadlock_while_waiting_for_a_tick),
        TEST(test_no_deadlock_while_waiting_on_a_deadline_through_a_child),
        TEST(test_recv_on_nil_channel_deadlocks),
        TEST(test_send_on_nil_channel_deadlocks),
        TEST(test_empty_select_deadlocks),
    };
    return RUN_TESTS(tests);
}
