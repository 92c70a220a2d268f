/* draw_chan.c - a channel drawn as a queue, shared by the jobs and results
 * panes: "recv ← [ 4 5 6 · · · ] ← send". The oldest element, the next to be
 * received, sits at the left next to the receiving end; values move right to
 * left as they do through a Go channel. CLOSED once closed. */
#include "tui/draw_chan.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const model_object_t *chan_object(const model_t *m, int id)
{
    return id > 0 && id < MODEL_MAX_OBJECTS && m->objects[id].known ? &m->objects[id] : NULL;
}

/* "6 of 100 slots used, closed" for a channel pane's heading. */
void chan_heading(char *buf, size_t len, const model_object_t *o)
{
    if (!o)
        snprintf(buf, len, "%s", "");
    else if (o->capacity == 0)
        snprintf(buf, len, "unbuffered%s", o->closed ? ", closed" : "");
    else
        snprintf(buf, len, "%zu of %" PRId64 " slots used%s", o->fifo.len, o->capacity, o->closed ? ", closed" : "");
}

/* The elements, then the empty slots, that fit in width columns; an
 * ellipsis says more follow. Returns the columns used. */
static int draw_slots(WINDOW *w, int y, int x, int width, const model_object_t *o, const theme_t *t)
{
    size_t len = o->fifo.len;
    int64_t total = o->capacity > (int64_t)len ? o->capacity : (int64_t)len;
    int col = 0;
    for (int64_t i = 0; i < total; i++) {
        char tok[24];
        bool full = i < (int64_t)len;
        snprintf(tok, sizeof tok, "%" PRId64, full ? model_fifo_at(&o->fifo, (size_t)i) : 0);
        int need = (full ? text_width(tok) : 1) + (i > 0);
        /* Keep room for the ellipsis while more follow. */
        if (col + need + (i + 1 < total ? 2 : 0) > width) {
            col += put(w, y, x + col, 2, t->attr[TA_DIM], i > 0 ? " " : "");
            return col + put(w, y, x + col, 1, t->attr[TA_DIM], t->ellipsis);
        }
        if (i > 0)
            col += put(w, y, x + col, 1, A_NORMAL, " ");
        col += full ? put(w, y, x + col, need, t->attr[TA_WORKING], tok) : put(w, y, x + col, 1, t->attr[TA_DIM], t->slot);
    }
    return col;
}

void chan_draw_line(WINDOW *w, int y, int x, int width, const model_object_t *o, const theme_t *t)
{
    if (!o) {
        put(w, y, x, width, t->attr[TA_DIM], "(no channel yet)");
        return;
    }
    int end = x + width - (o->closed ? 8 : 0);
    int col = x;
    col += put(w, y, col, end - col, t->attr[TA_DIM], "recv ");
    col += put(w, y, col, end - col, A_NORMAL, t->arrow);
    if (o->capacity == 0) {
        col += put(w, y, col, end - col, t->attr[TA_DIM], " unbuffered: a send waits for a receiver ");
    } else {
        col += put(w, y, col, end - col, A_NORMAL, " [ ");
        int tail = 3 + text_width(t->arrow) + 5; /* " ] ← send" */
        if (end - col - tail > 0)
            col += draw_slots(w, y, col, end - col - tail, o, t);
        col += put(w, y, col, end - col, A_NORMAL, " ] ");
    }
    col += put(w, y, col, end - col, A_NORMAL, t->arrow);
    put(w, y, col, end - col, t->attr[TA_DIM], " send");
    if (o->closed)
        put(w, y, x + width - 6, 6, t->attr[TA_ERROR], "CLOSED");
}

/* The names of the actors counted on one side of obj, into buf; when they
 * would not fit in width columns, a count instead ("3 workers"). */
static int blocked_names(const model_t *m, int obj, int side, char *buf, size_t len, int width)
{
    int n = 0, workers = 0;
    size_t used = 0;
    buf[0] = '\0';
    for (int id = 1; id < m->n_actors; id++) {
        const model_actor_t *a = &m->actors[id];
        if (!a->known || a->exited || a->counted_obj != obj || a->counted != side)
            continue;
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", n ? ", " : "", a->name);
        n++;
        workers += a->role == ROLE_WORKER;
    }
    if (used >= len || text_width(buf) > width) {
        if (workers == n)
            snprintf(buf, len, "%d worker%s", n, n == 1 ? "" : "s");
        else
            snprintf(buf, len, "%d goroutines", n);
    }
    return n;
}

void chan_draw_blocked(WINDOW *w, int y, int x, int width, const model_t *m, int obj, const theme_t *t)
{
    char senders[160], receivers[160];
    int ns = blocked_names(m, obj, 1, senders, sizeof senders, width - 17);
    int nr = blocked_names(m, obj, 2, receivers, sizeof receivers, ns ? (width - 20) / 2 : width - 20);
    int col = x;
    if (ns == 0 && nr == 0) {
        put(w, y, col, width, t->attr[TA_DIM], "nobody blocked on it");
        return;
    }
    if (ns) {
        col += put(w, y, col, x + width - col, t->attr[TA_BLOCKED], "blocked sending:");
        col += putf(w, y, col, x + width - col, A_NORMAL, " %s", senders);
    }
    if (nr) {
        col += put(w, y, col, x + width - col, A_NORMAL, ns ? "   " : "");
        col += put(w, y, col, x + width - col, t->attr[TA_WAITING], "waiting to receive:");
        putf(w, y, col, x + width - col, A_NORMAL, " %s", receivers);
    }
}
