/* err.c - texts for the core's error codes. */
#include "err.h"

const char *core_strerror(int err)
{
    switch (err) {
    case CORE_OK: return "success";
    case CORE_EINVAL: return "invalid argument";
    case CORE_EPANIC: return "panic";
    case CORE_EDEADLOCK: return "all goroutines are asleep - deadlock";
    case CORE_EHALTED: return "runtime halted";
    case CORE_EAGAIN: return "operation would block";
    case CORE_ENOTGOR: return "blocking call from a thread that is not a goroutine of this runtime";
    case CORE_ESYS: return "system resource exhausted";
    }
    return "unknown error";
}
