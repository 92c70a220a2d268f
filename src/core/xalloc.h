/* xalloc.h - allocation that never returns NULL: running out of memory is
 * fatal, reported on stderr after any registered fatal hook has run (the TUI
 * registers one that restores the terminal). */
#ifndef POOLVIZ_CORE_XALLOC_H
#define POOLVIZ_CORE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* A malloc'd string built like printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called once, before the process dies of a fatal error. */
void xalloc_set_fatal_hook(void (*hook)(void));
void xalloc_fatal(const char *what) __attribute__((noreturn));

#endif
