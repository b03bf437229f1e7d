// Command benchrun runs the beaconproof benchmarks exactly as
// 'beaconproof bench' does (it takes the same flags), for use from the
// repository with go run:
//
//	go run ./internal/bench/cmd/benchrun --validators 100000
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/beaconproof/beaconproof/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := bench.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
