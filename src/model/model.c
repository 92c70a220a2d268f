/* model.c - the fold of a run's events into a model_t (model.h), and the
 * figures derived from it.
 *
 * The engine emits events so that this fold holds; the rules it relies on:
 * - Actors and objects are declared (PE_ACTOR, PE_OBJECT) before any event
 *   names them; an undeclared one is left out of an event, whose rest still
 *   counts. Re-declaring an id starts that actor or object afresh (its
 *   channel empty; the blocked counts stay, as they belong to the actors).
 * - A block (PE_BLOCK) lasts until the actor's next PE_SEND, PE_RECV,
 *   PE_ABORT, PE_WG_WAIT or PE_GOR_EXIT, whatever object that names: a select
 *   ends with an operation on any of its channels. What a block added to an
 *   object's blocked senders or receivers is remembered on the actor, so its
 *   end takes away exactly that.
 * - A select's PE_BLOCK names its main channel, and which way it goes follows
 *   the pool's flow: jobs go to the workers, results come from them. A worker
 *   so blocks receiving from jobs or sending on results; anyone else sending
 *   on jobs or receiving from results. Selects on other channels count on
 *   neither side.
 * - Channel fifos mirror the core's order (chan.c emits under the channel's
 *   lock): a buffered send pushes, a receive takes the head. An unbuffered
 *   channel never holds anything, so its SEND and RECV, emitted back to back
 *   in either order, leave its fifo empty.
 * - A worker holds a job from its PE_RECV on jobs until its result's PE_SEND
 *   or its PE_JOB_CANCEL; then it is idle (WS_STARTING) until it asks for the
 *   next job (PE_RECV_BEGIN or PE_BLOCK on jobs) or waits for a tick. A
 *   finished job keeps the worker WS_WORKING at progress 1000 until its
 *   result is sent (WS_BLOCKED_SEND while parked doing so).
 * - Results are collected by whoever receives from results (main, or the
 *   closer's caller); ev.job is the result's job, ev.aux the worker index.
 *
 * Values come from files too, so arithmetic on times saturates instead of
 * overflowing, and every table lookup is range-checked. */
#include "model.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/xalloc.h"

enum { COUNTED_NONE, COUNTED_SENDER, COUNTED_RECEIVER };

/* ---- arithmetic on values from anywhere ---- */

static int clamp_int(int64_t v) { return v < INT_MIN ? INT_MIN : v > INT_MAX ? INT_MAX : (int)v; }

/* to - from, or 0 when to is not later; saturated. */
static int64_t elapsed(int64_t from, int64_t to)
{
    int64_t d;
    if (to <= from)
        return 0;
    return __builtin_sub_overflow(to, from, &d) ? INT64_MAX : d;
}

/* a + b for b >= 0, saturated. */
static int64_t add_sat(int64_t a, int64_t b)
{
    int64_t s;
    return __builtin_add_overflow(a, b, &s) ? INT64_MAX : s;
}

/* ---- fifos: rings that grow on demand up to their channel's capacity ---- */

/* head < size and i < size: one subtraction wraps it, where a division
 * would cost more than the rest of a fold (this runs for every event). */
static size_t fifo_slot(const model_fifo_t *f, size_t i)
{
    size_t s = f->head + i;
    return s >= f->size ? s - f->size : s;
}

int64_t model_fifo_at(const model_fifo_t *f, size_t i) { return f && i < f->len ? f->items[fifo_slot(f, i)] : 0; }

/* Doubles the storage of a full ring (never past cap, which exceeds its
 * size). The run from head to the old end moves to the new end, so the
 * elements stay in order from head and the wrapped ones stay in front. */
static void fifo_grow(model_fifo_t *f, int64_t cap)
{
    size_t old = f->size;
    size_t size = old ? old * 2 : 8;
    if ((uint64_t)cap < size)
        size = (size_t)cap;
    f->items = xrealloc(f->items, size * sizeof *f->items);
    if (f->head > 0) {
        size_t run = old - f->head;
        memmove(f->items + size - run, f->items + f->head, run * sizeof *f->items);
        f->head = size - run;
    }
    f->size = size;
}

/* Appends v unless the channel is full (an unbuffered one always is): the
 * core never buffers more than cap, so neither does its mirror. */
static void fifo_push(model_fifo_t *f, int64_t v, int64_t cap)
{
    if (cap <= 0 || f->len >= (uint64_t)cap)
        return;
    if (f->len == f->size)
        fifo_grow(f, cap);
    f->items[fifo_slot(f, f->len)] = v;
    f->len++;
}

/* Removes v: normally the head; anywhere else only if the events disagree
 * with the mirror, which must then stay consistent rather than drop a wrong
 * element. Nothing when v is absent. */
static void fifo_take(model_fifo_t *f, int64_t v)
{
    size_t i = 0;
    while (i < f->len && f->items[fifo_slot(f, i)] != v)
        i++;
    if (i == f->len)
        return;
    if (i == 0) {
        f->head = fifo_slot(f, 1);
    } else {
        for (; i + 1 < f->len; i++)
            f->items[fifo_slot(f, i)] = f->items[fifo_slot(f, i + 1)];
    }
    f->len--;
}

static void fifo_free(model_fifo_t *f)
{
    free(f->items);
    memset(f, 0, sizeof *f);
}

static void fifo_clone(model_fifo_t *dst, const model_fifo_t *src)
{
    *dst = *src;
    dst->items = NULL;
    if (src->size) {
        dst->items = xmalloc(src->size * sizeof *src->items);
        memcpy(dst->items, src->items, src->size * sizeof *src->items);
    }
}

/* ---- lookups ---- */

static const model_actor_t *actor_c(const model_t *m, int id)
{
    return id > 0 && id < MODEL_MAX_ACTORS && m->actors[id].known ? &m->actors[id] : NULL;
}

static const model_object_t *object_c(const model_t *m, int id)
{
    return id > 0 && id < MODEL_MAX_OBJECTS && m->objects[id].known ? &m->objects[id] : NULL;
}

/* The same lookups for the fold, which owns m. */
static model_actor_t *actor_of(model_t *m, int id) { return (model_actor_t *)actor_c(m, id); }

static model_object_t *object_of(model_t *m, int id) { return (model_object_t *)object_c(m, id); }

static bool is_role(const model_object_t *o, pool_obj_role_t role) { return o && o->role == role; }

static bool is_worker(const model_actor_t *a) { return a && a->role == ROLE_WORKER; }

/* Only workers have a state; the other actors' is never shown. */
static void set_state(model_actor_t *a, worker_state_t s)
{
    if (is_worker(a))
        a->state = s;
}

/* ---- declarations ---- */

static void unblock(model_t *m, model_actor_t *a);

static void declare_actor(model_t *m, const pevent_t *ev)
{
    if (ev->actor == 0 || ev->actor >= MODEL_MAX_ACTORS || ev->value < 0 || ev->value >= ROLE_COUNT)
        return;
    model_actor_t *a = &m->actors[ev->actor];
    if (a->known)
        unblock(m, a); /* its old block must leave the counts it added */
    memset(a, 0, sizeof *a);
    a->known = true;
    a->role = (pool_role_t)ev->value;
    a->index = clamp_int(ev->aux);
    if (a->role == ROLE_WORKER)
        snprintf(a->name, sizeof a->name, "worker %d", a->index);
    else
        snprintf(a->name, sizeof a->name, "%s", pool_role_name(a->role));
    if (ev->actor >= m->n_actors)
        m->n_actors = ev->actor + 1;
}

/* Remembers the ids the views look for, and the context's start. */
static void note_object_role(model_t *m, const pevent_t *ev)
{
    switch ((pool_obj_role_t)ev->value) {
    case OR_JOBS: m->jobs_obj = ev->obj; break;
    case OR_RESULTS: m->results_obj = ev->obj; break;
    case OR_WG: m->wg_obj = ev->obj; break;
    case OR_CTX:
        m->ctx_obj = ev->obj;
        m->ctx_state = CTX_STATE_ACTIVE;
        m->ctx_deadline = ev->job > 0 ? ev->job : INT64_MAX;
        break;
    default: break;
    }
}

static void declare_object(model_t *m, const pevent_t *ev)
{
    if (ev->obj == 0 || ev->obj >= MODEL_MAX_OBJECTS || ev->value < 0 || ev->value >= OR_COUNT)
        return;
    model_object_t *o = &m->objects[ev->obj];
    /* The blocked counts belong to the actors parked on it, and stay. */
    model_object_t fresh = {.known = true,
                            .role = (pool_obj_role_t)ev->value,
                            .fifo = {.items = o->fifo.items, .size = o->fifo.size},
                            .blocked_senders = o->blocked_senders,
                            .blocked_receivers = o->blocked_receivers};
    if (fresh.role == OR_JOBS || fresh.role == OR_RESULTS)
        fresh.capacity = ev->aux > 0 ? ev->aux : 0;
    if (fresh.role == OR_QUIT) {
        fresh.index = clamp_int(ev->aux);
        snprintf(fresh.name, sizeof fresh.name, "quit %d", fresh.index);
    } else {
        snprintf(fresh.name, sizeof fresh.name, "%s", pool_obj_role_name(fresh.role));
    }
    *o = fresh;
    note_object_role(m, ev);
    if (ev->obj >= m->n_objects)
        m->n_objects = ev->obj + 1;
}

/* ---- blocks ---- */

/* Which side of its main channel a select waits on (see the top comment). */
static int select_side(const model_actor_t *a, const model_object_t *o)
{
    if (!is_role(o, OR_JOBS) && !is_role(o, OR_RESULTS))
        return COUNTED_NONE;
    return is_worker(a) == is_role(o, OR_JOBS) ? COUNTED_RECEIVER : COUNTED_SENDER;
}

static int block_side(const model_actor_t *a, const model_object_t *o, pool_wait_t wait)
{
    switch (wait) {
    case PW_CHAN_SEND: return COUNTED_SENDER;
    case PW_CHAN_RECV: return COUNTED_RECEIVER;
    case PW_SELECT: return select_side(a, o);
    default: return COUNTED_NONE;
    }
}

static int64_t *blocked_count(model_object_t *o, int side)
{
    return side == COUNTED_SENDER ? &o->blocked_senders : &o->blocked_receivers;
}

static void unblock(model_t *m, model_actor_t *a)
{
    model_object_t *o = object_of(m, a->counted_obj);
    if (o && a->counted != COUNTED_NONE) {
        int64_t *n = blocked_count(o, a->counted);
        if (*n > 0)
            (*n)--;
    }
    a->counted = COUNTED_NONE;
    a->counted_obj = 0;
    a->blocked = false;
    a->wait = PW_NONE;
    a->wait_obj = 0;
}

static void block(model_t *m, model_actor_t *a, const pevent_t *ev)
{
    unblock(m, a); /* a second block without an end: the first one is over */
    a->blocked = true;
    a->wait = ev->wait < PW_COUNT ? (pool_wait_t)ev->wait : PW_NONE;
    a->wait_obj = ev->obj;
    model_object_t *o = object_of(m, ev->obj);
    int side = o ? block_side(a, o, a->wait) : COUNTED_NONE;
    if (side == COUNTED_NONE)
        return;
    (*blocked_count(o, side))++;
    a->counted = (int8_t)side;
    a->counted_obj = ev->obj;
    if (side == COUNTED_RECEIVER && is_role(o, OR_JOBS))
        set_state(a, WS_WAITING_JOB);
    if (side == COUNTED_SENDER && is_role(o, OR_RESULTS))
        set_state(a, WS_BLOCKED_SEND);
}

/* ---- a worker's job ---- */

static int64_t real_of(const pevent_t *ev) { return ev->real_ns > INT64_MAX ? INT64_MAX : (int64_t)ev->real_ns; }

/* Adds the running job's time, up to ev, to the worker's busy time. */
static void stop_running(model_actor_t *a, const pevent_t *ev)
{
    if (!a->running)
        return;
    a->busy_ns = add_sat(a->busy_ns, elapsed(a->job_start, ev->virt_ns));
    a->busy_real_ns = add_sat(a->busy_real_ns, elapsed(a->job_start_real, real_of(ev)));
    a->running = false;
}

/* The worker no longer holds a job: its result went out, or it was cancelled. */
static void release_job(model_actor_t *a, const pevent_t *ev)
{
    stop_running(a, ev);
    a->job = 0;
    a->progress = 0;
    set_state(a, WS_STARTING);
}

static void job_start(model_t *m, model_actor_t *a, const pevent_t *ev)
{
    if (m->first_job_start < 0)
        m->first_job_start = ev->virt_ns;
    if (!a)
        return;
    stop_running(a, ev);
    a->job = ev->job;
    a->job_start = ev->virt_ns;
    a->job_start_real = real_of(ev);
    a->job_duration = ev->aux;
    a->progress = 0;
    a->running = true;
    set_state(a, WS_WORKING);
}

static void job_end(model_actor_t *a, const pevent_t *ev, bool failed)
{
    if (!a)
        return;
    stop_running(a, ev);
    a->jobs_done++;
    if (failed)
        a->jobs_failed++;
    a->progress = 1000;
}

static void job_cancel(model_t *m, model_actor_t *a, const pevent_t *ev)
{
    m->jobs_cancelled++;
    if (a)
        release_job(a, ev);
}

/* ---- values moving through channels ---- */

static void remember_result(model_t *m, const pevent_t *ev)
{
    model_result_t *r = &m->recent[m->recent_head];
    *r = (model_result_t){.job = ev->job, .value = ev->value, .worker = clamp_int(ev->aux), .failed = ev->err != 0};
    m->recent_head = (m->recent_head + 1) % MODEL_RECENT_RESULTS;
    if (m->recent_len < MODEL_RECENT_RESULTS)
        m->recent_len++;
}

static void collect(model_t *m, const pevent_t *ev)
{
    m->results_collected++;
    if (ev->err)
        m->jobs_failed++;
    else
        m->jobs_completed++;
    m->last_result_at = ev->virt_ns;
    m->last_result_real = real_of(ev);
    remember_result(m, ev);
}

static void on_send(model_t *m, model_actor_t *a, const pevent_t *ev)
{
    if (a)
        unblock(m, a);
    model_object_t *o = object_of(m, ev->obj);
    if (!is_role(o, OR_JOBS) && !is_role(o, OR_RESULTS))
        return;
    fifo_push(&o->fifo, ev->job, o->capacity);
    if (is_role(o, OR_JOBS))
        m->jobs_sent++;
    else if (a)
        release_job(a, ev);
}

static void on_recv(model_t *m, model_actor_t *a, const pevent_t *ev)
{
    if (a)
        unblock(m, a);
    model_object_t *o = object_of(m, ev->obj);
    if (!ev->ok || (!is_role(o, OR_JOBS) && !is_role(o, OR_RESULTS)))
        return; /* closed and drained: nothing moved */
    fifo_take(&o->fifo, ev->job);
    if (is_role(o, OR_RESULTS)) {
        collect(m, ev);
        return;
    }
    m->jobs_taken++;
    if (a)
        a->job = ev->job;
}

/* ---- the run ---- */

/* The accounting of model.h: what is left where, once the run is over. */
static void settle(model_t *m)
{
    const model_object_t *results = object_c(m, m->results_obj);
    m->results_lost = results ? (int64_t)results->fifo.len : 0;
    m->jobs_stuck = 0;
    for (int i = 0; i < m->n_actors; i++)
        if (m->actors[i].known && m->actors[i].job != 0)
            m->jobs_stuck++;
}

static void plan(model_t *m, const pevent_t *ev)
{
    m->jobs_planned = ev->job;
    m->workers_planned = clamp_int(ev->value);
    /* With no worker left nothing would ever finish: the last real ideal
     * stays (views say there are no workers). */
    if (m->workers_planned > 0)
        m->ideal_makespan = ev->aux;
    m->real_time = ev->ok != 0;
}

static void note(model_t *m, const pevent_t *ev)
{
    if (ev->value < 0 || ev->value >= NOTE_COUNT)
        return;
    m->last_note = (int)ev->value;
    m->last_note_aux = ev->aux;
}

static void run_end(model_t *m, const pevent_t *ev)
{
    m->ended = true;
    m->serial_time = ev->aux > 0 ? ev->aux : 0;
    if (ev->err >= OUTCOME_OK && ev->err <= OUTCOME_ABORTED)
        m->outcome = (pool_outcome_t)ev->err;
    settle(m);
}

/* Events about the run as a whole; false for the others. */
static bool apply_run(model_t *m, const pevent_t *ev)
{
    switch ((pevent_kind_t)ev->kind) {
    case PE_RUN_START:
        m->started = true;
        m->run_start_at = ev->virt_ns;
        m->run_start_real = real_of(ev);
        plan(m, ev);
        break;
    case PE_PLAN: plan(m, ev); break;
    case PE_ACTOR: declare_actor(m, ev); break;
    case PE_OBJECT: declare_object(m, ev); break;
    case PE_WG_ADD: m->wg_counter = ev->value; break;
    case PE_CANCEL: m->ctx_state = ev->err == CTX_DEADLINE_EXCEEDED ? CTX_STATE_DEADLINE : CTX_STATE_CANCELED; break;
    case PE_TICK: *(ev->ok ? &m->ticks : &m->ticks_dropped) += 1; break;
    case PE_SPEED: m->speed = (double)ev->value / 1000.0; break;
    case PE_PAUSE:
        /* aux numbers the pool's pause changes: a stale one that reached the
         * bus late changes nothing (0: unnumbered, as in older recordings). */
        if (ev->aux == 0 || ev->aux > m->pause_change) {
            m->paused = ev->ok != 0;
            m->pause_change = ev->aux;
        }
        break;
    case PE_NOTE: note(m, ev); break;
    case PE_HISTORY_TRIMMED: m->history_trimmed = ev->value > 0 ? (uint64_t)ev->value : 0; break;
    case PE_RUN_END: run_end(m, ev); break;
    default: return false;
    }
    return true;
}

static void set_closed(model_t *m, int obj)
{
    model_object_t *o = object_of(m, obj);
    if (o)
        o->closed = true;
}

static void gor_start(model_actor_t *a, const pevent_t *ev)
{
    a->started_at = ev->virt_ns;
    set_state(a, WS_STARTING);
}

static void gor_exit(model_t *m, model_actor_t *a, const pevent_t *ev)
{
    unblock(m, a);
    a->exited = true;
    a->exited_at = ev->virt_ns;
    set_state(a, WS_EXITED);
}

/* Events an actor (a, NULL when undeclared) did, or that happened to it:
 * first those that move jobs or results whoever the actor is, then those
 * that only change a declared actor. */
static void apply_actor(model_t *m, model_actor_t *a, const pevent_t *ev)
{
    switch ((pevent_kind_t)ev->kind) {
    case PE_SEND: on_send(m, a, ev); break;
    case PE_RECV: on_recv(m, a, ev); break;
    case PE_CLOSE: set_closed(m, ev->obj); break;
    case PE_JOB_START: job_start(m, a, ev); break;
    case PE_JOB_PROGRESS:
        if (a)
            a->progress = ev->value < 0 ? 0 : ev->value > 1000 ? 1000 : (int)ev->value;
        break;
    case PE_JOB_FINISH: job_end(a, ev, false); break;
    case PE_JOB_FAIL: job_end(a, ev, true); break;
    case PE_JOB_CANCEL: job_cancel(m, a, ev); break;
    default:
        break;
    }
    if (!a)
        return;
    switch ((pevent_kind_t)ev->kind) {
    case PE_GOR_START: gor_start(a, ev); break;
    case PE_GOR_EXIT: gor_exit(m, a, ev); break;
    case PE_BLOCK: block(m, a, ev); break;
    case PE_ABORT:
    case PE_WG_WAIT: unblock(m, a); break;
    case PE_RECV_BEGIN:
        if (is_role(object_of(m, ev->obj), OR_JOBS))
            set_state(a, WS_WAITING_JOB);
        break;
    case PE_TICK_WAIT: set_state(a, WS_WAITING_TICK); break;
    default: break;
    }
}

/* After a deadlock or panic the runtime unwinds: every parked goroutine is
 * aborted, calls wg.Done() and exits. None of that is the program's doing,
 * so the picture stays as it was when the run died - who was stuck where -
 * and only the run's own bookkeeping still applies. */
bool model_counts_after_death(pevent_kind_t kind)
{
    return kind == PE_RUN_END || kind == PE_NOTE || kind == PE_SPEED || kind == PE_PAUSE ||
           kind == PE_HISTORY_TRIMMED;
}

void model_apply(model_t *m, const pevent_t *ev)
{
    m->events++;
    if (ev->virt_ns > m->now)
        m->now = ev->virt_ns;
    m->real_now = ev->real_ns;
    if (m->died && !model_counts_after_death((pevent_kind_t)ev->kind))
        return;
    if (ev->kind == PE_DEADLOCK || ev->kind == PE_PANIC) {
        m->died = true;
        m->died_at = m->now;
    }
    if (!apply_run(m, ev))
        apply_actor(m, actor_of(m, ev->actor), ev);
}

/* ---- life cycle ---- */

void model_init(model_t *m)
{
    memset(m, 0, sizeof *m);
    m->speed = 1;
    m->ctx_deadline = INT64_MAX;
    m->first_job_start = -1;
    m->last_note = -1;
}

void model_done(model_t *m)
{
    for (int i = 0; i < m->n_objects; i++)
        fifo_free(&m->objects[i].fifo);
}

void model_copy(model_t *dst, const model_t *src)
{
    if (dst == src)
        return;
    model_done(dst);
    memcpy(dst, src, sizeof *dst);
    for (int i = 0; i < src->n_objects; i++)
        fifo_clone(&dst->objects[i].fifo, &src->objects[i].fifo);
}

/* ---- derived figures ---- */

/* Where the run's time ends for its figures: now, or when it died (the
 * unwinding after a death is not the program's time). */
static int64_t model_end(const model_t *m) { return m->died ? m->died_at : m->now; }


int64_t model_makespan(const model_t *m)
{
    int64_t end = m->results_collected > 0 ? m->last_result_at : model_end(m);
    return end > m->run_start_at ? end - m->run_start_at : 0;
}

double model_throughput(const model_t *m)
{
    int64_t span = m->real_time ? model_real_makespan(m) : model_makespan(m);
    return span > 0 ? (double)m->results_collected / ((double)span / 1e9) : 0;
}

int64_t model_real_makespan(const model_t *m)
{
    int64_t now = m->real_now > INT64_MAX ? INT64_MAX : (int64_t)m->real_now;
    return elapsed(m->run_start_real, m->results_collected > 0 ? m->last_result_real : now);
}

/* Busy time over the run's time so far: while it runs, from its start to
 * now; once over, its makespan. A worker that joined late or left early is
 * measured against the same span as the others: this is its share of the
 * pool's work, not of its own life. Real time for real work. */
double model_utilization(const model_t *m, int actor)
{
    const model_actor_t *a = actor_c(m, actor);
    if (!a)
        return 0;
    int64_t span, busy;
    if (m->real_time) {
        int64_t now = m->real_now > INT64_MAX ? INT64_MAX : (int64_t)m->real_now;
        span = m->ended ? model_real_makespan(m) : elapsed(m->run_start_real, now);
        busy = a->running ? add_sat(a->busy_real_ns, elapsed(a->job_start_real, now)) : a->busy_real_ns;
    } else {
        /* A dead run's shares stop at its death, as its clock does. */
        int64_t end = model_end(m);
        span = m->ended && !m->died ? model_makespan(m) : elapsed(m->run_start_at, end);
        busy = a->running ? add_sat(a->busy_ns, elapsed(a->job_start, end)) : a->busy_ns;
    }
    if (span == 0)
        return 0;
    double u = (double)busy / (double)span;
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

int64_t model_jobs_queued(const model_t *m)
{
    const model_object_t *jobs = object_c(m, m->jobs_obj);
    return jobs ? (int64_t)jobs->fifo.len : 0;
}

int64_t model_jobs_never_sent(const model_t *m)
{
    return m->jobs_planned > m->jobs_sent ? m->jobs_planned - m->jobs_sent : 0;
}

const model_result_t *model_recent(const model_t *m, size_t i)
{
    if (i >= m->recent_len)
        return NULL;
    size_t slot = (m->recent_head + MODEL_RECENT_RESULTS - 1 - i) % MODEL_RECENT_RESULTS;
    return &m->recent[slot];
}

const char *worker_state_name(worker_state_t s)
{
    static const char *const names[] = {
        [WS_STARTING] = "idle",
        [WS_WAITING_JOB] = "waiting for a job",
        [WS_WORKING] = "working",
        [WS_BLOCKED_SEND] = "blocked sending",
        [WS_WAITING_TICK] = "waiting for a tick",
        [WS_EXITED] = "exited",
    };
    _Static_assert(sizeof names / sizeof names[0] == WS_COUNT, "a worker state has no name");
    return (unsigned)s < WS_COUNT ? names[s] : "?";
}
