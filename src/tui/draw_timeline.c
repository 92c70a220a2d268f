/* draw_timeline.c - a lane per worker over virtual time, each job a span in
 * its own colour, so how much the workers overlap (the whole point of a
 * pool: 9 one-second jobs on 3 workers take ~3 s, not 9) shows by itself.
 *
 * The scale is a round number of ns per column, chosen so the run so far and
 * its ideal makespan both fit; it only grows, one nice step at a time, so
 * spans do not jitter from frame to frame. */
#include "tui/draw.h"

#include <inttypes.h>
#include <stdio.h>

/* The smallest 1, 2 or 5 times a power of ten that is >= v. */
static int64_t nice_ceil(int64_t v)
{
    int64_t p = 1;
    for (;;) {
        if (p >= v)
            return p;
        if (2 * p >= v)
            return 2 * p;
        if (5 * p >= v)
            return 5 * p;
        if (p > INT64_MAX / 20)
            return INT64_MAX / 2;
        p *= 10;
    }
}

static void fmt_tick(char *buf, size_t len, int64_t ns)
{
    if (ns % 1000000000 == 0)
        snprintf(buf, len, "%" PRId64 "s", ns / 1000000000);
    else if (ns >= 1000000000 || ns % 1000000 != 0)
        snprintf(buf, len, "%gs", (double)ns / 1e9);
    else
        snprintf(buf, len, "%" PRId64 "ms", ns / 1000000);
}

static void draw_span(WINDOW *w, int y, int x0, int cols, int64_t per_col, const tl_span_t *s, int64_t now,
                      const theme_t *t)
{
    int64_t end = s->how == SPAN_RUNNING ? now : s->end;
    int64_t c0 = s->start / per_col, c1 = (end + per_col - 1) / per_col;
    if (c1 <= c0)
        c1 = c0 + 1;
    if (c0 >= cols)
        return;
    if (c1 > cols)
        c1 = cols;
    attr_t a = t->job[(s->job > 0 ? s->job : 0) % THEME_JOB_COLOURS];
    put_repeat(w, y, x0 + (int)c0, (int)(c1 - c0), a, t->span);
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, s->job);
    if (text_width(id) < c1 - c0)
        put(w, y, x0 + (int)c0, text_width(id), t->utf8 ? a | A_REVERSE : a, id);
    static const char *const marks[] = {[SPAN_RUNNING] = ">", [SPAN_FAILED] = "!", [SPAN_CANCELLED] = "x",
                                        [SPAN_STUCK] = "?"};
    if (s->how != SPAN_DONE && c1 - c0 > text_width(id) + 1 && c1 <= cols)
        put(w, y, x0 + (int)c1 - 1, 1, s->how == SPAN_RUNNING ? a : t->attr[TA_ERROR], marks[s->how]);
}

int timeline_first_lane(const timeline_t *tl, int lanes, int scroll)
{
    int last = tl->n_lanes - lanes + 1;
    int first = scroll + 1;
    return first > last ? (last > 1 ? last : 1) : first < 1 ? 1 : first;
}

void draw_timeline(WINDOW *w, const view_t *v, rect_t r, int lanes)
{
    const model_t *m = v->m;
    const timeline_t *tl = v->tl;
    const theme_t *t = v->theme;
    int scroll = v->worker_scroll;
    int64_t now = view_now(v);
    int n_lanes = tl->n_lanes;
    if (lanes > n_lanes)
        lanes = n_lanes;
    int first = timeline_first_lane(tl, lanes, scroll), last = first + lanes - 1;
    char label[16];
    snprintf(label, sizeof label, "w%d", n_lanes > 0 ? n_lanes : 1);
    int label_w = text_width(label) + 1;
    int x0 = r.x + 1 + label_w + 1, cols = r.x + r.w - 1 - x0;
    if (!v->past && now < tl->now)
        now = tl->now;
    int64_t span = now > m->ideal_makespan ? now : m->ideal_makespan;
    if (span < 1000000000)
        span = 1000000000;
    int64_t per_col = cols > 0 ? nice_ceil((span + cols - 1) / cols) : 1;
    char right[96], scale[32];
    fmt_tick(scale, sizeof scale, per_col);
    if (n_lanes > lanes)
        snprintf(right, sizeof right, "lanes %d-%d of %d, 1 column = %s", first, last, n_lanes, scale);
    else
        snprintf(right, sizeof right, "1 column = %s", scale);
    draw_rule(w, r, t, "timeline", right);
    if (cols <= 0)
        return;
    for (int lane = first; lane <= last; lane++)
        putf(w, r.y + 1 + lane - first, r.x + 1, label_w, t->attr[TA_DIM], "w%d", lane);
    uint64_t upto = v->past ? v->past_events : UINT64_MAX;
    for (size_t i = 0; i < tl->len; i++) {
        tl_span_t buf;
        const tl_span_t *s = timeline_span_at(tl, i, upto, &buf);
        if (s && s->lane >= first && s->lane <= last)
            draw_span(w, r.y + 1 + s->lane - first, x0, cols, per_col, s, now, t);
    }
    /* The axis: a label every round number of seconds that leaves room. */
    int axis_y = r.y + r.h - 1;
    int64_t tick = nice_ceil(per_col * 10);
    for (int64_t at = 0; at / per_col < cols; at += tick) {
        char buf[32];
        fmt_tick(buf, sizeof buf, at);
        int c = (int)(at / per_col);
        put(w, axis_y, x0 + c, 1, t->attr[TA_DIM], "|");
        if (c + 1 + text_width(buf) <= cols)
            put(w, axis_y, x0 + c + 1, text_width(buf), t->attr[TA_DIM], buf);
    }
}
