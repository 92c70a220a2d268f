/* run.c - a lesson's steps applied to a real pool (run.h).
 *
 * Each run starts paused at virtual time 0. `run for D` sets the pool's alarm
 * at now + D and resumes: the pause lands at exactly that virtual instant,
 * whatever the speed, so claims about mid-run states hold. `run until C`
 * resumes and lets the sink - which sees every event right after the model
 * folds it - stop the clock when C first holds, by an alarm at that very
 * virtual instant (it must not pause directly: see on_event). After either, the run is
 * let settle: steps already under way land in the model before anything is
 * judged. */
#include "lesson/run.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/options.h"
#include "core/xalloc.h"

struct lesson_run {
    const lesson_t *l;
    lesson_run_opts_t o;
    pool_config_t cfg;
    char *dir;
    pool_t *pool;
    bool started;       /* pool_start() called: deferred to the first run */
    int failures;
    double speed;       /* the lesson's clock speed: cfg's, then `speed X` */

    /* Held while `start` replaces the pool, so a view on another thread
     * (lesson_run_hold) never reads a pool being freed. */
    pthread_mutex_t pool_mu;
    uint64_t generation; /* runs started: a view resets when it changes */

    pthread_mutex_t mu; /* guards what the sink shares with the runner */
    pthread_cond_t cv;
    const lesson_cond_t *until;
    bool until_met, ended;
    bool cancelled;     /* lesson_run_cancel(): the step's actions are skipped */
    int64_t sum;        /* of the collected results' values, errors left out */
    lesson_cond_t until_plain; /* what `until` points at: the action's, resolved */

    /* What the fields were when each step ended (taken[i]), for the
     * conditions that compare with an earlier step. */
    int64_t (*ends)[LF_COUNT];
    bool *taken;
};

static void must(int rc)
{
    if (rc != 0)
        abort();
}

/* ---- the sink (collector thread) ---- */

static void on_event(void *ud, const pevent_t *ev, const model_t *m)
{
    lesson_run_t *r = ud;
    must(pthread_mutex_lock(&r->mu));
    bool wake = false;
    if (ev->kind == PE_RECV && ev->obj == m->results_obj && ev->ok && !ev->err)
        r->sum += ev->value;
    if (ev->kind == PE_RUN_END)
        wake = r->ended = true;
    else if (ev->kind == PE_PAUSE && ev->ok)
        wake = true;
    if (r->until && !r->until_met && lesson_cond_holds(r->l, r->until, r->pool, m, r->sum, NULL, 0)) {
        /* Stop the clock here and now. Not with pool_pause(): that publishes
         * on the bus this thread drains; the alarm's timer thread does it,
         * and the clock does not pass a due alarm. */
        pool_pause_at(r->pool, pool_now(r->pool));
        wake = r->until_met = true;
    }
    if (wake)
        must(pthread_cond_broadcast(&r->cv));
    must(pthread_mutex_unlock(&r->mu));
    if (r->o.sink)
        r->o.sink(r->o.sink_ud, ev, m);
}

/* ---- reports ---- */

static void report(lesson_run_t *r, const lesson_action_t *a, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(lesson_run_t *r, const lesson_action_t *a, bool ok, const char *fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (!ok)
        r->failures++;
    if (r->o.verdict)
        r->o.verdict(r->o.verdict_ud, a, ok, detail);
}

/* ---- configuration ---- */

void lesson_opt_apply(const lesson_opt_t *o, pool_config_t *cfg, const char *basedir, char **dir_owned)
{
    if (o->id == LO_DIR) { /* relative to the lesson file, not to the cwd */
        free(*dir_owned);
        *dir_owned = o->s[0] == '/' || !basedir ? xstrdup(o->s) : xasprintf("%s/%s", basedir, o->s);
        cfg->dir = *dir_owned;
    } else if (o->id == LO_JOBS && strcmp(o->s, "files") == 0) {
        cfg->jobs = -1; /* one job per file of dir */
    } else if (o->id == LO_WORKERS && strcmp(o->s, "cores") == 0) {
        int cores = lesson_cores();
        cfg->workers = cores < POOL_MAX_WORKERS ? cores : POOL_MAX_WORKERS;
    } else {
        /* Checked when the lesson was parsed, so it cannot fail here. */
        char why[256];
        (void)cli_set_run_option(lesson_opt_name(o->id), o->s, cfg, why, sizeof why);
    }
}

lesson_run_t *lesson_run_new(const lesson_t *l, const lesson_run_opts_t *opts)
{
    lesson_run_t *r = xcalloc(1, sizeof *r);
    r->l = l;
    r->o = *opts;
    if (r->o.timeout <= 0)
        r->o.timeout = 120;
    pool_config_default(&r->cfg);
    r->speed = r->cfg.speed;
    must(pthread_mutex_init(&r->mu, NULL));
    must(pthread_cond_init(&r->cv, NULL));
    must(pthread_mutex_init(&r->pool_mu, NULL));
    r->ends = xcalloc((size_t)(l->n_steps ? l->n_steps : 1), sizeof *r->ends);
    r->taken = xcalloc((size_t)(l->n_steps ? l->n_steps : 1), sizeof *r->taken);
    return r;
}

pool_t *lesson_run_pool(lesson_run_t *r) { return r->pool; }

pool_t *lesson_run_hold(lesson_run_t *r, uint64_t *generation)
{
    must(pthread_mutex_lock(&r->pool_mu));
    if (generation)
        *generation = r->generation;
    return r->pool;
}

void lesson_run_release(lesson_run_t *r) { must(pthread_mutex_unlock(&r->pool_mu)); }

/* Takes the pool away from views first, then frees it: freeing waits for
 * its threads, which a view must not wait behind. */
static void drop_pool(lesson_run_t *r)
{
    must(pthread_mutex_lock(&r->pool_mu));
    pool_t *old = r->pool;
    r->pool = NULL;
    r->generation++;
    must(pthread_mutex_unlock(&r->pool_mu));
    pool_free(old);
}

void lesson_run_cancel(lesson_run_t *r)
{
    must(pthread_mutex_lock(&r->mu));
    r->cancelled = true;
    must(pthread_cond_broadcast(&r->cv));
    must(pthread_mutex_unlock(&r->mu));
}

static bool cancelled(lesson_run_t *r)
{
    must(pthread_mutex_lock(&r->mu));
    bool c = r->cancelled;
    must(pthread_mutex_unlock(&r->mu));
    return c;
}

static bool run_ended(lesson_run_t *r)
{
    must(pthread_mutex_lock(&r->mu));
    bool ended = r->ended;
    must(pthread_mutex_unlock(&r->mu));
    return ended;
}

void lesson_run_reset(lesson_run_t *r)
{
    drop_pool(r);
    pool_config_default(&r->cfg);
    r->speed = r->cfg.speed;
    free(r->dir);
    r->dir = NULL;
    r->started = false;
    must(pthread_mutex_lock(&r->mu));
    r->cancelled = r->ended = r->until_met = false;
    r->until = NULL;
    r->sum = 0;
    must(pthread_mutex_unlock(&r->mu));
    memset(r->taken, 0, (size_t)r->l->n_steps * sizeof *r->taken);
}

void lesson_run_set_check(lesson_run_t *r, bool check)
{
    if (r->o.check == check)
        return; /* the pace stays as it is: a view's speed keys may have set it */
    r->o.check = check;
    /* A run under way changes pace with the mode: a run started fast by an
     * earlier step goes on at the lesson's speed. */
    must(pthread_mutex_lock(&r->pool_mu));
    if (r->pool && r->cfg.kind != JOB_SPIN)
        pool_set_speed(r->pool, check ? 1000 : r->speed);
    must(pthread_mutex_unlock(&r->pool_mu));
}

void lesson_run_free(lesson_run_t *r)
{
    if (!r)
        return;
    pool_free(r->pool);
    free(r->dir);
    free(r->ends);
    free(r->taken);
    must(pthread_mutex_destroy(&r->pool_mu));
    must(pthread_mutex_destroy(&r->mu));
    must(pthread_cond_destroy(&r->cv));
    free(r);
}

static bool fast(const lesson_run_t *r) { return r->o.check && r->cfg.kind != JOB_SPIN; }

static void start(lesson_run_t *r, const lesson_action_t *a)
{
    drop_pool(r); /* a new run replaces the last one */
    r->until = NULL;
    r->until_met = r->ended = false;
    r->sum = 0;
    r->started = false;
    r->speed = r->cfg.speed;
    pool_config_t cfg = r->cfg;
    if (fast(r))
        cfg.speed = 1000;
    char err[256] = "";
    pool_t *p = pool_new(&cfg, err, sizeof err);
    if (!p) {
        report(r, a, false, "start: %s", err);
        return;
    }
    pool_set_sink(p, on_event, r);
    must(pthread_mutex_lock(&r->pool_mu));
    r->pool = p;
    r->generation++;
    must(pthread_mutex_unlock(&r->pool_mu));
}

/* The pool starts with the first action that needs it, not at `start`:
 * expectations between the two see the run as configured and not yet
 * begun. It starts standing still at 0; a `run` resumes it. */
static bool ensure_started(lesson_run_t *r, const lesson_action_t *a)
{
    if (r->started)
        return true;
    r->started = true;
    pool_pause(r->pool);
    int rc = pool_start(r->pool);
    if (rc != 0)
        report(r, a, false, "start: the pool did not start (%d)", rc);
    return rc == 0;
}

/* ---- waiting for the run ---- */

static void deadline_in(struct timespec *ts, double seconds)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += (time_t)seconds;
    ts->tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

static void nap_ms(int ms)
{
    struct timespec ts = { 0, ms * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Lets steps under way land: until the run ended, or it is paused and its
 * model stopped changing. A run that a view set going again has nothing to
 * settle: it goes on. */
static void settle(lesson_run_t *r)
{
    uint64_t last = UINT64_MAX;
    int quiet = 0;
    while (quiet < 3 && pool_paused(r->pool)) {
        pool_lock(r->pool);
        const model_t *m = pool_model(r->pool);
        uint64_t events = m->events;
        bool done = m->ended, paused = m->paused;
        pool_unlock(r->pool);
        if (done)
            return;
        quiet = paused && events == last ? quiet + 1 : 0;
        last = events;
        nap_ms(5);
    }
}

/* Starts the run if need be and stops its clock (a view may have resumed
 * it), so that what a `run` sets up - an alarm, a condition - is in place
 * before run_while's resume lets time pass. An alarm set on a running clock
 * could ring before that resume (500 ms take half a real millisecond at
 * speed 1000), and the resume would then carry the run past it. */
static bool stand_still(lesson_run_t *r, const lesson_action_t *a)
{
    if (!ensure_started(r, a))
        return false;
    if (!run_ended(r))
        pool_pause(r->pool);
    return true;
}

/* Resumes the run (stand_still stopped it) and waits until `stop` says so
 * (under r->mu), the run ends, or time is up. False on a timeout. */
static bool run_while(lesson_run_t *r, bool (*stop)(lesson_run_t *, uint64_t), uint64_t arg)
{
    struct timespec until;
    deadline_in(&until, r->o.timeout);
    if (pool_paused(r->pool))
        pool_resume(r->pool);
    bool timed_out = false;
    must(pthread_mutex_lock(&r->mu));
    while (!r->ended && !r->cancelled && !stop(r, arg) && !timed_out)
        timed_out = pthread_cond_timedwait(&r->cv, &r->mu, &until) == ETIMEDOUT;
    bool ended = r->ended;
    must(pthread_mutex_unlock(&r->mu));
    if (!ended)
        pool_pause(r->pool);
    settle(r);
    return !timed_out;
}

static bool until_met(lesson_run_t *r, uint64_t unused)
{
    (void)unused;
    return r->until_met;
}

/* The pause alarm has gone off: the model shows the run paused. */
static bool alarm_rang(lesson_run_t *r, uint64_t when)
{
    return pool_paused(r->pool) && pool_now(r->pool) >= (int64_t)when;
}

/* Evaluates c now; got receives the observed value. */
static bool holds_now(lesson_run_t *r, const lesson_cond_t *c, char *got, size_t len)
{
    must(pthread_mutex_lock(&r->mu));
    int64_t sum = r->sum;
    must(pthread_mutex_unlock(&r->mu));
    pool_lock(r->pool);
    bool ok = lesson_cond_holds(r->l, c, r->pool, pool_model(r->pool), sum, got, len);
    pool_unlock(r->pool);
    return ok;
}

/* a's condition as judged (`P% of step N` made a value) and its text; false
 * (reported) when the step it compares with has not run. */
static bool judged_cond(lesson_run_t *r, const lesson_action_t *a, lesson_cond_t *plain, char *want, size_t len)
{
    const lesson_cond_t *c = &a->cond;
    lesson_cond_text(r->l, c, want, len);
    if (!c->of_step) {
        *plain = *c;
        return true;
    }
    if (!r->taken[c->of_step - 1]) {
        report(r, a, false, "%s: step %d has not run", want, c->of_step);
        return false;
    }
    *plain = lesson_cond_resolve(c, r->ends[c->of_step - 1]);
    char value[128];
    lesson_cond_text(r->l, plain, value, sizeof value);
    size_t n = strlen(want);
    snprintf(want + n, len - n, " (%s)", value);
    return true;
}

static void run_until(lesson_run_t *r, const lesson_action_t *a)
{
    char want[256], got[512];
    lesson_cond_t plain;
    if (!judged_cond(r, a, &plain, want, sizeof want))
        return;
    if (holds_now(r, &plain, got, sizeof got))
        return;
    must(pthread_mutex_lock(&r->mu));
    r->until_plain = plain;
    r->until = &r->until_plain;
    r->until_met = false;
    must(pthread_mutex_unlock(&r->mu));
    bool in_time = stand_still(r, a) && run_while(r, until_met, 0);
    /* Disarm the sink's alarm, which may not have rung if this thread
     * paused first: it would stop the next run at once. */
    pool_pause_at(r->pool, INT64_MAX);
    must(pthread_mutex_lock(&r->mu));
    r->until = NULL;
    must(pthread_mutex_unlock(&r->mu));
    if (holds_now(r, &plain, got, sizeof got))
        return;
    if (!in_time)
        report(r, a, false, "timed out waiting for %s (got %s)", want, got);
    else if (r->ended)
        report(r, a, false, "the run ended before %s (got %s)", want, got);
}

static void run_for(lesson_run_t *r, const lesson_action_t *a)
{
    if (run_ended(r) || !stand_still(r, a))
        return;
    int64_t now = pool_now(r->pool);
    int64_t when = a->n < INT64_MAX - now ? now + a->n : INT64_MAX - 1;
    pool_pause_at(r->pool, when);
    /* The sink wakes us on the pause event; the alarm's own check is the
     * clock, which the pause stops at exactly `when`. */
    if (!run_while(r, alarm_rang, (uint64_t)when))
        report(r, a, false, "timed out: the run did not reach its pause");
}

/* ---- live controls ---- */

/* The control was refused just now: the pool knows why at once, while the
 * run may go on (a view can have resumed it) and its note be folded later. */
static const char *refusal(lesson_run_t *r)
{
    pool_note_t note = pool_refusal(r->pool);
    return note < NOTE_COUNT ? pool_note_text(note) : "refused";
}

static void control(lesson_run_t *r, const lesson_action_t *a)
{
    int rc = 0;
    if (!ensure_started(r, a))
        return;
    const char *what = a->source;
    switch (a->kind) {
    case LA_ADD_WORKER: rc = pool_add_worker(r->pool); break;
    case LA_RETIRE_WORKER: rc = pool_retire_worker(r->pool); break;
    case LA_ADD_JOBS: rc = pool_add_jobs(r->pool, a->n); break;
    case LA_CLOSE_JOBS: rc = pool_close_jobs(r->pool); break;
    case LA_CANCEL: rc = pool_cancel(r->pool); break;
    case LA_SPEED:
        r->speed = a->speed;
        if (!fast(r))
            rc = pool_set_speed(r->pool, a->speed);
        break;
    default: break;
    }
    if (rc != 0)
        report(r, a, false, "%s: %s", what, refusal(r));
}

/* The learner's pause: the run stands still (it may have been resumed from
 * the view since the last `run`) while the caller waits for the learner. */
static void learner_pause(lesson_run_t *r, const lesson_action_t *a)
{
    if (!r->o.pause)
        return;
    if (r->pool && r->started && !run_ended(r)) {
        pool_pause(r->pool);
        settle(r);
    }
    r->o.pause(r->o.pause_ud, a);
}

int lesson_run_step(lesson_run_t *r, int i)
{
    r->failures = 0;
    if (i < 0 || i >= r->l->n_steps)
        return 0;
    const lesson_step_t *s = &r->l->steps[i];
    for (int k = 0; k < s->n_actions && !cancelled(r); k++) {
        const lesson_action_t *a = &s->actions[k];
        char want[256], got[512];
        if (a->kind == LA_CONFIGURE) {
            for (int j = 0; j < a->n_opts; j++)
                lesson_opt_apply(&a->opts[j], &r->cfg, r->o.basedir, &r->dir);
            continue;
        }
        if (a->kind == LA_START) {
            start(r, a);
            continue;
        }
        if (a->kind == LA_ASK) {
            if (r->o.answer)
                r->o.answer(r->o.answer_ud, &a->ask);
            continue;
        }
        if (a->kind == LA_PAUSE) {
            learner_pause(r, a);
            continue;
        }
        if (!r->pool) {
            report(r, a, false, "no run yet: `start` one first");
            continue;
        }
        switch (a->kind) {
        case LA_RUN_UNTIL: run_until(r, a); break;
        case LA_RUN_FOR: run_for(r, a); break;
        case LA_EXPECT: {
            lesson_cond_t plain;
            if (!judged_cond(r, a, &plain, want, sizeof want))
                break;
            if (holds_now(r, &plain, got, sizeof got))
                report(r, a, true, "%s", want);
            else
                report(r, a, false, "expected %s, got %s", want, got);
            break;
        }
        default: control(r, a); break;
        }
    }
    if (r->pool) {
        must(pthread_mutex_lock(&r->mu));
        int64_t sum = r->sum;
        must(pthread_mutex_unlock(&r->mu));
        pool_lock(r->pool);
        lesson_snapshot(pool_model(r->pool), sum, r->ends[i]);
        pool_unlock(r->pool);
        r->taken[i] = true;
    }
    return r->failures;
}
