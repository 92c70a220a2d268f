/* eval.c - a lesson's conditions against a run's model: what `expect` and
 * `run until` test, the observed value for a report, and the condition as
 * text. Pure reads of the model (and of pool_failure() once the run ended). */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson/run.h"

static const model_actor_t *find_actor(const model_t *m, pool_role_t role, int index)
{
    for (int i = 1; i < m->n_actors; i++)
        if (m->actors[i].known && m->actors[i].role == role && (role != ROLE_WORKER || m->actors[i].index == index))
            return &m->actors[i];
    return NULL;
}

static int actor_id(const model_t *m, const model_actor_t *a) { return (int)(a - m->actors); }

static bool obj_closed(const model_t *m, int obj) { return obj > 0 && m->objects[obj].known && m->objects[obj].closed; }

/* Every planned job is somewhere (model.h); during a run, in a worker's
 * hands too. */
static bool accounted(const model_t *m)
{
    int64_t held = 0;
    if (!m->ended)
        for (int i = 1; i < m->n_actors; i++)
            if (m->actors[i].known && m->actors[i].role == ROLE_WORKER && !m->actors[i].exited && m->actors[i].job)
                held++;
    int64_t where = m->jobs_completed + m->jobs_failed + m->jobs_cancelled + m->results_lost + m->jobs_stuck +
                    model_jobs_queued(m) + model_jobs_never_sent(m) + held;
    return where == m->jobs_planned;
}

static int64_t live_workers(const model_t *m)
{
    int64_t n = 0;
    for (int i = 1; i < m->n_actors; i++)
        n += m->actors[i].known && m->actors[i].role == ROLE_WORKER && !m->actors[i].exited;
    return n;
}

/* 3s, 1.5s, 250ms, 12us */
static void format_dur(int64_t ns, char *buf, size_t len)
{
    if (ns != 0 && ns % 1000000 != 0 && ns < 1000000)
        snprintf(buf, len, "%gus", (double)ns / 1e3);
    else if (ns < 1000000000)
        snprintf(buf, len, "%gms", (double)ns / 1e6);
    else
        snprintf(buf, len, "%gs", (double)ns / 1e9);
}

/* The numeric value of a counted, timed or named field. */
static int64_t value_of(const lesson_cond_t *c, const model_t *m, int64_t sum)
{
    const model_object_t *res = m->results_obj > 0 ? &m->objects[m->results_obj] : NULL;
    switch (c->field) {
    case LF_RESULTS: return m->results_collected;
    case LF_COMPLETED: return m->jobs_completed;
    case LF_FAILED: return m->jobs_failed;
    case LF_CANCELLED: return m->jobs_cancelled;
    case LF_QUEUED: return model_jobs_queued(m);
    case LF_RESULTS_QUEUED: return res && res->known ? (int64_t)res->fifo.len : 0;
    case LF_NEVER_SENT: return model_jobs_never_sent(m);
    case LF_SENT: return m->jobs_sent;
    case LF_TAKEN: return m->jobs_taken;
    case LF_LOST: return m->results_lost;
    case LF_STUCK: return m->jobs_stuck;
    case LF_PLANNED: return m->jobs_planned;
    case LF_WORKERS: return live_workers(m);
    case LF_WG: return m->wg_counter;
    case LF_SUM: return sum;
    case LF_LEFT: return m->last_note == NOTE_GOROUTINES_LEFT ? m->last_note_aux : 0;
    case LF_TIME: return m->now;
    case LF_MAKESPAN: return model_makespan(m);
    case LF_CTX: return m->ctx_state;
    case LF_OUTCOME: return m->ended ? (int64_t)m->outcome + 1 : 0;
    case LF_FINISHED: return m->ended;
    case LF_ACCOUNTED: return accounted(m);
    case LF_JOBS_CLOSED: return obj_closed(m, m->jobs_obj);
    case LF_RESULTS_CLOSED: return obj_closed(m, m->results_obj);
    default: return 0;
    }
}

static const char *named(const lesson_cond_t *c, int64_t v)
{
    static const char *const ctx[] = { "none", "active", "canceled", "deadline" };
    static const char *const outcome[] = { "running", "ok", "deadlock", "panic", "aborted" };
    if (c->field == LF_CTX && v >= 0 && v < 4)
        return ctx[v];
    if (c->field == LF_OUTCOME && v >= 0 && v < 5)
        return outcome[v];
    if (c->field >= LF_FINISHED && c->field <= LF_RESULTS_CLOSED)
        return v ? "yes" : "no";
    if (c->field == LF_WORKER_STATE)
        return lesson_state_keyword((worker_state_t)v);
    return NULL;
}

static void format_value(const lesson_cond_t *c, int64_t v, char *buf, size_t len)
{
    const char *name = named(c, v);
    if (name)
        snprintf(buf, len, "%s", name);
    else if (c->field == LF_TIME || c->field == LF_MAKESPAN)
        format_dur(v, buf, len);
    else
        snprintf(buf, len, "%" PRId64, v);
}

void lesson_snapshot(const model_t *m, int64_t sum, int64_t values[LF_COUNT])
{
    for (int f = 0; f < LF_COUNT; f++)
        values[f] = f < LF_WORKER_STATE ? value_of(&(lesson_cond_t){ .field = (lesson_field_t)f }, m, sum) : 0;
}

lesson_cond_t lesson_cond_resolve(const lesson_cond_t *c, const int64_t values[LF_COUNT])
{
    lesson_cond_t plain = *c;
    if (!c->of_step)
        return plain;
    double scaled = (double)values[c->field] * (double)c->a / 100;
    plain.a = scaled >= 9.2e18 ? INT64_MAX : (int64_t)scaled;
    plain.of_step = 0;
    return plain;
}

/* Set by a test on its own thread, read on a pool's collector thread. */
static atomic_int cores_override;

void lesson_set_cores(int n) { atomic_store(&cores_override, n > 0 ? n : 0); }

int lesson_cores(void)
{
    int n = atomic_load(&cores_override);
    if (n > 0)
        return n;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online >= 1 && online <= 1 << 20 ? (int)online : 1;
}

/* A bound as judged: divided by the cores for `VALUE/cores`. */
static int64_t bound(int64_t v, bool per_core) { return per_core ? v / lesson_cores() : v; }

static bool compare(lesson_op_t op, int64_t v, int64_t a, int64_t b)
{
    switch (op) {
    case LOP_EQ: return v == a;
    case LOP_NE: return v != a;
    case LOP_LT: return v < a;
    case LOP_LE: return v <= a;
    case LOP_GT: return v > a;
    case LOP_GE: return v >= a;
    case LOP_BETWEEN: return v >= a && v <= b;
    default: return false;
    }
}

static bool at_label(const lesson_t *l, const lesson_cond_t *c, const model_t *m, char *got, size_t len)
{
    const model_actor_t *a = find_actor(m, c->who, c->worker);
    if (!a) {
        snprintf(got, len, "no such goroutine yet");
        return false;
    }
    int line = lesson_line_of(l, c->step, m, actor_id(m, a));
    const char *where = a->role == ROLE_WORKER ? lesson_state_keyword(a->exited ? WS_EXITED : a->state)
                                                : lesson_where_name(lesson_where(a));
    if (line >= 0 && l->code[line].label >= 0)
        snprintf(got, len, "%s (%s)", l->labels[l->code[line].label].name, where);
    else
        snprintf(got, len, "no marked line (%s)", where);
    return line >= 0 && line == l->labels[c->a].line;
}

bool lesson_cond_holds(const lesson_t *l, const lesson_cond_t *c, pool_t *p, const model_t *m, int64_t sum,
                       char *got, size_t gotlen)
{
    char scratch[8];
    if (!got) {
        got = scratch;
        gotlen = sizeof scratch;
    }
    got[0] = '\0';
    if (c->field == LF_AT)
        return at_label(l, c, m, got, gotlen);
    if (c->field == LF_FAILURE) {
        /* The outcome is published with the run's end: read it after. */
        const char *f = m->ended && p ? pool_failure(p) : NULL;
        snprintf(got, gotlen, "%s", f ? f : "no failure");
        for (char *nl = strchr(got, '\n'); nl; nl = strchr(nl, '\n'))
            *nl = ' '; /* a report is one line */
        return f && strstr(f, c->text);
    }
    int64_t v;
    if (c->field == LF_WORKER_STATE || c->field == LF_WORKER_JOBS) {
        const model_actor_t *a = find_actor(m, ROLE_WORKER, c->worker);
        if (!a) {
            snprintf(got, gotlen, "no worker %d", c->worker);
            return false;
        }
        v = c->field == LF_WORKER_JOBS ? a->jobs_done : a->exited ? WS_EXITED : (int64_t)a->state;
    } else {
        v = value_of(c, m, sum);
    }
    format_value(c, v, got, gotlen);
    return compare(c->op, v, bound(c->a, c->a_per_core), bound(c->b, c->b_per_core));
}

/* 400ms/cores (200ms on 2 cores): the rule and what it means here. */
static void bound_text(const lesson_cond_t *c, int64_t v, bool per_core, char *buf, size_t len)
{
    char whole[32], here[32];
    format_value(c, v, whole, sizeof whole);
    if (!per_core) {
        snprintf(buf, len, "%s", whole);
        return;
    }
    int n = lesson_cores();
    format_value(c, bound(v, true), here, sizeof here);
    snprintf(buf, len, "%s/cores (%s on %d core%s)", whole, here, n, n == 1 ? "" : "s");
}

void lesson_cond_text(const lesson_t *l, const lesson_cond_t *c, char *buf, size_t len)
{
    static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=", "between", "contains", "at" };
    char subject[48], a[128], b[128];
    if (c->who == ROLE_WORKER || c->field == LF_WORKER_STATE || c->field == LF_WORKER_JOBS)
        snprintf(subject, sizeof subject, "worker %d %s", c->worker, lesson_field_name(c->field));
    else if (c->field == LF_AT)
        snprintf(subject, sizeof subject, "%s at", c->who == ROLE_MAIN ? "main" : c->who == ROLE_PRODUCER ? "producer" : "closer");
    else
        snprintf(subject, sizeof subject, "%s", lesson_field_name(c->field));
    if (c->field == LF_AT) {
        snprintf(buf, len, "%s %s", subject, l->labels[c->a].name);
        return;
    }
    if (c->field == LF_FAILURE) {
        snprintf(buf, len, "%s contains \"%s\"", subject, c->text);
        return;
    }
    bound_text(c, c->a, c->a_per_core, a, sizeof a);
    bound_text(c, c->b, c->b_per_core, b, sizeof b);
    if (c->of_step)
        snprintf(buf, len, "%s %s %d%% of step %d", subject, ops[c->op], (int)c->a, c->of_step);
    else if (c->op == LOP_BETWEEN)
        snprintf(buf, len, "%s between %s and %s", subject, a, b);
    else
        snprintf(buf, len, "%s %s %s", subject, ops[c->op], a);
}
