#!/bin/sh
# test_tui_e2e.sh - the live view end to end: the real program in a tmux
# pane (its own server socket, a fixed 120x40 xterm-256color), driven with
# send-keys and read with capture-pane.
#   1. `poolviz play`: start, pause, step (one event each), speed, add and
#      retire a worker, add jobs, close jobs, cancel, rewind, resize below
#      the minimum and back, quit; a deadlock, Esc, r; resizes repaint the
#      whole screen; Ctrl-C, SIGTERM, SIGHUP and a crash (SIGSEGV) end it
#      with 128 + the signal; after each the shell in the pane must have
#      its terminal back (icanon, echo, keypad mode off).
#   2. `poolviz replay`: a run recorded with `poolviz run --format jsonl`,
#      played back: pause, step one event, a refused control, play it
#      again once over, quit; a recorded deadlock's report.
# Mistakes on the command line or in the file (3) are said before the
# terminal changes, so they need no terminal at all and run even without
# tmux. Each expectation polls the screen a bounded number of times; no
# fixed sleeps stand in for synchronisation. The tmux cases are skipped
# without tmux.

: "${POOLVIZ:=./src/poolviz}"
play="$POOLVIZ play"
echo "1..3"

sock="poolviz-test-$$"
tmp="${TMPDIR:-/tmp}/poolviz-e2e-$$"
rec="$tmp.jsonl"
session=e2e
. "$(dirname "$0")/tmuxlib.sh"
cleanup() { tmx kill-server >/dev/null 2>&1; rm -f "$tmp.stty" "$rec" "$tmp.bad.jsonl" "$tmp.err" "$tmp.before" "$tmp.pid"; }
trap cleanup EXIT INT TERM

test_name="live view end to end"

# ---- 3 (first: no terminal needed) ----
test_no=3 test_name="usage and data errors before the terminal changes"
refuse "play --bogus" 64 "unknown option '--bogus'"
refuse "play --workers 0" 64 "--workers"
refuse "play --mistake nope" 64 "--mistake"
refuse "play --format jsonl" 64 "are for poolviz run"
refuse "play --trace x.json" 64 "are for poolviz run"
refuse "play extra" 64 "unexpected argument 'extra'"
printf '{"seq":0,"t":0,"real":0,"kind":"run_start"}\n{"seq":1,"t":0,oops}\n' > "$tmp.bad.jsonl"
refuse "replay $tmp.bad.jsonl" 65 "^poolviz: $tmp.bad.jsonl:2:[0-9]+: "
: > "$tmp.bad.jsonl"
refuse "replay $tmp.bad.jsonl" 65 "no events"
refuse "replay $tmp.missing.jsonl" 1 "No such file"
"$POOLVIZ" play --help </dev/null | grep -q -- "--mistake" || fail "play --help does not list the run options"
"$POOLVIZ" replay --help </dev/null | grep -q "usage: poolviz replay" || fail "replay --help"
results_3="ok 3 - $test_name"

if ! command -v tmux >/dev/null 2>&1; then
    echo "ok 1 # SKIP tmux is not installed"
    echo "ok 2 # SKIP tmux is not installed"
    echo "$results_3"
    exit 0
fi

# ---- 1 ----
test_no=1 test_name="live view end to end"


start_pane
# Far more jobs than the presses below can outlast, however slow the machine:
# every control must land while the run goes on; x (cancel) ends it.
tmx send-keys -t e2e "stty sane; $play --workers 3 --jobs 400 --jobs-cap 2 --speed 2; echo EXITED \$?" Enter

expect "running"
expect "worker 3"
expect "jobs channel"
expect "timeline"

# Paused, the event count stands still; each step adds exactly one event
# (the count in the events pane's heading), even when the run has to go on
# to make it.
events_shown() { tmx capture-pane -p -t e2e | sed -n 's/.* \([0-9][0-9]*\) events [^a-z]*$/\1/p' | head -n 1; }
other_than() { [ "$(events_shown)" != "$1" ]; }
step_one() {
    before=$(events_shown)
    [ -n "$before" ] || fail "no event count on screen"
    tmx send-keys -t e2e "."
    until_ok "a step to show an event" other_than "$before"
    after=$(events_shown)
    [ "$after" -eq $((before + 1)) ] || fail "a step went from $before to $after events"
}
press " " "paused"
for i in 1 2 3 4 5 6; do step_one; done
expect "paused"
press " " "running"
press "+" "speed 5x"
press "-" "speed 2x"
press "w" "worker 4"
press "W" "worker 4  exited"
press "j" "collected [0-9]* of 403"
press "c" "CLOSED"
press "x" "ctx canceled"

# Rewind over the recorded history (the run is over or paused by now).
tmx send-keys -t e2e " "
press Left "rewind"
tmx send-keys -t e2e Left Left Right
expect "move through history"
tmx send-keys -t e2e " "
until_ok "space to leave the rewind" lacks "move through history"

tmx resize-window -t e2e -x 70 -y 20
expect "needs at least 80x24"
tmx resize-window -t e2e -x 120 -y 40
expect "jobs channel"

press "q" "EXITED 0"
tty_sane quit

# A deadlock: Go's report over the panes, each worker stuck on what it
# waits on; Esc hides the report, r starts the run again.
tmx send-keys -t e2e "clear; $play --mistake forget-close --collect waitgroup --speed 100; echo EXITED \$?" Enter
expect "all goroutines are asleep - deadlock!"
expect "closer \[sync.WaitGroup.Wait (wg)\]"
expect "worker 1  stuck on jobs"
expect "workers (3 stuck)"
expect "deadlock   t 3\.0[0-9] s"
press Escape "speed 100x" # the report goes; what is under it shows
until_ok "Esc to hide the report" lacks "asleep - deadlock!"
press "r" "restarted"
expect "deadlock"
press "q" "EXITED 0"

# After a resize every cell is repainted: the screen equals a fresh draw of
# the same (finished, so still) frame, which Ctrl-L forces.
same_after_repaint() {
    tmx capture-pane -p -t e2e > "$tmp.before"
    tmx send-keys -t e2e C-l
    i=0
    until tmx capture-pane -p -t e2e | cmp -s - "$tmp.before"; do
        i=$((i + 1))
        [ $i -lt 20 ] || fail "$1: the screen after the resize is not a fresh draw: $(tmx capture-pane -p -t e2e | diff "$tmp.before" - | head -n 20)"
        sleep 0.05
    done
}
tmx send-keys -t e2e "clear; $play --speed 100; echo EXITED \$?" Enter
expect "finished"
tmx resize-window -t e2e -x 80 -y 24
expect "speed 100x"
tmx resize-window -t e2e -x 120 -y 40
expect "3 workers, 9 jobs   "
same_after_repaint "80x24 and back to 120x40"
tmx resize-window -t e2e -x 100 -y 23
expect "needs at least 80x24"
tmx resize-window -t e2e -x 30 -y 5
expect "(this is 30x5)"
same_after_repaint "100x23 to 30x5"
tmx resize-window -t e2e -x 120 -y 40
expect "jobs channel"
press "q" "EXITED 0"

# Signals: the terminal back, and 128 + the signal as the exit status (a
# crash: the default action's 139, or a sanitizer's report and its own
# non-zero status). The view's pid comes from the shell that execs it.
tmx send-keys -t e2e "$play --jobs 1000; echo EXITED-INT \$?" Enter
expect "running"
press C-c "EXITED-INT 130"
tty_sane ctrl-c
for sig in TERM:143 HUP:129 'SEGV:[1-9][0-9]*'; do
    name=${sig%%:*} status=${sig#*:}
    rm -f "$tmp.pid"
    tmx send-keys -t e2e "clear; sh -c 'echo \$\$ > $tmp.pid; exec $play --jobs 1000'; echo EXITED-$name \$?" Enter
    expect "running"
    kill -s "$name" "$(cat "$tmp.pid")"
    expect "EXITED-$name $status"
    tty_sane "SIG$name"
done
echo "ok 1 - $test_name"

# ---- 2 ----
test_no=2 test_name="replay of a recorded run"
"$POOLVIZ" run --speed 1000 --format jsonl > "$rec" || fail "could not record a run"
tmx send-keys -t e2e "clear; $POOLVIZ replay '$rec'; echo EXITED-REPLAY \$?" Enter
expect "replay of poolviz-e2e-"
expect "jobs channel"
press " " "paused"
step_one
press "w" "replay: read-only"
press "+" "speed 2x"
press " " "run ended"
# A finished replay plays again from the start.
press "r" "restarted"
expect "replaying"
press " " "paused"
press "q" "EXITED-REPLAY 0"
tty_sane replay

# A recorded deadlock: Go's report with every blocked goroutine and what it
# waits on, told by the model at the moment of death, and stuck workers.
"$POOLVIZ" run --mistake forget-close --collect waitgroup --speed 1000 --format jsonl > "$rec" 2>/dev/null
[ $? -eq 2 ] || fail "a deadlocked run did not exit 2"
tmx send-keys -t e2e "clear; $POOLVIZ replay '$rec'; echo EXITED-REPLAY \$?" Enter
expect "jobs channel"
tmx send-keys -t e2e + + + + + +
expect "all goroutines are asleep - deadlock!"
expect "main \[chan receive (results)\]"
expect "worker 3 \[select (jobs)\]"
expect "closer \[sync.WaitGroup.Wait (wg)\]"
expect "worker 2  stuck on jobs"
expect "workers (3 stuck)"
press "q" "EXITED-REPLAY 0"
echo "ok 2 - $test_name"
echo "$results_3"
