/* draw_overlay.c - what is drawn over the panes: the help, the deadlock or
 * panic report, and the "terminal too small" message. */
#include "tui/draw.h"

#include <stdio.h>
#include <string.h>

/* A framed, blanked box with a title in its top edge. Blank columns on
 * either side keep the panes' text from running into the frame ("[|"). */
static void draw_box(WINDOW *w, rect_t r, const theme_t *t, attr_t a, const char *title)
{
    const char *h = t->utf8 ? "─" : "-", *v = t->utf8 ? "│" : "|";
    const char *c[4] = {"+", "+", "+", "+"};
    if (t->utf8) {
        c[0] = "┌", c[1] = "┐", c[2] = "└", c[3] = "┘";
    }
    clear_rect(w, (rect_t){.y = r.y, .x = r.x - 2, .h = r.h, .w = r.w + 4});
    put_repeat(w, r.y, r.x + 1, r.w - 2, a, h);
    put_repeat(w, r.y + r.h - 1, r.x + 1, r.w - 2, a, h);
    for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
        put(w, y, r.x, 1, a, v);
        put(w, y, r.x + r.w - 1, 1, a, v);
    }
    put(w, r.y, r.x, 1, a, c[0]);
    put(w, r.y, r.x + r.w - 1, 1, a, c[1]);
    put(w, r.y + r.h - 1, r.x, 1, a, c[2]);
    put(w, r.y + r.h - 1, r.x + r.w - 1, 1, a, c[3]);
    if (title)
        putf(w, r.y, r.x + 2, r.w - 4, a | A_BOLD, " %s ", title);
}

/* HELP_LIVE: a live run's controls (not a replay's, nor a lesson's, whose
 * run follows its script); HELP_PLAIN: anything but a lesson. */
typedef enum { HELP_ALWAYS, HELP_LIVE, HELP_REPLAY, HELP_LESSON, HELP_PLAIN } help_when_t;

static const struct {
    help_when_t when;
    const char *text;
} help_text[] = {
    {HELP_LESSON, "n          next step (a question first, if it asks one)"},
    {HELP_LESSON, "           or, at a pause in the step, goes on"},
    {HELP_LESSON, "p          previous step: the lesson replays up to it at top"},
    {HELP_LESSON, "           speed, then runs it at the lesson's speed"},
    {HELP_LESSON, "r          replay this step the same way"},
    {HELP_LESSON, "1 2 3 ...  answer the question"},
    {HELP_LESSON, "Tab        the code and narration / the whole pool"},
    {HELP_ALWAYS, "space      pause / resume the run"},
    {HELP_ALWAYS, ".          while paused: exactly one more event"},
    {HELP_ALWAYS, "+  -       faster / slower (0.05x to 1000x)"},
    {HELP_ALWAYS, "<-  ->     while paused: rewind / replay the recorded history"},
    {HELP_ALWAYS, "Home End   first / last recorded event"},
    {HELP_LIVE, "w  W       add a worker / retire the newest worker"},
    {HELP_LIVE, "j          add 3 jobs (the producer sends them)"},
    {HELP_LIVE, "c          close the jobs channel (no more jobs)"},
    {HELP_LIVE, "x          cancel the context (ctx.Done() closes)"},
    {HELP_LIVE, "r          restart the run from the beginning"},
    {HELP_REPLAY, "r          play the recording again from its start"},
    {HELP_REPLAY, "w W j c x  change a live run: a recording cannot change"},
    {HELP_PLAIN, "PgUp PgDn  scroll the workers and timeline lanes (up/down: by one)"},
    {HELP_LESSON, "PgUp PgDn  scroll the narration (the workers, in the pool)"},
    {HELP_ALWAYS, "q  Esc     quit (Ctrl-C too) / hide the deadlock or panic report"},
    {HELP_ALWAYS, ""},
    {HELP_ALWAYS, "Workers:  working (with a progress bar)   waiting for a job"},
    {HELP_ALWAYS, "          blocked sending (its result)    waiting for a tick"},
    {HELP_ALWAYS, "          idle (between jobs)             exited"},
    {HELP_ALWAYS, ""},
    {HELP_ALWAYS, "Press any key to close this help."},
};

static bool help_shown(const view_t *v, help_when_t when)
{
    switch (when) {
    case HELP_ALWAYS: return true;
    case HELP_LIVE: return v->source == VIEW_LIVE && !v->lesson;
    case HELP_REPLAY: return v->source == VIEW_REPLAY;
    case HELP_LESSON: return v->lesson;
    case HELP_PLAIN: return !v->lesson;
    }
    return true;
}

void draw_help_overlay(WINDOW *w, const view_t *v, int rows, int cols)
{
    /* The lines for this source: a replay has no keys that change the run. */
    const char *lines[sizeof help_text / sizeof help_text[0]];
    int n = 0;
    for (size_t i = 0; i < sizeof help_text / sizeof help_text[0]; i++)
        if (help_shown(v, help_text[i].when))
            lines[n++] = help_text[i].text;
    int bw = cols - 4 < 70 ? cols - 4 : 70, bh = n + 2 < rows - 2 ? n + 2 : rows - 2;
    rect_t r = {.y = (rows - bh) / 2, .x = (cols - bw) / 2, .h = bh, .w = bw};
    draw_box(w, r, v->theme, A_NORMAL, "keys");
    for (int i = 0; i < n && i < bh - 2; i++)
        put(w, r.y + 1 + i, r.x + 2, bw - 4, A_NORMAL, lines[i]);
}

/* The box sits over the timeline and log, so the panes above it still show
 * each blocked thread and what it waits on. */
void draw_failure_overlay(WINDOW *w, const model_t *m, const view_t *v, int rows, int cols)
{
    const theme_t *t = v->theme;
    const char *text = v->failure ? v->failure : "the run failed";
    int lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    const char *footer = t->utf8 ? "← rewind to see how it got here   r restart   q quit   Esc hide"
                                 : "<- rewind to see how it got here   r restart   q quit   Esc hide";
    int bh = lines + 4, max_h = rows / 2;
    if (bh > max_h)
        bh = max_h;
    int bw = cols - 4;
    rect_t r = {.y = rows - 1 - bh, .x = 2, .h = bh, .w = bw};
    draw_box(w, r, t, t->attr[TA_ERROR], m->outcome == OUTCOME_PANIC ? "panic" : "deadlock");
    const char *p = text;
    for (int i = 0; i < bh - 4 && *p; i++) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        char line[256];
        snprintf(line, sizeof line, "%.*s", len, p);
        put(w, r.y + 1 + i, r.x + 2, bw - 4, i == 0 ? t->attr[TA_ERROR] : A_NORMAL, line);
        p = nl ? nl + 1 : p + len;
    }
    put(w, r.y + bh - 2, r.x + 2, bw - 4, t->attr[TA_DIM], footer);
}

void draw_too_small(WINDOW *w, const theme_t *t, int rows, int cols)
{
    char line[96];
    snprintf(line, sizeof line, "poolviz needs at least %dx%d (this is %dx%d).", LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, cols,
             rows);
    const char *hint = "Make the terminal larger, or press q to quit.";
    char need[32], size[32];
    snprintf(need, sizeof need, "poolviz needs %dx%d", LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
    snprintf(size, sizeof size, "(this is %dx%d)", cols, rows);
    /* Two lines where they fit, else four short ones: never cut mid-word. */
    const char *wide[] = {line, hint}, *narrow[] = {need, size, "make it larger", "or press q"};
    bool fits = text_width(line) <= cols && text_width(hint) <= cols;
    const char **text = fits ? wide : narrow;
    int n = fits ? 2 : 4;
    int y = rows / 2 - n / 2;
    for (int i = 0; i < n; i++) {
        int x = (cols - text_width(text[i])) / 2;
        put_fit(w, y + i, x > 0 ? x : 0, cols, i == 0 ? t->attr[TA_TITLE] : A_NORMAL, text[i], t);
    }
}
