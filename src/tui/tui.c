/* tui.c - `poolviz play` and `poolviz replay` (tui.h): the command line to
 * a source (a configured pool, or a recording read whole), then the live
 * view. Every mistake on the command line or in the file is reported on
 * stderr before the terminal changes, so it stays readable. */
#include "tui/tui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "engine/pool.h"
#include "tui/source.h"
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
           "Exit status: 0, 64 for a usage error, 1 when the view cannot start.\n",
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
    if (ui_run(source_live(&cfg), title, err, sizeof err) != 0) {
        fprintf(stderr, "poolviz: %s\n", err);
        return 1;
    }
    return 0;
}

int tui_replay(const char *path)
{
    if (strcmp(path, "--help") == 0 || strcmp(path, "-h") == 0) {
        printf("usage: poolviz replay FILE.jsonl\n\n"
               "Plays back a run recorded with 'poolviz run --format jsonl > FILE.jsonl'\n"
               "in the live view: space pauses, . steps one event, + and - change the\n"
               "speed, the arrows rewind while paused, q quits. The recording cannot\n"
               "change: the keys that change a live run are refused.\n\n"
               "Exit status: 0, 65 when the file is not a recording (FILE:LINE:COL says\n"
               "where), 1 when it cannot be read or the view cannot start.\n");
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
    if (ui_run(source_replay(events, n), title, err, sizeof err) != 0) {
        fprintf(stderr, "poolviz: %s\n", err);
        return 1;
    }
    return 0;
}
