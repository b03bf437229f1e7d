package watch

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
)

// TestCheckpointProverFallback: a state hashed with Prover.Next from the
// previous checkpoint's released tree is checked against the checkpoint's
// block; when Next's root is wrong (as a fingerprint collision would make
// it), the state is hashed again from scratch, and the proofs are the
// block's. A state that is not the block's fails either way.
func TestCheckpointProverFallback(t *testing.T) {
	chainAt := func(slot uint64) *synth.Chain {
		ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Deneb, Options: synth.Options{Validators: 64, Slot: slot, Seed: 3}})
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	object := func(ch *synth.Chain) *beaconstate.Object {
		o, err := beaconstate.NewObject(fork.Deneb, fork.PresetMainnet, "BeaconState", ch.State)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	first, second := chainAt(1000), chainAt(1032)
	for _, tc := range []struct {
		name   string
		wrong  bool // Next gives another state's root
		target [32]byte
		fails  string // the error, when it fails
	}{
		{"next", false, second.BlockRoot, ""},
		{"next wrong, cold right", true, second.BlockRoot, ""},
		{"not the block's state", false, first.BlockRoot, "is not the post-state of the checkpoint's block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			w := &Watcher{log: slog.New(slog.NewTextHandler(&logs, nil))}
			p, err := beaconstate.NewProver(object(first))
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Release(); err != nil {
				t.Fatal(err)
			}
			w.prover = p
			if tc.wrong {
				defer func(f func(*beaconstate.Prover, *beaconstate.Object) (*beaconstate.Prover, error)) { proverNext = f }(proverNext)
				proverNext = func(*beaconstate.Prover, *beaconstate.Object) (*beaconstate.Prover, error) {
					return beaconstate.NewProver(object(first))
				}
			}
			sp, err := w.checkpointProver(object(second), beaconapi.Header{Slot: second.Slot, Root: tc.target, StateRoot: second.StateRoot})
			if tc.fails != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fails) {
					t.Fatalf("err %v, want %q", err, tc.fails)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sp.Anchor().Root != proof.Hash32(second.BlockRoot) {
				t.Fatalf("anchor %v, want the block %x", sp.Anchor(), second.BlockRoot)
			}
			if got := strings.Contains(logs.String(), "hashing it from scratch"); got != tc.wrong {
				t.Errorf("fallback logged: %v, want %v (%s)", got, tc.wrong, logs.String())
			}
		})
	}
}
