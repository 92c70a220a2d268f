/* draw_workers.c - the workers pane: one row per worker (name, state in
 * words and colour, a progress bar while working, jobs done, busy share);
 * when there are more workers than rows, a compact grid with a legend, and a
 * scroll offset when even that does not fit - never garbage. */
#include "tui/draw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum { GRID_CELL = LAYOUT_GRID_CELL };

static const char *object_name(const model_t *m, int id)
{
    return id > 0 && id < MODEL_MAX_OBJECTS && m->objects[id].known ? m->objects[id].name : "?";
}

/* A worker stuck for good (the run ended while it was parked) says on what,
 * as Go's deadlock report does. */
static bool stuck(const model_t *m, const model_actor_t *a) { return m->ended && a->blocked && !a->exited; }

/* The state in words, e.g. "working on job 5". */
static void phrase(char *buf, size_t len, const model_t *m, const model_actor_t *a)
{
    if (stuck(m, a)) {
        snprintf(buf, len, "stuck on %s", object_name(m, a->wait_obj));
        return;
    }
    switch (a->state) {
    case WS_WORKING:
        if (a->progress >= 1000)
            snprintf(buf, len, "sending result of %" PRId64, a->job);
        else
            snprintf(buf, len, "working on job %" PRId64, a->job);
        break;
    case WS_BLOCKED_SEND: snprintf(buf, len, "blocked sending result"); break;
    default: snprintf(buf, len, "%s", worker_state_name(a->state)); break;
    }
}

static attr_t row_attr(const model_t *m, const model_actor_t *a, const theme_t *t)
{
    return stuck(m, a) ? t->attr[TA_ERROR] : theme_state(t, a->state);
}

/* Per mille done: a spin job reports it; a sleeping one is as far along as
 * the clock says. */
static int progress(const model_actor_t *a, int64_t now)
{
    int p = a->progress;
    if (a->running && a->job_duration > 0 && now > a->job_start) {
        double by_clock = (double)(now - a->job_start) * 1000.0 / (double)a->job_duration;
        if (by_clock > p)
            p = by_clock >= 1000 ? 1000 : (int)by_clock;
    }
    return p;
}

static void draw_bar(WINDOW *w, int y, int x, int width, int permille, const theme_t *t)
{
    int full = (int)((int64_t)width * permille / 1000);
    put_repeat(w, y, x, full, t->attr[TA_WORKING], t->bar_full);
    put_repeat(w, y, x + full, width - full, t->attr[TA_DIM], t->bar_empty);
}

/* name | state | bar | done | busy */
static void draw_row(WINDOW *w, int y, rect_t r, const model_t *m, int id, int name_w, const theme_t *t, int64_t now)
{
    const model_actor_t *a = &m->actors[id];
    enum { STATS = 11 }; /* "%4lld %4d%%" */
    char words[64];
    phrase(words, sizeof words, m, a);
    int x = r.x + 1;
    int mid = r.w - 1 - name_w - 2 - STATS - 3;
    put(w, y, x, name_w, a->exited ? t->attr[TA_DIM] : A_NORMAL, a->name);
    x += name_w + 2;
    int used = put(w, y, x, mid, row_attr(m, a, t), words);
    int bar = mid - used - 1;
    if (a->state == WS_WORKING && !stuck(m, a) && bar >= 3)
        draw_bar(w, y, x + used + 1, bar, progress(a, now), t);
    /* Right-aligned under the heading's "done  busy". */
    putf(w, y, r.x + r.w - 3 - (STATS - 1), STATS - 1, A_NORMAL, "%4" PRId64 " %4d%%", a->jobs_done,
         (int)(model_utilization(m, id) * 100 + 0.5));
}

/* "▶ w12 j345": a state mark, the worker, its job. */
static void draw_cell(WINDOW *w, int y, int x, const model_t *m, int id, const theme_t *t)
{
    const model_actor_t *a = &m->actors[id];
    attr_t at = row_attr(m, a, t);
    int col = x + put(w, y, x, 1, at, t->st[a->state < WS_COUNT ? a->state : WS_STARTING]);
    col += putf(w, y, col + 1, GRID_CELL - 3, a->exited ? t->attr[TA_DIM] : A_NORMAL, "w%d", a->index) + 1;
    if (a->job && (a->state == WS_WORKING || a->state == WS_BLOCKED_SEND))
        putf(w, y, col + 1, x + GRID_CELL - 2 - col, at, "j%" PRId64, a->job);
}

static void draw_legend(WINDOW *w, int y, rect_t r, const theme_t *t)
{
    static const struct {
        worker_state_t s;
        const char *word;
    } legend[] = {{WS_WORKING, "working"}, {WS_WAITING_JOB, "waiting"}, {WS_BLOCKED_SEND, "blocked"},
                  {WS_EXITED, "exited"},   {WS_WAITING_TICK, "tick"},   {WS_STARTING, "idle"}};
    int x = r.x + 1;
    for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
        if (x + 2 + text_width(legend[i].word) > r.x + r.w)
            break; /* whole entries only */
        x += put(w, y, x, 1, theme_state(t, legend[i].s), t->st[legend[i].s]);
        x += putf(w, y, x, r.x + r.w - x, t->attr[TA_DIM], " %s  ", legend[i].word);
    }
}

int workers_per_page(rect_t r, int n)
{
    if (n <= r.h - 1)
        return n; /* a row each */
    int per_row = (r.w - 1) / GRID_CELL > 0 ? (r.w - 1) / GRID_CELL : 1;
    int fit = per_row * (r.h - 2); /* heading, legend */
    return n < fit ? n : fit;
}

int workers_first_shown(rect_t r, int n, int first)
{
    int last_page = n - workers_per_page(r, n);
    return first > last_page ? last_page : first < 0 ? 0 : first;
}

/* The grid: a page of workers from the first shown, row by row. */
static void draw_grid(WINDOW *w, rect_t r, const model_t *m, const int *ids, int n, int first, const theme_t *t)
{
    int per_row = (r.w - 1) / GRID_CELL > 0 ? (r.w - 1) / GRID_CELL : 1;
    int page = workers_per_page(r, n);
    for (int k = 0; k < page; k++) {
        int y = r.y + 1 + k / per_row, x = r.x + 1 + (k % per_row) * GRID_CELL;
        draw_cell(w, y, x, m, ids[first + k], t);
    }
    draw_legend(w, r.y + r.h - 1, r, t);
}

/* How many workers are in each state, "2 working, 1 waiting", in at most
 * room columns (the states that do not fit are left out). Stuck ones count
 * as stuck, whatever they were doing when the run died. */
static void state_summary(char *buf, size_t len, int room, const model_t *m, const int *ids, int n)
{
    enum { WORKING, WAITING, IDLE, BLOCKED, STUCK, EXITED, KINDS };
    static const char *const word[KINDS] = {"working", "waiting", "idle", "blocked", "stuck", "exited"};
    int count[KINDS] = {0};
    for (int i = 0; i < n; i++) {
        const model_actor_t *a = &m->actors[ids[i]];
        if (a->exited)
            count[EXITED]++;
        else if (stuck(m, a))
            count[STUCK]++;
        else if (a->state == WS_WORKING)
            count[WORKING]++;
        else if (a->state == WS_BLOCKED_SEND)
            count[BLOCKED]++;
        else if (a->state == WS_STARTING)
            count[IDLE]++;
        else
            count[WAITING]++;
    }
    size_t at = 0;
    buf[0] = '\0';
    for (int k = 0; k < KINDS; k++) {
        if (!count[k])
            continue;
        char part[32];
        snprintf(part, sizeof part, "%s%d %s", at ? ", " : "", count[k], word[k]);
        if ((int)(at + strlen(part)) > room || at + strlen(part) >= len)
            break;
        at += (size_t)snprintf(buf + at, len - at, "%s", part);
    }
}

void draw_workers(WINDOW *w, const model_t *m, const theme_t *t, rect_t r, int scroll, int64_t now)
{
    int *ids = xmalloc(MODEL_MAX_ACTORS * sizeof *ids);
    int n = workers_of(m, ids);
    char right[96], summary[64], title[80];
    bool list = n <= r.h - 1;
    int page = workers_per_page(r, n), first = workers_first_shown(r, n, scroll);
    /* Room in the rule: "-- workers (...) ---- right --". */
    if (list) {
        snprintf(right, sizeof right, "done  busy");
        state_summary(summary, sizeof summary, r.w - 16 - text_width(right) - 4, m, ids, n);
        snprintf(title, sizeof title, summary[0] ? "workers (%s)" : "workers", summary);
    } else if (page < n) {
        /* Paged: which ones show, of how many. */
        snprintf(title, sizeof title, "workers %d-%d of %d", first + 1, first + page, n);
        state_summary(summary, sizeof summary, r.w - text_width(title) - 10, m, ids, n);
        snprintf(right, sizeof right, "%s", summary);
    } else {
        snprintf(title, sizeof title, "workers");
        state_summary(summary, sizeof summary, r.w - 16, m, ids, n);
        snprintf(right, sizeof right, "%s", summary);
    }
    draw_rule(w, r, t, title, right);
    if (n == 0)
        put(w, r.y + 1, r.x + 1, r.w - 1, t->attr[TA_DIM], "no worker started yet");
    else if (n <= r.h - 1) {
        int name_w = 0;
        for (int i = 0; i < n; i++)
            if (text_width(m->actors[ids[i]].name) > name_w)
                name_w = text_width(m->actors[ids[i]].name);
        for (int i = 0; i < n; i++)
            draw_row(w, r.y + 1 + i, r, m, ids[i], name_w, t, now);
    } else {
        draw_grid(w, r, m, ids, n, first, t);
    }
    free(ids);
}
