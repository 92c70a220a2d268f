/* job.c - job durations, failures, the ideal makespan, and the real work of
 * spin and lines jobs. */
#include "engine/job.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/sys.h"
#include "core/xalloc.h"

/* splitmix64: a good 64-bit mix, so (seed, id, stream) -> independent draws. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

/* A uniform draw in [0, 1) for job id from one of several streams. */
static double draw(uint64_t seed, int64_t id, uint64_t stream)
{
    return (double)(mix(mix(seed ^ stream) + (uint64_t)id) >> 11) * 0x1.0p-53;
}

enum { STREAM_DURATION = 1, STREAM_FAILURE = 2 };

int64_t job_duration(const pool_config_t *cfg, int64_t id)
{
    const duration_spec_t *d = &cfg->duration;
    double u = draw(cfg->seed, id, STREAM_DURATION);
    switch (d->kind) {
    case DUR_UNIFORM:
        return d->a + (int64_t)(u * (double)(d->b - d->a));
    case DUR_EXP:
        return (int64_t)(-(double)d->a * log1p(-u));
    case DUR_FIXED:
        break;
    }
    return d->a;
}

bool job_fails(const pool_config_t *cfg, int64_t id)
{
    return cfg->fail > 0 && draw(cfg->seed, id, STREAM_FAILURE) < cfg->fail;
}

int64_t job_serial_time(const pool_config_t *cfg, int64_t n)
{
    if (n <= 0 || cfg->kind == JOB_LINES)
        return 0;
    int64_t sum = 0;
    if (cfg->duration.kind == DUR_FIXED)
        return __builtin_mul_overflow(n, cfg->duration.a, &sum) ? INT64_MAX : sum;
    for (int64_t i = 1; i <= n; i++)
        if (__builtin_add_overflow(sum, job_duration(cfg, i), &sum))
            return INT64_MAX;
    return sum;
}

/* The earliest virtual time job i may start: the producer's pace and the
 * rate limiter's ticks both hold jobs back. */
static int64_t release_time(const pool_config_t *cfg, int64_t i)
{
    int64_t t = 0;
    if (cfg->producer == PRODUCER_DYNAMIC)
        t = (i - 1) * cfg->interval;
    if (cfg->rate > 0 && i * cfg->rate > t)
        t = i * cfg->rate;
    return t;
}

/* Min-heap of worker free times. */
static void sift_down(int64_t *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && h[l] < h[m])
            m = l;
        if (r < n && h[r] < h[m])
            m = r;
        if (m == i)
            return;
        int64_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

int64_t job_ideal_makespan(const pool_config_t *cfg, int64_t n, int workers)
{
    if (n <= 0 || workers <= 0 || cfg->kind == JOB_LINES)
        return 0;
    if (cfg->kind == JOB_SPIN) {
        /* CPU-bound work cannot run on more cores than the machine has. */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        if (cores > 0 && workers > cores)
            workers = (int)cores;
    }
    bool closed_form = cfg->duration.kind == DUR_FIXED && release_time(cfg, n) == 0;
    if (closed_form)
        return (n + workers - 1) / workers * cfg->duration.a;
    int64_t *free_at = xcalloc((size_t)workers, sizeof *free_at);
    int64_t makespan = 0;
    for (int64_t i = 1; i <= n; i++) {
        int64_t start = free_at[0] > release_time(cfg, i) ? free_at[0] : release_time(cfg, i);
        free_at[0] = start + job_duration(cfg, i);
        if (free_at[0] > makespan)
            makespan = free_at[0];
        sift_down(free_at, workers, 0);
    }
    free(free_at);
    return makespan;
}

uint64_t spin_work(uint64_t iterations, uint64_t x)
{
    x |= 1;
    for (uint64_t i = 0; i < iterations; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static double calibrated;
static pthread_once_t calibrate_once = PTHREAD_ONCE_INIT;

/* The best of a few short runs: the fastest is the least disturbed. */
static void calibrate(void)
{
    uint64_t iterations = 1 << 20;
    double best = 0;
    for (int i = 0; i < 5; i++) {
        uint64_t t0 = sys_monotonic_ns();
        volatile uint64_t sink = spin_work(iterations, t0);
        (void)sink;
        uint64_t ns = sys_monotonic_ns() - t0;
        double per_ms = (double)iterations * 1e6 / (double)(ns ? ns : 1);
        if (per_ms > best)
            best = per_ms;
    }
    calibrated = best;
}

double spin_iterations_per_ms(void)
{
    pthread_once(&calibrate_once, calibrate);
    return calibrated;
}

int count_lines(const char *path, int64_t *lines)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    char buf[65536];
    int64_t n = 0;
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            close(fd);
            return err;
        }
        for (ssize_t i = 0; i < got; i++)
            n += buf[i] == '\n';
    }
    close(fd);
    *lines = n;
    return 0;
}
