/* test_views.c - the headless side of poolviz without the program: the
 * run-option parser (durations, values, errors), the JSON lines writer and
 * reader (exact round trips, located errors, no crash on garbage), and the
 * text and Chrome trace views fed by a real pool run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "cli/options.h"
#include "engine/pool.h"
#include "views/json.h"
#include "views/jsonl.h"
#include "views/text.h"
#include "views/trace.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- durations ---- */

static void test_parse_ns_valid(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t ns;
    } cases[] = {
        { "1s", SEC },       { "250ms", 250 * MS }, { "100us", 100000 }, { "2m", 120 * SEC },
        { "1.5s", 1500 * MS }, { "0.1s", 100 * MS }, { "10ns", 10 },      { "1h", 3600 * SEC },
        { "0", 0 },          { "0ms", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ns = -1;
        if (cli_parse_ns(cases[i].text, &ns) != 0 || ns != cases[i].ns)
            fail_msg("'%s': got %" PRId64 ", want %" PRId64, cases[i].text, ns, cases[i].ns);
    }
}

static void test_parse_ns_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "1", "s", "-1s", "+1s", "1x", "1.s", ".5s", "1e3s", "1 s", "1s ", "ms",
        "99999999999999999999s", "3000000h", "1.5", "0x10s",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ns = 7;
        if (cli_parse_ns(bad[i], &ns) == 0)
            fail_msg("'%s' parsed as %" PRId64, bad[i], ns);
    }
    int64_t ns;
    assert_int_equal(cli_parse_ns(NULL, &ns), -1);
}

static void test_parse_duration(void **state)
{
    (void)state;
    duration_spec_t d;
    assert_int_equal(cli_parse_duration("250ms", &d), 0);
    assert_int_equal(d.kind, DUR_FIXED);
    assert_int_equal(d.a, 250 * MS);
    assert_int_equal(cli_parse_duration("uniform:100ms..1s", &d), 0);
    assert_int_equal(d.kind, DUR_UNIFORM);
    assert_int_equal(d.a, 100 * MS);
    assert_int_equal(d.b, SEC);
    assert_int_equal(cli_parse_duration("exp:200ms", &d), 0);
    assert_int_equal(d.kind, DUR_EXP);
    assert_int_equal(d.a, 200 * MS);
    static const char *const bad[] = {
        "uniform:1s..100ms", "uniform:1s", "uniform:..1s", "uniform:1s..", "exp:", "exp:-1s",
        "gauss:1s", "uniform:1s...2s", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cli_parse_duration(bad[i], &d) == 0)
            fail_msg("'%s' parsed", bad[i]);
}

/* ---- options ---- */

static void test_options_map_onto_the_config(void **state)
{
    (void)state;
    char *argv[] = { "run", "--workers", "4", "-j", "5", "--duration", "exp:200ms", "--kind", "spin",
                     "--jobs-cap", "0", "--results-cap=7", "--collect", "waitgroup", "--producer", "dynamic",
                     "--interval", "50ms", "--timeout", "3s", "--rate", "10ms", "--fail", "0.25", "--seed", "42",
                     "--speed", "1000", "--worker-form", "select", "--history", "10", "--format", "jsonl",
                     "--trace", "t.json", "--mistake", "forget-close", "--cancel-after", "2s" };
    pool_config_t cfg;
    cli_output_t out = { 0 };
    char err[256] = "";
    assert_int_equal(cli_parse_run_options(ARGC(argv), argv, &cfg, &out, err, sizeof err), 0);
    assert_int_equal(cfg.workers, 4);
    assert_int_equal(cfg.jobs, 5);
    assert_int_equal(cfg.duration.kind, DUR_EXP);
    assert_int_equal(cfg.kind, JOB_SPIN);
    assert_int_equal(cfg.jobs_cap, 0);
    assert_int_equal(cfg.results_cap, 7);
    assert_int_equal(cfg.collect, COLLECT_WAITGROUP);
    assert_int_equal(cfg.producer, PRODUCER_DYNAMIC);
    assert_int_equal(cfg.interval, 50 * MS);
    assert_int_equal(cfg.timeout, 3 * SEC);
    assert_int_equal(cfg.cancel_after, 2 * SEC);
    assert_int_equal(cfg.rate, 10 * MS);
    assert_true(cfg.fail == 0.25);
    assert_int_equal(cfg.seed, 42);
    assert_true(cfg.speed == 1000);
    assert_int_equal(cfg.mistake, MISTAKE_FORGET_CLOSE);
    assert_int_equal(cfg.history, 10);
    assert_int_equal(out.format, FORMAT_JSONL);
    assert_string_equal(out.trace_path, "t.json");
    assert_false(out.help);

    /* Defaults, and lines jobs without --jobs: one per file. */
    char *lines[] = { "run", "--kind", "lines", "--dir", "/tmp" };
    assert_int_equal(cli_parse_run_options(ARGC(lines), lines, &cfg, &out, err, sizeof err), 0);
    assert_int_equal(cfg.jobs, -1);
    assert_int_equal(cfg.workers, 3);
    assert_int_equal(out.format, FORMAT_TEXT);
    char *help[] = { "run", "--speed", "2", "--help" };
    assert_int_equal(cli_parse_run_options(ARGC(help), help, &cfg, &out, err, sizeof err), 0);
    assert_true(out.help);
}

/* argv (NULL-terminated, after the command name) must fail with exactly want. */
static void expect_error(bool sweep, const char *const *args, const char *want)
{
    char *argv[16] = { "run" };
    int argc = 1;
    for (; args[argc - 1]; argc++)
        argv[argc] = (char *)args[argc - 1];
    pool_config_t cfg;
    cli_output_t out = { .sweep = sweep };
    char err[256] = "";
    if (cli_parse_run_options(argc, argv, &cfg, &out, err, sizeof err) == 0)
        fail_msg("%s ... parsed, want '%s'", args[0], want);
    if (strcmp(err, want) != 0)
        fail_msg("got '%s', want '%s'", err, want);
}

#define EXPECT_ERROR(want, ...) expect_error(false, (const char *const[]){ __VA_ARGS__, NULL }, want)
#define EXPECT_SWEEP_ERROR(want, ...) expect_error(true, (const char *const[]){ __VA_ARGS__, NULL }, want)

static void test_option_errors_are_one_clear_line(void **state)
{
    (void)state;
    EXPECT_ERROR("--workers: expected a number between 1 and 1024, got 'abc'", "--workers", "abc");
    EXPECT_ERROR("--workers: expected a number between 1 and 1024, got '0'", "-w", "0");
    EXPECT_ERROR("--workers: expected a number between 1 and 1024, got '5x'", "--workers=5x");
    EXPECT_ERROR("--jobs: expected a number between 0 and 10000000, got '-1'", "--jobs", "-1");
    EXPECT_ERROR("--workers: needs a value", "--workers");
    EXPECT_ERROR("unknown option '--nope'", "--nope");
    EXPECT_ERROR("unknown option '-x'", "-x");
    EXPECT_ERROR("unexpected argument 'extra'", "extra");
    EXPECT_ERROR("--speed: expected a number between 0.05 and 1000, got '0'", "--speed", "0");
    EXPECT_ERROR("--speed: expected a number between 0.05 and 1000, got 'nan'", "--speed", "nan");
    EXPECT_ERROR("--fail: expected a number between 0 and 1, got '1.5'", "--fail", "1.5");
    EXPECT_ERROR("--kind: expected one of sleep, spin, lines, got 'cpu'", "--kind", "cpu");
    EXPECT_ERROR("--timeout: expected a duration like 250ms, 2s or 1.5m, got '5'", "--timeout", "5");
    EXPECT_ERROR("--duration: expected a duration like 1s, 250ms, uniform:100ms..1s or exp:200ms, got 'x'",
                 "--duration", "x");
    EXPECT_ERROR("--seed: expected a number between 0 and 18446744073709551615, got '-3'", "--seed", "-3");
    /* numbers are plain decimals: no hex, sign, spaces or exponents */
    EXPECT_ERROR("--speed: expected a number between 0.05 and 1000, got '0x10'", "--speed", "0x10");
    EXPECT_ERROR("--speed: expected a number between 0.05 and 1000, got '1e2'", "--speed", "1e2");
    EXPECT_ERROR("--workers: expected a number between 1 and 1024, got ' 3'", "--workers", " 3");
    EXPECT_ERROR("--jobs: expected a number between 0 and 10000000, got '+3'", "--jobs", "+3");
    EXPECT_ERROR("--seed: expected a number between 0 and 18446744073709551615, got ' 7'", "--seed", " 7");
    EXPECT_ERROR("--csv is an option of poolviz sweep", "--csv");
    EXPECT_ERROR("--quiet prints a text summary: it cannot go with --format jsonl", "-q", "--format", "jsonl");
    EXPECT_ERROR("--dir is for --kind lines", "--dir", "/tmp");
    EXPECT_SWEEP_ERROR("poolviz sweep needs --workers, e.g. --workers 1..16", "--jobs", "3");
    EXPECT_SWEEP_ERROR("poolviz sweep prints a table: --trace and --format are for poolviz run", "-w", "1..2",
                       "--trace", "x");
    EXPECT_SWEEP_ERROR("--workers: expected worker counts like 1..16 or 1,2,4,8 (each 1 to 1024, at most 64), "
                       "got ' 1..3'", "-w", " 1..3");
    EXPECT_SWEEP_ERROR("poolviz sweep compares complete runs: --cancel-after would measure a part of the work",
                       "-w", "1..2", "--cancel-after", "2s");
    EXPECT_SWEEP_ERROR("poolviz sweep prints only its table and keeps no history: --quiet does nothing there", "-w",
                       "1..2", "-q");
}

/* One option by name, as a lesson's `configure` sets it: the reason comes
 * without the option's name, and a bad value leaves the config as it was. */
static void test_set_one_option_by_name(void **state)
{
    (void)state;
    pool_config_t cfg, before;
    pool_config_default(&cfg); /* sets every byte: the check below is byte for byte */
    char err[256];
    assert_int_equal(cli_set_run_option("workers", "4", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.workers, 4);
    assert_int_equal(cli_set_run_option("duration", "uniform:100ms..1s", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.duration.kind, DUR_UNIFORM);
    assert_int_equal(cli_set_run_option("worker-form", "range", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.worker_form, WORKER_RANGE);
    memcpy(&before, &cfg, sizeof cfg);
    assert_int_equal(cli_set_run_option("workers", "0", &cfg, err, sizeof err), -1);
    assert_string_equal(err, "expected a number between 1 and 1024, got '0'");
    assert_int_equal(cli_set_run_option("duration", "uniform:2s..1s", &cfg, err, sizeof err), -1);
    assert_int_equal(cli_set_run_option("kind", "cpu", &cfg, err, sizeof err), -1);
    assert_memory_equal(&cfg, &before, sizeof cfg);
    /* The output options are the command line's, not the config's. */
    assert_int_equal(cli_set_run_option("format", "jsonl", &cfg, err, sizeof err), -1);
    assert_string_equal(err, "unknown run option 'format'");
    assert_string_equal(cli_run_option_choices("kind")[2], "lines");
    assert_null(cli_run_option_choices("workers"));
}

static void test_sweep_worker_lists(void **state)
{
    (void)state;
    char *argv[] = { "sweep", "--workers", "1..4,8,16" };
    pool_config_t cfg;
    cli_output_t out = { .sweep = true };
    char err[256];
    assert_int_equal(cli_parse_run_options(ARGC(argv), argv, &cfg, &out, err, sizeof err), 0);
    int want[] = { 1, 2, 3, 4, 8, 16 };
    assert_int_equal(out.n_sweep_workers, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(out.sweep_workers[i], want[i]);
    static const char *const bad[] = { "0..3", "4..2", "1..100", "1,,2", "1,", "a", "1..", "-1", "2000", "1..-3" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want_err[200];
        snprintf(want_err, sizeof want_err,
                 "--workers: expected worker counts like 1..16 or 1,2,4,8 (each 1 to 1024, at most 64), got '%s'",
                 bad[i]);
        EXPECT_SWEEP_ERROR(want_err, "--workers", bad[i]);
    }
}

/* ---- JSON lines ---- */

static void assert_same_event(const pevent_t *a, const pevent_t *b)
{
    assert_true(a->seq == b->seq);
    assert_true(a->real_ns == b->real_ns);
    assert_true(a->virt_ns == b->virt_ns);
    assert_true(a->job == b->job);
    assert_true(a->value == b->value);
    assert_true(a->aux == b->aux);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->actor, b->actor);
    assert_int_equal(a->obj, b->obj);
    assert_int_equal(a->wait, b->wait);
    assert_int_equal(a->ok, b->ok);
    assert_int_equal(a->err, b->err);
}

/* Reads text (len bytes) as a file named "x.jsonl". */
static int read_text(const char *text, size_t len, pevent_t **events, size_t *n, char *err, size_t errlen)
{
    FILE *f = fmemopen((void *)text, len, "r");
    assert_non_null(f);
    int rc = jsonl_read_stream(f, "x.jsonl", events, n, err, errlen);
    fclose(f);
    return rc;
}

static void test_jsonl_round_trip_is_exact(void **state)
{
    (void)state;
    pevent_t in[PE_KIND_COUNT + 3];
    size_t n_in = 0;
    for (int k = 0; k < PE_KIND_COUNT; k++)
        in[n_in++] = (pevent_t){ .seq = (uint64_t)k, .real_ns = 1000u * (uint64_t)k, .virt_ns = k * SEC,
                                 .job = k, .value = -k, .aux = 3 * k, .kind = (uint16_t)k,
                                 .actor = (uint16_t)(k % 5), .obj = (uint16_t)(k % 3),
                                 .wait = (uint8_t)(k % PW_COUNT), .ok = (int8_t)(k & 1), .err = k - 2 };
    in[n_in++] = (pevent_t){ .seq = UINT64_MAX, .real_ns = UINT64_MAX, .virt_ns = INT64_MIN, .job = INT64_MAX,
                             .value = INT64_MIN, .aux = -1, .kind = UINT16_MAX, .actor = UINT16_MAX,
                             .obj = UINT16_MAX, .wait = UINT8_MAX, .ok = INT8_MIN, .err = INT32_MIN };
    in[n_in++] = (pevent_t){ .kind = PE_BLOCK, .ok = INT8_MAX, .err = INT32_MAX, .virt_ns = INT64_MAX, .wait = PW_COUNT };
    in[n_in++] = (pevent_t){ .kind = PE_KIND_COUNT };

    /* Names from a model: an actor and an object declared. */
    model_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    model_init(m);
    model_apply(m, &(pevent_t){ .kind = PE_ACTOR, .actor = 1, .value = ROLE_WORKER, .aux = 1 });
    model_apply(m, &(pevent_t){ .kind = PE_OBJECT, .obj = 1, .value = OR_JOBS, .aux = 10 });

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    for (size_t i = 0; i < n_in; i++)
        jsonl_write_event(f, &in[i], m);
    fclose(f);
    assert_contains(buf, "\"actor_name\":\"worker 1\"");
    assert_contains(buf, "\"obj_name\":\"jobs\"");
    assert_contains(buf, "\"kind\":\"job_start\"");
    assert_contains(buf, "\"wait\":\"chan send\"");
    size_t string_waits = 0; /* "wait" is a string on every line, known or not */
    for (const char *at = buf; (at = strstr(at, "\"wait\":\"")) != NULL; at++)
        string_waits++;
    assert_int_equal(string_waits, n_in);

    pevent_t *out = NULL;
    size_t n_out = 0;
    char err[256] = "";
    if (read_text(buf, len, &out, &n_out, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(n_out, n_in);
    for (size_t i = 0; i < n_in; i++)
        assert_same_event(&out[i], &in[i]);
    free(out);
    free(buf);
    model_done(m);
    free(m);
}

static void test_jsonl_errors_say_where(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "{\"kind\":\"run_start\"}\n{\"kind\":\"nope\"}\n", "x.jsonl:2:9: \"kind\": unknown name 'nope'" },
        { "{", "x.jsonl:1:2: expected a string key" },
        { "[1]", "x.jsonl:1:1: expected '{'" },
        { "{\"seq\":1}", "x.jsonl:1:10: missing \"kind\"" },
        { "{\"kind\":\"send\"} x", "x.jsonl:1:17: unexpected text after the object" },
        { "{\"kind\":\"send\",\"actor\":70000}", "x.jsonl:1:24: \"actor\": out of range" },
        { "{\"kind\":\"send\",\"t\":1.5}", "x.jsonl:1:20: \"t\": expected an integer" },
        { "{\"kind\":\"send\",\"seq\":-1}", "x.jsonl:1:22: \"seq\": out of range" },
        { "{\"kind\":\"send\",\"job\":99999999999999999999}", "x.jsonl:1:22: \"job\": out of range" },
        { "{\"kind\":\"send\",\"x\":{}}", "x.jsonl:1:20: nested objects and arrays are not supported" },
        { "{\"kind\":\"send\" \"ok\":1}", "x.jsonl:1:16: expected ',' or '}'" },
        { "{\"kind\" 1}", "x.jsonl:1:9: expected ':'" },
        { "{\"kind\":\"se", "x.jsonl:1:12: unterminated string" },
        { "{\"kind\":\"a\\qb\"}", "x.jsonl:1:12: bad escape in string" },
        { "{\"kind\":tru}", "x.jsonl:1:9: expected a value" },
        { "\n\n{\"kind\":\"send\",\"wait\":\"nap\"}", "x.jsonl:3:23: \"wait\": unknown name 'nap'" },
        { "", "x.jsonl: no events" },
        { "\n  \n", "x.jsonl: no events" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pevent_t *ev = NULL;
        size_t n = 5;
        char err[256] = "";
        if (read_text(cases[i].text, strlen(cases[i].text), &ev, &n, err, sizeof err) == 0)
            fail_msg("case %zu parsed", i);
        if (strcmp(err, cases[i].want) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].want);
        assert_null(ev);
        assert_int_equal(n, 0);
    }
    /* Names and numbers both work, unknown fields are ignored, CRLF too. */
    const char ok[] = "{\"kind\":15,\"wait\":\"select\",\"new\":[],\"ok\":true}\r\n";
    pevent_t *ev = NULL;
    size_t n = 0;
    char err[256] = "";
    assert_int_equal(read_text(ok, strlen(ok), &ev, &n, err, sizeof err), -1); /* the array */
    const char ok2[] = "{\"kind\":15,\"wait\":\"select\",\"new\":null,\"more\":true,\"f\":-2.5e3}\r\n";
    if (read_text(ok2, strlen(ok2), &ev, &n, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].kind, PE_JOB_START);
    assert_int_equal(ev[0].wait, PW_SELECT);
    free(ev);
    assert_int_equal(jsonl_read_file("/nonexistent/x.jsonl", &ev, &n, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/x.jsonl: No such file or directory");
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random bytes, and valid lines with random damage: every one is parsed or
 * rejected with "x.jsonl:LINE:COL: ..." - never a crash (ASan watches). */
static void test_jsonl_reader_survives_garbage(void **state)
{
    (void)state;
    static const char valid[] = "{\"seq\":3,\"t\":1000,\"real\":5,\"kind\":\"recv\",\"actor\":2,\"actor_name\":"
                                "\"worker 1\",\"obj\":2,\"job\":4,\"value\":8,\"aux\":1,\"wait\":\"chan receive\","
                                "\"ok\":1,\"err\":0}\n";
    static const char alphabet[] = "{}[]\":,.-+0123456789eE\\u \t\nkindseqtrue";
    uint64_t seed = 0x9e3779b97f4a7c15u;
    char buf[512];
    int parsed = 0;
    for (int round = 0; round < 20000; round++) {
        size_t len;
        if (round % 2) {
            len = sizeof valid - 1;
            memcpy(buf, valid, len);
            for (int k = (int)(xorshift(&seed) % 4) + 1; k > 0; k--) {
                size_t at = xorshift(&seed) % len;
                buf[at] = round % 4 == 1 ? (char)(xorshift(&seed) & 0xff)
                                         : alphabet[xorshift(&seed) % (sizeof alphabet - 1)];
            }
            if (round % 8 == 3)
                len = xorshift(&seed) % len; /* cut short */
        } else {
            len = xorshift(&seed) % sizeof buf;
            for (size_t i = 0; i < len; i++)
                buf[i] = round % 4 ? alphabet[xorshift(&seed) % (sizeof alphabet - 1)] : (char)(xorshift(&seed) & 0xff);
        }
        pevent_t *ev = NULL;
        size_t n = 0;
        char err[256] = "";
        if (read_text(buf, len, &ev, &n, err, sizeof err) == 0) {
            parsed++;
            assert_true(n > 0);
        } else if (strcmp(err, "x.jsonl: no events") != 0 && strncmp(err, "x.jsonl:", 8) == 0) {
            size_t line, col;
            if (sscanf(err, "x.jsonl:%zu:%zu:", &line, &col) != 2 || line < 1 || col < 1 || col > len + 1)
                fail_msg("bad location in '%s'", err);
        } else if (strcmp(err, "x.jsonl: no events") != 0) {
            fail_msg("unexpected error '%s'", err);
        }
        free(ev);
    }
    assert_true(parsed > 0); /* some damage is harmless (a digit for a digit) */
}

static void test_json_quote(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(json_quote(buf, sizeof buf, "a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
    assert_string_equal(json_quote(buf, 6, "abcdef"), "\"abc\"");
    assert_string_equal(json_quote(buf, sizeof buf, NULL), "\"\"");
}

/* ---- views of a real run ---- */

typedef struct {
    text_view_t text;
    trace_t *trace;
} views_t;

static void both(void *ud, const pevent_t *ev, const model_t *m)
{
    views_t *v = ud;
    text_view_event(&v->text, ev, m);
    trace_event(v->trace, ev, m);
}

/* Brackets balance outside strings, and strings end. */
static void assert_balanced_json(const char *s)
{
    int depth = 0;
    bool in_string = false;
    for (const char *p = s; *p; p++) {
        if (in_string) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_string = false;
        } else if (*p == '"') {
            in_string = true;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            assert_true(--depth >= 0);
        }
    }
    assert_false(in_string);
    assert_int_equal(depth, 0);
}

static void test_text_and_trace_of_a_run(void **state)
{
    (void)state;
    pool_config_t cfg;
    pool_config_default(&cfg);
    cfg.speed = FAST_SPEED;
    cfg.fail = 0.3;
    char *text = NULL, *trace = NULL;
    size_t text_len = 0, trace_len = 0;
    FILE *tf = open_memstream(&text, &text_len), *rf = open_memstream(&trace, &trace_len);
    assert_non_null(tf);
    assert_non_null(rf);
    views_t v;
    text_view_init(&v.text, tf, true);
    v.trace = trace_open(rf);
    char err[256];
    pool_t *p = pool_new(&cfg, err, sizeof err);
    assert_non_null(p);
    pool_set_sink(p, both, &v);
    assert_int_equal(pool_start(p), 0);
    pool_wait(p);
    pool_lock(p);
    text_view_summary(&v.text, pool_model(p));
    pool_unlock(p);
    pool_free(p);
    assert_int_equal(trace_close(v.trace), 0);
    fclose(tf);
    fclose(rf);

    assert_contains(text, "] worker 1 started job ");
    assert_contains(text, "] producer closed jobs\n");
    assert_contains(text, ": processing job ");
    assert_contains(text, "simulated failure");
    assert_contains(text, "makespan 3.00s (ideal 3.00s, serial 9.00s)\n");
    assert_contains(text, "accounting: 9 planned = ");

    assert_balanced_json(trace);
    assert_true(strncmp(trace, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 39) == 0);
    for (int w = 1; w <= 3; w++) {
        char want[80];
        snprintf(want, sizeof want, "\"name\":\"thread_name\",\"args\":{\"name\":\"worker %d\"}", w);
        assert_contains(trace, want);
    }
    assert_contains(trace, "\"ph\":\"X\"");
    assert_contains(trace, "\"name\":\"job 9\"");
    assert_contains(trace, "\"error\":\"simulated failure\"");
    assert_contains(trace, "\"name\":\"close(jobs)\"");
    free(text);
    free(trace);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ns_valid),
        cmocka_unit_test(test_parse_ns_invalid),
        cmocka_unit_test(test_parse_duration),
        cmocka_unit_test(test_options_map_onto_the_config),
        cmocka_unit_test(test_option_errors_are_one_clear_line),
        cmocka_unit_test(test_set_one_option_by_name),
        cmocka_unit_test(test_sweep_worker_lists),
        cmocka_unit_test(test_jsonl_round_trip_is_exact),
        cmocka_unit_test(test_jsonl_errors_say_where),
        cmocka_unit_test(test_jsonl_reader_survives_garbage),
        cmocka_unit_test(test_json_quote),
        cmocka_unit_test(test_text_and_trace_of_a_run),
    };
    return RUN_TESTS(tests);
}
