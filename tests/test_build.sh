#!/bin/sh
# test_build.sh - the built program's command line and its default run, as TAP.
# make check sets $POOLVIZ to the binary; by hand: POOLVIZ=src/poolviz sh tests/test_build.sh
. "$(dirname "$0")/taplib.sh"

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

# At speed 1000 the default run's 3 virtual seconds take 3 ms. Without a
# command, options go to `poolviz run`.
T='^\[ *[0-9]+\.[0-9]{2}s\] '
run 0 --speed 1000 &&
    count "$out" "${T}worker [1-3] started job [1-9]\$" 9 &&
    count "$out" "${T}worker [1-3] finished job [1-9]\$" 9 &&
    count "$out" '^makespan 3\.00s \(ideal 3\.00s, serial 9\.00s\)$' 1
result "the default run: 9 jobs on 3 workers in 3 virtual seconds"

# Every job is started and finished exactly once, by one of the 3 workers.
bad=0
for j in 1 2 3 4 5 6 7 8 9; do
    count "$out" "${T}worker [1-3] started job $j\$" 1 && count "$out" "${T}worker [1-3] finished job $j\$" 1 ||
        bad=1
done
[ "$bad" -eq 0 ]
result "each job runs once"
