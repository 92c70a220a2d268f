/* json.c - JSON string quoting (json.h). */
#include "views/json.h"

#include <stdio.h>
#include <string.h>

/* How c is written inside a JSON string, in tmp (at least 7 bytes). */
static const char *escape(unsigned char c, char *tmp)
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\t': return "\\t";
    default:
        if (c < 0x20)
            snprintf(tmp, 7, "\\u%04x", c);
        else
            tmp[0] = (char)c, tmp[1] = '\0';
        return tmp;
    }
}

void json_put_string(FILE *f, const char *s)
{
    char tmp[7];
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        fputs(escape(*p, tmp), f);
    putc('"', f);
}

char *json_quote(char *buf, size_t len, const char *s)
{
    char tmp[7];
    size_t n = 0;
    if (len < 3) {
        if (len)
            buf[0] = '\0';
        return buf;
    }
    buf[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        const char *e = escape(*p, tmp);
        size_t el = strlen(e);
        if (n + el + 2 > len) /* room for the closing quote and the NUL */
            break;
        memcpy(buf + n, e, el);
        n += el;
    }
    buf[n++] = '"';
    buf[n] = '\0';
    return buf;
}
