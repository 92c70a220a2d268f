/* cmd.c - `poolviz lessons` and `poolviz lesson --check` (cmd.h): finding
 * lessons by name in the lesson directories, listing them, checking them. */
#include "lesson/cmd.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/xalloc.h"
#include "lesson/check.h"
#include "lesson/lesson.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/poolviz"
#endif

/* As the other commands: sysexits' EX_USAGE. */
enum { MAX_DIRS = 4, USAGE_ERROR = 64 };

/* The directories searched, in order; fills dirs, returns how many. */
static int lesson_dirs(const char *dirs[MAX_DIRS])
{
    int n = 0;
    const char *env = getenv("POOLVIZ_LESSONS");
    if (env && *env)
        dirs[n++] = env;
    dirs[n++] = "lessons";
#ifdef LESSONS_SRCDIR
    /* An out-of-tree build run before `make install`: the source tree's. */
    dirs[n++] = LESSONS_SRCDIR;
#endif
    dirs[n++] = PKGDATADIR "/lessons";
    return n;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Whether the file name "02-close-jobs.lesson" is the lesson `name`:
 * "02-close-jobs", "close-jobs", "2" or "02". */
static bool names_lesson(const char *file, const char *name)
{
    if (!has_suffix(file, ".lesson"))
        return false;
    size_t stem = strlen(file) - strlen(".lesson");
    const char *dash = strchr(file, '-');
    size_t n = strlen(name);
    if (n == stem && strncmp(file, name, n) == 0)
        return true;
    if (dash && (size_t)(dash - file) < stem && strlen(dash + 1) - strlen(".lesson") == n &&
        strncmp(dash + 1, name, n) == 0)
        return true;
    char *end;
    long want = strtol(name, &end, 10);
    return *name && !*end && dash && atol(file) == want && file[0] >= '0' && file[0] <= '9';
}

char *lesson_find(const char *name)
{
    if (strchr(name, '/') || has_suffix(name, ".lesson"))
        return is_file(name) ? xstrdup(name) : NULL;
    const char *dirs[MAX_DIRS];
    int n = lesson_dirs(dirs);
    for (int i = 0; i < n; i++) {
        DIR *d = opendir(dirs[i]);
        if (!d)
            continue;
        char *found = NULL;
        struct dirent *e;
        while (!found && (e = readdir(d)) != NULL)
            if (names_lesson(e->d_name, name))
                found = xasprintf("%s/%s", dirs[i], e->d_name);
        closedir(d);
        if (found)
            return found;
    }
    return NULL;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

lesson_entry_t *lesson_entries(size_t *count)
{
    const char *dirs[MAX_DIRS];
    int nd = lesson_dirs(dirs);
    lesson_entry_t *out = NULL;
    size_t n_out = 0;
    for (int i = 0; i < nd; i++) {
        DIR *d = opendir(dirs[i]);
        if (!d)
            continue;
        char **files = NULL;
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!has_suffix(e->d_name, ".lesson"))
                continue;
            files = xrealloc(files, (n + 1) * sizeof *files);
            files[n++] = xstrdup(e->d_name);
        }
        closedir(d);
        if (n)
            qsort(files, n, sizeof *files, by_name);
        for (size_t k = 0; k < n; k++) {
            /* The same file name in a later directory is an older copy. */
            size_t stem = strlen(files[k]) - strlen(".lesson");
            bool dup = false;
            for (size_t j = 0; j < n_out && !dup; j++)
                dup = strlen(out[j].name) == stem && strncmp(out[j].name, files[k], stem) == 0;
            if (!dup) {
                char *path = xasprintf("%s/%s", dirs[i], files[k]);
                lesson_t *l = lesson_load(path);
                out = xrealloc(out, (n_out + 1) * sizeof *out);
                out[n_out++] = (lesson_entry_t){
                    .name = xasprintf("%.*s", (int)stem, files[k]),
                    .path = path,
                    /* Shown on a terminal: the file may hold any bytes. */
                    .title = l->title ? lesson_escape(l->title, strlen(l->title)) : xstrdup("(no title)"),
                    .broken = l->n_diags > 0,
                };
                lesson_free(l);
            }
            free(files[k]);
        }
        free(files);
    }
    *count = n_out;
    return out;
}

void lesson_entries_free(lesson_entry_t *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].path);
        free(e[i].title);
    }
    free(e);
}

int lesson_cmd_list(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    size_t n;
    lesson_entry_t *e = lesson_entries(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-28s %s%s\n", e[i].name, e[i].title, e[i].broken ? "  [has errors]" : "");
    if (n == 0)
        printf("no lessons found (looked in $POOLVIZ_LESSONS, ./lessons, the source tree's and %s/lessons)\n",
               PKGDATADIR);
    lesson_entries_free(e, n);
    return 0;
}

static void check_usage(FILE *out)
{
    fprintf(out, "usage: poolviz lesson --check [-v] [--timeout SECONDS] NAME|FILE...\n"
                 "Runs each lesson headless at top speed, answering its questions with the\n"
                 "expected choice, and checks every expectation: a line per step, then\n"
                 "N passed, N failed.\n");
}

int lesson_cmd_check(int argc, char **argv)
{
    lesson_check_opts_t o = { .out = stdout, .err = stderr };
    int first = argc, passed = 0, failed = 0, missing = 0;
    for (int i = 1; i < argc && first == argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            continue;
        if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
            o.verbose = true;
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            o.timeout = atof(argv[++i]);
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            check_usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "poolviz lesson: unknown option '%s'\n", argv[i]);
            check_usage(stderr);
            return USAGE_ERROR;
        } else
            first = i;
    }
    if (first == argc) {
        check_usage(stderr);
        return USAGE_ERROR;
    }
    for (int i = first; i < argc; i++) {
        char *path = lesson_find(argv[i]);
        if (!path) {
            fprintf(stderr, "poolviz lesson: no lesson '%s' (see `poolviz lessons`)\n", argv[i]);
            missing++;
            continue;
        }
        lesson_check_file(path, &o, &passed, &failed);
        free(path);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return missing ? USAGE_ERROR : failed ? 1 : 0;
}
