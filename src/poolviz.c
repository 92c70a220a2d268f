/* poolviz.c - the program. Until the TUI exists it runs a headless demo of
 * the core: Go's classic worker pool (3 workers ranging over a buffered jobs
 * channel, each job taking 1 s of virtual time, results collected by main). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chan.h"
#include "core/err.h"
#include "core/rt.h"
#include "core/vclock.h"

#define EXIT_USAGE 64 /* sysexits.h's EX_USAGE */
#define NWORKERS 3
#define NJOBS 9
#define JOB_NS INT64_C(1000000000)

static const char usage_line[] = "usage: poolviz [--speed X] [demo]";

struct demo {
    rt_t *rt;
    chan_t *jobs;
    chan_t *results;
};

struct worker {
    struct demo *demo;
    int id;
    gor_t *gor;
    int err; /* first core error this worker hit, read by main after join */
};

/* Go: for j := range jobs { work(j); results <- j * 2 } */
static void worker_run(void *arg)
{
    struct worker *w = arg;
    struct demo *d = w->demo;

    for (;;) {
        int job;
        bool ok;
        int rc = chan_recv(d->jobs, &job, &ok);
        if (rc == 0 && !ok)
            return; /* jobs closed and drained: the range loop ends */
        if (rc == 0) {
            printf("worker %d started job %d\n", w->id, job);
            rc = vclock_sleep(d->rt, JOB_NS);
        }
        if (rc == 0) {
            printf("worker %d finished job %d\n", w->id, job);
            int result = job * 2;
            rc = chan_send(d->results, &result);
        }
        if (rc != 0) {
            w->err = rc;
            return;
        }
    }
}

/* Runs the pool as main's goroutine. Returns 0 or a CORE_E* code. */
static int run_pool(struct demo *d, struct worker *workers)
{
    vclock_t *vc = rt_clock(d->rt);
    int64_t start = vclock_now(vc);
    int rc = 0;

    for (int i = 0; i < NWORKERS; i++) {
        char name[32];
        snprintf(name, sizeof name, "worker %d", i + 1);
        workers[i] = (struct worker){.demo = d, .id = i + 1};
        rc = rt_go(d->rt, &workers[i].gor, name, worker_run, &workers[i]);
        if (rc != 0)
            return rc;
    }
    for (int j = 1; j <= NJOBS && rc == 0; j++)
        rc = chan_send(d->jobs, &j);
    if (rc == 0)
        rc = chan_close(d->jobs);
    for (int j = 0; j < NJOBS && rc == 0; j++)
        rc = chan_recv(d->results, NULL, NULL);
    if (rc == 0) {
        double secs = (double)(vclock_now(vc) - start) / 1e9;
        printf("%d jobs on %d workers in %.2fs (serial: %.2fs)\n", NJOBS, NWORKERS, secs,
               (double)NJOBS * JOB_NS / 1e9);
    }
    return rc;
}

static int demo(double speed)
{
    struct demo d = {.rt = rt_new("poolviz")};
    struct worker workers[NWORKERS] = {0};
    int rc = vclock_set_speed(rt_clock(d.rt), speed);
    if (rc == 0)
        rc = rt_enter(d.rt, "main");
    if (rc == 0) {
        /* Buffered for every job, so main can queue them all up front. */
        d.jobs = chan_new(d.rt, "jobs", sizeof(int), NJOBS);
        d.results = chan_new(d.rt, "results", sizeof(int), NJOBS);
        rc = run_pool(&d, workers);
        /* Halting (a no-op if a panic or deadlock already did) wakes every
         * parked worker with an error, so the joins below cannot hang. */
        if (rc != 0)
            rt_halt(d.rt, core_strerror(rc));
        /* rt_join() is not a Go operation: wait as a plain thread. */
        rt_leave();
    }
    for (int i = 0; i < NWORKERS; i++) {
        if (workers[i].gor)
            rt_join(workers[i].gor);
        if (rc == 0 && workers[i].err != 0)
            rc = workers[i].err;
    }
    if (rc != 0) {
        const char *why = rt_failure(d.rt);
        fprintf(stderr, "poolviz: %s\n", why ? why : core_strerror(rc));
    }
    chan_free(d.jobs);
    chan_free(d.results);
    rt_free(d.rt);
    return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("poolviz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (%s)\n", usage_line);
    va_end(ap);
    return EXIT_USAGE;
}

static void help(void)
{
    printf("%s\n\n"
           "Shows Go's worker-pool pattern running on real threads.\n"
           "Commands:\n"
           "  demo          run 3 workers over 9 one-second jobs and print what\n"
           "                happens (the default)\n"
           "Options:\n"
           "  -s, --speed X virtual clock speed, %g to %.0f (default 1)\n"
           "  -h, --help    show this help\n"
           "  -V, --version show the version\n",
           usage_line, VCLOCK_MIN_SPEED, VCLOCK_MAX_SPEED);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"speed", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    double speed = 1.0;
    int opt;

    opterr = 0; /* getopt's own messages would make the error two lines */
    while ((opt = getopt_long(argc, argv, ":s:hV", longopts, NULL)) != -1) {
        switch (opt) {
        case 's': {
            char *end;
            errno = 0;
            speed = strtod(optarg, &end);
            if (errno || end == optarg || *end || !isfinite(speed) || speed < VCLOCK_MIN_SPEED ||
                speed > VCLOCK_MAX_SPEED)
                return usage_error("bad speed '%s': want a number from %g to %.0f", optarg,
                                   VCLOCK_MIN_SPEED, VCLOCK_MAX_SPEED);
            break;
        }
        case 'h':
            help();
            return EXIT_SUCCESS;
        case 'V':
            printf("%s\n", PACKAGE_STRING);
            return EXIT_SUCCESS;
        case ':':
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            if (optopt && strncmp(argv[optind - 1], "--", 2) != 0)
                return usage_error("unknown option '-%c'", optopt);
            return usage_error("bad option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc && strcmp(argv[optind], "demo") != 0)
        return usage_error("unknown command '%s'", argv[optind]);
    if (argc - optind > 1)
        return usage_error("unexpected argument '%s'", argv[optind + 1]);
    return demo(speed);
}
