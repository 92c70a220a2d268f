/* test_model.c - the model's fold (model.h) on hand-built event stories, and
 * the names of pevent.h. No runtime and no threads: each test tells a run as
 * the engine would emit it ("the producer sends job 1, worker 1 takes it,
 * works, delivers, main collects") and asserts what the model shows.
 *
 * Models are large (every actor and object slot is inline), so each story
 * lives on the heap. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "engine/pevent.h"
#include "model/model.h"

/* Actor ids, as the stories declare them; worker K has index K. */
enum { MAIN = 1, PRODUCER, CLOSER, W1, W2, W3 };
/* Object ids. */
enum { JOBS = 1, RESULTS, WG, CTX, TICKER };

#define WORKER(k) (W1 + (k) - 1)

/* ---- stories ---- */

typedef struct {
    model_t m;
    int64_t t; /* virtual ns of the next event */
    uint64_t seq;
} story_t;

typedef struct {
    int64_t jobs;
    int workers; /* 1..3 */
    int64_t jobs_cap, results_cap;
    int64_t ideal;
    int64_t deadline; /* 0: a context without one */
} plan_t;

static story_t *story_new(void)
{
    story_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    model_init(&s->m);
    return s;
}

static void story_free(story_t *s)
{
    model_done(&s->m);
    free(s);
}

static void at(story_t *s, int64_t t) { s->t = t; }

/* Folds ev, stamped with the story's clock and sequence. */
static void emit(story_t *s, pevent_t ev)
{
    ev.seq = s->seq++;
    ev.virt_ns = s->t;
    ev.real_ns = s->seq * 1000;
    model_apply(&s->m, &ev);
}

static void declare_actor(story_t *s, int id, pool_role_t role, int index)
{
    emit(s, (pevent_t){.kind = PE_ACTOR, .actor = (uint16_t)id, .value = role, .aux = index});
    emit(s, (pevent_t){.kind = PE_GOR_START, .actor = (uint16_t)id});
}

static void declare_object(story_t *s, int id, pool_obj_role_t role, int64_t aux, int64_t job)
{
    emit(s, (pevent_t){.kind = PE_OBJECT, .obj = (uint16_t)id, .value = role, .aux = aux, .job = job});
}

/* A run at virtual 0: main, producer, the workers, jobs, results, wg, ctx. */
static story_t *story_begin(plan_t p)
{
    story_t *s = story_new();
    emit(s, (pevent_t){.kind = PE_RUN_START, .job = p.jobs, .value = p.workers, .aux = p.ideal});
    declare_actor(s, MAIN, ROLE_MAIN, 0);
    declare_actor(s, PRODUCER, ROLE_PRODUCER, 0);
    for (int k = 1; k <= p.workers; k++)
        declare_actor(s, WORKER(k), ROLE_WORKER, k);
    declare_object(s, JOBS, OR_JOBS, p.jobs_cap, 0);
    declare_object(s, RESULTS, OR_RESULTS, p.results_cap, 0);
    declare_object(s, WG, OR_WG, 0, 0);
    declare_object(s, CTX, OR_CTX, 0, p.deadline);
    return s;
}

static void park(story_t *s, int actor, int obj, pool_wait_t wait)
{
    emit(s, (pevent_t){.kind = PE_BLOCK, .actor = (uint16_t)actor, .obj = (uint16_t)obj, .wait = wait});
}

/* The producer's `jobs <- job`, without parking. */
static void produce(story_t *s, int64_t job)
{
    emit(s, (pevent_t){.kind = PE_SEND_BEGIN, .actor = PRODUCER, .obj = JOBS, .job = job});
    emit(s, (pevent_t){.kind = PE_SEND, .actor = PRODUCER, .obj = JOBS, .job = job, .ok = 1});
}

/* The producer sends jobs first..last in turn. */
static void produce_range(story_t *s, int64_t first, int64_t last)
{
    for (int64_t j = first; j <= last; j++)
        produce(s, j);
}

static void ask(story_t *s, int w) { emit(s, (pevent_t){.kind = PE_RECV_BEGIN, .actor = (uint16_t)w, .obj = JOBS}); }

static void take(story_t *s, int w, int64_t job)
{
    emit(s, (pevent_t){.kind = PE_RECV, .actor = (uint16_t)w, .obj = JOBS, .job = job, .ok = 1});
}

static void start(story_t *s, int w, int64_t job, int64_t duration)
{
    emit(s, (pevent_t){.kind = PE_JOB_START, .actor = (uint16_t)w, .job = job, .aux = duration});
}

/* PE_JOB_FINISH, or PE_JOB_FAIL when err != 0. */
static void finish(story_t *s, int w, int64_t job, int64_t value, int err)
{
    emit(s, (pevent_t){.kind = err ? PE_JOB_FAIL : PE_JOB_FINISH, .actor = (uint16_t)w, .job = job, .value = value,
                       .err = err});
}

/* The worker's `results <- r` completing; r names its worker by index. */
static void deliver(story_t *s, int w, int64_t job, int64_t value, int err)
{
    emit(s, (pevent_t){.kind = PE_SEND, .actor = (uint16_t)w, .obj = RESULTS, .job = job, .value = value,
                       .err = err, .aux = w - W1 + 1, .ok = 1});
}

/* Main's `r := <-results`. */
static void collect(story_t *s, int w, int64_t job, int64_t value, int err)
{
    emit(s, (pevent_t){.kind = PE_RECV, .actor = MAIN, .obj = RESULTS, .job = job, .value = value, .err = err,
                       .aux = w - W1 + 1, .ok = 1});
}

/* Worker w takes job, works on it for `duration` from now, finishes. */
static void work(story_t *s, int w, int64_t job, int64_t duration)
{
    take(s, w, job);
    start(s, w, job, duration);
    at(s, s->t + duration);
    finish(s, w, job, job * 10, 0);
}

/* A whole job's trip: worked on, delivered, collected. */
static void round_trip(story_t *s, int w, int64_t job, int64_t duration)
{
    work(s, w, job, duration);
    deliver(s, w, job, job * 10, 0);
    collect(s, w, job, job * 10, 0);
}

static void end_run(story_t *s, pool_outcome_t outcome) { emit(s, (pevent_t){.kind = PE_RUN_END, .err = outcome}); }

/* ---- assertions ---- */

static const model_actor_t *actor(const story_t *s, int id) { return &s->m.actors[id]; }

static const model_object_t *object(const story_t *s, int id) { return &s->m.objects[id]; }

static void assert_fifo(const model_object_t *o, const int64_t *want, size_t n)
{
    assert_int_equal(o->fifo.len, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(model_fifo_at(&o->fifo, i), want[i]);
}

#define ASSERT_FIFO(s, obj, ...)                                                                                      \
    do {                                                                                                               \
        const int64_t want_[] = {__VA_ARGS__};                                                                         \
        assert_fifo(object(s, obj), want_, sizeof want_ / sizeof want_[0]);                                           \
    } while (0)

static void assert_state(const story_t *s, int w, worker_state_t state, int64_t job)
{
    const model_actor_t *a = actor(s, w);
    if (a->state != state)
        fail_msg("%s is %s, not %s", a->name, worker_state_name(a->state), worker_state_name(state));
    assert_int_equal(a->job, job);
}

static void assert_blocked(const story_t *s, int obj, int64_t senders, int64_t receivers)
{
    assert_int_equal(object(s, obj)->blocked_senders, senders);
    assert_int_equal(object(s, obj)->blocked_receivers, receivers);
}

/* The invariant of model.h: every planned job is in exactly one place. */
static void assert_accounts_balance(const model_t *m)
{
    int64_t placed = m->jobs_completed + m->jobs_failed + m->jobs_cancelled + m->results_lost + m->jobs_stuck +
                     model_jobs_queued(m) + model_jobs_never_sent(m);
    if (placed != m->jobs_planned)
        fail_msg("%lld jobs planned, %lld accounted for", (long long)m->jobs_planned, (long long)placed);
}

/* Each object's blocked counts are exactly the actors its blocks counted. */
static void assert_blocked_counts_match_actors(const model_t *m)
{
    static int64_t senders[MODEL_MAX_OBJECTS], receivers[MODEL_MAX_OBJECTS];
    memset(senders, 0, sizeof senders);
    memset(receivers, 0, sizeof receivers);
    for (int i = 0; i < m->n_actors; i++) {
        const model_actor_t *a = &m->actors[i];
        if (a->known && a->counted == 1)
            senders[a->counted_obj]++;
        if (a->known && a->counted == 2)
            receivers[a->counted_obj]++;
    }
    for (int i = 0; i < m->n_objects; i++) {
        assert_int_equal(m->objects[i].blocked_senders, senders[i]);
        assert_int_equal(m->objects[i].blocked_receivers, receivers[i]);
    }
}

/* ---- the jobs channel ---- */

static void test_jobs_queue_holds_sent_jobs_in_order(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 20, .workers = 1, .jobs_cap = 20, .results_cap = 20});
    produce_range(s, 1, 5);
    ASSERT_FIFO(s, JOBS, 1, 2, 3, 4, 5);
    take(s, W1, 1);
    take(s, W1, 2);
    take(s, W1, 3);
    ASSERT_FIFO(s, JOBS, 4, 5);
    /* Past the first storage, with the ring's head mid-way. */
    produce_range(s, 6, 16);
    ASSERT_FIFO(s, JOBS, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    assert_int_equal(model_jobs_queued(&s->m), 13);
    assert_int_equal(s->m.jobs_sent, 16);
    assert_int_equal(s->m.jobs_taken, 3);
    assert_int_equal(model_jobs_never_sent(&s->m), 4);
    story_free(s);
}

static void test_jobs_queue_keeps_its_order_growing_to_its_capacity(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 14, .workers = 1, .jobs_cap = 10, .results_cap = 1});
    produce_range(s, 1, 8);
    for (int64_t j = 1; j <= 5; j++)
        take(s, W1, j);
    produce_range(s, 9, 14); /* wraps around the storage, then outgrows it */
    ASSERT_FIFO(s, JOBS, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    assert_int_equal(object(s, JOBS)->fifo.size, 10);
    story_free(s);
}

static void test_full_jobs_queue_never_exceeds_its_capacity(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 5, .workers = 1, .jobs_cap = 2, .results_cap = 1});
    /* The third send is one the core would never report: the mirror stays a channel. */
    produce_range(s, 1, 3);
    ASSERT_FIFO(s, JOBS, 1, 2);
    story_free(s);
}

static void test_unbuffered_jobs_never_queue_in_either_order(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 2, .workers = 2, .jobs_cap = 0, .results_cap = 0});
    produce(s, 1);
    take(s, W1, 1);
    take(s, W2, 2); /* a receiver woken by a parked sender is reported first */
    produce(s, 2);
    assert_int_equal(model_jobs_queued(&s->m), 0);
    assert_int_equal(s->m.jobs_sent, 2);
    assert_int_equal(s->m.jobs_taken, 2);
    assert_state(s, W1, WS_STARTING, 1);
    assert_state(s, W2, WS_STARTING, 2);
    story_free(s);
}

static void test_receiving_a_job_not_at_the_head_removes_that_job(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 3, .workers = 1, .jobs_cap = 3, .results_cap = 3});
    produce_range(s, 1, 3);
    take(s, W1, 2);
    ASSERT_FIFO(s, JOBS, 1, 3);
    take(s, W1, 9); /* in no queue: nothing else may go */
    ASSERT_FIFO(s, JOBS, 1, 3);
    story_free(s);
}

/* ---- workers ---- */

static void test_worker_state_follows_a_jobs_life(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 1, .workers = 1, .jobs_cap = 0, .results_cap = 0});
    assert_state(s, W1, WS_STARTING, 0);
    assert_string_equal(actor(s, W1)->name, "worker 1");

    ask(s, W1);
    assert_state(s, W1, WS_WAITING_JOB, 0);
    park(s, W1, JOBS, PW_CHAN_RECV);
    assert_true(actor(s, W1)->blocked);
    assert_int_equal(actor(s, W1)->wait, PW_CHAN_RECV);
    assert_blocked(s, JOBS, 0, 1);

    at(s, 1 * SEC);
    produce(s, 1);
    take(s, W1, 1);
    assert_false(actor(s, W1)->blocked);
    assert_blocked(s, JOBS, 0, 0);
    start(s, W1, 1, 2 * SEC);
    assert_state(s, W1, WS_WORKING, 1);
    assert_int_equal(actor(s, W1)->progress, 0);
    assert_int_equal(actor(s, W1)->job_duration, 2 * SEC);
    assert_int_equal(s->m.first_job_start, 1 * SEC);

    at(s, 2 * SEC);
    emit(s, (pevent_t){.kind = PE_JOB_PROGRESS, .actor = W1, .job = 1, .value = 500});
    assert_int_equal(actor(s, W1)->progress, 500);

    at(s, 3 * SEC);
    finish(s, W1, 1, 10, 0);
    assert_state(s, W1, WS_WORKING, 1); /* holding its result */
    assert_int_equal(actor(s, W1)->progress, 1000);
    assert_int_equal(actor(s, W1)->jobs_done, 1);

    emit(s, (pevent_t){.kind = PE_SEND_BEGIN, .actor = W1, .obj = RESULTS, .job = 1, .value = 10});
    park(s, W1, RESULTS, PW_CHAN_SEND);
    assert_state(s, W1, WS_BLOCKED_SEND, 1);
    assert_blocked(s, RESULTS, 1, 0);

    at(s, 4 * SEC);
    deliver(s, W1, 1, 10, 0);
    collect(s, W1, 1, 10, 0);
    assert_state(s, W1, WS_STARTING, 0); /* between jobs */
    assert_blocked(s, RESULTS, 0, 0);

    ask(s, W1);
    emit(s, (pevent_t){.kind = PE_RECV, .actor = W1, .obj = JOBS, .ok = 0}); /* closed and drained */
    assert_state(s, W1, WS_WAITING_JOB, 0);
    emit(s, (pevent_t){.kind = PE_GOR_EXIT, .actor = W1});
    assert_state(s, W1, WS_EXITED, 0);
    assert_true(actor(s, W1)->exited);
    assert_int_equal(actor(s, W1)->exited_at, 4 * SEC);
    story_free(s);
}

static void test_rate_limited_worker_waits_for_a_tick(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 1, .workers = 1, .jobs_cap = 1, .results_cap = 1});
    declare_object(s, TICKER, OR_TICKER, 100 * MS, 0);
    emit(s, (pevent_t){.kind = PE_TICK_WAIT, .actor = W1, .obj = TICKER});
    park(s, W1, TICKER, PW_SELECT);
    assert_state(s, W1, WS_WAITING_TICK, 0);
    assert_blocked(s, TICKER, 0, 0); /* the pool's flow does not run through the ticker */
    emit(s, (pevent_t){.kind = PE_TICK, .obj = TICKER, .ok = 1});
    emit(s, (pevent_t){.kind = PE_TICK, .obj = TICKER, .ok = 0});
    emit(s, (pevent_t){.kind = PE_RECV, .actor = W1, .obj = TICKER, .ok = 1});
    assert_false(actor(s, W1)->blocked);
    assert_int_equal(s->m.ticks, 1);
    assert_int_equal(s->m.ticks_dropped, 1);
    story_free(s);
}

static void test_select_blocks_count_by_the_pools_flow(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 3, .workers = 2, .jobs_cap = 1, .results_cap = 1});
    park(s, W1, JOBS, PW_SELECT);
    park(s, W2, RESULTS, PW_SELECT);
    park(s, PRODUCER, JOBS, PW_SELECT);
    park(s, MAIN, RESULTS, PW_SELECT);
    assert_blocked(s, JOBS, 1, 1);
    assert_blocked(s, RESULTS, 1, 1);
    assert_state(s, W1, WS_WAITING_JOB, 0);
    assert_state(s, W2, WS_BLOCKED_SEND, 0);
    /* A select ends with an operation on any of its channels. */
    emit(s, (pevent_t){.kind = PE_RECV, .actor = W1, .obj = CTX, .ok = 0});
    emit(s, (pevent_t){.kind = PE_ABORT, .actor = W2});
    emit(s, (pevent_t){.kind = PE_ABORT, .actor = PRODUCER});
    emit(s, (pevent_t){.kind = PE_ABORT, .actor = MAIN});
    assert_blocked(s, JOBS, 0, 0);
    assert_blocked(s, RESULTS, 0, 0);
    story_free(s);
}

static void test_blocked_counts_never_drift(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 1, .workers = 2, .jobs_cap = 0, .results_cap = 0});
    park(s, W1, JOBS, PW_CHAN_RECV);
    park(s, W1, JOBS, PW_CHAN_RECV); /* a second block without an end */
    park(s, W2, JOBS, PW_CHAN_RECV);
    assert_blocked(s, JOBS, 0, 2);
    declare_actor(s, W2, ROLE_WORKER, 2); /* declared afresh while parked */
    assert_blocked(s, JOBS, 0, 1);
    declare_object(s, JOBS, OR_JOBS, 0, 0); /* the count is W1's, and stays */
    assert_blocked(s, JOBS, 0, 1);
    emit(s, (pevent_t){.kind = PE_GOR_EXIT, .actor = W1});
    assert_blocked(s, JOBS, 0, 0);
    assert_blocked_counts_match_actors(&s->m);
    story_free(s);
}

static void test_cancelled_job_leaves_the_worker_idle(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 1, .workers = 1, .jobs_cap = 1, .results_cap = 1});
    produce(s, 1);
    take(s, W1, 1);
    start(s, W1, 1, 5 * SEC);
    at(s, 2 * SEC);
    emit(s, (pevent_t){.kind = PE_CANCEL, .obj = CTX, .err = 1});
    emit(s, (pevent_t){.kind = PE_JOB_CANCEL, .actor = W1, .job = 1});
    assert_state(s, W1, WS_STARTING, 0);
    assert_int_equal(actor(s, W1)->busy_ns, 2 * SEC);
    assert_int_equal(actor(s, W1)->jobs_done, 0);
    assert_int_equal(s->m.jobs_cancelled, 1);
    story_free(s);
}

/* ---- results ---- */

static void test_results_queue_and_collected_results_and_errors(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 2, .workers = 2, .jobs_cap = 2, .results_cap = 2});
    produce_range(s, 1, 2);
    work(s, W1, 1, SEC);
    work(s, W2, 2, SEC);
    deliver(s, W1, 1, 10, 0);
    deliver(s, W2, 2, 20, 7);
    ASSERT_FIFO(s, RESULTS, 1, 2);

    at(s, 3 * SEC);
    collect(s, W1, 1, 10, 0);
    ASSERT_FIFO(s, RESULTS, 2);
    collect(s, W2, 2, 20, 7);
    ASSERT_FIFO(s, RESULTS);
    assert_int_equal(s->m.results_collected, 2);
    assert_int_equal(s->m.jobs_completed, 1);
    assert_int_equal(s->m.jobs_failed, 1);
    assert_int_equal(s->m.last_result_at, 3 * SEC);

    const model_result_t *newest = model_recent(&s->m, 0);
    assert_non_null(newest);
    assert_int_equal(newest->job, 2);
    assert_int_equal(newest->value, 20);
    assert_int_equal(newest->worker, 2);
    assert_true(newest->failed);
    assert_false(model_recent(&s->m, 1)->failed);
    assert_null(model_recent(&s->m, 2));
    story_free(s);
}

static void test_recent_results_keep_only_the_newest(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 100, .workers = 1, .jobs_cap = 1, .results_cap = 1});
    for (int64_t j = 1; j <= 100; j++) {
        produce(s, j);
        round_trip(s, W1, j, MS);
    }
    assert_int_equal(s->m.recent_len, MODEL_RECENT_RESULTS);
    assert_int_equal(model_recent(&s->m, 0)->job, 100);
    assert_int_equal(model_recent(&s->m, MODEL_RECENT_RESULTS - 1)->job, 100 - MODEL_RECENT_RESULTS + 1);
    assert_null(model_recent(&s->m, MODEL_RECENT_RESULTS));
    assert_int_equal(s->m.jobs_completed, 100);
    story_free(s);
}

/* ---- WaitGroup, context, plan ---- */

static void test_waitgroup_counter_follows_add_and_done(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 0, .workers = 2});
    emit(s, (pevent_t){.kind = PE_WG_ADD, .actor = MAIN, .obj = WG, .value = 2, .aux = 2});
    assert_int_equal(s->m.wg_counter, 2);
    park(s, MAIN, WG, PW_WG);
    assert_int_equal(actor(s, MAIN)->wait, PW_WG);
    emit(s, (pevent_t){.kind = PE_WG_ADD, .actor = W1, .obj = WG, .value = 1, .aux = -1});
    emit(s, (pevent_t){.kind = PE_WG_ADD, .actor = W2, .obj = WG, .value = 0, .aux = -1});
    emit(s, (pevent_t){.kind = PE_WG_WAIT, .actor = MAIN, .obj = WG});
    assert_int_equal(s->m.wg_counter, 0);
    assert_false(actor(s, MAIN)->blocked);
    assert_int_equal(s->m.wg_obj, WG);
    story_free(s);
}

static void test_context_is_active_until_cancelled(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 0, .workers = 1});
    assert_int_equal(s->m.ctx_state, CTX_STATE_ACTIVE);
    assert_true(s->m.ctx_deadline == INT64_MAX);
    emit(s, (pevent_t){.kind = PE_CANCEL, .obj = CTX, .err = 1});
    assert_int_equal(s->m.ctx_state, CTX_STATE_CANCELED);
    story_free(s);
}

static void test_context_deadline_is_kept_and_exceeded(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 0, .workers = 1, .deadline = 5 * SEC});
    assert_int_equal(s->m.ctx_deadline, 5 * SEC);
    at(s, 5 * SEC);
    emit(s, (pevent_t){.kind = PE_CANCEL, .obj = CTX, .err = 2});
    assert_int_equal(s->m.ctx_state, CTX_STATE_DEADLINE);
    story_free(s);
}

static void test_run_start_and_plan_set_the_plan(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 9, .workers = 3, .ideal = 3 * SEC});
    assert_true(s->m.started);
    assert_int_equal(s->m.jobs_planned, 9);
    assert_int_equal(s->m.workers_planned, 3);
    assert_int_equal(s->m.ideal_makespan, 3 * SEC);
    emit(s, (pevent_t){.kind = PE_PLAN, .job = 12, .value = 4, .aux = 3 * SEC});
    assert_int_equal(s->m.jobs_planned, 12);
    assert_int_equal(s->m.workers_planned, 4);
    story_free(s);
}

/* ---- derived figures ---- */

static void test_throughput_is_results_over_makespan(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 4, .workers = 2, .jobs_cap = 4, .results_cap = 4});
    produce_range(s, 1, 3);
    at(s, SEC / 2);
    produce(s, 4);
    assert_int_equal(model_makespan(&s->m), SEC / 2); /* no result yet: so far */
    assert_true(model_throughput(&s->m) == 0);
    at(s, 0);
    work(s, W1, 1, SEC);
    at(s, 0);
    work(s, W2, 2, SEC);
    deliver(s, W1, 1, 10, 0);
    deliver(s, W2, 2, 20, 0);
    collect(s, W1, 1, 10, 0);
    collect(s, W2, 2, 20, 0);
    round_trip(s, W1, 3, SEC);
    round_trip(s, W2, 4, 0);
    assert_int_equal(model_makespan(&s->m), 2 * SEC);
    assert_true(fabs(model_throughput(&s->m) - 2.0) < 1e-9);
    story_free(s);
}

static void test_utilization_is_the_busy_share_of_the_run(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 2, .workers = 2, .jobs_cap = 2, .results_cap = 2});
    produce_range(s, 1, 2);
    at(s, 1 * SEC);
    work(s, W1, 1, 2 * SEC); /* busy 1s..3s */
    deliver(s, W1, 1, 10, 0);
    at(s, 4 * SEC);
    take(s, W1, 2);
    assert_true(fabs(model_utilization(&s->m, W1) - 0.5) < 1e-9);
    start(s, W1, 2, 10 * SEC);
    at(s, 6 * SEC);
    emit(s, (pevent_t){.kind = PE_JOB_PROGRESS, .actor = W1, .job = 2, .value = 200});
    assert_true(fabs(model_utilization(&s->m, W1) - 4.0 / 6.0) < 1e-9); /* the running job counts */
    emit(s, (pevent_t){.kind = PE_GOR_EXIT, .actor = W2});
    at(s, 8 * SEC);
    emit(s, (pevent_t){.kind = PE_JOB_PROGRESS, .actor = W1, .job = 2, .value = 400});
    assert_true(model_utilization(&s->m, W2) == 0); /* idle all the run */
    assert_true(model_utilization(&s->m, 0) == 0);
    assert_true(model_utilization(&s->m, MODEL_MAX_ACTORS + 5) == 0);
    story_free(s);
}

/* 5 jobs of 1 s on 3 workers: makespan 2 s. Workers 1 and 2 do two jobs
 * each (100%); worker 3 does one and exits at 1 s: busy all its life, but
 * half the run. */
static void test_utilization_of_a_worker_that_left_early_counts_the_whole_run(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 5, .workers = 3, .jobs_cap = 5, .results_cap = 5});
    produce_range(s, 1, 5);
    work(s, W1, 1, SEC);
    at(s, 0);
    work(s, W2, 2, SEC);
    at(s, 0);
    work(s, W3, 3, SEC);
    deliver(s, W3, 3, 30, 0);
    collect(s, W3, 3, 30, 0);
    emit(s, (pevent_t){.kind = PE_GOR_EXIT, .actor = W3});
    deliver(s, W1, 1, 10, 0);
    collect(s, W1, 1, 10, 0);
    deliver(s, W2, 2, 20, 0);
    collect(s, W2, 2, 20, 0);
    at(s, SEC);
    round_trip(s, W1, 4, SEC);
    at(s, SEC);
    round_trip(s, W2, 5, SEC);
    end_run(s, OUTCOME_OK);
    assert_int_equal(model_makespan(&s->m), 2 * SEC);
    assert_true(fabs(model_utilization(&s->m, W1) - 1.0) < 1e-9);
    assert_true(fabs(model_utilization(&s->m, W3) - 0.5) < 1e-9);
    story_free(s);
}

/* Lines jobs do real work: PE_RUN_START's ok says so, and the figures are
 * then real time (the story stamps event k at real (k + 1) us). */
static void test_real_work_is_measured_in_real_time(void **state)
{
    (void)state;
    story_t *s = story_new();
    emit(s, (pevent_t){.kind = PE_RUN_START, .job = 1, .value = 1, .ok = 1}); /* real 1 us */
    assert_true(s->m.real_time);
    declare_actor(s, MAIN, ROLE_MAIN, 0);
    declare_actor(s, W1, ROLE_WORKER, 1);
    declare_object(s, JOBS, OR_JOBS, 1, 0);
    declare_object(s, RESULTS, OR_RESULTS, 1, 0);
    produce(s, 1);
    take(s, W1, 1);
    uint64_t started = s->seq + 1;
    start(s, W1, 1, 0); /* no virtual time passes: only real time */
    emit(s, (pevent_t){.kind = PE_JOB_PROGRESS, .actor = W1, .job = 1, .value = 500});
    emit(s, (pevent_t){.kind = PE_JOB_PROGRESS, .actor = W1, .job = 1, .value = 900});
    uint64_t finished = s->seq + 1;
    finish(s, W1, 1, 3, 0);
    deliver(s, W1, 1, 3, 0);
    uint64_t collected = s->seq + 1;
    collect(s, W1, 1, 3, 0);
    end_run(s, OUTCOME_OK);
    assert_int_equal(model_makespan(&s->m), 0);
    assert_int_equal(model_real_makespan(&s->m), (int64_t)(collected - 1) * 1000);
    assert_true(fabs(model_throughput(&s->m) - 1e9 / ((double)(collected - 1) * 1000)) < 1e-6);
    double busy = (double)(finished - started), span = (double)(collected - 1);
    assert_true(fabs(model_utilization(&s->m, W1) - busy / span) < 1e-9);
    story_free(s);
}

/* ---- accounting ---- */

static void test_accounts_balance_after_a_cancelled_run(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 6, .workers = 2, .jobs_cap = 2, .results_cap = 1});
    produce_range(s, 1, 2);
    take(s, W1, 1);
    take(s, W2, 2);
    produce_range(s, 3, 4);
    park(s, PRODUCER, JOBS, PW_SELECT); /* job 5 waits for room */
    start(s, W1, 1, SEC);
    start(s, W2, 2, SEC);
    at(s, SEC);
    finish(s, W1, 1, 10, 0);
    finish(s, W2, 2, 20, 3);
    deliver(s, W1, 1, 10, 0);
    collect(s, W1, 1, 10, 0);
    deliver(s, W2, 2, 20, 3); /* never collected: main stops at the cancel */
    take(s, W1, 3);
    start(s, W1, 3, SEC);
    at(s, SEC + SEC / 2);
    emit(s, (pevent_t){.kind = PE_CANCEL, .obj = CTX, .err = 1});
    emit(s, (pevent_t){.kind = PE_RECV, .actor = PRODUCER, .obj = CTX, .ok = 0});
    emit(s, (pevent_t){.kind = PE_JOB_CANCEL, .actor = W1, .job = 3});
    end_run(s, OUTCOME_OK);

    assert_true(s->m.ended);
    assert_int_equal(s->m.jobs_completed, 1);
    assert_int_equal(s->m.jobs_failed, 0);
    assert_int_equal(s->m.jobs_cancelled, 1);
    assert_int_equal(s->m.results_lost, 1);
    assert_int_equal(model_jobs_queued(&s->m), 1);
    assert_int_equal(model_jobs_never_sent(&s->m), 2);
    assert_int_equal(s->m.jobs_stuck, 0);
    assert_accounts_balance(&s->m);
    story_free(s);
}

static void test_accounts_balance_after_a_deadlock(void **state)
{
    (void)state;
    /* MISTAKE_WAIT_BEFORE_DRAIN: main waits on the WaitGroup, nobody reads results. */
    story_t *s = story_begin((plan_t){.jobs = 3, .workers = 1, .jobs_cap = 3, .results_cap = 0});
    produce_range(s, 1, 3);
    park(s, MAIN, WG, PW_WG);
    work(s, W1, 1, SEC);
    park(s, W1, RESULTS, PW_CHAN_SEND);
    emit(s, (pevent_t){.kind = PE_DEADLOCK});
    emit(s, (pevent_t){.kind = PE_ABORT, .actor = W1});
    emit(s, (pevent_t){.kind = PE_ABORT, .actor = MAIN});
    end_run(s, OUTCOME_DEADLOCK);
    assert_int_equal(s->m.outcome, OUTCOME_DEADLOCK);
    assert_int_equal(s->m.jobs_stuck, 1);
    assert_int_equal(model_jobs_queued(&s->m), 2);
    assert_accounts_balance(&s->m);
    story_free(s);
}

static void test_accounts_balance_after_a_clean_run(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 5, .workers = 1, .jobs_cap = 0, .results_cap = 0});
    for (int64_t j = 1; j <= 5; j++) {
        produce(s, j);
        round_trip(s, W1, j, SEC);
    }
    end_run(s, OUTCOME_OK);
    assert_int_equal(s->m.jobs_completed, 5);
    assert_accounts_balance(&s->m);
    story_free(s);
}

/* ---- controls and bookkeeping ---- */

/* A resume (change 1) and the alarm's pause (change 2) publish after the
 * pool's lock is dropped, so the pause can reach the bus first: the model
 * keeps the latest change, not the last to arrive. */
static void test_a_stale_pause_change_arriving_late_is_ignored(void **state)
{
    (void)state;
    story_t *s = story_new();
    emit(s, (pevent_t){.kind = PE_PAUSE, .ok = 1, .aux = 2});
    emit(s, (pevent_t){.kind = PE_PAUSE, .ok = 0, .aux = 1});
    assert_true(s->m.paused);
    emit(s, (pevent_t){.kind = PE_PAUSE, .ok = 0, .aux = 3});
    assert_false(s->m.paused);
    story_free(s);
}

static void test_controls_notes_and_clock_are_recorded(void **state)
{
    (void)state;
    story_t *s = story_new();
    assert_int_equal(s->m.last_note, -1);
    assert_true(s->m.speed == 1);
    emit(s, (pevent_t){.kind = PE_SPEED, .value = 2500});
    emit(s, (pevent_t){.kind = PE_PAUSE, .ok = 1});
    emit(s, (pevent_t){.kind = PE_NOTE, .value = NOTE_GOROUTINES_LEFT, .aux = 3});
    emit(s, (pevent_t){.kind = PE_NOTE, .value = NOTE_COUNT + 4}); /* unknown: ignored */
    emit(s, (pevent_t){.kind = PE_HISTORY_TRIMMED, .value = 77});
    assert_true(fabs(s->m.speed - 2.5) < 1e-12);
    assert_true(s->m.paused);
    assert_int_equal(s->m.last_note, NOTE_GOROUTINES_LEFT);
    assert_int_equal(s->m.last_note_aux, 3);
    assert_int_equal(s->m.history_trimmed, 77);
    emit(s, (pevent_t){.kind = PE_PAUSE, .ok = 0});
    assert_false(s->m.paused);

    at(s, 5 * SEC);
    emit(s, (pevent_t){.kind = PE_PANIC});
    at(s, 2 * SEC); /* an event stamped earlier never moves now back */
    emit(s, (pevent_t){.kind = PE_DEADLOCK});
    assert_int_equal(s->m.now, 5 * SEC);
    assert_int_equal(s->m.real_now, s->seq * 1000);
    assert_int_equal(s->m.events, 8);
    story_free(s);
}

static void test_names_of_actors_and_objects(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 0, .workers = 3});
    declare_actor(s, 40, ROLE_CLOSER, 0);
    declare_object(s, 9, OR_QUIT, 3, 0);
    declare_object(s, 10, OR_TIMER, 0, 0);
    assert_string_equal(actor(s, MAIN)->name, "main");
    assert_string_equal(actor(s, PRODUCER)->name, "producer");
    assert_string_equal(actor(s, 40)->name, "closer");
    assert_string_equal(actor(s, WORKER(3))->name, "worker 3");
    assert_int_equal(actor(s, WORKER(3))->index, 3);
    assert_string_equal(object(s, JOBS)->name, "jobs");
    assert_string_equal(object(s, RESULTS)->name, "results");
    assert_string_equal(object(s, CTX)->name, "ctx");
    assert_string_equal(object(s, 9)->name, "quit 3");
    assert_int_equal(object(s, 9)->capacity, 0);
    assert_string_equal(object(s, 10)->name, "timer");
    assert_int_equal(s->m.n_actors, 41);
    assert_int_equal(s->m.n_objects, 11);
    story_free(s);
}

static void test_event_kind_names_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < PE_KIND_COUNT; k++) {
        const char *name = pevent_kind_name((pevent_kind_t)k);
        assert_int_equal(strspn(name, "abcdefghijklmnopqrstuvwxyz_"), strlen(name));
        assert_int_equal(pevent_kind_parse(name), k);
    }
    assert_string_equal(pevent_kind_name(PE_SEND), "send");
    assert_string_equal(pevent_kind_name(PE_JOB_START), "job_start");
    assert_string_equal(pevent_kind_name(PE_RUN_END), "run_end");
    assert_string_equal(pevent_kind_name(PE_KIND_COUNT), "?");
    assert_int_equal(pevent_kind_parse("sendx"), -1);
    assert_int_equal(pevent_kind_parse(""), -1);
    assert_int_equal(pevent_kind_parse(NULL), -1);
}

static void test_names_follow_go_and_the_pool(void **state)
{
    (void)state;
    assert_string_equal(pool_wait_name(PW_NONE), "");
    assert_string_equal(pool_wait_name(PW_CHAN_RECV), "chan receive");
    assert_string_equal(pool_wait_name(PW_WG), "sync.WaitGroup.Wait");
    assert_string_equal(pool_wait_name(PW_NIL_CHAN), "chan receive (nil chan)");
    assert_string_equal(pool_role_name(ROLE_CLOSER), "closer");
    assert_string_equal(pool_obj_role_name(OR_TICKER), "ticker");
    assert_string_equal(pool_outcome_name(OUTCOME_DEADLOCK), "deadlock");
    assert_contains(pool_note_text(NOTE_JOBS_CLOSED), "jobs channel is closed");
    for (int n = 0; n < NOTE_COUNT; n++)
        assert_true(strlen(pool_note_text((pool_note_t)n)) > 0);
    for (int w = 0; w < WS_COUNT; w++)
        assert_true(strlen(worker_state_name((worker_state_t)w)) > 0);
    /* Numbers from a file may be anything. */
    assert_string_equal(pool_wait_name((pool_wait_t)200), "?");
    assert_string_equal(pool_role_name((pool_role_t)-1), "?");
    assert_string_equal(pool_obj_role_name(OR_COUNT), "?");
    assert_string_equal(pool_note_text(NOTE_COUNT), "");
    assert_string_equal(pool_outcome_name((pool_outcome_t)9), "?");
    assert_string_equal(worker_state_name(WS_COUNT), "?");
}

/* ---- robustness and copies ---- */

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Mostly small numbers, so garbage hits declared ids and valid roles;
 * sometimes anything at all. */
static int64_t rng_field(uint64_t *x, uint64_t small)
{
    uint64_t r = rng_next(x);
    return r % 8 == 0 ? (int64_t)rng_next(x) : (int64_t)(r % small);
}

static pevent_t garbage_event(uint64_t *x, int64_t *t)
{
    *t += (int64_t)(rng_next(x) % 1000);
    return (pevent_t){
        .real_ns = rng_next(x),
        .virt_ns = rng_next(x) % 16 == 0 ? (int64_t)rng_next(x) : *t,
        .kind = (uint16_t)(rng_next(x) % (PE_KIND_COUNT + 3)),
        .actor = (uint16_t)rng_field(x, 12),
        .obj = (uint16_t)rng_field(x, 12),
        .wait = (uint8_t)rng_field(x, PW_COUNT + 2),
        .job = rng_field(x, 20),
        .value = rng_field(x, 8),
        .aux = rng_field(x, 6),
        .ok = (int8_t)rng_field(x, 2),
        .err = (int32_t)rng_field(x, 4),
    };
}

/* Reads every derived figure, as a view would. */
static void read_everything(const model_t *m)
{
    assert_true(model_throughput(m) >= 0);
    for (int a = 0; a < m->n_actors; a++) {
        double u = model_utilization(m, a);
        assert_true(u >= 0 && u <= 1);
    }
    for (int o = 0; o < m->n_objects; o++) {
        const model_object_t *ob = &m->objects[o];
        assert_true(ob->fifo.len <= (uint64_t)ob->capacity || ob->fifo.len == 0);
        for (size_t i = 0; i < ob->fifo.len; i++)
            (void)model_fifo_at(&ob->fifo, i);
    }
    for (size_t i = 0; model_recent(m, i); i++)
        assert_true(i < MODEL_RECENT_RESULTS);
    (void)model_makespan(m);
    assert_true(model_jobs_queued(m) >= 0 && model_jobs_never_sent(m) >= 0);
}

static void test_garbage_events_never_break_the_model(void **state)
{
    (void)state;
    story_t *s = story_new();
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    int64_t t = 0;
    for (int i = 1; i <= 100000; i++) {
        pevent_t ev = garbage_event(&x, &t);
        model_apply(&s->m, &ev);
        if (i % 5000 == 0) {
            assert_blocked_counts_match_actors(&s->m);
            read_everything(&s->m);
        }
    }
    assert_int_equal(s->m.events, 100000);
    story_free(s);
}

static void assert_models_equal(const model_t *a, const model_t *b)
{
    assert_int_equal(a->events, b->events);
    assert_int_equal(a->now, b->now);
    assert_int_equal(a->jobs_sent, b->jobs_sent);
    assert_int_equal(a->results_collected, b->results_collected);
    assert_int_equal(a->n_actors, b->n_actors);
    assert_int_equal(a->n_objects, b->n_objects);
    assert_memory_equal(a->actors, b->actors, sizeof a->actors);
    assert_memory_equal(a->recent, b->recent, sizeof a->recent);
    for (int o = 0; o < a->n_objects; o++) {
        const model_fifo_t *fa = &a->objects[o].fifo, *fb = &b->objects[o].fifo;
        assert_int_equal(fa->len, fb->len);
        for (size_t i = 0; i < fa->len; i++)
            assert_int_equal(model_fifo_at(fa, i), model_fifo_at(fb, i));
    }
}

static void test_copy_is_equal_and_independent(void **state)
{
    (void)state;
    story_t *s = story_begin((plan_t){.jobs = 6, .workers = 2, .jobs_cap = 4, .results_cap = 4});
    produce_range(s, 1, 4);
    work(s, W1, 1, SEC);
    deliver(s, W1, 1, 10, 0);

    story_t *c = story_begin((plan_t){.jobs = 1, .workers = 1, .jobs_cap = 2, .results_cap = 2});
    produce(c, 99); /* the copy's old fifos must go, not leak */
    model_copy(&c->m, &s->m);
    c->t = s->t;
    c->seq = s->seq;
    assert_models_equal(&c->m, &s->m);

    take(c, W2, 2);
    collect(c, W1, 1, 10, 0);
    produce(c, 5);
    ASSERT_FIFO(c, JOBS, 3, 4, 5);
    ASSERT_FIFO(s, JOBS, 2, 3, 4);
    ASSERT_FIFO(s, RESULTS, 1);
    assert_int_equal(s->m.results_collected, 0);
    assert_state(s, W2, WS_STARTING, 0);

    model_copy(&s->m, &s->m); /* onto itself: a no-op */
    ASSERT_FIFO(s, JOBS, 2, 3, 4);
    story_free(c);
    story_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jobs_queue_holds_sent_jobs_in_order),
        cmocka_unit_test(test_jobs_queue_keeps_its_order_growing_to_its_capacity),
        cmocka_unit_test(test_full_jobs_queue_never_exceeds_its_capacity),
        cmocka_unit_test(test_unbuffered_jobs_never_queue_in_either_order),
        cmocka_unit_test(test_receiving_a_job_not_at_the_head_removes_that_job),
        cmocka_unit_test(test_worker_state_follows_a_jobs_life),
        cmocka_unit_test(test_rate_limited_worker_waits_for_a_tick),
        cmocka_unit_test(test_select_blocks_count_by_the_pools_flow),
        cmocka_unit_test(test_blocked_counts_never_drift),
        cmocka_unit_test(test_cancelled_job_leaves_the_worker_idle),
        cmocka_unit_test(test_results_queue_and_collected_results_and_errors),
        cmocka_unit_test(test_recent_results_keep_only_the_newest),
        cmocka_unit_test(test_waitgroup_counter_follows_add_and_done),
        cmocka_unit_test(test_context_is_active_until_cancelled),
        cmocka_unit_test(test_context_deadline_is_kept_and_exceeded),
        cmocka_unit_test(test_run_start_and_plan_set_the_plan),
        cmocka_unit_test(test_throughput_is_results_over_makespan),
        cmocka_unit_test(test_utilization_is_the_busy_share_of_the_run),
        cmocka_unit_test(test_utilization_of_a_worker_that_left_early_counts_the_whole_run),
        cmocka_unit_test(test_real_work_is_measured_in_real_time),
        cmocka_unit_test(test_accounts_balance_after_a_cancelled_run),
        cmocka_unit_test(test_accounts_balance_after_a_deadlock),
        cmocka_unit_test(test_accounts_balance_after_a_clean_run),
        cmocka_unit_test(test_a_stale_pause_change_arriving_late_is_ignored),
        cmocka_unit_test(test_controls_notes_and_clock_are_recorded),
        cmocka_unit_test(test_names_of_actors_and_objects),
        cmocka_unit_test(test_event_kind_names_round_trip),
        cmocka_unit_test(test_names_follow_go_and_the_pool),
        cmocka_unit_test(test_garbage_events_never_break_the_model),
        cmocka_unit_test(test_copy_is_equal_and_independent),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
