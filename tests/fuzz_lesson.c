/* fuzz_lesson.c - libFuzzer target for the lesson parser: any bytes must
 * parse (into diagnostics) without crashing, hanging or leaking. Built and
 * run by tests/run_fuzz.sh (make fuzz), with clang -fsanitize=fuzzer. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lesson/lesson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lesson_t *l = lesson_parse("fuzz.lesson", (const char *)data, size);
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    if (sink)
        lesson_print_diags(l, sink);
    lesson_free(l);
    return 0;
}
