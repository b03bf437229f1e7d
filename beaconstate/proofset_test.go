package beaconstate

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
)

// TestCheckPath checks CheckPath's defaults and errors.
func TestCheckPath(t *testing.T) {
	g := func(v uint64) proof.Gindex { return proof.GindexFromUint64(v) }
	for _, c := range []struct {
		name                    string
		fork, preset, typ, path string
		gindex                  proof.Gindex
		want                    error // nil: the path is the gindex's
		contain                 string
	}{
		{"slot of a deneb state, defaults", "deneb", "", "", "slot", g(34), nil, ""},
		{"slot of a deneb state", "deneb", "mainnet", "BeaconState", "slot", g(34), nil, ""},
		{"slot of an electra state (one level deeper)", "electra", "", "", "slot", g(66), nil, ""},
		{"slot of a block", "deneb", "", "BeaconBlock", "slot", g(8), nil, ""},
		{"another field", "deneb", "", "", "genesis_time", g(34), ErrPathMismatch,
			`the proof has gindex 34, but "genesis_time" is gindex 32 in the mainnet deneb BeaconState`},
		{"another fork's layout", "electra", "", "", "slot", g(34), ErrPathMismatch, "is gindex 66 in the mainnet electra"},
		{"no such field", "deneb", "", "", "slots", g(34), ErrPathMismatch, `"slots" is no path of the mainnet deneb BeaconState`},
		{"an index past the limit", "deneb", "minimal", "", "block_roots[64]", g(34), ErrPathMismatch, "is no path"},
		{"unknown fork", "london", "", "", "slot", g(34), fork.ErrUnknownFork, `"london"`},
		{"unknown type", "deneb", "", "Nope", "slot", g(34), nil, `unknown type "Nope"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckPath(c.fork, c.preset, c.typ, c.path, c.gindex)
			switch {
			case c.want == nil && c.contain == "":
				if err != nil {
					t.Fatal(err)
				}
			case c.want == nil:
				if err == nil || errors.Is(err, ErrPathMismatch) || !strings.Contains(err.Error(), c.contain) {
					t.Fatalf("CheckPath = %v, want an error containing %q", err, c.contain)
				}
			case !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.contain):
				t.Fatalf("CheckPath = %v, want %v containing %q", err, c.want, c.contain)
			}
		})
	}
}

// TestProofSetBindsPaths checks that ProofSet.Verify binds paths to
// gindices when the set names its fork, and only then.
func TestProofSetBindsPaths(t *testing.T) {
	_, p := loadCase(t, "minimal/electra/state_0")
	set, err := p.ProofSet([]string{"slot", "validators[5].withdrawal_credentials", "block_roots[3]"})
	if err != nil {
		t.Fatal(err)
	}
	if !set.PathsChecked() {
		t.Fatal("a set with a fork: PathsChecked is false")
	}
	if err := set.Verify(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		edit    func(s *ProofSet)
		want    error // nil: verifies
		contain string
	}{
		{"another member's path", func(s *ProofSet) { s.Proofs[1].Path = "validators[6].withdrawal_credentials" },
			ErrPathMismatch, `proofs[1] (path "validators[6].withdrawal_credentials"): path does not match the gindex`},
		{"the container's path", func(s *ProofSet) { s.Proofs[1].Path = "validators[5]" }, ErrPathMismatch, `"validators[5]" is gindex`},
		{"another preset", func(s *ProofSet) { s.Preset = "mainnet" }, ErrPathMismatch, `proofs[2] (path "block_roots[3]")`},
		{"another fork", func(s *ProofSet) { s.Fork = "deneb" }, ErrPathMismatch, "proofs[0]"},
		{"another type", func(s *ProofSet) { s.Type = "BeaconBlock" }, ErrPathMismatch, "proofs[0]"},
		{"defaults: no preset (mainnet)", func(s *ProofSet) { s.Preset = "" }, ErrPathMismatch, "mainnet electra"},
		{"unknown fork", func(s *ProofSet) { s.Fork = "london" }, fork.ErrUnknownFork, "proof set of the minimal london BeaconState"},
		{"no path", func(s *ProofSet) { s.Proofs[1].Path = "" }, nil, ""},
		{"no fork: paths not checked", func(s *ProofSet) { s.Fork = ""; s.Proofs[1].Path = "genesis_time" }, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := *set
			s.Proofs = append([]PathProof(nil), set.Proofs...)
			c.edit(&s)
			err := s.Verify()
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.contain) {
				t.Fatalf("Verify = %v, want %v containing %q", err, c.want, c.contain)
			}
		})
	}
}

// TestProofSetOracle verifies every oracle vector.json as a proof set: as
// it is (no fork, so only the proofs are checked) and with the fork and
// preset of its directory, which binds every path to its gindex.
func TestProofSetOracle(t *testing.T) {
	for _, c := range oracleCases(t) {
		data, err := os.ReadFile(filepath.Join(c.Dir, "vector.json"))
		if err != nil {
			t.Fatal(err)
		}
		var s ProofSet
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if s.PathsChecked() {
			t.Fatalf("%s: the oracle names no fork, but PathsChecked", c)
		}
		if err := s.Verify(); err != nil {
			t.Errorf("%s as it is: %v", c, err)
		}
		s.Fork, s.Preset = c.Fork, c.Preset
		if !s.PathsChecked() {
			t.Fatalf("%s: a set with a fork: PathsChecked is false", c)
		}
		if err := s.Verify(); err != nil {
			t.Errorf("%s with its fork and preset: %v", c, err)
		}
	}
}
