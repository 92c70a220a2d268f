/* bus.c - the event ring of bus.h. */
#include "engine/bus.h"

#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

enum { DRAIN_YIELDS = 20 };

_Static_assert(sizeof(pevent_t) == BUS_LINE, "a slot is one cache line");
_Static_assert(offsetof(pevent_t, seq) == 0, "the ready mark leads the slot");

void bus_init(bus_t *b, size_t size)
{
    memset(b, 0, sizeof *b);
    b->slots = aligned_alloc(BUS_LINE, size * sizeof *b->slots);
    if (!b->slots)
        xalloc_fatal("the event bus");
    memset(b->slots, 0, size * sizeof *b->slots);
    /* Slot i first waits for seq i: it starts marked a ring earlier. */
    for (size_t i = 0; i < size; i++)
        b->slots[i].seq = (uint64_t)i - size;
    b->mask = size - 1;
    b->nap_ms = BUS_NAP_MS;
    atomic_init(&b->head, 0);
    atomic_init(&b->tail, 0);
    atomic_init(&b->sleeping, 0);
}

void bus_done(bus_t *b)
{
    free(b->slots);
    b->slots = NULL;
}

uint64_t bus_next_seq(bus_t *b) { return atomic_load(&b->head); }

static void wake_collector(bus_t *b)
{
    int one = 1;
    if (atomic_load_explicit(&b->sleeping, memory_order_relaxed) &&
        atomic_compare_exchange_strong(&b->sleeping, &one, 0))
        syscall(SYS_futex, (int *)&b->sleeping, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Each thread remembers how far the collector had got when it last looked,
 * so a publish reads the collector's line only when the ring may be full by
 * that old reading (a stale tail is only ever too low). */
static _Thread_local const bus_t *seen_bus;
static _Thread_local uint64_t seen_tail;

bool bus_publish(bus_t *b, pevent_t *ev)
{
    uint64_t seq = atomic_fetch_add_explicit(&b->head, 1, memory_order_relaxed);
    bool waited = false;
    if (seen_bus != b || seq - seen_tail > b->mask) {
        seen_bus = b;
        seen_tail = atomic_load_explicit(&b->tail, memory_order_acquire);
        /* Full: the collector is a ring behind; let it run. */
        while (seq - seen_tail > b->mask) {
            waited = true;
            wake_collector(b);
            sched_yield();
            seen_tail = atomic_load_explicit(&b->tail, memory_order_acquire);
        }
    }
    pevent_t *s = &b->slots[seq & b->mask];
    ev->seq = seq;
    memcpy((char *)s + sizeof s->seq, (const char *)ev + sizeof ev->seq, sizeof *ev - sizeof ev->seq);
    __atomic_store_n(&s->seq, seq, __ATOMIC_RELEASE);
    wake_collector(b);
    return waited;
}

static bool ready(const bus_t *b, uint64_t seq)
{
    return __atomic_load_n(&b->slots[seq & b->mask].seq, __ATOMIC_ACQUIRE) == seq;
}

/* Sleeps until woken, an event is seen, or the current nap ends (see bus.h
 * for why naps are short after activity). */
static void wait_for(bus_t *b, uint64_t seq, int timeout_ms)
{
    while (!ready(b, seq) && timeout_ms > 0) {
        int nap = b->nap_ms < timeout_ms ? b->nap_ms : timeout_ms;
        atomic_store(&b->sleeping, 1);
        /* Re-check after announcing the sleep: a publisher that wrote
         * before seeing `sleeping` is caught here, most of the time. */
        if (ready(b, seq)) {
            atomic_store(&b->sleeping, 0);
            return;
        }
        struct timespec ts = { .tv_sec = nap / 1000, .tv_nsec = (long)(nap % 1000) * 1000000L };
        syscall(SYS_futex, (int *)&b->sleeping, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0);
        atomic_store(&b->sleeping, 0);
        timeout_ms -= nap;
        if (!ready(b, seq) && b->nap_ms < 1 << 10)
            b->nap_ms *= 2; /* nothing came: a quiet run */
    }
}

size_t bus_take(bus_t *b, size_t max, int timeout_ms)
{
    uint64_t tail = atomic_load_explicit(&b->tail, memory_order_relaxed);
    /* A busy run publishes again within microseconds: yielding a little
     * first saves a futex sleep and a wake per batch. */
    for (int i = 0; i < DRAIN_YIELDS && !ready(b, tail); i++)
        sched_yield();
    if (!ready(b, tail))
        wait_for(b, tail, timeout_ms);
    size_t n = 0;
    while (n < max && ready(b, tail + n))
        n++;
    if (n)
        b->nap_ms = BUS_NAP_MS;
    return n;
}

const pevent_t *bus_taken(const bus_t *b, size_t i)
{
    return &b->slots[(atomic_load_explicit(&b->tail, memory_order_relaxed) + i) & b->mask];
}

void bus_release(bus_t *b, size_t n)
{
    atomic_store_explicit(&b->tail, atomic_load_explicit(&b->tail, memory_order_relaxed) + n,
                          memory_order_release);
}
