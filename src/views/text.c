/* text.c - the text view (text.h) and the one place events are put into
 * words: `poolviz run` prints the steps a learner follows (goroutines
 * starting and exiting, jobs sent, started, finished or failed, results
 * received, channels closed, the context's end, notes and failures); the
 * live view's log says those the same way and adds the details its panes
 * animate (blocks, jobs taken, WaitGroup counts, dropped ticks, speed). */
#include "views/text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "core/ctx.h"
#include "views/describe.h"

void text_view_init(text_view_t *v, FILE *out, bool events)
{
    *v = (text_view_t){ .out = out, .events = events };
}

/* ---- events in words ---- */

static const char *who(const model_t *m, int actor)
{
    const char *name = view_actor_name(m, actor);
    return name ? name : "runtime";
}

static const char *what(const model_t *m, int obj)
{
    const char *name = view_object_name(m, obj);
    return name ? name : "a channel";
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

/* snprintf that returns the level it is given, so each case is one line. */
static text_level_t say(text_level_t level, char *b, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static text_level_t say(text_level_t level, char *b, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, n, fmt, ap);
    va_end(ap);
    return level;
}

/* "job" or "jobs" for a count of n. */
static const char *jobs_word(int64_t n) { return n == 1 ? "job" : "jobs"; }

static text_level_t plan_words(char *b, size_t n, const pevent_t *ev, const char *title)
{
    char ideal[40];
    if (ev->ok)
        snprintf(ideal, sizeof ideal, "real work: no ideal");
    else
        snprintf(ideal, sizeof ideal, "ideal makespan %.2fs", view_seconds(ev->aux));
    return say(TEXT_STEP, b, n, "%s: %" PRId64 " %s, %" PRId64 " %s (%s)", title, ev->job, jobs_word(ev->job),
               ev->value, ev->value == 1 ? "worker" : "workers", ideal);
}

/* path: the file of a lines job, or NULL. */
static text_level_t job_words(char *b, size_t n, const pevent_t *ev, const model_t *m, const char *path)
{
    const char *w = who(m, ev->actor);
    char err[128], file[128] = "";
    if (path) {
        const char *slash = strrchr(path, '/');
        const char *base = slash ? slash + 1 : path;
        if (ev->kind == PE_JOB_FINISH)
            snprintf(file, sizeof file, " (%s: %" PRId64 " %s)", base, ev->value, ev->value == 1 ? "line" : "lines");
        else
            snprintf(file, sizeof file, " (%s)", base);
    }
    switch (ev->kind) {
    case PE_JOB_START: return say(TEXT_STEP, b, n, "%s started job %" PRId64 "%s", w, ev->job, file);
    case PE_JOB_FINISH: return say(TEXT_STEP, b, n, "%s finished job %" PRId64 "%s", w, ev->job, file);
    case PE_JOB_FAIL:
        return say(TEXT_STEP, b, n, "%s failed job %" PRId64 "%s: processing job %" PRId64 ": %s", w, ev->job, file,
                   ev->job, view_job_error(ev->err, err, sizeof err));
    default: return say(TEXT_STEP, b, n, "%s abandoned job %" PRId64 "%s: %s", w, ev->job, file, ctx_reason(m));
    }
}

static text_level_t send_words(char *b, size_t n, const pevent_t *ev, const model_t *m)
{
    if (on(m, ev, OR_JOBS))
        return say(TEXT_STEP, b, n, "%s sent job %" PRId64, who(m, ev->actor), ev->job);
    if (on(m, ev, OR_RESULTS))
        return say(TEXT_DETAIL, b, n, "%s sent the result of job %" PRId64, who(m, ev->actor), ev->job);
    return say(TEXT_DETAIL, b, n, "%s sent on %s", who(m, ev->actor), what(m, ev->obj));
}

static text_level_t recv_words(char *b, size_t n, const pevent_t *ev, const model_t *m)
{
    const char *w = who(m, ev->actor);
    char err[128];
    if (!ev->ok)
        return say(TEXT_DETAIL, b, n, "%s found %s closed and empty", w, what(m, ev->obj));
    if (on(m, ev, OR_RESULTS) && ev->err)
        return say(TEXT_STEP, b, n, "%s received error of job %" PRId64 ": processing job %" PRId64 ": %s", w,
                   ev->job, ev->job, view_job_error(ev->err, err, sizeof err));
    if (on(m, ev, OR_RESULTS))
        return say(TEXT_STEP, b, n, "%s received result of job %" PRId64 " (value %" PRId64 ")", w, ev->job,
                   ev->value);
    if (on(m, ev, OR_JOBS))
        return say(TEXT_DETAIL, b, n, "%s took job %" PRId64 " from jobs", w, ev->job);
    return say(TEXT_DETAIL, b, n, "%s received from %s", w, what(m, ev->obj));
}

static text_level_t note_words(char *b, size_t n, const pevent_t *ev)
{
    if (ev->value == NOTE_GOROUTINES_LEFT)
        return say(TEXT_STEP, b, n, "note: %s (%" PRId64 " %s)", pool_note_text(NOTE_GOROUTINES_LEFT), ev->aux,
                   ev->aux == 1 ? "goroutine" : "goroutines");
    return say(TEXT_STEP, b, n, "note: %s", pool_note_text((pool_note_t)ev->value));
}

static text_level_t format_event(char *b, size_t n, const pevent_t *ev, const model_t *m, const char *path)
{
    if (n)
        b[0] = '\0';
    const char *w = who(m, ev->actor);
    switch ((pevent_kind_t)ev->kind) {
    case PE_RUN_START: return plan_words(b, n, ev, "start");
    case PE_PLAN: return plan_words(b, n, ev, "plan");
    case PE_GOR_START: return say(TEXT_STEP, b, n, "%s started", w);
    case PE_GOR_EXIT: return say(TEXT_STEP, b, n, "%s exited", w);
    case PE_SEND: return send_words(b, n, ev, m);
    case PE_RECV: return recv_words(b, n, ev, m);
    case PE_CLOSE: return say(TEXT_STEP, b, n, "%s closed %s", w, what(m, ev->obj));
    case PE_WG_WAIT: return say(TEXT_STEP, b, n, "%s: wg.Wait() returned", w);
    case PE_CANCEL: return say(TEXT_STEP, b, n, "%s", ctx_strerror(ev->err));
    case PE_JOB_START:
    case PE_JOB_FINISH:
    case PE_JOB_FAIL:
    case PE_JOB_CANCEL: return job_words(b, n, ev, m, path);
    case PE_PANIC: return say(TEXT_STEP, b, n, "%s panicked", w);
    case PE_DEADLOCK: return say(TEXT_STEP, b, n, "deadlock: all goroutines are asleep");
    case PE_NOTE: return note_words(b, n, ev);
    case PE_RUN_END: return say(TEXT_STEP, b, n, "run ended: %s", pool_outcome_name((pool_outcome_t)ev->err));
    case PE_BLOCK:
        /* A block on no object is a job's own timer: working, not stuck. */
        if (!view_object_name(m, ev->obj))
            return TEXT_NONE;
        return say(TEXT_DETAIL, b, n, "%s blocked: %s on %s", w, pool_wait_name((pool_wait_t)ev->wait),
                   what(m, ev->obj));
    case PE_ABORT:
        if (!view_object_name(m, ev->obj))
            return say(TEXT_DETAIL, b, n, "%s was stopped: the run halted", w);
        return say(TEXT_DETAIL, b, n, "%s was stopped while blocked on %s", w, what(m, ev->obj));
    case PE_WG_ADD:
        if (ev->aux == -1)
            return say(TEXT_DETAIL, b, n, "%s: wg.Done(), counter %" PRId64, w, ev->value);
        return say(TEXT_DETAIL, b, n, "%s: wg.Add(%" PRId64 "), counter %" PRId64, w, ev->aux, ev->value);
    case PE_TICK:
        /* A tick a second would drown the log; a dropped one is news. */
        return ev->ok ? TEXT_NONE : say(TEXT_DETAIL, b, n, "tick dropped: nobody was waiting");
    case PE_SPEED: return say(TEXT_DETAIL, b, n, "speed %gx", (double)ev->value / 1000.0);
    case PE_PAUSE: return say(TEXT_DETAIL, b, n, "%s", ev->ok ? "paused" : "resumed");
    default: return TEXT_NONE; /* progress, begins, declarations: the panes show them */
    }
}

text_level_t text_format_event(char *b, size_t n, const pevent_t *ev, const model_t *m)
{
    return format_event(b, n, ev, m, NULL);
}

text_level_t text_format_line_of_file(char *buf, size_t n, const pevent_t *ev, const model_t *m, const char *path)
{
    char words[256];
    text_level_t level = format_event(words, sizeof words, ev, m, path);
    if (level == TEXT_NONE)
        return TEXT_NONE;
    snprintf(buf, n, "[%5.2fs] %s", view_seconds(ev->virt_ns), words);
    return level;
}

text_level_t text_format_line(char *buf, size_t n, const pevent_t *ev, const model_t *m)
{
    return text_format_line_of_file(buf, n, ev, m, NULL);
}

void text_view_event(text_view_t *v, const pevent_t *ev, const model_t *m)
{
    if (!v->events)
        return;
    char line[320];
    const char *path = v->job_path && ev->job > 0 ? v->job_path(v->job_path_ud, ev->job) : NULL;
    if (text_format_line_of_file(line, sizeof line, ev, m, path) == TEXT_STEP)
        fprintf(v->out, "%s\n", line);
}
static void workers_summary(const text_view_t *v, const model_t *m)
{
    for (int id = 1; id < m->n_actors && id < MODEL_MAX_ACTORS; id++) {
        const model_actor_t *a = &m->actors[id];
        if (!a->known || a->role != ROLE_WORKER)
            continue;
        fprintf(v->out, "%s: %" PRId64 " %s (%" PRId64 " failed), utilization %.0f%%\n", a->name, a->jobs_done,
                jobs_word(a->jobs_done), a->jobs_failed, 100 * model_utilization(m, id));
    }
}

void text_view_summary(const text_view_t *v, const model_t *m)
{
    FILE *f = v->out;
    int64_t collected = m->jobs_completed + m->jobs_failed;
    if (m->real_time) {
        /* Real work takes real time, which no plan predicts. */
        char span[32];
        fprintf(f, "makespan %s real time (real work: no ideal)\n",
                view_real_span(model_real_makespan(m), span, sizeof span));
    } else {
        /* The ideal (every planned job on the planned workers, no
         * overhead) and the serial time (on one worker) are the plan's; a
         * run cut short says so, as its makespan covers only what it did. */
        fprintf(f, "makespan %.2fs (ideal %.2fs, serial %.2fs)\n", view_seconds(model_makespan(m)),
                view_seconds(m->ideal_makespan), view_seconds(m->serial_time));
        if (collected < m->jobs_planned)
            fprintf(f, "cut short: %" PRId64 " of %" PRId64 " planned %s collected (ideal and serial are for the whole plan)\n",
                    collected, m->jobs_planned, jobs_word(m->jobs_planned));
    }
    fprintf(f, "throughput %.2f results/s%s\n", model_throughput(m), m->real_time ? " (real time)" : "");
    workers_summary(v, m);
    fprintf(f, "errors: %" PRId64 "\n", m->jobs_failed);
    if (m->ctx_state == CTX_STATE_CANCELED || m->ctx_state == CTX_STATE_DEADLINE)
        fprintf(f, "cancelled: %" PRId64 " %s (%s)\n", m->jobs_cancelled, jobs_word(m->jobs_cancelled), ctx_reason(m));
    else
        fprintf(f, "cancelled: %" PRId64 " %s\n", m->jobs_cancelled, jobs_word(m->jobs_cancelled));
    fprintf(f,
            "accounting: %" PRId64 " planned = %" PRId64 " completed + %" PRId64 " failed + %" PRId64
            " cancelled + %" PRId64 " lost + %" PRId64 " stuck + %" PRId64 " queued + %" PRId64 " never sent\n",
            m->jobs_planned, m->jobs_completed, m->jobs_failed, m->jobs_cancelled, m->results_lost, m->jobs_stuck,
            model_jobs_queued(m), model_jobs_never_sent(m));
    if (m->history_trimmed)
        fprintf(f, "history: trimmed %" PRIu64 " events\n", m->history_trimmed);
}
