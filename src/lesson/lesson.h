/* lesson.h - a lesson: a scripted, self-checking walk through one worker-pool
 * behaviour, with the Go program beside the run. lesson_parse() turns the
 * plain-text format of lessons/README.md into the lesson_t below; every
 * mistake in a file becomes one diagnostic (file:line:col, the line, a caret)
 * and parsing goes on, so an author sees all of them at once.
 *
 * A lesson is pure data: run.h drives a pool with it, the TUI shows it. */
#ifndef POOLVIZ_LESSON_LESSON_H
#define POOLVIZ_LESSON_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/pool.h"

/* ---- the code pane ---- */

typedef struct {
    char *text;  /* the Go line as shown: its `// @label` marker removed */
    int label;   /* index into lesson_t.labels, or -1 */
} lesson_code_line_t;

typedef struct {
    char *name;
    int line;    /* index into lesson_t.code */
} lesson_label_t;

/* Who a `mark` line is about, and what it means by state: for workers a
 * worker_state_t, for the others a lesson_where_t. */
typedef enum { LW_RUNNING, LW_RECV, LW_SEND, LW_SELECT, LW_WAIT, LW_SLEEP, LW_EXITED, LW_COUNT } lesson_where_t;

typedef struct {
    pool_role_t who;
    int state;
    int label;
} lesson_mark_t;

/* ---- configure: one option=value ---- */

typedef enum {
    LO_WORKERS, LO_JOBS, LO_DURATION, LO_KIND, LO_DIR, LO_JOBS_CAP, LO_RESULTS_CAP, LO_COLLECT,
    LO_PRODUCER, LO_INTERVAL, LO_TIMEOUT, LO_CANCEL_AFTER, LO_RATE, LO_FAIL, LO_SEED, LO_SPEED,
    LO_MISTAKE, LO_WORKER_FORM, LO_COUNT
} lesson_opt_id_t;

/* The value stays text, checked when parsed: cli_set_run_option() maps it
 * onto pool_config_t for the lesson as for the command line. */
typedef struct {
    lesson_opt_id_t id;
    char *s;                 /* the value; dir unquoted, relative to the lesson file */
} lesson_opt_t;

/* ---- conditions: `expect ...` and `run until ...` ---- */

typedef enum {
    /* counts */
    LF_RESULTS, LF_COMPLETED, LF_FAILED, LF_CANCELLED, LF_QUEUED, LF_RESULTS_QUEUED, LF_NEVER_SENT,
    LF_SENT, LF_TAKEN, LF_LOST, LF_STUCK, LF_PLANNED, LF_WORKERS, LF_WG, LF_SUM, LF_LEFT,
    /* virtual times */
    LF_TIME, LF_MAKESPAN,
    /* named states */
    LF_CTX, LF_OUTCOME,
    /* yes/no */
    LF_FINISHED, LF_ACCOUNTED, LF_JOBS_CLOSED, LF_RESULTS_CLOSED,
    /* text */
    LF_FAILURE,
    /* about one goroutine: `worker K state`, `worker K jobs`, `WHO at LABEL` */
    LF_WORKER_STATE, LF_WORKER_JOBS, LF_AT,
    LF_COUNT
} lesson_field_t;

typedef enum { LOP_EQ, LOP_NE, LOP_LT, LOP_LE, LOP_GT, LOP_GE, LOP_BETWEEN, LOP_CONTAINS, LOP_AT } lesson_op_t;

typedef enum { LCTX_NONE, LCTX_ACTIVE, LCTX_CANCELED, LCTX_DEADLINE } lesson_ctx_t;

typedef struct {
    lesson_field_t field;
    int step;                /* index of the step it is in: its marks count */
    pool_role_t who;         /* LF_AT */
    int worker;              /* worker K for LF_WORKER_*, LF_AT of a worker */
    lesson_op_t op;
    int64_t a, b;            /* value, or a..b for between; enums, labels, 0/1 */
    /* `VALUE/cores`: a (b) is divided by the machine's online CPUs when
     * judged, so a claim about CPU-bound work holds on any machine. */
    bool a_per_core, b_per_core;
    /* `P% of step N`: a is P, compared with P% of what the field was when
     * step N (1-based; 0: none) ended - so a run is judged against an
     * earlier one on the same machine. */
    int of_step;
    char *text;              /* LF_FAILURE */
} lesson_cond_t;

/* ---- steps ---- */

typedef enum {
    LA_CONFIGURE, LA_START, LA_RUN_UNTIL, LA_RUN_FOR, LA_ADD_WORKER, LA_RETIRE_WORKER, LA_ADD_JOBS,
    LA_CLOSE_JOBS, LA_CANCEL, LA_SPEED, LA_PAUSE, LA_ASK, LA_EXPECT
} lesson_action_kind_t;

typedef struct {
    char *question;
    char **choices;
    int n_choices;
    int answer;              /* index of the right choice */
    char *why;
} lesson_ask_t;

typedef struct {
    lesson_action_kind_t kind;
    int line;                /* 1-based source line */
    char *source;            /* the line as written, for reports */
    lesson_opt_t *opts;      /* configure */
    int n_opts;
    lesson_cond_t cond;      /* run until, expect */
    int64_t n;               /* add-jobs N; run for: virtual ns */
    double speed;            /* speed X */
    lesson_ask_t ask;        /* ask */
} lesson_action_t;

typedef struct {
    int number;
    char *title;
    char *say;               /* narration: paragraphs separated by "\n\n" */
    lesson_action_t *actions;
    int n_actions;
    /* `mark` lines in the step: for this step, they replace the lesson's
     * mark of the same goroutine and state (the step runs the program
     * another way, e.g. main collects by count, then by range). */
    lesson_mark_t *marks;
    int n_marks;
    int line;
} lesson_step_t;

/* One diagnostic: where, what, and text: the offending line, a newline and
 * a caret line under the column ("" for an error about the whole lesson).
 * col counts characters (UTF-8 code points; a tab is one) from 1. The line
 * is shown escaped (lesson_escape), at most about 200 columns of it around
 * the column, with "..." where it is cut; the caret line copies its tabs and
 * pads a space per column, so the caret sits under the column. */
typedef struct {
    int line, col;
    char *message;
    char *text;
} lesson_diag_t;

typedef struct {
    char *file;              /* as given to the parser */
    char *title;
    char *summary;
    lesson_code_line_t *code;
    int n_code;
    lesson_label_t *labels;
    int n_labels;
    lesson_mark_t *marks;
    int n_marks;
    lesson_step_t *steps;
    int n_steps;
    lesson_diag_t *diags;
    int n_diags;
    bool too_many_diags;
} lesson_t;

/* The largest file lesson_load() reads: a lesson is a few hundred lines,
 * and the menu and `poolviz lessons` load every one. */
#define LESSON_MAX_BYTES (1024 * 1024)

/* Parses text (len bytes, any content). Never NULL; n_diags > 0 means the
 * lesson is not usable. file names the source in diagnostics. */
lesson_t *lesson_parse(const char *file, const char *text, size_t len);
/* Reads and parses a file; an unreadable or too large one gives a lesson
 * with one diag (line 0: about the whole file). */
lesson_t *lesson_load(const char *path);
void lesson_free(lesson_t *l);
/* Writes every diagnostic, then "N errors" if there were any. */
void lesson_print_diags(const lesson_t *l, FILE *out);
/* s[0..len) safe to print on a terminal: control bytes, DEL, C1 and bidi
 * controls and bytes that are not UTF-8 become \xHH; tabs and UTF-8 text
 * stay. Free the result. */
char *lesson_escape(const char *s, size_t len);

/* The code line where a goroutine is during step (an index; -1: before
 * the steps) by that step's marks and the lesson's, or -1. */
int lesson_line_of(const lesson_t *l, int step, const model_t *m, int actor);
/* That goroutine's where (lesson_where_t) for main, producer and closer. */
lesson_where_t lesson_where(const model_actor_t *a);

/* Names, for the parser, the reports and the README. */
const char *lesson_field_name(lesson_field_t f);
/* "workers" for LO_WORKERS: the long name on the command line too. */
const char *lesson_opt_name(lesson_opt_id_t id);
const char *lesson_where_name(lesson_where_t w);
const char *lesson_state_keyword(worker_state_t s);

#endif
