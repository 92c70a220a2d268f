/* stepper.c - a lesson's steps on a helper thread, shown by the UI thread
 * (stepper.h).
 *
 * Locks, always in this order: s->mu (the requests and the state the UI
 * copies), then the runner's own (lesson_run_cancel), then a pool's. The
 * helper holds no lock while a step runs; the UI holds s->mu only to copy
 * or ask. The pool is read through lesson_run_hold(), which keeps `start`
 * from freeing it under the UI. */
#include "tui/stepper.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "lesson/run.h"
#include "tui/term.h"

/* A learner may take as long as they like over a step: no timeout. */
#define NO_TIMEOUT (3600.0 * 24 * 365)

struct stepper {
    const lesson_t *l;
    char *basedir;
    lesson_run_t *run;
    pthread_t thread;
    bool thread_started;
    int pipe_fd[2];

    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* The UI's latest request; the helper serves one at a time and drops
     * what it was doing when a newer one comes. */
    uint64_t req_seq, taken_seq;
    int req_step;
    bool req_replay, quit;
    bool fast;               /* fast-forwarding: answer right, keep no verdicts */
    bool go_on;              /* the learner let a `pause` go */
    lesson_state_t st;       /* what the UI copies */

    /* UI thread only: the pool held between the source's lock and unlock. */
    pool_t *held;
    uint64_t held_gen;
    model_t *empty;          /* shown while there is no pool (before `start`) */
};

static void must(int rc)
{
    if (rc != 0)
        abort();
}

/* Wakes the UI; a full pipe already will. s->mu held. */
static void changed(stepper_t *s)
{
    char b = 1;
    ssize_t n = write(s->pipe_fd[1], &b, 1);
    (void)n;
    must(pthread_cond_broadcast(&s->cv));
}

/* ---- the runner's callbacks (helper thread) ---- */

static int on_answer(void *ud, const lesson_ask_t *ask)
{
    stepper_t *s = ud;
    must(pthread_mutex_lock(&s->mu));
    if (s->fast) {
        must(pthread_mutex_unlock(&s->mu));
        return ask->answer;
    }
    uint64_t mine = s->taken_seq;
    s->st.ask = ask;
    s->st.answer = -1;
    s->st.phase = LP_ASKING;
    changed(s);
    while (s->st.answer < 0 && s->req_seq == mine && !s->quit)
        must(pthread_cond_wait(&s->cv, &s->mu));
    int choice = s->st.answer >= 0 ? s->st.answer : ask->answer;
    if (s->req_seq == mine) {
        s->st.phase = LP_RUNNING;
        changed(s);
    }
    must(pthread_mutex_unlock(&s->mu));
    return choice;
}

/* Holds the step at its `pause` (the runner has paused the run) until the
 * learner presses n, or a newer request drops the step. Fast-forwarding
 * through earlier steps does not stop. */
static void on_pause(void *ud, const lesson_action_t *a)
{
    (void)a;
    stepper_t *s = ud;
    must(pthread_mutex_lock(&s->mu));
    if (s->fast) {
        must(pthread_mutex_unlock(&s->mu));
        return;
    }
    uint64_t mine = s->taken_seq;
    s->go_on = false;
    s->st.phase = LP_PAUSED;
    changed(s);
    while (!s->go_on && s->req_seq == mine && !s->quit)
        must(pthread_cond_wait(&s->cv, &s->mu));
    if (s->req_seq == mine) {
        s->st.phase = LP_RUNNING;
        changed(s);
    }
    must(pthread_mutex_unlock(&s->mu));
}

static void on_verdict(void *ud, const lesson_action_t *a, bool ok, const char *detail)
{
    (void)a;
    stepper_t *s = ud;
    must(pthread_mutex_lock(&s->mu));
    if (!s->fast) {
        if (ok) {
            s->st.held++;
        } else {
            if (s->st.failed < LESSON_MAX_FAILS)
                snprintf(s->st.fails[s->st.failed], sizeof s->st.fails[0], "%s (line %d)", detail, a->line);
            s->st.failed++;
        }
        changed(s);
    }
    must(pthread_mutex_unlock(&s->mu));
}

/* ---- the helper ---- */

/* Whether the request being served is still the latest. s->mu held. */
static bool current(const stepper_t *s, uint64_t seq) { return s->req_seq == seq && !s->quit; }

static void *helper(void *arg)
{
    stepper_t *s = arg;
    must(pthread_mutex_lock(&s->mu));
    for (;;) {
        while (!s->quit && s->req_seq == s->taken_seq)
            must(pthread_cond_wait(&s->cv, &s->mu));
        if (s->quit)
            break;
        uint64_t seq = s->taken_seq = s->req_seq;
        int target = s->req_step, from = target;
        bool replay = s->req_replay;
        must(pthread_mutex_unlock(&s->mu));
        if (replay) {
            /* Also lifts the cancel that stopped the step it replaces. */
            lesson_run_reset(s->run);
            from = 0;
        }
        must(pthread_mutex_lock(&s->mu));
        if (!current(s, seq))
            continue; /* a newer request came meanwhile (and may have cancelled this one) */
        s->st.step = target;
        s->st.ask = NULL;
        s->st.answer = -1;
        s->st.held = s->st.failed = 0;
        s->fast = from < target;
        s->st.phase = s->fast ? LP_FORWARD : LP_RUNNING;
        changed(s);
        for (int i = from; i < target && current(s, seq); i++) {
            must(pthread_mutex_unlock(&s->mu));
            lesson_run_set_check(s->run, true);
            lesson_run_step(s->run, i);
            must(pthread_mutex_lock(&s->mu));
        }
        if (!current(s, seq))
            continue;
        s->fast = false;
        s->st.phase = LP_RUNNING;
        changed(s);
        must(pthread_mutex_unlock(&s->mu));
        lesson_run_set_check(s->run, false);
        lesson_run_step(s->run, target);
        must(pthread_mutex_lock(&s->mu));
        if (current(s, seq)) {
            s->st.phase = LP_DONE;
            changed(s);
        }
    }
    must(pthread_mutex_unlock(&s->mu));
    return NULL;
}

/* ---- the UI's side ---- */

void stepper_request(stepper_t *s, int step, bool replay)
{
    if (step < 0 || step >= s->l->n_steps)
        return;
    must(pthread_mutex_lock(&s->mu));
    s->req_step = step;
    s->req_replay = replay;
    s->req_seq++;
    /* Under s->mu, so the helper cannot have reset the runner for this
     * request yet: the cancel hits only the step being replaced. */
    if (replay)
        lesson_run_cancel(s->run);
    /* The new request shows at once, before the helper takes it. */
    s->st.step = step;
    s->st.phase = replay && step > 0 ? LP_FORWARD : LP_RUNNING;
    s->st.ask = NULL;
    s->st.answer = -1;
    s->st.held = s->st.failed = 0;
    changed(s);
    must(pthread_mutex_unlock(&s->mu));
}

void stepper_answer(stepper_t *s, int choice)
{
    must(pthread_mutex_lock(&s->mu));
    if (s->st.phase == LP_ASKING && s->st.ask && choice >= 0 && choice < s->st.ask->n_choices) {
        s->st.answer = choice;
        changed(s);
    }
    must(pthread_mutex_unlock(&s->mu));
}

void stepper_go_on(stepper_t *s)
{
    must(pthread_mutex_lock(&s->mu));
    if (s->st.phase == LP_PAUSED) {
        s->go_on = true;
        changed(s);
    }
    must(pthread_mutex_unlock(&s->mu));
}

int stepper_fd(const stepper_t *s) { return s->pipe_fd[0]; }

void stepper_state(stepper_t *s, lesson_state_t *ls)
{
    char buf[64];
    while (read(s->pipe_fd[0], buf, sizeof buf) > 0) {
    }
    must(pthread_mutex_lock(&s->mu));
    bool pool_view = ls->pool_view;
    int scroll = ls->scroll;
    *ls = s->st;
    ls->pool_view = pool_view;
    ls->scroll = scroll;
    must(pthread_mutex_unlock(&s->mu));
}

stepper_t *stepper_new(const lesson_t *l, const char *basedir)
{
    stepper_t *s = xcalloc(1, sizeof *s);
    s->l = l;
    s->basedir = xstrdup(basedir);
    s->empty = xmalloc(sizeof *s->empty);
    model_init(s->empty);
    s->pipe_fd[0] = s->pipe_fd[1] = -1;
    must(pthread_mutex_init(&s->mu, NULL));
    must(pthread_cond_init(&s->cv, NULL));
    s->st = (lesson_state_t){.l = l, .step = -1, .phase = LP_INTRO, .answer = -1};
    lesson_run_opts_t o = {
        .basedir = s->basedir,
        .timeout = NO_TIMEOUT,
        .answer = on_answer,
        .answer_ud = s,
        .pause = on_pause,
        .pause_ud = s,
        .verdict = on_verdict,
        .verdict_ud = s,
    };
    s->run = lesson_run_new(l, &o);
    return s;
}

/* ---- the source: the current pool, whichever step started it ---- */

static int st_start(void *ud, char *err, size_t errlen)
{
    stepper_t *s = ud;
    if (pipe(s->pipe_fd) != 0) {
        snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(s->pipe_fd[i], F_SETFL, fcntl(s->pipe_fd[i], F_GETFL) | O_NONBLOCK);
        fcntl(s->pipe_fd[i], F_SETFD, FD_CLOEXEC);
    }
    /* The helper, and the pools it starts, inherit a mask without the
     * view's signals. */
    term_block_signals();
    int rc = pthread_create(&s->thread, NULL, helper, s);
    term_unblock_signals();
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the lesson's thread: %s", strerror(rc));
        return -1;
    }
    s->thread_started = true;
    return 0;
}

static void st_stop(void *ud)
{
    stepper_t *s = ud;
    if (s->thread_started) {
        must(pthread_mutex_lock(&s->mu));
        s->quit = true;
        lesson_run_cancel(s->run);
        must(pthread_cond_broadcast(&s->cv));
        must(pthread_mutex_unlock(&s->mu));
        must(pthread_join(s->thread, NULL));
    }
    lesson_run_free(s->run);
    for (int i = 0; i < 2; i++)
        if (s->pipe_fd[i] >= 0)
            close(s->pipe_fd[i]);
    must(pthread_mutex_destroy(&s->mu));
    must(pthread_cond_destroy(&s->cv));
    model_done(s->empty);
    free(s->empty);
    free(s->basedir);
    free(s);
}

static void st_lock(void *ud)
{
    stepper_t *s = ud;
    s->held = lesson_run_hold(s->run, &s->held_gen);
    if (s->held)
        pool_lock(s->held);
}

static void st_unlock(void *ud)
{
    stepper_t *s = ud;
    if (s->held)
        pool_unlock(s->held);
    s->held = NULL;
    lesson_run_release(s->run);
}

static const model_t *st_model(void *ud)
{
    stepper_t *s = ud;
    return s->held ? pool_model(s->held) : s->empty;
}

static size_t st_history_len(void *ud)
{
    stepper_t *s = ud;
    return s->held ? pool_history_len(s->held) : 0;
}

static const pevent_t *st_history_at(void *ud, size_t i) { return pool_history_at(((stepper_t *)ud)->held, i); }

static const model_t *st_history_base(void *ud)
{
    stepper_t *s = ud;
    return s->held ? pool_history_base(s->held) : s->empty;
}

static const char *st_failure(void *ud)
{
    stepper_t *s = ud;
    return s->held ? pool_failure(s->held) : NULL;
}

static uint64_t st_generation(void *ud) { return ((stepper_t *)ud)->held_gen; }

/* The clock's controls act on the current pool once it runs (a pool made
 * by `start` but not started yet has no clock to speak of). Called
 * unlocked; the pool is held only for the call. */
typedef enum { CLK_PAUSED, CLK_PAUSE, CLK_RESUME, CLK_STEP, CLK_SPEED, CLK_SET_SPEED } clock_op_t;

static double clock_op(stepper_t *s, clock_op_t op, double speed)
{
    double out = 1; /* before the run starts: paused, at speed 1 */
    pool_t *p = lesson_run_hold(s->run, NULL);
    bool running = false;
    if (p) {
        pool_lock(p);
        running = pool_model(p)->started;
        pool_unlock(p);
    }
    if (running) {
        switch (op) {
        case CLK_PAUSED: out = pool_paused(p); break;
        case CLK_PAUSE: pool_pause(p); break;
        case CLK_RESUME: pool_resume(p); break;
        case CLK_STEP: pool_step(p); break;
        case CLK_SPEED: out = pool_speed(p); break;
        case CLK_SET_SPEED: pool_set_speed(p, speed); break;
        }
    }
    lesson_run_release(s->run);
    return out;
}

static bool st_paused(void *ud) { return clock_op(ud, CLK_PAUSED, 0) != 0; }
static void st_pause(void *ud, bool paused) { clock_op(ud, paused ? CLK_PAUSE : CLK_RESUME, 0); }
static void st_step(void *ud) { clock_op(ud, CLK_STEP, 0); }
static double st_speed(void *ud) { return clock_op(ud, CLK_SPEED, 0); }
static void st_set_speed(void *ud, double speed) { clock_op(ud, CLK_SET_SPEED, speed); }

static const source_ops_t stepper_ops = {
    .kind = VIEW_LIVE,
    .start = st_start,
    .stop = st_stop,
    .lock = st_lock,
    .unlock = st_unlock,
    .model = st_model,
    .history_len = st_history_len,
    .history_at = st_history_at,
    .history_base = st_history_base,
    .failure = st_failure,
    .generation = st_generation,
    .paused = st_paused,
    .pause = st_pause,
    .step = st_step,
    .speed = st_speed,
    .set_speed = st_set_speed,
    /* No controls: the lesson's script changes the run (the view says so). */
};

source_t stepper_source(stepper_t *s) { return (source_t){.ops = &stepper_ops, .ud = s}; }
