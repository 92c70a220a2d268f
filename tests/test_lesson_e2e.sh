#!/bin/sh
# test_lesson_e2e.sh - the lesson view end to end: the real program in a
# tmux pane (its own server socket, 120x40), driven with send-keys and read
# with capture-pane. `poolviz` without arguments opens the menu; lesson 2 is
# opened from it, its question answered, and its steps run with n until the
# deadlock: the screen must show Go's message and mark, in the code pane,
# the lines the blocked goroutines are on. q goes back to the menu, q again
# quits, and the shell must have its terminal back. Then a lesson with a
# `pause` must stop there, paused, until n. Each expectation polls
# the screen a bounded number of times; no fixed sleeps synchronise.
# The menu tags a lesson with errors and, opened, says its first error.
# A lesson that cannot be found or parsed is refused before the terminal
# changes (no tmux needed): a file's every error on stderr, each with its
# line and caret. Skipped (77) without tmux.

: "${POOLVIZ:=./src/poolviz}"
# The shipped lessons: the source tree's, wherever the build is.
here=$(cd "$(dirname "$0")" && pwd)
POOLVIZ_LESSONS=$(cd "${srcdir:-$here/..}" && pwd)/lessons
export POOLVIZ_LESSONS
echo "1..3"

sock="poolviz-lesson-$$"
tmp="${TMPDIR:-/tmp}/poolviz-lesson-$$"
session=les
. "$(dirname "$0")/tmuxlib.sh"
cleanup() {
    tmx kill-server >/dev/null 2>&1
    rm -f "$tmp.stty" "$tmp.err" "$tmp.out" "$tmp.bad.lesson" "$tmp.pause.lesson"
    rm -rf "$tmp.menu"
}
trap cleanup EXIT INT TERM


# ---- 2: refusals, no terminal needed ----
test_no=2 test_name="a bad lesson name or file is refused before the terminal changes"
refuse "lesson no-such-lesson" 64 "no lesson 'no-such-lesson'"
printf 'title: broken\nstep 1: x\nexpect resluts == 9\n' > "$tmp.bad.lesson"
"$POOLVIZ" lesson "$tmp.bad.lesson" </dev/null >"$tmp.out" 2>"$tmp.err"
rc=$?
[ $rc -eq 65 ] || fail "'poolviz lesson $tmp.bad.lesson' exited $rc, want 65: $(cat "$tmp.err")"
[ -s "$tmp.out" ] && fail "'poolviz lesson $tmp.bad.lesson' wrote on stdout: $(cat "$tmp.out")"
grep -q "^$tmp.bad.lesson:3:8: unknown field 'resluts' (did you mean 'results'?)\$" "$tmp.err" &&
    grep -qx 'expect resluts == 9' "$tmp.err" && grep -qx '       ^~~~~~~' "$tmp.err" &&
    grep -q "^$tmp.bad.lesson:1:1: the lesson has no \`summary:\`" "$tmp.err" &&
    grep -q "^$tmp.bad.lesson:1:1: the lesson has no \`code:\` block" "$tmp.err" &&
    grep -qx "3 errors in $tmp.bad.lesson" "$tmp.err" || fail "'poolviz lesson $tmp.bad.lesson' said: $(cat "$tmp.err")"
results_2="ok 2 - $test_name"

if ! command -v tmux >/dev/null 2>&1; then
    echo "ok 1 # SKIP tmux is not installed"
    echo "$results_2"
    exit 0
fi

# ---- 1 ----
test_no=1 test_name="lesson 2 from the menu to its deadlock"

start_pane
tmx send-keys -t les "stty sane; POOLVIZ_LESSONS='$POOLVIZ_LESSONS' $POOLVIZ; echo EXITED \$?" Enter

expect "02-close-jobs"
expect "free play"
# Down to lesson 2 (the first line is lesson 1), and open it.
tmx send-keys -t les j
until_ok "lesson 2 selected" sh -c "tmux -L '$sock' capture-pane -p -t les | grep -q '▶ 02-close-jobs'"
press Enter "Press n to begin"
press n "step 1 of 3"
expect "claims held"
press n "What happens after the ninth result?"
press 2 "all goroutines are asleep - deadlock!"
expect "claims held"
# The code pane marks where the blocked goroutines are: the three workers on
# `range jobs`, the closer on wg.Wait(), main on its range over results.
marked() { tmx capture-pane -p -t les | grep -Eq -- "$1"; }
until_ok "workers marked on range jobs" marked 'w1 w2 w3 ▶ +[0-9]+ +for j := range jobs'
until_ok "closer marked on wg.Wait" marked 'closer ▶ +[0-9]+ +wg.Wait\(\)'
until_ok "main marked on range results" marked 'main ▶ +[0-9]+ +for r := range results'
# The verdict on the prediction sits above, a page back.
press PPage "Right: 2."
# The last step, then back to the menu and out.
press n "step 3 of 3"
expect "The end of the lesson"
press q "free play"
press q "EXITED 0"
tty_sane quitting
# A `pause` stops the step, run paused, until n: the rest of the step (its
# run to the end and its claim) comes only after it.
printf '%s\n' 'title: Pausing' 'summary: S' 'code:' 'for j := range jobs { // @recv' 'end' 'step 1: Pause' \
    'configure workers=1 jobs=2 duration=100ms worker-form=range' 'start' 'run for 150ms' 'pause' \
    'run until finished' 'expect results == 2' 'expect finished' > "$tmp.pause.lesson"
tmx send-keys -t les "$POOLVIZ lesson '$tmp.pause.lesson'; echo EXITED-PAUSE \$?" Enter
expect "Press n to begin"
press n "press n to go on"
tmx capture-pane -p -t les | grep -q "claims held" && fail "the step went past its pause"
tmx capture-pane -p -t les | grep -q "paused" || fail "the run is not paused at the pause"
press n "claims held"
press q "EXITED-PAUSE 0"
echo "ok 1 - $test_name"
echo "$results_2"

# ---- 3 ----
test_no=3 test_name="the menu tags a lesson with errors and says why it does not open"
mkdir "$tmp.menu"
cp "$tmp.bad.lesson" "$tmp.menu/00-broken.lesson"
tmx send-keys -t les "clear; POOLVIZ_LESSONS='$tmp.menu' $POOLVIZ; echo EXITED-MENU \$?" Enter
expect "00-broken"
marked '00-broken +broken  \[has errors\]' || fail "the broken lesson is not tagged"
marked '01-worker-pool +What a worker pool is$' || fail "a good lesson is tagged"
press Enter "00-broken.lesson:3:8: unknown field 'resluts'"
press q "EXITED-MENU 0"
echo "ok 3 - $test_name"
