/* lock.h - internal: the short lock that guards a channel or WaitGroup.
 *
 * Critical sections here are a few dozen instructions, so a contended thread
 * spins first and sleeps on a futex only when the holder seems descheduled
 * (Go's runtime lock does the same). A plain pthread mutex sleeps at once on
 * contention, which costs two system calls and a context switch per collision
 * when goroutines outnumber cores. States: 0 free, 1 held, 2 held with
 * sleepers (Drepper, "Futexes Are Tricky"). The futex calls here serve the
 * parking of goroutines too (rt.c). */
#ifndef POOLVIZ_CORE_LOCK_H
#define POOLVIZ_CORE_LOCK_H

#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct {
    _Atomic int state;
} lock_t;

enum { LOCK_SPINS = 100, LOCK_YIELDS = 4 };

static inline void lock_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline void lock_futex_wait(_Atomic int *addr, int expected)
{
    syscall(SYS_futex, (int *)addr, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static inline void lock_futex_wake(_Atomic int *addr)
{
    syscall(SYS_futex, (int *)addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static inline void lock_init(lock_t *l) { atomic_init(&l->state, 0); }

static inline void lock_acquire(lock_t *l)
{
    int expected = 0;
    if (atomic_compare_exchange_weak_explicit(&l->state, &expected, 1, memory_order_acquire,
                                              memory_order_relaxed))
        return;
    for (int i = 0; i < LOCK_SPINS + LOCK_YIELDS; i++) {
        if (i < LOCK_SPINS)
            lock_cpu_relax();
        else
            sched_yield();
        expected = 0;
        if (atomic_load_explicit(&l->state, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_weak_explicit(&l->state, &expected, 1, memory_order_acquire,
                                                  memory_order_relaxed))
            return;
    }
    while (atomic_exchange_explicit(&l->state, 2, memory_order_acquire) != 0)
        lock_futex_wait(&l->state, 2);
}

static inline void lock_release(lock_t *l)
{
    if (atomic_exchange_explicit(&l->state, 0, memory_order_release) == 2)
        lock_futex_wake(&l->state);
}

#endif
