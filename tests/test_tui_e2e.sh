#!/bin/sh
# test_tui_e2e.sh - the live view end to end: the real program in a tmux
# pane (its own server socket, a fixed 120x40 xterm-256color), driven with
# send-keys and read with capture-pane: start, pause, step, add a worker,
# close jobs, cancel, rewind, resize below the minimum and back, quit; then
# the shell in the pane must have its terminal back (icanon, echo).
# Each expectation polls the screen a bounded number of times; no fixed
# sleeps stand in for synchronisation. Skipped (77) without tmux.

echo "1..1"
if ! command -v tmux >/dev/null 2>&1; then
    echo "ok 1 # SKIP tmux is not installed"
    exit 77
fi

builddir=$(dirname "$(dirname "${POOLVIZ:-./src/poolviz}")")
# The program routes `play` once its dispatcher knows it; until then the
# live view's own driver stands in.
if "$POOLVIZ" play --help >/dev/null 2>&1; then
    play="$POOLVIZ play"
else
    play="$builddir/tests/tui_driver play"
fi

sock="poolviz-test-$$"
log="${TMPDIR:-/tmp}/poolviz-e2e-$$.txt"
tmx() { tmux -L "$sock" "$@"; }
cleanup() { tmx kill-server >/dev/null 2>&1; rm -f "$log"; }
trap cleanup EXIT INT TERM

fail() {
    echo "# $1"
    tmx capture-pane -p -t e2e | sed 's/^/# /'
    echo "not ok 1 - live view end to end"
    exit 1
}

# Polls the pane (up to ~20 s, for sanitizer builds) until it shows $1.
expect() {
    i=0
    while [ $i -lt 400 ]; do
        if tmx capture-pane -p -t e2e | grep -q -- "$1"; then
            return 0
        fi
        i=$((i + 1))
        sleep 0.05
    done
    fail "timed out waiting for: $1"
}

tmx -f /dev/null new-session -d -s e2e -x 120 -y 40 \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR= PS1='$ ' sh" || fail "tmux would not start"
tmx set-option -t e2e -g status off >/dev/null
tmx send-keys -t e2e "stty sane; $play --workers 3 --jobs 40 --speed 2; echo EXITED \$?" Enter

expect "running"
expect "worker 3"
expect "jobs channel"
expect "timeline"

tmx send-keys -t e2e " "
expect "paused"
tmx send-keys -t e2e "."
expect "paused"

tmx send-keys -t e2e " "
expect "running"
tmx send-keys -t e2e "w"
expect "worker 4"

tmx send-keys -t e2e "c"
expect "CLOSED"

tmx send-keys -t e2e "x"
expect "ctx canceled"

# Rewind over the recorded history (the run is over or paused by now).
tmx send-keys -t e2e " "
tmx send-keys -t e2e Left
expect "rewind"
tmx send-keys -t e2e Left Left Right
expect "move through history"
tmx send-keys -t e2e " "
i=0
while tmx capture-pane -p -t e2e | grep -q "move through history"; do
    i=$((i + 1))
    [ $i -lt 400 ] || fail "space did not leave the rewind"
    sleep 0.05
done

tmx resize-window -t e2e -x 70 -y 20
expect "needs at least 80x24"
tmx resize-window -t e2e -x 120 -y 40
expect "jobs channel"

# The shell in the pane must have its line discipline back.
tty_sane() {
    tmx send-keys -t e2e "stty -a > '$log'; echo STTY-$1" Enter
    expect "STTY-$1"
    grep -q -- " icanon" "$log" || fail "icanon is off after $1"
    grep -q -- " echo " "$log" || fail "echo is off after $1"
}

tmx send-keys -t e2e "q"
expect "EXITED 0"
tty_sane quit

# Ctrl-C restores the terminal too.
tmx send-keys -t e2e "$play --jobs 1000; echo EXITED-INT \$?" Enter
expect "running"
tmx send-keys -t e2e C-c
expect "EXITED-INT"
tty_sane ctrl-c

echo "ok 1 - live view end to end"
