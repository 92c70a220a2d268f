/* test_ctx.c - contexts behave as Go's: Done is closed exactly once, cancel
 * flows from parent to children and never up, deadlines and timeouts fire on
 * the virtual clock with "context deadline exceeded" at exactly their virtual
 * time (one already past at once), a parent's earlier deadline bounds its
 * children, Done works in select, and a pending timeout is something that
 * can still wake a goroutine.
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

/* The virtual time of each context's cancel event, by name, as the
 * observer saw it (on the timer thread for a deadline). */
#define MAX_CANCELS 4
typedef struct {
    char names[MAX_CANCELS][16];
    _Atomic int64_t at[MAX_CANCELS];
    _Atomic int n;
} cancel_log_t;

static void log_cancel(void *ud, const event_t *ev)
{
    cancel_log_t *log = ud;
    if (ev->kind != EV_CANCEL)
        return;
    int i = atomic_load(&log->n);
    if (i == MAX_CANCELS)
        return;
    snprintf(log->names[i], sizeof log->names[i], "%s", ev->obj_name);
    atomic_store(&log->at[i], ev->virt_ns);
    atomic_store(&log->n, i + 1); /* published after the details */
}

/* When the context named `name` was cancelled; -1 if it was not. */
static int64_t cancelled_at(cancel_log_t *log, const char *name)
{
    for (int i = 0; i < atomic_load(&log->n); i++)
        if (strcmp(log->names[i], name) == 0)
            return atomic_load(&log->at[i]);
    return -1;
}

/* The usual fixture, cancels logged, the clock paused: deadlines are made
 * at one known instant and none can pass before the test resumes it. */
static ctx_t *begin_paused_logging_cancels(fx_t *f, cancel_log_t *log)
{
    memset(log, 0, sizeof *log);
    fx_begin_full(f, FAST_SPEED, log_cancel, log);
    vclock_pause(f->clock);
    return ctx_background(f->rt);
}

static void test_ctx_deadline_in_the_past_is_exceeded_at_once(void **state)
{
    (void)state;
    fx_t f;
    cancel_log_t log;
    ctx_t *bg = begin_paused_logging_cancels(&f, &log);
    int64_t now = fx_now(&f);
    ctx_t *past = ctx_with_deadline(bg, "past", now - 1);
    ctx_t *at_now = ctx_with_deadline(bg, "now", now);
    ctx_t *child = ctx_with_cancel(past, "child");
    bool ok = true;
    int rc = chan_try_recv(ctx_done(past), NULL, &ok);

    assert_int_equal(rc, 0);
    assert_false(ok); /* done is closed already: no timer had to fire */
    assert_int_equal(ctx_err(past), CTX_DEADLINE_EXCEEDED);
    assert_int_equal(ctx_err(at_now), CTX_DEADLINE_EXCEEDED);
    assert_int_equal(ctx_err(child), CTX_DEADLINE_EXCEEDED);
    assert_true(ctx_deadline(past) == now - 1);
    assert_true(cancelled_at(&log, "past") == now);
    vclock_resume(f.clock);
    ctx_free(child);
    ctx_free(at_now);
    ctx_free(past);
    end(&f, bg);
}

static void test_ctx_deadline_fires_at_its_exact_virtual_time(void **state)
{
    (void)state;
    fx_t f;
    cancel_log_t log;
    ctx_t *bg = begin_paused_logging_cancels(&f, &log);
    int64_t deadline = fx_now(&f) + 250 * MS;
    ctx_t *c = ctx_with_deadline(bg, "job", deadline);
    int err_before = ctx_err(c);
    vclock_resume(f.clock);
    bool ok = true;
    int rc = chan_recv(ctx_done(c), NULL, &ok);
    int64_t woke = fx_now(&f);
    await_events(&f, EV_CANCEL, 1);

    assert_int_equal(err_before, CTX_ACTIVE);
    assert_int_equal(rc, 0);
    assert_false(ok);
    assert_int_equal(ctx_err(c), CTX_DEADLINE_EXCEEDED);
    assert_true(ctx_deadline(c) == deadline);
    assert_true(cancelled_at(&log, "job") == deadline);
    /* Woken by the timer, main holds virtual time until it parks again. */
    assert_true(woke == deadline);
    ctx_free(c);
    end(&f, bg);
}

static void test_ctx_parent_earlier_deadline_wins_for_child(void **state)
{
    (void)state;
    fx_t f;
    cancel_log_t log;
    ctx_t *bg = begin_paused_logging_cancels(&f, &log);
    int64_t start = fx_now(&f);
    ctx_t *parent = ctx_with_deadline(bg, "parent", start + 100 * MS);
    ctx_t *later = ctx_with_deadline(parent, "later", start + 500 * MS);
    ctx_t *sooner = ctx_with_deadline(parent, "sooner", start + 40 * MS);
    vclock_resume(f.clock);
    int rc_sooner = chan_recv(ctx_done(sooner), NULL, NULL);
    int parent_err_then = ctx_err(parent);
    int rc_later = chan_recv(ctx_done(later), NULL, NULL);
    await_events(&f, EV_CANCEL, 3);

    assert_int_equal(rc_sooner, 0);
    assert_int_equal(rc_later, 0);
    /* A child's own earlier deadline fires first and leaves the parent. */
    assert_true(ctx_deadline(sooner) == start + 40 * MS);
    assert_true(cancelled_at(&log, "sooner") == start + 40 * MS);
    assert_int_equal(parent_err_then, CTX_ACTIVE);
    /* The parent's earlier deadline is the later child's, and ends it. */
    assert_true(ctx_deadline(later) == start + 100 * MS);
    assert_true(cancelled_at(&log, "parent") == start + 100 * MS);
    assert_true(cancelled_at(&log, "later") == start + 100 * MS);
    assert_int_equal(ctx_err(later), CTX_DEADLINE_EXCEEDED);
    ctx_free(sooner);
    ctx_free(later);
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
        TEST(test_ctx_deadline_in_the_past_is_exceeded_at_once),
        TEST(test_ctx_deadline_fires_at_its_exact_virtual_time),
        TEST(test_ctx_parent_earlier_deadline_wins_for_child),
        TEST(test_ctx_done_in_select),
        TEST(test_pending_timeout_is_not_a_deadlock),
        TEST(test_ctx_cancel_releases_deadline_timer),
        TEST(test_ctx_strerror),
    };
    return RUN_TESTS(tests);
}
