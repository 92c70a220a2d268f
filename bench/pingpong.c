/* pingpong.c - round-trip latency of an unbuffered channel hand-off between
 * two goroutines on poolviz's core.
 *
 * The Go program it mirrors (bench/go/pingpong.go does exactly this):
 *
 *     ping := make(chan int64); pong := make(chan int64)
 *     go func() { for v := range ping { pong <- v } }()
 *     for i := 0; i < rounds; i++ { ping <- i; if <-pong != i { panic } }
 *     close(ping)
 *
 * Every round trip is two rendezvous, each of which wakes a parked goroutine
 * (or finds it spinning), so this is the latency of the core's park/wake path
 * rather than its throughput.
 *
 * Output (medians over --repeat runs):
 *   pingpong lang=c rounds=200000 repeat=3 ns_per_roundtrip=1234.5 runs=... */
#include "bench_util.h"
#include "core/chan.h"

typedef struct {
    rt_t *rt;
    chan_t *ping, *pong;
} pingpong_t;

static void ponger(void *arg)
{
    pingpong_t *pp = arg;
    for (;;) {
        int64_t v;
        bool ok;
        int err = chan_recv(pp->ping, &v, &ok);
        if (err) {
            bench_halt(pp->rt, "ponger: receive from ping", err);
            return;
        }
        if (!ok)
            return;
        err = chan_send(pp->pong, &v);
        if (err) {
            bench_halt(pp->rt, "ponger: send on pong", err);
            return;
        }
    }
}

/* The pinging half, run by main. Returns 0 or a negative error. */
static int ping_rounds(pingpong_t *pp, int64_t rounds)
{
    for (int64_t i = 0; i < rounds; i++) {
        int err = chan_send(pp->ping, &i);
        if (err)
            return err;
        int64_t v;
        bool ok;
        err = chan_recv(pp->pong, &v, &ok);
        if (err)
            return err;
        if (!ok || v != i) {
            fprintf(stderr, "pingpong: round %" PRId64 " got %" PRId64 " (ok=%d)\n", i, v, ok);
            return CORE_EINVAL;
        }
    }
    return chan_close(pp->ping);
}

/* One ping-pong session in a fresh runtime. Returns 0 and the elapsed time,
 * or a negative core error after printing why. */
static int run_once(int64_t rounds, uint64_t *elapsed_ns)
{
    rt_t *rt = rt_new("pingpong");
    int err = rt_enter(rt, "main");
    if (err) {
        bench_report_failure(rt, "rt_enter", err);
        rt_free(rt);
        return err;
    }
    pingpong_t pp = {
        .rt = rt,
        .ping = chan_new(rt, "ping", sizeof(int64_t), 0),
        .pong = chan_new(rt, "pong", sizeof(int64_t), 0),
    };
    gor_t *g = NULL;
    uint64_t t0 = bench_now_ns();
    err = rt_go(rt, &g, "ponger", ponger, &pp);
    if (!err)
        err = ping_rounds(&pp, rounds);
    *elapsed_ns = bench_now_ns() - t0;
    if (err) {
        /* Stop the ponger if it is still waiting on us, then report. */
        bench_halt(rt, "main", err);
        bench_report_failure(rt, "pingpong", err);
    }
    if (g)
        rt_join(g); /* ping is closed or the runtime halted: it is ending */
    chan_free(pp.ping);
    chan_free(pp.pong);
    rt_leave();
    rt_free(rt);
    return err;
}

int main(int argc, char **argv)
{
    int64_t rounds = 200000, repeat = 3;
    const bench_opt_t opts[] = {
        {"rounds", &rounds, 1, INT64_C(1) << 31, NULL, "round trips per run"},
        {"repeat", &repeat, 1, 1000, NULL, "runs; the median is reported"},
    };
    bench_parse(argc, argv, opts, (int)(sizeof opts / sizeof opts[0]));

    uint64_t *ns = calloc((size_t)repeat, sizeof *ns);
    double *lat = calloc((size_t)repeat, sizeof *lat);
    if (!ns || !lat) {
        perror("calloc");
        return BENCH_EXIT_FAIL;
    }
    for (int i = 0; i < repeat; i++) {
        if (run_once(rounds, &ns[i]) != 0)
            return BENCH_EXIT_FAIL;
        lat[i] = (double)ns[i] / (double)rounds;
    }
    double med_ns = bench_median(ns, (int)repeat);
    printf("pingpong lang=c rounds=%" PRId64 " repeat=%" PRId64 " ns_per_roundtrip=%.1f",
           rounds, repeat, med_ns / (double)rounds);
    bench_print_runs(lat, (int)repeat, "%.1f");
    putchar('\n');
    free(ns);
    free(lat);
    return 0;
}
