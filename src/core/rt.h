/* rt.h - a runtime: the world a set of goroutines lives in.
 *
 * A goroutine is a real pthread registered with a runtime (rt_go() starts one,
 * rt_enter() registers the calling thread, e.g. a test's or a program's main).
 * Only goroutines may block in channel, select or WaitGroup operations; other
 * threads may use the non-blocking ones (try-send, close, cancel).
 *
 * The runtime knows which goroutines are parked and on what. When every one is
 * parked and no timer can wake any, it reports Go's "fatal error: all
 * goroutines are asleep - deadlock!" and halts. A Go panic (send on closed
 * channel, ...) halts it too. Halting wakes every parked goroutine with an
 * error (CORE_EDEADLOCK or CORE_EHALTED) and makes every later blocking call
 * fail the same way, so threads unwind and can be joined: a bug taught by a
 * lesson ends the run, never the process.
 *
 * Thread-safety: every function here may be called from any thread. */
#ifndef POOLVIZ_CORE_RT_H
#define POOLVIZ_CORE_RT_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

typedef struct rt rt_t;
typedef struct gor gor_t;
typedef struct vclock vclock_t;

/* A new runtime with a virtual clock running at speed 1. Never NULL. */
rt_t *rt_new(const char *name);
/* Frees the runtime. Every goroutine must have exited and been joined, and
 * every object made in it freed. Accepts NULL. */
void rt_free(rt_t *rt);

/* Starts fn(arg) on a new thread registered as goroutine `name`. The
 * goroutine counts as running from this call on (as in Go, where `go f()`
 * makes it runnable at once), so no deadlock is reported before it starts.
 * Every goroutine started must be joined with rt_join(). Returns 0 or
 * CORE_ESYS; *out is set only on success. */
int rt_go(rt_t *rt, gor_t **out, const char *name, void (*fn)(void *), void *arg);
/* Waits for the thread to end and frees its record. Not a Go operation: the
 * caller is not counted as blocked meanwhile, so call it from a thread that is
 * not a goroutine, or after the goroutine's work is known to be over. */
void rt_join(gor_t *g);

/* Registers the calling thread as goroutine `name` (a program's "main").
 * Returns 0, or CORE_EINVAL if the thread is already a goroutine. */
int rt_enter(rt_t *rt, const char *name);
/* Unregisters the calling thread (it counts as exited). */
void rt_leave(void);

/* How many goroutines are parked right now (woken ones no longer count):
 * when main is about to return, the ones Go would leave blocked forever. */
int rt_parked(rt_t *rt);
/* How many goroutines are registered (started and not yet exited). */
int rt_goroutines(rt_t *rt);

/* Names the calling thread, which is not a goroutine, for runtime rt (a UI
 * thread, say): a Go panic it causes there (a try-send on a closed channel, a
 * close of a closed channel, a negative WaitGroup counter) names it as Go
 * names the goroutine that panicked, its events carry the name (with gor_id
 * 0), and its close of a nil channel, which names no runtime, panics in rt.
 * The thread does not become a goroutine: it still may not block, and the
 * deadlock detection does not count it. A thread neither a goroutine nor
 * named is reported as "outside goroutine"; its close of a nil channel can
 * only return CORE_EPANIC, since no runtime is involved. rt NULL forgets the
 * name; do so before rt_free(rt). Returns 0, or CORE_EINVAL when the caller
 * is a goroutine (it has its name) or name is NULL. */
int rt_name_thread(rt_t *rt, const char *name);

/* The calling thread's goroutine, or NULL. */
gor_t *rt_self(void);
int gor_id(const gor_t *g);
const char *gor_name(const gor_t *g);

/* Stops the runtime as described above; `reason` is kept as rt_failure().
 * Only the first halt counts. */
void rt_halt(rt_t *rt, const char *reason);
bool rt_halted(const rt_t *rt);
/* The message that halted the runtime (Go's panic or deadlock text), or NULL.
 * Valid until rt_free(). */
const char *rt_failure(const rt_t *rt);
/* CORE_EDEADLOCK, CORE_EHALTED (a panic or rt_halt) or 0 while running. */
int rt_halt_code(const rt_t *rt);

/* Attaches (or with fn == NULL detaches) the one observer. Attach before any
 * goroutine starts; events then flow from every thread of the runtime. */
void rt_observe(rt_t *rt, observer_fn fn, void *ud);

/* The runtime's virtual clock (see vclock.h). */
vclock_t *rt_clock(rt_t *rt);

const char *rt_name(const rt_t *rt);

#endif
