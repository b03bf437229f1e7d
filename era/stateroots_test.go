package era_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// TestStateRoots reads each era's state_roots from the state at its end,
// from a file and from a folder, as the state's own field holds them;
// the genesis era has none.
func TestStateRoots(t *testing.T) {
	c := newTestChain(t, 3)
	ctx := context.Background()
	b := c.write(t, 0, 3)
	f, err := era.NewFile(bytes.NewReader(b), int64(len(b)), "test.era", era.Options{Network: c.net})
	if err != nil {
		t.Fatal(err)
	}
	a, err := era.Open(c.writeDir(t, 3), era.Options{Network: c.net})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for e := uint64(1); e <= 3; e++ {
		st := c.states[e]
		s := schemasAt(t, c.net, e*64)
		lo, hi, err := synth.FieldSpan(s.BeaconState, st, "state_roots")
		if err != nil {
			t.Fatal(err)
		}
		for name, read := range map[string]func(context.Context, uint64) ([][32]byte, error){"file": f.StateRoots, "archive": a.StateRoots} {
			roots, err := read(ctx, e)
			if err != nil {
				t.Fatalf("%s: era %d: %v", name, e, err)
			}
			var flat []byte
			for _, r := range roots {
				flat = append(flat, r[:]...)
			}
			if len(roots) != 64 || !bytes.Equal(flat, st[lo:hi]) {
				t.Fatalf("%s: era %d: %d state roots, not the state's state_roots", name, e, len(roots))
			}
		}
	}
	if _, err := f.StateRoots(ctx, 0); !errors.Is(err, era.ErrNotFound) || !bytes.Contains([]byte(err.Error()), []byte("state roots")) {
		t.Fatalf("StateRoots(0): %v, want ErrNotFound naming the state roots", err)
	}
}
