# taplib.sh - what the shell tests share (sourced, not run): a scratch
# directory ($dir, removed at exit) with $out and $err, and TAP helpers to run
# $POOLVIZ and check its status and output. make check sets $POOLVIZ.
POOLVIZ=${POOLVIZ:-src/poolviz}
dir=$(mktemp -d "${TMPDIR:-/tmp}/poolviz_test.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
out=$dir/out
err=$dir/err
n=0

result() { # result DESCRIPTION: one TAP line for the last command's status
    if [ $? -eq 0 ]; then echo "ok $((n += 1)) - $1"; else echo "not ok $((n += 1)) - $1"; fi
}
run() { # run WANT_STATUS ARGS...: runs poolviz into $out/$err, checks its status
    want=$1; shift
    "$POOLVIZ" "$@" >"$out" 2>"$err" </dev/null
    got=$?
    [ "$got" -eq "$want" ] && return 0
    echo "# poolviz $*: exit status $got, want $want"
    sed 's/^/# /' "$out" "$err" | head -60
    return 1
}
count() { # count FILE REGEX WANT: exactly WANT lines of FILE match REGEX
    got=$(grep -c -E -- "$2" "$1")
    [ "$got" -eq "$3" ] && return 0
    echo "# $got lines match '$2', want $3"
    sed 's/^/# /' "$1" | head -60
    return 1
}
