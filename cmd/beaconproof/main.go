// Command beaconproof computes hash tree roots, generalized indices and
// Merkle proofs of beacon-chain SSZ objects, and verifies proofs.
//
//	beaconproof root   [--fork F] [--preset P] [--type T] FILE
//	beaconproof gindex --fork F [--preset P] [--type T] PATH
//	beaconproof prove  [--fork F] [--preset P] [--type T] --path PATH [--path PATH ...] FILE
//	beaconproof verify FILE.json|DIR ...
//	beaconproof --version
//
// FILE is raw SSZ (.ssz), the snappy block format of the consensus spec
// tests (.ssz_snappy), framed snappy, gzip (.gz), or - for standard input.
// The type defaults to BeaconState, the preset to mainnet; the fork of a
// state is detected from its fork.current_version when possible.
//
// Bad input exits 1 with one line on standard error; wrong usage exits 2
// with one line and the command whose --help shows the usage.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
