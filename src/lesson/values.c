/* values.c - the lesson parser's words: what follows `configure`, `expect`
 * and `run until` (options, conditions), durations and numbers, and the
 * "did you mean" suggestions for a misspelt name. */
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "core/xalloc.h"
#include "lesson/parse.h"

/* ---- words ---- */

bool lp_at_end(lp_t *p)
{
    while (p->line[p->pos] == ' ' || p->line[p->pos] == '\t')
        p->pos++;
    return p->line[p->pos] == '\0';
}

bool lp_word(lp_t *p, tok_t *t)
{
    *t = (tok_t){ p->pos, 0 };
    if (lp_at_end(p))
        return false;
    const char *s = p->line;
    size_t i = p->pos;
    t->at = i;
    /* Blanks inside "..." (anywhere in the word: dir="my dir") belong to it. */
    bool quoted = false;
    for (; s[i] && (quoted || (s[i] != ' ' && s[i] != '\t')); i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (quoted && s[i] == '\\' && s[i + 1])
            i++;
    }
    t->len = i - t->at;
    p->pos = i;
    return true;
}

void lp_expect_end(lp_t *p, const char *after)
{
    tok_t t;
    if (lp_word(p, &t))
        lp_err(p, t.at, p->len - t.at, "unexpected '%.*s' after %s", (int)t.len, p->line + t.at, after);
}

bool tok_is(const lp_t *p, tok_t t, const char *s)
{
    return strlen(s) == t.len && memcmp(p->line + t.at, s, t.len) == 0;
}

char *tok_dup(const lp_t *p, tok_t t)
{
    char *s = xmalloc(t.len + 1);
    memcpy(s, p->line + t.at, t.len);
    s[t.len] = '\0';
    return s;
}

char *tok_unquote(lp_t *p, tok_t t)
{
    const char *s = p->line + t.at;
    if (t.len < 2 || s[0] != '"' || s[t.len - 1] != '"' || (t.len >= 3 && s[t.len - 2] == '\\' && s[t.len - 3] != '\\')) {
        lp_err(p, t.at, t.len, "expected a \"quoted text\"");
        return NULL;
    }
    char *out = xmalloc(t.len), *o = out;
    for (size_t i = 1; i + 1 < t.len; i++) {
        if (s[i] == '\\' && i + 2 < t.len)
            i++;
        *o++ = s[i];
    }
    *o = '\0';
    return out;
}

/* ---- names and suggestions ---- */

int lp_lookup(const char *s, size_t len, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return (int)i;
    return -1;
}

/* Edit distance counting a swap of neighbours as one edit (the commonest
 * typo: "wiat"), or limit + 1 when it is more than limit or the words are
 * long. Only the band of cells within limit of the diagonal can be within
 * limit, so a lookup among many names (labels) stays cheap. */
static size_t distance(const char *a, size_t la, const char *b, size_t limit)
{
    size_t lb = strlen(b), far = limit + 1;
    if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > limit)
        return far;
    size_t rows[3][65];
    size_t *prev2 = rows[0], *prev = rows[1], *row = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j < far ? j : far;
    for (size_t i = 1; i <= la; i++) {
        size_t lo = i > limit ? i - limit : 1, hi = i + limit < lb ? i + limit : lb;
        row[0] = i < far ? i : far;
        /* The cells just outside the band, which the next rows read. */
        if (lo > 1)
            row[lo - 1] = far;
        if (hi < lb)
            row[hi + 1] = far;
        size_t least = lo == 1 ? row[0] : far;
        for (size_t j = lo; j <= hi; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            row[j] = best < far ? best : far;
            if (row[j] < least)
                least = row[j];
        }
        if (least >= far) /* every way on is already too far */
            return far;
        size_t *done = prev2;
        prev2 = prev;
        prev = row;
        row = done;
    }
    return prev[lb];
}

const char *lp_suggest(const char *word, size_t len, const char *const *cands, size_t n)
{
    size_t limit = len < 3 ? 0 : len <= 4 ? 1 : 2, best = limit + 1;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t d = distance(word, len, cands[i], limit);
        if (d < best) {
            best = d;
            pick = cands[i];
        }
    }
    return pick;
}

void lp_unknown(lp_t *p, tok_t t, const char *what, const char *const *names, size_t n)
{
    if (lp_full(p)) /* the diagnostic would be dropped: spare the search */
        return;
    const char *s = p->line + t.at;
    const char *guess = lp_suggest(s, t.len, names, n);
    if (guess)
        lp_err(p, t.at, t.len, "unknown %s '%.*s' (did you mean '%s'?)", what, (int)t.len, s, guess);
    else
        lp_err(p, t.at, t.len, "unknown %s '%.*s'", what, (int)t.len, s);
}

int lp_label(lp_t *p, tok_t t)
{
    const lesson_t *l = p->l;
    int found = lp_find_label(p, p->line + t.at, t.len);
    if (found >= 0 || lp_full(p))
        return found;
    /* A lesson has tens of labels; among thousands a guess is no help,
     * and comparing with each of them for every mistake is slow. */
    if (l->n_labels > 1000) {
        lp_unknown(p, t, "label", NULL, 0);
        return -1;
    }
    const char **names = xmalloc(((size_t)l->n_labels + 1) * sizeof *names);
    for (int i = 0; i < l->n_labels; i++)
        names[i] = l->labels[i].name;
    lp_unknown(p, t, "label", names, (size_t)l->n_labels);
    free(names);
    return -1;
}

/* ---- numbers and durations ---- */

bool lp_int(const char *s, size_t len, int64_t *v)
{
    if (len == 0 || len > 18)
        return false;
    int64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        n = n * 10 + (s[i] - '0');
    }
    *v = n;
    return true;
}

bool lp_real(const char *s, size_t len, double *v)
{
    /* 16 characters keep every digit run below int64_t's overflow. */
    if (len == 0 || len > 16)
        return false;
    int64_t whole = 0, frac = 0, scale = 1;
    size_t i = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        whole = whole * 10 + (s[i] - '0');
    size_t digits = i;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
            frac = frac * 10 + (s[i] - '0');
            scale *= 10;
        }
    if (i != len || digits == 0)
        return false;
    *v = (double)whole + (double)frac / (double)scale;
    return true;
}

/* The command line's syntax (cli_parse_ns), so a lesson and `poolviz run`
 * read "1.5s" alike; the token is not NUL-terminated, hence the copy. */
bool lp_duration(const char *s, size_t len, int64_t *ns)
{
    char buf[64];
    if (len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return cli_parse_ns(buf, ns) == 0;
}

bool lp_duration_tok(lp_t *p, tok_t t, int64_t *ns)
{
    if (lp_duration(p->line + t.at, t.len, ns))
        return true;
    lp_err(p, t.at, t.len, "expected a duration such as 250ms, 1s or 1.5s, not '%.*s'", (int)t.len, p->line + t.at);
    return false;
}

/* ---- configure ---- */

static const char *const opt_names[LO_COUNT] = {
    "workers", "jobs", "duration", "kind", "dir", "jobs-cap", "results-cap", "collect", "producer",
    "interval", "timeout", "cancel-after", "rate", "fail", "seed", "speed", "mistake", "worker-form",
};

const char *lesson_opt_name(lesson_opt_id_t id) { return (unsigned)id < LO_COUNT ? opt_names[id] : "?"; }

static size_t count_names(const char *const *names)
{
    size_t n = 0;
    while (names[n])
        n++;
    return n;
}

/* sleep, spin or lines */
static char *list_names(const char *const *names)
{
    char *out = xstrdup("");
    size_t n = count_names(names);
    for (size_t i = 0; i < n; i++) {
        char *next = xasprintf("%s%s%s", out, i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
        free(out);
        out = next;
    }
    return out;
}

/* Reads the value of one option; false (after a diagnostic) if bad. The
 * value is kept as text and checked here, against a scratch config, by the
 * command line's own parser: lesson_opt_apply() sets it the same way. */
static bool option_value(lp_t *p, lesson_opt_t *o, tok_t v)
{
    const char *s = p->line + v.at;
    const char *name = opt_names[o->id];
    /* A lesson's words: jobs=files (one per file, -1), workers=cores (the
     * machine's, as many as CPU-bound work can use). */
    if ((o->id == LO_JOBS && tok_is(p, v, "files")) || (o->id == LO_WORKERS && tok_is(p, v, "cores"))) {
        o->s = tok_dup(p, v);
        return true;
    }
    /* dir="my dir": a path may hold blanks; other values never do. */
    o->s = o->id == LO_DIR && s[0] == '"' ? tok_unquote(p, v) : tok_dup(p, v);
    if (!o->s)
        return false;
    /* Zeroed, not pool_config_default(): setting one option reads nothing
     * else of cfg, and the parser stays free of the engine (fuzz target). */
    pool_config_t scratch = { 0 };
    char why[256];
    if (cli_set_run_option(name, o->s, &scratch, why, sizeof why) == 0)
        return true;
    const char *const *names = cli_run_option_choices(name);
    const char *guess = names ? lp_suggest(s, v.len, names, count_names(names)) : NULL;
    lp_err(p, v.at, v.len, "%s: %s%s%s%s%s", name, why,
           o->id == LO_JOBS ? " (or `files`: one job per file of dir)" : o->id == LO_WORKERS ? " (or `cores`)" : "", guess ? " (did you mean '" : "",
           guess ? guess : "", guess ? "'?)" : "");
    free(o->s);
    o->s = NULL;
    return false;
}

void lp_options(lp_t *p, lesson_action_t *a)
{
    tok_t t;
    int cap = 0;
    if (lp_at_end(p))
        lp_err(p, p->pos, 1, "`configure` needs options, e.g. `configure workers=3 jobs=9`");
    while (lp_word(p, &t)) {
        const char *s = p->line + t.at;
        const char *eq = memchr(s, '=', t.len);
        if (!eq) {
            lp_err(p, t.at, t.len, "expected option=value, e.g. workers=3");
            continue;
        }
        tok_t key = { t.at, (size_t)(eq - s) }, val = { key.at + key.len + 1, t.len - key.len - 1 };
        int id = lp_lookup(s, key.len, opt_names, LO_COUNT);
        if (id < 0) {
            lp_unknown(p, key, "option", opt_names, LO_COUNT);
            continue;
        }
        if (val.len == 0) {
            lp_err(p, t.at + t.len - 1, 1, "%s: the value is missing after '='", opt_names[id]);
            continue;
        }
        lesson_opt_t o = { .id = (lesson_opt_id_t)id };
        if (!option_value(p, &o, val))
            continue;
        a->opts = lp_grow(a->opts, a->n_opts, &cap, sizeof *a->opts);
        a->opts[a->n_opts++] = o;
    }
}

/* ---- conditions ---- */

typedef enum { T_COUNT, T_DUR, T_CTX, T_OUTCOME, T_BOOL, T_TEXT, T_STATE, T_LABEL } ftype_t;

static const struct {
    const char *name;
    ftype_t type;
} fields[LF_COUNT] = {
    [LF_RESULTS] = { "results", T_COUNT },
    [LF_COMPLETED] = { "completed", T_COUNT },
    [LF_FAILED] = { "failed", T_COUNT },
    [LF_CANCELLED] = { "cancelled", T_COUNT },
    [LF_QUEUED] = { "queued", T_COUNT },
    [LF_RESULTS_QUEUED] = { "results-queued", T_COUNT },
    [LF_NEVER_SENT] = { "never-sent", T_COUNT },
    [LF_SENT] = { "sent", T_COUNT },
    [LF_TAKEN] = { "taken", T_COUNT },
    [LF_LOST] = { "lost", T_COUNT },
    [LF_STUCK] = { "stuck", T_COUNT },
    [LF_PLANNED] = { "planned", T_COUNT },
    [LF_WORKERS] = { "workers", T_COUNT },
    [LF_WG] = { "wg", T_COUNT },
    [LF_SUM] = { "sum", T_COUNT },
    [LF_LEFT] = { "left", T_COUNT },
    [LF_TIME] = { "elapsed", T_DUR },
    [LF_MAKESPAN] = { "makespan", T_DUR },
    [LF_CTX] = { "ctx", T_CTX },
    [LF_OUTCOME] = { "outcome", T_OUTCOME },
    [LF_FINISHED] = { "finished", T_BOOL },
    [LF_ACCOUNTED] = { "accounted", T_BOOL },
    [LF_JOBS_CLOSED] = { "jobs-closed", T_BOOL },
    [LF_RESULTS_CLOSED] = { "results-closed", T_BOOL },
    [LF_FAILURE] = { "failure", T_TEXT },
    [LF_WORKER_STATE] = { "state", T_STATE },
    [LF_WORKER_JOBS] = { "jobs", T_COUNT },
    [LF_AT] = { "at", T_LABEL },
};

const char *lesson_field_name(lesson_field_t f) { return (unsigned)f < LF_COUNT ? fields[f].name : "?"; }

static const char *const ctx_names[] = { "none", "active", "canceled", "deadline", NULL };
/* "running" while the run goes on; then a pool_outcome_t + 1 */
static const char *const outcome_names[] = { "running", "ok", "deadlock", "panic", "aborted", NULL };
static const char *const bool_names[] = { "no", "yes", NULL };
static const char *const op_names[] = { "==", "!=", "<", "<=", ">", ">=", "between", "contains", "at", NULL };

/* The names a field's value is one of, or NULL for numbers and text. */
static const char *const *values_of(ftype_t type)
{
    static const char *states[WS_COUNT + 1];
    switch (type) {
    case T_CTX: return ctx_names;
    case T_OUTCOME: return outcome_names;
    case T_BOOL: return bool_names;
    case T_STATE:
        for (int i = 0; i < WS_COUNT; i++)
            states[i] = lesson_state_keyword((worker_state_t)i);
        return states;
    default: return NULL;
    }
}

static bool read_value(lp_t *p, ftype_t type, tok_t t, int64_t *v)
{
    const char *s = p->line + t.at;
    const char *const *names = values_of(type);
    if (names) {
        int i = lp_lookup(s, t.len, names, count_names(names));
        if (i < 0 && type == T_CTX && tok_is(p, t, "cancelled"))
            i = LCTX_CANCELED; /* both spellings: Go's error says "canceled" */
        if (i >= 0) {
            *v = i;
            return true;
        }
        char *all = list_names(names);
        const char *guess = lp_suggest(s, t.len, names, count_names(names));
        lp_err(p, t.at, t.len, "expected %s, not '%.*s'%s%s%s", all, (int)t.len, s, guess ? " (did you mean '" : "",
               guess ? guess : "", guess ? "'?)" : "");
        free(all);
        return false;
    }
    if (type == T_DUR)
        return lp_duration_tok(p, t, v);
    if (lp_int(s, t.len, v))
        return true;
    lp_err(p, t.at, t.len, "expected a whole number, not '%.*s'", (int)t.len, s);
    return false;
}

/* A value that may end in `/cores` (numbers and durations only): the bound
 * a CPU-bound claim needs, scaled to the machine when judged. */
static bool read_bound(lp_t *p, ftype_t type, tok_t t, int64_t *v, bool *per_core)
{
    const char *slash = memchr(p->line + t.at, '/', t.len);
    if (slash) {
        size_t at = (size_t)(slash - p->line);
        tok_t div = { at + 1, t.at + t.len - at - 1 };
        if (!tok_is(p, div, "cores")) {
            lp_err(p, at, div.len + 1, "a value can be divided only by `cores`, e.g. 400ms/cores");
            return false;
        }
        if (type != T_COUNT && type != T_DUR) {
            lp_err(p, at, div.len + 1, "`/cores` applies only to numbers and durations");
            return false;
        }
        *per_core = true;
        t.len = at - t.at;
    }
    return read_value(p, type, t, v);
}

/* Operators too short for an edit distance to tell apart: the usual slips
 * from other languages, by hand; longer ones (`betwen`) by distance. */
static void unknown_operator(lp_t *p, tok_t op)
{
    static const char *const slips[][2] = {
        { "=", "==" }, { "===", "==" }, { "=<", "<=" }, { "=>", ">=" }, { "<>", "!=" }, { "=!", "!=" },
        { "!==", "!=" }, { "≠", "!=" }, { "≤", "<=" }, { "≥", ">=" },
    };
    for (size_t i = 0; i < sizeof slips / sizeof slips[0]; i++)
        if (tok_is(p, op, slips[i][0])) {
            lp_err(p, op.at, op.len, "unknown operator '%s' (did you mean '%s'?)", slips[i][0], slips[i][1]);
            return;
        }
    lp_unknown(p, op, "operator", op_names, LOP_AT);
}

/* `P% of step N`, after an operator: what the field was at the end of an
 * earlier step, scaled. For the lesson's own fields, not a worker's. */
static bool percent_of_step(lp_t *p, lesson_cond_t *c, tok_t v)
{
    tok_t of, step, n;
    int64_t pct, k;
    int current = p->l->n_steps; /* the step this condition is in */
    if (c->op == LOP_BETWEEN || c->field >= LF_WORKER_STATE || (fields[c->field].type != T_COUNT &&
                                                                 fields[c->field].type != T_DUR)) {
        lp_err(p, v.at, v.len, "`P%% of step N` compares only the lesson's numbers and durations, with == != < <= > >=");
        return false;
    }
    if (!lp_int(p->line + v.at, v.len - 1, &pct) || pct < 1 || pct > 10000) {
        lp_err(p, v.at, v.len, "expected a percentage from 1%% to 10000%%, not '%.*s'", (int)v.len, p->line + v.at);
        return false;
    }
    if (!lp_word(p, &of) || !tok_is(p, of, "of") || !lp_word(p, &step) || !tok_is(p, step, "step") ||
        !lp_word(p, &n)) {
        lp_err(p, v.at, p->len - v.at, "expected `%.*s of step N`", (int)v.len, p->line + v.at);
        return false;
    }
    if (!lp_int(p->line + n.at, n.len, &k) || k < 1 || k >= current) {
        lp_err(p, n.at, n.len, "expected the number of a step before this one (step %d)", current);
        return false;
    }
    c->a = pct;
    c->of_step = (int)k;
    lp_expect_end(p, "the step");
    return true;
}

/* The subject: a field name, or `worker K state|jobs|at`, or `WHO at`. */
static bool subject(lp_t *p, lesson_cond_t *c, tok_t t)
{
    static const char *const who_names[] = { "main", "producer", "closer", "worker" };
    int who = lp_lookup(p->line + t.at, t.len, who_names, 4);
    if (who == ROLE_WORKER) {
        tok_t k, what;
        static const char *const parts[] = { "state", "jobs", "at" };
        if (!lp_word(p, &k) || !lp_int(p->line + k.at, k.len, &c->b) || c->b < 1) {
            lp_err(p, k.len ? k.at : t.at, k.len ? k.len : t.len, "expected `worker K state|jobs|at ...`, K from 1");
            return false;
        }
        if (c->b > POOL_MAX_WORKERS) {
            lp_err(p, k.at, k.len, "a pool has at most %d workers: K from 1 to %d", POOL_MAX_WORKERS, POOL_MAX_WORKERS);
            return false;
        }
        c->worker = (int)c->b;
        c->b = 0;
        if (!lp_word(p, &what)) {
            lp_err(p, p->len, 1, "expected state, jobs or at after `worker %d`", c->worker);
            return false;
        }
        int part = lp_lookup(p->line + what.at, what.len, parts, 3);
        if (part < 0) {
            lp_unknown(p, what, "property of a worker", parts, 3);
            return false;
        }
        c->field = part == 0 ? LF_WORKER_STATE : part == 1 ? LF_WORKER_JOBS : LF_AT;
        c->who = ROLE_WORKER;
        return true;
    }
    if (who >= 0) {
        tok_t at;
        if (!lp_word(p, &at) || !tok_is(p, at, "at")) {
            lp_err(p, at.len ? at.at : t.at, at.len ? at.len : t.len, "expected `%s at LABEL`", who_names[who]);
            return false;
        }
        c->who = (pool_role_t)who;
        c->field = LF_AT;
        return true;
    }
    const char *names[LF_COUNT];
    for (int i = 0; i < LF_COUNT; i++)
        names[i] = i < LF_WORKER_STATE ? fields[i].name : NULL;
    int f = lp_lookup(p->line + t.at, t.len, names, LF_COUNT);
    if (f < 0) {
        lp_unknown(p, t, "field", names, LF_COUNT);
        return false;
    }
    c->field = (lesson_field_t)f;
    return true;
}

bool lp_condition(lp_t *p, lesson_cond_t *c)
{
    tok_t t, op, v;
    if (!lp_word(p, &t)) {
        lp_err(p, p->len, 1, "expected a condition, e.g. `results == 9`");
        return false;
    }
    size_t subject_at = t.at;
    if (!subject(p, c, t))
        return false;
    ftype_t type = fields[c->field].type;
    if (c->field == LF_AT) {
        c->op = LOP_AT;
        if (!lp_word(p, &v)) {
            lp_err(p, p->len, 1, "expected a code label after `at`");
            return false;
        }
        c->a = lp_label(p, v);
        lp_expect_end(p, "the label");
        return c->a >= 0;
    }
    if (!lp_word(p, &op)) {
        if (type == T_BOOL) { /* `expect finished` means `finished == yes` */
            c->op = LOP_EQ;
            c->a = 1;
            return true;
        }
        lp_err(p, subject_at, p->len - subject_at, "expected an operator (== != < <= > >= between) after '%s'",
               fields[c->field].name);
        return false;
    }
    int o = lp_lookup(p->line + op.at, op.len, op_names, count_names(op_names));
    if (o < 0 || o == LOP_AT) {
        unknown_operator(p, op);
        return false;
    }
    c->op = (lesson_op_t)o;
    bool ordered = type == T_COUNT || type == T_DUR;
    if ((type == T_TEXT) != (c->op == LOP_CONTAINS) || (!ordered && type != T_TEXT && c->op > LOP_NE)) {
        lp_err(p, op.at, op.len, "'%.*s' does not apply to %s; use %s", (int)op.len, p->line + op.at,
               fields[c->field].name, type == T_TEXT ? "contains \"text\"" : ordered ? "== != < <= > >= or between" : "== or !=");
        return false;
    }
    if (!lp_word(p, &v)) {
        lp_err(p, p->len, 1, "expected a value after '%.*s'", (int)op.len, p->line + op.at);
        return false;
    }
    if (type == T_TEXT) {
        c->text = tok_unquote(p, v);
        if (!c->text)
            return false;
    } else if (v.len > 1 && p->line[v.at + v.len - 1] == '%') {
        return percent_of_step(p, c, v);
    } else if (!read_bound(p, type, v, &c->a, &c->a_per_core)) {
        return false;
    }
    if (c->op == LOP_BETWEEN) {
        tok_t and, hi;
        if (!lp_word(p, &and) || !tok_is(p, and, "and") || !lp_word(p, &hi)) {
            lp_err(p, v.at, p->len - v.at, "expected `between LOW and HIGH`");
            return false;
        }
        if (!read_bound(p, type, hi, &c->b, &c->b_per_core))
            return false;
        /* Bounds scaled differently compare only on a given machine. */
        if (c->a_per_core == c->b_per_core && c->b < c->a) {
            lp_err(p, v.at, hi.at + hi.len - v.at, "the range is empty: LOW is above HIGH");
            return false;
        }
    }
    lp_expect_end(p, "the value");
    return true;
}

/* ---- names ---- */

const char *lesson_where_name(lesson_where_t w)
{
    static const char *const names[LW_COUNT] = { "running", "recv", "send", "select", "wait", "sleep", "exited" };
    return (unsigned)w < LW_COUNT ? names[w] : "?";
}

const char *lesson_state_keyword(worker_state_t s)
{
    static const char *const names[WS_COUNT] = { "idle", "waiting-job", "working", "blocked-send", "waiting-tick",
                                                  "exited" };
    return (unsigned)s < WS_COUNT ? names[s] : "?";
}
