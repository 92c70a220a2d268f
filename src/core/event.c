/* event.c - names of event kinds, as used in traces and JSON lines. */
#include "event.h"

const char *event_kind_name(event_kind_t kind)
{
    static const char *const names[EV_KIND_COUNT] = {
        [EV_GOR_START] = "gor_start", [EV_GOR_EXIT] = "gor_exit", [EV_BLOCK] = "block",
        [EV_ABORT] = "abort",         [EV_SEND] = "send",         [EV_RECV] = "recv",
        [EV_CLOSE] = "close",         [EV_WG_ADD] = "wg_add",     [EV_WG_WAIT] = "wg_wait",
        [EV_CANCEL] = "cancel",       [EV_TIMER] = "timer",       [EV_TICK] = "tick",
        [EV_PANIC] = "panic",         [EV_DEADLOCK] = "deadlock", [EV_HALT] = "halt",
    };
    return (unsigned)kind < EV_KIND_COUNT ? names[kind] : "unknown";
}
