/* draw_status.c - the top two lines (what runs and its state, the clock;
 * WaitGroup, context, throughput, elapsed vs ideal) and the help line. */
#include "tui/draw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The run's state in a word or two, and its attribute. */
static const char *run_state(const model_t *m, const view_t *v, attr_t *a, const char **glyph)
{
    const theme_t *t = v->theme;
    *a = t->attr[TA_PAUSED];
    *glyph = t->pause;
    if (v->rewinding) {
        *glyph = t->rewind;
        return "rewind";
    }
    if (m->ended) {
        *glyph = t->stop;
        *a = m->outcome == OUTCOME_OK ? t->attr[TA_GOOD] : t->attr[TA_ERROR];
        switch (m->outcome) {
        case OUTCOME_DEADLOCK: return "deadlock";
        case OUTCOME_PANIC: return "panic";
        case OUTCOME_ABORTED: return "stopped";
        default: return "finished";
        }
    }
    if (v->exhausted) {
        *glyph = t->stop;
        return "end of recording";
    }
    if (v->paused)
        return "paused";
    *glyph = t->play;
    *a = t->attr[TA_WORKING];
    return v->source == VIEW_REPLAY ? "replaying" : "running";
}

void draw_title(WINDOW *w, const model_t *m, const view_t *v, rect_t r)
{
    const theme_t *t = v->theme;
    int x = r.x + 1;
    x += put(w, r.y, x, r.w, t->attr[TA_TITLE], "poolviz");
    /* Right side: state, clock, speed; always whole, the title gives way. */
    attr_t sa;
    const char *glyph;
    const char *state = run_state(m, v, &sa, &glyph);
    char clock[32], right[96], where[48] = "";
    fmt_duration(clock, sizeof clock, view_now(v));
    if (v->rewinding)
        snprintf(where, sizeof where, " %zu/%zu", v->rewind_pos, v->rewind_len);
    snprintf(right, sizeof right, "%s %s%s", glyph, state, where);
    char tail[64];
    snprintf(tail, sizeof tail, "   t %s   speed %gx ", clock, v->speed);
    int rw = text_width(right) + text_width(tail);
    int rx = r.x + r.w - rw;
    if (v->title && rx - x > 4) {
        x += put(w, r.y, x, 2, A_NORMAL, "  ");
        put_fit(w, r.y, x, rx - x - 2, A_NORMAL, v->title, t);
    }
    if (rx < x + 2)
        rx = x + 2;
    rx += put(w, r.y, rx, r.x + r.w - rx, sa, right);
    put(w, r.y, rx, r.x + r.w - rx, A_NORMAL, tail);
}

static void ctx_words(char *buf, size_t len, const model_t *m)
{
    switch (m->ctx_state) {
    case CTX_STATE_NONE: snprintf(buf, len, "no context"); break;
    case CTX_STATE_CANCELED: snprintf(buf, len, "ctx canceled"); break;
    case CTX_STATE_DEADLINE: snprintf(buf, len, "ctx deadline exceeded"); break;
    default:
        if (m->ctx_deadline != INT64_MAX) {
            char left[32];
            fmt_duration(left, sizeof left, m->ctx_deadline - m->now);
            snprintf(buf, len, "ctx active, %s left", left);
        } else {
            snprintf(buf, len, "ctx active");
        }
    }
}

/* Someone parked in wg.Wait(). */
static bool wg_waiter(const model_t *m)
{
    for (int id = 1; id < m->n_actors; id++)
        if (m->actors[id].known && m->actors[id].blocked && m->actors[id].wait == PW_WG)
            return true;
    return false;
}

/* Items separated by the theme's separator, as many as fit. */
static int item(WINDOW *w, int y, int x, int end, const theme_t *t, bool first, attr_t a, const char *s)
{
    int need = text_width(s) + (first ? 0 : text_width(t->sep));
    if (x + need > end)
        return 0;
    int col = x;
    if (!first)
        col += put(w, y, col, end - col, t->attr[TA_DIM], t->sep);
    col += put(w, y, col, end - col, a, s);
    return col - x;
}

void draw_status(WINDOW *w, const model_t *m, const view_t *v, rect_t r)
{
    const theme_t *t = v->theme;
    char wg[32], ctx[64], tput[32], span[64], done[48], mk[24], ideal[24];
    snprintf(wg, sizeof wg, "WaitGroup %" PRId64 "%s", m->wg_counter, wg_waiter(m) ? ", Wait() blocked" : "");
    ctx_words(ctx, sizeof ctx, m);
    snprintf(tput, sizeof tput, "%.2f results/s", model_throughput(m));
    /* While it runs, how long so far; once over, how long it took (to the
     * last result), each beside the ideal makespan. */
    fmt_duration(mk, sizeof mk, m->ended ? model_makespan(m) : view_now(v));
    fmt_duration(ideal, sizeof ideal, m->ideal_makespan);
    if (m->started && m->workers_planned == 0)
        snprintf(span, sizeof span, "%s %s, no workers", m->ended ? "took" : "elapsed", mk);
    else
        snprintf(span, sizeof span, "%s %s, ideal %s", m->ended ? "took" : "elapsed", mk, ideal);
    snprintf(done, sizeof done, "done %" PRId64 "/%" PRId64, m->results_collected, m->jobs_planned);
    int x = r.x + 1, end = r.x + r.w - 1;
    x += item(w, r.y, x, end, t, true, A_NORMAL, wg);
    x += item(w, r.y, x, end, t, false, m->ctx_state >= CTX_STATE_CANCELED ? t->attr[TA_ERROR] : A_NORMAL, ctx);
    x += item(w, r.y, x, end, t, false, A_NORMAL, span);
    x += item(w, r.y, x, end, t, false, A_NORMAL, tput);
    item(w, r.y, x, end, t, false, A_NORMAL, done);
}

/* Which screens a key belongs on. */
typedef enum { K_ALL, K_LESSON, K_FREE, K_REPLAY } key_when_t;

typedef struct {
    const char *key, *what;
    key_when_t when; /* K_LESSON: only in a lesson; K_FREE: changes the run, so
                        not in a replay nor a lesson (whose run follows its script);
                        K_REPLAY: only in a replay */
} key_help_t;

static const key_help_t keys[] = {
    {"n", "next step", K_LESSON}, {"p", "previous", K_LESSON}, {"Tab", "pool/code", K_LESSON},
    {"space", "pause", K_ALL},    {".", "step", K_ALL},        {"+/-", "speed", K_ALL},
    {"<-/->", "rewind", K_ALL},   {"w/W", "worker", K_FREE},   {"j", "jobs", K_FREE},
    {"c", "close", K_FREE},       {"x", "cancel", K_FREE},     {"r", "restart", K_FREE},
    {"r", "play again", K_REPLAY},
};

static bool key_shown(const view_t *v, const key_help_t *k)
{
    switch (k->when) {
    case K_ALL: return true;
    case K_LESSON: return v->lesson;
    case K_FREE: return v->source != VIEW_REPLAY && !v->lesson;
    case K_REPLAY: return v->source == VIEW_REPLAY;
    }
    return true;
}

/* Arrows as arrows where the terminal can show them. */
static const char *key_text(const theme_t *t, const key_help_t *k)
{
    return t->utf8 && strcmp(k->key, "<-/->") == 0 ? "←/→" : k->key;
}

/* Whether every key shown fits with its word in cols columns. */
static bool keys_fit_with_words(const view_t *v, int cols)
{
    int need = -2;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (key_shown(v, &keys[i]))
            need += text_width(key_text(v->theme, &keys[i])) + 1 + text_width(keys[i].what) + 2;
    return need <= cols;
}

/* The keys with their words; where they do not all fit (80 columns), the
 * keys that change the run go as letters alone ("w/W j c x r run"), so
 * every key is on the line and ? says what each does. */
static void draw_keys(WINDOW *w, const view_t *v, int y, int x, int end)
{
    const theme_t *t = v->theme;
    bool words = keys_fit_with_words(v, end - x);
    bool grouped = false;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const key_help_t *k = &keys[i];
        if (!key_shown(v, k))
            continue;
        const char *text = key_text(t, k);
        bool alone = !words && k->when == K_FREE;
        int need = text_width(text) + (alone ? (grouped ? 1 : 0) : 1 + text_width(k->what));
        if (x + need > end)
            break;
        if (alone) {
            if (grouped)
                x += put(w, y, x, 1, A_NORMAL, " ");
            x += put(w, y, x, end - x, t->attr[TA_KEY], text);
            grouped = true;
            continue;
        }
        x += put(w, y, x, need, t->attr[TA_KEY], text);
        x += putf(w, y, x, end - x, t->attr[TA_DIM], " %s", k->what);
        x += put(w, y, x, end - x, A_NORMAL, "  ");
    }
    if (grouped)
        put(w, y, x, end - x, t->attr[TA_DIM], " run");
}

void draw_help_line(WINDOW *w, const model_t *m, const view_t *v, rect_t r)
{
    const theme_t *t = v->theme;
    (void)m;
    int x = r.x + 1, end = r.x + r.w - 1 - 15; /* "q quit  ? help" stay */
    if (v->notice)
        put(w, r.y, x, end - x, t->attr[TA_PAUSED], v->notice);
    else if (v->rewinding)
        put(w, r.y, x, end - x, A_NORMAL, t->utf8 ? "←/→ move through history   space back to live"
                                                  : "<-/-> move through history   space back to live");
    else
        draw_keys(w, v, r.y, x, end);
    int hx = r.x + r.w - 15;
    hx += put(w, r.y, hx, 1, t->attr[TA_KEY], "q");
    hx += put(w, r.y, hx, 8, t->attr[TA_DIM], " quit  ");
    hx += put(w, r.y, hx, 1, t->attr[TA_KEY], "?");
    put(w, r.y, hx, 5, t->attr[TA_DIM], " help");
}
