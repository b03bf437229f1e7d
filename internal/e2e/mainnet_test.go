package e2e

import (
	"context"
	"encoding/binary"
	"os"
	"testing"

	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/testchain"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/ssz"
)

// realBlock is what the tests read from a real mainnet BeaconBlock.
type realBlock struct {
	slot       uint64
	root       [32]byte
	parentRoot [32]byte
	timestamp  uint64 // body.execution_payload.timestamp
}

// readRealBlock reads a BeaconBlock of the portal-spec-tests vectors.
func readRealBlock(t *testing.T, forkName, elBlock string) realBlock {
	t.Helper()
	b, err := os.ReadFile(vectors.Path(t, "portal-spec-tests", "tests", "mainnet", "history", "headers_with_proof", "beacon_data", elBlock, "block.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := fork.Lookup(forkName)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ssz.NewTree(s.BeaconBlock, b)
	if err != nil {
		t.Fatal(err)
	}
	node := func(path string) [32]byte {
		g, _, err := s.BeaconBlock.Gindex(path)
		if err != nil {
			t.Fatal(err)
		}
		h, err := tr.Node(g)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	var rb realBlock
	var err2 error
	rb.root, err2 = tr.Root()
	if err2 != nil {
		t.Fatal(err2)
	}
	slot := node("slot")
	rb.slot = binary.LittleEndian.Uint64(slot[:8])
	rb.parentRoot = node("parent_root")
	ts := node("body.execution_payload.timestamp")
	rb.timestamp = binary.LittleEndian.Uint64(ts[:8])
	return rb
}

// TestMainnetDencunBoundary checks the timestamp rules on real mainnet
// blocks: execution block 19,426,587 is the first Cancun block (slot
// 8,626,176, the first deneb slot); it stores the root of the last capella
// beacon block, that of execution block 19,426,586.
func TestMainnetDencunBoundary(t *testing.T) {
	ctx := context.Background()
	n := testchain.MustNetwork(t, "mainnet")
	capella := readRealBlock(t, fork.Capella, "19426586")
	deneb := readRealBlock(t, fork.Deneb, "19426587")
	if deneb.slot != testchain.FirstSlot(t, n, fork.Deneb) {
		t.Fatalf("deneb block at slot %d, want the first deneb slot", deneb.slot)
	}
	if deneb.parentRoot != capella.root {
		t.Fatalf("deneb block's parent_root is not the capella block's root")
	}
	for _, b := range []realBlock{capella, deneb} {
		if got := n.SlotTime(b.slot); got != b.timestamp {
			t.Errorf("slot %d: SlotTime %d, payload timestamp %d", b.slot, got, b.timestamp)
		}
	}
	// A chain with these two real blocks and the slots between them missed.
	c := testchain.NewChain(deneb.slot + 3)
	c.Roots[capella.slot] = capella.root
	c.Roots[deneb.slot] = deneb.root
	for s := capella.slot + 1; s < deneb.slot; s++ {
		c.Missed[s] = true
	}
	a, err := eip4788.AnchorOf(ctx, n, c, capella.slot)
	if err != nil {
		t.Fatal(err)
	}
	if a.Timestamp != deneb.timestamp || a.Root != capella.root {
		t.Fatalf("anchor %+v: want child %d at the real payload timestamp %d", a, deneb.slot, deneb.timestamp)
	}
	p, err := eip4788.ParentOf(ctx, n, c, deneb.timestamp, deneb.parentRoot)
	if err != nil || p != a {
		t.Fatalf("ParentOf = %+v, %v; want %+v", p, err, a)
	}
	// The capella block's own execution block ran no system call.
	if _, err := eip4788.SlotTimestamp(n, capella.slot); err == nil {
		t.Errorf("capella slot %d has a 4788 timestamp", capella.slot)
	}
}

// TestMainnetDenebBlock checks a later real deneb block the same way.
func TestMainnetDenebBlock(t *testing.T) {
	n := testchain.MustNetwork(t, "mainnet")
	b := readRealBlock(t, fork.Deneb, "22162263")
	ts, err := eip4788.SlotTimestamp(n, b.slot)
	if err != nil || ts != b.timestamp {
		t.Fatalf("slot %d: SlotTimestamp %d, %v; payload timestamp %d", b.slot, ts, err, b.timestamp)
	}
	c := testchain.NewChain(b.slot + 1)
	c.Roots[b.slot] = b.root
	a, err := eip4788.ParentOf(context.Background(), n, c, b.timestamp, c.Root(b.slot-1))
	if err != nil || a.Slot != b.slot-1 {
		t.Fatalf("ParentOf: %+v, %v", a, err)
	}
}
