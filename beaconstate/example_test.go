package beaconstate_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
)

// header returns an encoded BeaconBlockHeader: slot, proposer_index,
// parent_root, state_root, body_root.
func header() []byte {
	b := make([]byte, 112)
	binary.LittleEndian.PutUint64(b[0:], 9_000_000) // slot
	binary.LittleEndian.PutUint64(b[8:], 42)        // proposer_index
	for i := range 32 {
		b[48+i] = 0xaa // state_root
	}
	return b
}

func ExampleLoad() {
	obj, err := beaconstate.Load(context.Background(), bytes.NewReader(header()),
		beaconstate.LoadOptions{Fork: "deneb", Type: "BeaconBlockHeader"})
	if err != nil {
		log.Fatal(err)
	}
	slot, _ := obj.Slot()
	proposer, _ := obj.Uint64("proposer_index")
	fmt.Println(obj)
	fmt.Println("slot", slot, "proposer", proposer)
	// Output:
	// deneb BeaconBlockHeader (mainnet, 112 bytes)
	// slot 9000000 proposer 42
}

func ExampleLoadFile() {
	// Write the header gzipped; LoadFile sees the gzip magic bytes.
	dir, err := os.MkdirTemp("", "beaconstate-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(header())
	zw.Close()
	file := filepath.Join(dir, "header.ssz.gz")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}

	obj, err := beaconstate.LoadFile(context.Background(), file,
		beaconstate.LoadOptions{Fork: "deneb", Type: "BeaconBlockHeader"})
	if err != nil {
		log.Fatal(err)
	}
	root, err := obj.Root()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(proof.FormatHash(root))
	// Output:
	// 0x2d679f07781b917b3be25efb71a8972b15488d317f756d6868520f5b377bd25c
}

func ExampleNewProver() {
	obj, err := beaconstate.NewObject("deneb", "mainnet", "BeaconBlockHeader", header())
	if err != nil {
		log.Fatal(err)
	}
	p, err := beaconstate.NewProver(obj) // hashes the object once
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(proof.FormatHash(p.Root()))
	// Output:
	// 0x2d679f07781b917b3be25efb71a8972b15488d317f756d6868520f5b377bd25c
}

func ExampleProver_Prove() {
	obj, err := beaconstate.NewObject("deneb", "mainnet", "BeaconBlockHeader", header())
	if err != nil {
		log.Fatal(err)
	}
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		log.Fatal(err)
	}
	pr, err := p.Prove("state_root")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("gindex", pr.Gindex, "branch", len(pr.Branch))
	fmt.Println("leaf", proof.FormatHash(pr.Leaf))
	fmt.Println("verifies:", pr.Verify(p.Root()) == nil)

	_, err = p.Prove("state_roots[3]")
	fmt.Println(err)
	// Output:
	// gindex 11 branch 3
	// leaf 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	// verifies: true
	// beaconstate: deneb BeaconBlockHeader: path "state_roots[3]": ssz: BeaconBlockHeader at "" has no field "state_roots": no such path
}
