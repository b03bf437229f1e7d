package ssz_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// feed writes b into buf in random steps, as a download does, reporting
// each to h; pause, when set, runs between steps.
func feed(h *ssz.Hasher, buf, b []byte, seed uint64, pause func()) {
	r := rand.New(rand.NewPCG(seed, 1))
	for n := 0; n < len(b); {
		k := min(len(b)-n, 1+r.IntN(200_000))
		copy(buf[n:], b[n:n+k])
		n += k
		h.Arrived(n)
		if pause != nil {
			pause()
		}
	}
}

// TestHasher checks that the Tree of a state hashed while it arrives has
// the root and the proofs of a Tree built from the whole bytes, on every
// fork from phase0 to gloas (progressive lists), with the final size known
// or not.
func TestHasher(t *testing.T) {
	paths := []string{"slot", "validators", "validators[0]", "validators[4097]", "validators[19999]", "balances[3]",
		"balances[19999]", "block_roots[7]", "randao_mixes[65535]", "eth1_data"}
	for _, forkName := range fork.Names() {
		for _, known := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/size-known=%v", forkName, known), func(t *testing.T) {
				s := schemas(t, forkName)
				const n = 20_000
				st, err := synth.State(s.BeaconState, synth.Options{Validators: n, Slot: 13_000_000, HistoricalSummaries: 10})
				if err != nil {
					t.Fatal(err)
				}
				size, buf := len(st), make([]byte, len(st))
				if !known {
					size, buf = -1, make([]byte, 2*len(st))
				}
				h := ssz.NewHasher(s.BeaconState, buf, size, 0)
				// Yielding between steps lets the hasher follow rather
				// than find everything at the end.
				feed(h, buf, st, 1, func() { waitHashing() })
				if err := ssz.Validate(s.BeaconState, buf[:len(st)]); err != nil {
					t.Fatal(err)
				}
				tr, err := h.Tree(buf[:len(st)])
				if err != nil {
					t.Fatal(err)
				}
				if ahead, of := h.HashedAhead(); ahead == 0 || of < n {
					t.Errorf("hashed ahead %d of %d chunks: want some of at least %d", ahead, of, n)
				}
				cold, err := ssz.NewTree(s.BeaconState, st)
				if err != nil {
					t.Fatal(err)
				}
				sameTrees(t, s.BeaconState, tr, cold, paths)
				sameNodes(t, s.BeaconState, tr, cold, 2000)
				// A watcher's next epoch from the tree: its fingerprints are
				// the bytes', not the hasher's markers.
				next, err := tr.Next(st)
				if err != nil {
					t.Fatal(err)
				}
				sameTrees(t, s.BeaconState, next, cold, paths)
			})
		}
	}
}

// waitHashing gives the hasher's goroutine a moment.
func waitHashing() { time.Sleep(200 * time.Microsecond) }

// sameTrees checks that two trees of a state have the same root and the
// same proofs of paths (the paths a fork does not have are skipped).
func sameTrees(t *testing.T, st *ssz.Type, got, want *ssz.Tree, paths []string) {
	t.Helper()
	gr, err := got.Root()
	if err != nil {
		t.Fatal(err)
	}
	wr, err := want.Root()
	if err != nil {
		t.Fatal(err)
	}
	if gr != wr {
		t.Fatalf("root %x, want %x", gr, wr)
	}
	for _, path := range paths {
		g, _, err := st.Gindex(path)
		if err != nil {
			continue
		}
		gp, err := got.Prove(g)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		wp, err := want.Prove(g)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if gp.Leaf != wp.Leaf || len(gp.Branch) != len(wp.Branch) {
			t.Fatalf("%s: proof differs", path)
		}
		for i := range gp.Branch {
			if gp.Branch[i] != wp.Branch[i] {
				t.Fatalf("%s: branch[%d] differs", path, i)
			}
		}
	}
}

func schemas(t *testing.T, forkName string) *fork.Schemas {
	t.Helper()
	f, err := fork.Lookup(forkName)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHasherBadInput checks that a Hasher given bytes that are not a valid
// state, truncated or with offsets past the end or out of order, neither
// panics nor hangs, and that a Tree of bytes it did not follow is refused.
func TestHasherBadInput(t *testing.T) {
	s := schemas(t, fork.Fulu)
	st, err := synth.State(s.BeaconState, synth.Options{Validators: 5000, Slot: 100})
	if err != nil {
		t.Fatal(err)
	}
	valOff := offsetOf(t, s.BeaconState, "validators")
	bad := map[string][]byte{
		"offset past the end": setU32(st, valOff, uint32(len(st)+1000)),
		"offset backwards":    setU32(st, valOff, 100),
		"huge offset":         setU32(st, valOff, 0xffffffff),
		"short":               st[:1000],
		"truncated":           st[:len(st)/2],
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			for _, size := range []int{len(b), -1} {
				buf := make([]byte, len(st)+64)
				h := ssz.NewHasher(s.BeaconState, buf, size, 0)
				feed(h, buf, b, 2, nil)
				if err := ssz.Validate(s.BeaconState, buf[:len(b)]); err == nil {
					t.Fatal("bad bytes validate")
				}
				h.Stop()
				h.Stop()
			}
		})
	}
	t.Run("other bytes", func(t *testing.T) {
		buf := make([]byte, len(st))
		h := ssz.NewHasher(s.BeaconState, buf, len(st), 0)
		feed(h, buf, st, 3, nil)
		if _, err := h.Tree(bytes.Clone(st)); err == nil {
			t.Fatal("Tree of other bytes: no error")
		}
	})
	t.Run("delayed past the download", func(t *testing.T) {
		buf := make([]byte, len(st))
		h := ssz.NewHasher(s.BeaconState, buf, len(st), time.Hour)
		feed(h, buf, st, 4, nil)
		tr, err := h.Tree(buf)
		if err != nil {
			t.Fatal(err)
		}
		if ahead, _ := h.HashedAhead(); ahead != 0 {
			t.Errorf("hashed %d chunks ahead before its delay", ahead)
		}
		cold, err := ssz.NewTree(s.BeaconState, st)
		if err != nil {
			t.Fatal(err)
		}
		sameTrees(t, s.BeaconState, tr, cold, []string{"validators[4999]", "balances[17]", "slot"})
	})
	t.Run("stopped before the fixed part", func(t *testing.T) {
		buf := make([]byte, len(st))
		h := ssz.NewHasher(s.BeaconState, buf, -1, time.Hour)
		h.Arrived(10)
		h.Stop()
	})
}

func offsetOf(t *testing.T, st *ssz.Type, name string) int {
	pos := 0
	for _, f := range st.Fields {
		if f.Name == name {
			return pos
		}
		if f.Type.IsFixed() {
			pos += int(f.Type.FixedSize())
		} else {
			pos += 4
		}
	}
	t.Fatalf("no field %s", name)
	return 0
}

func setU32(b []byte, at int, v uint32) []byte {
	c := bytes.Clone(b)
	binary.LittleEndian.PutUint32(c[at:], v)
	return c
}

// sameNodes checks that two trees of a state answer the same for count
// random nodes of its big members' subtrees: walks from a member's root
// down random bits, to any depth inside the member's chunk tree and into
// its elements (a node below what exists must fail in both).
func sameNodes(t *testing.T, st *ssz.Type, got, want *ssz.Tree, count int) {
	t.Helper()
	var roots []proof.Gindex
	for _, name := range []string{"validators", "balances", "inactivity_scores", "previous_epoch_participation",
		"block_roots", "randao_mixes", "pending_deposits", "slashings"} {
		if g, _, err := st.Gindex(name); err == nil {
			roots = append(roots, g)
		}
	}
	r := rand.New(rand.NewPCG(7, 7))
	valued := 0 // nodes that exist and are not zero
	for k := 0; k < count; k++ {
		g := roots[r.IntN(len(roots))]
		// Mostly into the data tree (bit 0 under a list's root), to a
		// depth around the chunk tree's and the element's.
		g = g.Left()
		for d := r.IntN(48); d > 0; d-- {
			bit := uint(0)
			if r.IntN(8) == 0 {
				bit = 1
			}
			g = g.Child(bit)
		}
		a, aerr := got.Node(g)
		b, berr := want.Node(g)
		if aerr == nil && a != ssz.ZeroHash(0) {
			valued++
		}
		if (aerr == nil) != (berr == nil) || a != b {
			t.Fatalf("node %s: %x (%v), want %x (%v)", g, a, aerr, b, berr)
		}
	}
	if valued < count/10 { // progressive lists (gloas) put fewer nodes on a left walk
		t.Errorf("only %d of %d random nodes exist and are not zero", valued, count)
	}
}
