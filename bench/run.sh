#!/bin/bash
# run.sh - runs poolviz's benchmarks and their Go references side by side and
# prints a comparison table. `make bench` runs it with BENCH_BIN set; by hand:
#
#   BENCH_BIN=DIR bash bench/run.sh
#
# BENCH_BIN     directory holding the built C programs pipeline,
#               pipeline-nohooks, pingpong, engine and render (default: this
#               script's directory)
# BENCH_ONLY    core, engine or render: run only that part (default: all)
# BENCH_QUICK   1: small sizes everywhere, for a smoke test (the defaults
#               below in brackets); any variable set explicitly still wins
# BENCH_JOBS    jobs per pipeline run           (default 2000000 [100000])
# BENCH_ROUNDS  round trips per ping-pong run   (default 200000 [20000])
# BENCH_REPEAT  runs per configuration; each program reports the median (3 [1])
# BENCH_TIMEOUT seconds one program may take before it counts as hung (600)
# BENCH_SPEEDS  clock speeds of the timing-fidelity runs ("1 100" ["100"]);
#               speed 1 sleeps in real seconds: about 5 s
# BENCH_ENGINE_JOBS   no-op jobs per observation-cost run (200000 [20000])
# BENCH_MEMORY_JOBS   job counts of the memory runs ("250000 1000000"
#                     ["25000 100000"])
# BENCH_MEMORY_HISTORY history bounds of the memory runs ("100000 1000000"
#                     ["10000 100000"]); every pair of the two lists is run
# BENCH_RENDER_FRAMES frames timed per render run (1000 [200])
# BENCH_IDLE_SECONDS  seconds of each CPU-share measurement of `poolviz play`
#                     in tmux (5 [2])
# POOLVIZ       the poolviz program the CPU-share step runs (default:
#               BENCH_BIN/../src/poolviz, where `make bench` builds it)
#
# The Go references (bench/go/) are built into a temporary directory when
# `go` is on PATH; otherwise only the C figures are printed.
#
# Each configuration runs C and then Go right away, rather than all C first,
# so that a change in machine load (another process, CPU frequency) lands on
# both sides of a ratio rather than on one.
set -euo pipefail

src_dir=$(cd "$(dirname "$0")" && pwd)
bin_dir=${BENCH_BIN:-$src_dir}
quick=${BENCH_QUICK:-0}
only=${BENCH_ONLY:-}
# pick FULL QUICK: the default for a full run or for BENCH_QUICK=1.
pick() { if [ "$quick" = 1 ]; then echo "$2"; else echo "$1"; fi; }
jobs=${BENCH_JOBS:-$(pick 2000000 100000)}
rounds=${BENCH_ROUNDS:-$(pick 200000 20000)}
repeat=${BENCH_REPEAT:-$(pick 3 1)}
limit=${BENCH_TIMEOUT:-600}
speeds=${BENCH_SPEEDS:-$(pick "1 100" "100")}
engine_jobs=${BENCH_ENGINE_JOBS:-$(pick 200000 20000)}
memory_jobs=${BENCH_MEMORY_JOBS:-$(pick "250000 1000000" "25000 100000")}
memory_history=${BENCH_MEMORY_HISTORY:-$(pick "100000 1000000" "10000 100000")}
render_frames=${BENCH_RENDER_FRAMES:-$(pick 1000 200)}
idle_seconds=${BENCH_IDLE_SECONDS:-$(pick 5 2)}
poolviz=${POOLVIZ:-$bin_dir/../src/poolviz}

die() {
    echo "bench: $*" >&2
    exit 1
}

want_core='' want_engine='' want_render=''
case $only in
"") want_core=1 want_engine=1 want_render=1 ;;
core) want_core=1 ;;
engine) want_engine=1 ;;
render) want_render=1 ;;
*) die "BENCH_ONLY must be core, engine or render, not '$only'" ;;
esac
progs=()
[ -z "$want_core" ] || progs+=(pipeline pipeline-nohooks pingpong)
[ -z "$want_engine" ] || progs+=(engine)
[ -z "$want_render" ] || progs+=(render)
for prog in "${progs[@]}"; do
    [ -x "$bin_dir/$prog" ] || die "$bin_dir/$prog not found: run 'make bench', or set BENCH_BIN to the directory holding the built benchmarks"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/poolviz-bench.XXXXXX")
# The CPU-share step's tmux server has its socket in $tmp (tmux leaves a
# socket file behind after kill-server), so it goes with the script.
tmux_sock=$tmp/tmux.sock
cleanup() {
    if [ -S "$tmux_sock" ]; then
        tmux -S "$tmux_sock" kill-server >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# --- the Go references ------------------------------------------------------
go_dir=
go_note=
if [ -z "$want_core" ]; then
    go_note="Go skipped: BENCH_ONLY=$only (only the core has Go references)"
elif ! command -v go >/dev/null 2>&1; then
    go_note="Go skipped: no 'go' on PATH (apt-get install golang-go)"
else
    # Builds must not reach for a newer toolchain or the module proxy (the
    # references use the standard library only), nor need a writable HOME.
    export GOTOOLCHAIN=local GOPROXY=off GOFLAGS='' GOWORK=off CGO_ENABLED=0
    if [ -z "${GOCACHE:-}" ] && ! { [ -n "${HOME:-}" ] && [ -w "$HOME" ]; }; then
        export GOCACHE="$tmp/gocache"
    fi
    # In a subshell: `go build FILE.go` needs the module's directory as its
    # working directory, and the source tree may be read-only (VPATH builds).
    if (cd "$src_dir/go" && go build -o "$tmp/go/pipeline" pipeline.go &&
        go build -o "$tmp/go/pingpong" pingpong.go); then
        go_dir=$tmp/go
        go_note="Go: $(go version)"
    else
        go_note="Go skipped: building bench/go failed (see the errors above)"
        echo "bench: $go_note" >&2
    fi
fi

# --- running ----------------------------------------------------------------
# run PROG ARGS...: runs one benchmark program under the time limit, echoes
# its result line (so the raw, machine-readable lines are in the log too) and
# keeps it in $line.
line=
run() {
    local out status=0
    if command -v timeout >/dev/null 2>&1; then
        out=$(timeout -k 10 "$limit" "$@") || status=$?
    else
        out=$("$@") || status=$?
    fi
    [ "$status" -ne 124 ] || die "$* took over ${limit}s: it probably hangs"
    [ "$status" -eq 0 ] || die "$* failed (exit status $status)"
    line=$(printf '%s\n' "$out" | tail -n 1)
    [ -n "$line" ] || die "$* printed no result"
    echo "$line"
}

# field KEY: the value of KEY=value in $line.
field() {
    local tok
    for tok in $line; do
        case $tok in "$1"=*) echo "${tok#*=}"; return ;; esac
    done
    die "no $1= in: $line"
}

# median N...: the median of the numbers (of the middle two for an even count).
median() {
    printf '%s\n' "$@" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B [FORMAT]: A/B, or "-" when either is missing.
ratio() {
    awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" \
        'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf f "\n", a / b }'
}

echo "poolviz benchmarks: jobs=$jobs rounds=$rounds repeat=$repeat (medians), $(nproc 2>/dev/null || echo '?') CPUs"
echo "load: $(uptime 2>/dev/null | sed 's/.*load average/load average/' || echo '?')"
echo "$go_note"
echo

# --- the core, next to Go ---------------------------------------------------
core_measure() {
    # pipeline: "workers cap" per configuration.
    configs=("1 100" "2 100" "4 100" "16 100" "4 0")
    table=()
    for cfg in "${configs[@]}"; do
        read -r w c <<<"$cfg"
        args=(--jobs "$jobs" --workers "$w" --cap "$c" --repeat "$repeat")
        run "$bin_dir/pipeline" "${args[@]}"
        c_rate=$(field jobs_per_sec)
        go_rate=
        if [ -n "$go_dir" ]; then
            run "$go_dir/pipeline" "${args[@]}"
            go_rate=$(field jobs_per_sec)
        fi
        table+=("$(printf '%-22s %14s %14s %8s' "workers=$w cap=$c" "$c_rate" "${go_rate:--}" \
            "$(ratio "$c_rate" "$go_rate")")")
    done

    run "$bin_dir/pingpong" --rounds "$rounds" --repeat "$repeat"
    c_rtt=$(field ns_per_roundtrip)
    go_rtt=
    if [ -n "$go_dir" ]; then
        run "$go_dir/pingpong" --rounds "$rounds" --repeat "$repeat"
        go_rtt=$(field ns_per_roundtrip)
    fi

    # The observer pair runs back to back so that both halves see the same
    # machine; the ratio is what attaching a (trivial) observer costs.
    obs_args=(--jobs "$jobs" --workers 4 --cap 100 --repeat "$repeat")
    run "$bin_dir/pipeline" "${obs_args[@]}"
    plain_rate=$(field jobs_per_sec)
    run "$bin_dir/pipeline" "${obs_args[@]}" --observe
    observed_rate=$(field jobs_per_sec)
    events=$(field events)

    # What the observation hooks cost with no observer attached: the core as
    # shipped against the same core with the hooks compiled out
    # (pipeline-nohooks). One run of each in turn, the order swapped every
    # round so that a drift in machine load falls on both; medians of
    # $repeat runs each.
    hooks_table=()
    for cfg in "4 100" "4 0"; do
        read -r w c <<<"$cfg"
        local with=() without=() i prog order
        for ((i = 0; i < repeat; i++)); do
            order=(pipeline pipeline-nohooks)
            [ $((i % 2)) = 0 ] || order=(pipeline-nohooks pipeline)
            for prog in "${order[@]}"; do
                run "$bin_dir/$prog" --jobs "$jobs" --workers "$w" --cap "$c" --repeat 1
                if [ "$(field hooks)" = 1 ]; then with+=("$(field jobs_per_sec)"); else without+=("$(field jobs_per_sec)"); fi
            done
        done
        local with_rate without_rate
        with_rate=$(median "${with[@]}")
        without_rate=$(median "${without[@]}")
        hooks_table+=("$(printf '%-22s %14s %14s %8s' "workers=$w cap=$c" "$with_rate" "$without_rate" \
            "$(ratio "$with_rate" "$without_rate")")")
    done
}

core_report() {
    echo
    echo "pipeline throughput (jobs/s, higher is better; C/Go > 1 means C is faster)"
    printf '%-22s %14s %14s %8s\n' "config" "C jobs/s" "Go jobs/s" "C/Go"
    printf '%s\n' "${table[@]}"
    echo
    echo "unbuffered ping-pong (ns per round trip, lower is better; C/Go > 1 means C is slower)"
    printf '%-22s %14s %14s %8s\n' "" "C ns" "Go ns" "C/Go"
    printf '%-22s %14s %14s %8s\n' "rounds=$rounds" "$c_rtt" "${go_rtt:--}" "$(ratio "$c_rtt" "$go_rtt")"
    echo
    echo "observer cost (C, workers=4 cap=100; 1.00 means observing is free)"
    printf '%-22s %14s\n' "no observer" "$plain_rate"
    printf '%-22s %14s   (%s events in the last run, %s per job)\n' "counting observer" \
        "$observed_rate" "$events" "$(ratio "$events" "$jobs" %.1f)"
    printf '%-22s %14s\n' "observed/unobserved" "$(ratio "$observed_rate" "$plain_rate")"
    echo
    echo "observation hooks, no observer (C jobs/s, medians of $repeat alternating runs;"
    echo "  hooks/none = hooks present, no observer / hooks compiled out; 1.00 means free)"
    printf '%-22s %14s %14s %8s\n' "config" "hooks present" "compiled out" "hooks/none"
    printf '%s\n' "${hooks_table[@]}"
}

# --- the engine: timing fidelity, the cost of observation, memory ------------
# Each engine program prints one line; the tables are built from its fields.
fid_table=()
obs_table=()
mem_table=()
mem_lines=()

engine_measure() {
    # Timing fidelity: "jobs workers duration_ms" per case. Speed 1 sleeps in
    # real seconds (2 + 3 + 0.1 s), once; faster speeds are repeated.
    local cases=("5 3 1000" "9 3 1000" "1000 100 10") cs n w d sp reps
    for sp in $speeds; do
        reps=$repeat
        [ "$sp" != 1 ] || reps=1
        for cs in "${cases[@]}"; do
            read -r n w d <<<"$cs"
            run "$bin_dir/engine" fidelity --jobs "$n" --workers "$w" --duration-ms "$d" \
                --speed "$sp" --repeat "$reps"
            fid_table+=("$(printf '%-24s %5s %10s %10s %8s %10s %10s %8s %10s' \
                "${n}x${d}ms on $w" "$sp" "$(field ideal_ms)" "$(field virtual_ms)" \
                "$(field virtual_err_pct)" "$(field real_ideal_ms)" "$(field real_ms)" \
                "$(field real_err_pct)" "$(field wall_ms)")")
        done
    done

    # The cost of observation: one program runs the bare core pipeline and
    # the engine variants in turns, so the ratios come from the same minutes.
    run "$bin_dir/engine" observe --jobs "$engine_jobs" --workers 4 --cap 100 --repeat "$repeat"
    local v label silent
    for v in core engine engine_h0 engine_silent engine_select engine_select_silent; do
        # silent: the same form run with no events at all, for "vs silent".
        case $v in
        core) label="core pipeline, no observer" silent= ;;
        engine) label="engine, history 1000000" silent=engine_silent ;;
        engine_h0) label="engine, history 0" silent=engine_silent ;;
        engine_silent) label="engine, silent" silent= ;;
        engine_select) label="engine select form, h 1000000" silent=engine_select_silent ;;
        engine_select_silent) label="engine select form, silent" silent= ;;
        esac
        local rate vs=1.000 vs_silent=-
        rate=$(field "${v}_jobs_per_sec")
        [ "$v" = core ] || vs=$(field "${v}_vs_core")
        [ -z "$silent" ] || vs_silent=$(ratio "$rate" "$(field "${silent}_jobs_per_sec")" %.3f)
        obs_table+=("$(printf '%-30s %12s %9s %9s' "$label" "$rate" "$vs" "$vs_silent")")
    done
    obs_events=$(field events_per_job)
    obs_per_event=$(printf '%s\n%s' \
        "$(printf 'wall ns per event recorded: %s range form, %s select form; the target allows %s and %s;' \
            "$(field ns_per_event)" "$(field select_ns_per_event)" "$(field budget_ns_per_event)" \
            "$(field select_budget_ns_per_event)")" \
        "$(printf '  alone: handing a 64-byte record from one thread to another %s, folding an event %s' \
            "$(field handoff_floor_ns_per_event)" "$(field fold_ns_per_event)")")

    # Memory: each configuration in a process of its own, since a peak RSS is
    # per process.
    local h
    for h in $memory_history; do
        for n in $memory_jobs; do
            run "$bin_dir/engine" memory --jobs "$n" --history "$h"
            mem_lines+=("$h $n $(field peak_rss_kb)")
            mem_table+=("$(printf '%10s %10s %10s %10s %12s %12s %12s' "$n" "$h" "$(field events)" \
                "$(field history_len)" "$(ratio "$(field history_kb)" 1024 %.1f)" \
                "$(ratio "$(field peak_rss_kb)" 1024 %.1f)" "$(ratio "$(field run_rss_kb)" 1024 %.1f)")")
        done
    done
}

engine_report() {
    echo
    echo "engine timing fidelity (ms; err% = (measured - ideal) / ideal, target |err| < 1%)"
    echo "  virtual: model_makespan; real: run clock, start to the last collected result,"
    echo "  against ideal/speed; wall: pool_start to pool_wait (thread start-up and drain too)"
    printf '%-24s %5s %10s %10s %8s %10s %10s %8s %10s\n' "jobs x duration on W" "speed" \
        "ideal" "virtual" "err%" "real ideal" "real" "err%" "wall"
    printf '%s\n' "${fid_table[@]}"
    echo
    echo "engine observation cost (no-op jobs=$engine_jobs, workers=4 cap=100; $obs_events events per job;"
    echo "  vs silent: recorded jobs/s over the same form's with no events; target above 0.85,"
    echo "  i.e. recording under 15% slower)"
    printf '%-30s %12s %9s %9s\n' "" "jobs/s" "vs core" "vs silent"
    printf '%s\n' "${obs_table[@]}"
    echo "$obs_per_event"
    echo
    echo "engine memory (no-op jobs, workers=4 cap=100; MB; each row its own process)"
    printf '%10s %10s %10s %10s %12s %12s %12s\n' "jobs" "history" "events" "kept" \
        "history MB" "peak RSS MB" "run RSS MB"
    printf '%s\n' "${mem_table[@]}"
    # For each history bound: peak RSS at the most jobs over the fewest, and
    # how many times more jobs that is. Bounded memory: a ratio near 1.00.
    local h first last fn ln row rh rn rk
    for h in $memory_history; do
        first= last=
        for row in "${mem_lines[@]}"; do
            read -r rh rn rk <<<"$row"
            [ "$rh" = "$h" ] || continue
            [ -n "$first" ] || { first=$rk fn=$rn; }
            last=$rk ln=$rn
        done
        printf 'history %s: peak RSS at %s jobs / at %s jobs = %s (jobs x%s)\n' "$h" "$ln" "$fn" \
            "$(ratio "$last" "$first")" "$(ratio "$ln" "$fn" %.0f)"
    done
}

# --- the live view: frame cost, and the CPU a paused screen takes ----------
render_rows=()
idle_note=
clk_tck=''

render_measure() {
    # The same frames with UTF-8 and with ASCII glyphs, back to back: the
    # program's look depends on the locale, and so may the cost.
    local look
    for look in utf8 ascii; do
        local flag=()
        [ "$look" = utf8 ] || flag=(--ascii)
        run "$bin_dir/render" --cols 200 --rows 60 --workers 64 --jobs 1000 --frames "$render_frames" "${flag[@]}"
        render_rows+=("$(printf '%-8s %10s %10s %10s %10s %10s %10s %8s %10s' "$look" "$(field median_us)" \
            "$(field p99_us)" "$(field worst_us)" "$(field draw_median_us)" "$(field out_median_us)" \
            "$(field copy_median_us)" "$(field bytes_per_frame)" "$(field first_us)")")
    done
    idle_measure
}

# cpu_ticks PID: utime + stime of the whole process (every thread, live or
# gone) in clock ticks, from /proc/PID/stat; fields counted after the
# command name, which may hold blanks and parentheses.
cpu_ticks() {
    local stat rest
    stat=$(cat "/proc/$1/stat") || return 1
    rest=${stat##*) }
    # shellcheck disable=SC2086 # splitting into fields is the point
    set -- $rest
    # After "pid (comm) ", field 3 (state) is $1, so utime (14) is $12.
    echo $((${12} + ${13}))
}

# cpu_share PID SECONDS: the share of one core PID used over SECONDS of wall
# time, in percent, into $share.
share=
cpu_share() {
    local t0 t1 c0 c1
    t0=$(date +%s%N)
    c0=$(cpu_ticks "$1") || die "poolviz (pid $1) is gone"
    sleep "$2"
    t1=$(date +%s%N)
    c1=$(cpu_ticks "$1") || die "poolviz (pid $1) ended during the measurement"
    share=$(awk -v c=$((c1 - c0)) -v hz="$clk_tck" -v ns=$((t1 - t0)) \
        'BEGIN { printf "%.2f", c / hz / (ns / 1e9) * 100 }')
}

# pane_shows TEXT: polls the CPU-share step's pane (up to ~20 s) until it
# shows TEXT; no fixed sleep stands in for the program being ready.
pane_shows() {
    local i
    for ((i = 0; i < 400; i++)); do
        tmux -S "$tmux_sock" capture-pane -p -t bench 2>/dev/null | grep -q -- "$1" && return 0
        sleep 0.05
    done
    tmux -S "$tmux_sock" capture-pane -p -t bench 2>/dev/null | sed 's/^/  | /' >&2
    die "poolviz play in tmux never showed '$1'"
}

# The real program in a 200x60 tmux pane: the CPU it takes while a run goes
# on at speed 1 (frames 30 times a second), then paused, when the screen
# should only wait for a key.
idle_measure() {
    if ! command -v tmux >/dev/null 2>&1; then
        idle_note="idle CPU skipped: tmux is not installed (apt-get install tmux)"
        return
    fi
    [ -x "$poolviz" ] || die "$poolviz not found: run 'make bench', or set POOLVIZ to the built program"
    [ -r /proc/self/stat ] || { idle_note="idle CPU skipped: no /proc/PID/stat here"; return; }
    clk_tck=$(getconf CLK_TCK)
    local tmx=(tmux -S "$tmux_sock") cmd pid
    # exec, so that the pane's process is poolviz itself, not a shell.
    printf -v cmd '%q ' exec env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR= \
        "$poolviz" play --workers 64 --jobs 1000
    "${tmx[@]}" -f /dev/null new-session -d -s bench -x 200 -y 60 "$cmd" || die "tmux would not start"
    pid=$("${tmx[@]}" list-panes -t bench -F '#{pane_pid}') || die "poolviz play ended at once in tmux"
    pane_shows "running"
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = poolviz ] || die "the tmux pane's process ($pid) is not poolviz"
    cpu_share "$pid" "$idle_seconds"
    local running=$share
    "${tmx[@]}" send-keys -t bench " "
    pane_shows "paused"
    sleep 0.5 # the frame that shows the pause, and any key echo, are not idling
    cpu_share "$pid" "$idle_seconds"
    local paused=$share
    "${tmx[@]}" kill-server >/dev/null 2>&1 || true
    line="render-idle cols=200 rows=60 workers=64 jobs=1000 seconds=$idle_seconds clk_tck=$clk_tck"
    line+=" idle_cpu_percent=$paused running_cpu_percent=$running"
    echo "$line"
    idle_note=$(printf '%-28s %8s%%\n%-28s %8s%%' "paused (idle)" "$paused" "running at speed 1" "$running")
}

render_report() {
    echo
    echo "live view frame cost (us; 200x60, 64 workers, one event per frame; target: a frame under 2 ms)"
    echo "  frame = draw + out; draw: screen_draw(); out: wnoutrefresh() + doupdate() to a pty;"
    echo "  copy: the model copied into the view (per turn, beside the frame); first: the full first paint"
    printf '%-8s %10s %10s %10s %10s %10s %10s %8s %10s\n' "glyphs" "median" "p99" "worst" "draw" "out" \
        "copy" "bytes" "first"
    printf '%s\n' "${render_rows[@]}"
    echo
    echo "CPU share of one core, poolviz play --workers 64 --jobs 1000 in a 200x60 tmux pane"
    # The resolution is one clock tick over the interval.
    [ -z "$clk_tck" ] ||
        echo "  (over ${idle_seconds}s each; resolution $(ratio 100 "$((clk_tck * idle_seconds))" %.2f)%; target: paused under 1%)"
    echo "$idle_note"
}

[ -z "$want_core" ] || core_measure
[ -z "$want_engine" ] || engine_measure
[ -z "$want_render" ] || render_measure
[ -z "$want_core" ] || core_report
[ -z "$want_engine" ] || engine_report
[ -z "$want_render" ] || render_report
if [ -n "$want_core" ] && [ -z "$go_dir" ]; then
    echo
    echo "$go_note"
fi
