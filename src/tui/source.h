/* source.h - what the live view shows: a run of the pool as it happens, or
 * a recorded run played back. ui.c reads, draws and controls either through
 * this table, so both get the same screens, the same keys and the same
 * rewind; what a replay cannot do (change the run) is a NULL entry, which
 * the view answers with "replay: read-only".
 *
 * Threads: every entry is called on the UI thread. A live run's model and
 * history change on the pool's collector thread, so they are read only
 * between lock and unlock; a replay changes only in tick and the controls,
 * so its lock does nothing. */
#ifndef POOLVIZ_TUI_SOURCE_H
#define POOLVIZ_TUI_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pevent.h"
#include "engine/pool.h"
#include "model/model.h"
#include "tui/draw.h"

/* The controls that change a run (keys w W j c x); j adds this many jobs. */
#define SOURCE_ADD_JOBS 3
typedef enum { CTL_ADD_WORKER, CTL_RETIRE_WORKER, CTL_ADD_JOBS, CTL_CLOSE_JOBS, CTL_CANCEL } source_ctl_t;

typedef struct {
    view_source_t kind;
    /* Starts the run once the terminal is up (its threads must inherit the
     * view's signal mask). 0, or -1 with one line in err. NULL: nothing to start. */
    int (*start)(void *ud, char *err, size_t errlen);
    void (*stop)(void *ud); /* ends the run and frees ud; the terminal is already back */

    /* Read between lock and unlock. The history holds the events so far
     * from history_base on (its first events may have been trimmed). */
    void (*lock)(void *ud);
    void (*unlock)(void *ud);
    const model_t *(*model)(void *ud);
    size_t (*history_len)(void *ud);
    const pevent_t *(*history_at)(void *ud, size_t i);
    const model_t *(*history_base)(void *ud);
    /* Go's panic or deadlock text once the run failed that way, or NULL.
     * Locked too. */
    const char *(*failure)(void *ud);
    /* Counts the runs the source went through (a lesson starts several);
     * when it changes, the view forgets what it showed. Locked too. NULL:
     * one run (a restart says so itself). */
    uint64_t (*generation)(void *ud);

    /* The clock. */
    bool (*paused)(void *ud);
    void (*pause)(void *ud, bool paused);
    void (*step)(void *ud);        /* paused: exactly one more event, then paused */
    double (*speed)(void *ud);
    void (*set_speed)(void *ud, double speed);
    /* Once a turn of the view's loop: a replay runs its clock and applies
     * the events it reached. NULL: the run moves by itself. */
    void (*tick)(void *ud);
    /* The virtual time to show, when the source keeps the clock (a replay).
     * NULL: the view estimates it between events (a sleeping job emits none). */
    int64_t (*now)(void *ud);
    /* True when nothing more will come though the model has not seen the
     * run's end (a recording cut short). NULL: never. */
    bool (*exhausted)(void *ud);

    /* Changes the run: 0, or a negative CORE_E* code (the run says why in a
     * PE_NOTE). NULL: read-only. */
    int (*control)(void *ud, source_ctl_t ctl);
    /* The run again from its beginning (key r): a live run starts anew, a
     * replay plays the recording from its start. 0, or -1 when a live run
     * could not start again. */
    int (*restart)(void *ud);
} source_ops_t;

typedef struct {
    const source_ops_t *ops;
    void *ud;
} source_t;

/* A live run of cfg, not started (the view starts it). */
source_t source_live(const pool_config_t *cfg);
/* A replay of n events (ownership taken, n >= 1). */
source_t source_replay(pevent_t *events, size_t n);

#endif
