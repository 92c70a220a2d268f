/* event.h - what the core tells an observer: one record per state change of a
 * channel, select, WaitGroup, context, timer, ticker or goroutine.
 *
 * Events about one channel are emitted while that channel's lock is held, so
 * their order is the channel's own order of operations. An event about a
 * goroutine that is woken by another one (a parked receiver that gets a value)
 * is emitted by the waker, with `gor` naming the woken goroutine. */
#ifndef POOLVIZ_CORE_EVENT_H
#define POOLVIZ_CORE_EVENT_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    EV_GOR_START,  /* a goroutine registered (gor) */
    EV_GOR_EXIT,   /* a goroutine left its runtime */
    EV_BLOCK,      /* gor parks in op `wait` on obj (wait is a Go wait reason) */
    EV_ABORT,      /* a parked gor was woken without completing (err != 0) */
    EV_SEND,       /* gor's send of elem on obj completed */
    EV_RECV,       /* gor received elem from obj; ok == 0 means closed and drained */
    EV_CLOSE,      /* gor closed obj */
    EV_WG_ADD,     /* gor added delta to obj; value is the new counter */
    EV_WG_WAIT,    /* gor's wg wait returned (counter reached zero) */
    EV_CANCEL,     /* context obj was cancelled; err is its cause */
    EV_TIMER,      /* timer obj fired */
    EV_TICK,       /* ticker obj delivered a tick (ok == 0: dropped, receiver was slow) */
    EV_PANIC,      /* gor panicked; text is Go's message */
    EV_DEADLOCK,   /* every goroutine is asleep; text is the full report */
    EV_HALT,       /* the runtime stopped for another reason; text says why */
    EV_KIND_COUNT
} event_kind_t;

typedef enum { OBJ_NONE, OBJ_CHAN, OBJ_WG, OBJ_CTX, OBJ_TIMER, OBJ_TICKER } obj_kind_t;

typedef struct {
    event_kind_t kind;
    uint64_t real_ns;       /* CLOCK_MONOTONIC */
    int64_t virt_ns;        /* the runtime's virtual clock */
    int gor_id;             /* 0 when no goroutine acted (timer thread, outsider) */
    const char *gor_name;   /* when gor_id is 0: the thread's rt_name_thread name, or "" */
    obj_kind_t obj_kind;
    uint64_t obj_id;
    const char *obj_name;
    const void *elem;       /* EV_SEND/EV_RECV: the value, valid only during the call */
    size_t elem_size;
    int ok;                 /* EV_RECV, EV_TICK */
    int64_t value;          /* EV_WG_ADD: the new counter; EV_TICK, EV_TIMER: virtual time */
    int64_t delta;          /* EV_WG_ADD: what was added */
    int err;                /* EV_ABORT, EV_CANCEL: a CORE_E* or CTX_* code */
    const char *wait;       /* EV_BLOCK: "chan receive", "select", ... */
    const char *text;       /* EV_PANIC, EV_DEADLOCK, EV_HALT */
} event_t;

/* Called synchronously by the acting thread, sometimes with a channel lock
 * or the runtime's lock held: it must be quick, must not block, and must not
 * call into the core (but the clock's vclock_pause/resume/now). */
typedef void (*observer_fn)(void *ud, const event_t *ev);

const char *event_kind_name(event_kind_t kind);

#endif
