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
 *   pipeline lang=c workers=4 cap=100 jobs=2000000 observe=0 hooks=1 repeat=3
 *            jobs_per_sec=1234567 events=0 runs=...
 * `events` counts the observer's calls in the last run (0 without --observe):
 * a sanity check that the observer really was attached.
 *
 * Built twice (bench/bench.am): bench/pipeline on the core as shipped, and
 * bench/pipeline-nohooks on a core compiled with POOLVIZ_NO_OBSERVE, whose
 * observation hooks are gone; `hooks=` in the line says which. Side by side,
 * with no observer attached, they show what the hooks cost. */
#include "core_pipeline.h"

#ifdef POOLVIZ_NO_OBSERVE
#define PIPELINE_HOOKS 0
#else
#define PIPELINE_HOOKS 1
#endif

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
    if (observe && !PIPELINE_HOOKS) {
        fprintf(stderr, "%s: --observe: this build has the observation hooks compiled out\n", argv[0]);
        return BENCH_EXIT_USAGE;
    }

    pipeline_config_t cfg = {jobs, workers, cap, observe};
    uint64_t *ns = calloc((size_t)repeat, sizeof *ns);
    double *rates = calloc((size_t)repeat, sizeof *rates);
    if (!ns || !rates) {
        perror("calloc");
        return BENCH_EXIT_FAIL;
    }
    uint64_t events = 0;
    for (int i = 0; i < repeat; i++) {
        if (pipeline_run_once(&cfg, &ns[i], &events) != 0)
            return BENCH_EXIT_FAIL;
        rates[i] = (double)jobs * 1e9 / (double)ns[i];
    }
    double med_ns = bench_median(ns, (int)repeat);
    printf("pipeline lang=c workers=%" PRId64 " cap=%" PRId64 " jobs=%" PRId64
           " observe=%d hooks=%d repeat=%" PRId64 " jobs_per_sec=%.0f events=%" PRIu64,
           workers, cap, jobs, observe ? 1 : 0, PIPELINE_HOOKS, repeat, (double)jobs * 1e9 / med_ns, events);
    bench_print_runs(rates, (int)repeat, "%.0f");
    putchar('\n');
    free(ns);
    free(rates);
    return 0;
}
