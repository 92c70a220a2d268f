/* execute.c - runs one pool to its end (cli_run_pool, commands.h).
 *
 * Ctrl-C must end the run, not the process: a killed process would leave a
 * half-written trace behind and print no summary. So SIGINT, SIGTERM and
 * SIGHUP are blocked in every thread of the run (they inherit the mask at
 * creation) and a watcher thread takes them with sigwait() and aborts the
 * pool - an ordinary call from an ordinary thread, which a signal handler
 * could not make. The same watcher takes a SIGPIPE sent to the process by
 * cli_output_closed(): a sink cannot abort the pool itself, since the
 * halt's events go through the collector it runs on. SIGUSR1, blocked too,
 * tells the watcher the run is over. */
#include "cli/commands.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"

typedef struct {
    pool_t *pool;
    sigset_t set;
    _Atomic int stop; /* cli_stop_t: the first reason wins */
} watch_t;

static void *watch(void *arg)
{
    watch_t *w = arg;
    int sig = 0;
    while (sigwait(&w->set, &sig) == 0 && sig != SIGUSR1) {
        int none = CLI_STOP_NONE;
        atomic_compare_exchange_strong(&w->stop, &none, sig == SIGPIPE ? CLI_STOP_OUTPUT_CLOSED : CLI_STOP_SIGNAL);
        pool_abort(w->pool);
    }
    return NULL;
}

void cli_output_closed(void) { kill(getpid(), SIGPIPE); }

int cli_run_pool(pool_t *p, cli_stop_t *stop)
{
    watch_t w = { .pool = p };
    sigset_t old;
    sigemptyset(&w.set);
    sigaddset(&w.set, SIGINT);
    sigaddset(&w.set, SIGTERM);
    sigaddset(&w.set, SIGHUP);
    sigaddset(&w.set, SIGPIPE);
    sigaddset(&w.set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &w.set, &old);
    *stop = CLI_STOP_NONE;
    int rc = pool_start(p);
    if (rc != 0) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return cli_error("cannot start the run: %s", core_strerror(rc));
    }
    pthread_t watcher;
    bool watching = pthread_create(&watcher, NULL, watch, &w) == 0;
    pool_wait(p);
    if (watching) {
        pthread_kill(watcher, SIGUSR1);
        pthread_join(watcher, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    *stop = (cli_stop_t)atomic_load(&w.stop);
    return 0;
}
