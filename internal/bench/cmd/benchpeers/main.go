// Command benchpeers runs one peer method of the beaconproof benchmarks
// (go-eth2-client with dynamic-ssz or fastssz) in its own process. It reads
// a proto.Request as JSON on standard input and writes a proto.Response as
// JSON on standard output; the runner in internal/bench builds this
// command, starts it once per method and reads its peak memory when it
// exits. It is a separate binary so that the peers (and the cgo of their
// hashtree bindings) stay out of the beaconproof binary.
package main

import (
	"os"

	"github.com/beaconproof/beaconproof/internal/bench/peers"
	"github.com/beaconproof/beaconproof/internal/bench/proto"
)

func main() {
	os.Exit(proto.Serve(os.Stdin, os.Stdout, peers.Run))
}
