/* bench_util.h - what the benchmark programs share: a monotonic clock, a tiny
 * "--name value" option parser, medians, and the error handling that turns a
 * failing core call into a clean stop.
 *
 * Header-only (static functions) because each benchmark is a single-file
 * program built by `make bench`; there is no benchmark library to link. */
#ifndef POOLVIZ_BENCH_UTIL_H
#define POOLVIZ_BENCH_UTIL_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/rt.h"

/* The bench programs' exit codes: a usage error is not a measurement. */
enum { BENCH_EXIT_FAIL = 1, BENCH_EXIT_USAGE = 2 };

/* CLOCK_MONOTONIC: wall time that NTP cannot step, which is what throughput
 * and latency are about (CPU time would hide time spent parked). */
static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("clock_gettime(CLOCK_MONOTONIC)");
        exit(BENCH_EXIT_FAIL);
    }
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One command-line option. With `flag` set it is a switch ("--observe");
 * otherwise it takes an integer in [min, max] ("--jobs 2000000" or
 * "--jobs=2000000"). */
typedef struct {
    const char *name; /* without the leading "--" */
    int64_t *value;
    int64_t min, max;
    bool *flag;
    const char *help;
} bench_opt_t;

static inline void bench_usage(FILE *to, const char *prog, const bench_opt_t *opts, int n)
{
    fprintf(to, "usage: %s", prog);
    for (int i = 0; i < n; i++)
        fprintf(to, opts[i].flag ? " [--%s]" : " [--%s N]", opts[i].name);
    fputc('\n', to);
    for (int i = 0; i < n; i++) {
        if (opts[i].flag)
            fprintf(to, "  --%-10s %s\n", opts[i].name, opts[i].help);
        else
            fprintf(to, "  --%-10s %s (default %" PRId64 ")\n", opts[i].name, opts[i].help,
                    *opts[i].value);
    }
}

static inline void bench_usage_error(const char *prog, const bench_opt_t *opts, int n,
                                     const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    bench_usage(stderr, prog, opts, n);
    exit(BENCH_EXIT_USAGE);
}

/* Parses argv into opts; exits with a usage message on anything unknown or
 * out of range, since a typo must not silently measure the defaults. */
static inline void bench_parse(int argc, char **argv, const bench_opt_t *opts, int n)
{
    const char *prog = argc > 0 ? argv[0] : "bench";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            bench_usage(stdout, prog, opts, n);
            exit(0);
        }
        if (strncmp(a, "--", 2) != 0)
            bench_usage_error(prog, opts, n, "unexpected argument '%s'", a);
        a += 2;
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const bench_opt_t *o = NULL;
        for (int k = 0; k < n && !o; k++)
            if (strlen(opts[k].name) == len && strncmp(opts[k].name, a, len) == 0)
                o = &opts[k];
        if (!o)
            bench_usage_error(prog, opts, n, "unknown option '%s'", argv[i]);
        if (o->flag) {
            if (eq)
                bench_usage_error(prog, opts, n, "option '%s' takes no value", argv[i]);
            *o->flag = true;
            continue;
        }
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!val)
            bench_usage_error(prog, opts, n, "option '%s' needs a value", argv[i]);
        char *end;
        errno = 0;
        long long v = strtoll(val, &end, 10);
        if (errno || end == val || *end || v < o->min || v > o->max)
            bench_usage_error(prog, opts, n, "bad value '%s'", val);
        *o->value = (int64_t)v;
    }
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The median of n > 0 samples (sorts them in place). The median rather than
 * the mean or the best: one run disturbed by another process must not move
 * the figure, and neither must one lucky run. */
static inline double bench_median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_u64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

/* Called by a goroutine whose core call failed: stops the whole runtime so
 * every other goroutine unwinds with an error instead of waiting forever for
 * the one that gave up, and main can join them and report. A halt code means
 * the runtime stopped already (its own message says why), so nothing is
 * added then. */
static inline void bench_halt(rt_t *rt, const char *what, int err)
{
    if (err == CORE_EDEADLOCK || err == CORE_EHALTED || rt_halted(rt))
        return;
    char msg[256];
    snprintf(msg, sizeof msg, "bench: %s: %s", what, core_strerror(err));
    rt_halt(rt, msg);
}

/* Prints why a run failed: the runtime's failure text when it halted (Go's
 * panic or deadlock report), else the error of the call itself. */
static inline void bench_report_failure(rt_t *rt, const char *what, int err)
{
    const char *why = rt ? rt_failure(rt) : NULL;
    fprintf(stderr, "%s failed: %s\n", what, core_strerror(err));
    if (why)
        fprintf(stderr, "runtime stopped: %s\n", why);
}

/* Prints " KEY=a,b,c" (per-run figures in run order), so a reader can see
 * the spread behind a median. */
static inline void bench_print_series(const char *key, const double *runs, int n, const char *fmt)
{
    printf(" %s=", key);
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(',', stdout);
        printf(fmt, runs[i]);
    }
}

/* The series of a program that measures one thing: " runs=a,b,c". */
static inline void bench_print_runs(const double *runs, int n, const char *fmt)
{
    bench_print_series("runs", runs, n, fmt);
}

#endif
