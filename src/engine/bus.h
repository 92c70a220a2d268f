/* bus.h - internal: carries pevent_t records from every thread of a run to
 * the one collector thread, in one total order, losing none.
 *
 * A ring of slots indexed by sequence number (the LMAX Disruptor's shape):
 * a producer takes the next number with one atomic add, writes its slot and
 * marks it ready; the collector reads slots in order, in place. A producer
 * blocks only while the ring is full, i.e. only while the collector is a
 * whole ring behind. The collector sleeps on a futex when the ring is
 * empty, so an idle run costs no CPU.
 *
 * What a publish costs is what the run pays for being observed, so it is
 * kept to the atomic add and writing one cache line:
 * - Each slot is one pevent_t, one cache line, whose seq field is also the
 *   slot's ready mark (it holds seq once written; slots start a ring
 *   behind), and the collector only reads it.
 * - The counters the producers write (head) and those the collector writes
 *   (tail, sleeping) sit on lines of their own.
 * - The mark is a release store, with no fence before checking whether the
 *   collector sleeps. A collector that goes to sleep just as an event lands
 *   may miss its wake-up, so it never sleeps long after activity: its sleep
 *   starts at BUS_NAP_MS and doubles while nothing comes, up to the
 *   caller's timeout. A missed wake-up costs at most one short nap. */
#ifndef POOLVIZ_ENGINE_BUS_H
#define POOLVIZ_ENGINE_BUS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pevent.h"

#define BUS_LINE 64
#define BUS_NAP_MS 1

/* The padding keeps the three counters a line apart however the bus is
 * placed (an _Alignas would need the pool allocated aligned). */
typedef struct {
    pevent_t *slots; /* seq is accessed atomically: the ready mark */
    uint64_t mask;
    int nap_ms;      /* the collector's next sleep */
    char pad0[BUS_LINE];
    _Atomic uint64_t head; /* next sequence number to hand out */
    char pad1[BUS_LINE];
    _Atomic uint64_t tail; /* next sequence number the collector reads */
    char pad2[BUS_LINE];
    _Atomic int sleeping;  /* the collector waits on this futex word */
    char pad3[BUS_LINE];
} bus_t;

/* size: a power of two. */
void bus_init(bus_t *b, size_t size);
void bus_done(bus_t *b);
/* Appends ev, setting ev->seq. Any thread. Returns true if it had to wait
 * for room. */
bool bus_publish(bus_t *b, pevent_t *ev);
/* Collector only: waits up to timeout_ms for an event, then takes up to
 * max of those ready, in place: bus_taken(b, i) is the i-th of them until
 * bus_release(b, n) gives their slots back to the producers. Returns how
 * many it took. Reading in place saves copying every event out. */
size_t bus_take(bus_t *b, size_t max, int timeout_ms);
const pevent_t *bus_taken(const bus_t *b, size_t i);
void bus_release(bus_t *b, size_t n);
/* The number the next event will get. Any thread. */
uint64_t bus_next_seq(bus_t *b);

#endif
