/* poolviz.c - the program: global options and the command dispatcher.
 *
 * `poolviz COMMAND [OPTIONS]`. With no arguments it opens the menu of
 * lessons (without lessons, the live view of the default experiment); with
 * run options and no command (`poolviz --speed 10`) it runs that experiment headless, as `poolviz run` does. Commands live in the table below; each is a function
 * taking its own argv (argv[0] is the command's name) and returning the exit
 * status. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lesson/cmd.h"
#include "tui/tui.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command_t;

static int cmd_play(int argc, char **argv) { return tui_play(argc, argv); }

static int cmd_replay(int argc, char **argv)
{
    if (argc != 2)
        return cli_usage_error("usage: poolviz replay FILE.jsonl");
    return tui_replay(argv[1]);
}

static int cmd_lesson(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--check") == 0)
            return lesson_cmd_check(argc, argv);
    return tui_lesson(argc, argv);
}

/* The dispatch point: each area adds its commands here. */
static const command_t commands[] = {
    { "play", cmd_play, "watch a run live in the terminal" },
    { "replay", cmd_replay, "play a recorded run (poolviz run --format jsonl) back live" },
    { "run", cmd_run, "run one experiment and print what happens" },
    { "lessons", lesson_cmd_list, "list the installed lessons" },
    { "lesson", cmd_lesson, "NAME|FILE: a lesson, live; --check NAME|FILE...: verify lessons headless" },
    { "sweep", cmd_sweep, "run a workload with 1..N workers and chart the speedup" },
};

static const command_t *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void help(void)
{
    printf("usage: poolviz [COMMAND] [OPTIONS]\n\n"
           "Shows Go's worker-pool pattern (a jobs channel, workers, a results channel,\n"
           "a WaitGroup, a context) running for real on threads.\n\n"
           "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("  %-8s %s\n", commands[i].name, commands[i].summary);
    printf("\n'poolviz COMMAND --help' describes a command's options.\n"
           "  -h, --help     show this help\n"
           "  -V, --version  show the version\n");
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return tui_menu(argc, argv);
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        help();
        return 0;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
        printf("%s\n", PACKAGE_STRING);
        return 0;
    }
    if (first[0] == '-') /* run options without a command */
        return cmd_run(argc, argv);
    const command_t *c = find(first);
    if (!c)
        return cli_usage_error("unknown command '%s' (try 'poolviz --help')", first);
    return c->fn(argc - 1, argv + 1);
}
