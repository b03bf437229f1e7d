package main

import (
	"context"

	"github.com/beaconproof/beaconproof/internal/bench"
)

// benchCommand runs the benchmark of issue "mainnet scale": it generates a
// mainnet-shaped state, then times our cold path, the peers and the
// SHA-256 lower bound, each in a child process so that peak memory is its
// own. The peers are built as a separate binary; this one has none of
// their code.
var benchCommand = &command{
	name:  "bench",
	usage: "beaconproof bench [--validators N] [--fork F] [--repeat K] [--json] [--no-peers] ...",
	help: bench.Help + `

Example:
  beaconproof bench --validators 2200000 --repeat 3
  beaconproof bench --validators 100000 --no-peers --json`,
	run: func(ctx context.Context, e *env, args []string) int {
		return bench.Main(ctx, args, e.stdout, e.stderr)
	},
}
