/* sys.c - the helpers of sys.h. */
#include "sys.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

void sys_check(int rc)
{
    if (rc != 0)
        abort();
}

uint64_t sys_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sys_block_async_signals(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGABRT);
    sys_check(pthread_sigmask(SIG_BLOCK, &all, old));
}
