/* run.h - drives a real pool through a lesson's steps, as the lesson's Go
 * `main` would, and judges its expectations against the model. Used
 * headless by `poolviz lesson --check` (check.c) and, step by step, by the
 * TUI: lesson_run_step() blocks until the step's actions are done, so a UI
 * calls it from a thread of its own and watches the pool (lesson_run_pool())
 * through its sink meanwhile. */
#ifndef POOLVIZ_LESSON_RUN_H
#define POOLVIZ_LESSON_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pool.h"
#include "lesson/lesson.h"

typedef struct lesson_run lesson_run_t;

typedef struct {
    /* Headless checking: sleep and lines runs go at top speed (their virtual
     * time is exact at any speed); spin runs keep the lesson's speed, since
     * CPU work takes real time and a faster clock would only coarsen it. */
    bool check;
    /* The directory a lesson's `dir=` is relative to (the lesson file's). */
    const char *basedir;
    /* Real seconds a `run` may take before the step fails; 0: 120. */
    double timeout;
    /* Called with every event after the runner's own sink (a view's). */
    pool_sink_fn sink;
    void *sink_ud;
    /* Answers an ask with a choice index; NULL answers right. */
    int (*answer)(void *ud, const lesson_ask_t *ask);
    void *answer_ud;
    /* A `pause` reached: called on the stepping thread with the run paused
     * (if one is under way); the step goes on from the next action once it
     * returns. NULL, as when checking: `pause` does nothing. */
    void (*pause)(void *ud, const lesson_action_t *a);
    void *pause_ud;
    /* Told each expectation's verdict; detail says "got ..." or why not. */
    void (*verdict)(void *ud, const lesson_action_t *a, bool ok, const char *detail);
    void *verdict_ud;
} lesson_run_opts_t;

lesson_run_t *lesson_run_new(const lesson_t *l, const lesson_run_opts_t *opts);
/* Runs step i's actions in order. Returns how many of its expectations and
 * actions failed (each reported through opts.verdict); 0 is a pass. */
int lesson_run_step(lesson_run_t *r, int i);
/* The current run, NULL before the first `start`. Changes at each start:
 * only the thread calling lesson_run_step() may use it unguarded. */
pool_t *lesson_run_pool(lesson_run_t *r);
/* For a view on another thread: the current run (or NULL), which stays
 * alive until lesson_run_release(); generation counts the runs started and
 * dropped, so a view knows when to forget what it showed. Hold briefly:
 * `start` waits for the release. Take pool_lock() only after this. */
pool_t *lesson_run_hold(lesson_run_t *r, uint64_t *generation);
void lesson_run_release(lesson_run_t *r);
/* From any thread: the step under way skips its remaining actions and stops
 * waiting for its run (which is paused), so lesson_run_step() returns soon.
 * Stays in force until lesson_run_reset(). */
void lesson_run_cancel(lesson_run_t *r);
/* On the stepping thread: ends the current run and forgets the configuration
 * and a cancel, as before step 1 (to replay the lesson from the start). */
void lesson_run_reset(lesson_run_t *r);
/* On the stepping thread: switches opts.check (top speed for sleep runs);
 * a run under way changes pace at once. A view fast-forwards through the
 * steps before the one it replays this way. */
void lesson_run_set_check(lesson_run_t *r, bool check);
/* Ends the current run and frees everything. Accepts NULL. */
void lesson_run_free(lesson_run_t *r);

/* What every field (below LF_WORKER_STATE) of m is now, for `P% of step N`:
 * the runner keeps one per step, taken when the step ends. */
void lesson_snapshot(const model_t *m, int64_t sum, int64_t values[LF_COUNT]);
/* c with its `P% of step N` made a plain bound by values (that step's
 * snapshot); c itself if it has none. */
lesson_cond_t lesson_cond_resolve(const lesson_cond_t *c, const int64_t values[LF_COUNT]);
/* Whether c holds in the run's model (call under pool_lock, or on the
 * collector thread). got receives the observed value, e.g. "8" or "1.2s". */
bool lesson_cond_holds(const lesson_t *l, const lesson_cond_t *c, pool_t *p, const model_t *m, int64_t sum,
                       char *got, size_t gotlen);
/* The divisor of a `VALUE/cores` bound: the online CPUs, at least 1. */
int lesson_cores(void);
/* For tests: pretend the machine has n cores (0: its own again). */
void lesson_set_cores(int n);
/* The condition as text, e.g. "results == 9", "makespan >= 400ms/cores
 * (200ms on 2 cores)". */
void lesson_cond_text(const lesson_t *l, const lesson_cond_t *c, char *buf, size_t len);
/* Applies one configure option to cfg; dir is resolved against basedir. */
void lesson_opt_apply(const lesson_opt_t *o, pool_config_t *cfg, const char *basedir, char **dir_owned);

#endif
