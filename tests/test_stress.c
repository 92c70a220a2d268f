/* test_stress.c - many goroutines hammering shared channels lose nothing and
 * duplicate nothing.
 *
 * Sizes scale with POOLVIZ_STRESS_SCALE (default 1.0) so sanitizer and
 * valgrind runs can use e.g. 0.05 and still finish in reasonable time. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static double stress_scale(void)
{
    const char *s = getenv("POOLVIZ_STRESS_SCALE");
    double x = s ? strtod(s, NULL) : 1.0;
    return x > 0 ? x : 1.0;
}

/* n scaled, never below `floor` so the test still means something. */
static uint32_t scaled(uint32_t n, uint32_t floor)
{
    double x = n * stress_scale();
    return x < floor ? floor : (uint32_t)x;
}

/* ---- a bitmap of values seen, one per receiver, merged after join ---- */

typedef struct {
    uint64_t *bits;
    uint32_t n;       /* values received */
    uint32_t dups;    /* values this receiver saw twice */
    uint32_t strange; /* values out of range */
} seen_t;

static void seen_init(seen_t *s, uint32_t nvalues)
{
    s->bits = calloc((nvalues + 63) / 64, sizeof(uint64_t));
    s->n = s->dups = s->strange = 0;
}

static void seen_add(seen_t *s, uint32_t v, uint32_t nvalues)
{
    s->n++;
    if (v >= nvalues) {
        s->strange++;
        return;
    }
    uint64_t bit = 1ull << (v % 64);
    if (s->bits[v / 64] & bit)
        s->dups++;
    s->bits[v / 64] |= bit;
}

/* Asserts that the k receivers together saw every value below nvalues
 * exactly once, and frees their bitmaps. */
static void assert_each_value_once(seen_t *s, int k, uint32_t nvalues)
{
    size_t words = (nvalues + 63) / 64;
    uint64_t *all = calloc(words, sizeof(uint64_t));
    uint64_t total = 0, overlap = 0, dups = 0, strange = 0;
    for (int i = 0; i < k; i++) {
        total += s[i].n;
        dups += s[i].dups;
        strange += s[i].strange;
        for (size_t w = 0; w < words; w++) {
            overlap |= all[w] & s[i].bits[w];
            all[w] |= s[i].bits[w];
        }
        free(s[i].bits);
    }
    size_t missing = 0;
    for (uint32_t v = 0; v < nvalues; v++)
        missing += !(all[v / 64] >> (v % 64) & 1);
    free(all);
    assert_int_equal(strange, 0);
    assert_int_equal(dups, 0);
    assert_int_equal(overlap, 0);
    assert_int_equal(missing, 0);
    assert_int_equal(total, nvalues);
}

/* Every stress test ends with a runtime that never failed. */
static void end(rt_t *rt)
{
    assert_null(rt_failure(rt));
    main_leave(rt);
}

/* ---- many senders, many receivers, one channel ---- */

#define MOVERS 32 /* senders, and as many receivers */

typedef struct {
    chan_t *c;
    uint32_t first, step, nvalues;
    seen_t seen;
    int rc;
} mover_t;

static void send_share(void *p)
{
    mover_t *m = p;
    m->rc = 0;
    for (uint32_t v = m->first; v < m->nvalues && m->rc == 0; v += m->step)
        m->rc = chan_send(m->c, &v);
}

static void recv_all(void *p)
{
    mover_t *m = p;
    uint32_t v = 0;
    while (range_next(m->c, &v, &m->rc))
        seen_add(&m->seen, v, m->nvalues);
}

static void check_many_to_many(size_t cap)
{
    uint32_t nvalues = scaled(1000000, 2000);
    rt_t *rt = main_enter("stress");
    chan_t *c = chan_new(rt, "values", sizeof(uint32_t), cap);
    mover_t *snd = calloc(MOVERS, sizeof *snd), *rcv = calloc(MOVERS, sizeof *rcv);
    gor_t *gs[MOVERS], *gr[MOVERS];
    for (int i = 0; i < MOVERS; i++) {
        rcv[i] = (mover_t){ .c = c, .nvalues = nvalues, .rc = SENTINEL };
        seen_init(&rcv[i].seen, nvalues);
        gr[i] = go_nth(rt, "receiver", i, recv_all, &rcv[i]);
    }
    for (int i = 0; i < MOVERS; i++) {
        snd[i] = (mover_t){ .c = c, .first = (uint32_t)i, .step = MOVERS, .nvalues = nvalues, .rc = SENTINEL };
        gs[i] = go_nth(rt, "sender", i, send_share, &snd[i]);
    }
    join_all(gs, MOVERS);
    int close_rc = chan_close(c); /* all sent: let the receivers finish */
    join_all(gr, MOVERS);

    assert_int_equal(close_rc, 0);
    seen_t seen[MOVERS];
    for (int i = 0; i < MOVERS; i++) {
        assert_int_equal(snd[i].rc, 0);
        assert_int_equal(rcv[i].rc, 0);
        seen[i] = rcv[i].seen;
    }
    assert_each_value_once(seen, MOVERS, nvalues);
    free(snd);
    free(rcv);
    chan_free(c);
    end(rt);
}

static void test_many_to_many_unbuffered_every_value_once(void **state)
{
    (void)state;
    check_many_to_many(0);
}

static void test_many_to_many_buffered_every_value_once(void **state)
{
    (void)state;
    check_many_to_many(64);
}

/* ---- select under contention: producers -> relays -> consumers ----
 * Producers select which of two input channels to send on; relays select
 * over receiving from both inputs and sending to `out`, buffering a few
 * values and nil-ing a case out when it must not fire (Go's idiom);
 * consumers range over `out`. */

#define PRODUCERS 4
#define RELAYS 8
#define CONSUMERS 4
#define RELAY_BUF 4

typedef struct {
    chan_t *in_a, *in_b, *out;
    uint32_t first, step, nvalues;
    uint64_t taken, given; /* values received, values passed on */
    seen_t seen;
    int rc;
} stage_t;

static void produce(void *p)
{
    stage_t *s = p;
    s->rc = 0;
    for (uint32_t v = s->first; v < s->nvalues; v += s->step) {
        uint32_t x = v;
        chan_case_t cs[] = { { .ch = s->in_a, .dir = CHAN_SEND, .elem = &x },
                             { .ch = s->in_b, .dir = CHAN_SEND, .elem = &x } };
        int chosen;
        s->rc = chan_select(cs, 2, false, &chosen);
        if (s->rc != 0)
            return;
        s->given++;
    }
}

static void relay(void *p)
{
    stage_t *s = p;
    chan_t *in[2] = { s->in_a, s->in_b };
    uint32_t buf[RELAY_BUF], got = 0;
    int head = 0, count = 0;
    s->rc = 0;
    while (in[0] || in[1] || count > 0) {
        bool room = count < RELAY_BUF, ok = false;
        chan_case_t cs[] = { { .ch = room ? in[0] : NULL, .dir = CHAN_RECV, .elem = &got, .ok = &ok },
                             { .ch = room ? in[1] : NULL, .dir = CHAN_RECV, .elem = &got, .ok = &ok },
                             { .ch = count ? s->out : NULL, .dir = CHAN_SEND, .elem = &buf[head] } };
        int chosen = -1;
        s->rc = chan_select(cs, 3, false, &chosen);
        if (s->rc != 0)
            return;
        if (chosen == 2) {
            head = (head + 1) % RELAY_BUF;
            count--;
            s->given++;
        } else if (!ok) {
            in[chosen] = NULL; /* closed: never select it again */
        } else {
            buf[(head + count++) % RELAY_BUF] = got;
            s->taken++;
        }
    }
}

static void consume(void *p)
{
    stage_t *s = p;
    uint32_t v = 0;
    while (range_next(s->out, &v, &s->rc)) {
        s->taken++;
        seen_add(&s->seen, v, s->nvalues);
    }
}

/* Starts n goroutines of one stage, each on its own copy of `proto`. */
static void start_stage(rt_t *rt, gor_t **g, stage_t *s, int n, const stage_t *proto, const char *role,
                        void (*fn)(void *))
{
    for (int i = 0; i < n; i++) {
        s[i] = *proto;
        s[i].first = (uint32_t)i;
        s[i].step = (uint32_t)n;
        if (fn == consume)
            seen_init(&s[i].seen, proto->nvalues);
        g[i] = go_nth(rt, role, i, fn, &s[i]);
    }
}

/* Joins a stage; returns its summed counts and asserts none failed. */
static void join_stage(gor_t **g, stage_t *s, int n, uint64_t *taken, uint64_t *given)
{
    *taken = *given = 0;
    join_all(g, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(s[i].rc, 0);
        *taken += s[i].taken;
        *given += s[i].given;
    }
}

static void test_select_contention_counts_conserved(void **state)
{
    (void)state;
    uint32_t nvalues = scaled(200000, 1000);
    rt_t *rt = main_enter("stress");
    stage_t proto = { .in_a = chan_new(rt, "in a", sizeof(uint32_t), 0),
                      .in_b = chan_new(rt, "in b", sizeof(uint32_t), 8),
                      .out = chan_new(rt, "out", sizeof(uint32_t), 2),
                      .nvalues = nvalues,
                      .rc = SENTINEL };
    stage_t prod[PRODUCERS], rel[RELAYS], con[CONSUMERS];
    gor_t *gp[PRODUCERS], *gr[RELAYS], *gc[CONSUMERS];
    start_stage(rt, gc, con, CONSUMERS, &proto, "consumer", consume);
    start_stage(rt, gr, rel, RELAYS, &proto, "relay", relay);
    start_stage(rt, gp, prod, PRODUCERS, &proto, "producer", produce);
    uint64_t p_taken, p_given, r_taken, r_given, c_taken, c_given;
    join_stage(gp, prod, PRODUCERS, &p_taken, &p_given);
    int close_in = chan_close(proto.in_a) | chan_close(proto.in_b);
    join_stage(gr, rel, RELAYS, &r_taken, &r_given);
    int close_out = chan_close(proto.out);
    join_stage(gc, con, CONSUMERS, &c_taken, &c_given);

    assert_int_equal(close_in, 0);
    assert_int_equal(close_out, 0);
    assert_int_equal(p_given, nvalues);
    assert_int_equal(r_taken, nvalues);
    assert_int_equal(r_given, nvalues);
    assert_int_equal(c_taken, nvalues);
    seen_t seen[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++)
        seen[i] = con[i].seen;
    assert_each_value_once(seen, CONSUMERS, nvalues);
    chan_free(proto.out);
    chan_free(proto.in_b);
    chan_free(proto.in_a);
    end(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_many_to_many_unbuffered_every_value_once),
        TEST(test_many_to_many_buffered_every_value_once),
        TEST(test_select_contention_counts_conserved),
    };
    return RUN_TESTS(tests);
}
