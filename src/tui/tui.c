/* tui.c - `poolviz play` and `poolviz replay` (tui.h): options to a pool
 * configuration, then the live view.
 *
 * Until the command line's shared run options exist (src/cli), play reads
 * the few that matter here itself: --workers, --jobs, --speed, --duration. */
#include "tui/tui.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pool.h"
#include "tui/ui.h"

#define EXIT_USAGE 64

static const char usage_line[] = "usage: poolviz play [--workers N] [--jobs N] [--duration SECONDS] [--speed X]";

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "poolviz: %s '%s' (%s)\n", what, arg, usage_line);
    return EXIT_USAGE;
}

static bool parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

int tui_play(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'w'}, {"jobs", required_argument, NULL, 'n'},
        {"speed", required_argument, NULL, 's'},   {"duration", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    pool_config_t cfg;
    pool_config_default(&cfg);
    const char *title = "default experiment: 3 workers, 9 jobs of 1 s";
    bool custom = false;
    int opt;
    opterr = 0;
    optind = 1;
    while (argc > 1 && (opt = getopt_long(argc, argv, ":w:n:s:d:h", longopts, NULL)) != -1) {
        double v;
        custom = true;
        switch (opt) {
        case 'w':
            if (!parse_double(optarg, &v) || v != floor(v))
                return usage_error("bad --workers", optarg);
            cfg.workers = (int)fmin(fmax(v, -1), 1e6);
            break;
        case 'n':
            if (!parse_double(optarg, &v) || v != floor(v))
                return usage_error("bad --jobs", optarg);
            cfg.jobs = (int64_t)fmin(fmax(v, -1), 1e9);
            break;
        case 's':
            if (!parse_double(optarg, &v))
                return usage_error("bad --speed", optarg);
            cfg.speed = v;
            break;
        case 'd':
            if (!parse_double(optarg, &v) || v < 0 || v > 1e6)
                return usage_error("bad --duration", optarg);
            cfg.duration.a = (int64_t)(v * 1e9);
            break;
        case 'h': printf("%s\n", usage_line); return 0;
        case ':': return usage_error("missing value for", argv[optind - 1]);
        default: return usage_error("unknown option", argv[optind - 1]);
        }
    }
    if (argc > 1 && optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    char title_buf[96];
    if (custom) {
        snprintf(title_buf, sizeof title_buf, "%d workers, %lld jobs", cfg.workers, (long long)cfg.jobs);
        title = title_buf;
    }
    char err[256] = "";
    /* Check the configuration before the terminal changes. */
    pool_t *probe = pool_new(&cfg, err, sizeof err);
    if (!probe) {
        fprintf(stderr, "poolviz: %s (%s)\n", err, usage_line);
        return EXIT_USAGE;
    }
    pool_free(probe);
    if (ui_run_live(&cfg, title, err, sizeof err) != 0) {
        fprintf(stderr, "poolviz: %s\n", err);
        return 1;
    }
    return 0;
}

int tui_replay(const char *path)
{
    fprintf(stderr, "poolviz: replay of %s: not available yet (needs the JSON lines reader)\n", path);
    return 1;
}
