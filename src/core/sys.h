/* sys.h - the few system helpers every layer needs: a check for calls that
 * cannot fail short of a broken process, the monotonic clock, and the signal
 * mask of threads that must never take an asynchronous signal. */
#ifndef POOLVIZ_CORE_SYS_H
#define POOLVIZ_CORE_SYS_H

#include <signal.h>
#include <stdint.h>

/* Aborts when rc is not 0: for pthread calls that fail only on misuse. */
void sys_check(int rc);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t sys_monotonic_ns(void);
/* Blocks every asynchronous signal in the calling thread (the fatal ones
 * stay deliverable, so crash handlers still run); *old, if not NULL, gets the
 * previous mask. Threads started meanwhile inherit the mask. */
void sys_block_async_signals(sigset_t *old);

#endif
