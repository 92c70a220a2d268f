/* vclock.h - the runtime's virtual clock, and timers that run on it.
 *
 * Virtual time is what durations, timeouts and tick periods are measured in.
 * It advances at `speed` times real time and stands still while paused; speed
 * may change at any moment and every pending timer follows at once.
 *
 * Timers fire on one timer thread per runtime. A pending timer is something
 * that can still wake a goroutine, so while any exists no deadlock is
 * reported (as in Go), except a passive one (below). Thread-safety: every
 * call may come from any thread. */
#ifndef POOLVIZ_CORE_VCLOCK_H
#define POOLVIZ_CORE_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "chan.h"
#include "rt.h"

#define VCLOCK_MIN_SPEED 0.001
#define VCLOCK_MAX_SPEED 1000000.0

/* Virtual nanoseconds since the runtime was made. */
int64_t vclock_now(vclock_t *vc);
/* The virtual time at CLOCK_MONOTONIC instant real_ns (ns), for a caller
 * that has read the real clock already. Lock-free. */
int64_t vclock_at(vclock_t *vc, uint64_t real_ns);
/* Returns 0, or CORE_EINVAL for a speed outside [MIN, MAX]. */
int vclock_set_speed(vclock_t *vc, double speed);
double vclock_speed(vclock_t *vc);
void vclock_pause(vclock_t *vc);
void vclock_resume(vclock_t *vc);
bool vclock_paused(vclock_t *vc);

typedef struct vtimer vtimer_t;

/* A timer that, d virtual ns from now, calls fn(arg) on the timer thread
 * (Go's time.AfterFunc). fn must not block. The timer is freed by vtimer_free
 * only: firing does not free it. */
vtimer_t *vtimer_after_func(rt_t *rt, const char *name, int64_t d, void (*fn)(void *), void *arg);
/* A timer that is not pending yet: vtimer_reset() or vtimer_reset_at() arms
 * it. Lets an owner publish the timer before its callback can run. */
vtimer_t *vtimer_new(rt_t *rt, const char *name, void (*fn)(void *), void *arg);
/* Marks a timer (before it is armed) as one that does not hold off deadlock
 * detection: one that wakes no goroutine (an observer's alarm), or one whose
 * channel accounts for it (a ticker's, a context deadline's; sched.h). */
void vtimer_set_passive(vtimer_t *t);
/* Reschedules a timer (pending or fired) to fire d ns from now. Does not wait
 * for a running callback, so a callback may re-arm its own timer. */
void vtimer_reset(vtimer_t *t, int64_t d);
/* The same at the absolute virtual time `when` (at once if already past), for
 * a fixed schedule that does not drift (tickers, deadlines). */
void vtimer_reset_at(vtimer_t *t, int64_t when);
/* Stops the timer; true if it was pending (as Go's Stop). After return fn is
 * not running and will not run (until a reset). Called from the timer's own
 * callback it does not wait for that callback, which is still running. */
bool vtimer_stop(vtimer_t *t);
/* Stops and frees. Accepts NULL. */
void vtimer_free(vtimer_t *t);
const char *vtimer_name(const vtimer_t *t);
uint64_t vtimer_id(const vtimer_t *t);

/* Holds virtual time still until the calling goroutine next parks, as if a
 * timer had woken it: for the zero-time setup at the start of a run (making
 * channels, starting workers). Goroutines it starts meanwhile hold it too. */
void vclock_hold_self(rt_t *rt);
/* Says the calling goroutine starts work that takes time (a computation,
 * real I/O). Virtual time stands still while goroutines woken by a timer take
 * their zero-time steps; one that computes instead must let it run. */
void vclock_working(rt_t *rt);

/* Go's time.Sleep on the virtual clock: parks the calling goroutine for d
 * virtual ns. Returns 0 or a halt code. */
int vclock_sleep(rt_t *rt, int64_t d);

#endif
