package era_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/ssz"
)

// Example reads the block roots of an era and a block from a folder of
// era files, and checks the roots against the period's
// block_summary_root, as a historical withdrawal proof needs them. The
// folder here holds one file written from a synthetic chain of the
// minimal preset (64-slot eras); mainnet's files come from the history
// endpoints, named like mainnet-01234-1a2b3c4d.era.
func Example() {
	dir, err := os.MkdirTemp("", "era-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	chain, err := buildChain(2)
	if err != nil {
		log.Fatal(err)
	}
	b, err := chain.encode(2, 2)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "era-test-00002-0123abcd.era"), b, 0o644); err != nil {
		log.Fatal(err)
	}
	// The block_summary_root that an anchor state's historical_summaries
	// holds for the period of slots 64 to 127.
	want := summaryRoot(chain.eraRoots(2))

	ctx := context.Background()
	a, err := era.Open(dir, era.Options{Network: chain.net}) // a devnet: its network
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()

	e := era.EraOfSlot(70, a.SlotsPerHistoricalRoot()) // the era whose file holds slot 70
	roots, err := a.BlockRoots(ctx, e)                 // from the era's state
	if err != nil {
		log.Fatal(err)
	}
	var vec []byte
	for _, r := range roots {
		vec = append(vec, r[:]...)
	}
	got, err := ssz.HashTreeRoot(ssz.Vector(ssz.Bytes32, a.SlotsPerHistoricalRoot()), vec)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("era %d: %d block roots, summary root matches: %v\n", e, len(roots), got == want)

	blk, err := a.Block(ctx, 70) // a SignedBeaconBlock in SSZ
	if err != nil {
		log.Fatal(err)
	}
	slot, _ := era.BlockSlot(blk)
	fmt.Printf("block of slot %d: %d bytes\n", slot, len(blk))

	_, err = a.Block(ctx, 66)
	fmt.Println("slot 66 missed:", errors.Is(err, era.ErrNoBlock))
	// Output:
	// era 2: 64 block roots, summary root matches: true
	// block of slot 70: 1044 bytes
	// slot 66 missed: true
}
