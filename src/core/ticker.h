/* ticker.h - Go's time.Ticker on the virtual clock.
 *
 * Ticks arrive on a channel of capacity 1 carrying the virtual time (int64_t
 * ns) of the tick. A tick that finds the previous one still unread is dropped,
 * so a slow receiver sees no burst. Ticks are due at exact multiples of the
 * period after ticker_new() and carry that due time; ticks already past when
 * the timer thread gets to them are skipped, as in Go. Thread-safety: any
 * thread. */
#ifndef POOLVIZ_CORE_TICKER_H
#define POOLVIZ_CORE_TICKER_H

#include <stdint.h>

#include "chan.h"

typedef struct ticker ticker_t;

/* period > 0 virtual ns; NULL with a CORE_EINVAL-worthy period. */
ticker_t *ticker_new(rt_t *rt, const char *name, int64_t period);
chan_t *ticker_chan(ticker_t *t);
/* Stops further ticks (a tick already in the channel stays). */
void ticker_stop(ticker_t *t);
void ticker_free(ticker_t *t);
uint64_t ticker_dropped(const ticker_t *t);

#endif
