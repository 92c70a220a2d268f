#!/bin/bash
# run.sh - runs poolviz's benchmarks and their Go references side by side and
# prints a comparison table. `make bench` runs it with BENCH_BIN set; by hand:
#
#   BENCH_BIN=DIR bash bench/run.sh
#
# BENCH_BIN     directory holding the built C programs pipeline and pingpong
#               (default: this script's directory)
# BENCH_JOBS    jobs per pipeline run           (default 2000000)
# BENCH_ROUNDS  round trips per ping-pong run   (default 200000)
# BENCH_REPEAT  runs per configuration; each program reports the median (3)
# BENCH_TIMEOUT seconds one program may take before it counts as hung (600)
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
jobs=${BENCH_JOBS:-2000000}
rounds=${BENCH_ROUNDS:-200000}
repeat=${BENCH_REPEAT:-3}
limit=${BENCH_TIMEOUT:-600}

die() {
    echo "bench: $*" >&2
    exit 1
}

for prog in pipeline pingpong; do
    [ -x "$bin_dir/$prog" ] || die "$bin_dir/$prog not found: run 'make bench', or set BENCH_BIN to the directory holding the built benchmarks"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/poolviz-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- the Go references ------------------------------------------------------
go_dir=
go_note=
if ! command -v go >/dev/null 2>&1; then
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

# ratio A B [FORMAT]: A/B, or "-" when either is missing.
ratio() {
    awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" \
        'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf f "\n", a / b }'
}

echo "poolviz benchmarks: jobs=$jobs rounds=$rounds repeat=$repeat (medians), $(nproc 2>/dev/null || echo '?') CPUs"
echo "$go_note"
echo

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
if [ -z "$go_dir" ]; then
    echo
    echo "$go_note"
fi
