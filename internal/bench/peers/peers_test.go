package peers

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/gloas"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/bench"
	"github.com/beaconproof/beaconproof/internal/bench/proto"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

type object interface {
	UnmarshalSSZ([]byte) error
	HashTreeRoot() ([32]byte, error)
}

// TestMainnetShapedRootsMatchGoEth2Client checks synth.MainnetShaped's
// states and blocks, and synth.NextEpoch's states, against go-eth2-client:
// it decodes them and its roots equal ours.
func TestMainnetShapedRootsMatchGoEth2Client(t *testing.T) {
	for _, name := range []string{fork.Fulu, fork.Gloas} {
		t.Run(name, func(t *testing.T) {
			f, _ := fork.Lookup(name)
			s, err := f.Schemas("mainnet")
			if err != nil {
				t.Fatal(err)
			}
			state, block, err := synth.MainnetShaped(name, 1500)
			if err != nil {
				t.Fatal(err)
			}
			next, err := synth.NextEpoch(s.BeaconState, state)
			if err != nil {
				t.Fatal(err)
			}
			newBlock := func() object { return new(electra.BeaconBlock) } // fulu keeps electra's block
			if name == fork.Gloas {
				newBlock = func() object { return new(gloas.BeaconBlock) }
			}
			for _, c := range []struct {
				what string
				typ  *ssz.Type
				b    []byte
				obj  func() object
			}{
				{"state", s.BeaconState, state, func() object { st, _ := NewState(name); return st }},
				{"next epoch state", s.BeaconState, next, func() object { st, _ := NewState(name); return st }},
				{"block", s.BeaconBlock, block, newBlock},
			} {
				want, err := ssz.HashTreeRoot(c.typ, c.b)
				if err != nil {
					t.Fatal(err)
				}
				o := c.obj()
				if err := o.UnmarshalSSZ(c.b); err != nil {
					t.Fatalf("%s: go-eth2-client cannot decode: %v", c.what, err)
				}
				got, err := o.HashTreeRoot()
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s: go-eth2-client root %x, ours %x", c.what, got, want)
				}
			}
		})
	}
}

// TestMethods runs each peer method in process on a small state and checks
// its root against ours (each verifies its proofs itself).
func TestMethods(t *testing.T) {
	for _, name := range []string{fork.Fulu, fork.Gloas} {
		t.Run(name, func(t *testing.T) {
			state, block, err := synth.MainnetShaped(name, 1200)
			if err != nil {
				t.Fatal(err)
			}
			f, _ := fork.Lookup(name)
			s, _ := f.Schemas("mainnet")
			lo, hi, err := synth.FieldSpan(s.BeaconBlock, block, "state_root")
			if err != nil {
				t.Fatal(err)
			}
			want := proof.FormatHash([32]byte(block[lo:hi]))
			path := filepath.Join(t.TempDir(), "state.ssz")
			if err := os.WriteFile(path, state, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, m := range Names() {
				req := proto.Request{Method: m, Fork: name, StatePath: path, Validator: 1199, Seed: 1}
				r := &proto.Response{}
				err := Run(req, r)
				if m == FastSSZTree && name == fork.Gloas {
					if err == nil || !strings.Contains(err.Error(), "progressive") {
						t.Errorf("%s on gloas: %v", m, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", m, err)
					continue
				}
				if r.Root != want {
					t.Errorf("%s: root %s, want %s", m, r.Root, want)
				}
				if len(r.Stages) < 3 {
					t.Errorf("%s: stages %v", m, r.Stages)
				}
				if m != HashTreeRoot && r.Values["extra_proof_us"] <= 0 {
					t.Errorf("%s: no extra proof time", m)
				}
			}
		})
	}
}

func TestRunnerKnowsThePeers(t *testing.T) {
	for _, m := range []string{bench.PeerDynSSZ, bench.PeerFastSSZ, bench.PeerHTR} {
		if !slices.Contains(Names(), m) {
			t.Errorf("the runner's method %s is not a peer method (peers: %v)", m, Names())
		}
	}
	if err := Run(proto.Request{Method: "nope"}, &proto.Response{}); err == nil {
		t.Error("unknown method accepted")
	}
}
