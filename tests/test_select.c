/* test_select.c - chan_select behaves as Go's select: ready cases are taken
 * at once and chosen uniformly at random, default fires only when nothing is
 * ready, nil channels never are, and a parked select completes exactly one
 * case.
 *
 * Goroutines only record outcomes; assertions run on the test's thread after
 * rt_join. Waiting for "parked" counts EV_BLOCK events, never sleeps. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static chan_case_t recv_case(chan_t *c, int *elem, bool *ok)
{
    return (chan_case_t){ .ch = c, .dir = CHAN_RECV, .elem = elem, .ok = ok };
}

static chan_case_t send_case(chan_t *c, int *elem)
{
    return (chan_case_t){ .ch = c, .dir = CHAN_SEND, .elem = elem };
}

static void put(chan_t *c, int v)
{
    assert_int_equal(chan_try_send(c, &v), 0);
}

/* ---- readiness ---- */

static void test_ready_case_taken_at_once(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *a = chan_new(f.rt, "a", sizeof(int), 1);
    chan_t *b = chan_new(f.rt, "b", sizeof(int), 1);
    put(b, 7);
    int va = SENTINEL, vb = SENTINEL;
    bool oka = false, okb = false;
    chan_case_t cs[] = { recv_case(a, &va, &oka), recv_case(b, &vb, &okb) };
    int chosen = SENTINEL;
    /* Blocking select: must not park since b is ready (a park here with
     * main the only goroutine would be reported as a deadlock). */
    assert_int_equal(chan_select(cs, 2, false, &chosen), 0);
    assert_int_equal(chosen, 1);
    assert_int_equal(vb, 7);
    assert_true(okb);
    assert_int_equal(va, SENTINEL); /* the other case was not touched */
    assert_int_equal(chan_len(b), 0);
    assert_int_equal(fx_count(&f, EV_BLOCK), 0);
    chan_free(b);
    chan_free(a);
    fx_end(&f);
}

static void test_default_when_nothing_ready(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *empty = chan_new(f.rt, "empty", sizeof(int), 1);
    chan_t *full = chan_new(f.rt, "full", sizeof(int), 1);
    chan_t *unbuf = chan_new(f.rt, "unbuf", sizeof(int), 0);
    put(full, 1);
    int v = SENTINEL, w = 9;
    chan_case_t cs[] = { recv_case(empty, &v, NULL), send_case(full, &w), send_case(unbuf, &w),
                         recv_case(unbuf, &v, NULL) };
    int chosen = SENTINEL;
    assert_int_equal(chan_select(cs, 4, true, &chosen), 0);
    assert_int_equal(chosen, CHAN_SELECT_DEFAULT);
    assert_int_equal(v, SENTINEL);
    assert_int_equal(chan_len(empty), 0);
    assert_int_equal(chan_len(full), 1);
    /* select with only a default */
    chosen = SENTINEL;
    assert_int_equal(chan_select(NULL, 0, true, &chosen), 0);
    assert_int_equal(chosen, CHAN_SELECT_DEFAULT);
    chan_free(unbuf);
    chan_free(full);
    chan_free(empty);
    fx_end(&f);
}

static void test_nil_channel_cases_never_ready(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 1);
    int v = 0, w = 1;
    chan_case_t cs[] = { recv_case(NULL, &v, NULL), send_case(NULL, &w), recv_case(c, &v, NULL),
                         send_case(NULL, &w) };
    int chosen = SENTINEL;
    for (int i = 0; i < 200; i++) { /* random choice would hit a nil case */
        put(c, i);
        assert_int_equal(chan_select(cs, 4, false, &chosen), 0);
        assert_int_equal(chosen, 2);
        assert_int_equal(v, i);
    }
    chan_case_t nils[] = { recv_case(NULL, &v, NULL), send_case(NULL, &w) };
    assert_int_equal(chan_select(nils, 2, true, &chosen), 0);
    assert_int_equal(chosen, CHAN_SELECT_DEFAULT);
    chan_free(c);
    fx_end(&f);
}

static void test_mixed_send_and_recv_cases(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *full = chan_new(f.rt, "full", sizeof(int), 1);
    chan_t *empty = chan_new(f.rt, "empty", sizeof(int), 1);
    chan_t *room = chan_new(f.rt, "room", sizeof(int), 1);
    put(full, 1);
    int v = SENTINEL, w = 5, x = 6;
    chan_case_t cs[] = { send_case(full, &w), recv_case(empty, &v, NULL), send_case(room, &x) };
    int chosen = SENTINEL;
    assert_int_equal(chan_select(cs, 3, false, &chosen), 0);
    assert_int_equal(chosen, 2);
    assert_int_equal(chan_len(room), 1);
    assert_int_equal(chan_len(full), 1);
    /* Now only the receive from `full` is ready among send(room), recv(full). */
    chan_case_t cs2[] = { send_case(room, &w), recv_case(full, &v, NULL) };
    assert_int_equal(chan_select(cs2, 2, false, &chosen), 0);
    assert_int_equal(chosen, 1);
    assert_int_equal(v, 1);
    int got = 0;
    assert_int_equal(chan_recv(room, &got, NULL), 0);
    assert_int_equal(got, 6);
    chan_free(room);
    chan_free(empty);
    chan_free(full);
    fx_end(&f);
}

/* ---- fairness ---- */

/* Runs `rounds` selects over k always-ready cases (even cases receive from a
 * channel that is kept full, odd ones send into one kept empty) and returns
 * the chi-square statistic of the choice counts against uniform. */
static double select_chi_square(fx_t *f, int k, int rounds, int *counts)
{
    chan_t *c[4];
    chan_case_t cs[4];
    int v[4];
    for (int i = 0; i < k; i++) {
        c[i] = chan_new(f->rt, "c", sizeof(int), 1);
        v[i] = i;
        if (i % 2 == 0) {
            put(c[i], i);
            cs[i] = recv_case(c[i], &v[i], NULL);
        } else {
            cs[i] = send_case(c[i], &v[i]);
        }
        counts[i] = 0;
    }
    for (int r = 0; r < rounds; r++) {
        int chosen = SENTINEL;
        if (chan_select(cs, k, false, &chosen) != 0 || chosen < 0 || chosen >= k)
            break; /* counts then fall short: the caller's asserts report it */
        counts[chosen]++;
        int tmp = chosen; /* restore readiness of the chosen case */
        if (chosen % 2 == 0)
            chan_try_send(c[chosen], &tmp);
        else
            chan_try_recv(c[chosen], &tmp, NULL);
    }
    double expect = (double)rounds / k, chi = 0;
    for (int i = 0; i < k; i++) {
        chi += (counts[i] - expect) * (counts[i] - expect) / expect;
        chan_free(c[i]);
    }
    return chi;
}

/* Critical values of chi-square at upper tail 1e-6, so a correct uniform
 * select fails this test about once in a million runs. */
#define CHI2_DF1_P1E6 23.93
#define CHI2_DF3_P1E6 30.66
#define FAIR_ROUNDS 40000

static void check_fairness(int k, double critical)
{
    fx_t f;
    fx_begin(&f);
    int counts[4];
    double chi = select_chi_square(&f, k, FAIR_ROUNDS, counts);
    fx_end(&f);

    int total = 0;
    for (int i = 0; i < k; i++) {
        total += counts[i];
        double share = (double)counts[i] / FAIR_ROUNDS;
        /* Wide band first: a gross bias reads plainly in the failure. */
        if (share < 0.8 / k || share > 1.2 / k)
            fail_msg("case %d chosen %d of %d times", i, counts[i], FAIR_ROUNDS);
    }
    assert_int_equal(total, FAIR_ROUNDS);
    if (chi >= critical)
        fail_msg("chi-square %.2f >= %.2f (k=%d)", chi, critical, k);
}

static void test_fairness_two_ready_cases(void **state)
{
    (void)state;
    check_fairness(2, CHI2_DF1_P1E6);
}

static void test_fairness_four_ready_cases(void **state)
{
    (void)state;
    check_fairness(4, CHI2_DF3_P1E6);
}

/* ---- parking ---- */

typedef struct {
    chan_t *a, *b;
    fx_t *f;
    int rc_a, rc_b;
} two_sends_t;

/* Once main's select is parked, makes two of its cases ready. */
static void send_on_two_after_park(void *p)
{
    two_sends_t *t = p;
    await_parked(t->f, 1);
    int one = 1, two = 2;
    t->rc_a = chan_send(t->a, &one);
    t->rc_b = chan_send(t->b, &two);
}

static void test_blocked_select_takes_exactly_one(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *a = chan_new(f.rt, "a", sizeof(int), 1);
    chan_t *b = chan_new(f.rt, "b", sizeof(int), 1);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 1);
    two_sends_t t = { a, b, &f, SENTINEL, SENTINEL };
    gor_t *g = go(&f, "sender", send_on_two_after_park, &t);
    int v[3] = { SENTINEL, SENTINEL, SENTINEL };
    bool ok[3] = { false, false, false };
    chan_case_t cs[] = { recv_case(c, &v[0], &ok[0]), recv_case(a, &v[1], &ok[1]),
                         recv_case(b, &v[2], &ok[2]) };
    int chosen = SENTINEL;
    int rc = chan_select(cs, 3, false, &chosen);
    rt_join(g);

    assert_int_equal(rc, 0);
    assert_int_equal(t.rc_a, 0);
    assert_int_equal(t.rc_b, 0);
    /* The first send found the parked select and was handed to it. */
    assert_int_equal(chosen, 1);
    assert_int_equal(v[1], 1);
    assert_true(ok[1]);
    assert_int_equal(v[0], SENTINEL);
    assert_int_equal(v[2], SENTINEL);
    /* Exactly one value consumed: the other is still buffered. */
    assert_int_equal(chan_len(a), 0);
    assert_int_equal(chan_len(b), 1);
    assert_int_equal(chan_len(c), 0);
    chan_free(c);
    chan_free(b);
    chan_free(a);
    fx_end(&f);
}

typedef struct {
    chan_t *c;
    int val;
    int rc;
} op_t;

static void do_recv(void *p)
{
    op_t *o = p;
    o->rc = chan_recv(o->c, &o->val, NULL);
}

/* A parked select's send case is completed by a receiver arriving later. */
static void test_blocked_select_send_taken_by_receiver(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *out = chan_new(f.rt, "out", sizeof(int), 0);
    chan_t *in = chan_new(f.rt, "in", sizeof(int), 0);
    op_t r = { out, SENTINEL, SENTINEL };
    int w = 11, v = SENTINEL;
    chan_case_t cs[] = { recv_case(in, &v, NULL), send_case(out, &w) };
    /* The receiver starts parked too or after us; either way the select
     * completes with the send and the receiver gets the value. */
    gor_t *g = go(&f, "receiver", do_recv, &r);
    int chosen = SENTINEL;
    int rc = chan_select(cs, 2, false, &chosen);
    rt_join(g);

    assert_int_equal(rc, 0);
    assert_int_equal(chosen, 1);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.val, 11);
    assert_int_equal(v, SENTINEL);
    chan_free(in);
    chan_free(out);
    fx_end(&f);
}

/* ---- closed channels ---- */

static void test_select_recv_on_closed_is_ready(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *idle = chan_new(f.rt, "idle", sizeof(int), 0);
    chan_t *closed = chan_new(f.rt, "closed", sizeof(int), 0);
    assert_int_equal(chan_close(closed), 0);
    int v = SENTINEL, u = SENTINEL;
    bool ok = true;
    chan_case_t cs[] = { recv_case(idle, &u, NULL), recv_case(closed, &v, &ok) };
    int chosen = SENTINEL;
    assert_int_equal(chan_select(cs, 2, false, &chosen), 0);
    assert_int_equal(chosen, 1);
    assert_false(ok);
    assert_int_equal(v, 0);
    assert_null(rt_failure(f.rt));
    chan_free(closed);
    chan_free(idle);
    fx_end(&f);
}

typedef struct {
    fx_t *f;
    chan_t *c;
    int rc;
} closer_t;

static void close_after_park(void *p)
{
    closer_t *cl = p;
    await_parked(cl->f, 1);
    cl->rc = chan_close(cl->c);
}

/* Closing a channel wakes a select parked on receiving from it, ok=false. */
static void test_close_wakes_parked_select(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *idle = chan_new(f.rt, "idle", sizeof(int), 0);
    chan_t *c = chan_new(f.rt, "c", sizeof(int), 0);
    closer_t cl = { &f, c, SENTINEL };
    gor_t *g = go(&f, "closer", close_after_park, &cl);
    int v = SENTINEL, u = SENTINEL;
    bool ok = true;
    chan_case_t cs[] = { recv_case(idle, &u, NULL), recv_case(c, &v, &ok) };
    int chosen = SENTINEL;
    int rc = chan_select(cs, 2, false, &chosen);
    rt_join(g);

    assert_int_equal(rc, 0);
    assert_int_equal(cl.rc, 0);
    assert_int_equal(chosen, 1);
    assert_false(ok);
    assert_int_equal(v, 0);
    assert_int_equal(u, SENTINEL);
    assert_null(rt_failure(f.rt));
    chan_free(c);
    chan_free(idle);
    fx_end(&f);
}

static void test_select_send_on_closed_panics(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *idle = chan_new(f.rt, "idle", sizeof(int), 0);
    chan_t *closed = chan_new(f.rt, "closed", sizeof(int), 1);
    assert_int_equal(chan_close(closed), 0);
    int v = 1, u = SENTINEL;
    chan_case_t cs[] = { recv_case(idle, &u, NULL), send_case(closed, &v) };
    int chosen = SENTINEL;
    int rc = chan_select(cs, 2, false, &chosen);

    assert_panicked(f.rt, rc, "send on closed channel", NULL);
    assert_int_equal(chan_len(closed), 0);
    chan_free(closed);
    chan_free(idle);
    fx_end(&f);
}

/* A select parked on a send is woken by the channel's close to panic, as a
 * plain send would be. */
static void test_parked_select_send_panics_when_closed(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *idle = chan_new(f.rt, "idle", sizeof(int), 0);
    chan_t *out = chan_new(f.rt, "out", sizeof(int), 0);
    closer_t cl = { &f, out, SENTINEL };
    gor_t *g = go(&f, "closer", close_after_park, &cl);
    int v = 5, u = SENTINEL;
    chan_case_t cs[] = { recv_case(idle, &u, NULL), send_case(out, &v) };
    int chosen = SENTINEL;
    int rc = chan_select(cs, 2, false, &chosen);
    rt_join(g);

    assert_int_equal(cl.rc, 0);
    assert_panicked(f.rt, rc, "send on closed channel", NULL);
    assert_int_equal(u, SENTINEL);
    chan_free(out);
    chan_free(idle);
    fx_end(&f);
}

/* ---- many cases ---- */

#define MANY_CASES 1000

typedef struct {
    fx_t *f;
    chan_t *c;
} late_send_t;

static void send_after_park(void *p)
{
    late_send_t *s = p;
    await_parked(s->f, 1);
    int v = 77;
    (void)chan_send(s->c, &v);
}

/* Go allows any number of cases: a select over a thousand channels parks on
 * all of them and completes the one that becomes ready. */
static void test_select_over_a_thousand_cases(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t **chans = calloc(MANY_CASES, sizeof *chans);
    chan_case_t *cs = calloc(MANY_CASES, sizeof *cs);
    int *vals = calloc(MANY_CASES, sizeof *vals);
    for (int i = 0; i < MANY_CASES; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        chans[i] = chan_new(f.rt, name, sizeof(int), 0);
        vals[i] = SENTINEL;
        cs[i] = recv_case(chans[i], &vals[i], NULL);
    }
    late_send_t s = { &f, chans[MANY_CASES - 3] };
    gor_t *g = go(&f, "sender", send_after_park, &s);
    int chosen = SENTINEL;
    int rc = chan_select(cs, MANY_CASES, false, &chosen);
    rt_join(g);

    assert_int_equal(rc, 0);
    assert_int_equal(chosen, MANY_CASES - 3);
    int untouched = 0;
    for (int i = 0; i < MANY_CASES; i++)
        untouched += vals[i] == SENTINEL;
    assert_int_equal(vals[MANY_CASES - 3], 77);
    assert_int_equal(untouched, MANY_CASES - 1);
    chosen = SENTINEL;
    assert_int_equal(chan_select(cs, MANY_CASES, true, &chosen), 0);
    assert_int_equal(chosen, CHAN_SELECT_DEFAULT);
    assert_int_equal(chan_select(cs, CHAN_SELECT_MAX + 1, true, &chosen), CORE_EINVAL);
    for (int i = 0; i < MANY_CASES; i++)
        chan_free(chans[i]);
    free(vals);
    free(cs);
    free(chans);
    fx_end(&f);
}

/* ---- contention ---- */

#define CONT_SELECTORS 6
#define CONT_VALUES 3000

typedef struct {
    chan_t *a, *b;
    int seen[CONT_VALUES]; /* how often this selector received each value */
    int n, rc;
} selector_t;

/* Receives from a or b until both are closed (nil-ing out each closed
 * channel, the Go idiom). */
static void select_until_closed(void *p)
{
    selector_t *s = p;
    chan_t *a = s->a, *b = s->b;
    s->rc = 0;
    while (a || b) {
        int v = -1;
        bool ok = false;
        chan_case_t cs[] = { recv_case(a, &v, &ok), recv_case(b, &v, &ok) };
        int chosen = SENTINEL;
        int rc = chan_select(cs, 2, false, &chosen);
        if (rc != 0) {
            s->rc = rc;
            return;
        }
        if (!ok) {
            if (chosen == 0)
                a = NULL;
            else
                b = NULL;
            continue;
        }
        if (v >= 0 && v < CONT_VALUES)
            s->seen[v]++;
        s->n++;
    }
}

static void test_select_contention_every_value_once(void **state)
{
    (void)state;
    fx_t f;
    fx_begin(&f);
    chan_t *a = chan_new(f.rt, "a", sizeof(int), 0);
    chan_t *b = chan_new(f.rt, "b", sizeof(int), 4);
    selector_t *s = calloc(CONT_SELECTORS, sizeof *s);
    gor_t *g[CONT_SELECTORS];
    for (int i = 0; i < CONT_SELECTORS; i++) {
        s[i].a = a;
        s[i].b = b;
        g[i] = go_nth(f.rt, "selector", i, select_until_closed, &s[i]);
    }
    int send_fail = 0;
    for (int v = 0; v < CONT_VALUES; v++)
        send_fail += chan_send(v % 2 ? a : b, &v) != 0;
    int close_a = chan_close(a), close_b = chan_close(b);
    join_all(g, CONT_SELECTORS);

    assert_int_equal(send_fail, 0);
    assert_int_equal(close_a, 0);
    assert_int_equal(close_b, 0);
    int total = 0;
    for (int i = 0; i < CONT_SELECTORS; i++) {
        assert_int_equal(s[i].rc, 0);
        total += s[i].n;
    }
    assert_int_equal(total, CONT_VALUES);
    for (int v = 0; v < CONT_VALUES; v++) {
        int times = 0;
        for (int i = 0; i < CONT_SELECTORS; i++)
            times += s[i].seen[v];
        if (times != 1)
            fail_msg("value %d received %d times", v, times);
    }
    free(s);
    chan_free(b);
    chan_free(a);
    fx_end(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_ready_case_taken_at_once),
        TEST(test_default_when_nothing_ready),
        TEST(test_nil_channel_cases_never_ready),
        TEST(test_mixed_send_and_recv_cases),
        TEST(test_fairness_two_ready_cases),
        TEST(test_fairness_four_ready_cases),
        TEST(test_blocked_select_takes_exactly_one),
        TEST(test_blocked_select_send_taken_by_receiver),
        TEST(test_select_recv_on_closed_is_ready),
        TEST(test_close_wakes_parked_select),
        TEST(test_select_send_on_closed_panics),
        TEST(test_parked_select_send_panics_when_closed),
        TEST(test_select_over_a_thousand_cases),
        TEST(test_select_contention_every_value_once),
    };
    return RUN_TESTS(tests);
}
