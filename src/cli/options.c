/* options.c - the run-option parser of options.h: getopt_long over one
 * option table, each value checked against the same limits pool_new()
 * enforces, so a bad value is reported with the option's name and the text
 * the user typed instead of as a rejected configuration. */
#include "cli/options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cli_run_options_help[] =
    "  -w, --workers N        workers, 1 to 1024 (default 3)\n"
    "  -j, --jobs N           jobs, 0 to 10000000 (default 9; lines: one per file)\n"
    "  -d, --duration D       job duration: 1s, 250ms, 100us, 2m, uniform:100ms..1s,\n"
    "                         exp:200ms (default 1s)\n"
    "      --kind K           sleep, spin (CPU-bound) or lines (count a file's lines)\n"
    "      --dir PATH         the files lines jobs count\n"
    "      --jobs-cap N       jobs channel capacity, 0 = unbuffered (default 100)\n"
    "      --results-cap N    results channel capacity (default 100)\n"
    "      --collect C        count (main receives N results) or waitgroup\n"
    "                         (a closer goroutine closes results after wg.Wait())\n"
    "      --producer P       upfront (every job at once) or dynamic (one per --interval)\n"
    "      --interval D       the dynamic producer's pace (default 100ms)\n"
    "      --timeout D        context.WithTimeout\n"
    "      --cancel-after D   cancel() the context that long after the start\n"
    "      --rate D           a ticker paces the workers: one job per tick\n"
    "      --fail P           share of jobs that fail, 0 to 1 (default 0)\n"
    "      --seed N           seed of random durations and failures (default 1)\n"
    "  -s, --speed X          virtual clock speed, 0.05 to 1000 (default 1)\n"
    "      --mistake M        forget-close, early-close-results, wait-before-drain\n"
    "                         or send-before-start: a classic bug, on purpose\n"
    "      --worker-form F    select (with ctx.Done()) or range (for j := range jobs)\n"
    "      --history N        events kept for replay (default 1000000)\n";

/* Long-only options get ids above any character. */
enum {
    OPT_KIND = 256, OPT_DIR, OPT_JOBS_CAP, OPT_RESULTS_CAP, OPT_COLLECT, OPT_PRODUCER, OPT_INTERVAL,
    OPT_TIMEOUT, OPT_CANCEL_AFTER, OPT_RATE, OPT_FAIL, OPT_SEED, OPT_MISTAKE, OPT_WORKER_FORM,
    OPT_HISTORY, OPT_FORMAT, OPT_TRACE, OPT_CSV
};

static const struct option longopts[] = {
    { "workers", required_argument, NULL, 'w' },
    { "jobs", required_argument, NULL, 'j' },
    { "duration", required_argument, NULL, 'd' },
    { "speed", required_argument, NULL, 's' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "kind", required_argument, NULL, OPT_KIND },
    { "dir", required_argument, NULL, OPT_DIR },
    { "jobs-cap", required_argument, NULL, OPT_JOBS_CAP },
    { "results-cap", required_argument, NULL, OPT_RESULTS_CAP },
    { "collect", required_argument, NULL, OPT_COLLECT },
    { "producer", required_argument, NULL, OPT_PRODUCER },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "cancel-after", required_argument, NULL, OPT_CANCEL_AFTER },
    { "rate", required_argument, NULL, OPT_RATE },
    { "fail", required_argument, NULL, OPT_FAIL },
    { "seed", required_argument, NULL, OPT_SEED },
    { "mistake", required_argument, NULL, OPT_MISTAKE },
    { "worker-form", required_argument, NULL, OPT_WORKER_FORM },
    { "history", required_argument, NULL, OPT_HISTORY },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "trace", required_argument, NULL, OPT_TRACE },
    { "csv", no_argument, NULL, OPT_CSV },
    { NULL, 0, NULL, 0 },
};

#define SHORTOPTS ":w:j:d:s:qh"

/* The choices of each enumerated option, in enum order. */
static const char *const kinds[] = { "sleep", "spin", "lines", NULL };
static const char *const collects[] = { "count", "waitgroup", NULL };
static const char *const producers[] = { "upfront", "dynamic", NULL };
static const char *const forms[] = { "select", "range", NULL };
static const char *const mistakes[] = { "none", "forget-close", "early-close-results", "wait-before-drain",
                                        "send-before-start", NULL };
static const char *const formats[] = { "text", "jsonl", NULL };

/* ---- durations ---- */

static const struct {
    const char *name;
    int64_t ns;
} units[] = {
    { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 }, { "m", INT64_C(60000000000) },
    { "h", INT64_C(3600000000000) },
};

int cli_parse_ns(const char *s, int64_t *ns)
{
    if (!s)
        return -1;
    if (strcmp(s, "0") == 0) { /* as Go's time.ParseDuration: no unit needed */
        *ns = 0;
        return 0;
    }
    const char *p = s;
    uint64_t whole = 0;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (whole > (UINT64_MAX - 9) / 10)
            return -1;
        whole = whole * 10 + (uint64_t)(*p - '0');
    }
    /* The fraction as a double: it is below one unit, so rounding it to
     * whole ns loses nothing ("0.1s" is exactly 100000000). */
    double frac = 0, scale = 0.1;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(p, units[i].name) != 0)
            continue;
        uint64_t unit = (uint64_t)units[i].ns;
        if (whole > (uint64_t)INT64_MAX / unit)
            return -1;
        int64_t v = (int64_t)(whole * unit);
        int64_t f = (int64_t)llround(frac * (double)unit);
        if (v > INT64_MAX - f)
            return -1;
        *ns = v + f;
        return 0;
    }
    return -1;
}

int cli_parse_duration(const char *s, duration_spec_t *d)
{
    if (!s)
        return -1;
    if (strncmp(s, "exp:", 4) == 0) {
        d->kind = DUR_EXP;
        d->b = 0;
        return cli_parse_ns(s + 4, &d->a);
    }
    if (strncmp(s, "uniform:", 8) == 0) {
        const char *dots = strstr(s + 8, "..");
        if (!dots)
            return -1;
        char lo[64];
        size_t n = (size_t)(dots - (s + 8));
        if (n >= sizeof lo)
            return -1;
        memcpy(lo, s + 8, n);
        lo[n] = '\0';
        d->kind = DUR_UNIFORM;
        if (cli_parse_ns(lo, &d->a) != 0 || cli_parse_ns(dots + 2, &d->b) != 0)
            return -1;
        return d->b >= d->a ? 0 : -1;
    }
    d->kind = DUR_FIXED;
    d->b = 0;
    return cli_parse_ns(s, &d->a);
}

/* ---- values ---- */

/* A value and where its error goes. The reason is written without the
 * option's name: the command line says "--workers: ...", a lesson says
 * "workers: ..." and points at the value's column. */
typedef struct {
    const char *arg;
    char *err;
    size_t errlen;
} value_t;

static int bad(const value_t *v, const char *expected)
{
    snprintf(v->err, v->errlen, "expected %s, got '%s'", expected, v->arg);
    return -1;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Plain decimal digits, with one '.' inside when fraction: what strtoll and
 * strtod would also take ("0x10", " 3", "+3", "1e3", "inf") is no number a
 * user of this program means. */
static bool decimal(const char *s, bool fraction)
{
    if (!is_digit(*s))
        return false;
    while (is_digit(*s))
        s++;
    if (fraction && *s == '.' && is_digit(s[1]))
        for (s++; is_digit(*s); s++)
            ;
    return *s == '\0';
}

static int parse_int(const value_t *v, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long n = decimal(v->arg, false) ? strtoll(v->arg, &end, 10) : 0;
    if (!decimal(v->arg, false) || errno || n < lo || n > hi) {
        char expected[96];
        snprintf(expected, sizeof expected, "a number between %lld and %lld", (long long)lo, (long long)hi);
        return bad(v, expected);
    }
    *out = n;
    return 0;
}

static int parse_real(const value_t *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double x = decimal(v->arg, true) ? strtod(v->arg, &end) : 0;
    if (!decimal(v->arg, true) || errno || !(x >= lo && x <= hi)) {
        char expected[96];
        snprintf(expected, sizeof expected, "a number between %g and %g", lo, hi);
        return bad(v, expected);
    }
    *out = x;
    return 0;
}

static int parse_choice(const value_t *v, const char *const *names, int *out)
{
    char expected[160] = "one of";
    for (int i = 0; names[i]; i++) {
        if (strcmp(v->arg, names[i]) == 0) {
            *out = i;
            return 0;
        }
        size_t len = strlen(expected);
        snprintf(expected + len, sizeof expected - len, "%s %s", i ? "," : "", names[i]);
    }
    return bad(v, expected);
}

static int parse_span(const value_t *v, int64_t *out)
{
    return cli_parse_ns(v->arg, out) == 0 ? 0 : bad(v, "a duration like 250ms, 2s or 1.5m");
}

/* "1..16", "1,2,4,8", or a mix ("1..4,8"). */
static int parse_worker_list(const value_t *v, cli_output_t *out)
{
    static const char expected[] = "worker counts like 1..16 or 1,2,4,8 (each 1 to 1024, at most 64)";
    const char *p = v->arg;
    out->n_sweep_workers = 0;
    for (;;) {
        char *end;
        errno = 0;
        if (!is_digit(*p))
            return bad(v, expected);
        long lo = strtol(p, &end, 10), hi = lo;
        if (errno || end == p)
            return bad(v, expected);
        p = end;
        if (strncmp(p, "..", 2) == 0) {
            p += 2;
            if (!is_digit(*p))
                return bad(v, expected);
            hi = strtol(p, &end, 10);
            if (errno || end == p)
                return bad(v, expected);
            p = end;
        }
        if (lo < 1 || hi > POOL_MAX_WORKERS || hi < lo || hi - lo >= CLI_MAX_SWEEP - out->n_sweep_workers)
            return bad(v, expected);
        for (long w = lo; w <= hi; w++)
            out->sweep_workers[out->n_sweep_workers++] = (int)w;
        if (*p == '\0')
            return 0;
        if (*p++ != ',')
            return bad(v, expected);
    }
}

/* ---- the parser ---- */

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *long_name(int id)
{
    for (const struct option *o = longopts; o->name; o++)
        if (o->val == id)
            return o->name;
    return "?";
}

/* The choices of an enumerated config option, NULL for the others. */
static const char *const *choices_of(int id)
{
    switch (id) {
    case OPT_KIND: return kinds;
    case OPT_COLLECT: return collects;
    case OPT_PRODUCER: return producers;
    case OPT_MISTAKE: return mistakes;
    case OPT_WORKER_FORM: return forms;
    default: return NULL;
    }
}

/* One config option with its value; cfg changes only on success, so a
 * caller may check a value against a scratch or the real config alike. */
static int apply_config(int id, const value_t *v, pool_config_t *cfg)
{
    const char *const *names = choices_of(id);
    int choice = 0;
    int64_t n = 0;
    if (names) {
        if (parse_choice(v, names, &choice) != 0)
            return -1;
        switch (id) {
        case OPT_KIND: cfg->kind = (job_kind_t)choice; break;
        case OPT_COLLECT: cfg->collect = (collect_t)choice; break;
        case OPT_PRODUCER: cfg->producer = (producer_t)choice; break;
        case OPT_MISTAKE: cfg->mistake = (mistake_t)choice; break;
        default: cfg->worker_form = (worker_form_t)choice; break;
        }
        return 0;
    }
    switch (id) {
    case 'w':
        if (parse_int(v, 1, POOL_MAX_WORKERS, &n) != 0)
            return -1;
        cfg->workers = (int)n;
        return 0;
    case 'j': return parse_int(v, 0, POOL_MAX_JOBS, &cfg->jobs);
    case 'd': {
        duration_spec_t d; /* filled in part on failure: cfg keeps its own */
        memset(&d, 0, sizeof d); /* padding too: configs compare byte for byte */
        if (cli_parse_duration(v->arg, &d) != 0)
            return bad(v, "a duration like 1s, 250ms, uniform:100ms..1s or exp:200ms");
        cfg->duration = d;
        return 0;
    }
    case 's': return parse_real(v, 0.05, 1000, &cfg->speed);
    case OPT_DIR: cfg->dir = v->arg; return 0;
    case OPT_JOBS_CAP: return parse_int(v, 0, POOL_MAX_JOBS, &cfg->jobs_cap);
    case OPT_RESULTS_CAP: return parse_int(v, 0, POOL_MAX_JOBS, &cfg->results_cap);
    case OPT_INTERVAL: return parse_span(v, &cfg->interval);
    case OPT_TIMEOUT: return parse_span(v, &cfg->timeout);
    case OPT_CANCEL_AFTER: return parse_span(v, &cfg->cancel_after);
    case OPT_RATE: return parse_span(v, &cfg->rate);
    case OPT_FAIL: return parse_real(v, 0, 1, &cfg->fail);
    case OPT_SEED: {
        char *end;
        errno = 0;
        unsigned long long s = decimal(v->arg, false) ? strtoull(v->arg, &end, 10) : 0;
        if (!decimal(v->arg, false) || errno)
            return bad(v, "a number between 0 and 18446744073709551615");
        cfg->seed = s;
        return 0;
    }
    case OPT_HISTORY:
        if (parse_int(v, 0, 100000000, &n) != 0)
            return -1;
        cfg->history = (size_t)n;
        return 0;
    default: return fail(v->err, v->errlen, "not a run option");
    }
}

/* The id of a config option's long name, or 0: the output options
 * (--format, --trace, --quiet, --csv, --help) are the command line's own. */
static int config_id(const char *name)
{
    for (const struct option *o = longopts; o->name; o++) {
        if (strcmp(o->name, name) != 0)
            continue;
        switch (o->val) {
        case 'q': case 'h': case OPT_FORMAT: case OPT_TRACE: case OPT_CSV: return 0;
        default: return o->val;
        }
    }
    return 0;
}

int cli_set_run_option(const char *name, const char *value, pool_config_t *cfg, char *err, size_t errlen)
{
    int id = config_id(name);
    if (!id)
        return fail(err, errlen, "unknown run option '%s'", name);
    value_t v = { value, err, errlen };
    return apply_config(id, &v, cfg);
}

const char *const *cli_run_option_choices(const char *name) { return choices_of(config_id(name)); }

/* Options given on the command line, whatever their values. */
typedef struct {
    bool jobs, history;
} given_t;

/* One option of the command line with its value. */
static int apply(int id, const value_t *v, pool_config_t *cfg, cli_output_t *out, given_t *given)
{
    int choice = 0;
    switch (id) {
    case 'w':
        if (out->sweep)
            return parse_worker_list(v, out);
        return apply_config(id, v, cfg);
    case 'j': given->jobs = true; return apply_config(id, v, cfg);
    case OPT_HISTORY: given->history = true; return apply_config(id, v, cfg);
    case OPT_FORMAT:
        if (parse_choice(v, formats, &choice) != 0)
            return -1;
        out->format = (cli_format_t)choice;
        return 0;
    case OPT_TRACE:
        if (!*v->arg)
            return bad(v, "a file name");
        out->trace_path = v->arg;
        return 0;
    default: return apply_config(id, v, cfg);
    }
}

/* A sweep compares whole runs that differ only in their worker count: an
 * option that cuts them short or breaks them, or that does nothing there,
 * is refused rather than measured. */
static int check_sweep(const pool_config_t *cfg, const cli_output_t *out, const given_t *given, char *err,
                       size_t errlen)
{
    if (out->trace_path || out->format != FORMAT_TEXT)
        return fail(err, errlen, "poolviz sweep prints a table: --trace and --format are for poolviz run");
    if (out->quiet || given->history)
        return fail(err, errlen, "poolviz sweep prints only its table and keeps no history: --%s does nothing there",
                    out->quiet ? "quiet" : "history");
    if (cfg->timeout || cfg->cancel_after)
        return fail(err, errlen, "poolviz sweep compares complete runs: --%s would measure a part of the work",
                    cfg->timeout ? "timeout" : "cancel-after");
    if (cfg->mistake != MISTAKE_NONE)
        return fail(err, errlen, "poolviz sweep compares complete runs: a --mistake run deadlocks or panics");
    if (out->n_sweep_workers == 0)
        return fail(err, errlen, "poolviz sweep needs --workers, e.g. --workers 1..16");
    return 0;
}

/* Options that make sense alone but not together, or not for this command. */
static int check_combination(const pool_config_t *cfg, const cli_output_t *out, const given_t *given, char *err,
                             size_t errlen)
{
    if (out->sweep && check_sweep(cfg, out, given, err, errlen) != 0)
        return -1;
    if (out->quiet && out->format == FORMAT_JSONL)
        return fail(err, errlen, "--quiet prints a text summary: it cannot go with --format jsonl");
    if (out->csv && !out->sweep)
        return fail(err, errlen, "--csv is an option of poolviz sweep");
    if (cfg->dir && cfg->kind != JOB_LINES)
        return fail(err, errlen, "--dir is for --kind lines");
    return 0;
}

int cli_parse_run_options(int argc, char **argv, pool_config_t *cfg, cli_output_t *out, char *err,
                          size_t errlen)
{
    pool_config_default(cfg);
    *out = (cli_output_t){ .sweep = out->sweep, .format = FORMAT_TEXT };
    given_t given = { 0 };
    optind = 0; /* glibc: a full reset, so the parser can run again */
    opterr = 0; /* getopt's own messages would break the one-line rule */
    int id;
    while ((id = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
        const char *word = argv[optind - 1];
        switch (id) {
        case 'h': out->help = true; return 0;
        case 'q': out->quiet = true; continue;
        case OPT_CSV: out->csv = true; continue;
        case ':': return fail(err, errlen, "%s: needs a value", word);
        case '?':
            if (optopt)
                return fail(err, errlen, "unknown option '-%c'", optopt);
            return fail(err, errlen, "unknown option '%s'", word);
        default: {
            char why[256];
            value_t v = { optarg, why, sizeof why };
            if (apply(id, &v, cfg, out, &given) != 0)
                return fail(err, errlen, "--%s: %s", long_name(id), why);
        }
        }
    }
    if (optind < argc)
        return fail(err, errlen, "unexpected argument '%s'", argv[optind]);
    if (cfg->kind == JOB_LINES && !given.jobs)
        cfg->jobs = -1; /* one job per file */
    return check_combination(cfg, out, &given, err, errlen);
}
