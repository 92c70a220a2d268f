/* wg.h - sync.WaitGroup: a counter that Wait()ers wait on until it is zero.
 *
 * Add takes any delta; a counter that goes below zero is Go's panic
 * "sync: negative WaitGroup counter". A WaitGroup is reusable once Wait has
 * returned. Thread-safety: all calls may run concurrently but wg_free(). */
#ifndef POOLVIZ_CORE_WG_H
#define POOLVIZ_CORE_WG_H

#include <stdint.h>

#include "rt.h"

typedef struct wg wg_t;

wg_t *wg_new(rt_t *rt, const char *name);
void wg_free(wg_t *wg);

/* Returns 0 or CORE_EPANIC (negative counter; the runtime halts). */
int wg_add(wg_t *wg, int64_t delta);
int wg_done(wg_t *wg);
/* Blocks until the counter is zero. Returns 0 or a halt code. */
int wg_wait(wg_t *wg);
int64_t wg_count(const wg_t *wg);
const char *wg_name(const wg_t *wg);

#endif
