/* term.c - curses set-up and tear-down, and signals (term.h).
 *
 * State here is process-wide (one terminal): `active` says curses is up;
 * the saved termios and the terminal's own reset strings are taken before
 * curses changes anything, so the crash path can restore the tty with
 * tcsetattr() and write() alone. The self-pipe is written from handlers
 * (async-signal-safe) and read by the UI loop. */
#include "tui/term.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <pthread.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <term.h>

#include "core/xalloc.h"

static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define COUNT(a) (sizeof(a) / sizeof(a)[0])

static volatile sig_atomic_t active; /* curses is up */
static SCREEN *screen;
static int pipe_fd[2] = {-1, -1};
static struct termios saved_tty;
static bool have_tty;
static char reset_seq[256]; /* leave the alternate screen and keypad mode, show the cursor, plain text */
static size_t reset_len;
static struct sigaction old_handled[COUNT(handled)], old_fatal[COUNT(fatal)];
static bool atexit_done;
static int quit_signal; /* the last signal that asked to quit, 0 none */

int term_check(char *err, size_t len)
{
    const char *term = getenv("TERM");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, len, "the live view needs a terminal; for plain text use `poolviz run`");
        return -1;
    }
    if (!term || !*term || strcmp(term, "dumb") == 0) {
        snprintf(err, len, "TERM is %s: the live view needs a real terminal; for plain text use `poolviz run`",
                 term && *term ? "dumb" : "not set");
        return -1;
    }
    return 0;
}

static void mask(int how)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < COUNT(handled); i++)
        sigaddset(&set, handled[i]);
    pthread_sigmask(how, &set, NULL);
}

void term_block_signals(void) { mask(SIG_BLOCK); }
void term_unblock_signals(void) { mask(SIG_UNBLOCK); }

void term_emergency_restore(void)
{
    if (!active)
        return;
    active = 0;
    if (reset_len) {
        ssize_t unused = write(STDOUT_FILENO, reset_seq, reset_len);
        (void)unused;
    }
    if (have_tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    ssize_t unused = write(pipe_fd[1], &b, 1);
    (void)unused;
    errno = saved;
}

/* A crash: the tty first, a short word, then the old handler (ASan's, or the
 * default that dumps core) gets the signal again. */
static void on_fatal(int sig)
{
    term_emergency_restore();
    static const char msg[] = "poolviz: crashed; the terminal was restored\n";
    ssize_t unused = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)unused;
    for (size_t i = 0; i < COUNT(fatal); i++)
        if (fatal[i] == sig)
            sigaction(sig, &old_fatal[i], NULL);
    raise(sig);
}

static void at_exit(void)
{
    if (active && !isendwin())
        endwin();
    term_emergency_restore();
}

/* Appends a terminfo string (if the terminal has it) to the reset sequence. */
static void add_reset(const char *cap)
{
    char *s = tigetstr((char *)cap);
    if (!s || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (reset_len + n < sizeof reset_seq) {
        memcpy(reset_seq + reset_len, s, n);
        reset_len += n;
    }
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < COUNT(handled); i++)
        sigaction(handled[i], &sa, &old_handled[i]);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (size_t i = 0; i < COUNT(fatal); i++)
        sigaction(fatal[i], &sa, &old_fatal[i]);
}

static void restore_handlers(void)
{
    for (size_t i = 0; i < COUNT(handled); i++)
        sigaction(handled[i], &old_handled[i], NULL);
    for (size_t i = 0; i < COUNT(fatal); i++)
        sigaction(fatal[i], &old_fatal[i], NULL);
}

static bool no_color(void)
{
    const char *v = getenv("NO_COLOR");
    return v && *v;
}

/* Colour attributes over the plain theme: states by colour as well as words. */
static void theme_colour(theme_t *t)
{
    enum { P_TITLE = 1, P_RULE, P_WORKING, P_WAITING, P_BLOCKED, P_TICK, P_ERROR, P_GOOD, P_PAUSED, P_KEY, P_JOB0 };
    static const short job_fg[THEME_JOB_COLOURS] = {COLOR_GREEN, COLOR_BLUE, COLOR_MAGENTA,
                                                    COLOR_CYAN,  COLOR_YELLOW, COLOR_RED};
    init_pair(P_TITLE, COLOR_CYAN, -1);
    init_pair(P_RULE, COLOR_CYAN, -1);
    init_pair(P_WORKING, COLOR_GREEN, -1);
    init_pair(P_WAITING, COLOR_YELLOW, -1);
    init_pair(P_BLOCKED, COLOR_RED, -1);
    init_pair(P_TICK, COLOR_MAGENTA, -1);
    init_pair(P_ERROR, COLOR_WHITE, COLOR_RED);
    init_pair(P_GOOD, COLOR_GREEN, -1);
    init_pair(P_PAUSED, COLOR_BLACK, COLOR_YELLOW);
    init_pair(P_KEY, COLOR_CYAN, -1);
    t->attr[TA_TITLE] = A_BOLD | COLOR_PAIR(P_TITLE);
    t->attr[TA_RULE] = A_BOLD | COLOR_PAIR(P_RULE);
    t->attr[TA_WORKING] = A_BOLD | COLOR_PAIR(P_WORKING);
    t->attr[TA_WAITING] = COLOR_PAIR(P_WAITING);
    t->attr[TA_BLOCKED] = A_BOLD | COLOR_PAIR(P_BLOCKED);
    t->attr[TA_TICK] = COLOR_PAIR(P_TICK);
    t->attr[TA_ERROR] = A_BOLD | COLOR_PAIR(P_ERROR);
    t->attr[TA_GOOD] = COLOR_PAIR(P_GOOD);
    t->attr[TA_PAUSED] = COLOR_PAIR(P_PAUSED);
    t->attr[TA_KEY] = A_BOLD | COLOR_PAIR(P_KEY);
    for (int i = 0; i < THEME_JOB_COLOURS; i++) {
        init_pair((short)(P_JOB0 + i), job_fg[i], -1);
        t->job[i] = COLOR_PAIR(P_JOB0 + i);
    }
}

int term_init(theme_t *theme, char *err, size_t len)
{
    if (active)
        return 0;
    if (term_check(err, len) != 0)
        return -1;
    setlocale(LC_ALL, "");
    bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    if (pipe_fd[0] < 0) {
        if (pipe(pipe_fd) != 0) {
            snprintf(err, len, "cannot make a pipe: %s", strerror(errno));
            return -1;
        }
        for (int i = 0; i < 2; i++) {
            fcntl(pipe_fd[i], F_SETFL, fcntl(pipe_fd[i], F_GETFL) | O_NONBLOCK);
            fcntl(pipe_fd[i], F_SETFD, FD_CLOEXEC);
        }
    }
    have_tty = tcgetattr(STDIN_FILENO, &saved_tty) == 0;
    /* Ours before newterm: curses installs its own INT/TERM/WINCH handlers
     * only where none is set, and its INT/TERM one calls endwin() from a
     * signal handler. */
    install_handlers();
    screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        restore_handlers();
        snprintf(err, len, "cannot use terminal '%s'; for plain text use `poolviz run`", getenv("TERM"));
        return -1;
    }
    char *cup = tigetstr("cup");
    if (!cup || cup == (char *)-1) {
        endwin();
        delscreen(screen);
        screen = NULL;
        restore_handlers();
        snprintf(err, len, "terminal '%s' cannot move the cursor; for plain text use `poolviz run`", getenv("TERM"));
        return -1;
    }
    reset_len = 0;
    add_reset("rmcup");
    add_reset("rmkx"); /* keypad(stdscr) put the terminal in keypad mode */
    add_reset("cnorm");
    add_reset("sgr0");
    active = 1;
    if (!atexit_done) {
        atexit(at_exit);
        atexit_done = true;
    }
    xalloc_set_fatal_hook(term_emergency_restore);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    theme_plain(theme, utf8);
    if (has_colors() && !no_color()) {
        start_color();
        use_default_colors();
        theme_colour(theme);
    }
    return 0;
}

void term_done(void)
{
    if (!active)
        return;
    if (!isendwin())
        endwin();
    active = 0;
    delscreen(screen);
    screen = NULL;
    restore_handlers();
    xalloc_set_fatal_hook(NULL);
}

int term_signal_fd(void) { return pipe_fd[0]; }

int term_take_signals(void)
{
    int got = TERM_SIG_NONE;
    unsigned char b[32];
    ssize_t n;
    while ((n = read(pipe_fd[0], b, sizeof b)) > 0)
        for (ssize_t i = 0; i < n; i++) {
            got |= b[i] == SIGWINCH ? TERM_SIG_RESIZE : TERM_SIG_QUIT;
            if (b[i] != SIGWINCH)
                quit_signal = b[i];
        }
    return got;
}

int term_exit_status(void) { return quit_signal ? 128 + quit_signal : 0; }

void term_repaint(void) { clearok(curscr, TRUE); }

void term_resize(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resize_term(ws.ws_row, ws.ws_col);
    /* The terminal reflowed or cut what was on it: curses' picture of the
     * screen is wrong, so the next frame paints every cell. */
    term_repaint();
}
