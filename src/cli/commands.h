/* commands.h - the program's commands (`poolviz run`, `poolviz sweep`) and
 * what they share: reporting a usage error, and running one pool to its end
 * with Ctrl-C stopping the run rather than the process. */
#ifndef POOLVIZ_CLI_COMMANDS_H
#define POOLVIZ_CLI_COMMANDS_H

#include <stdbool.h>

#include "engine/pool.h"

#define CLI_EX_INTERRUPTED 130 /* as a shell reports death by SIGINT */

/* Each takes its arguments from the command's name on (argv[0] is "run")
 * and returns the process's exit status. */
int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

/* "poolviz: MESSAGE" on stderr, one line; returns CLI_EX_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "poolviz: MESSAGE" on stderr; returns 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Starts p (its sink set) and waits for its end. SIGINT and SIGTERM
 * meanwhile abort the run and set *interrupted. Returns 0, or -1 (with a
 * message printed) when the run could not start. */
int cli_run_pool(pool_t *p, bool *interrupted);

#endif
