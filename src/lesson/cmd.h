/* cmd.h - the lesson subcommands of poolviz.
 *
 *   poolviz lessons                      lesson_cmd_list
 *   poolviz lesson --check NAME|FILE...  lesson_cmd_check
 *
 * Both take argv as main does from the subcommand on: argv[0] is the
 * subcommand's name ("lessons", "lesson") and is skipped. Lessons are found
 * in $POOLVIZ_LESSONS, ./lessons, the source tree's lessons/, then
 * $(pkgdatadir)/lessons. */
#ifndef POOLVIZ_LESSON_CMD_H
#define POOLVIZ_LESSON_CMD_H

#include <stdbool.h>
#include <stddef.h>

/* Returns 0. */
int lesson_cmd_list(int argc, char **argv);
/* Returns 0 when every step of every lesson passed, 1 on a failure, 64 on a
 * usage error or a lesson that cannot be found. */
int lesson_cmd_check(int argc, char **argv);

/* An installed lesson: "02-close-jobs", its file, its title. */
typedef struct {
    char *name;
    char *path;
    char *title;
    bool broken;   /* the file has errors: it cannot be run */
} lesson_entry_t;

/* The installed lessons, each file name once (the first directory that has
 * it wins), sorted by name within a directory; *n gets how many. For
 * `poolviz lessons` and the live view's menu. */
lesson_entry_t *lesson_entries(size_t *n);
void lesson_entries_free(lesson_entry_t *e, size_t n);

/* The file of a lesson given by path, file name, name without its number
 * ("close-jobs") or number ("2"); NULL if none. Free the result. */
char *lesson_find(const char *name);

#endif
