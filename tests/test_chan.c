/* test_chan.c - channels behave as Go's: rendezvous, FIFO buffers and wait
 * queues, close semantics, panics that halt the runtime.
 *
 * Goroutines only record what happened; every assertion runs on the test's
 * own thread (cmocka fails through longjmp). "Is it parked yet?" is answered
 * by counting EV_BLOCK events from an observer, never by sleeping. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#include "core/wg.h"

/* ---- one channel operation run by a goroutine, outcome recorded ---- */

typedef struct {
    chan_t *c;
    int val; /* send: the value; recv: what arrived */
    bool ok;
    int rc;
    _Atomic bool returned; /* set only after the channel call returned */
} op_t;

static void op_init(op_t *o, chan_t *c, int val)
{
    o->c = c;
    o->val = val;
    o->ok = true;
    o->rc = SENTINEL;
    atomic_init(&o->returned, false);
}

static void do_send(void *p)
{
    op_t *o = p;
    o->rc = chan_send(o->c, &o->val);
    atomic_store(&o->returned, true);
}

static void do_recv(void *p)
{
    op_t *o = p;
    o->rc = chan_recv(o->c, &o->val, &o->ok);
    atomic_store(&o->returned, true);
}

/* A blocking receive on c that must return at once with (want_ok, want). */
static void assert_recv(chan_t *c, bool want_ok, int want)
{
    int v = SENTINEL;
    bool ok = !want_ok;
    assert_int_equal(chan_recv(c, &v, &ok), 0);
    assert_int_equal(ok, want_ok);
    assert_int_equal(v, want);
}

/* ---- tests ---- */

static void test_unbuffered_send_completes_only_at_receive(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 0);
    int v = 1;
    assert_int_equal(chan_try_send(c, &v), CORE_EAGAIN); /* nobody receiving */

    op_t s;
    op_init(&s, c, 42);
    gor_t *g = go_parked(&f, "sender", do_send, &s);
    /* Parked sender: its send has not returned, nothing is buffered. */
    bool returned_early = atomic_load(&s.returned);
    size_t len_while_parked = chan_len(c);
    int got = 0;
    bool ok = false;
    int rc = chan_recv(c, &got, &ok);
    rt_join(g);

    assert_false(returned_early);
    assert_int_equal(len_while_parked, 0);
    assert_int_equal(rc, 0);
    assert_true(ok);
    assert_int_equal(got, 42);
    assert_int_equal(s.rc, 0);
    assert_true(atomic_load(&s.returned));
    chan_free(c);
    fx_end(&f);
}

static void test_unbuffered_try_send_succeeds_with_parked_receiver(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 0);
    op_t r;
    op_init(&r, c, SENTINEL);
    gor_t *g = go_parked(&f, "receiver", do_recv, &r);
    int v = 7;
    int rc = chan_try_send(c, &v); /* a waiting receiver makes it ready */
    rt_join(g);

    assert_int_equal(rc, 0);
    assert_int_equal(r.rc, 0);
    assert_true(r.ok);
    assert_int_equal(r.val, 7);
    assert_int_equal(chan_len(c), 0);
    chan_free(c);
    fx_end(&f);
}

static void test_buffered_fifo_len_cap(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *u = chan_new(f.rt, "u", sizeof(int), 0);
    assert_int_equal(chan_cap(u), 0);
    assert_int_equal(chan_len(u), 0);

    chan_t *c = chan_new(f.rt, "c", sizeof(int), 5);
    assert_int_equal(chan_cap(c), 5);
    assert_int_equal(chan_len(c), 0);
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(chan_send(c, &i), 0);
        assert_int_equal(chan_len(c), (size_t)i);
    }
    int v = 99;
    assert_int_equal(chan_try_send(c, &v), CORE_EAGAIN); /* full */
    /* Wrap the ring: take two, add two, order must still be FIFO. */
    for (int want = 1; want <= 2; want++)
        assert_recv(c, true, want);
    for (int i = 6; i <= 7; i++)
        assert_int_equal(chan_send(c, &i), 0);
    assert_int_equal(chan_len(c), 5);
    for (int want = 3; want <= 7; want++)
        assert_recv(c, true, want);
    assert_int_equal(chan_len(c), 0);
    assert_int_equal(chan_cap(c), 5);
    chan_free(c);
    chan_free(u);
    fx_end(&f);
}

#define NQ 8

/* NQ goroutines, each with its own channel operation. */
typedef struct {
    gor_t *g[NQ];
    op_t op[NQ];
} queue_t;

/* Parks NQ goroutines running fn on c one after the other, in order; the
 * k-th (from 0) sender sends k+1. */
static void park_in_order(fx_t *f, queue_t *q, chan_t *c, void (*fn)(void *), const char *role)
{
    for (int k = 0; k < NQ; k++) {
        char name[32];
        snprintf(name, sizeof name, "%s %d", role, k + 1);
        op_init(&q->op[k], c, fn == do_send ? k + 1 : SENTINEL);
        q->g[k] = go_parked(f, name, fn, &q->op[k]);
    }
}

/* The fixture, plus NQ receivers parked in turn on a new unbuffered c. */
static chan_t *begin_with_parked_receivers(fx_t *f, queue_t *r)
{
    fx_begin(f);
    chan_t *c = chan_new(f->rt, "c", sizeof(int), 0);
    park_in_order(f, r, c, do_recv, "receiver");
    return c;
}

static void test_blocked_receivers_served_fifo(void **state)
{
    (void)state;
    fx_t f;
    queue_t r;
    chan_t *c = begin_with_parked_receivers(&f, &r);
    int rc[NQ];
    for (int v = 1; v <= NQ; v++)
        rc[v - 1] = chan_send(c, &v);
    join_all(r.g, NQ);

    for (int k = 0; k < NQ; k++) {
        assert_int_equal(rc[k], 0);
        assert_int_equal(r.op[k].rc, 0);
        assert_int_equal(r.op[k].val, k + 1); /* receiver k+1 parked k+1-th */
    }
    chan_free(c);
    fx_end(&f);
}

/* Senders parked on c (behind `prefill` buffered values) are served in the
 * order they parked. */
static void check_blocked_senders_fifo(size_t cap)
{
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), cap);
    for (size_t i = 0; i < cap; i++) {
        int v = 100 + (int)i;
        assert_int_equal(chan_send(c, &v), 0);
    }
    queue_t s;
    park_in_order(&f, &s, c, do_send, "sender");
    int got[NQ + 4], rc[NQ + 4];
    for (size_t i = 0; i < NQ + cap; i++)
        rc[i] = chan_recv(c, &got[i], NULL);
    join_all(s.g, NQ);

    for (size_t i = 0; i < NQ + cap; i++) {
        assert_int_equal(rc[i], 0);
        int want = i < cap ? 100 + (int)i : (int)(i - cap) + 1;
        assert_int_equal(got[i], want);
    }
    for (int k = 0; k < NQ; k++)
        assert_int_equal(s.op[k].rc, 0);
    assert_int_equal(chan_len(c), 0);
    chan_free(c);
    fx_end(&f);
}

static void test_blocked_senders_served_fifo_unbuffered(void **state)
{
    (void)state;
    check_blocked_senders_fifo(0);
}

static void test_blocked_senders_served_fifo_full_buffer(void **state)
{
    (void)state;
    check_blocked_senders_fifo(2);
}

static void test_recv_on_closed_drains_then_zero_not_ok(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 3);
    for (int i = 1; i <= 2; i++)
        assert_int_equal(chan_send(c, &i), 0);
    assert_int_equal(chan_close(c), 0);
    assert_true(chan_closed(c));
    assert_int_equal(chan_len(c), 2);
    for (int want = 1; want <= 2; want++)
        assert_recv(c, true, want);
    for (int i = 0; i < 3; i++) /* and keeps doing so, without blocking */
        assert_recv(c, false, 0);
    assert_null(rt_failure(f.rt));
    chan_free(c);
    fx_end(&f);
}

static void test_close_wakes_every_blocked_receiver(void **state)
{
    (void)state;
    fx_t f;
    queue_t r;
    chan_t *c = begin_with_parked_receivers(&f, &r);
    int rc = chan_close(c);
    join_all(r.g, NQ);

    assert_int_equal(rc, 0);
    for (int k = 0; k < NQ; k++) {
        assert_int_equal(r.op[k].rc, 0);
        assert_false(r.op[k].ok);
        assert_int_equal(r.op[k].val, 0); /* SENTINEL was zeroed */
    }
    assert_null(rt_failure(f.rt));
    chan_free(c);
    fx_end(&f);
}

/* A send on a closed channel with room panics: a blocking one from goroutine
 * "sender 7" (named in the failure), or else main's try-send. */
static void check_send_on_closed_panics(bool blocking)
{
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 1);
    assert_int_equal(chan_close(c), 0);
    op_t s;
    op_init(&s, c, 1);
    if (blocking)
        rt_join(go(&f, "sender 7", do_send, &s));
    else
        s.rc = chan_try_send(c, &s.val);

    assert_panicked(f.rt, s.rc, "send on closed channel", blocking ? "sender 7" : NULL);
    assert_true(rt_halted(f.rt));
    assert_int_equal(chan_len(c), 0); /* the value went nowhere */
    chan_free(c);
    fx_end(&f);
}

static void test_send_on_closed_channel_panics(void **state)
{
    (void)state;
    check_send_on_closed_panics(true);
}

typedef struct {
    chan_t *c;
    int rc1, rc2;
} close_twice_t;

static void do_close_twice(void *p)
{
    close_twice_t *t = p;
    t->rc1 = chan_close(t->c);
    t->rc2 = chan_close(t->c);
}

static void test_close_of_closed_channel_panics(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    close_twice_t t = { .c = chan_new(f.rt, "c", sizeof(int), 0), .rc1 = SENTINEL, .rc2 = SENTINEL };
    rt_join(go(&f, "closer", do_close_twice, &t));

    assert_int_equal(t.rc1, 0);
    assert_panicked(f.rt, t.rc2, "close of closed channel", "closer");
    chan_free(t.c);
    fx_end(&f);
}

static void test_close_of_nil_channel_panics(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    int rc = chan_close(NULL);

    assert_panicked(f.rt, rc, "close of nil channel", "main");
    fx_end(&f);
}

/* A nil channel names no runtime: a thread that is not a goroutine but was
 * named for one panics there, as the goroutine it stands for would. */
static void test_close_of_nil_channel_by_named_thread_panics_in_its_runtime(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    outsider_t ui = { .rt = f.rt, .name = "ui", .c = NULL };
    run_outsider(&ui);

    assert_panicked(f.rt, ui.rc, "close of nil channel", NULL);
    assert_string_equal(rt_failure(f.rt), "panic: close of nil channel\n\nui [running]");
    /* A goroutine has its name already. */
    assert_int_equal(rt_name_thread(f.rt, "other"), CORE_EINVAL);
    fx_end(&f);
}

/* With no runtime named, there is nothing to halt: the call still says it
 * panicked, and no runtime is touched. */
static void test_close_of_nil_channel_by_unnamed_thread_halts_no_runtime(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    outsider_t stray = { .c = NULL };
    run_outsider(&stray);

    assert_int_equal(stray.rc, CORE_EPANIC);
    assert_false(rt_halted(f.rt));
    assert_null(rt_failure(f.rt));
    fx_end(&f);
}

/* A panic by a thread that is not a goroutine names it: by the name it was
 * given for the runtime, else as outside the goroutines. */
static void check_outsider_panic_names(const char *name, const char *want)
{
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 1);
    assert_int_equal(chan_close(c), 0);
    outsider_t o = { .rt = f.rt, .name = name, .c = c, .send = true };
    run_outsider(&o);

    assert_panicked(f.rt, o.rc, "send on closed channel", NULL);
    assert_string_equal(rt_failure(f.rt), want);
    chan_free(c);
    fx_end(&f);
}

static void test_panic_by_thread_outside_goroutines_names_it(void **state)
{
    (void)state;
    check_outsider_panic_names(NULL, "panic: send on closed channel\n\noutside goroutine [running]");
    check_outsider_panic_names("ui", "panic: send on closed channel\n\nui [running]");
}

static void test_blocked_sender_panics_when_channel_closed(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 0);
    op_t s;
    op_init(&s, c, 5);
    gor_t *g = go_parked(&f, "sender 3", do_send, &s);
    int rc = chan_close(c); /* the close itself is legal */
    rt_join(g);

    assert_int_equal(rc, 0);
    assert_panicked(f.rt, s.rc, "send on closed channel", "sender 3");
    chan_free(c);
    fx_end(&f);
}

typedef struct {
    wg_t *wg;
    int rc;
} wgwait_t;

static void do_wg_wait(void *p)
{
    wgwait_t *w = p;
    w->rc = wg_wait(w->wg);
}

static void test_panic_halts_runtime_and_wakes_everyone(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *idle = chan_new(f.rt, "idle", sizeof(int), 0);
    chan_t *closed = chan_new(f.rt, "closed", sizeof(int), 0);
    wg_t *wg = wg_new(f.rt, "wg");
    assert_int_equal(wg_add(wg, 1), 0);
    assert_int_equal(chan_close(closed), 0);

    op_t r, s;
    op_init(&r, idle, SENTINEL);
    op_init(&s, idle, 1);
    gor_t *gr = go_parked(&f, "receiver", do_recv, &r);
    wgwait_t w = { wg, SENTINEL };
    gor_t *gw = go_parked(&f, "waiter", do_wg_wait, &w);
    op_t p;
    op_init(&p, closed, 1);
    rt_join(go(&f, "panicker", do_send, &p)); /* panics, halts */
    rt_join(gr);
    rt_join(gw);
    /* Later blocking calls fail at once instead of parking forever. */
    int v = 0;
    int later_recv = chan_recv(idle, &v, NULL);
    int later_send = chan_send(idle, &v);
    chan_case_t cs = { .ch = idle, .dir = CHAN_RECV, .elem = &v };
    int chosen = SENTINEL;
    int later_select = chan_select(&cs, 1, false, &chosen);
    int later_wait = wg_wait(wg);

    assert_int_equal(p.rc, CORE_EPANIC);
    assert_int_equal(r.rc, CORE_EHALTED);
    assert_int_equal(w.rc, CORE_EHALTED);
    assert_int_equal(later_recv, CORE_EHALTED);
    assert_int_equal(later_send, CORE_EHALTED);
    assert_int_equal(later_select, CORE_EHALTED);
    assert_int_equal(later_wait, CORE_EHALTED);
    assert_true(rt_halted(f.rt));
    assert_int_equal(rt_halt_code(f.rt), CORE_EHALTED);
    assert_contains(rt_failure(f.rt), "panicker");
    wg_free(wg);
    chan_free(closed);
    chan_free(idle);
    fx_end(&f);
}

typedef struct {
    chan_t *c;
    int rc;
} zsend_t;

static void do_zero_send(void *p)
{
    zsend_t *z = p;
    char token = 0; /* stands for struct{}{}: no byte of it is read */
    z->rc = chan_send(z->c, &token);
}

static void test_zero_size_elements(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    /* Unbuffered chan struct{}: a pure signal. */
    zsend_t z = { chan_new(f.rt, "signal", 0, 0), SENTINEL };
    gor_t *g = go(&f, "signaller", do_zero_send, &z);
    bool ok = false;
    int rc = chan_recv(z.c, NULL, &ok);
    rt_join(g);
    assert_int_equal(rc, 0);
    assert_true(ok);
    assert_int_equal(z.rc, 0);

    /* Buffered chan struct{}: a counting semaphore. */
    chan_t *sem = chan_new(f.rt, "sem", 0, 3);
    char token = 0;
    for (size_t i = 1; i <= 3; i++) {
        assert_int_equal(chan_send(sem, &token), 0);
        assert_int_equal(chan_len(sem), i);
    }
    assert_int_equal(chan_try_send(sem, &token), CORE_EAGAIN);
    assert_int_equal(chan_recv(sem, NULL, &ok), 0);
    assert_true(ok);
    assert_int_equal(chan_len(sem), 2);
    assert_int_equal(chan_close(sem), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(chan_recv(sem, NULL, &ok), 0);
        assert_true(ok);
    }
    assert_int_equal(chan_recv(sem, NULL, &ok), 0);
    assert_false(ok);
    assert_null(rt_failure(f.rt));
    chan_free(sem);
    chan_free(z.c);
    fx_end(&f);
}

static void test_try_send_try_recv(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 1);
    int v = SENTINEL;
    bool ok = false;
    assert_int_equal(chan_try_recv(c, &v, &ok), CORE_EAGAIN);
    assert_int_equal(v, SENTINEL); /* untouched when nothing was ready */
    int one = 1, two = 2;
    assert_int_equal(chan_try_send(c, &one), 0);
    assert_int_equal(chan_try_send(c, &two), CORE_EAGAIN);
    assert_int_equal(chan_len(c), 1);
    assert_int_equal(chan_try_recv(c, &v, &ok), 0);
    assert_true(ok);
    assert_int_equal(v, 1);
    assert_int_equal(chan_try_recv(c, &v, &ok), CORE_EAGAIN);
    /* Closed and drained: a receive is ready, and says so with ok=false. */
    assert_int_equal(chan_close(c), 0);
    v = SENTINEL;
    assert_int_equal(chan_try_recv(c, &v, &ok), 0);
    assert_false(ok);
    assert_int_equal(v, 0);
    assert_null(rt_failure(f.rt));
    chan_free(c);
    fx_end(&f);
}

static void test_try_send_on_closed_channel_panics(void **state)
{
    (void)state;
    check_send_on_closed_panics(false);
}

/* Non-blocking calls work from any thread; blocking ones need a goroutine of
 * the channel's own runtime. */
static void test_blocking_call_from_non_goroutine(void **state)
{
    (void)state;
    rt_t *rt = rt_new("t");
    chan_t *empty = chan_new(rt, "empty", sizeof(int), 1);
    chan_t *full = chan_new(rt, "full", sizeof(int), 1);
    int v = 3, got = 0;
    assert_int_equal(chan_try_send(full, &v), 0); /* outsider, non-blocking */
    assert_int_equal(chan_recv(empty, &got, NULL), CORE_ENOTGOR);
    assert_int_equal(chan_send(full, &v), CORE_ENOTGOR);
    chan_case_t cs = { .ch = empty, .dir = CHAN_RECV, .elem = &got };
    int chosen = SENTINEL;
    assert_int_equal(chan_select(&cs, 1, false, &chosen), CORE_ENOTGOR);

    /* A goroutine of another runtime is an outsider too. */
    rt_t *other = rt_new("other");
    assert_int_equal(rt_enter(other, "main"), 0);
    assert_int_equal(chan_recv(empty, &got, NULL), CORE_ENOTGOR);
    rt_leave();
    rt_free(other);

    assert_int_equal(chan_try_recv(full, &got, NULL), 0);
    assert_int_equal(got, 3);
    assert_false(rt_halted(rt));
    chan_free(full);
    chan_free(empty);
    rt_free(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_unbuffered_send_completes_only_at_receive),
        TEST(test_unbuffered_try_send_succeeds_with_parked_receiver),
        TEST(test_buffered_fifo_len_cap),
        TEST(test_blocked_receivers_served_fifo),
        TEST(test_blocked_senders_served_fifo_unbuffered),
        TEST(test_blocked_senders_served_fifo_full_buffer),
        TEST(test_recv_on_closed_drains_then_zero_not_ok),
        TEST(test_close_wakes_every_blocked_receiver),
        TEST(test_send_on_closed_channel_panics),
        TEST(test_close_of_closed_channel_panics),
        TEST(test_close_of_nil_channel_panics),
        TEST(test_close_of_nil_channel_by_named_thread_panics_in_its_runtime),
        TEST(test_close_of_nil_channel_by_unnamed_thread_halts_no_runtime),
        TEST(test_panic_by_thread_outside_goroutines_names_it),
        TEST(test_blocked_sender_panics_when_channel_closed),
        TEST(test_panic_halts_runtime_and_wakes_everyone),
        TEST(test_zero_size_elements),
        TEST(test_try_send_try_recv),
        TEST(test_try_send_on_closed_channel_panics),
        TEST(test_blocking_call_from_non_goroutine),
    };
    return RUN_TESTS(tests);
}
