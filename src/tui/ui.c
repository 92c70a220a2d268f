/* ui.c - the loop of the live view (ui.h).
 *
 * Each turn: take signals (quit, resize), bring the view up to date with the
 * pool (under pool_lock: copy the model if it changed, fold the history's
 * new events into the timeline and the log), draw if anything changed, then
 * wait for a key, a signal or the next frame. Frames come at most 30 times a
 * second and only while something moves; paused, finished or idle, the loop
 * sleeps in poll() until a key or a signal. All keys waiting are handled
 * before the next frame, so a key never waits behind a busy run.
 *
 * Rewind: while paused (or once the run is over) left/right move a cursor
 * over the pool's history; the view is rebuilt from the history's base model
 * and the first k events. It is read-only: the run's controls are refused
 * until space returns to the live state.
 *
 * Ownership: the ui_t and everything in it belong to this thread; the pool's
 * model and history are only read under pool_lock. */
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
#include "tui/draw.h"
#include "tui/evlog.h"
#include "tui/term.h"
#include "tui/timeline.h"

enum { FRAME_MS = 33, AFTER_KEY_MS = 1500, NOTICE_MS = 3000, ADD_JOBS = 3 };

static const double speeds[] = {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

typedef struct {
    pool_config_t cfg;
    const char *title;
    pool_t *pool;
    theme_t theme;
    model_t view;            /* what is shown: the live model, or a rewound one */
    timeline_t tl;
    evlog_t log;
    uint64_t fed;            /* history events folded into tl and log, counted from the run's start */
    char *failure;           /* Go's text, copied once the run failed */
    bool rewinding;
    size_t cursor, hist_len;
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

/* ---- the run ---- */

static int start_run(ui_t *u, char *err, size_t errlen)
{
    u->pool = pool_new(&u->cfg, err, errlen);
    if (!u->pool)
        return -1;
    /* Threads the pool starts inherit a mask without our signals. */
    term_block_signals();
    int rc = pool_start(u->pool);
    term_unblock_signals();
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the pool (error %d)", rc);
        pool_free(u->pool);
        u->pool = NULL;
        return -1;
    }
    model_done(&u->view);
    model_init(&u->view);
    timeline_reset(&u->tl);
    evlog_reset(&u->log);
    u->fed = 0;
    free(u->failure);
    u->failure = NULL;
    u->rewinding = u->hide_failure = false;
    u->seen_events = 0;
    u->now = 0;
    u->dirty = true;
    return 0;
}

/* Folds history events [from, to) (indices into the kept history) into the
 * timeline and the log; names come from names. Pool locked. */
static void feed(ui_t *u, size_t from, size_t to, const model_t *names)
{
    for (size_t i = from; i < to; i++) {
        const pevent_t *ev = pool_history_at(u->pool, i);
        timeline_apply(&u->tl, ev);
        evlog_add(&u->log, ev, names);
    }
}

/* Brings the view up to the pool's present (not while rewinding). */
static void sync_live(ui_t *u)
{
    pool_lock(u->pool);
    const model_t *m = pool_model(u->pool);
    if (m->events != u->view.events) {
        model_copy(&u->view, m);
        u->dirty = true;
    }
    const model_t *base = pool_history_base(u->pool);
    size_t len = pool_history_len(u->pool);
    uint64_t trimmed = base->events;
    size_t from = u->fed > trimmed ? (size_t)(u->fed - trimmed) : 0;
    if (from < len)
        feed(u, from, len, m);
    u->fed = trimmed + len;
    if (m->ended && !u->failure && pool_failure(u->pool))
        u->failure = xstrdup(pool_failure(u->pool));
    pool_unlock(u->pool);
}

/* The view after the first k events of the kept history. */
static void rewind_to(ui_t *u, size_t k)
{
    pool_lock(u->pool);
    size_t len = pool_history_len(u->pool);
    if (k > len)
        k = len;
    if (k < u->cursor || !u->rewinding) {
        model_copy(&u->view, pool_history_base(u->pool));
        timeline_reset(&u->tl);
        evlog_reset(&u->log);
        u->cursor = 0;
    }
    /* Forward from where the view is: model first, so the log has names. */
    for (size_t i = u->cursor; i < k; i++) {
        const pevent_t *ev = pool_history_at(u->pool, i);
        model_apply(&u->view, ev);
        timeline_apply(&u->tl, ev);
        evlog_add(&u->log, ev, &u->view);
    }
    u->cursor = k;
    u->hist_len = len;
    u->rewinding = true;
    pool_unlock(u->pool);
    u->now = u->view.now;
    u->dirty = true;
}

static void leave_rewind(ui_t *u)
{
    rewind_to(u, SIZE_MAX); /* the whole history: the timeline and log as live */
    u->rewinding = false;
    pool_lock(u->pool);
    u->fed = pool_history_base(u->pool)->events + u->cursor;
    pool_unlock(u->pool);
    u->view.events = 0; /* make the next sync copy the live model */
}

/* Lesson time between events: at the clock's speed, but never past the
 * moment the next event must come (the earliest running job's end). */
static void advance_clock(ui_t *u, uint64_t now_ms)
{
    const model_t *m = &u->view;
    if (m->events != u->seen_events) {
        u->seen_events = m->events;
        u->event_real_ms = now_ms;
        u->now = m->now;
        return;
    }
    if (u->rewinding || m->ended || m->paused || !m->started)
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
    double cur = pool_speed(u->pool);
    size_t n = sizeof speeds / sizeof speeds[0], i = 0;
    while (i < n && speeds[i] < cur - 1e-9)
        i++;
    /* i: the first step at or above cur. */
    if (dir > 0)
        i = i < n && speeds[i] <= cur + 1e-9 ? i + 1 : i;
    else
        i = i > 0 ? i - 1 : 0;
    if (i < n)
        pool_set_speed(u->pool, speeds[i]);
}

static bool can_rewind(ui_t *u)
{
    if (u->rewinding || u->view.paused || u->view.ended)
        return true;
    notice(u, "pause first (space), then rewind with the arrows");
    return false;
}

/* The run's controls: refused while rewinding, which is read-only. */
static bool may_control(ui_t *u)
{
    if (!u->rewinding)
        return true;
    notice(u, "rewinding is read-only: space returns to the present");
    return false;
}

static void restart(ui_t *u)
{
    char err[256];
    pool_free(u->pool);
    u->pool = NULL;
    if (start_run(u, err, sizeof err) != 0) {
        u->quit = true; /* the same config started before: cannot happen but be safe */
        return;
    }
    notice(u, "restarted");
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
    switch (key) {
    case 'q': case 'Q': u->quit = true; break;
    case '?': case KEY_F(1): u->help = true; break;
    case 27: u->hide_failure = true; break;
    case ' ':
        if (u->rewinding)
            leave_rewind(u);
        else if (pool_paused(u->pool))
            pool_resume(u->pool);
        else
            pool_pause(u->pool);
        break;
    case '.':
        if (!may_control(u))
            break;
        if (pool_paused(u->pool))
            pool_step(u->pool);
        else
            pool_pause(u->pool);
        break;
    case '+': case '=': change_speed(u, +1); break;
    case '-': case '_': change_speed(u, -1); break;
    case KEY_LEFT:
        if (!can_rewind(u))
            break;
        if (!u->rewinding)
            rewind_to(u, SIZE_MAX); /* start from the present */
        if (u->cursor > 0)
            rewind_to(u, u->cursor - 1);
        break;
    case KEY_RIGHT:
        if (u->rewinding)
            rewind_to(u, u->cursor + 1);
        break;
    case KEY_SLEFT:
        if (can_rewind(u))
            rewind_to(u, u->rewinding && u->cursor > 50 ? u->cursor - 50 : 0);
        break;
    case KEY_SRIGHT:
        if (u->rewinding)
            rewind_to(u, u->cursor + 50);
        break;
    case KEY_HOME:
        if (can_rewind(u))
            rewind_to(u, 0);
        break;
    case KEY_END:
        if (u->rewinding)
            rewind_to(u, SIZE_MAX);
        break;
    case KEY_NPAGE: u->scroll += 20; break;
    case KEY_PPAGE: u->scroll = u->scroll > 20 ? u->scroll - 20 : 0; break;
    case 'w': if (may_control(u)) pool_add_worker(u->pool); break;
    case 'W': if (may_control(u)) pool_retire_worker(u->pool); break;
    case 'j': if (may_control(u)) pool_add_jobs(u->pool, ADD_JOBS); break;
    case 'c': if (may_control(u)) pool_close_jobs(u->pool); break;
    case 'x': if (may_control(u)) pool_cancel(u->pool); break;
    case 'r': restart(u); break;
    case KEY_RESIZE: break; /* curses resized itself; the next frame relayouts */
    default: u->dirty = false; break;
    }
}

/* ---- drawing ---- */

static void draw(ui_t *u)
{
    uint64_t t = mono_ms();
    view_t v = {
        .theme = &u->theme, .m = &u->view, .tl = &u->tl, .log = &u->log, .now = u->now, .title = u->title,
        .failure = u->failure, .notice = t < u->notice_until ? u->notice : NULL, .source = VIEW_LIVE,
        .rewinding = u->rewinding, .rewind_pos = u->cursor, .rewind_len = u->hist_len,
        .worker_scroll = u->scroll, .help = u->help, .hide_failure = u->hide_failure,
    };
    screen_draw(stdscr, &v, LINES, COLS);
    wnoutrefresh(stdscr);
    doupdate();
    u->dirty = false;
}

/* How long to wait for input: a frame while anything moves, else forever. */
static int wait_ms(const ui_t *u, uint64_t now)
{
    const model_t *m = &u->view;
    bool moving = !u->rewinding && m->started && !m->ended && !m->paused;
    if (moving || now < u->busy_until || (u->notice_until && now < u->notice_until) || !m->started)
        return FRAME_MS;
    return -1;
}

static void loop(ui_t *u)
{
    struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = term_signal_fd(), .events = POLLIN}};
    uint64_t last_draw = 0;
    while (!u->quit) {
        int sig = term_take_signals();
        if (sig & TERM_SIG_QUIT)
            break;
        if (sig & TERM_SIG_RESIZE) {
            term_resize();
            u->dirty = true;
        }
        if (!u->rewinding)
            sync_live(u);
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
        if (poll(fds, 2, timeout) < 0 && errno != EINTR)
            break;
        int key;
        while ((key = getch()) != ERR && !u->quit)
            on_key(u, key);
    }
}

int ui_run_live(const pool_config_t *cfg, const char *title, char *err, size_t errlen)
{
    ui_t *u = xcalloc(1, sizeof *u);
    u->cfg = *cfg;
    u->title = title;
    model_init(&u->view);
    timeline_init(&u->tl);
    int rc = 1;
    if (term_init(&u->theme, err, errlen) == 0) {
        if (start_run(u, err, errlen) == 0) {
            loop(u);
            rc = 0;
        }
        term_done(); /* the terminal back first; stopping the run may take a moment */
    }
    pool_free(u->pool);
    model_done(&u->view);
    timeline_done(&u->tl);
    free(u->failure);
    free(u);
    return rc;
}
