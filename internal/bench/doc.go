// Package bench is the benchmark runner behind 'beaconproof bench': it
// generates a mainnet-shaped state (internal/synth), then measures
// beaconproof's cold path, beaconproof after the load, the watcher's
// per-epoch cycle, the peers
// (go-eth2-client with dynamic-ssz, with fastssz, and its HashTreeRoot) and
// the lower bound (the state's SHA-256 hashes at gohashtree's measured
// rate, plus reading the file), and prints wall time, CPU time, peak memory
// and the ratios to the lower bound, as tables or JSON. Then the network
// path: the state served over loopback HTTP by a child process as a beacon
// node serves it (chunked SSZ with Eth-Consensus-Version), unthrottled and
// at Config.ServeRates, fetched by children with beaconapi (hashed as it
// arrives, Client.StateProver; or hashed after, Client.State) to two
// verified proofs, against a bare download of the same bytes and, in the
// same rounds, the cold path from the file.
//
// Every method runs in its own child process, one after another, so that
// its peak memory (the child's rusage maxrss) is its own:
//
//   - beaconproof's methods re-execute the running program with
//     BEACONPROOF_BENCH_CHILD=1; this package's init function then runs the
//     method and exits before main. Any program that imports the package
//     (the beaconproof command, a test binary) can therefore be the child.
//   - the peers run in their own binary, internal/bench/cmd/benchpeers,
//     which the runner builds with the go command (or takes from
//     Config.PeersBinary). Only that binary imports internal/bench/peers, so
//     go-eth2-client, dynamic-ssz, fastssz and the cgo of their hashtree
//     bindings stay out of the beaconproof binary and the library.
//
// Parent and children speak internal/bench/proto: a JSON request on the
// child's standard input, a JSON response (timed stages, root, values) on
// its standard output. The runner itself never holds a state, because a
// child's rusage peak includes the memory of the parent it was cloned
// from; the inputs are generated, and the network path's state served, in
// children too.
//
// The Go benchmarks of this package ('go test -bench=. ./internal/bench')
// time each stage on a 100,000-validator state.
package bench
