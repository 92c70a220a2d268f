#!/bin/sh
# test_cli.sh - `poolviz run` and `poolviz sweep` end to end, as TAP: the
# trace and summary of runs, each classic mistake's Go message and status,
# usage errors, the JSON lines and Chrome trace outputs, and scaling.
# make check sets $POOLVIZ; by hand: POOLVIZ=src/poolviz sh tests/test_cli.sh
. "$(dirname "$0")/taplib.sh"
has() { # has FILE REGEX: some line of FILE matches
    grep -q -E -- "$2" "$1" && return 0
    echo "# nothing matches '$2' in:"
    sed 's/^/# /' "$1" | head -60
    return 1
}
usage_error() { # usage_error ARGS...: status 64, one line on stderr, nothing on stdout
    run 64 "$@" && count "$err" . 1 && [ ! -s "$out" ] && has "$err" '^poolviz: '
}
near() { # near CSV WORKERS SPEEDUP: the sweep's row for WORKERS has that speedup, within 1%
    # (1% for the virtual time before the run's first step, which sanitizers lengthen)
    awk -F, -v w="$2" -v s="$3" '$1 == w { found = 1; if ($3 < 0.99 * s || $3 > 1.01 * s) bad = 1 }
        END { exit !(found && !bad) }' "$1" && return 0
    echo "# no speedup of $3 with $2 workers in:"
    sed 's/^/# /' "$1"
    return 1
}
accounted() { # the summary's accounting line adds up
    awk '/^accounting: / {
        sum = $5 + $8 + $11 + $14 + $17 + $20 + $23
        if ($2 != sum) { print "# " $2 " planned, " sum " accounted"; exit 1 }
        found = 1
    } END { exit !found }' "$out"
}

echo "1..35"

T='^\[ *[0-9]+\.[0-9]{2}s\] '

run 0 run --speed 1000 &&
    count "$out" "${T}worker [1-3] started job [1-9]\$" 9 &&
    count "$out" "${T}worker [1-3] finished job [1-9]\$" 9 &&
    count "$out" "${T}main received result of job [1-9] \\(value [0-9]+\\)\$" 9 &&
    count "$out" "${T}worker [1-3] exited\$" 3 &&
    count "$out" "${T}producer closed jobs\$" 1 &&
    count "$out" '^makespan 3\.00s \(ideal 3\.00s, serial 9\.00s\)$' 1 &&
    count "$out" '^throughput 3\.00 results/s$' 1 &&
    count "$out" '^worker [1-3]: 3 jobs \(0 failed\), utilization [0-9]+%$' 3 &&
    has "$out" '^accounting: 9 planned = 9 completed \+ 0 failed' && accounted && [ ! -s "$err" ]
result "run: 9 one-second jobs on 3 workers take 3.00s, as the ideal"

run 0 run --speed 1000 --jobs 5 && count "$out" '^makespan 2\.00s \(ideal 2\.00s, serial 5\.00s\)$' 1
result "run --jobs 5: 2.00s"

run 0 run --speed 1000 --quiet && count "$out" '^\[' 0 && count "$out" '^makespan 3\.00s' 1
result "run --quiet prints the summary only"

run 0 run --speed 1000 --fail 0.5 --seed 7 -q && has "$out" '^errors: [1-9]' && accounted &&
    run 0 run --speed 1000 --fail 0.5 --seed 7 &&
    has "$out" "${T}worker [1-3] failed job [1-9]: processing job [1-9]: simulated failure\$"
result "run --fail: failed jobs are reported and counted"

run 2 run --speed 1000 --mistake forget-close --collect waitgroup &&
    has "$err" '^fatal error: all goroutines are asleep - deadlock!$' &&
    has "$err" '^closer \[sync\.WaitGroup\.Wait' && has "$out" "${T}run ended: deadlock\$"
result "forget-close with a WaitGroup: Go's deadlock, status 2"

run 2 run --speed 1000 --mistake early-close-results && has "$err" '^panic: send on closed channel'
result "early-close-results: panic: send on closed channel, status 2"

run 2 run --speed 1000 --mistake wait-before-drain --results-cap 0 &&
    has "$err" '^fatal error: all goroutines are asleep - deadlock!$' && has "$err" '^main \[sync\.WaitGroup\.Wait'
result "wait-before-drain with unbuffered results: deadlock, status 2"

run 2 run --speed 1000 --mistake send-before-start --jobs-cap 3 &&
    has "$err" '^fatal error: all goroutines are asleep - deadlock!$' && has "$err" '^main \['
result "send-before-start with 3 slots: deadlock, status 2"

# A live ticker can only wake a worker waiting for its tick: with every
# goroutine blocked elsewhere it must not hide the deadlock (Go would hang).
dead='^fatal error: all goroutines are asleep - deadlock!$'
run 2 run --speed 1000 --rate 100ms --mistake wait-before-drain --results-cap 0 -q &&
    has "$err" "$dead" && has "$err" '^main \[sync\.WaitGroup\.Wait' &&
    run 2 run --speed 1000 --rate 100ms --mistake forget-close --collect waitgroup -q &&
    has "$err" "$dead" && has "$err" '^closer \[sync\.WaitGroup\.Wait' &&
    run 2 run --speed 1000 --rate 100ms --mistake send-before-start --jobs-cap 2 -q && has "$err" "$dead"
result "mistakes under a rate limit: still Go's deadlock, status 2, no hang"

run 0 run --speed 1000 --mistake forget-close --collect count &&
    has "$out" "${T}note: main returned while goroutines were still running or blocked \\([1-3] goroutines\\)\$" &&
    [ ! -s "$err" ]
result "forget-close counting results: status 0, goroutines left behind"

# --seed: the same durations and failures, so the same lines - up to which
# worker took which job and the order of lines at one instant, which the
# scheduler decides, as in Go.
seeded() {
    "$POOLVIZ" run --speed 1000 -j 12 --duration uniform:100ms..1s --fail 0.3 --seed "$1" </dev/null |
        sed 's/worker [0-9]*/worker/g' | sort
}
seeded 42 >"$dir/seed1" && seeded 42 >"$dir/seed2" && seeded 43 >"$dir/seed3" &&
    has "$dir/seed1" 'failed job' && cmp -s "$dir/seed1" "$dir/seed2" && ! cmp -s "$dir/seed1" "$dir/seed3"
result "--seed: two runs with the same seed print the same, another seed differs"

run 0 run --speed 1000 --timeout 2500ms -j 20 -q && count "$out" '^makespan 2\.00s \(ideal 7\.00s, serial 20\.00s\)$' 1 &&
    count "$out" '^cut short: 6 of 20 planned jobs collected \(ideal and serial are for the whole plan\)$' 1 &&
    run 0 run --speed 1000 -q && count "$out" '^cut short' 0
result "a run cut short: the ideal and serial times are the plan's, and it says so"

run 0 run --speed 1000 -w 1 -j 1 --cancel-after 500ms -q && count "$out" '^worker 1: 0 jobs \(0 failed\)' 1 &&
    count "$out" '^cancelled: 1 job \(context canceled\)$' 1 &&
    run 0 run --speed 1000 -w 1 -j 1 && count "$out" '^worker 1: 1 job \(0 failed\)' 1 &&
    count "$out" "${T}start: 1 job, 1 worker \\(ideal makespan 1\\.00s\\)\$" 1
result "one job, one worker: singular words"

run 0 run --speed 1000 --timeout 2500ms && has "$out" "${T}context deadline exceeded\$" &&
    has "$out" '^cancelled: [1-9][0-9]* jobs \(context deadline exceeded\)$' && accounted &&
    run 0 run --speed 1000 --cancel-after 1500ms --jobs 20 -q && has "$out" '\(context canceled\)$' && accounted
result "--timeout and --cancel-after: every planned job is accounted for"

usage_error run --workers abc && has "$err" "^poolviz: --workers: expected a number between 1 and 1024, got 'abc'\$" &&
    usage_error run --nope && usage_error run --speed && usage_error run --duration 3 &&
    usage_error run --kind lines && usage_error run --kind lines --dir "$dir/none" &&
    usage_error run --timeout 1s --worker-form range && usage_error frobnicate &&
    usage_error sweep --jobs 3 && usage_error sweep --workers 0..3 && usage_error run stray
result "bad options: one line on stderr, status 64"

trace=$dir/t.json
no_temp_left() { # no temporary file beside the trace
    set -- "$trace".*
    [ ! -e "$1" ] && return 0
    echo "# left behind: $*"
    return 1
}
no_trace_left() { [ ! -e "$trace" ] && no_temp_left; }
usage_error run --speed 1000 --trace "$trace" --workers 0 && no_trace_left &&
    usage_error run --speed 1000 --trace "$trace" --kind lines --dir "$dir/none" && no_trace_left &&
    usage_error run --speed 1000 --trace "$dir/no/such/dir/t.json" && [ ! -e "$dir/no" ] &&
    usage_error run --speed 1000 --trace "$dir" && has "$err" 'Is a directory$' && no_trace_left
result "--trace: a path that cannot be written is a usage error before the run, no file left"

# The temporary file is a fresh one: an existing FILE.tmp is someone else's.
echo keep >"$trace.tmp" && run 0 run --speed 1000 -q --trace "$trace" && [ -s "$trace" ] &&
    [ "$(cat "$trace.tmp")" = keep ] && rm -f "$trace" "$trace.tmp" && no_trace_left
result "--trace leaves an existing FILE.tmp alone"

# stdout closed under a run (SIGPIPE): the run stops quietly, no partial trace.
for format in text jsonl; do
    { "$POOLVIZ" run --trace "$trace" -j 20000 --duration 1ms --speed 1000 --format "$format" 2>"$err"
        echo $? >"$dir/status"; } | head -1 >"$out"
    [ "$(cat "$dir/status")" -eq 141 ] && count "$out" . 1 && [ ! -s "$err" ] && no_trace_left || break
done
result "stdout closed mid-run: status 141, nothing on stderr, no partial trace"

run 0 run --speed 1000 --fail 0.2 --trace "$trace" && [ -s "$trace" ] && no_temp_left &&
    has "$trace" '^\{"displayTimeUnit":"ms","traceEvents":\[$' && has "$trace" '^\]\}$' &&
    count "$trace" '"name":"thread_name","args":\{"name":"worker [1-3]"\}' 3 &&
    count "$trace" '"ph":"X".*"name":"job [1-9]"' 9 && has "$trace" '"name":"close\(jobs\)"'
result "--trace writes a Chrome trace: a track per worker, a span per job"

if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d["traceEvents"]) > 20' "$trace"
else
    echo "# python3 not found: the structure was checked by grep only"
fi
result "the trace is valid JSON"

run 2 run --speed 1000 --mistake forget-close --collect waitgroup --trace "$trace" &&
    has "$trace" '"name":"fatal error: all goroutines are asleep - deadlock!"' &&
    has "$trace" '"name":"blocked: chan receive \(results\)"' && no_temp_left
result "a deadlocked run's trace is kept, blocks and all"

run 0 run --speed 1000 --format jsonl --fail 0.3 && [ ! -s "$err" ] &&
    count "$out" '^\{"seq":[0-9]+,"t":-?[0-9]+,"real":[0-9]+,"kind":"[a-z_]+",.*"ok":-?[0-9]+,"err":-?[0-9]+\}$' \
        "$(wc -l <"$out")" &&
    count "$out" '"kind":"job_start","actor":[0-9]+,"actor_name":"worker [1-3]"' 9 &&
    count "$out" '"kind":"run_end"' 1 && count "$out" '^makespan' 0 &&
    count "$out" '"wait":"[^"]*"' "$(wc -l <"$out")" && head -1 "$out" | grep -q '^{"seq":0,"t":0,' &&
    count "$out" '"kind":"job_fail"' "$(grep -c '"kind":"job_fail".*"aux":0,.*"err":-1}$' "$out")" &&
    has "$out" '"kind":"job_fail"'
result "--format jsonl: one JSON object per event (wait a string, a failure's error in err, time from 0)"

if command -v python3 >/dev/null 2>&1; then
    python3 -c '
import json, sys
seqs = [json.loads(line)["seq"] for line in open(sys.argv[1])]
assert seqs == list(range(len(seqs))), "seq is not 0, 1, 2, ..."' "$out"
else
    echo "# python3 not found: skipped"
fi
result "the JSON lines parse, in sequence"

mkdir -p "$dir/files" && printf 'a\nb\n' >"$dir/files/one" && printf 'c\n' >"$dir/files/two" &&
    run 0 run --speed 1000 --kind lines --dir "$dir/files" &&
    count "$out" "${T}main received result of job 1 \\(value 2\\)\$" 1 &&
    count "$out" "${T}main received result of job 2 \\(value 1\\)\$" 1 && has "$out" '^accounting: 2 planned' &&
    count "$out" "${T}worker [1-3] started job 1 \\(one\\)\$" 1 &&
    count "$out" "${T}worker [1-3] finished job 1 \\(one: 2 lines\\)\$" 1 &&
    count "$out" "${T}worker [1-3] finished job 2 \\(two: 1 line\\)\$" 1 &&
    count "$out" "${T}start: 2 jobs, 3 workers \\(real work: no ideal\\)\$" 1 &&
    count "$out" '^makespan [0-9]+\.[0-9]{2}m?s real time \(real work: no ideal\)$' 1 &&
    count "$out" '^throughput [0-9.]+ results/s \(real time\)$' 1 && count "$out" 'ideal [0-9]' 0
result "--kind lines counts each file's lines, names the file, and reports real time"

run 0 sweep --workers 1..4 --speed 1000 &&
    count "$out" '^workers  makespan  speedup  efficiency$' 1 &&
    count "$out" '^ +1 +9\.00s +1\.00x +100%$' 1 &&
    count "$out" '^ +3 +3\.00s +3\.00x +100%$' 1 &&
    count "$out" '^ +4 +3\.00s +3\.00x +75%$' 1 &&
    count "$out" '^ +[1-4] \| #+ +[0-9.]+x$' 4
result "sweep prints a table and a speedup chart"

# Lines jobs are real work: the sweep times them in real time.
run 0 sweep --workers 1..3 --kind lines --dir "$dir/files" --csv && count "$out" . 4 &&
    awk -F, 'NR > 1 && !($2 > 0) { print "# no real makespan: " $0; bad = 1 } END { exit bad }' "$out" &&
    run 0 sweep --workers 1,2 --kind lines --dir "$dir/files" && count "$out" '^ +[12] +[0-9]+\.[0-9]{2}m?s +' 2
result "sweep of lines jobs measures real time"

usage_error sweep --workers 1..3 --cancel-after 2s && has "$err" 'complete runs' &&
    usage_error sweep --workers 1..3 --timeout 1s && usage_error sweep --workers 1..3 --mistake forget-close &&
    usage_error sweep --workers 1..3 -q && has "$err" 'does nothing' && usage_error sweep --workers 1..3 --history 5
result "sweep refuses options that would cut its runs short or do nothing"

run 0 sweep --workers 1,2,4,8 --speed 1000 --jobs 16 --csv &&
    count "$out" '^workers,makespan_s,speedup,efficiency$' 1 && near "$out" 8 8 &&
    count "$out" . 5
result "sweep --csv"

# Sleep work keeps scaling with workers; CPU-bound work stops at the cores.
cores=$(nproc 2>/dev/null || echo 2)
[ "$cores" -gt 4 ] && cores=4
many=$((cores * 2))
# spin_stops_scaling: one spin sweep's speedup with $many workers is well
# under $many. Outside load (the other tests, run in parallel) gives more
# threads a larger share of the cores, which can fake scaling in one sweep;
# the best of three sweeps is the machine's own behaviour.
spin_stops_scaling() {
    for attempt in 1 2 3; do
        run 0 sweep --workers "1,$many" --kind spin --speed 10 --jobs 16 --duration 50ms --csv || return 1
        awk -F, -v w="$many" -v c="$cores" '$1 == w { print "# spin speedup " $3 " with " w " workers on " c " cores"
            exit !($3 < 0.75 * w) }' "$out" && return 0
    done
    return 1
}
run 0 sweep --workers "1,$many" --speed 1000 --jobs 16 --duration 50ms --csv &&
    near "$out" "$many" "$many" && spin_stops_scaling
result "sleep jobs scale with workers, spin jobs stop at the core count"

run 0 --help && has "$out" '^usage: poolviz' && has "$out" '^  sweep ' &&
    run 0 run --help && has "$out" '^usage: poolviz run' && has "$out" '--mistake M' &&
    run 0 sweep --help && has "$out" '^usage: poolviz sweep' && has "$out" '--csv'
result "--help for the program and each command"

# Ctrl-C ends the run, not the process: a summary, status 130, no trace
# left. SIGTERM and SIGHUP (a closed terminal) do the same.
rm -f "$trace"
for sig in INT HUP; do
    "$POOLVIZ" run --jobs 1000 --trace "$trace" >"$out" 2>"$err" </dev/null &
    pid=$!
    sleep 1
    kill -"$sig" "$pid"
    wait "$pid"
    st=$?
    [ "$st" -eq 130 ] && has "$out" '^accounting: 1000 planned' && has "$err" 'interrupted' && no_trace_left
    result "SIG$sig stops the run: summary, status 130, no partial trace"
done

run 0 run --speed 1000 --producer dynamic --interval 500ms --rate 250ms --history 5 -q &&
    has "$out" '^history: trimmed [0-9]+ events$' && accounted
result "dynamic producer, rate limit, a trimmed history"

run 0 run --speed 1000 -w 2 -j 50 --duration 10ms --history 20 --format jsonl &&
    awk '/"kind":"history_trimmed"/ { split($0, a, "\"value\":"); split(a[2], b, ","); said = b[1] }
        END { print "# " NR " events, 20 kept, " said " said trimmed"; exit !(said == NR - 20) }' "$out"
result "the trimmed count is exact: every event is kept or counted"

# A huge bound costs what the run keeps, not the bound: 100000000 events
# would need 6 GB up front. Sanitizers reserve far more address space than
# the limit, so they skip this.
if grep -q -a -E '__(a|t)san_init' "$POOLVIZ"; then
    echo "ok $((n += 1)) # skip a sanitizer build cannot run under ulimit -v"
else
    (ulimit -v 400000 && "$POOLVIZ" run --speed 1000 --history 100000000 -q >"$out" 2>"$err" </dev/null) &&
        has "$out" '^accounting: 9 planned = 9 completed'
    result "--history 100000000 runs in 400 MB of address space"
fi
