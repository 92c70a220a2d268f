/* text.c - the text view (text.h). Only the steps a learner follows are
 * printed: goroutines starting and exiting, jobs sent, started, finished or
 * failed, results received, channels closed, the context's end, notes and
 * failures. Blocks and wake-ups are the TUI's and the trace's business. */
#include "views/text.h"

#include <inttypes.h>
#include <stdarg.h>

#include "core/ctx.h"
#include "views/describe.h"

void text_view_init(text_view_t *v, FILE *out, bool events)
{
    *v = (text_view_t){ .out = out, .events = events };
}

static void line(const text_view_t *v, const pevent_t *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void line(const text_view_t *v, const pevent_t *ev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(v->out, "[%5.2fs] ", view_seconds(ev->virt_ns));
    vfprintf(v->out, fmt, ap);
    putc('\n', v->out);
    va_end(ap);
}

static const char *who(const model_t *m, int actor)
{
    const char *name = view_actor_name(m, actor);
    return name ? name : "runtime";
}

static bool on(const model_t *m, const pevent_t *ev, pool_obj_role_t role)
{
    return view_object_name(m, ev->obj) && m->objects[ev->obj].role == role;
}

/* Why a context ended, once the model has folded its cancel. */
static const char *ctx_reason(const model_t *m)
{
    return ctx_strerror(m->ctx_state == CTX_STATE_DEADLINE ? CTX_DEADLINE_EXCEEDED : CTX_CANCELED);
}

static void plan_line(const text_view_t *v, const pevent_t *ev, const char *what)
{
    line(v, ev, "%s: %" PRId64 " jobs, %" PRId64 " workers (ideal makespan %.2fs)", what, ev->job, ev->value,
         view_seconds(ev->aux));
}

static void job_line(const text_view_t *v, const pevent_t *ev, const model_t *m)
{
    const char *w = who(m, ev->actor);
    char buf[128];
    switch (ev->kind) {
    case PE_JOB_START: line(v, ev, "%s started job %" PRId64, w, ev->job); break;
    case PE_JOB_FINISH: line(v, ev, "%s finished job %" PRId64, w, ev->job); break;
    case PE_JOB_FAIL:
        line(v, ev, "%s failed job %" PRId64 ": processing job %" PRId64 ": %s", w, ev->job, ev->job,
             view_job_error((int32_t)ev->aux, buf, sizeof buf));
        break;
    case PE_JOB_CANCEL: line(v, ev, "%s abandoned job %" PRId64 ": %s", w, ev->job, ctx_reason(m)); break;
    }
}

static void recv_line(const text_view_t *v, const pevent_t *ev, const model_t *m)
{
    if (!ev->ok || !on(m, ev, OR_RESULTS))
        return;
    char buf[128];
    if (ev->err)
        line(v, ev, "%s received error of job %" PRId64 ": processing job %" PRId64 ": %s", who(m, ev->actor),
             ev->job, ev->job, view_job_error(ev->err, buf, sizeof buf));
    else
        line(v, ev, "%s received result of job %" PRId64 " (value %" PRId64 ")", who(m, ev->actor), ev->job,
             ev->value);
}

void text_view_event(text_view_t *v, const pevent_t *ev, const model_t *m)
{
    if (ev->kind == PE_JOB_START && ev->aux > 0)
        v->work_ns += ev->aux;
    if (!v->events)
        return;
    switch (ev->kind) {
    case PE_RUN_START: plan_line(v, ev, "start"); break;
    case PE_PLAN: plan_line(v, ev, "plan"); break;
    case PE_GOR_START: line(v, ev, "%s started", who(m, ev->actor)); break;
    case PE_GOR_EXIT: line(v, ev, "%s exited", who(m, ev->actor)); break;
    case PE_SEND:
        if (on(m, ev, OR_JOBS))
            line(v, ev, "%s sent job %" PRId64, who(m, ev->actor), ev->job);
        break;
    case PE_RECV: recv_line(v, ev, m); break;
    case PE_CLOSE: line(v, ev, "%s closed %s", who(m, ev->actor), view_object_name(m, ev->obj)); break;
    case PE_WG_WAIT: line(v, ev, "%s: wg.Wait() returned", who(m, ev->actor)); break;
    case PE_CANCEL: line(v, ev, "%s", ctx_strerror(ev->err)); break;
    case PE_JOB_START:
    case PE_JOB_FINISH:
    case PE_JOB_FAIL:
    case PE_JOB_CANCEL: job_line(v, ev, m); break;
    case PE_PANIC: line(v, ev, "%s panicked", who(m, ev->actor)); break;
    case PE_DEADLOCK: line(v, ev, "deadlock: all goroutines are asleep"); break;
    case PE_NOTE:
        if (ev->value == NOTE_GOROUTINES_LEFT)
            line(v, ev, "note: %s (%" PRId64 " goroutines)", pool_note_text(NOTE_GOROUTINES_LEFT), ev->aux);
        else
            line(v, ev, "note: %s", pool_note_text((pool_note_t)ev->value));
        break;
    case PE_RUN_END: line(v, ev, "run ended: %s", pool_outcome_name((pool_outcome_t)ev->err)); break;
    default: break;
    }
}

static void workers_summary(const text_view_t *v, const model_t *m)
{
    for (int id = 1; id < m->n_actors && id < MODEL_MAX_ACTORS; id++) {
        const model_actor_t *a = &m->actors[id];
        if (!a->known || a->role != ROLE_WORKER)
            continue;
        fprintf(v->out, "%s: %" PRId64 " jobs (%" PRId64 " failed), utilization %.0f%%\n", a->name,
                a->jobs_done, a->jobs_failed, 100 * model_utilization(m, id));
    }
}

void text_view_summary(const text_view_t *v, const model_t *m)
{
    FILE *f = v->out;
    fprintf(f, "makespan %.2fs (ideal %.2fs, serial %.2fs)\n", view_seconds(model_makespan(m)),
            view_seconds(m->ideal_makespan), view_seconds(v->work_ns));
    fprintf(f, "throughput %.2f results/s\n", model_throughput(m));
    workers_summary(v, m);
    fprintf(f, "errors: %" PRId64 "\n", m->jobs_failed);
    if (m->ctx_state == CTX_STATE_CANCELED || m->ctx_state == CTX_STATE_DEADLINE)
        fprintf(f, "cancelled: %" PRId64 " jobs (%s)\n", m->jobs_cancelled, ctx_reason(m));
    else
        fprintf(f, "cancelled: %" PRId64 " jobs\n", m->jobs_cancelled);
    fprintf(f,
            "accounting: %" PRId64 " planned = %" PRId64 " completed + %" PRId64 " failed + %" PRId64
            " cancelled + %" PRId64 " lost + %" PRId64 " stuck + %" PRId64 " queued + %" PRId64 " never sent\n",
            m->jobs_planned, m->jobs_completed, m->jobs_failed, m->jobs_cancelled, m->results_lost, m->jobs_stuck,
            model_jobs_queued(m), model_jobs_never_sent(m));
    if (m->history_trimmed)
        fprintf(f, "history: trimmed %" PRIu64 " events\n", m->history_trimmed);
}
