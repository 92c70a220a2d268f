/* check.c - runs a lesson headless and says, step by step, whether the run
 * agreed with it: `poolviz lesson --check`. Predictions are answered with
 * the expected choice; every expectation and every action is judged. */
#include "lesson/check.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "lesson/run.h"

typedef struct {
    FILE *out;
    const char *name;
    const lesson_t *l;
    int step;
    int failures;
    bool verbose;
} check_t;

static void verdict(void *ud, const lesson_action_t *a, bool ok, const char *detail)
{
    check_t *c = ud;
    /* The detail quotes the lesson: `failure contains "..."` may hold anything. */
    char *shown = lesson_escape(detail, strlen(detail));
    if (!ok) {
        c->failures++;
        fprintf(c->out, "lesson %s step %d: FAIL: %s (%s:%d)\n", c->name, c->step, shown, c->l->file, a->line);
    } else if (c->verbose) {
        fprintf(c->out, "  ok: %s\n", shown);
    }
    free(shown);
}

/* fmt with one %s: text, escaped. */
static void print_escaped(FILE *out, const char *fmt, const char *text)
{
    char *shown = lesson_escape(text, strlen(text));
    fprintf(out, fmt, shown);
    free(shown);
}

static int answer(void *ud, const lesson_ask_t *ask)
{
    check_t *c = ud;
    if (c->verbose) {
        print_escaped(c->out, "  ask: %s -> ", ask->question);
        print_escaped(c->out, "%s\n", ask->choices[ask->answer]);
    }
    return ask->answer;
}

/* "lessons/02-close.lesson" -> "02-close" */
static char *short_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = xstrdup(base);
    char *dot = strrchr(name, '.');
    if (dot && strcmp(dot, ".lesson") == 0)
        *dot = '\0';
    return name;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    char *d = xstrdup(path);
    d[slash - path] = '\0';
    return d;
}

void lesson_check_file(const char *path, const lesson_check_opts_t *o, int *passed, int *failed)
{
    char *name = short_name(path);
    lesson_t *l = lesson_load(path);
    if (l->n_diags) {
        lesson_print_diags(l, o->err ? o->err : stderr);
        fprintf(o->out, "lesson %s: FAIL: the file has errors\n", name);
        (*failed)++;
        lesson_free(l);
        free(name);
        return;
    }
    char *dir = dir_of(path);
    check_t c = { .out = o->out, .name = name, .l = l, .verbose = o->verbose };
    lesson_run_opts_t ro = {
        .check = true,
        .basedir = dir,
        .timeout = o->timeout,
        .answer = answer,
        .answer_ud = &c,
        .verdict = verdict,
        .verdict_ud = &c,
    };
    lesson_run_t *r = lesson_run_new(l, &ro);
    for (int i = 0; i < l->n_steps; i++) {
        c.step = l->steps[i].number;
        c.failures = 0;
        lesson_run_step(r, i);
        if (c.failures == 0) {
            fprintf(o->out, "lesson %s step %d: ok (", name, c.step);
            print_escaped(o->out, "%s)\n", l->steps[i].title);
            (*passed)++;
        } else {
            (*failed)++;
        }
        fflush(o->out);
    }
    lesson_run_free(r);
    lesson_free(l);
    free(dir);
    free(name);
}
