package conformance

import (
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/ssz"
)

// TestMadeUpForkProves registers a fork through the public API only — fulu
// with one more state field — and proves against it: schemas, loading,
// hashing and proofs all follow from the one table entry.
func TestMadeUpForkProves(t *testing.T) {
	err := fork.Register(fork.Fork{
		Name:   "fulu-extra",
		Parent: fork.Fulu,
		Build: func(p *fork.Preset, parent *fork.Schemas) *fork.Schemas {
			s := parent.Clone()
			s.BeaconState = parent.BeaconState.WithFields(ssz.F("extra_root", ssz.Bytes32))
			return s
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := fork.Lookup("fulu-extra")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	extra := synth.Hash(7, "extra", 0)
	b, err := synth.Build(s.BeaconState, func(path string, _ *ssz.Type) ([]byte, bool) {
		switch path {
		case "extra_root":
			return extra[:], true
		case "slot":
			return synth.Uint64(100), true
		case "validators":
			return append(synth.ValidatorBytes(synth.Options{}, 0), synth.ValidatorBytes(synth.Options{}, 1)...), true
		case "balances":
			return make([]byte, 16), true
		}
		return nil, false
	})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := beaconstate.NewObject("fulu-extra", "mainnet", "BeaconState", b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path   string
		gindex string
	}{
		// fulu's state has 38 fields (depth 6); the 39th lands at 64+38.
		{"extra_root", "102"},
		{"slot", "66"},
		{"validators[1].withdrawal_credentials", ""},
	} {
		pr, err := p.Prove(tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if err := pr.Verify(p.Root()); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if tc.gindex != "" && pr.Gindex.String() != tc.gindex {
			t.Errorf("%s: gindex %s, want %s", tc.path, pr.Gindex, tc.gindex)
		}
		if tc.path == "extra_root" && pr.Leaf != extra {
			t.Errorf("extra_root leaf %x, want %x", pr.Leaf, extra)
		}
	}
}
