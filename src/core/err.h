/* err.h - the one error convention of the core: 0 is success, failures are
 * negative CORE_E* codes, and core_strerror() names each of them. */
#ifndef POOLVIZ_CORE_ERR_H
#define POOLVIZ_CORE_ERR_H

enum {
    CORE_OK = 0,
    CORE_EINVAL = -1,    /* bad argument (NULL object, zero element size, ...) */
    CORE_EPANIC = -2,    /* this very call is a Go panic; see rt_failure() */
    CORE_EDEADLOCK = -3, /* the runtime stopped: all goroutines were asleep */
    CORE_EHALTED = -4,   /* the runtime stopped: a panic elsewhere, or rt_halt() */
    CORE_EAGAIN = -5,    /* a non-blocking operation found nothing ready */
    CORE_ENOTGOR = -6,   /* a blocking call from a thread that is not a goroutine of this runtime */
    CORE_ESYS = -7       /* the system refused (thread creation) */
};

/* A static, human-readable text for a CORE_E* code (never NULL). */
const char *core_strerror(int err);

#endif
