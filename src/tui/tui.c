/* tui.c - `poolviz play`, `poolviz replay`, `poolviz lesson` and the menu
 * (tui.h): the command line to a source (a configured pool, a recording
 * read whole, a lesson's stepper), then the live view. Every mistake on the
 * command line or in a file is reported on stderr before the terminal
 * changes, so it stays readable. */
#include "tui/tui.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "core/xalloc.h"
#include "engine/pool.h"
#include "lesson/cmd.h"
#include "lesson/lesson.h"
#include "tui/menu.h"
#include "tui/source.h"
#include "tui/stepper.h"
#include "tui/term.h"
#include "tui/ui.h"
#include "views/jsonl.h"

#define EXIT_DATAERR 65 /* sysexits.h's EX_DATAERR: a recording that does not parse */

static void play_help(void)
{
    printf("usage: poolviz play [OPTIONS]\n\n"
           "Runs a worker pool (by default 3 workers over 9 one-second jobs) and shows\n"
           "it live in the terminal: the jobs channel, each worker, the results, a\n"
           "timeline and the events in words. Press ? in the view for its keys.\n"
           "Durations are virtual time.\n\n"
           "Options (those of poolviz run, less its output ones):\n%s"
           "  -h, --help             show this help\n\n"
           "--format, --trace and --quiet shape poolviz run's output and are refused\n"
           "here; record a run with 'poolviz run --format jsonl > FILE' and watch it\n"
           "with 'poolviz replay FILE'.\n"
           "Exit status: 0, 64 for a usage error, 1 when the view cannot start,\n"
           "128 + the signal that ended it (130 for Ctrl-C, 143 for SIGTERM).\n",
           cli_run_options_help);
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "poolviz play: %s (try 'poolviz play --help')\n", msg);
    return CLI_EX_USAGE;
}

/* "3 workers, 9 jobs" and what else was asked, for the title line. */
static void describe_run(char *buf, size_t len, const pool_config_t *cfg, int argc)
{
    if (argc < 2) {
        snprintf(buf, len, "default experiment: 3 workers, 9 jobs of 1 s");
        return;
    }
    size_t at = (size_t)snprintf(buf, len, "%d worker%s, ", cfg->workers, cfg->workers == 1 ? "" : "s");
    if (at < len && cfg->jobs < 0)
        at += (size_t)snprintf(buf + at, len - at, "a job per file");
    else if (at < len)
        at += (size_t)snprintf(buf + at, len - at, "%lld job%s", (long long)cfg->jobs, cfg->jobs == 1 ? "" : "s");
    if (cfg->mistake != MISTAKE_NONE && at < len)
        snprintf(buf + at, len - at, ", with a mistake");
}

int tui_play(int argc, char **argv)
{
    pool_config_t cfg;
    cli_output_t out = {0};
    char err[256] = "";
    if (cli_parse_run_options(argc, argv, &cfg, &out, err, sizeof err) != 0)
        return usage_error(err);
    if (out.help) {
        play_help();
        return 0;
    }
    if (out.format != FORMAT_TEXT || out.trace_path || out.quiet)
        return usage_error("--format, --trace and --quiet are for poolviz run (the view is the output)");
    /* Check the configuration before the terminal changes. */
    pool_t *probe = pool_new(&cfg, err, sizeof err);
    if (!probe)
        return usage_error(err);
    pool_free(probe);
    char title[96];
    describe_run(title, sizeof title, &cfg, argc);
    if (ui_run(source_live(&cfg), title, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "poolviz: %s\n", err);
        return 1;
    }
    return term_exit_status();
}

int tui_replay(const char *path)
{
    if (strcmp(path, "--help") == 0 || strcmp(path, "-h") == 0) {
        printf("usage: poolviz replay FILE.jsonl\n\n"
               "Plays back a run recorded with 'poolviz run --format jsonl > FILE.jsonl'\n"
               "in the live view: space pauses, . steps one event, + and - change the\n"
               "speed, the arrows rewind while paused, r plays it again from the\n"
               "start, q quits. The recording cannot\n"
               "change: the keys that change a live run are refused.\n\n"
               "Exit status: 0, 65 when the file is not a recording (FILE:LINE:COL says\n"
               "where), 1 when it cannot be read or the view cannot start, 128 + the\n"
               "signal that ended it (130 for Ctrl-C, 143 for SIGTERM).\n");
        return 0;
    }
    char err[512] = "";
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "poolviz: %s: %s\n", path, strerror(errno));
        return 1;
    }
    pevent_t *events = NULL;
    size_t n = 0;
    int rc = jsonl_read_stream(f, path, &events, &n, err, sizeof err);
    fclose(f);
    if (rc != 0) {
        fprintf(stderr, "poolviz: %s\n", err);
        return EXIT_DATAERR;
    }
    /* The title names the file, not its directories: the line is short. */
    const char *base = strrchr(path, '/');
    char title[96];
    snprintf(title, sizeof title, "replay of %s", base ? base + 1 : path);
    if (ui_run(source_replay(events, n), title, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "poolviz: %s\n", err);
        return 1;
    }
    return term_exit_status();
}

/* ---- lessons ---- */

/* The directory a lesson's `dir=` is relative to: its file's. */
static char *dir_of_file(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? xasprintf("%.*s", slash == path ? 1 : (int)(slash - path), path) : xstrdup(".");
}

/* For the menu, which has one line to say why: a lesson that parsed, or
 * NULL with the first of its diagnostics ("FILE:LINE:COL: message") in err,
 * and how many more there are. */
static lesson_t *load_lesson(const char *path, char *err, size_t errlen)
{
    lesson_t *l = lesson_load(path);
    if (l->n_diags == 0)
        return l;
    const lesson_diag_t *d = &l->diags[0];
    int more = l->n_diags - 1;
    if (more > 0)
        snprintf(err, errlen, "%s:%d:%d: %s (and %d more: poolviz lesson --check %s)", path, d->line, d->col,
                 d->message, more, path);
    else
        snprintf(err, errlen, "%s:%d:%d: %s", path, d->line, d->col, d->message);
    lesson_free(l);
    return NULL;
}

/* The lesson screen of l; theme NULL: starts and ends the terminal itself. */
static int show_lesson(const lesson_t *l, const char *path, const theme_t *theme, bool *quit_all, char *err,
                       size_t errlen)
{
    char *dir = dir_of_file(path);
    stepper_t *st = stepper_new(l, dir);
    source_t src = stepper_source(st);
    const char *title = l->title ? l->title : path;
    int rc;
    if (theme) {
        rc = ui_show(src, title, st, theme, quit_all, err, errlen);
        src.ops->stop(src.ud);
    } else {
        rc = ui_run(src, title, st, err, errlen);
    }
    free(dir);
    return rc;
}

int tui_lesson(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: poolviz lesson NAME|FILE\n"
               "       poolviz lesson --check [-v] NAME|FILE...\n\n"
               "Opens a lesson in the live view: its Go program, with a mark on the line\n"
               "each goroutine is on, the step's narration, and the pool running beside\n"
               "them. n runs the next step (a question first, when it asks one: answer\n"
               "with 1, 2, 3...), p the previous one (the lesson replays up to it at top\n"
               "speed), r this one again, Tab shows the whole pool, ? the keys, q quits.\n"
               "--check runs lessons headless and verifies every claim.\n"
               "Lessons are found as `poolviz lessons` lists them, or by path.\n"
               "Exit status: 0, 64 for a usage error or a lesson not found, 65 for a\n"
               "lesson file with errors, 1 when the view cannot start, 128 + the signal\n"
               "that ended it (130 for Ctrl-C, 143 for SIGTERM).\n");
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "poolviz lesson: usage: poolviz lesson NAME|FILE (or --check NAME|FILE...)\n");
        return CLI_EX_USAGE;
    }
    char *path = lesson_find(argv[1]);
    if (!path) {
        fprintf(stderr, "poolviz lesson: no lesson '%s' (see `poolviz lessons`)\n", argv[1]);
        return CLI_EX_USAGE;
    }
    char err[512] = "";
    lesson_t *l = lesson_load(path);
    if (l->n_diags) { /* all of them, with their lines and carets */
        lesson_print_diags(l, stderr);
        lesson_free(l);
        free(path);
        return EXIT_DATAERR;
    }
    int rc = show_lesson(l, path, NULL, NULL, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "poolviz: %s\n", err);
    lesson_free(l);
    free(path);
    return rc == 0 ? term_exit_status() : 1;
}

/* ---- the menu ---- */

typedef struct {
    lesson_entry_t *lessons;
    size_t n_lessons;
    menu_item_t *items;   /* the lessons, then the free play */
    int n, sel;
    theme_t theme;
    char notice[160];
    bool quit;
} menu_t;

static void menu_draw(menu_t *m)
{
    draw_menu(stdscr, &m->theme, m->items, m->n, m->sel, m->notice[0] ? m->notice : NULL, LINES, COLS);
    wnoutrefresh(stdscr);
    doupdate();
}

/* Opens items[sel]; the screen it opens returns here with q. */
static void menu_open(menu_t *m)
{
    char err[512] = "";
    bool quit_all = false;
    m->notice[0] = '\0';
    if ((size_t)m->sel < m->n_lessons) {
        const char *path = m->lessons[m->sel].path;
        lesson_t *l = load_lesson(path, err, sizeof err);
        if (!l) {
            snprintf(m->notice, sizeof m->notice, "%s", err);
            return;
        }
        if (show_lesson(l, path, &m->theme, &quit_all, err, sizeof err) != 0)
            snprintf(m->notice, sizeof m->notice, "%s", err);
        lesson_free(l);
    } else {
        pool_config_t cfg;
        pool_config_default(&cfg);
        source_t src = source_live(&cfg);
        if (ui_show(src, "default experiment: 3 workers, 9 jobs of 1 s", NULL, &m->theme, &quit_all, err,
                    sizeof err) != 0)
            snprintf(m->notice, sizeof m->notice, "%s", err);
        src.ops->stop(src.ud);
    }
    m->quit = quit_all;
}

static void menu_key(menu_t *m, int key)
{
    switch (key) {
    case 'q': case 'Q': m->quit = true; break;
    case KEY_UP: case 'k': m->sel = m->sel > 0 ? m->sel - 1 : m->n - 1; break;
    case KEY_DOWN: case 'j': m->sel = m->sel + 1 < m->n ? m->sel + 1 : 0; break;
    case KEY_HOME: case 'g': m->sel = 0; break;
    case KEY_END: case 'G': m->sel = m->n - 1; break;
    case '\n': case '\r': case KEY_ENTER: menu_open(m); break;
    default: break;
    }
}

int tui_menu(int argc, char **argv)
{
    menu_t m = {0};
    m.lessons = lesson_entries(&m.n_lessons);
    if (m.n_lessons == 0) {
        lesson_entries_free(m.lessons, 0);
        return tui_play(argc, argv);
    }
    m.n = (int)m.n_lessons + 1;
    m.items = xcalloc((size_t)m.n, sizeof *m.items);
    for (size_t i = 0; i < m.n_lessons; i++)
        m.items[i] = (menu_item_t){m.lessons[i].name, m.lessons[i].title, m.lessons[i].broken};
    m.items[m.n - 1] = (menu_item_t){"free play", "3 workers, 9 one-second jobs; every key works", false};
    char err[256] = "";
    int rc = 0;
    if (term_init(&m.theme, err, sizeof err) != 0) {
        fprintf(stderr, "poolviz: %s\n", err);
        rc = 1;
    } else {
        struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = term_signal_fd(), .events = POLLIN}};
        while (!m.quit) {
            int sig = term_take_signals();
            if (sig & TERM_SIG_QUIT)
                break;
            if (sig & TERM_SIG_RESIZE)
                term_resize();
            menu_draw(&m);
            if (poll(fds, 2, -1) < 0 && errno != EINTR)
                break;
            int key;
            while (!m.quit && (key = getch()) != ERR)
                menu_key(&m, key);
        }
        term_done();
        rc = term_exit_status();
    }
    free(m.items);
    lesson_entries_free(m.lessons, m.n_lessons);
    return rc;
}
