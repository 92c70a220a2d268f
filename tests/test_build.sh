#!/bin/sh
# test_build.sh - the built program's command line and headless demo, as TAP.
# make check sets $POOLVIZ to the binary; by hand: POOLVIZ=src/poolviz sh tests/test_build.sh
POOLVIZ=${POOLVIZ:-src/poolviz}
out=${TMPDIR:-/tmp}/test_build.$$.out
err=${TMPDIR:-/tmp}/test_build.$$.err
trap 'rm -f "$out" "$err"' EXIT
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
    sed 's/^/# /' "$out" "$err"
    return 1
}
count() { # count FILE REGEX WANT: exactly WANT lines of FILE match REGEX
    got=$(grep -c -E "$2" "$1")
    [ "$got" -eq "$3" ] && return 0
    echo "# $got lines match '$2', want $3"
    sed 's/^/# /' "$1"
    return 1
}

echo "1..8"

run 0 --help && count "$out" '^usage: poolviz' 1
result "--help prints the usage"

run 0 --version && count "$out" '^poolviz [0-9]' 1
result "--version prints the version"

run 64 --no-such-option && count "$err" . 1 && [ ! -s "$out" ]
result "an unknown option is a one-line usage error, status 64"

run 64 --speed && count "$err" . 1
result "--speed without a value is a usage error"

run 64 --speed fast && count "$err" . 1
result "a bad speed is a usage error"

run 64 nonsense && count "$err" . 1
result "an unknown command is a usage error"

# At speed 1000 the demo's 3 virtual seconds take 3 ms.
run 0 demo --speed 1000 &&
    count "$out" '^worker [1-3] started job [1-9]$' 9 &&
    count "$out" '^worker [1-3] finished job [1-9]$' 9 &&
    count "$out" '^9 jobs on 3 workers in [0-9]+\.[0-9]{2}s \(serial: 9\.00s\)$' 1
result "demo runs 9 jobs on 3 workers"

# Every job is started and finished exactly once, and 3 workers ran 9 one-second
# jobs, so no less than 3 virtual seconds passed.
bad=0
for j in 1 2 3 4 5 6 7 8 9; do
    count "$out" "^worker [1-3] started job $j\$" 1 && count "$out" "^worker [1-3] finished job $j\$" 1 ||
        bad=1
done
[ "$bad" -eq 0 ] &&
    secs=$(sed -n 's/^9 jobs on 3 workers in \([0-9.]*\)s.*/\1/p' "$out") &&
    awk -v s="$secs" 'BEGIN { exit !(s >= 3.0) }'
result "each job runs once and the pool takes at least 3 virtual seconds"
