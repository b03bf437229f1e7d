// Package testdata holds small consensus objects that beaconproof
// generates itself (see internal/testdatagen), embedded so that the
// examples and tests run without any download:
//
//   - fulu-mainnet-state.ssz.gz: a mainnet-preset fulu BeaconState at slot
//     13,165,000 with 64 validators; the odd ones withdraw to a made-up
//     megapool address (Megapool) and every eighth one (7, 15, ...) has exited;
//   - fulu-mainnet-block.ssz.gz: the BeaconBlock at that slot, whose
//     state_root is the state's root (the state is its post-state, its
//     latest_execution_payload_header the block's payload's), with two
//     withdrawals to the megapool: the full withdrawal of validator 7 and a
//     partial one of validator 13;
//   - fulu-mainnet-later-state.ssz.gz: the state 32 slots later, whose
//     block_roots holds the block's root: the block's withdrawals prove
//     from it.
//
// Regenerate with: go generate ./testdata
package testdata

//go:generate go run ../internal/testdatagen/cmd/gentestdata .

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io"
)

//go:embed *.ssz.gz
var files embed.FS

// FuluState returns the encoded fulu BeaconState (mainnet preset).
func FuluState() []byte { return mustGunzip("fulu-mainnet-state.ssz.gz") }

// FuluBlock returns the encoded fulu BeaconBlock at the state's slot.
func FuluBlock() []byte { return mustGunzip("fulu-mainnet-block.ssz.gz") }

// FuluLaterState returns the encoded fulu BeaconState 32 slots after the
// block, whose block_roots holds the block's root.
func FuluLaterState() []byte { return mustGunzip("fulu-mainnet-later-state.ssz.gz") }

// Megapool is the withdrawal address the generated validators use.
var Megapool = [20]byte{0x4d, 0x65, 0x67, 0x61, 0x70, 0x6f, 0x6f, 0x6c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07, 0x88}

func mustGunzip(name string) []byte {
	gz, err := files.ReadFile(name)
	if err != nil {
		panic("testdata: " + err.Error()) // embedded at build time
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		panic("testdata: " + err.Error())
	}
	b, err := io.ReadAll(r)
	if err != nil {
		panic("testdata: " + err.Error())
	}
	return b
}
