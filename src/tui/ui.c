/* ui.c - the loop of the live view (ui.h).
 *
 * Each turn: take signals (quit, resize), let the source move (a replay's
 * clock), bring the view up to date with it (under the source's lock: copy
 * the model if it changed, fold the history's new events into the timeline
 * and the log), draw if anything changed, then wait for a key, a signal or
 * the next frame. Frames come at most 30 times a second and only while
 * something moves; paused, finished or idle, the loop sleeps in poll() until
 * a key or a signal. All keys waiting are handled before the next frame, so
 * a key never waits behind a busy run.
 *
 * Rewind: while paused (or once the run is over) left/right move a cursor
 * over the source's history; the view is the model after the run's first k
 * events, rebuilt from the nearest checkpoint before k (checkpoint.h: a
 * copy of the model every CKPT_EVERY events, taken as the view folds the
 * history) so a step back costs at most CKPT_EVERY folds; the
 * timeline shows its spans as they were then and the log is told again
 * from the events before k. It is read-only: the run's controls are refused
 * until space returns to the present.
 *
 * Step (.): while paused the view moves through the run one event at a
 * time, the same way; once it has shown every event the run made (pausing
 * is not instant), it lets the run make the next one and shows that.
 *
 * Live run or replay: the same code through source_t; a replay has no
 * controls that change the run, and keeps its own clock.
 *
 * A lesson: the source is the stepper's (its runs, one after another; a new
 * generation resets the view), the screen is the lesson's, and the keys
 * n, p, r, 1-9 and Tab drive the stepper, which runs the steps on its own
 * thread and wakes this loop through a pipe when the lesson moves on.
 *
 * Ownership: the ui_t and everything in it belong to this thread; the
 * source's model and history are only read under its lock. */
#include "tui/ui.h"

#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "tui/checkpoint.h"
#include "tui/draw.h"
#include "tui/evlog.h"
#include "tui/lesson_view.h"
#include "tui/stepper.h"
#include "tui/term.h"
#include "tui/timeline.h"
#include "views/text.h"

enum { FRAME_MS = 33, AFTER_KEY_MS = 1500, NOTICE_MS = 3000 };
/* How far back the log of a rewound view looks for its lines. */
enum { LOG_SCAN_MAX = 8192 };

static const double speeds[] = {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

typedef struct {
    source_t src;
    const source_ops_t *ops; /* src.ops, said often */
    const char *title;
    const theme_t *theme;
    stepper_t *lesson;       /* NULL: not a lesson */
    lesson_state_t ls;       /* where the lesson is, as last copied */
    uint64_t generation;     /* the source's run shown */
    bool quit_all;           /* a signal: leave poolviz, not just this screen */
    model_t view;            /* what is shown: the live model, or a rewound one */
    timeline_t tl;           /* of every event fed; a past view shows it as it was */
    evlog_t log;             /* of every event fed */
    evlog_t past_log;        /* the log as it read at `at` */
    uint64_t fed;            /* history events folded into ckpt, tl and log, counted from the run's start */
    checkpoints_t ckpt;      /* how a past view gets its model quickly */
    char *failure;           /* Go's text, copied once the run failed */
    /* A past view: rewinding (read-only), or stepping (paused, showing the
     * run after `at` events, which may be behind the present). */
    bool rewinding, stepping;
    bool step_pending;       /* the run was let go for the event at step_target */
    bool view_stale;         /* the view left the past: copy the live model */
    uint64_t at, step_target;
    uint64_t hist_first;     /* the event the kept history starts at */
    size_t hist_len;
    bool help, hide_failure, quit;
    int scroll;
    char notice[128];
    uint64_t notice_until, busy_until; /* ms */
    /* The clock between events: a sleeping job emits none, yet time runs. */
    uint64_t event_real_ms;
    uint64_t seen_events;
    int64_t now;
    bool dirty;
} ui_t;

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void notice(ui_t *u, const char *text)
{
    snprintf(u->notice, sizeof u->notice, "%s", text);
    u->notice_until = mono_ms() + NOTICE_MS;
    u->dirty = true;
}

/* ---- the source ---- */

static void src_lock(ui_t *u) { u->ops->lock(u->src.ud); }
static void src_unlock(ui_t *u) { u->ops->unlock(u->src.ud); }
static bool src_paused(ui_t *u) { return u->ops->paused(u->src.ud); }

/* The view as before the first event: after a start or restart. */
static void reset_view(ui_t *u)
{
    model_done(&u->view);
    model_init(&u->view);
    checkpoints_reset(&u->ckpt);
    timeline_reset(&u->tl);
    evlog_reset(&u->log);
    u->fed = 0;
    free(u->failure);
    u->failure = NULL;
    u->rewinding = u->stepping = u->step_pending = u->hide_failure = false;
    u->seen_events = 0;
    u->now = 0;
    u->dirty = true;
}

/* Folds history events [from, to) (indices into the kept history) into the
 * view's own model (taking checkpoints), the timeline and the log; names
 * come from names. Source locked. */
static void feed(ui_t *u, size_t from, size_t to, const model_t *names)
{
    for (size_t i = from; i < to; i++) {
        const pevent_t *ev = u->ops->history_at(u->src.ud, i);
        checkpoints_feed(&u->ckpt, ev);
        timeline_apply(&u->tl, ev);
        evlog_add(&u->log, ev, names);
    }
}

static bool in_past(const ui_t *u) { return u->rewinding || u->stepping; }

/* Folds the source's new history in; unless the view is in the past, shows
 * the present. */
static void sync_live(ui_t *u)
{
    void *ud = u->src.ud;
    src_lock(u);
    if (u->ops->generation && u->ops->generation(ud) != u->generation) {
        u->generation = u->ops->generation(ud);
        reset_view(u); /* a lesson started a new run */
    }
    const model_t *m = u->ops->model(ud);
    if (!in_past(u) && (u->view_stale || m->events != u->view.events)) {
        model_copy(&u->view, m);
        u->view_stale = false;
        u->dirty = true;
    }
    const model_t *base = u->ops->history_base(ud);
    size_t len = u->ops->history_len(ud);
    uint64_t trimmed = base->events;
    if (u->fed < trimmed) {
        /* Events left the history before this view saw them: fold on from
         * what they left behind. */
        checkpoints_rebase(&u->ckpt, base);
        u->tl.events = trimmed;
        u->fed = trimmed;
    }
    if (u->fed < trimmed + len)
        feed(u, (size_t)(u->fed - trimmed), len, m);
    u->fed = trimmed + len;
    u->hist_first = trimmed;
    u->hist_len = len;
    const char *failure = m->ended && !u->failure ? u->ops->failure(ud) : NULL;
    if (failure)
        u->failure = xstrdup(failure);
    src_unlock(u);
}

/* The log as it read after the first k events of the kept history: the
 * lines of the events before k, found walking back (as many as the log
 * holds, looking at most LOG_SCAN_MAX events back), then told forward with
 * the names of the view. After a death the unwinding is left out, as the
 * live log does. Source locked; u->view is the model at k. */
static void tell_past_log(ui_t *u, size_t k)
{
    char line[EVLOG_WIDTH];
    size_t from = k, lines = 0;
    bool death_seen = false; /* walking back, the death was at or after `from` */
    while (from > 0 && k - from < LOG_SCAN_MAX && lines < EVLOG_LINES) {
        const pevent_t *ev = u->ops->history_at(u->src.ud, from - 1);
        bool death = ev->kind == PE_DEADLOCK || ev->kind == PE_PANIC;
        bool unwinding = u->view.died && !death_seen && !death && !model_counts_after_death(ev->kind);
        death_seen |= death;
        if (!unwinding && text_format_line(line, sizeof line, ev, &u->view) != TEXT_NONE)
            lines++;
        from--;
    }
    evlog_reset(&u->past_log);
    u->past_log.died = u->view.died && !death_seen;
    for (size_t i = from; i < k; i++)
        evlog_add(&u->past_log, u->ops->history_at(u->src.ud, i), &u->view);
}

/* Shows the run as it was after its first `at` events (clamped to the kept
 * history): forward from the view when it is on the way, else from the
 * nearest checkpoint, else from the history's base. */
static void show_at(ui_t *u, uint64_t at)
{
    void *ud = u->src.ud;
    src_lock(u);
    history_t h = {.base = u->ops->history_base(ud), .len = u->ops->history_len(ud), .at = u->ops->history_at,
                   .ud = ud};
    checkpoints_model_at(&u->ckpt, &u->view, at, &h);
    u->hist_first = h.base->events;
    u->hist_len = h.len;
    tell_past_log(u, (size_t)(u->view.events - u->hist_first));
    src_unlock(u);
    u->at = u->view.events;
    u->now = u->view.now;
    u->dirty = true;
}

/* Rewinding to event `at`, from the present or a step. */
static void rewind_to(ui_t *u, uint64_t at)
{
    u->stepping = u->step_pending = false;
    u->rewinding = true;
    show_at(u, at);
}

/* Back to the present: the next sync shows the live model. */
static void go_live(ui_t *u)
{
    u->rewinding = u->stepping = u->step_pending = false;
    u->view_stale = true;
    u->dirty = true;
}

/* Paused: one more event on screen. The view steps through the events the
 * run already made (pausing is not instant); once it has shown them all, it
 * lets the run make the next one (the pool's own step) and shows that when
 * it comes. */
static void step_once(ui_t *u)
{
    if (u->step_pending)
        return; /* the last one has not come yet */
    if (!u->stepping) {
        u->stepping = true;
        u->at = u->view.events;
    }
    uint64_t target = u->at + 1;
    if (target <= u->fed) {
        show_at(u, target);
        return;
    }
    u->step_target = target;
    u->step_pending = true;
    u->ops->step(u->src.ud);
}

/* A step the run was let go for has come: show it. */
static void step_arrived(ui_t *u)
{
    if (u->step_pending && u->fed >= u->step_target) {
        u->step_pending = false;
        show_at(u, u->step_target);
    }
}

/* Lesson time between events: a replay's own clock; a live run's at the
 * clock's speed, but never past the moment the next event must come (the
 * earliest running job's end). */
static void advance_clock(ui_t *u, uint64_t now_ms)
{
    const model_t *m = &u->view;
    if (in_past(u))
        return; /* show_at set the clock */
    if (u->ops->now) {
        int64_t t = u->ops->now(u->src.ud);
        if (t != u->now)
            u->dirty = true;
        u->now = t;
        return;
    }
    if (m->events != u->seen_events) {
        u->seen_events = m->events;
        u->event_real_ms = now_ms;
        u->now = m->now;
        return;
    }
    if (m->ended || src_paused(u) || !m->started)
        return;
    int64_t cap = INT64_MAX;
    for (int id = 1; id < m->n_actors; id++) {
        const model_actor_t *a = &m->actors[id];
        if (a->known && a->running && a->job_duration > 0 && a->job_start + a->job_duration < cap)
            cap = a->job_start + a->job_duration;
    }
    if (cap == INT64_MAX)
        return;
    int64_t est = m->now + (int64_t)((double)(now_ms - u->event_real_ms) * 1e6 * m->speed);
    if (est > cap)
        est = cap;
    if (est != u->now) {
        u->now = est;
        u->dirty = true;
    }
}

/* ---- keys ---- */

static void change_speed(ui_t *u, int dir)
{
    double cur = u->ops->speed(u->src.ud);
    size_t n = sizeof speeds / sizeof speeds[0], i = 0;
    while (i < n && speeds[i] < cur - 1e-9)
        i++;
    /* i: the first step at or above cur. */
    if (dir > 0)
        i = i < n && speeds[i] <= cur + 1e-9 ? i + 1 : i;
    else
        i = i > 0 ? i - 1 : 0;
    if (i < n)
        u->ops->set_speed(u->src.ud, speeds[i]);
}

static bool can_rewind(ui_t *u)
{
    if (u->rewinding || src_paused(u) || u->view.ended)
        return true;
    notice(u, "pause first (space), then rewind with the arrows");
    return false;
}

/* Stepping: refused while rewinding, which is read-only. */
static bool may_step(ui_t *u)
{
    if (!u->rewinding)
        return true;
    notice(u, "rewinding is read-only: space returns to the present");
    return false;
}

/* The run's controls: none in a replay, nor while rewinding. */
static void control(ui_t *u, source_ctl_t ctl)
{
    if (u->lesson) {
        notice(u, "the lesson drives this run: n runs the next step, r this one again");
        return;
    }
    if (!u->ops->control) {
        notice(u, "replay: read-only (a recording cannot change)");
        return;
    }
    if (!may_step(u))
        return;
    go_live(u); /* from a step behind the present, to the run it changes */
    u->ops->control(u->src.ud, ctl); /* a refusal arrives as the run's own note, in the log */
}

/* Key r: the run, or the recording, again from the start. */
static void restart(ui_t *u)
{
    if (u->ops->restart(u->src.ud) != 0) {
        u->quit = true; /* the same run started before: only a broken system gets here */
        return;
    }
    reset_view(u);
    u->scroll = 0;
    notice(u, "restarted");
}

/* Scrolls the workers pane and the timeline's lanes together, by pages
 * (a page of whichever of them does not show every worker: the grid's if
 * it pages, else the timeline's) and lines (one worker), never past the
 * last page. */
static void scroll_workers(ui_t *u, int pages, int lines)
{
    layout_t l;
    int n = workers_count(&u->view);
    layout_compute(&l, LINES, COLS, n);
    if (l.too_small)
        return;
    int per_page = workers_per_page(l.workers, n);
    int lanes = l.lanes < u->tl.n_lanes ? l.lanes : u->tl.n_lanes;
    int page = per_page < n ? per_page : lanes;
    int last = n - per_page > u->tl.n_lanes - lanes ? n - per_page : u->tl.n_lanes - lanes;
    int first = u->scroll + pages * page + lines;
    u->scroll = first > last ? last : first;
    if (u->scroll < 0)
        u->scroll = 0;
}

/* ---- a lesson's keys ---- */

/* Runs step `step` (replay: from the lesson's start, as stepper.h says). */
static void lesson_go(ui_t *u, int step, bool replay)
{
    if (in_past(u))
        go_live(u);
    u->hide_failure = false;
    u->ls.scroll = 0;
    stepper_request(u->lesson, step, replay);
    stepper_state(u->lesson, &u->ls);
}

static void lesson_next(ui_t *u)
{
    const lesson_state_t *ls = &u->ls;
    char msg[96];
    if (ls->phase == LP_INTRO) {
        lesson_go(u, 0, false);
    } else if (ls->phase == LP_ASKING) {
        snprintf(msg, sizeof msg, "answer first: press 1-%d", ls->ask ? ls->ask->n_choices : 1);
        notice(u, msg);
    } else if (ls->phase == LP_PAUSED) {
        stepper_go_on(u->lesson);
        stepper_state(u->lesson, &u->ls);
    } else if (ls->phase != LP_DONE) {
        notice(u, "this step is still running (+ makes it faster)");
    } else if (ls->step + 1 >= ls->l->n_steps) {
        notice(u, "that was the last step: r runs it again, q goes back");
    } else {
        lesson_go(u, ls->step + 1, false);
    }
}

/* The lesson's own keys; false for the others. */
static bool lesson_key(ui_t *u, int key)
{
    lesson_state_t *ls = &u->ls;
    switch (key) {
    case 'n': case 'N': lesson_next(u); return true;
    case 'p': case 'P':
        if (ls->step >= 0)
            lesson_go(u, ls->step > 0 ? ls->step - 1 : 0, true);
        return true;
    case 'r': case 'R':
        if (ls->step >= 0)
            lesson_go(u, ls->step, true);
        return true;
    case '\t': ls->pool_view = !ls->pool_view; return true;
    case KEY_PPAGE:
        if (ls->pool_view)
            return false;
        ls->scroll += 5;
        return true;
    case KEY_NPAGE:
        if (ls->pool_view)
            return false;
        ls->scroll = ls->scroll > 5 ? ls->scroll - 5 : 0;
        return true;
    default:
        if (key >= '1' && key <= '9' && ls->phase == LP_ASKING && ls->answer < 0) {
            stepper_answer(u->lesson, key - '1');
            stepper_state(u->lesson, ls);
            return true;
        }
        return false;
    }
}

static void on_key(ui_t *u, int key)
{
    u->dirty = true;
    u->busy_until = mono_ms() + AFTER_KEY_MS;
    if (u->help) {
        u->help = false; /* any key closes the help */
        if (key != 'q')
            return;
    }
    if (u->lesson && lesson_key(u, key))
        return;
    switch (key) {
    case 'q': case 'Q': u->quit = true; break;
    case '?': case KEY_F(1): u->help = true; break;
    case 27: u->hide_failure = true; break;
    case ' ':
        if (!u->rewinding) /* which space only leaves, paused */
            u->ops->pause(u->src.ud, !src_paused(u));
        go_live(u);
        break;
    case '.':
        if (!may_step(u))
            break;
        if (src_paused(u))
            step_once(u);
        else
            u->ops->pause(u->src.ud, true);
        break;
    case '+': case '=': change_speed(u, +1); break;
    case '-': case '_': change_speed(u, -1); break;
    case KEY_LEFT:
    case KEY_SLEFT:
        if (can_rewind(u)) {
            uint64_t from = in_past(u) ? u->at : u->view.events, by = key == KEY_LEFT ? 1 : 50;
            rewind_to(u, from > by ? from - by : 0);
        }
        break;
    case KEY_RIGHT:
    case KEY_SRIGHT:
        if (u->rewinding)
            rewind_to(u, u->at + (key == KEY_RIGHT ? 1 : 50));
        break;
    case KEY_HOME:
        if (can_rewind(u))
            rewind_to(u, 0);
        break;
    case KEY_END:
        if (u->rewinding)
            rewind_to(u, UINT64_MAX);
        break;
    case KEY_NPAGE: scroll_workers(u, 1, 0); break;
    case KEY_PPAGE: scroll_workers(u, -1, 0); break;
    case KEY_DOWN: scroll_workers(u, 0, 1); break;
    case KEY_UP: scroll_workers(u, 0, -1); break;
    case 'w': control(u, CTL_ADD_WORKER); break;
    case 'W': control(u, CTL_RETIRE_WORKER); break;
    case 'j': control(u, CTL_ADD_JOBS); break;
    case 'c': control(u, CTL_CLOSE_JOBS); break;
    case 'x': control(u, CTL_CANCEL); break;
    case 'r': restart(u); break; /* a lesson's r is its own (lesson_key) */
    case 12: term_repaint(); break; /* Ctrl-L */
    case KEY_RESIZE: break; /* curses resized itself; the next frame relayouts */
    default: u->dirty = false; break;
    }
}

/* ---- drawing ---- */

static void draw(ui_t *u)
{
    uint64_t t = mono_ms();
    view_t v = {
        .theme = u->theme, .m = &u->view, .tl = &u->tl, .log = in_past(u) ? &u->past_log : &u->log, .now = u->now, .title = u->title,
        .failure = u->failure, .notice = t < u->notice_until ? u->notice : NULL, .source = u->ops->kind,
        .paused = src_paused(u), .speed = u->ops->speed(u->src.ud),
        .exhausted = !in_past(u) && u->ops->exhausted && u->ops->exhausted(u->src.ud) && !u->view.ended,
        .rewinding = u->rewinding, .rewind_pos = u->at > u->hist_first ? (size_t)(u->at - u->hist_first) : 0,
        .rewind_len = u->hist_len, .past = in_past(u), .past_events = u->at,
        .worker_scroll = u->scroll, .help = u->help, .hide_failure = u->hide_failure, .lesson = u->lesson != NULL,
    };
    if (u->lesson)
        lesson_screen_draw(stdscr, &v, &u->ls, LINES, COLS);
    else
        screen_draw(stdscr, &v, LINES, COLS);
    wnoutrefresh(stdscr);
    doupdate();
    u->dirty = false;
}

/* How long to wait for input: a frame while anything moves, else forever. */
static int wait_ms(ui_t *u, uint64_t now)
{
    const model_t *m = &u->view;
    bool over = m->ended || (u->ops->exhausted && u->ops->exhausted(u->src.ud));
    bool moving = (!in_past(u) && m->started && !over && !src_paused(u)) || u->step_pending;
    /* A lesson's step: its runs start, and move, without a key. */
    bool stepping = u->lesson && (u->ls.phase == LP_RUNNING || u->ls.phase == LP_FORWARD);
    if (moving || stepping || now < u->busy_until || (u->notice_until && now < u->notice_until) ||
        (!m->started && !u->lesson))
        return FRAME_MS;
    return -1;
}

static void loop(ui_t *u)
{
    struct pollfd fds[3] = {{.fd = STDIN_FILENO, .events = POLLIN},
                            {.fd = term_signal_fd(), .events = POLLIN},
                            {.fd = u->lesson ? stepper_fd(u->lesson) : -1, .events = POLLIN}};
    uint64_t last_draw = 0;
    while (!u->quit) {
        int sig = term_take_signals();
        if (sig & TERM_SIG_QUIT) {
            u->quit_all = true;
            break;
        }
        if (u->lesson && (fds[2].revents & POLLIN)) {
            stepper_state(u->lesson, &u->ls);
            u->dirty = true;
        }
        if (sig & TERM_SIG_RESIZE) {
            term_resize();
            u->dirty = true;
        }
        if (u->ops->tick)
            u->ops->tick(u->src.ud);
        sync_live(u);
        step_arrived(u);
        uint64_t now = mono_ms();
        advance_clock(u, now);
        if (u->notice_until && now >= u->notice_until) {
            u->notice_until = 0;
            u->dirty = true;
        }
        if (u->dirty && now - last_draw >= FRAME_MS - 1) {
            draw(u);
            last_draw = now;
        }
        int timeout = u->dirty ? FRAME_MS : wait_ms(u, now);
        if (poll(fds, 3, timeout) < 0 && errno != EINTR)
            break;
        int key;
        while ((key = getch()) != ERR && !u->quit)
            on_key(u, key);
    }
}

int ui_show(source_t src, const char *title, stepper_t *lesson, const theme_t *theme, bool *quit_all, char *err,
            size_t errlen)
{
    ui_t *u = xcalloc(1, sizeof *u);
    u->src = src;
    u->ops = src.ops;
    u->title = title;
    u->theme = theme;
    u->lesson = lesson;
    model_init(&u->view);
    checkpoints_init(&u->ckpt);
    timeline_init(&u->tl);
    int rc = 1;
    if (!u->ops->start || u->ops->start(src.ud, err, errlen) == 0) {
        reset_view(u);
        if (lesson)
            stepper_state(lesson, &u->ls);
        loop(u);
        rc = 0;
    }
    if (quit_all)
        *quit_all = u->quit_all;
    model_done(&u->view);
    checkpoints_done(&u->ckpt);
    timeline_done(&u->tl);
    free(u->failure);
    free(u);
    return rc;
}

int ui_run(source_t src, const char *title, stepper_t *lesson, char *err, size_t errlen)
{
    theme_t theme;
    int rc = 1;
    if (term_init(&theme, err, errlen) == 0) {
        rc = ui_show(src, title, lesson, &theme, NULL, err, errlen);
        term_done(); /* the terminal back first; stopping the run may take a moment */
    }
    src.ops->stop(src.ud);
    return rc;
}
