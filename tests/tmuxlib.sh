# tmuxlib.sh - what the end-to-end tests of the live view share (sourced, not
# run): a tmux server of the test's own, a pane to drive, and polling the
# screen for text a bounded number of times instead of sleeping.
#
# The sourcing script sets: sock (server name), session (pane's session),
# test_no and test_name (for the TAP line of a failure).

tmx() { tmux -L "$sock" "$@"; }

# Reports the failure with the screen as it was, then stops the script.
fail() {
    echo "# $1"
    tmx capture-pane -p -t "$session" 2>/dev/null | sed 's/^/# /'
    echo "not ok $test_no - $test_name"
    exit 1
}

# refuse ARGS STATUS PATTERN: runs poolviz ARGS with no terminal; it must
# exit with STATUS and say one line on stderr matching PATTERN.
refuse() {
    "$POOLVIZ" $1 </dev/null >/dev/null 2>"$tmp.err"
    rc=$?
    [ $rc -eq "$2" ] || fail "'poolviz $1' exited $rc, want $2: $(cat "$tmp.err")"
    [ "$(wc -l < "$tmp.err")" -eq 1 ] || fail "'poolviz $1' wrote more than one line: $(cat "$tmp.err")"
    grep -Eq -- "$3" "$tmp.err" || fail "'poolviz $1' said: $(cat "$tmp.err")"
}

# Polls (up to ~30 s, for sanitizer builds) until the command after $1
# (what is awaited, for the failure message) succeeds.
until_ok() {
    what=$1
    shift
    i=0
    while ! "$@"; do
        i=$((i + 1))
        [ $i -lt 600 ] || fail "timed out waiting for: $what"
        sleep 0.05
    done
}
shows() { tmx capture-pane -p -t "$session" | grep -q -- "$1"; }
lacks() { ! shows "$1"; }
expect() { until_ok "$1" shows "$1"; }
# Presses a key, then waits for the screen to show $2.
press() {
    tmx send-keys -t "$session" "$1"
    expect "$2"
}

# A 120x40 xterm-256color pane running a plain shell, ready for send-keys.
start_pane() {
    tmx -f /dev/null new-session -d -s "$session" -x 120 -y 40 \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR= PS1='$ ' sh" || fail "tmux would not start"
    tmx set-option -t "$session" -g status off >/dev/null
}

# tty_sane WHEN: the shell in the pane must have its line discipline back,
# and the terminal must have left keypad mode (the arrows send plain
# sequences). Needs $tmp for the stty dump.
tty_sane() {
    tmx send-keys -t "$session" "stty -a > '$tmp.stty'; echo STTY-$1" Enter
    expect "^STTY-$1" # the output, not the command line that prints it
    grep -q -- " icanon" "$tmp.stty" || fail "icanon is off after $1"
    grep -q -- " echo " "$tmp.stty" || fail "echo is off after $1"
    [ "$(tmx display -p -t "$session" '#{keypad_flag}#{keypad_cursor_flag}')" = 00 ] || fail "keypad mode left on after $1"
}
