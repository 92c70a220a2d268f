/* jsonl.c - the JSON lines writer and reader (jsonl.h).
 *
 * The reader is a small recursive-descent parser for exactly what the
 * writer makes: one flat object of strings and numbers per line. It works on
 * a (pointer, length) pair and checks every index, so embedded NULs, cut
 * lines and random bytes end in an error message, never a read past the end. */
#include "views/jsonl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "views/describe.h"
#include "views/json.h"

/* ---- writer ---- */

static void put_name(FILE *f, const char *key, const char *name)
{
    if (!name)
        return;
    fprintf(f, ",\"%s\":", key);
    json_put_string(f, name);
}

void jsonl_write_event(FILE *f, const pevent_t *ev, const model_t *m)
{
    fprintf(f, "{\"seq\":%" PRIu64 ",\"t\":%" PRId64 ",\"real\":%" PRIu64 ",\"kind\":", ev->seq, ev->virt_ns,
            ev->real_ns);
    if (ev->kind < PE_KIND_COUNT)
        json_put_string(f, pevent_kind_name((pevent_kind_t)ev->kind));
    else
        fprintf(f, "%u", (unsigned)ev->kind);
    fprintf(f, ",\"actor\":%u", (unsigned)ev->actor);
    put_name(f, "actor_name", view_actor_name(m, ev->actor));
    fprintf(f, ",\"obj\":%u", (unsigned)ev->obj);
    put_name(f, "obj_name", view_object_name(m, ev->obj));
    fprintf(f, ",\"job\":%" PRId64 ",\"value\":%" PRId64 ",\"aux\":%" PRId64 ",\"wait\":", ev->job, ev->value,
            ev->aux);
    /* always a string: "" for none, the number as text if unknown */
    if (ev->wait < PW_COUNT) {
        json_put_string(f, pool_wait_name((pool_wait_t)ev->wait));
    } else {
        char number[8];
        snprintf(number, sizeof number, "%u", (unsigned)ev->wait);
        json_put_string(f, number);
    }
    fprintf(f, ",\"ok\":%d,\"err\":%" PRId32 "}\n", (int)ev->ok, ev->err);
}

/* ---- reader: one line ---- */

enum { STR_MAX = 64 };

typedef struct {
    const char *s;
    size_t len, pos;
    char *msg;
    size_t msglen;
} lex_t;

typedef enum { V_STRING, V_INTEGER, V_OTHER } vtype_t;

typedef struct {
    vtype_t type;
    char str[STR_MAX]; /* V_STRING, cut short when too long */
    bool cut;
    bool neg;          /* V_INTEGER: sign and magnitude */
    uint64_t mag;
    bool too_big;
} value_t;

static int error_at(lex_t *lx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int error_at(lex_t *lx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->msg, lx->msglen, fmt, ap);
    va_end(ap);
    return -1;
}

static int peek(const lex_t *lx) { return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1; }

static void skip_space(lex_t *lx)
{
    while (peek(lx) == ' ' || peek(lx) == '\t' || peek(lx) == '\r')
        lx->pos++;
}

static int expect(lex_t *lx, char c, const char *what)
{
    skip_space(lx);
    if (peek(lx) != c)
        return error_at(lx, "expected %s", what);
    lx->pos++;
    return 0;
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The character an escape stands for (\uXXXX outside ASCII as '?'). */
static int unescape(lex_t *lx)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    int c = peek(lx);
    const char *hit = c > 0 ? strchr(from, c) : NULL;
    if (hit) {
        lx->pos++;
        return to[hit - from];
    }
    if (c != 'u')
        return error_at(lx, "bad escape in string");
    lx->pos++;
    int code = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(peek(lx));
        if (d < 0)
            return error_at(lx, "bad \\u escape in string");
        code = code * 16 + d;
        lx->pos++;
    }
    return code > 0 && code < 0x80 ? code : '?';
}

static int parse_string(lex_t *lx, value_t *v)
{
    size_t n = 0;
    lx->pos++; /* the opening quote */
    for (;;) {
        int c = peek(lx);
        if (c < 0)
            return error_at(lx, "unterminated string");
        if (c == '"') {
            lx->pos++;
            break;
        }
        if (c < 0x20)
            return error_at(lx, "control character in string");
        lx->pos++;
        if (c == '\\' && (c = unescape(lx)) < 0)
            return -1;
        if (n + 1 < sizeof v->str)
            v->str[n++] = (char)c;
        else
            v->cut = true;
    }
    v->str[n] = '\0';
    v->type = V_STRING;
    return 0;
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* One or more digits, skipped (a fraction's or an exponent's). */
static int skip_digits(lex_t *lx)
{
    if (!is_digit(peek(lx)))
        return error_at(lx, "expected a digit");
    while (is_digit(peek(lx)))
        lx->pos++;
    return 0;
}

/* A JSON number; only integers are kept, the rest is V_OTHER. */
static int parse_number(lex_t *lx, value_t *v)
{
    v->type = V_INTEGER;
    if (peek(lx) == '-') {
        v->neg = true;
        lx->pos++;
    }
    if (!is_digit(peek(lx)))
        return error_at(lx, "expected a digit");
    for (; is_digit(peek(lx)); lx->pos++) {
        unsigned d = (unsigned)(peek(lx) - '0');
        if (v->mag > (UINT64_MAX - d) / 10)
            v->too_big = true;
        else
            v->mag = v->mag * 10 + d;
    }
    if (peek(lx) == '.') {
        lx->pos++;
        if (skip_digits(lx) != 0)
            return -1;
        v->type = V_OTHER;
    }
    if (peek(lx) == 'e' || peek(lx) == 'E') {
        lx->pos++;
        if (peek(lx) == '+' || peek(lx) == '-')
            lx->pos++;
        if (skip_digits(lx) != 0)
            return -1;
        v->type = V_OTHER;
    }
    return 0;
}

static int parse_word(lex_t *lx, value_t *v)
{
    static const char *const words[] = { "true", "false", "null" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (lx->len - lx->pos >= n && memcmp(lx->s + lx->pos, words[i], n) == 0) {
            lx->pos += n;
            v->type = V_OTHER;
            return 0;
        }
    }
    return error_at(lx, "expected a value");
}

static int parse_value(lex_t *lx, value_t *v)
{
    skip_space(lx);
    memset(v, 0, sizeof *v);
    int c = peek(lx);
    if (c == '"')
        return parse_string(lx, v);
    if (c == '-' || is_digit(c))
        return parse_number(lx, v);
    if (c == '{' || c == '[')
        return error_at(lx, "nested objects and arrays are not supported");
    return parse_word(lx, v);
}

/* ---- reader: fields ---- */

static bool fits(const value_t *v, int64_t lo, uint64_t hi)
{
    if (v->too_big)
        return false;
    if (!v->neg || v->mag == 0)
        return v->mag <= hi;
    return lo < 0 && v->mag - 1 <= (uint64_t)(-(lo + 1));
}

static int64_t as_int64(const value_t *v)
{
    return v->neg && v->mag ? -(int64_t)(v->mag - 1) - 1 : (int64_t)v->mag;
}

static int integer(lex_t *lx, const char *key, const value_t *v, int64_t lo, uint64_t hi, uint64_t *out)
{
    if (v->type != V_INTEGER)
        return error_at(lx, "\"%s\": expected an integer", key);
    if (!fits(v, lo, hi))
        return error_at(lx, "\"%s\": out of range", key);
    *out = v->neg ? (uint64_t)as_int64(v) : v->mag;
    return 0;
}

/* A wait's name, or the decimal text the writer gives an unknown one. */
static int wait_parse(const char *name)
{
    for (int w = 0; w < PW_COUNT; w++)
        if (strcmp(pool_wait_name((pool_wait_t)w), name) == 0)
            return w;
    char *end;
    errno = 0;
    long n = strtol(name, &end, 10);
    bool decimal = name[0] >= '0' && name[0] <= '9' && !*end && !errno;
    return decimal && n <= UINT8_MAX ? (int)n : -1;
}

/* A name from its table, or its number. */
static int named(lex_t *lx, const char *key, const value_t *v, int (*parse)(const char *), uint64_t hi, uint64_t *out)
{
    if (v->type != V_STRING)
        return integer(lx, key, v, 0, hi, out);
    int i = v->cut ? -1 : parse(v->str);
    if (i < 0)
        return error_at(lx, "\"%s\": unknown name '%s%s'", key, v->str, v->cut ? "..." : "");
    *out = (uint64_t)i;
    return 0;
}

/* The fields of pevent_t, by key; each value is range-checked for its
 * member, then stored as the member's two's-complement bits. */
#define FIELD(key, member, lo, hi, names) \
    { key, offsetof(pevent_t, member), sizeof(((pevent_t *)0)->member), lo, hi, names }
static const struct {
    const char *key;
    size_t off, size;
    int64_t lo;
    uint64_t hi;
    int (*names)(const char *); /* the member may be given by name */
} fields[] = {
    FIELD("seq", seq, 0, UINT64_MAX, NULL),
    FIELD("real", real_ns, 0, UINT64_MAX, NULL),
    FIELD("t", virt_ns, INT64_MIN, INT64_MAX, NULL),
    FIELD("job", job, INT64_MIN, INT64_MAX, NULL),
    FIELD("value", value, INT64_MIN, INT64_MAX, NULL),
    FIELD("aux", aux, INT64_MIN, INT64_MAX, NULL),
    FIELD("kind", kind, 0, UINT16_MAX, pevent_kind_parse),
    FIELD("actor", actor, 0, UINT16_MAX, NULL),
    FIELD("obj", obj, 0, UINT16_MAX, NULL),
    FIELD("wait", wait, 0, UINT8_MAX, wait_parse),
    FIELD("ok", ok, INT8_MIN, INT8_MAX, NULL),
    FIELD("err", err, INT32_MIN, INT32_MAX, NULL),
};

static void store(pevent_t *ev, size_t off, size_t size, uint64_t u)
{
    unsigned char *dst = (unsigned char *)ev + off;
    uint8_t u8 = (uint8_t)u;
    uint16_t u16 = (uint16_t)u;
    uint32_t u32 = (uint32_t)u;
    switch (size) {
    case 1: memcpy(dst, &u8, 1); break;
    case 2: memcpy(dst, &u16, 2); break;
    case 4: memcpy(dst, &u32, 4); break;
    default: memcpy(dst, &u, 8); break;
    }
}

/* Stores a known field; unknown ones are skipped. */
static int field(lex_t *lx, const char *key, const value_t *v, pevent_t *ev, bool *has_kind)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(key, fields[i].key) != 0)
            continue;
        uint64_t u = 0;
        int rc = fields[i].names ? named(lx, key, v, fields[i].names, fields[i].hi, &u)
                                 : integer(lx, key, v, fields[i].lo, fields[i].hi, &u);
        if (rc == 0)
            store(ev, fields[i].off, fields[i].size, u);
        if (rc == 0 && strcmp(key, "kind") == 0)
            *has_kind = true;
        return rc;
    }
    return 0;
}

int jsonl_parse_line(const char *line, size_t len, pevent_t *ev, size_t *col, char *msg, size_t msglen)
{
    lex_t lx = { line, len, 0, msg, msglen };
    *ev = (pevent_t){ 0 };
    bool has_kind = false;
    int rc = expect(&lx, '{', "'{'");
    skip_space(&lx);
    bool empty = rc == 0 && peek(&lx) == '}';
    while (rc == 0 && !empty) {
        skip_space(&lx);
        value_t key = { 0 }, v;
        if (peek(&lx) != '"') {
            rc = error_at(&lx, "expected a string key");
            break;
        }
        if ((rc = parse_string(&lx, &key)) != 0 || (rc = expect(&lx, ':', "':'")) != 0)
            break;
        size_t value_pos = lx.pos;
        if ((rc = parse_value(&lx, &v)) != 0)
            break;
        size_t end = lx.pos;
        lx.pos = value_pos; /* a bad value is reported where it starts */
        skip_space(&lx);
        if (!key.cut && (rc = field(&lx, key.str, &v, ev, &has_kind)) != 0)
            break;
        lx.pos = end;
        skip_space(&lx);
        if (peek(&lx) == '}')
            break;
        if ((rc = expect(&lx, ',', "',' or '}'")) != 0)
            break;
    }
    if (rc == 0) {
        lx.pos++; /* the closing brace */
        skip_space(&lx);
        if (lx.pos < lx.len)
            rc = error_at(&lx, "unexpected text after the object");
        else if (!has_kind)
            rc = error_at(&lx, "missing \"kind\"");
    }
    *col = (lx.pos < lx.len ? lx.pos : lx.len) + 1;
    return rc;
}

/* ---- reader: files ---- */

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

int jsonl_read_stream(FILE *f, const char *name, pevent_t **events, size_t *n, char *err, size_t errlen)
{
    *events = NULL;
    *n = 0;
    size_t cap = 0, lineno = 0, bufsize = 0;
    char *buf = NULL;
    ssize_t got;
    int rc = 0;
    while ((got = getline(&buf, &bufsize, f)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        if (len && buf[len - 1] == '\n')
            len--;
        if (blank(buf, len))
            continue;
        pevent_t ev;
        size_t col;
        char msg[160];
        if (jsonl_parse_line(buf, len, &ev, &col, msg, sizeof msg) != 0) {
            snprintf(err, errlen, "%s:%zu:%zu: %s", name, lineno, col, msg);
            rc = -1;
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 1024;
            *events = xrealloc(*events, cap * sizeof **events);
        }
        (*events)[(*n)++] = ev;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: %s", name, strerror(errno));
        rc = -1;
    } else if (rc == 0 && *n == 0) {
        snprintf(err, errlen, "%s: no events", name);
        rc = -1;
    }
    free(buf);
    if (rc != 0) {
        free(*events);
        *events = NULL;
        *n = 0;
    }
    return rc;
}

int jsonl_read_file(const char *path, pevent_t **events, size_t *n, char *err, size_t errlen)
{
    *events = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = jsonl_read_stream(f, path, events, n, err, errlen);
    fclose(f);
    return rc;
}
