/* pool.c - the worker pool of pool.h, on the core's primitives.
 *
 * Threads of a run: the goroutines (main, producer, workers, closer) doing
 * what a Go program does; a supervisor that joins them once main returns (a
 * Go program ends when main does) and emits PE_RUN_END; a collector that
 * drains the event bus into the model, the history and the sink.
 *
 * Locks: p->lock guards the model, the history and the base model (only the
 * collector writes them). p->plan_lock guards the plan (jobs planned, the
 * producer's progress, the worker list). p->gate_lock guards pause and step.
 * None is ever held while calling into the core's blocking operations. */
#include "engine/pool.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/chan.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/rt.h"
#include "core/sys.h"
#include "core/ticker.h"
#include "core/vclock.h"
#include "core/wg.h"
#include "core/xalloc.h"
#include "engine/bus.h"
#include "engine/job.h"

enum { BUS_SIZE = 1 << 16, DRAIN_BATCH = 1024, MAX_WORKERS_EVER = MODEL_MAX_OBJECTS - 16, SETTLE_YIELDS = 100000 };

/* Engine object ids (pevent_t.obj); quit channel of worker K is EOBJ_QUIT0 + K. */
enum { EOBJ_JOBS = 1, EOBJ_RESULTS, EOBJ_WG, EOBJ_CTX, EOBJ_TICKER, EOBJ_QUIT0 };

/* A Go time.Timer: a channel that receives once, d after it is armed. */
typedef struct {
    chan_t *c;
    vtimer_t *t;
} after_t;

typedef struct {
    pool_t *pool;
    int index;        /* worker K, from 1 */
    gor_t *g;
    chan_t *quit;
    after_t timer;    /* its sleep jobs' timer, made once and re-armed per job */
    bool retired;     /* plan_lock */
    _Atomic bool exited;
} worker_t;

struct pool {
    pool_config_t cfg;
    char *dir;
    char **files;
    size_t n_files;
    rt_t *rt;
    chan_t *jobs, *results;
    /* The names the core reports these objects by, looked up once: the
     * observer compares them for every event, under a channel lock. */
    const char *jobs_name, *results_name, *wg_name, *ctx_name, *done_name, *ticker_name;
    wg_t *wg;
    ctx_t *background, *ctx;
    vtimer_t *cancel_timer;
    vtimer_t *pause_timer;
    ticker_t *ticker;

    pthread_mutex_t plan_lock;
    int64_t jobs_planned;
    int64_t next_job;        /* the producer's next job id */
    bool producer_finished;
    worker_t **workers;      /* every worker ever started, by index - 1 */
    int n_workers;
    int running_workers;
    int workers_wanted; /* main starts this many; live adds before it has count here */
    bool launched;      /* main has started its workers */
    gor_t *main_g, *producer_g, *closer_g;

    pthread_mutex_t gate_lock;
    pthread_cond_t gate_cond;
    _Atomic bool gate_closed;
    int step_tokens;
    _Atomic uint64_t step_from; /* seq after which a step pauses the clock again */
    _Atomic bool stepping;
    /* Counts pause and resume changes (gate_lock). Their events are
     * published after the lock is dropped, so two may reach the bus out of
     * order; the number lets the model keep only the latest. */
    int64_t pause_changes;

    bus_t bus;
    uint64_t start_real;
    int64_t virt0;           /* the clock's reading at the start: run time 0 */
    pthread_t collector, supervisor;
    bool started, waited;
    _Atomic bool aborted;
    _Atomic bool finished;

    pthread_mutex_t lock;
    model_t model, base;
    pevent_t *history;       /* a ring of hist_size slots, grown on demand up to cfg.history */
    size_t hist_size, hist_head, hist_len;
    size_t hist_cap;         /* cfg.history, or less once memory ran out */
    uint64_t trimmed;        /* events dropped from the history so far */
    bool trim_noted;
    pool_sink_fn sink;
    void *sink_ud;
    _Atomic int outcome; /* pool_outcome_t, set by the supervisor at the end */
    _Atomic int refusal; /* pool_note_t of the last refused control, NOTE_COUNT before any */
};

/* ---- configuration ---- */

void pool_config_default(pool_config_t *cfg)
{
    /* Every byte set, padding included, so configs compare with memcmp. */
    memset(cfg, 0, sizeof *cfg);
    cfg->workers = 3;
    cfg->jobs = 9;
    cfg->kind = JOB_SLEEP;
    cfg->duration = (duration_spec_t){ DUR_FIXED, 1000000000, 0 };
    cfg->jobs_cap = 100;
    cfg->results_cap = 100;
    cfg->collect = COLLECT_COUNT;
    cfg->producer = PRODUCER_UPFRONT;
    cfg->interval = 100000000;
    cfg->seed = 1;
    cfg->speed = 1.0;
    cfg->worker_form = WORKER_SELECT;
    cfg->history = 1000000;
}

static bool fail_with(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return false;
}

static bool config_valid(const pool_config_t *c, char *err, size_t errlen)
{
    if (c->workers < 1 || c->workers > POOL_MAX_WORKERS)
        return fail_with(err, errlen, "--workers must be between 1 and 1024");
    if (c->jobs > POOL_MAX_JOBS || (c->jobs < 0 && !(c->jobs == -1 && c->kind == JOB_LINES)))
        return fail_with(err, errlen, "--jobs must be between 0 and 10000000");
    if (c->jobs_cap < 0 || c->results_cap < 0 || c->jobs_cap > POOL_MAX_JOBS || c->results_cap > POOL_MAX_JOBS)
        return fail_with(err, errlen, "channel capacities must be between 0 and 10000000");
    if (c->duration.a < 0 || (c->duration.kind == DUR_UNIFORM && c->duration.b < c->duration.a))
        return fail_with(err, errlen, "--duration must not be negative, and a uniform range must not be reversed");
    if (c->kind == JOB_LINES && !c->dir)
        return fail_with(err, errlen, "--kind lines needs --dir PATH");
    if (!(c->fail >= 0 && c->fail <= 1))
        return fail_with(err, errlen, "--fail must be between 0 and 1");
    if (!(c->speed >= 0.05 && c->speed <= 1000))
        return fail_with(err, errlen, "--speed must be between 0.05 and 1000");
    if (c->timeout < 0 || c->cancel_after < 0 || c->rate < 0 || c->interval < 0)
        return fail_with(err, errlen, "durations must not be negative");
    if (c->worker_form == WORKER_RANGE && (c->timeout || c->cancel_after || c->cancellable))
        return fail_with(err, errlen, "cancellation needs workers that select on ctx.Done() (--worker-form select)");
    return true;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The regular files of dir, sorted, one per lines job. */
static bool list_files(pool_t *p, char *err, size_t errlen)
{
    DIR *d = opendir(p->dir);
    if (!d) {
        snprintf(err, errlen, "--dir %s: %s", p->dir, strerror(errno));
        return false;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *path = xasprintf("%s/%s", p->dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (p->n_files == cap) {
            cap = cap ? 2 * cap : 64;
            p->files = xrealloc(p->files, cap * sizeof *p->files);
        }
        p->files[p->n_files++] = path;
    }
    closedir(d);
    if (p->n_files == 0) {
        snprintf(err, errlen, "--dir %s: no regular files to count", p->dir);
        return false;
    }
    qsort(p->files, p->n_files, sizeof *p->files, by_name);
    return true;
}

/* ---- events ---- */

/* The time of the latest event this thread published, while the thread
 * has neither waited nor worked since: a goroutine's next step (a send or
 * receive about to begin, a job taken up) happens at that time, to within
 * the few instructions between, so it need not read the clock again. Reading
 * it was the largest part of what an event cost. */
static _Thread_local struct {
    const pool_t *pool;
    uint64_t real;
    int64_t virt;
} last_stamp;

/* This thread may have waited: its next step reads the clock. */
static void forget_stamp(void) { last_stamp.pool = NULL; }

/* Stamps ev with the real and virtual time since the start (a core event
 * brings its own), then queues it. */
static void publish_at(pool_t *p, pevent_t *ev, uint64_t real, int64_t virt)
{
    ev->real_ns = real - p->start_real;
    ev->virt_ns = virt - p->virt0;
    bool waited = bus_publish(&p->bus, ev);
    last_stamp.pool = waited ? NULL : p;
    last_stamp.real = real;
    last_stamp.virt = virt;
}

static void publish(pool_t *p, pevent_t *ev)
{
    if (p->cfg.silent && ev->kind != PE_RUN_END)
        return;
    uint64_t real = sys_monotonic_ns();
    publish_at(p, ev, real, vclock_at(rt_clock(p->rt), real));
}

static uint16_t self_actor(void)
{
    gor_t *g = rt_self();
    return g ? (uint16_t)gor_id(g) : 0;
}

static void emit(pool_t *p, pevent_kind_t kind, uint16_t obj, int64_t job, int64_t value, int64_t aux)
{
    pevent_t ev = { .kind = kind, .actor = self_actor(), .obj = obj, .job = job, .value = value, .aux = aux };
    publish(p, &ev);
}

/* emit() for a goroutine's step that follows its previous event with no
 * wait or work between (see last_stamp). */
static void emit_step(pool_t *p, pevent_kind_t kind, uint16_t obj, int64_t job, int64_t value, int64_t aux)
{
    pevent_t ev = { .kind = kind, .actor = self_actor(), .obj = obj, .job = job, .value = value, .aux = aux };
    if (last_stamp.pool == p)
        publish_at(p, &ev, last_stamp.real, last_stamp.virt);
    else
        publish(p, &ev);
}

static void emit_note(pool_t *p, pool_note_t note, int64_t aux)
{
    emit(p, PE_NOTE, 0, 0, note, aux);
}

/* A control that cannot apply: its caller learns why at once (pool_refusal),
 * a view from the note, when the collector has folded it. */
static int refuse(pool_t *p, pool_note_t note, int64_t aux, int rc)
{
    atomic_store_explicit(&p->refusal, (int)note, memory_order_relaxed);
    emit_note(p, note, aux);
    return rc;
}

/* Engine object id of a core object, by the names the engine gave them. */
static uint16_t object_of(const pool_t *p, const char *name)
{
    if (!name)
        return 0;
    if (name == p->jobs_name)
        return EOBJ_JOBS;
    if (name == p->results_name)
        return EOBJ_RESULTS;
    if (name == p->wg_name)
        return EOBJ_WG;
    if (name == p->ctx_name || name == p->done_name)
        return EOBJ_CTX;
    if (name == p->ticker_name)
        return EOBJ_TICKER;
    int k;
    if (sscanf(name, "quit %d", &k) == 1 && k > 0 && k < MAX_WORKERS_EVER)
        return (uint16_t)(EOBJ_QUIT0 + k);
    return 0;
}

static pool_wait_t wait_of(const char *reason)
{
    static const struct { const char *text; pool_wait_t wait; } table[] = {
        { "chan receive", PW_CHAN_RECV }, { "chan send", PW_CHAN_SEND }, { "select", PW_SELECT },
        { "sync.WaitGroup.Wait", PW_WG }, { "sleep", PW_SLEEP },
    };
    if (!reason)
        return PW_NONE;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(reason, table[i].text) == 0)
            return table[i].wait;
    return strstr(reason, "nil chan") ? PW_NIL_CHAN : PW_SELECT;
}

/* role and index of an actor from its goroutine name */
static void actor_of(const char *name, pool_role_t *role, int *index)
{
    *index = 0;
    if (sscanf(name, "worker %d", index) == 1)
        *role = ROLE_WORKER;
    else if (strcmp(name, "producer") == 0)
        *role = ROLE_PRODUCER;
    else if (strcmp(name, "closer") == 0)
        *role = ROLE_CLOSER;
    else
        *role = ROLE_MAIN;
}

static void decode_elem(const pool_t *p, uint16_t obj, const event_t *ce, pevent_t *ev)
{
    if (!ce->elem)
        return;
    if (obj == EOBJ_JOBS && ce->elem_size == sizeof(job_t)) {
        const job_t *j = ce->elem;
        ev->job = j->id;
        ev->aux = j->duration;
    } else if (obj == EOBJ_RESULTS && ce->elem_size == sizeof(result_t)) {
        const result_t *r = ce->elem;
        ev->job = r->job;
        ev->value = r->value;
        ev->err = r->err;
        ev->aux = r->worker;
    }
    (void)p;
}

/* The core's observer: translates each core event into the pool's. Runs on
 * the acting thread, sometimes under a channel lock: it only publishes. */
static void on_core_event(void *ud, const event_t *ce)
{
    pool_t *p = ud;
    pevent_t ev = { .actor = (uint16_t)ce->gor_id, .ok = (int8_t)ce->ok, .err = ce->err };
    ev.obj = object_of(p, ce->obj_name);
    switch (ce->kind) {
    case EV_GOR_START: {
        pool_role_t role;
        int index;
        actor_of(ce->gor_name, &role, &index);
        pevent_t decl = { .kind = PE_ACTOR, .actor = ev.actor, .value = role, .aux = index };
        publish_at(p, &decl, ce->real_ns, ce->virt_ns);
        ev.kind = PE_GOR_START;
        break;
    }
    case EV_GOR_EXIT: ev.kind = PE_GOR_EXIT; break;
    case EV_BLOCK:
        ev.kind = PE_BLOCK;
        ev.wait = (uint8_t)wait_of(ce->wait);
        break;
    case EV_ABORT: ev.kind = PE_ABORT; break;
    case EV_SEND:
    case EV_RECV:
        if (!ev.obj)
            return; /* a job's own timer channel */
        ev.kind = ce->kind == EV_SEND ? PE_SEND : PE_RECV;
        decode_elem(p, ev.obj, ce, &ev);
        break;
    case EV_CLOSE:
        if (!ev.obj)
            return;
        ev.kind = PE_CLOSE;
        break;
    case EV_WG_ADD:
        ev.kind = PE_WG_ADD;
        ev.value = ce->value;
        ev.aux = ce->delta;
        break;
    case EV_WG_WAIT: ev.kind = PE_WG_WAIT; break;
    case EV_CANCEL: ev.kind = PE_CANCEL; ev.obj = EOBJ_CTX; break;
    case EV_TICK: ev.kind = PE_TICK; ev.obj = EOBJ_TICKER; ev.value = ce->value; break;
    case EV_PANIC:
    case EV_DEADLOCK:
        /* The run is over: its time stops here, not when threads unwind. */
        vclock_pause(rt_clock(p->rt));
        ev.kind = ce->kind == EV_PANIC ? PE_PANIC : PE_DEADLOCK;
        break;
    default:
        return; /* timers and halts: the engine reports their effects */
    }
    publish_at(p, &ev, ce->real_ns, ce->virt_ns);
    if (ce->kind == EV_BLOCK)
        forget_stamp(); /* it parks next (event.h: EV_BLOCK comes before any park) */
}

/* ---- the gate: pause and single step ---- */

/* Every goroutine passes here before each step it takes; while paused it
 * waits (outside any core operation, so a paused run is never a deadlock). */
static void gate(pool_t *p)
{
    if (!atomic_load_explicit(&p->gate_closed, memory_order_acquire))
        return;
    forget_stamp();
    sys_check(pthread_mutex_lock(&p->gate_lock));
    while (atomic_load(&p->gate_closed) && p->step_tokens == 0 && !rt_halted(p->rt))
        sys_check(pthread_cond_wait(&p->gate_cond, &p->gate_lock));
    if (atomic_load(&p->gate_closed) && p->step_tokens > 0)
        p->step_tokens--;
    sys_check(pthread_mutex_unlock(&p->gate_lock));
}

static void gate_open_all(pool_t *p)
{
    sys_check(pthread_mutex_lock(&p->gate_lock));
    sys_check(pthread_cond_broadcast(&p->gate_cond));
    sys_check(pthread_mutex_unlock(&p->gate_lock));
}

void pool_pause(pool_t *p)
{
    sys_check(pthread_mutex_lock(&p->gate_lock));
    bool was = atomic_exchange(&p->gate_closed, true);
    p->step_tokens = 0;
    vclock_pause(rt_clock(p->rt));
    int64_t change = was ? 0 : ++p->pause_changes;
    sys_check(pthread_mutex_unlock(&p->gate_lock));
    if (!was) {
        pevent_t ev = { .kind = PE_PAUSE, .actor = self_actor(), .ok = 1, .aux = change };
        publish(p, &ev);
    }
}

void pool_resume(pool_t *p)
{
    sys_check(pthread_mutex_lock(&p->gate_lock));
    bool was = atomic_exchange(&p->gate_closed, false);
    atomic_store(&p->stepping, false);
    vclock_resume(rt_clock(p->rt));
    sys_check(pthread_cond_broadcast(&p->gate_cond));
    int64_t change = was ? ++p->pause_changes : 0;
    sys_check(pthread_mutex_unlock(&p->gate_lock));
    if (was) {
        pevent_t ev = { .kind = PE_PAUSE, .ok = 0, .aux = change };
        publish(p, &ev);
    }
}

bool pool_paused(pool_t *p) { return atomic_load(&p->gate_closed); }

static void pause_now(void *arg) { pool_pause(arg); }

void pool_pause_at(pool_t *p, int64_t when)
{
    if (!p->pause_timer) {
        p->pause_timer = vtimer_new(p->rt, "pause", pause_now, p);
        vtimer_set_passive(p->pause_timer);
    }
    vtimer_reset_at(p->pause_timer, when > INT64_MAX - p->virt0 ? INT64_MAX : when + p->virt0);
}

int64_t pool_now(pool_t *p) { return vclock_now(rt_clock(p->rt)) - p->virt0; }

/* One step: one goroutine may pass the gate, and the clock runs until the
 * collector sees the next event of the run, then stops again. */
void pool_step(pool_t *p)
{
    sys_check(pthread_mutex_lock(&p->gate_lock));
    if (atomic_load(&p->gate_closed)) {
        p->step_tokens = 1;
        atomic_store(&p->step_from, bus_next_seq(&p->bus));
        atomic_store(&p->stepping, true);
        vclock_resume(rt_clock(p->rt));
        sys_check(pthread_cond_broadcast(&p->gate_cond));
    }
    sys_check(pthread_mutex_unlock(&p->gate_lock));
}

/* Collector side of a step: the first event after the step stops the clock. */
static void step_seen(pool_t *p, const pevent_t *ev)
{
    if (!atomic_load_explicit(&p->stepping, memory_order_relaxed) || ev->seq < atomic_load(&p->step_from))
        return;
    if (ev->kind == PE_PAUSE || ev->kind == PE_NOTE)
        return;
    sys_check(pthread_mutex_lock(&p->gate_lock));
    if (atomic_load(&p->stepping) && atomic_load(&p->gate_closed)) {
        vclock_pause(rt_clock(p->rt));
        atomic_store(&p->stepping, false);
    }
    sys_check(pthread_mutex_unlock(&p->gate_lock));
}

int pool_set_speed(pool_t *p, double speed)
{
    if (!(speed >= 0.05 && speed <= 1000))
        return CORE_EINVAL;
    vclock_set_speed(rt_clock(p->rt), speed);
    emit(p, PE_SPEED, 0, 0, (int64_t)(speed * 1000 + 0.5), 0);
    return 0;
}

double pool_speed(pool_t *p) { return vclock_speed(rt_clock(p->rt)); }

/* ---- the plan ---- */

static void emit_plan(pool_t *p, pevent_kind_t kind)
{
    sys_check(pthread_mutex_lock(&p->plan_lock));
    int64_t n = p->jobs_planned;
    int w = p->launched ? p->running_workers : p->workers_wanted;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    pevent_t ev = { .kind = kind, .actor = self_actor(), .job = n, .value = w,
                    .aux = job_ideal_makespan(&p->cfg, n, w), .ok = p->cfg.kind == JOB_LINES };
    publish(p, &ev);
}

/* The producer's next job, or 0 when all planned jobs are sent. */
static int64_t take_job_id(pool_t *p)
{
    sys_check(pthread_mutex_lock(&p->plan_lock));
    int64_t id = p->next_job <= p->jobs_planned ? p->next_job++ : 0;
    if (!id)
        p->producer_finished = true;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    return id;
}

static job_t make_job(const pool_t *p, int64_t id)
{
    return (job_t){ .id = id, .duration = p->cfg.kind == JOB_LINES ? 0 : job_duration(&p->cfg, id) };
}

/* ---- goroutine bodies ---- */

static bool has_ctx(const pool_t *p) { return p->ctx != NULL; }

static void after_fire(void *arg) { chan_try_send(arg, NULL); }

/* timer.Reset(d), making the timer the first time: one per worker, not one
 * per job, since making and freeing a channel and a timer for every job was
 * most of the work woken workers do while virtual time waits for them. */
static void after_arm(pool_t *p, after_t *a, int64_t d)
{
    if (!a->c) {
        a->c = chan_new(p->rt, "time.After", 0, 1);
        a->t = vtimer_new(p->rt, "time.After", after_fire, a->c);
    }
    vtimer_reset(a->t, d);
}

/* timer.Stop(), and drain what it may have sent meanwhile, so the next arm
 * starts empty. */
static void after_disarm(after_t *a)
{
    vtimer_stop(a->t);
    chan_try_recv(a->c, NULL, NULL);
}

static void after_free(after_t *a)
{
    vtimer_free(a->t);
    chan_free(a->c);
}

enum { JOB_DONE, JOB_CANCELLED, JOB_HALTED };

/* Sleep jobs wait on the virtual clock; with a context they give up on cancel. */
static int run_sleep(pool_t *p, worker_t *w, const job_t *j)
{
    if (j->duration <= 0)
        return JOB_DONE;
    if (!has_ctx(p))
        return vclock_sleep(p->rt, j->duration) == 0 ? JOB_DONE : JOB_HALTED;
    after_arm(p, &w->timer, j->duration);
    chan_case_t cases[] = { { .ch = w->timer.c, .dir = CHAN_RECV }, { .ch = ctx_done(p->ctx), .dir = CHAN_RECV } };
    int chosen = -1;
    int rc = chan_select(cases, 2, false, &chosen);
    after_disarm(&w->timer);
    return rc ? JOB_HALTED : chosen == 0 ? JOB_DONE : JOB_CANCELLED;
}

/* Spin jobs compute for their duration scaled by the clock's speed, in short
 * chunks; between chunks they honour pause, cancel and halt. */
static int run_spin(pool_t *p, const job_t *j)
{
    const double chunk_ms = 0.2;
    uint64_t chunk = (uint64_t)(spin_iterations_per_ms() * chunk_ms) + 1;
    double done_ns = 0;
    int reported = 0;
    volatile uint64_t work = (uint64_t)j->id;
    vclock_working(p->rt);
    while (done_ns < (double)j->duration) {
        gate(p);
        if (rt_halted(p->rt))
            return JOB_HALTED;
        if (has_ctx(p) && ctx_err(p->ctx))
            return JOB_CANCELLED;
        work = spin_work(chunk, work);
        done_ns += chunk_ms * 1e6 * vclock_speed(rt_clock(p->rt));
        int permille = done_ns >= (double)j->duration ? 1000 : (int)(done_ns * 1000 / (double)j->duration);
        if (permille / 100 > reported / 100 && permille < 1000) {
            reported = permille;
            emit(p, PE_JOB_PROGRESS, 0, j->id, permille, 0);
        }
    }
    return JOB_DONE;
}

static int process(pool_t *p, worker_t *w, const job_t *j, result_t *r)
{
    int outcome = JOB_DONE;
    r->value = j->id * 2;
    switch (p->cfg.kind) {
    case JOB_SLEEP: outcome = run_sleep(p, w, j); break;
    case JOB_SPIN: outcome = run_spin(p, j); break;
    case JOB_LINES: {
        const char *path = p->files[(size_t)(j->id - 1) % p->n_files];
        vclock_working(p->rt);
        int err = count_lines(path, &r->value);
        if (err)
            r->err = err;
        break;
    }
    }
    if (outcome == JOB_DONE && !r->err && job_fails(&p->cfg, j->id))
        r->err = JOB_ESIMULATED;
    return outcome;
}

/* Waits for the rate limiter's tick; false if the worker should stop. */
static bool wait_tick(pool_t *p, worker_t *w)
{
    emit_step(p, PE_TICK_WAIT, EOBJ_TICKER, 0, 0, 0);
    chan_case_t cases[] = {
        { .ch = ticker_chan(p->ticker), .dir = CHAN_RECV },
        { .ch = has_ctx(p) ? ctx_done(p->ctx) : NULL, .dir = CHAN_RECV },
        { .ch = w->quit, .dir = CHAN_RECV },
    };
    int chosen = -1;
    return chan_select(cases, 3, false, &chosen) == 0 && chosen == 0;
}

/* for j := range jobs, or select { case j, ok := <-jobs: case <-ctx.Done(): case <-quit: } */
static bool next_job(pool_t *p, worker_t *w, job_t *j)
{
    bool ok = false;
    emit_step(p, PE_RECV_BEGIN, EOBJ_JOBS, 0, 0, 0);
    if (p->cfg.worker_form == WORKER_RANGE)
        return chan_recv(p->jobs, j, &ok) == 0 && ok;
    chan_case_t cases[] = {
        { .ch = p->jobs, .dir = CHAN_RECV, .elem = j, .ok = &ok },
        { .ch = has_ctx(p) ? ctx_done(p->ctx) : NULL, .dir = CHAN_RECV },
        { .ch = w->quit, .dir = CHAN_RECV },
    };
    int chosen = -1;
    return chan_select(cases, 3, false, &chosen) == 0 && chosen == 0 && ok;
}

/* results <- r, giving up on cancel when there is a context. */
static bool send_result(pool_t *p, const result_t *r)
{
    emit_step(p, PE_SEND_BEGIN, EOBJ_RESULTS, r->job, r->value, 0);
    if (!has_ctx(p))
        return chan_send(p->results, r) == 0;
    chan_case_t cases[] = {
        { .ch = p->results, .dir = CHAN_SEND, .elem = (void *)r },
        { .ch = ctx_done(p->ctx), .dir = CHAN_RECV },
    };
    int chosen = -1;
    return chan_select(cases, 2, false, &chosen) == 0 && chosen == 0;
}

static void worker_main(void *arg)
{
    worker_t *w = arg;
    pool_t *p = w->pool;
    for (;;) {
        gate(p);
        if (p->ticker && !wait_tick(p, w))
            break;
        job_t j;
        if (!next_job(p, w, &j))
            break;
        gate(p);
        emit_step(p, PE_JOB_START, 0, j.id, 0, j.duration);
        result_t r = { .job = j.id, .worker = w->index };
        int outcome = process(p, w, &j, &r);
        if (outcome != JOB_DONE) {
            if (outcome == JOB_CANCELLED)
                emit(p, PE_JOB_CANCEL, 0, j.id, 0, 0);
            break;
        }
        pevent_t end = { .kind = r.err ? PE_JOB_FAIL : PE_JOB_FINISH, .actor = self_actor(), .job = j.id,
                         .value = r.value, .err = r.err };
        publish(p, &end);
        gate(p);
        if (!send_result(p, &r)) {
            if (!rt_halted(p->rt))
                emit(p, PE_JOB_CANCEL, 0, j.id, r.value, 0);
            break;
        }
    }
    wg_done(p->wg); /* defer wg.Done() */
    atomic_store(&w->exited, true);
}

/* Sends every planned job (more may be planned while it runs), then closes
 * jobs - unless the lesson's mistake is to forget that. */
static void produce(pool_t *p)
{
    int64_t id;
    while ((id = take_job_id(p)) != 0) {
        gate(p);
        job_t j = make_job(p, id);
        emit_step(p, PE_SEND_BEGIN, EOBJ_JOBS, j.id, 0, j.duration);
        if (has_ctx(p)) {
            chan_case_t cases[] = { { .ch = p->jobs, .dir = CHAN_SEND, .elem = &j },
                                    { .ch = ctx_done(p->ctx), .dir = CHAN_RECV } };
            int chosen = -1;
            if (chan_select(cases, 2, false, &chosen) != 0 || chosen != 0)
                break;
        } else if (chan_send(p->jobs, &j) != 0) {
            break;
        }
        if (p->cfg.producer == PRODUCER_DYNAMIC && p->cfg.interval > 0 &&
            vclock_sleep(p->rt, p->cfg.interval) != 0)
            break;
    }
    sys_check(pthread_mutex_lock(&p->plan_lock));
    p->producer_finished = true;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    if (p->cfg.mistake != MISTAKE_FORGET_CLOSE && !rt_halted(p->rt) && !chan_closed(p->jobs))
        chan_close(p->jobs);
}

static void producer_main(void *arg)
{
    pool_t *p = arg;
    produce(p);
}

/* go func() { wg.Wait(); close(results) }() */
static void closer_main(void *arg)
{
    pool_t *p = arg;
    if (wg_wait(p->wg) == 0)
        chan_close(p->results);
}

static char *worker_name(int index) { return xasprintf("worker %d", index); }

/* wg.Add(1); go worker(k). Returns 0 or a CORE_E* code. */
static int start_worker(pool_t *p)
{
    sys_check(pthread_mutex_lock(&p->plan_lock));
    if (p->n_workers >= MAX_WORKERS_EVER || p->running_workers >= POOL_MAX_WORKERS) {
        sys_check(pthread_mutex_unlock(&p->plan_lock));
        return CORE_EINVAL;
    }
    worker_t *w = xcalloc(1, sizeof *w);
    w->pool = p;
    w->index = p->n_workers + 1;
    char *qname = xasprintf("quit %d", w->index);
    w->quit = chan_new(p->rt, qname, 0, 0);
    free(qname);
    p->workers = xrealloc(p->workers, (size_t)(p->n_workers + 1) * sizeof *p->workers);
    p->workers[p->n_workers++] = w;
    p->running_workers++;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    pevent_t decl = { .kind = PE_OBJECT, .obj = (uint16_t)(EOBJ_QUIT0 + w->index), .value = OR_QUIT, .aux = w->index };
    publish(p, &decl);
    wg_add(p->wg, 1);
    char *name = worker_name(w->index);
    int rc = rt_go(p->rt, &w->g, name, worker_main, w);
    free(name);
    if (rc != 0) {
        wg_done(p->wg);
        atomic_store(&w->exited, true);
    }
    return rc;
}

static int collect_count(pool_t *p)
{
    for (int64_t got = 0;; got++) {
        sys_check(pthread_mutex_lock(&p->plan_lock));
        int64_t planned = p->jobs_planned;
        sys_check(pthread_mutex_unlock(&p->plan_lock));
        if (got >= planned)
            return 0;
        gate(p);
        result_t r;
        emit_step(p, PE_RECV_BEGIN, EOBJ_RESULTS, 0, 0, 0);
        if (!has_ctx(p)) {
            if (chan_recv(p->results, &r, NULL) != 0)
                return -1;
            continue;
        }
        chan_case_t cases[] = { { .ch = p->results, .dir = CHAN_RECV, .elem = &r },
                                { .ch = ctx_done(p->ctx), .dir = CHAN_RECV } };
        int chosen = -1;
        if (chan_select(cases, 2, false, &chosen) != 0 || chosen != 0)
            return -1;
    }
}

/* for r := range results */
static void collect_range(pool_t *p)
{
    for (;;) {
        gate(p);
        result_t r;
        bool ok = false;
        emit_step(p, PE_RECV_BEGIN, EOBJ_RESULTS, 0, 0, 0);
        if (chan_recv(p->results, &r, &ok) != 0 || !ok)
            return;
    }
}

/* A Go program ends when main returns: goroutines parked then stay parked
 * forever (reported as left behind), and every other one stops. */
static void main_returns(pool_t *p)
{
    if (rt_halted(p->rt))
        return;
    /* Goroutines that are merely finishing (a worker that saw jobs closed)
     * are not left behind: let every other one reach a park or its end
     * before counting. Bounded, since a goroutine deep in a spin job will
     * not park soon; it counts as left then, as Go would kill it too. */
    for (int i = 0; i < SETTLE_YIELDS && rt_parked(p->rt) < rt_goroutines(p->rt) - 1; i++)
        sched_yield();
    vclock_pause(rt_clock(p->rt)); /* the run's time ends with main */
    int left = rt_goroutines(p->rt) - 1;
    if (left > 0)
        emit_note(p, NOTE_GOROUTINES_LEFT, left);
    rt_halt(p->rt, "main returned");
}

/* for w := 1; w <= W; w++ { wg.Add(1); go worker(w) } - with W as the plan
 * has it when main gets there (workers may be added while paused first). */
static void start_first_workers(pool_t *p)
{
    for (;;) {
        sys_check(pthread_mutex_lock(&p->plan_lock));
        bool more = p->n_workers < p->workers_wanted;
        if (!more)
            p->launched = true;
        sys_check(pthread_mutex_unlock(&p->plan_lock));
        if (!more || start_worker(p) != 0)
            break;
    }
    sys_check(pthread_mutex_lock(&p->plan_lock));
    p->launched = true;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
}

static void main_main(void *arg)
{
    pool_t *p = arg;
    /* The clock waits, stopped, for main: starting the pool takes no
     * virtual time, however long threads take to start at high speed. */
    vclock_hold_self(p->rt);
    if (!pool_paused(p))
        vclock_resume(rt_clock(p->rt));
    if (p->cfg.mistake == MISTAKE_SEND_BEFORE_START) {
        produce(p); /* every job into the channel before any worker exists */
        if (rt_halted(p->rt))
            return;
    }
    start_first_workers(p);
    if (p->cfg.mistake != MISTAKE_SEND_BEFORE_START &&
        rt_go(p->rt, &p->producer_g, "producer", producer_main, p) != 0) {
        main_returns(p);
        return;
    }
    if (p->cfg.mistake == MISTAKE_WAIT_BEFORE_DRAIN) {
        if (wg_wait(p->wg) == 0 && chan_close(p->results) == 0)
            collect_range(p);
    } else if (p->cfg.mistake == MISTAKE_EARLY_CLOSE_RESULTS) {
        /* close(results) while workers still work; the range ends at
         * once, and main waits for the workers - whose sends panic. */
        if (chan_close(p->results) == 0) {
            collect_range(p);
            wg_wait(p->wg);
        }
    } else if (p->cfg.collect == COLLECT_WAITGROUP) {
        if (rt_go(p->rt, &p->closer_g, "closer", closer_main, p) == 0)
            collect_range(p);
    } else {
        collect_count(p);
    }
    main_returns(p);
}

/* ---- live changes ---- */

int pool_add_worker(pool_t *p)
{
    sys_check(pthread_mutex_lock(&p->plan_lock));
    bool launched = p->launched;
    bool none_left = launched && p->running_workers == 0;
    if (!launched && p->workers_wanted < POOL_MAX_WORKERS)
        p->workers_wanted++; /* main has not started its workers yet: one more */
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    if (!launched) {
        emit_plan(p, PE_PLAN);
        return 0;
    }
    /* With every worker gone the WaitGroup may have released the closer:
     * a new worker could only send on a closed results channel. */
    if (none_left || rt_halted(p->rt))
        return refuse(p, NOTE_ALL_EXITED, 0, CORE_EINVAL);
    int rc = start_worker(p);
    if (rc != 0)
        return refuse(p, NOTE_TOO_MANY_WORKERS, POOL_MAX_WORKERS, rc);
    emit_plan(p, PE_PLAN);
    return 0;
}

/* close(quit[k]) for the newest running worker: it leaves at its next select. */
int pool_retire_worker(pool_t *p)
{
    worker_t *victim = NULL;
    sys_check(pthread_mutex_lock(&p->plan_lock));
    if (p->cfg.worker_form == WORKER_SELECT) {
        for (int i = p->n_workers - 1; i >= 0 && !victim; i--) {
            worker_t *w = p->workers[i];
            if (!w->retired && !atomic_load(&w->exited))
                victim = w;
        }
    }
    if (victim) {
        victim->retired = true;
        p->running_workers--;
    }
    bool unlaunched = !p->launched && p->workers_wanted > 1 && p->cfg.worker_form == WORKER_SELECT;
    if (unlaunched)
        p->workers_wanted--; /* main has not started them yet: one fewer */
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    if (unlaunched) {
        emit_plan(p, PE_PLAN);
        return 0;
    }
    if (!victim)
        return refuse(p, p->cfg.worker_form == WORKER_RANGE ? NOTE_NO_QUIT : NOTE_NO_WORKER, 0, CORE_EINVAL);
    chan_close(victim->quit);
    emit_plan(p, PE_PLAN);
    return 0;
}

int pool_add_jobs(pool_t *p, int64_t n)
{
    if (n <= 0)
        return CORE_EINVAL;
    sys_check(pthread_mutex_lock(&p->plan_lock));
    bool open = !p->producer_finished && p->jobs_planned + n <= POOL_MAX_JOBS;
    if (open)
        p->jobs_planned += n;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    if (!open)
        return refuse(p, chan_closed(p->jobs) ? NOTE_JOBS_CLOSED : NOTE_PRODUCER_DONE, 0, CORE_EINVAL);
    emit_plan(p, PE_PLAN);
    return 0;
}

/* Asks the producer to stop after what it has sent, as main would by
 * closing jobs; if the producer is already gone, closes jobs directly. */
int pool_close_jobs(pool_t *p)
{
    sys_check(pthread_mutex_lock(&p->plan_lock));
    bool producing = !p->producer_finished;
    if (producing)
        p->jobs_planned = p->next_job - 1;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    if (producing) {
        emit_plan(p, PE_PLAN);
        return 0;
    }
    if (chan_closed(p->jobs))
        return refuse(p, NOTE_JOBS_CLOSED, 0, CORE_EINVAL);
    return chan_close(p->jobs);
}

int pool_cancel(pool_t *p)
{
    if (!p->ctx)
        return refuse(p, NOTE_NO_CONTEXT, 0, CORE_EINVAL);
    ctx_cancel(p->ctx);
    return 0;
}

/* ---- supervisor and collector ---- */

static pool_outcome_t outcome_of(pool_t *p)
{
    if (atomic_load(&p->aborted))
        return OUTCOME_ABORTED;
    const char *failure = rt_failure(p->rt);
    if (rt_halt_code(p->rt) == CORE_EDEADLOCK)
        return OUTCOME_DEADLOCK;
    if (failure && strncmp(failure, "panic:", 6) == 0)
        return OUTCOME_PANIC;
    return OUTCOME_OK;
}

/* A Go program ends when main returns: goroutines still blocked then are
 * stopped (and reported), the rest joined. */
static void *supervise(void *arg)
{
    pool_t *p = arg;
    rt_join(p->main_g);
    pool_outcome_t outcome = outcome_of(p);
    gate_open_all(p);
    rt_join(p->producer_g);
    rt_join(p->closer_g);
    sys_check(pthread_mutex_lock(&p->plan_lock));
    int n = p->n_workers;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    for (int i = 0; i < n; i++)
        rt_join(p->workers[i]->g);
    atomic_store(&p->outcome, outcome);
    sys_check(pthread_mutex_lock(&p->plan_lock));
    int64_t planned = p->jobs_planned;
    sys_check(pthread_mutex_unlock(&p->plan_lock));
    pevent_t end = { .kind = PE_RUN_END, .err = outcome, .aux = job_serial_time(&p->cfg, planned) };
    publish(p, &end);
    return NULL;
}

/* Room for one more kept event without dropping one: the ring grows by
 * doubling (a short run with a huge bound costs what it keeps). It grows
 * only before it first wraps, so the events stay in place. When memory runs
 * out the bound becomes what is already there: older events are dropped
 * (and counted), the run goes on. */
static bool history_room(pool_t *p)
{
    if (p->hist_len < p->hist_size)
        return true;
    if (p->hist_size >= p->hist_cap)
        return false;
    size_t size = p->hist_size ? p->hist_size * 2 : 1024;
    if (size > p->hist_cap)
        size = p->hist_cap;
    pevent_t *grown = realloc(p->history, size * sizeof *grown);
    if (!grown) {
        p->hist_cap = p->hist_size;
        return p->hist_len < p->hist_size;
    }
    p->history = grown;
    p->hist_size = size;
    return true;
}

/* Slot i of the history ring (i < hist_size), without a division. */
static size_t history_slot(const pool_t *p, size_t i)
{
    size_t s = p->hist_head + i;
    return s >= p->hist_size ? s - p->hist_size : s;
}

/* Keeps the last hist_cap events; older ones fold into the base model.
 * Returns true when ev pushed an event out. */
static bool remember(pool_t *p, const pevent_t *ev)
{
    if (p->cfg.history == 0)
        return false; /* none kept, none trimmed */
    if (history_room(p)) {
        p->history[history_slot(p, p->hist_len++)] = *ev;
        return false;
    }
    p->trimmed++;
    if (p->hist_size == 0) { /* not even one slot could be had */
        model_apply(&p->base, ev);
        return true;
    }
    model_apply(&p->base, &p->history[p->hist_head]);
    p->history[p->hist_head] = *ev;
    p->hist_head = history_slot(p, 1);
    return true;
}

/* How many of the next n kept events will push one out. */
static uint64_t trims_ahead(const pool_t *p, size_t n)
{
    if (p->cfg.history == 0)
        return 0;
    size_t room = p->hist_cap - p->hist_len;
    return n > room ? n - room : 0;
}

static void deliver_locked(pool_t *p, const pevent_t *ev);

/* A PE_HISTORY_TRIMMED after (or, for the run's end, before) ev, saying
 * `dropped`: the count once this note itself is kept. */
static void note_trimmed(pool_t *p, const pevent_t *ev, uint64_t dropped)
{
    pevent_t note = *ev;
    note.kind = PE_HISTORY_TRIMMED;
    note.actor = note.obj = 0;
    note.job = note.aux = 0;
    note.err = 0;
    note.value = (int64_t)dropped;
    deliver_locked(p, &note);
}

/* Folds one event into the model and the history, then shows it to the
 * sink. A trimmed history is itself news, so a view can say that what it
 * replays is not the whole run: the first trim is noted as it happens, and
 * the exact count just before the run's end (counting the note and the end,
 * which push events out too). p->lock held (a batch at a time: a lock per
 * event would cost as much as the fold). */
static void deliver_locked(pool_t *p, const pevent_t *ev)
{
    if (ev->kind == PE_RUN_END && (p->trimmed > 0 || trims_ahead(p, 1) > 0))
        note_trimmed(p, ev, p->trimmed + trims_ahead(p, 2));
    model_apply(&p->model, ev);
    bool trimmed = remember(p, ev);
    step_seen(p, ev);
    if (p->sink)
        p->sink(p->sink_ud, ev, &p->model);
    if (trimmed && !p->trim_noted) {
        p->trim_noted = true;
        note_trimmed(p, ev, p->trimmed + trims_ahead(p, 1));
    }
}

static void *collect(void *arg)
{
    pool_t *p = arg;
    bool ended = false;
    while (!ended) {
        size_t n = bus_take(&p->bus, DRAIN_BATCH, 200);
        sys_check(pthread_mutex_lock(&p->lock));
        for (size_t i = 0; i < n && !ended; i++) {
            const pevent_t *ev = bus_taken(&p->bus, i);
            deliver_locked(p, ev);
            ended = ev->kind == PE_RUN_END;
        }
        sys_check(pthread_mutex_unlock(&p->lock));
        bus_release(&p->bus, n);
    }
    atomic_store(&p->finished, true);
    return NULL;
}

/* ---- lifecycle ---- */

pool_t *pool_new(const pool_config_t *cfg, char *err, size_t errlen)
{
    if (!config_valid(cfg, err, errlen))
        return NULL;
    pool_t *p = xcalloc(1, sizeof *p);
    atomic_init(&p->refusal, NOTE_COUNT);
    p->cfg = *cfg;
    if (cfg->dir) {
        p->dir = xstrdup(cfg->dir);
        p->cfg.dir = p->dir;
    }
    if (cfg->kind == JOB_LINES && !list_files(p, err, errlen)) {
        pool_free(p);
        return NULL;
    }
    if (p->cfg.jobs < 0)
        p->cfg.jobs = (int64_t)p->n_files;
    p->jobs_planned = p->cfg.jobs;
    p->next_job = 1;
    p->workers_wanted = p->cfg.workers;
    sys_check(pthread_mutex_init(&p->lock, NULL));
    sys_check(pthread_mutex_init(&p->plan_lock, NULL));
    sys_check(pthread_mutex_init(&p->gate_lock, NULL));
    sys_check(pthread_cond_init(&p->gate_cond, NULL));
    model_init(&p->model);
    model_init(&p->base);
    p->hist_cap = p->cfg.history;
    bus_init(&p->bus, BUS_SIZE);
    p->rt = rt_new("pool");
    if (!cfg->silent)
        rt_observe(p->rt, on_core_event, p);
    vclock_pause(rt_clock(p->rt)); /* main_main starts it */
    p->virt0 = vclock_now(rt_clock(p->rt));
    vclock_set_speed(rt_clock(p->rt), p->cfg.speed);
    return p;
}

void pool_set_sink(pool_t *p, pool_sink_fn fn, void *ud)
{
    p->sink = fn;
    p->sink_ud = ud;
}

static void declare(pool_t *p, uint16_t obj, pool_obj_role_t role, int64_t aux, int64_t job)
{
    pevent_t ev = { .kind = PE_OBJECT, .obj = obj, .value = role, .aux = aux, .job = job };
    publish(p, &ev);
}

static void cancel_now(void *arg) { ctx_cancel(arg); }

int pool_start(pool_t *p)
{
    if (p->started)
        return CORE_EINVAL;
    p->started = true;
    p->start_real = sys_monotonic_ns();
    if (p->cfg.start_paused)
        pool_pause(p);
    sys_check(pthread_create(&p->collector, NULL, collect, p));
    p->jobs = chan_new(p->rt, "jobs", sizeof(job_t), (size_t)p->cfg.jobs_cap);
    p->results = chan_new(p->rt, "results", sizeof(result_t), (size_t)p->cfg.results_cap);
    p->wg = wg_new(p->rt, "wg");
    if (p->cfg.worker_form == WORKER_SELECT) {
        p->background = ctx_background(p->rt);
        p->ctx = p->cfg.timeout > 0 ? ctx_with_timeout(p->background, "ctx", p->cfg.timeout)
                                    : ctx_with_cancel(p->background, "ctx");
        if (p->cfg.cancel_after > 0)
            p->cancel_timer = vtimer_after_func(p->rt, "cancel", p->cfg.cancel_after, cancel_now, p->ctx);
    }
    if (p->cfg.rate > 0)
        p->ticker = ticker_new(p->rt, "ticker", p->cfg.rate);
    p->jobs_name = chan_name(p->jobs);
    p->results_name = chan_name(p->results);
    p->wg_name = wg_name(p->wg);
    if (p->ctx) {
        p->ctx_name = ctx_name(p->ctx);
        p->done_name = chan_name(ctx_done(p->ctx));
    }
    if (p->ticker)
        p->ticker_name = chan_name(ticker_chan(p->ticker));
    emit_plan(p, PE_RUN_START);
    emit(p, PE_SPEED, 0, 0, (int64_t)(p->cfg.speed * 1000 + 0.5), 0);
    declare(p, EOBJ_JOBS, OR_JOBS, p->cfg.jobs_cap, 0);
    declare(p, EOBJ_RESULTS, OR_RESULTS, p->cfg.results_cap, 0);
    declare(p, EOBJ_WG, OR_WG, 0, 0);
    if (p->ctx)
        declare(p, EOBJ_CTX, OR_CTX, 0, ctx_deadline(p->ctx) == INT64_MAX ? 0 : ctx_deadline(p->ctx) - p->virt0);
    if (p->ticker)
        declare(p, EOBJ_TICKER, OR_TICKER, p->cfg.rate, 0);
    int rc = rt_go(p->rt, &p->main_g, "main", main_main, p);
    if (rc != 0) {
        pevent_t end = { .kind = PE_RUN_END, .err = OUTCOME_ABORTED };
        publish(p, &end);
        return rc;
    }
    sys_check(pthread_create(&p->supervisor, NULL, supervise, p));
    return 0;
}

void pool_wait(pool_t *p)
{
    if (!p->started || p->waited)
        return;
    p->waited = true;
    if (p->main_g)
        sys_check(pthread_join(p->supervisor, NULL));
    sys_check(pthread_join(p->collector, NULL));
}

bool pool_finished(pool_t *p) { return atomic_load(&p->finished); }

void pool_abort(pool_t *p)
{
    if (!p->started || atomic_exchange(&p->aborted, true))
        return;
    rt_halt(p->rt, "run stopped");
    gate_open_all(p);
    vclock_resume(rt_clock(p->rt));
}

void pool_lock(pool_t *p) { sys_check(pthread_mutex_lock(&p->lock)); }
void pool_unlock(pool_t *p) { sys_check(pthread_mutex_unlock(&p->lock)); }
const model_t *pool_model(const pool_t *p) { return &p->model; }
size_t pool_history_len(const pool_t *p) { return p->hist_len; }

const pevent_t *pool_history_at(const pool_t *p, size_t i)
{
    return i < p->hist_len ? &p->history[history_slot(p, i)] : NULL;
}

const model_t *pool_history_base(const pool_t *p) { return &p->base; }

const char *pool_job_path(const pool_t *p, int64_t job)
{
    return p->n_files && job > 0 ? p->files[(size_t)(job - 1) % p->n_files] : NULL;
}

pool_note_t pool_refusal(pool_t *p) { return (pool_note_t)atomic_load_explicit(&p->refusal, memory_order_relaxed); }

const char *pool_failure(const pool_t *p)
{
    int outcome = atomic_load(&((pool_t *)p)->outcome);
    return outcome == OUTCOME_DEADLOCK || outcome == OUTCOME_PANIC ? rt_failure(p->rt) : NULL;
}

int pool_exit_status(const pool_t *p)
{
    int outcome = atomic_load(&((pool_t *)p)->outcome);
    return outcome == OUTCOME_DEADLOCK || outcome == OUTCOME_PANIC ? 2 : 0;
}

void pool_free(pool_t *p)
{
    if (!p)
        return;
    if (p->started && !atomic_load(&p->finished))
        pool_abort(p);
    pool_wait(p);
    vtimer_free(p->cancel_timer);
    vtimer_free(p->pause_timer);
    ticker_free(p->ticker);
    if (p->ctx)
        ctx_free(p->ctx);
    ctx_free(p->background);
    for (int i = 0; i < p->n_workers; i++) {
        chan_free(p->workers[i]->quit);
        after_free(&p->workers[i]->timer);
        free(p->workers[i]);
    }
    free(p->workers);
    chan_free(p->jobs);
    chan_free(p->results);
    wg_free(p->wg);
    rt_free(p->rt);
    bus_done(&p->bus);
    model_done(&p->model);
    model_done(&p->base);
    free(p->history);
    for (size_t i = 0; i < p->n_files; i++)
        free(p->files[i]);
    free(p->files);
    free(p->dir);
    free(p);
}
