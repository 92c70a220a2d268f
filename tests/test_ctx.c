/* test_ctx.c - contexts behave as Go's: Done is closed exactly once, cancel
 * flows from parent to children and never up, deadlines and timeouts fire on
 * the virtual clock with "context deadline exceeded", Done works in select,
 * and a pending timeout is something that can still wake a goroutine.
 *
 * Assertions run on the test's own thread; goroutines record outcomes. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"

#include "core/ctx.h"
#include "core/vclock.h"

/* A timeout that cannot expire during a test: 16 real minutes at speed 1000. */
#define NEVER_EXPIRES (1000000 * SEC)

/* ---- fixture: the usual one on a fast clock, and the Background context
 * every test derives from ---- */

static ctx_t *begin(fx_t *f)
{
    fx_begin_at_speed(f, FAST_SPEED);
    return ctx_background(f->rt);
}

static void end(fx_t *f, ctx_t *bg)
{
    ctx_free(bg);
    fx_end(f);
}

/* ---- goroutine bodies ---- */

/* Waits for <-ctx.Done(). */
typedef struct {
    ctx_t *c;
    int rc;
    bool ok;
} done_wait_t;

static void wait_done(void *p)
{
    done_wait_t *w = p;
    w->rc = chan_recv(ctx_done(w->c), NULL, &w->ok);
}

static void cancel_it(void *p) { ctx_cancel(p); }

/* for i := 0; ; i++ { select { case <-ctx.Done(): return; case out <- i: } } */
typedef struct {
    ctx_t *c;
    chan_t *out;
    int sent;
    int rc;
    int last_chosen;
} producer_t;

static void produce(void *p)
{
    producer_t *pr = p;
    for (int i = 0;; i++) {
        chan_case_t cases[2] = {
            {.ch = ctx_done(pr->c), .dir = CHAN_RECV},
            {.ch = pr->out, .dir = CHAN_SEND, .elem = &i},
        };
        pr->rc = chan_select(cases, 2, false, &pr->last_chosen);
        if (pr->rc != 0 || pr->last_chosen == 0)
            return;
        pr->sent++;
    }
}

/* ---- tests ---- */

static void test_ctx_background_done_is_nil(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_cancel(bg); /* never cancels */
    chan_case_t c = {.ch = ctx_done(bg), .dir = CHAN_RECV};
    int chosen = 0;
    assert_int_equal(chan_select(&c, 1, true, &chosen), 0);

    assert_null(ctx_done(bg));
    assert_int_equal(chosen, CHAN_SELECT_DEFAULT);
    assert_int_equal(ctx_err(bg), CTX_ACTIVE);
    assert_true(ctx_deadline(bg) == INT64_MAX);
    assert_int_equal(fx_count(&f, EV_CANCEL), 0);
    end(&f, bg);
}

static void test_ctx_cancel_closes_done_once(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *c = ctx_with_cancel(bg, "job");
    bool closed_before = chan_closed(ctx_done(c));
    done_wait_t w = {.c = c, .ok = true};
    gor_t *g = go(&f, "waiter", wait_done, &w);
    await_events(&f, EV_BLOCK, 1);
    ctx_cancel(c);
    rt_join(g);

    assert_false(closed_before);
    assert_int_equal(w.rc, 0);
    assert_false(w.ok);
    assert_true(chan_closed(ctx_done(c)));
    assert_int_equal(ctx_err(c), CTX_CANCELED);
    assert_string_equal(ctx_strerror(ctx_err(c)), "context canceled");
    assert_string_equal(ctx_name(c), "job");
    assert_string_equal(chan_name(ctx_done(c)), "job.Done()");
    assert_int_equal(fx_count(&f, EV_CLOSE), 1);
    assert_int_equal(fx_count(&f, EV_CANCEL), 1);
    ctx_free(c);
    end(&f, bg);
}

static void test_ctx_cancel_is_idempotent(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *c = ctx_with_cancel(bg, "job");
    gor_t *g[4];
    for (int i = 0; i < 4; i++)
        g[i] = go(&f, "canceller", cancel_it, c);
    ctx_cancel(c);
    for (int i = 0; i < 4; i++)
        rt_join(g[i]);
    ctx_cancel(c);

    assert_false(rt_halted(f.rt)); /* no "close of closed channel" */
    assert_int_equal(ctx_err(c), CTX_CANCELED);
    assert_int_equal(fx_count(&f, EV_CLOSE), 1);
    assert_int_equal(fx_count(&f, EV_CANCEL), 1);
    ctx_free(c); /* cancels once more, as Go's deferred cancel */
    assert_false(rt_halted(f.rt));
    end(&f, bg);
}

static void test_ctx_parent_cancel_cancels_children(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *parent = ctx_with_cancel(bg, "parent");
    ctx_t *a = ctx_with_cancel(parent, "a");
    ctx_t *b = ctx_with_timeout(parent, "b", NEVER_EXPIRES);
    ctx_t *grandchild = ctx_with_cancel(a, "grandchild");
    done_wait_t w = {.c = grandchild, .ok = true};
    gor_t *g = go(&f, "waiter", wait_done, &w);
    await_events(&f, EV_BLOCK, 1);
    ctx_cancel(parent);
    rt_join(g);

    assert_int_equal(w.rc, 0);
    assert_false(w.ok);
    ctx_t *all[] = {parent, a, b, grandchild};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ctx_err(all[i]), CTX_CANCELED);
        assert_true(chan_closed(ctx_done(all[i])));
    }
    assert_int_equal(ctx_err(bg), CTX_ACTIVE);
    assert_int_equal(fx_count(&f, EV_CANCEL), 4);
    ctx_free(grandchild);
    ctx_free(b);
    ctx_free(a);
    ctx_free(parent);
    end(&f, bg);
}

static void test_ctx_child_cancel_leaves_parent(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *parent = ctx_with_cancel(bg, "parent");
    ctx_t *child = ctx_with_cancel(parent, "child");
    ctx_t *sibling = ctx_with_cancel(parent, "sibling");
    ctx_cancel(child);

    assert_int_equal(ctx_err(child), CTX_CANCELED);
    assert_int_equal(ctx_err(parent), CTX_ACTIVE);
    assert_false(chan_closed(ctx_done(parent)));
    assert_int_equal(ctx_err(sibling), CTX_ACTIVE);
    /* A freed child is unlinked: cancelling the parent later is safe. */
    ctx_free(child);
    ctx_cancel(parent);
    assert_int_equal(ctx_err(sibling), CTX_CANCELED);
    ctx_free(sibling);
    ctx_free(parent);
    end(&f, bg);
}

static void test_ctx_child_of_cancelled_parent_starts_cancelled(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *parent = ctx_with_timeout(bg, "parent", -1);
    ctx_t *child = ctx_with_cancel(parent, "child");
    ctx_t *later = ctx_with_timeout(parent, "later", -1);

    assert_int_equal(ctx_err(parent), CTX_DEADLINE_EXCEEDED);
    assert_int_equal(ctx_err(child), CTX_DEADLINE_EXCEEDED); /* the parent's cause */
    assert_true(chan_closed(ctx_done(child)));
    assert_int_equal(ctx_err(later), CTX_DEADLINE_EXCEEDED);
    ctx_free(later);
    ctx_free(child);
    ctx_free(parent);
    end(&f, bg);
}

static void test_ctx_timeout_sets_deadline_exceeded(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    int64_t before = fx_now(&f);
    ctx_t *c = ctx_with_timeout(bg, "job", 100 * MS);
    int64_t after = fx_now(&f);
    bool ok = true;
    int rc = chan_recv(ctx_done(c), NULL, &ok);
    int64_t woke = fx_now(&f);

    assert_int_equal(rc, 0);
    assert_false(ok);
    assert_true(ctx_deadline(c) >= before + 100 * MS);
    assert_true(ctx_deadline(c) <= after + 100 * MS);
    assert_true(woke >= ctx_deadline(c));
    assert_int_equal(ctx_err(c), CTX_DEADLINE_EXCEEDED);
    assert_string_equal(ctx_strerror(ctx_err(c)), "context deadline exceeded");
    ctx_free(c);
    end(&f, bg);
}

static void test_ctx_parent_deadline_bounds_child(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *parent = ctx_with_timeout(bg, "parent", 50 * MS);
    ctx_t *child = ctx_with_timeout(parent, "child", NEVER_EXPIRES);
    ctx_t *plain = ctx_with_cancel(parent, "plain");
    int64_t parent_deadline = ctx_deadline(parent);
    int rc = chan_recv(ctx_done(child), NULL, NULL);

    assert_int_equal(rc, 0);
    assert_true(ctx_deadline(child) == parent_deadline);
    assert_true(ctx_deadline(plain) == parent_deadline);
    assert_int_equal(ctx_err(child), CTX_DEADLINE_EXCEEDED);
    assert_int_equal(ctx_err(plain), CTX_DEADLINE_EXCEEDED);
    ctx_free(plain);
    ctx_free(child);
    ctx_free(parent);
    end(&f, bg);
}

static void test_ctx_done_in_select(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *c = ctx_with_cancel(bg, "job");
    chan_t *out = chan_new(f.rt, "out", sizeof(int), 0);
    producer_t pr = {.c = c, .out = out};
    gor_t *g = go(&f, "producer", produce, &pr);
    int got[3] = {-1, -1, -1};
    for (int i = 0; i < 3; i++)
        assert_int_equal(chan_recv(out, &got[i], NULL), 0);
    ctx_cancel(c);
    rt_join(g);

    for (int i = 0; i < 3; i++)
        assert_int_equal(got[i], i);
    assert_int_equal(pr.rc, 0);
    assert_int_equal(pr.last_chosen, 0); /* it left through <-ctx.Done() */
    assert_int_equal(pr.sent, 3);
    chan_free(out);
    ctx_free(c);
    end(&f, bg);
}

static void test_pending_timeout_is_not_a_deadlock(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *c = ctx_with_timeout(bg, "job", 50 * MS);
    /* main, the only goroutine, parks on Done: only the timer can wake it. */
    int rc = chan_recv(ctx_done(c), NULL, NULL);

    assert_int_equal(rc, 0);
    assert_false(rt_halted(f.rt));
    assert_int_equal(ctx_err(c), CTX_DEADLINE_EXCEEDED);
    ctx_free(c);
    end(&f, bg);
}

static void test_ctx_cancel_releases_deadline_timer(void **state)
{
    (void)state;
    fx_t f;
    ctx_t *bg = begin(&f);
    ctx_t *c = ctx_with_timeout(bg, "job", NEVER_EXPIRES);
    ctx_cancel(c);
    /* With the long timer stopped, nothing can wake main any more: a
     * deadlock now, not when it would have expired (the watchdog would fail
     * the test first). */
    chan_t *never = chan_new(f.rt, "never", 0, 0);
    int rc = chan_recv(never, NULL, NULL);

    assert_int_equal(rc, CORE_EDEADLOCK);
    assert_int_equal(ctx_err(c), CTX_CANCELED);
    chan_free(never);
    ctx_free(c);
    end(&f, bg);
}

static void test_ctx_strerror(void **state)
{
    (void)state;
    assert_string_equal(ctx_strerror(CTX_ACTIVE), "");
    assert_string_equal(ctx_strerror(CTX_CANCELED), "context canceled");
    assert_string_equal(ctx_strerror(CTX_DEADLINE_EXCEEDED), "context deadline exceeded");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_ctx_background_done_is_nil),
        TEST(test_ctx_cancel_closes_done_once),
        TEST(test_ctx_cancel_is_idempotent),
        TEST(test_ctx_parent_cancel_cancels_children),
        TEST(test_ctx_child_cancel_leaves_parent),
        TEST(test_ctx_child_of_cancelled_parent_starts_cancelled),
        TEST(test_ctx_timeout_sets_deadline_exceeded),
        TEST(test_ctx_parent_deadline_bounds_child),
        TEST(test_ctx_done_in_select),
        TEST(test_pending_timeout_is_not_a_deadlock),
        TEST(test_ctx_cancel_releases_deadline_timer),
        TEST(test_ctx_strerror),
    };
    return RUN_TESTS(tests);
}
