/* lesson.c - the lesson parser's structure: lines, keywords, the code block
 * and its labels, marks, steps, asks; the diagnostics and their printing.
 * What follows a keyword on an action line is read by values.c.
 *
 * The parser never stops at an error: it records it and reads on, so an
 * author fixes a file in one round. Any bytes are input (the fuzz target feeds
 * it garbage): lines are bounded by the buffer, never by a NUL. */
#include "lesson/lesson.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "lesson/parse.h"

enum { MAX_DIAGS = 100 };

/* ---- growing buffers ---- */

void *lp_grow(void *arr, int n, int *cap, size_t elem)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? *cap * 2 : 8;
    return xrealloc(arr, (size_t)*cap * elem);
}

/* A string that grows by doubling: len bytes in s, NUL-terminated. */
typedef struct {
    size_t len, cap;
} text_t;

static void text_add(char **s, text_t *t, const char *data, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = t->cap * 2 > t->len + n + 1 ? t->cap * 2 : t->len + n + 1;
        *s = xrealloc(*s, t->cap);
    }
    memcpy(*s + t->len, data, n);
    t->len += n;
    (*s)[t->len] = '\0';
}

static void text_repeat(char **s, text_t *t, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        text_add(s, t, &c, 1);
}

/* ---- characters as a terminal shows them ---- */

/* One character of a line: a UTF-8 sequence, or one byte that is not one. */
typedef struct {
    size_t len;  /* bytes */
    bool escape; /* shown as \xHH per byte: it could drive or garble the terminal */
} unit_t;

static unit_t unit_at(const char *s, size_t len, size_t i)
{
    const unit_t bad = { 1, true };
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return (unit_t){ 1, (c < 0x20 && c != '\t') || c == 0x7f };
    size_t n;
    uint32_t cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return bad;
    }
    if (n > len - i)
        return bad;
    for (size_t k = 1; k < n; k++) {
        unsigned char d = (unsigned char)s[i + k];
        if ((d & 0xc0) != 0x80)
            return bad;
        cp = cp << 6 | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return bad;
    /* C1 controls are terminal commands too; bidi controls reorder what
     * follows them on the screen. */
    bool control = cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    return (unit_t){ n, control };
}

/* Columns the unit takes when shown: one per character (wide characters
 * are counted as one), four per escaped byte. */
static size_t unit_cols(unit_t u) { return u.escape ? 4 * u.len : 1; }

static void add_unit(char **out, text_t *t, const char *s, unit_t u)
{
    if (!u.escape) {
        text_add(out, t, s, u.len);
        return;
    }
    for (size_t k = 0; k < u.len; k++) {
        char hex[5];
        snprintf(hex, sizeof hex, "\\x%02x", (unsigned char)s[k]);
        text_add(out, t, hex, 4);
    }
}

char *lesson_escape(const char *s, size_t len)
{
    char *out = xstrdup("");
    text_t t = { 0, 1 };
    for (size_t i = 0; i < len;) {
        unit_t u = unit_at(s, len, i);
        add_unit(&out, &t, s + i, u);
        i += u.len;
    }
    return out;
}

/* ---- diagnostics ---- */

/* A line is shown whole up to SHOWN_COLS columns; a longer one from
 * COLS_BEFORE columns before the error, SHOWN_COLS of it. */
enum { SHOWN_COLS = 200, COLS_BEFORE = 80 };

/* Columns of line[from..to), counting up to limit. */
static size_t cols_of(const char *line, size_t len, size_t from, size_t to, size_t limit)
{
    size_t cols = 0;
    for (size_t i = from; i < to && cols <= limit;) {
        unit_t u = unit_at(line, len, i);
        cols += unit_cols(u);
        i += u.len;
    }
    return cols;
}

/* The line as shown and, under it, the caret at byte at, underlining
 * width bytes with '~'. */
static char *excerpt(const char *line, size_t len, size_t at, size_t width)
{
    size_t start = 0;
    if (cols_of(line, len, 0, len, SHOWN_COLS) > SHOWN_COLS) {
        /* A character is at most four bytes: start far enough back, at the
         * beginning of a character, then come forward to COLS_BEFORE. */
        start = at > 4 * COLS_BEFORE ? at - 4 * COLS_BEFORE : 0;
        for (int k = 0; k < 3 && start > 0 && start < at && (line[start] & 0xc0) == 0x80; k++)
            start++;
        size_t cols = cols_of(line, len, start, at, SIZE_MAX);
        while (cols > COLS_BEFORE) {
            unit_t u = unit_at(line, len, start);
            cols -= unit_cols(u);
            start += u.len;
        }
    }
    char *text = xstrdup(""), *caret = xstrdup("");
    text_t tt = { 0, 1 }, ct = { 0, 1 };
    if (start > 0) {
        text_add(&text, &tt, "...", 3);
        text_add(&caret, &ct, "   ", 3);
    }
    size_t i = start, shown = 0;
    bool placed = false;
    while (i < len && shown < SHOWN_COLS) {
        unit_t u = unit_at(line, len, i);
        size_t w = unit_cols(u);
        add_unit(&text, &tt, line + i, u);
        if (i + u.len <= at) {
            /* Tabs copied: the caret lines up whatever the tab width. */
            if (line[i] == '\t')
                text_add(&caret, &ct, "\t", 1);
            else
                text_repeat(&caret, &ct, ' ', w);
        } else if (i < at + width) {
            text_add(&caret, &ct, placed ? "~" : "^", 1);
            text_repeat(&caret, &ct, '~', w - 1);
            placed = true;
        }
        shown += w;
        i += u.len;
    }
    if (i < len)
        text_add(&text, &tt, "...", 3);
    if (!placed)
        text_add(&caret, &ct, "^", 1);
    text_add(&text, &tt, "\n", 1);
    text_add(&text, &tt, caret, ct.len);
    free(caret);
    return text;
}

/* The column of byte at: characters before it, plus one. */
static int column(lp_t *p, size_t at)
{
    size_t i = 0, chars = 0;
    if (p->col_line == p->line && p->col_lineno == p->lineno && p->col_at <= at) {
        i = p->col_at;
        chars = p->col_chars;
    }
    while (i < at) {
        i += unit_at(p->line, p->len, i).len;
        chars++;
    }
    p->col_line = p->line;
    p->col_lineno = p->lineno;
    p->col_at = i;
    p->col_chars = chars;
    return chars < INT_MAX ? (int)chars + 1 : INT_MAX;
}

bool lp_full(lp_t *p)
{
    if (p->l->n_diags < MAX_DIAGS)
        return false;
    p->l->too_many_diags = true;
    return true;
}

void lp_err(lp_t *p, size_t at, size_t width, const char *fmt, ...)
{
    lesson_t *l = p->l;
    if (lp_full(p))
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (at > p->len)
        at = p->len;
    if (width == 0)
        width = 1;
    l->diags = xrealloc(l->diags, (size_t)(l->n_diags + 1) * sizeof *l->diags);
    l->diags[l->n_diags++] = (lesson_diag_t){
        .line = p->lineno,
        .col = column(p, at),
        /* A message quotes the file's words, which may hold any bytes. */
        .message = lesson_escape(buf, strlen(buf)),
        /* A whole-lesson error has no line to show. */
        .text = p->len ? excerpt(p->line, p->len, at, width) : xstrdup(""),
    };
}

void lesson_print_diags(const lesson_t *l, FILE *out)
{
    for (int i = 0; i < l->n_diags; i++) {
        const lesson_diag_t *d = &l->diags[i];
        if (d->line == 0) /* about the file, not a line of it */
            fprintf(out, "%s: %s\n", l->file, d->message);
        else
            fprintf(out, "%s:%d:%d: %s\n%s%s", l->file, d->line, d->col, d->message, d->text, d->text[0] ? "\n" : "");
    }
    if (l->too_many_diags)
        fprintf(out, "%s: too many errors; the first %d are shown\n", l->file, MAX_DIAGS);
    if (l->n_diags)
        fprintf(out, "%d error%s in %s\n", l->n_diags, l->n_diags == 1 ? "" : "s", l->file);
}

/* ---- the parser's state across lines ---- */

typedef struct {
    lp_t lp;
    lp_labels_t labels;
    int title_line, code_line;
    bool in_code;
    bool used_labels;      /* a mark or a step came: the code block is too late */
    lesson_step_t *step;   /* the current step */
    int ask;               /* index of the step's open ask action, or -1 */
    /* The last `configure worker-form=` said range: steps run in file
     * order, so this is the form the next `start` runs with. */
    bool range_workers;
    /* Capacities of what grows: the lesson's arrays, the current step's
     * actions and say, the open ask's choices and why, the summary. */
    int code_cap, marks_cap, steps_cap, actions_cap, step_marks_cap, choices_cap;
    text_t summary, say, why;
} parser_t;

static lesson_action_t *add_action(parser_t *ps, lesson_action_kind_t kind)
{
    lesson_step_t *s = ps->step;
    s->actions = lp_grow(s->actions, s->n_actions, &ps->actions_cap, sizeof *s->actions);
    lesson_action_t *a = &s->actions[s->n_actions++];
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->line = ps->lp.lineno;
    a->source = xstrdup(ps->lp.line);
    return a;
}

/* Appends text to *dst (t: its length and capacity), separated by sep
 * when *dst is not empty. */
static void append(char **dst, text_t *t, const char *sep, const char *text)
{
    if (t->len)
        text_add(dst, t, sep, strlen(sep));
    text_add(dst, t, text, strlen(text));
}

/* ---- the code block ---- */

static bool is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static size_t label_hash(const char *name, size_t len)
{
    size_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h;
}

/* The slot of name: where it is, or the empty one where it would go. */
static size_t label_slot(const lp_labels_t *ix, const lesson_t *l, const char *name, size_t len)
{
    size_t mask = ix->n_slots - 1, i = label_hash(name, len) & mask;
    while (ix->slots[i] >= 0) {
        const char *other = l->labels[ix->slots[i]].name;
        if (strlen(other) == len && memcmp(other, name, len) == 0)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

int lp_find_label(const lp_t *p, const char *name, size_t len)
{
    const lp_labels_t *ix = p->labels;
    return ix && ix->n_slots ? ix->slots[label_slot(ix, p->l, name, len)] : -1;
}

int lp_add_label(lp_t *p, const char *name, size_t len, int line)
{
    lp_labels_t *ix = p->labels;
    lesson_t *l = p->l;
    /* At most half full, so a probe ends soon. */
    if ((size_t)(l->n_labels + 1) * 2 > ix->n_slots) {
        free(ix->slots);
        ix->n_slots = ix->n_slots ? ix->n_slots * 2 : 64;
        ix->slots = xmalloc(ix->n_slots * sizeof *ix->slots);
        for (size_t i = 0; i < ix->n_slots; i++)
            ix->slots[i] = -1;
        for (int k = 0; k < l->n_labels; k++)
            ix->slots[label_slot(ix, l, l->labels[k].name, strlen(l->labels[k].name))] = k;
    }
    l->labels = lp_grow(l->labels, l->n_labels, &ix->cap, sizeof *l->labels);
    char *copy = xmalloc(len + 1);
    memcpy(copy, name, len);
    copy[len] = '\0';
    l->labels[l->n_labels] = (lesson_label_t){ .name = copy, .line = line };
    ix->slots[label_slot(ix, l, name, len)] = l->n_labels;
    return l->n_labels++;
}

/* A code line ending in a Go comment whose last word is @label carries that
 * label; the marker (and a comment left empty) is not shown. */
static void code_line(parser_t *ps)
{
    lesson_t *l = ps->lp.l;
    const char *s = ps->lp.line;
    size_t end = ps->lp.len;
    while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        end--;
    size_t at = end;
    while (at > 0 && is_label_char(s[at - 1]))
        at--;
    int label = -1;
    size_t shown = ps->lp.len;
    const char *slashes = NULL;
    if (at > 0 && s[at - 1] == '@' && at < end && (at == 1 || s[at - 2] == ' ' || s[at - 2] == '\t' || s[at - 2] == '/')) {
        for (const char *q = s; q + 1 < s + at - 1; q++)
            if (q[0] == '/' && q[1] == '/')
                slashes = q;
    }
    if (slashes) {
        int dup = lp_find_label(&ps->lp, s + at, end - at);
        if (dup >= 0)
            lp_err(&ps->lp, at - 1, end - at + 1, "label '%.*s' is already on code line %d", (int)(end - at), s + at,
                   l->labels[dup].line + 1);
        else
            label = lp_add_label(&ps->lp, s + at, end - at, l->n_code);
        shown = at - 1;
        /* Nothing but blanks between // and the marker: drop the comment. */
        size_t k = (size_t)(slashes - s) + 2;
        while (k < shown && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k == shown)
            shown = (size_t)(slashes - s);
        while (shown > 0 && (s[shown - 1] == ' ' || s[shown - 1] == '\t'))
            shown--;
    }
    l->code = lp_grow(l->code, l->n_code, &ps->code_cap, sizeof *l->code);
    l->code[l->n_code++] = (lesson_code_line_t){ .text = tok_dup(&ps->lp, (tok_t){ 0, shown }), .label = label };
}

/* ---- keywords ---- */

typedef enum {
    K_TITLE, K_SUMMARY, K_CODE, K_MARK, K_STEP, K_SAY, K_ASK, K_CHOICE, K_ANSWER, K_WHY, K_CONFIGURE, K_START,
    K_RUN, K_ADD_WORKER, K_RETIRE_WORKER, K_ADD_JOBS, K_CLOSE_JOBS, K_CANCEL, K_SPEED, K_PAUSE, K_EXPECT, K_END,
    K_COUNT
} keyword_t;

static const char *const keywords[K_COUNT] = {
    "title", "summary", "code", "mark", "step", "say", "ask", "choice", "answer", "why", "configure", "start",
    "run", "add-worker", "retire-worker", "add-jobs", "close-jobs", "cancel", "speed", "pause", "expect", "end",
};

/* Keywords followed by ':' and text; the others take words. */
static bool takes_colon(keyword_t k)
{
    return k == K_TITLE || k == K_SUMMARY || k == K_CODE || k == K_STEP || k == K_SAY || k == K_ASK ||
           k == K_CHOICE || k == K_ANSWER || k == K_WHY;
}

/* The text after "keyword:", blanks trimmed. */
static char *rest_text(lp_t *p)
{
    while (p->line[p->pos] == ' ' || p->line[p->pos] == '\t')
        p->pos++;
    size_t end = p->len;
    while (end > p->pos && (p->line[end - 1] == ' ' || p->line[end - 1] == '\t'))
        end--;
    char *t = tok_dup(p, (tok_t){ p->pos, end - p->pos });
    p->pos = p->len;
    return t;
}

/* Checks the open ask of the step once it is complete. */
static void close_ask(parser_t *ps)
{
    if (ps->ask < 0)
        return;
    lesson_action_t *a = &ps->step->actions[ps->ask];
    lp_t at = ps->lp;
    at.lineno = a->line;
    at.line = a->source;
    at.len = strlen(a->source);
    size_t col = (size_t)(strstr(a->source, "ask") - a->source);
    if (a->ask.n_choices < 2)
        lp_err(&at, col, 3, "an ask needs at least two choices (choice: and answer: lines)");
    if (a->ask.answer < 0)
        lp_err(&at, col, 3, "an ask needs one `answer:` line: the right choice");
    if (!a->ask.why)
        lp_err(&at, col, 3, "an ask needs a `why:` line explaining the answer");
    ps->ask = -1;
}

static void new_step(parser_t *ps, size_t kw_at)
{
    lp_t *p = &ps->lp;
    lesson_t *l = p->l;
    close_ask(ps);
    tok_t num;
    size_t colon = (size_t)(strchr(p->line + p->pos, ':') ? strchr(p->line + p->pos, ':') - p->line : 0);
    int64_t n = 0;
    int want = l->n_steps + 1;
    if (!colon || !lp_word(p, &num) || num.at >= colon || !lp_int(p->line + num.at, colon - num.at, &n)) {
        lp_err(p, kw_at, 4, "expected `step %d: TITLE`", want);
        n = want;
    } else if (n != want) {
        lp_err(p, num.at, colon - num.at, "expected step %d here, found step %lld", want, (long long)n);
    }
    if (colon)
        p->pos = colon + 1;
    char *title = colon ? rest_text(p) : xstrdup("");
    if (colon && !*title)
        lp_err(p, colon, 1, "a step needs a title after the ':'");
    l->steps = lp_grow(l->steps, l->n_steps, &ps->steps_cap, sizeof *l->steps);
    ps->step = &l->steps[l->n_steps++];
    *ps->step = (lesson_step_t){ .number = want, .title = title, .line = p->lineno };
    ps->actions_cap = ps->step_marks_cap = 0;
    ps->say = (text_t){ 0 };
    ps->used_labels = true;
}

/* choice:, answer:, why: add to the step's open ask. */
static void ask_part(parser_t *ps, keyword_t k, size_t kw_at)
{
    lp_t *p = &ps->lp;
    char *text = rest_text(p);
    if (ps->ask < 0) {
        lp_err(p, kw_at, strlen(keywords[k]), "`%s:` belongs to an `ask:` earlier in the same step", keywords[k]);
        free(text);
        return;
    }
    lesson_ask_t *q = &ps->step->actions[ps->ask].ask;
    if (!*text && k != K_WHY) {
        lp_err(p, kw_at, strlen(keywords[k]), "`%s:` needs the text of a choice", keywords[k]);
        free(text);
        return;
    }
    if (k == K_WHY) {
        append(&q->why, &ps->why, " ", text);
        free(text);
        return;
    }
    if (k == K_ANSWER && q->answer >= 0)
        lp_err(p, kw_at, 6, "this ask already has its answer (choice %d); mark the others `choice:`", q->answer + 1);
    else if (k == K_ANSWER)
        q->answer = q->n_choices;
    q->choices = lp_grow(q->choices, q->n_choices, &ps->choices_cap, sizeof *q->choices);
    q->choices[q->n_choices++] = text;
}

static void mark_line(parser_t *ps)
{
    static const char *const who_names[] = { "main", "producer", "closer", "worker" };
    static const char *const usage = "expected `mark WHO STATE -> LABEL`, e.g. `mark worker waiting-job -> recv`";
    lp_t *p = &ps->lp;
    lesson_t *l = p->l;
    ps->used_labels = true;
    tok_t who, state, arrow, label;
    if (!lp_word(p, &who) || !lp_word(p, &state) || !lp_word(p, &arrow) || !lp_word(p, &label)) {
        lp_err(p, 0, 4, "%s", usage);
        return;
    }
    int w = lp_lookup(p->line + who.at, who.len, who_names, 4);
    if (w < 0) {
        lp_unknown(p, who, "goroutine", who_names, 4);
        return;
    }
    lesson_mark_t m = { .who = (pool_role_t)w, .state = -1, .label = -1 };
    const char *names[(int)WS_COUNT > (int)LW_COUNT ? (int)WS_COUNT : (int)LW_COUNT];
    size_t n = m.who == ROLE_WORKER ? WS_COUNT : LW_COUNT;
    for (size_t i = 0; i < n; i++)
        names[i] = m.who == ROLE_WORKER ? lesson_state_keyword((worker_state_t)i) : lesson_where_name((lesson_where_t)i);
    m.state = lp_lookup(p->line + state.at, state.len, names, n);
    if (m.state < 0)
        lp_unknown(p, state, m.who == ROLE_WORKER ? "worker state" : "state", names, n);
    if (!tok_is(p, arrow, "->")) {
        lp_err(p, arrow.at, arrow.len, "%s", usage);
        return;
    }
    m.label = lp_label(p, label);
    lp_expect_end(p, "the label");
    if (m.state < 0 || m.label < 0)
        return;
    /* A step's marks are its own; the lesson's come before the steps. */
    lesson_mark_t **marks = ps->step ? &ps->step->marks : &l->marks;
    int *n_marks = ps->step ? &ps->step->n_marks : &l->n_marks;
    /* Kept once each, so there are at most a few dozen marks to search. */
    for (int i = 0; i < *n_marks; i++)
        if ((*marks)[i].who == m.who && (*marks)[i].state == m.state) {
            lp_err(p, state.at, state.len, "%s %s is already marked%s", who_names[w], names[m.state],
                   ps->step ? " in this step" : "");
            return;
        }
    *marks = lp_grow(*marks, *n_marks, ps->step ? &ps->step_marks_cap : &ps->marks_cap, sizeof **marks);
    (*marks)[(*n_marks)++] = m;
}

/* The words after an action keyword. */
static void action_line(parser_t *ps, keyword_t k, size_t kw_at)
{
    static const lesson_action_kind_t simple[K_COUNT] = {
        [K_START] = LA_START, [K_ADD_WORKER] = LA_ADD_WORKER, [K_RETIRE_WORKER] = LA_RETIRE_WORKER,
        [K_CLOSE_JOBS] = LA_CLOSE_JOBS, [K_CANCEL] = LA_CANCEL, [K_PAUSE] = LA_PAUSE,
    };
    lp_t *p = &ps->lp;
    tok_t t;
    switch (k) {
    case K_CONFIGURE: {
        lesson_action_t *a = add_action(ps, LA_CONFIGURE);
        lp_options(p, a);
        for (int i = 0; i < a->n_opts; i++)
            if (a->opts[i].id == LO_WORKER_FORM)
                ps->range_workers = strcmp(a->opts[i].s, "range") == 0;
        return;
    }
    case K_RETIRE_WORKER:
        /* The pool would refuse it at run time: say so where it is written. */
        if (ps->range_workers) {
            lp_err(p, kw_at, strlen(keywords[k]),
                   "`retire-worker` closes a worker's quit channel, and range-form workers have none "
                   "(configure worker-form=select)");
            return;
        }
        add_action(ps, LA_RETIRE_WORKER);
        lp_expect_end(p, keywords[k]);
        return;
    case K_EXPECT: {
        lesson_action_t *a = add_action(ps, LA_EXPECT);
        a->cond.step = p->l->n_steps - 1;
        lp_condition(p, &a->cond);
        return;
    }
    case K_RUN: {
        static const char *const forms[] = { "until", "for" };
        if (!lp_word(p, &t) || (!tok_is(p, t, "until") && !tok_is(p, t, "for"))) {
            const char *guess = t.len ? lp_suggest(p->line + t.at, t.len, forms, 2) : NULL;
            lp_err(p, t.len ? t.at : kw_at, t.len ? t.len : 3,
                   "expected `run until CONDITION` or `run for DURATION`%s%s%s", guess ? " (did you mean '" : "",
                   guess ? guess : "", guess ? "'?)" : "");
            return;
        }
        if (tok_is(p, t, "until")) {
            lesson_action_t *a = add_action(ps, LA_RUN_UNTIL);
            a->cond.step = p->l->n_steps - 1;
            lp_condition(p, &a->cond);
            return;
        }
        lesson_action_t *a = add_action(ps, LA_RUN_FOR);
        if (!lp_word(p, &t))
            lp_err(p, p->len, 1, "`run for` needs a duration, e.g. `run for 1.5s`");
        else if (lp_duration_tok(p, t, &a->n))
            lp_expect_end(p, "the duration");
        return;
    }
    case K_ADD_JOBS: {
        lesson_action_t *a = add_action(ps, LA_ADD_JOBS);
        if (!lp_word(p, &t) || !lp_int(p->line + t.at, t.len, &a->n) || a->n < 1 || a->n > POOL_MAX_JOBS)
            lp_err(p, lp_at_end(p) && !t.len ? p->len : t.at, t.len,
                   "`add-jobs` needs a number of jobs between 1 and %d", POOL_MAX_JOBS);
        else
            lp_expect_end(p, "the number of jobs");
        return;
    }
    case K_SPEED: {
        lesson_action_t *a = add_action(ps, LA_SPEED);
        if (!lp_word(p, &t) || !lp_real(p->line + t.at, t.len, &a->speed) || !(a->speed >= 0.05 && a->speed <= 1000))
            lp_err(p, t.len ? t.at : p->len, t.len, "`speed` needs a number between 0.05 and 1000");
        else
            lp_expect_end(p, "the speed");
        return;
    }
    default:
        add_action(ps, simple[k]);
        lp_expect_end(p, keywords[k]);
        return;
    }
}

/* A keyword line inside a step: narration, an ask or an action. */
static void step_line(parser_t *ps, keyword_t k, size_t kw_at)
{
    lp_t *p = &ps->lp;
    if (!ps->step) {
        lp_err(p, kw_at, strlen(keywords[k]), "`%s` belongs in a step: put a `step 1: TITLE` line before it",
               keywords[k]);
        return;
    }
    if (k == K_SAY) {
        char *text = rest_text(p);
        char **say = &ps->step->say;
        /* An empty say: ends a paragraph. */
        if (!*text)
            append(say, &ps->say, "", "\n\n");
        else if (ps->say.len >= 2 && strcmp(*say + ps->say.len - 2, "\n\n") == 0)
            append(say, &ps->say, "", text);
        else
            append(say, &ps->say, " ", text);
        free(text);
        return;
    }
    if (k == K_ASK) {
        close_ask(ps);
        char *text = rest_text(p);
        if (!*text)
            lp_err(p, kw_at, 3, "`ask:` needs a question");
        lesson_action_t *a = add_action(ps, LA_ASK);
        a->ask.question = text;
        a->ask.answer = -1;
        ps->ask = ps->step->n_actions - 1;
        ps->choices_cap = 0;
        ps->why = (text_t){ 0 };
        return;
    }
    if (k == K_CHOICE || k == K_ANSWER || k == K_WHY) {
        ask_part(ps, k, kw_at);
        return;
    }
    action_line(ps, k, kw_at);
}

static void header_line(parser_t *ps, keyword_t k, size_t kw_at)
{
    lp_t *p = &ps->lp;
    lesson_t *l = p->l;
    if (k == K_TITLE) {
        char *text = rest_text(p);
        if (ps->title_line)
            lp_err(p, kw_at, 5, "the title was already given on line %d", ps->title_line);
        else if (!*text)
            lp_err(p, kw_at, 5, "`title:` needs the lesson's title");
        if (!ps->title_line && *text) {
            l->title = text;
            ps->title_line = p->lineno;
        } else {
            free(text);
        }
    } else if (k == K_SUMMARY) {
        char *text = rest_text(p);
        append(&l->summary, &ps->summary, " ", text);
        free(text);
    } else if (k == K_CODE) {
        if (ps->code_line)
            lp_err(p, kw_at, 4, "a lesson has one code block; the first began on line %d", ps->code_line);
        else if (ps->used_labels)
            lp_err(p, kw_at, 4, "the code block must come before `mark` lines and steps, which name its labels");
        if (!lp_at_end(p))
            lp_err(p, p->pos, 1, "the Go code starts on the line after `code:`");
        if (!ps->code_line)
            ps->code_line = p->lineno;
        ps->in_code = true;
    }
}

/* ---- lines ---- */

static bool is_kw_char(char c) { return (c >= 'a' && c <= 'z') || c == '-' || (c >= 'A' && c <= 'Z'); }

static void parse_line(parser_t *ps)
{
    lp_t *p = &ps->lp;
    const char *s = p->line;
    if (ps->in_code) {
        size_t n = p->len;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n == 3 && memcmp(s, "end", 3) == 0)
            ps->in_code = false;
        else
            code_line(ps);
        return;
    }
    p->pos = 0;
    while (s[p->pos] == ' ' || s[p->pos] == '\t')
        p->pos++;
    if (!s[p->pos] || s[p->pos] == '#')
        return;
    size_t kw_at = p->pos, len = 0;
    while (is_kw_char(s[kw_at + len]))
        len++;
    p->pos = kw_at + len;
    if (len == 0) {
        /* The whole character, which lp_err escapes if it is a control. */
        int n = (int)unit_at(s, p->len, kw_at).len;
        lp_err(p, kw_at, (size_t)n, "expected a keyword such as `say:` or `expect`, not '%.*s'", n, s + kw_at);
        return;
    }
    int k = lp_lookup(s + kw_at, len, keywords, K_COUNT);
    if (k < 0 || k == K_END) {
        if (k == K_END)
            lp_err(p, kw_at, len, "`end` closes a `code:` block, and none is open");
        else
            lp_unknown(p, (tok_t){ kw_at, len }, "keyword", keywords, K_COUNT - 1);
        return;
    }
    bool colon = s[p->pos] == ':';
    if (k != K_STEP && takes_colon((keyword_t)k) && !colon) {
        lp_err(p, p->pos, 1, "expected ':' after `%s`", keywords[k]);
        return;
    }
    if (!takes_colon((keyword_t)k) && colon) {
        lp_err(p, p->pos, 1, "`%s` takes no ':'", keywords[k]);
        return;
    }
    if (colon)
        p->pos++;
    if (k == K_STEP)
        new_step(ps, kw_at);
    else if (k == K_TITLE || k == K_SUMMARY || k == K_CODE)
        header_line(ps, (keyword_t)k, kw_at);
    else if (k == K_MARK)
        mark_line(ps);
    else
        step_line(ps, (keyword_t)k, kw_at);
}

/* Whole-lesson checks, reported on line 1. */
static void finish(parser_t *ps)
{
    lp_t *p = &ps->lp;
    lesson_t *l = p->l;
    int code_line = ps->code_line;
    close_ask(ps);
    p->lineno = 1;
    p->line = "";
    p->len = 0;
    if (ps->in_code) {
        p->lineno = code_line;
        p->line = "code:";
        p->len = 5;
        lp_err(p, 0, 4, "the code block is not closed: add a line `end` after the Go code");
        p->lineno = 1;
        p->line = "";
        p->len = 0;
    }
    if (!l->title)
        lp_err(p, 0, 1, "the lesson has no `title:`");
    if (!l->summary || !*l->summary)
        lp_err(p, 0, 1, "the lesson has no `summary:`");
    if (!code_line)
        lp_err(p, 0, 1, "the lesson has no `code:` block");
    /* Steps after an unclosed `code:` were read as Go code: not missing. */
    if (l->n_steps == 0 && !ps->in_code)
        lp_err(p, 0, 1, "the lesson has no steps");
}

lesson_t *lesson_parse(const char *file, const char *text, size_t len)
{
    lesson_t *l = xcalloc(1, sizeof *l);
    l->file = xstrdup(file ? file : "<lesson>");
    parser_t ps = { .lp = { .l = l }, .ask = -1 };
    ps.lp.labels = &ps.labels;
    char *line = NULL;
    size_t cap = 0, at = 0;
    /* An editor's UTF-8 byte order mark is not part of the first line. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        at = 3;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        if (n + 1 > cap) {
            cap = n + 1;
            line = xrealloc(line, cap);
        }
        memcpy(line, text + at, n);
        if (n > 0 && line[n - 1] == '\r')
            n--;
        line[n] = '\0';
        ps.lp.lineno++;
        ps.lp.line = line;
        ps.lp.len = n;
        ps.lp.pos = 0;
        size_t nul = strlen(line);
        if (nul < n) {
            ps.lp.len = nul;
            lp_err(&ps.lp, nul, 1, "a NUL byte: lessons are text files");
        } else {
            parse_line(&ps);
        }
        at += (nl ? (size_t)(nl - (text + at)) + 1 : len - at);
    }
    free(line);
    finish(&ps);
    free(ps.labels.slots);
    return l;
}

/* A lesson holding one error about the file as a whole. */
static lesson_t *unusable_file(const char *path, const char *msg)
{
    lesson_t *l = xcalloc(1, sizeof *l);
    l->file = xstrdup(path);
    lp_t p = { .l = l, .lineno = 0, .line = "" };
    lp_err(&p, 0, 1, "%s", msg);
    return l;
}

lesson_t *lesson_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        char *msg = xasprintf("cannot read %s: %s", path, strerror(errno));
        lesson_t *l = unusable_file(path, msg);
        free(msg);
        return l;
    }
    /* One byte past the limit tells a file that is too large. */
    char *buf = xmalloc(LESSON_MAX_BYTES + 1);
    size_t len = fread(buf, 1, LESSON_MAX_BYTES + 1, f);
    char *failed = ferror(f) ? xasprintf("cannot read %s: %s", path, strerror(errno)) : NULL;
    fclose(f);
    lesson_t *l;
    if (failed)
        l = unusable_file(path, failed);
    else if (len > LESSON_MAX_BYTES)
        l = unusable_file(path, "the file is larger than 1 MiB: a lesson is a text of a few hundred lines");
    else
        l = lesson_parse(path, buf, len);
    free(failed);
    free(buf);
    return l;
}

static void free_action(lesson_action_t *a)
{
    free(a->source);
    for (int i = 0; i < a->n_opts; i++)
        free(a->opts[i].s);
    free(a->opts);
    free(a->cond.text);
    free(a->ask.question);
    for (int i = 0; i < a->ask.n_choices; i++)
        free(a->ask.choices[i]);
    free(a->ask.choices);
    free(a->ask.why);
}

void lesson_free(lesson_t *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n_steps; i++) {
        for (int j = 0; j < l->steps[i].n_actions; j++)
            free_action(&l->steps[i].actions[j]);
        free(l->steps[i].actions);
        free(l->steps[i].marks);
        free(l->steps[i].title);
        free(l->steps[i].say);
    }
    free(l->steps);
    for (int i = 0; i < l->n_code; i++)
        free(l->code[i].text);
    free(l->code);
    for (int i = 0; i < l->n_labels; i++)
        free(l->labels[i].name);
    free(l->labels);
    free(l->marks);
    for (int i = 0; i < l->n_diags; i++) {
        free(l->diags[i].message);
        free(l->diags[i].text);
    }
    free(l->diags);
    free(l->file);
    free(l->title);
    free(l->summary);
    free(l);
}

/* ---- where goroutines are in the code ---- */

lesson_where_t lesson_where(const model_actor_t *a)
{
    if (a->exited)
        return LW_EXITED;
    if (!a->blocked)
        return LW_RUNNING;
    switch (a->wait) {
    case PW_CHAN_RECV: return LW_RECV;
    case PW_CHAN_SEND: return LW_SEND;
    case PW_WG: return LW_WAIT;
    case PW_SLEEP: return LW_SLEEP;
    default: return LW_SELECT;
    }
}

static int marked_line(const lesson_t *l, const lesson_mark_t *marks, int n, pool_role_t who, int state)
{
    for (int i = 0; i < n; i++)
        if (marks[i].who == who && marks[i].state == state)
            return l->labels[marks[i].label].line;
    return -1;
}

int lesson_line_of(const lesson_t *l, int step, const model_t *m, int actor)
{
    if (actor <= 0 || actor >= m->n_actors || !m->actors[actor].known)
        return -1;
    const model_actor_t *a = &m->actors[actor];
    int state = a->role == ROLE_WORKER ? (int)(a->exited ? WS_EXITED : a->state) : (int)lesson_where(a);
    int line = -1;
    if (step >= 0 && step < l->n_steps)
        line = marked_line(l, l->steps[step].marks, l->steps[step].n_marks, a->role, state);
    return line >= 0 ? line : marked_line(l, l->marks, l->n_marks, a->role, state);
}
