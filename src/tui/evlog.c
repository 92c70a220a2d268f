/* evlog.c - events in words, and the ring of the latest lines (evlog.h). */
#include "tui/evlog.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"

static const char *actor_name(const model_t *m, int id)
{
    if (id > 0 && id < MODEL_MAX_ACTORS && m->actors[id].known)
        return m->actors[id].name;
    return "someone";
}

static const char *object_name(const model_t *m, int id)
{
    if (id > 0 && id < MODEL_MAX_OBJECTS && m->objects[id].known)
        return m->objects[id].name;
    return "a channel";
}

static bool is_known(const model_t *m, int id) { return id > 0 && id < MODEL_MAX_OBJECTS && m->objects[id].known; }

static bool is_obj(const model_t *m, int id, pool_obj_role_t role)
{
    return id > 0 && id < MODEL_MAX_OBJECTS && m->objects[id].known && m->objects[id].role == role;
}

/* The words of an event without its time; false if it has none. */
static bool say(char *b, size_t n, const pevent_t *ev, const model_t *m)
{
    const char *who = actor_name(m, ev->actor);
    const char *what = object_name(m, ev->obj);
    bool jobs = is_obj(m, ev->obj, OR_JOBS), results = is_obj(m, ev->obj, OR_RESULTS);
    long long job = (long long)ev->job, value = (long long)ev->value, aux = (long long)ev->aux;
    switch ((pevent_kind_t)ev->kind) {
    case PE_GOR_START: snprintf(b, n, "%s started", who); break;
    case PE_GOR_EXIT: snprintf(b, n, "%s exited", who); break;
    case PE_BLOCK:
        if (!is_known(m, ev->obj))
            return false; /* a job's own timer: the worker is working, not stuck */
        snprintf(b, n, "%s blocked: %s on %s", who, pool_wait_name((pool_wait_t)ev->wait), what);
        break;
    case PE_ABORT: snprintf(b, n, "%s was stopped while blocked on %s", who, what); break;
    case PE_SEND:
        if (results)
            snprintf(b, n, "%s sent the result of job %lld", who, job);
        else
            snprintf(b, n, "%s sent job %lld into %s", who, job, what);
        break;
    case PE_RECV:
        if (!ev->ok)
            snprintf(b, n, "%s found %s closed and empty", who, what);
        else if (results && ev->err)
            snprintf(b, n, "%s collected job %lld: error", who, job);
        else if (results)
            snprintf(b, n, "%s collected job %lld: %lld", who, job, value);
        else if (jobs)
            snprintf(b, n, "%s took job %lld from jobs", who, job);
        else
            snprintf(b, n, "%s received from %s", who, what);
        break;
    case PE_CLOSE: snprintf(b, n, "%s closed %s", who, what); break;
    case PE_WG_ADD:
        if (ev->aux == -1)
            snprintf(b, n, "%s: wg.Done(), counter %lld", who, value);
        else
            snprintf(b, n, "%s: wg.Add(%lld), counter %lld", who, aux, value);
        break;
    case PE_WG_WAIT: snprintf(b, n, "%s: wg.Wait() returned", who); break;
    case PE_CANCEL:
        snprintf(b, n, "context %s", ev->err == CTX_DEADLINE_EXCEEDED ? "deadline exceeded" : "canceled");
        break;
    case PE_TICK:
        if (ev->ok)
            return false; /* a tick a second would drown the log */
        snprintf(b, n, "tick dropped: nobody was waiting");
        break;
    case PE_PANIC: snprintf(b, n, "panic in %s", who); break;
    case PE_DEADLOCK: snprintf(b, n, "fatal error: all goroutines are asleep - deadlock!"); break;
    case PE_JOB_START: snprintf(b, n, "%s started job %lld", who, job); break;
    case PE_JOB_FINISH: snprintf(b, n, "%s finished job %lld: %lld", who, job, value); break;
    case PE_JOB_FAIL: snprintf(b, n, "%s failed job %lld", who, job); break;
    case PE_JOB_CANCEL: snprintf(b, n, "%s gave up job %lld: context done", who, job); break;
    case PE_SPEED: snprintf(b, n, "speed %gx", (double)ev->value / 1000.0); break;
    case PE_PAUSE: snprintf(b, n, "%s", ev->ok ? "paused" : "resumed"); break;
    case PE_NOTE: snprintf(b, n, "%s", pool_note_text((pool_note_t)ev->value)); break;
    case PE_RUN_START: snprintf(b, n, "run started: %lld jobs, %lld workers", job, value); break;
    case PE_PLAN: snprintf(b, n, "plan: %lld jobs, %lld workers", job, value); break;
    case PE_RUN_END: snprintf(b, n, "run ended: %s", pool_outcome_name((pool_outcome_t)ev->err)); break;
    default: return false; /* progress, begins, declarations: the panes show them */
    }
    return true;
}

bool evlog_format(char *buf, size_t len, const pevent_t *ev, const model_t *m)
{
    char words[EVLOG_WIDTH];
    if (len)
        buf[0] = '\0';
    if (!say(words, sizeof words, ev, m))
        return false;
    /* A line longer than the pane is cut when drawn anyway. */
    if (snprintf(buf, len, "%8.3fs  %s", (double)ev->virt_ns / 1e9, words) >= (int)len)
        buf[len - 1] = '\0';
    return true;
}

void evlog_reset(evlog_t *l) { l->head = l->len = 0; }

void evlog_add(evlog_t *l, const pevent_t *ev, const model_t *m)
{
    char line[EVLOG_WIDTH];
    if (!evlog_format(line, sizeof line, ev, m))
        return; /* formatted aside: a full ring's oldest line must survive */
    memcpy(l->lines[(l->head + l->len) % EVLOG_LINES], line, sizeof line);
    if (l->len == EVLOG_LINES)
        l->head = (l->head + 1) % EVLOG_LINES;
    else
        l->len++;
}

const char *evlog_line(const evlog_t *l, size_t i)
{
    return i < l->len ? l->lines[(l->head + l->len - 1 - i) % EVLOG_LINES] : NULL;
}
