/* run.c - `poolviz run`: one experiment, headless. Events go to stdout as
 * they happen (text lines or JSON lines), the summary follows, and --trace
 * writes a Chrome trace. The trace file appears only complete: it is
 * written to FILE.tmp and renamed at the end, removed on any failure. */
#include "cli/commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
           "stderr), 64 for a usage error, 130 when interrupted.\n",
           cli_run_options_help);
}

/* The pool's sink: every event, in order, on the collector thread. */
static void sink(void *ud, const pevent_t *ev, const model_t *m)
{
    run_t *r = ud;
    if (r->out.format == FORMAT_JSONL)
        jsonl_write_event(stdout, ev, m);
    else
        text_view_event(&r->text, ev, m);
    if (r->trace)
        trace_event(r->trace, ev, m);
}

static int open_trace(run_t *r)
{
    r->trace_tmp = xasprintf("%s.tmp", r->out.trace_path);
    r->trace_file = fopen(r->trace_tmp, "w");
    if (!r->trace_file) {
        int e = errno;
        free(r->trace_tmp);
        r->trace_tmp = NULL;
        return cli_error("--trace %s: %s", r->out.trace_path, strerror(e));
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
static int finish(run_t *r, pool_t *p, bool interrupted)
{
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
    if (interrupted)
        fprintf(stderr, "poolviz: interrupted\n");
    int status = interrupted ? CLI_EX_INTERRUPTED : pool_exit_status(p);
    /* A deadlock's trace is kept: it is the one most worth looking at. */
    if (close_trace(r, !interrupted) != 0 && status == 0)
        status = 1;
    if (fflush(stdout) != 0 && status == 0)
        status = cli_error("writing the output: %s", strerror(errno));
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
    if (r.out.trace_path && open_trace(&r) != 0) {
        pool_free(p);
        return 1;
    }
    pool_set_sink(p, sink, &r);
    bool interrupted = false;
    int status;
    if (cli_run_pool(p, &interrupted) != 0) {
        close_trace(&r, false);
        status = 1;
    } else {
        status = finish(&r, p, interrupted);
    }
    pool_free(p);
    return status;
}
