/* test_tui.c - the live view's drawing, off screen. Each case tells a run as
 * the engine would emit it (a small deterministic simulation of the Go
 * worker pool: the producer fills the jobs channel, workers take jobs in
 * index order, results go to main), folds it into a model and a timeline,
 * renders the whole screen into a curses pad of a given size, and compares
 * the text with a golden file in tests/golden/ (ASCII glyphs, so the files
 * read anywhere). POOLVIZ_UPDATE_GOLDEN=1 rewrites the files instead.
 *
 * Also: the layout's arithmetic, the timeline's spans, the log's wording,
 * and the replay player's clock. */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "testutil.h"

#include "engine/pevent.h"
#include "model/model.h"
#include "tui/checkpoint.h"
#include "tui/draw.h"
#include "tui/evlog.h"
#include "tui/layout.h"
#include "tui/lesson_view.h"
#include "tui/menu.h"
#include "lesson/lesson.h"
#include "tui/player.h"
#include "tui/timeline.h"
#include "views/text.h"

/* ---- a simulated run ---- */

enum { MAIN = 1, PRODUCER = 2, W0 = 3 }; /* worker k is actor W0 + k - 1 */
enum { JOBS = 1, RESULTS, WG, CTX };
enum { MAX_SIM_WORKERS = 256 };

typedef struct {
    int workers;
    int64_t jobs, jobs_cap, results_cap;
    int64_t stop;         /* virtual ns at which the picture is taken */
    bool varied;          /* durations of 0.5 to 1.5 s instead of 1 s */
    bool wait_before_drain; /* main waits on the WaitGroup first: a deadlock */
} sim_cfg_t;

typedef struct {
    sim_cfg_t c;
    model_t m;
    timeline_t tl;
    evlog_t log;
    int64_t t;
    uint64_t seq;
    int64_t next_job, queued, in_results, wg;
    int64_t queue[4096];
    size_t qhead;
    bool producer_blocked, closed;
    int64_t busy_until[MAX_SIM_WORKERS + 1], job[MAX_SIM_WORKERS + 1];
    bool waiting[MAX_SIM_WORKERS + 1], blocked_send[MAX_SIM_WORKERS + 1], gone[MAX_SIM_WORKERS + 1];
    const char *failure;
} sim_t;

static void emit(sim_t *s, pevent_t ev)
{
    ev.seq = s->seq++;
    ev.virt_ns = s->t;
    ev.real_ns = (uint64_t)s->t;
    model_apply(&s->m, &ev);
    timeline_apply(&s->tl, &ev);
    evlog_add(&s->log, &ev, &s->m);
}

static int64_t duration(const sim_t *s, int64_t job)
{
    return s->c.varied ? 500 * MS + (job * 7 % 11) * 100 * MS : SEC;
}

static uint16_t worker_actor(int k) { return (uint16_t)(W0 + k - 1); }

/* The producer sends what fits, then blocks or closes. */
static void produce(sim_t *s)
{
    while (s->next_job <= s->c.jobs && s->queued < s->c.jobs_cap) {
        int64_t j = s->next_job++;
        s->queue[(s->qhead + (size_t)s->queued++) % 4096] = j;
        s->producer_blocked = false;
        emit(s, (pevent_t){.kind = PE_SEND, .actor = PRODUCER, .obj = JOBS, .job = j, .aux = duration(s, j)});
    }
    if (s->next_job <= s->c.jobs && !s->producer_blocked) {
        s->producer_blocked = true;
        emit(s, (pevent_t){.kind = PE_BLOCK, .actor = PRODUCER, .obj = JOBS, .wait = PW_SELECT});
    } else if (s->next_job > s->c.jobs && !s->closed) {
        s->closed = true;
        emit(s, (pevent_t){.kind = PE_CLOSE, .actor = PRODUCER, .obj = JOBS});
        emit(s, (pevent_t){.kind = PE_GOR_EXIT, .actor = PRODUCER});
    }
}

static void take_job(sim_t *s, int k)
{
    uint16_t a = worker_actor(k);
    if (s->queued > 0) {
        int64_t j = s->queue[s->qhead];
        s->qhead = (s->qhead + 1) % 4096;
        s->queued--;
        s->waiting[k] = false;
        emit(s, (pevent_t){.kind = PE_RECV, .actor = a, .obj = JOBS, .job = j, .aux = duration(s, j), .ok = 1});
        produce(s);
        emit(s, (pevent_t){.kind = PE_JOB_START, .actor = a, .job = j, .aux = duration(s, j)});
        s->job[k] = j;
        s->busy_until[k] = s->t + duration(s, j);
    } else if (s->closed) {
        s->gone[k] = true;
        emit(s, (pevent_t){.kind = PE_RECV, .actor = a, .obj = JOBS, .ok = 0});
        emit(s, (pevent_t){.kind = PE_WG_ADD, .actor = a, .obj = WG, .value = --s->wg, .aux = -1});
        emit(s, (pevent_t){.kind = PE_GOR_EXIT, .actor = a});
    } else if (!s->waiting[k]) {
        s->waiting[k] = true;
        emit(s, (pevent_t){.kind = PE_BLOCK, .actor = a, .obj = JOBS, .wait = PW_SELECT});
    }
}

static void deliver(sim_t *s, int k)
{
    uint16_t a = worker_actor(k);
    int64_t j = s->job[k];
    if (s->c.wait_before_drain && s->in_results >= s->c.results_cap) {
        s->blocked_send[k] = true;
        emit(s, (pevent_t){.kind = PE_BLOCK, .actor = a, .obj = RESULTS, .wait = PW_SELECT});
        return;
    }
    emit(s, (pevent_t){.kind = PE_SEND, .actor = a, .obj = RESULTS, .job = j, .value = 2 * j, .aux = k});
    s->job[k] = 0;
    if (s->c.wait_before_drain) {
        s->in_results++;
        return;
    }
    bool fails = j % 13 == 0;
    emit(s, (pevent_t){.kind = PE_RECV, .actor = MAIN, .obj = RESULTS, .job = j, .value = 2 * j, .aux = k,
                       .ok = 1, .err = fails ? -1 : 0});
}

static void start(sim_t *s)
{
    s->next_job = 1;
    emit(s, (pevent_t){.kind = PE_RUN_START, .job = s->c.jobs, .value = s->c.workers,
                       .aux = (s->c.jobs + s->c.workers - 1) / s->c.workers * SEC});
    emit(s, (pevent_t){.kind = PE_SPEED, .value = 1000});
    emit(s, (pevent_t){.kind = PE_OBJECT, .obj = JOBS, .value = OR_JOBS, .aux = s->c.jobs_cap});
    emit(s, (pevent_t){.kind = PE_OBJECT, .obj = RESULTS, .value = OR_RESULTS, .aux = s->c.results_cap});
    emit(s, (pevent_t){.kind = PE_OBJECT, .obj = WG, .value = OR_WG});
    emit(s, (pevent_t){.kind = PE_OBJECT, .obj = CTX, .value = OR_CTX});
    emit(s, (pevent_t){.kind = PE_ACTOR, .actor = MAIN, .value = ROLE_MAIN});
    emit(s, (pevent_t){.kind = PE_GOR_START, .actor = MAIN});
    for (int k = 1; k <= s->c.workers; k++) {
        emit(s, (pevent_t){.kind = PE_ACTOR, .actor = worker_actor(k), .value = ROLE_WORKER, .aux = k});
        emit(s, (pevent_t){.kind = PE_WG_ADD, .actor = MAIN, .obj = WG, .value = ++s->wg, .aux = 1});
        emit(s, (pevent_t){.kind = PE_GOR_START, .actor = worker_actor(k)});
    }
    emit(s, (pevent_t){.kind = PE_ACTOR, .actor = PRODUCER, .value = ROLE_PRODUCER});
    emit(s, (pevent_t){.kind = PE_GOR_START, .actor = PRODUCER});
    produce(s);
    if (s->c.wait_before_drain)
        emit(s, (pevent_t){.kind = PE_BLOCK, .actor = MAIN, .obj = WG, .wait = PW_WG});
}

static bool all_stuck(const sim_t *s)
{
    for (int k = 1; k <= s->c.workers; k++)
        if (!s->gone[k] && !s->blocked_send[k] && !(s->waiting[k] && !s->closed && s->queued == 0))
            return false;
    return true;
}

static void deadlock(sim_t *s)
{
    s->failure = "fatal error: all goroutines are asleep - deadlock!\n\n"
                 "goroutine 1 [sync.WaitGroup.Wait]: main\n"
                 "goroutine 2 [select (results)]: worker 1\n"
                 "goroutine 3 [select (results)]: worker 2\n"
                 "goroutine 4 [select (results)]: worker 3";
    emit(s, (pevent_t){.kind = PE_DEADLOCK});
    /* Then the runtime unwinds, as the engine's does, 30 ms later: every
     * parked goroutine is aborted, calls wg.Done() and exits. */
    s->t += 30 * MS;
    for (int k = 1; k <= s->c.workers; k++) {
        uint16_t a = worker_actor(k);
        emit(s, (pevent_t){.kind = PE_ABORT, .actor = a, .obj = RESULTS});
        emit(s, (pevent_t){.kind = PE_WG_ADD, .actor = a, .obj = WG, .value = --s->wg, .aux = -1});
        emit(s, (pevent_t){.kind = PE_GOR_EXIT, .actor = a});
    }
    emit(s, (pevent_t){.kind = PE_ABORT, .actor = MAIN, .obj = WG});
    emit(s, (pevent_t){.kind = PE_GOR_EXIT, .actor = MAIN});
    emit(s, (pevent_t){.kind = PE_RUN_END, .err = OUTCOME_DEADLOCK});
}

static sim_t *sim_run(sim_cfg_t c)
{
    sim_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    assert_true(c.workers <= MAX_SIM_WORKERS && c.jobs_cap <= 4096);
    s->c = c;
    model_init(&s->m);
    timeline_init(&s->tl);
    evlog_reset(&s->log);
    start(s);
    for (;;) {
        for (int k = 1; k <= c.workers; k++)
            if (!s->gone[k] && !s->job[k])
                take_job(s, k);
        if (c.wait_before_drain && all_stuck(s)) {
            deadlock(s);
            break;
        }
        int64_t next = INT64_MAX;
        for (int k = 1; k <= c.workers; k++)
            if (s->job[k] && !s->blocked_send[k] && s->busy_until[k] < next)
                next = s->busy_until[k];
        if (next == INT64_MAX || next > c.stop)
            break;
        s->t = next;
        for (int k = 1; k <= c.workers; k++) {
            if (!s->job[k] || s->blocked_send[k] || s->busy_until[k] != next)
                continue;
            emit(s, (pevent_t){.kind = PE_JOB_FINISH, .actor = worker_actor(k), .job = s->job[k],
                               .value = 2 * s->job[k]});
            deliver(s, k);
        }
    }
    if (!s->m.ended)
        s->t = c.stop;
    return s;
}

static void sim_free(sim_t *s)
{
    model_done(&s->m);
    timeline_done(&s->tl);
    free(s);
}

/* ---- rendering and golden files ---- */

static SCREEN *screen;

static int curses_up(void **state)
{
    testutil_setup(state);
    /* A UTF-8 locale, if there is one, before curses starts: the UTF-8 case
     * needs it, and ASCII reads the same either way. */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
    /* No terminal: curses writes to /dev/null; pads are drawn and read back. */
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    assert_non_null(out);
    assert_non_null(in);
    screen = newterm("vt100", out, in);
    if (!screen)
        screen = newterm("dumb", out, in);
    assert_non_null(screen);
    return 0;
}

static int curses_down(void **state)
{
    endwin();
    delscreen(screen);
    return testutil_teardown(state);
}

/* The screen's text, one line per row, trailing blanks dropped; ls: the
 * lesson screen instead. */
static char *render_screen(const view_t *v, const lesson_state_t *ls, int rows, int cols)
{
    WINDOW *pad = newpad(rows, cols);
    assert_non_null(pad);
    if (ls)
        lesson_screen_draw(pad, v, ls, rows, cols);
    else
        screen_draw(pad, v, rows, cols);
    size_t cap = (size_t)rows * ((size_t)cols * 4 + 1) + 1, len = 0;
    char *text = calloc(1, cap);
    assert_non_null(text);
    for (int y = 0; y < rows; y++) {
        char line[1024];
        if (v->theme->utf8) {
            /* Wide-character cells, back to UTF-8. */
            size_t n = 0;
            for (int x = 0; x < cols; x++) {
                cchar_t cc;
                wchar_t wc[CCHARW_MAX + 1];
                attr_t a;
                short pair;
                mvwin_wch(pad, y, x, &cc);
                getcchar(&cc, wc, &a, &pair, NULL);
                char mb[MB_LEN_MAX];
                mbstate_t st = {0};
                size_t k = wcrtomb(mb, wc[0] ? wc[0] : L' ', &st);
                if (k != (size_t)-1 && n + k < sizeof line) {
                    memcpy(line + n, mb, k);
                    n += k;
                }
            }
            line[n] = '\0';
        } else {
            mvwinnstr(pad, y, 0, line, cols);
        }
        size_t n = strlen(line);
        while (n > 0 && line[n - 1] == ' ')
            n--;
        memcpy(text + len, line, n);
        len += n;
        text[len++] = '\n';
    }
    delwin(pad);
    return text;
}

static char *render(const view_t *v, int rows, int cols) { return render_screen(v, NULL, rows, cols); }

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (len + 2 > cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        buf[len++] = (char)c;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[len] = '\0';
    return buf;
}

static void check_golden(const char *name, const char *text)
{
    const char *srcdir = getenv("srcdir");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/%s.txt", srcdir ? srcdir : ".", name);
    if (getenv("POOLVIZ_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        return;
    }
    char *want = slurp(path);
    if (!want)
        fail_msg("missing golden file %s (POOLVIZ_UPDATE_GOLDEN=1 writes it)", path);
    if (strcmp(want, text) != 0) {
        print_error("--- want %s\n%s--- got\n%s", path, want, text);
        free(want);
        fail_msg("screen differs from %s", path);
    }
    free(want);
}

static view_t view_of(const sim_t *s, const theme_t *t)
{
    return (view_t){.theme = t, .m = &s->m, .tl = &s->tl, .log = &s->log, .now = s->t,
                    .title = "default experiment", .failure = s->failure, .paused = s->m.paused,
                    .speed = s->m.speed};
}

typedef struct {
    const char *title; /* instead of the short one */
    bool utf8, help;
    bool replay; /* a paused replay at 2x: its own clock, no keys that change the run */
    const lesson_state_t *lesson; /* the lesson screen */
} look_t;

/* Renders cfg's run at rows x cols and compares it with tests/golden/name.txt. */
/* The text of cfg's run at rows x cols, with that look (free() it). */
static char *render_look(sim_cfg_t c, int rows, int cols, look_t look)
{
    sim_t *s = sim_run(c);
    theme_t t;
    theme_plain(&t, look.utf8);
    view_t v = view_of(s, &t);
    v.help = look.help;
    if (look.title)
        v.title = look.title;
    if (look.replay) {
        v.source = VIEW_REPLAY;
        v.title = "replay of run.jsonl";
        v.paused = true;
        v.speed = 2;
    }
    if (look.lesson) {
        v.lesson = true;
        v.title = look.lesson->l->title;
    }
    char *text = render_screen(&v, look.lesson, rows, cols);
    sim_free(s);
    return text;
}

static void golden_look(sim_cfg_t c, int rows, int cols, look_t look, const char *name)
{
    char *text = render_look(c, rows, cols, look);
    check_golden(name, text);
    free(text);
}

static void golden_case(sim_cfg_t c, int rows, int cols, const char *name)
{
    golden_look(c, rows, cols, (look_t){0}, name);
}

static const sim_cfg_t one = {.workers = 1, .jobs = 3, .jobs_cap = 100, .results_cap = 100, .stop = 1500 * MS};
static const sim_cfg_t three = {.workers = 3, .jobs = 9, .jobs_cap = 100, .results_cap = 100, .stop = 1400 * MS};
static const sim_cfg_t sixteen = {
    .workers = 16, .jobs = 60, .jobs_cap = 8, .results_cap = 16, .stop = 2300 * MS, .varied = true};
static const sim_cfg_t many = {
    .workers = 200, .jobs = 500, .jobs_cap = 50, .results_cap = 50, .stop = 1700 * MS, .varied = true};

#define SIZES(cfg, tag)                                                                                               \
    static void test_##tag##_80x24(void **state)                                                                      \
    {                                                                                                                 \
        (void)state;                                                                                                  \
        golden_case(cfg, 24, 80, #tag "_80x24");                                                                      \
    }                                                                                                                 \
    static void test_##tag##_120x40(void **state)                                                                     \
    {                                                                                                                 \
        (void)state;                                                                                                  \
        golden_case(cfg, 40, 120, #tag "_120x40");                                                                    \
    }                                                                                                                 \
    static void test_##tag##_200x60(void **state)                                                                     \
    {                                                                                                                 \
        (void)state;                                                                                                  \
        golden_case(cfg, 60, 200, #tag "_200x60");                                                                    \
    }

SIZES(one, w1)
SIZES(three, w3)
SIZES(sixteen, w16)
SIZES(many, w200)

static const sim_cfg_t stuck_three = {.workers = 3, .jobs = 9, .jobs_cap = 100, .results_cap = 2, .stop = 60 * SEC,
                                      .wait_before_drain = true};

static void test_deadlock_80x24(void **state)
{
    (void)state;
    golden_case(stuck_three, 24, 80, "deadlock_80x24");
}

/* After the deadlock the view stays at that moment: the unwinding that
 * follows (aborts, wg.Done(), exits) is neither in the panes, nor in the
 * log, nor on the clock. */
static void test_deadlock_frozen(void **state)
{
    (void)state;
    sim_t *s = sim_run(stuck_three);
    theme_t t;
    theme_plain(&t, false);
    view_t v = view_of(s, &t);
    v.hide_failure = true;
    char *text = render(&v, 40, 120);
    assert_contains(text, "# deadlock   t 2.00 s");
    assert_contains(text, "WaitGroup 3, Wait() blocked");
    assert_contains(text, "worker 3  stuck on results");
    assert_null(strstr(text, "exited"));
    assert_null(strstr(text, "counter 2"));
    assert_null(strstr(text, "aborted"));
    free(text);
    sim_free(s);
}

static void test_too_small(void **state)
{
    (void)state;
    golden_case(three, 20, 60, "small_60x20");
    /* Narrower than the message: short lines, each whole. */
    sim_t *s = sim_run(three);
    theme_t t;
    theme_plain(&t, false);
    view_t v = view_of(s, &t);
    char *text = render(&v, 5, 30);
    assert_string_equal(text, "     poolviz needs 80x24\n"
                              "        (this is 30x5)\n"
                              "        make it larger\n"
                              "          or press q\n"
                              "\n");
    free(text);
    sim_free(s);
}

static void test_help_overlay(void **state)
{
    (void)state;
    golden_look(three, 24, 80, (look_t){.help = true}, "help_80x24");
}

/* The UTF-8 glyphs, read back as wide characters. */
static void test_utf8(void **state)
{
    (void)state;
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        skip();
    golden_look(three, 24, 80, (look_t){.utf8 = true}, "w3_utf8_80x24");
}

/* The three-worker run at 80x24, rewound to pos of len (title NULL: the
 * short one). */
static char *render_rewound(const char *title, size_t pos, size_t len)
{
    sim_t *s = sim_run(three);
    theme_t t;
    theme_plain(&t, false);
    view_t v = view_of(s, &t);
    if (title)
        v.title = title;
    v.rewinding = true;
    v.rewind_pos = pos;
    v.rewind_len = len;
    char *text = render(&v, 24, 80);
    sim_free(s);
    return text;
}

/* The timeline of a view in the past after every event is the live one;
 * a few events earlier, the spans those events opened are not there. */
static void test_past_timeline(void **state)
{
    (void)state;
    sim_t *s = sim_run(three);
    theme_t t;
    theme_plain(&t, false);
    view_t v = view_of(s, &t);
    char *live = render(&v, 24, 80);
    v.past = true;
    v.past_events = s->tl.events;
    char *past = render(&v, 24, 80);
    assert_string_equal(past, live);
    free(past);
    const tl_span_t *job6 = timeline_span(&s->tl, 5);
    v.past_events = job6->opened_at;
    past = render(&v, 24, 80);
    assert_contains(live, " w3  3===================6");
    assert_null(strstr(past, "6==="));
    free(past);
    free(live);
    sim_free(s);
}

/* A rewound view: read-only, says where in the history it is. */
static void test_rewind_title(void **state)
{
    (void)state;
    char *text = render_rewound(NULL, 12, 80);
    assert_contains(text, "< rewind 12/80");
    assert_contains(text, "<-/-> move through history");
    /* The help line's right end says q quit; the rewind text does not again. */
    const char *q = strstr(text, "q quit");
    assert_non_null(q);
    assert_null(strstr(q + 1, "q quit"));
    free(text);
}

/* The title `poolviz play` gives the default experiment: at 80 columns it
 * gives way, so the state, clock and speed always show whole. */
static const char default_title[] = "default experiment: 3 workers, 9 jobs of 1 s";

static void test_default_title(void **state)
{
    (void)state;
    golden_look(three, 24, 80, (look_t){.title = default_title}, "default_title_80x24");
    /* Rewinding a long history needs more of the line: still all there. */
    char *text = render_rewound(default_title, 999999, 1000000);
    assert_contains(text, "< rewind 999999/1000000   t 1.40 s   speed 1x\n");
    assert_contains(text, " poolviz  default experiment: 3~  < rewind");
    free(text);
}

/* Text that does not fit is cut at a word, with an ellipsis. */
static void test_elide(void **state)
{
    (void)state;
    theme_t t;
    theme_plain(&t, true);
    WINDOW *pad = newpad(1, 40);
    assert_non_null(pad);
    char line[96];
    static const struct {
        int width;
        const char *text, *want;
    } cases[] = {
        {40, "collected 260 of 500, 18 failed", "collected 260 of 500, 18 failed"},
        {30, "collected 260 of 500, 18 failed", "collected 260 of 500, 18~"},
        {24, "collected 260 of 500, 18 failed", "collected 260 of 500~"},
        {8, "unbreakable-word", "unbreak~"},
    };
    theme_plain(&t, false);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        werase(pad);
        int n = put_fit(pad, 0, 0, cases[i].width, A_NORMAL, cases[i].text, &t);
        mvwinnstr(pad, 0, 0, line, 40);
        size_t len = strlen(line);
        while (len > 0 && line[len - 1] == ' ')
            line[--len] = '\0';
        assert_string_equal(line, cases[i].want);
        assert_int_equal(n, (int)strlen(cases[i].want));
    }
    delwin(pad);
    /* The menu's lines too, at its narrowest. */
    menu_item_t items[] = {{"01-long", "a lesson whose title is far too long for the menu at eighty columns", false},
                           {"free play", "3 workers, 9 one-second jobs; every key works", false}};
    WINDOW *menu = newpad(24, 80);
    assert_non_null(menu);
    draw_menu(menu, &t, items, 2, 0, NULL, 24, 80);
    mvwinnstr(menu, 5, 0, line, 80);
    assert_contains(line, "far too long for the menu at~");
    mvwinnstr(menu, 6, 0, line, 80);
    assert_contains(line, "9 one-second jobs; every key works");
    delwin(menu);
}

/* A replay: its own clock and speed, and no keys that change the run. */
static void test_replay_screen(void **state)
{
    (void)state;
    golden_look(three, 24, 80, (look_t){.replay = true}, "replay_80x24");
    /* Its help lists no key that changes a run, and says why. */
    char *help = render_look(three, 24, 80, (look_t){.replay = true, .help = true});
    assert_contains(help, "a recording cannot change");
    assert_null(strstr(help, "add a worker"));
    free(help);
}

/* Retiring the last worker leaves the ideal makespan, and so the
 * timeline's scale, as they were; the status says no worker is left. */
static void test_no_workers_left(void **state)
{
    (void)state;
    sim_t *s = sim_run(one);
    theme_t t;
    theme_plain(&t, false);
    view_t v = view_of(s, &t);
    char *before = render(&v, 24, 80);
    assert_contains(before, "ideal 3.00 s");
    emit(s, (pevent_t){.kind = PE_PLAN, .job = 3, .value = 0, .aux = 0});
    assert_int_equal(s->m.ideal_makespan, 3 * SEC);
    char *after = render(&v, 24, 80);
    assert_contains(after, "elapsed 1.50 s, no workers");
    assert_null(strstr(after, "ideal 0"));
    /* The same scale: the timeline's heading and axis are unchanged. */
    const char *tl_before = strstr(before, "-- timeline"), *tl_after = strstr(after, "-- timeline");
    assert_non_null(tl_before);
    assert_non_null(tl_after);
    const char *log_before = strstr(tl_before, "-- events");
    assert_non_null(log_before);
    assert_memory_equal(tl_before, tl_after, (size_t)(log_before - tl_before));
    free(before);
    free(after);
    sim_free(s);
}

/* ---- scrolling ---- */

/* The workers in the grid of a screen, by the "w12" of each cell, marked in
 * seen[]; returns how many cells. */
static int grid_workers(const char *text, rect_t r, bool *seen, int max)
{
    int cells = 0, row = 0;
    for (const char *line = text; *line; row++) {
        const char *nl = strchr(line, '\n');
        if (row > r.y && row < r.y + r.h - 1) {
            for (const char *p = line; p < line + r.w && p < nl; p++) {
                int k;
                if ((p == line || p[-1] == ' ') && sscanf(p, "w%d", &k) == 1 && k >= 1 && k <= max) {
                    assert_false(seen[k]); /* never twice on a page */
                    seen[k] = true;
                    cells++;
                }
            }
        }
        line = nl + 1;
    }
    return cells;
}

/* Paging by what is shown reaches every worker, each once a page, and the
 * last page is full; the offset never runs past it. */
static void test_worker_pages(void **state)
{
    (void)state;
    sim_t *s = sim_run(many);
    theme_t t;
    theme_plain(&t, false);
    view_t v = view_of(s, &t);
    layout_t l;
    layout_compute(&l, 24, 80, 200);
    int page = workers_per_page(l.workers, 200);
    assert_int_equal(page, 18);
    bool ever[201] = {false};
    for (int first = 0;; first += page) {
        v.worker_scroll = first;
        char *text = render(&v, 24, 80);
        bool seen[201] = {false};
        assert_int_equal(grid_workers(text, l.workers, seen, 200), page);
        int from = workers_first_shown(l.workers, 200, first);
        for (int k = 1; k <= 200; k++) {
            assert_int_equal(seen[k], k > from && k <= from + page);
            ever[k] |= seen[k];
        }
        free(text);
        if (from != first)
            break; /* the last page */
    }
    for (int k = 1; k <= 200; k++)
        assert_true(ever[k]);
    assert_int_equal(workers_first_shown(l.workers, 200, 100000), 200 - page);
    v.worker_scroll = 100000;
    char *text = render(&v, 24, 80);
    assert_contains(text, "workers 183-200 of 200");
    free(text);
    sim_free(s);
}

/* The timeline's lanes scroll with the workers: 16 workers at 80x24 have
 * two lanes, and every lane can be brought into view. */
static void test_lane_scroll(void **state)
{
    (void)state;
    sim_t *s = sim_run(sixteen);
    theme_t t;
    theme_plain(&t, false);
    view_t v = view_of(s, &t);
    v.worker_scroll = 2;
    char *text = render(&v, 24, 80);
    assert_contains(text, "lanes 3-4 of 16");
    assert_contains(text, "\n w3 ");
    assert_contains(text, "\n w4 ");
    assert_null(strstr(text, "\n w1 "));
    free(text);
    v.worker_scroll = 99;
    text = render(&v, 24, 80);
    assert_contains(text, "lanes 15-16 of 16");
    free(text);
    sim_free(s);
}

/* ---- checkpoints ---- */

/* A long run: one worker, job after job, each started and finished. */
static pevent_t *long_run(size_t n)
{
    pevent_t *ev = calloc(n, sizeof *ev);
    assert_non_null(ev);
    ev[0] = (pevent_t){.kind = PE_RUN_START, .job = (int64_t)n, .value = 1, .aux = SEC};
    ev[1] = (pevent_t){.kind = PE_ACTOR, .actor = W0, .value = ROLE_WORKER, .aux = 1};
    for (size_t i = 2; i < n; i++) {
        int64_t job = (int64_t)i / 2;
        ev[i] = (pevent_t){.kind = i % 2 ? PE_JOB_FINISH : PE_JOB_START, .actor = W0, .job = job,
                           .value = 2 * job, .virt_ns = (int64_t)i * MS};
        ev[i].seq = i;
    }
    return ev;
}

static const pevent_t *long_run_at(void *ud, size_t i) { return &((const pevent_t *)ud)[i]; }

/* The model after k events, through checkpoints, is the model a fold of
 * the first k events gives; and it never costs more than CKPT_EVERY folds,
 * going back one event at a time from the end or jumping anywhere. */
static void test_checkpoints(void **state)
{
    (void)state;
    enum { N = 5 * CKPT_EVERY + 123 };
    pevent_t *ev = long_run(N);
    checkpoints_t *c = malloc(sizeof *c);
    model_t *empty = malloc(sizeof *empty), *view = malloc(sizeof *view), *want = malloc(sizeof *want);
    assert_true(c && empty && view && want);
    checkpoints_init(c);
    model_init(empty);
    model_init(view);
    model_init(want);
    for (size_t i = 0; i < N; i++)
        checkpoints_feed(c, &ev[i]);
    assert_int_equal(c->len, 5);
    history_t h = {.base = empty, .len = N, .at = long_run_at, .ud = ev};
    static const uint64_t ats[] = {N, N - 1, N - 2, 3 * CKPT_EVERY, 3 * CKPT_EVERY - 1, 7, 0, CKPT_EVERY + 1, N + 9};
    for (size_t i = 0; i < sizeof ats / sizeof ats[0]; i++) {
        uint64_t at = ats[i] > N ? N : ats[i];
        if (i == 0)
            model_copy(view, &c->fold); /* the present, as the view shows it */
        size_t folded = checkpoints_model_at(c, view, ats[i], &h);
        assert_true(folded <= CKPT_EVERY);
        model_copy(want, empty);
        for (uint64_t k = 0; k < at; k++)
            model_apply(want, &ev[k]);
        assert_int_equal(view->events, at);
        assert_int_equal(view->now, want->now);
        assert_int_equal(view->actors[W0].jobs_done, want->actors[W0].jobs_done);
        assert_int_equal(view->actors[W0].state, want->actors[W0].state);
        assert_int_equal(view->actors[W0].job, want->actors[W0].job);
    }
    /* A history that dropped its first events: nothing before its base. */
    model_copy(want, empty);
    for (size_t k = 0; k < 2 * CKPT_EVERY + 5; k++)
        model_apply(want, &ev[k]);
    history_t trimmed = {.base = want, .len = N - (2 * CKPT_EVERY + 5), .at = long_run_at, .ud = ev + 2 * CKPT_EVERY + 5};
    checkpoints_model_at(c, view, CKPT_EVERY, &trimmed);
    assert_int_equal(view->events, 2 * CKPT_EVERY + 5);
    model_done(empty);
    model_done(view);
    model_done(want);
    checkpoints_done(c);
    free(empty);
    free(view);
    free(want);
    free(c);
    free(ev);
}

/* ---- the replay player ---- */

/* A small recording: worker 1 does job 1 from 1 s to 3 s. */
static player_t *recording(void)
{
    static const pevent_t evs[] = {
        {.kind = PE_RUN_START, .job = 1, .value = 1, .aux = 2 * SEC},
        {.kind = PE_ACTOR, .actor = 3, .value = ROLE_WORKER, .aux = 1},
        {.kind = PE_GOR_START, .actor = 3, .virt_ns = 500 * MS},
        {.kind = PE_JOB_START, .actor = 3, .job = 1, .aux = 2 * SEC, .virt_ns = SEC},
        {.kind = PE_JOB_FINISH, .actor = 3, .job = 1, .value = 2, .virt_ns = 3 * SEC},
        {.kind = PE_RUN_END, .virt_ns = 3 * SEC},
    };
    size_t n = sizeof evs / sizeof evs[0];
    pevent_t *copy = malloc(sizeof evs);
    assert_non_null(copy);
    memcpy(copy, evs, sizeof evs);
    for (size_t i = 0; i < n; i++)
        copy[i].seq = i;
    player_t *p = malloc(sizeof *p); /* two models: too big for a test's stack */
    assert_non_null(p);
    player_init(p, copy, n);
    return p;
}

static void player_free(player_t *p)
{
    player_done(p);
    free(p);
}

/* Events are applied when the clock reaches their time, at the speed set. */
static void test_player_clock(void **state)
{
    (void)state;
    player_t *p = recording();
    assert_int_equal(p->pos, 0);
    assert_int_equal(player_advance(p, 0), 2); /* those at the start are due at once */
    assert_int_equal(p->model.events, 2);
    assert_int_equal(player_advance(p, 499 * MS), 0);
    assert_int_equal(player_advance(p, 1 * MS), 1); /* 500 ms: the worker starts */
    assert_int_equal(p->now, 500 * MS);
    player_set_speed(p, 4);
    assert_int_equal(player_advance(p, 125 * MS), 1); /* 4 x 125 ms later: 1 s, the job starts */
    assert_int_equal(p->model.actors[3].state, WS_WORKING);
    assert_false(player_at_end(p));
    assert_int_equal(player_advance(p, 10 * SEC), 2); /* finish and end, both at 3 s */
    assert_true(player_at_end(p));
    assert_true(p->model.ended);
    assert_int_equal(p->now, 3 * SEC); /* the clock stops where the recording ends */
    player_free(p);
}

/* Paused, no time passes and nothing is applied; a step applies exactly one
 * event, even when the next ones are due at the same time. */
static void test_player_pause_step(void **state)
{
    (void)state;
    player_t *p = recording();
    player_pause(p, true);
    assert_int_equal(player_advance(p, 5 * SEC), 0);
    assert_int_equal(p->now, 0);
    assert_int_equal(p->pos, 0);
    assert_int_equal(player_step(p), 1);
    assert_int_equal(p->pos, 1); /* the second event is due too, but waits */
    assert_true(p->paused);
    assert_int_equal(player_advance(p, 5 * SEC), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(player_step(p), 1);
    assert_int_equal(p->pos, 4);
    assert_int_equal(p->now, SEC); /* a step takes the clock to its event */
    assert_int_equal(p->model.actors[3].job, 1);
    player_pause(p, false);
    assert_int_equal(player_advance(p, 2 * SEC), 2);
    assert_int_equal(player_step(p), 0); /* nothing left */
    /* Played again from the start: nothing applied, the clock back, playing. */
    player_pause(p, true);
    player_restart(p);
    assert_int_equal(p->pos, 0);
    assert_int_equal(p->model.events, 0);
    assert_false(p->model.ended);
    assert_false(p->paused);
    assert_int_equal(p->now, 0);
    assert_int_equal(player_advance(p, 10 * SEC), 6);
    assert_true(p->model.ended);
    player_free(p);
}

/* ---- the parts ---- */

static void test_layout(void **state)
{
    (void)state;
    layout_t l;
    layout_compute(&l, 23, 80, 3);
    assert_true(l.too_small);
    layout_compute(&l, 24, 79, 3);
    assert_true(l.too_small);
    static const int sizes[][2] = {{24, 80}, {40, 120}, {60, 200}, {25, 81}, {100, 300}};
    static const int workers[] = {0, 1, 3, 16, 200, 1024};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizeof workers / sizeof workers[0]; j++) {
            layout_compute(&l, sizes[i][0], sizes[i][1], workers[j]);
            assert_false(l.too_small);
            /* The panes tile the rows, top to bottom, with no overlap. */
            assert_int_equal(l.queue.y, 2);
            assert_int_equal(l.workers.y, l.queue.y + l.queue.h);
            assert_int_equal(l.timeline.y, l.workers.y + l.workers.h);
            assert_int_equal(l.log.y, l.timeline.y + l.timeline.h);
            assert_int_equal(l.help.y, l.log.y + l.log.h);
            assert_int_equal(l.help.y, sizes[i][0] - 1);
            assert_true(l.log.h >= 3);
            assert_true(l.workers.h >= 5);
            assert_true(l.lanes >= 1 && l.timeline.h == l.lanes + 2);
            assert_true(l.results.x + l.results.w == sizes[i][1]);
        }
    }
}

static void test_timeline_spans(void **state)
{
    (void)state;
    sim_t *s = sim_run(three);
    /* Jobs 1-3 done at 1 s, 4-6 running since then. */
    assert_int_equal(s->tl.len, 6);
    const tl_span_t *first = timeline_span(&s->tl, 0);
    assert_int_equal(first->job, 1);
    assert_int_equal(first->lane, 1);
    assert_int_equal(first->how, SPAN_DONE);
    assert_int_equal(first->end, SEC);
    const tl_span_t *last = timeline_span(&s->tl, 5);
    assert_int_equal(last->job, 6);
    assert_int_equal(last->lane, 3);
    assert_int_equal(last->how, SPAN_RUNNING);
    assert_null(timeline_span(&s->tl, 6));
    /* As they were after the first k events: job 1 running until the event
     * that finished it, job 6 not there before the one that started it. */
    tl_span_t buf;
    assert_int_equal(timeline_span_at(&s->tl, 0, first->closed_at, &buf)->how, SPAN_RUNNING);
    assert_int_equal(timeline_span_at(&s->tl, 0, first->closed_at + 1, &buf)->how, SPAN_DONE);
    assert_null(timeline_span_at(&s->tl, 5, last->opened_at, &buf));
    assert_non_null(timeline_span_at(&s->tl, 5, last->opened_at + 1, &buf));
    assert_int_equal(s->tl.events, s->m.events);
    timeline_reset(&s->tl);
    assert_int_equal(s->tl.len, 0);
    sim_free(s);
}

static void test_timeline_bounded(void **state)
{
    (void)state;
    timeline_t tl;
    timeline_init(&tl);
    timeline_apply(&tl, &(pevent_t){.kind = PE_ACTOR, .actor = 5, .value = ROLE_WORKER, .aux = 1});
    for (int64_t j = 1; j <= TIMELINE_MAX_SPANS + 10; j++) {
        timeline_apply(&tl, &(pevent_t){.kind = PE_JOB_START, .actor = 5, .job = j, .virt_ns = j * 10});
        timeline_apply(&tl, &(pevent_t){.kind = PE_JOB_FINISH, .actor = 5, .job = j, .virt_ns = j * 10 + 5});
    }
    assert_int_equal(tl.len, TIMELINE_MAX_SPANS);
    assert_int_equal(timeline_span(&tl, 0)->job, 11);
    /* Garbage from a file is ignored, not trusted. */
    timeline_apply(&tl, &(pevent_t){.kind = PE_ACTOR, .actor = 65535, .value = ROLE_WORKER, .aux = 1 << 30});
    timeline_apply(&tl, &(pevent_t){.kind = PE_JOB_FINISH, .actor = 65535, .job = 1});
    timeline_done(&tl);
}

/* The log says events in the text view's words (one formatter for both). */
static void test_log_words(void **state)
{
    (void)state;
    sim_t *s = sim_run(three);
    char buf[EVLOG_WIDTH];
    pevent_t start = {.kind = PE_JOB_START, .actor = worker_actor(2), .job = 5, .virt_ns = SEC};
    assert_int_equal(text_format_line(buf, sizeof buf, &start, &s->m), TEXT_STEP);
    assert_string_equal(buf, "[ 1.00s] worker 2 started job 5");
    /* Details the panes animate are the log's too, not `poolviz run`'s. */
    pevent_t take = {.kind = PE_RECV, .actor = worker_actor(1), .obj = JOBS, .job = 4, .ok = 1};
    assert_int_equal(text_format_event(buf, sizeof buf, &take, &s->m), TEXT_DETAIL);
    assert_string_equal(buf, "worker 1 took job 4 from jobs");
    assert_int_equal(text_format_event(buf, sizeof buf, &(pevent_t){.kind = PE_JOB_PROGRESS, .actor = MAIN}, &s->m),
                     TEXT_NONE);
    assert_string_equal(buf, "");
    evlog_t *one_line = calloc(1, sizeof *one_line);
    assert_non_null(one_line);
    evlog_add(one_line, &start, &s->m);
    assert_string_equal(evlog_line(one_line, 0), "[ 1.00s] worker 2 started job 5");
    free(one_line);
    /* The newest line first; a full ring forgets the oldest. */
    evlog_t *log = calloc(1, sizeof *log);
    assert_non_null(log);
    for (int i = 0; i < EVLOG_LINES + 3; i++)
        evlog_add(log, &(pevent_t){.kind = PE_PAUSE, .ok = (int8_t)(i % 2), .virt_ns = i}, &s->m);
    evlog_add(log, &(pevent_t){.kind = PE_JOB_PROGRESS}, &s->m);
    assert_int_equal(log->len, EVLOG_LINES);
    assert_contains(evlog_line(log, 0), "resumed"); /* i = EVLOG_LINES + 2, even */
    assert_contains(evlog_line(log, 1), "paused");
    assert_null(evlog_line(log, EVLOG_LINES));
    free(log);
    sim_free(s);
}

/* ---- the lesson screen ---- */

/* The simulated run's program, with marks for the states the simulation
 * puts its goroutines in (it parks them in selects). */
static const char lesson_text[] =
    "title: A test lesson\n"
    "summary: Three workers and nine one-second jobs.\n"
    "code:\n"
    "func worker(jobs <-chan int, results chan<- int) {\n"
    "\tfor j := range jobs { // @recv\n"
    "\t\ttime.Sleep(time.Second) // @work\n"
    "\t\tresults <- j * 2 // @send\n"
    "\t}\n"
    "} // @exit\n"
    "\n"
    "func main() {\n"
    "\tfor j := 1; j <= 9; j++ {\n"
    "\t\tjobs <- j // @produce\n"
    "\t}\n"
    "\tclose(jobs) // @close\n"
    "\twg.Wait() // @wait\n"
    "\tfor r := range results { // @collect\n"
    "\t\tfmt.Println(r)\n"
    "\t}\n"
    "}\n"
    "end\n"
    "mark worker waiting-job -> recv\n"
    "mark worker working -> work\n"
    "mark worker blocked-send -> send\n"
    "mark worker exited -> exit\n"
    "mark producer select -> produce\n"
    "mark producer exited -> close\n"
    "mark main select -> collect\n"
    "mark main wait -> wait\n"
    "step 1: Watch\n"
    "say: Three workers take the nine jobs, three at a time: each takes a job from\n"
    "say: the channel, sleeps a second and sends its result.\n"
    "configure workers=3 jobs=9\n"
    "start\n"
    "run for 1.4s\n"
    "expect results == 3\n"
    "step 2: Predict\n"
    "say: The same run, to its end.\n"
    "ask: How long will the nine jobs take?\n"
    "choice: about 1 second\n"
    "answer: about 3 seconds\n"
    "choice: about 9 seconds\n"
    "why: Three jobs run at a time: three rounds of one second.\n"
    "run until finished\n";

static lesson_t *test_lesson(void)
{
    lesson_t *l = lesson_parse("test.lesson", lesson_text, sizeof lesson_text - 1);
    if (l->n_diags)
        lesson_print_diags(l, stderr);
    assert_int_equal(l->n_diags, 0);
    return l;
}

static void test_lesson_80x24(void **state)
{
    (void)state;
    lesson_t *l = test_lesson();
    lesson_state_t ls = {.l = l, .step = 0, .phase = LP_DONE, .answer = -1, .held = 1};
    golden_look(three, 24, 80, (look_t){.lesson = &ls}, "lesson_80x24");
    lesson_free(l);
}

static void test_lesson_120x40(void **state)
{
    (void)state;
    lesson_t *l = test_lesson();
    lesson_state_t ls = {.l = l, .step = 1, .phase = LP_ASKING, .answer = -1, .ask = &l->steps[1].actions[0].ask};
    golden_look(three, 40, 120, (look_t){.lesson = &ls}, "lesson_120x40");
    lesson_free(l);
}

/* A deadlock after a wrong prediction, with a claim that failed. */
static void test_lesson_deadlock(void **state)
{
    (void)state;
    lesson_t *l = test_lesson();
    lesson_state_t ls = {.l = l, .step = 1, .phase = LP_DONE, .answer = 0, .ask = &l->steps[1].actions[0].ask,
                         .held = 2, .failed = 1};
    snprintf(ls.fails[0], sizeof ls.fails[0], "expected outcome == ok, got deadlock (line 40)");
    sim_cfg_t c = three;
    c.results_cap = 2;
    c.wait_before_drain = true;
    c.stop = 10 * SEC;
    golden_look(c, 40, 120, (look_t){.lesson = &ls}, "lesson_deadlock_120x40");
    lesson_free(l);
}

/* Actors to code lines: by each one's state and the lesson's marks. */
static void test_code_marks(void **state)
{
    (void)state;
    lesson_t *l = test_lesson();
    model_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    model_init(m);
    m->n_actors = 8;
    m->actors[1] = (model_actor_t){.known = true, .role = ROLE_MAIN, .blocked = true, .wait = PW_WG};
    m->actors[2] = (model_actor_t){.known = true, .role = ROLE_PRODUCER, .exited = true};
    /* Workers out of index order, to check the order of the marks. */
    m->actors[3] = (model_actor_t){.known = true, .role = ROLE_WORKER, .index = 3, .state = WS_WAITING_JOB};
    m->actors[4] = (model_actor_t){.known = true, .role = ROLE_WORKER, .index = 1, .state = WS_WAITING_JOB};
    m->actors[5] = (model_actor_t){.known = true, .role = ROLE_WORKER, .index = 2, .state = WS_WAITING_JOB};
    m->actors[6] = (model_actor_t){.known = true, .role = ROLE_WORKER, .index = 4, .state = WS_WORKING};
    m->actors[7] = (model_actor_t){.known = true, .role = ROLE_WORKER, .index = 5, .state = WS_STARTING};
    code_mark_t *marks = calloc((size_t)l->n_code, sizeof *marks);
    assert_non_null(marks);
    /* recv, work, close, wait: worker 5 is idle, which no mark maps. */
    assert_int_equal(code_marks(l, -1, m, marks), 4);
    char buf[64];
    int recv = l->labels[0].line, work = l->labels[1].line;
    assert_int_equal(recv, 1);
    assert_int_equal(marks[recv].n_workers, 3);
    assert_int_equal(marks[recv].workers[0], 1);
    assert_int_equal(marks[recv].workers[2], 3);
    code_mark_text(&marks[recv], 12, buf, sizeof buf);
    assert_string_equal(buf, "w1 w2 w3");
    code_mark_text(&marks[recv], 6, buf, sizeof buf);
    assert_string_equal(buf, "w1-3");
    code_mark_text(&marks[work], 12, buf, sizeof buf);
    assert_string_equal(buf, "w4");
    for (int i = 0; i < l->n_code; i++) {
        code_mark_text(&marks[i], 12, buf, sizeof buf);
        if (strstr(l->code[i].text, "wg.Wait()")) {
            assert_string_equal(buf, "main");
            assert_true(marks[i].blocked);
        } else if (strstr(l->code[i].text, "close(jobs)")) {
            assert_string_equal(buf, "producer");
            assert_false(marks[i].blocked);
        } else if (i != recv && i != work) {
            assert_string_equal(buf, "");
        }
    }
    /* Many workers on a line, in a narrow gutter: a count. */
    code_mark_t many_w = {.n_workers = 40};
    code_mark_text(&many_w, 10, buf, sizeof buf);
    assert_string_equal(buf, "40 workers");
    free(marks);
    model_done(m);
    free(m);
    lesson_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_timeline_spans),
        cmocka_unit_test(test_timeline_bounded),
        cmocka_unit_test(test_log_words),
        cmocka_unit_test(test_w1_80x24),
        cmocka_unit_test(test_w1_120x40),
        cmocka_unit_test(test_w1_200x60),
        cmocka_unit_test(test_w3_80x24),
        cmocka_unit_test(test_w3_120x40),
        cmocka_unit_test(test_w3_200x60),
        cmocka_unit_test(test_w16_80x24),
        cmocka_unit_test(test_w16_120x40),
        cmocka_unit_test(test_w16_200x60),
        cmocka_unit_test(test_w200_80x24),
        cmocka_unit_test(test_w200_120x40),
        cmocka_unit_test(test_w200_200x60),
        cmocka_unit_test(test_deadlock_80x24),
        cmocka_unit_test(test_deadlock_frozen),
        cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_help_overlay),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_past_timeline),
        cmocka_unit_test(test_rewind_title),
        cmocka_unit_test(test_replay_screen),
        cmocka_unit_test(test_default_title),
        cmocka_unit_test(test_elide),
        cmocka_unit_test(test_no_workers_left),
        cmocka_unit_test(test_worker_pages),
        cmocka_unit_test(test_lane_scroll),
        cmocka_unit_test(test_checkpoints),
        cmocka_unit_test(test_player_clock),
        cmocka_unit_test(test_player_pause_step),
        cmocka_unit_test(test_lesson_80x24),
        cmocka_unit_test(test_lesson_120x40),
        cmocka_unit_test(test_lesson_deadlock),
        cmocka_unit_test(test_code_marks),
    };
    return cmocka_run_group_tests(tests, curses_up, curses_down);
}
