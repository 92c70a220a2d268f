/* commands.h - the program's commands (`poolviz run`, `poolviz sweep`) and
 * what they share: reporting a usage error, and running one pool to its end
 * with Ctrl-C stopping the run rather than the process. */
#ifndef POOLVIZ_CLI_COMMANDS_H
#define POOLVIZ_CLI_COMMANDS_H

#include <stdbool.h>

#include "engine/pool.h"

#define CLI_EX_INTERRUPTED 130 /* as a shell reports death by SIGINT */
#define CLI_EX_OUTPUT_CLOSED 141 /* as a shell reports death by SIGPIPE */

/* Why a run ended before its time, if it did. */
typedef enum { CLI_STOP_NONE, CLI_STOP_SIGNAL, CLI_STOP_OUTPUT_CLOSED } cli_stop_t;

/* Each takes its arguments from the command's name on (argv[0] is "run")
 * and returns the process's exit status. */
int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

/* "poolviz: MESSAGE" on stderr, one line; returns CLI_EX_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "poolviz: MESSAGE" on stderr; returns 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Starts p (its sink set) and waits for its end. SIGINT, SIGTERM and
 * SIGHUP meanwhile abort the run (*stop = CLI_STOP_SIGNAL), and so does
 * cli_output_closed() (*stop = CLI_STOP_OUTPUT_CLOSED). Returns 0, or -1
 * (with a message printed) when the run could not start. */
int cli_run_pool(pool_t *p, cli_stop_t *stop);
/* From any thread of a run in cli_run_pool (a sink): stdout is gone (EPIPE),
 * so stop the run. Needs SIGPIPE ignored, so that writes fail instead. */
void cli_output_closed(void);

#endif
