/* parse.h - internal: what the two halves of the lesson parser share. lesson.c
 * reads lines and the structure (header, code block, steps); values.c reads
 * what is on an action's line (options, conditions, durations, names). */
#ifndef POOLVIZ_LESSON_PARSE_H
#define POOLVIZ_LESSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson/lesson.h"

/* The labels by name: an open-addressing hash of indices into
 * lesson_t.labels, so a lesson with many labels parses in linear time. */
typedef struct {
    int *slots;       /* -1: empty */
    size_t n_slots;   /* a power of two, or 0 */
    int cap;          /* of lesson_t.labels */
} lp_labels_t;

/* The parser's cursor on the current line. */
typedef struct {
    lesson_t *l;
    int lineno;
    const char *line; /* NUL-terminated, without its newline */
    size_t len;       /* strlen(line) */
    size_t pos;
    lp_labels_t *labels;
    /* Where the last column was counted: the next error on the same line
     * counts on from there, so many errors on a long line stay linear. */
    const char *col_line;
    int col_lineno;
    size_t col_at, col_chars;
} lp_t;

/* A slice of the current line. */
typedef struct {
    size_t at, len;
} tok_t;

/* Records a diagnostic at byte offset `at` of the current line, underlining
 * width bytes (at least one). */
void lp_err(lp_t *p, size_t at, size_t width, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* True once the lesson holds as many diagnostics as are kept: a caller may
 * skip the work of one that would be dropped (a suggestion). */
bool lp_full(lp_t *p);
/* Room for one more element in arr (n used, *cap allocated), doubling the
 * capacity, so appending stays linear however long the lesson. */
void *lp_grow(void *arr, int n, int *cap, size_t elem);
/* Next blank-separated word (a "quoted string" is one word); false at the end. */
bool lp_word(lp_t *p, tok_t *t);
/* True when nothing but blanks is left. */
bool lp_at_end(lp_t *p);
/* Reports anything left on the line after the last expected word. */
void lp_expect_end(lp_t *p, const char *after);
bool tok_is(const lp_t *p, tok_t t, const char *s);
char *tok_dup(const lp_t *p, tok_t t);
/* The unquoted text of a "quoted" word, or NULL (with a diagnostic). */
char *tok_unquote(lp_t *p, tok_t t);

/* The candidate closest to word within a small edit distance, or NULL. */
const char *lp_suggest(const char *word, size_t len, const char *const *cands, size_t n);
/* Index of s[0..len) in names[0..n), or -1. */
int lp_lookup(const char *s, size_t len, const char *const *names, size_t n);
/* Reports "unknown WHAT 'word'" with a suggestion from names. */
void lp_unknown(lp_t *p, tok_t t, const char *what, const char *const *names, size_t n);

/* 250ms, 1.5s, 2m, 0: virtual ns. */
bool lp_duration(const char *s, size_t len, int64_t *ns);
/* Reads a duration word, reporting a bad one. */
bool lp_duration_tok(lp_t *p, tok_t t, int64_t *ns);
bool lp_int(const char *s, size_t len, int64_t *v);
bool lp_real(const char *s, size_t len, double *v);

/* values.c: the rest of a configure line; of an expect/run until line. */
void lp_options(lp_t *p, lesson_action_t *a);
bool lp_condition(lp_t *p, lesson_cond_t *c);
/* The label named by t, or -1 with a diagnostic. */
int lp_label(lp_t *p, tok_t t);
/* The label name[0..len), or -1. */
int lp_find_label(const lp_t *p, const char *name, size_t len);
/* Adds a label (a copy of name[0..len)) on code line `line`; its index. */
int lp_add_label(lp_t *p, const char *name, size_t len, int line);

#endif
