/* render.c - what drawing a frame of the live view costs.
 *
 *   render --cols C --rows R --workers W --jobs J --frames N
 *
 * The events come from a real run: the engine pool (W workers, J sleep jobs
 * of 1 s, as `poolviz play --workers W --jobs J` runs them) at the highest
 * clock speed, to the end, keeping its whole history. Its events are folded
 * into a model, a timeline and a log up to the middle of the run, the way the
 * UI's rewind does (model first, so the log has names); then each of the N
 * timed frames folds one more event, so every frame has something to change.
 * A real run rather than a hand-written one: what is drawn is what a user
 * sees, and no second copy of a pool simulation (tests/test_tui.c has one)
 * has to be kept in step with the engine.
 *
 * The terminal is the real one too, as far as a benchmark can have it: a
 * pseudo-terminal of R x C becomes stdin and stdout, term_init() starts
 * curses on it exactly as `poolviz play` does (TERM=xterm-256color, colours,
 * UTF-8 glyphs when the C.UTF-8 locale exists), and a thread reads the
 * other end, as a terminal emulator would, so curses' writes cost what they
 * cost on a terminal that keeps up. A frame is what ui.c's draw() does:
 * screen_draw() into stdscr, wnoutrefresh(), doupdate(). Timed apart:
 *   draw   screen_draw() alone: the panes into curses' window
 *   out    wnoutrefresh() + doupdate(): the changes, as escape sequences,
 *          written to the terminal
 *   copy   model_copy() of the source's model into the view, which the UI
 *          does once per turn when the model changed (not part of a frame's
 *          drawing, but paid at the same rate)
 * The first frame paints the whole screen and is reported apart (first_us),
 * not among the N.
 *
 * With --rewind S, instead of frames: what a step back costs when the view
 * rewinds the whole recorded history (run a long one: --jobs 170000 keeps
 * the default history of a million events full). The events are fed into
 * the view's checkpoints as the UI feeds them, then S steps back from the
 * end are timed one at a time, each the model after one event less
 * (checkpoints_model_at), beside one fold of the whole history from its
 * base, which is what every step back cost before checkpoints:
 *   render-rewind events=... steps=S median_us=... worst_us=...
 *   refold_us=... checkpoints=...
 *
 * One line of key=value fields, like the other benchmarks:
 *   render cols=200 rows=60 workers=64 frames=1000 median_us=... worst_us=...
 *   p99_us=... draw_median_us=... out_median_us=... copy_median_us=...
 *   bytes_per_frame=... first_us=... utf8=1 colour=1 */
#define _GNU_SOURCE /* posix_openpt and friends */
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench_util.h"
#include "core/xalloc.h"
#include "engine/pool.h"
#include "model/model.h"
#include "tui/checkpoint.h"
#include "tui/draw.h"
#include "tui/evlog.h"
#include "tui/term.h"
#include "tui/timeline.h"

/* ---- the run whose events are drawn ---- */

typedef struct {
    model_t *base; /* the model before the first event */
    pevent_t *ev;
    size_t n;
} recording_t;

static int record(int64_t workers, int64_t jobs, recording_t *r)
{
    pool_config_t cfg;
    pool_config_default(&cfg);
    cfg.workers = (int)workers;
    cfg.jobs = jobs;
    cfg.speed = 1000; /* the highest the engine takes: 1 s jobs in 1 ms */
    char err[256];
    pool_t *p = pool_new(&cfg, err, sizeof err);
    if (!p) {
        fprintf(stderr, "render: pool_new: %s\n", err);
        return 1;
    }
    int rc = pool_start(p);
    if (rc != 0) {
        fprintf(stderr, "render: pool_start: %s\n", core_strerror(rc));
        pool_free(p);
        return 1;
    }
    pool_wait(p);
    pool_lock(p);
    r->base = xcalloc(1, sizeof *r->base);
    model_init(r->base);
    model_copy(r->base, pool_history_base(p));
    r->n = pool_history_len(p);
    r->ev = xmalloc((r->n ? r->n : 1) * sizeof *r->ev);
    for (size_t i = 0; i < r->n; i++)
        r->ev[i] = *pool_history_at(p, i);
    pool_unlock(p);
    int status = pool_exit_status(p);
    pool_free(p);
    if (status != 0) {
        fprintf(stderr, "render: the recorded run failed (exit status %d)\n", status);
        return 1;
    }
    return 0;
}

/* The recording folded up to event `next`: the source's model, then the
 * UI's timeline and log (model first, so the log has names). */
typedef struct {
    const recording_t *rec;
    model_t *src;
    timeline_t *tl;
    evlog_t *log;
    size_t next;
} fold_t;

static void fold_one(fold_t *f)
{
    const pevent_t *ev = &f->rec->ev[f->next++];
    model_apply(f->src, ev);
    timeline_apply(f->tl, ev);
    evlog_add(f->log, ev, f->src);
}

/* ---- the terminal: a pseudo-terminal and its reader ---- */

typedef struct {
    int master;
    atomic_ullong bytes; /* read from the terminal's side so far */
    pthread_t reader;
} pty_t;

/* The terminal emulator's part: read and discard, as fast as it comes.
 * Ends when the last slave descriptor closes (read fails with EIO). */
static void *drain(void *arg)
{
    pty_t *t = arg;
    char buf[65536];
    for (;;) {
        ssize_t n = read(t->master, buf, sizeof buf);
        if (n > 0)
            atomic_fetch_add(&t->bytes, (unsigned long long)n);
        else if (n < 0 && errno == EINTR)
            continue;
        else
            return NULL;
    }
}

/* Waits until the reader has caught up with everything written so far (the
 * count stops growing), so a byte count taken now belongs to the frames
 * before it. */
static unsigned long long settled_bytes(pty_t *t)
{
    unsigned long long last = atomic_load(&t->bytes);
    for (int quiet = 0; quiet < 3;) {
        nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
        unsigned long long now = atomic_load(&t->bytes);
        quiet = now == last ? quiet + 1 : 0;
        last = now;
    }
    return last;
}

/* Makes a rows x cols pseudo-terminal this process's stdin and stdout and
 * starts its reader. Returns the original stdout, for the result line. */
static FILE *pty_open(pty_t *t, int rows, int cols)
{
    t->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (t->master < 0 || grantpt(t->master) != 0 || unlockpt(t->master) != 0) {
        perror("render: posix_openpt");
        exit(BENCH_EXIT_FAIL);
    }
    /* The size first: curses takes it from the terminal (TIOCGWINSZ). */
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    const char *name = ptsname(t->master);
    int slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
    if (slave < 0 || ioctl(t->master, TIOCSWINSZ, &ws) != 0) {
        perror("render: the pseudo-terminal");
        exit(BENCH_EXIT_FAIL);
    }
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    FILE *result = saved >= 0 ? fdopen(saved, "w") : NULL;
    if (!result || dup2(slave, STDIN_FILENO) < 0 || dup2(slave, STDOUT_FILENO) < 0) {
        perror("render: dup2");
        exit(BENCH_EXIT_FAIL);
    }
    close(slave);
    atomic_init(&t->bytes, 0);
    if (pthread_create(&t->reader, NULL, drain, t) != 0) {
        fprintf(stderr, "render: cannot start the terminal's reader\n");
        exit(BENCH_EXIT_FAIL);
    }
    return result;
}

/* Gives stdin and stdout back (to /dev/null and the original stdout), which
 * closes the last slave descriptor, so the reader ends. */
static void pty_close(pty_t *t, FILE *result)
{
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        close(null);
    }
    fflush(stdout);
    dup2(fileno(result), STDOUT_FILENO);
    pthread_join(t->reader, NULL);
    close(t->master);
}

/* ---- timing ---- */

/* The pct-th percentile (1..100) of n > 0 sorted samples by nearest rank:
 * the smallest sample that pct% of them do not exceed. Integer arithmetic,
 * so 99% of 1000 is rank 990 exactly. */
static uint64_t percentile(const uint64_t *sorted, int n, int pct)
{
    int64_t rank = ((int64_t)pct * n + 99) / 100;
    return sorted[rank < 1 ? 0 : rank - 1];
}

static const pevent_t *recorded_at(void *ud, size_t i) { return &((const recording_t *)ud)->ev[i]; }

/* --rewind: S steps back from the end of the history, each timed. */
static int rewind_measure(const recording_t *rec, int64_t steps)
{
    if (rec->n < (size_t)steps) {
        fprintf(stderr, "render: the run has %zu events, too few for %" PRId64 " steps back\n", rec->n, steps);
        return BENCH_EXIT_USAGE;
    }
    checkpoints_t *c = xmalloc(sizeof *c);
    model_t *view = xmalloc(sizeof *view);
    checkpoints_init(c);
    checkpoints_rebase(c, rec->base);
    for (size_t i = 0; i < rec->n; i++)
        checkpoints_feed(c, &rec->ev[i]);
    history_t h = {.base = rec->base, .len = rec->n, .at = recorded_at, .ud = (void *)rec};
    model_init(view);
    /* The old way, once: the whole history folded from its base. */
    uint64_t t0 = bench_now_ns();
    model_copy(view, rec->base);
    for (size_t i = 0; i < rec->n; i++)
        model_apply(view, &rec->ev[i]);
    uint64_t refold = bench_now_ns() - t0;
    uint64_t *step = xmalloc((size_t)steps * sizeof *step);
    uint64_t at = view->events;
    for (int64_t i = 0; i < steps; i++) {
        uint64_t s0 = bench_now_ns();
        checkpoints_model_at(c, view, --at, &h);
        step[i] = bench_now_ns() - s0;
    }
    int n = (int)steps;
    double median = bench_median(step, n);
    printf("render-rewind events=%zu steps=%d median_us=%.1f worst_us=%.1f refold_us=%.1f checkpoints=%zu\n",
           rec->n, n, median / 1e3, (double)step[n - 1] / 1e3, (double)refold / 1e3, c->len);
    free(step);
    model_done(view);
    free(view);
    checkpoints_done(c);
    free(c);
    return 0;
}

int main(int argc, char **argv)
{
    int64_t cols = 200, rows = 60, workers = 64, jobs = 1000, frames = 1000, rewind = 0;
    bool ascii = false;
    const bench_opt_t opts[] = {
        {"cols", &cols, LAYOUT_MIN_COLS, 1000, NULL, "terminal columns"},
        {"rows", &rows, LAYOUT_MIN_ROWS, 1000, NULL, "terminal rows"},
        {"workers", &workers, 1, POOL_MAX_WORKERS, NULL, "workers of the recorded run"},
        {"jobs", &jobs, 1, 1000000, NULL, "1 s sleep jobs of the recorded run"},
        {"frames", &frames, 1, 1000000, NULL, "frames timed, one event apart"},
        {"ascii", NULL, 0, 0, &ascii, "ASCII glyphs (LC_ALL=C) instead of UTF-8"},
        {"rewind", &rewind, 0, 1000000, NULL, "instead of frames: this many steps back over the history"},
    };
    bench_parse(argc, argv, opts, (int)(sizeof opts / sizeof opts[0]));

    recording_t rec;
    if (record(workers, jobs, &rec) != 0)
        return BENCH_EXIT_FAIL;
    if (rewind > 0)
        return rewind_measure(&rec, rewind);
    /* The frames are the middle of the run: workers busy, both channels in
     * use, results coming in; not the start-up nor the drain. */
    if (rec.n < (size_t)frames + 2) {
        fprintf(stderr, "render: the run has %zu events, too few for %" PRId64 " frames: more --jobs\n", rec.n,
                frames);
        return BENCH_EXIT_USAGE;
    }
    size_t first = (rec.n - (size_t)frames) / 2;

    /* src is the source's model (the pool's, in the program); shown the
     * UI's copy of it, which is what is drawn. */
    model_t *src = xcalloc(1, sizeof *src), *shown = xcalloc(1, sizeof *shown);
    timeline_t *tl = xcalloc(1, sizeof *tl);
    evlog_t *log = xcalloc(1, sizeof *log);
    model_init(src);
    model_init(shown);
    model_copy(src, rec.base);
    timeline_init(tl);
    evlog_reset(log);
    fold_t fold = {.rec = &rec, .src = src, .tl = tl, .log = log};
    while (fold.next < first)
        fold_one(&fold);

    /* The program's own terminal set-up, on the pseudo-terminal. */
    setenv("TERM", "xterm-256color", 1);
    setenv("LC_ALL", ascii ? "C" : "C.UTF-8", 1);
    unsetenv("NO_COLOR");
    unsetenv("LINES"); /* else curses would take the size from them, not the terminal */
    unsetenv("COLUMNS");
    pty_t pty;
    FILE *result = pty_open(&pty, (int)rows, (int)cols);
    theme_t theme;
    char err[256];
    if (term_init(&theme, err, sizeof err) != 0) {
        pty_close(&pty, result);
        fprintf(stderr, "render: term_init: %s\n", err);
        return BENCH_EXIT_FAIL;
    }
    bool colour = has_colors();
    if (LINES != rows || COLS != cols) {
        int got_rows = LINES, got_cols = COLS;
        term_done();
        pty_close(&pty, result);
        fprintf(stderr, "render: curses sees %dx%d, not %" PRId64 "x%" PRId64 "\n", got_cols, got_rows, cols, rows);
        return BENCH_EXIT_FAIL;
    }

    /* As ui.c's draw() fills it for a live run that is running. */
    view_t v = {.theme = &theme, .m = shown, .tl = tl, .log = log, .title = "default experiment",
                .source = VIEW_LIVE};
    uint64_t *frame = xmalloc((size_t)frames * sizeof *frame), *draw = xmalloc((size_t)frames * sizeof *draw),
             *out = xmalloc((size_t)frames * sizeof *out), *copy = xmalloc((size_t)frames * sizeof *copy);
    uint64_t first_ns = 0;
    unsigned long long bytes_before = 0;
    /* Frame -1 paints the empty screen whole: timed apart, not a sample. */
    for (int64_t f = -1; f < frames; f++) {
        fold_one(&fold);
        uint64_t t0 = bench_now_ns();
        model_copy(shown, src);
        uint64_t t1 = bench_now_ns();
        v.now = shown->now;
        v.speed = shown->speed;
        v.paused = shown->paused;
        screen_draw(stdscr, &v, LINES, COLS);
        uint64_t t2 = bench_now_ns();
        wnoutrefresh(stdscr);
        doupdate();
        uint64_t t3 = bench_now_ns();
        if (f < 0) {
            first_ns = t3 - t1;
            bytes_before = settled_bytes(&pty);
            continue;
        }
        copy[f] = t1 - t0;
        draw[f] = t2 - t1;
        out[f] = t3 - t2;
        frame[f] = t3 - t1;
    }
    unsigned long long bytes = settled_bytes(&pty) - bytes_before;
    bool utf8 = theme.utf8;
    term_done();
    pty_close(&pty, result);

    int n = (int)frames;
    double median = bench_median(frame, n); /* sorts: the percentiles read the sorted samples */
    fprintf(result,
            "render cols=%" PRId64 " rows=%" PRId64 " workers=%" PRId64 " frames=%d median_us=%.1f worst_us=%.1f"
            " p99_us=%.1f draw_median_us=%.1f out_median_us=%.1f copy_median_us=%.1f bytes_per_frame=%.0f"
            " first_us=%.1f utf8=%d colour=%d events=%zu from_event=%zu\n",
            cols, rows, workers, n, median / 1e3, (double)frame[n - 1] / 1e3, (double)percentile(frame, n, 99) / 1e3,
            bench_median(draw, n) / 1e3, bench_median(out, n) / 1e3, bench_median(copy, n) / 1e3,
            (double)bytes / (double)n, (double)first_ns / 1e3, utf8, colour, rec.n, first);
    fclose(result);

    free(frame);
    free(draw);
    free(out);
    free(copy);
    model_done(src);
    model_done(shown);
    model_done(rec.base);
    timeline_done(tl);
    free(src);
    free(shown);
    free(rec.base);
    free(tl);
    free(log);
    free(rec.ev);
    return 0;
}
