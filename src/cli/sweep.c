/* sweep.c - `poolviz sweep`: the same workload once per worker count, each
 * in a fresh pool, one after another, to show how far adding workers helps:
 * sleep (I/O-like) jobs keep scaling, CPU-bound spin jobs stop at the core
 * count. Prints a table row per run as it ends, then a bar chart of the
 * speedup; --csv prints CSV instead. Lines jobs do real work, so their
 * makespans are real time (virtual time does not measure them). */
#include "cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "cli/options.h"
#include "views/describe.h"

enum { BAR_WIDTH = 50 };

static void sweep_help(void)
{
    printf("usage: poolviz sweep --workers LIST [OPTIONS]\n\n"
           "Runs the same workload with each worker count of LIST (1..16, 1,2,4,8 or a\n"
           "mix: 1..4,8), one fresh pool after another, and prints the makespan, the\n"
           "speedup over 1 worker and the efficiency (speedup per worker). 1 worker is\n"
           "always measured, as the baseline. Try --kind spin against --kind sleep.\n"
           "Lines jobs are timed in real time. Runs are compared whole: --timeout,\n"
           "--cancel-after and --mistake are refused, as are --quiet and --history.\n\n"
           "Options:\n"
           "  -w, --workers LIST     the worker counts, at most 64\n"
           "      --csv              print CSV instead of a table and chart\n"
           "%s"
           "  -h, --help             show this help\n",
           /* the run options without --workers, whose meaning differs here */
           strchr(cli_run_options_help, '\n') + 1);
}

/* One run of cfg with w workers: its makespan (real time for real work).
 * Returns 0 or an exit status. */
static int measure(const pool_config_t *base, int w, int64_t *makespan)
{
    pool_config_t cfg = *base;
    cfg.workers = w;
    cfg.history = 0; /* nothing is replayed */
    char err[256];
    pool_t *p = pool_new(&cfg, err, sizeof err);
    if (!p)
        return cli_usage_error("%s", err);
    cli_stop_t stop = CLI_STOP_NONE;
    int status = cli_run_pool(p, &stop) != 0 ? 1 : 0;
    if (status == 0 && stop != CLI_STOP_NONE)
        status = CLI_EX_INTERRUPTED;
    if (status == 0 && pool_failure(p)) {
        fflush(stdout);
        fprintf(stderr, "poolviz: the run with %d workers failed:\n%s\n", w, pool_failure(p));
        status = pool_exit_status(p);
    }
    pool_lock(p);
    const model_t *m = pool_model(p);
    *makespan = m->real_time ? model_real_makespan(m) : model_makespan(m);
    pool_unlock(p);
    pool_free(p);
    return status;
}

static double ratio(int64_t a, int64_t b) { return b > 0 ? (double)a / (double)b : 0; }

/* real: the span is real time, which may be far below a second. */
static void row(bool csv, bool real, int w, int64_t span, int64_t base)
{
    double speedup = ratio(base, span);
    char shown[32];
    if (real)
        view_real_span(span, shown, sizeof shown);
    else
        snprintf(shown, sizeof shown, "%.2fs", view_seconds(span));
    if (csv)
        printf("%d,%.6f,%.4f,%.4f\n", w, view_seconds(span), speedup, speedup / w);
    else
        printf("%7d  %9s  %6.2fx  %9.0f%%\n", w, shown, speedup, 100 * speedup / w);
    fflush(stdout);
}

static void chart(const cli_output_t *out, const int64_t *spans, int64_t base)
{
    double top = 0;
    for (int i = 0; i < out->n_sweep_workers; i++)
        if (ratio(base, spans[i]) > top)
            top = ratio(base, spans[i]);
    if (top <= 0)
        return;
    printf("\nspeedup over 1 worker\n");
    for (int i = 0; i < out->n_sweep_workers; i++) {
        double s = ratio(base, spans[i]);
        int len = (int)(s / top * BAR_WIDTH + 0.5);
        char bar[BAR_WIDTH + 1];
        memset(bar, '#', (size_t)len);
        bar[len] = '\0';
        printf("%4d | %-*s %.2fx\n", out->sweep_workers[i], BAR_WIDTH, bar, s);
    }
}

int cmd_sweep(int argc, char **argv)
{
    pool_config_t cfg;
    cli_output_t out = { .sweep = true };
    char err[256];
    if (cli_parse_run_options(argc, argv, &cfg, &out, err, sizeof err) != 0)
        return cli_usage_error("%s", err);
    if (out.help) {
        sweep_help();
        return 0;
    }
    int64_t base = 0, spans[CLI_MAX_SWEEP];
    int status = 0;
    if (cfg.kind == JOB_SPIN || cfg.kind == JOB_LINES) {
        /* A warm-up run first, so one-time costs (the engine calibrating
         * its spin loop, first page faults, reading the files into the
         * page cache) are not charged to the 1-worker baseline and inflate
         * every speedup. */
        pool_config_t warm = cfg;
        if (cfg.kind == JOB_SPIN) {
            warm.jobs = 1;
            warm.duration = (duration_spec_t){ DUR_FIXED, 1000000, 0 };
        }
        status = measure(&warm, 1, &base);
    }
    if (status == 0)
        status = measure(&cfg, 1, &base);
    if (status != 0)
        return status;
    if (out.csv)
        printf("workers,makespan_s,speedup,efficiency\n");
    else
        printf("workers  makespan  speedup  efficiency\n");
    for (int i = 0; i < out.n_sweep_workers; i++) {
        int w = out.sweep_workers[i];
        spans[i] = base;
        if (w != 1 && (status = measure(&cfg, w, &spans[i])) != 0)
            return status;
        row(out.csv, cfg.kind == JOB_LINES, w, spans[i], base);
    }
    if (!out.csv)
        chart(&out, spans, base);
    return 0;
}
