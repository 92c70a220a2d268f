/* draw_lesson.c - the lesson screen (lesson_view.h): the code pane with its
 * marks, the narration, and the pool's panes around them. */
#include "tui/lesson_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* ---- who is where ---- */

int code_marks(const lesson_t *l, int step, const model_t *m, code_mark_t *marks)
{
    memset(marks, 0, (size_t)l->n_code * sizeof *marks);
    int used = 0;
    for (int id = 1; id < m->n_actors; id++) {
        int line = lesson_line_of(l, step, m, id);
        if (line < 0 || line >= l->n_code)
            continue;
        code_mark_t *c = &marks[line];
        bool was_empty = !c->main && !c->producer && !c->closer && c->n_workers == 0;
        const model_actor_t *a = &m->actors[id];
        c->blocked |= a->blocked && !a->exited;
        switch (a->role) {
        case ROLE_MAIN: c->main = true; break;
        case ROLE_PRODUCER: c->producer = true; break;
        case ROLE_CLOSER: c->closer = true; break;
        case ROLE_WORKER: {
            /* Kept in ascending order: actor ids need not follow indices. */
            int k = c->n_workers < CODE_MARK_WORKERS ? c->n_workers : CODE_MARK_WORKERS;
            int at = k;
            while (at > 0 && c->workers[at - 1] > a->index)
                at--;
            if (at < CODE_MARK_WORKERS) {
                int move = (k < CODE_MARK_WORKERS ? k : CODE_MARK_WORKERS - 1) - at;
                memmove(&c->workers[at + 1], &c->workers[at], (size_t)move * sizeof c->workers[0]);
                c->workers[at] = a->index;
            }
            c->n_workers++;
            break;
        }
        default: break;
        }
        used += was_empty;
    }
    return used;
}

/* The workers as "w1 w2 w3", else as ranges "w1-3 w5", else "N workers". */
static void workers_text(const code_mark_t *c, int width, char *buf, size_t len)
{
    buf[0] = '\0';
    if (c->n_workers == 0)
        return;
    int n = c->n_workers < CODE_MARK_WORKERS ? c->n_workers : CODE_MARK_WORKERS;
    if (c->n_workers <= CODE_MARK_WORKERS) {
        for (int ranges = 0; ranges < 2; ranges++) {
            size_t at = 0;
            for (int i = 0; i < n && at < len; i++) {
                int j = i;
                while (ranges && j + 1 < n && c->workers[j + 1] == c->workers[j] + 1)
                    j++;
                if (j > i + 1)
                    at += (size_t)snprintf(buf + at, len - at, "%sw%d-%d", at ? " " : "", c->workers[i], c->workers[j]);
                else
                    at += (size_t)snprintf(buf + at, len - at, "%sw%d", at ? " " : "", c->workers[i]);
                i = j > i + 1 ? j : i;
            }
            if (at < len && (int)at <= width)
                return;
        }
    }
    snprintf(buf, len, "%d workers", c->n_workers);
}

void code_mark_text(const code_mark_t *c, int width, char *buf, size_t len)
{
    char ws[96];
    workers_text(c, width, ws, sizeof ws);
    snprintf(buf, len, "%s%s%s%s%s%s%s", c->main ? "main" : "", c->main && (c->producer || c->closer || *ws) ? " " : "",
             c->producer ? "producer" : "", c->producer && (c->closer || *ws) ? " " : "", c->closer ? "closer" : "",
             c->closer && *ws ? " " : "", ws);
    if (text_width(buf) > width && width > 0) {
        /* Too many kinds on one line: say how many goroutines. */
        int n = c->main + c->producer + c->closer + c->n_workers;
        snprintf(buf, len, "%d here", n);
    }
}

/* ---- the code pane ---- */

/* Which code lines to show in h rows: all if they fit; else the marked
 * lines with as much context around them as fits, each run of hidden lines
 * standing as one "..." row (-1 in out). Returns the rows used. */
/* Rows that showing the lines in keep[] takes: one each, and one "..." row
 * for each run of hidden lines. */
static int fold_rows(int n, const bool *keep)
{
    int rows = 0;
    for (int i = 0; i < n; i++)
        rows += keep[i] || i == 0 || keep[i - 1];
    return rows;
}

static int fold_lines(int n, const bool *marked, int h, int *out)
{
    bool any = false;
    for (int i = 0; i < n && !any; i++)
        any = marked[i];
    if (n <= h || !any) { /* all of it, or (nobody anywhere yet) its top */
        int k = n < h ? n : h;
        for (int i = 0; i < k; i++)
            out[i] = i;
        return k;
    }
    bool *keep = xcalloc((size_t)n, sizeof *keep);
    for (int i = 0; i < n; i++)
        keep[i] = marked[i];
    /* Context grows a line at a time around what is shown, while it fits. */
    bool grew = true;
    while (grew) {
        grew = false;
        for (int i = 0; i < n; i++) {
            if (keep[i] || !((i > 0 && keep[i - 1]) || (i + 1 < n && keep[i + 1])))
                continue;
            keep[i] = true;
            if (fold_rows(n, keep) > h) {
                keep[i] = false;
            } else {
                grew = true;
                i++; /* one line per block and round: context stays even */
            }
        }
    }
    int used = 0;
    for (int i = 0; i < n && used < h; i++) {
        if (keep[i])
            out[used++] = i;
        else if (i == 0 || keep[i - 1])
            out[used++] = -1;
    }
    free(keep);
    return used;
}

/* Go's tabs as four columns, for put() which writes text as it is. */
static void expand_tabs(const char *s, char *buf, size_t len)
{
    size_t at = 0;
    for (; *s && at + 5 < len; s++) {
        if (*s == '\t') {
            memcpy(buf + at, "    ", 4);
            at += 4;
        } else {
            buf[at++] = *s;
        }
    }
    buf[at] = '\0';
}

static void draw_code(WINDOW *w, rect_t r, const theme_t *t, const lesson_t *l, int step, const model_t *m,
                      bool failed)
{
    draw_rule(w, r, t, "the Go program", failed ? "marks: where each goroutine is stuck" : "marks: where each goroutine is");
    if (l->n_code == 0 || r.h < 2)
        return;
    code_mark_t *marks = xmalloc((size_t)l->n_code * sizeof *marks);
    bool *marked = xmalloc((size_t)l->n_code * sizeof *marked);
    int *rows = xmalloc((size_t)(r.h) * sizeof *rows);
    code_marks(l, step, m, marks);
    for (int i = 0; i < l->n_code; i++)
        marked[i] = marks[i].main || marks[i].producer || marks[i].closer || marks[i].n_workers;
    /* The gutter: the marks, an arrow, the line number. */
    int gut = r.w >= 100 ? 18 : 12, num = l->n_code >= 100 ? 3 : 2;
    int n = fold_lines(l->n_code, marked, r.h - 1, rows);
    for (int k = 0; k < n; k++) {
        int y = r.y + 1 + k, i = rows[k];
        if (i < 0) {
            put(w, y, r.x + gut + 1, num + 2, t->attr[TA_DIM], t->utf8 ? "⋮" : ":");
            continue;
        }
        char mark[64], code[512];
        code_mark_text(&marks[i], gut - 3, mark, sizeof mark);
        /* After a deadlock, the lines the stuck goroutines are on stand out. */
        attr_t ma = failed && marks[i].blocked ? t->attr[TA_ERROR] : t->attr[TA_WORKING];
        if (*mark) {
            int mw = text_width(mark);
            put(w, y, r.x + gut - 3 - mw, mw, ma, mark);
            put(w, y, r.x + gut - 2, 1, ma, t->play);
        }
        putf(w, y, r.x + gut, num + 1, t->attr[TA_DIM], "%*d", num, i + 1);
        expand_tabs(l->code[i].text, code, sizeof code);
        put(w, y, r.x + gut + num + 2, r.w - gut - num - 2, *mark ? A_BOLD : A_NORMAL, code);
    }
    free(rows);
    free(marked);
    free(marks);
}

/* ---- the narration ---- */

enum { NARR_MAX = 200, NARR_W = 256 };

typedef struct {
    int width;
    int n;
    attr_t attr[NARR_MAX];
    char text[NARR_MAX][NARR_W];
} narr_t;

static void narr_line(narr_t *nt, attr_t a, const char *s, size_t len)
{
    if (nt->n >= NARR_MAX)
        return;
    nt->attr[nt->n] = a;
    snprintf(nt->text[nt->n++], NARR_W, "%.*s", (int)len, s);
}

/* Columns of s[0, n): code points, as text_width. */
static int cols_of(const char *s, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Wraps text at word boundaries into lines of nt->width columns, the first
 * after `first` (e.g. "? "), the rest indented to match; '\n' breaks. */
static void narr_wrap(narr_t *nt, attr_t a, const char *first, const char *text)
{
    int ind = text_width(first);
    int width = nt->width - ind > 10 ? nt->width - ind : 10;
    char buf[NARR_W];
    bool head = true;
    const char *p = text;
    do {
        const char *nl = strchr(p, '\n');
        size_t plen = nl ? (size_t)(nl - p) : strlen(p);
        const char *end = p + plen;
        do {
            /* The longest run of whole words that fits; a longer word is cut. */
            const char *q = p, *cut = NULL;
            while (q < end) {
                const char *sp = memchr(q, ' ', (size_t)(end - q));
                const char *we = sp ? sp : end;
                if (cols_of(p, (size_t)(we - p)) > width)
                    break;
                cut = we;
                q = sp ? sp + 1 : end;
            }
            if (!cut) { /* one word wider than the line */
                cut = p;
                while (cut < end && cols_of(p, (size_t)(cut - p)) < width)
                    cut++;
                while (cut < end && ((unsigned char)*cut & 0xC0) == 0x80)
                    cut++;
            }
            snprintf(buf, sizeof buf, "%s%*s%.*s", head ? first : "", head ? 0 : ind, "", (int)(cut - p), p);
            narr_line(nt, a, buf, strlen(buf));
            head = false;
            p = cut;
            while (p < end && *p == ' ')
                p++;
        } while (p < end);
        p = nl ? nl + 1 : end;
        if (nl && *p == '\0')
            break;
    } while (*p);
}

static void narr_blank(narr_t *nt)
{
    if (nt->n > 0 && nt->text[nt->n - 1][0])
        narr_line(nt, A_NORMAL, "", 0);
}

static void narr_ask(narr_t *nt, const theme_t *t, const lesson_state_t *ls)
{
    const lesson_ask_t *ask = ls->ask;
    narr_blank(nt);
    narr_wrap(nt, t->attr[TA_TITLE], "? ", ask->question);
    bool judged = ls->phase == LP_DONE && ls->answer >= 0;
    for (int i = 0; i < ask->n_choices; i++) {
        char first[32];
        const char *tick = t->utf8 ? "✓" : "+";
        bool right = i == ask->answer, chosen = i == ls->answer;
        snprintf(first, sizeof first, "%s %d  ", judged && right ? tick : chosen ? (t->utf8 ? "▶" : ">") : " ", i + 1);
        attr_t a = chosen ? A_BOLD : judged && right ? t->attr[TA_GOOD] : A_NORMAL;
        narr_wrap(nt, a, first, ask->choices[i]);
    }
    if (ls->answer < 0) {
        char hint[64];
        snprintf(hint, sizeof hint, "Press 1-%d to answer; the run goes on once you have.", ask->n_choices);
        narr_line(nt, t->attr[TA_KEY], hint, strlen(hint));
    } else if (!judged) {
        narr_line(nt, t->attr[TA_DIM], "Your prediction is in. Watch the run...", 39);
    } else {
        char said[64];
        if (ls->answer == ask->answer)
            snprintf(said, sizeof said, "Right: %d.", ls->answer + 1);
        else
            snprintf(said, sizeof said, "Not quite: you said %d, the answer is %d.", ls->answer + 1, ask->answer + 1);
        narr_blank(nt);
        narr_line(nt, ls->answer == ask->answer ? t->attr[TA_GOOD] : t->attr[TA_ERROR], said, strlen(said));
        if (ask->why)
            narr_wrap(nt, A_NORMAL, "", ask->why);
    }
}

static void narr_verdict(narr_t *nt, const theme_t *t, const lesson_state_t *ls)
{
    char line[200];
    narr_blank(nt);
    if (ls->failed == 0) {
        snprintf(line, sizeof line, "%s %d claim%s held: the run agreed with the lesson", t->utf8 ? "✓" : "ok", ls->held,
                 ls->held == 1 ? "" : "s");
        narr_line(nt, t->attr[TA_GOOD], line, strlen(line));
    } else {
        snprintf(line, sizeof line, "%s %d of %d claims failed:", t->utf8 ? "✗" : "FAIL", ls->failed, ls->held + ls->failed);
        narr_line(nt, t->attr[TA_ERROR], line, strlen(line));
        for (int i = 0; i < ls->failed && i < LESSON_MAX_FAILS; i++)
            narr_wrap(nt, A_NORMAL, "  ", ls->fails[i]);
    }
}

/* brief: Go's first line only (a short pane; the code marks say the rest). */
static void narr_failure(narr_t *nt, const theme_t *t, const view_t *v, bool brief)
{
    narr_blank(nt);
    const char *text = v->failure ? v->failure : "the run failed";
    const char *nl = strchr(text, '\n');
    size_t first = nl ? (size_t)(nl - text) : strlen(text);
    narr_line(nt, t->attr[TA_ERROR], text, first);
    if (nl && !brief) {
        /* Go's goroutine list, a line each, without its blank line. */
        for (const char *p = nl + 1; *p;) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (len)
                narr_line(nt, A_NORMAL, p, len);
            p = e ? e + 1 : p + len;
        }
    }
    narr_line(nt, t->attr[TA_DIM], "The marked code lines are where they are stuck.", 47);
}

static void narr_build(narr_t *nt, const view_t *v, const lesson_state_t *ls, bool brief)
{
    const theme_t *t = v->theme;
    const lesson_t *l = ls->l;
    int n_steps = l->n_steps;
    if (ls->phase == LP_INTRO || ls->step < 0) {
        narr_wrap(nt, t->attr[TA_TITLE], "", l->title ? l->title : "(untitled)");
        narr_blank(nt);
        if (l->summary)
            narr_wrap(nt, A_NORMAL, "", l->summary);
        narr_blank(nt);
        char go[80];
        snprintf(go, sizeof go, "Press n to begin: step 1 of %d.", n_steps);
        narr_line(nt, t->attr[TA_KEY], go, strlen(go));
        return;
    }
    const lesson_step_t *s = &l->steps[ls->step];
    if (ls->phase == LP_FORWARD) {
        char fw[96];
        snprintf(fw, sizeof fw, "Replaying step%s 1%s%d at top speed...", ls->step > 1 ? "s" : "",
                 ls->step > 1 ? "-" : "", ls->step);
        narr_line(nt, t->attr[TA_DIM], fw, strlen(fw));
        return;
    }
    if (s->say)
        narr_wrap(nt, A_NORMAL, "", s->say);
    if (ls->ask)
        narr_ask(nt, t, ls);
    bool failed = v->m->ended && (v->m->outcome == OUTCOME_DEADLOCK || v->m->outcome == OUTCOME_PANIC);
    if (failed)
        narr_failure(nt, t, v, brief);
    if (ls->phase == LP_DONE) {
        narr_verdict(nt, t, ls);
        char next[96];
        if (ls->step + 1 < n_steps)
            snprintf(next, sizeof next, "n: step %d of %d   r: run this step again", ls->step + 2, n_steps);
        else
            snprintf(next, sizeof next, "The end of the lesson.   r: run this step again   q: back");
        narr_line(nt, t->attr[TA_KEY], next, strlen(next));
    } else if (ls->phase == LP_RUNNING) {
        narr_blank(nt);
        narr_line(nt, t->attr[TA_DIM], "running...", 10);
    } else if (ls->phase == LP_PAUSED) {
        static const char go_on[] = "Paused: press n to go on.";
        narr_blank(nt);
        narr_line(nt, t->attr[TA_KEY], go_on, sizeof go_on - 1);
    }
}

static void draw_narration(WINDOW *w, rect_t r, const view_t *v, const lesson_state_t *ls)
{
    const theme_t *t = v->theme;
    narr_t *nt = xcalloc(1, sizeof *nt);
    nt->width = r.w - 2 < NARR_W - 1 ? r.w - 2 : NARR_W - 1;
    narr_build(nt, v, ls, r.h < 14);
    int h = r.h - 1;
    /* Newest at the bottom: when it does not all fit, the end shows (the
     * question, the verdict), and PgUp goes back. */
    int top = nt->n > h ? nt->n - h : 0;
    int scroll = ls->scroll < top ? ls->scroll : top;
    top -= scroll;
    char title[160], right[48] = "";
    if (ls->step < 0)
        snprintf(title, sizeof title, "lesson");
    else
        snprintf(title, sizeof title, "step %d of %d: %s", ls->step + 1, ls->l->n_steps,
                 ls->l->steps[ls->step].title ? ls->l->steps[ls->step].title : "");
    if (top > 0)
        snprintf(right, sizeof right, "%s PgUp", t->utf8 ? "↑" : "^");
    if (scroll > 0)
        snprintf(right + strlen(right), sizeof right - strlen(right), "%s%s PgDn", *right ? "  " : "",
                 t->utf8 ? "↓" : "v");
    draw_rule(w, r, t, title, *right ? right : NULL);
    for (int i = 0; i < h && top + i < nt->n; i++)
        put(w, r.y + 1 + i, r.x + 1, r.w - 2, nt->attr[top + i], nt->text[top + i]);
    free(nt);
}

/* ---- the screen ---- */

typedef struct {
    bool too_small;
    rect_t title, status, queue, workers, results, code, narr, timeline, log, help;
    int lanes;
    bool has_queue, has_band, has_timeline, has_log;
} lesson_layout_t;

static rect_t rect(int y, int x, int h, int w) { return (rect_t){.y = y, .x = x, .h = h, .w = w}; }
static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* The widest code line, tabs expanded. */
static int code_width(const lesson_t *l)
{
    int wmax = 0;
    for (int i = 0; i < l->n_code; i++) {
        int c = 0;
        for (const char *p = l->code[i].text; *p; p++)
            c += *p == '\t' ? 4 : ((unsigned char)*p & 0xC0) != 0x80;
        wmax = c > wmax ? c : wmax;
    }
    return wmax;
}

static void lesson_layout(lesson_layout_t *o, const lesson_t *l, int rows, int cols, int n_workers)
{
    *o = (lesson_layout_t){0};
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        o->too_small = true;
        return;
    }
    o->title = rect(0, 0, 1, cols);
    o->status = rect(1, 0, 1, cols);
    o->help = rect(rows - 1, 0, 1, cols);
    int y = 2;
    if (rows >= 34) { /* room for the jobs channel on top */
        o->queue = rect(y, 0, 3, cols);
        o->has_queue = true;
        y += 3;
    }
    int band = clampi(n_workers, 4, 8) + 1;
    if (cols >= 150) {
        /* Side by side: the code as wide as it is (with its gutter), the
         * narration and the pool beside it. */
        int body = rows - 1 - y;
        int cw = clampi(code_width(l) + 18 + 5, 60, cols * 45 / 100);
        o->code = rect(y, 0, body, cw);
        int x = cw + 1, rw = cols - x;
        int narr_h = clampi(body * 2 / 5, 10, body - band - 5);
        o->narr = rect(y, x, narr_h, rw);
        int by = y + narr_h;
        o->workers = rect(by, x, band, rw * 3 / 5);
        o->results = rect(by, x + rw * 3 / 5 + 1, band, rw - rw * 3 / 5 - 1);
        o->has_band = true;
        int left = rows - 1 - (by + band);
        o->lanes = clampi(n_workers, 1, (left - 3 - 2) / 2 > 1 ? (left - 3 - 2) / 2 : 1);
        if (left >= o->lanes + 2 + 3) {
            o->timeline = rect(by + band, x, o->lanes + 2, rw);
            o->has_timeline = true;
            left -= o->lanes + 2;
        }
        if (left >= 2) {
            o->log = rect(rows - 1 - left, x, left, rw);
            o->has_log = true;
        }
        return;
    }
    /* Stacked: the workers if there is room, then code above narration. */
    if (rows >= 34) {
        band = clampi(n_workers, 4, 6) + 1;
        o->workers = rect(y, 0, band, cols * 3 / 5);
        o->results = rect(y, cols * 3 / 5 + 1, band, cols - cols * 3 / 5 - 1);
        o->has_band = true;
        y += band;
    }
    int avail = rows - 1 - y;
    int code_h = clampi(avail * 11 / 20, 6, l->n_code + 1);
    o->code = rect(y, 0, code_h, cols);
    o->narr = rect(y + code_h, 0, avail - code_h, cols);
}

void lesson_screen_draw(WINDOW *w, const view_t *v, const lesson_state_t *ls, int rows, int cols)
{
    if (ls->pool_view) {
        screen_draw(w, v, rows, cols);
        return;
    }
    const model_t *m = v->m;
    werase(w);
    int n_workers = workers_count(m);
    lesson_layout_t o;
    lesson_layout(&o, ls->l, rows, cols, n_workers);
    if (o.too_small) {
        draw_too_small(w, v->theme, rows, cols);
        return;
    }
    const theme_t *t = v->theme;
    bool failed = m->ended && (m->outcome == OUTCOME_DEADLOCK || m->outcome == OUTCOME_PANIC);
    draw_title(w, m, v, o.title);
    draw_status(w, m, v, o.status);
    if (o.has_queue)
        draw_queue(w, m, t, o.queue);
    if (o.has_band) {
        draw_workers(w, m, t, o.workers, v->worker_scroll, view_now(v));
        draw_results(w, m, t, o.results);
    }
    if (o.has_timeline)
        draw_timeline(w, v, o.timeline, o.lanes);
    if (o.has_log)
        draw_log(w, m, v->log, t, o.log);
    draw_code(w, o.code, t, ls->l, ls->step, m, failed && !v->rewinding);
    draw_narration(w, o.narr, v, ls);
    draw_help_line(w, m, v, o.help);
    if (v->help)
        draw_help_overlay(w, v, rows, cols);
}
