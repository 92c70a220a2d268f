/* pevent.c - the name tables of pevent.h and the parser of event kinds.
 *
 * The kind names are the "kind" field of the JSON lines format, so they are a
 * file format: rename one and old files no longer replay. Every lookup takes
 * any value (replay reads files, a view may hold a stale number) and answers
 * "?" (or "" for a text) instead of reading past a table. */
#include "pevent.h"

#include <stddef.h>
#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kind_names[] = {
    [PE_GOR_START] = "gor_start",
    [PE_GOR_EXIT] = "gor_exit",
    [PE_BLOCK] = "block",
    [PE_ABORT] = "abort",
    [PE_SEND] = "send",
    [PE_RECV] = "recv",
    [PE_CLOSE] = "close",
    [PE_WG_ADD] = "wg_add",
    [PE_WG_WAIT] = "wg_wait",
    [PE_CANCEL] = "cancel",
    [PE_TICK] = "tick",
    [PE_PANIC] = "panic",
    [PE_DEADLOCK] = "deadlock",
    [PE_SEND_BEGIN] = "send_begin",
    [PE_RECV_BEGIN] = "recv_begin",
    [PE_JOB_START] = "job_start",
    [PE_JOB_PROGRESS] = "job_progress",
    [PE_JOB_FINISH] = "job_finish",
    [PE_JOB_FAIL] = "job_fail",
    [PE_JOB_CANCEL] = "job_cancel",
    [PE_TICK_WAIT] = "tick_wait",
    [PE_SPEED] = "speed",
    [PE_PAUSE] = "pause",
    [PE_NOTE] = "note",
    [PE_RUN_START] = "run_start",
    [PE_PLAN] = "plan",
    [PE_ACTOR] = "actor",
    [PE_OBJECT] = "object",
    [PE_HISTORY_TRIMMED] = "history_trimmed",
    [PE_RUN_END] = "run_end",
};
_Static_assert(COUNT_OF(kind_names) == PE_KIND_COUNT, "a pevent kind has no name");

/* Go's own wait reasons, as a goroutine dump prints them. */
static const char *const wait_names[] = {
    [PW_NONE] = "",
    [PW_CHAN_RECV] = "chan receive",
    [PW_CHAN_SEND] = "chan send",
    [PW_SELECT] = "select",
    [PW_WG] = "sync.WaitGroup.Wait",
    [PW_SLEEP] = "sleep",
    [PW_NIL_CHAN] = "chan receive (nil chan)",
};
_Static_assert(COUNT_OF(wait_names) == PW_COUNT, "a wait reason has no name");

static const char *const role_names[] = {
    [ROLE_MAIN] = "main",
    [ROLE_PRODUCER] = "producer",
    [ROLE_CLOSER] = "closer",
    [ROLE_WORKER] = "worker",
};
_Static_assert(COUNT_OF(role_names) == ROLE_COUNT, "a role has no name");

static const char *const obj_role_names[] = {
    [OR_JOBS] = "jobs",
    [OR_RESULTS] = "results",
    [OR_WG] = "wg",
    [OR_CTX] = "ctx",
    [OR_TICKER] = "ticker",
    [OR_QUIT] = "quit",
    [OR_TIMER] = "timer",
};
_Static_assert(COUNT_OF(obj_role_names) == OR_COUNT, "an object role has no name");

static const char *const note_texts[] = {
    [NOTE_JOBS_CLOSED] = "cannot add jobs: the jobs channel is closed",
    [NOTE_NO_WORKER] = "cannot retire a worker: none is running",
    [NOTE_TOO_MANY_WORKERS] = "cannot add a worker: the worker limit is reached",
    [NOTE_PRODUCER_DONE] = "the producer has already finished",
    [NOTE_GOROUTINES_LEFT] = "main returned while goroutines were still running or blocked",
    [NOTE_NO_CONTEXT] = "nothing to cancel: range-form workers have no context",
    [NOTE_NO_QUIT] = "cannot retire a worker: range-form workers have no quit channel (use --worker-form select)",
    [NOTE_ALL_EXITED] = "cannot add a worker: every worker has exited and results may be closed",
};
_Static_assert(COUNT_OF(note_texts) == NOTE_COUNT, "a note has no text");

static const char *const outcome_names[] = {
    [OUTCOME_OK] = "ok",
    [OUTCOME_DEADLOCK] = "deadlock",
    [OUTCOME_PANIC] = "panic",
    [OUTCOME_ABORTED] = "aborted",
};
_Static_assert(COUNT_OF(outcome_names) == OUTCOME_ABORTED + 1, "an outcome has no name");

/* table[i], or `fallback` for any i outside it (enums may arrive as any int). */
static const char *lookup(const char *const *table, size_t n, long i, const char *fallback)
{
    return i >= 0 && (size_t)i < n ? table[i] : fallback;
}

#define LOOKUP(table, i, fallback) lookup(table, COUNT_OF(table), (long)(i), fallback)

const char *pevent_kind_name(pevent_kind_t kind) { return LOOKUP(kind_names, kind, "?"); }

int pevent_kind_parse(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < COUNT_OF(kind_names); i++)
        if (strcmp(kind_names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *pool_wait_name(pool_wait_t wait) { return LOOKUP(wait_names, wait, "?"); }

const char *pool_role_name(pool_role_t role) { return LOOKUP(role_names, role, "?"); }

const char *pool_obj_role_name(pool_obj_role_t role) { return LOOKUP(obj_role_names, role, "?"); }

const char *pool_note_text(pool_note_t note) { return LOOKUP(note_texts, note, ""); }

const char *pool_outcome_name(pool_outcome_t outcome) { return LOOKUP(outcome_names, outcome, "?"); }
