/* model.h - the state of a run, as a pure fold over its events.
 *
 * model_apply() is the only way the state changes, so a live run, a replay
 * from a JSON lines file and a rewind in the TUI all see the same state for
 * the same events. Views read a model and never change it. Memory is bounded
 * by the channel capacities and worker count, never by the number of jobs:
 * of the collected results only the counts and the most recent ones are kept.
 *
 * Not thread-safe: the owner serializes model_apply() with readers. */
#ifndef POOLVIZ_MODEL_MODEL_H
#define POOLVIZ_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pevent.h"

#define MODEL_RECENT_RESULTS 64
#define MODEL_MAX_ACTORS 2048
#define MODEL_MAX_OBJECTS 2048

typedef enum {
    WS_STARTING,      /* idle: started, or between jobs (its result sent, or its
                         job cancelled), and not asking for a job yet */
    WS_WAITING_JOB,   /* asking for a job: receiving from jobs, parked or not */
    WS_WORKING,       /* running job `job` */
    WS_BLOCKED_SEND,  /* parked sending its result */
    WS_WAITING_TICK,  /* waiting for the rate limiter */
    WS_EXITED,
    WS_COUNT
} worker_state_t;

/* A FIFO of job ids (or result values) mirroring a channel's buffer. */
typedef struct {
    int64_t *items;
    size_t head, len, size; /* ring storage; size grows to the channel's capacity */
} model_fifo_t;

typedef struct {
    bool known;
    pool_role_t role;
    int index;             /* worker K */
    char name[24];
    bool exited;
    bool blocked;          /* parked in a core operation */
    pool_wait_t wait;      /* what on, while blocked */
    int wait_obj;          /* object id, while blocked */
    /* workers only */
    worker_state_t state;
    int64_t job;           /* the job it holds: from receiving it until its
                              result is sent or it is cancelled; 0 none */
    int64_t job_start;     /* virtual ns */
    int64_t job_duration;  /* virtual ns */
    int progress;          /* per mille */
    bool running;          /* job started and not finished: busy_ns lacks it */
    int64_t jobs_done;
    int64_t jobs_failed;
    int64_t busy_ns;       /* virtual time spent working on jobs */
    int64_t job_start_real, busy_real_ns; /* the same in real ns (for real work) */
    int64_t started_at, exited_at;
    /* What this actor's current block added to an object's blocked counts,
     * so its end takes away exactly that and the counts never drift. */
    int counted_obj;       /* object id, 0 none */
    int8_t counted;        /* 0 none, 1 a blocked sender, 2 a blocked receiver */
} model_actor_t;

typedef struct {
    bool known;
    pool_obj_role_t role;
    int index;
    char name[24];
    int64_t capacity;      /* channels */
    bool closed;
    model_fifo_t fifo;     /* jobs: job ids; results: job ids of the results */
    int64_t blocked_senders, blocked_receivers;
} model_object_t;

typedef struct {
    int64_t job;
    int64_t value;
    int worker;            /* worker index */
    bool failed;
} model_result_t;

typedef enum { CTX_STATE_NONE, CTX_STATE_ACTIVE, CTX_STATE_CANCELED, CTX_STATE_DEADLINE } model_ctx_state_t;

typedef struct {
    uint64_t events;            /* folded so far */
    int64_t now;                /* virtual ns of the latest event */
    uint64_t real_now;
    double speed;
    bool paused;
    int64_t pause_change;       /* aux of the PE_PAUSE that set `paused` */
    bool started, ended;
    bool died;                  /* a deadlock or panic: the picture is frozen there */
    int64_t died_at;            /* virtual ns of that deadlock or panic */
    pool_outcome_t outcome;

    int64_t jobs_planned;       /* N, including jobs added live */
    int workers_planned;
    int64_t ideal_makespan;     /* virtual ns: every planned job on the planned
                                   workers; kept as it was while no worker is left */
    int64_t serial_time;        /* virtual ns: every planned job on one worker
                                   (their durations summed); known at the end */
    int64_t run_start_at;       /* virtual ns of PE_RUN_START: makespans count from here */
    int64_t run_start_real;     /* real ns of PE_RUN_START */
    bool real_time;             /* the jobs do real work (lines) that the virtual
                                   clock does not time: figures are in real time,
                                   and there is no ideal */

    model_actor_t actors[MODEL_MAX_ACTORS];     /* by actor id */
    int n_actors;                               /* highest id + 1 */
    model_object_t objects[MODEL_MAX_OBJECTS];  /* by object id */
    int n_objects;
    int jobs_obj, results_obj, wg_obj, ctx_obj; /* object ids, 0 if none */

    int64_t wg_counter;
    model_ctx_state_t ctx_state;
    int64_t ctx_deadline;       /* virtual ns, or INT64_MAX */

    /* Accounting. After PE_RUN_END every planned job is in exactly one place:
     *   jobs_planned == jobs_completed + jobs_failed + jobs_cancelled
     *                 + results_lost + jobs_stuck
     *                 + model_jobs_queued() + model_jobs_never_sent()
     * (never sent, still in the jobs channel, held by a worker when the run
     * stopped, in the results channel uncollected, collected, or cancelled).
     * During a run a job in a worker's hands is in none of them. */
    int64_t jobs_sent;          /* into the jobs channel */
    int64_t jobs_taken;         /* by a worker */
    int64_t jobs_completed;     /* results collected without error */
    int64_t jobs_failed;        /* results collected with an error */
    int64_t jobs_cancelled;     /* abandoned by a worker on cancel */
    int64_t results_lost;       /* left in the results channel at PE_RUN_END */
    int64_t jobs_stuck;         /* held by a worker at PE_RUN_END (a deadlock,
                                   a panic, an abort) */
    int64_t results_collected;
    int64_t ticks, ticks_dropped;

    model_result_t recent[MODEL_RECENT_RESULTS]; /* ring of the latest collected */
    size_t recent_head, recent_len;

    int64_t first_job_start;    /* virtual ns, -1 until a job starts */
    int64_t last_result_at;     /* virtual ns of the latest collected result */
    int64_t last_result_real;   /* real ns of the same */
    uint64_t history_trimmed;
    int last_note;              /* pool_note_t of the latest PE_NOTE, -1 none */
    int64_t last_note_aux;
} model_t;

void model_init(model_t *m);
void model_done(model_t *m);
/* Makes dst an independent copy of src (dst must be initialized). */
void model_copy(model_t *dst, const model_t *src);
/* Folds one event. Any input is safe (replay reads files). An actor or
 * object never declared (PE_ACTOR, PE_OBJECT; id 0 is "none") is left out
 * of an event: the rest of it still counts (a send on jobs by an undeclared
 * actor still queues the job). */
void model_apply(model_t *m, const pevent_t *ev);

/* Whether an event of this kind still changes a model after a deadlock or
 * panic (the run's bookkeeping); the rest is the runtime unwinding, which
 * the program never did, so views leave it out too. */
bool model_counts_after_death(pevent_kind_t kind);

/* The i-th element of a fifo, 0 = the oldest (the next to be received). */
int64_t model_fifo_at(const model_fifo_t *f, size_t i);

/* Derived figures. */
/* Virtual ns from the start (0) to the last collected result, or to now
 * while none has been collected. */
int64_t model_makespan(const model_t *m);
/* The same in real ns, for runs of real work (real_time). */
int64_t model_real_makespan(const model_t *m);
/* Results per virtual second (per real second when real_time). */
double model_throughput(const model_t *m);
/* A worker's busy time over the run's (its makespan once over), 0..1. */
double model_utilization(const model_t *m, int actor);
int64_t model_jobs_queued(const model_t *m);      /* in the jobs channel now */
int64_t model_jobs_never_sent(const model_t *m);
const model_result_t *model_recent(const model_t *m, size_t i); /* i = 0: newest */
const char *worker_state_name(worker_state_t s);
#endif
