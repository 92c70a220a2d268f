/* ctx.c - Go's context (ctx.h): background, cancel and deadline contexts.
 *
 * c->lock guards c's list of children and the transition of c->err from
 * CTX_ACTIVE to a cause (err is also atomic so ctx_err() reads it unlocked).
 * A context's own fields (parent, done, deadline, timer) are set before it is
 * published and never change. Cancelling takes c->lock and then each child's
 * (lock order: parent -> child), so cancellation reaches every descendant
 * before ctx_cancel() returns. A deadline timer's callback cancels its
 * context; cancellation stops the timer once c->lock is released (the
 * callback may be waiting for that lock).
 *
 * A deadline timer is passive for deadlock detection: it can wake only a
 * goroutine parked on the done channel of its context or of a descendant,
 * and each such channel says so itself while the deadline is ahead
 * (chan_add_feeder, sched.h). A waiter on done is then no deadlock; a
 * pending deadline nobody waits for does not hide one. */
#include "ctx.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "err.h"
#include "sys.h"
#include "sched.h"
#include "vclock.h"
#include "xalloc.h"

struct ctx {
    rt_t *rt;
    char *name;
    uint64_t id;
    pthread_mutex_t lock;
    ctx_t *parent;
    ctx_t *children;            /* under lock */
    ctx_t *sib_next, *sib_prev; /* in parent->children, under parent->lock */
    chan_t *done;               /* NULL for the background context: never ready */
    _Atomic int err;
    int64_t deadline;           /* INT64_MAX: none */
    vtimer_t *timer;            /* the deadline's, or NULL */
};

static ctx_t *ctx_alloc(rt_t *rt, const char *name, ctx_t *parent, int64_t deadline)
{
    ctx_t *c = xcalloc(1, sizeof *c);
    sys_check(pthread_mutex_init(&c->lock, NULL));
    c->rt = rt;
    c->name = xstrdup(name ? name : "");
    c->id = sched_new_obj_id(rt);
    c->parent = parent;
    c->deadline = deadline;
    if (parent) {
        char *done_name = xasprintf("%s.Done()", c->name);
        c->done = chan_new(rt, done_name, 0, 0);
        free(done_name);
        /* A deadline means a pending timer - c's own or an ancestor's - will
         * close done unless a cancel comes first (sched.h). */
        if (deadline != INT64_MAX)
            chan_add_feeder(c->done, 1);
    }
    return c;
}

/* Cancels c and its descendants with cause err; a no-op on a cancelled or
 * the background context. */
static void cancel(ctx_t *c, int err)
{
    if (!c->done)
        return;
    sys_check(pthread_mutex_lock(&c->lock));
    if (atomic_load(&c->err) != CTX_ACTIVE) {
        sys_check(pthread_mutex_unlock(&c->lock));
        return;
    }
    atomic_store(&c->err, err);
    chan_close(c->done); /* cannot panic: only the first cancel gets here */
    if (c->deadline != INT64_MAX)
        chan_add_feeder(c->done, -1);
    if (sched_observed(c->rt)) {
        event_t ev = {0};
        ev.kind = EV_CANCEL;
        ev.obj_kind = OBJ_CTX;
        ev.obj_id = c->id;
        ev.obj_name = c->name;
        ev.err = err;
        sched_emit(c->rt, NULL, &ev);
    }
    for (ctx_t *child = c->children; child; child = child->sib_next)
        cancel(child, err);
    sys_check(pthread_mutex_unlock(&c->lock));
    if (c->timer)
        vtimer_stop(c->timer);
}

static void deadline_fired(void *arg) { cancel(arg, CTX_DEADLINE_EXCEEDED); }

/* Publishes c (fully built) as a child of its parent, so a cancel of the
 * parent reaches it; cancels it at once if the parent already is. */
static ctx_t *ctx_link(ctx_t *c)
{
    ctx_t *parent = c->parent;
    sys_check(pthread_mutex_lock(&parent->lock));
    int perr = atomic_load(&parent->err);
    if (perr == CTX_ACTIVE) {
        c->sib_next = parent->children;
        if (parent->children)
            parent->children->sib_prev = c;
        parent->children = c;
    }
    sys_check(pthread_mutex_unlock(&parent->lock));
    if (perr != CTX_ACTIVE)
        cancel(c, perr);
    return c;
}

ctx_t *ctx_background(rt_t *rt) { return ctx_alloc(rt, "context.Background", NULL, INT64_MAX); }

ctx_t *ctx_with_cancel(ctx_t *parent, const char *name)
{
    return ctx_link(ctx_alloc(parent->rt, name, parent, parent->deadline));
}

ctx_t *ctx_with_deadline(ctx_t *parent, const char *name, int64_t deadline)
{
    /* A parent that ends sooner decides, as in Go: no timer of our own. */
    if (parent->deadline <= deadline)
        return ctx_with_cancel(parent, name);
    ctx_t *c = ctx_alloc(parent->rt, name, parent, deadline);
    char *timer_name = xasprintf("%s deadline", c->name);
    c->timer = vtimer_new(c->rt, timer_name, deadline_fired, c);
    free(timer_name);
    /* It only closes done channels, which account for it (ctx_alloc). */
    vtimer_set_passive(c->timer);
    ctx_link(c);
    if (deadline <= vclock_now(rt_clock(c->rt))) {
        cancel(c, CTX_DEADLINE_EXCEEDED);
        return c;
    }
    /* Armed under c->lock: a cancel either came first (no timer needed) or
     * comes after and stops it. */
    sys_check(pthread_mutex_lock(&c->lock));
    if (atomic_load(&c->err) == CTX_ACTIVE)
        vtimer_reset_at(c->timer, deadline);
    sys_check(pthread_mutex_unlock(&c->lock));
    return c;
}

ctx_t *ctx_with_timeout(ctx_t *parent, const char *name, int64_t timeout)
{
    int64_t deadline;
    if (__builtin_add_overflow(vclock_now(rt_clock(parent->rt)), timeout, &deadline))
        deadline = timeout > 0 ? INT64_MAX : INT64_MIN;
    return ctx_with_deadline(parent, name, deadline);
}

void ctx_cancel(ctx_t *c) { cancel(c, CTX_CANCELED); }

chan_t *ctx_done(ctx_t *c) { return c->done; }

int ctx_err(ctx_t *c) { return atomic_load(&c->err); }

const char *ctx_strerror(int err)
{
    switch (err) {
    case CTX_CANCELED: return "context canceled";
    case CTX_DEADLINE_EXCEEDED: return "context deadline exceeded";
    default: return "";
    }
}

int64_t ctx_deadline(ctx_t *c) { return c->deadline; }

const char *ctx_name(const ctx_t *c) { return c->name; }

void ctx_free(ctx_t *c)
{
    if (!c)
        return;
    cancel(c, CTX_CANCELED);
    ctx_t *p = c->parent;
    if (p) {
        sys_check(pthread_mutex_lock(&p->lock));
        if (c->sib_prev)
            c->sib_prev->sib_next = c->sib_next;
        else if (p->children == c)
            p->children = c->sib_next;
        if (c->sib_next)
            c->sib_next->sib_prev = c->sib_prev;
        sys_check(pthread_mutex_unlock(&p->lock));
    }
    vtimer_free(c->timer);
    chan_free(c->done);
    sys_check(pthread_mutex_destroy(&c->lock));
    free(c->name);
    free(c);
}
