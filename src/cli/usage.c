/* usage.c - error messages of the commands (commands.h): always one line
 * prefixed with the program's name, so scripts and people read them alike. */
#include "cli/commands.h"

#include <stdarg.h>
#include <stdio.h>

#include "cli/options.h"

static void say(const char *fmt, va_list ap)
{
    fputs("poolviz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    return CLI_EX_USAGE;
}

int cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    return 1;
}
