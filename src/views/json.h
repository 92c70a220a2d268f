/* json.h - writing JSON strings, for the writers of JSON lines and Chrome
 * traces: names are plain ASCII today, but error texts come from strerror()
 * and a string must never break the file whatever it holds. */
#ifndef POOLVIZ_VIEWS_JSON_H
#define POOLVIZ_VIEWS_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Writes s as a quoted JSON string (NULL as ""). */
void json_put_string(FILE *f, const char *s);
/* The same into buf (always terminated; cut short, never mid-escape, when
 * it does not fit). Returns buf. */
char *json_quote(char *buf, size_t len, const char *s);

#endif
