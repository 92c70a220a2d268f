/* bus.h - internal: carries pevent_t records from every thread of a run to
 * the one collector thread, in one total order, losing none.
 *
 * A ring of slots indexed by sequence number (the LMAX Disruptor's shape):
 * a producer takes the next number with one atomic add, writes its slot and
 * marks it ready; the collector reads slots in order. A producer blocks only
 * while the ring is full, i.e. only while the collector is a whole ring
 * behind. The collector sleeps on a futex when the ring is empty, so an idle
 * run costs no CPU. */
#ifndef POOLVIZ_ENGINE_BUS_H
#define POOLVIZ_ENGINE_BUS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pevent.h"

typedef struct {
    _Atomic uint64_t ready; /* seq + 1 once the event is written */
    pevent_t ev;
} bus_slot_t;

typedef struct {
    bus_slot_t *slots;
    uint64_t mask;
    _Atomic uint64_t head;  /* next sequence number to hand out */
    _Atomic uint64_t tail;  /* next sequence number the collector reads */
    _Atomic int sleeping;   /* the collector waits on this futex word */
} bus_t;

/* size: a power of two. */
void bus_init(bus_t *b, size_t size);
void bus_done(bus_t *b);
/* Appends ev, setting ev->seq. Any thread. */
void bus_publish(bus_t *b, pevent_t *ev);
/* Collector only: copies up to max events into out, waiting up to
 * timeout_ms for the first one. Returns how many. */
size_t bus_drain(bus_t *b, pevent_t *out, size_t max, int timeout_ms);

#endif
