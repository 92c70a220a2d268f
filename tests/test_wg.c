/* test_wg.c - sync.WaitGroup behaves as Go's: Wait parks until the counter is
 * zero, a negative counter panics, it is reusable, a Wait nobody can end is a
 * deadlock, and a halt wakes a parked Wait.
 *
 * Goroutines only record what happened; every assertion runs on the test's
 * own thread. "Is it parked yet?" is answered by counting EV_BLOCK events. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"

#include "core/wg.h"

/* ---- goroutine bodies ---- */

typedef struct {
    wg_t *wg;
    int rc;
    _Atomic bool returned;
} call_t;

static void call_init(call_t *c, wg_t *wg)
{
    c->wg = wg;
    c->rc = 1;
    atomic_init(&c->returned, false);
}

static void do_wait(void *p)
{
    call_t *c = p;
    c->rc = wg_wait(c->wg);
    atomic_store(&c->returned, true);
}

static void do_done(void *p)
{
    call_t *c = p;
    c->rc = wg_done(c->wg);
    atomic_store(&c->returned, true);
}

/* Starts n goroutines "waiter" and returns once all are parked in Wait. */
static void start_waiters(fx_t *f, wg_t *wg, call_t *calls, gor_t **g, int n)
{
    for (int i = 0; i < n; i++) {
        call_init(&calls[i], wg);
        g[i] = go(f, "waiter", do_wait, &calls[i]);
    }
    await_events(f, EV_BLOCK, n);
}

/* ---- tests ---- */

static void test_wg_wait_returns_when_counter_reaches_zero(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    wg_t *wg = wg_new(f.rt, "wg");
    assert_int_equal(wg_add(wg, 2), 0);
    call_t waiter;
    gor_t *g;
    start_waiters(&f, wg, &waiter, &g, 1);
    int waiter_id = gor_id(g);

    assert_int_equal(wg_done(wg), 0);
    bool early = atomic_load(&waiter.returned); /* parked: only zero wakes it */
    assert_int_equal(wg_done(wg), 0);
    rt_join(g);

    assert_false(early);
    assert_int_equal(waiter.rc, 0);
    assert_int_equal(wg_count(wg), 0);
    assert_int_equal(fx_count(&f, EV_WG_WAIT), 1);
    assert_int_equal(atomic_load(&f.last_gor[EV_WG_WAIT]), waiter_id); /* emitted for the woken */
    assert_false(rt_halted(f.rt));
    wg_free(wg);
    fx_end(&f);
}

static void test_wg_wait_on_zero_returns_at_once(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    wg_t *wg = wg_new(f.rt, "wg");
    assert_int_equal(wg_wait(wg), 0);
    assert_int_equal(fx_count(&f, EV_BLOCK), 0);
    assert_int_equal(fx_count(&f, EV_WG_WAIT), 1);
    wg_free(wg);
    fx_end(&f);
}

static void test_wg_add_reports_counter_and_delta(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    wg_t *wg = wg_new(f.rt, "wg");
    assert_string_equal(wg_name(wg), "wg");
    assert_int_equal(wg_add(wg, 5), 0);
    assert_int_equal(wg_add(wg, -2), 0);
    assert_int_equal(wg_count(wg), 3);
    assert_int_equal(fx_count(&f, EV_WG_ADD), 2);
    assert_int_equal(atomic_load(&f.last_value[EV_WG_ADD]), 3);
    assert_int_equal(atomic_load(&f.last_delta[EV_WG_ADD]), -2);
    assert_int_equal(wg_add(wg, -3), 0);
    wg_free(wg);
    fx_end(&f);
}

static void test_wg_negative_counter_panics(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    wg_t *wg = wg_new(f.rt, "wg");
    assert_panicked(f.rt, wg_done(wg), "panic: sync: negative WaitGroup counter", NULL);
    assert_true(rt_halted(f.rt));
    assert_int_equal(fx_count(&f, EV_PANIC), 1);
    assert_int_equal(wg_count(wg), 0);
    wg_free(wg);
    fx_end(&f);
}

static void test_wg_reusable_after_wait(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    wg_t *wg = wg_new(f.rt, "wg");
    for (int round = 0; round < 3; round++) {
        call_t workers[3];
        gor_t *g[3];
        assert_int_equal(wg_add(wg, 3), 0);
        for (int i = 0; i < 3; i++) {
            call_init(&workers[i], wg);
            g[i] = go(&f, "worker", do_done, &workers[i]);
        }
        assert_int_equal(wg_wait(wg), 0);
        for (int i = 0; i < 3; i++) {
            rt_join(g[i]);
            assert_int_equal(workers[i].rc, 0);
        }
        assert_int_equal(wg_count(wg), 0);
    }
    assert_false(rt_halted(f.rt));
    wg_free(wg);
    fx_end(&f);
}

static void test_wg_wakes_every_waiter(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    wg_t *wg = wg_new(f.rt, "wg");
    assert_int_equal(wg_add(wg, 1), 0);
    call_t waiters[4];
    gor_t *g[4];
    start_waiters(&f, wg, waiters, g, 4);
    assert_int_equal(wg_done(wg), 0);
    for (int i = 0; i < 4; i++) {
        rt_join(g[i]);
        assert_int_equal(waiters[i].rc, 0);
    }
    assert_int_equal(fx_count(&f, EV_WG_WAIT), 4);
    wg_free(wg);
    fx_end(&f);
}

static void test_wg_wait_deadlock_report(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    wg_t *wg = wg_new(f.rt, "wg");
    assert_int_equal(wg_add(wg, 1), 0);
    assert_int_equal(wg_wait(wg), CORE_EDEADLOCK);
    assert_int_equal(rt_halt_code(f.rt), CORE_EDEADLOCK);
    assert_contains(rt_failure(f.rt), "all goroutines are asleep - deadlock!");
    assert_contains(rt_failure(f.rt), "main [sync.WaitGroup.Wait (wg)]");
    assert_int_equal(fx_count(&f, EV_ABORT), 1);
    /* A halted runtime fails every later blocking call the same way. */
    assert_int_equal(wg_wait(wg), CORE_EDEADLOCK);
    wg_free(wg);
    fx_end(&f);
}

static void test_wg_halt_wakes_waiter(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    wg_t *wg = wg_new(f.rt, "wg");
    assert_int_equal(wg_add(wg, 1), 0);
    call_t waiter;
    gor_t *g;
    start_waiters(&f, wg, &waiter, &g, 1);
    rt_halt(f.rt, "stop");
    rt_join(g);
    assert_int_equal(waiter.rc, CORE_EHALTED);
    /* The aborted waiter left the queue: zero wakes nobody, touches nothing. */
    assert_int_equal(wg_done(wg), 0);
    assert_int_equal(fx_count(&f, EV_WG_WAIT), 0);
    wg_free(wg);
    fx_end(&f);
}

static void test_wg_wait_from_non_goroutine(void **state)
{
    (void)state;
    rt_t *rt = rt_new("t");
    wg_t *wg = wg_new(rt, "wg");
    assert_int_equal(wg_wait(wg), 0); /* zero: nothing to block on */
    assert_int_equal(wg_add(wg, 1), 0);
    assert_int_equal(wg_wait(wg), CORE_ENOTGOR);
    assert_int_equal(wg_done(wg), 0);
    assert_false(rt_halted(rt));
    wg_free(wg);
    rt_free(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_wg_wait_returns_when_counter_reaches_zero),
        TEST(test_wg_wait_on_zero_returns_at_once),
        TEST(test_wg_add_reports_counter_and_delta),
        TEST(test_wg_negative_counter_panics),
        TEST(test_wg_reusable_after_wait),
        TEST(test_wg_wakes_every_waiter),
        TEST(test_wg_wait_deadlock_report),
        TEST(test_wg_halt_wakes_waiter),
        TEST(test_wg_wait_from_non_goroutine),
    };
    return RUN_TESTS(tests);
}
