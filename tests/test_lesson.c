/* test_lesson.c - the lesson parser: every keyword into the AST, every
 * diagnostic with its line, column and caret, suggestions, all errors of a
 * file reported, garbage never crashing it; where goroutines map to code
 * lines; and the runner judging a small lesson on a real pool. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "core/xalloc.h"
#include "lesson/check.h"
#include "lesson/lesson.h"
#include "lesson/run.h"

/* A valid lesson; the cases append lines to its step. */
#define HEAD                                                                                                           \
    "title: T\n"                                                                                                       \
    "summary: S\n"                                                                                                     \
    "code:\n"                                                                                                          \
    "for j := range jobs { // @recv\n"                                                                                 \
    "\twg.Wait() // @wait\n"                                                                                           \
    "end\n"                                                                                                            \
    "step 1: One\n"
#define HEAD_LINES 7

static lesson_t *parse(const char *text) { return lesson_parse("t.lesson", text, strlen(text)); }

/* Parses HEAD + line and returns the lesson (the caller frees). */
static lesson_t *with_line(const char *line)
{
    char *text = xasprintf(HEAD "%s\n", line);
    lesson_t *l = parse(text);
    free(text);
    return l;
}

/* ---- the whole format ---- */

static const char full[] =
    "# a comment\n"
    "title: Everything\n"
    "summary: first part\n"
    "summary: second part\n"
    "\n"
    "code:\n"
    "package main\n"
    "for j := range jobs { // @recv\n"
    "\ttime.Sleep(d) // the work @work\n"
    "\tx := \"http://a\" // keep\n"
    "wg.Wait() //@wait\n"
    "end\n"
    "mark worker waiting-job -> recv\n"
    "mark worker working -> work\n"
    "mark main wait -> wait\n"
    "step 1: First\n"
    "say: one\n"
    "say: two\n"
    "say:\n"
    "say: three\n"
    "configure workers=4 jobs=10 duration=uniform:100ms..1s kind=spin dir=\"my dir\" jobs-cap=0 results-cap=5 "
    "collect=waitgroup producer=dynamic interval=250ms timeout=3s cancel-after=1.5s rate=100ms fail=0.25 seed=7 "
    "speed=2 mistake=forget-close worker-form=range\n"
    "configure duration=exp:200ms jobs=files duration=2s\n"
    "start\n"
    "ask: Which?\n"
    "choice: a\n"
    "answer: b\n"
    "why: because\n"
    "why: really\n"
    "run until results >= 3\n"
    "run for 1.5s\n"
    "configure worker-form=select\n" /* for retire-worker */
    "step 2: Second\n"
    "add-worker\n"
    "retire-worker\n"
    "add-jobs 3\n"
    "close-jobs\n"
    "cancel\n"
    "speed 2.5\n"
    "pause\n"
    "expect finished\n"
    "expect elapsed between 2.9s and 3.1s\n"
    "expect ctx == cancelled\n"
    "expect outcome != deadlock\n"
    "expect failure contains \"send on \\\"closed\\\" channel\"\n"
    "expect worker 2 state == blocked-send\n"
    "expect worker 3 jobs < 4\n"
    "expect worker 1 at recv\n"
    "expect main at wait\n"
    "expect accounted == no\n";

static void test_every_keyword(void **state)
{
    (void)state;
    lesson_t *l = parse(full);
    lesson_print_diags(l, stderr);
    assert_int_equal(l->n_diags, 0);
    assert_string_equal(l->title, "Everything");
    assert_string_equal(l->summary, "first part second part");
    /* code lines, markers removed */
    assert_int_equal(l->n_code, 5);
    assert_string_equal(l->code[1].text, "for j := range jobs {");
    assert_string_equal(l->code[2].text, "\ttime.Sleep(d) // the work");
    assert_string_equal(l->code[3].text, "\tx := \"http://a\" // keep");
    assert_int_equal(l->code[3].label, -1);
    assert_string_equal(l->code[4].text, "wg.Wait()");
    assert_int_equal(l->n_labels, 3);
    assert_string_equal(l->labels[2].name, "wait");
    assert_int_equal(l->labels[2].line, 4);
    assert_int_equal(l->code[1].label, 0);
    /* marks */
    assert_int_equal(l->n_marks, 3);
    assert_int_equal(l->marks[0].who, ROLE_WORKER);
    assert_int_equal(l->marks[0].state, WS_WAITING_JOB);
    assert_int_equal(l->marks[2].who, ROLE_MAIN);
    assert_int_equal(l->marks[2].state, LW_WAIT);
    assert_int_equal(l->marks[2].label, 2);
    /* step 1 */
    assert_int_equal(l->n_steps, 2);
    const lesson_step_t *s = &l->steps[0];
    assert_string_equal(s->title, "First");
    assert_string_equal(s->say, "one two\n\nthree");
    assert_int_equal(s->n_actions, 7);
    const lesson_action_t *c = &s->actions[0];
    assert_int_equal(c->kind, LA_CONFIGURE);
    assert_int_equal(c->n_opts, LO_COUNT);
    pool_config_t cfg;
    pool_config_default(&cfg);
    char *dir = NULL;
    for (int i = 0; i < c->n_opts; i++)
        lesson_opt_apply(&c->opts[i], &cfg, "/base", &dir);
    assert_int_equal(cfg.workers, 4);
    assert_int_equal(cfg.jobs, 10);
    assert_int_equal(cfg.duration.kind, DUR_UNIFORM);
    assert_int_equal(cfg.duration.a, 100 * MS);
    assert_int_equal(cfg.duration.b, SEC);
    assert_int_equal(cfg.kind, JOB_SPIN);
    assert_string_equal(cfg.dir, "/base/my dir");
    assert_int_equal(cfg.jobs_cap, 0);
    assert_int_equal(cfg.results_cap, 5);
    assert_int_equal(cfg.collect, COLLECT_WAITGROUP);
    assert_int_equal(cfg.producer, PRODUCER_DYNAMIC);
    assert_int_equal(cfg.interval, 250 * MS);
    assert_int_equal(cfg.timeout, 3 * SEC);
    assert_int_equal(cfg.cancel_after, 1500 * MS);
    assert_int_equal(cfg.rate, 100 * MS);
    assert_true(cfg.fail == 0.25);
    assert_int_equal(cfg.seed, 7);
    assert_true(cfg.speed == 2);
    assert_int_equal(cfg.mistake, MISTAKE_FORGET_CLOSE);
    assert_int_equal(cfg.worker_form, WORKER_RANGE);
    const lesson_action_t *c2 = &s->actions[1];
    for (int i = 0; i < c2->n_opts; i++)
        lesson_opt_apply(&c2->opts[i], &cfg, NULL, &dir);
    assert_int_equal(cfg.duration.kind, DUR_FIXED);
    assert_int_equal(cfg.duration.a, 2 * SEC);
    assert_int_equal(cfg.jobs, -1);
    free(dir);
    assert_int_equal(s->actions[2].kind, LA_START);
    const lesson_ask_t *q = &s->actions[3].ask;
    assert_int_equal(s->actions[3].kind, LA_ASK);
    assert_string_equal(q->question, "Which?");
    assert_int_equal(q->n_choices, 2);
    assert_int_equal(q->answer, 1);
    assert_string_equal(q->choices[1], "b");
    assert_string_equal(q->why, "because really");
    assert_int_equal(s->actions[4].kind, LA_RUN_UNTIL);
    assert_int_equal(s->actions[4].cond.field, LF_RESULTS);
    assert_int_equal(s->actions[4].cond.op, LOP_GE);
    assert_int_equal(s->actions[4].cond.a, 3);
    assert_int_equal(s->actions[5].kind, LA_RUN_FOR);
    assert_int_equal(s->actions[5].n, 1500 * MS);
    /* step 2 */
    s = &l->steps[1];
    static const lesson_action_kind_t kinds[] = { LA_ADD_WORKER, LA_RETIRE_WORKER, LA_ADD_JOBS, LA_CLOSE_JOBS,
                                                  LA_CANCEL, LA_SPEED, LA_PAUSE };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        assert_int_equal(s->actions[i].kind, kinds[i]);
    assert_int_equal(s->actions[2].n, 3);
    assert_true(s->actions[5].speed == 2.5);
    const lesson_cond_t *e = &s->actions[7].cond;
    assert_int_equal(e->field, LF_FINISHED);
    assert_int_equal(e->a, 1);
    e = &s->actions[8].cond;
    assert_int_equal(e->op, LOP_BETWEEN);
    assert_int_equal(e->a, 2900 * MS);
    assert_int_equal(e->b, 3100 * MS);
    assert_int_equal(s->actions[9].cond.a, LCTX_CANCELED);
    assert_int_equal(s->actions[10].cond.op, LOP_NE);
    assert_int_equal(s->actions[10].cond.a, OUTCOME_DEADLOCK + 1);
    assert_string_equal(s->actions[11].cond.text, "send on \"closed\" channel");
    assert_int_equal(s->actions[12].cond.field, LF_WORKER_STATE);
    assert_int_equal(s->actions[12].cond.worker, 2);
    assert_int_equal(s->actions[12].cond.a, WS_BLOCKED_SEND);
    assert_int_equal(s->actions[13].cond.field, LF_WORKER_JOBS);
    assert_int_equal(s->actions[14].cond.field, LF_AT);
    assert_int_equal(s->actions[14].cond.who, ROLE_WORKER);
    assert_int_equal(s->actions[14].cond.a, 0);
    assert_int_equal(s->actions[15].cond.who, ROLE_MAIN);
    assert_int_equal(s->actions[15].cond.a, 2);
    assert_int_equal(s->actions[16].cond.a, 0);
    char buf[128];
    lesson_cond_text(l, &s->actions[8].cond, buf, sizeof buf);
    assert_string_equal(buf, "elapsed between 2.9s and 3.1s");
    lesson_cond_text(l, &s->actions[14].cond, buf, sizeof buf);
    assert_string_equal(buf, "worker 1 at recv");
    lesson_free(l);
}

/* Every field name parses as a condition. */
static void test_every_field(void **state)
{
    (void)state;
    static const char *const conds[] = {
        "results == 1", "completed == 1", "failed == 1", "cancelled == 1", "queued == 1", "results-queued == 1",
        "never-sent == 1", "sent == 1", "taken == 1", "lost == 1", "stuck == 1", "planned == 1", "workers == 1",
        "wg == 1", "sum == 1", "left == 1", "elapsed < 1s", "makespan <= 2m", "ctx == active", "outcome == ok",
        "finished == yes", "accounted", "jobs-closed", "results-closed == no", "failure contains \"x\"",
        "worker 1 state == idle", "worker 1 jobs > 0", "worker 1 at wait", "producer at recv", "closer at wait",
    };
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
        char *line = xasprintf("expect %s", conds[i]);
        lesson_t *l = with_line(line);
        if (l->n_diags)
            fail_msg("%s: %s", line, l->diags[0].message);
        assert_int_equal(l->steps[0].actions[0].kind, LA_EXPECT);
        free(line);
        lesson_free(l);
    }
}

/* ---- diagnostics ---- */

typedef struct {
    const char *line; /* appended to HEAD, in step 1 */
    int col;
    const char *message;
} diag_case_t;

static const diag_case_t diag_cases[] = {
    { "titel: x", 1, "unknown keyword 'titel' (did you mean 'title'?)" },
    { "qqqqqq", 1, "unknown keyword 'qqqqqq'" },
    { "  42", 3, "expected a keyword such as `say:` or `expect`, not '4'" },
    { "end", 1, "`end` closes a `code:` block, and none is open" },
    { "say hello", 4, "expected ':' after `say`" },
    { "start:", 6, "`start` takes no ':'" },
    { "title: Again", 1, "the title was already given on line 1" },
    { "code:", 1, "a lesson has one code block; the first began on line 3" },
    { "step 2", 1, "expected `step 2: TITLE`" },
    { "step 5: Five", 6, "expected step 2 here, found step 5" },
    { "step 2:", 7, "a step needs a title after the ':'" },
    { "choice: x", 1, "`choice:` belongs to an `ask:` earlier in the same step" },
    { "ask:\nchoice: a\nanswer: b\nwhy: c", 1, "`ask:` needs a question" },
    { "ask: q\nchoice:", 1, "`choice:` needs the text of a choice" },
    { "ask: q\nanswer: a\nanswer: b\nwhy: w", 1, "this ask already has its answer (choice 1)" },
    { "ask: q\nanswer: a\nwhy: w", 1, "an ask needs at least two choices" },
    { "ask: q\nchoice: a\nchoice: b\nwhy: w", 1, "an ask needs one `answer:` line" },
    { "ask: q\nchoice: a\nanswer: b", 1, "an ask needs a `why:` line" },
    { "mark worker", 1, "expected `mark WHO STATE -> LABEL`" },
    { "mark boss idle -> recv", 6, "unknown goroutine 'boss'" },
    { "mark worker wroking -> recv", 13, "unknown worker state 'wroking' (did you mean 'working'?)" },
    { "mark main wiat -> recv", 11, "unknown state 'wiat' (did you mean 'wait'?)" },
    { "mark main wait to recv", 16, "expected `mark WHO STATE -> LABEL`" },
    { "mark main wait -> rcv", 19, "unknown label 'rcv' (did you mean 'recv'?)" },
    { "mark main wait -> wait\nmark main wait -> recv", 11, "main wait is already marked" },
    { "mark main wait -> wait x", 24, "unexpected 'x' after the label" },
    { "run", 1, "expected `run until CONDITION` or `run for DURATION`" },
    { "run to 3s", 5, "expected `run until CONDITION` or `run for DURATION`" },
    { "run unti finished", 5, "expected `run until CONDITION` or `run for DURATION` (did you mean 'until'?)" },
    { "run fro 1s", 5, "(did you mean 'for'?)" },
    { "run for", 8, "`run for` needs a duration" },
    { "run for 3 s", 9, "expected a duration such as 250ms, 1s or 1.5s, not '3'" },
    { "run for 3x", 9, "expected a duration such as 250ms, 1s or 1.5s, not '3x'" },
    { "add-jobs none", 10, "`add-jobs` needs a number of jobs between 1 and" },
    { "add-jobs 0", 10, "`add-jobs` needs a number of jobs" },
    { "speed 5000", 7, "`speed` needs a number between 0.05 and 1000" },
    { "start now", 7, "unexpected 'now' after start" },
    { "configure worker-form=range\nretire-worker", 1, "`retire-worker` closes a worker's quit channel, and range-form workers have none" },
    { "configure worker-form=range\nconfigure worker-form=select\nretire-worker", 1, NULL },
    { "configure", 10, "`configure` needs options" },
    { "configure workers", 11, "expected option=value, e.g. workers=3" },
    { "configure wrokers=3", 11, "unknown option 'wrokers' (did you mean 'workers'?)" },
    { "configure workers=", 18, "workers: the value is missing after '='" },
    { "configure workers=0", 19, "workers: expected a number between 1 and 1024, got '0'" },
    { "configure jobs=many", 16, "jobs: expected a number between 0 and 10000000, got 'many' (or `files`: one job per file of dir)" },
    { "configure jobs-cap=-1", 20, "jobs-cap: expected a number between 0 and 10000000, got '-1'" },
    { "configure seed=x", 16, "seed: expected a number between 0 and 18446744073709551615, got 'x'" },
    { "configure duration=fast", 20, "duration: expected a duration like 1s, 250ms, uniform:100ms..1s or exp:200ms, got 'fast'" },
    { "configure duration=uniform:2s..1s", 20, "duration: expected" },
    { "configure timeout=soon", 19, "timeout: expected a duration like 250ms, 2s or 1.5m, got 'soon'" },
    { "configure fail=2", 16, "fail: expected a number between 0 and 1, got '2'" },
    { "configure speed=0", 17, "speed: expected a number between 0.05 and 1000, got '0'" },
    { "configure kind=slep", 16, "kind: expected one of sleep, spin, lines, got 'slep' (did you mean 'sleep'?)" },
    { "configure mistake=oops", 19, "mistake: expected one of none, forget-close, early-close-results" },
    { "configure dir=\"open", 15, "expected a \"quoted text\"" },
    { "expect", 7, "expected a condition, e.g. `results == 9`" },
    { "expect resluts == 9", 8, "unknown field 'resluts' (did you mean 'results'?)" },
    { "expect results", 8, "expected an operator (== != < <= > >= between) after 'results'" },
    { "expect results =< 9", 16, "unknown operator '=<' (did you mean '<='?)" },
    { "run until results = 9", 19, "unknown operator '=' (did you mean '=='?)" },
    { "expect results === 9", 16, "unknown operator '===' (did you mean '=='?)" },
    { "expect results ≥ 9", 16, "unknown operator '≥' (did you mean '>='?)" },
    { "expect results betwen 1 and 2", 16, "unknown operator 'betwen' (did you mean 'between'?)" },
    { "expect results ==", 18, "expected a value after '=='" },
    { "expect results == nine", 19, "expected a whole number, not 'nine'" },
    { "expect results == 9 please", 21, "unexpected 'please' after the value" },
    { "expect results between 1", 24, "expected `between LOW and HIGH`" },
    { "expect results between 5 and 1", 24, "the range is empty: LOW is above HIGH" },
    { "expect results contains \"x\"", 16, "'contains' does not apply to results" },
    { "expect failure == 1", 16, "'==' does not apply to failure; use contains \"text\"" },
    { "expect ctx < active", 12, "'<' does not apply to ctx; use == or !=" },
    { "expect failure contains x", 25, "expected a \"quoted text\"" },
    { "expect ctx == gone", 15, "expected none, active, canceled or deadline, not 'gone'" },
    { "expect outcome == deadlok", 19, "(did you mean 'deadlock'?)" },
    { "expect elapsed < 3", 18, "expected a duration such as 250ms, 1s or 1.5s, not '3'" },
    { "expect worker", 8, "expected `worker K state|jobs|at ...`, K from 1" },
    { "expect worker 0 state == idle", 15, "expected `worker K state|jobs|at ...`" },
    { "expect worker 99999999999 state == idle", 15, "a pool has at most 1024 workers: K from 1 to 1024" },
    { "expect worker 1", 16, "expected state, jobs or at after `worker 1`" },
    { "expect worker 1 mood == idle", 17, "unknown property of a worker 'mood'" },
    { "expect worker 1 state == sleepy", 26, "expected idle, waiting-job, working, blocked-send, waiting-tick or exited" },
    { "expect main in wait", 13, "expected `main at LABEL`" },
    { "expect main at", 15, "expected a code label after `at`" },
    { "expect main at nowhere", 16, "unknown label 'nowhere'" },
    { "expect makespan >= 1s/cpus", 22, "a value can be divided only by `cores`, e.g. 400ms/cores" },
    { "expect results == 8/", 20, "a value can be divided only by `cores`" },
    { "expect ctx == active/cores", 21, "`/cores` applies only to numbers and durations" },
    { "expect makespan >= fast/cores", 20, "expected a duration such as 250ms, 1s or 1.5s, not 'fast'" },
    { "expect makespan >= 80% of step 1", 32, "expected the number of a step before this one (step 1)" },
    { "expect makespan >= 80% of step", 20, "expected `80% of step N`" },
    { "expect makespan >= 80% off step 1", 20, "expected `80% of step N`" },
    { "expect makespan >= x% of step 1", 20, "expected a percentage from 1% to 10000%, not 'x%'" },
    { "expect makespan >= 0% of step 1", 20, "expected a percentage from 1% to 10000%" },
    { "expect ctx == 80% of step 1", 15, "`P% of step N` compares only the lesson's numbers and durations" },
    { "expect worker 1 jobs >= 80% of step 1", 25, "`P% of step N` compares only the lesson's numbers" },
    { "configure workers=cores", 1, NULL },
    { "configure workers=many", 19, "workers: expected a number between 1 and 1024, got 'many' (or `cores`)" },
    { "say: a\x01", 1, NULL }, /* control bytes are text: no error */
};

static void test_each_diagnostic(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof diag_cases / sizeof diag_cases[0]; i++) {
        const diag_case_t *c = &diag_cases[i];
        lesson_t *l = with_line(c->line);
        if (!c->message) {
            assert_int_equal(l->n_diags, 0);
            lesson_free(l);
            continue;
        }
        if (l->n_diags < 1)
            fail_msg("case %zu '%s': no diagnostic", i, c->line);
        const lesson_diag_t *d = &l->diags[0];
        if (!strstr(d->message, c->message) || d->col != c->col)
            fail_msg("case %zu '%s': got %d:%d: %s; want col %d: %s", i, c->line, d->line, d->col, d->message,
                     c->col, c->message);
        assert_true(d->line > HEAD_LINES);
        lesson_free(l);
    }
}

/* Errors about the lesson as a whole, the code block and the bytes. */
static void test_structure_diagnostics(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line;
        const char *message;
    } cases[] = {
        { "", 1, "the lesson has no `title:`" },
        { "title: T\ncode:\nend\nstep 1: a\n", 1, "the lesson has no `summary:`" },
        { "title: T\nsummary: S\nstep 1: a\n", 1, "the lesson has no `code:` block" },
        { "title: T\nsummary: S\ncode:\nend\n", 1, "the lesson has no steps" },
        { "title:\nsummary: S\ncode:\nend\nstep 1: a\n", 1, "`title:` needs the lesson's title" },
        { "title: T\nsummary: S\ncode:\nx\nstep 1: a\n", 3, "the code block is not closed" },
        { "title: T\nsummary: S\ncode: x\nend\nstep 1: a\n", 3, "the Go code starts on the line after `code:`" },
        { "title: T\nsummary: S\nstep 1: a\ncode:\nend\n", 4, "the code block must come before `mark` lines" },
        { "title: T\nsummary: S\ncode:\na // @x\nb // @x\nend\nstep 1: a\n", 5, "label 'x' is already on code line 1" },
        { "say: hi\ntitle: T\nsummary: S\ncode:\nend\nstep 1: a\n", 1, "`say` belongs in a step" },
        { "title: T\nsum\0ary: S\n", 2, "a NUL byte: lessons are text files" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].text);
        if (i == sizeof cases / sizeof cases[0] - 1)
            len = 21; /* the NUL case: past its embedded NUL */
        lesson_t *l = lesson_parse("t.lesson", cases[i].text, len);
        bool found = false;
        for (int k = 0; k < l->n_diags && !found; k++)
            found = l->diags[k].line == cases[i].line && strstr(l->diags[k].message, cases[i].message);
        if (!found)
            fail_msg("case %zu: no '%s' on line %d (%d diags, first: %s)", i, cases[i].message, cases[i].line,
                     l->n_diags, l->n_diags ? l->diags[0].message : "-");
        lesson_free(l);
    }
    /* The steps after an unclosed code block were read as code: that is
     * the one error, not also "no steps". */
    lesson_t *l = parse("title: T\nsummary: S\ncode:\nx\nstep 1: a\n");
    assert_int_equal(l->n_diags, 1);
    assert_contains(l->diags[0].message, "the code block is not closed");
    lesson_free(l);
}

/* The printed form: file:line:col: message, the line, a caret under the
 * column that copies tabs and underlines the word. */
static void test_caret(void **state)
{
    (void)state;
    lesson_t *l = with_line("\texpect resluts == 9");
    assert_int_equal(l->n_diags, 1);
    assert_int_equal(l->diags[0].col, 9);
    assert_string_equal(l->diags[0].text, "\texpect resluts == 9\n\t       ^~~~~~~");
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    lesson_print_diags(l, f);
    fclose(f);
    assert_string_equal(out, "t.lesson:8:9: unknown field 'resluts' (did you mean 'results'?)\n"
                             "\texpect resluts == 9\n\t       ^~~~~~~\n"
                             "1 error in t.lesson\n");
    free(out);
    lesson_free(l);
}

/* What the file holds is shown, never sent to the terminal as is: control
 * bytes and bad UTF-8 escaped, in the line and in the message. */
static void test_control_bytes_escaped(void **state)
{
    (void)state;
    lesson_t *l = with_line("\x1b[2J\x1b]0;pwned\x07 hi");
    assert_int_equal(l->n_diags, 1);
    assert_string_equal(l->diags[0].message, "expected a keyword such as `say:` or `expect`, not '\\x1b'");
    assert_string_equal(l->diags[0].text, "\\x1b[2J\\x1b]0;pwned\\x07 hi\n^~~~");
    lesson_free(l);
    /* A word quoted in the message; a C1 control (U+009B, CSI); a lone
     * UTF-8 lead byte. */
    l = with_line("expect results == 9 \x1b[31m\xc2\x9b\xc3");
    assert_int_equal(l->n_diags, 1);
    assert_string_equal(l->diags[0].message, "unexpected '\\x1b[31m\\xc2\\x9b\\xc3' after the value");
    assert_string_equal(l->diags[0].text, "expect results == 9 \\x1b[31m\\xc2\\x9b\\xc3\n"
                                          "                    ^~~~~~~~~~~~~~~~~~~~");
    lesson_free(l);
    /* A character that is not a keyword is named whole. */
    l = with_line("  é");
    assert_string_equal(l->diags[0].message, "expected a keyword such as `say:` or `expect`, not 'é'");
    lesson_free(l);
    char *esc = lesson_escape("a\tb\x7f\xe2\x80\xae→", 10);
    assert_string_equal(esc, "a\tb\\x7f\\xe2\\x80\\xae→");
    free(esc);
}

/* An editor's byte order mark is not the start of a keyword. */
static void test_bom_skipped(void **state)
{
    (void)state;
    char *text = xasprintf("\xef\xbb\xbf%s", HEAD);
    lesson_t *l = parse(text);
    assert_int_equal(l->n_diags, 0);
    assert_string_equal(l->title, "T");
    lesson_free(l);
    free(text);
}

/* Columns count characters, and the caret pads one space per character:
 * it sits under the word after non-ASCII text, tabs copied. */
static void test_caret_after_utf8(void **state)
{
    (void)state;
    lesson_t *l = with_line("expect failure contains \"ééé → ✓\" zzz");
    assert_int_equal(l->n_diags, 1);
    assert_int_equal(l->diags[0].col, 35);
    assert_string_equal(l->diags[0].text, "expect failure contains \"ééé → ✓\" zzz\n"
                                          "                                  ^~~");
    lesson_free(l);
    l = with_line("expect failure contains \"é\t→\" zzz");
    assert_int_equal(l->diags[0].col, 31);
    assert_string_equal(l->diags[0].text, "expect failure contains \"é\t→\" zzz\n"
                                          "                          \t   ^~~");
    lesson_free(l);
}

/* A long line is shown around the error, cut with "...", the caret under
 * the column still. */
static void test_long_line_window(void **state)
{
    (void)state;
    char *line = xasprintf("expect results == 9 %0300d", 7);
    lesson_t *l = with_line(line);
    assert_int_equal(l->n_diags, 1);
    assert_int_equal(l->diags[0].col, 21);
    const char *text = l->diags[0].text, *nl = strchr(text, '\n');
    assert_int_equal(nl - text, 200 + 3); /* 200 columns and the "..." */
    assert_memory_equal(nl - 3, "...", 3);
    /* The underline ends with the window. */
    assert_int_equal(strspn(nl + 1, " "), 20);
    assert_int_equal(nl[21], '^');
    assert_int_equal(strspn(nl + 22, "~"), 179);
    assert_int_equal(strlen(nl + 1), 200);
    lesson_free(l);
    free(line);
    /* The error far along a long line: 80 columns before it are shown. */
    line = xasprintf("expect failure contains \"%0300d\" x", 9);
    l = with_line(line);
    text = l->diags[0].text;
    nl = strchr(text, '\n');
    assert_int_equal(l->diags[0].col, 24 + 302 + 2);
    assert_memory_equal(text, "...", 3);
    assert_string_equal(nl + 1, "                                                                                   ^");
    lesson_free(l);
    free(line);
}

static void test_every_error_reported(void **state)
{
    (void)state;
    lesson_t *l = parse(HEAD "configure wrokers=3 kind=slep\nstrat\nexpect results === 1\n");
    assert_int_equal(l->n_diags, 4);
    assert_int_equal(l->diags[0].line, 8);
    assert_int_equal(l->diags[1].line, 8);
    assert_int_equal(l->diags[1].col, 26);
    assert_int_equal(l->diags[2].line, 9);
    assert_contains(l->diags[2].message, "(did you mean 'start'?)");
    assert_int_equal(l->diags[3].line, 10);
    lesson_free(l);
}

static void test_too_many_errors(void **state)
{
    (void)state;
    char *text = xasprintf("%s", "");
    for (int i = 0; i < 300; i++) {
        char *next = xasprintf("%sbogus\n", text);
        free(text);
        text = next;
    }
    lesson_t *l = parse(text);
    assert_true(l->too_many_diags);
    assert_int_equal(l->n_diags, 100);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    lesson_print_diags(l, f);
    fclose(f);
    assert_contains(out, "t.lesson:100:1: unknown keyword 'bogus'\n");
    assert_true(strstr(out, "t.lesson:101:") == NULL);
    assert_contains(out, "\nt.lesson: too many errors; the first 100 are shown\n100 errors in t.lesson\n");
    free(out);
    lesson_free(l);
    free(text);
}

static void test_unreadable_file(void **state)
{
    (void)state;
    lesson_t *l = lesson_load("/nonexistent/x.lesson");
    assert_int_equal(l->n_diags, 1);
    assert_contains(l->diags[0].message, "cannot read /nonexistent/x.lesson");
    lesson_free(l);
}

/* ---- large inputs: every one parses in time linear in its size ---- */

/* The printed diagnostics' size, which must not grow with the line. */
static size_t printed_size(const lesson_t *l)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    lesson_print_diags(l, f);
    fclose(f);
    free(out);
    return len;
}

static lesson_t *parse_stream(char **buf, size_t *len, FILE *f)
{
    fclose(f);
    lesson_t *l = lesson_parse("big.lesson", *buf, *len);
    free(*buf);
    return l;
}

static void test_large_inputs(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    /* A 10 MB line of a million errors: a hundred kept, each showing a
     * window of the line, not the line. */
    f = open_memstream(&buf, &len);
    fputs(HEAD "configure", f);
    for (int i = 0; i < 1000000; i++)
        fputs(" wrokers=3", f);
    fputc('\n', f);
    lesson_t *l = parse_stream(&buf, &len, f);
    assert_int_equal(l->n_diags, 100);
    assert_true(l->too_many_diags);
    assert_int_equal(l->diags[99].col, 11 + 99 * 10);
    assert_contains(l->diags[99].text, "...wrokers=3");
    assert_true(printed_size(l) < 100 * 600);
    lesson_free(l);

    /* Narration, summary and why: each joined in one growing text; a
     * mark repeated (each reported, kept once). */
    f = open_memstream(&buf, &len);
    for (int i = 0; i < 200000; i++)
        fputs("summary: s\n", f);
    fputs(HEAD, f);
    for (int i = 0; i < 50000; i++)
        fputs("say: word\n", f);
    for (int i = 0; i < 100000; i++)
        fputs("mark main wait -> recv\n", f);
    fputs("ask: q\nchoice: a\nanswer: b\n", f);
    for (int i = 0; i < 200000; i++)
        fputs("why: w\n", f);
    l = parse_stream(&buf, &len, f);
    assert_int_equal(l->n_diags, 100);
    assert_contains(l->diags[99].message, "main wait is already marked in this step");
    assert_int_equal(l->steps[0].n_marks, 1);
    assert_int_equal(strlen(l->summary), 200001 * 2 - 1); /* and HEAD's */
    assert_int_equal(strlen(l->steps[0].say), 50000 * 5 - 1);
    assert_int_equal(strlen(l->steps[0].actions[0].ask.why), 200000 * 2 - 1);
    lesson_free(l);

    /* 100,000 labels, each named by an expectation, a repeated mark, and
     * names of no label (for which no guess is sought among so many). */
    f = open_memstream(&buf, &len);
    fputs("title: T\nsummary: S\ncode:\n", f);
    for (int i = 0; i < 100000; i++)
        fprintf(f, "x() // @l%d\n", i);
    fputs("end\n", f);
    for (int i = 0; i < 50; i++)
        fputs("mark main wait -> l7\n", f);
    fputs("step 1: a\n", f);
    for (int i = 0; i < 100000; i++)
        fprintf(f, "expect main at l%d\n", 99999 - i);
    for (int i = 0; i < 1000; i++)
        fprintf(f, "expect main at l%dx\n", i);
    l = parse_stream(&buf, &len, f);
    assert_int_equal(l->n_labels, 100000);
    assert_int_equal(l->n_marks, 1);
    assert_int_equal(l->n_diags, 100);
    assert_true(l->too_many_diags);
    assert_string_equal(l->diags[48].message, "main wait is already marked");
    assert_string_equal(l->diags[49].message, "unknown label 'l0x'");
    assert_int_equal(l->steps[0].n_actions, 101000);
    assert_int_equal(l->steps[0].actions[0].cond.a, 99999);
    assert_int_equal(l->labels[99999].line, 99999);
    lesson_free(l);
}

/* Writes len bytes of text to a new temporary file; path gets its name. */
static void temp_file(char path[static 24], const char *text, size_t len)
{
    strcpy(path, "/tmp/test_lesson_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

/* A file past LESSON_MAX_BYTES is one error about the file, not parsed. */
static void test_file_too_large(void **state)
{
    (void)state;
    char path[24];
    char *text = xmalloc(LESSON_MAX_BYTES + 1);
    memset(text, '#', LESSON_MAX_BYTES + 1);
    temp_file(path, text, LESSON_MAX_BYTES + 1);
    lesson_t *l = lesson_load(path);
    assert_int_equal(l->n_diags, 1);
    assert_contains(l->diags[0].message, "larger than 1 MiB");
    /* Exactly at the limit, the comments parse (into the missing parts). */
    assert_int_equal(truncate(path, LESSON_MAX_BYTES), 0);
    lesson_t *fits = lesson_load(path);
    assert_contains(fits->diags[0].message, "no `title:`");
    unlink(path);
    lesson_free(fits);
    lesson_free(l);
    free(text);
}

/* ---- garbage ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_garbage_never_crashes(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "title:", "summary:", "code:\n", "end\n", "step ", "1", ":", "say:", "ask:", "choice:", "answer:",
        "why:", "configure ", "workers=", "duration=uniform:", "..", "expect ", "worker ", " at ", "==",
        "between ", " and ", "\"", "\\", "mark ", "-> ", "// @", "run until ", "run for ", "add-jobs ", "\n",
        "\t", " ", "\r\n", "#", "999999999999999999999", "1.5s", "@", "=", "files", "contains ",
    };
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    char buf[512];
    FILE *devnull = fopen("/dev/null", "w");
    for (int round = 0; round < 3000; round++) {
        size_t len = 0, want = rng_next(&seed) % sizeof buf;
        while (len < want) {
            uint64_t r = rng_next(&seed);
            if (r % 3 == 0) {
                buf[len++] = (char)(r >> 8);
                continue;
            }
            const char *p = pieces[(r >> 8) % (sizeof pieces / sizeof pieces[0])];
            for (size_t k = 0; p[k] && len < want; k++)
                buf[len++] = p[k];
        }
        lesson_t *l = lesson_parse("g.lesson", buf, len);
        lesson_print_diags(l, devnull);
        lesson_free(l);
    }
    fclose(devnull);
}

/* ---- where goroutines are ---- */

static void apply(model_t *m, pevent_kind_t kind, uint16_t actor, int64_t value, int64_t aux, uint8_t wait)
{
    pevent_t ev = { .kind = kind, .actor = actor, .value = value, .aux = aux, .wait = wait };
    model_apply(m, &ev);
}

static void test_line_of(void **state)
{
    (void)state;
    /* The lesson's marks; step 2 has main wait elsewhere (once). */
    lesson_t *l = parse("title: T\nsummary: S\ncode:\nfor j := range jobs { // @recv\n\twg.Wait() // @wait\nend\n"
                        "mark worker idle -> recv\nmark main wait -> wait\nmark main running -> recv\n"
                        "step 1: One\nsay: x\nexpect main at wait\n"
                        "step 2: Two\nmark main wait -> recv\nmark main wait -> wait\nexpect main at recv\n");
    assert_int_equal(l->n_diags, 1);
    assert_int_equal(l->diags[0].line, 15);
    assert_string_equal(l->diags[0].message, "main wait is already marked in this step");
    assert_int_equal(l->n_marks, 3);
    assert_int_equal(l->steps[1].n_marks, 1);
    assert_int_equal(l->steps[0].actions[0].cond.step, 0);
    assert_int_equal(l->steps[1].actions[0].cond.step, 1);
    model_t *m = malloc(sizeof *m);
    model_init(m);
    apply(m, PE_ACTOR, 1, ROLE_WORKER, 1, 0);
    apply(m, PE_ACTOR, 2, ROLE_MAIN, 0, 0);
    apply(m, PE_ACTOR, 3, ROLE_PRODUCER, 0, 0);
    assert_int_equal(lesson_line_of(l, -1, m, 1), 0);
    assert_int_equal(lesson_line_of(l, -1, m, 2), 0);
    assert_int_equal(lesson_line_of(l, -1, m, 3), -1); /* not marked */
    assert_int_equal(lesson_line_of(l, -1, m, 9), -1); /* not known */
    apply(m, PE_BLOCK, 2, 0, 0, PW_WG);
    assert_int_equal(lesson_where(&m->actors[2]), LW_WAIT);
    assert_int_equal(lesson_line_of(l, -1, m, 2), 1);
    assert_int_equal(lesson_line_of(l, 0, m, 2), 1);
    assert_int_equal(lesson_line_of(l, 1, m, 2), 0); /* step 2's own mark */
    assert_int_equal(lesson_line_of(l, 1, m, 1), 0); /* the lesson's, in step 2 too */
    model_done(m);
    free(m);
    lesson_free(l);
}

/* ---- running a lesson ---- */

typedef struct {
    int ok, failed;
    char last[512];
} verdicts_t;

static void on_verdict(void *ud, const lesson_action_t *a, bool ok, const char *detail)
{
    verdicts_t *v = ud;
    (void)a;
    if (ok)
        v->ok++;
    else
        v->failed++;
    if (!ok)
        snprintf(v->last, sizeof v->last, "%s", detail);
}

/* A run as `lesson --check` makes it, its verdicts counted in v. */
static lesson_run_t *checked_run(const lesson_t *l, verdicts_t *v)
{
    lesson_run_opts_t o = { .check = true, .verdict = on_verdict, .verdict_ud = v };
    return lesson_run_new(l, &o);
}

static void test_run_judges(void **state)
{
    (void)state;
    lesson_t *l = parse(HEAD "configure workers=2 jobs=4 duration=100ms worker-form=range\n"
                            "start\n"
                            "run for 150ms\n"
                            "expect results == 2\n"
                            "expect worker 1 state == working\n"
                            "run until finished\n"
                            "expect makespan between 190ms and 210ms\n"
                            "expect results == 5\n"
                            "step 2: Refused\n"
                            "cancel\n");
    lesson_print_diags(l, stderr);
    assert_int_equal(l->n_diags, 0);
    verdicts_t v = { 0 };
    lesson_run_t *r = checked_run(l, &v);
    assert_int_equal(lesson_run_step(r, 0), 1);
    assert_int_equal(v.ok, 3);
    assert_string_equal(v.last, "expected results == 5, got 4");
    assert_non_null(lesson_run_pool(r));
    assert_int_equal(lesson_run_step(r, 1), 1);
    assert_string_equal(v.last, "cancel: nothing to cancel: range-form workers have no context");
    lesson_run_free(r);
    lesson_free(l);
}

/* A refused control on a run the learner set going again is reported at
 * once, with the pool's reason, while the run goes on (it has hours left). */
static void test_refusal_on_a_moving_run(void **state)
{
    (void)state;
    lesson_t *l = parse(HEAD "configure workers=2 jobs=1000 duration=1h worker-form=range\n"
                            "start\n"
                            "run for 150ms\n"
                            "step 2: Refused\n"
                            "cancel\n");
    assert_int_equal(l->n_diags, 0);
    verdicts_t v = { 0 };
    lesson_run_t *r = checked_run(l, &v);
    assert_int_equal(lesson_run_step(r, 0), 0);
    pool_t *pool = lesson_run_pool(r);
    pool_resume(pool); /* as the space key would */
    assert_int_equal(lesson_run_step(r, 1), 1);
    assert_string_equal(v.last, "cancel: nothing to cancel: range-form workers have no context");
    pool_lock(pool);
    assert_false(pool_model(pool)->ended);
    pool_unlock(pool);
    lesson_run_free(r);
    lesson_free(l);
}

/* `P% of step N` judges a run against an earlier step's; workers=cores
 * starts one worker per core (pretended here). */
static void test_compare_with_step(void **state)
{
    (void)state;
    lesson_set_cores(4);
    lesson_t *l = parse(HEAD "configure workers=2 jobs=4 duration=100ms worker-form=range\n"
                            "start\nrun until finished\n"
                            "step 2: One per core\n"
                            "configure workers=cores\nstart\nrun for 50ms\nexpect workers == 4\n"
                            "run until makespan >= 50% of step 1\n"
                            "expect makespan <= 55% of step 1\n"
                            "expect makespan >= 80% of step 1\n");
    lesson_print_diags(l, stderr);
    assert_int_equal(l->n_diags, 0);
    assert_int_equal(l->steps[1].actions[4].cond.of_step, 1);
    assert_int_equal(l->steps[1].actions[4].cond.a, 50);
    verdicts_t v = { 0 };
    lesson_run_t *r = checked_run(l, &v);
    assert_int_equal(lesson_run_step(r, 0), 0);
    assert_int_equal(lesson_run_step(r, 1), 1);
    assert_int_equal(v.ok, 2);
    assert_string_equal(v.last, "expected makespan >= 80% of step 1 (makespan >= 160ms), got 100ms");
    /* From the start again, step 1 has not run: nothing to compare with. */
    lesson_run_reset(r);
    assert_int_equal(lesson_run_step(r, 1), 3);
    assert_string_equal(v.last, "makespan >= 80% of step 1: step 1 has not run");
    lesson_run_free(r);
    lesson_free(l);
    lesson_set_cores(0);
}

/* `VALUE/cores` bounds: parsed with their flag, judged and shown against
 * the machine's cores (pretended here, so the numbers are known). */
static void test_per_core_bounds(void **state)
{
    (void)state;
    lesson_t *l = parse(HEAD "expect elapsed >= 400ms/cores\n"
                            "expect results between 2/cores and 8\n"
                            "expect elapsed between 300ms/cores and 100ms\n");
    lesson_print_diags(l, stderr);
    assert_int_equal(l->n_diags, 0);
    const lesson_cond_t *ge = &l->steps[0].actions[0].cond, *between = &l->steps[0].actions[1].cond;
    assert_true(ge->a_per_core);
    assert_int_equal(ge->a, 400000000);
    assert_true(between->a_per_core);
    assert_false(between->b_per_core);
    model_t *m = xmalloc(sizeof *m);
    model_init(m);
    m->now = 150000000;
    m->results_collected = 1;
    char got[64], text[128];
    lesson_set_cores(4); /* 400ms/cores is 100ms: 150ms is enough */
    assert_true(lesson_cond_holds(l, ge, NULL, m, 0, got, sizeof got));
    assert_string_equal(got, "150ms");
    lesson_cond_text(l, ge, text, sizeof text);
    assert_string_equal(text, "elapsed >= 400ms/cores (100ms on 4 cores)");
    assert_true(lesson_cond_holds(l, between, NULL, m, 0, got, sizeof got)); /* 2/4 rounds down to 0 */
    lesson_cond_text(l, between, text, sizeof text);
    assert_string_equal(text, "results between 2/cores (0 on 4 cores) and 8");
    lesson_set_cores(2); /* 200ms now: not enough */
    assert_false(lesson_cond_holds(l, ge, NULL, m, 0, got, sizeof got));
    lesson_set_cores(1);
    lesson_cond_text(l, ge, text, sizeof text);
    assert_string_equal(text, "elapsed >= 400ms/cores (400ms on 1 core)");
    assert_false(lesson_cond_holds(l, between, NULL, m, 0, got, sizeof got)); /* 2 > 1 result */
    lesson_set_cores(0);
    assert_true(lesson_cores() >= 1);
    model_done(m);
    free(m);
    lesson_free(l);
}

/* What the pause callback saw. */
typedef struct {
    lesson_run_t *r;
    int calls, line;
    bool paused;
    int64_t now;
} pauses_t;

static void on_pause(void *ud, const lesson_action_t *a)
{
    pauses_t *p = ud;
    p->calls++;
    p->line = a->line;
    pool_t *pool = lesson_run_pool(p->r);
    p->paused = pool && pool_paused(pool);
    p->now = pool ? pool_now(pool) : -1;
}

/* `pause` hands the caller a paused run, even one the learner set going
 * again, and the step goes on after it; without a callback it does nothing. */
static void test_run_pause(void **state)
{
    (void)state;
    lesson_t *l = parse(HEAD "configure workers=1 jobs=2 duration=100ms worker-form=range\n"
                            "start\n"
                            "run for 150ms\n"
                            "step 2: Paused\n"
                            "pause\n"
                            "run until finished\n"
                            "expect results == 2\n");
    assert_int_equal(l->n_diags, 0);
    for (int with = 0; with < 2; with++) {
        verdicts_t v = { 0 };
        pauses_t p = { 0 };
        lesson_run_opts_t o = { .check = false, .verdict = on_verdict, .verdict_ud = &v };
        if (with) {
            o.pause = on_pause;
            o.pause_ud = &p;
        }
        lesson_run_t *r = p.r = lesson_run_new(l, &o);
        assert_int_equal(lesson_run_step(r, 0), 0);
        /* As the space key would: the run moves again before the pause. */
        pool_resume(lesson_run_pool(r));
        assert_int_equal(lesson_run_step(r, 1), 0);
        assert_int_equal(v.ok, 1);
        assert_int_equal(p.calls, with);
        if (with) {
            assert_int_equal(p.line, HEAD_LINES + 5);
            assert_true(p.paused);
            assert_true(p.now >= 150000000 && p.now < 200000000);
        }
        lesson_run_free(r);
    }
    lesson_free(l);
}

/* The check command's report, on a file. */
static void test_check_file(void **state)
{
    (void)state;
    char path[24];
    static const char text[] = HEAD "configure jobs=3 duration=10ms\nstart\nrun until finished\nexpect results == 3\n"
                                    "step 2: Wrong\nexpect results == 4\n";
    temp_file(path, text, sizeof text - 1);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    lesson_check_opts_t o = { .out = f };
    int passed = 0, failed = 0;
    lesson_check_file(path, &o, &passed, &failed);
    fclose(f);
    unlink(path);
    assert_int_equal(passed, 1);
    assert_int_equal(failed, 1);
    assert_contains(out, "step 1: ok (One)");
    assert_contains(out, "step 2: FAIL: expected results == 4, got 3");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_keyword),
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_each_diagnostic),
        cmocka_unit_test(test_structure_diagnostics),
        cmocka_unit_test(test_caret),
        cmocka_unit_test(test_control_bytes_escaped),
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_caret_after_utf8),
        cmocka_unit_test(test_long_line_window),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_too_many_errors),
        cmocka_unit_test(test_unreadable_file),
        cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_large_inputs),
        cmocka_unit_test(test_file_too_large),
        cmocka_unit_test(test_line_of),
        cmocka_unit_test(test_per_core_bounds),
        cmocka_unit_test(test_run_judges),
        cmocka_unit_test(test_refusal_on_a_moving_run),
        cmocka_unit_test(test_compare_with_step),
        cmocka_unit_test(test_run_pause),
        cmocka_unit_test(test_check_file),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
