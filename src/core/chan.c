/* chan.c - Go channels and select (see chan.h), after Go's runtime/chan.go
 * and select.go.
 *
 * c->lock guards the buffer, the indexes, `closed` and both wait queues.
 * `count` and `closed` are also atomics so chan_len() and chan_closed() may
 * read them unlocked, as Go's len() does. A value moves in one of three ways:
 * straight to a parked receiver, into the buffer, or - when a receiver finds a
 * parked sender on a full buffer - the head goes to the receiver and the
 * sender's value takes its slot. Only the goroutine whose operation completes
 * is woken; nobody else is disturbed.
 *
 * Select locks every channel it names in address order, polls the cases in a
 * random order, and if none is ready queues one waiter per case and parks;
 * the first channel to claim its wait word wins (sched.h). */
#include "chan.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "lock.h"
#include "sched.h"
#include "xalloc.h"

struct chan {
    lock_t lock;
    rt_t *rt;
    char *name;
    uint64_t id;
    size_t elem_size;
    size_t cap;
    _Atomic size_t count;
    size_t recvx, sendx;
    char *buf;
    _Atomic bool closed;
    waitq_t recvq, sendq;
    /* Live timers that will send on or close the channel (a ticker's, a
     * context deadline's), and whether the channel holds one unit of
     * rt->activity for the receivers parked on it (sched.h). */
    _Atomic int feeders; /* changed under lock; read unlocked by park_on */
    bool holds_activity;
};

chan_t *chan_new(rt_t *rt, const char *name, size_t elem_size, size_t cap)
{
    chan_t *c = xcalloc(1, sizeof *c);
    lock_init(&c->lock);
    c->rt = rt;
    c->name = xstrdup(name ? name : "");
    c->id = sched_new_obj_id(rt);
    c->elem_size = elem_size;
    c->cap = cap;
    if (cap && elem_size)
        c->buf = xcalloc(cap, elem_size);
    return c;
}

void chan_free(chan_t *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c->name);
    free(c);
}

size_t chan_len(const chan_t *c) { return c ? atomic_load_explicit(&((chan_t *)c)->count, memory_order_relaxed) : 0; }
size_t chan_cap(const chan_t *c) { return c ? c->cap : 0; }
bool chan_closed(const chan_t *c) { return c && atomic_load(&((chan_t *)c)->closed); }
const char *chan_name(const chan_t *c) { return c ? c->name : "nil"; }

/* ---- events (emitted with c->lock held, so they keep the channel's order) ---- */

static void emit_value(chan_t *c, gor_t *g, event_kind_t kind, const void *elem, bool ok)
{
    event_t ev = {
        .kind = kind, .obj_kind = OBJ_CHAN, .obj_id = c->id, .obj_name = c->name,
        .elem = elem, .elem_size = c->elem_size, .ok = ok,
    };
    sched_emit(c->rt, g, &ev);
}

#define EMIT_VALUE(c, g, kind, elem, ok)                                                                           \
    do {                                                                                                           \
        if (sched_observed((c)->rt))                                                                               \
            emit_value(c, g, kind, elem, ok);                                                                      \
    } while (0)

/* ---- moving values, c->lock held ---- */

static void copy_elem(const chan_t *c, void *dst, const void *src)
{
    if (dst && c->elem_size)
        memcpy(dst, src, c->elem_size);
}

/* Zero-size elements have no buffer: every slot is the same NULL. */
static char *slot(chan_t *c, size_t i) { return c->elem_size ? c->buf + i * c->elem_size : c->buf; }

static void advance(const chan_t *c, size_t *index)
{
    if (++*index == c->cap)
        *index = 0;
}

/* Hands a claimed waiter its outcome and wakes it; w is gone afterwards. */
static void complete(waiter_t *w, bool success)
{
    w->success = success;
    sched_ready(w->g, w->index);
}

enum { NOT_READY, DONE, SEND_ON_CLOSED };

/* The send half of a case: DONE if the value went somewhere. */
static int send_locked(chan_t *c, const void *elem)
{
    if (atomic_load_explicit(&c->closed, memory_order_relaxed))
        return SEND_ON_CLOSED;
    waiter_t *w = waitq_claim(&c->recvq);
    if (w) {
        copy_elem(c, w->elem, elem);
        EMIT_VALUE(c, NULL, EV_SEND, elem, true);
        EMIT_VALUE(c, w->g, EV_RECV, elem, true);
        complete(w, true);
        return DONE;
    }
    size_t count = atomic_load_explicit(&c->count, memory_order_relaxed);
    if (count < c->cap) {
        copy_elem(c, slot(c, c->sendx), elem);
        advance(c, &c->sendx);
        atomic_store_explicit(&c->count, count + 1, memory_order_relaxed);
        EMIT_VALUE(c, NULL, EV_SEND, elem, true);
        return DONE;
    }
    return NOT_READY;
}

/* The receive half of a case: DONE if a value (or the closed state) was had. */
static int recv_locked(chan_t *c, void *elem, bool *ok)
{
    size_t count = atomic_load_explicit(&c->count, memory_order_relaxed);
    /* Senders park only on a full buffer (or an unbuffered channel). */
    waiter_t *w = count == c->cap ? waitq_claim(&c->sendq) : NULL;
    if (w) {
        if (c->cap == 0) {
            copy_elem(c, elem, w->elem);
            EMIT_VALUE(c, w->g, EV_SEND, w->elem, true);
            EMIT_VALUE(c, NULL, EV_RECV, w->elem, true);
        } else {
            /* Take the head; the parked sender's value joins at the tail. */
            copy_elem(c, elem, slot(c, c->recvx));
            EMIT_VALUE(c, NULL, EV_RECV, slot(c, c->recvx), true);
            copy_elem(c, slot(c, c->recvx), w->elem);
            advance(c, &c->recvx);
            c->sendx = c->recvx;
            EMIT_VALUE(c, w->g, EV_SEND, w->elem, true);
        }
        complete(w, true);
    } else if (count > 0) {
        copy_elem(c, elem, slot(c, c->recvx));
        EMIT_VALUE(c, NULL, EV_RECV, slot(c, c->recvx), true);
        advance(c, &c->recvx);
        atomic_store_explicit(&c->count, count - 1, memory_order_relaxed);
    } else if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
        if (elem && c->elem_size)
            memset(elem, 0, c->elem_size);
        EMIT_VALUE(c, NULL, EV_RECV, NULL, false);
        if (ok)
            *ok = false;
        return DONE;
    } else {
        return NOT_READY;
    }
    if (ok)
        *ok = true;
    return DONE;
}

static int case_locked(const chan_case_t *k)
{
    return k->dir == CHAN_SEND ? send_locked(k->ch, k->elem) : recv_locked(k->ch, k->elem, k->ok);
}

/* ---- the channels one operation locks, in address order ---- */

typedef struct {
    chan_t **chans;
    int n;
} lockset_t;

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (chan_t *const *)a, y = (uintptr_t) * (chan_t *const *)b;
    return (x > y) - (x < y);
}

static void lockset_collect(lockset_t *ls, const chan_case_t *cases, int n)
{
    ls->n = 0;
    for (int i = 0; i < n; i++)
        if (cases[i].ch)
            ls->chans[ls->n++] = cases[i].ch;
    qsort(ls->chans, (size_t)ls->n, sizeof ls->chans[0], by_address);
    int unique = 0;
    for (int i = 0; i < ls->n; i++)
        if (unique == 0 || ls->chans[unique - 1] != ls->chans[i])
            ls->chans[unique++] = ls->chans[i];
    ls->n = unique;
}

static void lockset_lock(const lockset_t *ls)
{
    for (int i = 0; i < ls->n; i++)
        lock_acquire(&ls->chans[i]->lock);
}

static void lockset_unlock(const lockset_t *ls)
{
    for (int i = ls->n - 1; i >= 0; i--)
        lock_release(&ls->chans[i]->lock);
}

/* ---- timer-fed channels (sched.h), c->lock held ---- */

/* Settles c's share of rt->activity after its feeders or its receive queue
 * changed: one unit while a live feeder can still wake a parked receiver.
 * A rise comes before the parking goroutine uncounts itself, a fall after
 * the woken one was counted back, so the count never touches zero falsely. */
static void settle_feed(chan_t *c)
{
    bool hold = atomic_load_explicit(&c->feeders, memory_order_relaxed) > 0 && c->recvq.head != NULL;
    if (hold != c->holds_activity) {
        c->holds_activity = hold;
        sched_activity_add(c->rt, hold ? 1 : -1);
    }
}

void chan_add_feeder(chan_t *c, int delta)
{
    lock_acquire(&c->lock);
    atomic_store_explicit(&c->feeders, atomic_load_explicit(&c->feeders, memory_order_relaxed) + delta,
                          memory_order_relaxed);
    settle_feed(c);
    lock_release(&c->lock);
}

static void lockset_settle_feeds(const lockset_t *ls)
{
    for (int i = 0; i < ls->n; i++)
        if (atomic_load_explicit(&ls->chans[i]->feeders, memory_order_relaxed) || ls->chans[i]->holds_activity)
            settle_feed(ls->chans[i]);
}

/* ---- parking ---- */

static waitq_t *queue_of(const chan_case_t *k) { return k->dir == CHAN_SEND ? &k->ch->sendq : &k->ch->recvq; }

static const char *wait_reason(const chan_case_t *cases, int n, bool is_select)
{
    if (is_select)
        return n ? "select" : "select (no cases)";
    if (cases[0].dir == CHAN_SEND)
        return cases[0].ch ? "chan send" : "chan send (nil chan)";
    return cases[0].ch ? "chan receive" : "chan receive (nil chan)";
}

static void emit_block(rt_t *rt, gor_t *g, const chan_case_t *cases, int n)
{
    event_t ev = { .kind = EV_BLOCK, .wait = g->wait_reason, .obj_name = "" };
    for (int i = 0; i < n; i++) {
        if (cases[i].ch) {
            ev.obj_kind = OBJ_CHAN;
            ev.obj_id = cases[i].ch->id;
            ev.obj_name = cases[i].ch->name;
            break;
        }
    }
    sched_emit(rt, g, &ev);
}

/* Queues a waiter per case (in waiters[n], the caller's), parks, and takes
 * the waiters back. The channels of ls are locked on entry and unlocked on
 * return. Returns 0 with *chosen set to the completed case, or a negative
 * error. */
static int park_on(rt_t *rt, const chan_case_t *cases, int n, waiter_t *waiters, const lockset_t *ls, bool is_select,
                   int *chosen)
{
    gor_t *g = sched_self_in(rt);
    if (!g) {
        lockset_unlock(ls);
        return CORE_ENOTGOR;
    }
    const char *names[GOR_WAIT_OBJS];
    int n_names = 0;
    for (int i = 0; i < n && n_names < GOR_WAIT_OBJS; i++)
        if (cases[i].ch)
            names[n_names++] = cases[i].ch->name;
    int rc = sched_arm(g, wait_reason(cases, n, is_select), names, n_names);
    if (rc != 0) {
        lockset_unlock(ls);
        return rc;
    }
    for (int i = 0; i < n; i++) {
        waiters[i] = (waiter_t){ .g = g, .elem = cases[i].elem, .index = i };
        if (cases[i].ch)
            waitq_push(queue_of(&cases[i]), &waiters[i]);
    }
    if (sched_observed(rt))
        emit_block(rt, g, cases, n);
    lockset_settle_feeds(ls);
    sched_parking(g);
    lockset_unlock(ls);

    int r = sched_park(g);

    /* A single operation that completed was dequeued by its waker before
     * the claim (waitq_claim), so the channel needs no second locking -
     * unless a timer feeds it, whose share of activity must settle. */
    bool dequeued = n == 1 && r >= 0 &&
                    (ls->n == 0 || atomic_load_explicit(&ls->chans[0]->feeders, memory_order_relaxed) == 0);
    if (!dequeued) {
        lockset_lock(ls);
        for (int i = 0; i < n; i++)
            if (cases[i].ch)
                waitq_remove(queue_of(&cases[i]), &waiters[i]);
        lockset_settle_feeds(ls);
        lockset_unlock(ls);
    }
    if (r < 0) {
        if (sched_observed(rt)) {
            event_t ev = { .kind = EV_ABORT, .err = r, .wait = wait_reason(cases, n, is_select), .obj_name = "" };
            sched_emit(rt, g, &ev);
        }
        return r;
    }
    *chosen = r;
    const chan_case_t *k = &cases[r];
    if (k->dir == CHAN_SEND && !waiters[r].success)
        return sched_panic(rt, "send on closed channel");
    if (k->dir == CHAN_RECV && k->ok)
        *k->ok = waiters[r].success;
    return 0;
}

/* ---- the operations ---- */

static int chan_op(chan_t *c, chan_dir_t dir, void *elem, bool *ok, bool block)
{
    chan_case_t k = { .ch = c, .dir = dir, .elem = elem, .ok = ok };
    waiter_t w;
    int chosen;
    if (!c) {
        gor_t *self = rt_self();
        if (!block)
            return CORE_EAGAIN;
        if (!self)
            return CORE_ENOTGOR;
        lockset_t none = { .chans = NULL, .n = 0 };
        return park_on(self->rt, &k, 1, &w, &none, false, &chosen);
    }
    lockset_t one = { .chans = &c, .n = 1 };
    lock_acquire(&c->lock);
    int r = case_locked(&k);
    if (r == NOT_READY && block)
        return park_on(c->rt, &k, 1, &w, &one, false, &chosen);
    lock_release(&c->lock);
    if (r == SEND_ON_CLOSED)
        return sched_panic(c->rt, "send on closed channel");
    return r == DONE ? 0 : CORE_EAGAIN;
}

int chan_send(chan_t *c, const void *elem) { return chan_op(c, CHAN_SEND, (void *)elem, NULL, true); }
int chan_recv(chan_t *c, void *elem, bool *ok) { return chan_op(c, CHAN_RECV, elem, ok, true); }
int chan_try_send(chan_t *c, const void *elem) { return chan_op(c, CHAN_SEND, (void *)elem, NULL, false); }
int chan_try_recv(chan_t *c, void *elem, bool *ok) { return chan_op(c, CHAN_RECV, elem, ok, false); }

int chan_close(chan_t *c)
{
    if (!c) {
        /* A nil channel names no runtime: the panic goes to the caller's. */
        rt_t *rt = sched_thread_rt();
        return rt ? sched_panic(rt, "close of nil channel") : CORE_EPANIC;
    }
    lock_acquire(&c->lock);
    if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
        lock_release(&c->lock);
        return sched_panic(c->rt, "close of closed channel");
    }
    atomic_store(&c->closed, true);
    EMIT_VALUE(c, NULL, EV_CLOSE, NULL, false);
    waiter_t *w;
    while ((w = waitq_claim(&c->recvq)) != NULL) {
        if (w->elem && c->elem_size)
            memset(w->elem, 0, c->elem_size);
        EMIT_VALUE(c, w->g, EV_RECV, NULL, false);
        complete(w, false);
    }
    /* Parked senders wake to panic, as in Go. */
    while ((w = waitq_claim(&c->sendq)) != NULL)
        complete(w, false);
    lock_release(&c->lock);
    return 0;
}

/* ---- select ---- */

/* Per-thread xorshift: select's random choice must not contend on a lock. */
static uint64_t random_below(uint64_t n)
{
    static __thread uint64_t state;
    if (state == 0)
        state = ((uint64_t)(uintptr_t)&state * 0x9E3779B97F4A7C15u) | 1u;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (state * 0x2545F4914F6CDD1Du >> 11) % n;
}

/* A select's working memory: on the stack for the usual few cases, on the
 * heap for more, so any number of cases works without a deep stack. */
enum { SELECT_INLINE = 16 };
typedef struct {
    chan_t *chans_inline[SELECT_INLINE];
    int order_inline[SELECT_INLINE];
    waiter_t waiters_inline[SELECT_INLINE];
    chan_t **chans;
    int *order;
    waiter_t *waiters;
} select_scratch_t;

static void scratch_init(select_scratch_t *s, int n)
{
    if (n <= SELECT_INLINE) {
        s->chans = s->chans_inline;
        s->order = s->order_inline;
        s->waiters = s->waiters_inline;
        return;
    }
    s->chans = xmalloc((size_t)n * sizeof *s->chans);
    s->order = xmalloc((size_t)n * sizeof *s->order);
    s->waiters = xmalloc((size_t)n * sizeof *s->waiters);
}

static void scratch_done(select_scratch_t *s)
{
    if (s->chans == s->chans_inline)
        return;
    free(s->chans);
    free(s->order);
    free(s->waiters);
}

static int select_in(const chan_case_t *cases, int n, bool nonblocking, int *chosen, select_scratch_t *s)
{
    lockset_t ls = { .chans = s->chans, .n = 0 };
    lockset_collect(&ls, cases, n);
    int *order = s->order;
    for (int i = 0; i < n; i++) {
        int j = (int)random_below((uint64_t)i + 1);
        order[i] = order[j];
        order[j] = i;
    }
    lockset_lock(&ls);
    for (int i = 0; i < n; i++) {
        const chan_case_t *k = &cases[order[i]];
        if (!k->ch)
            continue;
        int r = case_locked(k);
        if (r == NOT_READY)
            continue;
        lockset_unlock(&ls);
        *chosen = order[i];
        return r == DONE ? 0 : sched_panic(k->ch->rt, "send on closed channel");
    }
    if (nonblocking) {
        lockset_unlock(&ls);
        *chosen = CHAN_SELECT_DEFAULT;
        return 0;
    }
    gor_t *self = rt_self();
    rt_t *rt = ls.n ? ls.chans[0]->rt : self ? self->rt : NULL;
    if (!rt) {
        lockset_unlock(&ls);
        return CORE_ENOTGOR;
    }
    return park_on(rt, cases, n, s->waiters, &ls, true, chosen);
}

int chan_select(const chan_case_t *cases, int n, bool nonblocking, int *chosen)
{
    if (n < 0 || n > CHAN_SELECT_MAX || !chosen || (n > 0 && !cases))
        return CORE_EINVAL;
    select_scratch_t s;
    scratch_init(&s, n);
    int r = select_in(cases, n, nonblocking, chosen, &s);
    scratch_done(&s);
    return r;
}
