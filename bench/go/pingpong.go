//go:build ignore

// pingpong.go - the Go reference for bench/pingpong.c: round-trip latency of
// an unbuffered channel hand-off between two goroutines, printing the same
// line with lang=go. Built on its own, see pipeline.go for why.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

func runOnce(rounds int64) (time.Duration, error) {
	ping := make(chan int64)
	pong := make(chan int64)

	start := time.Now()
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	for i := int64(0); i < rounds; i++ {
		ping <- i
		if v := <-pong; v != i {
			return 0, fmt.Errorf("round %d got %d", i, v)
		}
	}
	close(ping)
	return time.Since(start), nil
}

func main() {
	rounds := flag.Int64("rounds", 200000, "round trips per run")
	repeat := flag.Int("repeat", 3, "runs; the median is reported")
	flag.Parse()
	if flag.NArg() > 0 || *rounds < 1 || *repeat < 1 {
		flag.Usage()
		os.Exit(2)
	}

	elapsed := make([]time.Duration, *repeat)
	lat := make([]string, *repeat)
	for i := range elapsed {
		d, err := runOnce(*rounds)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pingpong:", err)
			os.Exit(1)
		}
		elapsed[i] = d
		lat[i] = fmt.Sprintf("%.1f", float64(d.Nanoseconds())/float64(*rounds))
	}
	sort.Slice(elapsed, func(i, j int) bool { return elapsed[i] < elapsed[j] })
	med := elapsed[len(elapsed)/2]
	if len(elapsed)%2 == 0 {
		med = (elapsed[len(elapsed)/2-1] + med) / 2
	}
	fmt.Printf("pingpong lang=go rounds=%d repeat=%d ns_per_roundtrip=%.1f runs=%s\n",
		*rounds, *repeat, float64(med.Nanoseconds())/float64(*rounds), strings.Join(lat, ","))
}
