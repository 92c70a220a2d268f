/* test_ticker.c - tickers behave as Go's time.Ticker on the virtual clock:
 * ticks come on a fixed schedule of `period`, a slow receiver makes ticks
 * drop instead of piling up, and Stop ends them.
 *
 * Assertions run on the test's own thread. A ticker's progress is followed
 * through its EV_TICK events, never by sleeping in real time. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"

#include "core/ticker.h"
#include "core/vclock.h"

/* A ticker and the virtual instants around its start: its first tick is due
 * one period after some instant in [before, after]. */
typedef struct {
    ticker_t *t;
    int64_t period, before, after;
} started_t;

static started_t start_ticker(fx_t *f, int64_t period)
{
    started_t s = {.period = period, .before = fx_now(f)};
    s.t = ticker_new(f->rt, "tick", period);
    s.after = fx_now(f);
    return s;
}

static void assert_first_tick_on_time(const started_t *s, int64_t at)
{
    assert_true(at >= s->before + s->period && at <= s->after + s->period);
}

/* ---- tests ---- */

static void test_ticker_rejects_nonpositive_period(void **state)
{
    (void)state;
    rt_t *rt = rt_new("t");
    assert_null(ticker_new(rt, "tick", 0));
    assert_null(ticker_new(rt, "tick", -1));
    rt_free(rt);
}

static void test_ticker_period(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, FAST_SPEED);
    started_t st = start_ticker(&f, 100 * MS);
    const int64_t period = st.period;
    ticker_t *t = st.t;
    int64_t at[4], received[4];
    int rc[4];
    for (int i = 0; i < 4; i++) {
        rc[i] = chan_recv(ticker_chan(t), &at[i], NULL);
        received[i] = fx_now(&f);
    }

    assert_string_equal(chan_name(ticker_chan(t)), "tick.C");
    assert_int_equal(chan_cap(ticker_chan(t)), 1);
    assert_first_tick_on_time(&st, at[0]);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(rc[i], 0);
        assert_true(received[i] >= at[i]);
        /* On schedule: a whole number of periods apart (a busy machine may
         * skip some, never shift them). */
        if (i > 0) {
            assert_true(at[i] > at[i - 1]);
            assert_int_equal((at[i] - at[0]) % period, 0);
        }
    }
    ticker_free(t);
    fx_end(&f);
}

static void test_ticker_drops_ticks_for_slow_receiver(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, FAST_SPEED);
    started_t st = start_ticker(&f, 10 * MS);
    const int64_t period = st.period;
    ticker_t *t = st.t;
    /* Read nothing until the ticker has had to drop a few ticks. */
    while (atomic_load(&f.not_ok[EV_TICK]) < 3) /* dropped ticks */
        sched_yield();
    size_t queued = chan_len(ticker_chan(t));
    int64_t first = 0, next = 0;
    int rc1 = chan_recv(ticker_chan(t), &first, NULL);
    int rc2 = chan_recv(ticker_chan(t), &next, NULL);
    ticker_stop(t);

    assert_int_equal(queued, 1);
    assert_int_equal(rc1, 0);
    assert_int_equal(rc2, 0);
    /* The kept tick is the oldest one; the ones after it were dropped. */
    assert_first_tick_on_time(&st, first);
    assert_true(next >= first + 4 * period);
    assert_int_equal((next - first) % period, 0);
    assert_true(ticker_dropped(t) >= 3);
    assert_int_equal(ticker_dropped(t), (uint64_t)atomic_load(&f.not_ok[EV_TICK]));
    ticker_free(t);
    fx_end(&f);
}

static void test_ticker_stop(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, FAST_SPEED);
    const int64_t period = 10 * MS;
    ticker_t *t = ticker_new(f.rt, "tick", period);
    int64_t at = 0;
    int rc = chan_recv(ticker_chan(t), &at, NULL);
    ticker_stop(t);
    int ticks_at_stop = fx_count(&f, EV_TICK);
    chan_try_recv(ticker_chan(t), NULL, NULL); /* a tick already sent may stay */
    /* Ten periods later nothing more has come. */
    int slept = vclock_sleep(f.rt, 10 * period);
    int late = chan_try_recv(ticker_chan(t), NULL, NULL);

    assert_int_equal(rc, 0);
    assert_int_equal(slept, 0);
    assert_int_equal(late, CORE_EAGAIN);
    assert_int_equal(fx_count(&f, EV_TICK), ticks_at_stop);
    ticker_free(t);
    fx_end(&f);
}

static void test_ticker_keeps_runtime_alive_until_stopped(void **state)
{
    (void)state;
    fx_t f;
    fx_begin_at_speed(&f, FAST_SPEED);
    ticker_t *t = ticker_new(f.rt, "tick", 10 * MS);
    /* Blocked on the ticker's channel is not a deadlock: it will tick. */
    int rc1 = chan_recv(ticker_chan(t), NULL, NULL);
    ticker_stop(t);
    chan_try_recv(ticker_chan(t), NULL, NULL);
    /* A stopped ticker wakes nobody: now it is one. */
    int rc2 = chan_recv(ticker_chan(t), NULL, NULL);

    assert_int_equal(rc1, 0);
    assert_int_equal(rc2, CORE_EDEADLOCK);
    assert_contains(rt_failure(f.rt), "main [chan receive (tick.C)]");
    ticker_free(t);
    fx_end(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_ticker_rejects_nonpositive_period),
        TEST(test_ticker_period),
        TEST(test_ticker_drops_ticks_for_slow_receiver),
        TEST(test_ticker_stop),
        TEST(test_ticker_keeps_runtime_alive_until_stopped),
    };
    return RUN_TESTS(tests);
}
