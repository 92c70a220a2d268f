/* check.h - headless lesson checking: a line per step, ok or FAIL. */
#ifndef POOLVIZ_LESSON_CHECK_H
#define POOLVIZ_LESSON_CHECK_H

#include <stdbool.h>
#include <stdio.h>

typedef struct {
    FILE *out;      /* the report: a line per step */
    FILE *err;      /* a file's errors; NULL: stderr */
    bool verbose;   /* also each expectation that held, and the answers */
    double timeout; /* real seconds a run may take; 0: the default */
} lesson_check_opts_t;

/* Runs the lesson at path; adds its passed and failed steps to the counts.
 * A file with errors prints them (on err) and counts as one failure. What
 * the file says is printed escaped (lesson_escape). */
void lesson_check_file(const char *path, const lesson_check_opts_t *o, int *passed, int *failed);

#endif
