/* execute.c - runs one pool to its end (cli_run_pool, commands.h).
 *
 * Ctrl-C must end the run, not the process: a killed process would leave a
 * half-written trace behind and print no summary. So SIGINT and SIGTERM are
 * blocked in every thread of the run (they inherit the mask at creation)
 * and a watcher thread takes them with sigwait() and aborts the pool - an
 * ordinary call from an ordinary thread, which a signal handler could not
 * make. SIGUSR1, blocked too, tells the watcher the run is over. */
#include "cli/commands.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "core/err.h"

typedef struct {
    pool_t *pool;
    sigset_t set;
    atomic_bool interrupted;
} watch_t;

static void *watch(void *arg)
{
    watch_t *w = arg;
    int sig = 0;
    while (sigwait(&w->set, &sig) == 0 && sig != SIGUSR1) {
        atomic_store(&w->interrupted, true);
        pool_abort(w->pool);
    }
    return NULL;
}

int cli_run_pool(pool_t *p, bool *interrupted)
{
    watch_t w = { .pool = p };
    sigset_t old;
    sigemptyset(&w.set);
    sigaddset(&w.set, SIGINT);
    sigaddset(&w.set, SIGTERM);
    sigaddset(&w.set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &w.set, &old);
    *interrupted = false;
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
    *interrupted = atomic_load(&w.interrupted);
    return 0;
}
