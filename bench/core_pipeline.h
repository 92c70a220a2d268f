/* core_pipeline.h - the classic Go worker pool on the bare core, shared by
 * bench/pipeline.c (its throughput, next to Go) and bench/engine.c (the
 * baseline that the observed engine pool is compared with), so that both
 * measure exactly the same code path. The Go program it mirrors is in
 * pipeline.c's header comment and bench/go/pipeline.go.
 *
 * Header-only, like bench_util.h: each benchmark is a single-file program. */
#ifndef POOLVIZ_BENCH_CORE_PIPELINE_H
#define POOLVIZ_BENCH_CORE_PIPELINE_H

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

static inline void pipeline_producer(void *arg)
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

static inline void pipeline_worker(void *arg)
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

static inline void pipeline_closer(void *arg)
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
static inline void pipeline_count_event(void *ud, const event_t *ev)
{
    (void)ev;
    atomic_fetch_add_explicit((_Atomic uint64_t *)ud, 1, memory_order_relaxed);
}

typedef struct {
    int64_t jobs, workers, cap;
    bool observe;
} pipeline_config_t;

/* One full pipeline in a fresh runtime. Returns 0 and the elapsed time, or a
 * negative core error after printing why. */
static inline int pipeline_run_once(const pipeline_config_t *cfg, uint64_t *elapsed_ns, uint64_t *events)
{
    _Atomic uint64_t n_events = 0;
    rt_t *rt = rt_new("pipeline");
    if (cfg->observe)
        rt_observe(rt, pipeline_count_event, &n_events);
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
                    is_worker ? pipeline_worker : is_closer ? pipeline_closer : pipeline_producer, &p);
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

#endif
