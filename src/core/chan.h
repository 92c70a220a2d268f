/* chan.h - Go channels of fixed-size elements, and select.
 *
 * Values are copied in and out (elem_size bytes). Capacity 0 is a true
 * rendezvous; capacity N a FIFO buffer. Parked receivers and parked senders
 * are each served first come, first served.
 *
 * A NULL chan_t * is Go's nil channel: sending or receiving blocks forever,
 * a select case on it is never ready, closing it panics.
 *
 * Panics (send on closed channel, close of closed channel, close of nil
 * channel) return CORE_EPANIC, record Go's message with the goroutine's name
 * (rt_failure()) and halt the runtime, as an unrecovered panic ends a Go
 * program.
 *
 * Thread-safety: all functions may be called concurrently on one channel,
 * except chan_free(). Blocking calls need a goroutine (rt.h). */
#ifndef POOLVIZ_CORE_CHAN_H
#define POOLVIZ_CORE_CHAN_H

#include <stdbool.h>
#include <stddef.h>

#include "rt.h"

typedef struct chan chan_t;

/* A new channel in rt. elem_size may be 0 (chan struct{}). Never NULL. */
chan_t *chan_new(rt_t *rt, const char *name, size_t elem_size, size_t cap);
/* Frees the channel; no thread may be using it. Accepts NULL. */
void chan_free(chan_t *c);

/* Blocks until the value at elem is delivered (buffered, or taken by a
 * receiver). Returns 0, CORE_EPANIC (closed, before or while waiting), or a
 * halt code. */
int chan_send(chan_t *c, const void *elem);
/* Blocks until a value arrives and copies it to elem (may be NULL to drop
 * it). *ok (may be NULL) is false when the channel is closed and drained, and
 * elem is then zeroed. Returns 0 or a halt code. */
int chan_recv(chan_t *c, void *elem, bool *ok);
/* Non-blocking forms: CORE_EAGAIN where the blocking form would park. */
int chan_try_send(chan_t *c, const void *elem);
int chan_try_recv(chan_t *c, void *elem, bool *ok);
/* Closes the channel, waking every parked receiver (ok = false) and every
 * parked sender (which panics). Returns 0 or CORE_EPANIC. */
int chan_close(chan_t *c);

size_t chan_len(const chan_t *c);
size_t chan_cap(const chan_t *c);
bool chan_closed(const chan_t *c);
const char *chan_name(const chan_t *c);

typedef enum { CHAN_SEND, CHAN_RECV } chan_dir_t;

typedef struct {
    chan_t *ch;       /* NULL: a nil channel, never ready */
    chan_dir_t dir;
    void *elem;       /* send: the value; recv: where to put it (or NULL) */
    bool *ok;         /* recv only, may be NULL */
} chan_case_t;

#define CHAN_SELECT_DEFAULT (-1)

/* Go's select. If some cases are ready one of them is chosen uniformly at
 * random and done; otherwise, with `nonblocking` (a default case) *chosen is
 * CHAN_SELECT_DEFAULT, else the call parks until exactly one case is done.
 * With n == 0 and no default it blocks forever (Go's `select {}`). Returns 0,
 * CORE_EPANIC (the chosen case sends on a closed channel) or a halt code.
 * Any number of cases up to CHAN_SELECT_MAX, Go's own limit. */
#define CHAN_SELECT_MAX 65536
int chan_select(const chan_case_t *cases, int n, bool nonblocking, int *chosen);

#endif
