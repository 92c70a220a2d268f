/* bus.c - the event ring of bus.h. */
#include "engine/bus.h"

#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

enum { DRAIN_YIELDS = 20 };

void bus_init(bus_t *b, size_t size)
{
    b->slots = xcalloc(size, sizeof *b->slots);
    b->mask = size - 1;
    atomic_init(&b->head, 0);
    atomic_init(&b->tail, 0);
    atomic_init(&b->sleeping, 0);
    for (size_t i = 0; i < size; i++)
        atomic_init(&b->slots[i].ready, 0);
}

void bus_done(bus_t *b)
{
    free(b->slots);
    b->slots = NULL;
}

static void wake_collector(bus_t *b)
{
    int one = 1;
    if (atomic_load(&b->sleeping) && atomic_compare_exchange_strong(&b->sleeping, &one, 0))
        syscall(SYS_futex, (int *)&b->sleeping, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void bus_publish(bus_t *b, pevent_t *ev)
{
    uint64_t seq = atomic_fetch_add_explicit(&b->head, 1, memory_order_relaxed);
    /* Full: the collector is a ring behind; let it run. */
    while (seq - atomic_load_explicit(&b->tail, memory_order_acquire) > b->mask) {
        wake_collector(b);
        sched_yield();
    }
    bus_slot_t *s = &b->slots[seq & b->mask];
    ev->seq = seq;
    s->ev = *ev;
    /* seq_cst, not just release: it pairs with the collector's store to
     * `sleeping` and load of `ready` (a store-load handshake). */
    atomic_store(&s->ready, seq + 1);
    wake_collector(b);
}

static void wait_for(bus_t *b, uint64_t seq, int timeout_ms)
{
    bus_slot_t *s = &b->slots[seq & b->mask];
    atomic_store(&b->sleeping, 1);
    /* Re-check after announcing the sleep: a publisher that wrote before
     * seeing `sleeping` is caught here, one that writes after will wake us. */
    if (atomic_load(&s->ready) == seq + 1) {
        atomic_store(&b->sleeping, 0);
        return;
    }
    struct timespec ts = { .tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L };
    syscall(SYS_futex, (int *)&b->sleeping, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0);
    atomic_store(&b->sleeping, 0);
}

static bool ready(bus_t *b, uint64_t seq)
{
    return atomic_load_explicit(&b->slots[seq & b->mask].ready, memory_order_acquire) == seq + 1;
}

size_t bus_drain(bus_t *b, pevent_t *out, size_t max, int timeout_ms)
{
    uint64_t tail = atomic_load_explicit(&b->tail, memory_order_relaxed);
    /* A busy run publishes again within microseconds: yielding a little
     * first saves a futex sleep and a wake per batch. */
    for (int i = 0; i < DRAIN_YIELDS && !ready(b, tail); i++)
        sched_yield();
    if (!ready(b, tail))
        wait_for(b, tail, timeout_ms);
    size_t n = 0;
    while (n < max) {
        bus_slot_t *s = &b->slots[(tail + n) & b->mask];
        if (atomic_load_explicit(&s->ready, memory_order_acquire) != tail + n + 1)
            break;
        out[n] = s->ev;
        n++;
    }
    atomic_store_explicit(&b->tail, tail + n, memory_order_release);
    return n;
}
