#!/bin/sh
# run_fuzz.sh - builds the lesson parser's libFuzzer target with clang and runs
# it for FUZZ_SECONDS (default 30), seeded with the shipped lessons. Exits 0
# when no crash was found, 1 on a crash (the input is left in $FUZZ_DIR), and
# 77 (skip) when clang cannot build with -fsanitize=fuzzer. Inputs go up to
# 128 KiB, long enough for work that grows faster than the input to show
# as a timeout (test_lesson parses multi-megabyte inputs too).
#   sh tests/run_fuzz.sh            or   make fuzz FUZZ_SECONDS=60
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-30}
CLANG=${CLANG:-clang}
FUZZ_DIR=${FUZZ_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/poolviz_fuzz.XXXXXX")}
mkdir -p "$FUZZ_DIR/corpus"
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)n * 0; }' |
    "$CLANG" -fsanitize=fuzzer -x c - -o "$FUZZ_DIR/probe" 2>/dev/null; then
    echo "run_fuzz: $CLANG cannot build with -fsanitize=fuzzer (apt-get install clang); skipped"
    exit 77
fi
# The parser and what it uses of the library: the model and event names
# (lesson_line_of, names), the run-option parser that checks `configure`
# values, and the core and engine that parser's file links against (its
# getopt driver starts from pool_config_default()).
"$CLANG" -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=all -I"$here/src" \
    "$here/tests/fuzz_lesson.c" \
    "$here/src/lesson/lesson.c" "$here/src/lesson/values.c" \
    "$here/src/cli/options.c" \
    "$here/src/model/model.c" "$here"/src/engine/*.c "$here"/src/core/*.c \
    -lm -lpthread -o "$FUZZ_DIR/fuzz_lesson" || exit 1
cp "$here"/lessons/*.lesson "$FUZZ_DIR/corpus/"
"$FUZZ_DIR/fuzz_lesson" -max_total_time="$seconds" -max_len=131072 -timeout=10 \
    -artifact_prefix="$FUZZ_DIR/" "$FUZZ_DIR/corpus" 2>"$FUZZ_DIR/log"
status=$?
tail -n 3 "$FUZZ_DIR/log"
if [ $status -ne 0 ]; then
    echo "run_fuzz: the parser crashed; inputs and log in $FUZZ_DIR"
    exit 1
fi
echo "run_fuzz: no crash in ${seconds}s"
rm -rf "$FUZZ_DIR"
