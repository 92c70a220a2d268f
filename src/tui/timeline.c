/* timeline.c - per-worker job spans folded from a run's events (timeline.h).
 *
 * A span opens at a worker's PE_JOB_START and closes at its PE_JOB_FINISH,
 * PE_JOB_FAIL or PE_JOB_CANCEL; a worker that exits, or a run that ends, with
 * a span open leaves it stuck (the job never finished). Like the model, any
 * input is safe: ids are range-checked, since replays read files. */
#include "tui/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "model/model.h"

void timeline_init(timeline_t *t)
{
    memset(t, 0, sizeof *t);
    t->spans = xcalloc(TIMELINE_MAX_SPANS, sizeof *t->spans);
    t->lane_of = xcalloc(MODEL_MAX_ACTORS, sizeof *t->lane_of);
    t->open = xcalloc(MODEL_MAX_ACTORS + 1, sizeof *t->open);
}

void timeline_done(timeline_t *t)
{
    free(t->spans);
    free(t->lane_of);
    free(t->open);
    memset(t, 0, sizeof *t);
}

void timeline_reset(timeline_t *t)
{
    t->head = t->len = 0;
    t->added = 0;
    t->n_lanes = 0;
    t->now = 0;
    t->events = 0;
    t->died = false;
    memset(t->lane_of, 0, MODEL_MAX_ACTORS * sizeof *t->lane_of);
    memset(t->open, 0, (MODEL_MAX_ACTORS + 1) * sizeof *t->open);
}

const tl_span_t *timeline_span(const timeline_t *t, size_t i)
{
    return i < t->len ? &t->spans[(t->head + i) % TIMELINE_MAX_SPANS] : NULL;
}

const tl_span_t *timeline_span_at(const timeline_t *t, size_t i, uint64_t k, tl_span_t *buf)
{
    const tl_span_t *s = timeline_span(t, i);
    if (!s || s->opened_at >= k)
        return NULL;
    *buf = *s;
    if (s->closed_at >= k)
        buf->how = SPAN_RUNNING;
    return buf;
}

/* The open span of a lane, if it is still kept. */
static tl_span_t *open_span(timeline_t *t, int lane)
{
    if (lane <= 0 || t->open[lane] == 0)
        return NULL;
    uint64_t k = (uint64_t)t->open[lane] - 1;
    if (t->added - k > t->len)
        return NULL; /* it fell off the ring */
    return &t->spans[k % TIMELINE_MAX_SPANS];
}

static void close_span(timeline_t *t, int lane, int64_t at, span_how_t how)
{
    tl_span_t *s = open_span(t, lane);
    if (lane > 0)
        t->open[lane] = 0;
    if (!s)
        return;
    s->end = at < s->start ? s->start : at;
    s->how = how;
    s->closed_at = t->events;
}

static void open_new(timeline_t *t, int lane, const pevent_t *ev)
{
    close_span(t, lane, ev->virt_ns, SPAN_STUCK); /* a start without an end */
    if (t->len == TIMELINE_MAX_SPANS) {
        t->head = (t->head + 1) % TIMELINE_MAX_SPANS;
        t->len--;
    }
    t->spans[t->added % TIMELINE_MAX_SPANS] =
        (tl_span_t){.job = ev->job, .start = ev->virt_ns, .end = ev->virt_ns, .lane = lane, .how = SPAN_RUNNING,
                    .opened_at = t->events, .closed_at = UINT64_MAX};
    t->len++;
    t->added++;
    t->open[lane] = (int64_t)t->added;
}

static int lane_of(const timeline_t *t, int actor)
{
    return actor > 0 && actor < MODEL_MAX_ACTORS ? t->lane_of[actor] : 0;
}

static void declare(timeline_t *t, const pevent_t *ev)
{
    if (ev->actor == 0 || ev->actor >= MODEL_MAX_ACTORS)
        return;
    bool worker = ev->value == ROLE_WORKER && ev->aux > 0 && ev->aux <= MODEL_MAX_ACTORS;
    t->lane_of[ev->actor] = worker ? (int)ev->aux : 0;
    if (worker && ev->aux > t->n_lanes)
        t->n_lanes = (int)ev->aux;
}

static void end_run(timeline_t *t, int64_t at)
{
    for (int lane = 1; lane <= t->n_lanes; lane++)
        close_span(t, lane, at, SPAN_STUCK);
}

static void apply(timeline_t *t, const pevent_t *ev)
{
    if (t->died)
        return; /* what unwinding does after a death is not the program's */
    if (ev->kind == PE_DEADLOCK || ev->kind == PE_PANIC) {
        /* The jobs in hand at that moment never end. */
        t->died = true;
        end_run(t, ev->virt_ns > t->now ? ev->virt_ns : t->now);
    }
    if (ev->virt_ns > t->now)
        t->now = ev->virt_ns;
    int lane = lane_of(t, ev->actor);
    switch ((pevent_kind_t)ev->kind) {
    case PE_ACTOR: declare(t, ev); break;
    case PE_JOB_START:
        if (lane)
            open_new(t, lane, ev);
        break;
    case PE_JOB_FINISH: close_span(t, lane, ev->virt_ns, SPAN_DONE); break;
    case PE_JOB_FAIL: close_span(t, lane, ev->virt_ns, SPAN_FAILED); break;
    case PE_JOB_CANCEL: close_span(t, lane, ev->virt_ns, SPAN_CANCELLED); break;
    case PE_GOR_EXIT: close_span(t, lane, ev->virt_ns, SPAN_STUCK); break;
    case PE_RUN_END: end_run(t, ev->virt_ns); break;
    default: break;
    }
}

void timeline_apply(timeline_t *t, const pevent_t *ev)
{
    apply(t, ev);
    t->events++;
}
