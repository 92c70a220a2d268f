/* pevent.h - the pool's event: one record per thing that happened in a run,
 * from the core (channel, WaitGroup, context, ticker operations) and from the
 * engine itself (jobs starting, progressing, finishing). The model folds
 * these; the text, JSON lines and trace views print them; replay reads them
 * back. A record is plain data: names are looked up in the run's tables
 * (pool_actor(), pool_object()). */
#ifndef POOLVIZ_ENGINE_PEVENT_H
#define POOLVIZ_ENGINE_PEVENT_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    /* from the core */
    PE_GOR_START,  /* actor started (worker k started, producer started, ...) */
    PE_GOR_EXIT,   /* actor exited */
    PE_BLOCK,      /* actor parked in op `wait` on obj */
    PE_ABORT,      /* actor's parked op was aborted by a halt */
    PE_SEND,       /* actor's send on obj completed; job/value carry the element */
    PE_RECV,       /* actor received from obj; ok == false: closed and drained */
    PE_CLOSE,      /* actor closed obj */
    PE_WG_ADD,     /* value: new counter, aux: delta */
    PE_WG_WAIT,    /* actor's wg.Wait() returned */
    PE_CANCEL,     /* context cancelled; err: CTX_CANCELED or CTX_DEADLINE_EXCEEDED */
    PE_TICK,       /* rate-limit ticker ticked; ok == false: dropped */
    PE_PANIC,      /* Go panic; pool_failure() has the text */
    PE_DEADLOCK,   /* all goroutines asleep; pool_failure() has the report */
    /* from the engine */
    PE_SEND_BEGIN, /* actor is about to send job/value on obj */
    PE_RECV_BEGIN, /* actor is about to receive from obj */
    PE_JOB_START,  /* actor (a worker) started job; aux: its duration in virtual ns */
    PE_JOB_PROGRESS, /* value: progress in per mille */
    PE_JOB_FINISH, /* job done; value: its result */
    PE_JOB_FAIL,   /* job failed; value: its result, err: the error (as the result's) */
    PE_JOB_CANCEL, /* job abandoned because the context was cancelled */
    PE_TICK_WAIT,  /* worker waits for a tick before its next job */
    PE_SPEED,      /* clock speed changed; value: speed x 1000 */
    PE_PAUSE,      /* ok: true paused, false resumed; aux: the change's number, rising */
    PE_NOTE,       /* a control request the engine refused or noted; value: pool_note_t */
    PE_RUN_START,  /* the first event; job: jobs planned, value: workers, aux: ideal
                      makespan; ok: 1 when the jobs do real work (lines) that
                      virtual time does not measure: no ideal, real-time figures */
    PE_PLAN,       /* the plan changed (jobs added, workers added/retired); as PE_RUN_START */
    PE_ACTOR,      /* declares actor: value: pool_role_t, aux: index (worker k) */
    PE_OBJECT,     /* declares obj: value: pool_obj_role_t, aux: capacity (jobs,
                      results) or index (quit K); ctx: job: deadline (virtual
                      ns), 0 for none */
    PE_HISTORY_TRIMMED, /* value: events dropped from the kept history so far */
    PE_RUN_END,    /* the run is over (the last event); err: pool_outcome_t,
                      aux: the serial time of every job planned (durations summed) */
    PE_KIND_COUNT
} pevent_kind_t;

typedef struct {
    uint64_t seq;      /* position in the run, from 0 */
    uint64_t real_ns;  /* since the run started */
    int64_t virt_ns;   /* virtual clock */
    int64_t job;       /* job id (1-based), or 0 */
    int64_t value;     /* element value (result), counter, progress, ... */
    int64_t aux;       /* delta, duration */
    uint16_t kind;     /* pevent_kind_t */
    uint16_t actor;    /* actor id (pool_actor()), 0 for none (timer thread, controls) */
    uint16_t obj;      /* object id (pool_object()), 0 for none */
    uint8_t wait;      /* PE_BLOCK: pool_wait_t */
    int8_t ok;
    int32_t err;
} pevent_t;

/* What a PE_BLOCK parks on, as Go names it ("chan receive", ...). */
typedef enum { PW_NONE, PW_CHAN_RECV, PW_CHAN_SEND, PW_SELECT, PW_WG, PW_SLEEP, PW_NIL_CHAN, PW_COUNT } pool_wait_t;

/* Who an actor is. Names follow: "main", "producer", "closer", "worker K". */
typedef enum { ROLE_MAIN, ROLE_PRODUCER, ROLE_CLOSER, ROLE_WORKER, ROLE_COUNT } pool_role_t;

/* What an object is. Names: "jobs", "results", "wg", "ctx", "ticker", "quit K". */
typedef enum { OR_JOBS, OR_RESULTS, OR_WG, OR_CTX, OR_TICKER, OR_QUIT, OR_TIMER, OR_COUNT } pool_obj_role_t;

/* PE_NOTE values. */
typedef enum {
    NOTE_JOBS_CLOSED,      /* jobs cannot be added: the jobs channel is closed */
    NOTE_NO_WORKER,        /* no running worker to retire */
    NOTE_TOO_MANY_WORKERS, /* the worker limit is reached */
    NOTE_PRODUCER_DONE,    /* the producer has already finished */
    NOTE_GOROUTINES_LEFT,  /* aux: goroutines still running or blocked when main returned */
    NOTE_NO_CONTEXT,       /* nothing to cancel: range-form workers have no context */
    NOTE_NO_QUIT,          /* range-form workers have no quit channel to retire them by */
    NOTE_ALL_EXITED,       /* no worker can be added: every worker has exited */
    NOTE_COUNT
} pool_note_t;

/* PE_RUN_END err. */
typedef enum { OUTCOME_OK, OUTCOME_DEADLOCK, OUTCOME_PANIC, OUTCOME_ABORTED } pool_outcome_t;

const char *pevent_kind_name(pevent_kind_t kind);
/* Inverse of pevent_kind_name; -1 when unknown. */
int pevent_kind_parse(const char *name);
const char *pool_wait_name(pool_wait_t wait);
const char *pool_role_name(pool_role_t role);
const char *pool_obj_role_name(pool_obj_role_t role);
const char *pool_note_text(pool_note_t note);
const char *pool_outcome_name(pool_outcome_t outcome);

#endif
