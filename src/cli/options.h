/* options.h - the run options (`poolviz run`, `poolviz sweep`, and the TUI's
 * `poolviz play`) parsed into a pool_config_t plus what the headless views
 * need. Pure: nothing is printed and nothing exits, so every command that
 * takes run options shares one parser and reports errors its own way. */
#ifndef POOLVIZ_CLI_OPTIONS_H
#define POOLVIZ_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/pool.h"

#define CLI_EX_USAGE 64 /* sysexits.h's EX_USAGE */
#define CLI_MAX_SWEEP 64 /* worker counts one sweep may measure */

typedef enum { FORMAT_TEXT, FORMAT_JSONL } cli_format_t;

typedef struct {
    /* Set by the caller before parsing: a sweep takes a list of worker
     * counts (--workers 1..16 or 1,2,4,8) and --csv. */
    bool sweep;
    /* Set by the parser. */
    bool help;                    /* --help: the caller prints its usage */
    cli_format_t format;
    const char *trace_path;       /* --trace FILE, NULL for none */
    bool quiet;
    bool csv;                     /* sweep only */
    int sweep_workers[CLI_MAX_SWEEP]; /* sweep only, in the order given */
    int n_sweep_workers;
} cli_output_t;

/* Parses "250ms", "1s", "1.5s", "100us", "10ns", "2m", "1h" into virtual
 * ns. 0 on success, -1 for anything else (no unit, negative, overflow). */
int cli_parse_ns(const char *s, int64_t *ns);
/* Parses a job duration: a fixed one ("1s"), "uniform:100ms..1s" or
 * "exp:200ms". 0 on success, -1 otherwise. */
int cli_parse_duration(const char *s, duration_spec_t *d);

/* Sets one config option by its long name ("workers", "duration", not the
 * output options) from the text of its value, with the same syntax and
 * limits as the command line: the one mapping of option words onto
 * pool_config_t, shared by the commands and a lesson's `configure`.
 * Returns 0, or -1 with a reason in err that leaves the option's name to
 * the caller ("expected a number between 1 and 1024, got 'abc'") and cfg
 * unchanged. String fields of cfg (dir) point into value. */
int cli_set_run_option(const char *name, const char *value, pool_config_t *cfg, char *err, size_t errlen);
/* The choices of an enumerated option ("kind": sleep, spin, lines), NULL
 * terminated, in its enum's order; NULL for any other name. */
const char *const *cli_run_option_choices(const char *name);

/* Parses run options from argv[1..argc-1] (argv[0] is the command's name)
 * over the defaults it sets in cfg and out (keeping out->sweep). Returns 0,
 * or -1 with one line in err ("--workers: expected a number between 1 and
 * 1024, got 'abc'"). Uses getopt_long (resets optind, may permute argv);
 * strings in cfg and out point into argv. */
int cli_parse_run_options(int argc, char **argv, pool_config_t *cfg, cli_output_t *out, char *err,
                          size_t errlen);

/* The option list for a command's --help, one option per line. */
extern const char cli_run_options_help[];

#endif
