/* pool.h - the worker pool, written with the core's primitives exactly as
 * the Go idiom writes it: a jobs channel, workers that take jobs from it, a
 * results channel, a WaitGroup, a context. Every step is a pevent_t; a
 * collector thread folds them, in order, into a model_t and a bounded
 * history, and hands each to an optional sink (a view).
 *
 * The goroutines of a run: "main" (starts everything and collects results),
 * "producer" (sends the jobs, then closes the channel), "worker K", and with
 * the waitgroup strategy "closer" (waits on the WaitGroup, closes results).
 *
 * Thread-safety: controls (pause, speed, add worker, ...) may be called from
 * any thread while the run goes on; they never block on the run. */
#ifndef POOLVIZ_ENGINE_POOL_H
#define POOLVIZ_ENGINE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pevent.h"
#include "model/model.h"

#define POOL_MAX_WORKERS 1024
#define POOL_MAX_JOBS 10000000

typedef enum { JOB_SLEEP, JOB_SPIN, JOB_LINES } job_kind_t;
typedef enum { DUR_FIXED, DUR_UNIFORM, DUR_EXP } dur_kind_t;
typedef enum { COLLECT_COUNT, COLLECT_WAITGROUP } collect_t;
typedef enum { PRODUCER_UPFRONT, PRODUCER_DYNAMIC } producer_t;
typedef enum { WORKER_SELECT, WORKER_RANGE } worker_form_t;
typedef enum {
    MISTAKE_NONE,
    MISTAKE_FORGET_CLOSE,        /* the producer never closes jobs */
    MISTAKE_EARLY_CLOSE_RESULTS, /* main closes results while workers still work, then waits for them */
    MISTAKE_WAIT_BEFORE_DRAIN,   /* main waits on the WaitGroup before reading results */
    MISTAKE_SEND_BEFORE_START    /* main sends every job before starting any worker */
} mistake_t;

/* A job duration in virtual ns: fixed a; uniform between a and b; exponential
 * with mean a. */
typedef struct {
    dur_kind_t kind;
    int64_t a, b;
} duration_spec_t;

typedef struct {
    int workers;              /* 1..POOL_MAX_WORKERS */
    int64_t jobs;             /* 0..POOL_MAX_JOBS; for `lines`, -1 means one per file */
    job_kind_t kind;
    duration_spec_t duration; /* sleep and spin jobs */
    const char *dir;          /* lines jobs: the directory whose files are counted */
    int64_t jobs_cap;         /* 0 = unbuffered */
    int64_t results_cap;
    collect_t collect;
    producer_t producer;
    int64_t interval;         /* dynamic producer: virtual ns between jobs */
    int64_t timeout;          /* > 0: context.WithTimeout */
    int64_t cancel_after;     /* > 0: cancel() that long after the start */
    bool cancellable;         /* a context with cancel even without the two above */
    int64_t rate;             /* > 0: a ticker of this period paces the workers */
    double fail;              /* 0..1: the share of jobs that fail */
    uint64_t seed;
    double speed;             /* virtual clock speed */
    mistake_t mistake;
    worker_form_t worker_form;
    size_t history;           /* events kept for replay; 0 keeps none */
    bool start_paused;
    bool silent;              /* no events but the run's end, so no model or history to
                                 show: the baseline of what recording costs (bench/engine) */
} pool_config_t;

/* The defaults: 3 workers, 9 sleep jobs of 1 s, capacities 100, collect by
 * count, all jobs up front, speed 1, seed 1, history 1,000,000 events. */
void pool_config_default(pool_config_t *cfg);

typedef struct pool pool_t;
typedef void (*pool_sink_fn)(void *ud, const pevent_t *ev, const model_t *model);

/* Checks cfg and makes a run that has not started. On a bad configuration
 * returns NULL and writes one line saying why to err. */
pool_t *pool_new(const pool_config_t *cfg, char *err, size_t errlen);
/* The sink sees every event in order on the collector thread, after the
 * model has folded it, with the pool's lock held: it must not call
 * pool_lock(). Set before pool_start. */
void pool_set_sink(pool_t *p, pool_sink_fn fn, void *ud);
/* Starts the goroutines and the collector. Returns 0 or a CORE_E* code. */
int pool_start(pool_t *p);
/* Blocks until the run is over and every event has reached the sink. */
void pool_wait(pool_t *p);
bool pool_finished(pool_t *p);
/* Ends the run at once (halts its goroutines), waits, frees. Accepts NULL. */
void pool_free(pool_t *p);

/* Controls. Each returns 0, or a negative CORE_E* code when it cannot apply
 * (and then a PE_NOTE says why). */
void pool_pause(pool_t *p);
void pool_resume(pool_t *p);
bool pool_paused(pool_t *p);
/* Pauses the run when the virtual clock reaches `when` (pool_now() + d to
 * run for d). One such alarm at a time: a new call moves it. */
void pool_pause_at(pool_t *p, int64_t when);
/* The run's virtual time. */
int64_t pool_now(pool_t *p);
/* While paused: let exactly one more step of the run happen, then pause. */
void pool_step(pool_t *p);
int pool_set_speed(pool_t *p, double speed);
double pool_speed(pool_t *p);
int pool_add_worker(pool_t *p);
int pool_retire_worker(pool_t *p);
int pool_add_jobs(pool_t *p, int64_t n);
int pool_close_jobs(pool_t *p);
int pool_cancel(pool_t *p);
/* Halts the run (as a deadlock would), e.g. to restart or quit. */
void pool_abort(pool_t *p);
/* Why the last refused control was refused (the note it emitted), or
 * NOTE_COUNT if none was; known as soon as the control returns, before the
 * note is folded into the model. */
pool_note_t pool_refusal(pool_t *p);

/* The model and history are guarded by one lock: hold it while reading. */
void pool_lock(pool_t *p);
void pool_unlock(pool_t *p);
const model_t *pool_model(const pool_t *p);
size_t pool_history_len(const pool_t *p);
const pevent_t *pool_history_at(const pool_t *p, size_t i);
/* The model as it was before the first kept history event. */
const model_t *pool_history_base(const pool_t *p);

/* The file a lines job counts, or NULL for other kinds. */
const char *pool_job_path(const pool_t *p, int64_t job);
/* Go's panic or deadlock text when the run ended that way, else NULL. */
const char *pool_failure(const pool_t *p);
/* 0 for a clean run, 2 for a deadlock or panic. */
int pool_exit_status(const pool_t *p);

#endif
