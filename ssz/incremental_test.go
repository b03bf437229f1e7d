package ssz_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/ssz"
)

// TestTreeNext checks that a tree built with Next from the previous
// version of a state gives exactly the root and proofs of a fresh tree,
// when validator records, balances and vector entries changed: from a
// previous tree that still holds its bytes, and from one released before
// the new bytes were made (the watcher's cycle).
func TestTreeNext(t *testing.T) {
	type tc struct {
		fork    string
		release bool
	}
	var cases []tc
	for _, f := range []string{fork.Capella, fork.Deneb, fork.Electra, fork.Fulu, fork.Gloas} {
		cases = append(cases, tc{f, false}, tc{f, true})
	}
	for _, c := range cases {
		forkName := c.fork
		t.Run(fmt.Sprintf("%s/release=%v", c.fork, c.release), func(t *testing.T) {
			f, err := fork.Lookup(forkName)
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Schemas("mainnet")
			if err != nil {
				t.Fatal(err)
			}
			const n = 20_000
			old, err := synth.State(s.BeaconState, synth.Options{Validators: n, Slot: 13_000_000, HistoricalSummaries: 10})
			if err != nil {
				t.Fatal(err)
			}
			prev, err := ssz.NewTree(s.BeaconState, old)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := prev.Root(); err != nil {
				t.Fatal(err)
			}
			next := append([]byte(nil), old...)
			if c.release {
				if err := prev.Release(); err != nil {
					t.Fatal(err)
				}
				clear(old) // the bytes are the caller's again
			}
			set := func(path string, v uint64) {
				g := fieldOffset(t, s.BeaconState, next, path)
				binary.LittleEndian.PutUint64(next[g:], v)
			}
			for _, i := range []int{0, 5, 4096, 12_345, n - 1} {
				set(fmt.Sprintf("validators[%d].exit_epoch", i), 400_000)
			}
			for i := 0; i < n; i += 3 {
				set(fmt.Sprintf("balances[%d]", i), uint64(31_000_000_000+i))
			}
			set("slot", 13_000_032)
			tr, err := prev.Next(next)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tr.Root()
			if err != nil {
				t.Fatal(err)
			}
			want, err := ssz.HashTreeRoot(s.BeaconState, next)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("Next root %x, fresh root %x", got, want)
			}
			for _, path := range []string{"validators[12345]", "validators[12346]", "balances[3]", "balances[19999]", "block_roots[7]", "slot"} {
				g, _, err := s.BeaconState.Gindex(path)
				if err != nil {
					t.Fatal(err)
				}
				p, err := tr.Prove(g)
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				if err := p.Verify(want); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			// The previous tree still answers for the old state.
			if r, _ := prev.Root(); r == want {
				t.Fatal("previous tree changed")
			}
			if c.release {
				g, _, _ := s.BeaconState.Gindex("slot")
				if _, err := prev.Prove(g); !errors.Is(err, ssz.ErrReleased) {
					t.Fatalf("Prove on a released tree: %v, want ErrReleased", err)
				}
				if _, err := prev.Next(next); !errors.Is(err, ssz.ErrConsumed) {
					t.Fatalf("a second Next from a released tree: %v, want ErrConsumed", err)
				}
			}
		})
	}
}

// fieldOffset returns the byte offset of a uint64 at path in a state
// whose variable fields before validators do not matter to the caller: it
// walks the fixed part and the validators/balances lists.
func fieldOffset(t *testing.T, st *ssz.Type, b []byte, path string) int {
	t.Helper()
	var i int
	var field string
	switch {
	case path == "slot":
		return 40
	case sscanf(path, "validators[%d].exit_epoch", &i):
		return listStart(t, st, b, "validators") + i*121 + 105
	case sscanf(path, "balances[%d]", &i):
		return listStart(t, st, b, "balances") + i*8
	}
	t.Fatalf("fieldOffset: %s %s", path, field)
	return 0
}

func sscanf(s, format string, i *int) bool {
	n, err := fmt.Sscanf(s, format, i)
	return err == nil && n == 1
}

// listStart returns the offset of a variable-size top-level field.
func listStart(t *testing.T, st *ssz.Type, b []byte, name string) int {
	pos := 0
	for _, f := range st.Fields {
		if f.Name == name {
			return int(binary.LittleEndian.Uint32(b[pos:]))
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

// TestTreeNextResized checks Next when a list shrinks or grows, including
// by less than one stored node, so that a partial last node is never taken
// from the previous tree.
func TestTreeNextResized(t *testing.T) {
	elem := ssz.Container("E", ssz.F("a", ssz.Uint64), ssz.F("b", ssz.Bytes32))
	typ := ssz.Container("S", ssz.F("slot", ssz.Uint64), ssz.F("list", ssz.List(elem, 1<<20)), ssz.F("packed", ssz.List(ssz.Uint64, 1<<20)))
	make1 := func(n, m int, salt byte) []byte {
		list := make([]byte, n*40)
		for i := range list {
			list[i] = byte(i) ^ salt
		}
		packed := make([]byte, m*8)
		for i := range packed {
			packed[i] = byte(i * 3)
		}
		b, err := synth.EncodeContainer(typ, [][]byte{make([]byte, 8), list, packed})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sizes := [][2]int{{70_000, 9_000}, {69_999, 8_999}, {70_001, 9_003}, {65_536, 8_192}, {70_016, 9_001}, {10, 3}, {70_000, 9_000}}
	prev, err := ssz.NewTree(typ, make1(sizes[0][0], sizes[0][1], 0))
	if err != nil {
		t.Fatal(err)
	}
	for k, sz := range sizes[1:] {
		if k%2 == 0 { // every other version from a released tree
			if err := prev.Release(); err != nil {
				t.Fatal(err)
			}
		}
		b := make1(sz[0], sz[1], 0)
		tr, err := prev.Next(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tr.Root()
		if err != nil {
			t.Fatal(err)
		}
		want, err := ssz.HashTreeRoot(typ, b)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("sizes %v: Next root %x, fresh %x", sz, got, want)
		}
		prev = tr
	}
}
