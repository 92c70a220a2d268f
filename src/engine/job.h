/* job.h - internal: what a job is and how long it takes. Durations and
 * failures are drawn from the run's seed and the job's id alone, so a run is
 * reproducible whichever worker happens to take which job. */
#ifndef POOLVIZ_ENGINE_JOB_H
#define POOLVIZ_ENGINE_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/pool.h"

/* The element of the jobs channel. */
typedef struct {
    int64_t id;
    int64_t duration; /* virtual ns */
} job_t;

/* The element of the results channel. */
typedef struct {
    int64_t job;
    int64_t value;
    int32_t err;    /* 0, JOB_ESIMULATED, or an errno from a lines job */
    int32_t worker; /* index of the worker that made it */
} result_t;

#define JOB_ESIMULATED (-1)

int64_t job_duration(const pool_config_t *cfg, int64_t id);
bool job_fails(const pool_config_t *cfg, int64_t id);
/* The serial time of jobs 1..n: their durations summed (saturated), what
 * one worker would take; 0 for lines jobs, whose time is real. */
int64_t job_serial_time(const pool_config_t *cfg, int64_t n);
/* The makespan with no overhead: jobs 1..n taken in order by the first free
 * of `workers` workers, job i not before release(i). */
int64_t job_ideal_makespan(const pool_config_t *cfg, int64_t n, int workers);

/* CPU work: spin_iterations_per_ms() is measured once per process.
 * spin_work() returns its result so the compiler cannot drop the loop. */
double spin_iterations_per_ms(void);
uint64_t spin_work(uint64_t iterations, uint64_t seed);

/* Counts the lines of a file; returns 0 or an errno. */
int count_lines(const char *path, int64_t *lines);

#endif
