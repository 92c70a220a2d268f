/* pipeline.c - throughput of the classic Go worker pool on poolviz's core.
 *
 * The Go program it mirrors (bench/go/pipeline.go does exactly this):
 *
 *     jobs := make(chan int64, cap); results := make(chan int64, cap)
 *     var wg sync.WaitGroup
 *     wg.Add(workers)
 *     for w := 0; w < workers; w++ {
 *         go func() { defer wg.Done(); for j := range jobs { results <- j } }()
 *     }
 *     go func() { wg.Wait(); close(results) }()
 *     go func() { for i := 0; i < n; i++ { jobs <- i }; close(jobs) }()
 *     for r := range results { count++; sum += r }
 *
 * The jobs are no-ops on purpose: what is measured is the cost of moving a job
 * through two channels, i.e. the core's channel, parking and wake-up paths.
 * The clock runs from before the first goroutine starts to the moment main
 * sees `results` closed, so goroutine start-up is included, as in Go.
 *
 * Output, one line per configuration (medians over --repeat runs):
 *   pipeline lang=c workers=4 cap=100 jobs=2000000 observe=0 repeat=3
 *            jobs_per_sec=1234567 events=0 runs=...
 * `events` counts the observer's calls in the last run (0 without --observe):
 * a sanity check that the observer really was attached. */
#include <stdatomic.h>

#include "bench_util.h"
#include "core/chan.h"
#include "core/wg.h"

typedef struct {
    rt_t *rt;
    chan_t *jobs, *results;
    wg_t *wg;
    int64_t n_jobs;
} pipeline_t;

static void producer(void *arg)
{
    pipeline_t *p = arg;
    for (int64_t i = 0; i < p->n_jobs; i++) {
        int err = chan_send(p->jobs, &i);
        if (err) {
            bench_halt(p->rt, "producer: send on jobs", err);
            return;
        }
    }
    int err = chan_close(p->jobs);
    if (err)
        bench_halt(p->rt, "producer: close jobs", err);
}

static void worker(void *arg)
{
    pipeline_t *p = arg;
    for (;;) {
        int64_t job;
        bool ok;
        int err = chan_recv(p->jobs, &job, &ok);
        if (err) {
            bench_halt(p->rt, "worker: receive from jobs", err);
            break;
        }
        if (!ok)
            break;
        /* The no-op job: its result is its id, which lets main check that
         * every job came through exactly once. */
        err = chan_send(p->results, &job);
        if (err) {
            bench_halt(p->rt, "worker: send on results", err);
            break;
        }
    }
    /* Go's `defer wg.Done()`: also on failure, though after a halt the
     * closer is woken by the halt anyway. */
    int err = wg_done(p->wg);
    if (err)
        bench_halt(p->rt, "worker: wg done", err);
}

static void closer(void *arg)
{
    pipeline_t *p = arg;
    int err = wg_wait(p->wg);
    if (err) {
        bench_halt(p->rt, "closer: wg wait", err);
        return;
    }
    err = chan_close(p->results);
    if (err)
        bench_halt(p->rt, "closer: close results", err);
}

/* The trivial observer: it only counts, with a relaxed atomic so that the
 * cost measured is the core's cost of producing events, not of a lock in the
 * callback. */
static void count_event(void *ud, const event_t *ev)
{
    (void)ev;
    atomic_fetch_add_explicit((_Atomic uint64_t *)ud, 1, memory_order_relaxed);
}

typedef struct {
    int64_t jobs, workers, cap;
    bool observe;
} config_t;

/* One full pipeline in a fresh runtime. Returns 0 and the elapsed time, or a
 * negative core error after printing why. */
static int run_once(const config_t *cfg, uint64_t *elapsed_ns, uint64_t *events)
{
    _Atomic uint64_t n_events = 0;
    rt_t *rt = rt_new("pipeline");
    if (cfg->observe)
        rt_observe(rt, count_event, &n_events);
    int err = rt_enter(rt, "main");
    if (err) {
        bench_report_failure(rt, "rt_enter", err);
        rt_free(rt);
        return err;
    }
    pipeline_t p = {
        .rt = rt,
        .jobs = chan_new(rt, "jobs", sizeof(int64_t), (size_t)cfg->cap),
        .results = chan_new(rt, "results", sizeof(int64_t), (size_t)cfg->cap),
        .wg = wg_new(rt, "wg"),
        .n_jobs = cfg->jobs,
    };
    /* workers, then the closer, then the producer */
    int n_gors = (int)cfg->workers + 2, started = 0;
    gor_t **gors = calloc((size_t)n_gors, sizeof *gors);
    if (!gors) {
        perror("calloc");
        exit(BENCH_EXIT_FAIL);
    }

    uint64_t t0 = bench_now_ns();
    err = wg_add(p.wg, cfg->workers);
    for (; !err && started < n_gors; started++) {
        bool is_worker = started < cfg->workers;
        bool is_closer = started == cfg->workers;
        err = rt_go(rt, &gors[started], is_worker ? "worker" : is_closer ? "closer" : "producer",
                    is_worker ? worker : is_closer ? closer : producer, &p);
    }
    if (err) /* unblock whatever did start, so it can be joined */
        bench_halt(rt, "starting the pipeline", err);

    int64_t count = 0, sum = 0;
    while (!err) {
        int64_t r;
        bool ok;
        err = chan_recv(p.results, &r, &ok);
        if (err || !ok)
            break;
        count++;
        sum += r;
    }
    *elapsed_ns = bench_now_ns() - t0;

    /* Every goroutine has finished its work (results is closed) or is
     * unwinding from a halt, so joining from main cannot hang. */
    for (int i = 0; i < started; i++)
        rt_join(gors[i]);
    free(gors);

    if (err) {
        bench_report_failure(rt, "pipeline", err);
    } else if (count != cfg->jobs || sum != cfg->jobs * (cfg->jobs - 1) / 2) {
        fprintf(stderr, "pipeline: wrong results: %" PRId64 " results summing to %" PRId64
                        " for %" PRId64 " jobs\n", count, sum, cfg->jobs);
        err = CORE_EINVAL;
    }
    *events = atomic_load(&n_events);
    chan_free(p.jobs);
    chan_free(p.results);
    wg_free(p.wg);
    rt_leave();
    rt_free(rt);
    return err;
}

int main(int argc, char **argv)
{
    int64_t jobs = 2000000, workers = 4, cap = 100, repeat = 3;
    bool observe = false;
    const bench_opt_t opts[] = {
        {"jobs", &jobs, 1, INT64_C(1) << 31, NULL, "jobs sent through the pool"},
        {"workers", &workers, 1, 4096, NULL, "worker goroutines"},
        {"cap", &cap, 0, 1 << 24, NULL, "capacity of both channels (0: unbuffered)"},
        {"repeat", &repeat, 1, 1000, NULL, "runs; the median is reported"},
        {"observe", NULL, 0, 0, &observe, "attach a counting observer"},
    };
    bench_parse(argc, argv, opts, (int)(sizeof opts / sizeof opts[0]));

    config_t cfg = {jobs, workers, cap, observe};
    uint64_t *ns = calloc((size_t)repeat, sizeof *ns);
    double *rates = calloc((size_t)repeat, sizeof *rates);
    if (!ns || !rates) {
        perror("calloc");
        return BENCH_EXIT_FAIL;
    }
    uint64_t events = 0;
    for (int i = 0; i < repeat; i++) {
        if (run_once(&cfg, &ns[i], &events) != 0)
            return BENCH_EXIT_FAIL;
        rates[i] = (double)jobs * 1e9 / (double)ns[i];
    }
    double med_ns = bench_median(ns, (int)repeat);
    printf("pipeline lang=c workers=%" PRId64 " cap=%" PRId64 " jobs=%" PRId64
           " observe=%d repeat=%" PRId64 " jobs_per_sec=%.0f events=%" PRIu64,
           workers, cap, jobs, observe ? 1 : 0, repeat, (double)jobs * 1e9 / med_ns, events);
    bench_print_runs(rates, (int)repeat, "%.0f");
    putchar('\n');
    free(ns);
    free(rates);
    return 0;
}
