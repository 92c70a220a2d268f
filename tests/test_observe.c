/* test_observe.c - the observer sees what happened, who did it, to what, and
 * in each channel's own order; panics and deadlocks arrive with Go's text.
 *
 * The observer is called on many threads, sometimes under a channel lock, so
 * it only copies the event into a preallocated slot taken with an atomic
 * index; the slot is published with a release store and read after joins. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

#include "core/wg.h"

#define MAX_RECS 4096

typedef struct {
    _Atomic bool ready;
    event_kind_t kind;
    uint64_t real_ns;
    int gor_id;
    char gor[32];
    obj_kind_t obj_kind;
    char obj[32];
    int elem; /* EV_SEND/EV_RECV of int channels */
    bool has_elem;
    int ok;
    int64_t value, delta;
    char wait[48];
    char text[512];
} rec_t;

typedef struct {
    uint64_t t0; /* before the runtime existed */
    _Atomic int n;
    rec_t recs[MAX_RECS];
} log_t;

static void record(void *ud, const event_t *ev)
{
    log_t *lg = ud;
    int i = atomic_fetch_add(&lg->n, 1);
    if (i >= MAX_RECS)
        return; /* counted in n: the test sees the overflow */
    rec_t *r = &lg->recs[i];
    r->kind = ev->kind;
    r->real_ns = ev->real_ns;
    r->gor_id = ev->gor_id;
    snprintf(r->gor, sizeof r->gor, "%s", ev->gor_name ? ev->gor_name : "(null)");
    r->obj_kind = ev->obj_kind;
    snprintf(r->obj, sizeof r->obj, "%s", ev->obj_name ? ev->obj_name : "");
    r->has_elem = ev->elem && ev->elem_size == sizeof(int);
    if (r->has_elem)
        memcpy(&r->elem, ev->elem, sizeof(int));
    r->ok = ev->ok;
    r->value = ev->value;
    r->delta = ev->delta;
    snprintf(r->wait, sizeof r->wait, "%s", ev->wait ? ev->wait : "");
    snprintf(r->text, sizeof r->text, "%s", ev->text ? ev->text : "");
    atomic_store_explicit(&r->ready, true, memory_order_release);
}

static uint64_t now_ns(void) { return (uint64_t)real_now(); }

/* The usual fixture, with every event also recorded into the returned log. */
static log_t *log_begin(fx_t *f)
{
    log_t *lg = calloc(1, sizeof *lg);
    lg->t0 = now_ns();
    fx_begin_full(f, 0, record, lg);
    return lg;
}

static void log_end(fx_t *f, log_t *lg)
{
    fx_end(f);
    free(lg);
}

static int log_count(log_t *lg)
{
    int n = atomic_load(&lg->n);
    assert_true(n <= MAX_RECS);
    return n;
}

static const rec_t *rec_at(log_t *lg, int i)
{
    const rec_t *r = &lg->recs[i];
    assert_true(atomic_load_explicit(&r->ready, memory_order_acquire));
    return r;
}

/* Index of the first record at or after `from` of that kind, gor (NULL: any)
 * and object (NULL: any); -1 if none. */
static int find(log_t *lg, int from, event_kind_t kind, const char *gor, const char *obj)
{
    int n = log_count(lg);
    for (int i = from; i < n; i++) {
        const rec_t *r = rec_at(lg, i);
        if (r->kind == kind && (!gor || !strcmp(r->gor, gor)) && (!obj || !strcmp(r->obj, obj)))
            return i;
    }
    return -1;
}

static int must_find(log_t *lg, int from, event_kind_t kind, const char *gor, const char *obj)
{
    int i = find(lg, from, kind, gor, obj);
    if (i < 0)
        fail_msg("no %s event by \"%s\" on \"%s\"", event_kind_name(kind), gor ? gor : "*", obj ? obj : "*");
    return i;
}

/* Timestamps are CLOCK_MONOTONIC, taken during the test, and never go back
 * within the events about one object (emitted under its lock). */
static void assert_timestamps(log_t *lg, const char *obj)
{
    uint64_t t1 = now_ns(), last = 0;
    int n = log_count(lg);
    for (int i = 0; i < n; i++) {
        const rec_t *r = rec_at(lg, i);
        assert_true(r->real_ns >= lg->t0 && r->real_ns <= t1);
        if (strcmp(r->obj, obj) != 0)
            continue;
        if (r->real_ns < last)
            fail_msg("event %d (%s) on %s went back in time", i, event_kind_name(r->kind), obj);
        last = r->real_ns;
    }
}

typedef struct {
    chan_t *jobs;
    wg_t *wg;
    int got[8];
    int n, rc;
} worker_t;

/* Ranges over jobs, then Done. */
static void worker(void *p)
{
    worker_t *w = p;
    int v = 0;
    while (range_next(w->jobs, &v, &w->rc))
        if (w->n < 8)
            w->got[w->n++] = v;
    if (w->rc == 0)
        w->rc = wg_done(w->wg);
}

static void test_observer_sees_pool_events_with_names(void **state)
{
    (void)state;
    fx_t f;
    log_t *lg = log_begin(&f);
    chan_t *jobs = chan_new(f.rt, "jobs", sizeof(int), 0);
    wg_t *wg = wg_new(f.rt, "wg");
    worker_t w = { jobs, wg, { 0 }, 0, SENTINEL };
    assert_int_equal(wg_add(wg, 1), 0);
    gor_t *g = go_parked(&f, "worker 1", worker, &w); /* parked on jobs */
    int job = 7;
    int send_rc = chan_send(jobs, &job);
    int close_rc = chan_close(jobs);
    int wait_rc = wg_wait(wg);
    rt_join(g);

    assert_int_equal(send_rc, 0);
    assert_int_equal(close_rc, 0);
    assert_int_equal(wait_rc, 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 1);

    int add = must_find(lg, 0, EV_WG_ADD, "main", "wg");
    assert_int_equal(rec_at(lg, add)->obj_kind, OBJ_WG);
    assert_int_equal(rec_at(lg, add)->delta, 1);
    assert_int_equal(rec_at(lg, add)->value, 1);

    int blk = must_find(lg, 0, EV_BLOCK, "worker 1", "jobs");
    assert_string_equal(rec_at(lg, blk)->wait, "chan receive");
    assert_int_equal(rec_at(lg, blk)->obj_kind, OBJ_CHAN);

    int snd = must_find(lg, blk, EV_SEND, "main", "jobs");
    assert_true(rec_at(lg, snd)->has_elem);
    assert_int_equal(rec_at(lg, snd)->elem, 7);

    int rcv = must_find(lg, blk, EV_RECV, "worker 1", "jobs");
    assert_true(rec_at(lg, rcv)->has_elem);
    assert_int_equal(rec_at(lg, rcv)->elem, 7);
    assert_true(rec_at(lg, rcv)->ok);
    assert_true(rec_at(lg, rcv)->gor_id > 0);

    int cls = must_find(lg, rcv, EV_CLOSE, "main", "jobs");
    int drained = must_find(lg, cls, EV_RECV, "worker 1", "jobs");
    assert_false(rec_at(lg, drained)->ok);

    int done = must_find(lg, drained, EV_WG_ADD, "worker 1", "wg");
    assert_int_equal(rec_at(lg, done)->delta, -1);
    assert_int_equal(rec_at(lg, done)->value, 0);
    must_find(lg, add, EV_WG_WAIT, "main", "wg");
    must_find(lg, 0, EV_GOR_START, "worker 1", NULL);

    assert_timestamps(lg, "jobs");
    assert_timestamps(lg, "wg");
    wg_free(wg);
    chan_free(jobs);
    log_end(&f, lg);
}

#define ORDER_N 200

typedef struct {
    chan_t *c;
    int sum, rc;
} drain_t;

static void drain(void *p)
{
    drain_t *d = p;
    for (int i = 0; i < ORDER_N; i++) {
        int v = 0;
        d->rc = chan_recv(d->c, &v, NULL);
        if (d->rc != 0)
            return;
        d->sum += v;
    }
}

/* With a receiver running concurrently, the log of one channel still lists
 * sends 1..N in order, receives 1..N in order, each receive after its send. */
static void test_per_channel_event_order(void **state)
{
    (void)state;
    fx_t f;
    log_t *lg = log_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 4);
    drain_t d = { c, 0, SENTINEL };
    gor_t *g = go(&f, "drain", drain, &d);
    int send_fail = 0;
    for (int v = 1; v <= ORDER_N; v++)
        send_fail += chan_send(c, &v) != 0;
    rt_join(g);

    assert_int_equal(send_fail, 0);
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.sum, ORDER_N * (ORDER_N + 1) / 2);
    int n = log_count(lg), next_send = 1, next_recv = 1;
    for (int i = 0; i < n; i++) {
        const rec_t *r = rec_at(lg, i);
        if (strcmp(r->obj, "c") != 0 || (r->kind != EV_SEND && r->kind != EV_RECV))
            continue;
        assert_true(r->has_elem);
        if (r->kind == EV_SEND) {
            assert_int_equal(r->elem, next_send);
            next_send++;
        } else {
            assert_int_equal(r->elem, next_recv);
            assert_true(next_recv < next_send); /* its send came earlier */
            next_recv++;
        }
    }
    assert_int_equal(next_send, ORDER_N + 1);
    assert_int_equal(next_recv, ORDER_N + 1);
    assert_timestamps(lg, "c");
    chan_free(c);
    log_end(&f, lg);
}

/* Exactly one event of that kind was seen, by gor (NULL: anyone), and its
 * text has `want`; returns that text. */
static const char *assert_one_event_with_text(log_t *lg, event_kind_t kind, const char *gor, const char *want)
{
    int i = must_find(lg, 0, kind, gor, NULL);
    assert_int_equal(find(lg, i + 1, kind, NULL, NULL), -1);
    const char *text = rec_at(lg, i)->text;
    assert_contains(text, want);
    return text;
}

static void test_panic_event_carries_go_text(void **state)
{
    (void)state;
    fx_t f;
    log_t *lg = log_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 1);
    assert_int_equal(chan_close(c), 0);
    int v = 1;
    assert_int_equal(chan_send(c, &v), CORE_EPANIC);

    assert_one_event_with_text(lg, EV_PANIC, "main", "send on closed channel");
    chan_free(c);
    log_end(&f, lg);
}

/* A thread that is not a goroutine acts under the name it was given for the
 * runtime: its close and its panic carry it, with no goroutine id. */
static void test_named_thread_events_carry_its_name(void **state)
{
    (void)state;
    fx_t f;
    log_t *lg = log_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 1);
    outsider_t ui = { .rt = f.rt, .name = "ui", .c = c };
    run_outsider(&ui); /* closes c */
    ui.send = true;
    run_outsider(&ui); /* panics */

    assert_int_equal(ui.rc, CORE_EPANIC);
    int i = must_find(lg, 0, EV_CLOSE, "ui", "c");
    assert_int_equal(rec_at(lg, i)->gor_id, 0);
    assert_one_event_with_text(lg, EV_PANIC, "ui", "send on closed channel");
    chan_free(c);
    log_end(&f, lg);
}

static void test_deadlock_event_carries_go_text(void **state)
{
    (void)state;
    fx_t f;
    log_t *lg = log_begin(&f);
    chan_t *c = chan_new(f.rt, "jobs", sizeof(int), 0);
    int v = 0;
    assert_int_equal(chan_recv(c, &v, NULL), CORE_EDEADLOCK);

    const char *text = assert_one_event_with_text(lg, EV_DEADLOCK, NULL,
                                                  "fatal error: all goroutines are asleep - deadlock!");
    assert_contains(text, "main [chan receive (jobs)]");
    chan_free(c);
    log_end(&f, lg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_observer_sees_pool_events_with_names),
        TEST(test_per_channel_event_order),
        TEST(test_panic_event_carries_go_text),
        TEST(test_named_thread_events_carry_its_name),
        TEST(test_deadlock_event_carries_go_text),
    };
    return RUN_TESTS(tests);
}
