/* ctx.h - Go's context: cancellation that flows from parent to children.
 *
 * ctx_done() is a channel closed exactly once when the context is cancelled,
 * so it can sit in a select; the background context's is nil (never ready).
 * Cancelling a parent cancels its children; a child's cancel leaves its parent
 * alone; cancel is idempotent. Thread-safety: any thread. */
#ifndef POOLVIZ_CORE_CTX_H
#define POOLVIZ_CORE_CTX_H

#include <stdint.h>

#include "chan.h"

typedef struct ctx ctx_t;

enum {
    CTX_ACTIVE = 0,
    CTX_CANCELED = 1,          /* "context canceled" */
    CTX_DEADLINE_EXCEEDED = 2  /* "context deadline exceeded" */
};

/* A new background context (never cancelled, no deadline); ctx_free() it. */
ctx_t *ctx_background(rt_t *rt);
ctx_t *ctx_with_cancel(ctx_t *parent, const char *name);
/* Deadline in the runtime's virtual time (vclock_now()). A parent's earlier
 * deadline wins; one already past cancels with CTX_DEADLINE_EXCEEDED at once. */
ctx_t *ctx_with_deadline(ctx_t *parent, const char *name, int64_t deadline);
ctx_t *ctx_with_timeout(ctx_t *parent, const char *name, int64_t timeout);

void ctx_cancel(ctx_t *c);
/* NULL (a nil channel) for the background context. */
chan_t *ctx_done(ctx_t *c);
/* CTX_ACTIVE, CTX_CANCELED or CTX_DEADLINE_EXCEEDED. */
int ctx_err(ctx_t *c);
const char *ctx_strerror(int err);
/* The deadline, or INT64_MAX when none applies. */
int64_t ctx_deadline(ctx_t *c);
const char *ctx_name(const ctx_t *c);
/* Cancels (as Go's deferred cancel) and frees. Children must be freed first.
 * Accepts NULL. */
void ctx_free(ctx_t *c);

#endif
