/* run.c - `poolviz run`: one experiment, headless. Events go to stdout as
 * they happen (text lines or JSON lines), the summary follows, and --trace
 * writes a Chrome trace. The trace file appears only complete: it is
 * written to a fresh temporary file beside it (mkstemp: an existing file is
 * never touched) and renamed at the end, removed on any failure. The
 * temporary file is made before the run, so a path that cannot be written
 * is a usage error up front. When stdout goes away (`poolviz run | head`),
 * the run stops as if interrupted, quietly: SIGPIPE is ignored, so the
 * write fails with EPIPE instead of killing the process mid-trace. */
#include "cli/commands.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/options.h"
#include "core/xalloc.h"
#include "views/jsonl.h"
#include "views/text.h"
#include "views/trace.h"

typedef struct {
    cli_output_t out;
    text_view_t text;
    trace_t *trace;
    FILE *trace_file;
    char *trace_tmp;
    bool output_closed; /* stdout failed: nothing more is written there */
} run_t;

static void run_help(void)
{
    printf("usage: poolviz run [OPTIONS]\n\n"
           "Runs a worker pool (by default 3 workers over 9 one-second jobs) and prints\n"
           "each step as it happens, then a summary. Durations are virtual time.\n\n"
           "Options:\n%s"
           "      --format F         text (default) or jsonl (one JSON object per event)\n"
           "      --trace FILE       also write a Chrome trace (Perfetto, chrome://tracing)\n"
           "  -q, --quiet            print the summary only\n"
           "  -h, --help             show this help\n\n"
           "Exit status: 0, 2 when the run deadlocks or panics (Go's message on\n"
           "stderr), 64 for a usage error, 130 when interrupted, 141 when stdout\n"
           "was closed (the run stops).\n",
           cli_run_options_help);
}

static const char *job_path(const void *pool, int64_t job) { return pool_job_path(pool, job); }

/* The pool's sink: every event, in order, on the collector thread. */
static void sink(void *ud, const pevent_t *ev, const model_t *m)
{
    run_t *r = ud;
    if (!r->output_closed) {
        if (r->out.format == FORMAT_JSONL)
            jsonl_write_event(stdout, ev, m);
        else
            text_view_event(&r->text, ev, m);
        if (ferror_unlocked(stdout) && errno == EPIPE) {
            r->output_closed = true; /* the run is being stopped: no more output */
            cli_output_closed();
        }
    }
    if (r->trace)
        trace_event(r->trace, ev, m);
}

/* The temporary file for --trace, beside it so the rename stays on one file
 * system. Any failure is a usage error: the run has not started. */
static int open_trace(run_t *r)
{
    const char *path = r->out.trace_path;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_usage_error("--trace %s: %s", path, strerror(EISDIR));
    r->trace_tmp = xasprintf("%s.XXXXXX", path);
    int fd = mkstemp(r->trace_tmp);
    if (fd < 0) {
        int e = errno;
        free(r->trace_tmp);
        r->trace_tmp = NULL;
        return cli_usage_error("--trace %s: %s", path, strerror(e));
    }
    /* mkstemp makes it private; the trace gets what any new file would. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(r->trace_file = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        remove(r->trace_tmp);
        free(r->trace_tmp);
        r->trace_tmp = NULL;
        return cli_usage_error("--trace %s: %s", path, strerror(e));
    }
    r->trace = trace_open(r->trace_file);
    return 0;
}

/* Finishes the trace: renamed into place when keep, else removed. */
static int close_trace(run_t *r, bool keep)
{
    if (!r->trace_tmp)
        return 0;
    int rc = 0;
    if (r->trace && trace_close(r->trace) != 0)
        rc = -1;
    if (fclose(r->trace_file) != 0)
        rc = -1;
    if (keep && rc == 0 && rename(r->trace_tmp, r->out.trace_path) != 0)
        rc = -1;
    int e = errno;
    if (!keep || rc != 0)
        remove(r->trace_tmp);
    free(r->trace_tmp);
    r->trace_tmp = NULL;
    return keep && rc != 0 ? cli_error("--trace %s: %s", r->out.trace_path, strerror(e)) : 0;
}

/* After the run: the summary, Go's failure report, the exit status. */
static int finish(run_t *r, pool_t *p, cli_stop_t stop)
{
    if (stop == CLI_STOP_OUTPUT_CLOSED) {
        close_trace(r, false);
        return CLI_EX_OUTPUT_CLOSED;
    }
    if (r->out.format == FORMAT_TEXT) {
        pool_lock(p);
        text_view_summary(&r->text, pool_model(p));
        pool_unlock(p);
    }
    const char *failure = pool_failure(p);
    if (failure) {
        fflush(stdout);
        fprintf(stderr, "%s%s", failure, failure[strlen(failure) - 1] == '\n' ? "" : "\n");
    }
    bool interrupted = stop == CLI_STOP_SIGNAL;
    if (interrupted)
        fprintf(stderr, "poolviz: interrupted\n");
    int status = interrupted ? CLI_EX_INTERRUPTED : pool_exit_status(p);
    /* A deadlock's trace is kept: it is the one most worth looking at. */
    if (close_trace(r, !interrupted) != 0 && status == 0)
        status = 1;
    if (fflush(stdout) != 0) {
        /* closed after the run's last event: the summary could not go out */
        if (errno == EPIPE)
            return CLI_EX_OUTPUT_CLOSED;
        if (status == 0)
            status = cli_error("writing the output: %s", strerror(errno));
    }
    return status;
}

int cmd_run(int argc, char **argv)
{
    run_t r = { 0 };
    pool_config_t cfg;
    char err[256];
    if (cli_parse_run_options(argc, argv, &cfg, &r.out, err, sizeof err) != 0)
        return cli_usage_error("%s", err);
    if (r.out.help) {
        run_help();
        return 0;
    }
    pool_t *p = pool_new(&cfg, err, sizeof err);
    if (!p)
        return cli_usage_error("%s", err);
    text_view_init(&r.text, stdout, !r.out.quiet);
    r.text.job_path = job_path;
    r.text.job_path_ud = p;
    if (r.out.trace_path && open_trace(&r) != 0) {
        pool_free(p);
        return CLI_EX_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    pool_set_sink(p, sink, &r);
    cli_stop_t stop = CLI_STOP_NONE;
    int status;
    if (cli_run_pool(p, &stop) != 0) {
        close_trace(&r, false);
        status = 1;
    } else {
        status = finish(&r, p, stop);
    }
    pool_free(p);
    return status;
}
