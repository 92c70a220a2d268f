/* evlog.c - the ring of the latest event lines (evlog.h). */
#include "tui/evlog.h"

#include <string.h>

#include "views/text.h"

void evlog_reset(evlog_t *l)
{
    l->head = l->len = 0;
    l->died = false;
}

void evlog_add(evlog_t *l, const pevent_t *ev, const model_t *m)
{
    char line[EVLOG_WIDTH];
    if (l->died && !model_counts_after_death((pevent_kind_t)ev->kind))
        return; /* the runtime unwinding, not the program */
    l->died |= ev->kind == PE_DEADLOCK || ev->kind == PE_PANIC;
    if (text_format_line(line, sizeof line, ev, m) == TEXT_NONE)
        return; /* formatted aside: a full ring's oldest line must survive */
    memcpy(l->lines[(l->head + l->len) % EVLOG_LINES], line, sizeof line);
    if (l->len == EVLOG_LINES)
        l->head = (l->head + 1) % EVLOG_LINES;
    else
        l->len++;
}

const char *evlog_line(const evlog_t *l, size_t i)
{
    return i < l->len ? l->lines[(l->head + l->len - 1 - i) % EVLOG_LINES] : NULL;
}
