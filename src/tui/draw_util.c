/* draw_util.c - what the panels share: the plain theme, clipped output,
 * headings, durations (draw.h). */
#include "tui/draw.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void theme_plain(theme_t *t, bool utf8)
{
    *t = (theme_t){.utf8 = utf8};
    t->attr[TA_TITLE] = A_BOLD;
    t->attr[TA_RULE] = A_BOLD;
    t->attr[TA_DIM] = A_DIM;
    t->attr[TA_KEY] = A_BOLD;
    t->attr[TA_WORKING] = A_BOLD;
    t->attr[TA_BLOCKED] = A_REVERSE;
    t->attr[TA_EXITED] = A_DIM;
    t->attr[TA_ERROR] = A_BOLD | A_REVERSE;
    t->attr[TA_GOOD] = A_BOLD;
    t->attr[TA_PAUSED] = A_REVERSE;
    /* Without colour, spans alternate so neighbours stay apart. */
    for (int i = 0; i < THEME_JOB_COLOURS; i++)
        t->job[i] = i % 2 ? A_DIM : A_NORMAL;
    if (utf8) {
        t->rule = "─", t->bar_full = "█", t->bar_empty = "░", t->span = "█", t->slot = "·";
        t->arrow = "←", t->ellipsis = "…", t->sep = " │ ";
        t->play = "▶", t->pause = "‖", t->stop = "■", t->rewind = "◀";
        t->st[WS_STARTING] = "○", t->st[WS_WAITING_JOB] = "·", t->st[WS_WORKING] = "▶";
        t->st[WS_BLOCKED_SEND] = "■", t->st[WS_WAITING_TICK] = "◷", t->st[WS_EXITED] = "×";
    } else {
        t->rule = "-", t->bar_full = "#", t->bar_empty = ".", t->span = "=", t->slot = ".";
        t->arrow = "<", t->ellipsis = "~", t->sep = " | ";
        t->play = ">", t->pause = "||", t->stop = "#", t->rewind = "<";
        t->st[WS_STARTING] = "o", t->st[WS_WAITING_JOB] = ".", t->st[WS_WORKING] = ">";
        t->st[WS_BLOCKED_SEND] = "!", t->st[WS_WAITING_TICK] = "~", t->st[WS_EXITED] = "x";
    }
}

attr_t theme_state(const theme_t *t, worker_state_t s)
{
    switch (s) {
    case WS_WAITING_JOB: return t->attr[TA_WAITING];
    case WS_WORKING: return t->attr[TA_WORKING];
    case WS_BLOCKED_SEND: return t->attr[TA_BLOCKED];
    case WS_WAITING_TICK: return t->attr[TA_TICK];
    case WS_EXITED: return t->attr[TA_EXITED];
    default: return t->attr[TA_IDLE];
    }
}

int text_width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Bytes of s that make up its first cols columns. */
static size_t prefix_bytes(const char *s, int cols)
{
    size_t i = 0;
    for (int c = 0; s[i]; c++) {
        if (c == cols)
            break;
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

int put(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s)
{
    int room = getmaxx(w) - x;
    if (y < 0 || y >= getmaxy(w) || x < 0 || room <= 0 || maxw <= 0)
        return 0;
    if (maxw > room)
        maxw = room;
    size_t bytes = prefix_bytes(s, maxw);
    if (bytes == 0)
        return 0;
    wattrset(w, a);
    mvwaddnstr(w, y, x, s, (int)bytes);
    wattrset(w, A_NORMAL);
    int n = text_width(s);
    return n < maxw ? n : maxw;
}

int put_fit(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s, const theme_t *t)
{
    if (text_width(s) <= maxw)
        return put(w, y, x, maxw, a, s);
    int room = maxw - text_width(t->ellipsis);
    if (room <= 0)
        return 0;
    size_t cut = prefix_bytes(s, room);
    /* Back to the last word boundary, and past the blanks and commas before it. */
    size_t at = cut;
    while (at > 0 && s[at] != ' ')
        at--;
    while (at > 0 && (s[at - 1] == ' ' || s[at - 1] == ',' || s[at - 1] == ':'))
        at--;
    if (at > 0)
        cut = at;
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s%s", (int)cut, s, t->ellipsis);
    return put(w, y, x, maxw, a, buf);
}

int putf(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return put(w, y, x, maxw, a, buf);
}

void put_repeat(WINDOW *w, int y, int x, int n, attr_t a, const char *glyph)
{
    for (int i = 0; i < n; i++)
        put(w, y, x + i, 1, a, glyph);
}

void clear_rect(WINDOW *w, rect_t r)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            put(w, y, x, 1, A_NORMAL, " ");
}

void draw_rule(WINDOW *w, rect_t r, const theme_t *t, const char *title, const char *right)
{
    attr_t a = t->attr[TA_DIM];
    put_repeat(w, r.y, r.x, r.w, a, t->rule);
    int x = r.x + 2;
    if (title && *title) {
        x += put(w, r.y, x, r.w - 4, A_NORMAL, " ");
        x += put(w, r.y, x, r.x + r.w - 2 - x, t->attr[TA_RULE], title);
        put(w, r.y, x, r.x + r.w - 2 - x, A_NORMAL, " ");
    }
    if (right && *right) {
        int rw = text_width(right) + 2;
        int rx = r.x + r.w - 2 - rw;
        if (rx > x + 2) {
            put(w, r.y, rx, rw, A_NORMAL, " ");
            put(w, r.y, rx + 1, rw - 2, a, right);
            put(w, r.y, rx + rw - 1, 1, A_NORMAL, " ");
        }
    }
}

void fmt_duration(char *buf, size_t len, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    double s = (double)ns / 1e9;
    if (ns > 0 && ns < 1000000000)
        snprintf(buf, len, "%" PRId64 " ms", ns / 1000000);
    else if (s < 60)
        snprintf(buf, len, "%.2f s", s);
    else if (s < 3600)
        snprintf(buf, len, "%d m %02d s", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, len, "%d h %02d m", (int)(s / 3600), (int)(s / 60) % 60);
}

int64_t view_now(const view_t *v)
{
    const model_t *m = v->m;
    if (m->died)
        return m->died_at;
    return v->now > m->now ? v->now : m->now;
}

int workers_of(const model_t *m, int *ids)
{
    int n = 0;
    for (int id = 1; id < m->n_actors && id < MODEL_MAX_ACTORS; id++)
        if (m->actors[id].known && m->actors[id].role == ROLE_WORKER)
            ids[n++] = id;
    /* Ids follow start order, which is index order, except after a restart
     * of the same ids; sort by index to be sure (insertion: few, nearly sorted). */
    for (int i = 1; i < n; i++) {
        int id = ids[i], j = i;
        while (j > 0 && m->actors[ids[j - 1]].index > m->actors[id].index) {
            ids[j] = ids[j - 1];
            j--;
        }
        ids[j] = id;
    }
    return n;
}

int workers_count(const model_t *m)
{
    int n = 0;
    for (int id = 1; id < m->n_actors && id < MODEL_MAX_ACTORS; id++)
        n += m->actors[id].known && m->actors[id].role == ROLE_WORKER;
    return n;
}
