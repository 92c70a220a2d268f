//go:build ignore

// pipeline.go - the Go reference for bench/pipeline.c: the classic worker
// pool, measured the same way, printing the same line with lang=go.
//
// Built on its own (`go build -o DIR/pipeline pipeline.go`), which is why it
// carries the ignore constraint: pingpong.go is another main in this
// directory, and the constraint keeps `go build ./...` and `go vet ./...`
// from seeing two mains in one package.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// runOnce moves n no-op jobs through the pool and returns the elapsed time,
// from before the first goroutine starts to main seeing results closed.
func runOnce(n int64, workers, capacity int) (time.Duration, error) {
	jobs := make(chan int64, capacity)
	results := make(chan int64, capacity)
	var wg sync.WaitGroup

	start := time.Now() // its monotonic reading is what time.Since uses
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- j // the no-op job: its result is its id
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	go func() {
		for i := int64(0); i < n; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	var count, sum int64
	for r := range results {
		count++
		sum += r
	}
	elapsed := time.Since(start)

	if count != n || sum != n*(n-1)/2 {
		return 0, fmt.Errorf("wrong results: %d results summing to %d for %d jobs", count, sum, n)
	}
	return elapsed, nil
}

func main() {
	n := flag.Int64("jobs", 2000000, "jobs sent through the pool")
	workers := flag.Int("workers", 4, "worker goroutines")
	capacity := flag.Int("cap", 100, "capacity of both channels (0: unbuffered)")
	repeat := flag.Int("repeat", 3, "runs; the median is reported")
	flag.Parse()
	if flag.NArg() > 0 || *n < 1 || *workers < 1 || *capacity < 0 || *repeat < 1 {
		flag.Usage()
		os.Exit(2)
	}

	elapsed := make([]time.Duration, *repeat)
	rates := make([]string, *repeat)
	for i := range elapsed {
		d, err := runOnce(*n, *workers, *capacity)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pipeline:", err)
			os.Exit(1)
		}
		elapsed[i] = d
		rates[i] = fmt.Sprintf("%.0f", float64(*n)/d.Seconds())
	}
	fmt.Printf("pipeline lang=go workers=%d cap=%d jobs=%d observe=0 repeat=%d jobs_per_sec=%.0f events=0 runs=%s\n",
		*workers, *capacity, *n, *repeat, float64(*n)/median(elapsed).Seconds(), strings.Join(rates, ","))
}

// median as in bench_util.h: the middle run, or the mean of the middle two.
func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
