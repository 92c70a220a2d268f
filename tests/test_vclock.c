/* test_vclock.c - the virtual clock and its timers: speed scales durations,
 * pause freezes them, a speed change reaches a pending timer at once, Stop
 * prevents a fire, and a pending timer counts as something that can still
 * wake a goroutine (no deadlock while it exists, a deadlock once it is gone),
 * time stands still while goroutines woken by a timer take zero-time
 * steps, and the real time those steps took is made up afterwards, up to the
 * next timer.
 *
 * Timing assertions are on virtual time; real time is only bounded very
 * loosely (shared, sanitizer-slowed machines). Assertions run on the test's
 * own thread; goroutines and timer callbacks record into atomics. */
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

#include "core/vclock.h"

/* "Nothing happened yet" evidence only, never synchronization. */
static void real_nap(int64_t ns)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ns};
    nanosleep(&ts, NULL);
}

/* ---- a goroutine that sleeps and records how long, in virtual time ---- */

typedef struct {
    rt_t *rt;
    int64_t d;
    int rc;
    int64_t start, end; /* virtual */
    _Atomic bool returned;
} sleep_t;

static void sleep_init(sleep_t *s, rt_t *rt, int64_t d)
{
    memset(s, 0, sizeof *s);
    s->rt = rt;
    s->d = d;
}

static void do_sleep(void *p)
{
    sleep_t *s = p;
    s->start = vclock_now(rt_clock(s->rt));
    s->rc = vclock_sleep(s->rt, s->d);
    s->end = vclock_now(rt_clock(s->rt));
    atomic_store(&s->returned, true);
}

/* ---- timer callbacks ---- */

static void count_fire(void *arg) { atomic_fetch_add((_Atomic int *)arg, 1); }

typedef struct {
    chan_t *c;
    int v;
} note_t;

static void send_note(void *arg)
{
    note_t *n = arg;
    chan_try_send(n->c, &n->v);
}

/* ---- tests ---- */

static void test_vclock_starts_at_zero_and_advances(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    int64_t a = vclock_now(f.clock);
    assert_true(a >= 0);
    real_nap(MS);
    int64_t b = vclock_now(f.clock);
    assert_true(b >= a + 1000 * MS); /* 1 ms real at speed 1000 */
    fx_end(&f);
}

static void test_vclock_set_speed_rejects_out_of_range(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 2);
    assert_int_equal(vclock_set_speed(f.clock, 0), CORE_EINVAL);
    assert_int_equal(vclock_set_speed(f.clock, -1), CORE_EINVAL);
    assert_int_equal(vclock_set_speed(f.clock, VCLOCK_MIN_SPEED / 2), CORE_EINVAL);
    assert_int_equal(vclock_set_speed(f.clock, VCLOCK_MAX_SPEED * 2), CORE_EINVAL);
    assert_int_equal(vclock_set_speed(f.clock, NAN), CORE_EINVAL);
    assert_true(vclock_speed(f.clock) == 2);
    assert_int_equal(vclock_set_speed(f.clock, VCLOCK_MAX_SPEED), 0);
    assert_true(vclock_speed(f.clock) == VCLOCK_MAX_SPEED);
    fx_end(&f);
}

static void test_vclock_speed_scales_sleep(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    int64_t real0 = real_now();
    int64_t virt0 = vclock_now(f.clock);
    assert_int_equal(vclock_sleep(f.rt, 10 * SEC), 0);
    int64_t virt = vclock_now(f.clock) - virt0;
    int64_t real = real_now() - real0;
    assert_true(virt >= 10 * SEC);
    assert_true(virt < 10 * SEC + 1000 * SEC); /* up to 1 s real of lag */
    assert_true(real < 5 * SEC);             /* at speed 1 it would be 10 s */
    assert_false(rt_halted(f.rt));
    fx_end(&f);
}

static void test_vclock_sleep_nonpositive_returns_at_once(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1);
    vclock_pause(f.clock); /* a timer could never fire */
    assert_int_equal(vclock_sleep(f.rt, 0), 0);
    assert_int_equal(vclock_sleep(f.rt, -5), 0);
    assert_int_equal(fx_count(&f, EV_BLOCK), 0);
    rt_halt(f.rt, "stop");
    assert_int_equal(vclock_sleep(f.rt, 0), CORE_EHALTED);
    fx_end(&f);
}

static void test_vclock_sleep_from_non_goroutine(void **state)
{
    (void)state;
    rt_t *rt = rt_new("t");
    assert_int_equal(vclock_sleep(rt, MS), CORE_ENOTGOR);
    rt_free(rt);
}

static void test_vclock_pause_freezes_timers(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    vclock_pause(f.clock);
    assert_true(vclock_paused(f.clock));
    sleep_t s;
    sleep_init(&s, f.rt, SEC); /* 1 ms real, were the clock running */
    gor_t *g = go(&f, "sleeper", do_sleep, &s);
    await_events(&f, EV_BLOCK, 1);
    int64_t frozen = vclock_now(f.clock);
    real_nap(20 * MS);
    bool woke_while_paused = atomic_load(&s.returned);
    int64_t still = vclock_now(f.clock);
    vclock_resume(f.clock);
    assert_false(vclock_paused(f.clock));
    rt_join(g);

    assert_false(woke_while_paused);
    assert_true(still == frozen);
    assert_int_equal(s.rc, 0);
    assert_true(s.end - s.start >= SEC);
    fx_end(&f);
}

static void test_vclock_speed_change_mid_sleep(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1);
    sleep_t s;
    sleep_init(&s, f.rt, 30 * SEC); /* 30 s real at speed 1 */
    int64_t real0 = real_now();
    gor_t *g = go(&f, "sleeper", do_sleep, &s);
    await_events(&f, EV_BLOCK, 1);
    assert_int_equal(vclock_set_speed(f.clock, VCLOCK_MAX_SPEED), 0);
    rt_join(g);
    int64_t real = real_now() - real0;

    assert_int_equal(s.rc, 0);
    assert_true(s.end - s.start >= 30 * SEC);
    assert_true(real < 10 * SEC); /* the pending timer followed the new speed */
    fx_end(&f);
}

static void test_vtimer_fires_in_order_of_when(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    vclock_pause(f.clock); /* every timer armed before any can fire */
    chan_t *order = chan_new(f.rt, "order", sizeof(int), 4);
    /* Equal times fire in the order armed: 2 before 3. */
    note_t notes[4] = {{order, 4}, {order, 1}, {order, 2}, {order, 3}};
    int64_t after[4] = {30 * MS, 10 * MS, 20 * MS, 20 * MS};
    vtimer_t *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = vtimer_after_func(f.rt, "note", after[i], send_note, &notes[i]);
    vclock_resume(f.clock);
    int got[4] = {0};
    int rc[4];
    for (int i = 0; i < 4; i++)
        rc[i] = chan_recv(order, &got[i], NULL);

    for (int i = 0; i < 4; i++) {
        assert_int_equal(rc[i], 0);
        assert_int_equal(got[i], i + 1);
        vtimer_free(t[i]);
    }
    assert_int_equal(fx_count(&f, EV_TIMER), 4);
    chan_free(order);
    fx_end(&f);
}

static void test_vtimer_stop_prevents_fire(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    _Atomic int fired = 0;
    vclock_pause(f.clock); /* so it is surely still pending when stopped */
    vtimer_t *t = vtimer_after_func(f.rt, "stopped", 100 * MS, count_fire, &fired);
    assert_string_equal(vtimer_name(t), "stopped");
    bool was_pending = vtimer_stop(t);
    bool again = vtimer_stop(t);
    vclock_resume(f.clock);
    /* Timers fire in order of time: once a later sleep ends, the stopped
     * one would have fired. */
    assert_int_equal(vclock_sleep(f.rt, 200 * MS), 0);

    assert_true(was_pending);
    assert_false(again);
    assert_int_equal(atomic_load(&fired), 0);
    assert_int_equal(fx_count(&f, EV_TIMER), 1); /* the sleep's own */
    vtimer_free(t);
    fx_end(&f);
}

static void close_it(void *c) { chan_close(c); }

/* A callback runs on the timer thread, which is no goroutine: its panic
 * names that thread, as Go names an AfterFunc's goroutine. */
static void test_timer_callback_panic_names_the_timer_thread(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    chan_t *c = chan_new(f.rt, "c", 0, 0);
    assert_int_equal(chan_close(c), 0);
    vtimer_t *t = vtimer_after_func(f.rt, "closer", 10 * MS, close_it, c);
    /* The halt, not the panic event, which the observer sees first. */
    while (!rt_halted(f.rt))
        sched_yield();

    assert_int_equal(fx_count(&f, EV_PANIC), 1);
    assert_string_equal(rt_failure(f.rt), "panic: close of closed channel\n\ntimer [running]");
    vtimer_free(t);
    chan_free(c);
    fx_end(&f);
}

static void test_vtimer_reset_reschedules(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    _Atomic int fired = 0;
    vclock_pause(f.clock); /* so it cannot fire before the first reset */
    vtimer_t *t = vtimer_after_func(f.rt, "t", 50 * MS, count_fire, &fired);
    vtimer_reset(t, 1000000 * SEC); /* pushed far beyond the sleep below */
    vclock_resume(f.clock);
    assert_int_equal(vclock_sleep(f.rt, 100 * MS), 0);
    int before = atomic_load(&fired);
    vtimer_reset(t, 10 * MS); /* brought back before the next sleep ends */
    assert_int_equal(vclock_sleep(f.rt, 100 * MS), 0);
    int after = atomic_load(&fired);
    bool pending = vtimer_stop(t);

    assert_int_equal(before, 0);
    assert_int_equal(after, 1);
    assert_false(pending); /* fired, so no longer pending */
    vtimer_free(t);
    fx_end(&f);
}

static void test_sleeping_goroutine_is_not_a_deadlock(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    /* main is the only goroutine and it parks: only the timer can wake it. */
    assert_int_equal(vclock_sleep(f.rt, 50 * MS), 0);
    assert_false(rt_halted(f.rt));
    assert_int_equal(fx_count(&f, EV_DEADLOCK), 0);
    fx_end(&f);
}

static void test_deadlock_found_when_last_timer_fires(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    _Atomic int fired = 0;
    chan_t *never = chan_new(f.rt, "never", sizeof(int), 0);
    vtimer_t *t = vtimer_after_func(f.rt, "t", 10 * MS, count_fire, &fired);
    /* Parked while the timer is pending: not yet a deadlock. Once it has
     * fired and woken nobody, nothing can ever wake main. */
    int rc = chan_recv(never, NULL, NULL);

    assert_int_equal(rc, CORE_EDEADLOCK);
    assert_int_equal(atomic_load(&fired), 1);
    assert_contains(rt_failure(f.rt), "main [chan receive (never)]");
    vtimer_free(t);
    chan_free(never);
    fx_end(&f);
}

static void test_halt_wakes_sleeper(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1);
    sleep_t s;
    sleep_init(&s, f.rt, 3600 * SEC);
    gor_t *g = go(&f, "sleeper", do_sleep, &s);
    await_events(&f, EV_BLOCK, 1);
    rt_halt(f.rt, "stop");
    rt_join(g);
    assert_int_equal(s.rc, CORE_EHALTED);
    assert_int_equal(fx_count(&f, EV_ABORT), 1);
    assert_int_equal(fx_count(&f, EV_TIMER), 0);
    fx_end(&f);
}

/* ---- time stands still while timer-woken goroutines react ---- */

typedef struct {
    chan_t *ping, *pong;
    int rounds;
} echo_t;

static void echo(void *arg)
{
    echo_t *e = arg;
    int v, rc;
    while (range_next(e->ping, &v, &rc))
        chan_send(e->pong, &v);
}

static void test_zero_time_steps_cost_no_virtual_time(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    echo_t e = { chan_new(f.rt, "ping", sizeof(int), 0), chan_new(f.rt, "pong", sizeof(int), 0), 200 };
    gor_t *g = go(&f, "echo", echo, &e);
    vclock_hold_self(f.rt); /* from here on only the sleeps take time */
    int64_t start = fx_now(&f);
    /* Between sleeps main trades messages with another goroutine: real work
     * that, at speed 1000, would add whole virtual milliseconds if time ran
     * while it happened. */
    for (int i = 0; i < 10; i++) {
        assert_int_equal(vclock_sleep(f.rt, 100 * MS), 0);
        for (int k = 0; k < e.rounds; k++) {
            chan_send(e.ping, &k);
            chan_recv(e.pong, NULL, NULL);
        }
    }
    int64_t elapsed = fx_now(&f) - start;
    chan_close(e.ping);
    rt_join(g);
    assert_true(elapsed >= 1000 * MS);
    assert_true(elapsed < 1000 * MS + MS / 2);
    chan_free(e.ping);
    chan_free(e.pong);
    fx_end(&f);
}

static void test_woken_goroutine_holds_time_until_it_works(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1000);
    assert_int_equal(vclock_sleep(f.rt, 10 * MS), 0);
    int64_t held = fx_now(&f);
    real_nap(2 * 1000 * 1000);
    assert_int_equal(fx_now(&f), held); /* 2 ms real would be 2 s virtual */
    vclock_working(f.rt);
    int64_t deadline = real_now() + 5 * SEC;
    while (fx_now(&f) == held && real_now() < deadline)
        sched_yield();
    assert_true(fx_now(&f) > held);
    fx_end(&f);
}

/* ---- held time made up: the clock's line runs on under a hold ---- */

typedef struct {
    rt_t *rt;
    int64_t hold_real; /* real ns spent holding time still */
    int64_t sleep;     /* then sleeps this long (0: says it works instead) */
    chan_t *done;      /* then waits here */
    int64_t held_at, after; /* virtual: when the hold began, after the sleep or the work began */
    _Atomic bool passed;    /* `after` is set */
    vtimer_t *far;
    _Atomic int far_fired;
} holder_t;

static void hold_then_go_on(void *arg)
{
    holder_t *h = arg;
    vclock_hold_self(h->rt);
    h->held_at = vclock_now(rt_clock(h->rt));
    real_nap(h->hold_real);
    if (h->sleep)
        vclock_sleep(h->rt, h->sleep);
    else
        vclock_working(h->rt);
    h->after = vclock_now(rt_clock(h->rt));
    atomic_store(&h->passed, true);
    chan_recv(h->done, NULL, NULL);
}

/* Starts h's goroutine at speed 100 and waits until it parks (in its sleep
 * when `until_passed` is false, else on `done`). A passive timer `far` ahead
 * (if > 0) keeps a timer pending throughout. */
static gor_t *start_holder(fx_t *f, holder_t *h, int64_t hold_real, int64_t sleep, int64_t far, bool until_passed)
{
    *h = (holder_t){ .rt = f->rt, .hold_real = hold_real, .sleep = sleep };
    h->done = chan_new(f->rt, "done", 0, 0);
    if (far > 0) {
        h->far = vtimer_new(f->rt, "far", count_fire, &h->far_fired);
        vtimer_set_passive(h->far);
        vtimer_reset(h->far, far);
    }
    gor_t *g = go(f, "holder", hold_then_go_on, h);
    int64_t deadline = real_now() + 60 * SEC;
    while ((rt_parked(f->rt) != 1 || (until_passed && !atomic_load(&h->passed))) && real_now() < deadline)
        sched_yield();
    assert_int_equal(rt_parked(f->rt), 1);
    return g;
}

static void finish_holder(holder_t *h, gor_t *g)
{
    chan_close(h->done);
    rt_join(g);
    chan_free(h->done);
    vtimer_free(h->far);
}

static void test_held_time_is_made_up_before_the_next_timer(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 100);
    holder_t h;
    /* 20 ms real held at speed 100 is 2 s of the line, then a 5 s sleep. */
    gor_t *g = start_holder(&f, &h, 20 * MS, 5 * SEC, 0, false);
    int64_t now = fx_now(&f);
    assert_true(now >= h.held_at + 2 * SEC); /* jumped ahead by the held time */
    assert_true(now < h.held_at + 5 * SEC);
    finish_holder(&h, g);
    assert_int_equal(h.after, h.held_at + 5 * SEC); /* the sleep itself is exact */
    fx_end(&f);
}

static void test_held_time_beyond_the_next_timer_is_dropped(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 100);
    holder_t h;
    /* 10 s of the line held, but the next timer is 1 s away; with the rest
     * kept, time would stand at the far timer, 8 s on. */
    gor_t *g = start_holder(&f, &h, 100 * MS, 1 * SEC, 8 * SEC, true);
    assert_int_equal(h.after, h.held_at + 1 * SEC);
    assert_true(fx_now(&f) < h.held_at + 5 * SEC); /* not the 10 s */
    finish_holder(&h, g);
    fx_end(&f);
}

static void test_held_time_is_not_made_up_by_work(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 100);
    holder_t h;
    /* 5 s of the line held, then real work: its virtual time starts at the
     * hold, not 5 s later, even with a timer pending far ahead. */
    gor_t *g = start_holder(&f, &h, 50 * MS, 0, 100 * SEC, true);
    assert_true(h.after < h.held_at + 2 * SEC);
    finish_holder(&h, g);
    fx_end(&f);
}

static void test_passive_timer_does_not_hold_off_deadlock(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, 1);
    _Atomic int fired = 0;
    chan_t *never = chan_new(f.rt, "never", sizeof(int), 0);
    vtimer_t *t = vtimer_new(f.rt, "alarm", count_fire, &fired);
    vtimer_set_passive(t);
    vtimer_reset(t, 3600 * SEC);
    int rc = chan_recv(never, NULL, NULL);

    assert_int_equal(rc, CORE_EDEADLOCK);
    assert_int_equal(atomic_load(&fired), 0);
    vtimer_free(t);
    chan_free(never);
    fx_end(&f);
}

static void recv_once(void *arg) { chan_recv(arg, NULL, NULL); }

static void test_parked_counts_goroutines_blocked_now(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 0);
    assert_int_equal(rt_parked(f.rt), 0);
    gor_t *g = go_parked(&f, "receiver", recv_once, c);
    assert_int_equal(rt_parked(f.rt), 1);
    int v = 1;
    chan_send(c, &v);
    assert_int_equal(rt_parked(f.rt), 0); /* woken, even if not yet running */
    rt_join(g);
    chan_free(c);
    fx_end(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_vclock_starts_at_zero_and_advances),
        TEST(test_vclock_set_speed_rejects_out_of_range),
        TEST(test_vclock_speed_scales_sleep),
        TEST(test_vclock_sleep_nonpositive_returns_at_once),
        TEST(test_vclock_sleep_from_non_goroutine),
        TEST(test_vclock_pause_freezes_timers),
        TEST(test_vclock_speed_change_mid_sleep),
        TEST(test_vtimer_fires_in_order_of_when),
        TEST(test_vtimer_stop_prevents_fire),
        TEST(test_timer_callback_panic_names_the_timer_thread),
        TEST(test_vtimer_reset_reschedules),
        TEST(test_sleeping_goroutine_is_not_a_deadlock),
        TEST(test_deadlock_found_when_last_timer_fires),
        TEST(test_halt_wakes_sleeper),
        TEST(test_zero_time_steps_cost_no_virtual_time),
        TEST(test_woken_goroutine_holds_time_until_it_works),
        TEST(test_held_time_is_made_up_before_the_next_timer),
        TEST(test_held_time_beyond_the_next_timer_is_dropped),
        TEST(test_held_time_is_not_made_up_by_work),
        TEST(test_passive_timer_does_not_hold_off_deadlock),
        TEST(test_parked_counts_goroutines_blocked_now),
    };
    return RUN_TESTS(tests);
}
