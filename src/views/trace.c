/* trace.c - the Chrome trace writer (trace.h).
 *
 * Written as the run goes, so memory stays bounded however long it runs: a
 * span ("ph":"X") is written when it ends, from the start each track
 * remembers. A block ends with its actor's next event (the send, receive or
 * abort that unparked it); whatever is still open at the end of the run (a
 * deadlock's blocks, a stuck job) ends there. */
#include "views/trace.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/ctx.h"
#include "core/xalloc.h"
#include "views/describe.h"
#include "views/json.h"

typedef struct {
    int64_t job, job_start; /* job 0: none running */
    bool blocked;
    int64_t block_start;
    uint8_t wait;
    uint16_t obj;
    char block_name[64];
} track_t;

struct trace {
    FILE *f;
    bool first;
    int64_t now; /* virtual ns of the latest event */
    track_t tracks[MODEL_MAX_ACTORS];
};

/* Virtual ns as the format's microseconds, exactly. */
static void put_us(FILE *f, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    fprintf(f, "%" PRId64 ".%03d", ns / 1000, (int)(ns % 1000));
}

/* Starts one trace event; the caller adds fields and the closing brace. */
static void begin(trace_t *t, const char *ph, int tid, int64_t ts, const char *name)
{
    fputs(t->first ? "\n" : ",\n", t->f);
    t->first = false;
    fprintf(t->f, "{\"ph\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":", ph, tid);
    put_us(t->f, ts);
    fputs(",\"name\":", t->f);
    json_put_string(t->f, name);
}

static void metadata(trace_t *t, int tid, const char *what, const char *key, const char *text, int number)
{
    begin(t, "M", tid, 0, what);
    fprintf(t->f, ",\"args\":{\"%s\":", key);
    if (text)
        json_put_string(t->f, text);
    else
        fprintf(t->f, "%d", number);
    fputs("}}", t->f);
}

/* A complete event from start to end; args (may be NULL) is a JSON object body. */
static void span(trace_t *t, int tid, int64_t start, int64_t end, const char *name, const char *args)
{
    begin(t, "X", tid, start, name);
    fputs(",\"dur\":", t->f);
    put_us(t->f, end - start);
    if (args)
        fprintf(t->f, ",\"args\":{%s}", args);
    fputs("}", t->f);
}

/* scope: "t" on the actor's track, "g" across the whole trace. */
static void instant(trace_t *t, int tid, int64_t ts, const char *name, const char *scope)
{
    begin(t, "i", tid, ts, name);
    fprintf(t->f, ",\"s\":\"%s\"}", scope);
}

trace_t *trace_open(FILE *f)
{
    trace_t *t = xcalloc(1, sizeof *t);
    t->f = f;
    t->first = true;
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", f);
    metadata(t, 0, "process_name", "name", "poolviz run (virtual time)", 0);
    metadata(t, 0, "thread_name", "name", "runtime", 0);
    metadata(t, 0, "thread_sort_index", "sort_index", NULL, 1000000);
    return t;
}

static track_t *track(trace_t *t, int actor)
{
    return actor > 0 && actor < MODEL_MAX_ACTORS ? &t->tracks[actor] : NULL;
}

static void end_block(trace_t *t, int actor, int64_t at)
{
    track_t *k = track(t, actor);
    if (!k || !k->blocked)
        return;
    k->blocked = false;
    if (at > k->block_start) /* a park the clock never saw is no span */
        span(t, actor, k->block_start, at, k->block_name, NULL);
}

static void begin_block(trace_t *t, const pevent_t *ev, const model_t *m)
{
    track_t *k = track(t, ev->actor);
    if (!k || k->job)
        return; /* a job's own sleep is its work, shown as the job */
    const char *obj = view_object_name(m, ev->obj);
    const char *wait = pool_wait_name((pool_wait_t)ev->wait);
    if (obj)
        snprintf(k->block_name, sizeof k->block_name, "blocked: %s (%s)", *wait ? wait : "?", obj);
    else
        snprintf(k->block_name, sizeof k->block_name, "blocked: %s", *wait ? wait : "?");
    k->blocked = true;
    k->block_start = ev->virt_ns;
}

/* Ends the job running on actor's track; args says how it ended. */
static void end_job(trace_t *t, int actor, int64_t at, const char *args)
{
    track_t *k = track(t, actor);
    if (!k || !k->job)
        return;
    char name[40];
    snprintf(name, sizeof name, "job %" PRId64, k->job);
    char full[256];
    snprintf(full, sizeof full, "\"job\":%" PRId64 "%s%s", k->job, args ? "," : "", args ? args : "");
    span(t, actor, k->job_start, at, name, full);
    k->job = 0;
}

static void job_event(trace_t *t, const pevent_t *ev, const model_t *m)
{
    track_t *k = track(t, ev->actor);
    char args[200], buf[128], quoted[160];
    switch (ev->kind) {
    case PE_JOB_START:
        if (k) {
            end_job(t, ev->actor, ev->virt_ns, "\"unfinished\":true");
            k->job = ev->job;
            k->job_start = ev->virt_ns;
        }
        break;
    case PE_JOB_FINISH:
        snprintf(args, sizeof args, "\"value\":%" PRId64, ev->value);
        end_job(t, ev->actor, ev->virt_ns, args);
        break;
    case PE_JOB_FAIL:
        snprintf(args, sizeof args, "\"error\":%s",
                 json_quote(quoted, sizeof quoted, view_job_error(ev->err, buf, sizeof buf)));
        end_job(t, ev->actor, ev->virt_ns, args);
        break;
    case PE_JOB_CANCEL:
        if (k && k->job == ev->job) {
            snprintf(args, sizeof args, "\"cancelled\":\"%s\"",
                     ctx_strerror(m->ctx_state == CTX_STATE_DEADLINE ? CTX_DEADLINE_EXCEEDED : CTX_CANCELED));
            end_job(t, ev->actor, ev->virt_ns, args);
        } else {
            snprintf(buf, sizeof buf, "result of job %" PRId64 " dropped: context done", ev->job);
            instant(t, ev->actor, ev->virt_ns, buf, "t");
        }
        break;
    }
}

static void counter(trace_t *t, const pevent_t *ev, const model_t *m)
{
    const char *name = view_object_name(m, ev->obj);
    if (!name || (m->objects[ev->obj].role != OR_JOBS && m->objects[ev->obj].role != OR_RESULTS))
        return;
    begin(t, "C", 0, ev->virt_ns, name);
    fprintf(t->f, ",\"args\":{\"queued\":%zu}}", m->objects[ev->obj].fifo.len);
}

static void declare(trace_t *t, const pevent_t *ev, const model_t *m)
{
    const char *name = view_actor_name(m, ev->actor);
    if (!name)
        return;
    metadata(t, ev->actor, "thread_name", "name", name, 0);
    /* main, producer, closer above the workers, in order */
    int order = ev->value == ROLE_WORKER ? 10 + (int)ev->aux : (int)ev->value;
    metadata(t, ev->actor, "thread_sort_index", "sort_index", NULL, order);
}

static void end_run(trace_t *t, int64_t at)
{
    for (int a = 1; a < MODEL_MAX_ACTORS; a++) {
        end_block(t, a, at);
        end_job(t, a, at, "\"stuck\":true");
    }
}

void trace_event(trace_t *t, const pevent_t *ev, const model_t *m)
{
    char buf[160];
    t->now = ev->virt_ns;
    if (ev->kind != PE_ACTOR)
        end_block(t, ev->actor, ev->virt_ns);
    switch (ev->kind) {
    case PE_ACTOR: declare(t, ev, m); break;
    case PE_BLOCK: begin_block(t, ev, m); break;
    case PE_JOB_START:
    case PE_JOB_FINISH:
    case PE_JOB_FAIL:
    case PE_JOB_CANCEL: job_event(t, ev, m); break;
    case PE_GOR_EXIT: end_job(t, ev->actor, ev->virt_ns, "\"unfinished\":true"); break;
    case PE_SEND:
    case PE_RECV: counter(t, ev, m); break;
    case PE_CLOSE:
        snprintf(buf, sizeof buf, "close(%s)", view_object_name(m, ev->obj) ? view_object_name(m, ev->obj) : "?");
        instant(t, ev->actor, ev->virt_ns, buf, "t");
        break;
    case PE_CANCEL: instant(t, ev->actor, ev->virt_ns, ctx_strerror(ev->err), "g"); break;
    case PE_PANIC: instant(t, ev->actor, ev->virt_ns, "panic", "g"); break;
    case PE_DEADLOCK:
        instant(t, ev->actor, ev->virt_ns, "fatal error: all goroutines are asleep - deadlock!", "g");
        break;
    case PE_NOTE: instant(t, ev->actor, ev->virt_ns, pool_note_text((pool_note_t)ev->value), "g"); break;
    case PE_RUN_END:
        end_run(t, ev->virt_ns);
        snprintf(buf, sizeof buf, "run end: %s", pool_outcome_name((pool_outcome_t)ev->err));
        instant(t, 0, ev->virt_ns, buf, "g");
        break;
    default: break;
    }
}

int trace_close(trace_t *t)
{
    end_run(t, t->now);
    fputs("\n]}\n", t->f);
    int rc = ferror(t->f) ? -1 : 0;
    free(t);
    return rc;
}
