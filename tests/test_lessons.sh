#!/bin/sh
# test_lessons.sh - every shipped lesson passes `poolviz lesson --check`, as
# TAP: one test per lesson, then the command's own behaviour (listing, finding
# lessons by name, a failing expectation, a file with errors, usage).
# make check sets $POOLVIZ; by hand: POOLVIZ=src/poolviz sh tests/test_lessons.sh
. "$(dirname "$0")/taplib.sh"
lessons=${srcdir:-$(dirname "$0")/..}/lessons
# Until the program dispatches the lesson commands there is nothing to test.
if ! "$POOLVIZ" lesson --check --help 2>/dev/null | grep -q 'usage: poolviz lesson --check'; then
    echo "1..0 # SKIP $POOLVIZ has no \`lesson --check\` command"
    exit 0
fi
set -- "$lessons"/[0-9]*.lesson
echo "1..$(($# + 10))"
for f in "$@"; do
    run 0 lesson --check "$f" && count "$out" ' failed$' 1 && count "$out" 'FAIL' 0 && count "$out" ', 0 failed$' 1
    result "$(basename "$f" .lesson) passes its checks"
done

POOLVIZ_LESSONS=$lessons run 0 lessons && count "$out" '^[0-9][0-9]-' $#
result "lessons lists the $# shipped lessons"

POOLVIZ_LESSONS=$lessons run 0 lesson --check close-jobs 1 && count "$out" '^lesson 02-close-jobs step 1: ok' 1 &&
    count "$out" '^lesson 01-worker-pool step' 4
result "lesson --check finds lessons by name and by number"

cat >"$dir/wrong.lesson" <<'LESSON'
title: Wrong
summary: An expectation that does not hold.
code:
for j := range jobs { // @recv
end
step 1: Nine jobs
configure jobs=9 duration=10ms
start
run until finished
expect results == 8
LESSON
run 1 lesson --check "$dir/wrong.lesson" && count "$out" 'step 1: FAIL: expected results == 8, got 9' 1 &&
    count "$out" '^0 passed, 1 failed$' 1
result "a failing expectation fails the check"

printf 'titel: Bad\nsay: hello\n' >"$dir/bad.lesson"
run 1 lesson --check "$dir/bad.lesson" && count "$err" "bad.lesson:1:1: unknown keyword 'titel' \\(did you mean 'title'\\?\\)" 1 &&
    count "$err" 'bad.lesson:2:1: `say` belongs in a step' 1 && count "$err" '^ *\^' 2 &&
    count "$out" 'bad.lesson:' 0 && count "$out" '^lesson bad: FAIL: the file has errors$' 1
result "a file with errors reports every one, with carets, on stderr"

run 64 lesson --check no-such-lesson && count "$err" "no lesson 'no-such-lesson'" 1
result "an unknown lesson is a usage error"

run 64 lesson --check
result "no lesson at all is a usage error"

run 64 lesson --check --bogus x && count "$err" "unknown option '--bogus'" 1
result "an unknown option is a usage error"

# The lesson's words are shown, never obeyed: a title that would clear the
# screen is listed escaped.
mkdir "$dir/esc"
printf 'title: \033[2Jpwned\nsummary: S\ncode:\nend\nstep 1: a\n' >"$dir/esc/01-esc.lesson"
POOLVIZ_LESSONS=$dir/esc run 0 lessons && count "$out" '^01-esc +\\x1b\[2Jpwned$' 1 && count "$out" "$(printf '\033')" 0
result "lessons shows a title's control bytes escaped"

# The docs' examples are lessons too. lessons/README.md's ten-minute example
# passes --check as it stands.
docs=${srcdir:-$(dirname "$0")/..}
awk '/^```$/ { if (on) exit; on = 1; next } on' "$docs/lessons/README.md" >"$dir/example.lesson"
run 0 lesson --check "$dir/example.lesson" && count "$out" ', 0 failed$' 1 && count "$err" . 0
result "lessons/README.md's example lesson passes its checks"

# Every concrete lesson line they show - a `code span` or an indented line,
# not a template (CONDITION, N, ...) nor a bare keyword - parses, each in a
# lesson of its own with the example's code and marks (and steps to refer
# to). An indented line just
# after a diagnostic is the line it quotes, a mistake on purpose.
examples() {
    for f in "$docs/README.md" "$docs/lessons/README.md"; do
        grep -o '`[^`]*`' "$f" | tr -d '`'
        awk '/^    / && prev !~ /\.lesson:[0-9]+:[0-9]+:/ { print substr($0, 5) } { prev = $0 }' "$f"
    done | grep -E '^(configure|start|run|add-worker|retire-worker|add-jobs|close-jobs|cancel|speed|pause|expect|mark)( |$)' |
        grep -v '[A-Z]' | grep -Ev '^(configure|run|run for|run until|add-jobs|speed|expect|mark)$' | sort -u
}
sed '/^step 1:/,$d' "$dir/example.lesson" >"$dir/header"
bad=0 checked=0
examples >"$dir/examples"
while IFS= read -r line; do
    # Nine steps before it, for the examples that compare with one.
    { cat "$dir/header"; for k in 1 2 3 4 5 6 7 8 9; do echo "step $k: Before"; done
      echo 'step 10: The example'; echo "$line"; } >"$dir/one.lesson"
    "$POOLVIZ" lesson --check "$dir/one.lesson" >/dev/null 2>"$dir/one.err"
    checked=$((checked + 1))
    if [ -s "$dir/one.err" ]; then
        echo "# the docs' example '$line' does not parse:"
        sed 's/^/#   /' "$dir/one.err"
        bad=$((bad + 1))
    fi
done <"$dir/examples"
[ $bad -eq 0 ] && [ $checked -ge 8 ]
result "every lesson line in README.md and lessons/README.md parses ($checked checked)"
