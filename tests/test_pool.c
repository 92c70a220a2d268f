/* test_pool.c - the engine (engine/pool.h) on real runs: real pthreads, the
 * virtual clock at high speed, the model folded live by the collector.
 *
 * Each test configures a run, starts it with a recording sink, and asserts on
 * what the model (a snapshot taken on the test thread) and the sink saw. The
 * sink runs on the collector thread, so it only records, under a mutex, and
 * signals a condition variable; every assertion is made here, on the test's
 * own thread. Live changes happen at known points: either the run starts
 * paused, or the sink pauses it the moment a chosen event is folded (virtual
 * time then stands still, so no timer fires) and the test thread acts while
 * it waits. Durations are long in virtual time where the sink's reaction
 * must come before the next thing happens, so that margin is wide in real
 * time too, even under valgrind. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "engine/pevent.h"
#include "engine/pool.h"
#include "model/model.h"

#define REC_JOBS 1100 /* job ids the recorder keeps details of */

/* ---- what a test owns, freed by the teardown if an assertion cut it short ---- */

enum { MAX_OWNED = 16 };
static void *owned[3][MAX_OWNED]; /* pools, recorders, models */
enum { OWN_POOL, OWN_REC, OWN_MODEL };

static void own(int what, void *ptr)
{
    for (int i = 0; i < MAX_OWNED; i++)
        if (!owned[what][i]) {
            owned[what][i] = ptr;
            return;
        }
    fail_msg("a test owns too many things");
}

static void disown(int what, void *ptr)
{
    for (int i = 0; i < MAX_OWNED; i++)
        if (owned[what][i] == ptr)
            owned[what][i] = NULL;
}

/* ---- the recording sink ---- */

typedef struct {
    int kind;       /* pevent_kind_t to pause on, -1 never */
    int obj_role;   /* OR_JOBS or OR_RESULTS to require that object, -1 any */
    int64_t job;    /* 0 any */
    int nth;        /* pause on the nth matching event (from 1) */
} trigger_t;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pool_t *pool;

    uint64_t events;        /* seen by the sink */
    uint64_t next_seq;
    bool seq_ok;            /* seqs were 0, 1, 2, ... */
    int first_kind, last_kind;
    int kinds[PE_KIND_COUNT];
    bool ended;
    int outcome;
    bool model_paused;      /* the model's paused flag at the latest event */
    int64_t model_now;
    bool jobs_closed;

    trigger_t trig;
    int trig_seen;
    bool fired;

    int64_t sent_at[REC_JOBS];   /* virtual ns of the job's send on jobs */
    int64_t dur[REC_JOBS];       /* PE_JOB_START aux */
    int started[REC_JOBS];
    int results[REC_JOBS];       /* times its result was collected */
    int64_t value[REC_JOBS];
    int32_t err[REC_JOBS];
    int notes[NOTE_COUNT];
    int64_t note_aux[NOTE_COUNT];
    int64_t plan_jobs;
    int plan_workers;
    int64_t worker_exit_at[8];   /* by worker index, virtual ns; -1 not yet */
    int64_t worker_exit_done[8]; /* its jobs_done when it exited */
} rec_t;

static rec_t *rec_new(void)
{
    rec_t *r = calloc(1, sizeof *r);
    assert_non_null(r);
    assert_int_equal(pthread_mutex_init(&r->mu, NULL), 0);
    assert_int_equal(pthread_cond_init(&r->cv, NULL), 0);
    own(OWN_REC, r);
    r->seq_ok = true;
    r->first_kind = r->last_kind = -1;
    r->outcome = -1;
    r->trig.kind = -1;
    r->plan_workers = -1;
    r->plan_jobs = -1;
    for (int i = 0; i < 8; i++)
        r->worker_exit_at[i] = -1;
    return r;
}

static void rec_free(rec_t *r)
{
    disown(OWN_REC, r);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    free(r);
}

static bool in_jobs(int64_t job) { return job > 0 && job < REC_JOBS; }

static bool obj_is(const model_t *m, int obj, int role)
{
    return role < 0 || (role == OR_JOBS && obj == m->jobs_obj && obj != 0) ||
           (role == OR_RESULTS && obj == m->results_obj && obj != 0);
}

static void rec_sink(void *ud, const pevent_t *ev, const model_t *m)
{
    rec_t *r = ud;
    bool pause = false;
    pthread_mutex_lock(&r->mu);
    if (ev->seq != r->next_seq)
        r->seq_ok = false;
    r->next_seq = ev->seq + 1;
    if (r->events == 0)
        r->first_kind = ev->kind;
    r->last_kind = ev->kind;
    r->events++;
    if (ev->kind < PE_KIND_COUNT)
        r->kinds[ev->kind]++;
    r->model_paused = m->paused;
    r->model_now = m->now;
    switch ((pevent_kind_t)ev->kind) {
    case PE_SEND:
        if (obj_is(m, ev->obj, OR_JOBS) && in_jobs(ev->job))
            r->sent_at[ev->job] = ev->virt_ns;
        break;
    case PE_RECV:
        if (ev->ok && obj_is(m, ev->obj, OR_RESULTS) && in_jobs(ev->job)) {
            r->results[ev->job]++;
            r->value[ev->job] = ev->value;
            r->err[ev->job] = ev->err;
        }
        break;
    case PE_CLOSE:
        if (obj_is(m, ev->obj, OR_JOBS))
            r->jobs_closed = true;
        break;
    case PE_JOB_START:
        if (in_jobs(ev->job)) {
            r->dur[ev->job] = ev->aux;
            r->started[ev->job]++;
        }
        break;
    case PE_NOTE:
        if (ev->value >= 0 && ev->value < NOTE_COUNT) {
            r->notes[ev->value]++;
            r->note_aux[ev->value] = ev->aux;
        }
        break;
    case PE_PLAN:
        r->plan_jobs = ev->job;
        r->plan_workers = (int)ev->value;
        break;
    case PE_GOR_EXIT: {
        const model_actor_t *a = ev->actor < MODEL_MAX_ACTORS ? &m->actors[ev->actor] : NULL;
        if (a && a->known && a->role == ROLE_WORKER && a->index > 0 && a->index < 8) {
            r->worker_exit_at[a->index] = ev->virt_ns;
            r->worker_exit_done[a->index] = a->jobs_done;
        }
        break;
    }
    case PE_RUN_END:
        r->ended = true;
        r->outcome = ev->err;
        break;
    default:
        break;
    }
    if (!r->fired && (int)ev->kind == r->trig.kind && obj_is(m, ev->obj, r->trig.obj_role) &&
        (r->trig.job == 0 || ev->job == r->trig.job) && ++r->trig_seen >= r->trig.nth) {
        r->fired = true;
        pause = true;
    }
    pthread_mutex_unlock(&r->mu);
    /* Pausing publishes PE_PAUSE; the collector drains it next. */
    if (pause)
        pool_pause(r->pool);
    pthread_mutex_lock(&r->mu);
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

/* Pause the run the moment the nth event of kind (on obj_role, of job) is folded. */
static void rec_pause_on(rec_t *r, int kind, int obj_role, int64_t job, int nth)
{
    r->trig = (trigger_t){ .kind = kind, .obj_role = obj_role, .job = job, .nth = nth };
}

/* Waits until n events of kind were seen (or the run ended); true if seen. */
static bool rec_wait_kind(rec_t *r, int kind, int n)
{
    pthread_mutex_lock(&r->mu);
    while (r->kinds[kind] < n && !r->ended)
        pthread_cond_wait(&r->cv, &r->mu);
    bool seen = r->kinds[kind] >= n;
    pthread_mutex_unlock(&r->mu);
    return seen;
}

/* Waits until the trigger fired and the model shows the run paused. */
static bool rec_wait_fired(rec_t *r)
{
    pthread_mutex_lock(&r->mu);
    while (!(r->fired && r->model_paused) && !r->ended)
        pthread_cond_wait(&r->cv, &r->mu);
    bool ok = r->fired && r->model_paused;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

static bool rec_wait_events(rec_t *r, uint64_t n)
{
    pthread_mutex_lock(&r->mu);
    while (r->events < n && !r->ended)
        pthread_cond_wait(&r->cv, &r->mu);
    bool ok = r->events >= n;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

/* A field of the recorder, read under its lock. */
#define REC_GET(r, field) rec_get_i64(r, &(r)->field, sizeof((r)->field))
static int64_t rec_get_i64(rec_t *r, const void *field, size_t size)
{
    int64_t v = 0;
    pthread_mutex_lock(&r->mu);
    if (size == sizeof(int64_t))
        memcpy(&v, field, sizeof v);
    else if (size == sizeof(int))
        v = *(const int *)field;
    else if (size == sizeof(uint8_t))
        v = *(const uint8_t *)field;
    pthread_mutex_unlock(&r->mu);
    return v;
}

/* ---- runs ---- */

static pool_config_t cfg_fast(void)
{
    pool_config_t c;
    pool_config_default(&c);
    c.speed = FAST_SPEED;
    c.history = 20000;
    return c;
}

static pool_t *pool_make(const pool_config_t *cfg)
{
    char err[256] = "";
    pool_t *p = pool_new(cfg, err, sizeof err);
    if (!p)
        fail_msg("pool_new refused a good config: %s", err);
    own(OWN_POOL, p);
    return p;
}

static void pool_go(pool_t *p, rec_t *r)
{
    r->pool = p;
    pool_set_sink(p, rec_sink, r);
    assert_int_equal(pool_start(p), 0);
}

/* Runs cfg to its end; the caller frees both. */
static pool_t *run(const pool_config_t *cfg, rec_t **rp)
{
    pool_t *p = pool_make(cfg);
    rec_t *r = rec_new();
    pool_go(p, r);
    pool_wait(p);
    assert_true(pool_finished(p));
    *rp = r;
    return p;
}

/* An independent copy of the live model, so assertions hold no lock. */
static model_t *snap(pool_t *p)
{
    model_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    model_init(m);
    pool_lock(p);
    model_copy(m, pool_model(p));
    pool_unlock(p);
    own(OWN_MODEL, m);
    return m;
}

static model_t *model_new(void)
{
    model_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    model_init(m);
    own(OWN_MODEL, m);
    return m;
}

static void snap_free(model_t *m)
{
    disown(OWN_MODEL, m);
    model_done(m);
    free(m);
}

/* pool_free for a pool of pool_make. */
static void pool_drop(pool_t *p)
{
    disown(OWN_POOL, p);
    pool_free(p);
}

/* Per-test teardown: pools first (their sinks use the recorders). */
static int free_owned(void **state)
{
    (void)state;
    for (int w = OWN_POOL; w <= OWN_MODEL; w++)
        for (int i = 0; i < MAX_OWNED; i++) {
            void *ptr = owned[w][i];
            if (!ptr)
                continue;
            if (w == OWN_POOL)
                pool_drop(ptr);
            else if (w == OWN_REC)
                rec_free(ptr);
            else
                snap_free(ptr);
        }
    return 0;
}

static void done(pool_t *p, rec_t *r, model_t *m)
{
    pool_drop(p);
    if (r)
        rec_free(r);
    if (m)
        snap_free(m);
}

/* The accounting of model.h: every planned job is in exactly one place. */
static void assert_accounted(const model_t *m)
{
    assert_true(m->ended);
    int64_t sum = m->jobs_completed + m->jobs_failed + m->jobs_cancelled + m->results_lost + m->jobs_stuck +
                  model_jobs_queued(m) + model_jobs_never_sent(m);
    if (sum != m->jobs_planned)
        fail_msg("planned %lld != completed %lld + failed %lld + cancelled %lld + lost %lld + stuck %lld"
                 " + queued %lld + never sent %lld",
                 (long long)m->jobs_planned, (long long)m->jobs_completed, (long long)m->jobs_failed,
                 (long long)m->jobs_cancelled, (long long)m->results_lost, (long long)m->jobs_stuck,
                 (long long)model_jobs_queued(m), (long long)model_jobs_never_sent(m));
}

static void assert_near(double got, double want, double rel)
{
    if (fabs(got - want) > fabs(want) * rel)
        fail_msg("got %.6g, want %.6g within %.2g%%", got, want, rel * 100);
}

/* The actor of that role (and index, for workers), or NULL. */
static const model_actor_t *actor_with(const model_t *m, pool_role_t role, int index)
{
    for (int i = 0; i < m->n_actors; i++)
        if (m->actors[i].known && m->actors[i].role == role && m->actors[i].index == index)
            return &m->actors[i];
    return NULL;
}

static const model_actor_t *worker_of(const model_t *m, int index) { return actor_with(m, ROLE_WORKER, index); }

/* A clean run: every planned job collected exactly once, value 2 * id. */
static void assert_all_collected(const model_t *m, rec_t *r, int64_t n)
{
    assert_int_equal(m->outcome, OUTCOME_OK);
    assert_int_equal(m->jobs_planned, n);
    assert_int_equal(m->results_collected, n);
    assert_int_equal(m->jobs_completed + m->jobs_failed, n);
    for (int64_t j = 1; j <= n && j < REC_JOBS; j++) {
        if (r->results[j] != 1)
            fail_msg("job %lld collected %d times", (long long)j, r->results[j]);
    }
    assert_accounted(m);
}

/* ---- the model fold on live runs ---- */

static void test_live_model_matches_the_events(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);

    assert_true(r->seq_ok);
    assert_int_equal(r->first_kind, PE_RUN_START);
    assert_int_equal(r->last_kind, PE_RUN_END);
    assert_int_equal(r->events, m->events);
    assert_true(m->started && m->ended);
    assert_all_collected(m, r, 9);
    for (int64_t j = 1; j <= 9; j++) {
        assert_int_equal(r->value[j], 2 * j);
        assert_int_equal(r->started[j], 1);
    }
    assert_int_equal(m->jobs_sent, 9);
    assert_int_equal(m->jobs_taken, 9);
    assert_int_equal(m->wg_counter, 0);
    assert_int_equal(model_jobs_queued(m), 0);
    assert_int_equal(m->workers_planned, 3);
    int64_t done_sum = 0;
    for (int k = 1; k <= 3; k++) {
        const model_actor_t *w = worker_of(m, k);
        assert_non_null(w);
        assert_true(w->exited);
        assert_int_equal(w->state, WS_EXITED);
        assert_int_equal(w->job, 0);
        done_sum += w->jobs_done;
        assert_true(model_utilization(m, (int)(w - m->actors)) > 0.9);
    }
    assert_int_equal(done_sum, 9);
    assert_int_equal(m->recent_len, 9);
    assert_near(model_throughput(m), 3.0, 0.02); /* 9 results in 3 s */

    /* The whole history folded afresh is the live model. */
    pool_lock(p);
    size_t n = pool_history_len(p);
    model_t *again = model_new();
    for (size_t i = 0; i < n; i++)
        model_apply(again, pool_history_at(p, i));
    pool_unlock(p);
    assert_int_equal(n, m->events);
    assert_int_equal(again->events, m->events);
    assert_int_equal(again->now, m->now);
    assert_int_equal(again->jobs_completed, m->jobs_completed);
    assert_int_equal(again->results_collected, m->results_collected);
    assert_int_equal(again->n_actors, m->n_actors);
    assert_int_equal(again->last_result_at, m->last_result_at);
    snap_free(again);
    done(p, r, m);
}

/* ---- collection strategies ---- */

static void test_collect_count_gets_every_result(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.collect = COLLECT_COUNT;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 9);
    /* main counts to N: results is never closed, there is no closer */
    assert_false(m->objects[m->results_obj].closed);
    assert_null(actor_with(m, ROLE_CLOSER, 0));
    assert_int_equal(pool_exit_status(p), 0);
    assert_null(pool_failure(p));
    done(p, r, m);
}

static void test_collect_waitgroup_closes_results_after_the_workers(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.collect = COLLECT_WAITGROUP;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 9);
    assert_true(m->objects[m->results_obj].closed);
    assert_int_equal(m->wg_counter, 0);
    const model_actor_t *closer = actor_with(m, ROLE_CLOSER, 0);
    assert_non_null(closer);
    assert_true(closer->exited);
    assert_true(r->kinds[PE_WG_WAIT] >= 1);
    done(p, r, m);
}

/* A silent run (the benchmarks' baseline) does all the work of a recorded
 * one - every sleep is slept, in both worker forms - and makes no event but
 * its end. */
static void test_silent_run_works_without_events(void **state)
{
    (void)state;
    for (int form = WORKER_SELECT; form <= WORKER_RANGE; form++) {
        pool_config_t c = cfg_fast();
        c.worker_form = (worker_form_t)form;
        c.collect = form == WORKER_RANGE ? COLLECT_WAITGROUP : COLLECT_COUNT;
        c.silent = true;
        rec_t *r;
        pool_t *p = run(&c, &r);
        assert_int_equal(r->events, 1);
        assert_int_equal(r->last_kind, PE_RUN_END);
        assert_int_equal(r->outcome, OUTCOME_OK);
        assert_int_equal(pool_exit_status(p), 0);
        assert_int_equal(pool_history_len(p), 1);
        /* 9 jobs of 1 s on 3 workers: main returns at exactly 3 s. */
        assert_int_equal(pool_now(p), 3000000000);
        done(p, r, NULL);
    }
}

/* ---- producers ---- */

static void test_upfront_producer_sends_everything_at_once(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.producer = PRODUCER_UPFRONT;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 9);
    for (int j = 1; j <= 9; j++)
        if (r->sent_at[j] > 1 * MS)
            fail_msg("job %d sent at %lld ns, not at the start", j, (long long)r->sent_at[j]);
    done(p, r, m);
}

static void test_dynamic_producer_sends_one_per_interval(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.producer = PRODUCER_DYNAMIC;
    c.interval = 1 * SEC;
    c.jobs = 4;
    c.workers = 2;
    c.duration = (duration_spec_t){ DUR_FIXED, 500 * MS, 0 };
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 4);
    /* job j leaves at (j - 1) s, within 1% of the interval */
    for (int j = 1; j <= 4; j++)
        if (llabs(r->sent_at[j] - (j - 1) * SEC) > 10 * MS)
            fail_msg("job %d sent at %lld ns, want %lld", j, (long long)r->sent_at[j], (long long)((j - 1) * SEC));
    /* the last job leaves at 3 s and takes 0.5 s */
    assert_int_equal(m->ideal_makespan, 3500 * MS);
    assert_near((double)model_makespan(m), 3.5e9, 0.01);
    done(p, r, m);
}

/* ---- job kinds ---- */

static void test_spin_jobs_compute_and_report_progress(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.kind = JOB_SPIN;
    c.jobs = 4;
    c.workers = 2;
    c.duration = (duration_spec_t){ DUR_FIXED, 1 * SEC, 0 };
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 4);
    for (int j = 1; j <= 4; j++)
        assert_int_equal(r->value[j], 2 * j);
    assert_true(r->kinds[PE_JOB_PROGRESS] > 0);
    done(p, r, m);
}

typedef struct {
    char dir[512];
    char paths[8][600];
    int n;
} tmpdir_t;

static void tmp_file(tmpdir_t *t, const char *name, int lines)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", t->dir, name);
    memcpy(t->paths[t->n], path, sizeof path);
    FILE *f = fopen(t->paths[t->n], "w");
    assert_non_null(f);
    for (int i = 0; i < lines; i++)
        fprintf(f, "line %d of %s\n", i + 1, name);
    if (lines == 0)
        fputs("no newline here", f); /* text, but no line */
    assert_int_equal(fclose(f), 0);
    t->n++;
}

static void tmp_dir(tmpdir_t *t)
{
    memset(t, 0, sizeof *t);
    const char *base = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/test_pool.XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(t->dir));
}

static void tmp_dir_remove(tmpdir_t *t)
{
    for (int i = 0; i < t->n; i++)
        unlink(t->paths[i]);
    rmdir(t->dir);
}

static void test_lines_jobs_count_lines_and_a_missing_file_fails(void **state)
{
    (void)state;
    tmpdir_t t;
    tmp_dir(&t);
    /* sorted by name, file i is job i */
    tmp_file(&t, "a.txt", 0);
    tmp_file(&t, "b.txt", 3);
    tmp_file(&t, "c.txt", 10);
    tmp_file(&t, "d.txt", 1);
    tmp_file(&t, "e.txt", 7); /* removed after pool_new: missing when counted */
    bool as_root = geteuid() == 0;
    if (!as_root) {
        tmp_file(&t, "f.txt", 2); /* unreadable (root reads anything) */
        assert_int_equal(chmod(t.paths[5], 0), 0);
    }
    int64_t want[] = { 0, 0, 3, 10, 1, -1, -1 };
    pool_config_t c = cfg_fast();
    c.kind = JOB_LINES;
    c.dir = t.dir;
    c.jobs = -1;
    pool_t *p = pool_make(&c);
    assert_int_equal(unlink(t.paths[4]), 0);
    rec_t *r = rec_new();
    pool_go(p, r);
    pool_wait(p);
    model_t *m = snap(p);
    int n = as_root ? 5 : 6;
    assert_int_equal(m->jobs_planned, n);
    assert_int_equal(m->results_collected, n);
    for (int j = 1; j <= 4; j++) {
        assert_int_equal(r->err[j], 0);
        assert_int_equal(r->value[j], want[j]);
    }
    assert_int_equal(r->results[5], 1);
    assert_int_equal(r->err[5], ENOENT);
    if (!as_root) {
        assert_int_equal(r->results[6], 1);
        assert_int_equal(r->err[6], EACCES);
    }
    assert_int_equal(m->jobs_failed, n - 4);
    assert_int_equal(m->jobs_completed, 4);
    assert_int_equal(r->kinds[PE_JOB_FAIL], n - 4);
    assert_accounted(m);
    done(p, r, m);
    tmp_dir_remove(&t);
}

/* ---- durations and failures ---- */

static void test_fixed_durations_are_fixed(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.duration = (duration_spec_t){ DUR_FIXED, 20 * MS, 0 };
    c.jobs = 12;
    rec_t *r;
    pool_t *p = run(&c, &r);
    for (int j = 1; j <= 12; j++)
        assert_int_equal(r->dur[j], 20 * MS);
    done(p, r, NULL);
}

static void test_uniform_durations_spread_within_their_range(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.duration = (duration_spec_t){ DUR_UNIFORM, 10 * MS, 50 * MS };
    c.jobs = 40;
    c.workers = 4;
    rec_t *r;
    pool_t *p = run(&c, &r);
    int64_t lo = INT64_MAX, hi = 0;
    for (int j = 1; j <= 40; j++) {
        assert_true(r->dur[j] >= 10 * MS && r->dur[j] <= 50 * MS);
        lo = r->dur[j] < lo ? r->dur[j] : lo;
        hi = r->dur[j] > hi ? r->dur[j] : hi;
    }
    assert_true(hi - lo > 20 * MS); /* 40 draws cover most of the range */
    done(p, r, NULL);
}

static void test_exp_durations_have_their_mean(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.duration = (duration_spec_t){ DUR_EXP, 10 * MS, 0 };
    c.jobs = 200;
    c.workers = 4;
    rec_t *r;
    pool_t *p = run(&c, &r);
    double sum = 0;
    for (int j = 1; j <= 200; j++) {
        assert_true(r->dur[j] >= 0);
        sum += (double)r->dur[j];
    }
    assert_near(sum / 200, 10e6, 0.3);
    model_t *m = snap(p);
    assert_all_collected(m, r, 200);
    done(p, r, m);
}

/* Runs 40 exp jobs with failures; copies each job's duration and error. */
static void draws(uint64_t seed, int64_t *dur, int32_t *err)
{
    pool_config_t c = cfg_fast();
    c.duration = (duration_spec_t){ DUR_EXP, 10 * MS, 0 };
    c.jobs = 40;
    c.workers = 4;
    c.fail = 0.3;
    c.seed = seed;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 40);
    memcpy(dur, r->dur, 41 * sizeof *dur);
    memcpy(err, r->err, 41 * sizeof *err);
    done(p, r, m);
}

static void test_same_seed_same_durations_and_failures(void **state)
{
    (void)state;
    int64_t d1[41], d2[41], d3[41];
    int32_t e1[41], e2[41], e3[41];
    draws(7, d1, e1);
    draws(7, d2, e2);
    draws(8, d3, e3);
    assert_memory_equal(d1 + 1, d2 + 1, 40 * sizeof *d1);
    assert_memory_equal(e1 + 1, e2 + 1, 40 * sizeof *e1);
    int same_d = 0, same_e = 0, failed = 0;
    for (int j = 1; j <= 40; j++) {
        same_d += d1[j] == d3[j];
        same_e += e1[j] == e3[j];
        failed += e1[j] != 0;
    }
    assert_true(failed > 0 && failed < 40);
    assert_true(same_d < 40);
    assert_true(same_e < 40);
}

static void test_failures_are_counted_and_never_dropped(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.fail = 0.5;
    c.jobs = 200;
    c.workers = 8;
    c.duration = (duration_spec_t){ DUR_FIXED, 0, 0 };
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 200);
    int failed = 0;
    for (int j = 1; j <= 200; j++)
        failed += r->err[j] != 0;
    assert_int_equal(m->jobs_failed, failed);
    assert_int_equal(r->kinds[PE_JOB_FAIL], failed);
    assert_int_equal(m->jobs_completed, 200 - failed);
    assert_true(failed > 60 && failed < 140);
    int64_t by_workers = 0;
    for (int k = 1; k <= 8; k++)
        by_workers += worker_of(m, k)->jobs_failed;
    assert_int_equal(by_workers, failed);
    done(p, r, m);
}

/* ---- cancellation ---- */

/* 9 jobs of 1 s on 3 workers, the context ending at 2.5 s: 6 are done, the
 * 3 in the workers' hands are abandoned. */
static void test_cancel_after_accounts_for_every_job(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.cancel_after = 2500 * MS;
    c.jobs_cap = 2;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_accounted(m);
    assert_int_equal(m->outcome, OUTCOME_OK);
    assert_int_equal(m->ctx_state, CTX_STATE_CANCELED);
    assert_int_equal(m->jobs_completed, 6);
    assert_int_equal(m->jobs_cancelled + m->jobs_stuck, 3);
    assert_int_equal(r->kinds[PE_CANCEL], 1);
    done(p, r, m);
}

static void test_timeout_accounts_for_every_job(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.timeout = 2500 * MS;
    c.jobs_cap = 2;
    c.collect = COLLECT_WAITGROUP;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_accounted(m);
    assert_int_equal(m->outcome, OUTCOME_OK);
    assert_int_equal(m->ctx_state, CTX_STATE_DEADLINE);
    assert_int_equal(m->ctx_deadline, 2500 * MS); /* exact: the run's time starts at 0 */
    assert_int_equal(m->jobs_completed, 6);
    /* the ideal and the serial time are both the whole plan's */
    assert_int_equal(m->ideal_makespan, 3 * SEC);
    assert_int_equal(m->serial_time, 9 * SEC);
    /* main drains results to the end: the workers give up, nothing halts them */
    assert_int_equal(m->jobs_cancelled, 3);
    assert_int_equal(m->jobs_stuck, 0);
    done(p, r, m);
}

static void test_cancel_leaves_jobs_never_sent(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 20;
    c.workers = 2;
    c.jobs_cap = 0;
    c.cancel_after = 1500 * MS;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_accounted(m);
    assert_true(model_jobs_never_sent(m) > 0);
    assert_true(m->jobs_completed < 20);
    done(p, r, m);
}

/* ---- rate limiting ---- */

static int64_t rate_makespan(int workers)
{
    pool_config_t c = cfg_fast();
    c.jobs = 6;
    c.workers = workers;
    c.rate = 1 * SEC;
    c.duration = (duration_spec_t){ DUR_FIXED, 0, 0 };
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 6);
    assert_int_equal(m->ideal_makespan, 6 * SEC);
    assert_true(m->ticks >= 6);
    int64_t span = model_makespan(m);
    done(p, r, m);
    return span;
}

static void test_rate_limit_paces_jobs_whatever_the_workers(void **state)
{
    (void)state;
    assert_near((double)rate_makespan(1), 6e9, 0.02);
    assert_near((double)rate_makespan(4), 6e9, 0.02);
}

/* ---- live changes ---- */

static void test_add_jobs_while_paused_runs_them_too(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 3;
    c.start_paused = true;
    pool_t *p = pool_make(&c);
    rec_t *r = rec_new();
    pool_go(p, r);
    assert_true(pool_paused(p));
    /* main starts the workers and the producer, which then wait at the gate */
    assert_true(rec_wait_kind(r, PE_GOR_START, 5));
    assert_int_equal(pool_add_jobs(p, 2), 0);
    assert_int_equal(pool_add_jobs(p, 0), CORE_EINVAL);
    assert_true(rec_wait_kind(r, PE_PLAN, 1));
    assert_int_equal(REC_GET(r, plan_jobs), 5);
    pool_resume(p);
    pool_wait(p);
    model_t *m = snap(p);
    assert_all_collected(m, r, 5);
    assert_int_equal(m->ideal_makespan, 2 * SEC);
    done(p, r, m);
}

static void test_add_worker_while_paused_shortens_the_run(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 6;
    c.workers = 2;
    c.start_paused = true;
    pool_t *p = pool_make(&c);
    rec_t *r = rec_new();
    pool_go(p, r);
    assert_true(rec_wait_kind(r, PE_GOR_START, 4)); /* main, 2 workers, producer */
    assert_int_equal(pool_add_worker(p), 0);
    assert_true(rec_wait_kind(r, PE_PLAN, 1));
    assert_int_equal(REC_GET(r, plan_workers), 3);
    /* worker 3 is running (and waits at the gate) before the clock resumes */
    assert_true(rec_wait_kind(r, PE_GOR_START, 5));
    pool_resume(p);
    pool_wait(p);
    model_t *m = snap(p);
    assert_all_collected(m, r, 6);
    assert_int_equal(m->workers_planned, 3);
    assert_int_equal(m->ideal_makespan, 2 * SEC);
    assert_near((double)model_makespan(m), 2e9, 0.01); /* 3 s with 2 workers */
    assert_non_null(worker_of(m, 3));
    assert_true(worker_of(m, 3)->jobs_done >= 1);
    done(p, r, m);
}

/* A paused start is a known point too: controls issued at once, before main
 * has started the first workers, must still count them. */
static void test_controls_right_after_a_paused_start_count_the_first_workers(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 3;
    c.start_paused = true;
    pool_t *p = pool_make(&c);
    rec_t *r = rec_new();
    pool_go(p, r);
    int added_jobs = pool_add_jobs(p, 3);
    int added_worker = pool_add_worker(p);
    pool_resume(p);
    pool_wait(p);
    model_t *m = snap(p);
    assert_int_equal(added_jobs, 0);
    assert_int_equal(added_worker, 0);
    assert_int_equal(r->notes[NOTE_ALL_EXITED], 0);
    assert_all_collected(m, r, 6);
    assert_int_equal(m->workers_planned, 4);
    assert_int_equal(m->ideal_makespan, 2 * SEC); /* 6 jobs of 1 s on 4 workers */
    done(p, r, m);
}

/* Job 1 is done at 1 s, job 2 comes at 1000 s. Paused at 500 s on the
 * virtual clock (not from the sink, which runs some real time later: under
 * load, virtual seconds later), every worker waits in its select and the
 * jobs channel is empty, so a retired worker's select can only take its
 * quit case. Returns the pool, still paused, with the newest worker retired. */
static pool_t *retire_at_500s(int workers, rec_t **rp)
{
    pool_config_t c = cfg_fast();
    c.jobs = 2;
    c.workers = workers;
    c.producer = PRODUCER_DYNAMIC;
    c.interval = 1000 * SEC;
    rec_t *r = *rp = rec_new();
    pool_t *p = pool_make(&c);
    pool_pause_at(p, 500 * SEC);
    pool_go(p, r);
    assert_true(rec_wait_kind(r, PE_PAUSE, 1));
    assert_int_equal(REC_GET(r, results[1]), 1);
    assert_int_equal(pool_retire_worker(p), 0);
    assert_true(rec_wait_kind(r, PE_PLAN, 1));
    assert_int_equal(REC_GET(r, plan_workers), workers - 1);
    return p;
}

/* Waits until worker k has exited (or the run ended); its exit time. */
static int64_t await_worker_exit(rec_t *r, int k)
{
    pthread_mutex_lock(&r->mu);
    while (r->worker_exit_at[k] < 0 && !r->ended)
        pthread_cond_wait(&r->cv, &r->mu);
    int64_t exit_at = r->worker_exit_at[k];
    pthread_mutex_unlock(&r->mu);
    return exit_at;
}

/* The retired worker leaves while the run stands still, at 500 s exactly. */
static void test_retire_worker_leaves_at_its_next_select(void **state)
{
    (void)state;
    rec_t *r;
    pool_t *p = retire_at_500s(2, &r);
    assert_int_equal(await_worker_exit(r, 2), 500 * SEC);
    assert_int_equal(REC_GET(r, sent_at[2]), 0); /* not sent yet */
    /* then end the run without waiting for job 2 */
    pool_resume(p);
    assert_int_equal(pool_cancel(p), 0);
    pool_wait(p);
    model_t *m = snap(p);
    assert_accounted(m);
    assert_int_equal(m->workers_planned, 1);
    assert_int_equal(m->jobs_completed, 1);
    assert_int_equal(model_jobs_never_sent(m), 1);
    assert_true(worker_of(m, 2)->exited);
    assert_true(worker_of(m, 2)->jobs_done <= 1);
    done(p, r, m);
}

/* With every worker retired and gone, a new one is refused: the WaitGroup
 * may have let the closer close results under it. */
static void test_add_worker_after_all_exited_is_refused(void **state)
{
    (void)state;
    rec_t *r;
    pool_t *p = retire_at_500s(1, &r);
    assert_int_equal(await_worker_exit(r, 1), 500 * SEC);
    assert_int_equal(pool_add_worker(p), CORE_EINVAL);
    assert_true(rec_wait_kind(r, PE_NOTE, 1));
    assert_int_equal(REC_GET(r, notes[NOTE_ALL_EXITED]), 1);
    assert_int_equal(REC_GET(r, notes[NOTE_NO_WORKER]), 0);
    pool_resume(p);
    assert_int_equal(pool_cancel(p), 0);
    pool_wait(p);
    model_t *m = snap(p);
    assert_accounted(m);
    assert_int_equal(m->jobs_completed, 1);
    done(p, r, m);
}

static void test_retire_with_range_workers_is_refused(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.worker_form = WORKER_RANGE;
    c.start_paused = true;
    pool_t *p = pool_make(&c);
    rec_t *r = rec_new();
    pool_go(p, r);
    assert_int_equal(pool_refusal(p), NOTE_COUNT);
    /* Each refusal is known when the control returns, note folded or not. */
    assert_int_equal(pool_retire_worker(p), CORE_EINVAL);
    assert_int_equal(pool_refusal(p), NOTE_NO_QUIT);
    assert_int_equal(pool_cancel(p), CORE_EINVAL);
    assert_int_equal(pool_refusal(p), NOTE_NO_CONTEXT);
    assert_true(rec_wait_kind(r, PE_NOTE, 2));
    assert_int_equal(REC_GET(r, notes[NOTE_NO_QUIT]), 1);
    assert_int_equal(REC_GET(r, notes[NOTE_NO_WORKER]), 0);
    assert_int_equal(REC_GET(r, notes[NOTE_NO_CONTEXT]), 1);
    pool_resume(p);
    pool_wait(p);
    model_t *m = snap(p);
    assert_all_collected(m, r, 9); /* the refusals changed nothing */
    assert_int_equal(m->workers_planned, 3);
    done(p, r, m);
}

/* The producer sleeps 100 s between jobs; paused once job 3 is sent, close
 * jobs: the run ends with exactly the 3 jobs sent. */
static void test_close_jobs_stops_the_producer_after_what_it_sent(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 10;
    c.producer = PRODUCER_DYNAMIC;
    c.interval = 100 * SEC;
    c.duration = (duration_spec_t){ DUR_FIXED, 1 * SEC, 0 };
    rec_t *r = rec_new();
    pool_t *p = pool_make(&c);
    /* Jobs go out at 0, 100 and 200 s; pausing at exactly 200.5 s on the
     * virtual clock (not from the sink, which runs a little later in real
     * time) finds job 3 sent and running, and the producer asleep. */
    pool_pause_at(p, 200 * SEC + 500 * MS);
    pool_go(p, r);
    assert_true(rec_wait_kind(r, PE_PAUSE, 1));
    assert_int_equal(pool_close_jobs(p), 0);
    assert_true(rec_wait_kind(r, PE_PLAN, 1));
    assert_int_equal(REC_GET(r, plan_jobs), 3);
    pool_resume(p);
    pool_wait(p);
    model_t *m = snap(p);
    assert_all_collected(m, r, 3);
    assert_int_equal(m->jobs_sent, 3);
    /* main had its 3 results at 201 s and returned: no 4th job at 300 s */
    assert_true(model_makespan(m) < 300 * SEC);
    assert_int_equal(r->started[4], 0);
    done(p, r, m);
}

/* Once jobs is closed, adding or closing is refused with a note. */
static void test_controls_after_jobs_closed_are_refused(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 3;
    c.duration = (duration_spec_t){ DUR_FIXED, 1000 * SEC, 0 };
    rec_t *r = rec_new();
    rec_pause_on(r, PE_CLOSE, OR_JOBS, 0, 1);
    pool_t *p = pool_make(&c);
    pool_go(p, r);
    assert_true(rec_wait_fired(r));
    assert_int_equal(pool_add_jobs(p, 2), CORE_EINVAL);
    assert_int_equal(pool_refusal(p), NOTE_JOBS_CLOSED);
    assert_int_equal(pool_close_jobs(p), CORE_EINVAL);
    assert_true(rec_wait_kind(r, PE_NOTE, 2));
    assert_int_equal(REC_GET(r, notes[NOTE_JOBS_CLOSED]), 2);
    assert_int_equal(REC_GET(r, kinds[PE_PLAN]), 0);
    pool_drop(p); /* aborts the 1000 s jobs */
    assert_int_equal(r->outcome, OUTCOME_ABORTED);
    rec_free(r);
}

/* Cancelled while every worker is inside a 100 s job: nothing finishes,
 * every job is accounted as cancelled (or stuck, if main's return halted the
 * worker first). */
static void test_pool_cancel_abandons_running_jobs(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 5;
    c.workers = 2;
    c.duration = (duration_spec_t){ DUR_FIXED, 100 * SEC, 0 };
    rec_t *r = rec_new();
    rec_pause_on(r, PE_JOB_START, -1, 0, 2);
    pool_t *p = pool_make(&c);
    pool_go(p, r);
    assert_true(rec_wait_fired(r));
    assert_int_equal(pool_cancel(p), 0);
    pool_resume(p);
    pool_wait(p);
    model_t *m = snap(p);
    assert_accounted(m);
    assert_int_equal(m->outcome, OUTCOME_OK);
    assert_int_equal(m->ctx_state, CTX_STATE_CANCELED);
    assert_int_equal(m->jobs_completed + m->jobs_failed, 0);
    assert_int_equal(m->jobs_cancelled + m->jobs_stuck, 2);
    assert_true(m->now < 100 * SEC);
    done(p, r, m);
}

/* ---- the clock: pause, step, speed ---- */

static void test_pause_stops_virtual_time_and_jobs(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 3;
    c.duration = (duration_spec_t){ DUR_FIXED, 100 * SEC, 0 }; /* 100 ms real: the sink pauses well before */
    rec_t *r = rec_new();
    rec_pause_on(r, PE_JOB_START, -1, 0, 1);
    pool_t *p = pool_make(&c);
    pool_go(p, r);
    assert_true(rec_wait_fired(r));
    assert_true(pool_paused(p));
    int64_t now0 = REC_GET(r, model_now);
    /* Not a race fix: an absence is only seen over time. Unpaused, 50 ms
     * real is 50 virtual seconds: half a job. */
    struct timespec ts = { 0, 50 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    model_t *m = snap(p);
    assert_true(m->paused);
    assert_int_equal(m->now, now0);
    assert_int_equal(m->jobs_completed, 0);
    assert_int_equal(REC_GET(r, kinds[PE_JOB_FINISH]), 0);
    assert_false(pool_finished(p));
    snap_free(m);
    pool_resume(p);
    assert_false(pool_paused(p));
    pool_wait(p);
    m = snap(p);
    assert_false(m->paused);
    assert_all_collected(m, r, 3);
    /* pausing costs no virtual time */
    assert_near((double)model_makespan(m), 100e9, 0.01);
    done(p, r, m);
}

/* Pausing the pool freezes everything on the virtual clock at once: the
 * context's deadline, the rate limiter's ticker, and a spin job, which
 * stops at its next chunk (so at most the chunk in flight reports). */
static void test_pause_freezes_a_timeout_a_ticker_and_a_spin_job(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.kind = JOB_SPIN;
    c.workers = 1;
    c.jobs = 10;
    c.duration = (duration_spec_t){ DUR_FIXED, 1 * SEC, 0 };
    c.timeout = 5500 * MS;
    c.rate = 1 * SEC;
    c.speed = 100; /* 45 ms real before the deadline: the sink's pause comes well before */
    rec_t *r = rec_new();
    rec_pause_on(r, PE_JOB_START, -1, 0, 1); /* after the first tick, at 1 s */
    pool_t *p = pool_make(&c);
    pool_go(p, r);
    assert_true(rec_wait_fired(r));
    model_t *before = snap(p);
    int64_t progress = REC_GET(r, kinds[PE_JOB_PROGRESS]), finished = REC_GET(r, kinds[PE_JOB_FINISH]);
    /* Not a race fix: an absence is only seen over time. Unpaused, 100 ms
     * real is 10 virtual seconds: past the deadline, 10 ticks and jobs. */
    struct timespec ts = { 0, 100 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    model_t *after = snap(p);
    assert_true(after->paused);
    assert_int_equal(after->now, before->now);
    assert_true(after->now < c.timeout);
    assert_int_equal(after->ctx_state, CTX_STATE_ACTIVE);
    assert_int_equal(REC_GET(r, kinds[PE_CANCEL]), 0);
    assert_int_equal(after->ticks, before->ticks);
    assert_int_equal(after->ticks_dropped, before->ticks_dropped);
    assert_int_equal(REC_GET(r, kinds[PE_TICK]), before->ticks + before->ticks_dropped);
    assert_true(REC_GET(r, kinds[PE_JOB_PROGRESS]) <= progress + 1);
    assert_int_equal(REC_GET(r, kinds[PE_JOB_FINISH]), finished);
    snap_free(before);
    snap_free(after);
    pool_resume(p);
    pool_wait(p);
    model_t *m = snap(p);
    /* the deadline came at its virtual time, the pause cost none */
    assert_int_equal(m->ctx_state, CTX_STATE_DEADLINE);
    assert_int_equal(m->ctx_deadline, 5500 * MS);
    assert_true(m->jobs_completed <= 5); /* one job per tick */
    assert_accounted(m);
    done(p, r, m);
}

/* The most workers a pool takes: each of the 1024 does its share, and the
 * run keeps exact time. */
static void test_1024_workers_each_take_their_share(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.workers = POOL_MAX_WORKERS;
    c.jobs = 2 * POOL_MAX_WORKERS;
    c.history = 0;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, c.jobs);
    assert_int_equal(m->ideal_makespan, 2 * SEC);
    assert_near((double)model_makespan(m), 2e9, 0.01);
    int workers = 0;
    for (int i = 0; i < m->n_actors; i++) {
        const model_actor_t *a = &m->actors[i];
        if (!a->known || a->role != ROLE_WORKER)
            continue;
        workers++;
        assert_true(a->exited);
        assert_int_equal(a->jobs_done, 2); /* a worker sleeping on a job takes no other */
    }
    assert_int_equal(workers, POOL_MAX_WORKERS);
    done(p, r, m);
}

static void test_step_advances_one_step_then_pauses(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.jobs = 6;
    c.duration = (duration_spec_t){ DUR_FIXED, 100 * SEC, 0 }; /* 100 ms real: the sink pauses well before */
    rec_t *r = rec_new();
    rec_pause_on(r, PE_JOB_START, -1, 0, 1);
    pool_t *p = pool_make(&c);
    pool_go(p, r);
    assert_true(rec_wait_fired(r));
    /* Step until the first job finishes at 100 s: the jobs are sleeping on the
     * clock, and only a step lets it run. */
    int steps = 0;
    while (REC_GET(r, kinds[PE_JOB_FINISH]) == 0) {
        assert_true(steps++ < 200);
        uint64_t before = (uint64_t)REC_GET(r, events);
        pool_step(p);
        assert_true(rec_wait_events(r, before + 1));
        assert_true(pool_paused(p));
    }
    /* Goroutines wait at the gate again: no job after the first three starts. */
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    model_t *m = snap(p);
    assert_true(pool_paused(p));
    assert_true(m->paused);
    assert_true(m->now >= 100 * SEC && m->now < 200 * SEC);
    assert_true(REC_GET(r, kinds[PE_JOB_START]) <= 3);
    assert_true(REC_GET(r, kinds[PE_JOB_FINISH]) <= 3);
    snap_free(m);
    pool_resume(p);
    pool_wait(p);
    m = snap(p);
    assert_all_collected(m, r, 6);
    assert_near((double)model_makespan(m), 200e9, 0.01);
    done(p, r, m);
}

static void test_speed_change_mid_run_keeps_virtual_time(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    rec_t *r = rec_new();
    rec_pause_on(r, PE_JOB_START, -1, 0, 1);
    pool_t *p = pool_make(&c);
    pool_go(p, r);
    assert_true(rec_wait_fired(r));
    assert_int_equal(pool_set_speed(p, 0), CORE_EINVAL);
    assert_int_equal(pool_set_speed(p, 5000), CORE_EINVAL);
    assert_near(pool_speed(p), 1000, 1e-9);
    assert_int_equal(pool_set_speed(p, 250), 0);
    assert_near(pool_speed(p), 250, 1e-9);
    pool_resume(p);
    pool_wait(p);
    model_t *m = snap(p);
    assert_all_collected(m, r, 9);
    assert_near(m->speed, 250, 1e-9);
    assert_int_equal(r->kinds[PE_SPEED], 2); /* the start's, and the change */
    assert_near((double)model_makespan(m), 3e9, 0.01);
    done(p, r, m);
}

/* ---- mistakes: deadlocks and panics ---- */

static pool_t *run_mistake(pool_config_t *c, rec_t **r, pool_outcome_t want)
{
    pool_t *p = run(c, r);
    model_t *m = snap(p);
    assert_int_equal(m->outcome, want);
    assert_int_equal((*r)->outcome, want);
    assert_accounted(m);
    snap_free(m);
    return p;
}

static void test_forget_close_with_waitgroup_deadlocks(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.mistake = MISTAKE_FORGET_CLOSE;
    c.collect = COLLECT_WAITGROUP;
    rec_t *r;
    pool_t *p = run_mistake(&c, &r, OUTCOME_DEADLOCK);
    assert_contains(pool_failure(p), "all goroutines are asleep - deadlock!");
    assert_contains(pool_failure(p), "worker 1 [select (jobs, ctx.Done(), quit 1)]");
    assert_contains(pool_failure(p), "closer [sync.WaitGroup.Wait");
    assert_int_equal(pool_exit_status(p), 2);
    assert_int_equal(r->kinds[PE_DEADLOCK], 1);
    done(p, r, NULL);
}

static void test_early_close_results_panics(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.mistake = MISTAKE_EARLY_CLOSE_RESULTS;
    rec_t *r;
    pool_t *p = run_mistake(&c, &r, OUTCOME_PANIC);
    assert_contains(pool_failure(p), "send on closed channel");
    assert_int_equal(pool_exit_status(p), 2);
    assert_int_equal(r->kinds[PE_PANIC], 1);
    done(p, r, NULL);
}

static void test_wait_before_drain_unbuffered_deadlocks(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.mistake = MISTAKE_WAIT_BEFORE_DRAIN;
    c.results_cap = 0;
    rec_t *r;
    pool_t *p = run_mistake(&c, &r, OUTCOME_DEADLOCK);
    assert_contains(pool_failure(p), "all goroutines are asleep - deadlock!");
    assert_contains(pool_failure(p), "main [sync.WaitGroup.Wait");
    assert_int_equal(pool_exit_status(p), 2);
    done(p, r, NULL);
}

static void test_send_before_start_deadlocks(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.mistake = MISTAKE_SEND_BEFORE_START;
    c.jobs_cap = 3;
    rec_t *r;
    pool_t *p = run_mistake(&c, &r, OUTCOME_DEADLOCK);
    assert_contains(pool_failure(p), "all goroutines are asleep - deadlock!");
    assert_contains(pool_failure(p), "main [select (jobs, ctx.Done())]");
    assert_int_equal(pool_exit_status(p), 2);
    model_t *m = snap(p);
    assert_int_equal(model_jobs_queued(m), 3);
    assert_int_equal(model_jobs_never_sent(m), 6);
    done(p, r, m);
}

static void test_forget_close_with_count_leaves_goroutines(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.mistake = MISTAKE_FORGET_CLOSE;
    c.collect = COLLECT_COUNT;
    rec_t *r;
    pool_t *p = run_mistake(&c, &r, OUTCOME_OK);
    assert_null(pool_failure(p));
    assert_int_equal(pool_exit_status(p), 0);
    assert_int_equal(r->notes[NOTE_GOROUTINES_LEFT], 1);
    assert_int_equal(r->note_aux[NOTE_GOROUTINES_LEFT], 3);
    model_t *m = snap(p);
    assert_all_collected(m, r, 9);
    assert_int_equal(m->last_note, NOTE_GOROUTINES_LEFT);
    assert_int_equal(m->last_note_aux, 3);
    done(p, r, m);
}

static void test_range_workers_forget_close_deadlocks(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.mistake = MISTAKE_FORGET_CLOSE;
    c.collect = COLLECT_WAITGROUP;
    c.worker_form = WORKER_RANGE;
    rec_t *r;
    pool_t *p = run_mistake(&c, &r, OUTCOME_DEADLOCK);
    assert_contains(pool_failure(p), "worker 1 [chan receive (jobs)]");
    assert_int_equal(pool_exit_status(p), 2);
    done(p, r, NULL);
}

static void test_range_workers_run_cleanly(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.worker_form = WORKER_RANGE;
    c.collect = COLLECT_WAITGROUP;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, 9);
    assert_int_equal(m->ctx_obj, 0); /* no context */
    assert_int_equal(pool_exit_status(p), 0);
    assert_near((double)model_makespan(m), 3e9, 0.01);
    done(p, r, m);
}

/* ---- exact timing ---- */

static void makespan_case(int64_t jobs, int workers, int64_t want)
{
    pool_config_t c = cfg_fast();
    c.jobs = jobs;
    c.workers = workers;
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *m = snap(p);
    assert_all_collected(m, r, jobs);
    assert_int_equal(m->ideal_makespan, want);
    assert_int_equal(m->serial_time, jobs * SEC);
    assert_near((double)model_makespan(m), (double)want, 0.01);
    done(p, r, m);
}

static void test_makespan_9_jobs_on_3_workers_is_3s(void **state)
{
    (void)state;
    makespan_case(9, 3, 3 * SEC);
}

static void test_makespan_5_jobs_on_3_workers_is_2s(void **state)
{
    (void)state;
    makespan_case(5, 3, 2 * SEC);
}

/* ---- history ---- */

static void test_history_is_bounded_and_replays_to_the_live_model(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.history = 100;
    c.jobs = 1000;
    c.workers = 4;
    c.duration = (duration_spec_t){ DUR_FIXED, 1 * MS, 0 };
    rec_t *r;
    pool_t *p = run(&c, &r);
    model_t *again = model_new();
    pool_lock(p);
    size_t len = pool_history_len(p);
    model_copy(again, pool_history_base(p));
    for (size_t i = 0; i < len; i++)
        model_apply(again, pool_history_at(p, i));
    bool last_is_end = len > 0 && pool_history_at(p, len - 1)->kind == PE_RUN_END;
    pool_unlock(p);
    model_t *m = snap(p);
    assert_int_equal(len, 100);
    assert_true(last_is_end);
    /* exact: every event the model folded is either kept or counted */
    assert_int_equal(m->history_trimmed, m->events - 100);
    assert_all_collected(m, r, 1000);
    assert_int_equal(again->jobs_completed, m->jobs_completed);
    assert_int_equal(again->results_collected, m->results_collected);
    assert_int_equal(again->wg_counter, m->wg_counter);
    assert_int_equal(again->now, m->now);
    assert_int_equal(again->events, m->events);
    snap_free(again);
    done(p, r, m);
}

/* ---- configuration, lifecycle ---- */

static void assert_rejected(pool_config_t c, const char *mentions)
{
    char err[256] = "";
    pool_t *p = pool_new(&c, err, sizeof err);
    if (p) {
        pool_free(p);
        fail_msg("a bad config (%s) was accepted", mentions);
    }
    assert_contains(err, mentions);
}

static void test_bad_configs_are_rejected_with_a_message(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.workers = 0;
    assert_rejected(c, "--workers");
    c = cfg_fast();
    c.workers = 2000;
    assert_rejected(c, "--workers");
    c = cfg_fast();
    c.jobs = -5;
    assert_rejected(c, "--jobs");
    c = cfg_fast();
    c.speed = 0;
    assert_rejected(c, "--speed");
    c = cfg_fast();
    c.fail = 2;
    assert_rejected(c, "--fail");
    c = cfg_fast();
    c.kind = JOB_LINES;
    c.dir = NULL;
    assert_rejected(c, "--dir");
    c = cfg_fast();
    c.worker_form = WORKER_RANGE;
    c.timeout = 1 * SEC;
    assert_rejected(c, "--worker-form");
    c = cfg_fast();
    c.kind = JOB_LINES;
    c.dir = "/nonexistent/poolviz-test-dir";
    assert_rejected(c, "/nonexistent/poolviz-test-dir");
    /* a good one passes, and an unstarted pool frees */
    c = cfg_fast();
    char err[256] = "";
    pool_t *p = pool_new(&c, err, sizeof err);
    assert_non_null(p);
    pool_free(p);
    pool_free(NULL);
}

static void test_pool_free_aborts_a_running_pool(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.duration = (duration_spec_t){ DUR_FIXED, 1000 * SEC, 0 }; /* 1 s real each */
    pool_t *p = pool_make(&c);
    rec_t *r = rec_new();
    pool_go(p, r);
    assert_true(rec_wait_kind(r, PE_JOB_START, 3));
    int64_t t0 = real_now();
    pool_drop(p);
    int64_t took = real_now() - t0;
    assert_true(r->ended);
    assert_int_equal(r->outcome, OUTCOME_ABORTED);
    assert_int_equal(r->last_kind, PE_RUN_END);
    assert_true(took < 900 * MS); /* the jobs would have taken 3 s */
    rec_free(r);
}

static void test_abort_accounts_for_every_job(void **state)
{
    (void)state;
    pool_config_t c = cfg_fast();
    c.duration = (duration_spec_t){ DUR_FIXED, 100 * SEC, 0 };
    rec_t *r = rec_new();
    rec_pause_on(r, PE_JOB_START, -1, 0, 3);
    pool_t *p = pool_make(&c);
    pool_go(p, r);
    assert_true(rec_wait_fired(r));
    pool_abort(p);
    pool_wait(p);
    model_t *m = snap(p);
    assert_int_equal(m->outcome, OUTCOME_ABORTED);
    assert_accounted(m);
    assert_int_equal(m->jobs_completed, 0);
    assert_int_equal(m->jobs_stuck + m->jobs_cancelled, 3);
    assert_int_equal(model_jobs_queued(m), 6);
    assert_int_equal(pool_exit_status(p), 0);
    assert_null(pool_failure(p));
    done(p, r, m);
}

static void test_zero_jobs_run_ends_cleanly(void **state)
{
    (void)state;
    for (int collect = COLLECT_COUNT; collect <= COLLECT_WAITGROUP; collect++) {
        pool_config_t c = cfg_fast();
        c.jobs = 0;
        c.collect = (collect_t)collect;
        rec_t *r;
        pool_t *p = run(&c, &r);
        model_t *m = snap(p);
        assert_all_collected(m, r, 0);
        assert_int_equal(m->ideal_makespan, 0);
        assert_int_equal(m->jobs_sent, 0);
        assert_int_equal(r->kinds[PE_JOB_START], 0);
        assert_int_equal(m->first_job_start, -1);
        assert_int_equal(pool_exit_status(p), 0);
        done(p, r, m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_live_model_matches_the_events, free_owned),
        cmocka_unit_test_teardown(test_collect_count_gets_every_result, free_owned),
        cmocka_unit_test_teardown(test_collect_waitgroup_closes_results_after_the_workers, free_owned),
        cmocka_unit_test_teardown(test_silent_run_works_without_events, free_owned),
        cmocka_unit_test_teardown(test_upfront_producer_sends_everything_at_once, free_owned),
        cmocka_unit_test_teardown(test_dynamic_producer_sends_one_per_interval, free_owned),
        cmocka_unit_test_teardown(test_spin_jobs_compute_and_report_progress, free_owned),
        cmocka_unit_test_teardown(test_lines_jobs_count_lines_and_a_missing_file_fails, free_owned),
        cmocka_unit_test_teardown(test_fixed_durations_are_fixed, free_owned),
        cmocka_unit_test_teardown(test_uniform_durations_spread_within_their_range, free_owned),
        cmocka_unit_test_teardown(test_exp_durations_have_their_mean, free_owned),
        cmocka_unit_test_teardown(test_same_seed_same_durations_and_failures, free_owned),
        cmocka_unit_test_teardown(test_failures_are_counted_and_never_dropped, free_owned),
        cmocka_unit_test_teardown(test_cancel_after_accounts_for_every_job, free_owned),
        cmocka_unit_test_teardown(test_timeout_accounts_for_every_job, free_owned),
        cmocka_unit_test_teardown(test_cancel_leaves_jobs_never_sent, free_owned),
        cmocka_unit_test_teardown(test_rate_limit_paces_jobs_whatever_the_workers, free_owned),
        cmocka_unit_test_teardown(test_add_jobs_while_paused_runs_them_too, free_owned),
        cmocka_unit_test_teardown(test_add_worker_while_paused_shortens_the_run, free_owned),
        cmocka_unit_test_teardown(test_controls_right_after_a_paused_start_count_the_first_workers, free_owned),
        cmocka_unit_test_teardown(test_retire_worker_leaves_at_its_next_select, free_owned),
        cmocka_unit_test_teardown(test_add_worker_after_all_exited_is_refused, free_owned),
        cmocka_unit_test_teardown(test_retire_with_range_workers_is_refused, free_owned),
        cmocka_unit_test_teardown(test_close_jobs_stops_the_producer_after_what_it_sent, free_owned),
        cmocka_unit_test_teardown(test_controls_after_jobs_closed_are_refused, free_owned),
        cmocka_unit_test_teardown(test_pool_cancel_abandons_running_jobs, free_owned),
        cmocka_unit_test_teardown(test_pause_stops_virtual_time_and_jobs, free_owned),
        cmocka_unit_test_teardown(test_pause_freezes_a_timeout_a_ticker_and_a_spin_job, free_owned),
        cmocka_unit_test_teardown(test_1024_workers_each_take_their_share, free_owned),
        cmocka_unit_test_teardown(test_step_advances_one_step_then_pauses, free_owned),
        cmocka_unit_test_teardown(test_speed_change_mid_run_keeps_virtual_time, free_owned),
        cmocka_unit_test_teardown(test_forget_close_with_waitgroup_deadlocks, free_owned),
        cmocka_unit_test_teardown(test_early_close_results_panics, free_owned),
        cmocka_unit_test_teardown(test_wait_before_drain_unbuffered_deadlocks, free_owned),
        cmocka_unit_test_teardown(test_send_before_start_deadlocks, free_owned),
        cmocka_unit_test_teardown(test_forget_close_with_count_leaves_goroutines, free_owned),
        cmocka_unit_test_teardown(test_range_workers_forget_close_deadlocks, free_owned),
        cmocka_unit_test_teardown(test_range_workers_run_cleanly, free_owned),
        cmocka_unit_test_teardown(test_makespan_9_jobs_on_3_workers_is_3s, free_owned),
        cmocka_unit_test_teardown(test_makespan_5_jobs_on_3_workers_is_2s, free_owned),
        cmocka_unit_test_teardown(test_history_is_bounded_and_replays_to_the_live_model, free_owned),
        cmocka_unit_test_teardown(test_bad_configs_are_rejected_with_a_message, free_owned),
        cmocka_unit_test_teardown(test_pool_free_aborts_a_running_pool, free_owned),
        cmocka_unit_test_teardown(test_abort_accounts_for_every_job, free_owned),
        cmocka_unit_test_teardown(test_zero_jobs_run_ends_cleanly, free_owned),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
