package era_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/ssz"
)

// testChain is a synthetic minimal-preset chain (64-slot eras) made for
// the tests: a block at every slot from 1 on but the missed ones, each
// the child of the block before it, and at the end of each era a state
// whose block_roots are the era's roots. Its network runs deneb from
// genesis and electra from epoch 10 (slot 80), so era 2 holds blocks of
// both forks.
type testChain struct {
	net    *fork.Network
	sphr   uint64
	head   uint64              // the last slot
	blocks map[uint64][]byte   // SignedBeaconBlock by slot
	roots  map[uint64][32]byte // block root by slot, for slots with a block
	states map[uint64][]byte   // the state at the end of each era, by era
	// genesis is the root of the block before the first one (slot 0).
	genesis [32]byte
}

// testMissed says which slots of the test chain have no block: slot 0
// (genesis), one in seven, and the first two slots of era 2.
func testMissed(slot uint64) bool {
	return slot == 0 || slot%7 == 3 || slot == 64 || slot == 65
}

const testSeed = 7

func testNetwork() *fork.Network {
	n := &fork.Network{
		Name: "era-test", PresetBase: fork.PresetMinimal, SecondsPerSlot: 6, SlotsPerEpoch: 8,
		GenesisValidatorsRoot: synth.Hash(testSeed, "gvr", 0),
	}
	for i, name := range []string{fork.Phase0, fork.Altair, fork.Bellatrix, fork.Capella, fork.Deneb, fork.Electra, fork.Fulu, fork.Gloas} {
		epoch := uint64(0)
		switch name {
		case fork.Electra:
			epoch = 10
		case fork.Fulu, fork.Gloas:
			epoch = fork.FarFutureEpoch
		}
		n.Forks = append(n.Forks, fork.ForkSchedule{Name: name, Version: [4]byte{byte(i), 0, 0, 0xe2}, Epoch: epoch})
	}
	return n
}

func schemasAt(t testing.TB, n *fork.Network, slot uint64) *fork.Schemas {
	t.Helper()
	s, err := schemasOf(n, slot)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func schemasOf(n *fork.Network, slot uint64) (*fork.Schemas, error) {
	fk, err := fork.Lookup(n.ForkAtSlot(slot))
	if err != nil {
		return nil, err
	}
	return fk.Schemas(n.PresetName())
}

// newTestChain makes the chain up to the end of era eras.
func newTestChain(t testing.TB, eras uint64) *testChain {
	t.Helper()
	c, err := buildChain(eras)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func buildChain(eras uint64) (*testChain, error) {
	n := testNetwork()
	c := &testChain{net: n, sphr: 64, head: eras*64 - 1, blocks: map[uint64][]byte{}, roots: map[uint64][32]byte{},
		states: map[uint64][]byte{}, genesis: synth.Hash(testSeed, "genesis block", 0)}
	prev := c.genesis
	for slot := uint64(0); slot <= eras*64; slot++ {
		if slot%64 == 0 {
			st, err := c.makeState(slot)
			if err != nil {
				return nil, err
			}
			c.states[slot/64] = st
		}
		if slot > c.head || testMissed(slot) {
			continue
		}
		s, err := schemasOf(n, slot)
		if err != nil {
			return nil, err
		}
		msg, err := synth.Block(s.BeaconBlock, synth.BlockOptions{Slot: slot, ProposerIndex: slot % 4, ParentRoot: prev, Seed: testSeed})
		if err != nil {
			return nil, err
		}
		root, err := ssz.HashTreeRoot(s.BeaconBlock, msg)
		if err != nil {
			return nil, err
		}
		c.blocks[slot], c.roots[slot], prev = signed(msg, slot), root, root
	}
	return c, nil
}

// signed wraps a BeaconBlock into a SignedBeaconBlock.
func signed(msg []byte, slot uint64) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 100)
	sig := sha256.Sum256(binary.LittleEndian.AppendUint64(nil, slot))
	for i := 0; i < 3; i++ {
		b = append(b, sig[:]...)
	}
	return append(b, msg...)
}

// makeState makes the state at slot, the end of an era.
func (c *testChain) makeState(slot uint64) ([]byte, error) {
	s, err := schemasOf(c.net, slot)
	if err != nil {
		return nil, err
	}
	sched, _ := c.net.Fork(s.Fork)
	roots := map[uint64][32]byte{}
	if slot > 0 {
		for i, r := range c.eraRoots(slot / 64) {
			roots[uint64(i)] = r
		}
	}
	return synth.State(s.BeaconState, synth.Options{Validators: 4, Slot: slot, Seed: testSeed, ForkVersion: sched.Version, BlockRoots: roots})
}

// eraRoots returns the block roots of an era's slots: the root of the
// last block at or before each slot.
func (c *testChain) eraRoots(e uint64) [][32]byte {
	var out [][32]byte
	prev := c.genesis
	for slot := uint64(0); slot < e*64; slot++ {
		if r, ok := c.roots[slot]; ok {
			prev = r
		}
		if slot >= (e-1)*64 {
			out = append(out, prev)
		}
	}
	return out
}

// write writes eras first..last (0 is the genesis era, a state alone) as
// one era file.
func (c *testChain) write(t testing.TB, first, last uint64) []byte {
	t.Helper()
	b, err := c.encode(first, last)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *testChain) encode(first, last uint64) ([]byte, error) {
	var buf bytes.Buffer
	w, err := era.NewWriter(&buf, fork.PresetMinimal)
	if err != nil {
		return nil, err
	}
	for e := first; e <= last; e++ {
		for slot := max(e, 1)*64 - 64; e > 0 && slot < e*64; slot++ {
			if b, ok := c.blocks[slot]; ok {
				if err := w.AddBlock(b); err != nil {
					return nil, err
				}
			}
		}
		if err := w.AddState(c.states[e]); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// writeDir writes one era file per era, 0 to last, named as the spec
// names them, into a new folder.
func (c *testChain) writeDir(t testing.TB, last uint64) string {
	t.Helper()
	dir := t.TempDir()
	for e := uint64(0); e <= last; e++ {
		name := fmt.Sprintf("era-test-%05d-%08x.era", e, e*0x1111)
		if err := os.WriteFile(filepath.Join(dir, name), c.write(t, e, e), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// summaryRoot is the hash tree root of a Vector[Root, N] for N a power of
// two, computed here with SHA-256 alone (not with package ssz).
func summaryRoot(roots [][32]byte) [32]byte {
	level := append([][32]byte(nil), roots...)
	for len(level) > 1 {
		next := make([][32]byte, len(level)/2)
		for i := range next {
			next[i] = sha256.Sum256(append(level[2*i][:], level[2*i+1][:]...))
		}
		level = next
	}
	return level[0]
}
