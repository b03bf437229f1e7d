package beaconstate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// TestProverNextAfterRelease follows the watcher's cycle on every fork
// from capella: prove a state, release it, clear its bytes, then hash
// the next epoch's state with Next. The root and the proofs must be a
// cold prover's, and a third epoch (the first state again) from the
// released second must find the first state's root.
func TestProverNextAfterRelease(t *testing.T) {
	paths := []string{"slot", "validators[0]", "validators[4097]", "validators[4999].exit_epoch", "balances[77]", "block_roots[5]", "randao_mixes[3]", "validators"}
	for _, name := range []string{fork.Capella, fork.Deneb, fork.Electra, fork.Fulu, fork.Gloas} {
		t.Run(name, func(t *testing.T) {
			f, err := fork.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Schemas(fork.PresetMainnet)
			if err != nil {
				t.Fatal(err)
			}
			b, err := synth.State(s.BeaconState, synth.Options{Validators: 5_000, Slot: 9_000_000, HistoricalSummaries: 3})
			if err != nil {
				t.Fatal(err)
			}
			next, err := synth.NextEpoch(s.BeaconState, b)
			if err != nil {
				t.Fatal(err)
			}
			obj, err := NewObject(name, fork.PresetMainnet, "BeaconState", b)
			if err != nil {
				t.Fatal(err)
			}
			p, err := NewProver(obj)
			if err != nil {
				t.Fatal(err)
			}
			root := p.Root()
			again := append([]byte(nil), b...) // the third epoch: the first state again
			if err := p.Release(); err != nil {
				t.Fatal(err)
			}
			clear(b)
			if p.Root() != root || p.Object().Bytes != nil || p.Object().Fork != name {
				t.Fatalf("released prover: root %x (want %x), %d bytes, fork %s", p.Root(), root, len(p.Object().Bytes), p.Object().Fork)
			}
			nobj, err := NewObject(name, fork.PresetMainnet, "BeaconState", next)
			if err != nil {
				t.Fatal(err)
			}
			np, err := p.Next(nobj)
			if err != nil {
				t.Fatal(err)
			}
			cold, err := NewProver(nobj)
			if err != nil {
				t.Fatal(err)
			}
			if np.Root() != cold.Root() || np.Root() == root {
				t.Fatalf("Next root %x, cold %x, previous %x", np.Root(), cold.Root(), root)
			}
			got, err := np.ProvePaths(paths)
			if err != nil {
				t.Fatal(err)
			}
			want, err := cold.ProvePaths(paths)
			if err != nil {
				t.Fatal(err)
			}
			for i := range paths {
				if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
					t.Errorf("%s: Next's proof differs from a cold prover's", paths[i])
				}
			}
			// A third epoch from the released second: Next takes over the
			// nodes that the second took over from the first.
			if err := np.Release(); err != nil {
				t.Fatal(err)
			}
			clear(next)
			aobj, err := NewObject(name, fork.PresetMainnet, "BeaconState", again)
			if err != nil {
				t.Fatal(err)
			}
			ap, err := np.Next(aobj)
			if err != nil {
				t.Fatal(err)
			}
			if ap.Root() != root {
				t.Fatalf("third epoch: Next root %x, the state's %x", ap.Root(), root)
			}
			if _, err := np.Next(aobj); !errors.Is(err, ssz.ErrConsumed) {
				t.Errorf("a second Next from a released prover: %v, want ssz.ErrConsumed", err)
			}
			if _, err := ap.ProvePaths(paths); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestReleasedProverCannotProve checks that every proof method of a
// released Prover fails with ErrReleased, naming the object, and that
// none panics.
func TestReleasedProverCannotProve(t *testing.T) {
	_, p := loadCase(t, "minimal/capella/state_0")
	if err := p.Release(); err != nil {
		t.Fatal(err)
	}
	if err := p.Release(); err != nil { // twice is fine
		t.Fatal(err)
	}
	g, _, err := p.Object().Type.Gindex("slot")
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Prove":       func() error { _, err := p.Prove("slot"); return err },
		"ProvePaths":  func() error { _, err := p.ProvePaths([]string{"slot"}); return err },
		"ProveGindex": func() error { _, err := p.ProveGindex(g); return err },
		"Gindex":      func() error { _, err := p.Gindex("slot"); return err },
		"Multiproof":  func() error { _, err := p.Multiproof([]string{"slot", "genesis_time"}); return err },
		"ProofSet":    func() error { _, err := p.ProofSet([]string{"slot"}); return err },
		"MultiproofSet": func() error {
			_, err := p.MultiproofSet([]string{"slot", "genesis_time"})
			return err
		},
	} {
		err := call()
		if !errors.Is(err, ErrReleased) {
			t.Errorf("%s: %v, want ErrReleased", name, err)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
	var zero proof.Gindex
	if _, err := p.ProveGindex(zero); err == nil {
		t.Error("ProveGindex of an invalid gindex succeeded")
	}
}
