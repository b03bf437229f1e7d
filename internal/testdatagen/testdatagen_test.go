package testdatagen

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// TestCommittedTestdataUpToDate checks that the files under testdata/ are
// what this package generates today.
func TestCommittedTestdataUpToDate(t *testing.T) {
	state, block, later, err := Objects()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]byte{state, block, later} {
		name := Files[i]
		gz, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatalf("%s: %v (run: go run ./internal/testdatagen/cmd/gentestdata)", name, err)
		}
		r, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s is out of date: run go run ./internal/testdatagen/cmd/gentestdata", name)
		}
	}
}

// TestStateIsBlockPostState checks that the state is the block's
// post-state in what proofs read: the block's state_root is the state's
// root, the state's latest_execution_payload_header is the header of the
// block's payload, and the later state's block_roots holds the block.
func TestStateIsBlockPostState(t *testing.T) {
	state, block, later, err := Objects()
	if err != nil {
		t.Fatal(err)
	}
	st, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", state)
	if err != nil {
		t.Fatal(err)
	}
	bl, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconBlock", block)
	if err != nil {
		t.Fatal(err)
	}
	stateRoot, _ := st.Root()
	blockRoot, _ := bl.Root()
	inBlock, _, err := bl.Field("state_root")
	if err != nil || !bytes.Equal(inBlock, stateRoot[:]) {
		t.Fatalf("block state_root %x, state root %x (%v)", inBlock, stateRoot, err)
	}
	for _, f := range []string{"block_hash", "block_number", "timestamp", "withdrawals_root"} {
		fromState, _, err := st.Field("latest_execution_payload_header." + f)
		if err != nil {
			t.Fatal(err)
		}
		fromBlock, err := payloadField(bl, f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fromState, fromBlock) || bytes.Count(fromBlock, []byte{0}) == len(fromBlock) {
			t.Errorf("%s: state %x, block %x", f, fromState, fromBlock)
		}
	}
	lt, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", later)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := lt.Field(fmt.Sprintf("block_roots[%d]", Slot%8192))
	if err != nil || !bytes.Equal(r, blockRoot[:]) {
		t.Fatalf("later block_roots holds %x, block root %x (%v)", r, blockRoot, err)
	}
}

// payloadField returns a field of the block's payload as the header holds
// it: the field, or for withdrawals_root the withdrawals' root.
func payloadField(bl *beaconstate.Object, f string) ([]byte, error) {
	if f != "withdrawals_root" {
		b, _, err := bl.Field("body.execution_payload." + f)
		return b, err
	}
	b, t, err := bl.Field("body.execution_payload.withdrawals")
	if err != nil {
		return nil, err
	}
	r, err := ssz.HashTreeRoot(t, b)
	return r[:], err
}
